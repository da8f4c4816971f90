"""The merge rules, pure: which field values win on the server, which pulled values a laptop takes.

Server side (:func:`merge_fields`): every incoming field is set (the edit that reaches the server
later wins: that is the order every replica sees), and each value it overwrites that the pushing
laptop had not seen (server version newer than the entry's base version, a different value, set
by another device) becomes a :class:`FieldConflict` so nothing disappears unseen.

Laptop side (:func:`fields_to_take`): a pulled field is taken only when its version is newer than
the local one and no pending outbox entry touches it (the local edit stays on top and is pushed
next).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

ALL_FIELDS = "*"
DELETED = "deleted"


@dataclass(frozen=True)
class FieldConflict:
    field: str
    lost_value: Any
    won_value: Any
    lost_version: int


def merge_fields(current: Mapping[str, Any], versions: Mapping[str, int], incoming: Mapping[str, Any],
                 base: Mapping[str, int], *, device: str | None,
                 writer_of: Callable[[int], str | None]) -> list[FieldConflict]:
    """The conflicts an update makes; the caller then sets every incoming field at the new seq.

    ``writer_of(version)`` names the device whose change set that version (a laptop's own earlier
    edit, not yet pulled back, is not a conflict with itself).
    """
    conflicts = []
    for field, value in incoming.items():
        have = int(versions.get(field, 0) or 0)
        if have <= int(base.get(field, 0) or 0):
            continue
        old = current.get(field)
        if _same(old, value):
            continue
        if device is not None and writer_of(have) == device:
            continue
        conflicts.append(FieldConflict(field, old, value, have))
    return conflicts


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return (None if a is None else bool(a)) == (None if b is None else bool(b))
    return a == b


def pending_fields(entries: Iterable[tuple[str, str, str, Mapping[str, Any]]]) -> dict[tuple[str, str], set[str]]:
    """(table, row_id) -> fields with a pending local edit, from outbox (table, row_id, op, fields).

    A pending insert holds every field; delete and undelete hold the tombstone flag.
    """
    out: dict[tuple[str, str], set[str]] = {}
    for table, row_id, op, fields in entries:
        if op == "append":
            continue
        s = out.setdefault((table, row_id), set())
        if op == "insert":
            s.add(ALL_FIELDS)
        elif op in ("delete", "undelete"):
            s.add(DELETED)
        else:
            s.update(fields)
    return out


def fields_to_take(local_versions: Mapping[str, int], pending: set[str] | None,
                   incoming: Mapping[str, Any], seq: int) -> dict[str, Any]:
    """The pulled fields a laptop takes: newer than its version, not under a pending local edit."""
    if pending and ALL_FIELDS in pending:
        return {}
    out = {}
    for field, value in incoming.items():
        if pending and field in pending:
            continue
        if seq > int(local_versions.get(field, 0) or 0):
            out[field] = value
    return out
