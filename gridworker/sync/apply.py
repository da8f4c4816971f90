"""Applying pulled data to the laptop database, inside the caller's one transaction.

Every function takes the open connection of ``db.sync_transaction()`` and the pending-edit map
(:func:`load_pending`), so a page, its cursor and everything it touched commit together. A field
is set only when the incoming version is newer than the local one and no pending outbox entry
touches it. Returns a :class:`~gridworker.store.database.Changes` for screens and the search index.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection

from ..domain.clock import EVENT_TIMES
from ..store import search_index
from ..store.bulk import insert_rows
from ..store.database import Changes
from ..store.tables import TABLES, TableSpec
from . import wire
from .merge import ALL_FIELDS, DELETED, fields_to_take, pending_fields

Pending = dict[tuple[str, str], set[str]]


def load_pending(conn: Connection) -> Pending:
    rows = conn.exec_driver_sql("SELECT table_name, row_id, op, fields FROM outbox").fetchall()
    return pending_fields((t, r, op, json.loads(f) if op == "update" else {}) for t, r, op, f in rows)


def _enc(ts: TableSpec, field: str, value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


def _get(conn: Connection, table: str, row_id: str) -> dict | None:
    row = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).mappings().first()
    return dict(row) if row else None


def _update(conn: Connection, table: str, row_id: str, values: Mapping[str, Any]) -> None:
    sets = ", ".join(f"{c} = ?" for c in values)
    conn.exec_driver_sql(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), row_id))


def _versions(row: Mapping[str, Any]) -> dict[str, int]:
    try:
        return json.loads(row.get("versions") or "{}")
    except ValueError:
        return {}


class _Rows:
    """The rows a page of changes updates, read up front in a few IN queries and written back at
    the end in one ``executemany`` per table and set of columns, on the driver connection (a
    SELECT and an UPDATE through SQLAlchemy per change were most of a pull's time).

    Updates wait in :attr:`dirty` until :meth:`flush`; anything that reads or writes a row another
    way (a move-in's whole row, a removal) flushes and forgets it first, so the order of a page's
    changes to one row is kept."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.c = conn.connection.driver_connection
        self.cache: dict[tuple[str, str], dict | None] = {}
        self.dirty: dict[tuple[str, str], dict[str, Any]] = {}

    def prefetch(self, table: str, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if (table, i) not in self.cache})
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            cur = self.c.execute(f"SELECT * FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            names = [d[0] for d in cur.description]
            for r in cur:
                row = dict(zip(names, r))
                self.cache[(table, row["id"])] = row
            for row_id in chunk:
                self.cache.setdefault((table, row_id), None)

    def get(self, table: str, row_id: str) -> dict | None:
        if (table, row_id) not in self.cache:
            self.prefetch(table, [row_id])
        return self.cache[(table, row_id)]

    def update(self, table: str, row_id: str, values: Mapping[str, Any]) -> None:
        row = self.cache.get((table, row_id))
        if row is not None:
            row.update(values)
        self.dirty.setdefault((table, row_id), {}).update(values)

    def forget(self, table: str, row_id: str) -> None:
        """Before a row is read or written other than through this cache."""
        if (table, row_id) in self.dirty:
            self.flush()
        self.cache.pop((table, row_id), None)

    def flush(self) -> None:
        groups: dict[tuple[str, tuple[str, ...]], list[tuple]] = {}
        for (table, row_id), values in self.dirty.items():
            groups.setdefault((table, tuple(values)), []).append((*values.values(), row_id))
        self.dirty = {}
        for (table, cols), params in groups.items():
            sets = ", ".join(f"{c} = ?" for c in cols)
            self.c.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", params)


def apply_changes(conn: Connection, changes: Iterable[list], pending: Pending, community_id: str,
                  changed: Changes | None = None, missing: set | None = None,
                  indexed: Changes | None = None, own_device: str | None = None) -> Changes:
    """Apply change-log entries ``[seq, table, row_id, op, fields, device, user, at]`` in order.

    ``missing`` collects (table, id) of updates to rows this laptop does not have (the caller
    re-fetches them). ``own_device``: this laptop's id (its own changes coming back while their
    outbox entries still wait, after a lost acknowledgement, still give their versions). ``indexed`` collects the changed rows whose change can alter the search
    index (a change to a household's notes cannot), for :func:`refresh_search_index`.
    """
    changed = changed if changed is not None else Changes()
    if indexed is not None:
        from ..store.search_index import affects_index  # noqa: PLC0415 - pinyin only when needed
    changes = changes if isinstance(changes, list) else list(changes)
    rows = _Rows(conn)
    by_table: dict[str, set[str]] = {}
    for _seq, table, row_id, op, *_rest in changes:
        ts = TABLES.get(table)
        if ts is not None and ts.mutable and op not in (wire.OP_REMOVE, wire.OP_UPSERT):
            by_table.setdefault(table, set()).add(row_id)
    for table, ids in by_table.items():
        rows.prefetch(table, ids)
    for seq, table, row_id, op, fields, device, user, at in changes:
        ts = TABLES.get(table)
        if ts is None:
            continue
        if isinstance(fields, (str, bytes)):
            fields = wire.loads(fields)
        meta = {"updated_at": at, "updated_by": user, "updated_device": device}
        if op == wire.OP_REMOVE:
            rows.forget(table, row_id)
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id = ?", (row_id,))
            changed.add(table, row_id)
            took: Iterable[str] | bool | None = None
        elif op == wire.OP_UPSERT:
            rows.forget(table, row_id)
            rows.forget(table, fields.get("id", row_id))
            took = _apply_full_row(conn, ts, fields, pending, changed, force=False) or False
            row_id = fields.get("id", row_id)
        elif not ts.mutable:
            took = _apply_append(conn, ts, {**fields, "id": row_id, "server_seq": seq}, changed)
        else:
            took = _apply_fields(rows, ts, row_id, op, fields, seq, meta, pending, community_id, changed, missing,
                                 own=own_device is not None and device == own_device)
        # took: False = nothing changed, None or True = any field may have, else the fields set.
        if indexed is not None and took is not False and affects_index(table, None if took is True else took):
            indexed.add(table, row_id)
    rows.flush()
    return changed


def _apply_fields(rows: _Rows, ts: TableSpec, row_id: str, op: str, fields: dict, seq: int, meta: dict,
                  pending: Pending, community_id: str, changed: Changes, missing: set | None,
                  own: bool = False) -> set[str] | bool:
    """Take the newer fields of an entry; returns the fields taken (True: a new row, False: none).

    ``own``: the change is this laptop's own, pushed but its acknowledgement lost (the outbox entry
    still waits): the local values stay (they are the same or newer) but the row learns the server
    versions of those fields; else it would keep no version for them and its next edit would
    raise false conflicts."""
    row = rows.get(ts.name, row_id)
    if row is None:
        if op != "insert":
            if missing is not None:
                missing.add((ts.name, row_id))
            return False
        new = {c: None for c in ts.columns}
        new.update({f: fields.get(f) for f in ts.fields})
        new.update(id=row_id, community_id=fields.get("community_id") or community_id, deleted=0,
                   versions=json.dumps({**{f: seq for f in ts.fields}, DELETED: seq}), hlc=None, **meta)
        insert_rows(rows.conn, ts.name, [new])
        rows.cache.pop((ts.name, row_id), None)  # read back if a later change of the page names it
        changed.add(ts.name, row_id)
        return True
    versions = _versions(row)
    take = fields_to_take(versions, pending.get((ts.name, row_id)), fields, seq)
    if own:
        named = [f for f in fields if f in ts.fields or f == DELETED] + ([DELETED] if op == "insert" else [])
        learnt = {f: seq for f in named if seq > int(versions.get(f, 0) or 0) and f not in take}
        if learnt:
            versions.update(learnt)
            if not take:
                rows.update(ts.name, row_id, {"versions": json.dumps(versions)})
                return False
    if not take:
        return False
    values = {f: _enc(ts, f, v) for f, v in take.items()}
    for f in take:
        versions[f] = seq
    values["versions"] = json.dumps(versions)
    values.update(meta)
    rows.update(ts.name, row_id, values)
    changed.add(ts.name, row_id)
    return set(take)


def _apply_append(conn: Connection, ts: TableSpec, row: dict, changed: Changes) -> bool:
    """An append-only row: inserted when new (returns True); a known one gets its server_seq and the
    server's confirmed event time (domain.clock.EVENT_TIMES: the server moved it onto its own clock
    when this laptop's clock was off; True when that changed it)."""
    times = [f for f in EVENT_TIMES.get(ts.name, ()) if f in row]
    cols = ", ".join(["server_seq", *times])
    exists = conn.exec_driver_sql(f"SELECT {cols} FROM {ts.name} WHERE id = ?", (row["id"],)).first()
    if exists is None:
        insert_rows(conn, ts.name, [row])
        changed.add(ts.name, row["id"])
        return True
    values = {"server_seq": row.get("server_seq")} if exists[0] != row.get("server_seq") else {}
    moved = {f: row[f] for i, f in enumerate(times, 1) if row[f] is not None and exists[i] != row[f]}
    values.update(moved)
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.exec_driver_sql(f"UPDATE {ts.name} SET {sets} WHERE id = ?", (*values.values(), row["id"]))
    if moved:
        changed.add(ts.name, row["id"])
        return True
    return False


def _apply_full_row(conn: Connection, ts: TableSpec, full: dict, pending: Pending, changed: Changes, *,
                    force: bool) -> bool:
    """A whole server row (move in, snapshot row already here, re-fetch). With ``force`` the server's
    versions win outright (a re-fetch after a rejection); pending local edits still stay on top.
    Returns whether the row changed."""
    row_id = full["id"]
    if not ts.mutable:
        return _apply_append(conn, ts, full, changed)
    row = _get(conn, ts.name, row_id)
    if row is None:
        insert_rows(conn, ts.name, [{c: full.get(c) for c in ts.columns}])
        changed.add(ts.name, row_id)
        return True
    incoming_versions = _versions(full)
    local_versions = _versions(row)
    held = pending.get((ts.name, row_id)) or set()
    if ALL_FIELDS in held:
        return False
    values: dict[str, Any] = {}
    for f in (*ts.fields, DELETED):
        if f in held:
            continue
        v_in = int(incoming_versions.get(f, 0) or 0)
        if force or v_in > int(local_versions.get(f, 0) or 0):
            values[f] = _enc(ts, f, full.get(f))
            local_versions[f] = v_in
    if force and not held:
        local_versions = incoming_versions
    if values or force:
        values["versions"] = json.dumps(local_versions)
        values["community_id"] = full.get("community_id") or row["community_id"]
        for m in ("updated_at", "updated_by", "updated_device", "hlc"):
            if m in full:
                values[m] = full[m]
        _update(conn, ts.name, row_id, values)
        changed.add(ts.name, row_id)
        return True
    return False


def apply_snapshot(conn: Connection, tables: Iterable[dict], pending: Pending,
                   changed: Changes | None = None) -> tuple[Changes, int]:
    """Snapshot rows: new ones by bulk insert (the fast path), rows already here merged by version.

    ``changed`` gets each table the page wrote (new rows: the table alone, with no ids; rows merged
    into ones already here: their ids)."""
    changed = changed if changed is not None else Changes()
    count = 0
    for block in tables:
        table, cols, rows = block["table"], block["columns"], block["rows"]
        ts = TABLES.get(table)
        if ts is None:
            continue
        if not rows:
            continue
        id_at = cols.index("id")
        present = _present_in_page(conn, table, rows, id_at)
        fresh = [r for r in rows if r[id_at] not in present] if present else rows
        if list(cols) == list(ts.columns) and conn.dialect.name == "sqlite":
            # The fast path: the server sends columns in table order; sqlite3 binds bools as 0/1.
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            conn.connection.driver_connection.executemany(sql, fresh)
        else:
            insert_rows(conn, table, [dict(zip(cols, r)) for r in fresh])
        if fresh:
            # New rows are recorded as their table only (the engine merges a snapshot page as whole
            # tables, and rebuilds the search index from the tables): not 20,000 ids one by one.
            changed.rows.setdefault(table, set())
        for r in rows:
            if r[id_at] in present:
                _apply_full_row(conn, ts, dict(zip(cols, r)), pending, changed, force=False)
        count += len(rows)
    return changed, count


def _present_in_page(conn: Connection, table: str, rows: list, id_at: int) -> set[str]:
    """The ids of a snapshot page's rows this laptop already holds.

    A first sync fills empty tables: when every id of the page sorts after the largest id here
    (one index lookup), none is present and the page needs no ``IN (...)`` look-ups. Exact
    whatever order the server pages in (both sides compare in code-point order, as SQLite's
    BINARY collation does); otherwise the ids are looked up.
    """
    lowest = min(r[id_at] for r in rows)
    top = conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
    if top is None or (isinstance(top, str) and isinstance(lowest, str) and top < lowest):
        return set()
    return _present(conn, table, [r[id_at] for r in rows])


def _present(conn: Connection, table: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE id IN ({marks})",
                                                        tuple(chunk)))
    return found


def apply_server_rows(conn: Connection, table: str, rows: list[dict], missing_ids: list[str], pending: Pending,
                      changed: Changes | None = None) -> Changes:
    """Make these rows equal the server's copy (after a rejection or a verify mismatch); rows the
    server does not have here are removed unless a local edit is still pending for them."""
    changed = changed if changed is not None else Changes()
    ts = TABLES[table]
    for full in rows:
        _apply_full_row(conn, ts, full, pending, changed, force=True)
        if not ts.mutable and full.get("server_seq") is not None:
            conn.exec_driver_sql(f"UPDATE {table} SET server_seq = ? WHERE id = ?", (full["server_seq"], full["id"]))
    for row_id in missing_ids:
        if (table, row_id) in pending or conn.exec_driver_sql(
                "SELECT 1 FROM outbox WHERE table_name = ? AND row_id = ?", (table, row_id)).first():
            continue
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        changed.add(table, row_id)
    return changed


def refresh_search_index(conn: Connection, changed: Changes) -> None:
    """Let the search index catch up with pulled rows."""
    if changed:
        search_index.refresh(conn, changed)


def rebuild_search_index(conn: Connection, changed: Changes) -> None:
    """After a snapshot: rebuild the whole search index once (cheaper than per page)."""
    search_index.rebuild(conn)
