"""Reads for the household head's own screen (我的联系户): a party member's circle by their member id.

A member sees their own households; a 党员中心户 also sees the members under it and those members'
households. Each household with its last visit and when the next is due (by attention level).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ..domain import points as pts
from ..domain.issues import STATUSES
from ..domain.visits import next_visit_due
from .queries_issues import issue_case


@dataclass
class MyCircle:
    member: dict[str, Any] | None
    households: list[dict[str, Any]] = field(default_factory=list)  # own, then the members' ones
    members: list[dict[str, Any]] = field(default_factory=list)  # a 中心户's members
    cases: list[dict[str, Any]] = field(default_factory=list)
    points: str = "0"


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        out = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return out if out.tzinfo else out.replace(tzinfo=dt.timezone.utc)


def my_circle(conn: Connection, member_id: str | None, user_id: str | None = None) -> MyCircle:
    """The circle of ``member_id`` (the login's bound member); empty when the login has none."""
    member = _rows(conn, "SELECT id, name, is_central_household FROM party_member WHERE id = ? AND deleted = 0",
                   (member_id or "",))
    if not member:
        return MyCircle(None)
    me = member[0]
    members = []
    if me["is_central_household"]:
        members = _rows(conn, "SELECT p.id, p.name, p.phone FROM contact_link l JOIN party_member p ON p.id = l.to_id"
                              " WHERE l.kind = 'central_member' AND l.from_id = ? AND l.active = 1 AND l.deleted = 0"
                              " AND p.deleted = 0 ORDER BY p.name", (me["id"],))
    owners = [me["id"]] + [m["id"] for m in members]
    names = {me["id"]: me["name"], **{m["id"]: m["name"] for m in members}}
    marks = ",".join("?" * len(owners))
    houses = _rows(conn, f"""
        SELECT h.id, h.address, h.head_name, h.attention_level, l.from_id AS member_id,
               (SELECT MAX(v.visited_at) FROM visit v WHERE v.household_id = h.id AND v.voids_id IS NULL
                 AND v.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL)) AS last_visit
          FROM contact_link l JOIN household h ON h.id = l.to_id
         WHERE l.kind = 'member_household' AND l.active = 1 AND l.deleted = 0 AND h.deleted = 0
           AND l.from_id IN ({marks})
         ORDER BY l.from_id <> ?, h.address""", (*owners, me["id"]))
    for h in houses:
        due = next_visit_due(_parse(h["last_visit"]), h["attention_level"] or "normal")
        h["due"] = due.date().isoformat() if due else None
        h["member_name"] = names.get(h["member_id"])
        h["mine"] = h["member_id"] == me["id"]
    reported = _rows(conn, "SELECT e.issue_id FROM issue_event e JOIN issue i ON i.id = e.issue_id"
                           " WHERE e.action = 'report' AND e.created_by = ? AND i.deleted = 0"
                           " ORDER BY i.reported_at DESC LIMIT 20", (user_id or "",))
    now = dt.datetime.now(dt.timezone.utc)
    cases = []
    for r in reported:
        case = issue_case(conn, r["issue_id"], now)
        if case is not None:
            status = case.summary["status"]
            cases.append({"id": r["issue_id"], "title": case.header["title"], "status": status,
                          "status_label": STATUSES.get(status, status),
                          "reported_at": case.header["reported_at"]})
    entries = _rows(conn, "SELECT kind, points FROM points_ledger WHERE member_id = ?", (me["id"],))
    return MyCircle(me, houses, members, cases, str(pts.balance(entries)))
