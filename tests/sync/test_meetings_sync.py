"""议事 records travel like the rest (SQLite and PostgreSQL server): a meeting, its ballot decision and
its task recorded offline on one laptop; the other laptop of the community pulls the same thread,
records the progress, and the first sees it after its next sync."""
from __future__ import annotations

import datetime as dt

from gridworker import ops
from gridworker.store import queries_meetings as qm


def shown(db, mid):
    with db.read() as conn:
        t = qm.thread(conn, mid, dt.date(2026, 12, 1))
    return [(r["decision"].text, r["status"], [p[1] for p in r["decision"].progress]) for r in t.decisions]


def test_a_meeting_thread_is_the_same_on_every_laptop(world):
    a, b = world.laptop("a", "gw_a"), world.laptop("b", "admin_a")
    wa = a.actor(a.get_state("user_id"), "王网格", "grid_worker")
    wb = b.actor(b.get_state("user_id"), "社区管理员", "admin")
    mid = ops.meetings.record(a, wa, kind="bandeng", topic="院落停车", attendees=["阳光物业"]).id
    ops.meetings.decide(a, wa, meeting_id=mid, text="是否划线收费", kind="ballot", ballot={"rule": "residents_meeting"})
    task = ops.meetings.decide(a, wa, meeting_id=mid, text="物业画线", kind="task", owner="阳光物业",
                               deadline="2026-12-31").id
    assert world.engine(a).sync().rejected == 0
    world.engine(b).sync()
    assert shown(b, mid) == shown(a, mid) == [("是否划线收费", "voting", []), ("物业画线", "open", [])]
    ops.meetings.follow(b, wb, item_id=task, text="已画一半")
    assert world.engine(b).sync().rejected == 0
    world.engine(a).sync()
    assert shown(a, mid)[1] == ("物业画线", "open", ["已画一半"])
