"""Many devices push to one community at once while a laptop pages through the change log:
the puller sees every change exactly once and never skips one that commits late.

This is the PostgreSQL case the per-community counter exists for (numbers handed out inside the
push transaction and committed in order); it runs on SQLite too."""
from __future__ import annotations

import threading
import uuid

import pytest
import requests

from support.server import COMM_A, password
from gridworker.sync import wire
from support.signing import signed_body

HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
PUSHERS = 8
BATCHES = 15
PER_BATCH = 10


def _enroll(url: str) -> tuple[str, str, str]:
    """(device token, user id, the user's credential on that device)."""
    r = requests.post(f"{url}/api/v1/auth/enroll", headers=HEADERS, timeout=30,
                      json={"username": "gw_a", "password": password("gw_a"), "device_name": "pusher"})
    r.raise_for_status()
    return r.json()["token"], r.json()["user"]["id"], r.json()["user_secret"]


@pytest.mark.slow
def test_a_puller_never_misses_a_change_while_many_devices_push(world):
    url = world.url
    tokens = [_enroll(url) for _ in range(PUSHERS + 1)]
    hid = str(uuid.uuid4())  # the household every visit is to: pushed ids must name a row of the community
    token, uid, secret = tokens[-1]
    made = requests.post(f"{url}/api/v1/sync/push", headers={**HEADERS, "Authorization": f"Bearer {token}"},
                         json=signed_body({"entries": [{"seq": 1, "table": "household", "row_id": hid, "op": "insert",
                                                        "fields": {"address": "甲花园1幢101室"}}]}, uid, secret),
                         timeout=60)
    assert made.json()["results"][0]["status"] == "applied", made.text
    pushed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()

    def pusher(enrolled: tuple[str, str, str]) -> None:
        token, uid, secret = enrolled
        s = requests.Session()
        s.headers.update({**HEADERS, "Authorization": f"Bearer {token}"})
        try:
            for b in range(BATCHES):
                ids = [str(uuid.uuid4()) for _ in range(PER_BATCH)]
                entries = [{"seq": b * PER_BATCH + i + 1, "table": "visit", "row_id": rid, "op": "append",
                            "fields": {"household_id": hid, "mode": "door", "community_id": COMM_A,
                                       "visited_at": "2026-11-01T10:00:00+08:00"}} for i, rid in enumerate(ids)]
                r = s.post(f"{url}/api/v1/sync/push", json=signed_body({"entries": entries}, uid, secret), timeout=60)
                r.raise_for_status()
                assert all(x["status"] == "applied" for x in r.json()["results"])
                with lock:
                    pushed.extend(ids)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    seen: list[tuple[int, str]] = []
    s = requests.Session()
    s.headers.update({**HEADERS, "Authorization": f"Bearer {token}"})
    cursor = "c.0"

    def pull_once() -> bool:
        nonlocal cursor
        page = s.get(f"{url}/api/v1/sync/pull", params={"since": cursor, "limit": 7}, timeout=60).json()
        seen.extend((ch[0], ch[2]) for ch in page["changes"])
        cursor = page["cursor"]
        return page["more"]

    threads = [threading.Thread(target=pusher, args=(t,)) for t in tokens[:-1]]
    for t in threads:
        t.start()
    pages = 0
    while any(t.is_alive() for t in threads):
        pull_once()
        pages += 1
    for t in threads:
        t.join()
    done.set()
    while pull_once():
        pages += 1
    assert not errors, errors
    seqs = [s_ for s_, _ in seen]
    assert seqs == sorted(set(seqs)), "a change came twice or out of order"
    assert sorted(r for _, r in seen if r != hid) == sorted(pushed), "the puller missed a change"
    assert len(pushed) == PUSHERS * BATCHES * PER_BATCH and pages > 10
