"""After ``/usr/bin/time -v gridworker server seed-demo ... --json > bench/out/city_seed.json 2> bench/out/city_seed.err``:
bench/out/city_seed_summary.json (rows, wall seconds, peak RSS, pg_database_size) for bench.round2."""
import json
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
url = sys.argv[1] if len(sys.argv) > 1 else "postgresql+psycopg://postgres@127.0.0.1:5432/gw_city_bench"
err = (OUT / "city_seed.err").read_text()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1).split(":")
seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = float(re.search(r"User time \(seconds\): (\S+)", err).group(1)) + float(re.search(r"System time \(seconds\): (\S+)", err).group(1))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
seed = json.loads((OUT / "city_seed.json").read_text())
eng = create_engine(url)
with eng.connect() as c:
    size = int(c.execute(text("SELECT pg_database_size(current_database())")).scalar())
summary = {"rows": sum(seed["rows"].values()), "by_table": seed["rows"], "communities": len(seed["communities"]),
           "seconds": seconds, "client_cpu_s": cpu, "client_peak_rss_mb": round(rss), "size_gb": size / 1e9,
           "load": sys.argv[2] if len(sys.argv) > 2 else "/".join(f"{x:.1f}" for x in os.getloadavg()),
           "date": sys.argv[3] if len(sys.argv) > 3 else datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
(OUT / "city_seed_summary.json").write_text(json.dumps(summary, ensure_ascii=False))
print(json.dumps(summary, ensure_ascii=False))
