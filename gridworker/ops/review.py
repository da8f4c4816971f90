"""同步审核: settle the sync review queue (conflicts, rejected changes, flags) and resend a corrected change.

Review items live in the laptop-only ``review_item`` table (store/local.py). Closing one is
local bookkeeping (no outbox entry); keeping the other laptop's value, bringing a deleted row back
or resending a corrected change is an ordinary edit through the unit of work, which syncs like any
other. Settling is for grid workers and admins (``review.settle`` in domain/permissions.py).
"""
from __future__ import annotations

import json
from typing import Any

from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..store import local as qr
from ..store.database import Actor, Database, NotFoundError
from ..store.tables import TABLES
from .base import Done, operation, require_role, unit

TABLE_LABELS = {"org_unit": "组织", "building": "楼栋", "household": "住户", "resident": "居民",
                "party_member": "党员", "contact_link": "联户关系", "ballot": "表决", "ballot_option": "表决选项", "meeting": "议事会议", "meeting_item": "议事决定",
                "issue": "吹哨事项", "visit": "走访", "vote": "投票", "issue_event": "事项处理",
                "points_ledger": "积分", "audit_log": "审计"}
FIELD_LABELS = {"address": "地址", "head_name": "户主", "phone": "电话", "name": "姓名", "id_number": "身份证号",
                "tags": "标签", "notes": "备注", "attention_level": "关注等级", "tenure": "住房性质",
                "residence_status": "人户状态", "area_m2": "面积", "grid_id": "网格", "building_id": "楼栋",
                "relation": "与户主关系", "birth_date": "出生日期", "gender": "性别", "title": "标题",
                "description": "说明", "summary": "情况摘要", "active": "有效", "reason": "原因",
                "branch": "支部", "option_id": "选项", "mode": "方式", "visited_at": "走访时间"}
CHOICES = {"keep_local": "kept_local", "take_other": "took_other", "resolve": None}


# --------------------------------------------------------------------------- reading (no Qt, no writes)
def show(value: Any) -> str:
    """A JSON value as a person reads it."""
    if value is None:
        return "（空）"
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, list):
            return "、".join(map(str, parsed)) or "（空）"
        return str(parsed) if parsed is not None else "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def load_review(db: Database) -> dict[str, list[dict]]:
    """Open review items by kind, each with a readable label of the row it is about."""
    with db.read() as conn:
        return qr.open_items(conn, db.device_id)


def is_current(item: dict, side: str) -> bool:
    """Whether the row now holds ``side``'s value (``local`` or ``remote``) of a field conflict."""
    value = item.get(f"{side}_value")
    current = item.get("current_value")
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return current == value or (current is not None and str(current) == str(value))


# --------------------------------------------------------------------------- helpers (no permission check)
def resolve_item(db: Database, item_id: str, note: str) -> None:
    """Close a review item (laptop-only bookkeeping: no outbox entry). No permission check:
    :func:`settle` checks, the sync engine's own bookkeeping does not need one."""
    with db.sync_transaction() as conn:
        qr.resolve(conn, item_id, note)


def keep_value(db: Database, actor: Actor, item: dict, side: str) -> Done:
    """Conflict: make ``side``'s value (``local`` = this laptop's, ``remote`` = the other laptop's)
    the row's value and close the item, in one unit of work. When the row already holds it nothing
    is written; else it is an ordinary new edit that syncs like any other. A whole-row conflict (a
    delete beat an edit): ``remote`` brings the row back (undelete), ``local`` accepts the delete.
    No permission check (:func:`settle` checks)."""
    table, row_id, field = item["table_name"], item["row_id"], item["field"]
    done = Done()
    with unit(db, actor, done) as uow:
        if field:
            uow.update(table, row_id, {field: item[f"{side}_value"]})
        elif side == "remote":
            uow.undelete(table, row_id)
        qr.resolve(uow.conn, item["id"], "kept_local" if side == "local" else "took_other")
    done.id = item["id"]
    done.changes.add("review_item", item["id"])
    return done


def resend_rejected(db: Database, actor: Actor, item: dict, fields: dict[str, Any]) -> Done:
    """A rejected change, corrected: write it again through the unit of work (a new outbox entry)
    and close the item. ``done.id`` is the row written. No permission check (:func:`resend` checks)."""
    table, row_id = item["table_name"], item["row_id"]
    ts = TABLES[table]
    data = {k: v for k, v in fields.items() if k in ts.fields}
    done = Done()
    with unit(db, actor, done) as uow:
        if ts.mutable:
            if uow.get(table, row_id) is not None:
                uow.update(table, row_id, data)
                new_id = row_id
            elif uow.get(table, row_id, include_deleted=True) is not None:
                uow.undelete(table, row_id)
                uow.update(table, row_id, data)
                new_id = row_id
            else:
                new_id = uow.insert(table, data)
        else:
            new_id = uow.append(table, data)
        qr.resolve(uow.conn, item["id"], "resent")
    done.id, done.ids = new_id, {"review_item": item["id"]}
    done.changes.add("review_item", item["id"])
    return done


def _open_item(db: Database, item_id: str) -> dict:
    with db.read() as conn:
        item = qr.review_item(conn, item_id, db.device_id)
    if item is None:
        raise NotFoundError("找不到这条待处理的同步记录")
    if item["status"] != "open":
        raise ValidationError("item_id", item_id, "already_resolved", "这条同步记录已经处理过了")
    return item


def demo_conflict(db: Database, actor: Actor, other_path: Any, server_url: str, username: str,
                  password: str) -> str:
    """A real conflict for demos and screenshots: a second laptop at ``other_path`` (enrolled to
    ``server_url`` as ``username`` on first use) changes the first household's phone and syncs
    first; then this laptop changes the same field. The next sync of this laptop shows the conflict.
    Returns the household id. No permission check (demo data)."""
    from ..sync.engine import SyncEngine  # noqa: PLC0415
    from ..sync.enrol import enroll  # noqa: PLC0415

    with db.read() as conn:
        hid = conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY address_key LIMIT 1").scalar()
    other = Database.open(other_path)
    try:
        # Enrolled (again) here: its user's credential signs the change (store/signing.py).
        enroll(other, server_url, username, password, first_sync=not other.get_state("device_token"))
        with unit(other, other.actor(other.get_state("user_id"), "另一台电脑", actor.role, actor.org_id), Done()) as uow:
            uow.update("household", hid, {"phone": "13700001111"})
        SyncEngine(other).sync()
    finally:
        other.close()
    with unit(db, actor, Done()) as uow:
        uow.update("household", hid, {"phone": "13900002222"})
    return hid


# --------------------------------------------------------------------------- operations
@operation("review.settle")
def settle(db: Database, actor: Actor, *, item_id: str, choice: str, note: str | None = None) -> Done:
    """处理同步记录: a conflict keep_local / take_other, or resolve (drop, acknowledge) with a note."""
    role = require_role(actor)
    perm.check(role, "review.settle")
    if choice not in CHOICES:
        raise ValidationError("choice", choice, "bad_choice", "应为 keep_local、take_other 或 resolve")
    item = _open_item(db, item_id)
    if choice == "resolve":
        if not (note or "").strip():
            raise ValidationError("note", note, "note_required", "请说明如何处理（如 dropped、acknowledged）")
        resolve_item(db, item_id, note.strip())
        done = Done(id=item_id)
        done.changes.add("review_item", item_id)
        return done
    if item["kind"] != "conflict":
        raise ValidationError("choice", choice, "not_a_conflict", "只有冲突才能选择保留哪一边的值")
    side = "local" if choice == "keep_local" else "remote"
    if item["field"]:
        perm.check_write(role, item["table_name"], "update", [item["field"]])
    elif side == "remote":
        perm.check_write(role, item["table_name"], "undelete")
    return keep_value(db, actor, item, side)


@operation("review.resend")
def resend(db: Database, actor: Actor, *, item_id: str, fields: dict | None = None) -> Done:
    """重新发送被拒绝的修改: a change the server rejected, corrected with ``fields``, written again."""
    role = require_role(actor)
    perm.check(role, "review.settle")
    item = _open_item(db, item_id)
    if item["kind"] != "rejected":
        raise ValidationError("item_id", item_id, "not_rejected", "这条同步记录不是被拒绝的修改")
    ts = TABLES.get(item["table_name"] or "")
    if ts is None:
        raise ValidationError("item_id", item_id, "unknown_table", "这条被拒绝的修改无法重新发送")
    data = dict(fields if fields is not None else (item.get("local_value") or {}))
    perm.check_write(role, item["table_name"], "update" if ts.mutable else "append",
                     [k for k in data if k in ts.fields])
    return resend_rejected(db, actor, item, data)


@operation("review.reveal")
def reveal(db: Database, actor: Actor, *, item_id: str) -> Done:
    """查看冲突的完整号码: the full phone / ID numbers of a conflict, recorded in the audit log first."""
    role = require_role(actor)
    perm.check(role, "personal.reveal")
    with db.read() as conn:
        item = qr.review_item(conn, item_id, db.device_id)
    if item is None:
        raise NotFoundError("找不到这条同步记录")
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = uow.audit("reveal", table=item["table_name"], row_id=item["row_id"],
                            detail={"what": [item["field"]], "where": "sync_conflict", "review_item": item_id})
    return done
