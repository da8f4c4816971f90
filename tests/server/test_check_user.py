"""POST /auth/check-user: an enrolled laptop asks the server whether a password is a user's and the
user belongs to the laptop's community (online login after N days offline; adding a laptop user)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from gridworker.cli import cli
from support.server import password
from gridworker.sync.laptop import verify_user_online
from gridworker.sync.transport import DeviceRevoked, ServerRefused, Unauthorized


def test_the_server_checks_a_users_password_for_the_laptops_community(world):
    lap = world.laptop("a", "gw_a")
    user = verify_user_online(lap, "pm_a", password("pm_a"))
    assert user["username"] == "pm_a" and user["role"] == "party_member" and user["id"]
    assert verify_user_online(lap, "admin", password("admin"))["role"] == "admin", "a street admin covers it"
    with pytest.raises(Unauthorized) as wrong:
        verify_user_online(lap, "pm_a", "not-the-password")
    assert wrong.value.code == "bad_credentials"
    with pytest.raises(ServerRefused) as other:
        verify_user_online(lap, "gw_b", password("gw_b"))
    assert other.value.status == 403 and "不属于本机" in other.value.message


def test_a_revoked_laptop_gets_401_device_revoked(world):
    lap = world.laptop("a", "gw_a")
    out = CliRunner().invoke(cli, ["server", "revoke-device", "--db", world.sdb.url, "--device", lap.device_id])
    assert out.exit_code == 0, out.output
    with pytest.raises(DeviceRevoked):
        verify_user_online(lap, "gw_a", password("gw_a"))
