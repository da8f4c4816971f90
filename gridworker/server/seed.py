"""Seeding a server: a demo city (from :mod:`gridworker.demo`) and its demo users.

Rows go in with the bulk path and no change-log entries: a laptop's first sync reads them from the
snapshot. Each community's counter row and checksum are set from the rows written.
"""
from __future__ import annotations

import secrets
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import Connection, text

from ..store.bulk import copy_rows
from ..store.rows import MASK64, row_hash
from ..store.tables import TABLES
from .auth import CONSOLE_ROLES, add_user
from .db import ServerDB, ensure_community_sync


def _city(households: int, seed: int) -> Iterator[tuple[str, list[dict]]]:
    from ..demo import iter_city  # noqa: PLC0415 - the generator is a separate, optional part

    return iter_city(households, seed)


def insert_seed_rows(conn: Connection, batches: Iterable[tuple[str, list[dict]]],
                     progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write full rows; returns rows per table. Community checksums are added as rows go in."""
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for table, rows in batches:
        ts = TABLES[table]
        for r in rows:
            if ts.mutable and r.get("deleted") is None:
                r["deleted"] = 0
            sums[r["community_id"]] = sums.get(r["community_id"], 0) + row_hash(table, r)
        copy_rows(conn, table, rows)
        counts[table] = counts.get(table, 0) + len(rows)
        if progress:
            progress(table, counts[table])
    for community, total in sums.items():
        ensure_community_sync(conn, community)
        cur = conn.execute(text("SELECT checksum FROM community_sync WHERE community_id = :c"),
                           {"c": community}).scalar_one()
        conn.execute(text("UPDATE community_sync SET checksum = :s WHERE community_id = :c"),
                     {"s": str((int(cur) + total) & MASK64), "c": community})
    return counts


def _password() -> str:
    return secrets.token_urlsafe(9)


def seed_demo(sdb: ServerDB, households: int, seed: int = 1,
              batches: Iterable[tuple[str, list[dict]]] | None = None,
              progress: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Write a demo city and create an admin plus a grid worker and a party member per community.

    Returns ``{"communities": [{id, code, name, households}], "users": [{username, password, role, org}],
    "rows": {table: n}}``. Passwords are printed once and stored only as Argon2id hashes.
    """
    with sdb.write() as conn:
        if conn.execute(text("SELECT count(*) FROM household")).scalar():
            raise ValueError("这个服务器数据库里已经有数据；演示数据只能写入空库")
        counts = insert_seed_rows(conn, batches if batches is not None else _city(households, seed), progress)
        units = conn.execute(text("SELECT id, code, name, level, parent_id FROM org_unit ORDER BY code")).mappings().all()
        per = dict(conn.execute(text("SELECT community_id, count(*) FROM household GROUP BY community_id")).all())
        communities = [{"id": u["id"], "code": u["code"], "name": u["name"], "households": int(per.get(u["id"], 0))}
                       for u in units if u["level"] == "community"]
        top = [u for u in units if not u["parent_id"]] or list(units)
        users = []
        root = top[0]
        pw = _password()
        add_user(conn, "admin", pw, "admin", root["id"], "演示管理员")
        users.append({"username": "admin", "password": pw, "role": "admin", "org": root["code"],
                      "label": "管理员", "display_name": "演示管理员"})
        for c in communities:
            # A grid worker, a 党员中心户 and an ordinary 联户党员 with households of their own: each
            # party-member user bound by id to their member row (enrolment refuses an unbound one).
            for role, name, label in (("grid_worker", f"gw{c['code']}", "网格员"),
                                      ("party_member", f"pm{c['code']}", "党员中心户"),
                                      ("party_member", f"pm{c['code']}m", "联户党员")):
                pw = _password()
                display = f"{c['name']}{label}"
                member = None
                if role == "party_member":
                    central = label == "党员中心户"
                    member = conn.execute(text(
                        "SELECT m.id, m.name FROM party_member m WHERE m.community_id = :c AND m.deleted = :f"
                        " AND m.is_central_household = :central AND EXISTS (SELECT 1 FROM contact_link l"
                        "  WHERE l.from_id = m.id AND l.kind = 'member_household' AND l.active = :t AND l.deleted = :f)"
                        " ORDER BY m.name LIMIT 1"),
                        {"c": c["id"], "f": False, "t": True, "central": central}).first()
                    if member is None:
                        continue  # a community with no such member gets no such demo user
                    display = member[1]
                user = add_user(conn, name, pw, role, c["id"], display)
                if member is not None:
                    conn.execute(text("UPDATE server_user SET party_member_id = :m WHERE id = :i"),
                                 {"m": member[0], "i": user.id})
                users.append({"username": name, "password": pw, "role": role, "org": c["code"],
                              "label": label, "display_name": display})
        users += add_console_users(conn, units, communities)
    if sdb.engine.dialect.name == "postgresql":
        # Fresh statistics after a bulk load: otherwise the planner guesses a handful of rows per
        # community until autovacuum gets round to the tables (bench/plans/).
        with sdb.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return {"communities": communities, "users": users, "rows": counts}


def add_console_users(conn: Connection, units: list, communities: list[dict]) -> list[dict]:
    """The console's demo accounts (#16): the street, district and city above the first community,
    and a department of that street (街道城管中队). Each a strong random password, shown once."""
    by_id = {u["id"]: u for u in units}
    if not communities:
        return []
    chain: dict[str, Any] = {}
    current = by_id.get(communities[0]["id"])
    while current is not None and len(chain) < 8:
        chain.setdefault(current["level"], current)
        current = by_id.get(current["parent_id"] or "")
    out = []
    plan = [("street", "street", "街道", None), ("district", "district", "区", None), ("city", "city", "市", None),
            ("department", "street", "职能部门", "街道城管中队")]
    for role, level, label, department in plan:
        unit = chain.get(level)
        if unit is None:
            continue
        name = f"{role}1" if role != "department" else "dept1"
        pw = _console_password()
        display = f"{unit['name']}{department or '值班员'}"
        add_user(conn, name, pw, role, unit["id"], display, department=department, roles=CONSOLE_ROLES)
        out.append({"username": name, "password": pw, "role": role, "org": unit["code"], "label": label,
                    "display_name": display, "console": True})
    return out


def _console_password() -> str:
    # Long and random: passes the password rule (domain/passwords.py), which console accounts need.
    return "Gw-" + secrets.token_urlsafe(12)


# --------------------------------------------------------------------------- org units by hand
def org_row(org_id: str, code: str, name: str, level: str, parent_id: str | None,
            community_id: str | None = None) -> dict[str, Any]:
    row = {c: None for c in TABLES["org_unit"].columns}
    row.update(id=org_id, community_id=community_id or org_id, code=code, name=name, level=level,
               parent_id=parent_id, versions="{}", deleted=0)
    return row


def add_org_units(sdb: ServerDB, rows: list[dict]) -> None:
    with sdb.write() as conn:
        insert_seed_rows(conn, [("org_unit", rows)])
