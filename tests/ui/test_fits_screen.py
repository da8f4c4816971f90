"""Every window and dialog fits a 1366×768 laptop screen (#19): in Chinese and in English, at 标准 and
at 特大, each one's minimum size (what it cannot shrink below) fits the available 1366×728 less a title
bar, and its natural size is shown there without going off screen. Each is rendered to PNG."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ui_helpers import wait_tasks

WIDTH, HEIGHT = 1366, 728 - 32  # the available area of a 1366×768 screen with a taskbar, less a title bar
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "fits"


@pytest.mark.parametrize("language,size", [("zh_CN", "standard"), ("en", "standard"), ("zh_CN", "xlarge"),
                                           ("en", "xlarge")])
def test_every_window_and_dialog_fits_1366x768(qtbot, db, user, actor, households, make_window, language, size):
    window = make_window(db, user)
    window.settings.set_font_size(user.username, size)
    try:
        window.apply_font_size()
        window.set_language(language)
        wait_tasks(qtbot, window.tasks)
        homes = window.show_workspace("households")
        issues = window.show_workspace("issues")
        ballots = window.show_workspace("ballots")
        wait_tasks(qtbot, window.tasks)
        openers = {"preferences": window.edit_preferences, "import": window.open_import, "export": window.open_export,
                   "household": lambda: homes.open_household(households["张三"]), "new_household": homes.add_household,
                   "recycle_bin": homes.open_recycle_bin, "new_issue": issues.open_new_issue}
        if hasattr(ballots, "open_new_ballot"):
            openers["new_ballot"] = ballots.open_new_ballot
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.show_workspace("households")
        window.resize(WIDTH, HEIGHT)
        wait_tasks(qtbot, window.tasks)
        window.grab().save(str(SHOTS / f"main_{language}_{size}.png"))
        header = homes.table.horizontalHeader()
        cut = [header.model().headerData(i, header.orientation()) for i in range(header.count() - 1)
               if header.sectionSize(i) < header.sectionSizeFromContents(i).width()]
        assert cut == [], f"column titles cut: {cut}"
        too_big = []
        hint = window.minimumSizeHint()
        if hint.width() > WIDTH or hint.height() > HEIGHT:
            too_big.append(("main window", hint.width(), hint.height()))
        for name, open_dialog in openers.items():
            dialog = open_dialog()
            wait_tasks(qtbot, window.tasks)
            QApplication.processEvents()
            if dialog is None:  # opened once its data loaded (新建表决)
                dialog = getattr(ballots, "dialog", None)
            assert dialog is not None, name
            least, natural = dialog.minimumSizeHint(), dialog.sizeHint()
            if least.width() > WIDTH or least.height() > HEIGHT:
                too_big.append((name, least.width(), least.height()))
            dialog.resize(min(max(natural.width(), dialog.width()), WIDTH), min(max(natural.height(), dialog.height()), HEIGHT))
            dialog.grab().save(str(SHOTS / f"{name}_{language}_{size}.png"))
            dialog.done(0)
        assert too_big == [], f"does not fit {WIDTH}×{HEIGHT}: {too_big}"
    finally:
        window.settings.set_font_size(user.username, "standard")
        window.apply_font_size()
        window.set_language("zh_CN")
        wait_tasks(qtbot, window.tasks)
