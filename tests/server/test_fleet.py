"""The admin sees the fleet: each laptop's community and last contact (issue #16).

A laptop that only pulls is as alive as one that pushes: every authenticated call records the
device's last contact (at most once a minute). Real server on a loopback port, SQLite and PostgreSQL.
"""
from __future__ import annotations

import json

from click.testing import CliRunner

from gridworker.cli import cli
from gridworker.sync import wire


def _devices(world):
    result = CliRunner().invoke(cli, ["server", "devices", "--db", world.sdb.url, "--json"])
    assert result.exit_code == 0, result.output
    return {d["id"]: d for d in json.loads(result.output)["devices"]}, result


def test_a_laptop_that_only_pulls_shows_its_last_contact_and_community(world):
    pusher, puller = world.laptop("pusher"), world.laptop("puller")
    with world.sdb.write() as conn:  # as the server was left by laptops enrolled long ago
        conn.exec_driver_sql("UPDATE device SET last_seen_at = NULL")
    with pusher.write(pusher.actor(pusher.get_state("user_id"))) as uow:
        uow.insert("household", {"address": "花园1幢1单元101室"})
    world.engine(pusher).sync()
    world.engine(puller).pull()  # pulls only
    devices, _ = _devices(world)
    for db in (pusher, puller):
        d = devices[db.device_id]
        assert d["last_seen_at"] and d["last_seen_at"] >= "2026", d
        assert d["community_code"] == "CA" and d["community_name"] == "甲社区", d
    plain = CliRunner().invoke(cli, ["server", "devices", "--db", world.sdb.url]).output
    line = next(ln for ln in plain.splitlines() if ln.startswith(puller.device_id))
    assert "甲社区" in line and "last_contact=2026" in line and "never" not in line


def test_a_device_never_heard_from_says_never(world):
    db = world.laptop("quiet")
    with world.sdb.write() as conn:
        conn.exec_driver_sql("UPDATE device SET last_seen_at = NULL")
    plain = CliRunner().invoke(cli, ["server", "devices", "--db", world.sdb.url]).output
    line = next(ln for ln in plain.splitlines() if ln.startswith(db.device_id))
    assert "last_contact=never" in line and "STALE" not in line  # enrolled just now: not stale yet
    with world.sdb.write() as conn:
        conn.exec_driver_sql("UPDATE device SET created_at = '2026-01-01T00:00:00+00:00'")
    devices, _ = _devices(world)
    assert devices[db.device_id]["stale"] is True and devices[db.device_id]["silent_days"] is None


def test_each_laptop_reports_version_unsent_and_checksum_and_silent_ones_go_stale(world):
    pusher, puller = world.laptop("reporter"), world.laptop("listener")
    with pusher.write(pusher.actor(pusher.get_state("user_id"))) as uow:
        uow.insert("household", {"address": "花园2幢1单元101室"})
    world.engine(pusher).sync()
    with pusher.write(pusher.actor(pusher.get_state("user_id"))) as uow:  # made after the sync: unsent
        uow.insert("household", {"address": "花园2幢1单元102室"})
    with world.sdb.write() as conn:  # what the listener reported when it was set up
        conn.exec_driver_sql("DELETE FROM device_report WHERE device_id = '%s'" % puller.device_id)
    world.engine(puller).pull()
    devices, _ = _devices(world)
    d = devices[pusher.device_id]
    assert (d["app_version"], d["schema_version"], d["pending"]) == ("0.1.0", wire.SCHEMA_VERSION, 0), d
    assert d["reported_at"] and d["checksum_match"] is None and d["stale"] is False
    assert d["users"] == ["gw_a"] and d["conflicts"] == 0 and d["rejected"] == 0
    assert devices[puller.device_id]["reported_at"] is None  # a pull alone sends no report
    world.engine(puller).verify()  # verify reports its comparison at once
    devices, _ = _devices(world)
    assert devices[puller.device_id]["checksum_match"] is True and devices[puller.device_id]["verified_at"]
    world.engine(pusher).sync()
    assert _devices(world)[0][pusher.device_id]["pending"] == 0
    # A laptop silent for ten days is stale by default and not with --stale-days 30.
    with world.sdb.write() as conn:
        conn.exec_driver_sql("UPDATE device SET last_seen_at = '2020-01-01T00:00:00+00:00' WHERE id = '%s'"
                             % puller.device_id)
    devices, result = _devices(world)
    assert devices[puller.device_id]["stale"] is True and devices[pusher.device_id]["stale"] is False
    line = next(ln for ln in CliRunner().invoke(cli, ["server", "devices", "--db", world.sdb.url]).output.splitlines()
                if ln.startswith(puller.device_id))
    assert "STALE" in line and "checksum=ok" in line
    relaxed = CliRunner().invoke(cli, ["server", "devices", "--db", world.sdb.url, "--json", "--stale-days", "3650"])
    assert {d["id"]: d["stale"] for d in json.loads(relaxed.output)["devices"]}[puller.device_id] is False
