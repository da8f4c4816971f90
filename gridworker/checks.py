"""One self-check's outcome, and running a check so that its failure is reported, never raised.

Shared by :mod:`gridworker.selfcheck` and its Qt part (:mod:`gridworker.ui.selfcheck_window`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger("gridworker.selfcheck")


@dataclass
class Check:
    """One check's outcome: ``ok`` False fails the self-check; ``warn`` is shown but does not fail it."""

    name: str
    ok: bool
    detail: str = ""
    warn: bool = False

    def line(self) -> str:
        mark = "ok  " if self.ok and not self.warn else ("warn" if self.ok else "FAIL")
        return f"{mark}  {self.name}: {self.detail}" if self.detail else f"{mark}  {self.name}"


def guard(name: str, fn: Callable[[], str | Check]) -> Check:
    """Run one check; an exception is a failure with its message, never a crash of the self-check."""
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001 - every failure is reported, the rest still run
        log.exception("self-check %s failed", name)
        return Check(name, False, f"{type(exc).__name__}: {exc}")
    return out if isinstance(out, Check) else Check(name, True, out)
