"""Enrolment and the online user check: the two routes that take a user's password."""
from __future__ import annotations

from fastapi import APIRouter, Request

from ...sync import wire
from .. import auth as A
from .. import credentials as C
from .. import errors as E
from .. import exports as X
from ..db import ServerDB
from ..deps import DeviceDep, ServerDBDep, check_versions

router = APIRouter(prefix=wire.API, tags=["auth"])


def counted_login(sdb: ServerDB, username: str, password: str, request: Request) -> A.User:
    """Check a user's password, counting failures per account and per address (the socket
    address; a proxy's X-Forwarded-For only when the server was told to trust that proxy)."""
    address = request.client.host if request.client else "?"
    with sdb.write() as conn:
        try:
            return A.login(conn, username, password, address, A.guard_for(sdb))
        except E.ServerError as exc:
            failure = exc
    raise failure


@router.post("/auth/enroll", response_model=wire.EnrollResponse)
def enroll(body: wire.EnrollRequest, request: Request, sdb: ServerDBDep):
    """Log in and register this laptop for one community; the token is shown once."""
    check_versions(request)
    user = counted_login(sdb, body.username, body.password, request)
    with sdb.write() as conn:
        community, token = A.enroll_device(conn, user, community=body.community, device_id=body.device_id,
                                           device_name=body.device_name, outbox_start=body.outbox_start,
                                           token=body.token)
        user_secret = C.issue(conn, user.id, community["device_id"])
    return {"device_id": community["device_id"], "token": token, "community_id": community["id"],
            "community_code": community.get("code") or "", "community_name": community.get("name") or "",
            "user": user.as_dict(), "export_public_key": X.export_public_key(sdb)["public_key"],
            "export_secret": community.get("export_secret"), "user_secret": user_secret}


@router.post("/auth/check-user", response_model=wire.CheckUserResponse)
def check_user(body: wire.CheckUserRequest, request: Request, auth: DeviceDep, sdb: ServerDBDep):
    """An enrolled laptop asks whether a password is this user's and the user belongs to the
    laptop's community (online login after N days offline; adding a user to the laptop)."""
    user = counted_login(sdb, body.username, body.password, request)  # failures lock the account as at enrolment
    if user.role not in A.LAPTOP_ROLES:
        raise E.Forbidden("该账号用于城市管理平台（网页），不能在社区电脑上登录", code="console_account")
    with sdb.write() as conn:
        if not A.in_scope(conn, user, auth.community_id):
            raise E.OutOfScope(f"用户 {user.username} 不属于本机所在的社区，不能在本机登录")
        A.require_bound_member(conn, user, auth.community_id)
        # The password was proven here, on this device: the user's credential for it (sealed in their
        # key slot on the laptop; their changes are signed with it).
        user_secret = C.issue(conn, user.id, auth.device_id)
    return {"user": user.as_dict(), "user_secret": user_secret}
