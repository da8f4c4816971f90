"""概览: the figures a community secretary reads, from real rows."""
from __future__ import annotations

import datetime as dt

from ui_helpers import wait_tasks


def test_overview_counts_coverage_visits_and_issues(qtbot, db, user, actor, households, make_window):
    now = dt.datetime.now().astimezone()
    with db.write(actor) as uow:
        member = uow.insert("party_member", {"name": "党员甲", "is_central_household": False})
        uow.insert("contact_link", {"kind": "member_household", "from_id": member, "to_id": households["张三"],
                                    "active": True})
        uow.append("visit", {"household_id": households["张三"], "mode": "door", "summary": "正常",
                             "visited_at": now.isoformat(timespec="seconds")})
        issue = uow.insert("issue", {"title": "楼道灯坏了", "kind": "help", "household_id": households["李四"]})
        uow.append("issue_event", {"issue_id": issue, "action": "report",
                                   "payload": {"kind": "help", "category": "property"}})
    window = make_window(db, user)
    ws = window.show_workspace("overview")
    wait_tasks(qtbot, window.tasks)
    o = ws.data
    assert (o.households, o.residents, o.covered_households) == (3, 3, 1)
    assert ws.cards["households"].value.text() == "3"
    assert ws.cards["visits"].value.text() == "1"
    assert ws.cards["overdue"].value.text() == "2", "李四 and 王五 were never visited"
    assert ws.ring.fraction == 1 / 3
    assert o.issues_by_status == {"reported": 1}
    assert ("已上报", 1) in ws.issue_chart.items
    assert ws.cover_lines[0].text() == "已联系住户：1 / 3 户"
