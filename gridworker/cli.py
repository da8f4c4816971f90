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
    return 0


if __name__ == "__main__":
    sys.exit(main())
