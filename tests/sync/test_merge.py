"""The merge rules on their own: which overwrites are conflicts, what a laptop takes from a pull."""
from __future__ import annotations

from gridworker.sync.merge import ALL_FIELDS, fields_to_take, merge_fields, pending_fields

WRITERS = {5: "laptop-b", 6: "laptop-a"}


def conflicts(current, versions, incoming, base, device="laptop-a"):
    return [(c.field, c.lost_value, c.won_value) for c in
            merge_fields(current, versions, incoming, base, device=device, writer_of=WRITERS.get)]


def test_an_edit_on_the_version_it_saw_is_no_conflict():
    assert conflicts({"name": "张三"}, {"name": 5}, {"name": "李四"}, {"name": 5}) == []


def test_an_unseen_overwrite_by_another_laptop_is_a_conflict():
    assert conflicts({"name": "王五"}, {"name": 5}, {"name": "李四"}, {"name": 0}) == [("name", "王五", "李四")]


def test_same_value_or_own_earlier_edit_is_no_conflict():
    assert conflicts({"name": "李四"}, {"name": 5}, {"name": "李四"}, {}) == []
    assert conflicts({"name": "王五"}, {"name": 6}, {"name": "李四"}, {}) == []  # laptop-a wrote version 6


def test_only_the_fields_edited_are_compared():
    assert conflicts({"name": "王五", "phone": "1"}, {"name": 5, "phone": 5}, {"phone": "1"}, {}) == []


def test_booleans_compare_across_backends():
    assert conflicts({"active": 1}, {"active": 5}, {"active": True}, {}) == []


def test_a_laptop_takes_newer_fields_except_those_it_is_still_sending():
    pending = pending_fields([("household", "h1", "update", {"notes": "x"}),
                              ("household", "h2", "insert", {}), ("household", "h3", "delete", {}),
                              ("visit", "v1", "append", {})])
    assert pending == {("household", "h1"): {"notes"}, ("household", "h2"): {ALL_FIELDS},
                       ("household", "h3"): {"deleted"}}
    incoming = {"notes": "server", "phone": "139", "deleted": True}
    assert fields_to_take({"phone": 9}, pending[("household", "h1")], incoming, 8) == {"deleted": True}
    assert fields_to_take({}, pending[("household", "h1")], incoming, 8) == {"phone": "139", "deleted": True}
    assert fields_to_take({}, pending[("household", "h2")], incoming, 8) == {}
    assert fields_to_take({}, pending[("household", "h3")], incoming, 8) == {"notes": "server", "phone": "139"}
    assert fields_to_take({"notes": 8}, None, incoming, 8) == {"phone": "139", "deleted": True}
