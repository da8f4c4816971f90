"""走访 workspace driven offscreen: log a visit, raise an issue from it in one click, overdue visits."""
from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt

# Imported, not left to a conftest, so a ui/conftest.py fixture of the same name cannot replace it.
from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle, shot, watch

HOUSEHOLDS = [
    {"address": "阳光花园3幢2单元501室", "head_name": "张建国", "phone": "13812345678", "attention_level": "high"},
    {"address": "阳光花园3幢2单元502室", "head_name": "李秀英", "attention_level": "key"},
    {"address": "阳光花园5幢1单元101室", "head_name": "王大伟", "attention_level": "normal"},
]


def make_workspace(qtbot, ctx):
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    return open_workspace(qtbot, ctx, VisitsWorkspace)


def pick_by_typing(qtbot, ctx, ws, text):
    """Type into the household picker like a user and press Enter for the first hit."""
    ws.picker.edit.setFocus()
    qtbot.keyClicks(ws.picker.edit, text)
    qtbot.waitUntil(lambda: bool(ws.picker.hits()), timeout=5000)
    settle(qtbot, ctx)
    qtbot.keyClick(ws.picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.picker.household_id() is not None, timeout=5000)


def count(db, table):
    with db.read() as conn:
        return conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar()


def test_log_a_visit_and_raise_an_issue_in_one_click(qtbot, ctx, db, actor):
    ids = add_households(db, actor, HOUSEHOLDS)
    ws = make_workspace(qtbot, ctx)
    pick_by_typing(qtbot, ctx, ws, "zjg")  # initials of 张建国
    assert ws.picker.household_id() == ids[0]
    assert "高风险" in ws.household_note.text()

    ws.mode_buttons["phone"].setChecked(True)
    ws.summary.setPlainText("老人身体尚可，独自在家")
    ws.problems.setPlainText("楼道灯坏了，夜里看不见台阶\n另：门口堆放杂物")
    ws.requests.setPlainText("希望尽快修好楼道灯")
    ws.follow_check.setChecked(True)
    ws.raise_issue.setChecked(True)
    assert ws.issue_box.isVisibleTo(ws)
    ws.issue_kind.setCurrentIndex(ws.issue_kind.findData("help"))
    qtbot.mouseClick(ws.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)

    assert "已保存" in ws.saved_note.text() and "上报" in ws.saved_note.text()
    visit_id, issue_id = ws.last_saved
    with db.read() as conn:
        visit = conn.exec_driver_sql("SELECT * FROM visit WHERE id = ?", (visit_id,)).mappings().one()
        issue = conn.exec_driver_sql("SELECT * FROM issue WHERE id = ?", (issue_id,)).mappings().one()
        events = conn.exec_driver_sql("SELECT action, payload FROM issue_event WHERE issue_id = ?",
                                      (issue_id,)).fetchall()
        outbox = conn.exec_driver_sql("SELECT table_name, row_id, tx_id FROM outbox").fetchall()
    assert visit["household_id"] == ids[0] and visit["mode"] == "phone"
    assert visit["issue_id"] == issue_id and visit["visitor_name"] == "王网格"
    assert visit["follow_up_date"] == (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert issue["visit_id"] == visit_id and issue["household_id"] == ids[0]
    assert issue["title"] == "楼道灯坏了，夜里看不见台阶"  # blank title: the first problem found
    assert issue["address"] == "阳光花园3幢2单元501室"
    assert [(a, json.loads(p)["kind"]) for a, p in events] == [("report", "help")]
    mine = {(t, r): tx for t, r, tx in outbox if r in (visit_id, issue_id) or t == "issue_event"}
    assert set(t for t, _ in mine) == {"visit", "issue", "issue_event"}
    assert len(set(mine.values())) == 1, "visit, issue and report event are one unit of work"

    # The form is ready for the next household; the visit is listed.
    assert ws.picker.household_id() is None and ws.problems.toPlainText() == ""
    assert not ws.raise_issue.isChecked()
    assert ws.recent_table.rowCount() == 1
    assert ws.recent_table.item(0, 2).text() == "电话"
    assert ws.recent_table.item(0, 5).text() == "已上报"


def test_a_visit_without_household_or_with_a_bad_issue_saves_nothing(qtbot, ctx, db, actor):
    ids = add_households(db, actor, HOUSEHOLDS)
    ws = make_workspace(qtbot, ctx)
    before = count(db, "outbox")
    ws.summary.setPlainText("走访了一户")
    ws.save_button.click()
    settle(qtbot, ctx)
    assert ws.form.error_label("household_id").isVisible()
    assert count(db, "visit") == 0

    ws.picker.set_household({"id": ids[1], "address": HOUSEHOLDS[1]["address"]})
    ws.raise_issue.setChecked(True)
    ws.issue_title.setText("很长的标题" * 50)  # over 200 characters: the issue is refused
    ws.save_button.click()
    settle(qtbot, ctx)
    assert ws.issue_form.error_label("title").isVisible()
    assert "200" in ws.issue_form.error_label("title").text()
    assert count(db, "visit") == 0 and count(db, "issue") == 0 and count(db, "outbox") == before
    assert ws.summary.toPlainText() == "走访了一户", "the user's input stays in the form"

    ws.issue_title.setText("楼道堆物")
    ws.save_button.click()
    settle(qtbot, ctx)
    assert count(db, "visit") == 1 and count(db, "issue") == 1


def test_picker_says_when_nothing_matches_and_typing_again_unchooses(qtbot, ctx, db, actor):
    ids = add_households(db, actor, HOUSEHOLDS)
    ws = make_workspace(qtbot, ctx)
    ws.picker.search_text("5678")  # phone tail of 张建国
    settle(qtbot, ctx)
    assert [h["id"] for h in ws.picker.hits()] == [ids[0]]
    assert "138****5678" in ws.picker.model.item(0).text(), "phones are masked in the list"
    ws.picker.choose(0)
    assert ws.picker.household_id() == ids[0] and ws.picker.chosen.isVisible()
    qtbot.keyClicks(ws.picker.edit, "x")  # typing over the choice means choosing again
    assert ws.picker.household_id() is None and not ws.picker.chosen.isVisible()
    ws.picker.search_text("qqqq")
    settle(qtbot, ctx)
    assert ws.picker.hits() == []
    assert ws.picker.model.item(0).text() == "没有找到符合的住户"
    assert not ws.picker.model.item(0).isEnabled()


def test_a_visit_in_the_future_is_refused_next_to_its_time(qtbot, ctx, db, actor):
    from PySide6.QtCore import QDateTime

    ids = add_households(db, actor, HOUSEHOLDS)
    ws = make_workspace(qtbot, ctx)
    ws.picker.set_household({"id": ids[0], "address": HOUSEHOLDS[0]["address"]})
    ws.visited_at.setDateTime(QDateTime.currentDateTime().addDays(2))
    ws.save_button.click()
    settle(qtbot, ctx)
    assert ws.form.error_label("visited_at").text() == "走访时间不能晚于现在"
    assert count(db, "visit") == 0
    assert ws.picker.household_id() == ids[0], "the form keeps what was entered"


def test_overdue_visits_by_attention_level(qtbot, ctx, db, actor):
    from gridworker.ops.visits import write_visit as log_visit

    ids = add_households(db, actor, HOUSEHOLDS)
    ten_days_ago = (dt.datetime.now().astimezone() - dt.timedelta(days=10)).isoformat(timespec="seconds")
    with db.write(actor) as uow:
        for hid in (ids[0], ids[2]):  # high risk: weekly, so overdue; normal: quarterly, so fine
            log_visit(uow, {"household_id": hid, "mode": "door", "visited_at": ten_days_ago})
    ws = make_workspace(qtbot, ctx)
    t = ws.overdue_table
    rows = [(t.item(r, 0).text(), t.item(r, 1).text(), t.item(r, 5).text()) for r in range(t.rowCount())]
    assert rows == [("高风险", "阳光花园3幢2单元501室", "3天"), ("重点", "阳光花园3幢2单元502室", "从未走访")]
    assert ws.overdue_counts.text() == "高风险：1户　重点：1户　一般：0户"

    ws.level_filter.setCurrentIndex(ws.level_filter.findData("key"))
    settle(qtbot, ctx)
    assert t.rowCount() == 1
    # Double-click: the household goes into the form, ready to log the visit.
    t.cellDoubleClicked.emit(0, 1)
    assert ws.picker.household_id() == ids[1]


def test_render_visits_workspace(qtbot, ctx, db, actor):
    from gridworker.ops.visits import write_visit as log_visit

    ids = add_households(db, actor, HOUSEHOLDS + [
        {"address": "幸福里小区12幢3单元1102室", "head_name": "赵桂兰", "attention_level": "key"}])
    now = dt.datetime.now().astimezone()
    with db.write(actor) as uow:
        for i, (hid, mode, summary) in enumerate([
                (ids[0], "door", "老人血压偏高，已提醒按时服药"), (ids[2], "phone", "电话询问近况，一切正常"),
                (ids[3], "wechat", "子女在外地，微信视频确认老人安好")]):
            log_visit(uow, {"household_id": hid, "mode": mode, "summary": summary, "visitor_name": "王网格",
                            "visited_at": (now - dt.timedelta(days=9 * i + 8)).isoformat(timespec="seconds")},
                      {"title": "楼道灯不亮", "kind": "help"} if i == 0 else None)
    ws = make_workspace(qtbot, ctx)
    ws.picker.set_household({"id": ids[1], "address": HOUSEHOLDS[1]["address"], "head_name": "李秀英",
                             "attention_level": "key"})
    ws.raise_issue.setChecked(True)
    ws.problems.setPlainText("独居老人，家中水龙头漏水")
    ws.recent_table.selectRow(0)
    assert "老人血压偏高" in ws.visit_detail.text()
    shot(ws, "visits_1024", size=(1024, 700))
    path = shot(ws, "visits")
    ws.tabs.setCurrentIndex(1)
    shot(ws, "visits_overdue")
    ws.picker.clear()
    ws.picker.search_text("阳光")
    settle(qtbot, ctx)
    assert len(ws.picker.hits()) == 3
    popup = ws.picker.completer.popup()
    assert popup.isVisible()
    from workflow_helpers import SHOTS

    popup.grab().save(str(SHOTS / "household_picker_popup.png"))
    assert path.stat().st_size > 10_000
