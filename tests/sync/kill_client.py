"""A long-lived helper process for the SIGKILL test: it imports everything once, then for each
line ``<db path> <push|pull|sync> <delay seconds>`` on stdin forks a real client process that syncs
that laptop, SIGKILLs it after the delay (if still running), and answers ``killed`` or ``finished``.

Forking from here (a single-threaded process) makes each client cheap to start, so a test can kill
dozens of them at random points.
"""
from __future__ import annotations

import os
import signal
import sys
import time

from gridworker.store.database import Database
from gridworker.sync.engine import SyncEngine


def client(path: str, mode: str) -> None:
    db = Database.open(path, check=False)
    engine = SyncEngine(db, push_batch=5, pull_limit=10, retries=0)
    getattr(engine, mode)()
    db.close()


def main() -> None:
    for line in sys.stdin:
        path, mode, delay = line.split()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                client(path, mode)
            except BaseException as exc:  # noqa: BLE001 - report, never return into the loop
                sys.stderr.write(f"client error: {exc!r}\n")
                code = 3
            os._exit(code)
        deadline = time.monotonic() + float(delay)
        status = None
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.002)
        else:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            answer = "killed"
        else:
            answer = "finished" if os.WEXITSTATUS(status) == 0 else f"error{os.WEXITSTATUS(status)}"
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
