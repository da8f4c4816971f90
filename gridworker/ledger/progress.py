"""Progress reports and cancellation for long ledger work run from a worker thread.

The app's import/export dialogs run the ledger API off the UI thread, pass a ``progress``
callable ``(done, total)`` and a :class:`CancelToken`, and call :meth:`CancelToken.cancel` from
the UI thread. The work checks the token between chunks of rows; a cancelled import raises
:class:`Cancelled` inside its transaction, so nothing it did is committed.
"""
from __future__ import annotations

from typing import Callable, Protocol

from ..domain.cancel import CancelToken, Cancelled

ProgressFn = Callable[[int, int], None]

__all__ = ["CancelFlag", "CancelToken", "Cancelled", "ProgressFn", "Ticker"]


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


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
            raise Cancelled("已取消，未写入任何数据")  # the work rolls back its one transaction

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self._next:
            self._next = self.done + self._every
            self.report()
            self.check()

    def report(self) -> None:
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)
