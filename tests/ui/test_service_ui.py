"""志愿服务 (#15) through the real widgets: the secretary enters and approves service, the balance and
statement follow; a paper sign-in sheet is entered with one keystroke per attendee; bad hours are
named; a party member sees only their own records and statement."""
from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import open_workspace, settle, shot


def _members(db, actor, names=("李红", "周明", "吴芳")):
    with db.write(actor) as uow:
        return [uow.insert("party_member", {"name": n, "in_service": True, "branch": "第一支部"}) for n in names]


def _cell(table, row, col):
    return table.item(row, col).text() if table.item(row, col) else ""


@pytest.mark.parametrize("ctx", ["admin"], indirect=True)
def test_the_secretary_enters_approves_and_sees_the_balance(qtbot, ctx, db, actor):
    from gridworker.ui.workspaces.service import ServiceWorkspace

    li, zhou, wu = _members(db, actor)
    ws = open_workspace(qtbot, ctx, ServiceWorkspace)
    ws.member.setCurrentIndex(ws.member.findData(li))
    ws.hours.setText("三小时")
    ws.record_button.click()
    settle(qtbot, ctx)
    assert "hours" in ws.error.text() or "数字" in ws.error.text(), ws.error.text()
    ws.hours.setText("3")
    ws.activity.setText("为独居老人打扫卫生")
    ws.record_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.records.rowCount() == 1 and _cell(ws.records, 0, 8) == "待审核"

    # the paper sign-in sheet: activity, date, hours, then Space on each attendee
    ws.tabs.setCurrentIndex(1)
    ws.sheet_activity.setText("社区环境整治")
    ws.sheet_hours.setText("1.5")
    ws.sheet.setFocus()
    ws.sheet.setCurrentRow(next(i for i in range(ws.sheet.count()) if "周明" in ws.sheet.item(i).text()))
    qtbot.keyClick(ws.sheet, Qt.Key.Key_Space)
    settle(qtbot, ctx)
    qtbot.keyClick(ws.sheet, Qt.Key.Key_Space)  # the cursor moved on to the next name
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert "2" in ws.sheet_count.text()
    marked = {ws.sheet.item(i).text()[2:4] for i in range(ws.sheet.count()) if ws.sheet.item(i).text().startswith("✓")}
    assert marked == {"周明", "李红"}  # 周明, then the next name on the sheet

    ws.tabs.setCurrentIndex(0)
    assert ws.records.rowCount() == 3
    ws.records.selectAll()
    ws.approve_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.records.rowCount() == 0  # nothing left waiting
    ws.record_filter.setCurrentIndex(ws.record_filter.findData("approved"))
    assert ws.records.rowCount() == 3 and {_cell(ws.records, r, 8) for r in range(3)} == {"已审核"}
    ws.tabs.setCurrentIndex(3)
    balances = {_cell(ws.balances, r, 0): Decimal(_cell(ws.balances, r, 2)) for r in range(ws.balances.rowCount())}
    assert balances == {"李红": 2 + Decimal("1.5"), "周明": Decimal("1.5"), "吴芳": 0}
    row = next(r for r in range(ws.balances.rowCount()) if _cell(ws.balances, r, 0) == "李红")
    ws.balances.selectRow(row)
    settle(qtbot, ctx)
    assert ws.statement.rowCount() == 2 and {_cell(ws.statement, r, 4) for r in range(2)} == {"+2", "+1.5"}
    ws.redeem_points.setText("5")
    ws.redeem_item.setText("理发一次")
    ws.redeem_button.click()
    settle(qtbot, ctx)
    assert "积分不足" in ws.error.text()
    shot(ws, "service_points")
    ws.tabs.setCurrentIndex(0)
    shot(ws, "service_records")


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_party_member_records_their_own_service_and_sees_only_theirs(qtbot, ctx, db, actor, tmp_path):
    from gridworker import ops
    from gridworker.ui.workspaces.service import ServiceWorkspace

    li, zhou, _ = _members(db, actor)
    ops.service.record(db, db.actor("gw", "王网格", "grid_worker"), member_id=zhou, hours="2")
    ctx.session.member_id = li
    ws = open_workspace(qtbot, ctx, ServiceWorkspace)
    assert not ws.tabs.isTabVisible(1) and not ws.approve_button.isVisible()
    assert ws.member.currentData() == li and not ws.member.isEnabled()
    ws.hours.setText("2")
    ws.record_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.records.rowCount() == 1 and _cell(ws.records, 0, 1) == "李红"
    assert "审核" in ws.error.text()


@pytest.mark.parametrize("ctx", ["admin"], indirect=True)
def test_the_civility_selection_from_nomination_to_the_households_stars(qtbot, ctx, db, actor):
    from gridworker import ops
    from gridworker.ui.workspaces.service import ServiceWorkspace
    from workflow_helpers import add_households

    homes = add_households(db, actor, [{"address": "阳光花园3幢101室", "head_name": "张建国"},
                                       {"address": "阳光花园3幢102室", "head_name": "李秀英"},
                                       {"address": "阳光花园3幢201室", "head_name": "王大伟"}])
    ws = open_workspace(qtbot, ctx, ServiceWorkspace)
    ws.tabs.setCurrentIndex(5)
    ws.nominees.setPlainText("阳光花园3幢101室\n阳光花园9幢999室")
    ws.open_selection_button.click()
    settle(qtbot, ctx)
    assert "阳光花园9幢999室" in ws.error.text()  # a nominee that is not a household is named
    ws.nominees.setPlainText("阳光花园3幢101室\n阳光花园3幢102室")
    ws.open_selection_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.selection.count() == 1 and "投票中" in ws.selection.currentText()
    bid = ws.selection.currentData()
    with db.read() as conn:
        options = dict(conn.exec_driver_sql("SELECT household_id, id FROM ballot_option WHERE ballot_id = ?",
                                            (bid,)).fetchall())
    for voter in homes:
        ops.ballots.vote(db, ctx.actor, ballot_id=bid, household_id=voter, option_id=options[homes[1]])
    ops.ballots.close(db, ctx.actor, ballot_id=bid)
    settle(qtbot, ctx)
    ws.winners.setValue(1)
    ws.apply_selection_button.click()
    settle(qtbot, ctx)
    assert "1 户" in ws.error.text(), ws.error.text()
    with db.read() as conn:
        stars = dict(conn.exec_driver_sql("SELECT id, civility_stars FROM household").fetchall())
    assert stars[homes[1]] == 5 and stars[homes[0]] is None
    shot(ws, "service_honour")
