"""The aggregate reduction: the finitely many numbers a claim sees, and the conditions they obey.

A state (λ, k, c, C) enters every encodable claim only through these aggregates, S ∈ {D, B},
D = {1..k} on the interval I_D = [λ_k, λ_1], B = {k+1..d} on I_B = [λ_d, λ_{k+1}]:

* ρ_S = Σ_{i∈S} c_i² δ_{λ_i} (a positive measure on I_S). Its moments of order 2, 3, 4 are the
  block sums s^S, τ^S, u^S (= moments 0, 1, 2 of ν_S = λ²ρ_S); order 0 is ‖P^S x‖², order 1
  (``r1``) is an auxiliary unknown that only closes the moment matrix.
* the noise measure μ_S = Σ_{i∈S} κ_i² δ_{λ_i}, κ_i² = C_ii: moments n^loss_S (order 1) and
  e_S (order 2); equivalently ξ_S = λμ_S has moments n^loss_S (order 0) and e_S (order 1).
* the counting measure N_S = Σ_{i∈S} δ_{λ_i}: K_S = |S|, Λ_S = Σλ (auxiliary), ψ_S = Σλ².
* s_min ≤ κ_i² ≤ s_max (the extreme eigenvalues of C bound its diagonal), the endpoint
  eigenvalues λ_1 ≥ λ_k > λ_{k+1} ≥ λ_d > 0, and η.

Conditions (all necessary; see docs/proofs.md for the argument):
  H2(m0, m1, m2; a, b): m0 ≥ 0, m2 ≥ 0, m0 m2 ≥ m1², (a+b) m1 − m2 − ab m0 ≥ 0 (and the implied
    a m0 ≤ m1 ≤ b m0), for the moments 0..2 of a positive measure on [a, b]: the quadratic forms
    ∫(v0 + v1 x)² dμ and ∫(b − x)(x − a) dμ are non-negative.
  H4(m0..m4; a, b): the 3×3 Hankel matrix (m_{i+j}) and the 2×2 localising matrix
    ((a+b) m_{i+j+1} − m_{i+j+2} − ab m_{i+j}) are positive semidefinite (all principal minors ≥ 0).
  H1(m0, m1; a, b): m0 ≥ 0, a m0 ≤ m1 ≤ b m0 (moments 0..1).
  Applied to ν_S (H2), ξ_S = λμ_S (H1), ρ_S (H4, only for claims that use norms), N_S (H2, with
  K_S ≥ 1), and the sandwich measures λ(μ_S − s_min N_S) and λ(s_max N_S − μ_S) (H1).

One definition, two uses: `condition_exprs` builds the conditions as SymPy relations over the
symbols of `SYMBOLS`; `check_conditions` evaluates the same relations at the exact aggregates
of a real case (`aggregates`), which is how necessity is tested.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction

import sympy as sp

from verify.core.cases import Case
from verify.core.theory import blocks

# Real symbols without sign assumptions: SymPy must never fold a relation using an assumption
# (derivations/symbols.py declares its block sums positive, which would turn s_D ≠ 0 into True).
# The names are those of derivations.symbols, so the printed obligations read the same.
_NAMES = {
    "lam1": "lambda_1", "lamk": "lambda_k", "lamk1": "lambda_k1", "lamd": "lambda_d",
    "sD": "s_D", "sB": "s_B", "tD": "tau_D", "tB": "tau_B", "uD": "u_D", "uB": "u_B",
    "eD": "e_D", "eB": "e_B", "nD": "n_D", "nB": "n_B", "mu0D": "mu0_D", "mu0B": "mu0_B",
    "KD": "K_D", "KB": "K_B", "LamD": "Lambda_D", "LamB": "Lambda_B", "psiD": "psi_D",
    "psiB": "psi_B", "smin": "s_min", "smax": "s_max", "r0D": "r0_D", "r0B": "r0_B",
    "r1D": "r1_D", "r1B": "r1_B", "eta": "eta",
}
SYMBOLS: dict[str, sp.Symbol] = {k: sp.Symbol(v, real=True) for k, v in _NAMES.items()}
S = SYMBOLS

# the support interval of each block: I_D = [λ_k, λ_1], I_B = [λ_d, λ_{k+1}]
_INTERVALS = {"D": (S["lamk"], S["lam1"]), "B": (S["lamd"], S["lamk1"])}


# feature groups: which aggregates a claim needs
BASE = ("lam1", "lamk", "lamk1", "lamd", "sD", "sB", "tD", "tB", "uD", "uB", "eD", "eB", "nD",
        "nB")
COUNTS = ("KD", "KB", "LamD", "LamB", "psiD", "psiB", "smin", "smax")
NORMS = ("r0D", "r0B", "r1D", "r1B")
ETA = ("eta",)


@dataclass(frozen=True)
class Aggregates:
    """An aggregate vector (exact rationals; None = not part of this vector)."""

    lam1: Fraction
    lamk: Fraction
    lamk1: Fraction
    lamd: Fraction
    sD: Fraction
    sB: Fraction
    tD: Fraction
    tB: Fraction
    uD: Fraction
    uB: Fraction
    eD: Fraction
    eB: Fraction
    nD: Fraction
    nB: Fraction
    mu0D: Fraction
    mu0B: Fraction
    KD: Fraction | None = None
    KB: Fraction | None = None
    LamD: Fraction | None = None
    LamB: Fraction | None = None
    psiD: Fraction | None = None
    psiB: Fraction | None = None
    smin: Fraction | None = None
    smax: Fraction | None = None
    r0D: Fraction | None = None
    r0B: Fraction | None = None
    r1D: Fraction | None = None
    r1B: Fraction | None = None
    eta: Fraction | None = None

    def as_dict(self) -> dict[str, Fraction]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def aggregates(case: Case, smin: Fraction | None = None, smax: Fraction | None = None) -> Aggregates:
    """The exact aggregate vector of a case. s_min/s_max default to the extreme diagonal
    entries κ_i² (exact for diagonal noise); for a full covariance pass its extreme eigenvalues
    (or any rational bounds s_min ≤ λ_min(C), s_max ≥ λ_max(C))."""
    b = blocks(case)
    lam, k, c2, kap = case.eigenvalues, case.k, [c * c for c in case.state], case.kappa2
    D, B = range(0, k), range(k, case.d)

    def tot(idx: range, f) -> Fraction:
        return sum((Fraction(f(i)) for i in idx), Fraction(0))

    return Aggregates(
        lam1=lam[0], lamk=lam[k - 1], lamk1=lam[k], lamd=lam[-1],
        sD=b.sD, sB=b.sB, tD=b.tauD, tB=b.tauB, uD=b.uD, uB=b.uB, eD=b.eD, eB=b.eB, nD=b.nD,
        nB=b.nB, mu0D=tot(D, lambda i: kap[i]), mu0B=tot(B, lambda i: kap[i]),
        KD=Fraction(k), KB=Fraction(case.d - k), LamD=tot(D, lambda i: lam[i]),
        LamB=tot(B, lambda i: lam[i]), psiD=b.psiD, psiB=b.psiB,
        smin=min(kap) if smin is None else smin, smax=max(kap) if smax is None else smax,
        r0D=b.normD2, r0B=b.norm2 - b.normD2, r1D=tot(D, lambda i: lam[i] * c2[i]),
        r1B=tot(B, lambda i: lam[i] * c2[i]), eta=case.eta,
    )


def _h2(tag: str, m0, m1, m2, a, b) -> list[tuple[str, sp.Basic]]:
    """Moments 0..2 of a positive measure on [a, b] (truncated Hausdorff, degree 2)."""
    return [
        (f"{tag}: m0 ≥ 0", sp.Ge(m0, 0)),
        (f"{tag}: m2 ≥ 0", sp.Ge(m2, 0)),
        (f"{tag}: m0·m2 − m1² ≥ 0", sp.Ge(m0 * m2 - m1**2, 0)),
        (f"{tag}: (a+b)m1 − m2 − ab·m0 ≥ 0", sp.Ge((a + b) * m1 - m2 - a * b * m0, 0)),
        (f"{tag}: a·m0 ≤ m1", sp.Ge(m1 - a * m0, 0)),
        (f"{tag}: m1 ≤ b·m0", sp.Ge(b * m0 - m1, 0)),
    ]


def _h1(tag: str, m0, m1, a, b) -> list[tuple[str, sp.Basic]]:
    """Moments 0..1 of a positive measure on [a, b]: m0 ≥ 0, a·m0 ≤ m1 ≤ b·m0. Used for
    ξ_S = λ·μ_S (moments n^loss_S, e_S): the exact projection of H2(μ0, n, e) when the total
    noise mass μ0 is not used by any claim."""
    return [
        (f"{tag}: m0 ≥ 0", sp.Ge(m0, 0)),
        (f"{tag}: a·m0 ≤ m1", sp.Ge(m1 - a * m0, 0)),
        (f"{tag}: m1 ≤ b·m0", sp.Ge(b * m0 - m1, 0)),
    ]


def _psd3(tag: str, M) -> list[tuple[str, sp.Basic]]:
    """All principal minors of a symmetric 3×3 matrix are ≥ 0 (⇔ positive semidefinite)."""
    out = []
    for i in range(3):
        out.append((f"{tag}: minor {{{i}}} ≥ 0", sp.Ge(M[i][i], 0)))
    for i, j in ((0, 1), (0, 2), (1, 2)):
        out.append((f"{tag}: minor {{{i},{j}}} ≥ 0", sp.Ge(M[i][i] * M[j][j] - M[i][j] ** 2, 0)))
    det = sp.Matrix(M).det(method="berkowitz")
    out.append((f"{tag}: det ≥ 0", sp.Ge(sp.expand(det), 0)))
    return out


def _h4(tag: str, m, a, b) -> list[tuple[str, sp.Basic]]:
    """Moments 0..4 of a positive measure on [a, b] (truncated Hausdorff, degree 4)."""
    H = [[m[i + j] for j in range(3)] for i in range(3)]
    L = [[(a + b) * m[i + j + 1] - m[i + j + 2] - a * b * m[i + j] for j in range(2)] for i in range(2)]
    return _psd3(f"{tag} Hankel", H) + [
        (f"{tag} localising: L00 ≥ 0", sp.Ge(L[0][0], 0)),
        (f"{tag} localising: L11 ≥ 0", sp.Ge(L[1][1], 0)),
        (f"{tag} localising: det ≥ 0", sp.Ge(L[0][0] * L[1][1] - L[0][1] ** 2, 0)),
    ]


def condition_exprs(groups: tuple[str, ...] = ("nu", "noise"),
                    used: set[sp.Symbol] | None = None) -> list[tuple[str, sp.Basic]]:
    """The necessary conditions on an aggregate vector, as (label, SymPy relation).

    Groups (a claim asks only for those its aggregates need; dropping a necessary condition
    keeps every UNSAT a proof): "nu" (ν_S), "noise" (μ_S), "count" (N_S and s_min ≤ s_max),
    "sandwich" (μ_S − s_min N_S, s_max N_S − μ_S), "norms" (ρ_S, degree 4), "cuts" (redundant
    consequences, `_chain_cuts`), "lean" (keep only the conditions that are linear in the moments
    and mention no moment outside the claim's own formulas: a subset of necessary conditions is
    necessary, so an unsat stays a proof; it helps when the claim follows from linear moment
    bounds and the other conditions only distract a solver — thm4-corrected, thm7-corrected).

    `used` (the symbols the claim's own formulas mention): a moment the claim never uses is
    projected out exactly — H2(m0, m1, m2) without m2 is H1(m0, m1) (a two-atom measure attains
    any admissible m2), H1(n, e) without n is e ≥ 0, without e is n ≥ 0 — so the solvers see
    fewer variables. None keeps every condition (as for the necessity test)."""
    s = S
    out: list[tuple[str, sp.Basic]] = [
        ("λ_d > 0", sp.Gt(s["lamd"], 0)),
        ("λ_d ≤ λ_{k+1}", sp.Ge(s["lamk1"], s["lamd"])),
        ("λ_{k+1} < λ_k", sp.Gt(s["lamk"], s["lamk1"])),
        ("λ_k ≤ λ_1", sp.Ge(s["lam1"], s["lamk"])),
    ]
    iv = _INTERVALS
    uses = _user(used)
    for X in ("D", "B"):
        a, b = iv[X]
        if "nu" in groups:
            if uses("u" + X) or "norms" in groups:
                out += _h2(f"ν_{X}", s["s" + X], s["t" + X], s["u" + X], a, b)
            else:
                out += _h1(f"ν_{X} (u^{X} unused, projected)", s["s" + X], s["t" + X], a, b)
        if "noise" in groups:
            if "sandwich" in groups or (uses("n" + X) and uses("e" + X)):
                out += _h1(f"λμ_{X}", s["n" + X], s["e" + X], a, b)
            elif uses("e" + X):
                out.append((f"e_{X} ≥ 0 (n^loss_{X} unused, projected)", sp.Ge(s["e" + X], 0)))
            elif uses("n" + X):
                out.append((f"n^loss_{X} ≥ 0 (e_{X} unused, projected)", sp.Ge(s["n" + X], 0)))
    if "count" in groups:
        out += [("s_min ≥ 0", sp.Ge(s["smin"], 0)), ("s_min ≤ s_max", sp.Ge(s["smax"], s["smin"]))]
        for X in ("D", "B"):
            a, b = iv[X]
            out.append((f"|{X}| ≥ 1", sp.Ge(s["K" + X], 1)))
            out += _h2(f"N_{X}", s["K" + X], s["Lam" + X], s["psi" + X], a, b)
    if "sandwich" in groups:
        for X in ("D", "B"):
            a, b = iv[X]
            Lm, psi = s["Lam" + X], s["psi" + X]
            n, e = s["n" + X], s["e" + X]
            out += _h1(f"λ(μ_{X} − s_min N_{X})", n - s["smin"] * Lm, e - s["smin"] * psi, a, b)
            out += _h1(f"λ(s_max N_{X} − μ_{X})", s["smax"] * Lm - n, s["smax"] * psi - e, a, b)
    if "norms" in groups:
        for X in ("D", "B"):
            a, b = iv[X]
            out += _h4(f"ρ_{X}", [s["r0" + X], s["r1" + X], s["s" + X], s["t" + X], s["u" + X]], a, b)
    out += _chain_cuts(groups, used) if "cuts" in groups else []
    if "lean" in groups:  # a subset of the conditions (still necessary): those linear in the
        # moments and free of moments the claim never mentions (auxiliary ones such as Σλ, |S|)
        keep = None if used is None else used | {s[n] for n in ("lam1", "lamk", "lamk1", "lamd")}
        out = [(lab, r) for lab, r in out if not any(t in lab for t in _PRODUCT_CONDITIONS + _LEAN_DROP)
               and (keep is None or r.free_symbols <= keep)]
    return out


# labels of the conditions that multiply two moments (dropped by the group "lean")
_PRODUCT_CONDITIONS = ("m0·m2 − m1²", "(a+b)m1 − m2 − ab·m0", "Hankel", "localising")
# cuts the group "lean" also drops: on thm7-corrected's first bound both solvers time out with
# them and answer unsat in under a second without them (z3 0.02 s, cvc5 0.9 s)
_LEAN_DROP = ("cut ν_D: aτ ≤ u", "cut ν_D: u ≤ bτ", "cut ν_B: aτ ≤ u", "cut ν_B: u ≤ bτ",
              "cut ρ_D: s ≤ b²", "cut ρ_B: s ≤ b²")


def _user(used: set[sp.Symbol] | None):
    """uses(*names): True when the claim's formulas mention every named aggregate (always, when
    `used` is None: every condition is kept, as for the necessity test)."""
    if used is None:
        return lambda *names: True
    return lambda *names: all(S[n] in used for n in names)


def _chain_cuts(groups: tuple[str, ...], used: set[sp.Symbol] | None) -> list[tuple[str, sp.Basic]]:
    """Redundant consequences of the conditions above, stated directly so that a solver need not
    multiply inequalities to find them ("cuts"; they change no answer, only the search):

    * moment chains: for a positive measure μ on [a, b] and j ≥ 1, a^j m_i ≤ m_{i+j} ≤ b^j m_i
      (∫λ^i (λ^j − a^j) dμ ≥ 0 and ∫λ^i (b^j − λ^j) dμ ≥ 0): ν_S (s, τ, u), ρ_S (‖P^S x‖², s);
    * the noise sandwich at order 1: s_min ψ_S ≤ e_S ≤ s_max ψ_S (Σ_S λ²(κ² − s_min) ≥ 0, …);
    * for the η-dependent claims, the expected next block sums are non-negative:
      E s'^S = Σ_S λ²c²(1 − ηλ)² + η² e_S = s^S − 2ητ^S + η²(u^S + e_S) ≥ 0.
    Each is necessary by the same argument as the conditions, and the necessity test evaluates
    them at real states like every other condition. A claim asks for them with the group "cuts":
    they decide some obligations (thm4-corrected: a time-out of both solvers without them) and
    slow others down (thm8-corrected: cvc5 unsat in 0.03 s without, a time-out with). Solvers
    are fragile here: adding the sign cuts made z3 time out on thm4-corrected until the group
    "lean" removed the conditions it does not need (then z3 0.01 s, cvc5 0.03 s)."""
    s = S
    uses = _user(used)
    iv = _INTERVALS
    out: list[tuple[str, sp.Basic]] = []
    for X in ("D", "B"):
        a, b = iv[X]
        sX, tX, uX, eX = (s[n + X] for n in ("s", "t", "u", "e"))
        # signs: every moment of a positive measure on (0, ∞) is ≥ 0
        out += [(f"cut: {n}{X} ≥ 0", sp.Ge(s[n + X], 0)) for n in ("s", "t", "u", "e", "psi")
                if uses(n + X)]
        if "norms" in groups:
            out.append((f"cut: r0{X} ≥ 0", sp.Ge(s["r0" + X], 0)))
        if "nu" in groups and (uses("u" + X) or "norms" in groups):
            out += [(f"cut ν_{X}: a²s ≤ u", sp.Ge(uX - a**2 * sX, 0)),
                    (f"cut ν_{X}: u ≤ b²s", sp.Ge(b**2 * sX - uX, 0)),
                    (f"cut ν_{X}: aτ ≤ u", sp.Ge(uX - a * tX, 0)),
                    (f"cut ν_{X}: u ≤ bτ", sp.Ge(b * tX - uX, 0))]
        if "sandwich" in groups:
            out += [(f"cut μ_{X}: s_min ψ ≤ e", sp.Ge(eX - s["smin"] * s["psi" + X], 0)),
                    (f"cut μ_{X}: e ≤ s_max ψ", sp.Ge(s["smax"] * s["psi" + X] - eX, 0))]
        if "norms" in groups:
            r0 = s["r0" + X]
            out += [(f"cut ρ_{X}: a²‖P x‖² ≤ s", sp.Ge(sX - a**2 * r0, 0)),
                    (f"cut ρ_{X}: s ≤ b²‖P x‖²", sp.Ge(b**2 * r0 - sX, 0))]
        if "eta" in groups and "nu" in groups and "noise" in groups \
                and uses("s" + X, "t" + X, "u" + X, "e" + X, "eta"):
            eta = s["eta"]
            out.append((f"cut E s'^{X} ≥ 0", sp.Ge(sX - 2 * eta * tX + eta**2 * (uX + eX), 0)))
    return out


ALL_GROUPS = ("nu", "noise", "count", "sandwich", "norms", "eta", "cuts")


def check_conditions(agg: Aggregates, groups: tuple[str, ...] = ALL_GROUPS) -> list[str]:
    """Labels of the conditions that the exact aggregate vector violates ([] = all hold)."""
    vals = {S[k]: sp.Rational(v.numerator, v.denominator) for k, v in agg.as_dict().items()}
    if agg.eta is None:  # a state without a step size: the η-dependent cuts do not apply
        groups = tuple(g for g in groups if g != "eta")
    bad = []
    for label, rel in condition_exprs(groups):
        if not rel.free_symbols <= set(vals):
            raise ValueError(f"aggregate vector lacks {sorted(map(str, rel.free_symbols - set(vals)))}")
        v = rel.xreplace(vals)
        if v is not sp.true:
            if v is not sp.false:
                raise ValueError(f"condition {label!r} did not evaluate exactly: {v}")
            bad.append(label)
    return bad
