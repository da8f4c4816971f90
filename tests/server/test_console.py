"""The city console (#16) on SQLite and PostgreSQL: a case reported and escalated on a community
laptop is accepted, analysed and dispatched by the street, handled and answered by the department,
closed by the street, each step over HTTP against the live server; the laptop pulls every step and
the resident's rating is made there. Plus what the console refuses (no CSRF token, another
department, a step the case's state forbids), and what it records (change_log authorship, the
access log of page views)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from gridworker import ops
from gridworker.store import queries_issues as qi
from support.console import ConsoleClient, add_console_user
from support.server import COMM_A, STREET, World

PW = {"jd": "Street-lantern-42x", "cg": "Dept-kettle-77q", "cg2": "Other-dept-teapot-9"}


@pytest.fixture
def lite(tmp_path):
    """The refusals below are the console's own logic: SQLite suffices (the attack tests run both)."""
    w = World(str(tmp_path / "server.db"), tmp_path)
    yield w
    w.close()


def console_users(world) -> None:
    add_console_user(world.sdb.url, "jd", PW["jd"], "street", "S1", display_name="测试街道值班员")
    add_console_user(world.sdb.url, "cg", PW["cg"], "department", "S1", department="街道城管中队")
    add_console_user(world.sdb.url, "cg2", PW["cg2"], "department", "S1", department="派出所")


def client(world, name: str) -> ConsoleClient:
    c = ConsoleClient(world.url)
    r = c.login(name, PW[name])
    assert r.status_code == 303, r.text
    return c


def escalated_case(world):
    """A case reported on community A's laptop, accepted and escalated to the street, synced."""
    lap = world.laptop("a", "gw_a")
    me = lap.actor(lap.get_state("user_id"), "王网格", "grid_worker")
    iid = ops.issues.report(lap, me, title="楼道堆物堵塞消防通道，联系人 13812345678", kind="complaint",
                            description="居民反映：13812345678，身份证 11010519491231002X").id
    ops.issues.step(lap, me, issue_id=iid, action="accept")
    ops.issues.step(lap, me, issue_id=iid, action="escalate", payload={"reason": "涉及消防，社区无权执法"})
    assert world.engine(lap).sync().rejected == 0
    return lap, me, iid


def laptop_case(lap, iid):
    import datetime as dt

    with lap.read() as conn:
        return qi.issue_case(conn, iid, dt.datetime.now().astimezone())


def test_a_case_travels_from_the_laptop_through_the_console_and_back(world):
    console_users(world)
    lap, me, iid = escalated_case(world)
    street = client(world, "jd")
    assert iid in street.queue_ids()
    page = street.get(f"/console/cases/{iid}")
    assert page.status_code == 200
    assert "13812345678" not in page.text and "11010519491231002X" not in page.text  # masked
    assert "138****5678" in page.text and "吹哨升级" in page.text                       # the laptop's history
    for action, fields in (("accept", {}),
                           ("analyse", {"category": "emergency_event", "urgency": "normal"}),
                           ("dispatch", {"department": "街道城管中队", "days": "5"})):
        r = street.act(iid, action, **fields)
        assert r.status_code == 303, r.text
    # the department sees it now, another department does not
    dept = client(world, "cg")
    assert dept.queue_ids() == [iid]
    assert client(world, "cg2").get(f"/console/cases/{iid}").status_code == 404
    assert dept.act(iid, "start_handling").status_code == 303
    r = dept.act(iid, "feedback", note="已清理楼道堆物，张贴告知书", attachments="现场照片 2 张\n告知书回执")
    assert r.status_code == 303, r.text
    assert dept.act(iid, "close").status_code == 403                       # closing is the street's
    assert street.act(iid, "close").status_code == 303

    # the laptop pulls every step, authored in the console, and the resident's rating is made there
    assert world.engine(lap).sync().rejected == 0
    case = laptop_case(lap, iid)
    assert [e["action"] for e in case.events] == ["report", "accept", "escalate", "accept", "analyse", "dispatch",
                                                  "start_handling", "feedback", "close"]
    assert case.summary["status"] == "closed" and not any(e["invalid"] for e in case.events)
    assert case.events[5]["department"] == "街道城管中队" and case.events[5]["payload"]["days"] == 5
    assert case.events[7]["payload"]["attachments"] == ["现场照片 2 张", "告知书回执"]
    ops.issues.step(lap, me, issue_id=iid, action="rate", payload={"rating": "satisfied"})
    assert world.engine(lap).sync().rejected == 0
    assert laptop_case(lap, iid).summary["status"] == "rated"
    assert "已评价" in street.get(f"/console/cases/{iid}").text

    with world.sdb.read() as conn:
        users = dict(conn.execute(text("SELECT username, id FROM server_user")).all())
        authored = conn.execute(text(
            "SELECT e.action, e.created_by, e.device_id, c.user_id, c.device_id FROM issue_event e "
            "JOIN change_log c ON c.community_id = e.community_id AND c.seq = e.server_seq "
            "WHERE e.issue_id = :i ORDER BY e.server_seq"), {"i": iid}).all()
        views = conn.execute(text("SELECT user_id, community_id, detail FROM server_access_log "
                                  "WHERE action = 'console_view'")).all()
    by = {a: (cb, dev, cu, cdev) for a, cb, dev, cu, cdev in authored[3:]}
    assert by["dispatch"] == (users["jd"], None, users["jd"], None)
    assert by["feedback"] == (users["cg"], None, users["cg"], None)
    assert authored[0][2] is not None                                      # the laptop's own: its device
    assert any(u == users["jd"] and c == COMM_A and json.loads(d).get("issue") == iid for u, c, d in views)


def test_the_console_refuses_without_its_csrf_token_and_out_of_turn(lite):
    world = lite
    console_users(world)
    lap, me, iid = escalated_case(world)
    street = client(world, "jd")
    r = street.post(f"/console/cases/{iid}/act", {"action": "accept"}, csrf=False)
    assert r.status_code == 403
    r = street.post(f"/console/cases/{iid}/act", {"action": "accept", "csrf": "forged"}, csrf=False)
    assert r.status_code == 403
    dept = client(world, "cg")
    assert dept.get(f"/console/cases/{iid}").status_code == 404            # not dispatched to it yet
    assert dept.act(iid, "feedback", note="x").status_code == 404
    assert street.act(iid, "close").status_code == 409                      # the state machine: not yet
    assert street.act(iid, "dispatch", department="不存在的部门").status_code == 409
    with world.sdb.read() as conn:
        actions = [a for (a,) in conn.execute(text("SELECT action FROM issue_event WHERE issue_id = :i "
                                                   "ORDER BY server_seq"), {"i": iid})]
    assert actions == ["report", "accept", "escalate"]


def test_sessions_end_at_logout_and_when_the_account_is_disabled(lite):
    world = lite
    console_users(world)
    street = client(world, "jd")
    assert street.get("/console/queue").status_code == 200
    assert street.post("/console/logout", {}).status_code == 303
    assert street.get("/console/queue").headers.get("location") == "/console/login"
    again = client(world, "jd")
    from gridworker.server.console import set_active

    with world.sdb.write() as conn:
        set_active(conn, None, "jd", False)
    assert again.get("/console/queue").status_code == 303
    assert ConsoleClient(world.url).login("jd", PW["jd"]).status_code == 401


def test_console_accounts_do_not_enrol_laptops(lite, tmp_path):
    world = lite
    console_users(world)
    from gridworker.sync.enrol import enroll
    from gridworker.store.template import fresh_laptop

    db = fresh_laptop(tmp_path / "x" / "gridworker.db")
    try:
        with pytest.raises(Exception) as e:
            enroll(db, world.url, "jd", PW["jd"], community="CA", device_name="x")
        assert "console_account" in repr(e.value.__dict__) or "城市管理平台" in str(e.value)
    finally:
        db.close()


def test_a_street_account_must_sit_on_a_street_and_a_department_on_the_list(lite):
    world = lite
    from gridworker.server import errors as E
    from gridworker.server.auth import CONSOLE_ROLES, add_user

    with world.sdb.write() as conn:
        with pytest.raises(E.BadRequest):
            add_user(conn, "bad1", "Long-enough-pass-1", "street", "CA", roles=CONSOLE_ROLES)     # a community
        with pytest.raises(E.BadRequest):
            add_user(conn, "bad2", "Long-enough-pass-2", "department", "S1", department="不在名录",
                     roles=CONSOLE_ROLES)
        with pytest.raises(E.BadRequest):
            add_user(conn, "bad3", "Long-enough-pass-3", "street", STREET)                      # laptop roles only


def test_admins_manage_console_accounts_in_their_subtree_from_the_console(lite):
    from support.server import password

    world = lite
    admin = ConsoleClient(world.url)
    assert admin.login("admin", password("admin")).status_code == 303         # the street's admin (S1)
    assert admin.get("/console/queue").status_code == 403                      # no cases for admins
    page = admin.post("/console/admin/users", {"username": "jd2", "role": "street", "org": "S1",
                                                "display_name": "新街道账号", "password": "Fresh-street-pass-5"})
    assert page.status_code == 200 and "已创建账号 jd2" in page.text
    assert ConsoleClient(world.url).login("jd2", "Fresh-street-pass-5").status_code == 303
    weak = admin.post("/console/admin/users", {"username": "jd3", "role": "street", "org": "S1", "password": "123456"})
    assert "已创建" not in weak.text and "msg error" in weak.text
    # a community's admin cannot make a street account above itself
    small = ConsoleClient(world.url)
    assert small.login("admin_a", password("admin_a")).status_code == 303
    r = small.post("/console/admin/users", {"username": "jd4", "role": "street", "org": "S1",
                                            "password": "Another-street-pass-6"})
    assert "已创建" not in r.text and "不在您的管辖范围内" in r.text
    assert "jd2" not in small.get("/console/admin/users").text
    # disable, then reset the password: the old sessions end each time
    assert "已停用 jd2" in admin.post("/console/admin/users/jd2/disable", {}).text
    assert ConsoleClient(world.url).login("jd2", "Fresh-street-pass-5").status_code == 401
    admin.post("/console/admin/users/jd2/enable", {})
    assert "已重置" in admin.post("/console/admin/users/jd2/reset", {"password": "Newer-street-pass-7"}).text
    assert ConsoleClient(world.url).login("jd2", "Newer-street-pass-7").status_code == 303
    # the departments' list is the top unit's admin's
    assert "已添加 街道环卫所" in admin.post("/console/admin/departments", {"level": "street", "name": "街道环卫所"}).text
    r = small.post("/console/admin/departments", {"level": "street", "name": "社区想加的部门"})
    assert "已添加" not in r.text and "最上级" in r.text
    # no CSRF token, nothing changes
    r = admin.post("/console/admin/users/jd2/disable", {}, csrf=False)
    assert r.status_code == 403
    assert ConsoleClient(world.url).login("jd2", "Newer-street-pass-7").status_code == 303


def test_department_deadline_colours_amber_at_80_percent_and_red_when_overdue():
    import datetime as dt

    from gridworker.domain.issues import apply, initial_state
    from gridworker.server.console import deadline

    tz = dt.timezone(dt.timedelta(hours=8))
    t0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=tz)                      # a Monday
    s = initial_state()
    for action, payload in (("report", {"kind": "complaint"}), ("accept", {}),
                            ("analyse", {"category": "other", "urgency": "normal", "level": "street"}),
                            ("dispatch", {"level": "street", "department": "派出所", "days": 2})):
        s = apply(s, action, payload, t0)
    due, colour = deadline(s, {}, None, t0 + dt.timedelta(hours=1), department_clock=True)
    assert due == dt.datetime.combine(dt.date(2026, 6, 3), dt.time.max, tzinfo=tz) and colour == "ok"
    allowed = due - t0
    assert deadline(s, {}, None, t0 + allowed * 0.79, department_clock=True)[1] == "ok"
    assert deadline(s, {}, None, t0 + allowed * 0.81, department_clock=True)[1] == "warning"
    assert deadline(s, {}, None, due + dt.timedelta(seconds=1), department_clock=True)[1] == "overdue"
    # the level's own view keeps the case's limit (13 working days for a complaint)
    assert deadline(s, {}, None, due + dt.timedelta(seconds=1), department_clock=False)[1] == "ok"


def test_the_rest_of_the_loop_extension_rework_supervision_and_the_levels_above(lite):
    from gridworker.server.seed import add_org_units, org_row

    world = lite
    console_users(world)
    district, city = "0190b000-0000-7000-8000-0000000000d1", "0190b000-0000-7000-8000-0000000000c1"
    add_org_units(world.sdb, [org_row(city, "C1", "测试市", "city", None),
                              org_row(district, "D1", "测试区", "district", city)])
    with world.sdb.write() as conn:
        conn.execute(text("UPDATE org_unit SET parent_id = :d WHERE id = :s"), {"d": district, "s": STREET})
    add_console_user(world.sdb.url, "qu", "District-pass-long-1", "district", "D1")
    add_console_user(world.sdb.url, "shi", "City-pass-long-22", "city", "C1")
    PW.update(qu="District-pass-long-1", shi="City-pass-long-22")
    lap, me, iid = escalated_case(world)
    street, dept = client(world, "jd"), client(world, "cg")
    steps = [(street, "accept", {}), (street, "analyse", {"category": "other", "urgency": "normal"}),
             (street, "dispatch", {"department": "街道城管中队", "days": "2"}), (dept, "start_handling", {}),
             (dept, "request_extension", {"days": "3", "reason": "需协调产权单位"}), (street, "grant_extension", {}),
             (street, "supervise", {}), (dept, "feedback", {"note": "已处理"}),
             (street, "send_back", {"reason": "现场仍有堆物"}), (dept, "feedback", {"note": "已全部清理"})]
    for who, action, fields in steps:
        r = who.act(iid, action, **fields)
        assert r.status_code == 303, (action, r.text[:400])
    # filters of the street's queue
    assert street.queue_ids(status="feedback") == [iid] and street.queue_ids(status="handling") == []
    assert street.queue_ids(category="other") == [iid] and street.queue_ids(category="environment") == []
    assert street.queue_ids(community=COMM_A) == [iid] and street.queue_ids(overdue="1") == []
    # up the levels: the street escalates, the district takes it over and escalates, the city is the last
    assert street.act(iid, "escalate", reason="需区级协调").status_code == 303
    assert street.act(iid, "supervise").status_code == 403                          # no longer the street's
    assert iid not in street.queue_ids() and iid in street.queue_ids(scope="all")      # view only now
    qu = client(world, "qu")
    assert qu.queue_ids() == [iid]
    assert qu.act(iid, "accept").status_code == 303
    assert qu.act(iid, "escalate", reason="跨区事项").status_code == 303
    shi = client(world, "shi")
    assert shi.act(iid, "accept").status_code == 303
    page = shi.get(f"/console/cases/{iid}").text
    # taken over by the city: it works the case anew (研判, 派遣 to a city department); it is the last level
    assert 'data-form="analyse"' in page and 'data-form="escalate"' not in page
    assert shi.act(iid, "escalate", reason="x").status_code == 403
    assert shi.act(iid, "analyse", category="other", urgency="normal").status_code == 303
    assert shi.act(iid, "dispatch", department="街道城管中队").status_code == 409    # not a city department
    assert shi.act(iid, "dispatch", department="市城市管理局", days="4").status_code == 303
    assert client(world, "cg").queue_ids(scope="all") == [iid]                     # what it answered, view only
    assert client(world, "cg").act(iid, "feedback", note="x").status_code == 403
    assert world.engine(lap).sync().rejected == 0
    case = laptop_case(lap, iid)
    st = case.summary["state"]
    assert (case.summary["status"], st.level, st.department, st.dispatch_days) == ("dispatched", "city", "市城市管理局", 4)
    assert st.extension_days == 3 and st.rework_count == 1 and st.escalations == 3 and st.supervised
    assert not any(e["invalid"] for e in case.events)
