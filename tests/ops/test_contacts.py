"""党员联户 as operations: assign, reassign with a reason, one active member per household, by role."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.domain.ids import deterministic_id
from gridworker.domain.permissions import PermissionDenied
from gridworker.ops.contacts import assign_household, relink


def outbox_count(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()


def links(db, kind: str, to_id: str) -> list[dict]:
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql(
            "SELECT id, from_id, active, start_date, end_date, reason FROM contact_link"
            " WHERE kind = ? AND to_id = ? ORDER BY active", (kind, to_id)).mappings()]


@pytest.fixture
def people(db, worker):
    """A central household with two party members, and two households nobody links yet."""
    with db.write(worker) as uow:
        hids = [uow.insert("household", {"address": f"阳光花园3幢1单元{r}室", "head_name": n})
                for r, n in (("101", "张建国"), ("102", "李秀英"))]
        central = uow.insert("party_member", {"name": "周红梅", "is_central_household": True})
        li = uow.insert("party_member", {"name": "李卫东"})
        wang = uow.insert("party_member", {"name": "王建军"})
        relink(uow, "central_member", central, li)
        relink(uow, "central_member", central, wang)
    return {"households": hids, "central": central, "li": li, "wang": wang}


def test_assign_then_reassign_with_a_reason(db, worker, people):
    hid, li, wang = people["households"][0], people["li"], people["wang"]
    done = ops.contacts.assign(db, worker, household_id=hid, member_id=li)
    first = deterministic_id(li, hid, "member_household")
    assert done.id == first and [(x["id"], x["active"]) for x in links(db, "member_household", hid)] == [(first, 1)]

    before = outbox_count(db)
    with pytest.raises(ValidationError) as refused:
        ops.contacts.assign(db, worker, household_id=hid, member_id=wang, reason="  ")
    assert (refused.value.field, refused.value.message) == ("reason", "调整联系必须说明原因")
    assert outbox_count(db) == before and [x["active"] for x in links(db, "member_household", hid)] == [1]

    ops.contacts.assign(db, worker, household_id=hid, member_id=wang, reason="李卫东外出务工，改由王建军联系")
    old, new = links(db, "member_household", hid)
    today = dt.date.today().isoformat()
    assert (old["id"], old["active"], old["end_date"], old["reason"]) == (first, 0, today, "李卫东外出务工，改由王建军联系")
    assert (new["id"], new["active"], new["start_date"]) == (deterministic_id(wang, hid, "member_household"), 1, today)
    assert outbox_count(db) == before + 2, "one link ended, one started: one unit of work"

    # Back to the first member: the same deterministic row comes back, no third row.
    ops.contacts.assign(db, worker, household_id=hid, member_id=li, reason="李卫东已返回社区")
    assert [(x["id"], x["active"]) for x in links(db, "member_household", hid)] == [
        (deterministic_id(wang, hid, "member_household"), 0), (first, 1)]


def test_a_household_never_has_two_active_members(db, worker, people):
    hid = people["households"][1]
    with db.write(worker) as uow:
        assign_household(uow, hid, people["li"])
    # Writing a second active link directly (without ending the first) is refused by the store.
    with pytest.raises(ValidationError) as refused:
        with db.write(worker) as uow:
            uow.insert("contact_link", {"kind": "member_household", "from_id": people["wang"], "to_id": hid})
    assert refused.value.code == "household_already_linked"
    # Assigning the member it already has is refused too, with a plain message.
    with pytest.raises(ValidationError) as same:
        ops.contacts.assign(db, worker, household_id=hid, member_id=people["li"], reason="重复")
    assert (same.value.field, same.value.message) == ("from_id", "已经是这名党员联系，无需调整")
    assert sum(x["active"] for x in links(db, "member_household", hid)) == 1


def test_move_a_party_member_to_another_central_household(db, worker, people):
    with db.write(worker) as uow:
        other = uow.insert("party_member", {"name": "吴国庆", "is_central_household": True})
    with pytest.raises(ValidationError) as not_central:
        ops.contacts.relink_member(db, worker, member_id=people["li"], central_id=people["wang"], reason="试试")
    assert not_central.value.message == "王建军不是党员中心户"
    ops.contacts.relink_member(db, worker, member_id=people["li"], central_id=other, reason="按楼栋重新划分联系片区")
    assert [(x["from_id"], x["active"], x["reason"]) for x in links(db, "central_member", people["li"])] == [
        (people["central"], 0, "按楼栋重新划分联系片区"), (other, 1, "按楼栋重新划分联系片区")]


def test_a_party_member_may_not_change_who_links_whom(db, people):
    member = db.actor("pm-1", "李党员", "party_member")
    before = outbox_count(db)
    with pytest.raises(PermissionDenied) as refused:
        ops.contacts.assign(db, member, household_id=people["households"][0], member_id=people["li"])
    assert refused.value.message == "联户党员账号不能新增联户关系"
    with pytest.raises(PermissionDenied):
        ops.contacts.relink_member(db, member, member_id=people["li"], central_id=people["central"], reason="x")
    assert outbox_count(db) == before and links(db, "member_household", people["households"][0]) == []


def test_assign_from_the_command_line(db, run_op, people):
    hid = people["households"][0]
    code, out = run_op("contact.assign", f"household_id={hid}", f"member_id={people['li']}")
    assert code == 0, out
    assert out["id"] == deterministic_id(people["li"], hid, "member_household")
    assert out["changed"] == {"contact_link": [out["id"]]}
    code, out = run_op("contact.assign", f"household_id={hid}", f"member_id={people['wang']}")
    assert (code, out) == (1, {"error": "reason_required", "message": "reason: 调整联系必须说明原因"})
    code, out = run_op("contact.assign", f"household_id={hid}", f"member_id={people['wang']}", "reason=x",
                       user="party_member")
    assert (code, out) == (1, {"error": "forbidden", "message": "联户党员账号不能新增联户关系"})
    assert [(x["from_id"], x["active"]) for x in links(db, "member_household", hid)] == [(people["li"], 1)]
