"""Attacks on what a pull gives away and on the doors in front of it (issue #13: holes 3 and 6, and
the low ones: account enumeration and lockout, X-Forwarded-For, weak passwords, bad cursors).

Each test is the attack itself, with raw HTTP against a real `server run` process (SQLite and
PostgreSQL), and asserts what the attacker must not get.
"""
from __future__ import annotations

import secrets
import time
import uuid

import pytest
import requests
from support.city import COMM_A, COMM_B, Device, password
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworker.domain.ids import deterministic_id, new_id
from gridworker.store.rows import MASK64, row_hash
from gridworker.sync import wire

FULL_ID = "11010519491231002X"


def _server_rows(city, sql: str, **params) -> list[dict]:
    from sqlalchemy import text

    from gridworker.server.db import open_server_db

    sdb = open_server_db(city.url, migrate=False)
    try:
        with sdb.read() as conn:
            return [dict(r) for r in conn.execute(text(sql), params).mappings()]
    finally:
        sdb.dispose()


def _circle(city, member_name: str, households: list[str], user: str | None = None) -> str:
    """A grid worker records a party member and links them to households (as the laptop would);
    ``user``: the party-member login the admin binds to that member (by id)."""
    gw = city.device("gw_a")
    member = new_id()
    entries = [gw.entry("party_member", "insert", {"name": member_name, "is_central_household": False}, member)]
    for hid in households:
        entries.append(gw.entry("contact_link", "insert", {"kind": "member_household", "from_id": member,
                                                           "to_id": hid, "active": True},
                                deterministic_id(member, hid, "member_household")))
    r = gw.push(*entries)
    assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"]), r.text
    if user:
        city.bind(user, member)
    return member


def test_a_party_member_pulls_only_their_own_households_masked(city):
    """Hole 3: a party member's password on a new device used to give every resident of the
    community with full ID numbers and sensitive tags."""
    mine = city.households[COMM_A][0]
    _circle(city, "甲党员", [mine], user="pm_a")
    pm = city.device("pm_a")
    rows = pm.pull_all()
    households = {h["id"] for h in rows.get("household", [])}
    assert households == {mine}, "a party member sees households outside their 1+10+N circle"
    residents = rows.get("resident", [])
    assert {r["household_id"] for r in residents} == {mine}
    for r in residents:
        assert r["id_number"] != FULL_ID and r["id_number"].startswith("110105") and r["id_number"].endswith("002X")
        assert "*" in r["phone"]
        assert r["sensitive_tags"] in ("[]", None, "")
    assert not [h for h in rows["household"] if h.get("phone") and "*" not in h["phone"]]
    # Nor by id: a resident of another household is "missing" for this device.
    other = city.residents[COMM_A][1]
    got = pm.post("/sync/rows", {"table": "resident", "ids": [other, residents[0]["id"]]}).json()
    assert got["missing"] == [other]
    assert got["rows"][0]["id_number"] != FULL_ID
    # The laptop's verify still converges: the server's checksum is over what this device was sent.
    total = 0
    for table, table_rows in rows.items():
        for row in table_rows:
            if "_op" not in row:
                total += row_hash(table, row)
    verify = pm.get("/sync/verify", buckets="true").json()
    assert int(verify["scanned_checksum"]) == total & MASK64


def test_a_central_household_sees_the_households_of_its_members(city):
    theirs = city.households[COMM_A][1]
    member = _circle(city, "甲成员", [theirs])
    gw = city.device("gw_a")
    central = new_id()
    r = gw.push(gw.entry("party_member", "insert", {"name": "甲党员二", "is_central_household": True}, central),
                gw.entry("contact_link", "insert", {"kind": "central_member", "from_id": central, "to_id": member,
                                                    "active": True},
                         deterministic_id(central, member, "central_member")))
    assert all(x["status"] == "applied" for x in r.json()["results"]), r.text
    city.bind("pm_a2", central)
    rows = city.device("pm_a2").pull_all()
    assert {h["id"] for h in rows["household"]} == {theirs}
    assert all(r["id_number"] != FULL_ID for r in rows["resident"])


def test_a_party_member_changes_pull_is_shaped_too(city):
    """After the snapshot, the change log must not hand out other households' rows or full numbers."""
    mine = city.households[COMM_A][2]
    name = f"pm{uuid.uuid4().hex[:8]}"
    admin = city.device("admin_a")
    r = admin.post("/admin/users", {"username": name, "password": "Tea-kettle-on-Tuesday-9", "role": "party_member",
                                    "org": "CA", "display_name": f"党员{name}"})
    assert r.status_code == 200, r.text
    member = _circle(city, f"党员{name}", [mine], user=name)
    r = city.enroll(name, pw="Tea-kettle-on-Tuesday-9")
    assert r.status_code == 200, r.text
    pm = Device(city, r.json(), name)
    cursor = ""
    while True:
        page = pm.get("/sync/pull", since=cursor).json()
        cursor = page["cursor"]
        if not page["more"]:
            break
    gw = city.device("gw_a")
    outside = city.households[COMM_A][0]
    newcomer = new_id()
    r = gw.push(gw.entry("resident", "insert", {"household_id": outside, "name": "新居民", "id_number": FULL_ID},
                         newcomer),
                gw.entry("resident", "update", {"id_number": FULL_ID, "phone": "13900001111"},
                         city.residents[COMM_A][2]))
    assert all(x["status"] in ("applied", "conflict") for x in r.json()["results"]), r.text
    page = pm.get("/sync/pull", since=cursor).json()
    ids = {c[2] for c in page["changes"]}
    assert newcomer not in ids
    assert city.residents[COMM_A][2] in ids, "the member's own household's resident must still arrive"
    # A household newly linked to the member arrives whole with its residents (masked) after the link.
    joined = city.households[COMM_A][1]
    link = deterministic_id(member, joined, "member_household")
    r = gw.push(gw.entry("contact_link", "insert", {"kind": "member_household", "from_id": member, "to_id": joined,
                                                    "active": True}, link))
    assert r.json()["results"][0]["status"] == "applied", r.text
    page = pm.get("/sync/pull", since=page["cursor"]).json()
    arrived = {(c[1], c[2]): c for c in page["changes"]}
    assert ("household", joined) in arrived and ("resident", city.residents[COMM_A][1]) in arrived
    assert arrived[("resident", city.residents[COMM_A][1])][4]["id_number"] == "110105********002X"
    assert FULL_ID not in str(page)
    assert FULL_ID not in str(page) and "13900001111" not in str(page)


def test_full_pulls_are_recorded_in_the_server_audit_log(city):
    dev = city.device("gw_a")
    dev.pull_all()
    logged = _server_rows(city, "SELECT * FROM server_access_log WHERE device_id = :d", d=dev.id)
    assert [(r["action"], r["user_id"]) for r in logged] == [("full_pull", dev.user["id"])]


def test_an_unmask_arriving_from_a_laptop_is_recorded(city):
    from gridworker.server.audit import entry_hash

    dev = city.device("gw_a")
    row = {"action": "reveal", "table_name": "resident", "row_id": city.residents[COMM_A][0], "detail": "{}",
           "created_by": dev.user["id"], "device_id": dev.id, "created_at": "2026-01-01T00:00:00+00:00",
           "prev_hash": None}  # the first row of the device's chain, hashed as the laptop does
    row["hash"] = entry_hash(row)
    res = dev.push_one("audit_log", "append", row)
    assert res["status"] == "applied", res
    logged = _server_rows(city, "SELECT * FROM server_access_log WHERE device_id = :d AND action = 'unmask'",
                          d=dev.id)
    assert len(logged) == 1 and logged[0]["user_id"] == dev.user["id"]


# --------------------------------------------------------------------------- hole 6: devices
def test_an_admin_cannot_take_over_another_communitys_device(city):
    victim = city.device("gw_b")
    r = city.enroll("admin_a", device_id=victim.id)
    assert r.status_code in (403, 404, 409), r.text
    assert victim.get("/sync/status").status_code == 200, "the victim's token must keep working"


def test_a_revoked_device_cannot_be_brought_back_by_an_admin_outside_its_subtree(city):
    victim = city.device("gw_b")
    admin_b = city.device("admin_b")
    assert admin_b.post(f"/admin/devices/{victim.id}/revoke", {}).status_code == 200
    r = city.enroll("admin_a", device_id=victim.id)
    assert r.status_code in (403, 404, 409), r.text
    # Not even an admin in scope brings it back by merely enrolling with it.
    r = city.enroll("admin_b", device_id=victim.id)
    assert r.status_code == 403 and r.json()["error"]["code"] == "device_revoked", r.text


def test_an_admin_unrevokes_a_device_of_their_subtree_explicitly(city):
    victim = city.device("gw_b")
    admin_s1 = city.device("admin_s1", community="CB")
    assert admin_s1.post(f"/admin/devices/{victim.id}/revoke", {}).status_code == 200
    not_an_admin = city.device("gw_c")
    assert not_an_admin.post(f"/admin/devices/{victim.id}/unrevoke", {}).status_code == 403
    other_admin = city.device("admin_a")
    assert other_admin.post(f"/admin/devices/{victim.id}/unrevoke", {}).status_code == 404
    assert admin_s1.post(f"/admin/devices/{victim.id}/unrevoke", {}).status_code == 200
    r = city.enroll("gw_b", device_id=victim.id)
    assert r.status_code == 200, r.text


def test_admin_endpoints_stay_inside_the_admins_subtree(city):
    admin_a = city.device("admin_a")
    victim = city.device("gw_b")
    assert victim.id not in {d["id"] for d in admin_a.get("/admin/devices").json()}
    assert admin_a.post(f"/admin/devices/{victim.id}/revoke", {}).status_code == 404
    r = admin_a.post("/admin/users", {"username": f"x{uuid.uuid4().hex[:8]}", "password": "Zq8#long-enough-pass",
                                      "role": "admin", "org": "CB"})
    assert r.status_code == 404, r.text
    r = admin_a.post("/admin/move-household", {"household_id": city.households[COMM_B][0], "to_community": "CA"})
    assert r.status_code == 404, r.text
    assert admin_a.get("/admin/conflicts", community="CB").status_code == 404


def test_moved_rows_carry_no_foreign_device_ids(city):
    gw_b = city.device("gw_b")
    hid = new_id()
    assert gw_b.push_one("household", "insert", {"address": "乙花园9幢", "head_name": "迁出户"}, hid)["status"] == "applied"
    admin_s1 = city.device("admin_s1", community="CB")
    r = admin_s1.post("/admin/move-household", {"household_id": hid, "to_community": "CA"})
    assert r.status_code == 200, r.text
    rows = city.device("gw_a").pull_all()
    moved = [h for h in rows["household"] if h["id"] == hid]
    assert moved
    foreign = {gw_b.id, admin_s1.id}
    assert not [h for h in moved if h.get("updated_device") in foreign], moved
    changes = city.device("gw_a")
    page = changes.get("/sync/pull", since=f"{wire.CHANGES_PREFIX}0").json()
    assert not [c for c in page["changes"] if c[5] in foreign]


# --------------------------------------------------------------------------- accounts
@pytest.fixture(scope="module")
def proxied(city):
    """A second server process on the same database, behind a proxy it is told to trust (loopback)."""
    from support.city import ServerProcess

    server = ServerProcess(city.url, city.folder, {"GRIDWORKER_TRUST_PROXY": "127.0.0.1"})
    yield server
    server.stop()


def _enroll_from(base: str, headers: dict, username: str, pw: str, address: str | None = None) -> requests.Response:
    h = {**headers, **({"X-Forwarded-For": address} if address else {})}
    return requests.post(f"{base}{wire.API}/auth/enroll", headers=h, timeout=30,
                         json={"username": username, "password": pw, "token": new_id() + new_id(),
                               "device_id": str(uuid.uuid4())})


def test_unknown_users_get_the_same_answers_as_known_ones(city, proxied):
    answers = {}
    for name in (f"ghost{uuid.uuid4().hex[:6]}", "gw_c"):
        answers[name] = [(r.status_code, r.json()["error"]["code"])
                         for r in (_enroll_from(proxied.base, city.version_headers, name, "wrong-password-1",
                                                "10.20.30.40") for _ in range(7))]
    ghost, real = answers.values()
    assert ghost == real, answers


def test_an_attackers_failures_do_not_lock_the_owner_out(city, proxied):
    """Someone guessing gw_b's password from their address, on and on, must not keep the owner (at
    another address) out."""
    for _ in range(6):
        _enroll_from(proxied.base, city.version_headers, "gw_b", "wrong-password-1", "10.66.66.66")
    owner = None
    started = time.time()
    while time.time() - started < 45:
        guess = _enroll_from(proxied.base, city.version_headers, "gw_b", "wrong-password-1", "10.66.66.66")
        assert guess.status_code in (401, 429), guess.text
        owner = _enroll_from(proxied.base, city.version_headers, "gw_b", password("gw_b"), "10.1.1.1")
        if owner.status_code == 200:
            break
        assert owner.status_code == 429, owner.text
        time.sleep(min(float(owner.headers.get("Retry-After", "1")), 3))
    assert owner is not None and owner.status_code == 200, f"the owner is locked out: {owner.text}"
    # The guesser's own address is locked by now.
    guess = _enroll_from(proxied.base, city.version_headers, "gw_b", password("gw_b"), "10.66.66.66")
    assert guess.status_code == 429, guess.text


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "1234567890", "password123", "qwertyuiop", "woaini1314",
                                  "short1!"])
def test_weak_passwords_are_refused_by_the_admin_api(city, weak):
    admin = city.device("admin_a")
    r = admin.post("/admin/users", {"username": f"u{uuid.uuid4().hex[:8]}", "password": weak, "role": "grid_worker",
                                    "org": "CA"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "weak_password", r.text


def test_a_password_with_the_username_in_it_is_refused(city):
    admin = city.device("admin_a")
    name = f"zhang{uuid.uuid4().hex[:4]}"
    r = admin.post("/admin/users", {"username": name, "password": f"{name}-2026-xyz", "role": "grid_worker",
                                    "org": "CA"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "weak_password", r.text


# --------------------------------------------------------------------------- cursors
def test_a_negative_snapshot_cursor_is_a_bad_cursor_not_a_crash(city):
    dev = city.device("gw_a")
    r = dev.get("/sync/pull", since="s.0.-100.")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_cursor", r.text


def test_malformed_cursors_are_always_400(city):
    dev = city.device("gw_a")
    parts = st.one_of(st.integers(-2**70, 2**70).map(str), st.text(max_size=6), st.just(""), st.just("-0"))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.one_of(
        st.builds(lambda a, b, c: f"s.{a}.{b}.{c}", parts, parts, st.text(max_size=4)),
        st.builds(lambda a: f"c.{a}", parts),
        st.text(max_size=12)))
    def check(cursor):
        r = dev.get("/sync/pull", since=cursor, limit=5)
        assert r.status_code in (200, 400, 409, 410), (cursor, r.status_code, r.text)
        if r.status_code == 400:
            assert r.json()["error"]["code"] == "bad_cursor"

    check()


# --------------------------------------------------------------------------- logs
SPACED = ["110105 19491231 002X", "110105 1949 1231 002X", "110105  19491231  002x", "110105\u300019491231\u3000002X"]


def test_space_separated_id_numbers_are_masked_in_the_server_log_file(city, tmp_path):
    """A number typed with spaces (as people copy it from a card) reaches the log through a URL, a
    failed login's name or a bad cursor; the `server run --log-file` file must hold it masked."""
    import re
    import subprocess
    import sys
    import unicodedata

    from support.city import _free_port

    port = _free_port()
    log = tmp_path / "server.log"
    proc = subprocess.Popen([sys.executable, "-m", "gridworker", "server", "run", "--db", city.url, "--host",
                             "127.0.0.1", "--port", str(port), "--log-file", str(log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}{wire.API}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.time() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.1)
        for number in SPACED:
            requests.get(f"{base}/sync/pull", params={"since": number}, timeout=10)
            requests.get(f"{base}/lookup/{number}", timeout=10)
            requests.get(f"{base}/lookup?q={number.replace(' ', '+')}", timeout=10)
            requests.post(f"{base}/auth/enroll", json={"username": number, "password": number}, timeout=10)
    finally:
        proc.terminate()
        proc.wait(10)
    text = log.read_text(encoding="utf-8")
    assert "/lookup" in text, "the requests reached the log"
    flat = re.sub(r"[\s+]|%20|%2B|%E3%80%80", "", unicodedata.normalize("NFKC", text), flags=re.I)
    assert "11010519491231002" not in flat.upper(), text[-3000:]


def test_the_operator_reads_the_access_log_with_the_cli(city):
    import json
    import subprocess
    import sys

    dev = city.device("gw_a")
    dev.pull_all()
    out = subprocess.run([sys.executable, "-m", "gridworker", "server", "access-log", "--db", city.url, "--json"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert any(r["device_id"] == dev.id and r["action"] == "full_pull" for r in json.loads(out))


# Last: it leaves this server throttling every login from loopback for minutes.
def test_rotating_x_forwarded_for_does_not_bypass_the_address_throttle(city):
    name = f"nobody{uuid.uuid4().hex[:6]}"
    codes = []
    for i in range(45):
        r = requests.post(f"{city.base}{wire.API}/auth/enroll", timeout=30,
                          headers={**city.version_headers, "X-Forwarded-For": f"10.0.{i}.{i}"},
                          json={"username": f"{name}{i}", "password": "wrong-password-1",
                                "token": secrets.token_urlsafe(32), "device_id": str(uuid.uuid4())})
        codes.append(r.status_code)
    assert 429 in codes, codes
