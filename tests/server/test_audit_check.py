"""The server detects a broken audit hash chain, and anchors each device's chain with receipts.

Two laptops write audit entries (reveals, exports) and sync them. The server's chains verify; then
one row of a copied server database is edited (or removed) and `gridworker server check-audit`
finds exactly that entry, in a real process, while the untouched device's chain still verifies.
Each laptop keeps the server's last receipt for its chain, and the receipt verifies under the
server's key; an edited anchor is reported. (The attacks on the chain: tests/attacks/test_audit_gwx.py.)
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import text

from gridworker.server.audit import check_audit_chains, make_receipt, receipt_key


def _audited_world(world, entries: int = 4):
    """Two laptops of community A, each with `entries` audit entries, all synced to the server."""
    laptops = [world.laptop("l1"), world.laptop("l2", "gw_a2")]
    for n, db in enumerate(laptops):
        for i in range(entries):
            with db.write(db.actor(db.get_state("user_id"))) as uow:  # the laptop's enrolled user
                uow.audit("reveal", table="household", detail={"what": "id_number", "i": i, "who": "张三"})
        world.engine(db).sync()
    return laptops


def _entries(conn, device_id: str) -> list[str]:
    return [r[0] for r in conn.execute(text("SELECT id FROM audit_log WHERE device_id = :d ORDER BY hlc"),
                                       {"d": device_id})]


def test_the_server_finds_an_edited_audit_entry(world):
    l1, l2 = _audited_world(world)
    with world.sdb.read() as conn:
        report = check_audit_chains(conn)
        assert report.ok and report.entries == 8 and report.devices == 2
        victim = _entries(conn, l1.device_id)[1]
    with world.sdb.write() as conn:  # someone covers a reveal up: "id_number" becomes "phone"
        conn.execute(text("UPDATE audit_log SET detail = :d WHERE id = :i"),
                     {"d": '{"i":1,"what":"phone","who":"张三"}', "i": victim})
    with world.sdb.read() as conn:
        report = check_audit_chains(conn)
    assert [(p.kind, p.entry_id) for p in report.problems] == [("hash_mismatch", victim)]
    assert report.problems[0].device_id == l1.device_id and "被修改" in report.problems[0].message


def _copy(src, dst) -> None:
    """A consistent copy of a live SQLite database (the backup API, as an investigator would)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def _check(path) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "gridworker", "server", "check-audit", "--db", str(path), "--json"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize("server_url", ["sqlite"], indirect=True)
def test_check_audit_on_a_copied_database_finds_one_edited_row(world, tmp_path, server_url):
    l1, l2 = _audited_world(world)
    pristine, edited, removed = tmp_path / "pristine.db", tmp_path / "edited.db", tmp_path / "removed.db"
    for copy in (pristine, edited, removed):
        _copy(server_url, copy)
    with world.sdb.read() as conn:
        ids = _entries(conn, l2.device_id)

    code, report, _ = _check(pristine)
    assert code == 0 and report["ok"] and report["entries"] == 8 and report["problems"] == []

    with sqlite3.connect(edited) as conn:  # the time of one reveal moved by an hour
        conn.execute("UPDATE audit_log SET created_at = replace(created_at, 'T', 'T0') WHERE id = ?", (ids[2],))
    code, report, _ = _check(edited)
    assert code == 1 and not report["ok"]
    assert [(p["kind"], p["entry_id"], p["device_id"]) for p in report["problems"]] == [
        ("hash_mismatch", ids[2], l2.device_id)]

    with sqlite3.connect(removed) as conn:  # one entry deleted: the next no longer links up
        conn.execute("DELETE FROM audit_log WHERE id = ?", (ids[1],))
    code, report, _ = _check(removed)
    assert code == 1
    assert [(p["kind"], p["entry_id"]) for p in report["problems"]] == [("chain_broken", ids[2])]


def test_check_audit_says_plainly_when_there_is_no_database(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "gridworker", "server", "check-audit", "--db",
                           str(tmp_path / "missing.db")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "no database file" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "missing.db").exists()


def test_each_laptop_keeps_the_servers_receipt_for_its_chain(world):
    l1, l2 = _audited_world(world, entries=3)
    with world.sdb.read() as conn:
        heads = {r[0]: r for r in conn.execute(text("SELECT device_id, entries, head_hash FROM audit_head"))}
        for db in (l1, l2):
            receipt = json.loads(db.get_state("audit_receipt"))
            last = conn.execute(text("SELECT hash FROM audit_log WHERE device_id = :d ORDER BY hlc DESC LIMIT 1"),
                                {"d": db.device_id}).scalar()
            assert receipt["device_id"] == db.device_id and receipt["entries"] == 3 and receipt["head_hash"] == last
            assert tuple(heads[db.device_id]) == (db.device_id, 3, last)
            _, secret = receipt_key(conn, receipt["key_id"])
            assert receipt["receipt"] == make_receipt(secret, db.device_id, 3, last)
    # Someone lowers the anchor to hide two deleted rows: the head no longer matches its receipt.
    with world.sdb.write() as conn:
        victims = _entries(conn, l1.device_id)[1:]
        conn.execute(text("DELETE FROM audit_log WHERE id IN (:a, :b)"), {"a": victims[0], "b": victims[1]})
        first = conn.execute(text("SELECT hash, id FROM audit_log WHERE device_id = :d"), {"d": l1.device_id}).first()
        conn.execute(text("UPDATE audit_head SET entries = 1, head_hash = :h, last_row_id = :i WHERE device_id = :d"),
                     {"h": first[0], "i": first[1], "d": l1.device_id})
    with world.sdb.read() as conn:
        report = check_audit_chains(conn)
    assert [(p.kind, p.device_id) for p in report.problems] == [("anchor_tampered", l1.device_id)]
