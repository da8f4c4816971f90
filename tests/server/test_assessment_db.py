"""考核评价 from a real server database (SQLite and PostgreSQL, a live server): cases pushed by a
laptop and a 12345 order, counted by the server's times of receipt whatever the laptop's clock said;
the CLI's table, JSON and .xlsx; an admin's API sees only their own subtree; the city's thresholds."""
from __future__ import annotations

import datetime as dt
import json

import requests
from click.testing import CliRunner
from openpyxl import load_workbook

from gridworker.cli import cli
from gridworker.ops.issues import append_step, report_issue
from gridworker.sync import wire

CN = dt.timezone(dt.timedelta(hours=8))


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_assessment_counts_by_the_servers_clock(world, tmp_path):
    lap = world.laptop("assess-a")
    actor = lap.actor(lap.get_state("user_id"))
    with lap.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "grid_id": None})
        done = report_issue(uow, {"title": "楼道灯坏了", "kind": "help", "household_id": hid})
        broken = report_issue(uow, {"title": "井盖缺失", "kind": "help"})
    with lap.write(actor) as uow:
        append_step(uow, done, "accept", {})
        append_step(uow, done, "analyse", {"category": "other", "urgency": "normal", "level": "community"})
        append_step(uow, done, "dispatch", {"level": "community", "department": "城管"})
        append_step(uow, done, "start_handling", {})
        append_step(uow, done, "feedback", {"note": "已修好"})
        append_step(uow, done, "close", {})
        append_step(uow, done, "rate", {"rating": "satisfied"})
    # A laptop whose clock is years behind: its events say 2020, the server received them now.
    with lap.write(actor) as uow:
        uow.append("issue_event", {"issue_id": broken, "action": "accept", "at": "2020-01-01T08:00:00+08:00",
                                   "payload": {}})
    assert world.engine(lap).sync().rejected == 0
    order = {"number": "GD-ASSESS-1", "called_at": "2026-01-01 08:00", "caller_text": "噪音扰民",
             "address": "阳光花园3幢", "limit": "1小时"}
    world.laptop("assess-b", "gw_b")  # community B: no cases
    token = _run("server", "hotline", "token", "--db", world.sdb.url).output.strip()
    r = requests.post(f"{world.url}{wire.API}/hotline/orders", json={"orders": [order]},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.json()["results"][0]["status"] == "matched", r.text
    period = dt.datetime.now(CN).strftime("%Y-%m")
    xlsx = tmp_path / "考核.xlsx"
    out = _run("server", "assess", "--db", world.sdb.url, "--period", period, "--json", "--xlsx", str(xlsx))
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    a = next(r for r in got["rows"] if r["name"] == "甲社区")
    # 3 cases; 2 accepted within 24 h of the server receiving them (the 2020 stamp does not matter);
    # the closed one is closed on time; the 1-hour order is not due yet unless an hour has passed.
    assert (a["cases"], a["responded"], a["closed"], a["closed_on_time"], a["rated"], a["satisfied"]) == (3, 2, 1, 1, 1, 1)
    assert a["response_rate"] == round(2 / 3, 4) and a["satisfaction_rate"] == 1.0
    assert not any(r["name"] == "乙社区" for r in got["rows"])
    assert json.loads(_run("server", "assess", "--db", world.sdb.url, "--period", "2020-01", "--json").output)["rows"] == []
    by_dept = json.loads(_run("server", "assess", "--db", world.sdb.url, "--period", period, "--by", "department",
                              "--json").output)
    assert [(r["name"], r["cases"]) for r in by_dept["rows"]] == [("城管", 1)]
    by_grid = json.loads(_run("server", "assess", "--db", world.sdb.url, "--period", period, "--by", "grid",
                              "--json").output)
    assert sum(r["cases"] for r in by_grid["rows"]) == 3
    ws = load_workbook(xlsx)["考核评价"]
    assert ws.cell(row=3, column=1).value == "甲社区" and ws.cell(row=3, column=2).value == 3
    plain = _run("server", "assess", "--db", world.sdb.url, "--period", period).output
    assert "甲社区 | 3 | 66.7%" in plain
    bad = _run("server", "assess", "--db", world.sdb.url, "--period", "2026-13")
    assert bad.exit_code != 0 and "月份不对" in bad.output
    # The city's thresholds: stored on the server, used by the next assessment.
    _run("server", "assess-settings", "--db", world.sdb.url, "--threshold", "response_rate=0.6,0.5")
    again = json.loads(_run("server", "assess", "--db", world.sdb.url, "--period", period, "--json").output)
    assert next(r for r in again["rows"] if r["name"] == "甲社区")["colours"]["response_rate"] == "green"
    refused = _run("server", "assess-settings", "--db", world.sdb.url, "--threshold", "response_rate=0.5,0.6")
    assert refused.exit_code != 0 and "红色阈值不能高于绿色阈值" in refused.output
    # Over the API, B's admin sees none of A's cases; A's admin sees them.
    from gridworker.server.auth import add_user  # noqa: PLC0415
    from support.server import password  # noqa: PLC0415

    with world.sdb.write() as conn:
        add_user(conn, "admin_b", password("admin_b"), "admin", "CB")
    admin_b = world.laptop("assess-admin-b", "admin_b")
    admin_a = world.laptop("assess-admin-a", "admin_a")
    headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}

    def api(db):
        r = requests.get(f"{world.url}{wire.API}/admin/assessment", params={"period": period},
                         headers={**headers, "Authorization": f"Bearer {db.get_state('device_token')}"}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    assert api(admin_a)["total"]["cases"] == 3
    assert api(admin_b)["total"]["cases"] == 0 and api(admin_b)["rows"] == []
    r = requests.get(f"{world.url}{wire.API}/admin/assessment", params={"period": period},
                     headers={**headers, "Authorization": f"Bearer {lap.get_state('device_token')}"}, timeout=10)
    assert r.status_code == 403

