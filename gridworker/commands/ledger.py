"""`gridworker client import` / `gridworker client export`: ledgers in and out (attached to `client`)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import TerminalProgress, data_dir_option, emit, friendly_errors, json_option, unlock_laptop, unlock_options

EXPORT_KINDS = ("households", "residents", "contacts", "visits", "issues", "ballot", "monthly", "party", "coverage", "meetings",
                "points", "service", "honour", "signin")
IMPORT_KINDS = ("auto", "households", "party")


def _actor(login):
    """The unlocked user makes the change (and is named in the audit log), with their role: the
    permission table decides what they may import or export, as in the app and `gridworker op`."""
    from ..ops.session import Session  # noqa: PLC0415

    return Session.from_slot(login.slot).actor(login.db)


@click.command("import")
@data_dir_option
@unlock_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="Sheet name (default: the first sheet).")
@click.option("--kind", type=click.Choice(IMPORT_KINDS), default="auto", show_default=True,
              help="households (住户台账) or party (党员名册); auto: a roster when 党员 is in the file or sheet "
                   "name or its header has roster columns (所属支部, 党员中心户, 报到日期…).")
@click.option("--dry-run", is_flag=True, help="Check everything and show what would change; write nothing.")
@click.option("--report", "report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a validation report (.xlsx): rejected rows with a 原因 column.")
@json_option
@friendly_errors
def import_cmd(data_dir, user, password_stdin, file, sheet, kind, dry_run, report, as_json):
    """Import a household ledger (.xlsx or .csv): one row per person, rows of one address = one household;
    or a party roster (党员名册): residents matched by ID number, in-service members, 中心户.

    Re-importing the same file changes nothing; invalid rows (and the rest of their household)
    are rejected with reasons. Example:

        echo "$PASSWORD" | gridworker client import --data-dir ./demo --user wang --password-stdin \\
            台账.xlsx --dry-run --report 校验.xlsx
    """
    from ..ledger import import_ledger, write_report  # noqa: PLC0415
    from ..ledger.party_roster import import_roster, looks_like_roster  # noqa: PLC0415

    if kind == "auto":
        kind = "party" if looks_like_roster(file, sheet) else "households"
    login = unlock_laptop(data_dir, user, password_stdin)
    db = login.db
    try:
        if kind == "party":
            result = import_roster(db, _actor(login), file, sheet=sheet, dry_run=dry_run)
        else:
            with TerminalProgress("rows", enabled=not as_json) as bar:
                result = import_ledger(db, _actor(login), file, sheet=sheet, dry_run=dry_run, progress=bar.update)
        if report:
            write_report(result, report)
    finally:
        db.close()
    data = result.to_json() if as_json else result.summary()
    if report:
        data["report"] = str(report)
    data["kind"] = kind
    lines = [("dry run: nothing written" if dry_run else f"imported {file.name}") + f" ({kind})",
             f"read {result.read}  created {result.created}  updated {result.updated}  "
             f"unchanged {result.unchanged}  rejected {result.rejected}",
             f"households created {result.households_created}  updated {result.households_updated}"]
    lines += [f"  row {o.row}: {o.reason}" for o in result.rejections[:20]]
    if result.rejected > 20:
        lines.append(f"  ... {result.rejected - 20} more (use --report)")
    emit(data, as_json, "\n".join(lines))


@click.command("export")
@data_dir_option
@unlock_options
@click.option("--what", "what", required=True, type=click.Choice(EXPORT_KINDS),
              help="households, residents, contacts (1+10+N), visits, issues, ballot, monthly, "
                   "party (党员名册 with the 1+10+N tree), coverage (联户覆盖 per grid and per 中心户; --to: as of), meetings (议事), points (积分 balances and ledger), "
                   "service (服务记录), honour (the quarter's 红榜; --to: a day in it), signin (a printable 签到表).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Output .xlsx")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Period start (visits, issues).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Period end, inclusive.")
@click.option("--ballot", "ballot_id", help="Ballot id (for --what ballot).")
@click.option("--month", help="YYYY-MM (for --what monthly; default this month).")
@click.option("--unmask", is_flag=True, help="Show full phone and ID numbers (recorded in the audit log).")
@json_option
@friendly_errors
def export_cmd(data_dir, user, password_stdin, what, out, date_from, date_to, ballot_id, month, unmask, as_json):
    """Export a spreadsheet for officials; every export is recorded in the audit log.

    Phones and ID numbers are masked unless --unmask. Example:

        echo "$PASSWORD" | gridworker client export --data-dir ./demo --user wang --password-stdin \\
            --what residents --out 花名册.xlsx
    """
    from ..ledger import export  # noqa: PLC0415
    from ..ledger.party_roster import export_roster  # noqa: PLC0415

    login = unlock_laptop(data_dir, user, password_stdin)
    db = login.db
    if what == "party":
        try:
            path = export_roster(db, _actor(login), out)
        finally:
            db.close()
        emit({"path": str(path), "what": "party"}, as_json, f"wrote the party roster to {path}")
        return
    try:
        result = export(db, _actor(login), what, out, date_from=date_from and date_from.date(),
                        date_to=date_to and date_to.date(), ballot_id=ballot_id, month=month, unmask=unmask)
    finally:
        db.close()
    emit(result.to_json(), as_json, f"wrote {result.rows} rows to {result.path}")


ATTACH = {"client": [import_cmd, export_cmd]}
