"""Read-only queries for the 走访 (visits) workspace: recent visits, overdue households, household briefs.

Every function takes an open SQLAlchemy ``Connection`` (``db.read()``) and returns plain dicts, so
the UI can hand the results across threads. ``household_scope`` is shared with the other workflow
query modules: it turns the org tree's selection into a filter on households.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy import Connection

from ..domain import codes
from ..domain.visits import next_visit_due
from . import queries_rules

RECENT_LIMIT = 200


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def household_scope(conn: Connection, org_id: str | None, alias: str = "h") -> tuple[str, tuple]:
    """An SQL condition (and its parameters) restricting households to the org tree selection.

    ``org_id`` may be a grid (org_unit level ``grid``), a building id, or None / the community
    (no restriction). Anything unknown restricts nothing rather than hiding every row.
    """
    if not org_id:
        return "1 = 1", ()
    level = conn.exec_driver_sql("SELECT level FROM org_unit WHERE id = ?", (org_id,)).scalar()
    if level == "grid":
        return f"{alias}.grid_id = ?", (org_id,)
    if level is None:
        is_building = conn.exec_driver_sql("SELECT 1 FROM building WHERE id = ?", (org_id,)).scalar()
        if is_building:
            return f"{alias}.building_id = ?", (org_id,)
    return "1 = 1", ()


def household_brief(conn: Connection, household_id: str) -> dict[str, Any] | None:
    """Address, head, phone, attention level and area of one live household (None if gone)."""
    rows = _rows(conn, "SELECT id, address, head_name, phone, attention_level, area_m2, room, estate,"
                       " building_no, unit, grid_id, building_id FROM household WHERE id = ? AND deleted = 0",
                 (household_id,))
    return rows[0] if rows else None


def find_households(conn: Connection, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """A plain substring search over address, head name and room: the picker's fallback when the
    search index module is not available."""
    like = f"%{text.strip()}%"
    return _rows(conn, "SELECT id, address, head_name, phone, attention_level FROM household"
                       " WHERE deleted = 0 AND (address LIKE ? OR head_name LIKE ? OR room = ?)"
                       " ORDER BY address LIMIT ?", (like, like, text.strip(), limit))


def recent_visits(conn: Connection, *, limit: int = RECENT_LIMIT, household_id: str | None = None,
                  org_id: str | None = None, with_voided: bool = False) -> list[dict[str, Any]]:
    """The latest visits (newest first) with their household's address and head.

    A visit that a later record voided is left out; ``mode_label`` is the Chinese mode.
    ``with_voided``: list voided visits too (the 走访 list shows them struck through) with
    ``void_reason``, and leave out the correction records themselves. Every row has ``void_reason``
    (None for a live visit).
    """
    scope, params = household_scope(conn, org_id)
    if with_voided:
        where = [scope, "v.voids_id IS NULL"]
        reason = ("(SELECT c.summary FROM visit c WHERE c.voids_id = v.id ORDER BY c.hlc LIMIT 1)")
    else:
        where = [scope, "v.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL)"]
        reason = "NULL"
    if household_id:
        where.append("v.household_id = ?")
        params = (*params, household_id)
    rows = _rows(conn, "SELECT v.id, v.household_id, v.visited_at, v.visitor_name, v.mode, v.summary,"
                       " v.problems, v.requests, v.follow_up, v.follow_up_date, v.issue_id,"
                       f" h.address, h.head_name, {reason} AS void_reason"
                       " FROM visit v JOIN household h ON h.id = v.household_id"
                       f" WHERE {' AND '.join(where)} ORDER BY v.visited_at DESC, v.hlc DESC LIMIT ?",
                 (*params, limit))
    for r in rows:
        r["mode_label"] = codes.VISIT_MODES.get(r["mode"], r["mode"] or "")
        if r["void_reason"] is not None:
            r["void_reason"] = str(r["void_reason"]).removeprefix("作废：") or "—"
    return rows


def _parse(ts: str | None) -> dt.datetime | None:
    if not ts:
        return None
    value = dt.datetime.fromisoformat(ts)
    return value if value.tzinfo else value.astimezone()


def overdue_households(conn: Connection, now: dt.datetime, *,
                       intervals: Mapping[str, int] | None = None, org_id: str | None = None,
                       level: str | None = None) -> list[dict[str, Any]]:
    """Households whose next visit is due before ``now``, by attention level (高风险 first), then
    never-visited first, then the longest overdue.

    Each dict: id, address, head_name, attention_level, level_label, last_visit_at, due_at
    (None = never visited), days_overdue (None when never visited).
    """
    if intervals is None:
        intervals = queries_rules.rules(conn).visit_intervals  # 社区设置, else the defaults
    scope, params = household_scope(conn, org_id)
    where = [scope, "h.deleted = 0"]
    if level:
        where.append("h.attention_level = ?")
        params = (*params, level)
    rows = _rows(conn, "SELECT h.id, h.address, h.head_name, h.attention_level,"
                       " (SELECT MAX(v.visited_at) FROM visit v WHERE v.household_id = h.id"
                       "   AND v.voids_id IS NULL AND v.id NOT IN"
                       "   (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL)) AS last_visit_at"
                       f" FROM household h WHERE {' AND '.join(where)}", params)
    out = []
    order = {code: i for i, code in enumerate(codes.ATTENTION_LEVELS)}
    for r in rows:
        lvl = r["attention_level"] if r["attention_level"] in codes.ATTENTION_LEVELS else "normal"
        # MAX over ISO text is right only within one offset; the laptop writes one zone, so it holds.
        due = next_visit_due(_parse(r["last_visit_at"]), lvl, intervals)
        if due is not None and now <= due:
            continue
        r["attention_level"] = lvl
        r["level_label"] = codes.ATTENTION_LEVELS[lvl]
        r["due_at"] = due.isoformat(timespec="minutes") if due else None
        r["days_overdue"] = (now - due).days if due else None
        out.append(r)
    out.sort(key=lambda r: (order[r["attention_level"]], r["due_at"] is not None, r["due_at"] or "",
                            r["address"]))
    return out


def overdue_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many overdue households per attention level code (every level present, maybe 0)."""
    counts = dict.fromkeys(codes.ATTENTION_LEVELS, 0)
    for r in rows:
        counts[r["attention_level"]] += 1
    return counts


def party_member_of_user(conn: Connection, user_id: str | None) -> str | None:
    """The party_member row a laptop user is bound to (``local_user.member_id``), by id; never by name."""
    if not user_id:
        return None
    return conn.exec_driver_sql("SELECT member_id FROM local_user WHERE id = ?", (user_id,)).scalar()


def follow_ups(conn: Connection, today: dt.date, *, org_id: str | None = None,
               ahead_days: int = 7) -> list[dict[str, Any]]:
    """待回访: visits whose 回访日期 (``follow_up_date``) is due by ``today + ahead_days`` and whose
    household has had no visit since. Overdue first, then due today, then the coming days.

    Each dict: visit_id, household_id, address, head_name, attention_level, visited_at, visitor_name,
    follow_up, follow_up_date, days (negative: that many days late; 0: today), state
    (``overdue`` / ``today`` / ``soon``). A voided visit (or one that voids another) is never listed.
    """
    scope, params = household_scope(conn, org_id)
    horizon = (today + dt.timedelta(days=ahead_days)).isoformat()
    rows = _rows(conn, "SELECT v.id AS visit_id, v.household_id, h.address, h.head_name, h.attention_level,"
                       " v.visited_at, v.visitor_name, v.follow_up, v.follow_up_date FROM visit v"
                       " JOIN household h ON h.id = v.household_id"
                       f" WHERE h.deleted = 0 AND {scope} AND v.voids_id IS NULL"
                       " AND v.follow_up_date IS NOT NULL AND v.follow_up_date <> '' AND v.follow_up_date <= ?"
                       " AND v.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL)"
                       " AND NOT EXISTS (SELECT 1 FROM visit w WHERE w.household_id = v.household_id"
                       "   AND w.voids_id IS NULL AND w.visited_at > v.visited_at"
                       "   AND w.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL))",
                 (*params, horizon))
    out = []
    for r in rows:
        try:
            due = dt.date.fromisoformat(str(r["follow_up_date"])[:10])
        except ValueError:
            continue
        r["days"] = (due - today).days
        r["state"] = "overdue" if r["days"] < 0 else "today" if r["days"] == 0 else "soon"
        out.append(r)
    return sorted(out, key=lambda r: (r["days"], r["address"] or ""))
