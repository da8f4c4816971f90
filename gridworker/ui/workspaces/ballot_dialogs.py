"""议事表决 helpers: the new-ballot form, tally text with exact thresholds, and the printable result sheet.

The result sheet is HTML laid out by ``QTextDocument`` and printed to a printer or a PDF file with
``QPrinter``; the same HTML is what the user sees in the print preview.
"""
from __future__ import annotations

import datetime as dt
import html
from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.ballots import RULES, VOTE_CHOICES, TallyResult, Threshold, format_area, format_percent
from ...store.queries_ballots import SCOPE_LABELS, BallotState
from ..widgets.forms import FieldError, FormBuilder
from ..labels import code_label

FRACTION_TEXT = {Fraction(1, 2): "1/2", Fraction(2, 3): "2/3", Fraction(3, 4): "3/4"}
DEFAULT_OPTIONS = (("yes", "同意"), ("no", "反对"), ("abstain", "弃权"))


def threshold_text(t: Threshold, result: TallyResult) -> str:
    """``"66.67%（4/6，≥ 2/3）"``: the share shown exactly, with the bound and whether it counts."""
    sign = "≥" if t.inclusive else "＞"
    required = FRACTION_TEXT.get(t.required, f"{t.required.numerator}/{t.required.denominator}")
    if t.name.endswith("_area"):
        base = result.eligible_area if t.name.startswith("quorum") else result.turnout_area
        part = result.turnout_area if t.name.startswith("quorum") else result.areas["yes"]
        detail = f"{format_area(part)}/{format_area(base)}㎡"
    else:
        base = result.eligible_households if t.name.startswith("quorum") else result.turnout_households
        part = result.turnout_households if t.name.startswith("quorum") else result.counts["yes"]
        detail = f"{part}/{base}"
    return f"{format_percent(t.actual)}（{detail}，{sign} {required}）"


def outcome_text(result: TallyResult, state: BallotState | None = None) -> str:
    """``通过`` / ``未通过（…）``; for a ballot between options, which option won."""
    if state is not None and state.multiple_choice:
        if not result.quorum_met:
            return "未通过（参与未达法定比例）"
        if state.winner is not None:
            return f"“{state.winner['label']}”得票过半，通过"
        return "未通过（没有选项得票达到要求）"
    if result.passed:
        return "通过"
    return "未通过（参与未达法定比例）" if not result.quorum_met else "未通过（同意未达法定比例）"


class NewBallotDialog(QDialog):
    """新建表决: title, description, scope (building / estate / community), rule and option labels.

    ``buildings``: [(id, label)], ``estates``: [name]. Emits ``submitted(values)``; the caller
    writes and then calls ``accept()`` or ``show_error(exc)``.
    """

    submitted = Signal(dict)

    def __init__(self, buildings: list[tuple[str, str]], estates: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("new_ballot")
        self.setWindowTitle(self.tr("新建表决"))
        self.setMinimumWidth(560)
        self.buildings, self.estates = buildings, estates
        layout = QVBoxLayout(self)
        holder = QWidget()
        self.form = FormBuilder(holder)
        self.form.add("title", self.tr("表决事项＊"), QLineEdit())
        self.form.editor("title").setPlaceholderText(self.tr("如：使用维修资金更换3幢电梯"))
        self.form.add("description", self.tr("说明"), QPlainTextEdit())
        self.form.editor("description").setFixedHeight(70)
        self.scope_kind = QComboBox()
        for code, label in SCOPE_LABELS.items():
            self.scope_kind.addItem(code_label(label), code)
        self.form.add("scope_kind", self.tr("表决范围"), self.scope_kind)
        self.scope_ref = QComboBox()
        self.form.add("scope_ref", self.tr("楼栋 / 小区"), self.scope_ref)
        self.scope_kind.currentIndexChanged.connect(self._fill_scope)
        self.rule = QComboBox()
        for code, spec in RULES.items():
            self.rule.addItem(code_label(spec.label_zh), code)
        self.form.add("rule", self.tr("表决规则"), self.rule)
        self.rule_note = QLabel()
        self.rule_note.setWordWrap(True)
        self.rule_note.setStyleSheet("color: #555;")
        self.form.layout.addRow("", self.rule_note)
        self.rule.currentIndexChanged.connect(self._explain_rule)
        options = QWidget()
        row = QHBoxLayout(options)
        row.setContentsMargins(0, 0, 0, 0)
        self.option_edits: dict[str, QLineEdit] = {}
        for meaning, label in DEFAULT_OPTIONS:
            edit = QLineEdit(label)
            edit.setMaximumWidth(110)
            self.option_edits[meaning] = edit
            row.addWidget(edit)
        row.addStretch(1)
        self.form.add("options", self.tr("选项（1/2/3键）"), options)
        layout.addWidget(holder)
        self.error = FieldError(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("创建并开始表决"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._fill_scope()
        self._explain_rule()

    def _fill_scope(self) -> None:
        kind = self.scope_kind.currentData()
        self.scope_ref.clear()
        if kind == "building":
            for bid, label in self.buildings:
                self.scope_ref.addItem(label, bid)
        elif kind == "estate":
            for name in self.estates:
                self.scope_ref.addItem(name, name)
        self.scope_ref.setEnabled(kind != "community")

    def _explain_rule(self) -> None:
        self.rule_note.setText({
            "residents_meeting": self.tr("过半数户参加，且参加户过半数同意即通过。"),
            "art278_ordinary": self.tr("专有部分面积和业主人数均占2/3以上参与；参与面积和参与人数均过半数同意。"),
            "art278_major": self.tr("专有部分面积和业主人数均占2/3以上参与；参与面积和参与人数均3/4以上同意"
                                    "（筹集维修资金、改建重建、改变共有部分用途或利用共有部分经营）。"),
        }[self.rule.currentData()])

    def values(self) -> dict[str, Any]:
        return {"title": self.form.editor("title").text().strip(),
                "description": self.form.editor("description").toPlainText().strip() or None,
                "scope_kind": self.scope_kind.currentData(),
                "scope_ref": self.scope_ref.currentData() if self.scope_kind.currentData() != "community" else None,
                "rule": self.rule.currentData(),
                "options": {m: e.text().strip() or dict(DEFAULT_OPTIONS)[m] for m, e in self.option_edits.items()}}

    def _submit(self) -> None:
        self.form.clear_errors()
        self.error.set_message(None)
        values = self.values()
        if values["scope_kind"] != "community" and not values["scope_ref"]:
            self.form.boxes["scope_ref"].set_error(self.tr("请选择楼栋或小区"))
            return
        self.buttons.setEnabled(False)
        self.submitted.emit(values)

    def show_error(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not self.form.show_error(exc):
            self.error.set_message(getattr(exc, "message", None) or str(exc))


# --------------------------------------------------------------------------- the result sheet
def result_sheet_html(state: BallotState, printed_at: dt.datetime | None = None) -> str:
    """The printable result sheet: the motion, scope, rule, turnout, each threshold, the outcome and
    every household's counted vote, with signature lines."""
    b = state.ballot
    esc = html.escape
    printed_at = printed_at or dt.datetime.now().astimezone()
    parts = [f"<h2 align='center'>{esc(b['title'])}</h2>",
             "<h3 align='center'>表决结果</h3>",
             f"<p>表决范围：{esc(b['scope_label'])}{esc(' ' + b['scope_ref_label'] if b.get('scope_ref_label') else '')}"
             f"<br/>表决规则：{esc(b['rule_label'])}"
             f"<br/>开始时间：{esc((b.get('opens_at') or '')[:16].replace('T', ' '))}"
             f"　结束时间：{esc((b.get('closed_at') or '尚未结束')[:16].replace('T', ' '))}</p>"]
    if b.get("description"):
        parts.append(f"<p>{esc(b['description'])}</p>")
    r = state.result
    if r is None:
        parts.append(f"<p><b>无法计票：</b>{esc(state.error or '')}</p>")
    else:
        area = RULES[b["rule"]].uses_area
        rows = [("应参与", f"{r.eligible_households}户", format_area(r.eligible_area) if area else ""),
                ("实际参与", f"{r.turnout_households}户", format_area(r.turnout_area) if area else "")]
        if state.multiple_choice:
            for c in state.choices:
                rows.append((c["option"]["label"], f"{c['count']}户（{format_percent(c['share'])}）",
                             format_area(c["area"]) if area else ""))
        else:
            labels = {o["meaning"]: o["label"] for o in b["options"]}
            for choice, zh in VOTE_CHOICES.items():
                rows.append((labels.get(choice, zh), f"{r.counts[choice]}户",
                             format_area(r.areas[choice]) if area else ""))
        parts.append("<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
                     f"<tr><th>项目</th><th>户数</th>{'<th>面积（㎡）</th>' if area else ''}</tr>"
                     + "".join(f"<tr><td>{esc(a)}</td><td align='right'>{esc(c)}</td>"
                               + (f"<td align='right'>{esc(d)}</td>" if area else "") + "</tr>" for a, c, d in rows)
                     + "</table>")
        parts.append("<p>" + "<br/>".join(
            f"{esc(t.label_zh)}：{esc(threshold_text(t, r))}　{'达到' if t.met else '未达到'}" for t in r.thresholds)
            + "</p>")
        parts.append(f"<h3>表决结果：{esc(outcome_text(r, state))}</h3>")
        if r.ineligible:
            parts.append(f"<p>不在表决范围内的投票{len(r.ineligible)}张，未计入。</p>")
    if state.duplicates:
        parts.append(f"<p>另有重复投票{len(state.duplicates)}张待组织者核定，未计入。</p>")
    names = {o["id"]: o["label"] for o in b["options"]}
    vote_rows = []
    for h in state.households:
        v = state.effective.get(h["id"])
        vote_rows.append(f"<tr><td>{esc(h['address'] or '')}</td><td>{esc(h['head_name'] or '')}</td>"
                         f"<td>{esc(names.get(v['option_id'], '') if v else '未投票')}</td></tr>")
    parts.append("<h4>各户表决情况</h4><table border='1' cellspacing='0' cellpadding='3' width='100%'>"
                 "<tr><th>户</th><th>户主</th><th>意见</th></tr>" + "".join(vote_rows) + "</table>")
    parts.append("<p><br/>计票人：____________　监票人：____________　组织者：____________</p>"
                 f"<p align='right'>打印时间：{printed_at.strftime('%Y-%m-%d %H:%M')}</p>")
    return "<html><body style='font-size: 10.5pt;'>" + "".join(parts) + "</body></html>"


def sheet_document(state: BallotState) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(result_sheet_html(state))
    return doc


def export_pdf(state: BallotState, path: str | Path) -> Path:
    """Write the result sheet as an A4 PDF at ``path``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    doc = sheet_document(state)
    doc.setPageSize(QSizeF(printer.pageRect(QPrinter.Unit.Point).size()))
    doc.print_(printer)
    return Path(path)
