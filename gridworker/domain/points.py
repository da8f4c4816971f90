"""Volunteer points (三报到三服务, 时间银行): credit for service hours and the ledger balance.

The ledger is append-only: ``earn``, ``redeem`` and ``expire`` entries, each with a positive
``points`` amount (dicts or objects). Defaults (configurable): 1 point per hour, at most 2 hours
credited per activity; in-service members are expected to serve 50 hours a year. All amounts are
``Decimal``; floats are refused because they are not exact.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from ._util import get
from .errors import RuleViolation, ValidationError

POINTS_PER_HOUR = Decimal(1)
MAX_HOURS_PER_ACTIVITY = Decimal(2)
YEARLY_HOURS_EXPECTED = 50
yearly_hours_expected = YEARLY_HOURS_EXPECTED

ENTRY_KINDS = {"earn": "获得", "redeem": "兑换", "expire": "过期"}


def to_decimal(value: Any, field: str) -> Decimal:
    """An exact non-negative ``Decimal`` from ``Decimal``, ``int`` or ``str``."""
    if isinstance(value, (bool, float)) or value is None:
        raise ValidationError(field, value, "amount_invalid", "数值必须是精确的十进制数")
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, value, "amount_invalid", "不是有效的数字") from None
    if not d.is_finite():
        raise ValidationError(field, value, "amount_invalid", "不是有效的数字")
    if d < 0:
        raise ValidationError(field, value, "amount_negative", "数值不能为负数")
    return d


def credit(hours: Any, *, max_hours: Any = MAX_HOURS_PER_ACTIVITY,
           points_per_hour: Any = POINTS_PER_HOUR) -> Decimal:
    """Points earned for one activity of ``hours``: hours beyond ``max_hours`` earn nothing."""
    h = to_decimal(hours, "hours")
    return min(h, to_decimal(max_hours, "max_hours")) * to_decimal(points_per_hour, "points_per_hour")


def balance(entries: Iterable[Any]) -> Decimal:
    """Earned minus redeemed and expired points.

    Never raises on a consistent ledger; two laptops redeeming offline at once can take it
    below zero, which the caller should show rather than hide.
    """
    total = Decimal(0)
    for e in entries:
        kind = get(e, "kind")
        if kind not in ENTRY_KINDS:
            raise ValidationError("kind", kind, "entry_kind_unknown", "积分记录类型只能是获得、兑换或过期")
        points = to_decimal(get(e, "points"), "points")
        total += points if kind == "earn" else -points
    return total


def check_redeem(entries: Iterable[Any], points: Any) -> Decimal:
    """The balance left after redeeming ``points``; ``RuleViolation`` if the balance is short."""
    wanted = to_decimal(points, "points")
    if wanted == 0:
        raise ValidationError("points", points, "amount_invalid", "兑换积分必须大于零")
    have = balance(entries)
    if wanted > have:
        raise RuleViolation("points_insufficient", f"积分不足：当前余额{have}分，要兑换{wanted}分")
    return have - wanted


def hours_short_of_target(hours_this_year: Any, expected: Any = YEARLY_HOURS_EXPECTED) -> Decimal:
    """Hours still missing from the yearly expectation (0 once it is met)."""
    missing = to_decimal(expected, "expected") - to_decimal(hours_this_year, "hours")
    return max(missing, Decimal(0))
