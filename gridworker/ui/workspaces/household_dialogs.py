"""Dialogs of the household page: add or edit a resident, move a household to another grid/building.

Saving runs the operations (resident.add / resident.update / household.move, gridworker/ops) in a db
task; a ``ValidationError`` puts its message next to the field it names and nothing is written.
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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain import codes
from ...domain import permissions as perm
from ...domain.errors import ValidationError
from ...domain.masking import mask_id_number, mask_phone
from ...store import queries_households as q
from ..widgets.forms import FieldError, FormBuilder
from ..labels import code_label

RESIDENT_FIELDS = ("name", "id_number", "gender", "birth_date", "relation", "phone", "tags",
                   "sensitive_tags", "notes")


def combo(parent: QWidget, items: dict[str, str] | list[tuple[Any, str]], *, blank: str | None = "") -> QComboBox:
    """A fixed combo box of (value, label) items, with a blank "not given" item first unless ``blank`` is None."""
    box = QComboBox(parent)
    if blank is not None:
        box.addItem(blank, None)
    pairs = items.items() if isinstance(items, dict) else items
    for value, label in pairs:
        box.addItem(code_label(label), value)  # code-list labels in the interface language
    return box


def tags_text(tags: list[str]) -> str:
    return "、".join(tags)


class ResidentDialog(QDialog):
    """Add or edit one resident of a household.

    Editing shows the ID number masked and read-only for every role; a user whose role may see it
    presses 显示完整身份证号 (written to the audit log first) to see and correct it. A masked value is
    never saved back. Roles that may not see phones get the phone masked and read-only too.
    """

    saved = Signal(str)

    def __init__(self, ctx, household_id: str, resident: dict | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.resident = resident
        self.sensitive = ctx.session.may_see_sensitive()
        self.setWindowTitle(self.tr("添加成员") if resident is None else self.tr("编辑成员"))
        self.setMinimumWidth(480)
        v = QVBoxLayout(self)
        self.form = FormBuilder()
        f = self.form
        f.add("name", self.tr("姓名"), QLineEdit(self))
        idn = f.add("id_number", self.tr("公民身份号码"), QLineEdit(self))
        self.reveal_button: QPushButton | None = None
        # A new resident's number is typed by the user: nothing to reveal. An existing one is not shown.
        self.id_revealed = resident is None or not resident.get("id_number")
        if not self.id_revealed and self.sensitive:
            self.reveal_button = QPushButton(self.tr("显示完整身份证号"), self)
            self.reveal_button.setToolTip(self.tr("个人信息默认隐藏；显示会记入审计日志"))
            self.reveal_button.clicked.connect(self.reveal_id_number)
            f.layout.addRow("", self.reveal_button)
        f.add("gender", self.tr("性别"), combo(self, dict(codes.GENDER)))
        f.add("birth_date", self.tr("出生日期"), QLineEdit(self)).setPlaceholderText("1960-05-01")
        f.add("relation", self.tr("与户主关系"), combo(self, dict(codes.RELATION)))
        phone = f.add("phone", self.tr("电话"), QLineEdit(self))
        f.add("tags", self.tr("关爱标签"), QLineEdit(self)).setToolTip("、".join(codes.CARE_TAGS))
        if self.sensitive:
            f.add("sensitive_tags", self.tr("特殊人群"), QLineEdit(self)).setToolTip("、".join(codes.SPECIAL_TAGS))
        notes = f.add("notes", self.tr("备注"), QPlainTextEdit(self))
        notes.setFixedHeight(50)
        self.move_to = None
        if resident:
            # Moving a person to another household (marriage, a new flat) keeps their record.
            from ..widgets.household_picker import HouseholdPicker  # noqa: PLC0415

            self.move_to = HouseholdPicker(self, placeholder=self.tr("不迁出就不用填"))
            self.move_to.set_context(ctx)
            f.add("household_id", self.tr("迁入另一户"), self.move_to)
        v.addLayout(f.layout)
        if resident:
            values = {k: resident.get(k) for k in RESIDENT_FIELDS}
            values["tags"] = tags_text(resident.get("tags") or [])
            values["sensitive_tags"] = tags_text(resident.get("sensitive_tags") or [])
            if not self.id_revealed:
                values["id_number"] = mask_id_number(resident.get("id_number"))
            if not self.sensitive:
                values["phone"] = mask_phone(resident.get("phone"))
            f.set_values(values)
        if not self.id_revealed:
            idn.setReadOnly(True)  # a masked number must never be saved back
        if resident and not self.sensitive:
            phone.setReadOnly(True)
        self.error = FieldError(self)
        v.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        # A role that may not change residents (a party member) reads the record and closes it.
        may_save = perm.may_write(ctx.session.role, "resident", "insert" if resident is None else "update")
        buttons.button(QDialogButtonBox.StandardButton.Save).setVisible(may_save)
        v.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        v = self.form.values()
        for k in ("tags", "sensitive_tags"):
            if k in v:
                v[k] = [t for t in str(v[k]).replace("，", "、").replace(",", "、").split("、") if t.strip()]
        if self.resident and not self.id_revealed:
            v.pop("id_number", None)
        if self.resident and not self.sensitive:
            v.pop("phone", None)
        if v.get("household_id") in (None, self.household_id):
            v.pop("household_id", None)
        return v

    def reveal_id_number(self) -> None:
        """Show (and allow correcting) the full ID number, after the audit log has recorded it."""
        if self.resident is None or self.id_revealed or not self.sensitive:
            return
        rid, hid, full = self.resident["id"], self.household_id, self.resident.get("id_number") or ""
        if self.reveal_button is not None:
            self.reveal_button.setEnabled(False)

        def work(state):
            return ops.personal.reveal(self.ctx.db, self.ctx.actor, what=["id_number"], where="resident_dialog",
                                       table="resident", row_id=rid, detail={"household_id": hid})

        def done(_result) -> None:
            self.id_revealed = True
            editor = self.form.editor("id_number")
            editor.setText(full)
            editor.setReadOnly(False)
            if self.reveal_button is not None:
                self.reveal_button.hide()

        def failed(exc: BaseException) -> None:
            if self.reveal_button is not None:
                self.reveal_button.setEnabled(True)
            self.error.set_message(self.tr("无法记录查看操作，完整号码未显示：%1").replace(
                "%1", getattr(exc, "message", None) or str(exc)))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def save(self) -> None:
        values = self.values()
        self.form.clear_errors()
        self.error.set_message(None)
        rid = self.resident["id"] if self.resident else None
        hid = self.household_id

        def work(state):
            if rid is None:
                return ops.households.add_resident(self.ctx.db, self.ctx.actor, household_id=hid, **values).id
            return ops.households.update_resident(self.ctx.db, self.ctx.actor, resident_id=rid, values=values).id

        self.ctx.tasks.run(work, on_done=self._saved, on_error=self._failed)

    def _saved(self, rid: str) -> None:
        self.saved.emit(rid)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and self.form.show_error(exc):
            return
        self.error.set_message(getattr(exc, "message", None) or str(exc))


class MoveDialog(QDialog):
    """Move a household to another grid and building of this community (迁移)."""

    def __init__(self, ctx, household_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.setWindowTitle(self.tr("迁移住户"))
        self.setMinimumWidth(420)
        v = QVBoxLayout(self)
        v.addWidget(QLabel(self.tr("把这一户划到另一个网格或楼栋："), self))
        self.form = FormBuilder()
        self.grid_box = self.form.add("grid_id", self.tr("网格"), QComboBox(self))
        self.building_box = self.form.add("building_id", self.tr("楼栋"), QComboBox(self))
        self.form.add("address", self.tr("新地址（可不改）"), QLineEdit(self))
        v.addLayout(self.form.layout)
        self.error = FieldError(self)
        v.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("迁移"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)

        def work(state):
            with ctx.db.read() as conn:
                return q.grids(conn), q.buildings(conn), q.household_place(conn, household_id)

        ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, result) -> None:
        grids, buildings, h = result
        for gid, name in grids:
            self.grid_box.addItem(name, gid)
        self.building_box.addItem(self.tr("（不在楼栋中）"), None)
        for bid, name in buildings:
            self.building_box.addItem(name, bid)
        if h:
            self.form.set_values(h)

    def save(self) -> None:
        values = self.form.values()
        hid = self.household_id

        def work(state):
            return ops.households.move(self.ctx.db, self.ctx.actor, household_id=hid, **values)

        def failed(exc):
            if not (isinstance(exc, ValidationError) and self.form.show_error(exc)):
                self.error.set_message(getattr(exc, "message", None) or str(exc))

        self.ctx.tasks.run(work, on_done=lambda _r: self.accept(), on_error=failed)

