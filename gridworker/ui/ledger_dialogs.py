"""导入台账 / 导出报表: the app's dialogs over gridworker.ledger (issue 5).

Both run the ledger API in ``ctx.tasks`` with a progress bar and a cancel button; nothing here
reads or writes the database on the UI thread. ``ImportDialog.load(path)`` and
``ExportDialog.out_edit`` let tests drive them without a file chooser.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ..ledger import (EXPORT_KINDS, FIELD_LABELS, FIELDS, CancelToken, ImportResult, MappingError, detect_mapping,
                      export, import_ledger, preview, read_table, save_mapping, write_report)
from ..ledger.party_roster import FIELD_LABELS as ROSTER_LABELS
from ..ledger.party_roster import import_roster, looks_like_roster, preview_roster
from ..ledger.people import is_blank_row
from ..store.queries_ballots import list_ballots
from .context import AppContext
from .labels import code_label

SKIP = ""  # combo data for 不导入


def preview_for_dialog(db, path: Path, sheet: str | None) -> dict:
    """``ledger.preview``, but a mapping without 姓名 or an address still comes back for correcting.
    A party roster (党员名册: 党员 in the name, or roster columns) is previewed as one."""
    if looks_like_roster(path, sheet):
        return preview_roster(path, sheet)
    try:
        return preview(db, path, sheet, rows=3)
    except MappingError:
        table = read_table(path, sheet)
        mapping = detect_mapping(table)  # unchecked: the user fixes the missing column in the table
        body = [r for r in table.rows[mapping.data_start - 1:] if not is_blank_row(r)]
        return {"sheet": table.sheet, "sheets": table.sheets, "encoding": table.encoding, "mapping": mapping,
                "rows": len(body), "sample": [list(r) for r in body[:3]]}


class _Runner:
    """One ledger job at a time: progress bar, cancel button, a CancelToken for the worker."""

    def __init__(self, dialog: QDialog, bar: QProgressBar, cancel_button: QPushButton):
        self.dialog, self.bar, self.cancel_button = dialog, bar, cancel_button
        self.token: CancelToken | None = None
        cancel_button.clicked.connect(self.cancel)
        self.idle()

    def idle(self) -> None:
        self.bar.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.token = None

    def cancel(self) -> None:
        if self.token:
            self.token.cancel()

    def start(self, ctx: AppContext, work, on_done, on_error) -> None:
        """Run ``work(progress, token)`` in ctx.tasks; the progress bar follows ``(done, total)``."""
        token = self.token = CancelToken()
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self.cancel_button.setEnabled(True)

        def fn(state):
            return work(lambda d, t: state.progress(d, t), token)

        def progressed(done: int, total: int, _text: str) -> None:
            self.bar.setRange(0, max(total, 0))
            if total:
                self.bar.setValue(min(done, total))

        def finished(result):
            self.idle()
            on_done(result)

        def failed(exc):
            self.idle()
            on_error(exc)

        ctx.tasks.run(fn, on_done=finished, on_error=failed, on_progress=progressed)


class ImportDialog(QDialog):
    """Pick a ledger, correct the column mapping, check (dry run), import, save the error report."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.mapping = None
        self.roster = False  # the file is a 党员名册 (its own import)
        self.result: ImportResult | None = None
        self.setWindowTitle(self.tr("导入台账"))
        self.resize(900, 640)
        top = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("请选择 Excel（.xlsx）或 CSV 台账文件"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.choose_file)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(120)
        self.sheet_combo.activated.connect(lambda _i: self._load_preview(self.sheet_combo.currentText()))
        top.addWidget(QLabel(self.tr("文件")))
        top.addWidget(self.file_edit, 1)
        top.addWidget(browse)
        top.addWidget(QLabel(self.tr("工作表")))
        top.addWidget(self.sheet_combo)
        self.info = QLabel()
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels([self.tr("表头"), self.tr("示例"), self.tr("导入为")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().setVisible(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.reject_table = QTableWidget(0, 4)
        self.reject_table.setHorizontalHeaderLabels([self.tr("行号"), self.tr("列"), self.tr("值"), self.tr("原因")])
        self.reject_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.reject_table.verticalHeader().setVisible(False)
        self.reject_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.reject_table.setWordWrap(True)
        self.bar = QProgressBar()
        self.check_button = QPushButton(self.tr("检查"))
        self.import_button = QPushButton(self.tr("导入"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.report_button = QPushButton(self.tr("保存错误报告…"))
        close = QPushButton(self.tr("关闭"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        self.report_button.clicked.connect(self.save_report)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addStretch(1)
        for b in (self.cancel_button, self.check_button, self.import_button, self.report_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(QLabel(self.tr("列对应关系（可修改）")))
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("未导入的行")))
        layout.addWidget(self.reject_table, 2)
        layout.addLayout(buttons)
        self.runner = _Runner(self, self.bar, self.cancel_button)
        self._set_ready(False)

    def _set_ready(self, ready: bool) -> None:
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        self.report_button.setEnabled(bool(self.result and self.result.rejections))

    # ------------------------------------------------------------------ file and mapping
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择台账文件"), "",
                                              self.tr("台账文件 (*.xlsx *.csv)"))
        if path:
            self.load(path)

    def load(self, path: str | Path, sheet: str | None = None) -> None:
        """Read the file's preview (in a task) and fill the sheet list and mapping table."""
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self._load_preview(sheet)

    def _load_preview(self, sheet: str | None) -> None:
        self._set_ready(False)
        self.result = None
        path, db = self.path, self.ctx.db
        self.info.setText(self.tr("正在读取…"))
        self.ctx.tasks.run(lambda _s: preview_for_dialog(db, path, sheet), on_done=self._show_preview,
                           on_error=self._show_error)

    def _show_preview(self, p: dict) -> None:
        self.sheet_combo.clear()
        self.sheet_combo.addItems(p["sheets"] or [])
        if p["sheet"]:
            self.sheet_combo.setCurrentText(p["sheet"])
        self.mapping = p["mapping"]
        self.roster = bool(p.get("roster"))
        encoding = f"，{p['encoding']}" if p.get("encoding") else ""
        self.info.setText((self.tr("党员名册：") if self.roster else "") + self.tr("共 {0} 行数据{1}").format(p["rows"], encoding)
                          + ("；" + self.tr("已使用上次保存的列对应关系") if self.mapping.saved else ""))
        labels = self.mapping.labels
        self.mapping_table.setRowCount(len(labels))
        self.combos: list[QComboBox] = []
        for col, label in enumerate(labels):
            self.mapping_table.setItem(col, 0, QTableWidgetItem(str(label or "")))
            samples = [str(r[col]) for r in p["sample"] if col < len(r) and r[col] not in (None, "")]
            self.mapping_table.setItem(col, 1, QTableWidgetItem("；".join(samples)))
            combo = QComboBox()
            combo.addItem(self.tr("不导入"), SKIP)
            for f, label in (ROSTER_LABELS.items() if self.roster else ((f, FIELD_LABELS[f]) for f in FIELDS)):
                combo.addItem(label, f)
            combo.setEnabled(not self.roster)  # a roster's columns are found by their headers
            combo.setCurrentIndex(max(combo.findData(self.mapping.fields.get(col, SKIP)), 0))
            self.mapping_table.setCellWidget(col, 2, combo)
            self.combos.append(combo)
        self.mapping_table.resizeColumnToContents(0)
        self.mapping_table.setColumnWidth(2, 160)
        self.summary.clear()
        self.reject_table.setRowCount(0)
        self._set_ready(True)

    def corrected_mapping(self):
        """The mapping as the user left it in the table."""
        fields = {col: c.currentData() for col, c in enumerate(self.combos) if c.currentData()}
        self.mapping.fields = fields
        return self.mapping

    # ------------------------------------------------------------------ check / import
    def run(self, dry_run: bool) -> None:
        if self.roster:
            self._run_roster(dry_run)
            return
        mapping = self.corrected_mapping()
        try:
            mapping.check()
        except Exception as exc:  # MappingError: tell the user which column is missing
            self._show_error(exc)
            return
        db, actor, path, sheet = self.ctx.db, self.ctx.actor, self.path, self.sheet_combo.currentText() or None
        self._set_ready(False)
        self.summary.setText(self.tr("正在检查…") if dry_run else self.tr("正在导入…"))

        def work(progress, token):
            result = import_ledger(db, actor, path, sheet=sheet, mapping=mapping, dry_run=dry_run,
                                   progress=progress, cancel=token)
            if not dry_run:
                save_mapping(db, mapping)  # the next file of this shape opens with the user's corrections
            return result

        self.runner.start(self.ctx, work, self._show_result, self._show_error)

    def _run_roster(self, dry_run: bool) -> None:
        """党员名册: residents matched by ID number, in-service members, 中心户 (ops party.import rules)."""
        db, actor, path, sheet = self.ctx.db, self.ctx.actor, self.path, self.sheet_combo.currentText() or None
        self._set_ready(False)
        self.summary.setText(self.tr("正在检查…") if dry_run else self.tr("正在导入…"))

        def work(_progress, _token):
            return import_roster(db, actor, path, sheet=sheet, dry_run=dry_run)

        self.runner.start(self.ctx, work, self._show_result, self._show_error)

    def _show_result(self, result: ImportResult) -> None:
        self.result = result
        s = result.summary()
        head = self.tr("检查结果（未写入）：") if result.dry_run else self.tr("已导入：")
        self.summary.setText(head + self.tr("读取 {0} 行，新增 {1}，更新 {2}，未变 {3}，未导入 {4}").format(
            s["read"], s["created"], s["updated"], s["unchanged"], s["rejected"] + s["duplicates"]))
        rows = result.rejections
        self.reject_table.setRowCount(len(rows))
        for i, o in enumerate(rows):
            for j, v in enumerate((o.row, o.column or "", "" if o.value is None else o.value, o.reason)):
                item = QTableWidgetItem(str(v))
                item.setToolTip(str(v))
                self.reject_table.setItem(i, j, item)
        for c in range(3):  # the reason column stretches and wraps: it is the one the user must read
            self.reject_table.resizeColumnToContents(c)
        self.reject_table.resizeRowsToContents()
        self._set_ready(True)

    def _show_error(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("未完成：{0}").format(getattr(exc, "message", None) or str(exc)))
        self._set_ready(self.mapping is not None)

    def save_report(self, out: str | Path | None = None) -> None:
        """Write the rejected rows with a reason column to an .xlsx (asks where unless ``out``)."""
        if not self.result:
            return
        if out is None:
            out, _ = QFileDialog.getSaveFileName(self, self.tr("保存错误报告"), "校验报告.xlsx",
                                                 self.tr("Excel 文件 (*.xlsx)"))
            if not out:
                return
        result = self.result
        self.ctx.tasks.run(lambda _s: write_report(result, out),
                           on_done=lambda p: self.summary.setText(self.tr("错误报告已保存：{0}").format(p)),
                           on_error=self._show_error)


class ExportDialog(QDialog):
    """Choose what to export, the period / month / ballot, whether to unmask, and where to write."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("导出报表"))
        self.resize(560, 360)
        form = QFormLayout()
        self.kind_combo = QComboBox()
        for key, (label, _fn) in EXPORT_KINDS.items():
            self.kind_combo.addItem(code_label(label), key)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        form.addRow(self.tr("导出内容"), self.kind_combo)
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addMonths(-1))
        self.to_edit = QDateEdit(today)
        for d in (self.from_edit, self.to_edit):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        period = QHBoxLayout()
        period.addWidget(self.from_edit)
        period.addWidget(QLabel(self.tr("至")))
        period.addWidget(self.to_edit)
        self.period_label = QLabel(self.tr("时间段"))
        form.addRow(self.period_label, period)
        self.month_edit = QDateEdit(today)
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_label = QLabel(self.tr("月份"))
        form.addRow(self.month_label, self.month_edit)
        self.ballot_combo = QComboBox()
        self.ballot_label = QLabel(self.tr("表决"))
        form.addRow(self.ballot_label, self.ballot_combo)
        self.unmask_box = QCheckBox(self.tr("显示完整号码"))
        self.unmask_box.setEnabled(ctx.session.may_see_sensitive())
        if not ctx.session.may_see_sensitive():
            self.unmask_box.setToolTip(self.tr("当前角色只能导出脱敏的电话和身份证号"))
        form.addRow("", self.unmask_box)
        out_row = QHBoxLayout()
        self.out_edit = QLineEdit()
        self.out_edit.setPlaceholderText(self.tr("保存到…（.xlsx）"))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self.choose_out)
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(browse)
        form.addRow(self.tr("输出文件"), out_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.export_button = QPushButton(self.tr("导出"))
        self.export_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(self.tr("取消"))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addStretch(1)
        for b in (self.cancel_button, self.export_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.runner = _Runner(self, self.bar, self.cancel_button)
        self._kind_changed()
        self.ctx.tasks.run(self._load_ballots, on_done=self._fill_ballots, on_error=self._show_error)

    def _load_ballots(self, _state) -> list[dict[str, Any]]:
        with self.ctx.db.read() as conn:
            return list_ballots(conn)

    def _fill_ballots(self, ballots: list[dict[str, Any]]) -> None:
        self.ballot_combo.clear()
        for b in ballots:
            self.ballot_combo.addItem(b["title"], b["id"])

    def _kind_changed(self, *_: Any) -> None:
        kind = self.kind_combo.currentData()
        for widgets, shown in (((self.period_label, self.from_edit, self.to_edit), kind == "visits"),
                               ((self.month_label, self.month_edit), kind == "monthly"),
                               ((self.ballot_label, self.ballot_combo), kind == "ballot")):
            for w in widgets:
                w.setEnabled(shown)

    def select_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def choose_out(self) -> None:
        label = self.kind_combo.currentText()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存报表"), f"{label}.xlsx",
                                              self.tr("Excel 文件 (*.xlsx)"))
        if path:
            self.out_edit.setText(path)

    def run(self) -> None:
        out = self.out_edit.text().strip()
        if not out:
            self.status.setText(self.tr("请先选择输出文件"))
            return
        if not out.lower().endswith(".xlsx"):
            out += ".xlsx"
        kind = self.kind_combo.currentData()
        options: dict[str, Any] = {"unmask": self.unmask_box.isEnabled() and self.unmask_box.isChecked()}
        if kind == "visits":
            options["date_from"] = self.from_edit.date().toPython()
            options["date_to"] = self.to_edit.date().toPython()
        elif kind == "monthly":
            options["month"] = self.month_edit.date().toString("yyyy-MM")
        elif kind == "ballot":
            if not self.ballot_combo.currentData():
                self.status.setText(self.tr("请选择一项表决"))
                return
            options["ballot_id"] = self.ballot_combo.currentData()
        db, actor = self.ctx.db, self.ctx.actor
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("正在导出…"))
        self.runner.start(self.ctx, lambda progress, token: export(db, actor, kind, out, progress=progress,
                                                                   cancel=token, **options),
                          self._done, self._show_error)

    def _done(self, result) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(self.tr("已导出 {0} 行到 {1}").format(result.rows, result.path))

    def _show_error(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(self.tr("未完成：{0}").format(getattr(exc, "message", None) or str(exc)))

