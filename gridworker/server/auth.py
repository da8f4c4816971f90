"""Users, passwords, device tokens, login throttling and org scope.

Passwords are hashed with Argon2id; device tokens are 256-bit random and only their SHA-256 is
stored, so a stolen database does not let anyone sync. Nothing here imports FastAPI: refusals are
the classes of :mod:`.errors`, which the HTTP layer turns into answers.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, text

from ..domain.ids import new_id
from . import errors as E
from .login_guard import BASE_LOCK_SECONDS, MAX_FAILURES, MAX_LOCK_SECONDS, LoginGuard, guard_for  # noqa: F401

LAPTOP_ROLES = ("admin", "grid_worker", "party_member")
CONSOLE_ROLES = ("street", "district", "city", "department")  # the web console only, never a laptop
ROLES = LAPTOP_ROLES + CONSOLE_ROLES
_hasher = PasswordHasher()  # Argon2id with the library's current recommended costs
# A hash to verify against when the user does not exist, so timing does not tell names apart.
_DUMMY_HASH = _hasher.hash("not-a-password")



def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- login throttling
class _Throttle:
    """Per-address failure counting in memory (the client's socket address, or the address a
    trusted proxy reports: ``server run --trust-proxy``)."""

    def __init__(self, limit: int = 30, window: float = 300.0):
        self.limit = limit
        self.window = window
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, key: str) -> bool:
        now = time.time()
        with self._lock:
            hits = [t for t in self._hits.get(key, []) if now - t < self.window]
            self._hits[key] = hits
            return len(hits) >= self.limit

    def fail(self, key: str) -> None:
        with self._lock:
            self._hits.setdefault(key, []).append(time.time())


address_throttle = _Throttle()


@dataclass
class User:
    id: str
    username: str
    display_name: str | None
    role: str
    org_id: str
    active: bool
    party_member_id: str | None = None  # a party-member user's own party_member row
    department: str | None = None  # a department account's department (console)

    def as_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "role": self.role, "org_id": self.org_id, "party_member_id": self.party_member_id}


def _user(row) -> User:
    m = row._mapping
    return User(m["id"], m["username"], m["display_name"], m["role"], m["org_id"], bool(m["active"]),
                m.get("party_member_id"), m.get("department"))


def login(conn: Connection, username: str, password: str, address: str = "?",
          guard: LoginGuard | None = None) -> User:
    """Check a password. Failures are counted per (account, address) and per account (see
    :mod:`.login_guard`); a name that does not exist is answered exactly as a wrong password, after
    the same hash work."""
    if address_throttle.blocked(address):
        raise E.Throttled("登录失败次数过多，请稍后再试", {"retry_after": 60})
    guard = guard or guard_for(None)
    guard.check(username, address)
    row = conn.execute(text("SELECT * FROM server_user WHERE username = :u"), {"u": username}).first()
    ok = verify_password(row._mapping["password_hash"] if row is not None else None, password)
    if not ok or row is None or not row._mapping["active"]:
        address_throttle.fail(address)
        guard.failed(username, address)
        raise E.BadCredentials("用户名或密码错误")
    guard.succeeded(username, address)
    return _user(row)


# --------------------------------------------------------------------------- org scope
def org_by_code_or_id(conn: Connection, ref: str) -> dict | None:
    row = conn.execute(text("SELECT id, code, name, level, parent_id, community_id FROM org_unit "
                            "WHERE (id = :r OR code = :r) AND deleted = :f"),
                       {"r": ref, "f": False}).mappings().first()
    return dict(row) if row else None


def ancestors(conn: Connection, org_id: str) -> list[str]:
    """The org unit and every unit above it, nearest first."""
    chain: list[str] = []
    current: str | None = org_id
    while current and current not in chain and len(chain) < 16:
        chain.append(current)
        current = conn.execute(text("SELECT parent_id FROM org_unit WHERE id = :i"), {"i": current}).scalar()
    return chain


def community_of(conn: Connection, org_id: str) -> str | None:
    """The community an org unit belongs to (itself, or the community above a grid)."""
    for unit in ancestors(conn, org_id):
        level = conn.execute(text("SELECT level FROM org_unit WHERE id = :i"), {"i": unit}).scalar()
        if level == "community":
            return unit
    return None


def in_scope(conn: Connection, user: User, org_id: str) -> bool:
    """True when org_id is the user's org unit or below it (a grid worker's community holds her grid)."""
    scope = community_of(conn, user.org_id) if user.role != "admin" else None
    return (scope or user.org_id) in ancestors(conn, org_id)


# --------------------------------------------------------------------------- users and devices
def require_strong_password(password: str, username: str) -> None:
    """The password rule (domain/passwords.py) for a password a person sets: the admin API and
    ``server add-user``; refused as ``weak_password`` (400) with the rule's own words."""
    from ..domain.errors import ValidationError  # noqa: PLC0415
    from ..domain.passwords import check_password  # noqa: PLC0415

    try:
        check_password(password, username)
    except ValidationError as exc:
        raise E.BadRequest(exc.message, code="weak_password") from None


def add_user(conn: Connection, username: str, password: str, role: str, org: str,
             display_name: str | None = None, *, party_member_id: str | None = None,
             department: str | None = None, roles: tuple[str, ...] = LAPTOP_ROLES) -> User:
    """A new user; a party-member user may be bound to their ``party_member`` row here (by id).

    ``roles``: the roles this caller may create (the sync API: laptop roles; the console and
    ``server console-user add``: console roles). A console role's org unit must be of its level (a
    street account on a street…); a department account names a department of its unit's level."""
    if role not in roles:
        raise E.BadRequest(f"角色必须是 {', '.join(roles)} 之一", code="bad_role")
    if party_member_id and role != "party_member":
        raise E.BadRequest("只有党员账号可以关联党员", code="bad_member")
    if (department is not None) != (role == "department"):
        raise E.BadRequest("职能部门账号必须指定所属部门，其他账号不能指定", code="bad_department")
    if len(password) < 8:
        raise E.BadRequest("密码至少 8 位", code="weak_password")
    unit = org_by_code_or_id(conn, org)
    if unit is None:
        raise E.NotFound(f"找不到组织单位 {org}", code="org_not_found")
    if role in ("street", "district", "city") and unit["level"] != role:
        raise E.BadRequest(f"{role} 账号的组织单位必须是同一层级（{unit['name']} 是 {unit['level']}）",
                           code="bad_org_level")
    if role == "department":
        if unit["level"] not in ("street", "district", "city"):
            raise E.BadRequest("职能部门账号须属于街道、区或市", code="bad_org_level")
        known = conn.execute(text("SELECT 1 FROM console_department WHERE level = :l AND name = :n AND active = :t"),
                             {"l": unit["level"], "n": department, "t": True}).first()
        if known is None:
            raise E.BadRequest(f"{unit['name']}所在层级没有部门“{department}”（见部门名录）", code="bad_department")
    if conn.execute(text("SELECT 1 FROM server_user WHERE username = :u"), {"u": username}).first():
        raise E.Conflict(f"用户名 {username} 已存在", code="user_exists")
    uid = new_id()
    conn.execute(text("INSERT INTO server_user (id, username, display_name, role, org_id, password_hash, "
                      "active, failed_logins, created_at, party_member_id, department) "
                      "VALUES (:i, :u, :d, :r, :o, :p, :a, 0, :t, :m, :dep)"),
                 {"i": uid, "u": username, "d": display_name, "r": role, "o": unit["id"],
                  "p": hash_password(password), "a": True, "t": now_iso(), "m": party_member_id, "dep": department})
    return User(uid, username, display_name, role, unit["id"], True, party_member_id, department)


def require_bound_member(conn: Connection, user: User, community_id: str) -> None:
    """A party-member user is bound to their own party_member row by id (``server add-user
    --party-member ID``): never matched by name. Without a live row of this community, no laptop:
    neither enrolling one nor logging in on one."""
    if user.role != "party_member":
        return
    row = conn.execute(text("SELECT deleted FROM party_member WHERE id = :m AND community_id = :c"),
                       {"m": user.party_member_id or "", "c": community_id}).first()
    if row is None or row[0] in (True, 1, "1", "true"):
        raise E.Forbidden("该党员账号未关联本社区党员名册中的党员，不能在本机使用；请社区管理员在添加账号时"
                          "指定党员（server add-user --party-member）", code="member_required")


def enroll_device(conn: Connection, user: User, *, community: str | None, device_id: str | None,
                  device_name: str | None, outbox_start: int, token: str | None = None) -> tuple[dict, str]:
    """Register a laptop for one community in the user's scope; returns (community row, token).

    ``token``: the laptop's own random token for this enrolment (the same in a retried or duplicated
    request, so the second request does not invalidate the reply the laptop heard); else one is made.
    """
    if user.role not in LAPTOP_ROLES:
        # Street, district, city and department staff work in the web console and keep no
        # community data on a laptop (ARCHITECTURE.md §6).
        raise E.Forbidden("该账号用于城市管理平台（网页），不能注册社区电脑", code="console_account")
    if community:
        unit = org_by_code_or_id(conn, community)
        if unit is None or not in_scope(conn, user, unit["id"]):
            raise E.OutOfScope("该社区不在您的管辖范围内")
        cid = community_of(conn, unit["id"])
    else:
        cid = community_of(conn, user.org_id)
    if cid is None:
        raise E.BadRequest("您的账号管辖多个社区，请指定要同步的社区（社区代码）", code="community_required")
    if not in_scope(conn, user, cid):
        raise E.OutOfScope("该社区不在您的管辖范围内")
    require_bound_member(conn, user, cid)
    token = token or new_token()
    device_id = device_id or new_id()
    if conn.dialect.name == "postgresql":
        # Two copies of one enrolment at once: the second waits for the first's row, then updates it.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:i))"), {"i": device_id})
    if conn.execute(text("SELECT 1 FROM device WHERE token_hash = :h AND id <> :i"),
                    {"h": token_hash(token), "i": device_id}).first() is not None:
        # A laptop's own token must be new: one already held by another device is refused, never shared.
        raise E.Conflict("这个设备令牌已被其他设备使用；请重新注册（会生成新的令牌）", code="token_reused")
    existing = conn.execute(text("SELECT user_id, community_id, last_seq, revoked_at FROM device WHERE id = :i"),
                            {"i": device_id}).mappings().first()
    if existing is not None:
        # A device id belongs to its community: only a user in scope of that community may use it
        # (an admin elsewhere cannot take it over), answered as for any device taken.
        if not in_scope(conn, user, existing["community_id"]):
            raise E.Conflict("这台电脑已由其他账号注册；请管理员处理", code="device_taken")
        if existing["revoked_at"] is not None:
            # A stopped (lost) laptop is not brought back by any password, an admin's neither: only
            # an explicit un-revoke by an admin whose scope holds it (POST /admin/devices/{id}/unrevoke).
            raise E.Forbidden("这台电脑已被管理员停用，不能重新注册；请联系社区管理员", code="device_revoked")
        if existing["user_id"] != user.id and user.role != "admin":
            raise E.Conflict("这台电脑已由其他账号注册；请管理员处理", code="device_taken")
        # A re-enrolled laptop keeps its outbox numbering: the old token stops working.
        conn.execute(text("UPDATE device SET token_hash = :h, user_id = :u, community_id = :c, name = :n, "
                          "revoked_at = NULL WHERE id = :i"),
                     {"h": token_hash(token), "u": user.id, "c": cid, "n": device_name, "i": device_id})
    else:
        conn.execute(text("INSERT INTO device (id, user_id, community_id, token_hash, name, last_seq, created_at) "
                          "VALUES (:i, :u, :c, :h, :n, :s, :t)"),
                     {"i": device_id, "u": user.id, "c": cid, "h": token_hash(token), "n": device_name,
                      "s": max(0, outbox_start - 1), "t": now_iso()})
    from .db import ensure_community_sync  # noqa: PLC0415
    ensure_community_sync(conn, cid)
    unit = org_by_code_or_id(conn, cid)
    secret = issue_export_secret(conn, device_id, token_hash(token))  # signs a lost-laptop export
    return {"device_id": device_id, "export_secret": secret, **(unit or {"id": cid, "code": "", "name": ""})}, token


def issue_export_secret(conn: Connection, device_id: str, token_hash: str) -> str:
    """The device's export secret (base64) for this enrolment: a new one, or the same one again for a
    duplicated request of the same enrolment (same token), so whichever reply the laptop hears works."""
    row = conn.execute(text("SELECT export_secret, token_hash FROM device_secret WHERE device_id = :d"),
                       {"d": device_id}).first()
    if row is not None and row[1] == token_hash:
        return row[0]
    secret = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    params = {"d": device_id, "s": secret, "h": token_hash, "t": now_iso()}
    if row is None:
        conn.execute(text("INSERT INTO device_secret (device_id, export_secret, token_hash, created_at) "
                          "VALUES (:d, :s, :h, :t)"), params)
    else:
        conn.execute(text("UPDATE device_secret SET export_secret = :s, token_hash = :h, created_at = :t "
                          "WHERE device_id = :d"), params)
    return secret


@dataclass
class DeviceAuth:
    device_id: str
    community_id: str
    last_seq: int
    user: User
    last_seen_at: str | None = None


def authenticate(conn: Connection, token: str | None) -> DeviceAuth:
    """The device and user behind a bearer token; refused when unknown, revoked or the user is disabled."""
    if not token:
        raise E.Unauthorized("缺少设备令牌，请先注册本机")
    row = conn.execute(text(
        "SELECT d.id AS device_id, d.community_id, d.last_seq, d.revoked_at, d.last_seen_at AS device_seen, u.* "
        "FROM device d "
        "JOIN server_user u ON u.id = d.user_id WHERE d.token_hash = :h"), {"h": token_hash(token)}).first()
    if row is None:
        raise E.Unauthorized("设备令牌无效，请重新注册本机")
    m = row._mapping
    if m["revoked_at"]:
        raise E.DeviceRevoked("本机已被管理员停用，无法同步；未发送的修改仍保存在本机，请联系管理员")
    if not m["active"]:
        raise E.UserDisabled("您的账号已停用，请联系管理员")
    return DeviceAuth(m["device_id"], m["community_id"], int(m["last_seq"]), _user(row), m["device_seen"])


SEEN_EVERY = dt.timedelta(seconds=60)


def seen_due(auth: DeviceAuth, now: dt.datetime | None = None) -> bool:
    """Whether a call should record the device's last contact: any authenticated call counts (a
    laptop that only pulls is alive too), at most once a minute per device so reads stay reads."""
    if not auth.last_seen_at:
        return True
    try:
        seen = dt.datetime.fromisoformat(auth.last_seen_at)
    except ValueError:
        return True
    seen = seen if seen.tzinfo else seen.replace(tzinfo=dt.timezone.utc)
    return (now or dt.datetime.now(dt.timezone.utc)) - seen >= SEEN_EVERY


def mark_seen(conn: Connection, device_id: str) -> None:
    conn.execute(text("UPDATE device SET last_seen_at = :t WHERE id = :d"), {"t": now_iso(), "d": device_id})


def list_devices(conn: Connection, user: User | None = None) -> list[dict]:
    rows = conn.execute(text(
        "SELECT d.id, d.user_id, u.username, d.community_id, o.code AS community_code, o.name AS community_name, "
        "d.name, d.last_seq, d.created_at, d.last_seen_at, d.revoked_at FROM device d "
        "LEFT JOIN server_user u ON u.id = d.user_id LEFT JOIN org_unit o ON o.id = d.community_id "
        "ORDER BY d.created_at")).mappings().all()
    out = [dict(r) for r in rows]
    if user is not None:
        out = [d for d in out if in_scope(conn, user, d["community_id"])]
    return out


def unrevoke_device(conn: Connection, device_id: str, user: User | None) -> dict:
    """An admin whose scope holds a revoked device (or the server's operator: ``user`` None) lets it
    enrol again: its old token stays void (the laptop enrols again with a user's password)."""
    row = conn.execute(text("SELECT id, community_id, revoked_at FROM device WHERE id = :i"),
                       {"i": device_id}).mappings().first()
    if row is None or (user is not None and (user.role != "admin" or not in_scope(conn, user, row["community_id"]))):
        raise E.NotFound(f"找不到设备 {device_id}")
    if row["revoked_at"] is not None:
        conn.execute(text("UPDATE device SET revoked_at = NULL, token_hash = :h WHERE id = :i"),
                     {"h": "void:" + secrets.token_hex(24), "i": device_id})
    return {"device_id": device_id, "revoked_at": None}


def revoke_device(conn: Connection, device_id: str, user: User | None = None) -> dict:
    row = conn.execute(text("SELECT id, community_id, revoked_at FROM device WHERE id = :i"),
                       {"i": device_id}).mappings().first()
    if row is None or (user is not None and not in_scope(conn, user, row["community_id"])):
        raise E.NotFound(f"找不到设备 {device_id}")
    when = row["revoked_at"] or now_iso()
    conn.execute(text("UPDATE device SET revoked_at = :t WHERE id = :i"), {"t": when, "i": device_id})
    return {"device_id": device_id, "revoked_at": when}
