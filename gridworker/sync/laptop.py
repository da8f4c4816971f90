"""A laptop's data folder: ``gridworker.db`` (SQLCipher-encrypted) and ``gridworker.keys`` beside it.

The one place that knows how a person gets from a password to an open database, used by the app's
login screen, the lock screen, the demo and every CLI command that reads the laptop:

    laptop = Laptop(data_dir)
    laptop.state                   # new / legacy / locked / wiped / orphan
    login = laptop.login("wang", "secret")   # unlock the slot, open the database (header only),
    login.db, login.key, login.slot          # and an online check after N days offline

- **new**: no database yet; :meth:`enroll` makes an encrypted one (fresh random key) and adds the
  enrolling user's slot once the server accepted their password.
- **legacy**: a plain ``gridworker.db`` from the release before encryption (Argon2id hashes in
  ``local_user``, no key file). The first login checks the password against that hash, encrypts
  the file in place (:func:`gridworker.store.encrypt.encrypt_in_place`) and creates the key file
  with that user's slot.
- **locked**: the usual state; the key file lists who may log in (no database needed for that).
- **wiped**: the device was revoked; its slots were dropped, nobody can open the database.
- **orphan**: an encrypted database without its key file (lost or deleted): nobody can open it.

No Qt here.
"""
from __future__ import annotations

import datetime as dt
import hmac
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..domain.errors import GridworkerError
from ..store.connect import DatabaseError, is_encrypted, raw_connect
from ..store.database import Database
from ..store import local
from ..store.local import State
from ..store.keyslots import KeySlotError, KeySlots, Slot, WrongPassword, derive_password_key

log = logging.getLogger(__name__)

DB_FILE = "gridworker.db"

NEW, LEGACY, LOCKED, WIPED, ORPHAN = "new", "legacy", "locked", "wiped", "orphan"

# In the (encrypted) database: this laptop's key file has had a policy MAC, so a key file without
# one is an edited file, not one from the release before the MAC.
KEYS_FORMAT_STATE = "key_file_format"

# The online password check must answer quickly: the person is waiting at the login screen.
ONLINE_CHECK_RETRIES = 1


class LaptopError(GridworkerError):
    """Something about the laptop's data folder a person must act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OnlineLoginRequired(LaptopError):
    """The laptop has been offline too long and the server could not be reached."""


class LaptopRevoked(LaptopError):
    """The server said this device was revoked; the unsent changes were exported, the slots wiped."""

    def __init__(self, message: str, export_path: Path | None = None, pending: int = 0):
        super().__init__(message)
        self.export_path = export_path
        self.pending = pending


@dataclass
class LegacyUser:
    """A user of a plain (pre-encryption) laptop, as its ``local_user`` table lists them."""

    user_id: str
    username: str
    display_name: str
    role: str
    org_id: str | None
    password_hash: str | None


@dataclass
class Login:
    """An unlocked laptop: the open database, its key and the slot that opened it."""

    db: Database
    key: bytes
    slot: Slot
    upgraded: bool = False  # a legacy plain laptop was encrypted by this login
    online: bool = False  # the password was also checked by the server


def session_fields(slot: Slot) -> dict:
    return {"user_id": slot.user_id, "username": slot.username,
            "display_name": slot.display_name or slot.username, "role": slot.role, "org_id": slot.org_id}


class Laptop:
    """One laptop data folder (``data_dir``)."""

    def __init__(self, data_dir: str | Path):
        self.dir = Path(data_dir)
        self.db_path = self.dir / DB_FILE
        self._slots: KeySlots | None = None

    # ------------------------------------------------------------------ state
    @property
    def slots(self) -> KeySlots | None:
        """The key file (re-read when it was not loaded yet)."""
        if self._slots is None:
            self._slots = KeySlots.load(self.db_path)
        return self._slots

    def reload(self) -> KeySlots | None:
        self._slots = None
        return self.slots

    @property
    def keys_path(self) -> Path:
        return KeySlots.path_for(self.db_path)

    @property
    def state(self) -> str:
        slots = self.reload()
        if slots is not None:
            return WIPED if not slots.users() else LOCKED
        if not self.db_path.exists() or self.db_path.stat().st_size == 0:
            return NEW
        return ORPHAN if is_encrypted(self.db_path) else LEGACY

    def users(self) -> list[Slot] | list[LegacyUser]:
        """Who may log in, by name: the key file's slots (or, on a legacy laptop, ``local_user``)."""
        state = self.state
        if state == LOCKED:
            return self.slots.users()
        if state == LEGACY:
            return self.legacy_users()
        return []

    def usernames(self) -> list[str]:
        return [u.username for u in self.users()]

    @property
    def community_name(self) -> str | None:
        state = self.state
        if state in (LOCKED, WIPED):
            return self.slots.community_name
        if state == LEGACY:
            return self._legacy_state("community_name")
        return None

    def state_message(self) -> str | None:
        """What to tell a person who cannot log in here, or None when logging in is possible."""
        state = self.state
        if state == WIPED:
            return (f"本机已被停用，数据已无法打开（{(self.slots.wiped or {}).get('reason') or '设备已吊销'}）。"
                    "请联系管理员重新注册本机。")
        if state == ORPHAN:
            return (f"本机数据已加密，但密钥文件 {self.keys_path.name} 不见了，无法打开。"
                    "请联系管理员；重新注册本机会把旧数据文件移到一旁。")
        return None

    # ------------------------------------------------------------------ legacy (plain) laptops
    def _legacy_query(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            conn = raw_connect(self.db_path, None, pragmas=False)
            try:
                return conn.execute(sql, args).fetchall()
            finally:
                conn.close()
        except DatabaseError:
            return []

    def legacy_users(self) -> list[LegacyUser]:
        rows = self._legacy_query("SELECT id, username, COALESCE(display_name, username), role, org_id, password_hash"
                                  " FROM local_user ORDER BY username")
        return [LegacyUser(*r) for r in rows]

    def _legacy_state(self, key: str) -> str | None:
        rows = self._legacy_query("SELECT value FROM local_state WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def _upgrade_legacy(self, username: str, password: str) -> bytes:
        """Check the password against the plain database's hash, then encrypt the file in place."""
        from argon2.exceptions import InvalidHashError, VerificationError  # noqa: PLC0415

        from .enrol import local_hasher  # noqa: PLC0415

        user = next((u for u in self.legacy_users() if u.username == username.strip()), None)
        ok = False
        if user is not None and user.password_hash:
            try:
                ok = local_hasher().verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        if not ok or user is None:
            raise WrongPassword("用户名或密码不正确")
        from ..store.encrypt import encrypt_in_place  # noqa: PLC0415

        community = self._legacy_state("community_name")
        last_sync = self._legacy_state("last_sync")
        slots, key = KeySlots.create(self.db_path)
        # The key file is written BEFORE the file is encrypted: a crash in between leaves the plain
        # file and a key file that opens the key, and the next login finishes the encryption
        # (see unlock). The other order could leave an encrypted file whose key is nowhere.
        slots.data["community_name"] = community
        if last_sync:
            try:
                when = dt.datetime.fromisoformat(last_sync)
                slots.data["last_server_contact"] = (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)) \
                    .astimezone(dt.timezone.utc).isoformat(timespec="seconds")
            except ValueError:
                pass
        slots.seal_policy(save=False)
        slots.add_user(key, user_id=user.user_id, username=user.username, display_name=user.display_name,
                       role=user.role, org_id=user.org_id, password=password, online=False)
        self._slots = slots
        log.info("encrypting the plain laptop database %s on its first login", self.db_path)
        encrypt_in_place(self.db_path, key)
        return key

    # ------------------------------------------------------------------ unlocking
    def unlock(self, username: str, password: str) -> bytes:
        """The data key for this user's password (slow on purpose). A legacy laptop is encrypted here."""
        state = self.state
        if state == LEGACY:
            return self._upgrade_legacy(username, password)
        if state == NEW:
            raise LaptopError("本机尚未注册，请先注册本机")
        message = self.state_message()
        if message:
            raise LaptopError(message)
        key = self.slots.unlock(username, password)
        if self.slots.pending_key is not None:
            from ..store.rekey import settle  # noqa: PLC0415

            log.info("finishing the change of data key of %s cut short earlier", self.db_path)
            key = settle(self.db_path, self.slots, key)
        from ..store.encrypt import encrypt_in_place, needs_encryption  # noqa: PLC0415

        if needs_encryption(self.db_path):
            # An upgrade from a plain laptop that a crash cut after the key file was written.
            log.info("finishing the encryption of %s", self.db_path)
            encrypt_in_place(self.db_path, key)
        return key

    def open(self, key: bytes, *, check: bool = False) -> Database:
        """The database opened with ``key`` (``check=False``: header and schema only)."""
        return Database.open(self.db_path, key=key, check=check)

    def login(self, username: str, password: str, *, now: dt.datetime | None = None,
              online_check: bool | None = None) -> Login:
        """Unlock, open and, when the laptop has been offline more than N days, check online too.

        ``online_check``: None = when the key file says so; True/False force it (tests, CLI).
        Raises WrongPassword, OnlineLoginRequired, LaptopRevoked or LaptopError.
        """
        upgraded = self.state == LEGACY
        key = self.unlock(username, password)
        slots = self.slots
        slot = slots.find(username)
        assert slot is not None
        credential = slots.credential
        db = self.open(key, check=False)
        online = False
        try:
            self._trust_legacy_policy(db, slots)
            if online_check is None:
                online_check = slots.needs_online_login(now)
            if online_check:
                user = self.check_online(db, username, password, now=now)
                slots.mark_online_login(slot.username, community_name=db.get_state("community_name"))
                online = True
                credential = self._take_credential(db, slot.username, user) or credential
            elif credential is None:
                credential = self._fetch_credential(db, slot.username, password)
            use_credential(db, slot.user_id, credential, slots.provisional_key)
        except BaseException:
            db.close()
            raise
        return Login(db, key, slot, upgraded=upgraded, online=online)

    def login_open(self, db: Database, username: str, password: str, *, online_check: bool | None = None,
                   now: dt.datetime | None = None) -> Slot:
        """A user of the already open database logs in (switching user, the lock screen): their slot
        must open the same key; the online check when due; their credential taken up. Returns the slot.
        Raises WrongPassword, LaptopError (another key), OnlineLoginRequired, LaptopRevoked."""
        key = self.unlock(username, password)
        if not Laptop.same_key(key, db.key):
            raise LaptopError("这个用户的密码打不开本机当前的数据（密钥不符）。请联系管理员。")
        slots = self.slots
        slot = slots.find(username)
        assert slot is not None
        credential = slots.credential
        if online_check is None:
            online_check = slots.needs_online_login(now)
        if online_check:
            user = self.check_online(db, username, password, now=now)
            slots.mark_online_login(slot.username)
            credential = self._take_credential(db, slot.username, user) or credential
        elif credential is None:
            credential = self._fetch_credential(db, slot.username, password)
        use_credential(db, slot.user_id, credential, slots.provisional_key)
        return slot

    def _take_credential(self, db: Database, username: str, user: dict) -> bytes | None:
        """Seal the credential an online check brought into the user's slot; returns it."""
        from ..store.signing import credential_bytes  # noqa: PLC0415

        secret = user.get("credential")
        if not secret:
            return None
        credential = credential_bytes(secret)
        self.slots.set_credential(username, credential)
        return credential

    def _fetch_credential(self, db: Database, username: str, password: str) -> bytes | None:
        """A user with no credential on this laptop yet (a slot of an older release, or added while
        offline) gets one when the server answers at once; offline, their changes wait (signed later)."""
        if not db.get_state(State.TOKEN):
            return None
        try:
            user = verify_user_online(db, username, password, retries=0)
        except Exception as exc:  # noqa: BLE001 - offline is normal here; the login goes on
            log.info("no credential for %s yet (%s); their changes wait until an online login", username, exc)
            return None
        self.slots.record_server_contact()
        return self._take_credential(db, username, user)

    @staticmethod
    def _trust_legacy_policy(db: Database, slots: KeySlots) -> None:
        """A key file of the release before the policy MAC is trusted as it is, once: unless the
        database says this laptop's key file already had a MAC (then a file without one was edited)."""
        if slots.legacy_policy and db.get_state(KEYS_FORMAT_STATE) is None:
            slots.seal_policy()
        if slots.policy_ok() and db.get_state(KEYS_FORMAT_STATE) is None:
            db.set_state(KEYS_FORMAT_STATE, "2")

    def offline_days_so_far(self, now: dt.datetime | None = None) -> int:
        last = self.slots.last_server_contact if self.slots else None
        if last is None:
            return 0
        return max(0, ((now or dt.datetime.now(dt.timezone.utc)) - last).days)

    def check_online(self, db: Database, username: str, password: str, *, now: dt.datetime | None = None) -> dict:
        """The server checks this user's password for this laptop's community; returns the user.

        Unreachable -> OnlineLoginRequired; device revoked -> the lost-laptop flow, LaptopRevoked;
        wrong password -> WrongPassword.
        """
        from . import transport as T  # noqa: PLC0415

        try:
            user = verify_user_online(db, username, password)
        except T.DeviceRevoked as exc:
            raise self.revoked(db, exc) from None
        except (T.ServerUnreachable, T.CertificateRejected) as exc:
            slots = self.slots
            if slots is not None and slots.clock_went_back(now):
                raise OnlineLoginRequired("本机时钟早于上次连接服务器的时间（时钟被调回），请校准时间并连接网络后登录"
                                          f"（{getattr(exc, 'message', exc)}）") from None
            days = self.offline_days_so_far(now)
            raise OnlineLoginRequired(f"本机已 {days} 天未连接服务器，请连接网络后登录"
                                      f"（{getattr(exc, 'message', exc)}）") from None
        except T.Unauthorized as exc:
            if exc.code == "bad_credentials":
                raise WrongPassword("用户名或密码不正确") from None
            raise LaptopError(exc.message) from None
        except T.SyncError as exc:
            raise LaptopError(exc.message) from None
        self.slots.record_server_contact()
        return user

    # ------------------------------------------------------------------ a revoked device
    def revoked(self, db: Database, exc: BaseException | None = None) -> LaptopRevoked:
        """The server said 401 device_revoked: export the unsent changes for the admin, wipe the
        slots (:func:`gridworker.sync.lost.handle_revoked`). Returns the error to show."""
        from .lost import handle_revoked, revoked_message  # noqa: PLC0415

        try:
            with db.read() as conn:
                pending = local.pending_count(conn)
        except Exception:  # noqa: BLE001 - only for the message
            pending = 0
        path = handle_revoked(db, self.slots, self.dir)
        self.reload()
        return LaptopRevoked(revoked_message(pending, path) + "程序将关闭。",
                             export_path=Path(path) if path else None, pending=pending)

    # ------------------------------------------------------------------ enrolment and users
    def _move_aside(self) -> None:
        """An unreadable database (wiped or orphaned) goes aside before a new enrolment, never deleted."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            p = self.db_path.with_name(self.db_path.name + suffix)
            if p.exists():
                p.rename(p.with_name(f"{p.name}.unreadable-{stamp}"))
        if self.keys_path.exists():
            self.keys_path.rename(self.keys_path.with_name(f"{self.keys_path.name}.wiped-{stamp}"))
        self._slots = None

    def _remove_new_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            p = self.db_path.with_name(self.db_path.name + suffix)
            if p.exists():
                p.unlink()

    def enroll(self, server: str, username: str, password: str, *, community: str | None = None,
               device_name: str | None = None, verify: bool | str = True, first_sync: bool = True,
               progress: Callable[[str, int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> Login:
        """Register this laptop with the server as ``username`` and return it unlocked.

        A new laptop gets a new random key; its database is created encrypted. The user's slot is
        added once the server accepted the password; then the first sync runs. A laptop that is
        already set up is re-enrolled with the key this user's password opens.
        """
        from .engine import SyncEngine  # noqa: PLC0415
        from .enrol import enroll as engine_enroll  # noqa: PLC0415

        state = self.state
        created = False
        if state in (WIPED, ORPHAN):
            self._move_aside()
            state = NEW
        if state == NEW:
            self.dir.mkdir(parents=True, exist_ok=True)
            slots, key = KeySlots.create(self.db_path)
            created = True
        else:
            try:
                key = self.unlock(username, password)
            except WrongPassword:
                raise LaptopError("本机已注册。请用本机已有的用户登录；新用户由管理员在“用户”菜单中添加") from None
            slots = self.slots
        db = self.open(key, check=False)
        try:
            # The slot's Argon2id is derived while the server checks the password (the one
            # derivation of an enrolment on this side; the encrypted store keeps no other hash).
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridworker-kdf") as pool:
                ahead = pool.submit(derive_password_key, password)
                engine_enroll(db, server, username, password, community=community, device_name=device_name,
                              verify=verify, first_sync=False, cancel=cancel)
                password_key = ahead.result()
        except BaseException:
            db.close()
            if created:
                self._remove_new_files()
            raise
        try:
            with db.read() as conn:
                row = conn.exec_driver_sql(
                    "SELECT id, username, COALESCE(display_name, username), role, org_id FROM local_user"
                    " WHERE username = ?", (username.strip(),)).first()
            credential = db.credential_of(row[0])
            provisional = slots.provisional_key if not created else None  # the old slot's, before it is replaced
            slot = slots.add_user(key, user_id=row[0], username=row[1], display_name=row[2], role=row[3],
                                  org_id=row[4], password=password, online=True, credential=credential,
                                  password_key=password_key)
            use_credential(db, row[0], credential, provisional)
            slots.community_name = db.get_state("community_name")
            slots.mark_online_login(slot.username, community_name=db.get_state("community_name"))
            db.set_state(KEYS_FORMAT_STATE, "2")
            self._slots = slots
            if first_sync:
                SyncEngine(db, progress=progress, cancel=cancel).sync()
                slots.record_server_contact()
        except BaseException:
            db.close()
            raise
        return Login(db, key, slot, online=True)

    def add_user(self, db: Database, key: bytes, username: str, password: str) -> Slot:
        """Another person may use this laptop: the server checks their password (online), then their
        slot is sealed with the open database's key and their ``local_user`` row is stored."""
        user = self.check_online(db, username, password)
        return self.add_checked_user(db, key, user, password)

    def add_checked_user(self, db: Database, key: bytes, user: dict, password: str) -> Slot:
        slots = self.slots
        if slots is None:
            raise LaptopError("本机没有密钥文件，无法添加用户")
        from ..store.signing import credential_bytes  # noqa: PLC0415

        credential = credential_bytes(user["credential"]) if user.get("credential") else None
        slot = slots.add_user(key, user_id=user["id"], username=user["username"],
                              display_name=user.get("display_name"), role=user["role"], org_id=user.get("org_id"),
                              password=password, online=True, credential=credential)
        remember_local_user(db, user, password)
        return slot

    def remove_user(self, db: Database | None, username: str) -> bool:
        """Drop a user's slot (refuses the last one) and their ``local_user`` row. With the open
        database the data key changes too (:func:`gridworker.store.rekey.remove_and_rekey`): an old
        copy of the key file and the removed password open nothing current. Refused (KeySlotError)
        while another user's slot is still of the old format: they must log in once first."""
        from ..store.rekey import remove_and_rekey  # noqa: PLC0415

        slots = self.slots
        if slots is None:
            return False
        slot = slots.find(username)
        if db is not None and db.key is not None:
            removed = remove_and_rekey(db, slots, username)
        else:
            removed = slots.remove_user(username)
        if removed and db is not None and slot is not None:
            with db.sync_transaction() as conn:
                local.forget_user(conn, slot.user_id)
        return removed

    @staticmethod
    def same_key(a: bytes | None, b: bytes | None) -> bool:
        return a is not None and b is not None and hmac.compare_digest(a, b)


def remember_local_user(db: Database, user: dict, password: str | None = None) -> None:
    """The user's row in ``local_user`` (display names, roles; and the offline hash the previous
    release used). Laptop-only table, not synced."""
    from .enrol import local_hasher  # noqa: PLC0415

    # An encrypted laptop's offline login is the user's key slot: no second Argon2id for a hash
    # nothing reads (only the unencrypted release before key slots logged in with it).
    pw_hash = local_hasher().hash(password) if password and db.key is None else None
    with db.sync_transaction() as conn:
        local.remember_user(conn, user, password_hash=pw_hash)


def verify_user_online(db: Database, username: str, password: str, *, retries: int = ONLINE_CHECK_RETRIES) -> dict:
    """Ask this laptop's server (device token) whether ``password`` is ``username``'s and the user
    belongs to this laptop's community. Returns the user (id, username, display_name, role, org_id)."""
    from .transport import NotEnrolled, transport_for  # noqa: PLC0415

    try:
        transport = transport_for(db, retries=retries, backoff=0.3)
    except NotEnrolled:
        raise LaptopError("本机尚未注册到同步服务器，无法在线核对密码") from None
    try:
        reply = transport.call("POST", "/auth/check-user", body={"username": username.strip(), "password": password})
    finally:
        transport.close()
    # The user's credential on this laptop rides along under "credential" (sealed by the caller).
    return {**reply["user"], "credential": reply.get("user_secret")}


def use_credential(db: Database, user_id: str, credential: bytes | None, provisional_key: bytes | None = None) -> int:
    """The logged-in user's keys (store/signing.py): their credential signs their changes; without
    one yet, their slot's provisional key does. With the credential, their changes that wait
    (provisional, or made before signatures existed) are signed now. Returns how many."""
    db.forget_credentials()  # only the logged-in user's keys are held
    db.keep_provisional_key(user_id, provisional_key)
    if not credential:
        return 0
    db.keep_credential(user_id, credential)
    with db.sync_transaction() as conn:
        signed = local.sign_pending(conn, user_id, credential, provisional_key)
    if signed:
        log.info("signed %d waiting changes of %s", signed, user_id)
    return signed


__all__ = ["DB_FILE", "LEGACY", "LOCKED", "Laptop", "LaptopError", "LaptopRevoked", "LegacyUser", "Login", "NEW",
           "ORPHAN", "OnlineLoginRequired", "WIPED", "KeySlotError", "WrongPassword", "remember_local_user",
           "session_fields", "use_credential", "verify_user_online"]
