"""`gridworker db …`: the laptop database itself (info, check, demo data, search)."""
from __future__ import annotations

import click

from . import db_generate, db_search
from .common import data_dir_option, emit, friendly_errors, json_option, open_db, unlock_options


@click.group("db")
def db_group() -> None:
    """The laptop database: create demo data, inspect, check, search."""


@db_group.command("info")
@data_dir_option
@unlock_options
@json_option
@friendly_errors
def info(data_dir, user, password_stdin, as_json):
    """Show what the laptop database holds: rows per table, pending changes, schema.

    Example: echo "$PASSWORD" | gridworker db info --data-dir ./demo --user wang --password-stdin
    """
    from ..store.info import database_info  # noqa: PLC0415

    db = open_db(data_dir, user, password_stdin)
    try:
        data = database_info(db)
    finally:
        db.close()
    text = "\n".join([f"file: {data['path']} ({data['size_bytes'] / 1e6:.1f} MB)",
                      f"schema: {data['schema_revision']}", f"device: {data['device_id']}",
                      f"community: {data['community_id'] or '(not enrolled)'}",
                      f"pending changes: {data['pending']}"]
                     + [f"  {t:14s} {n:>9,d}" for t, n in data["rows"].items()])
    emit(data, as_json, text)


@db_group.command("check")
@data_dir_option
@unlock_options
@json_option
@friendly_errors
def check(data_dir, user, password_stdin, as_json):
    """Check the database file (SQLite integrity check) and the outbox (every change has its row).

    Exits 1 when anything is wrong. Example:
    echo "$PASSWORD" | gridworker db check --data-dir ./demo --user wang --password-stdin
    """
    from ..store.info import check_database  # noqa: PLC0415

    db = open_db(data_dir, user, password_stdin, check=False)  # it reports the damage itself
    try:
        result = check_database(db)
    finally:
        db.close()
    text = "\n".join([f"integrity: {result['integrity']}"] + [f"problem: {p}" for p in result["problems"]]
                     + (["ok"] if result["ok"] else []))
    emit(result, as_json, text)
    if not result["ok"]:
        raise SystemExit(1)


db_group.add_command(db_generate.command)
db_group.add_command(db_search.command)

COMMANDS = [db_group]
