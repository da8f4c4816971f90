"""Users' credentials on devices, and whose an entry is (store/signing.py has the scheme).

:func:`issue` gives a user their credential for a device when they prove their password there
(enrolment, the online check of a login); :func:`acting_user` is push's question for each entry:
which active user signed it, on this device. An entry whose signature does not check is refused:
whoever holds a laptop's token and database (any of its users) can write entries, but only in the
name of a user whose password they know.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from ..store import signing
from .auth import User, _user, now_iso

UNSIGNED = "这条修改没有作者的签名，服务器未采用；请作者在联网时登录本机后再同步"
BAD_SIGNATURE = "这条修改的签名与署名的用户不符（不是该用户在本机所做），服务器未采用"


def issue(conn: Connection, user_id: str, device_id: str) -> str:
    """The user's credential on this device: the one already issued (entries signed with it while
    offline stay valid), else a new one."""
    row = conn.execute(text("SELECT secret, revoked_at FROM user_credential WHERE user_id = :u AND device_id = :d"),
                       {"u": user_id, "d": device_id}).first()
    if row is not None and row[1] is None:
        return row[0]
    secret = signing.new_credential()
    params = {"u": user_id, "d": device_id, "s": secret, "t": now_iso()}
    if row is None:
        conn.execute(text("INSERT INTO user_credential (user_id, device_id, secret, created_at) "
                          "VALUES (:u, :d, :s, :t)"), params)
    else:
        conn.execute(text("UPDATE user_credential SET secret = :s, created_at = :t, revoked_at = NULL "
                          "WHERE user_id = :u AND device_id = :d"), params)
    return secret


def revoke(conn: Connection, *, device_id: str, user_id: str | None = None) -> int:
    """End credentials on a device (one user's, or all); entries signed with them are refused."""
    sql = "UPDATE user_credential SET revoked_at = :t WHERE device_id = :d AND revoked_at IS NULL"
    params: dict[str, Any] = {"t": now_iso(), "d": device_id}
    if user_id is not None:
        sql += " AND user_id = :u"
        params["u"] = user_id
    return conn.execute(text(sql), params).rowcount or 0


class Signers:
    """The users who may have signed entries of one push, looked up once each."""

    def __init__(self, conn: Connection, device_id: str):
        self.conn = conn
        self.device_id = device_id
        self._found: dict[str, tuple[User, bytes] | None] = {}

    def _lookup(self, user_id: str) -> tuple[User, bytes] | None:
        if user_id not in self._found:
            row = self.conn.execute(text(
                "SELECT u.*, c.secret AS credential_secret FROM user_credential c "
                "JOIN server_user u ON u.id = c.user_id "
                "WHERE c.user_id = :u AND c.device_id = :d AND c.revoked_at IS NULL"),
                {"u": user_id, "d": self.device_id}).first()
            found = None
            if row is not None:
                try:
                    found = (_user(row), signing.credential_bytes(row._mapping["credential_secret"]))
                except ValueError:
                    found = None
            self._found[user_id] = found
        return self._found[user_id]

    def acting_user(self, entry: Any) -> User | None:
        """The user who signed ``entry`` (a wire.OutboxEntry), or None when the signature does not
        check (no signature, a user with no credential on this device, or another's name)."""
        if not entry.user_id or not entry.sig:
            return None
        found = self._lookup(entry.user_id)
        if found is None:
            return None
        user, key = found
        ok = signing.verify(key, entry.sig, table=entry.table, row_id=entry.row_id, op=entry.op, fields=entry.fields,
                            base_versions=entry.base_versions, hlc=entry.hlc, user_id=entry.user_id,
                            created_at=entry.created_at)
        return user if ok else None
