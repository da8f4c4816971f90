"""Read-only figures for the 概览 (overview) page a community secretary looks at (no Qt here)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ..domain import codes
from ..domain.contacts import coverage_warnings
from ..domain.issues import fold
from ..domain.issue_deadlines import rates
from .queries_households import issue_events
from .search import count_households


@dataclass
class Overview:
    households: int = 0
    residents: int = 0
    party_members: int = 0
    central_households: int = 0
    covered_households: int = 0
    members_without_households: int = 0
    members_overloaded: int = 0
    centrals_off_target: int = 0
    visits_this_month: int = 0
    visits_by_week: list[tuple[str, int]] = field(default_factory=list)  # (week start, visits), oldest first
    overdue_households: int = 0
    issues_by_status: dict[str, int] = field(default_factory=dict)
    issue_rates: dict[str, Any] = field(default_factory=dict)
    open_issues: int = 0
    care_tags: list[tuple[str, int]] = field(default_factory=list)  # households per care tag, most first
    attention: dict[str, int] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        return self.covered_households / self.households if self.households else 0.0


def overview(conn: Connection, now: dt.datetime | None = None, *, grid_id: str | None = None) -> Overview:
    """Every figure of the overview, for the whole laptop or one grid."""
    now = now or dt.datetime.now().astimezone()
    o = Overview()
    g = " AND grid_id = ?" if grid_id else ""
    gp: tuple = (grid_id,) if grid_id else ()
    scalar = lambda sql, p=(): int(conn.exec_driver_sql(sql, p).scalar() or 0)  # noqa: E731
    o.households = scalar(f"SELECT count(*) FROM household WHERE deleted = 0{g}", gp)
    o.residents = scalar("SELECT count(*) FROM resident r JOIN household h ON h.id = r.household_id"
                         f" WHERE r.deleted = 0 AND h.deleted = 0{g.replace('grid_id', 'h.grid_id')}", gp)
    o.party_members = scalar("SELECT count(*) FROM party_member WHERE deleted = 0")
    o.central_households = scalar("SELECT count(*) FROM party_member WHERE deleted = 0 AND is_central_household = 1")
    o.covered_households = scalar(
        "SELECT count(DISTINCT l.to_id) FROM contact_link l JOIN household h ON h.id = l.to_id"
        " WHERE l.kind = 'member_household' AND l.active = 1 AND l.deleted = 0 AND h.deleted = 0"
        f"{g.replace('grid_id', 'h.grid_id')}", gp)
    links = conn.exec_driver_sql("SELECT kind, from_id, to_id, active FROM contact_link"
                                 " WHERE active = 1 AND deleted = 0").fetchall()
    members = [r[0] for r in conn.exec_driver_sql("SELECT id FROM party_member WHERE deleted = 0")]
    counts = Counter(w.code for w in coverage_warnings([tuple(r) for r in links], members=members))
    o.members_without_households = counts["member_no_households"]
    o.members_overloaded = counts["member_too_many_households"]
    o.centrals_off_target = counts["central_too_many_members"] + counts["central_too_few_members"]

    # Visits: effective ones only (a visit a later record voided does not count).
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    weeks = 8
    first_week = (now - dt.timedelta(days=now.weekday() + 7 * (weeks - 1))).replace(
        hour=0, minute=0, second=0, microsecond=0)
    since = min(month_start, first_week).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    vg = " AND v.household_id IN (SELECT id FROM household WHERE grid_id = ?)" if grid_id else ""
    rows = conn.exec_driver_sql(
        "SELECT datetime(v.visited_at) FROM visit v WHERE datetime(v.visited_at) >= ?"
        " AND v.voids_id IS NULL AND v.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL)"
        f"{vg}", (since, *gp)).fetchall()
    by_week: Counter = Counter()
    month_utc = month_start.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    for (utc,) in rows:
        if not utc:
            continue
        if utc >= month_utc:
            o.visits_this_month += 1
        local = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc).astimezone(now.tzinfo)
        week = (local - dt.timedelta(days=local.weekday())).date()
        by_week[week] += 1
    o.visits_by_week = [((first_week + dt.timedelta(days=7 * i)).date().isoformat()[5:],
                         by_week.get((first_week + dt.timedelta(days=7 * i)).date(), 0)) for i in range(weeks)]
    o.overdue_households = count_households(conn, "", grid_id=grid_id, overdue=True, now=now)

    # Issues: the state is folded from the events, as everywhere else.
    ig = " AND household_id IN (SELECT id FROM household WHERE grid_id = ?)" if grid_id else ""
    ids = [r[0] for r in conn.exec_driver_sql(f"SELECT id FROM issue WHERE deleted = 0{ig}", gp)]
    events = issue_events(conn, ids) if len(ids) < 5000 else issue_events(conn)
    states = [fold(events.get(i, [])).state for i in ids]
    o.issues_by_status = dict(Counter(s.status for s in states))
    o.open_issues = sum(1 for s in states if s.is_open)
    o.issue_rates = rates(states, now)

    # Key groups: households per care tag (the index holds residents' care tags per household).
    tag_counts = dict(conn.exec_driver_sql(
        "SELECT substr(k.key, 3), count(*) FROM search_key k"
        + (" JOIN search_household h ON h.doc = k.doc AND h.grid_id = ?" if grid_id else "")
        + " WHERE k.key >= 'g:' AND k.key < 'g;' GROUP BY k.key", gp).fetchall())
    o.care_tags = sorted(((t, int(tag_counts.get(t, 0))) for t in codes.CARE_TAGS if tag_counts.get(t)),
                         key=lambda x: -x[1])
    o.attention = dict(conn.exec_driver_sql(
        f"SELECT attention_level, count(*) FROM household WHERE deleted = 0{g} GROUP BY attention_level", gp).fetchall())
    return o
