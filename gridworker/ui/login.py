"""Login: enrol this laptop on first run (or open the demo), then offline login; the idle lock.

Offline login checks the Argon2id hash in ``local_user`` (stored when the user last logged in
online, at enrolment or by :func:`remember_user`). Several users may share one laptop: each has
their own row and role. Hash checks run off the UI thread (Argon2 is deliberately slow).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..store.database import Database
from .context import Session
from .settings import Settings
from .tasks import TaskRunner
from .widgets.forms import FieldError, FormBuilder

_hasher = PasswordHasher()

# After this many wrong passwords in a row the dialog waits before it checks again.
FREE_ATTEMPTS = 3


# --------------------------------------------------------------------------- local users (no Qt)
@dataclass(frozen=True)
class LocalUser:
    id: str
    username: str
    display_name: str
    role: str
    org_id: str | None
    password_hash: str | None

    def session(self) -> Session:
        return Session(self.id, self.username, self.display_name or self.username, self.role, self.org_id)


def hash_password(password: str) -> str:
    """An Argon2id hash (argon2-cffi's current recommended costs)."""
    return _hasher.hash(password)


def local_users(db: Database) -> list[LocalUser]:
    """The users who may log in on this laptop, by name."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, username, COALESCE(display_name, username), role, org_id, password_hash"
            " FROM local_user ORDER BY username").fetchall()
    return [LocalUser(*r) for r in rows]


def remember_user(db: Database, *, user_id: str, username: str, display_name: str | None, role: str,
                  password: str, org_id: str | None = None) -> None:
    """Store (or refresh) a user's offline-login hash on this laptop. Not synced: laptop-only table."""
    pw_hash = hash_password(password)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with db.sync_transaction() as conn:
        conn.exec_driver_sql(
            "INSERT INTO local_user (id, username, display_name, role, org_id, password_hash, last_online_login)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET username = excluded.username,"
            " display_name = excluded.display_name, role = excluded.role, org_id = excluded.org_id,"
            " password_hash = excluded.password_hash, last_online_login = excluded.last_online_login",
            (user_id, username, display_name, role, org_id, pw_hash, now))


def check_login(db: Database, username: str, password: str) -> Session | None:
    """The session for a correct offline login, else None. Slow on purpose (Argon2id)."""
    users = {u.username: u for u in local_users(db)}
    user = users.get(username.strip())
    if user is None or not user.password_hash:
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user.session()


def enroll_laptop(db: Database, server: str, username: str, password: str, state: Any = None) -> Session:
    """Enrol this laptop with the sync server (the engine stores the user's offline-login hash and
    runs the first sync), then log the user in offline. Raises the engine's errors (wrong password,
    server unreachable), whose messages a person can act on.
    """
    from ..sync.engine import enroll  # noqa: PLC0415 - network code only when enrolling

    cancel = (lambda: state.cancelled) if state is not None else None
    progress = None
    if state is not None:
        def progress(phase: str, rows: int, nbytes: int) -> None:
            state.progress(rows, 0, phase)
    enroll(db, server, username, password, progress=progress, cancel=cancel)
    session = check_login(db, username, password)
    if session is None:  # pragma: no cover - the engine stores the hash of the password it was given
        raise RuntimeError("注册成功，但无法在本机登录")
    return session


def community_name(db: Database) -> str | None:
    cid = db.community_id
    if not cid:
        return None
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT name FROM org_unit WHERE id = ?", (cid,)).scalar()


# --------------------------------------------------------------------------- the dialog
class LoginDialog(QDialog):
    """First run: enrol or open the demo. Later: pick a user of this laptop and type the password.

    After ``exec()`` returns Accepted, ``session`` is the logged-in user, or ``wants_demo`` is True.
    ``unlock_for`` turns it into the idle-lock screen (the locked user preselected; another user of
    the laptop may log in instead).
    """

    def __init__(self, db: Database, settings: Settings | None = None, *, demo_available: bool = False,
                 server_hint: str | None = None, unlock_for: Session | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.session: Session | None = None
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
        enrolled = db.community_id is not None and bool(local_users(db))
        self.pages.setCurrentIndex(0 if enrolled or unlock_for else 1)
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
        where = community_name(self.db)
        if where:
            v.addWidget(QLabel(self.tr("本机所属社区：%1").replace("%1", where), page))
        form = FormBuilder()
        self.user_box = QComboBox(page)
        self.user_box.setEditable(True)
        self.user_box.setMinimumWidth(260)
        for u in local_users(self.db):
            self.user_box.addItem(f"{u.username}", u.username)
        last = self.settings.last_username if self.settings else ""
        if last:
            self.user_box.setCurrentText(last)
        self.password = QLineEdit(page)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._login)
        form.add("username", self.tr("用户名"), self.user_box)
        form.add("password", self.tr("密码"), self.password)
        self.login_form = form
        v.addLayout(form.layout)
        self.login_error = FieldError(page)
        v.addWidget(self.login_error)
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
        v.addStretch(1)
        return page

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
        if self.db.community_id is not None and local_users(self.db):
            back = QPushButton(self.tr("返回登录"), page)
            back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
            row.addWidget(back)
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
        # Slow down guessing on a shared laptop: each failure past the free ones waits longer.
        delay = max(0, self.failures - FREE_ATTEMPTS + 1) * 2.0

        unlock = self.unlock_for is not None

        def work(state):
            if delay:
                time.sleep(min(delay, 30))
            session = check_login(self.db, username, password)
            if session is not None and self.db.community_id:
                # Logins are part of the audit trail (who used this laptop, when).
                with self.db.write(self.db.actor(session.user_id, session.display_name)) as uow:
                    uow.audit("unlock" if unlock else "login", detail={"username": session.username})
            return session

        self.tasks.run(work, on_done=self._login_done, on_error=self._login_failed)

    def _login_done(self, session: Session | None) -> None:
        self.login_button.setEnabled(True)
        if session is None:
            self.failures += 1
            self.login_error.set_message(self.tr("用户名或密码不正确"))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.session = session
        if self.settings is not None:
            self.settings.last_username = session.username
        self.accept()

    def _login_failed(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.login_error.set_message(str(exc))

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
        self.tasks.run(lambda state: enroll_laptop(self.db, server, user, pw, state),
                       on_done=self._enroll_done, on_error=self._enroll_failed, kind="net")

    def _enroll_done(self, session: Session) -> None:
        self.enroll_progress.hide()
        self.enroll_button.setEnabled(True)
        self.session = session
        if self.settings is not None:
            self.settings.last_username = session.username
        self.accept()

    def _enroll_failed(self, exc: BaseException) -> None:
        self.enroll_progress.hide()
        self.enroll_button.setEnabled(True)
        self.enroll_error.set_message(self.tr("注册失败：%1").replace("%1", getattr(exc, "message", None) or str(exc)))

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
