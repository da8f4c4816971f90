"""What every window and workspace is given: the database, who is logged in, and the task runner."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..ops.session import Session
from ..store.database import Actor, Database


@dataclass
class AppContext:
    """Passed to every workspace; nothing is a global."""

    db: Database
    session: Session
    tasks: Any  # gridworker.ui.tasks.TaskRunner
    data_dir: Any = None
    settings: Any = None
    extras: dict = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return self.session.actor(self.db)

__all__ = ["AppContext", "Session"]
