"""Long commands show progress on the terminal (#17): a bar on a terminal, a line now and then in a log
or pipe, nothing with --json (stdout stays one JSON object)."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys


def generate(folder, *extra: str, tty: bool = False) -> tuple[int, str, str]:
    args = [sys.executable, "-m", "gridworker", "db", "generate", "--data-dir", str(folder), "--households", "300",
            "--user", "wang", "--password-stdin", *extra]
    if not tty:
        p = subprocess.run(args, input="pw-wang-123456\n", capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout, p.stderr
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    out, _ = p.communicate("pw-wang-123456\n", timeout=300)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return p.returncode, out, b"".join(chunks).decode("utf-8", "replace")


def test_db_generate_shows_progress_and_is_quiet_with_json(tmp_path):
    code, out, err = generate(tmp_path / "a")
    assert code == 0 and "households: 300 / 300" in err, err
    code, out, err = generate(tmp_path / "b", "--json")
    assert code == 0 and "households:" not in err and json.loads(out)["households"] == 300
    code, out, err = generate(tmp_path / "c", tty=True)
    assert code == 0 and "households" in err and "100%" in err, err[-500:]
