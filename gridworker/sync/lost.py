"""A lost laptop: what the laptop does when the server says it was revoked (HTTP 401 ``device_revoked``).

The app and the CLI call :func:`handle_revoked` when a sync or an online login is refused that way:

1. :func:`export_unsent` seals every outbox entry (the audit entries among them), with the device
   id, community, user names, counts and times, signed with the secret agreed at enrolment
   (HMAC-SHA256, :func:`gridworker.sync.sealed.payload_mac`), to the server's **export public key**
   (:mod:`gridworker.sync.sealed`: ephemeral X25519 + HKDF-SHA256 + AES-256-GCM) and writes
   ``unsent-<device>-<timestamp>.gwx`` into the data folder atomically (temporary file, fsync,
   rename, fsync of the folder). The file is then read back from disk and opened with the content
   key still in memory; only a file that opens and carries exactly the entries sealed counts.
2. Only then :meth:`KeySlots.wipe` drops every key slot: the database stays on disk, unreadable.
3. The database is closed. The path of the export is returned for the message to the person
   (:func:`revoked_message`); an admin reads and applies it with ``gridworker server read-export``.

Without the export public key (a laptop enrolled before the server handed it out, that never
synced since, and the server cannot be reached now to fetch it) the changes cannot be sealed.
Writing them in clear would put residents' data on a lost laptop's disk; wiping without a copy
would destroy work nobody else has. Neither is acceptable, so :func:`handle_revoked` raises
:class:`ExportKeyMissing` and **keeps the key slots**: the data stays as protected as before
(encrypted, opened only with a user's password) and the person is told to bring the laptop to
the community admin, where connecting it to the server once lets the export and the lock go on.
A laptop with nothing unsent has nothing to lose: it is locked at once, with or without a key.

Laptops get the key at enrolment and, when it is missing, on their next sync
(:func:`ensure_export_key`, also tried by :func:`handle_revoked` with the revoked token: the server
gives its public key to any device it enrolled). No Qt here.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from ..domain.errors import GridworkerError
from ..store import local
from ..store.database import Database
from ..store.files import write_atomically
from . import sealed
from .transport import NotEnrolled, SyncError, Transport, transport_for

EXPORT_KEY_STATE = "export_public_key"
# The secret agreed with the server at enrolment (base64): the export's MAC proves this laptop wrote it.
EXPORT_SECRET_STATE = local.State.EXPORT_SECRET
PAYLOAD_KIND = "gridworker-unsent-changes"  # also in gridworker.server.exports
SUFFIX = ".gwx"


class LostLaptopError(GridworkerError):
    """The revoked laptop could not be exported and locked; nothing was wiped."""


class ExportKeyMissing(LostLaptopError):
    """No server export key on this laptop: the unsent changes cannot be sealed, so nothing is wiped."""


# --------------------------------------------------------------------------- the key
def ensure_export_key(db: Database, transport: Transport | None = None) -> str | None:
    """The server's export public key (base64), fetched with this laptop's token when missing.

    Returns None when it is missing and cannot be fetched now (no server, not enrolled, refused);
    never raises for that, so a sync is not failed by it.
    """
    have = db.get_state(EXPORT_KEY_STATE)
    if have:
        return have
    own = transport is None
    if own:
        try:
            transport = transport_for(db, retries=int(os.environ.get("GRIDWORKER_SYNC_RETRIES", "2")))
        except NotEnrolled:
            return None
    try:
        reply = transport.call("GET", "/sync/export-key")
        key = reply["public_key"]
        sealed._public_from(key)  # a malformed key is not stored
    except (SyncError, sealed.SealedError, KeyError, TypeError):
        return None
    finally:
        if own:
            transport.close()
    db.set_state(EXPORT_KEY_STATE, key)
    return key


# --------------------------------------------------------------------------- the export
def pending_count(db: Database) -> int:
    with db.read() as conn:
        return local.pending_count(conn)


def _payload(db: Database, when: dt.datetime, reason: str | None) -> dict:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at, sig "
            "FROM outbox ORDER BY seq").fetchall()
        users = [dict(zip(("id", "username", "display_name", "role"), r)) for r in conn.exec_driver_sql(
            "SELECT id, username, display_name, role FROM local_user ORDER BY username").fetchall()]
        state = dict(conn.exec_driver_sql("SELECT key, value FROM local_state").fetchall())
    entries = [{"seq": r[0], "tx_id": r[1], "table": r[2], "row_id": r[3], "op": r[4],
                "fields": json.loads(r[5]), "base_versions": json.loads(r[6]), "hlc": r[7],
                "user_id": r[8], "created_at": r[9], "sig": r[10]} for r in rows]
    by_table: dict[str, int] = {}
    for e in entries:
        by_table[e["table"]] = by_table.get(e["table"], 0) + 1
    audit = [{"seq": e["seq"], "action": e["fields"].get("action"), "table": e["fields"].get("table_name"),
              "row_id": e["fields"].get("row_id"), "user_id": e["user_id"], "at": e["created_at"]}
             for e in entries if e["table"] == "audit_log"]
    times = sorted(e["created_at"] for e in entries if e["created_at"])
    return {"kind": PAYLOAD_KIND, "version": 1, "device_id": state.get("device_id"),
            "community_id": state.get("community_id"), "community_code": state.get("community_code"),
            "community_name": state.get("community_name"), "server_url": state.get("server_url"),
            "enrolled_user": state.get("username"), "users": users,
            "exported_at": when.isoformat(timespec="seconds"), "reason": reason,
            "last_sync": state.get("last_sync"), "outbox_seq": state.get("outbox_seq"),
            "counts": {"entries": len(entries), "audit": len(audit), "by_table": by_table},
            "first_seq": entries[0]["seq"] if entries else None, "last_seq": entries[-1]["seq"] if entries else None,
            "oldest_change": times[0] if times else None, "newest_change": times[-1] if times else None,
            "entries": entries, "audit": audit}


def export_unsent(db: Database, dest_dir: str | Path, *, reason: str | None = None) -> Path:
    """Seal every unsent change to the server's export key into ``dest_dir``; returns the file.

    Raises :class:`ExportKeyMissing` when this laptop has no export key (nothing is written), and
    :class:`LostLaptopError` when the file cannot be written or does not read back as sealed.
    """
    key = db.get_state(EXPORT_KEY_STATE)
    if not key:
        n = pending_count(db)
        raise ExportKeyMissing(
            f"本机还没有同步服务器的导出公钥，无法把未同步的 {n} 条修改加密导出；为免修改丢失，本机数据没有锁定。"
            "请把本机交给社区管理员：连上同步服务器后重试，本机会取得公钥、加密导出并锁定。")
    when = dt.datetime.now(dt.timezone.utc)  # UTC: the file name says Z
    device = db.device_id
    payload = _payload(db, when, reason)
    secret = db.get_state(EXPORT_SECRET_STATE)
    if secret:  # a laptop enrolled before secrets existed writes an unsigned file (shown, not applied)
        payload["mac"] = {"alg": sealed.MAC_ALGORITHM, "value": sealed.payload_mac(sealed.unb64(secret), payload)}
    plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # The clear header holds no personal data: the device, the time and how many changes.
    blob, content_key = sealed.seal(plaintext, key, purpose="unsent-changes", device_id=device,
                                    created=payload["exported_at"], entries=payload["counts"]["entries"])
    dest = Path(dest_dir)
    path = dest / f"unsent-{device}-{when.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"
    try:
        dest.mkdir(parents=True, exist_ok=True)
        n = 1
        while path.exists():  # two exports in one second: never overwrite the first
            n += 1
            path = dest / f"unsent-{device}-{when.strftime('%Y%m%dT%H%M%SZ')}-{n}{SUFFIX}"
        write_atomically(path, blob)
        back = path.read_bytes()
    except OSError as exc:
        raise LostLaptopError(f"无法在 {dest} 写入加密导出文件（{exc.strerror or exc}）；本机数据没有锁定。"
                              "请检查数据文件夹是否可写、磁盘是否已满，然后重试") from None
    try:
        reread = sealed.open_with_content_key(back, content_key)
    except sealed.SealedError:
        reread = None
    if reread is None or hashlib.sha256(reread).digest() != hashlib.sha256(plaintext).digest():
        raise LostLaptopError(f"加密导出文件 {path} 写入后读回校验不一致（磁盘可能有问题）；本机数据没有锁定，请重试")
    return path


# --------------------------------------------------------------------------- the whole step
def handle_revoked(db: Database, slots, data_dir: str | Path) -> Path | None:
    """Export the unsent changes (sealed), then wipe every key slot, then close the database.

    ``slots`` is the laptop's :class:`~gridworker.store.keyslots.KeySlots`. Returns the export
    file; None only when there was nothing unsent and no export key to seal an empty file to.
    Raises :class:`ExportKeyMissing` / :class:`LostLaptopError` with nothing wiped and the
    database left open, when the changes could not be exported.
    """
    if slots is None:
        raise LostLaptopError("本机数据库没有密钥文件（未加密），无法锁定；请联系管理员")
    key = ensure_export_key(db)
    # No change may be written between the export and the wipe (it would be in neither): hold the
    # database's writer lock (every unit of work and sync transaction of this process takes it).
    with getattr(db, "_write_lock", None) or contextlib.nullcontext():
        n = pending_count(db)
        if not key and n == 0:
            path = None  # nothing to lose: lock now
        else:
            path = export_unsent(db, data_dir, reason="device revoked by the server (HTTP 401 device_revoked)")
        where = f"已加密导出到 {path.name}" if path else "无需导出"
        slots.wipe(f"device_revoked: 本机已被管理员停用；未同步的 {n} 条修改{where}")
        db.close()
    return path


# The person's message after handle_revoked. The app may translate these templates (tr) and then
# format them; {count} is the number of changes exported, {path} the export file.
REVOKED_TEMPLATE = "本机已被管理员停用。未同步的 {count} 条修改已加密导出到 {path}，请交给社区管理员。本机数据已锁定。"
REVOKED_NOTHING_TEMPLATE = "本机已被管理员停用。本机没有未同步的修改。本机数据已锁定。"


def revoked_message(count: int, path: Path | str | None) -> str:
    """What the person is told after :func:`handle_revoked` (plain Chinese)."""
    if path is None or count == 0:
        return REVOKED_NOTHING_TEMPLATE
    return REVOKED_TEMPLATE.format(count=count, path=path)


def exported_count(path: Path | str) -> int:
    """How many changes an export file holds (from its clear header; no key needed)."""
    return int(sealed.header_of(Path(path).read_bytes()).get("entries", 0))
