"""三报到三服务 pushed to a real `server run` (SQLite and PostgreSQL), as a scripted laptop would: a party
member records service in their own name only and cannot approve it; a grid worker cannot approve;
points are earned only for an approved record, once, for the hours the rules allow."""
from __future__ import annotations

import datetime as dt

from gridworker.domain import service as rules
from gridworker.domain.ids import new_id
from support.city import COMM_A

TODAY = dt.date.today().isoformat()
NOW = dt.datetime.now().astimezone().isoformat(timespec="seconds")


def rejected(res: dict, code: str) -> None:
    assert res["status"] == "rejected" and res["code"] == code, res
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res["reason"]), res


def record(member: str, **extra) -> dict:
    return {"member_id": member, "kind": "service", "served_on": TODAY, "hours": "3", "activity": "助老",
            **extra}


def earn(member: str, record_id: str, points: str = "2", hours: str = "3") -> dict:
    return {"member_id": member, "kind": "earn", "hours": hours, "points": points, "at": NOW,
            "record_id": record_id, "activity": "助老"}


def test_a_party_member_records_their_own_service_and_cannot_approve_it(city):
    pm, other = city.device("pm_a"), city.device("pm_a2")
    me, them = pm.user["party_member_id"], other.user["party_member_id"]
    rejected(pm.push_one("service_record", "insert", record(them)), "forbidden")
    rejected(pm.push_one("service_record", "insert", record(me, approval="approved", approved_by="我自己")),
             "forbidden")
    rid = new_id()
    assert pm.push_one("service_record", "insert", record(me), rid)["status"] == "applied"
    rejected(pm.push_one("service_record", "update", {"approval": "approved"}, rid), "forbidden")
    rejected(pm.push_one("points_ledger", "append", earn(me, rid), rules.earn_id(rid)), "forbidden")
    rejected(city.device("gw_a").push_one("service_record", "update", {"approval": "approved"}, rid), "forbidden")
    need = new_id()
    assert city.device("gw_a").push_one("service_need", "insert", {"title": "代买药"}, need)["status"] == "applied"
    rejected(pm.push_one("service_need", "update", {"status": "claimed", "claimed_member_id": them}, need), "forbidden")
    rejected(pm.push_one("service_need", "update", {"status": "done"}, need), "forbidden")
    rejected(pm.push_one("service_need", "update", {"title": "改成别的"}, need), "forbidden")
    claim = pm.push_one("service_need", "update", {"status": "claimed", "claimed_member_id": me,
                                                  "claimed_at": NOW}, need)
    assert claim["status"] in ("applied", "conflict"), claim
    mine = {r["id"] for r in pm.pull_all().get("service_record", [])}
    assert rid in mine  # their own record comes back to their laptop
    assert not any(r["id"] == rid for r in other.pull_all().get("service_record", []))  # not to another member's


def test_points_are_earned_once_for_an_approved_record_and_by_the_rules(city):
    admin, gw = city.device("admin_a"), city.device("gw_a")
    member = city.device("pm_a").user["party_member_id"]
    rid = new_id()
    made = gw.push_one("service_record", "insert", record(member, entered_from="sheet"), rid)
    assert made["status"] == "applied", made
    rejected(admin.push_one("points_ledger", "append", earn(member, rid), rules.earn_id(rid)), "forbidden")  # not approved
    seq = made["change_seq"]
    assert admin.push_one("service_record", "update", {"approval": "approved", "approved_by": "书记"}, rid,
                          base_versions={"approval": seq, "approved_by": seq})["status"] == "applied"
    rejected(admin.push_one("points_ledger", "append", earn(member, rid, points="3"), rules.earn_id(rid)), "invalid")
    rejected(admin.push_one("points_ledger", "append", earn(member, rid, hours="8", points="2"), rules.earn_id(rid)),
             "invalid")
    rejected(admin.push_one("points_ledger", "append", earn(member, rid), new_id()), "invalid")  # a second id: a double
    rejected(admin.push_one("points_ledger", "append", {**earn(member, rid), "record_id": None}, new_id()), "invalid")
    ok = admin.push_one("points_ledger", "append", earn(member, rid), rules.earn_id(rid))
    assert ok["status"] == "applied", ok
    # Credited: its hours are no longer edited (a correction is a new record), not even by the admin.
    res = gw.push_one("service_record", "update", {"hours": "8"}, rid, base_versions={"hours": seq})
    rejected(res, "invalid")
    assert "不能再修改" in res["reason"]
    again = city.device("admin_a").push_one("points_ledger", "append", earn(member, rid), rules.earn_id(rid))
    assert again["status"] == "applied" and again.get("code") == "already_present", again
    earned = [r for r in admin.pull_all().get("points_ledger", []) if r.get("record_id") == rid]
    assert len(earned) == 1 and earned[0]["community_id"] == COMM_A
