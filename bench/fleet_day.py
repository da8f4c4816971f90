"""The fleet of issue #18: 1,000 laptops' day of syncs against ``uvicorn --workers 2`` on PostgreSQL.

    .venv/bin/python -m bench.fleet_day                    # the full fleet, ~7 min on 2 cores; JSON on stdout
    .venv/bin/python -m bench.fleet_day --laptops 100 --communities 10 --households 300 --step-seconds 10

(``python -m bench.run --round2`` runs it and renders its rows; ``--round2 --fleet`` runs only it.)

The city: ``--communities`` small communities (the demo generator's city of ``--households``
households split that many ways: 18-41 households, ~560 rows each), seeded through the server's own
``insert_seed_rows``, and ``--laptops / --communities`` grid workers per community, each a user of
the server (``add_user``; one Argon2id hash is computed and reused for all of them, since the seed is
not what is measured: every enrolment still checks its password with Argon2id on the server).

The laptops: a **protocol laptop** (:class:`Laptop`), not a laptop store. It enrols through the real
``POST /auth/enroll`` (its own device id and token, the server's credential for its user), pulls its
community's snapshot, and then each of its syncs makes the calls ``SyncEngine.sync`` makes, in the
same order and with the same bodies: an empty push (the epoch check), the push of its outbox (entries
shaped as the unit of work writes them, seq numbered, HLC-stamped with ``domain.hlc.HybridClock`` and
signed with ``store.signing.sign`` under its user's credential), the pull pages (applied to an
in-memory replica: table -> id -> row, field versions kept for the next edit's ``base_versions``),
``GET /sync/conflicts`` and ``POST /sync/report``. A real laptop's SQLCipher writes, search index and
review items are not done: they cost the laptop, not the server, and 1,000 of them would take the
two cores away from the server being measured. The replica's checksum is the real
``store.rows.row_hash`` sum, compared with the server's at the end (``GET /sync/verify``); a sample of
communities is also checked with real laptops (``fresh_laptop`` + ``enroll`` + ``SyncEngine.verify``).

A laptop's day: ``--changes`` changes (default 200) in ``--syncs`` syncs (default 4 of 50): visits
(append, 50 %), edits of a household's notes or phone (update with base versions, 30 %; two laptops
of one community may edit the same field: conflicts are real and kept), new households (insert,
20 %). The day's syncs are queued laptop by laptop in one shuffled order, repeated ``--syncs`` times
(so one laptop's syncs are a whole round apart).

Load: closed loop, ``--levels`` concurrent syncs (default 1,2,4,...,64: that many laptops syncing at
any moment, each slot starting the next sync as soon as one finishes), after a ``--warmup-seconds`` burst
at ``--warmup`` (pools, threads and caches grow to size first), each level held ``--step-seconds``; after
the last level the rest of the day runs at ``--finish`` concurrency until every laptop's day is done.
Per level: changes/s acked (syncs that ended in it), push latency (the POST that carries the entries)
p50/p95/p99 and whole-sync p95 (syncs that began in it), CPU of the client processes, the uvicorn master
+ workers, the PostgreSQL backends of this database and everyone else on the machine (from /proc), what
the server's connections are doing (``pg_stat_activity``), sampled every second with the server's RSS.
During the ``--profile-level`` step, py-spy (if installed in the venv) samples both workers.

Afterwards: every laptop syncs and verifies (replica checksum = server checksum), pending outbox 0,
and from PostgreSQL: each device's change-log rows = entries it wrote (none lost, none doubled), its
visits' ids = the ids it wrote, its new households present, ``device.last_seq`` = its last seq.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.harness import rss_mb

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Fleet-bench-7c1e-lantern"
TICK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- numbers
def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def _r(x: float | None, n: int = 3) -> float | None:
    return None if x is None else round(x, n)


# --------------------------------------------------------------------------- /proc
def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (0 when it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def pg_backends(dbname: str) -> list[int]:
    """PostgreSQL backend processes serving ``dbname`` (their title names the database)."""
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            title = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {dbname} " in title:
            out.append(int(p.name))
    return out


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (/proc/stat)."""
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    vals = [int(x) for x in parts[:8]]
    idle = vals[3] + vals[4]
    return (sum(vals) - idle) / TICK, sum(vals) / TICK


class Sampler:
    """Every second: server RSS (master + workers) and cumulative CPU of server, client processes,
    this database's PostgreSQL backends and the whole machine."""

    def __init__(self, server_pid: int, client_pids: list[int], dbname: str, interval: float = 1.0,
                 pg_url: str | None = None):
        self.server_pid, self.client_pids, self.dbname = server_pid, client_pids, dbname
        self._pg = None
        if pg_url:
            import psycopg  # noqa: PLC0415

            self._pg = psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        self.interval = interval
        self.samples: list[dict] = []
        self._pg_seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict:
        server = [self.server_pid, *children(self.server_pid)]
        for pid in pg_backends(self.dbname):
            self._pg_seen[pid] = cpu_seconds(pid) or self._pg_seen.get(pid, 0.0)
        busy, total = machine_busy()
        waits = {"active": 0, "lock": 0, "io": 0, "idle_in_tx": 0}
        if self._pg is not None:
            # What the server's connections are doing this second: running, waiting for a row lock
            # (pushes of one community queue on its counter row), for I/O (WAL flush at commit) …
            for state, wtype, n in self._pg.execute(
                    "SELECT state, wait_event_type, count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid() GROUP BY 1, 2", (self.dbname,)):
                if state == "active":
                    waits["active"] += n
                    if wtype == "Lock":
                        waits["lock"] += n
                    elif wtype in ("IO", "LWLock"):
                        waits["io"] += n
                elif state == "idle in transaction":
                    waits["idle_in_tx"] += n
        return {"t": time.time(), "pg": waits, "server_rss_mb": round(sum(rss_mb(p) for p in server), 1),
                "workers_rss_mb": [round(rss_mb(p), 1) for p in server],
                "server_cpu_s": sum(cpu_seconds(p) for p in server),
                "client_cpu_s": sum(cpu_seconds(p) for p in self.client_pids),
                # Backends that exited keep their last reading: the sum never goes back.
                "pg_cpu_s": sum(self._pg_seen.values()), "machine_busy_s": busy, "machine_total_s": total,
                "load": os.getloadavg()[0]}

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(self.sample())

    def start(self) -> "Sampler":
        self.samples.append(self.sample())
        self._t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._t.join()
        self.samples.append(self.sample())
        if self._pg is not None:
            self._pg.close()

    def window(self, t0: float, t1: float) -> dict:
        """CPU use (in cores) of each party between t0 and t1, from the samples nearest them."""
        inside = [s for s in self.samples if t0 - 0.6 <= s["t"] <= t1 + 0.6]
        if len(inside) < 2:
            return {}
        a, b = inside[0], inside[-1]
        dt_ = b["t"] - a["t"]
        pg = {k: round(statistics.mean(s["pg"][k] for s in inside), 1) for k in ("active", "lock", "io", "idle_in_tx")}
        cores = os.cpu_count() or 1
        return {"server_cores": round((b["server_cpu_s"] - a["server_cpu_s"]) / dt_, 2),
                "client_cores": round((b["client_cpu_s"] - a["client_cpu_s"]) / dt_, 2),
                "pg_cores": round((b["pg_cpu_s"] - a["pg_cpu_s"]) / dt_, 2),
                "machine_busy_cores": round((b["machine_busy_s"] - a["machine_busy_s"]) /
                                            (b["machine_total_s"] - a["machine_total_s"]) * cores, 2),
                "load1": [round(a["load"], 2), round(b["load"], 2)],
                # Everything else on this shared machine (other people's tests, this parent process).
                "other_cores": round((b["machine_busy_s"] - a["machine_busy_s"]) / (b["machine_total_s"] -
                                     a["machine_total_s"]) * cores - (b["server_cpu_s"] - a["server_cpu_s"] +
                                     b["client_cpu_s"] - a["client_cpu_s"] + b["pg_cpu_s"] - a["pg_cpu_s"]) / dt_, 2),
                "server_rss_mb": [min(s["server_rss_mb"] for s in inside), max(s["server_rss_mb"] for s in inside)],
                # Mean over the seconds: connections running a statement, of which waiting for a lock /
                # I/O; connections inside a transaction but waiting for the server's Python.
                "pg_sessions": pg}

    def memory(self, t0: float, t1: float) -> dict:
        """Server RSS start / peak / end over [t0, t1] and the slope over its last half (MB/min)."""
        xs = [s for s in self.samples if t0 <= s["t"] <= t1]
        if len(xs) < 4:
            return {}
        half = [s for s in xs if s["t"] >= (t0 + t1) / 2]
        slope = 0.0
        if len(half) >= 2:
            mt = statistics.mean(s["t"] for s in half)
            mr = statistics.mean(s["server_rss_mb"] for s in half)
            den = sum((s["t"] - mt) ** 2 for s in half)
            slope = sum((s["t"] - mt) * (s["server_rss_mb"] - mr) for s in half) / den * 60 if den else 0.0
        return {"start_mb": xs[0]["server_rss_mb"], "peak_mb": max(s["server_rss_mb"] for s in xs),
                "end_mb": xs[-1]["server_rss_mb"], "last_half_slope_mb_per_min": round(slope, 2),
                "samples": len(xs), "processes": len(xs[-1]["workers_rss_mb"])}


# --------------------------------------------------------------------------- the city
def seed_city(url: str, communities: int, households: int, per_community: int, seed: int = 7) -> list[dict]:
    """Seed the mini city with the server's seed path; add the grid workers. Returns the laptops:
    [{"username", "community_id", "community_code"}] grouped by community."""
    from sqlalchemy import text  # noqa: PLC0415

    import gridworker.demo.places as places  # noqa: PLC0415
    from gridworker.demo import iter_city  # noqa: PLC0415
    from gridworker.server import auth  # noqa: PLC0415
    from gridworker.server.db import open_server_db  # noqa: PLC0415
    from gridworker.server.seed import insert_seed_rows  # noqa: PLC0415

    # The demo city makes communities of ~5,000 households; a fleet wants many small ones (first
    # syncs cheap, so the day's syncs are what the server does): the same generator, split N ways.
    real_count = places.community_count
    places.community_count = lambda h: communities
    # One Argon2id hash for every bench user (0.2 s each otherwise); enrolment still verifies it.
    real_hash = auth.hash_password
    memo: dict[str, str] = {}
    auth.hash_password = lambda pw: memo[pw] if pw in memo else memo.setdefault(pw, real_hash(pw))
    try:
        sdb = open_server_db(url)
        with sdb.write() as conn:
            insert_seed_rows(conn, iter_city(households, seed))
            units = conn.execute(text("SELECT id, code FROM org_unit WHERE level = 'community' ORDER BY code")).all()
            laptops = []
            for cid, code in units:
                for j in range(per_community):
                    name = f"gw{code}x{j:02d}"
                    auth.add_user(conn, name, PASSWORD, "grid_worker", cid, f"网格员{code}-{j}")
                    laptops.append({"username": name, "community_id": cid, "community_code": code})
        with sdb.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        sdb.dispose()
    finally:
        places.community_count = real_count
        auth.hash_password = real_hash
    return laptops


# --------------------------------------------------------------------------- the protocol laptop
class Refused(Exception):
    pass


class Laptop:
    """One laptop as the server sees it: device token, user credential, outbox, cursor, replica."""

    def __init__(self, index: int, username: str, base_url: str, rng: random.Random):
        from gridworker.domain.ids import new_id  # noqa: PLC0415

        self.index = index
        self.username = username
        self.base = base_url.rstrip("/")
        self.rng = rng
        self.device_id = new_id()
        self.token = ""
        self.user_id = ""
        self.credential = b""
        self.community_id = ""
        self.clock = None
        self.seq = 0
        self.outbox: list[dict] = []
        self.cursor = "0"
        self.conflict_after = 0
        self.replica: dict[str, dict[str, dict]] = {}
        self.versions: dict[str, dict[str, int]] = {}  # household id -> field versions
        self.server_checksum = "0"
        self.server_seq = 0
        self.written = {"visit": [], "household_insert": [], "household_update": 0}
        self.acked = 0
        self.statuses: dict[str, int] = {}
        self.retries = 0
        self.stamp = 0
        # One sync of a laptop at a time, as SyncEngine's lock makes it on a real one: with fewer
        # laptops than slots the day's order hands the same laptop to two slots at once.
        self.syncing = asyncio.Lock()

    # ------------------------------------------------------------------ HTTP as the transport does it
    async def call(self, client, method: str, path: str, *, body: Any = None, params: dict | None = None,
                   auth: bool = True) -> Any:
        from gridworker.sync import wire  # noqa: PLC0415

        data, headers = wire.request(body, clock=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                                     token=self.token if auth else None)
        attempt = 0
        while True:
            try:
                resp = await client.request(method, f"{self.base}{wire.API}{path}", content=data, params=params,
                                            headers=headers)
            except Exception as exc:  # noqa: BLE001 - httpx transport errors: retried as the laptop does
                if attempt >= 4:
                    raise
                err = f"{type(exc).__name__}"
            else:
                if resp.status_code < 400:
                    return wire.loads(resp.content)
                if resp.status_code < 500 and resp.status_code != 429:
                    raise Refused(f"{method} {path}: {resp.status_code} {resp.text[:300]}")
                if attempt >= 4:
                    raise Refused(f"{method} {path}: {resp.status_code} {resp.text[:300]}")
                err = str(resp.status_code)
            attempt += 1
            self.retries += 1
            await asyncio.sleep(min(8.0, 0.5 * 2 ** (attempt - 1)) * (0.5 + self.rng.random()))
            _ = err

    # ------------------------------------------------------------------ enrolment + first sync
    async def enrol(self, client) -> None:
        from gridworker.domain.hlc import HybridClock  # noqa: PLC0415
        from gridworker.store import signing  # noqa: PLC0415

        reply = await self.call(client, "POST", "/auth/enroll", auth=False, body={
            "username": self.username, "password": PASSWORD, "device_id": self.device_id,
            "device_name": f"fleet-{self.index}", "community": None, "outbox_start": 1,
            "token": secrets.token_urlsafe(32)})
        self.token = reply["token"]
        self.device_id = reply["device_id"]
        self.community_id = reply["community_id"]
        self.user_id = reply["user"]["id"]
        self.user_name = reply["user"].get("display_name") or self.username
        self.credential = signing.credential_bytes(reply["user_secret"])
        self.clock = HybridClock(self.device_id[-12:])

    # ------------------------------------------------------------------ pull
    async def pull(self, client) -> int:
        from gridworker.sync import wire  # noqa: PLC0415

        n = 0
        first = self.cursor == "0"
        while True:
            snapshot = self.cursor == "0" or self.cursor.startswith(wire.SNAPSHOT_PREFIX)
            limit = 2000 if first else (20000 if snapshot else 5000)
            first = False
            page = await self.call(client, "GET", "/sync/pull", params={"since": self.cursor, "limit": limit})
            n += self.apply(page)
            self.cursor = page["cursor"]
            if not page["more"]:
                self.server_seq = int(page["server_seq"])
                self.server_checksum = page["checksum"]
                return n

    def apply(self, page: dict) -> int:
        n = 0
        for t in page.get("tables") or []:
            table, cols = t["table"], t["columns"]
            rows = self.replica.setdefault(table, {})
            for values in t["rows"]:
                row = dict(zip(cols, values))
                rows[row["id"]] = row
                if table == "household":
                    self.versions[row["id"]] = json.loads(row.get("versions") or "{}")
                n += 1
        for seq, table, row_id, op, fields, *_rest in page.get("changes") or []:
            rows = self.replica.setdefault(table, {})
            if isinstance(fields, str):
                fields = json.loads(fields)
            if op == "remove":
                rows.pop(row_id, None)
                self.versions.pop(row_id, None)
            elif op in ("insert", "append", "upsert") or row_id not in rows:
                rows[row_id] = {"id": row_id, **(fields or {})}
                if table == "household":
                    self.versions[row_id] = {f: seq for f in (fields or {})}
            else:
                rows[row_id].update(fields or {})
                if table == "household":
                    v = self.versions.setdefault(row_id, {})
                    for f in fields or {}:
                        v[f] = seq
            n += 1
        return n

    def checksum(self) -> int:
        from gridworker.store.rows import MASK64, row_hash  # noqa: PLC0415

        total = 0
        for table, rows in self.replica.items():
            for row in rows.values():
                total += row_hash(table, row)
        return total & MASK64

    # ------------------------------------------------------------------ the day's work (the unit of work's entries)
    def write(self, n: int) -> None:
        """``n`` new outbox entries, shaped and signed as the laptop's unit of work writes them."""
        from gridworker.domain.address import address_key, parse_address  # noqa: PLC0415
        from gridworker.domain.clock import now_iso  # noqa: PLC0415
        from gridworker.domain.ids import new_id  # noqa: PLC0415
        from gridworker.store import signing  # noqa: PLC0415
        from gridworker.store.rows import canonical  # noqa: PLC0415
        from gridworker.store.tables import spec  # noqa: PLC0415

        rng = self.rng
        homes = [h for h, r in self.replica.get("household", {}).items() if not r.get("deleted")]
        grids = [g for g, r in self.replica.get("org_unit", {}).items() if r.get("level") == "grid"]
        tx = new_id()
        for _ in range(n):
            self.stamp += 1
            ts = now_iso()
            hlc = self.clock.now()
            roll = rng.random()
            if roll < 0.5 and homes:
                vs = spec("visit")
                hid = homes[int(rng.random() * len(homes))]
                row = {"household_id": hid, "visitor_name": self.user_name, "visited_at": ts,
                       "mode": rng.choice(("door", "door", "phone", "wechat")), "purpose": "日常走访",
                       "summary": f"入户走访，了解家庭近况（{self.stamp}）"}
                fields = {f: v for f, v in canonical(vs, {f: row.get(f, vs.defaults.get(f)) for f in vs.fields}).items()
                          if v is not None}
                fields.update(community_id=self.community_id, created_at=ts, created_by=self.user_id,
                              device_id=self.device_id)
                table, op, row_id, base = "visit", "append", new_id(), {}
                self.written["visit"].append(row_id)
            elif roll < 0.8 and homes:
                hid = homes[int(rng.random() * len(homes))]
                current = self.replica["household"][hid]
                if rng.random() < 0.7:
                    fields = {"notes": f"{self.user_name}：第{self.stamp}次记录，情况稳定"}
                else:
                    fields = {"phone": f"139{rng.randrange(10**8):08d}"}
                if all(current.get(k) == v for k, v in fields.items()):
                    fields = {"notes": f"{self.user_name}：补记{self.stamp}"}
                versions = self.versions.get(hid, {})
                base = {f: int(versions.get(f, 0)) for f in fields}
                current.update(fields)  # the laptop's own copy moves at once
                table, op, row_id = "household", "update", hid
                self.written["household_update"] += 1
            else:
                hs = spec("household")
                estate = "压测新苑"
                room = f"{rng.randrange(1, 30)}幢{rng.randrange(1, 5)}单元{rng.randrange(101, 2800)}室"
                address = f"{estate}{room}"
                row = {"grid_id": grids[int(rng.random() * len(grids))] if grids else None, "estate": estate,
                       "address": address, "address_key": address_key(parse_address(address)),
                       "head_name": f"新户{self.index}-{self.stamp}", "phone": f"138{rng.randrange(10**8):08d}"}
                fields = {f: v for f, v in canonical(hs, {f: row.get(f, hs.defaults.get(f)) for f in hs.fields}).items()
                          if v is not None}
                fields["community_id"] = self.community_id
                table, op, row_id, base = "household", "insert", new_id(), {}
                self.written["household_insert"].append(row_id)
            self.seq += 1
            e = {"seq": self.seq, "tx_id": tx, "table": table, "row_id": row_id, "op": op, "fields": fields,
                 "base_versions": base, "hlc": hlc, "user_id": self.user_id, "created_at": ts}
            e["sig"] = signing.sign(self.credential, **signing.entry_of(e))
            self.outbox.append(e)

    # ------------------------------------------------------------------ one sync, as SyncEngine.sync
    async def sync(self, client) -> dict:
        from gridworker import __version__  # noqa: PLC0415
        from gridworker.sync import wire  # noqa: PLC0415

        out = {"laptop": self.index, "t0": time.time(), "pushed": 0, "push_s": None, "pulled": 0, "conflicts": 0}
        head = {"protocol_version": wire.PROTOCOL_VERSION, "schema_version": wire.SCHEMA_VERSION}
        await self.call(client, "POST", "/sync/push", body={**head, "entries": []})  # server_epoch.check
        while self.outbox:
            batch = self.outbox[:1000]
            t = time.perf_counter()
            reply = await self.call(client, "POST", "/sync/push", body={**head, "entries": batch})
            out["push_s"] = (out["push_s"] or 0.0) + time.perf_counter() - t
            acked = int(reply["acked_through"])
            for res in reply["results"]:
                self.statuses[res["status"]] = self.statuses.get(res["status"], 0) + 1
                out["conflicts"] += len(res.get("conflicts") or [])
            done = [e for e in batch if e["seq"] <= acked]
            self.outbox = self.outbox[len(done):]
            self.acked += len(done)
            out["pushed"] += len(done)
            if len(done) < len(batch):
                break
        t = time.perf_counter()
        out["pulled"] = await self.pull(client)
        out["pull_s"] = time.perf_counter() - t
        while True:
            records = await self.call(client, "GET", "/sync/conflicts", params={"after": self.conflict_after,
                                                                                 "limit": 500})
            if not records:
                break
            self.conflict_after = max(int(c["seq"]) for c in records)
            if len(records) < 500:
                break
        await self.call(client, "POST", "/sync/report", body={
            "app_version": __version__, "schema_version": wire.SCHEMA_VERSION, "pending": len(self.outbox),
            "checksum_match": None, "verified_at": None, "conflicts": self.statuses.get("conflict", 0),
            "rejected": self.statuses.get("rejected", 0), "flagged": 0})
        out["t1"] = time.time()
        out["sync_s"] = out["t1"] - out["t0"]
        return out

    async def verify(self, client) -> dict:
        await self.sync(client)
        server = await self.call(client, "GET", "/sync/verify")
        mine = self.checksum()
        return {"match": str(mine) == str(server["checksum"]) and self.cursor == f"c.{server['server_seq']}",
                "checksum": str(mine), "server": str(server["checksum"])}


# --------------------------------------------------------------------------- one client process
def share(total: int, procs: int, k: int) -> int:
    """Process k's part of ``total`` concurrent syncs (the first processes take the remainder)."""
    return total // procs + (1 if k < total % procs else 0)


def client_process(shard: list[dict], base_url: str, plan: dict, ready, go, results) -> None:
    """Enrol this shard's laptops, wait for ``go``, run the day on the plan's schedule, verify."""
    try:
        profile = os.environ.get("GW_FLEET_CLIENT_PROFILE")  # a path: cProfile of client process 0 goes there
        if profile and plan["proc"] == 0:
            import cProfile  # noqa: PLC0415

            prof = cProfile.Profile()
            out = prof.runcall(asyncio.run, _client(shard, base_url, plan, ready, go))
            prof.dump_stats(profile)
            results.put(out)
            return
        results.put(asyncio.run(_client(shard, base_url, plan, ready, go)))
    except BaseException as exc:  # noqa: BLE001 - told to the parent
        import traceback  # noqa: PLC0415

        results.put({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-3000:]})
        ready.put("failed")


async def _client(shard: list[dict], base_url: str, plan: dict, ready, go) -> dict:
    import httpx  # noqa: PLC0415

    seed = plan["seed"] + shard[0]["index"]
    rng = random.Random(seed)
    laptops = [Laptop(s["index"], s["username"], base_url, random.Random(seed * 7919 + s["index"])) for s in shard]
    k, procs = plan["proc"], plan["procs"]
    plan = {**plan, "steps": [[share(c, procs, k), sec] for c, sec in plan["steps"]],
            "finish": share(plan["finish"], procs, k)}
    top = max([c for c, _ in plan["steps"]] + [plan["finish"], plan["enrol_concurrency"]])
    limits = httpx.Limits(max_connections=top + 8, max_keepalive_connections=top + 8)
    timeout = httpx.Timeout(60.0, connect=10.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, headers={
            "X-Gridworker-Protocol": str(plan["protocol"]), "X-Gridworker-Schema": str(plan["schema"]),
            "User-Agent": "gridworker-sync"}) as client:
        # Enrolment and first sync (untimed for the day; timed as a phase).
        t0 = time.time()
        queue = list(laptops)
        first_sync: list[float] = []

        async def enrol_worker() -> None:
            while queue:
                lap = queue.pop()
                s = time.perf_counter()
                await lap.enrol(client)
                await lap.pull(client)
                first_sync.append(time.perf_counter() - s)

        await asyncio.gather(*(enrol_worker() for _ in range(plan["enrol_concurrency"])))
        enrol_s = time.time() - t0
        ready.put("ready")
        start = go.get()  # the wall-clock time the day starts, the same for every client process
        await asyncio.sleep(max(0.0, start - time.time()))

        # The day: every laptop's syncs, one shuffled order repeated; a slot takes the next one.
        order = list(laptops)
        rng.shuffle(order)
        day = [lap for _ in range(plan["syncs"]) for lap in order]
        per_sync = plan["changes"] // plan["syncs"]
        records: list[dict] = []
        errors: list[str] = []
        pos = [0]
        schedule, at = [], start
        for c, sec in plan["steps"]:
            schedule.append((at, c))
            at += sec
        finish_at = at

        def allowed(now: float) -> int:
            if now >= finish_at:
                return plan["finish"]
            level = schedule[0][1]
            for t, c in schedule:
                if now >= t:
                    level = c
            return level

        async def slot(k: int) -> None:
            while True:
                while k >= allowed(time.time()) and pos[0] < len(day):
                    await asyncio.sleep(0.2)
                if pos[0] >= len(day):
                    return
                lap = day[pos[0]]
                pos[0] += 1
                async with lap.syncing:
                    lap.write(per_sync)
                    try:
                        rec = await lap.sync(client)
                        rec["slot"] = k
                        records.append(rec)
                    except Exception as exc:  # noqa: BLE001 - counted; its entries stay in its outbox
                        errors.append(f"sync: {type(exc).__name__}: {exc}"[:300])

        top_slots = max(1, *(c for c, _ in plan["steps"]), plan["finish"])
        await asyncio.gather(*(slot(k) for k in range(top_slots)))
        day_end = time.time()

        # Every laptop syncs once more (what failed goes now) and verifies.
        verified, mismatched = 0, []
        vq = list(laptops)

        async def verify_worker() -> None:
            nonlocal verified
            while vq:
                lap = vq.pop()
                try:
                    v = await lap.verify(client)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"verify: {type(exc).__name__}: {exc}"[:300])
                    mismatched.append(lap.index)
                    continue
                if v["match"]:
                    verified += 1
                else:
                    mismatched.append(lap.index)

        await asyncio.gather(*(verify_worker() for _ in range(4)))
    by_community: dict[str, str] = {}
    for lap in laptops:
        if lap.community_id not in by_community:
            by_community[lap.community_id] = str(lap.checksum())
    return {"pid": os.getpid(), "enrol_s": enrol_s, "first_sync_s": first_sync, "records": records,
            "errors": errors, "day_end": day_end, "verified": verified, "mismatched": mismatched,
            "replica_checksums": by_community,
            "laptops": [{"index": lap.index, "device_id": lap.device_id, "community_id": lap.community_id,
                         "seq": lap.seq, "acked": lap.acked, "pending": len(lap.outbox), "retries": lap.retries,
                         "statuses": lap.statuses, "visits": lap.written["visit"],
                         "inserts": lap.written["household_insert"], "updates": lap.written["household_update"]}
                        for lap in laptops]}


# --------------------------------------------------------------------------- checks in PostgreSQL
def server_checks(url: str, laptops: list[dict]) -> dict:
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    engine = create_engine(url)
    devices = {lap["device_id"]: lap for lap in laptops}
    out = {"devices": len(devices), "lost": 0, "doubled": 0, "last_seq_wrong": 0, "visits_wrong": 0,
           "households_missing": 0, "updates_wrong": 0, "push_results_wrong": 0, "log_vs_counter_wrong": 0}
    with engine.connect() as c:
        log = {(d, op): n for d, op, n in c.execute(text(
            "SELECT device_id, op, count(*) FROM change_log GROUP BY device_id, op"))}
        last = dict(c.execute(text("SELECT id, last_seq FROM device")).all())
        results = dict(c.execute(text("SELECT device_id, count(*) FROM push_result GROUP BY device_id")).all())
        visits: dict[str, list[str]] = {}
        for d, vid in c.execute(text("SELECT device_id, id FROM visit WHERE device_id IS NOT NULL "
                                     "AND server_seq IS NOT NULL")):
            visits.setdefault(d, []).append(vid)
        homes = {r[0] for r in c.execute(text("SELECT id FROM household"))}
        per_comm_log = dict(c.execute(text("SELECT community_id, count(*) FROM change_log GROUP BY community_id")).all())
        counters = dict(c.execute(text("SELECT community_id, seq FROM community_sync")).all())
    engine.dispose()
    for d, lap in devices.items():
        wrote = lap["seq"]
        logged = sum(n for (dev, _op), n in log.items() if dev == d)
        if logged < lap["acked"]:
            out["lost"] += lap["acked"] - logged
        if logged > wrote:
            out["doubled"] += logged - wrote
        if int(last.get(d, -1)) != lap["acked"]:
            out["last_seq_wrong"] += 1
        if int(results.get(d, 0)) != lap["acked"]:
            out["push_results_wrong"] += 1
        got = visits.get(d, [])
        if len(got) != len(set(got)) or set(got) != set(lap["visits"]):
            out["visits_wrong"] += 1
        out["households_missing"] += len(set(lap["inserts"]) - homes)
        if log.get((d, "update"), 0) + 0 != lap["updates"]:
            out["updates_wrong"] += 1
    for comm, n in per_comm_log.items():
        if int(counters.get(comm, -1)) != int(n):
            out["log_vs_counter_wrong"] += 1
    out["change_log_rows"] = sum(per_comm_log.values())
    out["ok"] = all(out[k] == 0 for k in ("lost", "doubled", "last_seq_wrong", "visits_wrong", "households_missing",
                                          "updates_wrong", "push_results_wrong", "log_vs_counter_wrong"))
    return out


def real_laptop_check(base_url: str, laptops: list[dict], communities: list[str], work: Path,
                      replica_sums: dict[str, str]) -> dict:
    """Real laptops (fresh_laptop + enroll + SyncEngine.verify) of some communities: they must match
    the server, and hold the same checksum as the protocol laptops' replicas of that community."""
    from gridworker.store.template import fresh_laptop  # noqa: PLC0415
    from gridworker.sync.engine import SyncEngine  # noqa: PLC0415
    from gridworker.sync.enrol import enroll  # noqa: PLC0415

    out = {"communities": len(communities), "match": 0, "same_as_replica": 0, "seconds": []}
    for k, cid in enumerate(communities):
        user = next(lap["username"] for lap in laptops if lap["community_id"] == cid)
        t = time.perf_counter()
        db = fresh_laptop(work / f"real-{k}" / "gridworker.db")
        try:
            enroll(db, base_url, user, PASSWORD, device_name=f"fleet-check-{k}")
            v = SyncEngine(db, retries=2).verify(repair=False)
        finally:
            db.close()
        out["seconds"].append(round(time.perf_counter() - t, 2))
        out["match"] += bool(v["match"])
        out["same_as_replica"] += v["local_checksum"] == replica_sums.get(cid)
    return out


# --------------------------------------------------------------------------- where the server's time goes
PY_SPY = Path(sys.executable).parent / "py-spy"

# Inclusive share of the workers' samples in these functions (py-spy frame names).
SPOTS = [
    ("push: apply_push (whole transaction body)", "apply_push"),
    ("push: _apply_entry (checks, signature, merge per entry)", "_apply_entry"),
    ("push: signature check (credentials)", "acting_user"),
    ("push: authorize_entry", "authorize_entry"),
    ("push: _write (rows, change log)", "_write"),
    ("push: request body validation (pydantic)", "model_validate"),
    ("pull: pull_page", "pull_page"),
    ("pull/conflicts: shape_for", "shape_for"),
    ("conflicts endpoint", "sync_conflicts"),
    ("report endpoint (record_report)", "record_report"),
    ("token check (authenticate)", "authenticate"),
    ("JSON reply encoding (deps.encode)", "encode"),
    ("SQLAlchemy (Core, pool)", "sqlalchemy/"),
    ("psycopg (driver)", "psycopg/"),
    ("gzip", "gzip.py"),
    ("Argon2 (enrolment)", "argon2/"),
]


def profile_workers(srv, at: float, seconds: float, folder: Path) -> None:
    """py-spy (raw stacks, 100 Hz, the thread holding the GIL only: Python CPU time) on each uvicorn
    worker for ``seconds``."""
    if not PY_SPY.exists() or seconds <= 0:
        return
    import subprocess  # noqa: PLC0415

    time.sleep(max(0.0, at - time.time()))
    folder.mkdir(parents=True, exist_ok=True)
    spies = [subprocess.Popen([str(PY_SPY), "record", "-r", "100", "-d", str(int(seconds)), "-p", str(pid), "--gil", "-f", "raw",
                               "-o", str(folder / f"worker-{pid}.txt")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
             for pid in children(srv.proc.pid) if rss_mb(pid) > 50]  # the workers, not the spawn helper
    for p in spies:
        p.wait()


def summarise_spy(folder: Path) -> dict:
    """Top self-time frames and the inclusive share of :data:`SPOTS`, over both workers' samples."""
    total = 0
    leaf: dict[str, int] = {}
    spots = {name: 0 for name, _ in SPOTS}
    outside = 0
    for f in sorted(folder.glob("worker-*.txt")) if folder.exists() else []:
        for line in f.read_text(errors="replace").splitlines():
            stack, _, n = line.rpartition(" ")
            if not n.isdigit():
                continue
            n_ = int(n)
            total += n_
            frames = stack.split(";")
            name = frames[-1]
            leaf[name] = leaf.get(name, 0) + n_
            names = {fr.split(" (", 1)[0].rsplit(".", 1)[-1] for fr in frames}
            for label, key in SPOTS:
                if (key in names) if "/" not in key and not key.endswith(".py") else any(key in fr for fr in frames):
                    spots[label] += n_
            if not any("gridworker/" in fr for fr in frames):
                outside += n_
    if not total:
        return {"samples": 0}
    top = sorted(leaf.items(), key=lambda kv: -kv[1])[:15]
    spots["outside gridworker code (event loop, uvicorn, starlette, pydantic)"] = outside
    return {"samples": total, "spots": {k: round(100 * v / total, 1) for k, v in spots.items()},
            "top_self": [[k[:160], round(100 * v / total, 1)] for k, v in top]}


# --------------------------------------------------------------------------- the run
def run(args: argparse.Namespace) -> dict:
    import tempfile  # noqa: PLC0415

    sys.path.insert(0, str(ROOT))
    from bench.harness import Server, machine  # noqa: PLC0415
    from gridworker.sync import wire  # noqa: PLC0415
    from tests.support.pg import TempPgDatabase  # noqa: PLC0415

    info = machine()
    load_before = [round(x, 2) for x in os.getloadavg()]
    per = args.laptops // args.communities
    pg = TempPgDatabase()
    srv = None
    procs: list = []
    work = Path(tempfile.mkdtemp(prefix="gw-fleet-"))
    try:
        t = time.time()
        users = seed_city(pg.url, args.communities, args.households, per)
        seed_s = time.time() - t
        srv = Server(pg.url, workers=args.workers)
        ctx = mp.get_context("spawn")
        ready, go, results = ctx.Queue(), ctx.Queue(), ctx.Queue()
        schedule = ([[args.warmup, args.warmup_seconds]] if args.warmup_seconds > 0 else []) + \
            [[c, args.step_seconds] for c in args.levels]
        plan = {"steps": schedule, "finish": args.finish, "procs": args.procs,
                "syncs": args.syncs, "changes": args.changes,
                "enrol_concurrency": args.enrol_concurrency, "seed": args.seed,
                "protocol": wire.PROTOCOL_VERSION, "schema": wire.SCHEMA_VERSION}
        shards: list[list[dict]] = [[] for _ in range(args.procs)]
        for i, u in enumerate(users):  # whole communities per process: each shard is a part of the city
            shards[(i // per) % args.procs].append({**u, "index": i})
        for k, shard in enumerate(shards):
            p = ctx.Process(target=client_process, args=(shard, srv.url, {**plan, "proc": k}, ready, go, results),
                            daemon=True)
            p.start()
            procs.append(p)
        sampler = Sampler(srv.proc.pid, [p.pid for p in procs], pg.name, pg_url=pg.url).start()
        t_enrol = time.time()
        for _ in procs:
            if ready.get(timeout=3600) != "ready":
                break
        enrol_wall = time.time() - t_enrol
        start = time.time() + 1.0
        for _ in procs:
            go.put(start)
        spies = []
        spy_dir = ROOT / "bench" / "out" / "fleet_spy"  # raw stacks kept for drilling down (not in git)
        if args.profile_level:
            for f in spy_dir.glob("worker-*.txt") if spy_dir.exists() else []:
                f.unlink()
            at = start
            for c, sec in schedule:
                if c == args.profile_level and not (args.warmup_seconds > 0 and at == start):
                    spies = [threading.Thread(target=profile_workers, args=(srv, at + 2, sec - 4, spy_dir),
                                              daemon=True)]
                    spies[0].start()
                    profiled = (c, at - start)
                    break
                at += sec
        parts = [results.get(timeout=7200) for _ in procs]
        end = time.time()
        sampler.stop()
        failed = [p for p in parts if "error" in p]
        if failed:
            raise RuntimeError(failed[0]["error"] + "\n" + failed[0].get("trace", ""))
        laptops = [lap for p in parts for lap in p["laptops"]]
        records = [r for p in parts for r in p["records"]]
        day_end = max(p["day_end"] for p in parts)
        checks = server_checks(pg.url, laptops)
        replica_sums: dict[str, str] = {}
        for p in parts:
            replica_sums.update(p["replica_checksums"])
        sample = sorted(replica_sums)[:: max(1, len(replica_sums) // max(1, args.real_check))][:args.real_check]
        real = real_laptop_check(srv.url, users, sample, work, replica_sums) if args.real_check else {}
        steps = []
        for sp in spies:
            sp.join()
        at = start
        for i, (level, sec) in enumerate(schedule + [[args.finish, None]]):
            t0 = at
            t1 = t0 + sec if sec is not None else day_end
            at = t1
            if t1 <= t0:
                continue
            # Throughput: syncs that ended in the step. Latency: syncs that began in it (a sync begun
            # at 64 at once and ending in the next step belongs to 64, not to the next level).
            done = [r for r in records if t0 <= r["t1"] < t1]
            began = [r for r in records if t0 <= r["t0"] < t1]
            pushes = [r["push_s"] for r in began if r["push_s"] is not None]
            changes = sum(r["pushed"] for r in done)
            steps.append({"concurrency": level, "final": sec is None,
                          "warmup": i == 0 and args.warmup_seconds > 0, "seconds": round(t1 - t0, 1),
                          "syncs": len(done), "changes": changes, "changes_per_s": round(changes / (t1 - t0), 1),
                          "push_p50_s": _r(pct(pushes, 50)), "push_p95_s": _r(pct(pushes, 95)),
                          "push_p99_s": _r(pct(pushes, 99)), "sync_p95_s": _r(pct([r["sync_s"] for r in began], 95)),
                          "pull_p95_s": _r(pct([r["pull_s"] for r in began], 95)), "began": len(began),
                          "pulled": sum(r["pulled"] for r in done), **sampler.window(t0, t1)})
        first = [x for p in parts for x in p["first_sync_s"]]
        (ROOT / "bench" / "out" / f"fleet_records{'' if args.out is None else '-' + args.out.stem}.json").write_text(json.dumps(
            {"start": start, "fields": ["laptop", "t0", "t1", "push_s", "pull_s", "pushed", "pulled", "conflicts"],
             "records": [[r["laptop"], round(r["t0"] - start, 3), round(r["t1"] - start, 3), _r(r["push_s"], 4),
                          _r(r["pull_s"], 4), r["pushed"], r["pulled"], r["conflicts"]] for r in records]}))
        statuses: dict[str, int] = {}
        for lap in laptops:
            for k, v in lap["statuses"].items():
                statuses[k] = statuses.get(k, 0) + v
        return {
            "machine": info, "load_before": load_before, "load_after": [round(x, 2) for x in os.getloadavg()],
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(start)),
            "laptops": len(laptops), "communities": args.communities, "households": args.households,
            "changes_per_laptop": args.changes, "syncs_per_laptop": args.syncs, "client_processes": args.procs,
            "workers": args.workers, "levels": args.levels, "finish": args.finish, "step_seconds": args.step_seconds,
            "warmup": [args.warmup, args.warmup_seconds],
            "profile": ({"concurrency": profiled[0], "step_start_s": profiled[1], "raw": str(spy_dir),
                         **summarise_spy(spy_dir)}
                        if spies else None),
            "seed_s": round(seed_s, 1), "enrol_wall_s": round(enrol_wall, 1),
            "first_sync_p50_s": _r(pct(first, 50)), "first_sync_p95_s": _r(pct(first, 95)),
            "day_s": round(day_end - start, 1), "run_s": round(end - t_enrol, 1),
            "expected": len(laptops) * args.changes, "written": sum(lap["seq"] for lap in laptops),
            "acked": sum(lap["acked"] for lap in laptops), "pending_after": sum(lap["pending"] for lap in laptops),
            "statuses": statuses, "retries": sum(lap["retries"] for lap in laptops),
            "verified": sum(p["verified"] for p in parts), "mismatched": [i for p in parts for i in p["mismatched"]][:20],
            "errors": [e for p in parts for e in p["errors"]][:20],
            "error_count": sum(len(p["errors"]) for p in parts),
            "server": checks, "real_laptops": real, "steps": steps,
            "memory": sampler.memory(start, day_end),
            "memory_after_warmup": sampler.memory(start + (args.warmup_seconds if args.warmup_seconds > 0 else 0),
                                                  day_end),
            "memory_finish": sampler.memory(start + sum(sec for _, sec in schedule), day_end),
            "memory_whole_run": sampler.memory(t_enrol, end),
            "cpu_day": sampler.window(start, day_end),
            "rss_series": [(round(s["t"] - start, 1), s["server_rss_mb"], s["workers_rss_mb"])
                           for s in sampler.samples][::5]}
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        if srv is not None:
            srv.stop()
        pg.drop()
        import shutil  # noqa: PLC0415

        shutil.rmtree(work, ignore_errors=True)


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--laptops", type=int, default=1000)
    ap.add_argument("--communities", type=int, default=100)
    ap.add_argument("--households", type=int, default=3000, help="households of the whole mini city")
    ap.add_argument("--changes", type=int, default=200, help="changes per laptop per day")
    ap.add_argument("--syncs", type=int, default=4, help="syncs per laptop per day (changes split evenly)")
    ap.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4, 8, 16, 32, 64],
                    help="concurrent syncs, one step each (comma-separated)")
    ap.add_argument("--step-seconds", type=float, default=20.0)
    ap.add_argument("--warmup", type=int, default=64, help="concurrency of a first burst (pools, threads grow)")
    ap.add_argument("--warmup-seconds", type=float, default=10.0, help="0: no warm-up burst")
    ap.add_argument("--finish", type=int, default=16, help="concurrency for the rest of the day after the steps")
    ap.add_argument("--profile-level", type=int, default=16,
                    help="py-spy both uvicorn workers during the step of this concurrency (0: no profile)")
    ap.add_argument("--procs", type=int, default=2, help="client processes")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    ap.add_argument("--enrol-concurrency", type=int, default=4)
    ap.add_argument("--real-check", type=int, default=10, help="communities checked with real laptops too")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--out", type=Path, default=None)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    res = run(args)
    text_ = json.dumps(res, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text_)
    print(text_)
    ok = res["server"]["ok"] and res["verified"] == res["laptops"] and res["pending_after"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
