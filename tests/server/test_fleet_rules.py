"""The fleet's pure parts: what a laptop may report of itself, and when it is stale."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker.server.errors import InvalidRequest
from gridworker.server.fleet import clean_report, is_stale, silent_days

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.timezone.utc)


def test_a_report_keeps_known_fields_and_ignores_unknown_ones():
    got = clean_report({"app_version": "0.1.0", "schema_version": 2, "pending": 3, "checksum_match": False,
                        "verified_at": "2026-12-05T10:00:00+00:00", "conflicts": 1, "rejected": 0,
                        "something_newer": [1, 2]})
    assert got["pending"] == 3 and got["checksum_match"] is False and "something_newer" not in got
    assert clean_report({})["pending"] is None


@pytest.mark.parametrize("field,value", [
    ("pending", -1), ("pending", True), ("pending", "3"), ("pending", 10**12), ("checksum_match", 1),
    ("app_version", "1.0\x1b[31m"), ("app_version", "x" * 33), ("app_version", ""), ("verified_at", "yesterday"),
    ("conflicts", 1.5), ("schema_version", None if False else [2]),
])
def test_a_bad_report_value_is_refused_naming_the_field(field, value):
    with pytest.raises(InvalidRequest) as err:
        clean_report({field: value})
    assert err.value.detail["field"] == field


def test_stale_after_n_days_of_silence_and_when_never_heard_from():
    assert silent_days(None, NOW) is None and is_stale(None, NOW)
    three_days = (NOW - dt.timedelta(days=3)).isoformat()
    assert silent_days(three_days, NOW) == 3.0
    assert not is_stale(three_days, NOW, 3) and is_stale(three_days, NOW, 2.9)
    assert is_stale((NOW - dt.timedelta(days=3, seconds=1)).isoformat(), NOW)
    assert not is_stale("2026-12-05T11:00:00", NOW)  # a time without zone is UTC
