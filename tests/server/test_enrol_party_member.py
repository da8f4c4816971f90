"""A party-member login is bound to its party_member row by id: enrolling a laptop for a party-member
user with no live member row of that community is refused, over HTTP on a real server (SQLite and PG)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from gridworker.sync.transport import ServerRefused
from support.server import COMM_A, COMM_B, add_party_member, bind_party_member, password


def _member(world, member_id: str, community: str, name: str, *, deleted: bool = False) -> None:
    with world.sdb.write() as conn:
        add_party_member(conn, member_id, community, name, deleted=deleted)


def _bind(world, username: str, member_id: str | None) -> None:
    with world.sdb.write() as conn:
        bind_party_member(conn, username, member_id)


def _enrol_refused(world, name: str) -> ServerRefused:
    with pytest.raises(ServerRefused) as refused:
        world.laptop(name, "pm_a")
    return refused.value


def test_a_party_member_user_without_a_member_row_cannot_enrol(world):
    _bind(world, "pm_a", None)
    # A member whose name is the user's display name is not enough: no binding by name.
    with world.sdb.read() as conn:
        display = conn.execute(text("SELECT COALESCE(display_name, username) FROM server_user"
                                    " WHERE username = 'pm_a'")).scalar()
    _member(world, "0190b000-0000-7000-8000-0000000000f1", COMM_A, display)
    refused = _enrol_refused(world, "unbound")
    assert refused.status == 403 and refused.code == "member_required"
    assert "未关联" in refused.message
    with world.sdb.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM device d JOIN server_user u ON u.id = d.user_id"
                                 " WHERE u.username = 'pm_a'")).scalar() == 0, "no device row was left behind"


def test_a_member_of_another_community_or_one_who_left_does_not_open_a_laptop(world):
    other = "0190b000-0000-7000-8000-0000000000f2"
    _member(world, other, COMM_B, "乙社区党员")
    _bind(world, "pm_a", other)
    assert _enrol_refused(world, "elsewhere").code == "member_required"
    gone = "0190b000-0000-7000-8000-0000000000f3"
    _member(world, gone, COMM_A, "已迁出党员", deleted=True)
    _bind(world, "pm_a", gone)
    assert _enrol_refused(world, "left").code == "member_required"


def test_a_bound_party_member_enrols_and_the_laptop_learns_the_member_id(world):
    mine = "0190b000-0000-7000-8000-0000000000f4"
    _member(world, mine, COMM_A, "甲党员")
    _bind(world, "pm_a", mine)
    lap = world.laptop("bound", "pm_a")
    assert lap.community_id == COMM_A
    with lap.read() as conn:
        assert conn.exec_driver_sql("SELECT member_id FROM local_user WHERE username = 'pm_a'").scalar() == mine
    from gridworker.sync.laptop import verify_user_online

    assert verify_user_online(lap, "pm_a", password("pm_a"))["party_member_id"] == mine


def test_an_admin_adds_a_party_member_user_bound_to_their_row_and_it_enrols(world):
    import requests

    from gridworker.sync import wire

    mine = "0190b000-0000-7000-8000-0000000000f5"
    _member(world, mine, COMM_A, "新党员")
    headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
    admin = requests.post(f"{world.url}{wire.API}/auth/enroll", headers=headers, timeout=10,
                          json={"username": "admin_a", "password": password("admin_a"), "community": "CA"}).json()
    r = requests.post(f"{world.url}{wire.API}/admin/users", timeout=10,
                      headers={**headers, "Authorization": f"Bearer {admin['token']}"},
                      json={"username": "xin", "password": "Tea-kettle-on-Tuesday-9", "role": "party_member",
                            "org": "CA", "display_name": "新党员", "party_member_id": mine})
    assert r.status_code == 200 and r.json()["party_member_id"] == mine, r.text
    enrolled = requests.post(f"{world.url}{wire.API}/auth/enroll", headers=headers, timeout=10,
                             json={"username": "xin", "password": "Tea-kettle-on-Tuesday-9"})
    assert enrolled.status_code == 200 and enrolled.json()["user"]["party_member_id"] == mine


def test_seed_demo_binds_its_party_member_users_so_they_enrol(server_url):
    import json

    from click.testing import CliRunner

    from gridworker.cli import cli
    from gridworker.server import auth as A
    from gridworker.server.db import open_server_db

    out = CliRunner().invoke(cli, ["server", "seed-demo", "--db", server_url, "--households", "120", "--seed", "5",
                                   "--json"])
    assert out.exit_code == 0, out.output
    seeded = json.loads(out.output.strip().splitlines()[-1])
    pm = next(u for u in seeded["users"] if u["role"] == "party_member")
    sdb = open_server_db(server_url)
    try:
        with sdb.write() as conn:
            user = A.login(conn, pm["username"], pm["password"])
            name = conn.execute(text("SELECT name FROM party_member WHERE id = :m"),
                                {"m": user.party_member_id}).scalar()
            assert name and user.display_name == name, "the demo's party member is a real member, by id"
            community, _token = A.enroll_device(conn, user, community=None, device_id=None, device_name="pm",
                                                outbox_start=1)
        assert community["id"]
    finally:
        sdb.dispose()


def test_an_unbound_party_member_cannot_log_in_on_an_enrolled_laptop_either(world):
    """Logging in on a grid worker's laptop (POST /auth/check-user) hands out a credential for it:
    the same binding is required as for enrolling."""
    from gridworker.sync.laptop import verify_user_online

    lap = world.laptop("gw", "gw_a")
    _bind(world, "pm_a", None)
    with pytest.raises(ServerRefused) as refused:
        verify_user_online(lap, "pm_a", password("pm_a"))
    assert refused.value.status == 403 and refused.value.code == "member_required"
    mine = "0190b000-0000-7000-8000-0000000000f5"
    _member(world, mine, COMM_A, "甲党员")
    _bind(world, "pm_a", mine)
    assert verify_user_online(lap, "pm_a", password("pm_a"))["party_member_id"] == mine
