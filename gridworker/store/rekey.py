"""Removing a laptop user changes the database's data key, so an old copy of the key file and the
removed user's password open nothing current.

:func:`remove_and_rekey` runs on the open :class:`~gridworker.store.database.Database`:

1. The database is taken alone: the engine's connections are closed, one connection with the old key
   takes an exclusive lock, ``wal_checkpoint(TRUNCATE)`` moves every committed change into the file
   and ``journal_mode=DELETE`` drops the WAL (SQLCipher re-keys a rollback-journal file in one
   transaction). Another program holding the file makes this fail: nothing changed.
2. The key file is written without the removed user's slot, and with a new random data key sealed to
   every remaining slot's public key *beside* the current one (``next_seal``).
   → a kill here: the file still has the old key; each remaining password opens both keys.
3. ``PRAGMA rekey`` re-encrypts every page with the new key (one transaction: a kill rolls it back
   from the journal at the next open), then ``journal_mode=WAL`` again.
   → a kill here: the file has the new key; each remaining password still opens it (``next_seal``).
4. The key file is written with the new key as every slot's only key and the policy re-MACed.

A login that finds a ``next_seal`` (:func:`settle`) tries the old key on the file: if it still opens,
the re-key is finished now (steps 3 and 4); otherwise the new key must open it, and step 4 is done.

Backups already made stay encrypted with the key they were made with (see docs/trust.md); a fresh
backup under the new key is made right after.
No Qt here.
"""
from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Callable

from .connect import KEY_BYTES, DatabaseError, key_pragma, make_engine, raw_connect
from .keyslots import KeySlotError, KeySlots

log = logging.getLogger(__name__)

BUSY_MS = 2000
BUSY = "数据库正被其他程序使用，无法更换密钥。请关闭其他 gridworker 窗口后重试。"

# Tests set this to stop the process at a named step (a real SIGKILL); None in the app.
_step_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _step_hook is not None:
        _step_hook(name)


def stale_message(names: list[str]) -> str:
    return (f"无法移除用户：本机用户 {'、'.join(names)} 的密钥槽还是旧格式，换密钥后他们将无法登录。"
            "请让他们先在本机登录一次，再移除用户。")


def _alone(path: Path, key: bytes):
    """Step 1: one connection with ``key``, exclusive, everything in the main file, no WAL."""
    conn = raw_connect(path, key, pragmas=False)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise KeySlotError(BUSY)
        if conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0].lower() != "delete":
            raise KeySlotError(BUSY)
    except DatabaseError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise KeySlotError(BUSY) from exc
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def _rekey(conn, new_key: bytes) -> None:
    """Step 3 on the connection of step 1 (closed afterwards)."""
    try:
        conn.execute(key_pragma(new_key).replace("PRAGMA key", "PRAGMA rekey", 1))
        _step("rekeyed")
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
    finally:
        conn.close()


def opens(path: Path, key: bytes) -> bool:
    """True when ``key`` reads the database at ``path`` (a hot journal is rolled back first)."""
    try:
        conn = raw_connect(path, key, pragmas=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except DatabaseError:
        return False
    return True


def remove_and_rekey(db, slots: KeySlots, username: str) -> bool:
    """Drop ``username``'s slot and move the open database ``db`` to a new data key (``db.key`` and
    its engine follow). Refuses while a remaining slot is still format 1 (:func:`stale_message`)."""
    if slots.find(username) is None:
        return False
    keep = [s for s in slots.users() if s.username != username.strip()]
    if not keep:
        raise KeySlotError("不能删除本机的最后一个用户：否则谁也打不开本机的数据")
    stale = [s.display_name or s.username for s in keep if s.v < 2]
    if stale:
        raise KeySlotError(stale_message(stale))
    old_key, new_key = db.key, secrets.token_bytes(KEY_BYTES)
    with db._write_lock:
        db.engine.dispose()
        conn = _alone(db.path, old_key)
        try:
            slots.know_key(old_key)
            slots.begin_rekey(new_key, drop=username)
        except BaseException:
            conn.close()
            raise
        _step("sealed")
        try:
            _rekey(conn, new_key)
        except DatabaseError as exc:
            raise KeySlotError(f"更换数据密钥未完成（{exc}）；用户已移除，下次登录时会自动完成。") from exc
        db.key = new_key
        db.engine = make_engine(db.path, new_key)
        slots.finish_rekey(new_key)
        _step("finished")
    _fresh_backup(db)
    return True


def _fresh_backup(db) -> None:
    """Backups made before stay under the old key (no remaining slot opens them): one now, so a
    damaged file can be restored without waiting for the next daily backup."""
    from .backups import make_backup  # noqa: PLC0415

    try:
        make_backup(db)
    except Exception as exc:  # noqa: BLE001 - the re-key is done; the daily backup will try again
        log.warning("no backup after the change of data key: %s", exc)


def settle(db_path: str | Path, slots: KeySlots, key: bytes) -> bytes:
    """After an unlock that found a re-key cut short (``slots.pending_key``): finish it. Returns the
    key the database has now."""
    new_key = slots.pending_key
    if new_key is None:
        return key
    path = Path(db_path)
    if opens(path, key):
        try:
            conn = _alone(path, key)
        except KeySlotError:
            slots.pending_key = None
            return key  # open elsewhere: the file keeps the old key for now, a later login finishes
        _rekey(conn, new_key)
    elif not opens(path, new_key):
        slots.pending_key = None
        return key  # neither opens: a damaged file; opening it will say so (and offer the backups)
    slots.know_key(key)
    slots.finish_rekey(new_key)
    return new_key
