"""``--self-check`` run in-process (the frozen build runs the same code: build_spec/smoke.sh)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from gridworker.selfcheck import run

ROOT = Path(__file__).resolve().parents[2]


def ok_names(lines: list[str]) -> set[str]:
    return {line[6:].split(":")[0] for line in lines if line.startswith("ok  ")}


def test_self_check_passes_here(qapp, translations):
    lines: list[str] = []
    assert run(out=lines.append) == 0, "\n".join(lines)
    assert {"migrations/client", "translation zh_CN", "translation en", "argon2 (offline login)",
            "embedded sync server (demo)", "fresh database migrated", "write with outbox", "translations",
            "first-run screen", "main window"} <= ok_names(lines), "\n".join(lines)
    assert lines[-1].startswith("self-check passed")


@pytest.fixture
def bundle(tmp_path, monkeypatch, translations):
    """A folder laid out like the PyInstaller bundle (migrations/, resources/), made sys._MEIPASS."""
    root = tmp_path / "_internal"
    shutil.copytree(ROOT / "migrations", root / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "resources", root / "resources", ignore=shutil.ignore_patterns("*.ts"))
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    return root


def test_resources_are_read_from_the_bundle(bundle):
    lines: list[str] = []
    assert run(ui=False, out=lines.append) == 0, "\n".join(lines)
    assert f"ok    install root: {bundle}" in lines
    assert f"ok    translation en: {bundle / 'resources' / 'i18n' / 'gridworker_en.qm'}" in lines


def test_a_bundle_without_a_translation_fails_and_says_which(bundle):
    (bundle / "resources" / "i18n" / "gridworker_en.qm").unlink()
    lines: list[str] = []
    assert run(ui=False, out=lines.append) == 1
    assert any(line.startswith("FAIL  translation en: missing") for line in lines), "\n".join(lines)
    assert lines[-1].startswith("self-check FAILED: 1 failed")


def test_a_bundle_without_migrations_fails(bundle):
    shutil.rmtree(bundle / "migrations" / "client")
    lines: list[str] = []
    assert run(ui=False, out=lines.append) == 1
    failed = {line[6:].split(":")[0] for line in lines if line.startswith("FAIL")}
    assert {"migrations/client", "fresh database"} <= failed, "\n".join(lines)
