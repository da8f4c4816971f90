"""Hole 2 of issue #13, "users act, not devices", as the attacks: real HTTP against a real
`server run` process, on SQLite and PostgreSQL.

The setting: a grid worker's laptop (device D, enrolled by gw_a). A party member logs in on it too
(their password checked online, so they hold D's token, the whole database and *their own*
credential on D). Before entries were signed the server authorised every entry with the role of the
user who enrolled the device and stored the entry's own ``user_id`` / ``created_by`` /
``device_id``: the party member deleted a household as the grid worker, and any device could sign
a change as anyone.
"""
from __future__ import annotations

import pytest
import requests

from support.city import COMM_A, password
from gridworker.domain.ids import new_id
from gridworker.store import signing
from gridworker.sync import wire

NOW = "2026-11-01T10:00:00+08:00"


def rejected(res: dict, code: str) -> None:
    assert res["status"] == "rejected" and res["code"] == code, res
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res["reason"]), res


def check_user(dev, username: str) -> requests.Response:
    return dev.post("/auth/check-user", {"username": username, "password": password(username)})


@pytest.fixture(scope="module")
def shared(city):
    """Device D of the grid worker, the party member's credential on D, and a household of A."""
    d = city.device("gw_a")
    city._bound("pm_a")  # on the roster, bound by id: a party member who may log in on D
    r = check_user(d, "pm_a")
    assert r.status_code == 200, r.text
    pm = r.json()["user"]
    return {"d": d, "pm": pm, "pm_secret": r.json()["user_secret"], "household": city.households[COMM_A][0]}


def household_on_server(dev, hid: str) -> dict | None:
    rows = {r["id"]: r for r in dev.pull_all().get("household", [])}
    return rows.get(hid)


def as_member(shared, table: str, op: str, fields: dict, row_id: str | None = None, **extra) -> dict:
    """An entry on D signed with the party member's own credential (what their login there can do)."""
    d, pm = shared["d"], shared["pm"]
    e = d.entry(table, op, fields, row_id, user_id=extra.pop("user_id", pm["id"]), sig="", **extra)
    e["sig"] = signing.sign(shared["pm_secret"], **signing.entry_of(e))
    return e


def push(dev, *entries: dict) -> list[dict]:
    r = dev.push(*entries)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def test_a_party_member_on_a_grid_workers_laptop_cannot_delete_a_household(shared):
    """Signed as themselves: the server applies the party member's role, not the device's."""
    hid = shared["household"]
    (res,) = push(shared["d"], as_member(shared, "household", "delete", {}, hid))
    rejected(res, "forbidden")
    (res,) = push(shared["d"], as_member(shared, "household", "update", {"head_name": "冒改"}, hid))
    rejected(res, "forbidden")
    row = household_on_server(shared["d"], hid)
    assert row is not None and not row.get("deleted") and row["head_name"] != "冒改"


def test_a_party_member_cannot_act_in_the_grid_workers_name(shared):
    """The same delete naming the grid worker, signed with the party member's credential, with a
    made-up signature, or with none: refused, and the household stays."""
    d, hid = shared["d"], shared["household"]
    gw = d.user["id"]
    forged = as_member(shared, "household", "delete", {}, hid, user_id=gw)
    junk = d.entry("household", "delete", {}, hid, sig="e1." + "A" * 43)
    bare = d.entry("household", "delete", {}, hid, sig=None)
    results = push(d, forged, junk, bare)
    rejected(results[0], "bad_signature")
    rejected(results[1], "bad_signature")
    rejected(results[2], "unsigned")
    row = household_on_server(d, hid)
    assert row is not None and not row.get("deleted")


def test_a_signed_entry_cannot_be_altered_or_moved_to_another_device(city, shared):
    """The signature covers the content (a changed field breaks it) and the credential is the user's
    on *this* device: the grid worker's credential from D does nothing on another device."""
    d, hid = shared["d"], shared["household"]
    good = d.entry("household", "update", {"head_name": "核实过"}, hid)
    altered = {**good, "fields": {"head_name": "被改了"}}
    (res,) = push(d, altered)
    rejected(res, "bad_signature")
    other = city.device("gw_a")  # the same grid worker's second laptop
    moved = other.entry("household", "update", {"head_name": "搬来的"}, hid, sig="")
    moved["sig"] = signing.sign(d.secret, **signing.entry_of(moved))
    (res,) = push(other, moved)
    rejected(res, "bad_signature")
    (res,) = push(d, d.entry("household", "update", {"head_name": "核实过"}, hid))
    assert res["status"] != "rejected", res  # the same entry as signed is taken


def test_a_user_of_another_community_or_with_no_credential_here_is_refused(city, shared):
    """Naming the admin (never logged in on D) or B's grid worker (signed with their credential on
    B's own laptop): no credential of theirs on D, refused."""
    d = shared["d"]
    b_dev = city.device("gw_b")
    e = d.entry("household", "insert", {"address": "甲花园9幢909室"}, new_id(), user_id=b_dev.user["id"], sig="")
    e["sig"] = signing.sign(b_dev.secret, **signing.entry_of(e))
    admin = city.device("admin_a")
    f = d.entry("household", "insert", {"address": "甲花园9幢910室"}, new_id(), user_id=admin.user["id"], sig="")
    f["sig"] = signing.sign(admin.secret, **signing.entry_of(f))
    for res in push(d, e, f):
        rejected(res, "bad_signature")


def test_check_user_refuses_another_community_and_gives_no_credential(city, shared):
    r = check_user(shared["d"], "gw_b")
    assert r.status_code == 403 and "user_secret" not in r.text


def test_the_server_sets_who_and_which_device_itself(city, shared):
    """A visit appended by the party member claiming created_by = the admin and device_id = another
    laptop is stored as the party member's, from D."""
    d, pm, hid = shared["d"], shared["pm"], shared["household"]
    admin = city.device("admin_a")
    vid = new_id()
    (res,) = push(d, as_member(shared, "visit", "append",
                               {"household_id": hid, "mode": "door", "visited_at": NOW, "community_id": COMM_A,
                                "created_by": admin.user["id"], "device_id": admin.id, "created_at": NOW}, vid))
    assert res["status"] == "applied", res
    visits = {r["id"]: r for r in admin.pull_all().get("visit", [])}
    assert visits[vid]["created_by"] == pm["id"] and visits[vid]["device_id"] == d.id


def test_a_client_that_does_not_sign_is_told_to_update_and_nothing_is_applied(city, shared):
    d, hid = shared["d"], shared["household"]
    old = {wire.PROTOCOL_HEADER: "1", wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION), "Authorization": f"Bearer {d.token}"}
    r = requests.post(f"{city.base}{wire.API}/sync/push", headers=old, timeout=30, json={
        "entries": [{"seq": d.next_seq, "table": "household", "row_id": hid, "op": "delete", "fields": {},
                     "user_id": d.user["id"]}]})
    assert r.status_code == 426 and r.json()["error"]["code"] == "client_outdated"
    assert not household_on_server(d, hid).get("deleted")


def test_a_party_member_logs_visits_in_their_own_name_only(city, shared):
    """Visits are credited by member id (issue #14): a party member's signed visit naming another
    member's id is refused; naming their own is applied and credited to them."""
    d, pm, hid = shared["d"], shared["pm"], shared["household"]
    other = city.device("pm_a2").user["party_member_id"]
    assert pm["party_member_id"] and other and other != pm["party_member_id"]
    base = {"household_id": hid, "mode": "door", "visited_at": NOW, "community_id": COMM_A}
    forged = new_id()
    (res,) = push(d, as_member(shared, "visit", "append", {**base, "party_member_id": other}, forged))
    rejected(res, "forbidden")
    own = new_id()
    (res,) = push(d, as_member(shared, "visit", "append", {**base, "party_member_id": pm["party_member_id"]}, own))
    assert res["status"] == "applied", res
    visits = {r["id"]: r for r in d.pull_all().get("visit", [])}
    assert forged not in visits and visits[own]["party_member_id"] == pm["party_member_id"]
