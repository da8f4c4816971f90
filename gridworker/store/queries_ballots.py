"""Read-only queries for the 议事表决 (ballots) workspace: ballots, the households in scope, votes, tally.

A vote's choice is the ``meaning`` (yes / no / abstain) of the option it names. Votes are read in
server order (``server_seq``; local votes not yet synced come after, in clock order), which is the
order ``domain.ballots.effective_votes`` needs. Duplicates from other laptops come from that fold
and from open ``review_item`` rows of kind ``duplicate_vote``; a duplicate the organiser settled
carries an ``audit_log`` entry ``settle_duplicate_vote`` naming the vote, and is no longer listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection

from ..domain.ballots import RULES, EffectiveVotes, FlaggedVote, TallyResult, effective_votes, tally

SCOPE_LABELS = {"building": "楼栋", "estate": "小区", "community": "社区"}
SETTLE_ACTION = "settle_duplicate_vote"


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def list_ballots(conn: Connection) -> list[dict[str, Any]]:
    """Every live ballot, open ones first, newest first, with its number of vote records."""
    rows = _rows(conn, "SELECT b.id, b.title, b.scope_kind, b.scope_ref, b.rule, b.opens_at, b.closed_at,"
                       " (SELECT COUNT(*) FROM vote v WHERE v.ballot_id = b.id) AS vote_records"
                       " FROM ballot b WHERE b.deleted = 0"
                       " ORDER BY b.closed_at IS NOT NULL, COALESCE(b.opens_at, b.updated_at) DESC")
    for r in rows:
        r["rule_label"] = RULES[r["rule"]].label_zh if r["rule"] in RULES else r["rule"]
        r["scope_label"] = SCOPE_LABELS.get(r["scope_kind"], r["scope_kind"])
        r["scope_ref_label"] = scope_ref_label(conn, r)
    return rows


def ballot(conn: Connection, ballot_id: str) -> dict[str, Any] | None:
    """The ballot row with its options (by position) under ``options``; None if gone."""
    rows = _rows(conn, "SELECT * FROM ballot WHERE id = ? AND deleted = 0", (ballot_id,))
    if not rows:
        return None
    b = rows[0]
    b["options"] = _rows(conn, "SELECT id, label, meaning, position, household_id FROM ballot_option"
                               " WHERE ballot_id = ? AND deleted = 0 ORDER BY position, label", (ballot_id,))
    b["rule_label"] = RULES[b["rule"]].label_zh if b["rule"] in RULES else b["rule"]
    b["scope_label"] = SCOPE_LABELS.get(b["scope_kind"], b["scope_kind"])
    b["scope_ref_label"] = scope_ref_label(conn, b)
    return b


def scope_ref_label(conn: Connection, b: dict[str, Any]) -> str:
    """What the scope names: "阳光花园3幢" for a building, the estate's name, "" for the community."""
    if b["scope_kind"] == "building" and b.get("scope_ref"):
        row = conn.exec_driver_sql("SELECT estate, building_no FROM building WHERE id = ?",
                                   (b["scope_ref"],)).first()
        return f"{row[0]}{row[1]}幢" if row else ""
    return b.get("scope_ref") or "" if b["scope_kind"] == "estate" else ""


def scope_choices(conn: Connection) -> tuple[list[tuple[str, str]], list[str]]:
    """The buildings ([(id, "阳光花园3幢")]) and estates (names) a new ballot may cover."""
    from .search_index import sort_key  # noqa: PLC0415

    buildings = [(r[0], f"{r[1]}{r[2]}幢") for r in conn.exec_driver_sql(
        "SELECT id, estate, building_no FROM building WHERE deleted = 0")]
    buildings.sort(key=lambda b: sort_key(b[1]))
    estates = [r[0] for r in conn.exec_driver_sql(
        "SELECT DISTINCT estate FROM household WHERE deleted = 0 AND estate IS NOT NULL ORDER BY estate")]
    return buildings, estates


def scope_households(conn: Connection, b: dict[str, Any]) -> list[dict[str, Any]]:
    """The live households a ballot covers (building id / estate name / the whole community),
    in address order: id, address, head_name, room, unit, building_no, area_m2."""
    sql = ("SELECT id, address, head_name, room, unit, building_no, estate, area_m2 FROM household"
           " WHERE deleted = 0")
    params: tuple = ()
    if b["scope_kind"] == "building":
        sql += " AND building_id = ?"
        params = (b["scope_ref"],)
    elif b["scope_kind"] == "estate":
        sql += " AND estate = ?"
        params = (b["scope_ref"],)
    else:
        sql += " AND community_id = ?"
        params = (b["community_id"],)
    rows = _rows(conn, sql + " ORDER BY address", params)
    # Natural order (3幢 before 10幢, 501 before 1001) so paper ballots can be typed in sheet order.
    from .search_index import sort_key  # noqa: PLC0415 - only the ordering helper is needed

    rows.sort(key=lambda r: sort_key(r["address"] or ""))
    return rows


def votes(conn: Connection, ballot_id: str) -> list[dict[str, Any]]:
    """The ballot's vote records in server order, each with ``choice`` = its option's meaning."""
    return _rows(conn, "SELECT v.id, v.household_id, v.option_id, o.meaning AS choice, o.label AS option_label,"
                       " v.voter_name, v.paper, v.cast_at, v.voids_id, v.device_id, v.created_by, v.server_seq"
                       " FROM vote v LEFT JOIN ballot_option o ON o.id = v.option_id WHERE v.ballot_id = ?"
                       " ORDER BY v.server_seq IS NULL, v.server_seq, v.hlc", (ballot_id,))


@dataclass
class BallotState:
    """Everything the ballot page shows: the ballot, households, effective votes, tally, duplicates.

    For a multiple-choice ballot (options of meaning ``choice``, e.g. 方案一/二/三) ``result``
    carries only the turnout (quorum) thresholds, ``choices`` one dict per option (option, count,
    area, share, share_area, met) and ``winner`` the option that reached the approval share of
    the participants (households and, for owners' votes, area too), if any.
    """

    ballot: dict[str, Any]
    households: list[dict[str, Any]]
    effective: dict[str, dict[str, Any]]
    duplicates: list[FlaggedVote]
    result: TallyResult | None
    error: str | None = None
    review_items: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    winner: dict[str, Any] | None = None

    @property
    def multiple_choice(self) -> bool:
        return self.choices is not None

    @property
    def passed(self) -> bool:
        if self.result is None:
            return False
        if self.choices is not None:
            return self.result.quorum_met and self.winner is not None
        return self.result.passed


def is_multiple_choice(b: dict[str, Any]) -> bool:
    """A ballot between options (方案一/二/三) rather than 同意/反对/弃权."""
    return any(o["meaning"] == "choice" for o in b.get("options", []))


def fold_votes(vote_rows: list[dict[str, Any]], multiple_choice: bool) -> EffectiveVotes:
    """One effective vote per household (``domain.ballots.effective_votes``), also for ballots
    between options: there every option counts as a valid choice for the fold."""
    if multiple_choice:
        vote_rows = [{**v, "choice": "yes" if v["choice"] == "choice" else v["choice"]} for v in vote_rows]
    return effective_votes(vote_rows)


def _choice_tally(b: dict[str, Any], eligible: dict[str, Any], effective: dict[str, Any],
                  result: TallyResult) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    from fractions import Fraction  # noqa: PLC0415

    from ..domain.ballots import to_fraction  # noqa: PLC0415

    spec = RULES[b["rule"]]
    rows = []
    for o in b["options"]:
        homes = [h for h, v in effective.items() if v["option_id"] == o["id"] and h in eligible]
        count = len(homes)
        area = sum((to_fraction(eligible[h]) for h in homes), Fraction(0)) if spec.uses_area else Fraction(0)
        share = Fraction(count, result.turnout_households) if result.turnout_households else Fraction(0)
        share_area = area / result.turnout_area if spec.uses_area and result.turnout_area else Fraction(0)

        def reaches(x: Fraction) -> bool:
            return x >= spec.approval if spec.approval_inclusive else x > spec.approval

        met = bool(result.turnout_households) and reaches(share) and (not spec.uses_area or reaches(share_area))
        rows.append({"option": o, "count": count, "area": area, "share": share, "share_area": share_area,
                     "met": met})
    winners = [r for r in rows if r["met"]]
    return rows, (winners[0]["option"] if len(winners) == 1 else None)


def settled_vote_ids(conn: Connection, ballot_id: str) -> set[str]:
    """Vote ids whose duplicate flag the organiser has settled (an audit entry names them)."""
    return {r[0] for r in conn.exec_driver_sql(
        "SELECT a.row_id FROM audit_log a JOIN vote v ON v.id = a.row_id WHERE a.action = ?"
        " AND a.table_name = 'vote' AND v.ballot_id = ?", (SETTLE_ACTION, ballot_id))}


def ballot_state(conn: Connection, ballot_id: str) -> BallotState | None:
    """Load a ballot and tally it (None if the ballot is gone).

    ``error`` holds the Chinese message when the tally cannot be made (e.g. an owners' vote where
    a household in scope has no area recorded); ``result`` is None then.
    """
    from ..domain.errors import ValidationError  # noqa: PLC0415

    b = ballot(conn, ballot_id)
    if b is None:
        return None
    households = scope_households(conn, b)
    multiple = is_multiple_choice(b)
    folded: EffectiveVotes = fold_votes(votes(conn, ballot_id), multiple)
    settled = settled_vote_ids(conn, ballot_id)
    duplicates = [d for d in folded.duplicates if d.vote["id"] not in settled]
    reviews = _rows(conn, "SELECT id, row_id, reason, detail, created_at FROM review_item"
                          " WHERE kind = 'duplicate_vote' AND status = 'open' AND row_id IN"
                          " (SELECT id FROM vote WHERE ballot_id = ?)", (ballot_id,))
    listed = {d.vote["id"] for d in duplicates}
    vote_rows = {v["id"]: v for v in votes(conn, ballot_id)}
    for r in reviews:
        # A sync flag for a vote the fold does not see as a duplicate still goes to the organiser.
        if r["row_id"] not in listed and r["row_id"] in vote_rows and r["row_id"] not in settled:
            duplicates.append(FlaggedVote(vote_rows[r["row_id"]], "duplicate",
                                          r["reason"] or "其他电脑上录入的重复投票"))
    eligible = {h["id"]: h["area_m2"] for h in households}
    result, error, choices, winner = None, None, None, None
    try:
        if multiple:
            # Turnout thresholds come from the rule; which option won is counted per option.
            turnout = tally(b["rule"], eligible, {h: "abstain" for h in folded.effective})
            result = replace(turnout, thresholds=[t for t in turnout.thresholds if t.name.startswith("quorum")])
            choices, winner = _choice_tally(b, eligible, folded.effective, result)
        else:
            result = tally(b["rule"], eligible, folded.choices)
    except ValidationError as exc:
        missing = [h["address"] for h in households if not h["area_m2"]]
        error = exc.message + (f"：{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}" if missing else "")
        result, choices, winner = None, None, None
    return BallotState(b, households, folded.effective, duplicates, result, error, reviews, choices, winner)
