"""What an enrolled laptop calls: push, pull, rows by id, verify and its buckets, status, conflicts,
and the public key for sealing a revoked laptop's unsent changes."""
from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError as PydanticError
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from ...domain.clock import CLOCK_HEADER, clock_skew
from ...store.rows import MASK64
from ...sync import checksum as ck
from ...sync import wire
from .. import auth as A
from .. import errors as E
from .. import exports as X
from ..deps import DeviceDep, ServerDBDep, bearer_token, check_versions, encode, read_json
from .. import access_log
from .. import shape as S
from ..fleet import record_report
from ..pull import conflict_record, pull_page, rows_by_id
from ..push import apply_push
from .. import epoch

router = APIRouter(prefix=wire.API, tags=["sync"])

_COUNTER = text("SELECT seq, checksum FROM community_sync WHERE community_id = :c")


@router.get("/sync/export-key", response_model=X.ExportKeyResponse)
def export_key(request: Request, sdb: ServerDBDep):
    """The server's public key for sealing a revoked laptop's unsent changes. Any token this server
    issued works, a revoked device's too: the key is public, and a revoked laptop needs it."""
    check_versions(request)
    with sdb.read() as conn:
        X.require_known_device(conn, bearer_token(request))
    return X.export_public_key(sdb)


@router.post("/sync/report")
async def report(request: Request, auth: DeviceDep, sdb: ServerDBDep) -> dict:
    """The laptop says how it is (app and schema version, unsent changes, its last verify, open
    conflicts and rejections), for the admins' fleet view; untrusted, only stored and shown."""
    data = await read_json(request)

    def store() -> dict:
        with sdb.write() as conn:
            return record_report(conn, auth.device_id, data if isinstance(data, dict) else None)

    stored = await run_in_threadpool(store)
    return {"ok": True, "reported_at": stored["reported_at"]}


@router.post("/sync/push", response_model=wire.PushResponse,
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/PushRequest"}}}}})
async def push(request: Request, auth: DeviceDep, sdb: ServerDBDep):
    """Apply outbox entries in seq order (idempotent: a replay gets the stored results)."""
    data = await read_json(request)
    entries = data.get("entries") if isinstance(data, dict) else None
    if isinstance(entries, list) and len(entries) > wire.MAX_PUSH_ENTRIES:
        # Refused before validating thousands of entries; the laptop keeps them all.
        raise E.BatchTooLarge(f"一次同步最多 {wire.MAX_PUSH_ENTRIES} 条修改，本次 {len(entries)} 条；"
                              "请更新 gridworker 后再同步，未发送的修改仍保存在本机",
                              {"max_entries": wire.MAX_PUSH_ENTRIES, "entries": len(entries)})
    try:
        body = wire.PushRequest.model_validate(data)
    except PydanticError as exc:
        raise E.InvalidRequest("同步数据格式不正确", {"errors": json.loads(exc.json())[:5]}) from None

    def work() -> dict:
        with sdb.write() as conn:
            fresh = A.authenticate(conn, bearer_token(request))
            skew = clock_skew(request.headers.get(CLOCK_HEADER), dt.datetime.now(dt.timezone.utc))
            out = apply_push(conn, fresh, body.entries, clock_skew=skew)
            _record_unmasks(conn, fresh, body.entries, out)
            out["epoch"] = epoch.current(conn)
            return out

    return encode(await run_in_threadpool(work), request)


def _record_unmasks(conn, auth: A.DeviceAuth, entries: list[wire.OutboxEntry], out: dict) -> None:
    """Every "reveal" audit entry a laptop pushed (a person unmasked an ID or phone number) goes
    into the server's access log as it arrives."""
    applied = {r.get("seq") for r in out.get("results", [])
               if r.get("status") == "applied" and r.get("code") != "replayed"}
    for e in entries:
        if e.table == "audit_log" and e.seq in applied and (e.fields or {}).get("action") == "reveal":
            access_log.record(conn, access_log.UNMASK, user_id=auth.user.id, device_id=auth.device_id,
                              community_id=auth.community_id,
                              detail={"table": e.fields.get("table_name"), "row_id": e.fields.get("row_id"),
                                      "entry": e.row_id})


@router.get("/sync/pull", response_model=wire.PullResponse)
def pull(request: Request, auth: DeviceDep, sdb: ServerDBDep, since: str = Query("0"),
         limit: int = Query(5000, ge=1, le=20000)):
    """One page of the device's community (a party member's device: their own circle, masked):
    snapshot pages first (since=0), then changes. Each full-data snapshot is in the access log."""
    try:
        with sdb.read() as conn:
            shape = S.shape_for(conn, auth)
            page = pull_page(conn, shape, since, limit)
            page["epoch"] = epoch.current(conn)
    except E.CursorAhead:
        # The server's counter went back: it was restored from a backup without a new epoch.
        with sdb.write() as conn:
            epoch.new_epoch(conn)
        raise
    if shape.full and since in ("", "0"):
        with sdb.write() as conn:
            access_log.record(conn, access_log.FULL_PULL, user_id=auth.user.id, device_id=auth.device_id,
                              community_id=auth.community_id, detail={"role": auth.user.role})
    return encode(page, request)


@router.post("/sync/epoch")
def lost_acknowledgement(body: wire.LostAckRequest, request: Request, auth: DeviceDep, sdb: ServerDBDep):
    """A laptop holds an acknowledgement this server has lost (a restore without a new epoch):
    a new epoch, so every laptop re-sends and re-syncs (server/epoch.py)."""
    with sdb.write() as conn:
        return encode({"epoch": epoch.lost_acknowledgement(conn, auth.device_id, body.seen, body.acked_through)},
                      request)


@router.post("/sync/rows", response_model=wire.RowsResponse)
def rows(body: wire.RowsRequest, request: Request, auth: DeviceDep, sdb: ServerDBDep):
    """Current rows by id (only this community's; others are reported missing)."""
    with sdb.read() as conn:
        found, missing = rows_by_id(conn, S.shape_for(conn, auth), body.table, body.ids)
    return encode({"rows": found, "missing": missing}, request)


@router.get("/sync/verify", response_model=wire.VerifyResponse)
def verify(request: Request, auth: DeviceDep, sdb: ServerDBDep, buckets: bool = Query(False)):
    """The community checksum kept by pushes; with buckets=true also the 256 bucket sums (a scan).
    A party member's device gets the sums over what it is sent (its circle, masked)."""
    with sdb.read() as conn:
        state = conn.execute(_COUNTER, {"c": auth.community_id}).first()
        out = {"community_id": auth.community_id, "server_seq": int(state[0]) if state else 0,
               "checksum": state[1] if state else "0", "buckets": None}
        shape = S.shape_for(conn, auth)
        if not shape.full:
            total, sums = S.bucket_sums(conn, shape)
            out["checksum"] = out["scanned_checksum"] = str(total)
            if buckets:
                out["buckets"] = [str(s) for s in sums]
        elif buckets:
            total, sums = ck.bucket_sums(conn, auth.community_id)
            out["buckets"] = [str(s) for s in sums]
            out["scanned_checksum"] = str(total & MASK64)
    return encode(out, request)


@router.post("/sync/buckets", response_model=wire.BucketResponse)
def bucket_rows(body: wire.BucketRequest, request: Request, auth: DeviceDep, sdb: ServerDBDep):
    """(table, id, hash) of this community's rows in the given buckets."""
    with sdb.read() as conn:
        shape = S.shape_for(conn, auth)
        found = (ck.rows_in_buckets(conn, auth.community_id, set(body.buckets)) if shape.full
                 else S.rows_in_buckets(conn, shape, set(body.buckets)))
    return encode({"rows": [[t, i, str(h)] for (t, i), h in found.items()]}, request)


@router.get("/sync/status", response_model=wire.StatusResponse)
def status(request: Request, auth: DeviceDep, sdb: ServerDBDep):
    """This device as the server sees it."""
    with sdb.read() as conn:
        dev = [d for d in A.list_devices(conn) if d["id"] == auth.device_id][0]
        state = conn.execute(_COUNTER, {"c": auth.community_id}).first()
    return {"device": dev, "server_seq": int(state[0]) if state else 0, "checksum": state[1] if state else "0"}


@router.get("/sync/conflicts", response_model=list[wire.ConflictRecord])
def sync_conflicts(request: Request, auth: DeviceDep, sdb: ServerDBDep,
                   after: int = Query(0, ge=0, le=wire.MAX_SEQ), limit: int = Query(500, ge=1, le=5000)):
    """Conflict and flag records of this device's community after a change number, oldest first
    (so the laptop whose value was overwritten hears of it too)."""
    with sdb.read() as conn:
        found = conn.execute(text("SELECT * FROM sync_conflict WHERE community_id = :c AND seq > :a "
                                  "ORDER BY seq, id LIMIT :n"),
                             {"c": auth.community_id, "a": after, "n": limit}).mappings().all()
        shape = S.shape_for(conn, auth)
    records = [conflict_record(r) for r in found]
    if not shape.full:
        # A party member hears only of their circle's rows, with the values masked as in a pull.
        records = [S.shaped_conflict(shape, c) for c in records if shape.keeps(c["table_name"], c["row_id"])]
    return encode(records, request)
