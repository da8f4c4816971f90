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
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from ..paths import resources_dir
from . import keyboard
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
    app.setWindowIcon(app_icon())
    keyboard.install(app)  # Tab leaves multi-line boxes, Ctrl+Enter submits, a focus frame
    return app


def app_icon() -> QIcon:
    """The program's icon (resources/icons: an SVG and PNG sizes from build_spec/icons.py)."""
    icon = QIcon()
    folder = resources_dir() / "icons"
    for png in sorted(folder.glob("gridworker-*.png")):
        icon.addFile(str(png))
    return icon


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


def start(data_dir: Path, *, settings: Settings | None = None, session=None, key: bytes | None = None,
          open_demo: Callable[[], tuple] | None = None, server_hint: str | None = None,
          on_window: Callable[[object], None] | None = None, demo_users: list[dict] | None = None) -> int:
    """Log in on the laptop in ``data_dir``, open its (encrypted) database, show the main window and
    run the event loop.

    The login page needs no database: it lists the users of the key file; the password opens the
    user's key slot, then the database is opened with that key (header and schema only; the full
    ``quick_check`` runs in the background after the window shows). ``session`` and ``key`` skip the
    login dialog (``gridworker demo``; ``demo_users`` are then offered one click each on the switch-user
    screen, Ctrl+L). ``open_demo`` is offered on a laptop that is not enrolled
    yet: it returns ``(data_dir, session, key)`` of a ready demo laptop. Returns the exit code.
    """
    from .login import LoginDialog  # noqa: PLC0415 - keep `gridworker --help` fast
    from .main_window import MainWindow  # noqa: PLC0415
    from ..sync.laptop import Laptop  # noqa: PLC0415

    app = configure_application()
    settings = settings or Settings()
    translator = Translator(app)
    translator.install(settings.language)
    db = None
    Path(data_dir).mkdir(parents=True, exist_ok=True)  # the folder; the database comes with enrolment
    if session is None:
        dialog = LoginDialog(Laptop(data_dir), settings, demo_available=open_demo is not None,
                             server_hint=server_hint)
        if not dialog.exec():
            return 0
        if dialog.wants_demo and open_demo is not None:
            from PySide6.QtWidgets import QProgressDialog  # noqa: PLC0415

            wait = QProgressDialog(QCoreApplication.translate("start", "正在准备演示社区，请稍候…"), "", 0, 0)
            wait.setCancelButton(None)
            wait.setMinimumDuration(0)
            wait.show()
            app.processEvents()
            try:
                data_dir, session, key = open_demo()
            finally:
                wait.close()
        else:
            session, key, db = dialog.session, dialog.key, dialog.database
    settings.data_dir = str(data_dir)
    while True:
        if db is None:
            db = open_database(Path(data_dir), key)
            if db is None:
                return 1
        window = MainWindow(db, session, settings=settings, translator=translator, data_dir=Path(data_dir))
        if demo_users:
            window.ctx.extras["demo_users"] = demo_users  # the lock / switch-user screen offers them
        window.show()
        after_first_paint(window, db)
        if on_window:
            on_window(window)
        try:
            code = app.exec()
        finally:
            db.close()
        problem = getattr(window, "restore_problem", None)
        if not problem:
            return code
        # The background check found damage: the database is closed now, so a backup can replace it.
        if not offer_restore(db.path, key, problem):
            return 1
        db = None


def open_database(data_dir: Path, key: bytes | None):
    """The laptop database opened with ``key`` (header and schema only). A file that is corrupt or
    does not open is offered the last good backup (the restore dialog); None means quit."""
    from ..store.database import CorruptDatabaseError, Database  # noqa: PLC0415

    path = Path(data_dir) / "gridworker.db"
    while True:
        try:
            return Database.open(path, key=key, check=False)
        except CorruptDatabaseError as exc:
            if not offer_restore(path, key, str(exc)):
                return None


def offer_restore(path: Path, key: bytes | None, problem: str, parent=None) -> bool:
    """Ask whether to restore the last good backup; True when it was restored (reopen then)."""
    from PySide6.QtWidgets import QDialog  # noqa: PLC0415

    from .restore_dialog import RestoreDialog  # noqa: PLC0415

    dialog = RestoreDialog(path, key, problem, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def after_first_paint(window, db) -> None:
    """Once the window shows: the full ``quick_check`` in the background (a problem offers the last
    good backup), and the daily backup (now, then every day while the app runs)."""
    from PySide6.QtCore import QTimer  # noqa: PLC0415

    from ..store.database import quick_check  # noqa: PLC0415

    def checked(problem: str | None) -> None:
        if problem is None:
            return
        window.show_message(QCoreApplication.translate("start", "数据库检查发现问题：%1").replace("%1", problem),
                            error=True)
        # start() offers the last good backup once the window (and the database) is closed.
        window.restore_problem = problem
        window.close()

    def check() -> None:
        window.tasks.run(lambda state: quick_check(db.path, db.key, full=True), on_done=checked)

    from ..store.backups import daily_backup  # noqa: PLC0415

    def backup() -> None:
        window.tasks.run(lambda state: daily_backup(db, keep_days=7),
                         on_error=lambda exc: window.show_message(
                             QCoreApplication.translate("start", "自动备份失败：%1").replace("%1", str(exc)),
                             error=True))

    QTimer.singleShot(0, check)
    QTimer.singleShot(2000, backup)
    timer = QTimer(window)
    timer.setInterval(24 * 3600 * 1000)
    timer.timeout.connect(backup)
    timer.start()
    window.backup_timer = timer
