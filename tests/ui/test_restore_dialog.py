"""数据库文件已损坏: the dialog the app shows when the laptop database fails its check at start.

Real encrypted databases damaged on disk, real backups, the real dialog offscreen; the restore runs
in the dialog's background task.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from gridworker.store.backups import make_backup
from gridworker.store.database import CorruptDatabaseError, Database, quick_check

PHONE = "13912345678"
COMMUNITY = "0190a000-0000-7000-8000-000000000001"
TAKEN = dt.datetime(2026, 3, 2, 9, 30)


def _laptop(path: Path, key: bytes) -> Database:
    db = Database.open(path, key=key)
    db.set_state("community_id", COMMUNITY)
    with db.write(db.actor("u1")) as uow:
        hid = uow.insert("household", {"address": "蠡桥花园3幢2单元501室", "head_name": "张建国"})
        uow.insert("resident", {"household_id": hid, "name": "张建国", "phone": PHONE})
        for i in range(300):
            uow.insert("household", {"address": f"阳光小区{i}幢", "head_name": "李四"})
    return db


def _garble_middle(path: Path) -> None:
    count = path.stat().st_size // 4096
    with open(path, "r+b") as f:
        for n in range(count // 2, count // 2 + 3):
            f.seek(n * 4096)
            f.write(secrets.token_bytes(4096))


def _damaged(path: Path, key: bytes) -> str:
    """Damage the closed database; return what the start-up check reports (as the app gets it)."""
    _garble_middle(path)
    with pytest.raises(CorruptDatabaseError):
        Database.open(path, key=key)
    problem = quick_check(path, key)
    assert problem
    return problem


@pytest.fixture
def key():
    return secrets.token_bytes(32)


def _dialog(qtbot, path, key, problem):
    from gridworker.ui.restore_dialog import RestoreDialog

    dialog = RestoreDialog(path, key, problem)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    return dialog


def test_the_dialog_lists_the_backup_and_restoring_brings_its_data_back(qtbot, tmp_path, key):
    path = tmp_path / "gridworker.db"
    db = _laptop(path, key)
    make_backup(db, now=TAKEN)
    with db.write(db.actor("u1")) as uow:
        uow.insert("household", {"address": "备份后未同步的一户", "head_name": "王五"})
    db.close()
    problem = _damaged(path, key)
    damaged = hashlib.sha256(path.read_bytes()).hexdigest()

    dialog = _dialog(qtbot, path, key, problem)
    # It says plainly what is wrong and where.
    assert dialog.windowTitle() == "数据库文件已损坏"
    assert str(path) in dialog.problem_label.text()
    assert problem.splitlines()[0] in dialog.problem_label.text()
    # The backup is listed: when, how big, how many unsent changes it holds.
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "2026-03-02 09:30"
    assert dialog.table.item(0, 1).text().endswith(("KB", "MB"))
    assert dialog.table.item(0, 2).text() == "302 条"  # the backup's outbox: 1 + 1 + 300 inserts
    # What restoring means, before the user clicks.
    explain = dialog.explain.text()
    assert "gridworker.db.broken-" in explain and "不会删除" in explain
    assert "还没有同步到服务器的修改" in explain and "同步一次" in explain
    assert dialog.restore_button.text() == "恢复所选备份" and dialog.restore_button.isEnabled()
    assert dialog.quit_button.text() == "退出"

    qtbot.mouseClick(dialog.restore_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)

    assert dialog.result() == QDialog.Accepted
    assert dialog.restored_from.name == "gridworker-20260302-093000.db"
    assert dialog.moved_aside.name.startswith("gridworker.db.broken-")
    assert hashlib.sha256(dialog.moved_aside.read_bytes()).hexdigest() == damaged
    with Database.open(path, key=key) as again:  # the full check passes again
        with again.read() as conn:
            assert conn.exec_driver_sql("SELECT phone FROM resident").scalar() == PHONE
            addresses = {r[0] for r in conn.exec_driver_sql("SELECT address FROM household")}
    assert "蠡桥花园3幢2单元501室" in addresses and "备份后未同步的一户" not in addresses


def test_with_no_good_backup_it_says_what_to_do_and_quit_rejects(qtbot, tmp_path, key):
    path = tmp_path / "gridworker.db"
    db = _laptop(path, key)
    bad = make_backup(db, now=TAKEN)
    db.close()
    _garble_middle(bad)  # the only backup is damaged too: it must not be offered
    problem = _damaged(path, key)

    dialog = _dialog(qtbot, path, key, problem)
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()
    assert "没有可用的备份" in dialog.status.text()
    text = dialog.explain.text()
    assert "联系管理员" in text and "重新登记" in text and str(path) in text and "不要删除" in text

    damaged = path.read_bytes()
    qtbot.mouseClick(dialog.quit_button, Qt.LeftButton)
    assert dialog.result() == QDialog.Rejected
    assert dialog.restored_from is None
    assert path.read_bytes() == damaged and not list(tmp_path.glob("gridworker.db.broken-*"))


def test_a_failed_restore_is_shown_in_the_dialog_and_nothing_is_moved(qtbot, tmp_path, key):
    path = tmp_path / "gridworker.db"
    db = _laptop(path, key)
    backup = make_backup(db, now=TAKEN)
    db.close()
    problem = _damaged(path, key)
    dialog = _dialog(qtbot, path, key, problem)
    assert dialog.table.rowCount() == 1
    backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])  # lost after it was listed

    qtbot.mouseClick(dialog.restore_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=20_000)
    assert dialog.isVisible() and "恢复失败" in dialog.error.text() and "请选择另一份备份" in dialog.error.text()
    assert dialog.quit_button.isEnabled()
    assert not list(tmp_path.glob("gridworker.db.broken-*"))
    dialog.reject()
