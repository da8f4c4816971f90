"""The FastAPI application: ``create_app(db_url)`` builds it; ``run(db_url, host, port)`` serves it.

Every error has the one shape of :func:`gridworker.sync.wire.error_body`. Sync endpoints check the
protocol/schema version headers (HTTP 426 "please update" outside the window) and authenticate the
device token; admin endpoints need a device token of an ``admin`` user and act only inside that
user's org scope. Large bodies are orjson + gzip both ways; a body past wire.MAX_BODY_BYTES (raw or
inflated) is refused with 413 before it is read whole (:mod:`.limits`).
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..sync import wire
from . import auth as A
from .db import ServerDB, open_server_db
from .limits import BodyLimit, BodyRefused

# Every error status an endpoint may answer with, documented once for all (one shape for all).
ERROR_STATUSES = {
    400: "Bad request (e.g. body not JSON, gzip broken, weak password)",
    401: "No, unknown or revoked device token; bad credentials",
    403: "Not allowed for this user or outside the user's scope",
    404: "Not found, or outside the admin's scope",
    409: "Conflict with the server's state (sequence gap, user exists, device taken)",
    413: "Request body or push batch too large",
    415: "Unsupported Content-Encoding",
    422: "Request does not match the schema",
    426: "Client or server outside the protocol/schema version window",
    429: "Too many login attempts; see Retry-After",
}


def _encode(obj: Any, request: Request, status: int = 200) -> Response:
    body = wire.dumps(obj)
    headers = {}
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, zipped = wire.maybe_gzip(body)
        if zipped:
            headers["Content-Encoding"] = "gzip"
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _error(status: int, code: str, message: str, detail: dict | None = None) -> JSONResponse:
    headers = {}
    if detail and "retry_after" in detail:
        headers["Retry-After"] = str(detail["retry_after"])
    return JSONResponse(wire.error_body(code, message, detail), status_code=status, headers=headers)


def check_versions(request: Request) -> None:
    """426 for a client outside the protocol/schema window, with words a person can act on."""
    try:
        proto = int(request.headers.get(wire.PROTOCOL_HEADER, "0"))
        schema = int(request.headers.get(wire.SCHEMA_HEADER, "0"))
    except ValueError:
        proto = schema = 0
    if proto < wire.MIN_PROTOCOL_VERSION or schema < wire.MIN_SCHEMA_VERSION:
        raise A.AuthError(426, "client_outdated", "本机程序版本过旧，服务器已不再支持，请先更新 gridworker 再同步；"
                          "未发送的修改仍保存在本机",
                          {"min_protocol": wire.MIN_PROTOCOL_VERSION, "min_schema": wire.MIN_SCHEMA_VERSION,
                           "client_protocol": proto, "client_schema": schema})
    if proto > wire.PROTOCOL_VERSION or schema > wire.SCHEMA_VERSION:
        raise A.AuthError(426, "server_outdated", "服务器程序版本比本机旧，请联系管理员更新服务器",
                          {"server_protocol": wire.PROTOCOL_VERSION, "server_schema": wire.SCHEMA_VERSION})


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


async def _json_body(request: Request) -> Any:
    # BodyLimit (the middleware) has already capped the size and decompressed any gzip.
    raw = await request.body()
    try:
        return wire.loads(raw)
    except ValueError:
        raise A.AuthError(400, "bad_body", "请求内容不是有效的 JSON") from None


def create_app(db: str | ServerDB, *, migrate: bool = True, max_body_bytes: int = wire.MAX_BODY_BYTES) -> FastAPI:
    """The server app over a database URL or path (migrated to head unless told not to).

    Request bodies over ``max_body_bytes`` (raw or decompressed) are refused with 413 unread.
    """
    from ..logsetup import install_masking  # noqa: PLC0415

    install_masking()  # no resident's number reaches a log line in clear, whatever logs the server
    sdb = db if isinstance(db, ServerDB) else open_server_db(db, migrate=migrate)
    app = FastAPI(title="gridworker sync server", version=__version__,
                  description="Enrolment, push/pull sync and administration for gridworker laptops. "
                              "Every error: " + '{"error": {"code", "message", "detail"}}.',
                  responses={status: {"model": wire.ErrorResponse, "description": why}
                             for status, why in ERROR_STATUSES.items()})
    app.state.sdb = sdb
    # Outermost, so an oversized body is refused before any route or dependency reads it.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.exception_handler(BodyRefused)
    async def _refused(_request: Request, exc: BodyRefused):
        return _error(exc.status, exc.code, exc.message, exc.detail)

    @app.exception_handler(A.AuthError)
    async def _auth_error(_request: Request, exc: A.AuthError):
        return _error(exc.status, exc.code, exc.message, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        return _error(422, "invalid_request", "请求格式不正确", {"errors": exc.errors()[:5]})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception):  # pragma: no cover - logged by uvicorn too
        return _error(500, "server_error", f"服务器内部错误：{type(exc).__name__}")

    def device(request: Request) -> A.DeviceAuth:
        check_versions(request)
        with sdb.read() as conn:
            return A.authenticate(conn, _bearer(request))

    def admin(request: Request) -> A.DeviceAuth:
        auth = device(request)
        if auth.user.role != "admin":
            raise A.AuthError(403, "forbidden", "只有管理员可以执行此操作")
        return auth

    Device = Annotated[A.DeviceAuth, Depends(device)]
    Admin = Annotated[A.DeviceAuth, Depends(admin)]

    from .routes import add_routes  # noqa: PLC0415 - routes need the helpers above

    add_routes(app, sdb, Device, Admin, _encode, _json_body)

    def openapi() -> dict:
        # The push body is read by hand (it may be gzip), so its schema is added to the docs here.
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi  # noqa: PLC0415

            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            push = wire.PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(push.pop("$defs", {}))
            components["PushRequest"] = push
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def run(db: str, host: str = "127.0.0.1", port: int = 8765, *, log_level: str = "info",
        log_file: str | None = None, **uvicorn_options: Any) -> None:
    """Serve until stopped; logs (console, and ``log_file`` when given) have personal numbers masked."""
    import uvicorn  # noqa: PLC0415

    from .logconfig import log_config  # noqa: PLC0415

    uvicorn.run(create_app(db), host=host, port=port, log_level=log_level,
                log_config=log_config(log_file=log_file, level=log_level), **uvicorn_options)
