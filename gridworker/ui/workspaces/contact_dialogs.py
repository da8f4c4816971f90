"""党员联户 dialog: assign (or reassign) a household to a party member, or a member to a central household.

The dialog does not write: it emits ``submitted(values)`` and stays open until the workspace has
written (``accept()``) or shows the refusal next to the field it names (``show_error``).
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
    QVBoxLayout,
    QWidget,
)

from ..widgets.forms import FieldError, FormBuilder
from ..widgets.household_picker import HouseholdPicker


class AssignDialog(QDialog):
    """分配 / 调整联系. ``kind``: ``member_household`` (a household gets a party member) or
    ``central_member`` (a party member gets a central household).

    ``members``: the party members to choose from (dicts with id, name, household_count,
    is_central_household). ``target``: the fixed household / member (id plus address or name), or
    None to pick a household with the search. ``current``: the active link's other end
    (id, name) when this is a reassignment: then a reason is required.
    """

    submitted = Signal(dict)

    def __init__(self, ctx: Any, kind: str, members: list[dict[str, Any]], *,
                 target: dict[str, Any] | None = None, current: dict[str, Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.kind, self.target, self.current = kind, target, current
        self.setObjectName("assign_dialog")
        households = kind == "member_household"
        if current:
            self.setWindowTitle(self.tr("调整联系党员") if households else self.tr("调整所属党员中心户"))
        else:
            self.setWindowTitle(self.tr("分配联系党员") if households else self.tr("分配到党员中心户"))
        self.setMinimumWidth(500)
        layout = QVBoxLayout(self)
        holder = QWidget()
        self.form = FormBuilder(holder)
        self.picker: HouseholdPicker | None = None
        if target is None:
            self.picker = HouseholdPicker()
            self.picker.set_context(ctx)
            self.form.add("to_id", self.tr("住户＊"), self.picker)
        else:
            shown = QLabel(target.get("address") or target.get("name") or "")
            shown.setWordWrap(True)
            self.form.add("to_id", self.tr("住户") if households else self.tr("党员"), shown)
        if current:
            now = QLabel(current.get("name") or "")
            self.form.add("current", self.tr("当前联系党员") if households else self.tr("当前中心户"), now)
        self.member = QComboBox()
        for m in members:
            if households:
                text = self.tr("{0}（已联系{1}户）").format(m["name"], m.get("household_count") or 0)
            else:
                text = m["name"]
            self.member.addItem(text, m["id"])
        self.form.add("from_id", self.tr("新的联系党员＊") if households else self.tr("党员中心户＊"), self.member)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：原联系党员搬离本社区") if current else self.tr("可不填"))
        self.form.add("reason", self.tr("调整原因＊") if current else self.tr("备注"), self.reason)
        layout.addWidget(holder)
        self.error = FieldError(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def values(self) -> dict[str, Any]:
        to_id = self.target["id"] if self.target else (self.picker.household_id() if self.picker else None)
        return {"kind": self.kind, "to_id": to_id, "from_id": self.member.currentData(),
                "reason": self.reason.text().strip() or None}

    def _submit(self) -> None:
        self.form.clear_errors()
        self.error.set_message(None)
        values = self.values()
        if not values["to_id"]:
            self.form.boxes["to_id"].set_error(self.tr("请先选择住户"))
            return
        if not values["from_id"]:
            self.form.boxes["from_id"].set_error(self.tr("请选择党员"))
            return
        self.buttons.setEnabled(False)
        self.submitted.emit(values)

    def show_error(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not self.form.show_error(exc):
            self.error.set_message(getattr(exc, "message", None) or str(exc))
