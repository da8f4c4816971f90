"""三报到三服务: service needs, service records and their approval, balances, 红领 teams and the 红榜.

In-service party members report (报到) to the community where they live and serve there. The
community lists its needs (需求清单); members and teams claim them (认领). Each service done is a
``service_record`` (date, hours, households served, team, need, note) entered by the member or by the
grid worker from a paper sign-in sheet; the branch secretary or the admin approves it, and only an
approved record earns points, by :mod:`.points` (1 point an hour, at most 2 hours an activity), as one
``earn`` entry of the append-only points ledger whose id is derived from the record's: two laptops
approving the same record at once write the same entry, and the server keeps it once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import points as P
from ._util import get
from .errors import RuleViolation, ValidationError
from .ids import deterministic_id

NEED_SOURCES = {"visit": "走访发现", "resident": "居民提出", "key_group": "重点人群", "community": "社区安排"}
NEED_STATUSES = {"open": "待认领", "claimed": "已认领", "done": "已完成", "cancelled": "已取消"}
RECORD_KINDS = {"service": "志愿服务", "report_in": "报到"}
APPROVALS = {None: "待审核", "approved": "已审核", "rejected": "未通过"}
ENTERED_FROM = {"self": "本人登记", "sheet": "签到表录入"}
MAX_HOURS_A_DAY = Decimal(24)
COLOURS = {"green": "达标", "amber": "偏少", "red": "落后"}
STARS = range(1, 6)


def earn_id(record_id: str) -> str:
    """The id of the ``earn`` entry for an approved record: the same on every laptop."""
    return deterministic_id("service-earn", record_id)


def check_record(kind: str, served_on: Any, hours: Any, today: dt.date | None = None) -> tuple[str, Decimal]:
    """A record's date and hours as stored (ISO date, exact hours); a clear error naming the field."""
    if kind not in RECORD_KINDS:
        raise ValidationError("kind", kind, "bad_choice", f"可选：{'、'.join(RECORD_KINDS)}")
    try:
        day = served_on if isinstance(served_on, dt.date) else dt.date.fromisoformat(str(served_on).strip()[:10])
    except ValueError:
        raise ValidationError("served_on", served_on, "bad_date", "服务日期应为 2026-12-05 这样的日期") from None
    # "Today" anywhere: the server runs this too, in UTC, for laptops eight hours ahead of it.
    latest = today or (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()
    if day > latest:
        raise ValidationError("served_on", served_on, "future", "服务日期不能晚于今天")
    h = P.to_decimal(hours if hours not in (None, "") else "0", "hours")
    if h > MAX_HOURS_A_DAY:
        raise ValidationError("hours", hours, "too_many", "一天的服务时长不能超过 24 小时")
    if kind == "service" and h == 0:
        raise ValidationError("hours", hours, "required", "请填写服务时长（小时）")
    return day.isoformat(), h


def points_for(record: Mapping[str, Any] | Any) -> Decimal:
    """What an approved record earns: a 报到 nothing, a service its hours by the points rules."""
    if get(record, "kind") != "service":
        return Decimal(0)
    return P.credit(get(record, "hours") or "0")


def check_approve(record: Mapping[str, Any] | Any) -> None:
    if get(record, "approval") == "approved":
        raise RuleViolation("already_approved", "这条服务记录已经审核通过，积分已计入")


@dataclass(frozen=True)
class Progress:
    """A member's hours this year against the yearly expectation, as of ``today``."""

    hours: Decimal
    expected_by_now: Decimal
    colour: str  # green / amber / red

    @property
    def label(self) -> str:
        return COLOURS[self.colour]


def progress(hours_this_year: Any, today: dt.date, expected: Any = P.YEARLY_HOURS_EXPECTED) -> Progress:
    """Green when the member is on pace for the year (hours ≥ the share of the year gone by), amber
    from 60 % of that pace, red below."""
    hours = P.to_decimal(hours_this_year, "hours")
    year_days = 366 if dt.date(today.year, 12, 31).timetuple().tm_yday == 366 else 365
    pace = (P.to_decimal(expected, "expected") * today.timetuple().tm_yday / year_days).quantize(Decimal("0.1"))
    colour = "green" if hours >= pace else "amber" if hours >= pace * Decimal("0.6") else "red"
    return Progress(hours, pace, colour)


def quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of ``day``'s quarter."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (dt.date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
           - dt.timedelta(days=1))
    return start, end


def quarter_label(day: dt.date) -> str:
    return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


@dataclass
class Standing:
    key: str
    name: str
    hours: Decimal
    points: Decimal
    services: int
    households: int


def honour_roll(records: Iterable[Mapping[str, Any]], names: Mapping[str, str], *, by: str = "member",
                top: int = 10) -> list[Standing]:
    """红榜: approved records of a period ranked by hours, then points, then number of services.

    ``by``: ``member`` (keyed by member_id) or ``team`` (team_id; records without a team left out).
    """
    field = "member_id" if by == "member" else "team_id"
    table: dict[str, Standing] = {}
    for r in records:
        if get(r, "approval") != "approved" or get(r, "kind") != "service":
            continue
        key = get(r, field)
        if not key:
            continue
        s = table.setdefault(key, Standing(key, names.get(key, "（已删除）"), Decimal(0), Decimal(0), 0, 0))
        s.hours += P.to_decimal(get(r, "hours") or "0", "hours")
        s.points += points_for(r)
        s.services += 1
        s.households += int(get(r, "households_served") or 0)
    ranked = sorted(table.values(), key=lambda s: (-s.hours, -s.points, -s.services, s.name))
    return ranked[:top]


def check_stars(stars: Any) -> int:
    try:
        n = int(stars)
    except (TypeError, ValueError):
        raise ValidationError("stars", stars, "bad_choice", "星级为 1 到 5 的整数") from None
    if n not in STARS:
        raise ValidationError("stars", stars, "bad_choice", "星级为 1 到 5 的整数")
    return n
