"""Automatic backups of the laptop database, and restoring one when the live file is damaged.

Backups live in ``<data folder>/backups`` (:func:`backup_dir`), one file per backup, named by the
local date and time it was taken: ``gridworker-20261128-101530.db``. Each is a consistent copy made
with SQLite's backup API from the open database (so it is encrypted with the same data key and holds
no plaintext), switched to a one-file journal mode, fsynced, and **verified before it counts**: it is
written as ``.gridworker-….db.tmp``, opened with the key and passed through ``PRAGMA quick_check``,
and only then renamed to its final name. So a file with a final name was a verified backup when it
was made; a crash leaves at most a ``.tmp`` that is never listed (and is deleted later).

``manifest.json`` in the same folder caches each file's verification (size, mtime, which key
opened it, outbox count), so listing the backups (:func:`good_backups`) reads no database unless a
file changed since it was checked. It holds no personal data.

:func:`daily_backup` is what the app calls once it is open (in the background): one verified
backup per calendar day, backups older than ``keep_days`` deleted, the newest good one always kept.

:func:`restore` puts a backup in place of a damaged database. The damaged file (and its ``-wal``,
which may hold the last committed changes) is never deleted: it is kept aside as
``gridworker.db.broken-<stamp>`` for an admin. Changes made after the backup that were not synced
are not in the restored file; the next sync brings back everything the server has.

No Qt here.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.errors import GridworkerError
from .connect import raw_connect
from .files import fsync_dir as _fsync_dir
from .files import fsync_file as _fsync_file

FOLDER = "backups"
MANIFEST = "manifest.json"
STAMP = "%Y%m%d-%H%M%S"
DEFAULT_KEEP_DAYS = 7
STALE_TMP_SECONDS = 3600

_lock = threading.RLock()  # one manifest writer / backup maker at a time in this process


class BackupError(GridworkerError):
    """A backup could not be made or restored; the message says what and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    """One verified backup: it opened with the key and passed ``quick_check``."""

    path: Path
    taken_at: dt.datetime  # local time, naive (as in the file name)
    size: int
    pending_changes: int | None  # outbox entries (unsent changes) in that backup


# ---------------------------------------------------------------------------------------------- paths
def backup_dir(db_path: str | Path) -> Path:
    """``<data folder>/backups`` for the database at ``db_path``."""
    return Path(db_path).parent / FOLDER


def _name_re(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.db$")


def _local(now: dt.datetime | None) -> dt.datetime:
    """Local wall-clock time without tzinfo (what the file names and the user see)."""
    if now is None:
        return dt.datetime.now().replace(microsecond=0)
    if now.tzinfo is not None:
        now = now.astimezone().replace(tzinfo=None)
    return now.replace(microsecond=0)


def _taken_at(path: Path, stem: str) -> dt.datetime | None:
    m = _name_re(stem).match(path.name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), STAMP)
    except ValueError:
        return None


def _backup_files(db_path: Path) -> list[tuple[Path, dt.datetime]]:
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        when = _taken_at(p, db_path.stem)
        if when is not None and p.is_file():
            out.append((p, when))
    return out


def _free_name(folder: Path, stem: str, when: dt.datetime) -> Path:
    base = f"{stem}-{when.strftime(STAMP)}"
    path = folder / f"{base}.db"
    n = 2
    while path.exists() or (folder / f".{path.name}.tmp").exists():
        path = folder / f"{base}-{n}.db"
        n += 1
    return path


# ---------------------------------------------------------------------------------------------- files
def _unlink_db_files(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------------------------------------- checks
def _key_id(key: bytes | None) -> str:
    """Which key a verification was made with (a one-way tag: it reveals nothing of the key)."""
    if key is None:
        return "plain"
    return hashlib.sha256(b"gridworker backup manifest\0" + key).hexdigest()[:16]


def verify_file(path: Path, key: bytes | None) -> tuple[str | None, int | None]:
    """``(problem, pending)``: problem None when the file opens with ``key`` and passes
    ``quick_check``; pending = its outbox count. Reads only (``query_only``)."""
    try:
        conn = raw_connect(path, key, pragmas=False)
        try:
            conn.execute("PRAGMA query_only=1")
            rows = conn.execute("PRAGMA quick_check").fetchall()
            result = "; ".join(str(r[0]) for r in rows)
            if result != "ok":
                return result or "quick_check failed", None
            try:
                pending = int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
            except Exception as exc:  # noqa: BLE001 - no outbox: not one of our laptop databases
                return f"不是本程序的数据库（{exc}）", None
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
        return str(exc), None
    return None, pending


def _load_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("files"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"format": 1, "files": {}}


def _save_manifest(folder: Path, data: dict[str, Any]) -> None:
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, folder / MANIFEST)


def _record(entry_files: dict, path: Path, key: bytes | None, problem: str | None, pending: int | None) -> dict:
    st = path.stat()
    entry = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "key_id": _key_id(key), "ok": problem is None,
             "problem": problem, "pending_changes": pending,
             "verified_at": dt.datetime.now().isoformat(timespec="seconds")}
    entry_files[path.name] = entry
    return entry


def _cached(entry: dict | None, path: Path, key: bytes | None) -> dict | None:
    if not entry:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    if entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns \
            and entry.get("key_id") == _key_id(key):
        return entry
    return None


# ---------------------------------------------------------------------------------------------- listing
def _scan(db_path: Path, key: bytes | None) -> list[tuple[Path, dt.datetime, dict]]:
    """Every backup file with its (cached or fresh) verification, newest first."""
    folder = backup_dir(db_path)
    with _lock:
        files = _backup_files(db_path)
        if not files:
            return []
        manifest = _load_manifest(folder)
        known = manifest["files"]
        changed = False
        out = []
        for path, when in files:
            entry = _cached(known.get(path.name), path, key)
            if entry is None:
                problem, pending = verify_file(path, key)
                entry = _record(known, path, key, problem, pending)
                changed = True
            out.append((path, when, entry))
        names = {p.name for p, _ in files}
        for gone in [n for n in known if n not in names]:
            del known[gone]
            changed = True
        if changed:
            _save_manifest(folder, manifest)
    out.sort(key=lambda t: (t[1], t[0].name), reverse=True)
    return out


def good_backups(db_path: str | Path, key: bytes | None) -> list[BackupInfo]:
    """The backups of ``db_path`` that open with ``key`` and pass ``quick_check``, newest first.

    A file is read only when it changed since its last verification (or was checked with another key).
    """
    return [BackupInfo(path, when, int(entry["size"]), entry.get("pending_changes"))
            for path, when, entry in _scan(Path(db_path), key) if entry.get("ok")]


# ---------------------------------------------------------------------------------------------- making
def make_backup(db, *, now: dt.datetime | None = None) -> Path:
    """A verified backup of the open :class:`~gridworker.store.database.Database` ``db``.

    Copied with the backup API from one of ``db``'s own connections (a consistent snapshot even
    while others write; encrypted with ``db.key``), written under a temporary name, fsynced, checked
    (opens with the key, ``quick_check`` ok) and only then renamed to
    ``backups/<stem>-YYYYmmdd-HHMMSS.db``. Raises :class:`BackupError` if any step fails (nothing
    is left behind then).
    """
    when = _local(now)
    db_path = Path(db.path)
    folder = backup_dir(db_path)
    with _lock:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        final = _free_name(folder, db_path.stem, when)
        tmp = folder / f".{final.name}.tmp"
        try:
            with db.engine.connect() as conn:
                source = conn.connection.dbapi_connection
                dest = raw_connect(tmp, db.key, pragmas=False)
                try:
                    source.backup(dest)
                    # One file, no -wal beside it: the backup is complete on its own.
                    dest.execute("PRAGMA journal_mode=DELETE").fetchall()
                finally:
                    dest.close()
            _fsync_file(tmp)
            problem, pending = verify_file(tmp, db.key)
            if problem:
                raise BackupError(f"备份未通过校验，已丢弃：{problem}。数据库文件可能已损坏，请联系管理员。")
            os.replace(tmp, final)
            _fsync_dir(folder)
        except BackupError:
            _unlink_db_files(tmp)
            raise
        except Exception as exc:
            _unlink_db_files(tmp)
            raise BackupError(f"无法在 {folder} 中建立备份：{exc}。请检查磁盘空间和文件夹权限。") from exc
        manifest = _load_manifest(folder)
        _record(manifest["files"], final, db.key, None, pending)
        manifest["files"][final.name]["taken_at"] = when.isoformat()
        _save_manifest(folder, manifest)
    return final


def daily_backup(db, *, keep_days: int = DEFAULT_KEEP_DAYS, now: dt.datetime | None = None) -> Path | None:
    """Make a backup unless a verified one from today exists; delete backups older than
    ``keep_days`` days, always keeping the newest good one. Returns the new backup or None.
    """
    when = _local(now)
    db_path = Path(db.path)
    with _lock:
        made = None
        if not any(b.taken_at.date() == when.date() for b in good_backups(db_path, db.key)):
            made = make_backup(db, now=when)
        prune(db_path, db.key, keep_days=keep_days, now=when)
    return made


def prune(db_path: str | Path, key: bytes | None, *, keep_days: int = DEFAULT_KEEP_DAYS,
          now: dt.datetime | None = None) -> list[Path]:
    """Delete backups taken more than ``keep_days`` days before ``now`` (good or not), except the
    newest good backup, which is always kept; also stale temporary files. Returns what was deleted."""
    when = _local(now)
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    cutoff = when - dt.timedelta(days=keep_days)
    deleted: list[Path] = []
    with _lock:
        scanned = _scan(db_path, key)
        newest_good = next((p for p, _w, e in scanned if e.get("ok")), None)
        for path, taken, _entry in scanned:
            if taken < cutoff and path != newest_good:
                _unlink_db_files(path)
                deleted.append(path)
        if folder.is_dir():
            for p in folder.glob(".*.tmp"):
                try:
                    if time.time() - p.stat().st_mtime > STALE_TMP_SECONDS:
                        p.unlink()
                        deleted.append(p)
                except OSError:
                    pass
        if deleted:
            manifest = _load_manifest(folder)
            for p in deleted:
                manifest["files"].pop(p.name, None)
            _save_manifest(folder, manifest)
    return deleted


# ---------------------------------------------------------------------------------------------- restoring
def broken_name(db_path: str | Path, when: dt.datetime | None = None) -> Path:
    """Where :func:`restore` keeps the damaged file: ``<db>.broken-YYYYmmdd-HHMMSS`` (not taken yet)."""
    db_path = Path(db_path)
    base = f"{db_path.name}.broken-{_local(when).strftime(STAMP)}"
    path = db_path.with_name(base)
    n = 2
    while path.exists():
        path = db_path.with_name(f"{base}-{n}")
        n += 1
    return path


def _mark_restored(path: Path, key: bytes | None) -> None:
    """Record in the copy the outbox counter it was restored with (see gridworker.sync.restored):
    the first sync afterwards renumbers changes made since, so none reuses a number the server knows."""
    conn = raw_connect(path, key, pragmas=False)
    try:
        conn.execute("BEGIN IMMEDIATE")
        last = conn.execute("SELECT value FROM local_state WHERE key = 'outbox_seq'").fetchone()
        conn.execute("INSERT INTO local_state(key, value) VALUES ('restored_outbox_seq', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(int(last[0]) if last and last[0] else 0),))
        conn.execute("COMMIT")
    finally:
        conn.close()
    _fsync_file(path)


def restore(db_path: str | Path, backup_path: str | Path, key: bytes | None) -> Path | None:
    """Put ``backup_path`` in place of the damaged database at ``db_path``.

    The database must not be open (close any :class:`Database` on it first). Steps, each safe to be
    cut by a crash (``db_path`` always names either the damaged file or the restored one):

    1. the backup is verified with ``key`` (a bad one raises :class:`BackupError`, nothing touched);
    2. it is copied to ``<db>.restoring``, fsynced and verified again;
    3. the damaged file gets a second name, ``<db>.broken-<stamp>`` (a hard link, or a copy where
       the file system has none), and its ``-wal``/``-shm``/``-journal`` are moved to the same
       name + suffix, so the damaged file and its last committed changes stay together, never deleted;
    4. the copy is renamed over ``db_path`` and the folder fsynced;
    5. the restored database is opened with the key and quick-checked.

    Returns where the damaged file went (None when there was no file at ``db_path``).
    Changes made after the backup and not yet synced are not in the restored file (they may still be
    in the damaged one); the next sync brings back everything the server has.
    """
    from .database import quick_check  # noqa: PLC0415 - database imports migrate, keep this light

    db_path = Path(db_path)
    backup_path = Path(backup_path)
    problem, _pending = verify_file(backup_path, key)
    if problem:
        raise BackupError(f"所选备份无法使用：{backup_path.name}（{problem}）。请选择另一份备份。")
    tmp = db_path.with_name(db_path.name + ".restoring")
    with _lock:
        _unlink_db_files(tmp)
        try:
            shutil.copyfile(backup_path, tmp)
            _fsync_file(tmp)
        except OSError as exc:
            _unlink_db_files(tmp)
            raise BackupError(f"无法复制备份到 {db_path.parent}：{exc}。请检查磁盘空间。") from exc
        try:
            _mark_restored(tmp, key)
        except Exception as exc:  # noqa: BLE001 - reported as a failed restore, nothing replaced
            _unlink_db_files(tmp)
            raise BackupError(f"无法准备恢复的副本（{exc}）。请检查磁盘后重试。") from exc
        problem, _pending = verify_file(tmp, key)
        if problem:
            _unlink_db_files(tmp)
            raise BackupError(f"复制后的备份未通过校验（{problem}）。请检查磁盘后重试，或选择另一份备份。")

        moved: Path | None = None
        if db_path.exists():
            moved = broken_name(db_path)
            try:
                os.link(db_path, moved)
            except OSError:
                shutil.copyfile(db_path, moved)
                _fsync_file(moved)
        for suffix in ("-wal", "-shm", "-journal"):
            side = db_path.with_name(db_path.name + suffix)
            if side.exists():
                if moved is not None:
                    os.replace(side, moved.with_name(moved.name + suffix))
                else:
                    side.unlink()
        _fsync_dir(db_path.parent)
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)

    problem = quick_check(db_path, key, full=True)
    if problem:
        where = f"损坏的文件保留在 {moved}" if moved else ""
        raise BackupError(f"恢复后的数据库仍无法打开（{problem}）。{where}。请联系管理员。")
    return moved
