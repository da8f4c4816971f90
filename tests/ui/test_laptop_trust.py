"""An encrypted laptop from the person's side: enrol through the dialog, log in as each user, add and
remove users (the server checks passwords), the N-days-offline online login, a plain laptop of the
previous release upgraded on its first login, and a revoked device. Real widgets offscreen, a real
sync server on a loopback port, and the raw bytes of the data folder searched for residents' numbers.
"""
from __future__ import annotations

import datetime as dt
import sqlite3

from PySide6.QtWidgets import QDialog

from laptop_helpers import raw_bytes
from ui_helpers import wait_tasks


def open_login(qtbot, where, settings, **kw):
    from gridworker.ui.login import LoginDialog

    dialog = LoginDialog(where, settings, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def log_in(qtbot, dialog, username: str, password: str) -> None:
    dialog.user_box.setCurrentText(username)
    dialog.password.setText(password)
    dialog.login_button.click()
    wait_tasks(qtbot, dialog.tasks)


def personal_numbers(live_server) -> list[str]:
    """Phone and ID numbers of the demo residents, read from the server's own (plain) database."""
    with sqlite3.connect(live_server.folder / "server.db") as conn:
        rows = conn.execute("SELECT phone, id_number FROM resident").fetchall()
        heads = conn.execute("SELECT phone FROM household").fetchall()
    numbers = {v for r in rows for v in r if v} | {r[0] for r in heads if r[0]}
    return sorted(numbers)


def found_in(folder, numbers: list[str]) -> list[str]:
    data = raw_bytes(folder)
    return [n for n in numbers if n.encode("utf-8") in data]


def user_of(live_server, role: str) -> dict:
    worker = live_server.worker
    return next(u for u in live_server.seeded["users"] if u["role"] == role and u["org"] == worker["org"]) \
        if role != "admin" else next(u for u in live_server.seeded["users"] if u["role"] == "admin")


def test_enrolment_through_the_dialog_leaves_no_personal_number_in_the_data_folder(qtbot, ui_app, tmp_path,
                                                                                     settings, live_server):
    from gridworker.store.connect import is_encrypted
    from gridworker.sync.laptop import LOCKED, Laptop

    folder = tmp_path / "enrolled"
    dialog = open_login(qtbot, Laptop(folder), settings)
    assert dialog.pages.currentIndex() == 1, "a new laptop opens on enrolment"
    dialog.server.setText(live_server.url)
    dialog.enroll_user.setText(live_server.worker["username"])
    dialog.enroll_password.setText(live_server.worker["password"])
    dialog.enroll_button.click()
    wait_tasks(qtbot, dialog.tasks, timeout=60_000)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.enroll_error.text()
    db = dialog.database
    with db.read() as conn:
        residents = conn.exec_driver_sql("SELECT count(*) FROM resident WHERE id_number IS NOT NULL").scalar()
    db.close()
    numbers = personal_numbers(live_server)
    assert residents > 50 and len(numbers) > 100, "the laptop holds the community's residents"
    assert is_encrypted(folder / "gridworker.db")
    assert found_in(folder, numbers) == [], "no phone or ID number readable in any file of the data folder"
    assert found_in(live_server.folder, numbers), "the same search finds the numbers in a plain file"
    laptop = Laptop(folder)
    assert laptop.state == LOCKED and laptop.usernames() == [live_server.worker["username"]]


def test_two_users_each_log_in_an_admin_adds_and_removes_one_and_the_removed_one_is_refused(
        qtbot, ui_app, tmp_path, settings, live_server, make_window):
    from gridworker.store.keyslots import WrongPassword
    from gridworker.sync.laptop import Laptop

    folder = tmp_path / "shared"
    laptop = Laptop(folder)
    login = laptop.enroll(live_server.url, live_server.worker["username"], live_server.worker["password"])
    admin, member = user_of(live_server, "admin"), user_of(live_server, "party_member")
    laptop.add_user(login.db, login.key, admin["username"], admin["password"])
    login.db.close()

    dialog = open_login(qtbot, Laptop(folder), settings)
    names = [dialog.user_box.itemText(i) for i in range(dialog.user_box.count())]
    assert sorted(names) == sorted([admin["username"], live_server.worker["username"]])
    log_in(qtbot, dialog, admin["username"], live_server.worker["password"])
    assert dialog.session is None and "不正确" in dialog.login_error.text(), "another user's password opens nothing"
    log_in(qtbot, dialog, admin["username"], admin["password"])
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.session.role == "admin"
    db, session = dialog.database, dialog.session

    worker_dialog = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, worker_dialog, live_server.worker["username"], live_server.worker["password"])
    assert worker_dialog.session.role == "grid_worker"
    assert Laptop.same_key(worker_dialog.key, dialog.key), "both users open the same database key"
    worker_dialog.database.close()

    window = make_window(db, session)
    assert window.add_user_action.isEnabled()
    add = window.add_laptop_user()
    add.username.setText(member["username"])
    add.password.setText("not-the-password")
    add.add_button.click()
    wait_tasks(qtbot, window.tasks)
    assert add.isVisible() and "用户名或密码" in add.error.text(), "the server refused the wrong password"
    add.password.setText(member["password"])
    add.add_button.click()
    wait_tasks(qtbot, window.tasks)
    assert add.result() == QDialog.DialogCode.Accepted
    assert member["username"] in Laptop(folder).usernames()

    member_dialog = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, member_dialog, member["username"], member["password"])
    assert member_dialog.session.role == "party_member"
    member_dialog.database.close()

    remove = window.remove_laptop_user()
    label = next(remove.comboBoxItems()[i] for i in range(len(remove.comboBoxItems()))
                 if remove.comboBoxItems()[i].startswith(member["username"]))
    remove.setTextValue(label)
    remove.accept()
    assert member["username"] not in Laptop(folder).usernames()
    refused = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, refused, member["username"], member["password"])
    assert refused.session is None and "不正确" in refused.login_error.text()
    try:
        Laptop(folder).slots.unlock(member["username"], member["password"])
        raise AssertionError("a removed user's password still opens the key")
    except WrongPassword:
        pass

    own = window.remove_laptop_user()
    own.setTextValue(next(x for x in own.comboBoxItems() if x.startswith(admin["username"])))
    own.accept()
    assert admin["username"] in Laptop(folder).usernames() and "当前登录" in window.message_label.text()


def test_a_grid_worker_cannot_manage_the_laptops_users(qtbot, db, user, make_window):
    window = make_window(db, user)
    assert not window.add_user_action.isEnabled() and not window.remove_user_action.isEnabled()
    assert not window.offline_days_action.isEnabled()


def test_after_n_days_offline_the_login_needs_the_server(qtbot, ui_app, tmp_path, settings, live_server):
    from gridworker.sync.laptop import Laptop

    folder = tmp_path / "offline"
    Laptop(folder).enroll(live_server.url, live_server.worker["username"], live_server.worker["password"]).db.close()
    laptop = Laptop(folder)
    laptop.slots.offline_days = 14
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=20)
    laptop.slots.record_server_contact(long_ago)

    dialog = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, dialog, live_server.worker["username"], live_server.worker["password"])
    assert dialog.result() == QDialog.DialogCode.Accepted, "server up: the online login passes"
    dialog.database.close()
    assert Laptop(folder).slots.last_server_contact > long_ago, "an online login records the contact"

    Laptop(folder).slots.record_server_contact(long_ago)
    live_server.stop()
    down = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, down, live_server.worker["username"], live_server.worker["password"])
    assert down.session is None and down.isVisible()
    assert "本机已 20 天未连接服务器，请连接网络后登录" in down.login_error.text()

    Laptop(folder).slots.record_server_contact()  # within the limit again: offline login works
    fine = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, fine, live_server.worker["username"], live_server.worker["password"])
    assert fine.result() == QDialog.DialogCode.Accepted
    fine.database.close()


def test_a_plain_laptop_of_the_previous_release_is_encrypted_on_its_first_login(qtbot, ui_app, tmp_path, settings):
    from gridworker.store.connect import is_encrypted
    from gridworker.store.database import Database
    from gridworker.sync.laptop import LEGACY, LOCKED, Laptop, remember_local_user

    folder = tmp_path / "old"
    plain = Database.open(folder / "gridworker.db")  # no key: as the previous release wrote it
    plain.set_state("community_name", "旧社区")
    plain.set_state("community_id", "0190d000-0000-7000-8000-00000000000a")
    remember_local_user(plain, {"id": "u-old", "username": "laowang", "display_name": "老王", "role": "grid_worker",
                                "org_id": None}, "old-password")
    numbers = ["13912345678", "320211198001010026"]
    with plain.write(plain.actor("u-old")) as uow:
        hid = uow.insert("household", {"address": "老小区1幢101室", "head_name": "王老五", "phone": numbers[0]})
        uow.insert("resident", {"household_id": hid, "name": "王老五", "id_number": numbers[1], "phone": numbers[0]})
    plain.close()
    assert found_in(folder, numbers) == numbers, "the old file holds the numbers in clear"
    assert Laptop(folder).state == LEGACY

    dialog = open_login(qtbot, Laptop(folder), settings)
    assert dialog.pages.currentIndex() == 0 and dialog.user_box.currentText() == "laowang"
    log_in(qtbot, dialog, "laowang", "wrong")
    assert dialog.session is None and not is_encrypted(folder / "gridworker.db"), "a wrong password changes nothing"
    log_in(qtbot, dialog, "laowang", "old-password")
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.session.display_name == "老王"
    with dialog.database.read() as conn:
        assert conn.exec_driver_sql("SELECT phone FROM household").scalar() == numbers[0]
    dialog.database.close()
    assert is_encrypted(folder / "gridworker.db") and Laptop(folder).state == LOCKED
    assert found_in(folder, numbers) == [], "after the upgrade no number is readable in the data folder"

    again = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, again, "laowang", "old-password")
    assert again.result() == QDialog.DialogCode.Accepted, "later logins open the key slot"
    again.database.close()


def test_a_revoked_laptop_says_so_at_the_online_login_exports_and_locks(qtbot, ui_app, tmp_path, settings,
                                                                         live_server):
    from click.testing import CliRunner

    from gridworker.cli import cli
    from gridworker.sync.laptop import WIPED, Laptop

    folder = tmp_path / "lost"
    login = Laptop(folder).enroll(live_server.url, live_server.worker["username"], live_server.worker["password"])
    device = login.db.device_id
    with login.db.read() as conn:
        hid = conn.exec_driver_sql("SELECT id FROM household LIMIT 1").scalar()
    with login.db.write(login.db.actor(login.slot.user_id)) as uow:
        uow.update("household", hid, {"notes": "未同步的修改"})
    login.db.close()
    out = CliRunner().invoke(cli, ["server", "revoke-device", "--db", str(live_server.folder / "server.db"),
                                   "--device", device])
    assert out.exit_code == 0, out.output
    laptop = Laptop(folder)
    laptop.slots.record_server_contact(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30))

    dialog = open_login(qtbot, Laptop(folder), settings)
    log_in(qtbot, dialog, live_server.worker["username"], live_server.worker["password"])
    assert dialog.revoked is not None and dialog.session is None
    message = dialog.revoked.message
    assert "停用" in message and "1 条" in message and str(dialog.revoked.export_path) in message
    assert dialog.revoked.export_path.exists()
    assert Laptop(folder).state == WIPED
    dialog.revoked_box.done(0)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_sync_refused_as_revoked_stops_the_app_with_the_export_message(qtbot, live_server, make_window, tmp_path):
    from click.testing import CliRunner

    from gridworker.cli import cli
    from gridworker.sync.laptop import WIPED, Laptop
    from gridworker.ops.session import Session

    folder = tmp_path / "lost-in-app"
    login = Laptop(folder).enroll(live_server.url, live_server.worker["username"], live_server.worker["password"])
    out = CliRunner().invoke(cli, ["server", "revoke-device", "--db", str(live_server.folder / "server.db"),
                                   "--device", login.db.device_id])
    assert out.exit_code == 0, out.output
    window = make_window(login.db, Session.from_slot(login.slot))
    window.sync.engine_options = {"retries": 0}
    window.sync.sync_now()
    qtbot.waitUntil(lambda: getattr(window, "revoked_box", None) is not None, timeout=20_000)
    assert "停用" in window.revoked_box.text() and not window.centralWidget().isVisible()
    assert Laptop(folder).state == WIPED
    window.revoked_box.done(0)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    login.db.close()


def test_a_database_that_does_not_open_at_start_offers_the_last_good_backup(qtbot, db, user, settings, translations):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gridworker.ui.app import start
    from gridworker.ui.restore_dialog import RestoreDialog

    path, key = db.path, db.key
    db.close()
    with open(path, "r+b") as f:  # page 1 (salt and header) overwritten: the key opens nothing
        f.write(b"\x00" * 4096)
    seen = []

    def quit_restore():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RestoreDialog):
            seen.append(dialog.problem)
            dialog.reject()
        else:
            QTimer.singleShot(50, quit_restore)

    QTimer.singleShot(50, quit_restore)
    assert start(path.parent, settings=settings, session=user, key=key) == 1, "退出 in the restore dialog quits"
    assert seen and "无法解密" in seen[0]


def test_an_admin_sets_how_many_days_the_laptop_may_stay_offline(qtbot, db, make_window):
    from gridworker.sync.laptop import Laptop
    from gridworker.ui.context import Session

    admin = Session("setup", "setup", "测试管理员", "admin")
    window = make_window(db, admin)
    assert Laptop(db.path.parent).slots.offline_days == 14, "the default"
    dialog = window.edit_offline_days()
    dialog.setIntValue(30)
    dialog.accept()
    assert Laptop(db.path.parent).slots.offline_days == 30
    assert "30" in window.message_label.text()
