"""The demo shows the other people too: the seeded community has a grid worker, a 党员中心户 and an
ordinary 联户党员 bound to their member rows; the switch-user screen (Ctrl+L) offers each demo user
one click, and a party member's click opens 我的联系户 with their own households."""
from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from ui_helpers import wait_tasks


def test_one_click_on_a_demo_party_member_opens_their_own_screen(qtbot, tmp_path, ui_app, settings, translator):
    from gridworker.store.database import Database
    from gridworker.ui.demo_env import DemoEnvironment
    from gridworker.ui.main_window import MainWindow

    env = DemoEnvironment.create(tmp_path / "demo", households=150)
    labels = {u["label"] for u in env.laptop_users}
    assert {"网格员", "党员中心户", "联户党员", "管理员"} <= labels
    db = Database.open(env.laptop_dir / "gridworker.db", key=env.key)
    try:
        window = MainWindow(db, env.session, settings=settings, translator=translator)
        window.ctx.extras["demo_users"] = env.laptop_users
        qtbot.addWidget(window)
        window.show()
        wait_tasks(qtbot, window.tasks)
        window.lock()
        dialog = window.lock_dialog
        buttons = {b.objectName(): b for b in dialog.findChildren(QPushButton) if b.objectName().startswith("demo_")}
        member = next(u for u in env.laptop_users if u["label"] == "联户党员")
        assert f"demo_{member['username']}" in buttons and len(buttons) == len(env.laptop_users)
        assert "联户党员" in buttons[f"demo_{member['username']}"].text()
        dialog.grab().save(str(tmp_path / "switch_user.png"))
        buttons[f"demo_{member['username']}"].click()
        qtbot.waitUntil(lambda: not window.locked, timeout=60_000)
        wait_tasks(qtbot, window.tasks)
        assert window.ctx.session.username == member["username"] and window.ctx.session.role == "party_member"
        assert list(window.workspaces) == ["my_households", "service", "sync"], "no grid worker's workspaces"
        screen = window.workspaces["my_households"]
        assert window.stack.currentWidget() is screen
        qtbot.waitUntil(lambda: screen.households.count() > 0, timeout=20_000)
        with db.read() as conn:
            mine = conn.exec_driver_sql(
                "SELECT count(*) FROM contact_link l JOIN local_user u ON u.member_id = l.from_id"
                " WHERE u.username = ? AND l.kind = 'member_household' AND l.active = 1 AND l.deleted = 0",
                (member["username"],)).scalar()
        assert 0 < screen.households.count() == mine, "their own households, not the community's 150"
        window.close()
        window.tasks.wait_all()
    finally:
        db.close()
        env.stop()
