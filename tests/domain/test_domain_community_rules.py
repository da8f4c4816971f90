"""社区设置: the shipped 2026 holiday calendar and a community's own days, intervals and limits, as
the deadlines and overdue lists count them."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from gridworker.domain import community_rules as cr
from gridworker.domain import issues
from gridworker.domain.errors import ValidationError

CST = dt.timezone(dt.timedelta(hours=8))


def due(reported: dt.datetime, kind: str = "help", settings: dict | None = None) -> dt.date:
    config = cr.rules_of(json.dumps(settings) if settings else None).deadline_config()
    return issues.due_at(reported, kind, "normal", config=config).date()


def test_a_case_reported_before_national_day_2026_skips_the_holiday_and_counts_the_make_up_saturday():
    # Wed 30 Sep, 3 working days: 1–7 Oct off; Thu 8, Fri 9, Sat 10 (调休上班) → due Sat 10 Oct.
    reported = dt.datetime(2026, 9, 30, 10, 0, tzinfo=CST)
    assert due(reported) == dt.date(2026, 10, 10)
    # Without the calendar it would have been Mon 5 Oct, in the middle of the holiday.
    assert issues.due_at(reported, "help", "normal").date() == dt.date(2026, 10, 5)
    # Fri 18 Sep: Sun 20 Sep is worked (调休), so Sun 20, Mon 21, Tue 22.
    assert due(dt.datetime(2026, 9, 18, 9, 0, tzinfo=CST)) == dt.date(2026, 9, 22)


def test_spring_festival_2026_and_its_two_make_up_saturdays():
    # Fri 13 Feb: Sat 14 worked (1); 15–23 off; Tue 24 (2), Wed 25 (3).
    assert due(dt.datetime(2026, 2, 13, 9, 0, tzinfo=CST)) == dt.date(2026, 2, 25)
    # A complaint (13 working days) reported Thu 26 Feb counts Sat 28 Feb.
    assert due(dt.datetime(2026, 2, 26, 9, 0, tzinfo=CST), "complaint") == dt.date(2026, 3, 16)


def test_a_year_not_shipped_is_entered_by_the_community_and_counts_the_same_way():
    # Spring Festival 2027 falls on Sat 6 Feb. Until a release ships the State Council's notice for
    # 2027, the admin enters its days in 社区设置 (the days here stand in for the published ones).
    days = {"holidays": [f"2027-02-{d:02d}" for d in range(5, 12)], "workdays": ["2027-01-31", "2027-02-20"]}
    reported = dt.datetime(2027, 2, 4, 9, 0, tzinfo=CST)   # Thu
    assert due(reported) == dt.date(2027, 2, 9), "without the community's days: Fri 5, Mon 8, Tue 9"
    # Thu 4: Fri 5–Thu 11 are holidays; Fri 12 (1), Mon 15 (2), Tue 16 (3).
    assert due(reported, settings=days) == dt.date(2027, 2, 16)
    # A make-up Saturday the community lists counts: Fri 19 → Sat 20 (1), Mon 22 (2), Tue 23 (3).
    assert due(dt.datetime(2027, 2, 19, 9, 0, tzinfo=CST), settings=days) == dt.date(2027, 2, 23)


def test_a_shipped_holiday_the_community_lists_as_a_working_day_counts_as_one():
    rules = cr.rules_of(json.dumps({"workdays": ["2026-10-08"]}))
    assert dt.date(2026, 10, 8) in rules.workdays and dt.date(2026, 10, 1) in rules.holidays


def test_time_limits_and_visit_intervals_are_the_communitys_own():
    rules = cr.rules_of(json.dumps({"time_limits": {"help": 5}, "visit_intervals": {"key": 15}}))
    assert rules.time_limits["help"] == 5 and rules.time_limits["complaint"] == 13
    assert rules.visit_intervals == {"high": 7, "key": 15, "normal": 90}
    assert due(dt.datetime(2026, 11, 2, 9, 0, tzinfo=CST), settings={"time_limits": {"help": 5}}) \
        == dt.date(2026, 11, 9)


@pytest.mark.parametrize("settings, says", [
    ({"holiday": ["2027-02-06"]}, "未知的项"),
    ({"holidays": ["2027-2-30"]}, "不是日期"),
    ({"holidays": "2027-02-06"}, "日期列表"),
    ({"holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}, "既是节假日又是调休上班日"),
    ({"visit_intervals": {"key": 0}}, "1–366"),
    ({"visit_intervals": {"vip": 10}}, "未知的类别"),
    ({"time_limits": {"help": "3"}}, "整数"),
    ({"time_limits": {"help": True}}, "整数"),
])
def test_bad_settings_are_refused_saying_what_is_wrong(settings, says):
    with pytest.raises(ValidationError) as err:
        cr.parse(json.dumps(settings))
    assert err.value.field == "settings" and says in err.value.message


def test_not_json_is_refused_and_a_damaged_row_falls_back_to_the_defaults():
    with pytest.raises(ValidationError):
        cr.parse("{holidays")
    assert cr.rules_of("{holidays") == cr.rules_of(None)


def test_the_canonical_text_is_sorted_and_an_empty_setting_is_none():
    assert cr.dumps({"holidays": ["2027-02-08", "2027-02-06", "2027-02-06"]}) == '{"holidays":["2027-02-06","2027-02-08"]}'
    assert cr.dumps({}) is None
