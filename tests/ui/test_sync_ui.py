"""同步 against a real server on a loopback port: progress, conflicts side by side, closing mid-sync."""
from __future__ import annotations

from ui_helpers import wait_tasks


def edit_many(db, session, n: int, prefix: str = "备注") -> list[str]:
    """n edits of this laptop's households (notes), in one unit of work; returns the household ids."""
    actor = db.actor(session.user_id, session.display_name)
    with db.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY id LIMIT ?",
                                                  (n,))]
    with db.write(actor) as uow:
        for i, hid in enumerate(ids):
            uow.update("household", hid, {"notes": f"{prefix}{i}"})
    return ids


def pending(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()


def server_notes(live_server, ids: list[str]) -> dict[str, str]:
    """What the server holds, read through a second laptop's first sync."""
    import uuid

    other = live_server.laptop(f"check-{uuid.uuid4().hex[:6]}")
    try:
        with other.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT id, notes FROM household WHERE id IN ({','.join('?' * len(ids))})", tuple(ids)).fetchall()
        return dict(rows)
    finally:
        other.close()


def test_sync_button_runs_a_sync_with_a_moving_progress_bar(qtbot, live_server, make_window):
    from PySide6.QtCore import Qt

    db = live_server.laptop("a")
    session = live_server.session(db)
    window = make_window(db, session)
    ws = window.show_workspace("sync")
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)  # the sync on start
    wait_tasks(qtbot, window.tasks)
    assert window.sync.online, "the status bar says online once the server answered"
    assert window.online_label.text().endswith("在线")
    ids = edit_many(db, session, 60)
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步：60 条", timeout=5000)
    values: list[int] = []
    ws.progress.valueChanged.connect(values.append)
    window.sync.engine_options["push_batch"] = 10  # several steps in one sync (the default batch is 1,000)
    qtbot.mouseClick(ws.sync_button, Qt.MouseButton.LeftButton)
    assert not ws.sync_button.isEnabled() and ws.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: window.sync.running is None and ws.sync_button.isEnabled(), timeout=30_000)
    steps = [v for v in values if 0 < v < 60]
    assert len(set(steps)) >= 3, f"the bar moved through the push: {values}"
    assert "同步完成：发送 60 条" in ws.phase_label.text()
    assert pending(db) == 0
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步：0 条", timeout=5000)
    assert server_notes(live_server, ids[:3]) == {ids[0]: "备注0", ids[1]: "备注1", ids[2]: "备注2"}


def conflict_on_b(qtbot, live_server, make_window, field: str, a_value: str, b_value: str):
    """Laptop A edits ``field`` of a household and syncs; laptop B edits the same field on the same
    base, offline, then opens the app: B's value wins on the server and A's is kept for review.
    Returns (a, b, session, hid, window, sync workspace)."""
    from gridworker.sync.engine import SyncEngine

    a = live_server.laptop("a")
    b = live_server.laptop("b")
    session = live_server.session(b)
    with a.read() as conn:
        hid = conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY id LIMIT 1").scalar()
    with a.write(a.actor(session.user_id, "甲")) as uow:
        uow.update("household", hid, {field: a_value})
    SyncEngine(a).sync()
    with b.write(b.actor(session.user_id, "乙")) as uow:
        uow.update("household", hid, {field: b_value})
    window = make_window(b, session)
    ws = window.show_workspace("sync")
    qtbot.waitUntil(lambda: window.sync.running is None and window.sync.last_report is not None, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    return a, b, session, hid, window, ws


def test_a_conflict_is_shown_side_by_side_and_resolved(qtbot, live_server, make_window):
    a, b, session, hid, window, ws = conflict_on_b(qtbot, live_server, make_window, "head_name", "甲写的名字", "乙写的名字")
    assert ws.conflicts.rowCount() == 1
    assert ws.tabs.tabText(0) == "冲突（1）"
    assert ws.conflicts.item(0, 2).text() == "户主"
    assert ws.mine_value.text() == "乙写的名字"
    assert ws.theirs_value.text() == "甲写的名字"
    before = pending(b)
    ws.keep_theirs.click()  # take the other laptop's value: a new edit that syncs like any other
    wait_tasks(qtbot, window.tasks)
    qtbot.waitUntil(lambda: ws.conflicts.rowCount() == 0, timeout=5000)
    with b.read() as conn:
        assert conn.exec_driver_sql("SELECT head_name FROM household WHERE id = ?", (hid,)).scalar() == "甲写的名字"
        assert conn.exec_driver_sql("SELECT status FROM review_item WHERE kind = 'conflict'").scalar() == "resolved"
    assert pending(b) in (before + 1, 0), "the restored value is queued (or already sent by auto-sync)"
    a.close()


def test_closing_during_a_sync_stops_it_safely_and_nothing_is_lost(qtbot, live_server, make_window):
    from gridworker.store.info import check_database
    from gridworker.sync import engine

    db = live_server.laptop("a")
    session = live_server.session(db)
    ids = edit_many(db, session, 80, prefix="关闭前")
    window = make_window(db, session)
    window.sync.engine_options["push_batch"] = 5
    window.sync.sync_now()  # (or the sync on start, already running: either way one sync runs)
    window.close()  # mid-sync: the window waits, offering to stop
    assert window.isVisible(), "the window stays until the sync has ended"
    dialog = window.sync.close_dialog
    assert dialog.isVisible()
    dialog.cancel()  # the user presses 停止同步
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    window.tasks.wait_all()
    assert check_database(db)["ok"], "the laptop database is whole"
    # The next sync sends the rest: every edit reaches the server exactly once.
    report = engine.SyncEngine(db).sync()
    assert pending(db) == 0 and report.rejected == 0
    notes = server_notes(live_server, ids)
    assert notes == {hid: f"关闭前{i}" for i, hid in enumerate(ids)}


def test_a_rejected_change_shows_the_servers_reason_and_is_fixed_and_resent(qtbot, live_server, make_window):
    import json

    db = live_server.laptop("a")
    session = live_server.session(db)
    window = make_window(db, session)
    ws = window.show_workspace("sync")
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    with db.read() as conn:
        hid = conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY id LIMIT 1").scalar()
    with db.write(db.actor(session.user_id, session.display_name)) as uow:
        uow.update("household", hid, {"head_name": "临时"})
    # An entry this version of the app would never write, as an older or faulty client might:
    # the server refuses it and says why.
    with db.sync_transaction() as conn:
        conn.exec_driver_sql("UPDATE outbox SET fields = ? WHERE row_id = ?",
                             (json.dumps({"head_name": "长" * 60}, ensure_ascii=False), hid))
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and window.sync.last_report.rejected == 1, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    assert ws.tabs.currentIndex() == 1 and ws.tabs.tabText(1) == "被拒绝的修改（1）"
    assert "超过" in ws.rejected.item(0, 2).text(), "the server's reason is shown"
    fields = {ws.fix_table.item(r, 0).data(0x0100): r for r in range(ws.fix_table.rowCount())}
    assert ws.fix_table.item(fields["head_name"], 0).text() == "户主"
    ws.fix_table.item(fields["head_name"], 1).setText("改好的名字")
    ws.resend_button.click()
    qtbot.waitUntil(lambda: ws.rejected.rowCount() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: window.sync.running is None and pending(db) == 0, timeout=30_000)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT head_name FROM household WHERE id = ?", (hid,)).scalar() == "改好的名字"
    other = live_server.laptop("check")
    try:
        with other.read() as conn:
            assert conn.exec_driver_sql("SELECT head_name FROM household WHERE id = ?", (hid,)).scalar() \
                == "改好的名字"
    finally:
        other.close()


def test_first_run_enrols_the_laptop_through_the_dialog(qtbot, ui_app, live_server, tmp_path, settings):
    from PySide6.QtWidgets import QDialog

    from gridworker.sync.laptop import Laptop
    from gridworker.ui.login import LoginDialog

    folder = tmp_path / "fresh"
    dialog = LoginDialog(Laptop(folder), settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server.setText(live_server.url)
    dialog.enroll_user.setText(live_server.worker["username"])
    dialog.enroll_password.setText("wrong")
    dialog.enroll_button.click()
    wait_tasks(qtbot, dialog.tasks)
    assert dialog.enroll_error.isVisible() and dialog.session is None
    assert not (folder / "gridworker.db").exists(), "a refused enrolment leaves no database behind"
    dialog.enroll_password.setText(live_server.worker["password"])
    dialog.enroll_button.click()
    wait_tasks(qtbot, dialog.tasks)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.session.username == live_server.worker["username"]
    db = dialog.database
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM household").scalar() == 60, "the first sync ran"
    finally:
        db.close()
    # From now on the same user logs in with their key slot.
    again = LoginDialog(Laptop(folder), settings)
    qtbot.addWidget(again)
    assert again.pages.currentIndex() == 0
    assert again.user_box.currentText() == live_server.worker["username"]


def test_closing_with_unsent_changes_sends_them_first(qtbot, live_server, make_window):
    db = live_server.laptop("a")
    session = live_server.session(db)
    window = make_window(db, session)
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    ids = edit_many(db, session, 5, prefix="收尾")
    assert pending(db) == 5
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert pending(db) == 0
    assert server_notes(live_server, ids) == {hid: f"收尾{i}" for i, hid in enumerate(ids)}


def test_the_window_says_offline_when_the_server_stops_answering(qtbot, live_server, make_window):
    db = live_server.laptop("a")
    session = live_server.session(db)
    window = make_window(db, session)
    qtbot.waitUntil(lambda: window.sync.online, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    live_server.stop()
    window.sync.probe()
    qtbot.waitUntil(lambda: not window.sync.online, timeout=10_000)
    assert window.online_label.text() == "● 离线"
    ws = window.show_workspace("sync")
    assert ws.online_label.text().startswith("● 离线")
    # Work goes on offline: an edit is kept and counted.
    edit_many(db, session, 2)
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步：2 条", timeout=5000)


def test_closing_during_a_sync_lets_it_finish_when_not_stopped(qtbot, live_server, make_window):
    db = live_server.laptop("a")
    session = live_server.session(db)
    ids = edit_many(db, session, 30, prefix="完成")
    window = make_window(db, session)
    window.sync.engine_options["push_batch"] = 5
    window.sync.sync_now()
    window.close()
    assert window.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert pending(db) == 0
    assert server_notes(live_server, ids) == {hid: f"完成{i}" for i, hid in enumerate(ids)}


def test_auto_sync_sends_changes_on_its_timer(qtbot, live_server, make_window):
    db = live_server.laptop("a")
    session = live_server.session(db)
    window = make_window(db, session)
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    first = window.sync.last_report
    edit_many(db, session, 3, prefix="定时")
    window.sync.auto_timer.start(100)  # the setting is in minutes; the test does not wait that long
    qtbot.waitUntil(lambda: window.sync.last_report is not first and pending(db) == 0, timeout=30_000)
    assert window.sync.last_report.pushed == 3


def test_the_laptop_whose_value_was_overwritten_sees_it_and_can_restore_it(qtbot, live_server, make_window):
    from gridworker.sync.engine import SyncEngine

    a = live_server.laptop("a")
    b = live_server.laptop("b")
    session = live_server.session(a)
    with a.read() as conn:
        hid = conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY id LIMIT 1").scalar()
    with a.write(a.actor(session.user_id, "甲")) as uow:
        uow.update("household", hid, {"head_name": "甲写的名字"})
    SyncEngine(a).sync()
    with b.write(b.actor(session.user_id, "乙")) as uow:
        uow.update("household", hid, {"head_name": "乙写的名字"})
    SyncEngine(b).sync()  # B reaches the server later: B's value wins, A's is overwritten
    b.close()
    window = make_window(a, session)  # A opens the app: the sync on start brings the news
    ws = window.show_workspace("sync")
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    assert ws.conflicts.rowCount() == 1
    assert ws.mine_value.text() == "甲写的名字" and ws.mine_box.title() == "本机"
    assert ws.theirs_value.text() == "乙写的名字" and ws.theirs_box.title().endswith("（现在的值）")
    with a.read() as conn:
        assert conn.exec_driver_sql("SELECT head_name FROM household WHERE id = ?", (hid,)).scalar() == "乙写的名字"
    ws.keep_mine.click()  # restoring the overwritten value is an ordinary new edit
    qtbot.waitUntil(lambda: ws.conflicts.rowCount() == 0, timeout=5000)
    with a.read() as conn:
        assert conn.exec_driver_sql("SELECT head_name FROM household WHERE id = ?", (hid,)).scalar() == "甲写的名字"
    assert pending(a) == 1


def test_a_phone_conflict_is_masked_until_an_audited_reveal(qtbot, live_server, make_window):
    a, b, session, _hid, window, ws = conflict_on_b(qtbot, live_server, make_window, "phone", "13911112222",
                                                    "13733334444")
    assert ws.conflicts.rowCount() == 1 and ws.conflicts.item(0, 2).text() == "电话"
    shown = ws.mine_value.text() + ws.theirs_value.text()
    assert "13733334444" not in shown and "13911112222" not in shown
    assert ws.mine_value.text() == "137****4444" and ws.theirs_value.text() == "139****2222"

    def reveals() -> list:
        with b.read() as conn:
            return conn.exec_driver_sql(
                "SELECT created_by, detail FROM audit_log WHERE action = 'reveal'").fetchall()

    assert reveals() == []
    assert ws.reveal_conflict.isVisible()
    ws.reveal_conflict.click()
    wait_tasks(qtbot, window.tasks)
    qtbot.waitUntil(lambda: ws.mine_value.text() == "13733334444", timeout=5000)
    assert ws.theirs_value.text() == "13911112222" and not ws.reveal_conflict.isVisible()
    audit = reveals()
    assert len(audit) == 1 and audit[0][0] == session.user_id and "sync_conflict" in audit[0][1]
    a.close()


def test_a_party_member_sees_the_review_queue_but_is_not_offered_to_settle_it(qtbot, db, make_window):
    from gridworker.ops.users import remember_user

    member = remember_user(db, user_id="pm-1", username="li", display_name="李党员", role="party_member",
                           password="dang-yuan")
    with db.sync_transaction() as conn:
        conn.exec_driver_sql(
            "INSERT INTO review_item (id, kind, table_name, row_id, field, local_value, remote_value, reason, detail,"
            " status, created_at) VALUES ('c-1', 'conflict', 'household', 'h-1', 'notes', '\"甲\"', '\"乙\"', NULL,"
            " '{}', 'open', '2026-11-27T10:00:00+08:00')")
    window = make_window(db, member)
    ws = window.show_workspace("sync")
    wait_tasks(qtbot, window.tasks)
    assert ws.conflicts.rowCount() == 1 and ws.current_conflict() is not None
    assert not ws.keep_mine.isEnabled() and not ws.keep_theirs.isEnabled()
    assert not ws.ack_button.isEnabled()


def test_a_server_pinned_with_its_certificate_shows_online_and_syncs_by_itself(qtbot, make_window, tmp_path):
    """A self-signed server pinned at enrolment (``--ca``): the online probe goes through the same
    transport as a sync, so it checks the pin and the laptop comes online (it used to stay offline,
    and automatic sync never ran); the same laptop pointed at an impostor certificate stays offline."""
    from gridworker.embedded import EmbeddedServer
    from gridworker.sync.laptop import Laptop
    from gridworker.ops.session import Session
    from support.server import World, password, self_signed

    world = World(str(tmp_path / "server.db"), tmp_path)
    cert, key = self_signed(tmp_path)
    with EmbeddedServer(world.sdb, certfile=cert, keyfile=key) as srv:
        login = Laptop(tmp_path / "pinned").enroll(srv.url, "gw_a", password("gw_a"), verify=str(cert))
        db = login.db
        window = make_window(db, Session.from_slot(login.slot))
        qtbot.waitUntil(lambda: window.sync.online, timeout=30_000)
        assert window.online_label.text().endswith("在线")
        qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)  # synced by itself
        wait_tasks(qtbot, window.tasks)
        impostor, _ = self_signed(tmp_path, "impostor")
        db.set_state("server_ca_path", str(impostor))
        window.sync.probe()
        qtbot.waitUntil(lambda: not window.sync.online, timeout=10_000)
        assert window.online_label.text() == "● 离线"
        window.close()
    world.close()


def test_a_server_that_never_answers_is_shown_retry_by_retry_and_the_sync_can_be_cancelled(qtbot, live_server,
                                                                                            make_window):
    """A dead link (a real socket that accepts and never answers): the sync page says it waits again."""
    import socket

    from PySide6.QtCore import Qt

    from gridworker.store.local import State

    db = live_server.laptop("a")
    session = live_server.session(db)
    window = make_window(db, session)
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=30_000)
    wait_tasks(qtbot, window.tasks)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # the kernel accepts; nobody ever answers
    try:
        db.set_state(State.SERVER_URL, f"http://127.0.0.1:{silent.getsockname()[1]}")
        window.sync.engine_options.update(timeout=(1.0, 0.3), retries=1000, backoff=0.01)
        ws = window.show_workspace("sync")
        qtbot.mouseClick(ws.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "等待服务器…第 2 次重试" in ws.phase_label.text(), timeout=30_000)
        qtbot.mouseClick(ws.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.sync.running is None and ws.sync_button.isEnabled(), timeout=30_000)
    finally:
        silent.close()


def test_the_status_bar_warns_when_the_laptops_clock_is_off(qtbot, db, user, make_window):
    """A sync that found this laptop's clock 2 hours ahead of the server's says so in the status bar
    (the clock drives deadlines and overdue lists); a few seconds' difference says nothing."""
    from gridworker.sync.engine import SyncReport

    window = make_window(db, user)
    window._synced(SyncReport(pushed=1, clock_skew=7200))
    assert "本机时钟比服务器快约 120 分钟" in window.message_label.text()
    window._synced(SyncReport(pushed=1, clock_skew=-3))
    assert "时钟" not in window.message_label.text()
