"""The sync wire format, shared by the laptop and the server.

Bodies are JSON (orjson), gzip-compressed when large. Every request carries the protocol and
schema version in headers; the server accepts a window and answers an older client with HTTP 426.
Every error, whatever the endpoint, has one shape::

    {"error": {"code": "device_revoked", "message": "…", "detail": {…}}}

Push entries are outbox rows; pull pages are either snapshot pages (rows of current state, as
column lists) or change pages (``[seq, table, row_id, op, fields, device, user, at]``).
"""
from __future__ import annotations

import gzip
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from ..domain.clock import CLOCK_HEADER

# 2: every outbox entry carries its author's signature (store/signing.py); a laptop of protocol 1
# sends unsigned entries, so it is told to update before it syncs (its changes stay on it).
PROTOCOL_VERSION = 2
MIN_PROTOCOL_VERSION = 2
# The synced tables' shape. Bump when a synced column is added; the server accepts the window.
# 2: org_unit.settings (社区设置), the meeting / meeting_item tables, a vote may void without a new
# choice (option_id empty). A laptop of schema 1 could not store these rows, so it is told to update
# before it syncs (its changes stay on it) rather than failing in the middle of a pull.
# 3: service_team / service_need / service_record, points_ledger.record_id, household.civility_stars
# and civility_year (三报到三服务, 星级文明户).
SCHEMA_VERSION = 3
MIN_SCHEMA_VERSION = 3

PROTOCOL_HEADER = "X-Gridworker-Protocol"
SCHEMA_HEADER = "X-Gridworker-Schema"

API = "/api/v1"
GZIP_MIN_BYTES = 1024
# The server refuses (413) a request body bigger than this, raw or after gzip decompression, and a
# push of more entries than MAX_PUSH_ENTRIES; the engine pushes batches of 1000, far below both.
MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_PUSH_ENTRIES = 5000
MAX_ROW_IDS = 5000
# Sequence numbers are 64-bit signed in both databases; larger ones are refused (422), not a 500.
MAX_SEQ = 2**63 - 1
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]

# Change-log operations beyond the outbox's: a full row arriving (move in, re-fetch) and a row
# leaving this community's scope (move out: the laptop deletes it physically).
OP_UPSERT = "upsert"
OP_REMOVE = "remove"

# Push result statuses.
APPLIED, MERGED, CONFLICT, REJECTED = "applied", "merged", "conflict", "rejected"

# Cursors: "0" = start (snapshot first); "s.<snapshot seq>.<table index>.<last id>" inside a
# snapshot; "c.<seq>" = every change up to seq is applied.
SNAPSHOT_PREFIX = "s."
CHANGES_PREFIX = "c."


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def maybe_gzip(body: bytes, level: int = 1) -> tuple[bytes, bool]:
    """Compress a body worth compressing. Level 1: the network is rarely slower than level 6 is."""
    if len(body) < GZIP_MIN_BYTES:
        return body, False
    return gzip.compress(body, compresslevel=level), True


def request(body: Any, *, clock: str, token: str | None = None) -> tuple[bytes | None, dict[str, str]]:
    """What a laptop sends with a call: the JSON body (None for none), gzipped when worth it, and the
    headers: the laptop's clock as it asks (the server moves pushed times onto its own clock when
    the two differ, issue #20), the device token, and what the body is."""
    headers = {CLOCK_HEADER: clock}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is None:
        return None, headers
    data, zipped = maybe_gzip(dumps(body))
    headers["Content-Type"] = "application/json"
    if zipped:
        headers["Content-Encoding"] = "gzip"
    return data, headers


def error_body(code: str, message: str, detail: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "detail": detail or {}}}


# --------------------------------------------------------------------------- schemas (docs + checks)
# Request bodies are strict: `true` is not the integer 1 and "5" is not 5 (what the schema says).
STRICT = ConfigDict(strict=True)


class ErrorInfo(BaseModel):
    code: str
    message: str
    detail: dict = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorInfo


class EnrollRequest(BaseModel):
    model_config = STRICT

    username: str
    password: str
    device_id: str | None = None
    device_name: str | None = None
    community: str | None = Field(None, description="Community code; needed when the user's scope holds several")
    outbox_start: int = Field(1, ge=1, le=MAX_SEQ, description="The laptop's next outbox seq (a re-enrolled laptop keeps counting)")
    token: str | None = Field(None, min_length=43, max_length=128, pattern=r"^[A-Za-z0-9_-]+$",
                              description="A random device token (>= 256 bits, URL-safe base64) chosen by the laptop "
                                          "for this enrolment; a retried or duplicated request carries the same one, "
                                          "so whichever reply the laptop hears, its token works")


class UserInfo(BaseModel):
    id: str
    username: str
    display_name: str | None
    role: str
    org_id: str
    party_member_id: str | None = None  # a party-member user's own party_member row (bound by id)


class CheckUserRequest(BaseModel):
    model_config = STRICT

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(max_length=1024)


class CheckUserResponse(BaseModel):
    user: UserInfo
    user_secret: str | None = Field(None, description="This user's credential on this device (32 bytes, "
                                    "base64): the laptop seals it in the user's key slot and signs their "
                                    "changes with it")


class EnrollResponse(BaseModel):
    device_id: str
    token: str
    community_id: str
    community_code: str
    community_name: str
    user: UserInfo
    export_public_key: str | None = Field(None, description="The server's X25519 public key (base64) that a "
                                          "revoked laptop seals its unsent changes to")
    export_secret: str | None = Field(None, description="This device's secret (32 random bytes, base64), sent "
                                      "once per enrolment: the laptop signs (HMAC-SHA256) a lost-laptop export "
                                      "with it, so the server applies only files this laptop wrote")
    user_secret: str | None = Field(None, description="The enrolling user's credential on this device (32 "
                                    "bytes, base64), sealed in their key slot; their changes are signed with it")


class OutboxEntry(BaseModel):
    model_config = STRICT

    seq: int = Field(ge=1, le=MAX_SEQ)
    tx_id: str | None = None
    table: str
    row_id: str
    op: str
    fields: dict[str, Any] = Field(default_factory=dict)
    base_versions: dict[str, Seq] = Field(default_factory=dict)
    hlc: str | None = None
    user_id: str | None = None
    created_at: str | None = None
    sig: str | None = Field(None, max_length=64, description="The author's signature: HMAC-SHA256 under the "
                            "credential the server issued to this user on this device (store/signing.py)")


class PushRequest(BaseModel):
    model_config = STRICT

    protocol_version: int = PROTOCOL_VERSION
    schema_version: int = SCHEMA_VERSION
    entries: list[OutboxEntry] = Field(max_length=MAX_PUSH_ENTRIES,
                                       description=f"At most {MAX_PUSH_ENTRIES} entries (413 beyond)")


class ConflictInfo(BaseModel):
    id: str
    kind: str  # conflict / deleted / duplicate_vote / invalid_event
    field: str | None = None
    lost_value: Any = None
    won_value: Any = None
    lost_device: str | None = None
    lost_user: str | None = None
    reason: str | None = None


class EntryResult(BaseModel):
    seq: int
    row_id: str | None = None
    status: str  # applied / merged / conflict / rejected
    change_seq: int | None = None
    code: str | None = None
    reason: str | None = None
    conflicts: list[ConflictInfo] = Field(default_factory=list)


class AuditReceipt(BaseModel):
    device_id: str
    entries: int
    head_hash: str | None = None
    last_seq: int | None = None
    key_id: str
    alg: str
    receipt: str = Field(description="HMAC-SHA256 (hex) under the server's receipt key of device_id|entries|head_hash")


class PushResponse(BaseModel):
    acked_through: int
    results: list[EntryResult]
    server_seq: int
    checksum: str
    audit_receipt: AuditReceipt | None = Field(None, description="The device's audit chain as the server "
                                               "accepted it, with the server's keyed receipt")
    epoch: str = Field("", description="The server's epoch (server/epoch.py): a new one after a restore")


class PullResponse(BaseModel):
    mode: str  # snapshot / changes
    cursor: str
    more: bool
    server_seq: int
    checksum: str
    tables: list[dict] = Field(default_factory=list, description="snapshot: [{table, columns, rows}]")
    changes: list[list] = Field(default_factory=list,
                                description="[seq, table, row_id, op, fields, device, user, at]")
    epoch: str = Field("", description="The server's epoch (server/epoch.py): a new one after a restore")


class LostAckRequest(BaseModel):
    """A laptop's report that the server lost an acknowledgement (gridworker/sync/epoch.py)."""
    model_config = STRICT
    seen: str = Field(max_length=32)
    acked_through: Seq


class RowsRequest(BaseModel):
    model_config = STRICT

    table: str
    ids: list[str] = Field(max_length=MAX_ROW_IDS)


class RowsResponse(BaseModel):
    rows: list[dict]
    missing: list[str]


class VerifyResponse(BaseModel):
    community_id: str
    server_seq: int
    checksum: str
    buckets: list[str] | None = None


class BucketRequest(BaseModel):
    model_config = STRICT

    buckets: list[Annotated[int, Field(ge=0, le=255)]] = Field(max_length=256)


class BucketResponse(BaseModel):
    rows: list[list] = Field(description="[table, id, hash as decimal text]")


class DeviceInfo(BaseModel):
    id: str
    user_id: str
    username: str | None = None
    community_id: str
    community_code: str | None = None
    community_name: str | None = None
    name: str | None
    last_seq: int
    created_at: str
    last_seen_at: str | None = Field(None, description="The device's last contact with the server (any "
                                     "authenticated call, recorded at most once a minute)")
    revoked_at: str | None


class StatusResponse(BaseModel):
    device: DeviceInfo
    server_seq: int
    checksum: str


class MoveRequest(BaseModel):
    model_config = STRICT

    household_id: str
    to_community: str = Field(description="Community id or code")


class MoveResponse(BaseModel):
    household_id: str
    from_community: str
    to_community: str
    moved_rows: int


class NewUser(BaseModel):
    model_config = STRICT

    username: str
    password: str
    role: str
    org: str = Field(description="Org unit code or id")
    display_name: str | None = None
    party_member_id: str | None = Field(None, description="A party-member user's own party_member row (bound by id)")


class ConflictRecord(BaseModel):
    id: str
    kind: str
    seq: int
    table_name: str
    row_id: str
    field: str | None
    lost_value: Any = None
    won_value: Any = None
    lost_device: str | None
    lost_user: str | None = None
    won_device: str | None
    won_user: str | None = None
    reason: str | None
    at: str


# JSON text already encoded (a change's fields as stored), passed through without re-parsing.
RawJSON = orjson.Fragment
