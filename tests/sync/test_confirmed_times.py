"""Issue #20 item 4: deadlines count from server-confirmed times. A laptop whose clock was a year
behind stamped a case "reported a year ago": it was overdue at once on every other laptop and on the
server, and a household it visited today looked unvisited for a year. The laptop now sends its clock
with each call; the server moves the times of what it pushes onto the server's clock, and the laptop
takes the confirmed times back when it pulls. Real server over HTTP; the laptop's clock is injected
into its transport and into the times it writes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from gridworker.store.queries_issues import list_issues
from gridworker.store.queries_visits import overdue_households
from support.server import COMM_A

YEAR = dt.timedelta(days=365)


def _write_as_if_a_year_behind(db):
    """What a laptop whose clock reads a year ago writes: a household visited "now", a case reported "now"."""
    behind = (dt.datetime.now().astimezone() - YEAR).isoformat(timespec="seconds")
    with db.write(db.actor(db.get_state("user_id"), "网格员甲", "grid_worker")) as uow:
        hid = uow.insert("household", {"address": "花园3幢1单元101室", "attention_level": "key"})
        uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": behind})
        iid = uow.insert("issue", {"title": "楼道灯不亮", "kind": "help", "urgency": "normal",
                                   "household_id": hid, "reported_at": behind})
        uow.append("issue_event", {"issue_id": iid, "action": "report", "actor_name": "网格员甲", "at": behind,
                                   "payload": {"kind": "help", "urgency": "normal"}})
    return hid, iid


def _near_now(value: str) -> bool:
    when = dt.datetime.fromisoformat(value)
    return abs(when - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=10)


def test_a_case_from_a_laptop_a_year_behind_counts_from_when_the_server_got_it(world):
    skewed, other = world.laptop("skewed"), world.laptop("other")
    hid, iid = _write_as_if_a_year_behind(skewed)
    engine = world.engine(skewed)
    engine.transport.now = lambda: dt.datetime.now(dt.timezone.utc) - YEAR
    report = engine.sync()
    engine.transport.close()
    assert report.rejected == 0
    assert "慢" in report.clock_message()  # the user is told their clock is off

    with world.sdb.read() as conn:  # the server holds confirmed times
        visited = conn.execute(text("SELECT visited_at FROM visit WHERE household_id = :h AND community_id = :c"),
                               {"h": hid, "c": COMM_A}).scalar()
        reported = conn.execute(text("SELECT reported_at FROM issue WHERE id = :i"), {"i": iid}).scalar()
        event_at = conn.execute(text("SELECT at FROM issue_event WHERE issue_id = :i"), {"i": iid}).scalar()
    assert _near_now(visited) and _near_now(reported) and _near_now(event_at), (visited, reported, event_at)

    world.engine(other).sync()
    now = dt.datetime.now().astimezone()
    for db in (other, skewed):  # the other laptop, and the skewed one once it pulled its confirmed times
        with db.read() as conn:
            case = next(c for c in list_issues(conn, now) if c["id"] == iid)
            overdue = {h["id"] for h in overdue_households(conn, now)}
        assert case["deadline"] == "ok", case["due_at"]
        assert case["due_at"] > now + dt.timedelta(days=1)
        assert hid not in overdue  # visited today, not a year ago
    assert world.engine(skewed).verify()["match"]
    assert world.engine(other).verify()["match"]


def test_an_honest_laptop_back_from_days_offline_keeps_its_times(world):
    """Only a clock that is off is corrected: a case written three days ago on a laptop with the right
    clock, pushed today, still counts from three days ago."""
    db = world.laptop("offline")
    earlier = (dt.datetime.now().astimezone() - dt.timedelta(days=3)).isoformat(timespec="seconds")
    with db.write(db.actor(db.get_state("user_id"), "网格员甲", "grid_worker")) as uow:
        iid = uow.insert("issue", {"title": "井盖松动", "kind": "help", "urgency": "normal", "reported_at": earlier})
    assert world.engine(db).sync().rejected == 0
    with world.sdb.read() as conn:
        assert conn.execute(text("SELECT reported_at FROM issue WHERE id = :i"), {"i": iid}).scalar() == earlier
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT reported_at FROM issue WHERE id = ?", (iid,)).scalar() == earlier
