"""走访 workspace: a quick visit form (under a minute), recent visits, overdue visits by attention level.

"同时上报事项" raises a 吹哨报到 case from the visit in the same unit of work: the issue, its
``report`` event and the visit (pointing at the issue) are committed together or not at all.
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import codes
from ...domain import permissions as perm
from ...domain.clock import now
from ...domain.masking import mask_text
from ...store import queries_visits as q
from ... import ops
from ...store.database import Changes
from ..widgets.forms import FieldError, FormBuilder
from ..widgets.household_picker import HouseholdPicker
from ..widgets.tables import item as _item
from ..widgets.tables import fit_columns, make_table
from ..workspace import Workspace
from .follow_ups import FollowUpsPanel
from ..labels import code_label

TABLES = ("visit", "household", "issue")


def _short(ts: str | None) -> str:
    if not ts:
        return ""
    try:
        return dt.datetime.fromisoformat(ts).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts


class VisitsWorkspace(Workspace):
    """走访: the quick form on the left, recent and overdue visits on the right."""

    key = "visits"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.saving = False
        self.last_saved: tuple[str, str | None] | None = None
        self.recent: list[dict[str, Any]] = []
        self.overdue: list[dict[str, Any]] = []

        # ---- the form
        form_widget = QWidget()
        self.form = FormBuilder(form_widget)
        self.picker = HouseholdPicker()
        self.form.add("household_id", self.tr("住户＊"), self.picker)
        self.household_note = QLabel()
        self.household_note.setStyleSheet("color: #555;")
        self.form.layout.addRow("", self.household_note)
        self.picker.household_selected.connect(self._household_chosen)
        self.picker.cleared.connect(self.household_note.clear)

        modes = QWidget()
        mode_row = QHBoxLayout(modes)
        mode_row.setContentsMargins(0, 0, 0, 0)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for code, label in codes.VISIT_MODES.items():
            button = QRadioButton(code_label(label))
            button.setObjectName(f"mode_{code}")
            self.mode_group.addButton(button)
            self.mode_buttons[code] = button
            mode_row.addWidget(button)
        mode_row.addStretch(1)
        self.mode_buttons["door"].setChecked(True)
        self.form.add("mode", self.tr("走访方式"), modes)

        self.visited_at = QDateTimeEdit(QDateTime.currentDateTime())
        self.visited_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.visited_at.setCalendarPopup(True)
        # Untouched, the visit is recorded at the moment it is saved (labelled 现在); a time the user
        # sets is kept as set.
        self.time_touched = False
        self._setting_time = False
        self.visited_at.dateTimeChanged.connect(self._time_edited)
        self.visited_at.installEventFilter(self)  # one Tab stop, not one per date and time section
        self.time_now = QLabel(self.tr("现在"))
        self.time_now.setObjectName("visit_time_now")
        self.time_now.setToolTip(self.tr("不修改时，按保存时的时间记录"))
        self.time_now.setStyleSheet("color: #2e7d32;")
        time_row = QWidget()
        tr = QHBoxLayout(time_row)
        tr.setContentsMargins(0, 0, 0, 0)
        tr.addWidget(self.visited_at, 1)
        tr.addWidget(self.time_now)
        self.form.add("visited_at", self.tr("走访时间"), time_row)
        self.clock = QTimer(self)
        self.clock.setInterval(30_000)  # an untouched time keeps showing the present minute
        self.clock.timeout.connect(self._show_now)
        self.clock.start()
        self.summary = self._text(self.tr("简要记录看到、听到的情况"))
        self.form.add("summary", self.tr("走访情况"), self.summary)
        self.problems = self._text(self.tr("如：楼道灯坏了、老人独居无人照看"))
        self.form.add("problems", self.tr("发现问题"), self.problems)
        self.requests = self._text(self.tr("群众的急难愁盼"))
        self.form.add("requests", self.tr("群众诉求"), self.requests)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText(self.tr("如：下周联系物业上门维修"))
        self.form.add("follow_up", self.tr("跟进计划"), self.follow_up)
        follow_row = QWidget()
        fr = QHBoxLayout(follow_row)
        fr.setContentsMargins(0, 0, 0, 0)
        self.follow_check = QCheckBox(self.tr("需要回访，日期"))
        self.follow_date = QDateEdit(QDate.currentDate().addDays(7))
        self.follow_date.setDisplayFormat("yyyy-MM-dd")
        self.follow_date.setCalendarPopup(True)
        self.follow_date.setEnabled(False)
        self.follow_check.toggled.connect(self.follow_date.setEnabled)
        fr.addWidget(self.follow_check)
        fr.addWidget(self.follow_date)
        fr.addStretch(1)
        self.form.add("follow_up_date", self.tr("回访"), follow_row)

        # ---- "raise an issue" in one click
        self.raise_issue = QCheckBox(self.tr("同时上报事项（吹哨报到）"))
        self.raise_issue.setObjectName("raise_issue")
        self.issue_box = QGroupBox()
        issue_widget = QWidget()
        self.issue_form = FormBuilder(issue_widget)
        self.issue_title = QLineEdit()
        self.issue_title.setPlaceholderText(self.tr("不填则用“发现问题”的第一行"))
        self.issue_form.add("title", self.tr("事项标题"), self.issue_title)
        self.issue_kind = QComboBox()
        for code, label in codes.ISSUE_KINDS.items():
            self.issue_kind.addItem(code_label(label), code)
        self.issue_form.add("kind", self.tr("事项性质"), self.issue_kind)
        self.issue_category = QComboBox()
        for code, label in codes.ISSUE_CATEGORIES.items():
            self.issue_category.addItem(code_label(label), code)
        self.issue_category.setCurrentIndex(self.issue_category.findData("livelihood"))
        self.issue_form.add("category", self.tr("事项类别"), self.issue_category)
        self.issue_urgent = QCheckBox(self.tr("紧急（当日办结）"))
        self.issue_form.add("urgency", self.tr("紧急程度"), self.issue_urgent)
        QVBoxLayout(self.issue_box).addWidget(issue_widget)
        self.issue_box.setVisible(False)
        self.raise_issue.toggled.connect(self.issue_box.setVisible)

        self.error = FieldError()
        self.saved_note = QLabel()
        self.saved_note.setObjectName("saved_note")
        self.saved_note.setStyleSheet("color: #1b5e20;")
        self.saved_note.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存走访记录 (Ctrl+S)"))
        self.save_button.setObjectName("save_visit")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        form_box = QWidget()
        fv = QVBoxLayout(form_box)
        heading = QLabel(self.tr("登记走访"))
        heading.setStyleSheet("font-weight: bold; font-size: 14pt;")
        fv.addWidget(heading)
        fv.addWidget(form_widget)
        fv.addWidget(self.raise_issue)
        fv.addWidget(self.issue_box)
        fv.addWidget(self.error)
        fv.addWidget(self.save_button)
        fv.addWidget(self.saved_note)
        fv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_box)
        scroll.setMinimumWidth(440)

        # ---- lists
        self.recent_table = make_table([self.tr("时间"), self.tr("住户"), self.tr("方式"), self.tr("走访人"),
                                    self.tr("情况"), self.tr("事项")], stretch=4, name="recent_visits")
        self.recent_table.itemSelectionChanged.connect(self._show_visit)
        self.visit_detail = QLabel(self.tr("选中一条走访记录可查看全文"))
        self.visit_detail.setObjectName("visit_detail")
        self.visit_detail.setWordWrap(True)
        self.visit_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.visit_detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.visit_detail.setMinimumHeight(90)
        recent_page = QWidget()
        rp = QVBoxLayout(recent_page)
        rp.setContentsMargins(0, 0, 0, 0)
        rp.addWidget(self.recent_table, 1)
        void_row = QHBoxLayout()
        void_row.addWidget(self.visit_detail, 1)
        self.void_button = QPushButton(self.tr("作废这条走访…"))
        self.void_button.setObjectName("void_visit")
        self.void_button.setToolTip(self.tr("登记错了的走访：原记录保留，加一条作废记录并写明原因"))
        self.void_button.setEnabled(False)
        self.void_button.clicked.connect(self.void_selected)
        void_row.addWidget(self.void_button, 0, Qt.AlignmentFlag.AlignTop)
        rp.addLayout(void_row)
        overdue_page = QWidget()
        ov = QVBoxLayout(overdue_page)
        top = QHBoxLayout()
        self.level_filter = QComboBox()
        self.level_filter.setObjectName("overdue_level")
        self.level_filter.addItem(self.tr("全部关注等级"), None)
        for code, label in codes.ATTENTION_LEVELS.items():
            self.level_filter.addItem(code_label(label), code)
        self.level_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.overdue_counts = QLabel()
        self.overdue_counts.setObjectName("overdue_counts")
        top.addWidget(self.level_filter)
        top.addWidget(self.overdue_counts, 1)
        ov.addLayout(top)
        self.overdue_table = make_table([self.tr("关注等级"), self.tr("住户"), self.tr("户主"), self.tr("上次走访"),
                                     self.tr("应访时间"), self.tr("逾期")], stretch=1, name="overdue_visits")
        self.overdue_table.cellDoubleClicked.connect(self._pick_overdue)
        ov.addWidget(self.overdue_table, 1)
        hint = QLabel(self.tr("双击一行即可为该户登记走访。规则：高风险每周、重点人群每月、其他每季度至少走访一次。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        ov.addWidget(hint)
        self.tabs = QTabWidget()
        self.tabs.addTab(recent_page, self.tr("最近走访"))
        self.tabs.addTab(overdue_page, self.tr("逾期未访"))
        self.follow_ups = FollowUpsPanel(on_pick=self._pick_follow_up)
        self.tabs.addTab(self.follow_ups, self.tr("待回访"))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 6)
        QVBoxLayout(self).addWidget(splitter)

    def _text(self, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setFixedHeight(64)
        edit.setTabChangesFocus(True)
        return edit

    def title(self) -> str:
        return self.tr("走访")

    # ------------------------------------------------------------------ workspace API
    def set_context(self, ctx: Any) -> None:
        super().set_context(ctx)
        self.picker.set_context(ctx)
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    def on_org_selected(self, org_id: str | None) -> None:
        super().on_org_selected(org_id)
        self.reload()

    # ------------------------------------------------------------------ lists
    def show_filtered(self, what: object) -> None:
        """``"overdue"``: the 逾期未访 list (all attention levels); ``"recent"``: 最近走访."""
        if what == "overdue":
            self.tabs.setCurrentIndex(1)
            if self.level_filter.currentIndex() != 0:
                self.level_filter.setCurrentIndex(0)  # reloads
        elif what == "recent":
            self.tabs.setCurrentIndex(0)

    def reload(self) -> None:
        if self.ctx is None:
            return
        org, level, at = self.org_id, self.level_filter.currentData(), now()

        def work(_state: Any) -> tuple[list, list]:
            with self.ctx.db.read() as conn:
                return (q.recent_visits(conn, org_id=org, with_voided=True),
                        q.overdue_households(conn, at, org_id=org, level=level))

        self.ctx.tasks.run(work, on_done=self._loaded)
        self.follow_ups.reload(self.ctx, org)

    def _loaded(self, result: tuple[list, list]) -> None:
        self.recent, self.overdue = result
        t = self.recent_table
        t.setRowCount(len(self.recent))
        for r, v in enumerate(self.recent):
            # A phone or ID number typed into the notes is masked in the list (PIPL: lists mask by default).
            text = mask_text(" ".join(x for x in (v["summary"], v["problems"]) if x))
            cells = [_item(_short(v["visited_at"]), v["id"]), _item(f"{v['address']} {v['head_name'] or ''}"),
                     _item(code_label(v["mode_label"])), _item(v["visitor_name"]), _item(text[:40]),
                     _item(self.tr("已上报") if v["issue_id"] else "")]
            cells[4].setToolTip(text)
            cells[1].setToolTip(cells[1].text())
            if v.get("void_reason") is not None:
                # A voided visit stays in the list, struck through, with why (append-only: nothing is erased).
                cells[5] = _item(self.tr("已作废"))
                why = self.tr("已作废：%1").replace("%1", v["void_reason"])
                for cell in cells:
                    font = cell.font()
                    font.setStrikeOut(True)
                    cell.setFont(font)
                    cell.setForeground(QBrush(QColor("#888888")))
                    cell.setToolTip(why)
            for c, cell in enumerate(cells):
                t.setItem(r, c, cell)
        fit_columns(self.recent_table)
        self._show_visit()  # the selection's detail and 作废 button follow the reloaded rows
        counts = q.overdue_counts(self.overdue)
        self.overdue_counts.setText("　".join(
            self.tr("{0}：{1}户").format(code_label(label), counts[code]) for code, label in codes.ATTENTION_LEVELS.items()))
        t = self.overdue_table
        t.setRowCount(len(self.overdue))
        for r, h in enumerate(self.overdue):
            late = self.tr("从未走访") if h["days_overdue"] is None else self.tr("{0}天").format(h["days_overdue"])
            cells = [_item(code_label(h["level_label"]), h["id"]), _item(h["address"]), _item(h["head_name"]),
                     _item(_short(h["last_visit_at"]) or self.tr("无")), _item(_short(h["due_at"])), _item(late)]
            for c, cell in enumerate(cells):
                t.setItem(r, c, cell)
        fit_columns(t)

    def _show_visit(self) -> None:
        rows = {i.row() for i in self.recent_table.selectedItems()}
        if not rows:
            self.void_button.setEnabled(False)
            return
        v = self.recent[min(rows)]
        self.void_button.setEnabled(v.get("void_reason") is None and self._may_void())
        who = html.escape(f"{v['address']} {v['head_name'] or ''}")
        parts = [f"<b>{_short(v['visited_at'])}　{who}　{v['mode_label']}</b>"]
        for label, key in ((self.tr("走访情况"), "summary"), (self.tr("发现问题"), "problems"),
                           (self.tr("群众诉求"), "requests"), (self.tr("跟进计划"), "follow_up"),
                           (self.tr("回访日期"), "follow_up_date")):
            if v.get(key):
                parts.append(f"{label}：{html.escape(v[key])}")
        if v.get("void_reason") is not None:
            parts.insert(1, "<span style='color:#b00020'>" + html.escape(self.tr("已作废：%1").replace(
                "%1", v["void_reason"])) + "</span>")
        self.visit_detail.setText("<br/>".join(parts))

    def _may_void(self) -> bool:
        return self.ctx is not None and perm.may_write(self.ctx.session.role, "visit", "append", ["voids_id"])

    def void_selected(self, reason: str | None = None) -> None:
        """作废这条走访: asks for the reason (required), then appends the correction through ops."""
        rows = {i.row() for i in self.recent_table.selectedItems()}
        if not rows or not self._may_void():
            return
        v = self.recent[min(rows)]
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, self.tr("作废走访"), self.tr("作废 %1 %2 的走访，原因（必填）：")
                .replace("%1", _short(v["visited_at"])).replace("%2", v["address"] or ""))
            if not ok:
                return
        ctx = self.ctx

        def work(_state: Any):
            return ops.visits.void(ctx.db, ctx.actor, visit_id=v["id"], reason=reason)

        def failed(exc: BaseException) -> None:
            self.visit_detail.setText(html.escape(getattr(exc, "message", str(exc))))

        ctx.tasks.run(work, on_error=failed)

    def _pick_follow_up(self, f: dict[str, Any]) -> None:
        self.picker.set_household({"id": f["household_id"], "address": f["address"], "head_name": f["head_name"],
                                   "attention_level": f["attention_level"], "last_visit_at": f["visited_at"]})
        self.summary.setFocus()

    def _pick_overdue(self, row: int, _col: int) -> None:
        h = self.overdue[row]
        self.picker.set_household({"id": h["id"], "address": h["address"], "head_name": h["head_name"],
                                   "attention_level": h["attention_level"], "last_visit_at": h["last_visit_at"]})
        self.summary.setFocus()

    def _household_chosen(self, _hid: str, info: dict[str, Any]) -> None:
        level = code_label(codes.ATTENTION_LEVELS.get(info.get("attention_level") or "normal", ""))
        last = _short(info.get("last_visit_at")) or self.tr("从未走访")
        self.household_note.setText(self.tr("关注等级：{0}；上次走访：{1}").format(level, last))
        self.saved_note.clear()  # the last household's 已保存 is not this one's
        self.form.clear_errors()
        if self.picker.edit.hasFocus():
            self.summary.setFocus()  # straight on to typing what was found

    # ------------------------------------------------------------------ saving
    def values(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The visit and (if ticked) the issue as the form holds them."""
        mode = next((c for c, b in self.mode_buttons.items() if b.isChecked()), "door")
        when = self.visited_at.dateTime().toPython().astimezone() if self.time_touched else now()
        visit = {
            "household_id": self.picker.household_id(), "mode": mode,
            "visited_at": when.isoformat(timespec="seconds"),
            "summary": self.summary.toPlainText().strip() or None,
            "problems": self.problems.toPlainText().strip() or None,
            "requests": self.requests.toPlainText().strip() or None,
            "follow_up": self.follow_up.text().strip() or None,
            "follow_up_date": self.follow_date.date().toPython().isoformat() if self.follow_check.isChecked() else None,
        }
        issue = None
        if self.raise_issue.isChecked():
            issue = {"title": self.issue_title.text().strip(), "kind": self.issue_kind.currentData(),
                     "category": self.issue_category.currentData(),
                     "urgency": "emergency" if self.issue_urgent.isChecked() else "normal"}
        return visit, issue

    def save(self) -> None:
        """Validate and write the visit (and its issue) in one unit of work, off the UI thread."""
        if self.ctx is None or self.saving:
            return
        self.form.clear_errors()
        self.issue_form.clear_errors()
        self.error.set_message(None)
        visit, issue = self.values()
        if not visit["household_id"]:
            self.form.boxes["household_id"].set_error(self.tr("请先选择住户"))
            self.picker.edit.setFocus()
            return
        if issue is not None and not (issue["title"] or visit["problems"] or visit["requests"] or visit["summary"]):
            self.issue_form.boxes["title"].set_error(self.tr("请填写事项标题，或在“发现问题”中写明问题"))
            return
        self.saving = True
        self.save_button.setEnabled(False)
        display = self.picker.household() or {}

        def work(_state: Any) -> tuple[str, str | None]:
            done = ops.visits.log(self.ctx.db, self.ctx.actor, **visit, issue=issue)
            return done.ids["visit"], done.ids["issue"]

        def done(result: tuple[str, str | None]) -> None:
            self.saving = False
            self.save_button.setEnabled(True)
            self.last_saved = result
            note = self.tr("已保存：{0}").format(display.get("address", ""))
            if result[1]:
                note += self.tr("，并已上报事项")
            self.saved_note.setText(note)
            self._clear_form()

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.save_button.setEnabled(True)
            self.saved_note.clear()
            field = getattr(exc, "field", None)
            if field in ("title", "kind", "category", "urgency") and issue is not None:
                shown = self.issue_form.show_error(exc)
            else:
                shown = self.form.show_error(exc)
            if not shown:
                self.error.set_message(getattr(exc, "message", None) or str(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed, label=self.tr("正在保存…"))

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt API
        if obj is self.visited_at and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.focusNextPrevChild(event.key() == Qt.Key.Key_Tab)
            return True
        return super().eventFilter(obj, event)

    def _time_edited(self, _value: Any) -> None:
        if not self._setting_time:
            self.time_touched = True
            self.time_now.hide()

    def _show_now(self) -> None:
        if self.time_touched:
            return
        self._setting_time = True
        try:
            self.visited_at.setDateTime(QDateTime.currentDateTime())
        finally:
            self._setting_time = False

    def _clear_form(self) -> None:
        """Ready for the next household: texts cleared, mode and time kept sensible."""
        self.picker.clear()
        for edit in (self.summary, self.problems, self.requests):
            edit.clear()
        self.follow_up.clear()
        self.follow_check.setChecked(False)
        self.raise_issue.setChecked(False)
        self.issue_title.clear()
        self.issue_urgent.setChecked(False)
        self.time_touched = False
        self.time_now.show()
        self._show_now()
        self.picker.edit.setFocus()
