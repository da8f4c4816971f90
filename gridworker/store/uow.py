"""The unit of work: the one API that changes synced data, writing each row and its outbox entry
in the same transaction.

    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室"})
        uow.update("household", hid, {"phone": "13812345678"})
        uow.append("visit", {"household_id": hid, "mode": "door", ...})

An exception anywhere in the block rolls back every row and every outbox entry of it.
Append-only tables (visits, votes, issue events, points, audit) can only be appended to.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Sequence

from sqlalchemy import Connection

from ..domain.clock import now_iso
from ..domain.errors import GridworkerError, ValidationError
from ..domain.ids import new_id
from .database import Actor, Changes, Database, NotFoundError
from .local import State
from .rows import canonical, dumps
from .signing import PROVISIONAL, VERSION, message_from_json, sign_message
from .tables import TableSpec, spec


class AppendOnlyError(GridworkerError):
    """An update or delete was asked of an append-only table."""


def _encode(ts: TableSpec, field: str, value: Any) -> Any:
    """A Python value as SQLite stores it."""
    if value is None:
        return None
    if field in ts.bool_fields:
        return 1 if value else 0
    if isinstance(value, (list, dict)):
        return dumps(value)
    return value


class _RememberingLookups:
    """The unit of work as the field rules see it during insert_many: a row looked up once (the
    household of 20,000 imported residents) is not looked up again."""

    def __init__(self, uow: "UnitOfWork"):
        self._uow = uow
        self._seen: dict[tuple[str, str], dict[str, Any]] = {}

    def require(self, table: str, row_id: str, field: str | None = None) -> dict[str, Any]:
        key = (table, row_id)
        if key not in self._seen:
            self._seen[key] = self._uow.require(table, row_id, field)
        return self._seen[key]

    def remember(self, table: str, row: dict[str, Any]) -> None:
        self._seen[(table, row["id"])] = row

    def forget(self, table: str, row_id: str) -> None:
        self._seen.pop((table, row_id), None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)


class UnitOfWork:
    """Changes inside one write transaction. Made by :meth:`Database.write`; do not build directly."""

    def __init__(self, db: Database, conn: Connection, actor: Actor):
        self.db = db
        self.conn = conn
        self.actor = actor
        self.tx_id = new_id()
        self.changes = Changes()
        self._next_seq: int | None = None
        self._lookups: _RememberingLookups | None = None  # made by insert_many
        self._ts = now_iso()
        # The author's credential while they are logged in (store/signing.py): every entry is signed
        # with it; without one (a user the server has not seen on this laptop yet) the entry waits
        # unsigned until they log in online (local.sign_pending), and is not pushed before.
        # Without one yet, the entry is signed provisionally with a key of their slot and re-signed
        # when the credential comes; with neither (not a logged-in user) it goes unsigned and the
        # server refuses it.
        self._signer = db.credential_of(actor.user_id)
        self._version = VERSION
        if self._signer is None:
            self._signer, self._version = db.provisional_key_of(actor.user_id), PROVISIONAL

    def _sig(self, table: str, row_id: str, op: str, fields_json: str, base_json: str, hlc: str) -> str | None:
        if self._signer is None:
            return None
        return sign_message(self._signer, message_from_json(table, row_id, op, fields_json, base_json, hlc,
                                                            self.actor.user_id, self._ts), self._version)

    # ------------------------------------------------------------------ reading inside the tx
    def get(self, table: str, row_id: str, *, include_deleted: bool = False) -> dict[str, Any] | None:
        ts = spec(table)
        row = self.conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).mappings().first()
        if row is None:
            return None
        if ts.mutable and row["deleted"] and not include_deleted:
            return None
        return dict(row)

    def require(self, table: str, row_id: str, field: str | None = None) -> dict[str, Any]:
        row = self.get(table, row_id)
        if row is None:
            if field:
                raise ValidationError(field, row_id, "not_found", f"找不到对应的记录（{table}）")
            raise NotFoundError(f"{table} {row_id} 不存在或已删除")
        return row

    def query(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.exec_driver_sql(sql, params).mappings()]

    # ------------------------------------------------------------------ writing
    def insert(self, table: str, values: Mapping[str, Any], *, row_id: str | None = None) -> str:
        """Insert a mutable row; returns its id. Values are validated and normalised first."""
        values = dict(values)
        values["id"] = row_id or values.get("id") or new_id()
        return self.insert_many(table, [values])[0]

    def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """Insert many mutable rows (imports): the same checks, rows and outbox entries as calling
        :meth:`insert` for each, written with one statement per kind. Returns the ids in order.

        A ValidationError on any row raises before anything of this call is written.
        """
        ts = self._mutable(table)
        if self._lookups is None:
            self._lookups = _RememberingLookups(self)
        lookups = self._lookups
        default_community: str | None = None
        given = [v.get("id") for v in rows if v.get("id")]
        if len(set(given)) != len(given):
            raise ValidationError("id", None, "duplicate_id", "同一批记录中有重复的编号")
        for start in range(0, len(given), 500):
            batch = given[start:start + 500]
            found = self.conn.exec_driver_sql(
                f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(batch))})", tuple(batch)).first()
            if found is not None:
                raise ValidationError("id", found[0], "duplicate_id", "该记录已存在")
        prepared: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for values in rows:
            data = self._normalise(table, values, None, lookups)
            community = values.get("community_id")
            if not community:
                default_community = default_community or self.db.community_id
                community = default_community
            if not community:
                raise ValidationError("community_id", None, "no_community", "未指定所属社区，且本机尚未注册到社区")
            self._check_required(ts, data)
            row = {f: data[f] if data.get(f) is not None else ts.defaults.get(f) for f in ts.fields}
            meta = {"id": values.get("id") or new_id(), "community_id": community, "versions": "{}", "deleted": 0,
                    "updated_at": self._ts, "updated_by": self.actor.user_id,
                    "updated_device": self.actor.device_id, "hlc": self.db.clock.now()}
            prepared.append((row, meta))
        if not prepared:
            return []
        cols = [c for c in ts.columns if c in prepared[0][0] or c in prepared[0][1]]
        params = [tuple(_encode(ts, c, row[c]) if c in ts.fields else meta[c] for c in cols) for row, meta in prepared]
        self.conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", params)
        # The next insert_many of this unit (residents of these households) needs no look-ups.
        for values in params:
            lookups.remember(table, dict(zip(cols, values)))
        if self._next_seq is None:
            last = self.conn.exec_driver_sql("SELECT value FROM local_state WHERE key = 'outbox_seq'").scalar()
            self._next_seq = int(last or 0) + 1
        entries = []
        for row, meta in prepared:
            fields = {f: v for f, v in canonical(ts, {f: _encode(ts, f, v) for f, v in row.items()}).items()
                      if v is not None}
            fields["community_id"] = meta["community_id"]
            fields_json = dumps(fields)
            entries.append((self._next_seq, self.tx_id, table, meta["id"], "insert", fields_json, "{}",
                            meta["hlc"], self.actor.user_id, self._ts,
                            self._sig(table, meta["id"], "insert", fields_json, "{}", meta["hlc"])))
            self._next_seq += 1
            self.changes.add(table, meta["id"])
        self.conn.exec_driver_sql(
            "INSERT INTO outbox (seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at,"
            " sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)
        self.changes.outbox_entries += len(entries)
        return [meta["id"] for _, meta in prepared]

    def update(self, table: str, row_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Change fields of a mutable row. Returns the fields that really changed (may be empty:
        then nothing is written and no outbox entry is made)."""
        ts = self._mutable(table)
        current = self.get(table, row_id)
        if current is None:
            raise NotFoundError(f"{table} {row_id} 不存在或已删除")
        data = self._normalise(table, values, current)
        old = canonical(ts, current)
        new_enc = {f: _encode(ts, f, v) for f, v in data.items() if f in ts.fields}
        new = {f: v for f, v in canonical(ts, new_enc).items() if f in new_enc}
        changed = {f: v for f, v in new.items() if old.get(f) != v}
        if not changed:
            return {}
        self._check_required(ts, {**old, **changed})
        versions = json.loads(current["versions"] or "{}")
        base = {f: versions.get(f, 0) for f in changed}
        hlc = self.db.clock.now()
        self._update_row(table, row_id, {f: new_enc[f] for f in changed}, hlc)
        self._outbox(table, row_id, "update", changed, base, hlc)
        return changed

    def delete(self, table: str, row_id: str) -> None:
        """Tombstone a mutable row (it stays, marked deleted, so the delete can sync)."""
        self._mutable(table)
        current = self.get(table, row_id)
        if current is None:
            raise NotFoundError(f"{table} {row_id} 不存在或已删除")
        hlc = self.db.clock.now()
        self._update_row(table, row_id, {"deleted": 1}, hlc)
        self._outbox(table, row_id, "delete", {}, {}, hlc)

    def undelete(self, table: str, row_id: str) -> None:
        """Bring a tombstoned row back (an explicit act: a delete beats concurrent edits)."""
        self._mutable(table)
        current = self.get(table, row_id, include_deleted=True)
        if current is None:
            raise NotFoundError(f"{table} {row_id} 不存在")
        if not current["deleted"]:
            return
        hlc = self.db.clock.now()
        self._update_row(table, row_id, {"deleted": 0}, hlc)
        self._outbox(table, row_id, "undelete", {}, {}, hlc)

    def append(self, table: str, values: Mapping[str, Any], *, row_id: str | None = None) -> str:
        """Insert an append-only row (visit, vote, issue event, points, audit); returns its id."""
        ts = spec(table)
        if ts.mutable:
            raise GridworkerError(f"{table} is a mutable table: use insert()")
        row_id = row_id or values.get("id") or new_id()
        data = self._normalise(table, values, None)
        self._check_required(ts, data)
        community = values.get("community_id") or self.db.community_id
        if not community:
            raise ValidationError("community_id", None, "no_community", "未指定所属社区，且本机尚未注册到社区")
        hlc = self.db.clock.now()
        row = {f: _encode(ts, f, data[f] if data.get(f) is not None else ts.defaults.get(f))
               for f in ts.fields}
        meta = {"id": row_id, "community_id": community, "created_at": self._ts,
                "created_by": self.actor.user_id, "device_id": self.actor.device_id, "hlc": hlc,
                "server_seq": None}
        self._insert_row(ts, {**row, **meta})
        fields = {f: v for f, v in canonical(ts, row).items() if v is not None}
        fields.update(community_id=community, created_at=self._ts, created_by=self.actor.user_id,
                      device_id=self.actor.device_id)
        self._outbox(table, row_id, "append", fields, {}, hlc)
        return row_id

    def audit(self, action: str, *, table: str | None = None, row_id: str | None = None,
              detail: Mapping[str, Any] | None = None) -> str:
        """Append to the hash-chained audit log (logins, syncs, exports, reveals)."""
        # The chain's head is the entry written last, kept beside the log: never "the highest HLC
        # stamp", which a clock that ran ahead and was corrected puts on an older entry (#20).
        head = self.conn.exec_driver_sql("SELECT value FROM local_state WHERE key = ?", (State.AUDIT_HEAD,)).first()
        if head is not None:
            prev = head[0] or None
        else:  # a laptop of the release before: its newest entry by stamp, once
            prev = self.conn.exec_driver_sql(
                "SELECT hash FROM audit_log WHERE device_id = ? ORDER BY hlc DESC LIMIT 1",
                (self.actor.device_id,)).scalar()
        body = dumps({"action": action, "table": table, "row_id": row_id, "detail": detail or {},
                      "user": self.actor.user_id, "device": self.actor.device_id, "at": self._ts,
                      "prev": prev})
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        row = self.append("audit_log", {"action": action, "table_name": table, "row_id": row_id,
                                        "detail": dict(detail or {}), "prev_hash": prev, "hash": digest})
        self.conn.exec_driver_sql("INSERT INTO local_state(key, value) VALUES (?, ?) "
                                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (State.AUDIT_HEAD, digest))
        return row

    # ------------------------------------------------------------------ internals
    def _mutable(self, table: str) -> TableSpec:
        ts = spec(table)
        if not ts.mutable:
            raise AppendOnlyError(f"{table} 只能追加，不能修改或删除；请追加一条更正记录")
        return ts

    def _normalise(self, table: str, values: Mapping[str, Any], current: dict | None,
                   lookups: Any = None) -> dict[str, Any]:
        from .validate import normalise  # noqa: PLC0415 - validate imports domain rules lazily

        ts = spec(table)
        unknown = set(values) - set(ts.fields) - {"id", "community_id"}
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationError(name, values[name], "unknown_field", f"{table} 没有这个字段")
        data = {k: v for k, v in values.items() if k in ts.fields}
        return normalise(table, data, current, lookups or self)

    @staticmethod
    def _check_required(ts: TableSpec, data: Mapping[str, Any]) -> None:
        for f in sorted(ts.required):
            v = data.get(f)
            if v is None or (isinstance(v, str) and not v.strip()):
                raise ValidationError(f, v, "required", "必填项不能为空")

    def _insert_row(self, ts: TableSpec, row: Mapping[str, Any]) -> None:
        cols = [c for c in ts.columns if c in row]
        sql = f"INSERT INTO {ts.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        self.conn.exec_driver_sql(sql, tuple(_encode(ts, c, row[c]) if c in ts.fields else row[c] for c in cols))
        self.changes.add(ts.name, row["id"])

    def _update_row(self, table: str, row_id: str, values: Mapping[str, Any], hlc: str) -> None:
        values = {**values, "updated_at": self._ts, "updated_by": self.actor.user_id,
                  "updated_device": self.actor.device_id, "hlc": hlc}
        if self._lookups is not None:
            self._lookups.forget(table, row_id)
        sets = ", ".join(f"{c} = ?" for c in values)
        self.conn.exec_driver_sql(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), row_id))
        self.changes.add(table, row_id)

    def _outbox(self, table: str, row_id: str, op: str, fields: Mapping[str, Any],
                base: Mapping[str, int], hlc: str) -> None:
        if self._next_seq is None:
            last = self.conn.exec_driver_sql(
                "SELECT value FROM local_state WHERE key = 'outbox_seq'").scalar()
            self._next_seq = int(last or 0) + 1
        fields_json, base_json = dumps(dict(fields)), dumps(dict(base))
        self.conn.exec_driver_sql(
            "INSERT INTO outbox (seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at,"
            " sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._next_seq, self.tx_id, table, row_id, op, fields_json, base_json,
             hlc, self.actor.user_id, self._ts, self._sig(table, row_id, op, fields_json, base_json, hlc)))
        self._next_seq += 1
        self.changes.outbox_entries += 1

    def finish(self) -> None:
        """Called by Database.write before commit: remember the last outbox seq issued and bring the
        search index up to date with this unit's changes (same transaction)."""
        if self._next_seq is not None:
            self.conn.exec_driver_sql(
                "INSERT INTO local_state(key, value) VALUES ('outbox_seq', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(self._next_seq - 1),))
        from . import search_index  # noqa: PLC0415 - keeps pinyin out of imports that never write

        search_index.refresh(self.conn, self.changes)
