"""设置: the preferences a user may change in the app (idle lock, auto-sync, sync on close)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from .settings import FONT_SIZES, Settings


class PreferencesDialog(QDialog):
    """设置: idle lock time, auto-sync interval, sync on close, and this user's 字号."""

    def __init__(self, settings: Settings, parent: QWidget | None = None, *, username: str | None = None):
        super().__init__(parent)
        self.settings = settings
        self.username = username
        self.setWindowTitle(self.tr("设置"))
        form = QFormLayout(self)
        self.idle = QSpinBox(self)
        self.idle.setRange(0, 240)
        self.idle.setSuffix(self.tr(" 分钟"))
        self.idle.setSpecialValueText(self.tr("从不锁定"))
        self.idle.setValue(settings.idle_lock_minutes)
        self.auto = QSpinBox(self)
        self.auto.setRange(0, 240)
        self.auto.setSuffix(self.tr(" 分钟"))
        self.auto.setSpecialValueText(self.tr("只手动同步"))
        self.auto.setValue(settings.auto_sync_minutes)
        self.on_close = QCheckBox(self.tr("关闭程序前同步"), self)
        self.on_close.setChecked(settings.sync_on_close)
        form.addRow(self.tr("无操作多久后锁定"), self.idle)
        form.addRow(self.tr("联网时自动同步间隔"), self.auto)
        form.addRow("", self.on_close)
        self.font_size = QComboBox(self)
        self.font_size.setObjectName("font_size")
        labels = {"standard": self.tr("标准"), "large": self.tr("大"), "xlarge": self.tr("特大")}
        for code in FONT_SIZES:
            self.font_size.addItem(labels[code], code)
        if username:
            self.font_size.setCurrentIndex(self.font_size.findData(settings.font_size(username)))
        self.font_size.setVisible(bool(username))
        if username:
            form.addRow(self.tr("字号"), self.font_size)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.idle_lock_minutes = self.idle.value()
        self.settings.auto_sync_minutes = self.auto.value()
        self.settings.sync_on_close = self.on_close.isChecked()
        if self.username:
            self.settings.set_font_size(self.username, self.font_size.currentData())
        super().accept()
