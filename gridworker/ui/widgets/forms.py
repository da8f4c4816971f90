"""Form helpers: a validation message shown right next to the field it is about.

    form = FormBuilder(self)                       # a QFormLayout with an error label per field
    form.add("phone", self.tr("电话"), QLineEdit())
    ...
    form.show_error(exc)                            # a ValidationError: message under its field
    form.clear_errors()

``show_error`` returns False when the error names a field the form does not have, so the caller
can show it elsewhere (the main window's status bar) instead of losing it.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QSizePolicy,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #c62828;"
ERROR_FIELD_STYLE = "border: 1px solid #c62828; border-radius: 3px; padding: 2px 3px;"


class FieldError(QLabel):
    """A red message under a field; hidden while empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)  # long messages (an ID number's check character) wrap; FieldBox grows the window
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def set_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class FieldBox(QWidget):
    """A field widget with its FieldError below it (one row of a form)."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.error = FieldError(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.error)
        # A row is as tall as its editor and message, never stretched by the form.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_error(self, message: str | None) -> None:
        self.error.set_message(message)
        # The row grows by the message. Layouts above (a stacked page, a tab) keep their cached
        # minimum otherwise, and the message would sit under the next field.
        w = self.parentWidget()
        while w is not None:
            if w.layout() is not None:
                w.layout().invalidate()
            w = w.parentWidget()
        win = self.window()
        lay = win.layout()
        if message and lay is not None and win.isVisible():
            # A window whose layout has word-wrapped labels is not grown by Qt: grow it (never shrink).
            lay.activate()
            need = (lay.totalHeightForWidth(win.width()) if lay.hasHeightForWidth()
                    else lay.totalMinimumSize().height())
            if need > win.height():
                win.resize(win.width(), need)
        # Mark the editor too, so the eye finds the field before the message; a style sheet
        # changes the editor's natural height, so keep the height it had.
        if message and not self.editor.styleSheet():
            self.editor.setMinimumHeight(self.editor.sizeHint().height())
        self.editor.setStyleSheet(ERROR_FIELD_STYLE if message else "")


def value_of(editor: QWidget) -> Any:
    """The value a form field holds: text, the chosen item's data (typed text if editable), a bool, an int."""
    if isinstance(editor, QLineEdit):
        return editor.text()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QComboBox):
        # An editable combo holds what was typed; a fixed one the data of the chosen item
        # (None for a blank "not given" item).
        return editor.currentText() if editor.isEditable() else editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    if callable(getattr(editor, "household_id", None)):  # widgets.household_picker.HouseholdPicker
        return editor.household_id()
    raise TypeError(f"no value for {type(editor).__name__}")


def set_value(editor: QWidget, value: Any) -> None:
    """Put ``value`` into a form field (None clears it)."""
    if isinstance(editor, QLineEdit):
        editor.setText("" if value is None else str(value))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText("" if value is None else str(value))
    elif isinstance(editor, QComboBox):
        i = editor.findData(value)
        if i < 0 and value is not None:
            i = editor.findText(str(value))
        editor.setCurrentIndex(max(i, 0))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value or 0))
    elif callable(getattr(editor, "household_id", None)):
        if value is None:
            editor.clear()
    else:
        raise TypeError(f"cannot set {type(editor).__name__}")


class FormBuilder:
    """A QFormLayout whose rows know their field names and show errors next to themselves."""

    def __init__(self, parent: QWidget | None = None):
        self.layout = QFormLayout(parent) if parent is not None else QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.boxes: dict[str, FieldBox] = {}
        self.labels: dict[str, QLabel] = {}

    def add(self, name: str, label: str, editor: QWidget) -> QWidget:
        box = FieldBox(editor)
        box.setObjectName(f"field_{name}")
        editor.setObjectName(name)
        lbl = QLabel(label)
        lbl.setBuddy(editor)
        self.layout.addRow(lbl, box)
        self.boxes[name] = box
        self.labels[name] = lbl
        return editor

    def editor(self, name: str) -> QWidget:
        return self.boxes[name].editor

    def error_label(self, name: str) -> FieldError:
        return self.boxes[name].error

    def values(self) -> dict[str, Any]:
        return {name: value_of(box.editor) for name, box in self.boxes.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, box in self.boxes.items():
            if name in values:
                set_value(box.editor, values[name])

    def clear_errors(self) -> None:
        for box in self.boxes.values():
            box.set_error(None)

    def show_error(self, exc: Any) -> bool:
        """Show a ValidationError's message next to its field and focus it; False if no such field."""
        self.clear_errors()
        field = getattr(exc, "field", None)
        box = self.boxes.get(field) if field else None
        if box is None:
            return False
        box.set_error(getattr(exc, "message", str(exc)))
        box.editor.setFocus()
        return True
