"""``gridworker op``: run one operation of the app as a laptop user (same checks, same unit of work)."""
from __future__ import annotations

import json
import sys

import click

from ..domain.errors import GridworkerError
from .common import unlock_laptop, unlock_options


def _error_code(exc: GridworkerError) -> str:
    return getattr(exc, "code", None) or type(exc).__name__


def _message(exc: GridworkerError) -> str:
    message = getattr(exc, "message", None) or str(exc)
    field = getattr(exc, "field", None)
    return f"{field}: {message}" if field and not message.startswith(f"{field}:") else message


def _list(as_json: bool) -> None:
    from ..ops import OPERATIONS  # noqa: PLC0415 - keep `gridworker --help` fast

    ops = sorted(OPERATIONS.values(), key=lambda o: o.name)
    if as_json:
        click.echo(json.dumps({"operations": [
            {"name": o.name, "summary": o.summary,
             "params": [{"name": p.name, "type": p.kind, "required": p.required,
                         "default": p.default} for p in o.params]} for o in ops]},
            ensure_ascii=False, default=str))
        return
    for o in ops:
        click.echo(f"{o.name}  {o.summary}")
        for p in o.params:
            need = "required" if p.required else f"default {p.default!r}"
            click.echo(f"    {p.name}={p.kind}  ({need})")


@click.command("op", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("params", nargs=-1)
@click.option("--data-dir", "data_dir", default=None, type=click.Path(file_okay=False),
              help="The laptop's data folder (not needed for `op list`).")
@unlock_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def op_command(name: str, params: tuple[str, ...], data_dir: str | None, user: str | None,
               password_stdin: bool, as_json: bool) -> None:
    """Run one operation (the app's own) as a user of this laptop, or list them.

    \b
    gridworker op list                 every operation with its parameters
    echo "$PW" | gridworker op visit.log --data-dir ./lap --user wang --password-stdin \\
        household_id=0190… mode=door summary="老人身体好" --json

    Parameters are key=value; JSON values (issue={"title": …}, payload={…}) are given as JSON.
    The same permission checks as the app: a party member cannot delete a household here either.
    Errors exit 1 with the app's Chinese message (--json: {"error": code, "message": …}).
    """
    if name == "list":
        _list(as_json)
        return
    if data_dir is None:
        raise click.UsageError("give the laptop's data folder with --data-dir")
    raw: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"parameters are key=value, got {item!r}")
        raw[key] = value
    from ..ops import run  # noqa: PLC0415
    from ..ops.session import Session  # noqa: PLC0415

    try:
        login = unlock_laptop(data_dir, user, password_stdin)
        try:
            actor = Session.from_slot(login.slot).actor(login.db)
            done = run(name, login.db, actor, raw)
        finally:
            login.db.close()
    except GridworkerError as exc:
        if as_json:
            click.echo(json.dumps({"error": _error_code(exc), "message": _message(exc)}, ensure_ascii=False))
        else:
            click.echo(f"错误：{_message(exc)}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(done.as_json(), ensure_ascii=False, default=str))
        return
    changed = "，".join(f"{t} {len(ids)} 条" for t, ids in sorted(done.changes.rows.items())) or "无"
    click.echo(f"完成：{name}" + (f"（{done.id}）" if done.id else "") + f"；写入：{changed}")
    if done.value is not None:
        click.echo(json.dumps(done.value, ensure_ascii=False, default=str))


COMMANDS = [op_command]
