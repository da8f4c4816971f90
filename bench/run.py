"""The benchmark suite of issue 6: one command, real servers and clients, figures next to their floor.

    .venv/bin/python -m bench.run                      # everything (~15 min; 100k data cached in bench/out/)
    .venv/bin/python -m bench.run --quick              # 1k/10k sync, incremental, import, search (~3 min)
    .venv/bin/python -m bench.run --only first_sync,incremental --out bench/out/results.json

Sections (``--only``): first_sync, incremental, search, ui, import, concurrent, memory, demo.
Every figure is the median of at least 3 runs and sits next to its FLOOR measured in the same run:
plain ``sqlite3`` ``executemany`` of the same rows into the same schema in one transaction, plus
``orjson.loads`` of the same rows as a JSON payload. ratio = ours / floor. Prints a table and writes
JSON (machine description included). Runs by hand, never inside the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from bench.harness import (BENCH_KEY, OUT, open_as_bench_user, PASSWORD, PY, ROOT, Server, child_first_sync, first_sync_runs, floor,
                           fmt, machine, median, pct, read_rows, server_db, table, working_copy)

SECTIONS = ("first_sync", "incremental", "search", "ui", "import", "concurrent", "memory", "demo")


# --------------------------------------------------------------------------- sections
class Suite:
    def __init__(self, quick: bool, work: Path):
        self.quick = quick
        self.work = work
        self.rows: list[dict] = []
        self.details: dict[str, Any] = {}
        self.laptops: dict[int, list[str]] = {}
        self.servers: dict[int, Server] = {}

    def add(self, work: str, size: str, ours: float | None, floor_s: float | None, target: str,
            met: bool | None, unit: str = "s", note: str = "", cipher_floor: float | None = None) -> None:
        ratio = round(ours / floor_s, 2) if ours is not None and floor_s else None
        row = {"work": work, "size": size, "figure": None if ours is None else round(ours, 4), "unit": unit,
               "floor": None if floor_s is None else round(floor_s, 4), "ratio": ratio, "target": target,
               "met": met, "note": note,
               "cipher_floor": None if cipher_floor is None else round(cipher_floor, 4),
               "cipher_ratio": round(ours / cipher_floor, 2) if ours is not None and cipher_floor else None}
        self.rows.append(row)
        print(f"   -> {work} [{size}]: {fmt(row['figure'], unit)} floor {fmt(row['floor'], unit)} "
              f"ratio {ratio} target {target}: {'met' if met else 'NOT met' if met is False else '-'} {note}",
              flush=True)

    def server_for(self, households: int) -> Server:
        if households not in self.servers:
            path = working_copy(server_db(households), self.work)
            self.servers[households] = Server(str(path))
        return self.servers[households]

    def close(self) -> None:
        for s in self.servers.values():
            s.stop()

    # ---------------------------------------------------------------- (1) first sync
    def first_sync(self) -> None:
        sizes = [1000, 10000] if self.quick else [1000, 10000, 100000]
        per_household: dict[int, float] = {}
        for n in sizes:
            runs = 3
            srv = self.server_for(n)
            res = first_sync_runs(srv, self.work, str(n), runs)
            self.laptops[n] = [r["laptop"] for r in res]
            data = read_rows(Path(res[0]["laptop"]))
            floors = [floor(data, self.work, cipher=True) for _ in range(runs)]
            del data
            ours = median([r["seconds"] for r in res])
            fl = median([f["floor_s"] for f in floors])
            cfl = median([f["cipher_floor_s"] for f in floors])
            per_household[n] = ours / n
            note = ""
            if "search_index_s" in res[0]:
                enrol = median([r["enrol_s"] for r in res])
                idx = median([r["search_index_s"] for r in res])
                note = (f"of which enrolment (new encrypted store, server password check, key slot) {enrol:.2f} s, search index build {idx:.2f} s;"
                        f" without those {(ours - enrol - idx) / fl:.1f} × floor")
            self.details[f"first_sync_{n}"] = {"runs": res, "floors": floors}
            if n == 10000:
                self.add("first sync of an empty laptop", f"{n:,} households, {floors[0]['rows']:,} rows", ours, fl,
                         "≤ 3 × floor and < 3 s", ours / fl <= 3 and ours < 3, note=note, cipher_floor=cfl)
                # The price of encryption, once: the same first sync into an unencrypted laptop.
                plain = first_sync_runs(srv, self.work, f"{n}-plain", runs, encrypted=False)
                plain_s = median([r["seconds"] for r in plain])
                self.details[f"first_sync_{n}_plain"] = {"runs": plain}
                self.add("same, laptop NOT encrypted (key=None): the encryption overhead",
                         f"{n:,} households, {floors[0]['rows']:,} rows", plain_s, fl, "report", None,
                         note=f"encrypted {ours:.2f} s = {(ours / plain_s - 1) * 100:+.0f} %; search index build "
                              f"{median([r['search_index_s'] for r in plain]):.2f} s; SQLCipher floor "
                              f"{cfl:.3f} s = {(cfl / fl - 1) * 100:+.0f} % over the plain floor")
            elif n == 100000:
                lin = per_household[n] / per_household[10000]
                self.add("first sync of an empty laptop", f"{n:,} households, {floors[0]['rows']:,} rows", ours, fl,
                         "≤ 3 × floor; linear", ours / fl <= 3 and lin < 1.5,
                         note=f"time per household {lin:.2f} × the 10k run's; {note}", cipher_floor=cfl)
                peak = median([r["peak_rss_mb"] for r in res])
                srv_growth = median([r["server_rss"]["peak_mb"] - r["server_rss"]["before_mb"] for r in res])
                self.details["memory_100k"] = {"laptop_peak_rss_mb": peak, "server_rss_growth_mb": srv_growth,
                                               "server_rss": [r["server_rss"] for r in res]}
                self.add("memory: laptop peak RSS, 100k first sync", f"{n:,} households", peak, None,
                         "< 300 MB", peak < 300, unit="MB")
                self.add("memory: server RSS growth during it", f"{n:,} households", srv_growth, None,
                         "flat (streamed)", srv_growth < 100, unit="MB",
                         note=f"server RSS {res[0]['server_rss']['before_mb']:.0f} -> peak "
                              f"{res[0]['server_rss']['peak_mb']:.0f} MB")
            else:
                self.add("first sync of an empty laptop", f"{n:,} households, {floors[0]['rows']:,} rows", ours, fl,
                         "≤ 3 × floor", ours / fl <= 3, note=note, cipher_floor=cfl)

    # ---------------------------------------------------------------- (2) incremental
    def incremental(self) -> None:
        from gridworker.store.database import Database  # noqa: PLC0415
        from gridworker.sync.engine import SyncEngine  # noqa: PLC0415

        n = 10000
        if len(self.laptops.get(n, [])) < 2:
            res = first_sync_runs(self.server_for(n), self.work, f"inc{n}", 2)
            self.laptops[n] = [r["laptop"] for r in res]
        import gridworker.sync.apply as apply_mod  # noqa: PLC0415

        (a, actor_a), (b, actor_b) = (open_as_bench_user(Path(p)) for p in self.laptops[n][:2])
        SyncEngine(b).sync()
        push_t, pull_t, floors = [], [], []
        index_s = [0.0]
        refresh = apply_mod.refresh_search_index

        def timed_refresh(conn, changed) -> None:
            # Only timed: keeping the search index current is part of a pull.
            t = time.perf_counter()
            refresh(conn, changed)
            index_s[0] += time.perf_counter() - t

        apply_mod.refresh_search_index = timed_refresh
        try:
            with a.read() as conn:
                ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household ORDER BY id LIMIT 1000")]
            for run in range(3):
                with a.write(actor_a) as uow:
                    for i, hid in enumerate(ids):
                        uow.update("household", hid, {"notes": f"bench run {run} change {i}"})
                t0 = time.perf_counter()
                pushed = SyncEngine(a).push().pushed
                push_t.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                pulled = SyncEngine(b).pull().pulled
                pull_t.append(time.perf_counter() - t0)
                assert pushed == 1000 and pulled >= 1000, (pushed, pulled)
                quoted = ",".join(f"'{i}'" for i in ids)
                floors.append(floor(read_rows(Path(self.laptops[n][1]), ["household"],
                                              {"household": f"id IN ({quoted})"}), self.work))
            # And the other way: b's changes to a.
            back_push, back_pull = [], []
            for run in range(3):
                with b.write(actor_b) as uow:
                    for i, hid in enumerate(ids):
                        uow.update("household", hid, {"notes": f"bench back {run} change {i}"})
                t0 = time.perf_counter()
                SyncEngine(b).push()
                back_push.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                SyncEngine(a).pull()
                back_pull.append(time.perf_counter() - t0)
            # Changes to a searched field (the head's phone): the pull re-indexes those households.
            indexed_pull = []
            index_before = index_s[0]
            for run in range(3):
                with a.write(actor_a) as uow:
                    for i, hid in enumerate(ids):
                        uow.update("household", hid, {"phone": f"139{run:02d}{i:06d}"})
                SyncEngine(a).push()
                t0 = time.perf_counter()
                SyncEngine(b).pull()
                indexed_pull.append(time.perf_counter() - t0)
            indexed_index_s = (index_s[0] - index_before) / 3
        finally:
            apply_mod.refresh_search_index = refresh
            a.close()
            b.close()
        fl = median([f["floor_s"] for f in floors])
        index_per_pull = (index_before) / (len(pull_t) + len(back_pull))
        self.details["incremental"] = {"push_s": push_t, "pull_s": pull_t, "back_push_s": back_push,
                                       "back_pull_s": back_pull, "floors": floors,
                                       "search_index_refresh_s_per_pull": index_per_pull,
                                       "indexed_pull_s": indexed_pull,
                                       "indexed_search_index_refresh_s_per_pull": indexed_index_s}
        for label, ts in (("push", push_t + back_push), ("pull", pull_t + back_pull)):
            ours = median(ts)
            self.add(f"incremental sync: {label} 1,000 changed rows", "10,000-household laptop", ours, fl,
                     "< 0.2 s", ours < 0.2,
                     note=f"{len(ts)} runs, both ways; a household's notes changed" +
                          (f"; of which search index refresh {index_per_pull:.3f} s" if label == "pull" else ""))
        ours = median(indexed_pull)
        self.add("incremental sync: pull 1,000 changed rows of a searched field", "10,000-household laptop", ours, fl,
                 "< 0.2 s", ours < 0.2,
                 note=f"3 runs; the head's phone changed, so the 1,000 households are re-indexed: search index "
                      f"refresh {indexed_index_s:.3f} s")

    # ---------------------------------------------------------------- (3) search and first paint
    def search(self) -> None:
        import random  # noqa: PLC0415

        from bench.bench_search import ensure_database, make_queries  # noqa: PLC0415
        from gridworker.store import search  # noqa: PLC0415
        from gridworker.store.database import Database  # noqa: PLC0415

        n = 20000 if self.quick else 100000
        path = ensure_database(n, 1, False, key=BENCH_KEY)
        db = Database.open(path, key=BENCH_KEY)
        p95s, floor95s = [], []
        try:
            with db.read() as conn:
                queries = make_queries(conn, random.Random(1), 280)
                search.search_households(conn, "张")
                from gridworker.store.connect import raw_connect  # noqa: PLC0415

                raw = raw_connect(path, BENCH_KEY)  # the file is encrypted: the floor reads through SQLCipher
                for _ in range(3):
                    ours, fl = [], []
                    for _cat, text, f in queries:
                        t0 = time.perf_counter()
                        hits = search.search_households(conn, text, limit=50, **f)
                        ours.append((time.perf_counter() - t0) * 1000)
                        ids = [getattr(h, "id", None) or h["id"] for h in hits] if hits else []
                        t0 = time.perf_counter()
                        raw.execute(f"SELECT * FROM household WHERE id IN ({','.join('?' * len(ids))})",
                                    ids).fetchall()
                        fl.append((time.perf_counter() - t0) * 1000)
                    p95s.append(pct(ours, 95))
                    floor95s.append(pct(fl, 95))
                raw.close()
        finally:
            db.close()
        ours, fl = median(p95s), median(floor95s)
        self.details["search"] = {"households": n, "queries": len(queries), "p95_ms_runs": p95s,
                                  "floor_p95_ms_runs": floor95s}
        self.add("search as you type (store query), p95", f"{n:,} households, {len(queries)} queries", ours, fl,
                 "p95 < 50 ms", ours < 50, unit="ms",
                 note="floor: sqlcipher3 (the file is encrypted) reading the same 50 hit rows by id")

    def ui(self) -> None:
        import re  # noqa: PLC0415

        keep = OUT / "ui-100k-enc"
        paints, p95s = [], []
        for _ in range(3):
            r = subprocess.run([PY, "bench/bench_ui.py", "--keep", str(keep), "--queries", "40"], cwd=str(ROOT),
                               capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                               timeout=900)
            m = re.search(r"first paint of the household list ([\d.]+) s", r.stdout)
            k = re.search(r"p95 ([\d.]+) ms", r.stdout)
            if not m:
                raise RuntimeError(f"bench_ui failed: {r.stdout[-500:]} {r.stderr[-1500:]}")
            paints.append(float(m.group(1)))
            if k:
                p95s.append(float(k.group(1)))
        # Floor: the driver opens the (encrypted) file with the key and reads the list's first page
        # ordered by address, and the count.
        import sqlcipher3.dbapi2 as sqlcipher  # noqa: PLC0415

        from gridworker.store.connect import key_pragma  # noqa: PLC0415

        floors = []
        for _ in range(3):
            t0 = time.perf_counter()
            c = sqlcipher.connect(str(keep / "gridworker.db"))
            c.execute(key_pragma(BENCH_KEY))
            c.execute("SELECT * FROM household WHERE deleted = 0 ORDER BY address_key LIMIT 50").fetchall()
            c.execute("SELECT count(*) FROM household WHERE deleted = 0").fetchone()
            c.close()
            floors.append(time.perf_counter() - t0)
        self.details["ui"] = {"first_paint_s": paints, "typing_p95_ms": p95s, "floor_s": floors}
        ours = median(paints)
        self.add("app: open database, first paint of household list", "100,000 households", ours, median(floors),
                 "< 1.5 s", ours < 1.5, note="offscreen Qt; encrypted, opened with check=False as the app does; "
                                             "floor: sqlcipher3 open with the key + first page + count")
        if p95s:
            self.add("search as you type in the app (keystroke to new page), p95", "100,000 households",
                     median(p95s), None, "p95 < 50 ms", median(p95s) < 50, unit="ms",
                     note="bench_ui: model refreshed, debounce excluded")

    # ---------------------------------------------------------------- (4) ledger import
    def ledger_import(self) -> None:
        from bench.bench_import import COMMUNITY, build_ledger  # noqa: PLC0415
        from gridworker.ledger import import_ledger  # noqa: PLC0415
        from gridworker.store.database import Database  # noqa: PLC0415

        ledger = self.work / "ledger.xlsx"
        build_ledger(ledger, 20000)
        times, floors = [], []
        for run in range(3):
            path = self.work / f"import-{run}" / "gridworker.db"
            path.parent.mkdir()
            db = Database.open(path, key=BENCH_KEY)
            db.set_state("community_id", COMMUNITY)
            with db.write(db.actor("bench")) as uow:
                uow.insert("org_unit", {"code": "320211001", "name": "蠡桥社区", "level": "community",
                                        "community_id": COMMUNITY}, row_id=COMMUNITY)
            t0 = time.perf_counter()
            result = import_ledger(db, db.actor("bench"), ledger)
            times.append(time.perf_counter() - t0)
            db.close()
            summary = result.summary()
            data = read_rows(path, ["building", "household", "resident"])
            floors.append(floor(data, self.work))
        ours, fl = median(times), median([f["floor_s"] for f in floors])
        self.details["import"] = {"times_s": times, "floors": floors, "summary": summary}
        self.add("ledger import (.xlsx)", f"20,000 rows -> {floors[0]['rows']:,} rows", ours, fl, "< 5 s", ours < 5,
                 note="floor: the created rows")

    # ---------------------------------------------------------------- (5) 50 push + 50 pull on PostgreSQL
    def concurrent(self) -> None:
        from bench.bench_sync import one_community  # noqa: PLC0415
        from gridworker.server.auth import add_user  # noqa: PLC0415
        from gridworker.server.db import open_server_db  # noqa: PLC0415
        from gridworker.server.seed import insert_seed_rows  # noqa: PLC0415
        from tests.support.pg import TempPgDatabase, pg_unreachable_reason  # noqa: PLC0415

        reason = pg_unreachable_reason()
        if reason:
            self.add("50 laptops push 100 each while 50 pull", "PostgreSQL, 2 workers", None, None,
                     "all acked, none lost, all verify", None, note=f"skipped: {reason}")
            return
        households = 300
        pg = TempPgDatabase()
        srv = None
        try:
            sdb = open_server_db(pg.url)
            with sdb.write() as conn:
                insert_seed_rows(conn, one_community(households, seed=3))
                community = conn.exec_driver_sql("SELECT id FROM org_unit WHERE level = 'community'").scalar()
                add_user(conn, "bench", PASSWORD, "grid_worker", community)
            sdb.dispose()
            srv = Server(pg.url, workers=2)
            r = subprocess.run([PY, "-m", "bench.fleet", srv.url, pg.url, str(self.work / "fleet"),
                                PASSWORD], cwd=str(ROOT), capture_output=True, text=True, timeout=1200)
            if r.returncode != 0:
                raise RuntimeError(r.stderr[-3000:])
            res = json.loads(r.stdout.strip().splitlines()[-1])
        finally:
            if srv is not None:
                srv.stop()
            pg.drop()
        self.details["concurrent"] = res
        ok = res["acked"] == res["expected"] and res["server_new_rows"] == res["expected"] and res["verified"] == 100
        self.add("50 laptops push 100 changes each while 50 pull: changes/s", "PostgreSQL, uvicorn --workers 2",
                 res["changes_per_s"], None, "report", None, unit="changes/s",
                 note=f"runs {res['runs']}; acked {res['acked']}/{res['expected']}, on server "
                      f"{res['server_new_rows']}, verified {res['verified']}/100 laptops")
        self.add("same: push latency p95", "PostgreSQL, uvicorn --workers 2", res["push_p95_s"], None,
                 "all acked, none lost, every laptop verifies", ok,
                 note=f"push p50 {res['push_p50_s']:.2f} s; pull p95 {res['pull_p95_s']:.1f} s (50 pulling "
                      f"threads share one client process with the pushers: client CPU, not server)")

    # ---------------------------------------------------------------- (6) memory (in first_sync at 100k)
    def memory(self) -> None:
        if "memory_100k" in self.details:
            return
        n = 10000 if self.quick else 100000
        srv = self.server_for(n)
        res = first_sync_runs(srv, self.work, f"mem{n}", 3)
        peak = median([r["peak_rss_mb"] for r in res])
        growth = median([r["server_rss"]["peak_mb"] - r["server_rss"]["before_mb"] for r in res])
        self.details[f"memory_{n}"] = {"runs": res}
        self.add("memory: laptop peak RSS during first sync", f"{n:,} households", peak, None, "< 400 MB",
                 peak < 400, unit="MB")
        self.add("memory: server RSS growth during it", f"{n:,} households", growth, None, "flat (streamed)",
                 growth < 100, unit="MB")

    # ---------------------------------------------------------------- (7) demo city
    def demo(self) -> None:
        from gridworker.demo import write_laptop  # noqa: PLC0415
        from gridworker.store.database import Database  # noqa: PLC0415

        # 100,000 takes ~90 s a run; three runs of 10,000 keep the suite short (bench_demo does big ones).
        n = 10000
        times, sizes, floors = [], [], []
        for run in range(3):
            path = self.work / f"demo-{run}" / "gridworker.db"
            path.parent.mkdir()
            db = Database.open(path, key=BENCH_KEY)
            t0 = time.perf_counter()
            counts = write_laptop(db, n, seed=1)
            db.close()
            times.append(time.perf_counter() - t0)
            sizes.append(path.stat().st_size / 1e6)
            if run == 0:
                floors.append(floor(read_rows(path), self.work))
            shutil.rmtree(path.parent)
        self.details["demo"] = {"households": n, "times_s": times, "size_mb": sizes, "counts": counts,
                                "floors": floors}
        ours = median(times)
        self.add("demo generation into a laptop db", f"{n:,} households, {sum(counts.values()):,} rows", ours,
                 floors[0]["floor_s"], "report", None,
                 note=f"file {median(sizes):.0f} MB; whole city (578,200) extrapolated "
                      f"≈{ours * 578200 / n / 60:.0f} min, ≈{median(sizes) * 578200 / n / 1000:.1f} GB")




def main() -> int:
    if "--round2" in sys.argv[1:]:
        from bench.round2 import main as round2  # noqa: PLC0415

        return round2(sys.argv[1:])
    if len(sys.argv) > 1 and sys.argv[1] == "--child-first-sync":
        child_first_sync(sys.argv[2], sys.argv[3], encrypted=sys.argv[4:5] != ["plain"])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, no PostgreSQL, no UI (~3 min)")
    ap.add_argument("--only", default="", help="comma-separated: " + ",".join(SECTIONS))
    ap.add_argument("--out", type=Path, default=OUT / "results.json")
    args = ap.parse_args()
    only = [s for s in args.only.split(",") if s]
    for s in only:
        if s not in SECTIONS:
            ap.error(f"unknown section {s!r}; choose from {', '.join(SECTIONS)}")
    chosen = only or (["first_sync", "incremental", "import", "search"] if args.quick else list(SECTIONS))
    os.environ.setdefault("GRIDWORKER_SYNC_RETRIES", "2")
    sys.path.insert(0, str(ROOT))
    info = machine()
    print(f"machine: {info['cores']} cores, {info['ram_gb']} GB, {info['cpu']}; Python {info['python']}, "
          f"SQLite {info['sqlite']}; load {info['loadavg_start']}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    suite = Suite(args.quick, work)
    started = time.perf_counter()
    methods: dict[str, Callable[[], None]] = {
        "first_sync": suite.first_sync, "incremental": suite.incremental, "search": suite.search, "ui": suite.ui,
        "import": suite.ledger_import, "concurrent": suite.concurrent, "memory": suite.memory, "demo": suite.demo}
    errors = {}
    try:
        for name in chosen:
            print(f"== {name}", flush=True)
            t0 = time.perf_counter()
            try:
                methods[name]()
            except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others
                errors[name] = f"{type(exc).__name__}: {exc}"
                print(f"   !! {name} failed: {errors[name]}", flush=True)
            print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
    finally:
        suite.close()
        shutil.rmtree(work, ignore_errors=True)
    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    info["suite_s"] = round(time.perf_counter() - started, 1)
    print()
    print(table(suite.rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": info, "quick": args.quick, "sections": chosen, "rows": suite.rows,
                                    "errors": errors, "details": suite.details}, ensure_ascii=False, indent=1,
                                   default=str))
    print(f"\nwrote {args.out} ({info['suite_s']:.0f} s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
