"""议事表决 workspace driven offscreen: create a ballot, type paper votes with 1/2/3, see the tally
pass or fail at the exact thresholds, settle a duplicate from another laptop, close and export."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

# Imported, not left to a conftest, so a ui/conftest.py fixture of the same name cannot replace it.
from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle, shot, watch


def estate_households(n=6, area="100.00", estate="阳光花园"):
    return [{"address": f"{estate}3幢1单元{100 + i}室", "head_name": name, "area_m2": area}
            for i, name in zip(range(1, n + 1), ["张建国", "李秀英", "王大伟", "赵桂兰", "陈志强", "刘淑珍",
                                                "杨明", "黄丽"])]


def make_workspace(qtbot, ctx):
    from gridworker.ui.workspaces.ballots import BallotsWorkspace

    return open_workspace(qtbot, ctx, BallotsWorkspace)


def type_vote(qtbot, ctx, ws, room, key):
    """What the grid worker does per paper sheet: room number, Enter, 1/2/3."""
    ws.find.setFocus()
    qtbot.keyClicks(ws.find, room)
    qtbot.keyClick(ws.find, Qt.Key.Key_Return)
    assert ws.focusWidget() is ws.table
    qtbot.keyClick(ws.table, key)
    settle(qtbot, ctx)
    assert ws.find.text() == "" and ws.focusWidget() is ws.find, "ready for the next sheet"


def vote_cell(ws, room):
    for r, h in enumerate(ws.state.households):
        if h["room"] == room:
            return ws.table.item(r, 3).text()
    raise KeyError(room)


def test_owners_vote_passes_at_exactly_two_thirds_and_fails_at_exactly_half(qtbot, ctx, db, actor, tmp_path):
    add_households(db, actor, estate_households() + [{"address": "幸福里1幢1单元101室", "area_m2": "90"}])
    ws = make_workspace(qtbot, ctx)
    ws.open_new_ballot()
    settle(qtbot, ctx)
    dialog = ws.dialog
    dialog.form.editor("title").setText("续聘物业服务企业")
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("estate"))
    dialog.scope_ref.setCurrentIndex(dialog.scope_ref.findData("阳光花园"))
    dialog.rule.setCurrentIndex(dialog.rule.findData("art278_ordinary"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert ws.heading.text() == "续聘物业服务企业"
    assert ws.table.rowCount() == 6, "only the estate's households are in scope"

    for room, key in (("101", Qt.Key.Key_1), ("102", Qt.Key.Key_1), ("103", Qt.Key.Key_2)):
        type_vote(qtbot, ctx, ws, room, key)
    # 3 of 6 owners, 300 of 600 m²: below 2/3, so no decision whatever the votes.
    assert ws.outcome.text() == "按目前票数：未通过（参与未达法定比例）"
    assert "50.00%（3/6，≥ 2/3）" in ws.threshold_labels.text()

    type_vote(qtbot, ctx, ws, "104", Qt.Key.Key_1)
    # Exactly 2/3 of owners and of area take part ("以上" includes the bound); 3 of 4 agree.
    assert ws.state.result.quorum_met
    assert "66.67%（4/6，≥ 2/3）" in ws.threshold_labels.text()
    assert "66.67%（400.00/600.00㎡，≥ 2/3）" in ws.threshold_labels.text()
    assert ws.outcome.text() == "按目前票数：通过"
    assert vote_cell(ws, "104") == "同意"

    # Owner of 104 corrects the sheet to 反对: 2 of 4 is exactly half, and "过半数" is strictly more.
    type_vote(qtbot, ctx, ws, "104", Qt.Key.Key_2)
    assert vote_cell(ws, "104") == "反对"
    assert "50.00%（2/4，＞ 1/2）" in ws.threshold_labels.text()
    assert ws.outcome.text() == "按目前票数：未通过（同意未达法定比例）"
    with db.read() as conn:
        votes = conn.exec_driver_sql("SELECT voids_id FROM vote ORDER BY hlc").fetchall()
        queued = conn.exec_driver_sql("SELECT COUNT(*) FROM outbox WHERE table_name = 'vote'").scalar()
    assert len(votes) == 5 and votes[-1][0] is not None, "the correction voids the earlier vote"
    assert queued == 5

    box = ws.ask_close()
    box.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot, ctx)
    assert ws.state.ballot["closed_at"]
    assert ws.outcome.text() == "结果：未通过（同意未达法定比例）"
    assert not ws.table.isEnabled() and not ws.vote_buttons["yes"].isEnabled()

    from gridworker.ui.workspaces.ballot_dialogs import result_sheet_html

    pdf = tmp_path / "结果.pdf"
    ws.export_pdf_to(str(pdf))
    settle(qtbot, ctx)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    with db.read() as conn:
        exports = conn.exec_driver_sql("SELECT detail FROM audit_log WHERE action = 'export'").fetchall()
    assert [json.loads(d)["how"] for d, in exports] == ["pdf"], "an export of names is audited"
    sheet = result_sheet_html(ws.state)
    assert "表决结果：未通过（同意未达法定比例）" in sheet and "未投票" in sheet


@pytest.mark.parametrize("rule, votes, passed, outcome", [
    # 4 of 6 take part (exactly 2/3); major items need at least 3/4 of them: 3 of 4 is enough.
    ("art278_major", "yyyn", True, "通过"),
    ("art278_major", "yynn", False, "未通过（同意未达法定比例）"),
    # Residents' meeting: more than half the households must take part; exactly half is not enough.
    ("residents_meeting", "yyy", False, "未通过（参与未达法定比例）"),
    ("residents_meeting", "yyyn", True, "通过"),
    ("residents_meeting", "yynn", False, "未通过（同意未达法定比例）"),
])
def test_thresholds_at_their_exact_bounds(qtbot, ctx, db, actor, rule, votes, passed, outcome):
    from gridworker.ops.ballots import cast_vote, create_ballot

    ids = add_households(db, actor, estate_households())
    with db.write(actor) as uow:
        bid = create_ballot(uow, {"title": "加装电梯", "scope_kind": "estate", "scope_ref": "阳光花园", "rule": rule})
        for hid, v in zip(ids, votes):
            cast_vote(uow, bid, hid, {"y": "yes", "n": "no"}[v])
    ws = make_workspace(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    assert ws.state.result.passed is passed
    assert ws.outcome.text() == "按目前票数：" + outcome


def test_owners_vote_without_areas_says_which_households_lack_one(qtbot, ctx, db, actor):
    from gridworker.ops.ballots import create_ballot

    rows = estate_households(3)
    rows[1]["area_m2"] = None
    add_households(db, actor, rows)
    with db.write(actor) as uow:
        bid = create_ballot(uow, {"title": "使用维修资金", "scope_kind": "estate", "scope_ref": "阳光花园",
                                  "rule": "art278_major"})
    ws = make_workspace(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    assert ws.outcome.text() == "无法计票"
    assert "阳光花园3幢1单元102室" in ws.counts.text()


def test_duplicate_vote_from_another_laptop_is_settled_by_the_organiser(qtbot, ctx, db, actor):
    from gridworker.ops.ballots import cast_vote, create_ballot

    ids = add_households(db, actor, estate_households(3))
    with db.write(actor) as uow:
        bid = create_ballot(uow, {"title": "设置电动车充电桩", "scope_kind": "estate", "scope_ref": "阳光花园",
                                  "rule": "residents_meeting"})
        cast_vote(uow, bid, ids[0], "yes")
        cast_vote(uow, bid, ids[1], "yes")
        no = uow.query("SELECT id FROM ballot_option WHERE ballot_id = ? AND meaning = 'no'", (bid,))[0]["id"]
    # Another laptop entered the same household's paper sheet: a second vote arrives by sync.
    other = db.actor("user-2", "李网格")
    other.device_id = "0190a000-0000-7000-8000-0000000000dd"
    with db.write(other) as uow:
        uow.append("vote", {"ballot_id": bid, "household_id": ids[0], "option_id": no, "cast_at": "2026-11-27T10:00:00+08:00"})
    ws = make_workspace(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    assert ws.dup_box.isVisible() and ws.dup_table.rowCount() == 1
    assert (ws.dup_table.item(0, 1).text(), ws.dup_table.item(0, 2).text()) == ("同意", "反对")
    assert ws.state.result.counts == {"yes": 2, "no": 0, "abstain": 0}, "the first vote counts until settled"

    ws.dup_table.selectRow(0)
    ws.swap_button.click()
    settle(qtbot, ctx)
    assert not ws.dup_box.isVisible()
    assert ws.state.result.counts == {"yes": 1, "no": 1, "abstain": 0}
    with db.read() as conn:
        audit = conn.exec_driver_sql("SELECT COUNT(*) FROM audit_log WHERE action = 'settle_duplicate_vote'").scalar()
    assert audit == 1


def test_create_a_building_ballot_with_own_option_labels(qtbot, ctx, db, actor):
    with db.write(actor) as uow:
        b3 = uow.insert("building", {"estate": "阳光花园", "building_no": "3"})
        uow.insert("building", {"estate": "阳光花园", "building_no": "10"})
        for room in ("101", "102"):
            uow.insert("household", {"address": f"阳光花园3幢1单元{room}室", "building_id": b3, "area_m2": "90"})
        uow.insert("household", {"address": "阳光花园10幢1单元101室", "area_m2": "90"})
    ws = make_workspace(qtbot, ctx)
    ws.open_new_ballot()
    settle(qtbot, ctx)
    dialog = ws.dialog
    dialog.form.editor("title").setText("3幢加装电梯")
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("building"))
    assert [dialog.scope_ref.itemText(i) for i in range(dialog.scope_ref.count())] == ["阳光花园3幢", "阳光花园10幢"]
    dialog.rule.setCurrentIndex(dialog.rule.findData("art278_major"))
    assert "3/4" in dialog.rule_note.text()
    dialog.option_edits["yes"].setText("赞成加装")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert ws.table.rowCount() == 2
    assert "楼栋 阳光花园3幢" in ws.subheading.text()
    assert ws.vote_buttons["yes"].text() == "赞成加装 (1)"


def test_a_ballot_between_options_takes_keys_by_position(qtbot, ctx, db, actor):
    ids = add_households(db, actor, estate_households(4))
    with db.write(actor) as uow:
        bid = uow.insert("ballot", {"title": "停车位划分方案院落议事", "scope_kind": "estate", "scope_ref": "阳光花园",
                                    "rule": "residents_meeting", "opens_at": "2026-01-01T09:00:00+08:00"})
        for i, label in enumerate(("方案一：地面划线", "方案二：绿化带改建", "方案三：维持现状")):
            uow.insert("ballot_option", {"ballot_id": bid, "label": label, "meaning": "choice", "position": i})
    ws = make_workspace(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    assert [b.text() for b in ws.vote_buttons.values()] == ["方案一：地面划线 (1)", "方案二：绿化带改建 (2)",
                                                          "方案三：维持现状 (3)"]
    for room, key in (("101", Qt.Key.Key_2), ("102", Qt.Key.Key_2), ("103", Qt.Key.Key_1)):
        type_vote(qtbot, ctx, ws, room, key)
    assert vote_cell(ws, "101") == "方案二：绿化带改建"
    assert ws.outcome.text() == "按目前票数：“方案二：绿化带改建”得票过半，通过"
    assert "方案二：绿化带改建：2 户（66.67%）" in ws.counts.text()
    assert ws.dup_table.rowCount() == 0
    assert len(ids) == 4


def test_a_ballot_not_yet_open_takes_no_votes(qtbot, ctx, db, actor):
    import datetime as dt

    from gridworker.ops.ballots import create_ballot

    add_households(db, actor, estate_households(2))
    later = (dt.datetime.now().astimezone() + dt.timedelta(days=3)).isoformat(timespec="seconds")
    with db.write(actor) as uow:
        bid = create_ballot(uow, {"title": "下月表决", "scope_kind": "estate", "scope_ref": "阳光花园",
                                  "rule": "residents_meeting", "opens_at": later})
    ws = make_workspace(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    assert "尚未开始" in ws.subheading.text()
    assert not ws.table.isEnabled() and not ws.vote_buttons["yes"].isEnabled()


def test_render_ballots_workspace(qtbot, ctx, db, actor):
    from gridworker.ops.ballots import cast_vote, create_ballot

    ids = add_households(db, actor, estate_households(8))
    with db.write(actor) as uow:
        create_ballot(uow, {"title": "修订小区管理规约", "scope_kind": "estate", "scope_ref": "阳光花园",
                            "rule": "residents_meeting"})
        bid = create_ballot(uow, {"title": "使用专项维修资金更换3幢电梯", "scope_kind": "estate",
                                  "scope_ref": "阳光花园", "rule": "art278_major"})
        for hid, v in zip(ids, ["yes", "yes", "no", "yes", "abstain", "yes"]):
            cast_vote(uow, bid, hid, v)
    ws = make_workspace(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    ws.table.setCurrentCell(6, 0)
    shot(ws, "ballots_1024", size=(1024, 700))
    path = shot(ws, "ballots")
    assert path.stat().st_size > 10_000

    # The printed result sheet, laid out as on A4 paper, rendered to look at.
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QColor, QImage, QPainter

    from gridworker.ui.workspaces.ballot_dialogs import sheet_document
    from workflow_helpers import SHOTS

    doc = sheet_document(ws.state)
    doc.setPageSize(QSizeF(595, 842))
    image = QImage(595 * 2, 842 * 2, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(2, 2)
    doc.drawContents(painter)
    painter.end()
    assert image.save(str(SHOTS / "ballot_sheet.png"))


def test_votes_typed_quickly_are_counted_together_with_a_sign_while_counting(qtbot, ctx, db, actor):
    """#19: the live tally no longer lags behind a run of votes: recounts coalesce (one more count after
    the one running, not one per vote), and 正在更新计票… shows while it counts."""
    from gridworker import ops

    ids = add_households(db, actor, estate_households(8))
    ws = make_workspace(qtbot, ctx)
    bid = ops.ballots.create(db, ctx.actor, title="加装电梯", rule="residents_meeting").id
    settle(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    before = ws.reloads
    for hid in ids:  # eight sheets in a row, as fast as the unit of work takes them
        ops.ballots.vote(db, ctx.actor, ballot_id=bid, household_id=hid, choice="yes")
    assert ws.tally_status.text() == "正在更新计票…"
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: ws.tally_status.text() == "", timeout=5000)
    assert ws.state.result.counts["yes"] == 8, "the tally shows every vote"
    assert ws.reloads - before <= 3, f"{ws.reloads - before} recounts for 8 votes"


def test_a_wrong_paper_vote_is_cleared_with_0_and_the_household_votes_again(qtbot, ctx, db, actor):
    """#19: a sheet typed wrong is voided with 0 (or Delete, or 作废 in the menu): a void record, the
    original kept; the tally drops it; the household can then be entered again."""
    from gridworker import ops

    add_households(db, actor, estate_households(3))
    ws = make_workspace(qtbot, ctx)
    bid = ops.ballots.create(db, ctx.actor, title="楼道装灯", rule="residents_meeting").id
    settle(qtbot, ctx)
    ws.open_ballot(bid)
    settle(qtbot, ctx)
    type_vote(qtbot, ctx, ws, "101", Qt.Key.Key_2)
    assert vote_cell(ws, "101") == "反对" and ws.state.result.counts["no"] == 1
    ws.find.setFocus()
    qtbot.keyClicks(ws.find, "101")
    qtbot.keyClick(ws.find, Qt.Key.Key_Return)
    qtbot.keyClick(ws.table, Qt.Key.Key_0)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert "反对" not in vote_cell(ws, "101")
    assert ws.state.result.counts["no"] == 0 and "已作废" in ws.entry_note.text()
    ws.find.clear()
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT option_id, voids_id FROM vote ORDER BY hlc").fetchall()
    assert len(rows) == 2 and rows[1][0] is None and rows[1][1] is not None, "append-only: a void record"
    type_vote(qtbot, ctx, ws, "101", Qt.Key.Key_1)
    assert vote_cell(ws, "101") == "同意" and ws.state.result.counts["yes"] == 1
