"""The review queue of sync (conflicts, rejected changes, flags): reading it and acting on it.

No Qt here: the 同步 workspace calls these from db tasks. Review items live in the laptop-only
``review_item`` table; resolving one is local bookkeeping (no outbox entry), while taking the other
laptop's value or resending a corrected change is an ordinary edit through the unit of work.
"""
from __future__ import annotations

import json
from typing import Any

from ...domain.clock import now_iso
from ...store.tables import TABLES

TABLE_LABELS = {"org_unit": "组织", "building": "楼栋", "household": "住户", "resident": "居民",
                "party_member": "党员", "contact_link": "联户关系", "ballot": "表决", "ballot_option": "表决选项",
                "issue": "吹哨事项", "visit": "走访", "vote": "投票", "issue_event": "事项处理",
                "points_ledger": "积分", "audit_log": "审计"}
FIELD_LABELS = {"address": "地址", "head_name": "户主", "phone": "电话", "name": "姓名", "id_number": "身份证号",
                "tags": "标签", "notes": "备注", "attention_level": "关注等级", "tenure": "住房性质",
                "residence_status": "人户状态", "area_m2": "面积", "grid_id": "网格", "building_id": "楼栋",
                "relation": "与户主关系", "birth_date": "出生日期", "gender": "性别", "title": "标题",
                "description": "说明", "summary": "情况摘要", "active": "有效", "reason": "原因",
                "branch": "支部", "option_id": "选项", "mode": "方式", "visited_at": "走访时间"}
# What names a row for a person: (table, column) to show instead of an id.
ROW_LABEL_SQL = {"household": "SELECT address FROM household WHERE id = ?",
                 "resident": "SELECT name FROM resident WHERE id = ?",
                 "party_member": "SELECT name FROM party_member WHERE id = ?",
                 "issue": "SELECT title FROM issue WHERE id = ?",
                 "ballot": "SELECT title FROM ballot WHERE id = ?",
                 "building": "SELECT estate || building_no || '幢' FROM building WHERE id = ?",
                 "org_unit": "SELECT name FROM org_unit WHERE id = ?"}


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


def load_review(db) -> dict[str, list[dict]]:
    """Open review items by kind, each with a readable label of the row it is about."""
    out: dict[str, list[dict]] = {"conflict": [], "rejected": [], "other": []}
    with db.read() as conn:
        rows = [dict(r) for r in conn.exec_driver_sql(
            "SELECT * FROM review_item WHERE status = 'open' ORDER BY created_at DESC, id").mappings()]
        for r in rows:
            sql = ROW_LABEL_SQL.get(r["table_name"] or "")
            label = conn.exec_driver_sql(sql, (r["row_id"],)).scalar() if sql else None
            r["row_label"] = label or (r["row_id"] or "")[-8:]
            r["detail"] = json.loads(r["detail"] or "{}")
            # local_value is always this laptop's value, remote_value the other laptop's (the sync
            # engine stores them so whichever side won); which one is current is read from the row.
            detail = r["detail"]
            we_lost = detail.get("lost_device") == db.device_id
            other = detail.get("won_user") if we_lost else detail.get("lost_user")
            r["other_user"] = conn.exec_driver_sql(
                "SELECT COALESCE(display_name, username) FROM local_user WHERE id = ?", (other,)).scalar() \
                if other else None
            r["current_value"] = _current(conn, r["table_name"], r["row_id"], r["field"])
            for k in ("local_value", "remote_value"):
                r[k] = json.loads(r[k]) if r[k] else None
            key = r["kind"] if r["kind"] in ("conflict", "rejected") else "other"
            out[key].append(r)
    return out


def _current(conn, table: str | None, row_id: str | None, field: str | None) -> Any:
    """The row's value of ``field`` now (``deleted`` for a whole-row conflict); None if no such row."""
    ts = TABLES.get(table or "")
    if ts is None or row_id is None:
        return None
    column = field if field in ts.fields else ("deleted" if field is None and ts.mutable else None)
    if column is None:
        return None
    return conn.exec_driver_sql(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).scalar()


def is_current(item: dict, side: str) -> bool:
    """Whether the row now holds ``side``'s value (``local`` or ``remote``) of a field conflict."""
    value = item.get(f"{side}_value")
    current = item.get("current_value")
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return current == value or (current is not None and str(current) == str(value))


def resolve_item(db, item_id: str, note: str) -> None:
    """Close a review item (laptop-only bookkeeping: no outbox entry)."""
    with db.sync_transaction() as conn:
        conn.exec_driver_sql(
            "UPDATE review_item SET status = 'resolved', resolved_at = ?,"
            " detail = json_set(COALESCE(detail, '{}'), '$.resolution', ?) WHERE id = ?", (now_iso(), note, item_id))


def keep_value(ctx, item: dict, side: str) -> None:
    """Conflict: make ``side``'s value (``local`` = this laptop's, ``remote`` = the other laptop's)
    the row's value and close the item. When the row already holds it nothing is written; else it
    is an ordinary new edit that syncs like any other. A whole-row conflict (a delete beat an edit):
    ``remote`` brings the row back (undelete), ``local`` accepts the delete."""
    table, row_id, field = item["table_name"], item["row_id"], item["field"]
    if field:
        with ctx.db.write(ctx.actor) as uow:
            uow.update(table, row_id, {field: item[f"{side}_value"]})
    elif side == "remote":
        with ctx.db.write(ctx.actor) as uow:
            uow.undelete(table, row_id)
    resolve_item(ctx.db, item["id"], "kept_local" if side == "local" else "took_other")


def resend_rejected(ctx, item: dict, fields: dict[str, Any]) -> str:
    """A rejected change, corrected: write it again through the unit of work (a new outbox entry)."""
    table, row_id = item["table_name"], item["row_id"]
    ts = TABLES[table]
    data = {k: v for k, v in fields.items() if k in ts.fields}
    with ctx.db.write(ctx.actor) as uow:
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
    resolve_item(ctx.db, item["id"], "resent")
    return new_id
