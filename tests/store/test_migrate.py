"""Opening a database migrates it; a backup is taken first; a failed migration changes nothing."""
from __future__ import annotations

import shutil
import textwrap

import pytest

from gridworker import paths
from gridworker.store.connect import raw_connect
from gridworker.store.database import CorruptDatabaseError, Database
from gridworker.store.migrate import MigrationError, head_revision


def _tree_with_extra(tmp_path, monkeypatch, body: str):
    """A copy of the client migration tree with one more revision on top of the head."""
    root = tmp_path / "install"
    shutil.copytree(paths.migrations_dir("client"), root / "migrations" / "client")
    head = head_revision("client")
    lines = ["from alembic import op", 'revision = "z9999_test"', f'down_revision = "{head}"',
             "branch_labels = None", "depends_on = None", "def upgrade():"]
    lines += ["    " + line for line in textwrap.dedent(body).strip().splitlines()]
    lines += ["def downgrade():", "    pass", ""]
    (root / "migrations" / "client" / "versions" / "z9999_test.py").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(paths, "install_root", lambda: root)


def _households(path, key=None):
    c = raw_connect(path, key)
    try:
        return c.execute("SELECT address FROM household ORDER BY address").fetchall()
    finally:
        c.close()


def test_new_database_is_at_head(tmp_path):
    db = Database.open(tmp_path / "a.db")
    with db.read() as conn:
        rev = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert rev == head_revision("client")
    assert db.backup_made is None
    db.close()


def test_upgrade_takes_a_backup_first(tmp_path, monkeypatch, db, actor):
    with db.write(actor) as uow:
        uow.insert("household", {"address": "阳光花园1幢101室"})
    path = db.path
    db.close()
    _tree_with_extra(tmp_path, monkeypatch, 'op.execute("CREATE TABLE note_test (x TEXT)")')
    upgraded = Database.open(path, key=db.key)
    assert upgraded.backup_made and _households(upgraded.backup_made, db.key) == [("阳光花园1幢101室",)]
    assert _households(path, db.key) == [("阳光花园1幢101室",)]
    upgraded.close()


def test_failed_migration_leaves_the_file_untouched_and_says_so(tmp_path, monkeypatch, db, actor):
    with db.write(actor) as uow:
        uow.insert("household", {"address": "阳光花园1幢101室"})
    path = db.path
    db.close()
    _tree_with_extra(tmp_path, monkeypatch, '''
        op.execute("CREATE TABLE half_done (x TEXT)")
        op.execute("DELETE FROM household")
        op.execute("THIS IS NOT SQL")
    ''')
    with pytest.raises(MigrationError) as info:
        Database.open(path, key=db.key)
    assert "原文件未改动" in str(info.value)
    c = raw_connect(path, db.key)
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    c.close()
    assert "half_done" not in tables
    assert _households(path, db.key) == [("阳光花园1幢101室",)]


def test_corrupt_file_is_detected_before_anything_is_written(tmp_path):
    path = tmp_path / "gridworker.db"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError):
        Database.open(path)
    assert path.read_bytes() == before
