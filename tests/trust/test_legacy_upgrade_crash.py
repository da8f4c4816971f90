"""A plain laptop of the previous release killed in the middle of its first (encrypting) login:
the next login finishes the job and nothing is lost (a real process, SIGKILLed)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from gridworker.store.connect import is_encrypted
from gridworker.store.database import Database
from gridworker.store.keyslots import KeySlots
from gridworker.sync.laptop import LOCKED, Laptop, remember_local_user

NUMBERS = ["13912345678", "320211198001010026"]

# The child logs in; the key file is written, then the child dies before the file is encrypted.
CHILD = textwrap.dedent("""
    import os, signal, sys
    from gridworker.store import encrypt
    from gridworker.store.keyslots import set_kdf_costs
    from gridworker.sync.laptop import Laptop
    set_kdf_costs(t=1, m=8192, p=1)
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    encrypt.encrypt_in_place = die
    Laptop(sys.argv[1]).login("laowang", "old-password", online_check=False)
""")


def _plain_laptop(folder):
    plain = Database.open(folder / "gridworker.db")  # no key: as the previous release wrote it
    plain.set_state("community_id", "0190d000-0000-7000-8000-00000000000a")
    remember_local_user(plain, {"id": "u-old", "username": "laowang", "display_name": "老王", "role": "grid_worker",
                                "org_id": None}, "old-password")
    with plain.write(plain.actor(plain.get_state("user_id"))) as uow:
        hid = uow.insert("household", {"address": "老小区1幢101室", "head_name": "王老五", "phone": NUMBERS[0]})
        uow.insert("resident", {"household_id": hid, "name": "王老五", "id_number": NUMBERS[1], "phone": NUMBERS[0]})
    plain.close()


def test_killed_after_the_key_file_before_the_encryption_the_next_login_finishes(tmp_path):
    folder = tmp_path / "old"
    _plain_laptop(folder)
    child = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert KeySlots.load(folder / "gridworker.db") is not None, "the key file was written first"
    assert not is_encrypted(folder / "gridworker.db"), "the child died before encrypting"

    laptop = Laptop(folder)
    assert laptop.state == LOCKED
    login = laptop.login("laowang", "old-password", online_check=False)
    try:
        with login.db.read() as conn:
            assert conn.exec_driver_sql("SELECT phone FROM household").scalar() == NUMBERS[0]
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 2
    finally:
        login.db.close()
    assert is_encrypted(folder / "gridworker.db")
    blob = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert not [n for n in NUMBERS if n.encode() in blob]
