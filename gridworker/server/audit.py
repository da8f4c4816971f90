"""Checking the audit log's hash chains on the server (or on any copy of a database).

Each laptop chains its own audit entries (:meth:`gridworker.store.uow.UnitOfWork.audit`): an
entry's ``hash`` is the SHA-256 of its content and the previous entry's hash of the same device,
in HLC order. The server receives every device's entries as a prefix of its outbox, so each
device's chain on the server must verify from its first entry to its last. Two faults are told
apart:

- ``hash_mismatch``: the entry's content no longer gives its hash (the row was edited);
- ``chain_broken``: the entry does not point at the entry before it (a row was removed, inserted
  or its hash rewritten).

Works on SQLite and PostgreSQL through a SQLAlchemy connection; nothing here imports FastAPI.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from ..store.rows import dumps


@dataclass
class AuditProblem:
    """One entry that does not verify."""

    device_id: str
    entry_id: str
    hlc: str
    kind: str  # hash_mismatch / chain_broken
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"device_id": self.device_id, "entry_id": self.entry_id, "hlc": self.hlc, "kind": self.kind,
                "message": self.message}


@dataclass
class AuditReport:
    entries: int = 0
    devices: int = 0
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "devices": self.devices,
                "problems": [p.as_dict() for p in self.problems]}


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash an audit_log row must carry, computed exactly as UnitOfWork.audit does."""
    detail = entry.get("detail")
    if isinstance(detail, str):
        detail = json.loads(detail) if detail else {}
    body = dumps({"action": entry["action"], "table": entry.get("table_name"), "row_id": entry.get("row_id"),
                  "detail": detail or {}, "user": entry.get("created_by"), "device": entry.get("device_id"),
                  "at": entry.get("created_at"), "prev": entry.get("prev_hash")})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def check_audit_chains(conn: Connection) -> AuditReport:
    """Verify every device's audit chain; returns what was checked and each entry that fails."""
    rows = conn.execute(text(
        "SELECT id, device_id, hlc, created_at, created_by, action, table_name, row_id, detail, prev_hash, hash "
        "FROM audit_log ORDER BY device_id, hlc, id")).mappings()
    report = AuditReport()
    device: str | None = None
    prev: str | None = None
    for row in rows:
        entry = dict(row)
        report.entries += 1
        if entry["device_id"] != device:
            device, prev = entry["device_id"], None
            report.devices += 1
        try:
            expected = entry_hash(entry)
        except (ValueError, TypeError):  # detail no longer JSON: edited by hand
            expected = None
        if entry["hash"] != expected:
            report.problems.append(AuditProblem(
                entry["device_id"], entry["id"], entry["hlc"], "hash_mismatch",
                f"审计记录 {entry['id']}（设备 {entry['device_id']}）的内容与其哈希不符：记录被修改过"))
        if entry["prev_hash"] != prev:
            report.problems.append(AuditProblem(
                entry["device_id"], entry["id"], entry["hlc"], "chain_broken",
                f"审计记录 {entry['id']}（设备 {entry['device_id']}）没有接上前一条记录：前面的记录被删除、插入或改写过"))
        prev = entry["hash"]
    return report
