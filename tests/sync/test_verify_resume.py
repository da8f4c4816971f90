"""Verify finds and repairs a laptop that drifted; a first sync cut between pages resumes; progress
and cancel work as the UI needs them."""
from __future__ import annotations

import pytest

from support.server import COMM_A, table_rows
from gridworker.store.tables import SYNC_ORDER
from gridworker.sync.transport import Cancelled


def _fill(db, n=30):
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        for i in range(n):
            hid = uow.insert("household", {"address": f"花园{i + 1}幢1单元101室", "head_name": f"户主{i}"})
            uow.insert("resident", {"household_id": hid, "name": f"居民{i}"})
            uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00"})


def _all(conn, community=None):
    return {t: table_rows(conn, t, community) for t in SYNC_ORDER}


def test_verify_narrows_to_the_differing_rows_and_repairs_them(world):
    a, b = world.laptop("a"), world.laptop("b")
    _fill(a)
    world.engine(a).sync()
    world.engine(b).sync()
    with b.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household ORDER BY id LIMIT 3")]
        vid = conn.exec_driver_sql("SELECT id FROM visit LIMIT 1").scalar()
    # Damage behind the outbox's back: a changed value, a lost row, a row the server never had.
    with b.sync_transaction() as conn:
        conn.exec_driver_sql("UPDATE household SET head_name = '错' WHERE id = ?", (ids[0],))
        conn.exec_driver_sql("DELETE FROM household WHERE id = ?", (ids[1],))
        conn.exec_driver_sql("DELETE FROM visit WHERE id = ?", (vid,))
        conn.exec_driver_sql("INSERT INTO household (id, community_id, address, versions, deleted, attention_level, "
                             "tags) VALUES ('0190e000-0000-7000-8000-000000000001', ?, '幽灵户', '{}', 0, "
                             "'normal', '[]')", (COMM_A,))
    found = world.engine(b).verify(repair=False)
    assert not found["match"] and found["differing_rows"] == 4 and found["differing_buckets"] <= 4
    fixed = world.engine(b).verify()
    assert fixed["match"] and fixed["repaired"] == 4
    with b.read() as lap, world.sdb.read() as srv:
        assert _all(lap) == _all(srv, COMM_A)


def test_a_first_sync_cut_between_pages_resumes_where_it_stopped(world):
    a = world.laptop("a")
    _fill(a, 40)
    world.engine(a).sync()
    b = world.laptop("b")  # enrolled and synced: start it again from an empty laptop instead
    from support.server import fresh_laptop
    from gridworker.sync.enrol import enroll

    c = fresh_laptop(world.tmp_path / "c" / "gridworker.db")
    world.laptops.append(c)
    enroll(c, world.url, "gw_a", "pw-gw_a-secret", first_sync=False)
    seen = []
    pages = {"n": 0}

    def progress(phase, rows, nbytes):
        seen.append((phase, rows, nbytes))
        pages["n"] += 1

    engine = world.engine(c, snapshot_limit=25, progress=progress, cancel=lambda: pages["n"] >= 2)
    with pytest.raises(Cancelled):
        engine.sync()
    cursor = c.get_state("sync_cursor")
    assert cursor.startswith("s.")  # stopped inside the snapshot, its place remembered
    with c.read() as conn:
        partial = sum(len(v) for v in _all(conn).values())
    assert 0 < partial < 122
    assert [p for p, _r, _b in seen] == ["snapshot", "snapshot"] and seen[-1][2] > 0
    report = world.engine(c, snapshot_limit=25).sync()
    assert report.snapshot and report.pulled + partial >= 122
    with c.read() as lap, b.read() as other, world.sdb.read() as srv:
        assert _all(lap) == _all(other) == _all(srv, COMM_A)
    assert world.engine(c).verify()["match"]
