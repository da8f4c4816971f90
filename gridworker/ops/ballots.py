"""议事表决: create a ballot, cast or correct a paper vote, settle a duplicate vote, close the ballot.

The uow-level helpers (create_ballot, cast_vote, settle_duplicate, close_ballot) write inside a
caller's unit of work without a permission check (demo data and tests reuse them); the operations
below check the permission table first: creating, closing and settling are ``ballot.manage``
(grid workers and admins); anyone who may append a vote (a party member too) types paper votes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import permissions as perm
from ..domain.ballots import VOTE_CHOICES
from ..domain.clock import now
from ..domain.errors import RuleViolation, ValidationError
from ..store import local as qr
from ..store.database import Actor, Database, NotFoundError
from ..store.queries_ballots import SETTLE_ACTION, fold_votes
from .base import Done, operation, require_role, unit


def create_ballot(uow: Any, values: dict[str, Any], organiser_id: str | None = None) -> str:
    """Insert a ballot (open from now, or from ``values["opens_at"]``) and its 同意/反对/弃权 options;
    returns the ballot id."""
    bid = uow.insert("ballot", {"title": values.get("title"), "description": values.get("description"),
                                "scope_kind": values.get("scope_kind"), "scope_ref": values.get("scope_ref"),
                                "rule": values.get("rule"), "organiser_id": organiser_id,
                                "opens_at": values.get("opens_at") or now().isoformat(timespec="seconds")})
    labels = values.get("options") or {}
    for position, meaning in enumerate(VOTE_CHOICES):
        uow.insert("ballot_option", {"ballot_id": bid, "label": labels.get(meaning) or VOTE_CHOICES[meaning],
                                     "meaning": meaning, "position": position})
    return bid


def cast_vote(uow: Any, ballot_id: str, household_id: str, choice: str | None = None, *,
              option_id: str | None = None, voter_name: str | None = None) -> str | None:
    """Record a paper vote for ``option_id`` (or the option whose meaning is ``choice``: yes / no /
    abstain); a household that already voted gets a correction voiding its vote.

    Reads the current effective vote inside the transaction, so two quick key presses can never
    make a duplicate. Returns the new vote id, or None when the vote is unchanged.
    """
    if option_id is None:
        option = uow.query("SELECT id FROM ballot_option WHERE ballot_id = ? AND meaning = ? AND deleted = 0"
                           " ORDER BY position LIMIT 1", (ballot_id, choice))
        if not option:
            raise ValidationError("option_id", choice, "no_option", "这次表决没有该选项")
        option_id = option[0]["id"]
    current = counted_vote(uow, ballot_id, household_id)
    if current is not None and current["option_id"] == option_id:
        return None
    return uow.append("vote", {"ballot_id": ballot_id, "household_id": household_id, "option_id": option_id,
                               "voter_name": voter_name, "paper": True, "cast_at": now().isoformat(timespec="seconds"),
                               "voids_id": current["id"] if current else None})


def counted_vote(uow: Any, ballot_id: str, household_id: str) -> dict[str, Any] | None:
    """The household's vote that counts now (read inside ``uow``), or None if it has not voted."""
    rows = uow.query(
        "SELECT v.id, v.household_id, v.voids_id, v.option_id, o.meaning AS choice FROM vote v"
        " LEFT JOIN ballot_option o ON o.id = v.option_id WHERE v.ballot_id = ? AND v.household_id = ?"
        " ORDER BY v.server_seq IS NULL, v.server_seq, v.hlc", (ballot_id, household_id))
    multiple = any(r["choice"] == "choice" for r in rows) or bool(uow.query(
        "SELECT 1 FROM ballot_option WHERE ballot_id = ? AND meaning = 'choice' LIMIT 1", (ballot_id,)))
    return fold_votes(rows, multiple).effective.get(household_id)


def settle_duplicate(uow: Any, ballot_id: str, duplicate: dict[str, Any], counted: dict[str, Any] | None,
                     *, count_duplicate: bool) -> None:
    """Settle a duplicate vote: keep the counted one, or count the duplicate instead (a correction
    voiding the counted vote). Either way an audit entry marks the duplicate as settled."""
    if count_duplicate:
        uow.append("vote", {"ballot_id": ballot_id, "household_id": duplicate["household_id"],
                            "option_id": duplicate["option_id"], "voter_name": duplicate.get("voter_name"),
                            "paper": True, "cast_at": now().isoformat(timespec="seconds"),
                            "voids_id": counted["id"] if counted else None})
    uow.audit(SETTLE_ACTION, table="vote", row_id=duplicate["id"],
              detail={"ballot_id": ballot_id, "counted": "duplicate" if count_duplicate else "first"})
    # The sync flag, if the duplicate came with one, is settled too (a laptop-only table).
    qr.resolve_duplicate_vote_flag(uow.conn, duplicate["id"])


def close_ballot(uow: Any, ballot_id: str) -> None:
    """End the ballot: no more votes are accepted."""
    uow.update("ballot", ballot_id, {"closed_at": now().isoformat(timespec="seconds")})


# --------------------------------------------------------------------------- operations
def _open_ballot(uow: Any, ballot_id: str) -> dict[str, Any]:
    ballot = uow.get("ballot", ballot_id)
    if ballot is None:
        raise NotFoundError("找不到这项表决")
    return ballot


@operation("ballot.create")
def create(db: Database, actor: Actor, *, title: str, rule: str, scope_kind: str = "community",
           scope_ref: str | None = None, description: str | None = None, opens_at: str | None = None,
           options: dict | None = None) -> Done:
    """新建表决: a ballot (同意/反对/弃权; ``options`` relabels them by meaning) open from now or ``opens_at``."""
    role = require_role(actor)
    perm.check(role, "ballot.manage")
    perm.check_write(role, "ballot", "insert")
    if scope_kind != "community" and not scope_ref:
        raise ValidationError("scope_ref", scope_ref, "required", "请选择楼栋或小区")
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = create_ballot(uow, {"title": title, "description": description, "scope_kind": scope_kind,
                                      "scope_ref": scope_ref, "rule": rule, "opens_at": opens_at,
                                      "options": options}, actor.user_id)
    return done


@operation("ballot.vote")
def vote(db: Database, actor: Actor, *, ballot_id: str, household_id: str, choice: str | None = None,
         option_id: str | None = None) -> Done:
    """录入投票: a household's paper vote (choice yes / no / abstain, or option_id); a new one corrects the old."""
    role = require_role(actor)
    perm.check_write(role, "vote", "append")
    if option_id is None and choice not in VOTE_CHOICES:
        raise ValidationError("choice", choice, "bad_choice", "应为 yes（同意）、no（反对）、abstain（弃权）或给出 option_id")
    done = Done()
    with unit(db, actor, done) as uow:
        ballot = _open_ballot(uow, ballot_id)
        if ballot.get("closed_at"):
            raise RuleViolation("ballot_closed", "这项表决已经结束，不能再录入投票")
        if ballot.get("opens_at") and dt.datetime.fromisoformat(ballot["opens_at"]) > now():
            raise RuleViolation("ballot_not_open", "这项表决尚未开始，不能录入投票")
        if option_id is not None and not uow.query(
                "SELECT 1 FROM ballot_option WHERE id = ? AND ballot_id = ? AND deleted = 0", (option_id, ballot_id)):
            raise ValidationError("option_id", option_id, "no_option", "这次表决没有该选项")
        done.id = cast_vote(uow, ballot_id, household_id, choice, option_id=option_id)
    return done


@operation("ballot.clear_vote")
def clear_vote(db: Database, actor: Actor, *, ballot_id: str, household_id: str) -> Done:
    """作废一张投票: the household's counted paper vote is voided (a new record, nothing erased); the
    household may then vote again."""
    role = require_role(actor)
    perm.check_write(role, "vote", "append")
    done = Done()
    with unit(db, actor, done) as uow:
        ballot = _open_ballot(uow, ballot_id)
        if ballot.get("closed_at"):
            raise RuleViolation("ballot_closed", "这项表决已经结束，不能再作废投票")
        current = counted_vote(uow, ballot_id, household_id)
        if current is None:
            raise ValidationError("household_id", household_id, "no_vote", "这一户还没有投票，无需作废")
        done.id = uow.append("vote", {"ballot_id": ballot_id, "household_id": household_id, "option_id": None,
                                      "paper": True, "cast_at": now().isoformat(timespec="seconds"),
                                      "voids_id": current["id"]})
    return done


@operation("ballot.close")
def close(db: Database, actor: Actor, *, ballot_id: str) -> Done:
    """结束表决: no more votes are accepted."""
    role = require_role(actor)
    perm.check(role, "ballot.manage")
    perm.check_write(role, "ballot", "update", ["closed_at"])
    done = Done(id=ballot_id)
    with unit(db, actor, done) as uow:
        if _open_ballot(uow, ballot_id).get("closed_at"):
            raise RuleViolation("ballot_closed", "这项表决已经结束")
        close_ballot(uow, ballot_id)
    return done


@operation("ballot.settle")
def settle(db: Database, actor: Actor, *, ballot_id: str, vote_id: str, count_duplicate: bool = False) -> Done:
    """核定重复投票: keep the counted vote, or (count_duplicate=true) count the duplicate vote ``vote_id`` instead."""
    role = require_role(actor)
    perm.check(role, "ballot.manage")
    perm.check_write(role, "audit_log", "append")
    if count_duplicate:
        perm.check_write(role, "vote", "append")
    done = Done(id=vote_id)
    with unit(db, actor, done) as uow:
        ballot = _open_ballot(uow, ballot_id)
        duplicate = uow.get("vote", vote_id)
        if duplicate is None or duplicate["ballot_id"] != ballot_id:
            raise NotFoundError("这项表决没有这张投票")
        if count_duplicate and ballot.get("closed_at"):
            raise RuleViolation("ballot_closed", "这项表决已经结束，只能保留已计票")
        counted = counted_vote(uow, ballot_id, duplicate["household_id"])
        settle_duplicate(uow, ballot_id, duplicate, counted, count_duplicate=count_duplicate)
    return done


@operation("ballot.record_export")
def record_export(db: Database, actor: Actor, *, ballot_id: str, how: str = "pdf") -> Done:
    """记录导出表决结果: the result sheet (households and their heads) was printed or saved as PDF."""
    role = require_role(actor)
    perm.check_write(role, "audit_log", "append")
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = uow.audit("export", table="ballot", row_id=ballot_id, detail={"what": "ballot_result", "how": how})
    return done
