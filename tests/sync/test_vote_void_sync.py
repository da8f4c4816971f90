"""A paper vote cleared on one laptop is cleared on the others (SQLite and PostgreSQL server): the void
is an append-only vote with no choice; the server refuses a choiceless vote that voids nothing."""
from __future__ import annotations

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.store import queries_ballots as qb


def test_a_cleared_vote_is_cleared_everywhere(world):
    a, b = world.laptop("a", "gw_a"), world.laptop("b", "admin_a")
    wa = a.actor(a.get_state("user_id"), "王网格", "grid_worker")
    with a.write(wa) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢101室", "head_name": "张建国"})
    bid = ops.ballots.create(a, wa, title="楼道装灯", rule="residents_meeting").id
    ops.ballots.vote(a, wa, ballot_id=bid, household_id=hid, choice="no")
    assert world.engine(a).sync().rejected == 0
    world.engine(b).sync()
    with b.read() as conn:
        assert qb.ballot_state(conn, bid).effective[hid]["choice"] == "no"
    ops.ballots.clear_vote(a, wa, ballot_id=bid, household_id=hid)
    assert world.engine(a).sync().rejected == 0
    world.engine(b).sync()
    with b.read() as conn:
        state = qb.ballot_state(conn, bid)
    assert hid not in state.effective and state.duplicates == []


def test_a_choiceless_vote_that_voids_nothing_is_refused_on_the_laptop(world):
    a = world.laptop("a2", "gw_a")
    wa = a.actor(a.get_state("user_id"), "王网格", "grid_worker")
    with a.write(wa) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢102室"})
    bid = ops.ballots.create(a, wa, title="x", rule="residents_meeting").id
    with pytest.raises(ValidationError, match="必须选择一项"):
        with a.write(wa) as uow:
            uow.append("vote", {"ballot_id": bid, "household_id": hid, "option_id": None, "cast_at": "2026-12-01T10:00:00+08:00"})
