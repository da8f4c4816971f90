"""The laptop database: open (migrating with a backup first), read, and write through a unit of work."""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Connection

from ..domain.errors import GridworkerError
from ..domain.hlc import HybridClock
from ..domain.ids import new_id
from .connect import make_engine, raw_connect
from .local import State
from .migrate import upgrade

Listener = Callable[["Changes"], None]
DEVICE_ID, COMMUNITY_ID = State.DEVICE_ID, State.COMMUNITY_ID


class NotFoundError(GridworkerError):
    """A row that the caller named does not exist (or is not in this laptop's community)."""


class CorruptDatabaseError(GridworkerError):
    """The file is not a healthy SQLite database."""


class Actor:
    """Who makes a change: the logged-in user on this device, with their role (``admin`` /
    ``grid_worker`` / ``party_member``; see domain/permissions.py) and organisation. The
    operations of ``gridworker.ops`` check the role; the unit of work records the user."""

    __slots__ = ("user_id", "device_id", "name", "role", "org_id", "member_id")

    def __init__(self, user_id: str | None, device_id: str, name: str | None = None,
                 role: str | None = None, org_id: str | None = None, member_id: str | None = None):
        self.member_id = member_id  # a party-member user's own party_member row (by id, never by name)
        self.user_id = user_id
        self.device_id = device_id
        self.name = name
        self.role = role
        self.org_id = org_id

    def __repr__(self) -> str:
        return f"Actor(user_id={self.user_id!r}, device_id={self.device_id!r}, role={self.role!r})"


class Changes:
    """What one unit of work changed: table -> ids. Screens refresh only what it touched."""

    def __init__(self) -> None:
        self.rows: dict[str, set[str]] = {}
        self.outbox_entries = 0

    def add(self, table: str, row_id: str) -> None:
        self.rows.setdefault(table, set()).add(row_id)

    def touched(self, table: str) -> bool:
        return table in self.rows

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __repr__(self) -> str:
        return f"Changes({ {t: len(ids) for t, ids in self.rows.items()} })"


class Database:
    """A laptop's SQLite database. Open with :meth:`open`; nothing connects at import time.

    Reads use :meth:`read` (a deferred transaction, many at once). Every write goes through
    :meth:`write`, which yields a :class:`~gridworker.store.uow.UnitOfWork`: one ``BEGIN IMMEDIATE``
    transaction, one writer at a time in this process, the rows and their outbox entries together.
    """

    def __init__(self, path: Path, key: bytes | None = None):
        self.path = Path(path)
        self.key = key
        self.engine = make_engine(self.path, key)
        self._write_lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._clock: HybridClock | None = None
        self.backup_made: str | None = None
        # user id -> their credential (32 bytes) / their provisional signing key, for the user logged
        # in through this process only: from their key slot, never written to the database
        # (store/signing.py).
        self._credentials: dict[str, bytes] = {}
        self._provisional: dict[str, bytes] = {}

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, key: bytes | None = None, check: bool = True) -> "Database":
        """Open (creating if needed) and migrate to the current schema.

        ``key``: the 32-byte data key of an encrypted laptop database (a new file is created
        encrypted with it). A file that exists but is not a healthy SQLite database, or that this
        key does not open, raises CorruptDatabaseError before anything is written to it.
        ``check=False`` skips the full ``PRAGMA quick_check`` (the app runs it in the background
        after the first paint); the header and schema are still read.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > 0:
            problem = quick_check(path, key, full=check)
            if problem:
                raise CorruptDatabaseError(f"数据库文件已损坏或无法解密：{path}（{problem}）")
        db = cls(path, key)
        db.backup_made = upgrade(db.engine, "client", sqlite_path=path, key=key)
        db._ensure_device()
        return db

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ensure_device(self) -> None:
        if self.get_state(DEVICE_ID) is None:
            with self.sync_transaction() as conn:
                conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO local_state(key, value) VALUES (?, ?)", (DEVICE_ID, new_id()))

    # ------------------------------------------------------------------ users' credentials
    def keep_credential(self, user_id: str, credential: str | bytes | None) -> None:
        """Hold a logged-in user's credential in memory: their changes are signed with it from now on."""
        from .signing import credential_bytes  # noqa: PLC0415

        if user_id and credential:
            self._credentials[user_id] = credential_bytes(credential)

    def credential_of(self, user_id: str | None) -> bytes | None:
        return self._credentials.get(user_id) if user_id else None

    def keep_provisional_key(self, user_id: str, key: bytes | None) -> None:
        """A logged-in user with no credential yet signs provisionally with this key from their slot."""
        if user_id and key:
            self._provisional[user_id] = key

    def provisional_key_of(self, user_id: str | None) -> bytes | None:
        return self._provisional.get(user_id) if user_id else None

    def forget_credentials(self) -> None:
        self._credentials.clear()
        self._provisional.clear()

    # ------------------------------------------------------------------ local state
    @property
    def device_id(self) -> str:
        value = self.get_state(DEVICE_ID)
        assert value is not None
        return value

    @property
    def community_id(self) -> str | None:
        return self.get_state(COMMUNITY_ID)

    @property
    def clock(self) -> HybridClock:
        if self._clock is None:
            self._clock = HybridClock(self.device_id[-12:])
        return self._clock

    def get_state(self, key: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            row = conn.exec_driver_sql("SELECT value FROM local_state WHERE key = ?", (key,)).first()
        return row[0] if row else default

    def set_state(self, key: str, value: str | None, conn: Connection | None = None) -> None:
        sql = "INSERT INTO local_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        if conn is not None:
            conn.exec_driver_sql(sql, (key, value))
            return
        with self.sync_transaction() as c:
            c.exec_driver_sql(sql, (key, value))

    # ------------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: a consistent snapshot while it lasts."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def sync_transaction(self) -> Iterator[Connection]:
        """A ``BEGIN IMMEDIATE`` write transaction for the sync engine and the store's own bookkeeping
        (local state, applying pulled changes, bulk demo data). Writes here make no outbox entries.

        Not for changes a person makes: those go through :meth:`write`.
        """
        with self._write_lock:
            with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
                with conn.begin():
                    yield conn

    @contextlib.contextmanager
    def write(self, actor: Actor):
        """A unit of work: every change in the block is committed with its outbox entries, or none is."""
        from .uow import UnitOfWork  # noqa: PLC0415 - uow imports this module

        with self.sync_transaction() as conn:
            uow = UnitOfWork(self, conn, actor)
            yield uow
            uow.finish()
        self._notify(uow.changes)

    def actor(self, user_id: str | None = None, name: str | None = None, role: str | None = None,
              org_id: str | None = None, member_id: str | None = None) -> Actor:
        return Actor(user_id, self.device_id, name, role, org_id, member_id)

    # ------------------------------------------------------------------ change listeners
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, changes: Changes) -> None:
        if changes:
            for listener in list(self._listeners):
                listener(changes)

    # ------------------------------------------------------------------ health
    def integrity_check(self) -> str:
        with self.read() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
        return "; ".join(r[0] for r in rows)


def quick_check(path: Path, key: bytes | None = None, *, full: bool = True) -> str | None:
    """None when the file is a healthy SQLite database (opened with ``key``), else what is wrong.

    ``full=False`` only reads the header and the schema (milliseconds, any size).
    """
    try:
        conn = raw_connect(path, key)
        try:
            if not full:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
                return None
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return str(exc)
    result = "; ".join(r[0] for r in rows)
    return None if result == "ok" else result
