"""Login on a shared laptop: each user's key slot, several users, the idle lock."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog

from ui_helpers import PASSWORD, wait_tasks


def login(qtbot, dialog, username: str, password: str) -> None:
    dialog.user_box.setCurrentText(username)
    dialog.password.setText(password)
    dialog.login_button.click()
    wait_tasks(qtbot, dialog.tasks)


def test_offline_login_refuses_a_wrong_password_and_accepts_the_right_one(qtbot, ui_app, db, user, settings):
    from gridworker.ui.login import LoginDialog

    dialog = LoginDialog(db, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pages.currentIndex() == 0, "an enrolled laptop with users opens on the login page"

    login(qtbot, dialog, "wang", "not-the-password")
    assert dialog.isVisible() and dialog.session is None
    assert dialog.login_error.isVisible() and "不正确" in dialog.login_error.text()

    login(qtbot, dialog, "wang", PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.session.username == "wang" and dialog.session.role == "grid_worker"
    assert settings.last_username == "wang"


def test_each_user_of_a_shared_laptop_logs_in_with_their_own_password_and_role(qtbot, ui_app, db, user, settings):
    from gridworker.ops.users import remember_user
    from gridworker.ui.login import LoginDialog

    remember_user(db, user_id="user-2", username="li", display_name="李党员", role="party_member", password="dang-yuan")
    dialog = LoginDialog(db, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.user_box.itemText(i) for i in range(dialog.user_box.count())] == ["li", "setup", "wang"]
    login(qtbot, dialog, "li", PASSWORD)  # wang's password does not open li's account
    assert dialog.session is None
    login(qtbot, dialog, "li", "dang-yuan")
    assert dialog.session.role == "party_member"
    assert not dialog.session.may_see_sensitive()


def test_a_new_laptop_opens_on_enrolment_and_offers_the_demo(qtbot, ui_app, tmp_path, settings):
    from gridworker.sync.laptop import Laptop
    from gridworker.ui.login import LoginDialog

    dialog = LoginDialog(Laptop(tmp_path / "new"), settings, demo_available=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pages.currentIndex() == 1
    dialog.enroll_button.click()  # nothing typed: told what is missing, next to the field
    assert dialog.enroll_form.error_label("server").isVisible()
    assert not (tmp_path / "new" / "gridworker.db").exists(), "nothing is created before the server said yes"


def test_idle_window_locks_and_unlocks_with_the_password(qtbot, db, user, make_window):
    window = make_window(db, user)
    window.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert not window.centralWidget().isVisible(), "the data is hidden while locked"
    dialog = window.lock_dialog
    dialog.reject()  # Esc does not dismiss the lock
    assert dialog.isVisible()
    window.idle.minutes = 0  # after unlocking, do not lock again within the test
    login(qtbot, dialog, "wang", PASSWORD)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
    assert window.centralWidget().isVisible()


def test_a_login_is_recorded_in_the_audit_log(qtbot, ui_app, db, user, settings):
    from gridworker.ui.login import LoginDialog

    dialog = LoginDialog(db, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    login(qtbot, dialog, "wang", "wrong")
    login(qtbot, dialog, "wang", PASSWORD)
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT action, created_by, detail FROM audit_log").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("login", "user-1")]


def test_another_user_of_the_laptop_takes_over_from_the_lock_screen(qtbot, db, user, households, make_window):
    from gridworker.ops.users import remember_user

    remember_user(db, user_id="user-2", username="li", display_name="李党员", role="party_member", password="dang-yuan")
    window = make_window(db, user)
    window.show_workspace("households")
    assert not window.workspaces["households"].reveal_box.isHidden()
    window.lock_action.trigger()
    assert window.locked
    window.idle.minutes = 0
    login(qtbot, window.lock_dialog, "li", "dang-yuan")
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
    wait_tasks(qtbot, window.tasks)
    assert window.ctx.session.username == "li"
    assert window.user_label.text() == "当前用户：李党员（党员）"
    assert list(window.workspaces) == ["my_households", "service", "sync"], "a party member gets their own screen, not the households"
