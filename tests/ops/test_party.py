"""党员名册 as operations: branches, adding from a resident or as an in-service member, 中心户 with a
reason, a member leaving with their households reassigned to the nearest, and visits credited by id."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.domain.permissions import PermissionDenied
from gridworker.ops.contacts import assign_household, relink
from gridworker.store import queries_party as qp


@pytest.fixture
def admin(db):
    return db.actor("admin-1", "管理员", "admin")


@pytest.fixture
def place(db, admin):
    """A community with a grid, two buildings' households, and residents of every 政治面貌 we need."""
    with db.write(admin) as uow:
        comm = uow.insert("org_unit", {"code": "C1", "name": "阳光社区", "level": "community"})
        grid = uow.insert("org_unit", {"code": "C1G1", "name": "第一网格", "level": "grid", "parent_id": comm})
        homes = {}
        for b in ("3", "5"):
            for room in ("101", "102", "201"):
                homes[b + room] = uow.insert("household", {"address": f"阳光花园{b}幢{room}室", "estate": "阳光花园",
                                                           "building_no": b})
        people = {
            "zhou": uow.insert("resident", {"household_id": homes["3101"], "name": "周红梅", "political": "01"}),
            "li": uow.insert("resident", {"household_id": homes["3102"], "name": "李卫东", "political": "02"}),
            "wang": uow.insert("resident", {"household_id": homes["5101"], "name": "王建军", "political": "01"}),
            "zhao": uow.insert("resident", {"household_id": homes["5102"], "name": "赵群众", "political": "13"}),
        }
    return {"community": comm, "grid": grid, "homes": homes, "people": people}


def test_a_branch_is_an_org_unit_with_its_secretary_and_only_an_admin_sets_one_up(db, admin, worker, place):
    done = ops.party.branch_add(db, admin, name="第一网格党支部", parent_id=place["grid"], secretary="陈书记")
    with db.read() as conn:
        assert [(b["name"], b["secretary"], b["parent_name"]) for b in qp.branches(conn)] == [
            ("第一网格党支部", "陈书记", "第一网格")]
    ops.party.branch_update(db, admin, branch_id=done.id, secretary="林书记")
    with db.read() as conn:
        assert qp.branches(conn)[0]["secretary"] == "林书记"
    with pytest.raises(PermissionDenied, match="设立网格党支部"):
        ops.party.branch_add(db, worker, name="另一个支部", parent_id=place["grid"])


def test_a_member_comes_from_a_resident_whose_political_status_is_party(db, worker, admin, place):
    branch = ops.party.branch_add(db, admin, name="第一网格党支部", parent_id=place["grid"]).id
    done = ops.party.add(db, worker, resident_id=place["people"]["li"], branch_id=branch, pledge="随叫随到")
    with db.read() as conn:
        (row,) = qp.roster(conn)
    assert (row["name"], row["branch_name"], row["household_id"], row["pledge"]) == (
        "李卫东", "第一网格党支部", place["homes"]["3102"], "随叫随到")
    assert row["id"] == done.id
    with pytest.raises(ValidationError, match="政治面貌不是中共党员"):
        ops.party.add(db, worker, resident_id=place["people"]["zhao"])
    with pytest.raises(ValidationError, match="已在党员名册中"):
        ops.party.add(db, worker, resident_id=place["people"]["li"])
    with pytest.raises(ValidationError, match="不是网格党支部"):
        ops.party.add(db, worker, resident_id=place["people"]["wang"], branch_id=place["grid"])


def test_an_in_service_member_registers_with_workplace_and_report_date(db, worker, place):
    with pytest.raises(ValidationError) as missing:
        ops.party.add(db, worker, name="孙在职", phone="13912345678", reported_on=dt.date(2026, 3, 1))
    assert missing.value.field == "workplace"
    done = ops.party.add(db, worker, name="孙在职", phone="13912345678", workplace="市卫健委",
                         reported_on=dt.date(2026, 3, 1))
    with db.read() as conn:
        row = next(m for m in qp.roster(conn) if m["id"] == done.id)
    assert (row["in_service"], row["workplace"], row["reported_on"], row["resident_id"]) == (
        1, "市卫健委", "2026-03-01", None)


def test_a_party_member_login_may_not_touch_the_roster(db, member, place):
    with pytest.raises(PermissionDenied, match="管理党员名册"):
        ops.party.add(db, member, resident_id=place["people"]["li"])


def test_designating_and_revoking_a_central_household_needs_a_reason(db, worker, place):
    zhou = ops.party.add(db, worker, resident_id=place["people"]["zhou"]).id
    li = ops.party.add(db, worker, resident_id=place["people"]["li"]).id
    with pytest.raises(ValidationError, match="请填写原因"):
        ops.party.set_central(db, worker, member_id=zhou, central=True, reason=" ")
    ops.party.set_central(db, worker, member_id=zhou, central=True, reason="支部大会推选")
    ops.contacts.relink_member(db, worker, member_id=li, central_id=zhou)
    with db.read() as conn:
        roster = {m["name"]: m for m in qp.roster(conn)}
    assert roster["周红梅"]["is_central_household"] == 1 and roster["周红梅"]["central_reason"] == "支部大会推选"
    assert roster["李卫东"]["central_name"] == "周红梅"
    ops.party.set_central(db, worker, member_id=zhou, central=False, reason="年事已高，本人申请")
    with db.read() as conn:
        roster = {m["name"]: m for m in qp.roster(conn)}
    assert roster["周红梅"]["is_central_household"] == 0
    assert roster["李卫东"]["central_name"] is None, "the members under a revoked 中心户 are no longer linked to it"


def test_a_member_who_moves_away_leaves_with_households_reassigned_to_the_nearest(db, worker, place):
    homes = place["homes"]
    zhou = ops.party.add(db, worker, resident_id=place["people"]["zhou"]).id
    li = ops.party.add(db, worker, resident_id=place["people"]["li"]).id      # lives in 3幢
    wang = ops.party.add(db, worker, resident_id=place["people"]["wang"]).id  # lives in 5幢
    with db.write(worker) as uow:
        assign_household(uow, homes["3201"], zhou)
        assign_household(uow, homes["5201"], zhou)
        relink(uow, "central_member", zhou, li)
    ops.party.set_central(db, worker, member_id=zhou, central=True, reason="推选")
    proposals = ops.party.propose(db, worker, member_id=zhou).value
    best = {p["address"]: p["candidates"][0] for p in proposals}
    assert best["阳光花园3幢201室"]["id"] == li and best["阳光花园3幢201室"]["why"] == "同一楼栋"
    assert best["阳光花园5幢201室"]["id"] == wang and best["阳光花园5幢201室"]["why"] == "同一楼栋"
    with pytest.raises(ValidationError, match="离开原因"):
        ops.party.leave(db, worker, member_id=zhou, kind="gone")
    done = ops.party.leave(db, worker, member_id=zhou, kind="moved", reason="搬往外区",
                           reassign={homes["3201"]: li})
    assert done.value == {"reassigned": {homes["3201"]: li}, "unlinked": [homes["5201"]]}
    with db.read() as conn:
        roster = {m["name"]: m for m in qp.roster(conn)}
        live = conn.exec_driver_sql("SELECT from_id, to_id, reason FROM contact_link WHERE active = 1").fetchall()
        left = conn.exec_driver_sql("SELECT left_on, left_reason, deleted FROM party_member WHERE id = ?",
                                    (zhou,)).one()
    assert "周红梅" not in roster
    assert (li, homes["3201"], "迁出：搬往外区") in live
    assert not [lk for lk in live if zhou in (lk[0], lk[1])], "no active link of the leaving member remains"
    assert left[1] == "迁出：搬往外区" and left[2] == 1 and left[0] == dt.date.today().isoformat()


def test_a_party_members_visit_is_credited_by_the_id_they_are_bound_to_not_their_name(db, worker, place):
    li = ops.party.add(db, worker, resident_id=place["people"]["li"]).id
    ops.party.add(db, worker, name="李党员", phone="13912345678", workplace="区法院", reported_on=dt.date(2026, 1, 5))
    pm = db.actor("pm-1", "李党员", "party_member", member_id=li)  # display name matches the other member
    done = ops.visits.log(db, pm, household_id=place["homes"]["3102"], mode="door", summary="老人身体好")
    with db.read() as conn:
        credited = conn.exec_driver_sql("SELECT party_member_id FROM visit WHERE id = ?", (done.id,)).scalar()
    assert credited == li


def test_the_roster_operations_run_from_the_command_line(db, run_op, place):
    code, out = run_op("party.add", f"resident_id={place['people']['wang']}", "pledge=垃圾分类我先行")
    assert code == 0, out
    code, out2 = run_op("party.set_central", f"member_id={out['id']}", "central=true", "reason=支部推选")
    assert code == 0 and out2["changed"]["party_member"] == [out["id"]]
    code, refused = run_op("party.leave", f"member_id={out['id']}", "kind=nowhere")
    assert code == 1 and "离开原因" in refused["message"]



def test_the_roster_imports_and_exports_from_the_command_line(db, admin, run_op, tmp_path):
    import csv

    from gridworker.domain.idcard import check_char

    first17 = "32021119650302001"
    number = first17 + check_char(first17)
    with db.write(admin) as uow:
        home = uow.insert("household", {"address": "阳光花园3幢101室"})
        uow.insert("resident", {"household_id": home, "name": "周红梅", "id_number": number, "political": "01"})
    path = tmp_path / "党员.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["党员名册"], ["姓名", "公民身份号码", "党员中心户"], ["周红梅", number, "是"],
                                 ["钱无号", "", ""]])
    code, out = run_op("party.import", f"path={path}", f"report={tmp_path / 'r.xlsx'}")
    assert code == 0, out
    assert (out["value"]["created"], out["value"]["rejected"]) == (1, 1) and (tmp_path / "r.xlsx").exists()
    code, out = run_op("party.export", f"path={tmp_path / 'out.csv'}")
    assert code == 0 and "周红梅（中心户）" in (tmp_path / "out.csv").read_text("utf-8-sig")
