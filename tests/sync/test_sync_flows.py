"""What a grid worker notices when laptops sync through a real server (SQLite and PostgreSQL)."""
from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import text

from gridworker.cli import cli
from support.server import COMM_A, COMM_B, password, table_rows
from support.signing import signed_body
from gridworker.store.connect import is_encrypted
from gridworker.sync import checksum as ck
from gridworker.sync import wire

HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}


def household(uow, address="阳光花园3幢2单元501室", **kw):
    return uow.insert("household", {"address": address, **kw})


def rows_of(db, table):
    with db.read() as conn:
        return table_rows(conn, table)


def server_rows(world, table, community=COMM_A):
    with world.sdb.read() as conn:
        return table_rows(conn, table, community)


def review(db, kind=None):
    with db.read() as conn:
        sql = "SELECT kind, table_name, row_id, field, local_value, remote_value, reason FROM review_item"
        rows = [dict(r) for r in conn.exec_driver_sql(sql).mappings()]
    return [r for r in rows if kind is None or r["kind"] == kind]


def test_changes_reach_every_laptop_once_and_checksums_match(world):
    a, b = world.laptop("a"), world.laptop("b")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        hid = household(uow, head_name="张三")
        uow.insert("resident", {"household_id": hid, "name": "张三"})
        vid = uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00"})
    report = world.engine(a).sync()
    assert report.pushed == 3 and report.rejected == 0
    world.engine(b).sync()
    world.engine(b).sync()  # nothing new: nothing doubled
    assert rows_of(b, "household") == rows_of(a, "household") == server_rows(world, "household")
    assert list(rows_of(b, "visit")) == [vid]
    assert rows_of(b, "visit")[vid]["server_seq"] is not None
    for db in (a, b):
        result = world.engine(db).verify()
        assert result["match"], result
    with world.sdb.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM change_log").scalar() == 3


def test_same_field_edits_conflict_and_other_fields_merge(world):
    a, b = world.laptop("a"), world.laptop("b")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        hid = household(uow, head_name="张三")
    world.engine(a).sync()
    world.engine(b).sync()
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        uow.update("household", hid, {"head_name": "李四", "notes": "a的备注"})
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        uow.update("household", hid, {"head_name": "王五", "door_plate": "东门"})
    world.engine(a).sync()
    rb = world.engine(b).sync()
    world.engine(a).sync()
    assert rb.conflicts == 1
    final = server_rows(world, "household")[hid]
    assert (final["head_name"], final["notes"], final["door_plate"]) == ("王五", "a的备注", "东门")
    assert rows_of(a, "household") == rows_of(b, "household") == server_rows(world, "household")
    [item] = review(b, "conflict")
    assert item["field"] == "head_name" and json.loads(item["remote_value"]) == "李四"
    # The laptop whose value was overwritten hears of it too, with its own value to restore.
    [lost] = review(a, "conflict")
    assert lost["field"] == "head_name" and json.loads(lost["local_value"]) == "李四"
    assert json.loads(lost["remote_value"]) == "王五"
    with world.sdb.read() as conn:
        rec = conn.exec_driver_sql("SELECT field, lost_value, lost_device, won_device FROM sync_conflict").one()
    assert rec[0] == "head_name" and json.loads(rec[1]) == "李四"
    assert rec[2] == a.device_id and rec[3] == b.device_id


def test_pending_local_edit_stays_on_top_of_a_pulled_change(world):
    a, b = world.laptop("a"), world.laptop("b")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        hid = household(uow, head_name="张三")
    world.engine(a).sync()
    world.engine(b).sync()
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        uow.update("household", hid, {"head_name": "李四"})
    world.engine(a).sync()
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        uow.update("household", hid, {"head_name": "王五"})
    world.engine(b).pull()  # pull only: the local, unsent edit must survive
    assert rows_of(b, "household")[hid]["head_name"] == "王五"
    world.engine(b).sync()
    world.engine(a).sync()
    assert server_rows(world, "household")[hid]["head_name"] == "王五"
    assert rows_of(a, "household") == rows_of(b, "household") == server_rows(world, "household")


def test_delete_beats_a_concurrent_edit_and_undelete_is_explicit(world):
    a, b = world.laptop("a"), world.laptop("b")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        hid = household(uow, head_name="张三")
    world.engine(a).sync()
    world.engine(b).sync()
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        uow.delete("household", hid)
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        uow.update("household", hid, {"notes": "还住这里"})
    world.engine(a).sync()
    rb = world.engine(b).sync()
    world.engine(a).sync()
    final = server_rows(world, "household")[hid]
    assert final["deleted"] is True and final["notes"] == "还住这里"
    assert rb.conflicts == 1 and review(b, "conflict")[0]["field"] is None
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        uow.undelete("household", hid)
    world.engine(b).sync()
    world.engine(a).sync()
    assert rows_of(a, "household")[hid]["deleted"] is False
    assert rows_of(a, "household") == rows_of(b, "household") == server_rows(world, "household")


def _ballot(db):
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        hid = household(uow)
        bid = uow.insert("ballot", {"title": "加装电梯", "scope_kind": "community", "rule": "residents_meeting"})
        yes = uow.insert("ballot_option", {"ballot_id": bid, "label": "同意", "meaning": "yes"})
        no = uow.insert("ballot_option", {"ballot_id": bid, "label": "不同意", "meaning": "no"})
    return hid, bid, yes, no


def test_two_votes_of_one_household_are_both_kept_and_the_later_is_flagged(world):
    a, b = world.laptop("a"), world.laptop("b")
    hid, bid, yes, no = _ballot(a)
    world.engine(a).sync()
    world.engine(b).sync()
    when = "2026-11-02T10:00:00+08:00"
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        v1 = uow.append("vote", {"ballot_id": bid, "household_id": hid, "option_id": yes, "cast_at": when})
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        v2 = uow.append("vote", {"ballot_id": bid, "household_id": hid, "option_id": no, "cast_at": when})
    world.engine(a).sync()
    rb = world.engine(b).sync()
    world.engine(a).sync()
    votes = server_rows(world, "vote")
    assert set(votes) == {v1, v2} and votes[v1]["server_seq"] < votes[v2]["server_seq"]
    assert rb.flagged == 1 and review(b, "duplicate_vote")[0]["row_id"] == v2
    assert [r["row_id"] for r in review(a, "duplicate_vote")] == [v2]  # every laptop of the community sees the flag
    assert rows_of(a, "vote") == rows_of(b, "vote") == votes


def test_an_issue_event_invalid_when_it_arrives_is_kept_and_flagged(world):
    a, b = world.laptop("a"), world.laptop("b")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        iid = uow.insert("issue", {"title": "楼道灯坏了"})
    world.engine(a).sync()
    world.engine(b).sync()
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        e1 = uow.append("issue_event", {"issue_id": iid, "action": "report"})
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        e2 = uow.append("issue_event", {"issue_id": iid, "action": "report"})
    world.engine(a).sync()
    rb = world.engine(b).sync()
    world.engine(a).sync()
    assert set(server_rows(world, "issue_event")) == {e1, e2}
    assert rb.flagged == 1 and review(b, "invalid_event")[0]["row_id"] == e2
    assert rows_of(a, "issue_event") == rows_of(b, "issue_event")


def test_a_household_moving_leaves_the_old_communitys_laptops(world):
    a = world.laptop("a")
    b = world.laptop("b", "gw_b")
    admin = world.laptop("admin", "admin", community="CA")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        hid = household(uow)
        rid = uow.insert("resident", {"household_id": hid, "name": "张三"})
        stay = household(uow, address="阳光花园1幢1单元101室")
    world.engine(a).sync()
    engine = world.engine(admin)
    engine.sync()
    reply = engine.transport.call("POST", "/admin/move-household", body={"household_id": hid, "to_community": "CB"})
    assert reply["moved_rows"] == 2
    world.engine(a).sync()
    world.engine(b).sync()
    assert set(rows_of(a, "household")) == {stay} and rid not in rows_of(a, "resident")
    assert set(rows_of(b, "household")) == {hid} and set(rows_of(b, "resident")) == {rid}
    assert rows_of(b, "household") == server_rows(world, "household", COMM_B)
    for db in (a, b):
        assert world.engine(db).verify()["match"]
    # Moved back by the server admin's command: it returns to A's laptops and leaves B's.
    moved = CliRunner().invoke(cli, ["server", "move-household", "--db", world.sdb.url, "--household", hid,
                                     "--to", "CA", "--json"])
    assert moved.exit_code == 0, moved.output
    world.engine(a).sync()
    world.engine(b).sync()
    assert set(rows_of(a, "household")) == {stay, hid} and rid in rows_of(a, "resident")
    assert rows_of(b, "household") == {} and rows_of(b, "resident") == {}
    assert rows_of(a, "household") == server_rows(world, "household", COMM_A)
    with world.sdb.read() as conn:
        assert ck.checksum(conn, COMM_A) == int(world.engine(a).verify()["server_checksum"])


def test_replay_gets_stored_results_and_a_gap_is_refused(world):
    a = world.laptop("a")
    token = a.get_state("device_token")
    hid = "0190c000-0000-7000-8000-000000000002"
    house = {"seq": 1, "table": "household", "row_id": hid, "op": "insert", "fields": {"address": "阳光花园1幢101室"}}
    entry = {"seq": 2, "table": "visit", "row_id": "0190c000-0000-7000-8000-000000000001", "op": "append",
             "fields": {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00",
                        "community_id": COMM_A}}
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    url = f"{world.url}/api/v1/sync/push"
    body = signed_body({"entries": [house, entry]}, a.get_state("user_id"), a.credential_of(a.get_state("user_id")))
    first = requests.post(url, json=body, headers=headers, timeout=10).json()
    again = requests.post(url, json=body, headers=headers, timeout=10).json()
    assert first["results"] == again["results"] and first["results"][1]["status"] == "applied"
    assert len(server_rows(world, "visit")) == 1
    gap = requests.post(url, json={"entries": [{**body["entries"][1], "seq": 5}]}, headers=headers, timeout=10)
    assert gap.status_code == 409 and gap.json()["error"]["detail"]["expected"] == 3


def test_an_old_client_is_told_to_update(world):
    a = world.laptop("a")
    headers = {wire.PROTOCOL_HEADER: "0", wire.SCHEMA_HEADER: "1",
               "Authorization": f"Bearer {a.get_state('device_token')}"}
    r = requests.get(f"{world.url}/api/v1/sync/pull", headers=headers, timeout=10)
    assert r.status_code == 426
    assert r.json()["error"]["code"] == "client_outdated" and "更新" in r.json()["error"]["message"]


def test_revoked_laptop_is_told_plainly_exports_its_changes_and_locks(world, tmp_path):
    a = world.laptop("a")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        household(uow)
        household(uow, address="阳光花园1幢1单元101室")
    runner = CliRunner()
    devices = runner.invoke(cli, ["server", "devices", "--db", world.sdb.url, "--json"])
    assert a.device_id in devices.output
    assert runner.invoke(cli, ["server", "revoke-device", "--db", world.sdb.url, "--device", a.device_id]).exit_code == 0
    a.close()
    # A laptop enrolled as the previous release did (plain file): the first unlock encrypts it.
    unlock = ["--user", "gw_a", "--password-stdin"]
    result = runner.invoke(cli, ["client", "sync", "--data-dir", str(tmp_path / "a"), *unlock],
                           input=password("gw_a") + "\n")
    assert result.exit_code == 2
    assert "revoked" in result.output and "2 条修改已加密导出到" in result.output
    assert is_encrypted(tmp_path / "a" / "gridworker.db")
    exported = list((tmp_path / "a").glob("unsent-*.gwx"))
    assert len(exported) == 1 and str(exported[0]) in result.output
    # The admin reads the sealed file on the server; the laptop itself no longer opens.
    shown = runner.invoke(cli, ["server", "read-export", str(exported[0]), "--db", world.sdb.url, "--json"])
    assert shown.exit_code == 0 and json.loads(shown.output)["summary"]["entries"] == 2, shown.output
    status = runner.invoke(cli, ["client", "status", "--data-dir", str(tmp_path / "a"), "--json", *unlock],
                           input=password("gw_a") + "\n")
    assert status.exit_code != 0 and "停用" in status.output


def test_unreachable_server_message_counts_kept_changes(tmp_path):
    from laptop_helpers import SETUP_STDIN, UNLOCK, new_laptop

    db = new_laptop(tmp_path / "lap")
    db.set_state("server_url", "http://127.0.0.1:9")
    db.set_state("device_token", "x")
    db.set_state("community_id", COMM_A)
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        household(uow)
    db.close()
    result = CliRunner().invoke(cli, ["client", "sync", "--data-dir", str(tmp_path / "lap"), *UNLOCK],
                                env={"GRIDWORKER_SYNC_RETRIES": "0"}, input=SETUP_STDIN)
    assert result.exit_code == 1
    assert "server unreachable at http://127.0.0.1:9" in result.output and "1 unsent changes are kept" in result.output


def test_a_laptop_restored_from_an_old_copy_is_stopped_before_it_loses_changes(world, tmp_path):
    import shutil

    from support.server import reopen

    first = a = world.laptop("a")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        household(uow)
    world.engine(a).sync()
    a.close()
    shutil.copytree(tmp_path / "a", tmp_path / "a-backup")  # the copy taken before the next edits

    a = reopen(tmp_path / "a" / "gridworker.db", first)
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        household(uow, address="阳光花园1幢1单元101室")
    world.engine(a).sync()
    a.close()
    old = reopen(tmp_path / "a-backup" / "gridworker.db", first)
    world.laptops.append(old)
    with old.write(old.actor(old.get_state("user_id"))) as uow:  # reuses outbox seq 2 for a different change
        household(uow, address="阳光花园2幢1单元101室")
    with pytest.raises(Exception) as err:
        world.engine(old).sync()
    assert getattr(err.value, "code", None) == "sequence_reused"
    with old.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 1  # kept, not dropped


def test_two_syncs_at_once_on_one_laptop_are_serialised(world):
    import threading

    a, b = world.laptop("a"), world.laptop("b")
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        for i in range(40):
            household(uow, address=f"花园{i + 1}幢1单元101室")
    world.engine(b).sync()
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        household(uow)
    errors = []

    def run():
        try:
            world.engine(a, pull_limit=5).sync()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert rows_of(a, "household") == server_rows(world, "household")
    assert world.engine(a).verify()["match"]


def test_a_refused_edit_is_kept_for_review_and_the_laptop_returns_to_the_servers_value(world):
    from gridworker.domain.ids import deterministic_id

    gw = world.laptop("gw")
    with gw.write(gw.actor(gw.get_state("user_id"))) as uow:
        hid = household(uow, head_name="张三")
        uow.insert("resident", {"household_id": hid, "name": "张三", "id_number": "11010519491231002X"})
        other = household(uow, address="阳光花园3幢2单元502室", head_name="李四")
        member = uow.insert("party_member", {"name": "甲党员"})
        uow.insert("contact_link", {"kind": "member_household", "from_id": member, "to_id": hid, "active": True},
                   row_id=deterministic_id(member, hid, "member_household"))
    world.engine(gw).sync()
    with world.sdb.write() as conn:  # pm_a is that member: their laptop gets their circle (this household)
        conn.execute(text("UPDATE server_user SET party_member_id = :m WHERE username = 'pm_a'"), {"m": member})
    pm = world.laptop("pm", "pm_a")  # a party member may record visits but not edit households
    with pm.write(pm.actor(pm.get_state("user_id"))) as uow:
        uow.update("household", hid, {"head_name": "党员改的"})
        vid = uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00"})
    report = world.engine(pm).sync()
    assert report.rejected == 1 and report.pushed == 2
    [item] = review(pm, "rejected")
    assert item["row_id"] == hid and json.loads(item["local_value"]) == {"head_name": "党员改的"}
    assert rows_of(pm, "household")[hid]["head_name"] == "张三"
    assert vid in server_rows(world, "visit")
    assert other not in rows_of(pm, "household"), "a party member's laptop holds only their circle"
    assert rows_of(pm, "household")[hid] == server_rows(world, "household")[hid]
    assert [r["id_number"] for r in rows_of(pm, "resident").values()] == ["110105********002X"]
    assert world.engine(pm).verify(repair=False)["match"], "a party member's laptop verifies against its circle"
    with gw.write(gw.actor(gw.get_state("user_id"))) as uow:  # a second household for the member: it arrives with the link
        uow.insert("contact_link", {"kind": "member_household", "from_id": member, "to_id": other, "active": True},
                   row_id=deterministic_id(member, other, "member_household"))
    world.engine(gw).sync()
    world.engine(pm).sync()
    assert rows_of(pm, "household")[other]["head_name"] == "李四"
    assert world.engine(pm).verify(repair=False)["match"]


def test_a_laptop_re_enrolled_for_another_community_holds_only_that_community(world):
    from gridworker.sync.enrol import enroll

    a = world.laptop("a", "admin", community="CA")
    with a.write(a.actor(a.get_state("user_id"))) as uow:
        household(uow)
    world.engine(a).sync()
    b = world.laptop("b", "gw_b")
    with b.write(b.actor(b.get_state("user_id"))) as uow:
        household(uow, address="乙小区1幢1单元101室")
    world.engine(b).sync()
    enroll(a, world.url, "admin", "pw-admin-secret", community="CB")
    assert rows_of(a, "household") == server_rows(world, "household", COMM_B)
    assert world.engine(a).verify()["match"]
