"""The admin and laptop commands, as scripts call them (both server backends)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gridworker.cli import cli
from gridworker.server.db import open_server_db
from gridworker.embedded import EmbeddedServer
from support.server import cheap_password_hashing
from gridworker.store.connect import is_encrypted


def run(*args, input=None):
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_server_and_client_commands_end_to_end(server_url, tmp_path):
    cheap_password_hashing()
    run("server", "init", "--db", server_url)
    seeded = json.loads(run("server", "seed-demo", "--db", server_url, "--households", "150", "--seed", "3", "--json"))
    [community] = seeded["communities"]
    assert {"code", "name", "households"} <= set(community) and community["households"] == 150
    roles = {u["role"] for u in seeded["users"]}
    assert roles == {"admin", "grid_worker", "party_member", "street", "district", "city", "department"}
    assert {u["username"] for u in seeded["users"] if u.get("console")} == {"street1", "district1", "city1", "dept1"}
    assert all({"username", "password", "role", "org"} <= set(u) for u in seeded["users"])
    again = CliRunner().invoke(cli, ["server", "seed-demo", "--db", server_url, "--households", "10"])
    assert again.exit_code != 0  # never on top of existing data
    out = json.loads(run("server", "add-user", "--db", server_url, "--username", "wang", "--role", "grid_worker",
                         "--org", community["code"], "--password-stdin", "--json", input="a-long-password\n"))
    assert out["role"] == "grid_worker"
    weak = CliRunner().invoke(cli, ["server", "add-user", "--db", server_url, "--username", "li", "--role",
                                    "grid_worker", "--org", community["code"], "--password-stdin"], input="short\n")
    assert weak.exit_code == 1 and "10" in weak.output
    # the city console's accounts (#16)
    street = [u for u in seeded["users"] if u["username"] == "street1"][0]["org"]
    run("server", "departments", "--db", server_url, "--add", "street:街道环卫所")
    made = json.loads(run("server", "console-user", "add", "--db", server_url, "--username", "hw_zhao", "--role",
                          "department", "--org", street, "--department", "街道环卫所", "--password-stdin", "--json",
                          input="Sweeper-of-streets-9\n"))
    assert (made["role"], made["department"]) == ("department", "街道环卫所")
    wrong = CliRunner().invoke(cli, ["server", "console-user", "add", "--db", server_url, "--username", "x1", "--role",
                                     "street", "--org", community["code"], "--password-stdin"],
                               input="Street-on-a-community-1\n")
    assert wrong.exit_code == 1 and "同一层级" in wrong.output                  # a street account on a community
    run("server", "console-user", "disable", "--db", server_url, "--username", "hw_zhao")
    listed = {u["username"]: u for u in json.loads(run("server", "console-user", "list", "--db", server_url, "--json"))}
    assert listed["hw_zhao"]["active"] is False and listed["street1"]["role"] == "street"
    run("server", "console-user", "reset-password", "--db", server_url, "--username", "hw_zhao", "--password-stdin",
        input="Another-long-secret-3\n")
    gone = CliRunner().invoke(cli, ["server", "console-user", "disable", "--db", server_url, "--username", "wang"])
    assert gone.exit_code == 1                                                  # a laptop user is not a console account

    sdb = open_server_db(server_url)
    with EmbeddedServer(sdb) as srv:
        lap = str(tmp_path / "lap")
        enrolled = json.loads(run("client", "enroll", "--data-dir", lap, "--server", srv.url, "--username", "wang",
                                  "--password-stdin", "--json", input="a-long-password\n"))
        assert enrolled["community_code"] == community["code"] and enrolled["sync"]["pulled"] > 150
        assert is_encrypted(Path(lap) / "gridworker.db"), "client enroll makes an encrypted laptop"
        unlock = ["--user", "wang", "--password-stdin"]
        pw = "a-long-password\n"
        synced = json.loads(run("client", "sync", "--data-dir", lap, *unlock, "--json", input=pw))
        assert {"pushed", "pulled", "conflicts", "rejected", "cursor"} <= set(synced)
        status = json.loads(run("client", "status", "--data-dir", lap, "--json", *unlock, input=pw))
        assert {"device_id", "community", "pending", "last_sync", "conflicts", "rejected"} <= set(status)
        assert status["pending"] == 0 and status["last_sync"]
        verified = json.loads(run("client", "verify", "--data-dir", lap, "--json", *unlock, input=pw))
        assert verified["match"] is True and verified["local_checksum"] == verified["server_checksum"]
        devices = json.loads(run("server", "devices", "--db", server_url, "--json"))["devices"]
        assert [d["id"] for d in devices] == [status["device_id"]]
        run("server", "revoke-device", "--db", server_url, "--device", status["device_id"])
        refused = CliRunner().invoke(cli, ["client", "sync", "--data-dir", lap, *unlock], input=pw)
        assert refused.exit_code == 2 and "revoked" in refused.output
        wrong = CliRunner().invoke(cli, ["client", "enroll", "--data-dir", str(tmp_path / "l2"), "--server", srv.url,
                                         "--username", "wang", "--password-stdin"], input="nope-nope-nope\n")
        assert wrong.exit_code == 1 and "用户名或密码错误" in wrong.output
    sdb.dispose()
