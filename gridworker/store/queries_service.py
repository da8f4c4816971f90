"""三报到三服务 read-side: the need list, service records, balances (时间银行), statements, teams and
the quarterly 红榜. Plain SQL over the laptop's tables; the rules are domain/service.py's."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from ..domain import points as P
from ..domain import service as rules


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    res = conn.exec_driver_sql(sql, params)
    return [dict(zip(res.keys(), r)) for r in res.fetchall()]


def member_names(conn: Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.exec_driver_sql("SELECT id, name FROM party_member")}


def team_names(conn: Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.exec_driver_sql("SELECT id, name FROM service_team WHERE deleted = 0")}


def members(conn: Connection) -> list[dict[str, Any]]:
    """Party members on the roster (for pickers and the sign-in sheet), in-service members first."""
    return _rows(conn, "SELECT id, name, branch, in_service, phone FROM party_member WHERE deleted = 0"
                       " ORDER BY in_service DESC, name")


def needs(conn: Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    """需求清单: open first, then claimed, with who claimed them and for which household."""
    where, params = "n.deleted = 0", ()
    if status:
        where += " AND n.status = ?"
        params = (status,)
    rows = _rows(conn, "SELECT n.*, h.address AS household_address, m.name AS claimed_member_name,"
                       " t.name AS claimed_team_name FROM service_need n"
                       " LEFT JOIN household h ON h.id = n.household_id"
                       " LEFT JOIN party_member m ON m.id = n.claimed_member_id"
                       " LEFT JOIN service_team t ON t.id = n.claimed_team_id"
                       f" WHERE {where}", params)
    order = {s: i for i, s in enumerate(rules.NEED_STATUSES)}
    for r in rows:
        r["status_label"] = rules.NEED_STATUSES.get(r["status"], r["status"])
        r["source_label"] = rules.NEED_SOURCES.get(r["source"], r["source"])
        r["claimed_by"] = r["claimed_team_name"] or r["claimed_member_name"]
    rows.sort(key=lambda r: (order.get(r["status"], 9), r["starts_at"] or "", r["title"]))
    return rows


def records(conn: Connection, *, approval: str | None = "pending", member_id: str | None = None,
            since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
    """Service records, newest first. ``approval``: pending (waiting), approved, rejected, or None (all)."""
    where, params = ["r.deleted = 0"], []
    if approval == "pending":
        where.append("r.approval IS NULL")
    elif approval:
        where.append("r.approval = ?")
        params.append(approval)
    if member_id:
        where.append("r.member_id = ?")
        params.append(member_id)
    if since:
        where.append("r.served_on >= ?")
        params.append(since)
    if until:
        where.append("r.served_on <= ?")
        params.append(until)
    rows = _rows(conn, "SELECT r.*, m.name AS member_name, t.name AS team_name, n.title AS need_title"
                       " FROM service_record r LEFT JOIN party_member m ON m.id = r.member_id"
                       " LEFT JOIN service_team t ON t.id = r.team_id LEFT JOIN service_need n ON n.id = r.need_id"
                       f" WHERE {' AND '.join(where)} ORDER BY r.served_on DESC, m.name", tuple(params))
    for r in rows:
        r["kind_label"] = rules.RECORD_KINDS.get(r["kind"], r["kind"])
        r["approval_label"] = rules.APPROVALS.get(r["approval"], r["approval"])
        r["points"] = rules.points_for(r)
    return rows


def balances(conn: Connection, today: dt.date) -> list[dict[str, Any]]:
    """时间银行: per member, points earned, redeemed and left, approved hours this year against the
    yearly expectation (green / amber / red), and records waiting for approval."""
    year = str(today.year)
    ledger: dict[str, list[dict]] = {}
    for e in _rows(conn, "SELECT member_id, kind, points FROM points_ledger"):
        ledger.setdefault(e["member_id"], []).append(e)
    hours: dict[str, Decimal] = {}
    waiting: dict[str, int] = {}
    for r in _rows(conn, "SELECT member_id, kind, hours, approval, served_on FROM service_record WHERE deleted = 0"):
        if r["approval"] is None:
            waiting[r["member_id"]] = waiting.get(r["member_id"], 0) + 1
        elif r["approval"] == "approved" and r["kind"] == "service" and (r["served_on"] or "").startswith(year):
            hours[r["member_id"]] = hours.get(r["member_id"], Decimal(0)) + P.to_decimal(r["hours"] or "0", "hours")
    out = []
    for m in members(conn):
        entries = ledger.get(m["id"], [])
        earned = sum((P.to_decimal(e["points"], "points") for e in entries if e["kind"] == "earn"), Decimal(0))
        spent = sum((P.to_decimal(e["points"], "points") for e in entries if e["kind"] != "earn"), Decimal(0))
        prog = rules.progress(hours.get(m["id"], Decimal(0)), today)
        out.append({"member_id": m["id"], "name": m["name"], "branch": m["branch"], "in_service": bool(m["in_service"]),
                    "earned": earned, "spent": spent, "balance": earned - spent, "hours_this_year": prog.hours,
                    "expected_by_now": prog.expected_by_now, "colour": prog.colour, "colour_label": prog.label,
                    "short_of_year": P.hours_short_of_target(prog.hours), "waiting": waiting.get(m["id"], 0)})
    return out


def statement(conn: Connection, member_id: str) -> list[dict[str, Any]]:
    """A member's own statement: every ledger entry in order with the running balance."""
    rows = _rows(conn, "SELECT id, kind, hours, points, activity, approver, at, record_id FROM points_ledger"
                       " WHERE member_id = ? ORDER BY at, id", (member_id,))
    running = Decimal(0)
    for r in rows:
        amount = P.to_decimal(r["points"], "points")
        running += amount if r["kind"] == "earn" else -amount
        r["kind_label"] = P.ENTRY_KINDS.get(r["kind"], r["kind"])
        r["balance"] = running
    return rows


def teams(conn: Connection, today: dt.date) -> list[dict[str, Any]]:
    """红领服务队 with their members, the households they serve, this quarter's approved hours and the
    visits their members made to those households this quarter (a team's visits count)."""
    start, end = rules.quarter(today)
    names = member_names(conn)
    out = []
    approved = [r for r in records(conn, approval="approved", since=start.isoformat(), until=end.isoformat())
                if r["kind"] == "service"]
    for t in _rows(conn, "SELECT * FROM service_team WHERE deleted = 0 ORDER BY name"):
        member_ids = json.loads(t["members"] or "[]")
        homes = json.loads(t["households"] or "[]")
        visits = 0
        if member_ids and homes:
            marks_m, marks_h = ",".join("?" * len(member_ids)), ",".join("?" * len(homes))
            visits = conn.exec_driver_sql(
                f"SELECT COUNT(*) FROM visit WHERE party_member_id IN ({marks_m}) AND household_id IN ({marks_h})"
                " AND voids_id IS NULL AND substr(visited_at, 1, 10) BETWEEN ? AND ?",
                (*member_ids, *homes, start.isoformat(), end.isoformat())).scalar() or 0
        out.append({**t, "member_ids": member_ids, "household_ids": homes,
                    "member_names": [names.get(m, "（已删除）") for m in member_ids],
                    "leader_name": names.get(t["leader_member_id"] or "", ""),
                    "hours_quarter": sum((P.to_decimal(r["hours"], "hours") for r in approved if r["team_id"] == t["id"]),
                                         Decimal(0)),
                    "visits_quarter": visits})
    return out


def honour_roll(conn: Connection, day: dt.date, *, by: str = "member", top: int = 10) -> list[rules.Standing]:
    """红榜 of ``day``'s quarter: members (or teams) by approved hours, then points."""
    start, end = rules.quarter(day)
    rows = records(conn, approval="approved", since=start.isoformat(), until=end.isoformat())
    names = member_names(conn) if by == "member" else team_names(conn)
    return rules.honour_roll(rows, names, by=by, top=top)


def month_figures(conn: Connection, first: dt.date, nxt: dt.date) -> dict[str, Any]:
    """The monthly statistics' service lines: approved hours, points earned and redeemed, members serving."""
    rows = records(conn, approval="approved", since=first.isoformat(),
                   until=(nxt - dt.timedelta(days=1)).isoformat())
    service = [r for r in rows if r["kind"] == "service"]
    a, b = first.isoformat(), nxt.isoformat()
    entries = [e for e in _rows(conn, "SELECT kind, points, at FROM points_ledger") if a <= (e["at"] or "")[:10] < b]
    return {"hours": sum((P.to_decimal(r["hours"], "hours") for r in service), Decimal(0)),
            "services": len(service), "members": len({r["member_id"] for r in service}),
            "reported_in": sum(1 for r in rows if r["kind"] == "report_in"),
            "earned": sum((P.to_decimal(e["points"], "points") for e in entries if e["kind"] == "earn"), Decimal(0)),
            "redeemed": sum((P.to_decimal(e["points"], "points") for e in entries if e["kind"] == "redeem"), Decimal(0))}
