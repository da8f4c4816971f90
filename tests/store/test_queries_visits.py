"""Visit queries: recent visits, overdue households by attention level, the org-tree scope."""
from __future__ import annotations

import datetime as dt

from gridworker.store import queries_visits as q

NOW = dt.datetime.now().astimezone()


def ago(days: float) -> str:
    return (NOW - dt.timedelta(days=days)).isoformat(timespec="seconds")


def seed(db, actor, grid_id):
    with db.write(actor) as uow:
        other_grid = uow.insert("org_unit", {"code": "320211001002", "name": "第二网格", "level": "grid",
                                             "parent_id": db.community_id})
        building = uow.insert("building", {"estate": "阳光花园", "building_no": "3"})
        high = uow.insert("household", {"address": "阳光花园3幢1单元101室", "head_name": "张建国",
                                        "attention_level": "high", "grid_id": grid_id, "building_id": building})
        key = uow.insert("household", {"address": "阳光花园3幢1单元102室", "attention_level": "key",
                                       "grid_id": grid_id, "building_id": building})
        normal = uow.insert("household", {"address": "幸福里1幢1单元101室", "attention_level": "normal",
                                          "grid_id": other_grid})
        uow.append("visit", {"household_id": high, "mode": "door", "visited_at": ago(10), "summary": "十天前"})
        uow.append("visit", {"household_id": normal, "mode": "phone", "visited_at": ago(100)})
        late = uow.append("visit", {"household_id": normal, "mode": "phone", "visited_at": ago(1), "summary": "录错了"})
        # A correction voids the recent visit: it neither lists nor counts as the last visit.
        uow.append("visit", {"household_id": key, "mode": "door", "visited_at": ago(2), "voids_id": late})
    return {"high": high, "key": key, "normal": normal, "grid": grid_id, "other_grid": other_grid,
            "building": building}


def test_recent_visits_newest_first_without_voided_ones(db, actor, grid_id):
    ids = seed(db, actor, grid_id)
    with db.read() as conn:
        rows = q.recent_visits(conn)
        in_grid = q.recent_visits(conn, org_id=ids["other_grid"])
        one = q.recent_visits(conn, household_id=ids["high"])
    assert [r["visited_at"] for r in rows] == sorted((r["visited_at"] for r in rows), reverse=True)
    assert "录错了" not in [r["summary"] for r in rows]
    assert len(rows) == 3
    assert [(r["address"], r["mode_label"]) for r in in_grid] == [("幸福里1幢1单元101室", "电话")]
    assert [r["summary"] for r in one] == ["十天前"]


def test_overdue_households_by_attention_level(db, actor, grid_id):
    ids = seed(db, actor, grid_id)
    with db.read() as conn:
        rows = q.overdue_households(conn, NOW)
        keys_only = q.overdue_households(conn, NOW, level="key")
        in_building = q.overdue_households(conn, NOW, org_id=ids["building"])
        relaxed = q.overdue_households(conn, NOW, intervals={"high": 14, "normal": 120})
    # high: visited 10 days ago, weekly rule; key: its only record is a correction, which is not a
    # visit (it carries a voided visit's time), so key was never visited; normal: the voided visit
    # does not count, 100 > 90.
    assert [(r["id"], r["level_label"]) for r in rows] == [(ids["high"], "高风险"), (ids["key"], "重点"),
                                                          (ids["normal"], "一般")]
    assert rows[0]["days_overdue"] == 3 and rows[1]["due_at"] is None and rows[2]["days_overdue"] == 10
    assert [r["id"] for r in keys_only] == [ids["key"]]
    assert [r["id"] for r in in_building] == [ids["high"], ids["key"]]
    assert [r["id"] for r in relaxed] == [ids["key"]]
    assert q.overdue_counts(rows) == {"high": 1, "key": 1, "normal": 1}


def test_never_visited_comes_first_within_its_level(db, actor):
    with db.write(actor) as uow:
        seen = uow.insert("household", {"address": "阳光花园1幢1单元101室", "attention_level": "key"})
        never = uow.insert("household", {"address": "阳光花园1幢1单元102室", "attention_level": "key"})
        uow.append("visit", {"household_id": seen, "mode": "door", "visited_at": ago(40)})
    with db.read() as conn:
        rows = q.overdue_households(conn, NOW)
    assert [(r["id"], r["due_at"] is None) for r in rows] == [(never, True), (seen, False)]


def test_household_scope_and_helpers(db, actor, grid_id):
    ids = seed(db, actor, grid_id)
    with db.write(actor) as uow:
        member = uow.insert("party_member", {"name": "王网格"})
    with db.sync_transaction() as conn:  # a local user bound to that member by id (from the server)
        conn.exec_driver_sql("INSERT INTO local_user (id, username, role, member_id) VALUES"
                             " ('u-pm', 'wang', 'party_member', ?)", (member,))
    with db.read() as conn:
        assert q.household_scope(conn, None) == ("1 = 1", ())
        assert q.household_scope(conn, grid_id) == ("h.grid_id = ?", (grid_id,))
        assert q.household_scope(conn, ids["building"]) == ("h.building_id = ?", (ids["building"],))
        assert q.household_scope(conn, db.community_id) == ("1 = 1", ())
        assert q.household_brief(conn, ids["high"])["head_name"] == "张建国"
        assert [r["id"] for r in q.find_households(conn, "幸福里")] == [ids["normal"]]
        assert q.party_member_of_user(conn, "u-pm") == member
        assert q.party_member_of_user(conn, "王网格") is None, "never by a matching name"


def test_a_voided_visit_no_longer_keeps_its_household_off_the_overdue_lists(db, actor, grid_id):
    """The correction record carries the voided visit's time; it is not a visit of its own, so
    the household is overdue again in the 逾期未访 list, in the search filter and in the counts."""
    from gridworker import ops
    from gridworker.store import search

    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢1单元101室", "attention_level": "high", "grid_id": grid_id})
        vid = uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": ago(1)})

    def overdue() -> tuple[bool, bool, int]:
        with db.read() as conn:
            listed = hid in [r["id"] for r in q.overdue_households(conn, NOW)]
            found = hid in [h.id for h in search.search_households(conn, "", overdue=True, now=NOW)]
            counted = search.count_households(conn, "", overdue=True, now=NOW)
        return listed, found, counted

    assert overdue() == (False, False, 0)
    ops.visits.void(db, db.actor("setup", "测试管理员", "admin"), visit_id=vid, reason="登记错户")
    assert overdue() == (True, True, 1)
