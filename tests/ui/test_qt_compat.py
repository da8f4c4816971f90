"""PySide6 6.12 on Python 3.11 drops a reference to None on every call of a Qt method that returns
nothing; the app pins None (gridworker.ui._qt_compat) so a long session cannot crash."""
from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import gridworker.ui  # the pin happens on import
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(300_000):
    label.setText("网格")
print("alive")
"""


def test_a_long_session_of_qt_calls_does_not_crash_python():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "alive" in done.stdout
