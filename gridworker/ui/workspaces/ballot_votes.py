"""The writes of the 议事表决 workspace, one unit of work each: create a ballot, cast or correct a
paper vote, settle a duplicate vote, close the ballot. No Qt here: the CLI and tests call them too.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ...domain.ballots import VOTE_CHOICES
from ...domain.errors import ValidationError
from ...store.queries_ballots import SETTLE_ACTION, fold_votes


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()


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
    rows = uow.query(
        "SELECT v.id, v.household_id, v.voids_id, v.option_id, o.meaning AS choice FROM vote v"
        " LEFT JOIN ballot_option o ON o.id = v.option_id WHERE v.ballot_id = ? AND v.household_id = ?"
        " ORDER BY v.server_seq IS NULL, v.server_seq, v.hlc", (ballot_id, household_id))
    multiple = any(r["choice"] == "choice" for r in rows) or bool(uow.query(
        "SELECT 1 FROM ballot_option WHERE ballot_id = ? AND meaning = 'choice' LIMIT 1", (ballot_id,)))
    current = fold_votes(rows, multiple).effective.get(household_id)
    if current is not None and current["option_id"] == option_id:
        return None
    return uow.append("vote", {"ballot_id": ballot_id, "household_id": household_id, "option_id": option_id,
                               "voter_name": voter_name, "paper": True, "cast_at": now().isoformat(timespec="seconds"),
                               "voids_id": current["id"] if current else None})


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
    uow.conn.exec_driver_sql("UPDATE review_item SET status = 'resolved', resolved_at = ? WHERE kind = 'duplicate_vote'"
                             " AND row_id = ? AND status = 'open'", (now().isoformat(timespec="seconds"), duplicate["id"]))


def close_ballot(uow: Any, ballot_id: str) -> None:
    """End the ballot: no more votes are accepted."""
    uow.update("ballot", ballot_id, {"closed_at": now().isoformat(timespec="seconds")})
