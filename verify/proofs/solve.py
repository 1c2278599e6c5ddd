"""Worker process: decide one SMT-LIB2 file with z3 or cvc5 and print one JSON line.

Usage: python -m verify.proofs.solve {z3|z3-nlsat|z3-smt|cvc5|cvc5-cov} FILE TIMEOUT_SECONDS
(z3, z3-nlsat: z3's default solver, which picks the nlsat procedure for QF_NRA)
(z3-smt: z3's SMT core with its incremental non-linear arithmetic solver — the `smt` tactic —
instead of the nlsat procedure z3 picks for QF_NRA by default; cvc5-cov: cvc5 with cylindrical
algebraic coverings only, nl-ext=none)
Output: {"answer": sat|unsat|unknown|timeout, "solver_seconds": t, "model": {name: value}|null,
"detail": text}. Model values are exact rationals "p/q" or, for irrational algebraic numbers,
"~" followed by a 40-digit decimal approximation.
"""

from __future__ import annotations

import json
import sys
import time
from fractions import Fraction


def _z3(text: str, timeout: float, smt_core: bool = False) -> dict:
    import z3

    s = z3.Tactic("smt").solver() if smt_core else z3.Solver()
    s.set("timeout", int(timeout * 1000))
    s.from_string(text)
    t0 = time.perf_counter()
    r = s.check()
    secs = time.perf_counter() - t0
    ans = "sat" if r == z3.sat else "unsat" if r == z3.unsat else "unknown"
    detail = "" if ans != "unknown" else s.reason_unknown()
    if ans == "unknown" and ("timeout" in detail or "canceled" in detail):
        ans = "timeout"
    model = None
    if ans == "sat":
        m = s.model()
        model = {}
        for d in m.decls():
            v = m[d]
            if z3.is_rational_value(v):
                model[d.name()] = str(Fraction(v.numerator_as_long(), v.denominator_as_long()))
            elif z3.is_algebraic_value(v):
                model[d.name()] = "~" + v.approx(40).as_decimal(40).rstrip("?")
    return {"answer": ans, "solver_seconds": round(secs, 3), "model": model, "detail": detail}


def _cvc5(text: str, timeout: float, coverings_only: bool = False) -> dict:
    import cvc5

    tm = cvc5.TermManager()
    s = cvc5.Solver(tm)
    s.setOption("produce-models", "true")
    s.setOption("tlimit", str(int(timeout * 1000)))
    s.setOption("nl-cov", "true")  # cylindrical algebraic coverings: complete for QF_NRA
    if coverings_only:  # without the incremental-linearisation extensions (see smt.run_solver)
        s.setOption("nl-ext", "none")
    parser = cvc5.InputParser(s)
    parser.setIncrementalStringInput(cvc5.InputLanguage.SMT_LIB_2_6, "obligation")
    parser.appendIncrementalStringInput(text)
    sm = parser.getSymbolManager()
    t0 = time.perf_counter()
    result = None
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        out = cmd.invoke(s, sm)
        if "check-sat" in str(cmd):
            result = out.strip()
    secs = time.perf_counter() - t0
    ans = result if result in ("sat", "unsat") else "unknown"
    detail = "" if ans != "unknown" else str(result)
    if ans == "unknown" and secs >= timeout * 0.95:
        ans = "timeout"
    model = None
    if ans == "sat":
        model = {}
        for t in sm.getDeclaredTerms():
            v = s.getValue(t)
            name = str(t)
            if v.isRealValue():
                model[name] = str(v.getRealValue())
            else:  # a real algebraic number: approximate through its isolating interval
                try:
                    lo = v.getRealAlgebraicNumberLowerBound().getRealValue()
                    hi = v.getRealAlgebraicNumberUpperBound().getRealValue()
                    model[name] = "~" + str(float((Fraction(lo) + Fraction(hi)) / 2))
                except Exception:  # noqa: BLE001 — leave the value out; realisation fails loudly
                    pass
    return {"answer": ans, "solver_seconds": round(secs, 3), "model": model, "detail": detail}


def main(argv: list[str]) -> int:
    name, path, timeout = argv[0], argv[1], float(argv[2])
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        if name in ("z3", "z3-nlsat", "z3-smt"):
            out = _z3(text, timeout, smt_core=name == "z3-smt")
        else:
            out = _cvc5(text, timeout, coverings_only=name == "cvc5-cov")
    except Exception as exc:  # noqa: BLE001 — reported as an "error" answer, never a verdict
        out = {"answer": "error", "solver_seconds": 0.0, "model": None,
               "detail": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
