"""A process that encrypts a plaintext laptop database and is SIGKILLed at a chosen step.

    python encrypt_child.py DB KEY_HEX MODE

MODE ``step:NAME`` kills this process (a real SIGKILL, no clean-up) when ``encrypt_in_place``
reaches step NAME (``step:NAME@2``: the second time, i.e. on the migration copy after the database); ``nolink:NAME`` does the same on a file system without hard links; ``run``
prints ``start`` and runs to the end (the test kills it after a delay of its own choosing).
"""
import os
import signal
import sys

from gridworker.store import encrypt


def main(db: str, key_hex: str, mode: str) -> None:
    kind, _, step = mode.partition(":")
    if kind == "nolink":
        def no_link(*_a, **_k):
            raise OSError("hard links not supported here")
        os.link = no_link
    if step:
        step, _, nth = step.partition("@")
        seen = []

        def hook(name: str) -> None:
            if name == step:
                seen.append(name)
                if len(seen) == int(nth or 1):
                    os.kill(os.getpid(), signal.SIGKILL)
        encrypt._step_hook = hook
    print("start", flush=True)
    encrypt.encrypt_in_place(db, bytes.fromhex(key_hex))
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
