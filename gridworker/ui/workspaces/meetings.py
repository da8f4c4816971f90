"""议事会议: 民议 → 民决 → 民办 → 民管 as one thread. A page of the 议事表决 workspace: the meetings,
recording one (form, topic, time, place, attendees, minutes), its decisions (议定 / 交付表决 opens a
ballot / 落实任务 with an owner and a deadline), progress and closing, and the printed minutes (PDF)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QMarginsF, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDateTimeEdit, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from ... import ops
from ...domain import meetings as rules
from ...domain import permissions as perm
from ...domain.ballots import RULES as BALLOT_RULES
from ...ledger.minutes import minutes_html
from ...store import queries_meetings as q
from ...store.database import Changes
from ..tasks import run_operation
from ..widgets.tables import fill, make_table
from ..labels import code_label

TABLES = ("meeting", "meeting_item", "ballot", "vote", "household")


class MeetingsPanel(QWidget):
    """The 议事会议 page."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx: Any = None
        self.meetings: list[dict] = []
        self.current_id: str | None = None
        self.thread: q.Thread | None = None
        self.today = dt.date.today

        # ---- left: the meetings and a new one
        left = QWidget(self)
        lv = QVBoxLayout(left)
        self.table = make_table([self.tr("时间"), self.tr("形式"), self.tr("议题"), self.tr("决定"), self.tr("未办结")],
                                widths=[110, 100, 150, 40], parent=left, name="meetings")
        self.table.itemSelectionChanged.connect(self._selected)
        lv.addWidget(self.table, 1)
        box = QGroupBox(self.tr("记录议事会议"), left)
        form = QFormLayout(box)
        self.kind = QComboBox(box)
        for code, label in rules.MEETING_KINDS.items():
            self.kind.addItem(code_label(label), code)
        self.topic = QLineEdit(box)
        self.topic.setPlaceholderText(self.tr("如：3幢楼道加装扶手"))
        self.held_at = QDateTimeEdit(QDateTime.currentDateTime(), box)
        self.held_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.held_at.setCalendarPopup(True)
        self.place = QLineEdit(box)
        self.attendees = QPlainTextEdit(box)
        self.attendees.setPlaceholderText(self.tr("每行一个：住户地址（如 阳光花园3幢101室）或单位（如 阳光物业、业委会）"))
        self.attendees.setTabChangesFocus(True)
        self.attendees.setFixedHeight(60)
        self.minutes = QPlainTextEdit(box)
        self.minutes.setPlaceholderText(self.tr("会议记录：各方意见、讨论经过"))
        self.minutes.setTabChangesFocus(True)
        self.minutes.setFixedHeight(70)
        form.addRow(self.tr("形式"), self.kind)
        form.addRow(self.tr("议题＊"), self.topic)
        form.addRow(self.tr("时间"), self.held_at)
        form.addRow(self.tr("地点"), self.place)
        form.addRow(self.tr("参会"), self.attendees)
        form.addRow(self.tr("记录"), self.minutes)
        self.record_button = QPushButton(self.tr("保存会议记录"), box)
        self.record_button.clicked.connect(self.record)
        form.addRow(self.record_button)
        lv.addWidget(box)

        # ---- right: the thread, decisions, follow-up, print
        right = QWidget(self)
        rv = QVBoxLayout(right)
        self.view = QTextBrowser(right)
        self.view.setObjectName("meeting_thread")
        rv.addWidget(self.view, 1)
        decide = QGroupBox(self.tr("形成决定"), right)
        df = QFormLayout(decide)
        self.decision_text = QLineEdit(decide)
        self.decision_kind = QComboBox(decide)
        for code, label in rules.DECISION_KINDS.items():
            self.decision_kind.addItem(code_label(label), code)
        self.decision_kind.currentIndexChanged.connect(self._kind_changed)
        self.owner = QLineEdit(decide)
        self.deadline = QDateEdit(QDate.currentDate().addDays(14), decide)
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.ballot_rule = QComboBox(decide)
        for code, spec in BALLOT_RULES.items():
            self.ballot_rule.addItem(code_label(spec.label_zh), code)
        df.addRow(self.tr("决定"), self.decision_text)
        df.addRow(self.tr("类别"), self.decision_kind)
        df.addRow(self.tr("负责人"), self.owner)
        df.addRow(self.tr("期限"), self.deadline)
        df.addRow(self.tr("表决规则"), self.ballot_rule)
        self.decide_button = QPushButton(self.tr("添加决定"), decide)
        self.decide_button.clicked.connect(self.decide)
        df.addRow(self.decide_button)
        rv.addWidget(decide)
        follow = QGroupBox(self.tr("跟进（民管）"), right)
        fh = QHBoxLayout(follow)
        self.follow_item = QComboBox(follow)
        self.follow_text = QLineEdit(follow)
        self.follow_text.setPlaceholderText(self.tr("进展或办结情况"))
        self.progress_button = QPushButton(self.tr("记录进展"), follow)
        self.progress_button.clicked.connect(lambda: self.follow(done=False))
        self.done_button = QPushButton(self.tr("办结"), follow)
        self.done_button.clicked.connect(lambda: self.follow(done=True))
        self.follow_item.setMinimumWidth(220)
        fh.addWidget(self.follow_item, 2)
        fh.addWidget(self.follow_text, 3)
        for w in (self.progress_button, self.done_button):
            fh.addWidget(w)
        rv.addWidget(follow)
        bottom = QHBoxLayout()
        self.error = QLabel(right)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        bottom.addWidget(self.error, 1)
        self.print_button = QPushButton(self.tr("打印纪要（PDF）…"), right)
        self.print_button.clicked.connect(lambda: self.print_minutes())
        bottom.addWidget(self.print_button)
        rv.addLayout(bottom)

        # Long labels (联席会议（社区、物业、业委会、共建单位）, the Civil Code rules, English) must not
        # widen the page past a 1366-pixel screen: the combos elide and show the rest when opened.
        for box in (self.kind, self.decision_kind, self.ballot_rule, self.follow_item):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 6)
        QVBoxLayout(self).addWidget(splitter)
        self._kind_changed()
        self._show_thread()

    # ------------------------------------------------------------------ context
    def set_context(self, ctx: Any) -> None:
        self.ctx = ctx
        may = ctx is not None and perm.may_write(ctx.session.role, "meeting", "insert")
        for w in (self.record_button, self.decide_button, self.progress_button, self.done_button):
            w.setEnabled(bool(may))
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    def reload(self) -> None:
        if self.ctx is None:
            return
        current, today = self.current_id, self.today()

        def work(_state: Any):
            with self.ctx.db.read() as conn:
                return q.list_meetings(conn), (q.thread(conn, current, today) if current else None)

        self.ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, result: tuple) -> None:
        self.meetings, self.thread = result
        self.table.blockSignals(True)
        fill(self.table, [[str(m["held_at"])[:16].replace("T", " "), code_label(m["kind_label"]), m["topic"],
                           m["decisions"], m["open"] or ""] for m in self.meetings],
             ids=[m["id"] for m in self.meetings])
        for r, m in enumerate(self.meetings):
            self.table.item(r, 2).setToolTip(m["topic"])
            if m["id"] == self.current_id:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        self._show_thread()

    def _selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        self.current_id = self.meetings[min(rows)]["id"] if rows else None
        self.reload()

    def _show_thread(self) -> None:
        t = self.thread
        has = t is not None
        for w in (self.decision_text, self.decision_kind, self.follow_item, self.follow_text, self.print_button):
            w.setEnabled(has)
        self.follow_item.clear()
        if not has:
            self.view.setHtml("<p style='color:#666'>" + self.tr("选中左侧的一次会议，可查看从议题到办结的全过程；"
                                                                 "或在左下方记录一次新的会议。") + "</p>")
            return
        self.view.setHtml(minutes_html(t))
        for row in t.decisions:
            d = row["decision"]
            if d.kind != "note" and not d.done_at:
                self.follow_item.addItem(f"{d.text}（{row['status_label']}）", d.id)

    def _kind_changed(self, *_: Any) -> None:
        kind = self.decision_kind.currentData()
        self.owner.setEnabled(kind == "task")
        self.deadline.setEnabled(kind == "task")
        self.ballot_rule.setEnabled(kind == "ballot")

    # ------------------------------------------------------------------ writes
    def _run(self, fn, on_done=None, **kwargs) -> None:
        run_operation(self.ctx, fn, self.error, on_done=on_done, **kwargs)

    def record(self) -> None:
        people = [line.strip() for line in self.attendees.toPlainText().splitlines() if line.strip()]

        def recorded(done: Any) -> None:
            self.current_id = done.id
            for w in (self.topic, self.place):
                w.clear()
            self.attendees.clear()
            self.minutes.clear()
            self.reload()  # the change notice may have reloaded before the new meeting was current

        self._run(ops.meetings.record, on_done=recorded, kind=self.kind.currentData(), topic=self.topic.text(),
                  held_at=self.held_at.dateTime().toPython().astimezone().isoformat(timespec="seconds"),
                  place=self.place.text() or None, attendees=people, minutes=self.minutes.toPlainText() or None)

    def decide(self) -> None:
        if self.current_id is None:
            return
        kind = self.decision_kind.currentData()
        extra: dict[str, Any] = {}
        if kind == "task":
            extra = {"owner": self.owner.text() or None, "deadline": self.deadline.date().toPython().isoformat()}
        elif kind == "ballot":
            extra = {"ballot": {"rule": self.ballot_rule.currentData()}}
        self._run(ops.meetings.decide, on_done=lambda _d: self.decision_text.clear(), meeting_id=self.current_id,
                  text=self.decision_text.text(), kind=kind, **extra)

    def follow(self, done: bool) -> None:
        item = self.follow_item.currentData()
        if item is None:
            self.error.setText(self.tr("请先选择要跟进的决定"))
            return
        self._run(ops.meetings.follow, on_done=lambda _d: self.follow_text.clear(), item_id=item,
                  text=self.follow_text.text(), done=done)

    def print_minutes(self, path: str | Path | None = None) -> Path | None:
        """打印纪要: the thread as an A4 PDF (returns its path)."""
        if self.thread is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("保存会议纪要"),
                                                  f"{self.thread.meeting['topic']}会议纪要.pdf", "PDF (*.pdf)")
            if not path:
                return None
        return minutes_pdf(self.thread, path)


def minutes_pdf(thread: q.Thread, path: str | Path) -> Path:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    doc.setHtml(minutes_html(thread))
    doc.setPageSize(QSizeF(printer.pageRect(QPrinter.Unit.Point).size()))
    doc.print_(printer)
    return Path(path)
