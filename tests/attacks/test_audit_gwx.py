"""Attacks on the audit chain (issue #13 hole 5) and on lost-laptop exports (hole 7).

Hole 5: the audit chain was plain SHA-256 over what the client sent, so whoever could write the
server database re-hashed a chain, trimmed its tail or deleted it whole and `server check-audit`
saw nothing; and any device could push audit rows in another device's or user's name, or rows
that do not link to the device's chain. The server now anchors each device's chain (head + keyed
receipt) and refuses such rows.

Hole 7: anyone with a device token could fetch the export public key and seal a `.gwx` claiming
another device's changes, and `server read-export --apply` landed it. Files now carry a MAC under
a secret agreed at enrolment, and only a revoked device's file applies.

Real `server run` process per backend (tests/attacks/conftest.py), raw HTTP, the real CLI.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import time

from sqlalchemy import text

from gridworker.domain.ids import new_id
from gridworker.server.audit import entry_hash
from gridworker.server.db import ServerDB
from gridworker.store import signing
from gridworker.store.rows import dumps
from gridworker.sync import lost, sealed

from support.city import COMM_A, GRID_A, password

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _cli(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "gridworker", *args], capture_output=True, text=True,
                          timeout=120, env=ENV)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _sql(city, sql: str, **params):
    sdb = ServerDB(city.url)
    try:
        with sdb.write() as conn:
            res = conn.execute(text(sql), params)
            return [tuple(r) for r in res] if res.returns_rows else None
    finally:
        sdb.dispose()


# --------------------------------------------------------------------------- hole 5: the audit chain
_CLOCK = [0]


def _hlc() -> str:
    _CLOCK[0] += 1
    return f"{time.time_ns():020d}-{_CLOCK[0]:06d}"


def _audit_fields(device_id: str, user_id: str, prev: str | None, action: str = "reveal", **over) -> dict:
    """An audit row's fields with its hash computed as the laptop computes it (UnitOfWork.audit)."""
    row = {"action": action, "table_name": "resident", "row_id": new_id(),
           "detail": dumps({"what": "id_number", "n": secrets.token_hex(3)}), "created_by": user_id,
           "device_id": device_id, "created_at": "2026-03-01T08:00:00+00:00", "prev_hash": prev, **over}
    row["hash"] = entry_hash(row)
    return row


def _push_chain(dev, n: int, prev: str | None = None) -> tuple[list[str], dict]:
    """n linked audit rows from `dev` in its own name; returns (row ids, push reply)."""
    entries, ids = [], []
    for _ in range(n):
        fields = _audit_fields(dev.id, dev.user["id"], prev)
        prev = fields["hash"]
        e = dev.entry("audit_log", "append", fields, hlc=_hlc(), created_at=fields["created_at"])
        entries.append(e)
        ids.append(e["row_id"])
    r = dev.push(*entries)
    assert r.status_code == 200, r.text
    reply = r.json()
    assert [x["status"] for x in reply["results"]] == ["applied"] * n, reply
    return ids, reply


def _check_audit(city) -> tuple[int, dict, str]:
    js = _cli("server", "check-audit", "--db", city.url, "--json")
    plain = _cli("server", "check-audit", "--db", city.url)
    assert js.returncode == plain.returncode
    return js.returncode, json.loads(js.stdout), plain.stdout


def _problems(report: dict, device_id: str) -> list[str]:
    return [p["kind"] for p in report["problems"] if p["device_id"] == device_id]


def test_a_rehashed_chain_is_reported(city):
    dev = city.device("gw_a")
    ids, reply = _push_chain(dev, 4)
    receipt = reply["audit_receipt"]  # the server's keyed acknowledgement of the chain
    assert receipt["device_id"] == dev.id and receipt["entries"] == 4 and len(receipt["receipt"]) == 64
    code, report, _ = _check_audit(city)
    assert _problems(report, dev.id) == []

    # Someone with the database covers a reveal up: the detail is changed and, so the rows still
    # verify among themselves, every hash after it is recomputed.
    rows = _sql(city, "SELECT id, action, table_name, row_id, detail, created_by, device_id, created_at, prev_hash "
                      "FROM audit_log WHERE device_id = :d ORDER BY hlc", d=dev.id)
    prev = None
    for i, r in enumerate(rows):
        row = dict(zip(("id", "action", "table_name", "row_id", "detail", "created_by", "device_id", "created_at",
                        "prev_hash"), r))
        if i == 1:
            row["detail"] = dumps({"what": "phone"})
        row["prev_hash"] = prev
        prev = row["hash"] = entry_hash(row)
        _sql(city, "UPDATE audit_log SET detail = :detail, prev_hash = :prev_hash, hash = :hash WHERE id = :id", **row)

    code, report, plain = _check_audit(city)
    assert code == 1 and not report["ok"]
    assert _problems(report, dev.id) == ["rehashed"]
    assert "re-hashed" in plain and dev.id in plain


def test_a_trimmed_tail_is_reported(city):
    dev = city.device("gw_a")
    ids, _ = _push_chain(dev, 5)
    _sql(city, "DELETE FROM audit_log WHERE id IN (:a, :b)", a=ids[3], b=ids[4])
    code, report, plain = _check_audit(city)
    assert code == 1 and _problems(report, dev.id) == ["trimmed"]
    assert "trimmed" in plain and "5" in [p for p in report["problems"] if p["device_id"] == dev.id][0]["message"]


def test_deleting_every_entry_of_a_device_is_reported(city):
    dev = city.device("gw_b")
    _push_chain(dev, 3)
    _sql(city, "DELETE FROM audit_log WHERE device_id = :d", d=dev.id)
    code, report, plain = _check_audit(city)
    assert code == 1 and _problems(report, dev.id) == ["deleted"]
    assert dev.id in plain and "deleted" in plain


def test_a_party_members_device_cannot_push_audit_rows_of_another_device_or_user(city):
    victim = city.device("gw_a")
    own_ids, _ = _push_chain(victim, 1)
    attacker = city.device("pm_a")
    # In the grid worker's device's name (a fresh chain that hashes correctly): the server stores the
    # pushing device and the signer, never the ids the row claims, so the row no longer hashes.
    as_device = _audit_fields(victim.id, victim.user["id"], None, action="login")
    res = attacker.push_one("audit_log", "append", as_device, hlc=_hlc())
    assert res["status"] == "rejected" and res["code"] == "audit_chain", res
    # …or from its own device, the row naming the grid worker (the entry is the party member's:
    # stored as theirs, the row no longer hashes)…
    as_user = _audit_fields(attacker.id, victim.user["id"], None, action="login")
    res = attacker.push_one("audit_log", "append", as_user, hlc=_hlc())
    assert res["status"] == "rejected" and res["code"] == "audit_chain", res
    # …or the entry too naming the grid worker, who has no credential on the attacker's device.
    res = attacker.push_one("audit_log", "append", as_user, hlc=_hlc(), user_id=victim.user["id"])
    assert res["status"] == "rejected" and res["code"] == "bad_signature", res
    assert res["reason"]  # a reason the laptop shows
    assert _sql(city, "SELECT count(*) FROM audit_log WHERE device_id = :d", d=victim.id) == [(1,)]
    assert _sql(city, "SELECT count(*) FROM audit_log WHERE device_id = :d", d=attacker.id) == [(0,)]
    code, report, plain = _check_audit(city)
    refused = [r for r in report["refused"] if r["device_id"] == attacker.id]
    assert [r["code"] for r in refused] == ["audit_chain", "audit_chain"]  # recorded; the unsigned one never reached the chain
    assert _problems(report, victim.id) == []


def test_an_audit_row_that_does_not_link_to_the_chain_is_rejected(city):
    dev = city.device("gw_b")
    ids, _ = _push_chain(dev, 2)
    bogus = _audit_fields(dev.id, dev.user["id"], hashlib.sha256(b"not the head").hexdigest())
    res = dev.push_one("audit_log", "append", bogus, hlc=_hlc())
    assert res["status"] == "rejected" and res["code"] == "audit_chain", res
    # A first row pretending to start a new chain (prev None) is no better.
    restart = _audit_fields(dev.id, dev.user["id"], None)
    res = dev.push_one("audit_log", "append", restart, hlc=_hlc())
    assert res["status"] == "rejected" and res["code"] == "audit_chain", res
    assert _sql(city, "SELECT count(*) FROM audit_log WHERE device_id = :d", d=dev.id) == [(2,)]
    # The chain still continues from the real head, and the receipt follows it.
    last = _sql(city, "SELECT hash FROM audit_log WHERE id = :i", i=ids[-1])[0][0]
    fields = _audit_fields(dev.id, dev.user["id"], last)
    r = dev.push(dev.entry("audit_log", "append", fields, hlc=_hlc()))
    assert r.json()["results"][0]["status"] == "applied" and r.json()["audit_receipt"]["entries"] == 3
    code, report, plain = _check_audit(city)
    assert _problems(report, dev.id) == []
    assert [r["code"] for r in report["refused"] if r["device_id"] == dev.id] == ["audit_chain", "audit_chain"]


# --------------------------------------------------------------------------- hole 7: .gwx exports
def _forge(public_key: str, device_id: str, entries: list[dict], mac: str | None = None) -> bytes:
    """A sealed file as an attacker makes it: the right format, sealed to the server's public key."""
    payload = {"kind": lost.PAYLOAD_KIND, "version": 1, "device_id": device_id, "community_id": COMM_A,
               "community_code": "CA", "community_name": "甲社区", "users": [], "exported_at": "2026-03-01T08:00:00+00:00",
               "reason": "device revoked", "counts": {"entries": len(entries), "audit": 0, "by_table": {}},
               "first_seq": entries[0]["seq"], "last_seq": entries[-1]["seq"], "entries": entries, "audit": []}
    if mac:
        payload["mac"] = {"alg": "HMAC-SHA256", "value": mac}
    blob, _ = sealed.seal(json.dumps(payload, ensure_ascii=False).encode("utf-8"), public_key,
                          purpose="unsent-changes", device_id=device_id, created=payload["exported_at"],
                          entries=len(entries))
    return blob


def _household_entry(seq: int, address: str) -> dict:
    return {"seq": seq, "tx_id": new_id(), "table": "household", "row_id": new_id(), "op": "insert",
            "fields": {"address": address, "grid_id": GRID_A}, "base_versions": {}, "hlc": None,
            "user_id": None, "created_at": None}


def test_a_forged_export_in_another_devices_name_is_refused(city, tmp_path):
    victim = city.device("gw_a")  # the laptop that is lost and revoked
    assert _cli("server", "revoke-device", "--db", city.url, "--device", victim.id).returncode == 0
    attacker = city.device("pm_a")
    key = attacker.get("/sync/export-key")
    assert key.status_code == 200
    address = f"伪造花园{secrets.token_hex(3)}号"
    entries = [_household_entry(1, address)]
    for name, mac in (("nomac", None), ("badmac", secrets.token_hex(32))):
        path = tmp_path / f"unsent-{victim.id}-{name}.gwx"
        path.write_bytes(_forge(key.json()["public_key"], victim.id, entries, mac))
        res = _cli("server", "read-export", str(path), "--db", city.url, "--apply")
        assert res.returncode == 1, res.stdout
        assert "签名校验" in res.stderr + res.stdout and "未应用任何修改" in res.stderr + res.stdout
    assert _sql(city, "SELECT count(*) FROM household WHERE address = :a", a=address) == [(0,)]
    assert _sql(city, "SELECT count(*) FROM export_apply WHERE device_id = :d", d=victim.id) == [(0,)]


def _laptop(city, tmp_path, name: str):
    from gridworker.store.template import fresh_laptop
    from gridworker.sync.enrol import enroll

    db = fresh_laptop(tmp_path / name / "gridworker.db")
    enroll(db, city.base, "gw_a", password("gw_a"), device_name=name)
    uid = db.get_state("user_id")
    with db.write(db.actor(uid)) as uow:
        hid = uow.insert("household", {"address": f"{name}花园1幢101室", "head_name": "王建国"})
        uow.audit("reveal", table="household", row_id=hid, detail={"what": "phone"})
    return db, hid


def test_only_a_revoked_laptops_real_export_applies(city, tmp_path):
    db, hid = _laptop(city, tmp_path, "real")
    assert db.get_state(lost.EXPORT_SECRET_STATE)  # agreed at enrolment
    path = lost.export_unsent(db, tmp_path / "out")
    shown = _cli("server", "read-export", str(path), "--db", city.url, "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["summary"]["authenticated"] is True
    # Still in use: its own sync delivers its changes; the file is not applied.
    early = _cli("server", "read-export", str(path), "--db", city.url, "--apply")
    assert early.returncode == 1 and "没有被停用" in early.stderr + early.stdout
    assert _sql(city, "SELECT count(*) FROM household WHERE id = :i", i=hid) == [(0,)]
    assert _cli("server", "revoke-device", "--db", city.url, "--device", db.device_id).returncode == 0
    done = _cli("server", "read-export", str(path), "--db", city.url, "--apply", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["apply"]
    assert result["applied"] == 2 and result["rejected"] == 0 and result["authentication"] == "device_mac"
    assert _sql(city, "SELECT count(*) FROM household WHERE id = :i", i=hid) == [(1,)]
    db.close()


def test_an_unsigned_export_of_an_old_laptop_is_shown_but_applied_only_when_trusted(city, tmp_path):
    db, hid = _laptop(city, tmp_path, "old")
    # Enrolled before export secrets existed: neither side has one.
    db.set_state(lost.EXPORT_SECRET_STATE, None)
    _sql(city, "DELETE FROM device_secret WHERE device_id = :d", d=db.device_id)
    path = lost.export_unsent(db, tmp_path / "out")
    assert _cli("server", "revoke-device", "--db", city.url, "--device", db.device_id).returncode == 0
    shown = _cli("server", "read-export", str(path), "--db", city.url)
    assert shown.returncode == 0 and "signed     NO" in shown.stdout
    refused = _cli("server", "read-export", str(path), "--db", city.url, "--apply")
    assert refused.returncode == 1 and "--trust-unauthenticated" in refused.stderr + refused.stdout
    assert _sql(city, "SELECT count(*) FROM household WHERE id = :i", i=hid) == [(0,)]
    trusted = _cli("server", "read-export", str(path), "--db", city.url, "--apply", "--trust-unauthenticated",
                   "--by", "admin_a", "--json")
    assert trusted.returncode == 0, trusted.stderr
    assert _sql(city, "SELECT authentication, applied_by FROM export_apply WHERE device_id = :d",
                d=db.device_id) == [("trusted_unauthenticated", "admin_a")]
    assert _sql(city, "SELECT count(*) FROM household WHERE id = :i", i=hid) == [(1,)]
    db.close()


def test_a_second_user_of_a_shared_laptop_extends_its_chain_but_no_outsider_can(city):
    laptop = city.device("gw_a")
    _ids, reply = _push_chain(laptop, 1)
    head = _sql(city, "SELECT head_hash FROM audit_head WHERE device_id = :d", d=laptop.id)[0][0]
    # Another user of community A logs in on the same laptop (online): their credential there signs.
    r = laptop.post("/auth/check-user", {"username": "pm_a", "password": password("pm_a")})
    assert r.status_code == 200, r.text
    member, member_secret = r.json()["user"], r.json()["user_secret"]
    fields = _audit_fields(laptop.id, member["id"], head, action="login")
    entry = laptop.entry("audit_log", "append", fields, hlc=_hlc(), user_id=member["id"], sig="")
    entry["sig"] = signing.sign(member_secret, **signing.entry_of(entry))
    res = laptop.push(entry).json()["results"][0]
    assert res["status"] == "applied", res
    assert _sql(city, "SELECT created_by FROM audit_log WHERE id = :i", i=entry["row_id"]) == [(member["id"],)]
    outsider_dev = city.device("gw_b")  # a user of community B is nobody on this laptop
    outsider = outsider_dev.user
    fields = _audit_fields(laptop.id, outsider["id"], fields["hash"], action="login")
    entry = laptop.entry("audit_log", "append", fields, hlc=_hlc(), user_id=outsider["id"], sig="")
    entry["sig"] = signing.sign(outsider_dev.secret, **signing.entry_of(entry))  # their credential elsewhere
    res = laptop.push(entry).json()["results"][0]
    assert res["status"] == "rejected" and res["code"] == "bad_signature", res
