"""The house rules of ARCHITECTURE.md §2, read from the code's own imports (no module is run).

- nothing below gridworker/ui imports PySide6; gridworker/ui imports nothing from gridworker/server;
- nothing under gridworker/ loads its own modules through importlib or a guarded import;
- the only import circle inside gridworker/ is store/database <-> store/uow;
- ui/ runs no SQL and writes nothing itself: it calls ops/.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "gridworker"
ALLOWED_CIRCLES = [{"gridworker.store.database", "gridworker.store.uow"}]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The gridworker modules ``name`` imports (at any level of the file)."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", getattr(block.test, "attr", None)) == "TYPE_CHECKING"
                   for n in ast.walk(block)}  # imports for annotations only make no circle at run time
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            submodules = {f"{module}.{a.name}" for a in node.names} & set(MODULES)
            found.update(submodules)
            if len(submodules) < len(node.names):  # names from the module itself, not only its submodules
                found.add(module)
    return found


GRAPH = {m: {d for d in _imports(m) if d in MODULES and d != m} for m in MODULES}
ALL_IMPORTS = {m: _imports(m) for m in MODULES}


def _circles() -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(comp)

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return circles


def test_no_qt_below_ui():
    offenders = [m for m, deps in ALL_IMPORTS.items()
                 if not m.startswith("gridworker.ui") and any(d.startswith("PySide6") for d in deps)]
    assert offenders == []


def test_ui_does_not_import_the_server():
    offenders = [m for m, deps in ALL_IMPORTS.items()
                 if m.startswith("gridworker.ui") and any(d.startswith("gridworker.server") for d in deps)]
    assert offenders == []


def test_no_importlib_or_guarded_imports_of_our_own_modules():
    offenders = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text("utf-8"))
        if "importlib" in ALL_IMPORTS[name]:
            offenders.append(f"{name}: importlib")
        for node in ast.walk(tree):
            if isinstance(node, ast.Try):
                caught = {getattr(h.type, "id", None) for h in node.handlers} | {
                    getattr(e, "id", None) for h in node.handlers if isinstance(h.type, ast.Tuple) for e in h.type.elts}
                own = any(isinstance(n, ast.ImportFrom) and (n.level or (n.module or "").startswith("gridworker"))
                          for n in ast.walk(ast.Module(body=node.body, type_ignores=[])))
                if caught & {"ImportError", "ModuleNotFoundError"} and own:
                    offenders.append(f"{name}:{node.lineno}: guarded import")
    assert offenders == []


def test_the_only_import_circle_is_the_database_and_its_unit_of_work():
    assert [c for c in _circles() if c not in ALLOWED_CIRCLES] == []


def test_ui_runs_no_sql_and_writes_nothing_itself():
    pattern = re.compile(r"exec_driver_sql|\.execute\(|sync_transaction\(|db\.write\(|\buow\.|text\(\s*[\"']SELECT|"
                         r"select\(")
    offenders = []
    for name, path in MODULES.items():
        if not name.startswith("gridworker.ui"):
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{path.relative_to(PKG.parent)}:{n}: {line.strip()}")
    assert offenders == []
