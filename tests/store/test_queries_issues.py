"""Issue queries: folded states, deadlines and their order, one case with its history."""
from __future__ import annotations

import datetime as dt
import json

from gridworker.domain.ids import new_id
from gridworker.store import queries_issues as q

NOW = dt.datetime.now().astimezone()


def case(uow, title, kind="help", at=None, steps=()):
    iid = uow.insert("issue", {"title": title, "kind": kind})
    uow.append("issue_event", {"issue_id": iid, "action": "report", "at": (at or NOW).isoformat(),
                               "payload": {"kind": kind}})
    for action, payload in steps:
        uow.append("issue_event", {"issue_id": iid, "action": action, "payload": payload})
    return iid


LOOP = [("accept", {}), ("analyse", {"category": "property", "urgency": "normal", "level": "community"}),
        ("dispatch", {"level": "community", "department": "物业公司"}), ("start_handling", {}),
        ("feedback", {"note": "已修好"})]


def test_list_orders_overdue_first_and_done_last(db, actor):
    with db.write(actor) as uow:
        fresh = case(uow, "咨询补贴", kind="inquiry")
        late = case(uow, "井盖松动", at=NOW - dt.timedelta(days=30))
        done = case(uow, "楼道灯", steps=LOOP + [("close", {})])
        declined = case(uow, "重复上报", steps=[("decline", {"reason": "与另一事项重复"})])
    with db.read() as conn:
        rows = q.list_issues(conn, NOW)
        open_rows = q.list_issues(conn, NOW, open_only=True)
        closed = q.list_issues(conn, NOW, status="closed")
    assert [r["id"] for r in rows][:2] == [late, fresh]
    assert {r["id"] for r in rows[2:]} == {done, declined}
    by_id = {r["id"]: r for r in rows}
    assert by_id[late]["deadline"] == "overdue" and by_id[fresh]["deadline"] == "ok"
    assert by_id[done]["deadline"] == "ok" and by_id[done]["status_label"] == "核查结案"
    assert by_id[declined]["deadline"] is None and by_id[declined]["due_at"] is None
    assert by_id[done]["category_label"] == "物业"
    assert {r["id"] for r in open_rows} == {late, fresh}
    assert [r["id"] for r in closed] == [done]


def test_case_with_history_allowed_steps_and_an_invalid_event(db, actor):
    with db.write(actor) as uow:
        iid = case(uow, "楼道灯", steps=LOOP + [("close", {})])
    # A second close from another laptop arrives by sync: kept, flagged, not applied twice.
    with db.sync_transaction() as conn:
        conn.exec_driver_sql(
            "INSERT INTO issue_event (id, community_id, created_at, issue_id, action, at, payload, hlc, server_seq)"
            " VALUES (?, ?, ?, ?, 'close', ?, ?, 'zzzz', NULL)",
            (new_id(), db.community_id, NOW.isoformat(), iid, NOW.isoformat(), json.dumps({})))
    with db.read() as conn:
        c = q.issue_case(conn, iid, NOW)
        assert q.issue_case(conn, "missing", NOW) is None
        counts = q.status_counts(conn, NOW)
    assert [e["label"] for e in c.events] == ["上报", "受理", "研判", "派遣", "开始处置", "反馈办结", "核查结案", "核查结案"]
    assert c.events[-1]["invalid"] and not c.events[-2]["invalid"]
    assert c.summary["status"] == "closed" and c.allowed == ["rate", "comment"]
    assert c.events[3]["payload"]["department"] == "物业公司"
    assert counts == {"closed": 1}


def test_deadline_of_an_escalated_case_with_an_extension(db, actor):
    with db.write(actor) as uow:
        iid = case(uow, "违建", kind="complaint", steps=LOOP[:4] + [
            ("escalate", {"reason": "需街道执法"}), ("request_extension", {"days": 5, "reason": "需协调"}),
            ("grant_extension", {})])
    with db.read() as conn:
        c = q.issue_case(conn, iid, NOW)
    st = c.summary["state"]
    assert (st.level, st.extension_days, c.summary["level_label"]) == ("street", 5, "街道")
    due, status = q.deadline_of(st, NOW)
    assert due == c.summary["due_at"] and status == "ok"
    assert (due.date() - NOW.date()).days >= 18 + 2 * 2, "13 + 5 working days, weekends skipped"
