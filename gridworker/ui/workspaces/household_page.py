"""The household page (a dialog): its facts, residents, party member, visits and issues; editing them.

Saving runs the operations (household.add / household.update, resident.delete, personal.reveal:
gridworker/ops) in a db task. A refused value (``ValidationError``) puts its message next to the
field it names and keeps everything the user typed; nothing is written. A role that may not change
households (a party member) reads the page: it is not offered saving or changing residents.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain import codes
from ...domain import permissions as perm
from ...domain.errors import ValidationError
from ...domain.issues import STATUSES
from ...domain.masking import mask_id_number, mask_phone, mask_text
from ...store import queries_households as q
from ...store.validate import HOUSEHOLD_TAGS
from ..widgets.forms import FieldError, FormBuilder
from ..widgets.tables import fill, make_table
from .household_dialogs import ResidentDialog, combo, tags_text
from ..labels import code_label

HOUSEHOLD_FIELDS = ("address", "head_name", "phone", "grid_id", "tenure", "residence_status", "area_m2",
                    "attention_level", "tags", "notes")


def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
    return make_table(headers, parent=parent)


class HouseholdDialog(QDialog):
    """One household's page. ``household_id`` None: a new household. ``saved`` carries its id."""

    saved = Signal(str)

    def __init__(self, ctx, household_id: str | None, *, defaults: dict | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.detail: q.HouseholdDetail | None = None
        self.sensitive = ctx.session.may_see_sensitive()
        self.revealed = False
        self.setWindowTitle(self.tr("新增住户") if household_id is None else self.tr("住户详情"))
        self.resize(860, 620)
        self._build(defaults or {})
        self._load()

    # ------------------------------------------------------------------ layout
    def _build(self, defaults: dict) -> None:
        v = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        v.addWidget(self.heading)
        self.tabs = QTabWidget(self)
        v.addWidget(self.tabs, 1)

        page = QWidget(self)
        self.form = FormBuilder(page)
        f = self.form
        f.add("address", self.tr("地址"), QLineEdit(page)).setPlaceholderText(self.tr("如：阳光花园3幢2单元501室"))
        f.add("head_name", self.tr("户主姓名"), QLineEdit(page))
        f.add("phone", self.tr("联系电话"), QLineEdit(page)).setPlaceholderText(self.tr("手机或固话"))
        self.grid_box = f.add("grid_id", self.tr("所属网格"), combo(page, [], blank=self.tr("（未指定）")))
        f.add("tenure", self.tr("住房性质"), combo(page, dict(codes.TENURE)))
        f.add("residence_status", self.tr("人户状态"), combo(page, dict(codes.RESIDENCE_STATUS)))
        f.add("area_m2", self.tr("建筑面积（㎡）"), QLineEdit(page))
        f.add("attention_level", self.tr("关注等级"), combo(page, dict(codes.ATTENTION_LEVELS), blank=None))
        tags = f.add("tags", self.tr("标签"), QLineEdit(page))
        tags.setPlaceholderText(self.tr("用顿号或逗号分隔"))
        tags.setToolTip(self.tr("可选：%1").replace("%1", "、".join(codes.CARE_TAGS + HOUSEHOLD_TAGS)))
        notes = f.add("notes", self.tr("备注"), QPlainTextEdit(page))
        notes.setFixedHeight(60)
        if not self.sensitive:
            # Roles that may not see full phone numbers get them masked and cannot edit them.
            self.form.editor("phone").setReadOnly(True)
        self.form.set_values({"attention_level": "normal", **defaults})
        self._defaults = defaults
        self._close_after_save = False
        self.tabs.addTab(page, self.tr("基本信息"))

        self.residents_page = QWidget(self)
        rv = QVBoxLayout(self.residents_page)
        self.residents = _table(self.residents_page, [self.tr("姓名"), self.tr("与户主关系"), self.tr("性别"),
                                                      self.tr("出生日期"), self.tr("身份证号"), self.tr("电话"),
                                                      self.tr("标签")])
        self.residents.doubleClicked.connect(lambda _i: self.edit_resident())
        rv.addWidget(self.residents)
        row = QHBoxLayout()
        self.reveal_box = QCheckBox(self.tr("显示完整身份证号和电话"), self.residents_page)
        self.reveal_box.setToolTip(self.tr("个人信息默认隐藏；显示会记入审计日志"))
        self.reveal_box.setVisible(self.sensitive)
        self.reveal_box.toggled.connect(self._reveal)
        row.addWidget(self.reveal_box)
        row.addStretch(1)
        role = self.ctx.session.role
        for text, slot, op in ((self.tr("添加成员"), self.add_resident, "insert"),
                               (self.tr("编辑成员"), self.edit_resident, "update"),
                               (self.tr("移除成员"), self.remove_resident, "delete")):
            b = QPushButton(text, self.residents_page)
            b.clicked.connect(slot)
            b.setVisible(perm.may_write(role, "resident", op))
            row.addWidget(b)
        rv.addLayout(row)
        self.tabs.addTab(self.residents_page, self.tr("家庭成员"))

        self.member_page = QLabel(self)
        self.member_page.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.member_page.setWordWrap(True)
        self.member_page.setMargin(12)
        self.member_page.setStyleSheet("font-size: 12pt; line-height: 150%;")
        self.tabs.addTab(self.member_page, self.tr("联户党员"))
        self.visits = _table(self, [self.tr("走访时间"), self.tr("走访人"), self.tr("方式"), self.tr("情况摘要"),
                                    self.tr("发现问题")])
        self.tabs.addTab(self.visits, self.tr("走访记录"))
        self.issues = _table(self, [self.tr("上报时间"), self.tr("事项"), self.tr("类别"), self.tr("状态")])
        self.tabs.addTab(self.issues, self.tr("吹哨事项"))
        new = self.household_id is None
        for i in range(1, 5):
            self.tabs.setTabEnabled(i, not new)

        self.error = FieldError(self)
        v.addWidget(self.error)
        self.status = QLabel(self)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(perm.may_write(self.ctx.session.role, "household",
                                                   "insert" if self.household_id is None else "update"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        v.addLayout(bottom)
        self.heading.setText(self.tr("新增住户") if new else self.tr("正在加载…"))

    # ------------------------------------------------------------------ loading
    def _load(self) -> None:
        hid = self.household_id

        def work(state):
            with self.ctx.db.read() as conn:
                return q.grids(conn), (q.household_detail(conn, hid) if hid else None)

        self.ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, result) -> None:
        grids, detail = result
        current = self.grid_box.currentData()
        self.grid_box.clear()
        self.grid_box.addItem(self.tr("（未指定）"), None)
        for gid, name in grids:
            self.grid_box.addItem(name, gid)
        self.grid_box.setCurrentIndex(max(self.grid_box.findData(current or self._defaults.get("grid_id")), 0))
        if self.household_id is None:
            self._mark_clean()  # a new household's page starts from its defaults
            return
        if detail is None:
            self.heading.setText(self.tr("这一户已被删除"))
            self.save_button.setEnabled(False)
            return
        self.detail = detail
        self.show_detail(detail, fill_form=True)

    def show_detail(self, d: q.HouseholdDetail, *, fill_form: bool) -> None:
        h = d.household
        heading = h["address"]
        if h.get("civility_stars"):  # 星级文明户, as the year's selection wrote it
            heading += "　" + self.tr("%1年度星级文明户").replace("%1", str(h.get("civility_year") or "")) + \
                " " + "★" * int(h["civility_stars"])
        self.heading.setText(heading)
        if fill_form:
            values = {k: h.get(k) for k in HOUSEHOLD_FIELDS}
            values["tags"] = tags_text(h.get("tags") or [])
            if not self.sensitive:
                values["phone"] = mask_phone(h.get("phone"))
            self.form.set_values(values)
            self._mark_clean()
        relation = dict(codes.RELATION)
        gender = dict(codes.GENDER)
        fill(self.residents, [
            [r["name"], code_label(relation.get(r.get("relation") or "", "")), code_label(gender.get(r.get("gender") or "", "")),
             r.get("birth_date") or "",
             (r.get("id_number") or "") if self.revealed else mask_id_number(r.get("id_number")),
             (r.get("phone") or "") if self.revealed else mask_phone(r.get("phone")),
             tags_text(r["tags"] + (r["sensitive_tags"] if self.revealed else []))]
            for r in d.residents], [r["id"] for r in d.residents])
        m = d.party_member
        if m:
            central = self.tr("（党员中心户）") if m.get("is_central_household") else ""
            text = self.tr("联系党员：%1%2\n电话：%3\n所在支部：%4\n联系开始：%5").replace("%1", m["name"]) \
                .replace("%2", central).replace("%3", mask_phone(m.get("phone"))) \
                .replace("%4", m.get("branch") or "—").replace("%5", m.get("start_date") or "—")
        else:
            text = self.tr("这一户还没有联系党员。可在“党员联户”中指派。")
        self.member_page.setText(text)
        modes = dict(codes.VISIT_MODES)
        note = (lambda t: t or "") if self.revealed else mask_text  # numbers typed into visit notes
        fill(self.visits, [[(x["visited_at"] or "")[:16].replace("T", " "), x.get("visitor_name") or "",
                             code_label(modes.get(x["mode"], x["mode"])), note(x.get("summary")), note(x.get("problems"))]
                            for x in d.visits])
        cats = dict(codes.ISSUE_CATEGORIES)
        fill(self.issues, [[(i["reported_at"] or "")[:10], i["title"], code_label(cats.get(i.get("category") or "", "")),
                             code_label(STATUSES.get(i["status"], i["status"]))] for i in d.issues])
        self.tabs.setTabText(1, self.tr("家庭成员（%1）").replace("%1", str(len(d.residents))))
        self.tabs.setTabText(3, self.tr("走访记录（%1）").replace("%1", str(len(d.visits))))
        self.tabs.setTabText(4, self.tr("吹哨事项（%1）").replace("%1", str(len(d.issues))))

    def _reveal(self, on: bool) -> None:
        """Show the residents' full ID numbers, phones and special-management tags: an explicit act,
        written to the audit log (who, when, which household and residents) before anything shows."""
        if not on or not self.sensitive or not self.household_id or self.detail is None:
            self.revealed = False
            if on:
                self._uncheck_reveal()
            if self.detail is not None:
                self.show_detail(self.detail, fill_form=False)
            return
        hid, residents = self.household_id, [r["id"] for r in self.detail.residents]

        def work(state):
            return ops.personal.reveal(self.ctx.db, self.ctx.actor, what=["id_number", "phone", "sensitive_tags"],
                                       where="household_page", table="household", row_id=hid,
                                       detail={"residents": residents})

        def done(_result) -> None:
            self.revealed = self.reveal_box.isChecked()
            if self.detail is not None:
                self.show_detail(self.detail, fill_form=False)

        def failed(exc: BaseException) -> None:
            self._uncheck_reveal()
            self.error.set_message(self.tr("无法记录查看操作，完整号码未显示：%1").replace(
                "%1", getattr(exc, "message", None) or str(exc)))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def _uncheck_reveal(self) -> None:
        self.reveal_box.blockSignals(True)
        self.reveal_box.setChecked(False)
        self.reveal_box.blockSignals(False)

    # ------------------------------------------------------------------ unsaved edits
    def _mark_clean(self) -> None:
        self._clean = self.form.values()

    def has_unsaved_changes(self) -> bool:
        """Typed changes not saved yet (only where the user may save at all)."""
        if not self.save_button.isVisible() or not hasattr(self, "_clean"):
            return False
        return self.form.values() != self._clean

    def reject(self) -> None:
        """Esc or 关闭: typed changes are never thrown away without asking (保存 is the default)."""
        if self.has_unsaved_changes():
            box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(), self.tr("有未保存的修改，是否保存？"),
                              parent=self)
            save = box.addButton(self.tr("保存"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("不保存"), QMessageBox.ButtonRole.DestructiveRole)
            cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(save)
            box.setEscapeButton(cancel)
            self.unsaved_box = box
            box.exec()
            clicked = box.clickedButton()
            self.unsaved_box = None
            if clicked is cancel or clicked is None:
                return
            if clicked is save:
                self._close_after_save = True
                self.save()
                return
        super().reject()

    # ------------------------------------------------------------------ saving
    def values(self) -> dict[str, Any]:
        v = self.form.values()
        if not self.sensitive:
            v.pop("phone", None)  # masked on screen: never written back
        v["tags"] = [t for t in str(v["tags"]).replace("，", "、").replace(",", "、").split("、") if t.strip()]
        return v

    def save(self) -> None:
        values = self.values()
        self.form.clear_errors()
        self.error.set_message(None)
        self.save_button.setEnabled(False)
        hid = self.household_id

        def work(state):
            if hid is None:
                return ops.households.add(self.ctx.db, self.ctx.actor, **values).id, True
            done = ops.households.update(self.ctx.db, self.ctx.actor, household_id=hid, values=values)
            return hid, bool(done.changes)

        self.ctx.tasks.run(work, on_done=self._saved, on_error=self._save_failed, label=self.tr("正在保存…"))

    def _saved(self, result) -> None:
        hid, changed = result
        self.save_button.setEnabled(True)
        self._mark_clean()
        if self._close_after_save:
            self._close_after_save = False
            self.saved.emit(hid)
            super().reject()
            return
        self.status.setText(self.tr("已保存") if changed else self.tr("没有修改"))
        new = self.household_id is None
        self.household_id = hid
        self.saved.emit(hid)
        if new:
            self.setWindowTitle(self.tr("住户详情"))
            for i in range(1, 5):
                self.tabs.setTabEnabled(i, True)
        self._reload_detail()

    def _save_failed(self, exc: BaseException) -> None:
        self._close_after_save = False  # stay open: the message says what to fix
        self.save_button.setEnabled(True)
        self.status.setText("")
        if isinstance(exc, ValidationError) and self.form.show_error(exc):
            self.tabs.setCurrentIndex(0)
            return
        self.error.set_message(getattr(exc, "message", None) or str(exc))

    def _reload_detail(self) -> None:
        hid = self.household_id

        def work(state):
            with self.ctx.db.read() as conn:
                return q.household_detail(conn, hid)

        def done(d):
            if d is not None:
                self.detail = d
                self.show_detail(d, fill_form=False)

        self.ctx.tasks.run(work, on_done=done)

    # ------------------------------------------------------------------ residents
    def _selected_resident(self) -> dict | None:
        row = self.residents.currentRow()
        if self.detail is None or row < 0:
            return None
        rid = self.residents.item(row, 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.detail.residents if r["id"] == rid), None)

    def add_resident(self):
        dialog = ResidentDialog(self.ctx, self.household_id, None, parent=self)
        dialog.saved.connect(lambda _rid: self._reload_detail())
        dialog.open()
        return dialog

    def edit_resident(self):
        r = self._selected_resident()
        if r is None:
            return None
        dialog = ResidentDialog(self.ctx, self.household_id, r, parent=self)
        dialog.saved.connect(lambda _rid: self._reload_detail())
        dialog.open()
        return dialog

    def remove_resident(self) -> None:
        r = self._selected_resident()
        if r is None:
            return
        if QMessageBox.question(self, self.tr("移除成员"),
                                self.tr("确定把%1从这一户移除吗？").replace("%1", r["name"])) \
                != QMessageBox.StandardButton.Yes:
            return

        def work(state):
            return ops.households.delete_resident(self.ctx.db, self.ctx.actor, resident_id=r["id"])

        self.ctx.tasks.run(work, on_done=lambda _r: self._reload_detail())
