"""The city side (#16) over HTTP against a real `server run` (SQLite and PostgreSQL): an admin sees and revokes
only the laptops of their own org subtree, and what a laptop reports of itself is checked."""
from __future__ import annotations

import subprocess
import sys

import pytest

from support.city import COMM_A, COMM_B, City


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The real `server run` on SQLite only: the scope rules checked here are the same SQL on
    PostgreSQL, which tests/server/test_assessment_db.py and tests/sync/test_hotline_sync.py run
    (a second server process here would cost CI another 12 s)."""
    folder = tmp_path_factory.mktemp("city")
    url = str(folder / "server.db")
    subprocess.run([sys.executable, "-m", "gridworker", "server", "init", "--db", url], check=True,
                   capture_output=True, timeout=120)
    c = City(url, folder)
    yield c
    c.close()


def _fleet(dev, **params):
    r = dev.get("/admin/fleet", **params)
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["devices"]}


def test_an_admin_of_community_a_neither_sees_nor_revokes_community_bs_laptops(city):
    admin_a, admin_s1 = city.device("admin_a"), city.device("admin_s1", community="CB")
    gw_a, gw_b = city.device("gw_a"), city.device("gw_b")
    assert gw_b.post("/sync/report", {"app_version": "0.1.0", "pending": 7}).status_code == 200
    mine = _fleet(admin_a)
    assert gw_a.id in mine and gw_b.id not in mine
    assert {d["community_id"] for d in mine.values()} == {COMM_A}
    street = _fleet(admin_s1)  # the street's admin holds both communities
    assert gw_a.id in street and street[gw_b.id]["pending"] == 7 and street[gw_b.id]["community_id"] == COMM_B
    # Revoking B's laptop from A's admin: answered as if it did not exist, and it still syncs.
    r = admin_a.post(f"/admin/devices/{gw_b.id}/revoke", {})
    assert r.status_code == 404, r.text
    assert gw_b.get("/sync/pull", since="", limit=10).status_code == 200
    assert admin_a.get("/admin/devices").status_code == 200
    assert gw_b.id not in {d["id"] for d in admin_a.get("/admin/devices").json()}
    # Its own laptop, A's admin may revoke: the next call gets 401 and the fleet shows it revoked.
    assert admin_a.post(f"/admin/devices/{gw_a.id}/revoke", {}).status_code == 200
    assert gw_a.get("/sync/pull", since="", limit=10).status_code == 401
    assert _fleet(admin_a)[gw_a.id]["revoked_at"]


def test_only_admins_see_the_fleet_and_a_laptop_reports_only_for_itself(city):
    gw_a, pm = city.device("gw_a"), city.device("pm_a")
    for dev in (gw_a, pm):
        r = dev.get("/admin/fleet")
        assert r.status_code == 403, r.text
    # The report names no device: it is the caller's, whatever the body claims.
    admin = city.device("admin_a")
    r = gw_a.post("/sync/report", {"device_id": admin.id, "pending": 5})
    assert r.status_code == 200, r.text
    seen = _fleet(admin)
    assert seen[gw_a.id]["pending"] == 5 and seen[admin.id]["pending"] is None


def test_a_report_with_bad_values_is_refused_and_stores_nothing(city):
    gw = city.device("gw_a")
    admin = city.device("admin_a")
    for body in ({"pending": -5}, {"pending": "many"}, {"app_version": "1.0\u202e"}, {"checksum_match": "yes"},
                 [1, 2], {"verified_at": "<script>"}):
        r = gw.post("/sync/report", body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["message"]
    assert _fleet(admin)[gw.id]["reported_at"] is None
    r = gw.post("/sync/report", {"pending": 0, "checksum_match": False})
    assert r.status_code == 200 and _fleet(admin)[gw.id]["checksum_match"] is False
    # Without a token, nothing.
    import requests  # noqa: PLC0415

    from gridworker.sync import wire  # noqa: PLC0415

    r = requests.post(f"{city.base}{wire.API}/sync/report", json={"pending": 1}, headers=city.version_headers, timeout=10)
    assert r.status_code == 401


# --------------------------------------------------------------------------- hotline intake
def _order(number: str, address: str) -> dict:
    return {"number": number, "called_at": "2026-11-05 08:00", "caller_text": "电梯困人", "address": address}


def test_an_admin_files_hotline_orders_only_into_their_own_subtree(city):
    import uuid  # noqa: PLC0415

    admin_a, admin_b, gw_a = city.device("admin_a"), city.device("admin_b"), city.device("gw_a")
    tag = uuid.uuid4().hex[:8]
    # A's admin sends an order whose address names community B: it is not filed into B.
    r = admin_a.post("/hotline/orders", {"orders": [_order(f"A-{tag}", "乙社区 人民路2号")]})
    assert r.status_code == 200, r.text
    res = r.json()["results"][0]
    assert res["status"] == "unmatched" and res["community_id"] is None and res["issue_id"] is None
    # Nor may A's admin assign it there, nor see or assign B's admin's orders.
    assert admin_a.post(f"/hotline/orders/A-{tag}/assign", {"community": "CB"}).status_code == 404
    r = admin_b.post("/hotline/orders", {"orders": [_order(f"B-{tag}", "无名路1号")]})
    assert r.json()["results"][0]["status"] == "unmatched"
    assert f"B-{tag}" not in {o["number"] for o in admin_a.get("/hotline/unmatched").json()}
    assert admin_a.post(f"/hotline/orders/B-{tag}/assign", {"community": "CA"}).status_code == 404
    # Sending B's number again from A changes nothing of B's order.
    again = admin_a.post("/hotline/orders", {"orders": [_order(f"B-{tag}", "甲社区 人民路1号")]}).json()["results"][0]
    assert again["duplicate"] is True and again["status"] == "unmatched"
    # A's admin assigns A's order into A: the case reaches A's laptops, never B's.
    ok = admin_a.post(f"/hotline/orders/A-{tag}/assign", {"community": "CA"})
    assert ok.status_code == 200 and ok.json()["community_id"] == COMM_A, ok.text
    assert any(f"A-{tag}" in (i.get("title") or "") for i in gw_a.pull_all().get("issue", []))
    assert not any(f"A-{tag}" in (i.get("title") or "") for i in city.device("gw_b").pull_all().get("issue", []))
    # A grid worker's laptop cannot file work orders, and a forged hotline token is refused.
    assert gw_a.post("/hotline/orders", {"orders": [_order(f"G-{tag}", "甲社区")]}).status_code == 403
    import requests  # noqa: PLC0415

    from gridworker.sync import wire  # noqa: PLC0415

    r = requests.post(f"{city.base}{wire.API}/hotline/orders", json={"orders": [_order(f"H-{tag}", "甲社区")]},
                      headers={"Authorization": "Bearer " + "A" * 43}, timeout=10)
    assert r.status_code == 401


def test_hostile_work_orders_are_refused_field_by_field(city):
    admin = city.device("admin_a")
    long_text = "扰" * 5000
    r = admin.post("/hotline/orders", {"orders": [
        {"number": "=HYPERLINK(\"http://x\")", "called_at": "2026-11-05", "caller_text": "x", "address": "甲社区"},
        {"number": "N1\u202e", "called_at": "2026-11-05", "caller_text": "x", "address": "甲社区"},
        {"number": "N2", "called_at": "2026-11-05", "caller_text": long_text, "address": "甲社区"},
        {"number": "N3", "called_at": {"$gt": ""}, "caller_text": "x", "address": "甲社区"},
        {"number": "N4", "called_at": "2026-11-05", "caller_text": "x", "address": "甲社区", "limit": -3},
        "not an order"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["results"] == []
    assert [(p["index"], p["field"]) for p in body["problems"]] == [
        (0, "number"), (1, "number"), (2, "caller_text"), (3, "called_at"), (4, "limit"), (5, "number")]
    assert admin.post("/hotline/orders", {"orders": "x"}).status_code == 422
    assert admin.post("/hotline/orders/none-such/assign", {"community": "CA"}).status_code == 404
