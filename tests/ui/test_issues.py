"""吹哨报到 workspace driven offscreen: report a case, walk the whole loop, refused steps not offered."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

# Imported, not left to a conftest, so a ui/conftest.py fixture of the same name cannot replace it.
from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle, shot, watch


def make_workspace(qtbot, ctx):
    from gridworker.ui.workspaces.issues import IssuesWorkspace

    return open_workspace(qtbot, ctx, IssuesWorkspace)


def press_ok(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def step(qtbot, ctx, ws, action, **fields):
    """Click the step's button, fill the dialog, press OK, wait; returns the dialog."""
    assert action in ws.action_buttons, f"{action} not offered; offered: {list(ws.action_buttons)}"
    ws.action_buttons[action].click()
    dialog = ws.dialog
    for key, value in fields.items():
        editor = dialog.form.editor(key)
        if hasattr(editor, "setPlainText"):
            editor.setPlainText(value)
        elif hasattr(editor, "findData"):
            editor.setCurrentIndex(editor.findData(value))
        elif hasattr(editor, "setValue"):
            editor.setValue(value)
        else:
            editor.setText(value)
    press_ok(dialog)
    settle(qtbot, ctx)
    return dialog


def events_of(db, issue_id):
    with db.read() as conn:
        return [r[0] for r in conn.exec_driver_sql(
            "SELECT action FROM issue_event WHERE issue_id = ? ORDER BY hlc", (issue_id,))]


def test_walk_the_whole_loop_offering_only_allowed_steps(qtbot, ctx, db, actor):
    (hid,) = add_households(db, actor, [{"address": "阳光花园3幢2单元501室", "head_name": "张建国"}])
    ws = make_workspace(qtbot, ctx)

    dialog = ws.open_new_issue()
    dialog.form.editor("title").setText("3幢楼道灯不亮")
    dialog.form.editor("kind").setCurrentIndex(dialog.form.editor("kind").findData("help"))
    dialog.picker.set_household({"id": hid, "address": "阳光花园3幢2单元501室", "head_name": "张建国"})
    press_ok(dialog)
    settle(qtbot, ctx)
    assert ws.table.rowCount() == 1
    issue_id = ws.current_id
    assert ws.case is not None and ws.case.summary["status"] == "reported"
    assert ws.fact_labels["address"].text() == "阳光花园3幢2单元501室"
    assert set(ws.action_buttons) == {"accept", "decline", "comment"}

    step(qtbot, ctx, ws, "accept")
    step(qtbot, ctx, ws, "analyse", category="property", urgency="normal", level="community")
    assert "close" not in ws.action_buttons and "rate" not in ws.action_buttons

    step(qtbot, ctx, ws, "escalate", reason="物业拒不维修，需街道协调")
    assert ws.case.summary["state"].level == "street"
    assert "<b>街道</b>" in ws.fact_labels["chain"].text()

    step(qtbot, ctx, ws, "dispatch", level="street", department="街道城管科")
    step(qtbot, ctx, ws, "start_handling")
    assert "close" not in ws.action_buttons, "结案 must not be offered before 已反馈"
    assert "rate" not in ws.action_buttons

    # Feedback without a handling report: the message sits next to the field, nothing is saved.
    dialog = step(qtbot, ctx, ws, "feedback")
    assert dialog.isVisible()
    assert dialog.form.error_label("note").isVisible()
    assert "处置情况" in dialog.form.error_label("note").text() or dialog.form.error_label("note").text()
    assert events_of(db, issue_id)[-1] == "start_handling"
    dialog.form.editor("note").setPlainText("已更换灯泡，楼道照明恢复")
    press_ok(dialog)
    settle(qtbot, ctx)
    assert not dialog.isVisible()
    assert ws.case.summary["status"] == "feedback"

    assert "rate" not in ws.action_buttons, "评价 must not be offered before 结案"
    step(qtbot, ctx, ws, "close", note="回访居民确认")
    assert "close" not in ws.action_buttons
    step(qtbot, ctx, ws, "rate", rating="satisfied")
    assert ws.case.summary["status"] == "rated"
    assert set(ws.action_buttons) == {"comment"}
    assert ws.fact_labels["rating"].text() == "满意"

    assert events_of(db, issue_id) == ["report", "accept", "analyse", "escalate", "dispatch",
                                       "start_handling", "feedback", "close", "rate"]
    # Every step went through the unit of work: it is queued for sync.
    with db.read() as conn:
        outbox = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM outbox WHERE table_name = 'issue_event' AND row_id IN"
            " (SELECT id FROM issue_event WHERE issue_id = ?)", (issue_id,)).scalar()
        escalate = conn.exec_driver_sql(
            "SELECT actor_name, payload FROM issue_event WHERE issue_id = ? AND action = 'escalate'",
            (issue_id,)).first()
    assert outbox == 9
    assert escalate[0] == "王网格"
    assert json.loads(escalate[1])["reason"] == "物业拒不维修，需街道协调"
    assert ws.events.rowCount() == 9
    assert ws.events.item(3, 1).text() == "吹哨升级"


def test_a_step_another_laptop_already_took_is_refused_in_the_dialog(qtbot, ctx, db, actor):
    from gridworker.ops.issues import append_step, report_issue

    with db.write(actor) as uow:
        iid = report_issue(uow, {"title": "小区门口占道经营", "kind": "complaint"})
        for action, payload in (("accept", {}), ("analyse", {"category": "street_order", "urgency": "normal",
                                                             "level": "community"}),
                                ("dispatch", {"level": "community", "department": "社区居委会"}),
                                ("start_handling", {}), ("feedback", {"note": "已劝离"})):
            append_step(uow, iid, action, payload)
    ws = make_workspace(qtbot, ctx)
    ws.open_issue(iid)
    settle(qtbot, ctx)
    ws.action_buttons["close"].click()
    dialog = ws.dialog
    # Meanwhile the case is closed from elsewhere (a sync pull, another user on this laptop).
    with db.write(actor) as uow:
        append_step(uow, iid, "close", {})
    press_ok(dialog)
    settle(qtbot, ctx)
    assert dialog.isVisible()
    assert "核查结案" in dialog.error.text()
    assert events_of(db, iid).count("close") == 1


def test_a_new_case_without_title_is_refused_next_to_the_title(qtbot, ctx, db, actor):
    ws = make_workspace(qtbot, ctx)
    dialog = ws.open_new_issue()
    press_ok(dialog)
    settle(qtbot, ctx)
    assert dialog.isVisible()
    assert dialog.form.error_label("title").text() == "必填项不能为空"
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM issue").scalar() == 0


def test_a_draft_case_is_reported_from_its_page(qtbot, ctx, db, actor):
    with db.write(actor) as uow:
        iid = uow.insert("issue", {"title": "导入的事项：小区东门路面塌陷"})  # no report event yet
    ws = make_workspace(qtbot, ctx)
    assert ws.table.item(0, 1).text() == "待上报"
    assert ws.current_id == iid, "the first case opens by itself"
    assert set(ws.action_buttons) == {"report", "comment"}
    step(qtbot, ctx, ws, "report", kind="help", urgency="emergency")
    assert ws.case.summary["status"] == "reported"
    assert ws.case.summary["state"].urgency == "emergency"
    assert events_of(db, iid) == ["report"]


def test_escalation_climbs_to_the_city_and_stops_there(qtbot, ctx, db, actor):
    from gridworker.ops.issues import append_step, report_issue

    with db.write(actor) as uow:
        iid = report_issue(uow, {"title": "跨区河道污染", "kind": "complaint"})
        append_step(uow, iid, "accept", {})
    ws = make_workspace(qtbot, ctx)
    ws.open_issue(iid)
    settle(qtbot, ctx)
    for level, label in (("street", "街道"), ("district", "区"), ("city", "市")):
        dialog = step(qtbot, ctx, ws, "escalate", reason=f"需{label}级协调")
        assert not dialog.isVisible()
        assert ws.case.summary["state"].level == level
        assert f"<b>{label}</b>" in ws.fact_labels["chain"].text()
    assert "escalate" not in ws.action_buttons, "no level above the city"
    assert "已吹哨升级3次" in ws.fact_labels["chain"].text()


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_party_member_reports_and_comments_but_does_not_handle(qtbot, ctx, db, actor):
    from gridworker.ops.issues import report_issue

    with db.write(actor) as uow:
        iid = report_issue(uow, {"title": "楼下噪音扰民", "kind": "complaint"})
    ws = make_workspace(qtbot, ctx)
    ws.open_issue(iid)
    settle(qtbot, ctx)
    assert set(ws.case.allowed) >= {"accept", "decline"}
    assert list(ws.action_buttons) == ["comment"]
    assert ws.new_button.isEnabled()


def test_deadline_colours_for_warning_and_overdue(qtbot, ctx, db, actor):
    from gridworker.domain.issues import deadline_status, due_at
    from gridworker.ui.workspaces.issues import OVERDUE_BG, WARNING_BG

    now = dt.datetime.now().astimezone()
    # A case whose 80 % mark has passed but not its deadline, found by stepping back an hour at a
    # time (a short 求助 limit has no such moment on some weekends: then a 投诉 case is used).
    def warning_start():
        for kind in ("help", "complaint"):
            for hours in range(1, 24 * 40):
                start = now - dt.timedelta(hours=hours)
                if deadline_status(due_at(start, kind, "normal"), start, now) == "warning":
                    return kind, start
        raise AssertionError("no warning window found")

    kind, start = warning_start()
    with db.write(actor) as uow:
        for title, k, at in (("井盖松动", "help", now - dt.timedelta(days=20)), ("路灯报修", kind, start),
                             ("咨询养老补贴", "complaint", now)):
            iid = uow.insert("issue", {"title": title, "kind": k})
            uow.append("issue_event", {"issue_id": iid, "action": "report", "at": at.isoformat(),
                                       "payload": {"kind": k}})
    ws = make_workspace(qtbot, ctx)
    rows = {ws.table.item(r, 0).text(): r for r in range(ws.table.rowCount())}
    assert list(rows) == ["井盖松动", "路灯报修", "咨询养老补贴"], "overdue first, then warning"
    assert ws.table.item(rows["井盖松动"], 5).text() == "已超期"
    assert ws.table.item(rows["井盖松动"], 0).background().color() == OVERDUE_BG
    assert ws.table.item(rows["路灯报修"], 5).text() == "即将到期"
    assert ws.table.item(rows["路灯报修"], 0).background().color() == WARNING_BG
    assert ws.table.item(rows["咨询养老补贴"], 5).text() == "正常"
    assert ws.table.item(rows["咨询养老补贴"], 0).background().style() == Qt.BrushStyle.NoBrush


def test_render_issues_workspace(qtbot, ctx, db, actor):
    from gridworker.ops.issues import append_step, report_issue

    (hid,) = add_households(db, actor, [{"address": "阳光花园3幢2单元501室", "head_name": "张建国"}])
    now = dt.datetime.now().astimezone()
    with db.write(actor) as uow:
        iid = report_issue(uow, {"title": "3幢东侧雨水管破裂，雨天外墙渗水严重", "kind": "help",
                                 "category": "property", "household_id": hid,
                                 "description": "住户反映连续三天雨后外墙渗水，影响二楼、三楼两户。"})
        append_step(uow, iid, "accept", {})
        append_step(uow, iid, "analyse", {"category": "property", "urgency": "normal", "level": "community"})
        append_step(uow, iid, "escalate", {"reason": "物业公司三次催办未处理，需街道协调"})
        append_step(uow, iid, "dispatch", {"level": "street", "department": "街道城市管理办公室"})
        old = uow.insert("issue", {"title": "井盖松动", "kind": "help"})
        uow.append("issue_event", {"issue_id": old, "action": "report",
                                   "at": (now - dt.timedelta(days=20)).isoformat(), "payload": {"kind": "help"}})
        report_issue(uow, {"title": "咨询高龄津贴申领", "kind": "inquiry", "category": "livelihood"})
    ws = make_workspace(qtbot, ctx)
    ws.open_issue(iid)
    settle(qtbot, ctx)
    shot(ws, "issues_1024", size=(1024, 700))
    path = shot(ws, "issues")
    assert path.stat().st_size > 10_000
