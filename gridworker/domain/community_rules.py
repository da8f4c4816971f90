"""A community's working rules: the holiday calendar, visit intervals and case time limits.

They used to live in code. Now the community admin sets them in the app (社区设置); they travel as
one JSON text in the community's own ``org_unit.settings``, so every laptop of the community and the
server count deadlines and overdue visits the same way.

The national holiday calendar (法定节假日与调休) is published each November by the State Council for
the next year. The years known when this release was made are shipped in :data:`OFFICIAL`; a
community adds a newly published year (or a local holiday) in 社区设置 until the next release ships it.
Shipped and community days are merged: a community can add days, and can remove a shipped day only by
listing it the other way (a shipped holiday listed as a working day counts as a working day).

Settings JSON (every key optional)::

    {"holidays": ["2027-02-06", ...],       # days off that would be working days
     "workdays": ["2027-02-20", ...],       # weekend days worked (调休补班)
     "visit_intervals": {"high": 7, "key": 30, "normal": 90},   # days, by attention level
     "time_limits": {"help": 3, "complaint": 13, ...}}          # working days, by case kind
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .codes import ATTENTION_LEVELS, DEFAULT_VISIT_INTERVAL_DAYS
from .errors import ValidationError
from .issue_deadlines import DEFAULT_TIME_LIMITS


def _span(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）.
OFFICIAL: dict[int, dict[str, list[date]]] = {
    2026: {
        "holidays": [*_span("2026-01-01", "2026-01-03"),   # 元旦
                     *_span("2026-02-15", "2026-02-23"),   # 春节
                     *_span("2026-04-04", "2026-04-06"),   # 清明节
                     *_span("2026-05-01", "2026-05-05"),   # 劳动节
                     *_span("2026-06-19", "2026-06-21"),   # 端午节
                     *_span("2026-09-25", "2026-09-27"),   # 中秋节
                     *_span("2026-10-01", "2026-10-07")],  # 国庆节
        "workdays": [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                     date(2026, 9, 20), date(2026, 10, 10)],
    },
}
OFFICIAL_SOURCE = {2026: "国办发明电〔2025〕7号"}

KEYS = ("holidays", "workdays", "visit_intervals", "time_limits")
KEY_LABELS = {"holidays": "节假日", "workdays": "调休上班日", "visit_intervals": "走访间隔",
              "time_limits": "事项时限"}
MAX_DAYS = 400  # a community lists at most about a year's worth of extra days per key


@dataclass(frozen=True)
class Rules:
    """The merged rules a laptop or the server counts with."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    visit_intervals: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_VISIT_INTERVAL_DAYS))
    time_limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_TIME_LIMITS))

    def deadline_config(self) -> dict[str, Any]:
        """The ``config`` :func:`issue_deadlines.due_at` takes."""
        return {**self.time_limits, "holidays": self.holidays, "workdays": self.workdays}

    def official_years(self) -> list[int]:
        return sorted(OFFICIAL)


def official_days() -> tuple[frozenset[date], frozenset[date]]:
    hol: set[date] = set()
    work: set[date] = set()
    for year in OFFICIAL.values():
        hol.update(year["holidays"])
        work.update(year["workdays"])
    return frozenset(hol), frozenset(work)


def _bad(message: str, value: Any = None) -> ValidationError:
    return ValidationError("settings", value, "bad_settings", message)


def _dates(value: Any, key: str) -> list[date]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(f"{KEY_LABELS[key]}应为日期列表")
    if len(value) > MAX_DAYS:
        raise _bad(f"{KEY_LABELS[key]}最多 {MAX_DAYS} 天")
    out = []
    for v in value:
        try:
            out.append(date.fromisoformat(str(v)))
        except ValueError:
            raise _bad(f"{KEY_LABELS[key]}中的“{str(v)[:20]}”不是日期（应为 2027-02-06 这样的写法）") from None
        if not 2000 <= out[-1].year <= 2100:
            raise _bad(f"{KEY_LABELS[key]}中的 {v} 超出范围")
    return out


def _days_map(value: Any, key: str, allowed: Iterable[str], low: int, high: int) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(f"{KEY_LABELS[key]}格式不对")
    allowed = tuple(allowed)
    out = {}
    for k, v in value.items():
        if k not in allowed:
            raise _bad(f"{KEY_LABELS[key]}：未知的类别 {str(k)[:20]}")
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise _bad(f"{KEY_LABELS[key]}：{k} 应为 {low}–{high} 之间的整数天数")
        out[k] = v
    return out


def parse(text: str | None) -> dict[str, Any]:
    """Validate a settings JSON text; returns the cleaned dict (dates as ISO strings, sorted).

    Raises :class:`ValidationError` naming what is wrong; the same rule runs at the unit of work and at
    the server's push (a laptop can be scripted).
    """
    if text is None or not str(text).strip():
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        raise _bad("社区设置不是有效的 JSON") from None
    if not isinstance(raw, dict):
        raise _bad("社区设置格式不对")
    unknown = set(raw) - set(KEYS)
    if unknown:
        raise _bad(f"社区设置中有未知的项：{'、'.join(sorted(map(str, unknown)))[:40]}")
    out: dict[str, Any] = {}
    for key in ("holidays", "workdays"):
        days = sorted(set(_dates(raw.get(key), key)))
        if days:
            out[key] = [d.isoformat() for d in days]
    both = set(out.get("holidays", ())) & set(out.get("workdays", ()))
    if both:
        raise _bad(f"{min(both)} 不能既是节假日又是调休上班日")
    intervals = _days_map(raw.get("visit_intervals"), "visit_intervals", ATTENTION_LEVELS, 1, 366)
    if intervals:
        out["visit_intervals"] = intervals
    limits = _days_map(raw.get("time_limits"), "time_limits", DEFAULT_TIME_LIMITS, 0, 60)
    if limits:
        out["time_limits"] = limits
    return out


def dumps(settings: Mapping[str, Any]) -> str | None:
    """The canonical text of validated settings (None when empty)."""
    clean = parse(json.dumps(dict(settings), ensure_ascii=False, default=str))
    return json.dumps(clean, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if clean else None


def rules_of(text: str | None) -> Rules:
    """The rules a community counts with: shipped calendar + its own settings.

    Settings that do not parse (an older or damaged row) fall back to the defaults rather than stop
    every list from opening; the unit of work and the server never let such a row in.
    """
    try:
        s = parse(text)
    except ValidationError:
        s = {}
    hol, work = official_days()
    own_hol = {date.fromisoformat(d) for d in s.get("holidays", ())}
    own_work = {date.fromisoformat(d) for d in s.get("workdays", ())}
    return Rules(holidays=frozenset((hol - own_work) | own_hol),
                 workdays=frozenset((work - own_hol) | own_work),
                 visit_intervals={**DEFAULT_VISIT_INTERVAL_DAYS, **s.get("visit_intervals", {})},
                 time_limits={**DEFAULT_TIME_LIMITS, **s.get("time_limits", {})})
