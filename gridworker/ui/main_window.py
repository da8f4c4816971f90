"""The main window: org tree on the left, workspaces with a navigation list, the status bar.

The status bar is the one place where sync and task errors are shown (Anki handles all sync
errors in one function): ``show_error`` is connected to the task runner's ``error`` signal and
to the sync controller's ``failed``. Database change notifications arrive on whatever thread
wrote; they are passed to the UI thread by a queued signal before any workspace sees them.
"""
from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, Qt, Signal
from PySide6.QtGui import (QAction, QActionGroup, QCloseEvent, QFont, QFontMetrics, QGuiApplication, QKeySequence,
                           QShortcut)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import permissions as perm
from ..domain.errors import GridworkerError, ValidationError
from ..store import queries_households as q
from ..store.database import Changes, Database
from .context import AppContext, Session
from ..sync.engine import CLOCK_WARN_SECONDS
from .settings import FONT_SIZES, Settings
from .sync_controller import SyncController
from .tasks import TaskRunner
from .workspace import Workspace
from .workspaces import workspaces_for

TITLE_BAR = 32  # pixels a window manager's title bar takes before the window is shown
ROLE_NAMES = {"admin": "管理员", "grid_worker": "网格员", "party_member": "党员"}


def widen_to_headers(header) -> None:
    """No column narrower than its own title ("Head of household", "Attention level", 特大 text):
    a user-sized (Interactive) column too narrow for its header grows to fit it."""
    for i in range(header.count()):
        if header.sectionResizeMode(i) != header.ResizeMode.Interactive or header.isSectionHidden(i):
            continue
        need = header.sectionSizeFromContents(i).width()
        if header.sectionSize(i) < need:
            header.resizeSection(i, need)


class MainWindow(QMainWindow):
    """The app's one main window. ``workspaces`` maps key -> Workspace; ``ctx`` is what they share."""

    changes_arrived = Signal(object)

    def __init__(self, db: Database, session: Session, *, settings: Settings | None = None,
                 translator: Any = None, data_dir: Path | None = None, sync_controller: Any = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.settings = settings or Settings()
        self.translator = translator
        self.tasks = TaskRunner(self)
        self.ctx = AppContext(db=db, session=session, tasks=self.tasks, data_dir=data_dir, settings=self.settings)
        self.workspaces: dict[str, Workspace] = {}
        self.locked = False
        self.closing = False
        self._org_items: dict[int, Any] = {}
        self._org_node: q.OrgNode | None = None
        from ..sync.laptop import Laptop  # noqa: PLC0415

        # The data folder's key file: who may log in, the offline-days policy, server contact.
        self.laptop = Laptop(db.path.parent)
        self.stopped = False

        self.sync = sync_controller or SyncController(self.ctx, self)
        self.ctx.extras["sync"] = self.sync

        self._build()
        self._build_menus()
        self._build_status_bar()
        self.tasks.error.connect(self.show_error)
        self.changes_arrived.connect(self._on_changes, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = db.subscribe(self.changes_arrived.emit)
        self._create_workspaces(self.settings.last_workspace)
        self.apply_font_size()
        self._nav_shortcuts()
        self.load_org_tree()
        self.refresh_pending()
        self.sync.online_changed.connect(self._online_changed)
        self.sync.started.connect(self._sync_started)
        self.sync.progressed.connect(self._sync_progress)
        self.sync.cancelled.connect(self._sync_cancelled)
        self.sync.failed.connect(self._sync_failed)
        self.sync.finished.connect(self._synced)
        self.sync.start()
        self._online_changed(self.sync.online)

        from .login import IdleWatcher  # noqa: PLC0415

        self.idle = IdleWatcher(self.settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        geometry = self.settings.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        # Fits a 1366×768 laptop screen with its taskbar (about 1366×728 available) and title bar.
        self.setMinimumSize(960, 600)
        self.fit_to_screen()


    def fit_to_screen(self, available: QRect | None = None) -> None:
        """Keep the whole window, status bar included, on the screen it opens on: a remembered
        geometry from a bigger monitor or the default 1280×800 is shrunk to the available area
        (less the title bar and frame) and moved onto it. ``available``: the screen's available
        geometry (tests pass a 1366×728 one)."""
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is None:
                return
            available = screen.availableGeometry()
        frame_w = max(self.frameGeometry().width() - self.width(), 0)
        frame_h = max(self.frameGeometry().height() - self.height(), 0) or TITLE_BAR
        width = min(self.width(), available.width() - frame_w)
        height = min(self.height(), available.height() - frame_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        frame = self.frameGeometry()
        if not available.contains(frame.topLeft()) or frame.bottom() > available.bottom() \
                or frame.right() > available.right():
            self.move(available.topLeft())

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.nav = QListWidget(left)
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 6px 10px; }")
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.tree = QTreeWidget(left)
        self.tree.setObjectName("org_tree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._org_changed)
        column.addWidget(self.nav)
        column.addWidget(self.tree, 1)
        # Titles and the tree stay readable however wide the workspace wants to be.
        left.setMinimumWidth(210)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(splitter)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 1050])
        splitter.setCollapsible(0, False)
        self.setCentralWidget(splitter)
        self.splitter = splitter

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        self.file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.lock_action = QAction(self.tr("锁定 / 切换用户(&L)"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.file_menu.addAction(self.lock_action)
        prefs = QAction(self.tr("设置(&S)…"), self)
        prefs.triggered.connect(self.edit_preferences)
        self.file_menu.addAction(prefs)
        self.community_settings_action = QAction(self.tr("社区设置（节假日、走访间隔、办理时限）…"), self)
        self.community_settings_action.triggered.connect(self.edit_community_settings)
        self.file_menu.addAction(self.community_settings_action)
        self.file_menu.addSeparator()
        self.import_action = QAction(self.tr("导入台账…"), self)
        self.import_action.triggered.connect(self.open_import)
        self.file_menu.addAction(self.import_action)
        self.export_action = QAction(self.tr("导出报表…"), self)
        self.export_action.triggered.connect(self.open_export)
        self.file_menu.addAction(self.export_action)
        self.file_menu.addSeparator()
        quit_action = QAction(self.tr("退出(&X)"), self)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)

        self.users_menu = bar.addMenu(self.tr("用户(&U)"))
        self.add_user_action = QAction(self.tr("添加本机用户…"), self)
        self.add_user_action.triggered.connect(self.add_laptop_user)
        self.remove_user_action = QAction(self.tr("移除本机用户…"), self)
        self.remove_user_action.triggered.connect(self.remove_laptop_user)
        self.offline_days_action = QAction(self.tr("离线登录期限…"), self)
        self.offline_days_action.triggered.connect(self.edit_offline_days)
        for action in (self.add_user_action, self.remove_user_action, self.offline_days_action):
            self.users_menu.addAction(action)
        self._update_user_actions()

        self.language_menu = bar.addMenu(self.tr("语言/Language"))
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, label in (("zh_CN", "中文（简体）"), ("en", "English")):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(self.settings.language == code)
            action.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        keys = QAction(self.tr("快捷键…"), self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        about = QAction(self.tr("关于"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do): the menus' shortcuts, the workspaces by number, and the keys the
        workspaces and every dialog share."""
        rows: list[tuple[str, str]] = []
        for top in self.menuBar().actions():
            menu = top.menu()
            for a in (menu.actions() if menu is not None else []):
                if not a.shortcut().isEmpty():
                    rows.append((a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                                 a.text().replace("&", "").split("(")[0].rstrip("…").strip()))
        for n, key in enumerate(list(self.workspaces)[:9], start=1):
            rows.append((f"Ctrl+{n}", self.tr("打开“%1”").replace("%1", self.workspaces[key].title())))
        rows += [("Ctrl+F", self.tr("住户：搜索")), (self.tr("Enter（搜索框）"), self.tr("住户：打开找到的第一户")),
                 ("Ctrl+S", self.tr("走访：保存走访记录")),
                 (self.tr("Enter，再按 1 / 2 / 3"), self.tr("议事表决：找到一户后录入同意 / 反对 / 弃权")),
                 ("Ctrl+Enter", self.tr("任何对话框：提交（确定、保存、上报）")),
                 ("Tab / Shift+Tab", self.tr("任何对话框：到下一项 / 上一项（多行文本框里也一样）")),
                 ("Esc", self.tr("关闭对话框（有未保存的修改时会先问）"))]
        return rows

    def show_shortcuts(self):
        """帮助 → 快捷键 (F1)."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget  # noqa: PLC0415

        from .widgets.tables import item  # noqa: PLC0415

        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("快捷键"))
        dialog.resize(620, 480)
        rows = self.shortcut_rows()
        table = QTableWidget(len(rows), 2, dialog)
        table.setHorizontalHeaderLabels([self.tr("按键"), self.tr("作用")])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        for r, (keys, what) in enumerate(rows):
            table.setItem(r, 0, item(keys))
            table.setItem(r, 1, item(what))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.table = table
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.online_label = QLabel(self)
        self.online_label.setObjectName("online_indicator")
        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("pending_count")
        self.user_label = QLabel(self)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("status_message")
        self.details_button = QPushButton(self.tr("详情"), self)
        self.details_button.setFlat(True)
        self.details_button.hide()
        self.details_button.clicked.connect(self._show_error_details)
        self._error_details = ""
        sb.addWidget(self.message_label, 1)
        sb.addWidget(self.details_button)
        self.sync_bar = QProgressBar(self)
        self.sync_bar.setObjectName("status_sync_progress")
        self.sync_bar.setMaximumWidth(140)
        self.sync_bar.setMaximumHeight(14)
        self.sync_bar.setTextVisible(False)
        self.sync_bar.hide()
        sb.addPermanentWidget(self.sync_bar)
        sb.addPermanentWidget(self.pending_label)
        sb.addPermanentWidget(self.online_label)
        sb.addPermanentWidget(self.user_label)
        self._update_user_label()
        self.setWindowTitle(self.tr("网格员工作台"))

    def _update_user_actions(self) -> None:
        """Only an administrator manages who may use this laptop (and only on an encrypted one)."""
        allowed = self.ctx.session.is_admin and self.laptop.slots is not None and self.db.key is not None
        for action in (self.add_user_action, self.remove_user_action, self.offline_days_action):
            action.setEnabled(allowed)
            action.setToolTip("" if allowed else self.tr("仅管理员可用"))
        # The community's working rules are its admin's to set (synced to every laptop).
        self.community_settings_action.setVisible(perm.may(self.ctx.session.role, "community.settings"))
        # A party member's screen adds nothing in bulk: no ledger import.
        self.import_action.setVisible(self.ctx.session.role != "party_member")

    def _update_user_label(self) -> None:
        s = self.ctx.session
        role = self.tr(ROLE_NAMES.get(s.role, s.role))
        self.user_label.setText(self.tr("当前用户：%1（%2）").replace("%1", s.display_name).replace("%2", role))

    # ------------------------------------------------------------------ workspaces
    def _create_workspaces(self, select: str | None = None) -> None:
        """(Re)create every workspace with the current translations.

        A workspace gets its context (and starts loading) when it is first shown, so opening the
        window on a large database loads only the page the user sees.
        """
        if self.workspaces:
            # Let work in flight deliver its results to the old pages before they go away.
            self.tasks.db_pool.waitForDone(10_000)
            QCoreApplication.processEvents()
        for ws in self.workspaces.values():
            self.stack.removeWidget(ws)
            ws.deleteLater()
        self.workspaces.clear()
        self.nav.blockSignals(True)
        self.nav.clear()
        for cls in workspaces_for(self.ctx.session.role):
            try:
                ws = cls(self.stack)
            except Exception as exc:  # noqa: BLE001 - one broken workspace must not take the app down
                self.show_error(exc, traceback.format_exc())
                continue
            self.workspaces[ws.key] = ws
            if hasattr(ws, "open_requested"):  # 概览's cards open another page, filtered
                ws.open_requested.connect(self.open_filtered)
            self.stack.addWidget(ws)
            item = QListWidgetItem(ws.title())
            item.setData(Qt.ItemDataRole.UserRole, ws.key)
            n = self.nav.count() + 1
            item.setToolTip(f"Ctrl+{n}" if n <= 9 else "")
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        rows = self.nav.count()
        if rows:
            # The list is exactly as tall as its entries; the org tree gets the rest.
            self.nav.setFixedHeight(self.nav.sizeHintForRow(0) * rows + 2 * self.nav.frameWidth() + 4)
        # A party member's 我的联系户 is their whole circle: no org tree to browse.
        party = self.ctx.session.role == "party_member"
        self.tree.setVisible(not party)
        self.nav.parentWidget().layout().setAlignment(
            self.nav, Qt.AlignmentFlag.AlignTop if party else Qt.AlignmentFlag(0))
        keys = list(self.workspaces)
        if keys:
            self.show_workspace(select if select in self.workspaces else keys[0])

    def _nav_shortcuts(self) -> None:
        """Ctrl+1 … Ctrl+9 open the workspaces in navigation order (keyboard users, old touchpads)."""
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda n=n: self.nav.setCurrentRow(n - 1) if n <= self.nav.count() else None)

    def show_workspace(self, key: str) -> Workspace:
        ws = self.workspaces[key]
        if ws.ctx is None:
            try:
                ws.set_context(self.ctx)
                node = self._org_node
                if node is not None:
                    self._tell_org(ws, node)
            except Exception as exc:  # noqa: BLE001 - one broken workspace must not take the app down
                self.show_error(exc, traceback.format_exc())
        self.stack.setCurrentWidget(ws)
        row = list(self.workspaces).index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        self.settings.last_workspace = key
        return ws

    def open_filtered(self, key: str, what: object = None) -> Workspace | None:
        """Open workspace ``key`` showing ``what`` (a filter or tab; see ``Workspace.show_filtered``)."""
        if key not in self.workspaces:
            return None
        ws = self.show_workspace(key)
        ws.show_filtered(what)
        return ws

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(self.workspaces):
            self.show_workspace(list(self.workspaces)[row])

    def _on_changes(self, changes: Changes) -> None:
        for ws in list(self.workspaces.values()):
            if ws.ctx is None:
                continue  # not shown yet: it loads fresh when it is
            try:
                ws.on_changes(changes)
            except Exception as exc:  # noqa: BLE001
                self.show_error(exc, traceback.format_exc())
        if changes.outbox_entries or changes.touched("outbox"):
            self.refresh_pending()
        if changes.touched("org_unit") or changes.touched("building") or changes.touched("household"):
            self.load_org_tree()  # the counts follow adds, deletes, restores and moves

    # ------------------------------------------------------------------ org tree
    def load_org_tree(self) -> None:
        def work(state):
            with self.db.read() as conn:
                return q.org_tree(conn, self.db.community_id)

        self.tasks.run(work, on_done=self._fill_tree)

    def _fill_tree(self, root: q.OrgNode | None) -> None:
        current = self.tree.currentItem()
        was = self._org_items.get(current.data(0, Qt.ItemDataRole.UserRole)) if current else None
        keep = (was.kind, was.id, was.estate) if was is not None else None
        self.tree.blockSignals(True)
        self.tree.clear()
        self._org_items.clear()
        if root is not None:
            def add(parent, node: q.OrgNode):
                item = QTreeWidgetItem(parent, [f"{node.name} ({node.households})"])
                item.setToolTip(0, self.tr("%1 户").replace("%1", str(node.households)))
                self._org_items[id(item)] = node
                item.setData(0, Qt.ItemDataRole.UserRole, id(item))
                for child in node.children:
                    add(item, child)
                return item

            top = add(self.tree, root)
            top.setExpanded(True)
            for i in range(top.childCount()):
                top.child(i).setExpanded(top.childCount() <= 4)
            # A refresh of the counts keeps what the user had selected (no workspace reload).
            again = next((item for item in self._tree_items() if keep is not None and self._node_key(item) == keep),
                         None)
            self.tree.setCurrentItem(again or top)
        self.tree.blockSignals(False)

    def _tree_items(self) -> list[QTreeWidgetItem]:
        out, stack = [], [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def _node_key(self, item: QTreeWidgetItem) -> tuple | None:
        node = self._org_items.get(item.data(0, Qt.ItemDataRole.UserRole))
        return (node.kind, node.id, node.estate) if node is not None else None

    def _org_changed(self, current: QTreeWidgetItem | None, _previous=None) -> None:
        node = self._org_items.get(current.data(0, Qt.ItemDataRole.UserRole)) if current else None
        self.select_org(node)

    def select_org(self, node: q.OrgNode | None) -> None:
        """Tell every workspace which part of the community the user is looking at."""
        self._org_node = node
        for ws in self.workspaces.values():
            if ws.ctx is not None:
                self._tell_org(ws, node)

    @staticmethod
    def _tell_org(ws: Workspace, node: q.OrgNode | None) -> None:
        if node is None or node.kind in ("all", "community"):
            org_id = None
        elif node.kind == "building":
            org_id = node.building_id
        else:
            org_id = node.grid_id
        ws.on_org_selected(org_id)
        if hasattr(ws, "on_org_node"):
            ws.on_org_node(None if node is None or node.kind in ("all", "community") else node)

    # ------------------------------------------------------------------ status bar
    def refresh_pending(self) -> None:
        def work(state):
            with self.db.read() as conn:
                return q.pending_changes(conn)

        self.tasks.run(work, on_done=self._set_pending)

    def _set_pending(self, n: int) -> None:
        self.pending = n
        self.pending_label.setText(self.tr("待同步：%n 条", "", n))

    def _online_changed(self, online: bool) -> None:
        if online:
            self.online_label.setText(self.tr("● 在线"))
            self.online_label.setStyleSheet("color: #2e7d32; font-weight: bold;")
            self.online_label.setToolTip(self.tr("可以连接服务器，修改会自动同步"))
        else:
            self.online_label.setText(self.tr("● 离线"))
            self.online_label.setStyleSheet("color: #c62828; font-weight: bold;")
            self.online_label.setToolTip(self.tr("连接不到服务器。可以照常工作，修改保存在本机，联网后自动同步"))

    def _sync_started(self) -> None:
        self.sync_bar.setRange(0, 0)
        self.sync_bar.show()
        self.show_message(self.tr("正在同步…"))

    def _sync_cancelled(self) -> None:
        self.sync_bar.hide()
        self.refresh_pending()
        self.show_message(self.tr("同步已取消；已完成的部分已保存"))

    def _sync_progress(self, phase: str, rows: int, expected: int, _nbytes: int) -> None:
        if phase in ("start", "push") and expected:
            self.sync_bar.setRange(0, expected)
            self.sync_bar.setValue(min(rows, expected))
        else:
            self.sync_bar.setRange(0, 0)

    def _synced(self, report: Any) -> None:
        slots = self.laptop.slots
        if slots is not None:
            slots.record_server_contact()  # the offline-days clock starts again
        self.sync_bar.hide()
        self.refresh_pending()
        text = self.tr("已同步：发送 %1 条，接收 %2 条").replace("%1", str(report.pushed)).replace("%2", str(report.pulled))
        if report.conflicts or report.rejected:
            text += self.tr("；有 %1 项需要在“同步”中处理").replace("%1", str(report.conflicts + report.rejected))
        waiting = getattr(report, "waiting", None)
        if waiting:
            # Changes made before this laptop had their author's credential: sent once that user
            # logs in here while online (store/signing.py).
            text += self.tr("；%1 条修改等待作者（%2）联网登录本机后再发送").replace(
                "%1", str(sum(w["count"] for w in waiting))).replace("%2", "、".join(w["name"] for w in waiting))
        skew = getattr(report, "clock_skew", None)
        if skew is not None and abs(skew) > CLOCK_WARN_SECONDS:
            # Deadlines, overdue lists and visit times follow this laptop's clock: say so plainly.
            minutes = str(round(abs(skew) / 60))
            text += "；" + (self.tr("本机时钟比服务器快约 %1 分钟，请校准时间") if skew > 0
                           else self.tr("本机时钟比服务器慢约 %1 分钟，请校准时间")).replace("%1", minutes)
            self.show_message(text, error=True)
            return
        self.show_message(text, error=False)

    def _sync_failed(self, exc: BaseException, tb: str = "") -> None:
        from ..sync.transport import DeviceRevoked  # noqa: PLC0415

        if isinstance(exc, DeviceRevoked) and self.laptop.slots is not None:
            self._run_lost_laptop_flow(exc)
            return
        self.show_error(exc, tb)

    def _run_lost_laptop_flow(self, exc: BaseException) -> None:
        """The server said this device was revoked: export the unsent changes for the admin and wipe
        the key slots (the lost-laptop flow, gridworker.sync.lost), say so, then close."""
        from ..sync.laptop import LaptopRevoked  # noqa: PLC0415

        if self.stopped:
            return
        self.sync.stop()
        try:
            stopped = self.laptop.revoked(self.db, exc)
        except Exception as err:  # noqa: BLE001 - the export failed: keep everything, say so
            self.show_error(err, traceback.format_exc())
            stopped = LaptopRevoked(self.tr("本机已被管理员停用，但导出未发送的修改失败：%1。请联系管理员。")
                                    .replace("%1", str(err)))
        self.device_stopped(stopped)

    def device_stopped(self, stopped: Any) -> QMessageBox:
        """Hide the data, show what happened (where the export is), close when it is read."""
        from .laptop_users import stopped_message  # noqa: PLC0415

        self.stopped = True
        self.centralWidget().setVisible(False)
        self.show_message(stopped.message, error=True)
        box = stopped_message(self, stopped)
        box.finished.connect(lambda _r: self._close_stopped())
        self.revoked_box = box
        box.open()
        return box

    def _close_stopped(self) -> None:
        self.closing = True  # no last sync: the server refuses this laptop
        self.sync.stop()
        self.close()

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet("color: #c62828;" if error else "")
        self.message_label.setText(text)
        if not error:
            self.details_button.hide()

    def show_error(self, exc: BaseException, tb: str = "") -> None:
        """The one place errors of background work end up: a plain sentence, details on demand."""
        self.sync_bar.hide()
        if isinstance(exc, ValidationError):
            text = exc.message
        elif isinstance(exc, GridworkerError):
            text = getattr(exc, "message", None) or str(exc)
        elif isinstance(exc, OSError):
            text = self.tr("文件或网络错误：%1").replace("%1", str(exc))
        else:
            text = self.tr("出错了：%1").replace("%1", str(exc) or type(exc).__name__)
        self.show_message(text, error=True)
        self._error_details = tb or "".join(traceback.format_exception(exc))
        self.details_button.setVisible(bool(self._error_details))

    def _show_error_details(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("错误详情"), self.message_label.text(), parent=self)
        box.setDetailedText(self._error_details)
        box.open()

    def _about(self) -> None:
        from .. import __version__  # noqa: PLC0415

        QMessageBox.about(self, self.tr("关于"), self.tr("网格员工作台 %1\n社区网格员离线工作台").replace("%1", __version__))

    # ------------------------------------------------------------------ language
    def set_language(self, language: str) -> None:
        """Switch the language now: Qt's and our translations, then rebuild every text."""
        self.settings.language = language
        if self.translator is not None:
            self.translator.install(language)
        for code, action in self.language_actions.items():
            action.setChecked(code == language)
        self.retranslate()

    def retranslate(self) -> None:
        current = self.stack.currentWidget()
        key = current.key if isinstance(current, Workspace) else None
        self._build_menus()
        self.setWindowTitle(self.tr("网格员工作台"))
        self.details_button.setText(self.tr("详情"))
        self._update_user_label()
        self._set_pending(getattr(self, "pending", 0))
        self._online_changed(self.sync.online)
        # Workspaces build their texts in code: recreating them is the one way that reaches all.
        self._create_workspaces(key)
        self.apply_font_size()

    def open_import(self):
        """文件 → 导入台账…: the ledger import dialog (returned for tests)."""
        from .ledger_dialogs import ImportDialog

        dialog = ImportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_export(self):
        """文件 → 导出报表…: the export dialog (returned for tests)."""
        from .ledger_dialogs import ExportDialog

        dialog = ExportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def edit_preferences(self):
        from .preferences import PreferencesDialog  # noqa: PLC0415

        dialog = PreferencesDialog(self.settings, self, username=self.ctx.session.username)

        def applied(result: int) -> None:
            if result:
                self.apply_font_size()
                self.idle.set_minutes(self.settings.idle_lock_minutes)
                self.sync.stop()
                self.sync.start()

        dialog.finished.connect(applied)
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ lock and users
    def lock(self) -> None:
        """Hide the data and ask for a password (idle timeout or Ctrl+L)."""
        if self.locked or self.closing:
            return
        from .login import LoginDialog  # noqa: PLC0415

        self.locked = True
        self.idle.pause()
        self.centralWidget().setVisible(False)
        dialog = LoginDialog(self.laptop, self.settings, unlock_for=self.ctx.session, db=self.db,
                             demo_users=self.ctx.extras.get("demo_users"), parent=self)
        self.lock_dialog = dialog

        def unlocked(_r: int) -> None:
            if dialog.revoked is not None:
                self.device_stopped(dialog.revoked)
                return
            self.locked = False
            self.centralWidget().setVisible(True)
            self.idle.resume()
            if dialog.session and dialog.session.user_id != self.ctx.session.user_id:
                self.switch_session(dialog.session)

        dialog.finished.connect(unlocked)
        dialog.open()

    def apply_font_size(self) -> float:
        """The logged-in user's 字号, for the whole application; table rows grow with it."""
        size = FONT_SIZES[self.settings.font_size(self.ctx.session.username)]
        app = QApplication.instance()
        font = QFont(app.font())
        if font.pointSizeF() != size:
            font.setPointSizeF(size)
            app.setFont(font)
            # With an application style sheet (the focus frame) a new application font reaches the
            # widgets already shown only when they are polished again.
            if app.styleSheet():
                app.setStyleSheet(app.styleSheet())
        # The navigation keeps its lead over the text (12 pt at 标准).
        self.nav.setStyleSheet(f"QListWidget {{ font-size: {size + 1.5:g}pt; }} QListWidget::item {{ padding: 6px 10px; }}")
        self.nav.ensurePolished()
        rows = self.nav.count()
        if rows:  # the list stays exactly as tall as its entries at the new size
            self.nav.setFixedHeight(self.nav.sizeHintForRow(0) * rows + 2 * self.nav.frameWidth() + 4)
        row = QFontMetrics(font).height() + 12
        for view in self.findChildren(QAbstractItemView):
            header = getattr(view, "verticalHeader", None)
            if header is not None:
                header().setDefaultSectionSize(row)
            columns = getattr(view, "horizontalHeader", None)
            if columns is not None:
                widen_to_headers(columns())
        return size

    def switch_session(self, session: Session) -> None:
        """Another user of this laptop logged in: rebuild what depends on who is logged in."""
        self.ctx.session = session
        self._update_user_label()
        self._update_user_actions()
        current = self.stack.currentWidget()
        self._create_workspaces(current.key if isinstance(current, Workspace) else None)
        self.apply_font_size()

    def add_laptop_user(self):
        """用户 → 添加本机用户…: the person's password is checked by the server (returned for tests)."""
        from .laptop_users import AddUserDialog  # noqa: PLC0415

        dialog = AddUserDialog(self)
        dialog.accepted.connect(lambda: self.show_message(
            self.tr("已添加本机用户 %1").replace("%1", dialog.added.username if dialog.added else "")))
        dialog.open()
        return dialog

    def remove_laptop_user(self):
        from .laptop_users import remove_user_dialog  # noqa: PLC0415

        return remove_user_dialog(self)

    def edit_community_settings(self):
        from .community_settings import CommunitySettingsDialog  # noqa: PLC0415

        dialog = CommunitySettingsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Saving is a write: the open workspaces refresh through the database's change notices.
        dialog.open()
        return dialog

    def edit_offline_days(self):
        from .laptop_users import offline_days_dialog  # noqa: PLC0415

        return offline_days_dialog(self)

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Finish or safely stop a running sync, try a last sync, wait for background work."""
        if not self.closing:
            self.closing = True
            # A damaged database (the background check found it) sends nothing more: it is restored first.
            if not getattr(self, "restore_problem", None) and self.sync.close_gracefully(self, on_done=self.close):
                event.ignore()  # the controller calls close() again when its work has ended
                return
        self.closing = True
        self.idle.stop()
        self.settings.window_geometry = self.saveGeometry()
        self.settings.sync()
        self.sync.stop()
        self.tasks.wait_all(30_000)
        try:
            self._unsubscribe()
        except ValueError:
            pass
        event.accept()
