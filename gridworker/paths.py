"""Where the program's own files are: migrations, resources. One place, for a checkout, an installed
wheel and the PyInstaller bundle alike."""
from __future__ import annotations

import sys
import importlib.resources as resources  # package data, not loading our modules
from pathlib import Path


def install_root() -> Path:
    """The folder holding ``migrations/`` and ``resources/``: the PyInstaller bundle; an installed
    wheel's package data (``gridworker/_data``, put there by setup.py); else the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    packaged = Path(str(resources.files("gridworker") / "_data"))
    if (packaged / "migrations").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def migrations_dir(side: str) -> Path:
    """The Alembic tree of ``side`` (``client`` or ``server``)."""
    return install_root() / "migrations" / side


def resources_dir() -> Path:
    return install_root() / "resources"
