"""Render every workspace of the main window (and the login dialog) to PNG files, in zh_CN.

Used by ``gridworker screenshots --out docs/screenshots`` and by the tests. Runs offscreen; waits
for each workspace's background loading before it grabs the window.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable


def settle(app: Any, window: Any, seconds: float = 0.3) -> None:
    """Let background tasks finish and their results paint."""
    end = time.monotonic() + seconds
    while True:
        app.processEvents()
        busy = bool(window.tasks.active)
        if not busy and time.monotonic() > end:
            break
        if time.monotonic() > end + 30:
            break
        time.sleep(0.02)
    app.processEvents()


def render_all(window: Any, out: Path, *, size: tuple[int, int] = (1280, 800),
               extra: Callable[[Any, Path], list[Path]] | None = None) -> list[Path]:
    """Grab the window once per workspace into ``out/<key>.png``; returns the files written."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    app = QApplication.instance()
    out.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    window.show()
    settle(app, window, 0.5)
    written = []
    for key in list(window.workspaces):
        window.show_workspace(key)
        settle(app, window, 0.4)
        path = out / f"{key}.png"
        window.grab().save(str(path))
        written.append(path)
        tabs = getattr(window.workspaces[key], "tabs", None)
        if key == "service" and tabs is not None:  # 志愿服务: each of its pages (#15)
            for i in range(1, tabs.count()):
                tabs.setCurrentIndex(i)
                settle(app, window, 0.3)
                path = out / f"{key}_{i}.png"
                window.grab().save(str(path))
                written.append(path)
            tabs.setCurrentIndex(0)
    if extra is not None:
        written += extra(window, out)
    return written


def household_page_shot(window: Any, out: Path) -> list[Path]:
    """The household page of the first household in the list."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    app = QApplication.instance()
    ws = window.workspaces.get("households")
    if ws is None or ws.model is None or not ws.model.rows:
        return []
    window.show_workspace("households")
    dialog = ws.open_household(ws.model.rows[0].id)
    settle(app, window, 0.4)
    path = out / "household_page.png"
    dialog.grab().save(str(path))
    dialog.tabs.setCurrentIndex(1)
    settle(app, window, 0.1)
    path2 = out / "household_residents.png"
    dialog.grab().save(str(path2))
    dialog.close()
    return [path, path2]


def login_shot(db: Any, out: Path, settings: Any) -> Path:
    from .login import LoginDialog  # noqa: PLC0415

    dialog = LoginDialog(db, settings)
    dialog.show()
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    QApplication.instance().processEvents()
    path = out / "login.png"
    dialog.grab().save(str(path))
    dialog.close()
    return path


def offscreen() -> None:
    """Render without a display (CI, a server) unless the caller chose a platform."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def conflict_shot(window: Any, env: Any, out: Path) -> Path | None:
    """Make a real conflict (a second demo laptop edits the same field first) and grab 同步."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from ..ops.review import demo_conflict  # noqa: PLC0415

    app = QApplication.instance()
    worker = next(u for u in env.users if u["role"] == "grid_worker")
    demo_conflict(window.db, window.ctx.actor, env.folder / "other-laptop" / "gridworker.db", env.server.url,
                  worker["username"], worker["password"])
    window.show_workspace("sync")
    window.sync.sync_now()
    end = time.monotonic() + 30
    while window.sync.running is not None and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    settle(app, window, 0.5)
    path = out / "sync_conflict.png"
    window.grab().save(str(path))
    return path
