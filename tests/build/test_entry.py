"""The built program's entry point (build_spec/entry.py) run from source as a real process, and its logs."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gridworker import __version__

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "build_spec" / "entry.py"


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    """Environment of a user on a new machine: home, data, settings and logs all under tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "GRIDWORKER_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), QT_QPA_PLATFORM="offscreen")
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def entry(*args: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ENTRY), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_version_matches_the_cli(tmp_path):
    env = sandbox_env(tmp_path)
    built = entry("--version", env=env, cwd=tmp_path)
    cli = subprocess.run([sys.executable, "-m", "gridworker", "--version"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert built.returncode == 0 and built.stdout == f"gridworker, version {__version__}\n"
    assert built.stdout == cli.stdout
    assert not (tmp_path / "state").exists(), "--version must not even start logging"


def test_self_check_from_the_entry_point_passes_and_logs(tmp_path):
    env = sandbox_env(tmp_path)
    done = entry("--self-check", "--no-ui", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-check passed" in done.stdout
    log = tmp_path / "state" / "gridworker" / "log" / "gridworker.log"  # platformdirs on Linux
    assert "self-check ok    fresh database migrated" in log.read_text(encoding="utf-8")


def test_self_check_refuses_unknown_options(tmp_path):
    done = entry("--self-check", "--fast", env=sandbox_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "--fast" in done.stdout


def test_commands_still_work_through_the_entry_point(tmp_path):
    done = entry("db", "--help", env=sandbox_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0 and "Usage: gridworker db" in done.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders: the Linux layout of platformdirs")
def test_first_run_without_arguments_opens_the_app_on_the_user_data_folder(tmp_path, translations):
    env = sandbox_env(tmp_path)
    folder = tmp_path / "data" / "gridworker"
    database = folder / "gridworker.db"
    log = tmp_path / "state" / "gridworker" / "log" / "gridworker.log"
    proc = subprocess.Popen([sys.executable, str(ENTRY)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while not folder.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # past reading the data folder: the enrol screen is up, waiting for the user
        still_running = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGKILL)
        output = proc.communicate(timeout=30)[0]
    assert still_running, output
    assert folder.is_dir(), output
    assert not database.exists(), "no database before enrolment: it is created encrypted when the server says yes"
    assert "start: args []" in log.read_text(encoding="utf-8")


@pytest.fixture
def clean_logging():
    """Put the root logger and the exception hooks back as they were after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, threading.excepthook
    yield
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks


def test_logs_rotate_and_keep_a_bounded_number_of_files(tmp_path, clean_logging):
    from gridworker.logsetup import setup_logging

    path = setup_logging(tmp_path / "logs", max_bytes=4000, backups=2, stderr=False)
    assert setup_logging(tmp_path / "logs", max_bytes=4000, backups=2, stderr=False) == path
    log = logging.getLogger("gridworker.test")
    for i in range(400):
        log.info("line %d: 网格员走访记录已保存", i)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["gridworker.log", "gridworker.log.1", "gridworker.log.2"]
    assert all(p.stat().st_size <= 4000 for p in path.parent.iterdir())
    assert "line 399" in path.read_text(encoding="utf-8")


def test_an_uncaught_exception_is_written_to_the_log(tmp_path, clean_logging):
    from gridworker.logsetup import setup_logging

    reported = []
    sys.excepthook = lambda *exc: reported.append(exc)  # stands for Python's own report (stderr)
    path = setup_logging(tmp_path / "logs", stderr=False)
    try:
        raise RuntimeError("数据库打不开")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "uncaught exception" in text and "数据库打不开" in text
    assert len(reported) == 1, "the usual report must still happen after logging"
