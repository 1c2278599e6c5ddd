"""Realisation: an aggregate vector (or a solver model) → an explicit case with those aggregates.

Construction (all exact rationals; docs/proofs.md gives the argument):

1. ν_S (moments s, τ, u on [a, b]) → its lower principal representation: an atom at a and one
   at x₁ = (u − aτ)/(τ − as) with weights w₁ = (τ − as)/(x₁ − a), w_a = s − w₁ (rational; a valid
   measure on [a, b] exactly when the H2 conditions hold). The upper one (atom at b) is the
   alternative; both are tried when the claim uses norms ‖P^S x‖² (which they bound from both sides).
2. An atom (x, w) of ν carries ρ-mass w/x² = P/Q; with PQ = n₁² + n₂² + n₃² + n₄² (Lagrange) it is
   split into ≤ 4 coordinates at eigenvalue x with c = n_i/Q, so that Σ c² = w/x² exactly.
3. Noise and counts.
   * Claims that do not use s_min, s_max, ψ, |S|: ξ_S = λμ_S (moments n, e) is one atom at
     x = e/n, i.e. one coordinate with c = 0, κ² = n/x = n²/e; each endpoint of I_S not yet
     present becomes a coordinate with c = 0, κ² = 0.
   * Claims that do: support points {a, b, ν-atoms, (a+b)/2} per block; an exact linear program
     (z3, QF_LRA) finds counts N_j > 0 and noise masses μ_j ∈ [s_min N_j, s_max N_j] with
     Σ N_j = K_S, Σ N_j x_j² = ψ_S, Σ μ_j x_j = n_S, Σ μ_j x_j² = e_S. All sums are then scaled by
     one integer r (replication: every aggregate ×r, every claim's margin sign unchanged) so that
     the counts are integers; κ² per coordinate is μ_j/N_j, except that one coordinate takes
     s_min and one s_max at the midpoint so that the diagonal noise's extremes are attained.
4. η is copied. The result is validated by verify.core.cases.make_case and its exact aggregates
   are recomputed by the caller.

Returns None when the vector cannot be realised this way (e.g. rounding moved it outside the
moment cone); the caller then reports the claim undecided, never refuted.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from sympy.solvers.diophantine.diophantine import sum_of_four_squares

from verify.core.cases import Case, make_case

F = Fraction
Atoms = list[tuple[Fraction, Fraction]]


def principal_atoms(m0: F, m1: F, m2: F, a: F, b: F, upper: bool = False) -> Atoms | None:
    """≤ 2 atoms (x, w) on [a, b] with Σw = m0, Σwx = m1, Σwx² = m2, one of them at a (lower)
    or at b (upper); None if no such measure exists."""
    if m0 < 0:
        return None
    if m0 == 0:
        return [] if m1 == 0 and m2 == 0 else None
    e = b if upper else a
    num, den = m2 - e * m1, m1 - e * m0
    if den == 0:
        return [(e, m0)] if num == 0 else None
    x1 = num / den
    if not a <= x1 <= b or x1 == e:
        return None
    w1 = den / (x1 - e)
    we = m0 - w1
    if w1 < 0 or we < 0:
        return None
    out = [(x, w) for x, w in ((e, we), (x1, w1)) if w != 0]
    return out


def four_squares(v: F) -> list[F]:
    """Up to four rationals whose squares sum to v ≥ 0 (Lagrange's four-square theorem)."""
    if v == 0:
        return []
    p, q = v.numerator, v.denominator
    parts = sum_of_four_squares(p * q)  # v = pq/q²
    return [F(int(n), q) for n in parts if n != 0]


def _squares_at(x: F, w: F) -> list[F]:
    """Coordinates c (all at eigenvalue x) with Σ x²c² = w."""
    return four_squares(w / (x * x))


Coord = tuple[Fraction, Fraction, Fraction]  # (λ, c, κ²)


def _to_case(D: list[Coord], B: list[Coord], eta: F | None) -> Case:
    D = sorted(D, key=lambda t: (-t[0], -abs(t[1]), t[2]))
    B = sorted(B, key=lambda t: (-t[0], -abs(t[1]), t[2]))
    allc = D + B
    return make_case([t[0] for t in allc], len(D), [t[1] for t in allc],
                     kappa2=[t[2] for t in allc], eta=eta)


def _intervals(v: dict[str, F]) -> dict[str, tuple[F, F]]:
    return {"D": (v["lamk"], v["lam1"]), "B": (v["lamd"], v["lamk1"])}


def realise_free(v: dict[str, F], upper: dict[str, bool] | None = None) -> Case | None:
    """Realise a vector whose claim uses no counts/ψ/s_min/s_max (step 3, first case)."""
    blocks: dict[str, list[Coord]] = {}
    for X, (a, b) in _intervals(v).items():
        nu = principal_atoms(v["s" + X], v["t" + X], v["u" + X], a, b, (upper or {}).get(X, False))
        n, e = v.get("n" + X, F(0)), v.get("e" + X, F(0))
        if nu is None or n < 0 or not a * n <= e <= b * n:
            return None
        coords: list[Coord] = [(x, c, F(0)) for x, w in nu for c in _squares_at(x, w)]
        if n > 0:  # ξ = λμ with moments (n, e): one atom at x = e/n, noise mass κ² = n/x
            x = e / n
            coords.append((x, F(0), n / x))
        for endpoint in (a, b):
            if not any(t[0] == endpoint for t in coords):
                coords.append((endpoint, F(0), F(0)))
        blocks[X] = coords
    if v["lamk"] <= v["lamk1"] or v["lamd"] <= 0:
        return None
    return _to_case(blocks["D"], blocks["B"], v.get("eta"))


def _lp_counts(v: dict[str, F], X: str, pts: list[F]) -> tuple[list[F], list[F]] | None:
    """Exact LP (z3 over the rationals): counts N_j > 0 and noise masses μ_j at the points."""
    import z3

    smin, smax = v["smin"], v["smax"]
    N = [z3.Real(f"N{j}") for j in range(len(pts))]
    mu = [z3.Real(f"mu{j}") for j in range(len(pts))]
    s = z3.Solver()
    s.set("timeout", 10000)

    def R(x: F):
        return z3.RealVal(f"{x.numerator}/{x.denominator}")

    for j in range(len(pts)):
        s.add(N[j] > 0, mu[j] >= R(smin) * N[j], mu[j] <= R(smax) * N[j])
    if smin < smax:  # the midpoint (last point) strictly inside: room for the extremes split
        s.add(mu[-1] > R(smin) * N[-1], mu[-1] < R(smax) * N[-1])
    s.add(z3.Sum(N) == R(v["K" + X]))
    s.add(z3.Sum([N[j] * R(x * x) for j, x in enumerate(pts)]) == R(v["psi" + X]))
    if "n" + X in v:  # claims without noise moments leave μ free (within the sandwich)
        s.add(z3.Sum([mu[j] * R(x) for j, x in enumerate(pts)]) == R(v["n" + X]))
    if "e" + X in v:
        s.add(z3.Sum([mu[j] * R(x * x) for j, x in enumerate(pts)]) == R(v["e" + X]))
    if s.check() != z3.sat:
        return None
    m = s.model()

    def val(t) -> F:
        r = m.eval(t, model_completion=True)
        return F(r.numerator_as_long(), r.denominator_as_long())

    return [val(t) for t in N], [val(t) for t in mu]


def realise_counts(v: dict[str, F], upper: dict[str, bool] | None = None,
                   max_d: int = 5000) -> Case | None:
    """Realise a vector whose claim uses counts, ψ and the noise extremes (step 3, second case)."""
    if v["lamk"] <= v["lamk1"] or v["lamd"] <= 0:
        return None
    plan = {}
    for X, (a, b) in _intervals(v).items():
        nu = principal_atoms(v["s" + X], v["t" + X], v["u" + X], a, b, (upper or {}).get(X, False))
        if nu is None:
            return None
        pts = sorted({a, b} | {x for x, _ in nu})
        mid = (a + b) / 2
        pts = [p for p in pts if p != mid] + [mid]  # midpoint last (see _lp_counts)
        lp = _lp_counts(v, X, pts)
        if lp is None:
            return None
        plan[X] = (pts, nu, *lp)
    den = 1
    for _pts, _, N, _mu in plan.values():
        for x in N:
            den = lcm(den, x.denominator)
    for mult in range(1, 400):
        r = den * mult
        out = _assign(plan, v, r)
        if out is not None:
            D, B = out
            if len(D) + len(B) > max_d:
                return None
            return _to_case(D, B, v.get("eta"))
    return None


def _assign(plan, v: dict[str, F], r: int) -> tuple[list[Coord], list[Coord]] | None:
    smin, smax = v["smin"], v["smax"]
    res: dict[str, list[Coord]] = {}
    for X, (pts, nu, N, mu) in plan.items():
        coords: list[Coord] = []
        wmap = dict(nu)
        for j, x in enumerate(pts):
            n = int(N[j] * r)
            cs = _squares_at(x, wmap[x] * r) if x in wmap else []
            if n < max(len(cs), 1):
                return None
            kbar = mu[j] / N[j]
            kap = [kbar] * n
            if j == len(pts) - 1 and X == "D" and smin < smax:  # attain the extremes
                if n < 3:
                    return None
                rest = (n * kbar - smin - smax) / (n - 2)
                if not smin <= rest <= smax:
                    return None
                kap = [smin, smax] + [rest] * (n - 2)
            cs = cs + [F(0)] * (n - len(cs))
            coords += [(x, c, kk) for c, kk in zip(cs, kap)]
        res[X] = coords
    return res["D"], res["B"]


def realise(v: dict[str, F], groups: tuple[str, ...]) -> list[Case]:
    """Candidate cases realising the vector (several when the claim uses norms: the lower and
    upper principal representations bound ‖P^S x‖² from both sides). [] if none."""
    fn = realise_counts if "count" in groups else realise_free
    choices = [{"D": False, "B": False}]
    if "norms" in groups:
        choices += [{"D": u1, "B": u2} for u1 in (False, True) for u2 in (False, True)][1:]
    out = []
    for ch in choices:
        try:
            c = fn(v, ch)
        except Exception:  # noqa: BLE001 — an invalid case is simply not a realisation
            c = None
        if c is not None:
            out.append(c)
    return out
