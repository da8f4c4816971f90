"""`gridworker server run --ssl-certfile/--ssl-keyfile`: the server process itself serves HTTPS.

The command runs as its own process with a self-signed certificate made here. A laptop enrolling
through the command line is refused without a pinned certificate, and enrols with ``--ca`` given as
a path relative to where the admin typed it. The laptop remembers the absolute path, so a later
sync started from another folder (the app, a timer) still verifies the server.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from fault_servers import ServerProcess, prepare_server_db

from gridworker.cli import cli
from support.server import fresh_laptop, password, self_signed
from gridworker.sync.engine import CA_PATH, SyncEngine
from gridworker.sync.enrol import enroll


def _cli(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "GRIDWORKER_SYNC_RETRIES": "0", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gridworker", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env)


def test_server_run_serves_https_and_a_laptop_pins_it_with_a_relative_ca_path(tmp_path, monkeypatch):
    server_db = tmp_path / "server.db"
    prepare_server_db(str(server_db)).dispose()
    admin_dir = tmp_path / "admin"
    admin_dir.mkdir()
    cert, key = self_signed(admin_dir)
    with ServerProcess(str(server_db), tmp_path / "server.log", certfile=cert, keyfile=key) as srv:
        assert srv.url.startswith("https://")
        enroll_cli = ["client", "enroll", "--data-dir", "laptop", "--server", srv.url, "--username", "gw_a",
                      "--password-stdin", "--json"]
        refused = _cli(*enroll_cli, cwd=admin_dir, stdin=password("gw_a") + "\n")
        assert refused.returncode == 1
        assert "证书无法验证" in refused.stderr and "--ca" in refused.stderr
        assert "Traceback" not in refused.stderr
        pinned = _cli(*enroll_cli, "--ca", "server.crt", cwd=admin_dir, stdin=password("gw_a") + "\n")
        assert pinned.returncode == 0, pinned.stderr
        assert json.loads(pinned.stdout)["user"] == "gw_a"

        # The pin is kept as an absolute path: a sync started from another folder (the app, a
        # timer) still finds the certificate, verifies the server and pushes.
        db = fresh_laptop(tmp_path / "laptop2" / "gridworker.db")
        try:
            monkeypatch.chdir(admin_dir)
            enroll(db, srv.url, "gw_a", password("gw_a"), verify="server.crt")
            stored = db.get_state(CA_PATH)
            assert stored == str(cert.resolve()) and Path(stored).is_absolute()
            elsewhere = tmp_path / "elsewhere"
            elsewhere.mkdir()
            monkeypatch.chdir(elsewhere)
            with db.write(db.actor(db.get_state("user_id"))) as uow:
                uow.insert("household", {"address": "阳光花园1幢1单元101室"})
            assert SyncEngine(db).sync().pushed == 1
        finally:
            db.close()


def test_ssl_options_go_together_and_a_bad_pair_is_refused_plainly(tmp_path):
    cert, key = self_signed(tmp_path)
    other_cert, _ = self_signed(tmp_path, "other")
    runner = CliRunner()
    alone = runner.invoke(cli, ["server", "run", "--db", str(tmp_path / "s.db"), "--ssl-certfile", str(cert)])
    assert alone.exit_code == 2 and "--ssl-keyfile" in alone.output
    mismatched = runner.invoke(cli, ["server", "run", "--db", str(tmp_path / "s.db"), "--port", "1",
                                     "--ssl-certfile", str(other_cert), "--ssl-keyfile", str(key)])
    assert mismatched.exit_code == 1
    assert "TLS 证书或私钥无法使用" in mismatched.output and "Traceback" not in mismatched.output


def test_server_run_help_shows_a_tls_example():
    out = CliRunner().invoke(cli, ["server", "run", "--help"]).output
    assert "--ssl-certfile" in out and "--ssl-keyfile" in out
    assert "gridworker server run --db" in out and ".crt" in out
