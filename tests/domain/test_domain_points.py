"""Volunteer points: capped credit per activity, an exact balance, no overdrawn redemption."""
from decimal import Decimal

import pytest

from gridworker.domain.errors import RuleViolation, ValidationError
from gridworker.domain.points import (
    YEARLY_HOURS_EXPECTED, balance, check_redeem, credit, hours_short_of_target,
)


@pytest.mark.parametrize("hours, points", [
    ("1", Decimal("1")), ("1.5", Decimal("1.5")), ("2", Decimal("2")), ("3", Decimal("2")),
    (Decimal("8"), Decimal("2")), (0, Decimal("0")),
])
def test_credit_caps_at_two_hours(hours, points):
    assert credit(hours) == points


def test_credit_is_configurable():
    assert credit("3", max_hours="4", points_per_hour="2") == Decimal("6")


@pytest.mark.parametrize("hours, code", [(1.5, "amount_invalid"), ("-1", "amount_negative"),
                                         ("abc", "amount_invalid"), (None, "amount_invalid")])
def test_credit_refuses_bad_hours(hours, code):
    with pytest.raises(ValidationError) as e:
        credit(hours)
    assert (e.value.field, e.value.code) == ("hours", code)


LEDGER = [
    {"kind": "earn", "points": "2"}, {"kind": "earn", "points": "1.5"},
    {"kind": "redeem", "points": "1"}, {"kind": "expire", "points": "0.5"},
]


def test_balance():
    assert balance(LEDGER) == Decimal("2")
    assert balance([]) == 0


def test_redeem_within_balance():
    assert check_redeem(LEDGER, "2") == Decimal("0")


def test_redeem_beyond_balance_is_refused():
    with pytest.raises(RuleViolation) as e:
        check_redeem(LEDGER, "2.5")
    assert e.value.code == "points_insufficient" and "2" in e.value.message


def test_redeem_nothing_is_refused():
    with pytest.raises(ValidationError):
        check_redeem(LEDGER, "0")


def test_unknown_entry_kind_is_refused():
    with pytest.raises(ValidationError) as e:
        balance([{"kind": "gift", "points": "1"}])
    assert e.value.code == "entry_kind_unknown"


def test_yearly_expectation():
    assert YEARLY_HOURS_EXPECTED == 50
    assert hours_short_of_target("42.5") == Decimal("7.5")
    assert hours_short_of_target("60") == 0
