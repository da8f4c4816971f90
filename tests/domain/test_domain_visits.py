"""Visit frequency: who is due a visit, and who is overdue."""
from datetime import datetime, timedelta

import pytest

from gridworker.domain.errors import ValidationError
from gridworker.domain.visits import is_overdue, next_visit_due, overdue_visits

LAST = datetime(2025, 6, 1, 10, 0)


@pytest.mark.parametrize("level, days", [("high", 7), ("key", 30), ("normal", 90), ("高风险", 7)])
def test_default_intervals(level, days):
    assert next_visit_due(LAST, level) == LAST + timedelta(days=days)


def test_intervals_are_configurable():
    assert next_visit_due(LAST, "key", {"key": 14}) == LAST + timedelta(days=14)


def test_major_change_makes_a_visit_due_within_24_hours():
    change = LAST + timedelta(days=2)
    assert next_visit_due(LAST, "normal", major_change_at=change) == change + timedelta(hours=24)
    assert is_overdue(LAST, "high", change + timedelta(hours=25), major_change_at=change)
    assert not is_overdue(LAST, "high", change + timedelta(hours=23), major_change_at=change)


def test_a_visit_after_the_change_settles_it():
    change = LAST - timedelta(days=1)
    assert next_visit_due(LAST, "key", major_change_at=change) == LAST + timedelta(days=30)


def test_never_visited_is_due_now():
    assert next_visit_due(None, "normal") is None
    assert is_overdue(None, "normal", LAST)
    change = LAST
    assert next_visit_due(None, "normal", major_change_at=change) == change + timedelta(hours=24)


@pytest.mark.parametrize("now, overdue", [
    (LAST + timedelta(days=7), False), (LAST + timedelta(days=7, seconds=1), True),
])
def test_overdue_boundary(now, overdue):
    assert is_overdue(LAST, "high", now) is overdue


def test_unknown_level_is_refused():
    with pytest.raises(ValidationError) as e:
        next_visit_due(LAST, "vip")
    assert e.value.field == "attention_level"


def test_overdue_list_puts_never_visited_first_then_longest_overdue():
    now = LAST + timedelta(days=100)
    rows = [
        {"id": "a", "attention_level": "normal", "last_visit_at": LAST},               # 10 days over
        {"id": "b", "attention_level": "high", "last_visit_at": now - timedelta(days=1)},   # fine
        {"id": "c", "attention_level": "key", "last_visit_at": LAST},                   # 70 days over
        {"id": "d", "attention_level": "normal", "last_visit_at": None},
        {"id": "e", "attention_level": "normal", "last_visit_at": now - timedelta(days=3),
         "major_change_at": now - timedelta(days=2)},
    ]
    assert [o.household_id for o in overdue_visits(rows, now)] == ["d", "c", "a", "e"]
