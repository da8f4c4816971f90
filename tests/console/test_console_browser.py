"""The done-when of #16's console, in a real browser: a case reported on a community laptop, synced,
escalated by the community; in headless Chromium the street user logs in, accepts, analyses and
dispatches it to a department; the department user logs in, starts and answers it with its
attachments' descriptions; the street closes it; the laptop syncs and shows every step, and the
resident's rating is made on the laptop; the street's 考核评价 page counts the case (1 case, closed,
its rates in green)."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker import ops
from gridworker.store import queries_issues as qi
from support.console import add_console_user
from support.server import World

PW = {"jd": "Street-lantern-42x", "cg": "Dept-kettle-77q"}


@pytest.fixture
def world(tmp_path):
    w = World(str(tmp_path / "server.db"), tmp_path)
    add_console_user(w.sdb.url, "jd", PW["jd"], "street", "S1", display_name="李街道")
    add_console_user(w.sdb.url, "cg", PW["cg"], "department", "S1", department="街道城管中队", display_name="王城管")
    yield w
    w.close()


def log_in(page, world, name):
    page.goto(f"{world.url}/console/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PW[name])
    page.click("button[type=submit]")
    page.wait_for_url("**/console/queue")


def act(page, action, **fields):
    form = page.locator(f"form[data-form={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**done={action}")


def log_out(page):
    page.click("header form button[type=submit]")
    page.wait_for_url("**/console/login")


def test_a_case_goes_through_the_street_and_a_department_in_the_browser(world, browser):
    lap = world.laptop("a", "gw_a")
    me = lap.actor(lap.get_state("user_id"), "王网格", "grid_worker")
    iid = ops.issues.report(lap, me, title="小区门口井盖缺失", kind="help",
                            description="居民来电 13812345678 反映，夜间有行人跌倒风险").id
    ops.issues.step(lap, me, issue_id=iid, action="accept")
    ops.issues.step(lap, me, issue_id=iid, action="escalate", payload={"reason": "需街道协调城管处置"})
    assert world.engine(lap).sync().rejected == 0

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, world, "jd")
    row = page.locator(f"tr[data-issue='{iid}']")
    assert "待受理" in row.inner_text() and "甲社区" in row.inner_text()
    row.locator("a").click()
    assert "13812345678" not in page.content() and "138****5678" in page.content()
    assert page.locator("ol.history li").count() == 3                     # the laptop's three steps
    act(page, "accept")
    act(page, "analyse", category="environment", urgency="normal")
    act(page, "dispatch", department="街道城管中队", days="5")
    assert "街道城管中队（时限 5 个工作日）" in page.content()
    log_out(page)

    log_in(page, world, "cg")
    page.locator(f"tr[data-issue='{iid}'] a").click()
    act(page, "start_handling")
    act(page, "feedback", note="已补装井盖并设置警示", attachments="现场照片 3 张\n验收单")
    assert "附件说明：现场照片 3 张；验收单" in page.content()
    assert page.locator("form[data-form=close]").count() == 0              # closing is the street's
    log_out(page)

    log_in(page, world, "jd")
    page.goto(f"{world.url}/console/cases/{iid}")
    act(page, "close")
    assert "核查结案" in page.locator("h1").inner_text()

    # the laptop pulls every step, and the resident's rating is made there
    assert world.engine(lap).sync().rejected == 0
    with lap.read() as conn:
        case = qi.issue_case(conn, iid, dt.datetime.now().astimezone())
    assert [e["action"] for e in case.events] == ["report", "accept", "escalate", "accept", "analyse", "dispatch",
                                                  "start_handling", "feedback", "close"]
    assert [e["actor_name"] for e in case.events[3:]] == ["李街道", "李街道", "李街道", "街道城管中队",
                                                          "街道城管中队", "李街道"]
    assert case.summary["status"] == "closed" and "rate" in case.allowed
    ops.issues.step(lap, me, issue_id=iid, action="rate", payload={"rating": "satisfied"})
    assert world.engine(lap).sync().rejected == 0
    page.reload()
    assert "已评价" in page.locator("h1").inner_text()
    assert page.locator("ol.history li[data-action=rate]").count() == 1

    # 考核评价 counts it: this month, the street's subtree, by community
    page.click("header nav a:has-text('考核评价')")
    page.wait_for_url("**/console/assessment")
    total = page.locator("table[data-testid=assessment] tfoot tr")
    assert total.locator("[data-col=cases]").inner_text() == "1"
    assert total.locator("[data-col=closed]").inner_text() == "1"
    assert total.locator("[data-col=overdue]").inner_text() == "0"
    for rate in ("response_rate", "closure_rate", "on_time_rate", "satisfaction_rate"):
        td = total.locator(f"[data-col={rate}]")
        assert td.inner_text() == "100.0%" and "green" in td.get_attribute("class"), rate
    row = page.locator("table[data-testid=assessment] tbody tr").first
    assert "甲社区" in row.inner_text()
    assert page.locator("td.rate.green").first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(227, 244, 228)"
    context.close()
