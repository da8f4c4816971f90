"""The sync server SIGKILLed while it applies large push batches, on SQLite and on PostgreSQL.

The server is the real ``gridworker server run`` in its own OS process. A laptop makes a few
thousand changes (inserts, edits, deletes, visits) and pushes them in requests of ``BATCH`` entries;
at a random moment the server process is SIGKILLed (no shutdown handler runs), then started again
on the same database. After every kill the server database is read directly:

- each push request is there whole or not at all (the device's last seq is the end of a request;
  its stored results and its change-log rows are exactly entries 1..last seq, each once; rows of
  later entries are absent),
- the community checksum kept by pushes equals a scan of the rows (it moved with the same commit).

Then the laptop syncs again and ends equal to the server (verify matches, row for row), every entry
applied exactly once, nothing lost. ``GRIDWORKER_SERVER_KILLS`` sets the kills per backend.
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time

import pytest
from fault_servers import ServerProcess, prepare_server_db

from support.server import fresh_laptop, make_server_url, password, table_rows
from gridworker.store.tables import SYNC_ORDER
from gridworker.sync import checksum as ck
from gridworker.sync.engine import TOKEN, SyncEngine
from gridworker.sync.enrol import enroll
from gridworker.sync.transport import SyncError, Transport

KILLS = int(os.environ.get("GRIDWORKER_SERVER_KILLS", "5"))
BATCH = 1000  # entries per push request


class RecordingTransport(Transport):
    """The real transport, noting each push request's seq range and whether its reply arrived."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pushes: list[dict] = []

    def call(self, method, path, *, body=None, params=None):
        if path != "/sync/push" or not body["entries"]:  # an empty push asks for the epoch (sync/epoch.py)
            return super().call(method, path, body=body, params=params)
        record = {"first": body["entries"][0]["seq"], "last": body["entries"][-1]["seq"], "replied": False}
        self.pushes.append(record)
        reply = super().call(method, path, body=body, params=params)
        record["replied"] = True
        return reply


def _edits(db, rng: random.Random, mine: list[str], round_no: int) -> None:
    """About 2,300 changes in a few transactions: new households, edits, deletes, visits."""
    actor = db.actor(db.get_state("user_id"))
    with db.write(actor) as uow:
        mine += uow.insert_many("household", [
            {"address": f"断电小区{round_no}幢{i}室", "head_name": f"户主{i}"} for i in range(800)])
    live = list(mine)
    rng.shuffle(live)
    with db.write(actor) as uow:
        for hid in live[:800]:
            uow.update("household", hid, {"notes": f"第{round_no}轮备注{rng.randint(0, 10**6)}"})
    with db.write(actor) as uow:
        for hid in live[800:900]:
            uow.delete("household", hid)
            mine.remove(hid)
        for hid in rng.sample(mine, 600):
            uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00"})


def _outbox(db) -> dict[int, tuple[str, str, str]]:
    with db.read() as conn:
        return {r[0]: (r[1], r[2], r[3]) for r in conn.exec_driver_sql(
            "SELECT seq, table_name, row_id, op FROM outbox")}


def _wait_for_orphans(sdb) -> None:
    """PostgreSQL: let the killed server's backends notice their client is gone and roll back."""
    if not sdb.is_postgres:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sdb.read() as conn:
            busy = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction', "
                "'idle in transaction (aborted)')").scalar()
        if not busy:
            return
        time.sleep(0.05)
    raise AssertionError("the killed server's PostgreSQL sessions did not end")


def _writing(sdb) -> bool:
    """Is a write transaction open on the server database right now (held by the server process)?"""
    if sdb.is_postgres:
        with sdb.engine.connect() as conn:
            return bool(conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL").scalar())
    probe = sqlite3.connect(sdb.sqlite_path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True  # the write lock is held: a push transaction is under way
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def _server_state(sdb, device_id: str, community_id: str) -> dict:
    with sdb.read() as conn:
        last_seq = int(conn.exec_driver_sql(f"SELECT last_seq FROM device WHERE id = '{device_id}'").scalar())
        results = sorted(int(r[0]) for r in conn.exec_driver_sql(
            f"SELECT seq FROM push_result WHERE device_id = '{device_id}'"))
        logged = [(r[0], r[1], r[2]) for r in conn.exec_driver_sql(
            f"SELECT table_name, row_id, op FROM change_log WHERE device_id = '{device_id}'")]
        kept = int(conn.exec_driver_sql(
            f"SELECT checksum FROM community_sync WHERE community_id = '{community_id}'").scalar())
        scanned, _ = ck.bucket_sums(conn, community_id)
        present = {t: {r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {t} WHERE community_id = '{community_id}'")}
                   for t in ("household", "visit")}
    return {"last_seq": last_seq, "results": results, "logged": logged, "kept": kept, "scanned": scanned,
            "present": present}


def _check_whole_batches(state: dict, entries: dict[int, tuple], transport: RecordingTransport) -> None:
    last = state["last_seq"]
    # The device's last seq ends a request (or nothing was ever pushed): no request is cut.
    ends = {0} | {p["last"] for p in transport.pushes}
    assert last in ends, f"last_seq {last} is inside a push request: {transport.pushes[-3:]}"
    for p in transport.pushes:
        assert p["last"] <= last or p["first"] > last, f"push {p} partly applied (last_seq {last})"
    # Exactly entries 1..last, each once: stored results and change-log rows.
    assert state["results"] == list(range(1, last + 1))
    expected = sorted(entries[s] for s in range(1, last + 1))
    assert sorted(state["logged"]) == expected
    # Rows of applied inserts and visits are there; those of later entries are not.
    for seq, (table, row_id, op) in entries.items():
        if op in ("insert", "append") and table in state["present"]:
            assert (row_id in state["present"][table]) == (seq <= last), (seq, table, op, last)
    # The checksum moved with the rows, in the same commit.
    assert state["kept"] == state["scanned"]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_server_killed_mid_batch_applies_each_push_whole_or_not_at_all(backend, tmp_path, request):
    url = make_server_url(backend, tmp_path, request)
    sdb = prepare_server_db(url)
    request.addfinalizer(sdb.dispose)
    srv = ServerProcess(url, tmp_path / "server.log").start()
    request.addfinalizer(srv.stop)
    laptop = fresh_laptop(tmp_path / "laptop" / "gridworker.db")
    request.addfinalizer(laptop.close)
    enroll(laptop, srv.url, "gw_a", password("gw_a"))
    device, community = laptop.device_id, laptop.community_id
    transport = RecordingTransport(srv.url, laptop.get_state(TOKEN), retries=0)
    engine = SyncEngine(laptop, transport=transport, push_batch=BATCH)

    rng = random.Random(f"server-kill-{backend}")
    mine: list[str] = []
    entries: dict[int, tuple] = {}  # every outbox entry ever made: seq -> (table, row_id, op)
    # One undisturbed round first: how long a push of this size takes here is the kill window.
    _edits(laptop, rng, mine, 0)
    entries.update(_outbox(laptop))
    started = time.monotonic()
    engine.push()
    window = time.monotonic() - started
    _check_whole_batches(_server_state(sdb, device, community), entries, transport)

    outcomes = {"mid_transaction_rolled_back": 0, "committed_reply_lost": 0, "outside_a_transaction": 0}
    for k in range(1, KILLS + 1):
        _edits(laptop, rng, mine, k)
        entries.update(_outbox(laptop))
        before = len(transport.pushes)
        failure: list[BaseException] = []

        def push() -> None:
            try:
                engine.push()
            except SyncError as exc:
                failure.append(exc)

        pusher = threading.Thread(target=push)
        pusher.start()
        # A random moment: some way into the round, then inside a push transaction, a little later.
        time.sleep(rng.uniform(0.0, window * 0.6))
        deadline = time.monotonic() + window * 3 + 10
        while pusher.is_alive() and not _writing(sdb) and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0.0, window / 3))
        writing = _writing(sdb)
        srv.kill()
        pusher.join(timeout=60)
        assert not pusher.is_alive()
        _wait_for_orphans(sdb)
        state = _server_state(sdb, device, community)
        _check_whole_batches(state, entries, transport)
        cut = [p for p in transport.pushes[before:] if not p["replied"]]
        if cut and state["last_seq"] >= cut[0]["last"]:
            outcomes["committed_reply_lost"] += 1
        elif cut and writing:
            outcomes["mid_transaction_rolled_back"] += 1
        else:
            outcomes["outside_a_transaction"] += 1
        srv.start()

    # The laptop syncs again (as its timer would) and ends equal to the server.
    final = SyncEngine(laptop, transport=RecordingTransport(srv.url, laptop.get_state(TOKEN), retries=3,
                                                            backoff=0.05), push_batch=BATCH)
    final.sync()
    result = final.verify()
    assert result["match"] and result["differing_rows"] == 0, result
    state = _server_state(sdb, device, community)
    total = int(laptop.get_state("outbox_seq"))
    assert total == max(entries) and state["last_seq"] == total
    assert state["results"] == list(range(1, total + 1))
    assert sorted(state["logged"]) == sorted(entries.values())  # every entry applied once, none twice
    with sdb.read() as conn:
        server = {t: table_rows(conn, t, community) for t in SYNC_ORDER}
    with laptop.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 0
        assert {t: table_rows(conn, t) for t in SYNC_ORDER} == server
    visits = {row_id for table, row_id, _ in entries.values() if table == "visit"}
    assert visits <= set(server["visit"])
    assert set(mine) <= {h for h, row in server["household"].items() if not row["deleted"]}
    print(f"\nserver kills on {backend}: {KILLS} kills ({json.dumps(outcomes)}), {total} entries, "
          f"{len(transport.pushes)} push requests, window {window:.2f} s, {srv.starts} server starts; 0 lost")
    # Kills must land inside push transactions, or the test proves little.
    assert outcomes["mid_transaction_rolled_back"] >= max(1, KILLS // 2), outcomes
