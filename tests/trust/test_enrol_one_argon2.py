"""Enrolment costs one Argon2id derivation on the laptop (the key slot's, made while the server
checks the password), and what it seals opens with that password only."""
from __future__ import annotations

import pytest

from gridworker.store import keyslots
from gridworker.store.keyslots import KeySlots, WrongPassword, derive_password_key
from gridworker.sync import enrol
from gridworker.sync.laptop import Laptop
from support.server import password


@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts every Argon2id the laptop side computes (key slots and the legacy offline hash)."""
    calls: list[str] = []
    raw = keyslots.hash_secret_raw

    def counted(*a, **kw):
        calls.append("slot")
        return raw(*a, **kw)

    monkeypatch.setattr(keyslots, "hash_secret_raw", counted)
    hasher = enrol.local_hasher()

    class Counting:
        def hash(self, pw, *a, **kw):
            calls.append("offline-hash")
            return hasher.hash(pw, *a, **kw)

        def verify(self, *a, **kw):
            return hasher.verify(*a, **kw)

    monkeypatch.setattr(enrol, "local_hasher", Counting)
    return calls


def test_enrolling_an_encrypted_laptop_derives_one_argon2id_and_the_slot_opens(world, tmp_path, argon2_calls):
    login = Laptop(tmp_path / "new").enroll(world.url, "gw_a", password("gw_a"), first_sync=False)
    login.db.close()
    # Before: the slot's derivation plus an offline-login hash in local_user that nothing read.
    assert argon2_calls == ["slot"]
    slots = KeySlots.load(tmp_path / "new" / "gridworker.db")
    assert slots.unlock("gw_a", password("gw_a")) == login.key
    with pytest.raises(WrongPassword):
        slots.unlock("gw_a", "not-the-password")


def test_a_key_derived_for_another_password_is_not_used(tmp_path):
    slots, key = KeySlots.create(tmp_path / "gridworker.db")
    other = derive_password_key("someone-elses-password")
    slots.add_user(key, user_id="u1", username="gw", display_name="gw", role="grid_worker", org_id=None,
                   password="the-real-password", password_key=other)
    assert slots.unlock("gw", "the-real-password") == key
    with pytest.raises(WrongPassword):
        slots.unlock("gw", "someone-elses-password")
