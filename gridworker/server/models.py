"""Server-only tables: users, devices, the per-community change counter and log, push results,
conflict records. Defined on the shared ``Base`` with ``info["side"] == "server"``; the synced
domain tables themselves come from :mod:`gridworker.store.models`.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import ID, Base

SERVER = {"info": {"side": "server"}}


class ServerUser(Base):
    """A person who may log in: role admin / grid_worker / party_member, scoped to one org unit."""

    __tablename__ = "server_user"
    __table_args__ = SERVER
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str] = mapped_column(ID)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[float | None] = mapped_column(BigInteger)  # unix seconds
    created_at: Mapped[str] = mapped_column(String(32))
    # A party member's own record: their device is sent only their 1+10+N circle (shape.py).
    party_member_id: Mapped[str | None] = mapped_column(ID)
    # A department account (role ``department``): which department of its org unit's level it is.
    department: Mapped[str | None] = mapped_column(String(100))


class ConsoleDepartment(Base):
    """A department a case may be dispatched to at one level (城管, 市场监管, 住建, 公安 …): the
    server's editable list; seeded from ``domain.permissions.DEFAULT_DEPARTMENTS``."""

    __tablename__ = "console_department"
    __table_args__ = (UniqueConstraint("level", "name", name="uq_console_department_level"), SERVER)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConsoleSession(Base):
    """A logged-in console browser: only the SHA-256 of its cookie is stored, with its CSRF token."""

    __tablename__ = "console_session"
    __table_args__ = (Index("ix_console_session_user", "user_id"), SERVER)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ID)
    csrf: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[int] = mapped_column(BigInteger)  # unix seconds


class AccessLog(Base):
    """Who pulled a community's full (unmasked) data, and the unmasks laptops reported."""

    __tablename__ = "server_access_log"
    __table_args__ = (Index("ix_server_access_log_at", "at"), SERVER)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(24))  # full_pull / unmask
    user_id: Mapped[str | None] = mapped_column(ID)
    device_id: Mapped[str | None] = mapped_column(ID)
    community_id: Mapped[str | None] = mapped_column(ID)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class Device(Base):
    """An enrolled laptop, bound to one community. Only the SHA-256 of its token is stored."""

    __tablename__ = "device"
    __table_args__ = (Index("ix_device_community", "community_id"), SERVER)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID)
    community_id: Mapped[str] = mapped_column(ID)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[str] = mapped_column(String(32))
    last_seen_at: Mapped[str | None] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32))


class PushResult(Base):
    """The stored result of each outbox entry a device pushed, so a replay gets the same answer."""

    __tablename__ = "push_result"
    __table_args__ = SERVER
    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    result: Mapped[str] = mapped_column(Text)  # JSON


class CommunitySync(Base):
    """Per-community change counter and the checksum of its rows, both kept current by pushes."""

    __tablename__ = "community_sync"
    __table_args__ = SERVER
    community_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Sum of row hashes mod 2^64, as decimal text (does not fit a signed BIGINT).
    checksum: Mapped[str] = mapped_column(String(24), default="0")
    # Changes at or below this seq were pruned: a laptop whose cursor is older re-syncs from a snapshot.
    horizon: Mapped[int] = mapped_column(BigInteger, default=0)


class ServerEpoch(Base):
    """One row: the random id of this server's history of change numbers (server/epoch.py); a
    restore from a backup draws a new one."""

    __tablename__ = "server_epoch"
    __table_args__ = SERVER
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[str] = mapped_column(String(32))


class ChangeLog(Base):
    """Every change of a community, in the order laptops apply it."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_row", "table_name", "row_id"), SERVER)
    community_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(ID)
    op: Mapped[str] = mapped_column(String(12))  # insert/update/delete/undelete/append/upsert/remove
    fields: Mapped[str] = mapped_column(Text)  # JSON: field -> value (every field's version is seq)
    device_id: Mapped[str | None] = mapped_column(ID)
    user_id: Mapped[str | None] = mapped_column(ID)
    at: Mapped[str] = mapped_column(String(32))


class Conflict(Base):
    """A value a concurrent edit overwrote, or a flag (duplicate vote, invalid issue event)."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_community", "community_id", "seq"), SERVER)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    community_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(24))  # conflict/deleted/duplicate_vote/invalid_event
    seq: Mapped[int] = mapped_column(BigInteger)  # the change that overwrote / was flagged
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(ID)
    field: Mapped[str | None] = mapped_column(String(64))
    lost_value: Mapped[str | None] = mapped_column(Text)  # JSON
    won_value: Mapped[str | None] = mapped_column(Text)  # JSON
    lost_device: Mapped[str | None] = mapped_column(ID)
    lost_user: Mapped[str | None] = mapped_column(ID)
    won_device: Mapped[str | None] = mapped_column(ID)
    won_user: Mapped[str | None] = mapped_column(ID)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(32))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


# --------------------------------------------------------------------------- audit anchors, export secrets
class AuditReceiptKey(Base):
    """The server's secret key for audit receipts (HMAC-SHA256, base64). Newest is current; a head
    names the key its receipt was made with, so older keys keep verifying."""

    __tablename__ = "audit_receipt_key"
    __table_args__ = SERVER
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[str] = mapped_column(String(32))


class AuditHead(Base):
    """Each device's audit chain as the server accepted it: how many entries, the last hash, and the
    receipt (HMAC of device | entries | hash) handed back to the laptop. See server/audit.py."""

    __tablename__ = "audit_head"
    __table_args__ = SERVER
    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    last_row_id: Mapped[str | None] = mapped_column(ID)
    last_seq: Mapped[int | None] = mapped_column(BigInteger)  # the device's outbox seq of that entry
    key_id: Mapped[str] = mapped_column(String(32))
    receipt: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(32))


class AuditRefusal(Base):
    """An audit entry a push brought that the server refused (forged owner, chain not linking)."""

    __tablename__ = "audit_refusal"
    __table_args__ = (Index("ix_audit_refusal_device", "device_id"), SERVER)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    device_id: Mapped[str] = mapped_column(ID)
    user_id: Mapped[str | None] = mapped_column(ID)
    row_id: Mapped[str] = mapped_column(ID)
    seq: Mapped[int] = mapped_column(BigInteger)  # the device's outbox seq
    code: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(32))


class DeviceSecret(Base):
    """The per-device secret agreed at enrolment: the laptop signs its lost-laptop export with it.
    ``token_hash`` is the enrolment it was issued for (a duplicated request gets the same secret)."""

    __tablename__ = "device_secret"
    __table_args__ = SERVER
    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    export_secret: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class UserCredential(Base):
    """A user's credential on one device (store/signing.py): issued when the user enrols the device
    or logs in to it online; the laptop seals it in that user's key slot and signs their outbox
    entries with it; push checks every entry against it. The same one is sent again for the same
    user and device (entries signed offline stay valid); ``revoked_at`` ends it."""

    __tablename__ = "user_credential"
    __table_args__ = SERVER
    user_id: Mapped[str] = mapped_column(ID, primary_key=True)
    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32))


# --------------------------------------------------------------------------- the city side (issue #16)
class DeviceReport(Base):
    """What a laptop said of itself on its last sync (server/fleet.py): app and schema version,
    unsent changes, whether its last verify agreed with the server, open conflicts and rejections.
    Untrusted numbers, shown to admins only; ``reported_at`` is the server's clock."""

    __tablename__ = "device_report"
    __table_args__ = SERVER
    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    reported_at: Mapped[str] = mapped_column(String(32))
    app_version: Mapped[str | None] = mapped_column(String(32))
    schema_version: Mapped[int | None] = mapped_column(Integer)
    pending: Mapped[int | None] = mapped_column(BigInteger)
    checksum_match: Mapped[bool | None] = mapped_column(Boolean)
    verified_at: Mapped[str | None] = mapped_column(String(32))
    conflicts: Mapped[int | None] = mapped_column(Integer)
    rejected: Mapped[int | None] = mapped_column(Integer)
    flagged: Mapped[int | None] = mapped_column(Integer)


class HotlineOrder(Base):
    """A 12345 hotline work order (工单) received by the server (server/hotline.py). Matched to a
    community it becomes an ``issue`` of that community (``issue_id``); unmatched it waits for a
    person to assign it. ``number`` is unique: the same order twice makes one case."""

    __tablename__ = "hotline_order"
    __table_args__ = (Index("ix_hotline_order_status", "status"), SERVER)
    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[str] = mapped_column(String(32))  # server clock
    called_at: Mapped[str] = mapped_column(String(32))    # the order's own time
    caller_text: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(64))
    limit_hours: Mapped[int | None] = mapped_column(Integer)  # a limit given in hours
    limit_days: Mapped[int | None] = mapped_column(Integer)   # a limit given in (working) days
    status: Mapped[str] = mapped_column(String(16))       # matched / unmatched
    community_id: Mapped[str | None] = mapped_column(ID)
    issue_id: Mapped[str | None] = mapped_column(ID)
    match_reason: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16))       # api / upload / cli
    received_by: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[str | None] = mapped_column(String(32))


class ServerSetting(Base):
    """Settings the city keeps on the server (JSON values): the assessment's 红绿 thresholds
    (server/assessment.py), the hash of the hotline's API token (server/hotline.py)."""

    __tablename__ = "server_setting"
    __table_args__ = SERVER
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str | None] = mapped_column(String(64))


class IssueEventReceived(Base):
    """When the server received each issue event (its own clock, kept after the change log is
    pruned): the assessment's times (server/assessment.py); the laptop's ``at`` is only a claim."""

    __tablename__ = "issue_event_received"
    __table_args__ = (Index("ix_issue_event_received_issue", "issue_id"),
                      Index("ix_issue_event_received_at", "received_at"), SERVER)
    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    issue_id: Mapped[str] = mapped_column(ID)
    community_id: Mapped[str] = mapped_column(ID)
    received_at: Mapped[str] = mapped_column(String(32))
