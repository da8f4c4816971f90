"""Ballot tallies: the legal thresholds at their exact boundaries, and one vote per household."""
from decimal import Decimal
from fractions import Fraction

import pytest

from gridworker.domain.ballots import RuleSpec, effective_votes, format_percent, tally, to_fraction
from gridworker.domain.errors import ValidationError


def households(n, area="100"):
    return {f"h{i}": area for i in range(n)}


def votes(yes=0, no=0, abstain=0, start=0):
    out, i = {}, start
    for choice, k in (("yes", yes), ("no", no), ("abstain", abstain)):
        for _ in range(k):
            out[f"h{i}"] = choice
            i += 1
    return out


def threshold(result, name):
    return next(t for t in result.thresholds if t.name == name)


# ---- residents' meeting: more than half take part, more than half of those say yes ----

@pytest.mark.parametrize("turnout, quorum", [(5, False), (6, True), (10, True), (0, False)])
def test_residents_meeting_quorum_is_strictly_more_than_half(turnout, quorum):
    r = tally("residents_meeting", households(10, None), votes(yes=turnout))
    assert r.quorum_met is quorum and r.passed is quorum


@pytest.mark.parametrize("yes, no, abstain, passed", [
    (4, 2, 0, True), (3, 3, 0, False), (3, 1, 2, False),   # abstentions take part but are not yes
    (4, 1, 1, True), (0, 6, 0, False),
])
def test_residents_meeting_approval(yes, no, abstain, passed):
    r = tally("residents_meeting", households(10, None), votes(yes, no, abstain))
    assert r.quorum_met and r.passed is passed
    assert threshold(r, "approval_households").actual == Fraction(yes, yes + no + abstain)


# ---- Civil Code art. 278 ----

def test_exactly_two_thirds_of_area_and_owners_meets_the_quorum():
    r = tally("art278_ordinary", households(6, "90.5"), votes(yes=4))
    assert threshold(r, "quorum_area").actual == Fraction(2, 3)
    assert threshold(r, "quorum_owners").actual == Fraction(2, 3)
    assert r.quorum_met and r.passed


def test_two_thirds_of_area_but_one_owner_short_misses_the_quorum():
    # h0 owns a large flat: the 3 voters hold exactly 2/3 of the area but only 3 of 6 owners.
    eligible = {"h0": "300", "h1": "50", "h2": "50", "h3": "60", "h4": "70", "h5": "70"}
    r = tally("art278_ordinary", eligible, votes(yes=3))
    assert threshold(r, "quorum_area").met
    assert not threshold(r, "quorum_owners").met
    assert not r.quorum_met and not r.passed


def test_two_thirds_of_owners_but_less_area_misses_the_quorum():
    eligible = {"h0": "60", "h1": "60", "h2": "60", "h3": "60", "h4": "60", "h5": "200"}
    r = tally("art278_ordinary", eligible, votes(yes=4))   # 4 of 6 owners, 240 of 500 m²
    assert threshold(r, "quorum_owners").met and not threshold(r, "quorum_area").met
    assert not r.passed


def test_ordinary_item_exactly_half_fails_more_than_half_passes():
    half = tally("art278_ordinary", households(6), votes(yes=3, no=3))
    assert half.quorum_met and not half.passed
    assert threshold(half, "approval_area").actual == Fraction(1, 2)
    more = tally("art278_ordinary", households(6), votes(yes=4, no=2))
    assert more.passed


def test_major_item_exactly_three_quarters_passes_just_below_fails():
    r = tally("art278_major", households(8), votes(yes=6, no=2))
    assert threshold(r, "approval_owners").actual == Fraction(3, 4)
    assert threshold(r, "approval_area").actual == Fraction(3, 4)
    assert r.passed
    # the same headcount, but the yes voters hold slightly less than 3/4 of the participating area
    eligible = {**households(8), "h7": "100.01"}
    r = tally("art278_major", eligible, votes(yes=6, no=2))
    assert not threshold(r, "approval_area").met and not r.passed


def test_approval_needs_both_area_and_owners():
    eligible = {"h0": "500", "h1": "50", "h2": "50", "h3": "50"}
    r = tally("art278_ordinary", eligible, {"h0": "yes", "h1": "no", "h2": "no", "h3": "no"})
    assert threshold(r, "approval_area").met and not threshold(r, "approval_owners").met
    assert not r.passed


def test_areas_are_summed_exactly_never_as_floats():
    # 0.1 + 0.2 is exactly half of 0.6: "more than half" fails. With floats it would pass.
    r = tally("art278_ordinary", {"a": "0.1", "b": "0.2", "c": "0.3"}, {"a": "yes", "b": "yes", "c": "no"})
    assert threshold(r, "approval_area").actual == Fraction(1, 2)
    assert not threshold(r, "approval_area").met
    assert r.eligible_area == Fraction(3, 5)


@pytest.mark.parametrize("value, exact", [
    ("89.50", Fraction(179, 2)), (Decimal("89.5"), Fraction(179, 2)), (90, Fraction(90)),
    (Fraction(1, 3), Fraction(1, 3)), (" 12.25 ", Fraction(49, 4)),
])
def test_area_conversion_is_exact(value, exact):
    assert to_fraction(value) == exact


@pytest.mark.parametrize("value, code", [
    (89.5, "area_not_exact"), ("abc", "area_invalid"), ("-1", "area_invalid"), (None, "area_missing"),
    ("NaN", "area_invalid"), (True, "area_not_exact"),
])
def test_bad_areas_are_refused(value, code):
    with pytest.raises(ValidationError) as e:
        tally("art278_ordinary", {"h0": value}, {})
    assert (e.value.field, e.value.code) == ("area", code)


def test_votes_from_outside_the_scope_are_ignored_and_listed():
    r = tally("residents_meeting", households(3, None), {"h0": "yes", "h1": "yes", "x9": "no"})
    assert r.ineligible == ["x9"]
    assert r.turnout_households == 2 and r.counts["no"] == 0 and r.passed


def test_invalid_choice_and_unknown_rule_are_refused():
    with pytest.raises(ValidationError) as e:
        tally("residents_meeting", households(2, None), {"h0": "maybe"})
    assert e.value.code == "vote_invalid"
    with pytest.raises(ValidationError) as e:
        tally("majority", households(2), {})
    assert e.value.code == "rule_unknown"


def test_nobody_eligible_passes_nothing():
    r = tally("art278_ordinary", {}, {})
    assert not r.quorum_met and not r.passed


def test_configured_rule_replaces_the_default():
    two_thirds = RuleSpec("居民会议（三分之二）", False, Fraction(1, 2), False, Fraction(2, 3), True)
    r = tally("residents_meeting", households(10, None), votes(yes=4, no=2), spec=two_thirds)
    assert r.passed
    assert "三分之二" in "\n".join(r.explain())


def test_explain_gives_a_result_sheet_in_chinese():
    r = tally("art278_ordinary", {"h0": "89.50", "h1": "100", "h2": "110.5"},
              {"h0": "yes", "h1": "yes", "h2": "abstain"})
    text = "\n".join(r.explain())
    assert "民法典第二百七十八条" in text
    assert "应参与：3户，专有部分面积300.00平方米" in text
    assert "同意：2户，面积189.50平方米" in text
    assert "参与专有部分面积占比：100.00%（要求≥三分之二），达到" in text
    assert "同意业主人数占比：66.67%（要求＞二分之一），达到" in text
    assert text.endswith("结果：通过")
    failed = tally("art278_ordinary", households(6), votes(yes=1))
    assert failed.explain()[-1] == "结果：未通过（参与比例未达到法定要求）"


def test_percent_display_rounds_half_up():
    assert format_percent(Fraction(2, 3)) == "66.67%"
    assert format_percent(Fraction(1, 8)) == "12.50%"


# ---- one effective vote per household ----

def v(id, household, choice="yes", voids=None):
    return {"id": id, "household_id": household, "choice": choice, "voids_id": voids}


def test_first_vote_counts_later_ones_are_flagged():
    effective, duplicates = effective_votes([v(1, "h1", "yes"), v(2, "h2", "no"), v(3, "h1", "no")])
    assert {h: x["id"] for h, x in effective.items()} == {"h1": 1, "h2": 2}
    assert [(d.vote["id"], d.code) for d in duplicates] == [(3, "duplicate")]


def test_a_void_cancels_and_the_household_may_vote_again():
    result = effective_votes([v(1, "h1", "yes"), v(2, "h1", None, voids=1), v(3, "h1", "no")])
    assert result.choices == {"h1": "no"}
    assert result.duplicates == []


def test_a_void_with_a_choice_is_the_correction():
    result = effective_votes([v(1, "h1", "yes"), v(2, "h1", "abstain", voids=1), v(3, "h1", "no")])
    assert result.choices == {"h1": "abstain"}
    assert [d.vote["id"] for d in result.duplicates] == [3]


def test_voiding_a_duplicate_clears_its_flag():
    result = effective_votes([v(1, "h1", "yes"), v(2, "h1", "no"), v(3, "h1", None, voids=2)])
    assert result.choices == {"h1": "yes"} and result.duplicates == []


@pytest.mark.parametrize("records, code", [
    ([v(1, "h1"), v(2, "h1", None, voids=99)], "void_target_unknown"),
    ([v(1, "h1"), v(2, "h2", None, voids=1)], "void_other_household"),
    ([v(1, "h1"), v(2, "h1", None, voids=1), v(3, "h1", None, voids=1)], "void_target_already_voided"),
    ([v(1, "h1", "maybe")], "invalid_choice"),
])
def test_bad_votes_are_flagged_with_a_reason(records, code):
    result = effective_votes(records)
    assert result.duplicates[-1].code == code
    assert result.duplicates[-1].message


def test_failed_void_leaves_the_original_vote_counting():
    result = effective_votes([v(1, "h1", "yes"), v(2, "h2", None, voids=1)])
    assert result.choices == {"h1": "yes"}


def test_effective_votes_feed_tally():
    result = effective_votes([v(1, "h0"), v(2, "h1"), v(3, "h0", "no"), v(4, "h2", "no")])
    r = tally("residents_meeting", households(4, None), result.choices)
    assert r.counts == {"yes": 2, "no": 1, "abstain": 0} and r.passed
