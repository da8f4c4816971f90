"""Real client processes SIGKILLed at random points during push and during pull (at least 50
kills): nothing is lost, nothing doubled, and the next sync completes. Both server backends."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from support.server import table_rows
from gridworker.store.tables import SYNC_ORDER
from gridworker.sync import checksum as ck

HELPER = Path(__file__).with_name("kill_client.py")
KILLS = 50


def _edits(db, rng, visits):
    """Ten changes: a household, edits of earlier households, a visit."""
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        hid = uow.insert("household", {"address": f"花园{rng.randint(1, 99)}幢1单元{rng.randint(101, 999)}室"})
        rows = uow.query("SELECT id FROM household WHERE deleted = 0 ORDER BY id")
        for _ in range(8):
            uow.update("household", rng.choice(rows)["id"], {"notes": f"备注{rng.randint(0, 10**6)}"})
        visits.append(uow.append("visit", {"household_id": hid, "mode": "door",
                                           "visited_at": "2026-11-01T10:00:00+08:00"}))


@pytest.mark.slow
def test_killed_clients_lose_nothing_and_double_nothing(world):
    rng = random.Random(20261128)
    victim = world.laptop("victim")
    other = world.laptop("other")
    path = str(victim.path)
    visits: list[str] = []
    helper = subprocess.Popen([sys.executable, str(HELPER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=str(Path(__file__).parents[2]))
    kills = {"push": 0, "pull": 0}
    outcomes = []
    try:
        rounds = 0
        while sum(kills.values()) < KILLS and rounds < 200:
            rounds += 1
            mode = "push" if rounds % 2 else "pull"
            if mode == "push":
                _edits(victim, rng, visits)
            else:
                _edits(other, rng, visits)
                world.engine(other).sync()
            helper.stdin.write(f"{path} {mode} {rng.uniform(0.0, 0.15):.4f}\n")
            helper.stdin.flush()
            outcome = helper.stdout.readline().strip()
            outcomes.append(outcome)
            assert outcome in ("killed", "finished"), outcome
            if outcome == "killed":
                kills[mode] += 1
    finally:
        helper.stdin.close()
        helper.wait(timeout=30)
    assert kills["push"] >= 10 and kills["pull"] >= 10, kills
    # The next syncs complete, and everything is there exactly once.
    for db in (victim, other, victim):
        report = world.engine(db).sync()
        assert report.rejected == 0
    with world.sdb.read() as conn:
        server = {t: table_rows(conn, t, victim.community_id) for t in SYNC_ORDER}
        last_seq = conn.exec_driver_sql(
            "SELECT last_seq FROM device WHERE id = '%s'" % victim.device_id).scalar()
        results = conn.exec_driver_sql(
            "SELECT count(*) FROM push_result WHERE device_id = '%s'" % victim.device_id).scalar()
        logged = conn.exec_driver_sql(
            "SELECT count(*) FROM change_log WHERE device_id = '%s'" % victim.device_id).scalar()
        kept = int(conn.exec_driver_sql("SELECT checksum FROM community_sync WHERE community_id = '%s'"
                                        % victim.community_id).scalar())
    for db in (victim, other):
        with db.read() as conn:
            mine = {t: table_rows(conn, t) for t in SYNC_ORDER}
            diff = {(t, i): (mine[t].get(i), server[t].get(i)) for t in SYNC_ORDER
                    for i in set(mine[t]) | set(server[t]) if mine[t].get(i) != server[t].get(i)}
            diff = {k: {f: (a.get(f) if a else None, b.get(f) if b else None)
                        for f in set(a or {}) | set(b or {}) if (a or {}).get(f) != (b or {}).get(f)}
                    for k, (a, b) in diff.items()}
            assert not diff, ("victim" if db is victim else "other", diff)
            assert ck.checksum(conn, None) == kept
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 0
    entries = int(victim.get_state("outbox_seq"))
    assert last_seq == results == logged == entries  # every entry applied once, none twice
    assert set(visits) <= set(server["visit"])
    assert victim.integrity_check() == "ok"
