"""The round-two bench command renders its table (no database, no server; < 1 s)."""
import subprocess
import sys
from pathlib import Path


def test_round2_smoke():
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-m", "bench.run", "--round2", "--smoke"], cwd=str(root),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "city server vs one-community server" in r.stdout
