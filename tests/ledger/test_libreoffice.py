"""Exports open in a real office program: LibreOffice converts each headlessly and the values read back."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess

import pytest

from gridworker.ledger import export, import_ledger

from ledger_helpers import make_id, write_xlsx
from test_export import LI, NOW, ZHANG, community  # noqa: F401 - the fixture is reused

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (Debian package libreoffice-calc-nogui; "
                            ".ci/apt-packages.txt lists it for CI)")


def to_csv(files, tmp_path) -> dict[str, list[list[str]]]:
    """Convert the first sheet of each file with one LibreOffice run (UTF-8, comma separated)."""
    outdir = tmp_path / "lo-out"
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs never share a lock
    # Filter options: separator 44 (,), quote 34 ("), charset 76 (UTF-8), first line 1, ...,
    # save cell contents as shown (true), ..., sheet 1.
    fmt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,1"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = {}
    for f in files:
        # With a sheet number LibreOffice names the output "<file>-<sheet>.csv".
        found = sorted(outdir.glob(f"{f.stem}-*.csv")) or sorted(outdir.glob(f"{f.stem}.csv"))
        assert found, proc.stdout + proc.stderr
        produced = found[0]
        with produced.open(encoding="utf-8", newline="") as fh:
            out[f.stem] = list(csv.reader(fh))
    return out


def test_every_export_reads_back_through_libreoffice(db, actor, community, tmp_path):  # noqa: F811
    files = [export(db, actor, what, tmp_path / f"{what}.xlsx", unmask=True, ballot_id=community["ballot"],
                    month=NOW.strftime("%Y-%m")).path
             for what in ("households", "residents", "contacts", "visits", "issues", "ballot", "monthly")]
    sheets = to_csv(files, tmp_path)
    for name, rows in sheets.items():
        assert rows[1][0].startswith("导出时间"), name
        assert len(rows) > 3, name  # title, time, header and at least one row

    rows = sheets["residents"]
    assert "人员花名册" in rows[0][0]
    header = rows[2]
    body = {r[1]: dict(zip(header, r)) for r in rows[3:] if len(r) > 1}
    # ID numbers stay text: a number would come back as 3.20211E+17
    assert body["张三"]["公民身份号码"] == ZHANG and body["李四"]["公民身份号码"] == LI
    assert body["张三"]["出生日期"] == "1980-01-01"  # a real date, shown in the date format
    assert body["张三"]["联系电话"] == "13812345678"

    facts = {r[0]: r[1] for r in sheets["ballot"][3:] if r}
    assert facts["表决结果"] == "未通过" and facts["应参与户数"] == "2"

    rows = sheets["issues"]
    issue = dict(zip(rows[2], rows[3]))
    assert issue["当前状态"] == "核查结案"
    assert dt.datetime.strptime(issue["上报时间"], "%Y-%m-%d %H:%M")

    households = {r[2]: dict(zip(sheets["households"][2], r)) for r in sheets["households"][3:]}
    assert households["阳光花园3幢2单元501室"]["面积（㎡）"] == "89.5"


def test_libreoffice_saved_ledger_imports(db, actor, tmp_path):
    """A ledger re-saved by LibreOffice (as WPS/Excel users do) imports the same as the original."""
    rows = [["居民台账"], ["姓名", "身份证号", "地址", "出生日期"],
            ["张三", make_id("19800101", 11), "阳光花园3幢2单元501室", dt.date(1980, 1, 1)]]
    src = write_xlsx(tmp_path / "src.xlsx", rows, text_columns=(2,))
    outdir = tmp_path / "resaved"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(outdir),
                           str(src)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    result = import_ledger(db, actor, outdir / "src.csv")
    assert result.created == 1, result.to_json()
