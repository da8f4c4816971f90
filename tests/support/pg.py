"""A throwaway PostgreSQL database for a test or a benchmark (the machine's server, trust auth).

``GRIDWORKER_TEST_PG`` names the server (default: postgres@127.0.0.1:5432/test); each
:class:`TempPgDatabase` is a new database on it, dropped by ``drop()``.
"""
from __future__ import annotations

import os
import uuid

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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
