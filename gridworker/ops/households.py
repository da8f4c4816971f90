"""住户 and their residents: add, edit, move to another grid or building, delete.

The store validates every value (a bad phone or ID number is a ``ValidationError`` on that field and
nothing is written). A party member reads households but changes none of them (the permission table).
A deleted household takes its residents with it: all tombstones of one unit of work, so they sync.
"""
from __future__ import annotations

import datetime as dt

from typing import Any

from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The values a new row is given: blanks (None, "", []) are left to the defaults."""
    return {k: v for k, v in values.items() if v not in (None, "", [])}


# --------------------------------------------------------------------------- households
@operation("household.add")
def add(db: Database, actor: Actor, *, address: str, grid_id: str | None = None, building_id: str | None = None,
        head_name: str | None = None, phone: str | None = None, tenure: str | None = None,
        residence_status: str | None = None, housing_use: str | None = None, area_m2: str | None = None,
        attention_level: str | None = None, tags: list | None = None, notes: str | None = None) -> Done:
    """新增住户: a new household (address required; codes as in the ledger: tenure own/rent/vacant …)."""
    values = _given({"address": address, "grid_id": grid_id, "building_id": building_id, "head_name": head_name,
                     "phone": phone, "tenure": tenure, "residence_status": residence_status,
                     "housing_use": housing_use, "area_m2": area_m2, "attention_level": attention_level,
                     "tags": tags, "notes": notes})
    role = require_role(actor)
    perm.check_write(role, "household", "insert", values)
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = uow.insert("household", values)
    return done


@operation("household.update")
def update(db: Database, actor: Actor, *, household_id: str, values: dict) -> Done:
    """修改住户: change fields of a household (``values``: field → new value; unchanged ones write nothing)."""
    role = require_role(actor)
    perm.check_write(role, "household", "update", values)
    done = Done(id=household_id)
    with unit(db, actor, done) as uow:
        uow.update("household", household_id, values)
    return done


@operation("household.move")
def move(db: Database, actor: Actor, *, household_id: str, grid_id: str, building_id: str | None = None,
         address: str | None = None) -> Done:
    """迁移住户: a household goes to another grid (and building, None: not in one); a new address if given."""
    role = require_role(actor)
    perm.check(role, "household.move")
    values: dict[str, Any] = {"grid_id": grid_id, "building_id": building_id}
    if address is not None:
        values["address"] = address
    perm.check_write(role, "household", "update", values)
    if not grid_id:
        raise ValidationError("grid_id", grid_id, "required", "请选择要迁入的网格")
    done = Done(id=household_id)
    with unit(db, actor, done) as uow:
        uow.update("household", household_id, values)
    return done


@operation("household.delete")
def delete(db: Database, actor: Actor, *, household_id: str) -> Done:
    """删除住户: tombstone a household and its residents (the deletion syncs to the other laptops)."""
    role = require_role(actor)
    perm.check_write(role, "household", "delete")
    perm.check_write(role, "resident", "delete")
    done = Done(id=household_id)
    with unit(db, actor, done) as uow:
        uow.require("household", household_id, "household_id")
        residents = [r["id"] for r in uow.query("SELECT id FROM resident WHERE household_id = ? AND deleted = 0",
                                                (household_id,))]
        for rid in residents:
            uow.delete("resident", rid)
        uow.delete("household", household_id)
    done.value = {"residents": residents}  # what 撤销 brings back
    return done


@operation("household.restore")
def restore(db: Database, actor: Actor, *, household_id: str, resident_ids: list | None = None) -> Done:
    """恢复已删除的住户 (撤销 / 回收站): the household and the residents deleted with it come back; the
    restore syncs like the deletion did. ``resident_ids``: exactly those (the undo of a delete just
    made); without it, the residents deleted within a minute of the household."""
    role = require_role(actor)
    perm.check_write(role, "household", "undelete")
    perm.check_write(role, "resident", "undelete")
    done = Done(id=household_id)
    with unit(db, actor, done) as uow:
        h = uow.get("household", household_id, include_deleted=True)
        if h is None:
            raise ValidationError("household_id", household_id, "not_found", "找不到这一户")
        if not h["deleted"]:
            raise ValidationError("household_id", household_id, "not_deleted", "这一户没有被删除")
        if resident_ids is None:
            resident_ids = [r["id"] for r in uow.query(
                "SELECT id, updated_at FROM resident WHERE household_id = ? AND deleted = 1", (household_id,))
                if _within_a_minute(r["updated_at"], h["updated_at"])]
        uow.undelete("household", household_id)
        for rid in resident_ids:
            uow.undelete("resident", rid)
    return done


def _within_a_minute(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        return abs((dt.datetime.fromisoformat(a) - dt.datetime.fromisoformat(b)).total_seconds()) <= 60
    except ValueError:
        return False


# --------------------------------------------------------------------------- residents
@operation("resident.add")
def add_resident(db: Database, actor: Actor, *, household_id: str, name: str, id_number: str | None = None,
                 gender: str | None = None, birth_date: str | None = None, relation: str | None = None,
                 phone: str | None = None, tags: list | None = None, sensitive_tags: list | None = None,
                 notes: str | None = None) -> Done:
    """添加成员: a resident of a household (ID number and phone checked; relation as a 户主关系 code)."""
    values = _given({"household_id": household_id, "name": name, "id_number": id_number, "gender": gender,
                     "birth_date": birth_date, "relation": relation, "phone": phone, "tags": tags,
                     "sensitive_tags": sensitive_tags, "notes": notes})
    role = require_role(actor)
    perm.check_write(role, "resident", "insert", values)
    done = Done()
    with unit(db, actor, done) as uow:
        uow.require("household", household_id, "household_id")
        done.id = uow.insert("resident", values)
    return done


@operation("resident.update")
def update_resident(db: Database, actor: Actor, *, resident_id: str, values: dict) -> Done:
    """修改成员: change fields of a resident (``household_id`` moves them to another household)."""
    role = require_role(actor)
    perm.check_write(role, "resident", "update", values)
    done = Done(id=resident_id)
    with unit(db, actor, done) as uow:
        if values.get("household_id"):
            uow.require("household", values["household_id"], "household_id")
        uow.update("resident", resident_id, values)
    return done


@operation("resident.delete")
def delete_resident(db: Database, actor: Actor, *, resident_id: str) -> Done:
    """移除成员: tombstone one resident of a household."""
    role = require_role(actor)
    perm.check_write(role, "resident", "delete")
    done = Done(id=resident_id)
    with unit(db, actor, done) as uow:
        uow.delete("resident", resident_id)
    return done
