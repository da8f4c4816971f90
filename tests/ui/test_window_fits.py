"""The main window fits the 1366×768 laptop screen it opens on (#14, #19 item 1): the default size and
a geometry remembered from a bigger monitor shrink to the available area, status bar included."""
from __future__ import annotations

from PySide6.QtCore import QRect

from ui_helpers import wait_tasks

LAPTOP = QRect(0, 0, 1366, 728)  # 1366×768 less a 40-pixel taskbar


def test_the_window_fits_a_1366x768_screen_and_remembers_its_geometry(qtbot, db, user, ui_app, settings, translator):
    from gridworker.ui.main_window import TITLE_BAR, MainWindow

    window = MainWindow(db, user, settings=settings, translator=translator)
    qtbot.addWidget(window)
    window.resize(1280, 800)  # the default, taller than the laptop's screen
    window.fit_to_screen(LAPTOP)
    assert window.width() <= 1366 and window.height() + TITLE_BAR <= 728
    window.show()
    wait_tasks(qtbot, window.tasks)
    bar = window.statusBar()
    bottom = bar.mapTo(window, bar.rect().bottomLeft()).y() + window.geometry().top()
    assert bottom <= LAPTOP.bottom(), "the status bar (pending changes, online state) is on the screen"

    # Closing remembers the geometry; one saved on a 1920×1080 monitor comes back fitted to the laptop.
    window.resize(1900, 1000)
    window.move(10, 10)
    window.close()
    window.tasks.wait_all()
    assert settings.window_geometry is not None, "closing remembers the geometry"
    again = MainWindow(db, user, settings=settings, translator=translator)
    qtbot.addWidget(again)
    again.resize(1900, 1000)  # as restored on the big monitor (Qt clamps only to the screen it knows)
    again.fit_to_screen(LAPTOP)
    assert again.width() <= 1366 and again.height() + TITLE_BAR <= 728
    assert LAPTOP.contains(again.frameGeometry().topLeft())
    again.close()
    again.tasks.wait_all()
