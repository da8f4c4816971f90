"""The audit log's hash chains on the server: anchored when pushed, checked afterwards.

Each laptop chains its own audit entries (:meth:`gridworker.store.uow.UnitOfWork.audit`): an
entry's ``hash`` is the SHA-256 of its content and the previous entry's hash of the same device,
in HLC order. A plain hash chain proves nothing against whoever can rewrite it whole, so the server
**anchors** each device's chain as it accepts it:

- :class:`AuditAnchor` (called by the push for every ``audit_log`` entry) accepts an entry only
  from its own device and acting user, only when its hash is its content's and it links to the
  device's head (``audit_head``: entries, last hash); it then advances the head and makes a
  receipt, HMAC-SHA256 under the server's secret receipt key (``audit_receipt_key``, kept in the
  server database like the export key) over ``device | entries | head hash``. The receipt goes
  back in the push reply and the laptop keeps the last one. A refused entry is rejected
  (``audit_forged`` / ``audit_chain``) and recorded in ``audit_refusal``.
- :func:`check_audit_chains` verifies every device's rows, then compares them with the anchor:

  - ``hash_mismatch``: the entry's content no longer gives its hash (the row was edited);
  - ``chain_broken``: the entry does not point at the entry before it (a row was removed or inserted);
  - ``rehashed``: the rows link up among themselves but do not end at the anchored head;
  - ``trimmed``: fewer rows than anchored, ending elsewhere (the tail was removed);
  - ``deleted``: the anchor counts entries, the table holds none of the device;
  - ``unanchored``: rows the server never accepted (more rows than anchored, or no anchor at all);
  - ``forged``: a row whose device or user is not the one that pushed it (from the change log);
  - ``anchor_tampered``: the head's receipt does not verify under the receipt key.

Works on SQLite and PostgreSQL through a SQLAlchemy connection; nothing here imports FastAPI.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, inspect, text

from ..domain.clock import utc_now_iso as now_iso
from ..domain.ids import new_id
from ..store.rows import dumps

RECEIPT_ALG = "HMAC-SHA256"


@dataclass
class AuditProblem:
    """One entry (or one device's chain) that does not verify."""

    device_id: str
    entry_id: str | None
    hlc: str | None
    kind: str  # hash_mismatch / chain_broken / rehashed / trimmed / deleted / unanchored / forged / anchor_tampered
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {"device_id": self.device_id, "entry_id": self.entry_id, "hlc": self.hlc, "kind": self.kind,
                "message": self.message}


@dataclass
class AuditReport:
    entries: int = 0
    devices: int = 0
    problems: list[AuditProblem] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)  # pushes the server refused (flagged)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "devices": self.devices,
                "problems": [p.as_dict() for p in self.problems], "refused": self.refused}


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash an audit_log row must carry, computed exactly as UnitOfWork.audit does."""
    detail = entry.get("detail")
    if isinstance(detail, str):
        detail = json.loads(detail) if detail else {}
    body = dumps({"action": entry["action"], "table": entry.get("table_name"), "row_id": entry.get("row_id"),
                  "detail": detail or {}, "user": entry.get("created_by"), "device": entry.get("device_id"),
                  "at": entry.get("created_at"), "prev": entry.get("prev_hash")})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- receipts
def create_receipt_key(conn: Connection) -> tuple[str, bytes]:
    """A new secret receipt key, current from now on (heads name the key they were made with)."""
    secret = secrets.token_bytes(32)
    key_id = hashlib.sha256(b"gridworker-audit-receipt" + secret).hexdigest()[:16]
    conn.execute(text("INSERT INTO audit_receipt_key (key_id, secret, created_at) VALUES (:k, :s, :t)"),
                 {"k": key_id, "s": base64.b64encode(secret).decode("ascii"), "t": now_iso()})
    return key_id, secret


def receipt_key(conn: Connection, key_id: str | None = None, *, create: bool = False) -> tuple[str, bytes] | None:
    """(key id, secret) of the named key, or of the newest one (made when ``create`` and none exists)."""
    if key_id is None:
        row = conn.execute(text("SELECT key_id, secret FROM audit_receipt_key "
                                "ORDER BY created_at DESC, key_id LIMIT 1")).first()
    else:
        row = conn.execute(text("SELECT key_id, secret FROM audit_receipt_key WHERE key_id = :k"),
                           {"k": key_id}).first()
    if row is None:
        return create_receipt_key(conn) if create and key_id is None else None
    return row[0], base64.b64decode(row[1])


def make_receipt(secret: bytes, device_id: str, entries: int, head_hash: str | None) -> str:
    """HMAC-SHA256 (hex) of ``device_id|entries|head_hash`` under the server's receipt key."""
    message = f"{device_id}|{int(entries)}|{head_hash or ''}".encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _load_head(conn: Connection, device_id: str) -> dict | None:
    row = conn.execute(text("SELECT device_id, entries, head_hash, last_row_id, last_seq, key_id, receipt "
                            "FROM audit_head WHERE device_id = :d"), {"d": device_id}).mappings().first()
    return dict(row) if row else None


def receipt_of(head: dict) -> dict:
    """The receipt as the push reply carries it (wire.AuditReceipt)."""
    return {"device_id": head["device_id"], "entries": int(head["entries"]), "head_hash": head["head_hash"],
            "last_seq": head["last_seq"], "key_id": head["key_id"], "alg": RECEIPT_ALG, "receipt": head["receipt"]}


class AuditAnchor:
    """One push's view of the pushing device's audit head. The push holds the device row locked,
    so one device's pushes never interleave here."""

    def __init__(self, conn: Connection, device_id: str):
        self.conn = conn
        self.device_id = device_id
        self._head: dict | None = None
        self._loaded = False
        self.changed = False
        self.refusals: list[dict] = []

    def head(self) -> dict:
        if not self._loaded:
            self._head, self._loaded = _load_head(self.conn, self.device_id), True
        if self._head is None:
            self._head = {"device_id": self.device_id, "entries": 0, "head_hash": None, "last_row_id": None,
                          "last_seq": None, "key_id": None, "receipt": None}
        return self._head

    def accept(self, row: dict, user_id: str | None, seq: int) -> tuple[str, str] | None:
        """Check one audit row as it would be stored, pushed by this device for ``user_id`` (the acting
        user). Returns None and advances the head, or (code, reason) for a rejection (recorded)."""
        head = self.head()
        refused = _refusal(row, self.device_id, user_id, head["head_hash"])
        if refused is not None:
            self.refusals.append({"id": new_id(), "device_id": self.device_id, "user_id": user_id,
                                  "row_id": str(row.get("id"))[:36], "seq": seq, "code": refused[0],
                                  "reason": refused[1], "at": now_iso()})
            return refused
        head.update(entries=int(head["entries"]) + 1, head_hash=row["hash"], last_row_id=row["id"], last_seq=seq)
        self.changed = True
        return None

    def save(self) -> None:
        """Write the advanced head with its new receipt, and the refusals (the push's transaction)."""
        if self.changed:
            head = self.head()
            key_id, secret = receipt_key(self.conn, create=True)
            head.update(key_id=key_id, receipt=make_receipt(secret, self.device_id, head["entries"], head["head_hash"]))
            self.conn.execute(text(
                "INSERT INTO audit_head (device_id, entries, head_hash, last_row_id, last_seq, key_id, receipt, "
                "updated_at) VALUES (:device_id, :entries, :head_hash, :last_row_id, :last_seq, :key_id, :receipt, :t) "
                "ON CONFLICT (device_id) DO UPDATE SET entries = excluded.entries, head_hash = excluded.head_hash, "
                "last_row_id = excluded.last_row_id, last_seq = excluded.last_seq, key_id = excluded.key_id, "
                "receipt = excluded.receipt, updated_at = excluded.updated_at"), {**head, "t": now_iso()})
            self.changed = False
        if self.refusals:
            self.conn.execute(text("INSERT INTO audit_refusal (id, device_id, user_id, row_id, seq, code, reason, at) "
                                   "VALUES (:id, :device_id, :user_id, :row_id, :seq, :code, :reason, :at)"),
                              self.refusals)
            self.refusals = []

    def receipt(self) -> dict | None:
        """The current receipt of this device (None before its first accepted entry)."""
        head = self.head()
        return receipt_of(head) if head["receipt"] else None


def _refusal(row: dict, device_id: str, user_id: str | None, head_hash: str | None) -> tuple[str, str] | None:
    if row.get("device_id") != device_id:
        return ("audit_forged", f"审计记录只能由记录它的电脑上传：这条记录写的是设备 {row.get('device_id')}，"
                                f"上传的是设备 {device_id}")
    if row.get("created_by") != user_id:
        return ("audit_forged", "审计记录的操作人与上传它的用户不符：只能上传本人的审计记录")
    try:
        digest = entry_hash(row)
    except (ValueError, TypeError, KeyError):
        digest = None
    if row.get("hash") != digest:
        return ("audit_chain", "审计记录的内容与其哈希不符：记录在本机被改动过")
    if row.get("prev_hash") != head_hash:
        return ("audit_chain", "审计记录没有接上本机上一条已被服务器确认的审计记录：本机的审计日志被删改过，"
                               "或本机数据是从旧备份恢复的；请联系管理员")
    return None


# --------------------------------------------------------------------------- checking
def check_audit_chains(conn: Connection) -> AuditReport:
    """Verify every device's audit chain against itself and its anchor; returns each problem found."""
    rows = conn.execute(text(
        "SELECT id, device_id, hlc, created_at, created_by, action, table_name, row_id, detail, prev_hash, hash "
        # In the order the server took them (each linked to the head it held then), not by the
        # laptop's HLC stamp: a clock corrected backwards stamps a later entry lower (#20).
        "FROM audit_log ORDER BY device_id, server_seq, hlc, id")).mappings()
    report = AuditReport()
    chains: dict[str, dict] = {}
    for row in rows:
        entry = dict(row)
        report.entries += 1
        chain = chains.get(entry["device_id"])
        if chain is None:
            chain = chains[entry["device_id"]] = {"n": 0, "last": None, "hashes": set(), "broken": False}
            report.devices += 1
        try:
            expected = entry_hash(entry)
        except (ValueError, TypeError):  # detail no longer JSON: edited by hand
            expected = None
        if entry["hash"] != expected:
            chain["broken"] = True
            report.problems.append(AuditProblem(
                entry["device_id"], entry["id"], entry["hlc"], "hash_mismatch",
                f"审计记录 {entry['id']}（设备 {entry['device_id']}）的内容与其哈希不符：记录被修改过"))
        if entry["prev_hash"] != chain["last"]:
            chain["broken"] = True
            report.problems.append(AuditProblem(
                entry["device_id"], entry["id"], entry["hlc"], "chain_broken",
                f"审计记录 {entry['id']}（设备 {entry['device_id']}）没有接上前一条记录：前面的记录被删除、插入或改写过"))
        chain["n"] += 1
        chain["last"] = entry["hash"]
        chain["hashes"].add(entry["hash"])
    report.problems += _forged(conn)
    if not inspect(conn).has_table("audit_head"):  # a copy from before anchors: the rows alone
        return report
    heads = {h["device_id"]: dict(h) for h in conn.execute(text(
        "SELECT device_id, entries, head_hash, last_row_id, key_id, receipt FROM audit_head")).mappings()}
    for device in sorted(set(chains) | set(heads)):
        report.problems += _against_anchor(conn, device, chains.get(device), heads.get(device))
    report.refused = [dict(r) for r in conn.execute(text(
        "SELECT device_id, user_id, row_id, seq, code, reason, at FROM audit_refusal ORDER BY at, id")).mappings()]
    return report


def _against_anchor(conn: Connection, device: str, chain: dict | None, head: dict | None) -> list[AuditProblem]:
    def problem(kind: str, message: str) -> AuditProblem:
        return AuditProblem(device, head["last_row_id"] if head else None, None, kind, message)

    out: list[AuditProblem] = []
    n, last = (chain["n"], chain["last"]) if chain else (0, None)
    if head is None:
        return [problem("unanchored", f"设备 {device} 的 {n} 条审计记录没有服务器确认的链头：记录不是经同步上传的，"
                                      "或链头被删除")] if n else []
    anchored, head_hash = int(head["entries"]), head["head_hash"]
    key = receipt_key(conn, head["key_id"]) if head["key_id"] else None
    if key is None or not hmac.compare_digest(make_receipt(key[1], device, anchored, head_hash), head["receipt"] or ""):
        out.append(problem("anchor_tampered", f"设备 {device} 的审计链头（{anchored} 条）与服务器签发的回执不符：链头被改动过"))
    if n == anchored and last == head_hash:
        return out
    if n == 0:
        out.append(problem("deleted", f"设备 {device} 的审计记录全部被删除：服务器确认过 {anchored} 条，现在 0 条"))
    elif n < anchored and last != head_hash:
        out.append(problem("trimmed", f"设备 {device} 的审计记录末尾被删除（trimmed）：服务器确认过 {anchored} 条，"
                                      f"最后一条是 {head['last_row_id']}；现在 {n} 条，且不以它结尾"))
    elif n > anchored and head_hash in chain["hashes"] | {None}:
        out.append(problem("unanchored", f"设备 {device} 有 {n - anchored} 条审计记录不是服务器接受的（服务器确认过 "
                                         f"{anchored} 条）：记录被直接写入了数据库"))
    elif last != head_hash and not chain["broken"]:
        out.append(problem("rehashed", f"设备 {device} 的审计链自身前后相接，却不以服务器确认的链头结尾（re-hashed）："
                                       "整条链被重新计算过哈希，记录被改写过"))
    elif last != head_hash:
        out.append(problem("rehashed", f"设备 {device} 的审计链不以服务器确认的链头结尾（re-hashed）：记录被改写过"))
    return out


def _forged(conn: Connection) -> list[AuditProblem]:
    """Rows whose device or user differs from the device and user that pushed them (change log)."""
    rows = conn.execute(text(
        "SELECT a.id, a.hlc, a.device_id, a.created_by, c.device_id AS pushed_by, c.user_id AS pushed_user "
        "FROM audit_log a JOIN change_log c ON c.community_id = a.community_id AND c.seq = a.server_seq "
        "AND c.table_name = 'audit_log' AND c.row_id = a.id "
        "WHERE c.device_id <> a.device_id OR c.user_id <> a.created_by ORDER BY a.device_id, a.hlc")).mappings()
    return [AuditProblem(r["device_id"], r["id"], r["hlc"], "forged",
                         f"审计记录 {r['id']} 写的是设备 {r['device_id']}、用户 {r['created_by']}，却是由设备 "
                         f"{r['pushed_by']}（用户 {r['pushed_user']}）上传的：伪造的记录") for r in rows]
