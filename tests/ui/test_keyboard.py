"""Keyboard (#19 item 10): Tab leaves a multi-line box and Ctrl+Enter submits in every dialog, the visit
time is one Tab stop, and 帮助 → 快捷键 lists the shortcuts."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui_helpers import wait_tasks


def test_tab_leaves_the_description_and_ctrl_enter_reports_the_case(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    issues = window.show_workspace("issues")
    dialog = issues.open_new_issue()
    qtbot.waitExposed(dialog)
    sent = []
    dialog.submitted.connect(sent.append)
    title = dialog.form.editor("title")
    title.setText("楼道灯坏了")
    description = dialog.form.editor("description")
    description.setFocus()
    qtbot.keyClick(description, Qt.Key.Key_Tab)
    assert "\t" not in description.toPlainText() and not description.hasFocus(), "Tab moved on"
    qtbot.keyClick(title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent and sent[0]["title"] == "楼道灯坏了", "Ctrl+Enter submitted from the title field"
    dialog.done(0)


def test_the_visit_time_is_one_tab_stop(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    visits = window.show_workspace("visits")
    window.activateWindow()
    visits.visited_at.setFocus()
    qtbot.keyClick(visits.visited_at, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is visits.summary, QApplication.focusWidget()


def test_the_shortcut_list_under_help(qtbot, db, user, make_window):
    window = make_window(db, user)
    dialog = window.show_shortcuts()
    text = "\n".join(
        dialog.table.item(r, 0).text() + " " + dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount()))
    for key in ("Ctrl+L", "Ctrl+S", "Ctrl+1", "Ctrl+Enter"):
        assert key in text, text
    dialog.done(0)
