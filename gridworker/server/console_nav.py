"""The console's navigation, in one place: each page adds its link here (label, path, roles that see
it). The base template draws whatever this list holds for the logged-in role; 考核评价 / 热线工单 /
终端 are served by ``routers/console_city.py``."""
from __future__ import annotations

from ..domain import permissions as perm

CASE_ROLES = frozenset(perm.CONSOLE_ROLES)
ADMIN_ROLES = frozenset({perm.ADMIN})
ASSESS_ROLES = frozenset({*perm.CONSOLE_ROLES, perm.ADMIN})   # a department: its own line
HOTLINE_ROLES = frozenset({*perm.LEVEL_ROLES, perm.ADMIN})

# (key, label, path, roles)
NAV: list[tuple[str, str, str, frozenset[str]]] = [
    ("queue", "待办事项", "/console/queue", CASE_ROLES),
    ("all", "全部事项", "/console/queue?scope=all", CASE_ROLES),
    ("users", "平台账号", "/console/admin/users", ADMIN_ROLES),
    ("departments", "部门名录", "/console/admin/departments", ADMIN_ROLES),
    ("assessment", "考核评价", "/console/assessment", ASSESS_ROLES),
    ("hotline", "热线工单", "/console/hotline", HOTLINE_ROLES),
    ("fleet", "终端", "/console/fleet", ADMIN_ROLES),
]


def links_for(role: str) -> list[tuple[str, str, str]]:
    return [(key, label, path) for key, label, path, roles in NAV if role in roles]


def home_for(role: str) -> str:
    links = links_for(role)
    return links[0][2] if links else "/console/login"
