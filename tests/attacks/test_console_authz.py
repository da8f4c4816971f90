"""Attacks on the city console (#16), over real HTTP against a real `server run` process (SQLite and
PostgreSQL): a street user of street S2 reaching street S1's case, a department of another street
with the same name, a department taking a street's step, a level smuggled into a form, a laptop
user in the console, a console user enrolling a laptop, password guessing, a forged CSRF token."""
from __future__ import annotations

import datetime as dt

import pytest
import requests

from gridworker.domain.ids import new_id
from support.console import ConsoleClient, add_console_user

PW = "Console-attack-pass-73"
USERS = {  # username -> (role, org, department)
    "jd_s1": ("street", "S1", None),
    "jd_s2": ("street", "S2", None),
    "cg_s1": ("department", "S1", "街道城管中队"),
    "cg_s2": ("department", "S2", "街道城管中队"),   # the same department name, another street
}


@pytest.fixture(scope="module")
def console(city):
    for name, (role, org, dept) in USERS.items():
        add_console_user(city.url, name, PW, role, org, department=dept)
    return city


def login(city, name: str, password: str = PW) -> ConsoleClient:
    c = ConsoleClient(city.base)
    r = c.login(name, password)
    assert r.status_code == 303, r.text
    return c


def escalated_case(city, username: str = "gw_a", days_ago: int = 0) -> str:
    """A case of the grid worker's community, pushed as their laptop would: reported, accepted,
    escalated to the street (``days_ago``: when it all happened)."""
    dev = city.device(username)
    iid = new_id()
    now = (dt.datetime.now().astimezone() - dt.timedelta(days=days_ago)).isoformat(timespec="seconds")
    entries = [dev.entry("issue", "insert", {"title": "井盖缺失", "kind": "help", "urgency": "normal",
                                             "reported_at": now, "reporter_phone": "13812345678"}, iid)]
    for action, payload in (("report", {"kind": "help"}), ("accept", {}), ("escalate", {"reason": "需街道协调"})):
        entries.append(dev.entry("issue_event", "append", {"issue_id": iid, "action": action, "at": now,
                                                           "payload": __import__("json").dumps(payload)}))
    r = dev.push(*entries)
    assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"]), r.text
    return iid


def test_a_street_user_cannot_see_or_touch_another_streets_case(console):
    iid = escalated_case(console)
    s1, s2 = login(console, "jd_s1"), login(console, "jd_s2")
    assert iid in s1.queue_ids() and iid in s1.queue_ids(scope="all")
    assert iid not in s2.queue_ids() and iid not in s2.queue_ids(scope="all")
    assert s1.get(f"/console/cases/{iid}").status_code == 200
    assert s2.get(f"/console/cases/{iid}").status_code == 404
    assert s2.act(iid, "accept").status_code == 404
    assert s2.get(f"/console/cases/{new_id()}").status_code == 404          # absent and foreign look alike
    # the case is untouched: street S1 still takes it over
    assert s1.act(iid, "accept").status_code == 303


def test_a_department_sees_only_what_was_dispatched_to_it(console):
    iid = escalated_case(console)
    s1 = login(console, "jd_s1")
    for action, fields in (("accept", {}), ("analyse", {"category": "other", "urgency": "normal"}),
                           ("dispatch", {"department": "街道城管中队", "days": "3", "level": "city"})):
        assert s1.act(iid, action, **fields).status_code == 303
    page = s1.get(f"/console/cases/{iid}").text
    assert "街道城管中队" in page and "市城市管理局" not in page
    mine, other = login(console, "cg_s1"), login(console, "cg_s2")
    assert iid in mine.queue_ids()
    assert iid not in other.queue_ids(scope="all")
    assert other.get(f"/console/cases/{iid}").status_code == 404
    assert other.act(iid, "start_handling").status_code == 404
    # the department may not take the street's steps, even on its own case
    assert mine.act(iid, "close").status_code == 403
    assert mine.act(iid, "dispatch", department="街道城管中队").status_code == 403
    assert mine.act(iid, "start_handling").status_code == 303
    # the smuggled level was ignored: the dispatch is at the street's own level
    pulled = console.device("gw_a").pull_all()
    dispatch = [e for e in pulled["issue_event"] if e.get("issue_id") == iid and e.get("action") == "dispatch"]
    assert [e["level"] for e in dispatch] == ["street"]


def test_a_laptop_user_cannot_use_the_console_nor_a_console_user_a_laptop(console):
    from support.city import password

    r = ConsoleClient(console.base).login("gw_a", password("gw_a"))
    assert r.status_code == 403 and "gw_console=" not in r.headers.get("set-cookie", "")
    r = console.enroll("jd_s1", pw=PW, community="CA")
    assert r.status_code == 403 and r.json()["error"]["code"] == "console_account"
    # a laptop's bearer token opens no console page
    dev = console.device("gw_a")
    r = requests.get(f"{console.base}/console/queue", headers={"Authorization": f"Bearer {dev.token}"},
                     allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["location"] == "/console/login"


def test_forged_sessions_and_csrf_tokens_are_refused(console):
    iid = escalated_case(console)
    s1 = login(console, "jd_s1")
    forged = ConsoleClient(console.base)
    forged.token, forged.csrf = "A" * 43, s1.csrf
    assert forged.get("/console/queue").status_code == 303
    assert s1.post(f"/console/cases/{iid}/act", {"action": "accept", "csrf": s1.csrf[:-1] + "x"},
                   csrf=False).status_code == 403
    other = login(console, "jd_s1")                    # another session's token is not this one's
    assert s1.post(f"/console/cases/{iid}/act", {"action": "accept", "csrf": other.csrf},
                   csrf=False).status_code == 403
    # a login form posted without its own cookie (a cross-site login) is refused
    r = requests.post(f"{console.base}/console/login", data={"csrf": "x", "username": "jd_s1", "password": PW},
                      allow_redirects=False, timeout=30)
    assert r.status_code == 403


def test_console_password_guessing_is_throttled_like_the_sync_api(console):
    add_console_user(console.url, "jd_guess", PW, "street", "S1")
    for _ in range(5):
        assert ConsoleClient(console.base).login("jd_guess", "wrong-password-1").status_code == 401
    r = ConsoleClient(console.base).login("jd_guess", PW)        # the right one, too late
    assert r.status_code == 429 and "锁定" in r.text


def test_an_overdue_case_is_red_in_the_queue_and_found_by_the_overdue_filter(console):
    import re

    old, fresh = escalated_case(console, days_ago=30), escalated_case(console)    # 求助: 3 working days
    s1 = login(console, "jd_s1")
    page = s1.get("/console/queue").text
    rows = {issue: colour for colour, issue in re.findall(r'<tr class="([a-z]*)" data-issue="([^"]+)"', page)}
    assert rows[old] == "overdue" and rows[fresh] == "ok"
    assert old in s1.queue_ids(overdue="1") and fresh not in s1.queue_ids(overdue="1")


def test_city_pages_keep_to_the_users_subtree(console):
    """考核评价 rows of street S1 are not street S2's; the fleet is for admins of the laptop's subtree."""
    import io

    from openpyxl import load_workbook

    from support.city import COMM_A, password

    escalated_case(console)
    s1, s2 = login(console, "jd_s1"), login(console, "jd_s2")
    assert f'data-key="{COMM_A}"' in s1.get("/console/assessment").text
    theirs = s2.get("/console/assessment")
    assert theirs.status_code == 200 and f'data-key="{COMM_A}"' not in theirs.text and "甲社区" not in theirs.text
    sheet = load_workbook(io.BytesIO(s2.get("/console/assessment.xlsx").content))["考核评价"]
    assert "甲社区" not in [r[0] for r in sheet.iter_rows(values_only=True)]
    for by in ("grid", "department", "level"):
        mine, other = s1.get("/console/assessment", by=by).text, s2.get("/console/assessment", by=by).text
        cases = r'<tr data-key="total"><th>合计</th><td class="n" data-col="cases">(\d+)</td>'
        assert int(__import__("re").search(cases, mine).group(1)) >= 1
        assert int(__import__("re").search(cases, other).group(1)) == 0, by

    # the fleet: a street user has none; community B's admin neither sees nor revokes A's laptop
    laptop = console.device("gw_a")
    assert s2.get("/console/fleet").status_code == 403
    assert s2.post(f"/console/fleet/{laptop.id}/revoke", {"confirm": "yes"}).status_code == 403
    admin_b = ConsoleClient(console.base)
    assert admin_b.login("admin_b", password("admin_b")).status_code == 303
    assert laptop.id not in admin_b.get("/console/fleet").text
    assert admin_b.get(f"/console/fleet/{laptop.id}/revoke").status_code == 404
    assert admin_b.post(f"/console/fleet/{laptop.id}/revoke", {"confirm": "yes"}).status_code == 404
    admin_a = ConsoleClient(console.base)
    assert admin_a.login("admin_a", password("admin_a")).status_code == 303
    assert laptop.id in admin_a.get("/console/fleet").text                    # still there, not revoked
    assert laptop.push().status_code == 200
