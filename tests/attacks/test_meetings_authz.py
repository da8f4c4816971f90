"""议事 records pushed to a real `server run` (SQLite and PostgreSQL): a meeting's attendees and its
decisions' references stay inside the community; a party member's device records no meeting."""
from __future__ import annotations

import json

from gridworker.domain.ids import new_id
from support.city import COMM_A, COMM_B

NOW = "2026-11-01T10:00:00+08:00"


def rejected(res: dict, code: str) -> None:
    assert res["status"] == "rejected" and res["code"] == code, res
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res["reason"]), res


def meeting(attendees: list) -> dict:
    return {"kind": "ketang", "topic": "楼道堆物", "held_at": NOW, "attendees": json.dumps(attendees)}


def test_meetings_stay_inside_the_community(city):
    gw = city.device("gw_a")
    mine, theirs = city.households[COMM_A][0], city.households[COMM_B][0]
    rejected(gw.push_one("meeting", "insert", meeting([{"household_id": theirs}])), "not_found")
    mid = new_id()
    ok = gw.push_one("meeting", "insert", meeting([{"household_id": mine}, {"unit": "阳光物业"}]), mid)
    assert ok["status"] == "applied", ok
    b_ballot = new_id()
    gw_b = city.device("gw_b")
    assert gw_b.push_one("ballot", "insert", {"title": "乙社区表决", "scope_kind": "community",
                                              "rule": "residents_meeting"}, b_ballot)["status"] == "applied"
    rejected(gw.push_one("meeting_item", "append", {"meeting_id": mid, "kind": "decision", "decision_kind": "ballot",
                                                     "text": "借用乙社区的表决", "ballot_id": b_ballot, "at": NOW}),
             "not_found")
    rejected(gw.push_one("meeting_item", "append", {"meeting_id": mid, "kind": "decision", "decision_kind": "task",
                                                     "text": "没有负责人的任务", "at": NOW}), "invalid")
    ok = gw.push_one("meeting_item", "append", {"meeting_id": mid, "kind": "decision", "decision_kind": "task",
                                                 "text": "物业一周内清理", "owner": "阳光物业", "deadline": "2026-11-08",
                                                 "at": NOW})
    assert ok["status"] == "applied", ok
    rows = {r["id"]: r for r in city.device("admin_a").pull_all().get("meeting", [])}
    assert json.loads(rows[mid]["attendees"]) == [{"household_id": mine}, {"unit": "阳光物业"}]


def test_a_party_members_device_records_no_meeting(city):
    pm = city.device("pm_a")
    rejected(pm.push_one("meeting", "insert", meeting([])), "forbidden")
    assert pm.pull_all().get("meeting", []) == [], "a party member's device gets no meetings"
