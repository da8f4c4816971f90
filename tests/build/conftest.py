"""Fixtures for the build tests: the .qm translations built (they are build outputs, git-ignored)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def translations():
    """Build each .qm with lrelease if it is missing or older than its .ts (as build_spec/build.sh does)."""
    from gridworker.paths import resources_dir
    from gridworker.ui.i18n_build import LANGUAGES, run_lrelease

    out = {}
    for lang in LANGUAGES:
        ts = resources_dir() / "i18n" / f"gridworker_{lang}.ts"
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            run_lrelease(ts)
        out[lang] = qm
    return out
