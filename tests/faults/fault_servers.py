"""Helpers for the fault tests: the real sync server as a separate OS process (``gridworker server
run``), a server database with the test street's org units and users, and a self-signed certificate.

The server process can be SIGKILLed and started again on the same database and port, so a laptop's
stored server URL stays valid across restarts.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from gridworker.server.auth import add_user
from gridworker.server.db import ServerDB, open_server_db
from support.server import (COMM_A, COMM_B, GRID_A, STREET, USERS, add_org_units, cheap_password_hashing,
                                       org_row, password)
from gridworker.sync import wire

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_server_db(url: str) -> ServerDB:
    """The test street (communities A and B, users of every role) in a fresh server database."""
    cheap_password_hashing()  # stored hashes carry their (small) costs; the server process verifies them
    sdb = open_server_db(url)
    add_org_units(sdb, [
        org_row(STREET, "S1", "测试街道", "street", None),
        org_row(COMM_A, "CA", "甲社区", "community", STREET),
        org_row(GRID_A, "GA1", "甲社区第一网格", "grid", COMM_A, community_id=COMM_A),
        org_row(COMM_B, "CB", "乙社区", "community", STREET),
    ])
    with sdb.write() as conn:
        for name, (role, org) in USERS.items():
            add_user(conn, name, password(name), role, org)
    return sdb


class ServerProcess:
    """``gridworker server run`` in its own process on 127.0.0.1:port; kill() is a SIGKILL."""

    def __init__(self, db_url: str, log_path: Path, *, port: int | None = None,
                 certfile: Path | None = None, keyfile: Path | None = None):
        self.db_url = db_url
        self.port = port or free_port()
        self.tls = certfile is not None
        self.certfile, self.keyfile = certfile, keyfile
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def args(self) -> list[str]:
        args = [sys.executable, "-m", "gridworker", "server", "run", "--db", self.db_url,
                "--host", "127.0.0.1", "--port", str(self.port)]
        if self.tls:
            args += ["--ssl-certfile", str(self.certfile), "--ssl-keyfile", str(self.keyfile)]
        return args

    def start(self, timeout: float = 60) -> "ServerProcess":
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(self.args(), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server process exited with {self.proc.returncode}:\n{self.log()}")
            try:
                r = requests.get(f"{self.url}{wire.API}/health", timeout=2,
                                 verify=str(self.certfile) if self.tls else True)
                if r.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server process did not answer in {timeout} s:\n{self.log()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions are cut where they stand."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


