"""Soak: kill laptop and server processes at random points of pushes, pulls and snapshots, restore the
server once from a backup, and end with every change on the server once and every laptop verified (#20).

    .venv/bin/python bench/soak.py --kills 1000            # the soak (about a second per kill)
    .venv/bin/python bench/soak.py --kills 10 --laptops 2  # what CI runs (tests/faults/test_soak.py)

The server is the real ``gridworker server run`` process (SQLite, or ``--db postgresql+psycopg://…``);
each laptop is a real encrypted laptop folder whose syncs run as ``gridworker client sync`` processes.
Each round, one laptop adds a few households (each one a change with a unique address) and a sync is
started; at a random moment either that sync process or the server is SIGKILLed. A third of the way in
the server database is backed up; two thirds in it is restored from that backup and a new epoch started
(``server new-epoch``), as docs/deploy.md tells an admin. At the end every laptop syncs until it has
nothing left to send and ``client verify`` matches; the server must hold each address exactly once.
Prints one JSON line with the figures; exits 1 on any loss or double.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "faults")]

from fault_servers import ServerProcess, prepare_server_db  # noqa: E402

from gridworker.store.connect import raw_connect  # noqa: E402
from gridworker.sync.laptop import Laptop  # noqa: E402
from support.server import password  # noqa: E402

USERS = ("gw_a", "admin_a", "gw_a2")


def cli(*args: str, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gridworker", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def sync_cmd(folder: Path, user: str) -> list[str]:
    return [sys.executable, "-m", "gridworker", "client", "sync", "--data-dir", str(folder), "--user", user,
            "--password-stdin", "--json"]


def add_households(folder: Path, user: str, prefix: str, n: int) -> list[str]:
    login = Laptop(folder).login(user, password(user), online_check=False)
    try:
        db = login.db
        with db.write(db.actor(login.slot.user_id, login.slot.display_name, login.slot.role)) as uow:
            ids = [uow.insert("household", {"address": f"{prefix}-{i}号楼101室"}) for i in range(n)]
        with db.read() as conn:  # the address as stored (the unit of work normalises it)
            return [conn.exec_driver_sql("SELECT address FROM household WHERE id = ?", (i,)).scalar() for i in ids]
    finally:
        login.db.close()


def server_addresses(url: str) -> list[str]:
    from sqlalchemy import text  # noqa: PLC0415

    from gridworker.server.db import open_server_db  # noqa: PLC0415

    sdb = open_server_db(url, migrate=False)
    try:
        with sdb.read() as conn:
            return [r[0] for r in conn.execute(text("SELECT address FROM household WHERE deleted = :f"), {"f": False})]
    finally:
        sdb.dispose()


def backup(url: str, folder: Path):
    if url.startswith("postgresql"):
        dump = folder / "server.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), url.replace("+psycopg", "")], check=True)
        return dump
    path = folder / "backup.db"
    src, dst = raw_connect(url, None), raw_connect(path, None)
    src.backup(dst)
    src.close()
    dst.close()
    return path


def restore(url: str, saved: Path) -> None:
    if url.startswith("postgresql"):
        subprocess.run(["pg_restore", "--clean", "--if-exists", "-d", url.replace("+psycopg", ""), str(saved)],
                       check=True, capture_output=True)
        return
    src, dst = raw_connect(saved, None), raw_connect(url, None)
    src.backup(dst)
    src.close()
    dst.close()


def soak(kills: int, laptops: int, seed: int, db: str | None, work: Path) -> dict:
    rng = random.Random(seed)
    url = db or str(work / "server.db")
    prepare_server_db(url).dispose()
    server = ServerProcess(url, work / "server.log").start()
    folders = []
    for i in range(laptops):
        folder = work / f"laptop{i}"
        Laptop(folder).enroll(server.url, USERS[i % len(USERS)], password(USERS[i % len(USERS)])).db.close()
        folders.append((folder, USERS[i % len(USERS)]))
    made: list[str] = []
    killed = {"sync": 0, "server": 0}
    saved = None
    started = time.monotonic()
    for k in range(kills):
        folder, user = folders[k % laptops]
        made += add_households(folder, user, f"r{k}", rng.randint(1, 25))
        proc = subprocess.Popen(sync_cmd(folder, user), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, text=True, cwd=ROOT, start_new_session=True)
        proc.stdin.write(password(user) + "\n")
        proc.stdin.close()
        time.sleep(rng.uniform(0.3, 4.0))  # somewhere in the start, login, push, pull or snapshot
        if rng.random() < 0.25:
            server.kill()
            killed["server"] += 1
            server.start()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed["sync"] += 1
        proc.wait()
        if k == kills // 3:
            saved = backup(url, work)
        elif k == (2 * kills) // 3 and saved is not None:
            server.kill()
            restore(url, saved)
            cli("server", "new-epoch", "--db", url)
            server.start()
    # The end: every laptop syncs until nothing is waiting, then verifies.
    verified = []
    for _ in range(3):
        for folder, user in folders:
            out = cli("client", "sync", "--data-dir", str(folder), "--user", user, "--password-stdin", "--json",
                      stdin=password(user) + "\n")
            if out.returncode != 0:
                raise SystemExit(f"final sync failed: {out.stdout}{out.stderr}")
    for folder, user in folders:
        out = cli("client", "verify", "--data-dir", str(folder), "--user", user, "--password-stdin", "--json",
                  stdin=password(user) + "\n")
        verified.append(out.returncode == 0 and json.loads(out.stdout.strip().splitlines()[-1]).get("match", False))
    server.stop()
    on_server = server_addresses(url)
    doubled = sorted({a for a in on_server if on_server.count(a) > 1})
    lost = sorted(set(made) - set(on_server))
    return {"kills": kills, "laptops": laptops, "changes": len(made), "on_server": len(on_server),
            "lost": len(lost), "doubled": len(doubled), "sync_kills": killed["sync"], "server_kills": killed["server"],
            "restored_once": saved is not None, "laptops_verified": all(verified), "seconds": round(time.monotonic() - started, 1),
            "examples": {"lost": lost[:5], "doubled": doubled[:5]}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=1000)
    ap.add_argument("--laptops", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default=None, help="server database URL (default: a SQLite file in a temp folder)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="gridworker-soak-"))
    try:
        result = soak(args.kills, args.laptops, args.seed, args.db, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))
    ok = result["lost"] == 0 and result["doubled"] == 0 and result["laptops_verified"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
