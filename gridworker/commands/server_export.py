"""`gridworker server read-export`: open a revoked laptop's sealed unsent changes, and apply them.

Attached to the ``server`` group defined in :mod:`.server`. The file was sealed on the laptop to
this server's export public key (:mod:`gridworker.sync.lost`); the private key is in the server
database, so the command needs ``--db``. Without ``--apply`` it only reads.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import emit, friendly_errors, json_option


def _summary_text(s: dict) -> str:
    c = s["community"]
    lines = [
        f"export {s['file']} (sha256 {s['sha256'][:16]}…, key {s['key_id']})",
        "  ".join(x for x in (
            f"device     {s['device_id']}", s["device_name"],
            f"user {s['device_user'] or '?'}" if s["device_known"] else "(not enrolled on this server)",
            f"revoked {s['revoked_at']}" if s["revoked_at"] else "") if x),
        f"community  {c.get('code') or ''} {c.get('name') or ''} ({c.get('id')})",
        f"users      {', '.join(u for u in s['users'] if u) or '(none)'}",
        f"exported   {s['exported_at']}",
        "signed     yes: the device's enrolment secret verifies it" if s["authenticated"] else
        "signed     NO: the device was enrolled before export signatures; this file cannot be authenticated",
        f"changes    {s['entries']} (seq {s['first_seq']}–{s['last_seq']}, made {s['oldest_change']} – "
        f"{s['newest_change']}), {s['audit_entries']} audit entries" if s["entries"] else "changes    0",
    ]
    lines += [f"  {table:<16} {n}" for table, n in sorted(s["by_table"].items())]
    lines.append(f"on server  last seq {s['server_last_seq']}: {s['already_applied']} already applied, "
                 f"{s['to_apply']} to apply (this file applied {s['times_applied']} times before)")
    return "\n".join(lines)


@click.command("read-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_url", required=True,
              help="The server database holding the export key: a file path / sqlite:/// URL, or postgresql+psycopg://…")
@click.option("--apply", "apply", is_flag=True,
              help="Apply the changes the server does not have yet, as that device (once: a second run applies nothing).")
@click.option("--by", "by", default=None, help="Who applies (recorded with the apply; default: this login name).")
@click.option("--trust-unauthenticated", "trust", is_flag=True,
              help="Apply a file that carries no device signature (a laptop enrolled before signatures existed), "
                   "after confirming its origin by other means; recorded with the apply.")
@json_option
@friendly_errors
def read_export(file, db_url, apply, by, trust, as_json):
    """Decrypt a revoked laptop's unsent-changes export (.gwx) and show what it holds; --apply lands
    the changes on the server exactly once, checked like a push, and records the apply.

    A file must verify with the device's enrolment secret (else it is refused), and only a revoked
    device's file is applied.

    Example: gridworker server read-export ./unsent-0190…-20261128T013011Z.gwx --db ./server.db

    Example: gridworker server read-export ./unsent-0190….gwx --db ./server.db --apply --json
    """
    from ..server.db import open_server_db  # noqa: PLC0415 - keep --help fast
    from ..server.exports import apply_export, read_export as read, summary  # noqa: PLC0415

    blob = file.read_bytes()
    if "://" not in db_url and not Path(db_url).is_file():
        click.echo(f"error: no server database at {db_url}", err=True)
        sys.exit(1)
    sdb = open_server_db(db_url)
    try:
        with sdb.read() as conn:
            export = read(conn, blob, file.name)
            info = summary(conn, export)
        out: dict = {"summary": info}
        text = _summary_text(info)
        if apply:
            with sdb.write() as conn:
                result = apply_export(conn, export, by=by, trust_unauthenticated=trust)
            out["apply"] = result
            text += (f"\napplied {result['applied']} changes ({result['conflicts']} with conflicts, "
                     f"{result['rejected']} rejected), skipped {result['skipped']} already on the server; "
                     f"recorded as export_apply {result['id']}")
            text += "".join(f"\n  rejected seq {r['seq']}: {r['reason']}" for r in result["rejections"])
    finally:
        sdb.dispose()
    emit(out, as_json, text)


ATTACH = {"server": [read_export]}
