"""社区设置 through the operations: the admin sets them, they change the deadlines and overdue lists
the laptop shows, other roles are refused, and bad input is refused before anything is written."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.domain.permissions import PermissionDenied
from gridworker.store import queries_issues, queries_visits

CST = dt.timezone(dt.timedelta(hours=8))


def admin(db):
    return db.actor("setup", "测试管理员", "admin")


def outbox(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()


@pytest.fixture
def case(db, grid_id):
    """A 求助 case reported on Wed 30 Sep 2026, just before the National Day holiday."""
    with db.write(admin(db)) as uow:
        iid = uow.insert("issue", {"title": "楼道灯坏了", "kind": "help", "urgency": "normal",
                                   "reported_at": "2026-09-30T10:00:00+08:00", "source": "grid"})
        uow.append("issue_event", {"issue_id": iid, "action": "report", "at": "2026-09-30T10:00:00+08:00",
                                   "payload": "{\"kind\": \"help\"}"})
    return iid


def due_day(db, iid, now=dt.datetime(2026, 10, 6, 9, 0, tzinfo=CST)):
    with db.read() as conn:
        case = queries_issues.issue_case(conn, iid, now)
    return case.summary["due_at"].date(), case.summary["deadline"]


def test_the_shipped_calendar_counts_national_day_and_the_admin_changes_the_rules(db, case):
    # On 6 Oct the case is in time (the holiday does not count); counted without the calendar it
    # would have been overdue since 5 Oct.
    assert due_day(db, case) == (dt.date(2026, 10, 10), "ok"), "1–7 Oct off, Sat 10 Oct worked"
    before = outbox(db)
    ops.community.set_settings(db, admin(db), settings={"time_limits": {"help": 1}})
    assert outbox(db) == before + 1, "one change to the community row, queued for sync"
    assert due_day(db, case) == (dt.date(2026, 10, 8), "ok")
    shown = ops.community.settings(db, admin(db)).value
    assert shown["settings"] == {"time_limits": {"help": 1}} and shown["time_limits"]["help"] == 1
    assert 2026 in shown["official_years"]


def test_visit_intervals_set_by_the_admin_move_a_household_onto_the_overdue_list(db, grid_id):
    with db.write(admin(db)) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张建国",
                                       "grid_id": grid_id, "attention_level": "key"})
        uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00"})
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CST)

    def overdue() -> list[str]:
        with db.read() as conn:
            return [r["id"] for r in queries_visits.overdue_households(conn, now)]

    assert hid not in overdue(), "key group: every 30 days by default"
    ops.community.set_settings(db, admin(db), settings={"visit_intervals": {"key": 14}})
    assert hid in overdue()
    ops.community.set_settings(db, admin(db), settings={})
    assert hid not in overdue(), "{} returns to the defaults"


def test_only_the_community_admin_changes_them_and_bad_input_writes_nothing(db, case):
    before = outbox(db)
    for role in ("grid_worker", "party_member"):
        with pytest.raises(PermissionDenied) as refused:
            ops.community.set_settings(db, db.actor("u", "某人", role), settings={"time_limits": {"help": 1}})
        assert "不能修改社区设置" in refused.value.message
    with pytest.raises(ValidationError) as bad:
        ops.community.set_settings(db, admin(db), settings={"holidays": ["2027-02-30"]})
    assert "不是日期" in bad.value.message
    assert outbox(db) == before and due_day(db, case)[0] == dt.date(2026, 10, 10)


def test_the_cli_sets_and_shows_them(run_op):
    code, out = run_op("community.set_settings", 'settings={"holidays": ["2027-02-08"]}')
    assert code == 0 and out["ok"], out
    code, out = run_op("community.settings")
    assert code == 0 and out["value"]["settings"] == {"holidays": ["2027-02-08"]}
    code, out = run_op("community.set_settings", 'settings={"holidays": ["2027-02-08"]}', user="party_member")
    assert code == 1 and "不能修改社区设置" in out["message"]
