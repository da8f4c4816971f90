"""Users act, not devices, on a real laptop: key slots, a real server on a loopback port (SQLite and
PostgreSQL), real HTTP.

A grid worker enrols the laptop; a party member is added to it (their password checked online);
each user's credential is sealed in their own key slot. The party member logs in: the app refuses
to delete a household, and the same delete written straight through the unit of work reaches the
server signed as the party member and is refused there. A change forged in the grid worker's name
while the party member is logged in is not signed, and the server refuses it; a change the grid
worker made before the laptop had her credential waits and goes once she logs in online.
"""
from __future__ import annotations

import pytest

from gridworker import ops
from gridworker.domain.permissions import PermissionDenied
from gridworker.ops.session import Session
from gridworker.store import keyslots, local, signing
from gridworker.store.keyslots import KeySlots
from gridworker.sync.engine import SyncEngine
from gridworker.sync.laptop import Laptop
from support.server import password, table_rows


@pytest.fixture(autouse=True)
def cheap_slots(monkeypatch):
    for k, v in (("t", 1), ("m", 1024), ("p", 1)):
        monkeypatch.setitem(keyslots._KDF, k, v)


@pytest.fixture
def shared(world):
    laptop = Laptop(world.tmp_path / "shared")
    login = laptop.enroll(world.url, "gw_a", password("gw_a"), device_name="shared")
    db = login.db
    world.laptops.append(db)
    gw = Session.from_slot(login.slot)
    with db.write(gw.actor(db)) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢1单元101室", "head_name": "张三"})
    assert SyncEngine(db).sync().rejected == 0
    member_slot = laptop.add_user(db, login.key, "pm_a", password("pm_a"))
    return {"world": world, "laptop": laptop, "db": db, "gw": gw, "hid": hid,
            "pm": Session.from_slot(member_slot)}


def _server_household(world, hid):
    with world.sdb.read() as conn:
        return table_rows(conn, "household").get(hid)


def test_each_users_credential_is_sealed_in_their_own_slot(shared):
    slots = KeySlots.load(shared["db"].path)
    assert {s.username: bool(s.cred_seal) for s in slots.users()} == {"gw_a": True, "pm_a": True}
    slots.unlock("pm_a", password("pm_a"))
    pm_cred = slots.credential
    slots.unlock("gw_a", password("gw_a"))
    assert pm_cred and slots.credential and pm_cred != slots.credential
    raw = slots.path.read_bytes()
    assert pm_cred.hex().encode() not in raw and signing.credential_bytes(pm_cred) not in raw


def test_a_party_member_on_the_grid_workers_laptop_cannot_delete_a_household(shared):
    world, laptop, db, hid = shared["world"], shared["laptop"], shared["db"], shared["hid"]
    pm = Session.from_slot(laptop.login_open(db, "pm_a", password("pm_a"), online_check=False))
    assert pm.role == "party_member"
    # The app (and `gridworker op`) refuses, with a message.
    with pytest.raises(PermissionDenied) as refused:
        ops.run("household.delete", db, pm.actor(db), {"household_id": hid})
    assert refused.value.message
    # The same change written past the app: signed as the party member, refused by the server.
    with db.write(pm.actor(db)) as uow:
        uow.delete("household", hid)
    report = SyncEngine(db).sync()
    assert report.rejected == 1
    assert not _server_household(world, hid)["deleted"]
    with db.read() as conn:
        (item,) = local.open_items(conn, db.device_id)["rejected"]
        assert item["row_id"] == hid and item["server_ref"] == "forbidden" and item["reason"], item
        # …and the laptop is back to the server's row.
        assert conn.exec_driver_sql("SELECT deleted FROM household WHERE id = ?", (hid,)).scalar() == 0


def test_a_change_forged_in_the_grid_workers_name_is_not_signed_and_is_refused(shared):
    world, laptop, db, hid, gw = shared["world"], shared["laptop"], shared["db"], shared["hid"], shared["gw"]
    laptop.login_open(db, "pm_a", password("pm_a"), online_check=False)
    assert db.credential_of(gw.user_id) is None  # only the logged-in user's credential is held
    with db.write(gw.actor(db)) as uow:  # the grid worker's name, written by the party member's process
        uow.delete("household", hid)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT sig FROM outbox").scalar() is None
    report = SyncEngine(db).sync()
    assert report.rejected == 1 and not _server_household(world, hid)["deleted"]
    with db.read() as conn:
        (item,) = local.open_items(conn, db.device_id)["rejected"]
        assert item["server_ref"] == "unsigned"
    # The grid worker logging in later does not sign it for her.
    laptop.login_open(db, "gw_a", password("gw_a"), online_check=False)
    assert SyncEngine(db).sync().pushed == 0


def test_a_change_made_before_the_credential_waits_and_goes_with_the_authors_online_login(shared):
    """A slot of an older release has no credential: its user's offline changes are signed with a key
    of their slot, wait (the status says whose), and go once they log in online; an entry put in
    the file in their name by someone else is never signed."""
    world, laptop, db, hid = shared["world"], shared["laptop"], shared["db"], shared["hid"]
    slots = laptop.slots
    for s in slots.data["slots"]:
        s["cred_seal"] = None  # as an older release left the file
    slots.save()
    laptop.reload()
    gw = Session.from_slot(laptop.login_open(db, "gw_a", password("gw_a"), online_check=False))
    # (the server is up, so the login fetched the credential: take it away again to stay "offline")
    db.forget_credentials()
    db.keep_provisional_key(gw.user_id, laptop.slots.provisional_key)
    with db.write(gw.actor(db)) as uow:
        uow.update("household", hid, {"head_name": "李四"})
    # Someone else adds an entry in her name to the file, "signed" provisionally with a made-up key.
    with db.sync_transaction() as conn:
        seq = 1 + conn.exec_driver_sql("SELECT max(seq) FROM outbox").scalar()
        conn.exec_driver_sql(
            "INSERT INTO outbox (seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at, "
            "sig) VALUES (?, 't', 'household', ?, 'delete', '{}', '{}', 'h', ?, '2026-12-05T10:00:00+08:00', ?)",
            (seq, hid, gw.user_id, "p1." + "A" * 43))
        conn.exec_driver_sql("UPDATE local_state SET value = ? WHERE key = 'outbox_seq'", (str(seq),))
    report = SyncEngine(db).sync()
    assert report.pushed == 0 and [w["count"] for w in report.waiting] == [2]
    assert "gw_a（2 条）" in report.waiting_message() and "联网时登录" in report.waiting_message()
    assert _server_household(world, hid)["head_name"] == "张三"
    laptop.login_open(db, "gw_a", password("gw_a"), online_check=True)
    report = SyncEngine(db).sync()
    assert report.pushed == 2 and report.rejected == 1 and not report.waiting
    server = _server_household(world, hid)
    assert server["head_name"] == "李四" and not server["deleted"]  # hers went; the planted delete did not
