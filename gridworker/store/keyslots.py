"""Key slots: the laptop database's data key, wrapped once for each local user.

The database file is encrypted (SQLCipher, :mod:`gridworker.store.connect`) with a random 32-byte
data key. The key is never stored in clear: ``gridworker.keys`` beside the database holds one
*slot* per user of the laptop, the data key sealed with AES-256-GCM under a key derived from that
user's password with Argon2id (salt and costs kept in the slot). So:

- any local user can open the database with their own password (:meth:`KeySlots.unlock`);
- nobody without a password can (the file alone is random bytes);
- removing a user removes their slot, and their password opens nothing afterwards;
- the slot's public fields (user id, name, role, organisation) are the AES-GCM associated data,
  so editing a role in the file makes that slot fail to open instead of granting the role;
- :meth:`KeySlots.wipe` (a revoked laptop) drops every slot: the file stays, unreadable.

The file also keeps what the login screen needs before the database is open (the community's
name, when the server was last reached, how many days a laptop may stay offline). No Qt here.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.clock import utc_now_iso
from ..domain.errors import GridworkerError
from .connect import KEY_BYTES
from .files import write_atomically

FORMAT = 1
SUFFIX = ".keys"
DEFAULT_OFFLINE_DAYS = 14

# Argon2id costs for new slots (RFC 9106's second recommendation: 64 MiB, 3 passes). Kept per slot,
# so changing them here never locks anyone out; tests lower them through ``set_kdf_costs``.
_KDF = {"t": 3, "m": 64 * 1024, "p": 4}


def set_kdf_costs(*, t: int, m: int, p: int) -> None:
    """Costs for slots made from now on (tests use cheap ones)."""
    _KDF.update(t=t, m=m, p=p)


class KeySlotError(GridworkerError):
    """Something about the key file a person must act on."""


class WrongPassword(KeySlotError):
    """The user name or password does not open this laptop."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


@dataclass
class Slot:
    """One user's sealed copy of the data key, and what the login screen shows of them."""

    user_id: str
    username: str
    display_name: str
    role: str
    org_id: str | None
    kdf: dict[str, Any]
    nonce: str
    sealed: str
    added: str
    last_online_login: str | None = None

    def associated_data(self, laptop_id: str) -> bytes:
        fields = ["gridworker-keyslot", str(FORMAT), laptop_id, self.user_id, self.username, self.role,
                  self.org_id or ""]
        return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def _derive(password: str, kdf: dict[str, Any]) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), _unb64(kdf["salt"]), time_cost=int(kdf["t"]),
                           memory_cost=int(kdf["m"]), parallelism=int(kdf["p"]), hash_len=32, type=Type.ID)


class KeySlots:
    """The key file of one laptop database (``<database>.keys``)."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = Path(path)
        self.data = data

    # ------------------------------------------------------------------ files
    @staticmethod
    def path_for(db_path: str | Path) -> Path:
        db_path = Path(db_path)
        return db_path.with_name(db_path.stem + SUFFIX)

    @classmethod
    def load(cls, db_path: str | Path) -> "KeySlots | None":
        """The key file of ``db_path``, or None when there is none (a new or a plain database)."""
        path = cls.path_for(db_path)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise KeySlotError(f"密钥文件无法读取：{path}（{exc}）。请联系管理员。") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("slots"), list):
            raise KeySlotError(f"密钥文件格式不对：{path}。请联系管理员。")
        return cls(path, data)

    @classmethod
    def create(cls, db_path: str | Path, *, offline_days: int = DEFAULT_OFFLINE_DAYS) -> tuple["KeySlots", bytes]:
        """A new random data key and an (unsaved) key file with no users yet."""
        data = {"format": FORMAT, "cipher": "sqlcipher4", "kdf": "argon2id",
                "laptop_id": secrets.token_hex(16), "created": utc_now_iso(), "offline_days": int(offline_days),
                "last_server_contact": None, "community_name": None, "wiped": None, "slots": []}
        return cls(cls.path_for(db_path), data), secrets.token_bytes(KEY_BYTES)

    def save(self) -> None:
        """Write atomically (a power cut leaves the old file or the new one, never half of one)."""
        write_atomically(self.path, json.dumps(self.data, ensure_ascii=False, indent=1).encode("utf-8"))

    # ------------------------------------------------------------------ users
    @property
    def laptop_id(self) -> str:
        return self.data["laptop_id"]

    def users(self) -> list[Slot]:
        return sorted((Slot(**s) for s in self.data["slots"]), key=lambda s: s.username)

    def find(self, username: str) -> Slot | None:
        username = username.strip()
        for s in self.data["slots"]:
            if s["username"] == username:
                return Slot(**s)
        return None

    def add_user(self, key: bytes, *, user_id: str, username: str, display_name: str | None, role: str,
                 org_id: str | None, password: str, online: bool = True) -> Slot:
        """Seal ``key`` for this user (replacing their old slot) and save the file.

        ``online``: the password was just checked by the server (enrolment, online login).
        """
        if len(key) != KEY_BYTES:
            raise ValueError("not a data key")
        if not password:
            raise KeySlotError("密码不能为空")
        kdf = dict(_KDF, salt=_b64(secrets.token_bytes(16)))
        nonce = secrets.token_bytes(12)
        slot = Slot(user_id=user_id, username=username.strip(), display_name=display_name or username.strip(),
                    role=role, org_id=org_id, kdf=kdf, nonce=_b64(nonce), sealed="", added=utc_now_iso(),
                    last_online_login=utc_now_iso() if online else None)
        sealed = AESGCM(_derive(password, kdf)).encrypt(nonce, key, slot.associated_data(self.laptop_id))
        slot.sealed = _b64(sealed)
        self.data["slots"] = [s for s in self.data["slots"]
                              if s["user_id"] != user_id and s["username"] != slot.username]
        self.data["slots"].append(asdict(slot))
        self.data["wiped"] = None
        self.save()
        return slot

    def unlock(self, username: str, password: str) -> bytes:
        """The data key, opened with this user's password. Slow on purpose (Argon2id)."""
        slot = self.find(username)
        if slot is None:
            # Same work and the same answer as a wrong password: the screen does not tell which.
            _derive(password, dict(_KDF, salt=_b64(b"\0" * 16)))
            raise WrongPassword("用户名或密码不正确")
        try:
            return AESGCM(_derive(password, slot.kdf)).decrypt(
                _unb64(slot.nonce), _unb64(slot.sealed), slot.associated_data(self.laptop_id))
        except (InvalidTag, ValueError, KeyError) as exc:
            raise WrongPassword("用户名或密码不正确") from exc

    def remove_user(self, username: str) -> bool:
        """Drop this user's slot; their password opens nothing afterwards. Refuses the last user."""
        slots = self.data["slots"]
        keep = [s for s in slots if s["username"] != username.strip()]
        if len(keep) == len(slots):
            return False
        if not keep:
            raise KeySlotError("不能删除本机的最后一个用户：否则谁也打不开本机的数据")
        self.data["slots"] = keep
        self.save()
        return True

    def mark_online_login(self, username: str) -> None:
        for s in self.data["slots"]:
            if s["username"] == username.strip():
                s["last_online_login"] = utc_now_iso()
        self.record_server_contact()

    # ------------------------------------------------------------------ a lost laptop
    def wipe(self, reason: str) -> None:
        """Forget every slot: the database stays on disk but nobody can open it any more."""
        self.data["slots"] = []
        self.data["wiped"] = {"at": utc_now_iso(), "reason": reason}
        self.save()

    @property
    def wiped(self) -> dict[str, str] | None:
        return self.data.get("wiped")

    # ------------------------------------------------------------------ offline policy
    @property
    def offline_days(self) -> int:
        return int(self.data.get("offline_days") or DEFAULT_OFFLINE_DAYS)

    @offline_days.setter
    def offline_days(self, days: int) -> None:
        if days < 1:
            raise KeySlotError("离线天数至少为 1 天")
        self.data["offline_days"] = int(days)
        self.save()

    @property
    def last_server_contact(self) -> dt.datetime | None:
        return _parse_time(self.data.get("last_server_contact"))

    def record_server_contact(self, when: dt.datetime | None = None) -> None:
        """The server answered this laptop (a sync or an online login)."""
        self.data["last_server_contact"] = (when or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        self.save()

    def needs_online_login(self, now: dt.datetime | None = None) -> bool:
        """True when the laptop has not reached the server for more than ``offline_days``."""
        last = self.last_server_contact
        if last is None:
            return False  # never enrolled online yet: enrolment itself is online
        now = now or dt.datetime.now(dt.timezone.utc)
        return (now - last) > dt.timedelta(days=self.offline_days)

    @property
    def community_name(self) -> str | None:
        return self.data.get("community_name")

    @community_name.setter
    def community_name(self, name: str | None) -> None:
        self.data["community_name"] = name
        self.save()
