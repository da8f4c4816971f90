"""Issue time limits, deadlines and the closed-loop measures (结案率, 按期结案率, 返工率, 满意率).

Time limits count working days: Saturdays, Sundays and the given holidays are skipped, and
weekend days listed as make-up working days (调休补班) count. The day a case is reported does
not count: a 3-working-day case reported on Monday is due at the end of Thursday. Emergencies
are due at the end of the day they are reported. Deadlines are the last instant of a day
(``23:59:59.999999``) in the ``reported_at`` time zone. Import these from ``issues``.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from .codes import ISSUE_KINDS, URGENCIES, code_for

# Working days allowed; 0 means "by the end of the day it was reported".
DEFAULT_TIME_LIMITS: dict[str, int] = {
    "emergency": 0, "help": 3, "inquiry": 3, "complaint": 13, "suggestion": 13,
}

RATE_LABELS: dict[str, str] = {
    "closure_rate": "结案率", "on_time_rate": "按期结案率",
    "rework_rate": "返工率", "satisfaction_rate": "满意率",
}


def time_limit(kind: str, urgency: str, config: Mapping[str, Any] | None = None,
               *, category: str | None = None) -> int:
    """Working days allowed for a case (0 = same day).

    ``config`` may override any key of ``DEFAULT_TIME_LIMITS`` and may hold ``by_category``,
    a ``{category: days}`` mapping that wins over the kind for non-emergency cases.
    """
    limits = {**DEFAULT_TIME_LIMITS, **{k: v for k, v in (config or {}).items()
                                        if k in DEFAULT_TIME_LIMITS}}
    if code_for(URGENCIES, urgency) == "emergency":
        return int(limits["emergency"])
    by_category = (config or {}).get("by_category") or {}
    if category and category in by_category:
        return int(by_category[category])
    return int(limits[code_for(ISSUE_KINDS, kind)])


def is_working_day(day: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    """Monday to Friday unless a holiday; a weekend day listed in ``workdays`` (补班) counts."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, n: int, holidays: Collection[date] = (),
                     workdays: Collection[date] = ()) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself when ``n`` is 0)."""
    holidays, workdays = frozenset(holidays), frozenset(workdays)
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            n -= 1
    return day


def _calendar(config: Mapping[str, Any] | None, holidays: Iterable[date],
              workdays: Iterable[date]) -> tuple[frozenset[date], frozenset[date]]:
    config = config or {}
    return (frozenset(holidays) | frozenset(config.get("holidays") or ()),
            frozenset(workdays) | frozenset(config.get("workdays") or ()))


def due_at(reported_at: datetime, kind: str, urgency: str, extension_days: int = 0,
           holidays: Iterable[date] = (), *, config: Mapping[str, Any] | None = None,
           category: str | None = None, workdays: Iterable[date] = ()) -> datetime:
    """The deadline of a case: the end of its last allowed working day, extensions included.

    ``extension_days`` are granted working days added after the original deadline.
    ``config`` may also carry ``holidays`` and ``workdays``; they are merged with the arguments.
    """
    hol, work = _calendar(config, holidays, workdays)
    days = time_limit(kind, urgency, config, category=category) + int(extension_days)
    last = add_working_days(reported_at.date(), days, hol, work)
    return datetime.combine(last, time.max, tzinfo=reported_at.tzinfo)


def state_due_at(state: Any, config: Mapping[str, Any] | None = None,
                 holidays: Iterable[date] = (), workdays: Iterable[date] = (), *,
                 kind: str | None = None, urgency: str | None = None,
                 category: str | None = None) -> datetime | None:
    """The deadline of a folded ``IssueState``; ``None`` before it is reported or with no kind.

    ``kind``, ``urgency`` and ``category`` are the case header's values, used where the events
    have not set them (the events' values win: 研判 may reclassify a case).
    """
    kind = state.kind or kind
    if state.reported_at is None or not kind:
        return None
    return due_at(state.reported_at, kind, state.urgency or urgency or "normal", state.extension_days,
                  holidays, config=config, category=state.category or category, workdays=workdays)


def deadline_status(due_at: datetime, started_at: datetime, now: datetime,
                    closed_at: datetime | None = None) -> str:
    """``"ok"``, ``"warning"`` (>= 80 % of the allowed time gone) or ``"overdue"``.

    A closed case is judged at ``closed_at``: ``"ok"`` if closed in time, else ``"overdue"``.
    The 80 % is of wall-clock time between ``started_at`` and ``due_at``.
    """
    if closed_at is not None:
        return "overdue" if closed_at > due_at else "ok"
    if now > due_at:
        return "overdue"
    allowed = due_at - started_at
    if allowed <= timedelta(0):
        return "warning"
    # Compare exactly: 5 * elapsed >= 4 * allowed, no floating point at the boundary.
    return "warning" if 5 * (now - started_at) >= 4 * allowed else "ok"


# List filters by deadline: only cases still being worked on (a closed case's clock has stopped).
DEADLINE_FILTERS: dict[str, str] = {"overdue": "已超期", "warning": "即将超期"}
_RUNNING = frozenset({"reported", "accepted", "analysing", "dispatched", "handling",
                      "extension_requested", "feedback"})


def deadline_bucket(status: str, deadline: str | None) -> str | None:
    """``"overdue"`` / ``"warning"`` for a case still running with that deadline state, else ``None``."""
    if status in _RUNNING and deadline in DEADLINE_FILTERS:
        return deadline
    return None


def deadline_counts(summaries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many running cases are overdue and nearly overdue: ``{"overdue": n, "warning": m}``.

    ``summaries`` carry ``status`` and ``deadline`` (as the case list's rows do).
    """
    counts = dict.fromkeys(DEADLINE_FILTERS, 0)
    for s in summaries:
        bucket = deadline_bucket(s["status"], s.get("deadline"))
        if bucket:
            counts[bucket] += 1
    return counts


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def rates(states: Iterable[Any], now: datetime | None = None, *,
          config: Mapping[str, Any] | None = None, holidays: Iterable[date] = (),
          satisfied: Collection[str] = ("satisfied", "basic")) -> dict[str, Any]:
    """The closed-loop measures over folded ``IssueState`` values, as exact fractions.

    - 结案率 ``closure_rate`` = closed / due, 按期结案率 ``on_time_rate`` = closed by the
      deadline / due. A case is due when its deadline is at or before ``now`` (every case
      when ``now`` is None) or when it is already closed. Declined and unreported cases never are.
    - 返工率 ``rework_rate`` = cases sent back at least once / cases that reached feedback.
    - 满意率 ``satisfaction_rate`` = ratings in ``satisfied`` (满意 and 基本满意 by default) / rated.
    A rate is ``None`` when its denominator is zero. Counts are returned alongside.
    A case without a kind has no deadline: it counts as due, and as on time when closed; fill
    the kind from the case header first (``dataclasses.replace(state, kind=...)``).
    """
    hol = frozenset(holidays)
    due = closed = on_time = fed_back = reworked = rated = happy = 0
    for st in states:
        if st.status in ("new", "declined"):
            continue
        deadline = state_due_at(st, config, hol)
        is_closed = st.closed_at is not None and st.status in ("closed", "rated")
        if is_closed or deadline is None or now is None or deadline <= now:
            due += 1
            if is_closed:
                closed += 1
                if deadline is None or st.closed_at <= deadline:
                    on_time += 1
        if st.feedback_at is not None:
            fed_back += 1
            reworked += st.rework_count > 0
        if st.rating is not None:
            rated += 1
            happy += st.rating in satisfied
    return {
        "closure_rate": _ratio(closed, due),
        "on_time_rate": _ratio(on_time, due),
        "rework_rate": _ratio(reworked, fed_back),
        "satisfaction_rate": _ratio(happy, rated),
        "due": due, "closed": closed, "closed_on_time": on_time, "fed_back": fed_back,
        "reworked": reworked, "rated": rated, "satisfied": happy,
    }
