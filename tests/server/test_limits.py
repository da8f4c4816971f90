"""Oversized bodies and batches are refused before they are read whole, on a real server.

Raw sockets where it matters: a client that announces a huge body gets its 413 before sending
it; a chunked body is cut off at the limit; a small gzip body that inflates past the limit is
refused without inflating it all. Every refusal has the one error shape and says what to do.
"""
from __future__ import annotations

import gzip
import json
import select
import socket
import zlib

import pytest
import requests
from sqlalchemy import text

from gridworker.server import auth as A
from support.server import password
from gridworker.sync import wire

PUSH = f"{wire.API}/sync/push"


@pytest.fixture
def token(world) -> str:
    """A device token of grid worker gw_a, enrolled straight in the server database."""
    with world.sdb.write() as conn:
        user = A.login(conn, "gw_a", password("gw_a"))
        _, tok = A.enroll_device(conn, user, community=None, device_id=None, device_name="limits",
                                 outbox_start=1)
    return tok


def _headers(token: str, **extra: str) -> dict[str, str]:
    return {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION), "Authorization": f"Bearer {token}",
            "Content-Type": "application/json", **extra}


def _head(port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_response(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    length = int([ln.split(b":")[1] for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    return status, json.loads(rest[:length])


def _assert_refused(status: int, body: dict, code: str, expected_status: int = 413) -> None:
    assert status == expected_status
    err = body["error"]
    assert err["code"] == code and set(err) == {"code", "message", "detail"}
    assert err["message"]


def test_a_body_announced_too_big_is_refused_before_it_is_sent(world, token):
    with socket.create_connection(("127.0.0.1", world.server.port), timeout=10) as sock:
        # Announce 10 GB, send none of it: the answer must come anyway (nothing waits for the body).
        sock.sendall(_head(world.server.port, PUSH, {**_headers(token), "Content-Length": str(10 * 1024**3)}))
        status, body = _read_response(sock)
    _assert_refused(status, body, "body_too_large")
    assert "过大" in body["error"]["message"] and body["error"]["detail"]["max_bytes"] == wire.MAX_BODY_BYTES
    assert requests.get(f"{world.url}{wire.API}/health", timeout=10).status_code == 200


def test_a_chunked_body_is_cut_off_at_the_limit(world, token):
    chunk = b"[" + b" " * (1024 * 1024 - 1)  # 1 MB of a JSON document that never ends
    sent = 0
    with socket.create_connection(("127.0.0.1", world.server.port), timeout=10) as sock:
        sock.sendall(_head(world.server.port, PUSH, {**_headers(token), "Transfer-Encoding": "chunked"}))
        # Offer up to 4x the limit; stop as soon as the server has answered.
        while sent < 4 * wire.MAX_BODY_BYTES:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        status, body = _read_response(sock)
    _assert_refused(status, body, "body_too_large")
    # Refused near the limit, not after reading everything offered.
    assert sent < 2 * wire.MAX_BODY_BYTES


def _gzip_of_zeros(n: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [packer.compress(block) for _ in range(n // len(block))]
    return b"".join(parts) + packer.flush()


def test_a_gzip_body_that_inflates_past_the_limit_is_refused(world, token):
    bomb = _gzip_of_zeros(4 * wire.MAX_BODY_BYTES)
    assert len(bomb) < wire.MAX_BODY_BYTES // 100  # small on the wire: only the inflated size can catch it
    r = requests.post(f"{world.url}{PUSH}", data=bomb, headers=_headers(token, **{"Content-Encoding": "gzip"}),
                      timeout=30)
    _assert_refused(r.status_code, r.json(), "body_too_large")


def test_a_broken_gzip_body_gets_400_with_a_message(world, token):
    broken = gzip.compress(b'{"entries": []}')[:-6]
    r = requests.post(f"{world.url}{PUSH}", data=broken, headers=_headers(token, **{"Content-Encoding": "gzip"}),
                      timeout=10)
    _assert_refused(r.status_code, r.json(), "bad_body", 400)
    assert "解压" in r.json()["error"]["message"]


def test_every_route_reads_gzip_bodies_as_the_client_sends_them(world, token):
    # The transport gzips any body over 1 KB; /sync/rows with a long id list is one.
    ids = [f"0190b000-0000-7000-8000-{i:012d}" for i in range(2000)]
    body = gzip.compress(wire.dumps({"table": "household", "ids": ids}))
    r = requests.post(f"{world.url}{wire.API}/sync/rows", data=body,
                      headers=_headers(token, **{"Content-Encoding": "gzip"}), timeout=10)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["missing"]) == ids


def _entry(seq: int) -> dict:
    return {"seq": seq, "table": "household", "row_id": f"0190b000-0000-7000-8000-{seq:012d}", "op": "update",
            "fields": {"note": "x"}}


def test_a_push_batch_over_the_maximum_is_refused_whole_with_413(world, token):
    n = wire.MAX_PUSH_ENTRIES + 1
    body = wire.dumps({"entries": [_entry(i) for i in range(1, n + 1)]})
    r = requests.post(f"{world.url}{PUSH}", data=body, headers=_headers(token), timeout=30)
    _assert_refused(r.status_code, r.json(), "batch_too_large")
    assert str(wire.MAX_PUSH_ENTRIES) in r.json()["error"]["message"]
    assert r.json()["error"]["detail"] == {"max_entries": wire.MAX_PUSH_ENTRIES, "entries": n}
    with world.sdb.read() as conn:  # nothing of it applied: the device's seq did not move
        assert conn.execute(text("SELECT max(last_seq) FROM device")).scalar() == 0


@pytest.mark.parametrize("path,query,body", [
    ("/sync/conflicts", {"after": str(2**70)}, None),  # found by schemathesis: a 500 from SQLite before
    ("/sync/push", None, {"entries": [{**_entry(1), "seq": 2**70}]}),
    ("/sync/push", None, {"entries": [{**_entry(1), "seq": True}]}),
    ("/sync/buckets", None, {"buckets": [False]}),  # found by schemathesis: a boolean was taken as bucket 0
    ("/sync/buckets", None, {"buckets": [256]}),
])
def test_numbers_outside_the_schema_get_422_not_a_crash(world, token, path, query, body):
    method = "post" if body is not None else "get"
    r = getattr(requests, method)(f"{world.url}{wire.API}{path}", params=query, json=body,
                                  headers=_headers(token), timeout=10)
    _assert_refused(r.status_code, r.json(), "invalid_request", 422)


def test_enrolling_with_an_absurd_outbox_start_is_refused(world):
    r = requests.post(f"{world.url}{wire.API}/auth/enroll", timeout=10,
                      json={"username": "gw_a", "password": password("gw_a"), "outbox_start": 2**70},
                      headers={wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)})
    _assert_refused(r.status_code, r.json(), "invalid_request", 422)
