"""What every route shares: the database, the version window, the device behind a token, JSON in and
out, and the one table that turns a refusal (:mod:`.errors`) into an HTTP status.

``ServerDBDep`` is the app's :class:`ServerDB` (``app.state.sdb``). ``DeviceDep`` checks the
protocol/schema headers and authenticates the bearer token; ``AdminDep`` also needs the ``admin``
role. Routes that authenticate otherwise (enrolment, the export key) call :func:`check_versions`.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from ..sync import wire
from . import errors as E
from .auth import DeviceAuth, authenticate, mark_seen, seen_due
from .db import ServerDB

# The HTTP status of each kind of refusal; a subclass answers as its nearest listed ancestor.
STATUS_OF: dict[type[E.ServerError], int] = {
    E.BadRequest: 400,
    E.Unauthorized: 401,
    E.Forbidden: 403,
    E.NotFound: 404,
    E.Conflict: 409,
    E.BehindHorizon: 410,
    E.TooLarge: 413,
    E.UnsupportedEncoding: 415,
    E.InvalidRequest: 422,
    E.ClientOutdated: 426,
    E.ServerOutdated: 426,
    E.Throttled: 429,
    E.ServerError: 400,
}


def status_of(exc: E.ServerError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    raise TypeError(f"no HTTP status for {type(exc).__name__}")  # pragma: no cover - ServerError is listed


def error_response(status: int, code: str, message: str, detail: dict | None = None) -> JSONResponse:
    """The one error shape; ``Retry-After`` when the detail says how long to wait."""
    headers = {}
    if detail and "retry_after" in detail:
        headers["Retry-After"] = str(detail["retry_after"])
    return JSONResponse(wire.error_body(code, message, detail), status_code=status, headers=headers)


def refusal_response(exc: E.ServerError) -> JSONResponse:
    return error_response(status_of(exc), exc.code, exc.message, exc.detail)


def encode(obj: Any, request: Request, status: int = 200) -> Response:
    """orjson, gzipped when the client accepts it and the body is worth it."""
    body = wire.dumps(obj)
    headers = {}
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, zipped = wire.maybe_gzip(body)
        if zipped:
            headers["Content-Encoding"] = "gzip"
    return Response(body, status_code=status, media_type="application/json", headers=headers)


async def read_json(request: Request) -> Any:
    """The body as JSON (BodyLimit, the middleware, has already capped its size and inflated gzip)."""
    raw = await request.body()
    try:
        return wire.loads(raw)
    except ValueError:
        raise E.BadRequest("请求内容不是有效的 JSON", code="bad_body") from None


def bearer_token(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def check_versions(request: Request) -> None:
    """Refuse a client outside the protocol/schema window, with words a person can act on."""
    try:
        proto = int(request.headers.get(wire.PROTOCOL_HEADER, "0"))
        schema = int(request.headers.get(wire.SCHEMA_HEADER, "0"))
    except ValueError:
        proto = schema = 0
    if proto < wire.MIN_PROTOCOL_VERSION or schema < wire.MIN_SCHEMA_VERSION:
        raise E.ClientOutdated("本机程序版本过旧，服务器已不再支持，请先更新 gridworker 再同步；未发送的修改仍保存在本机",
                               {"min_protocol": wire.MIN_PROTOCOL_VERSION, "min_schema": wire.MIN_SCHEMA_VERSION,
                                "client_protocol": proto, "client_schema": schema})
    if proto > wire.PROTOCOL_VERSION or schema > wire.SCHEMA_VERSION:
        raise E.ServerOutdated("服务器程序版本比本机旧，请联系管理员更新服务器",
                               {"server_protocol": wire.PROTOCOL_VERSION, "server_schema": wire.SCHEMA_VERSION})


def server_db(request: Request) -> ServerDB:
    return request.app.state.sdb


ServerDBDep = Annotated[ServerDB, Depends(server_db)]


def current_device(request: Request, sdb: ServerDBDep) -> DeviceAuth:
    """The device and user behind the bearer token, for a client inside the version window."""
    check_versions(request)
    with sdb.read() as conn:
        auth = authenticate(conn, bearer_token(request))
    if seen_due(auth):
        with sdb.write() as conn:
            mark_seen(conn, auth.device_id)
    return auth


DeviceDep = Annotated[DeviceAuth, Depends(current_device)]


def current_admin(auth: DeviceDep) -> DeviceAuth:
    if auth.user.role != "admin":
        raise E.Forbidden("只有管理员可以执行此操作")
    return auth


AdminDep = Annotated[DeviceAuth, Depends(current_admin)]
