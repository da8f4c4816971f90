"""The wheel carries the program's own files: ``migrations/`` and ``resources/`` (with the built
``.qm`` translations) are copied into ``gridworker/_data/`` of the build, where
:mod:`gridworker.paths` finds them in an installed wheel. Everything else is in pyproject.toml.

Build from a checkout set up with ``make setup`` (which builds the .qm files):
``.venv/bin/python -m pip wheel --no-deps --no-build-isolation -w dist .``
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = ("migrations", "resources")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        dest = Path(self.build_lib) / "gridworker" / "_data"
        shutil.rmtree(dest, ignore_errors=True)  # a stale build/ must not keep a removed migration
        for name in DATA:
            shutil.copytree(ROOT / name, dest / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.ts"))
        if not any((dest / "resources" / "i18n").glob("*.qm")):
            print("setup.py: warning: resources/i18n/*.qm not built (run `make setup`): the wheel's app "
                  "has no English translation")


setup(cmdclass={"build_py": BuildPyWithData})
