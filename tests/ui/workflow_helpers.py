"""Helpers for the workflow workspace tests: wait for tasks, seed households, render to PNG."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ui_helpers import wait_tasks

SHOTS = Path(os.environ.get("GRIDWORKER_SHOTS", Path(__file__).resolve().parents[2] / "build" / "screenshots"))


def watch(ctx, workspace) -> None:
    """Forward committed changes to ``workspace.on_changes`` on the UI thread, as the main window does."""
    ctx.extras["changes"].changed.connect(workspace.on_changes)


def settle(qtbot, ctx, timeout: int = 20_000) -> None:
    """Wait until every background task of ``ctx`` has finished and delivered its result."""
    wait_tasks(qtbot, ctx.tasks, timeout)


def open_workspace(qtbot, ctx, cls):
    """A workspace of class ``cls`` shown at 1280×800 on ``ctx``, fed committed changes, loaded."""
    ws = cls()
    qtbot.addWidget(ws)
    ws.resize(1280, 800)
    ws.show()
    ws.set_context(ctx)
    watch(ctx, ws)
    settle(qtbot, ctx)
    return ws


def add_households(db, actor, rows: list[dict[str, Any]]) -> list[str]:
    """Insert households (address plus any fields); returns their ids in order."""
    with db.write(actor) as uow:
        return [uow.insert("household", row) for row in rows]


def shot(widget, name: str, size=(1280, 800)) -> Path:
    """Render ``widget`` at ``size`` to ``build/screenshots/<name>.png`` and return the path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    from PySide6.QtWidgets import QApplication

    widget.resize(*size)
    widget.show()
    for _ in range(3):  # let layouts that changed while hidden settle before grabbing
        QApplication.processEvents()
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path
