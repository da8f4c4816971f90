"""我的联系户: the one screen a party member's login opens (the household head's screen).

Their own households (a 党员中心户 also sees the members under it and those members' households),
each with its last visit and when the next is due; a visit in three steps (click a household, pick
the mode, one sentence, 登记走访 — or Enter); 上报事项 for the selected household; the cases they
reported with their state; their points balance; a 大字 switch remembered per user. Nothing here
adds, moves or deletes a household or a link: the grid worker's workspaces are not shown to this role.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain.codes import ATTENTION_LEVELS, ISSUE_KINDS, VISIT_MODES
from ...domain.errors import GridworkerError
from ...store import queries_my as q
from ...store import queries_visits as qv
from ...store.database import Changes
from ..workspace import Workspace
from ..labels import code_label

TABLES = ("party_member", "contact_link", "household", "visit", "issue", "issue_event", "points_ledger")
NORMAL_PT, LARGE_PT = 11, 16


class MyHouseholdsWorkspace(Workspace):
    """我的联系户: a party member's own circle and the two things they do for it."""

    key = "my_households"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.circle: q.MyCircle | None = None

        self.header = QLabel()
        self.header.setObjectName("my_header")
        self.points_label = QLabel()
        self.points_label.setObjectName("my_points")
        self.large = QCheckBox(self.tr("大字"))
        self.large.setObjectName("large_text")
        self.large.toggled.connect(self._large_toggled)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.points_label)
        top.addSpacing(16)
        top.addWidget(self.large)

        self.households = QListWidget()
        self.households.setObjectName("my_household_list")
        self.households.setAlternatingRowColors(True)
        self.households.setStyleSheet("QListWidget#my_household_list::item { padding: 8px 6px; }")
        self.households.currentRowChanged.connect(self._household_selected)
        self.households.itemActivated.connect(lambda _i: self.summary.setFocus())

        self.selected_label = QLabel(self.tr("请在左侧点选一户"))
        self.selected_label.setObjectName("my_selected")
        self.selected_label.setWordWrap(True)
        self.mode = QComboBox()
        self.mode.setObjectName("visit_mode")
        for code, label in VISIT_MODES.items():
            self.mode.addItem(code_label(label), code)
        self.summary = QLineEdit()
        self.summary.setObjectName("visit_summary")
        self.summary.setPlaceholderText(self.tr("一句话：看到了什么、居民说了什么"))
        self.summary.returnPressed.connect(self.log_visit)
        self.visit_button = QPushButton(self.tr("登记走访"))
        self.visit_button.setObjectName("log_visit")
        self.visit_button.clicked.connect(self.log_visit)
        self.issue_title = QLineEdit()
        self.issue_title.setObjectName("issue_title")
        self.issue_title.setPlaceholderText(self.tr("需要社区帮忙解决的事"))
        self.issue_kind = QComboBox()
        for code, label in ISSUE_KINDS.items():
            self.issue_kind.addItem(code_label(label), code)
        self.issue_button = QPushButton(self.tr("上报事项"))
        self.issue_button.setObjectName("report_issue")
        self.issue_button.clicked.connect(self.report_issue)
        for button in (self.visit_button, self.issue_button):
            button.setMinimumHeight(44)
        self.message = QLabel()
        self.message.setObjectName("my_message")
        self.message.setWordWrap(True)

        visit_box = QGroupBox(self.tr("登记走访"))
        fv = QFormLayout(visit_box)
        fv.addRow(self.selected_label)
        fv.addRow(self.tr("方式"), self.mode)
        fv.addRow(self.tr("情况"), self.summary)
        fv.addRow(self.visit_button)
        issue_box = QGroupBox(self.tr("上报事项"))
        fi = QFormLayout(issue_box)
        fi.addRow(self.tr("事项"), self.issue_title)
        fi.addRow(self.tr("类别"), self.issue_kind)
        fi.addRow(self.issue_button)

        self.cases = QListWidget()
        self.cases.setObjectName("my_cases")
        self.members = QListWidget()
        self.members.setObjectName("my_members")
        self.members_box = QGroupBox(self.tr("我联系的党员"))
        QVBoxLayout(self.members_box).addWidget(self.members)
        cases_box = QGroupBox(self.tr("我上报的事项"))
        QVBoxLayout(cases_box).addWidget(self.cases)

        right = QVBoxLayout()
        right.addWidget(visit_box)
        right.addWidget(issue_box)
        right.addWidget(self.message)
        right.addWidget(cases_box, 1)
        right.addWidget(self.members_box, 1)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("我的联系户")))
        left.addWidget(self.households, 1)
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addLayout(body, 1)
        self._apply_size(False)

    def title(self) -> str:
        return self.tr("我的联系户")

    # ------------------------------------------------------------------ context
    def set_context(self, ctx) -> None:
        super().set_context(ctx)
        settings = getattr(ctx, "settings", None)
        if settings is not None:
            self.large.setChecked(settings.large_text(ctx.session.username))
        # By the keyboard: ↓ picks a household, Enter goes to the sentence, Enter saves.
        self.households.setFocus()
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    def _large_toggled(self, on: bool) -> None:
        self._apply_size(on)
        settings = getattr(self.ctx, "settings", None) if self.ctx else None
        if settings is not None:
            settings.set_large_text(self.ctx.session.username, on)

    def _apply_size(self, large: bool) -> None:
        font = QFont(self.font())
        font.setPointSizeF(LARGE_PT if large else NORMAL_PT)
        self.setFont(font)
        for w in self.findChildren(QWidget):
            w.setFont(font)
        bold = QFont(font)
        bold.setBold(True)
        bold.setPointSizeF(font.pointSizeF() + 3)
        self.header.setFont(bold)

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        if self.ctx is None:
            return
        session = self.ctx.session

        def work(_state: Any) -> q.MyCircle:
            with self.ctx.db.read() as conn:
                return q.my_circle(conn, session.member_id or qv.party_member_of_user(conn, session.user_id), session.user_id)

        self.ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, circle: q.MyCircle) -> None:
        keep = self.selected_household()
        self.circle = circle
        if circle.member is None:
            self.header.setText(self.tr("这个账号还没有对应的党员名册记录，请联系社区管理员。"))
            self.points_label.clear()
        else:
            central = self.tr("（党员中心户）") if circle.member["is_central_household"] else ""
            self.header.setText(self.tr("%1，您好%2").replace("%1", circle.member["name"]).replace("%2", central))
            self.points_label.setText(self.tr("积分：%1").replace("%1", circle.points))
        today = dt.date.today().isoformat()
        self.households.blockSignals(True)
        self.households.clear()
        for h in circle.households:
            last = (h["last_visit"] or "")[:10] or self.tr("未走访")
            due = h["due"]
            due_text = self.tr("应立即走访") if not due else (
                self.tr("已逾期（%1）").replace("%1", due) if due < today else self.tr("下次 %1").replace("%1", due))
            who = "" if h["mine"] else self.tr("［%1联系］").replace("%1", h["member_name"] or "")
            level = ATTENTION_LEVELS.get(h["attention_level"] or "normal", "")
            text = f"{h['address']}  {h['head_name'] or ''}  {who}\n" + self.tr("上次走访 %1 · %2 · %3") \
                .replace("%1", last).replace("%2", due_text).replace("%3", self.tr(level))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, h["id"])
            if not due or due < today:
                item.setForeground(QColor("#b3261e"))
            self.households.addItem(item)
        self.households.blockSignals(False)
        ids = [h["id"] for h in circle.households]
        if keep in ids:
            self.households.setCurrentRow(ids.index(keep))
        self._household_selected(self.households.currentRow())
        self.cases.clear()
        for c in circle.cases:
            self.cases.addItem(f"{c['title']}  —  {self.tr(c['status_label'])}  ({(c['reported_at'] or '')[:10]})")
        if not circle.cases:
            self.cases.addItem(self.tr("还没有上报过事项"))
        self.members.clear()
        for m in circle.members:
            n = sum(1 for h in circle.households if h["member_id"] == m["id"])
            self.members.addItem(self.tr("%1  %2  联系 %3 户").replace("%1", m["name"])
                                 .replace("%2", m["phone"] or "").replace("%3", str(n)))
        self.members_box.setVisible(bool(circle.members))

    # ------------------------------------------------------------------ actions
    def selected_household(self) -> str | None:
        item = self.households.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _household_selected(self, row: int) -> None:
        ok = self.circle is not None and 0 <= row < len(self.circle.households)
        for w in (self.visit_button, self.issue_button, self.summary):
            w.setEnabled(ok)
        if ok:
            h = self.circle.households[row]
            self.selected_label.setText(f"{h['address']}  {h['head_name'] or ''}")
        else:
            self.selected_label.setText(self.tr("请在左侧点选一户"))

    def log_visit(self) -> None:
        hid = self.selected_household()
        if hid is None:
            return
        summary = self.summary.text().strip()
        if not summary:
            self.message.setText(self.tr("请写一句走访情况"))
            return
        self._run(ops.visits.log, self.tr("走访已登记"), self.summary, household_id=hid,
                  mode=self.mode.currentData(), summary=summary)

    def report_issue(self) -> None:
        hid = self.selected_household()
        title = self.issue_title.text().strip()
        if hid is None:
            return
        if not title:
            self.message.setText(self.tr("请写明要上报的事"))
            return
        self._run(ops.issues.report, self.tr("事项已上报"), self.issue_title, title=title,
                  kind=self.issue_kind.currentData(), household_id=hid)

    def _run(self, fn, success: str, field: QLineEdit, **kwargs) -> None:
        self.message.clear()

        def work(_state: Any):
            return fn(self.ctx.db, self.ctx.session.actor(self.ctx.db), **kwargs)

        def failed(exc: BaseException) -> None:
            self.message.setText(exc.message if isinstance(exc, GridworkerError) else str(exc))

        def succeeded(_done: Any) -> None:
            field.clear()
            self.message.setText(success)

        self.ctx.tasks.run(work, on_done=succeeded, on_error=failed)

