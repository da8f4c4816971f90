"""The wheel works where a new admin installs it (issue #17): built from this checkout, installed
outside it, it finds its migrations and translations as package data and runs ``server init``,
``server run``, ``db generate``, the self-check, and the app's translations load.

No network: built with the venv's setuptools (--no-build-isolation), installed with --no-deps into
a folder of its own; the venv's site-packages give the dependencies, never the checkout.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _run(args, *, cwd, env, timeout=180, stdin=None):
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, input=stdin)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp / "dist"), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp / "dist").glob("gridworker-*.whl")
    site = tmp / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    away = tmp / "elsewhere"
    away.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen",
           "HOME": str(tmp / "home"), "XDG_DATA_HOME": str(tmp / "xdg")}
    return {"site": site, "cwd": away, "env": env}


def test_the_installed_package_is_the_wheel_and_finds_its_own_files(installed):
    probe = _run(["-c", "import gridworker, gridworker.paths as p; print(gridworker.__file__); "
                        "print(p.migrations_dir('server')); print(p.resources_dir())"],
                 cwd=installed["cwd"], env=installed["env"])
    assert probe.returncode == 0, probe.stderr
    module, migrations, resources = probe.stdout.split()
    site = str(installed["site"])
    assert module.startswith(site) and migrations.startswith(site) and resources.startswith(site)
    assert (Path(migrations) / "versions").is_dir()
    assert (Path(resources) / "i18n" / "gridworker_en.qm").is_file()


def test_server_init_run_and_db_generate_work_from_the_wheel(installed):
    cwd, env = installed["cwd"], installed["env"]
    init = _run(["-m", "gridworker", "server", "init", "--db", "server.db"], cwd=cwd, env=env)
    assert init.returncode == 0, init.stdout + init.stderr
    port = 30000 + os.getpid() % 20000
    server = subprocess.Popen([sys.executable, "-m", "gridworker", "server", "run", "--db", "server.db",
                               "--host", "127.0.0.1", "--port", str(port)], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read()
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["ok"]
    finally:
        server.terminate()
        server.wait(20)
    gen = _run(["-m", "gridworker", "db", "generate", "--data-dir", "laptop", "--households", "50", "--user", "admin",
                "--password-stdin"], cwd=cwd, env=env, stdin="Qz7-wheel-lantern-42\n")
    assert gen.returncode == 0, gen.stdout + gen.stderr
    assert (cwd / "laptop" / "gridworker.db").is_file()


def test_the_self_check_passes_from_the_wheel(installed):
    check = _run(["-m", "gridworker", "--self-check", "--no-ui"], cwd=installed["cwd"], env=installed["env"],
                 timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
