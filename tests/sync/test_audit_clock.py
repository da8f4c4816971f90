"""Issue #20, item 3: a laptop clock that ran ahead and was corrected raises no tampering alarm.

The laptop found its audit chain's previous entry by the highest HLC stamp, and the stamp is not
kept between processes: after the clock came back, the next entries linked to the wrong one, the
server refused them (`audit_chain`) and `server check-audit` reported `chain_broken` on an honest
laptop. Real server on a loopback port, SQLite and PostgreSQL.
"""
from __future__ import annotations

import time

from gridworker.domain.hlc import HybridClock
from gridworker.server.audit import check_audit_chains

YEAR_MS = 365 * 24 * 3600 * 1000


def _audit(db, action: str) -> None:
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        uow.audit(action, detail={"step": action})


def test_a_corrected_clock_keeps_the_audit_chain_whole(world):
    db = world.laptop("a")
    node = db.device_id[-12:]
    db._clock = HybridClock(node, wall=lambda: time.time_ns() // 1_000_000 + YEAR_MS)  # a year ahead
    _audit(db, "login")
    db._clock = HybridClock(node)  # corrected; a new process forgets the last stamp
    _audit(db, "export")
    _audit(db, "logout")
    report = world.engine(db).sync()
    assert report.rejected == 0
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT action, prev_hash, hash FROM audit_log WHERE device_id = ? "
                                    "ORDER BY rowid", (db.device_id,)).fetchall()
    assert [r[0] for r in rows] == ["login", "export", "logout"]
    assert [r[1] for r in rows] == [None, rows[0][2], rows[1][2]]  # each links to the one written before
    with world.sdb.read() as conn:
        problems = [p for p in check_audit_chains(conn).problems if p.device_id == db.device_id]
    assert problems == []
