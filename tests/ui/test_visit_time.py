"""走访时间 (#19 item 4): untouched, a visit is recorded at the moment it is saved (the field says 现在);
a time the user sets is kept. A visit saved at 22:07 is no longer recorded as 22:00."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle


def visits(db) -> list[str]:
    with db.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT visited_at FROM visit ORDER BY hlc")]


def test_an_untouched_time_is_the_time_of_saving_and_a_set_time_is_kept(qtbot, ctx, db, actor, monkeypatch):
    from gridworker.ui.workspaces import visits as page
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    ids = add_households(db, actor, [{"address": "阳光花园3幢101室", "head_name": "张建国"}])
    ws = open_workspace(qtbot, ctx, VisitsWorkspace)
    assert ws.time_now.isVisible() and ws.time_now.text() == "现在"
    # The form was opened at 22:00; the worker saves at 22:07.
    saved_at = dt.datetime(2026, 12, 4, 22, 7, 31).astimezone()
    monkeypatch.setattr(page, "now", lambda: saved_at)
    ws.picker.set_household({"id": ids[0], "address": "阳光花园3幢101室", "head_name": "张建国"})
    ws.summary.setPlainText("晚上电话回访")
    ws.save()
    settle(qtbot, ctx)
    assert visits(db) == [saved_at.isoformat(timespec="seconds")]

    # The worker sets 15:30 (a visit made earlier in the day): that time is kept, and the label goes.
    ws.picker.set_household({"id": ids[0], "address": "阳光花园3幢101室", "head_name": "张建国"})
    ws.visited_at.setDateTime(QDateTime.fromString("2026-12-04 15:30", "yyyy-MM-dd HH:mm"))
    assert not ws.time_now.isVisible()
    ws.summary.setPlainText("下午上门")
    ws.save()
    settle(qtbot, ctx)
    assert visits(db)[-1].startswith("2026-12-04T15:30")
    assert ws.time_now.isVisible() and not ws.time_touched, "the next visit starts at 现在 again"


def test_the_last_households_saved_message_goes_when_the_next_is_chosen(qtbot, ctx, db, actor):
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    ids = add_households(db, actor, [{"address": "阳光花园3幢101室", "head_name": "张建国"},
                                     {"address": "阳光花园3幢102室", "head_name": "李秀英"}])
    ws = open_workspace(qtbot, ctx, VisitsWorkspace)
    ws.picker.set_household({"id": ids[0], "address": "阳光花园3幢101室", "head_name": "张建国"})
    ws.summary.setPlainText("上门看望")
    ws.save()
    settle(qtbot, ctx)
    assert ws.saved_note.text().startswith("已保存：阳光花园3幢101室")
    ws.picker.set_household({"id": ids[1], "address": "阳光花园3幢102室", "head_name": "李秀英"})
    assert ws.saved_note.text() == "", "no 已保存 shown against the next household"
