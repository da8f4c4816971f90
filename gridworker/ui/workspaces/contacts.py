"""党员联户 (1+10+N) workspace: the tree central household → party members → households, coverage
(households with no party member, members over or under load), and assigning / reassigning with a
recorded reason.

The writes are the operations ``contact.assign`` and ``contact.relink`` (gridworker/ops/contacts.py);
only a role the permission table lets change contact links is offered them.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain import codes
from ...domain import permissions as perm
from ...store import queries_contacts as q
from ...store.database import Changes
from ..widgets.tables import item as _item
from ..workspace import Workspace
from .contact_dialogs import AssignDialog
from .party_coverage import CoveragePanel
from .party_roster import PartyRosterPanel
from ..labels import code_label

TABLES = ("contact_link", "party_member", "household")
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
WARN_FG = QColor("#8a6d00")


class ContactsWorkspace(Workspace):
    """党员联户: tree, coverage, link history, assign and reassign."""

    key = "contacts"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tree_data: q.ContactTree | None = None
        self.cover: q.Coverage | None = None
        self.members: list[dict[str, Any]] = []
        self.selected: tuple[str, str] | None = None  # (kind, id): household / member
        self.history: list[dict[str, Any]] = []
        self.dialog: AssignDialog | None = None

        # ---- left: the tree
        self.tree = QTreeWidget()
        self.tree.setObjectName("contact_tree")
        self.tree.setHeaderLabels([self.tr("党员中心户 → 党员 → 联系户"), self.tr("数量")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemSelectionChanged.connect(self._tree_selected)
        self.assign_button = QPushButton(self.tr("分配联系党员…"))
        self.assign_button.setObjectName("assign_household")
        self.assign_button.clicked.connect(lambda: self.open_assign())
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.assign_button)
        lv.addWidget(self.tree, 1)

        # ---- right: coverage + the selection's details
        self.coverage_label = QLabel()
        self.coverage_label.setObjectName("coverage_label")
        font = QFont(self.coverage_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.coverage_label.setFont(font)
        self.uncovered_table = QTableWidget(0, 3)
        self.uncovered_table.setObjectName("uncovered")
        self.uncovered_table.setHorizontalHeaderLabels([self.tr("住户"), self.tr("户主"), self.tr("关注等级")])
        self.uncovered_table.verticalHeader().hide()
        self.uncovered_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        uh = self.uncovered_table.horizontalHeader()
        uh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        uh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        uh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.uncovered_table.cellDoubleClicked.connect(self._assign_uncovered)
        self.warnings = QListWidget()
        self.warnings.setObjectName("coverage_warnings")
        self.warnings.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.uncovered_table, self.tr("未联系党员的户"))
        self.tabs.addTab(self.warnings, self.tr("结构提醒"))

        self.detail_box = QGroupBox(self.tr("选中项"))
        dv = QVBoxLayout(self.detail_box)
        self.detail_title = QLabel(self.tr("在左侧选择党员或住户"))
        self.detail_title.setObjectName("detail_title")
        self.detail_title.setWordWrap(True)
        self.history_table = QTableWidget(0, 5)
        self.history_table.setObjectName("link_history")
        self.history_table.setHorizontalHeaderLabels(
            [self.tr("联系党员"), self.tr("状态"), self.tr("开始"), self.tr("结束"), self.tr("原因")])
        self.history_table.verticalHeader().hide()
        hh = self.history_table.horizontalHeader()
        for c in range(4):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.reassign_button = QPushButton(self.tr("调整联系党员…"))
        self.reassign_button.setObjectName("reassign_household")
        self.reassign_button.clicked.connect(self.open_reassign)
        self.central_button = QPushButton(self.tr("调整所属中心户…"))
        self.central_button.setObjectName("assign_central")
        self.central_button.clicked.connect(self.open_central)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reassign_button)
        buttons.addWidget(self.central_button)
        buttons.addStretch(1)
        dv.addWidget(self.detail_title)
        dv.addWidget(self.history_table, 1)
        dv.addLayout(buttons)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.coverage_label)
        rv.addWidget(self.tabs, 3)
        rv.addWidget(self.detail_box, 2)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        # 联户结构 and 党员名册 (party_roster.py: its own file and operations) as two pages.
        self.roster = PartyRosterPanel()
        self.pages = QTabWidget()
        self.pages.setObjectName("contact_pages")
        self.pages.addTab(splitter, self.tr("联户结构"))
        self.pages.addTab(self.roster, self.tr("党员名册"))
        self.coverage_page = CoveragePanel()
        self.pages.addTab(self.coverage_page, self.tr("覆盖统计"))
        QVBoxLayout(self).addWidget(self.pages)
        self._show_selection()

    def title(self) -> str:
        return self.tr("党员联户")

    # ------------------------------------------------------------------ workspace API
    def set_context(self, ctx: Any) -> None:
        super().set_context(ctx)
        self.roster.set_context(ctx)
        self.coverage_page.set_context(ctx)
        self.reload()
        self._show_selection()

    def may_manage(self) -> bool:
        """Only grid workers and admins change who links whom; party members see the structure."""
        return self.ctx is not None and perm.may_write(self.ctx.session.role, "contact_link", "insert")

    def on_changes(self, changes: Changes) -> None:
        self.roster.on_changes(changes)
        self.coverage_page.on_changes(changes)
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    def on_org_selected(self, org_id: str | None) -> None:
        super().on_org_selected(org_id)
        self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        if self.ctx is None:
            return
        if getattr(self, "_loading", False):
            self._again = True  # changes made in a batch reload once more when this load ends
            return
        self._loading, self._again = True, False
        org, selected = self.org_id, self.selected

        def work(_state: Any) -> tuple:
            with self.ctx.db.read() as conn:
                history = q.link_history(conn, selected[1]) if selected and selected[0] == "household" else []
                return q.contact_tree(conn), q.coverage(conn, org), q.party_members(conn), history

        def done(result: tuple) -> None:
            self._loading = False
            self._loaded(result)
            if self._again:
                self.reload()

        def failed(_exc: BaseException) -> None:
            self._loading = False

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def _loaded(self, result: tuple) -> None:
        self.tree_data, self.cover, self.members, self.history = result
        self._fill_tree()
        self._fill_coverage()
        self._show_selection()

    def _fill_tree(self) -> None:
        tree = self.tree_data
        self.tree.blockSignals(True)
        self.tree.clear()
        warned = {w.subject_id for w, _ in self.cover.warnings} if self.cover else set()
        reselect = None

        def member_item(parent: QTreeWidgetItem | QTreeWidget, node: q.MemberNode, own: bool = False) -> None:
            nonlocal reselect
            name = node.member["name"] + (self.tr("（中心户本人）") if own else "")
            item = QTreeWidgetItem([name, self.tr("{0}户").format(len(node.households))])
            item.setData(0, Qt.ItemDataRole.UserRole, node.member["id"])
            item.setData(0, KIND_ROLE, "member")
            if node.member["id"] in warned:
                item.setForeground(1, QBrush(WARN_FG))
            parent.addChild(item) if isinstance(parent, QTreeWidgetItem) else parent.addTopLevelItem(item)
            if self.selected == ("member", node.member["id"]):
                reselect = item
            for h in node.households:
                child = QTreeWidgetItem([f"{h['address']}　{h['head_name'] or ''}", ""])
                child.setData(0, Qt.ItemDataRole.UserRole, h["id"])
                child.setData(0, KIND_ROLE, "household")
                item.addChild(child)
                if self.selected == ("household", h["id"]):
                    reselect = child

        for central in tree.centrals:
            top = QTreeWidgetItem([self.tr("★ {0}（党员中心户）").format(central.central["name"]),
                                   self.tr("{0}名党员").format(sum(1 for n in central.members
                                                                  if n.member["id"] != central.central["id"]))])
            top.setData(0, Qt.ItemDataRole.UserRole, central.central["id"])
            top.setData(0, KIND_ROLE, "central")
            bold = QFont(top.font(0))
            bold.setBold(True)
            top.setFont(0, bold)
            if central.central["id"] in warned:
                top.setForeground(1, QBrush(WARN_FG))
            self.tree.addTopLevelItem(top)
            for node in central.members:
                member_item(top, node, own=node.member["id"] == central.central["id"])
            top.setExpanded(True)
        if tree.unattached:
            top = QTreeWidgetItem([self.tr("未归属党员中心户的党员"), self.tr("{0}名").format(len(tree.unattached))])
            top.setData(0, KIND_ROLE, "none")
            self.tree.addTopLevelItem(top)
            for node in tree.unattached:
                member_item(top, node)
            top.setExpanded(True)
        if reselect is not None:
            reselect.setSelected(True)
            self.tree.scrollToItem(reselect)
        self.tree.blockSignals(False)

    def _fill_coverage(self) -> None:
        c = self.cover
        share = f"{c.covered * 100 / c.household_total:.1f}%" if c.household_total else "—"
        self.coverage_label.setText(self.tr("联户覆盖：{0}/{1} 户（{2}），{3} 户尚无联系党员").format(
            c.covered, c.household_total, share, len(c.uncovered)))
        self.uncovered_table.setRowCount(len(c.uncovered))
        for r, h in enumerate(c.uncovered):
            self.uncovered_table.setItem(r, 0, _item(h["address"], h["id"]))
            self.uncovered_table.setItem(r, 1, _item(h["head_name"]))
            self.uncovered_table.setItem(r, 2, _item(code_label(codes.ATTENTION_LEVELS.get(h["attention_level"] or "normal", ""))))
        self.tabs.setTabText(0, self.tr("未联系党员的户（{0}）").format(len(c.uncovered)))
        self.tabs.setTabText(1, self.tr("结构提醒（{0}）").format(len(c.warnings)))
        self.warnings.clear()
        for _w, message in c.warnings:
            self.warnings.addItem(message)

    # ------------------------------------------------------------------ selection
    def _tree_selected(self) -> None:
        items = self.tree.selectedItems()
        if not items:
            return
        kind, ident = items[0].data(0, KIND_ROLE), items[0].data(0, Qt.ItemDataRole.UserRole)
        if kind in ("member", "central"):
            self.selected = ("member", ident)
        elif kind == "household":
            self.selected = ("household", ident)
        else:
            return
        self.reload()

    def select_household(self, household_id: str) -> None:
        """Show a household's links (and offer reassigning it)."""
        self.selected = ("household", household_id)
        self.reload()

    def _household_node(self, household_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(household, its member) from the tree, or (None, None) when no member links it."""
        if not self.tree_data:
            return None, None
        nodes = [n for c in self.tree_data.centrals for n in c.members] + self.tree_data.unattached
        for node in nodes:
            for h in node.households:
                if h["id"] == household_id:
                    return h, node.member
        return None, None

    def _show_selection(self) -> None:
        kind, ident = self.selected or (None, None)
        manage = self.may_manage()
        self.assign_button.setEnabled(manage)
        self.reassign_button.setEnabled(manage and kind == "household")
        self.central_button.setEnabled(manage and kind == "member")
        self.history_table.setRowCount(0)
        if kind == "household":
            house, member = self._household_node(ident)
            address = house["address"] if house else next(
                (h["address"] for h in (self.cover.uncovered if self.cover else []) if h["id"] == ident), "")
            self.detail_title.setText(self.tr("{0}　当前联系党员：{1}").format(
                address, member["name"] if member else self.tr("（无）")))
            self.history_table.setRowCount(len(self.history))
            for r, link in enumerate(self.history):
                state = self.tr("联系中") if link["active"] else self.tr("已解除")
                for c, text in enumerate((link["member_name"], state, link["start_date"], link["end_date"],
                                          link["reason"])):
                    self.history_table.setItem(r, c, _item(text))
        elif kind == "member":
            m = next((m for m in self.members if m["id"] == ident), None)
            if m:
                self.detail_title.setText(self.tr("{0}　联系{1}户{2}").format(
                    m["name"], m["household_count"], self.tr("（党员中心户）") if m["is_central_household"] else ""))
        else:
            self.detail_title.setText(self.tr("在左侧选择党员或住户；双击“未联系党员的户”即可分配"))

    # ------------------------------------------------------------------ assigning
    def _assign_uncovered(self, row: int, _col: int) -> None:
        if not self.may_manage():
            return
        h = self.cover.uncovered[row]
        self.open_assign({"id": h["id"], "address": h["address"]})

    def _members_for_households(self) -> list[dict[str, Any]]:
        return sorted(self.members, key=lambda m: (m["household_count"] or 0, m["name"]))

    def open_assign(self, household: dict[str, Any] | None = None) -> AssignDialog:
        """分配联系党员 for a household (searched in the dialog when not given)."""
        current = None
        if household is not None:
            _h, member = self._household_node(household["id"])
            current = {"id": member["id"], "name": member["name"]} if member else None
        return self._open_dialog("member_household", self._members_for_households(), household, current)

    def open_reassign(self) -> AssignDialog | None:
        """调整联系党员 for the selected household (a reason is required)."""
        if not self.selected or self.selected[0] != "household":
            return None
        house, member = self._household_node(self.selected[1])
        address = house["address"] if house else self.detail_title.text().split("　")[0]
        current = {"id": member["id"], "name": member["name"]} if member else None
        members = [m for m in self._members_for_households() if not member or m["id"] != member["id"]]
        return self._open_dialog("member_household", members, {"id": self.selected[1], "address": address}, current)

    def open_central(self) -> AssignDialog | None:
        """调整所属中心户 for the selected party member."""
        if not self.selected or self.selected[0] != "member":
            return None
        member_id = self.selected[1]
        m = next((m for m in self.members if m["id"] == member_id), {"id": member_id, "name": ""})
        central = None
        for c in self.tree_data.centrals if self.tree_data else []:
            if any(n.member["id"] == member_id for n in c.members) and c.central["id"] != member_id:
                central = {"id": c.central["id"], "name": c.central["name"]}
        centrals = [x for x in self.members if x["is_central_household"] and x["id"] != member_id
                    and (central is None or x["id"] != central["id"])]
        return self._open_dialog("central_member", centrals, {"id": member_id, "name": m["name"]}, central)

    def _open_dialog(self, kind: str, members: list[dict[str, Any]], target: dict[str, Any] | None,
                     current: dict[str, Any] | None) -> AssignDialog:
        dialog = AssignDialog(self.ctx, kind, members, target=target, current=current, parent=self)
        dialog.submitted.connect(lambda values: self._write(dialog, values))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write(self, dialog: AssignDialog, values: dict[str, Any]) -> None:
        def work(_state: Any) -> ops.Done:
            if values["kind"] == "member_household":
                return ops.contacts.assign(self.ctx.db, self.ctx.actor, household_id=values["to_id"],
                                           member_id=values["from_id"], reason=values["reason"])
            return ops.contacts.relink_member(self.ctx.db, self.ctx.actor, member_id=values["to_id"],
                                              central_id=values["from_id"], reason=values["reason"])

        def done(_done: ops.Done) -> None:
            dialog.accept()
            self.dialog = None
            if values["kind"] == "member_household":
                self.selected = ("household", values["to_id"])
            self.reload()

        self.ctx.tasks.run(work, on_done=done, on_error=dialog.show_error, label=self.tr("正在保存…"))
