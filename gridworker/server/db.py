"""The server database: SQLite by default (a file path or ``sqlite:///`` URL), PostgreSQL by URL.

``open_server_db(url)`` builds the engine and brings the schema to the head of the server Alembic
tree. Writers use :meth:`ServerDB.write` (``BEGIN IMMEDIATE`` on SQLite, so concurrent pushes queue
instead of failing; on PostgreSQL the per-community counter row is the lock).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from ..store.connect import make_engine
from ..store.migrate import upgrade


def normalise_url(db: str) -> str:
    """A plain path becomes a SQLite URL; URLs pass through."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


class ServerDB:
    """The server's engine and its transactions."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        self.sqlite_path: Path | None = None
        if self.dialect == "sqlite":
            self.sqlite_path = Path(parsed.database or "")
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = make_engine(self.sqlite_path)
        else:
            self.engine = create_engine(self.url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def migrate(self) -> str | None:
        return upgrade(self.engine, "server", sqlite_path=self.sqlite_path)

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def open_server_db(url: str, *, migrate: bool = True) -> ServerDB:
    sdb = ServerDB(url)
    if migrate:
        sdb.migrate()
    return sdb


def in_chunks(values: list, name: str = "i", size: int = 500) -> Iterator[tuple[list, str, dict]]:
    """``values`` a chunk at a time for ``… IN ({marks})``: (the chunk, its placeholders ``:i0, :i1 …``,
    their parameters). Bound, never pasted; ``size`` stays under every driver's parameter limit."""
    for at in range(0, len(values), size):
        chunk = values[at:at + size]
        yield chunk, ", ".join(f":{name}{n}" for n in range(len(chunk))), {f"{name}{n}": v for n, v in enumerate(chunk)}


def lock_clause(conn: Connection) -> str:
    """``FOR UPDATE`` on PostgreSQL; SQLite's write transaction already excludes other writers."""
    return " FOR UPDATE" if conn.dialect.name == "postgresql" else ""


def ensure_community_sync(conn: Connection, community_id: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("INSERT INTO community_sync (community_id, seq, checksum, horizon) VALUES (:c, 0, '0', 0) "
                          "ON CONFLICT (community_id) DO NOTHING"), {"c": community_id})
    else:
        conn.execute(text("INSERT OR IGNORE INTO community_sync (community_id, seq, checksum, horizon) "
                          "VALUES (:c, 0, '0', 0)"), {"c": community_id})


def take_seqs(conn: Connection, community_id: str, n: int) -> int:
    """Reserve n change numbers of a community; returns the first. Holds the counter row's lock
    until commit, so numbers are committed in order (a reader paging by seq never skips one)."""
    ensure_community_sync(conn, community_id)
    last = conn.execute(text("UPDATE community_sync SET seq = seq + :n WHERE community_id = :c RETURNING seq"),
                        {"n": n, "c": community_id}).scalar_one()
    return int(last) - n + 1


def add_checksum(conn: Connection, community_id: str, delta: int) -> str:
    """Add delta (mod 2^64) to a community's checksum; the caller holds the counter row lock."""
    from ..store.rows import MASK64  # noqa: PLC0415

    cur = conn.execute(text("SELECT checksum FROM community_sync WHERE community_id = :c"),
                       {"c": community_id}).scalar_one()
    new = str((int(cur) + delta) & MASK64)
    conn.execute(text("UPDATE community_sync SET checksum = :s WHERE community_id = :c"),
                 {"s": new, "c": community_id})
    return new
