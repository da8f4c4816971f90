"""覆盖统计: the 1+10+N coverage as officials count it, per grid and per 党员中心户 — households linked,
households not visited this quarter, members with no households, overloaded members — with its export.
A page of the 党员联户 workspace."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain import permissions as perm
from ...store import queries_contacts as q
from ...store.database import Changes
from ..widgets.tables import fill, make_table

TABLES = ("household", "party_member", "contact_link", "visit", "org_unit")


class CoveragePanel(QWidget):
    """Two tables (by grid, by 党员中心户) and 导出覆盖统计."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx: Any = None
        self.today = dt.date.today
        v = QVBoxLayout(self)
        top = QHBoxLayout()
        self.period = QLabel(self)
        top.addWidget(self.period, 1)
        self.export_button = QPushButton(self.tr("导出覆盖统计…"), self)
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.export_button)
        v.addLayout(top)
        v.addWidget(QLabel(self.tr("按网格"), self))
        self.by_grid = make_table([self.tr("网格"), self.tr("住户"), self.tr("已联系党员"), self.tr("覆盖率"),
                                   self.tr("本季度未走访"), self.tr("党员"), self.tr("未联系住户的党员"),
                                   self.tr("联系户过多的党员")], widths=[220, 80, 100, 80, 120, 80, 140],
                                  parent=self, name="coverage_by_grid")
        v.addWidget(self.by_grid, 1)
        v.addWidget(QLabel(self.tr("按党员中心户"), self))
        self.by_central = make_table([self.tr("党员中心户"), self.tr("网格"), self.tr("联系党员"), self.tr("联系户"),
                                      self.tr("本季度未走访"), self.tr("未联系住户的党员"), self.tr("联系户过多的党员")],
                                     widths=[220, 120, 100, 80, 120, 140], parent=self, name="coverage_by_central")
        v.addWidget(self.by_central, 2)

    def set_context(self, ctx: Any) -> None:
        self.ctx = ctx
        self.export_button.setVisible(ctx is not None and _may_export(ctx))
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    def reload(self) -> None:
        if self.ctx is None:
            return
        if getattr(self, "_loading", False):
            self._again = True  # a run of changes (a batch of links) counts once more, not once each
            return
        self._loading, self._again = True, False
        today = self.today()

        def work(_state: Any):
            with self.ctx.db.read() as conn:
                return q.coverage_report(conn, today)

        def done(result: tuple) -> None:
            self._loading = False
            self._loaded(result)
            if self._again:
                self.reload()

        def failed(_exc: BaseException) -> None:
            self._loading = False

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def _loaded(self, result: tuple) -> None:
        grids, centrals, since = result
        self.period.setText(self.tr("本季度自 %1 起；覆盖率 = 已联系党员的住户 / 住户").replace("%1", since.isoformat()))
        fill(self.by_grid, [[r.name, r.households, r.linked, f"{r.coverage:.0%}", r.not_visited, r.members,
                             r.members_idle, r.members_overloaded] for r in grids])
        fill(self.by_central, [[r.name, r.grid, r.members, r.households, r.not_visited, r.members_idle,
                                r.members_overloaded] for r in centrals])

    def export(self):
        from ..ledger_dialogs import ExportDialog  # noqa: PLC0415

        dialog = ExportDialog(self.ctx, self)
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("coverage"))
        dialog.open()
        return dialog


def _may_export(ctx: Any) -> bool:
    return perm.may(ctx.session.role, "ledger.export")
