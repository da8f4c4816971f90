"""What the server's work modules refuse with: one class per kind of refusal, no HTTP in sight.

Every refusal has a stable English ``code`` (clients switch on it; a family such as
:class:`NotFound` lets the raiser name a more precise one, ``"org_not_found"``), a Chinese
``message`` a person can act on, and an optional ``detail`` dict (``retry_after`` in seconds for
:class:`Throttled`). The HTTP layer (:mod:`.deps`) maps each class to its status in one table and
answers with the one error shape of :func:`gridworker.sync.wire.error_body`.
"""
from __future__ import annotations

from typing import Any, ClassVar

from ..domain.errors import GridworkerError


class ServerError(GridworkerError):
    """A request the server refuses on purpose."""

    code: ClassVar[str] = "refused"
    default_message: ClassVar[str] = "服务器拒绝了这个请求"

    def __init__(self, message: str | None = None, detail: dict[str, Any] | None = None, *,
                 code: str | None = None):
        self.code = code or type(self).code  # type: ignore[misc] - an instance may name a finer code
        self.message = message or self.default_message
        self.detail: dict[str, Any] = detail or {}
        super().__init__(self.message)


# --------------------------------------------------------------------------- the request itself
class BadRequest(ServerError):
    """The request cannot be understood (body not JSON, unknown cursor or table, weak password)."""

    code = "bad_request"
    default_message = "请求内容不正确"


class InvalidRequest(BadRequest):
    """The request does not match the schema."""

    code = "invalid_request"
    default_message = "请求格式不正确"


class TooLarge(ServerError):
    """A body over the size limit (raw or decompressed)."""

    code = "body_too_large"
    default_message = "请求内容过大，服务器未读取"


class BatchTooLarge(TooLarge):
    """More push entries in one request than the server takes."""

    code = "batch_too_large"
    default_message = "一次同步的修改条数过多"


class UnsupportedEncoding(ServerError):
    """A Content-Encoding other than gzip."""

    code = "bad_encoding"
    default_message = "请求内容的压缩格式不受支持（只接受 gzip）"


class ClientOutdated(ServerError):
    """The laptop's protocol or schema is older than the server still accepts."""

    code = "client_outdated"
    default_message = "本机程序版本过旧，请先更新 gridworker 再同步"


class ServerOutdated(ServerError):
    """The laptop speaks a newer protocol or schema than this server."""

    code = "server_outdated"
    default_message = "服务器程序版本比本机旧，请联系管理员更新服务器"


# --------------------------------------------------------------------------- who is asking
class Unauthorized(ServerError):
    """No device token, or one this server does not know."""

    code = "unauthorized"
    default_message = "设备令牌无效，请重新注册本机"


class BadCredentials(Unauthorized):
    """Wrong user name or password (or a disabled user logging in)."""

    code = "bad_credentials"
    default_message = "用户名或密码错误"


class DeviceRevoked(Unauthorized):
    """The device token belongs to a laptop an administrator stopped."""

    code = "device_revoked"
    default_message = "本机已被管理员停用，无法同步；未发送的修改仍保存在本机，请联系管理员"


class UserDisabled(Unauthorized):
    """The device's user account is disabled."""

    code = "user_disabled"
    default_message = "您的账号已停用，请联系管理员"


class Throttled(ServerError):
    """Too many failed logins; ``detail["retry_after"]`` says how many seconds to wait."""

    code = "too_many_attempts"
    default_message = "登录失败次数过多，请稍后再试"


class AccountLocked(Throttled):
    """One account locked after repeated failures."""

    code = "account_locked"
    default_message = "该账号登录失败次数过多，已锁定，请稍后再试"


class Forbidden(ServerError):
    """The user may not do this (not an admin; a stopped laptop enrolling again)."""

    code = "forbidden"
    default_message = "您没有执行此操作的权限"


class OutOfScope(Forbidden):
    """The object lies outside the user's org scope (where saying so reveals nothing)."""

    code = "out_of_scope"
    default_message = "该社区不在您的管辖范围内"


class NotFound(ServerError):
    """No such object, or one outside the admin's scope (which must not be told apart)."""

    code = "not_found"
    default_message = "找不到该对象或不在您的管辖范围内"


# --------------------------------------------------------------------------- the server's state
class Conflict(ServerError):
    """The request clashes with what the server holds (user exists, device taken, moved meanwhile)."""

    code = "conflict"
    default_message = "与服务器上的数据冲突，请刷新后重试"


class SequenceGap(Conflict):
    """A push skips outbox numbers; ``detail["expected"]`` is the next number the server takes."""

    code = "sequence_gap"
    default_message = "同步序号不连续"


class SequenceReused(Conflict):
    """A replayed outbox number carries a different change (the laptop was restored from a backup)."""

    code = "sequence_reused"
    default_message = "本机的同步序号与服务器记录不符（本机数据可能是从旧备份恢复的）"


class CursorAhead(Conflict):
    """The laptop's pull cursor is past the server's counter (the server was restored)."""

    code = "cursor_ahead"
    default_message = "本机同步进度超过服务器，需要重新同步"


class BehindHorizon(ServerError):
    """The laptop's cursor is older than the pruned change log: it must download everything again."""

    code = "behind_horizon"
    default_message = "本机太久没有同步，服务器已清理旧的变更记录，需要重新下载全部数据"
