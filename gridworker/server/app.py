"""The FastAPI application: ``create_app(db_url)`` builds it; ``run(db_url, host, port)`` serves it.

Every error has the one shape of :func:`gridworker.sync.wire.error_body`. Sync endpoints check the
protocol/schema version headers (HTTP 426 "please update" outside the window) and authenticate the
device token; admin endpoints need a device token of an ``admin`` user and act only inside that
user's org scope. Large bodies are orjson + gzip both ways; a body past wire.MAX_BODY_BYTES (raw or
inflated) is refused with 413 before it is read whole (:mod:`.limits`).

The routes live in :mod:`.routers` (one APIRouter per audience), what they share in :mod:`.deps`;
the work modules refuse with the classes of :mod:`.errors`, which one handler answers using the one
status table of :mod:`.deps`.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..sync import wire
from .db import ServerDB, open_server_db
from .deps import error_response, refusal_response
from .errors import InvalidRequest, ServerError
from .limits import BodyLimit, BodyRefused
from .routers import admin, auth, console, console_city, hotline, meta, sync

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
        return refusal_response(exc.refusal)

    @app.exception_handler(ServerError)
    async def _refusal(_request: Request, exc: ServerError):
        return refusal_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        return refusal_response(InvalidRequest("请求格式不正确", {"errors": exc.errors()[:5]}))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception):  # pragma: no cover - logged by uvicorn too
        return error_response(500, "server_error", f"服务器内部错误：{type(exc).__name__}")

    for router in (meta.router, auth.router, sync.router, admin.router, console.router, console_city.router,
                   hotline.router):
        app.include_router(router)

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
