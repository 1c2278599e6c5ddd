"""The layout is the architecture: layer rules and no import cycles among the project's modules,
and the repository cites only its own files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a module may import from the layers listed for it (and from itself); `derivations` is the
# exact SymPy side and is importable from everywhere but imports nothing of `verify`
ALLOWED = {
    "verify.core": {"verify.core"},
    "verify.simulation": {"verify.core", "verify.simulation"},
    # a claim unit carries its SMT encoding, built from the obligation blocks of verify.proofs.encode
    "verify.claims": {"verify.core", "verify.simulation", "verify.claims", "verify.proofs.encode"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Project modules imported anywhere in the file (including function-local imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {id(n) for blk in ast.walk(tree) if isinstance(blk, ast.If)
                 and ast.unparse(blk.test) == "TYPE_CHECKING" for st in blk.body for n in ast.walk(st)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in ("verify", "derivations"):
                out.add(node.module)
                for a in node.names:
                    out.add(f"{node.module}.{a.name}")
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] in ("verify", "derivations"))
    return out


def _project_modules() -> dict[str, Path]:
    files = list((ROOT / "verify").rglob("*.py")) + list((ROOT / "derivations").rglob("*.py"))
    return {_module_name(p): p for p in files}


def test_layer_rules():
    mods = _project_modules()
    bad = []
    for name, path in mods.items():
        for layer, allowed in ALLOWED.items():
            if name == layer or name.startswith(layer + "."):
                for imp in _imports(path):
                    if imp in ("verify", "verify.__version__"):
                        continue  # the package's own version string
                    if imp.startswith("verify") and not any(
                            imp == a or imp.startswith(a + ".") for a in allowed):
                        bad.append(f"{name} imports {imp}")
        if name.startswith("derivations"):
            bad += [f"{name} imports {i}" for i in _imports(path) if i.startswith("verify")]
    assert not bad, bad


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """A dependency cycle of the graph as a path [a, …, a], or [] when it is acyclic."""
    state: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> list[str]:
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if state.get(m) is None:
                found = visit(m, stack + [m])
                if found:
                    return found
        state[n] = 2
        return []

    for n in sorted(graph):
        if state.get(n) is None:
            found = visit(n, [n])
            if found:
                return found
    return []


def _import_graph() -> dict[str, set[str]]:
    mods = _project_modules()
    graph = {}
    for name, path in mods.items():
        deps = set()
        for imp in _imports(path):
            # resolve `from pkg import module` to the module when it exists
            target = imp if imp in mods else imp.rsplit(".", 1)[0]
            if target in mods and target != name and not name.startswith(target + "."):
                deps.add(target)
        graph[name] = deps
    return graph


def test_no_import_cycles():
    cycle = find_cycle(_import_graph())
    assert not cycle, " -> ".join(cycle)


def test_cycle_finder_negative_control():
    """The cycle search finds planted cycles (direct and through a third module) and accepts a DAG."""
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()})
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_repository_cites_only_its_own_files():
    """No reference to the product brief's files, which are not in the repository."""
    pat = re.compile(r"\b(DESIGN|EXPERIMENTS|CLAIMS)\.md\b|notes/thm13\.md")
    hits = []
    for p in list(ROOT.glob("*.md")) + list((ROOT / "docs").glob("*.md")) + list(
            (ROOT / "verify").rglob("*.py")) + list((ROOT / "derivations").rglob("*.py")):
        if pat.search(p.read_text(encoding="utf-8")):
            hits.append(str(p.relative_to(ROOT)))
    assert not hits, hits
