"""概览 cards open the filtered list (#19 item 7): a click or Enter on a card shows the page behind it."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt

from ui_helpers import wait_tasks


def _late_issue(uow, title, days):
    at = (dt.datetime.now().astimezone() - dt.timedelta(days=days)).isoformat()
    iid = uow.insert("issue", {"title": title, "kind": "help"})
    uow.append("issue_event", {"issue_id": iid, "action": "report", "at": at, "payload": {"kind": "help"}})
    return iid


def test_cards_open_overdue_visits_and_filtered_cases(qtbot, db, user, actor, households, make_window):
    with db.write(actor) as uow:
        late = _late_issue(uow, "井盖松动", 20)
        _late_issue(uow, "咨询养老补贴", 0)
    window = make_window(db, user)
    ws = window.show_workspace("overview")
    wait_tasks(qtbot, window.tasks)
    assert ws.cards["issues_overdue"].value.text() == "1"
    assert ws.cards["issues_open"].value.text() == "2"
    assert ws.cards["overdue"].value.text() == "3", "no household was ever visited"

    # 逾期未走访 → 走访, on its 逾期未访 tab.
    qtbot.mouseClick(ws.cards["overdue"], Qt.MouseButton.LeftButton)
    wait_tasks(qtbot, window.tasks)
    visits = window.stack.currentWidget()
    assert visits.key == "visits"
    assert visits.tabs.currentIndex() == 1
    assert visits.overdue_table.rowCount() == 3

    # 已超期 cases → 吹哨, filtered to the overdue case (by keyboard: Tab to the card, Enter).
    window.show_workspace("overview")
    card = ws.cards["issues_overdue"]
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Return)
    wait_tasks(qtbot, window.tasks)
    issues = window.stack.currentWidget()
    assert issues.key == "issues"
    assert issues.filter.currentData() == "deadline:overdue"
    assert issues.filter.currentText() == "已超期（1件）"
    assert [issues.table.item(r, 0).text() for r in range(issues.table.rowCount())] == ["井盖松动"]
    assert issues.current_id == late

    # A bar of the status chart opens that status; 待办 card opens the 待办 list.
    window.show_workspace("overview")
    qtbot.mouseClick(ws.cards["issues_open"], Qt.MouseButton.LeftButton)
    wait_tasks(qtbot, window.tasks)
    assert issues.filter.currentData() == "open" and issues.table.rowCount() == 2
    window.show_workspace("overview")
    assert ws.issue_chart.keys == ["reported"]
    qtbot.mouseClick(ws.issue_chart, Qt.MouseButton.LeftButton, pos=QPoint(100, 12))
    wait_tasks(qtbot, window.tasks)
    assert window.stack.currentWidget() is issues and issues.filter.currentData() == "reported"

    window.show_workspace("overview")
    wait_tasks(qtbot, window.tasks)
    from workflow_helpers import shot
    shot(window, "overview_cards", size=(1366, 740))
