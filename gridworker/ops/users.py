"""本机用户: who may open this laptop. Check a login and record it; add, remove a laptop user.

Each user of a laptop has a key slot (store/keyslots.py): the database key sealed with their
password, and a ``local_user`` row (store/sync/laptop.py). A login is no operation of the registry:
before it there is no actor (:func:`check_login`, :func:`record_login` are plain functions).
Adding and removing users, and the offline-login limit, are the admin's (``users.manage``).
"""
from __future__ import annotations

from typing import Any

from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..store.database import Actor, Database
from ..store.keyslots import WrongPassword
from ..sync.laptop import Laptop, LaptopError, remember_local_user
from .base import Done, operation, require_role, unit
from .session import Session


# --------------------------------------------------------------------------- logging in (no actor yet)
def remember_user(db: Database, *, user_id: str, username: str, display_name: str | None, role: str,
                  password: str, org_id: str | None = None, member_id: str | None = None) -> Session:
    """Let a user log in on this laptop without asking the server (tests, demos, local tools): a key
    slot sealed with the open database's key, and their ``local_user`` row. The app itself adds users
    only after the server checked their password (:func:`add_user`). No permission check."""
    if db.key is None:
        raise LaptopError("本机数据库未加密，无法添加用户")
    laptop = Laptop(db.path.parent)
    slots = laptop.slots
    if slots is None:
        from ..store.keyslots import KeySlots  # noqa: PLC0415

        slots, _unused = KeySlots.create(db.path)
    slots.add_user(db.key, user_id=user_id, username=username, display_name=display_name, role=role,
                   org_id=org_id, password=password, online=False)
    remember_local_user(db, {"id": user_id, "username": username, "display_name": display_name, "role": role,
                             "org_id": org_id, "member_id": member_id}, password)
    return Session(user_id, username, display_name or username, role, org_id, member_id)


def record_login(db: Database, session: Session, action: str = "login") -> None:
    """Logins are part of the audit trail (who used this laptop, when): ``login`` or ``unlock``."""
    if db.community_id:
        with unit(db, session.actor(db), Done()) as uow:
            uow.audit(action, detail={"username": session.username})


def check_login(db: Database, username: str, password: str) -> Session | None:
    """The session when ``password`` opens ``username``'s slot and that slot holds ``db``'s key."""
    laptop = Laptop(db.path.parent)
    try:
        slot = laptop.login_open(db, username, password, online_check=False)
    except (WrongPassword, LaptopError):
        return None
    return _bound(db, Session.from_slot(slot))


def _bound(db: Database, session: Session) -> Session:
    """The session with the party_member row its user is bound to (``local_user.member_id``)."""
    from ..store.local import member_of_user  # noqa: PLC0415

    with db.read() as conn:
        session.member_id = member_of_user(conn, session.user_id)
    return session


def login(db: Database, username: str, password: str, action: str = "login") -> Session | None:
    """:func:`check_login`, and when the password is right, :func:`record_login`."""
    session = check_login(db, username, password)
    if session is not None:
        record_login(db, session, action)
    return session


# --------------------------------------------------------------------------- managing users (admins)
def _laptop(db: Database, laptop: Laptop | None) -> Laptop:
    return laptop if laptop is not None else Laptop(db.path.parent)


def add_user(db: Database, actor: Actor, username: str, password: str, *, laptop: Laptop | None = None) -> Any:
    """Another person may use this laptop: the server checks their password (online), then their
    slot is sealed with the open database's key. Returns the new slot. Not an operation of the
    registry: a password does not belong on a command line."""
    perm.check(require_role(actor), "users.manage")
    return _laptop(db, laptop).add_user(db, db.key, username, password)


def remove_user(db: Database, actor: Actor, username: str, *, laptop: Laptop | None = None) -> Done:
    """Drop a user's key slot and ``local_user`` row (not yourself, not the last user): their
    password opens nothing here afterwards. ``laptop``: the app's own (its slots stay current)."""
    perm.check(require_role(actor), "users.manage")
    lap = _laptop(db, laptop)
    slot = lap.slots.find(username) if lap.slots is not None else None
    if slot is None:
        raise ValidationError("username", username, "unknown_user", f"本机没有用户 {username}")
    if slot.user_id == actor.user_id:
        raise ValidationError("username", username, "self", "不能移除当前登录的用户")
    lap.remove_user(db, username)
    done = Done(id=slot.user_id)
    done.changes.add("local_user", slot.user_id)
    return done


@operation("user.remove")
def remove(db: Database, actor: Actor, *, username: str) -> Done:
    """移除本机用户: their key slot is dropped, so their password no longer opens this laptop."""
    return remove_user(db, actor, username)


@operation("user.offline_days")
def offline_days(db: Database, actor: Actor, *, days: int) -> Done:
    """离线登录期限: after this many days without reaching the server, a login is checked online."""
    return set_offline_days(db, actor, days)


def set_offline_days(db: Database, actor: Actor, days: int, *, laptop: Laptop | None = None) -> Done:
    perm.check(require_role(actor), "users.manage")
    if not 1 <= days <= 365:
        raise ValidationError("days", days, "out_of_range", "离线登录期限应在 1 到 365 天之间")
    slots = _laptop(db, laptop).slots
    if slots is None:
        raise LaptopError("本机没有密钥文件")
    slots.offline_days = days
    return Done(value={"offline_days": days})


__all__ = ["add_user", "check_login", "login", "offline_days", "record_login", "remember_user", "remove",
           "remove_user", "set_offline_days"]
