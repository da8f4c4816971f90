"""我的联系户 driven offscreen as a party member would: only their circle (a 中心户 also sees their
members and those members' households), a visit by click + one sentence + Enter credited to their
member id, a case reported and shown with its state, and the 大字 switch remembered per user."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import open_workspace, settle, shot


@pytest.fixture
def circle(db, actor):
    from gridworker.ops.contacts import assign_household, relink

    with db.write(actor) as uow:
        homes = [uow.insert("household", {"address": f"阳光花园3幢{r}室", "head_name": n, "building_no": "3",
                                           "attention_level": lvl})
                 for r, n, lvl in (("101", "张大爷", "high"), ("102", "刘阿姨", "normal"), ("201", "陈师傅", "key"),
                                   ("202", "别人家", "normal"))]
        zhou = uow.insert("party_member", {"name": "周红梅", "is_central_household": True, "phone": "13800000001"})
        li = uow.insert("party_member", {"name": "李卫东", "phone": "13800000002"})
        wang = uow.insert("party_member", {"name": "王建军"})
        relink(uow, "central_member", zhou, li)
        assign_household(uow, homes[0], zhou)
        assign_household(uow, homes[1], zhou)
        assign_household(uow, homes[2], li)
        assign_household(uow, homes[3], wang)
    return {"homes": homes, "zhou": zhou, "li": li, "wang": wang}


def listed(ws):
    return [ws.households.item(i).text().split()[0] for i in range(ws.households.count())]


def as_member(ctx, member_id, tmp_path):
    from gridworker.ui.settings import Settings

    ctx.session.member_id = member_id
    ctx.settings = Settings.at(tmp_path / "settings.ini")
    return ctx


def rows(db, sql, *params):
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_central_household_sees_its_circle_and_logs_a_visit_with_one_sentence(qtbot, ctx, db, circle, tmp_path):
    from gridworker.ui.workspaces.my_households import MyHouseholdsWorkspace

    ws = open_workspace(qtbot, as_member(ctx, circle["zhou"], tmp_path), MyHouseholdsWorkspace)
    assert listed(ws) == ["阳光花园3幢101室", "阳光花园3幢102室", "阳光花园3幢201室"], "own first, no stranger's"
    assert "李卫东联系" in ws.households.item(2).text()
    assert "应立即走访" in ws.households.item(0).text(), "never visited: due now"
    assert "中心户" in ws.header.text() and ws.points_label.text() == "积分：0"
    assert ws.members_box.isVisibleTo(ws) and "李卫东" in ws.members.item(0).text()
    assert not ws.visit_button.isEnabled(), "nothing to save before a household is chosen"

    # one click, one sentence, Enter
    ws.households.setCurrentRow(0)
    ws.summary.setFocus()
    ws.summary.insert("老人身体好，门口楼道灯坏了")  # what an input method commits (QTest types Latin-1 only)
    qtbot.keyClick(ws.summary, Qt.Key.Key_Return)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    visits = rows(db, "SELECT household_id, party_member_id, summary, mode FROM visit")
    assert visits == [{"household_id": circle["homes"][0], "party_member_id": circle["zhou"],
                       "summary": "老人身体好，门口楼道灯坏了", "mode": "door"}]
    assert ws.message.text() == "走访已登记" and ws.summary.text() == ""
    today = dt.date.today().isoformat()
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert f"上次走访 {today}" in ws.households.item(0).text() and f"下次 {due}" in ws.households.item(0).text()

    ws.issue_title.setText("楼道灯坏了")
    qtbot.mouseClick(ws.issue_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.cases.item(0).text().startswith("楼道灯坏了  —  已上报")
    shot(ws, "my_households_zh", (1366, 768))


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_an_ordinary_member_sees_only_their_own_and_large_text_is_remembered(qtbot, ctx, db, circle, tmp_path):
    from gridworker.ui.workspaces.my_households import LARGE_PT, MyHouseholdsWorkspace

    ws = open_workspace(qtbot, as_member(ctx, circle["li"], tmp_path), MyHouseholdsWorkspace)
    assert listed(ws) == ["阳光花园3幢201室"]
    assert not ws.members_box.isVisibleTo(ws)
    normal = ws.summary.font().pointSizeF()
    ws.large.setChecked(True)
    assert ws.summary.font().pointSizeF() == LARGE_PT > normal
    ws.households.setCurrentRow(0)
    shot(ws, "my_households_large", (1366, 768))

    again = open_workspace(qtbot, ctx, MyHouseholdsWorkspace)
    assert again.large.isChecked() and again.summary.font().pointSizeF() == LARGE_PT
    assert not ctx.settings.large_text("someone_else"), "remembered per user"


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_login_bound_to_no_member_is_told_so_and_cannot_log(qtbot, ctx, db, circle, tmp_path):
    from gridworker.ui.workspaces.my_households import MyHouseholdsWorkspace

    ws = open_workspace(qtbot, as_member(ctx, None, tmp_path), MyHouseholdsWorkspace)
    assert ws.households.count() == 0 and "管理员" in ws.header.text()
    assert not ws.visit_button.isEnabled()


def test_the_party_member_role_gets_its_screen_and_sync_and_the_grid_worker_all_seven():
    from gridworker.ui.workspaces import WORKSPACES, workspaces_for
    from gridworker.ui.workspaces.my_households import MyHouseholdsWorkspace
    from gridworker.ui.workspaces.sync import SyncWorkspace

    from gridworker.ui.workspaces.service import ServiceWorkspace

    assert workspaces_for("party_member") == (MyHouseholdsWorkspace, ServiceWorkspace, SyncWorkspace)
    assert workspaces_for("grid_worker") == WORKSPACES and MyHouseholdsWorkspace not in WORKSPACES


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_visit_by_the_keyboard_alone_down_enter_a_sentence_enter(qtbot, ctx, db, circle, tmp_path):
    from gridworker.ui.workspaces.my_households import MyHouseholdsWorkspace

    ws = open_workspace(qtbot, as_member(ctx, circle["li"], tmp_path), MyHouseholdsWorkspace)
    ws.activateWindow()
    assert ws.households.hasFocus() or ws.focusWidget() is ws.households
    qtbot.keyClick(ws.households, Qt.Key.Key_Down)
    qtbot.keyClick(ws.households, Qt.Key.Key_Return)
    assert ws.summary.hasFocus() or ws.focusWidget() is ws.summary
    ws.summary.insert("电话问候，一切正常")
    qtbot.keyClick(ws.summary, Qt.Key.Key_Return)
    settle(qtbot, ctx)
    assert rows(db, "SELECT household_id, party_member_id FROM visit") == [
        {"household_id": circle["homes"][2], "party_member_id": circle["li"]}]
