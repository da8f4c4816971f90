"""Ballot queries: households in scope, votes in server order, tally, duplicates and their settling."""
from __future__ import annotations

import json

from gridworker.store import queries_ballots as q


def make_ballot(uow, rule="art278_ordinary", scope_kind="estate", scope_ref="阳光花园"):
    bid = uow.insert("ballot", {"title": "续聘物业", "scope_kind": scope_kind, "scope_ref": scope_ref, "rule": rule})
    options = {m: uow.insert("ballot_option", {"ballot_id": bid, "label": lbl, "meaning": m, "position": i})
               for i, (m, lbl) in enumerate((("yes", "同意"), ("no", "反对"), ("abstain", "弃权")))}
    return bid, options


def seed(db, actor):
    with db.write(actor) as uow:
        b3 = uow.insert("building", {"estate": "阳光花园", "building_no": "3"})
        b10 = uow.insert("building", {"estate": "阳光花园", "building_no": "10"})
        rows = [("阳光花园10幢1单元101室", b10), ("阳光花园3幢1单元1001室", b3), ("阳光花园3幢1单元501室", b3)]
        houses = [uow.insert("household", {"address": a, "building_id": b, "area_m2": "100"}) for a, b in rows]
        other = uow.insert("household", {"address": "幸福里1幢1单元101室", "area_m2": "80"})
        bid, options = make_ballot(uow)
    return {"b3": b3, "houses": houses, "other": other, "ballot": bid, "options": options}


def test_scope_households_in_natural_order(db, actor):
    ids = seed(db, actor)
    with db.read() as conn:
        estate = q.scope_households(conn, q.ballot(conn, ids["ballot"]))
        building = q.scope_households(conn, {"scope_kind": "building", "scope_ref": ids["b3"]})
        community = q.scope_households(conn, {"scope_kind": "community", "community_id": db.community_id})
        buildings, estates = q.scope_choices(conn)
    assert [h["address"] for h in estate] == ["阳光花园3幢1单元501室", "阳光花园3幢1单元1001室", "阳光花园10幢1单元101室"]
    assert [h["room"] for h in building] == ["501", "1001"]
    assert len(community) == 4
    assert [label for _, label in buildings] == ["阳光花园3幢", "阳光花园10幢"]
    assert estates == ["幸福里", "阳光花园"]


def test_tally_with_a_correction_and_a_duplicate(db, actor):
    ids = seed(db, actor)
    h, o, bid = ids["houses"], ids["options"], ids["ballot"]
    with db.write(actor) as uow:
        first = uow.append("vote", {"ballot_id": bid, "household_id": h[0], "option_id": o["no"], "cast_at": "2026-11-27T10:00:00+08:00"})
        uow.append("vote", {"ballot_id": bid, "household_id": h[0], "option_id": o["yes"], "voids_id": first,
                            "cast_at": "2026-11-27T10:01:00+08:00"})
        uow.append("vote", {"ballot_id": bid, "household_id": h[1], "option_id": o["yes"], "cast_at": "2026-11-27T10:02:00+08:00"})
        dup = uow.append("vote", {"ballot_id": bid, "household_id": h[1], "option_id": o["no"], "cast_at": "2026-11-27T10:03:00+08:00"})
        uow.append("vote", {"ballot_id": bid, "household_id": ids["other"], "option_id": o["yes"],
                            "cast_at": "2026-11-27T10:04:00+08:00"})
    with db.read() as conn:
        state = q.ballot_state(conn, bid)
    r = state.result
    # 2 of 3 owners and 200 of 300 m² take part: exactly 2/3, which is enough ("以上").
    assert (r.turnout_households, r.eligible_households, r.quorum_met, r.passed) == (2, 3, True, True)
    assert r.counts == {"yes": 2, "no": 0, "abstain": 0}
    assert r.ineligible == [ids["other"]], "a vote from outside the scope is not counted"
    assert [d.vote["id"] for d in state.duplicates] == [dup]
    assert state.ballot["scope_ref_label"] == "阳光花园"

    with db.write(actor) as uow:
        uow.audit(q.SETTLE_ACTION, table="vote", row_id=dup, detail={"ballot_id": bid})
    with db.read() as conn:
        assert q.ballot_state(conn, bid).duplicates == []
        assert q.settled_vote_ids(conn, bid) == {dup}


def test_server_order_decides_which_vote_counts(db, actor):
    ids = seed(db, actor)
    h, o, bid = ids["houses"], ids["options"], ids["ballot"]
    with db.write(actor) as uow:
        mine = uow.append("vote", {"ballot_id": bid, "household_id": h[2], "option_id": o["yes"], "cast_at": "2026-11-27T10:00:00+08:00"})
        theirs = uow.append("vote", {"ballot_id": bid, "household_id": h[2], "option_id": o["no"], "cast_at": "2026-11-27T09:00:00+08:00"})
    # The other laptop's vote reached the server first (lower seq); ours is not yet synced.
    with db.sync_transaction() as conn:
        conn.exec_driver_sql("UPDATE vote SET server_seq = 7 WHERE id = ?", (theirs,))
        conn.exec_driver_sql(
            "INSERT INTO review_item (id, kind, table_name, row_id, reason, detail, status, created_at)"
            " VALUES ('r1', 'duplicate_vote', 'vote', ?, '两台电脑录入了同一户', ?, 'open', '2026-11-27')",
            (mine, json.dumps({})))
    with db.read() as conn:
        votes = q.votes(conn, bid)
        state = q.ballot_state(conn, bid)
    assert [v["id"] for v in votes] == [theirs, mine]
    assert state.effective[h[2]]["id"] == theirs
    assert [d.vote["id"] for d in state.duplicates] == [mine]
    assert [r["id"] for r in state.review_items] == ["r1"]


def test_owners_vote_without_area_reports_which_households(db, actor):
    with db.write(actor) as uow:
        uow.insert("household", {"address": "阳光花园3幢1单元101室", "area_m2": "90"})
        uow.insert("household", {"address": "阳光花园3幢1单元102室"})
        bid, _ = make_ballot(uow, rule="art278_major")
        meeting, _ = make_ballot(uow, rule="residents_meeting")
    with db.read() as conn:
        owners = q.ballot_state(conn, bid)
        residents = q.ballot_state(conn, meeting)
        listed = q.list_ballots(conn)
        assert q.ballot_state(conn, "missing") is None
    assert owners.result is None and "阳光花园3幢1单元102室" in owners.error
    assert residents.result is not None and residents.error is None, "a residents' meeting needs no areas"
    assert {b["rule_label"] for b in listed} >= {"居民会议"}
    assert all(b["vote_records"] == 0 for b in listed)


def test_a_ballot_between_options_names_the_winner(db, actor):
    with db.write(actor) as uow:
        houses = [uow.insert("household", {"address": f"阳光花园3幢1单元{100 + i}室"}) for i in range(1, 7)]
        bid = uow.insert("ballot", {"title": "停车位划分方案", "scope_kind": "estate", "scope_ref": "阳光花园",
                                    "rule": "residents_meeting"})
        plans = [uow.insert("ballot_option", {"ballot_id": bid, "label": f"方案{n}", "meaning": "choice",
                                              "position": i}) for i, n in enumerate("一二三")]
        for hid, plan in zip(houses, (0, 0, 0, 1)):
            uow.append("vote", {"ballot_id": bid, "household_id": hid, "option_id": plans[plan],
                                "cast_at": "2026-11-27T10:00:00+08:00"})
    with db.read() as conn:
        state = q.ballot_state(conn, bid)
    assert state.multiple_choice and state.duplicates == []
    assert [(c["option"]["label"], c["count"], c["met"]) for c in state.choices] == [
        ("方案一", 3, True), ("方案二", 1, False), ("方案三", 0, False)]
    assert state.winner["label"] == "方案一" and state.passed
    assert [t.name for t in state.result.thresholds] == ["quorum_households"]

    with db.write(actor) as uow:  # a fifth household votes 方案二: 3 of 5 is still more than half
        uow.append("vote", {"ballot_id": bid, "household_id": houses[4], "option_id": plans[1],
                            "cast_at": "2026-11-27T10:05:00+08:00"})
        uow.append("vote", {"ballot_id": bid, "household_id": houses[5], "option_id": plans[1],
                            "cast_at": "2026-11-27T10:06:00+08:00"})
    with db.read() as conn:
        state = q.ballot_state(conn, bid)
    # 3 against 3: no option has more than half of those taking part.
    assert [c["count"] for c in state.choices] == [3, 3, 0]
    assert state.winner is None and not state.passed and state.result.quorum_met
