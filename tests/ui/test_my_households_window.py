"""A party member's login: the main window opens on 我的联系户 (with 同步 beside it), without the
grid worker's workspaces, the org tree or the ledger import; a grid worker's window keeps everything."""
from __future__ import annotations

from ui_helpers import wait_tasks
from workflow_helpers import shot


def test_a_party_members_window_is_their_own_screen_and_sync(qtbot, db, actor, make_window):
    from gridworker.ops.contacts import assign_household
    from gridworker.ui.context import Session

    with db.write(actor) as uow:
        home = uow.insert("household", {"address": "阳光花园3幢101室", "head_name": "张大爷"})
        other = uow.insert("household", {"address": "阳光花园9幢909室", "head_name": "别人家"})
        me = uow.insert("party_member", {"name": "李卫东"})
        assign_household(uow, home, me)
    window = make_window(db, Session(user_id="user-1", username="li", display_name="李卫东", role="party_member",
                                     member_id=me))
    wait_tasks(qtbot, window.tasks)
    assert list(window.workspaces) == ["my_households", "service", "sync"]
    assert window.stack.currentWidget() is window.workspaces["my_households"]
    assert not window.tree.isVisibleTo(window)
    assert not window.import_action.isVisible()
    ws = window.workspaces["my_households"]
    texts = [ws.households.item(i).text() for i in range(ws.households.count())]
    assert len(texts) == 1 and texts[0].startswith("阳光花园3幢101室"), other
    shot(window, "my_households_window", (1366, 768))


def test_a_grid_workers_window_keeps_its_workspaces_and_the_import(qtbot, db, user, make_window):
    window = make_window(db, user)
    assert "my_households" not in window.workspaces and len(window.workspaces) == 8
    assert window.tree.isVisibleTo(window) and window.import_action.isVisible()
