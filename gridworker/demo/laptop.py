"""Write a demo city into a laptop database (bulk, no outbox: demo data is nobody's edit)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..domain.errors import GridworkerError
from ..store import search_index
from ..store.bulk import insert_rows
from ..store.database import Database
from ..store.tables import SYNC_ORDER
from .city import iter_city
from .places import community_count

Progress = Callable[[int, int], None]
BULK_CACHE_KIB = 512 * 1024


class NotEmptyError(GridworkerError):
    """The database already holds households; demo data goes into a fresh one."""


def write_laptop(db: Database, households: int, seed: int = 1, progress: Progress | None = None, *,
                 now: datetime | None = None) -> dict:
    """Generate a city into ``db`` in one ``sync_transaction``; returns rows written per table.

    Refuses (``NotEmptyError``) a database that already holds households. Sets the laptop's
    ``community_id`` when the city has a single community. ``progress(done, total)`` is called
    with households written so far. Rebuilds the search index when the store has one.
    """
    counts = dict.fromkeys(SYNC_ORDER, 0)
    with db.sync_transaction() as conn:
        existing = conn.exec_driver_sql("SELECT count(*) FROM household").scalar()
        if existing:
            raise NotEmptyError(f"数据库已有{existing}户数据，演示数据只能写入新的数据库：{db.path}")
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        # A big city's indexes outgrow the normal page cache; spilling pages mid-transaction
        # makes the write several times slower. The pooled connection gets its setting back.
        conn.exec_driver_sql(f"PRAGMA cache_size={-BULK_CACHE_KIB}")
        try:
            _write(db, conn, households, seed, progress, now, counts)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
    return counts


def _write(db: Database, conn, households: int, seed: int, progress: Progress | None,
           now: datetime | None, counts: dict) -> None:
    done = 0
    community_id = None
    for table, rows in iter_city(households, seed, now=now):
        insert_rows(conn, table, rows)
        counts[table] += len(rows)
        if table == "org_unit" and community_id is None:
            community_id = next((r["id"] for r in rows if r["level"] == "community"), None)
        if table == "household":
            done += len(rows)
            if progress is not None:
                progress(done, households)
    if community_count(households) == 1 and community_id is not None:
        db.set_state("community_id", community_id, conn)
    _rebuild_search(conn)


def _rebuild_search(conn) -> None:
    """Build the search index over the rows just written (a hook the benchmarks time)."""
    search_index.rebuild(conn)
