"""12345 hotline intake (issue #16): work orders in, unmatched orders out, assignment.

Who may call: the hotline system with the token ``gridworker server hotline token`` printed (no
version headers: it is not a laptop), or an administrator's device token (orders are matched and
assigned within the admin's org subtree). A file upload in the console reads the file with
:func:`gridworker.server.hotline.read_orders` and calls the same functions.
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ...sync import wire
from .. import errors as E
from .. import hotline as H
from ..auth import User
from ..deps import ServerDBDep, bearer_token, current_device, read_json

router = APIRouter(prefix=wire.API, tags=["hotline"])


@dataclass
class HotlineCaller:
    user: User | None  # None: the hotline system itself (the whole city)

    @property
    def name(self) -> str:
        return self.user.username if self.user is not None else "hotline"


def hotline_caller(request: Request, sdb: ServerDBDep) -> HotlineCaller:
    with sdb.read() as conn:
        if H.is_hotline_token(conn, bearer_token(request)):
            return HotlineCaller(None)
    if wire.PROTOCOL_HEADER not in request.headers:  # not a laptop: the hotline with a wrong token
        raise E.Unauthorized("热线接口令牌无效，请向服务器管理员索取新令牌（server hotline token）")
    auth = current_device(request, sdb)
    if auth.user.role != "admin":
        raise E.Forbidden("只有 12345 热线系统或管理员可以提交工单")
    return HotlineCaller(auth.user)


CallerDep = Annotated[HotlineCaller, Depends(hotline_caller)]


@router.post("/hotline/orders")
async def orders(request: Request, caller: CallerDep, sdb: ServerDBDep) -> dict:
    """Work orders: ``{"orders": [{number, called_at, caller_text, address, category, limit, kind}]}``
    (``limit``: "24小时" / "3天" / hours as a number). Each good order is matched and, when matched,
    becomes a case of its community at once; the same number again changes nothing
    (``duplicate: true``). Bad orders are listed in ``problems`` with their index and field."""
    from starlette.concurrency import run_in_threadpool  # noqa: PLC0415

    data = await read_json(request)
    items = data.get("orders") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise E.InvalidRequest("请求应为 {\"orders\": [...]}")
    if len(items) > H.MAX_ORDERS:
        raise E.TooLarge(f"一次最多提交 {H.MAX_ORDERS} 张工单", code="too_many_orders")
    good, problems = [], []
    for i, item in enumerate(items):
        try:
            good.append(H.parse_order(item if isinstance(item, dict) else {}))
        except H.OrderError as exc:
            problems.append({"index": i, "field": exc.field, "column": H.LABELS.get(exc.field, exc.field),
                             "reason": exc.message})
    results = await run_in_threadpool(H.receive_orders, sdb, good, origin="api", received_by=caller.name,
                                      user=caller.user)
    return {"results": results, "problems": problems}


@router.get("/hotline/unmatched")
def unmatched(caller: CallerDep, sdb: ServerDBDep, limit: int = Query(500, ge=1, le=5000)) -> list[dict]:
    """Orders no community could be found for, oldest first (an admin: those they sent)."""
    with sdb.read() as conn:
        return H.unmatched(conn, caller.user, limit)


class AssignRequest(BaseModel):
    community: str = Field(min_length=1, max_length=64, description="Community code or id (or a grid's)")


@router.post("/hotline/orders/{number}/assign")
def assign(number: str, body: AssignRequest, caller: CallerDep, sdb: ServerDBDep) -> dict:
    """Give an unmatched order to a community; its case is written then."""
    with sdb.write() as conn:
        return H.assign_order(conn, number, body.community.strip(), caller.user)
