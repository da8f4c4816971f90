"""Reads for the party roster (党员名册): branches, the roster with its 1+10+N places, proposals."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from ..domain import party as rules


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def branches(conn: Connection) -> list[dict[str, Any]]:
    """网格党支部 (org units of level party_branch) with their secretary and parent's name."""
    return _rows(conn, "SELECT b.id, b.name, b.code, b.secretary, b.parent_id, p.name AS parent_name"
                       " FROM org_unit b LEFT JOIN org_unit p ON p.id = b.parent_id"
                       " WHERE b.level = 'party_branch' AND b.deleted = 0 ORDER BY b.name")


def roster(conn: Connection) -> list[dict[str, Any]]:
    """Every live member: branch name, 中心户 flag, their 中心户's name, household count, home."""
    return _rows(conn, """
        SELECT p.id, p.name, p.phone, p.resident_id, p.household_id, p.branch_id,
               COALESCE(b.name, p.branch) AS branch_name, p.is_central_household, p.in_service,
               p.workplace, p.reported_on, p.joined_on, p.pledge, p.central_reason,
               r.id_number, r.political, h.address, h.estate, h.building_no,
               (SELECT c.name FROM contact_link l JOIN party_member c ON c.id = l.from_id
                 WHERE l.kind = 'central_member' AND l.to_id = p.id AND l.active = 1 AND l.deleted = 0
                 LIMIT 1) AS central_name,
               (SELECT COUNT(*) FROM contact_link l WHERE l.from_id = p.id AND l.kind = 'member_household'
                 AND l.active = 1 AND l.deleted = 0) AS household_count
          FROM party_member p
          LEFT JOIN org_unit b ON b.id = p.branch_id
          LEFT JOIN resident r ON r.id = p.resident_id
          LEFT JOIN household h ON h.id = p.household_id
         WHERE p.deleted = 0
         ORDER BY p.is_central_household DESC, p.name""")


def eligible_residents(conn: Connection, text: str = "", limit: int = 50) -> list[dict[str, Any]]:
    """Residents whose 政治面貌 is 中共党员 / 预备党员 and who are not on the roster yet."""
    like = f"%{text.strip()}%"
    return _rows(conn, "SELECT r.id, r.name, r.political, r.phone, h.address FROM resident r"
                       " LEFT JOIN household h ON h.id = r.household_id WHERE r.deleted = 0"
                       " AND r.political IN ('01', '02') AND (r.name LIKE ? OR h.address LIKE ?)"
                       " AND r.id NOT IN (SELECT resident_id FROM party_member WHERE deleted = 0"
                       "  AND resident_id IS NOT NULL) ORDER BY r.name LIMIT ?", (like, like, limit))


def proposals(conn: Connection, member_id: str, *, limit: int = 3) -> list[dict[str, Any]]:
    """For each household a member links now: its address and the nearest other members (by building)."""
    houses = _rows(conn, "SELECT h.id, h.address, h.estate, h.building_no FROM contact_link l"
                         " JOIN household h ON h.id = l.to_id WHERE l.kind = 'member_household'"
                         " AND l.from_id = ? AND l.active = 1 AND l.deleted = 0 ORDER BY h.address", (member_id,))
    candidates = [m for m in roster(conn) if m["id"] != member_id]
    return [{"household_id": h["id"], "address": h["address"],
             "candidates": rules.propose(h, candidates, limit=limit, leaving=member_id)} for h in houses]
