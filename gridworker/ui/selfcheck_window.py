"""The Qt half of ``gridworker --self-check``: translations, the first-run screen, the main window.

    from gridworker.ui.selfcheck_window import check_ui
    for check in check_ui(workdir): print(check.line())

Runs on whatever QPA platform is set (``QT_QPA_PLATFORM=offscreen`` for a headless check). Uses
the running QApplication if there is one (tests), else creates it the way the app does. Settings
go to an INI file under ``workdir``, so the user's own preferences are never read or written.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QCoreApplication, QLibraryInfo, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from ..checks import Check, guard
from .app import CJK_FAMILIES, Translator, configure_application
from .settings import Settings

log = logging.getLogger(__name__)

# A string every first-run screen shows, and its English translation: proves the .qm is read.
PROBE_CONTEXT, PROBE_SOURCE, PROBE_EN = "LoginDialog", "首次使用：把这台电脑注册到社区", "First use"


def check_ui(workdir: Path) -> Iterator[Check]:
    """Qt checks against a fresh laptop data folder in ``workdir`` (created here)."""
    from ..store.database import Database  # noqa: PLC0415

    workdir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    if app is None:
        app = configure_application(["gridworker", "--self-check"])
    assert isinstance(app, QApplication)
    yield Check("Qt", True, f"Qt {qVersion()}, platform plugin {app.platformName()!r}, "
                f"plugins at {QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)}")
    yield _cjk_font()
    settings = Settings.at(workdir / "settings.ini")
    settings.idle_lock_minutes = 0
    settings.auto_sync_minutes = 0
    settings.sync_on_close = False
    translator = Translator(app)
    yield guard("translations", lambda: _translations(translator))
    try:
        db = Database.open(workdir / "data" / "gridworker.db")
    except Exception as exc:  # noqa: BLE001
        yield Check("UI database", False, f"{type(exc).__name__}: {exc}")
        return
    try:
        yield guard("first-run screen", lambda: _first_run(db, settings))
        yield guard("main window", lambda: _main_window(db, settings, translator, workdir / "data"))
    finally:
        db.close()


def _cjk_font() -> Check:
    available = set(QFontDatabase.families())
    found = [f for f in CJK_FAMILIES if f in available]
    if found:
        return Check("Chinese font", True, found[0])
    # The app uses the system's fonts; on a machine without one, Chinese shows as boxes.
    return Check("Chinese font", True, f"none of {', '.join(CJK_FAMILIES[:4])}… installed", warn=True)


def _translations(translator: Translator) -> str:
    translator.install("en")
    english = QCoreApplication.translate(PROBE_CONTEXT, PROBE_SOURCE)
    loaded_en = list(translator.loaded)
    translator.install("zh_CN")
    if "gridworker_en" not in loaded_en or not english.startswith(PROBE_EN):
        raise RuntimeError(f"English not loaded (loaded {loaded_en}, {PROBE_SOURCE!r} -> {english!r})")
    if "gridworker_zh_CN" not in translator.loaded:
        raise RuntimeError(f"Chinese not loaded (loaded {translator.loaded})")
    return f"zh_CN and en loaded ({', '.join(translator.loaded + loaded_en)})"


def _first_run(db, settings: Settings) -> str:
    from .login import LoginDialog  # noqa: PLC0415

    dialog = LoginDialog(db, settings, demo_available=True)
    try:
        dialog.show()
        QCoreApplication.processEvents()
        page = dialog.pages.currentIndex()
        if page != 1:
            raise RuntimeError(f"an unenrolled laptop shows page {page}, not the enrol page")
        return f"enrol-or-demo page, title {dialog.windowTitle()!r}"
    finally:
        dialog.done(0)
        dialog.deleteLater()


def _main_window(db, settings: Settings, translator: Translator, data_dir: Path) -> str:
    from .context import Session  # noqa: PLC0415
    from .main_window import MainWindow  # noqa: PLC0415

    session = Session("self-check", "self-check", "自检", "admin")
    window = MainWindow(db, session, settings=settings, translator=translator, data_dir=data_dir)
    try:
        window.show()
        for _ in range(5):
            QCoreApplication.processEvents()
        window.tasks.wait_all(30_000)
        QCoreApplication.processEvents()
        if not window.workspaces:
            raise RuntimeError("no workspaces were created")
        title = window.windowTitle()
        names = ", ".join(window.workspaces)
    finally:
        window.close()
        window.tasks.wait_all(30_000)
        window.deleteLater()
        QCoreApplication.processEvents()
    if window.isVisible():
        raise RuntimeError("the main window did not close")
    return f"built and closed ({names}){' ' + repr(title) if title else ''}"
