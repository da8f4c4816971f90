"""The command line: thin commands over the same API the app uses.

Each group lives in ``gridworker/commands/<group>.py``; this module only assembles them.
"""
from __future__ import annotations

import sys

import click

from . import __version__
from .commands import register


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gridworker")
def cli() -> None:
    """gridworker: 网格员离线工作台 (offline-first tool for community grid workers).

    \b
    Start the desktop app on a demo community:   gridworker demo
    Laptop database commands:                     gridworker db --help
    Sync server (admins):                         gridworker server --help
    Laptop sync, import, export:                  gridworker client --help
    """


register(cli)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-check"]:  # as the built program answers it (build_spec/entry.py)
        from .selfcheck import main as self_check  # noqa: PLC0415

        return self_check(args[1:])
    try:
        cli.main(args=argv, prog_name="gridworker", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - every error becomes a plain message; the traceback goes to the log
        return report_error(exc)
    return 0


# Exit codes of the command line (besides 0 = done, 1 = refused or failed, 2 = usage / revoked laptop).
EXIT_DAMAGED = 3       # the laptop database file is damaged
EXIT_DISK_FULL = 4     # no space left on the disk
EXIT_PERMISSION = 5    # a file or folder may not be read or written
EXIT_UNEXPECTED = 70   # anything else (a bug): see the log


def describe_error(exc: BaseException) -> tuple[str, int]:
    """A plain Chinese sentence for ``exc`` and the exit code that goes with it."""
    import errno  # noqa: PLC0415
    import sqlite3  # noqa: PLC0415

    from .store.database import CorruptDatabaseError  # noqa: PLC0415

    seen: BaseException | None = exc
    chain: list[BaseException] = []
    while seen is not None and len(chain) < 10:  # SQLAlchemy wraps the driver's error
        chain.append(seen)
        seen = getattr(seen, "orig", None) or seen.__cause__
    for e in chain:
        if isinstance(e, CorruptDatabaseError):
            return f"{e}", EXIT_DAMAGED
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return ("磁盘空间已满，操作未完成，已保存的数据没有受影响。请清理磁盘空间后重试。"), EXIT_DISK_FULL
        if isinstance(e, PermissionError):
            where = f"：{e.filename}" if getattr(e, "filename", None) else ""
            return f"没有权限读写文件或文件夹{where}。请检查文件权限，或换一个数据文件夹。", EXIT_PERMISSION
        text = str(e).lower()
        if "database or disk is full" in text:
            return "磁盘空间已满，操作未完成，已保存的数据没有受影响。请清理磁盘空间后重试。", EXIT_DISK_FULL
        if "readonly database" in text or "unable to open database" in text:
            return "无法写入数据库文件（只读或没有权限）。请检查文件权限。", EXIT_PERMISSION
        if type(e).__name__ == "DatabaseError" or isinstance(e, sqlite3.DatabaseError) and (
                "malformed" in text or "not a database" in text or "corrupt" in text):
            return ("数据库文件已损坏。请运行 gridworker db check 查看，再用 gridworker db restore "
                    "从备份恢复（未发送的修改会尽量保留）。"), EXIT_DAMAGED
    return "发生意外错误，操作未完成。", EXIT_UNEXPECTED


def report_error(exc: BaseException) -> int:
    """One plain line on stderr (and where the details are); the traceback goes to the log only."""
    import logging  # noqa: PLC0415

    from .logsetup import setup_logging  # noqa: PLC0415

    message, code = describe_error(exc)
    try:
        log_file = setup_logging(stderr=False)
        logging.getLogger("gridworker.cli").error("command failed (exit %d): %s", code, message, exc_info=exc)
        where = f"详细信息已写入日志：{log_file}"
    except Exception:  # noqa: BLE001 - a full disk may refuse the log too
        where = "（日志也无法写入）"
    click.echo(f"错误：{message}{where}", err=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
