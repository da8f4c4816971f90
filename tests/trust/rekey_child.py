"""A laptop process that removes a user and is SIGKILLed at a chosen step of the re-key.

    python rekey_child.py FOLDER ADMIN PASSWORD REMOVED STEP

STEP is a step name of :mod:`gridworker.store.rekey` (``sealed``: the key file holds both keys, the
database still the old one; ``rekeyed``: the database has the new key, the key file both;
``finished``: all done). The process logs in as ADMIN, removes REMOVED and dies at STEP (a real
SIGKILL, no clean-up).
"""
import os
import signal
import sys

from gridworker.store import rekey
from gridworker.store.keyslots import set_kdf_costs
from gridworker.sync.laptop import Laptop


def main(folder: str, admin: str, password: str, removed: str, step: str) -> None:
    set_kdf_costs(t=1, m=8192, p=1)

    def hook(name: str) -> None:
        if name == step:
            os.kill(os.getpid(), signal.SIGKILL)

    rekey._step_hook = hook
    laptop = Laptop(folder)
    login = laptop.login(admin, password, online_check=False)
    print("start", flush=True)
    laptop.remove_user(login.db, removed)
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
