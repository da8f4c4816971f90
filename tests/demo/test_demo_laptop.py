"""Writing the demo city into a real laptop database, and the `gridworker db generate` command."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridworker.cli import cli
from gridworker.demo import NotEmptyError, iter_city, write_laptop
from gridworker.demo.rowkit import CHINA
from gridworker.domain.errors import ValidationError
from gridworker.domain.issues import fold
from gridworker.store.connect import is_encrypted
from gridworker.store.database import Database
from gridworker.store.tables import SYNC_ORDER
from laptop_helpers import SETUP_STDIN, UNLOCK, new_laptop

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)
ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "gridworker", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, input=stdin)


def test_write_laptop_stores_every_row_without_outbox_and_passes_check(tmp_path):
    db = new_laptop(tmp_path)
    seen = []
    try:
        counts = write_laptop(db, 1000, 5, lambda done, total: seen.append((done, total)), now=NOW)
        expected = Counter()
        for table, rows in iter_city(1000, 5, now=NOW):
            expected[table] += len(rows)
        assert counts == {t: expected.get(t, 0) for t in SYNC_ORDER}
        with db.read() as conn:
            for table in SYNC_ORDER:
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == counts[table]
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 0
            community = conn.exec_driver_sql("SELECT id FROM org_unit WHERE level = 'community'").scalar()
            # JSON text and exact decimals survive the round trip.
            tags, area = conn.exec_driver_sql("SELECT tags, area_m2 FROM household LIMIT 1").first()
        assert isinstance(json.loads(tags), list) and area.count(".") == 1
        assert db.community_id == community
        assert seen[-1] == (1000, 1000)
        with pytest.raises(NotEmptyError):
            write_laptop(db, 10, 5)
    finally:
        db.close()
    result = _run("db", "check", "--data-dir", str(tmp_path), *UNLOCK, "--json", stdin=SETUP_STDIN)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


def test_a_grid_worker_can_carry_on_with_demo_data_through_the_unit_of_work(tmp_path):
    db = Database.open(tmp_path / "gridworker.db")
    try:
        write_laptop(db, 300, 2, now=NOW)
        with db.read() as conn:
            events = [dict(r._mapping) for r in conn.exec_driver_sql(
                "SELECT issue_id, id, action, at, payload FROM issue_event ORDER BY issue_id, hlc")]
            home_id, tags = conn.exec_driver_sql("SELECT id, tags FROM household LIMIT 1").first()
        by_issue: dict[str, list] = {}
        for e in events:
            by_issue.setdefault(e["issue_id"], []).append({**e, "payload": json.loads(e["payload"])})
        handling = next(i for i, evs in by_issue.items() if fold(evs).state.status == "handling")
        with db.write(db.actor(name="网格员")) as uow:
            uow.append("issue_event", {"issue_id": handling, "action": "feedback", "note": "已处置"})
            uow.update("household", home_id, {"tags": json.loads(tags) + ["星级文明户"]})
        with pytest.raises(ValidationError):
            with db.write(db.actor()) as uow:
                uow.append("issue_event", {"issue_id": handling, "action": "rate", "payload": {"rating": "满意"}})
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 2
    finally:
        db.close()


def test_cli_generate_prints_json_and_the_database_checks_out(tmp_path):
    result = _run("db", "generate", "--data-dir", str(tmp_path), "--households", "400", "--seed", "9", "--json",
                  *UNLOCK, stdin=SETUP_STDIN)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["households"] == 400 and report["rows"]["household"] == 400
    assert report["rows"]["resident"] > 800 and report["community_id"]
    assert (tmp_path / "gridworker.db").stat().st_size == report["size_bytes"]
    assert is_encrypted(tmp_path / "gridworker.db"), "a generated laptop is encrypted like any other"
    check = _run("db", "check", "--data-dir", str(tmp_path), "--json", *UNLOCK, stdin=SETUP_STDIN)
    assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True
    again = _run("db", "generate", "--data-dir", str(tmp_path), "--households", "10", *UNLOCK, stdin=SETUP_STDIN)
    assert again.returncode == 1 and "已有400户" in again.stderr and "Traceback" not in again.stderr


def test_cli_generate_text_output_and_help(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "generate", "--help"])
    assert result.exit_code == 0 and "--households" in result.output and "--seed" in result.output
    result = runner.invoke(cli, ["db", "generate", "--data-dir", str(tmp_path), "--households", "0", *UNLOCK],
                           input=SETUP_STDIN)
    assert result.exit_code == 2
    result = runner.invoke(cli, ["db", "generate", "--data-dir", str(tmp_path), "--households", "150", *UNLOCK],
                           input=SETUP_STDIN)
    assert result.exit_code == 0, result.output
    assert "generated 150 households" in result.output
