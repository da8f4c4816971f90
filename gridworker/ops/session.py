"""Who is logged in on this laptop, and the actor their changes are made as."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import permissions as perm
from ..store.database import Actor, Database


@dataclass
class Session:
    """The logged-in user on this laptop (from their key slot)."""

    user_id: str
    username: str
    display_name: str
    role: str  # admin / grid_worker / party_member (domain/permissions.py)
    org_id: str | None = None
    member_id: str | None = None  # a party-member user's party_member row (local_user.member_id)

    @property
    def is_admin(self) -> bool:
        return self.role == perm.ADMIN

    def may_see_sensitive(self) -> bool:
        """Special-management tags and full ID numbers: the roles the permission table allows (PIPL)."""
        return perm.may(self.role, "personal.reveal")

    def may(self, action: str) -> bool:
        """Whether this user may take a named action of the permission table (to offer it or not)."""
        return perm.may(self.role, action)

    def bound_member(self, db: Database) -> str | None:
        """The party_member row this user is bound to (``local_user.member_id``, set from the server's
        user record), looked up once; None for other roles."""
        if self.member_id is None and self.role == perm.PARTY_MEMBER:
            from ..store.local import member_of_user  # noqa: PLC0415

            with db.read() as conn:
                self.member_id = member_of_user(conn, self.user_id)
        return self.member_id

    def actor(self, db: Database) -> Actor:
        return db.actor(self.user_id, self.display_name, self.role, self.org_id, self.bound_member(db))

    @classmethod
    def from_slot(cls, slot) -> "Session":
        return cls(slot.user_id, slot.username, slot.display_name or slot.username, slot.role, slot.org_id)
