"""TLS: the laptop verifies the server's certificate.

A real uvicorn on a loopback port serves HTTPS with a self-signed certificate made here. The
client refuses it by default, with a sentence saying what to do, and without retrying; it accepts
it once the admin pins that certificate (``client enroll --ca``), and keeps using the pin for
every later sync; a different certificate pinned by mistake is refused too.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridworker.embedded import EmbeddedServer
from gridworker.sync import engine as E
from gridworker.sync import enrol
from gridworker.sync.transport import CertificateRejected
from support.server import World, fresh_laptop, password, self_signed


@pytest.fixture
def tls(tmp_path):
    """(world, https server, its certificate path): the test street behind a self-signed certificate."""
    world = World(str(tmp_path / "server.db"), tmp_path)
    cert, key = self_signed(tmp_path)
    with EmbeddedServer(world.sdb, certfile=cert, keyfile=key) as srv:
        yield world, srv, cert
    world.close()


def test_a_self_signed_server_is_refused_by_default_with_a_plain_message(tls, tmp_path):
    world, srv, _ = tls
    db = fresh_laptop(tmp_path / "laptop" / "gridworker.db")
    started = time.monotonic()
    with pytest.raises(CertificateRejected) as caught:
        enrol.enroll(db, srv.url, "gw_a", password("gw_a"))
    message = caught.value.message
    assert "证书无法验证" in message and "self-signed" in message and "--ca" in message
    assert caught.value.code == "tls_untrusted"
    assert time.monotonic() - started < 5  # refused at once: no retries with backoff
    assert E.status(db)["enrolled"] is False
    db.close()


def test_a_pinned_certificate_is_accepted_and_kept_for_later_syncs(tls, tmp_path):
    world, srv, cert = tls
    db = fresh_laptop(tmp_path / "laptop" / "gridworker.db")
    out = enrol.enroll(db, srv.url, "gw_a", password("gw_a"), verify=str(cert))
    assert out["user"] == "gw_a" and "sync" in out
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        uow.insert("household", {"address": "阳光花园1幢1单元101室"})
    report = E.SyncEngine(db).sync()  # a new engine: the pin comes from the laptop's settings
    assert report.pushed == 1
    db.close()


def test_pinning_another_certificate_does_not_open_the_door(tls, tmp_path):
    _, srv, _ = tls
    other, _ = self_signed(tmp_path, "impostor")
    db = fresh_laptop(tmp_path / "laptop" / "gridworker.db")
    with pytest.raises(CertificateRejected):
        enrol.enroll(db, srv.url, "gw_a", password("gw_a"), verify=str(other))
    db.close()


def _cli(*args: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRIDWORKER_SYNC_RETRIES": "0", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gridworker", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env)


def test_the_cli_refuses_then_enrolls_with_ca(tls, tmp_path):
    _, srv, cert = tls
    laptop = tmp_path / "cli-laptop"
    base = ["client", "enroll", "--data-dir", str(laptop), "--server", srv.url, "--username", "gw_a",
            "--password-stdin"]
    refused = _cli(*base, stdin=password("gw_a") + "\n", cwd=tmp_path)
    assert refused.returncode == 1
    assert "证书无法验证" in refused.stderr and "--ca" in refused.stderr and "Traceback" not in refused.stderr
    pinned = _cli(*base, "--ca", str(cert), stdin=password("gw_a") + "\n", cwd=tmp_path)
    assert pinned.returncode == 0, pinned.stderr
    assert "enrolled as gw_a" in pinned.stdout
