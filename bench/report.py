"""Render bench/RESULTS.md from a results.json written by ``python -m bench.run``.

    .venv/bin/python -m bench.report [RESULTS.json ...] [bench/RESULTS.md]

Default: bench/out/results.json into bench/RESULTS.md. Several result files (a full run and a
re-run of one section) give one table each. The tables are written between two marker lines, so
words written around them by hand stay.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def render(results: dict) -> str:
    """The machine line and the table of a results.json, as Markdown."""
    from bench.harness import table  # noqa: PLC0415

    m = results["machine"]
    lines = [f"Measured {m['date']} on {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu']}; {m['platform']}; "
             f"Python {m['python']}, SQLite {m['sqlite']} (the plain floor)"
             f"{', laptop driver SQLite ' + m['sqlcipher_sqlite'] if m.get('sqlcipher_sqlite') else ''}, "
             f"orjson {m['orjson']}; load average at start "
             f"{m['loadavg_start']}, at end {m.get('loadavg_end')}; whole run {m.get('suite_s')} s"
             f"{' (--quick)' if results.get('quick') else ''}; sections: {', '.join(results['sections'])}.",
             "", table(results["rows"])]
    if results.get("errors"):
        lines += ["", "Sections that failed: " + "; ".join(f"{k}: {v.strip().splitlines()[-1]}" for k, v in results["errors"].items())]
    return "\n".join(lines)


def main() -> int:
    args = [Path(a) for a in sys.argv[1:]]
    dst = args.pop() if args and args[-1].suffix == ".md" else ROOT / "bench" / "RESULTS.md"
    sources = args or [ROOT / "bench" / "out" / "results.json"]
    body = "\n\n".join(render(json.loads(src.read_text())) for src in sources)
    text = dst.read_text() if dst.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    dst.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}")
    print(f"wrote {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
