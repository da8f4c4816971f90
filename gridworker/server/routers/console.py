"""The city console (#16): server-rendered pages under ``/console`` for street, district, city and
department staff, and for admins (console accounts, the departments per level).

Plain HTML forms, no script: sessions are a random cookie (only its hash is stored; Secure,
HttpOnly, SameSite=Strict, Path=/console), every POST carries the session's CSRF token (the login
form a pre-session one, double-submitted in its own cookie), logins are throttled by the same
guard as the sync API's. Cases are found and acted on through ``server/console.py`` (scope, level,
department) and written by ``push.append_server_event``, so each step is an ``issue_event`` the
community's laptops pull. A case outside the user's reach is answered 404 as if absent.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...domain import issues as rules
from ...domain import permissions as perm
from ...domain.codes import ISSUE_CATEGORIES, URGENCIES
from ...domain.masking import mask_name
from .. import auth as A
from .. import console as C
from .. import errors as E
from ..authorize import Rejected
from ..console_nav import home_for, links_for
from ..deps import ServerDBDep
from ..push import append_server_event

router = APIRouter(prefix="/console", include_in_schema=False)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "console"
STATIC = Path(__file__).resolve().parent.parent / "static"
LOGIN_COOKIE = "gw_console_login"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_env = None


def _templates():
    global _env
    if _env is None:
        import jinja2  # noqa: PLC0415

        _env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return _env


def _cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/console", secure=True, httponly=True, samesite="strict")


def page(name: str, status: int = 200, session: C.Session | None = None, **context: Any) -> HTMLResponse:
    ctx: dict[str, Any] = {"title": "", "error": None, "notice": None, "me": None, "nav": [], "active": ""}
    if session is not None:
        ctx.update(me=session.user, csrf=session.csrf, nav=links_for(session.user.role),
                   role_label=perm.role_label(session.user.role))
    ctx.update(context)
    html = _templates().get_template(name).render(**ctx)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers=SECURITY_HEADERS)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _session(request: Request, sdb) -> C.Session | None:
    with sdb.read() as conn:
        return C.session_of(conn, request.cookies.get(C.SESSION_COOKIE))


def _org_name(sdb, org_id: str) -> str:
    with sdb.read() as conn:
        unit = A.org_by_code_or_id(conn, org_id)
    return unit["name"] if unit else ""


# --------------------------------------------------------------------------- static, login, logout
@router.get("/static/console.css")
def css() -> Response:
    return Response((STATIC / "console.css").read_text("utf-8"), media_type="text/css",
                    headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


@router.get("")
@router.get("/")
def home(request: Request, sdb: ServerDBDep):
    session = _session(request, sdb)
    return _redirect(home_for(session.user.role) if session else "/console/login")


@router.get("/login")
def login_form(request: Request, sdb: ServerDBDep, error: str | None = None):
    token = secrets.token_urlsafe(24)
    host = (request.url.hostname or "").lower()
    if request.url.scheme != "https" and host not in ("127.0.0.1", "localhost", "::1"):
        # The session cookie is Secure: over plain HTTP (other than this machine) no browser keeps it.
        error = error or "请通过 HTTPS 地址访问城市管理平台：浏览器只在加密连接下保存登录状态（见 docs/tls.md）"
    response = page("login.html", title="登录", login_csrf=token, error=error)
    _cookie(response, LOGIN_COOKIE, token, 1800)
    return response


@router.post("/login")
async def login(request: Request, sdb: ServerDBDep):
    form = await _form(request)
    sent, kept = form.get("csrf") or "", request.cookies.get(LOGIN_COOKIE) or ""
    if not sent or not kept or not secrets.compare_digest(sent, kept):
        return page("message.html", 403, title="请求已过期", text="登录页面已过期，请重新打开登录页面。", back="/console/login")
    username, password = (form.get("username") or "").strip(), form.get("password") or ""
    address = request.client.host if request.client else "?"
    try:
        with sdb.write() as conn:
            user = A.login(conn, username[:64], password, address, A.guard_for(sdb))
    except E.ServerError as exc:
        status = 429 if isinstance(exc, E.Throttled) else 401
        token = secrets.token_urlsafe(24)
        response = page("login.html", status, title="登录", login_csrf=token, error=exc.message)
        _cookie(response, LOGIN_COOKIE, token, 1800)
        return response
    if user.role not in perm.CONSOLE_ROLES and user.role != perm.ADMIN:
        token = secrets.token_urlsafe(24)
        response = page("login.html", 403, title="登录", login_csrf=token,
                        error="该账号用于社区电脑，不能登录城市管理平台")
        _cookie(response, LOGIN_COOKIE, token, 1800)
        return response
    with sdb.write() as conn:
        token, _csrf = C.open_session(conn, user, address)
        C.record_view(conn, user, "login")
    response = _redirect(home_for(user.role))
    _cookie(response, C.SESSION_COOKIE, token, C.SESSION_SECONDS)
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


@router.post("/logout")
async def logout(request: Request, sdb: ServerDBDep):
    form = await _form(request)
    session = _session(request, sdb)
    if session is not None and C.csrf_ok(session, form.get("csrf")):
        with sdb.write() as conn:
            C.close_session(conn, request.cookies.get(C.SESSION_COOKIE))
    response = _redirect("/console/login")
    response.delete_cookie(C.SESSION_COOKIE, path="/console")
    return response


def _need(request: Request, sdb, roles) -> C.Session | Response:
    session = _session(request, sdb)
    if session is None:
        return _redirect("/console/login")
    if session.user.role not in roles:
        return page("message.html", 403, session, title="无权访问", text="您的账号不能打开此页面。",
                    back=home_for(session.user.role))
    return session


async def _posted(request: Request, sdb, roles) -> tuple[C.Session | Response, dict[str, str]]:
    form = await _form(request)
    session = _need(request, sdb, roles)
    if isinstance(session, C.Session) and not C.csrf_ok(session, form.get("csrf")):
        return page("message.html", 403, session, title="请求无效", text="页面已过期或请求来源不明（CSRF 校验失败），请刷新后重试。",
                    back=home_for(session.user.role)), form
    return session, form


# --------------------------------------------------------------------------- the queue
@router.get("/queue")
def queue(request: Request, sdb: ServerDBDep, status: str = "", community: str = "", category: str = "",
          overdue: str = "", scope: str = "mine"):
    session = _need(request, sdb, perm.CONSOLE_ROLES)
    if not isinstance(session, C.Session):
        return session
    scope = "all" if scope == "all" else "mine"
    with sdb.write() as conn:
        found = C.queue(conn, session.user, status=status or None, community=community or None,
                        category=category or None, overdue=overdue == "1", scope=scope)
        C.record_view(conn, session.user, "queue", filters={"status": status, "community": community,
                                                           "category": category, "overdue": overdue, "scope": scope},
                      issues=[r["id"] for r in found["rows"]][:200])
    title = "全部事项" if scope == "all" else ("派给本部门的事项" if session.user.role == perm.DEPARTMENT else "待办事项")
    return page("queue.html", session=session, title=title, active="all" if scope == "all" else "queue",
                rows=found["rows"], communities=found["communities"], org_name=_org_name(sdb, session.user.org_id),
                statuses=[(c, l) for c, l in rules.STATUSES.items() if c != "new"],
                categories=list(ISSUE_CATEGORIES.items()),
                f={"status": status, "community": community, "category": category, "overdue": overdue == "1",
                   "scope": scope})


# --------------------------------------------------------------------------- one case
def _case_page(sdb, session: C.Session, issue_id: str, *, status: int = 200, error: str | None = None,
               notice: str | None = None) -> HTMLResponse:
    try:
        with sdb.write() as conn:
            case = C.load_case(conn, session.user, issue_id)
            level = C.user_level(conn, session.user)
            departments = C.departments(conn, level) if "dispatch" in case.offered else []
            C.record_view(conn, session.user, "case", community_id=case.summary["community_id"], issue=issue_id)
    except E.NotFound:
        return page("message.html", 404, session, title="找不到事项", text="找不到该事项，或它不在您的管辖范围内。",
                    back=home_for(session.user.role))
    s = case.summary
    next_level = ""
    if s["state"].level in C.LEVELS and s["state"].level != C.LEVELS[-1]:
        next_level = C.LEVEL_LABELS[C.LEVELS[C.LEVELS.index(s["state"].level) + 1]]
    return page("case.html", status, session, title=s["title"], case=case, error=error, notice=notice,
                active="queue", org_name=_org_name(sdb, session.user.org_id),
                labels=dict(rules.ACTIONS), departments=departments, next_level=next_level,
                categories=list(ISSUE_CATEGORIES.items()), urgencies=list(URGENCIES.items()),
                reporter=mask_name(s.get("reporter_name")) if s.get("reporter_name") else "—")


@router.get("/cases/{issue_id}")
def case(issue_id: str, request: Request, sdb: ServerDBDep, done: str = ""):
    session = _need(request, sdb, perm.CONSOLE_ROLES)
    if not isinstance(session, C.Session):
        return session
    notice = f"已{rules.ACTIONS[done]}" if done in rules.ACTIONS else None
    return _case_page(sdb, session, issue_id[:64], notice=notice)


@router.post("/cases/{issue_id}/act")
async def act(issue_id: str, request: Request, sdb: ServerDBDep):
    session, form = await _posted(request, sdb, perm.CONSOLE_ROLES)
    if not isinstance(session, C.Session):
        return session
    user = session.user
    action = form.get("action") or ""
    try:
        with sdb.write() as conn:
            # Out of reach (another street's case, another department's) is absent, as on the page.
            C.load_case(conn, user, issue_id)
            level = C.user_level(conn, user)
            payload, cols = C.build_payload(user, level, action, form)
            if action == "dispatch":
                names = {d["name"] for d in C.departments(conn, level)}
                if cols["department"] not in names:
                    raise Rejected("invalid", "承办部门须从本级部门名录中选择")
            append_server_event(conn, user, issue_id, action, payload,
                                actor_name=(user.department or user.display_name or user.username)[:50],
                                check=C.check_can_act(conn, user, issue_id), **cols)
    except E.NotFound:
        return page("message.html", 404, session, title="找不到事项", text="找不到该事项，或它不在您的管辖范围内。",
                    back=home_for(user.role))
    except Rejected as rej:
        status = 403 if rej.code == "forbidden" else 409
        return _case_page(sdb, session, issue_id, status=status, error=rej.reason)
    return _redirect(f"/console/cases/{issue_id}?" + urlencode({"done": action}))


# --------------------------------------------------------------------------- admins: accounts, departments
@router.get("/admin/users")
def users_page(request: Request, sdb: ServerDBDep, error: str | None = None, notice: str | None = None):
    session = _need(request, sdb, {perm.ADMIN})
    if not isinstance(session, C.Session):
        return session
    with sdb.write() as conn:
        found = C.console_users(conn, session.user)
        C.record_view(conn, session.user, "console_users")
    return page("users.html", session=session, title="平台账号", active="users", users=found, error=error,
                notice=notice, roles=perm.CONSOLE_ROLES, role_labels=perm.ROLE_LABELS,
                org_name=_org_name(sdb, session.user.org_id))


@router.post("/admin/users")
async def users_create(request: Request, sdb: ServerDBDep):
    session, form = await _posted(request, sdb, {perm.ADMIN})
    if not isinstance(session, C.Session):
        return session
    username = (form.get("username") or "").strip()
    try:
        A.require_strong_password(form.get("password") or "", username)
        with sdb.write() as conn:
            unit = A.org_by_code_or_id(conn, (form.get("org") or "").strip())
            if unit is None or not A.in_scope(conn, session.user, unit["id"]):
                raise E.NotFound("找不到该组织单位或不在您的管辖范围内", code="org_not_found")
            A.add_user(conn, username, form.get("password") or "", form.get("role") or "", unit["id"],
                       (form.get("display_name") or "").strip() or None,
                       department=(form.get("department") or "").strip() or None, roles=A.CONSOLE_ROLES)
    except E.ServerError as exc:
        return users_page(request, sdb, error=exc.message)
    return users_page(request, sdb, notice=f"已创建账号 {username}")


@router.post("/admin/users/{username}/{what}")
async def users_change(username: str, what: str, request: Request, sdb: ServerDBDep):
    session, form = await _posted(request, sdb, {perm.ADMIN})
    if not isinstance(session, C.Session):
        return session
    try:
        with sdb.write() as conn:
            if what in ("disable", "enable"):
                C.set_active(conn, session.user, username, what == "enable")
                notice = f"已{'启用' if what == 'enable' else '停用'} {username}"
            elif what == "reset":
                C.reset_password(conn, session.user, username, form.get("password") or "")
                notice = f"已重置 {username} 的密码"
            else:
                raise E.NotFound("未知操作")
    except E.ServerError as exc:
        return users_page(request, sdb, error=exc.message)
    return users_page(request, sdb, notice=notice)


@router.get("/admin/departments")
def departments_page(request: Request, sdb: ServerDBDep, error: str | None = None, notice: str | None = None):
    session = _need(request, sdb, {perm.ADMIN})
    if not isinstance(session, C.Session):
        return session
    with sdb.read() as conn:
        found = C.departments(conn)
    return page("departments.html", session=session, title="部门名录", active="departments", departments=found,
                level_labels=C.LEVEL_LABELS, error=error, notice=notice, org_name=_org_name(sdb, session.user.org_id))


@router.post("/admin/departments")
async def departments_add(request: Request, sdb: ServerDBDep):
    session, form = await _posted(request, sdb, {perm.ADMIN})
    if not isinstance(session, C.Session):
        return session
    try:
        with sdb.write() as conn:
            unit = A.org_by_code_or_id(conn, session.user.org_id)
            if unit is None or unit["parent_id"]:
                # The list serves every street, district and city: the top unit's admin keeps it.
                raise E.Forbidden("只有最上级单位的管理员可以修改部门名录")
            d = C.add_department(conn, form.get("level") or "", form.get("name") or "")
    except E.ServerError as exc:
        return departments_page(request, sdb, error=exc.message)
    return departments_page(request, sdb, notice=f"已添加 {d['name']}")
