"""Pinyin search keys for names and free text: ``张三`` -> ``zhangsan`` / ``zs``.

Keys are lower-case, without tones or spaces; ``ü`` is written ``v`` (``吕`` -> ``lv``), as
people type it. A name's first character (or a two-character compound surname such as 欧阳)
is read as a surname, so ``单`` is ``shan`` and ``曾`` is ``zeng``. Other characters pass through
lower-cased. Keys are for matching only: never show them to users as a transcription.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from ._util import nfkc

# Compound surnames (复姓): read as a unit before any single-character rule.
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "诸葛": ("zhu", "ge"), "上官": ("shang", "guan"),
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "澹台": ("tan", "tai"),
    "单于": ("chan", "yu"), "令狐": ("ling", "hu"), "皇甫": ("huang", "fu"), "东方": ("dong", "fang"),
    "夏侯": ("xia", "hou"), "宇文": ("yu", "wen"), "慕容": ("mu", "rong"), "司徒": ("si", "tu"),
    "公孙": ("gong", "sun"), "闻人": ("wen", "ren"), "端木": ("duan", "mu"), "独孤": ("du", "gu"),
    "南宫": ("nan", "gong"), "呼延": ("hu", "yan"), "轩辕": ("xuan", "yuan"), "钟离": ("zhong", "li"),
    "鲜于": ("xian", "yu"), "申屠": ("shen", "tu"), "太史": ("tai", "shi"), "公羊": ("gong", "yang"),
    "赫连": ("he", "lian"), "濮阳": ("pu", "yang"), "百里": ("bai", "li"), "东郭": ("dong", "guo"),
    "西门": ("xi", "men"), "第五": ("di", "wu"), "乐正": ("yue", "zheng"), "亓官": ("qi", "guan"),
}

# Single-character surnames whose surname reading differs from the common reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "黑": "he", "秘": "bi", "覃": "qin", "翟": "zhai",
    "召": "shao", "宁": "ning", "折": "she", "任": "ren", "繁": "po", "种": "chong", "员": "yun",
    "句": "gou", "能": "nai", "过": "guo", "燕": "yan", "沈": "shen", "重": "chong", "朝": "chao",
    "藏": "zang", "柏": "bai", "薄": "bo", "贲": "ben", "卜": "bu", "华": "hua", "纪": "ji",
    "俞": "yu", "隗": "wei", "眭": "sui", "佘": "she", "冼": "xian", "啜": "chuai", "谌": "chen",
    "阚": "kan", "逄": "pang", "訾": "zi", "钭": "tou", "仉": "zhang", "郇": "huan", "尉": "wei",
    "长": "chang", "蕃": "pi", "万": "wan", "莘": "shen", "殷": "yin", "应": "ying", "相": "xiang",
    "车": "che", "都": "du", "那": "na", "和": "he", "强": "qiang", "曲": "qu", "石": "shi",
    "陆": "lu", "缴": "jiao", "费": "fei", "秦": "qin", "还": "huan", "哈": "ha", "角": "jue",
    "闭": "bi", "粘": "nian", "暴": "bao", "晟": "cheng",
}

# Readings that addresses need and pypinyin gets wrong out of context (3幢 is "3 zhuang").
_TEXT_READINGS: dict[str, str] = {"幢": "zhuang"}

# Separators inside names that carry no sound: spaces, the middle dot of transliterated names.
_NAME_SEPARATORS = re.compile(r"[\s·•・‧.]+")


class NameKeys(NamedTuple):
    """``full``: the whole reading run together; ``initials``: one letter per character."""

    full: str
    initials: str


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|.", re.DOTALL)


def _run_readings(run: str) -> list[str]:
    """pypinyin's readings of a run of Chinese characters, converted as a whole."""
    out: list[str] = []
    for item in lazy_pinyin(run, style=Style.NORMAL, v_to_u=False):
        if item.isascii():
            out.append(item.lower())
        else:
            out.extend(item)  # a character pypinyin does not know stays itself
    return out


@functools.lru_cache(maxsize=None)  # bounded by the characters in use (a few thousand)
def _char_readings(ch: str) -> tuple[str, ...]:
    return tuple(_run_readings(ch))


def _has_phrase(run: str) -> bool:
    """Whether pypinyin could read part of ``run`` as a phrase (a substring of two or more
    characters in its phrase dictionary); long runs are taken to, so they go to pypinyin whole."""
    n = len(run)
    if n == 1:
        return False
    if n > 8:
        return True
    return any(run[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1))


def _readings(text: str) -> list[str]:
    """One reading per character: pinyin for Chinese, the lower-cased character otherwise."""
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1 and not ("\u3400" <= run <= "\u9fff"):
            if not run.isspace():
                out.append(run.lower())
            continue
        if not _has_phrase(run):
            # pypinyin reads a run that holds no phrase of its dictionary character by character:
            # the same readings from a per-character cache (~2 µs instead of ~60 µs a name).
            for ch in run:
                out.extend(_char_readings(ch))
            continue
        # A whole run at once, so phrase readings apply (银行 hang, 行走 xing).
        out.extend(_run_readings(run))
    return out


@functools.lru_cache(maxsize=16_384)
def _cached_readings(text: str) -> tuple[str, ...]:
    """Readings of a given name: names repeat a lot, and pypinyin costs ~60 µs a call."""
    return tuple(_readings(text))


def _surname_split(name: str) -> tuple[list[str], str]:
    if name[:2] in COMPOUND_SURNAMES:
        return list(COMPOUND_SURNAMES[name[:2]]), name[2:]
    if name[:1] in SURNAME_READINGS:
        return [SURNAME_READINGS[name[0]]], name[1:]
    return [], name


def name_keys(name: object) -> NameKeys:
    """Search keys for a person's name; empty keys for an empty name."""
    text = _NAME_SEPARATORS.sub("", nfkc(str(name or "")))
    if not text:
        return NameKeys("", "")
    surname, given = _surname_split(text)
    # Convert the given name on its own so a phrase reading never spans the surname boundary.
    readings = surname + (list(_cached_readings(given)) if given else [])
    return NameKeys("".join(readings), "".join(r[0] for r in readings if r))


def text_keys(s: object) -> str:
    """Full pinyin of arbitrary text (addresses, notes) for search; no spaces, lower-case."""
    text = "".join(nfkc(str(s or "")).split())
    if not text:
        return ""
    out: list[str] = []
    for chunk in re.split(f"([{''.join(_TEXT_READINGS)}])", text):
        if chunk in _TEXT_READINGS:
            out.append(_TEXT_READINGS[chunk])
        elif chunk:
            out.extend(_readings(chunk))
    return "".join(out)
