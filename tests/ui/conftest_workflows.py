"""Fixtures for the workflow workspaces (党员联户, 走访, 议事表决, 吹哨报到): a logged-in context over
the enrolled test database, helpers to wait for background tasks and to seed households.

Imported by the workflow test modules (``from conftest_workflows import ctx``); helpers
that are not fixtures live in ``workflow_helpers``.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal


class ChangeBridge(QObject):
    """Delivers a unit of work's Changes (emitted on the writer thread) on the UI thread."""

    changed = Signal(object)


@pytest.fixture
def ctx(qtbot, qapp, db, request):
    """An AppContext for a grid worker (王网格) with a real TaskRunner.

    Mark a test ``@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)`` for another role.
    """
    from gridworker.ui.context import AppContext, Session
    from gridworker.ui.tasks import TaskRunner

    try:
        from gridworker.ui.app import apply_font

        apply_font(qapp)
    except ImportError:  # the shell engineer's module: fonts fall back to Qt's default
        pass
    role = getattr(request, "param", "grid_worker")
    session = Session(user_id="user-1", username="wang", display_name="王网格", role=role)
    context = AppContext(db=db, session=session, tasks=TaskRunner())
    # The main window's job in the app: bring each commit's Changes to the UI thread.
    bridge = ChangeBridge()
    context.extras["changes"] = bridge
    unsubscribe = db.subscribe(bridge.changed.emit)
    yield context
    unsubscribe()
    context.tasks.wait_all()


