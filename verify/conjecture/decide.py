"""Decide a reviewer's statement through the paper's pipeline.

1. The counterexample search of `salign check` (`verify.claims.search.margin_check`: structured
   small cases, random spectra/states/noise, perturbation of the smallest margins), with the
   statement's margin (verify/conjecture/evaluate.py); a violation is re-checked and shrunk there
   and is a strict witness that meets every stated hypothesis.
2. When every name has an encoding over the moment aggregates (`ENCODERS`, built from the same
   blocks as the paper's claims, verify/proofs/encode.py) and the statement is a conjunction of
   relations, the obligation conditions ∧ hypotheses ∧ ¬claim goes to z3 and cvc5
   (`verify.proofs.driver.decide`): unsat from both proves it for every d; a model is realised as a
   case and re-checked by the statement's own margin before it counts.

The verdict words are `salign check`'s and `salign prove`'s.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp

from verify.claims.unit import Claim
from verify.conjecture.evaluate import margin_function, strict_of
from verify.conjecture.language import (
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
    atom_text,
)
from verify.core import results as R

CONJECTURE_ID = "conjecture"


def as_claim(st: Statement) -> Claim:
    """The statement as a claim unit (margin checker) for the search."""
    names = st.names()
    return Claim(
        id=CONJECTURE_ID, reference="a reviewer's statement", statement=st.text,
        hypotheses="; ".join(atom_text(a) for a in st.hypotheses) or "none stated",
        quantity="statement margin", kind="equivalence" if st.iff is not None else "inequality",
        margin=margin_function(st), needs_eta=st.needs_eta(), strict=strict_of(st),
        sides=tuple(n for n in names if n not in ("k", "d", "lambda_1", "lambda_k", "lambda_kp1",
                                                   "lambda_d")),
    )


# ------------------------------------------------------------------ encoding
def _encoders() -> dict[str, Callable[[Any], sp.Expr]]:
    """name → (Obligation → expression over the moment aggregates). Quotients and roots add their
    definitions (denominator ≠ 0, root ≥ 0) to the obligation, as the paper's encodings do."""
    from verify.proofs import encode as E
    from verify.proofs.model import S

    def theta_star(o):
        return 1 - E._one_minus_theta_star(o)

    def theta_crit(o):
        d, _ = E._delta_crit(o)
        return 1 - d

    return {
        "theta": E._theta, "s": lambda o: E.s_tot, "s_D": lambda o: S["sD"],
        "s_B": lambda o: S["sB"], "tau_D": lambda o: S["tD"], "tau_B": lambda o: S["tB"],
        "u_D": lambda o: S["uD"], "u_B": lambda o: S["uB"], "e_D": lambda o: S["eD"],
        "e_B": lambda o: S["eB"], "n_loss_D": lambda o: S["nD"], "n_loss_B": lambda o: S["nB"],
        "psi_D": lambda o: S["psiD"], "psi_B": lambda o: S["psiB"],
        "s_min": lambda o: S["smin"], "s_max": lambda o: S["smax"],
        "p": lambda o: E.P, "q": lambda o: E.Q, "eta_star": E._eta_star,
        "lambda_1": lambda o: E.lam1, "lambda_k": lambda o: E.lamk,
        "lambda_kp1": lambda o: E.lamk1, "lambda_d": lambda o: E.lamd,
        "gap1": lambda o: E.lamk - E.lamk1, "gap2": lambda o: E.lamk**2 - E.lamk1**2,
        "m": lambda o: o.quot("m_gap", E.lamk, E.lamk1),
        "k": lambda o: S["KD"], "d": lambda o: S["KD"] + S["KB"],
        "rho": lambda o: o.quot("rho", S["KD"], S["KB"]),
        "g_gap": E._g_gap, "theta_star": theta_star,
        "one_minus_theta_star": E._one_minus_theta_star,
        "thm8_threshold": lambda o: o.quot("thm8_threshold", S["eB"], S["eB"] + S["eD"]),
        "eta_loss_D": lambda o: E._loss(o, "D")[0], "eta_loss_B": lambda o: E._loss(o, "B")[0],
        "alpha": E._alpha, "theta_crit": theta_crit,
        "one_minus_theta_crit": lambda o: E._delta_crit(o)[0],
        "eta": lambda o: E.eta, "Theta_next": E._Theta,
        "expected_f": lambda o: E.P * E.eta**2 + E.Q * E.eta,
        "expected_loss_change_dsgd": lambda o: E._loss(o, "D")[1],
        "expected_loss_change_bsgd": lambda o: E._loss(o, "B")[1],
        "norm_x_sq": lambda o: S["r0D"] + S["r0B"], "norm_PDx_sq": lambda o: S["r0D"],
    }


# θ*'s root variable and its quadratic's (a, b, h) per obligation under construction
_ROOTS: dict[int, tuple[sp.Symbol, tuple[sp.Expr, sp.Expr, sp.Expr]]] = {}

# names encoded as rational functions by `obligation` (the others through `_encoders`)
_INLINE = {"theta", "thm8_threshold", "eta_loss_D", "eta_loss_B", "m", "rho", "alpha", "g_gap",
           "g_noise", "Theta_next", "one_minus_theta_star", "theta_star"}
_COUNT = {"s_min", "s_max", "psi_D", "psi_B", "g_gap", "g_noise", "theta_star",
          "one_minus_theta_star", "k", "d", "rho"}
_NORMS = {"norm_x_sq", "norm_PDx_sq"}


def not_encodable(st: Statement) -> str | None:
    """Why the statement has no SMT encoding, or None."""
    if any(isinstance(a, Defined) for a in st.atoms()):
        return "it asks whether a quantity is defined (defined(...))"
    enc = _encoders()
    missing = [n for n in st.names() if n not in enc and n not in _INLINE]
    if missing:
        return f"no encoding over the moment aggregates for {', '.join(missing)}"
    for a in st.atoms():
        if isinstance(a, Rel) and (_has_abs(a.lhs) or _has_abs(a.rhs)):
            return "abs(...) is not encoded"
    return None


def _has_abs(e: Expr) -> bool:
    if isinstance(e, Call):
        return e.fn == "abs" or _has_abs(e.arg)
    if isinstance(e, Neg):
        return _has_abs(e.arg)
    if isinstance(e, Bin):
        return _has_abs(e.left) or _has_abs(e.right)
    return False


def _known_signs(groups: tuple[str, ...]) -> tuple[set[sp.Symbol], set[sp.Symbol]]:
    """(positive, non-negative) aggregate symbols under the obligation's own conditions
    (verify.proofs.model.condition_exprs): λ_1 ≥ λ_k > λ_{k+1} ≥ λ_d > 0 always; ν_S's moments
    s^S, τ^S, u^S ≥ 0 ("nu": m0, m2 ≥ 0 and τ^S ≥ λ s^S); μ_S's n^loss_S, e_S ≥ 0 ("noise");
    |S| ≥ 1, ψ_S, s_min, s_max ≥ 0 ("count"); ‖P^S x‖² ≥ 0 ("norms"); η > 0 (its hypothesis)."""
    from verify.proofs.model import S

    pos = {S[n] for n in ("lam1", "lamk", "lamk1", "lamd")}
    nonneg: set[sp.Symbol] = set()
    if "nu" in groups:
        nonneg |= {S[n] for n in ("sD", "sB", "tD", "tB", "uD", "uB")}
    if "noise" in groups:
        nonneg |= {S[n] for n in ("nD", "nB", "eD", "eB")}
    if "count" in groups:
        pos |= {S["KD"], S["KB"]}
        nonneg |= {S[n] for n in ("psiD", "psiB", "smin", "smax")}
    if "norms" in groups:
        nonneg |= {S["r0D"], S["r0B"]}
    if "eta" in groups:
        pos.add(S["eta"])
    return pos, nonneg | pos


_GAPS = sp.symbols("gap_1k gap_kk1 gap_k1d", nonnegative=True)


def _nonneg_structured(f: sp.Expr, nonneg: set[sp.Symbol]) -> bool:
    """f is a polynomial with positive coefficients in non-negative symbols (so f ≥ 0, and f > 0
    wherever it is recorded ≠ 0) — directly, or after writing the ordered spectrum as
    λ_1 = λ_d + g_1 + g_2 + g_3, λ_k = λ_d + g_2 + g_3, λ_{k+1} = λ_d + g_3 with g_i ≥ 0 (the
    conditions' λ_1 ≥ λ_k > λ_{k+1} ≥ λ_d > 0), which shows e.g. λ_1² − λ_d² ≥ 0."""
    from verify.proofs.model import S

    f = sp.expand(f)
    if f.is_number:
        return bool(f > 0)
    if not f.free_symbols <= nonneg:
        return False
    poly = sp.Poly(f, *sorted(f.free_symbols, key=str))
    if all(c > 0 for c in poly.coeffs()):
        return True
    g1, g2, g3 = _GAPS
    lam = {S["lam1"]: S["lamd"] + g1 + g2 + g3, S["lamk"]: S["lamd"] + g2 + g3,
           S["lamk1"]: S["lamd"] + g3}
    if not set(lam) & f.free_symbols:
        return False
    h = sp.expand(f.xreplace(lam))
    if h.is_number:
        return bool(h > 0)
    return all(c > 0 for c in sp.Poly(h, *sorted(h.free_symbols, key=str)).coeffs())


def _sign_form(r: sp.Basic, nonneg: set[sp.Symbol], positive: tuple[sp.Expr, ...] = ()) -> sp.Basic:
    """A relation between rational functions as a polynomial relation with the same truth value
    wherever every recorded denominator is non-zero: lhs − rhs = n/d; a factor of d that is a
    positive-coefficient polynomial in non-negative symbols is > 0 there and is divided out, as is
    any factor to an even power, and any factor in `positive` (polynomials the obligation shows > 0:
    recorded ≠ 0 and ≥ 0 by a condition); the rest multiplies n (sign(n/d) = sign(n·d'))."""
    n, d = sp.fraction(sp.together(r.lhs - r.rhs))
    if isinstance(r, (sp.Equality, sp.Unequality)):
        return r.func(sp.expand(n), 0)
    coeff, factors = sp.factor_list(d)
    keep = sp.Integer(1)
    pos = [sp.expand(p) for p in positive]
    for f, mult in factors:
        fe = sp.expand(f)
        if mult % 2 == 0 or _nonneg_structured(f, nonneg):
            continue
        if fe in pos:
            continue
        if sp.expand(-fe) in pos:
            coeff = -coeff if mult % 2 else coeff
            continue
        keep *= f
    sign = 1 if coeff > 0 else -1
    return r.func(sp.expand(sign * n * keep), 0)


def obligation(st: Statement):
    """conditions ∧ definitions ∧ hypotheses ∧ ¬claim over the moment aggregates. A quotient whose
    denominator is a positive-coefficient polynomial in non-negative aggregates stays a rational
    function (its denominator recorded ≠ 0, hence > 0, and cleared by `_sign_form` without raising
    the degree); any other quotient (η* = −q/p, Θ) is an auxiliary variable x with x·den = num."""
    from verify.proofs import encode as E
    from verify.proofs.encode import Obligation
    from verify.proofs.model import S

    names = set(st.names())
    groups: tuple[str, ...] = ("nu", "noise")
    if names & _COUNT:
        groups += ("count", "sandwich")
    if names & _NORMS:
        groups += ("norms",)
    if st.needs_eta():
        groups += ("eta",)
    if "Theta_next" in names:
        groups += ("cuts",)  # E s'^S ≥ 0 (model._chain_cuts), which makes Θ's denominator > 0
    o = Obligation(CONJECTURE_ID, groups, strict_of(st), st.text)
    _, nonneg = _known_signs(groups)
    positive: list[sp.Expr] = []
    enc = _encoders()
    cache: dict[str, sp.Expr] = {}
    counter = [0]

    def div(num: sp.Expr, den: sp.Expr, name: str) -> sp.Expr:
        if den.is_number:
            return num / den
        n_den, d_den = sp.fraction(sp.together(den))
        if _nonneg_structured(n_den, nonneg) or sp.expand(n_den) in [sp.expand(p) for p in positive]:
            o.definitions.append((f"{name}: denominator ≠ 0", sp.Ne(sp.expand(n_den), 0)))
            return num / den
        counter[0] += 1
        return o.quot(f"{name}_{counter[0]}", num, den)

    inline = {
        "theta": lambda: div(S["sD"], E.s_tot, "theta"),
        "thm8_threshold": lambda: div(S["eB"], S["eB"] + S["eD"], "thm8_threshold"),
        "eta_loss_D": lambda: div(2 * S["sD"], S["tD"] + S["nD"], "eta_loss_D"),
        "eta_loss_B": lambda: div(2 * S["sB"], S["tB"] + S["nB"], "eta_loss_B"),
        "m": lambda: div(E.lamk, E.lamk1, "m"),
        "rho": lambda: div(S["KD"], S["KB"], "rho"),
        "alpha": lambda: div(E.s_tot * (S["tD"] * S["sB"] - S["tB"] * S["sD"]), S["sD"] * S["sB"],
                             "alpha"),
        "g_gap": lambda: div(*_g_gap_parts(o, E), "g_gap"),
        "g_noise": lambda: _g_noise(o, div),
        "Theta_next": lambda: _Theta(o, positive),
        "one_minus_theta_star": lambda: _one_minus_theta_star(o, nonneg),
        "theta_star": lambda: 1 - ex(Name("one_minus_theta_star")),
    }

    def ex(e: Expr) -> sp.Expr:
        if isinstance(e, Num):
            return sp.Rational(e.value.numerator, e.value.denominator)
        if isinstance(e, Name):
            if e.name not in cache:
                cache[e.name] = inline[e.name]() if e.name in inline else enc[e.name](o)
            return cache[e.name]
        if isinstance(e, Neg):
            return -ex(e.arg)
        if isinstance(e, Call):  # sqrt (abs is not encoded)
            counter[0] += 1
            return o.root(f"sqrt_{counter[0]}", ex(e.arg))
        a, b = ex(e.left), ex(e.right)
        if e.op == "/":
            return div(a, b, "quot")
        if e.op == "**":
            n = int(b)
            return div(sp.Integer(1), a ** (-n), "pow") if n < 0 else a**n
        return a + b if e.op == "+" else a - b if e.op == "-" else a * b

    def rel(a: Rel) -> sp.Basic:
        lhs, rhs = ex(a.lhs), ex(a.rhs)
        return {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge, "=": sp.Eq}[a.op](lhs, rhs)

    # a hypothesis "p > 0" makes p a positive denominator: η* = −q/p is then a rational function
    # (cleared by _sign_form) rather than an auxiliary variable
    for h in st.hypotheses:
        if isinstance(h, Rel) and h.op in (">", "<") and _is_positive_name(h, "p"):
            positive.append(E.P)
            inline["eta_star"] = lambda: div(-E.Q, E.P, "eta_star")
    if st.needs_eta():
        o.hyp("η > 0", sp.Gt(ex(Name("eta")), 0))
    for h in st.hypotheses:
        assert isinstance(h, Rel)
        r = rel(h)
        o.display[atom_text(h)] = r
        o.hypotheses.append((atom_text(h), _sign_form(r, nonneg, tuple(positive))))
    def holds(atoms: tuple[Atom, ...]) -> sp.Basic:
        return sp.And(*[_sign_form(rel(a), nonneg, tuple(positive)) for a in atoms])

    def fails(atoms: tuple[Atom, ...]) -> sp.Basic:
        out = []
        for a in atoms:
            r = rel(a)
            neg = {sp.Lt: sp.Ge, sp.Le: sp.Gt, sp.Gt: sp.Le, sp.Ge: sp.Lt}.get(type(r))
            out.append(_sign_form(neg(r.lhs, r.rhs) if neg is not None else sp.Ne(r.lhs, r.rhs),
                                  nonneg, tuple(positive)))
        return sp.Or(*out)

    if st.iff is None:
        for c in st.claim:
            assert isinstance(c, Rel)
            label = "¬(" + atom_text(c) + ")"
            f = fails((c,))
            o.display[label] = f
            o.negation.append((label, f))
    else:  # ¬(A ⇔ B) = (A ∧ ¬B) ∨ (¬A ∧ B)
        A = " ∧ ".join(atom_text(a) for a in st.claim)
        B = " ∧ ".join(atom_text(a) for a in st.iff)
        for label, f in ((f"({A}) ∧ ¬({B})", sp.And(holds(st.claim), fails(st.iff))),
                         (f"¬({A}) ∧ ({B})", sp.And(fails(st.claim), holds(st.iff)))):
            o.display[label] = f
            o.negation.append((label, f))
    root = _ROOTS.pop(id(o), None)
    if root is not None:
        r0, abh = root

        def elim(x: sp.Basic) -> sp.Basic:
            if isinstance(x, (sp.And, sp.Or)):
                return x.func(*[elim(y) for y in x.args])
            return _eliminate_root(x, r0, abh, nonneg)

        o.hypotheses = [(lab, elim(x)) for lab, x in o.hypotheses]
        o.negation = [(lab, elim(x)) for lab, x in o.negation]
    _prune_groups(o)
    return o


def _is_positive_name(h: Rel, name: str) -> bool:
    """h is 'name > 0' or '0 < name'."""
    if h.op == ">":
        return h.lhs == Name(name) and h.rhs == Num(Fraction(0))
    return h.lhs == Num(Fraction(0)) and h.rhs == Name(name)


def _eliminate_root(r: sp.Basic, r0: sp.Symbol, abh: tuple[sp.Expr, sp.Expr, sp.Expr],
                    nonneg: set) -> sp.Basic:
    """A relation A + B·r0 ⋈ 0 (⋈ ∈ ≥, >, ≤, <), linear in θ*'s root r0, without r0: r0 is the
    only positive root of g(r) = a r² − b r − h (a, h > 0), so for t > 0, t ≥ r0 ⇔ g(t) ≥ 0 and
    t > r0 ⇔ g(t) > 0; with t = −A/B and G = B²·g(−A/B) = aA² + bAB − hB²:
    B < 0: A + B r0 ≥ 0 ⇔ A > 0 ∧ G ≥ 0,  A + B r0 > 0 ⇔ A > 0 ∧ G > 0;
    B > 0: A + B r0 ≥ 0 ⇔ A ≥ 0 ∨ G ≤ 0,  A + B r0 > 0 ⇔ A > 0 ∨ G < 0;
    B = 0: A ⋈ 0. Used when the sign of B is known (B or −B a positive-coefficient polynomial in
    non-negative aggregates); otherwise the relation is returned unchanged. ≤, < are the negations
    of >, ≥. This is the paper's own root location for θ ≥ θ* (verify/proofs/encode.py)."""
    if not isinstance(r, (sp.GreaterThan, sp.StrictGreaterThan, sp.LessThan, sp.StrictLessThan)):
        return r
    f = sp.expand(r.lhs - r.rhs)
    if r0 not in f.free_symbols or sp.degree(f, r0) != 1:
        return r
    B, A = sp.Poly(f, r0).all_coeffs()
    if _nonneg_structured(B, nonneg):
        sgn = 1
    elif _nonneg_structured(-B, nonneg):
        sgn = -1
    else:
        return r
    if isinstance(r, (sp.LessThan, sp.StrictLessThan)):  # f ≤ 0 ⇔ ¬(f > 0); f < 0 ⇔ ¬(f ≥ 0)
        strict_pos = isinstance(r, sp.LessThan)
        return sp.Not(_eliminate_root((sp.Gt if strict_pos else sp.Ge)(f, 0), r0, abh, nonneg))
    a, b, h = abh
    G = sp.expand(a * A**2 + b * A * B - h * B**2)
    strict = isinstance(r, sp.StrictGreaterThan)
    zero = sp.And(sp.Eq(B, 0), (sp.Gt if strict else sp.Ge)(A, 0))
    if sgn < 0:
        nonzero = sp.And(sp.Lt(B, 0), sp.Gt(A, 0), (sp.Gt if strict else sp.Ge)(G, 0))
    else:
        nonzero = sp.And(sp.Gt(B, 0), sp.Or((sp.Gt if strict else sp.Ge)(A, 0),
                                           (sp.Lt if strict else sp.Le)(G, 0)))
    return sp.Or(zero, nonzero)


def _prune_groups(o) -> None:  # noqa: ANN001
    """Drop the noise conditions when the statement names no noise aggregate (fewer conditions,
    as the paper's encodings choose their groups): dropping conditions only weakens the
    obligation's premises, so an unsat answer remains a proof."""
    from verify.proofs.model import S

    used = set()
    for _, r in o.definitions + o.hypotheses + o.negation:
        used |= r.free_symbols
    if not used & {S["eD"], S["eB"], S["nD"], S["nB"]}:
        o.groups = tuple(g for g in o.groups if g not in ("noise", "sandwich"))


def _Theta(o, positive: list) -> sp.Expr:  # noqa: ANN001
    """Θ(η) = E s'^D/(E s'^D + E s'^B) (Lemma 21's expected block sums, verify.core.theory) as a
    rational function; its denominator is recorded ≠ 0 and is ≥ 0 by the cuts E s'^S ≥ 0, so it is
    > 0 and `_sign_form` divides it out (the paper's encodings cross-multiply the same way)."""
    from verify.core.theory import expected_next_blocks
    from verify.proofs import encode as E

    ED, EB = (sp.expand(x) for x in expected_next_blocks(None, E.B_, E.eta))  # type: ignore[arg-type]
    o.definitions.append(("Θ defined: E s' ≠ 0", sp.Ne(ED + EB, 0)))
    positive.append(ED + EB)
    return ED / (ED + EB)


def _one_minus_theta_star(o, nonneg: set) -> sp.Expr:  # noqa: ANN001
    """1 − θ* = 1/(1 + r0), r0 the positive root of g(r) = a r² − (m + h − a) r − h with
    a = s_min ψ_B, h = s_max ψ_D (both ≠ 0, hence > 0 under the conditions), m = s(λ_1² − λ_d²):
    g(0) = −h < 0, so "r0 > 0 ∧ g(r0) = 0" defines r0 uniquely — no square root variable."""
    from verify.proofs import encode as E

    a, h, m = E._theta_star_defined(o)
    r0 = o.var("r0")
    _ROOTS[id(o)] = (r0, (a, m + h - a, h))
    o.definitions.append(("r0 > 0", sp.Gt(r0, 0)))
    o.definitions.append(("g(r0) = 0", sp.Eq(sp.expand(a * r0**2 - (m + h - a) * r0 - h), 0)))
    nonneg.add(r0)
    o.definitions.append(("1 + r0 ≠ 0", sp.Ne(1 + r0, 0)))
    return 1 / (1 + r0)


def _g_noise(o, div) -> sp.Expr:  # noqa: ANN001
    """g_noise = s_min ψ_D/(s_min ψ_D + s_max ψ_B), defined when s_min ψ_D ≠ 0 (thresholds.g_noise)."""
    from verify.proofs.model import S

    o.hyp("s_min > 0", sp.Gt(S["smin"], 0))
    num = S["smin"] * S["psiD"]
    return div(num, num + S["smax"] * S["psiB"], "g_noise")


def _g_gap_parts(o, E) -> tuple[sp.Expr, sp.Expr]:  # noqa: ANN001
    """g_gap = Y/(Y + X), Y = s_min λ_k² K_D, X = s_max λ_{k+1}² K_B (its guard s_min > 0)."""
    Y, X = E._g_gap_parts(o)
    return Y, Y + X


# ------------------------------------------------------------------ the verdict
def decide_statement(st: Statement, profile: str = "ci", seed: int = 0, timeout: float = 30.0,
                     prove: bool = True, smt_dir: Path | None = None) -> dict[str, Any]:
    """The statement's result: search verdict, proof verdict, combined status and evidence."""
    from verify.claims.search import margin_check

    claim = as_claim(st)
    res = margin_check(claim, profile, seed)
    out: dict[str, Any] = {
        "claim_id": CONJECTURE_ID, "statement": st.text,
        "hypotheses": [atom_text(a) for a in st.hypotheses],
        "search": {"status": res.status, "evidence": res.evidence, "n_states": res.n_states,
                   "min_margin": res.min_margin},
        "counterexample": res.counterexample, "failing": res.failing,
        "proof": None, "status": res.status, "evidence": res.evidence,
    }
    if any(n in ("s_min", "s_max", "g_gap", "g_noise", "theta_star", "one_minus_theta_star",
                 "theta_star_r0") for n in st.names()):
        out["evidence"] += ("; states with a full (non-diagonal) noise covariance are not decided "
                            "for this statement (s_min, s_max known only to finite precision)")
    if res.status == R.REFUTED:
        return out
    why = not_encodable(st)
    if why is not None or not prove:
        out["proof"] = {"status": "not encoded", "why": why or "--no-prove"}
        return out
    from verify.proofs.driver import DISAGREE, PROVED, REFUTED

    tmp = None
    if smt_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="salign-conjecture-")
        smt_dir = Path(tmp.name)
    try:
        from verify.proofs.driver import decide

        # a portfolio of two sound obligations: all conditions; then only the conditions linear in
        # the moments plus the redundant cuts (group "lean" drops premises, "cuts" adds necessary
        # ones: unsat of either is a proof, a model of either is re-checked by the margin)
        for k, extra in enumerate(((), ("cuts", "lean"))):
            o = obligation(st)
            o.groups = tuple(dict.fromkeys(o.groups + extra))
            pr = decide(o, timeout, Path(smt_dir), margin=claim.margin,
                        name=CONJECTURE_ID + (f"-variant{k}" if k else ""))
            pr["variant"] = "all conditions" if not extra else "linear conditions and cuts"
            if pr["status"] in (PROVED, REFUTED, DISAGREE):
                break
    finally:
        if tmp is not None:
            tmp.cleanup()
    out["proof"] = {k: pr[k] for k in ("status", "evidence", "solvers", "obligation", "variant")}
    if pr["status"] == PROVED:
        out["status"] = PROVED
        out["evidence"] = (f"for every d: both solvers unsat on the obligation over the moment "
                           f"aggregates; search: {res.evidence}")
    elif pr["status"] == REFUTED:
        out["status"] = R.REFUTED
        out["counterexample"] = pr["counterexample"]
        out["evidence"] = "solver model realised and re-checked by the statement's margin: " + \
            pr["evidence"]
    elif pr["status"] == DISAGREE:
        out["status"] = R.INCONCLUSIVE
        out["evidence"] = f"the solvers disagree ({pr['evidence']}); search: {res.evidence}"
    return out


def _unused(a: Atom) -> None:  # keep the import list honest for type checkers
    return None
