"""Who may do what: the one permission table.

The app asks it which actions to offer, ``ops/`` asks it to refuse early with a clear message,
and the server asks it to refuse for real (a laptop can be scripted; ARCHITECTURE.md §5).

Three kinds of rule, all by role:
- table × operation (× field): which synced rows a role may insert, update, delete or append, and
  which fields of them it may never write;
- issue-event action: which steps of the 吹哨报到 loop a role may take;
- named actions that are not one table write (reveal full numbers, manage laptop users, import a
  ledger, settle the sync review queue).

A role not in the table may do nothing.
"""
from __future__ import annotations

from typing import Iterable

from .errors import GridworkerError
from .issues import ACTIONS as ISSUE_ACTION_LABELS
from .issues import TRANSITIONS

ADMIN = "admin"
GRID_WORKER = "grid_worker"
PARTY_MEMBER = "party_member"
LAPTOP_ROLES = (ADMIN, GRID_WORKER, PARTY_MEMBER)
# The city side (ARCHITECTURE.md §6): always online, in the server's web console, never on a laptop.
STREET = "street"
DISTRICT = "district"
CITY = "city"
DEPARTMENT = "department"
LEVEL_ROLES = (STREET, DISTRICT, CITY)          # their scope is their org unit's subtree
CONSOLE_ROLES = (*LEVEL_ROLES, DEPARTMENT)
ROLE_LABELS = {ADMIN: "社区管理员", GRID_WORKER: "网格员", PARTY_MEMBER: "联户党员",
               STREET: "街道", DISTRICT: "区", CITY: "市", DEPARTMENT: "职能部门"}
# The issue level a level role acts at (a department acts at its org unit's level).
ROLE_LEVEL = {STREET: "street", DISTRICT: "district", CITY: "city"}
# Departments a case may be dispatched to, per level (the server keeps its own editable list;
# these seed it).
DEFAULT_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "street": ("街道城管中队", "街道综合执法局", "街道社会事业局", "街道安监办", "市场监管所", "派出所"),
    "district": ("区城市管理局", "区市场监督管理局", "区住房和城乡建设局", "区生态环境局", "区公安分局"),
    "city": ("市城市管理局", "市市场监督管理局", "市住房和城乡建设局", "市水务集团", "市公安局"),
}

MUTABLE_OPS = frozenset({"insert", "update", "delete", "undelete"})
APPEND = frozenset({"append"})
OP_LABELS = {"insert": "新增", "update": "修改", "delete": "删除", "undelete": "恢复", "append": "登记"}

_MUTABLE_TABLES = ("building", "household", "resident", "party_member", "contact_link", "ballot",
                   "ballot_option", "issue", "meeting", "service_team", "service_need", "service_record")
_APPEND_TABLES = ("visit", "vote", "issue_event", "meeting_item", "points_ledger", "audit_log")

TABLE_LABELS = {"org_unit": "组织架构", "building": "楼栋", "household": "住户", "resident": "居民",
                "party_member": "党员", "contact_link": "联户关系", "ballot": "表决", "ballot_option": "表决选项",
                "issue": "吹哨事项", "visit": "走访", "vote": "投票", "issue_event": "事项处理",
                "points_ledger": "积分", "audit_log": "审计日志", "meeting": "议事会议", "meeting_item": "议事决定",
                "service_team": "红领服务队", "service_need": "服务需求", "service_record": "服务记录"}

# role -> table -> operations it may do on that table.
TABLE_OPS: dict[str, dict[str, frozenset[str]]] = {
    ADMIN: {"org_unit": MUTABLE_OPS, **{t: MUTABLE_OPS for t in _MUTABLE_TABLES},
            **{t: APPEND for t in _APPEND_TABLES}},
    GRID_WORKER: {**{t: MUTABLE_OPS for t in _MUTABLE_TABLES}, **{t: APPEND for t in _APPEND_TABLES}},
    # 联户党员: log visits to their households, report cases and comment, vote on paper, be audited.
    # 三报到三服务: record their own service (waiting for approval) and claim a listed need.
    PARTY_MEMBER: {"visit": APPEND, "issue": frozenset({"insert"}), "issue_event": APPEND,
                   "vote": APPEND, "audit_log": APPEND, "service_record": frozenset({"insert"}),
                   "service_need": frozenset({"update"})},
}

# (role, table) -> fields that role may never write, whatever the operation.
# A visit that voids another is a correction: the grid worker's or the admin's to make.
# Approving service hours is the secretary's or the admin's (the action service.approve); a party
# member claims a need and changes nothing else of it.
_APPROVAL_FIELDS = frozenset({"approval", "approved_by", "approved_at"})
_NEED_CLAIM_FIELDS = frozenset({"status", "claimed_member_id", "claimed_at"})
DENIED_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    (PARTY_MEMBER, "visit"): frozenset({"voids_id"}),
    (GRID_WORKER, "service_record"): _APPROVAL_FIELDS,
    (PARTY_MEMBER, "service_record"): _APPROVAL_FIELDS,
    (PARTY_MEMBER, "service_need"): frozenset(
        {"title", "detail", "source", "place", "starts_at", "people_wanted", "skills", "household_id",
         "visit_id", "claimed_team_id"}),
}

# role -> issue-event actions it may append (the store's state machine still decides when).
_HANDLING = frozenset(TRANSITIONS)
# A level (street / district / city) takes over what was escalated to it: accepts, analyses,
# dispatches to a department, rules on extensions, supervises, sends back, escalates, closes. A
# department works what was dispatched to it. Which case is theirs is the scope's business
# (server/console_access.py: the org subtree, the case's level, the department).
_LEVEL_HANDLING = frozenset({"accept", "decline", "analyse", "dispatch", "grant_extension", "refuse_extension",
                             "supervise", "send_back", "escalate", "close", "comment"})
ISSUE_ACTIONS: dict[str, frozenset[str]] = {
    ADMIN: _HANDLING,
    GRID_WORKER: _HANDLING,
    PARTY_MEMBER: frozenset({"report", "comment"}),
    STREET: _LEVEL_HANDLING,
    DISTRICT: _LEVEL_HANDLING,
    CITY: _LEVEL_HANDLING - {"escalate"},           # the city is the last level
    DEPARTMENT: frozenset({"start_handling", "request_extension", "feedback", "comment"}),
}

# role -> points-ledger entry kinds it may append (approval of service hours is the secretary's).
POINTS_KINDS: dict[str, frozenset[str]] = {
    ADMIN: frozenset({"earn", "redeem", "expire"}),
    GRID_WORKER: frozenset({"redeem"}),
    PARTY_MEMBER: frozenset(),
}

# Named actions -> the roles that may take them.
ACTIONS: dict[str, frozenset[str]] = {
    "personal.reveal": frozenset({ADMIN, GRID_WORKER}),    # full phone / ID numbers, audited
    "sensitive.see": frozenset({ADMIN, GRID_WORKER}),      # special-management tags
    "users.manage": frozenset({ADMIN}),                    # add / remove laptop users, offline days
    "ledger.import": frozenset({ADMIN, GRID_WORKER}),
    "ledger.export": frozenset({ADMIN, GRID_WORKER}),
    "review.settle": frozenset({ADMIN, GRID_WORKER}),      # conflicts, rejections, duplicate votes
    "ballot.manage": frozenset({ADMIN, GRID_WORKER}),      # create, close, settle a ballot
    "household.move": frozenset({ADMIN, GRID_WORKER}),
    "party.manage": frozenset({ADMIN, GRID_WORKER}),       # 党员名册: add, edit, 中心户, leaving
    "party.branch": frozenset({ADMIN}),                    # 网格党支部 (an org unit) and its secretary
    "community.settings": frozenset({ADMIN}),              # 社区设置: holidays, visit intervals, time limits
    "service.approve": frozenset({ADMIN}),                 # 审核服务时长 (the branch secretary's account)
    "service.manage": frozenset({ADMIN, GRID_WORKER}),     # 需求清单, 红领服务队, sign-in sheets
    "sync.run": frozenset({ADMIN, GRID_WORKER, PARTY_MEMBER}),
}
ACTION_LABELS = {"personal.reveal": "查看完整号码", "sensitive.see": "查看特殊人群标签",
                 "users.manage": "管理本机用户", "ledger.import": "导入台账", "ledger.export": "导出台账",
                 "review.settle": "处理同步冲突", "ballot.manage": "发起和管理表决",
                 "household.move": "迁移住户", "sync.run": "同步",
                 "party.manage": "管理党员名册", "party.branch": "设立网格党支部",
                 "community.settings": "修改社区设置", "service.approve": "审核服务时长",
                 "service.manage": "管理服务需求和服务队"}


class PermissionDenied(GridworkerError):
    """The actor's role may not do this. ``message`` says what, in Chinese; ``code`` is ``forbidden``."""

    code = "forbidden"

    def __init__(self, message: str, *, role: str | None = None, what: str | None = None):
        self.message = message
        self.role = role
        self.what = what
        super().__init__(message)


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "未登录")


# --------------------------------------------------------------------------- questions
def may_write(role: str | None, table: str, op: str, fields: Iterable[str] = ()) -> bool:
    """Whether ``role`` may do ``op`` on ``table`` touching ``fields``."""
    if op not in TABLE_OPS.get(role or "", {}).get(table, frozenset()):
        return False
    return not (DENIED_FIELDS.get((role or "", table), frozenset()) & set(fields))


def may_issue_action(role: str | None, action: str) -> bool:
    return action in ISSUE_ACTIONS.get(role or "", frozenset())


def may_points(role: str | None, kind: str) -> bool:
    return kind in POINTS_KINDS.get(role or "", frozenset())


def may(role: str | None, action: str) -> bool:
    """Whether ``role`` may take the named ``action`` (a key of :data:`ACTIONS`)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return (role or "") in ACTIONS[action]


# --------------------------------------------------------------------------- refusals
def check_write(role: str | None, table: str, op: str, fields: Iterable[str] = ()) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` may do ``op`` on ``table`` with ``fields``."""
    fields = set(fields)
    if op not in TABLE_OPS.get(role or "", {}).get(table, frozenset()):
        raise PermissionDenied(f"{role_label(role)}账号不能{OP_LABELS.get(op, op)}{TABLE_LABELS.get(table, table)}",
                               role=role, what=f"{table}.{op}")
    denied = DENIED_FIELDS.get((role or "", table), frozenset()) & fields
    if denied:
        raise PermissionDenied(f"{role_label(role)}账号不能填写{TABLE_LABELS.get(table, table)}的“{sorted(denied)[0]}”",
                               role=role, what=f"{table}.{sorted(denied)[0]}")


def check_issue_action(role: str | None, action: str) -> None:
    if not may_issue_action(role, action):
        label = ISSUE_ACTION_LABELS.get(action, action)
        raise PermissionDenied(f"{role_label(role)}账号不能对事项执行“{label}”", role=role, what=f"issue.{action}")


def console_issue_actions(role: str | None) -> list[str]:
    """The issue actions a console role may take, in the loop's order."""
    allowed = ISSUE_ACTIONS.get(role or "", frozenset())
    return [a for a in ISSUE_ACTION_LABELS if a in allowed]


def check_points(role: str | None, kind: str) -> None:
    if not may_points(role, kind):
        raise PermissionDenied(f"{role_label(role)}账号不能登记积分（{kind}）", role=role, what=f"points.{kind}")


def check(role: str | None, action: str) -> None:
    if not may(role, action):
        raise PermissionDenied(f"{role_label(role)}账号不能{ACTION_LABELS.get(action, action)}", role=role, what=action)


# --------------------------------------------------------------------------- the table, for people
def markdown_table() -> str:
    """The permission table as Markdown (docs/trust.md is generated from it)."""
    roles = LAPTOP_ROLES
    lines = ["| 能做什么 | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |",
             "| --- | " + " | ".join("---" for _ in roles) + " |"]
    tables = ["org_unit", *_MUTABLE_TABLES, *_APPEND_TABLES]
    for table in tables:
        cells = []
        for role in roles:
            ops = TABLE_OPS[role].get(table, frozenset())
            text = "、".join(OP_LABELS[o] for o in ("insert", "update", "delete", "undelete", "append") if o in ops)
            denied = DENIED_FIELDS.get((role, table))
            if text and denied:
                text += "（不含 " + "、".join(sorted(denied)) + "）"
            cells.append(text or "—")
        lines.append(f"| {TABLE_LABELS[table]} | " + " | ".join(cells) + " |")
    for action in ACTIONS:
        lines.append(f"| {ACTION_LABELS[action]} | " + " | ".join("✓" if r in ACTIONS[action] else "—" for r in roles) + " |")
    lines.append("| 事项处理步骤 | " + " | ".join(
        "全部" if ISSUE_ACTIONS[r] == _HANDLING else "、".join(sorted(ISSUE_ACTIONS[r])) for r in roles) + " |")
    lines.append("| 积分条目 | " + " | ".join("、".join(sorted(POINTS_KINDS[r])) or "—" for r in roles) + " |")
    return "\n".join(lines)


def console_markdown_table() -> str:
    """The city side's issue steps by console role (docs/trust.md is generated from it)."""
    roles = CONSOLE_ROLES
    lines = ["| 事项处理步骤 | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |",
             "| --- | " + " | ".join("---" for _ in roles) + " |"]
    for action, label in ISSUE_ACTION_LABELS.items():
        if any(action in ISSUE_ACTIONS[r] for r in roles):
            lines.append(f"| {label} | " + " | ".join("✓" if action in ISSUE_ACTIONS[r] else "—" for r in roles) + " |")
    return "\n".join(lines)
