"""The server's epoch: a random id for one unbroken history of its change numbers.

A server restored from an older backup reuses change numbers (``community_sync.seq`` goes back)
and forgets outbox entries it had acknowledged. Every push and pull answer names the epoch; the
admin's restore (``gridworker server restore`` / ``server new-epoch``, docs/deploy.md) draws a new
one, and a laptop that meets a new epoch re-sends the entries it kept after their acknowledgement
and re-reads its community from a snapshot (gridworker/sync/epoch.py). No Qt here.
"""
from __future__ import annotations

import secrets

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..domain.clock import utc_now_iso as now_iso


def current(conn: Connection) -> str:
    """This server's epoch (one is drawn the first time it is asked for)."""
    row = conn.execute(text("SELECT epoch FROM server_epoch WHERE id = 1")).first()
    return row[0] if row else ""


def new_epoch(conn: Connection) -> str:
    """Draw a new epoch (after a restore): every laptop re-sends what it kept and re-syncs."""
    epoch = secrets.token_hex(8)
    conn.execute(text("DELETE FROM server_epoch"))
    conn.execute(text("INSERT INTO server_epoch (id, epoch, started_at) VALUES (1, :e, :t)"),
                 {"e": epoch, "t": now_iso()})
    return epoch


def lost_acknowledgement(conn: Connection, device_id: str, seen: str, acked: int) -> str:
    """A laptop holds an acknowledgement (``acked``, given in epoch ``seen``) for an outbox number
    this server no longer has: the server was restored without a new epoch. Draw one, once: a
    second laptop telling the same finds the epoch already changed. A claim this server can
    disprove (it holds that number) changes nothing."""
    now = current(conn)
    last = conn.execute(text("SELECT last_seq FROM device WHERE id = :d"), {"d": device_id}).scalar()
    if seen != now or last is None or int(last) >= acked:
        return now
    return new_epoch(conn)
