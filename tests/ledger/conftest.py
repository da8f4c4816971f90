"""Fixtures of the ledger tests (the laptop database itself comes from tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture
def ledger_actor(db):
    return db.actor("u1", "王网格")
