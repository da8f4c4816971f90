"""Command groups of the CLI.

Each module listed in GROUPS may expose ``COMMANDS`` (top-level click commands or groups) and
``ATTACH`` (``{"group name": [commands]}`` to add to a group another module defines), so that
separate parts (sync, ledger, app) can each own their module.
"""
from __future__ import annotations

import importlib

import click

GROUPS = ("db", "server", "server_audit", "server_export", "client", "ledger", "app", "op")


def register(cli: click.Group) -> None:
    attach: list[tuple[str, click.Command]] = []
    for name in GROUPS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # not written yet
            raise
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
