"""同步: pending changes, last sync, sync with progress and cancel; conflicts and rejected changes.

A conflict (two laptops changed the same field) is shown side by side, 本机 / 另一台电脑, with one
button per side: keeping this laptop's value only closes the review item; taking the other value
is an ordinary new edit (so it syncs like any other). A change the server rejected is shown with
the server's reason and its fields, which the user may correct and send again, or drop.
Review items are rows of ``review_item`` (laptop-only) and are never removed, only resolved.
"""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ValidationError
from ...domain.masking import mask_id_number, mask_phone
from ...ops import review as review_ops
from ...ops.review import FIELD_LABELS, TABLE_LABELS, is_current, show
from ...store.database import Changes
from ...store.models import SYNC_META_COLUMNS
from ..widgets.forms import FieldError
from ..widgets.tables import fill, make_table
from ..workspace import Workspace

SENSITIVE_FIELDS = frozenset({"phone", "id_number", "reporter_phone"})


class SyncWorkspace(Workspace):
    """同步: the sync button, progress and cancel, and the review of conflicts and rejections."""

    key = "sync"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.review: dict[str, list[dict]] = {"conflict": [], "rejected": [], "other": []}
        self._build()

    def title(self) -> str:
        return self.tr("同步")

    @property
    def controller(self):
        return self.ctx.extras.get("sync") if self.ctx else None

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        v = QVBoxLayout(self)
        v.setContentsMargins(8, 8, 8, 8)
        top = QGroupBox(self.tr("同步状态"), self)
        g = QGridLayout(top)
        self.online_label = QLabel(top)
        self.online_label.setObjectName("sync_online")
        self.server_label = QLabel(top)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pending_label = QLabel(top)
        self.last_label = QLabel(top)
        self.online_label.setWordWrap(True)
        g.addWidget(QLabel(self.tr("网络：")), 0, 0)
        g.addWidget(self.online_label, 0, 1, 1, 3)
        g.addWidget(QLabel(self.tr("服务器：")), 1, 0)
        g.addWidget(self.server_label, 1, 1, 1, 3)
        g.addWidget(QLabel(self.tr("待发送的修改：")), 2, 0)
        g.addWidget(self.pending_label, 2, 1)
        g.addWidget(QLabel(self.tr("上次同步：")), 2, 2)
        g.addWidget(self.last_label, 2, 3)
        g.setColumnStretch(3, 1)
        row = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("立即同步"), top)
        self.sync_button.setObjectName("sync_button")
        self.sync_button.setMinimumWidth(120)
        self.cancel_button = QPushButton(self.tr("取消"), top)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(top)
        self.progress.setObjectName("sync_progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.phase_label = QLabel(top)
        row.addWidget(self.sync_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        g.addLayout(row, 3, 0, 1, 4)
        g.addWidget(self.phase_label, 4, 0, 1, 4)
        v.addWidget(top)

        self.tabs = QTabWidget(self)
        v.addWidget(self.tabs, 1)
        self.tabs.addTab(self._conflicts_page(), self.tr("冲突"))
        self.tabs.addTab(self._rejected_page(), self.tr("被拒绝的修改"))
        self.other = self._table([self.tr("类型"), self.tr("记录"), self.tr("说明"), self.tr("时间")])
        other_page = QWidget(self)
        ov = QVBoxLayout(other_page)
        ov.addWidget(QLabel(self.tr("重复投票、无效的事项步骤等：请到对应的工作区处理，处理后点“已知悉”。")))
        ov.addWidget(self.other, 1)
        ack = QPushButton(self.tr("已知悉"), other_page)
        ack.clicked.connect(self._ack_other)
        self.ack_button = ack
        ov.addWidget(ack, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(other_page, self.tr("其他提醒"))
        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button.clicked.connect(self.cancel)

    def _table(self, headers: list[str]) -> QTableWidget:
        return make_table(headers, parent=self, widths=(110, 280, 220)[:len(headers) - 1])

    def _conflicts_page(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Vertical, self)
        self.conflicts = self._table([self.tr("内容"), self.tr("记录"), self.tr("字段"), self.tr("时间")])
        self.conflicts.setObjectName("conflict_list")
        self.conflicts.currentCellChanged.connect(lambda *_: self._show_conflict())
        page.addWidget(self.conflicts)
        sides = QWidget(page)
        h = QHBoxLayout(sides)
        self.mine_box, self.mine_value, self.keep_mine = self._side(sides, self.tr("本机"),
                                                                    self.tr("保留本机的值"))
        self.theirs_box, self.theirs_value, self.keep_theirs = self._side(sides, self.tr("另一台电脑"),
                                                                          self.tr("改用另一台电脑的值"))
        h.addWidget(self.mine_box, 1)
        h.addWidget(self.theirs_box, 1)
        self.keep_mine.clicked.connect(self.keep_local)
        self.keep_theirs.clicked.connect(self.keep_remote)
        # Full phone / ID numbers of a conflict: masked until asked for, and the asking is audited.
        self.reveal_conflict = QPushButton(self.tr("显示完整号码"), sides)
        self.reveal_conflict.setObjectName("reveal_conflict")
        self.reveal_conflict.setToolTip(self.tr("显示两边的完整号码（会记入审计日志）"))
        self.reveal_conflict.clicked.connect(self.reveal_current_conflict)
        h.addWidget(self.reveal_conflict, 0, Qt.AlignmentFlag.AlignBottom)
        self._revealed: set[str] = set()
        page.addWidget(sides)
        page.setSizes([260, 200])
        self._show_conflict()
        return page

    def _side(self, parent: QWidget, title: str, button: str):
        box = QGroupBox(title, parent)
        v = QVBoxLayout(box)
        value = QLabel(box)
        value.setWordWrap(True)
        value.setStyleSheet("font-size: 13pt;")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(value, 1)
        b = QPushButton(button, box)
        v.addWidget(b)
        return box, value, b

    def _rejected_page(self) -> QWidget:
        page = QWidget(self)
        v = QVBoxLayout(page)
        self.rejected = self._table([self.tr("内容"), self.tr("记录"), self.tr("服务器的理由"), self.tr("时间")])
        self.rejected.setObjectName("rejected_list")
        self.rejected.currentCellChanged.connect(lambda *_: self._show_rejected())
        v.addWidget(self.rejected, 1)
        v.addWidget(QLabel(self.tr("改正下面的值，然后“改正后重新发送”；或放弃这条修改。"), page))
        self.fix_table = QTableWidget(0, 2, page)
        self.fix_table.setObjectName("fix_fields")
        self.fix_table.setHorizontalHeaderLabels([self.tr("字段"), self.tr("值")])
        self.fix_table.verticalHeader().hide()
        self.fix_table.horizontalHeader().setStretchLastSection(True)
        v.addWidget(self.fix_table, 1)
        self.fix_error = FieldError(page)
        v.addWidget(self.fix_error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.resend_button = QPushButton(self.tr("改正后重新发送"), page)
        self.drop_button = QPushButton(self.tr("放弃这条修改"), page)
        self.resend_button.clicked.connect(self.resend)
        self.drop_button.clicked.connect(self.drop_rejected)
        row.addWidget(self.resend_button)
        row.addWidget(self.drop_button)
        v.addLayout(row)
        return page

    # ------------------------------------------------------------------ context and refresh
    def set_context(self, ctx) -> None:
        super().set_context(ctx)
        self.ack_button.setEnabled(self.may_settle())
        c = self.controller
        if c is not None:
            c.started.connect(self._started)
            c.progressed.connect(self._progressed)
            c.finished.connect(self._finished)
            c.failed.connect(self._failed)
            c.cancelled.connect(self._cancelled)
            c.online_changed.connect(self._show_online)
            self._show_online(c.online)
            if c.running is not None:
                self._started()
        else:
            self.sync_button.setEnabled(False)
            self._show_online(False)
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db

        def work(state):
            from ...sync.engine import status  # noqa: PLC0415

            return status(db), review_ops.load_review(db)

        self.ctx.tasks.run(work, on_done=self._refreshed)

    def _refreshed(self, result) -> None:
        st, review = result
        self.review = review
        self.server_label.setText(st.get("server") or self.tr("（本机未注册到服务器）"))
        self.pending_label.setText(self.tr("%n 条", "", int(st.get("pending") or 0)))
        last = st.get("last_sync")
        self.last_label.setText(last.replace("T", " ")[:19] if last else self.tr("从未同步"))
        if not st.get("enrolled"):
            self.sync_button.setEnabled(False)
        tl, fl = TABLE_LABELS, FIELD_LABELS
        self._fill(self.conflicts, [[self.tr(tl.get(r["table_name"], r["table_name"] or "")), r["row_label"],
                                     self.tr(fl.get(r["field"] or "", r["field"] or "（整条记录）")),
                                     (r["created_at"] or "")[:16].replace("T", " ")] for r in review["conflict"]])
        self._fill(self.rejected, [[self.tr(tl.get(r["table_name"], r["table_name"] or "")), r["row_label"],
                                    r["reason"] or "", (r["created_at"] or "")[:16].replace("T", " ")]
                                   for r in review["rejected"]])
        kinds = {"duplicate_vote": self.tr("重复投票"), "invalid_event": self.tr("无效的处理步骤")}
        self._fill(self.other, [[kinds.get(r["kind"], r["kind"]), r["row_label"], r["reason"] or "",
                                 (r["created_at"] or "")[:16].replace("T", " ")] for r in review["other"]])
        self.tabs.setTabText(0, self.tr("冲突（%1）").replace("%1", str(len(review["conflict"]))))
        self.tabs.setTabText(1, self.tr("被拒绝的修改（%1）").replace("%1", str(len(review["rejected"]))))
        self.tabs.setTabText(2, self.tr("其他提醒（%1）").replace("%1", str(len(review["other"]))))
        if review["conflict"] and self.conflicts.currentRow() < 0:
            self.conflicts.selectRow(0)
        if review["rejected"] and self.rejected.currentRow() < 0:
            self.rejected.selectRow(0)
        self._show_conflict()
        self._show_rejected()

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        fill(table, rows)

    def on_changes(self, changes: Changes) -> None:
        if changes.outbox_entries or changes.touched("review_item"):
            self.refresh()

    # ------------------------------------------------------------------ syncing
    def sync_now(self) -> None:
        c = self.controller
        if c is not None:
            c.sync_now()

    def cancel(self) -> None:
        c = self.controller
        if c is not None:
            c.cancel()
            self.phase_label.setText(self.tr("正在停止：当前这一批完成后停止，已完成的部分会保留…"))

    def _started(self) -> None:
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.phase_label.setText(self.tr("正在同步…"))

    def _progressed(self, phase: str, rows: int, expected: int, nbytes: int) -> None:
        size = f"{nbytes / 1024:.0f} KB" if nbytes < 1_048_576 else f"{nbytes / 1_048_576:.1f} MB"
        if phase in ("push", "start") and expected:
            self.progress.setRange(0, expected)
            self.progress.setValue(min(rows, expected))
            self.phase_label.setText(self.tr("正在发送本机的修改：%1 / %2 条（%3）").replace("%1", str(rows))
                                     .replace("%2", str(expected)).replace("%3", size))
        elif phase == "waiting":  # a silent server: each retry is told (rows = which retry)
            self.progress.setRange(0, 0)
            self.phase_label.setText(self.tr("等待服务器…第 %1 次重试").replace("%1", str(rows)))
        elif phase in ("pull", "snapshot"):
            # The engine does not know how many changes wait on the server: count what arrived.
            self.progress.setRange(0, 0)
            self.phase_label.setText(self.tr("正在接收其他电脑的修改：已收到 %1 条（%2）").replace("%1", str(rows))
                                     .replace("%2", size))

    def _finished(self, report: Any) -> None:
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        text = self.tr("同步完成：发送 %1 条，接收 %2 条").replace("%1", str(report.pushed)).replace("%2", str(report.pulled))
        if report.conflicts or report.rejected:
            text += self.tr("；%1 个冲突、%2 条被拒绝，请在下方查看").replace("%1", str(report.conflicts)) \
                .replace("%2", str(report.rejected))
        self.phase_label.setText(text)
        self.refresh()
        if report.conflicts:
            self.tabs.setCurrentIndex(0)
        elif report.rejected:
            self.tabs.setCurrentIndex(1)

    def _failed(self, exc: BaseException, _tb: str) -> None:
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.phase_label.setText(self.tr("同步没有完成，详情见窗口底部。本机的修改都已保留。"))
        self.refresh()

    def _cancelled(self) -> None:
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.phase_label.setText(self.tr("同步已取消；已完成的部分已保存，下次同步会继续。"))
        self.refresh()

    def _show_online(self, online: bool) -> None:
        if online:
            self.online_label.setText(self.tr("● 在线"))
            self.online_label.setStyleSheet("color: #2e7d32; font-weight: bold;")
        else:
            self.online_label.setText(self.tr("● 离线（修改保存在本机，联网后自动同步）"))
            self.online_label.setStyleSheet("color: #c62828; font-weight: bold;")

    # ------------------------------------------------------------------ conflicts
    def may_settle(self) -> bool:
        """Settling the review queue is for grid workers and admins (the permission table)."""
        return self.ctx is not None and self.ctx.session.may("review.settle")

    def current_conflict(self) -> dict | None:
        row = self.conflicts.currentRow()
        items = self.review["conflict"]
        return items[row] if 0 <= row < len(items) else None

    def _show_conflict(self) -> None:
        item = self.current_conflict()
        for w in (self.keep_mine, self.keep_theirs):
            w.setEnabled(item is not None and self.may_settle())
        if item is None:
            self.reveal_conflict.hide()
            self.mine_value.setText(self.tr("没有需要处理的冲突"))
            self.theirs_value.setText("")
            return
        who = item.get("other_user") or ""
        now = self.tr("（现在的值）")
        sensitive = bool(item["field"]) and item["field"] in SENSITIVE_FIELDS
        self.reveal_conflict.setVisible(sensitive and self.ctx.session.may_see_sensitive()
                                        and item["id"] not in self._revealed)
        if item["field"]:
            mine, theirs = show(item["local_value"]), show(item["remote_value"])
            if sensitive and item["id"] not in self._revealed:
                mask = mask_id_number if item["field"] == "id_number" else mask_phone
                mine, theirs = mask(mine), mask(theirs)
            self.mine_value.setText(mine)
            self.theirs_value.setText(theirs)
            self.mine_box.setTitle(self.tr("本机") + (now if is_current(item, "local") else ""))
            self.theirs_box.setTitle(self.tr("另一台电脑") + (f"（{who}）" if who else "")
                                     + (now if is_current(item, "remote") else ""))
            self.keep_mine.setText(self.tr("保留本机的值"))
            self.keep_theirs.setText(self.tr("改用另一台电脑的值"))
        else:
            # A delete beat an edit: the row is gone; bring it back or accept the delete.
            self.mine_box.setTitle(self.tr("删除"))
            self.theirs_box.setTitle(self.tr("修改"))
            self.mine_value.setText(self.tr("这条记录已被删除"))
            self.theirs_value.setText(self.tr("另一处对它做过修改"))
            self.keep_mine.setText(self.tr("接受删除"))
            self.keep_theirs.setText(self.tr("恢复这条记录"))

    def reveal_current_conflict(self) -> None:
        """Show this conflict's full numbers, after the audit log has recorded who asked and for what."""
        item = self.current_conflict()
        if item is None or not self.ctx.session.may_see_sensitive():
            return

        def work(state):
            review_ops.reveal(self.ctx.db, self.ctx.actor, item_id=item["id"])

        def done(_result) -> None:
            self._revealed.add(item["id"])
            self._show_conflict()

        self.ctx.tasks.run(work, on_done=done)

    def keep_local(self) -> None:
        item = self.current_conflict()
        if item is not None:
            self._settle(item, "keep_local")

    def keep_remote(self) -> None:
        item = self.current_conflict()
        if item is not None:
            self._settle(item, "take_other")

    def _settle(self, item: dict, choice: str, note: str | None = None) -> None:
        """Settle a review item (review.settle), then show the queue again."""
        def failed(exc: BaseException) -> None:
            self.phase_label.setText(getattr(exc, "message", None) or str(exc))
            self.refresh()

        self.ctx.tasks.run(lambda s: review_ops.settle(self.ctx.db, self.ctx.actor, item_id=item["id"], choice=choice,
                                                       note=note),
                           on_done=lambda _r: self.refresh(), on_error=failed)

    # ------------------------------------------------------------------ rejected changes
    def current_rejected(self) -> dict | None:
        row = self.rejected.currentRow()
        items = self.review["rejected"]
        return items[row] if 0 <= row < len(items) else None

    def _show_rejected(self) -> None:
        item = self.current_rejected()
        self.fix_error.set_message(None)
        self.resend_button.setEnabled(item is not None and self.may_settle())
        self.drop_button.setEnabled(item is not None and self.may_settle())
        fields = {k: v for k, v in ((item or {}).get("local_value") or {}).items() if k not in SYNC_META_COLUMNS}
        self.fix_table.setRowCount(len(fields))
        for r, (k, v) in enumerate(sorted(fields.items())):
            key = QTableWidgetItem(self.tr(FIELD_LABELS.get(k, k)))
            key.setData(Qt.ItemDataRole.UserRole, k)
            key.setFlags(key.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.fix_table.setItem(r, 0, key)
            text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            self.fix_table.setItem(r, 1, QTableWidgetItem("" if v is None else text))

    def fixed_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in range(self.fix_table.rowCount()):
            k = self.fix_table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            text = self.fix_table.item(r, 1).text()
            if text.startswith(("[", "{")):
                try:
                    out[k] = json.loads(text)
                    continue
                except ValueError:
                    pass
            out[k] = text if text != "" else None
        return out

    def resend(self) -> None:
        item = self.current_rejected()
        if item is None:
            return
        fields = self.fixed_fields()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                label = self.tr(FIELD_LABELS.get(exc.field, exc.field))
                self.fix_error.set_message(f"{label}：{exc.message}")
            else:
                self.fix_error.set_message(str(exc))

        def done(_r) -> None:
            self.refresh()
            c = self.controller
            if c is not None and c.online:
                c.sync_now()

        self.ctx.tasks.run(lambda s: review_ops.resend(self.ctx.db, self.ctx.actor, item_id=item["id"], fields=fields),
                           on_done=done, on_error=failed)

    def drop_rejected(self) -> None:
        item = self.current_rejected()
        if item is not None:
            self._settle(item, "resolve", "dropped")

    def _ack_other(self) -> None:
        row = self.other.currentRow()
        items = self.review["other"]
        if 0 <= row < len(items):
            item = items[row]
            self._settle(item, "resolve", "acknowledged")
