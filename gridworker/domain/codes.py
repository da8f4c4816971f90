"""The code lists of DOMAIN.md: ordered ``code -> Chinese label`` mappings and tag tuples.

A code list is a ``CodeList`` (a ``dict`` in display order, plus a ``name`` used as the field
name in errors and a few accepted aliases). Store codes, show labels. Importers should pass
whatever the spreadsheet holds through ``code_for``, which takes a code, a label or an alias
and raises ``ValidationError`` for anything else. Tag families (``CARE_TAGS``, ``SPECIAL_TAGS``)
are tuples of labels: the label is the stored value.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from ._util import nfkc
from .errors import ValidationError


class CodeList(dict):
    """An ordered ``code -> label`` dict with a field ``name`` and extra accepted spellings."""

    def __init__(self, name: str, items: Mapping[str, str], aliases: Mapping[str, str] | None = None):
        super().__init__(items)
        self.name = name
        self.aliases = dict(aliases or {})


CodeSource = Union[CodeList, Mapping[str, str], tuple]

# GB/T 2261.1
GENDER = CodeList("gender", {"1": "男", "2": "女", "9": "未说明"},
                  aliases={"男性": "1", "女性": "2", "未知": "9"})

# GB/T 2261.2
MARITAL = CodeList("marital_status", {
    "10": "未婚", "20": "已婚", "21": "初婚", "22": "再婚", "23": "复婚",
    "30": "丧偶", "40": "离婚", "90": "未说明",
})

# GB/T 4761
RELATION = CodeList("relation", {
    "01": "本人", "02": "户主", "10": "配偶", "11": "夫", "12": "妻", "20": "子", "30": "女",
    "40": "孙辈", "50": "父母", "60": "祖父母", "70": "兄弟姐妹", "80": "其他",
    "97": "其他亲属", "99": "非亲属",
}, aliases={"儿子": "20", "女儿": "30", "丈夫": "11", "妻子": "12"})

# GB/T 4658-2006, top-level codes only: ledgers rarely record finer grades.
EDUCATION = CodeList("education", {
    "10": "研究生", "20": "大学本科", "30": "大学专科", "40": "中等职业教育",
    "60": "普通高级中学", "70": "初级中学", "80": "小学", "90": "其他",
}, aliases={"本科": "20", "大专": "30", "专科": "30", "中专": "40", "职高": "40", "技校": "40",
            "高中": "60", "初中": "70", "博士": "10", "硕士": "10", "文盲": "90", "未上过学": "90"})

# GB/T 4762, with the short forms that household ledgers use.
POLITICAL = CodeList("political_status", {
    "01": "中共党员", "02": "中共预备党员", "03": "共青团员", "04": "民革党员", "05": "民盟盟员",
    "06": "民建会员", "07": "民进会员", "08": "农工党党员", "09": "致公党党员",
    "10": "九三学社社员", "11": "台盟盟员", "12": "无党派人士", "13": "群众",
}, aliases={"中国共产党党员": "01", "党员": "01", "中国共产党预备党员": "02", "预备党员": "02",
            "中国共产主义青年团团员": "03", "团员": "03", "无党派民主人士": "12"})

# 关爱对象: shown to every role that visits households.
CARE_TAGS: tuple[str, ...] = (
    "独居老人", "空巢老人", "留守老人", "失能失智老人", "特困供养", "计生特殊家庭",
    "散居孤儿", "困境儿童", "留守儿童", "残疾人", "低保/低收入", "优抚对象/退役军人",
)

# 特殊人群: sensitive personal information (PIPL); only roles that need them may see these.
SPECIAL_TAGS: tuple[str, ...] = (
    "刑满释放人员", "社区矫正对象", "严重精神障碍患者", "吸毒人员", "重点青少年",
)

TENURE = CodeList("tenure", {"own": "自住", "rent": "出租", "vacant": "空置"})

RESIDENCE_STATUS = CodeList("residence_status", {
    "match": "人户一致", "person_only": "人在户不在", "record_only": "户在人不在",
})

VISIT_MODES = CodeList("visit_mode", {"door": "上门", "phone": "电话", "wechat": "微信", "other": "其他"},
                       aliases={"入户": "door", "上门走访": "door", "电话回访": "phone"})

ATTENTION_LEVELS = CodeList("attention_level", {"high": "高风险", "key": "重点", "normal": "一般"})

# One city's rule; admins may change it, so callers pass their own mapping where they have one.
DEFAULT_VISIT_INTERVAL_DAYS: dict[str, int] = {"high": 7, "key": 30, "normal": 90}

ISSUE_CATEGORIES = CodeList("category", {
    # 数字城管 event categories
    "environment": "市容环境", "advertising": "宣传广告", "construction": "施工管理",
    "street_order": "街面秩序", "emergency_event": "突发事件", "other": "其他",
    # community-life categories
    "property": "物业", "neighbour_dispute": "邻里纠纷", "safety_hazard": "安全隐患",
    "livelihood": "民生服务",
})
CITY_MANAGEMENT_CATEGORIES: tuple[str, ...] = (
    "environment", "advertising", "construction", "street_order", "emergency_event", "other",
)
COMMUNITY_CATEGORIES: tuple[str, ...] = ("property", "neighbour_dispute", "safety_hazard", "livelihood")

ISSUE_KINDS = CodeList("kind", {"help": "求助", "inquiry": "咨询", "complaint": "投诉", "suggestion": "建议"},
                       aliases={"举报": "complaint"})

URGENCIES = CodeList("urgency", {"emergency": "紧急", "normal": "一般"}, aliases={"急": "emergency"})

ORG_LEVELS = CodeList("org_level", {
    "city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格",
    "party_branch": "网格党支部",
}, aliases={"区县": "district", "县": "district", "镇": "street", "乡镇": "street", "小区": "grid"})


def visit_interval_days(level: str, intervals: Mapping[str, int] | None = None) -> int:
    """Days between visits for an attention level; ``intervals`` overrides the defaults."""
    level = code_for(ATTENTION_LEVELS, level)
    merged = {**DEFAULT_VISIT_INTERVAL_DAYS, **(intervals or {})}
    return int(merged[level])


def _field_name(codelist: CodeSource, field: str | None) -> str:
    if field:
        return field
    return getattr(codelist, "name", None) or ("tag" if isinstance(codelist, tuple) else "code")


def _choices(codelist: CodeSource) -> str:
    if isinstance(codelist, tuple):
        return "、".join(codelist)
    return "、".join(f"{c} {lbl}" for c, lbl in codelist.items())


def label(codelist: CodeSource, code: str, *, field: str | None = None) -> str:
    """The Chinese label of ``code``; for a tag tuple the tag itself. Unknown codes are refused."""
    if isinstance(codelist, tuple):
        if code in codelist:
            return code
    elif code in codelist:
        return codelist[code]
    raise ValidationError(_field_name(codelist, field), code, "unknown_code",
                          f"不是有效的代码，可选：{_choices(codelist)}")


def code_for(codelist: CodeSource, label_or_code: object, *, field: str | None = None) -> str:
    """The code for a code, a label or an alias (full-width and surrounding spaces tolerated).

    Numeric codes lose their leading zeros in spreadsheets, so ``1`` or ``"1"`` is read as
    ``"01"`` when the list's codes are two digits wide. Raises ``ValidationError`` (code
    ``"unknown_code"``, or ``"empty_code"`` for a blank) naming the list's field.
    """
    name = _field_name(codelist, field)
    if label_or_code is None or not str(label_or_code).strip():
        raise ValidationError(name, label_or_code, "empty_code", "不能为空")
    value = nfkc(str(label_or_code)).strip()
    if isinstance(codelist, tuple):
        if value in codelist:
            return value
    else:
        if value in codelist:
            return value
        for code, lbl in codelist.items():
            if lbl == value:
                return code
        aliases = getattr(codelist, "aliases", {})
        if value in aliases:
            return aliases[value]
        lowered = value.lower()
        if lowered in codelist:
            return lowered
        if value.isdigit():
            widths = {len(c) for c in codelist if c.isdigit()}
            if len(widths) == 1:
                padded = value.zfill(widths.pop())
                if padded in codelist:
                    return padded
    raise ValidationError(name, label_or_code, "unknown_code",
                          f"无法识别“{value}”，可选：{_choices(codelist)}")
