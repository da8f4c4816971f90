"""三报到三服务 on real laptops against a real server (SQLite and PostgreSQL): a member records 3 hours on
their own laptop offline, the secretary approves on the community laptop, and after syncs both show
the same balance, the points domain/points.py gives for 3 hours; two laptops approving the same record
at once earn its points once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from gridworker import ops
from gridworker.domain import points as P
from gridworker.store import queries_service as qs
from support.server import PM_A_MEMBER


def _balance(db):
    with db.read() as conn:
        return next(b for b in qs.balances(conn, dt.date.today()) if b["member_id"] == PM_A_MEMBER)


def test_a_member_records_offline_the_secretary_approves_and_both_see_the_same_balance(world):
    member, office = world.laptop("member", "pm_a"), world.laptop("office", "admin_a")
    me = member.actor(member.get_state("user_id"), "甲社区联户党员", "party_member", member_id=PM_A_MEMBER)
    secretary = office.actor(office.get_state("user_id"), "赵书记", "admin")
    world.engine(member).sync()  # the roster arrives
    rid = ops.service.record(member, me, hours="3", activity="楼道清扫", households_served=4).id  # offline
    assert _balance(member)["waiting"] == 1 and _balance(member)["balance"] == 0
    assert world.engine(member).sync().rejected == 0
    world.engine(office).sync()
    with office.read() as conn:
        assert [r["id"] for r in qs.records(conn)] == [rid]
    ops.service.approve(office, secretary, record_ids=[rid])
    assert world.engine(office).sync().rejected == 0
    world.engine(member).sync()
    expected = P.credit("3")
    assert _balance(member)["balance"] == _balance(office)["balance"] == expected == 2
    assert _balance(member)["hours_this_year"] == 3 and _balance(member)["waiting"] == 0
    with world.sdb.read() as conn:
        points = conn.execute(text("SELECT points FROM points_ledger WHERE record_id = :r"), {"r": rid}).scalars().all()
    assert [P.to_decimal(p, "points") for p in points] == [expected]
    assert world.engine(member).verify()["match"] and world.engine(office).verify()["match"]


def test_two_laptops_approving_the_same_record_at_once_earn_its_points_once(world):
    one, two = world.laptop("one", "admin_a"), world.laptop("two", "admin_a")
    gw = world.laptop("desk", "gw_a")
    w = gw.actor(gw.get_state("user_id"), "王网格", "grid_worker")
    world.engine(gw).sync()
    rid = ops.service.record(gw, w, member_id=PM_A_MEMBER, hours="1.5", activity="签到表：助老").id
    assert world.engine(gw).sync().rejected == 0
    for db in (one, two):
        world.engine(db).sync()
    for db in (one, two):  # both approve before either syncs
        ops.service.approve(db, db.actor(db.get_state("user_id"), "书记", "admin"), record_ids=[rid])
    for db in (one, two, one, gw):
        assert world.engine(db).sync().rejected == 0
    with world.sdb.read() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM points_ledger WHERE record_id = :r"), {"r": rid}).scalar()
    assert n == 1
    for db in (one, two, gw):
        assert _balance(db)["balance"] == P.credit("1.5")
        assert world.engine(db).verify()["match"]
