"""When and how the app syncs: on start, on a timer while the server answers, by hand, and on close.

One :class:`SyncController` per main window, shared through ``ctx.extras["sync"]``. It runs the sync
engine of :mod:`gridworker.sync.engine` as a ``kind="net"`` task, relays the engine's progress
(phase, rows, bytes) to the UI thread, honours cancel (the engine stops between batches; what was
committed stays), and keeps the online/offline state the status bar shows. Errors go to
``failed``, which the main window shows in its one place for errors.
"""
from __future__ import annotations

import re

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..sync.transport import server_reachable

PROBE_INTERVAL_MS = 30_000


class SyncController(QObject):
    """Runs syncs one at a time. ``running`` is the current Task or None."""

    online_changed = Signal(bool)
    started = Signal()
    progressed = Signal(str, int, int, int)  # phase, rows done, rows expected (0: unknown), bytes
    finished = Signal(object)  # the engine's SyncReport
    failed = Signal(object, str)
    cancelled = Signal()
    _relay = Signal(str, int, int)  # from the worker thread: phase, rows, bytes

    def __init__(self, ctx: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.online = False
        self.running: Any = None
        self.last_report: Any = None
        self.last_error: BaseException | None = None
        self._expected_push = 0
        # Extra keyword arguments for SyncEngine (batch sizes, retries); empty = the engine's defaults.
        self.engine_options: dict[str, Any] = {}
        self._relay.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.probe_timer = QTimer(self)
        self.probe_timer.setInterval(PROBE_INTERVAL_MS)
        self.probe_timer.timeout.connect(self.probe)
        self.auto_timer = QTimer(self)
        self.auto_timer.timeout.connect(self._auto_sync)
        self._probing = False

    # ------------------------------------------------------------------ facts
    @property
    def server_url(self) -> str | None:
        return self.ctx.db.get_state("server_url")

    @property
    def enrolled(self) -> bool:
        return bool(self.server_url and self.ctx.db.get_state("device_token"))

    def status(self) -> dict:
        from ..sync.engine import status  # noqa: PLC0415

        return status(self.ctx.db)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Probe the server now and every 30 s; sync on start and on the auto-sync timer."""
        if not self.enrolled:
            return
        self.probe_timer.start()
        minutes = self.ctx.settings.auto_sync_minutes if self.ctx.settings is not None else 5
        if minutes > 0:
            self.auto_timer.start(minutes * 60_000)
        self.probe(then_sync=True)

    def stop(self) -> None:
        self.probe_timer.stop()
        self.auto_timer.stop()

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    def probe(self, then_sync: bool = False) -> None:
        """Ask the server's health endpoint (2 s timeout) whether it answers."""
        url = self.server_url
        if not url or self._probing:
            return
        self._probing = True

        db = self.ctx.db

        def work(state):
            # Through the laptop's transport: a server pinned with --ca is checked against its pin.
            return server_reachable(db)

        def done(ok: bool) -> None:
            self._probing = False
            self._set_online(ok)
            if ok and then_sync:
                self.sync_now()

        def failed(_exc) -> None:
            self._probing = False
            self._set_online(False)

        self.ctx.tasks.run(work, on_done=done, on_error=failed, kind="net")

    def _auto_sync(self) -> None:
        if self.online:
            self.sync_now()
        else:
            self.probe(then_sync=True)

    # ------------------------------------------------------------------ syncing
    def sync_now(self) -> Any:
        """Start a sync unless one runs; returns its Task (or the running one)."""
        if self.running is not None:
            return self.running
        from ..sync.engine import SyncEngine  # noqa: PLC0415

        db = self.ctx.db

        def work(state):
            def waiting(text: str) -> None:  # "等待服务器…第 N 次重试": phase "waiting", rows = N
                found = re.search(r"(\d+)", text)
                self._relay.emit("waiting", int(found[1]) if found else 0, 0)

            engine = SyncEngine(db, progress=lambda phase, rows, nbytes: self._relay.emit(phase, rows, nbytes),
                                cancel=lambda: state.cancelled, waiting=waiting, **self.engine_options)
            try:
                # Set before the signal that reads it is queued, so the UI thread sees it.
                self._expected_push = engine.pending_count()
                self._relay.emit("start", 0, 0)
                return engine.sync()
            finally:
                engine.transport.close()

        self.started.emit()
        self.running = self.ctx.tasks.run(work, on_done=self._done, on_error=self._failed, kind="net")
        return self.running

    def cancel(self) -> None:
        """Ask the running sync to stop after its current batch (committed work stays)."""
        if self.running is not None:
            self.running.cancel()

    def _on_progress(self, phase: str, rows: int, nbytes: int) -> None:
        expected = self._expected_push if phase in ("start", "push") else 0
        self.progressed.emit(phase, rows, expected, nbytes)

    def _done(self, report: Any) -> None:
        self.running = None
        self.last_report = report
        self.last_error = None
        self._set_online(True)
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        from ..sync.transport import ServerUnreachable  # noqa: PLC0415

        self.running = None
        if getattr(exc, "code", None) == "cancelled":
            self.cancelled.emit()
            return
        self.last_error = exc
        if isinstance(exc, ServerUnreachable):
            self._set_online(False)
        self.failed.emit(exc, "".join(traceback.format_exception(exc)))

    # ------------------------------------------------------------------ closing
    def close_gracefully(self, parent: QWidget, on_done: Callable[[], Any]) -> bool:
        """On window close: let a running sync finish (or stop it safely), or run a last sync.

        Returns True when work is under way; ``on_done`` is called when it has ended, however it ended.
        The dialog's button stops the sync; the engine stops between batches, so nothing half-done
        is left behind.
        """
        self.stop()
        if self.running is None:
            pending = self._expected_pending()
            wants = self.ctx.settings is None or self.ctx.settings.sync_on_close
            if not (wants and self.enrolled and self.online and pending):
                return False
            self.sync_now()
        dialog = QProgressDialog(self.tr("正在完成同步，请稍候…"), self.tr("停止同步"), 0, 0, parent)
        dialog.setWindowTitle(self.tr("关闭前同步"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self.cancel)
        self.close_dialog = dialog
        task = self.running

        def ended() -> None:
            dialog.reset()
            dialog.close()
            QTimer.singleShot(0, on_done)

        task.finished.connect(ended)
        dialog.show()
        return True

    def _expected_pending(self) -> int:
        from ..store.local import pending_count  # noqa: PLC0415

        with self.ctx.db.read() as conn:
            return pending_count(conn)
