"""Importing messy real-world ledgers: the right rows land, the wrong ones are reported, nothing partial."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from gridworker.cli import cli
from laptop_helpers import SETUP_STDIN, UNLOCK
from gridworker.ledger import (CancelToken, Cancelled, ColumnMapping, MappingError, import_ledger,
                               preview, save_mapping, write_report)

from ledger_helpers import make_id, outbox_count, rows_of, write_xlsx

ZHANG = make_id("19800101", 11)   # male (odd sequence)
LI = make_id("19820505", 22)      # female
MING = make_id("20100707", 33)
WANG = make_id("19560312", 45)
ZHAO = make_id("19700909", 51)
BAD_CHECK = ZHAO[:-1] + ("1" if ZHAO[-1] != "1" else "2")

TITLE = ["蠡桥社区居民户籍台账（2026年）"]
HEAD_TOP = ["序号", "姓名", "身份证号", "地址", None, None, None, "联系电话", "出生日期", "与户主关系", "人员标签"]
HEAD_SUB = [None, None, None, "小区", "楼栋", "单元", "室", None, None, None, None]
MERGES = ["A1:K1", "A3:A4", "B3:B4", "C3:C4", "D3:G3", "H3:H4", "I3:I4", "J3:J4", "K3:K4"]


def messy_rows() -> list[list]:
    """Title row, a blank row, a two-row merged header, blank rows between data, and mixed formats."""
    return [
        TITLE, [],
        HEAD_TOP, HEAD_SUB,
        [1, "张三", ZHANG, "阳光花园", 3, 2, 501, "138-1234-5678", "1980年1月1日", "户主", None],
        [2, "李四", LI, "阳光花园", "３", "２", "５０１", "+86 139 1234 5678", "1982.5.5", "妻", None],
        [3, "张小明", MING, "阳光花园", 3, 2, 501, None, dt.date(2010, 7, 7), "子", None],  # a date cell
        [],
        [4, "王五", WANG.lower()[:-1] + WANG[-1].lower(), "翠竹苑", "5栋", "1单元", "101室", "13712345678",
         "1956/03/12", "本人", "独居老人"],
        [None, None, None, None, None, None, None, None, None, None, None],
        [5, "赵六", BAD_CHECK, "锦绣华庭", 8, 1, 1203, None, None, "户主", None],
        [6, "赵小六", make_id("20050505", 62), "锦绣华庭", 8, 1, 1203, None, None, "女", None],
        [7, "张三", ZHANG, "阳光花园", 3, 2, 501, None, None, "户主", None],  # the same person again
        [8, "孙七", 3.20211195001e17, "金城湾", 2, 1, 302, None, None, "户主", None],  # Excel ate the digits
        [9, "周八", make_id("19900101", 71), "金城湾", 2, 3, 402, "0510-8123456", 32874, "户主", "刑满释放人员"],
    ]


@pytest.fixture
def messy(tmp_path):
    return write_xlsx(tmp_path / "台账.xlsx", messy_rows(), MERGES)


def by_status(result, status):
    return {o.row: o for o in result.outcomes if o.status == status}


def test_messy_ledger_right_rows_land_and_wrong_ones_are_reported(db, ledger_actor, messy):
    result = import_ledger(db, ledger_actor, messy)

    assert result.summary()["read"] == 9
    people = {r["name"]: r for r in rows_of(db, "resident")}
    assert set(people) == {"张三", "李四", "张小明", "王五", "周八"}
    # values normalised with the domain rules
    assert people["李四"]["phone"] == "13912345678"
    assert people["张三"]["phone"] == "13812345678"
    assert people["李四"]["birth_date"] == "1982-05-05"
    assert people["李四"]["gender"] == "2"
    assert people["张三"]["relation"] == "02"
    assert people["王五"]["id_number"] == WANG  # lower-case x or not, stored upper-case
    assert json.loads(people["王五"]["tags"]) == ["独居老人"]
    assert json.loads(people["周八"]["sensitive_tags"]) == ["刑满释放人员"]
    assert people["周八"]["birth_date"] == "1990-01-01"  # an Excel serial date
    assert people["张小明"]["birth_date"] == "2010-07-07"
    assert people["周八"]["phone"] == "0510-8123456"

    households = {h["address"]: h for h in rows_of(db, "household")}
    assert set(households) == {"阳光花园3幢2单元501室", "翠竹苑5幢1单元101室", "金城湾2幢3单元402室"}
    sunshine = households["阳光花园3幢2单元501室"]
    assert sunshine["head_name"] == "张三"
    members = [r["name"] for r in rows_of(db, "resident") if r["household_id"] == sunshine["id"]]
    assert sorted(members) == sorted(["张三", "李四", "张小明"])  # full-width 3/2/501 is the same flat

    rejected = {o.row: o for o in result.rejections}
    assert set(rejected) == {11, 12, 13, 14}
    assert rejected[11].column == "身份证号" and "校验位" in rejected[11].reason
    # nothing half-written: the valid member of 赵六's household is held back with it
    assert "整户未导入" in rejected[12].reason and "第11行" in rejected[12].reason
    assert rejected[13].status == "duplicate" and "第5行" in rejected[13].reason
    assert "15位" in rejected[14].reason and rejected[14].column == "身份证号"
    assert "赵小六" not in people and "锦绣华庭" not in "".join(households)
    assert result.summary() == {"read": 9, "created": 5, "updated": 0, "unchanged": 0, "rejected": 4,
                                "duplicates": 1, "households_created": 3, "households_updated": 0,
                                "dry_run": False}


def test_reimport_is_a_noop(db, ledger_actor, messy):
    import_ledger(db, ledger_actor, messy)
    before = outbox_count(db)
    again = import_ledger(db, ledger_actor, messy)
    assert outbox_count(db) == before
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 4)


def test_updated_file_changes_only_what_changed(db, ledger_actor, tmp_path, messy):
    import_ledger(db, ledger_actor, messy)
    before = outbox_count(db)
    rows = messy_rows()
    rows[5][7] = "13900001111"  # 李四's new phone
    rows[8][10] = "独居老人、残疾人"  # 王五 gets a second tag
    changed = write_xlsx(tmp_path / "台账-更新.xlsx", rows, MERGES)
    result = import_ledger(db, ledger_actor, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    with db.read() as conn:
        entries = conn.exec_driver_sql(
            "SELECT table_name, op, fields FROM outbox WHERE seq > ? ORDER BY seq", (before,)).fetchall()
    changes = [(t, op, json.loads(f)) for t, op, f in entries]
    assert [(t, op, sorted(f)) for t, op, f in changes] == [("resident", "update", ["phone"]),
                                                           ("resident", "update", ["tags"])]
    assert changes[0][2]["phone"] == "13900001111"
    assert json.loads(changes[1][2]["tags"]) == ["独居老人", "残疾人"]
    people = {r["name"]: r for r in rows_of(db, "resident")}
    assert people["李四"]["phone"] == "13900001111"


def test_existing_resident_is_matched_by_id_number_not_duplicated(db, ledger_actor, messy):
    with db.write(ledger_actor) as uow:
        hid = uow.insert("household", {"address": "阳光花园3栋2单元501"})
        rid = uow.insert("resident", {"household_id": hid, "name": "张三", "id_number": ZHANG,
                                      "phone": "13800000000"})
    result = import_ledger(db, ledger_actor, messy)
    people = [r for r in rows_of(db, "resident") if r["name"] == "张三"]
    assert [p["id"] for p in people] == [rid]
    assert people[0]["phone"] == "13812345678"
    assert result.households_created == 2  # 阳光花园's flat was already there
    assert by_status(result, "updated")[5].resident_id == rid


def test_blank_cell_never_clears_a_stored_value(db, ledger_actor, messy, tmp_path):
    import_ledger(db, ledger_actor, messy)
    rows = messy_rows()
    rows[4][7] = None  # 张三's phone left out of the next ledger
    result = import_ledger(db, ledger_actor, write_xlsx(tmp_path / "b.xlsx", rows, MERGES))
    assert result.updated == 0
    assert {r["name"]: r for r in rows_of(db, "resident")}["张三"]["phone"] == "13812345678"


def test_dry_run_writes_nothing_and_predicts_the_import(db, ledger_actor, messy):
    before = outbox_count(db)
    dry = import_ledger(db, ledger_actor, messy, dry_run=True)
    assert outbox_count(db) == before and rows_of(db, "resident") == []
    real = import_ledger(db, ledger_actor, messy)
    assert {k: v for k, v in dry.summary().items() if k != "dry_run"} == \
        {k: v for k, v in real.summary().items() if k != "dry_run"}


def test_cancel_writes_nothing(db, ledger_actor, tmp_path):
    rows = [["姓名", "身份证号", "地址"]]
    rows += [[f"居民{i}", make_id(f"1980{1 + i % 12:02d}{1 + i % 28:02d}", i % 1000), f"阳光花园{1 + i // 40}幢1单元{100 + i % 40}室"]
             for i in range(1, 1500)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    token = CancelToken()
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if done > total // 2:  # well into the writing phase
            token.cancel()

    before = outbox_count(db)
    with pytest.raises(Cancelled):
        import_ledger(db, ledger_actor, path, progress=progress, cancel=token)
    assert outbox_count(db) == before
    assert rows_of(db, "household") == [] and rows_of(db, "resident") == []
    assert seen and all(t == seen[0][1] for _, t in seen)  # a fixed total: the bar never jumps back
    # The same file imports fine afterwards.
    assert import_ledger(db, ledger_actor, path).created == 1499


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(db, ledger_actor, tmp_path, encoding):
    text = ("户主姓名,公民身份号码,住址,手机号,出生日期\n"
            f"张三,{ZHANG},阳光花园3幢2单元501室,138 1234 5678,2024-05-01\n"
            f"王五,{WANG},翠竹苑５幢1单元101,,\n")
    text = text.replace("2024-05-01", "1980-01-01")
    path = tmp_path / "台账.csv"
    path.write_bytes(text.encode(encoding))
    result = import_ledger(db, ledger_actor, path)
    assert result.created == 2, result.to_json()
    names = {r["name"]: r for r in rows_of(db, "resident")}
    assert names["张三"]["phone"] == "13812345678"
    assert {h["address"] for h in rows_of(db, "household")} == {"阳光花园3幢2单元501室", "翠竹苑5幢1单元101室"}


def test_csv_scientific_notation_is_reported_never_guessed(db, ledger_actor, tmp_path):
    path = tmp_path / "l.csv"
    path.write_text(f"姓名,身份证号,地址\n张三,1.10105E+17,阳光花园3幢2单元501室\n李四,{LI},阳光花园3幢2单元502室\n",
                    encoding="utf-8")
    result = import_ledger(db, ledger_actor, path)
    assert result.created == 1
    [bad] = result.rejections
    assert bad.row == 2 and bad.column == "身份证号" and "无法还原" in bad.reason


def test_unknown_headers_need_a_mapping_which_is_saved_for_next_time(db, ledger_actor, tmp_path):
    rows = [["名字", "证件", "住处", "手机"], ["张三", ZHANG, "阳光花园3幢2单元501室", "13812345678"]]
    path = write_xlsx(tmp_path / "odd.xlsx", rows)
    with pytest.raises(MappingError):
        import_ledger(db, ledger_actor, path)
    mapping = ColumnMapping(labels=rows[0], fields={0: "name", 1: "id_number", 2: "address", 3: "phone"},
                            header_rows=(1, 1))
    save_mapping(db, mapping)
    again = write_xlsx(tmp_path / "odd-2.xlsx", rows + [["李四", LI, "阳光花园3幢2单元501室", None]])
    shown = preview(db, again)
    assert shown["mapping"].saved and shown["rows"] == 2
    assert import_ledger(db, ledger_actor, again).created == 2


def test_saved_mapping_corrects_a_detected_one(db, ledger_actor, tmp_path):
    rows = [["姓名", "地址", "电话", "备注"], ["张三", "阳光花园3幢2单元501室", "13812345678", "13900000000"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    detected = preview(db, path)["mapping"]
    assert detected.fields == {0: "name", 1: "address", 2: "phone", 3: "notes"}
    detected.fields = {0: "name", 1: "address", 3: "phone"}  # the user says the real mobile is in 备注
    save_mapping(db, detected)
    import_ledger(db, ledger_actor, path)
    assert rows_of(db, "resident")[0]["phone"] == "13900000000"


def test_report_lists_rejected_rows_with_reasons(db, ledger_actor, messy, tmp_path):
    result = import_ledger(db, ledger_actor, messy, dry_run=True)
    out = write_report(result, tmp_path / "校验报告.xlsx")
    ws = load_workbook(out)["未导入"]
    header = [c.value for c in ws[3]]
    assert header[0] == "原行号" and header[-1] == "原因" and "身份证号" in header
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [r[0] for r in body] == [11, 12, 13, 14]
    id_col = header.index("身份证号")
    assert body[0][id_col] == BAD_CHECK and isinstance(body[0][id_col], str)
    assert "校验位" in body[0][-1]


def test_cli_import_json_and_report(db, tmp_path, messy):
    data_dir = db.path.parent
    runner = CliRunner()
    res = runner.invoke(cli, ["client", "import", "--data-dir", str(data_dir), *UNLOCK, str(messy), "--dry-run",
                              "--json", "--report", str(tmp_path / "r.xlsx")], input=SETUP_STDIN)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {k: out[k] for k in ("read", "created", "updated", "unchanged", "rejected")} == \
        {"read": 9, "created": 5, "updated": 0, "unchanged": 0, "rejected": 4}
    assert (tmp_path / "r.xlsx").exists() and rows_of(db, "resident") == []
    res = runner.invoke(cli, ["client", "import", "--data-dir", str(data_dir), *UNLOCK, str(messy)], input=SETUP_STDIN)
    assert res.exit_code == 0 and "created 5" in res.output


def test_imported_rows_sync_like_any_edit(db, ledger_actor, messy):
    before = outbox_count(db)
    import_ledger(db, ledger_actor, messy)
    with db.read() as conn:
        entries = conn.exec_driver_sql("SELECT seq, table_name, op, fields, user_id FROM outbox WHERE seq > ?"
                                       " ORDER BY seq", (before,)).fetchall()
    assert [e[0] for e in entries] == list(range(before + 1, before + 1 + len(entries)))  # no gaps
    assert sorted({(t, op) for _, t, op, _, _ in entries}) == [("household", "insert"), ("resident", "insert")]
    first_person = next(json.loads(f) for _, t, _, f, _ in entries if t == "resident")
    assert first_person["data_source"] == "台账导入" and first_person["community_id"] == db.community_id
    assert {u for *_, u in entries} == {"u1"}


def test_household_level_error_rejects_the_household(db, ledger_actor, tmp_path):
    rows = [["姓名", "身份证号", "地址", "面积"],
            ["张三", ZHANG, "阳光花园3幢2单元501室", "250000"],
            ["李四", LI, "阳光花园3幢2单元501室", None],
            ["王五", WANG, "翠竹苑5幢1单元101室", "89.5㎡"]]
    result = import_ledger(db, ledger_actor, write_xlsx(tmp_path / "a.xlsx", rows))
    assert {o.row for o in result.rejections} == {2, 3}
    assert result.rejections[0].column == "面积" and "范围" in result.rejections[0].reason
    assert [h["area_m2"] for h in rows_of(db, "household")] == ["89.50"]


def test_fast_xlsx_reader_reads_what_openpyxl_reads(messy):
    from gridworker.ledger.reader import read_table, read_xlsx_openpyxl

    def trimmed(rows):
        out = [list(r) for r in rows]
        for r in out:
            while r and r[-1] is None:
                r.pop()
        while out and not out[-1]:
            out.pop()
        return out

    fast, full = read_table(messy), read_xlsx_openpyxl(messy, None)
    assert trimmed(fast.rows) == trimmed(full.rows)
    assert sorted(fast.merges) == sorted(full.merges) and fast.sheet == full.sheet == "台账"


@pytest.mark.parametrize("column,value,needle", [
    ("性别", "女", "性别"),               # ZHANG's ID says male
    ("人员标签", "外星人", "外星人"),
    ("与户主关系", "邻居", "邻居"),
    ("联系电话", "12345", "12345"),
    ("出生日期", "1980年2月30日", "1980年2月30日"),
    ("出生日期", "1981-01-01", "1981-01-01"),  # not the birth date in the ID number
    ("姓名", None, "姓名"),
])
def test_rejection_names_the_column_and_value(db, ledger_actor, tmp_path, column, value, needle):
    header = ["姓名", "身份证号", "地址", "性别", "出生日期", "与户主关系", "联系电话", "人员标签"]
    row = ["张三", ZHANG, "阳光花园3幢2单元501室", "男", "1980-01-01", "户主", "13812345678", "独居老人"]
    row[header.index(column)] = value
    result = import_ledger(db, ledger_actor, write_xlsx(tmp_path / "x.xlsx", [header, row]))
    [bad] = result.rejections
    assert bad.column == column and needle in bad.reason, bad.reason
    assert rows_of(db, "resident") == []


def test_person_who_moved_is_moved_not_duplicated(db, ledger_actor, tmp_path):
    header = ["姓名", "身份证号", "地址", "与户主关系"]
    before = [header, ["张三", ZHANG, "阳光花园3幢2单元501室", "户主"], ["李四", LI, "阳光花园3幢2单元501室", "妻"]]
    after = [header, ["张三", ZHANG, "阳光花园3幢2单元501室", "户主"], ["李四", LI, "阳光花园3幢2单元502室", "户主"]]
    import_ledger(db, ledger_actor, write_xlsx(tmp_path / "a.xlsx", before))
    result = import_ledger(db, ledger_actor, write_xlsx(tmp_path / "b.xlsx", after))
    assert (result.created, result.updated, result.unchanged, result.households_created) == (0, 1, 1, 1)
    people = {r["name"]: r for r in rows_of(db, "resident")}
    homes = {h["id"]: h["address"] for h in rows_of(db, "household")}
    assert len(people) == 2 and homes[people["李四"]["household_id"]] == "阳光花园3幢2单元502室"
    assert people["李四"]["relation"] == "02"


def test_control_and_bidi_characters_are_reported_by_row_and_column(db, ledger_actor, tmp_path):
    header = ["姓名", "身份证号", "地址", "备注"]
    rows = [["居民台账"], header,
            ["张三", ZHANG, "阳光花园3幢2单元501室", "腿脚不便\n需上门 👍"],       # line break and emoji: fine
            ["李\u202e四", LI, "阳光花园3幢2单元502室", None],                 # a name that reads backwards
            ["王五", WANG, "翠竹苑5幢\u2066\u20681单元101室", None]]
    result = import_ledger(db, ledger_actor, write_xlsx(tmp_path / "bidi.xlsx", rows))
    bad = {o.row: o for o in result.rejections}
    assert sorted(bad) == [4, 5] and result.created == 1
    assert bad[4].column == "姓名" and "U+202E" in bad[4].reason and "\u202e" not in bad[4].reason
    assert bad[5].column == "地址" and "U+2066" in bad[5].reason
    [zhang] = rows_of(db, "resident")
    assert zhang["name"] == "张三" and "👍" in zhang["notes"]
    path = tmp_path / "bell.csv"
    path.write_text(f"姓名,身份证号,地址\n赵\x1f六,{ZHAO},锦绣华庭8幢1单元1203室\n", encoding="utf-8")
    [bell] = import_ledger(db, ledger_actor, path).rejections
    assert (bell.row, bell.column) == (2, "姓名") and "含有不可见的控制字符 U+001F" in bell.reason
