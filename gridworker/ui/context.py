"""What every window and workspace is given: the database, who is logged in, and the task runner."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..store.database import Actor, Database


@dataclass
class Session:
    """The logged-in user on this laptop."""

    user_id: str
    username: str
    display_name: str
    role: str  # admin / grid_worker / party_member
    org_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_see_sensitive(self) -> bool:
        """Special-management tags and full ID numbers: admins and grid workers only (PIPL)."""
        return self.role in ("admin", "grid_worker")


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
        return self.db.actor(self.session.user_id, self.session.display_name)
