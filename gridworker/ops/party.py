"""党员名册 (party roster): 网格党支部, adding / editing members, 党员中心户, a member leaving.

- ``party.branch_add`` / ``party.branch_update``: a 网格党支部 is an ``org_unit`` of level
  ``party_branch`` under a grid or the community, with its secretary (the admin's).
- ``party.add``: a member from a resident whose 政治面貌 is 中共党员 / 预备党员, or (no resident)
  an in-service member registered under 三报到 (name, phone, workplace, 报到 date).
- ``party.update``: phone, branch, pledge (亮承诺), workplace, dates.
- ``party.set_central``: designate or revoke a 党员中心户, with a reason; revoking ends the
  links to the members under it (they show as without a 中心户 until relinked).
- ``party.leave``: moved away / died: every link of the member ends, their households go to the
  members given in ``reassign`` (``party.propose`` proposes the nearest by building), the row is
  kept with ``left_on`` / ``left_reason`` and tombstoned.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import party as rules
from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..store import queries_party as q
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit
from .contacts import assign_household


def _manage(actor: Actor) -> str:
    role = require_role(actor)
    perm.check(role, "party.manage")
    return role


def _branch(uow: Any, branch_id: str | None) -> str | None:
    if not branch_id:
        return None
    row = uow.require("org_unit", branch_id, "branch_id")
    if row.get("level") != "party_branch":
        raise ValidationError("branch_id", branch_id, "not_branch", f"{row.get('name')}不是网格党支部")
    return branch_id


def _day(value: dt.date | str | None) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --------------------------------------------------------------------------- branches
@operation("party.branch_add")
def branch_add(db: Database, actor: Actor, *, name: str, parent_id: str, secretary: str | None = None,
               code: str | None = None) -> Done:
    """设立网格党支部: a party branch under a grid (or the community), with its secretary."""
    perm.check(require_role(actor), "party.branch")
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", name, "required", "请填写支部名称")
    done = Done()
    with unit(db, actor, done) as uow:
        parent = uow.require("org_unit", parent_id, "parent_id")
        if parent.get("level") not in ("community", "grid"):
            raise ValidationError("parent_id", parent_id, "bad_parent", "网格党支部应设在社区或网格之下")
        done.id = uow.insert("org_unit", {"name": name, "level": "party_branch", "parent_id": parent_id,
                                          "code": code or f"{parent.get('code') or ''}-PB",
                                          "secretary": (secretary or "").strip() or None})
    return done


@operation("party.branch_update")
def branch_update(db: Database, actor: Actor, *, branch_id: str, name: str | None = None,
                  secretary: str | None = None) -> Done:
    """修改网格党支部: its name or its secretary."""
    perm.check(require_role(actor), "party.branch")
    done = Done(id=branch_id)
    with unit(db, actor, done) as uow:
        _branch(uow, branch_id)
        values: dict[str, Any] = {}
        if name is not None:
            if not name.strip():
                raise ValidationError("name", name, "required", "请填写支部名称")
            values["name"] = name.strip()
        if secretary is not None:
            values["secretary"] = secretary.strip() or None
        if values:
            uow.update("org_unit", branch_id, values)
    return done


# --------------------------------------------------------------------------- members
@operation("party.add")
def add(db: Database, actor: Actor, *, resident_id: str | None = None, name: str | None = None,
        phone: str | None = None, branch_id: str | None = None, joined_on: dt.date | None = None,
        workplace: str | None = None, reported_on: dt.date | None = None, household_id: str | None = None,
        pledge: str | None = None) -> Done:
    """添加党员: from a resident (政治面貌 中共党员 / 预备党员), or an in-service member (三报到) by
    name, phone, workplace and 报到 date."""
    _manage(actor)
    done = Done()
    with unit(db, actor, done) as uow:
        values: dict[str, Any] = {"branch_id": _branch(uow, branch_id), "joined_on": _day(joined_on),
                                  "pledge": rules.pledge(pledge)}
        if resident_id:
            person = uow.require("resident", resident_id, "resident_id")
            rules.check_political(person.get("political"), person.get("name") or "")
            taken = uow.query("SELECT id FROM party_member WHERE resident_id = ? AND deleted = 0", (resident_id,))
            if taken:
                raise ValidationError("resident_id", resident_id, "already_member",
                                      f"{person['name']}已在党员名册中")
            values.update(resident_id=resident_id, household_id=person.get("household_id"), name=person["name"],
                          phone=phone or person.get("phone"), workplace=workplace or person.get("workplace"),
                          in_service=bool(workplace or reported_on), reported_on=_day(reported_on))
        else:
            if not (name or "").strip():
                raise ValidationError("name", name, "required", "在职党员报到请填写姓名（或选择本社区居民）")
            if not (phone or "").strip():
                raise ValidationError("phone", phone, "required", "在职党员报到请填写联系电话")
            if not (workplace or "").strip():
                raise ValidationError("workplace", workplace, "required", "在职党员报到请填写工作单位")
            if reported_on is None:
                raise ValidationError("reported_on", reported_on, "required", "在职党员报到请填写报到日期")
            if household_id:
                uow.require("household", household_id, "household_id")
            values.update(name=name.strip(), phone=phone.strip(), workplace=workplace.strip(), in_service=True,
                          reported_on=_day(reported_on), household_id=household_id or None)
        done.id = uow.insert("party_member", values)
    return done


@operation("party.update")
def update(db: Database, actor: Actor, *, member_id: str, phone: str | None = None, branch_id: str | None = None,
           pledge: str | None = None, workplace: str | None = None, reported_on: dt.date | None = None,
           joined_on: dt.date | None = None, name: str | None = None) -> Done:
    """修改党员信息: phone, branch, 亮承诺, workplace, dates (a resident member's name is the resident's)."""
    _manage(actor)
    done = Done(id=member_id)
    with unit(db, actor, done) as uow:
        row = uow.require("party_member", member_id, "member_id")
        values: dict[str, Any] = {}
        if name is not None:
            if row.get("resident_id"):
                raise ValidationError("name", name, "from_resident", "该党员的姓名来自居民信息，请在居民信息中修改")
            if not name.strip():
                raise ValidationError("name", name, "required", "请填写姓名")
            values["name"] = name.strip()
        if phone is not None:
            values["phone"] = phone.strip() or None
        if branch_id is not None:
            values["branch_id"] = _branch(uow, branch_id)
        if pledge is not None:
            values["pledge"] = rules.pledge(pledge)
        if workplace is not None:
            values["workplace"] = workplace.strip() or None
        if reported_on is not None:
            values["reported_on"] = _day(reported_on)
        if joined_on is not None:
            values["joined_on"] = _day(joined_on)
        if values:
            uow.update("party_member", member_id, values)
    return done


@operation("party.set_central")
def set_central(db: Database, actor: Actor, *, member_id: str, central: bool, reason: str) -> Done:
    """设为 / 撤销党员中心户, with a reason; revoking ends the links to the members under it."""
    _manage(actor)
    why = rules.reason(reason)
    done = Done(id=member_id)
    day = dt.date.today().isoformat()
    with unit(db, actor, done) as uow:
        row = uow.require("party_member", member_id, "member_id")
        if bool(row.get("is_central_household")) == bool(central):
            raise ValidationError("central", central, "unchanged",
                                  f"{row['name']}{'已经是' if central else '本来就不是'}党员中心户")
        if central:
            mine = uow.query("SELECT id FROM contact_link WHERE kind = 'central_member' AND to_id = ?"
                             " AND active = 1 AND deleted = 0", (member_id,))
            for link in mine:  # a 中心户 leads; it is no longer under another one
                uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": why})
        else:
            for link in uow.query("SELECT id FROM contact_link WHERE kind = 'central_member' AND from_id = ?"
                                  " AND active = 1 AND deleted = 0", (member_id,)):
                uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": why})
        uow.update("party_member", member_id, {"is_central_household": bool(central), "central_reason": why})
    return done


@operation("party.propose")
def propose(db: Database, actor: Actor, *, member_id: str, limit: int = 3) -> Done:
    """为离开的党员的联系户推荐接替党员（按楼栋就近）: answers, writes nothing."""
    _manage(actor)
    with db.read() as conn:
        value = q.proposals(conn, member_id, limit=limit)
    return Done(id=member_id, value=value)


@operation("party.leave")
def leave(db: Database, actor: Actor, *, member_id: str, kind: str, reason: str | None = None,
          reassign: dict | None = None, on: dt.date | None = None) -> Done:
    """党员离开（迁出、去世…）: every link ends, households go to the members in ``reassign``
    ({household_id: member_id}); the member is kept in history as left."""
    _manage(actor)
    rules.leave_kind(kind)
    why = rules.LEAVE_KINDS[kind] + (f"：{reason.strip()}" if reason and reason.strip() else "")
    if kind == "other":
        rules.reason(reason)
    day = (on or dt.date.today()).isoformat()
    reassign = dict(reassign or {})
    done = Done(id=member_id)
    with unit(db, actor, done) as uow:
        row = uow.require("party_member", member_id, "member_id")
        households = [r["to_id"] for r in uow.query(
            "SELECT to_id FROM contact_link WHERE kind = 'member_household' AND from_id = ? AND active = 1"
            " AND deleted = 0", (member_id,))]
        stray = set(reassign) - set(households)
        if stray:
            raise ValidationError("reassign", sorted(stray)[0], "not_linked", "只能调整该党员联系的住户")
        if member_id in reassign.values():
            raise ValidationError("reassign", member_id, "leaving", "不能把住户交给正在离开的党员")
        if row.get("is_central_household"):
            under = uow.query("SELECT id FROM contact_link WHERE kind = 'central_member' AND from_id = ?"
                              " AND active = 1 AND deleted = 0", (member_id,))
            for link in under:
                uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": why})
        for link in uow.query("SELECT id FROM contact_link WHERE kind = 'central_member' AND to_id = ?"
                              " AND active = 1 AND deleted = 0", (member_id,)):
            uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": why})
        moved: dict[str, str | None] = {}
        for hid in households:
            target = reassign.get(hid)
            if target:
                target_row = uow.require("party_member", target, "reassign")
                if target_row.get("left_on"):
                    raise ValidationError("reassign", target, "left", f"{target_row['name']}已离开，不能接替")
                assign_household(uow, hid, target, reason=why, on=on)  # ends this member's link too
                moved[hid] = target
            else:
                for link in uow.query("SELECT id FROM contact_link WHERE kind = 'member_household' AND from_id = ?"
                                      " AND to_id = ? AND active = 1 AND deleted = 0", (member_id, hid)):
                    uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": why})
                moved[hid] = None
        uow.update("party_member", member_id, {"left_on": day, "left_reason": why, "is_central_household": False})
        uow.delete("party_member", member_id)
        done.value = {"reassigned": {h: m for h, m in moved.items() if m},
                      "unlinked": sorted(h for h, m in moved.items() if not m)}
    return done


__all__ = ["add", "branch_add", "branch_update", "leave", "propose", "set_central", "update"]


@operation("party.import")
def import_file(db: Database, actor: Actor, *, path: str, dry_run: bool = False, report: str | None = None) -> Done:
    """导入党员名册 (.xlsx / .csv): residents matched by ID number, in-service members, 中心户; ``report``:
    where to write the validation report (原因 per rejected row)."""
    from ..ledger.party_roster import import_roster  # noqa: PLC0415
    from ..ledger.report import write_report  # noqa: PLC0415

    result = import_roster(db, actor, path, dry_run=dry_run)
    if report:
        write_report(result, report)
    return Done(value=result.summary() | {"rejections": [o.to_json() for o in result.rejections]})


@operation("party.export")
def export_file(db: Database, actor: Actor, *, path: str) -> Done:
    """导出党员名册 with the 1+10+N tree (.xlsx, or .csv by the file name)."""
    from ..ledger.party_roster import export_roster  # noqa: PLC0415

    return Done(value={"path": str(export_roster(db, actor, path))})
