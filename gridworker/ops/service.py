"""三报到三服务: needs and claims, service records, approval into points, redemption, 红领 teams and
the 星级文明户 selection. Each operation is one unit of work (it syncs like every other change)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..domain import permissions as perm
from ..domain import points as P
from ..domain import service as rules
from ..domain.clock import now_iso
from ..domain.errors import RuleViolation, ValidationError
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit


def _own_member(actor: Actor, member_id: str | None) -> str:
    """The member a record or claim is for: a party member's own row, whatever was asked."""
    if require_role(actor) == perm.PARTY_MEMBER:
        if not actor.member_id:
            raise perm.PermissionDenied("本账号没有关联党员名册，请社区管理员先在党员名册中关联")
        if member_id not in (None, "", actor.member_id):
            raise perm.PermissionDenied("联户党员只能登记本人的服务")
        return actor.member_id
    if not member_id:
        raise ValidationError("member_id", member_id, "required", "请选择党员")
    return member_id


# --------------------------------------------------------------------------- needs
@operation("service.need.add")
def add_need(db: Database, actor: Actor, *, title: str, detail: str | None = None, source: str = "community",
             place: str | None = None, starts_at: str | None = None, people_wanted: int | None = None,
             skills: str | None = None, household_id: str | None = None, visit_id: str | None = None) -> Done:
    """列入需求清单: a service the community needs (from a visit, a resident, a key group); members and
    teams claim it."""
    role = require_role(actor)
    perm.check(role, "service.manage")
    perm.check_write(role, "service_need", "insert")
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = uow.insert("service_need", {
            "title": title, "detail": detail, "source": source, "place": place, "starts_at": starts_at,
            "people_wanted": people_wanted, "skills": skills, "household_id": household_id, "visit_id": visit_id,
            "status": "open"})
    return done


@operation("service.need.claim")
def claim_need(db: Database, actor: Actor, *, need_id: str, member_id: str | None = None,
               team_id: str | None = None) -> Done:
    """认领: a member (a party member claims in their own name) or a team takes on a listed need."""
    role = require_role(actor)
    values: dict[str, Any] = {"status": "claimed", "claimed_at": now_iso()}
    if role == perm.PARTY_MEMBER or not team_id:
        values["claimed_member_id"] = _own_member(actor, member_id)
    if team_id and role != perm.PARTY_MEMBER:
        values["claimed_team_id"] = team_id
    perm.check_write(role, "service_need", "update", values)
    done = Done(id=need_id)
    with unit(db, actor, done) as uow:
        need = uow.require("service_need", need_id, "need_id")
        if need["status"] in ("done", "cancelled"):
            raise RuleViolation("need_closed", f"这项需求{rules.NEED_STATUSES[need['status']]}，不能再认领")
        uow.update("service_need", need_id, values)
    return done


@operation("service.need.close")
def close_need(db: Database, actor: Actor, *, need_id: str, status: str = "done") -> Done:
    """完成 / 取消 a need (status done or cancelled)."""
    role = require_role(actor)
    perm.check(role, "service.manage")
    if status not in ("done", "cancelled", "open"):
        raise ValidationError("status", status, "bad_choice", "可选：done（已完成）、cancelled（已取消）、open（重新开放）")
    perm.check_write(role, "service_need", "update", {"status"})
    done = Done(id=need_id)
    with unit(db, actor, done) as uow:
        uow.require("service_need", need_id, "need_id")
        uow.update("service_need", need_id, {"status": status})
    return done


# --------------------------------------------------------------------------- teams
@operation("service.team.save")
def save_team(db: Database, actor: Actor, *, name: str, team_id: str | None = None,
              leader_member_id: str | None = None, members: Any = None, households: Any = None,
              focus: str | None = None, note: str | None = None) -> Done:
    """红领服务队: create (no team_id) or change a team, its members and the households it serves."""
    role = require_role(actor)
    perm.check(role, "service.manage")
    values = {"name": name, "leader_member_id": leader_member_id, "focus": focus, "note": note}
    if members is not None:
        values["members"] = members if isinstance(members, str) else json.dumps(list(members))
    if households is not None:
        values["households"] = households if isinstance(households, str) else json.dumps(list(households))
    perm.check_write(role, "service_team", "update" if team_id else "insert")
    done = Done()
    with unit(db, actor, done) as uow:
        if team_id:
            uow.require("service_team", team_id, "team_id")
            uow.update("service_team", team_id, values)
            done.id = team_id
        else:
            done.id = uow.insert("service_team", values)
    return done


# --------------------------------------------------------------------------- records
@operation("service.record")
def record(db: Database, actor: Actor, *, hours: str = "0", served_on: str | None = None,
           member_id: str | None = None, kind: str = "service", activity: str | None = None,
           team_id: str | None = None, need_id: str | None = None, households_served: int | None = None,
           note: str | None = None, entered_from: str | None = None) -> Done:
    """登记服务 / 报到: a member's service (date, hours, households served, team, need, note), waiting for
    approval. A party member records their own; the grid worker enters anyone's from a sign-in sheet."""
    role = require_role(actor)
    perm.check_write(role, "service_record", "insert")
    member = _own_member(actor, member_id)
    day, h = rules.check_record(kind, served_on or dt.date.today().isoformat(), hours,
                                today=dt.date.today())
    done = Done()
    with unit(db, actor, done) as uow:
        uow.require("party_member", member, "member_id")
        done.id = uow.insert("service_record", {
            "member_id": member, "kind": kind, "served_on": day, "hours": str(h), "activity": activity,
            "team_id": team_id, "need_id": need_id, "households_served": households_served, "note": note,
            "entered_from": entered_from or ("self" if role == perm.PARTY_MEMBER else "sheet")})
    return done


def approve_in(uow: Any, actor: Actor, record_id: str) -> str | None:
    """Approve one record inside ``uow``: its approval fields, and its ``earn`` entry (the same id on
    every laptop, so two approvals earn once). Returns the earn entry's id, or None (a 报到)."""
    rec = uow.require("service_record", record_id, "record_id")
    rules.check_approve(rec)
    uow.update("service_record", record_id, {"approval": "approved", "approved_by": actor.name,
                                             "approved_at": now_iso()})
    points = rules.points_for(rec)
    if points <= 0:
        return None
    eid = rules.earn_id(record_id)
    if uow.query("SELECT 1 FROM points_ledger WHERE id = ?", (eid,)):
        return eid  # another laptop's approval of it already arrived
    activity = rec.get("activity") or f"{rec['served_on']} 志愿服务"
    return uow.append("points_ledger", {"member_id": rec["member_id"], "kind": "earn", "hours": rec["hours"],
                                        "points": str(points), "activity": activity[:200], "approver": actor.name,
                                        "at": now_iso(), "record_id": record_id}, row_id=eid)


@operation("service.approve")
def approve(db: Database, actor: Actor, *, record_ids: str) -> Done:
    """审核通过: approve service records (one id, ids separated by commas, or a JSON list); each earns
    its points once."""
    role = require_role(actor)
    perm.check(role, "service.approve")
    perm.check_write(role, "service_record", "update", {"approval", "approved_by", "approved_at"})
    perm.check_points(role, "earn")
    if isinstance(record_ids, str):
        text = record_ids.strip()
        ids = json.loads(text) if text.startswith("[") else [x.strip() for x in text.split(",") if x.strip()]
    else:
        ids = list(record_ids or [])
    if not ids:
        raise ValidationError("record_ids", record_ids, "required", "请选择要审核的服务记录")
    done = Done()
    with unit(db, actor, done) as uow:
        for rid in ids:
            approve_in(uow, actor, rid)
    done.id = ids[0]
    return done


@operation("service.reject")
def reject(db: Database, actor: Actor, *, record_id: str, reason: str) -> Done:
    """审核不通过, with the reason the member sees."""
    role = require_role(actor)
    perm.check(role, "service.approve")
    if not (reason or "").strip():
        raise ValidationError("reason", reason, "required", "请写明不通过的原因")
    done = Done(id=record_id)
    with unit(db, actor, done) as uow:
        rec = uow.require("service_record", record_id, "record_id")
        rules.check_approve(rec)
        note = (rec.get("note") + "\n" if rec.get("note") else "") + f"审核不通过：{reason.strip()}"
        uow.update("service_record", record_id, {"approval": "rejected", "approved_by": actor.name,
                                                 "approved_at": now_iso(), "note": note})
    return done


# --------------------------------------------------------------------------- points
@operation("points.redeem")
def redeem(db: Database, actor: Actor, *, member_id: str, points: str, item: str) -> Done:
    """时间银行兑换: spend points on ``item``; refused when the balance is short."""
    role = require_role(actor)
    perm.check_points(role, "redeem")
    perm.check_write(role, "points_ledger", "append")
    if not (item or "").strip():
        raise ValidationError("item", item, "required", "请写明兑换的物品或服务")
    done = Done()
    with unit(db, actor, done) as uow:
        uow.require("party_member", member_id, "member_id")
        entries = uow.query("SELECT kind, points FROM points_ledger WHERE member_id = ?", (member_id,))
        left = P.check_redeem(entries, points)
        done.id = uow.append("points_ledger", {"member_id": member_id, "kind": "redeem",
                                               "points": str(P.to_decimal(points, "points")),
                                               "activity": f"兑换：{item.strip()}"[:200], "approver": actor.name,
                                               "at": now_iso()})
        done.value = str(left)
    return done


# --------------------------------------------------------------------------- 星级文明户
def _household_id(uow: Any, ref: str) -> str:
    """A nominee named by id or by its exact address."""
    ref = str(ref).strip()
    if uow.get("household", ref):
        return ref
    found = uow.query("SELECT id FROM household WHERE address = ? AND deleted = 0 LIMIT 1", (ref,))
    if not found:
        raise ValidationError("nominees", ref, "not_found", f"找不到住户：{ref}（请写完整地址）")
    return found[0]["id"]


@operation("civility.open")
def open_selection(db: Database, actor: Actor, *, year: int, nominees: Any, rule: str = "residents_meeting",
                   scope_kind: str = "community", scope_ref: str | None = None) -> Done:
    """星级文明户评选: a ballot whose options are the nominated households (ids or exact addresses, a JSON
    list or one per line); each household votes for one."""
    role = require_role(actor)
    perm.check(role, "ballot.manage")
    perm.check_write(role, "ballot", "insert")
    ids = json.loads(nominees) if isinstance(nominees, str) and nominees.strip().startswith("[") else \
        [x for x in (nominees.splitlines() if isinstance(nominees, str) else list(nominees or [])) if str(x).strip()]
    if len(ids) < 1:
        raise ValidationError("nominees", nominees, "required", "请至少提名一户")
    done = Done()
    with unit(db, actor, done) as uow:
        ids = [_household_id(uow, x) for x in ids]
        bid = uow.insert("ballot", {"title": f"{int(year)}年度星级文明户评选", "scope_kind": scope_kind,
                                    "scope_ref": scope_ref, "rule": rule, "organiser_id": actor.user_id,
                                    "description": "每户投票给一户被提名的家庭；得票最多的若干户评为星级文明户",
                                    "opens_at": now_iso()})
        for pos, hid in enumerate(ids):
            home = uow.require("household", hid, "nominees")
            label = f"{home['address']}（{home['head_name']}）" if home.get("head_name") else home["address"]
            uow.insert("ballot_option", {"ballot_id": bid, "label": label[:100], "meaning": "choice",
                                         "position": pos, "household_id": hid})
        done.id = bid
    return done


@operation("civility.apply")
def apply_selection(db: Database, actor: Actor, *, ballot_id: str, year: int, winners: int = 3,
                    stars: int = 5) -> Done:
    """写入评选结果: the ``winners`` nominees with the most votes (at least one) become 星级文明户 of
    ``year`` with ``stars`` stars, written to the household."""
    from ..store.queries_ballots import ballot_state  # noqa: PLC0415

    role = require_role(actor)
    perm.check(role, "ballot.manage")
    perm.check_write(role, "household", "update", {"civility_stars", "civility_year"})
    stars = rules.check_stars(stars)
    with db.read() as conn:
        state = ballot_state(conn, ballot_id)
    if state is None:
        raise ValidationError("ballot_id", ballot_id, "not_found", "找不到这次评选")
    if not state.ballot.get("closed_at"):
        raise RuleViolation("ballot_open", "评选投票尚未结束，请先结束投票再写入结果")
    counts = sorted(((r["count"], -r["option"]["position"], r["option"]) for r in state.choices or []
                     if r["option"].get("household_id") and r["count"] > 0), key=lambda x: x[:2], reverse=True)
    chosen = [o for _, _, o in counts[:max(1, int(winners))]]
    if not chosen:
        raise RuleViolation("no_votes", "没有被提名的住户得票，无法评出星级文明户")
    done = Done(id=ballot_id)
    with unit(db, actor, done) as uow:
        for o in chosen:
            uow.update("household", o["household_id"], {"civility_stars": stars, "civility_year": int(year)})
    done.value = [o["household_id"] for o in chosen]
    return done
