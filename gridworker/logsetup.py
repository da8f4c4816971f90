"""Logging to a rotating file in the platform's user log folder (and warnings to stderr).

    from gridworker.logsetup import setup_logging
    log_file = setup_logging()          # once, first thing in the program's entry point

The folder is ``platformdirs.user_log_dir("gridworker", "gridworker")``: on Linux
``~/.local/state/gridworker/log``, on Windows ``%LOCALAPPDATA%\\gridworker\\gridworker\\Logs``.
The file rotates at :data:`MAX_BYTES` and keeps :data:`BACKUPS` old files, so a laptop that runs
for years never fills its disk with logs. Calling it again changes nothing (one handler per file).
Uncaught exceptions are written to the log before the usual traceback, so a crash of the built
program (which may have no console on Windows) leaves a trace a support person can ask for.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

APP_NAME = "gridworker"
LOG_FILE = "gridworker.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"

_lock = threading.Lock()


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
                handler.setFormatter(logging.Formatter(FORMAT))
                handler._gridworker_file = str(path)  # type: ignore[attr-defined]
                root.addHandler(handler)
        if stderr and sys.stderr is not None and not any(getattr(h, "_gridworker_stderr", False)
                                                          for h in root.handlers):
            console = logging.StreamHandler(sys.stderr)
            console.setLevel(logging.WARNING)
            console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
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
    sys.excepthook = hook
    previous_thread = threading.excepthook

    def thread_hook(args):
        logging.getLogger("gridworker").critical(
            "uncaught exception in thread %s", getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        previous_thread(args)

    threading.excepthook = thread_hook
