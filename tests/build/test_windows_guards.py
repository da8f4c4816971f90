"""What differs on Windows is guarded in code (#17), checked here: a folder cannot be fsynced there
(no O_DIRECTORY), and an atomic write still replaces the file whole."""
from __future__ import annotations

import os

from gridworker.store import files


def test_atomic_writes_work_without_directory_handles(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_DIRECTORY", raising=False)  # as on Windows
    target = tmp_path / "gridworker.keys"
    files.write_atomically(target, b"old")
    files.write_atomically(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert not (tmp_path / "gridworker.keys.tmp").exists()
    files.fsync_dir(tmp_path)  # a no-op there, never an error
