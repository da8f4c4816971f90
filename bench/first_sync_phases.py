"""Where a laptop's first sync spends its time: one process, timers around each step.

    .venv/bin/python -m bench.first_sync_phases --households 10000 --runs 3

One server of this tree's code (the bench's cached one-community database) serves every run; each run
does what the app does (``Laptop.enroll`` into an empty data folder, then a sync) in this process, with
timers (wall and this thread's CPU) around enrolment, the snapshot pages' ``apply_snapshot``, the
commits of the sync's transactions, the waits for the next page (the engine fetches one ahead in a
thread: ``fetch`` is that thread's time), and the search index rebuild. Prints one JSON line per run.
The figures carry the timers' small cost; use ``bench.ab_first_sync`` for before/after.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

import gridworker.store.search_index  # noqa: F401 - the app has it loaded for its search box
import gridworker.sync.apply as A
import gridworker.sync.engine as E
from bench.harness import PASSWORD, Server, server_db, working_copy
from gridworker.store.database import Database
from gridworker.sync.laptop import Laptop

T: dict[str, float] = {}


def _add(key: str, value: float) -> None:
    T[key] = T.get(key, 0.0) + value


def _timed(owner, name: str, key: str, main_thread_only: bool = False) -> None:
    f = getattr(owner, name)

    def timed(*a, **kw):
        t, c = time.perf_counter(), time.thread_time()
        try:
            return f(*a, **kw)
        finally:
            if not main_thread_only or threading.current_thread() is threading.main_thread():
                _add(key + "_s", time.perf_counter() - t)
                _add(key + "_cpu_s", time.thread_time() - c)

    setattr(owner, name, timed)


def _instrument() -> None:
    _timed(A, "apply_snapshot", "apply")
    _timed(A, "rebuild_search_index", "index")
    _timed(E.SyncEngine, "_fetch_page", "fetch")
    _timed(cf.Future, "result", "wait", main_thread_only=True)
    inner = Database.sync_transaction

    @contextlib.contextmanager
    def sync_transaction(self):
        with inner(self) as conn:
            yield conn
            t = time.perf_counter()
        _add("commit_s", time.perf_counter() - t)

    Database.sync_transaction = sync_transaction


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    _instrument()
    work = Path(tempfile.mkdtemp(prefix="gw-phases-"))
    srv = Server(str(working_copy(server_db(args.households), work)))
    try:
        for i in range(args.runs):
            T.clear()
            folder = work / f"run-{i}"
            cpu0, t0 = time.process_time(), time.perf_counter()
            login = Laptop(folder).enroll(srv.url, "bench", PASSWORD, first_sync=False)
            t1 = time.perf_counter()
            report = E.SyncEngine(login.db).sync()
            t2 = time.perf_counter()
            login.db.close()
            print(json.dumps({"households": args.households, "pulled": report.pulled, "total_s": round(t2 - t0, 3),
                              "enrol_s": round(t1 - t0, 3), "process_cpu_s": round(time.process_time() - cpu0, 3),
                              **{k: round(v, 3) for k, v in sorted(T.items())}}), flush=True)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
