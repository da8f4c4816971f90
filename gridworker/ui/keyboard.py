"""Keyboard habits every dialog shares (#19 item 10), installed once on the application:

- in a dialog, Tab leaves a multi-line box (it moves the focus, it does not type a tab character);
- Ctrl+Enter submits the dialog (its default button, else its OK / accept button), from any field;
- a multi-line box that has the focus shows a clear frame.

Installed by ``app.configure_application``; nothing here knows any particular dialog.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QTextEdit, QWidget

FOCUS_FRAME = ("QPlainTextEdit:focus, QTextEdit:focus { border: 2px solid #1f6fb2; border-radius: 2px; }")


def submit_button(dialog: QDialog) -> QPushButton | None:
    """The button Ctrl+Enter presses: the dialog's default button, else its box's accept button."""
    for b in dialog.findChildren(QPushButton):
        if b.isDefault() and b.isVisible() and b.isEnabled():
            return b
    for box in dialog.findChildren(QDialogButtonBox):
        for b in box.buttons():
            if box.buttonRole(b) in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole) \
                    and b.isVisible() and b.isEnabled():
                return b
    return None


class KeyboardHabits(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(obj, QDialog):
            for box in obj.findChildren(QPlainTextEdit) + obj.findChildren(QTextEdit):
                box.setTabChangesFocus(True)
        elif kind == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier and isinstance(obj, QWidget):
            dialog = obj if isinstance(obj, QDialog) else obj.window()
            if isinstance(dialog, QDialog):
                button = submit_button(dialog)
                if button is not None:
                    button.click()
                    return True
        return False


def install(app: QApplication) -> KeyboardHabits:
    """Install the habits on ``app`` once (returns the filter; the app keeps it alive)."""
    existing = app.findChild(KeyboardHabits)
    if existing is not None:
        return existing
    habits = KeyboardHabits(app)
    app.installEventFilter(habits)
    if FOCUS_FRAME not in (app.styleSheet() or ""):
        app.setStyleSheet((app.styleSheet() or "") + FOCUS_FRAME)
    return habits
