"""A revoked (lost) laptop cannot undo its revocation with a user's password (real server, HTTP)."""
from __future__ import annotations

import pytest

from gridworker.server.auth import revoke_device
from gridworker.server.testing import World, make_server_url, password
from gridworker.sync.engine import enroll
from gridworker.sync.transport import SyncError


@pytest.fixture
def world(request, tmp_path):
    w = World(make_server_url("sqlite", tmp_path, request), tmp_path)
    yield w
    w.close()


def test_only_an_admin_can_enrol_a_revoked_laptop_again(world):
    laptop = world.laptop("lost")
    with world.sdb.write() as conn:
        revoke_device(conn, laptop.device_id)
    with pytest.raises(SyncError) as refused:
        enroll(laptop, world.url, "gw_a", password("gw_a"), first_sync=False)
    assert "已被管理员停用" in refused.value.message
    with world.sdb.read() as conn:
        assert conn.exec_driver_sql("SELECT revoked_at FROM device WHERE id = ?",
                                    (laptop.device_id,)).scalar() is not None
    # The community's administrator brings a recovered laptop back on purpose.
    enroll(laptop, world.url, "admin_a", password("admin_a"), first_sync=False)
    with world.sdb.read() as conn:
        assert conn.exec_driver_sql("SELECT revoked_at FROM device WHERE id = ?",
                                    (laptop.device_id,)).scalar() is None
