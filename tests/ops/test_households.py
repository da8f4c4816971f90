"""住户 and residents as operations: what is written, what is refused (and then nothing is), by role."""
from __future__ import annotations

import json

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.domain.permissions import PermissionDenied


def outbox_count(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()


def row(db, table: str, row_id: str) -> dict | None:
    with db.read() as conn:
        found = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).mappings().first()
        return dict(found) if found else None


@pytest.fixture
def zhang(db, worker, grid_id):
    """张三's household with two residents."""
    hid = ops.households.add(db, worker, address="阳光花园3幢2单元501室", head_name="张三", phone="13812345678",
                             grid_id=grid_id, tags=["独居老人"]).id
    ops.households.add_resident(db, worker, household_id=hid, name="张三", relation="02",
                                id_number="11010519491231002X")
    ops.households.add_resident(db, worker, household_id=hid, name="张小明", relation="20")
    return hid


def residents(db, hid: str) -> list[tuple[str, int]]:
    with db.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(
            "SELECT name, deleted FROM resident WHERE household_id = ? ORDER BY name", (hid,))]


# --------------------------------------------------------------------------- households
def test_add_and_update_a_household(db, worker, grid_id):
    before = outbox_count(db)
    done = ops.households.add(db, worker, address="幸福里3幢2单元501室", head_name="赵六", phone="139 0000 1111",
                              grid_id=grid_id, tenure="", tags=[])
    h = row(db, "household", done.id)
    assert (h["address"], h["head_name"], h["phone"], h["grid_id"]) == ("幸福里3幢2单元501室", "赵六", "13900001111",
                                                                         grid_id)
    assert h["attention_level"] == "normal" and json.loads(h["tags"]) == [], "blanks are left to the defaults"
    assert outbox_count(db) == before + 1 and done.as_json()["changed"] == {"household": [done.id]}

    changed = ops.households.update(db, worker, household_id=done.id, values={"head_name": "赵六", "notes": "新搬来"})
    assert row(db, "household", done.id)["notes"] == "新搬来" and outbox_count(db) == before + 2
    assert changed.changes.touched("household")
    unchanged = ops.households.update(db, worker, household_id=done.id, values={"notes": "新搬来"})
    assert not unchanged.changes and outbox_count(db) == before + 2, "nothing changed, nothing written"


def test_a_bad_value_is_refused_on_its_field_and_nothing_is_written(db, worker, zhang):
    before = outbox_count(db)
    with pytest.raises(ValidationError) as refused:
        ops.households.update(db, worker, household_id=zhang, values={"phone": "12345", "head_name": "张三丰"})
    assert refused.value.field == "phone"
    assert (row(db, "household", zhang)["phone"], row(db, "household", zhang)["head_name"]) == ("13812345678", "张三")
    with pytest.raises(ValidationError) as blank:
        ops.households.add(db, worker, address="  ")
    assert blank.value.field == "address"
    assert outbox_count(db) == before


def test_delete_a_household_tombstones_its_residents_too(db, worker, zhang):
    before = outbox_count(db)
    done = ops.households.delete(db, worker, household_id=zhang)
    assert row(db, "household", zhang)["deleted"] == 1
    assert residents(db, zhang) == [("张三", 1), ("张小明", 1)]
    assert outbox_count(db) == before + 3 and sorted(done.changes.rows) == ["household", "resident"]
    with pytest.raises(ValidationError) as gone:
        ops.households.delete(db, worker, household_id=zhang)
    assert gone.value.field == "household_id" and outbox_count(db) == before + 3


def test_a_party_member_may_not_add_change_move_or_delete_a_household(db, member, zhang, grid_id):
    before = outbox_count(db)
    with pytest.raises(PermissionDenied) as refused:
        ops.households.delete(db, member, household_id=zhang)
    assert refused.value.message == "联户党员账号不能删除住户"
    with pytest.raises(PermissionDenied, match="联户党员账号不能修改住户"):
        ops.households.update(db, member, household_id=zhang, values={"notes": "党员走访时补充"})
    with pytest.raises(PermissionDenied, match="联户党员账号不能新增住户"):
        ops.households.add(db, member, address="幸福里1幢1单元101室")
    with pytest.raises(PermissionDenied, match="联户党员账号不能迁移住户"):
        ops.households.move(db, member, household_id=zhang, grid_id=grid_id)
    with pytest.raises(PermissionDenied, match="联户党员账号不能新增居民"):
        ops.households.add_resident(db, member, household_id=zhang, name="张小红")
    assert outbox_count(db) == before
    assert row(db, "household", zhang)["deleted"] == 0 and row(db, "household", zhang)["notes"] is None
    assert residents(db, zhang) == [("张三", 0), ("张小明", 0)]


def test_nobody_logged_in_may_do_nothing(db, zhang):
    with pytest.raises(PermissionDenied, match="请先登录"):
        ops.households.delete(db, db.actor("x"), household_id=zhang)


def test_move_a_household_to_another_grid_and_building(db, worker, zhang):
    with db.write(worker) as uow:
        other = uow.insert("org_unit", {"code": "320211001002", "name": "第二网格", "level": "grid",
                                        "parent_id": db.community_id})
        building = uow.insert("building", {"grid_id": other, "estate": "幸福里", "building_no": "2"})
    ops.households.move(db, worker, household_id=zhang, grid_id=other, building_id=building,
                        address="幸福里2幢1单元101室")
    h = row(db, "household", zhang)
    assert (h["grid_id"], h["building_id"], h["address"]) == (other, building, "幸福里2幢1单元101室")
    with pytest.raises(ValidationError) as no_grid:
        ops.households.move(db, worker, household_id=zhang, grid_id="")
    assert no_grid.value.field == "grid_id" and row(db, "household", zhang)["grid_id"] == other


# --------------------------------------------------------------------------- residents
def test_add_change_move_and_remove_residents(db, worker, zhang):
    li = ops.households.add(db, worker, address="阳光花园3幢2单元502室", head_name="李四").id
    before = outbox_count(db)
    with pytest.raises(ValidationError) as bad:
        ops.households.add_resident(db, worker, household_id=li, name="李四", id_number="110105194912310021")
    assert bad.value.field == "id_number" and outbox_count(db) == before
    rid = ops.households.add_resident(db, worker, household_id=li, name="李四", id_number="11010519491231002X",
                                      tags=["残疾人"], gender="").id
    assert row(db, "resident", rid)["id_number"] == "11010519491231002X"
    (xiao,) = [r["id"] for r in _residents(db, zhang) if r["name"] == "张小明"]
    ops.households.update_resident(db, worker, resident_id=xiao, values={"household_id": li, "notes": "结婚迁入"})
    assert residents(db, li) == [("张小明", 0), ("李四", 0)] and residents(db, zhang) == [("张三", 0)]
    with pytest.raises(ValidationError) as nowhere:
        ops.households.update_resident(db, worker, resident_id=xiao, values={"household_id": "没有这一户"})
    assert nowhere.value.field == "household_id"
    ops.households.delete_resident(db, worker, resident_id=xiao)
    assert residents(db, li) == [("张小明", 1), ("李四", 0)]


def _residents(db, hid):
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql(
            "SELECT id, name FROM resident WHERE household_id = ? AND deleted = 0", (hid,)).mappings()]


# --------------------------------------------------------------------------- revealing full numbers
def test_a_reveal_is_written_to_the_audit_log_and_a_party_member_is_refused(db, worker, member, zhang):
    done = ops.personal.reveal(db, worker, what=["id_number"], where="resident_dialog", table="household",
                               row_id=zhang, detail={"residents": 2})
    with db.read() as conn:
        entries = [dict(r) for r in conn.exec_driver_sql(
            "SELECT id, action, table_name, row_id, detail, created_by FROM audit_log WHERE action = 'reveal'")
            .mappings()]
    assert [(e["id"], e["table_name"], e["row_id"], e["created_by"]) for e in entries] == [
        (done.id, "household", zhang, "user-1")]
    assert json.loads(entries[0]["detail"]) == {"what": ["id_number"], "where": "resident_dialog", "residents": 2}
    with pytest.raises(PermissionDenied) as refused:
        ops.personal.reveal(db, member, what=["phone"], where="household_list")
    assert refused.value.message == "联户党员账号不能查看完整号码"
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'reveal'").scalar() == 1


# --------------------------------------------------------------------------- the command line
def test_add_a_household_from_the_command_line(db, run_op, grid_id):
    code, out = run_op("household.add", "address=幸福里5幢1单元101室", "head_name=孙七", f"grid_id={grid_id}",
                       'tags=["独居老人"]')
    assert code == 0, out
    assert out["ok"] is True and out["changed"] == {"household": [out["id"]]}
    h = row(db, "household", out["id"])
    assert (h["address"], h["head_name"], json.loads(h["tags"])) == ("幸福里5幢1单元101室", "孙七", ["独居老人"])


def test_a_party_member_cannot_delete_a_household_from_the_command_line(db, run_op, zhang):
    before = outbox_count(db)
    code, out = run_op("household.delete", f"household_id={zhang}", user="party_member")
    assert code == 1
    assert out == {"error": "forbidden", "message": "联户党员账号不能删除住户"}
    assert outbox_count(db) == before and row(db, "household", zhang)["deleted"] == 0
