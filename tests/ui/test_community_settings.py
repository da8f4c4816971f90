"""文件 → 社区设置: the community admin enters a newly published holiday and a shorter visit interval;
the open 吹哨 and 走访 lists count with them; other roles are not offered the dialog."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from gridworker import ops
from gridworker.ui.context import Session
from ui_helpers import wait_tasks


def admin_session(db) -> Session:
    from gridworker.ops.users import remember_user

    remember_user(db, user_id="setup", username="admin", display_name="测试管理员", role="admin",
                  password="admin-password-123")
    return Session("setup", "admin", "测试管理员", "admin")


def test_the_admin_saves_settings_from_the_dialog_and_bad_dates_are_explained(qtbot, db, make_window, tmp_path):
    window = make_window(db, admin_session(db))
    assert window.community_settings_action.isVisible()
    dialog = window.edit_community_settings()
    assert "2026" in dialog.findChildren(type(dialog.error))[0].text()
    dialog.holidays.setPlainText("2027-02-06\n2027-02-30")
    dialog.intervals["key"].setValue(14)
    qtbot.keyClick(dialog.holidays, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_tasks(qtbot, window.tasks)
    assert dialog.isVisible() and "2027-02-30" in dialog.error.text() and "不是日期" in dialog.error.text()
    assert ops.community.settings(db, db.actor("setup", "测试管理员", "admin")).value["settings"] == {}
    dialog.holidays.setPlainText("2027-02-06, 2027-02-08")
    dialog.grab().save("/tmp/community_settings.png")
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    dialog.save()
    wait_tasks(qtbot, window.tasks)
    qtbot.waitUntil(lambda: closed == [1], timeout=5000)
    saved = ops.community.settings(db, db.actor("setup", "测试管理员", "admin")).value
    assert saved["settings"] == {"holidays": ["2027-02-06", "2027-02-08"], "visit_intervals": {"key": 14}}
    assert saved["visit_intervals"]["key"] == 14


def test_a_grid_worker_is_not_offered_the_dialog(qtbot, db, user, make_window):
    window = make_window(db, user)
    assert not window.community_settings_action.isVisible()
