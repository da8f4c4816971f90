"""住户详情 (#19 item 3): Esc or 关闭 with typed changes asks "有未保存的修改，是否保存？"; 保存 (the default)
saves and closes, 不保存 closes without writing, 取消 keeps the page open with the typing."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui_helpers import wait_tasks


def head(db, hid):
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT head_name FROM household WHERE id = ?", (hid,)).scalar()


def answer(text: str, seen: list) -> None:
    """Click ``text`` on the question when it shows (as the user would)."""
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        seen.append((box.text(), box.defaultButton().text()))
        next(b for b in box.buttons() if b.text() == text).click()
    else:
        QTimer.singleShot(20, lambda: answer(text, seen))


def test_typed_changes_are_never_thrown_away_without_asking(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    ws = window.show_workspace("households")
    hid = households["张三"]
    dialog = ws.open_household(hid)
    wait_tasks(qtbot, window.tasks)
    name = dialog.form.editor("head_name")

    seen: list = []
    dialog.reject()  # closing untouched asks nothing (a question would block here)
    assert not dialog.isVisible()

    dialog = ws.open_household(hid)
    wait_tasks(qtbot, window.tasks)
    name = dialog.form.editor("head_name")
    name.setText("张三丰")
    QTimer.singleShot(20, lambda: answer("取消", seen))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert seen == [("有未保存的修改，是否保存？", "保存")], "asked, with 保存 as the default"
    assert dialog.isVisible() and name.text() == "张三丰", "取消 keeps the page and the typing"

    QTimer.singleShot(20, lambda: answer("不保存", seen))
    dialog.reject()
    assert not dialog.isVisible() and head(db, hid) == "张三"

    dialog = ws.open_household(hid)
    wait_tasks(qtbot, window.tasks)
    dialog.form.editor("head_name").setText("张三丰")
    QTimer.singleShot(20, lambda: answer("保存", seen))
    dialog.reject()
    wait_tasks(qtbot, window.tasks)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert head(db, hid) == "张三丰", "保存 saved it, then the page closed"
