"""Fixtures of the trust tests: a street with a live server, on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest

from gridworker.server.testing import World, make_server_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_url(request, tmp_path) -> str:
    """A fresh, empty server database URL on each backend (PostgreSQL skipped, with the reason, when absent)."""
    return make_server_url(request.param, tmp_path, request)


@pytest.fixture
def world(server_url, tmp_path):
    """Communities A and B, users of every role, a live server on a loopback port."""
    w = World(server_url, tmp_path)
    yield w
    w.close()
