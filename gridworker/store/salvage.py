"""Unsent changes saved from a damaged laptop file into the one restored from a backup.

    from gridworker.store.salvage import salvage_outbox
    found = salvage_outbox(damaged_path, restored_path, key)   # after backups.restore(...)

Outbox entries carry everything needed to send them (fields, base versions, signature), so an entry
read from the damaged file can be queued again in the restored one as it was. Each entry is read on
its own (``WHERE seq = ?``): an entry whose page is unreadable is skipped and counted, the others are
kept. Entries the backup already holds (pending or kept after acknowledgement) are not doubled.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .connect import raw_connect

COLUMNS = ("seq", "tx_id", "table_name", "row_id", "op", "fields", "base_versions", "hlc", "user_id",
           "created_at", "sig")
# Where no count of the damaged file's changes can be read: how far past the backup to look.
SCAN_WITHOUT_BOUND = 20_000


@dataclass
class Salvaged:
    requeued: int = 0     # entries read from the damaged file and queued again
    unreadable: int = 0   # entries whose pages could not be read
    present: int = 0      # entries the restored file already had


def _first(conn, *queries: str) -> int | None:
    for query in queries:
        try:
            value = conn.execute(query).fetchone()
        except Exception:  # noqa: BLE001 - a damaged page: try the next way
            continue
        if value is not None and value[0] is not None:
            return int(value[0])
    return None


def salvage_outbox(damaged: str | Path, restored: str | Path, key: bytes | None) -> Salvaged:
    out = Salvaged()
    dst = raw_connect(Path(restored), key)
    try:
        start = _first(dst, "SELECT value FROM local_state WHERE key = 'outbox_seq'",
                       "SELECT max(seq) FROM outbox") or 0
        have = {r[0] for r in dst.execute("SELECT seq FROM outbox WHERE seq > ?", (start,))}
        try:
            have |= {r[0] for r in dst.execute("SELECT seq FROM outbox_kept WHERE seq > ?", (start,))}
        except Exception:  # noqa: BLE001 - a backup from before outbox_kept existed
            pass
        try:
            src = raw_connect(Path(damaged), key)
        except Exception:  # noqa: BLE001 - nothing readable at all
            return out
        try:
            end = _first(src, "SELECT value FROM local_state WHERE key = 'outbox_seq'",
                         "SELECT max(seq) FROM outbox")
            end = end if end is not None else start + SCAN_WITHOUT_BOUND
            found: list[tuple] = []
            for seq in range(start + 1, end + 1):
                if seq in have:
                    out.present += 1
                    continue
                try:
                    row = src.execute(f"SELECT {', '.join(COLUMNS)} FROM outbox WHERE seq = ?", (seq,)).fetchone()
                except Exception:  # noqa: BLE001 - this entry's page is damaged
                    out.unreadable += 1
                    continue
                if row is not None:
                    found.append(tuple(row))
        finally:
            src.close()
        if found:
            marks = ", ".join("?" * len(COLUMNS))
            dst.executemany(f"INSERT INTO outbox ({', '.join(COLUMNS)}) VALUES ({marks})", found)
            top = max(r[0] for r in found)
            dst.execute("INSERT INTO local_state (key, value) VALUES ('outbox_seq', ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value "
                        "WHERE CAST(local_state.value AS INTEGER) < CAST(excluded.value AS INTEGER)", (str(top),))
            dst.commit()
            out.requeued = len(found)
    finally:
        dst.close()
    return out
