"""Signing raw outbox entries as the laptop does (store/signing.py), for tests that push over HTTP."""
from __future__ import annotations

from typing import Any

from gridworker.store import signing


def signed(entry: dict[str, Any], user_id: str, secret: str) -> dict[str, Any]:
    """``entry`` named for ``user_id`` and signed with their credential on the pushing device; an
    entry that already carries ``user_id`` or ``sig`` keeps them (an attack names someone else)."""
    e = dict(entry)
    e.setdefault("user_id", user_id)
    if "sig" not in e:
        e["sig"] = signing.sign(secret, **signing.entry_of(e))
    return e


def signed_body(body: dict[str, Any], user_id: str | None, secret: str | None) -> dict[str, Any]:
    """A push body whose entries are signed (unchanged without a credential)."""
    if not secret or not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        return body
    return {**body, "entries": [signed(e, user_id, secret) if isinstance(e, dict) else e for e in body["entries"]]}
