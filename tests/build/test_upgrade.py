"""Upgrading: a laptop database written by an older release opens in the new one, nothing lost.

The "older release" is the first client migration head, ``c0001_initial``: a file is migrated only
that far with Alembic and filled with plain SQL exactly as that schema held its rows (the program of
that time did not have the search index). Its device identity and community come from a laptop
really enrolled on a live sync server, so after the upgrade the unsent changes can be sent.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from support.server import COMM_A, GRID_A, World, password, table_rows
from gridworker.store import signing
from gridworker.sync.laptop import use_credential, verify_user_online
from gridworker.store.database import Database
from gridworker.store.migrate import alembic_config, head_revision

OLD_HEAD = "c0001_initial"
NOW = "2026-05-01T09:30:00+00:00"

HOUSEHOLDS = [  # id, address (parts), head, phone
    ("0190c000-0000-7000-8000-000000000101", ("阳光花园", "1", "1", "101", 1), "张三", "13812345678"),
    ("0190c000-0000-7000-8000-000000000102", ("阳光花园", "1", "1", "102", 1), "李四", "13912345678"),
]
RESIDENTS = [  # id, household, name, relation
    ("0190c000-0000-7000-8000-000000000201", HOUSEHOLDS[0][0], "张三", "01"),
    ("0190c000-0000-7000-8000-000000000202", HOUSEHOLDS[0][0], "张小明", "20"),
    ("0190c000-0000-7000-8000-000000000203", HOUSEHOLDS[1][0], "李四", "01"),
]


@pytest.fixture
def world(tmp_path):
    """A live sync server on SQLite with community A and its users."""
    w = World(str(tmp_path / "server.db"), tmp_path)
    yield w
    w.close()


def old_laptop(path: Path, enrolled: Path) -> list[tuple]:
    """A database at ``c0001_initial`` holding what the old program had written; returns its outbox rows.

    ``enrolled``: a laptop database enrolled by the current program, whose local state (device,
    token, server), users and org units are copied over: the same things the old program kept.
    """
    engine = create_engine(f"sqlite:///{path}")
    cfg = alembic_config("client")
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, OLD_HEAD)
    engine.dispose()

    con = sqlite3.connect(path)
    con.execute("ATTACH DATABASE ? AS enrolled", (str(enrolled),))
    for table in ("local_state", "local_user", "org_unit"):
        cols = ", ".join(r[1] for r in con.execute(f"PRAGMA main.table_info({table})"))
        con.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM enrolled.{table}")
    device = con.execute("SELECT value FROM local_state WHERE key = 'device_id'").fetchone()[0]
    user = con.execute("SELECT value FROM local_state WHERE key = 'user_id'").fetchone()[0]  # who made them
    last = con.execute("SELECT value FROM local_state WHERE key = 'outbox_seq'").fetchone()
    seq = int(last[0]) if last else 0
    tick = [1777627800000]

    def hlc() -> str:
        tick[0] += 1
        return f"{tick[0]}-0000-{device.replace('-', '')[-12:]}"

    def outbox(table: str, row_id: str, op: str, fields: dict, base: dict | None = None) -> None:
        nonlocal seq
        seq += 1
        con.execute("INSERT INTO outbox (seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, "
                    "user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (seq, f"0190c000-0000-7000-8000-{seq:012d}", table, row_id, op,
                     json.dumps(fields, ensure_ascii=False, sort_keys=True), json.dumps(base or {}),
                     hlc(), user, NOW))

    for hid, (estate, building, unit, room, floor), head, phone in HOUSEHOLDS:
        address = f"{estate}{building}幢{unit}单元{room}室"
        key = f"{estate}|{building}|{unit}|{room}"
        stamp = hlc()
        con.execute(
            "INSERT INTO household (id, community_id, grid_id, estate, building_no, unit, room, floor, address, "
            "address_key, head_name, phone, attention_level, tags, versions, deleted, updated_at, updated_by, "
            "updated_device, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'normal', '[]', '{}', 0, ?, ?, ?, ?)",
            (hid, COMM_A, GRID_A, estate, building, unit, room, floor, address, key, head, phone,
             NOW, user, device, stamp))
        outbox("household", hid, "insert", {
            "address": address, "address_key": key, "attention_level": "normal", "building_no": building,
            "community_id": COMM_A, "estate": estate, "floor": floor, "grid_id": GRID_A, "head_name": head,
            "phone": phone, "room": room, "tags": "[]", "unit": unit})
    for rid, hid, name, relation in RESIDENTS:
        con.execute(
            "INSERT INTO resident (id, community_id, household_id, name, relation, tags, sensitive_tags, versions, "
            "deleted, updated_at, updated_by, updated_device, hlc) "
            "VALUES (?, ?, ?, ?, ?, '[]', '[]', '{}', 0, ?, ?, ?, ?)",
            (rid, COMM_A, hid, name, relation, NOW, user, device, hlc()))
        outbox("resident", rid, "insert", {"community_id": COMM_A, "household_id": hid, "name": name,
                                           "relation": relation, "sensitive_tags": "[]", "tags": "[]"})
    # An edit made after the insert, not sent either: the server must end with the new phone.
    con.execute("UPDATE household SET phone = '13700000000' WHERE id = ?", (HOUSEHOLDS[1][0],))
    outbox("household", HOUSEHOLDS[1][0], "update", {"phone": "13700000000"}, {"phone": 0})
    con.execute("INSERT INTO local_state (key, value) VALUES ('outbox_seq', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(seq),))
    con.commit()
    rows = con.execute("SELECT * FROM outbox ORDER BY seq").fetchall()
    con.close()
    return rows


@pytest.fixture
def upgraded(world, tmp_path):
    """(old file's outbox rows, the database after Database.open brought it to head)."""
    enrolled = world.laptop("enrolled")
    enrolled_path = enrolled.path
    world.laptops.remove(enrolled)
    enrolled.close()
    path = tmp_path / "old" / "gridworker.db"
    path.parent.mkdir()
    before = old_laptop(path, enrolled_path)
    db = Database.open(path)
    yield before, db
    db.close()


def test_old_database_reaches_head_with_its_rows_and_a_backup(upgraded):
    before, db = upgraded
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision("client")
        households = dict(conn.execute(text("SELECT id, phone FROM household")).all())
        residents = {r[0]: r[1] for r in conn.execute(text("SELECT id, name FROM resident"))}
    assert households == {HOUSEHOLDS[0][0]: "13812345678", HOUSEHOLDS[1][0]: "13700000000"}
    assert residents == {rid: name for rid, _, name, _ in RESIDENTS}

    assert db.backup_made is not None
    backup = sqlite3.connect(db.backup_made)
    try:  # the backup is the database as the old release left it
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == OLD_HEAD
        assert backup.execute("SELECT count(*) FROM household").fetchone()[0] == len(HOUSEHOLDS)
        assert backup.execute("SELECT * FROM outbox ORDER BY seq").fetchall() == before
    finally:
        backup.close()


def test_unsent_changes_survive_the_upgrade_and_are_sent(upgraded, world):
    before, db = upgraded
    with db.engine.connect() as conn:
        after = [tuple(r) for r in conn.execute(text("SELECT * FROM outbox ORDER BY seq"))]
    # Kept as they were, marked as made before signatures (store/signing.py)…
    assert [r[:-1] for r in after] == before and len(after) == len(HOUSEHOLDS) + len(RESIDENTS) + 1
    assert {r[-1] for r in after} == {"legacy"}
    # …so they wait for their author to log in online…
    waiting = world.engine(db).sync()
    assert waiting.pushed == 0 and [w["count"] for w in waiting.waiting] == [len(before)]
    # …who gets her credential then (Laptop.login does this with the key slot), and they go.
    user = verify_user_online(db, "gw_a", password("gw_a"))
    assert use_credential(db, user["id"], signing.credential_bytes(user["credential"])) == len(before)
    report = world.engine(db).sync()
    assert report.pushed == len(before) and report.rejected == 0
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
    with world.sdb.engine.connect() as conn:
        on_server = table_rows(conn, "household", COMM_A)
        people = table_rows(conn, "resident", COMM_A)
    assert {hid: on_server[hid]["phone"] for hid, *_ in HOUSEHOLDS} == {
        HOUSEHOLDS[0][0]: "13812345678", HOUSEHOLDS[1][0]: "13700000000"}
    assert {rid for rid, *_ in RESIDENTS} <= set(people)


def test_old_households_are_found_by_search_after_the_upgrade(upgraded):
    from gridworker.store.search import search_households

    _, db = upgraded
    with db.read() as conn:  # the search index did not exist in the old release: built on upgrade
        by_name = search_households(conn, "张小明")
        by_pinyin = search_households(conn, "lisi")
    assert [h.id for h in by_name] == [HOUSEHOLDS[0][0]]
    assert [h.id for h in by_pinyin] == [HOUSEHOLDS[1][0]]


def test_a_second_open_makes_no_further_backup(upgraded):
    _, db = upgraded
    db.close()
    again = Database.open(db.path)
    try:
        assert again.backup_made is None
    finally:
        again.close()
