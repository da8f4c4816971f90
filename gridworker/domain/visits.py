"""Visit frequency: when a household is next due a visit, and which visits are overdue.

Defaults (one city's rule, configurable through ``intervals``): high risk every 7 days, key
groups every 30, everyone else every 90. After a major change (``major_change_at``) a
household of any level is due within 24 hours unless it has been visited since. A household
never visited is due at once: ``next_visit_due`` returns ``None`` and ``is_overdue`` is True.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from ._util import get
from .codes import visit_interval_days

MAJOR_CHANGE_WINDOW = timedelta(hours=24)


def next_visit_due(last_visit_at: datetime | None, attention_level: str,
                   intervals: Mapping[str, int] | None = None, *,
                   major_change_at: datetime | None = None) -> datetime | None:
    """When the next visit is due; ``None`` means due now (never visited, no change pending).

    ``attention_level`` is a code or label of ``codes.ATTENTION_LEVELS`` (unknown: ValidationError).
    """
    interval = timedelta(days=visit_interval_days(attention_level, intervals))
    regular = last_visit_at + interval if last_visit_at is not None else None
    if major_change_at is not None and (last_visit_at is None or last_visit_at < major_change_at):
        urgent = major_change_at + MAJOR_CHANGE_WINDOW
        return urgent if regular is None else min(regular, urgent)
    return regular


def is_overdue(last_visit_at: datetime | None, attention_level: str, now: datetime,
               intervals: Mapping[str, int] | None = None, *,
               major_change_at: datetime | None = None) -> bool:
    """True once ``now`` is past the due time (or the household has never been visited)."""
    due = next_visit_due(last_visit_at, attention_level, intervals, major_change_at=major_change_at)
    return due is None or now > due


class OverdueVisit(NamedTuple):
    household_id: Any
    due_at: datetime | None


def overdue_visits(households: Iterable[Any], now: datetime,
                   intervals: Mapping[str, int] | None = None) -> list[OverdueVisit]:
    """The overdue households, never-visited first, then the longest overdue.

    Each household is a dict or object with ``id``, ``attention_level``, ``last_visit_at`` and
    optionally ``major_change_at``.
    """
    out = []
    for h in households:
        due = next_visit_due(get(h, "last_visit_at"), get(h, "attention_level"), intervals,
                             major_change_at=get(h, "major_change_at"))
        if due is None or now > due:
            out.append(OverdueVisit(get(h, "id"), due))
    return sorted(out, key=lambda o: (o.due_at is not None, o.due_at or now))
