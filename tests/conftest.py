"""Shared fixtures: a fresh laptop database per test, enrolled to a small community."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COMMUNITY = "0190a000-0000-7000-8000-000000000001"
GRID = "0190a000-0000-7000-8000-000000000002"


# The test laptop's own user: its key slot opens the `db` fixture's encrypted database.
from laptop_helpers import SETUP_PASSWORD, SETUP_USER  # noqa: E402,F401  (exported for tests)


@pytest.fixture
def db(tmp_path):
    """An empty laptop database whose community (and one grid) exist.

    A real laptop: encrypted with SQLCipher under a random key, the key sealed in ``gridworker.keys``
    for the user SETUP_USER / SETUP_PASSWORD (an admin), so the CLI can unlock the folder too.
    """
    from gridworker.store.database import Database
    from gridworker.store.keyslots import KeySlots

    path = tmp_path / "gridworker.db"
    slots, key = KeySlots.create(path)
    slots.add_user(key, user_id="setup", username=SETUP_USER, display_name="测试管理员", role="admin",
                   org_id=COMMUNITY, password=SETUP_PASSWORD, online=False)
    slots.community_name = "蠡桥社区"
    database = Database.open(path, key=key)
    database.set_state("community_id", COMMUNITY)
    with database.write(database.actor("setup")) as uow:
        uow.insert("org_unit", {"code": "320211001", "name": "蠡桥社区", "level": "community"}, row_id=COMMUNITY)
        uow.insert("org_unit", {"code": "320211001001", "name": "第一网格", "level": "grid",
                                "parent_id": COMMUNITY}, row_id=GRID)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_url(request, tmp_path) -> str:
    """A fresh, empty server database URL on each backend (PostgreSQL skipped, with the reason, when absent)."""
    from support.server import make_server_url

    return make_server_url(request.param, tmp_path, request)


@pytest.fixture
def world(server_url, tmp_path):
    """A street with communities A and B, users of every role, and a live server on a loopback port."""
    from support.server import World

    w = World(server_url, tmp_path)
    yield w
    w.close()


@pytest.fixture(scope="session")
def translations():
    """The .qm translations (build outputs, git-ignored), built with lrelease when missing or older
    than their .ts, as build_spec/build.sh does."""
    from gridworker.paths import resources_dir
    from gridworker.ui.i18n_build import LANGUAGES, run_lrelease

    import fcntl

    out = {}
    # The test processes (pytest-xdist) build them once: the first takes the lock, the others wait.
    with open(resources_dir() / "i18n" / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for lang in LANGUAGES:
            ts = resources_dir() / "i18n" / f"gridworker_{lang}.ts"
            qm = ts.with_suffix(".qm")
            if ts.exists() and (not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime):
                run_lrelease(ts)
            out[lang] = qm
    return out


@pytest.fixture
def actor(db):
    return db.actor("user-1", "王网格")


@pytest.fixture
def grid_id(db):
    return GRID


from gridworker.store.keyslots import set_kdf_costs  # noqa: E402

# Key slots in tests: the real Argon2id, at costs that take milliseconds instead of ~0.3 s.
set_kdf_costs(t=1, m=8192, p=1)

from hypothesis import HealthCheck, settings  # noqa: E402

# CI bounds: examples are capped so the whole run stays well inside its time budget.
settings.register_profile("ci", max_examples=50, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("soak", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("GRIDWORKER_HYPOTHESIS", "ci"))
