"""numba kernels of the fused engine (verify.simulation.fused); imported on first use only, so
commands that do not simulate never import numba. Compiled once and cached on disk by numba."""

from __future__ import annotations

import numba
import numpy as np
from numba.np.random import _constants as zc  # numpy's ziggurat tables, as numba ships them

ki = np.asarray(zc.ki_double, dtype=np.uint64)
wi = np.asarray(zc.wi_double, dtype=np.float64)
fi = np.asarray(zc.fi_double, dtype=np.float64)
zr, zinv = float(zc.ziggurat_nor_r), float(zc.ziggurat_nor_inv_r)
u1, u3, u8, u9, u11 = (np.uint64(v) for v in (1, 3, 8, 9, 11))
u24, u40, uff, m52 = np.uint64(24), np.uint64(40), np.uint64(0xFF), np.uint64(0x000FFFFFFFFFFFFF)


@numba.njit(cache=True)
def next_u64(s):
    """SFC64 (Doty-Humphrey), state s = (a, b, c, counter): numpy's SFC64.random_raw."""
    tmp = s[0] + s[1] + s[3]
    s[3] += u1
    s[0] = s[1] ^ (s[1] >> u11)
    s[1] = s[2] + (s[2] << u3)
    s[2] = ((s[2] << u24) | (s[2] >> u40)) + tmp
    return tmp


@numba.njit(cache=True)
def next_double(s):
    return np.float64(next_u64(s) >> u11) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def finish(s, r):
    """Complete numpy's 256-layer ziggurat draw whose first word r failed the fast test
    (wedge test, the tail beyond r = 3.654…, or a fresh word): the rare path."""
    while True:
        idx = np.intp(r & uff)
        sign = (r >> u8) & u1
        rabs = (r >> u9) & m52
        x = np.float64(np.int64(rabs)) * wi[idx]
        if sign:
            x = -x
        if rabs < ki[idx]:
            return x
        if idx == 0:
            while True:
                xx = -zinv * np.log1p(-next_double(s))
                yy = -np.log1p(-next_double(s))
                if yy + yy > xx * xx:
                    if (rabs >> u8) & u1:
                        return -(zr + xx)
                    return zr + xx
        elif (fi[idx - 1] - fi[idx]) * next_double(s) + fi[idx] < np.exp(-0.5 * x * x):
            return x
        r = next_u64(s)


@numba.njit(cache=True)
def _sweep(c, lam, sd, mul, add, eta, per_step, i0, i1, st, rec):
    """Update c_i for i in [i0, i1) (one Gaussian each, in order, from the SFC64 state words
    st = (a, b, c, counter)); when `rec`, also return Σ λ_i² c_i² and Σ λ_i c_i² of the new
    values. The fast path of numpy's ziggurat (99.3 % of draws) is written out inline and the
    state stays in registers (returned). The loop is written out three times — constant η
    without and with the reduction, per-step η — so that no branch on `per_step` or `rec` is
    left inside it; the three are the same arithmetic."""
    a, b, cc, w = st
    s = np.empty(4, dtype=np.uint64)
    acc_s = 0.0
    acc_l = 0.0
    if not per_step and not rec:
        for i in range(i0, i1):
            tmp = a + b + w
            w += u1
            a = b ^ (b >> u11)
            b = cc + (cc << u3)
            cc = ((cc << u24) | (cc >> u40)) + tmp
            idx = np.intp(tmp & uff)
            rabs = (tmp >> u9) & m52
            if rabs < ki[idx]:
                z = np.float64(np.int64(rabs)) * wi[idx]
                if (tmp >> u8) & u1:
                    z = -z
            else:
                s[0], s[1], s[2], s[3] = a, b, cc, w
                z = finish(s, tmp)
                a, b, cc, w = s[0], s[1], s[2], s[3]
            c[i] = mul[i] * c[i] + add[i] * z
    elif not per_step:
        for i in range(i0, i1):
            tmp = a + b + w
            w += u1
            a = b ^ (b >> u11)
            b = cc + (cc << u3)
            cc = ((cc << u24) | (cc >> u40)) + tmp
            idx = np.intp(tmp & uff)
            rabs = (tmp >> u9) & m52
            if rabs < ki[idx]:
                z = np.float64(np.int64(rabs)) * wi[idx]
                if (tmp >> u8) & u1:
                    z = -z
            else:
                s[0], s[1], s[2], s[3] = a, b, cc, w
                z = finish(s, tmp)
                a, b, cc, w = s[0], s[1], s[2], s[3]
            ci = mul[i] * c[i] + add[i] * z
            c[i] = ci
            le = lam[i] * ci * ci
            acc_s += lam[i] * le
            acc_l += le
    else:
        for i in range(i0, i1):
            tmp = a + b + w
            w += u1
            a = b ^ (b >> u11)
            b = cc + (cc << u3)
            cc = ((cc << u24) | (cc >> u40)) + tmp
            idx = np.intp(tmp & uff)
            rabs = (tmp >> u9) & m52
            if rabs < ki[idx]:
                z = np.float64(np.int64(rabs)) * wi[idx]
                if (tmp >> u8) & u1:
                    z = -z
            else:
                s[0], s[1], s[2], s[3] = a, b, cc, w
                z = finish(s, tmp)
                a, b, cc, w = s[0], s[1], s[2], s[3]
            ci = (1.0 - eta * lam[i]) * c[i] - eta * sd[i] * z
            c[i] = ci
            if rec:
                le = lam[i] * ci * ci
                acc_s += lam[i] * le
                acc_l += le
    return (a, b, cc, w), acc_s, acc_l


@numba.njit(cache=True)
def _sums(c, lam, i0, i1):
    """Σ λ_i² c_i² and Σ λ_i c_i² over [i0, i1), in index order."""
    acc_s = 0.0
    acc_l = 0.0
    for i in range(i0, i1):
        le = lam[i] * c[i] * c[i]
        acc_s += lam[i] * le
        acc_l += le
    return acc_s, acc_l


@numba.njit(nogil=True, cache=True)
def run_row(c, lam, sd, k, mul, add, etas, lo, hi, t0, n, every, s, out_sD, out_sB, out_loss):
    """n updates of one row on the block [lo, hi): c_i ← mul_i·c_i + add_i·z_i with z_i
    numpy's standard normal from SFC64 state s (updated in place); with a non-empty `etas`
    (η of each of the n steps) instead c_i ← (1 − ηλ_i)·c_i − η·sd_i·z_i. These are updates
    t0+1 .. t0+n; after update t with t % every == 0, record index t // every gets
    s^D = Σ_{i<k} λ_i² c_i², s^B = Σ_{i≥k} λ_i² c_i², L = ½ (Σ_{i<k} λ_i c_i² + Σ_{i≥k} λ_i c_i²),
    each sum in index order (the same bits whichever block moves). Coordinates are drawn in
    index order: [lo, min(hi, k)) then [max(lo, k), hi) is [lo, hi)."""
    d = c.shape[0]
    st = (s[0], s[1], s[2], s[3])
    per_step = etas.shape[0] > 0
    dlo, dhi = lo, min(hi, k)  # moving part of D
    blo, bhi = max(lo, k), hi  # moving part of B
    for j in range(n):
        eta = etas[j] if per_step else 0.0
        t1 = t0 + j + 1
        rec = t1 % every == 0
        sD = 0.0
        lD = 0.0
        sB = 0.0
        lB = 0.0
        if rec and dlo > 0:
            sD, lD = _sums(c, lam, 0, dlo)
        if dhi > dlo:
            st, xs, xl = _sweep(c, lam, sd, mul, add, eta, per_step, dlo, dhi, st, rec)
            sD += xs
            lD += xl
        if rec and dhi < k:
            xs, xl = _sums(c, lam, max(dhi, 0), k)
            sD += xs
            lD += xl
        if rec and blo > k:
            sB, lB = _sums(c, lam, k, blo)
        if bhi > blo:
            st, xs, xl = _sweep(c, lam, sd, mul, add, eta, per_step, blo, bhi, st, rec)
            sB += xs
            lB += xl
        if rec and bhi < d:
            xs, xl = _sums(c, lam, max(bhi, k), d)
            sB += xs
            lB += xl
        if rec:
            r_ = t1 // every
            out_sD[r_] = sD
            out_sB[r_] = sB
            out_loss[r_] = 0.5 * (lD + lB)
    s[0], s[1], s[2], s[3] = st
