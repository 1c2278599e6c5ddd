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

from collections.abc import Iterator
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


def nice_atoms(m0: F, m1: F, m2: F, a: F, b: F, max_den: int = 64) -> Atoms | None:
    """Atoms at a, b and one interior point x of small denominator (the midpoint first) with the
    moments m0, m1, m2 — a representation whose support keeps the replication factor small.
    None when no such x ≤ max_den exists (e.g. on the boundary of the moment cone)."""
    if m0 == 0 or a == b:
        return principal_atoms(m0, m1, m2, a, b)
    cands = [(a + b) / 2] + [F(p, q) for q in range(1, max_den + 1)
                             for p in range(int(a * q) + 1, int(b * q) + 1) if a < F(p, q) < b]
    seen = set()
    for x in cands:
        if x in seen:
            continue
        seen.add(x)
        # solve w_a + w_x + w_b = m0, a w_a + x w_x + b w_b = m1, a² w_a + x² w_x + b² w_b = m2
        wx = (m2 - (a + b) * m1 + a * b * m0) / ((x - a) * (x - b))
        wb = (m1 - a * m0 - (x - a) * wx) / (b - a)
        wa = m0 - wx - wb
        if wa >= 0 and wx >= 0 and wb >= 0:
            return [(y, w) for y, w in ((a, wa), (x, wx), (b, wb)) if w != 0]
    return None


def nu_atoms(m0: F, m1: F, m2: F, a: F, b: F, mode: str) -> Atoms | None:
    """A representation of ν: "lower"/"upper" principal, or "nice" (small-denominator support)."""
    if mode == "nice":
        return nice_atoms(m0, m1, m2, a, b)
    return principal_atoms(m0, m1, m2, a, b, upper=mode == "upper")


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


def realise_free(v: dict[str, F], modes: dict[str, str] | None = None) -> Case | None:
    """Realise a vector whose claim uses no counts/ψ/s_min/s_max (step 3, first case)."""
    blocks: dict[str, list[Coord]] = {}
    for X, (a, b) in _intervals(v).items():
        nu = nu_atoms(v["s" + X], v["t" + X], v["u" + X], a, b, (modes or {}).get(X, "lower"))
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


def _noise_lp(v: dict[str, F], X: str, pts: list[F], N: list[F], slack: F) -> list[F] | None:
    """Exact LP (z3 over the rationals): noise masses μ_j ∈ [s_min N_j, s_max N_j] with
    Σ μ_j x_j = n_X, Σ μ_j x_j² = e_X; the last point (the midpoint) stays slack·(s_max − s_min)
    inside the band so that one coordinate can take s_min and one s_max there."""
    import z3

    smin, smax = v["smin"], v["smax"]
    mu = [z3.Real(f"mu{j}") for j in range(len(pts))]
    s = z3.Solver()
    s.set("timeout", 10000)

    def R(x: F):
        return z3.RealVal(f"{x.numerator}/{x.denominator}")

    for j in range(len(pts)):
        s.add(mu[j] >= R(smin * N[j]), mu[j] <= R(smax * N[j]))
    gap = slack * (smax - smin)
    s.add(mu[-1] >= R((smin + gap) * N[-1]), mu[-1] <= R((smax - gap) * N[-1]))
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

    return [val(t) for t in mu]


def _integer_counts(v: dict[str, F], pts: dict[str, list[F]], need: dict[str, list[int]],
                    max_d: int, exact: bool = True) -> tuple[int, dict[str, list[int]]] | None:
    """Smallest replication factor r and integer counts n_j ≥ need_j with Σ n_j = r K_S and
    Σ n_j x_j² = r ψ_S in both blocks. Interior points get the least multiple c_j ≥ need_j of the
    denominator of (x_j² − a²)/(b² − a²); the endpoints a, b solve the two equations, which are
    integral once r is a multiple of the denominators of K_S and (ψ_S − a²K_S)/(b² − a²)."""
    base, fixed = 1, {}
    for X, P in pts.items():
        K, psi = v["K" + X], v["psi" + X]
        base = lcm(base, K.denominator)
        if len(P) == 1:
            if psi != P[0] ** 2 * K:
                return None
            fixed[X] = []
            continue
        a, b = P[0], P[1]
        span = b * b - a * a
        base = lcm(base, ((psi - a * a * K) / span).denominator)
        cs = []
        for x, nd in zip(P[2:], need[X][2:]):
            den = ((x * x - a * a) / span).denominator if exact else 1
            cs.append(den * -(-nd // den))
        fixed[X] = cs
    if not exact:  # rounded counts: Σ n_j ≈ r K_S, Σ n_j x_j² ≈ r ψ_S (re-check decides)
        base = 1
    r = base
    while True:
        counts, total = {}, 0
        for X, P in pts.items():
            K, psi = v["K" + X], v["psi" + X]
            if len(P) == 1:
                counts[X] = [int(r * K) if exact else max(1, round(r * K))]
            else:
                a, b = P[0], P[1]
                cs = fixed[X]
                rest = r * K - sum(cs)
                nb = (r * psi - sum((c * x * x for c, x in zip(cs, P[2:])), F(0)) - a * a * rest) / (
                    b * b - a * a)
                if not exact:
                    rest, nb = round(rest), round(nb)
                na = rest - nb
                assert nb.denominator == 1 and na.denominator == 1
                counts[X] = [int(na), int(nb)] + cs
            total += sum(counts[X])
        if total > max_d:
            return None
        if all(n >= nd for X in pts for n, nd in zip(counts[X], need[X])):
            return r, counts
        r += base


def realise_counts(v: dict[str, F], modes: dict[str, str] | None = None,
                   max_d: int = 20000, exact: bool = True) -> Case | None:
    """Realise a vector whose claim uses counts, ψ and the noise extremes (step 3, second case).
    exact=False rounds the counts (ψ_S and |S| then only approximate the model's; used as a last
    resort for witnesses, which the exact re-check accepts or rejects on their own merit)."""
    if v["lamk"] <= v["lamk1"] or v["lamd"] <= 0:
        return None
    pts, nus, need = {}, {}, {}
    for X, (a, b) in _intervals(v).items():
        nu = nu_atoms(v["s" + X], v["t" + X], v["u" + X], a, b, (modes or {}).get(X, "lower"))
        if nu is None:
            return None
        mid = (a + b) / 2
        inner = sorted({x for x, _ in nu} - {a, b, mid})
        P = [a] if a == b else [a, b] + inner + [mid]  # endpoints first, midpoint last
        pts[X], nus[X] = P, dict(nu)
        # a point carrying ν-mass needs room for ≤ 4 non-zero coordinates (four squares); the
        # midpoint needs room for one s_min and one s_max coordinate
        need[X] = [4 if x in nus[X] else 1 for x in P]
        need[X][-1] = max(need[X][-1], 3)
    ic = _integer_counts(v, pts, need, max_d if exact else 400, exact)
    if ic is None:
        return None
    r, counts = ic
    smin, smax = v["smin"], v["smax"]
    kap: dict[tuple[str, int], list[F]] = {}
    for X, P in pts.items():
        N = [F(n, r) for n in counts[X]]  # counts in the model's units
        mu = None
        for slack in (F(1, 4), F(1, 100), F(1, 10**6), F(0)):
            mu = _noise_lp(v, X, P, N, slack)
            if mu is not None:
                break
        if mu is None:
            return None
        for j in range(len(P)):
            kap[X, j] = [mu[j] / N[j]] * counts[X][j]
    # the diagonal noise must attain s_min and s_max: give one coordinate each extreme where the
    # remaining coordinates of that point can keep the point's total noise within [s_min, s_max]
    missing = [e for e, hit in ((smin, any(k[0] == smin for k in kap.values())),
                                (smax, any(k[0] == smax for k in kap.values()))) if not hit]
    for key, ks in sorted(kap.items(), key=lambda kv: -len(kv[1])):
        if not missing:
            break
        n = len(ks)
        for take in (missing, missing[:1], missing[1:]):
            if not take or n <= len(take):
                continue
            rest = (n * ks[0] - sum(take, F(0))) / (n - len(take))
            if smin <= rest <= smax:
                kap[key] = list(take) + [rest] * (n - len(take))
                missing = [m for m in missing if m not in take]
                break
    if missing:
        return None
    res: dict[str, list[Coord]] = {}
    for X, P in pts.items():
        coords: list[Coord] = []
        for j, x in enumerate(P):
            n = counts[X][j]
            cs = _squares_at(x, nus[X][x] * r) if x in nus[X] else []
            if len(cs) > n:
                return None
            cs = cs + [F(0)] * (n - len(cs))
            coords += [(x, c, kk) for c, kk in zip(cs, kap[X, j])]
        res[X] = coords
    return _to_case(res["D"], res["B"], v.get("eta"))


def realise(v: dict[str, F], groups: tuple[str, ...], approximate: bool = True) -> list[Case]:
    """All candidate realisations (see `realise_iter`)."""
    return list(realise_iter(v, groups, approximate))


def realise_iter(v: dict[str, F], groups: tuple[str, ...], approximate: bool = True) -> Iterator[Case]:
    """Candidate cases realising the vector (several when the claim uses norms: the lower and
    upper principal representations bound ‖P^S x‖² from both sides). [] if none.
    approximate=True appends rounded-count realisations (ψ, |S| approximate) after the exact ones."""
    choices = [{"D": m, "B": m} for m in ("nice", "lower")]
    if "norms" in groups:  # the principal representations bound ‖P^S x‖² from both sides
        choices += [{"D": m1, "B": m2} for m1 in ("lower", "upper") for m2 in ("lower", "upper")]
    fns = [realise_free] if "count" not in groups else [realise_counts] + (
        [lambda w, ch: realise_counts(w, ch, exact=False)] if approximate else [])
    for fn in fns:
        for ch in choices:
            try:
                c = fn(v, ch)
            except Exception:  # noqa: BLE001 — an invalid case is simply not a realisation
                c = None
            if c is not None:
                yield c
