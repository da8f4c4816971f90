"""Progress reports and cancellation for long ledger work run from a worker thread.

The app's import/export dialogs run the ledger API off the UI thread, pass a ``progress``
callable ``(done, total)`` and a :class:`CancelToken`, and call :meth:`CancelToken.cancel` from
the UI thread. The work checks the token between chunks of rows; a cancelled import raises
:class:`Cancelled` inside its transaction, so nothing it did is committed.
"""
from __future__ import annotations

import threading
from typing import Callable, Protocol

from ..domain.errors import GridworkerError

ProgressFn = Callable[[int, int], None]


class Cancelled(GridworkerError):
    """The user cancelled; everything the work had done was rolled back."""

    def __init__(self, message: str = "已取消，未写入任何数据") -> None:
        super().__init__(message)


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class CancelToken:
    """A flag the UI thread sets and the worker thread polls (a ``threading.Event`` works too)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class Ticker:
    """Reports progress every ``every`` steps and raises :class:`Cancelled` when the flag is set.

    ``total`` is fixed when the work starts, so a progress bar never runs backwards.
    """

    def __init__(self, total: int, progress: ProgressFn | None, cancel: CancelFlag | None, every: int = 500):
        self.total = max(total, 0)
        self.done = 0
        self._progress = progress
        self._cancel = cancel
        self._every = every
        self._next = every

    def check(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled()

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self._next:
            self._next = self.done + self._every
            self.report()
            self.check()

    def report(self) -> None:
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)
