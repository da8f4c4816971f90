"""住户: find by initials, lazy list on a large database, edit with validation next to the field."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ui_helpers import wait_tasks


def outbox(db) -> list[tuple]:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT seq, table_name, row_id, op FROM outbox ORDER BY seq").fetchall()


def workspace(window):
    ws = window.show_workspace("households")
    return ws


def heads(ws) -> list[str]:
    return [ws.model.data(ws.model.index(r, 1), Qt.ItemDataRole.DisplayRole) for r in range(ws.model.rowCount())]


def test_typing_initials_finds_the_household(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    ws = workspace(window)
    assert sorted(heads(ws)) == ["张三", "李四", "王五"]
    qtbot.keyClicks(ws.search, "zs")
    qtbot.waitUntil(lambda: heads(ws) == ["张三"], timeout=5000)
    assert ws.count_label.text() == "共 1 户"
    ws.search.clear()
    qtbot.keyClicks(ws.search, "5678")  # a phone tail matches all three
    qtbot.waitUntil(lambda: len(heads(ws)) == 3, timeout=5000)


def test_phones_are_masked_until_revealed_and_the_reveal_is_audited(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    ws = workspace(window)
    phones = [ws.model.data(ws.model.index(r, 2)) for r in range(ws.model.rowCount())]
    assert all("****" in p for p in phones)
    ws.reveal_box.setChecked(True)
    wait_tasks(qtbot, window.tasks)
    assert "13812345678" in [ws.model.data(ws.model.index(r, 2)) for r in range(ws.model.rowCount())]
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'reveal'").scalar() == 1


def test_a_bad_phone_shows_its_message_next_to_the_field_and_saves_nothing(qtbot, db, user, households,
                                                                          make_window):
    window = make_window(db, user)
    ws = workspace(window)
    dialog = ws.open_household(households["张三"])
    wait_tasks(qtbot, window.tasks)
    phone = dialog.form.editor("phone")
    assert phone.text() == "13812345678"
    before = outbox(db)
    phone.setText("12345")
    dialog.form.editor("head_name").setText("张三丰")  # a good change in the same save is not written either
    dialog.save_button.click()
    wait_tasks(qtbot, window.tasks)
    error = dialog.form.error_label("phone")
    assert error.isVisible() and error.text(), "the message sits under the phone field"
    assert not dialog.form.error_label("head_name").isVisible()
    assert phone.text() == "12345", "the user's input is kept to correct it"
    assert outbox(db) == before
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT phone, head_name FROM household WHERE id = ?",
                                    (households["张三"],)).first() == ("13812345678", "张三")
    # Corrected, it saves, and the list shows the new name.
    phone.setText("139 0000 1111")
    dialog.save_button.click()
    wait_tasks(qtbot, window.tasks)
    assert not error.isVisible()
    assert dialog.status.text() == "已保存"
    assert len(outbox(db)) == len(before) + 1
    qtbot.waitUntil(lambda: "张三丰" in heads(ws), timeout=5000)
    dialog.close()


def test_add_a_household_and_a_resident_with_a_bad_id_number(qtbot, db, user, grid_id, make_window):
    window = make_window(db, user)
    ws = workspace(window)
    dialog = ws.add_household()
    wait_tasks(qtbot, window.tasks)
    dialog.form.editor("address").setText("幸福里3幢2单元501室")
    dialog.form.editor("head_name").setText("赵六")
    dialog.save_button.click()
    wait_tasks(qtbot, window.tasks)
    assert dialog.household_id is not None
    resident = dialog.add_resident()
    resident.form.editor("name").setText("赵六")
    resident.form.editor("id_number").setText("110105194912310021")  # wrong check character
    resident.buttons.accepted.emit()
    wait_tasks(qtbot, window.tasks)
    assert resident.form.error_label("id_number").isVisible()
    assert resident.isVisible()
    resident.form.editor("id_number").setText("11010519491231002X")
    resident.buttons.accepted.emit()
    wait_tasks(qtbot, window.tasks)
    assert not resident.isVisible()
    qtbot.waitUntil(lambda: dialog.residents.rowCount() == 1, timeout=5000)
    assert dialog.residents.item(0, 4).text() == "110105********002X", "ID numbers are masked in the list"
    qtbot.waitUntil(lambda: heads(ws) == ["赵六"], timeout=5000)
    dialog.close()


def test_delete_a_household_removes_it_from_the_list(qtbot, db, user, households, make_window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = make_window(db, user)
    ws = workspace(window)
    row = heads(ws).index("李四")
    ws.table.selectRow(row)
    # The confirmation is a modal question; answer it as the user would.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    ws.delete_selected()
    qtbot.waitUntil(lambda: "李四" not in heads(ws), timeout=5000)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT deleted FROM household WHERE id = ?", (households["李四"],)).scalar() == 1


@pytest.fixture
def large_db(tmp_path):
    from gridworker.demo.laptop import write_laptop
    from laptop_helpers import new_laptop

    database = new_laptop(tmp_path / "large")
    write_laptop(database, 1200, seed=3)
    yield database
    database.close()


def test_the_list_on_a_large_database_loads_page_by_page(qtbot, large_db, make_window):
    from gridworker.ui.context import Session
    from gridworker.ui.workspaces.households import PAGE

    window = make_window(large_db, Session("u", "u", "网格员", "grid_worker"))
    ws = workspace(window)
    model = ws.model
    assert model.total == 1200
    assert model.rowCount() == PAGE, "only the first page is loaded"
    assert model.canFetchMore()
    ws.table.scrollToBottom()  # the view asks for more when it reaches the end
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE, timeout=5000)
    assert model.rowCount() < model.total
    addresses = [model.hit(r).address for r in range(model.rowCount())]
    assert len(set(addresses)) == len(addresses), "pages neither overlap nor repeat"


def test_filters_overdue_and_tag_narrow_the_list(qtbot, db, user, actor, households, make_window):
    import datetime as dt

    with db.write(actor) as uow:
        uow.append("visit", {"household_id": households["张三"], "mode": "door", "summary": "一切正常",
                             "visited_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")})
        uow.update("household", households["王五"], {"tags": ["出租户"]})
    window = make_window(db, user)
    ws = workspace(window)
    ws.overdue_box.setChecked(True)  # never visited counts as overdue
    qtbot.waitUntil(lambda: sorted(heads(ws)) == ["李四", "王五"], timeout=5000)
    ws.overdue_box.setChecked(False)
    qtbot.waitUntil(lambda: len(heads(ws)) == 3, timeout=5000)
    qtbot.waitUntil(lambda: ws.tag_box.findData("出租户") >= 0, timeout=5000)
    ws.tag_box.setCurrentIndex(ws.tag_box.findData("出租户"))
    qtbot.waitUntil(lambda: heads(ws) == ["王五"], timeout=5000)


def test_move_a_household_to_another_grid(qtbot, db, user, actor, households, make_window):
    with db.write(actor) as uow:
        other = uow.insert("org_unit", {"code": "320211001002", "name": "第二网格", "level": "grid",
                                        "parent_id": db.community_id})
    window = make_window(db, user)
    ws = workspace(window)
    ws.table.selectRow(heads(ws).index("王五"))
    dialog = ws.move_selected()
    wait_tasks(qtbot, window.tasks)
    dialog.grid_box.setCurrentIndex(dialog.grid_box.findData(other))
    dialog.save()
    wait_tasks(qtbot, window.tasks)
    assert not dialog.isVisible()
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT grid_id FROM household WHERE id = ?", (households["王五"],)).scalar() == other


def test_a_change_keeps_the_scroll_position_and_selection(qtbot, large_db, make_window):
    from gridworker.ui.context import Session

    window = make_window(large_db, Session("u", "u", "网格员", "grid_worker"))
    ws = workspace(window)
    model = ws.model
    ws.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 400, timeout=5000)
    wait_tasks(qtbot, window.tasks)
    row = 350
    ws.table.selectRow(row)
    ws.table.scrollTo(model.index(row, 0))
    chosen = model.hit(row)
    loaded = model.rowCount()
    with large_db.write(large_db.actor("u", "网格员")) as uow:  # e.g. a sync pull changed one household
        uow.update("household", chosen.id, {"head_name": "新户主"})
    qtbot.waitUntil(lambda: model.hit(row).head_name == "新户主", timeout=5000)
    assert model.rowCount() == loaded, "the loaded rows are kept"
    assert ws.table.currentIndex().row() == row and ws.selected_id() == chosen.id


def test_enter_in_the_search_box_opens_the_found_household(qtbot, db, user, households, make_window):
    from PySide6.QtCore import Qt as QtKeys

    window = make_window(db, user)
    ws = workspace(window)
    qtbot.keyClicks(ws.search, "ww")
    qtbot.waitUntil(lambda: heads(ws) == ["王五"], timeout=5000)
    wait_tasks(qtbot, window.tasks)
    opened = []
    original = ws.open_household
    ws.open_household = lambda hid: opened.append(hid) or original(hid)
    qtbot.keyClick(ws.search, QtKeys.Key.Key_Return)
    assert opened == [households["王五"]]
    wait_tasks(qtbot, window.tasks)


def test_a_party_member_sees_phones_masked_and_cannot_reveal_or_edit_them(qtbot, db, households, make_window):
    from gridworker.ui.context import Session

    from gridworker.ui.workspaces.households import HouseholdsWorkspace

    window = make_window(db, Session("pm-1", "li", "李党员", "party_member"))
    assert "households" not in window.workspaces, "a party member's window opens 我的联系户 instead"
    ws = HouseholdsWorkspace()  # defence in depth: the page itself still masks and refuses
    qtbot.addWidget(ws)
    ws.set_context(window.ctx)
    ws.show()
    wait_tasks(qtbot, window.tasks)
    assert ws.reveal_box.isHidden()
    assert ws.add_button.isHidden() and ws.move_button.isHidden() and ws.delete_button.isHidden()
    assert not ws.open_button.isHidden(), "a party member still reads a household's page"
    dialog = ws.open_household(households["张三"])
    wait_tasks(qtbot, window.tasks)
    phone = dialog.form.editor("phone")
    assert phone.text() == "138****5678" and phone.isReadOnly()
    assert dialog.save_button.isHidden()
    resident_buttons = [b.text() for b in dialog.residents_page.findChildren(QPushButton) if not b.isHidden()]
    assert resident_buttons == [], "no adding, editing or removing residents"
    before = outbox(db)
    dialog.form.editor("notes").setPlainText("党员走访时补充")
    dialog.save()  # even if saving were reached somehow: refused with the reason, nothing written
    wait_tasks(qtbot, window.tasks)
    assert dialog.error.text() == "联户党员账号不能修改住户"
    assert outbox(db) == before
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT phone, notes FROM household WHERE id = ?",
                                    (households["张三"],)).first() == ("13812345678", None)
    assert dialog.reveal_box.isHidden()
    dialog.close()


def test_move_a_resident_into_another_household(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    ws = workspace(window)
    page = ws.open_household(households["张三"])
    wait_tasks(qtbot, window.tasks)
    page.residents.selectRow(0)
    dialog = page.edit_resident()
    dialog.move_to.search_text("李四")
    qtbot.waitUntil(lambda: len(dialog.move_to.hits()) == 1, timeout=5000)
    dialog.move_to.choose(0)
    dialog.buttons.accepted.emit()
    wait_tasks(qtbot, window.tasks)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: page.residents.rowCount() == 0, timeout=5000)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM resident WHERE household_id = ? AND deleted = 0",
                                    (households["李四"],)).scalar() == 2
    page.close()


def test_sorting_by_last_visit_puts_the_longest_unvisited_first(qtbot, db, user, actor, households, make_window):
    import datetime as dt

    now = dt.datetime.now().astimezone()
    with db.write(actor) as uow:
        for head, days in (("张三", 1), ("李四", 40), ("王五", 10)):
            uow.append("visit", {"household_id": households[head], "mode": "door",
                                 "visited_at": (now - dt.timedelta(days=days)).isoformat(timespec="seconds")})
    window = make_window(db, user)
    ws = workspace(window)
    assert heads(ws) == ["张三", "李四", "王五"], "by address at first"
    ws.table.horizontalHeader().sectionClicked.emit(6)
    qtbot.waitUntil(lambda: heads(ws) == ["李四", "王五", "张三"], timeout=5000)
    assert ws.table.horizontalHeader().sortIndicatorSection() == 6


def test_special_management_tags_and_full_ids_show_only_when_revealed(qtbot, db, user, actor, households,
                                                                     make_window):
    with db.write(actor) as uow:
        uow.insert("resident", {"household_id": households["王五"], "name": "王小五", "relation": "20",
                                "id_number": "11010519491231002X", "sensitive_tags": ["社区矫正对象"]})
    window = make_window(db, user)
    ws = workspace(window)
    page = ws.open_household(households["王五"])
    wait_tasks(qtbot, window.tasks)
    cells = lambda: {page.residents.item(r, c).text() for r in range(page.residents.rowCount())  # noqa: E731
                     for c in range(page.residents.columnCount())}
    assert "社区矫正对象" not in " ".join(cells()) and "110105********002X" in cells()
    page.reveal_box.setChecked(True)
    wait_tasks(qtbot, window.tasks)
    assert "社区矫正对象" in " ".join(cells()) and "11010519491231002X" in cells()
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'reveal' AND row_id = ?",
                                    (households["王五"],)).scalar() == 1
    page.close()
