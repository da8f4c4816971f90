"""Issue deadlines in working days, the 80 % warning, and the closed-loop measures."""
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from gridworker.domain.errors import ValidationError
from gridworker.domain.issues import (
    add_working_days, apply, deadline_status, due_at, initial_state, is_working_day, rates,
    state_due_at, time_limit,
)

MON = datetime(2025, 6, 2, 10, 30)   # a Monday
END = (23, 59, 59, 999999)


def end_of(y, m, d, tz=None):
    return datetime(y, m, d, *END, tzinfo=tz)


@pytest.mark.parametrize("kind, urgency, days", [
    ("help", "normal", 3), ("inquiry", "normal", 3), ("complaint", "normal", 13),
    ("suggestion", "normal", 13), ("complaint", "emergency", 0), ("投诉", "一般", 13), ("求助", "紧急", 0),
])
def test_default_time_limits(kind, urgency, days):
    assert time_limit(kind, urgency) == days


def test_time_limits_are_configurable_per_kind_and_category():
    config = {"help": 2, "by_category": {"safety_hazard": 1}}
    assert time_limit("help", "normal", config) == 2
    assert time_limit("complaint", "normal", config, category="safety_hazard") == 1
    assert time_limit("complaint", "emergency", config, category="safety_hazard") == 0
    assert time_limit("complaint", "normal", config) == 13


def test_time_limit_refuses_unknown_kind():
    with pytest.raises(ValidationError) as e:
        time_limit("praise", "normal")
    assert e.value.field == "kind"


@pytest.mark.parametrize("reported, kind, urgency, ext, due", [
    (MON, "help", "normal", 0, end_of(2025, 6, 5)),                     # Mon -> Thu
    (MON.replace(day=6), "help", "normal", 0, end_of(2025, 6, 11)),     # Fri -> Wed, skips weekend
    (MON.replace(day=7), "inquiry", "normal", 0, end_of(2025, 6, 11)),  # reported on Saturday
    (MON, "complaint", "normal", 0, end_of(2025, 6, 19)),               # 13 working days
    (MON.replace(day=7), "help", "emergency", 0, end_of(2025, 6, 7)),   # emergency: same day
    (MON, "help", "normal", 2, end_of(2025, 6, 9)),                     # extension: working days
])
def test_due_at(reported, kind, urgency, ext, due):
    assert due_at(reported, kind, urgency, ext) == due


def test_due_at_skips_holidays_and_counts_make_up_working_days():
    # 2025 National Day: 1-8 October off, Sunday 28 September and Saturday 11 October worked.
    holidays = {date(2025, 10, d) for d in range(1, 9)}
    workdays = {date(2025, 9, 28), date(2025, 10, 11)}
    config = {"holidays": holidays, "workdays": workdays}
    assert due_at(datetime(2025, 9, 26, 9), "help", "normal", config=config) == end_of(2025, 9, 30)
    assert due_at(datetime(2025, 9, 30, 9), "help", "normal", config=config) == end_of(2025, 10, 11)
    assert due_at(MON, "help", "normal", holidays={date(2025, 6, 4)}) == end_of(2025, 6, 6)


def test_due_at_keeps_the_time_zone():
    tz = timezone(timedelta(hours=8))
    assert due_at(MON.replace(tzinfo=tz), "help", "normal") == end_of(2025, 6, 5, tz)


def test_working_days():
    assert is_working_day(date(2025, 6, 6)) and not is_working_day(date(2025, 6, 7))
    assert add_working_days(date(2025, 6, 6), 1) == date(2025, 6, 9)
    assert add_working_days(date(2025, 6, 7), 0) == date(2025, 6, 7)


START = datetime(2025, 6, 1)
DUE = START + timedelta(days=10)


@pytest.mark.parametrize("now, closed, status", [
    (START + timedelta(days=7, hours=23), None, "ok"),
    (START + timedelta(days=8) - timedelta(microseconds=1), None, "ok"),
    (START + timedelta(days=8), None, "warning"),        # exactly 80 %
    (DUE, None, "warning"),                              # at the deadline, not yet late
    (DUE + timedelta(microseconds=1), None, "overdue"),
    (DUE + timedelta(days=5), START + timedelta(days=9), "ok"),       # closed in time, judged then
    (DUE + timedelta(days=5), DUE + timedelta(hours=1), "overdue"),   # closed late
])
def test_deadline_status(now, closed, status):
    assert deadline_status(DUE, START, now, closed) == status


def _case(*steps, kind="help"):
    payloads = {"report": {"kind": kind}, "analyse": {"category": "property", "urgency": "normal",
                                                       "level": "community"},
                "dispatch": {"level": "community", "department": "物业"},
                "feedback": {"note": "ok"}, "send_back": {"reason": "redo"}, "decline": {"reason": "no"}}
    s = initial_state()
    for action, at in steps:
        if action.startswith("rate:"):
            s = apply(s, "rate", {"rating": action[5:]}, at)
        else:
            s = apply(s, action, payloads.get(action, {}), at)
    return s


def _closed(at, rating=None, rework=False, reported=MON):
    steps = [("report", reported), ("accept", reported), ("analyse", reported), ("dispatch", reported),
             ("start_handling", reported), ("feedback", at)]
    if rework:
        steps += [("send_back", at), ("feedback", at)]
    steps.append(("close", at))
    if rating:
        steps.append((f"rate:{rating}", at))
    return _case(*steps)


def test_rates_are_exact_fractions_over_due_cases():
    now = datetime(2025, 6, 20)
    on_time = MON + timedelta(days=1)
    late = MON + timedelta(days=6)
    cases = [
        _closed(on_time, "satisfied"),
        _closed(late, "basic"),
        _closed(on_time, "unsatisfied", rework=True),
        _case(("report", MON), ("accept", MON)),                        # open, past due
        _case(("report", datetime(2025, 6, 19)), ("accept", MON)),      # open, not yet due
        _case(("report", MON), ("decline", MON)),                       # declined: never counted
    ]
    r = rates(cases, now)
    assert (r["due"], r["closed"], r["closed_on_time"]) == (4, 3, 2)
    assert r["closure_rate"] == Fraction(3, 4)
    assert r["on_time_rate"] == Fraction(1, 2)
    assert r["rework_rate"] == Fraction(1, 3)
    assert r["satisfaction_rate"] == Fraction(2, 3)
    assert rates(cases, now, satisfied=("satisfied",))["satisfaction_rate"] == Fraction(1, 3)


def test_rates_of_nothing_are_none_not_zero_division():
    r = rates([])
    assert r["closure_rate"] is None and r["satisfaction_rate"] is None


def test_granted_extension_moves_the_deadline_used_by_rates():
    s = _case(("report", MON), ("accept", MON), ("analyse", MON), ("dispatch", MON),
              ("start_handling", MON))
    s = apply(s, "request_extension", {"days": 2, "reason": "x"}, MON)
    s = apply(s, "grant_extension", {}, MON)
    assert state_due_at(s) == end_of(2025, 6, 9)
    assert state_due_at(initial_state()) is None


def test_deadline_falls_back_to_the_case_header_when_events_do_not_classify():
    s = apply(initial_state(), "report", {}, MON)
    assert state_due_at(s) is None
    assert state_due_at(s, kind="complaint") == end_of(2025, 6, 19)
    assert state_due_at(s, kind="complaint", urgency="emergency") == end_of(2025, 6, 2)
    # what the events say wins over the header
    s = apply(s, "accept", {}, MON)
    s = apply(s, "analyse", {"category": "property", "urgency": "normal", "level": "community",
                             "kind": "help"}, MON)
    assert state_due_at(s, kind="complaint", urgency="emergency") == end_of(2025, 6, 5)
