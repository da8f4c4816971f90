"""Options and helpers shared by the command groups."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from ..domain.errors import GridworkerError

DB_FILENAME = "gridworker.db"


def data_dir_option(fn):
    return click.option(
        "--data-dir", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
        help="The laptop's data folder (holds gridworker.db).")(fn)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")(fn)


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME


def open_db(data_dir: Path, *, must_exist: bool = True):
    from ..store.database import Database  # noqa: PLC0415 - keep --help fast

    path = db_path(data_dir)
    if must_exist and not path.exists():
        raise click.ClickException(f"no laptop database in {data_dir} (expected {path}); "
                                   "create one with `gridworker db generate` or `gridworker client enroll`")
    return Database.open(path)


def emit(obj: dict, as_json: bool, text: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(obj, ensure_ascii=False, default=str))
    else:
        click.echo(text if text is not None else "\n".join(f"{k}: {v}" for k, v in obj.items()))


def friendly_errors(fn):
    """Turn our own errors into a one-line message on stderr and exit code 1 (no traceback)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except GridworkerError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    return wrapper
