"""The base class of the main window's workspaces (住户, 党员联户, 走访, 议事表决, 吹哨报到, 同步, 概览)."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..store.database import Changes
from .context import AppContext


class Workspace(QWidget):
    """One page of the main window. Subclasses set ``key`` and implement ``title()``.

    The main window calls ``set_context`` once after login, ``on_changes`` after every unit of
    work (refresh only what the change touched) and ``on_org_selected`` when the org tree selection
    changes (None = the whole community). Database and network work goes through
    ``ctx.tasks`` (off the UI thread), never directly in a slot that the user waits on.
    """

    key: str = "workspace"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self.org_id: str | None = None

    def title(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_context(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def on_changes(self, changes: Changes) -> None:
        """A unit of work committed (here or by a sync pull)."""

    def show_filtered(self, what: object) -> None:
        """Show the part ``what`` names (a list filter, a tab), e.g. opened from a 概览 card."""

    def on_org_selected(self, org_id: str | None) -> None:
        self.org_id = org_id
