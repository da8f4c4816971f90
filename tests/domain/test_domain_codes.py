"""Code lists: importers can pass codes, labels or common spellings; junk is refused by field."""
import pytest

from gridworker.domain import codes
from gridworker.domain.codes import code_for, label, visit_interval_days
from gridworker.domain.errors import ValidationError


@pytest.mark.parametrize("codelist, value, expected", [
    (codes.GENDER, "1", "1"),
    (codes.GENDER, "女", "2"),
    (codes.GENDER, " 男性 ", "1"),
    (codes.GENDER, 9, "9"),
    (codes.RELATION, "户主", "02"),
    (codes.RELATION, "1", "01"),          # Excel dropped the leading zero
    (codes.RELATION, 10, "10"),
    (codes.RELATION, "儿子", "20"),
    (codes.MARITAL, "丧偶", "30"),
    (codes.MARITAL, "２０", "20"),        # full-width digits
    (codes.POLITICAL, "中国共产党党员", "01"),
    (codes.POLITICAL, "群众", "13"),
    (codes.POLITICAL, "共青团员", "03"),
    (codes.EDUCATION, "大专", "30"),
    (codes.TENURE, "出租", "rent"),
    (codes.TENURE, "vacant", "vacant"),
    (codes.RESIDENCE_STATUS, "人在户不在", "person_only"),
    (codes.VISIT_MODES, "微信", "wechat"),
    (codes.ATTENTION_LEVELS, "高风险", "high"),
    (codes.ISSUE_CATEGORIES, "邻里纠纷", "neighbour_dispute"),
    (codes.ISSUE_KINDS, "投诉", "complaint"),
    (codes.URGENCIES, "EMERGENCY", "emergency"),
    (codes.ORG_LEVELS, "街道", "street"),
    (codes.CARE_TAGS, "独居老人", "独居老人"),
    (codes.SPECIAL_TAGS, "社区矫正对象", "社区矫正对象"),
])
def test_code_for_accepts_codes_labels_and_aliases(codelist, value, expected):
    assert code_for(codelist, value) == expected


@pytest.mark.parametrize("codelist, value, field, code", [
    (codes.GENDER, "男女", "gender", "unknown_code"),
    (codes.RELATION, "邻居", "relation", "unknown_code"),
    (codes.RELATION, "", "relation", "empty_code"),
    (codes.RELATION, None, "relation", "empty_code"),
    (codes.CARE_TAGS, "刑满释放人员", "tag", "unknown_code"),   # the two tag families stay apart
    (codes.SPECIAL_TAGS, "独居老人", "tag", "unknown_code"),
    (codes.TENURE, "借住", "tenure", "unknown_code"),
])
def test_code_for_refuses_unknown_values_naming_the_field(codelist, value, field, code):
    with pytest.raises(ValidationError) as e:
        code_for(codelist, value)
    assert (e.value.field, e.value.code, e.value.value) == (field, code, value)


def test_code_for_error_lists_the_choices_in_chinese():
    with pytest.raises(ValidationError) as e:
        code_for(codes.TENURE, "借住")
    assert "自住" in e.value.message and "出租" in e.value.message


def test_field_can_be_overridden_for_error_messages():
    with pytest.raises(ValidationError) as e:
        code_for(codes.GENDER, "x", field="sex")
    assert e.value.field == "sex"


def test_label_round_trip_for_every_list():
    for codelist in (codes.GENDER, codes.MARITAL, codes.RELATION, codes.EDUCATION, codes.POLITICAL,
                     codes.TENURE, codes.RESIDENCE_STATUS, codes.VISIT_MODES, codes.ATTENTION_LEVELS,
                     codes.ISSUE_CATEGORIES, codes.ISSUE_KINDS, codes.URGENCIES, codes.ORG_LEVELS):
        for code, text in codelist.items():
            assert label(codelist, code) == text
            assert code_for(codelist, text) == code


def test_label_refuses_unknown_code():
    with pytest.raises(ValidationError) as e:
        label(codes.RELATION, "03")
    assert e.value.code == "unknown_code" and e.value.field == "relation"


def test_standard_codes_match_the_national_standards():
    assert codes.GENDER == {"1": "男", "2": "女", "9": "未说明"}
    assert list(codes.RELATION)[:3] == ["01", "02", "10"]
    assert codes.RELATION["99"] == "非亲属"
    assert list(codes.MARITAL) == ["10", "20", "21", "22", "23", "30", "40", "90"]
    assert len(codes.CARE_TAGS) == 12 and len(codes.SPECIAL_TAGS) == 5
    assert set(codes.CARE_TAGS).isdisjoint(codes.SPECIAL_TAGS)
    assert set(codes.CITY_MANAGEMENT_CATEGORIES) | set(codes.COMMUNITY_CATEGORIES) == set(codes.ISSUE_CATEGORIES)
    assert list(codes.ORG_LEVELS) == ["city", "district", "street", "community", "grid", "party_branch"]


@pytest.mark.parametrize("level, intervals, days", [
    ("high", None, 7), ("key", None, 30), ("normal", None, 90), ("重点", None, 30),
    ("high", {"high": 3}, 3), ("normal", {"high": 3}, 90),
])
def test_visit_interval_days_defaults_and_overrides(level, intervals, days):
    assert visit_interval_days(level, intervals) == days


def test_visit_interval_unknown_level():
    with pytest.raises(ValidationError) as e:
        visit_interval_days("urgent")
    assert e.value.field == "attention_level"
