"""`gridworker db restore` on a damaged real SQLCipher laptop file, run as a subprocess: the newest
good backup goes in place, the damaged file is kept aside, and the unsent changes made after the
backup are read from the damaged file one by one and queued again (none doubled, none invented)."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from gridworker.store.backups import make_backup
from gridworker.store.connect import raw_connect
from laptop_helpers import SETUP_STDIN, UNLOCK, new_laptop

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096
COLS = "seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at, sig"


def run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDWORKER_LOG_DIR": str(folder / "log")}
    return subprocess.run([sys.executable, "-m", "gridworker", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=180, input=SETUP_STDIN)


def laptop_with_a_backup_and_later_changes(folder: Path, later: int = 30):
    db = new_laptop(folder)
    db.set_state("community_id", "0190a000-0000-7000-8000-000000000001")
    with db.write(db.actor("user-admin")) as uow:
        for i in range(1500):
            uow.insert("household", {"address": f"阳光小区{i}幢{i % 6 + 1}01室", "head_name": "李四" * 20})
    make_backup(db)
    for i in range(later):
        with db.write(db.actor("user-admin")) as uow:
            uow.insert("household", {"address": f"备份后{i}号", "head_name": "王五"})
    key = db.key
    path = db.path
    db.close()
    conn = raw_connect(path, key)
    outbox = conn.execute(f"SELECT {COLS} FROM outbox ORDER BY seq").fetchall()
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'household'").fetchone()[0]
    conn.close()
    return path, key, outbox, root


def garble_pages(path: Path, pages: range) -> None:
    with open(path, "r+b") as f:
        for n in pages:
            f.seek((n - 1) * PAGE)
            f.write(secrets.token_bytes(PAGE))


def restored_outbox(path: Path, key: bytes):
    conn = raw_connect(path, key)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return conn.execute(f"SELECT {COLS} FROM outbox ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_restore_brings_back_the_backup_and_requeues_every_readable_unsent_change(tmp_path):
    path, key, outbox, household_root = laptop_with_a_backup_and_later_changes(tmp_path)
    garble_pages(path, range(household_root, household_root + 1))  # the households are unreadable
    status = run(tmp_path, "client", "status", "--data-dir", str(tmp_path), *UNLOCK)
    assert status.returncode == 3 and "db restore" in status.stderr

    result = run(tmp_path, "db", "restore", "--data-dir", str(tmp_path), *UNLOCK, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["requeued"] == 30 and report["unreadable"] == 0
    assert Path(report["damaged_file"]).exists()
    # Every change, once, exactly as it was written (signature included).
    assert [tuple(r) for r in restored_outbox(path, key)] == [tuple(r) for r in outbox]
    # The laptop works again.
    info = run(tmp_path, "db", "info", "--data-dir", str(tmp_path), *UNLOCK, "--json")
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["pending"] == len(outbox)


def test_restore_over_garbage_in_the_middle_keeps_what_it_can_read_and_invents_nothing(tmp_path):
    path, key, outbox, _root = laptop_with_a_backup_and_later_changes(tmp_path)
    count = path.stat().st_size // PAGE
    garble_pages(path, range(count // 2, count // 2 + 4))

    result = run(tmp_path, "db", "restore", "--data-dir", str(tmp_path), *UNLOCK, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    got = [tuple(r) for r in restored_outbox(path, key)]
    original = {r[0]: tuple(r) for r in outbox}
    assert all(original[r[0]] == r for r in got)  # nothing invented or changed
    assert len({r[0] for r in got}) == len(got)  # nothing doubled
    assert len(got) + report["unreadable"] >= len(outbox)  # every entry kept or counted unreadable
