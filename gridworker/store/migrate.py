"""Alembic migrations applied when a database is opened; a backup copy is taken first."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from ..domain.errors import GridworkerError
from ..paths import migrations_dir
from .connect import raw_connect


class MigrationError(GridworkerError):
    """A migration failed; the database was left as it was."""


def alembic_config(side: str, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir(side)))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision(side: str) -> str:
    return ScriptDirectory.from_config(alembic_config(side)).get_current_head()


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(src: Path, dest: Path, key: bytes | None = None) -> Path:
    """Copy a live SQLite database with the backup API (consistent even while others write).

    An encrypted source gives a copy encrypted with the same key.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    s = raw_connect(src, key, pragmas=False)
    d = raw_connect(dest, key, pragmas=False)
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()
    return dest


def upgrade(engine: Engine, side: str, *, sqlite_path: Path | None = None, key: bytes | None = None) -> str | None:
    """Bring the database to the head revision of ``side``. Returns the backup path, if one was made.

    On SQLite, a database that already has data is copied first with the backup API; the whole
    upgrade runs in one transaction, so a failure leaves the original as it was.
    """
    head = head_revision(side)
    with engine.connect() as conn:
        current = current_revision(conn)
    if current == head:
        return None
    backup = None
    if sqlite_path is not None and current is not None and sqlite_path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_sqlite(sqlite_path, sqlite_path.with_name(
            f"{sqlite_path.name}.pre-upgrade-{current[:12]}-{stamp}.bak"), key)
    cfg = alembic_config(side)
    try:
        with engine.connect() as conn:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except Exception as exc:  # noqa: BLE001 - re-raised with the user's words
        where = f"；升级前的备份在 {backup}" if backup else ""
        raise MigrationError(
            f"数据库升级失败（{current or '空库'} → {head}），原文件未改动{where}。原因：{exc}"
        ) from exc
    return str(backup) if backup else None
