"""The `city` fixture: a real `server run` process with a small city in it (tests/support/city.py)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from support.city import City


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def city(request, tmp_path_factory):
    from support.server import TempPgDatabase, pg_unreachable_reason

    folder = tmp_path_factory.mktemp("city")
    if request.param == "sqlite":
        url = str(folder / "server.db")
    else:
        reason = pg_unreachable_reason()
        if reason:
            pytest.skip(reason)
        pg = TempPgDatabase()
        request.addfinalizer(pg.drop)
        url = pg.url
    subprocess.run([sys.executable, "-m", "gridworker", "server", "init", "--db", url], check=True,
                   capture_output=True, timeout=120)
    c = City(url, folder)
    yield c
    c.close()
