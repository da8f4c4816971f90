"""概览: the figures a community secretary wants, with simple charts drawn by QPainter.

Coverage of 1+10+N, visits this month (and the last eight weeks), overdue visits, issues by state
with the on-time rate, key-group households. PySide6-Essentials has no QtCharts, and these few
charts need nothing it would add.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.issues import OPEN_STATUSES, STATUSES
from ...store.database import Changes
from ...store.queries_overview import Overview, overview
from ..workspace import Workspace

ACCENT = QColor("#c62828")
BLUE = QColor("#1565c0")
GREEN = QColor("#2e7d32")
GREY = QColor("#9e9e9e")


def percent(value: Fraction | float | None) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


class StatCard(QFrame):
    """A big number with a caption under it; a card with a target opens it on click, Enter or Space."""

    clicked = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None, *, target: tuple[str, Any] | None = None,
                 tip: str = ""):
        super().__init__(parent)
        self.target = target  # (workspace key, what to show there) or None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("StatCard { background: #ffffff; border: 1px solid #ddd; border-radius: 6px; }"
                           " StatCard:hover { border: 1px solid #1565c0; }"
                           " StatCard:focus { border: 2px solid #1565c0; }")
        if target is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setToolTip(tip)
        v = QVBoxLayout(self)
        self.value = QLabel("—", self)
        self.value.setStyleSheet("font-size: 22pt; font-weight: bold; color: #1565c0;")
        self.caption = QLabel(caption, self)
        self.caption.setStyleSheet("color: #555;")
        self.caption.setWordWrap(True)
        self.note = QLabel("", self)
        self.note.setStyleSheet("color: #888;")
        self.note.setWordWrap(True)
        v.addWidget(self.value)
        v.addWidget(self.caption)
        v.addWidget(self.note)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self.target is not None and event.button() == Qt.MouseButton.LeftButton \
                and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.target is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def set(self, value: str, note: str = "", *, alert: bool = False) -> None:
        self.value.setText(value)
        color = "#c62828" if alert else "#1565c0"
        self.value.setStyleSheet(f"font-size: 22pt; font-weight: bold; color: {color};")
        self.note.setText(note)


class BarChart(QWidget):
    """Horizontal bars with their labels and values; ``items`` is [(label, value)].

    With ``keys`` set (one per bar), a click on a bar emits ``bar_clicked(key)``.
    """

    bar_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None, color: QColor = BLUE):
        super().__init__(parent)
        self.items: list[tuple[str, int]] = []
        self.keys: list[Any] = []
        self.color = color
        self.setMinimumHeight(120)

    def set_items(self, items: list[tuple[str, int]]) -> None:
        self.items = list(items)
        self.setMinimumHeight(max(60, 28 * len(self.items) + 12))
        self.update()

    def set_keys(self, keys: list[Any]) -> None:
        self.keys = list(keys)
        self.setCursor(Qt.CursorShape.PointingHandCursor if self.keys else Qt.CursorShape.ArrowCursor)

    def key_at(self, y: float) -> Any:
        i = int((y - 6) // 28)
        return self.keys[i] if 0 <= i < min(len(self.keys), len(self.items)) else None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        key = self.key_at(event.position().y()) if event.button() == Qt.MouseButton.LeftButton else None
        if key is not None:
            self.bar_clicked.emit(key)
            return
        super().mouseReleaseEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, max(60, 28 * len(self.items) + 12))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        if not self.items:
            p.setPen(GREY)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("暂无数据"))
            return
        label_w = max(fm.horizontalAdvance(lbl) for lbl, _ in self.items) + 12
        value_w = max(fm.horizontalAdvance(str(v)) for _, v in self.items) + 10
        top = max((v for _, v in self.items), default=0) or 1
        bar_area = max(10, self.width() - label_w - value_w - 8)
        for i, (label, value) in enumerate(self.items):
            y = 6 + i * 28
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(0, y, label_w - 6, 22), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            w = bar_area * value / top
            p.fillRect(QRectF(label_w, y + 3, max(w, 1), 16), self.color)
            p.drawText(QRectF(label_w + w + 4, y, value_w, 22), Qt.AlignmentFlag.AlignVCenter, str(value))


class ColumnChart(QWidget):
    """Vertical columns (visits per week): [(label, value)], labels under the columns."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.items: list[tuple[str, int]] = []
        self.setMinimumHeight(170)

    def set_items(self, items: list[tuple[str, int]]) -> None:
        self.items = list(items)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        n = len(self.items)
        if not n:
            return
        h = self.height() - fm.height() * 2 - 8
        top = max(v for _, v in self.items) or 1
        slot = self.width() / n
        for i, (label, value) in enumerate(self.items):
            x = i * slot
            bh = h * value / top
            y = fm.height() + 4 + (h - bh)
            p.fillRect(QRectF(x + slot * 0.2, y, slot * 0.6, max(bh, 1)), GREEN)
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(x, y - fm.height() - 2, slot, fm.height()), Qt.AlignmentFlag.AlignCenter, str(value))
            p.drawText(QRectF(x, self.height() - fm.height() - 2, slot, fm.height()),
                       Qt.AlignmentFlag.AlignCenter, label)


class RingGauge(QWidget):
    """A ring filled to a fraction, the percentage in the middle (coverage of 1+10+N)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fraction = 0.0
        self.setMinimumSize(150, 150)

    def set_fraction(self, f: float) -> None:
        self.fraction = max(0.0, min(1.0, f))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 20
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        pen = QPen(QColor("#e0e0e0"), 16)
        p.setPen(pen)
        p.drawArc(rect, 0, 360 * 16)
        pen.setColor(GREEN if self.fraction >= 0.9 else (BLUE if self.fraction >= 0.6 else ACCENT))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawArc(rect, 90 * 16, int(-self.fraction * 360 * 16))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        p.setFont(font)
        p.setPen(self.palette().text().color())
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{self.fraction * 100:.0f}%")


class OverviewWorkspace(Workspace):
    """概览: counts and charts, for the whole community or the grid chosen in the tree."""

    key = "overview"
    # (workspace key, what to show there): a card or bar was clicked; the main window opens it.
    open_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: Overview | None = None
        self._grid: str | None = None
        self._build()

    def title(self) -> str:
        return self.tr("概览")

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        grid = QGridLayout(body)
        grid.setContentsMargins(10, 10, 10, 10)
        grid.setSpacing(10)
        self.heading = QLabel(self.tr("正在统计…"), body)
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        grid.addWidget(self.heading, 0, 0, 1, 4)
        self.cards = {
            "households": StatCard(self.tr("住户（户）"), body, target=("households", None),
                                   tip=self.tr("打开住户名册")),
            "residents": StatCard(self.tr("居民（人）"), body, target=("households", None),
                                  tip=self.tr("打开住户名册")),
            "visits": StatCard(self.tr("本月走访（次）"), body, target=("visits", "recent"),
                               tip=self.tr("打开最近走访")),
            "overdue": StatCard(self.tr("逾期未走访（户）"), body, target=("visits", "overdue"),
                                tip=self.tr("打开逾期未访名单")),
        }
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, 1, i)

        cover = QGroupBox(self.tr("党员联户（1+10+N）覆盖率"), body)
        cv = QGridLayout(cover)
        self.ring = RingGauge(cover)
        cv.addWidget(self.ring, 0, 0, 3, 1)
        self.cover_lines = [QLabel(cover) for _ in range(4)]
        for i, lbl in enumerate(self.cover_lines):
            lbl.setWordWrap(True)
            cv.addWidget(lbl, i, 1)
        cv.setColumnStretch(1, 1)
        grid.addWidget(cover, 2, 0, 1, 2)

        weeks = QGroupBox(self.tr("近八周走访次数"), body)
        wv = QVBoxLayout(weeks)
        self.week_chart = ColumnChart(weeks)
        wv.addWidget(self.week_chart)
        grid.addWidget(weeks, 2, 2, 1, 2)

        issues = QGroupBox(self.tr("吹哨事项"), body)
        iv = QVBoxLayout(issues)
        self.issue_rates = QLabel(issues)
        self.issue_rates.setWordWrap(True)
        iv.addWidget(self.issue_rates)
        issue_cards = QHBoxLayout()
        for key, caption, choice, tip in (
                ("issues_open", self.tr("待办事项（件）"), "open", self.tr("打开待办事项")),
                ("issues_overdue", self.tr("已超期（件）"), "deadline:overdue", self.tr("打开已超期事项")),
                ("issues_warning", self.tr("即将超期（件）"), "deadline:warning", self.tr("打开即将超期事项"))):
            card = StatCard(caption, issues, target=("issues", choice), tip=tip)
            self.cards[key] = card
            issue_cards.addWidget(card)
        iv.addLayout(issue_cards)
        self.issue_chart = BarChart(issues, BLUE)
        self.issue_chart.setToolTip(self.tr("点击一栏，打开该状态的事项"))
        # 待上报 has no filter of its own: it is listed under 待办.
        self.issue_chart.bar_clicked.connect(
            lambda status: self.open_requested.emit("issues", "open" if status == "new" else status))
        iv.addWidget(self.issue_chart)
        iv.addStretch(1)
        grid.addWidget(issues, 3, 0, 1, 2)

        care = QGroupBox(self.tr("重点人群住户"), body)
        kv = QVBoxLayout(care)
        self.attention_label = QLabel(care)
        self.attention_label.setWordWrap(True)
        kv.addWidget(self.attention_label)
        self.care_chart = BarChart(care, ACCENT)
        kv.addWidget(self.care_chart)
        kv.addStretch(1)
        grid.addWidget(care, 3, 2, 1, 2)
        for card in self.cards.values():
            card.clicked.connect(lambda c=card: self.open_requested.emit(*c.target))
        grid.setRowStretch(4, 1)
        for c in range(4):
            grid.setColumnStretch(c, 1)

    def set_context(self, ctx) -> None:
        super().set_context(ctx)
        self.refresh()

    def refresh(self) -> None:
        grid = self._grid

        def work(state):
            with self.ctx.db.read() as conn:
                return overview(conn, grid_id=grid)

        self.ctx.tasks.run(work, on_done=self.show_data, label=self.tr("正在统计…"))

    def on_org_node(self, node: Any) -> None:
        grid = node.grid_id if node is not None else None
        if grid != self._grid:
            self._grid = grid
            self.refresh()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in ("household", "resident", "visit", "issue", "issue_event",
                                             "contact_link", "party_member")):
            self.refresh()

    def show_data(self, o: Overview) -> None:
        self.data = o
        self.heading.setText(self.tr("本社区概况") if self._grid is None else self.tr("本网格概况"))
        self.cards["households"].set(f"{o.households:,}")
        self.cards["residents"].set(f"{o.residents:,}")
        self.cards["visits"].set(f"{o.visits_this_month:,}")
        share = o.overdue_households / o.households if o.households else 0
        self.cards["overdue"].set(f"{o.overdue_households:,}", self.tr("占 %1").replace("%1", f"{share * 100:.1f}%"),
                                  alert=o.overdue_households > 0)
        self.ring.set_fraction(o.coverage)
        lines = [
            self.tr("已联系住户：%1 / %2 户").replace("%1", f"{o.covered_households:,}").replace("%2", f"{o.households:,}"),
            self.tr("党员 %1 名，其中党员中心户 %2 户").replace("%1", f"{o.party_members:,}")
            .replace("%2", f"{o.central_households:,}"),
            self.tr("未联系群众户的党员：%1 名；联系户数过多：%2 名").replace("%1", str(o.members_without_households))
            .replace("%2", str(o.members_overloaded)),
            self.tr("联系党员人数偏离约10名的中心户：%1 户").replace("%1", str(o.centrals_off_target)),
        ]
        for lbl, text in zip(self.cover_lines, lines):
            lbl.setText(text)
        self.week_chart.set_items(o.visits_by_week)
        r = o.issue_rates
        self.issue_rates.setText(
            self.tr("办理中 %1 件；结案率 %2，按期结案率 %3，满意率 %4").replace("%1", str(o.open_issues))
            .replace("%2", percent(r.get("closure_rate"))).replace("%3", percent(r.get("on_time_rate")))
            .replace("%4", percent(r.get("satisfaction_rate"))))
        order = list(STATUSES)
        by_status = sorted(o.issues_by_status.items(), key=lambda x: order.index(x[0]) if x[0] in order else 99)
        self.issue_chart.set_items([(self.tr(STATUSES.get(s, s)), n) for s, n in by_status])
        self.issue_chart.set_keys([s for s, _ in by_status])
        todo = sum(n for st, n in o.issues_by_status.items() if st in OPEN_STATUSES or st in ("new", "reported"))
        self.cards["issues_open"].set(f"{todo:,}")
        late = o.issue_deadlines or {}
        self.cards["issues_overdue"].set(f"{late.get('overdue', 0):,}", alert=late.get("overdue", 0) > 0)
        self.cards["issues_warning"].set(f"{late.get('warning', 0):,}")
        att = o.attention
        self.attention_label.setText(
            self.tr("高风险 %1 户，重点 %2 户；关爱对象所在住户：").replace("%1", str(att.get("high", 0)))
            .replace("%2", str(att.get("key", 0))))
        self.care_chart.set_items([(self.tr(t), n) for t, n in o.care_tags[:8]])

