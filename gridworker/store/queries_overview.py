"""Read-only figures for the 概览 (overview) page a community secretary looks at (no Qt here)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection

from ..domain import codes
from ..domain.issues import fold
from ..domain.issue_deadlines import deadline_counts, deadline_status, rates, state_due_at
from .queries_households import issue_events
from .search import count_households


# domain.contacts.coverage_warnings defaults: about 10 members per central household (±1/2); a
# member with more than twice the community's average of households is overloaded.
MEMBERS_PER_CENTRAL = 10
TOLERANCE = Fraction(1, 2)
MEMBER_FACTOR = 2


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
    issue_deadlines: dict[str, int] = field(default_factory=dict)  # running cases: overdue / warning
    care_tags: list[tuple[str, int]] = field(default_factory=list)  # households per care tag, most first
    attention: dict[str, int] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        return self.covered_households / self.households if self.households else 0.0


def _deadline_state(state: Any, now: dt.datetime) -> str | None:
    due = state_due_at(state)
    if due is None or state.reported_at is None:
        return None
    return deadline_status(due, state.reported_at, now, state.closed_at)


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
    # The 1+10+N warnings of domain.contacts.coverage_warnings (its defaults), counted in SQL:
    # the rule over 100,000 links row by row in Python takes seconds.
    per_member = dict(conn.exec_driver_sql(
        "SELECT p.id, count(l.id) FROM party_member p LEFT JOIN contact_link l ON l.from_id = p.id"
        " AND l.kind = 'member_household' AND l.active = 1 AND l.deleted = 0"
        " WHERE p.deleted = 0 GROUP BY p.id").fetchall())
    average = Fraction(sum(per_member.values()), len(per_member)) if per_member else Fraction(0)
    o.members_without_households = sum(1 for n in per_member.values() if n == 0)
    o.members_overloaded = sum(1 for n in per_member.values() if n > MEMBER_FACTOR * average)
    high = MEMBERS_PER_CENTRAL * (1 + TOLERANCE)
    low = MEMBERS_PER_CENTRAL * (1 - TOLERANCE)
    o.centrals_off_target = sum(1 for (n,) in conn.exec_driver_sql(
        "SELECT count(*) FROM contact_link WHERE kind = 'central_member' AND active = 1 AND deleted = 0"
        " GROUP BY from_id") if n > high or n < low)

    # Visits: effective ones only (a visit a later record voided does not count), per local day.
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    weeks = 8
    first_week = (now - dt.timedelta(days=now.weekday() + 7 * (weeks - 1))).replace(
        hour=0, minute=0, second=0, microsecond=0)
    since = min(month_start, first_week).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    offset = now.utcoffset() or dt.timedelta(0)
    shift = f"{int(offset.total_seconds())} seconds"
    vg = " AND v.household_id IN (SELECT id FROM household WHERE grid_id = ?)" if grid_id else ""
    per_day = conn.exec_driver_sql(
        "SELECT date(datetime(v.visited_at), ?), count(*) FROM visit v WHERE datetime(v.visited_at) >= ?"
        " AND v.voids_id IS NULL AND v.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL)"
        f"{vg} GROUP BY 1", (shift, since, *gp)).fetchall()
    by_week: Counter = Counter()
    for day_text, n in per_day:
        if not day_text:
            continue
        day = dt.date.fromisoformat(day_text)
        if day >= month_start.date():
            o.visits_this_month += n
        by_week[day - dt.timedelta(days=day.weekday())] += n
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
    o.issue_deadlines = deadline_counts(
        {"status": s.status, "deadline": _deadline_state(s, now)} for s in states)

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
