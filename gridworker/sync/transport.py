"""HTTP for the sync engine: one ``requests.Session``, timeouts on every call, TLS verification,
gzip both ways, retries with exponential backoff and jitter, and errors a person can act on.

Push and pull are both safe to retry (push is idempotent by device seq), so every failure that
might be passing (no connection, timeout, 5xx, 429) is retried; a refusal (401, 403, 409, 426) is
not.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import os
import random
import re
import time
from typing import Any, Callable

import requests

from ..domain.cancel import Cancelled
from ..domain.errors import GridworkerError
from . import wire

CONNECT_TIMEOUT = 5.0
# A silent server is noticed within this many seconds per attempt (a pull page or snapshot page the
# server answers in seconds; a dead link must not keep a person waiting minutes without a word).
READ_TIMEOUT = float(os.environ.get("GRIDWORKER_SYNC_READ_TIMEOUT", "30"))
# All the waiting of one call (failed attempts and pauses between them) stops after this long.
TOTAL_BUDGET = float(os.environ.get("GRIDWORKER_SYNC_BUDGET", "90"))


# A locked account is a refusal to show the person, not a busy server to retry.
LOGIN_LOCKS = ("account_locked", "too_many_attempts")


class SyncError(GridworkerError):
    """A sync that could not complete. ``code`` is stable; the message says what to do."""

    code = "sync_error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 detail: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status
        self.detail = detail or {}


class ServerUnreachable(SyncError):
    code = "unreachable"


class DeviceRevoked(SyncError):
    code = "device_revoked"


class Unauthorized(SyncError):
    code = "unauthorized"


class ClientOutdated(SyncError):
    code = "client_outdated"


class SequenceGap(SyncError):
    code = "sequence_gap"


class CertificateRejected(SyncError):
    """The server's TLS certificate did not verify (self-signed, wrong name, expired): not retried."""

    code = "tls_untrusted"


class NotEnrolled(SyncError):
    """This laptop has no server to sync with yet."""

    code = "not_enrolled"


class ServerRefused(SyncError):
    code = "refused"


# A sync the user stopped raises gridworker.domain.cancel.Cancelled (code "cancelled"), the one
# Cancelled of the program: nothing failed, so it is not a SyncError.


def transport_for(db, *, retries: int = 4, backoff: float | None = None,
                  cancel: Callable[[], bool] | None = None,
                  waiting: Callable[[str], None] | None = None,
                  timeout: tuple[float, float] | None = None) -> "Transport":
    """The transport of an enrolled laptop: its server, device token and pinned certificate (or the
    system's CAs). Raises :class:`NotEnrolled` when the laptop has never enrolled."""
    from ..store.local import State  # noqa: PLC0415 - transport is used before any database exists

    url, token = db.get_state(State.SERVER_URL), db.get_state(State.TOKEN)
    if not url or not token:
        raise NotEnrolled("本机尚未注册到同步服务器，请先运行 gridworker client enroll")
    options: dict[str, Any] = {"retries": retries, "cancel": cancel, "waiting": waiting}
    if timeout is not None:
        options["timeout"] = timeout
    if backoff is not None:
        options["backoff"] = backoff
    return Transport(url, token, verify=db.get_state(State.CA_PATH) or True, **options)


def server_reachable(db, *, timeout: tuple[float, float] = (2.0, 3.0)) -> bool:
    """Whether this laptop's server answers its health check, through the same transport as a sync
    (the pinned certificate is checked here too: a server that fails it is not "online")."""
    try:
        transport = transport_for(db, retries=0)
    except NotEnrolled:
        return False
    try:
        return transport.reachable(timeout)
    finally:
        transport.close()


class Transport:
    """Calls to one sync server. ``verify`` is True, False (tests only) or a CA bundle / pinned cert path."""

    def __init__(self, base_url: str, token: str | None = None, *, verify: bool | str = True,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT), retries: int = 4,
                 backoff: float = 0.5, max_backoff: float = 8.0, cancel: Callable[[], bool] | None = None,
                 session: requests.Session | None = None, budget: float | None = None,
                 waiting: Callable[[str], None] | None = None):
        """``budget``: seconds one call may spend waiting in all (default :data:`TOTAL_BUDGET`);
        ``waiting``: told in words each time the server is waited for again ("等待服务器…第 2 次重试")."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.cancel = cancel or (lambda: False)
        self.budget = TOTAL_BUDGET if budget is None else budget
        self.waiting = waiting or (lambda text: None)
        self.session = session or requests.Session()
        self.session.verify = verify
        self.session.headers.update({
            wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION),
            wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION),
            "Accept-Encoding": "gzip",
            "User-Agent": "gridworker-sync",
        })
        self.bytes_sent = 0
        self.bytes_received = 0
        # This laptop's clock minus the server's (seconds), from the HTTP Date of its last answer.
        self.clock_skew: float | None = None
        self.now = lambda: dt.datetime.now(dt.timezone.utc)  # tests inject a clock here

    def close(self) -> None:
        self.session.close()

    def reachable(self, timeout: tuple[float, float] = (2.0, 3.0)) -> bool:
        """One health check, no retries: True when the server answers (under 500) over a connection
        this transport trusts."""
        try:
            # verify per call, as in call(): REQUESTS_CA_BUNDLE would otherwise replace the pin.
            return self.session.get(f"{self.base_url}{wire.API}/health", timeout=timeout,
                                    verify=self.session.verify).status_code < 500
        except requests.RequestException:
            return False

    def call(self, method: str, path: str, *, body: Any = None, params: dict | None = None) -> Any:
        """One API call with retries; returns the decoded JSON."""
        url = f"{self.base_url}{wire.API}{path}"
        data, headers = wire.request(body, clock=self.now().astimezone().isoformat(timespec="seconds"),
                                     token=self.token)
        attempt = 0
        deadline = time.monotonic() + self.budget
        while True:
            if self.cancel():
                raise Cancelled("同步已取消；已完成的部分已保存")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServerUnreachable(f"同步服务器 {self.base_url} 在 {self.budget:.0f} 秒内没有回复，"
                                        "已停止等待；请检查网络后再试")
            if attempt:
                self.waiting(f"等待服务器…第 {attempt} 次重试")
            connect, read = self.timeout
            try:
                # verify per call: requests lets REQUESTS_CA_BUNDLE override session.verify, which
                # would silently drop an admin's pinned certificate.
                resp = self.session.request(method, url, data=data, params=params, headers=headers,
                                            timeout=(min(connect, left), min(read, left)),
                                            verify=self.session.verify)
            except requests.exceptions.SSLError as exc:
                # Retrying cannot make an untrusted certificate trusted; say so at once.
                raise CertificateRejected(_tls_message(self.base_url, exc)) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.retries or time.monotonic() >= deadline:
                    silent = "，服务器没有回复" if isinstance(exc, requests.Timeout) else ""
                    raise ServerUnreachable(f"无法连接同步服务器 {self.base_url}（{type(exc).__name__}{silent}）") from exc
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                # The connection broke in the middle of the reply (or its gzip is cut): nothing of it
                # was used, and push and pull are safe to repeat; ask again.
                if attempt >= self.retries:
                    raise ServerUnreachable(f"同步服务器 {self.base_url} 的回复在传输中途中断，请稍后再试") from exc
            else:
                self.bytes_sent += len(data or b"")
                self.bytes_received += len(resp.content)
                self._note_server_time(resp)
                if resp.status_code < 400:
                    try:
                        return wire.loads(resp.content)
                    except ValueError:
                        # A reply cut off on the way: nothing was applied from it; ask again.
                        if attempt >= self.retries:
                            raise ServerUnreachable(f"同步服务器 {self.base_url} 的回复不完整，请稍后再试") from None
                        attempt += 1
                        time.sleep(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)) * (0.5 + random.random()))
                        continue
                err = _error(resp, self.base_url)
                if not isinstance(err, ServerUnreachable) or attempt >= self.retries:
                    raise err
            attempt += 1
            delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            # jitter: laptops that failed together spread out; cancel is heard during the pause
            self._pause(min(delay * (0.5 + random.random()), max(0.0, deadline - time.monotonic())))

    def _note_server_time(self, resp: requests.Response) -> None:
        stamp = resp.headers.get("Date")
        if not stamp:
            return
        try:
            server = email.utils.parsedate_to_datetime(stamp)
        except (TypeError, ValueError):
            return
        if server.tzinfo is None:
            server = server.replace(tzinfo=dt.timezone.utc)
        self.clock_skew = (self.now() - server).total_seconds()

    def _pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.cancel():
                raise Cancelled("同步已取消；已完成的部分已保存")
            time.sleep(min(0.2, left))


def _tls_message(base_url: str, exc: Exception) -> str:
    found = re.search(r"certificate verify failed: ([^(')\"]+)", str(exc))
    reason = found.group(1).strip() if found else type(exc).__name__
    return (f"同步服务器 {base_url} 的证书无法验证（{reason}），为保护数据已拒绝连接。"
            "如果服务器使用自签名证书，请管理员核对证书后，用 gridworker client enroll --ca 证书文件 重新注册本机")


def _error(resp: requests.Response, base_url: str) -> SyncError:
    try:
        err = wire.loads(resp.content)["error"]
        code, message, detail = err["code"], err["message"], err.get("detail") or {}
    except (ValueError, KeyError, TypeError):
        code, message, detail = "http_error", f"服务器返回 HTTP {resp.status_code}", {}
    status = resp.status_code
    if status == 401:
        cls = DeviceRevoked if code == "device_revoked" else Unauthorized
    elif status == 426:
        cls = ClientOutdated
    elif code == "sequence_gap":
        cls = SequenceGap
    elif status in (429, 500, 502, 503, 504) and code not in LOGIN_LOCKS:
        cls = ServerUnreachable
        message = f"同步服务器 {base_url} 暂时无法处理请求：{message}"
    else:
        cls = ServerRefused
    return cls(message, code=code, status=status, detail=detail)
