"""Applying a device's pushed outbox entries on the server, in one transaction.

Order of work (ARCHITECTURE.md §4 Push): lock the device row; entries at or below its ``last_seq``
get their stored results back; a gap is refused with the expected seq; the rest take numbers from
the community counter (whose row lock orders concurrent pushers), are checked (table, op, fields,
types, role, community), merged field by field, written with one statement per table, logged in
``change_log``, and their results stored for replay. The community checksum moves by the hash
difference of every touched row.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, String, text

from ..domain.clock import confirm_times
from ..domain.ids import deterministic_id
from ..domain.issues import fold
from ..store.bulk import insert_rows
from ..store.rows import row_hash
from ..store.tables import MODELS, TABLES, TableSpec
from ..sync import wire
from ..sync.merge import merge_fields
from .audit import AuditAnchor
from .auth import DeviceAuth, User, now_iso
from .authorize import REFERENCES, Rejected, authorize_entry
from .credentials import BAD_SIGNATURE, UNSIGNED, Signers
from .db import add_checksum, in_chunks, lock_clause, take_seqs
from .errors import SequenceGap, SequenceReused

APPEND_META = {"community_id", "created_at", "created_by", "device_id"}
MUTABLE_META = ("versions", "deleted", "updated_at", "updated_by", "updated_device", "hlc")


def _column_info() -> dict[str, dict[str, tuple[int | None, Any]]]:
    """table -> column -> (max length, scalar default)."""
    out: dict[str, dict[str, tuple[int | None, Any]]] = {}
    for name, model in MODELS.items():
        cols = {}
        for c in model.__table__.columns:
            length = c.type.length if isinstance(c.type, String) else None
            default = c.default.arg if c.default is not None and not callable(c.default.arg) else None
            cols[c.name] = (length, default)
        out[name] = cols
    return out


COLUMNS = _column_info()


def _default_row(ts: TableSpec) -> dict[str, Any]:
    row = {c: COLUMNS[ts.name][c][1] for c in ts.columns}
    for b in ts.bool_fields:
        if row.get(b) is not None:
            row[b] = bool(row[b])
    return row


def _check_value(ts: TableSpec, name: str, value: Any) -> Any:
    """The value as the server stores it, or Rejected (a wrong type must not abort the batch)."""
    if value is None:
        return None
    if name in ts.bool_fields or name == "deleted":
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        raise Rejected("invalid", f"{name}: 应为是/否")
    if name in ts.int_fields:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**62:
            return value
        raise Rejected("invalid", f"{name}: 应为整数")
    if not isinstance(value, str):
        raise Rejected("invalid", f"{name}: 应为文本")
    length = COLUMNS[ts.name].get(name, (None, None))[0]
    if length is not None and len(value) > length:
        raise Rejected("invalid", f"{name}: 超过 {length} 个字")
    return value


@dataclass
class Batch:
    """Working state of one push: rows as they will be written, and what to write with them."""

    conn: Connection
    auth: DeviceAuth
    rows: dict[tuple[str, str], dict | None] = field(default_factory=dict)
    original: dict[tuple[str, str], dict | None] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    writers: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    anchor: AuditAnchor | None = None  # the device's audit chain head (server/audit.py)
    signers: Signers | None = None  # whose entries these are (server/credentials.py)
    # A lost laptop's file of an older release, applied on the admin's word (exports.py): its
    # unsigned entries count as the device's enrolled user's, as before signatures existed.
    trust_unsigned: bool = False
    now: str = field(default_factory=now_iso)  # the server's clock for this push
    # How far the pushing laptop's clock is off the server's (None: within CLOCK_TRUST or not said):
    # its event times are moved onto the server's clock before they are checked and stored.
    clock_skew: dt.timedelta | None = None
    scope_cache: dict = field(default_factory=dict)  # (user, community) -> in scope, for this push
    # (table, id) -> the community of a row an entry names in a field (and does not itself write):
    # read with the batch, a few IN queries, not one query per reference per entry. None: no such row.
    communities: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def load(self, entries: list[wire.OutboxEntry]) -> None:
        by_table: dict[str, set[str]] = {}
        for e in entries:
            if e.table in TABLES:
                by_table.setdefault(e.table, set()).add(e.row_id)
        for table, ids in by_table.items():
            ts = TABLES[table]
            bools = [b for b in ts.columns if b in ts.bool_fields or (b == "deleted" and ts.mutable)]
            for row in _rows_by_id(self.conn, table, sorted(ids)):
                for b in bools:
                    if row.get(b) is not None:
                        row[b] = bool(row[b])
                self.rows[(table, row["id"])] = row
            for rid in ids:
                self.rows.setdefault((table, rid), None)
                self.original[(table, rid)] = (dict(self.rows[(table, rid)])
                                               if self.rows[(table, rid)] is not None else None)
        self._load_writers(entries)
        self._load_references(entries)

    def _load_references(self, entries: list[wire.OutboxEntry]) -> None:
        """The communities of the rows the entries name in their reference fields (authorize.py checks
        each is this community's); rows this push writes are in ``rows`` and are not read again."""
        wanted: dict[str, set[str]] = {}
        for e in entries:
            fields = e.fields if isinstance(e.fields, dict) else None
            refs = REFERENCES.get(e.table)
            if not fields:
                continue
            targets = list(refs.items()) if refs else []
            if e.table == "contact_link":  # to_id names a household or a party member, by the link's kind
                targets += [("to_id", "household"), ("to_id", "party_member")]
            for name, target in targets:
                value = fields.get(name)
                if isinstance(value, str) and value and (target, value) not in self.rows:
                    wanted.setdefault(target, set()).add(value)
        for target, ids in wanted.items():
            ordered = sorted(ids)
            found: dict[str, str] = {}
            for _chunk, marks, params in in_chunks(ordered):
                found.update(self.conn.execute(text(f"SELECT id, community_id FROM {target} WHERE id IN ({marks})"),
                                               params).all())
            for v in ordered:
                self.communities[(target, v)] = found.get(v)

    def _load_writers(self, entries: list[wire.OutboxEntry]) -> None:
        """Who set the field versions these entries may overwrite, in a few IN queries: the merge asks
        :meth:`writer_of` for each changed field the laptop had not seen (one query an entry was a
        third of a push). A superset is fine: versions no one asks about cost a row each."""
        wanted: set[int] = set()
        for e in entries:
            ts = TABLES.get(e.table)
            row = self.rows.get((e.table, e.row_id)) if ts is not None and ts.mutable else None
            if row is None or e.op not in ("update", "insert") or not isinstance(e.fields, dict):
                continue
            try:
                versions = json.loads(row["versions"] or "{}")
            except ValueError:
                continue
            base = e.base_versions if e.op == "update" and isinstance(e.base_versions, dict) else {}
            for f in e.fields:
                have = versions.get(f)
                seen = base.get(f, 0)
                if isinstance(have, int) and have > 0 and (not isinstance(seen, int) or have > seen):
                    wanted.add(have)
        wanted -= set(self.writers)
        ordered = sorted(wanted)
        for chunk, marks, params in in_chunks(ordered, "s"):
            params["c"] = self.auth.community_id
            for seq, device, user in self.conn.execute(text(
                    f"SELECT seq, device_id, user_id FROM change_log WHERE community_id = :c AND seq IN ({marks})"),
                    params):
                self.writers[int(seq)] = (device, user)
            for seq in chunk:
                self.writers.setdefault(seq, (None, None))

    def writer_of(self, seq: int) -> str | None:
        if seq not in self.writers:
            row = self.conn.execute(text("SELECT device_id, user_id FROM change_log WHERE community_id = :c "
                                         "AND seq = :s"), {"c": self.auth.community_id, "s": seq}).first()
            self.writers[seq] = (row[0], row[1]) if row else (None, None)
        return self.writers[seq][0]


def _rows_by_id(conn: Connection, table: str, ids: list[str]) -> Any:
    """Every column of the rows with these ids, as dicts (500 ids a query). On SQLite straight from
    the driver's cursor: SQLAlchemy's row mappings cost more than the query."""
    for chunk, marks, params in in_chunks(ids):
        if conn.dialect.name == "sqlite":
            cur = conn.connection.driver_connection.execute(
                f"SELECT * FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            names = [d[0] for d in cur.description]
            for r in cur:
                yield dict(zip(names, r))
            continue
        for r in conn.execute(text(f"SELECT * FROM {table} WHERE id IN ({marks})"), params).mappings():
            yield dict(r)


def apply_push(conn: Connection, auth: DeviceAuth, entries: list[wire.OutboxEntry], *,
               trust_unsigned: bool = False, clock_skew: dt.timedelta | None = None) -> dict:
    """Apply one push request; returns the PushResponse body. Raises SequenceGap or SequenceReused.

    Each entry is authorised as the user who signed it on this device (server/credentials.py), not
    as the user who enrolled the device. ``clock_skew``: how far the laptop's clock is off the
    server's (domain.clock.clock_skew); its event times are confirmed onto the server's clock."""
    last_seq = int(conn.execute(text("SELECT last_seq FROM device WHERE id = :d" + lock_clause(conn)),
                                {"d": auth.device_id}).scalar_one())
    entries = sorted(entries, key=lambda e: e.seq)
    old = [e for e in entries if e.seq <= last_seq]
    new = [e for e in entries if e.seq > last_seq]
    for i, e in enumerate(new):
        if e.seq != last_seq + 1 + i:
            expected = last_seq + 1 + i
            raise SequenceGap(f"同步序号不连续：服务器期望 {expected}，收到 {e.seq}", {"expected": expected})
    results: list[dict] = _stored_results(conn, auth.device_id, [e.seq for e in old])
    for e, res in zip(old, results):
        if res.get("row_id") not in (None, e.row_id):
            # Same number, different change: the laptop was restored from an old copy. Acking would
            # make it delete changes the server never saw.
            raise SequenceReused(
                "本机的同步序号与服务器记录不符（本机数据可能是从旧备份恢复的）；未发送的修改已保留，请联系管理员重新注册本机",
                {"seq": e.seq, "last_seq": last_seq})
    community = auth.community_id
    anchor = AuditAnchor(conn, auth.device_id)
    if new:
        start = take_seqs(conn, community, len(new))
        batch = Batch(conn, auth, anchor=anchor, signers=Signers(conn, auth.device_id),
                      trust_unsigned=trust_unsigned, clock_skew=clock_skew)
        batch.load(new)
        stored = []
        for i, e in enumerate(new):
            seq = start + i
            try:
                res = _apply_entry(batch, e, seq)
            except Rejected as rej:
                res = {"seq": e.seq, "status": wire.REJECTED, "code": rej.code, "reason": rej.reason,
                       "conflicts": []}
            res["row_id"] = e.row_id
            results.append(res)
            stored.append({"d": auth.device_id, "s": e.seq, "r": _TEXT_JSON.encode(res)})
        delta = _write(batch)
        anchor.save()
        add_checksum(conn, community, delta)
        _executemany(conn, "INSERT INTO push_result (device_id, seq, result) VALUES (:d, :s, :r)", stored)
        conn.execute(text("UPDATE device SET last_seq = :s, last_seen_at = :t WHERE id = :d"),
                     {"s": new[-1].seq, "t": now_iso(), "d": auth.device_id})
    else:
        conn.execute(text("UPDATE device SET last_seen_at = :t WHERE id = :d"),
                     {"t": now_iso(), "d": auth.device_id})
    state = conn.execute(text("SELECT seq, checksum FROM community_sync WHERE community_id = :c"),
                         {"c": community}).first()
    acked = max([e.seq for e in entries], default=last_seq)
    return {"acked_through": acked, "results": results, "server_seq": int(state[0]) if state else 0,
            "checksum": state[1] if state else "0", "audit_receipt": anchor.receipt()}


def _stored_results(conn: Connection, device_id: str, seqs: list[int]) -> list[dict]:
    if not seqs:
        return []
    found: dict[int, dict] = {}
    for _chunk, marks, params in in_chunks(seqs, "s"):
        params["d"] = device_id
        for s, r in conn.execute(text(f"SELECT seq, result FROM push_result WHERE device_id = :d "
                                      f"AND seq IN ({marks})"), params):
            found[int(s)] = json.loads(r)
    # A result pruned long ago: the entry was applied then; say so rather than apply it again.
    return [found.get(s, {"seq": s, "status": wire.APPLIED, "code": "replayed", "conflicts": []})
            for s in seqs]


# --------------------------------------------------------------------------- one entry
def _check_meta(e: wire.OutboxEntry) -> None:
    """Entry metadata lands in bounded columns; a bad one is refused, not a failed transaction."""
    for name, value, limit in (("row_id", e.row_id, 36), ("hlc", e.hlc, 64), ("user_id", e.user_id, 36),
                               ("created_at", e.created_at, 32)):
        if value is not None and (not isinstance(value, str) or len(value) > limit or not value.strip()):
            raise Rejected("invalid", f"{name}: 格式不正确")


def _apply_entry(batch: Batch, e: wire.OutboxEntry, seq: int) -> dict:
    ts = TABLES.get(e.table)
    if ts is None:
        raise Rejected("invalid", f"未知的数据表 {e.table}")
    if ts.mutable and e.op not in ("insert", "update", "delete", "undelete"):
        raise Rejected("invalid", f"{e.table} 不支持操作 {e.op}")
    if not ts.mutable and e.op != "append":
        raise Rejected("invalid", f"{e.table} 只能追加")
    _check_meta(e)
    allowed = set(ts.fields) | ({"community_id"} if e.op == "insert" else set()) | \
        (APPEND_META if e.op == "append" else set())
    unknown = set(e.fields) - allowed
    if unknown:
        raise Rejected("invalid", f"{e.table} 没有字段 {sorted(unknown)[0]}")
    values = {k: _check_value(ts, k, v) for k, v in e.fields.items() if k in ts.fields}
    community = batch.auth.community_id
    key = (e.table, e.row_id)
    row = batch.rows.get(key)
    user = _acting_user(batch, e)
    confirmed = confirm_times(e.table, e.fields, batch.clock_skew)
    if confirmed:  # after the signature check, which covers what the laptop wrote
        e.fields.update(confirmed)
        values.update({k: _check_value(ts, k, v) for k, v in confirmed.items() if k in ts.fields})
    authorize_entry(batch, user, community, e, row)
    if e.op in ("insert", "append"):
        target = e.fields.get("community_id") or community
        if target != community:
            raise Rejected("wrong_community", "只能在本机注册的社区内新增记录")
    # Authorship is the server's: the signer and the pushing device, whatever the entry says; and
    # the time of the change is the server's clock (a laptop a year behind must not move the
    # horizon, which prune cuts by change_log.at). What the laptop said stays in created_at.
    meta = {"device": batch.auth.device_id, "user": user.id, "at": batch.now, "hlc": e.hlc}
    batch.writers[seq] = (meta["device"], meta["user"])
    if not ts.mutable:
        return _append(batch, ts, e, values, seq, meta)
    if row is None:
        if e.op != "insert":
            raise Rejected("not_found", "该记录在服务器上不存在（可能已被移出本社区）")
        missing = [f for f in sorted(ts.required) if values.get(f) is None]
        if missing:
            raise Rejected("invalid", f"{missing[0]}: 必填项不能为空")
        new = _default_row(ts)
        new.update({f: values.get(f, new.get(f)) for f in ts.fields})
        new.update(id=e.row_id, community_id=community, deleted=False,
                   versions=json.dumps({**{f: seq for f in ts.fields}, "deleted": seq}))
        _stamp(new, meta)
        batch.rows[key] = new
        _log(batch, seq, e.table, e.row_id, "insert", {**{f: new[f] for f in ts.fields}, "deleted": False}, meta)
        return {"seq": e.seq, "status": wire.APPLIED, "change_seq": seq, "conflicts": []}
    versions = json.loads(row["versions"] or "{}")
    if e.op in ("delete", "undelete"):
        values = {"deleted": e.op == "delete"}
        base: dict[str, int] = {}
    else:
        base = e.base_versions if e.op == "update" else {}
        _check_base(base, versions)
    found = merge_fields(row, versions, values, base, device=batch.auth.device_id, writer_of=batch.writer_of)
    conflicts = []
    for c in found:
        batch.writer_of(c.lost_version)  # fills batch.writers
        lost_device, lost_user = batch.writers[c.lost_version]
        conflicts.append(_conflict(batch, "conflict", seq, e, c.field, c.lost_value, c.won_value,
                                   lost_device, lost_user, "同一字段被两台电脑同时修改，后到服务器的修改生效"))
    if row["deleted"] and e.op in ("update", "insert"):
        conflicts.append(_conflict(batch, "deleted", seq, e, None, None, None, None, None,
                                   "修改的记录已被删除：修改已保存在已删除的记录中，恢复该记录后可见"))
    for f, v in values.items():
        row[f] = v
        versions[f] = seq
    row["versions"] = json.dumps(versions)
    _stamp(row, meta)
    op = e.op if e.op != "insert" else "update"
    _log(batch, seq, e.table, e.row_id, op, dict(values), meta)
    status = wire.CONFLICT if conflicts else (wire.MERGED if e.op == "insert" else wire.APPLIED)
    return {"seq": e.seq, "status": status, "change_seq": seq, "conflicts": conflicts}


def _check_base(base: Any, versions: dict) -> None:
    """A base version is one the server handed out for that field: never above the row's own."""
    if not isinstance(base, dict):
        raise Rejected("bad_base", "base_versions: 格式不正确")
    for name, v in base.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > int(versions.get(name, 0) or 0):
            raise Rejected("bad_base", f"{name}: 本机记录的版本号与服务器不符，修改未生效；请同步后重试")


def _acting_user(batch: Batch, e: wire.OutboxEntry) -> User:
    """The user who signed the entry on this device; an entry with no valid signature is refused."""
    user = batch.signers.acting_user(e) if batch.signers is not None else None
    if user is not None:
        return user
    if not e.sig:
        if batch.trust_unsigned:
            return batch.auth.user
        raise Rejected("unsigned", UNSIGNED)
    raise Rejected("bad_signature", BAD_SIGNATURE)


def _stamp(row: dict, meta: dict) -> None:
    row.update(updated_at=meta["at"], updated_by=meta["user"], updated_device=meta["device"], hlc=meta["hlc"])


def _append(batch: Batch, ts: TableSpec, e: wire.OutboxEntry, values: dict, seq: int, meta: dict) -> dict:
    key = (e.table, e.row_id)
    if batch.rows.get(key) is not None:
        return {"seq": e.seq, "status": wire.APPLIED, "code": "already_present", "conflicts": []}
    missing = [f for f in sorted(ts.required) if values.get(f) is None]
    if missing:
        raise Rejected("invalid", f"{missing[0]}: 必填项不能为空")
    new = _default_row(ts)
    new.update({f: values.get(f, new.get(f)) for f in ts.fields})
    new.update(id=e.row_id, community_id=batch.auth.community_id,
               created_at=_check_value(ts, "created_at", e.fields.get("created_at")) or meta["at"],
               created_by=meta["user"], device_id=meta["device"], hlc=e.hlc, server_seq=seq)
    if e.table == "audit_log" and batch.anchor is not None:
        # Only the device's own chain, for the user who signed it, linked to the head the server accepted.
        refused = batch.anchor.accept(new, meta["user"], e.seq)
        if refused:
            raise Rejected(*refused)
    flags = []
    if e.table == "vote":
        flags = _vote_flags(batch, e, new, seq)
    elif e.table == "issue_event":
        flags = _issue_event_flags(batch, e, new, seq)
    batch.rows[key] = new
    _log(batch, seq, e.table, e.row_id, "append", {c: new[c] for c in ts.columns if c != "server_seq"}, meta)
    return {"seq": e.seq, "status": wire.APPLIED, "change_seq": seq, "conflicts": flags}


def _vote_flags(batch: Batch, e: wire.OutboxEntry, vote: dict, seq: int) -> list[dict]:
    """Two live votes of one household in one ballot: both kept, the earlier counts, this one flagged."""
    if vote.get("voids_id"):
        return []
    rows = [dict(r) for r in batch.conn.execute(text(
        "SELECT id, voids_id, server_seq FROM vote WHERE community_id = :c AND ballot_id = :b AND household_id = :h"),
        {"c": vote["community_id"], "b": vote["ballot_id"], "h": vote["household_id"]}).mappings()]
    rows += [r for (t, _i), r in batch.rows.items() if t == "vote" and r is not None
             and r["community_id"] == vote["community_id"]
             and r["ballot_id"] == vote["ballot_id"] and r["household_id"] == vote["household_id"]]
    voided = {r["voids_id"] for r in rows if r.get("voids_id")}
    earlier = [r for r in rows if r["id"] != vote["id"] and r["id"] not in voided]
    if not earlier:
        return []
    first = min(earlier, key=lambda r: r.get("server_seq") or 0)
    return [_conflict(batch, "duplicate_vote", seq, e, "option_id", None, vote["option_id"], None, None,
                      f"该户在本次表决中已有一票（{first['id']}），以先到服务器的一票为准；本票已保留并标记，请组织者核实")]


def _issue_event_flags(batch: Batch, e: wire.OutboxEntry, event: dict, seq: int) -> list[dict]:
    """An event invalid in the state it reaches is kept and flagged; the fold never applies it."""
    rows = [dict(r) for r in batch.conn.execute(text(
        "SELECT id, action, at, payload, server_seq FROM issue_event WHERE community_id = :c AND issue_id = :i "
        "ORDER BY server_seq"), {"c": event["community_id"], "i": event["issue_id"]}).mappings()]
    rows += [r for (t, _i), r in batch.rows.items() if t == "issue_event" and r is not None
             and r["community_id"] == event["community_id"]
             and r["issue_id"] == event["issue_id"] and r["id"] != event["id"]]
    rows.sort(key=lambda r: r.get("server_seq") or 0)
    events = [{"id": r["id"], "action": r["action"], "at": r["at"], "payload": _payload(r["payload"])}
              for r in rows + [event]]
    result = fold(events)
    reasons = {eid: why for eid, why in result.invalid}
    if event["id"] not in reasons:
        return []
    return [_conflict(batch, "invalid_event", seq, e, "action", None, event["action"], None, None,
                      f"该事项在到达服务器时的状态下不能执行此操作：{reasons[event['id']]}；已保留并标记，不计入办理流程")]


def _payload(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value or {}


def _conflict(batch: Batch, kind: str, seq: int, e: wire.OutboxEntry, field_name: str | None, lost: Any,
              won: Any, lost_device: str | None, lost_user: str | None, reason: str) -> dict:
    cid = deterministic_id("conflict", batch.auth.device_id, str(e.seq), kind, field_name or "")
    record = {"id": cid, "community_id": batch.auth.community_id, "kind": kind, "seq": seq,
              "table_name": e.table, "row_id": e.row_id, "field": field_name,
              "lost_value": json.dumps(lost, ensure_ascii=False), "won_value": json.dumps(won, ensure_ascii=False),
              "lost_device": lost_device, "lost_user": lost_user, "won_device": batch.auth.device_id,
              "won_user": e.user_id or batch.auth.user.id, "reason": reason, "at": now_iso(), "resolved": False}
    batch.conflicts.append(record)
    return {"id": cid, "kind": kind, "field": field_name, "lost_value": lost, "won_value": won,
            "lost_device": lost_device, "lost_user": lost_user, "reason": reason}


def _log(batch: Batch, seq: int, table: str, row_id: str, op: str, fields: dict, meta: dict) -> None:
    batch.changes.append({"c": batch.auth.community_id, "s": seq, "t": table, "r": row_id, "o": op,
                          "f": _LOG_JSON.encode(fields),
                          "d": meta["device"], "u": meta["user"], "a": meta["at"]})


def _json_default(value: Any) -> Any:
    return str(value)


# json.dumps(ensure_ascii=False[, default=...]) without building an encoder for each of a push's
# thousands of entries: the same text.
_TEXT_JSON = json.JSONEncoder(ensure_ascii=False)
_LOG_JSON = json.JSONEncoder(ensure_ascii=False, default=_json_default)


def _executemany(conn: Connection, sql: str, rows: list[dict]) -> None:
    """One statement for many rows (``:name`` parameters, one dict a row). On SQLite through the
    driver's executemany, in the same transaction: SQLAlchemy's per-row parameter handling was a
    fifth of a 1,000-entry push."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.connection.driver_connection.executemany(sql, rows)
    else:
        conn.execute(text(sql), rows)


def _write(batch: Batch) -> int:
    """Write every touched row once (one statement per table and kind); returns the checksum delta."""
    conn = batch.conn
    delta = 0
    inserts: dict[str, list[dict]] = {}
    updates: dict[str, list[dict]] = {}
    for (table, rid), row in batch.rows.items():
        before = batch.original.get((table, rid))
        if row is None or row == before:
            continue
        if before is None:
            inserts.setdefault(table, []).append(row)
        else:
            updates.setdefault(table, []).append(row)
            delta -= row_hash(table, before)
        delta += row_hash(table, row)
    for table, rows in inserts.items():
        insert_rows(conn, table, rows)
    if inserts.get("issue_event"):
        # The server's own time of receipt: the assessment counts by it, not by the laptop's clock.
        conn.execute(text("INSERT INTO issue_event_received (event_id, issue_id, community_id, received_at) "
                          "VALUES (:e, :i, :c, :t)"),
                     [{"e": r["id"], "i": r["issue_id"], "c": r["community_id"], "t": batch.now}
                      for r in inserts["issue_event"]])
    for table, rows in updates.items():
        ts = TABLES[table]
        cols = [f for f in ts.fields] + list(MUTABLE_META)
        # Only the columns that changed, rows grouped by which: an UPDATE that names a column
        # rewrites every index holding it, and a push mostly changes a field or two of a row.
        groups: dict[tuple[str, ...], list[dict]] = {}
        for r in rows:
            before = batch.original[(table, r["id"])] or {}
            changed = tuple(c for c in cols if c not in before or r[c] != before[c])
            groups.setdefault(changed, []).append(r)
        for changed, group in groups.items():
            if not changed:
                continue
            sets = ", ".join(f"{c} = :{c}" for c in changed)
            _executemany(conn, f"UPDATE {table} SET {sets} WHERE id = :id",
                         [{c: r[c] for c in (*changed, "id")} for r in group])
    if batch.changes:
        _executemany(conn, "INSERT INTO change_log (community_id, seq, table_name, row_id, op, fields, "
                           "device_id, user_id, at) VALUES (:c, :s, :t, :r, :o, :f, :d, :u, :a)", batch.changes)
    if batch.conflicts:
        cols = list(batch.conflicts[0])
        conn.execute(text(f"INSERT INTO sync_conflict ({', '.join(cols)}) VALUES "
                          f"({', '.join(':' + c for c in cols)})"), batch.conflicts)
    return delta


# --------------------------------------------------------------------------- the console's own entries
def append_server_event(conn: Connection, user: User, issue_id: str, action: str, payload: dict, *,
                        actor_name: str, level: str | None = None, department: str | None = None,
                        note: str | None = None, check: Any = None) -> dict:
    """Append one ``issue_event`` authored on the server (the city console, #16), recorded exactly as
    a pushed laptop change is: the community's counter gives it a change number, it goes through the
    same field checks and the same state machine, it is written with the push's row writer and
    logged in ``change_log``, so the community's laptops pull it on their next sync.

    ``check(state)``: the caller's authorisation of this user on the case as it stands once the
    community counter is locked (raise to refuse). Refusals: :class:`Rejected` (``forbidden``,
    ``not_found``, ``invalid``, ``action_not_allowed`` …); nothing is written then. Returns
    ``{"id", "change_seq", "community_id"}``.
    """
    import datetime as dt  # noqa: PLC0415

    from ..domain import permissions as perm  # noqa: PLC0415
    from ..domain.errors import RuleViolation, ValidationError  # noqa: PLC0415
    from ..domain.hlc import HybridClock  # noqa: PLC0415
    from ..domain.ids import new_id  # noqa: PLC0415
    from ..domain.issues import apply as apply_action  # noqa: PLC0415
    from .authorize import _check_fields, _check_references, _check_times  # noqa: PLC0415

    issue = conn.execute(text("SELECT id, community_id FROM issue WHERE id = :i AND deleted = :f"),
                         {"i": issue_id, "f": False}).mappings().first()
    if issue is None:
        raise Rejected("not_found", "该事项不存在")
    community = issue["community_id"]
    try:
        perm.check_issue_action(user.role, action)
    except perm.PermissionDenied as exc:
        raise Rejected("forbidden", exc.message) from None
    # The counter row's lock orders this change with every push of the community, as a push's own.
    seq = take_seqs(conn, community, 1)
    rows = [dict(r) for r in conn.execute(text(
        "SELECT id, action, at, payload FROM issue_event WHERE community_id = :c AND issue_id = :i "
        "ORDER BY CASE WHEN server_seq IS NULL THEN 0 ELSE 1 END, server_seq, hlc"),
        {"c": community, "i": issue_id}).mappings()]
    events = [{"id": r["id"], "action": r["action"], "at": r["at"], "payload": _payload(r["payload"])} for r in rows]
    state = fold(events).state
    if check is not None:
        check(state)
    now = dt.datetime.now().astimezone()
    at = now.isoformat(timespec="seconds")
    try:
        apply_action(state, action, payload, now)
    except RuleViolation as exc:
        raise Rejected(exc.code, exc.message) from None
    except ValidationError as exc:
        raise Rejected("invalid", exc.message) from None
    row_id = new_id()
    fields = {"issue_id": issue_id, "action": action, "at": at, "actor_name": actor_name, "level": level,
              "department": department, "note": note, "payload": json.dumps(payload, ensure_ascii=False)}
    _check_references(conn, {}, community, "issue_event", row_id, fields, None)
    _check_fields("issue_event", fields, None)
    _check_times("issue_event", fields)
    ts = TABLES["issue_event"]
    values = {k: _check_value(ts, k, v) for k, v in fields.items()}
    hlc = HybridClock("server").now()
    entry = wire.OutboxEntry(seq=1, table="issue_event", row_id=row_id, op="append", fields=fields, hlc=hlc,
                             user_id=user.id, created_at=at)
    auth = DeviceAuth(device_id=None, community_id=community, last_seq=0, user=user)  # type: ignore[arg-type]
    batch = Batch(conn, auth)
    batch.rows[("issue_event", row_id)] = None
    batch.original[("issue_event", row_id)] = None
    meta = {"device": None, "user": user.id, "at": batch.now, "hlc": hlc}
    batch.writers[seq] = (None, user.id)
    result = _append(batch, ts, entry, values, seq, meta)
    if result.get("conflicts"):
        raise Rejected("action_not_allowed", result["conflicts"][0]["reason"])
    add_checksum(conn, community, _write(batch))
    return {"id": row_id, "change_seq": seq, "community_id": community}
