"""Command groups of the CLI.

Each module may expose ``COMMANDS`` (top-level click commands or groups) and ``ATTACH``
(``{"group name": [commands]}`` to add to a group another module defines), so that separate
parts (sync, ledger, desktop app, operations) can each own their module.
"""
from __future__ import annotations

import click

from . import client, db, desktop, ledger, op, server, server_audit, server_export

MODULES = (db, server, server_audit, server_export, client, ledger, desktop, op)


def register(cli: click.Group) -> None:
    attach: list[tuple[str, click.Command]] = []
    for module in MODULES:
        for cmd in getattr(module, "COMMANDS", ()):
            cli.add_command(cmd)
        for group, cmds in getattr(module, "ATTACH", {}).items():
            attach.extend((group, c) for c in cmds)
    for group, cmd in attach:
        target = cli.commands.get(group)
        if not isinstance(target, click.Group):
            target = click.Group(group, help=f"{group} commands")
            cli.add_command(target)
        target.add_command(cmd)
