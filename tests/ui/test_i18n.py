"""Translations: every string of the UI has its English, and the build makes loadable .qm files."""
from __future__ import annotations

import shutil

from PySide6.QtCore import QTranslator


def test_every_ui_string_has_an_english_translation_and_builds(tmp_path):
    from gridworker.paths import install_root
    from gridworker.ui.i18n_build import fill, run_lrelease, run_lupdate, sources

    root = install_root()
    ts = tmp_path / "gridworker_en.ts"
    shutil.copy(root / "resources" / "i18n" / "gridworker_en.ts", ts)
    run_lupdate(sources(root / "gridworker" / "ui"), [ts])
    _filled, missing = fill(ts, "en")
    assert missing == [], f"add these to gridworker/ui/i18n_en.py: {missing}"
    qm = run_lrelease(ts)
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("HouseholdsWorkspace", "住户") == "Households"
    assert translator.translate("MainWindow", "待同步：%n 条", None, 2) == "To sync: %n changes"


def test_chinese_is_the_identity(tmp_path):
    from gridworker.paths import install_root
    from gridworker.ui.i18n_build import fill

    ts = tmp_path / "gridworker_zh_CN.ts"
    shutil.copy(install_root() / "resources" / "i18n" / "gridworker_zh_CN.ts", ts)
    _filled, missing = fill(ts, "zh_CN")
    assert missing == []
    text = ts.read_text("utf-8")
    assert "<source>住户</source>" in text and "<translation>住户</translation>" in text
    assert 'type="unfinished"' not in text
