"""The parts the benchmark suite is built of: machine description, servers, the floor, RSS sampling.

Used by :mod:`bench.run`; see there for the command. The floor of a set of rows is plain ``sqlite3``
``executemany`` of those rows into a fresh copy of the laptop schema in one transaction, plus
``orjson.loads`` of the same rows as a JSON payload.
"""
from __future__ import annotations

from typing import Any

import datetime as dt
import hashlib
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

import orjson

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable
PASSWORD = "bench-password-1"
# Laptop databases in the suite are encrypted, as the app's always are (SQLCipher, a 32-byte data
# key; the app unwraps it from its key slots at login). One fixed key, so cached databases reopen.
BENCH_KEY = hashlib.sha256(b"gridworker bench data key").digest()



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
            "sqlcipher_sqlite": _sqlcipher_version(),
            "orjson": getattr(orjson, "__version__", "?"), "platform": platform.platform(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


def _sqlcipher_version() -> str:
    """The SQLite inside sqlcipher3 (the laptop's driver), with SQLCipher's own version."""
    try:
        import sqlcipher3.dbapi2 as driver  # noqa: PLC0415

        conn = driver.connect(":memory:")
        cipher = conn.execute("PRAGMA cipher_version").fetchone()
        conn.close()
        return f"{driver.sqlite_version} (SQLCipher {cipher[0] if cipher else '?'})"
    except Exception:  # noqa: BLE001 - a description only
        return "?"


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
    from gridworker.store.template import _TEMPLATE, fresh_laptop  # noqa: PLC0415

    if "path" not in _TEMPLATE:
        tmp = Path(tempfile.mkdtemp(prefix="gw-bench-tpl-"))
        fresh_laptop(tmp / "x.db").close()
    return _TEMPLATE["path"]


def read_rows(path: Path, tables: list[str] | None = None, where: dict[str, str] | None = None,
              key: bytes | None = None) -> dict:
    """table -> (columns, row tuples) of the synced tables of a laptop database (opened with ``key``,
    or :func:`laptop_key`, when it is encrypted)."""
    from gridworker.store.connect import is_encrypted, raw_connect  # noqa: PLC0415
    from gridworker.store.tables import SYNC_ORDER  # noqa: PLC0415

    conn = raw_connect(path, (key or laptop_key(path)) if is_encrypted(path) else None)
    out = {}
    for t in tables or SYNC_ORDER:
        cur = conn.execute(f"SELECT * FROM {t}" + (f" WHERE {where[t]}" if where and t in where else ""))
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if rows:
            out[t] = (cols, rows)
    conn.close()
    return out


def floor(data: dict, work: Path, *, cipher: bool = False) -> dict:
    """Plain sqlite3 executemany of the rows into a fresh copy of the schema in one transaction,
    plus orjson.loads of the same rows as a JSON payload (built beforehand, not timed).

    With ``cipher`` also the same insert through SQLCipher (sqlcipher3, an encrypted copy of the
    schema, the bench key, WAL as the laptop has it): ``cipher_floor_s`` = decode + that insert.
    """
    payload = orjson.dumps({t: [dict(zip(cols, r)) for r in rows] for t, (cols, rows) in data.items()})
    t0 = time.perf_counter()
    orjson.loads(payload)
    decode = time.perf_counter() - t0
    target = work / f"floor-{time.monotonic_ns()}.db"
    shutil.copyfile(template_db(), target)
    conn = sqlite3.connect(target, isolation_level=None)
    insert = _insert_all(conn, data)
    conn.close()
    target.unlink()
    rows = sum(len(r) for _c, r in data.values())
    out = {"floor_s": decode + insert, "decode_s": decode, "insert_s": insert, "rows": rows,
           "payload_mb": round(len(payload) / 1e6, 1)}
    if cipher:
        from gridworker.store.connect import raw_connect  # noqa: PLC0415

        target = encrypted_template(work)
        conn = raw_connect(target, BENCH_KEY)
        out["cipher_insert_s"] = _insert_all(conn, data)
        out["cipher_floor_s"] = decode + out["cipher_insert_s"]
        conn.close()
        for p in work.glob(target.name + "*"):
            p.unlink()
    return out


def _insert_all(conn, data: dict) -> float:
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for t, (cols, rows) in data.items():
        conn.executemany(f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    conn.execute("COMMIT")
    return time.perf_counter() - t0


def encrypted_template(work: Path) -> Path:
    """A copy of the empty migrated laptop schema, encrypted with the bench key."""
    from gridworker.store.connect import raw_connect  # noqa: PLC0415

    target = work / f"floor-enc-{time.monotonic_ns()}.db"
    conn = raw_connect(template_db(), None, pragmas=False)
    conn.execute(f"ATTACH DATABASE '{target}' AS enc KEY \"x'{BENCH_KEY.hex()}'\"")
    conn.execute("SELECT sqlcipher_export('enc')")
    conn.execute("DETACH DATABASE enc")
    conn.close()
    return target


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


def child_first_sync(url: str, laptop: str, encrypted: bool = True) -> None:
    """Child process: first sync of an empty laptop; prints seconds and peak RSS as JSON.

    The laptop is encrypted with the bench key (as the app's always is) unless ``encrypted`` is
    false. Modules are imported before the clock starts, as in the app (which has the search
    module, and with it pypinyin, loaded for its search box before anyone syncs).
    """
    import resource  # noqa: PLC0415

    import gridworker.store.search_index  # noqa: F401, PLC0415 - loaded by the app at start
    import gridworker.sync.apply as apply_mod  # noqa: PLC0415
    from gridworker.store.database import Database  # noqa: PLC0415
    from gridworker.sync.engine import SyncEngine  # noqa: PLC0415
    from gridworker.sync.enrol import enroll  # noqa: PLC0415
    from gridworker.sync.laptop import Laptop  # noqa: PLC0415

    spent = [0.0]
    rebuild = apply_mod.rebuild_search_index

    rss_at_rebuild = [0.0]

    def timed_rebuild(conn, changed) -> None:
        # Only timed, not skipped: the search index is part of a laptop being ready.
        rss_at_rebuild[0] = rss_mb(os.getpid())
        t = time.perf_counter()
        rebuild(conn, changed)
        spent[0] += time.perf_counter() - t

    apply_mod.rebuild_search_index = timed_rebuild
    path = Path(laptop)
    if encrypted:
        # What the app does (Laptop.enroll, as the login window's 注册本机): a new data folder, a
        # random data key, the encrypted database created and migrated, the server's password
        # check with the user's key slot derived alongside it; all of it timed.
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        login = Laptop(path.parent).enroll(url, "bench", PASSWORD, first_sync=False)
        db = login.db
        path.with_suffix(".key").write_text(login.key.hex())
    else:
        # The unencrypted store of the release before key slots: its offline-login hash too.
        db = Database.open(path, key=None)  # migrated, not timed
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        enroll(db, url, "bench", PASSWORD, first_sync=False)
    t1 = time.perf_counter()
    report = SyncEngine(db).sync()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    # The bench user's signing credential, beside the laptop (the app seals it in the user's key
    # slot): the incremental bench writes as that user, so the server takes its changes.
    uid = db.get_state("user_id")
    cred = db.credential_of(uid)
    path.with_suffix(".cred").write_text(json.dumps({"user_id": uid, "credential": cred.hex() if cred else None}))
    db.close()
    print(json.dumps({"seconds": seconds, "pulled": report.pulled, "enrol_s": t1 - t0,
                      "search_index_s": spent[0], "encrypted": encrypted, "laptop_cpu_s": cpu,
                      "rss_before_index_mb": rss_at_rebuild[0],
                      "peak_rss_mb": peak_rss_mb(),
                      "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def laptop_key(path: Path) -> bytes | None:
    """The data key of a bench laptop: the random one its enrolment made (kept beside it), else the
    bench key (laptops the bench wrote itself)."""
    saved = Path(path).with_suffix(".key")
    return bytes.fromhex(saved.read_text()) if saved.exists() else BENCH_KEY


def peak_rss_mb() -> float:
    """This process's peak RSS since it started its program (VmHWM).

    Not ``ru_maxrss``: Linux carries that over exec from the process that forked (vfork) us, so a
    child of a big parent reports the parent's peak, not its own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    import resource  # noqa: PLC0415

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def first_sync_runs(srv: Server, work: Path, tag: str, runs: int, encrypted: bool = True) -> list[dict]:
    out = []
    for i in range(runs):
        laptop = work / f"lap-{tag}-{i}" / "gridworker.db"
        cmd = [PY, "-m", "bench.run", "--child-first-sync", srv.url, str(laptop)] + ([] if encrypted else ["plain"])
        with RssSampler(srv.pids()) as sampler:
            r = subprocess.run(cmd, cwd=str(ROOT), capture_output=True, text=True, check=True)
        res = json.loads(r.stdout.strip().splitlines()[-1])
        res["server_rss"] = sampler.summary()
        res["laptop"] = str(laptop)
        out.append(res)
    return out


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
    lines = ["| work | size | figure | floor | ratio | SQLCipher floor (ratio) | target | met |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        met = "met" if r["met"] else "NOT met" if r["met"] is False else "-"
        note = f" ({r['note']})" if r["note"] else ""
        cipher = (f"{fmt(r['cipher_floor'], r['unit'])} ({r.get('cipher_ratio')})" if r.get("cipher_floor")
                  else "-")
        lines.append(f"| {r['work']}{note} | {r['size']} | {fmt(r['figure'], r['unit'])} | "
                     f"{fmt(r['floor'], r['unit'])} | {r['ratio'] if r['ratio'] is not None else '-'} | "
                     f"{cipher} | {r['target']} | {met} |")
    return "\n".join(lines)


def open_as_bench_user(path: Path) -> tuple[Any, Any]:
    """A laptop of :func:`child_first_sync` opened with its bench user's credential: (db, actor)."""
    from gridworker.store.database import Database  # noqa: PLC0415

    db = Database.open(path, key=laptop_key(path))
    saved = json.loads(path.with_suffix(".cred").read_text())
    if saved.get("credential"):
        db.keep_credential(saved["user_id"], bytes.fromhex(saved["credential"]))
    return db, db.actor(saved["user_id"], "bench", "admin")
