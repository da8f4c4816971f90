"""Read-only queries for the 党员联户 (1+10+N) workspace: the tree, coverage and a household's links.

Central households (党员中心户) are party members with ``is_central_household``; ``central_member``
links go from a central household to a party member, ``member_household`` links from a party member
to a household. Only active, undeleted links make the tree. Results are plain dicts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ..domain.contacts import CoverageWarning, coverage_warnings, uncovered
from .queries_visits import household_scope


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


@dataclass
class MemberNode:
    """A party member and the households they link (each: id, address, head_name, link_id)."""

    member: dict[str, Any]
    households: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CentralNode:
    """A central household (itself a party member) and its party members."""

    central: dict[str, Any]
    members: list[MemberNode] = field(default_factory=list)


@dataclass
class ContactTree:
    """The whole 1+10+N tree; ``unattached`` are members under no central household."""

    centrals: list[CentralNode]
    unattached: list[MemberNode]


@dataclass
class Coverage:
    """Households without a party member, structure warnings (with names), and the totals."""

    uncovered: list[dict[str, Any]]
    warnings: list[tuple[CoverageWarning, str]]
    household_total: int
    covered: int


def party_members(conn: Connection) -> list[dict[str, Any]]:
    """Every live party member with how many households they link now, by name."""
    return _rows(conn, "SELECT p.id, p.name, p.phone, p.branch, p.is_central_household, p.household_id,"
                       " (SELECT COUNT(*) FROM contact_link l WHERE l.from_id = p.id AND l.active = 1"
                       "  AND l.deleted = 0 AND l.kind = 'member_household') AS household_count"
                       " FROM party_member p WHERE p.deleted = 0 ORDER BY p.is_central_household DESC, p.name")


def active_links(conn: Connection) -> list[dict[str, Any]]:
    """Every active link (kind, from_id, to_id, id, start_date)."""
    return _rows(conn, "SELECT id, kind, from_id, to_id, active, start_date FROM contact_link"
                       " WHERE active = 1 AND deleted = 0")


def contact_tree(conn: Connection) -> ContactTree:
    """Central household -> party members -> households, sorted by name and address.

    A central household that links households itself appears as its own first member node.
    """
    members = {m["id"]: m for m in party_members(conn)}
    links = active_links(conn)
    households = {h["id"]: h for h in _rows(
        conn, "SELECT h.id, h.address, h.head_name FROM household h WHERE h.deleted = 0 AND h.id IN"
              " (SELECT to_id FROM contact_link WHERE kind = 'member_household' AND active = 1 AND deleted = 0)")}
    nodes: dict[str, MemberNode] = {mid: MemberNode(m) for mid, m in members.items()}
    for link in links:
        if link["kind"] == "member_household" and link["from_id"] in nodes and link["to_id"] in households:
            nodes[link["from_id"]].households.append({**households[link["to_id"]], "link_id": link["id"]})
    for node in nodes.values():
        node.households.sort(key=lambda h: h["address"] or "")
    centrals = {mid: CentralNode(m) for mid, m in members.items() if m["is_central_household"]}
    attached: set[str] = set()
    for link in links:
        if link["kind"] == "central_member" and link["from_id"] in centrals and link["to_id"] in nodes:
            centrals[link["from_id"]].members.append(nodes[link["to_id"]])
            attached.add(link["to_id"])
    for cid, central in centrals.items():
        central.members.sort(key=lambda n: n.member["name"])
        if nodes[cid].households:
            central.members.insert(0, nodes[cid])
        attached.add(cid)
    unattached = sorted((n for mid, n in nodes.items() if mid not in attached), key=lambda n: n.member["name"])
    return ContactTree(sorted(centrals.values(), key=lambda c: c.central["name"]), unattached)


def coverage(conn: Connection, org_id: str | None = None, *, members_per_central: int = 10) -> Coverage:
    """Households (in the org selection) with no party member, and over/under-load warnings.

    Warning messages name people instead of ids.
    """
    scope, params = household_scope(conn, org_id)
    houses = _rows(conn, f"SELECT h.id, h.address, h.head_name, h.attention_level FROM household h"
                         f" WHERE h.deleted = 0 AND {scope} ORDER BY h.address", params)
    links = active_links(conn)
    members = party_members(conn)
    open_ids = set(uncovered([h["id"] for h in houses], links))
    names = {m["id"]: m["name"] for m in members}
    warnings = []
    for w in coverage_warnings(links, members_per_central=members_per_central,
                               members=[m["id"] for m in members if not m["is_central_household"]]):
        name = names.get(w.subject_id, str(w.subject_id))
        warnings.append((w, w.message.replace(str(w.subject_id), name)))
    return Coverage([h for h in houses if h["id"] in open_ids], warnings, len(houses),
                    len(houses) - len(open_ids))


def household_contact(conn: Connection, household_id: str) -> dict[str, Any] | None:
    """The household's active party-member link with the member's name, or None."""
    rows = _rows(conn, "SELECT l.id, l.from_id AS member_id, p.name AS member_name, l.start_date, l.reason"
                       " FROM contact_link l JOIN party_member p ON p.id = l.from_id"
                       " WHERE l.kind = 'member_household' AND l.to_id = ? AND l.active = 1 AND l.deleted = 0",
                 (household_id,))
    return rows[0] if rows else None


def member_central(conn: Connection, member_id: str) -> dict[str, Any] | None:
    """The party member's active central household link with the central's name, or None."""
    rows = _rows(conn, "SELECT l.id, l.from_id AS central_id, p.name AS central_name FROM contact_link l"
                       " JOIN party_member p ON p.id = l.from_id WHERE l.kind = 'central_member'"
                       " AND l.to_id = ? AND l.active = 1 AND l.deleted = 0", (member_id,))
    return rows[0] if rows else None


def link_history(conn: Connection, household_id: str) -> list[dict[str, Any]]:
    """Every link (active or ended) of a household, newest first, with member names and reasons."""
    return _rows(conn, "SELECT l.id, l.from_id AS member_id, p.name AS member_name, l.active, l.start_date,"
                       " l.end_date, l.reason FROM contact_link l LEFT JOIN party_member p ON p.id = l.from_id"
                       " WHERE l.kind = 'member_household' AND l.to_id = ? AND l.deleted = 0"
                       " ORDER BY l.active DESC, COALESCE(l.end_date, l.start_date) DESC, l.updated_at DESC",
                 (household_id,))


# --------------------------------------------------------------------------- coverage as officials count it
def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass
class CoverageRow:
    """One line of the coverage report: a grid, or a 党员中心户 with the members under it."""

    name: str
    grid: str
    households: int = 0          # households in the grid / linked under the 中心户
    linked: int = 0              # of them, linked to a party member now
    not_visited: int = 0         # of them, no visit since the quarter began
    members: int = 0             # party members (by their own household's grid / under the 中心户)
    members_idle: int = 0        # members linking no household
    members_overloaded: int = 0  # members linking more than twice the average

    @property
    def coverage(self) -> float:
        return self.linked / self.households if self.households else 0.0


def coverage_report(conn: Connection, today: dt.date) -> tuple[list[CoverageRow], list[CoverageRow], dt.date]:
    """Coverage per grid and per 党员中心户, as officials count it: households linked, households not
    visited this quarter, members with no households, overloaded members (more than twice the average
    households per member, as the structure warnings say). Returns (by grid, by 中心户, quarter start)."""
    since = quarter_start(today).isoformat()
    grids = {g["id"]: g["name"] for g in _rows(conn, "SELECT id, name FROM org_unit WHERE level = 'grid' AND deleted = 0")}
    houses = _rows(conn, "SELECT h.id, h.grid_id, (SELECT MAX(v.visited_at) FROM visit v WHERE v.household_id = h.id"
                         " AND v.voids_id IS NULL AND v.id NOT IN (SELECT voids_id FROM visit WHERE voids_id IS NOT NULL))"
                         " AS last_visit FROM household h WHERE h.deleted = 0")
    members = {m["id"]: m for m in party_members(conn)}
    member_grid = {mid: None for mid in members}
    home_grid = {h["id"]: h["grid_id"] for h in houses}
    for mid, m in members.items():
        member_grid[mid] = home_grid.get(m["household_id"])
    links = [ln for ln in active_links(conn)]
    household_of_member: dict[str, list[str]] = {}
    linked_house: set[str] = set()
    central_of: dict[str, str] = {}
    for ln in links:
        if ln["kind"] == "member_household" and ln["from_id"] in members and ln["to_id"] in home_grid:
            household_of_member.setdefault(ln["from_id"], []).append(ln["to_id"])
            linked_house.add(ln["to_id"])
        elif ln["kind"] == "central_member" and ln["to_id"] in members and ln["from_id"] in members:
            central_of.setdefault(ln["to_id"], ln["from_id"])
    warned = coverage_warnings([(ln["kind"], ln["from_id"], ln["to_id"]) for ln in links],
                               members=[mid for mid, m in members.items() if not m["is_central_household"]])
    overloaded = {w.subject_id for w in warned if w.code == "member_too_many_households"}
    idle = {mid for mid, m in members.items() if not household_of_member.get(mid) and not m["is_central_household"]}
    stale = {h["id"] for h in houses if not h["last_visit"] or h["last_visit"][:10] < since}

    by_grid: dict[str | None, CoverageRow] = {}

    def grid_row(gid: str | None) -> CoverageRow:
        if gid not in by_grid:
            name = grids.get(gid, "（未分网格）") if gid else "（未分网格）"
            by_grid[gid] = CoverageRow(name=name, grid=name)
        return by_grid[gid]

    for h in houses:
        row = grid_row(h["grid_id"])
        row.households += 1
        row.linked += h["id"] in linked_house
        row.not_visited += h["id"] in stale
    for mid in members:
        row = grid_row(member_grid[mid])
        row.members += 1
        row.members_idle += mid in idle
        row.members_overloaded += mid in overloaded

    by_central: list[CoverageRow] = []
    for cid, c in members.items():
        if not c["is_central_household"]:
            continue
        under = [cid] + sorted(m for m, central in central_of.items() if central == cid and m != cid)
        homes = {h for m in under for h in household_of_member.get(m, [])}
        gname = grids.get(member_grid[cid] or "", "（未分网格）")
        by_central.append(CoverageRow(
            name=c["name"], grid=gname, households=len(homes), linked=len(homes),
            not_visited=len(homes & stale), members=len(under) - 1,
            members_idle=sum(m in idle for m in under), members_overloaded=sum(m in overloaded for m in under)))
    grid_rows = sorted(by_grid.values(), key=lambda r: (r.name == "（未分网格）", r.name))
    return grid_rows, sorted(by_central, key=lambda r: (r.grid, r.name)), quarter_start(today)
