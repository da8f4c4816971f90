"""The horizon: old change-log entries and old tombstones are dropped after a retention period.

For each community, in one transaction: tombstones deleted before the cut-off are removed for good
(each gets a ``remove`` change, so laptops that are current drop them too, and the checksum moves);
change-log entries older than the cut-off are deleted and the horizon moves up to them. A laptop
whose cursor is behind the horizon is told so (HTTP 410) and re-syncs from a snapshot.
"""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, text

from ..store.rows import row_hash
from ..store.tables import TABLES
from ..sync import wire
from .auth import now_iso
from .db import add_checksum, take_seqs

DEFAULT_DAYS = 180
KEEP_PUSH_RESULTS = 100_000


def prune(conn: Connection, days: int = DEFAULT_DAYS, *, now: dt.datetime | None = None) -> list[dict]:
    """Prune every community; returns what was done per community."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cutoff = (now - dt.timedelta(days=days)).isoformat(timespec="seconds")
    out = []
    for (community,) in conn.execute(text("SELECT community_id FROM community_sync ORDER BY community_id")).all():
        out.append(prune_community(conn, community, cutoff))
    # Stored push results answer replays; a laptop never replays far behind its last ack.
    conn.execute(text("DELETE FROM push_result WHERE seq <= (SELECT d.last_seq FROM device d "
                      "WHERE d.id = push_result.device_id) - :keep"), {"keep": KEEP_PUSH_RESULTS})
    return out


def prune_community(conn: Connection, community: str, cutoff: str) -> dict:
    # The counter row lock first: pushes to this community wait while we prune.
    top = conn.execute(text("UPDATE community_sync SET seq = seq WHERE community_id = :c RETURNING seq"),
                       {"c": community}).scalar_one()
    old_seq = conn.execute(text("SELECT max(seq) FROM change_log WHERE community_id = :c AND at < :t"),
                           {"c": community, "t": cutoff}).scalar()
    if not old_seq:
        return {"community_id": community, "pruned_changes": 0, "purged_tombstones": 0, "horizon": None}
    purged = []
    for table, ts in TABLES.items():
        if not ts.mutable:
            continue
        cols = ["id", *ts.fields, "deleted", "versions"]
        for values in conn.execute(text(f"SELECT {', '.join(cols)} FROM {table} WHERE community_id = :c "
                                        f"AND deleted = :t"), {"c": community, "t": True}):
            row = dict(zip(cols, values))
            if int(json.loads(row["versions"] or "{}").get("deleted", 0) or 0) <= old_seq:
                purged.append((table, row))
    if purged:
        first = take_seqs(conn, community, len(purged))
        at = now_iso()
        conn.execute(text("INSERT INTO change_log (community_id, seq, table_name, row_id, op, fields, device_id, "
                          "user_id, at) VALUES (:c, :s, :t, :r, :o, '{}', NULL, NULL, :a)"),
                     [{"c": community, "s": first + i, "t": t, "r": r["id"], "o": wire.OP_REMOVE, "a": at}
                      for i, (t, r) in enumerate(purged)])
        delta = 0
        for t, r in purged:
            delta -= row_hash(t, r)
            conn.execute(text(f"DELETE FROM {t} WHERE id = :i"), {"i": r["id"]})
        add_checksum(conn, community, delta)
    n = conn.execute(text("DELETE FROM change_log WHERE community_id = :c AND seq <= :s"),
                     {"c": community, "s": old_seq}).rowcount
    conn.execute(text("UPDATE community_sync SET horizon = :h WHERE community_id = :c"), {"h": old_seq, "c": community})
    return {"community_id": community, "pruned_changes": n, "purged_tombstones": len(purged), "horizon": old_seq,
            "server_seq": int(top) + len(purged)}
