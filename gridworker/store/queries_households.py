"""Read-only queries for the desktop app's org tree and household pages (no Qt here).

Lists of households come from :mod:`gridworker.store.search`; this module reads what a page
about one household shows, and the tree 社区 → 网格 → 小区 → 楼栋 on the left of the window.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from . import local


@dataclass
class OrgNode:
    """One node of the org tree. ``kind``: community / grid / estate / building."""

    kind: str
    id: str | None
    name: str
    grid_id: str | None = None
    estate: str | None = None
    building_id: str | None = None
    households: int = 0
    children: list["OrgNode"] = field(default_factory=list)


def org_tree(conn: Connection, community_id: str | None) -> OrgNode | None:
    """The community with its grids, each grid's estates (小区) and their buildings, with counts.

    A laptop that holds several communities (an admin's replica, ``community_id`` None) gets a
    root "全部社区" above them.
    """
    if community_id is not None:
        rows = conn.exec_driver_sql("SELECT id, name FROM org_unit WHERE id = ? AND deleted = 0",
                                    (community_id,)).fetchall()
    else:
        rows = conn.exec_driver_sql("SELECT id, name FROM org_unit WHERE level = 'community' AND deleted = 0"
                                    " ORDER BY code, name").fetchall()
    if not rows:
        return None
    counts_b = dict(conn.exec_driver_sql(
        "SELECT building_id, count(*) FROM household WHERE deleted = 0 GROUP BY building_id").fetchall())
    counts_g = dict(conn.exec_driver_sql(
        "SELECT grid_id, count(*) FROM household WHERE deleted = 0 GROUP BY grid_id").fetchall())
    buildings = conn.exec_driver_sql(
        "SELECT id, grid_id, estate, building_no FROM building WHERE deleted = 0"
        " ORDER BY estate, CAST(building_no AS INTEGER), building_no").fetchall()
    nodes = [_community_node(conn, cid, name, counts_g, counts_b, buildings) for cid, name in rows]
    if len(nodes) == 1:
        return nodes[0]
    return OrgNode("all", None, "全部社区", households=sum(n.households for n in nodes), children=nodes)


def _community_node(conn: Connection, community_id: str, name: str, counts_g: dict, counts_b: dict,
                    buildings: list) -> OrgNode:
    grids = conn.exec_driver_sql(
        "SELECT id, name FROM org_unit WHERE parent_id = ? AND level = 'grid' AND deleted = 0"
        " ORDER BY code, name", (community_id,)).fetchall()
    total = conn.exec_driver_sql("SELECT count(*) FROM household WHERE deleted = 0 AND community_id = ?",
                                 (community_id,)).scalar()
    root = OrgNode("community", community_id, name, households=int(total or 0))
    by_grid: dict[str, OrgNode] = {}
    for gid, gname in grids:
        node = OrgNode("grid", gid, gname, grid_id=gid, households=counts_g.get(gid, 0))
        root.children.append(node)
        by_grid[gid] = node
    estates: dict[tuple[str, str], OrgNode] = {}
    for bid, gid, estate, number in buildings:
        grid = by_grid.get(gid)
        if grid is None:
            continue
        key = (gid, estate)
        est = estates.get(key)
        if est is None:
            est = OrgNode("estate", None, estate, grid_id=gid, estate=estate)
            estates[key] = est
            grid.children.append(est)
        n = counts_b.get(bid, 0)
        est.households += n
        est.children.append(OrgNode("building", bid, f"{number}幢", grid_id=gid, estate=estate,
                                    building_id=bid, households=n))
    return root


def grids(conn: Connection) -> list[tuple[str, str]]:
    """(id, name) of every grid of this laptop."""
    return [tuple(r) for r in conn.exec_driver_sql(
        "SELECT id, name FROM org_unit WHERE level = 'grid' AND deleted = 0 ORDER BY code, name")]


def buildings(conn: Connection, grid_id: str | None = None) -> list[tuple[str, str]]:
    """(id, "小区 N幢") of the buildings, of one grid when given."""
    sql = "SELECT id, estate || ' ' || building_no || '幢' FROM building WHERE deleted = 0"
    params: tuple = ()
    if grid_id:
        sql += " AND grid_id = ?"
        params = (grid_id,)
    sql += " ORDER BY estate, CAST(building_no AS INTEGER), building_no"
    return [tuple(r) for r in conn.exec_driver_sql(sql, params)]


def household_place(conn: Connection, household_id: str) -> dict[str, Any] | None:
    """Where a household is: its grid_id, building_id and address (None when it is gone)."""
    row = conn.exec_driver_sql("SELECT grid_id, building_id, address FROM household WHERE id = ? AND deleted = 0",
                               (household_id,)).mappings().first()
    return dict(row) if row else None


def tags_in_use(conn: Connection) -> list[str]:
    """Tags that at least one household is found by (household tags and residents' care tags)."""
    rows = conn.exec_driver_sql("SELECT DISTINCT key FROM search_key WHERE key >= 'g:' AND key < 'g;'")
    return sorted(r[0][2:] for r in rows)


@dataclass
class HouseholdDetail:
    """Everything the household page shows. Phones and ID numbers are raw: mask before showing."""

    household: dict[str, Any]
    residents: list[dict[str, Any]]
    party_member: dict[str, Any] | None
    visits: list[dict[str, Any]]
    issues: list[dict[str, Any]]
    grid_name: str | None = None


def household_detail(conn: Connection, household_id: str, *, visits_limit: int = 50) -> HouseholdDetail | None:
    """One household with its residents, its assigned party member, its latest visits and its issues."""
    h = conn.exec_driver_sql("SELECT * FROM household WHERE id = ? AND deleted = 0", (household_id,)).mappings().first()
    if h is None:
        return None
    household = dict(h)
    household["tags"] = json.loads(household.get("tags") or "[]")
    residents = []
    for r in conn.exec_driver_sql(
            "SELECT * FROM resident WHERE household_id = ? AND deleted = 0 ORDER BY relation, name",
            (household_id,)).mappings():
        d = dict(r)
        d["tags"] = json.loads(d.get("tags") or "[]")
        d["sensitive_tags"] = json.loads(d.get("sensitive_tags") or "[]")
        residents.append(d)
    member = conn.exec_driver_sql(
        "SELECT p.id, p.name, p.phone, p.branch, p.is_central_household, l.start_date, l.reason"
        " FROM contact_link l JOIN party_member p ON p.id = l.from_id"
        " WHERE l.kind = 'member_household' AND l.to_id = ? AND l.active = 1 AND l.deleted = 0"
        " AND p.deleted = 0 LIMIT 1", (household_id,)).mappings().first()
    voided = {r[0] for r in conn.exec_driver_sql(
        "SELECT voids_id FROM visit WHERE household_id = ? AND voids_id IS NOT NULL", (household_id,))}
    visits = [dict(v) for v in conn.exec_driver_sql(
        "SELECT id, visited_at, visitor_name, mode, purpose, summary, problems, follow_up_date, issue_id"
        " FROM visit WHERE household_id = ? AND voids_id IS NULL ORDER BY visited_at DESC LIMIT ?",
        (household_id, visits_limit)).mappings() if v["id"] not in voided]
    issues = [dict(i) for i in conn.exec_driver_sql(
        "SELECT id, title, category, reported_at FROM issue WHERE household_id = ? AND deleted = 0"
        " ORDER BY reported_at DESC", (household_id,)).mappings()]
    for issue in issues:
        issue["status"] = issue_status(conn, issue["id"])
    grid_name = None
    if household.get("grid_id"):
        grid_name = conn.exec_driver_sql("SELECT name FROM org_unit WHERE id = ?", (household["grid_id"],)).scalar()
    return HouseholdDetail(household, residents, dict(member) if member else None, visits, issues, grid_name)


def issue_events(conn: Connection, issue_ids: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Events per issue in the order every replica folds them (server order, then local ones)."""
    sql = "SELECT id, issue_id, action, at, payload FROM issue_event"
    params: tuple = ()
    if issue_ids is not None:
        if not issue_ids:
            return {}
        sql += f" WHERE issue_id IN ({','.join('?' * len(issue_ids))})"
        params = tuple(issue_ids)
    sql += " ORDER BY issue_id, COALESCE(server_seq, 9223372036854775807), hlc"
    out: dict[str, list[dict[str, Any]]] = {}
    for r in conn.exec_driver_sql(sql, params).mappings():
        e = dict(r)
        e["payload"] = json.loads(e["payload"] or "{}")
        out.setdefault(e["issue_id"], []).append(e)
    return out


def issue_status(conn: Connection, issue_id: str) -> str:
    """The current status code of one issue (folded from its events)."""
    from ..domain.issues import fold  # noqa: PLC0415

    return fold(issue_events(conn, [issue_id]).get(issue_id, [])).state.status


def pending_changes(conn: Connection) -> int:
    """How many changes wait in the outbox to be sent."""
    return local.pending_count(conn)


def deleted_households(conn: Connection, *, days: int = 180, limit: int = 500) -> list[dict[str, Any]]:
    """回收站: households deleted within the last ``days`` (the server keeps tombstones that long),
    newest first, with how many residents went with them."""
    since = (dt.datetime.now().astimezone() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    rows = conn.exec_driver_sql("SELECT h.id, h.address, h.head_name, h.updated_at AS deleted_at,"
                       " (SELECT COUNT(*) FROM resident r WHERE r.household_id = h.id AND r.deleted = 1"
                       "  AND r.updated_at = h.updated_at) AS residents"
                       " FROM household h WHERE h.deleted = 1 AND h.updated_at >= ?"
                       " ORDER BY h.updated_at DESC LIMIT ?", (since, limit)).mappings()
    return [dict(r) for r in rows]
