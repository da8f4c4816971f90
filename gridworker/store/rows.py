"""Canonical row values and row hashes: the same bytes on the laptop and the server."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from .tables import TableSpec, spec

MASK64 = (1 << 64) - 1


# What json.dumps(ensure_ascii=False, sort_keys=True, separators=(",", ":")) builds on every call, made
# once: the same bytes (a push hashes two rows an entry; building the encoder was a third of that).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value: Any) -> str:
    """Compact, stable JSON (sorted keys, Chinese kept as is)."""
    return _CANONICAL.encode(value)


def canonical(ts: TableSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """The synced data fields of a row with SQLite's 0/1 turned back into booleans."""
    out: dict[str, Any] = {}
    for f in ts.fields:
        v = row.get(f)
        if f in ts.bool_fields and v is not None:
            v = bool(v)
        out[f] = v
    return out


def row_hash(table: str, row: Mapping[str, Any]) -> int:
    """First 8 bytes of SHA-256 over the row's canonical JSON, as an unsigned int."""
    ts = spec(table)
    doc = canonical(ts, row)
    doc["id"] = row["id"]
    doc["_table"] = table
    if ts.mutable:
        doc["deleted"] = bool(row.get("deleted") or False)
    digest = hashlib.sha256(dumps(doc).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def bucket_of(row_id: str) -> int:
    """One of 256 buckets by id prefix, for narrowing a checksum mismatch."""
    return int(hashlib.sha256(row_id.encode()).digest()[0])
