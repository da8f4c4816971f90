"""The built program's entry point (PyInstaller's script): ``gridworker[.exe] [--version | --self-check | command…]``.

- ``--version`` prints the version and exits, before anything heavy is imported.
- ``--self-check [--no-ui]`` runs :mod:`gridworker.selfcheck` in a temporary folder; exit 0 = fine.
- no arguments opens the desktop app on the platform's user data folder (``gridworker app``): on a
  new machine that is the enrol-or-demo screen, in Chinese.
- anything else is the normal command line (``gridworker db …``, ``gridworker demo`` …).

Logging to the rotating file in the user log folder is set up first, so even a crash on start
leaves a trace. Also runs from source: ``.venv/bin/python build_spec/entry.py --self-check``.
"""
from __future__ import annotations

import logging
import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch the command line as described in the module docstring; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    _ensure_streams()
    if args[:1] in (["--version"], ["-V"]):
        from gridworker import __version__  # noqa: PLC0415

        _say(f"gridworker, version {__version__}")  # the same words as `gridworker --version` (click)
        return 0

    from gridworker.logsetup import setup_logging  # noqa: PLC0415

    # The self-check prints its own result lines; repeating failures on stderr would only add noise.
    log_file = setup_logging(stderr=args[:1] != ["--self-check"])
    log = logging.getLogger("gridworker.entry")
    log.info("start: args %s, frozen %s, log %s", args, bool(getattr(sys, "frozen", False)), log_file)

    if args[:1] == ["--self-check"]:
        from gridworker.selfcheck import main as self_check  # noqa: PLC0415

        return self_check(args[1:])

    from gridworker.cli import main as cli_main  # noqa: PLC0415

    code = cli_main(args or ["app"])
    log.info("exit %s", code)
    return code


def _ensure_streams() -> None:
    """Give a windowed build (gridworker-app.exe: no console) streams that swallow output.

    Python sets sys.stdout/stderr to None there; libraries that call ``sys.stderr.isatty()`` or
    write progress (uvicorn's log formatter for the demo server, click) would crash on None.
    Everything worth keeping goes to the log file anyway.
    """
    import os  # noqa: PLC0415

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process


def _say(line: str) -> None:
    if sys.stdout is not None:  # a windowed Windows build has no console to print to
        print(line, flush=True)


if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless; needed if anything ever starts a process on Windows
    sys.exit(main())
