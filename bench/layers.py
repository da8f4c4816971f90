"""The house in figures: modules and lines, lines in ui/, import circles, guarded imports, ui modules
that import the server, and database calls left in ui/ (the rules tests/test_layers.py enforces).

    python -m bench.layers [CHECKOUT]      # default: this checkout

Reads the code's imports with ``ast``; runs none of it.
"""
import ast, sys, os, re
from pathlib import Path
root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
pkg = root / "gridworker"
mods = {}
for p in pkg.rglob("*.py"):
    name = ".".join(p.relative_to(root).with_suffix("").parts)
    if name.endswith(".__init__"): name = name[:-9]
    mods[name] = p
def resolve(cur, node):
    out = []
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name.startswith("gridworker"): out.append(a.name)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = cur.split(".")
            if not mods[cur].name == "__init__.py": base = base[:-1]
            base = base[:len(base) - node.level + 1]
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        if mod.startswith("gridworker"):
            subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in mods]
            out.extend(subs)
            if len(subs) < len(node.names): out.append(mod)
    return [m for m in out if m in mods]
graph = {}
guarded = 0; importlib_uses = 0
for m, p in mods.items():
    tree = ast.parse(p.read_text())
    deps = set()
    typing_only = {id(n) for b in ast.walk(tree) if isinstance(b, ast.If)
                   and getattr(b.test, "id", getattr(b.test, "attr", None)) == "TYPE_CHECKING" for n in ast.walk(b)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in typing_only:
            deps.update(resolve(m, node))
        if isinstance(node, ast.Try):
            if any(isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") or
                   isinstance(h.type, ast.Tuple) and any(getattr(e, "id", "") in ("ImportError", "ModuleNotFoundError") for e in h.type.elts)
                   for h in node.handlers): guarded += 1
    if "importlib" in p.read_text(): importlib_uses += 1
    graph[m] = deps - {m}
# package-level circles between modules (strongly connected components size>1)
idx = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in graph[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
for v in graph:
    if v not in idx: sc(v)
ui_lines = sum(len(p.read_text().splitlines()) for m, p in mods.items() if m.startswith("gridworker.ui"))
ui_server = [m for m in mods if m.startswith("gridworker.ui") and any(d.startswith("gridworker.server") for d in graph[m])]
print(f"modules {len(mods)}  lines {sum(len(p.read_text().splitlines()) for p in mods.values())}  ui lines {ui_lines}")
print(f"guarded imports (try/except ImportError) {guarded}; files mentioning importlib {importlib_uses}")
print(f"ui modules importing server: {ui_server}")
print(f"import circles: {len(sccs)}")
for s in sccs: print("  ", " <-> ".join(x.replace('gridworker.', '') for x in s))
sql = 0
for m, p in mods.items():
    if m.startswith("gridworker.ui"):
        sql += len(re.findall(r"exec_driver_sql|db\.write\(|sync_transaction\(|uow\.", p.read_text()))
print(f"db writes / raw SQL calls in ui/: {sql}")
