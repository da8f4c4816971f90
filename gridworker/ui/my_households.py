"""我的联系户: the one simple screen a party member (联户党员 / 党员中心户) gets after logging in.

Their own households (a 中心户 also sees the members under it and those members' households), each
with its last visit and when the next is due; one household click, a mode, a sentence, 登记走访.
The cases they reported and their points balance. A 大字 switch, remembered per user. Nothing here
adds, moves or deletes a household. The circle is found by the login's bound member id
(``Session.member_id``), never by name. Writes are ``ops.visits.log``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import ops
from ..domain import codes
from ..domain.errors import GridworkerError
from ..domain.issues import ACTIONS as ISSUE_ACTIONS
from ..store import queries_my as q
from ..store.database import Changes
from .workspace import Workspace

TABLES = ("household", "visit", "contact_link", "party_member", "issue", "issue_event", "points_ledger")
COLUMNS = ("住户", "户主", "联系党员", "上次走访", "下次应访")


class MyHouseholdsScreen(Workspace):
    """我的联系户."""

    key = "my_households"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.circle: q.MyCircle | None = None
        self.hello = QLabel()
        self.hello.setObjectName("hello")
        self.points = QLabel()
        self.points.setObjectName("points")
        self.large = QCheckBox(self.tr("大字"))
        self.large.setObjectName("large_text")
        self.large.toggled.connect(self._large_toggled)
        top = QHBoxLayout()
        top.addWidget(self.hello, 1)
        top.addWidget(self.points)
        top.addWidget(self.large)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("my_households")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._picked)

        self.chosen = QLabel(self.tr("点选一户，再登记走访"))
        self.chosen.setObjectName("chosen")
        self.modes = QButtonGroup(self)
        mode_row = QHBoxLayout()
        for i, (code, label) in enumerate(codes.VISIT_MODES.items()):
            button = QRadioButton(self.tr(label))
            button.setChecked(i == 0)
            self.modes.addButton(button, i)
            button.setProperty("mode", code)
            mode_row.addWidget(button)
        mode_row.addStretch(1)
        self.summary = QLineEdit()
        self.summary.setObjectName("summary")
        self.summary.setPlaceholderText(self.tr("一句话记录：老人身体好，无诉求"))
        self.summary.returnPressed.connect(self.log_visit)
        self.visit_button = QPushButton(self.tr("登记走访"))
        self.visit_button.setObjectName("log_visit")
        self.visit_button.setMinimumHeight(48)
        self.visit_button.clicked.connect(self.log_visit)
        self.report_button = QPushButton(self.tr("上报事项"))
        self.report_button.setObjectName("report_issue")
        self.report_button.setMinimumHeight(48)
        self.report_button.setToolTip(self.tr("把这句话作为事项上报社区"))
        self.report_button.clicked.connect(self.report_issue)
        buttons = QHBoxLayout()
        buttons.addWidget(self.visit_button, 1)
        buttons.addWidget(self.report_button, 1)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        self.cases = QListWidget()
        self.cases.setObjectName("my_cases")
        self.cases.setMaximumHeight(120)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.chosen)
        lay.addLayout(mode_row)
        lay.addWidget(self.summary)
        lay.addLayout(buttons)
        lay.addWidget(self.message)
        lay.addWidget(QLabel(self.tr("我上报的事项")))
        lay.addWidget(self.cases)
        self._base_font = QFont(self.font())

    def title(self) -> str:
        return self.tr("我的联系户")

    def set_context(self, ctx) -> None:
        super().set_context(ctx)
        if ctx.settings is not None:
            self.large.setChecked(ctx.settings.large_text(ctx.session.username))
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        if self.ctx is None:
            return
        session, user = self.ctx.session, self.ctx.session.user_id

        def work(_state: Any) -> q.MyCircle:
            member = session.bound_member(self.ctx.db)
            with self.ctx.db.read() as conn:
                return q.my_circle(conn, member, user)

        self.ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, circle: q.MyCircle) -> None:
        keep = self.selected_household()
        self.circle = circle
        if circle.member is None:
            self.hello.setText(self.tr("本账号还没有关联党员名册，请联系社区管理员"))
            self.table.setRowCount(0)
            return
        role = self.tr("党员中心户") if circle.member["is_central_household"] else self.tr("联户党员")
        own = sum(1 for h in circle.households if h["mine"])
        text = self.tr("%1（%2）：联系 %3 户").replace("%1", circle.member["name"]).replace("%2", role) \
            .replace("%3", str(own))
        if circle.members:
            text += self.tr("，带领党员 %1 名").replace("%1", str(len(circle.members)))
        self.hello.setText(text)
        self.points.setText(self.tr("积分 %1").replace("%1", circle.points))
        today = dt.date.today().isoformat()
        self.table.blockSignals(True)
        self.table.setRowCount(len(circle.households))
        for i, h in enumerate(circle.households):
            due = h["due"] or today
            cells = (h["address"], h["head_name"] or "", h["member_name"] or "",
                     (h["last_visit"] or "")[:10] or self.tr("未走访"),
                     self.tr("今天") if due <= today else due)
            for j, value in enumerate(cells):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, h["id"])
                if j == 4 and due <= today:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(i, j, cell)
            if h["id"] == keep:
                self.table.selectRow(i)
        self.table.blockSignals(False)
        self.cases.clear()
        for c in circle.cases:
            state = ISSUE_ACTIONS.get(c["last_action"] or "", c["last_action"] or "")
            self.cases.addItem(f"{c['reported_at'][:10]}　{c['title']}　{state}")
        self._apply_large(self.large.isChecked())

    # ------------------------------------------------------------------ acting
    def selected_household(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        return cell.data(Qt.ItemDataRole.UserRole) if cell else None

    def _picked(self) -> None:
        hid = self.selected_household()
        house = next((h for h in (self.circle.households if self.circle else []) if h["id"] == hid), None)
        self.chosen.setText(house["address"] if house else self.tr("点选一户，再登记走访"))
        if house:
            self.summary.setFocus()

    def _mode(self) -> str:
        button = self.modes.checkedButton()
        return button.property("mode") if button else "door"

    def log_visit(self, *, issue: dict | None = None) -> None:
        hid = self.selected_household()
        if hid is None:
            self.message.setText(self.tr("请先点选一户"))
            return
        summary = self.summary.text().strip() or None
        mode = self._mode()

        def work(_state: Any):
            return ops.visits.log(self.ctx.db, self.ctx.session.actor(self.ctx.db), household_id=hid, mode=mode,
                                  summary=summary, issue=issue)

        def done(_done: Any) -> None:
            self.summary.clear()
            self.message.setText(self.tr("已登记") + ("，" + self.tr("事项已上报") if issue else ""))

        def failed(exc: BaseException) -> None:
            self.message.setText(exc.message if isinstance(exc, GridworkerError) else str(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def report_issue(self) -> None:
        text = self.summary.text().strip()
        if not text:
            self.message.setText(self.tr("请先用一句话写明要上报的事"))
            return
        self.log_visit(issue={"title": text[:60], "kind": "help"})

    def _large_toggled(self, on: bool) -> None:
        if self.ctx is not None and self.ctx.settings is not None:
            self.ctx.settings.set_large_text(self.ctx.session.username, on)
        self._apply_large(on)

    def _apply_large(self, on: bool) -> None:
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * (1.6 if on else 1.0))
        self.setFont(font)
        self.table.resizeRowsToContents()
