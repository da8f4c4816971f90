"""走访 → 待回访 (#14): follow-ups promised at a visit, overdue / due today / this week, until the
household is visited again; double-click logs the follow-up."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle, shot


def at(days: int) -> str:
    return (dt.datetime.now().astimezone() + dt.timedelta(days=days)).isoformat(timespec="seconds")


def day(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_follow_ups_are_listed_by_urgency_and_leave_when_the_household_is_visited(qtbot, ctx, db, actor):
    from gridworker import ops
    from gridworker.ops.visits import write_visit
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    ids = add_households(db, actor, [{"address": f"阳光花园3幢{r}室", "head_name": n, "attention_level": "normal"}
                                     for r, n in (("101", "张建国"), ("102", "李秀英"), ("201", "王大伟"),
                                                  ("202", "赵桂兰"))])
    with db.write(actor) as uow:
        write_visit(uow, {"household_id": ids[0], "mode": "door", "visited_at": at(-10),
                          "follow_up": "联系物业修楼道灯", "follow_up_date": day(-3)})
        write_visit(uow, {"household_id": ids[1], "mode": "phone", "visited_at": at(-2),
                          "follow_up": "复查血压", "follow_up_date": day(0)})
        write_visit(uow, {"household_id": ids[2], "mode": "door", "visited_at": at(-1),
                          "follow_up": "送慰问品", "follow_up_date": day(20)})   # not this week
        wrong = write_visit(uow, {"household_id": ids[3], "mode": "door", "visited_at": at(-1),
                                  "follow_up": "记错了", "follow_up_date": day(-1)})
    ops.visits.void(db, actor_admin(db), visit_id=wrong[0], reason="登记错户")
    ws = open_workspace(qtbot, ctx, VisitsWorkspace)
    panel = ws.follow_ups
    ws.tabs.setCurrentWidget(panel)
    settle(qtbot, ctx)
    t = panel.table
    rows = [(t.item(r, 1).text(), t.item(r, 2).text(), t.item(r, 4).text()) for r in range(t.rowCount())]
    assert rows == [("已超期 3 天", "阳光花园3幢101室", "联系物业修楼道灯"), ("今天", "阳光花园3幢102室", "复查血压")]
    assert panel.counts.text() == "已超期 1 户　今天到期 1 户　7 天内 0 户"
    shot(ws, "visits_follow_ups")

    t.cellDoubleClicked.emit(0, 2)
    assert ws.picker.household_id() == ids[0]
    ws.summary.setPlainText("物业已修好楼道灯")
    ws.save()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert [t.item(r, 2).text() for r in range(t.rowCount())] == ["阳光花园3幢102室"], "visited again: done"


def actor_admin(db):
    return db.actor("setup", "测试管理员", "admin")


def test_a_wrong_visit_is_voided_with_a_reason_and_stays_struck_through(qtbot, ctx, db, actor):
    """最近走访 → 作废这条走访…: the reason is required; the original stays, struck through, with why;
    it no longer counts as the household's last visit."""
    from gridworker.ops.visits import write_visit
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    ids = add_households(db, actor, [{"address": "阳光花园3幢101室", "head_name": "张建国", "attention_level": "high"}])
    with db.write(actor) as uow:
        write_visit(uow, {"household_id": ids[0], "mode": "door", "visited_at": at(-1), "summary": "登记错了户"})
    ws = open_workspace(qtbot, ctx, VisitsWorkspace)
    t = ws.recent_table
    assert t.rowCount() == 1 and not ws.void_button.isEnabled()
    t.selectRow(0)
    assert ws.void_button.isEnabled()
    ws.void_selected(reason=" ")
    settle(qtbot, ctx)
    assert "必须说明原因" in ws.visit_detail.text() and not t.item(0, 0).font().strikeOut()
    ws.void_selected(reason="登记错户，应为102室")
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert t.rowCount() == 1, "the correction record is not a visit of its own in the list"
    assert t.item(0, 0).font().strikeOut() and t.item(0, 5).text() == "已作废"
    assert "登记错户，应为102室" in t.item(0, 1).toolTip()
    t.selectRow(0)
    assert not ws.void_button.isEnabled(), "a voided visit is not voided twice"
    assert "已作废：登记错户，应为102室" in ws.visit_detail.text()
    overdue = [ws.overdue_table.item(r, 1).text() for r in range(ws.overdue_table.rowCount())]
    assert "阳光花园3幢101室" in overdue, "a voided visit is not the household's last visit"


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_party_member_cannot_void_a_visit(qtbot, ctx, db, actor):
    from gridworker.ops.visits import write_visit
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    ids = add_households(db, actor, [{"address": "阳光花园3幢101室", "head_name": "张建国"}])
    with db.write(actor) as uow:
        write_visit(uow, {"household_id": ids[0], "mode": "door", "visited_at": at(-1)})
    ws = open_workspace(qtbot, ctx, VisitsWorkspace)
    ws.recent_table.selectRow(0)
    assert not ws.void_button.isEnabled()
