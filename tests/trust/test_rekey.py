"""Removing a laptop user changes the data key; the offline policy in the key file is authenticated.

Written as the attacks: a removed user who kept a copy of ``gridworker.keys`` (with their own slot)
tries their password on the current database; someone edits the offline limit in the key file to
skip the online login. And the re-key killed half way (a real SIGKILLed process), and a key file of
the previous format. Real encrypted laptops, a real server on a loopback port.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gridworker.ops import users
from support.server import World, password
from gridworker.store.database import CorruptDatabaseError, Database
from gridworker.store.keyslots import KeySlotError, KeySlots, WrongPassword
from gridworker.sync.laptop import Laptop, OnlineLoginRequired
from laptop_helpers import SETUP_PASSWORD, SETUP_USER, add_laptop_user

CHILD = Path(__file__).with_name("rekey_child.py")


def value(db, sql):
    with db.read() as conn:
        return conn.exec_driver_sql(sql).scalar()


def _with_people(db) -> None:
    """Two more users (li will be removed) and rows not yet sent to the server."""
    add_laptop_user(db, "wang", "wang-mima", role="grid_worker", display_name="王网格")
    add_laptop_user(db, "li", "li-mima", role="party_member", display_name="李党员")
    with db.write(db.actor("setup")) as uow:
        for n in range(3):
            hid = uow.insert("household", {"address": f"蠡桥{n}幢101室", "head_name": f"户主{n}"})
            uow.insert("resident", {"household_id": hid, "name": f"户主{n}"})


def _old_copy_opens(folder: Path, copy: Path, username: str, pw: str) -> bool:
    """The removed user's attack: their password on the copied key file, that key on the current file."""
    data = json.loads(copy.read_text("utf-8"))
    key = KeySlots(Laptop(folder).keys_path, data).unlock(username, pw)
    try:
        Database.open(folder / "gridworker.db", key=key, check=False).close()
    except CorruptDatabaseError:
        return False
    return True


# ------------------------------------------------------------------------------------------ re-key
def test_a_removed_user_with_an_old_copy_of_the_key_file_opens_nothing_current(db, tmp_path):
    folder = db.path.parent
    _with_people(db)
    copy = tmp_path / "kept-by-li.keys"
    shutil.copyfile(Laptop(folder).keys_path, copy)
    assert _old_copy_opens(folder, copy, "li", "li-mima"), "before the removal the copy opens the database"
    before = (value(db, "SELECT count(*) FROM household"), value(db, "SELECT count(*) FROM outbox"))
    old_key = db.key

    users.remove_user(db, db.actor("setup", "测试管理员", "admin"), "li")

    assert not _old_copy_opens(folder, copy, "li", "li-mima"), "the old copy and li's password open nothing now"
    assert db.key != old_key
    # The running database goes on (new key), and the rest of the laptop is as it was.
    with db.write(db.actor("setup")) as uow:
        uow.insert("household", {"address": "蠡桥9幢101室", "head_name": "新户"})
    assert value(db, "SELECT count(*) FROM local_user WHERE username = 'li'") == 0
    db.close()
    with pytest.raises(WrongPassword):
        Laptop(folder).login("li", "li-mima", online_check=False)
    for username, pw in (("wang", "wang-mima"), (SETUP_USER, SETUP_PASSWORD)):
        login = Laptop(folder).login(username, pw, online_check=False)
        try:
            assert value(login.db, "SELECT count(*) FROM household") == before[0] + 1
            assert value(login.db, "SELECT count(*) FROM outbox") == before[1] + 1, "unsent changes kept"
        finally:
            login.db.close()
    with pytest.raises(CorruptDatabaseError):  # the file opens with the new key only
        Database.open(folder / "gridworker.db", key=old_key, check=False)


@pytest.mark.parametrize("step", ["sealed", "rekeyed", "finished"])
def test_a_kill_during_the_rekey_leaves_a_laptop_the_remaining_users_open_with_every_row(db, tmp_path, step):
    folder = db.path.parent
    _with_people(db)
    copy = tmp_path / "kept-by-li.keys"
    shutil.copyfile(Laptop(folder).keys_path, copy)
    before = (value(db, "SELECT count(*) FROM household"), value(db, "SELECT count(*) FROM outbox"))
    db.close()

    child = subprocess.run([sys.executable, str(CHILD), str(folder), SETUP_USER, SETUP_PASSWORD, "li", step],
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "start" in child.stdout and "done" not in child.stdout

    for username, pw in (("wang", "wang-mima"), (SETUP_USER, SETUP_PASSWORD)):
        login = Laptop(folder).login(username, pw, online_check=False)
        try:
            assert value(login.db, "SELECT count(*) FROM household") == before[0]
            assert value(login.db, "SELECT count(*) FROM outbox") == before[1]
            assert login.db.integrity_check() == "ok"
        finally:
            login.db.close()
    with pytest.raises(WrongPassword):
        Laptop(folder).login("li", "li-mima", online_check=False)
    assert not _old_copy_opens(folder, copy, "li", "li-mima"), "the re-key was finished by the next login"
    assert not any(s.get("next_seal") for s in json.loads(Laptop(folder).keys_path.read_text())["slots"])


# ------------------------------------------------------------------------------------------ policy
def _edit(folder: Path, **fields) -> None:
    path = Laptop(folder).keys_path
    data = json.loads(path.read_text("utf-8"))
    for name, val in fields.items():
        if val is None:
            data.pop(name, None)
        else:
            data[name] = val
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


@pytest.fixture
def sqlite_world(tmp_path):
    w = World(str(tmp_path / "server.db"), tmp_path)
    yield w
    w.close()


def test_editing_the_offline_limit_in_the_key_file_does_not_skip_the_online_login(sqlite_world, tmp_path):
    world = sqlite_world
    folder = tmp_path / "laptop"
    pw = password("gw_a")
    Laptop(folder).enroll(world.url, "gw_a", pw).db.close()
    login = Laptop(folder).login("gw_a", pw)
    assert not login.online, "within the limit: an offline login"
    login.db.close()
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    Laptop(folder).slots.record_server_contact(long_ago)

    # 30 days offline, limit 14: the edited file says 9999 days. The server is up: the login goes online,
    # and the edited policy is put back to the default.
    _edit(folder, offline_days=9999)
    login = Laptop(folder).login("gw_a", pw)
    login.db.close()
    assert login.online, "the edited limit was not believed"
    assert Laptop(folder).slots.offline_days == 14
    login = Laptop(folder).login("gw_a", pw)
    login.db.close()
    assert not login.online, "after the online login the policy is trusted again"

    world.server.stop()
    for edit in ({"offline_days": 9999},
                 {"last_server_contact": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
                 {"format": 1, "policy_mac": None, "offline_days": 9999}):  # passed off as an older file
        Laptop(folder).slots.record_server_contact(long_ago)
        _edit(folder, **edit)
        with pytest.raises(OnlineLoginRequired):
            Laptop(folder).login("gw_a", pw)


# ------------------------------------------------------------------------------------------ format 1
def _format_1_file(db, people: list[tuple[str, str, str, str]]) -> None:
    """The key file as the release before this one wrote it: the data key sealed under each password."""
    laptop_id = secrets.token_hex(16)
    slots = []
    for user_id, username, role, pw in people:
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = hash_secret_raw(pw.encode(), salt, time_cost=1, memory_cost=8192, parallelism=1, hash_len=32,
                              type=Type.ID)
        ad = json.dumps(["gridworker-keyslot", "1", laptop_id, user_id, username, role, ""]).encode()
        slots.append({"user_id": user_id, "username": username, "display_name": username, "role": role,
                      "org_id": None, "kdf": {"t": 1, "m": 8192, "p": 1, "salt": base64.b64encode(salt).decode()},
                      "nonce": base64.b64encode(nonce).decode(),
                      "sealed": base64.b64encode(AESGCM(kek).encrypt(nonce, db.key, ad)).decode(),
                      "added": "2026-11-01T08:00:00+00:00", "last_online_login": None})
    recent = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)).isoformat(timespec="seconds")
    data = {"format": 1, "cipher": "sqlcipher4", "kdf": "argon2id", "laptop_id": laptop_id,
            "created": "2026-11-01T08:00:00+00:00", "offline_days": 14, "last_server_contact": recent,
            "community_name": "蠡桥社区", "wiped": None, "slots": slots}
    KeySlots.path_for(db.path).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def test_a_format_1_key_file_still_logs_in_and_is_upgraded_and_removal_waits_for_its_users(db):
    folder = db.path.parent
    _format_1_file(db, [("setup", SETUP_USER, "admin", SETUP_PASSWORD), ("u-wang", "wang", "grid_worker", "wang-mima"),
                        ("u-li", "li", "party_member", "li-mima")])
    db.close()

    login = Laptop(folder).login(SETUP_USER, SETUP_PASSWORD)
    assert not login.online, "2 days offline, within the limit: the old file's policy is believed once"
    data = json.loads(Laptop(folder).keys_path.read_text("utf-8"))
    assert data["format"] == 2 and data.get("policy_mac")
    assert {s["username"]: s.get("v", 1) for s in data["slots"]} == {SETUP_USER: 2, "wang": 1, "li": 1}
    with pytest.raises(KeySlotError, match="wang"):
        Laptop(folder).remove_user(login.db, "li")  # wang's slot could not take a new key
    login.db.close()
    assert Laptop(folder).login("li", "li-mima").db.close() is None, "nothing was removed"

    Laptop(folder).login("wang", "wang-mima").db.close()  # wang's slot becomes format 2
    login = Laptop(folder).login(SETUP_USER, SETUP_PASSWORD)
    try:
        assert Laptop(folder).remove_user(login.db, "li")
    finally:
        login.db.close()
    with pytest.raises(WrongPassword):
        Laptop(folder).login("li", "li-mima")
    Laptop(folder).login("wang", "wang-mima").db.close()
