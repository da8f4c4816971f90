"""What a laptop database holds, and whether it is healthy."""
from __future__ import annotations

from . import local
from .database import Database
from .migrate import current_revision
from .tables import SYNC_ORDER, TABLES


def database_info(db: Database) -> dict:
    with db.read() as conn:
        rows = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in SYNC_ORDER}
        pending = local.pending_count(conn)
        review = sum(local.open_counts(conn).values())
        revision = current_revision(conn)
    return {"path": str(db.path), "size_bytes": db.path.stat().st_size, "schema_revision": revision,
            "device_id": db.device_id, "community_id": db.community_id, "pending": pending,
            "open_review_items": review, "rows": rows}


def check_database(db: Database) -> dict:
    """Integrity check plus the outbox promise: every outbox entry has its row."""
    problems: list[str] = []
    try:
        integrity = db.integrity_check()
    except Exception as exc:  # noqa: BLE001 - a damaged file may not even answer the check
        integrity = f"error: {exc}"
    if integrity != "ok":
        # A damaged file: report it; querying the outbox now could only crash or mislead.
        problems.append(f"integrity_check: {integrity[:2000]}")
        return {"ok": False, "integrity": integrity[:2000], "problems": problems}
    with db.read() as conn:
        for table in TABLES:
            missing = conn.exec_driver_sql(
                f"SELECT count(*) FROM outbox o LEFT JOIN {table} t ON t.id = o.row_id "
                f"WHERE o.table_name = ? AND t.id IS NULL", (table,)).scalar()
            if missing:
                problems.append(f"{missing} outbox entries for {table} have no row")
        gaps = conn.exec_driver_sql(
            "SELECT count(*) FROM outbox a WHERE a.seq > (SELECT min(seq) FROM outbox) "
            "AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.seq = a.seq - 1)").scalar()
        if gaps:
            problems.append(f"outbox seq has {gaps} gaps")
    return {"ok": not problems, "integrity": integrity, "problems": problems}
