"""回收站: households deleted within the tombstone horizon (180 days), restorable with the residents
deleted with them; the restore syncs like the deletion did."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ... import ops
from ...domain.errors import GridworkerError
from ...store import queries_households as q
from ..widgets.tables import fill, make_table


class RecycleBinDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[dict] = []
        self.setWindowTitle(self.tr("回收站：已删除的住户"))
        self.resize(720, 420)
        v = QVBoxLayout(self)
        v.addWidget(QLabel(self.tr("近 180 天内删除的住户。恢复后会连同一起删除的成员回到列表，并同步到其他电脑。"), self))
        self.table = make_table([self.tr("删除时间"), self.tr("地址"), self.tr("户主"), self.tr("成员")],
                                widths=[140, 320, 100], parent=self, name="recycle_bin")
        v.addWidget(self.table, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        v.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton(self.tr("恢复选中的住户"), self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        v.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        def work(_state: Any):
            with self.ctx.db.read() as conn:
                return q.deleted_households(conn)

        self.ctx.tasks.run(work, on_done=self._loaded)

    def _loaded(self, rows: list[dict]) -> None:
        self.rows = rows
        fill(self.table, [[str(r["deleted_at"] or "")[:16].replace("T", " "), r["address"], r["head_name"],
                           r["residents"]] for r in rows], [r["id"] for r in rows])
        self.restore_button.setEnabled(bool(rows))
        if not rows and not self.message.text():
            self.message.setText(self.tr("回收站是空的。"))

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.message.setText(self.tr("请先选择要恢复的住户"))
            return
        h = self.rows[row]
        ctx = self.ctx

        def work(_state: Any):
            return ops.households.restore(ctx.db, ctx.actor, household_id=h["id"])

        def done(_d: Any) -> None:
            self.message.setText(self.tr("已恢复：%1").replace("%1", h["address"] or ""))
            self.reload()

        def failed(exc: BaseException) -> None:
            self.message.setText(exc.message if isinstance(exc, GridworkerError) else str(exc))

        ctx.tasks.run(work, on_done=done, on_error=failed)
