"""Cell values as spreadsheets hold them, to what the store keeps."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker.domain.errors import ValidationError
from gridworker.ledger.columns import detect_mapping
from gridworker.ledger.reader import Table, decode_csv
from gridworker.ledger.values import date_value, id_number_text, number_text, text


@pytest.mark.parametrize("raw", ["2024年5月1日", "2024年05月01日", "2024.5.1", "2024/05/01", "2024-5-1",
                                 "20240501", "２０２４年５月１日", 45413, "45413", 45413.75,
                                 dt.datetime(2024, 5, 1, 8, 30), "2024-05-01 00:00:00", 20240501])
def test_dates_in_the_forms_ledgers_use(raw):
    assert date_value(raw, "birth_date") == dt.date(2024, 5, 1)


@pytest.mark.parametrize("raw", ["2024年2月30日", "5月1日", "明年", "2024-13-01"])
def test_bad_dates_name_the_field(raw):
    with pytest.raises(ValidationError) as exc:
        date_value(raw, "出生日期")
    assert exc.value.field == "出生日期"


@pytest.mark.parametrize("raw", [1.10105e17, "1.10105E+17", "1.10105194912310E+17", 110105194912310000,
                                 1.1010519491231e17])
def test_id_numbers_that_lost_digits_are_refused_not_guessed(raw):
    with pytest.raises(ValidationError) as exc:
        id_number_text(raw, "身份证号")
    assert exc.value.code == "id_precision_lost"


@pytest.mark.parametrize("raw,expected", [
    ("11010519491231002X", "11010519491231002X"),
    (" 1101 0519 4912 3100 2x ", "11010519491231002x"),
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
    (513101198201130014, "513101198201130014"),  # a number cell whose file really holds all digits
    (None, None), ("  ", None),
])
def test_id_number_cells(raw, expected):
    assert id_number_text(raw, "id_number") == expected


def test_text_and_numbers():
    assert text(3.0) == "3" and text("  阳光  花园 ") == "阳光 花园" and text("") is None
    assert number_text(89.5, "面积") == "89.5" and number_text("89.50㎡", "面积") == "89.50"
    with pytest.raises(ValidationError):
        number_text("九十", "面积")


def test_csv_encoding_detection():
    sample = "姓名,地址\n张三,阳光花园\n"
    assert decode_csv(b"\xef\xbb\xbf" + sample.encode()) == (sample, "utf-8-sig")
    assert decode_csv(sample.encode()) == (sample, "utf-8")
    assert decode_csv(sample.encode("gb18030")) == (sample, "gb18030")


def test_header_below_title_rows_with_synonyms():
    rows = [["XX社区台账"], ["制表：王网格", None, "日期：2026-11-01"], [],
            ["户主姓名*", "公民身份号码", "家庭住址", "手机号码", "幢", "户号", "面积(㎡)", "政治面貌"],
            ["张三", "1", "阳光花园", "1", "3", "501", "80", "群众"]]
    m = detect_mapping(Table(None, None, [], rows))
    assert m.header_rows == (4, 4) and m.data_start == 5
    assert m.fields == {0: "name", 1: "id_number", 2: "address", 3: "phone", 4: "building_no", 5: "room",
                        6: "area_m2", 7: "political"}


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)))
def test_every_written_form_of_a_date_reads_back(day):
    serial = (day - dt.date(1899, 12, 30)).days
    forms = [f"{day.year}年{day.month}月{day.day}日", f"{day.year}.{day.month}.{day.day}",
             f"{day:%Y/%m/%d}", f"{day:%Y%m%d}", day.isoformat(), serial, float(serial),
             dt.datetime.combine(day, dt.time(9, 30))]
    assert {date_value(f, "d") for f in forms} == {day}
