"""The unit of work: every change lands with its outbox entry, or nothing lands."""
from __future__ import annotations

import json

import pytest

from gridworker.domain.errors import ValidationError
from gridworker.store.uow import AppendOnlyError



def outbox(db):
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql("SELECT * FROM outbox ORDER BY seq").mappings()]


def row(db, table, row_id):
    with db.read() as conn:
        r = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).mappings().first()
    return dict(r) if r else None


def test_insert_writes_row_and_outbox_entry(db, actor, grid_id):
    before = len(outbox(db))
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "grid_id": grid_id,
                                       "phone": "138-1234-5678", "area_m2": "89.5"})
    r = row(db, "household", hid)
    assert r["phone"] == "13812345678"
    assert r["area_m2"] == "89.50"
    assert (r["estate"], r["building_no"], r["unit"], r["room"]) == ("阳光花园", "3", "2", "501")
    assert r["updated_by"] == "user-1" and r["updated_device"] == db.device_id
    entries = outbox(db)[before:]
    assert [(e["table_name"], e["row_id"], e["op"]) for e in entries] == [("household", hid, "insert")]
    fields = json.loads(entries[0]["fields"])
    assert fields["phone"] == "13812345678" and fields["community_id"] == db.community_id


def test_outbox_seq_increases_by_one_and_never_repeats(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室"})
    with db.write(actor) as uow:
        uow.update("household", hid, {"head_name": "张三"})
    seqs = [e["seq"] for e in outbox(db)]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    # Acked entries are deleted by sync; new ones must still not reuse their numbers.
    with db.sync_transaction() as conn:
        conn.exec_driver_sql("DELETE FROM outbox")
    with db.write(actor) as uow:
        uow.update("household", hid, {"head_name": "张三丰"})
    assert outbox(db)[0]["seq"] == seqs[-1] + 1


def test_update_records_only_changed_fields_with_base_versions(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室", "head_name": "张三"})
    with db.sync_transaction() as conn:  # as if the server had set versions
        conn.exec_driver_sql("UPDATE household SET versions = ? WHERE id = ?",
                             (json.dumps({"head_name": 7, "phone": 3}), hid))
    with db.write(actor) as uow:
        changed = uow.update("household", hid, {"head_name": "李四", "address": "阳光花园1幢101室"})
    assert changed == {"head_name": "李四"}
    last = outbox(db)[-1]
    assert last["op"] == "update"
    assert json.loads(last["fields"]) == {"head_name": "李四"}
    assert json.loads(last["base_versions"]) == {"head_name": 7}


def test_update_with_same_values_writes_nothing(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室", "phone": "13812345678"})
    n = len(outbox(db))
    with db.write(actor) as uow:
        assert uow.update("household", hid, {"phone": "+86 138 1234 5678"}) == {}
    assert len(outbox(db)) == n


def test_exception_leaves_neither_row_nor_outbox(db, actor):
    n = len(outbox(db))
    with pytest.raises(RuntimeError):
        with db.write(actor) as uow:
            hid = uow.insert("household", {"address": "阳光花园1幢101室"})
            uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-01-05T10:00:00"})
            raise RuntimeError("power cut")
    assert len(outbox(db)) == n
    assert row(db, "household", hid) is None


@pytest.mark.parametrize("table,values,field,code", [
    ("household", {"address": "阳光花园1幢101室", "phone": "12345"}, "phone", None),
    ("household", {"address": "阳光花园1幢101室", "tenure": "借住"}, "tenure", "bad_choice"),
    ("household", {"address": "阳光花园1幢101室", "area_m2": "八十"}, "area_m2", "bad_number"),
    ("household", {"address": "阳光花园1幢101室", "tags": ["不存在的标签"]}, "tags", "unknown_tag"),
    ("household", {"address": "阳光花园1幢101室", "colour": "red"}, "colour", "unknown_field"),
])
def test_bad_input_names_field_and_value_and_writes_nothing(db, actor, table, values, field, code):
    n = len(outbox(db))
    with pytest.raises(ValidationError) as info:
        with db.write(actor) as uow:
            uow.insert(table, values)
    assert info.value.field == field
    if code:
        assert info.value.code == code
    assert str(info.value.value) in str(info.value) or info.value.value is None
    assert len(outbox(db)) == n


def test_resident_id_number_normalised_and_checked(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室"})
        rid = uow.insert("resident", {"household_id": hid, "name": "张三",
                                      "id_number": "１１０１０５１９４９１２３１００２ｘ"})
    r = row(db, "resident", rid)
    assert r["id_number"] == "11010519491231002X"
    assert r["birth_date"] == "1949-12-31" and r["gender"] == "2"
    with pytest.raises(ValidationError) as info:
        with db.write(actor) as uow:
            uow.insert("resident", {"household_id": hid, "name": "李四", "id_number": "110105194912310021"})
    assert info.value.field == "id_number"
    with pytest.raises(ValidationError) as info:
        with db.write(actor) as uow:
            uow.insert("resident", {"household_id": hid, "name": "李四", "id_number": "11010519491231002X",
                                    "gender": "男"})
    assert info.value.field == "gender"


def test_resident_needs_an_existing_household(db, actor):
    with pytest.raises(ValidationError) as info:
        with db.write(actor) as uow:
            uow.insert("resident", {"household_id": "no-such-household", "name": "张三"})
    assert info.value.field == "household_id"


def test_append_only_rows_cannot_change(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室"})
        vid = uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-01-05T10:00:00",
                                   "summary": "身体好"})
    for op in (lambda u: u.update("visit", vid, {"summary": "x"}), lambda u: u.delete("visit", vid)):
        with pytest.raises(AppendOnlyError):
            with db.write(actor) as uow:
                op(uow)
    assert row(db, "visit", vid)["summary"] == "身体好"
    assert outbox(db)[-1]["op"] == "append"


def test_delete_is_a_tombstone_and_undelete_brings_it_back(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室"})
    with db.write(actor) as uow:
        uow.delete("household", hid)
        assert uow.get("household", hid) is None
    assert row(db, "household", hid)["deleted"] == 1
    with db.write(actor) as uow:
        uow.undelete("household", hid)
    assert row(db, "household", hid)["deleted"] == 0
    assert [e["op"] for e in outbox(db)[-2:]] == ["delete", "undelete"]


def test_issue_events_follow_the_loop(db, actor):
    with db.write(actor) as uow:
        iid = uow.insert("issue", {"title": "楼道堆物", "kind": "投诉", "category": "安全隐患"})
        uow.append("issue_event", {"issue_id": iid, "action": "report"})
        uow.append("issue_event", {"issue_id": iid, "action": "accept"})
    with pytest.raises(ValidationError) as info:
        with db.write(actor) as uow:
            uow.append("issue_event", {"issue_id": iid, "action": "rate", "payload": {"rating": "satisfied"}})
    assert info.value.field == "action"


def test_listeners_hear_what_changed(db, actor):
    heard = []
    db.subscribe(heard.append)
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室"})
    assert heard and heard[-1].touched("household") and hid in heard[-1].rows["household"]


def test_audit_entries_are_hash_chained(db, actor):
    with db.write(actor) as uow:
        uow.audit("login")
        uow.audit("export", detail={"what": "roster"})
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT prev_hash, hash FROM audit_log ORDER BY hlc").fetchall()
    assert rows[1][0] == rows[0][1] and rows[0][1] != rows[1][1]


@pytest.mark.parametrize("table,values,field,char", [
    ("household", {"address": "阳光花园1幢101室", "head_name": "张\u202e三"}, "head_name", "U+202E"),
    ("household", {"address": "阳光花园1幢\x00101室"}, "address", "U+0000"),
    ("household", {"address": "阳光花园1幢101室", "notes": "备注\x1b[31m"}, "notes", "U+001B"),
    ("issue", {"title": "楼道\n堆物"}, "title", "U+000A"),
])
def test_control_characters_are_refused_and_nothing_is_written(db, actor, table, values, field, char):
    before = len(outbox(db))
    with pytest.raises(ValidationError) as info:
        with db.write(actor) as uow:
            uow.insert(table, values)
    assert info.value.field == field and info.value.code == "control_char" and char in info.value.message
    assert len(outbox(db)) == before


def test_update_and_event_payload_are_checked_too(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园1幢101室", "notes": "第一行\n第二行 👍"})
        iid = uow.insert("issue", {"title": "楼道堆物", "kind": "投诉", "category": "安全隐患"})
    assert row(db, "household", hid)["notes"] == "第一行\n第二行 👍"
    with pytest.raises(ValidationError, match=r"U\+2066"):
        with db.write(actor) as uow:
            uow.update("household", hid, {"head_name": "\u2066王五"})
    with pytest.raises(ValidationError, match=r"U\+202E"):
        with db.write(actor) as uow:
            uow.append("issue_event", {"issue_id": iid, "action": "report", "payload": {"note": "\u202e"}})
    assert row(db, "household", hid)["head_name"] is None
