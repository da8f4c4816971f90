"""住户: the household list (lazy, searched and sorted in SQL) and the actions on households.

The list is a :class:`HouseholdTableModel` over :func:`gridworker.store.search.search_households`:
the first page and the count load in a db task, later pages when the view asks (``canFetchMore``
/ ``fetchMore``), so 100,000 households cost no more to open than 200. Typing in the search box
restarts a 150 ms timer; each query carries a generation number so a slow answer to an old query
never replaces a newer one. Phones are masked unless the user's role may see them and they asked.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain import codes
from ...domain import permissions as perm
from ...domain.masking import mask_phone
from ...store import queries_households as q
from ...store.database import Changes
from ...store.search import HouseholdHit, count_households, search_households
from ..workspace import Workspace

PAGE = 200
SEARCH_DELAY_MS = 150

_INDEX = Qt.ItemDataRole.DisplayRole


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: the search text, the filters and the order (all done in SQL)."""

    text: str = ""
    grid_id: str | None = None
    building_id: str | None = None
    estate: str | None = None
    tag: str | None = None
    overdue: bool | None = None
    order_by: str = "address"

    def args(self) -> dict[str, Any]:
        return {"grid_id": self.grid_id, "building_id": self.building_id, "estate": self.estate,
                "tag": self.tag, "overdue": self.overdue}


class HouseholdTableModel(QAbstractTableModel):
    """Households page by page. ``loaded`` is emitted (with the total) when a new query's first page is in."""

    loaded = Signal(int)
    COLUMNS = ("address", "head_name", "phone", "members", "tags", "attention_level", "last_visit_at")
    SORTABLE = {0: "address", 5: "attention", 6: "last_visit"}

    def __init__(self, tasks: Any, db: Any, parent=None):
        super().__init__(parent)
        self.tasks = tasks
        self.db = db
        self.rows: list[HouseholdHit] = []
        self.total = 0
        self.query = ListQuery()
        self.generation = 0
        self.fetching = False
        self.reveal = False

    # ------------------------------------------------------------------ loading
    def set_query(self, query: ListQuery) -> None:
        """Show another query's results: the old rows go at once, the new ones come from a db task."""
        self.query = query
        self.reload()

    def reload(self, *, keep: bool = False) -> None:
        """Load the first page again. ``keep``: the same query after a change; reload as many rows
        as are loaded now, and when the order is unchanged update them in place, so the user's
        scroll position and selection survive (a sync pull must not throw them back to the top)."""
        self.generation += 1
        gen, query = self.generation, self.query
        limit = max(PAGE, len(self.rows)) if keep else PAGE
        self.fetching = True

        def work(state):
            if gen != self.generation:  # a newer query is queued behind this one: skip the work
                return gen, None, [], keep
            with self.db.read() as conn:
                total = count_households(conn, query.text, **query.args())
                rows = search_households(conn, query.text, limit=limit, offset=0, order_by=query.order_by,
                                         **query.args())
            return gen, total, rows, keep

        self.tasks.run(work, on_done=self._first_page, on_error=self._failed)

    def _first_page(self, result) -> None:
        gen, total, rows, keep = result
        if gen != self.generation:
            return
        self.fetching = False
        if keep and rows and [h.id for h in rows] == [h.id for h in self.rows]:
            self.rows = list(rows)
            self.total = int(total or 0)
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.COLUMNS) - 1))
        else:
            self.beginResetModel()
            self.rows = list(rows)
            self.total = int(total or 0)
            self.endResetModel()
        self.loaded.emit(self.total)

    def _failed(self, exc: BaseException) -> None:
        self.fetching = False
        self.tasks.error.emit(exc, "")

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802, B008 - Qt API
        if parent.isValid():
            return False
        return not self.fetching and len(self.rows) < self.total

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802, B008 - Qt API
        if parent.isValid() or not self.canFetchMore():
            return
        self.fetching = True
        gen, query, offset = self.generation, self.query, len(self.rows)

        def work(state):
            with self.db.read() as conn:
                return gen, offset, search_households(conn, query.text, limit=PAGE, offset=offset,
                                                      order_by=query.order_by, **query.args())

        self.tasks.run(work, on_done=self._more, on_error=self._failed)

    def _more(self, result) -> None:
        gen, offset, rows = result
        if gen != self.generation or offset != len(self.rows):
            return
        self.fetching = False
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        else:
            self.total = len(self.rows)  # the database shrank under us: stop asking

    # ------------------------------------------------------------------ Qt model API
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _INDEX):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("地址"), self.tr("户主"), self.tr("电话"), self.tr("家庭成员"), self.tr("标签"),
                    self.tr("关注等级"), self.tr("最近走访"))[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section in self.SORTABLE:
                return self.tr("点击按此列排序")
        return None

    def hit(self, row: int) -> HouseholdHit | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _INDEX):
        if not index.isValid():
            return None
        h = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "address":
                return h.address
            if col == "head_name":
                return h.head_name or ""
            if col == "phone":
                return (h.phone or "") if self.reveal else mask_phone(h.phone)
            if col == "members":
                return "、".join(h.member_names)
            if col == "tags":
                return "、".join(h.tags)
            if col == "attention_level":
                return self.tr(codes.ATTENTION_LEVELS.get(h.attention_level, h.attention_level))
            if col == "last_visit_at":
                if not h.last_visit_at:
                    return self.tr("从未走访")
                return h.last_visit_at[:10]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "last_visit_at" and h.overdue:
                return QBrush(QColor("#c62828"))
            if col == "attention_level" and h.attention_level == "high":
                return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "last_visit_at" and h.overdue:
                return self.tr("已超过走访周期，请尽快走访")
            if h.matched_names:
                return self.tr("匹配：%1").replace("%1", "、".join(h.matched_names))
        if role == Qt.ItemDataRole.UserRole:
            return h.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        order_by = self.SORTABLE.get(column)
        if order_by and order_by != self.query.order_by:
            self.set_query(replace(self.query, order_by=order_by))


class HouseholdsWorkspace(Workspace):
    """住户: search, filter and open households; add, edit, move and delete them."""

    key = "households"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model: HouseholdTableModel | None = None
        self._node: Any = None
        self._selected: str | None = None
        self._build()

    def title(self) -> str:
        return self.tr("住户")

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        v = QVBoxLayout(self)
        v.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("household_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索：姓名、拼音首字母（如 zs）、电话或身份证尾号、地址"))
        self.search.setMinimumWidth(320)
        top.addWidget(self.search, 3)
        self.grid_box = QComboBox(self)
        self.building_box = QComboBox(self)
        self.tag_box = QComboBox(self)
        for box in (self.grid_box, self.building_box, self.tag_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMinimumContentsLength(6)
        top.addWidget(self.grid_box)
        top.addWidget(self.building_box)
        top.addWidget(self.tag_box)
        self.overdue_box = QCheckBox(self.tr("只看逾期未走访"), self)
        top.addWidget(self.overdue_box)
        v.addLayout(top)

        bar = QHBoxLayout()
        self.count_label = QLabel(self.tr("正在加载…"), self)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        self.reveal_box = QCheckBox(self.tr("显示完整电话"), self)
        self.reveal_box.setToolTip(self.tr("个人信息默认隐藏；显示会记入审计日志"))
        bar.addWidget(self.reveal_box)
        self.add_button = QPushButton(self.tr("新增住户"), self)
        self.open_button = QPushButton(self.tr("查看/编辑"), self)
        self.move_button = QPushButton(self.tr("迁移"), self)
        self.delete_button = QPushButton(self.tr("删除"), self)
        self.bin_button = QPushButton(self.tr("回收站…"), self)
        self.bin_button.setToolTip(self.tr("近 180 天内删除的住户，可以恢复"))
        for b in (self.add_button, self.open_button, self.move_button, self.delete_button, self.bin_button):
            bar.addWidget(b)
        v.addLayout(bar)
        # After a delete: what was deleted and 撤销 (the undo restores it with its residents).
        self.undo_bar = QWidget(self)
        ub = QHBoxLayout(self.undo_bar)
        ub.setContentsMargins(0, 0, 0, 0)
        self.undo_label = QLabel(self.undo_bar)
        self.undo_button = QPushButton(self.tr("撤销"), self.undo_bar)
        self.undo_button.setObjectName("undo_delete")
        self.undo_button.clicked.connect(self.undo_delete)
        ub.addWidget(self.undo_label, 1)
        ub.addWidget(self.undo_button)
        self.undo_bar.hide()
        self.last_deleted: tuple[str, list, str] | None = None
        v.addWidget(self.undo_bar)

        self.table = QTableView(self)
        self.table.setObjectName("household_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setWordWrap(False)
        v.addWidget(self.table, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self._apply_query)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        # Enter opens the household in front (the first match) without reaching for the mouse.
        self.search.returnPressed.connect(self._open_current_or_first)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=lambda: (self.search.setFocus(),
                                                                           self.search.selectAll()))
        self.overdue_box.toggled.connect(lambda _c: self._apply_query())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.add_button.clicked.connect(self.add_household)
        self.open_button.clicked.connect(self.open_selected)
        self.move_button.clicked.connect(self.move_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.bin_button.clicked.connect(self.open_recycle_bin)
        self.reveal_box.toggled.connect(self._reveal)

    # ------------------------------------------------------------------ context
    def set_context(self, ctx) -> None:
        super().set_context(ctx)
        self.model = HouseholdTableModel(ctx.tasks, ctx.db, self)
        self.model.loaded.connect(self._loaded)
        self.table.setModel(self.model)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: setattr(self, "_selected", self.model.data(cur, Qt.ItemDataRole.UserRole)
                                       if cur.isValid() else self._selected))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((260, 80, 120, 180, 160, 80, 100)):
            self.table.setColumnWidth(col, width)
        self.table.setSortingEnabled(False)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._sort_clicked)
        self.reveal_box.setVisible(ctx.session.may_see_sensitive())
        # Only the roles the permission table lets change households are offered to (a party member reads).
        role = ctx.session.role
        self.add_button.setVisible(perm.may_write(role, "household", "insert"))
        self.move_button.setVisible(ctx.session.may("household.move"))
        self.delete_button.setVisible(perm.may_write(role, "household", "delete"))
        self.bin_button.setVisible(perm.may_write(role, "household", "undelete"))
        self.grid_box.currentIndexChanged.connect(self._grid_changed)
        self.building_box.currentIndexChanged.connect(lambda _i: self._apply_query())
        self.tag_box.currentIndexChanged.connect(lambda _i: self._apply_query())
        self._load_filters()
        self._apply_query()

    def _load_filters(self) -> None:
        def work(state):
            with self.ctx.db.read() as conn:
                return q.grids(conn), q.buildings(conn), q.tags_in_use(conn)

        self.ctx.tasks.run(work, on_done=self._filters_loaded)

    def _filters_loaded(self, result) -> None:
        grids, buildings, tags = result
        self._all_buildings: list[tuple[str, str]] = buildings
        for box, items, all_label in ((self.grid_box, grids, self.tr("全部网格")),
                                      (self.tag_box, [(t, t) for t in tags], self.tr("全部标签"))):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(all_label, None)
            for value, text in items:
                box.addItem(text, value)
            i = box.findData(current)
            box.setCurrentIndex(max(i, 0))
            box.blockSignals(False)
        self._fill_buildings()

    def _fill_buildings(self, buildings: list[tuple[str, str]] | None = None) -> None:
        buildings = self._all_buildings if buildings is None else buildings
        current = self.building_box.currentData()
        self.building_box.blockSignals(True)
        self.building_box.clear()
        self.building_box.addItem(self.tr("全部楼栋"), None)
        for bid, name in buildings:
            self.building_box.addItem(name, bid)
        self.building_box.setCurrentIndex(max(self.building_box.findData(current), 0))
        self.building_box.blockSignals(False)

    def _grid_changed(self, _i: int) -> None:
        grid = self.grid_box.currentData()

        def work(state):
            with self.ctx.db.read() as conn:
                return q.buildings(conn, grid)

        def done(buildings):
            self._fill_buildings(buildings)
            self._apply_query()

        self.ctx.tasks.run(work, on_done=done)

    # ------------------------------------------------------------------ querying
    def current_query(self) -> ListQuery:
        node = self._node
        estate = node.estate if node is not None and node.kind == "estate" else None
        grid = self.grid_box.currentData()
        building = self.building_box.currentData()
        if node is not None and grid is None and building is None:
            grid = node.grid_id if node.kind in ("grid", "estate", "building") else None
            building = node.building_id if node.kind == "building" else None
        order = self.model.query.order_by if self.model else "address"
        return ListQuery(text=self.search.text().strip(), grid_id=grid, building_id=building, estate=estate,
                         tag=self.tag_box.currentData(), overdue=True if self.overdue_box.isChecked() else None,
                         order_by=order)

    def _apply_query(self) -> None:
        if self.model is None:
            return
        self.timer.stop()
        self.count_label.setText(self.tr("正在查找…"))
        self.model.set_query(self.current_query())

    def _loaded(self, total: int) -> None:
        self.count_label.setText(self.tr("共 %n 户", "", total))
        if self.model is None or not self.model.rows:
            return
        if not self.table.currentIndex().isValid():
            # After a reset, keep the household the user had selected when it is still listed.
            ids = [h.id for h in self.model.rows]
            row = ids.index(self._selected) if self._selected in ids else 0
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _sort_clicked(self, section: int) -> None:
        if self.model is None:
            return
        if section in HouseholdTableModel.SORTABLE:
            self.model.sort(section)
            self.table.horizontalHeader().setSortIndicator(section, Qt.SortOrder.AscendingOrder)
        else:
            col = {v: k for k, v in HouseholdTableModel.SORTABLE.items()}[self.model.query.order_by]
            self.table.horizontalHeader().setSortIndicator(col, Qt.SortOrder.AscendingOrder)

    def on_org_node(self, node: Any) -> None:
        """The main window's richer selection: community / grid / estate / building node (or None)."""
        self._node = node
        self._apply_query()

    def on_changes(self, changes: Changes) -> None:
        if self.model is None:
            return
        if any(changes.touched(t) for t in ("household", "resident", "party_member", "contact_link", "visit")):
            self.model.reload(keep=True)
        if changes.touched("building") or changes.touched("org_unit"):
            self._load_filters()

    # ------------------------------------------------------------------ actions
    def selected_id(self) -> str | None:
        idx = self.table.currentIndex()
        if not idx.isValid() or self.model is None:
            return None
        return self.model.data(idx, Qt.ItemDataRole.UserRole)

    def _need_selection(self) -> str | None:
        hid = self.selected_id()
        if hid is None:
            QMessageBox.information(self, self.tr("住户"), self.tr("请先在列表中选择一户"))
        return hid

    def open_household(self, household_id: str):
        from .household_page import HouseholdDialog  # noqa: PLC0415

        dialog = HouseholdDialog(self.ctx, household_id, parent=self)
        dialog.open()
        return dialog

    def _open_current_or_first(self) -> None:
        if self.timer.isActive() or (self.model is not None and self.model.fetching):
            return  # the list is about to change: Enter again when it has
        if self.model is not None and self.model.rows:
            row = self.table.currentIndex().row()
            self.open_household(self.model.rows[row if row >= 0 else 0].id)

    def open_selected(self):
        hid = self._need_selection()
        return self.open_household(hid) if hid else None

    def add_household(self):
        from .household_page import HouseholdDialog  # noqa: PLC0415

        node = self._node
        defaults = {"grid_id": self.grid_box.currentData() or (node.grid_id if node else None)}
        dialog = HouseholdDialog(self.ctx, None, defaults=defaults, parent=self)
        dialog.open()
        return dialog

    def move_selected(self):
        from .household_dialogs import MoveDialog  # noqa: PLC0415

        hid = self._need_selection()
        if hid is None:
            return None
        dialog = MoveDialog(self.ctx, hid, parent=self)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        hid = self._need_selection()
        if hid is None or self.model is None:
            return
        hit = self.model.hit(self.table.currentIndex().row())
        address = hit.address if hit else ""
        # 否 is the default: Enter must never delete a household.
        answer = QMessageBox.question(
            self, self.tr("删除住户"),
            self.tr("确定删除“%1”这一户及其成员吗？删除会同步到其他电脑（可在回收站恢复）。").replace("%1", address),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return

        def deleted(done: Any) -> None:
            self.last_deleted = (hid, list((done.value or {}).get("residents", [])), address)
            self.undo_label.setText(self.tr("已删除“%1”。").replace("%1", address))
            self.undo_bar.show()

        self.ctx.tasks.run(lambda state: ops.households.delete(self.ctx.db, self.ctx.actor, household_id=hid),
                           on_done=deleted, label=self.tr("正在删除…"))

    def undo_delete(self) -> None:
        """撤销 the last delete: the household and exactly the residents deleted with it come back."""
        if self.last_deleted is None:
            return
        hid, residents, address = self.last_deleted
        self.last_deleted = None
        self.undo_bar.hide()

        def restored(_done: Any) -> None:
            self.undo_label.setText(self.tr("已恢复“%1”。").replace("%1", address))

        self.ctx.tasks.run(lambda state: ops.households.restore(self.ctx.db, self.ctx.actor, household_id=hid,
                                                                resident_ids=residents),
                           on_done=restored, label=self.tr("正在恢复…"))

    def open_recycle_bin(self):
        from .recycle_bin import RecycleBinDialog  # noqa: PLC0415

        dialog = RecycleBinDialog(self.ctx, self)
        dialog.open()
        return dialog

    def _reveal(self, on: bool) -> None:
        """Full phones in the list: only for roles that may see them, and only after the audit log
        has recorded who asked, when, and for which list (the query is not recorded: it may be a number)."""
        if self.model is None:
            return
        if not on or not self.ctx.session.may_see_sensitive():
            if on:
                self._uncheck_reveal()
            self._show_phones(False)
            return
        query = self.model.query
        detail = {"listed": self.model.total, "filters": {k: v for k, v in query.args().items() if v is not None},
                  "searched": bool(query.text)}

        def work(state):
            return ops.personal.reveal(self.ctx.db, self.ctx.actor, what=["phone"], where="household_list",
                                       table="household", detail=detail)

        def failed(exc: BaseException) -> None:
            self._uncheck_reveal()
            QMessageBox.warning(self, self.tr("住户"), self.tr("无法记录查看操作，完整电话未显示：%1").replace(
                "%1", getattr(exc, "message", None) or str(exc)))

        self.ctx.tasks.run(work, on_done=lambda _r: self._show_phones(self.reveal_box.isChecked()),
                           on_error=failed)

    def _show_phones(self, on: bool) -> None:
        if self.model is None:
            return
        self.model.reveal = on
        self.model.dataChanged.emit(self.model.index(0, 2), self.model.index(max(self.model.rowCount() - 1, 0), 2))

    def _uncheck_reveal(self) -> None:
        self.reveal_box.blockSignals(True)
        self.reveal_box.setChecked(False)
        self.reveal_box.blockSignals(False)
