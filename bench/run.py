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
import datetime as dt
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import orjson

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable
PASSWORD = "bench-password-1"
SECTIONS = ("first_sync", "incremental", "search", "ui", "import", "concurrent", "memory", "demo")


# --------------------------------------------------------------------------- machine and helpers
def machine() -> dict:
    """Cores, RAM, CPU model, versions and load average now."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "cores": os.cpu_count(), "ram_gb": round(ram / 2**30, 1), "cpu": model,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "orjson": getattr(orjson, "__version__", "?"), "platform": platform.platform(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


def median(values: list[float]) -> float:
    return statistics.median(values)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler:
    """Samples a process's RSS every 50 ms in a thread: first, peak, last."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(sum(rss_mb(p) for p in self.pids))
            time.sleep(0.05)

    def __enter__(self) -> "RssSampler":
        self.samples.append(sum(rss_mb(p) for p in self.pids))
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()
        self.samples.append(sum(rss_mb(p) for p in self.pids))

    def summary(self) -> dict:
        return {"before_mb": round(self.samples[0], 1), "peak_mb": round(max(self.samples), 1),
                "after_mb": round(self.samples[-1], 1)}


class Server:
    """``gridworker server run`` (or uvicorn with workers via gridworker.server.asgi) in its own process."""

    def __init__(self, db_url: str, workers: int = 1):
        import requests  # noqa: PLC0415

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        if workers == 1:
            cmd = [PY, "-m", "gridworker", "server", "run", "--db", db_url, "--port", str(port)]
            env = os.environ.copy()
        else:
            cmd = [PY, "-m", "uvicorn", "--factory", "gridworker.server.asgi:app", "--workers", str(workers),
                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
            env = {**os.environ, "GRIDWORKER_SERVER_DB": db_url}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT),
                                     env=env)
        for _ in range(600):
            try:
                requests.get(f"{self.url}/api/v1/health", timeout=1)
                break
            except requests.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {cmd}")
                time.sleep(0.05)
        else:
            raise RuntimeError("server did not start")

    def pids(self) -> list[int]:
        """The server process and its workers (uvicorn's manager forks them)."""
        out = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            out += [int(c) for c in children]
        except OSError:
            pass
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------- the floor
def template_db() -> Path:
    """A migrated, empty laptop database file (the same schema our sync writes into)."""
    from gridworker.server.testing import _TEMPLATE, fresh_laptop  # noqa: PLC0415

    if "path" not in _TEMPLATE:
        tmp = Path(tempfile.mkdtemp(prefix="gw-bench-tpl-"))
        fresh_laptop(tmp / "x.db").close()
    return _TEMPLATE["path"]


def read_rows(path: Path, tables: list[str] | None = None, where: dict[str, str] | None = None) -> dict:
    """table -> (columns, row tuples) of the synced tables of a laptop database."""
    from gridworker.store.tables import SYNC_ORDER  # noqa: PLC0415

    conn = sqlite3.connect(path)
    out = {}
    for t in tables or SYNC_ORDER:
        cur = conn.execute(f"SELECT * FROM {t}" + (f" WHERE {where[t]}" if where and t in where else ""))
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if rows:
            out[t] = (cols, rows)
    conn.close()
    return out


def floor(data: dict, work: Path) -> dict:
    """Plain sqlite3 executemany of the rows into a fresh copy of the schema in one transaction,
    plus orjson.loads of the same rows as a JSON payload (built beforehand, not timed)."""
    payload = orjson.dumps({t: [dict(zip(cols, r)) for r in rows] for t, (cols, rows) in data.items()})
    t0 = time.perf_counter()
    orjson.loads(payload)
    decode = time.perf_counter() - t0
    target = work / f"floor-{time.monotonic_ns()}.db"
    shutil.copyfile(template_db(), target)
    conn = sqlite3.connect(target, isolation_level=None)
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for t, (cols, rows) in data.items():
        conn.executemany(f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    conn.execute("COMMIT")
    insert = time.perf_counter() - t0
    conn.close()
    target.unlink()
    rows = sum(len(r) for _c, r in data.values())
    return {"floor_s": decode + insert, "decode_s": decode, "insert_s": insert, "rows": rows,
            "payload_mb": round(len(payload) / 1e6, 1)}


# --------------------------------------------------------------------------- server data
def server_db(households: int) -> Path:
    """A server SQLite database of one community of ``households`` households (cached in bench/out)."""
    from bench.bench_sync import one_community  # noqa: PLC0415
    from gridworker.server.auth import add_user  # noqa: PLC0415
    from gridworker.server.db import open_server_db  # noqa: PLC0415
    from gridworker.server.seed import insert_seed_rows  # noqa: PLC0415

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"server-{households}.db"
    if path.exists():
        return path
    tmp = path.with_name(path.name + ".building")
    for p in OUT.glob(tmp.name + "*"):
        p.unlink()
    t0 = time.perf_counter()
    sdb = open_server_db(str(tmp))
    with sdb.write() as conn:
        insert_seed_rows(conn, one_community(households))
        community = conn.exec_driver_sql("SELECT id FROM org_unit WHERE level = 'community'").scalar()
        add_user(conn, "bench", PASSWORD, "grid_worker", community)
    sdb.dispose()
    c = sqlite3.connect(tmp)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.execute("PRAGMA journal_mode=DELETE")
    c.close()
    tmp.rename(path)
    print(f"   seeded server database {path.name} in {time.perf_counter() - t0:.0f} s", flush=True)
    return path


def working_copy(path: Path, work: Path) -> Path:
    dst = work / path.name
    shutil.copyfile(path, dst)
    return dst


def child_first_sync(url: str, laptop: str) -> None:
    """Child process: first sync of an empty laptop; prints seconds and peak RSS as JSON."""
    import resource  # noqa: PLC0415

    from gridworker.server.testing import fresh_laptop  # noqa: PLC0415
    from gridworker.sync.engine import enroll  # noqa: PLC0415

    db = fresh_laptop(Path(laptop))
    t0 = time.perf_counter()
    res = enroll(db, url, "bench", PASSWORD)
    seconds = time.perf_counter() - t0
    db.close()
    print(json.dumps({"seconds": seconds, "pulled": res["sync"]["pulled"],
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def first_sync_runs(srv: Server, work: Path, tag: str, runs: int) -> list[dict]:
    out = []
    for i in range(runs):
        laptop = work / f"lap-{tag}-{i}" / "gridworker.db"
        with RssSampler(srv.pids()) as sampler:
            r = subprocess.run([PY, "-m", "bench.run", "--child-first-sync", srv.url, str(laptop)], cwd=str(ROOT),
                               capture_output=True, text=True, check=True)
        res = json.loads(r.stdout.strip().splitlines()[-1])
        res["server_rss"] = sampler.summary()
        res["laptop"] = str(laptop)
        out.append(res)
    return out


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
            met: bool | None, unit: str = "s", note: str = "") -> None:
        ratio = round(ours / floor_s, 2) if ours is not None and floor_s else None
        row = {"work": work, "size": size, "figure": None if ours is None else round(ours, 4), "unit": unit,
               "floor": None if floor_s is None else round(floor_s, 4), "ratio": ratio, "target": target,
               "met": met, "note": note}
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
            floors = [floor(data, self.work) for _ in range(runs)]
            ours = median([r["seconds"] for r in res])
            fl = median([f["floor_s"] for f in floors])
            per_household[n] = ours / n
            self.details[f"first_sync_{n}"] = {"runs": res, "floors": floors}
            if n == 10000:
                self.add("first sync of an empty laptop", f"{n:,} households, {floors[0]['rows']:,} rows", ours, fl,
                         "≤ 3 × floor and < 3 s", ours / fl <= 3 and ours < 3)
            elif n == 100000:
                lin = per_household[n] / per_household[10000]
                self.add("first sync of an empty laptop", f"{n:,} households, {floors[0]['rows']:,} rows", ours, fl,
                         "≤ 3 × floor; linear", ours / fl <= 3 and lin < 1.5,
                         note=f"time per household {lin:.2f} × the 10k run's")
                peak = median([r["peak_rss_mb"] for r in res])
                srv_growth = median([r["server_rss"]["peak_mb"] - r["server_rss"]["before_mb"] for r in res])
                self.details["memory_100k"] = {"laptop_peak_rss_mb": peak, "server_rss_growth_mb": srv_growth,
                                               "server_rss": [r["server_rss"] for r in res]}
                self.add("memory: laptop peak RSS, 100k first sync", f"{n:,} households", peak, None,
                         "< 400 MB", peak < 400, unit="MB")
                self.add("memory: server RSS growth during it", f"{n:,} households", srv_growth, None,
                         "flat (streamed)", srv_growth < 100, unit="MB",
                         note=f"server RSS {res[0]['server_rss']['before_mb']:.0f} -> peak "
                              f"{res[0]['server_rss']['peak_mb']:.0f} MB")
            else:
                self.add("first sync of an empty laptop", f"{n:,} households, {floors[0]['rows']:,} rows", ours, fl,
                         "≤ 3 × floor", ours / fl <= 3)

    # ---------------------------------------------------------------- (2) incremental
    def incremental(self) -> None:
        from gridworker.store.database import Database  # noqa: PLC0415
        from gridworker.sync.engine import SyncEngine  # noqa: PLC0415

        n = 10000
        if len(self.laptops.get(n, [])) < 2:
            res = first_sync_runs(self.server_for(n), self.work, f"inc{n}", 2)
            self.laptops[n] = [r["laptop"] for r in res]
        a, b = (Database.open(Path(p)) for p in self.laptops[n][:2])
        SyncEngine(b).sync()
        push_t, pull_t, floors = [], [], []
        try:
            with a.read() as conn:
                ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household ORDER BY id LIMIT 1000")]
            for run in range(3):
                with a.write(a.actor("bench")) as uow:
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
                with b.write(b.actor("bench")) as uow:
                    for i, hid in enumerate(ids):
                        uow.update("household", hid, {"notes": f"bench back {run} change {i}"})
                t0 = time.perf_counter()
                SyncEngine(b).push()
                back_push.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                SyncEngine(a).pull()
                back_pull.append(time.perf_counter() - t0)
        finally:
            a.close()
            b.close()
        fl = median([f["floor_s"] for f in floors])
        self.details["incremental"] = {"push_s": push_t, "pull_s": pull_t, "back_push_s": back_push,
                                       "back_pull_s": back_pull, "floors": floors}
        for label, ts in (("push", push_t + back_push), ("pull", pull_t + back_pull)):
            ours = median(ts)
            self.add(f"incremental sync: {label} 1,000 changed rows", "10,000-household laptop", ours, fl,
                     "< 0.3 s", ours < 0.3, note=f"{len(ts)} runs, both laptops")

    # ---------------------------------------------------------------- (3) search and first paint
    def search(self) -> None:
        import random  # noqa: PLC0415

        from bench.bench_search import ensure_database, make_queries  # noqa: PLC0415
        from gridworker.store import search  # noqa: PLC0415
        from gridworker.store.database import Database  # noqa: PLC0415

        n = 20000 if self.quick else 100000
        path = ensure_database(n, 1, False)
        db = Database.open(path)
        p95s, floor95s = [], []
        try:
            with db.read() as conn:
                queries = make_queries(conn, random.Random(1), 280)
                search.search_households(conn, "张")
                raw = sqlite3.connect(path)
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
                 note="floor: plain sqlite3 reading the same 50 hit rows by id")

    def ui(self) -> None:
        import re  # noqa: PLC0415

        keep = OUT / "ui-100k"
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
        # Floor: plain sqlite3 opens the file and reads the list's first page ordered by address.
        floors = []
        for _ in range(3):
            t0 = time.perf_counter()
            c = sqlite3.connect(keep / "gridworker.db")
            c.execute("SELECT * FROM household WHERE deleted = 0 ORDER BY address_key LIMIT 50").fetchall()
            c.execute("SELECT count(*) FROM household WHERE deleted = 0").fetchone()
            c.close()
            floors.append(time.perf_counter() - t0)
        self.details["ui"] = {"first_paint_s": paints, "typing_p95_ms": p95s, "floor_s": floors}
        ours = median(paints)
        self.add("app: open database, first paint of household list", "100,000 households", ours, median(floors),
                 "< 1.5 s", ours < 1.5, note="offscreen Qt; floor: sqlite3 open + first page + count")
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
            db = Database.open(path)
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
        from gridworker.server.testing import TempPgDatabase, pg_unreachable_reason  # noqa: PLC0415

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
            r = subprocess.run([PY, "-m", "bench.concurrent", srv.url, pg.url, str(self.work / "fleet"),
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
            db = Database.open(path)
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


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "s":
        return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"
    if unit == "ms":
        return f"{v:.1f} ms"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v:,.0f} {unit}"


def table(rows: list[dict]) -> str:
    lines = ["| work | size | figure | floor | ratio | target | met |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        met = "met" if r["met"] else "NOT met" if r["met"] is False else "-"
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(f"| {r['work']}{note} | {r['size']} | {fmt(r['figure'], r['unit'])} | "
                     f"{fmt(r['floor'], r['unit'])} | {r['ratio'] if r['ratio'] is not None else '-'} | "
                     f"{r['target']} | {met} |")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-first-sync":
        child_first_sync(sys.argv[2], sys.argv[3])
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
