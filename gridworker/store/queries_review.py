"""The sync review queue (``review_item``, laptop-only): reading it, and closing an item.

A review item is a conflict (two laptops changed the same field), a change the server rejected,
or a flag (a duplicate vote, an invalid case step). Closing one is local bookkeeping: no outbox
entry. ``local_user`` names the other laptop's user of a conflict.
"""
from __future__ import annotations

from ..domain.clock import now_iso
import json
from typing import Any

from sqlalchemy import Connection

from .tables import TABLES

# What names a row for a person: (table, column) to show instead of an id.
ROW_LABEL_SQL = {"household": "SELECT address FROM household WHERE id = ?",
                 "resident": "SELECT name FROM resident WHERE id = ?",
                 "party_member": "SELECT name FROM party_member WHERE id = ?",
                 "issue": "SELECT title FROM issue WHERE id = ?",
                 "ballot": "SELECT title FROM ballot WHERE id = ?",
                 "building": "SELECT estate || building_no || '幢' FROM building WHERE id = ?",
                 "org_unit": "SELECT name FROM org_unit WHERE id = ?"}


def row_label(conn: Connection, table: str | None, row_id: str | None) -> str:
    """What names the row for a person (an address, a name, a title); else the end of its id."""
    sql = ROW_LABEL_SQL.get(table or "")
    label = conn.exec_driver_sql(sql, (row_id,)).scalar() if sql else None
    return label or (row_id or "")[-8:]


def local_user_name(conn: Connection, user_id: str | None) -> str | None:
    """A user of this laptop by id: their display name (or user name); None if unknown."""
    if not user_id:
        return None
    return conn.exec_driver_sql("SELECT COALESCE(display_name, username) FROM local_user WHERE id = ?",
                                (user_id,)).scalar()


def current_value(conn: Connection, table: str | None, row_id: str | None, field: str | None) -> Any:
    """The row's value of ``field`` now (``deleted`` for a whole-row conflict); None if no such row."""
    ts = TABLES.get(table or "")
    if ts is None or row_id is None:
        return None
    column = field if field in ts.fields else ("deleted" if field is None and ts.mutable else None)
    if column is None:
        return None
    return conn.exec_driver_sql(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).scalar()


def _decoded(conn: Connection, r: dict[str, Any], device_id: str | None) -> dict[str, Any]:
    r["row_label"] = row_label(conn, r["table_name"], r["row_id"])
    r["detail"] = json.loads(r["detail"] or "{}")
    # local_value is always this laptop's value, remote_value the other laptop's (the sync engine
    # stores them so whichever side won); which one is current is read from the row.
    detail = r["detail"]
    we_lost = detail.get("lost_device") == device_id
    r["other_user"] = local_user_name(conn, detail.get("won_user") if we_lost else detail.get("lost_user"))
    r["current_value"] = current_value(conn, r["table_name"], r["row_id"], r["field"])
    for k in ("local_value", "remote_value"):
        r[k] = json.loads(r[k]) if r[k] else None
    return r


def open_items(conn: Connection, device_id: str | None) -> dict[str, list[dict[str, Any]]]:
    """Open review items by kind (``conflict``, ``rejected``, ``other``), newest first, each with a
    readable ``row_label``, the ``other_user`` of a conflict, the row's ``current_value`` and the
    JSON columns decoded. ``device_id`` is this laptop's."""
    out: dict[str, list[dict[str, Any]]] = {"conflict": [], "rejected": [], "other": []}
    rows = [dict(r) for r in conn.exec_driver_sql(
        "SELECT * FROM review_item WHERE status = 'open' ORDER BY created_at DESC, id").mappings()]
    for r in rows:
        _decoded(conn, r, device_id)
        out[r["kind"] if r["kind"] in ("conflict", "rejected") else "other"].append(r)
    return out


def review_item(conn: Connection, item_id: str, device_id: str | None = None) -> dict[str, Any] | None:
    """One review item (any status), decoded as :func:`open_items` does; None if there is none."""
    row = conn.exec_driver_sql("SELECT * FROM review_item WHERE id = ?", (item_id,)).mappings().first()
    return _decoded(conn, dict(row), device_id) if row else None


def resolve(conn: Connection, item_id: str, note: str) -> None:
    """Close a review item, recording how (``detail.resolution``)."""
    conn.exec_driver_sql(
        "UPDATE review_item SET status = 'resolved', resolved_at = ?,"
        " detail = json_set(COALESCE(detail, '{}'), '$.resolution', ?) WHERE id = ?", (now_iso(), note, item_id))


def resolve_duplicate_vote_flag(conn: Connection, vote_id: str) -> None:
    """The sync flag of a duplicate vote, if one came with it, is settled with the vote."""
    conn.exec_driver_sql("UPDATE review_item SET status = 'resolved', resolved_at = ? WHERE kind = 'duplicate_vote'"
                         " AND row_id = ? AND status = 'open'", (now_iso(), vote_id))
