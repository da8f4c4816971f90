"""A writer process for the crash test: writes transactions forever, printing each committed tx.

Each transaction inserts one household, two residents and one visit, so a torn transaction
would show up as a household without its residents. The database is opened with the data key
given in hex (an encrypted laptop database, as every real one is), so a kill lands in the middle
of SQLCipher's page encryption and commit.
"""
import sys

from gridworker.store.database import Database


def main(path: str, tag: str, key_hex: str | None) -> None:
    # The full quick_check on open: every restart after a kill checks the file first.
    db = Database.open(path, key=bytes.fromhex(key_hex) if key_hex else None)
    actor = db.actor("crash-user")
    print("ready", flush=True)
    i = 0
    while True:
        with db.write(actor) as uow:
            hid = uow.insert("household", {"address": f"崩溃小区{tag}幢{i}室", "head_name": "测试"})
            uow.insert("resident", {"household_id": hid, "name": "甲", "relation": "02"})
            uow.insert("resident", {"household_id": hid, "name": "乙", "relation": "10"})
            uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-01-05T10:00:00"})
            if i % 3 == 0:
                uow.update("household", hid, {"head_name": f"改{i}"})
        print(f"committed {hid}", flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
