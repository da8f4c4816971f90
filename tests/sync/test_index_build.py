"""A first sync's search index made by a second process while the snapshot streams (store/search_build.py):
the same index a rebuild makes, and the rebuild whenever the second process's work cannot be trusted."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal

import pytest

from gridworker import ops
from gridworker.store import search_build, search_index
from gridworker.store.database import Changes
from gridworker.store.search import search_households
from gridworker.sync import apply as A
from gridworker.sync.enrol import enroll
from gridworker.sync.transport import Cancelled
from support.index import index_state
from support.server import fresh_laptop

# The second process works the same whichever database the server keeps: SQLite only.
pytestmark = pytest.mark.parametrize("server_url", ["sqlite"], indirect=True)


def _community(world, households: int = 60):
    """A grid worker's laptop with households, residents, visits (one voided), party members and
    their contact links, all synced to the server."""
    gw = world.laptop("grid", "gw_a")
    worker = gw.actor(gw.get_state("user_id"), "王网格", "grid_worker")
    with gw.write(worker) as uow:
        homes = []
        for i in range(households):
            hid = uow.insert("household", {"address": f"阳光花园{i % 7 + 1}幢{i + 101}室", "head_name": f"户主{i}",
                                           "phone": f"1380000{i:04d}", "tags": ["独居老人"] if i % 5 == 0 else []})
            uow.insert("resident", {"household_id": hid, "name": f"张{'三四五六'[i % 4]}{i}",
                                    "id_number": None, "phone": f"1390000{i:04d}"})
            uow.append("visit", {"household_id": hid, "mode": "door",
                                 "visited_at": f"2026-11-{i % 28 + 1:02d}T10:00:00+08:00"})
            homes.append(hid)
    members = [ops.party.add(gw, worker, name=f"党员{j}", phone=f"1370000{j:04d}", workplace="区医院",
                             reported_on=dt.date(2026, 3, 1)).id for j in range(3)]
    for i, hid in enumerate(homes[:30]):
        ops.contacts.assign(gw, worker, household_id=hid, member_id=members[i % 3])
    with gw.read() as conn:
        last = conn.exec_driver_sql("SELECT id FROM visit WHERE household_id = ? ", (homes[0],)).scalar()
    ops.visits.void(gw, worker, visit_id=last, reason="记错了户")
    assert world.engine(gw).sync().rejected == 0
    return gw, homes


def _empty_laptop(world, name: str):
    db = fresh_laptop(world.tmp_path / name / "gridworker.db")
    world.laptops.append(db)
    enroll(db, world.url, "gw_a", "pw-gw_a-secret", first_sync=False)
    return db


def _as_rebuilt(db) -> tuple[dict, dict]:
    """(the index as it is, the index a rebuild makes of the same rows)."""
    with db.sync_transaction() as conn:
        kept = index_state(conn)
        conn.exec_driver_sql("SAVEPOINT rebuilt")
        search_index.rebuild(conn)
        rebuilt = index_state(conn)
        conn.exec_driver_sql("ROLLBACK TO rebuilt")
    return kept, rebuilt


def test_a_first_sync_takes_the_second_processs_index_and_it_is_the_rebuilds(world):
    gw, homes = _community(world)
    lap = _empty_laptop(world, "new")
    # Small pages: the snapshot commits several times, the second process reads the households,
    # residents, party members and links once those are in, and the visits come after.
    engine = world.engine(lap, snapshot_limit=10, index_build_after=0)
    report = engine.sync()
    assert report.snapshot and engine.index_source == "build"
    kept, rebuilt = _as_rebuilt(lap)
    assert kept == rebuilt
    assert len(kept["rows"]) == len(homes) and kept["keys"] and kept["refs"] and kept["addresses"]
    # Last visits came from the visits written after the second process read: the voided one is not it.
    assert kept["rows"][homes[0]][10:12] == (None, "") and kept["rows"][homes[1]][10].startswith("2026-11-02")
    with lap.read() as conn:
        # a party member's name finds the households they look after; pinyin initials find 张三…
        assert len(search_households(conn, "党员1")) == 10
        assert search_households(conn, "zs")
    assert not search_build.build_path(lap.path).exists()
    assert not multiprocessing.active_children()
    # The laptop goes on as any other: a change made on it reaches the search and the server.
    worker = lap.actor(lap.get_state("user_id"), "王网格", "grid_worker")
    with lap.write(worker) as uow:
        uow.update("household", homes[5], {"head_name": "新户主甲"})
    with lap.read() as conn:
        assert len(search_households(conn, "新户主甲")) == 1
    assert world.engine(lap).sync().rejected == 0


def test_a_small_first_sync_makes_its_index_here_without_a_second_process(world):
    _community(world, households=12)
    lap = _empty_laptop(world, "small")
    engine = world.engine(lap, snapshot_limit=40)  # the default threshold: a few thousand rows
    engine.sync()
    assert engine.index_source == "here"
    kept, rebuilt = _as_rebuilt(lap)
    assert kept == rebuilt and len(kept["rows"]) == 12


def _started_build(db):
    """A second process told to read ``db`` now, as the engine tells it once the sources are in."""
    from gridworker.store import local

    build = search_build.IndexBuild(db.path, db.key).start()
    with db.read() as conn:
        build.go(outbox_mark=local.outbox_mark(conn))
    return build


def test_a_change_made_on_the_laptop_while_the_second_process_reads_is_in_the_index(world):
    """Someone edits a household between the moment the second process read and the end of the
    snapshot: its build does not have the edit, so the index is rebuilt here and has it."""
    gw, homes = _community(world)
    lap = _empty_laptop(world, "edited")
    world.engine(lap, index_build_after=None).sync()
    build = _started_build(lap)
    try:
        worker = lap.actor(lap.get_state("user_id"), "王网格", "grid_worker")
        with lap.write(worker) as uow:
            uow.update("household", homes[3], {"head_name": "改名后的户主"})
        with lap.sync_transaction() as conn:
            made = A.rebuild_search_index(conn, Changes(), build=build)
        assert made == "here" and "change" in build.spoiled
    finally:
        build.close()
    with lap.read() as conn:
        assert len(search_households(conn, "改名后的户主")) == 1
    kept, rebuilt = _as_rebuilt(lap)
    assert kept == rebuilt


def test_a_second_process_that_fails_or_dies_leaves_the_index_made_here(world):
    _gw, homes = _community(world)
    lap = _empty_laptop(world, "failing")
    world.engine(lap, index_build_after=None).sync()

    wrong = search_build.IndexBuild(lap.path, b"\x01" * 32).start()  # cannot open the store
    wrong.go(outbox_mark=0)
    killed = _started_build(lap)
    os.kill(killed._proc.pid, signal.SIGKILL)
    for build in (wrong, killed):
        try:
            with lap.sync_transaction() as conn:
                assert A.rebuild_search_index(conn, Changes(), build=build) == "here"
            assert build.spoiled
        finally:
            build.close()
        kept, rebuilt = _as_rebuilt(lap)
        assert kept == rebuilt and len(kept["rows"]) == len(homes)
        assert not search_build.build_path(lap.path).exists()


def test_a_first_sync_cancelled_after_the_second_process_started_resumes_and_leaves_nothing_behind(world):
    _gw, homes = _community(world)
    lap = _empty_laptop(world, "cut")
    told = []

    def progress(phase, rows, nbytes):
        told.append(engine._build is not None and engine._build.started)

    # Cut once the second process was told to read (past the households, residents, members and
    # links), before the visits are all in.
    engine = world.engine(lap, snapshot_limit=10, index_build_after=0, progress=progress,
                          cancel=lambda: any(told))
    with pytest.raises(Cancelled):
        engine.sync()
    assert any(told) and lap.get_state("sync_cursor").startswith("s.")
    assert not multiprocessing.active_children()
    assert not search_build.build_path(lap.path).exists()
    # A stale build file from a killed sync is not taken for a new one: the resumed sync makes it here.
    search_build.build_path(lap.path).write_bytes(b"left by a killed sync")
    again = world.engine(lap, snapshot_limit=30, index_build_after=0)
    again.sync()
    assert again.index_source == "here"
    kept, rebuilt = _as_rebuilt(lap)
    assert kept == rebuilt and len(kept["rows"]) == len(homes)
    assert not search_build.build_path(lap.path).exists()
