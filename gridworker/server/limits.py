"""Request body limits, applied before a route reads anything: a pure ASGI middleware.

A body is refused with 413 (the one error shape) when its Content-Length says it is too big, or,
without a trustworthy length, as soon as the bytes received pass the limit. A gzip body
(``Content-Encoding: gzip``) is decompressed here, a chunk at a time, with the same limit on the
*decompressed* size (a small gzip bomb never grows past it); the routes then see plain JSON, so
every route accepts gzip, not only push.
"""
from __future__ import annotations

import zlib
from typing import Any, Awaitable, Callable

from starlette.exceptions import HTTPException

from ..sync import wire
from .deps import status_of
from .errors import BadRequest, ServerError, TooLarge, UnsupportedEncoding

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyRefused(HTTPException):
    """Raised from ``receive`` when a body turns out too big or undecodable mid-stream.

    ``refusal`` is what the client is told (status from the app's one table). An HTTPException
    because FastAPI turns any other error while reading a body into a bare 400.
    """

    def __init__(self, refusal: ServerError):
        super().__init__(status_of(refusal), refusal.message)
        self.refusal = refusal


def too_large(limit: int) -> BodyRefused:
    return BodyRefused(TooLarge(f"请求内容过大（上限 {_size(limit)}），服务器未读取；请分批同步或更新程序",
                                {"max_bytes": limit}))


def _bad_body(message: str) -> BodyRefused:
    return BodyRefused(BadRequest(message, code="bad_body"))


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class BodyLimit:
    """Wraps an ASGI app: bodies over ``max_bytes`` (raw, and decompressed for gzip) get 413."""

    def __init__(self, app: ASGIApp, max_bytes: int = wire.MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _answer(send, _bad_body("请求头 Content-Length 无效"))
                return
            if declared > self.max_bytes:
                # Refused from the header alone: not one byte of the body is read.
                await _answer(send, too_large(self.max_bytes))
                return
        encoding = headers.get(b"content-encoding", b"").strip().lower()
        if encoding in (b"", b"identity"):
            await self.app(scope, self._capped(receive), send)
            return
        if encoding != b"gzip":
            await _answer(send, BodyRefused(UnsupportedEncoding(
                "请求内容的压缩格式不受支持（只接受 gzip）", {"content_encoding": encoding.decode("latin-1")})))
            return
        # The routes must see plain JSON: drop the encoding and the (compressed) length.
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in scope.get("headers", [])
                            if k.lower() not in (b"content-encoding", b"content-length")]
        await self.app(scope, self._gunzipped(receive), send)

    def _capped(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        return limited

    def _gunzipped(self, receive: Receive) -> Receive:
        """The decompressed body as one message, read and inflated chunk by chunk under the limit."""
        done = False

        async def inflated() -> Message:
            nonlocal done
            if done:
                return await receive()  # http.disconnect, when it comes
            done = True
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            out: list[bytes] = []
            size = raw = 0
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                chunk = message.get("body", b"")
                more = message.get("more_body", False)
                raw += len(chunk)
                if raw > self.max_bytes:
                    raise too_large(self.max_bytes)
                try:
                    # max_length: never inflate more than the limit allows, whatever the ratio.
                    piece = inflater.decompress(chunk, self.max_bytes - size + 1)
                except zlib.error:
                    raise _bad_body("请求内容解压失败（gzip 数据损坏）") from None
                size += len(piece)
                if size > self.max_bytes or inflater.unconsumed_tail:
                    raise too_large(self.max_bytes)
                out.append(piece)
            if not inflater.eof:
                raise _bad_body("请求内容解压失败（gzip 数据不完整）")
            return {"type": "http.request", "body": b"".join(out), "more_body": False}

        return inflated


async def _answer(send: Send, refused: BodyRefused) -> None:
    why = refused.refusal
    body = wire.dumps(wire.error_body(why.code, why.message, why.detail))
    await send({"type": "http.response.start", "status": refused.status_code,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
