"""Running an operation the way a person at the terminal does: ``gridworker op`` as a real process."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from laptop_helpers import SETUP_PASSWORD, SETUP_USER

PARTY_MEMBER = ("li", "pw-li-dangyuan")  # a party-member user of the `db` fixture's laptop


@pytest.fixture
def run_op(db):
    """``run_op(name, key=value…, user=…)`` runs ``gridworker op NAME … --json`` on the `db` fixture's
    folder as SETUP_USER (an admin), or as ``user="party_member"`` (a 联户党员 key slot added here).
    Returns (exit code, the JSON it printed)."""
    from gridworker.store.keyslots import KeySlots

    def run(name: str, *params: str, user: str = "admin") -> tuple[int, dict]:
        username, password = SETUP_USER, SETUP_PASSWORD
        if user == "party_member":
            username, password = PARTY_MEMBER
            KeySlots.load(db.path).add_user(db.key, user_id="pm-1", username=username, display_name="李党员",
                                            role="party_member", org_id=None, password=password, online=False)
        proc = subprocess.run([sys.executable, "-m", "gridworker", "op", name, "--data-dir", str(db.path.parent),
                               "--user", username, "--password-stdin", *params, "--json"],
                              input=password + "\n", capture_output=True, text=True, timeout=120)
        assert proc.stdout.strip(), proc.stderr
        return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])

    return run


@pytest.fixture
def worker(db):
    """王网格, a grid worker of the `db` fixture's laptop, as the operations see them."""
    return db.actor("user-1", "王网格", "grid_worker")


@pytest.fixture
def member(db):
    """李党员, a party member (联户党员) of the same laptop."""
    return db.actor("pm-1", "李党员", "party_member")
