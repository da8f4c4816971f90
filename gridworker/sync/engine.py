"""The laptop's sync engine, used by the UI (from a worker thread) and the CLI alike.

    engine = SyncEngine(db, progress=lambda phase, rows, nbytes: ..., cancel=event.is_set)
    report = engine.sync()          # push, then pull, then re-fetch rows the server refused

Push sends the outbox in seq order in batches; after each reply, in one local transaction, the
acked entries are deleted and conflicts, flags and rejections become review items (never dropped).
Pull applies each page and its cursor in one local transaction, so a pull cut anywhere resumes
where it stopped. ``cancel`` is checked between batches and pages; what was committed stays.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import json
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..domain.clock import now_iso
from ..domain.ids import deterministic_id
from ..store import local, signing
from ..store.database import Changes, Database
from ..store.local import State
from . import apply as A
from . import checksum as ck
from . import wire
from . import epoch as server_epoch
from .restored import renumber_after_restore
from .transport import (Cancelled, DeviceRevoked, NotEnrolled, SequenceGap, ServerRefused, ServerUnreachable, SyncError,
                        Transport, transport_for)

Progress = Callable[[str, int, int], None]

PUSH_BATCH = 1000
PULL_LIMIT = 5000
# Rows a snapshot page holds. Two pages are in memory at once (one written, the next decoded):
# 20,000 held the laptop at 251 MB during a 100,000-household snapshot, 10,000 at 217 MB; but
# 10,000 made a 10,000-household first sync ~10 % slower (twice the requests). 15,000 with the
# freed memory handed back before the index rebuild (:func:`_release_free_memory`): 291-300 MB peak
# (bench/RESULTS.md, round two; issue 18 asks < 300 MB).
SNAPSHOT_LIMIT = 15000
# A snapshot starts with a small page: the laptop has something to write while the server
# prepares the next, bigger one (otherwise it waits for a whole full page first); see the ramp in
# :meth:`SyncEngine._pull_pages_from`.
FIRST_SNAPSHOT_LIMIT = 2000
# Snapshot pages applied in one local transaction (with the cursor of the last): each commit
# encrypts and writes the pages it dirtied, and the tables' index pages are dirtied by every page.
SNAPSHOT_PAGES_PER_TRANSACTION = 3

# local_state keys (store/local.py names them all; these short names are the engine's own)
SERVER_URL, TOKEN, CURSOR = State.SERVER_URL, State.TOKEN, State.CURSOR
LAST_SYNC, SERVER_SEQ, SERVER_CHECKSUM, REFETCH = State.LAST_SYNC, State.SERVER_SEQ, State.SERVER_CHECKSUM, State.REFETCH
CA_PATH = State.CA_PATH
RESNAPSHOT = State.RESNAPSHOT
CONFLICT_SEQ = State.CONFLICT_SEQ


_LOCKS: "weakref.WeakKeyDictionary[Database, threading.Lock]" = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def _release_free_memory() -> None:
    """Hand the memory the snapshot pages held back to the system before the index rebuild.

    The decoded pages are freed, but the C allocator keeps their memory for reuse, so the rebuild's
    own memory came on top of it: 306 MB peak at 100,000 households, 296 MB with this (20,000-row
    pages, interleaved runs). glibc only
    (Linux, which is what UOS and Kylin are); elsewhere a collection and nothing more.
    """
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _sync_lock(db: Database) -> threading.Lock:
    with _LOCKS_GUARD:
        lock = _LOCKS.get(db)
        if lock is None:
            lock = _LOCKS[db] = threading.Lock()
        return lock


_GC_GUARD = threading.Lock()
_GC_HOLDS = [0, False]  # snapshot pulls under way; whether they switched the collector off


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while a snapshot is pulled: a snapshot decodes and writes
    millions of short-lived lists and tuples (no cycles), and each collection would walk them
    (~8 % of a first sync's CPU). Nested and concurrent pulls share one switch."""
    with _GC_GUARD:
        _GC_HOLDS[0] += 1
        if _GC_HOLDS[0] == 1 and gc.isenabled():
            gc.disable()
            _GC_HOLDS[1] = True
    try:
        yield
    finally:
        with _GC_GUARD:
            _GC_HOLDS[0] -= 1
            if _GC_HOLDS[0] == 0 and _GC_HOLDS[1]:
                _GC_HOLDS[1] = False
                gc.enable()


class SyncChanges(Changes):
    """What a sync changed, for the screens' listeners (they ask :meth:`touched`).

    Row ids are kept while they are few. A snapshot page, or a catch-up past :attr:`LIMIT` rows,
    keeps only which tables changed and sets :attr:`everything` (their ``rows`` sets are then
    empty): holding every id of a 100,000-household snapshot cost ~180 MB for nothing.
    """

    LIMIT = 20_000

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.everything = False

    def add(self, table: str, row_id: str) -> None:
        if self.everything:
            self.rows.setdefault(table, set())
            return
        ids = self.rows.setdefault(table, set())
        if row_id not in ids:
            ids.add(row_id)
            self.count += 1
            if self.count > self.LIMIT:
                self.coarsen()

    def add_table(self, table: str) -> None:
        """Every row of ``table`` may have changed (a snapshot page)."""
        self.coarsen()
        self.rows.setdefault(table, set())

    def coarsen(self) -> None:
        self.everything = True
        for ids in self.rows.values():
            ids.clear()

    def merge(self, other: Changes, *, whole_tables: bool = False) -> None:
        for table, ids in other.rows.items():
            if whole_tables or self.everything or self.count + len(ids) > self.LIMIT:
                self.add_table(table)
            else:
                for i in ids:
                    self.add(table, i)


# A laptop clock further than this from the server's is pointed out to its user.
CLOCK_WARN_SECONDS = 300


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: int = 0
    flagged: int = 0
    refetched: int = 0
    cursor: str = "0"
    server_seq: int = 0
    server_checksum: str = "0"
    snapshot: bool = False
    changes: SyncChanges = field(default_factory=SyncChanges)
    # Changes not sent because their author has not confirmed them yet (no credential on this
    # laptop when they were made): [{"user_id", "name", "count", "seq"}], oldest first.
    waiting: list[dict] = field(default_factory=list)
    clock_skew: float | None = None  # seconds this laptop's clock is ahead of the server's (negative: behind)

    def as_dict(self) -> dict:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts,
                "rejected": self.rejected, "flagged": self.flagged, "refetched": self.refetched,
                "cursor": self.cursor, "server_seq": self.server_seq, "server_checksum": self.server_checksum,
                "snapshot": self.snapshot, "waiting": self.waiting, "clock_skew_seconds": self.clock_skew}

    def clock_message(self) -> str | None:
        """A warning when this laptop's clock differs from the server's by more than CLOCK_WARN_SECONDS."""
        if self.clock_skew is None or abs(self.clock_skew) <= CLOCK_WARN_SECONDS:
            return None
        minutes = round(abs(self.clock_skew) / 60)
        side = "快" if self.clock_skew > 0 else "慢"
        return f"本机时钟比服务器{side}约 {minutes} 分钟，请校准时间（期限、逾期按时间计算）。"

    def waiting_message(self) -> str | None:
        """Why some changes stayed on this laptop, in words for the status bar (None: nothing waits)."""
        if not self.waiting:
            return None
        who = "、".join(f"{w['name']}（{w['count']} 条）" for w in self.waiting)
        return f"有修改等待作者确认后才能发送：{who}。请这些用户在联网时登录一次本机。"


class SyncEngine:
    """Sync one enrolled laptop database with its server."""

    def __init__(self, db: Database, *, progress: Progress | None = None, cancel: Callable[[], bool] | None = None,
                 transport: Transport | None = None, push_batch: int = PUSH_BATCH, pull_limit: int = PULL_LIMIT,
                 snapshot_limit: int = SNAPSHOT_LIMIT, retries: int | None = None, backoff: float = 0.5,
                 waiting: Callable[[str], None] | None = None, timeout: tuple[float, float] | None = None):
        self.db = db
        self.progress = progress or (lambda phase, rows, nbytes: None)
        self.cancel = cancel or (lambda: False)
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self.snapshot_limit = snapshot_limit
        if retries is None:
            # Scripts and tests may shorten the wait for an unreachable server.
            retries = int(os.environ.get("GRIDWORKER_SYNC_RETRIES", "4"))
        if transport is None:
            transport = transport_for(db, retries=retries, backoff=backoff, cancel=self.cancel, waiting=waiting,
                                      timeout=timeout)
        self.transport = transport
        self.community_id = db.community_id or ""

    # ------------------------------------------------------------------ helpers
    def _check_cancel(self) -> None:
        if self.cancel():
            raise Cancelled("同步已取消；已完成的部分已保存，下次同步会继续")

    def _report(self, phase: str, rows: int) -> None:
        self.progress(phase, rows, self.transport.bytes_sent + self.transport.bytes_received)

    def pending_count(self) -> int:
        with self.db.read() as conn:
            return local.pending_count(conn)

    # ------------------------------------------------------------------ the whole sync
    def sync(self) -> SyncReport:
        """Push, pull, re-fetch refused rows. Errors carry a message that says the changes are kept.

        One sync per database at a time in this process (a timer and the button may both ask):
        a second caller waits for the first to finish.
        """
        with _sync_lock(self.db):
            return self._sync()

    def _sync(self) -> SyncReport:
        report = SyncReport()
        try:
            self.push(report)
            self.pull(report)
            self.refetch(report)
            self.pull_conflicts(report)
            from .lost import ensure_export_key  # noqa: PLC0415 - laptops enrolled before the server had one
            ensure_export_key(self.db, self.transport)
            self.send_report()
        except DeviceRevoked as exc:
            n = self.pending_count()
            raise DeviceRevoked(f"{exc.message}（本机还有 {n} 条未发送的修改，已保留）", code=exc.code,
                                status=exc.status, detail={**exc.detail, "pending": n}) from None
        except SyncError as exc:
            if exc.code in ("cancelled",):
                raise
            n = self.pending_count()
            raise type(exc)(f"{exc.message}；本机 {n} 条未发送的修改已保留，下次同步时发送", code=exc.code,
                            status=exc.status, detail={**exc.detail, "pending": n}) from None
        self.db.set_state(LAST_SYNC, now_iso())
        report.clock_skew = self.transport.clock_skew
        self._notify(report.changes)
        return report

    # ------------------------------------------------------------------ the fleet report
    def health_report(self) -> dict:
        """What this laptop tells the server of itself for the admins' fleet view (issue #16)."""
        from .. import __version__  # noqa: PLC0415

        with self.db.read() as conn:
            pending = local.pending_count(conn)
            kinds = local.open_counts(conn)
        try:
            verify = json.loads(self.db.get_state(State.LAST_VERIFY) or "{}")
        except ValueError:
            verify = {}
        return {"app_version": __version__, "schema_version": wire.SCHEMA_VERSION, "pending": int(pending),
                "checksum_match": verify.get("match") if isinstance(verify.get("match"), bool) else None,
                "verified_at": verify.get("at") if isinstance(verify.get("at"), str) else None,
                "conflicts": int(kinds.get("conflict", 0)), "rejected": int(kinds.get("rejected", 0)),
                "flagged": int(kinds.get("duplicate_vote", 0)) + int(kinds.get("invalid_event", 0))}

    def send_report(self) -> bool:
        """Send :meth:`health_report`; a server older than the report (404) or one that refuses it
        does not fail the sync. Returns whether the server took it."""
        try:
            self.transport.call("POST", "/sync/report", body=self.health_report())
        except (ServerRefused, ServerUnreachable) as exc:
            if isinstance(exc, ServerRefused) and exc.status not in (404, 405, 422):
                raise
            return False
        return True

    def _notify(self, changes: Changes) -> None:
        notify = getattr(self.db, "_notify", None)
        if notify is not None and changes:
            notify(changes)

    # ------------------------------------------------------------------ push
    def push(self, report: SyncReport | None = None) -> SyncReport:
        report = report or SyncReport()
        # A database restored from a backup first moves its newer changes past the numbers the
        # server already knows (gridworker/sync/restored.py).
        renumber_after_restore(self.db, self.transport)
        # A server restored from an older backup: its lost entries go back into the outbox.
        server_epoch.check(self.db, self.transport)
        after = 0
        while True:
            self._check_cancel()
            with self.db.read() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT seq, tx_id, table_name, row_id, op, fields, base_versions, hlc, user_id, created_at, sig "
                    "FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", (after, self.push_batch)).fetchall()
                held = next((i for i, r in enumerate(rows) if signing.waiting(r[10])), None)
                if held is not None:
                    # Entries go in order: nothing from the first one that waits for its author's
                    # credential. (One with no signature at all was not made by a logged-in user of
                    # this laptop: it goes, and the server refuses it.)
                    rows = rows[:held]
                    report.waiting = local.unsigned_waiting(conn)
            if not rows:
                return report
            entries = [{"seq": r[0], "tx_id": r[1], "table": r[2], "row_id": r[3], "op": r[4],
                        "fields": json.loads(r[5]), "base_versions": json.loads(r[6]), "hlc": r[7],
                        "user_id": r[8], "created_at": r[9], "sig": r[10]} for r in rows]
            body = {"protocol_version": wire.PROTOCOL_VERSION, "schema_version": wire.SCHEMA_VERSION,
                    "entries": entries}
            try:
                reply = self.transport.call("POST", "/sync/push", body=body)
            except SequenceGap as exc:
                raise SequenceGap(f"服务器与本机的同步序号对不上（服务器期望 {exc.detail.get('expected')}，本机从 "
                                  f"{entries[0]['seq']} 开始）。请联系管理员重新注册本机", code=exc.code,
                                  status=exc.status, detail=exc.detail) from None
            self._record_push(entries, reply, report)
            after = entries[-1]["seq"]
            report.pushed += len(entries)
            self._report("push", report.pushed)
            if report.waiting:
                return report

    def _record_push(self, entries: list[dict], reply: dict, report: SyncReport) -> None:
        """Delete acked entries and keep every conflict, flag and rejection, in one transaction."""
        by_seq = {e["seq"]: e for e in entries}
        acked = int(reply["acked_through"])
        now = now_iso()
        device = self.db.device_id
        refetch: list[list[str]] = []
        with self.db.sync_transaction() as conn:
            for res in reply["results"]:
                entry = by_seq.get(res["seq"])
                if entry is None:
                    continue
                if res["status"] == wire.REJECTED:
                    report.rejected += 1
                    refetch.append([entry["table"], entry["row_id"]])
                    local.add_review_item(
                        conn, id=deterministic_id("rejected", device, str(entry["seq"])), kind="rejected",
                        table_name=entry["table"], row_id=entry["row_id"],
                        local_value=wire.dumps(entry["fields"]).decode(), reason=res.get("reason"),
                        detail=wire.dumps({"entry": entry, "code": res.get("code")}).decode(),
                        server_ref=res.get("code"), created_at=now)
                for c in res.get("conflicts") or []:
                    kind = c["kind"] if c["kind"] in ("duplicate_vote", "invalid_event") else "conflict"
                    if kind == "conflict":
                        report.conflicts += 1
                    else:
                        report.flagged += 1
                    local.add_review_item(
                        conn, id=c["id"], kind=kind, table_name=entry["table"], row_id=entry["row_id"],
                        field=c.get("field"), local_value=wire.dumps(c.get("won_value")).decode(),
                        remote_value=wire.dumps(c.get("lost_value")).decode(), reason=c.get("reason"),
                        detail=wire.dumps({**c, "entry_seq": entry["seq"],
                                           "change_seq": res.get("change_seq")}).decode(),
                        server_ref=c["id"], created_at=now)
            server_epoch.keep_acked(conn, entries[0]["seq"], min(acked, entries[-1]["seq"]), reply.get("epoch", ""))
            conn.exec_driver_sql("DELETE FROM outbox WHERE seq <= ? AND seq >= ?",
                                 (min(acked, entries[-1]["seq"]), entries[0]["seq"]))
            if reply.get("audit_receipt"):  # the server's keyed receipt for our audit chain (server/audit.py)
                self.db.set_state(State.AUDIT_RECEIPT, wire.dumps(reply["audit_receipt"]).decode(), conn)
            if refetch:
                old = local.get_state(conn, REFETCH)
                rows = (json.loads(old) if old else []) + refetch
                self.db.set_state(REFETCH, json.dumps(rows), conn)

    # ------------------------------------------------------------------ pull
    def pull(self, report: SyncReport | None = None) -> SyncReport:
        """Pull pages until the server has no more. A laptop behind the server's horizon starts again
        from a snapshot and then drops rows the server no longer has (bucket comparison)."""
        report = report or SyncReport()
        try:
            self._pull_pages(report)
        except ServerRefused as exc:
            if exc.code == "cursor_ahead":
                # The server went back to an older backup without a new epoch: the same recovery.
                if server_epoch.check(self.db, self.transport, force=True):
                    self.push(report)
                self._pull_pages(report)
                self._after_pull()
                return report
            if exc.code != "behind_horizon":
                raise
            with self.db.sync_transaction() as conn:
                self.db.set_state(CURSOR, "0", conn)
                self.db.set_state(RESNAPSHOT, "1", conn)
            self._pull_pages(report)
        self._after_pull()
        return report

    def _after_pull(self) -> None:
        if self.db.get_state(RESNAPSHOT):
            self._compare(repair=True, server=self.transport.call("GET", "/sync/verify", params={"buckets": "true"}))
            self.db.set_state(RESNAPSHOT, None)

    def _pull_pages(self, report: SyncReport) -> SyncReport:
        """Pull pages until the server has no more; the next page is fetched while this one is applied.

        Each page is applied with its cursor in one local transaction; a few snapshot pages share
        one (a cut still resumes at the last cursor committed).
        """
        cursor = self.db.get_state(CURSOR) or "0"
        snapshot = cursor == "0" or cursor.startswith(wire.SNAPSHOT_PREFIX)
        with contextlib.ExitStack() as stack:
            if snapshot:
                stack.enter_context(_no_cycle_collection())
            return self._pull_pages_from(cursor, report)

    def _pull_pages_from(self, cursor: str, report: SyncReport) -> SyncReport:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridworker-pull") as fetcher:
            # A first sync asks for a small page, then pages twice as big up to the full size: the
            # laptop writes one page while the server reads the next, and a page twice the one
            # being written is ready about when the writing is done (the server reads faster than
            # the laptop writes), so the laptop does not sit waiting for a full page at the start.
            ramp = FIRST_SNAPSHOT_LIMIT if cursor == "0" else None
            pending_page = fetcher.submit(self._fetch_page, cursor, ramp)
            nxt = None
            try:
                while True:
                    with self.db.sync_transaction() as conn:
                        for pages in range(1, SNAPSHOT_PAGES_PER_TRANSACTION + 1):
                            page = pending_page.result()
                            nxt = None
                            if page["more"] and not self.cancel():
                                if ramp is not None:
                                    ramp = ramp * 2 if ramp * 2 < self.snapshot_limit else None
                                nxt = fetcher.submit(self._fetch_page, page["cursor"], ramp)
                            n = self._apply_page(conn, page, report)
                            report.pulled += n
                            report.cursor = page["cursor"]
                            report.server_seq = int(page["server_seq"])
                            report.server_checksum = page["checksum"]
                            report.snapshot = report.snapshot or page["mode"] == "snapshot"
                            self._report("snapshot" if page["mode"] == "snapshot" else "pull", report.pulled)
                            if nxt is None or page["mode"] != "snapshot" or not page["cursor"].startswith(
                                    wire.SNAPSHOT_PREFIX) or self.cancel():
                                break
                            pending_page = nxt
                    if not page["more"]:
                        return report
                    self._check_cancel()
                    pending_page = nxt
            except BaseException:
                if nxt is not None:
                    nxt.cancel()
                raise

    def _fetch_page(self, cursor: str, limit: int | None = None) -> dict:
        snapshot = cursor == "0" or cursor.startswith(wire.SNAPSHOT_PREFIX)
        if limit is None:
            limit = self.snapshot_limit if snapshot else self.pull_limit
        return self.transport.call("GET", "/sync/pull", params={
            "since": cursor, "limit": min(limit, self.snapshot_limit if snapshot else self.pull_limit)})

    def _apply_page(self, conn, page: dict, report: SyncReport) -> int:
        """One page, its cursor and the search-index refresh, in the caller's local transaction."""
        missing: set = set()
        pending = A.load_pending(conn)
        changed = Changes()
        indexed = Changes()  # the rows whose change can alter the search index
        if page["mode"] == "snapshot":
            _, n = A.apply_snapshot(conn, page["tables"], pending, changed)
            page["tables"] = None  # written: let its rows go before the index is rebuilt
        else:
            A.apply_changes(conn, page["changes"], pending, self.community_id, changed, missing, indexed,
                            own_device=self.db.device_id)
            n = len(page["changes"])
        if missing:
            old = local.get_state(conn, REFETCH)
            rows = (json.loads(old) if old else []) + [list(m) for m in sorted(missing)]
            self.db.set_state(REFETCH, json.dumps(rows), conn)
        self.db.set_state(CURSOR, page["cursor"], conn)
        if not page["more"]:
            self.db.set_state(SERVER_SEQ, str(page["server_seq"]), conn)
            self.db.set_state(SERVER_CHECKSUM, page["checksum"], conn)
        if page["mode"] != "snapshot":
            A.refresh_search_index(conn, indexed)
        elif not page["cursor"].startswith(wire.SNAPSHOT_PREFIX):
            # The snapshot is complete: index everything once rather than page by page.
            _release_free_memory()
            A.rebuild_search_index(conn, changed)
        report.changes.merge(changed, whole_tables=page["mode"] == "snapshot")
        return n

    # ------------------------------------------------------------------ conflicts made elsewhere
    def pull_conflicts(self, report: SyncReport | None = None) -> SyncReport:
        """Review items for what other laptops' pushes did to this laptop's work: a value of ours that
        was overwritten, and every duplicate-vote / invalid-event flag of the community."""
        report = report or SyncReport()
        after = int(self.db.get_state(CONFLICT_SEQ) or 0)
        me = self.db.device_id
        while True:
            self._check_cancel()
            records = self.transport.call("GET", "/sync/conflicts", params={"after": after, "limit": 500})
            if not records:
                return report
            now = now_iso()
            with self.db.sync_transaction() as conn:
                for c in records:
                    mine = c.get("lost_device") == me
                    if c["kind"] in ("conflict", "deleted") and not mine:
                        continue
                    kind = c["kind"] if c["kind"] in ("duplicate_vote", "invalid_event") else "conflict"
                    mine_value, other_value = (c.get("lost_value"), c.get("won_value")) if mine else \
                        (c.get("won_value"), c.get("lost_value"))
                    local.add_review_item(
                        conn, id=c["id"], kind=kind, table_name=c["table_name"], row_id=c["row_id"],
                        field=c.get("field"), local_value=wire.dumps(mine_value).decode(),
                        remote_value=wire.dumps(other_value).decode(), reason=c.get("reason"),
                        detail=wire.dumps(c).decode(), server_ref=c["id"], created_at=now)
                after = max(int(c["seq"]) for c in records)
                self.db.set_state(CONFLICT_SEQ, str(after), conn)
            if len(records) < 500:
                return report

    # ------------------------------------------------------------------ re-fetch
    def refetch(self, report: SyncReport | None = None) -> SyncReport:
        """Bring rows the server refused (or that arrived incomplete) back to the server's copy."""
        report = report or SyncReport()
        raw = self.db.get_state(REFETCH)
        if not raw:
            return report
        wanted: dict[str, list[str]] = {}
        for table, row_id in json.loads(raw):
            if row_id not in wanted.setdefault(table, []):
                wanted[table].append(row_id)
        self._fetch_rows(wanted, report)
        with self.db.sync_transaction() as conn:
            self.db.set_state(REFETCH, None, conn)
        return report

    def _fetch_rows(self, wanted: dict[str, list[str]], report: SyncReport) -> int:
        n = 0
        for table, ids in wanted.items():
            for i in range(0, len(ids), 2000):
                self._check_cancel()
                chunk = ids[i:i + 2000]
                reply = self.transport.call("POST", "/sync/rows", body={"table": table, "ids": chunk})
                with self.db.sync_transaction() as conn:
                    pending = A.load_pending(conn)
                    changed = A.apply_server_rows(conn, table, reply["rows"], reply["missing"], pending)
                    A.refresh_search_index(conn, changed)
                report.changes.merge(changed)
                n += len(chunk)
                report.refetched += len(chunk)
        return n

    # ------------------------------------------------------------------ verify
    def verify(self, *, repair: bool = True, attempts: int = 3) -> dict:
        """Compare this laptop with the server: whole checksum, then 256 buckets, then rows.

        Syncs first so both sides stand at the same change number; with ``repair`` the rows that
        differ are fetched again (and rows the server no longer has are removed).
        """
        for _ in range(attempts):
            self.sync()
            server = self.transport.call("GET", "/sync/verify", params={"buckets": "true"})
            cursor = self.db.get_state(CURSOR) or "0"
            if cursor == f"{wire.CHANGES_PREFIX}{server['server_seq']}":
                break
        result = self._compare(repair=repair, server=server)
        self.send_report()  # the fleet view shows this comparison's outcome now, not after the next sync
        return result

    def _compare(self, *, repair: bool, server: dict) -> dict:
        """Checksums, then the 256 buckets, then the rows of differing buckets; re-fetch those rows."""
        with self.db.read() as conn:
            local_total, local_buckets = ck.bucket_sums(conn, None)
        server_total = int(server.get("scanned_checksum") or server["checksum"])
        result = {"match": local_total == server_total, "local_checksum": str(local_total),
                  "server_checksum": str(server_total), "server_seq": server["server_seq"],
                  "cursor": self.db.get_state(CURSOR), "differing_buckets": 0, "differing_rows": 0,
                  "repaired": 0}
        if result["match"]:
            self._note_verify(True)
            return result
        diff = [b for b in range(256) if int(server["buckets"][b]) != local_buckets[b]]
        result["differing_buckets"] = len(diff)
        reply = self.transport.call("POST", "/sync/buckets", body={"buckets": diff})
        theirs = {(t, i): int(h) for t, i, h in reply["rows"]}
        with self.db.read() as conn:
            mine = ck.rows_in_buckets(conn, None, set(diff))
        differ = sorted(k for k in set(theirs) | set(mine) if theirs.get(k) != mine.get(k))
        result["differing_rows"] = len(differ)
        if repair and differ:
            wanted: dict[str, list[str]] = {}
            for t, i in differ:
                wanted.setdefault(t, []).append(i)
            report = SyncReport()
            self._fetch_rows(wanted, report)
            result["repaired"] = report.refetched
            with self.db.read() as conn:
                local_total = ck.checksum(conn, None)
            result["local_checksum"] = str(local_total)
            result["match"] = local_total == server_total
        self._note_verify(result["match"])
        return result

    def _note_verify(self, match: bool) -> None:
        """Keep the outcome of this comparison for the next fleet report."""
        self.db.set_state(State.LAST_VERIFY, json.dumps({"match": bool(match), "at": now_iso()}))


def status(db: Database) -> dict:
    """What a person wants to know before trusting the laptop: pending changes, last sync, review."""
    with db.read() as conn:
        pending = local.pending_count(conn)
        kinds = local.open_counts(conn)
    return {"device_id": db.device_id, "community": db.community_id,
            "community_name": db.get_state(State.COMMUNITY_NAME), "server": db.get_state(SERVER_URL),
            "pending": int(pending or 0), "last_sync": db.get_state(LAST_SYNC),
            "conflicts": int(kinds.get("conflict", 0)), "rejected": int(kinds.get("rejected", 0)),
            "flagged": int(kinds.get("duplicate_vote", 0)) + int(kinds.get("invalid_event", 0)),
            "cursor": db.get_state(CURSOR) or "0", "enrolled": bool(db.get_state(TOKEN))}


__all__ = ["NotEnrolled", "SyncChanges", "SyncEngine", "SyncReport", "status"]
