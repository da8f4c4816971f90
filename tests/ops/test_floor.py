"""The operations floor itself: Qt-free, every operation listed, and the registry's parsing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gridworker.domain.errors import ValidationError

REQUIRED = {"household.add", "household.update", "household.delete", "visit.log", "visit.void", "contact.assign",
            "issue.report", "issue.step", "ballot.vote", "review.settle"}


def test_importing_the_operations_loads_no_qt():
    code = ("import sys, gridworker.ops, gridworker.cli; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_op_list_names_every_operation_with_its_parameters():
    out = subprocess.run([sys.executable, "-m", "gridworker", "op", "list", "--json"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    listed = {o["name"]: o for o in json.loads(out.stdout)["operations"]}
    assert REQUIRED <= set(listed), sorted(REQUIRED - set(listed))
    visit = {p["name"]: p for p in listed["visit.log"]["params"]}
    assert visit["household_id"]["required"] and visit["issue"]["type"] == "json"
    assert listed["visit.log"]["summary"].startswith("登记走访")


def test_values_from_the_command_line_are_parsed_to_the_parameters_types(db):
    from gridworker.ops.base import Param

    assert Param("n", "int", True).parse("12") == 12
    assert Param("b", "bool", True).parse("是") is True
    assert Param("j", "json", True).parse('{"a": [1]}') == {"a": [1]}
    with pytest.raises(ValidationError) as err:
        Param("n", "int", True).parse("twelve")
    assert err.value.message == "应为整数"


def test_a_missing_parameter_is_named(db):
    from gridworker import ops

    with pytest.raises(ValidationError) as err:
        ops.run("visit.void", db, db.actor("u", "王", "grid_worker"), {"reason": "x"})
    assert err.value.message == "visit.void 缺少必填参数 visit_id"
