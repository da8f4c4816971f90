"""The city console's work (#16), without HTTP: sessions and CSRF tokens, who may see and act on which
case, the queue, one case with its history, the departments per level, console accounts.

Who sees what (ARCHITECTURE.md §6), on top of the one permission table (``domain/permissions.py``,
which actions a role may take) and the org scope of the sync API (``auth.in_scope``: the user's org
unit's subtree):
- a street / district / city user sees the cases of its subtree that reached its level (escalated
  to it or above), and acts on those whose level is its own;
- a department user sees the cases of its subtree ever dispatched to its department at its level,
  and acts on those dispatched to it now.
Anything else is answered as absent (404), like another community's id in the sync API.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import Connection, text

from ..domain import issues as rules
from ..domain import permissions as perm
from ..domain.codes import ISSUE_CATEGORIES, ISSUE_KINDS, URGENCIES
from ..domain.masking import mask_phone, mask_text
from . import errors as E
from .auth import User, _user, now_iso
from .db import in_chunks

SESSION_COOKIE = "gw_console"
SESSION_SECONDS = 8 * 3600  # a working day; logging out ends it sooner
LEVELS = ("community", "street", "district", "city")
LEVEL_LABELS = dict(rules.ISSUE_LEVELS)
_TZ8 = dt.timezone(dt.timedelta(hours=8))


# --------------------------------------------------------------------------- sessions
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(conn: Connection, user: User, address: str | None) -> tuple[str, str]:
    """A new session for ``user``: (cookie token, CSRF token). Only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(text("DELETE FROM console_session WHERE expires_at < :n"), {"n": int(time.time())})
    conn.execute(text("INSERT INTO console_session (token_hash, user_id, csrf, address, created_at, expires_at) "
                      "VALUES (:h, :u, :c, :a, :t, :e)"),
                 {"h": _hash(token), "u": user.id, "c": csrf, "a": (address or "")[:64], "t": now_iso(),
                  "e": int(time.time()) + SESSION_SECONDS})
    return token, csrf


@dataclass
class Session:
    user: User
    csrf: str
    token_hash: str


def session_of(conn: Connection, token: str | None) -> Session | None:
    """The live session of a cookie, or None (unknown, expired, or its user disabled)."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(text("SELECT s.csrf, s.expires_at, s.token_hash, u.* FROM console_session s "
                            "JOIN server_user u ON u.id = s.user_id WHERE s.token_hash = :h"),
                       {"h": _hash(token)}).first()
    if row is None:
        return None
    m = row._mapping
    if int(m["expires_at"]) < time.time() or not m["active"]:
        return None
    user = _user(row)
    if user.role not in perm.CONSOLE_ROLES and user.role != perm.ADMIN:
        return None
    return Session(user, m["csrf"], m["token_hash"])


def close_session(conn: Connection, token: str | None) -> None:
    if token:
        conn.execute(text("DELETE FROM console_session WHERE token_hash = :h"), {"h": _hash(token)})


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and secrets.compare_digest(session.csrf, str(sent))


# --------------------------------------------------------------------------- the org tree
@dataclass
class OrgTree:
    units: dict[str, dict]
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> "OrgTree":
        units = {r["id"]: dict(r) for r in conn.execute(text(
            "SELECT id, code, name, level, parent_id, settings FROM org_unit WHERE deleted = :f"), {"f": False}).mappings()}
        tree = cls(units)
        for u in units.values():
            tree.children.setdefault(u["parent_id"] or "", []).append(u["id"])
        return tree

    def subtree(self, root: str) -> set[str]:
        out, todo = set(), [root]
        while todo:
            unit = todo.pop()
            if unit in out:
                continue
            out.add(unit)
            todo.extend(self.children.get(unit, []))
        return out

    def communities(self, root: str) -> list[dict]:
        return sorted((self.units[u] for u in self.subtree(root) if self.units.get(u, {}).get("level") == "community"),
                      key=lambda u: u["code"] or "")

    def ancestor_at(self, unit_id: str, level: str) -> dict | None:
        seen = 0
        current = self.units.get(unit_id)
        while current is not None and seen < 16:
            if current["level"] == level:
                return current
            current = self.units.get(current["parent_id"] or "")
            seen += 1
        return None


def user_level(conn: Connection, user: User) -> str | None:
    """The issue level a console user acts at: its role's, or a department's org unit's."""
    if user.role in perm.ROLE_LEVEL:
        return perm.ROLE_LEVEL[user.role]
    if user.role == perm.DEPARTMENT:
        return conn.execute(text("SELECT level FROM org_unit WHERE id = :i"), {"i": user.org_id}).scalar()
    return None


# --------------------------------------------------------------------------- cases
def _when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str) and value:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return when if when.tzinfo else when.replace(tzinfo=_TZ8)


def _payload(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


# Seeded rows (server seed-demo) carry no change number: they come first, in their clock order.
EVENT_ORDER = "ORDER BY CASE WHEN server_seq IS NULL THEN 0 ELSE 1 END, server_seq, hlc"


def _events_by_issue(conn: Connection, issue_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for _chunk, marks, params in in_chunks(issue_ids):
        for r in conn.execute(text(
                "SELECT id, issue_id, action, at, actor_name, level, department, note, payload, created_by, "
                f"device_id, server_seq FROM issue_event WHERE issue_id IN ({marks}) {EVENT_ORDER}"),
                params).mappings():
            e = dict(r)
            e["payload"] = _payload(e["payload"])
            e["at_dt"] = _when(e["at"])
            out.setdefault(e["issue_id"], []).append(e)
    return out


def _fold(events: list[dict]) -> rules.FoldResult:
    return rules.fold([{"id": e["id"], "action": e["action"], "at": e["at_dt"] or e["at"], "payload": e["payload"]}
                       for e in events])


def deadline(state: rules.IssueState, header: dict, config: dict | None, now: dt.datetime,
             department_clock: bool) -> tuple[dt.datetime | None, str | None]:
    """(due, ``ok``/``warning``/``overdue``): the department's own limit while it holds the case
    (``dispatch`` with ``days``), else the case's limit; None when no clock runs."""
    if state.status in ("new", "declined"):
        return None, None
    if (department_clock and state.dispatch_days and state.dispatched_at is not None
            and state.status in ("dispatched", "handling", "extension_requested")):
        cal = config or {}
        last = rules.add_working_days(state.dispatched_at.date(), state.dispatch_days + state.extension_days,
                                      cal.get("holidays") or (), cal.get("workdays") or ())
        due = dt.datetime.combine(last, dt.time.max, tzinfo=state.dispatched_at.tzinfo)
        return due, rules.deadline_status(due, state.dispatched_at, now)
    due = rules.state_due_at(state, config, kind=header.get("kind"), urgency=header.get("urgency"),
                             category=header.get("category"))
    if due is None or state.reported_at is None:
        return None, None
    return due, rules.deadline_status(due, state.reported_at, now, state.closed_at)


def _level_code(value: Any) -> str | None:
    from ..domain.codes import code_for  # noqa: PLC0415
    from ..domain.errors import ValidationError  # noqa: PLC0415

    try:
        return code_for(rules.ISSUE_LEVELS, value)
    except ValidationError:
        return None


def access(user: User, level: str | None, state: rules.IssueState, events: Iterable[dict]) -> str | None:
    """``"act"``, ``"view"`` or None for a case of the user's subtree (the subtree is checked first)."""
    if level is None:
        return None
    if user.role in perm.LEVEL_ROLES:
        if state.level == level:
            return "act"
        if state.level in LEVELS and LEVELS.index(state.level) > LEVELS.index(level):
            return "view"
        return None
    if user.role == perm.DEPARTMENT:
        if state.level == level and state.department == user.department and \
                state.status in ("dispatched", "handling", "extension_requested", "feedback"):
            return "act"
        for e in events:
            if e["action"] == "dispatch" and e["payload"].get("department") == user.department and \
                    _level_code(e["payload"].get("level")) == level:
                return "view"
    return None


def _config(unit: dict | None) -> dict | None:
    """A community's deadline rules (holidays, time limits), parsed once per loaded tree."""
    if unit is None or not unit.get("settings"):
        return None
    if "_config" not in unit:
        from ..domain import community_rules  # noqa: PLC0415

        try:
            unit["_config"] = community_rules.rules_of(unit["settings"]).deadline_config()
        except Exception:  # noqa: BLE001 - a community's bad settings must not hide its cases
            unit["_config"] = None
    return unit["_config"]


def summary(header: dict, fold: rules.FoldResult, events: list[dict], tree: OrgTree, user: User,
            level: str | None, now: dt.datetime) -> dict:
    st = fold.state
    community = tree.units.get(header["community_id"])
    due, colour = deadline(st, header, _config(community), now, department_clock=user.role == perm.DEPARTMENT)
    street = tree.ancestor_at(header["community_id"], "street")
    return {
        **header,
        "state": st,
        "status": st.status,
        "status_label": rules.STATUSES.get(st.status, st.status),
        "level_label": LEVEL_LABELS.get(st.level, st.level),
        "category": st.category or header.get("category"),
        "category_label": ISSUE_CATEGORIES.get(st.category or header.get("category") or "", "")
        or (header.get("category") or ""),
        "kind_label": ISSUE_KINDS.get(st.kind or header.get("kind") or "", header.get("kind") or ""),
        "urgency_label": URGENCIES.get(st.urgency or header.get("urgency") or "", ""),
        "community_name": community["name"] if community else "",
        "community_code": community["code"] if community else "",
        "street_name": street["name"] if street else "",
        "due_at": due,
        "deadline": colour,
        "overdue": colour == "overdue" and st.status not in ("closed", "rated", "declined"),
        "access": access(user, level, st, events),
        "reporter_phone": mask_phone(header.get("reporter_phone")) if header.get("reporter_phone") else "",
        "address": mask_text(header.get("address")) if header.get("address") else "",
        "title": mask_text(header.get("title")),
    }


QUEUE_FILTERS = ("status", "community", "category", "overdue", "scope")


def queue(conn: Connection, user: User, *, now: dt.datetime | None = None, status: str | None = None,
          community: str | None = None, category: str | None = None, overdue: bool = False,
          scope: str = "mine") -> dict:
    """The user's queue: cases escalated to its level (or dispatched to its department) in its
    subtree, overdue first; ``scope`` ``all`` also lists what it may only view (gone above it,
    answered by its department before). Filters: status code, community id, category code, overdue."""
    now = now or dt.datetime.now(dt.timezone.utc)
    level = user_level(conn, user)
    tree = OrgTree.load(conn)
    communities = tree.communities(user.org_id)
    ids = [c["id"] for c in communities if not community or c["id"] == community]
    headers: list[dict] = []
    for _chunk, marks, params in in_chunks(ids, "c"):
        headers += [dict(r) for r in conn.execute(text(
            "SELECT id, community_id, title, category, kind, urgency, address, reporter_name, reporter_phone, "
            f"reported_at, source FROM issue WHERE deleted = :f AND community_id IN ({marks})"),
            {"f": False, **params}).mappings()]
    events = _events_by_issue(conn, [h["id"] for h in headers])
    rows = []
    for h in headers:
        evs = events.get(h["id"], [])
        s = summary(h, _fold(evs), evs, tree, user, level, now)
        if s["access"] is None or (scope != "all" and s["access"] != "act"):
            continue
        if status and s["status"] != status:
            continue
        if not status and scope != "all" and s["status"] in ("closed", "rated", "declined"):
            continue  # 待办: what is still to be done
        if category and s["category"] != category:
            continue
        if overdue and not s["overdue"]:
            continue
        rows.append(s)
    rank = {"overdue": 0, "warning": 1, "ok": 2, None: 3}
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    rows.sort(key=lambda s: (s["status"] in ("closed", "rated", "declined"), rank[s["deadline"]],
                             s["due_at"] or far, s["reported_at"] or ""))
    return {"rows": rows, "communities": communities, "level": level}


@dataclass
class Case:
    summary: dict
    events: list[dict]
    offered: list[str]          # the actions this user may take now (permission table ∩ state machine)
    community: dict | None


def load_case(conn: Connection, user: User, issue_id: str, *, now: dt.datetime | None = None) -> Case:
    """One case the user may see, with every event (laptops' and the console's); NotFound otherwise."""
    from .auth import in_scope  # noqa: PLC0415

    now = now or dt.datetime.now(dt.timezone.utc)
    header = conn.execute(text(
        "SELECT id, community_id, title, description, category, kind, urgency, household_id, address, "
        "reporter_name, reporter_phone, reported_at, source FROM issue WHERE id = :i AND deleted = :f"),
        {"i": issue_id, "f": False}).mappings().first()
    if header is None or not in_scope(conn, user, header["community_id"]):
        raise E.NotFound("找不到该事项或不在您的管辖范围内", code="issue_not_found")
    header = dict(header)
    events = _events_by_issue(conn, [issue_id]).get(issue_id, [])
    fold = _fold(events)
    tree = OrgTree.load(conn)
    level = user_level(conn, user)
    s = summary(header, fold, events, tree, user, level, now)
    if s["access"] is None:
        raise E.NotFound("找不到该事项或不在您的管辖范围内", code="issue_not_found")
    s["description"] = mask_text(header.get("description")) if header.get("description") else ""
    bad = dict(fold.invalid)
    users = {}
    ids = sorted({e["created_by"] for e in events if e.get("created_by")})
    for _chunk, marks, params in in_chunks(ids, "u"):
        for r in conn.execute(text(f"SELECT id, display_name, username, role FROM server_user WHERE id IN ({marks})"),
                              params).mappings():
            users[r["id"]] = dict(r)
    for e in events:
        e["label"] = rules.ACTIONS.get(e["action"], e["action"])
        e["invalid"] = bad.get(e["id"])
        author = users.get(e.get("created_by") or "")
        e["source"] = "城市管理平台" if e.get("device_id") is None and author and author["role"] in perm.CONSOLE_ROLES \
            else "社区电脑"
        e["author_role"] = perm.role_label(author["role"]) if author else ""
        e["note"] = mask_text(e.get("note")) if e.get("note") else ""
        e["details"] = _details(e["payload"])
    offered = offered_actions(user, level, fold.state) if s["access"] == "act" else []
    return Case(s, events, offered, tree.units.get(header["community_id"]))


_DETAIL_KEYS = {"category": "类别", "urgency": "紧急程度", "level": "层级", "department": "承办部门",
                "days": "时限（工作日）", "reason": "原因", "note": "情况", "attachments": "附件说明",
                "rating": "评价", "kind": "类型", "text": "内容"}


def _details(payload: dict) -> list[tuple[str, str]]:
    out = []
    for key, label in _DETAIL_KEYS.items():
        value = payload.get(key)
        if value in (None, "", []):
            continue
        if key == "level":
            value = LEVEL_LABELS.get(value, value)
        elif key == "category":
            value = ISSUE_CATEGORIES.get(value, value)
        elif key == "urgency":
            value = URGENCIES.get(value, value)
        elif key == "rating":
            value = rules.RATINGS.get(value, value)
        elif key == "kind":
            value = ISSUE_KINDS.get(value, value)
        elif isinstance(value, list):
            value = "；".join(str(v) for v in value)
        out.append((label, mask_text(str(value))))
    return out


def offered_actions(user: User, level: str | None, state: rules.IssueState) -> list[str]:
    """What the console offers: the permission table ∩ the state machine, in the loop's order."""
    allowed = set(rules.allowed_actions(state))
    if level == LEVELS[-1]:
        allowed.discard("escalate")
    return [a for a in perm.console_issue_actions(user.role) if a in allowed]


def check_can_act(conn: Connection, user: User, issue_id: str):
    """A ``check(state)`` for ``push.append_server_event``: the user acts on this case now."""
    from .authorize import Rejected  # noqa: PLC0415

    level = user_level(conn, user)
    events = _events_by_issue(conn, [issue_id]).get(issue_id, [])

    def check(state: rules.IssueState) -> None:
        if access(user, level, state, events) != "act":
            raise Rejected("forbidden", "该事项当前不由您办理（已转到其他层级或部门）")
    return check


def build_payload(user: User, level: str | None, action: str, form: dict[str, str]) -> tuple[dict, dict]:
    """The event payload and its columns (level, department, note) from a console form; a value the
    user may not choose (another level's department, a level not theirs) is refused here."""
    from .authorize import Rejected  # noqa: PLC0415

    def txt(key: str) -> str:
        return (form.get(key) or "").strip()

    payload: dict[str, Any] = {}
    cols: dict[str, Any] = {"level": None, "department": None, "note": None}
    if action == "analyse":
        payload = {"category": txt("category"), "urgency": txt("urgency") or "normal", "level": level}
        if txt("kind"):
            payload["kind"] = txt("kind")
        cols["level"] = level
    elif action == "dispatch":
        payload = {"level": level, "department": txt("department")}
        if txt("days"):
            payload["days"] = txt("days")
        cols.update(level=level, department=txt("department"))
    elif action in ("decline", "send_back", "escalate"):
        payload = {"reason": txt("reason")}
        cols["note"] = txt("reason")
    elif action == "request_extension":
        payload = {"days": txt("days"), "reason": txt("reason")}
        cols["note"] = txt("reason")
    elif action == "feedback":
        payload = {"note": txt("note")}
        attachments = [line.strip() for line in (form.get("attachments") or "").splitlines() if line.strip()]
        if attachments:
            payload["attachments"] = attachments[:20]
        cols["note"] = txt("note")
        cols["department"] = user.department
    elif action in ("comment", "supervise", "close", "accept", "grant_extension", "refuse_extension",
                    "start_handling"):
        if txt("note"):
            payload = {"text": txt("note")} if action == "comment" else {"note": txt("note")}
            cols["note"] = txt("note")
    else:
        raise Rejected("unknown_action", f"未知的操作“{action}”")
    if "days" in payload:
        try:
            payload["days"] = int(payload["days"])
        except ValueError:
            raise Rejected("invalid", "天数应为正整数（工作日）") from None
    if action == "escalate":
        cols["level"] = None
    return payload, cols


# --------------------------------------------------------------------------- departments
def departments(conn: Connection, level: str | None = None, *, active_only: bool = True) -> list[dict]:
    sql = "SELECT id, level, name, position, active FROM console_department"
    where, params = [], {}
    if level:
        where.append("level = :l")
        params["l"] = level
    if active_only:
        where.append("active = :t")
        params["t"] = True
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [dict(r) for r in conn.execute(text(sql + " ORDER BY level, position, name"), params).mappings()]


def add_department(conn: Connection, level: str, name: str) -> dict:
    from ..domain.ids import new_id  # noqa: PLC0415

    name = (name or "").strip()
    if level not in ("street", "district", "city") or not name or len(name) > 100:
        raise E.BadRequest("层级须为 street / district / city，部门名称 1–100 个字", code="bad_department")
    found = conn.execute(text("SELECT id FROM console_department WHERE level = :l AND name = :n"),
                         {"l": level, "n": name}).scalar()
    if found:
        conn.execute(text("UPDATE console_department SET active = :t WHERE id = :i"), {"t": True, "i": found})
        return {"id": found, "level": level, "name": name}
    pos = conn.execute(text("SELECT coalesce(max(position), 0) + 1 FROM console_department WHERE level = :l"),
                       {"l": level}).scalar()
    did = new_id()
    conn.execute(text("INSERT INTO console_department (id, level, name, position, active) VALUES (:i, :l, :n, :p, :t)"),
                 {"i": did, "l": level, "n": name, "p": int(pos), "t": True})
    return {"id": did, "level": level, "name": name}


def ensure_default_departments(conn: Connection) -> None:
    """The default list per level, once (an empty list only: an admin's edits stay)."""
    if conn.execute(text("SELECT count(*) FROM console_department")).scalar():
        return
    for level, names in perm.DEFAULT_DEPARTMENTS.items():
        for name in names:
            add_department(conn, level, name)


# --------------------------------------------------------------------------- accounts
def console_users(conn: Connection, admin: User) -> list[dict]:
    """Console accounts (and admins) whose org unit is in the admin's subtree."""
    from .auth import in_scope  # noqa: PLC0415

    rows = conn.execute(text(
        "SELECT u.id, u.username, u.display_name, u.role, u.org_id, u.department, u.active, u.created_at, "
        "o.name AS org_name, o.code AS org_code FROM server_user u LEFT JOIN org_unit o ON o.id = u.org_id "
        "ORDER BY u.role, u.username")).mappings().all()
    return [dict(r) for r in rows if r["role"] in perm.CONSOLE_ROLES and in_scope(conn, admin, r["org_id"])]


def console_user_in_scope(conn: Connection, admin: User | None, username: str) -> dict:
    from .auth import in_scope  # noqa: PLC0415

    row = conn.execute(text("SELECT id, username, role, org_id FROM server_user WHERE username = :u"),
                       {"u": username}).mappings().first()
    if row is None or row["role"] not in perm.CONSOLE_ROLES or (admin is not None and not in_scope(conn, admin, row["org_id"])):
        raise E.NotFound(f"找不到平台账号 {username}", code="user_not_found")
    return dict(row)


def set_active(conn: Connection, admin: User | None, username: str, active: bool) -> dict:
    row = console_user_in_scope(conn, admin, username)
    conn.execute(text("UPDATE server_user SET active = :a WHERE id = :i"), {"a": active, "i": row["id"]})
    if not active:
        conn.execute(text("DELETE FROM console_session WHERE user_id = :i"), {"i": row["id"]})
    return {"username": username, "active": active}


def reset_password(conn: Connection, admin: User | None, username: str, password: str) -> dict:
    from .auth import hash_password, require_strong_password  # noqa: PLC0415

    row = console_user_in_scope(conn, admin, username)
    require_strong_password(password, username)
    conn.execute(text("UPDATE server_user SET password_hash = :p, failed_logins = 0, locked_until = NULL WHERE id = :i"),
                 {"p": hash_password(password), "i": row["id"]})
    conn.execute(text("DELETE FROM console_session WHERE user_id = :i"), {"i": row["id"]})
    return {"username": username, "password_reset": True}


# --------------------------------------------------------------------------- the audit of page views
def record_view(conn: Connection, user: User, what: str, *, community_id: str | None = None, **detail: Any) -> None:
    """A console page that showed personal data (names, addresses, masked phones, case history):
    who saw it, when, which page and rows, in the server's access log (``server access-log``)."""
    from ..domain.ids import new_id  # noqa: PLC0415

    conn.execute(text("INSERT INTO server_access_log (id, at, action, user_id, device_id, community_id, detail) "
                      "VALUES (:i, :a, :k, :u, NULL, :c, :d)"),
                 {"i": new_id(), "a": now_iso(), "k": "console_view", "u": user.id, "c": community_id,
                  "d": json.dumps({"page": what, **detail}, ensure_ascii=False)[:4000]})
