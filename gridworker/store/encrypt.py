"""Encrypt a laptop database made by the previous (plaintext) release, in place.

:func:`encrypt_in_place` turns ``gridworker.db`` into a SQLCipher file keyed with the laptop's data
key, leaving no plaintext copy of it by name in the folder: not the old file, its ``-wal``/``-shm``,
nor the ``*.pre-upgrade-*.bak`` copies that migrations left beside it (they hold the same personal
data; they are encrypted too).

**Before calling it the data key must already be saved in the key file** (``KeySlots.add_user`` /
``save``): from step 5 on the live file opens only with that key.

The plan, one file at a time (the database, then each plaintext ``.bak``), with what a kill
(SIGKILL, power cut) at that point leaves:

1. Leftovers of an earlier interrupted run are cleared: a half-written ``<f>.encrypting`` (never the
   live file) is deleted; a ``<f>.plaintext-old`` that is *not* the live file is shredded.
   → the live file is untouched.
2. The plaintext file is opened alone: ``PRAGMA wal_checkpoint(FULL)`` copies every committed change
   from the ``-wal`` into the file, the ``-wal`` bytes are overwritten with zeros (every frame is
   already in the file, so a reader finds an empty log), and ``journal_mode=DELETE`` removes the
   ``-wal`` and ``-shm``. A file another program has open is refused.
   → the plaintext file, complete on its own, in rollback-journal mode (opens as before).
3. ``ATTACH '<f>.encrypting' AS enc KEY "x'<hex>'"``, ``SELECT sqlcipher_export('enc')``, then
   ``user_version`` and ``application_id`` copied, ``DETACH``; the new file is fsynced.
   → the plaintext file is still the live one; the partial ``.encrypting`` is removed by step 1.
4. The new file is verified with the key: ``quick_check`` ok, ``user_version`` and every table's row
   count equal to the plaintext file's.
   → as in 3.
5. The plaintext file gets a second name ``<f>.plaintext-old`` (a hard link: same bytes, no copy),
   then ``os.replace('<f>.encrypting', '<f>')`` atomically puts the encrypted file under the live
   name and the folder is fsynced.
   → before the rename: the plaintext file is live (the link is the same file, step 1 leaves it);
   after it: the encrypted file is live and ``.plaintext-old`` is the only plaintext left, which
   step 1 of the next run (:func:`needs_encryption` is True while it exists) shreds.
6. ``.plaintext-old`` is overwritten with random bytes, fsynced and unlinked.
   → the encrypted file is live.

On a file system without hard links step 5 renames the plaintext file to ``.plaintext-old`` first;
a kill between the two renames then leaves no file under the live name, and the next run (step 1)
renames the plaintext file back and starts again: call :func:`encrypt_in_place` whenever
:func:`needs_encryption` is True, before opening the database.

How much of a shredded file's old blocks a flash disk really overwrites is up to its firmware; what
this guarantees is that no file in the folder holds the plaintext.

No Qt here.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Callable

from ..domain.errors import GridworkerError
from .connect import is_encrypted, raw_connect
from .files import fsync_dir as _fsync_dir
from .files import fsync_file as _fsync_file

ENCRYPTING = ".encrypting"
OLD = ".plaintext-old"
SIDE_FILES = ("-wal", "-shm", "-journal")
BUSY_MS = 2000
IN_USE = "数据库正被其他程序使用，无法加密：{0}。请关闭其他 gridworker 窗口后重试。"

# Tests set this to stop the process at a named step (a real SIGKILL); None in the app.
_step_hook: Callable[[str], None] | None = None


class EncryptError(GridworkerError):
    """The database could not be encrypted; the plaintext file was left as it was."""


def _step(name: str) -> None:
    if _step_hook is not None:
        _step_hook(name)


# ---------------------------------------------------------------------------------------------- files
def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _overwrite(path: Path, *, random: bool) -> None:
    """Write over every byte of ``path`` (random or zeros) and fsync, keeping its length."""
    size = path.stat().st_size
    chunk = 1 << 20
    with open(path, "r+b", buffering=0) as f:
        done = 0
        while done < size:
            n = min(chunk, size - done)
            f.write(secrets.token_bytes(n) if random else bytes(n))
            done += n
        os.fsync(f.fileno())


def shred(path: Path) -> None:
    """Overwrite a plaintext file's bytes, then unlink it (and its side files)."""
    for p in (path, *(_side(path, s) for s in SIDE_FILES)):
        if p.exists():
            _overwrite(p, random=True)
            p.unlink()
    _fsync_dir(path.parent)


def plaintext_backups(db_path: Path) -> list[Path]:
    """The migration copies beside the database (``<db>.pre-upgrade-*.bak``) still in plaintext."""
    return sorted(p for p in db_path.parent.glob(db_path.name + ".pre-upgrade-*.bak")
                  if p.is_file() and p.stat().st_size > 0 and not is_encrypted(p))


def _migration_copies(db_path: Path) -> list[Path]:
    """Every ``.bak`` beside the database, also one an interrupted run left only under a temporary name."""
    names = set()
    for suffix in ("", OLD, ENCRYPTING):
        for p in db_path.parent.glob(db_path.name + ".pre-upgrade-*.bak" + suffix):
            names.add(p.name[: len(p.name) - len(suffix)] if suffix else p.name)
    return [db_path.with_name(n) for n in sorted(names)]


def needs_encryption(db_path: str | Path) -> bool:
    """True when :func:`encrypt_in_place` has work to do: the database (or a ``.bak`` beside it) is
    plaintext, or an interrupted run left a plaintext or temporary file behind."""
    db_path = Path(db_path)
    if db_path.exists() and db_path.stat().st_size > 0 and not is_encrypted(db_path):
        return True
    if plaintext_backups(db_path):
        return True
    folder = db_path.parent
    return any(folder.glob(db_path.name + "*" + ENCRYPTING)) or any(folder.glob(db_path.name + "*" + OLD))


# ---------------------------------------------------------------------------------------------- steps
def _counts(conn, schema: str = "main") -> dict[str, int]:
    out = {}
    for name in [r[0] for r in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]:
        quoted = name.replace('"', '""')
        out[name] = int(conn.execute(f'SELECT count(*) FROM {schema}."{quoted}"').fetchone()[0])
    return out


def _recover(path: Path, key: bytes) -> None:
    """Step 1 (and the no-hard-link case of step 5): clear what an interrupted run left behind."""
    tmp, old = _side(path, ENCRYPTING), _side(path, OLD)
    if not path.exists() and old.exists():
        # Killed between the two renames of the no-hard-link path: the plaintext file goes back
        # (complete, checkpointed); this run encrypts it again.
        os.replace(old, path)
        _fsync_dir(path.parent)
    for suffix in SIDE_FILES:
        _remove(_side(tmp, suffix))
    _remove(tmp)
    if old.exists():
        if path.exists() and os.path.samefile(old, path):
            old.unlink()  # killed before the swap: the link is the live plaintext file itself
        else:
            shred(old)


def _checkpoint_alone(conn, path: Path) -> None:
    """Step 2: everything in the main file, no -wal/-shm left."""
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
    if mode == "wal":
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
        if busy:
            raise EncryptError(IN_USE.format(path))
        wal = _side(path, "-wal")
        if wal.exists() and wal.stat().st_size:
            _overwrite(wal, random=False)
            _step("wal-zeroed")
    mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0].lower()
    if mode != "delete":
        raise EncryptError(IN_USE.format(path))
    wal = _side(path, "-wal")
    if wal.exists():
        if wal.stat().st_size:
            raise EncryptError(f"数据库的日志文件未能合并：{wal}。请关闭其他 gridworker 窗口后重试。")
        wal.unlink()
    # The shared-memory index (page numbers, no row data) is not used in exclusive mode: drop it.
    _remove(_side(path, "-shm"))


def _verify_encrypted(tmp: Path, key: bytes, expect: tuple[int, dict[str, int]] | None) -> str | None:
    try:
        conn = raw_connect(tmp, key, pragmas=False)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if "; ".join(str(r[0]) for r in rows) != "ok":
                return f"quick_check: {rows[:3]}"
            if expect is not None:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                counts = _counts(conn)
                if (version, counts) != expect:
                    return f"内容不一致：user_version {version}/{expect[0]}，表行数 {counts} / {expect[1]}"
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


def _encrypt_file(path: Path, key: bytes) -> None:
    """Steps 2-6 for one plaintext SQLite file."""
    tmp, old = _side(path, ENCRYPTING), _side(path, OLD)
    conn = raw_connect(path, None, pragmas=False)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        try:
            # Ours alone until closed: another connection (even an idle one) makes this fail, and
            # none can open the file while we checkpoint, zero the -wal and export.
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001
            if "locked" in str(exc) or "busy" in str(exc):
                raise EncryptError(IN_USE.format(path)) from exc
            raise EncryptError(f"数据库文件无法读取，未加密：{path}（{exc}）") from exc
        _checkpoint_alone(conn, path)
        _step("checkpointed")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        expect = (version, _counts(conn))
        quoted = str(tmp).replace("'", "''")
        conn.execute(f"ATTACH DATABASE '{quoted}' AS enc KEY \"x'{key.hex()}'\"")
        conn.execute("SELECT sqlcipher_export('enc')").fetchall()
        _step("exported")
        conn.execute(f"PRAGMA enc.user_version = {version}")
        conn.execute(f"PRAGMA enc.application_id = {app_id}")
        conn.execute("DETACH DATABASE enc")
    finally:
        conn.close()
    # Any rollback journal left beside the plaintext file is finished with (our first read rolled
    # back a hot one) but still holds plaintext pages: it must not outlive the swap.
    for suffix in SIDE_FILES:
        side = _side(path, suffix)
        if side.exists():
            _overwrite(side, random=True)
            side.unlink()
    _fsync_file(tmp)
    problem = _verify_encrypted(tmp, key, expect)
    if problem:
        _remove(tmp)
        raise EncryptError(f"加密后的数据库未通过校验，原文件未改动：{path}（{problem}）")
    _step("verified")
    try:
        os.link(path, old)
        linked = True
    except OSError:
        linked = False
    if linked:
        _fsync_dir(path.parent)
        _step("linked")
        os.replace(tmp, path)
    else:
        os.replace(path, old)
        _step("moved-old")
        os.replace(tmp, path)
    _fsync_dir(path.parent)
    _step("swapped")
    shred(old)
    _step("shredded")


# ---------------------------------------------------------------------------------------------- API
def encrypt_in_place(db_path: str | Path, key: bytes) -> None:
    """Encrypt the plaintext laptop database at ``db_path`` (and its plaintext ``.bak`` copies) with
    ``key``; finish or clean up an interrupted earlier run. Safe to call again at any time: an
    encrypted database is left as it is. The database must not be open. See the module docstring
    for the crash-safe plan."""
    db_path = Path(db_path)
    _recover(db_path, key)
    if db_path.exists() and db_path.stat().st_size > 0 and not is_encrypted(db_path):
        for suffix in ("-wal", "-shm"):
            side = _side(db_path, suffix)
            if side.exists() and side.stat().st_size == 0:
                side.unlink()
        _encrypt_file(db_path, key)
    for bak in _migration_copies(db_path):
        _recover(bak, key)
        if bak.exists() and bak.stat().st_size > 0 and not is_encrypted(bak):
            try:
                _encrypt_file(bak, key)
            except EncryptError:
                shred(bak)  # an unreadable plaintext copy is worth less than the PII it holds
