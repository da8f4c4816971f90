"""待回访: the follow-ups promised at a visit (回访日期) that are overdue, due today or due this week,
until the household is visited again. A page of the 走访 workspace; double-click a row to log the
follow-up visit for that household."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...store import queries_visits as q
from ..widgets.tables import item, make_table

COLOURS = {"overdue": "#fde2e1", "today": "#fff4ce"}


class FollowUpsPanel(QWidget):
    """The 待回访 list; ``on_pick(row)`` is called with the chosen follow-up (its household)."""

    def __init__(self, on_pick: Callable[[dict], None] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx: Any = None
        self.org_id: str | None = None
        self.rows: list[dict] = []
        self.on_pick = on_pick
        self.today = dt.date.today
        v = QVBoxLayout(self)
        self.counts = QLabel(self)
        self.counts.setObjectName("follow_up_counts")
        v.addWidget(self.counts)
        self.table = make_table([self.tr("回访日期"), self.tr("状态"), self.tr("住户"), self.tr("户主"),
                                 self.tr("跟进计划"), self.tr("上次走访"), self.tr("走访人")],
                                widths=[88, 84, 170, 64, 170, 88], parent=self, name="follow_ups")
        self.table.cellDoubleClicked.connect(self._picked)
        v.addWidget(self.table, 1)
        hint = QLabel(self.tr("走访时约定的回访：已超期、今天到期和 7 天内到期的；该户再次走访后自动移出。双击一行即可登记回访。"), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        v.addWidget(hint)

    def reload(self, ctx: Any, org_id: str | None) -> None:
        self.ctx, self.org_id = ctx, org_id
        today = self.today()

        def work(_state: Any) -> list[dict]:
            with ctx.db.read() as conn:
                return q.follow_ups(conn, today, org_id=org_id)

        ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, rows: list[dict]) -> None:
        self.rows = rows
        states = {"overdue": self.tr("已超期 %1 天"), "today": self.tr("今天"), "soon": self.tr("%1 天后")}
        n = {s: sum(1 for r in rows if r["state"] == s) for s in states}
        self.counts.setText(self.tr("已超期 %1 户　今天到期 %2 户　7 天内 %3 户")
                            .replace("%1", str(n["overdue"])).replace("%2", str(n["today"])).replace("%3", str(n["soon"])))
        t = self.table
        t.setRowCount(len(rows))
        for r, f in enumerate(rows):
            state = states[f["state"]].replace("%1", str(abs(f["days"])))
            cells = [item(str(f["follow_up_date"])[:10], f["visit_id"]), item(state), item(f["address"]),
                     item(f["head_name"]), item(f["follow_up"]), item(str(f["visited_at"] or "")[:10]),
                     item(f["visitor_name"])]
            cells[2].setToolTip(f["address"] or "")
            cells[4].setToolTip(f["follow_up"] or "")
            colour = COLOURS.get(f["state"])
            for c, cell in enumerate(cells):
                if colour:
                    cell.setBackground(QBrush(QColor(colour)))
                t.setItem(r, c, cell)

    def _picked(self, row: int, _col: int) -> None:
        if self.on_pick is not None and 0 <= row < len(self.rows):
            self.on_pick(self.rows[row])
