"""议事表决 operations: create a ballot, type paper votes, settle a duplicate, close; who may do what."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gridworker import ops
from gridworker.domain.errors import RuleViolation
from gridworker.domain.permissions import PermissionDenied
from gridworker.store import queries_ballots as q
from laptop_helpers import SETUP_STDIN, UNLOCK


def count(db, sql, params=()):
    with db.read() as conn:
        return conn.exec_driver_sql(sql, params).scalar()


@pytest.fixture
def homes(db, worker):
    with db.write(worker) as uow:
        return [uow.insert("household", {"address": f"阳光花园3幢1单元{100 + i}室", "head_name": name,
                                         "estate": "阳光花园", "area_m2": "100"})
                for i, name in enumerate(("张建国", "李秀英", "王大伟", "赵桂兰"), 1)]


def new_ballot(db, actor, **kw):
    values = {"title": "设置电动车充电桩", "rule": "residents_meeting", "scope_kind": "estate", "scope_ref": "阳光花园"}
    return ops.ballots.create(db, actor, **{**values, **kw}).id


def tally(db, ballot_id):
    with db.read() as conn:
        return q.ballot_state(conn, ballot_id)


def test_a_grid_worker_runs_a_ballot_and_a_party_member_types_paper_votes(db, worker, member, homes):
    bid = new_ballot(db, worker, options={"yes": "赞成"})
    state = tally(db, bid)
    assert [o["label"] for o in state.ballot["options"]] == ["赞成", "反对", "弃权"]
    assert state.ballot["organiser_id"] == "user-1"

    outbox = count(db, "SELECT count(*) FROM outbox")
    first = ops.ballots.vote(db, member, ballot_id=bid, household_id=homes[0], choice="yes")
    assert first.id and first.changes.touched("vote")
    ops.ballots.vote(db, member, ballot_id=bid, household_id=homes[1], choice="no")
    ops.ballots.vote(db, member, ballot_id=bid, household_id=homes[2], choice="yes")
    assert count(db, "SELECT count(*) FROM outbox") == outbox + 3
    # The same choice again changes nothing; another one is a correction voiding the first vote.
    assert ops.ballots.vote(db, member, ballot_id=bid, household_id=homes[0], choice="yes").id is None
    fix = ops.ballots.vote(db, member, ballot_id=bid, household_id=homes[1], choice="yes")
    assert count(db, "SELECT voids_id FROM vote WHERE id = ?", (fix.id,)) is not None
    assert tally(db, bid).result.counts == {"yes": 3, "no": 0, "abstain": 0}
    assert tally(db, bid).passed

    ops.ballots.close(db, worker, ballot_id=bid)
    assert tally(db, bid).ballot["closed_at"]
    with pytest.raises(RuleViolation) as refused:
        ops.ballots.vote(db, member, ballot_id=bid, household_id=homes[3], choice="no")
    assert refused.value.message == "这项表决已经结束，不能再录入投票"
    assert tally(db, bid).result.counts["no"] == 0


def test_a_party_member_cannot_create_close_or_settle_a_ballot(db, worker, member, homes):
    bid = new_ballot(db, worker)
    before = (count(db, "SELECT count(*) FROM ballot"), count(db, "SELECT count(*) FROM outbox"))
    with pytest.raises(PermissionDenied) as refused:
        new_ballot(db, member, title="党员发起的表决")
    assert refused.value.message == "联户党员账号不能发起和管理表决"
    with pytest.raises(PermissionDenied):
        ops.ballots.close(db, member, ballot_id=bid)
    vote_id = ops.ballots.vote(db, worker, ballot_id=bid, household_id=homes[0], choice="yes").id
    with pytest.raises(PermissionDenied):
        ops.ballots.settle(db, member, ballot_id=bid, vote_id=vote_id)
    assert (count(db, "SELECT count(*) FROM ballot"), count(db, "SELECT count(*) FROM outbox")) \
        == (before[0], before[1] + 1)
    assert tally(db, bid).ballot["closed_at"] is None
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'settle_duplicate_vote'") == 0


def test_a_ballot_not_yet_open_takes_no_vote(db, worker, homes):
    bid = new_ballot(db, worker, opens_at="2099-01-01T09:00:00+08:00")
    with pytest.raises(RuleViolation) as refused:
        ops.ballots.vote(db, worker, ballot_id=bid, household_id=homes[0], choice="yes")
    assert refused.value.message == "这项表决尚未开始，不能录入投票"


def test_a_duplicate_vote_from_another_laptop_is_settled_by_the_organiser(db, worker, homes):
    bid = new_ballot(db, worker)
    ops.ballots.vote(db, worker, ballot_id=bid, household_id=homes[0], choice="yes")
    ops.ballots.vote(db, worker, ballot_id=bid, household_id=homes[1], choice="yes")
    no = count(db, "SELECT id FROM ballot_option WHERE ballot_id = ? AND meaning = 'no'", (bid,))
    # Another laptop typed in the same household's paper sheet: its vote arrives by sync, flagged.
    other = db.actor("user-2", "李网格", "grid_worker")
    other.device_id = "0190a000-0000-7000-8000-0000000000dd"
    with db.write(other) as uow:
        dup = uow.append("vote", {"ballot_id": bid, "household_id": homes[0], "option_id": no,
                                  "cast_at": "2026-11-27T10:00:00+08:00"})
    with db.sync_transaction() as conn:
        conn.exec_driver_sql("INSERT INTO review_item (id, kind, table_name, row_id, reason, detail, status, created_at)"
                             " VALUES ('flag-1', 'duplicate_vote', 'vote', ?, '重复投票', '{}', 'open', '2026-11-27')",
                             (dup,))
    state = tally(db, bid)
    assert [d.vote["id"] for d in state.duplicates] == [dup]
    assert state.result.counts == {"yes": 2, "no": 0, "abstain": 0}, "the first vote counts until settled"

    ops.ballots.settle(db, worker, ballot_id=bid, vote_id=dup, count_duplicate=True)
    state = tally(db, bid)
    assert state.duplicates == [] and state.result.counts == {"yes": 1, "no": 1, "abstain": 0}
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'settle_duplicate_vote'") == 1
    assert count(db, "SELECT status FROM review_item WHERE id = 'flag-1'") == "resolved"


def op_cli(data_dir, *args, user_args=UNLOCK, stdin=SETUP_STDIN):
    return subprocess.run([sys.executable, "-m", "gridworker", "op", *args, "--data-dir", data_dir, *user_args,
                           "--json"], input=stdin, capture_output=True, text=True, timeout=120)


def test_paper_votes_from_the_command_line_and_a_party_member_refused_a_new_ballot(db, worker, homes):
    from gridworker.ops.users import remember_user

    bid = new_ballot(db, worker)
    remember_user(db, user_id="pm-1", username="li", display_name="李党员", role="party_member", password="dang-yuan")
    data_dir = str(db.path.parent)
    db.close()

    proc = op_cli(data_dir, "ballot.vote", f"ballot_id={bid}", f"household_id={homes[0]}", "choice=no")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] and out["id"] and out["changed"]["vote"] == [out["id"]]

    proc = op_cli(data_dir, "ballot.create", "title=党员发起的表决", "rule=residents_meeting",
                  user_args=["--user", "li", "--password-stdin"], stdin="dang-yuan\n")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {"error": "forbidden", "message": "联户党员账号不能发起和管理表决"}

    from gridworker.sync.laptop import Laptop

    reopened = Laptop(data_dir).login("setup", SETUP_STDIN.strip(), online_check=False).db
    try:
        state = tally(reopened, bid)
        assert state.result.counts == {"yes": 0, "no": 1, "abstain": 0}
        assert count(reopened, "SELECT count(*) FROM ballot") == 1
    finally:
        reopened.close()
