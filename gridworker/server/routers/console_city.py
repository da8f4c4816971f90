"""The city console's pages over the city-side modules (#16): 考核评价 (``server/assessment.py``),
热线工单 (``server/hotline.py``) and 终端 (``server/fleet.py``). Same sessions, CSRF, headers and
templates as ``routers/console.py``; each page calls the module's own functions with the session's
user, so the org subtree (``auth.in_scope``) decides what is shown, as in the JSON endpoints.

Who sees which page (the links: ``console_nav.py``):
- 考核评价: street / district / city users and admins (their subtree), a department user its own line;
- 热线工单: street / district / city users and admins: upload, the unmatched orders they sent, assign
  one to a community of their subtree;
- 终端: admins (laptops of their subtree), revoke with a confirmation step.
"""
from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...domain import permissions as perm
from ...domain.masking import mask_text
from .. import assessment as AS
from .. import auth as A
from .. import console as C
from .. import errors as E
from .. import fleet as F
from .. import hotline as H
from ..console_nav import ASSESS_ROLES, HOTLINE_ROLES
from ..deps import ServerDBDep
from .console import SECURITY_HEADERS, _form, _need, _org_name, _redirect, page

router = APIRouter(prefix="/console", include_in_schema=False)

FLEET_ROLES = frozenset({perm.ADMIN})
MAX_UPLOAD = 5 * 1024 * 1024
CSRF_FAILED = "页面已过期或请求来源不明（CSRF 校验失败），请刷新后重试。"


def _this_month() -> str:
    return dt.datetime.now(AS.CHINA).strftime("%Y-%m")


def _pct(value) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


# --------------------------------------------------------------------------- 考核评价
def _assess(sdb, session: C.Session, period: str, by: str):
    """The assessment the user may see: their subtree; a department user its own line only."""
    user = session.user
    p = AS.parse_period(period)  # ValueError: shown on the page
    if user.role == perm.DEPARTMENT:
        by = "department"
    with sdb.read() as conn:
        result = AS.assessment(conn, p, by=by, user=user)
    if user.role == perm.DEPARTMENT:
        own = [r for r in result["rows"] if r["key"] == user.department]
        total = own[0] if own else AS.assess([], p, by="department")["total"]
        result = {**result, "rows": own, "total": {**total, "key": None, "name": None},
                  "blacklist": [b for b in result["blacklist"] if b["department"] == user.department]}
    return result


@router.get("/assessment")
def assessment_page(request: Request, sdb: ServerDBDep, period: str = "", by: str = "community"):
    session = _need(request, sdb, ASSESS_ROLES)
    if not isinstance(session, C.Session):
        return session
    period = (period or _this_month())[:16]
    by = by if by in AS.GROUPS else "community"
    error, result = None, None
    try:
        result = _assess(sdb, session, period, by)
    except ValueError as exc:
        error = str(exc)
    with sdb.write() as conn:
        C.record_view(conn, session.user, "assessment", period=period, by=by)
    return page("assessment.html", 400 if error else 200, session, title="考核评价", active="assessment",
                error=error, result=result, period=period, by=result["by"] if result else by,
                groups=[(g, AS.BY_LABELS[g]) for g in AS.GROUPS], rates=[(r, AS.RATE_LABELS[r]) for r in AS.RATES],
                pct=_pct, department_only=session.user.role == perm.DEPARTMENT,
                org_name=_org_name(sdb, session.user.org_id))


@router.get("/assessment.xlsx")
def assessment_xlsx(request: Request, sdb: ServerDBDep, period: str = "", by: str = "community"):
    session = _need(request, sdb, ASSESS_ROLES)
    if not isinstance(session, C.Session):
        return session
    period = (period or _this_month())[:16]
    try:
        result = _assess(sdb, session, period, by if by in AS.GROUPS else "community")
    except ValueError as exc:
        return page("message.html", 400, session, title="期间格式不对", text=str(exc), back="/console/assessment")
    with tempfile.TemporaryDirectory() as folder:
        data = AS.write_xlsx(result, Path(folder) / "assessment.xlsx").read_bytes()
    with sdb.write() as conn:
        C.record_view(conn, session.user, "assessment_xlsx", period=result["period"], by=result["by"])
    name = f"assessment-{result['period']}-{result['by']}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


# --------------------------------------------------------------------------- 热线工单
def _hotline_page(sdb, session: C.Session, *, status: int = 200, error: str | None = None,
                  notice: str | None = None, problems=None, results=None):
    with sdb.write() as conn:
        waiting = H.unmatched(conn, session.user)
        communities = C.OrgTree.load(conn).communities(session.user.org_id)
        C.record_view(conn, session.user, "hotline", orders=[o["number"] for o in waiting][:200])
    for o in waiting:
        o["caller_text"] = mask_text(o["caller_text"] or "")
        o["address"] = mask_text(o["address"] or "")
    return page("hotline.html", status, session, title="热线工单", active="hotline", error=error, notice=notice,
                waiting=waiting, communities=communities, problems=problems or [], results=results or [],
                org_name=_org_name(sdb, session.user.org_id))


@router.get("/hotline")
def hotline_page(request: Request, sdb: ServerDBDep):
    session = _need(request, sdb, HOTLINE_ROLES)
    if not isinstance(session, C.Session):
        return session
    return _hotline_page(sdb, session)


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """A multipart/form-data body: (fields, files name -> (filename, bytes)), by the stdlib's MIME parser."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", errors="replace") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if not msg.is_multipart():
        return fields, files
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        data = part.get_payload(decode=True) or b""
        if filename is not None:
            files[name] = (filename, data)
        else:
            fields[name] = data.decode("utf-8", errors="replace")
    return fields, files


@router.post("/hotline/upload")
async def hotline_upload(request: Request, sdb: ServerDBDep):
    session = _need(request, sdb, HOTLINE_ROLES)
    if not isinstance(session, C.Session):
        return session
    body = await request.body()
    ctype = request.headers.get("content-type") or ""
    fields, files = _multipart(ctype, body) if ctype.startswith("multipart/form-data") else ({}, {})
    if not C.csrf_ok(session, fields.get("csrf")):
        return page("message.html", 403, session, title="请求无效", text=CSRF_FAILED, back="/console/hotline")
    filename, data = files.get("file") or ("", b"")
    if len(data) > MAX_UPLOAD:
        return _hotline_page(sdb, session, status=413, error="文件太大（最大 5 MB）")
    if not data:
        return _hotline_page(sdb, session, status=400, error="请选择要上传的工单文件（.xlsx 或 .csv）")
    try:
        found = H.read_orders_bytes(data, filename)
    except E.ServerError as exc:
        return _hotline_page(sdb, session, status=400, error=exc.message)
    from starlette.concurrency import run_in_threadpool  # noqa: PLC0415

    results = await run_in_threadpool(H.receive_orders, sdb, [o for _row, o in found.orders], origin="console",
                                      received_by=session.user.username, user=session.user)
    matched = sum(1 for r in results if r["status"] == "matched" and not r["duplicate"])
    waiting = sum(1 for r in results if r["status"] == "unmatched" and not r["duplicate"])
    dup = sum(1 for r in results if r["duplicate"])
    notice = f"已导入 {len(results)} 张工单：{matched} 张已派到社区，{waiting} 张待人工指派，{dup} 张重复"
    if found.problems:
        notice += f"；{len(found.problems)} 行有问题，未导入"
    return _hotline_page(sdb, session, status=422 if found.problems else 200, notice=notice,
                         problems=found.problems, results=results)


@router.post("/hotline/assign")
async def hotline_assign(request: Request, sdb: ServerDBDep):
    form = await _form(request)
    session = _need(request, sdb, HOTLINE_ROLES)
    if not isinstance(session, C.Session):
        return session
    if not C.csrf_ok(session, form.get("csrf")):
        return page("message.html", 403, session, title="请求无效", text=CSRF_FAILED, back="/console/hotline")
    number = (form.get("number") or "").strip()[:64]
    try:
        with sdb.write() as conn:
            done = H.assign_order(conn, number, (form.get("community") or "").strip()[:64], session.user)
    except E.NotFound as exc:
        return _hotline_page(sdb, session, status=404, error=exc.message)
    except E.ServerError as exc:
        return _hotline_page(sdb, session, status=409, error=exc.message)
    return _hotline_page(sdb, session, notice=f"工单 {number} 已派到{done.get('community_name') or ''}，社区电脑下次同步时收到")


# --------------------------------------------------------------------------- 终端
def _stale_days(value: str) -> float:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return F.DEFAULT_STALE_DAYS
    return n if 0 <= n <= 3650 else F.DEFAULT_STALE_DAYS


@router.get("/fleet")
def fleet_page(request: Request, sdb: ServerDBDep, stale_days: str = "", revoked: str = ""):
    session = _need(request, sdb, FLEET_ROLES)
    if not isinstance(session, C.Session):
        return session
    days = _stale_days(stale_days) if stale_days else F.DEFAULT_STALE_DAYS
    with sdb.write() as conn:
        laptops = F.fleet(conn, session.user, stale_days=days)
        C.record_view(conn, session.user, "fleet", devices=[d["id"] for d in laptops][:200])
    gone = next((d for d in laptops if revoked and d["id"] == revoked and d["revoked_at"]), None)
    return page("fleet.html", session=session, title="终端", active="fleet", laptops=laptops,
                stale_days=f"{days:g}", notice=f"已吊销终端 {gone['name'] or gone['id']}" if gone else None,
                org_name=_org_name(sdb, session.user.org_id))


def _laptop(sdb, session: C.Session, device_id: str) -> dict | None:
    with sdb.read() as conn:
        return next((d for d in F.fleet(conn, session.user) if d["id"] == device_id), None)


@router.get("/fleet/{device_id}/revoke")
def revoke_confirm(device_id: str, request: Request, sdb: ServerDBDep):
    session = _need(request, sdb, FLEET_ROLES)
    if not isinstance(session, C.Session):
        return session
    laptop = _laptop(sdb, session, device_id[:64])
    if laptop is None:
        return page("message.html", 404, session, title="找不到终端", text="找不到该终端，或它不在您的管辖范围内。",
                    back="/console/fleet")
    return page("fleet_revoke.html", session=session, title="吊销终端", active="fleet", d=laptop,
                org_name=_org_name(sdb, session.user.org_id))


@router.post("/fleet/{device_id}/revoke")
async def revoke(device_id: str, request: Request, sdb: ServerDBDep):
    form = await _form(request)
    session = _need(request, sdb, FLEET_ROLES)
    if not isinstance(session, C.Session):
        return session
    if not C.csrf_ok(session, form.get("csrf")):
        return page("message.html", 403, session, title="请求无效", text=CSRF_FAILED, back="/console/fleet")
    if form.get("confirm") != "yes":
        return _redirect(f"/console/fleet/{device_id[:64]}/revoke")
    try:
        with sdb.write() as conn:
            A.revoke_device(conn, device_id[:64], session.user)
    except E.NotFound:
        return page("message.html", 404, session, title="找不到终端", text="找不到该终端，或它不在您的管辖范围内。",
                    back="/console/fleet")
    return _redirect("/console/fleet?" + urlencode({"revoked": device_id[:64]}))
