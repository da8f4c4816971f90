"""A new, empty laptop database in milliseconds: a copy of one migrated template (tests, benchmarks).

Migrating a new file takes about a second; copying a migrated one does not. The copy gets its own
device id, exactly as a fresh ``Database.open`` would. Plain (not encrypted): for tests and
benchmarks that do not measure encryption.
"""
from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from pathlib import Path

from .database import Database

_TEMPLATE: dict[str, Path] = {}


def fresh_laptop(path: Path) -> Database:
    """A new, empty laptop database, copied from a migrated template (migrating takes ~1 s each).

    The copy gets its own device id, exactly as a fresh ``Database.open`` would.
    """
    if "path" not in _TEMPLATE or not _TEMPLATE["path"].exists():
        folder = tempfile.mkdtemp(prefix="gw-template-")
        atexit.register(shutil.rmtree, folder, True)
        tmp = Path(folder) / "template.db"
        Database.open(tmp).close()
        conn = sqlite3.connect(tmp)
        conn.execute("DELETE FROM local_state WHERE key = 'device_id'")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        _TEMPLATE["path"] = tmp
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATE["path"], path)
    return Database.open(path)
