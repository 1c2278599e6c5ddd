"""Exact finite-d E[θ_{t+1} | x_t] for any noise covariance C (full symmetric PSD in the eigenbasis).

After one SGD step c' = a − ηζ with a_i = (1 − ηλ_i)c_i and ζ ~ N(0, C). Put z = Λc'
(Λ = diag λ), so z ~ N(m, B) with m = Λa and B = η²ΛCΛ, and θ_{t+1} = U/(U + V) with
U = Σ_{i∈D} z_i², U + V = |z|² (θ = 0 when U + V = 0). Since 1/y = ∫_0^∞ e^{−sy} ds,

    E[U/(U+V)] = ∫_0^∞ E[U e^{−s|z|²}] ds.

For z ~ N(m, B) and R(s) = (I + 2sB)^{-1}, ν(s) = R(s)m, P_D the projection onto D:

    M(s) := E e^{−s|z|²} = det(I + 2sB)^{-1/2} exp(−s mᵀR(s)m),
    E[U e^{−s|z|²}] = M(s) · [tr(P_D R(s) B) + |P_D ν(s)|²]

(differentiate log E e^{−zᵀ(sI + tP_D)z} in t at t = 0; with A = sI + tP_D,
d/dt[(I + 2AB)^{-1}A] = (I + 2AB)^{-1} P_D (I + 2BA)^{-1}). With B = QΓQᵀ (Q orthogonal,
Γ = diag γ_j ≥ 0) and m̃ = Qᵀm every term is explicit:

    log M(s) = Σ_j [−½ log(1 + 2sγ_j) − s m̃_j²/(1 + 2sγ_j)],
    tr(P_D R B) = Σ_j G_jj γ_j/(1 + 2sγ_j),  G = QᵀP_DQ,
    P_D ν = (P_D Q) · (m̃_j/(1 + 2sγ_j))_j.

Independent blocks. C splits into the connected components of its off-diagonal non-zero
pattern; z's components are then independent, M factorises and the bracket is a sum over
components. A 1 × 1 component is the diagonal formula of `verify.core.expected_ratio`.
A coupled component of n ≤ DIRECT_MAX = 12 coordinates is evaluated at each node by an LU
solve/determinant of I + 2sB in ball arithmetic (python-flint, rigorous per node): with
X = (I + 2sB)^{-1}[m | B_{:,D}], mᵀRm = mᵀX_0 and tr(P_D R B) = Σ_{i∈D} X_{i,1+t(i)}.
A larger component is diagonalised once by `mpmath.eigsy` at the working precision plus guard
digits plus the decades spanned by B's diagonal, accepted only if ‖QΓQᵀ − B‖ and ‖QᵀQ − I‖ are
tiny, and then checked at every quadrature split point against the rigorous LU terms (log det
to 10^{−(dps+3)} absolute, the other two terms relative); a mismatch raises PrecisionError.

Quadrature. s = e^y/E|z|², y ∈ ℝ; tanh-sinh (mpmath) split at y = −4, 0, 4 and at the scales
log(E|z|²/x) for every variance and squared mean x of the (rotated) coordinates, long stretches
cut into pieces of SPLIT_MAX = 16. The integrand is normalised by its largest value at the split
points (mpmath's error estimate assumes integrals of order one); every node is evaluated in balls
with precision doubled until its radius is below 10^{−(dps+3)} relative, and an error estimate
above 10^{−(dps−10)} relative (also with three extra levels) raises PrecisionError. dps is the
caller's working precision (`decimal_quantities` adds 15 guard digits to the printed ones).

Size and cost. n ≤ 12 blocks cost O(n³) in C per node; an n-block above that costs one O(n³)
Jacobi diagonalisation in pure Python and O(k·n) per node: ≈ 3 s for one coupled block of n = 40
at 50 digits. Blocks larger than MAX_BLOCK = 48 are refused: `expected_theta_next_full` returns
None (the quantity is reported as undefined, not guessed) and `full_cov_unsupported_reason` says
why. Block-diagonal covariances of any d are fine (d = 42 made of 2 × 2 blocks is instant).
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import mpmath

from verify.core.cases import Case
from verify.core.errors import PrecisionError

MAX_BLOCK = 48
DIRECT_MAX = 12
GUARD = 10
SPLIT_MAX = 16


def _full_matrix(case: Case) -> list[list[Fraction]]:
    """C in the eigenbasis as a full matrix (also for σ²I and diag(κ²) noise)."""
    if case.noise_kind == "covariance":
        assert case.covariance is not None
        return [list(r) for r in case.covariance]
    kap = case.kappa2
    return [[kap[i] if i == j else Fraction(0) for j in range(case.d)] for i in range(case.d)]


def components(cov: list[list[Fraction]]) -> list[list[int]]:
    """Connected components of the graph i ~ j ⇔ C_ij ≠ 0 (i ≠ j), each sorted, in order of
    their smallest index. Coordinates in different components are independent."""
    d = len(cov)
    parent = list(range(d))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(d):
        for j in range(i + 1, d):
            if cov[i][j] != 0:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(d):
        groups.setdefault(find(i), []).append(i)
    return [groups[r] for r in sorted(groups)]


def full_cov_unsupported_reason(case: Case) -> str | None:
    """None when `expected_theta_next_full` can evaluate the case, else a one-line reason."""
    big = max(len(c) for c in components(_full_matrix(case)))
    if big > MAX_BLOCK:
        return (f"the noise covariance has a coupled block of {big} coordinates; exact "
                f"E[θ_{{t+1}}] is implemented for blocks of at most {MAX_BLOCK}")
    return None


def expected_theta_next_full(case: Case, eta: Fraction, dense: bool = False):
    """E[θ_{t+1} | x_t] for SGD at step η with the case's full noise covariance, as an mpf at the
    current mpmath working precision; None when a coupled block exceeds MAX_BLOCK coordinates.

    `dense=True` treats all d coordinates as one block (diagonalised by Jacobi even when C is
    diagonal) — a cross-check of the block splitting, used by the tests."""
    cov = _full_matrix(case)
    lam, c = case.eigenvalues, case.state
    m = [lam[i] * (1 - eta * lam[i]) * c[i] for i in range(case.d)]
    B = [[eta * eta * lam[i] * lam[j] * cov[i][j] for j in range(case.d)] for i in range(case.d)]
    comps = [list(range(case.d))] if dense else components(cov)
    if max(len(g) for g in comps) > MAX_BLOCK:
        return None
    return gaussian_block_ratio(m, B, case.k, comps)


def gaussian_block_ratio(m: list[Fraction], B: list[list[Fraction]], k: int,
                         comps: list[list[int]] | None = None):
    """E[|z_D|²/|z|²] for z ~ N(m, B), D = {0..k−1} (exact rational m, symmetric PSD B; 0 when
    |z| = 0 a.s.). `comps` partitions the indices into blocks with B zero between blocks (default:
    the connected components of B's pattern). mpf at the current working precision."""
    d = len(m)
    if comps is None:
        comps = components(B)
    tot_mean = sum((m[i] * m[i] + B[i][i] for i in range(d)), Fraction(0))
    dom_mean = sum((m[i] * m[i] + B[i][i] for i in range(k)), Fraction(0))
    if tot_mean == 0 or dom_mean == 0:
        return mpmath.mpf(0)  # θ_{t+1} = 0 almost surely (θ(0) = 0 convention, or U ≡ 0)
    if all(B[i][i] == 0 for i in range(d)):  # PSD with zero diagonal: no noise, θ deterministic
        return _m(dom_mean / tot_mean)
    target = mpmath.mp.dps  # digits the quadrature works at (the caller's, guard digits included)
    singles: dict[tuple[Fraction, bool], list] = {}
    direct: list[tuple[list[int], list[Fraction], list[list[Fraction]]]] = []
    eigen: list[tuple[list[int], list[Fraction], list[list[Fraction]]]] = []
    scales: list[float] = []
    for comp in comps:
        mb = [m[i] for i in comp]
        Bb = [[B[i][j] for j in comp] for i in comp]
        for x in [mi * mi for mi in mb] + [Bb[r][r] for r in range(len(comp))]:
            if x > 0:
                scales.append(_log_ratio(tot_mean, x))
        if len(comp) == 1:
            g = singles.setdefault((Bb[0][0], comp[0] < k), [Fraction(0), 0])
            g[0] += mb[0] * mb[0]
            g[1] += 1
        else:
            dom = [r for r in range(len(comp)) if comp[r] < k]
            (direct if len(comp) <= DIRECT_MAX else eigen).append((dom, mb, Bb))
    singles_rows = sorted(singles.items())
    eig_data = [_diagonalise(mb, Bb, dom, target + GUARD) for dom, mb, Bb in eigen]
    for gam, mt, _, _ in eig_data:  # the scales of the rotated coordinates too
        for x in list(gam) + [v * v for v in mt]:
            if x > 0:
                scales.append(float(mpmath.log(_m(tot_mean)) - mpmath.log(x)))
    cache: dict[int, tuple] = {}

    def constants(p: int):
        if p not in cache:
            with flint.ctx.workdps(p):
                rows = [(_a(gv), _a(wm), mult, dom) for (gv, dom), (wm, mult) in singles_rows]
                dblocks = [(dom, flint.arb_mat([[_a(x)] for x in mb]),
                            flint.arb_mat([[_a(x) for x in r] for r in Bb]),
                            flint.arb_mat([[_a(Bb[i][j]) for j in dom] for i in range(len(mb))])
                            if dom else None)
                           for dom, mb, Bb in direct]
                eblocks = [([_s(x) for x in gam], [_s(x) for x in mt], [_s(x) for x in gd],
                            flint.arb_mat([[_s(x) for x in r] for r in QD]) if QD else None)
                           for gam, mt, gd, QD in eig_data]
                cache[p] = (rows, dblocks, eblocks, 1 / _a(tot_mean))
        return cache[p]

    def parts(y, p: int):
        """(log det(I+2sB), mᵀ(I+2sB)^{-1}m, E[U e^{−s|z|²}]/M(s), s) in balls at p digits."""
        rows, dblocks, eblocks, s0 = constants(p)
        with flint.ctx.workdps(p):
            s = s0 * flint.arb(mpmath.nstr(mpmath.exp(y), p + 5))
            prod, lin, gD = flint.arb(1), flint.arb(0), flint.arb(0)
            for gv, wm, mult, dom in rows:
                den = 1 + 2 * s * gv
                prod *= den if mult == 1 else den**mult
                lin += wm / den
                if dom:
                    gD += mult * gv / den + wm / (den * den)
            logdet = prod.log()
            for dom, mv, Bm, BD in dblocks:
                ld, li, g = _direct_terms(s, dom, mv, Bm, BD)
                logdet, lin, gD = logdet + ld, lin + li, gD + g
            for gam, mt, gd, QD in eblocks:
                ld, li, g = _eigen_terms(s, gam, mt, gd, QD)
                logdet, lin, gD = logdet + ld, lin + li, gD + g
            return logdet, lin, gD, s

    tol_node = mpmath.mpf(10) ** (-(target + 3))

    def integrand(y):
        p = target + GUARD
        for _ in range(6):
            try:
                logdet, lin, gD, s = parts(y, p)
            except ZeroDivisionError:  # ball LU could not certify I + 2sB (PSD B) at p digits
                p *= 2
                continue
            with flint.ctx.workdps(p):
                val = (-logdet / 2 - s * lin).exp() * gD * s
            if val.is_finite() and (val.rad() == 0 or val.rad() <= tol_node * abs(val.mid())):
                return mpmath.mpf(val.mid().str(p, radius=False))
            p *= 2
        raise PrecisionError("E[θ_t+1]: the integrand could not be evaluated to the requested "
                             "precision (ill-conditioned noise covariance)")

    points = [-mpmath.inf, -4, 0, 4]
    for y in sorted(scales):
        while y > points[-1] + SPLIT_MAX:  # long stretches (scales decades apart) in pieces
            points.append(points[-1] + SPLIT_MAX)
        if y > points[-1] + 2:
            points.append(math.floor(y))
    points.append(mpmath.inf)
    if eig_data:
        _spot_check(eig_data, eigen, [mpmath.mpf(x) for x in points[1:-1]], tot_mean,
                    target + GUARD, tol_node)
    # mpmath's error estimate is tuned for integrals of order one: integrate F/F_ref
    ref = max(integrand(mpmath.mpf(y)) for y in points[1:-1])
    if ref == 0:
        raise PrecisionError("E[θ_t+1]: the integrand vanishes at every scale point")
    tol = mpmath.mpf(10) ** (-(target - 10))
    value = err = mpmath.mpf(0)
    for extra in (0, 3):
        kw = {} if extra == 0 else {"maxdegree": _default_degree() + extra}
        value, err = mpmath.quad(lambda y: integrand(y) / ref, points, error=True, **kw)
        if err <= tol * abs(value):
            return value * ref
    raise PrecisionError(f"E[θ_t+1] quadrature did not converge (error estimate {mpmath.nstr(err, 3)} "
                         f"relative to {mpmath.nstr(value, 5)})")


def _direct_terms(s, dom: list[int], mv, Bm, BD):
    """Block terms from an LU solve in ball arithmetic (rigorous): with A = I + 2sB and
    X = A^{-1}[m | B_{:,D}]: (log det A, mᵀX_0, Σ_{i∈D} X_{i,1+t(i)} + Σ_{i∈D} X_{i,0}²)."""
    n = mv.nrows()
    A = 2 * s * Bm
    for i in range(n):
        A[i, i] += 1
    rhs = mv if BD is None else flint.arb_mat([[mv[i, 0]] + [BD[i, t] for t in range(BD.ncols())]
                                              for i in range(n)])
    X = A.solve(rhs)
    lin = sum((mv[i, 0] * X[i, 0] for i in range(n)), flint.arb(0))
    g = flint.arb(0)
    for t, i in enumerate(dom):
        g += X[i, 1 + t] + X[i, 0] * X[i, 0]
    return A.det().log(), lin, g


def _eigen_terms(s, gam, mt, gd, QD):
    """Block terms from B = QΓQᵀ: (Σ log(1+2sγ_j), Σ m̃_j²/(1+2sγ_j),
    Σ G_jj γ_j/(1+2sγ_j) + |P_D Q ν|²) with ν_j = m̃_j/(1+2sγ_j)."""
    prod, lin, g = flint.arb(1), flint.arb(0), flint.arb(0)
    nu = []
    for j in range(len(gam)):
        den = 1 + 2 * s * gam[j]
        prod *= den
        lin += mt[j] * mt[j] / den
        g += gd[j] * gam[j] / den
        nu.append(mt[j] / den)
    if QD is not None:
        pv = QD * flint.arb_mat([[x] for x in nu])
        for i in range(pv.nrows()):
            g += pv[i, 0] * pv[i, 0]
    return prod.log(), lin, g


def _spot_check(eig_data, eigen, ys, tot_mean: Fraction, p: int, tol) -> None:
    """The Jacobi decomposition carries no error bound: at every split point of the quadrature,
    its block terms must agree with the rigorous LU terms (computed with enough digits that their
    balls are 10× tighter than `tol`): log det to `tol` absolute (it enters through exp), the two
    others to `tol` relative. Otherwise PrecisionError."""
    for (gam, mt, gd, QD), (dom, mb, Bb) in zip(eig_data, eigen):
        for y in ys:
            with flint.ctx.workdps(p):
                e_consts = ([_s(x) for x in gam], [_s(x) for x in mt], [_s(x) for x in gd],
                            flint.arb_mat([[_s(x) for x in r] for r in QD]) if QD else None)
                ey = flint.arb(mpmath.nstr(mpmath.exp(y), p + 5))
                ev = _eigen_terms(ey / _a(tot_mean), *e_consts)
            q = p
            for _ in range(6):
                with flint.ctx.workdps(q):
                    s = flint.arb(mpmath.nstr(mpmath.exp(y), p + 5)) / _a(tot_mean)
                    mv = flint.arb_mat([[_a(x)] for x in mb])
                    Bm = flint.arb_mat([[_a(x) for x in r] for r in Bb])
                    BD = (flint.arb_mat([[_a(Bb[i][j]) for j in dom] for i in range(len(mb))])
                          if dom else None)
                    lu = _direct_terms(s, dom, mv, Bm, BD)
                scale = [1, abs(lu[1].mid()), abs(lu[2].mid())]
                if all(t.rad() <= tol * sc / 10 for t, sc in zip(lu, scale)):
                    break
                q *= 2
            else:
                raise PrecisionError("noise covariance block: the LU check could not be evaluated; "
                                     "E[θ_t+1] inconclusive")
            with flint.ctx.workdps(q):
                for a, b, sc in zip(ev, lu, scale):
                    if abs((a - b).mid()) > tol * sc:
                        raise PrecisionError("noise covariance block: the eigen-decomposition "
                                             "disagrees with the LU check; E[θ_t+1] inconclusive")


def _diagonalise(mb: list[Fraction], Bb: list[list[Fraction]], dom: list[int], wp: int):
    """(γ_j, m̃_j, G_jj, P_D Q rows) of one coupled block by Jacobi at `wp` digits plus the digits
    the diagonal's dynamic range needs, residual-checked."""
    n = len(mb)
    diag = [Bb[i][i] for i in range(n) if Bb[i][i] > 0]
    spread = math.ceil(_log_ratio(max(diag), min(diag)) / math.log(10)) if diag else 0
    with mpmath.workdps(wp + GUARD + spread):
        Bm = mpmath.matrix([[_m(x) for x in r] for r in Bb])
        gam, Q = mpmath.eigsy(Bm)
        norm = mpmath.mnorm(Bm, 1)
        recon = Q * mpmath.diag(gam) * Q.T - Bm
        orth = Q.T * Q - mpmath.eye(n)
        tol = mpmath.mpf(10) ** (-(wp + spread))
        if mpmath.mnorm(recon, 1) > tol * norm or mpmath.mnorm(orth, 1) > tol:
            raise PrecisionError("noise covariance block could not be diagonalised to the "
                                 "requested precision; E[θ_t+1] inconclusive")
        gam_l = []
        for j in range(n):
            g = gam[j]
            if g < 0:  # PSD (checked exactly at load): a rounding residue of a zero eigenvalue
                if -g > tol * norm:
                    raise PrecisionError("noise covariance block has a negative eigenvalue "
                                         "beyond rounding; E[θ_t+1] inconclusive")
                g = mpmath.mpf(0)
            gam_l.append(g)
        mv = [_m(x) for x in mb]
        mt = [mpmath.fsum(Q[r, j] * mv[r] for r in range(n)) for j in range(n)]
        gdiag = [mpmath.fsum(Q[r, j] ** 2 for r in dom) for j in range(n)]
        QD = [[Q[r, j] for j in range(n)] for r in dom]
    return gam_l, mt, gdiag, QD


def _default_degree() -> int:
    """mpmath's default maximal tanh-sinh degree at the current precision."""
    return mpmath.calculus.quadrature.TanhSinh(mpmath.mp).guess_degree(mpmath.mp.prec)


def _log_ratio(num: Fraction, den: Fraction) -> float:
    """log(num/den) for positive rationals of any magnitude, as a float."""
    return (math.log(num.numerator) - math.log(num.denominator)
            - math.log(den.numerator) + math.log(den.denominator))


def _a(x: Fraction):
    return flint.arb(flint.fmpq(x.numerator, x.denominator))


def _s(x):
    return flint.arb(mpmath.nstr(x, flint.ctx.dps + 5))


def _m(x: Fraction):
    return mpmath.mpf(x.numerator) / x.denominator
