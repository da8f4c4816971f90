"""Key slots: the laptop database's data key, wrapped once for each local user.

The database file is encrypted (SQLCipher, :mod:`gridworker.store.connect`) with a random 32-byte
data key. The key is never stored in clear: ``gridworker.keys`` beside the database holds one
*slot* per user of the laptop. A slot (format 2) holds the user's own X25519 key pair: the public
key in clear, the private key sealed with AES-256-GCM under a key derived from the user's password
with Argon2id (salt and costs kept in the slot); the data key is sealed *to* the public key
(ephemeral X25519, HKDF-SHA256, AES-256-GCM). Unlocking: password -> private key -> data key. So an
admin can seal a new data key for every other user without knowing their passwords, which is what
removing a user does (:mod:`gridworker.store.rekey`). A format-1 slot (the data key sealed directly
under the password's key) still opens, and is turned into format 2 at that user's next unlock. So:

- any local user can open the database with their own password (:meth:`KeySlots.unlock`);
- nobody without a password can (the file alone is random bytes);
- removing a user removes their slot, and their password opens nothing afterwards;
- the slot's public fields (user id, name, role, organisation) are the AES-GCM associated data,
  so editing a role in the file makes that slot fail to open instead of granting the role;
- :meth:`KeySlots.wipe` (a revoked laptop) drops every slot: the file stays, unreadable.

The file also keeps what the login screen needs before the database is open (the community's
name, when the server was last reached, how many days a laptop may stay offline). Those *policy*
fields carry an HMAC-SHA256 (``policy_mac``) under a key derived from the data key: whoever edits the
file without the data key makes the MAC fail, and a login then has to reach the server
(:meth:`KeySlots.needs_online_login`). No Qt here.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..domain.clock import utc_now_iso
from ..domain.errors import GridworkerError
from .connect import KEY_BYTES
from .files import write_atomically

log = logging.getLogger(__name__)

FORMAT = 2
FORMATS = (1, 2)  # format 1: every slot seals the data key under the password's key, no policy MAC
SUFFIX = ".keys"
DEFAULT_OFFLINE_DAYS = 14
# A clock this far before the last contact with the server has been set back: log in online.
CLOCK_BACK_TOLERANCE = dt.timedelta(minutes=10)

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


# The policy MAC key of every laptop unlocked in this process (by laptop id), so that a KeySlots
# loaded afresh (a sync, the CLI) can still re-MAC what it writes. A MAC key opens nothing.
_MAC_KEYS: dict[str, bytes] = {}


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
    """One user's sealed key material, and what the login screen shows of them.

    Format 1 (``v`` 1): ``sealed`` is the data key under the password's key. Format 2: ``sealed`` is
    the user's X25519 private key under the password's key, ``pub`` its public key, ``key_seal`` the
    data key sealed to ``pub`` and, only while a re-key is under way, ``next_seal`` the new data key."""

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
    v: int = 1
    pub: str | None = None
    key_seal: dict[str, str] | None = None
    next_seal: dict[str, str] | None = None
    # The user's credential on this laptop (store/signing.py), sealed to ``pub`` like the data key:
    # only this user's password opens it; set by enrolment or an online login (format 2 only).
    cred_seal: dict[str, str] | None = None

    def credential_data(self, laptop_id: str) -> bytes:
        return self.associated_data(laptop_id) + b"\0credential"

    def associated_data(self, laptop_id: str) -> bytes:
        fields = ["gridworker-keyslot", str(self.v), laptop_id, self.user_id, self.username, self.role,
                  self.org_id or ""]
        if self.v >= 2:
            fields.append(self.pub or "")
        return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def _derive(password: str, kdf: dict[str, Any]) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), _unb64(kdf["salt"]), time_cost=int(kdf["t"]),
                           memory_cost=int(kdf["m"]), parallelism=int(kdf["p"]), hash_len=32, type=Type.ID)


@dataclass(frozen=True)
class PasswordKey:
    """A new slot's password key, derived ahead (:func:`derive_password_key`): enrolment derives it
    while the server checks the password, so a laptop's enrolment costs one Argon2id, overlapped."""
    kdf: dict
    key: bytes
    check: bytes  # HMAC of the password under the key: add_user takes it only for that password

    def fits(self, password: str) -> bool:
        return hmac.compare_digest(self.check, _password_check(self.key, password))


def _password_check(key: bytes, password: str) -> bytes:
    return hmac.new(key, b"gridworker-password-key\0" + password.encode("utf-8"), "sha256").digest()


def derive_password_key(password: str) -> PasswordKey:
    """The Argon2id derivation of a new slot for ``password`` (fresh salt, current costs)."""
    kdf = dict(_KDF, salt=_b64(secrets.token_bytes(16)))
    key = _derive(password, kdf)
    return PasswordKey(kdf=kdf, key=key, check=_password_check(key, password))


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def seal_to(pub: bytes, data_key: bytes, associated: bytes) -> dict[str, str]:
    """``data_key`` sealed to the X25519 public key ``pub`` (ephemeral key, HKDF-SHA256, AES-256-GCM)."""
    eph = X25519PrivateKey.generate()
    epk = _raw_public(eph.public_key())
    wrap = _hkdf(eph.exchange(X25519PublicKey.from_public_bytes(pub)), b"gridworker-keyslot-seal\0" + epk + pub)
    nonce = secrets.token_bytes(12)
    return {"epk": _b64(epk), "nonce": _b64(nonce), "ct": _b64(AESGCM(wrap).encrypt(nonce, data_key, associated))}


def open_sealed(private: X25519PrivateKey, seal: dict[str, str], associated: bytes) -> bytes:
    epk = _unb64(seal["epk"])
    pub = _raw_public(private.public_key())
    wrap = _hkdf(private.exchange(X25519PublicKey.from_public_bytes(epk)), b"gridworker-keyslot-seal\0" + epk + pub)
    return AESGCM(wrap).decrypt(_unb64(seal["nonce"]), _unb64(seal["ct"]), associated)


def policy_mac_key(data_key: bytes, laptop_id: str) -> bytes:
    return _hkdf(data_key, b"gridworker-policy-mac\0" + laptop_id.encode("utf-8"))


POLICY_FIELDS = ("offline_days", "last_server_contact", "community_name")


class KeySlots:
    """The key file of one laptop database (``<database>.keys``)."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = Path(path)
        self.data = data
        self._mac_key: bytes | None = None
        # Set by unlock while a re-key was cut short: the new data key (see gridworker.store.rekey).
        self.pending_key: bytes | None = None
        # Set by unlock: the user's credential on this laptop, or None, and the key their entries
        # are signed with provisionally until the credential comes (store/signing.py).
        self.credential: bytes | None = None
        self.provisional_key: bytes | None = None

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
        if not isinstance(data, dict) or data.get("format") not in FORMATS or not isinstance(data.get("slots"), list):
            raise KeySlotError(f"密钥文件格式不对：{path}。请联系管理员。")
        return cls(path, data)

    @classmethod
    def create(cls, db_path: str | Path, *, offline_days: int = DEFAULT_OFFLINE_DAYS) -> tuple["KeySlots", bytes]:
        """A new random data key and an (unsaved) key file with no users yet."""
        data = {"format": FORMAT, "cipher": "sqlcipher4", "kdf": "argon2id",
                "laptop_id": secrets.token_hex(16), "created": utc_now_iso(), "offline_days": int(offline_days),
                "last_server_contact": None, "community_name": None, "wiped": None, "slots": []}
        slots, key = cls(cls.path_for(db_path), data), secrets.token_bytes(KEY_BYTES)
        slots.know_key(key)
        slots._seal_policy()
        return slots, key

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

    def _replace(self, slot: Slot) -> None:
        self.data["slots"] = [s for s in self.data["slots"]
                              if s["user_id"] != slot.user_id and s["username"] != slot.username]
        self.data["slots"].append(asdict(slot))

    def _new_slot(self, key: bytes, *, user_id: str, username: str, display_name: str | None, role: str,
                  org_id: str | None, password: str, added: str, last_online_login: str | None,
                  password_key: PasswordKey | None = None) -> Slot:
        """A format-2 slot: a fresh key pair, its private key sealed under the password, ``key`` sealed to it."""
        if password_key is None or not password_key.fits(password):
            password_key = derive_password_key(password)
        kdf = password_key.kdf
        nonce = secrets.token_bytes(12)
        private = X25519PrivateKey.generate()
        slot = Slot(user_id=user_id, username=username.strip(), display_name=display_name or username.strip(),
                    role=role, org_id=org_id, kdf=kdf, nonce=_b64(nonce), sealed="", added=added,
                    last_online_login=last_online_login, v=2, pub=_b64(_raw_public(private.public_key())))
        ad = slot.associated_data(self.laptop_id)
        raw_private = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                            serialization.NoEncryption())
        slot.sealed = _b64(AESGCM(password_key.key).encrypt(nonce, raw_private, ad))
        slot.key_seal = seal_to(_unb64(slot.pub), key, ad)
        return slot

    def add_user(self, key: bytes, *, user_id: str, username: str, display_name: str | None, role: str,
                 org_id: str | None, password: str, online: bool = True, credential: bytes | None = None,
                 password_key: PasswordKey | None = None) -> Slot:
        """Seal ``key`` for this user (replacing their old slot) and save the file.

        ``online``: the password was just checked by the server (enrolment, online login).
        ``credential``: the user's credential on this laptop from the server, sealed with the key.
        ``password_key``: this password's key derived ahead (:func:`derive_password_key`); derived
        here when missing or made from another password.
        """
        if len(key) != KEY_BYTES:
            raise ValueError("not a data key")
        if not password:
            raise KeySlotError("密码不能为空")
        if any(s.get("next_seal") for s in self.data["slots"]):
            raise KeySlotError("本机正在更换数据密钥，请重新登录后再添加用户")
        slot = self._new_slot(key, user_id=user_id, username=username, display_name=display_name, role=role,
                              org_id=org_id, password=password, added=utc_now_iso(),
                              last_online_login=utc_now_iso() if online else None, password_key=password_key)
        if credential:
            slot.cred_seal = seal_to(_unb64(slot.pub), credential, slot.credential_data(self.laptop_id))
        self._replace(slot)
        self.data["wiped"] = None
        trusted = self.policy_ok()
        self.know_key(key)
        if trusted and not self.policy_ok():
            self._seal_policy()  # a new file whose first key was replaced by the open database's
        self.save()
        return slot

    def unlock(self, username: str, password: str) -> bytes:
        """The data key, opened with this user's password. Slow on purpose (Argon2id).

        A format-1 slot is turned into format 2 here (the password is known now). When a re-key was
        cut short, ``pending_key`` is the new data key (the caller settles which one the file has)."""
        slot = self.find(username)
        if slot is None:
            # Same work and the same answer as a wrong password: the screen does not tell which.
            _derive(password, dict(_KDF, salt=_b64(b"\0" * 16)))
            raise WrongPassword("用户名或密码不正确")
        ad = slot.associated_data(self.laptop_id)
        self.pending_key = None
        self.credential = self.provisional_key = None
        try:
            opened = AESGCM(_derive(password, slot.kdf)).decrypt(_unb64(slot.nonce), _unb64(slot.sealed), ad)
            if slot.v < 2:
                key = opened
            else:
                private = X25519PrivateKey.from_private_bytes(opened)
                key = open_sealed(private, slot.key_seal or {}, ad)
                if slot.next_seal:
                    self.pending_key = open_sealed(private, slot.next_seal, ad)
        except (InvalidTag, ValueError, KeyError, TypeError) as exc:
            raise WrongPassword("用户名或密码不正确") from exc
        if slot.v >= 2:
            self.provisional_key = _hkdf(opened, b"gridworker-provisional-sign\0" + slot.user_id.encode("utf-8"))
        if slot.v >= 2 and slot.cred_seal:
            try:
                self.credential = open_sealed(private, slot.cred_seal, slot.credential_data(self.laptop_id))
            except (InvalidTag, ValueError, KeyError, TypeError):
                # A damaged or transplanted seal: the user logs in, and gets a new one online.
                log.warning("the credential sealed for %s does not open; it is fetched again online", username)
        self.know_key(key)
        if slot.v < 2:
            self._upgrade(slot, key, password)
        return key

    def set_credential(self, username: str, credential: bytes) -> bool:
        """Seal a credential the server just issued into this user's slot (sealing needs only the
        slot's public key, opening needs the password) and save. False for a format-1 slot."""
        slot = self.find(username)
        if slot is None or slot.v < 2 or not slot.pub:
            return False
        slot.cred_seal = seal_to(_unb64(slot.pub), credential, slot.credential_data(self.laptop_id))
        self._replace(slot)
        self.save()
        return True

    def _upgrade(self, old: Slot, key: bytes, password: str) -> None:
        """A format-1 slot becomes format 2 (same user, same data key, new key pair)."""
        slot = self._new_slot(key, user_id=old.user_id, username=old.username, display_name=old.display_name,
                              role=old.role, org_id=old.org_id, password=password, added=old.added,
                              last_online_login=old.last_online_login)
        self._replace(slot)
        self.save()
        log.info("key slot of %s upgraded to format 2", old.username)

    def remove_user(self, username: str) -> bool:
        """Drop this user's slot; their password opens nothing afterwards. Refuses the last user.

        This alone does not change the data key (an old copy of the key file would still open it):
        removing a user from a laptop goes through :func:`gridworker.store.rekey.remove_and_rekey`."""
        slots = self.data["slots"]
        keep = [s for s in slots if s["username"] != username.strip()]
        if len(keep) == len(slots):
            return False
        if not keep:
            raise KeySlotError("不能删除本机的最后一个用户：否则谁也打不开本机的数据")
        self.data["slots"] = keep
        self.save()
        return True

    # ------------------------------------------------------------------ re-keying (see store/rekey.py)
    def stale_users(self) -> list[Slot]:
        """Users whose slot is still format 1: a new data key cannot be sealed for them."""
        return [s for s in self.users() if s.v < 2]

    def begin_rekey(self, new_key: bytes, drop: str) -> None:
        """Drop ``drop``'s slot and seal ``new_key`` to every remaining slot beside the current key;
        saved. Until :meth:`finish_rekey` each remaining user's password opens both keys."""
        keep = [Slot(**s) for s in self.data["slots"] if s["username"] != drop.strip()]
        if not keep:
            raise KeySlotError("不能删除本机的最后一个用户：否则谁也打不开本机的数据")
        for slot in keep:
            if slot.v < 2 or not slot.pub:
                raise KeySlotError(f"用户 {slot.username} 的密钥槽还是旧格式")
            slot.next_seal = seal_to(_unb64(slot.pub), new_key, slot.associated_data(self.laptop_id))
        self.data["slots"] = [asdict(s) for s in keep]
        self.save()

    def finish_rekey(self, new_key: bytes) -> None:
        """The database now has ``new_key``: it becomes every slot's key, the policy is re-MACed; saved."""
        trusted = self.policy_ok()
        for s in self.data["slots"]:
            if s.get("next_seal"):
                s["key_seal"], s["next_seal"] = s["next_seal"], None
        self._mac_key = None
        self.know_key(new_key)
        if trusted:
            self._seal_policy()
        else:
            self.data.pop("policy_mac", None)
        self.pending_key = None
        self.save()

    def cancel_rekey(self) -> None:
        """The database kept its key: forget the new one."""
        for s in self.data["slots"]:
            s["next_seal"] = None
        self.pending_key = None
        self.save()

    def mark_online_login(self, username: str, *, community_name: str | None = None) -> None:
        """The server just checked this user's password. A policy that did not authenticate is reset
        to the defaults (and the database's community name) with a fresh MAC."""
        for s in self.data["slots"]:
            if s["username"] == username.strip():
                s["last_online_login"] = utc_now_iso()
        if not self.policy_ok() and self._known_mac_key() is not None:
            log.warning("the key file's offline policy did not authenticate; reset after an online login")
            self.data["offline_days"] = DEFAULT_OFFLINE_DAYS
            self.data["community_name"] = community_name
            self._seal_policy()
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

    # ------------------------------------------------------------------ the policy MAC
    def know_key(self, key: bytes) -> None:
        """Remember the policy MAC key of ``key`` (this object and this process)."""
        self._mac_key = policy_mac_key(key, self.laptop_id)
        _MAC_KEYS[self.laptop_id] = self._mac_key

    def _known_mac_key(self) -> bytes | None:
        return self._mac_key or _MAC_KEYS.get(self.laptop_id)

    def _policy_mac(self, mac_key: bytes) -> str:
        fields = ["gridworker-policy", self.laptop_id] + [self.data.get(f) for f in POLICY_FIELDS]
        message = json.dumps(fields, ensure_ascii=False).encode("utf-8")
        return _b64(hmac.new(mac_key, message, hashlib.sha256).digest())

    def _seal_policy(self) -> None:
        mac_key = self._known_mac_key()
        if mac_key is None:
            self.data.pop("policy_mac", None)
            return
        self.data["policy_mac"] = self._policy_mac(mac_key)
        self.data["format"] = FORMAT

    def policy_ok(self) -> bool:
        """True when the policy fields carry a valid MAC under the data key (unlock first)."""
        mac_key, mac = self._known_mac_key(), self.data.get("policy_mac")
        return mac_key is not None and isinstance(mac, str) and hmac.compare_digest(mac, self._policy_mac(mac_key))

    @property
    def legacy_policy(self) -> bool:
        """A format-1 file: its policy predates the MAC (see Laptop.login for when it is trusted)."""
        return self.data.get("format") == 1 and "policy_mac" not in self.data

    def seal_policy(self, *, save: bool = True) -> None:
        """MAC the policy as it stands (a new file filled in, or a format-1 file's policy trusted once)."""
        self._seal_policy()
        if save:
            self.save()

    def _set_policy(self, field: str, value: Any) -> None:
        """Change one policy field and save. Re-MACed only when the policy authenticated before: an
        edited file is never made valid by a later write (it stays unauthenticated until an online login)."""
        trusted = self.policy_ok()
        self.data[field] = value
        if trusted:
            self._seal_policy()
        else:
            self.data.pop("policy_mac", None)
        self.save()

    # ------------------------------------------------------------------ offline policy
    @property
    def offline_days(self) -> int:
        return int(self.data.get("offline_days") or DEFAULT_OFFLINE_DAYS)

    @offline_days.setter
    def offline_days(self, days: int) -> None:
        if days < 1:
            raise KeySlotError("离线天数至少为 1 天")
        self._set_policy("offline_days", int(days))

    @property
    def last_server_contact(self) -> dt.datetime | None:
        return _parse_time(self.data.get("last_server_contact"))

    def record_server_contact(self, when: dt.datetime | None = None) -> None:
        """The server answered this laptop (a sync or an online login)."""
        self._set_policy("last_server_contact",
                         (when or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"))

    def clock_went_back(self, now: dt.datetime | None = None) -> bool:
        """True when this laptop's clock reads earlier than its last known contact with the server
        (beyond :data:`CLOCK_BACK_TOLERANCE`): set back, the offline-days limit would never come."""
        last = self.last_server_contact
        if last is None:
            return False
        now = now or dt.datetime.now(dt.timezone.utc)
        return now < last - CLOCK_BACK_TOLERANCE

    def needs_online_login(self, now: dt.datetime | None = None) -> bool:
        """True when the laptop has not reached the server for more than ``offline_days``, when its
        clock went back past the last contact with the server, or when the policy fields do not
        authenticate (edited, or the data key is not known: fail closed)."""
        if not self.policy_ok():
            return True
        last = self.last_server_contact
        if last is None:
            return False  # never enrolled online yet: enrolment itself is online
        now = now or dt.datetime.now(dt.timezone.utc)
        return self.clock_went_back(now) or (now - last) > dt.timedelta(days=self.offline_days)

    @property
    def community_name(self) -> str | None:
        return self.data.get("community_name")

    @community_name.setter
    def community_name(self, name: str | None) -> None:
        self._set_policy("community_name", name)
