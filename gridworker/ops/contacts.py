"""党员联户 (1+10+N): give a household its party member, put a party member under a central household.

A reassignment is one unit of work: the old link is deactivated (``active`` off, ``end_date``,
``reason``) and the new one inserted, or reactivated when that pair was linked before (the id is
``deterministic_id(from, to, kind)``, so two laptops linking the same pair make one row). The store
refuses a second active member for a household, so a household never has two.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..domain.ids import deterministic_id
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit


def relink(uow: Any, kind: str, from_id: str, to_id: str, *, reason: str | None = None,
           on: dt.date | None = None) -> str:
    """Link ``to_id`` (a household, or a member for ``central_member``) to ``from_id`` inside ``uow``,
    ending the link it has now. Returns the active link's id. No permission check (the operations
    below and demo data call it).

    Ending a current link needs a reason (``ValidationError`` on ``reason`` otherwise); linking the
    pair that is already active is refused (``link_exists`` on ``from_id``).
    """
    day = (on or dt.date.today()).isoformat()
    current = uow.query("SELECT id, from_id FROM contact_link WHERE kind = ? AND to_id = ? AND active = 1"
                        " AND deleted = 0", (kind, to_id))
    if any(link["from_id"] == from_id for link in current):
        raise ValidationError("from_id", from_id, "link_exists", "已经是这名党员联系，无需调整")
    if current and not reason:
        raise ValidationError("reason", reason, "reason_required", "调整联系必须说明原因")
    for link in current:
        uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": reason})
    link_id = deterministic_id(from_id, to_id, kind)
    existing = uow.get("contact_link", link_id, include_deleted=True)
    if existing is None:
        uow.insert("contact_link", {"kind": kind, "from_id": from_id, "to_id": to_id, "active": True,
                                    "start_date": day, "reason": reason}, row_id=link_id)
    else:
        if existing["deleted"]:
            uow.undelete("contact_link", link_id)
        uow.update("contact_link", link_id, {"active": True, "start_date": day, "end_date": None, "reason": reason})
    return link_id


def assign_household(uow: Any, household_id: str, member_id: str, *, reason: str | None = None,
                     on: dt.date | None = None) -> str:
    """A household gets ``member_id`` as its party member inside ``uow`` (reassigning needs a reason).
    No permission check."""
    return relink(uow, "member_household", member_id, household_id, reason=reason, on=on)


def _check(actor: Actor) -> None:
    role = require_role(actor)
    perm.check_write(role, "contact_link", "insert")
    perm.check_write(role, "contact_link", "update")


def _blank(reason: str | None) -> str | None:
    return (reason or "").strip() or None


@operation("contact.assign")
def assign(db: Database, actor: Actor, *, household_id: str, member_id: str, reason: str | None = None) -> Done:
    """分配联系党员: a household gets a party member (reassigning a linked household needs a reason)."""
    _check(actor)
    done = Done()
    with unit(db, actor, done) as uow:
        uow.require("household", household_id, "household_id")
        uow.require("party_member", member_id, "member_id")
        done.id = assign_household(uow, household_id, member_id, reason=_blank(reason))
    return done


@operation("contact.relink")
def relink_member(db: Database, actor: Actor, *, member_id: str, central_id: str, reason: str | None = None) -> Done:
    """调整所属中心户: a party member goes under a central household (moving one needs a reason)."""
    _check(actor)
    done = Done()
    with unit(db, actor, done) as uow:
        uow.require("party_member", member_id, "member_id")
        central = uow.require("party_member", central_id, "central_id")
        if not central.get("is_central_household"):
            raise ValidationError("central_id", central_id, "not_central", f"{central['name']}不是党员中心户")
        done.id = relink(uow, "central_member", central_id, member_id, reason=_blank(reason))
    return done
