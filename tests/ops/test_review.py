"""Settling the sync review queue through real laptops and a real server: keep this laptop's value,
take the other's, resend a corrected change the server refused; a party member may not settle."""
from __future__ import annotations

import json

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.domain.permissions import PermissionDenied


def value(db, sql, params=()):
    with db.read() as conn:
        return conn.exec_driver_sql(sql, params).scalar()


def conflict(world, field="head_name", values=("李四", "王五")):
    """Laptops a and b edit the same field of one household; b syncs second, so b's value wins on
    the server and each laptop gets a review item. Returns (a, b, household id, b's worker)."""
    a, b = world.laptop("a"), world.laptop("b")
    ga, gb = a.actor(a.get_state("user_id"), "甲", "grid_worker"), b.actor(b.get_state("user_id"), "乙", "grid_worker")
    with a.write(ga) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张三"})
    world.engine(a).sync()
    world.engine(b).sync()
    with a.write(ga) as uow:
        uow.update("household", hid, {field: values[0]})
    with b.write(gb) as uow:
        uow.update("household", hid, {field: values[1]})
    world.engine(a).sync()
    assert world.engine(b).sync().conflicts == 1
    return a, b, hid, gb


def test_taking_the_other_laptops_value_is_an_edit_that_syncs(world):
    a, b, hid, worker = conflict(world)
    [item] = ops.review.load_review(b)["conflict"]
    assert (item["row_label"], item["field"], item["local_value"], item["remote_value"]) == \
        ("阳光花园3幢2单元501室", "head_name", "王五", "李四")
    assert ops.review.is_current(item, "local") and not ops.review.is_current(item, "remote")
    outbox = value(b, "SELECT count(*) FROM outbox")
    done = ops.review.settle(b, worker, item_id=item["id"], choice="take_other")
    assert done.changes.touched("household") and done.changes.touched("review_item")
    assert value(b, "SELECT count(*) FROM outbox") == outbox + 1
    assert ops.review.load_review(b)["conflict"] == []
    assert value(b, "SELECT detail ->> '$.resolution' FROM review_item WHERE id = ?", (item["id"],)) == "took_other"
    world.engine(b).sync()
    world.engine(a).sync()
    assert value(a, "SELECT head_name FROM household WHERE id = ?", (hid,)) == "李四"
    with pytest.raises(ValidationError) as twice:
        ops.review.settle(b, worker, item_id=item["id"], choice="keep_local")
    assert twice.value.message == "这条同步记录已经处理过了"


def test_keeping_this_laptops_value_writes_nothing_new(world):
    a, b, hid, worker = conflict(world)
    [item] = ops.review.load_review(b)["conflict"]
    ops.review.settle(b, worker, item_id=item["id"], choice="keep_local")
    assert value(b, "SELECT count(*) FROM outbox") == 0
    assert value(b, "SELECT head_name FROM household WHERE id = ?", (hid,)) == "王五"
    assert ops.review.load_review(b)["conflict"] == []


def test_a_party_member_may_not_settle_the_review_queue(world):
    a, b, hid, _worker = conflict(world)
    member = b.actor("u-p", "李党员", "party_member")
    [item] = ops.review.load_review(b)["conflict"]
    for choice in ("take_other", "resolve"):
        with pytest.raises(PermissionDenied) as refused:
            ops.review.settle(b, member, item_id=item["id"], choice=choice, note="dropped")
        assert refused.value.message == "联户党员账号不能处理同步冲突"
    with pytest.raises(PermissionDenied):
        ops.review.resend(b, member, item_id=item["id"], fields={"head_name": "李四"})
    assert [i["id"] for i in ops.review.load_review(b)["conflict"]] == [item["id"]]
    assert value(b, "SELECT head_name FROM household WHERE id = ?", (hid,)) == "王五"
    assert value(b, "SELECT count(*) FROM outbox") == 0


def test_a_refused_change_is_corrected_and_resent(world):
    a = world.laptop("a")
    worker = a.actor(a.get_state("user_id"), "甲", "grid_worker")
    with a.write(worker) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张三"})
    world.engine(a).sync()
    with a.write(worker) as uow:
        uow.update("household", hid, {"head_name": "临时"})
    # An entry this version of the app would never write, as an older or faulty client might.
    with a.sync_transaction() as conn:
        conn.exec_driver_sql("UPDATE outbox SET fields = ? WHERE row_id = ?",
                             (json.dumps({"head_name": "长" * 60}, ensure_ascii=False), hid))
    assert world.engine(a).sync().rejected == 1
    [item] = ops.review.load_review(a)["rejected"]
    assert "超过" in item["reason"]
    done = ops.review.resend(a, worker, item_id=item["id"], fields={"head_name": "改好的名字"})
    assert done.id == hid and value(a, "SELECT count(*) FROM outbox") == 1
    assert ops.review.load_review(a)["rejected"] == []
    assert world.engine(a).sync().rejected == 0
    b = world.laptop("b")
    assert value(b, "SELECT head_name FROM household WHERE id = ?", (hid,)) == "改好的名字"


def test_a_flag_is_acknowledged_with_a_note(world):
    a, b, hid, worker = conflict(world)
    [item] = ops.review.load_review(b)["conflict"]
    with pytest.raises(ValidationError) as bare:
        ops.review.settle(b, worker, item_id=item["id"], choice="resolve")
    assert bare.value.message == "请说明如何处理（如 dropped、acknowledged）"
    ops.review.settle(b, worker, item_id=item["id"], choice="resolve", note="acknowledged")
    assert value(b, "SELECT status FROM review_item WHERE id = ?", (item["id"],)) == "resolved"
    assert value(b, "SELECT count(*) FROM outbox") == 0


def test_revealing_a_conflicts_numbers_is_audited_and_refused_to_a_party_member(world):
    a, b, hid, worker = conflict(world, "phone", ("13812345678", "13912345678"))
    [item] = ops.review.load_review(b)["conflict"]
    with pytest.raises(PermissionDenied):
        ops.review.reveal(b, b.actor("u-p", "李党员", "party_member"), item_id=item["id"])
    assert value(b, "SELECT count(*) FROM audit_log WHERE action = 'reveal'") == 0
    ops.review.reveal(b, worker, item_id=item["id"])
    detail = json.loads(value(b, "SELECT detail FROM audit_log WHERE action = 'reveal'"))
    assert detail == {"what": ["phone"], "where": "sync_conflict", "review_item": item["id"]}


def test_settling_from_the_command_line_and_a_party_member_refused(db):
    import subprocess
    import sys

    from gridworker.ops.users import remember_user
    from laptop_helpers import SETUP_STDIN, UNLOCK

    # A flag as the sync engine stores it (a case step the server found invalid).
    with db.sync_transaction() as conn:
        for item_id in ("flag-1", "flag-2"):
            conn.exec_driver_sql(
                "INSERT INTO review_item (id, kind, table_name, row_id, reason, detail, status, created_at)"
                " VALUES (?, 'invalid_event', 'issue_event', 'ev-1', '事项已办结，不能再派单', '{}', 'open',"
                " '2026-11-27T10:00:00+08:00')", (item_id,))
    remember_user(db, user_id="pm-1", username="li", display_name="李党员", role="party_member", password="dang-yuan")
    data_dir = str(db.path.parent)
    db.close()

    def op(*args, user_args=UNLOCK, stdin=SETUP_STDIN):
        return subprocess.run([sys.executable, "-m", "gridworker", "op", *args, "--data-dir", data_dir, *user_args,
                               "--json"], input=stdin, capture_output=True, text=True, timeout=120)

    proc = op("review.settle", "item_id=flag-1", "choice=resolve", "note=acknowledged")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"ok": True, "id": "flag-1", "changed": {"review_item": ["flag-1"]}}
    proc = op("review.settle", "item_id=flag-2", "choice=resolve", "note=acknowledged",
              user_args=["--user", "li", "--password-stdin"], stdin="dang-yuan\n")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {"error": "forbidden", "message": "联户党员账号不能处理同步冲突"}
    proc = op("review.settle", "item_id=flag-1", "choice=resolve", "note=again")
    assert proc.returncode == 1 and json.loads(proc.stdout)["message"] == "item_id: 这条同步记录已经处理过了"
