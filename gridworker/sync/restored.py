"""After a laptop database was restored from a backup: make its change numbers unique again.

A restored file carries the outbox counter of the moment the backup was taken (``R``), while the
server may have acknowledged numbers beyond it (the laptop pushed after the backup, ``L > R``).
Entries already in the backup (``seq <= R``) are the same changes the server may have seen:
sending them again is a true replay, answered from the server's stored results. Entries written
*after* the restore took numbers ``R+1, R+2, …`` that the server may already know for *other*
changes: sent as they are, the server would refuse them (``sequence_reused``) or, worse, take them
for replays and acknowledge them unapplied. So before the first push after a restore:

1. an empty push asks the server for this device's last acknowledged number ``L``;
2. in one local transaction, every entry above ``R`` moves up by ``L - R`` (when ``L > R``), the
   counter follows, and the marker is cleared.

The marker is ``local_state.restored_outbox_seq`` (= ``R``), written into the restored copy by
:func:`gridworker.store.backups.restore` before it replaces the damaged file. The pull that
follows starts from the restored cursor, so the changes this laptop pushed after the backup come
back from the server too. No Qt here.
"""
from __future__ import annotations

from ..store.database import Database
from . import wire

MARKER = "restored_outbox_seq"


def server_last_seq(transport) -> int:
    """This device's last acknowledged outbox number, from an empty push (changes nothing)."""
    reply = transport.call("POST", "/sync/push", body={"protocol_version": wire.PROTOCOL_VERSION,
                                                        "schema_version": wire.SCHEMA_VERSION, "entries": []})
    return int(reply["acked_through"])


def renumber_after_restore(db: Database, transport) -> int:
    """Renumber entries written since a restore so none reuses a number the server knows.

    Returns how far they moved (0 when nothing needed to move, or the laptop was not restored).
    """
    marker = db.get_state(MARKER)
    if marker is None:
        return 0
    restored_at = int(marker)
    last = server_last_seq(transport)
    shift = max(0, last - restored_at)
    with db.sync_transaction() as conn:
        if shift:
            # Two steps so the primary key never collides mid-update.
            conn.exec_driver_sql("UPDATE outbox SET seq = -(seq + ?) WHERE seq > ?", (shift, restored_at))
            conn.exec_driver_sql("UPDATE outbox SET seq = -seq WHERE seq < 0")
            current = int(conn.exec_driver_sql(
                "SELECT value FROM local_state WHERE key = 'outbox_seq'").scalar() or 0)
            highest = int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM outbox").scalar())
            db.set_state("outbox_seq", str(max(current + shift, highest, last)), conn)
        else:
            current = int(conn.exec_driver_sql(
                "SELECT value FROM local_state WHERE key = 'outbox_seq'").scalar() or 0)
            if current < last:
                db.set_state("outbox_seq", str(last), conn)
        conn.exec_driver_sql("DELETE FROM local_state WHERE key = ?", (MARKER,))
    return shift
