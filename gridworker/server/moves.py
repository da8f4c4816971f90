"""A household moving to another community: it and its residents leave one log and join the other.

In one transaction: the old community's log gets a ``remove`` per row (its laptops delete them),
the rows change community and take fresh versions from the new community's counter, and the new
community's log gets an ``upsert`` with each full row. Both checksums move. The two counter rows are
locked in id order so two moves in opposite directions cannot deadlock.

What arrives in the new community names nothing of the old one: the household's grid is the target
grid given (or none), its building is cleared (buildings belong to one community), and no row or log
entry carries a device id of the old community (``updated_device`` and the log's device are empty).
"""
from __future__ import annotations

import json

from sqlalchemy import Connection, text

from ..store.rows import row_hash
from ..store.tables import TABLES
from ..sync import wire
from .auth import User, community_of, in_scope, now_iso, org_by_code_or_id
from .db import add_checksum, ensure_community_sync, take_seqs
from .errors import BadRequest, Conflict, NotFound


def move_household(conn: Connection, household_id: str, to_community: str, user: User,
                   device_id: str | None = None, to_grid: str | None = None) -> dict:
    hh = conn.execute(text("SELECT * FROM household WHERE id = :i"), {"i": household_id}).mappings().first()
    if hh is None or not in_scope(conn, user, hh["community_id"]):
        raise NotFound("找不到该户或不在您的管辖范围内")
    unit = org_by_code_or_id(conn, to_community)
    target = community_of(conn, unit["id"]) if unit else None
    if target is None or not in_scope(conn, user, target):
        raise NotFound("找不到目标社区或不在您的管辖范围内", code="community_not_found")
    source = hh["community_id"]
    if target == source:
        raise BadRequest("该户已在目标社区", code="same_community")
    if to_grid is not None:
        grid = conn.execute(text("SELECT community_id, level FROM org_unit WHERE id = :i AND deleted = :f"),
                            {"i": to_grid, "f": False}).mappings().first()
        if grid is None or grid["community_id"] != target or grid["level"] != "grid":
            raise NotFound("找不到目标网格或不属于目标社区", code="grid_not_found")
    # Lock both counters (in id order) before reading the rows we move, so no push changes them
    # between our read and our write.
    for c in sorted((source, target)):
        ensure_community_sync(conn, c)
        conn.execute(text("UPDATE community_sync SET seq = seq WHERE community_id = :c"), {"c": c})
    hh = conn.execute(text("SELECT * FROM household WHERE id = :i"), {"i": household_id}).mappings().first()
    if hh is None or hh["community_id"] != source:
        raise Conflict("该户刚被其他操作移动或删除，请刷新后重试", code="moved_meanwhile")
    residents = conn.execute(text("SELECT * FROM resident WHERE household_id = :h AND community_id = :c "
                                  "ORDER BY id"), {"h": household_id, "c": source}).mappings().all()
    rows = [("household", dict(hh))] + [("resident", dict(r)) for r in residents]
    n = len(rows)
    firsts = {c: take_seqs(conn, c, n) for c in sorted((source, target))}
    at = now_iso()
    logs = []
    delta = 0
    moved_delta = 0
    for i, (table, row) in enumerate(rows):
        ts = TABLES[table]
        delta += row_hash(table, row)
        logs.append({"c": source, "s": firsts[source] + i, "t": table, "r": row["id"], "o": wire.OP_REMOVE,
                     "f": "{}", "d": device_id, "u": user.id, "a": at})
        seq = firsts[target] + i
        versions = {**{f: seq for f in ts.fields}, "deleted": seq}
        # Nothing of the old community travels: its grid, its building, its devices.
        cleared = {"updated_device": None}
        if table == "household":
            cleared.update(grid_id=to_grid, building_id=None)
        sets = ", ".join(f"{c} = :{c}" for c in cleared)
        conn.execute(text(f"UPDATE {table} SET community_id = :community_id, versions = :versions, {sets} "
                          "WHERE id = :id"),
                     {"community_id": target, "versions": json.dumps(versions), "id": row["id"], **cleared})
        full = {c: row[c] for c in ts.columns}
        full.update(community_id=target, versions=json.dumps(versions), **cleared)
        moved_delta += row_hash(table, full)
        for b in ts.bool_fields | {"deleted"}:
            if full.get(b) is not None:
                full[b] = bool(full[b])
        logs.append({"c": target, "s": seq, "t": table, "r": row["id"], "o": wire.OP_UPSERT,
                     "f": json.dumps(full, ensure_ascii=False), "d": None, "u": user.id, "a": at})
    conn.execute(text("INSERT INTO change_log (community_id, seq, table_name, row_id, op, fields, device_id, "
                      "user_id, at) VALUES (:c, :s, :t, :r, :o, :f, :d, :u, :a)"), logs)
    add_checksum(conn, source, -delta)
    add_checksum(conn, target, moved_delta)
    return {"household_id": household_id, "from_community": source, "to_community": target, "moved_rows": n}
