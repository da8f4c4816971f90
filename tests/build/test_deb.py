"""build_spec/deb.sh packages the one-folder program as a .deb (#17): /opt/gridworker, a /usr/bin link, a
desktop entry named 网格员工作台, icons, and the CJK font and Qt's xcb libraries as dependencies. Built here
from a small stand-in folder (the real PyInstaller folder takes minutes: build_spec/smoke.sh)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")


def test_the_deb_installs_a_launcher_a_desktop_entry_and_icons(tmp_path):
    dist = tmp_path / "dist" / "gridworker"
    dist.mkdir(parents=True)
    exe = dist / "gridworker"
    exe.write_text("#!/bin/sh\necho \"gridworker stand-in $*\"\n")
    exe.chmod(0o755)
    out = subprocess.run(["bash", str(ROOT / "build_spec" / "deb.sh"), str(dist), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    deb = Path(out.stdout.strip().splitlines()[-1])
    assert deb.exists() and deb.name.startswith("gridworker_") and deb.suffix == ".deb"
    control = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True).stdout
    assert "Package: gridworker" in control and "fonts-wqy-microhei" in control and "libxcb-cursor0" in control
    files = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    for path in ("./opt/gridworker/gridworker", "./usr/bin/gridworker -> /opt/gridworker/gridworker",
                 "./usr/share/applications/gridworker.desktop",
                 "./usr/share/icons/hicolor/48x48/apps/gridworker.png",
                 "./usr/share/icons/hicolor/scalable/apps/gridworker.svg"):
        assert path in files, path
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    desktop = (root / "usr/share/applications/gridworker.desktop").read_text("utf-8")
    assert "Name[zh_CN]=网格员工作台" in desktop and "Exec=gridworker app" in desktop and "Icon=gridworker" in desktop
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(root / "usr/share/applications/gridworker.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    ran = subprocess.run([str(root / "opt/gridworker/gridworker"), "--self-check"], capture_output=True, text=True)
    assert ran.stdout.strip() == "gridworker stand-in --self-check"
