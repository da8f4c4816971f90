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
        help="The laptop's data folder (holds gridworker.db and gridworker.keys).")(fn)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")(fn)


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME


def unlock_options(fn):
    """``--user NAME`` and ``--password-stdin``: the laptop's data is encrypted, a local user unlocks it."""
    fn = click.option("--password-stdin", "password_stdin", is_flag=True,
                      help="Read your password from standard input (else you are asked for it).")(fn)
    return click.option("--user", "user", default=None, metavar="NAME",
                        help="Your user name on this laptop (default: its only user).")(fn)


def read_password(password_stdin: bool, prompt: str = "Password") -> str:
    """The password from stdin's first line, or a hidden prompt on a terminal."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True)
    raise click.UsageError("the laptop's data is encrypted: give your password with --password-stdin "
                           "(e.g. echo \"$PASSWORD\" | gridworker … --user NAME --password-stdin)")


def laptop_for(data_dir: Path):
    from ..sync.laptop import Laptop  # noqa: PLC0415 - keep --help fast

    return Laptop(data_dir)


def pick_user(laptop, user: str | None) -> str:
    if user:
        return user
    names = laptop.usernames()
    if len(names) == 1:
        return names[0]
    listed = ", ".join(names) if names else "none"
    raise click.UsageError(f"say who you are with --user NAME (users of this laptop: {listed})")


def unlock_laptop(data_dir: Path, user: str | None, password_stdin: bool, *, check: bool = True):
    """The laptop's :class:`~gridworker.sync.laptop.Login` (database open, key, slot). A plain
    (pre-encryption) data folder is encrypted here, on its first unlock."""
    from ..sync.laptop import LEGACY, NEW  # noqa: PLC0415

    laptop = laptop_for(data_dir)
    state = laptop.state
    if state == NEW:
        raise click.ClickException(f"no laptop database in {data_dir} (expected {db_path(data_dir)}); "
                                   "create one with `gridworker db generate` or `gridworker client enroll`")
    message = laptop.state_message()
    if message:
        raise click.ClickException(message)
    username = pick_user(laptop, user)
    password = read_password(password_stdin, f"Password for {username}")
    login = laptop.login(username, password)
    if state == LEGACY:
        click.echo(f"encrypted the laptop database {db_path(data_dir)} (first login after the upgrade)", err=True)
    if check:
        ensure_healthy(login)
    return login


def ensure_healthy(login) -> None:
    """``PRAGMA quick_check`` of the whole file: a command that reads or writes it does not run on a
    damaged file (the app runs the same check in the background). Raises CorruptDatabaseError."""
    from ..store.database import CorruptDatabaseError, quick_check  # noqa: PLC0415

    problem = quick_check(login.db.path, login.key, full=True)
    if problem:
        login.db.close()
        raise CorruptDatabaseError(
            f"数据库文件已损坏：{login.db.path}（{problem[:200]}）。没有继续操作。请运行 gridworker db check "
            "查看，再用 gridworker db restore 从备份恢复（未发送的修改会尽量保留）。")


def open_db(data_dir: Path, user: str | None = None, password_stdin: bool = False, *, check: bool = True):
    """The laptop database, unlocked with ``--user`` and the password (see :func:`unlock_laptop`)."""
    return unlock_laptop(data_dir, user, password_stdin, check=check).db


EXIT_DAMAGED = 3  # as gridworker.cli.EXIT_DAMAGED


def exit_code_of(exc: GridworkerError) -> int:
    from ..store.database import CorruptDatabaseError  # noqa: PLC0415

    return EXIT_DAMAGED if isinstance(exc, CorruptDatabaseError) else 1


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
            sys.exit(exit_code_of(exc))
    return wrapper


class TerminalProgress:
    """Progress of long work on the terminal (stderr, so stdout stays one JSON object with --json).

    A bar (click's) when stderr is a terminal; otherwise a line every few seconds (logs, pipes, CI);
    nothing when ``enabled`` is False (--json). Use as a context manager; call ``update(done, total)``.
    """

    def __init__(self, label: str, enabled: bool = True, every: float = 2.0):
        self.label, self.enabled, self.every = label, enabled, every
        self.bar = None
        self.done = 0
        self.shown = 0.0

    def __enter__(self) -> "TerminalProgress":
        return self

    def update(self, done: int, total: int) -> None:
        import time  # noqa: PLC0415

        if not self.enabled:
            return
        if sys.stderr.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr,
                                             show_pos=True, show_percent=True)
                self.bar.__enter__()
            self.bar.length = max(total, 1)
            self.bar.update(max(done - self.done, 0))
        elif time.perf_counter() - self.shown > self.every or done >= total:
            self.shown = time.perf_counter()
            click.echo(f"  {self.label}: {done:,} / {total:,}", err=True)
        self.done = done

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
