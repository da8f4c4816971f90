"""12345 work orders reach the community's laptop (SQLite and PostgreSQL server, a live server):
imported from a file with its bad rows reported, matched by address, written by the server into
the community's change log, pulled by the laptop as a case with its work-order number, never
twice; an unmatched order is assigned by a person; the hotline system posts orders with its token."""
from __future__ import annotations

import json

import requests
from click.testing import CliRunner
from openpyxl import Workbook

from gridworker.cli import cli
from gridworker.domain.issues import fold
from gridworker.sync import wire

HEADER = ["工单编号", "来电时间", "来电内容", "地址", "类别", "时限"]


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result


def _laptop_cases(db):
    with db.read() as conn:
        issues = {r["id"]: dict(r) for r in conn.execute(__import__("sqlalchemy").text(
            "SELECT id, title, source, household_id, address, description FROM issue")).mappings()}
        events = [dict(r) for r in conn.execute(__import__("sqlalchemy").text(
            "SELECT id, issue_id, action, at, payload FROM issue_event ORDER BY at")).mappings()]
    return issues, events


def test_a_hotline_order_becomes_a_case_on_the_communitys_laptop(world, tmp_path):
    lap = world.laptop("hotline-a")
    with lap.write(lap.actor(lap.get_state("user_id"))) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张建国"})
    world.engine(lap).sync()
    book = Workbook()
    ws = book.active
    ws.append(HEADER)
    ws.append(["GD20261103001", "2026-11-03 09:30", "楼道堆放杂物，堵住消防通道", "无锡市梁溪区阳光花园3幢2单元501室",
               "安全隐患", "3天"])
    ws.append(["GD20261103002", "2026-11-03 10:00", "路灯不亮", "阳光花园9幢", "城市管理", "24小时"])
    ws.append(["GD20261103003", "2026-11-03 11:00", "井盖缺失", "人民路88号", "", ""])
    ws.append(["GD20261103004", "昨天上午", "噪音", "阳光花园1幢", "", ""])
    path = tmp_path / "工单.xlsx"
    book.save(path)
    first = _run("server", "hotline", "import", "--db", world.sdb.url, str(path), "--json")
    assert first.exit_code == 2, first.output  # a bad row: reported, the rest imported
    out = json.loads(first.output)
    assert (out["created"], out["unmatched"], out["duplicates"]) == (2, 1, 0), out
    assert out["problems"] == [{"row": 5, "column": "来电时间", "value": "昨天上午",
                                "reason": "不是有效的时间（例：2026-11-03 09:30）"}]
    again = json.loads(_run("server", "hotline", "import", "--db", world.sdb.url, str(path), "--json").output)
    assert (again["created"], again["duplicates"]) == (0, 3), again
    # The laptop only pulls (as a laptop with nothing to send does) and has both cases, once.
    with world.sdb.write() as conn:
        conn.exec_driver_sql("UPDATE device SET last_seen_at = NULL")
    world.engine(lap).pull()
    issues, events = _laptop_cases(lap)
    hotline = {json.loads(e["payload"])["work_order_no"]: (issues[e["issue_id"]], e)
               for e in events if "work_order_no" in json.loads(e["payload"] or "{}")}
    assert set(hotline) == {"GD20261103001", "GD20261103002"}
    case, event = hotline["GD20261103001"]
    assert case["source"] == "12345热线" and "GD20261103001" in case["title"] and case["household_id"] == hid
    assert json.loads(event["payload"])["time_limit_days"] == 3 and event["action"] == "report"
    folded = fold([{**event, "payload": json.loads(event["payload"])}])
    assert folded.state.status == "reported" and folded.state.category == "safety_hazard" and not folded.invalid
    assert "【城市管理】路灯不亮" == hotline["GD20261103002"][0]["description"]
    assert world.engine(lap).verify()["match"] is True  # the server's rows hash as the laptop's do
    # The fleet shows the laptop's last contact after its pull-only sync.
    devices = json.loads(_run("server", "devices", "--db", world.sdb.url, "--json").output)["devices"]
    assert next(d for d in devices if d["id"] == lap.device_id)["last_seen_at"]
    # The unmatched order waits; a person gives it to community B, whose laptop gets it.
    waiting = json.loads(_run("server", "hotline", "unmatched", "--db", world.sdb.url, "--json").output)["orders"]
    assert [o["number"] for o in waiting] == ["GD20261103003"]
    assigned = _run("server", "hotline", "assign", "--db", world.sdb.url, "--order", "GD20261103003",
                    "--community", "CB", "--json")
    assert assigned.exit_code == 0, assigned.output
    assert json.loads(assigned.output)["community_name"] == "乙社区"
    assert json.loads(_run("server", "hotline", "unmatched", "--db", world.sdb.url, "--json").output)["orders"] == []
    twice = _run("server", "hotline", "assign", "--db", world.sdb.url, "--order", "GD20261103003", "--community", "CA")
    assert twice.exit_code == 1 and "已派到社区" in twice.output
    lap_b = world.laptop("hotline-b", "gw_b")
    issues_b, _ = _laptop_cases(lap_b)
    assert ["12345工单 GD20261103003：井盖缺失"] == [i["title"] for i in issues_b.values()]
    assert not any("GD20261103003" in i["title"] for i in _laptop_cases(lap)[0].values())


def test_the_hotline_system_posts_orders_with_its_token(world):
    token = _run("server", "hotline", "token", "--db", world.sdb.url).output.strip()
    url = f"{world.url}{wire.API}/hotline/orders"
    order = {"number": "GD-API-1", "called_at": "2026-11-05T08:00:00+08:00", "caller_text": "电梯困人",
             "address": "甲社区 人民路1号", "limit": 2}
    r = requests.post(url, json={"orders": [order, {**order, "number": "GD API"}]},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["results"][0]["status"] == "matched" and body["results"][0]["community_name"] == "甲社区"
    assert body["problems"] == [{"index": 1, "field": "number", "column": "工单编号",
                                 "reason": "只能由字母、数字、- 和 _ 组成"}]
    again = requests.post(url, json={"orders": [order]}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert again.json()["results"][0]["duplicate"] is True
    assert again.json()["results"][0]["issue_id"] == body["results"][0]["issue_id"]
    for bad in ("", "not-the-token", token[:-1] + ("x" if token[-1] != "x" else "y")):
        r = requests.post(url, json={"orders": [order]}, headers={"Authorization": f"Bearer {bad}"}, timeout=10)
        assert r.status_code == 401, r.text
    newer = _run("server", "hotline", "token", "--db", world.sdb.url).output.strip()
    r = requests.post(url, json={"orders": [order]}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 401  # the old token stopped working
    assert requests.get(f"{world.url}{wire.API}/hotline/unmatched", headers={"Authorization": f"Bearer {newer}"},
                        timeout=10).json() == []
    # The same order sent twice at the same moment (two requests, two transactions): one case.
    import threading  # noqa: PLC0415

    from gridworker.server.hotline import parse_order, receive_orders  # noqa: PLC0415

    twin = parse_order({**order, "number": "GD-TWIN-1"})
    barrier, results = threading.Barrier(2), []

    def send():
        barrier.wait()
        results.extend(receive_orders(world.sdb, [twin], origin="api", received_by="hotline"))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(r["duplicate"] for r in results) == [False, True]
    assert len({r["issue_id"] for r in results}) == 1
    with world.sdb.read() as conn:
        from sqlalchemy import text  # noqa: PLC0415

        assert conn.execute(text("SELECT count(*) FROM issue WHERE title LIKE :t"), {"t": "%GD-TWIN-1%"}).scalar() == 1
