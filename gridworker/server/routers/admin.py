"""An administrator's endpoints: devices, users, moving a household, conflict records. Every object
is checked against the admin's org scope; anything outside it is answered 404, as if absent."""
from __future__ import annotations

from fastapi import APIRouter, Query
from sqlalchemy import text

from ...sync import wire
from .. import auth as A
from .. import errors as E
from ..deps import AdminDep, ServerDBDep
from ..fleet import DEFAULT_STALE_DAYS, fleet as fleet_of
from ..moves import move_household
from ..pull import conflict_record

router = APIRouter(prefix=wire.API, tags=["admin"])


@router.get("/admin/devices", response_model=list[wire.DeviceInfo])
def devices(auth: AdminDep, sdb: ServerDBDep):
    """Devices enrolled in communities of the admin's scope."""
    with sdb.read() as conn:
        return A.list_devices(conn, auth.user)


@router.get("/admin/fleet")
def fleet(auth: AdminDep, sdb: ServerDBDep,
          stale_days: float = Query(DEFAULT_STALE_DAYS, ge=0, le=3650)) -> dict:
    """The laptops of the admin's org subtree: community, users, last contact, what each reported on
    its last sync (app and schema version, unsent changes, checksum agreement, conflicts,
    rejections) and ``stale`` when silent more than ``stale_days`` days. Revoke: the route below."""
    with sdb.read() as conn:
        return {"stale_days": stale_days, "devices": fleet_of(conn, auth.user, stale_days=stale_days)}


@router.get("/admin/assessment")
def assessment(auth: AdminDep, sdb: ServerDBDep, period: str = Query(..., max_length=16),
               by: str = Query("community", pattern="^(community|grid|department|level)$")) -> dict:
    """考核评价 of the admin's org subtree for a period (2026-11, 2026-Q4, 2026), by community,
    grid, department or level; rates as decimals, 红绿 colours, the 黑榜."""
    from .. import assessment as AS  # noqa: PLC0415

    try:
        p = AS.parse_period(period)
    except ValueError as exc:
        raise E.InvalidRequest(str(exc)) from None
    with sdb.read() as conn:
        return AS.as_json(AS.assessment(conn, p, by=by, user=auth.user))


@router.post("/admin/devices/{device_id}/revoke")
def revoke(device_id: str, auth: AdminDep, sdb: ServerDBDep) -> dict:
    """Revoke a device: its next call gets 401; its unsent changes stay on the laptop."""
    with sdb.write() as conn:
        return A.revoke_device(conn, device_id, auth.user)


@router.post("/admin/devices/{device_id}/unrevoke")
def unrevoke(device_id: str, auth: AdminDep, sdb: ServerDBDep) -> dict:
    """Let a revoked device of the admin's scope enrol again (with a user's password; its old
    token stays void)."""
    with sdb.write() as conn:
        return A.unrevoke_device(conn, device_id, auth.user)


@router.post("/admin/users", response_model=wire.UserInfo)
def users(body: wire.NewUser, auth: AdminDep, sdb: ServerDBDep):
    """Create a user inside the admin's scope (the password must pass the password rule)."""
    A.require_strong_password(body.password, body.username)
    with sdb.write() as conn:
        unit = A.org_by_code_or_id(conn, body.org)
        if unit is None or not A.in_scope(conn, auth.user, unit["id"]):
            raise E.NotFound("找不到该组织单位或不在您的管辖范围内", code="org_not_found")
        return A.add_user(conn, body.username, body.password, body.role, unit["id"], body.display_name,
                          party_member_id=body.party_member_id).as_dict()


@router.post("/admin/move-household", response_model=wire.MoveResponse)
def move(body: wire.MoveRequest, auth: AdminDep, sdb: ServerDBDep):
    """Move a household and its residents to another community (both in the admin's scope)."""
    with sdb.write() as conn:
        return move_household(conn, body.household_id, body.to_community, auth.user, auth.device_id)


@router.get("/admin/conflicts", response_model=list[wire.ConflictRecord])
def conflicts(auth: AdminDep, sdb: ServerDBDep, community: str = Query(...), limit: int = Query(500, ge=1, le=5000)):
    """Conflict and flag records of one community in the admin's scope, newest first."""
    with sdb.read() as conn:
        unit = A.org_by_code_or_id(conn, community)
        if unit is None or not A.in_scope(conn, auth.user, unit["id"]):
            raise E.NotFound("找不到该社区或不在您的管辖范围内", code="community_not_found")
        found = conn.execute(text("SELECT * FROM sync_conflict WHERE community_id = :c ORDER BY seq DESC LIMIT :n"),
                             {"c": unit["id"], "n": limit}).mappings().all()
    return [conflict_record(r) for r in found]
