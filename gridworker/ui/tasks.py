"""Background work for the UI: one thread for database work, a pool for network work.

    ctx.tasks.run(lambda state: load(state), on_done=show, label="正在加载…")

``fn`` receives a :class:`TaskState` to report progress and check for cancellation. Results and
errors come back on the UI thread by signal; a worker never touches a widget. A progress dialog
appears only when the work takes longer than half a second (``label`` given).
"""
from __future__ import annotations

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..domain.cancel import CancelToken, Cancelled


class TaskState(CancelToken):
    """Given to the worker function: report progress; cancel, ``cancelled`` and ``check()`` as any
    :class:`~gridworker.domain.cancel.CancelToken`. Thread-safe."""

    def __init__(self) -> None:
        super().__init__()
        self.done = 0
        self.total = 0
        self.text = ""
        self._listener: Callable[[int, int, str], None] | None = None

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        self.done, self.total, self.text = done, total, text
        if self._listener:
            self._listener(done, total, text)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(int, int, str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[TaskState], Any], state: TaskState, signals: _Signals):
        super().__init__()
        self.fn, self.state, self.signals = fn, state, signals
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        self.state._listener = lambda d, t, x: self.signals.progressed.emit(d, t, x)
        try:
            result = self.fn(self.state)
        except BaseException as exc:  # noqa: BLE001 - delivered to the UI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.done.emit(result)


class Task(QObject):
    """A running job. ``finished`` is emitted on the UI thread when it ends either way."""

    finished = Signal()

    def __init__(self, state: TaskState, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.running = True

    def cancel(self) -> None:
        self.state.cancel()


class TaskRunner(QObject):
    """Runs work off the UI thread. ``kind="db"`` work is serialised on one thread."""

    error = Signal(object, str)  # unhandled errors: the main window shows them in one place

    def __init__(self, parent_widget: QWidget | None = None):
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)
        self.net_pool = QThreadPool(self)
        self.net_pool.setMaxThreadCount(2)
        self.active: list[Task] = []

    def run(self, fn: Callable[[TaskState], Any], *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[int, int, str], None] | None = None,
            label: str | None = None, cancellable: bool = False, kind: str = "db") -> Task:
        state = TaskState()
        task = Task(state, self)
        signals = _Signals()
        task._signals = signals  # keep alive with the task
        dialog: list[QProgressDialog] = []

        def show_dialog() -> None:
            if not task.running or label is None:
                return
            d = QProgressDialog(label, self.tr("取消") if cancellable else "", 0, 0, self.parent_widget)
            d.setWindowTitle(self.tr("请稍候"))
            d.setMinimumDuration(0)
            if not cancellable:
                d.setCancelButton(None)
            d.canceled.connect(state.cancel)
            d.show()
            dialog.append(d)

        timer = QTimer(task)
        timer.setSingleShot(True)
        timer.timeout.connect(show_dialog)
        timer.start(500)

        def finish() -> None:
            task.running = False
            timer.stop()
            for d in dialog:
                d.reset()
                d.close()
                d.deleteLater()
            if task in self.active:
                self.active.remove(task)
            task.finished.emit()

        @Slot(object)
        def done(result: Any) -> None:
            finish()
            if on_done:
                on_done(result)

        @Slot(object, str)
        def failed(exc: BaseException, tb: str) -> None:
            finish()
            if on_error:
                on_error(exc)  # a cancelled sync or import has its own message to show
            elif not isinstance(exc, Cancelled):
                self.error.emit(exc, tb)

        @Slot(int, int, str)
        def progressed(done_n: int, total: int, text: str) -> None:
            for d in dialog:
                d.setMaximum(max(total, 0))
                d.setValue(min(done_n, total) if total else 0)
                if text:
                    d.setLabelText(text)
            if on_progress:
                on_progress(done_n, total, text)

        signals.done.connect(done)
        signals.failed.connect(failed)
        signals.progressed.connect(progressed)
        self.active.append(task)
        (self.db_pool if kind == "db" else self.net_pool).start(_Job(fn, state, signals))
        return task

    def wait_all(self, msecs: int = 30_000) -> bool:
        """Block until every task has ended (used on close and in tests)."""
        return self.db_pool.waitForDone(msecs) and self.net_pool.waitForDone(msecs)


def run_operation(ctx: Any, fn: Callable[..., Any], error_label: Any, *,
                  on_done: Callable[[Any], None] | None = None, **kwargs: Any) -> None:
    """Run ``fn(ctx.db, ctx.actor, **kwargs)`` (an ops/ operation) off the UI thread; a refusal's
    Chinese message goes into ``error_label`` (cleared first), the result to ``on_done``."""
    from ..domain.errors import GridworkerError  # noqa: PLC0415

    error_label.clear()

    def failed(exc: BaseException) -> None:
        error_label.setText(exc.message if isinstance(exc, GridworkerError) else str(exc))

    ctx.tasks.run(lambda _state: fn(ctx.db, ctx.actor, **kwargs), on_done=on_done, on_error=failed)
