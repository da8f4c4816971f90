"""`gridworker server run --workers 2`: uvicorn's process manager starts two worker processes over one
database (migrated once first); every request is answered, enrolment included (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from gridworker.embedded import free_port
from gridworker.sync import wire


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def test_two_worker_processes_serve_the_sync_api(server_url, tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gridworker", "server", "run", "--db", server_url,
                             "--port", str(port), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}{wire.API}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, proc.stdout.read() if proc.poll() else "no answer"
            time.sleep(0.3)
        time.sleep(1)  # the second worker
        assert len(_children(proc.pid)) >= 2, "two worker processes"
        answers = {requests.get(f"{base}/health", timeout=5).status_code for _ in range(20)}
        assert answers == {200}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the server did not stop on SIGTERM")
