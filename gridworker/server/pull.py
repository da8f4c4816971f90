"""Reading a community's changes for a laptop: snapshot pages first (cursor 0), then the change log.

A snapshot is taken "as of" the counter value read before its first page; rows read later may be
newer, which is harmless: the laptop takes a field only when its version is newer, and every change
after the snapshot seq is replayed. Change pages never pass a number that could still commit,
because the counter row is read first and numbers commit in order.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, text

from ..store.tables import SYNC_ORDER, TABLES
from ..sync import wire
from .db import in_chunks
from .errors import BadRequest, BehindHorizon, CursorAhead
from .shape import Shape, bucket_sums, change_fields

SNAPSHOT_ROW_LIMIT = 20_000
CHANGE_LIMIT = 5_000


def _counter(conn: Connection, community_id: str) -> tuple[int, str, int]:
    row = conn.execute(text("SELECT seq, checksum, horizon FROM community_sync WHERE community_id = :c"),
                       {"c": community_id}).first()
    return (int(row[0]), row[1], int(row[2] or 0)) if row else (0, "0", 0)


def _number(text_: str, top: int) -> int:
    """A plain decimal in 0..top ("-1", "+1", " 1", "1_0" and "١" are not)."""
    if not (text_.isascii() and text_.isdigit()) or len(text_) > 20 or int(text_) > top:
        raise ValueError(text_)
    return int(text_)


def parse_cursor(cursor: str) -> tuple[str, int, int, str]:
    """("snapshot", snapshot seq, table index, last id) or ("changes", seq, 0, ""); any other
    text, a negative or oversized number, a table index out of range or an unprintable id is
    refused as ``bad_cursor`` (400)."""
    try:
        if cursor.startswith(wire.SNAPSHOT_PREFIX):
            _s, seq, idx, last = cursor.split(".", 3)
            if len(last) > 64 or not last.isprintable():
                raise ValueError(last)
            return "snapshot", _number(seq, wire.MAX_SEQ), _number(idx, len(SYNC_ORDER)), last
        if cursor.startswith(wire.CHANGES_PREFIX):
            return "changes", _number(cursor[len(wire.CHANGES_PREFIX):], wire.MAX_SEQ), 0, ""
        if cursor in ("", "0"):
            return "start", 0, 0, ""
        raise ValueError(cursor)
    except ValueError:
        raise BadRequest(f"无法识别的同步游标 {cursor[:80]!r}", code="bad_cursor") from None


def pull_page(conn: Connection, shape: Shape, since: str, limit: int) -> dict:
    """One page for ``since``, as this device may see it (:mod:`.shape`); ``cursor`` in the answer
    is what the laptop stores with the page."""
    community_id = shape.community_id
    mode, seq, idx, last = parse_cursor(since or "0")
    server_seq, checksum, horizon = _counter(conn, community_id)
    if mode == "start":
        mode, seq, idx, last = "snapshot", server_seq, 0, ""
    if mode == "snapshot":
        page = _snapshot_page(conn, shape, seq, idx, last, limit, server_seq, checksum)
        return _shaped_checksum(conn, shape, page)
    if seq > server_seq:
        raise CursorAhead("本机同步进度超过服务器（服务器数据可能已恢复到旧备份），需要重新同步",
                          {"server_seq": server_seq})
    if seq < horizon:
        raise BehindHorizon("本机太久没有同步，服务器已清理旧的变更记录；将先发送本机修改，再重新下载全部数据",
                            {"horizon": horizon})
    limit = max(1, min(limit, CHANGE_LIMIT))
    rows = conn.execute(text(
        "SELECT seq, table_name, row_id, op, fields, device_id, user_id, at FROM change_log "
        "WHERE community_id = :c AND seq > :s AND seq <= :top ORDER BY seq LIMIT :n"),
        {"c": community_id, "s": seq, "top": server_seq, "n": limit}).all()
    changes = []
    for r in rows:
        # A move's "remove" names only an id: every device of the community hears of it.
        if r[3] != wire.OP_REMOVE and not shape.keeps(r[1], r[2]):
            continue
        fields = change_fields(shape, r[1], r[3], r[4])
        changes.append([int(r[0]), r[1], r[2], r[3], wire.RawJSON(fields) if isinstance(fields, str) else fields,
                        shape.device(r[5]), r[6], r[7]])
        if r[1] == "contact_link" and not shape.full:
            # A link may bring households into a party member's circle: send them (and their
            # residents) whole, right after it, as a move-in would.
            changes += _joined_rows(conn, shape, fields, int(r[0]), r[6], r[7])
    more = len(rows) == limit and int(rows[-1][0]) < server_seq
    cursor = wire.CHANGES_PREFIX + (str(int(rows[-1][0])) if more else str(server_seq))
    return _shaped_checksum(conn, shape, {"mode": "changes", "cursor": cursor, "more": more,
                                          "server_seq": server_seq, "checksum": checksum, "tables": [],
                                          "changes": changes})


def _joined_rows(conn: Connection, shape: Shape, link: Any, seq: int, user: str | None, at: str) -> list[list]:
    """Upserts of the circle's households reached through this link, and their residents."""
    if not isinstance(link, dict):
        link = json.loads(link) if isinstance(link, str) else {}
    target = link.get("to_id")
    if not target:
        return []
    reached = {target} if target in shape.ids.get("household", ()) else set()
    if not reached:  # a central_member link: the households of the member it links
        reached = {r[0] for r in conn.execute(text(
            "SELECT to_id FROM contact_link WHERE community_id = :c AND kind = 'member_household' AND from_id = :m"),
            {"c": shape.community_id, "m": target})} & shape.ids.get("household", set())
    out = []
    for table, column in (("household", "id"), ("resident", "household_id")):
        ts = TABLES[table]
        for hid in sorted(reached):
            for r in conn.execute(text(f"SELECT * FROM {table} WHERE community_id = :c AND {column} = :h ORDER BY id"),
                                  {"c": shape.community_id, "h": hid}).mappings():
                full = dict(r)
                if not shape.keeps(table, full["id"]):
                    continue
                for b in ts.bool_fields | {"deleted"}:
                    if full.get(b) is not None:
                        full[b] = bool(full[b])
                out.append([seq, table, full["id"], wire.OP_UPSERT, shape.row(table, full), None, user, at])
    return out


def _shaped_checksum(conn: Connection, shape: Shape, page: dict) -> dict:
    """A shaped device's last page carries the checksum of what it was sent, not the community's."""
    if not shape.full and not page["more"]:
        page["checksum"] = str(bucket_sums(conn, shape)[0])
    return page


def _snapshot_page(conn: Connection, shape: Shape, snap_seq: int, idx: int, last: str, limit: int,
                   server_seq: int, checksum: str) -> dict:
    community_id = shape.community_id
    limit = max(1, min(limit, SNAPSHOT_ROW_LIMIT))
    tables = []
    budget = limit
    while idx < len(SYNC_ORDER) and budget > 0:
        table = SYNC_ORDER[idx]
        cols = list(TABLES[table].columns)
        id_at = cols.index("id")
        asked = budget
        rows = conn.execute(text(f"SELECT {', '.join(cols)} FROM {table} WHERE community_id = :c AND id > :last "
                                 f"ORDER BY id LIMIT :n"), {"c": community_id, "last": last, "n": asked}).all()
        sent = [tuple(r) for r in rows]
        if not shape.full:
            sent = [r for r in sent if shape.keeps(table, r[id_at])]
            sent = [tuple(shape.row(table, dict(zip(cols, r))).values()) for r in sent]
        elif "updated_device" in cols:
            ud = cols.index("updated_device")
            sent = [r if r[ud] is None or r[ud] in shape.devices
                    else tuple(shape.row(table, dict(zip(cols, r))).values()) for r in sent]
        if sent:
            tables.append({"table": table, "columns": cols, "rows": sent})
        budget -= len(rows)
        if len(rows) < asked:
            idx, last = idx + 1, ""
        else:
            last = rows[-1][id_at]
    if idx >= len(SYNC_ORDER):
        # Snapshot done: continue with the changes after the snapshot's seq.
        return {"mode": "snapshot", "cursor": f"{wire.CHANGES_PREFIX}{snap_seq}", "more": True, "server_seq": server_seq,
                "checksum": checksum, "tables": tables, "changes": []}
    cursor = f"{wire.SNAPSHOT_PREFIX}{snap_seq}.{idx}.{last}"
    return {"mode": "snapshot", "cursor": cursor, "more": True, "server_seq": server_seq,
            "checksum": checksum, "tables": tables, "changes": []}


def rows_by_id(conn: Connection, shape: Shape, table: str, ids: list[str]) -> tuple[list[dict], list[str]]:
    """Current rows of this community with these ids, as this device may see them; ids elsewhere,
    nowhere or outside a party member's circle are 'missing'."""
    community_id = shape.community_id
    ts = TABLES.get(table)
    if ts is None:
        raise BadRequest(f"未知的数据表 {table}", code="bad_table")
    found: dict[str, dict] = {}
    for _chunk, marks, params in in_chunks(ids):
        params["c"] = community_id
        for r in conn.execute(text(f"SELECT {', '.join(ts.columns)} FROM {table} WHERE community_id = :c "
                                   f"AND id IN ({marks})"), params).mappings():
            if shape.keeps(table, r["id"]):
                found[r["id"]] = shape.row(table, dict(r))
    return list(found.values()), [i for i in ids if i not in found]


def conflict_record(row: Mapping[str, Any]) -> dict:
    """A ``sync_conflict`` row as a ConflictRecord: the two values decoded, ``resolved`` a bool."""
    d = dict(row)
    d["lost_value"] = json.loads(d["lost_value"]) if d["lost_value"] else None
    d["won_value"] = json.loads(d["won_value"]) if d["won_value"] else None
    d["resolved"] = bool(d.get("resolved"))
    return d
