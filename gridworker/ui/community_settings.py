"""社区设置 (community admin): the holiday calendar, visit intervals and case time limits the whole
community counts with. Saved through ``ops.community`` as one change that syncs to every laptop."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QPlainTextEdit,
                               QSpinBox, QVBoxLayout, QWidget)

from .. import ops
from ..domain import codes
from ..domain.errors import GridworkerError
from ..domain.issue_deadlines import DEFAULT_TIME_LIMITS
from .context import AppContext

def _days(text: str) -> list[str]:
    """One date per line or separated by commas / spaces (2027-02-06)."""
    return [t for t in text.replace("，", " ").replace(",", " ").split() if t]


class CommunitySettingsDialog(QDialog):
    """社区设置: holidays and make-up working days, visit intervals, case time limits."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("社区设置"))
        layout = QVBoxLayout(self)
        current = ops.community.settings(ctx.db, ctx.actor).value
        own = current["settings"]
        years = "、".join(str(y) for y in current["official_years"])
        note = QLabel(self.tr("已内置 %1 年国家法定节假日和调休安排。新一年的安排公布后，可在下面补充；"
                              "每行一个日期，如 2027-02-06。").replace("%1", years), self)
        note.setWordWrap(True)
        layout.addWidget(note)

        days = QGroupBox(self.tr("节假日与调休"), self)
        form = QFormLayout(days)
        self.holidays = QPlainTextEdit("\n".join(own.get("holidays", ())), days)
        self.workdays = QPlainTextEdit("\n".join(own.get("workdays", ())), days)
        for box in (self.holidays, self.workdays):
            box.setTabChangesFocus(True)
            box.setFixedHeight(90)
        form.addRow(self.tr("补充节假日（放假）"), self.holidays)
        form.addRow(self.tr("调休上班日（周末上班）"), self.workdays)
        layout.addWidget(days)

        visits = QGroupBox(self.tr("走访间隔（天）"), self)
        vform = QFormLayout(visits)
        level_labels = {"high": self.tr("高风险"), "key": self.tr("重点人群"), "normal": self.tr("一般")}
        self.intervals: dict[str, QSpinBox] = {}
        for level in codes.ATTENTION_LEVELS:
            spin = QSpinBox(visits)
            spin.setRange(1, 366)
            spin.setValue(int(current["visit_intervals"][level]))
            spin.setSuffix(self.tr(" 天"))
            self.intervals[level] = spin
            vform.addRow(level_labels.get(level, level), spin)
        layout.addWidget(visits)

        limits = QGroupBox(self.tr("事项办理时限（工作日）"), self)
        lform = QFormLayout(limits)
        kind_labels = {"emergency": self.tr("紧急事项（0 = 当天）"), "help": self.tr("求助"),
                       "inquiry": self.tr("咨询"), "complaint": self.tr("投诉"), "suggestion": self.tr("建议")}
        self.limits: dict[str, QSpinBox] = {}
        for kind in DEFAULT_TIME_LIMITS:
            spin = QSpinBox(limits)
            spin.setRange(0, 60)
            spin.setValue(int(current["time_limits"][kind]))
            self.limits[kind] = spin
            lform.addRow(kind_labels.get(kind, kind), spin)
        layout.addWidget(limits)

        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def value(self) -> dict[str, Any]:
        """The settings as typed; values equal to the defaults are not stored."""
        out: dict[str, Any] = {}
        if _days(self.holidays.toPlainText()):
            out["holidays"] = _days(self.holidays.toPlainText())
        if _days(self.workdays.toPlainText()):
            out["workdays"] = _days(self.workdays.toPlainText())
        intervals = {k: s.value() for k, s in self.intervals.items() if s.value() != codes.DEFAULT_VISIT_INTERVAL_DAYS[k]}
        if intervals:
            out["visit_intervals"] = intervals
        limits = {k: s.value() for k, s in self.limits.items() if s.value() != DEFAULT_TIME_LIMITS[k]}
        if limits:
            out["time_limits"] = limits
        return out

    def save(self) -> None:
        self.error.clear()
        self.buttons.setEnabled(False)
        settings = self.value()

        def work(_state: Any):
            return ops.community.set_settings(self.ctx.db, self.ctx.actor, settings=settings)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(exc.message if isinstance(exc, GridworkerError) else str(exc))

        def done(_result: Any) -> None:
            self.buttons.setEnabled(True)
            self.accept()

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.save()
            return
        super().keyPressEvent(event)
