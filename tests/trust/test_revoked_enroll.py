"""A revoked (lost) laptop cannot undo its revocation with a user's password (real server, HTTP)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from gridworker.server.auth import login, revoke_device, unrevoke_device
from support.server import password
from gridworker.sync.enrol import enroll
from gridworker.sync.transport import SyncError


def test_only_an_admins_explicit_unrevoke_lets_a_revoked_laptop_enrol_again(world):
    laptop = world.laptop("lost")
    with world.sdb.write() as conn:
        revoke_device(conn, laptop.device_id)
    with pytest.raises(SyncError) as refused:
        enroll(laptop, world.url, "gw_a", password("gw_a"), first_sync=False)
    assert "已被管理员停用" in refused.value.message
    with world.sdb.read() as conn:
        assert conn.execute(text("SELECT revoked_at FROM device WHERE id = :i"),
                            {"i": laptop.device_id}).scalar() is not None
    # Not even the administrator's password brings it back by enrolling ...
    with pytest.raises(SyncError) as refused:
        enroll(laptop, world.url, "admin_a", password("admin_a"), first_sync=False)
    assert "已被管理员停用" in refused.value.message
    # ... only an explicit un-revoke by an administrator whose scope holds it; then it enrols again.
    with world.sdb.write() as conn:
        unrevoke_device(conn, laptop.device_id, login(conn, "admin_a", password("admin_a")))
    enroll(laptop, world.url, "gw_a", password("gw_a"), first_sync=False)
    with world.sdb.read() as conn:
        assert conn.execute(text("SELECT revoked_at FROM device WHERE id = :i"),
                            {"i": laptop.device_id}).scalar() is None


def test_an_enrolment_sent_twice_leaves_the_laptop_with_a_working_token(world):
    """A middlebox (or a retry after a lost reply) delivers the same enrolment twice at once: whichever
    reply the laptop hears, its token must work (before, the second request replaced the first's)."""
    import secrets
    import threading

    import requests

    from gridworker.sync import wire

    headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
    body = {"username": "gw_a", "password": password("gw_a"), "device_id": "0190d000-0000-7000-8000-00000000abcd",
            "device_name": "twice", "outbox_start": 1, "token": secrets.token_urlsafe(32)}
    replies: list = []

    def send():
        replies.append(requests.post(f"{world.url}/api/v1/auth/enroll", json=body, headers=headers, timeout=30))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in replies] == [200, 200]
    for reply in replies:  # the laptop may have heard either one
        token = reply.json()["token"]
        pulled = requests.get(f"{world.url}/api/v1/sync/pull", timeout=30,
                              headers={**headers, "Authorization": f"Bearer {token}"})
        assert pulled.status_code == 200, pulled.text
    # A weak token is refused before anything is stored.
    weak = requests.post(f"{world.url}/api/v1/auth/enroll", json={**body, "token": "1234"}, headers=headers,
                         timeout=30)
    assert weak.status_code == 422


def test_a_token_held_by_another_device_is_refused(world):
    """A laptop's own token must be new: reusing another device's is a clear 409, never a shared token."""
    import requests

    from gridworker.sync import wire

    headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
    token = "A" * 43
    body = {"username": "gw_a", "password": password("gw_a"), "outbox_start": 1, "token": token}
    first = requests.post(f"{world.url}/api/v1/auth/enroll", json={**body, "device_id": "0190d000-0000-7000-8000-0000000000a1"},
                          headers=headers, timeout=30)
    assert first.status_code == 200
    second = requests.post(f"{world.url}/api/v1/auth/enroll", json={**body, "device_id": "0190d000-0000-7000-8000-0000000000a2"},
                           headers=headers, timeout=30)
    assert second.status_code == 409 and second.json()["error"]["code"] == "token_reused"
