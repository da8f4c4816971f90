"""50 laptops pushing 100 changes each at once while 50 others pull (run by bench.run, in its own process).

    .venv/bin/python -m bench.fleet SERVER_URL PG_URL FOLDER PASSWORD

Enrols 100 laptops (first sync of a small community), then three times: each of 50 laptops writes
100 new households through its unit of work (outbox, untimed), and all 50 push at the same moment
while the other 50 pull in a loop until the pushes are done. Afterwards every laptop syncs and
verifies against the server (checksum), and the server's household count is checked. Prints JSON.
"""
from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

LAPTOPS = 50
CHANGES = 100
RUNS = 3


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def main(url: str, pg_url: str, folder: str, password: str) -> dict:
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    from gridworker.store.template import fresh_laptop  # noqa: PLC0415
    from gridworker.sync.engine import SyncEngine  # noqa: PLC0415
    from gridworker.sync.enrol import enroll  # noqa: PLC0415

    root = Path(folder)
    engine = create_engine(pg_url)

    def households() -> int:
        with engine.connect() as c:
            return int(c.execute(text("SELECT count(*) FROM household")).scalar())

    before = households()

    def make(i: int):
        db = fresh_laptop(root / f"laptop-{i:03d}" / "gridworker.db")
        enroll(db, url, "bench", password, device_name=f"bench-{i}")
        return db

    t0 = time.perf_counter()
    dbs = [make(0)]  # the first builds the migrated template (Alembic is not thread-safe)
    with ThreadPoolExecutor(4) as pool:
        dbs += list(pool.map(make, range(1, 2 * LAPTOPS)))
    enrol_s = time.perf_counter() - t0
    pushers, pullers = dbs[:LAPTOPS], dbs[LAPTOPS:]
    push_lat: list[float] = []
    pull_lat: list[float] = []
    rates: list[float] = []
    acked = 0
    errors: list[str] = []
    for run in range(RUNS):
        for i, db in enumerate(pushers):
            with db.write(db.actor("bench")) as uow:
                for k in range(CHANGES):
                    uow.insert("household", {"address": f"压测花园{i + 1}幢{run + 1}单元{k + 101}室",
                                             "head_name": f"压测{i}-{run}-{k}"})
        engines = [SyncEngine(db, retries=2, backoff=0.2) for db in pushers]
        pull_engines = [SyncEngine(db, retries=2, backoff=0.2) for db in pullers]
        barrier = threading.Barrier(2 * LAPTOPS + 1)
        pushing = threading.Event()
        pushing.set()
        done_pushers = [0]
        lock = threading.Lock()

        def push(e: SyncEngine) -> None:
            nonlocal acked
            barrier.wait()
            s = time.perf_counter()
            try:
                n = e.push().pushed
                with lock:
                    push_lat.append(time.perf_counter() - s)
                    acked += n
            except Exception as exc:  # noqa: BLE001 - counted, reported
                errors.append(f"push: {exc}")
            finally:
                with lock:
                    done_pushers[0] += 1
                    if done_pushers[0] == LAPTOPS:
                        pushing.clear()

        def pull(e: SyncEngine) -> None:
            barrier.wait()
            while True:
                s = time.perf_counter()
                try:
                    e.pull()
                    with lock:
                        pull_lat.append(time.perf_counter() - s)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"pull: {exc}")
                if not pushing.is_set():
                    break

        threads = [threading.Thread(target=push, args=(e,)) for e in engines]
        threads += [threading.Thread(target=pull, args=(e,)) for e in pull_engines]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads[:LAPTOPS]:
            t.join()
        wall = time.perf_counter() - start
        for t in threads[LAPTOPS:]:
            t.join()
        rates.append(LAPTOPS * CHANGES / wall)
    pending = sum(SyncEngine(db).pending_count() for db in pushers)
    # Every laptop catches up and compares its checksum with the server's.
    verified = 0
    for db in dbs:
        try:
            if SyncEngine(db, retries=2).verify(repair=False)["match"]:
                verified += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(f"verify: {exc}")
    for db in dbs:
        db.close()
    after = households()
    engine.dispose()
    return {"laptops": 2 * LAPTOPS, "runs": RUNS, "expected": RUNS * LAPTOPS * CHANGES, "acked": acked,
            "pending_after": pending, "server_new_rows": after - before, "verified": verified,
            "changes_per_s_runs": [round(r) for r in rates], "changes_per_s": round(statistics.median(rates)),
            "push_p50_s": round(statistics.median(push_lat), 3), "push_p95_s": round(pct(push_lat, 95), 3),
            "pull_p95_s": round(pct(pull_lat, 95), 3), "pulls": len(pull_lat), "enrol_100_s": round(enrol_s, 1),
            "errors": errors[:10], "error_count": len(errors)}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5]), ensure_ascii=False))
