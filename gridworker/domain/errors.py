"""Errors raised by the domain rules and the store: each names the field and the value."""
from __future__ import annotations

from typing import Any


class GridworkerError(Exception):
    """Base of every error this program raises on purpose."""


class ValidationError(GridworkerError, ValueError):
    """A value was refused. ``field`` and ``value`` say where; ``message`` says why, in Chinese.

    ``code`` is a short stable English key (``"id_checksum"``) that callers may switch on, and
    ``row`` is filled in by bulk callers (import) with the 1-based row number of the input.
    """

    def __init__(self, field: str, value: Any, code: str, message: str, *, row: int | None = None):
        self.field = field
        self.value = value
        self.code = code
        self.message = message
        self.row = row
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"第{self.row}行 " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}（输入值：{self.value!r}）"


class RuleViolation(GridworkerError):
    """A domain rule refused an action (an issue step not allowed in its state, a second link)."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)
