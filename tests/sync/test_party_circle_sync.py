"""1+10+N through a real server (SQLite and PostgreSQL): the grid worker puts a party member on the
roster and links households to them; the admin binds the member's login to that row by id; the party
member enrols their own laptop, sees exactly their households on 我的联系户 and logs a visit; the
visit reaches the grid worker's laptop credited to the member's id."""
from __future__ import annotations

import datetime as dt

from gridworker import ops
from gridworker.store import queries_my as qm
from support.server import bind_party_member


def test_a_party_members_visit_from_their_own_laptop_reaches_the_grid_worker_by_member_id(world):
    gw = world.laptop("grid", "gw_a")
    worker = gw.actor(gw.get_state("user_id"), "王网格", "grid_worker")
    with gw.write(worker) as uow:
        homes = [uow.insert("household", {"address": f"阳光花园3幢{r}室", "head_name": n, "building_no": "3"})
                 for r, n in (("101", "张大爷"), ("102", "刘阿姨"), ("201", "别人家"))]
    member = ops.party.add(gw, worker, name="甲社区联户党员", phone="13800000009", workplace="区税务局",
                           reported_on=dt.date(2026, 3, 1)).id
    other = ops.party.add(gw, worker, name="另一位党员", phone="13800000008", workplace="区医院",
                          reported_on=dt.date(2026, 3, 2)).id
    ops.contacts.assign(gw, worker, household_id=homes[0], member_id=member)
    ops.contacts.assign(gw, worker, household_id=homes[1], member_id=member)
    ops.contacts.assign(gw, worker, household_id=homes[2], member_id=other)
    assert world.engine(gw).sync().rejected == 0
    with world.sdb.write() as conn:
        bind_party_member(conn, "pm_a", member)  # what the admin sets when adding the user

    mine = world.laptop("own", "pm_a")
    world.engine(mine).sync()
    with mine.read() as conn:
        bound = conn.exec_driver_sql("SELECT member_id FROM local_user WHERE username = 'pm_a'").scalar()
        circle = qm.my_circle(conn, bound, mine.get_state("user_id"))
    assert circle.member["id"] == member
    assert [h["address"] for h in circle.households] == ["阳光花园3幢101室", "阳光花园3幢102室"]

    me = mine.actor(mine.get_state("user_id"), "名字随便", "party_member")  # the name plays no part
    visit = ops.visits.log(mine, me, household_id=homes[1], summary="刘阿姨腿脚不便，约下周陪同就医").id
    report = world.engine(mine).sync()
    assert report.rejected == 0, report
    world.engine(gw).sync()
    with gw.read() as conn:
        row = conn.exec_driver_sql("SELECT household_id, party_member_id, summary FROM visit WHERE id = ?",
                                   (visit,)).mappings().one()
    assert dict(row) == {"household_id": homes[1], "party_member_id": member,
                         "summary": "刘阿姨腿脚不便，约下周陪同就医"}
