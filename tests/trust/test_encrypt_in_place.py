"""A plaintext laptop database from the previous release, encrypted in place.

The laptop is made the way the previous release left it: plain SQLite in WAL mode, the last commits
still in the ``-wal`` (copied while the program had it open, as a power cut leaves it), and a
plaintext ``*.pre-upgrade-*.bak`` beside it. The crash test runs ``encrypt_in_place`` in a real
child process and SIGKILLs it at every step of the plan (and at random moments,
``GRIDWORKER_ENCRYPT_KILLS``): each time the database must still be usable, plaintext or encrypted,
with nothing lost, and the next run must finish the job.
"""
from __future__ import annotations

import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridworker.store.connect import is_encrypted, raw_connect
from gridworker.store.database import CorruptDatabaseError, Database
from gridworker.store.encrypt import EncryptError, encrypt_in_place, needs_encryption
from gridworker.store.migrate import backup_sqlite
from gridworker.store.search import search_households

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
PII = (PHONE, ID_NUMBER, "张建国", "蠡桥花园")
COMMUNITY = "0190a000-0000-7000-8000-000000000001"
BAK = "gridworker.db.pre-upgrade-c0001_base0-20260101-080000.bak"
CHILD = Path(__file__).with_name("encrypt_child.py")
RANDOM_KILLS = int(os.environ.get("GRIDWORKER_ENCRYPT_KILLS", "6"))
STEPS = ["wal-zeroed", "checkpointed", "exported", "verified", "linked", "swapped", "shredded"]


def dump(conn) -> dict[str, list]:
    """Every row of every table (FTS shadow tables included), order-independent."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    out = {t: sorted((tuple(r) for r in conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables}
    out["user_version"] = conn.execute("PRAGMA user_version").fetchall()
    return out


def dump_file(path: Path, key: bytes | None) -> dict[str, list]:
    conn = raw_connect(path, key)
    try:
        return dump(conn)
    finally:
        conn.close()


def make_plaintext_laptop(folder: Path, households: int = 200) -> dict[str, list]:
    """The previous release's laptop in ``folder``; returns what its database holds."""
    build = folder.parent / (folder.name + "-build")
    db = Database.open(build / "gridworker.db")  # no key: plain SQLite, as the previous release wrote it
    db.set_state("community_id", COMMUNITY)
    with db.write(db.actor("u1")) as uow:
        hid = uow.insert("household", {"address": "蠡桥花园3幢2单元501室", "head_name": "张建国"})
        uow.insert("resident", {"household_id": hid, "name": "张建国", "id_number": ID_NUMBER, "phone": PHONE})
    backup_sqlite(build / "gridworker.db", build / BAK)  # the copy a migration left beside it
    with db.sync_transaction() as conn:
        conn.exec_driver_sql("PRAGMA user_version = 5")
    with db.engine.connect() as c:
        c.connection.dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
    with db.write(db.actor("u1")) as uow:
        for i in range(households):
            uow.insert("household", {"address": f"阳光小区{i}幢{i % 6 + 1}01室", "head_name": "李四"})
    with db.read() as conn:
        before = dump(conn.connection.dbapi_connection)
    shutil.copytree(build, folder)  # while the program has it open: the last commits only in the -wal
    db.close()
    shutil.rmtree(build)
    assert (folder / "gridworker.db-wal").stat().st_size > 0
    return before


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def assert_encrypted_and_whole(folder: Path, key: bytes, before: dict) -> None:
    path = folder / "gridworker.db"
    assert is_encrypted(path)
    assert dump_file(path, key) == before
    blob = all_bytes(folder)
    for needle in PII:
        assert needle.encode("utf-8") not in blob, f"plaintext {needle} left in {sorted(os.listdir(folder))}"
    assert sorted(os.listdir(folder)) == ["gridworker.db", BAK]
    assert is_encrypted(folder / BAK)
    assert not needs_encryption(path)


@pytest.fixture
def key():
    return secrets.token_bytes(32)


def test_a_plaintext_laptop_is_encrypted_with_nothing_plain_left(tmp_path, key):
    folder = tmp_path / "laptop"
    before = make_plaintext_laptop(folder)
    assert all(n.encode("utf-8") in all_bytes(folder) for n in PII)  # the test starts from real plaintext
    assert before["user_version"] == [(5,)] and before["outbox"] and before["alembic_version"]
    assert needs_encryption(folder / "gridworker.db")

    encrypt_in_place(folder / "gridworker.db", key)

    assert_encrypted_and_whole(folder, key, before)  # rows, outbox, alembic_version, user_version
    with Database.open(folder / "gridworker.db", key=key) as db:
        assert db.backup_made is None  # same schema revision: no migration ran
        with db.read() as conn:
            assert [h.address for h in search_households(conn, "501")][:1] == ["蠡桥花园3幢2单元501室"]
            assert conn.exec_driver_sql("SELECT phone FROM resident").scalar() == PHONE
    with pytest.raises(CorruptDatabaseError):
        Database.open(folder / "gridworker.db")
    # The migration copy is encrypted with the same key and still holds its data.
    conn = raw_connect(folder / BAK, key)
    try:
        assert conn.execute("SELECT id_number FROM resident").fetchall() == [(ID_NUMBER,)]
    finally:
        conn.close()
    # Running it again changes nothing.
    data = (folder / "gridworker.db").read_bytes()
    encrypt_in_place(folder / "gridworker.db", key)
    assert (folder / "gridworker.db").read_bytes() == data


def test_a_database_another_program_has_open_is_left_as_it_was(tmp_path, key):
    folder = tmp_path / "laptop"
    before = make_plaintext_laptop(folder, households=10)
    other = raw_connect(folder / "gridworker.db", None)
    try:
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM household").fetchall()
        with pytest.raises(EncryptError, match="正被其他程序使用"):
            encrypt_in_place(folder / "gridworker.db", key)
        other.execute("COMMIT")
    finally:
        other.close()
    assert not is_encrypted(folder / "gridworker.db")
    assert dump_file(folder / "gridworker.db", None) == before
    assert not list(folder.glob("*.encrypting*")) and not list(folder.glob("*.plaintext-old"))


def _run_child(path: Path, key: bytes, mode: str, kill_after: float | None = None) -> tuple[int, float]:
    """Run the child; SIGKILL it ``kill_after`` seconds after it started encrypting. Returns its exit
    code and how long it ran after starting."""
    proc = subprocess.Popen([sys.executable, str(CHILD), str(path), key.hex(), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start", proc.stderr.read()
    started = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode in (0, -signal.SIGKILL), err
    return proc.returncode, elapsed


def _usable_after_kill(folder: Path, key: bytes, before: dict) -> str:
    """The database is there and whole, plaintext or encrypted. Returns which."""
    path = folder / "gridworker.db"
    if not path.exists():
        # Only between the two renames where hard links are missing: the next run puts it back.
        assert (folder / "gridworker.db.plaintext-old").exists() and needs_encryption(path)
        return "renamed"
    if is_encrypted(path):
        assert dump_file(path, key) == before
        return "encrypted"
    assert dump_file(path, None) == before
    return "plaintext"


@pytest.mark.slow
def test_killed_at_any_step_the_database_stays_usable_and_the_next_run_finishes(tmp_path, key):
    template = tmp_path / "template"
    before = make_plaintext_laptop(template)
    modes = [f"step:{s}" for s in STEPS] + ["nolink:moved-old", "nolink:swapped",
                                            "step:exported@2", "step:swapped@2", "nolink:moved-old@2"]
    seen: dict[str, str] = {}
    for n, mode in enumerate(modes):
        folder = tmp_path / f"kill{n}"
        shutil.copytree(template, folder)
        code, _ = _run_child(folder / "gridworker.db", key, mode)
        assert code == -signal.SIGKILL, f"{mode}: the child was not killed at its step (exit {code})"
        seen[mode] = _usable_after_kill(folder, key, before)
        encrypt_in_place(folder / "gridworker.db", key)
        assert_encrypted_and_whole(folder, key, before)
    # The kills landed on both sides of the swap.
    assert seen["step:verified"] == "plaintext" and seen["step:swapped"] == "encrypted"
    assert seen["nolink:moved-old"] == "renamed"
    assert seen["step:swapped@2"] == seen["nolink:moved-old@2"] == "encrypted"  # killed on the .bak

    # And at moments nobody chose: a whole run takes about `full` seconds here.
    folder = tmp_path / "timing"
    shutil.copytree(template, folder)
    code, full = _run_child(folder / "gridworker.db", key, "run")
    assert code == 0
    rng = random.Random(20260302)
    outcomes = []
    for n in range(RANDOM_KILLS):
        folder = tmp_path / f"random{n}"
        shutil.copytree(template, folder)
        code, _ = _run_child(folder / "gridworker.db", key, "run", kill_after=rng.uniform(0.0, full))
        outcomes.append(_usable_after_kill(folder, key, before) + ("" if code else " (finished first)"))
        encrypt_in_place(folder / "gridworker.db", key)
        assert_encrypted_and_whole(folder, key, before)
    print(f"\nencrypt_in_place: {len(modes)} chosen kill points, {RANDOM_KILLS} random ones "
          f"({', '.join(outcomes)}); a full run {full:.2f} s; data lost: 0")
