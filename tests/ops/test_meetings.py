"""议事 records through the operations: 民议 (a meeting) → 民决 (a decision opens a ballot) → 民办 (a task
with an owner and a deadline) → 民管 (progress, done); one thread, append-only, refused with reasons."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker import ops
from gridworker.domain.errors import RuleViolation, ValidationError
from gridworker.domain.permissions import PermissionDenied
from gridworker.store import queries_meetings as qm


def worker(db):
    return db.actor("user-1", "王网格", "grid_worker")


def outbox(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()


@pytest.fixture
def homes(db, actor, grid_id):
    with db.write(actor) as uow:
        return [uow.insert("household", {"address": f"阳光花园3幢{r}室", "head_name": n, "grid_id": grid_id,
                                         "area_m2": "80"})
                for r, n in (("101", "张建国"), ("102", "李秀英"), ("201", "王大伟"))]


def thread(db, mid, today=dt.date(2026, 12, 20)):
    with db.read() as conn:
        return qm.thread(conn, mid, today)


def test_a_meeting_its_ballot_and_its_task_are_one_thread(db, homes):
    w = worker(db)
    mid = ops.meetings.record(db, w, kind="lianxi", topic="3幢楼道加装扶手", place="社区党群服务站",
                              held_at="2026-12-01T19:00:00+08:00",
                              attendees=[{"household_id": homes[0]}, {"household_id": homes[1]}, "阳光物业", "业委会"],
                              minutes="居民反映老人上下楼不便，物业同意出资一半。").id
    vote = ops.meetings.decide(db, w, meeting_id=mid, text="是否动用维修资金加装扶手", kind="ballot",
                               ballot={"rule": "residents_meeting"})
    task = ops.meetings.decide(db, w, meeting_id=mid, text="物业联系三家施工单位报价", kind="task",
                               owner="阳光物业", deadline="2026-12-15").id
    ops.meetings.decide(db, w, meeting_id=mid, text="每月第一个周五晚开板凳会", kind="note")
    ops.meetings.follow(db, w, item_id=task, text="已收到两家报价")
    t = thread(db, mid)
    assert t.meeting["kind_label"].startswith("联席会议") and t.attendees == [
        "阳光花园3幢101室（张建国）", "阳光花园3幢102室（李秀英）", "阳光物业", "业委会"]
    assert [(d["kind_label"], d["status"]) for d in t.decisions] == [
        ("交付表决（民决）", "voting"), ("落实任务（民办）", "overdue"), ("议定事项", "settled")]
    assert t.decisions[0]["ballot_title"] == "是否动用维修资金加装扶手"
    assert t.decisions[1]["decision"].progress[0][1] == "已收到两家报价"

    # 民决: the residents vote and the ballot closes; the thread shows the result.
    bid = vote.ids["ballot"]
    for h in homes:
        ops.ballots.vote(db, w, ballot_id=bid, household_id=h, choice="yes")
    ops.ballots.close(db, w, ballot_id=bid)
    t = thread(db, mid)
    assert t.decisions[0]["status"] == "voted" and t.decisions[0]["ballot_passed"] is True
    assert "结果：通过" in t.decisions[0]["ballot_result"]
    # 民管: the task is done; it cannot be closed twice.
    ops.meetings.follow(db, w, item_id=task, text="扶手已装好，居民验收满意", done=True)
    assert thread(db, mid).decisions[1]["status"] == "done"
    with pytest.raises(RuleViolation, match="已经办结"):
        ops.meetings.follow(db, w, item_id=task, text="再办结一次", done=True)
    with db.read() as conn:
        listed = qm.list_meetings(conn)
    assert [(m["topic"], m["decisions"], m["open"]) for m in listed] == [("3幢楼道加装扶手", 3, 1)]


def test_refusals_say_what_is_missing_and_write_nothing(db, homes):
    w = worker(db)
    mid = ops.meetings.record(db, w, kind="ketang", topic="停车难").id
    before = outbox(db)
    with pytest.raises(ValidationError, match="负责人"):
        ops.meetings.decide(db, w, meeting_id=mid, text="划定临时停车位", kind="task", deadline="2026-12-31")
    with pytest.raises(ValidationError, match="完成期限"):
        ops.meetings.decide(db, w, meeting_id=mid, text="划定临时停车位", kind="task", owner="物业")
    with pytest.raises(ValidationError, match="表决规则"):
        ops.meetings.decide(db, w, meeting_id=mid, text="是否收停车费", kind="ballot")
    with pytest.raises(ValidationError, match="议题"):
        ops.meetings.record(db, w, kind="ketang", topic=" ")
    note = ops.meetings.decide(db, w, meeting_id=mid, text="先摸底", kind="note").id
    with pytest.raises(RuleViolation, match="无需跟进"):
        ops.meetings.follow(db, w, item_id=note, text="进展")
    assert outbox(db) == before + 1
    with pytest.raises(PermissionDenied):
        ops.meetings.record(db, db.actor("pm", "刘党员", "party_member"), kind="ketang", topic="x")


def test_the_monthly_statistics_count_the_meetings(db, homes, tmp_path):
    from openpyxl import load_workbook

    from gridworker.ledger import export

    w = worker(db)
    mid = ops.meetings.record(db, w, kind="bandeng", topic="院落绿化").id
    task = ops.meetings.decide(db, w, meeting_id=mid, text="补种月季", kind="task", owner="物业",
                               deadline="2026-12-31").id
    ops.meetings.decide(db, w, meeting_id=mid, text="每季度开一次板凳会", kind="note")
    ops.meetings.follow(db, w, item_id=task, text="已补种", done=True)
    month = dt.date.today().strftime("%Y-%m")
    path = export(db, db.actor("setup", "测试管理员", "admin"), "monthly", tmp_path / "m.xlsx", month=month).path
    rows = [[c.value for c in r] for r in load_workbook(path).active.iter_rows()]
    facts = {r[1]: r[2] for r in rows[3:]}
    assert (facts["本月议事会议"], facts["本月形成的决定"], facts["本月办结的决定"]) == (1, 2, 1)
