"""1+10+N: one party member per household, one central household per member; soft warnings."""
from fractions import Fraction

import pytest

from gridworker.domain.contacts import Link, check_new_link, coverage_warnings, uncovered
from gridworker.domain.errors import RuleViolation, ValidationError

LINKS = [
    Link("central_member", "c1", "m1"),
    Link("member_household", "m1", "h1"),
    Link("member_household", "m1", "h2"),
    Link("member_household", "m2", "h3", active=False),   # ended: no longer counts
]


@pytest.mark.parametrize("kind, from_id, to_id", [
    ("member_household", "m2", "h3"),     # h3's old link is inactive
    ("member_household", "m1", "h4"),
    ("central_member", "c1", "m2"),
    ("central_member", "c2", "m3"),
])
def test_allowed_new_links(kind, from_id, to_id):
    assert check_new_link(LINKS, kind, from_id, to_id) is None


@pytest.mark.parametrize("kind, from_id, to_id, code, named", [
    ("member_household", "m2", "h1", "household_already_linked", "m1"),
    ("central_member", "c2", "m1", "member_already_linked", "c1"),
    ("member_household", "m1", "h1", "link_exists", None),
    ("central_member", "m1", "m1", "link_self", None),
])
def test_refused_new_links(kind, from_id, to_id, code, named):
    with pytest.raises(RuleViolation) as e:
        check_new_link(LINKS, kind, from_id, to_id)
    assert e.value.code == code
    if named:
        assert named in e.value.message   # the worker learns whom to unlink first


def test_links_may_be_dicts_or_plain_tuples():
    with pytest.raises(RuleViolation):
        check_new_link([{"kind": "member_household", "from_id": "m1", "to_id": "h1", "active": True}],
                       "member_household", "m2", "h1")
    with pytest.raises(RuleViolation):
        check_new_link([("member_household", "m1", "h1", True)], "member_household", "m2", "h1")


def test_unknown_kind_is_a_validation_error():
    with pytest.raises(ValidationError) as e:
        check_new_link([], "friend", "a", "b")
    assert e.value.field == "kind"


def _central(cid, n):
    return [Link("central_member", cid, f"{cid}-m{i}") for i in range(n)]


def _households(mid, n):
    return [Link("member_household", mid, f"{mid}-h{i}") for i in range(n)]


@pytest.mark.parametrize("n, code", [(4, "central_too_few_members"), (5, None), (10, None), (15, None),
                                     (16, "central_too_many_members")])
def test_central_household_member_count_warnings(n, code):
    links = _central("c1", n) + [h for i in range(n) for h in _households(f"c1-m{i}", 8)]
    codes = [w.code for w in coverage_warnings(links) if w.subject_id == "c1"]
    assert codes == ([code] if code else [])


def test_central_thresholds_are_configurable():
    links = _central("c1", 7) + [h for i in range(7) for h in _households(f"c1-m{i}", 8)]
    warnings = coverage_warnings(links, members_per_central=12, tolerance=Fraction(1, 4))
    assert [(w.code, w.count) for w in warnings] == [("central_too_few_members", 7)]


def test_member_warnings_for_no_households_and_far_above_average():
    links = (_central("c1", 6) + _households("c1-m0", 30)
             + [h for i in range(1, 5) for h in _households(f"c1-m{i}", 6)])
    warnings = coverage_warnings(links, members=["m-unlinked"])
    by_code = {(w.code, w.subject_id): w for w in warnings}
    # average = 54 households / 7 members; 30 > 2 x 7.7
    assert ("member_too_many_households", "c1-m0") in by_code
    assert by_code[("member_too_many_households", "c1-m0")].count == 30
    assert ("member_no_households", "c1-m5") in by_code
    assert ("member_no_households", "m-unlinked") in by_code
    assert not any(w.subject_id == "c1-m1" for w in warnings)
    assert "平均" in by_code[("member_too_many_households", "c1-m0")].message


def test_inactive_links_do_not_count_towards_coverage():
    assert uncovered(["h1", "h2", "h3", "h4"], LINKS) == ["h3", "h4"]
    assert uncovered([], LINKS) == []
