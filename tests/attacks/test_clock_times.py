"""Issue #20 item 4: the server accepted any time a laptop wrote. A laptop a year ahead stamped a
visit that kept its household off the overdue list for 455 days, and the "no visit in the future"
rule ran only on the laptop. Real HTTP against a real `server run`, SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

from support.city import COMM_A
from gridworker.domain.ids import new_id


def _iso(delta: dt.timedelta) -> str:
    return (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) + delta).isoformat(timespec="seconds")


def test_a_visit_or_case_step_stamped_a_year_ahead_is_refused_with_a_reason(city):
    gw = city.device("gw_a")
    hid = city.households[COMM_A][0]
    ahead = _iso(dt.timedelta(days=365))
    res = gw.push_one("visit", "append", {"household_id": hid, "mode": "door", "visited_at": ahead,
                                          "community_id": COMM_A})
    assert res["status"] == "rejected" and res["code"] == "future", res
    assert "visited_at" in res["reason"] and "时钟" in res["reason"]
    issue = new_id()
    res = gw.push_one("issue", "insert", {"title": "路灯坏了", "reported_at": ahead, "household_id": hid}, issue)
    assert res["status"] == "rejected" and res["code"] == "future", res
    assert issue not in {r["id"] for r in gw.pull_all().get("issue", [])}


def test_an_honest_time_a_little_ahead_or_in_the_past_is_taken(city):
    gw = city.device("gw_a")
    hid = city.households[COMM_A][0]
    for delta in (dt.timedelta(minutes=20), dt.timedelta(days=-400)):
        res = gw.push_one("visit", "append", {"household_id": hid, "mode": "door", "visited_at": _iso(delta),
                                              "community_id": COMM_A})
        assert res["status"] == "applied", res
