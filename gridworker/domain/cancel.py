"""Cancelling long work (a sync, an import, an export, a background task) from another thread.

The UI thread calls :meth:`CancelToken.cancel`; the worker polls the token between chunks and
raises :class:`Cancelled`. There is one ``Cancelled`` for all of them, so ``except Cancelled``
catches every cancellation; the raiser's message says what was kept or rolled back.
"""
from __future__ import annotations

import threading

from .errors import GridworkerError


class Cancelled(GridworkerError):
    """The user asked to stop. ``code`` is ``"cancelled"``; ``message`` says what became of the work."""

    code = "cancelled"

    def __init__(self, message: str = "已取消") -> None:
        super().__init__(message)
        self.message = message


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

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self._event.is_set():
            raise Cancelled()
