"""Users act, not devices: each outbox entry carries its author's signature.

When a person logs in to a laptop (enrolment, an online login, an admin adding them), the server
issues a *credential* for that user on that device: 32 random bytes (``user_credential`` on the
server). The laptop seals it in that user's key slot (store/keyslots.py), so only their password
opens it; while they are logged in it is held in memory (:meth:`Database.keep_credential`) and the
unit of work signs every outbox entry they make with HMAC-SHA256 over the entry's content.

The server (server/push.py) looks up the credential of the user an entry names *for the device
that pushes it*, checks the signature, and authorises the entry with that user's role and scope.
A party member logged in on a grid worker's laptop can read the device token and the whole
database, but not the grid worker's credential: the entries they forge in her name are refused.

The signature covers what the entry does and who says so: table, row, operation, fields, base
versions, HLC stamp, user and the time it was made; not the outbox number, which a restored laptop
renumbers (sync/restored.py).

A user whose slot has no credential yet (a slot of an older release, logging in offline) signs
*provisionally* with a key derived from their slot's private key; when they next log in online, only
entries whose provisional signature checks under that key are re-signed with the credential.
So another user of the laptop who writes entries into the database file in their name gets nothing
signed: such entries go unsigned and the server refuses them. No Qt, no I/O.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any, Mapping

VERSION = "e1"
SECRET_BYTES = 32
MAX_SIG = 64  # "e1." + 43 characters of URL-safe base64
# On the laptop only, never sent: an entry its author made before the laptop had their credential
# is signed "p1." with a key from their own key slot (only their password opens it) and re-signed
# "e1." when the credential comes (online login). "legacy": made before signatures existed (the
# client migration c0003 marks them), signed at their author's first online login.
PROVISIONAL = "p1"
LEGACY = "legacy"


# json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")) without building an encoder
# per call (the server checks a signature per pushed entry): the same bytes.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def new_credential() -> str:
    """A fresh credential, base64 (the server issues these)."""
    return base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def credential_bytes(credential: str | bytes) -> bytes:
    if isinstance(credential, bytes):
        return credential
    raw = base64.b64decode(credential.encode("ascii"), validate=True)
    if len(raw) != SECRET_BYTES:
        raise ValueError("not a user credential")
    return raw


def message(table: str, row_id: str, op: str, fields: Mapping[str, Any] | None, base_versions: Mapping[str, Any] | None,
            hlc: str | None, user_id: str | None, created_at: str | None) -> bytes:
    """The canonical bytes an entry's signature covers (both sides build them from parsed values)."""
    body = [VERSION, table, row_id, op, dict(fields or {}), dict(base_versions or {}), hlc, user_id, created_at]
    return _CANONICAL.encode(body).encode("utf-8")


def message_from_json(table: str, row_id: str, op: str, fields_json: str, base_json: str, hlc: str | None,
                      user_id: str | None, created_at: str | None) -> bytes:
    """:func:`message` from the fields and base versions as the outbox already holds them (compact,
    sorted JSON: ``store.rows.dumps``), without encoding them again (imports sign 100,000 entries)."""
    def s(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)
    return (f'["{VERSION}",{s(table)},{s(row_id)},{s(op)},{fields_json},{base_json},{s(hlc)},{s(user_id)},'
            f'{s(created_at)}]').encode("utf-8")


def sign(credential: str | bytes, **entry: Any) -> str:
    """``entry``: table, row_id, op, fields, base_versions, hlc, user_id, created_at."""
    return sign_message(credential_bytes(credential), message(**entry))


def sign_message(key: bytes, msg: bytes, version: str = VERSION) -> str:
    mac = hmac.new(key, msg, hashlib.sha256).digest()
    return version + "." + base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def waiting(sig: str | None) -> bool:
    """An entry that waits for its author's credential (provisional or legacy), not to be pushed yet."""
    return sig is not None and (sig == LEGACY or sig.startswith(PROVISIONAL + "."))


def verify(credential: str | bytes, sig: str | None, **entry: Any) -> bool:
    if not isinstance(sig, str) or not sig.startswith(VERSION + ".") or len(sig) > MAX_SIG:
        return False
    try:
        expected = sign(credential, **entry)
    except (TypeError, ValueError):  # a value JSON cannot hold: nothing the laptop signed
        return False
    return hmac.compare_digest(expected.encode("ascii"), sig.encode("ascii", "replace"))


def entry_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The signed part of an outbox entry as the wire carries it (``table``, ``fields`` … keys)."""
    return {"table": row["table"], "row_id": row["row_id"], "op": row["op"], "fields": row.get("fields") or {},
            "base_versions": row.get("base_versions") or {}, "hlc": row.get("hlc"), "user_id": row.get("user_id"),
            "created_at": row.get("created_at")}


__all__ = ["LEGACY", "MAX_SIG", "PROVISIONAL", "VERSION", "waiting", "credential_bytes", "entry_of", "message", "message_from_json", "new_credential", "sign",
           "sign_message", "verify"]
