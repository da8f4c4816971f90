"""A dead link: a real socket that accepts the connection and never answers. The sync transport
says it is waiting again ("等待服务器…第 2 次重试"), gives up within its total budget, and stops when
cancelled; `client sync` shows the waiting and ends with a plain message (its unsent changes kept)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gridworker.domain.cancel import Cancelled
from gridworker.store.local import State
from gridworker.sync.transport import ServerUnreachable, Transport
from laptop_helpers import SETUP_STDIN, UNLOCK, new_laptop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def silent_server():
    """Accepts every connection, reads nothing back, never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_each_retry_is_told_and_the_call_ends_with_a_plain_error(silent_server):
    said: list[str] = []
    transport = Transport(silent_server, "t", timeout=(1.0, 0.3), retries=2, backoff=0.01, waiting=said.append)
    with pytest.raises(ServerUnreachable, match="服务器没有回复"):
        transport.call("GET", "/pull")
    assert said == ["等待服务器…第 1 次重试", "等待服务器…第 2 次重试"]


def test_the_total_budget_stops_the_waiting_however_many_retries_are_allowed(silent_server):
    said: list[str] = []
    transport = Transport(silent_server, "t", timeout=(1.0, 0.3), retries=10_000, backoff=0.01, budget=1.0,
                          waiting=said.append)
    with pytest.raises(ServerUnreachable):
        transport.call("GET", "/pull")
    assert 1 <= len(said) < 10_000


def test_cancel_stops_a_sync_that_waits_for_a_dead_server(silent_server):
    said: list[str] = []
    transport = Transport(silent_server, "t", timeout=(1.0, 0.3), retries=10_000, backoff=0.01, budget=3600,
                          waiting=said.append, cancel=lambda: len(said) >= 2)
    with pytest.raises(Cancelled):
        transport.call("GET", "/pull")
    assert said[-1] == "等待服务器…第 2 次重试"


def test_client_sync_shows_the_waiting_and_keeps_the_changes(silent_server, tmp_path):
    db = new_laptop(tmp_path)
    db.set_state("community_id", "0190a000-0000-7000-8000-000000000001")
    db.set_state(State.SERVER_URL, silent_server)
    db.set_state(State.TOKEN, "device-token")
    with db.write(db.actor("user-admin")) as uow:
        uow.insert("household", {"address": "蠡桥花园3幢2单元501室", "head_name": "张建国"})
    db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDWORKER_LOG_DIR": str(tmp_path / "log"),
           "GRIDWORKER_SYNC_READ_TIMEOUT": "0.3", "GRIDWORKER_SYNC_RETRIES": "2"}
    result = subprocess.run([sys.executable, "-m", "gridworker", "client", "sync", "--data-dir", str(tmp_path),
                             *UNLOCK], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180,
                            input=SETUP_STDIN)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "等待服务器…第 1 次重试" in result.stderr
    assert "等待服务器…第 2 次重试" in result.stderr
    assert "1 unsent changes are kept" in result.stderr
    assert "Traceback" not in result.stderr
