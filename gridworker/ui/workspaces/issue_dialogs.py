"""Dialogs of the 吹哨报到 workspace: one small form per step of the loop, and the new-case form.

A dialog does not write: it emits ``submitted(payload)`` and stays open; the workspace writes in a
task and then calls ``accept()`` or ``show_error(exc)`` (the message goes next to the field the
error names, the user's input stays). So a refused step never loses what was typed.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain import issues as rules
from ...domain.codes import ISSUE_CATEGORIES, ISSUE_KINDS, URGENCIES
from ..widgets.forms import FieldError, FormBuilder, value_of
from ..widgets.household_picker import HouseholdPicker
from ..labels import code_label

# action -> the payload fields its dialog asks for: (key, kind, required)
STEP_FIELDS: dict[str, list[tuple[str, str, bool]]] = {
    # A case saved without its report (a draft from an import or another tool) is reported here.
    "report": [("kind", "kind_required", True), ("category", "category", False), ("urgency", "urgency", True)],
    "accept": [("note", "text", False)],
    "decline": [("reason", "multiline", True)],
    "analyse": [("category", "category", True), ("urgency", "urgency", True), ("level", "level", True),
                ("kind", "kind", False), ("note", "text", False)],
    "dispatch": [("level", "level", True), ("department", "text", True), ("note", "text", False)],
    "start_handling": [("note", "text", False)],
    "request_extension": [("days", "days", True), ("reason", "multiline", True)],
    "grant_extension": [("note", "text", False)],
    "refuse_extension": [("note", "text", False)],
    "feedback": [("note", "multiline", True)],
    "supervise": [("note", "text", False)],
    "send_back": [("reason", "multiline", True)],
    "escalate": [("reason", "multiline", True)],
    "close": [("note", "text", False)],
    "rate": [("rating", "rating", True), ("note", "text", False)],
    "comment": [("note", "multiline", True)],
}


def _combo(items: dict[str, str], optional: bool = False, current: str | None = None) -> QComboBox:
    combo = QComboBox()
    if optional:
        combo.addItem("（不变）", None)
    for code, label in items.items():
        combo.addItem(code_label(label), code)
    if current is not None:
        i = combo.findData(current)
        if i >= 0:
            combo.setCurrentIndex(i)
    return combo


class StepDialog(QDialog):
    """The form for one step (``action``) of a case in ``state``; emits ``submitted(payload)``."""

    submitted = Signal(dict)

    def __init__(self, action: str, state: rules.IssueState, parent: QWidget | None = None):
        super().__init__(parent)
        self.action = action
        self.setObjectName(f"step_{action}")
        self.setWindowTitle(self.tr("办理：") + rules.ACTIONS[action])
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(self._intro(state))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        holder = QWidget()
        self.form = FormBuilder(holder)
        for key, kind, required in STEP_FIELDS.get(action, []):
            label = self.field_label(key) + ("＊" if required else "")
            self.form.add(key, label, self._editor(key, kind, required, state))
        layout.addWidget(holder)
        self.error = FieldError(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(code_label(rules.ACTIONS[action]))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def field_label(self, key: str) -> str:
        """The Chinese label of a payload field (a feedback's note is the handling report)."""
        if key == "note":
            if self.action == "feedback":
                return self.tr("处置情况")
            return self.tr("备注内容") if self.action == "comment" else self.tr("说明")
        return {"reason": self.tr("原因"), "category": self.tr("事项类别"), "urgency": self.tr("紧急程度"),
                "level": self.tr("责任层级"), "kind": self.tr("事项性质"), "department": self.tr("承办部门"),
                "days": self.tr("延期（工作日）"), "rating": self.tr("评价")}[key]

    def _intro(self, state: rules.IssueState) -> str:
        if self.action == "escalate":
            levels = list(rules.ISSUE_LEVELS)
            nxt = levels[min(levels.index(state.level) + 1, len(levels) - 1)]
            return self.tr("吹哨升级：由{0}级升至{1}级办理，请说明原因。").format(
                rules.ISSUE_LEVELS[state.level], rules.ISSUE_LEVELS[nxt])
        if self.action == "close":
            return self.tr("核查处置结果属实后结案。")
        return self.tr("当前状态：") + rules.STATUSES[state.status]

    def _editor(self, key: str, kind: str, required: bool, state: rules.IssueState) -> QWidget:
        if kind == "multiline":
            editor = QPlainTextEdit()
            editor.setFixedHeight(72)
            return editor
        if kind == "category":
            return _combo(ISSUE_CATEGORIES, current=state.category)
        if kind == "urgency":
            return _combo(URGENCIES, current=state.urgency)
        if kind == "kind":
            return _combo(ISSUE_KINDS, optional=True)
        if kind == "kind_required":
            return _combo(ISSUE_KINDS, current=state.kind)
        if kind == "level":
            return _combo(rules.ISSUE_LEVELS, current=state.level)
        if kind == "rating":
            return _combo(rules.RATINGS)
        if kind == "days":
            spin = QSpinBox()
            spin.setRange(1, 30)
            spin.setValue(3)
            return spin
        return QLineEdit()

    def payload(self) -> dict[str, Any]:
        """The entered values, blanks and unchanged optional choices left out."""
        out = {}
        for key, box in self.form.boxes.items():
            editor = box.editor
            # A combo's "（不变）" row has no data: leave the key out rather than send its text.
            value = editor.currentData() if isinstance(editor, QComboBox) else value_of(editor)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            out[key] = value.strip() if isinstance(value, str) else value
        return out

    def _submit(self) -> None:
        self.form.clear_errors()
        self.error.set_message(None)
        self.buttons.setEnabled(False)
        self.submitted.emit(self.payload())

    def show_error(self, exc: BaseException) -> None:
        """Show why the step was refused; the dialog stays open with the input kept."""
        self.buttons.setEnabled(True)
        if not self.form.show_error(exc):
            self.error.set_message(getattr(exc, "message", None) or str(exc))


class NewIssueDialog(QDialog):
    """上报事项: title, description, kind, category, urgency and (optionally) the household."""

    submitted = Signal(dict)

    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("new_issue")
        self.setWindowTitle(self.tr("上报事项"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        holder = QWidget()
        self.form = FormBuilder(holder)
        self.form.add("title", self.tr("事项标题＊"), QLineEdit())
        self.form.add("description", self.tr("详细描述"), QPlainTextEdit())
        self.form.editor("description").setFixedHeight(80)
        self.form.add("kind", self.tr("事项性质＊"), _combo(ISSUE_KINDS))
        self.form.add("category", self.tr("事项类别"), _combo(ISSUE_CATEGORIES, current="livelihood"))
        self.form.add("urgency", self.tr("紧急程度"), _combo(URGENCIES, current="normal"))
        self.picker = HouseholdPicker()
        self.picker.set_context(ctx)
        self.form.add("household_id", self.tr("涉及住户"), self.picker)
        self.form.add("address", self.tr("事发地点"), QLineEdit())
        self.picker.household_selected.connect(
            lambda _id, info: self.form.editor("address").setText(info.get("address") or ""))
        layout.addWidget(holder)
        self.error = FieldError(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("上报"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def values(self) -> dict[str, Any]:
        f = self.form
        return {"title": f.editor("title").text().strip(),
                "description": f.editor("description").toPlainText().strip() or None,
                "kind": f.editor("kind").currentData(), "category": f.editor("category").currentData(),
                "urgency": f.editor("urgency").currentData(), "household_id": self.picker.household_id(),
                "address": f.editor("address").text().strip() or None}

    def _submit(self) -> None:
        self.form.clear_errors()
        self.error.set_message(None)
        self.buttons.setEnabled(False)
        self.submitted.emit(self.values())

    def show_error(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not self.form.show_error(exc):
            self.error.set_message(getattr(exc, "message", None) or str(exc))
