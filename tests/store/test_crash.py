"""Kill a real writer process at random moments: the database must stay whole and consistent.

The database is encrypted (SQLCipher, a random 32-byte data key), as every real laptop's is, so the
kills land in the middle of encrypted page writes and commits. After every kill the next writer's
open runs the full quick_check with the key; at the end the integrity check passes with the key and
every commit the writer reported is there (``GRIDWORKER_CRASH_KILLS`` sets how many kills).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridworker.store.connect import is_encrypted
from gridworker.store.database import CorruptDatabaseError, Database
from gridworker.store.info import check_database

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = int(os.environ.get("GRIDWORKER_CRASH_KILLS", "30"))
COMMUNITY = "0190a000-0000-7000-8000-000000000001"


def _run_and_kill(path: Path, tag: str, key: bytes, delay: float) -> list[str]:
    proc = subprocess.Popen([sys.executable, str(WRITER), str(path), tag, key.hex()], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    first = proc.stdout.readline()  # wait for one commit so the kill lands mid-stream, not at start
    assert first.startswith("committed "), proc.stderr.read()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    return [line.split()[1] for line in (first + out).splitlines() if line.startswith("committed ")]


def _encrypted_laptop(path: Path, key: bytes) -> None:
    db = Database.open(path, key=key)
    db.set_state("community_id", COMMUNITY)
    with db.write(db.actor("setup")) as uow:
        uow.insert("org_unit", {"code": "320211001", "name": "蠡桥社区", "level": "community"}, row_id=COMMUNITY)
    db.close()


@pytest.mark.slow
def test_killed_writer_never_leaves_partial_or_unqueued_changes(tmp_path):
    path = tmp_path / "gridworker.db"
    key = os.urandom(32)
    _encrypted_laptop(path, key)
    rng = random.Random(20261128)
    committed: list[str] = []
    for k in range(KILLS):
        committed += _run_and_kill(path, str(k), key, rng.uniform(0.0, 0.25))
    assert committed, "the writer never committed anything: the test did not exercise the kill"
    # The kills hit an encrypted file: without the key it does not open at all.
    assert is_encrypted(path)
    with pytest.raises(CorruptDatabaseError):
        Database.open(path)
    reopened = Database.open(path, key=key)
    try:
        assert reopened.integrity_check() == "ok"
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
        lost = set(committed) - set(households)
        print(f"\nencrypted crash writer: {KILLS} kill points, {len(committed)} commits reported, "
              f"{len(lost)} lost")
        assert not lost
        # No torn transaction: every household has both residents and its visit, and is queued.
        assert all(n == 2 for n in households.values())
        assert set(households) <= visits
        assert set(households) <= queued
    finally:
        reopened.close()
