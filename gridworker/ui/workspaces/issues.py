"""吹哨报到 workspace: the case list with deadlines in colour, and a case page with its full history.

Only the steps ``domain.issues.allowed_actions`` permits in the case's folded state are offered as
buttons; each opens a small dialog for its payload and is appended as an ``issue_event`` through
the unit of work (the store validates the step again, so two laptops cannot both close a case).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import ops
from ...domain import issues as rules
from ...domain import permissions as perm
from ...domain.clock import now
from ...store import queries_issues as q
from ...store.database import Changes
from ..widgets.tables import item as _item
from ..workspace import Workspace
from .issue_dialogs import NewIssueDialog, StepDialog
from ..labels import code_label
from ..labels import code_label

WARNING_BG = QColor("#fff3cd")
OVERDUE_BG = QColor("#f8d7da")
OVERDUE_FG = QColor("#8b0000")
DONE_FG = QColor("#6b6b6b")
TABLES = ("issue", "issue_event")


def _fmt(ts: Any) -> str:
    if ts is None:
        return ""
    if isinstance(ts, str):
        try:
            ts = dt.datetime.fromisoformat(ts)
        except ValueError:
            return ts
    return ts.strftime("%Y-%m-%d %H:%M")


class IssuesWorkspace(Workspace):
    """吹哨报到: list, case page, allowed steps, escalation and rating."""

    key = "issues"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.current_id: str | None = None
        self.case: q.IssueCase | None = None
        self.rows: list[dict[str, Any]] = []
        self.dialog: Any = None
        self.action_buttons: dict[str, QPushButton] = {}
        self.next_action: str | None = None
        self._auto_opened = False

        # ---- left: filter + list
        self.filter = QComboBox()
        self.filter.setObjectName("issue_filter")
        self.filter.addItem(self.tr("待办（含待上报、已上报）"), "open")
        self.filter.addItem(self.tr("全部事项"), None)
        # By deadline (running cases only), with counts filled in on each reload.
        for code in rules.DEADLINE_FILTERS:
            self.filter.addItem(self._deadline_filter_label(code, None), f"deadline:{code}")
        for code, label in rules.STATUSES.items():
            if code != "new":
                self.filter.addItem(code_label(label), code)
        self.filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.new_button = QPushButton(self.tr("上报事项…"))
        self.new_button.setObjectName("new_issue_button")
        self.new_button.clicked.connect(self.open_new_issue)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("issue_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("事项"), self.tr("状态"), self.tr("类别"), self.tr("层级"), self.tr("办理时限"), self.tr("时限状态")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.legend = QLabel(self.tr("黄色：已用时限80%以上　红色：已超期"))
        self.legend.setStyleSheet("color: #555;")
        left = QWidget()
        lv = QVBoxLayout(left)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.new_button)
        lv.addLayout(top)
        lv.addWidget(self.table, 1)
        lv.addWidget(self.legend)

        # ---- right: the case page
        self.title_label = QLabel(self.tr("请选择左侧的事项"))
        self.title_label.setObjectName("issue_title")
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.facts = QFormLayout()
        self.fact_labels: dict[str, QLabel] = {}
        for key, label in (("status", self.tr("当前状态")), ("chain", self.tr("办理层级")),
                           ("department", self.tr("承办部门")), ("category", self.tr("类别 / 性质")),
                           ("deadline", self.tr("办理时限")), ("address", self.tr("地点")),
                           ("reported", self.tr("上报")), ("flags", self.tr("督办 / 返工")),
                           ("rating", self.tr("评价")), ("description", self.tr("描述"))):
            value = QLabel()
            value.setWordWrap(True)
            value.setObjectName(f"fact_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[key] = value
            self.facts.addRow(QLabel(label), value)
        self.actions_box = QGroupBox(self.tr("可办理的下一步"))
        self.actions_grid = QGridLayout(self.actions_box)
        self.no_actions = QLabel(self.tr("本事项已办结，没有可办理的步骤"))
        self.events = QTableWidget(0, 5)
        self.events.setObjectName("issue_events")
        self.events.setHorizontalHeaderLabels(
            [self.tr("时间"), self.tr("操作"), self.tr("办理人"), self.tr("层级 / 部门"), self.tr("说明")])
        self.events.verticalHeader().hide()
        eh = self.events.horizontalHeader()
        for col in range(4):
            eh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        eh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.events.setWordWrap(True)
        # Long notes wrap: row heights follow the width the note column actually gets.
        eh.sectionResized.connect(lambda *_: self.events.resizeRowsToContents())
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.title_label)
        rv.addLayout(self.facts)
        rv.addWidget(self.actions_box)
        history = QLabel(self.tr("办理记录"))
        history.setStyleSheet("font-weight: bold;")
        rv.addWidget(history)
        rv.addWidget(self.events, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._show_case(None)

    def title(self) -> str:
        return self.tr("吹哨报到")

    # ------------------------------------------------------------------ workspace API
    def set_context(self, ctx: Any) -> None:
        super().set_context(ctx)
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        """Reload the list (and the open case) off the UI thread."""
        if self.ctx is None:
            return
        choice = self.filter.currentData()
        current = self.current_id
        at = now()

        def work(_state: Any) -> tuple[list[dict[str, Any]], q.IssueCase | None, dict[str, int]]:
            with self.ctx.db.read() as conn:
                every = q.list_issues(conn, at)
                case = q.issue_case(conn, current, at) if current else None
            return self._keep(every, choice), case, rules.deadline_counts(every)

        self.ctx.tasks.run(work, on_done=self._loaded)

    @staticmethod
    def _keep(rows: list[dict[str, Any]], choice: str | None) -> list[dict[str, Any]]:
        if choice is None:
            return rows
        if choice == "open":
            return [s for s in rows if s["state"].is_open or s["status"] in ("new", "reported")]
        if choice.startswith("deadline:"):
            return [s for s in rows if rules.deadline_bucket(s["status"], s["deadline"]) == choice[9:]]
        return [s for s in rows if s["status"] == choice]

    def _deadline_filter_label(self, code: str, count: int | None) -> str:
        label = {"overdue": self.tr("已超期"), "warning": self.tr("即将超期")}[code]
        return label if count is None else self.tr("{0}（{1}件）").format(label, count)

    def show_filtered(self, what: object) -> None:
        self.show_filter(what if isinstance(what, str) or what is None else None)

    def _filter_changed(self) -> None:
        # A new filter starts on its own first case, not on the one open before.
        self.current_id = None
        self._auto_opened = False
        self._show_case(None)
        self.reload()

    def show_filter(self, choice: str | None) -> None:
        """Show the list filtered by ``choice`` (``"open"``, ``None`` for all, a status code or
        ``"deadline:overdue"`` / ``"deadline:warning"``), e.g. from a 概览 card."""
        i = self.filter.findData(choice)
        if i >= 0 and i != self.filter.currentIndex():
            self.filter.setCurrentIndex(i)  # reloads
        else:
            self.reload()

    def _loaded(self, result: tuple[list[dict[str, Any]], q.IssueCase | None, dict[str, int]]) -> None:
        rows, case, counts = result
        for code, n in counts.items():
            i = self.filter.findData(f"deadline:{code}")
            if i >= 0:
                self.filter.setItemText(i, self._deadline_filter_label(code, n))
        if case is not None and all(s["id"] != case.header["id"] for s in rows):
            # The open case just left the filter (e.g. closed while 待办 is shown): keep it listed
            # until another one is chosen, so the list and the case page show the same case.
            rows = [*rows, case.summary]
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        selected = -1
        for r, s in enumerate(rows):
            title = _item(s["title"], s["id"])
            title.setToolTip(s["title"])
            cells = [title, _item(code_label(s["status_label"])), _item(code_label(s["category_label"])),
                     _item(code_label(s["level_label"])), _item(_fmt(s["due_at"])), _item(self._deadline_text(s))]
            for c, cell in enumerate(cells):
                self._colour(cell, s)
                self.table.setItem(r, c, cell)
            if s["id"] == self.current_id:
                selected = r
        if selected >= 0:
            self.table.selectRow(selected)
        else:
            self.table.clearSelection()
            self.table.setCurrentItem(None)
        self.table.blockSignals(False)
        if self.current_id:
            self._show_case(case)
        elif not rows:
            self._auto_opened = True
        elif not self._auto_opened:
            # First visit: open the most pressing case (the list puts overdue ones first).
            self._auto_opened = True
            self.open_issue(rows[0]["id"])

    def _select_row(self, issue_id: str) -> None:
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == issue_id:
                self.table.selectRow(r)
                break
        else:
            self.table.clearSelection()
            self.table.setCurrentItem(None)
        self.table.blockSignals(False)

    def selected_issue_id(self) -> str | None:
        """The case highlighted in the list (None when no row is selected)."""
        items = self.table.selectedItems()
        return self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole) if items else None

    def _deadline_text(self, s: dict[str, Any]) -> str:
        if s["deadline"] is None:
            return ""
        closed = s["status"] in ("closed", "rated")
        if closed:
            return self.tr("按期办结") if s["deadline"] == "ok" else self.tr("超期办结")
        return {"ok": self.tr("正常"), "warning": self.tr("即将到期"), "overdue": self.tr("已超期")}[s["deadline"]]

    def _colour(self, cell: QTableWidgetItem, s: dict[str, Any]) -> None:
        if s["status"] in ("closed", "rated", "declined"):
            cell.setForeground(QBrush(DONE_FG))
        elif s["deadline"] == "overdue":
            cell.setBackground(QBrush(OVERDUE_BG))
            cell.setForeground(QBrush(OVERDUE_FG))
        elif s["deadline"] == "warning":
            cell.setBackground(QBrush(WARNING_BG))

    def _selection_changed(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        issue_id = self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self.open_issue(issue_id)

    def open_issue(self, issue_id: str) -> None:
        """Show one case (loaded off the UI thread)."""
        self.current_id = issue_id
        at = now()

        def work(_state: Any) -> q.IssueCase | None:
            with self.ctx.db.read() as conn:
                return q.issue_case(conn, issue_id, at)

        self.ctx.tasks.run(work, on_done=self._show_case)

    # ------------------------------------------------------------------ the case page
    def _show_case(self, case: q.IssueCase | None) -> None:
        self.case = case
        for b in self.action_buttons.values():
            # Out of the grid now, so old and new buttons never share a cell until deletion.
            b.hide()
            self.actions_grid.removeWidget(b)
            b.deleteLater()
        self.action_buttons = {}
        self.next_action = None
        self.no_actions.hide()
        if case is None:
            self.title_label.setText(self.tr("请选择左侧的事项"))
            for label in self.fact_labels.values():
                label.clear()
            self.events.setRowCount(0)
            self.actions_box.setEnabled(False)
            return
        self.actions_box.setEnabled(True)
        self._select_row(case.header["id"])
        s = case.summary
        st: rules.IssueState = s["state"]
        self.title_label.setText(case.header["title"])
        f = self.fact_labels
        f["status"].setText(code_label(s["status_label"]) + (self.tr("（不予受理：{0}）").format(st.decline_reason)
                                                  if st.decline_reason else ""))
        levels = list(rules.ISSUE_LEVELS)
        f["chain"].setText(" → ".join(
            f"<b>{code_label(rules.ISSUE_LEVELS[lv])}</b>" if lv == st.level else code_label(rules.ISSUE_LEVELS[lv])
            for lv in levels)
            + (self.tr("（已吹哨升级{0}次）").format(st.escalations) if st.escalations else ""))
        f["department"].setText(st.department or self.tr("（尚未派遣）"))
        f["category"].setText(" / ".join(code_label(x) for x in (s["category_label"], s["kind_label"], s["urgency_label"])
                                         if x))
        deadline = _fmt(s["due_at"])
        if s["deadline"]:
            deadline += "　" + self._deadline_text(s)
            if st.extension_days:
                deadline += self.tr("（已延期{0}个工作日）").format(st.extension_days)
        f["deadline"].setText(deadline)
        f["deadline"].setStyleSheet(
            "color: #8b0000; font-weight: bold;" if s["deadline"] == "overdue" and st.is_open
            else "color: #8a6d00; font-weight: bold;" if s["deadline"] == "warning" and st.is_open else "")
        f["address"].setText(case.header.get("address") or "")
        f["reported"].setText(" ".join(x for x in (_fmt(case.header.get("reported_at")),
                                                   case.header.get("reporter_name") or "",
                                                   self.tr("（走访中发现）") if case.header.get("visit_id") else "") if x))
        f["flags"].setText((self.tr("已督办") if st.supervised else self.tr("未督办"))
                           + "；" + self.tr("返工{0}次").format(st.rework_count))
        f["rating"].setText(code_label(rules.RATINGS.get(st.rating, "")) if st.rating else self.tr("（结案后由上报人评价）"))
        f["description"].setText(case.header.get("description") or "")

        offered = list(case.allowed)
        if self.ctx is not None:  # a party member (联户党员) reports and comments; the rest is handling
            offered = [a for a in offered if perm.may_issue_action(self.ctx.session.role, a)]
        # A fixed order: the step that moves the case on first and highlighted, then the rest
        # in one order that never depends on the path the case took.
        self.next_action = rules.next_action(st) if rules.next_action(st) in offered else None
        for i, action in enumerate(rules.action_order(st, offered)):
            button = QPushButton(code_label(rules.ACTIONS[action]))
            button.setObjectName(f"action_{action}")
            button.clicked.connect(lambda _c=False, a=action: self.open_step(a))
            if action == self.next_action:
                button.setDefault(True)
                button.setProperty("nextStep", True)
                button.setStyleSheet("QPushButton { font-weight: bold; background: #1f6fb2; color: white;"
                                     " border: 1px solid #174f80; border-radius: 3px; padding: 4px 10px; }"
                                     " QPushButton:focus { border: 2px solid #f0a000; }")
                button.setToolTip(self.tr("下一步"))
            self.action_buttons[action] = button
            self.actions_grid.addWidget(button, i // 4, i % 4)
        if not offered:
            self.actions_grid.addWidget(self.no_actions, 0, 0, 1, 4)
            self.no_actions.show()

        self.events.setRowCount(len(case.events))
        for r, e in enumerate(case.events):
            where = " ".join(x for x in (rules.ISSUE_LEVELS.get(e["level"] or "", ""), e["department"] or "") if x)
            note = e["note"] or ""
            p = e["payload"]
            if e["action"] == "rate" and p.get("rating"):
                note = rules.RATINGS.get(p["rating"], p["rating"]) + (f"；{note}" if note else "")
            if e["action"] == "request_extension" and p.get("days"):
                note = self.tr("延期{0}个工作日；").format(p["days"]) + note
            if e["action"] == "analyse":
                where = rules.ISSUE_LEVELS.get(p.get("level") or "", "")
            label = code_label(e["label"]) + (self.tr("（未生效）") if e["invalid"] else "")
            if e["invalid"]:
                note = f"{note}　[{e['invalid']}]"
            cells = [_item(_fmt(e["at"])), _item(label), _item(e["actor_name"]), _item(where), _item(note)]
            cells[4].setToolTip(note)
            for c, cell in enumerate(cells):
                if e["invalid"]:
                    cell.setForeground(QBrush(DONE_FG))
                self.events.setItem(r, c, cell)
        self.events.resizeRowsToContents()

    # ------------------------------------------------------------------ steps
    def open_step(self, action: str) -> StepDialog:
        """Open the dialog for one allowed step of the current case (non-blocking)."""
        assert self.case is not None
        dialog = StepDialog(action, self.case.summary["state"], self)
        issue_id = self.case.header["id"]
        dialog.submitted.connect(lambda payload: self._do_step(dialog, issue_id, action, payload))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _do_step(self, dialog: StepDialog, issue_id: str, action: str, payload: dict[str, Any]) -> None:
        def work(_state: Any) -> str:
            return ops.issues.step(self.ctx.db, self.ctx.actor, issue_id=issue_id, action=action, payload=payload).id

        def done(_eid: str) -> None:
            dialog.accept()
            self.dialog = None

        self.ctx.tasks.run(work, on_done=done, on_error=dialog.show_error, label=self.tr("正在保存…"))

    def open_new_issue(self) -> NewIssueDialog:
        """Open the 上报事项 form (non-blocking)."""
        dialog = NewIssueDialog(self.ctx, self)
        dialog.submitted.connect(lambda values: self._do_report(dialog, values))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _do_report(self, dialog: NewIssueDialog, values: dict[str, Any]) -> None:
        def work(_state: Any) -> str:
            return ops.issues.report(self.ctx.db, self.ctx.actor, **values, source="grid").id

        def done(issue_id: str) -> None:
            dialog.accept()
            self.dialog = None
            self.current_id = issue_id
            self.reload()

        self.ctx.tasks.run(work, on_done=done, on_error=dialog.show_error, label=self.tr("正在上报…"))
