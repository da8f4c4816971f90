"""Syncs through a proxy that drops, duplicates, delays and cuts requests (tests/faults/proxy.py).

A real server (gridworker.embedded, on SQLite and on PostgreSQL) holds a community of ``HOUSEHOLDS``
households. Two laptops make first syncs, then edit, insert, delete and record visits in rounds and
sync after each (a failed sync is simply tried again at the next round, as the app's timer does),
while a fresh laptop makes its first sync in small pages, all through the fault proxy at once. At
the end every laptop equals the server row for row (verify matches), every outbox entry of every
laptop was applied exactly once (no visit twice, none lost).

Bounds: ``GRIDWORKER_FAULT_HOUSEHOLDS`` (default 2500), ``GRIDWORKER_FAULT_ROUNDS`` (default 8),
``GRIDWORKER_FAULT_RATE`` (share of requests faulted, default 0.3).
"""
from __future__ import annotations

import json
import os
import random
import threading

import pytest
from proxy import KINDS, FaultProxy

from gridworker.server.db import open_server_db
from gridworker.server.seed import seed_demo
from gridworker.embedded import EmbeddedServer
from gridworker.store.tables import SYNC_ORDER
from gridworker.sync import wire
from gridworker.sync.engine import TOKEN, SyncEngine, status
from gridworker.sync.enrol import enroll
from gridworker.sync.transport import ServerUnreachable, SyncError, Transport
from support.server import World, cheap_password_hashing, fresh_laptop, make_server_url, table_rows

HOUSEHOLDS = int(os.environ.get("GRIDWORKER_FAULT_HOUSEHOLDS", "2500"))
ROUNDS = int(os.environ.get("GRIDWORKER_FAULT_ROUNDS", "8"))
RATE = float(os.environ.get("GRIDWORKER_FAULT_RATE", "0.3"))
SYNC_PATHS = (f"{wire.API}/sync/", f"{wire.API}/auth/enroll")


def test_a_reply_cut_half_way_is_retried_then_reported_plainly(tmp_path):
    """The connection breaking inside a reply body is a passing failure: retried, then a SyncError."""
    world = World(str(tmp_path / "server.db"), tmp_path)
    try:
        db = world.laptop("a")
        with FaultProxy(world.server.port, seed=1, rate=1.0, kinds=("cut_reply",)) as proxy:
            transport = Transport(proxy.url, db.get_state(TOKEN), retries=2, backoff=0.01)
            with pytest.raises(ServerUnreachable) as caught:
                transport.call("GET", "/sync/pull", params={"since": "0", "limit": 1000})
            assert "中断" in caught.value.message and str(proxy.port) in caught.value.message
            assert proxy.counts["cut_reply"] == 3  # the first try and two retries, each cut
            proxy.rate = 0.0
            page = transport.call("GET", "/sync/pull", params={"since": "0", "limit": 1000})
            assert page["mode"] == "snapshot"
    finally:
        world.close()


class Laptop:
    """One laptop and the way the app syncs it: a failed sync is tried again later."""

    def __init__(self, name: str, db, rng: random.Random):
        self.name = name
        self.db = db
        self.rng = rng
        self.failures = 0
        self.syncs = 0
        self.visits: list[str] = []
        self.inserted: list[str] = []

    def engine(self) -> SyncEngine:
        # Small pages and batches: many requests, so many chances for a fault.
        return SyncEngine(self.db, pull_limit=100, snapshot_limit=500, push_batch=25, retries=1, backoff=0.01)

    def try_sync(self) -> bool:
        self.syncs += 1
        try:
            self.engine().sync()
            return True
        except SyncError:
            self.failures += 1
            return False

    def sync_until_done(self, attempts: int = 40) -> None:
        for _ in range(attempts):
            if self.try_sync():
                return
        raise AssertionError(f"{self.name}: no sync completed in {attempts} attempts")

    def edit(self, round_no: int) -> None:
        rng = self.rng
        with self.db.write(self.db.actor(self.db.get_state("user_id"))) as uow:
            for i in range(3):
                self.inserted.append(uow.insert("household", {"address": f"故障小区{self.name}{round_no}幢{i}室"}))
            live = [r["id"] for r in uow.query("SELECT id FROM household WHERE deleted = 0 ORDER BY id")]
            for hid in rng.sample(live, 6):
                uow.update("household", hid, {"notes": f"{self.name}第{round_no}轮{rng.randint(0, 10**6)}"})
            mine = [h for h in self.inserted if h in set(live)]
            if len(mine) > 3:
                uow.delete("household", rng.choice(mine[:-3]))
            for hid in rng.sample(live, 3):
                self.visits.append(uow.append("visit", {"household_id": hid, "mode": "door",
                                                        "visited_at": "2026-11-02T09:30:00+08:00"}))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_laptops_end_equal_and_exactly_once_through_a_faulty_network(backend, tmp_path, request):
    cheap_password_hashing()
    url = make_server_url(backend, tmp_path, request)
    sdb = open_server_db(url)
    request.addfinalizer(sdb.dispose)
    seeded = seed_demo(sdb, HOUSEHOLDS, seed=5)
    gw = next(u for u in seeded["users"] if u["role"] == "grid_worker")
    server = EmbeddedServer(sdb).start()
    request.addfinalizer(server.stop)
    proxy = FaultProxy(server.port, seed=f"faults-{backend}", rate=RATE, paths=SYNC_PATHS).start()
    request.addfinalizer(proxy.stop)
    rng = random.Random(f"laptops-{backend}")

    def laptop(name: str) -> Laptop:
        db = fresh_laptop(tmp_path / name / "gridworker.db")
        request.addfinalizer(db.close)
        # Enrolment is faulted too (its token is the laptop's own, so a duplicate cannot replace it);
        # a person whose enrolment failed outright clicks again.
        for attempt in range(6):
            try:
                enroll(db, proxy.url, gw["username"], gw["password"], device_name=name, first_sync=False)
                break
            except SyncError:
                if attempt == 5:
                    raise
        return Laptop(name, db, random.Random(rng.random()))

    editors = [laptop("a"), laptop("b")]
    errors: list[BaseException] = []

    def run(fn) -> threading.Thread:
        def body() -> None:
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)
        t = threading.Thread(target=body)
        t.start()
        return t

    for t in [run(e.sync_until_done) for e in editors]:  # two first syncs through the faults at once
        t.join()
    assert not errors, errors

    def editing(e: Laptop) -> None:
        for k in range(ROUNDS):
            e.edit(k)
            e.try_sync()

    fresh: list[Laptop] = []

    def newcomer() -> None:
        fresh.append(laptop("fresh"))
        fresh[0].sync_until_done()

    for t in [run(lambda e=e: editing(e)) for e in editors] + [run(newcomer)]:
        t.join()
    assert not errors, errors
    everyone = editors + fresh
    injected = proxy.summary()

    # The network heals; each laptop syncs on (twice round, so each sees the others' last pushes).
    proxy.enabled = False
    for lap in everyone + everyone:
        lap.sync_until_done(3)
    community = editors[0].db.community_id
    with sdb.read() as conn:
        server_rows = {t: table_rows(conn, t, community) for t in SYNC_ORDER}
        devices = {d: (int(s), int(n or 0), int(c or 0)) for d, s, n, c in conn.exec_driver_sql(
            "SELECT d.id, d.last_seq, (SELECT count(*) FROM push_result p WHERE p.device_id = d.id), "
            "(SELECT count(*) FROM change_log c WHERE c.device_id = d.id) FROM device d")}
    for lap in everyone:
        result = lap.engine().verify()
        assert result["match"] and result["differing_rows"] == 0, (lap.name, result)
        with lap.db.read() as conn:
            assert {t: table_rows(conn, t) for t in SYNC_ORDER} == server_rows, lap.name
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 0
        assert status(lap.db)["rejected"] == 0
        # Exactly once: the server holds one stored result and one change-log row per outbox entry.
        made = int(lap.db.get_state("outbox_seq") or 0)
        assert devices[lap.db.device_id] == (made, made, made), (lap.name, devices[lap.db.device_id], made)
    visits = [v for e in editors for v in e.visits]
    assert len(visits) == len(set(visits)) == len(editors) * ROUNDS * 3
    with sdb.read() as conn:
        by_editors = [r[0] for r in conn.exec_driver_sql(
            "SELECT id FROM visit WHERE device_id IN ('%s')" % "', '".join(e.db.device_id for e in editors))]
    assert sorted(by_editors) == sorted(visits)  # each visit once, none lost
    assert set(h for e in editors for h in e.inserted) <= set(server_rows["household"])

    summary = {**injected, "hard_failures": {lap.name: lap.failures for lap in everyone},
               "syncs": {lap.name: lap.syncs for lap in everyone}}
    print(f"\nfault proxy on {backend}: {json.dumps(summary)}")
    # Every kind of fault happened, so the run proves what it says.
    assert all(injected[k] > 0 for k in KINDS), injected
    assert not proxy.errors or all("Broken pipe" in e or "reset" in e for e in proxy.errors), proxy.errors[:5]
