"""党员名册 (party roster) panel of the 党员联户 workspace: the members with their branch, 中心户 and
households; add a member from a resident (政治面貌 中共党员 / 预备党员), register an in-service
member (三报到), edit the pledge (亮承诺), designate / revoke a 党员中心户 with a reason, and a member
leaving with their households going to the nearest members (proposed by building).

Every write is an operation of ``gridworker/ops/party.py``; only roles with ``party.manage`` get
the forms.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain import party as rules
from ...domain import permissions as perm
from ...domain.errors import GridworkerError
from ...store import queries_party as q
from ...store.database import Changes
from ..workspace import Workspace
from ..labels import code_label

TABLES = ("party_member", "contact_link", "org_unit", "resident")
COLUMNS = ("姓名", "类别", "所属支部", "党员中心户", "所属中心户", "联系户", "亮承诺")


class PartyRosterPanel(Workspace):
    """党员名册: the roster table and the forms that change it."""

    key = "party_roster"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.roster: list[dict[str, Any]] = []
        self.branches: list[dict[str, Any]] = []
        self.eligible: list[dict[str, Any]] = []
        self.proposals: list[dict[str, Any]] = []

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("party_roster")
        self.table.setHorizontalHeaderLabels([code_label(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.count_label = QLabel()
        self.count_label.setObjectName("roster_count")

        # ---- 从居民添加
        self.resident_search = QLineEdit()
        self.resident_search.setPlaceholderText(self.tr("搜索政治面貌为党员的居民：姓名或地址"))
        self.resident_search.textChanged.connect(lambda _t: self.reload())
        self.resident_list = QListWidget()
        self.resident_list.setObjectName("eligible_residents")
        self.add_branch = QComboBox()
        self.add_pledge = QLineEdit()
        self.add_button = QPushButton(self.tr("加入党员名册"))
        self.add_button.setObjectName("add_member")
        self.add_button.clicked.connect(self._add_resident)
        tab_add = QWidget()
        fa = QFormLayout(tab_add)
        fa.addRow(self.resident_search)
        fa.addRow(self.resident_list)
        fa.addRow(self.tr("所属支部"), self.add_branch)
        fa.addRow(self.tr("亮承诺"), self.add_pledge)
        fa.addRow(self.add_button)

        # ---- 在职党员报到
        self.svc_name, self.svc_phone, self.svc_workplace = QLineEdit(), QLineEdit(), QLineEdit()
        self.svc_date = QDateEdit(QDate.currentDate())
        self.svc_date.setCalendarPopup(True)
        self.svc_date.setDisplayFormat("yyyy-MM-dd")
        self.svc_branch = QComboBox()
        self.svc_button = QPushButton(self.tr("登记报到"))
        self.svc_button.setObjectName("register_in_service")
        self.svc_button.clicked.connect(self._add_in_service)
        tab_svc = QWidget()
        fs = QFormLayout(tab_svc)
        fs.addRow(self.tr("姓名"), self.svc_name)
        fs.addRow(self.tr("联系电话"), self.svc_phone)
        fs.addRow(self.tr("工作单位"), self.svc_workplace)
        fs.addRow(self.tr("报到日期"), self.svc_date)
        fs.addRow(self.tr("所属支部"), self.svc_branch)
        fs.addRow(self.svc_button)

        # ---- 所选党员
        self.sel_label = QLabel(self.tr("请在左侧选择一名党员"))
        self.sel_label.setObjectName("selected_member")
        self.pledge_edit = QPlainTextEdit()
        self.pledge_edit.setMaximumHeight(70)
        self.pledge_button = QPushButton(self.tr("保存承诺"))
        self.pledge_button.setObjectName("save_pledge")
        self.pledge_button.clicked.connect(self._save_pledge)
        self.central_reason = QLineEdit()
        self.central_reason.setPlaceholderText(self.tr("原因（必填）"))
        self.central_button = QPushButton(self.tr("设为党员中心户"))
        self.central_button.setObjectName("toggle_central")
        self.central_button.clicked.connect(self._toggle_central)
        self.leave_kind = QComboBox()
        for k, label in rules.LEAVE_KINDS.items():
            self.leave_kind.addItem(code_label(label), k)
        self.leave_reason = QLineEdit()
        self.leave_reason.setPlaceholderText(self.tr("说明"))
        self.proposal_list = QListWidget()
        self.proposal_list.setObjectName("proposals")
        self.leave_button = QPushButton(self.tr("离开并交接联系户"))
        self.leave_button.setObjectName("leave_member")
        self.leave_button.clicked.connect(self._leave)
        tab_sel = QWidget()
        fm = QFormLayout(tab_sel)
        fm.addRow(self.sel_label)
        fm.addRow(self.tr("亮承诺"), self.pledge_edit)
        fm.addRow(self.pledge_button)
        row = QHBoxLayout()
        row.addWidget(self.central_reason, 1)
        row.addWidget(self.central_button)
        fm.addRow(self.tr("中心户"), row)
        fm.addRow(self.tr("离开原因"), self.leave_kind)
        fm.addRow(self.tr("说明"), self.leave_reason)
        fm.addRow(QLabel(self.tr("联系户交接（按楼栋就近推荐）：")))
        fm.addRow(self.proposal_list)
        fm.addRow(self.leave_button)

        self.tabs = QTabWidget()
        self.tabs.addTab(tab_sel, self.tr("所选党员"))
        self.tabs.addTab(tab_add, self.tr("从居民添加"))
        self.tabs.addTab(tab_svc, self.tr("在职党员报到"))
        self.error = QLabel()
        self.error.setObjectName("form_error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.count_label)
        lv.addWidget(self.table, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.tabs, 1)
        rv.addWidget(self.error)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(split)

    def title(self) -> str:
        return self.tr("党员名册")

    def set_context(self, ctx) -> None:
        super().set_context(ctx)
        self.tabs.setEnabled(perm.may(ctx.session.role, "party.manage"))
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        if self.ctx is None:
            return
        search, member = self.resident_search.text(), self.selected_id()

        def work(_state: Any) -> tuple:
            with self.ctx.db.read() as conn:
                props = q.proposals(conn, member) if member else []
                return q.roster(conn), q.branches(conn), q.eligible_residents(conn, search), props

        self.ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, result: tuple) -> None:
        keep = self.selected_id()
        self.roster, self.branches, self.eligible, self.proposals = result
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.roster))
        for i, m in enumerate(self.roster):
            kind = self.tr("在职党员") if m["in_service"] and not m["resident_id"] else self.tr("居民党员")
            cells = (m["name"], kind, m["branch_name"] or "", self.tr("是") if m["is_central_household"] else "",
                     m["central_name"] or "", str(m["household_count"]), m["pledge"] or "")
            for j, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, m["id"])
                self.table.setItem(i, j, cell)
            if m["id"] == keep:
                self.table.selectRow(i)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        centrals = sum(1 for m in self.roster if m["is_central_household"])
        self.count_label.setText(self.tr("党员 %1 名，党员中心户 %2 户").replace("%1", str(len(self.roster)))
                                 .replace("%2", str(centrals)))
        for combo in (self.add_branch, self.svc_branch):
            current = combo.currentData()
            combo.clear()
            combo.addItem(self.tr("（未指定）"), None)
            for b in self.branches:
                combo.addItem(b["name"] + (f"（书记：{b['secretary']}）" if b["secretary"] else ""), b["id"])
            if current:
                combo.setCurrentIndex(max(0, combo.findData(current)))
        self.resident_list.clear()
        for r in self.eligible:
            item = QListWidgetItem(f"{r['name']}　{rules.MEMBER_POLITICAL.get(r['political'], '')}　{r['address'] or ''}")
            item.setData(Qt.ItemDataRole.UserRole, r["id"])
            self.resident_list.addItem(item)
        self._show_selected()

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        return cell.data(Qt.ItemDataRole.UserRole) if cell else None

    def selected(self) -> dict[str, Any] | None:
        mid = self.selected_id()
        return next((m for m in self.roster if m["id"] == mid), None)

    def _selected(self) -> None:
        self.reload()  # proposals are per member

    def _show_selected(self) -> None:
        m = self.selected()
        self.proposal_list.clear()
        if m is None:
            self.sel_label.setText(self.tr("请在左侧选择一名党员"))
            return
        self.sel_label.setText(f"{m['name']}　{m['branch_name'] or ''}　{self.tr('联系 %1 户').replace('%1', str(m['household_count']))}")
        self.pledge_edit.setPlainText(m["pledge"] or "")
        self.central_button.setText(self.tr("撤销党员中心户") if m["is_central_household"] else self.tr("设为党员中心户"))
        for p in self.proposals:
            best = p["candidates"][0] if p["candidates"] else None
            text = f"{p['address']} → " + (f"{best['name']}（{best['why']}，现联系{best['household_count']}户）"
                                           if best else self.tr("暂无可接替党员"))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (p["household_id"], best["id"] if best else None))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if best else Qt.CheckState.Unchecked)
            self.proposal_list.addItem(item)

    # ------------------------------------------------------------------ writes
    def _run(self, fn, **kwargs) -> None:
        self.error.clear()

        def work(_state: Any):
            return fn(self.ctx.db, self.ctx.session.actor(self.ctx.db), **kwargs)

        def failed(exc: BaseException) -> None:
            self.error.setText(exc.message if isinstance(exc, GridworkerError) else str(exc))

        def succeeded(_done: Any) -> None:
            for field in (self.central_reason, self.leave_reason, self.add_pledge):
                field.clear()

        self.ctx.tasks.run(work, on_done=succeeded, on_error=failed)

    def _add_resident(self) -> None:
        item = self.resident_list.currentItem()
        if item is None:
            self.error.setText(self.tr("请先选择一名居民"))
            return
        self._run(ops.party.add, resident_id=item.data(Qt.ItemDataRole.UserRole),
                  branch_id=self.add_branch.currentData(), pledge=self.add_pledge.text())

    def _add_in_service(self) -> None:
        self._run(ops.party.add, name=self.svc_name.text(), phone=self.svc_phone.text(),
                  workplace=self.svc_workplace.text(), reported_on=self.svc_date.date().toPython(),
                  branch_id=self.svc_branch.currentData())

    def _save_pledge(self) -> None:
        m = self.selected()
        if m is not None:
            self._run(ops.party.update, member_id=m["id"], pledge=self.pledge_edit.toPlainText())

    def _toggle_central(self) -> None:
        m = self.selected()
        if m is not None:
            self._run(ops.party.set_central, member_id=m["id"], central=not m["is_central_household"],
                      reason=self.central_reason.text())

    def _leave(self) -> None:
        m = self.selected()
        if m is None:
            return
        reassign = {}
        for i in range(self.proposal_list.count()):
            item = self.proposal_list.item(i)
            hid, target = item.data(Qt.ItemDataRole.UserRole)
            if target and item.checkState() == Qt.CheckState.Checked:
                reassign[hid] = target
        self._run(ops.party.leave, member_id=m["id"], kind=self.leave_kind.currentData(),
                  reason=self.leave_reason.text(), reassign=reassign)
