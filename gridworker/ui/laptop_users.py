"""The users of this laptop (admins only): add one (password checked online), remove one, and how
many days the laptop may stay offline before a login must reach the server.

Each user of a laptop has a key slot (:mod:`gridworker.store.keyslots`): the database key sealed
with their password. Adding a user seals the key of the open database for them once the server
said the password is theirs and they belong to this community; removing one drops their slot, so
their password opens nothing here afterwards.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import GridworkerError
from ..ops import users as user_ops
from ..sync.laptop import Laptop, LaptopRevoked
from .widgets.forms import FieldError, FormBuilder

ROLE_NAMES = {"admin": "管理员", "grid_worker": "网格员", "party_member": "党员"}


class AddUserDialog(QDialog):
    """添加本机用户: user name and password, checked by the server, then a key slot on this laptop.

    ``added`` is the new slot after Accepted; ``revoked`` is set when the server said the device
    was revoked (the main window then runs the lost-laptop flow).
    """

    def __init__(self, window: Any, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.window_ = window
        self.added = None
        self.revoked: LaptopRevoked | None = None
        self.setWindowTitle(self.tr("添加本机用户"))
        self.setMinimumWidth(420)
        v = QVBoxLayout(self)
        hint = QLabel(self.tr("请本人输入自己的用户名和密码。密码由服务器核对（需要联网），"
                              "通过后此人就能用自己的密码登录这台电脑。"), self)
        hint.setWordWrap(True)
        v.addWidget(hint)
        form = FormBuilder()
        self.username = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._add)
        form.add("username", self.tr("用户名"), self.username)
        form.add("password", self.tr("密码"), self.password)
        self.form = form
        v.addLayout(form.layout)
        self.error = FieldError(self)
        v.addWidget(self.error)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)
        self.progress.hide()
        v.addWidget(self.progress)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton(self.tr("核对并添加"), self)
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self._add)
        cancel = QPushButton(self.tr("取消"), self)
        cancel.clicked.connect(self.reject)
        row.addWidget(self.add_button)
        row.addWidget(cancel)
        v.addLayout(row)

    def _add(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        self.form.clear_errors()
        self.error.set_message(None)
        if not username:
            self.form.boxes["username"].set_error(self.tr("请输入用户名"))
            return
        if not password:
            self.form.boxes["password"].set_error(self.tr("请输入密码"))
            return
        self.add_button.setEnabled(False)
        self.progress.show()
        w = self.window_
        laptop, db, actor = w.laptop, w.db, w.ctx.actor

        def work(state):
            return user_ops.add_user(db, actor, username, password, laptop=laptop)

        w.tasks.run(work, on_done=self._done, on_error=self._failed, kind="net")

    def _done(self, slot) -> None:
        self.progress.hide()
        self.add_button.setEnabled(True)
        self.added = slot
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.add_button.setEnabled(True)
        if isinstance(exc, LaptopRevoked):
            self.revoked = exc
            self.reject()
            self.window_.device_stopped(exc)
            return
        text = getattr(exc, "message", None) or str(exc)
        if "未连接服务器" in text or "无法连接" in text:
            text = self.tr("连接不到服务器，无法核对密码。请连接网络后再添加用户。")
        self.error.set_message(self.tr("未能添加：%1").replace("%1", text))


def remove_user_dialog(window: Any) -> QInputDialog:
    """移除本机用户: pick one (not yourself, not the last one); their slot is dropped."""
    laptop: Laptop = window.laptop
    slots = laptop.slots
    names = [f"{s.username}（{s.display_name}，{ROLE_NAMES.get(s.role, s.role)}）" for s in slots.users()]
    by_label = dict(zip(names, [s.username for s in slots.users()]))
    dialog = QInputDialog(window)
    dialog.setWindowTitle(QCoreApplication.translate("LaptopUsers", "移除本机用户"))
    dialog.setLabelText(QCoreApplication.translate("LaptopUsers", "移除后，此人的密码再也打不开这台电脑的数据（数据本身不受影响）："))
    dialog.setComboBoxItems(names)
    dialog.setComboBoxEditable(False)
    dialog.setOkButtonText(QCoreApplication.translate("LaptopUsers", "移除"))

    def chosen(label: str) -> None:
        username = by_label.get(label)
        if not username:
            return
        if username == window.ctx.session.username:
            window.show_message(QCoreApplication.translate("LaptopUsers", "不能移除当前登录的用户"), error=True)
            return
        try:
            user_ops.remove_user(window.db, window.ctx.actor, username, laptop=laptop)
        except GridworkerError as exc:
            window.show_message(getattr(exc, "message", None) or str(exc), error=True)
            return
        window.show_message(QCoreApplication.translate("LaptopUsers", "已移除本机用户 %1").replace("%1", username))

    dialog.textValueSelected.connect(chosen)
    dialog.open()
    return dialog


def offline_days_dialog(window: Any) -> QInputDialog:
    """离线登录期限: after this many days without reaching the server, a login is checked online."""
    slots = window.laptop.slots
    dialog = QInputDialog(window)
    dialog.setWindowTitle(QCoreApplication.translate("LaptopUsers", "离线登录期限"))
    dialog.setLabelText(QCoreApplication.translate("LaptopUsers", "本机连续多少天未连接服务器后，登录时必须联网核对密码："))
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, 365)
    dialog.setIntValue(slots.offline_days)

    def chosen(days: int) -> None:
        try:
            user_ops.set_offline_days(window.db, window.ctx.actor, days, laptop=window.laptop)
        except GridworkerError as exc:
            window.show_message(getattr(exc, "message", None) or str(exc), error=True)
            return
        window.show_message(QCoreApplication.translate("LaptopUsers", "离线登录期限已设为 %1 天").replace("%1", str(days)))

    dialog.intValueSelected.connect(chosen)
    dialog.open()
    return dialog


def stopped_message(window: Any, exc: LaptopRevoked) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("LaptopUsers", "本机已停用"), exc.message, parent=window)
    box.setObjectName("revoked_message")
    return box
