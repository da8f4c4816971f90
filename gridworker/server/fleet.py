"""The fleet (issue #16): every laptop's community, users, last contact and what it reported of
itself on its last sync, for admins (``server devices``, ``GET /admin/fleet``, the console).

Last contact is ``device.last_seen_at``, recorded by any authenticated call (server/deps.py, at most
once a minute). The self-report (``POST /sync/report``, sent by the laptop at the end of each sync
and verify) is untrusted: every value is checked, bounded and stored as given; it is shown to admins,
never used to decide anything. Nothing here imports FastAPI.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, text

from ..domain.text import find_control
from .auth import User, in_scope, now_iso
from .errors import InvalidRequest

DEFAULT_STALE_DAYS = 3
_MAX_COUNT = 10**9
# field -> kind of value the laptop may report
REPORT_FIELDS: dict[str, str] = {
    "app_version": "str", "schema_version": "int", "pending": "int", "checksum_match": "bool",
    "verified_at": "time", "conflicts": "int", "rejected": "int", "flagged": "int",
}


def clean_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report's known fields, checked (unknown keys are ignored: a newer laptop may say more).
    Refuses with :class:`InvalidRequest` a value of the wrong type, out of range or with control
    characters."""
    if not isinstance(report, Mapping):
        raise InvalidRequest("报告格式不正确")
    out: dict[str, Any] = {}
    for name, kind in REPORT_FIELDS.items():
        value = report.get(name)
        if value is None:
            out[name] = None
            continue
        ok = True
        if kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT
        elif kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "str":
            ok = isinstance(value, str) and 0 < len(value) <= 32 and find_control(value) is None
        elif kind == "time":
            ok = isinstance(value, str) and len(value) <= 32 and _parse(value) is not None
        if not ok:
            raise InvalidRequest(f"{name}: 格式不正确", {"field": name})
        out[name] = value
    return out


def record_report(conn: Connection, device_id: str, report: Mapping[str, Any]) -> dict[str, Any]:
    """Store what a laptop said of itself (replacing its previous report); returns what was stored."""
    values = {**clean_report(report), "device_id": device_id, "reported_at": now_iso()}
    cols = list(values)
    updated = conn.execute(text(f"UPDATE device_report SET {', '.join(f'{c} = :{c}' for c in cols if c != 'device_id')} "
                                "WHERE device_id = :device_id"), values).rowcount
    if not updated:
        conn.execute(text(f"INSERT INTO device_report ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"),
                     values)
    return values


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def silent_days(last_seen_at: str | None, now: dt.datetime) -> float | None:
    """Days since the last contact (None: never heard from)."""
    seen = _parse(last_seen_at)
    return None if seen is None else max(0.0, (now - seen).total_seconds() / 86400)


def is_stale(last_seen_at: str | None, now: dt.datetime, stale_days: float = DEFAULT_STALE_DAYS) -> bool:
    """Silent for more than ``stale_days`` days, or never heard from."""
    days = silent_days(last_seen_at, now)
    return days is None or days > stale_days


_FLEET_SQL = (
    "SELECT d.id, d.name, d.user_id, u.username, d.community_id, o.code AS community_code, "
    "o.name AS community_name, d.last_seq, d.created_at, d.last_seen_at, d.revoked_at, "
    "r.reported_at, r.app_version, r.schema_version, r.pending, r.checksum_match, r.verified_at, "
    "r.conflicts, r.rejected, r.flagged "
    "FROM device d LEFT JOIN server_user u ON u.id = d.user_id LEFT JOIN org_unit o ON o.id = d.community_id "
    "LEFT JOIN device_report r ON r.device_id = d.id ORDER BY o.code, d.created_at, d.id")


def fleet(conn: Connection, user: User | None = None, *, stale_days: float = DEFAULT_STALE_DAYS,
          now: dt.datetime | None = None, include_revoked: bool = True) -> list[dict[str, Any]]:
    """Every laptop (of ``user``'s org subtree when given; the server's operator sees all).

    Each: id, name, community_id/_code/_name, user_id, username, users (every user who holds a
    credential on it), last_seq, created_at, last_seen_at, silent_days, stale, revoked_at, and the
    laptop's last report: reported_at, app_version, schema_version, pending, checksum_match,
    verified_at, conflicts, rejected, flagged (None where it never reported; ``conflicts`` and
    ``rejected`` are the laptop's open review items), plus ``community_conflict_records``: the
    conflict and flag records the server holds for the community (the server never closes them:
    the laptops review them).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = [dict(r) for r in conn.execute(text(_FLEET_SQL)).mappings()]
    if user is not None:
        allowed: dict[str, bool] = {}
        for r in rows:
            c = r["community_id"]
            if c not in allowed:
                allowed[c] = user.role == "admin" and in_scope(conn, user, c)
        rows = [r for r in rows if allowed[r["community_id"]]]
    users: dict[str, list[str]] = {}
    for device_id, username in conn.execute(text(
            "SELECT c.device_id, u.username FROM user_credential c JOIN server_user u ON u.id = c.user_id "
            "WHERE c.revoked_at IS NULL ORDER BY u.username")):
        users.setdefault(device_id, []).append(username)
    records = {c: int(n) for c, n in conn.execute(text(
        "SELECT community_id, count(*) FROM sync_conflict GROUP BY community_id"))}
    out = []
    for r in rows:
        if r["revoked_at"] and not include_revoked:
            continue
        names = users.get(r["id"], [])
        if r["username"] and r["username"] not in names:
            names = [r["username"], *names]
        days = silent_days(r["last_seen_at"], now)
        r.update(users=names, silent_days=None if days is None else round(days, 2),
                 # Never heard from: stale once it has been enrolled longer than stale_days.
                 stale=not r["revoked_at"] and is_stale(r["last_seen_at"] or r["created_at"], now, stale_days),
                 checksum_match=None if r["checksum_match"] is None else bool(r["checksum_match"]),
                 community_conflict_records=records.get(r["community_id"], 0))
        out.append(r)
    return out


def fleet_line(d: Mapping[str, Any]) -> str:
    """One laptop as a line of ``server devices``."""
    def val(v: Any) -> str:
        return "?" if v is None else str(v)
    agree = {True: "ok", False: "DIFFERS", None: "?"}[d.get("checksum_match")]
    state = ("REVOKED " + d["revoked_at"]) if d.get("revoked_at") else ("STALE" if d.get("stale") else "active")
    return (f"{d['id']}  {(d.get('community_code') or '?'):<8} {d.get('community_name') or '':<10} "
            f"users={','.join(d.get('users') or []) or '?'}  last_seq={d['last_seq']:<6} "
            f"last_contact={d.get('last_seen_at') or 'never':<25} app={val(d.get('app_version'))} "
            f"schema={val(d.get('schema_version'))} unsent={val(d.get('pending'))} checksum={agree} "
            f"conflicts={val(d.get('conflicts'))} rejected={val(d.get('rejected'))}  {state}")
