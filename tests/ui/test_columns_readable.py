"""Key columns stay readable (#19 item 2): in 走访 a long visitor name no longer squeezes 情况 to one
character, the overdue list keeps the whole room number, and long cells carry their text as a tooltip."""
from __future__ import annotations

import datetime as dt

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle


def test_long_names_do_not_squeeze_the_text_columns(qtbot, ctx, db, actor):
    from gridworker.ops.visits import write_visit
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    ids = add_households(db, actor, [{"address": "幸福里小区12幢3单元1102室", "head_name": "赵桂兰",
                                      "attention_level": "high"}])
    long_name = "市民政局驻社区联络员欧阳娜娜与第三网格全体网格员"
    with db.write(actor) as uow:
        write_visit(uow, {"household_id": ids[0], "mode": "door", "visitor_name": long_name,
                          "visited_at": (dt.datetime.now().astimezone() - dt.timedelta(days=9)).isoformat(timespec="seconds"),
                          "summary": "老人独居，身体尚可，楼道灯坏了需报修"})
    ws = open_workspace(qtbot, ctx, VisitsWorkspace)
    ws.resize(1366 - 230, 700)  # the workspace's share of a 1366-wide window beside the org tree
    settle(qtbot, ctx)
    t = ws.recent_table
    fm = t.fontMetrics()
    assert t.columnWidth(4) >= fm.horizontalAdvance("老人独居，身体尚可") , "情况 keeps room for a phrase"
    assert t.columnWidth(3) <= 140 and t.item(0, 3).toolTip() == long_name, "the long name is elided, whole in its tooltip"
    ws.tabs.setCurrentIndex(1)
    settle(qtbot, ctx)
    o = ws.overdue_table
    assert o.columnWidth(1) >= o.fontMetrics().horizontalAdvance("幸福里小区12幢3单元1102室"), "the room number shows"
