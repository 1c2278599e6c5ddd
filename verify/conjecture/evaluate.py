"""A statement's margin at a state: every named quantity exactly (Fraction) where it is rational in
the case's data, and as a certified arb ball (flint, at the caller's `flint.ctx` precision) where
it needs a square root (θ*, θ^crit); relations then have a certified sign, escalated by
`verify.core.signs.certified_sign`. The formulas are the package's own (verify/core/theory.py,
verify/core/thresholds.py): nothing here re-types a threshold.

Undefined quantities are None: a statement that names one is outside its hypotheses at that state
(`defined(name)` asks for it explicitly). States with a full (non-diagonal) noise covariance have
s_min, s_max only to finite precision; statements naming them are not decided there (None), which
the search's evidence states.

Where a quantity is undefined is the same here and in the SMT encoding (verify/conjecture/
decide.py), so that a proof covers exactly the states the search decides: θ needs s > 0, η* needs
p ≠ 0, g_gap and g_noise s_min > 0, θ* needs a = s_min ψ_B ≠ 0 and h = s_max ψ_D ≠ 0, θ^crit needs
θ ∈ (0,1), α > 0 and n^loss_B > 0, a quotient a non-zero denominator."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import mpmath

from verify.conjecture.language import (
    ETA_QUANTITIES,
    Atom,
    Bin,
    Call,
    Defined,
    Expr,
    Name,
    Neg,
    Num,
    Rel,
    Statement,
)
from verify.core import thresholds as T
from verify.core.cases import Case
from verify.core.signs import Decided, arb
from verify.core.theory import blocks, expected_next_blocks, lemma22_pq, quantities
from verify.core.tolerances import PRECISION_LADDER_DPS

_SQRT = ("theta_star_r0", "one_minus_theta_star", "theta_star", "one_minus_theta_crit", "theta_crit")


def _ball(x: Any) -> flint.arb:
    return x if isinstance(x, flint.arb) else arb(x)


def values(case: Case, names: list[str]) -> dict[str, Any]:
    """The named quantities at the case: Fraction, arb (certified) or None (undefined)."""
    with mpmath.workdps(30):
        q = quantities(case, 30)
    lam, k = case.eigenvalues, case.k
    out: dict[str, Any] = {}
    for n in names:
        if n in ("lambda_1", "lambda_k", "lambda_kp1", "lambda_d"):
            out[n] = {"lambda_1": lam[0], "lambda_k": lam[k - 1], "lambda_kp1": lam[k],
                      "lambda_d": lam[-1]}[n]
        elif n in ("k", "d"):
            out[n] = Fraction(k if n == "k" else case.d)
        elif n in ETA_QUANTITIES:
            out[n] = _eta_value(case, n)
        elif n in _SQRT:
            out[n] = _sqrt_value(case, q, n)
        elif n == "theta":
            # θ = s^D/s, undefined at s = 0 (x = 0), as in the encoding (the evaluator's θ(0) = 0
            # convention is not used for statements)
            b = blocks(case)
            out[n] = b.sD / b.s if b.s != 0 else None
        else:
            v = q[n]
            out[n] = v if v is None or isinstance(v, Fraction) else _inexact()
    return out


class _Inexact(Exception):
    """A quantity known only to finite precision (full covariance): not decided here."""


def _inexact():
    raise _Inexact


def _eta_value(case: Case, n: str) -> Any:
    if case.eta is None:
        return None
    eta = Fraction(case.eta)
    b = blocks(case)
    if n == "eta":
        return eta
    if n == "Theta_next":
        return T.theta_map(b.sD, b.sB, b.tauD, b.tauB, b.uD, b.uB, b.eD, b.eB, eta)
    if n == "expected_f":
        p, qq = lemma22_pq(b)
        return p * eta**2 + qq * eta
    if n in ("E_s_D_next", "E_s_B_next"):
        eD, eB = expected_next_blocks(case, b, eta)
        return eD if n == "E_s_D_next" else eB
    s, tau, nn = {"expected_loss_change_sgd": (b.s, b.tauD + b.tauB, b.nD + b.nB),
                  "expected_loss_change_dsgd": (b.sD, b.tauD, b.nD),
                  "expected_loss_change_bsgd": (b.sB, b.tauB, b.nB)}[n]
    return T.expected_loss_change(eta, s, tau, nn)


def _sqrt_value(case: Case, q: dict[str, Any], n: str) -> Any:
    b = blocks(case)
    if n in ("theta_star_r0", "one_minus_theta_star", "theta_star"):
        smin, smax = q["s_min"], q["s_max"]
        if not (isinstance(smin, Fraction) and isinstance(smax, Fraction)):
            _inexact()
        lam = case.eigenvalues
        a, h, m_aux = T.theta_star_aux(smin, smax, b.psiD, b.psiB, b.s, lam[0], lam[-1])
        if a == 0 or h == 0:
            return None
        res = T.theta_star_root(_ball(a), _ball(h), _ball(m_aux), lambda x: x.sqrt())
        r0, omt = res
        return {"theta_star_r0": r0, "one_minus_theta_star": omt, "theta_star": 1 - omt}[n]
    alpha = q["alpha"]
    # θ^crit: Lemma 24's root in (0,1), defined when θ ∈ (0,1), α > 0 and n^loss_B > 0 (the
    # encoding's guards, verify/proofs/encode.py _delta_crit)
    if alpha is None or alpha <= 0 or b.nB == 0:
        return None
    delta = T.one_minus_theta_crit(_ball(alpha), _ball(b.nB), _ball(b.nD), lambda x: x.sqrt())
    if delta is None:
        return None
    return delta if n == "one_minus_theta_crit" else 1 - delta


# ------------------------------------------------------------------ expressions and relations
def _lift(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, flint.arb) or isinstance(b, flint.arb):
        return _ball(a), _ball(b)
    return a, b


def eval_expr(e: Expr, v: dict[str, Any]) -> Any:
    """Fraction | arb | None (an undefined quantity or the square root of a negative number)."""
    if isinstance(e, Num):
        return e.value
    if isinstance(e, Name):
        return v[e.name]
    if isinstance(e, Neg):
        x = eval_expr(e.arg, v)
        return None if x is None else -x
    if isinstance(e, Call):
        x = eval_expr(e.arg, v)
        if x is None:
            return None
        if e.fn == "abs":
            return abs(x)
        if isinstance(x, Fraction):
            if x < 0:
                return None
            rn, rd = _isqrt_exact(x.numerator), _isqrt_exact(x.denominator)
            if rn is not None and rd is not None:
                return Fraction(rn, rd)
        elif x < 0:
            return None
        return _ball(x).sqrt()
    assert isinstance(e, Bin)
    a, b = eval_expr(e.left, v), eval_expr(e.right, v)
    if a is None or b is None:
        return None
    if e.op == "**":
        return a ** int(b)  # ZeroDivisionError for 0**(-n): the search skips the state
    a, b = _lift(a, b)
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[e.op]()


def _isqrt_exact(n: int) -> int | None:
    import math

    r = math.isqrt(n)
    return r if r * r == n else None


def rel_margin(r: Rel, v: dict[str, Any]) -> tuple[Any, bool] | None:
    """(margin, strict): the relation holds iff margin > 0 (strict) or ≥ 0 (non-strict); an
    equality's margin is −|lhs − rhs| (holds iff 0). None where a side is undefined."""
    a, b = eval_expr(r.lhs, v), eval_expr(r.rhs, v)
    if a is None or b is None:
        return None
    a, b = _lift(a, b)
    if r.op in ("<", "<="):
        return b - a, r.op == "<"
    if r.op in (">", ">="):
        return a - b, r.op == ">"
    return -abs(a - b), False


def truth(atom: Atom, v: dict[str, Any], case: Case | None = None) -> bool | None | str:
    """True / False, None where undefined, "undecided" where a ball straddles the boundary (at the
    last precision rung, an exactly zero margin is recognised by `exact_zero`)."""
    if isinstance(atom, Defined):
        return v[atom.name] is not None
    rm = rel_margin(atom, v)
    if rm is None:
        return None
    m, strict = rm
    if isinstance(m, Fraction):
        return m > 0 if strict else m >= 0
    if m > 0:
        return True
    if m < 0:
        return False
    if m == 0:  # an exact zero ball
        return not strict
    if case is not None and flint.ctx.dps >= PRECISION_LADDER_DPS[-1] and exact_zero(atom, case):
        return not strict
    return "undecided"


def exact_zero(atom: Rel, case: Case) -> bool:
    """Is the relation's margin exactly 0 at the case? Decided by SymPy in exact algebraic numbers
    (square roots of rationals), for the boundary states where every ball straddles 0 (e.g. a
    state with θ = θ* exactly)."""
    import sympy as sp

    from verify.conjecture.language import expr_names

    names = expr_names(atom.lhs) + expr_names(atom.rhs)
    with flint.ctx.workdps(30):
        v = values(case, names)
    sv: dict[str, Any] = {}
    b = blocks(case)
    for n in names:
        if n in _SQRT:
            sv[n] = _sqrt_value_exact(case, n, b)
        elif v[n] is None:
            return False
        else:
            sv[n] = sp.Rational(v[n].numerator, v[n].denominator)
        if sv[n] is None:
            return False

    def ev(e: Expr) -> Any:
        if isinstance(e, Num):
            return sp.Rational(e.value.numerator, e.value.denominator)
        if isinstance(e, Name):
            return sv[e.name]
        if isinstance(e, Neg):
            return -ev(e.arg)
        if isinstance(e, Call):
            return sp.sqrt(ev(e.arg)) if e.fn == "sqrt" else sp.Abs(ev(e.arg))
        a, c = ev(e.left), ev(e.right)
        if e.op == "+":
            return a + c
        if e.op == "-":
            return a - c
        if e.op == "*":
            return a * c
        return a / c if e.op == "/" else a**c

    try:
        d = ev(atom.lhs) - ev(atom.rhs)
    except ZeroDivisionError:
        return False
    return bool(sp.simplify(sp.radsimp(d)) == 0)


def _sqrt_value_exact(case: Case, n: str, b) -> Any:  # noqa: ANN001
    import sympy as sp

    R = lambda x: sp.Rational(x.numerator, x.denominator)  # noqa: E731
    with mpmath.workdps(30):
        q = quantities(case, 30)
    if n in ("theta_star_r0", "one_minus_theta_star", "theta_star"):
        lam = case.eigenvalues
        a, h, m_aux = T.theta_star_aux(q["s_min"], q["s_max"], b.psiD, b.psiB, b.s, lam[0], lam[-1])
        if a == 0 or h == 0:
            return None
        r0, omt = T.theta_star_root(R(a), R(h), R(m_aux), sp.sqrt)
        return {"theta_star_r0": r0, "one_minus_theta_star": omt, "theta_star": 1 - omt}[n]
    alpha = q["alpha"]
    if alpha is None or alpha <= 0 or b.nB == 0:
        return None
    delta = T.one_minus_theta_crit(R(alpha), R(b.nB), R(b.nD), sp.sqrt)
    return None if delta is None else (delta if n == "one_minus_theta_crit" else 1 - delta)


_UNDECIDED = None  # sentinel handled below


def margin_function(st: Statement):
    """The statement as a claim margin for `verify.claims.search.margin_check`: None outside the
    hypotheses; for a single-relation claim its own margin (Fraction or certified ball); for a
    conjunction or an equivalence a truth value (Decided ±1 when every part is exact, a point ball
    ±1 when a part needed a ball). A part whose ball straddles 0 gives a ball around 0, which makes
    `certified_sign` raise the precision."""
    names = st.names()
    single = len(st.claim) == 1 and st.iff is None and isinstance(st.claim[0], Rel)

    def margin(case: Case):
        try:
            v = values(case, names)
        except _Inexact:
            return None
        inexact = False
        for h in st.hypotheses:
            t = truth(h, v, case)
            if t is None or t is False:
                return None
            if t == "undecided":
                return flint.arb(0, 1)
            inexact |= _uses_ball(h, v)
        if single:
            rm = rel_margin(st.claim[0], v)
            if rm is None:
                return None
            m = rm[0]
            if (isinstance(m, flint.arb) and not (m > 0 or m < 0) and m != 0
                    and flint.ctx.dps >= PRECISION_LADDER_DPS[-1] and exact_zero(st.claim[0], case)):
                return Decided(0, flint.arb(0))
            return m
        parts = []
        for group in (st.claim, st.iff or ()):
            ts = []
            for a in group:
                t = truth(a, v, case)
                if t is None:
                    return None
                if t == "undecided":
                    return flint.arb(0, 1)
                ts.append(t)
                inexact |= _uses_ball(a, v)
            parts.append(all(ts))
        holds = parts[0] == parts[1] if st.iff is not None else parts[0]
        sign = 1 if holds else -1
        return flint.arb(sign) if inexact else Decided(sign, flint.arb(sign))

    return margin


def _uses_ball(a: Atom, v: dict[str, Any]) -> bool:
    if isinstance(a, Defined):
        return False
    from verify.conjecture.language import expr_names

    return any(isinstance(v[n], flint.arb) for n in expr_names(a.lhs) + expr_names(a.rhs)) or \
        _has_sqrt(a.lhs) or _has_sqrt(a.rhs)


def _has_sqrt(e: Expr) -> bool:
    if isinstance(e, Call):
        return e.fn == "sqrt" or _has_sqrt(e.arg)
    if isinstance(e, Neg):
        return _has_sqrt(e.arg)
    if isinstance(e, Bin):
        return _has_sqrt(e.left) or _has_sqrt(e.right)
    return False


def strict_of(st: Statement) -> bool:
    """The claim's strictness for the search (a truth-valued margin is never 0)."""
    if len(st.claim) == 1 and st.iff is None and isinstance(st.claim[0], Rel):
        return st.claim[0].op in ("<", ">")
    return False
