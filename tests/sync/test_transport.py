"""The HTTP behaviour of the sync client against a real loopback server: retries with backoff on
passing failures, no retry on refusals, timeouts, gzip both ways."""
from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gridworker.sync import wire
from gridworker.sync.transport import ServerRefused, ServerUnreachable, Transport


class Script:
    def __init__(self, replies):
        self.replies = list(replies)  # (status, body dict, delay)
        self.seen = []


@pytest.fixture
def scripted():
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self):
            script = holder["script"]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            script.seen.append((self.command, self.path, dict(self.headers), raw))
            status, body, delay = script.replies.pop(0) if script.replies else (200, {"ok": True}, 0)
            time.sleep(delay)
            data = gzip.compress(json.dumps(body).encode())
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = _reply

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def use(replies):
        holder["script"] = Script(replies)
        return holder["script"], f"http://127.0.0.1:{server.server_address[1]}"

    yield use
    server.shutdown()
    server.server_close()


def err(code):
    return {"error": {"code": code, "message": "m", "detail": {}}}


def test_passing_failures_are_retried_then_succeed_and_bodies_are_gzip(scripted):
    script, url = scripted([(503, err("busy"), 0), (500, err("server_error"), 0), (200, {"done": 1}, 0)])
    t = Transport(url, "tok", retries=3, backoff=0.01)
    body = {"entries": [{"seq": i, "fields": {"notes": "很长的备注" * 20}} for i in range(50)]}
    assert t.call("POST", "/sync/push", body=body) == {"done": 1}
    assert len(script.seen) == 3
    method, path, headers, raw = script.seen[-1]
    assert headers["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(raw)) == body
    assert headers["Authorization"] == "Bearer tok" and headers["X-Gridworker-Protocol"] == str(wire.PROTOCOL_VERSION)


def test_refusals_are_not_retried(scripted):
    script, url = scripted([(403, err("forbidden"), 0), (200, {}, 0)])
    with pytest.raises(ServerRefused):
        Transport(url, "tok", retries=3, backoff=0.01).call("GET", "/sync/pull")
    assert len(script.seen) == 1


def test_a_locked_account_is_reported_not_retried(scripted):
    script, url = scripted([(429, err("account_locked"), 0)])
    with pytest.raises(ServerRefused):
        Transport(url, retries=3, backoff=0.01).call("POST", "/auth/enroll", body={})
    assert len(script.seen) == 1


def test_a_server_that_never_answers_times_out_and_gives_up(scripted):
    script, url = scripted([(200, {}, 1.0), (200, {}, 1.0)])
    t = Transport(url, "tok", retries=1, backoff=0.01, timeout=(1.0, 0.2))
    with pytest.raises(ServerUnreachable):
        t.call("GET", "/sync/pull")
    assert len(script.seen) == 2
