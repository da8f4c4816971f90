"""The one factory for the laptop's SQLite connections (so an encrypted driver can replace it)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 10_000


def raw_connect(path: str | Path) -> sqlite3.Connection:
    """A DB-API connection with our pragmas; the caller controls transactions (no implicit BEGIN)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                           isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit the user saw is on disk even if power fails right after.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-32000")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def make_engine(path: str | Path) -> Engine:
    """An engine over ``raw_connect``. ``BEGIN IMMEDIATE`` when a connection has
    ``execution_options(sqlite_begin="IMMEDIATE")`` (writers), plain deferred ``BEGIN`` otherwise."""
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: raw_connect(path),
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_conn, _record):
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine
