"""What a client is told when the server refuses, over real HTTP: the status its transport switches
on, the stable code, the detail it acts on, and Retry-After where waiting helps."""
from __future__ import annotations

import pytest
import requests
from sqlalchemy import text

from gridworker.server import auth as A
from support.server import password
from gridworker.sync import wire

HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}


@pytest.fixture
def token(world) -> str:
    with world.sdb.write() as conn:
        user = A.login(conn, "gw_a", password("gw_a"))
        _, tok = A.enroll_device(conn, user, community=None, device_id=None, device_name="refusals",
                                 outbox_start=1)
    return tok


def _error(r: requests.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"], err
    return err


def test_a_push_that_skips_numbers_gets_409_sequence_gap_and_the_number_expected(world, token):
    entry = {"seq": 3, "table": "household", "row_id": "0190b000-0000-7000-8000-000000000003", "op": "update",
             "fields": {"note": "x"}}
    r = requests.post(f"{world.url}{wire.API}/sync/push", json={"entries": [entry]}, timeout=10,
                      headers={**HEADERS, "Authorization": f"Bearer {token}"})
    err = _error(r, 409, "sequence_gap")
    assert err["detail"] == {"expected": 1} and "不连续" in err["message"]
    with world.sdb.read() as conn:
        assert conn.execute(text("SELECT max(last_seq) FROM device")).scalar() == 0


def test_an_unknown_pull_cursor_gets_400_bad_cursor(world, token):
    r = requests.get(f"{world.url}{wire.API}/sync/pull", params={"since": "nonsense"}, timeout=10,
                     headers={**HEADERS, "Authorization": f"Bearer {token}"})
    _error(r, 400, "bad_cursor")


def test_a_locked_account_gets_429_with_retry_after(world, monkeypatch):
    # A fresh per-address counter: the failures here must not throttle other tests from 127.0.0.1.
    monkeypatch.setattr(A, "address_throttle", A._Throttle())
    url = f"{world.url}{wire.API}/auth/enroll"
    for _ in range(A.MAX_FAILURES):
        r = requests.post(url, json={"username": "gw_a", "password": "wrong-password"}, headers=HEADERS, timeout=10)
        _error(r, 401, "bad_credentials")
    r = requests.post(url, json={"username": "gw_a", "password": password("gw_a")}, headers=HEADERS, timeout=10)
    err = _error(r, 429, "account_locked")
    wait = err["detail"]["retry_after"]
    assert 0 < wait <= A.BASE_LOCK_SECONDS + 1 and r.headers["Retry-After"] == str(wait)
