"""数据库文件已损坏: offered at start when the laptop database fails its check (issue 7, point 5).

    dialog = RestoreDialog(db_path, key, problem, parent)
    if dialog.exec() == QDialog.Accepted:   # restored: open the database again
        dialog.restored_from, dialog.moved_aside
    else:                                    # the user chose 退出
        ...

It says what was found, lists the verified backups (:func:`gridworker.store.backups.good_backups`,
checked in the background), explains what restoring does, and restores off the UI thread
(:func:`gridworker.store.backups.restore`). With no good backup it says so and what to do.
The database must not be open while the dialog restores.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from ..store.backups import BackupInfo, good_backups, restore
from .tasks import TaskRunner


def short_problem(problem: str, lines: int = 3, chars: int = 300) -> str:
    """The first lines of what the check found (``quick_check`` can list hundreds of pages)."""
    parts = [p.strip() for p in (problem or "").replace("; ", "\n").splitlines() if p.strip()]
    text = "\n".join(parts[:lines])
    if len(parts) > lines or len(text) > chars:
        text = text[:chars].rstrip() + " …"
    return text


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(n, 1) / 1024:.0f} KB"


class RestoreDialog(QDialog):
    """Accepted = restored (``restored_from``, ``moved_aside``); Rejected = the user chose 退出."""

    def __init__(self, db_path, key: bytes | None, problem: str, parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.key = key
        self.problem = problem
        self.backups: list[BackupInfo] = []
        self.loaded = False
        self.busy = False
        self.restored_from: Path | None = None
        self.moved_aside: Path | None = None
        self.tasks = TaskRunner(self)

        self.setWindowTitle(self.tr("数据库文件已损坏"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)

        heading = QLabel(self.tr("本机的数据库文件已损坏，程序无法打开它。"))
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)

        self.problem_label = QLabel("\n".join([
            self.tr("文件：{0}").format(self.db_path),
            self.tr("发现的问题：{0}").format(short_problem(problem) or self.tr("（未说明）")),
        ]))
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.problem_label)

        self.status = QLabel(self.tr("正在检查本机的备份…"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("大小"), self.tr("其中未同步的修改")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)

        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.explain)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        layout.addWidget(self.error)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.restore_button = QPushButton(self.tr("恢复所选备份"))
        self.quit_button = QPushButton(self.tr("退出"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.start_restore)
        self.quit_button.clicked.connect(self.reject)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.quit_button)
        layout.addLayout(buttons)

        self.tasks.run(lambda _state: good_backups(self.db_path, self.key), on_done=self._show_backups,
                       on_error=self._list_failed)

    # ------------------------------------------------------------------ the list
    def _aside_text(self) -> str:
        return self.tr("{0}.broken-日期时间（在 {1} 文件夹中）").format(self.db_path.name, self.db_path.parent)

    def _show_backups(self, backups: list[BackupInfo]) -> None:
        self.backups = list(backups)
        self.loaded = True
        self.table.setRowCount(len(self.backups))
        for row, b in enumerate(self.backups):
            if b.pending_changes is None:
                pending = self.tr("未知")
            elif b.pending_changes == 0:
                pending = self.tr("无")
            else:
                pending = self.tr("{0} 条").format(b.pending_changes)
            for col, text in enumerate((b.taken_at.strftime("%Y-%m-%d %H:%M"), _size(b.size), pending)):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, str(b.path))
                self.table.setItem(row, col, item)
        if self.backups:
            self.status.setText(self.tr("本机有 {0} 份完好的备份，最新的一份在最上面：").format(len(self.backups)))
            self.explain.setText("\n".join([
                self.tr("恢复会做什么："),
                self.tr("• 用所选备份替换损坏的数据库文件。"),
                self.tr("• 损坏的文件不会删除，会改名保留为 {0}，管理员可以从中找回其中的修改。").format(self._aside_text()),
                self.tr("• 所选备份之后做的、还没有同步到服务器的修改，恢复后本机上不会有（它们可能还在损坏的文件里）。"),
                self.tr("• 恢复后请联网同步一次：服务器上的数据（包括您已同步过的修改）会全部回到本机。"),
            ]))
            self.table.selectRow(0)
        else:
            self.table.setVisible(False)
            self.status.setText(self.tr("本机没有可用的备份，无法自动恢复。"))
            self.explain.setText("\n".join([
                self.tr("请这样做："),
                self.tr("• 联系管理员。管理员重新登记本机后，服务器上的数据会全部回到本机。"),
                self.tr("• 还没有同步的修改可能还在损坏的文件里：请不要删除 {0}，交给管理员处理。").format(self.db_path),
                self.tr("• 点“退出”关闭程序。"),
            ]))
        self._update_buttons()

    def _list_failed(self, exc: BaseException) -> None:
        self._show_backups([])
        self._show_error(self.tr("无法读取备份文件夹：{0}").format(exc))

    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.backups:
            return None
        return self.backups[rows[0].row()]

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.loaded and not self.busy and self.selected_backup() is not None)
        self.quit_button.setEnabled(not self.busy)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # ------------------------------------------------------------------ restoring
    def start_restore(self) -> None:
        backup = self.selected_backup()
        if backup is None or self.busy:
            return
        self.busy = True
        self._show_error("")
        self.status.setText(self.tr("正在恢复 {0} 的备份…").format(backup.taken_at.strftime("%Y-%m-%d %H:%M")))
        self._update_buttons()
        self.tasks.run(lambda _state: restore(self.db_path, backup.path, self.key),
                       on_done=lambda moved: self._restored(backup, moved), on_error=self._restore_failed,
                       label=self.tr("正在恢复备份…"))

    def _restored(self, backup: BackupInfo, moved: Path | None) -> None:
        self.busy = False
        self.restored_from = backup.path
        self.moved_aside = moved
        self.accept()

    def _restore_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.status.setText(self.tr("恢复没有完成。"))
        self._show_error(self.tr("恢复失败：{0}").format(exc))
        self._update_buttons()

    def reject(self) -> None:
        if self.busy:
            return  # a restore is running: it must finish (or fail) first
        super().reject()

    def done(self, result: int) -> None:
        self.tasks.wait_all()
        super().done(result)
