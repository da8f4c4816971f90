"""Benchmark: what signing every outbox entry costs (issue #13, users act).

    .venv/bin/python bench/bench_signing.py [--sizes 1000,10000,50000]

Laptop side: ``insert_many`` of N households into an encrypted laptop database (the ledger import's
path), with the user's credential held (every entry signed) and without (unsigned), same data; the
difference is the signing. Server side: checking N pushed entries' signatures (server/credentials.py
``Signers.acting_user``: one credential look-up per user, then an HMAC per entry), without the rest of
push. Best of 3, wall-clock seconds and microseconds per entry; cost grows linearly with N.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gridworker.store import signing  # noqa: E402
from gridworker.store.database import Database  # noqa: E402
from gridworker.sync import wire  # noqa: E402

COMMUNITY = "0190a000-0000-7000-8000-0000000000aa"
USER = "0190a000-0000-7000-8000-0000000000u1"


def _rows(n: int) -> list[dict]:
    return [{"address": f"阳光花园{i // 100 + 1}幢1单元{i % 100 + 101}室", "head_name": f"户主{i}",
             "phone": "13812345678", "community_id": COMMUNITY} for i in range(n)]


def laptop(n: int, signed: bool, folder: Path) -> float:
    db = Database.open(folder / f"l-{n}-{signed}-{secrets.token_hex(3)}.db", key=secrets.token_bytes(32))
    if signed:
        db.keep_credential(USER, signing.new_credential())
    rows = _rows(n)
    started = time.perf_counter()
    with db.write(db.actor(USER)) as uow:
        uow.insert_many("household", rows)
    took = time.perf_counter() - started
    db.close()
    return took


def sign_only(n: int) -> float:
    """The laptop's added work alone: the canonical bytes from the stored JSON, and the HMAC."""
    from gridworker.store.rows import dumps  # noqa: PLC0415

    key = signing.credential_bytes(signing.new_credential())
    stored = [dumps(r) for r in _rows(n)]
    started = time.perf_counter()
    for i, fields in enumerate(stored):
        signing.sign_message(key, signing.message_from_json("household", f"r{i}", "insert", fields, "{}",
                                                            "0001", USER, "2026-12-05T10:00:00+08:00"))
    return time.perf_counter() - started


def server(n: int) -> float:
    from gridworker.server.credentials import Signers  # noqa: PLC0415

    key = signing.credential_bytes(signing.new_credential())
    entries = []
    for i, row in enumerate(_rows(n)):
        e = {"seq": i + 1, "table": "household", "row_id": f"r{i}", "op": "insert", "fields": row,
             "base_versions": {}, "hlc": f"{i:013d}-0000-abc", "user_id": USER, "created_at": "2026-12-05T10:00:00+08:00"}
        e["sig"] = signing.sign(key, **signing.entry_of(e))
        entries.append(wire.OutboxEntry.model_validate(e))
    signers = Signers(None, "device")
    signers._found[USER] = (object(), key)  # the one look-up, done: time the per-entry check
    started = time.perf_counter()
    assert all(signers.acting_user(e) is not None for e in entries)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    args = ap.parse_args()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            plain = min(laptop(n, False, Path(tmp)) for _ in range(3))
            signed = min(laptop(n, True, Path(tmp)) for _ in range(3))
            check = min(server(n) for _ in range(3))
            alone = min(sign_only(n) for _ in range(3))
            out.append({"entries": n, "laptop_unsigned_s": round(plain, 3), "laptop_signed_s": round(signed, 3),
                        "difference_us_per_entry": round((signed - plain) / n * 1e6, 1),
                        "signing_alone_us_per_entry": round(alone / n * 1e6, 2),
                        "server_check_s": round(check, 3), "server_us_per_entry": round(check / n * 1e6, 1)})
            print(json.dumps(out[-1], ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
