"""Fused engine (verify.simulation.fused): its Gaussians are numpy's, bit for bit; its updates are
the SGD/DSGD/BSGD law step by step (against a plain numpy re-implementation); its steady state has
the dense published path's law (two-sample KS test) and the exact finite-d E[θ_t]; the exact
R-step jump has the law of R single steps; the AOT and JIT builds agree bit for bit; negative
controls (a wrong noise law, a wrong prediction) are rejected by the same tests."""

from __future__ import annotations

import json
import math
import os

import mpmath
import numpy as np
import pytest

from verify.cli import main
from verify.core.expected_ratio import gaussian_init_alignment
from verify.core.families import paper_spectrum
from verify.core.tolerances import MC_SIGMAS
from verify.simulation.engines import simulate_dense_published
from verify.simulation.fused import sfc64_states, simulate_fused

KS_ALPHA = 1e-3  # false-alarm rate of every two-sample KS test below


def ks_2samp_pvalue(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov–Smirnov test, asymptotic p-value (Kolmogorov distribution with
    the effective size n = n_a n_b/(n_a + n_b) and Stephens' small-sample correction)."""
    a, b = np.sort(a), np.sort(b)
    allv = np.concatenate([a, b])
    dist = np.abs(np.searchsorted(a, allv, side="right") / len(a)
                  - np.searchsorted(b, allv, side="right") / len(b)).max()
    n = len(a) * len(b) / (len(a) + len(b))
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * dist
    return float(min(1.0, max(0.0, 2 * sum((-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam)
                                           for j in range(1, 101)))))


def test_ks_helper_detects_a_shift_and_accepts_same_law():
    rng = np.random.default_rng(0)
    assert ks_2samp_pvalue(rng.standard_normal(400), rng.standard_normal(3000)) > KS_ALPHA
    assert ks_2samp_pvalue(rng.standard_normal(400), rng.standard_normal(3000) + 0.4) < KS_ALPHA


def test_gaussians_are_numpys_bit_for_bit():
    """mul = 0, add = 1: one step sets c = z, numpy's Generator(SFC64(...)).standard_normal()
    in coordinate order (10⁶ draws: ~7000 take the ziggurat's slow path, ~250 the tail)."""
    from verify.simulation.fused import _kernels

    d = 1_000_000
    st = sfc64_states(11, 1)[0]
    c = np.zeros(d)
    o = np.empty((3, 2))
    _kernels().run_row(c, np.ones(d), np.ones(d), 1, np.zeros(d), np.ones(d), np.empty(0), 0, d, 0, 1,
                       1, st, o[0], o[1], o[2])
    ref = np.random.Generator(np.random.SFC64(np.random.SeedSequence(11).spawn(1)[0]))
    assert np.array_equal(c, ref.standard_normal(d))
    assert (np.abs(c) > 3.6541528853610088).sum() > 100  # the tail path was exercised
    # the state advanced exactly as numpy's: the next draws agree too
    c2 = np.zeros(10)
    _kernels().run_row(c2, np.ones(10), np.ones(10), 1, np.zeros(10), np.ones(10), np.empty(0), 0, 10,
                       0, 1, 1, st, o[0], o[1], o[2])
    assert np.array_equal(c2, ref.standard_normal(10))


def _reference(lam, k, kap, x0, etas, seed, blocks, every):
    """Plain numpy, step by step: c_S ← (1 − η_t λ_S) c_S − η_t κ_S z with z from each row's
    own SFC64 stream; records (s^D, s^B, L) at multiples of `every`."""
    rows, d = x0.shape
    gens = [np.random.Generator(np.random.SFC64(s)) for s in np.random.SeedSequence(seed).spawn(rows)]
    c = x0.copy()
    sd = np.sqrt(kap)
    recs = []

    def rec():
        e = lam * c * c
        recs.append(np.stack([(lam[:k] * e[:, :k]).sum(1), (lam[k:] * e[:, k:]).sum(1), 0.5 * e.sum(1)]))

    rec()
    for t, eta in enumerate(etas):
        lo, hi = blocks[t]
        for r in range(rows):
            z = gens[r].standard_normal(hi - lo)
            c[r, lo:hi] = (1.0 - eta * lam[lo:hi]) * c[r, lo:hi] - eta * sd[lo:hi] * z
        if (t + 1) % every == 0:
            rec()
    return np.array(recs)  # records × 3 × rows


@pytest.mark.parametrize("method,switch,schedule,every", [
    ("sgd", None, False, 1), ("dsgd", None, False, 3), ("bsgd", None, True, 2),
    ("sgd", 7, True, 4), ("bsgd", 5, False, 1)])
def test_fused_equals_stepwise_numpy(method, switch, schedule, every):
    lam = np.array([5.0, 4.0, 3.0, 1.0, 0.7, 0.2])
    k, kap = 2, np.array([1.0, 0.5, 2.0, 1.0, 0.3, 0.8])
    x0 = np.random.default_rng(3).standard_normal((3, 6))
    steps = 23
    eta = (lambda t: 0.1 / (1 + 0.05 * t)) if schedule else 0.1
    etas = [eta(t) if schedule else eta for t in range(steps)]
    blk = {"sgd": (0, 6), "dsgd": (0, k), "bsgd": (k, 6)}
    blocks = [blk["dsgd" if switch is not None and t >= switch else method] for t in range(steps)]
    ref = _reference(lam, k, kap, x0, etas, 5, blocks, every)
    tr = simulate_fused(lam, k, kap, x0, eta, steps, 5, method, every, switch,
                        "dsgd" if switch is not None else None)
    got = np.stack([tr.s_D, tr.s_B, tr.loss], axis=1)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=0)
    # negative control: one step of a different step size is detected at this tolerance
    etas_bad = list(etas)
    etas_bad[steps // 2] *= 1.001
    bad = _reference(lam, k, kap, x0, etas_bad, 5, blocks, every)
    assert not np.allclose(got[-1], bad[-1], rtol=1e-13, atol=0)


def test_output_independent_of_threads():
    lam = np.array([float(x) for x in paper_spectrum(5, 30, 3)])
    x0 = np.random.default_rng(0).standard_normal((5, 30))
    a = simulate_fused(lam, 3, np.full(30, 0.25), x0, 0.003, 400, 9, threads=1)
    b = simulate_fused(lam, 3, np.full(30, 0.25), x0, 0.003, 400, 9, threads=3)
    assert np.array_equal(a.alignment, b.alignment) and np.array_equal(a.loss, b.loss)


def test_kernel_releases_the_gil():
    """While the kernel runs a long row on a worker thread, the main thread keeps running Python
    (it could not if the call held the GIL: the AOT build must release it as the JIT's nogil
    does, or the seeds of a run share one core)."""
    import threading
    import time

    from verify.simulation.fused import _kernels

    d, n = 200_000, 150
    c, o = np.zeros(d), np.empty((3, n + 1))
    span = []

    def job():
        span.append(time.perf_counter())
        _kernels().run_row(c, np.ones(d), np.ones(d), 1, np.full(d, 0.5), np.ones(d), np.empty(0), 0,
                           d, 0, n, 1, sfc64_states(1, 1)[0], o[0], o[1], o[2])
        span.append(time.perf_counter())

    _kernels()  # loaded (or built) before timing
    th = threading.Thread(target=job)
    ticks = []
    th.start()
    while th.is_alive():
        ticks.append(time.perf_counter())
    th.join()
    a, b = span
    inside = [a] + [t for t in ticks if a < t < b] + [b]
    assert max(np.diff(inside)) < 0.5 * (b - a), "the main thread stalled for the whole kernel call"


def test_simulate_npz_byte_identical_on_one_and_two_threads(tmp_path, monkeypatch):
    """The whole command's output (.npz and .json) is the same bytes whether the rows run on one
    thread or on two (SALIGN_THREADS), over several segments per row (d = 64: 16384 steps a
    segment) with the rows interleaved round robin — and the two-thread run did use two threads."""
    import threading
    import types

    from verify.simulation import fused

    kern = fused._kernels()
    seen: set[int] = set()

    def run_row(*args):
        seen.add(threading.get_ident())
        kern.run_row(*args)

    monkeypatch.setattr(fused, "_KERNEL", [types.SimpleNamespace(run_row=run_row)])
    base = ["simulate", "--paper-spectrum", "--m", "50", "--d", "64", "--k", "8", "--steps", "40000",
            "--seeds", "5", "--seed", "3", "--eta", "0.003", "--sigma", "0.5"]
    outs, used = [], []
    for threads in ("1", "2"):
        monkeypatch.setenv("SALIGN_THREADS", threads)
        seen.clear()
        assert main(base + ["--out", str(tmp_path / threads)]) == 0
        used.append(set(seen))
        outs.append([(tmp_path / threads / f).read_bytes() for f in ("simulate.npz", "simulate.json")])
    assert used[0] == {threading.get_ident()} and len(used[1]) == 2
    assert outs[0] == outs[1]
    for bad in ("0", "two", "-1"):  # not a positive integer: exit 2, no run
        monkeypatch.setenv("SALIGN_THREADS", bad)
        assert main(base + ["--out", str(tmp_path / "bad")]) == 2


def test_a_failing_row_stops_the_run_and_is_raised(monkeypatch):
    """An exception in a worker thread reaches the caller (after every thread has stopped)."""
    import threading
    import types

    from verify.simulation import fused

    kern, calls = fused._kernels(), []

    def run_row(*args):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("row failed")
        kern.run_row(*args)

    monkeypatch.setattr(fused, "_KERNEL", [types.SimpleNamespace(run_row=run_row)])
    lam = np.array([float(x) for x in paper_spectrum(5, 64, 3)])
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="row failed"):
        simulate_fused(lam, 3, np.full(64, 0.25), np.ones((4, 64)), 0.003, 50000, 1, threads=2)
    assert threading.active_count() == before


def test_paper_spectrum_array_is_the_exact_spectrum_rounded():
    """The simulate path's float spectrum (no verify.core import) equals the exact rationals of
    verify.core.families.paper_spectrum rounded once, element for element."""
    from fractions import Fraction

    from verify.simulation.paper import paper_spectrum_array

    for m, d, k in [(50, 500, 50), (5, 30, 3), (0.3, 7, 1), (123.456, 12, 11), (1e-3, 2, 1),
                    (Fraction(7, 3), 40, 39), (500, 1000, 2)]:
        want = [float(x) for x in paper_spectrum(m if isinstance(m, Fraction) else Fraction(str(m)), d, k)]
        got = paper_spectrum_array(m, d, k)
        assert got.dtype == np.float64 and got.tolist() == want, (m, d, k)


def test_aot_and_jit_agree_bit_for_bit(monkeypatch):
    from verify.simulation import _kernels as jit
    from verify.simulation import aot

    mod = aot.load(build=True)
    if mod is None:
        pytest.skip("no C compiler here: the AOT module cannot be built (the JIT kernel is used)")
    args = lambda: (np.linspace(0.1, 3, 50), np.linspace(3, 0.1, 50), np.full(50, 0.7), 10,  # noqa: E731
                    np.full(50, 0.9), np.full(50, 0.3), np.empty(0), 0, 50, 0, 200, 7,
                    sfc64_states(4, 1)[0], np.zeros(30), np.zeros(30), np.zeros(30))
    a, b = args(), args()
    mod.run_row(*a)
    jit.run_row(*b)
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y)


# ---- the law: steady state against the dense published path and the exact finite-d E[θ_t] ----

D, K, M, ETA, SIGMA, T = 30, 3, 5, 0.01, 0.5, 600


def _setting():
    return np.array([float(x) for x in paper_spectrum(M, D, K)])


def _fused_final(n, seed, kap=None, record_every=1, jump=False):
    lam = _setting()
    x0 = np.random.default_rng(seed).standard_normal((n, D))
    kap = np.full(D, SIGMA**2) if kap is None else kap
    return simulate_fused(lam, K, kap, x0, ETA, T, seed + 1, record_every=record_every,
                          jump=jump).alignment[-1]


@pytest.fixture(scope="module")
def dense_final():
    """θ_T of the published dense code path (random rotation, x_0 ~ N(0, I)), 150 seeds; T = 600
    steps is 2.8 relaxation times of the slowest energy (1/(2ηλ_min) = 214) from x_0."""
    lam = _setting()
    return np.array([simulate_dense_published(lam, K, SIGMA, ETA, T, s)[-1] for s in range(150)])


def test_fused_law_matches_dense_path_ks(dense_final):
    fused = _fused_final(3000, 1)
    assert ks_2samp_pvalue(dense_final, fused) > KS_ALPHA
    # negative control: 1.5× the noise variance on the bulk only (a wrong covariance) is rejected
    kap = np.full(D, SIGMA**2)
    kap[K:] *= 1.5
    assert ks_2samp_pvalue(dense_final, _fused_final(3000, 1, kap)) < KS_ALPHA


def test_fused_mean_matches_exact_finite_d_expectation():
    fused = _fused_final(6000, 2)
    with mpmath.workdps(20):
        exact = float(gaussian_init_alignment(_setting(), K, np.full(D, SIGMA**2), ETA, T))
    se = fused.std() / np.sqrt(len(fused))
    assert abs(fused.mean() - exact) < MC_SIGMAS * se
    # negative control: the prediction at step 0.8 T (not yet stationary) is rejected
    with mpmath.workdps(20):
        wrong = float(gaussian_init_alignment(_setting(), K, np.full(D, SIGMA**2), ETA, T // 10))
    assert abs(fused.mean() - wrong) > MC_SIGMAS * se


def test_jump_has_the_law_of_single_steps():
    """The exact R-step transition (R = 60) against 60 single steps: same θ_T law (KS) — and a
    jump with the wrong variance factor (r instead of (1 − a^{2r})/(1 − a²)) is rejected."""
    single = _fused_final(3000, 3)
    jumped = _fused_final(3000, 4, record_every=60, jump=True)
    assert ks_2samp_pvalue(single, jumped) > KS_ALPHA
    lam = _setting()
    x0 = np.random.default_rng(4).standard_normal((3000, D))
    wrong = x0.copy()
    a = 1 - ETA * lam
    rng = np.random.default_rng(5)
    for _ in range(T // 60):
        wrong = a**60 * wrong + ETA * SIGMA * np.sqrt(60) * rng.standard_normal(wrong.shape)
    e = lam**2 * wrong**2
    bad = e[:, :K].sum(1) / e.sum(1)
    assert ks_2samp_pvalue(single, bad) < KS_ALPHA


# ---- the command ----

def test_simulate_outputs_record_inputs_and_are_deterministic(tmp_path):
    import numpy.lib.format  # noqa: F401

    base = ["simulate", "--paper-spectrum", "--m", "5", "--d", "20", "--k", "2", "--steps", "60",
            "--seeds", "3", "--seed", "4", "--eta", "0.01", "--sigma", "0.3", "--record-every", "2"]
    outs = []
    for name in ("a", "b"):
        assert main(base + ["--out", str(tmp_path / name)]) == 0
        outs.append(((tmp_path / name / "simulate.npz").read_bytes(),
                     (tmp_path / name / "simulate.json").read_bytes()))
    assert outs[0] == outs[1]
    meta = json.loads(outs[0][1])
    p = meta["parameters"]
    assert (p["eta"], p["d"], p["k"], p["steps"], p["seeds"], p["seed"], p["record_every"]) == \
        (0.01, 20, 2, 60, 3, 4, 2)
    assert p["paper_spectrum"] == {"m": 5.0, "sigma": 0.3} and "provenance" in meta
    z = np.load(tmp_path / "a" / "simulate.npz", allow_pickle=False)
    assert z["alignment"].shape == (31, 3) and list(z["t"][:3]) == [0, 2, 4]
    assert json.loads(str(z["meta"]))["parameters"] == p
    assert main(base + ["--out", str(tmp_path / "c.npz")]) == 0
    assert (tmp_path / "c.npz").read_bytes() == outs[0][0]
    assert main(base + ["--out", str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text())["parameters"] == p


def test_npz_bytes_are_writestr_of_the_npy_bytes():
    """The .npz writer streams each array into its member; the archive is byte for byte the one
    ZipFile.writestr makes of each member's numpy.save bytes (the format before streaming)."""
    import io
    import zipfile

    from verify.simulation.output import _EPOCH, npz_bytes

    rng = np.random.default_rng(0)
    arrays = {"t": np.arange(7), "a": rng.random((40, 3)), "b": rng.random((3, 40)).T,
              "e": np.empty((0, 2)), "meta": np.array(json.dumps({"x": "é"}))}
    ref = io.BytesIO()
    with zipfile.ZipFile(ref, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            member = io.BytesIO()
            np.lib.format.write_array(member, arr, allow_pickle=False)
            zf.writestr(info, member.getvalue())
    assert npz_bytes(arrays) == ref.getvalue()
    z = np.load(io.BytesIO(npz_bytes(arrays)), allow_pickle=False)
    assert np.array_equal(z["b"], arrays["b"]) and str(z["meta"]) == str(arrays["meta"])


def test_simulate_refuses_ignored_or_inconsistent_input(tmp_path, capsys):
    case = tmp_path / "c.json"
    case.write_text(json.dumps({"eigenvalues": ["3", "2", "1"], "k": 1, "noise": {"sigma": "1"},
                                "state": ["1", "1", "1"]}))
    out = str(tmp_path / "o.json")
    assert main(["simulate", "--case", str(case), "--steps", "5", "--out", out]) == 0
    for extra in (["--m", "7"], ["--d", "9"], ["--sigma", "1"], ["--k", "1"]):
        capsys.readouterr()
        assert main(["simulate", "--case", str(case), "--steps", "5", "--out", out, *extra]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "ignored" in err
    assert main(["simulate", "--case", str(case), "--steps", "5", "--out", out,
                 "--plot", str(tmp_path / "x.jpg")]) == 2
    assert not (tmp_path / "x.jpg").exists()
    assert main(["simulate", "--case", str(case), "--steps", "5", "--out", out,
                 "--plot", str(tmp_path / "x.png")]) == 0
    assert (tmp_path / "x.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_help_shows_defaults_and_units(capsys):
    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for piece in ("default: 1000", "default: 0.003", "(default 50)", "(default 500)", "steps",
                  "--record-every", "--jump", "--engine"):
        assert piece in text, piece


def test_progress_plain_lines_when_not_a_tty(tmp_path):
    import subprocess
    import sys

    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "verify", "simulate", "--paper-spectrum", "--d", "500",
                        "--steps", "20000", "--seeds", "5", "--record-every", "100",
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "simulate:" in ln]
    assert lines and lines[-1].strip().startswith("simulate: 20000/20000 steps (100%)")


# ---- exact checks: without noise the chain is deterministic; the noise is numpy's, so the jump's
# ---- one-draw transition can be checked draw for draw ----

LAM5 = np.array([3.0, 2.5, 1.0, 0.4, 0.1])  # 1 − ηλ_i ∈ (0, 1) at η = 0.3
K5 = 2
X5 = np.array([[1.0, -2.0, 0.5, 3.0, -1.5], [0.3, 0.0, -1.0, 2.0, 4.0], [-2.0, 1.0, 1.0, -1.0, 0.5]])


def _energies(lam, k, c):
    """(s^D, s^B, L) of states c (… × d): s^S = Σ_S λ²c², L = ½ Σ λc²."""
    e = lam**2 * c**2
    return e[..., :k].sum(-1), e[..., k:].sum(-1), 0.5 * (lam * c**2).sum(-1)


def _check_path(tr, lam, k, c):
    """tr's records against the states c (records × rows × d), to 1e-12 relative."""
    sD, sB, L = _energies(lam, k, c)
    assert tr.s_D.shape == sD.shape
    th = np.divide(sD, sD + sB, out=np.zeros_like(sD), where=sD + sB > 0)  # θ = 0 at the zero state
    for got, want in ((tr.s_D, sD), (tr.s_B, sB), (tr.loss, L), (tr.alignment, th)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("method", ["sgd", "dsgd", "bsgd"])
@pytest.mark.parametrize("every,jump", [(1, False), (3, False), (3, True)])
def test_noiseless_fused_is_the_closed_form(method, every, jump):
    """κ² = 0: c_{i,t} = (1 − ηλ_i)^t x_{0,i} on the moving block S (all / D / B) and x_{0,i} off it,
    at every record t = 0, r, 2r, … ≤ T (T = 10, r = 3: the last record is t = 9), step by step
    and with the exact r-step jump."""
    eta, steps = 0.3, 10
    tr = simulate_fused(LAM5, K5, np.zeros(5), X5, eta, steps, 2, method, every, jump=jump)
    times = np.arange(0, steps + 1, every)
    moving = {"sgd": slice(0, 5), "dsgd": slice(0, K5), "bsgd": slice(K5, 5)}[method]
    f = np.ones((len(times), 5))
    f[:, moving] = (1 - eta * LAM5[moving])[None, :] ** times[:, None]
    _check_path(tr, LAM5, K5, f[:, None, :] * X5[None])


def test_noiseless_fused_schedule_switch_and_many_segments():
    """A schedule η_t: c_t = Π_{s<t}(1 − η_s λ) x_0. A switch DSGD → BSGD at s: the dominant factor is
    (1 − ηλ)^{min(t, s)}, the bulk one (1 − ηλ)^{max(0, t − s)} (t = s − 1, s, s + 1 all recorded;
    s = 1 is the first update). d = 2¹⁴ makes the engine cut the run into several segments
    (the switch falling inside one), which must not show in the path."""
    steps = 12
    eta = lambda t: 0.3 / (1 + 0.1 * t)  # noqa: E731
    tr = simulate_fused(LAM5, K5, np.zeros(5), X5, eta, steps, 1)
    prod = np.cumprod(np.vstack([np.ones(5), [1 - eta(t) * LAM5 for t in range(steps)]]), axis=0)
    _check_path(tr, LAM5, K5, prod[:, None, :] * X5[None])
    t = np.arange(steps + 1)[:, None]
    a = 1 - 0.3 * LAM5
    for s in (1, 5):
        tr = simulate_fused(LAM5, K5, np.zeros(5), X5, 0.3, steps, 1, "dsgd", switch_at=s,
                            switch_method="bsgd")
        f = np.hstack([a[:K5] ** np.minimum(t, s), a[K5:] ** np.maximum(0, t - s)])
        _check_path(tr, LAM5, K5, f[:, None, :] * X5[None])
        assert tr.switched_at == s
    d, k, steps, s = 1 << 14, 7, 150, 100  # 64 steps a segment
    lam = np.linspace(2.0, 0.1, d)
    x0 = np.random.default_rng(0).standard_normal((1, d))
    tr = simulate_fused(lam, k, np.zeros(d), x0, 0.4, steps, 1, "dsgd", 5, switch_at=s,
                        switch_method="bsgd")
    t = np.arange(0, steps + 1, 5)[:, None]
    a = 1 - 0.4 * lam
    f = np.hstack([a[:k] ** np.minimum(t, s), a[k:] ** np.maximum(0, t - s)])
    _check_path(tr, lam, k, f[:, None, :] * x0[None])


@pytest.mark.parametrize("jump", [False, True])
def test_projected_methods_never_touch_the_other_block(jump):
    """With noise: DSGD moves D only, so s^B is exactly its t = 0 value at every record while s^D
    moves; BSGD the reverse (a swap of the two blocks — or of their records — fails this)."""
    kap = np.array([1.0, 0.5, 2.0, 1.0, 0.3])
    s0D, s0B, _ = _energies(LAM5, K5, X5)
    for method, frozen, s0, moving in (("dsgd", "s_B", s0B, "s_D"), ("bsgd", "s_D", s0D, "s_B")):
        tr = simulate_fused(LAM5, K5, kap, X5, 0.1, 12, 3, method, 2 if jump else 1, jump=jump)
        np.testing.assert_allclose(getattr(tr, frozen), np.tile(s0, (tr.s_D.shape[0], 1)), rtol=1e-14)
        assert np.all(getattr(tr, moving)[1:] != getattr(tr, moving)[0])


def test_one_jump_is_the_exact_r_step_transition_draw_for_draw():
    """From c = 0 one jump of r steps is c_r = −ηκ √((1 − a^{2r})/(1 − a²)) z (a = 1 − ηλ; r·η²κ² when
    a² = 1, here ηλ = 2 exactly), with z the row's numpy SFC64 standard normals in coordinate order;
    s^D, s^B, L of that state to 1e-12 — also over several jump segments (d = 2¹⁴: 64 jumps a
    segment), where each further jump multiplies by a^r and adds the next draws."""
    lam = np.array([4.0, 3.0, 1.0, 0.5, 0.2])  # η = 0.5: a = (−1, −0.5, 0.5, 0.75, 0.9)
    kap = np.array([1.0, 2.0, 0.5, 3.0, 1.5])
    eta, r, rows, seed = 0.5, 7, 2, 13
    tr = simulate_fused(lam, 2, kap, np.zeros((rows, 5)), eta, r, seed, record_every=r, jump=True)
    a = 1 - eta * lam
    unit = a**2 == 1
    ratio = np.where(unit, r, (1 - a ** (2 * r)) / np.where(unit, 2.0, 1 - a**2))
    z = np.array([np.random.Generator(np.random.SFC64(ss)).standard_normal(5)
                  for ss in np.random.SeedSequence(seed).spawn(rows)])
    _check_path(tr, lam, 2, np.stack([np.zeros((rows, 5)), -eta * np.sqrt(kap * ratio) * z]))
    d, k, r, n_jumps = 1 << 14, 5, 3, 150
    lam = np.linspace(1.5, 0.05, d)
    kap = np.full(d, 0.5)
    x0 = np.random.default_rng(1).standard_normal((1, d))
    tr = simulate_fused(lam, k, kap, x0, 0.2, r * n_jumps + 2, 9, record_every=r, jump=True)
    a = 1 - 0.2 * lam
    mul, add = a**r, -0.2 * np.sqrt(kap * (1 - a ** (2 * r)) / (1 - a**2))
    gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(9).spawn(1)[0]))
    c, path = x0[0].copy(), [x0[0].copy()]
    for _ in range(n_jumps):
        c = mul * c + add * gen.standard_normal(d)
        path.append(c.copy())
    _check_path(tr, lam, k, np.array(path)[:, None, :])


def test_fused_argument_contract():
    """Documented refusals (ValueError): an unknown method or switch method, record_every < 1,
    steps < 0, a jump with a schedule or with a switch; the boundary cases are accepted:
    record_every = 1, steps = 0 (only the initial record), a schedule without jump."""
    args = (LAM5, K5, np.zeros(5), X5)
    for kw in ({"method": "gd"}, {"switch_at": 2, "switch_method": "gd"}, {"record_every": 0},
               {"steps": -1}, {"jump": True, "eta": lambda t: 0.1},
               {"jump": True, "switch_at": 2, "switch_method": "dsgd"}):
        call = {"eta": 0.1, "steps": 5, "seed": 0, **kw}
        with pytest.raises(ValueError):
            simulate_fused(*args, **call)
    for threads in (1, 2):  # nothing to run on several threads either (was an IndexError)
        tr = simulate_fused(*args, 0.1, 0, 0, record_every=1, threads=threads)
        _check_path(tr, LAM5, K5, X5[None])
    # a jump run shorter than one record: only the initial record
    tr = simulate_fused(LAM5, K5, np.full(5, 0.25), X5, 0.1, 2, 0, record_every=3, jump=True,
                        threads=2)
    assert tr.loss.shape == (1, len(X5))
    simulate_fused(*args, lambda t: 0.1, 4, 0, switch_at=2, switch_method="bsgd")
    simulate_fused(*args, 0.1, 4, 0, jump=True, switch_method=None)


@pytest.mark.parametrize("jump", [False, True])
def test_fused_progress_reports_steps_done(jump):
    """progress(t) gets the steps done, increasing, ending at the last step run: T, or the last
    multiple of r with the jump (each jump is r steps); d = 2¹⁴ gives several segments."""
    d, steps, r = 1 << 14, 200, 3
    seen = []
    simulate_fused(np.ones(d), 1, np.full(d, 0.1), np.ones((1, d)), 0.1, steps, 0, record_every=r,
                   jump=jump, progress=seen.append)
    assert len(seen) > 1 and seen == sorted(set(seen))
    assert seen[-1] == (steps - steps % r if jump else steps)


def test_fused_zero_state_has_zero_alignment():
    """θ = 0 when s^D and s^B both vanish (module docstring), not NaN."""
    tr = simulate_fused(LAM5, K5, np.zeros(5), np.zeros((2, 5)), 0.1, 3, 0)
    assert np.array_equal(tr.alignment, np.zeros((4, 2)))
