"""Screenshots of the city console (docs/screenshots/console_queue.png, console_case.png,
console_assessment.png, console_hotline.png, console_fleet.png): a demo server (seed-demo), one community case escalated
to the street, the street user's queue and that case after 受理 / 研判 / 派遣, the street's 考核评价
of last month by grid, a CSV of 12345 work orders uploaded (one matched, one left to assign, one
row refused), and the admin's 终端 page (four laptops enrolled, their self-reports, one
silent for six days), rendered by the distribution's Chromium through Playwright.

    .venv/bin/python tests/console/shots.py docs/screenshots
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from sqlalchemy import text

from gridworker.domain import issues as rules
from gridworker.domain.ids import new_id
from gridworker.embedded import EmbeddedServer
from gridworker.server.auth import _user, enroll_device
from gridworker.server.console import EVENT_ORDER
from gridworker.server.db import open_server_db
from gridworker.server.fleet import record_report
from gridworker.server.push import append_server_event
from gridworker.server.seed import seed_demo


def escalate_one(sdb) -> str:
    """An open community-level case of the demo, escalated to the street by its grid worker."""
    with sdb.write() as conn:
        worker = _user(conn.execute(text("SELECT * FROM server_user WHERE role = 'grid_worker' ORDER BY username")).first())
        issues = [r[0] for r in conn.execute(text("SELECT id FROM issue WHERE community_id = :c ORDER BY reported_at DESC"),
                                             {"c": worker.org_id})]
        for iid in issues:
            events = [{**dict(r), "payload": json.loads(r["payload"] or "{}")} for r in conn.execute(text(
                "SELECT id, action, at, payload FROM issue_event WHERE issue_id = :i " + EVENT_ORDER), {"i": iid}).mappings()]
            state = rules.fold(events).state
            if state.level == "community" and state.is_open:
                append_server_event(conn, worker, iid, "escalate", {"reason": "涉及占道经营，社区无执法权，请街道协调城管"},
                                    actor_name=worker.display_name or worker.username, note="涉及占道经营，社区无执法权")
                return iid
    raise RuntimeError("no open community case in the demo")


HOTLINE_CSV = ("工单编号,来电时间,来电内容,地址,类别,时限\n"
               "GD20261103001,2026-11-03 09:30,楼下占道经营，联系电话 13812345678,无锡市梁溪区兰林社区文化广场,占道经营,24小时\n"
               "GD20261103002,2026-11-03 10:00,噪音扰民，晚上十点后仍在施工,某某路88号,噪音,3天\n"
               "GD20261103003,昨天下午,井盖缺失,某某路1号,,\n")


def some_laptops(sdb) -> None:
    """Four laptops of the demo community: two healthy, one with unsent changes and a checksum that
    differs, one silent for six days (an older release that sends no report)."""
    now = dt.datetime.now(dt.timezone.utc)
    with sdb.write() as conn:
        worker = _user(conn.execute(text("SELECT * FROM server_user WHERE role = 'grid_worker' ORDER BY username")).first())
        admin = _user(conn.execute(text("SELECT * FROM server_user WHERE role = 'admin' ORDER BY username")).first())
        for n, (who, name, seen, report) in enumerate((
                (worker, "网格工作站-1", 0.02, {"app_version": "1.4.0", "schema_version": 41, "pending": 0,
                                                 "checksum_match": True, "conflicts": 0, "rejected": 0}),
                (worker, "网格工作站-2", 0.3, {"app_version": "1.4.0", "schema_version": 41, "pending": 17,
                                                "checksum_match": False, "conflicts": 2, "rejected": 1}),
                (admin, "社区办公室", 1.1, {"app_version": "1.3.2", "schema_version": 40, "pending": 0,
                                            "checksum_match": True, "conflicts": 0, "rejected": 0}),
                (worker, "党群服务站", 6.2, None))):
            device = new_id()
            enroll_device(conn, who, community=worker.org_id, device_id=device, device_name=name, outbox_start=0)
            if report:
                record_report(conn, device, {**report, "verified_at": now.isoformat(timespec="seconds")})
            conn.execute(text("UPDATE device SET last_seen_at = :t, created_at = :c WHERE id = :i"),
                         {"t": (now - dt.timedelta(days=seen)).isoformat(timespec="seconds"),
                          "c": (now - dt.timedelta(days=40 + n)).isoformat(timespec="seconds"), "i": device})


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sdb = open_server_db(str(Path(tmp) / "server.db"))
        users = {u["username"]: u for u in seed_demo(sdb, 2400, 1)["users"]}
        iid = escalate_one(sdb)
        some_laptops(sdb)
        last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        with EmbeddedServer(sdb) as srv, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
            page.goto(f"{srv.url}/console/login")
            page.fill("input[name=username]", "street1")
            page.fill("input[name=password]", users["street1"]["password"])
            page.click("button[type=submit]")
            page.wait_for_url("**/console/queue")
            page.screenshot(path=str(out / "console_queue.png"), full_page=True)
            page.goto(f"{srv.url}/console/cases/{iid}")
            for action, fields in (("accept", {}), ("analyse", {"category": "street_order"}),
                                   ("dispatch", {"department": "街道城管中队", "days": "3"})):
                form = page.locator(f"form[data-form={action}]")
                for name, value in fields.items():
                    f = form.locator(f"[name={name}]")
                    if f.evaluate("e => e.tagName") == "SELECT":
                        f.select_option(value)
                    else:
                        f.fill(value)
                form.locator("button[type=submit]").click()
                page.wait_for_url(f"**done={action}")
            page.screenshot(path=str(out / "console_case.png"), full_page=True)
            page.goto(f"{srv.url}/console/assessment?period={last_month}&by=grid")
            page.screenshot(path=str(out / "console_assessment.png"), full_page=True)
            orders = Path(tmp) / "工单.csv"
            orders.write_text(HOTLINE_CSV, encoding="utf-8")
            page.goto(f"{srv.url}/console/hotline")
            page.set_input_files("input[name=file]", str(orders))
            page.click("form[data-form=upload] button[type=submit]")
            page.wait_for_selector("table[data-testid=results]")
            page.screenshot(path=str(out / "console_hotline.png"), full_page=True)
            page.click("header form button[type=submit]")
            page.wait_for_url("**/console/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", users["admin"]["password"])
            page.click("button[type=submit]")
            page.wait_for_url("**/console/admin/users")
            page.goto(f"{srv.url}/console/fleet")
            page.screenshot(path=str(out / "console_fleet.png"), full_page=True)
            browser.close()
        sdb.dispose()
    print(*(out / f"console_{n}.png" for n in ("queue", "case", "assessment", "hotline", "fleet")), dt.datetime.now().isoformat(timespec="seconds"))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
