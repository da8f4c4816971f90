"""The main window: workspaces, org tree, status bar, language switch, screenshots of every page."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui_helpers import wait_tasks


def nav_texts(window) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_window_shows_its_workspaces_user_and_pending_changes(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    texts = nav_texts(window)
    for title in ("概览", "住户", "同步"):
        assert title in texts
    assert window.user_label.text() == "当前用户：王网格（网格员）"
    assert window.pending_label.text() == "待同步：8 条"  # conftest's org units + 3 households + 3 residents
    assert window.online_label.text() == "● 离线", "a laptop with no server is plainly offline"


def test_switching_language_retranslates_the_window_live(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    window.show_workspace("households")
    window.set_language("en")
    wait_tasks(qtbot, window.tasks)
    texts = nav_texts(window)
    assert "Households" in texts and "Overview" in texts and "住户" not in texts
    assert window.pending_label.text() == "To sync: 8 changes"
    assert window.user_label.text() == "User: 王网格 (Grid worker)"
    ws = window.workspaces["households"]
    assert window.stack.currentWidget() is ws, "the same workspace stays in front"
    assert ws.model.headerData(0, Qt.Orientation.Horizontal) == "Address"
    assert window.settings.language == "en"
    window.set_language("zh_CN")
    wait_tasks(qtbot, window.tasks)
    assert "住户" in nav_texts(window)


def test_choosing_a_grid_in_the_tree_filters_the_household_list(qtbot, db, user, actor, households, make_window):
    with db.write(actor) as uow:
        other = uow.insert("org_unit", {"code": "320211001002", "name": "第二网格", "level": "grid",
                                        "parent_id": db.community_id})
        uow.insert("household", {"address": "红旗新村5幢101室", "head_name": "钱七", "grid_id": other})
    window = make_window(db, user)
    ws = window.show_workspace("households")
    qtbot.waitUntil(lambda: ws.model.total == 4, timeout=5000)
    top = window.tree.topLevelItem(0)
    assert top.text(0) == "蠡桥社区 (4)"
    second = next(top.child(i) for i in range(top.childCount()) if top.child(i).text(0).startswith("第二网格"))
    window.tree.setCurrentItem(second)
    qtbot.waitUntil(lambda: ws.model.total == 1, timeout=5000)
    assert ws.model.hit(0).head_name == "钱七"
    window.tree.setCurrentItem(top)
    qtbot.waitUntil(lambda: ws.model.total == 4, timeout=5000)


def test_an_error_in_background_work_is_shown_in_the_status_bar(qtbot, db, user, make_window):
    window = make_window(db, user)

    def broken(state):
        raise OSError("磁盘已满")

    window.tasks.run(broken)
    wait_tasks(qtbot, window.tasks)
    assert "磁盘已满" in window.message_label.text()
    assert window.details_button.isVisible()


def test_a_change_made_elsewhere_refreshes_the_list(qtbot, db, user, actor, households, make_window):
    window = make_window(db, user)
    ws = window.show_workspace("households")
    with db.write(actor) as uow:  # e.g. a sync pull or another workspace
        uow.update("household", households["王五"], {"head_name": "王五一"})
    qtbot.waitUntil(lambda: any(ws.model.hit(r).head_name == "王五一" for r in range(ws.model.rowCount())),
                    timeout=5000)
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步：9 条", timeout=5000)


def test_every_workspace_renders_with_demo_data(qtbot, tmp_path, ui_app, settings, translator):
    """The screenshots command's path: a demo server, an enrolled laptop, each page to PNG."""
    from gridworker.store.database import Database
    from gridworker.ui.demo_env import DemoEnvironment
    from gridworker.ui.main_window import MainWindow
    from gridworker.ui.screenshots import household_page_shot, render_all

    env = DemoEnvironment.create(tmp_path / "demo", households=120)
    db = Database.open(env.laptop_dir / "gridworker.db", key=env.key)
    try:
        window = MainWindow(db, env.session, settings=settings, translator=translator)
        qtbot.addWidget(window)
        files = render_all(window, tmp_path / "shots", extra=household_page_shot)
        names = {f.name for f in files}
        assert {"overview.png", "households.png", "sync.png", "household_page.png"} <= names
        assert all(f.stat().st_size > 10_000 for f in files), "each page has something drawn"
        assert window.sync.online
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
        window.tasks.wait_all()
    finally:
        db.close()
        env.stop()


def test_preferences_set_the_idle_lock_time(qtbot, db, user, make_window):
    window = make_window(db, user)
    dialog = window.edit_preferences()
    dialog.idle.setValue(15)
    dialog.accept()
    assert window.settings.idle_lock_minutes == 15
    assert window.idle.timer.isActive() and window.idle.timer.interval() == 15 * 60_000


def test_start_opens_the_window_for_a_session_and_returns_when_it_closes(qtbot, db, user, settings, translations):
    from PySide6.QtCore import QTimer

    from gridworker.ui.app import start

    seen = []

    def opened(window):
        seen.append(window)
        QTimer.singleShot(300, window.close)

    assert start(db.path.parent, settings=settings, session=user, key=db.key, on_window=opened) == 0
    assert seen and seen[0].ctx.session.username == "wang"


def test_first_run_of_the_app_can_open_the_demo(qtbot, tmp_path, settings, translations):
    """`gridworker app` on a new laptop: the first-run dialog's 打开演示数据 leads into a logged-in window."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gridworker.ui.app import start
    from gridworker.ui.demo_env import DemoEnvironment
    from gridworker.ui.login import LoginDialog

    envs, windows = [], []

    def open_demo():
        env = DemoEnvironment.create(tmp_path / "demo", households=60)
        envs.append(env)
        return env.laptop_dir, env.session, env.key

    def press_demo():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LoginDialog):
            assert dialog.pages.currentIndex() == 1, "a new laptop starts on enrolment"
            dialog._demo()
        else:
            QTimer.singleShot(50, press_demo)

    def opened(window):
        windows.append(window)
        QTimer.singleShot(300, window.close)

    QTimer.singleShot(50, press_demo)
    try:
        code = start(tmp_path / "new-laptop", settings=settings, open_demo=open_demo, on_window=opened)
    finally:
        for env in envs:
            env.stop()
    assert code == 0
    assert windows and windows[0].ctx.session.role == "grid_worker"
    assert windows[0].db.path.parent == envs[0].laptop_dir


def test_ctrl_and_a_number_opens_that_workspace(qtbot, db, user, make_window):
    from PySide6.QtCore import Qt

    window = make_window(db, user)
    keys = list(window.workspaces)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.workspaces[keys[1]]
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.workspaces[keys[0]]
