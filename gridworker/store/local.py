"""The laptop's own tables, which never sync: the outbox count, review items, local users, state.

- ``outbox``: written only by the unit of work; here only counted (:func:`pending_count`).
- ``review_item``: what a sync brought back for a person to look at (a conflict, a rejected change,
  a flagged vote or case step): :func:`add_review_item`, :func:`open_items`, :func:`resolve`.
- ``local_user``: who has used this laptop (names and roles for lists; the previous release's
  offline hash): :func:`remember_user`.
- ``local_state``: key/value bookkeeping; every key is a constant of :class:`State`.

Plain functions over a SQLAlchemy ``Connection`` (inside the caller's transaction); no Qt.
"""
from __future__ import annotations

import hmac
import json
from typing import Any

from sqlalchemy import Connection

from ..domain.clock import now_iso
from .tables import TABLES


class State:
    """The ``local_state`` keys (their values are what laptops have stored since the first release)."""

    DEVICE_ID = "device_id"
    COMMUNITY_ID = "community_id"
    COMMUNITY_CODE = "community_code"
    COMMUNITY_NAME = "community_name"
    USER_ID = "user_id"
    USERNAME = "username"
    OUTBOX_SEQ = "outbox_seq"
    RESTORED_OUTBOX_SEQ = "restored_outbox_seq"
    SERVER_URL = "server_url"
    TOKEN = "device_token"
    CA_PATH = "server_ca_path"
    CURSOR = "sync_cursor"
    LAST_SYNC = "last_sync"
    SERVER_SEQ = "server_seq"
    SERVER_CHECKSUM = "server_checksum"
    REFETCH = "refetch_rows"
    RESNAPSHOT = "resnapshot"
    CONFLICT_SEQ = "conflict_seq"
    EXPORT_PUBLIC_KEY = "export_public_key"
    EXPORT_SECRET = "export_secret"
    AUDIT_RECEIPT = "audit_receipt"
    AUDIT_HEAD = "audit_head"  # the hash of this laptop's newest audit entry (store/uow.py audit())
    KEY_FILE_FORMAT = "key_file_format"
    LAST_VERIFY = "last_verify"  # JSON {"match": bool, "at": time} of the last checksum comparison


def get_state(conn: Connection, key: str) -> str | None:
    """A state value read inside the caller's transaction."""
    return conn.exec_driver_sql("SELECT value FROM local_state WHERE key = ?", (key,)).scalar()


# --------------------------------------------------------------------------- the outbox
def pending_count(conn: Connection) -> int:
    """Changes made here and not yet acknowledged by the server."""
    return int(conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() or 0)


def sign_pending(conn: Connection, user_id: str, credential: bytes, provisional_key: bytes | None = None) -> int:
    """Sign with the user's new credential their entries that wait: made before signatures existed
    (``legacy``), or signed provisionally with their slot's key (checked here: an entry another user
    wrote in their name into the file has no such signature and is not signed). Returns how many."""
    from .signing import LEGACY, PROVISIONAL, message, message_from_json, sign_message  # noqa: PLC0415

    rows = conn.exec_driver_sql(
        "SELECT seq, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at, sig FROM outbox "
        "WHERE user_id = ? AND (sig = ? OR sig LIKE ?)", (user_id, LEGACY, PROVISIONAL + ".%")).fetchall()
    updates = []
    signed = 0
    for r in rows:
        if r[9] == LEGACY:  # stored by an older release, its JSON perhaps spelt otherwise: as the server reads it
            msg = message(r[1], r[2], r[3], json.loads(r[4] or "{}"), json.loads(r[5] or "{}"), r[6], r[7], r[8])
        else:
            msg = message_from_json(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
        if r[9] != LEGACY and (provisional_key is None or not hmac.compare_digest(
                sign_message(provisional_key, msg, PROVISIONAL).encode(), r[9].encode())):
            # Not signed with this user's slot key: not theirs. It stops waiting and goes unsigned
            # (the server refuses it, the laptop shows the refusal) instead of holding up the outbox.
            updates.append((None, r[0]))
            continue
        updates.append((sign_message(credential, msg), r[0]))
        signed += 1
    if updates:
        conn.exec_driver_sql("UPDATE outbox SET sig = ? WHERE seq = ?", updates)
    return signed


def unsigned_waiting(conn: Connection) -> list[dict[str, Any]]:
    """Whose unsigned entries hold the outbox up, oldest first: ``user_id``, their name, ``count``
    and the first ``seq``. Nothing is pushed from the first unsigned entry on (sync/engine.py)."""
    from .signing import LEGACY, PROVISIONAL  # noqa: PLC0415

    rows = conn.exec_driver_sql(
        "SELECT o.user_id, COALESCE(u.display_name, u.username, o.user_id), count(*), min(o.seq) FROM outbox o "
        "LEFT JOIN local_user u ON u.id = o.user_id WHERE o.sig = ? OR o.sig LIKE ? "
        "GROUP BY o.user_id ORDER BY min(o.seq)", (LEGACY, PROVISIONAL + ".%")).fetchall()
    return [{"user_id": r[0], "name": r[1] or "（未登录用户）", "count": int(r[2]), "seq": int(r[3])} for r in rows]


# --------------------------------------------------------------------------- review items
REVIEW_COLUMNS = ("id", "kind", "table_name", "row_id", "field", "local_value", "remote_value", "reason",
                  "detail", "server_ref")


def add_review_item(conn: Connection, *, id: str, kind: str, table_name: str | None, row_id: str | None,
                    field: str | None = None, local_value: str | None = None, remote_value: str | None = None,
                    reason: str | None = None, detail: str | None = None, server_ref: str | None = None,
                    created_at: str | None = None) -> None:
    """Keep one item for review (once: the same id again is ignored, so a retried sync adds nothing).
    Values are stored as given (the sync engine passes JSON text)."""
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO review_item (id, kind, table_name, row_id, field, local_value, remote_value, "
        "reason, detail, server_ref, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        (id, kind, table_name, row_id, field, local_value, remote_value, reason, detail, server_ref,
         created_at or now_iso()))


def open_counts(conn: Connection) -> dict[str, int]:
    """Open review items by kind (conflict, rejected, duplicate_vote, invalid_event)."""
    return {k: int(n) for k, n in conn.exec_driver_sql(
        "SELECT kind, count(*) FROM review_item WHERE status = 'open' GROUP BY kind").fetchall()}


def resolve(conn: Connection, item_id: str, note: str) -> None:
    """Close a review item with how it was settled (laptop-only bookkeeping: no outbox entry)."""
    conn.exec_driver_sql(
        "UPDATE review_item SET status = 'resolved', resolved_at = ?,"
        " detail = json_set(COALESCE(detail, '{}'), '$.resolution', ?) WHERE id = ?", (now_iso(), note, item_id))


def resolve_duplicate_vote_flag(conn: Connection, vote_id: str) -> None:
    """The sync flag of a duplicate vote, settled along with the vote."""
    conn.exec_driver_sql("UPDATE review_item SET status = 'resolved', resolved_at = ? WHERE kind = 'duplicate_vote'"
                         " AND row_id = ? AND status = 'open'", (now_iso(), vote_id))


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
    label = conn.exec_driver_sql(sql, (row_id,)).scalar() if sql and row_id else None
    return label or (row_id or "")[-8:]


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
    r["other_user"] = user_name(conn, detail.get("won_user") if we_lost else detail.get("lost_user"))
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


# --------------------------------------------------------------------------- local users
def remember_user(conn: Connection, user: dict[str, Any], *, password_hash: str | None = None,
                  last_online_login: str | None = None) -> None:
    """Insert or refresh a user's ``local_user`` row (id, username, display_name, role, org_id)."""
    conn.exec_driver_sql(
        "INSERT INTO local_user (id, username, display_name, role, org_id, password_hash, last_online_login,"
        " member_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET username = excluded.username,"
        " display_name = excluded.display_name, role = excluded.role, org_id = excluded.org_id,"
        " password_hash = excluded.password_hash, last_online_login = excluded.last_online_login,"
        " member_id = COALESCE(excluded.member_id, local_user.member_id)",
        (user["id"], user["username"], user.get("display_name"), user["role"], user.get("org_id"), password_hash,
         last_online_login or now_iso(), user.get("party_member_id") or user.get("member_id")))


def member_of_user(conn: Connection, user_id: str | None) -> str | None:
    """The party_member row a local user is bound to, by id (set from the server's user record)."""
    if not user_id:
        return None
    return conn.exec_driver_sql("SELECT member_id FROM local_user WHERE id = ?", (user_id,)).scalar()


def forget_user(conn: Connection, user_id: str) -> None:
    conn.exec_driver_sql("DELETE FROM local_user WHERE id = ?", (user_id,))


def user_name(conn: Connection, user_id: str | None) -> str | None:
    """A local user's display name (or user name), for showing who made a change."""
    if not user_id:
        return None
    return conn.exec_driver_sql("SELECT COALESCE(display_name, username) FROM local_user WHERE id = ?",
                                (user_id,)).scalar()
