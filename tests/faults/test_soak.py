"""A CI-sized run of the soak (bench/soak.py, #20): sync processes and the server SIGKILLed at random
points, the server restored once from a backup with a new epoch; at the end every change is on the
server once and every laptop verifies. The full soak (--kills 1000) is run by hand (README); CI runs 6 rounds."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_soak_loses_and_doubles_nothing(tmp_path):
    spec = importlib.util.spec_from_file_location("soak", ROOT / "bench" / "soak.py")
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    result = soak.soak(kills=6, laptops=2, seed=7, db=None, work=tmp_path)
    assert result["restored_once"] and result["changes"] > 0
    assert (result["lost"], result["doubled"]) == (0, 0), result
    assert result["laptops_verified"], result
    assert result["sync_kills"] + result["server_kills"] > 0, "something was killed"
