"""Kill a real writer process at random moments: the database must stay whole and consistent."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridworker.store.database import Database
from gridworker.store.info import check_database

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = int(os.environ.get("GRIDWORKER_CRASH_KILLS", "30"))


def _run_and_kill(path: Path, tag: str, delay: float) -> list[str]:
    proc = subprocess.Popen([sys.executable, str(WRITER), str(path), tag], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    first = proc.stdout.readline()  # wait for one commit so the kill lands mid-stream, not at start
    assert first.startswith("committed "), proc.stderr.read()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    return [line.split()[1] for line in (first + out).splitlines() if line.startswith("committed ")]


@pytest.mark.slow
def test_killed_writer_never_leaves_partial_or_unqueued_changes(tmp_path, db):
    path = db.path
    db.close()
    rng = random.Random(20261128)
    committed: list[str] = []
    for k in range(KILLS):
        committed += _run_and_kill(path, str(k), rng.uniform(0.0, 0.25))
    assert committed, "the writer never committed anything: the test did not exercise the kill"
    reopened = Database.open(path)
    try:
        result = check_database(reopened)
        assert result["ok"], result
        with reopened.read() as conn:
            households = {r[0]: r[1] for r in conn.exec_driver_sql(
                "SELECT id, (SELECT count(*) FROM resident r WHERE r.household_id = h.id) FROM household h "
                "WHERE address LIKE '崩溃小区%'")}
            queued = {r[0] for r in conn.exec_driver_sql(
                "SELECT row_id FROM outbox WHERE table_name = 'household' AND op = 'insert'")}
            visits = {r[0] for r in conn.exec_driver_sql("SELECT household_id FROM visit")}
        # Every commit the writer reported survived the kill.
        assert set(committed) <= set(households)
        # No torn transaction: every household has both residents and its visit, and is queued.
        assert all(n == 2 for n in households.values())
        assert set(households) <= visits
        assert set(households) <= queued
    finally:
        reopened.close()
