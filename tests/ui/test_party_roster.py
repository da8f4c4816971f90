"""党员名册 panel driven offscreen: add a member from a resident, register an in-service member,
designate a 中心户 (a reason is asked for), a member leaving hands their households to the nearest."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import open_workspace, settle, shot


@pytest.fixture
def place(db, actor):
    from gridworker.ops.contacts import assign_household

    with db.write(actor) as uow:
        comm = uow.insert("org_unit", {"code": "C1", "name": "阳光社区", "level": "community"})
        grid = uow.insert("org_unit", {"code": "C1G1", "name": "第一网格", "level": "grid", "parent_id": comm})
        uow.insert("org_unit", {"code": "C1G1-PB", "name": "第一网格党支部", "level": "party_branch",
                                "parent_id": grid, "secretary": "陈书记"})
        homes = [uow.insert("household", {"address": f"阳光花园3幢{r}室", "estate": "阳光花园", "building_no": "3"})
                 for r in ("101", "102", "201", "202")]
        zhou = uow.insert("resident", {"household_id": homes[0], "name": "周红梅", "political": "01"})
        uow.insert("resident", {"household_id": homes[1], "name": "李卫东", "political": "02"})
        uow.insert("resident", {"household_id": homes[2], "name": "赵群众", "political": "13"})
        member = uow.insert("party_member", {"name": "周红梅", "resident_id": zhou, "household_id": homes[0]})
        assign_household(uow, homes[3], member)
    return {"homes": homes, "zhou": member}


def roster_names(ws):
    return [ws.table.item(i, 0).text() for i in range(ws.table.rowCount())]


def select(ws, qtbot, ctx, name):
    row = roster_names(ws).index(name)
    ws.table.selectRow(row)
    settle(qtbot, ctx)


def test_the_roster_adds_members_and_a_central_household_with_a_reason(qtbot, ctx, db, place):
    from gridworker.ui.workspaces.party_roster import PartyRosterPanel

    ws = open_workspace(qtbot, ctx, PartyRosterPanel)
    assert roster_names(ws) == ["周红梅"]
    eligible = [ws.resident_list.item(i).text() for i in range(ws.resident_list.count())]
    assert len(eligible) == 1 and eligible[0].startswith("李卫东"), "only party residents not yet on the roster"
    ws.tabs.setCurrentIndex(1)
    ws.resident_list.setCurrentRow(0)
    ws.add_branch.setCurrentIndex(ws.add_branch.findText("第一网格党支部", Qt.MatchFlag.MatchStartsWith))
    ws.add_pledge.setText("邻里有事找我")
    qtbot.mouseClick(ws.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert sorted(roster_names(ws)) == ["周红梅", "李卫东"]
    row = roster_names(ws).index("李卫东")
    assert ws.table.item(row, 2).text() == "第一网格党支部" and ws.table.item(row, 6).text() == "邻里有事找我"

    ws.tabs.setCurrentIndex(2)
    ws.svc_name.setText("孙在职")
    qtbot.keyClicks(ws.svc_phone, "13912345678")
    qtbot.mouseClick(ws.svc_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert "工作单位" in ws.error.text(), "a missing workplace is said, not silently dropped"
    ws.svc_workplace.setText("市卫健委")
    qtbot.mouseClick(ws.svc_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    row = roster_names(ws).index("孙在职")
    assert ws.table.item(row, 1).text() == "在职党员"

    select(ws, qtbot, ctx, "周红梅")
    ws.tabs.setCurrentIndex(0)
    qtbot.mouseClick(ws.central_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert "原因" in ws.error.text()
    ws.central_reason.setText("支部大会推选")
    qtbot.mouseClick(ws.central_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.table.item(roster_names(ws).index("周红梅"), 3).text() == "是"
    assert "党员中心户 1 户" in ws.count_label.text()
    shot(ws, "party_roster")


def test_a_leaving_member_hands_households_to_the_nearest_proposed(qtbot, ctx, db, place):
    from gridworker import ops
    from gridworker.ui.workspaces.party_roster import PartyRosterPanel

    with db.read() as conn:
        li_resident = conn.exec_driver_sql("SELECT id FROM resident WHERE name = '李卫东'").scalar()
    li = ops.party.add(db, ctx.session.actor(db), resident_id=li_resident).id
    ws = open_workspace(qtbot, ctx, PartyRosterPanel)
    select(ws, qtbot, ctx, "周红梅")
    proposals = [ws.proposal_list.item(i).text() for i in range(ws.proposal_list.count())]
    assert proposals == ["阳光花园3幢202室 → 李卫东（同一楼栋，现联系0户）"]
    ws.leave_kind.setCurrentIndex(ws.leave_kind.findData("moved"))
    ws.leave_reason.setText("搬往外区")
    shot(ws, "party_roster_leave")
    qtbot.mouseClick(ws.leave_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert roster_names(ws) == ["李卫东"]
    assert ws.table.item(0, 5).text() == "1"
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT from_id FROM contact_link WHERE to_id = ? AND active = 1",
                                    (place["homes"][3],)).scalar() == li
