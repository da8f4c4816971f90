"""Make a laptop database as an older release left it, for build_spec/smoke.sh: ``python old_database.py DIR``.

Migrates a new ``DIR/gridworker.db`` only to the first client head (``c0001_initial``) and adds, with
plain SQL as that schema held them, one household, one resident and their two unsent outbox
entries. The smoke test then lets the *built* program open it (``gridworker db info``) and checks
it reached head with its rows, its pending changes and a backup. tests/build/test_upgrade.py does
the thorough version (and sends the changes to a live server).
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from gridworker.store.migrate import alembic_config

OLD_HEAD = "c0001_initial"
COMMUNITY = "0190c000-0000-7000-8000-00000000000a"
HOUSEHOLD = "0190c000-0000-7000-8000-000000000101"
RESIDENT = "0190c000-0000-7000-8000-000000000201"
DEVICE = "0190c000-0000-7000-8000-0000000000d1"
NOW = "2026-05-01T09:30:00+00:00"


def make(folder: Path) -> Path:
    """Create ``folder/gridworker.db`` at the old head with one household and two unsent changes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gridworker.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = alembic_config("client")
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, OLD_HEAD)
    engine.dispose()
    con = sqlite3.connect(path)
    # The user of that release's laptop (offline login against this Argon2id hash). The first
    # login of the new release encrypts the file: smoke.sh logs in as laowang / old-password.
    from argon2 import PasswordHasher

    con.execute("INSERT INTO local_user (id, username, display_name, role, org_id, password_hash) "
                "VALUES ('0190c000-0000-7000-8000-0000000000u1', 'laowang', '老王', 'grid_worker', NULL, ?)",
                (PasswordHasher().hash("old-password"),))
    con.executemany("INSERT INTO local_state (key, value) VALUES (?, ?)",
                    [("device_id", DEVICE), ("community_id", COMMUNITY), ("outbox_seq", "2")])
    con.execute("INSERT INTO household (id, community_id, address, head_name, phone, attention_level, tags, "
                "versions, deleted, updated_at, hlc) VALUES (?, ?, '阳光花园1幢1单元101室', '张三', "
                "'13812345678', 'normal', '[]', '{}', 0, ?, '1777627800001-0000-0000000000d1')",
                (HOUSEHOLD, COMMUNITY, NOW))
    con.execute("INSERT INTO resident (id, community_id, household_id, name, tags, sensitive_tags, versions, "
                "deleted, updated_at, hlc) VALUES (?, ?, ?, '张三', '[]', '[]', '{}', 0, ?, "
                "'1777627800002-0000-0000000000d1')", (RESIDENT, COMMUNITY, HOUSEHOLD, NOW))
    for seq, table, row_id, fields in (
            (1, "household", HOUSEHOLD, {"address": "阳光花园1幢1单元101室", "head_name": "张三",
                                         "phone": "13812345678", "community_id": COMMUNITY}),
            (2, "resident", RESIDENT, {"household_id": HOUSEHOLD, "name": "张三", "community_id": COMMUNITY})):
        con.execute("INSERT INTO outbox (seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, "
                    "created_at) VALUES (?, ?, ?, ?, 'insert', ?, '{}', ?, ?)",
                    (seq, "0190c000-0000-7000-8000-0000000000e1", table, row_id,
                     json.dumps(fields, ensure_ascii=False), f"177762780000{seq}-0000-0000000000d1", NOW))
    con.commit()
    con.close()
    return path


if __name__ == "__main__":
    print(make(Path(sys.argv[1])))
