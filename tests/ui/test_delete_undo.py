"""住户 → 删除 (#19 item 5): 否 is the default of the confirmation (Enter deletes nothing); 撤销 brings the
household back with its residents; the 回收站 restores one deleted earlier; the org tree's counts follow."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ui_helpers import wait_tasks


def heads(ws) -> list[str]:
    return [ws.model.data(ws.model.index(r, 1), Qt.ItemDataRole.DisplayRole) for r in range(ws.model.rowCount())]


def live(db) -> tuple[int, int]:
    with db.read() as conn:
        return (conn.exec_driver_sql("SELECT count(*) FROM household WHERE deleted = 0").scalar(),
                conn.exec_driver_sql("SELECT count(*) FROM resident WHERE deleted = 0").scalar())


def grid_count(window) -> str:
    top = window.tree.topLevelItem(0)
    return top.child(0).text(0)


def select(ws, head):
    ws.table.selectRow(heads(ws).index(head))


def test_enter_deletes_nothing_and_undo_and_the_bin_bring_households_back(qtbot, db, user, households,
                                                                          make_window, monkeypatch):
    window = make_window(db, user)
    ws = window.show_workspace("households")
    wait_tasks(qtbot, window.tasks)
    assert grid_count(window).endswith("(3)")
    asked = []

    def press_enter(parent, title, text, buttons, default):
        asked.append(default)
        return default  # Enter takes the default button

    monkeypatch.setattr(QMessageBox, "question", press_enter)
    select(ws, "李四")
    ws.delete_selected()
    wait_tasks(qtbot, window.tasks)
    assert asked == [QMessageBox.StandardButton.No] and live(db) == (3, 3), "Enter on the question deletes nothing"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    ws.delete_selected()
    wait_tasks(qtbot, window.tasks)
    qtbot.waitUntil(lambda: "李四" not in heads(ws), timeout=5000)
    assert live(db) == (2, 2) and ws.undo_bar.isVisible() and "李四" not in ws.undo_label.text()
    qtbot.waitUntil(lambda: grid_count(window).endswith("(2)"), timeout=5000)
    ws.undo_button.click()
    wait_tasks(qtbot, window.tasks)
    qtbot.waitUntil(lambda: "李四" in heads(ws), timeout=5000)
    assert live(db) == (3, 3) and not ws.undo_bar.isVisible()
    qtbot.waitUntil(lambda: grid_count(window).endswith("(3)"), timeout=5000)

    select(ws, "王五")
    ws.delete_selected()
    wait_tasks(qtbot, window.tasks)
    dialog = ws.open_recycle_bin()
    wait_tasks(qtbot, window.tasks)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "王五"
    assert dialog.table.item(0, 3).text() == "1", "the resident deleted with it"
    dialog.table.selectRow(0)
    dialog.restore_selected()
    wait_tasks(qtbot, window.tasks)
    wait_tasks(qtbot, window.tasks)
    assert "已恢复" in dialog.message.text() and dialog.table.rowCount() == 0
    assert live(db) == (3, 3)
    with db.read() as conn:
        ops = [r[0] for r in conn.exec_driver_sql("SELECT op FROM outbox WHERE table_name = 'household'"
                                                  " ORDER BY seq DESC LIMIT 2")]
    assert ops == ["undelete", "delete"], "the restore syncs like the deletion did"


def test_sorting_by_attention_level_puts_high_risk_first(qtbot, db, user, actor, households, make_window):
    """住户 sorts by 关注等级 too (#19): 高风险, then 重点, then the rest, each in address order."""
    with db.write(actor) as uow:
        uow.update("household", households["王五"], {"attention_level": "high"})
        uow.update("household", households["李四"], {"attention_level": "key"})
    window = make_window(db, user)
    ws = window.show_workspace("households")
    qtbot.waitUntil(lambda: heads(ws) == ["张三", "李四", "王五"], timeout=5000)
    ws.table.horizontalHeader().sectionClicked.emit(5)
    qtbot.waitUntil(lambda: heads(ws) == ["王五", "李四", "张三"], timeout=5000)
    assert ws.table.horizontalHeader().sortIndicatorSection() == 5
