"""The console's city pages (#16) over HTTP against a live server: 考核评价 (rates, 红绿, 黑榜, the
.xlsx), 热线工单 (a multipart upload with its per-row problems, the unmatched list, assigning one),
终端 (last contact, stale in red by ?stale_days, revoke with CSRF and a confirmation step), who may
open each, and the access log of the views. SQLite; the assessment page once on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import text

from gridworker import ops
from gridworker.sync.laptop import verify_user_online
from gridworker.sync.transport import DeviceRevoked
from support.console import ConsoleClient, add_console_user
from support.server import World, password

PW = {"jd": "Street-lantern-42x", "cg": "Dept-kettle-77q", "cg2": "Other-dept-teapot-9"}
CHINA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def lite(tmp_path):
    w = World(str(tmp_path / "server.db"), tmp_path)
    add_console_user(w.sdb.url, "jd", PW["jd"], "street", "S1", display_name="测试街道值班员")
    add_console_user(w.sdb.url, "cg", PW["cg"], "department", "S1", department="街道城管中队")
    add_console_user(w.sdb.url, "cg2", PW["cg2"], "department", "S1", department="派出所")
    yield w
    w.close()


def client(world, name: str) -> ConsoleClient:
    c = ConsoleClient(world.url)
    r = c.login(name, PW.get(name) or password(name))
    assert r.status_code == 303, r.text
    return c


def cell(html: str, key: str, col: str) -> str:
    """The text of one cell of the assessment table: row ``data-key``, column ``data-col``."""
    row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert row, f"no row {key}"
    found = re.search(rf'<td class="([^"]*)" data-col="{col}">([^<]*)</td>', row.group(1))
    assert found, f"no column {col} in row {key}"
    return f"{found.group(1).strip()}|{found.group(2).strip()}"


def dispatched_case(world, lap, me, title: str) -> str:
    """A laptop case escalated to the street, taken and dispatched to 街道城管中队 in the console."""
    iid = ops.issues.report(lap, me, title=title, kind="help").id
    ops.issues.step(lap, me, issue_id=iid, action="accept")
    ops.issues.step(lap, me, issue_id=iid, action="escalate", payload={"reason": "需街道协调"})
    assert world.engine(lap).sync().rejected == 0
    street = client(world, "jd")
    for action, fields in (("accept", {}), ("analyse", {"category": "environment", "urgency": "normal"}),
                           ("dispatch", {"department": "街道城管中队", "days": "2"})):
        assert street.act(iid, action, **fields).status_code == 303
    return iid


def assessment_flow(world):
    lap = world.laptop("a", "gw_a")
    me = lap.actor(lap.get_state("user_id"), "王网格", "grid_worker")
    late = dispatched_case(world, lap, me, "占道经营")
    # Received by the server 40 days ago, all of it: its 2 working days have long passed.
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
    with world.sdb.write() as conn:
        conn.execute(text("UPDATE issue_event_received SET received_at = :t WHERE issue_id = :i"),
                     {"t": before.isoformat(timespec="seconds"), "i": late})
    fresh = ops.issues.report(lap, me, title="路灯不亮", kind="help").id
    ops.issues.step(lap, me, issue_id=fresh, action="accept")
    assert world.engine(lap).sync().rejected == 0
    month, old = dt.datetime.now(CHINA).strftime("%Y-%m"), before.astimezone(CHINA).strftime("%Y-%m")
    street = client(world, "jd")

    page = street.get("/console/assessment", period=month)
    assert page.status_code == 200, page.text
    assert '<a href="/console/assessment" class="on">考核评价</a>' in page.text     # in the navigation
    assert cell(page.text, "total", "cases") == "n|1"                              # only this month's
    assert cell(page.text, "total", "response_rate") == "n rate green|100.0%"
    assert cell(page.text, "total", "closure_rate") == "n rate|—"                 # nothing due yet

    page = street.get("/console/assessment", period=old, by="department")
    assert cell(page.text, "街道城管中队", "cases") == "n|1"
    assert cell(page.text, "街道城管中队", "overdue") == "n red|1"
    assert cell(page.text, "街道城管中队", "on_time_rate") == "n rate red|0.0%"
    black = re.search(r'data-testid="blacklist".*?</table>', page.text, re.S).group(0)
    assert "街道城管中队" in black and "本期没有部门超期" not in black

    x = street.get("/console/assessment.xlsx", period=old, by="department")
    assert x.status_code == 200 and "spreadsheetml" in x.headers["content-type"]
    wb = load_workbook(io.BytesIO(x.content))
    rows = list(wb["考核评价"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "街道城管中队" and rows[0][1] == 1 and rows[0][8] == 1
    assert [r[1] for r in wb["黑榜"].iter_rows(min_row=2, values_only=True)] == ["街道城管中队"]

    # a department sees its own line only; another department has none
    own = client(world, "cg").get("/console/assessment", period=old, by="community")
    assert own.status_code == 200 and cell(own.text, "街道城管中队", "cases") == "n|1"
    assert 'href="/console/hotline"' not in own.text and 'href="/console/fleet"' not in own.text  # not its pages
    assert 'href="/console/hotline"' in page.text and 'href="/console/fleet"' not in page.text     # the street's
    other = client(world, "cg2").get("/console/assessment", period=old)
    assert "街道城管中队" not in other.text and cell(other.text, "total", "cases") == "n|0"

    assert street.get("/console/assessment", period="2026-13").status_code == 400
    assert requests.get(f"{world.url}/console/assessment", allow_redirects=False,
                        timeout=30).headers["location"] == "/console/login"
    with world.sdb.read() as conn:
        views = [json.loads(d) for (d,) in conn.execute(text(
            "SELECT detail FROM server_access_log WHERE action = 'console_view'"))]
    assert {"page": "assessment", "period": old, "by": "department"} in views
    assert any(v["page"] == "assessment_xlsx" for v in views)


def test_the_assessment_page_counts_rates_colours_and_the_blacklist(lite):
    assessment_flow(lite)


@pytest.mark.postgres
def test_the_assessment_page_on_postgresql(tmp_path, request):
    from support.server import make_server_url

    w = World(make_server_url("postgres", tmp_path, request), tmp_path)
    try:
        add_console_user(w.sdb.url, "jd", PW["jd"], "street", "S1")
        add_console_user(w.sdb.url, "cg", PW["cg"], "department", "S1", department="街道城管中队")
        add_console_user(w.sdb.url, "cg2", PW["cg2"], "department", "S1", department="派出所")
        assessment_flow(w)
    finally:
        w.close()


def upload(c: ConsoleClient, name: str, data: bytes, *, csrf: bool = True) -> requests.Response:
    return requests.post(f"{c.base}/console/hotline/upload", data={"csrf": c.csrf} if csrf else {},
                         files={"file": (name, data, "text/csv")}, headers=c.headers(), allow_redirects=False,
                         timeout=30)


ORDERS = ("工单编号,来电时间,来电内容,地址,类别,时限\n"
          "GD-001,2026-11-03 09:30,楼下占道经营 联系电话 13812345678,无锡市梁溪区甲社区文化广场,占道经营,24小时\n"
          "GD-002,2026-11-03 10:00,噪音扰民,某某路88号,噪音,3天\n"
          "GD-003,昨天下午,井盖缺失,某某路1号,,\n").encode("utf-8")


def test_hotline_upload_shows_row_problems_and_an_unmatched_order_is_assigned(lite):
    street = client(lite, "jd")
    page = street.get("/console/hotline")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert upload(street, "orders.csv", ORDERS, csrf=False).status_code == 403
    with lite.sdb.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM hotline_order")).scalar() == 0

    r = upload(street, "orders.csv", ORDERS)
    assert r.status_code == 422, r.text                                       # one row refused
    problems = re.search(r'data-testid="problems".*?</table>', r.text, re.S).group(0)
    assert re.search(r'<td class="n">4</td><td>来电时间</td><td>昨天下午</td>', problems), problems
    assert "1 张已派到社区，1 张待人工指派" in r.text
    waiting = re.search(r'data-testid="unmatched".*?</table>', r.text, re.S).group(0)
    assert 'data-order="GD-002"' in waiting and 'data-order="GD-001"' not in waiting
    assert "13812345678" not in r.text

    with lite.sdb.read() as conn:
        first = conn.execute(text("SELECT status, community_id, issue_id FROM hotline_order WHERE number = 'GD-001'")).one()
    assert first.status == "matched" and first.issue_id

    assert street.post("/console/hotline/assign", {"number": "GD-002", "community": "CB"}, csrf=False).status_code == 403
    assert street.post("/console/hotline/assign", {"number": "GD-002", "community": "NOPE"}).status_code == 404
    r = street.post("/console/hotline/assign", {"number": "GD-002", "community": "CB"})
    assert r.status_code == 200 and "工单 GD-002 已派到乙社区" in r.text
    assert 'data-order="GD-002"' not in re.search(r'data-testid="unmatched".*?</table>', r.text, re.S).group(0)
    with lite.sdb.read() as conn:
        second = conn.execute(text("SELECT o.status, i.community_id, i.source FROM hotline_order o "
                                   "JOIN issue i ON i.id = o.issue_id WHERE o.number = 'GD-002'")).one()
    assert tuple(second) == ("matched", "0190b000-0000-7000-8000-00000000000b", "12345热线")
    assert street.post("/console/hotline/assign", {"number": "GD-002", "community": "CA"}).status_code == 409
    # an .xlsx upload (binary through the multipart parser) reads the same way
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["工单编号", "来电时间", "来电内容", "地址", "时限"])
    wb.active.append(["GD-XL1", "2026-11-04 08:00", "垃圾未清运", "无锡市梁溪区乙社区菜场门口", "3天"])
    buf = io.BytesIO()
    wb.save(buf)
    r = upload(street, "工单.xlsx", buf.getvalue())
    assert r.status_code == 200 and "1 张已派到社区" in r.text, r.text
    assert re.search(r'data-order="GD-XL1"><td>GD-XL1</td>\s*<td>已派到社区</td>\s*<td>乙社区</td>', r.text)
    # a department user has no hotline page
    assert client(lite, "cg").get("/console/hotline").status_code == 403


def test_fleet_page_shows_stale_laptops_in_red_and_revokes_after_confirmation(lite):
    a, b = lite.laptop("lap-a", "gw_a"), lite.laptop("lap-b", "gw_b")
    with lite.sdb.write() as conn:
        old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=5)).isoformat(timespec="seconds")
        conn.execute(text("UPDATE device SET last_seen_at = :t WHERE id = :i"), {"t": old, "i": b.device_id})
    admin = client(lite, "admin")
    page = admin.get("/console/fleet")
    assert page.status_code == 200 and ">终端</a>" in page.text
    rows = dict(re.findall(r'<tr data-device="([^"]+)" class="([^"]*)">', page.text))
    assert rows[a.device_id] == "" and rows[b.device_id] == "stale"         # silent 5 days > 3
    assert "甲社区" in page.text and "乙社区" in page.text and "gw_a" in page.text
    rows = dict(re.findall(r'<tr data-device="([^"]+)" class="([^"]*)">', admin.get("/console/fleet", stale_days="7").text))
    assert rows[b.device_id] == ""

    # community A's admin sees A's laptop only, and cannot revoke B's
    admin_a = client(lite, "admin_a")
    mine = admin_a.get("/console/fleet").text
    assert a.device_id in mine and b.device_id not in mine
    assert admin_a.get(f"/console/fleet/{b.device_id}/revoke").status_code == 404
    assert admin_a.post(f"/console/fleet/{b.device_id}/revoke", {"confirm": "yes"}).status_code == 404
    # the confirmation step, then CSRF, then revoke
    assert "我确认吊销这台终端" in admin_a.get(f"/console/fleet/{a.device_id}/revoke").text
    assert admin_a.post(f"/console/fleet/{a.device_id}/revoke", {}).status_code == 303           # not confirmed
    assert admin_a.post(f"/console/fleet/{a.device_id}/revoke", {"confirm": "yes"}, csrf=False).status_code == 403
    with lite.sdb.read() as conn:
        assert conn.execute(text("SELECT revoked_at FROM device WHERE id IN (:a, :b) AND revoked_at IS NOT NULL"),
                            {"a": a.device_id, "b": b.device_id}).all() == []
    r = admin_a.post(f"/console/fleet/{a.device_id}/revoke", {"confirm": "yes"})
    assert r.status_code == 303
    assert "已吊销终端 lap-a" in admin_a.get(r.headers["location"]).text
    with lite.sdb.read() as conn:
        revoked = dict(conn.execute(text("SELECT id, revoked_at FROM device")).all())
    assert revoked[a.device_id] and not revoked[b.device_id]
    with pytest.raises(DeviceRevoked):                                         # the revoked laptop is refused
        verify_user_online(a, "gw_a", password("gw_a"))

    # a street user has no fleet page; the view was audited
    assert client(lite, "jd").get("/console/fleet").status_code == 403
    with lite.sdb.read() as conn:
        views = [json.loads(d) for (d,) in conn.execute(text(
            "SELECT detail FROM server_access_log WHERE action = 'console_view'"))]
    assert any(v["page"] == "fleet" and a.device_id in v["devices"] for v in views)
