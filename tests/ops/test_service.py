"""三报到三服务 through the operations: a member records service, the secretary approves, points follow
domain/points.py; needs are claimed; teams and the 红榜 count approved hours; redemption is refused
past the balance; the 星级文明户 selection writes its result to the household."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gridworker import ops
from gridworker.domain import points as P
from gridworker.domain.errors import RuleViolation, ValidationError
from gridworker.domain.permissions import PermissionDenied
from gridworker.store import queries_service as qs

TODAY = dt.date.today()


def admin(db):
    return db.actor("user-0", "赵书记", "admin")


def worker(db):
    return db.actor("user-1", "王网格", "grid_worker")


def member_actor(db, member_id):
    return db.actor("user-2", "李党员", "party_member", member_id=member_id)


@pytest.fixture
def roster(db, actor, grid_id):
    with db.write(actor) as uow:
        homes = [uow.insert("household", {"address": f"阳光花园5幢{r}室", "head_name": n, "grid_id": grid_id})
                 for r, n in (("101", "张建国"), ("102", "李秀英"), ("201", "王大伟"))]
        members = [uow.insert("party_member", {"name": n, "in_service": True}) for n in ("李红", "周明", "吴芳")]
    return homes, members


def balance(db, member_id):
    with db.read() as conn:
        return next(b for b in qs.balances(conn, TODAY) if b["member_id"] == member_id)


def test_a_member_records_service_the_secretary_approves_and_points_follow_the_rules(db, roster):
    _, (li, zhou, _) = roster
    me = member_actor(db, li)
    rid = ops.service.record(db, me, hours="3", activity="为独居老人打扫卫生", households_served=2).id
    with db.read() as conn:
        waiting = qs.records(conn)
    assert [r["id"] for r in waiting] == [rid] and waiting[0]["entered_from"] == "self"
    assert balance(db, li)["balance"] == 0 and balance(db, li)["waiting"] == 1  # nothing before approval
    with pytest.raises(PermissionDenied):  # a member records for themselves only
        ops.service.record(db, me, hours="1", member_id=zhou)
    with pytest.raises(PermissionDenied):  # the grid worker enters, the secretary approves
        ops.service.approve(db, worker(db), record_ids=[rid])
    ops.service.approve(db, admin(db), record_ids=[rid])
    b = balance(db, li)
    assert b["balance"] == P.credit("3") == Decimal(2)  # 3 hours, at most 2 credited an activity
    assert b["hours_this_year"] == Decimal(3) and b["waiting"] == 0
    with pytest.raises(RuleViolation, match="已经审核通过"):
        ops.service.approve(db, admin(db), record_ids=[rid])
    with pytest.raises(ValidationError, match="不能再修改"), db.write(admin(db)) as uow:
        uow.update("service_record", rid, {"hours": "8"})
    assert balance(db, li)["balance"] == Decimal(2)
    with db.read() as conn:
        lines = qs.statement(conn, li)
    assert [(x["kind"], x["balance"]) for x in lines] == [("earn", Decimal(2))]


def test_bad_input_is_named_and_a_report_in_earns_nothing(db, roster):
    _, (li, *_) = roster
    w = worker(db)
    with pytest.raises(ValidationError) as exc:
        ops.service.record(db, w, member_id=li, hours="25")
    assert exc.value.field == "hours"
    with pytest.raises(ValidationError) as exc:
        ops.service.record(db, w, member_id=li, hours="2", served_on=(TODAY + dt.timedelta(days=3)).isoformat())
    assert exc.value.field == "served_on"
    with pytest.raises(ValidationError) as exc:
        ops.service.record(db, w, member_id=li, hours="")
    assert exc.value.field == "hours"
    rid = ops.service.record(db, w, member_id=li, kind="report_in").id
    ops.service.approve(db, admin(db), record_ids=rid)
    assert balance(db, li)["balance"] == 0


def test_redemption_spends_points_and_is_refused_past_the_balance(db, roster):
    _, (li, *_) = roster
    w = worker(db)
    ids = [ops.service.record(db, w, member_id=li, hours=h).id for h in ("2", "1.5")]
    ops.service.approve(db, admin(db), record_ids=ids)
    assert balance(db, li)["balance"] == Decimal("3.5")
    done = ops.service.redeem(db, w, member_id=li, points="3", item="理发券")
    assert done.value == "0.5"
    with pytest.raises(RuleViolation, match="积分不足"):
        ops.service.redeem(db, w, member_id=li, points="1", item="米一袋")
    with db.read() as conn:
        lines = qs.statement(conn, li)
    assert [x["balance"] for x in lines][-1] == Decimal("0.5")


def test_rejected_records_earn_nothing_and_say_why(db, roster):
    _, (li, *_) = roster
    rid = ops.service.record(db, worker(db), member_id=li, hours="2").id
    with pytest.raises(ValidationError):
        ops.service.reject(db, admin(db), record_id=rid, reason=" ")
    ops.service.reject(db, admin(db), record_id=rid, reason="签到表上没有签名")
    with db.read() as conn:
        rec = qs.records(conn, approval="rejected")[0]
    assert "签到表上没有签名" in rec["note"] and balance(db, li)["balance"] == 0


def test_needs_are_claimed_by_members_and_teams(db, roster):
    homes, (li, zhou, wu) = roster
    w = worker(db)
    nid = ops.service.add_need(db, w, title="帮3户老人代买药", source="key_group", household_id=homes[0], people_wanted=2).id
    with pytest.raises(PermissionDenied):  # a member claims in their own name only
        ops.service.claim_need(db, member_actor(db, li), need_id=nid, member_id=zhou)
    ops.service.claim_need(db, member_actor(db, li), need_id=nid)
    with db.read() as conn:
        need = qs.needs(conn)[0]
    assert need["status"] == "claimed" and need["claimed_member_name"] == "李红"
    tid = ops.service.save_team(db, w, name="红领服务一队", leader_member_id=zhou, members=[zhou, wu],
                                households=homes[:2], focus="独居老人").id
    ops.service.claim_need(db, w, need_id=nid, team_id=tid)
    ops.service.close_need(db, w, need_id=nid)
    with pytest.raises(RuleViolation):
        ops.service.claim_need(db, w, need_id=nid, member_id=wu)
    with pytest.raises(PermissionDenied):
        ops.service.add_need(db, member_actor(db, li), title="x")


def test_teams_and_the_honour_roll_count_approved_hours_and_team_visits(db, roster):
    homes, (li, zhou, wu) = roster
    w = worker(db)
    tid = ops.service.save_team(db, w, name="红领服务一队", members=[zhou, wu], households=homes[:2]).id
    recs = [ops.service.record(db, w, member_id=zhou, hours="2", team_id=tid).id,
            ops.service.record(db, w, member_id=wu, hours="1", team_id=tid).id,
            ops.service.record(db, w, member_id=li, hours="1.5").id]
    ops.service.record(db, w, member_id=li, hours="2")  # waiting: not on the 红榜
    ops.service.approve(db, admin(db), record_ids=recs)
    with db.write(w) as uow:  # a visit by a team member to a household the team serves
        uow.append("visit", {"household_id": homes[0], "mode": "door", "party_member_id": zhou, "summary": "送药上门",
                             "visited_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")})
    with db.read() as conn:
        members = qs.honour_roll(conn, TODAY)
        teams = qs.honour_roll(conn, TODAY, by="team")
        team = qs.teams(conn, TODAY)[0]
    assert [(s.name, s.hours) for s in members] == [("周明", 2), ("李红", Decimal("1.5")), ("吴芳", 1)]
    assert [(s.name, s.hours) for s in teams] == [("红领服务一队", 3)]
    assert team["hours_quarter"] == 3 and team["visits_quarter"] == 1 and team["member_names"] == ["周明", "吴芳"]


def test_the_civility_selection_writes_its_result_to_the_household(db, roster, grid_id):
    homes, _ = roster
    w = worker(db)
    bid = ops.service.open_selection(db, w, year=TODAY.year, nominees=homes[:2]).id
    with db.read() as conn:
        options = conn.exec_driver_sql("SELECT id, household_id FROM ballot_option WHERE ballot_id = ?"
                                       " ORDER BY position", (bid,)).fetchall()
    by_home = {h: o for o, h in options}
    for voter, choice in ((homes[0], homes[1]), (homes[1], homes[1]), (homes[2], homes[0])):
        ops.ballots.vote(db, w, ballot_id=bid, household_id=voter, option_id=by_home[choice])
    with pytest.raises(RuleViolation, match="尚未结束"):
        ops.service.apply_selection(db, w, ballot_id=bid, year=TODAY.year, winners=1)
    ops.ballots.close(db, w, ballot_id=bid)
    done = ops.service.apply_selection(db, w, ballot_id=bid, year=TODAY.year, winners=1, stars=5)
    assert done.value == [homes[1]]
    with db.read() as conn:
        got = dict(conn.exec_driver_sql("SELECT id, civility_stars FROM household").fetchall())
    assert got[homes[1]] == 5 and got[homes[0]] is None
