"""Find the header of a ledger and map its columns to fields; save corrected mappings.

The header may sit below title rows and span two rows with merged cells (a "地址" cell merged
over 小区 / 楼栋 / 单元 / 室). Columns are matched by name with the usual synonyms. A
:class:`ColumnMapping` can be corrected by the user and saved in ``local_state`` under its
header signature, so the next file of the same shape is read the same way.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..domain._util import nfkc
from ..domain.errors import GridworkerError
from .reader import Table

# field -> synonyms, best first: when two columns match one field the better synonym wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "居民姓名", "人员姓名", "成员姓名", "户主姓名"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "居民身份证号码", "身份证", "证件号码", "证件号"),
    "phone": ("联系电话", "手机号", "手机号码", "手机", "电话", "电话号码", "联系方式"),
    "address": ("门牌", "地址", "住址", "家庭住址", "现住址", "居住地址", "门牌号", "详细地址", "房屋地址"),
    "estate": ("小区", "小区名称", "所在小区", "小区名"),
    "building_no": ("楼栋", "幢", "栋", "楼号", "幢号", "栋号", "楼栋号"),
    "unit": ("单元", "单元号"),
    "room": ("室", "户号", "房号", "室号", "房间号"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月日", "出生年月", "生日"),
    "relation": ("与户主关系", "与户主的关系", "关系"),
    "marital": ("婚姻状况", "婚姻"),
    "political": ("政治面貌",),
    "tags": ("人员标签", "标签", "人员类别", "人员类型"),
    "area_m2": ("面积", "房屋面积", "建筑面积", "住房面积", "专有部分面积", "面积(㎡)"),
    "education": ("文化程度", "学历"),
    "occupation": ("职业",),
    "workplace": ("服务处所", "工作单位"),
    "hukou_address": ("户籍地址", "户籍地", "户籍所在地"),
    "former_name": ("曾用名",),
    "notes": ("备注",),
}
FIELD_LABELS: dict[str, str] = {f: syn[0] for f, syn in FIELDS.items()}
_LOOKUP: dict[str, tuple[str, int]] = {}
for _f, _syns in FIELDS.items():
    for _i, _s in enumerate(_syns):
        _LOOKUP.setdefault(_s, (_f, _i))

HEADER_SCAN_ROWS = 30
STATE_PREFIX = "ledger_mapping:"
_BRACKETS = re.compile(r"[(\[【].*?[)\]】]")


class MappingError(GridworkerError):
    """No header row could be found, or a mapping lacks what an import needs."""


def clean_label(value: Any) -> str:
    """A header cell as a comparable label: half-width, no spaces, no ``*`` or bracketed notes."""
    if value is None:
        return ""
    s = "".join(nfkc(str(value)).split())
    s = _BRACKETS.sub("", s).strip("*:：")
    return s


def match_label(value: Any) -> tuple[str, int] | None:
    """``(field, rank)`` for a header label, or None."""
    raw = "".join(nfkc(str(value or "")).split()).strip("*:：")
    return _LOOKUP.get(raw) or _LOOKUP.get(clean_label(value))


@dataclass
class ColumnMapping:
    """Which column (0-based) holds which field, for one header shape.

    ``labels`` are the header texts as read; ``fields`` maps column index -> field name
    (columns not in it are ignored). The UI edits ``fields`` and saves with :func:`save_mapping`.
    """

    labels: list[str]
    fields: dict[int, str]
    header_rows: tuple[int, int]  # first and last sheet row (1-based) of the header
    signature: str = ""
    saved: bool = False  # True when read back from a mapping the user saved
    unmapped: list[str] = field(default_factory=list)

    def columns(self) -> dict[str, int]:
        """field -> column index, for reading many rows."""
        return {f: c for c, f in self.fields.items()}

    def column_of(self, name: str) -> int | None:
        for col, f in self.fields.items():
            if f == name:
                return col
        return None

    @property
    def data_start(self) -> int:
        """The first data row, 1-based."""
        return self.header_rows[1] + 1

    def to_json(self) -> dict:
        return {"labels": self.labels, "fields": {str(c): f for c, f in sorted(self.fields.items())},
                "header_rows": list(self.header_rows), "signature": self.signature}

    @classmethod
    def from_json(cls, data: dict) -> "ColumnMapping":
        fields = {int(c): f for c, f in data["fields"].items() if f}
        unknown = sorted(set(fields.values()) - set(FIELDS))
        if unknown:
            raise MappingError(f"未知的字段：{'、'.join(unknown)}")
        return cls(list(data["labels"]), fields, tuple(data["header_rows"]), data.get("signature", ""))

    def check(self) -> None:
        """Raise MappingError unless the mapping can import people (a name and an address)."""
        have = set(self.fields.values())
        dup = sorted({f for f in have if list(self.fields.values()).count(f) > 1})
        if dup:
            raise MappingError(f"多个列对应同一字段：{'、'.join(FIELD_LABELS[f] for f in dup)}")
        if "name" not in have:
            raise MappingError("没有找到“姓名”列：请在列对应关系中指定")
        if not have & {"address", "estate", "building_no", "room"}:
            raise MappingError("没有找到地址列（门牌/地址/住址，或 小区、楼栋、单元、室）：请在列对应关系中指定")


def header_signature(labels: list[str]) -> str:
    """A stable key for a header shape: the cleaned labels in order."""
    cleaned = [clean_label(x) for x in labels]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return hashlib.sha1("\x1f".join(cleaned).encode("utf-8")).hexdigest()[:16]


def _filled_head(table: Table) -> list[list[Any]]:
    """The first rows with each merged range's value copied into all of its cells."""
    n = min(len(table.rows), HEADER_SCAN_ROWS)
    width = table.width
    head = [list(r) + [None] * (width - len(r)) for r in table.rows[:n]]
    for r1, c1, r2, c2 in table.merges:
        if r1 > n:
            continue
        value = head[r1 - 1][c1 - 1]
        for r in range(r1, min(r2, n) + 1):
            for c in range(c1, c2 + 1):
                head[r - 1][c - 1] = value
    return head


def _score(row: list[Any]) -> int:
    return len({m[0] for m in (match_label(v) for v in row) if m})


def detect_mapping(table: Table) -> ColumnMapping:
    """Find the header rows and match each column; raises MappingError when there is no header."""
    head = _filled_head(table)
    scores = [_score(r) for r in head]
    if not scores or max(scores) < 2:
        raise MappingError("前30行中找不到表头（至少要有“姓名”和地址等两列）：请检查文件或手动指定列")
    best = scores.index(max(scores))
    first = last = best
    # A parent row above (地址 over 小区/楼栋/...) and a sub-header row below belong to the header.
    if best > 0 and scores[best - 1] >= 1:
        first = best - 1
    if best + 1 < len(head) and scores[best + 1] >= 2:
        last = best + 1
    width = table.width
    labels: list[str] = []
    chosen: dict[str, tuple[int, int]] = {}  # field -> (rank, column)
    for col in range(width):
        cells = [head[r][col] for r in range(first, last + 1)]
        label = next((str(v).strip() for v in reversed(cells) if v is not None and str(v).strip()), "")
        labels.append(label)
        match = next((m for m in (match_label(v) for v in reversed(cells)) if m), None)
        if match is None:
            continue
        f, rank = match
        if f not in chosen or rank < chosen[f][0]:
            chosen[f] = (rank, col)
    fields = {col: f for f, (_rank, col) in chosen.items()}
    while labels and not labels[-1] and (len(labels) - 1) not in fields:
        labels.pop()
    unmapped = [lbl for col, lbl in enumerate(labels) if lbl and col not in fields]
    return ColumnMapping(labels, dict(sorted(fields.items())), (first + 1, last + 1),
                         header_signature(labels), False, unmapped)


def load_mapping(db, signature: str) -> ColumnMapping | None:
    """The mapping the user saved for this header shape, if any."""
    raw = db.get_state(STATE_PREFIX + signature)
    if not raw:
        return None
    mapping = ColumnMapping.from_json(json.loads(raw))
    mapping.saved = True
    return mapping


def save_mapping(db, mapping: ColumnMapping) -> None:
    """Remember a (corrected) mapping for the next file with the same header."""
    mapping.check()
    if not mapping.signature:
        mapping.signature = header_signature(mapping.labels)
    db.set_state(STATE_PREFIX + mapping.signature, json.dumps(mapping.to_json(), ensure_ascii=False))


def mapping_for(table: Table, db=None, override: ColumnMapping | None = None) -> ColumnMapping:
    """The mapping to use: ``override``, else the saved one for this header shape, else detected."""
    if override is not None:
        override.check()
        return override
    try:
        detected = detect_mapping(table)
    except MappingError:
        saved = _saved_for_any_row(table, db) if db is not None else None
        if saved is None:
            raise
        return saved
    if db is not None:
        saved = load_mapping(db, detected.signature)
        if saved is not None:
            saved.header_rows = detected.header_rows
            saved.check()
            return saved
    detected.check()
    return detected


def _saved_for_any_row(table: Table, db) -> ColumnMapping | None:
    """A saved mapping whose header is one of the first rows (labels no synonym knows)."""
    for r, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        labels = ["" if v is None else str(v).strip() for v in row]
        if sum(1 for x in labels if x) < 2:
            continue
        saved = load_mapping(db, header_signature(labels))
        if saved is not None:
            saved.header_rows = (r + 1, r + 1)
            saved.check()
            return saved
    return None
