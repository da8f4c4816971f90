"""The laptop's own tables: unsent changes counted, review items kept once and settled, local users
remembered once, and the state keys a laptop of an earlier release wrote still read."""
from __future__ import annotations

from gridworker.store import local
from gridworker.store.local import State


def test_unsent_changes_are_counted_as_they_are_written(db, actor):
    with db.read() as conn:
        before = local.pending_count(conn)
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室"})
        uow.update("household", hid, {"head_name": "张建国"})
    with db.read() as conn:
        assert local.pending_count(conn) == before + 2


def test_a_review_item_is_kept_once_shown_with_its_row_and_settled(db, actor):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3幢2单元501室", "phone": "13812345678"})
    item = dict(id="c-1", kind="conflict", table_name="household", row_id=hid, field="phone",
                local_value='"13812345678"', remote_value='"13900000000"', reason="两台电脑同时修改",
                detail='{"lost_device": "other"}')
    with db.sync_transaction() as conn:
        local.add_review_item(conn, **item)
        local.add_review_item(conn, **item)  # a retried sync brings it again
    with db.read() as conn:
        assert local.open_counts(conn) == {"conflict": 1}
        shown = local.open_items(conn, db.device_id)["conflict"]
    assert len(shown) == 1 and shown[0]["row_label"] == "阳光花园3幢2单元501室"
    assert shown[0]["local_value"] == "13812345678" and shown[0]["current_value"] == "13812345678"
    with db.sync_transaction() as conn:
        local.resolve(conn, "c-1", "kept_local")
    with db.read() as conn:
        assert local.open_counts(conn) == {}
        assert local.review_item(conn, "c-1")["detail"]["resolution"] == "kept_local"


def test_a_local_user_is_remembered_once_and_refreshed(db):
    user = {"id": "u-9", "username": "liu", "display_name": "刘党员", "role": "party_member", "org_id": None}
    with db.sync_transaction() as conn:
        local.remember_user(conn, user)
        local.remember_user(conn, {**user, "display_name": "刘建华"})
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM local_user WHERE id = 'u-9'").scalar() == 1
        assert local.user_name(conn, "u-9") == "刘建华"
    with db.sync_transaction() as conn:
        local.forget_user(conn, "u-9")
    with db.read() as conn:
        assert local.user_name(conn, "u-9") is None


def test_state_keys_are_the_ones_laptops_already_store():
    # A laptop enrolled by an earlier release keeps its cursor, token and server under these names.
    assert (State.CURSOR, State.TOKEN, State.SERVER_URL, State.OUTBOX_SEQ, State.DEVICE_ID) == (
        "sync_cursor", "device_token", "server_url", "outbox_seq", "device_id")


def test_the_transport_of_a_laptop_that_never_enrolled_says_so(db):
    import pytest

    from gridworker.sync.transport import NotEnrolled, transport_for

    with pytest.raises(NotEnrolled) as err:
        transport_for(db)
    assert "尚未注册" in err.value.message
