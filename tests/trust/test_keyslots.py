"""Encryption at rest: the data key sealed per user, the file unreadable without a password."""
from __future__ import annotations

import json
import secrets

import pytest

from gridworker.store.connect import WrongKeyError, is_encrypted, raw_connect
from gridworker.store.database import CorruptDatabaseError, Database
from gridworker.store.keyslots import KeySlotError, KeySlots, WrongPassword

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"


def _users(tmp_path):
    slots, key = KeySlots.create(tmp_path / "gridworker.db")
    slots.add_user(key, user_id="u1", username="wang", display_name="王网格", role="grid_worker",
                   org_id="g1", password="pw-wang")
    slots.add_user(key, user_id="u2", username="li", display_name="李书记", role="community_admin",
                   org_id="c1", password="pw-li")
    return slots, key


def test_each_user_opens_the_same_key_with_their_own_password(tmp_path):
    slots, key = _users(tmp_path)
    again = KeySlots.load(tmp_path / "gridworker.db")
    assert again.unlock("wang", "pw-wang") == key
    assert again.unlock("li", "pw-li") == key
    assert [u.username for u in again.users()] == ["li", "wang"]
    with pytest.raises(WrongPassword, match="用户名或密码不正确"):
        again.unlock("wang", "pw-li")
    with pytest.raises(WrongPassword):
        again.unlock("nobody", "pw-wang")


def test_the_key_file_holds_no_key_and_no_password(tmp_path):
    slots, key = _users(tmp_path)
    raw = slots.path.read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    assert b"pw-wang" not in raw and b"pw-li" not in raw


def test_a_removed_user_opens_nothing_and_the_last_user_stays(tmp_path):
    slots, key = _users(tmp_path)
    assert slots.remove_user("wang")
    again = KeySlots.load(tmp_path / "gridworker.db")
    with pytest.raises(WrongPassword):
        again.unlock("wang", "pw-wang")
    assert again.unlock("li", "pw-li") == key
    with pytest.raises(KeySlotError):
        again.remove_user("li")


def test_editing_a_role_in_the_file_locks_that_slot_instead_of_granting_it(tmp_path):
    slots, _key = _users(tmp_path)
    data = json.loads(slots.path.read_text("utf-8"))
    for s in data["slots"]:
        if s["username"] == "wang":
            s["role"] = "street_admin"
    slots.path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(WrongPassword):
        KeySlots.load(tmp_path / "gridworker.db").unlock("wang", "pw-wang")


def test_wipe_forgets_every_slot(tmp_path):
    slots, _key = _users(tmp_path)
    slots.wipe("device revoked")
    again = KeySlots.load(tmp_path / "gridworker.db")
    assert again.users() == [] and again.wiped["reason"] == "device revoked"
    for user, pw in (("wang", "pw-wang"), ("li", "pw-li")):
        with pytest.raises(WrongPassword):
            again.unlock(user, pw)


def test_offline_days(tmp_path):
    import datetime as dt

    slots, _key = _users(tmp_path)
    assert not slots.needs_online_login()  # never reached the server: enrolment is online anyway
    now = dt.datetime.now(dt.timezone.utc)
    slots.record_server_contact(now - dt.timedelta(days=15))
    assert slots.needs_online_login(now)
    slots.offline_days = 30
    assert not KeySlots.load(tmp_path / "gridworker.db").needs_online_login(now)


def test_an_encrypted_database_has_no_personal_data_in_its_bytes(tmp_path):
    key = secrets.token_bytes(32)
    path = tmp_path / "gridworker.db"
    db = Database.open(path, key=key)
    db.set_state("community_id", "c1")
    with db.write(db.actor("u1")) as uow:
        hid = uow.insert("household", {"address": "蠡桥花园3幢2单元501室", "head_name": "张建国"})
        uow.insert("resident", {"household_id": hid, "name": "张建国", "id_number": ID_NUMBER, "phone": PHONE})
    db.close()
    assert is_encrypted(path)
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for needle in (PHONE, ID_NUMBER, "张建国", "蠡桥"):
        assert needle.encode("utf-8") not in blob, needle
    # The same key opens it again and the data is there.
    with Database.open(path, key=key) as again:
        with again.read() as conn:
            assert conn.exec_driver_sql("SELECT phone FROM resident").scalar() == PHONE
    # Without the key, or with another, it does not open.
    with pytest.raises(CorruptDatabaseError, match="无法解密"):
        Database.open(path, key=secrets.token_bytes(32))
    with pytest.raises(CorruptDatabaseError):
        Database.open(path)
    with pytest.raises(WrongKeyError):
        raw_connect(path, secrets.token_bytes(32))


def test_a_new_key_is_sealed_to_every_remaining_user_without_their_passwords(tmp_path):
    slots, key = _users(tmp_path)
    new_key = secrets.token_bytes(32)
    fresh = KeySlots.load(tmp_path / "gridworker.db")  # an admin's process: no password of li's known
    fresh.begin_rekey(new_key, drop="wang")
    again = KeySlots.load(tmp_path / "gridworker.db")
    assert again.unlock("li", "pw-li") == key and again.pending_key == new_key, "both keys until finished"
    fresh.finish_rekey(new_key)
    again = KeySlots.load(tmp_path / "gridworker.db")
    assert again.unlock("li", "pw-li") == new_key and again.pending_key is None
    with pytest.raises(WrongPassword):
        again.unlock("wang", "pw-wang")
    raw = again.path.read_bytes()
    assert new_key not in raw and new_key.hex().encode() not in raw


def test_the_offline_policy_written_without_the_data_key_is_not_believed(tmp_path, monkeypatch):
    from gridworker.store import keyslots

    _users(tmp_path)
    # Another process (no password typed, so no data key): whatever it writes carries no valid MAC.
    monkeypatch.setattr(keyslots, "_MAC_KEYS", {})
    stranger = KeySlots.load(tmp_path / "gridworker.db")
    stranger.offline_days = 9999
    assert "policy_mac" not in json.loads(stranger.path.read_text("utf-8"))
    again = KeySlots.load(tmp_path / "gridworker.db")
    again.unlock("wang", "pw-wang")
    assert not again.policy_ok() and again.needs_online_login()
    again.mark_online_login("wang", community_name="蠡桥社区")  # the server checked the password
    assert again.policy_ok() and again.offline_days == keyslots.DEFAULT_OFFLINE_DAYS
    assert not again.needs_online_login()


def test_a_clock_set_back_past_the_last_server_contact_asks_for_an_online_login(tmp_path):
    """An injected clock: the offline-days limit cannot be dodged by setting the laptop's clock back."""
    import datetime as dt

    slots, _key = _users(tmp_path)
    contact = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc)
    slots.record_server_contact(contact)
    assert not slots.needs_online_login(contact + dt.timedelta(days=3))
    assert not slots.needs_online_login(contact - dt.timedelta(minutes=5))  # a small correction is fine
    assert slots.clock_went_back(contact - dt.timedelta(days=400))
    assert slots.needs_online_login(contact - dt.timedelta(days=400))
    assert KeySlots.load(tmp_path / "gridworker.db").needs_online_login(contact - dt.timedelta(hours=1))


def test_offline_login_with_the_clock_set_back_is_refused_and_says_why(tmp_path):
    import datetime as dt
    import socket

    from gridworker.store.local import State
    from gridworker.sync.laptop import Laptop, OnlineLoginRequired
    from laptop_helpers import SETUP_PASSWORD, SETUP_USER, new_laptop

    db = new_laptop(tmp_path)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: the server is unreachable
    db.set_state(State.SERVER_URL, f"http://127.0.0.1:{port}")
    db.set_state(State.TOKEN, "device-token")
    db.close()
    laptop = Laptop(tmp_path)
    contact = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc)
    laptop.slots.record_server_contact(contact)
    laptop.login(SETUP_USER, SETUP_PASSWORD, now=contact + dt.timedelta(days=1)).db.close()  # offline is fine
    with pytest.raises(OnlineLoginRequired, match="时钟被调回"):
        Laptop(tmp_path).login(SETUP_USER, SETUP_PASSWORD, now=contact - dt.timedelta(days=400))
