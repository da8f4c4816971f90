"""Logging to a rotating file in the platform's user log folder (and warnings to stderr).

    from gridworker.logsetup import setup_logging
    log_file = setup_logging()          # once, first thing in the program's entry point

The folder is ``platformdirs.user_log_dir("gridworker", "gridworker")``: on Linux
``~/.local/state/gridworker/log``, on Windows ``%LOCALAPPDATA%\\gridworker\\gridworker\\Logs``.
The file rotates at :data:`MAX_BYTES` and keeps :data:`BACKUPS` old files, so a laptop that runs
for years never fills its disk with logs. Calling it again changes nothing (one handler per file).
Uncaught exceptions are written to the log before the usual traceback, so a crash of the built
program (which may have no console on Windows) leaves a trace a support person can ask for.

Personal numbers never reach a log in clear (PIPL): :func:`install_masking` (called by
``setup_logging``, and by the sync server's ``create_app``) masks every record as it is made, in
every logger and for every handler: ID numbers, mobiles and landlines in the message, in each
argument and in the exception traceback are replaced by what
:func:`gridworker.domain.masking.mask_text` makes of them (``138****1234``,
``110105********002X``). The handlers set up here also mask their finished lines
(:class:`MaskingFormatter`), which catches records made without the factory
(``logging.makeLogRecord``) and ``extra`` fields. The tracebacks of uncaught exceptions printed to
stderr are masked the same way.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .domain.masking import has_personal_numbers, mask_text

APP_NAME = "gridworker"
LOG_FILE = "gridworker.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"

_lock = threading.Lock()


# --------------------------------------------------------------------------- masking
class _Masked:
    """A log argument whose text holds personal numbers: formats (``%s`` / ``%r``) as its masked text."""

    __slots__ = ("_str", "_repr")

    def __init__(self, value: Any):
        self._str = mask_text(str(value))
        self._repr = mask_text(repr(value))

    def __str__(self) -> str:
        return self._str

    def __repr__(self) -> str:
        return self._repr

    def __format__(self, spec: str) -> str:
        return format(self._str, spec)


def _mask_arg(value: Any) -> Any:
    if value is None or isinstance(value, (bool, float, _Masked)):
        return value
    if isinstance(value, str):
        return mask_text(value)
    try:
        text, shown = str(value), repr(value)
    except Exception:  # noqa: BLE001 - an object that cannot print itself leaks nothing either
        return value
    if has_personal_numbers(text) or has_personal_numbers(shown):
        return _Masked(value)  # ints (a phone as a number), exceptions, dicts, rows...
    return value


_TRACEBACKS = logging.Formatter()


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the personal numbers in a record, in place: its message, its arguments, its exception
    text and its stack text. Formatting still works as before (``%d`` of a masked number falls
    back to the masked finished message). Never raises; returns the record."""
    try:
        msg, args = record.msg, record.args
        if args:
            if isinstance(args, Mapping):
                record.args = {k: _mask_arg(v) for k, v in args.items()}
            else:
                record.args = tuple(_mask_arg(a) for a in args)
        record.msg = mask_text(msg) if isinstance(msg, str) else _mask_arg(msg)
        try:
            # A number may be split between the format and an argument ("%s%s", "138", "00138000").
            clean = not has_personal_numbers(record.getMessage())
        except Exception:  # noqa: BLE001 - e.g. "%d" of a masked number
            clean = False
        if not clean:
            try:
                whole = str(msg) % args if args else str(msg)
            except Exception:  # noqa: BLE001 - the caller's own format error: keep what it gave
                whole = f"{msg} {args!r}"
            record.msg, record.args = mask_text(whole), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is only ever shown masked.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
    except Exception:  # noqa: BLE001 - logging must go on; the formatters mask the line again
        pass
    return record


def install_masking() -> None:
    """Mask personal numbers in every log record this process makes (a log record factory around
    the current one). Calling it again changes nothing."""
    with _lock:
        current = logging.getLogRecordFactory()
        if getattr(current, "_gridworker_masking", False):
            return

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return mask_record(current(*args, **kwargs))

        factory._gridworker_masking = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)


class MaskingFormatter(logging.Formatter):
    """A formatter whose finished lines have every personal number masked (the last guard: it also
    covers ``extra`` fields and records made without the record factory)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(mask_record(record)))


def default_log_dir() -> Path:
    """The platform's user log folder for gridworker (``GRIDWORKER_LOG_DIR`` overrides it)."""
    override = os.environ.get("GRIDWORKER_LOG_DIR")
    if override:
        return Path(override)
    import platformdirs  # noqa: PLC0415 - only the entry point needs it

    return Path(platformdirs.user_log_dir(APP_NAME, APP_NAME))


def setup_logging(log_dir: str | Path | None = None, *, level: int = logging.INFO,
                  max_bytes: int = MAX_BYTES, backups: int = BACKUPS, stderr: bool = True) -> Path:
    """Send the root logger to ``<log_dir>/gridworker.log`` with rotation; return the file's path.

    ``stderr`` also shows warnings and errors on the console (when there is one). If the folder
    cannot be created (read-only profile), logging goes to stderr only and the intended path is
    still returned; the program must not fail to start because of its logs.
    """
    install_masking()
    folder = Path(log_dir) if log_dir is not None else default_log_dir()
    path = folder / LOG_FILE
    root = logging.getLogger()
    with _lock:
        if not any(getattr(h, "_gridworker_file", None) == str(path) for h in root.handlers):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                handler: logging.Handler = logging.handlers.RotatingFileHandler(
                    path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True)
            except OSError as exc:
                if sys.stderr is not None:  # a windowed build on Windows has no stderr
                    sys.stderr.write(f"gridworker: cannot write logs to {folder}: {exc}\n")
            else:
                handler.setFormatter(MaskingFormatter(FORMAT))
                handler._gridworker_file = str(path)  # type: ignore[attr-defined]
                root.addHandler(handler)
        if stderr and sys.stderr is not None and not any(getattr(h, "_gridworker_stderr", False)
                                                          for h in root.handlers):
            console = logging.StreamHandler(sys.stderr)
            console.setLevel(logging.WARNING)
            console.setFormatter(MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
            console._gridworker_stderr = True  # type: ignore[attr-defined]
            root.addHandler(console)
        if root.level == logging.NOTSET or root.level > level:
            root.setLevel(level)
        _install_excepthooks()
    return path


def _install_excepthooks() -> None:
    """Log uncaught exceptions (main thread and other threads), then let Python report them as usual."""
    if getattr(sys.excepthook, "_gridworker", False):
        return
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        if not issubclass(exc_type, KeyboardInterrupt):
            logging.getLogger("gridworker").critical("uncaught exception", exc_info=(exc_type, exc, tb))
        previous(exc_type, exc, tb)

    hook._gridworker = True  # type: ignore[attr-defined]
    sys.excepthook = hook if previous is not sys.__excepthook__ else _masked_print_hook(hook)
    previous_thread = threading.excepthook

    def thread_hook(args):
        logging.getLogger("gridworker").critical(
            "uncaught exception in thread %s", getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        if previous_thread is threading.__excepthook__:
            if args.exc_type is not SystemExit and sys.stderr is not None:
                name = getattr(args.thread, "name", None) or threading.get_ident()
                _print_masked(f"Exception in thread {name}:\n", args.exc_type, args.exc_value,
                              args.exc_traceback)
        else:
            previous_thread(args)

    threading.excepthook = thread_hook


def _print_masked(head: str, exc_type, exc, tb) -> None:
    """Python's own report of an uncaught exception on stderr, with personal numbers masked."""
    if sys.stderr is None:
        return
    text = head + "".join(traceback.format_exception(exc_type, exc, tb))
    try:
        sys.stderr.write(mask_text(text))
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed console
        pass


def _masked_print_hook(log_hook):
    """The default excepthook replaced: log (masked), then print the traceback masked."""

    def hook(exc_type, exc, tb):
        if not issubclass(exc_type, KeyboardInterrupt):
            logging.getLogger("gridworker").critical("uncaught exception", exc_info=(exc_type, exc, tb))
        _print_masked("", exc_type, exc, tb)

    hook._gridworker = True  # type: ignore[attr-defined]
    return hook
