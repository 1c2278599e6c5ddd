"""SMT-LIB2 printing of proof obligations and the two solvers that decide them.

The printer is our own (≈40 lines) rather than `sympy.printing.smtlib.smtlib_code`, because the
SymPy printer writes integer powers as `pow`, which is not an SMT-LIB operator of the NRA logics
(cvc5 rejects it), and prints floats as decimals. Here x**n (n a positive integer) is printed as a
product, rationals as (/ p q), and only +, *, -, /, comparisons and Boolean connectives occur — the
plain QF_NRA (or NRA when a quantifier is present) fragment every SMT solver reads.

Each solver runs in its own process (`python -m verify.proofs.solve`), with the solver's own
time limit plus a hard wall-clock kill, so that a solver that ignores its limit cannot stall
`salign prove`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from fractions import Fraction
from typing import Any

import sympy as sp

SOLVERS = ("z3", "cvc5")


def to_smt(e: Any) -> str:
    """SMT-LIB2 text of a SymPy expression or relation (polynomial/rational arithmetic)."""
    if e is sp.true or e is True:
        return "true"
    if e is sp.false or e is False:
        return "false"
    if isinstance(e, sp.Symbol):
        return e.name
    if isinstance(e, sp.Integer):
        v = int(e)
        return str(v) if v >= 0 else f"(- {-v})"
    if isinstance(e, sp.Rational):
        p, q = int(e.p), int(e.q)
        return f"(/ {p} {q})" if p >= 0 else f"(- (/ {-p} {q}))"
    if isinstance(e, sp.Add):
        return "(+ " + " ".join(to_smt(a) for a in e.args) + ")"
    if isinstance(e, sp.Mul):
        return "(* " + " ".join(to_smt(a) for a in e.args) + ")"
    if isinstance(e, sp.Pow):
        base, ex = e.args
        if isinstance(ex, sp.Integer) and int(ex) >= 1:
            b = to_smt(base)
            return b if int(ex) == 1 else "(* " + " ".join([b] * int(ex)) + ")"
        if isinstance(ex, sp.Integer) and int(ex) <= -1:
            return f"(/ 1 {to_smt(base ** (-ex))})"
        raise ValueError(f"non-integer power cannot be printed to SMT-LIB: {e}")
    rel = {sp.GreaterThan: ">=", sp.StrictGreaterThan: ">", sp.LessThan: "<=", sp.StrictLessThan: "<",
           sp.Equality: "="}
    for cls, op in rel.items():
        if isinstance(e, cls):
            return f"({op} {to_smt(e.lhs)} {to_smt(e.rhs)})"
    if isinstance(e, sp.Unequality):
        return f"(not (= {to_smt(e.lhs)} {to_smt(e.rhs)}))"
    if isinstance(e, sp.And):
        return "(and " + " ".join(to_smt(a) for a in _ordered(e.args)) + ")"
    if isinstance(e, sp.Or):
        return "(or " + " ".join(to_smt(a) for a in _ordered(e.args)) + ")"
    if isinstance(e, sp.Not):
        return f"(not {to_smt(e.args[0])})"
    if isinstance(e, sp.Implies):
        return f"(=> {to_smt(e.args[0])} {to_smt(e.args[1])})"
    if isinstance(e, Disj):
        return "(or " + " ".join(to_smt(a) for a in e.parts) + ")"
    if isinstance(e, ForAll):
        vs = " ".join(f"({v.name} Real)" for v in e.variables)
        return f"(forall ({vs}) {to_smt(e.body)})"
    raise ValueError(f"cannot print {type(e).__name__} to SMT-LIB: {e}")


def _ordered(args):
    """Deterministic order of And/Or arguments (SymPy stores them as a set)."""
    return sorted(args, key=sp.default_sort_key)


class ForAll:
    """∀ variables: body (a universally quantified sub-formula; printed, never simplified)."""

    def __init__(self, variables: tuple[sp.Symbol, ...], body: Any):
        self.variables, self.body = variables, body

    @property
    def free_symbols(self) -> set:
        return set(self.body.free_symbols) - set(self.variables)


class Disj:
    """p₁ ∨ … ∨ p_n kept in the given order (may contain ForAll, which SymPy cannot hold)."""

    def __init__(self, parts: list[Any]):
        self.parts = list(parts)

    @property
    def free_symbols(self) -> set:
        out: set = set()
        for p in self.parts:
            out |= p.free_symbols
        return out

    def __str__(self) -> str:
        return " ∨ ".join(f"({p if not hasattr(p, 'body') else 'ForAll'})" for p in self.parts)


def run_solver(name: str, path: str, timeout: float) -> dict[str, Any]:
    """Decide an SMT-LIB2 file with one solver in a subprocess.

    "cvc5" and "z3" are each a two-configuration schedule of the same solver, the first
    configuration for a sixth of the time, the second for the rest — each of the two times out on
    obligations the other decides in under a second:
    * cvc5: cylindrical algebraic coverings only (nl-ext=none), then cvc5's default non-linear
      configuration (thm3-bounds, thm6; thm2);
    * z3: its default for QF_NRA (the nlsat procedure), then its SMT core with incremental
      non-linear arithmetic (tactic `smt`) (thm5-lower, thm6; thm4-corrected).
    Returns {"answer": "sat"|"unsat"|"unknown"|"timeout"|"error", "seconds": float,
    "model": {var: "p/q" | "~decimal"} (sat only), "detail": str}."""
    if name in ("cvc5", "z3"):
        t0 = time.perf_counter()
        first_name, detail = {"cvc5": ("cvc5-cov", "cvc5 coverings only (nl-ext=none)"),
                              "z3": ("z3-nlsat", "z3 default (nlsat)")}[name]
        first = run_one(first_name, path, timeout / 6)
        if first["answer"] in ("sat", "unsat"):
            first["detail"] = detail
            return first
        rest = max(1.0, timeout - (time.perf_counter() - t0))
        second = run_one({"cvc5": "cvc5", "z3": "z3-smt"}[name], path, rest)
        second["seconds"] = round(time.perf_counter() - t0, 3) if second["answer"] not in (
            "sat", "unsat") else round(first["seconds"] + second["seconds"], 3)
        return second
    return run_one(name, path, timeout)


_ABORT = threading.Event()  # set by abort_solvers(): start no solver, stop the running ones
_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def abort_solvers() -> None:
    """Kill every running solver subprocess and start no new one. Called on Ctrl-C: the solvers
    run on threads the interrupt does not reach, and without this the command would wait up to
    --timeout seconds (a second configuration may start) before it could exit."""
    _ABORT.set()
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        try:
            proc.kill()
        except OSError:
            pass


def reset_abort() -> None:
    """Allow solvers again (a new `prove` after an interrupted one, in the same process)."""
    _ABORT.clear()


def run_one(name: str, path: str, timeout: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    interrupted = {"answer": "error", "seconds": 0.0, "model": None, "detail": "interrupted"}
    if _ABORT.is_set():
        return interrupted
    cmd = [sys.executable, "-m", "verify.proofs.solve", name, path, str(timeout)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with _LIVE_LOCK:
        _LIVE.add(proc)
    try:
        if _ABORT.is_set():  # aborted between the check above and the registration
            proc.kill()
        try:
            stdout, stderr = proc.communicate(timeout=timeout + 3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"answer": "timeout", "seconds": round(time.perf_counter() - t0, 3),
                    "model": None, "detail": "killed after the wall-clock limit"}
    except BaseException:  # KeyboardInterrupt on the main thread: never leave the solver running
        proc.kill()
        proc.wait()
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(proc)
    if _ABORT.is_set():
        return interrupted
    secs = round(time.perf_counter() - t0, 3)
    try:
        out = json.loads(stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return {"answer": "error", "seconds": secs, "model": None,
                "detail": (stderr.strip().splitlines() or ["no output"])[-1][:300]}
    out["seconds"] = out.get("solver_seconds", secs)
    return out


def parse_model_value(text: str) -> tuple[Fraction, bool]:
    """'p/q' → (exact, True); '~1.2345' (an algebraic number's decimal approximation) → (approx, False)."""
    if text.startswith("~"):
        return Fraction(text[1:]), False
    return Fraction(text), True
