"""社区设置 pushed to a real `server run` (SQLite and PostgreSQL): the server runs the laptop's own
rules on them, only the community's admin may set them, and they reach the community's other laptops."""
from __future__ import annotations

import json

from support.city import COMM_A, COMM_B


def rejected(res: dict, code: str) -> dict:
    assert res["status"] == "rejected" and res["code"] == code, res
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res["reason"]), res
    return res


def settings_on(dev, community: str):
    rows = {r["id"]: r for r in dev.pull_all().get("org_unit", [])}
    return rows[community].get("settings")


def test_settings_are_checked_by_the_server_and_reach_the_other_laptops(city):
    admin, gw = city.device("admin_a"), city.device("gw_a")
    good = json.dumps({"holidays": ["2027-02-08"], "visit_intervals": {"key": 14}})
    # A scripted laptop sends settings the app would refuse: a date that is not one, an unknown key,
    # settings on a grid, and the same from a grid worker's laptop.
    res = rejected(admin.push_one("org_unit", "update", {"settings": json.dumps({"holidays": ["2027-02-30"]})},
                                  COMM_A), "invalid")
    assert "不是日期" in res["reason"]
    rejected(admin.push_one("org_unit", "update", {"settings": json.dumps({"deadline_for_me": 999})}, COMM_A),
             "invalid")
    rejected(gw.push_one("org_unit", "update", {"settings": good}, COMM_A), "forbidden")
    assert settings_on(gw, COMM_A) is None
    ok = admin.push_one("org_unit", "update", {"settings": good}, COMM_A)
    assert ok["status"] == "applied", ok
    assert json.loads(settings_on(gw, COMM_A)) == {"holidays": ["2027-02-08"], "visit_intervals": {"key": 14}}


def test_an_admin_cannot_set_another_communitys_rules(city):
    admin = city.device("admin_a")
    res = admin.push_one("org_unit", "update", {"settings": json.dumps({"time_limits": {"help": 60}})}, COMM_B)
    assert res["status"] == "rejected", res
    assert settings_on(city.device("gw_b"), COMM_B) is None
