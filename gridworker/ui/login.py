"""Login: enrol this laptop on first run (or open the demo), then log in with a key slot; the idle lock.

The laptop's database is encrypted (SQLCipher); its key is sealed once per local user in
``gridworker.keys`` (:mod:`gridworker.store.keyslots`). So the login page lists the users of the key
file (no database needed), and a password opens the user's slot (Argon2id, off the UI thread); then
the database is opened with that key. After N days without reaching the server the password is
checked online too. The lock screen unlocks a slot and checks it opens the same key as the open
database. The glue is :class:`gridworker.sync.laptop.Laptop` (no Qt).
"""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..ops.users import record_login
from ..store.database import Database
from ..store.keyslots import WrongPassword
from ..sync.laptop import LEGACY, LOCKED, Laptop, LaptopError, LaptopRevoked
from .context import Session
from .settings import Settings
from .tasks import TaskRunner
from .widgets.forms import FieldError, FormBuilder

# After this many wrong passwords in a row the dialog waits before it checks again.
FREE_ATTEMPTS = 3


def _as_laptop(where: Laptop | Database | str | Path) -> tuple[Laptop, Database | None]:
    if isinstance(where, Laptop):
        return where, None
    if isinstance(where, Database):
        return Laptop(where.path.parent), where
    return Laptop(where), None


# --------------------------------------------------------------------------- the dialog
class LoginDialog(QDialog):
    """First run: enrol or open the demo. Later: pick a user of this laptop and type the password.

    ``where`` is the laptop (a :class:`Laptop` or its data folder), or an open :class:`Database`
    (then a login must open that database's key: the lock screen, tests). After ``exec()`` returns
    Accepted: ``session`` is the logged-in user and ``key`` the data key; ``database`` is the
    database the dialog opened (a login or an enrolment at app start; None when it was given one);
    or ``wants_demo`` is True. ``revoked`` is set when the server said the device was revoked (the
    dialog then closes with Rejected). ``unlock_for`` turns it into the idle-lock screen.
    """

    def __init__(self, where: Laptop | Database | str | Path, settings: Settings | None = None, *,
                 demo_available: bool = False, server_hint: str | None = None, unlock_for: Session | None = None,
                 db: Database | None = None, demo_users: list[dict] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.demo_users = demo_users or []
        self.laptop, given = _as_laptop(where)
        self.db = db or given
        self.settings = settings
        self.session: Session | None = None
        self.key: bytes | None = None
        self.database: Database | None = None
        self.revoked: LaptopRevoked | None = None
        self.wants_demo = False
        self.unlock_for = unlock_for
        self.failures = 0
        self.tasks = TaskRunner(self)
        self.setMinimumWidth(480)
        self.setWindowTitle(self.tr("网格员工作台") if unlock_for is None else self.tr("已锁定"))

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._login_page())
        self.pages.addWidget(self._enroll_page(demo_available, server_hint))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        state = self.laptop.state
        can_log_in = state in (LOCKED, LEGACY) and self.user_box.count() > 0
        self.pages.setCurrentIndex(0 if can_log_in or unlock_for or self.laptop.state_message() else 1)
        message = self.laptop.state_message()
        if message:
            self.login_error.set_message(message)
            self.login_button.setEnabled(False)
        if unlock_for:
            self.user_box.setCurrentText(unlock_for.username)
            self.password.setFocus()

    # ------------------------------------------------------------------ pages
    def _login_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        heading = QLabel(self.tr("请登录") if self.unlock_for is None else
                         self.tr("已锁定。请输入密码继续，或由本机的其他用户登录。"), page)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        v.addWidget(heading)
        where = self.laptop.community_name
        if where:
            v.addWidget(QLabel(self.tr("本机所属社区：%1").replace("%1", where), page))
        form = FormBuilder()
        self.user_box = QComboBox(page)
        self.user_box.setEditable(True)
        self.user_box.setMinimumWidth(260)
        self._fill_users()
        self.password = QLineEdit(page)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._login)
        form.add("username", self.tr("用户名"), self.user_box)
        form.add("password", self.tr("密码"), self.password)
        self.login_form = form
        v.addLayout(form.layout)
        self.login_error = FieldError(page)
        v.addWidget(self.login_error)
        self.login_progress = QProgressBar(page)
        self.login_progress.setRange(0, 0)
        self.login_progress.setMaximumHeight(8)
        self.login_progress.setTextVisible(False)
        self.login_progress.hide()
        v.addWidget(self.login_progress)
        row = QHBoxLayout()
        row.addStretch(1)
        self.login_button = QPushButton(self.tr("登录"), page)
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._login)
        row.addWidget(self.login_button)
        if self.unlock_for is None:
            other = QPushButton(self.tr("注册本机…"), page)
            other.clicked.connect(lambda: self.pages.setCurrentIndex(1))
            row.addWidget(other)
        v.addLayout(row)
        self.demo_buttons = self._demo_user_buttons(page)
        if self.demo_buttons:
            v.addWidget(self.demo_buttons)
        note = QLabel(self.tr("本机数据已加密，只有本机的用户输入自己的密码才能打开。"), page)
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        v.addWidget(note)
        v.addStretch(1)
        return page

    def _demo_user_buttons(self, page: QWidget) -> QWidget | None:
        """On the demo laptop: one button per demo user (网格员, 党员中心户, 联户党员, 管理员) that logs
        in as them, so a newcomer sees each role's screen in one click. Demo passwords only."""
        mine = {u.username for u in self.laptop.users()}
        users = [u for u in self.demo_users if u.get("username") in mine and u.get("password")]
        if not users:
            return None
        box = QGroupBox(self.tr("演示账号（点一下即以该身份登录）"), page)
        grid = QGridLayout(box)
        for i, u in enumerate(users):
            label = self.tr(u.get("label") or u.get("role") or "")
            button = QPushButton(f"{u.get('display_name') or u['username']}（{label}）", box)
            button.setObjectName(f"demo_{u['username']}")
            button.clicked.connect(lambda _c=False, u=u: self.log_in_as_demo(u))
            grid.addWidget(button, i // 2, i % 2)
        return box

    def log_in_as_demo(self, user: dict) -> None:
        self.user_box.setCurrentText(user["username"])
        self.password.setText(user["password"])
        self._login()

    def _fill_users(self) -> None:
        self.user_box.clear()
        for u in self.laptop.users():
            self.user_box.addItem(u.username, u.username)
            if u.display_name and u.display_name != u.username:
                self.user_box.setItemData(self.user_box.count() - 1, u.display_name, 3)  # tooltip
        last = self.settings.last_username if self.settings else ""
        if last and self.user_box.findText(last) >= 0:
            self.user_box.setCurrentText(last)

    def _enroll_page(self, demo_available: bool, server_hint: str | None) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        heading = QLabel(self.tr("首次使用：把这台电脑注册到社区"), page)
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        heading.setWordWrap(True)
        v.addWidget(heading)
        hint = QLabel(self.tr("请输入街道或社区管理员提供的服务器地址，以及您的用户名和密码。"
                              "注册后即使没有网络也能登录和工作。"), page)
        hint.setWordWrap(True)
        v.addWidget(hint)
        form = FormBuilder()
        self.server = QLineEdit(server_hint or "", page)
        self.server.setPlaceholderText("https://grid.example.gov.cn")
        self.enroll_user = QLineEdit(page)
        self.enroll_password = QLineEdit(page)
        self.enroll_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.add("server", self.tr("服务器地址"), self.server)
        form.add("username", self.tr("用户名"), self.enroll_user)
        form.add("password", self.tr("密码"), self.enroll_password)
        self.enroll_form = form
        v.addLayout(form.layout)
        self.enroll_error = FieldError(page)
        v.addWidget(self.enroll_error)
        self.enroll_progress = QProgressBar(page)
        self.enroll_progress.setRange(0, 0)
        self.enroll_progress.hide()
        v.addWidget(self.enroll_progress)
        row = QHBoxLayout()
        if demo_available:
            demo = QPushButton(self.tr("打开演示数据"), page)
            demo.setToolTip(self.tr("在本机启动一个演示社区，随便试，不影响真实数据"))
            demo.clicked.connect(self._demo)
            row.addWidget(demo)
        row.addStretch(1)
        self.enroll_button = QPushButton(self.tr("注册本机"), page)
        self.enroll_button.clicked.connect(self._enroll)
        row.addWidget(self.enroll_button)
        self.back_button = QPushButton(self.tr("返回登录"), page)
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.back_button.setVisible(self.laptop.state in (LOCKED, LEGACY))
        row.addWidget(self.back_button)
        v.addLayout(row)
        v.addStretch(1)
        return page

    # ------------------------------------------------------------------ actions
    def _login(self) -> None:
        username = self.user_box.currentText().strip()
        password = self.password.text()
        self.login_form.clear_errors()
        self.login_error.set_message(None)
        if not username:
            self.login_form.boxes["username"].set_error(self.tr("请输入用户名"))
            return
        if not password:
            self.login_form.boxes["password"].set_error(self.tr("请输入密码"))
            return
        self.login_button.setEnabled(False)
        self.login_progress.show()
        # Slow down guessing on a shared laptop: each failure past the free ones waits longer.
        delay = max(0, self.failures - FREE_ATTEMPTS + 1) * 2.0
        laptop, db, unlock = self.laptop, self.db, self.unlock_for is not None

        def work(state):
            if delay:
                time.sleep(min(delay, 30))
            try:
                if db is not None:
                    return self._unlock_open(laptop, db, username, password, unlock)
                login = laptop.login(username, password)
            except WrongPassword:
                return None
            session = Session.from_slot(login.slot)
            try:
                record_login(login.db, session)
            except BaseException:
                login.db.close()
                raise
            return session, login.key, login.db

        # "net": an online check may run (N days offline), and it must not wait behind database work.
        self.tasks.run(work, on_done=self._login_done, on_error=self._login_failed, kind="net")

    @staticmethod
    def _unlock_open(laptop: Laptop, db: Database, username: str, password: str, unlock: bool):
        """A user of the open database: their slot must open the same key (then the same checks)."""
        session = Session.from_slot(laptop.login_open(db, username, password))
        record_login(db, session, "unlock" if unlock else "login")
        return session, db.key, None

    def _login_done(self, result: tuple | None) -> None:
        self.login_button.setEnabled(True)
        self.login_progress.hide()
        if result is None:
            self.failures += 1
            self.login_error.set_message(self.tr("用户名或密码不正确"))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.session, self.key, self.database = result
        if self.settings is not None:
            self.settings.last_username = self.session.username
        self.accept()

    def _login_failed(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.login_progress.hide()
        if isinstance(exc, LaptopRevoked):
            self._show_revoked(exc)
            return
        self.login_error.set_message(getattr(exc, "message", None) or str(exc))

    def _show_revoked(self, exc: LaptopRevoked) -> None:
        self.revoked = exc
        if self.unlock_for is not None:
            QDialog.done(self, QDialog.DialogCode.Rejected)  # the main window says it and closes
            return
        self.login_error.set_message(exc.message)
        self.login_button.setEnabled(False)
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("本机已停用"), exc.message, parent=self)
        box.setObjectName("revoked_message")
        box.finished.connect(lambda _r: QDialog.done(self, QDialog.DialogCode.Rejected))
        self.revoked_box = box
        box.open()

    def _enroll(self) -> None:
        server, user, pw = self.server.text().strip(), self.enroll_user.text().strip(), self.enroll_password.text()
        self.enroll_form.clear_errors()
        self.enroll_error.set_message(None)
        for name, value, msg in (("server", server, self.tr("请输入服务器地址")),
                                 ("username", user, self.tr("请输入用户名")),
                                 ("password", pw, self.tr("请输入密码"))):
            if not value:
                self.enroll_form.boxes[name].set_error(msg)
                return
        if "://" not in server:
            server = "https://" + server  # TLS unless the administrator wrote otherwise
        self.enroll_button.setEnabled(False)
        self.enroll_progress.show()
        laptop = self.laptop

        def work(state):
            def progress(phase: str, rows: int, nbytes: int) -> None:
                state.progress(rows, 0, phase)

            login = laptop.enroll(server, user, pw, progress=progress, cancel=lambda: state.cancelled)
            return Session.from_slot(login.slot), login.key, login.db

        self.tasks.run(work, on_done=self._enroll_done, on_error=self._enroll_failed, kind="net")

    def _enroll_done(self, result: tuple) -> None:
        self.enroll_progress.hide()
        self.enroll_button.setEnabled(True)
        self.session, self.key, self.database = result
        if self.settings is not None:
            self.settings.last_username = self.session.username
        self.accept()

    def _enroll_failed(self, exc: BaseException) -> None:
        self.enroll_progress.hide()
        self.enroll_button.setEnabled(True)
        text = self.tr("注册失败：%1").replace("%1", getattr(exc, "message", None) or str(exc))
        self.enroll_error.set_message(text)
        if self.laptop.state == LOCKED:
            # Enrolled, but the first sync did not finish: the user can log in and sync later.
            self._fill_users()
            self.back_button.show()

    def _demo(self) -> None:
        self.wants_demo = True
        self.accept()

    def reject(self) -> None:
        # The lock screen cannot be dismissed without a password.
        if self.unlock_for is None:
            super().reject()

    def done(self, r: int) -> None:
        self.tasks.wait_all(5000)
        super().done(r)


# --------------------------------------------------------------------------- idle lock
class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without keyboard or mouse input anywhere in the app."""

    idle = Signal()
    _INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
              QEvent.Type.Wheel, QEvent.Type.TouchBegin}

    def __init__(self, minutes: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.timer.stop()
        if minutes > 0:
            self.timer.start(minutes * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        """For tests and settings dialogs that speak milliseconds."""
        self.minutes = ms / 60_000
        self.timer.start(ms)

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        if self.minutes > 0:
            self.timer.start(int(self.minutes * 60_000))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in self._INPUT and self.timer.isActive():
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
