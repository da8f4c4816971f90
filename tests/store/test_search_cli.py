"""`gridworker db search`: what a grid worker sees in the terminal, personal data masked by default."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from gridworker.cli import cli
from laptop_helpers import SETUP_STDIN, UNLOCK


def _town(db, actor, grid_id):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张三",
                                       "phone": "13812345678", "grid_id": grid_id, "tags": ["独居老人"]})
        uow.insert("resident", {"household_id": hid, "name": "张三", "id_number": "11010519491231002X",
                                "phone": "13812345678"})
        uow.insert("household", {"address": "金色家园1幢1单元101室", "head_name": "李四"})


def test_search_masks_phones_and_filters_by_grid_code(db, actor, grid_id):
    _town(db, actor, grid_id)
    data_dir = str(db.path.parent)
    db.close()
    def run(cli, args):
        return CliRunner().invoke(cli, args[:2] + UNLOCK + args[2:], input=SETUP_STDIN)

    out = run(cli, ["db", "search", "--data-dir", data_dir, "zs"])
    assert out.exit_code == 0, out.output
    assert "阳光花园3幢2单元501室" in out.output and "138****5678" in out.output
    assert "13812345678" not in out.output and "金色家园" not in out.output
    out = run(cli, ["db", "search", "--data-dir", data_dir, "002x", "--json"])
    data = json.loads(out.output)
    assert data["total"] == 1 and data["households"][0]["phone"] == "138****5678"
    assert "11010519491231002X" not in out.output and "1231002X" not in out.output
    out = run(cli, ["db", "search", "--data-dir", data_dir, "--grid", "320211001001", "--tag", "独居老人",
                    "--overdue", "--json"])
    assert [h["address"] for h in json.loads(out.output)["households"]] == ["阳光花园3幢2单元501室"]
    out = run(cli, ["db", "search", "--data-dir", data_dir, "5678", "--show-personal"])
    assert "13812345678" in out.output


def test_unknown_grid_is_a_clear_error(db, actor, grid_id):
    _town(db, actor, grid_id)
    data_dir = str(db.path.parent)
    db.close()
    out = CliRunner().invoke(cli, ["db", "search", *UNLOCK, "--data-dir", data_dir, "--grid", "没有这个网格"],
                             input=SETUP_STDIN)
    assert out.exit_code != 0 and "没有这个网格" in out.output


def test_search_runs_as_a_program(db, actor, grid_id):
    _town(db, actor, grid_id)
    data_dir = str(db.path.parent)
    db.close()
    proc = subprocess.run([sys.executable, "-m", "gridworker", "db", "search", "--data-dir", data_dir, *UNLOCK, "李"],
                          input=SETUP_STDIN, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "1 households match" in proc.stdout and "金色家园1幢1单元101室" in proc.stdout


def test_search_without_the_password_opens_nothing(db, actor, grid_id):
    _town(db, actor, grid_id)
    data_dir = str(db.path.parent)
    db.close()
    wrong = CliRunner().invoke(cli, ["db", "search", *UNLOCK, "--data-dir", data_dir, "zs"], input="guess\n")
    assert wrong.exit_code != 0 and "阳光花园" not in wrong.output and "不正确" in wrong.output
    none = CliRunner().invoke(cli, ["db", "search", "--data-dir", data_dir, "zs"], input="")
    assert none.exit_code != 0 and "--password-stdin" in none.output and "阳光花园" not in none.output


def test_full_numbers_in_a_search_are_audited_and_refused_to_party_members(db, actor, grid_id):
    from gridworker.store.keyslots import KeySlots

    _town(db, actor, grid_id)
    data_dir = str(db.path.parent)
    KeySlots.load(db.path).add_user(db.key, user_id="user-pm", username="pm", display_name="党员", role="party_member",
                                    org_id=None, password="pw-pm", online=False)
    db.close()
    out = CliRunner().invoke(cli, ["db", "search", *UNLOCK, "--data-dir", data_dir, "5678", "--show-personal"],
                             input=SETUP_STDIN)
    assert out.exit_code == 0 and "13812345678" in out.output
    refused = CliRunner().invoke(cli, ["db", "search", "--user", "pm", "--password-stdin", "--data-dir", data_dir,
                                       "5678", "--show-personal"], input="pw-pm\n")
    assert refused.exit_code != 0 and "13812345678" not in refused.output and "party_member" in refused.output
    masked = CliRunner().invoke(cli, ["db", "search", "--user", "pm", "--password-stdin", "--data-dir", data_dir,
                                      "5678"], input="pw-pm\n")
    assert masked.exit_code == 0 and "138****5678" in masked.output

    from gridworker.store.database import Database

    with Database.open(db.path, key=db.key) as again, again.read() as conn:
        audit = conn.exec_driver_sql("SELECT action, created_by, detail FROM audit_log WHERE action = 'reveal'").fetchall()
    assert len(audit) == 1, audit
    action, user_id, detail = audit[0]
    assert user_id == KeySlots.load(db.path).find("setup").user_id and json.loads(detail)["where"] == "cli_search"
    assert "5678" not in detail  # the query is not kept: it may itself be a number
