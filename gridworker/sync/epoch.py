"""A server restored from an older backup: re-send what it lost, then re-read the community.

Every push and pull answer names the server's epoch (gridworker/server/epoch.py); the admin's
restore draws a new one. Acknowledged outbox entries are not thrown away: they move to
``outbox_kept`` with the epoch that acknowledged them and stay there for :data:`KEPT_DAYS`.

Why keep the entries rather than re-derive changes from rows: an entry is signed by its author
(store/signing.py), carries the base versions it was made on, and may be an append (a visit, a case
step, a vote) or a delete whose row is gone — none of which a row can give back. Kept entries are
sent again exactly as they were, so the server checks them like any other.

Before each push, an empty push asks the server for its epoch and this device's last acknowledged
number ``L``. When the epoch is not the one this laptop last saw (or the pull found its cursor
ahead of the server, the same fault on a server that was restored without a new epoch):

1. kept entries above ``L`` go back into the outbox (the server lost them) and are pushed;
2. the cursor goes back to a snapshot and the rows the server no longer has are dropped after it
   (the engine's re-snapshot), so laptops that pulled the lost changes agree with the server again —
   and get them back once their author's laptop has re-sent them.

No Qt here.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..store.database import Database
from ..store.local import State
from . import wire

KEY = "server_epoch"
KEPT_DAYS = 30
_COLUMNS = "seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at, sig"


def _utc(delta_days: int = 0) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=delta_days)).isoformat(timespec="seconds")


def keep_acked(conn, first: int, last: int, epoch: str) -> None:
    """Copy the entries ``first..last`` (about to leave the outbox) to ``outbox_kept``; forget kept
    entries older than :data:`KEPT_DAYS`. Runs in the push's own transaction."""
    conn.exec_driver_sql(
        f"INSERT OR REPLACE INTO outbox_kept ({_COLUMNS}, acked_at, epoch) "
        f"SELECT {_COLUMNS}, ?, ? FROM outbox WHERE seq >= ? AND seq <= ?", (_utc(), epoch or "", first, last))
    conn.exec_driver_sql("DELETE FROM outbox_kept WHERE acked_at < ?", (_utc(KEPT_DAYS),))


def server_state(transport) -> tuple[str, int]:
    """The server's epoch and this device's last acknowledged number (an empty push)."""
    reply = transport.call("POST", "/sync/push", body={"protocol_version": wire.PROTOCOL_VERSION,
                                                        "schema_version": wire.SCHEMA_VERSION, "entries": []})
    return str(reply.get("epoch") or ""), int(reply["acked_through"])


def check(db: Database, transport, *, force: bool = False) -> int:
    """Recover from a server restore when the epoch changed (or ``force``: the cursor was ahead).

    Returns how many kept entries went back into the outbox (0 when nothing happened)."""
    epoch, last = server_state(transport)
    seen = db.get_state(KEY)
    with db.read() as conn:
        kept = int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM outbox_kept").scalar())
    if seen and seen == epoch and kept > last:
        # The server acknowledged ``kept`` once and now knows only ``last``: restored without a
        # new epoch. Telling it draws one, so the other laptops re-sync too.
        epoch = str(transport.call("POST", "/sync/epoch", body={"seen": seen, "acked_through": kept})["epoch"])
    if not force and (seen == epoch or not seen):
        if not seen and epoch:
            db.set_state(KEY, epoch)
        return 0
    with db.sync_transaction() as conn:
        moved = conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO outbox ({_COLUMNS}) SELECT {_COLUMNS} FROM outbox_kept WHERE seq > ?",
            (last,)).rowcount
        conn.exec_driver_sql("DELETE FROM outbox_kept WHERE seq > ?", (last,))
        db.set_state(State.CURSOR, "0", conn)
        db.set_state(State.RESNAPSHOT, "1", conn)
        db.set_state(KEY, epoch, conn)
    return moved
