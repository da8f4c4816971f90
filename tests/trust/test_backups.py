"""Automatic daily backups of the encrypted laptop database, and restoring one over a damaged file.

Real encrypted (SQLCipher) databases in tmp_path; damage is done to the bytes of the file the way a
failing disk or a cut write does it (garbage over pages in the middle, a file cut short).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from pathlib import Path

import pytest

from gridworker.store import backups
from gridworker.store.backups import BackupError, daily_backup, good_backups, make_backup, prune, restore
from gridworker.store.connect import raw_connect
from gridworker.store.database import CorruptDatabaseError, Database, quick_check

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
COMMUNITY = "0190a000-0000-7000-8000-000000000001"
DAY = dt.datetime(2026, 3, 2, 9, 30)


def laptop(path: Path, key: bytes, households: int = 300) -> Database:
    """An encrypted laptop database with a resident's phone and ID number and some bulk."""
    db = Database.open(path, key=key)
    db.set_state("community_id", COMMUNITY)
    with db.write(db.actor("u1")) as uow:
        hid = uow.insert("household", {"address": "蠡桥花园3幢2单元501室", "head_name": "张建国"})
        uow.insert("resident", {"household_id": hid, "name": "张建国", "id_number": ID_NUMBER, "phone": PHONE})
        for i in range(households):
            uow.insert("household", {"address": f"阳光小区{i}幢{i % 6 + 1}01室", "head_name": "李四"})
    return db


def add_household(db: Database, address: str) -> None:
    with db.write(db.actor("u1")) as uow:
        uow.insert("household", {"address": address, "head_name": "王五"})


def addresses(path: Path, key: bytes) -> set[str]:
    conn = raw_connect(path, key)
    try:
        return {r[0] for r in conn.execute("SELECT address FROM household")}
    finally:
        conn.close()


def garble_middle(path: Path, pages: int = 3) -> None:
    """Random bytes over a few pages in the middle of the file (what a bad sector does)."""
    page = 4096
    count = path.stat().st_size // page
    assert count > 20, "the database is too small for the test to mean anything"
    with open(path, "r+b") as f:
        for n in range(count // 2, count // 2 + pages):
            f.seek(n * page)
            f.write(secrets.token_bytes(page))


def cut_short(path: Path) -> None:
    """A half-written file: everything after the middle is gone."""
    os.truncate(path, path.stat().st_size // 2)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def key():
    return secrets.token_bytes(32)


@pytest.fixture
def db(tmp_path, key):
    database = laptop(tmp_path / "gridworker.db", key)
    yield database
    database.close()


# ---------------------------------------------------------------------------------------------- daily
def test_one_backup_per_day_and_old_ones_pruned_after_keep_days(db, key):
    made = []
    for day in range(10):
        morning = DAY + dt.timedelta(days=day)
        made.append(daily_backup(db, keep_days=3, now=morning))
        # Later the same day: today's verified backup exists, nothing new.
        assert daily_backup(db, keep_days=3, now=morning + dt.timedelta(hours=8)) is None
    assert all(p is not None for p in made)
    assert made[0].parent == backups.backup_dir(db.path) == db.path.parent / "backups"
    assert made[0].name == "gridworker-20260302-093000.db"
    listed = good_backups(db.path, key)
    # Days 6..9 are within 3 days of day 9 17:30 (day 6 09:30 is 3 days 8 hours before): 3 kept.
    assert [b.taken_at.date() for b in listed] == [(DAY + dt.timedelta(days=d)).date() for d in (9, 8, 7)]
    on_disk = sorted(p.name for p in backups.backup_dir(db.path).glob("*.db"))
    assert on_disk == sorted(b.path.name for b in listed)
    assert not made[0].exists()


def test_the_newest_good_backup_is_kept_however_old(db, key):
    first = make_backup(db, now=DAY)
    second = make_backup(db, now=DAY + dt.timedelta(days=1))
    garble_middle(second, pages=2)  # the newer backup went bad on disk
    # A month later the app had not run since: everything is older than keep_days.
    deleted = prune(db.path, key, keep_days=7, now=DAY + dt.timedelta(days=30))
    assert second in deleted
    assert first.exists(), "the newest good backup must never be pruned"
    assert [b.path for b in good_backups(db.path, key)] == [first]


def test_backups_are_encrypted_and_open_with_the_key_only(db, key):
    path = make_backup(db, now=DAY)
    raw = path.read_bytes()
    assert raw[:16] != b"SQLite format 3\x00"
    for needle in (PHONE, ID_NUMBER, "张建国", "蠡桥"):
        assert needle.encode("utf-8") not in raw, needle
    folder = backups.backup_dir(db.path)
    assert PHONE.encode() not in b"".join(p.read_bytes() for p in folder.iterdir())  # manifest too
    conn = raw_connect(path, key)
    try:
        assert conn.execute("SELECT phone, id_number FROM resident").fetchall() == [(PHONE, ID_NUMBER)]
    finally:
        conn.close()
    assert good_backups(db.path, secrets.token_bytes(32)) == []
    assert good_backups(db.path, None) == []
    (info,) = good_backups(db.path, key)
    assert info.path == path and info.size == path.stat().st_size and info.taken_at == DAY
    assert info.pending_changes == 302  # every insert of the fixture waits in the outbox


def test_a_backup_is_a_consistent_copy_of_the_open_database_and_counts_only_when_verified(db, key, tmp_path):
    add_household(db, "备份前的一户")
    path = make_backup(db, now=DAY)
    add_household(db, "备份后的一户")
    assert "备份前的一户" in addresses(path, key)
    assert "备份后的一户" not in addresses(path, key)
    assert not list(backups.backup_dir(db.path).glob(".*.tmp"))
    manifest = json.loads((backups.backup_dir(db.path) / "manifest.json").read_text("utf-8"))
    assert manifest["files"][path.name]["ok"] is True
    # A damaged backup (same name, changed bytes) is checked again and no longer offered.
    garble_middle(path, pages=2)
    assert good_backups(db.path, key) == []


def test_a_damaged_live_database_makes_no_backup(tmp_path, key):
    path = tmp_path / "gridworker.db"
    laptop(path, key).close()
    garble_middle(path)
    broken = Database(path, key)  # opened without the check, as a running app might be
    try:
        with pytest.raises(BackupError, match="未通过校验"):
            make_backup(broken, now=DAY)
    finally:
        broken.close()
    assert good_backups(path, key) == []
    assert not [p for p in backups.backup_dir(path).iterdir() if p.suffix in (".db", ".tmp")]


# ---------------------------------------------------------------------------------------------- damage
@pytest.mark.parametrize("damage", [garble_middle, cut_short], ids=["garbage-pages", "half-written"])
def test_damage_is_detected_and_the_backup_restores_the_data(tmp_path, key, damage):
    path = tmp_path / "gridworker.db"
    db = laptop(path, key)
    add_household(db, "备份前的一户")
    make_backup(db, now=DAY)
    add_household(db, "备份后未同步的一户")
    db.close()
    damage(path)
    damaged = sha(path)

    assert quick_check(path, key) is not None
    with pytest.raises(CorruptDatabaseError, match="数据库文件已损坏"):
        Database.open(path, key=key)

    (info,) = good_backups(path, key)
    moved = restore(path, info.path, key)

    # The damaged file is kept aside, byte for byte, next to the database.
    assert moved.parent == path.parent and moved.name.startswith("gridworker.db.broken-")
    assert sha(moved) == damaged
    # The backup's data is back and the database opens with the key and passes the check.
    assert quick_check(path, key) is None
    with Database.open(path, key=key) as again:
        with again.read() as conn:
            assert conn.exec_driver_sql("SELECT phone FROM resident").scalar() == PHONE
            got = {r[0] for r in conn.exec_driver_sql("SELECT address FROM household")}
    assert "备份前的一户" in got
    assert "备份后未同步的一户" not in got  # what the dialog warns about
    assert len(got) == 302


def test_restore_moves_the_damaged_files_wal_aside_with_it(tmp_path, key):
    """A -wal left beside the database belongs to the damaged file: left in place it would be
    replayed into the restored one."""
    path = tmp_path / "gridworker.db"
    db = laptop(path, key)
    make_backup(db, now=DAY)
    db.close()
    # The damaged file's log, as a power cut leaves it: committed pages not yet in the main file.
    other = tmp_path / "other"
    writer = laptop(other / "gridworker.db", key, households=5)
    with writer.engine.connect() as c:
        c.connection.dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
    add_household(writer, "只在日志里的一户")
    wal_bytes = (other / "gridworker.db-wal").read_bytes()
    writer.close()
    (tmp_path / "gridworker.db-wal").write_bytes(wal_bytes)
    garble_middle(path)

    (info,) = good_backups(path, key)
    moved = restore(path, info.path, key)
    assert moved.with_name(moved.name + "-wal").read_bytes() == wal_bytes
    assert not (tmp_path / "gridworker.db-shm").exists()
    got = addresses(path, key)
    assert len(got) == 301 and "只在日志里的一户" not in got
    assert quick_check(path, key) is None


def test_restore_refuses_a_bad_backup_and_touches_nothing(tmp_path, key):
    path = tmp_path / "gridworker.db"
    db = laptop(path, key)
    backup = make_backup(db, now=DAY)
    db.close()
    garble_middle(path)
    damaged = sha(path)
    cut_short(backup)
    with pytest.raises(BackupError, match="所选备份无法使用"):
        restore(path, backup, key)
    assert sha(path) == damaged
    assert not list(tmp_path.glob("gridworker.db.broken-*"))
    assert not list(tmp_path.glob("*.restoring"))
