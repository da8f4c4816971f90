"""Sync benchmarks (run by hand; never part of the test suite).

    .venv/bin/python bench/bench_sync.py                      # 1k and 10k households, SQLite server
    .venv/bin/python bench/bench_sync.py --households 1000,10000,100000
    .venv/bin/python bench/bench_sync.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each size, one community of that many households (the demo city generator, folded into one
community) is seeded on a server running in its own process, then:
- first sync of an empty laptop, end to end (enrol + snapshot + catch-up), rows/s;
- incremental: 1,000 changes pushed by one laptop, then pulled by another;
- 50 laptops pushing at once (100 entries each, concurrent HTTP pushes).
Targets (issue 6): 10k-household first sync < 3 s; incremental 1,000 rows < 0.3 s each way.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gridworker.server.auth import add_user  # noqa: E402
from gridworker.server.db import open_server_db  # noqa: E402
from gridworker.server.seed import insert_seed_rows  # noqa: E402
from gridworker.store.template import fresh_laptop  # noqa: E402
from gridworker.sync import wire  # noqa: E402
from gridworker.sync.engine import SyncEngine  # noqa: E402
from gridworker.sync.enrol import enroll  # noqa: E402

PASSWORD = "bench-password-1"


def one_community(households: int, seed: int = 1):
    """The demo city's rows, every community folded into the first (so one laptop holds them all)."""
    from gridworker.demo import iter_city

    first = None
    dropped: set[str] = set()
    for table, rows in iter_city(households, seed):
        if table == "org_unit":
            out = []
            for r in rows:
                if r["level"] == "community":
                    if first is None:
                        first = r["id"]
                    else:
                        dropped.add(r["id"])
                        continue
                if r["level"] == "grid" and first is not None:
                    r["parent_id"] = first if r["parent_id"] in dropped else r["parent_id"]
                if r["community_id"] in dropped:
                    r["community_id"] = first
                out.append(r)
            rows = out
        else:
            for r in rows:
                if r["community_id"] in dropped:
                    r["community_id"] = first
        yield table, rows


def start_server(db_url: str) -> tuple[subprocess.Popen, str]:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen([sys.executable, "-m", "gridworker", "server", "run", "--db", db_url, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT))
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{url}/api/v1/health", timeout=1)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def bench_size(households: int, db_url: str | None, work: Path) -> dict:
    out: dict = {"households": households}
    url_db = db_url or str(work / f"server-{households}.db")
    sdb = open_server_db(url_db)
    t = time.perf_counter()
    with sdb.write() as conn:
        counts = insert_seed_rows(conn, one_community(households))
        community = conn.exec_driver_sql("SELECT id, code FROM org_unit WHERE level = 'community'").first()
        add_user(conn, "bench", PASSWORD, "grid_worker", community[0])
    out["seed_s"] = round(time.perf_counter() - t, 2)
    out["rows"] = sum(counts.values())
    sdb.dispose()
    proc, url = start_server(url_db)
    try:
        # First sync of an empty laptop, end to end.
        db = fresh_laptop(work / f"lap1-{households}" / "gridworker.db")
        t = time.perf_counter()
        res = enroll(db, url, "bench", PASSWORD)
        dt_first = time.perf_counter() - t
        out["first_sync_s"] = round(dt_first, 2)
        out["first_sync_rows_per_s"] = int(res["sync"]["pulled"] / dt_first)
        # Of which: building the laptop's search index once at the end of the snapshot.
        from gridworker.store import search_index
        with db.sync_transaction() as conn:
            t = time.perf_counter()
            search_index.rebuild(conn)
            out["of_which_search_index_s"] = round(time.perf_counter() - t, 2)
        db2 = fresh_laptop(work / f"lap2-{households}" / "gridworker.db")
        import gridworker.sync.apply as apply_mod
        rebuild = apply_mod.rebuild_search_index
        apply_mod.rebuild_search_index = lambda conn, changed: None  # the sync's own share
        try:
            t = time.perf_counter()
            enroll(db2, url, "bench", PASSWORD)
            out["first_sync_without_index_s"] = round(time.perf_counter() - t, 2)
        finally:
            apply_mod.rebuild_search_index = rebuild
        from gridworker.store import search_index as si
        with db2.sync_transaction() as conn:
            si.rebuild(conn)
        # Incremental: 1,000 changes one way, then the other.
        with db.read() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household LIMIT 1000")]
        with db.write(db.actor("bench")) as uow:
            for i, hid in enumerate(ids):
                uow.update("household", hid, {"notes": f"bench {i}"})
        t = time.perf_counter()
        pushed = SyncEngine(db).push().pushed
        out["push_1000_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        pulled = SyncEngine(db2).pull().pulled
        out["pull_1000_s"] = round(time.perf_counter() - t, 3)
        out["incremental_rows"] = [pushed, pulled]
        # The same again with the search-index hook switched off, to show the sync's own share.
        with db.write(db.actor("bench")) as uow:
            for i, hid in enumerate(ids):
                uow.update("household", hid, {"notes": f"bench again {i}"})
        SyncEngine(db).push()
        hook = apply_mod.refresh_search_index
        apply_mod.refresh_search_index = lambda conn, changed: None
        try:
            t = time.perf_counter()
            SyncEngine(db2).pull()
            out["pull_1000_without_index_s"] = round(time.perf_counter() - t, 3)
        finally:
            apply_mod.refresh_search_index = hook
        # 50 laptops pushing at once.
        tokens = []
        for _ in range(50):
            r = requests.post(f"{url}/api/v1/auth/enroll", timeout=60,
                              headers={wire.PROTOCOL_HEADER: "1", wire.SCHEMA_HEADER: "1"},
                              json={"username": "bench", "password": PASSWORD})
            tokens.append(r.json()["token"])
        barrier = threading.Barrier(50)
        durations: list[float] = []

        def push(token: str) -> None:
            entries = [{"seq": i + 1, "table": "visit", "row_id": str(uuid.uuid4()), "op": "append",
                        "fields": {"household_id": random.choice(ids), "mode": "door", "community_id": community[0],
                                   "visited_at": "2026-11-01T10:00:00+08:00"}} for i in range(100)]
            barrier.wait()
            t0 = time.perf_counter()
            r = requests.post(f"{url}/api/v1/sync/push", json={"entries": entries}, timeout=120,
                              headers={wire.PROTOCOL_HEADER: "1", wire.SCHEMA_HEADER: "1",
                                       "Authorization": f"Bearer {token}"})
            r.raise_for_status()
            durations.append(time.perf_counter() - t0)

        threads = [threading.Thread(target=push, args=(tok,)) for tok in tokens]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
        out["push50_wall_s"] = round(wall, 2)
        out["push50_entries_per_s"] = int(5000 / wall)
        out["push50_slowest_s"] = round(max(durations), 2)
        db.close()
        db2.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", default="1000,10000")
    ap.add_argument("--db", default=None, help="PostgreSQL URL of an EMPTY database (default: SQLite files)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gw-bench-sync-"))
    try:
        for n in [int(x) for x in args.households.split(",")]:
            print(json.dumps(bench_size(n, args.db, work), ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("GRIDWORKER_SYNC_RETRIES", "2")
    main()
