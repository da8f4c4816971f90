"""The registry of synced tables: their kind and their data fields, derived from the models."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Integer

from .models import SYNC_META_COLUMNS, SYNCED_MODELS


@dataclass(frozen=True)
class TableSpec:
    name: str
    kind: str  # "mutable" or "append"
    fields: tuple[str, ...]  # synced data fields (no sync metadata)
    bool_fields: frozenset[str]
    int_fields: frozenset[str]
    required: frozenset[str]  # NOT NULL data fields without a default
    columns: tuple[str, ...]  # every column, in table order
    defaults: dict  # data field -> default value for a new row

    @property
    def mutable(self) -> bool:
        return self.kind == "mutable"


def _spec(model) -> TableSpec:
    table = model.__table__
    fields = tuple(c.name for c in table.columns if c.name not in SYNC_META_COLUMNS)
    bools = frozenset(c.name for c in table.columns if isinstance(c.type, Boolean))
    ints = frozenset(c.name for c in table.columns if isinstance(c.type, Integer)) - {"server_seq"}
    required = frozenset(
        c.name for c in table.columns
        if c.name in fields and not c.nullable and c.default is None
    )
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name in fields and c.default is not None and c.default.is_scalar}
    return TableSpec(table.name, table.info["sync"], fields, bools, ints, required,
                     tuple(c.name for c in table.columns), defaults)


TABLES: dict[str, TableSpec] = {m.__tablename__: _spec(m) for m in SYNCED_MODELS}
MODELS = {m.__tablename__: m for m in SYNCED_MODELS}

# The order in which a snapshot is sent and applied: parents before children.
SYNC_ORDER = ("org_unit", "building", "household", "resident", "party_member", "contact_link",
              "ballot", "ballot_option", "issue", "meeting", "service_team", "service_need", "service_record", "visit", "vote", "issue_event", "meeting_item",
              "points_ledger", "audit_log")
assert set(SYNC_ORDER) == set(TABLES), "every synced table must have a place in SYNC_ORDER"


def spec(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(f"not a synced table: {table!r}") from None
