"""The HTTP routes: enrol, push, pull, rows, verify, status, and the admin endpoints.

Each route is thin: authorise (the dependencies), open one transaction, call the module that does
the work, encode. Object-level scope: sync routes only ever touch the device's community; admin
routes check every object against the admin's org scope and answer 404 for anything outside it.
"""
# No `from __future__ import annotations`: FastAPI must see the dependency types defined in add_routes.
import json
from typing import Any, Callable

from fastapi import FastAPI, Query, Request
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool

from ..store.rows import MASK64
from ..sync import checksum as ck
from ..sync import wire
from . import auth as A
from . import exports as X
from .db import ServerDB
from .moves import move_household
from .pull import pull_page, rows_by_id
from .push import apply_push


def add_routes(app: FastAPI, sdb: ServerDB, Device: Any, Admin: Any, encode: Callable, json_body: Callable) -> None:
    api = wire.API

    @app.get(f"{api}/health", tags=["meta"])
    def health() -> dict:
        """Liveness and the versions this server accepts."""
        return {"ok": True, "protocol": [wire.MIN_PROTOCOL_VERSION, wire.PROTOCOL_VERSION],
                "schema": [wire.MIN_SCHEMA_VERSION, wire.SCHEMA_VERSION]}

    def counted_login(username: str, password: str, request: Request):
        """Check a user's password. The failure count must survive the refusal, so the check commits
        in its own transaction before the refusal is raised."""
        address = request.client.host if request.client else "?"
        with sdb.write() as conn:
            try:
                return A.login(conn, username, password, address)
            except A.AuthError as exc:
                failure = exc
        raise failure

    # ------------------------------------------------------------------ enrolment
    @app.post(f"{api}/auth/enroll", response_model=wire.EnrollResponse, tags=["auth"])
    def enroll(body: wire.EnrollRequest, request: Request):
        """Log in and register this laptop for one community; the token is shown once."""
        from .app import check_versions  # noqa: PLC0415

        check_versions(request)
        user = counted_login(body.username, body.password, request)
        with sdb.write() as conn:
            community, token = A.enroll_device(conn, user, community=body.community, device_id=body.device_id,
                                               device_name=body.device_name, outbox_start=body.outbox_start,
                                               token=body.token)
        return {"device_id": community["device_id"], "token": token, "community_id": community["id"],
                "community_code": community.get("code") or "", "community_name": community.get("name") or "",
                "user": user.as_dict(), "export_public_key": X.export_public_key(sdb)["public_key"]}

    @app.get(f"{api}/sync/export-key", response_model=X.ExportKeyResponse, tags=["sync"])
    def export_key(request: Request):
        """The server's public key for sealing a revoked laptop's unsent changes. Any token this server
        issued works, a revoked device's too: the key is public, and a revoked laptop needs it."""
        from .app import check_versions  # noqa: PLC0415

        check_versions(request)
        with sdb.read() as conn:
            X.require_known_device(conn, _token(request))
        return X.export_public_key(sdb)

    @app.post(f"{api}/auth/check-user", response_model=wire.CheckUserResponse, tags=["auth"])
    def check_user(body: wire.CheckUserRequest, request: Request, auth: Device):
        """An enrolled laptop asks whether a password is this user's and the user belongs to the
        laptop's community (online login after N days offline; adding a user to the laptop)."""
        user = counted_login(body.username, body.password, request)  # failures lock the account as at enrolment
        with sdb.read() as conn:
            if not A.in_scope(conn, user, auth.community_id):
                raise A.AuthError(403, "out_of_scope", f"用户 {user.username} 不属于本机所在的社区，不能在本机登录")
        return {"user": user.as_dict()}

    # ------------------------------------------------------------------ sync
    @app.post(f"{api}/sync/push", response_model=wire.PushResponse, tags=["sync"],
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": {"$ref": "#/components/schemas/PushRequest"}}}}})
    async def push(request: Request, auth: Device):
        """Apply outbox entries in seq order (idempotent: a replay gets the stored results)."""
        data = await json_body(request)
        entries = data.get("entries") if isinstance(data, dict) else None
        if isinstance(entries, list) and len(entries) > wire.MAX_PUSH_ENTRIES:
            # Refused before validating thousands of entries; the laptop keeps them all.
            raise A.AuthError(413, "batch_too_large",
                              f"一次同步最多 {wire.MAX_PUSH_ENTRIES} 条修改，本次 {len(entries)} 条；"
                              "请更新 gridworker 后再同步，未发送的修改仍保存在本机",
                              {"max_entries": wire.MAX_PUSH_ENTRIES, "entries": len(entries)})
        try:
            body = wire.PushRequest.model_validate(data)
        except PydanticError as exc:
            raise A.AuthError(422, "invalid_request", "同步数据格式不正确",
                              {"errors": json.loads(exc.json())[:5]}) from None

        def work() -> dict:
            with sdb.write() as conn:
                fresh = A.authenticate(conn, _token(request))
                return apply_push(conn, fresh, body.entries)

        return encode(await run_in_threadpool(work), request)

    @app.get(f"{api}/sync/pull", response_model=wire.PullResponse, tags=["sync"])
    def pull(request: Request, auth: Device, since: str = Query("0"), limit: int = Query(5000, ge=1, le=20000)):
        """One page of the device's community: snapshot pages first (since=0), then changes."""
        with sdb.read() as conn:
            page = pull_page(conn, auth.community_id, since, limit)
        return encode(page, request)

    @app.post(f"{api}/sync/rows", response_model=wire.RowsResponse, tags=["sync"])
    def rows(body: wire.RowsRequest, request: Request, auth: Device):
        """Current rows by id (only this community's; others are reported missing)."""
        with sdb.read() as conn:
            found, missing = rows_by_id(conn, auth.community_id, body.table, body.ids)
        return encode({"rows": found, "missing": missing}, request)

    @app.get(f"{api}/sync/verify", response_model=wire.VerifyResponse, tags=["sync"])
    def verify(request: Request, auth: Device, buckets: bool = Query(False)):
        """The community checksum kept by pushes; with buckets=true also the 256 bucket sums (a scan)."""
        with sdb.read() as conn:
            state = conn.execute(_sql("SELECT seq, checksum FROM community_sync WHERE community_id = :c"),
                                 {"c": auth.community_id}).first()
            out = {"community_id": auth.community_id, "server_seq": int(state[0]) if state else 0,
                   "checksum": state[1] if state else "0", "buckets": None}
            if buckets:
                total, sums = ck.bucket_sums(conn, auth.community_id)
                out["buckets"] = [str(s) for s in sums]
                out["scanned_checksum"] = str(total & MASK64)
        return encode(out, request)

    @app.post(f"{api}/sync/buckets", response_model=wire.BucketResponse, tags=["sync"])
    def bucket_rows(body: wire.BucketRequest, request: Request, auth: Device):
        """(table, id, hash) of this community's rows in the given buckets."""
        with sdb.read() as conn:
            found = ck.rows_in_buckets(conn, auth.community_id, set(body.buckets))
        return encode({"rows": [[t, i, str(h)] for (t, i), h in found.items()]}, request)

    @app.get(f"{api}/sync/status", response_model=wire.StatusResponse, tags=["sync"])
    def status(request: Request, auth: Device):
        """This device as the server sees it."""
        with sdb.read() as conn:
            dev = [d for d in A.list_devices(conn) if d["id"] == auth.device_id][0]
            state = conn.execute(_sql("SELECT seq, checksum FROM community_sync WHERE community_id = :c"),
                                 {"c": auth.community_id}).first()
        return {"device": dev, "server_seq": int(state[0]) if state else 0, "checksum": state[1] if state else "0"}

    @app.get(f"{api}/sync/conflicts", response_model=list[wire.ConflictRecord], tags=["sync"])
    def sync_conflicts(request: Request, auth: Device, after: int = Query(0, ge=0, le=wire.MAX_SEQ),
                       limit: int = Query(500, ge=1, le=5000)):
        """Conflict and flag records of this device's community after a change number, oldest first
        (so the laptop whose value was overwritten hears of it too)."""
        with sdb.read() as conn:
            rows = conn.execute(_sql("SELECT * FROM sync_conflict WHERE community_id = :c AND seq > :a "
                                     "ORDER BY seq, id LIMIT :n"),
                                {"c": auth.community_id, "a": after, "n": limit}).mappings().all()
        return encode([_conflict_out(r) for r in rows], request)

    # ------------------------------------------------------------------ admin
    @app.get(f"{api}/admin/devices", response_model=list[wire.DeviceInfo], tags=["admin"])
    def devices(auth: Admin):
        """Devices enrolled in communities of the admin's scope."""
        with sdb.read() as conn:
            return A.list_devices(conn, auth.user)

    @app.post(f"{api}/admin/devices/{{device_id}}/revoke", tags=["admin"])
    def revoke(device_id: str, auth: Admin) -> dict:
        """Revoke a device: its next call gets 401; its unsent changes stay on the laptop."""
        with sdb.write() as conn:
            return A.revoke_device(conn, device_id, auth.user)

    @app.post(f"{api}/admin/users", response_model=wire.UserInfo, tags=["admin"])
    def users(body: wire.NewUser, auth: Admin):
        """Create a user inside the admin's scope."""
        with sdb.write() as conn:
            unit = A.org_by_code_or_id(conn, body.org)
            if unit is None or not A.in_scope(conn, auth.user, unit["id"]):
                raise A.AuthError(404, "org_not_found", "找不到该组织单位或不在您的管辖范围内")
            return A.add_user(conn, body.username, body.password, body.role, unit["id"], body.display_name).as_dict()

    @app.post(f"{api}/admin/move-household", response_model=wire.MoveResponse, tags=["admin"])
    def move(body: wire.MoveRequest, auth: Admin):
        """Move a household and its residents to another community (both in the admin's scope)."""
        with sdb.write() as conn:
            return move_household(conn, body.household_id, body.to_community, auth.user, auth.device_id)

    @app.get(f"{api}/admin/conflicts", response_model=list[wire.ConflictRecord], tags=["admin"])
    def conflicts(auth: Admin, community: str = Query(...), limit: int = Query(500, ge=1, le=5000)):
        """Conflict and flag records of one community in the admin's scope, newest first."""
        with sdb.read() as conn:
            unit = A.org_by_code_or_id(conn, community)
            if unit is None or not A.in_scope(conn, auth.user, unit["id"]):
                raise A.AuthError(404, "community_not_found", "找不到该社区或不在您的管辖范围内")
            rows = conn.execute(_sql("SELECT * FROM sync_conflict WHERE community_id = :c ORDER BY seq DESC "
                                     "LIMIT :n"), {"c": unit["id"], "n": limit}).mappings().all()
        return [_conflict_out(r) for r in rows]


def _conflict_out(r) -> dict:
    d = dict(r)
    d["lost_value"] = json.loads(d["lost_value"]) if d["lost_value"] else None
    d["won_value"] = json.loads(d["won_value"]) if d["won_value"] else None
    d["resolved"] = bool(d.get("resolved"))
    return d


def _token(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def _sql(s: str):
    from sqlalchemy import text  # noqa: PLC0415

    return text(s)
