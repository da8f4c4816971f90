"""A lost laptop: the admin revokes it, its next sync gets 401, it seals its unsent changes for the
admin and locks itself; the admin reads the sealed file and lands the changes on the server once.

Real server on a loopback port (SQLite and PostgreSQL), real encrypted laptops with key slots.
"""
from __future__ import annotations

import base64
import json
import re

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import text

from gridworker.cli import cli
from gridworker.embedded import EmbeddedServer
from support.server import World, password
from gridworker.store import keyslots
from gridworker.store.database import CorruptDatabaseError, Database
from gridworker.store.keyslots import KeySlots, WrongPassword
from gridworker.sync import lost, wire
from gridworker.sync.enrol import enroll
from gridworker.sync.transport import DeviceRevoked

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
NAME = "张建国"
ADDRESS = "蠡桥花园3幢2单元501室"


@pytest.fixture(autouse=True)
def cheap_slots(monkeypatch):
    """Argon2id key slots with small costs (same algorithm), so each test makes several quickly."""
    for k, v in (("t", 1), ("m", 1024), ("p", 1)):
        monkeypatch.setitem(keyslots._KDF, k, v)


@pytest.fixture
def sqlite_world(tmp_path):
    w = World(str(tmp_path / "server.db"), tmp_path)
    yield w
    w.close()


class Laptop:
    """An encrypted laptop database with key slots, enrolled on the world's server as ``username``."""

    def __init__(self, world: World, name: str, username: str = "gw_a"):
        self.data_dir = world.tmp_path / name
        self.db_path = self.data_dir / "gridworker.db"
        self.slots, key = KeySlots.create(self.db_path)
        self.db = Database.open(self.db_path, key=key)
        self.username = username
        enroll(self.db, world.url, username, password(username), device_name=name)
        with self.db.read() as conn:
            uid, role, org = conn.exec_driver_sql("SELECT id, role, org_id FROM local_user WHERE username = ?",
                                                  (username,)).first()
        self.user_id = uid
        self.slots.add_user(key, user_id=uid, username=username, display_name="王网格", role=role, org_id=org,
                            password=password(username))
        self.world = world

    def engine(self):
        return self.world.engine(self.db)

    def pending(self) -> int:
        return lost.pending_count(self.db)

    def offline_changes(self) -> dict:
        """A household and a resident with a phone and ID number, an edit, an audit entry."""
        with self.db.write(self.db.actor(self.user_id)) as uow:
            hid = uow.insert("household", {"address": ADDRESS, "head_name": NAME})
            rid = uow.insert("resident", {"household_id": hid, "name": NAME, "id_number": ID_NUMBER, "phone": PHONE})
        with self.db.write(self.db.actor(self.user_id)) as uow:
            uow.update("household", hid, {"notes": "门口有坡道"})
            uow.audit("reveal_id_number", table="resident", row_id=rid, detail={"why": "核对身份"})
        return {"household": hid, "resident": rid}


def _run(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def _revoke(world: World, device_id: str) -> None:
    _run("server", "revoke-device", "--db", world.sdb.url, "--device", device_id)


def _files(folder) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".gwx", ".tmp")))


# --------------------------------------------------------------------------- the whole story
def test_revoked_laptop_exports_sealed_locks_itself_and_the_admin_applies_once(world):
    lap = Laptop(world, "lost")
    # Something already synced, so the export starts after the device's last acknowledged change.
    with lap.db.write(lap.db.actor(lap.user_id)) as uow:
        uow.insert("household", {"address": "蠡桥花园1幢1单元101室"})
    lap.engine().sync()
    assert lap.db.get_state(lost.EXPORT_KEY_STATE)  # handed out at enrolment
    ids = lap.offline_changes()
    pending = lap.pending()
    assert pending == 4  # household, resident, the household's edit, the audit entry
    device = lap.db.device_id

    _revoke(world, device)
    with pytest.raises(DeviceRevoked):
        lap.engine().sync()

    path = lost.handle_revoked(lap.db, lap.slots, lap.data_dir)

    # The sealed file, in the data folder, written whole.
    assert path.parent == lap.data_dir and path.exists()
    assert re.fullmatch(rf"unsent-{device}-\d{{8}}T\d{{6}}Z\.gwx", path.name)
    assert _files(lap.data_dir) == [path.name]
    assert lost.exported_count(path) == pending
    assert lost.revoked_message(pending, path) == (
        f"本机已被管理员停用。未同步的 {pending} 条修改已加密导出到 {path}，请交给社区管理员。本机数据已锁定。")
    raw = path.read_bytes()
    ciphertext = base64.b64decode(json.loads(raw)["ciphertext"])
    for needle in (PHONE, ID_NUMBER, NAME, ADDRESS, "核对身份"):
        for form in (needle.encode("utf-8"), json.dumps(needle).strip('"').encode("ascii")):
            assert form not in raw, needle
            assert form not in ciphertext, needle

    # Locked: no user's password opens the data key any more, and nothing opens the database.
    again = KeySlots.load(lap.db_path)
    assert again.users() == [] and "revoked" in again.wiped["reason"]
    with pytest.raises(WrongPassword):
        again.unlock(lap.username, password(lap.username))
    with pytest.raises(CorruptDatabaseError):
        Database.open(lap.db_path)

    # The admin reads it: right device, community, users, counts per table.
    summary = json.loads(_run("server", "read-export", str(path), "--db", world.sdb.url, "--json").output)["summary"]
    assert summary["device_id"] == device and summary["community"]["code"] == "CA"
    assert summary["users"] == ["gw_a"] and summary["entries"] == pending
    assert summary["by_table"] == {"household": 2, "resident": 1, "audit_log": 1}
    assert summary["audit_entries"] == 1 and summary["already_applied"] == 0 and summary["to_apply"] == pending
    assert summary["revoked_at"]
    text_out = _run("server", "read-export", str(path), "--db", world.sdb.url).output
    assert "甲社区" in text_out and f"0 already applied, {pending} to apply" in text_out

    def on_server() -> dict:
        with world.sdb.read() as conn:
            return {
                "residents": conn.execute(text("SELECT count(*) FROM resident WHERE phone = :p"), {"p": PHONE}).scalar(),
                "notes": conn.execute(text("SELECT notes FROM household WHERE id = :i"),
                                      {"i": ids["household"]}).scalar(),
                "audit": conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'reveal_id_number'")).scalar(),
                "changes": conn.execute(text("SELECT count(*) FROM change_log")).scalar(),
                "applies": conn.execute(text("SELECT count(*) FROM export_apply")).scalar(),
            }

    before = on_server()
    assert before["residents"] == 0 and before["audit"] == 0

    first = json.loads(_run("server", "read-export", str(path), "--db", world.sdb.url, "--apply", "--json").output)
    assert first["apply"]["applied"] == pending and first["apply"]["skipped"] == 0 and first["apply"]["rejected"] == 0
    after = on_server()
    assert after["residents"] == 1 and after["notes"] == "门口有坡道" and after["audit"] == 1
    assert after["changes"] == before["changes"] + pending and after["applies"] == 1

    # Exactly once: a second apply skips everything.
    second = json.loads(_run("server", "read-export", str(path), "--db", world.sdb.url, "--apply", "--json").output)
    assert second["summary"]["already_applied"] == pending and second["summary"]["times_applied"] == 1
    assert second["apply"]["applied"] == 0 and second["apply"]["skipped"] == pending
    assert on_server() == {**after, "applies": 2}
    _run("server", "check-audit", "--db", world.sdb.url)  # the laptop's audit chain arrived whole

    # The device stays revoked; the other laptops of the community get the changes as usual.
    with world.sdb.read() as conn:
        assert conn.execute(text("SELECT revoked_at FROM device WHERE id = :d"), {"d": device}).scalar()
    other = world.laptop("colleague")
    with other.read() as conn:
        assert conn.exec_driver_sql("SELECT phone FROM resident WHERE id = ?", (ids["resident"],)).scalar() == PHONE


# --------------------------------------------------------------------------- no export key
def test_a_laptop_without_the_export_key_refuses_to_wipe_until_it_can_seal(sqlite_world):
    world = sqlite_world
    lap = Laptop(world, "old")
    lap.db.set_state(lost.EXPORT_KEY_STATE, None)  # enrolled before the server handed the key out
    lap.offline_changes()
    pending = lap.pending()
    _revoke(world, lap.db.device_id)
    with pytest.raises(DeviceRevoked):
        lap.engine().sync()
    port = world.server.port
    world.server.stop()  # and now the server cannot be reached to fetch the key

    with pytest.raises(lost.ExportKeyMissing) as caught:
        lost.handle_revoked(lap.db, lap.slots, lap.data_dir)
    message = str(caught.value)
    assert f"{pending} 条修改" in message and "没有锁定" in message and "社区管理员" in message
    assert _files(lap.data_dir) == []  # nothing written in clear, nor anything else
    again = KeySlots.load(lap.db_path)
    assert again.wiped is None
    assert again.unlock(lap.username, password(lap.username)) == lap.db.key
    assert lap.pending() == pending  # the database is still open and whole

    # Back at the office: the server answers again; the revoked token still fetches the public key.
    world.server = EmbeddedServer(world.sdb, port=port).start()
    path = lost.handle_revoked(lap.db, lap.slots, lap.data_dir)
    assert lost.exported_count(path) == pending
    with pytest.raises(WrongPassword):
        KeySlots.load(lap.db_path).unlock(lap.username, password(lap.username))
    out = json.loads(_run("server", "read-export", str(path), "--db", world.sdb.url, "--json").output)
    assert out["summary"]["entries"] == pending


def test_a_laptop_with_nothing_unsent_locks_even_without_the_key(sqlite_world):
    lap = Laptop(sqlite_world, "idle")
    lap.db.set_state(lost.EXPORT_KEY_STATE, None)
    _revoke(sqlite_world, lap.db.device_id)
    sqlite_world.server.stop()
    assert lap.pending() == 0
    assert lost.handle_revoked(lap.db, lap.slots, lap.data_dir) is None  # nothing to lose, nothing to export
    assert _files(lap.data_dir) == []
    with pytest.raises(WrongPassword):
        KeySlots.load(lap.db_path).unlock(lap.username, password(lap.username))
    sqlite_world.server = EmbeddedServer(sqlite_world.sdb).start()  # for the fixture's teardown


def test_nothing_is_wiped_when_the_export_cannot_be_written(sqlite_world):
    lap = Laptop(sqlite_world, "full")
    lap.offline_changes()
    _revoke(sqlite_world, lap.db.device_id)
    blocked = lap.data_dir / "not-a-folder"
    blocked.write_text("x")
    with pytest.raises(lost.LostLaptopError, match="没有锁定"):
        lost.handle_revoked(lap.db, lap.slots, blocked)
    assert KeySlots.load(lap.db_path).unlock(lap.username, password(lap.username)) == lap.db.key


def test_a_laptop_missing_the_key_fetches_it_on_its_next_sync(sqlite_world):
    lap = Laptop(sqlite_world, "older")
    server_key = lap.db.get_state(lost.EXPORT_KEY_STATE)
    lap.db.set_state(lost.EXPORT_KEY_STATE, None)
    lap.engine().sync()
    assert lap.db.get_state(lost.EXPORT_KEY_STATE) == server_key
    # The endpoint wants a token this server issued.
    headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
    for token in (None, "not-a-token"):
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        r = requests.get(f"{sqlite_world.url}/api/v1/sync/export-key", headers={**headers, **auth}, timeout=10)
        assert r.status_code == 401


# --------------------------------------------------------------------------- the file itself
def test_a_changed_file_or_another_servers_database_does_not_open(sqlite_world, tmp_path):
    lap = Laptop(sqlite_world, "tamper")
    lap.offline_changes()
    path = lost.export_unsent(lap.db, lap.data_dir)
    # Another server (its own key pair) cannot read it.
    other_db = tmp_path / "other-server.db"
    _run("server", "init", "--db", str(other_db))
    res = _run("server", "read-export", str(path), "--db", str(other_db), ok=False)
    assert res.exit_code == 1 and "另一台服务器" in res.output
    # One changed character in the sealed part, or in the clear header: refused, nothing applied.
    data = json.loads(path.read_bytes())
    for field, change in (("ciphertext", lambda s: ("A" if s[10] != "A" else "B").join((s[:10], s[11:]))),
                          ("entries", lambda n: n + 1)):
        bad = tmp_path / f"bad-{field}.gwx"
        bad.write_text(json.dumps({**data, field: change(data[field])}), "ascii")
        res = _run("server", "read-export", str(bad), "--db", sqlite_world.sdb.url, "--apply", ok=False)
        assert res.exit_code == 1 and "无法解密" in res.output, res.output
    # A file missing the changes before it (the server would have a hole): refused whole.
    with lap.db.sync_transaction() as conn:
        conn.exec_driver_sql("DELETE FROM outbox WHERE seq = (SELECT min(seq) FROM outbox)")
    holed = lost.export_unsent(lap.db, tmp_path / "holed")
    _revoke(sqlite_world, lap.db.device_id)  # only a revoked laptop's file is applied at all
    res = _run("server", "read-export", str(holed), "--db", sqlite_world.sdb.url, "--apply", ok=False)
    assert res.exit_code == 1 and "未应用任何修改" in res.output, res.output
    with sqlite_world.sdb.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM export_apply")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM resident WHERE phone = :p"), {"p": PHONE}).scalar() == 0
    assert lost.revoked_message(0, None) == "本机已被管理员停用。本机没有未同步的修改。本机数据已锁定。"
