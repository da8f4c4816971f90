"""`gridworker server check-audit`: verify every device's hash-chained audit log on the server.

Attached to the ``server`` group defined in :mod:`.server`. Reads only: the database is opened
without migrating, so a copy taken for an investigation is checked as it is.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import emit, friendly_errors, json_option


@click.command("check-audit")
@click.option("--db", "db_url", required=True,
              help="Server database (or a copy): a file path / sqlite:/// URL, or postgresql+psycopg://…")
@json_option
@friendly_errors
def check_audit(db_url, as_json):
    """Check that no audit entry was edited, removed, inserted or forged, and that each device's chain
    still ends where the server anchored it (re-hashed, trimmed, deleted); exit code 1 if any.

    Example: gridworker server check-audit --db ./server.db --json
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError  # noqa: PLC0415

    from ..server.audit import check_audit_chains  # noqa: PLC0415
    from ..server.db import ServerDB  # noqa: PLC0415

    if "://" not in db_url and not Path(db_url).is_file():
        click.echo(f"error: no database file at {db_url}", err=True)
        sys.exit(1)
    sdb = ServerDB(db_url)
    try:
        with sdb.read() as conn:
            report = check_audit_chains(conn)
    except (OperationalError, ProgrammingError) as exc:
        click.echo(f"error: cannot read the audit log of {db_url}: {exc.orig}", err=True)
        sys.exit(1)
    finally:
        sdb.dispose()
    lines = [f"{report.entries} audit entries from {report.devices} devices: "
             + ("every chain verifies" if report.ok else f"{len(report.problems)} problems")]
    lines += [f"  {p.kind}: device {p.device_id}" + (f" entry {p.entry_id}" if p.entry_id else "")
              + (f" (hlc {p.hlc})" if p.hlc else "") + f": {p.message}" for p in report.problems]
    if report.refused:
        lines.append(f"{len(report.refused)} audit entries refused at push (flagged):")
        lines += [f"  {r['code']}: device {r['device_id']} user {r['user_id']} entry {r['row_id']} "
                  f"(seq {r['seq']}, {r['at']}): {r['reason']}" for r in report.refused]
    emit(report.as_dict(), as_json, "\n".join(lines))
    if not report.ok:
        sys.exit(1)


ATTACH = {"server": [check_audit]}
