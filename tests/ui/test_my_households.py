"""我的联系户 driven offscreen: a party member sees only their circle (a 中心户 also their members'
households), logs a visit with one click, a mode and a sentence, and 大字 is remembered per user."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import open_workspace, settle, shot


@pytest.fixture
def circle(db, actor):
    from gridworker.ops.contacts import assign_household, relink

    with db.write(actor) as uow:
        homes = [uow.insert("household", {"address": f"阳光花园3幢{r}室", "head_name": n,
                                          "attention_level": lvl})
                 for r, n, lvl in (("101", "张建国", "normal"), ("102", "李秀英", "key"), ("201", "王大伟", "normal"),
                                   ("202", "赵桂兰", "normal"))]
        central = uow.insert("party_member", {"name": "周红梅", "is_central_household": True})
        li = uow.insert("party_member", {"name": "李卫东"})
        other = uow.insert("party_member", {"name": "王建军"})
        relink(uow, "central_member", central, li)
        assign_household(uow, homes[0], central)
        assign_household(uow, homes[1], li)
        assign_household(uow, homes[2], other)  # not in 周红梅's circle
        assign_household(uow, homes[3], li)
    return {"homes": homes, "central": central, "li": li, "other": other}


def show(qtbot, ctx, member_id, tmp_path):
    from gridworker.ui.my_households import MyHouseholdsScreen
    from gridworker.ui.settings import Settings

    ctx.session.member_id = member_id
    ctx.settings = Settings.at(tmp_path / "settings.ini")
    return open_workspace(qtbot, ctx, MyHouseholdsScreen)


def addresses(ws):
    return [ws.table.item(i, 0).text() for i in range(ws.table.rowCount())]


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_member_sees_their_own_households_and_logs_a_visit_in_three_steps(qtbot, ctx, db, circle, tmp_path):
    ws = show(qtbot, ctx, circle["li"], tmp_path)
    assert addresses(ws) == ["阳光花园3幢102室", "阳光花园3幢202室"]
    assert "联系 2 户" in ws.hello.text()
    assert ws.table.item(0, 3).text() == "未走访" and ws.table.item(0, 4).text() == "今天"
    ws.table.selectRow(0)                                   # 1. one household click
    ws.modes.button(1).setChecked(True)                     # 2. mode: 电话
    ws.summary.setText("老人身体好，无诉求")                   # 3. a sentence
    qtbot.mouseClick(ws.visit_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.message.text() == "已登记"
    with db.read() as conn:
        visit = conn.exec_driver_sql("SELECT household_id, mode, summary, party_member_id FROM visit").one()
    assert tuple(visit) == (circle["homes"][1], "phone", "老人身体好，无诉求", circle["li"])
    assert ws.table.item(0, 3).text() != "未走访" and ws.table.item(0, 4).text() != "今天"
    shot(ws, "my_households", size=(1024, 700))


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_central_household_also_sees_its_members_households_in_large_text(qtbot, ctx, db, circle, tmp_path):
    ws = show(qtbot, ctx, circle["central"], tmp_path)
    assert addresses(ws) == ["阳光花园3幢101室", "阳光花园3幢102室", "阳光花园3幢202室"]
    assert "阳光花园3幢201室" not in addresses(ws), "another member's household is not in the circle"
    assert "带领党员 1 名" in ws.hello.text()
    base = ws.table.font().pointSizeF()
    ws.large.setChecked(True)
    assert ws.table.font().pointSizeF() > base * 1.5
    shot(ws, "my_households_large", size=(1024, 700))
    again = show(qtbot, ctx, circle["central"], tmp_path)
    assert again.large.isChecked(), "大字 is remembered for this user"


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_login_bound_to_no_member_sees_no_households(qtbot, ctx, db, circle, tmp_path):
    ws = show(qtbot, ctx, None, tmp_path)
    assert ws.table.rowCount() == 0 and "没有关联党员名册" in ws.hello.text()
