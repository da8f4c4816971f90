"""设置 → 字号 (#19 item 8): 标准 / 大 / 特大 for the whole application, table rows grow with the text,
remembered per user (the party member's 大字 switch is the same setting)."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

from ui_helpers import wait_tasks


def test_extra_large_text_applies_at_once_and_is_this_users_own(qtbot, db, user, households, make_window):
    window = make_window(db, user)
    ws = window.show_workspace("households")
    wait_tasks(qtbot, window.tasks)
    app = QApplication.instance()
    standard = app.font().pointSizeF()
    row = ws.table.verticalHeader().defaultSectionSize()
    try:
        dialog = window.edit_preferences()
        assert dialog.font_size.currentText() == "标准"
        dialog.font_size.setCurrentIndex(dialog.font_size.findData("xlarge"))
        dialog.accept()
        assert app.font().pointSizeF() >= standard + 3
        qtbot.waitUntil(lambda: ws.table.font().pointSizeF() >= standard + 3, timeout=3000)  # open tables too
        assert ws.table.verticalHeader().defaultSectionSize() > row, "and its rows taller"
        from pathlib import Path

        shots = Path(__file__).resolve().parents[2] / "build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        window.resize(1366, 728 - 32)
        window.grab().save(str(shots / "households_xlarge.png"))
        assert window.settings.font_size("wang") == "xlarge" and window.settings.large_text("wang")
        assert window.settings.font_size("li") == "standard", "another user of the laptop keeps their own"
    finally:
        window.settings.set_font_size("wang", "standard")
        window.apply_font_size()
    assert app.font().pointSizeF() == standard
