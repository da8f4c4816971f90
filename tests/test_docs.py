"""The README documents every command, and every command's --help has an example."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from gridworker.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "gridworker"):
    for name, cmd in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path)
        else:
            yield path, cmd


COMMANDS = list(_commands(cli))


def test_there_are_commands_to_check():
    assert len(COMMANDS) >= 15


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_in_the_readme(path, cmd):
    assert path.replace("gridworker ", ".venv/bin/gridworker ", 1) in README or path in README


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_help_gives_an_example(path, cmd):
    assert "gridworker" in (cmd.help or ""), f"{path} --help has no example"


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block


def test_the_roles_table_in_trust_md_is_the_permission_table():
    from gridworker.domain.permissions import markdown_table

    text = (Path(__file__).resolve().parents[1] / "docs" / "trust.md").read_text("utf-8")
    shown = text.split("<!-- permissions:begin -->\n", 1)[1].split("\n<!-- permissions:end -->", 1)[0]
    assert shown == markdown_table(), "regenerate the table in docs/trust.md from domain/permissions.py"


def test_the_console_roles_table_in_trust_md_is_the_permission_table():
    from gridworker.domain.permissions import console_markdown_table

    text = (Path(__file__).parents[1] / "docs" / "trust.md").read_text(encoding="utf-8")
    shown = text.split("<!-- console-permissions:begin -->\n", 1)[1].split("\n<!-- console-permissions:end -->", 1)[0]
    assert shown == console_markdown_table(), "regenerate the console table in docs/trust.md from domain/permissions.py"
