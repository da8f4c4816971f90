"""UI fixtures: app settings in tmp_path, built translations, a logged-in main window, a live sync server.

Everything is real: SQLite files in tmp_path, the sync server under uvicorn on a loopback port,
widgets offscreen (QT_QPA_PLATFORM=offscreen from tests/conftest.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

# Names before the first QSettings anywhere in the test run (the app does the same on start).
QCoreApplication.setOrganizationName("gridworker-tests")
QCoreApplication.setApplicationName("gridworker-tests")

from ui_helpers import PASSWORD, wait_tasks  # noqa: E402,F401  (re-exported for fixtures below)


@pytest.fixture
def settings(tmp_path):
    from gridworker.ui.settings import Settings

    s = Settings.at(tmp_path / "settings.ini")
    s.idle_lock_minutes = 0
    s.auto_sync_minutes = 0
    return s


@pytest.fixture
def ui_app(qapp):
    from gridworker.ui import keyboard
    from gridworker.ui.app import apply_font

    apply_font(qapp)
    keyboard.install(qapp)  # as configure_application does for the real program
    return qapp


@pytest.fixture
def user(db):
    """A grid worker who can log in on the test laptop (offline Argon2id hash)."""
    from gridworker.ops.users import remember_user

    remember_user(db, user_id="user-1", username="wang", display_name="王网格", role="grid_worker",
                  password=PASSWORD)
    from gridworker.ui.context import Session

    return Session("user-1", "wang", "王网格", "grid_worker")


@pytest.fixture
def translator(ui_app, translations):
    from gridworker.ui.app import Translator

    t = Translator(ui_app)
    t.install("zh_CN")
    yield t
    t.install("zh_CN")


@pytest.fixture
def make_window(qtbot, ui_app, settings, translator):
    """Open a MainWindow on a database for a session; closed (and its tasks awaited) after the test."""
    from gridworker.ui.main_window import MainWindow

    windows = []

    def make(db, session):
        w = MainWindow(db, session, settings=settings, translator=translator)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        wait_tasks(qtbot, w.tasks)
        windows.append(w)
        return w

    yield make
    for w in windows:
        if w.isVisible():
            w.close()
        w.tasks.wait_all()


@pytest.fixture
def households(db, actor, grid_id):
    """A few households with known people: 张三's, 李四's, 王五's."""
    rows = [("阳光花园1幢1单元101室", "张三", "13812345678"), ("阳光花园1幢1单元102室", "李四", "13912345678"),
            ("阳光花园2幢1单元201室", "王五", "13712345678")]
    ids = {}
    with db.write(actor) as uow:
        for address, head, phone in rows:
            hid = uow.insert("household", {"address": address, "head_name": head, "phone": phone,
                                           "grid_id": grid_id})
            uow.insert("resident", {"household_id": hid, "name": head, "relation": "02", "phone": phone})
            ids[head] = hid
    return ids


# --------------------------------------------------------------------------- a live sync server
class LiveServer:
    """A seeded demo server on a loopback port, and a way to enrol laptops on it."""

    def __init__(self, folder: Path, households: int = 60):
        from gridworker.embedded import EmbeddedServer, seed_demo_server

        folder.mkdir(parents=True, exist_ok=True)
        self.seeded = seed_demo_server(folder / "server.db", households, 7)
        self.server = EmbeddedServer(folder / "server.db").start()
        self.url = self.server.url
        self.folder = folder
        self.worker = next(u for u in self.seeded["users"] if u["role"] == "grid_worker")

    def laptop(self, name: str):
        """A new encrypted laptop enrolled (and first-synced) as the demo grid worker; its database."""
        from gridworker.sync.laptop import Laptop

        return Laptop(self.folder / name).enroll(self.url, self.worker["username"], self.worker["password"]).db

    def session(self, db):
        from gridworker.ops.users import check_login

        return check_login(db, self.worker["username"], self.worker["password"])

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path / "live")
    yield server
    server.stop()


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)
