"""A laptop file damaged in the middle (a bad sector): the real CLI, as a subprocess, on a real
SQLCipher file. Commands that read or write refuse with a plain message and exit code 3; `db check`
reports the damage and never prints a traceback; the traceback goes to the log only."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from laptop_helpers import SETUP_STDIN, UNLOCK

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def run(tmp_path: Path, *args: str, stdin: str = SETUP_STDIN) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDWORKER_LOG_DIR": str(tmp_path / "log")}
    return subprocess.run([sys.executable, "-m", "gridworker", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=180, input=stdin)


def garble_middle(path: Path, pages: int = 4) -> None:
    count = path.stat().st_size // PAGE
    assert count > 40, "the database is too small for the test to mean anything"
    with open(path, "r+b") as f:
        for n in range(count // 2, count // 2 + pages):
            f.seek(n * PAGE)
            f.write(secrets.token_bytes(PAGE))


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("laptop")
    made = run(folder, "db", "generate", "--data-dir", str(folder), "--households", "400", "--seed", "3", *UNLOCK)
    assert made.returncode == 0, made.stderr
    healthy = run(folder, "db", "check", "--data-dir", str(folder), *UNLOCK, "--json")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    garble_middle(folder / "gridworker.db")
    return folder


@pytest.mark.parametrize("command", [["client", "status"], ["db", "info"], ["client", "sync"]],
                         ids=["client-status", "db-info", "client-sync"])
def test_commands_do_not_run_on_a_damaged_file(damaged, command):
    result = run(damaged, *command, "--data-dir", str(damaged), *UNLOCK)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "数据库文件已损坏" in result.stderr
    assert "db restore" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_db_check_reports_the_damage_without_a_traceback(damaged):
    result = run(damaged, "db", "check", "--data-dir", str(damaged), *UNLOCK, "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["integrity"] != "ok"
    assert report["problems"][0].startswith("integrity_check")


def test_an_unexpected_database_error_is_one_plain_line_and_the_traceback_is_in_the_log(tmp_path):
    """A file that is not a database at all, opened by a command: no traceback on screen."""
    folder = tmp_path / "laptop"
    made = run(tmp_path, "db", "generate", "--data-dir", str(folder), "--households", "5", *UNLOCK)
    assert made.returncode == 0, made.stderr
    path = folder / "gridworker.db"
    with open(path, "r+b") as f:  # the whole file after the first page is garbage
        size = path.stat().st_size
        f.seek(PAGE)
        f.write(secrets.token_bytes(size - PAGE))
    result = run(tmp_path, "db", "info", "--data-dir", str(folder), *UNLOCK)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "损坏" in result.stderr


@pytest.mark.parametrize("exc, code, words", [
    (OSError(28, "No space left on device"), 4, "磁盘空间已满"),
    (PermissionError(13, "Permission denied", "/data/gridworker.db"), 5, "没有权限"),
    (__import__("sqlite3").DatabaseError("database disk image is malformed"), 3, "数据库文件已损坏"),
    (RuntimeError("a bug"), 70, "意外错误"),
], ids=["disk-full", "permission", "damaged", "unexpected"])
def test_every_error_becomes_a_plain_message_an_exit_code_and_a_logged_traceback(tmp_path, monkeypatch, capsys,
                                                                                   exc, code, words):
    """The CLI's last line of defence (gridworker.cli.main): any error a command lets through."""
    import logging

    from gridworker import cli as cli_module

    monkeypatch.setenv("GRIDWORKER_LOG_DIR", str(tmp_path))

    @cli_module.cli.command("raise-for-test", hidden=True)
    def raise_for_test():
        raise exc

    try:
        assert cli_module.main(["raise-for-test"]) == code
    finally:
        cli_module.cli.commands.pop("raise-for-test")
        for handler in list(logging.getLogger().handlers):  # the handlers report_error installed
            if getattr(handler, "_gridworker_file", None):
                logging.getLogger().removeHandler(handler)
                handler.close()
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert "Traceback" in (tmp_path / "gridworker.log").read_text(encoding="utf-8")
