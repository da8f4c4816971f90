"""`gridworker db search`: find households by name, pinyin, initials, phone or ID tail, address."""
from __future__ import annotations

import click

from .common import data_dir_option, emit, friendly_errors, json_option, unlock_laptop, unlock_options


def _resolve_grid(conn, value: str) -> str:
    """A grid given by its code (320211001001), its name (第一网格) or its id."""
    row = conn.exec_driver_sql(
        "SELECT id FROM org_unit WHERE deleted = 0 AND level = 'grid' AND (id = ? OR code = ? OR name = ?)"
        " ORDER BY id = ? DESC, code = ? DESC LIMIT 1", (value, value, value, value, value)).first()
    if row is None:
        raise click.BadParameter(f"no grid with code, name or id {value!r}", param_hint="--grid")
    return row[0]


@click.command("search")
@data_dir_option
@unlock_options
@click.argument("query", required=False, default="")
@click.option("--grid", "grid", help="Only this grid (code, name or id).")
@click.option("--building", "building_id", help="Only this building (id).")
@click.option("--estate", help="Only this estate (小区), exact name.")
@click.option("--tag", help="Only households with this tag, e.g. 独居老人 (also residents' care tags).")
@click.option("--overdue", is_flag=True, help="Only households whose visit is overdue for their attention level.")
@click.option("--level", "attention_level", type=click.Choice(["high", "key", "normal"]),
              help="Only this attention level.")
@click.option("--order", "order_by", type=click.Choice(["address", "last_visit"]), default="address",
              show_default=True, help="address: natural address order; last_visit: longest unvisited first.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--show-personal", is_flag=True,
              help="Show full phone numbers (masked by default: 138****1234). Admins and grid workers only; "
                   "recorded in the audit log.")
@json_option
@friendly_errors
def command(data_dir, user, password_stdin, query, grid, building_id, estate, tag, overdue, attention_level, order_by, limit,
            offset, show_personal, as_json):
    """Search households: by name (张三, 建国), full pinyin (zhangsan), initials (zs), phone tail
    (5678), ID-number tail (002X), address fragment (阳光花园3幢, 501), combined with filters.

    Space-separated words must all match: `张 阳光` is a 张 living in 阳光花园. A household is
    found through its head, any resident, and the party member assigned to it. Phone numbers are
    masked unless --show-personal is given.

    The data is encrypted: --user NAME (default: the laptop's only user) and the password, from
    --password-stdin or asked for.

    \b
    Examples:
      gridworker db search --data-dir ./demo --user wang zs
      echo "$PASSWORD" | gridworker db search --data-dir ./demo --user wang --password-stdin 王 --grid 320211001001 --tag 独居老人 --overdue
      echo "$PASSWORD" | gridworker db search --data-dir ./demo --password-stdin --overdue --order last_visit --json
    """
    from ..domain.masking import mask_phone  # noqa: PLC0415 - keep --help fast
    from ..ledger.export import UNMASK_ROLES  # noqa: PLC0415
    from ..store.search import count_households, search_households  # noqa: PLC0415

    login = unlock_laptop(data_dir, user, password_stdin)
    db, slot = login.db, login.slot
    try:
        if show_personal and slot.role not in UNMASK_ROLES:
            raise click.UsageError(f"--show-personal: the role {slot.role} of {slot.username} may not see full "
                                   "phone numbers; leave it out to see them masked")
        with db.read() as conn:
            grid_id = _resolve_grid(conn, grid) if grid else None
            filters = dict(grid_id=grid_id, building_id=building_id, estate=estate, tag=tag,
                           overdue=True if overdue else None, attention_level=attention_level)
            hits = search_households(conn, query, limit=limit, offset=offset, order_by=order_by, **filters)
            total = count_households(conn, query, **filters)
        if show_personal and hits:
            # Who saw which households' full numbers, and when (the query is not kept: it may be a number).
            with db.write(db.actor(slot.user_id, name=slot.display_name or slot.username)) as uow:
                uow.audit("reveal", table="household", detail={
                    "what": ["phone"], "where": "cli_search", "rows": len(hits),
                    "households": [h.id for h in hits], "searched": bool(query)})
    finally:
        db.close()

    def phone(value):
        return value if show_personal else mask_phone(value)

    rows = [{"id": h.id, "address": h.address, "head_name": h.head_name, "phone": phone(h.phone),
             "members": h.member_names, "tags": h.tags, "attention_level": h.attention_level,
             "last_visit_at": h.last_visit_at, "overdue": h.overdue, "grid_id": h.grid_id,
             "matched": [{"field": m.field, "value": m.value} for m in h.matched]} for h in hits]
    lines = [f"{total} households match" + (f"; showing {offset + 1}-{offset + len(hits)}" if hits else "")]
    for r, h in zip(rows, hits):
        why = ", ".join(f"{m.field}={m.value}" for m in h.matched)
        visit = (h.last_visit_at or "never")[:10]
        lines.append(f"{h.address}  {h.head_name or '-'}  {r['phone'] or '-'}  "
                     f"last visit {visit}{' OVERDUE' if h.overdue else ''}"
                     + (f"  [{'/'.join(h.tags)}]" if h.tags else "") + (f"  <- {why}" if why else ""))
    emit({"total": total, "offset": offset, "households": rows}, as_json, "\n".join(lines))
