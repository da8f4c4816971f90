"""One ledger row to one person (resident values) and the address of their household.

Only non-blank cells produce values: a blank cell never clears what the database holds.
Errors are ``ValidationError`` whose ``field`` is the column label the user sees. A cell holding a
control or bidi character (:func:`gridworker.domain.text.check_text`) is refused, not cleaned.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..domain import codes
from ..domain.address import address_key, normalize_text, parse_address
from ..domain.errors import ValidationError
from ..domain.text import check_text
from .columns import FIELD_LABELS, ColumnMapping
from .values import date_value, id_number_text, is_blank, number_text, text

# Ledger fields copied to the resident row as cleaned text.
_TEXT_FIELDS = ("ethnicity", "occupation", "workplace", "hukou_address", "former_name", "notes")
# Codes the store's validator does not convert itself: stored as codes, like the app does.
_CODED = {"political": codes.POLITICAL, "education": codes.EDUCATION}
HEAD_RELATIONS = ("01", "02")  # 本人, 户主


@dataclass
class Person:
    """A parsed ledger row: what to store for the resident and which household it belongs to."""

    row: int  # sheet row, 1-based
    name: str
    id_number: str | None
    address: str  # normalised address text
    key: str  # address_key
    door_plate: str | None
    area: str | None
    resident: dict[str, Any] = field(default_factory=dict)
    relation_code: str | None = None

    @property
    def is_head(self) -> bool:
        return self.relation_code in HEAD_RELATIONS


def label_of(mapping: ColumnMapping, name: str) -> str:
    """The column label the user sees for a field (its header text, else the standard label)."""
    col = mapping.column_of(name)
    if col is not None and col < len(mapping.labels) and mapping.labels[col]:
        return mapping.labels[col]
    return FIELD_LABELS.get(name, name)


def relabel(exc: ValidationError, mapping: ColumnMapping, row: int) -> ValidationError:
    """The same error, naming the column label instead of the internal field, with the row."""
    f = {"marital_status": "marital", "political_status": "political", "category": "tags"}.get(exc.field, exc.field)
    return ValidationError(label_of(mapping, f), exc.value, exc.code, exc.message, row=row)


def is_blank_row(cells: list[Any]) -> bool:
    return all(is_blank(v) for v in cells)


def parse_person(cells: list[Any], row: int, mapping: ColumnMapping,
                 columns: dict[str, int] | None = None) -> Person:
    """Read one row; raises ``ValidationError`` (field = column label) for the first bad cell.

    ``columns`` is ``mapping.columns()``, passed in when reading many rows.
    """
    columns = columns if columns is not None else mapping.columns()
    width = len(cells)

    def cell(name: str) -> Any:
        col = columns.get(name)
        return cells[col] if col is not None and col < width else None

    try:
        for f, col in columns.items():
            if col < width and type(cells[col]) is str:
                # Line breaks in a cell become spaces below; other controls and bidi marks are refused.
                check_text(f, cells[col], multiline=True)
        name = text(cell("name"))
        if not name:
            raise ValidationError("name", None, "required", "姓名不能为空")
        raw_id = id_number_text(cell("id_number"), "id_number")
        # Cleaned only, for matching and duplicates: the store's rules validate it with the rest
        # of the row (one checksum pass fewer on a 20,000-row import).
        id_number = "".join(unicodedata.normalize("NFKC", raw_id).split()).upper() if raw_id else None
        address, door_plate = _address(cell)
        if not address:
            raise ValidationError("address", None, "required", "地址为空：需要门牌/地址，或小区、楼栋、单元、室")
        res: dict[str, Any] = {"name": name}
        if id_number:
            res["id_number"] = id_number
        for f in _TEXT_FIELDS:
            v = text(cell(f))
            if v:
                res[f] = v
        born = date_value(cell("birth_date"), "birth_date")
        if born:
            res["birth_date"] = born.isoformat()
        for f in ("gender", "marital", "relation"):
            v = text(cell(f))
            if v:
                res[f] = v
        for f, codelist in _CODED.items():
            v = text(cell(f))
            if v:
                res[f] = codes.code_for(codelist, v, field=f)
        phone = text(cell("phone"))
        if phone:
            res["phone"] = phone
        _split_tags(text(cell("tags")), res)
        area = number_text(cell("area_m2"), "area_m2")
        relation_code = codes.code_for(codes.RELATION, res["relation"]) if res.get("relation") else None
    except ValidationError as exc:
        raise relabel(exc, mapping, row) from None
    return Person(row, name, id_number, address, key_of(address), door_plate, area,
                  res, relation_code)


def address_key_of(cells: list[Any], mapping: ColumnMapping) -> str | None:
    """The household key of a row that failed to parse, so its household can be held back too."""
    def cell(name: str) -> Any:
        col = mapping.column_of(name)
        return cells[col] if col is not None and col < len(cells) else None

    try:
        address, _ = _address(cell)
    except ValidationError:
        return None
    return key_of(address) if address else None


def _split_tags(value: str | None, res: dict[str, Any]) -> None:
    """Care tags and 特殊人群 tags share one ledger column but are stored apart."""
    if not value:
        return
    parts = [t.strip() for t in value.replace("，", ",").replace("、", ",").replace(";", ",")
             .replace("；", ",").replace(" ", ",").split(",") if t.strip()]
    special = [t for t in parts if t in codes.SPECIAL_TAGS]
    care = [t for t in parts if t not in codes.SPECIAL_TAGS]
    if care:
        res["tags"] = care  # unknown labels stay here so the validator names them
    if special:
        res["sensitive_tags"] = special


def _with_suffix(value: str | None, suffixes: tuple[str, ...], add: str) -> str:
    if not value:
        return ""
    return value if value.endswith(suffixes) else value + add


def _address(cell) -> tuple[str | None, str | None]:
    """The household address text (normalised) and a free-text 门牌 kept beside it."""
    return _compose(text(cell("address")), text(cell("estate")), text(cell("building_no")),
                    text(cell("unit")), text(cell("room")))


@lru_cache(maxsize=65536)
def _compose(addr: str | None, estate: str | None, building: str | None, unit: str | None,
             room: str | None) -> tuple[str | None, str | None]:
    # Cached: the members of a household repeat the same address cells row after row.
    if addr:
        addr_norm = normalize_text(addr)
        parts = parse_address(addr_norm)
        if parts.building or not (building or room):
            if estate and parts.building and not parts.estate:
                addr_norm = normalize_text(estate + addr_norm)  # "3幢2单元501" under a 小区 column
            return addr_norm, None
    if building or room:
        base = estate or addr or ""
        composed = (base + _with_suffix(building, ("幢", "栋", "号楼", "座", "楼", "#"), "幢")
                    + _with_suffix(unit, ("单元", "门"), "单元") + _with_suffix(room, ("室", "号", "房"), "室"))
        plate = addr if (addr and estate) else None
        return normalize_text(composed), plate
    if estate:
        return normalize_text(estate), None
    return None, None


@lru_cache(maxsize=65536)
def key_of(address: str) -> str:
    """address_key of a normalised address (cached for the same reason)."""
    return address_key(parse_address(address))
