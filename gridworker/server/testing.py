"""A real server on a loopback port, in a thread: for tests, benchmarks and trying things by hand.

    with LiveServer("/tmp/server.db") as srv:
        enroll(db, srv.url, "gw1", "secret-pass")

Also small helpers to put org units and users into a server database.
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from typing import Any

from sqlalchemy import text

from ..store.bulk import insert_rows
from ..store.tables import TABLES
from .db import ServerDB, open_server_db

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class LiveServer:
    """uvicorn serving ``create_app(db)`` on 127.0.0.1 and a free port, until stopped."""

    def __init__(self, db: str | ServerDB, *, port: int = 0):
        import uvicorn  # noqa: PLC0415

        from .app import create_app  # noqa: PLC0415

        self.sdb = db if isinstance(db, ServerDB) else open_server_db(db)
        self.app = create_app(self.sdb)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, timeout_keep_alive=30)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self._thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def org_row(org_id: str, code: str, name: str, level: str, parent_id: str | None,
            community_id: str | None = None) -> dict[str, Any]:
    row = {c: None for c in TABLES["org_unit"].columns}
    row.update(id=org_id, community_id=community_id or org_id, code=code, name=name, level=level,
               parent_id=parent_id, versions="{}", deleted=0)
    return row


def add_org_units(sdb: ServerDB, rows: list[dict]) -> None:
    from .seed import insert_seed_rows  # noqa: PLC0415

    with sdb.write() as conn:
        insert_seed_rows(conn, [("org_unit", rows)])


# --------------------------------------------------------------------------- PostgreSQL for tests
def pg_admin_url() -> str:
    return os.environ.get("GRIDWORKER_TEST_PG", DEFAULT_PG)


def pg_unreachable_reason() -> str | None:
    """None when the test PostgreSQL answers, else why not (tests skip with this reason)."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover
        return f"psycopg not installed: {exc}"
    url = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {pg_admin_url()} unreachable (set GRIDWORKER_TEST_PG): {exc}"
    return None


class TempPgDatabase:
    """A fresh PostgreSQL database for one test, dropped afterwards."""

    def __init__(self) -> None:
        import psycopg  # noqa: PLC0415

        self._psycopg = psycopg
        self.admin = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
        self.name = f"gw_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = pg_admin_url().rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def drop(self) -> None:
        with self._psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def table_rows(conn, table: str, community_id: str | None = None) -> dict[str, dict]:
    """id -> comparable row (synced fields, tombstone, versions, server seq) of one table."""
    ts = TABLES[table]
    cols = ["id", "community_id", *ts.fields] + (["deleted", "versions"] if ts.mutable else ["server_seq"])
    sql = f"SELECT {', '.join(cols)} FROM {table}"
    params = {}
    if community_id:
        sql += " WHERE community_id = :c"
        params["c"] = community_id
    out = {}
    import json  # noqa: PLC0415

    for values in conn.execute(text(sql), params):
        row = dict(zip(cols, values))
        for b in ts.bool_fields | ({"deleted"} if ts.mutable else set()):
            if row.get(b) is not None:
                row[b] = bool(row[b])
        if "versions" in row:
            row["versions"] = json.loads(row["versions"] or "{}")
        out[row["id"]] = row
    return out
