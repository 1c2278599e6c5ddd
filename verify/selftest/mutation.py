"""Mutation testing of the mathematics: seeded errors that the kill suite must detect.

A *mutant* is one small, deterministic edit of the Python AST of a formula — the kinds of
error a derivation or an implementation of the paper can contain:

  sign      a + b ↔ a − b, −x → x
  factor    a · b ↔ a / b
  const     an integer coefficient c → c + 1, a float c → 2c (0 → 1), a boolean flipped
  power     x**n → x**(n ± 1) (exponent off by one)
  compare   < ↔ ≤, > ↔ ≥, == ↔ !=, `is` ↔ `is not`, `and` ↔ `or`, `not x` → x
  block     a block quantity over the wrong block: s_D ↔ s_B, τ_D ↔ τ_B, …, s_min ↔ s_max,
            λ_k ↔ λ_{k+1}, λ_1 ↔ λ_d (attribute and variable names)

Mutants are made in the functions of the modules listed in `[tool.salign.mutation]` of
pyproject.toml and, for `derivations.*`, in the module-level formula assignments (SymPy
expressions built at import). A mutant is applied inside a forked child process: the
function's code object is replaced (`f.__code__ = mutated`), so every module that imported
the function sees the mutant; module-level formulas of `derivations.*` are re-executed. The
child then runs, with pytest, the kill-suite tests that executed the mutated function in an
unmutated baseline run (coverage by `sys.setprofile`), cheapest first, stopping at the first
failure. Outcomes: killed (a test failed), timeout (killed: the suite did not finish within
`timeout_factor` × its baseline time), survived (all covering tests passed), uncovered (no
kill-suite test runs the code: a survivor by definition).

Survivors are listed with a reason; `EQUIVALENT` (verify/selftest/equivalents.json) records the
mutants shown to be equivalent (no input can tell them apart) with the argument why.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib
import json
import os
import select
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

BLOCK_SWAPS = {
    **{f"{a}D": f"{a}B" for a in ("s", "tau", "u", "psi", "e", "n", "t", "E")},
    **{f"{a}B": f"{a}D" for a in ("s", "tau", "u", "psi", "e", "n", "t", "E")},
    "smin": "smax", "smax": "smin", "lamk": "lamk1", "lamk1": "lamk", "lam1": "lamd",
    "lamd": "lam1", "normD2": "norm2", "norm2": "normD2",
}
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
             ast.In: ast.NotIn, ast.NotIn: ast.In}


@dataclass(frozen=True)
class Mutant:
    """One seeded error. `key` is stable under edits elsewhere in the module."""

    key: str
    module: str
    scope: str  # function name, or "<module>" for a module-level formula
    line: int
    operator: str
    original: str
    mutated: str


@dataclass
class Outcome:
    key: str
    status: str  # killed | timeout | survived | uncovered | error
    seconds: float
    tests_run: int = 0
    killed_by: str | None = None
    detail: str = ""


# --------------------------------------------------------------------------- configuration
def load_config(wide: bool = False) -> dict[str, Any]:
    """`[tool.salign.mutation]` of the project's pyproject.toml; with `wide`, its modules, exclude
    list and kill suite extended by `[tool.salign.mutation.wide]` (the widened scope: every module
    that computes or decides mathematics, methods and decorated functions included)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    with open(ROOT / "pyproject.toml", "rb") as fh:
        cfg = dict(tomllib.load(fh)["tool"]["salign"]["mutation"])
    extra = cfg.pop("wide", {})
    if wide:
        for key in ("modules", "exclude", "kill_suite"):
            cfg[key] = list(cfg.get(key, [])) + [x for x in extra.get(key, []) if x not in cfg.get(key, [])]
    return cfg


def load_equivalents() -> dict[str, str]:
    path = Path(__file__).with_name("equivalents.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


ARGUMENT_KINDS = ("tuning", "unreachable", "needs test", "killed after the run")


def load_arguments() -> dict[str, dict[str, str]]:
    """Arguments for surviving mutants that are *not* equivalent (verify/selftest/arguments.json):
    key → {"kind", "why"}, kind one of ARGUMENT_KINDS — tuning (a search budget, grid point,
    precision or tolerance changes, not what is computed), unreachable (the mutated code runs
    only on inputs no caller can pass), needs test (a real gap of the kill suite, named), killed
    after the run (a test written after the run kills it: named, and the mutant re-run). They
    are reported beside the survivor; unlike an equivalent mutant, a survivor with an argument
    still counts against the score."""
    path = Path(__file__).with_name("arguments.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def survivor_reason(key: str, detail: str, equivalents: dict[str, str],
                    arguments: dict[str, dict[str, str]]) -> tuple[bool, str]:
    """(equivalent?, the reason printed beside a surviving mutant)."""
    if key in equivalents:
        return True, equivalents[key]
    if key in arguments:
        a = arguments[key]
        return False, f"{a['kind']}: {a['why']}"
    return False, detail or "no covering test failed"


# --------------------------------------------------------------------------- enumeration
def _docstring_nodes(fn: ast.AST) -> set[int]:
    body = getattr(fn, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return {id(body[0].value)}
    return set()


def _skip_subtrees(root: ast.AST) -> set[int]:
    """Nodes never mutated: raise statements (messages), f-strings, annotations, docstrings."""
    skip: set[int] = set(_docstring_nodes(root))
    for node in ast.walk(root):
        subtrees: list[ast.AST] = []
        if isinstance(node, (ast.Raise, ast.JoinedStr, ast.Assert)):
            subtrees.append(node)
        if isinstance(node, ast.arg) and node.annotation is not None:
            subtrees.append(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            subtrees.append(node.returns)
        if isinstance(node, ast.AnnAssign):
            subtrees.append(node.annotation)
        for sub in subtrees:
            skip.update(id(n) for n in ast.walk(sub))
    return skip


def _edits(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, Any]]:
    """(operator label, edit) pairs for one node; an edit is applied by `_apply_edit`."""
    if isinstance(node, ast.BinOp):
        if type(node.op) in _BINOP_SWAP:
            kind = "sign" if isinstance(node.op, (ast.Add, ast.Sub)) else "factor"
            yield kind, ("op", _BINOP_SWAP[type(node.op)])
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and \
                isinstance(node.right.value, int) and not isinstance(node.right.value, bool):
            yield "power", ("exp", +1)
            yield "power", ("exp", -1)
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            yield "sign", ("drop_unary", None)
        elif isinstance(node.op, ast.Not):
            yield "compare", ("drop_unary", None)
    elif isinstance(node, ast.Constant):
        v = node.value
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.right is node:
            return  # exponents: the "power" operator
        if isinstance(v, bool):
            yield "const", ("value", not v)
        elif isinstance(v, int):
            yield "const", ("value", v + 1)
        elif isinstance(v, float):
            yield "const", ("value", 2 * v if v else 1.0)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP_SWAP:
        yield "compare", ("cmp", _CMP_SWAP[type(node.ops[0])])
    elif isinstance(node, ast.BoolOp):
        yield "compare", ("boolop", ast.Or if isinstance(node.op, ast.And) else ast.And)
    elif isinstance(node, ast.Attribute) and node.attr in BLOCK_SWAPS:
        yield "block", ("attr", BLOCK_SWAPS[node.attr])
    elif isinstance(node, ast.Name) and node.id in BLOCK_SWAPS and isinstance(node.ctx, ast.Load):
        yield "block", ("name", BLOCK_SWAPS[node.id])


def _apply_edit(node: ast.AST, edit: tuple[str, Any]) -> ast.AST:
    """Return the replacement of `node` (a copy) for one edit."""
    what, arg = edit
    new = copy.deepcopy(node)
    if what == "op":
        new.op = arg()
    elif what == "exp":
        new.right = ast.Constant(new.right.value + arg)
    elif what == "drop_unary":
        return new.operand
    elif what == "value":
        new.value = arg
    elif what == "cmp":
        new.ops = [arg()]
    elif what == "boolop":
        new.op = arg()
    elif what == "attr":
        new.attr = arg
    elif what == "name":
        new.id = arg
    return new


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST):
        self.target, self.replacement = target, replacement

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return ast.copy_location(self.replacement, node)
        return super().generic_visit(node)


# decorators whose function is compiled elsewhere (numba): replacing its __code__ changes nothing
_COMPILED = ("njit", "jit", "vectorize", "guvectorize", "cfunc")


def _decorators(fn: ast.FunctionDef) -> set[str]:
    names = set()
    for d in fn.decorator_list:
        d = d.func if isinstance(d, ast.Call) else d
        names.add(d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", ""))
    return names


def _mutable_function(fn: ast.AST) -> bool:
    """A function whose code object can be swapped in place: not numba-compiled, and no
    zero-argument super() / __class__ (a method compiled outside its class has no such cell)."""
    if not isinstance(fn, ast.FunctionDef) or _decorators(fn) & set(_COMPILED):
        return False
    return not any(isinstance(n, ast.Name) and n.id in ("super", "__class__") for n in ast.walk(fn))


def _module_sites(module: str, tree: ast.Module, wide: bool = False) -> Iterator[tuple[str, ast.AST]]:
    """(scope, statement) pairs that are mutated: top-level functions (not decorated) and, for
    derivations, top-level formula assignments (whose value is not a symbol declaration). With
    `wide` (the widened scope, `--scope wide`) also decorated top-level functions and the methods
    of top-level classes (scope "Class.method"; properties, static and class methods included)."""
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and not stmt.decorator_list:
            yield stmt.name, stmt
        elif wide and isinstance(stmt, ast.FunctionDef) and _mutable_function(stmt):
            yield stmt.name, stmt
        elif wide and isinstance(stmt, ast.ClassDef):
            for meth in stmt.body:
                if _mutable_function(meth):
                    yield f"{stmt.name}.{meth.name}", meth
        elif module.startswith("derivations.") and isinstance(stmt, ast.Assign):
            src = ast.unparse(stmt.value)
            if "Symbol" not in src and "symbols" not in src and "DERIVATIONS" not in ast.unparse(
                    stmt.targets[0]):
                yield "<module>", stmt


def enumerate_mutants(modules: list[str], exclude: set[str] | None = None, wide: bool = False
                      ) -> list[tuple[Mutant, ast.AST, ast.AST]]:
    """Every mutant of the configured modules, in a deterministic order: (mutant, original
    statement, mutated statement); `wide` adds decorated functions and methods (`_module_sites`)."""
    exclude = exclude or set()
    out: list[tuple[Mutant, ast.AST, ast.AST]] = []
    for module in modules:
        mod = importlib.import_module(module)
        source = Path(mod.__file__).read_text(encoding="utf-8")
        tree = ast.parse(source)
        seen: dict[str, int] = {}
        for scope, stmt in _module_sites(module, tree, wide):
            if f"{module}.{scope}" in exclude:
                continue
            skip = _skip_subtrees(stmt)
            parents = {id(ch): nd for nd in ast.walk(stmt) for ch in ast.iter_child_nodes(nd)}
            for node in ast.walk(stmt):
                if id(node) in skip or node is stmt:
                    continue
                for op, edit in _edits(node, parents.get(id(node))):
                    seg = ast.get_source_segment(source, node) or ast.unparse(node)
                    replacement = _apply_edit(node, edit)
                    mutated_seg = ast.unparse(replacement)
                    if mutated_seg == ast.unparse(node):
                        continue
                    base = f"{module}.{scope}|{op}|{' '.join(seg.split())}→{mutated_seg}"
                    n = seen.get(base, 0)
                    seen[base] = n + 1
                    key = hashlib.sha1(f"{base}#{n}".encode()).hexdigest()[:12]
                    new_stmt = _mutated_statement(stmt, node, replacement)
                    out.append((Mutant(key, module, scope, node.lineno, op,
                                       " ".join(seg.split()), mutated_seg), stmt, new_stmt))
    return out


def _mutated_statement(stmt: ast.AST, target: ast.AST, replacement: ast.AST) -> ast.AST:
    """A deep copy of `stmt` with the node `target` (located by walk position) replaced."""
    order = [n for n in ast.walk(stmt)]
    idx = next(i for i, n in enumerate(order) if n is target)
    clone = copy.deepcopy(stmt)
    clone_target = list(ast.walk(clone))[idx]
    new = _Replace(clone_target, copy.deepcopy(replacement)).visit(clone)
    return ast.fix_missing_locations(new)


# --------------------------------------------------------------------------- applying a mutant
def _formula_assignments(module: str) -> list[ast.stmt]:
    mod = sys.modules[module]
    tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
    return [s for scope, s in _module_sites(module, tree) if scope == "<module>"]


def apply_mutant(mutant: Mutant, new_stmt: ast.AST) -> None:
    """Install the mutant in this process (call only in a disposable child process).

    A function mutant replaces the code object and the default values of the live function, so
    every reference to it (imports elsewhere, registries, lambdas) runs the mutant. The
    derivations' module-level formulas are then re-executed in import order, the mutated one in
    its mutated form, so that expressions built at import from a mutated function (or mutated
    themselves) change.
    """
    mod = importlib.import_module(mutant.module)
    if mutant.scope != "<module>":
        ns: dict[str, Any] = dict(mod.__dict__)
        bare = copy.deepcopy(new_stmt)
        bare.decorator_list = []  # the live object keeps its decorators; only its code changes
        code = compile(ast.Module(body=[bare], type_ignores=[]), mod.__file__, "exec")
        exec(code, ns)
        live, fresh = live_function(mod, mutant.scope), ns[bare.name]
        live.__code__ = fresh.__code__
        # default values are not part of the code object: a mutated default (`c=1.0` → `c=2.0`)
        # is installed with them (evaluated in the module's namespace, as at import)
        live.__defaults__, live.__kwdefaults__ = fresh.__defaults__, fresh.__kwdefaults__
    # every loaded derivations module, in import order (dependencies first)
    for name in [n for n in list(sys.modules) if n.startswith("derivations.")]:
        target = sys.modules[name]
        for stmt in _formula_assignments(name):
            # the mutated statement is a copy of this one: same first line (the mutated node
            # itself may sit on a later line of a multi-line formula)
            if name == mutant.module and mutant.scope == "<module>" and \
                    stmt.lineno == new_stmt.lineno:
                stmt = new_stmt
            exec(compile(ast.Module(body=[stmt], type_ignores=[]), target.__file__, "exec"),
                 target.__dict__)


def live_function(mod: Any, scope: str) -> Any:
    """The plain function object behind a scope: "f" (a decorated one unwrapped through
    __wrapped__) or "Class.method" (a property's getter, a static or class method's function)."""
    import inspect

    if "." not in scope:
        return inspect.unwrap(getattr(mod, scope))
    cls_name, meth = scope.split(".", 1)
    raw = vars(getattr(mod, cls_name))[meth]
    if isinstance(raw, property):
        return raw.fget
    if isinstance(raw, (staticmethod, classmethod)):
        return raw.__func__
    return inspect.unwrap(raw)


# --------------------------------------------------------------------------- coverage
class CoveragePlugin:
    """pytest plugin: which mutation scopes each test's call phase executes, and how long the
    test takes (code run at import is not traced: see `covering_tests` for its fallback)."""

    def __init__(self, code_scopes: dict[Any, str]):
        self.code_scopes = code_scopes
        self.covered: dict[str, set[str]] = {}
        self.seconds: dict[str, float] = {}
        self.failed: set[str] = set()

    def pytest_runtest_call(self, item):  # noqa: D401 — pytest hook
        hits: set[str] = set()
        scopes = self.code_scopes

        def prof(frame, event, arg):
            if event == "call":
                s = scopes.get(frame.f_code)
                if s is not None:
                    hits.add(s)

        self.covered[item.nodeid] = hits
        sys.setprofile(prof)

    def pytest_runtest_teardown(self, item):
        sys.setprofile(None)

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.seconds[report.nodeid] = report.duration
        if report.failed:
            self.failed.add(report.nodeid)


def code_scopes(modules: list[str]) -> dict[Any, str]:
    """Code object (including nested lambdas/functions) → 'module.scope'."""
    out: dict[Any, str] = {}

    def walk(code, scope: str) -> None:
        out[code] = scope
        for c in code.co_consts:
            if hasattr(c, "co_code"):
                walk(c, scope)

    import inspect

    for name in modules:
        mod = importlib.import_module(name)
        for attr, obj in vars(mod).items():
            if getattr(obj, "__module__", None) != name:
                continue
            if callable(obj) and not inspect.isclass(obj):
                fn = inspect.unwrap(obj)
                if hasattr(fn, "__code__"):
                    walk(fn.__code__, f"{name}.{attr}")
            elif inspect.isclass(obj):  # methods (the widened scope mutates them)
                for meth in vars(obj):
                    try:
                        fn = live_function(mod, f"{attr}.{meth}")
                    except (AttributeError, KeyError, ValueError):
                        continue
                    if hasattr(fn, "__code__") and fn.__code__ not in out:
                        walk(fn.__code__, f"{name}.{attr}.{meth}")
    return out


@dataclass
class Baseline:
    covered: dict[str, list[str]]
    seconds: dict[str, float]
    failed: list[str]
    wall: float


def pytest_args(tests: list[str], extra: list[str] | None = None) -> list[str]:
    return ["-q", "-p", "no:cacheprovider", "-o", "addopts=", "-m", "not slow and not browser",
            "--rootdir", str(ROOT), *(extra or []), *tests]


def run_baseline(tests: list[str], modules: list[str]) -> Baseline:
    """Run the kill suite once, unmutated, recording per-test coverage and time."""
    import pytest

    plugin = CoveragePlugin(code_scopes(modules))
    t0 = time.perf_counter()
    with _quiet():
        pytest.main(pytest_args(tests), plugins=[plugin])
    return Baseline({k: sorted(v) for k, v in plugin.covered.items()}, plugin.seconds,
                    sorted(plugin.failed), time.perf_counter() - t0)


class _quiet:
    """Redirect fds 1 and 2 to /dev/null for the duration (pytest's own output)."""

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        self.saved = os.dup(1), os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)

    def __exit__(self, *exc):
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        os.close(self.saved[0])
        os.close(self.saved[1])


def covering_tests(mutant: Mutant, base: Baseline, last: tuple[str, ...] = ()) -> list[str]:
    """Kill-suite tests that execute the mutated code, cheapest first.

    Exact (traced) coverage when the mutated function runs during some test. Otherwise, in
    derivations (a function used only at import, or a module-level formula — the only kind of
    module-level site), every test that runs any derivations code; in verify, none (uncovered).
    """
    want = f"{mutant.module}.{mutant.scope}"
    traced = mutant.scope != "<module>" and any(want in v for v in base.covered.values())
    fallback = mutant.module.startswith("derivations.")

    def hit(scopes: list[str]) -> bool:
        if traced:
            return want in scopes
        return fallback and any(s.startswith("derivations.") for s in scopes)

    tests = [t for t, scopes in base.covered.items() if hit(scopes) and t not in base.failed]
    # change detectors (golden-output tests) run last, so that `killed_by` names one of them
    # only when every semantic test passed
    return sorted(tests, key=lambda t: (t in last, base.seconds.get(t, 0.0), t))


# --------------------------------------------------------------------------- running
class _FirstFailure:
    def __init__(self):
        self.failed: str | None = None
        self.ran = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.ran += 1
        if report.failed and self.failed is None:
            self.failed = report.nodeid


def _report(wfd: int, status: str, killed_by: str | None, ran: int, detail: str) -> None:
    os.write(wfd, json.dumps({"status": status, "killed_by": killed_by, "ran": ran,
                              "detail": detail}).encode())
    os.close(wfd)
    os._exit(0)


def _watchdog(limits: dict[str, float], rec: _FirstFailure, wfd: int):
    """A pytest plugin for the forked child: each covering test's call phase gets its own time
    limit (`limits`, timeout_factor × that test's baseline, at least min_timeout), so an infinite
    loop in code every test reaches ends after one test's limit, not after the whole covering
    suite's; the child then reports a time-out naming the test. A thread watches the deadline
    (a test's own SIGALRM cannot disarm it), and ends the child if its parent has died (an
    interrupted worker leaves no mutant running)."""
    import threading

    import pytest

    parent = os.getppid()

    class Watchdog:
        node: str | None = None
        deadline: float | None = None

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_call(self, item):
            self.node = item.nodeid
            self.deadline = time.monotonic() + limits.get(item.nodeid, float("inf"))

        def pytest_runtest_logreport(self, report):
            if report.when == "call":
                self.deadline = None

    dog = Watchdog()

    def watch() -> None:
        while True:
            time.sleep(0.1)
            if os.getppid() != parent:
                os._exit(1)
            d, node = dog.deadline, dog.node
            if d is not None and time.monotonic() > d:
                _report(wfd, "timeout", node, rec.ran, f"{node}: > {limits[node]:.0f} s")

    threading.Thread(target=watch, daemon=True).start()
    return dog


def _child(mutant: Mutant, new_stmt: ast.AST, tests: list[str], wfd: int,
           limits: dict[str, float]) -> None:
    """Body of the forked child: apply, run the covering tests (each within its limit in
    `limits`), report through the pipe."""
    status, killed_by, ran, detail = "error", None, 0, ""
    try:
        import pytest

        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        apply_mutant(mutant, new_stmt)
        rec = _FirstFailure()
        rc = pytest.main(pytest_args(tests, ["-x"]), plugins=[rec, _watchdog(limits, rec, wfd)])
        ran = rec.ran
        if rec.failed is not None:
            status, killed_by = "killed", rec.failed
        elif int(rc) == 0:
            status = "survived"
        else:
            status, detail = "error", f"pytest exit code {int(rc)}"
    except BaseException as exc:  # the mutant broke the import-time formulas: detected
        status, killed_by, detail = "killed", "<apply>", f"{type(exc).__name__}: {exc}"[:200]
    _report(wfd, status, killed_by, ran, detail)


def run_mutants(items: list[tuple[Mutant, ast.AST, ast.AST]], base: Baseline,
                jobs: int = 2, timeout_factor: float = 10.0, min_timeout: float = 10.0,
                progress=None, last: tuple[str, ...] = ()) -> list[Outcome]:
    """Run every mutant in a forked child, `jobs` at a time; outcomes in input order."""
    outcomes: dict[str, Outcome] = {}
    queue = list(items)
    running: dict[int, tuple[Mutant, int, float, float, int]] = {}  # pid → (m, rfd, t0, limit, n)
    chunks: dict[int, bytes] = {}
    while queue or running:
        while queue and len(running) < jobs:
            mutant, _, new_stmt = queue.pop(0)
            tests = covering_tests(mutant, base, last)
            if not tests:
                outcomes[mutant.key] = Outcome(mutant.key, "uncovered", 0.0)
                continue
            # per test: timeout_factor × its baseline (the child's watchdog); the whole suite's
            # sum is the parent's backstop (a loop the watchdog thread cannot interrupt)
            limits = {t: max(min_timeout, timeout_factor * base.seconds.get(t, 0.0)) for t in tests}
            limit = max(min_timeout, timeout_factor * sum(base.seconds.get(t, 0.0) for t in tests))
            rfd, wfd = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                os.close(rfd)
                _child(mutant, new_stmt, tests, wfd, limits)
            os.close(wfd)
            running[pid] = (mutant, rfd, time.perf_counter(), limit, len(tests))
            chunks[rfd] = b""
        if not running:
            continue
        fds = [v[1] for v in running.values()]
        ready, _, _ = select.select(fds, [], [], 0.2)
        for fd in ready:
            data = os.read(fd, 65536)
            chunks[fd] += data
        now = time.perf_counter()
        for pid, (mutant, rfd, t0, limit, n) in list(running.items()):
            done_pid, _ = os.waitpid(pid, os.WNOHANG)
            if done_pid == 0 and now - t0 <= limit:
                continue
            if done_pid == 0:  # over its time limit: an infinite loop or a blown-up search
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                outcomes[mutant.key] = Outcome(mutant.key, "timeout", now - t0, n,
                                               detail=f"> {limit:.0f} s")
            else:
                while True:
                    more = os.read(rfd, 65536)
                    if not more:
                        break
                    chunks[rfd] += more
                try:
                    res = json.loads(chunks[rfd].decode() or "{}")
                except json.JSONDecodeError:
                    res = {}
                status = res.get("status", "killed")
                outcomes[mutant.key] = Outcome(
                    mutant.key, status, now - t0, res.get("ran", 0), res.get("killed_by"),
                    res.get("detail", "" if res else "child died without a report (crash)"))
                if not res:
                    outcomes[mutant.key].killed_by = "<crash>"
            os.close(rfd)
            del chunks[rfd]
            del running[pid]
            if progress:
                progress(mutant, outcomes[mutant.key])
    return [outcomes[m.key] for m, _, _ in items]


@dataclass
class MutationReport:
    """Counts and the survivor list; `score` = killed / (total − equivalent)."""

    total: int
    killed: int
    equivalent: int
    killed_by_change_detector: int = 0
    survived: list[dict[str, Any]] = field(default_factory=list)
    by_module: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def score(self) -> float:
        denom = self.total - self.equivalent
        return self.killed / denom if denom else 1.0

    @property
    def semantic_score(self) -> float:
        """Score counting only kills by semantic tests (not by golden-output detectors)."""
        denom = self.total - self.equivalent
        return (self.killed - self.killed_by_change_detector) / denom if denom else 1.0


def summarise(items: list[tuple[Mutant, ast.AST, ast.AST]], outcomes: list[Outcome],
              equivalents: dict[str, str], detectors: tuple[str, ...] = (),
              arguments: dict[str, dict[str, str]] | None = None) -> MutationReport:
    rep = MutationReport(total=len(items), killed=0, equivalent=0)
    for (m, _, _), o in zip(items, outcomes):
        row = rep.by_module.setdefault(m.module, {"total": 0, "killed": 0, "equivalent": 0,
                                                  "killed_by_change_detector": 0})
        row["total"] += 1
        if o.status in ("killed", "timeout"):
            rep.killed += 1
            row["killed"] += 1
            if o.killed_by in detectors:
                rep.killed_by_change_detector += 1
                row["killed_by_change_detector"] += 1
        else:
            eq, why = survivor_reason(m.key, o.detail, equivalents, arguments or {})
            rep.equivalent += eq
            row["equivalent"] += eq
            rep.survived.append({**asdict(m), "status": o.status, "equivalent": eq,
                                 "reason": why, "detail": o.detail})
    return rep
