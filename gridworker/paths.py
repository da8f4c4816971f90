"""Where the program's own files are: migrations, resources. One place, for source and bundle alike."""
from __future__ import annotations

import sys
from pathlib import Path


def install_root() -> Path:
    """The folder holding ``migrations/`` and ``resources/``: the checkout, or the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def migrations_dir(side: str) -> Path:
    """The Alembic tree of ``side`` (``client`` or ``server``)."""
    return install_root() / "migrations" / side


def resources_dir() -> Path:
    return install_root() / "resources"
