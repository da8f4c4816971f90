"""议事表决 workspace: create a ballot, type in paper votes fast, live tally, settle duplicates, close, print.

Paper votes: type a room number or a name in the search box, Enter, then press 1 / 2 / 3
(同意 / 反对 / 弃权); the vote is saved and the cursor is back in the search box for the next sheet.
Without a search the cursor simply moves down the list (sheets in address order). Pressing another
key for a household that has voted records a correction that voids its earlier vote.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.ballots import RULES, VOTE_CHOICES, format_area, format_percent
from ...ops import ballots as ballot_ops
from ...store import queries_ballots as q
from ...store.database import Changes
from ..widgets.tables import item as _item
from ..workspace import Workspace
from .meetings import MeetingsPanel
from .ballot_dialogs import NewBallotDialog, export_pdf, outcome_text, sheet_document, threshold_text

__all__ = ["BallotsWorkspace"]

TABLES = ("ballot", "ballot_option", "vote", "household", "audit_log")
# Key 1 is the first option (同意, or 方案一), 2 the second, and so on.
KEYS = {getattr(Qt.Key, f"Key_{n}"): n - 1 for n in range(1, 10)}
CLEAR_KEYS = (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
PASS_FG, FAIL_FG = "#1b5e20", "#b71c1c"


class _VoteKeys(QObject):
    """Turns 1/2/3 on the household table into votes."""

    def __init__(self, workspace: "BallotsWorkspace"):
        super().__init__(workspace)
        self.ws = workspace

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() in KEYS:
            self.ws.vote_option(KEYS[event.key()])
            return True
        if event.type() == QEvent.Type.KeyPress and event.key() in CLEAR_KEYS:
            self.ws.clear_vote()  # 0 or Delete: a wrong sheet is voided (append-only), the household votes again
            return True
        return False


class BallotsWorkspace(Workspace):
    """议事表决: ballot list, vote entry, live tally with thresholds, duplicates, close and print."""

    key = "ballots"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ballots: list[dict[str, Any]] = []
        self.current_id: str | None = None
        self.state: q.BallotState | None = None
        self.dialog: Any = None
        self.confirm: QMessageBox | None = None
        self._row_ids: list[tuple] = []
        self._auto_opened = False
        # Reloads coalesce: votes typed quickly queue one more count, not one per vote.
        self._loading = False
        self._reload_again = False
        self.reloads = 0

        # ---- left: the ballots
        self.new_button = QPushButton(self.tr("新建表决…"))
        self.new_button.setObjectName("new_ballot_button")
        self.new_button.clicked.connect(self.open_new_ballot)
        self.list = QTableWidget(0, 2)
        self.list.setObjectName("ballot_list")
        self.list.setHorizontalHeaderLabels([self.tr("表决事项"), self.tr("状态")])
        self.list.verticalHeader().hide()
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemSelectionChanged.connect(self._list_selected)
        self.list.setWordWrap(True)  # long motions wrap instead of being cut
        self.list.horizontalHeader().sectionResized.connect(lambda *_: self.list.resizeRowsToContents())
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.new_button)
        lv.addWidget(self.list, 1)

        # ---- middle: vote entry
        self.heading = QLabel(self.tr("请选择或新建一项表决"))
        self.heading.setObjectName("ballot_heading")
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.heading.setFont(font)
        self.subheading = QLabel()
        self.subheading.setWordWrap(True)
        self.subheading.setStyleSheet("color: #555;")
        self.find = QLineEdit()
        self.find.setObjectName("vote_find")
        self.find.setPlaceholderText(self.tr("输入房号或户主姓名，回车后按 1 同意 / 2 反对 / 3 弃权"))
        self.find.setClearButtonEnabled(True)
        self.find.textChanged.connect(self._filter)
        self.find.returnPressed.connect(self._focus_first_match)
        self.table = QTableWidget(0, 4)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.clear_action = QAction(self.tr("作废这一户的投票（0 或 Delete）"), self.table)
        self.clear_action.triggered.connect(self.clear_vote)
        self.table.addAction(self.clear_action)
        self.table.setObjectName("vote_table")
        self.table.setHorizontalHeaderLabels([self.tr("户"), self.tr("户主"), self.tr("面积㎡"), self.tr("意见")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        th = self.table.horizontalHeader()
        th.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            th.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.installEventFilter(_VoteKeys(self))
        # One button per option of the open ballot, keyed by meaning (yes/no/abstain) or option id.
        self.vote_buttons: dict[str, QPushButton] = {}
        self._button_options: list[str] = []
        buttons = QHBoxLayout()
        self.vote_row = buttons
        self.entry_note = QLabel()
        self.entry_note.setObjectName("entry_note")
        self.entry_note.setWordWrap(True)
        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.addWidget(self.heading)
        mv.addWidget(self.subheading)
        mv.addWidget(self.find)
        mv.addWidget(self.table, 1)
        mv.addLayout(buttons)
        mv.addWidget(self.entry_note)

        # ---- right: tally, duplicates, close / print
        self.tally_box = QGroupBox(self.tr("实时计票"))
        tv = QVBoxLayout(self.tally_box)
        # Shown while the tally is being counted again after a vote (it follows within a second).
        self.tally_status = QLabel()
        self.tally_status.setObjectName("tally_updating")
        self.tally_status.setStyleSheet("color: #1f6fb2;")
        tv.addWidget(self.tally_status)
        self.counts = QLabel()
        self.counts.setObjectName("tally_counts")
        self.counts.setWordWrap(True)
        self.threshold_labels = QLabel()
        self.threshold_labels.setObjectName("tally_thresholds")
        self.threshold_labels.setWordWrap(True)
        self.threshold_labels.setTextFormat(Qt.TextFormat.RichText)
        self.outcome = QLabel()
        self.outcome.setObjectName("tally_outcome")
        big = QFont(self.outcome.font())
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.4)
        self.outcome.setFont(big)
        self.outcome.setWordWrap(True)
        tv.addWidget(self.counts)
        tv.addWidget(self.threshold_labels)
        tv.addWidget(self.outcome)
        self.dup_box = QGroupBox(self.tr("重复投票（需组织者核定）"))
        dv = QVBoxLayout(self.dup_box)
        self.dup_table = QTableWidget(0, 3)
        self.dup_table.setObjectName("duplicate_votes")
        self.dup_table.setHorizontalHeaderLabels([self.tr("户"), self.tr("已计票"), self.tr("重复票")])
        self.dup_table.verticalHeader().hide()
        self.dup_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dup_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.keep_button = QPushButton(self.tr("保留已计票"))
        self.keep_button.setObjectName("keep_counted")
        self.keep_button.clicked.connect(lambda: self.settle_selected(count_duplicate=False))
        self.swap_button = QPushButton(self.tr("改计重复票"))
        self.swap_button.setObjectName("count_duplicate")
        self.swap_button.clicked.connect(lambda: self.settle_selected(count_duplicate=True))
        db_row = QHBoxLayout()
        db_row.addWidget(self.keep_button)
        db_row.addWidget(self.swap_button)
        dv.addWidget(self.dup_table)
        dv.addLayout(db_row)
        self.dup_box.hide()
        self.close_button = QPushButton(self.tr("结束表决"))
        self.close_button.setObjectName("close_ballot")
        self.close_button.clicked.connect(self.ask_close)
        self.print_button = QPushButton(self.tr("打印结果…"))
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button = QPushButton(self.tr("导出PDF…"))
        self.pdf_button.clicked.connect(self.ask_export_pdf)
        actions = QHBoxLayout()
        actions.addWidget(self.close_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.pdf_button)
        right = QWidget()
        right.setMinimumWidth(300)  # thresholds read as whole lines
        rv = QVBoxLayout(right)
        rv.addWidget(self.tally_box)
        rv.addWidget(self.dup_box)
        rv.addStretch(1)
        rv.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        for w, stretch in ((left, 3), (middle, 5), (right, 4)):
            splitter.addWidget(w)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        # 表决 and 议事会议 (meetings.py: its own file and operations) as two pages.
        self.meetings = MeetingsPanel()
        self.pages = QTabWidget()
        self.pages.setObjectName("ballot_pages")
        self.pages.addTab(splitter, self.tr("表决"))
        self.pages.addTab(self.meetings, self.tr("议事会议"))
        QVBoxLayout(self).addWidget(self.pages)
        self._show_state(None)

    def title(self) -> str:
        return self.tr("议事表决")

    # ------------------------------------------------------------------ workspace API
    def set_context(self, ctx: Any) -> None:
        super().set_context(ctx)
        self.new_button.setEnabled(self.may_manage())
        self.meetings.set_context(ctx)
        self.reload()

    def may_manage(self) -> bool:
        """Creating, closing and settling ballots is for grid workers and admins; anyone may type votes."""
        return self.ctx is not None and self.ctx.session.may("ballot.manage")

    def on_changes(self, changes: Changes) -> None:
        self.meetings.on_changes(changes)
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        if self.ctx is None:
            return
        if self._loading:
            self._reload_again = True  # counted once more when the count in progress ends
            return
        self._loading = True
        self.reloads += 1
        self.tally_status.setText(self.tr("正在更新计票…"))
        current = self.current_id

        def work(_state: Any) -> tuple[list, q.BallotState | None]:
            with self.ctx.db.read() as conn:
                return q.list_ballots(conn), (q.ballot_state(conn, current) if current else None)

        def done(result: tuple) -> None:
            self._loading = False
            self._loaded(result)
            if self._reload_again:
                self._reload_again = False
                self.reload()
            else:
                self.tally_status.clear()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self.tally_status.clear()
            raise exc

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def _loaded(self, result: tuple[list, q.BallotState | None]) -> None:
        self.ballots, state = result
        self.list.blockSignals(True)
        self.list.setRowCount(len(self.ballots))
        for r, b in enumerate(self.ballots):
            title = _item(b["title"], b["id"])
            title.setToolTip(f"{b['rule_label']}　{b['scope_label']} {b['scope_ref_label']}")
            self.list.setItem(r, 0, title)
            self.list.setItem(r, 1, _item(self.tr("已结束") if b["closed_at"] else self.tr("进行中")))
            if b["id"] == self.current_id:
                self.list.selectRow(r)
        self.list.resizeRowsToContents()
        self.list.blockSignals(False)
        if self.current_id:
            self._show_state(state)
        elif self.ballots and not self._auto_opened:
            # First visit: open the most recent open ballot rather than show an empty page.
            self._auto_opened = True
            self.open_ballot(self.ballots[0]["id"])

    def _list_selected(self) -> None:
        items = self.list.selectedItems()
        if items:
            self.open_ballot(self.list.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def open_ballot(self, ballot_id: str) -> None:
        self.current_id = ballot_id
        self.find.clear()
        self.reload()

    # ------------------------------------------------------------------ the ballot page
    def _show_state(self, state: q.BallotState | None) -> None:
        keep_row = self.table.currentRow()
        self.state = state
        self._build_vote_buttons(state.ballot["options"] if state else [])
        not_open = state is not None and self._not_open_yet(state.ballot)
        enabled = state is not None and not state.ballot["closed_at"] and not not_open
        for w in (self.find, self.table, *self.vote_buttons.values()):
            w.setEnabled(enabled)
        self.close_button.setEnabled(enabled and self.may_manage())
        for w in (self.print_button, self.pdf_button):
            w.setEnabled(state is not None)
        if state is None:
            self._row_ids = []
            self.table.setRowCount(0)
            self.counts.clear()
            self.threshold_labels.clear()
            self.outcome.clear()
            self.dup_box.hide()
            return
        b = state.ballot
        self.heading.setText(b["title"])
        status = self.tr("已结束") if b["closed_at"] else (
            self.tr("尚未开始（{0}开始）").format((b["opens_at"] or "")[:16].replace("T", " ")) if not_open
            else self.tr("进行中"))
        self.subheading.setText(f"{b['rule_label']}\n{b['scope_label']} {b['scope_ref_label']}　{status}")
        labels = {o["id"]: o["label"] for o in b["options"]}
        row_ids = [(h["id"], h["address"], h["head_name"], h["area_m2"]) for h in state.households]
        same_rows = row_ids == self._row_ids
        self._row_ids = row_ids
        self.table.setRowCount(len(state.households))
        for r, h in enumerate(state.households):
            v = state.effective.get(h["id"])
            vote = labels.get(v["option_id"], "") if v else ""
            if not same_rows:  # after a vote only the 意见 column changes: large scopes stay quick
                self.table.setItem(r, 0, _item(h["address"], h["id"]))
                self.table.setItem(r, 1, _item(h["head_name"]))
                self.table.setItem(r, 2, _item(h["area_m2"] or ""))
            cell = _item(vote)
            if v and not state.multiple_choice:  # 同意 green, 反对 red; options between plans stay neutral
                cell.setForeground(QBrush(QColor({"yes": PASS_FG, "no": FAIL_FG}.get(v["choice"], "#333"))))
            self.table.setItem(r, 3, cell)
        self._filter(self.find.text())
        if 0 <= keep_row < self.table.rowCount():
            self.table.setCurrentCell(keep_row, 0)
        self._show_tally(state)
        self._show_duplicates(state)

    def _show_tally(self, state: q.BallotState) -> None:
        r = state.result
        if r is None:
            self.counts.setText(state.error or "")
            self.threshold_labels.clear()
            self.outcome.setText(self.tr("无法计票"))
            self.outcome.setStyleSheet(f"color: {FAIL_FG};")
            return
        uses_area = RULES[state.ballot["rule"]].uses_area
        lines = [self.tr("应参与 {0} 户，已投票 {1} 户").format(r.eligible_households, r.turnout_households)]
        if uses_area:
            lines.append(self.tr("专有面积 {0}㎡，已参与 {1}㎡").format(format_area(r.eligible_area),
                                                                 format_area(r.turnout_area)))
        if state.multiple_choice:
            for c in state.choices:
                lines.append(self.tr("{0}：{1} 户（{2}）").format(c["option"]["label"], c["count"], format_percent(c["share"])))
        else:
            labels = {o["meaning"]: o["label"] for o in state.ballot["options"]}
            lines.append("　".join(f"{labels.get(c, zh)} {r.counts[c]}" for c, zh in VOTE_CHOICES.items()))
        self.counts.setText("\n".join(lines))
        rows = []
        for t in r.thresholds:
            mark, colour = ("✔ " + self.tr("达到"), PASS_FG) if t.met else ("✘ " + self.tr("未达到"), FAIL_FG)
            rows.append(f"{t.label_zh}<br/>&nbsp;&nbsp;{threshold_text(t, r)} "
                        f"<span style='color:{colour}; white-space: nowrap'>{mark}</span>")
        self.threshold_labels.setText("<br/>".join(rows))
        prefix = self.tr("结果：") if state.ballot["closed_at"] else self.tr("按目前票数：")
        self.outcome.setText(prefix + outcome_text(r, state))
        self.outcome.setStyleSheet(f"color: {PASS_FG if state.passed else FAIL_FG};")

    def _show_duplicates(self, state: q.BallotState) -> None:
        self.dup_box.setVisible(bool(state.duplicates))
        labels = {o["id"]: o["label"] for o in state.ballot["options"]}
        addresses = {h["id"]: h["address"] for h in state.households}
        self.dup_table.setRowCount(len(state.duplicates))
        for r, d in enumerate(state.duplicates):
            v = d.vote
            counted = state.effective.get(v["household_id"])
            self.dup_table.setItem(r, 0, _item(addresses.get(v["household_id"], v["household_id"]), v["id"]))
            self.dup_table.setItem(r, 1, _item(labels.get(counted["option_id"], "") if counted else ""))
            dup = _item(labels.get(v["option_id"], ""))
            dup.setToolTip(d.message)
            self.dup_table.setItem(r, 2, dup)
        self.swap_button.setEnabled(not state.ballot["closed_at"] and self.may_manage())
        self.keep_button.setEnabled(self.may_manage())

    # ------------------------------------------------------------------ vote entry
    def _filter(self, text: str) -> None:
        text = text.strip()
        households = self.state.households if self.state else []
        for r, h in enumerate(households):
            match = not text or text == (h["room"] or "") or text in (h["address"] or "") \
                or text in (h["head_name"] or "")
            self.table.setRowHidden(r, not match)

    def _visible_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    def _focus_first_match(self) -> None:
        rows = self._visible_rows()
        if rows:
            self.table.setCurrentCell(rows[0], 0)
            self.table.setFocus()

    def _not_open_yet(self, b: dict[str, Any]) -> bool:
        if not b.get("opens_at"):
            return False
        return dt.datetime.fromisoformat(b["opens_at"]) > dt.datetime.now().astimezone()

    def _build_vote_buttons(self, options: list[dict[str, Any]]) -> None:
        ids = [o["id"] for o in options]
        if ids == self._button_options:
            return
        self._button_options = ids
        for b in self.vote_buttons.values():
            b.hide()
            self.vote_row.removeWidget(b)
            b.deleteLater()
        self.vote_buttons = {}
        for i, o in enumerate(options[:9]):
            b = QPushButton(f"{o['label']} ({i + 1})")
            key = o["meaning"] if o["meaning"] != "choice" else o["id"]
            b.setObjectName(f"vote_{key}")
            b.clicked.connect(lambda _c=False, n=i: self.vote_option(n))
            self.vote_buttons[key] = b
            self.vote_row.addWidget(b)
        if options and all(o["meaning"] != "choice" for o in options):
            keys = " / ".join(f"{i + 1} {o['label']}" for i, o in enumerate(options[:9]))
            self.find.setPlaceholderText(self.tr("输入房号或户主姓名，回车后按 {0}").format(keys))
        elif options:
            self.find.setPlaceholderText(self.tr("输入房号或户主姓名，回车后按数字键 1–{0} 选择方案").format(
                min(len(options), 9)))

    def clear_vote(self) -> None:
        """作废 the selected household's paper vote (a void record; nothing is erased)."""
        if self.state is None or self.state.ballot["closed_at"]:
            return
        row = self.table.currentRow()
        if row < 0 or self.table.isRowHidden(row):
            self.entry_note.setText(self.tr("请先选中一户"))
            return
        h = self.state.households[row]
        ballot_id = self.state.ballot["id"]

        def work(_state: Any) -> str:
            return ballot_ops.clear_vote(self.ctx.db, self.ctx.actor, ballot_id=ballot_id, household_id=h["id"]).id

        def done(_vote_id: str) -> None:
            self.entry_note.setText(self.tr("已作废 {0} 的投票，可重新录入").format(h["address"]))

        def failed(exc: BaseException) -> None:
            self.entry_note.setText(getattr(exc, "message", None) or str(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def vote_option(self, index: int) -> None:
        """Record option number ``index`` (key ``index + 1``) for the selected household, then move on
        (see the module docstring)."""
        if self.state is None or self.state.ballot["closed_at"] or self._not_open_yet(self.state.ballot):
            return
        options = self.state.ballot["options"]
        if not 0 <= index < len(options):
            return
        row = self.table.currentRow()
        if row < 0 or self.table.isRowHidden(row):
            self.entry_note.setText(self.tr("请先选中一户"))
            return
        h = self.state.households[row]
        ballot_id = self.state.ballot["id"]
        option_id, label = options[index]["id"], options[index]["label"]
        self.table.item(row, 3).setText(label + "…")

        def work(_state: Any) -> str | None:
            return ballot_ops.vote(self.ctx.db, self.ctx.actor, ballot_id=ballot_id, household_id=h["id"],
                                   option_id=option_id).id

        def done(vote_id: str | None) -> None:
            self.entry_note.setText(self.tr("已记录：{0} {1}").format(h["address"], label) if vote_id
                                    else self.tr("{0} 的意见未变").format(h["address"]))
            if vote_id is None:
                self.reload()

        def failed(exc: BaseException) -> None:
            self.entry_note.setText(getattr(exc, "message", None) or str(exc))
            self.reload()

        self.ctx.tasks.run(work, on_done=done, on_error=failed)
        if self.find.text().strip():
            self.find.clear()
            self.find.setFocus()
        else:
            nxt = [r for r in self._visible_rows() if r > row]
            if nxt:
                self.table.setCurrentCell(nxt[0], 0)

    # ------------------------------------------------------------------ duplicates, close, print
    def settle_selected(self, *, count_duplicate: bool) -> None:
        if self.state is None or not self.state.duplicates:
            return
        row = max(self.dup_table.currentRow(), 0)
        dup = self.state.duplicates[row].vote
        ballot_id = self.state.ballot["id"]

        def work(_state: Any) -> None:
            ballot_ops.settle(self.ctx.db, self.ctx.actor, ballot_id=ballot_id, vote_id=dup["id"],
                              count_duplicate=count_duplicate)

        self.ctx.tasks.run(work, on_error=lambda exc: self.entry_note.setText(getattr(exc, "message", str(exc))))

    def ask_close(self) -> QMessageBox:
        """Ask before ending the ballot (non-blocking); Yes closes it."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("结束表决"),
                          self.tr("结束后不能再录入投票，确定结束“{0}”吗？").format(self.state.ballot["title"]),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("结束表决"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.accepted.connect(self.close_current)
        self.confirm = box
        box.open()
        return box

    def close_current(self) -> None:
        ballot_id = self.state.ballot["id"]

        def work(_state: Any) -> None:
            ballot_ops.close(self.ctx.db, self.ctx.actor, ballot_id=ballot_id)

        self.ctx.tasks.run(work, on_error=lambda exc: self.entry_note.setText(getattr(exc, "message", str(exc))))

    def print_sheet(self) -> None:
        if self.state is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QPrintDialog.DialogCode.Accepted:
            sheet_document(self.state).print_(printer)
            self._audit_export("print")

    def ask_export_pdf(self) -> None:
        if self.state is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出表决结果"), f"{self.state.ballot['title']}.pdf",
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.export_pdf_to(path)

    def export_pdf_to(self, path: str) -> None:
        """Write the result sheet to ``path`` and record the export in the audit log."""
        export_pdf(self.state, path)
        self.entry_note.setText(self.tr("已导出：{0}").format(path))
        self._audit_export("pdf")

    def _audit_export(self, how: str) -> None:
        # The sheet lists households and their heads: personal information leaving the program.
        ballot_id = self.state.ballot["id"]

        def work(_state: Any) -> None:
            ballot_ops.record_export(self.ctx.db, self.ctx.actor, ballot_id=ballot_id, how=how)

        self.ctx.tasks.run(work)

    def open_new_ballot(self) -> None:
        """Load the scope choices, then show the 新建表决 form (non-blocking)."""
        def work(_state: Any) -> tuple[list, list]:
            with self.ctx.db.read() as conn:
                return q.scope_choices(conn)

        self.ctx.tasks.run(work, on_done=lambda choices: self._show_new_dialog(*choices))

    def _show_new_dialog(self, buildings: list, estates: list) -> None:
        dialog = NewBallotDialog(buildings, estates, self)
        dialog.submitted.connect(lambda values: self._create(dialog, values))
        self.dialog = dialog
        dialog.open()

    def _create(self, dialog: NewBallotDialog, values: dict[str, Any]) -> None:
        def work(_state: Any) -> str:
            return ballot_ops.create(self.ctx.db, self.ctx.actor, **values).id

        def done(ballot_id: str) -> None:
            dialog.accept()
            self.dialog = None
            self.open_ballot(ballot_id)

        self.ctx.tasks.run(work, on_done=done, on_error=dialog.show_error, label=self.tr("正在创建…"))
