"""吹哨 papercuts (#19 items 6 and 7): a fixed button order with the next step highlighted, the
list and the case page on the same case after each step, and 已超期 / 即将超期 filters with counts."""
from __future__ import annotations

import datetime as dt

from conftest_workflows import ctx  # noqa: F401
from test_issues import make_workspace, step
from workflow_helpers import add_households, settle, shot


def _report(qtbot, ctx, ws, db, actor, title="3幢楼道灯不亮"):
    from gridworker.ops.issues import report_issue

    with db.write(actor) as uow:
        iid = report_issue(uow, {"title": title, "kind": "help", "category": "property"})
    settle(qtbot, ctx)
    return iid


def _first_button(ws):
    grid = ws.actions_grid
    return grid.itemAtPosition(0, 0).widget().objectName().removeprefix("action_")


def test_the_next_step_comes_first_highlighted_and_never_repeats_analyse(qtbot, ctx, db, actor):
    ws = make_workspace(qtbot, ctx)
    iid = _report(qtbot, ctx, ws, db, actor)
    ws.open_issue(iid)
    settle(qtbot, ctx)
    seen = []
    for action, fields in (("accept", {}),
                           ("analyse", {"category": "property", "urgency": "normal", "level": "community"}),
                           ("dispatch", {"level": "community", "department": "物业公司"}),
                           ("start_handling", {}), ("feedback", {"note": "已更换灯泡"}), ("close", {})):
        first = _first_button(ws)
        seen.append(first)
        assert first == action == ws.next_action
        assert ws.action_buttons[first].isDefault(), "Enter on the case page takes the next step"
        assert ws.action_buttons[first].property("nextStep")
        assert not any(b.isDefault() for a, b in ws.action_buttons.items() if a != first)
        if action == "dispatch":  # 研判中: 研判 may be repeated but is not first any more
            assert "analyse" in ws.action_buttons and first != "analyse"
        step(qtbot, ctx, ws, action, **fields)
        # The list highlights the case the page shows, even after 核查结案 took it off 待办.
        assert ws.selected_issue_id() == ws.current_id == iid
        assert ws.case.header["id"] == iid
    assert seen == ["accept", "analyse", "dispatch", "start_handling", "feedback", "close"]
    assert ws.case.summary["status"] == "closed"
    assert _first_button(ws) == "rate"
    shot(ws, "issues_closed_in_step")


def test_the_buttons_keep_one_order_whatever_path_the_case_took(qtbot, ctx, db, actor):
    from gridworker.domain import issues as rules

    order = list(rules.ACTIONS)
    ws = make_workspace(qtbot, ctx)
    iid = _report(qtbot, ctx, ws, db, actor)
    ws.open_issue(iid)
    settle(qtbot, ctx)
    step(qtbot, ctx, ws, "accept")
    step(qtbot, ctx, ws, "analyse", category="property", urgency="normal", level="community")
    rest = [a for a in ws.action_buttons if a != ws.next_action]
    assert rest == sorted(rest, key=order.index)
    step(qtbot, ctx, ws, "analyse", category="property", urgency="urgent", level="community")
    assert [a for a in ws.action_buttons if a != ws.next_action] == rest


def test_overdue_and_nearly_overdue_filters_with_counts(qtbot, ctx, db, actor):
    now = dt.datetime.now().astimezone()
    with db.write(actor) as uow:
        for title, days in (("井盖松动", 20), ("路灯报修", 19)):
            iid = uow.insert("issue", {"title": title, "kind": "help"})
            uow.append("issue_event", {"issue_id": iid, "action": "report",
                                       "at": (now - dt.timedelta(days=days)).isoformat(), "payload": {"kind": "help"}})
        fresh = uow.insert("issue", {"title": "咨询养老补贴", "kind": "complaint"})
        uow.append("issue_event", {"issue_id": fresh, "action": "report", "at": now.isoformat(),
                                   "payload": {"kind": "complaint"}})
    ws = make_workspace(qtbot, ctx)
    labels = [ws.filter.itemText(i) for i in range(ws.filter.count())]
    assert "已超期（2件）" in labels and "即将超期（0件）" in labels
    ws.filter.setCurrentIndex(labels.index("已超期（2件）"))
    settle(qtbot, ctx)
    titles = {ws.table.item(r, 0).text() for r in range(ws.table.rowCount())}
    assert titles == {"井盖松动", "路灯报修"}
    assert ws.case is not None and ws.case.header["title"] in titles, "the filter opens its first case"
    assert ws.selected_issue_id() == ws.current_id
    ws.show_filter("deadline:warning")
    settle(qtbot, ctx)
    assert ws.table.rowCount() == 0
    shot(ws, "issues_overdue_filter")
