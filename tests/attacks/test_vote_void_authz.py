"""A choiceless vote pushed to a real `server run` (SQLite and PostgreSQL): refused unless it voids
a vote of the same household (the laptop's own rule, run again by the server)."""
from __future__ import annotations

from gridworker.domain.ids import new_id
from support.city import COMM_A

NOW = "2026-11-01T10:00:00+08:00"


def test_a_vote_with_no_choice_must_void_one(city):
    gw = city.device("gw_a")
    hid = city.households[COMM_A][0]
    bid = new_id()
    assert gw.push_one("ballot", "insert", {"title": "楼道装灯", "scope_kind": "community",
                                            "rule": "residents_meeting"}, bid)["status"] == "applied"
    res = gw.push_one("vote", "append", {"ballot_id": bid, "household_id": hid, "option_id": None, "cast_at": NOW})
    assert res["status"] == "rejected" and res["code"] == "invalid" and "必须选择一项" in res["reason"], res
