"""党员联户 workspace driven offscreen: coverage, assign a household, reassign it with a reason."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

# Imported, not left to a conftest, so a ui/conftest.py fixture of the same name cannot replace it.
from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle, shot, watch


@pytest.fixture
def people(db, actor):
    """A central household with two party members, and five households nobody links yet."""
    from gridworker.ops.contacts import relink

    hids = add_households(db, actor, [
        {"address": f"阳光花园3幢1单元{r}室", "head_name": n}
        for r, n in (("101", "张建国"), ("102", "李秀英"), ("201", "王大伟"), ("202", "赵桂兰"), ("301", "陈志强"))])
    with db.write(actor) as uow:
        central = uow.insert("party_member", {"name": "周红梅", "is_central_household": True})
        li = uow.insert("party_member", {"name": "李卫东"})
        wang = uow.insert("party_member", {"name": "王建军"})
        relink(uow, "central_member", central, li)
        relink(uow, "central_member", central, wang)
    return {"households": hids, "central": central, "li": li, "wang": wang}


def make_workspace(qtbot, ctx):
    from gridworker.ui.workspaces.contacts import ContactsWorkspace

    return open_workspace(qtbot, ctx, ContactsWorkspace)


def links_of(db, household_id):
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql(
            "SELECT id, from_id, active, start_date, end_date, reason FROM contact_link"
            " WHERE kind = 'member_household' AND to_id = ? ORDER BY active", (household_id,)).mappings()]


def tree_children(ws, member_name):
    for i in range(ws.tree.topLevelItemCount()):
        top = ws.tree.topLevelItem(i)
        for j in range(top.childCount()):
            member = top.child(j)
            if member.text(0).startswith(member_name):
                return [member.child(k).text(0) for k in range(member.childCount())]
    raise KeyError(member_name)


def choose(combo, text_start):
    for i in range(combo.count()):
        if combo.itemText(i).startswith(text_start):
            combo.setCurrentIndex(i)
            return
    raise KeyError(text_start)


def test_assign_then_reassign_with_a_reason(qtbot, ctx, db, people):
    from gridworker.domain.ids import deterministic_id

    hid = people["households"][0]
    ws = make_workspace(qtbot, ctx)
    assert ws.coverage_label.text().startswith("联户覆盖：0/5 户")
    assert ws.uncovered_table.rowCount() == 5
    warnings = [ws.warnings.item(i).text() for i in range(ws.warnings.count())]
    assert "党员李卫东尚未联系任何群众户" in warnings, "warnings name people, not ids"

    # Assign: search the household in the dialog, choose the member.
    dialog = ws.open_assign()
    qtbot.keyClicks(dialog.picker.edit, "zjg")  # initials of 张建国 (keyClicks types ASCII only)
    qtbot.waitUntil(lambda: bool(dialog.picker.hits()), timeout=5000)
    dialog.picker.choose(0)
    choose(dialog.member, "李卫东")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert not dialog.isVisible()
    assert tree_children(ws, "李卫东") == ["阳光花园3幢1单元101室　张建国"]
    assert ws.coverage_label.text().startswith("联户覆盖：1/5 户")
    first = deterministic_id(people["li"], hid, "member_household")
    assert [(link["id"], link["active"]) for link in links_of(db, hid)] == [(first, 1)]

    # Reassign without a reason: refused next to the field, nothing changed.
    assert ws.selected == ("household", hid)
    assert "当前联系党员：李卫东" in ws.detail_title.text()
    dialog = ws.open_reassign()
    assert [dialog.member.itemText(i).split("（")[0] for i in range(dialog.member.count())] == ["周红梅", "王建军"]
    choose(dialog.member, "王建军")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert dialog.isVisible()
    assert dialog.form.error_label("reason").text() == "调整联系必须说明原因"
    assert [link["active"] for link in links_of(db, hid)] == [1]

    dialog.reason.setText("李卫东外出务工，改由王建军联系")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert not dialog.isVisible()
    old, new = links_of(db, hid)
    today = dt.date.today().isoformat()
    assert (old["id"], old["active"], old["end_date"], old["reason"]) == (first, 0, today, "李卫东外出务工，改由王建军联系")
    assert (new["id"], new["active"], new["start_date"]) == (
        deterministic_id(people["wang"], hid, "member_household"), 1, today)
    assert tree_children(ws, "李卫东") == [] and tree_children(ws, "王建军") == ["阳光花园3幢1单元101室　张建国"]
    assert "当前联系党员：王建军" in ws.detail_title.text()
    assert ws.history_table.rowCount() == 2
    assert ws.history_table.item(1, 1).text() == "已解除"
    assert ws.history_table.item(1, 4).text() == "李卫东外出务工，改由王建军联系"

    # Back to the first member: the same deterministic row comes back, no third row.
    dialog = ws.open_reassign()
    choose(dialog.member, "李卫东")
    dialog.reason.setText("李卫东已返回社区")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    links = links_of(db, hid)
    assert len(links) == 2
    assert [(link["id"], link["active"]) for link in links] == [
        (deterministic_id(people["wang"], hid, "member_household"), 0), (first, 1)]
    with db.read() as conn:
        pending = conn.exec_driver_sql("SELECT op, COUNT(*) FROM outbox WHERE table_name = 'contact_link'"
                                       " AND row_id IN (?, ?) GROUP BY op ORDER BY op",
                                       (first, links[0]["id"])).fetchall()
    assert pending == [("insert", 2), ("update", 3)]


def test_double_click_an_uncovered_household_to_assign_it(qtbot, ctx, db, people):
    ws = make_workspace(qtbot, ctx)
    ws.uncovered_table.cellDoubleClicked.emit(2, 0)
    dialog = ws.dialog
    assert dialog.picker is None, "the household is already chosen"
    choose(dialog.member, "王建军")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert tree_children(ws, "王建军") == ["阳光花园3幢1单元201室　王大伟"]
    assert ws.uncovered_table.rowCount() == 4


def test_move_a_party_member_to_another_central_household(qtbot, ctx, db, actor, people):
    with db.write(actor) as uow:
        other = uow.insert("party_member", {"name": "吴国庆", "is_central_household": True})
    ws = make_workspace(qtbot, ctx)
    ws.selected = ("member", people["li"])
    ws.reload()
    settle(qtbot, ctx)
    assert ws.central_button.isEnabled() and not ws.reassign_button.isEnabled()
    dialog = ws.open_central()
    assert [dialog.member.itemText(i) for i in range(dialog.member.count())] == ["吴国庆"]
    dialog.reason.setText("按楼栋重新划分联系片区")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, ctx)
    assert not dialog.isVisible()
    tops = {ws.tree.topLevelItem(i).text(0): ws.tree.topLevelItem(i) for i in range(ws.tree.topLevelItemCount())}
    moved = tops["★ 吴国庆（党员中心户）"]
    assert [moved.child(j).text(0) for j in range(moved.childCount())] == ["李卫东"]
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT from_id, active, reason FROM contact_link WHERE kind = 'central_member'"
                                    " AND to_id = ? ORDER BY active", (people["li"],)).fetchall()
    assert rows == [(people["central"], 0, "按楼栋重新划分联系片区"), (other, 1, "按楼栋重新划分联系片区")]


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_party_member_sees_the_structure_but_does_not_change_it(qtbot, ctx, db, people):
    ws = make_workspace(qtbot, ctx)
    assert ws.tree.topLevelItemCount() == 1 and ws.uncovered_table.rowCount() == 5
    assert not ws.assign_button.isEnabled()
    ws.uncovered_table.cellDoubleClicked.emit(0, 0)
    assert ws.dialog is None


def test_render_contacts_workspace(qtbot, ctx, db, actor, people):
    from gridworker.ops.contacts import assign_household

    hids = people["households"]
    with db.write(actor) as uow:
        for hid in hids[:3]:
            assign_household(uow, hid, people["li"])
        assign_household(uow, hids[3], people["central"])
        assign_household(uow, hids[0], people["wang"], reason="李卫东联系户数过多，调整一户")
    ws = make_workspace(qtbot, ctx)
    ws.select_household(hids[0])
    settle(qtbot, ctx)
    shot(ws, "contacts_1024", size=(1024, 700))
    path = shot(ws, "contacts")
    ws.tabs.setCurrentIndex(1)
    shot(ws, "contacts_warnings")
    assert path.stat().st_size > 10_000
    assert ws.tree.topLevelItem(0).text(0) == "★ 周红梅（党员中心户）"
    assert ws.tree.topLevelItem(0).child(0).text(0) == "周红梅（中心户本人）"
    assert ws.tree.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole) == people["central"]
