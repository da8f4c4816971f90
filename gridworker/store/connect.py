"""The one factory for the laptop's SQLite connections.

Every laptop connection goes through SQLCipher (``sqlcipher3``, a DB-API module like ``sqlite3``
with its own SQLite build). With a ``key`` (32 random bytes, see :mod:`gridworker.store.keyslots`)
every page of the file, its WAL and its backups is AES-256 encrypted and authenticated; without
one the file is plain SQLite (tests, throwaway tools). The raw key is handed over as
``x'…'`` so SQLCipher skips its own PBKDF2: the password was already stretched with Argon2id.
"""
from __future__ import annotations

from pathlib import Path

import sqlcipher3.dbapi2 as driver
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 10_000
KEY_BYTES = 32

Connection = driver.Connection
DatabaseError = driver.DatabaseError


class WrongKeyError(Exception):
    """The file is encrypted with another key (or is not a database at all)."""


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a database key is {KEY_BYTES} bytes, got {len(key)}")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(conn: driver.Connection, key: bytes | None) -> None:
    """Key a fresh connection (must be its first statement that reads the file).

    SQLCipher's own log goes to stderr ("hmac check failed for pgno=…") when a damaged or foreign
    file is read; it is switched off: the same failure reaches the caller as an exception, which the
    app turns into a sentence (and the restore offer)."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        conn.execute(key_pragma(key))


def raw_connect(path: str | Path, key: bytes | None = None, *, pragmas: bool = True) -> driver.Connection:
    """A DB-API connection with our pragmas; the caller controls transactions (no implicit BEGIN)."""
    conn = driver.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                          isolation_level=None)
    apply_key(conn, key)
    if not pragmas:
        return conn
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        # The first read of page 1: a wrong key (or a file that is not a database) fails here.
        conn.execute("PRAGMA journal_mode=WAL")
    except driver.DatabaseError as exc:
        conn.close()
        raise WrongKeyError(str(exc)) from exc
    # FULL: a commit the user saw is on disk even if power fails right after.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-32000")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def make_engine(path: str | Path, key: bytes | None = None) -> Engine:
    """An engine over ``raw_connect``. ``BEGIN IMMEDIATE`` when a connection has
    ``execution_options(sqlite_begin="IMMEDIATE")`` (writers), plain deferred ``BEGIN`` otherwise."""
    engine = create_engine(
        "sqlite+pysqlite://",
        module=driver,  # SQLAlchemy maps sqlcipher3's exceptions, not sqlite3's
        creator=lambda: raw_connect(path, key),
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


def is_encrypted(path: str | Path) -> bool:
    """True when the file exists and does not start with SQLite's plain header."""
    p = Path(path)
    if not p.exists() or p.stat().st_size == 0:
        return False
    with open(p, "rb") as f:
        return f.read(16) != b"SQLite format 3\x00"
