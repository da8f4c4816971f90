"""Entry signatures (store/signing.py): the laptop signs from the JSON it stores, the server from the
values it parsed; both must build the same bytes, or every honest change would be refused."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.store import signing
from gridworker.store.rows import dumps

KEY = signing.credential_bytes(signing.new_credential())
text = st.text(max_size=12)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53), text,
                   st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=200, deadline=None)
@given(fields=st.dictionaries(text, scalar, max_size=6), base=st.dictionaries(text, st.integers(0, 2**40), max_size=4),
       table=text, row_id=text, op=text, hlc=st.one_of(st.none(), text), user=st.one_of(st.none(), text),
       at=st.one_of(st.none(), text))
def test_the_laptops_bytes_equal_the_servers_after_a_round_trip_through_json(fields, base, table, row_id, op, hlc,
                                                                              user, at):
    laptop = signing.message_from_json(table, row_id, op, dumps(fields), dumps(base), hlc, user, at)
    wire = json.loads(json.dumps({"fields": fields, "base": base}))  # what the server parses
    server = signing.message(table, row_id, op, wire["fields"], wire["base"], hlc, user, at)
    assert laptop == server
    sig = signing.sign_message(KEY, laptop)
    assert signing.verify(KEY, sig, table=table, row_id=row_id, op=op, fields=wire["fields"],
                          base_versions=wire["base"], hlc=hlc, user_id=user, created_at=at)


def test_any_change_to_what_an_entry_does_or_who_it_names_breaks_the_signature():
    entry = {"table": "household", "row_id": "h1", "op": "update", "fields": {"head_name": "张三"},
             "base_versions": {"head_name": 3}, "hlc": "0001", "user_id": "u1", "created_at": "2026-12-05T10:00:00"}
    sig = signing.sign(KEY, **entry)
    assert signing.verify(KEY, sig, **entry)
    for key, value in (("table", "resident"), ("row_id", "h2"), ("op", "delete"), ("fields", {"head_name": "李四"}),
                       ("base_versions", {"head_name": 9}), ("hlc", "0002"), ("user_id", "u2"),
                       ("created_at", "2026-12-05T10:00:01")):
        assert not signing.verify(KEY, sig, **{**entry, key: value}), key
    other = signing.credential_bytes(signing.new_credential())
    assert not signing.verify(other, sig, **entry)
    assert not signing.verify(KEY, None, **entry) and not signing.verify(KEY, "p1." + sig[3:], **entry)
