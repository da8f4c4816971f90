"""Sealed files: data encrypted on a laptop so that only the sync server's private key opens it.

Used for a revoked laptop's unsent changes (:mod:`gridworker.sync.lost`), read back by the server
(``gridworker server read-export``). No Qt, no database here: bytes in, bytes out.

Algorithm (an ECIES-style hybrid, ``X25519-HKDF-SHA256-AES-256-GCM``):

1. the laptop makes a fresh (ephemeral) X25519 key pair for each file and agrees a shared secret
   with the server's X25519 *export public key*;
2. HKDF-SHA256 turns the secret into a 256-bit AES key (``info`` names this format and both public
   keys, so a key is never reused for another purpose or recipient);
3. AES-256-GCM seals the payload; the clear header (format, key id, device, time, the ephemeral
   public key, the nonce) is its associated data, so editing any header field makes it fail to open.

The ephemeral private key is thrown away after sealing: once written, not even the laptop that
wrote the file can read it, only the holder of the server's private key.

Why X25519 rather than RSA-OAEP: the public key is 32 bytes (one short ``local_state`` value and
one field in the enrolment reply), key generation and sealing take microseconds, there is no
padding mode to get wrong, and ``cryptography`` (already used for the key slots' AES-GCM) gives
every piece. The one thing RSA would add, encrypting without a key agreement, is not needed.

Authenticity. Sealing to the server's *public* key proves nothing about who sealed: anyone may
seal. So the payload also carries an HMAC-SHA256 (:func:`payload_mac`) under the secret the laptop
and the server agreed when the laptop enrolled (``export_secret`` in the enrolment reply); the
server checks it with the named device's secret before it shows or applies anything.

File layout: one UTF-8 JSON object ``{"format", "version", "alg", "key_id", ..., "epk", "nonce",
"ciphertext"}`` with binary values in base64. It is not compressed (a compressed plaintext would
hide a missing encryption from a byte search; the tests search the bytes).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..domain.errors import GridworkerError

FORMAT = "gridworker-sealed"
VERSION = 1
ALGORITHM = "X25519-HKDF-SHA256-AES-256-GCM"
_INFO = b"gridworker sealed file v1"
MAC_ALGORITHM = "HMAC-SHA256"
# What the device's MAC covers: who, which changes, into which community.
MAC_FIELDS = ("kind", "device_id", "community_id", "first_seq", "last_seq", "exported_at", "entries")


class SealedError(GridworkerError):
    """A sealed file that cannot be made or opened; the message says what and what to do."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# --------------------------------------------------------------------------- keys
def generate_keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair as (private, public) raw 32-byte values."""
    from cryptography.hazmat.primitives import serialization as s  # noqa: PLC0415

    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())
    raw_public = private.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    return raw_private, raw_public


def key_id(public_key: bytes | str) -> str:
    """A short fingerprint of a public key (raw bytes or base64): names the key in a file's header."""
    raw = unb64(public_key) if isinstance(public_key, str) else public_key
    return hashlib.sha256(b"gridworker-export-key" + raw).hexdigest()[:16]


def _public_from(value: bytes | str) -> tuple[X25519PublicKey, bytes]:
    try:
        raw = unb64(value) if isinstance(value, str) else value
        return X25519PublicKey.from_public_bytes(raw), raw
    except (ValueError, TypeError) as exc:
        raise SealedError(f"服务器的导出公钥格式不对（{exc}）；请重新注册本机或联系管理员") from None


def _derive(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=_INFO + b"|" + epk + b"|" + recipient).derive(shared)


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")


# --------------------------------------------------------------------------- sealing
def seal(plaintext: bytes, public_key: bytes | str, **fields: Any) -> tuple[bytes, bytes]:
    """Seal ``plaintext`` to ``public_key``; ``fields`` go into the clear header (no personal data!).

    Returns (file bytes, content key). The content key lets the caller check the written file
    (:func:`open_with_content_key`) before it relies on it; it is not stored anywhere.
    """
    recipient, raw_recipient = _public_from(public_key)
    ephemeral = X25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization as s  # noqa: PLC0415

    epk = ephemeral.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    content_key = _derive(ephemeral.exchange(recipient), epk, raw_recipient)
    del ephemeral
    nonce = secrets.token_bytes(12)
    header = {**fields, "format": FORMAT, "version": VERSION, "alg": ALGORITHM, "key_id": key_id(raw_recipient),
              "epk": b64(epk), "nonce": b64(nonce)}
    ciphertext = AESGCM(content_key).encrypt(nonce, plaintext, _aad(header))
    body = json.dumps({**header, "ciphertext": b64(ciphertext)}, ensure_ascii=True, indent=1)
    return body.encode("ascii"), content_key


def header_of(blob: bytes) -> dict[str, Any]:
    """The clear header of a sealed file (raises SealedError for anything else)."""
    try:
        data = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SealedError("这不是 gridworker 加密导出文件（内容不是预期的格式），或文件已损坏") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SealedError("这不是 gridworker 加密导出文件（缺少格式标记），或文件已损坏")
    if data.get("version") != VERSION or data.get("alg") != ALGORITHM:
        raise SealedError(f"加密导出文件的版本（{data.get('version')}，{data.get('alg')}）本程序不认识；"
                          "请用更新版本的 gridworker 读取")
    for name in ("key_id", "epk", "nonce", "ciphertext"):
        if not isinstance(data.get(name), str):
            raise SealedError(f"加密导出文件缺少 {name}，文件已损坏")
    return data


def _open(data: dict[str, Any], content_key: bytes) -> bytes:
    header = {k: v for k, v in data.items() if k != "ciphertext"}
    try:
        return AESGCM(content_key).decrypt(unb64(data["nonce"]), unb64(data["ciphertext"]), _aad(header))
    except (InvalidTag, ValueError):
        raise SealedError("加密导出文件无法解密：文件被改动过或已损坏，或不是用本服务器的导出公钥加密的") from None


def open_sealed(blob: bytes, private_key: bytes) -> tuple[dict[str, Any], bytes]:
    """(header, plaintext) of a sealed file, opened with the recipient's raw X25519 private key."""
    data = header_of(blob)
    try:
        private = X25519PrivateKey.from_private_bytes(private_key)
        epk = unb64(data["epk"])
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
    except ValueError:
        raise SealedError("加密导出文件的密钥信息已损坏，无法解密") from None
    from cryptography.hazmat.primitives import serialization as s  # noqa: PLC0415

    recipient = private.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    plaintext = _open(data, _derive(shared, epk, recipient))
    return {k: v for k, v in data.items() if k != "ciphertext"}, plaintext


def open_with_content_key(blob: bytes, content_key: bytes) -> bytes:
    """The plaintext, opened with the content key :func:`seal` returned (the writer's own check)."""
    return _open(header_of(blob), content_key)


# --------------------------------------------------------------------------- the writer's MAC
def payload_mac(secret: bytes, payload: dict[str, Any]) -> str:
    """HMAC-SHA256 (hex) under the device's enrolment secret over the payload's :data:`MAC_FIELDS`,
    as canonical JSON (sorted keys, no spaces), so it survives a JSON round trip."""
    covered = {name: payload.get(name) for name in MAC_FIELDS}
    body = json.dumps(covered, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(secret, b"gridworker-export-mac|" + body, hashlib.sha256).hexdigest()


def mac_matches(secret: bytes, payload: dict[str, Any]) -> bool:
    """True when the payload carries a MAC made with ``secret`` over exactly this content."""
    given = payload.get("mac")
    value = given.get("value") if isinstance(given, dict) else None
    return isinstance(value, str) and hmac.compare_digest(value, payload_mac(secret, payload))
