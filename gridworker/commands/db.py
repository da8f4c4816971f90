"""`gridworker db …`: the laptop database itself (info, check, demo data, search)."""
from __future__ import annotations

from pathlib import Path

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


@db_group.command("restore")
@data_dir_option
@unlock_options
@click.option("--from", "backup", default=None, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The backup file to restore (default: the newest backup that passes its check).")
@json_option
@friendly_errors
def restore_cmd(data_dir, user, password_stdin, backup, as_json):
    """Put a backup in place of a damaged laptop database, keeping the unsent changes that can be read.

    The damaged file is kept beside it (gridworker.db.broken-…). Unsent changes are read from the
    damaged file one by one and queued again in the restored one; the next sync sends them and brings
    back everything the server has. Example:
    echo "$PASSWORD" | gridworker db restore --data-dir ./laptop --user wang --password-stdin
    """
    from ..store.backups import good_backups, restore  # noqa: PLC0415
    from ..store.salvage import salvage_outbox  # noqa: PLC0415
    from .common import db_path, laptop_for, pick_user, read_password  # noqa: PLC0415

    laptop = laptop_for(data_dir)
    username = pick_user(laptop, user)
    key = laptop.unlock(username, read_password(password_stdin, f"Password for {username}"))
    path = db_path(data_dir)
    if backup is None:
        found = good_backups(path, key)
        if not found:
            raise click.ClickException("没有找到可用的备份。请联系管理员，重新注册本机后同步。")
        backup = found[0].path
    moved = restore(path, backup, key)
    saved = salvage_outbox(moved, path, key) if moved is not None else None
    data = {"restored_from": str(backup), "damaged_file": str(moved) if moved else None,
            "requeued": saved.requeued if saved else 0, "unreadable": saved.unreadable if saved else 0}
    text = "\n".join([f"已从备份恢复：{backup}", f"损坏的文件保留在：{moved}",
                      f"从损坏文件中找回并重新排队的未发送修改：{data['requeued']} 条"]
                     + ([f"无法读取的未发送修改：{data['unreadable']} 条"] if data["unreadable"] else [])
                     + ["请运行 gridworker client sync 同步。"])
    emit(data, as_json, text)


db_group.add_command(db_generate.command)
db_group.add_command(db_search.command)

COMMANDS = [db_group]
