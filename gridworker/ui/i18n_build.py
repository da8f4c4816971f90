"""Refresh the translation sources and build the ``.qm`` files: ``python -m gridworker.ui.i18n_build``.

1. ``pyside6-lupdate`` reads every ``tr()`` under ``gridworker/ui`` into
   ``resources/i18n/gridworker_zh_CN.ts`` and ``gridworker_en.ts`` (existing translations are kept;
   strings no longer in the code are dropped).
2. Strings passed to ``tr()`` as variables (code-list labels such as 已受理 or 独居老人) cannot be
   seen by lupdate; :data:`DYNAMIC` lists them per context and they are added here.
3. zh_CN is the source language: each message's translation is its source text.
   English: a message without a translation gets one from :mod:`gridworker.ui.i18n_en` when it
   has one; translations already in the ``.ts`` (edited in Qt Linguist) are never overwritten.
4. ``pyside6-lrelease`` builds ``.qm`` next to each ``.ts`` (build outputs, git-ignored).

Prints what it did; exits 1 if a tool is missing or fails. ``--check`` also lists English
messages still untranslated and exits 1 when there are any.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ..paths import install_root

LANGUAGES = ("zh_CN", "en")


def _dynamic() -> dict[str, list[str]]:
    """Strings given to tr() through a variable, per translation context (the class name)."""
    from ..domain import codes  # noqa: PLC0415
    from ..domain.issues import STATUSES  # noqa: PLC0415
    from .labels import all_labels  # noqa: PLC0415

    care = list(codes.CARE_TAGS)
    levels = list(codes.ATTENTION_LEVELS.values())
    tables = ["组织", "楼栋", "住户", "居民", "党员", "联户关系", "表决", "表决选项", "吹哨事项", "走访", "投票",
              "事项处理", "积分", "审计", "议事会议", "议事决定"]
    fields = ["地址", "户主", "电话", "姓名", "身份证号", "标签", "备注", "关注等级", "住房性质", "人户状态", "面积",
              "网格", "楼栋", "与户主关系", "出生日期", "性别", "标题", "说明", "情况摘要", "有效", "原因", "支部",
              "选项", "方式", "走访时间", "（整条记录）"]
    return {
        "HouseholdTableModel": levels,
        "OverviewWorkspace": list(STATUSES.values()) + care,
        "SyncWorkspace": tables + fields,
        "MainWindow": ["管理员", "网格员", "党员"],
        "LoginDialog": ["管理员", "网格员", "党员中心户", "联户党员"],  # the demo users' roles
        "codes": all_labels(),  # ui/labels.py: code-list labels on screen
    }


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"i18n_build: {name} not found (install PySide6)")
    return found


def run_lupdate(sources: list[Path], ts_files: list[Path]) -> None:
    cmd = [_tool("pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete",
           *map(str, sources), "-ts", *map(str, ts_files)]
    subprocess.run(cmd, check=True)


def run_lrelease(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def _numerus(message: ET.Element) -> bool:
    return message.get("numerus") == "yes"


def _set_translation(message: ET.Element, text: str | list[str], plural_forms: int) -> None:
    tr = message.find("translation")
    if tr is None:
        tr = ET.SubElement(message, "translation")
    tr.attrib.pop("type", None)
    for child in list(tr):
        tr.remove(child)
    if _numerus(message):
        forms = text if isinstance(text, list) else [text] * plural_forms
        tr.text = None
        for form in forms[:plural_forms] + [forms[-1]] * (plural_forms - len(forms)):
            ET.SubElement(tr, "numerusform").text = form
    else:
        tr.text = text if isinstance(text, str) else text[0]


def _has_translation(message: ET.Element) -> bool:
    tr = message.find("translation")
    if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete"):
        return False
    if _numerus(message):
        return any((f.text or "").strip() for f in tr.findall("numerusform"))
    return bool((tr.text or "").strip())


def _add_dynamic(root: ET.Element) -> None:
    contexts = {c.findtext("name"): c for c in root.findall("context")}
    for name, strings in _dynamic().items():
        ctx = contexts.get(name)
        if ctx is None:
            ctx = ET.SubElement(root, "context")
            ET.SubElement(ctx, "name").text = name
            contexts[name] = ctx
        have = {m.findtext("source") for m in ctx.findall("message")}
        for s in strings:
            if s not in have:
                m = ET.SubElement(ctx, "message")
                ET.SubElement(m, "source").text = s
                ET.SubElement(m, "translation", {"type": "unfinished"})
                have.add(s)


def fill(ts: Path, language: str) -> tuple[int, list[str]]:
    """Add dynamic strings and fill translations; returns (filled, still missing)."""
    from .i18n_en import EN  # noqa: PLC0415

    tree = ET.parse(ts)
    root = tree.getroot()
    root.set("language", language)
    root.set("sourcelanguage", "zh_CN")
    _add_dynamic(root)
    filled, missing = 0, []
    for ctx in root.findall("context"):
        cname = ctx.findtext("name") or ""
        for message in ctx.findall("message"):
            source = message.findtext("source") or ""
            if language == "zh_CN":
                _set_translation(message, source, 1)
                filled += 1
                continue
            if _has_translation(message):
                continue
            english = EN.get((cname, source)) or EN.get(source)
            if english is None:
                missing.append(f"{cname}: {source}")
                continue
            _set_translation(message, english, 2)
            filled += 1
    ET.indent(tree, space="    ")
    with open(ts, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(fh, encoding="utf-8", xml_declaration=False)
        fh.write(b"\n")
    return filled, missing


def sources(ui_dir: Path) -> list[Path]:
    return sorted(p for p in ui_dir.rglob("*.py") if "__pycache__" not in p.parts
                  and p.name not in ("i18n_build.py", "i18n_en.py"))


def build(*, check: bool = False, quiet: bool = False) -> int:
    root = install_root()
    i18n = root / "resources" / "i18n"
    i18n.mkdir(parents=True, exist_ok=True)
    ts_files = [i18n / f"gridworker_{lang}.ts" for lang in LANGUAGES]
    run_lupdate(sources(root / "gridworker" / "ui"), ts_files)
    status = 0
    for lang, ts in zip(LANGUAGES, ts_files):
        filled, missing = fill(ts, lang)
        qm = run_lrelease(ts)
        if not quiet:
            print(f"{ts.relative_to(root)}: {filled} filled, {len(missing)} untranslated -> {qm.name}")
        if missing and check:
            status = 1
            for m in missing:
                print(f"  untranslated: {m}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list untranslated English strings; exit 1 if any")
    args = parser.parse_args(argv)
    return build(check=args.check)


if __name__ == "__main__":
    sys.exit(main())
