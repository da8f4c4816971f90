"""Starting the desktop app: QApplication setup, translations, login, the main window.

Order matters (Frescobaldi's app.py): organisation and application name before the first
``QSettings``; the style and a font with Chinese glyphs before any widget exists; Qt's own
translations first, then ours, so our strings win where both translate the same text.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import resources_dir
from .settings import DEFAULT_LANGUAGE, LANGUAGES, Settings

ORGANISATION = "gridworker"
APPLICATION = "gridworker"

# Fonts with the Chinese characters we need, best first: Windows, macOS, Linux.
CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
                "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "SimSun")


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def configure_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once and set up (names, style, font). Safe to call again."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv if argv is not None else sys.argv))
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("网格员工作台")
    app.setStyle("Fusion")
    apply_font(app)
    return app


def apply_font(app: QApplication, point_size: float = 10.5) -> QFont:
    """A UI font with a CJK fallback, a little larger than Qt's default (older eyes, old screens)."""
    available = set(QFontDatabase.families())
    cjk = [f for f in CJK_FAMILIES if f in available]
    font = QFont(app.font())
    families = cjk + [f for f in font.families() if f not in cjk]
    if families:
        font.setFamilies(families)
    font.setPointSizeF(point_size)
    app.setFont(font)
    return font


class Translator(QObject):
    """Installs Qt's and our translations for a language; switching sends LanguageChange to widgets.

    ``changed`` is emitted after a switch so windows that build text in code can rebuild it.
    """

    changed = Signal(str)

    def __init__(self, app: QCoreApplication, parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self.language = DEFAULT_LANGUAGE
        self._installed: list[QTranslator] = []
        self.loaded: list[str] = []

    def install(self, language: str) -> None:
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        for t in self._installed:
            self.app.removeTranslator(t)
        self._installed.clear()
        self.loaded.clear()
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{language}", qt_dir), (f"gridworker_{language}", str(i18n_dir()))):
            t = QTranslator(self.app)
            if t.load(name, folder):
                self.app.installTranslator(t)
                self._installed.append(t)
                self.loaded.append(name)
        QLocale.setDefault(QLocale(language))
        previous, self.language = self.language, language
        if previous != language:
            self.changed.emit(language)


def start(data_dir: Path, *, settings: Settings | None = None, session=None,
          open_demo: Callable[[], tuple] | None = None, server_hint: str | None = None,
          on_window: Callable[[object], None] | None = None) -> int:
    """Open the laptop database in ``data_dir``, log in, show the main window and run the event loop.

    ``session`` skips the login dialog (``gridworker demo``). ``open_demo`` is offered on a laptop
    that is not enrolled yet: it returns ``(data_dir, session)`` of a ready demo laptop.
    Returns the exit code.
    """
    from ..store.database import Database  # noqa: PLC0415 - keep `gridworker --help` fast
    from .login import LoginDialog  # noqa: PLC0415
    from .main_window import MainWindow  # noqa: PLC0415

    app = configure_application()
    settings = settings or Settings()
    translator = Translator(app)
    translator.install(settings.language)
    db = Database.open(Path(data_dir) / "gridworker.db")
    if session is None:
        dialog = LoginDialog(db, settings, demo_available=open_demo is not None, server_hint=server_hint)
        if not dialog.exec():
            db.close()
            return 0
        if dialog.wants_demo and open_demo is not None:
            db.close()
            from PySide6.QtWidgets import QProgressDialog  # noqa: PLC0415

            wait = QProgressDialog(QCoreApplication.translate("start", "正在准备演示社区，请稍候…"), "", 0, 0)
            wait.setCancelButton(None)
            wait.setMinimumDuration(0)
            wait.show()
            app.processEvents()
            try:
                data_dir, session = open_demo()
            finally:
                wait.close()
            db = Database.open(Path(data_dir) / "gridworker.db")
        else:
            session = dialog.session
    settings.data_dir = str(data_dir)
    window = MainWindow(db, session, settings=settings, translator=translator, data_dir=Path(data_dir))
    window.show()
    if on_window:
        on_window(window)
    try:
        return app.exec()
    finally:
        db.close()
