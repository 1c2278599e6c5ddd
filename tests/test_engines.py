"""Engines: Monte Carlo against exact expectations; grouped sampler against the full engine;
the eigenbasis engine against the published dense code path; determinism."""

import json

import numpy as np
import pytest

from verify.cli import main
from verify.core.families import paper_spectrum
from verify.core.tolerances import MC_SIGMAS
from verify.simulation.engines import (
    expected_trajectory,
    group_levels,
    grouped_sgd,
    simulate,
    simulate_dense_published,
    theta_infinity,
)


def test_multistep_energies_match_lemma26():
    lam = np.array([4.0, 3.0, 1.0, 0.5])
    kap = np.array([1.0, 0.5, 2.0, 1.0])
    c0 = np.array([2.0, -1.0, 1.0, 3.0])
    S, T, eta = 20000, 15, 0.1
    tr = simulate(lam, 2, kap, np.tile(c0, (S, 1)), eta, T, seed=7)
    ex = expected_trajectory(lam, 2, kap, c0**2, eta, np.arange(T + 1))
    for name, key in (("s_D", "E_s_D"), ("s_B", "E_s_B"), ("loss", "E_loss")):
        arr = getattr(tr, name)
        se = arr.std(axis=1) / np.sqrt(S)
        assert np.all(np.abs(arr.mean(axis=1) - ex[key]) <= MC_SIGMAS * se + 1e-12), name


def test_projected_methods_leave_other_block_deterministic():
    lam = np.array([2.0, 1.0])
    tr = simulate(lam, 1, np.array([1.0, 1.0]), np.array([[1.0, 1.0]] * 3), 0.1, 5, 1, "dsgd")
    assert np.allclose(tr.s_B, 1.0)  # bulk untouched by DSGD
    tr = simulate(lam, 1, np.array([1.0, 1.0]), np.array([[1.0, 1.0]] * 3), 0.1, 5, 1, "bsgd")
    assert np.allclose(tr.s_D, 4.0)


def test_grouped_sampler_same_law_as_full_engine():
    lam_lv, sizes = np.array([4.0, 1.0]), np.array([3, 9])
    kap_lv = np.array([1.0, 0.5])
    S, T, eta = 20000, 10, 0.1
    g = grouped_sgd(lam_lv, sizes, 1, kap_lv, np.tile(sizes * 1.0, (S, 1)), eta, T, seed=3)
    f = simulate(np.repeat(lam_lv, sizes), 3, np.repeat(kap_lv, sizes), np.ones((S, 12)), eta, T,
                 seed=4)
    for a, b in ((g.alignment[T], f.alignment[T]), (g.s_B[T], f.s_B[T])):
        se = np.sqrt(a.var() / S + b.var() / S)
        assert abs(a.mean() - b.mean()) < MC_SIGMAS * se
        # second moments too (law, not just mean)
        se2 = np.sqrt((a**2).var() / S + (b**2).var() / S)
        assert abs((a**2).mean() - (b**2).mean()) < MC_SIGMAS * se2


def test_dense_published_path_same_law():
    d, k = 40, 5
    lam = np.array([float(x) for x in paper_spectrum(5, d, k)])
    dense = np.array([simulate_dense_published(lam, k, 0.5, 0.003, 200, s)[-1]
                      for s in range(60)])
    eig = simulate(lam, k, np.full(d, 0.25), np.random.default_rng(1).standard_normal((600, d)),
                   0.003, 200, seed=2).alignment[-1]
    se = np.sqrt(dense.var() / 60 + eig.var() / 600)
    assert abs(dense.mean() - eig.mean()) < MC_SIGMAS * se


def test_dense_published_path_one_step_law_under_strong_noise():
    """One step of the published dense path (random rotation Q, x_0 ~ N(0, I), so c_0 = Qᵀx_0
    ~ N(0, I)) with noise far above the signal (σ = 5): θ_1 has the law of the numpy engine's
    θ_1 from c_0 ~ N(0, I) with κ² = σ² (two-sample KS, 2000 draws each, p > 10⁻³). With σ = 0
    the path is deterministic: θ_t equals the engine's noiseless trajectory from c_0 = Qᵀx_0."""
    from scipy.stats import ks_2samp

    lam, k, eta, sigma = np.array([10.0, 1.0, 0.1]), 1, 0.05, 5.0
    dense = np.array([simulate_dense_published(lam, k, sigma, eta, 1, s)[1] for s in range(2000)])
    eng = simulate(lam, k, np.full(3, sigma**2), np.random.default_rng(7).standard_normal((2000, 3)),
                   eta, 1, seed=8).alignment[1]
    assert ks_2samp(dense, eng).pvalue > 1e-3
    seed = 3
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    c0 = Q.T @ rng.standard_normal(3)
    det = simulate(lam, k, np.zeros(3), c0[None, :], eta, 5, seed=0).alignment[:, 0]
    np.testing.assert_allclose(simulate_dense_published(lam, k, 0.0, eta, 5, seed), det,
                               rtol=1e-9)


def test_simulate_cli_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    args = ["simulate", "--paper-spectrum", "--m", "5", "--d", "20", "--k", "2", "--steps", "50",
            "--seeds", "2", "--seed", "9"]
    assert main(args + ["--out", str(a)]) == 0 and main(args + ["--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert main(args + ["--expected", "--out", str(a)]) == 0
    assert json.loads(a.read_text())["kind"] == "expected"
    assert main(["simulate", "--paper-spectrum", "--k", "0", "--out", str(a)]) == 2


# ---- exact checks: without noise (κ² = 0) every engine is deterministic and has a closed form ----

LAM5 = np.array([3.0, 2.5, 1.0, 0.4, 0.1])  # ηλ_1 = 0.9 at η = 0.3: every factor 1 − ηλ_i ∈ (0, 1)
K5 = 2
X5 = np.array([[1.0, -2.0, 0.5, 3.0, -1.5], [0.3, 0.0, -1.0, 2.0, 4.0], [-2.0, 1.0, 1.0, -1.0, 0.5]])


def _closed_form_energies(lam, k, x0, factors_D, factors_B):
    """(s^D, s^B, L, θ) of the state c_i = f_i x_{0,i}, f the multiplier of each coordinate
    (arrays over time × d); s^S = Σ_S λ²c², L = ½ Σ λc², θ = s^D/(s^D + s^B)."""
    f = np.concatenate([factors_D, factors_B], axis=1)  # times × d
    c = f[:, None, :] * x0[None, :, :]  # times × rows × d
    e = lam**2 * c**2
    sD, sB = e[..., :k].sum(-1), e[..., k:].sum(-1)
    return sD, sB, 0.5 * (lam * c**2).sum(-1), sD / (sD + sB)


def _check_closed(tr, lam, k, x0, times, fD, fB):
    sD, sB, L, th = _closed_form_energies(lam, k, x0, fD, fB)
    assert tr.s_D.shape == (len(times), x0.shape[0])
    for got, want in ((tr.s_D, sD), (tr.s_B, sB), (tr.loss, L), (tr.alignment, th)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("method", ["sgd", "dsgd", "bsgd"])
@pytest.mark.parametrize("every", [1, 5])
def test_noiseless_simulate_is_the_closed_form(method, every):
    """κ² = 0: x_{t+1} = (I − ηΛ)x_t on the moving block S (all for SGD, D for DSGD, B for BSGD),
    so c_{i,t} = (1 − ηλ_i)^t x_{0,i} on S and x_{0,i} off S. Checked at every recorded step
    t = 0, r, 2r, … ≤ T (T = 37 is not a multiple of r = 5: the last record is t = 35) across
    several noise chunks of the engine (T > 16 steps)."""
    eta, steps = 0.3, 37
    tr = simulate(LAM5, K5, np.zeros(5), X5, eta, steps, seed=0, method=method, record_every=every)
    times = np.arange(0, steps + 1, every)
    assert times[-1] == steps - steps % every
    pw = (1 - eta * LAM5)[None, :] ** times[:, None]
    ones = np.ones_like(pw)
    fD = (pw if method in ("sgd", "dsgd") else ones)[:, :K5]
    fB = (pw if method in ("sgd", "bsgd") else ones)[:, K5:]
    _check_closed(tr, LAM5, K5, X5, times, fD, fB)
    one = simulate(LAM5, K5, np.zeros(5), X5[1:2], eta, steps, seed=0, method=method, record_every=every)
    _check_closed(one, LAM5, K5, X5[1:2], times, fD, fB)  # a single seed row
    # the same path is Lemma 26's expectation with β = 0 (a second evaluation of the closed form)
    if method == "sgd":
        ex = expected_trajectory(LAM5, K5, np.zeros(5), X5[0] ** 2, eta, times)
        np.testing.assert_allclose(tr.s_D[:, 0], ex["E_s_D"], rtol=1e-12)
        np.testing.assert_allclose(tr.loss[:, 0], ex["E_loss"], rtol=1e-12)


def test_noiseless_schedule_and_per_row_spectra():
    """A schedule η_t: c_{i,t} = Π_{s<t}(1 − η_s λ_i) x_{0,i}; and a (rows × d) spectrum, one per
    row, gives each row the closed form of its own spectrum (here row j's spectrum is (j+1)·λ)."""
    steps = 23
    eta = lambda t: 0.3 / (1 + 0.1 * t)  # noqa: E731
    tr = simulate(LAM5, K5, np.zeros(5), X5, eta, steps, seed=0)
    prod = np.cumprod(np.vstack([np.ones(5), [1 - eta(t) * LAM5 for t in range(steps)]]), axis=0)
    _check_closed(tr, LAM5, K5, X5, np.arange(steps + 1), prod[:, :K5], prod[:, K5:])
    lam_rows = LAM5[None, :] * np.array([[1.0], [0.5], [0.25]])
    tr = simulate(lam_rows, K5, np.zeros(5), X5, 0.3, 7, seed=0)
    for j in range(3):
        pw = (1 - 0.3 * lam_rows[j])[None, :] ** np.arange(8)[:, None]
        sD, sB, L, _ = _closed_form_energies(lam_rows[j], K5, X5[j:j + 1], pw[:, :K5], pw[:, K5:])
        np.testing.assert_allclose(tr.s_D[:, j], sD[:, 0], rtol=1e-12)
        np.testing.assert_allclose(tr.s_B[:, j], sB[:, 0], rtol=1e-12)
        np.testing.assert_allclose(tr.loss[:, j], L[:, 0], rtol=1e-12)


@pytest.mark.parametrize("s", [1, 6, 17])
def test_noiseless_switch_changes_method_exactly_at_switch_at(s):
    """switch_at = s: updates t = 0 … s − 1 are DSGD and updates t ≥ s are BSGD, so the dominant
    factor is (1 − ηλ)^{min(t, s)} and the bulk factor (1 − ηλ)^{max(0, t − s)} (checked at every
    t, in particular s − 1, s, s + 1; s = 17 falls inside a noise chunk, s = 1 at the start)."""
    eta, steps = 0.3, 25
    tr = simulate(LAM5, K5, np.zeros(5), X5, eta, steps, seed=0, method="dsgd", switch_at=s,
                  switch_method="bsgd")
    t = np.arange(steps + 1)[:, None]
    a = 1 - eta * LAM5
    _check_closed(tr, LAM5, K5, X5, t[:, 0], a[:K5] ** np.minimum(t, s), a[K5:] ** np.maximum(0, t - s))
    assert tr.switched_at == s
    # no switch method given: the run goes on with `method` (DSGD throughout)
    tr = simulate(LAM5, K5, np.zeros(5), X5, eta, steps, seed=0, method="dsgd", switch_at=s)
    _check_closed(tr, LAM5, K5, X5, t[:, 0], a[:K5] ** t, np.ones((steps + 1, 5 - K5)))


def test_settled_switch_follows_the_documented_window_rule():
    """switch_at="settled": the switch happens at the first multiple t of settle_window W where
    the seed-mean alignment averaged over the window (θ_{t−W+1} … θ_t) moved by less than
    settle_tol from the previous window's average; from then on `switch_method` runs. The
    reference evaluates that rule on the closed-form noiseless SGD path (θ_t of c_t = a^t x_0)."""
    eta, W, steps = 0.02, 5, 100  # slow drift: the window moves shrink by ~0.7 a window near the switch
    a = 1 - eta * LAM5
    times = np.arange(steps + 1)
    sD, sB, _, th = _closed_form_energies(LAM5, K5, X5, a[:K5] ** times[:, None],
                                          a[K5:] ** times[:, None])
    win = th[1:].mean(axis=1).reshape(-1, W).mean(axis=1)  # window averages, seed-mean
    moves = np.abs(np.diff(win))  # moves[j]: window j+1 against window j
    j = 14  # make the rule fire at the end of window j+1, i.e. t = (j + 2) W
    assert moves[j] < moves[:j].min()
    tol = float(np.sqrt(moves[j] * moves[:j].min()))  # strictly between: no rounding ambiguity
    want = (j + 2) * W
    tr = simulate(LAM5, K5, np.zeros(5), X5, eta, steps, seed=0, switch_at="settled",
                  switch_method="dsgd", settle_window=W, settle_tol=tol)
    assert tr.switched_at == want
    fD = a[:K5] ** times[:, None]
    fB = a[K5:] ** np.minimum(times, want)[:, None]  # DSGD after the switch: bulk frozen
    _check_closed(tr, LAM5, K5, X5, times, fD, fB)
    # without switch_at the run never switches
    assert simulate(LAM5, K5, np.zeros(5), X5, eta, 9, seed=0).switched_at is None


def test_settled_switch_needs_a_previous_window_and_a_strict_move():
    """η = 0 freezes the state, so every window average is the same: the rule (a move *less than*
    settle_tol from the *previous* window) fires at the end of the second window, t = 2W, when
    settle_tol > 0, and never with settle_tol = 0 (a zero move is not less than 0)."""
    x0 = X5[:2]
    tr = simulate(LAM5, K5, np.zeros(5), x0, 0.0, 30, seed=0, switch_at="settled",
                  switch_method="dsgd", settle_window=5, settle_tol=1e-2)
    assert tr.switched_at == 10
    tr = simulate(LAM5, K5, np.zeros(5), x0, 0.0, 30, seed=0, switch_at="settled",
                  switch_method="dsgd", settle_window=5, settle_tol=0.0)
    assert tr.switched_at is None


def test_progress_reports_steps_done():
    seen = []
    simulate(LAM5, K5, np.zeros(5), X5, 0.1, 20, seed=0, progress=seen.append)
    assert seen == list(range(1, 21))


def test_loss_thresholds_are_theorem10():
    """track_loss_thresholds: η^loss_S = 2 s^S / (τ^S + n^loss_S) with τ^S = Σ_S λ³c² and
    n^loss_S = Σ_S λκ² (Theorem 10, eq. (5)), computed by hand at t = 0; and under DSGD the bulk
    is frozen, so η^loss_B keeps its t = 0 value at every step while the noise moves D (and under
    BSGD the reverse)."""
    kap = np.array([0.5, 1.0, 2.0, 0.3, 4.0])
    for method, frozen, moving in (("dsgd", "eta_loss_B", "eta_loss_D"),
                                   ("bsgd", "eta_loss_D", "eta_loss_B")):
        tr = simulate(LAM5, K5, kap, X5, 0.05, 6, seed=1, method=method, track_loss_thresholds=True)
        for S, key in ((slice(0, K5), "eta_loss_D"), (slice(K5, None), "eta_loss_B")):
            s = (LAM5[S] ** 2 * X5[:, S] ** 2).sum(1)
            tau = (LAM5[S] ** 3 * X5[:, S] ** 2).sum(1)
            n = (LAM5[S] * kap[S]).sum()
            np.testing.assert_allclose(getattr(tr, key)[0], 2 * s / (tau + n), rtol=1e-12)
        np.testing.assert_allclose(getattr(tr, frozen), np.tile(getattr(tr, frozen)[0], (7, 1)), rtol=1e-12)
        assert np.all(getattr(tr, moving)[1:] != getattr(tr, moving)[0])


def test_every_row_gets_its_noise_with_the_right_variance():
    """One step from c = 0: c_1 = −ηζ with ζ ~ N(0, diag κ²), so s^S_1 = η² Σ_S λ²κ² z² > 0 in every
    row (the rows are split into noise blocks: none may be skipped) and E s^D_1 = η²λ_1²κ_1²."""
    lam, kap, eta, n = np.array([2.0, 0.5]), np.array([1.0, 4.0]), 0.1, 4001
    tr = simulate(lam, 1, kap, np.zeros((n, 2)), eta, 1, seed=5)
    assert np.all(tr.s_D[1] > 0) and np.all(tr.s_B[1] > 0)
    for arr, want in ((tr.s_D[1], eta**2 * lam[0] ** 2 * kap[0]), (tr.s_B[1], eta**2 * lam[1] ** 2 * kap[1])):
        assert abs(arr.mean() - want) < MC_SIGMAS * arr.std() / np.sqrt(n)


def test_full_covariance_noise_through_its_cholesky_factor():
    """With `chol` (L Lᵀ = C) the noise is ζ ~ N(0, C), correlated across eigendirections: one step
    from 0 gives c = −ηζ, so E[s^D s^B] = η⁴λ_1²λ_2² (C_11 C_22 + 2 C_12²) (Isserlis), 2.6× the
    value without correlation at ρ = 0.9; and case_arrays builds that factor from a case."""
    from fractions import Fraction

    from verify.core.cases import Case
    from verify.simulation.engines import case_arrays

    C = np.array([[1.0, 1.8], [1.8, 4.0]])
    lam, eta, n = np.array([2.0, 0.5]), 0.1, 6000
    L = np.linalg.cholesky(C)
    tr = simulate(lam, 1, np.diag(C), np.zeros((n, 2)), eta, 1, seed=8, chol=L)
    prod = tr.s_D[1] * tr.s_B[1]
    want = eta**4 * lam[0] ** 2 * lam[1] ** 2 * (C[0, 0] * C[1, 1] + 2 * C[0, 1] ** 2)
    assert abs(prod.mean() - want) < MC_SIGMAS * prod.std() / np.sqrt(n)
    # a PSD covariance with a noiseless direction (a zero row) still has a usable factor
    F = Fraction
    cov = ((F(1), F(1, 2), F(0)), (F(1, 2), F(1), F(0)), (F(0), F(0), F(0)))
    case = Case((F(3), F(2), F(1)), 1, (F(1), F(-2), F(3)), "covariance", covariance=cov)
    lam3, kap3, x0, chol = case_arrays(case)
    assert lam3.tolist() == [3.0, 2.0, 1.0] and kap3.tolist() == [1.0, 1.0, 0.0]
    assert x0.tolist() == [[1.0, -2.0, 3.0]]
    np.testing.assert_allclose(chol @ chol.T, np.array(cov, dtype=float), atol=1e-15)
    assert case_arrays(case, 4)[2].shape == (4, 3)
    diag = Case((F(3), F(2), F(1)), 1, (F(1), F(-2), F(3)), "kappa2", kappa2_diag=(F(1), F(2), F(3)))
    assert case_arrays(diag)[3] is None


def test_zero_state_has_zero_alignment():
    """θ = s^D/(s^D + s^B) is defined as 0 when both energies vanish (no NaN), in both engines."""
    tr = simulate(LAM5, K5, np.zeros(5), np.zeros((2, 5)), 0.1, 3, seed=0)
    assert np.array_equal(tr.alignment, np.zeros((4, 2)))
    g = grouped_sgd(np.array([2.0, 1.0]), np.array([1, 2]), 1, np.zeros(2), np.zeros((2, 2)), 0.1, 3, 0)
    assert np.array_equal(g.alignment, np.zeros((4, 2)))


def test_noiseless_grouped_sgd_is_the_closed_form():
    """κ² = 0: a group's energy E_G = Σ_G c_i² evolves as E_{G,t} = (1 − ηλ_G)^{2t} E_{G,0} exactly
    (ηλ = 1.5 > 1 for the top level: the factor's sign must not matter); records (T + 1, seeds)."""
    lam, sizes, k_lv, eta, steps = np.array([5.0, 3.0, 1.0, 0.25]), np.array([1, 2, 3, 4]), 2, 0.3, 12
    E0 = np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 0.0, 2.0, 1.0], [1.0, 1.0, 0.0, 0.0]])  # row 3: θ = 1
    g = grouped_sgd(lam, sizes, k_lv, np.zeros(4), E0, eta, steps, seed=0)
    E = (1 - eta * lam)[None, None, :] ** (2 * np.arange(steps + 1))[:, None, None] * E0[None]
    sD = (lam[:k_lv] ** 2 * E[..., :k_lv]).sum(-1)
    sB = (lam[k_lv:] ** 2 * E[..., k_lv:]).sum(-1)
    assert g.s_D.shape == (steps + 1, 3) and np.all(g.alignment[:, 2] == 1.0)
    for got, want in ((g.s_D, sD), (g.s_B, sB), (g.loss, 0.5 * (lam * E).sum(-1)),
                      (g.alignment, sD / (sD + sB))):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_grouped_sgd_one_step_moments_are_exact():
    """One step of a group of n coordinates: E' = Σ_G ((1 − ηλ)c_i − ηκ z_i)², so
    E[E'] = a²E + nη²κ² and Var E' = 2n(η²κ²)² + 4η²κ² a²E (a = 1 − ηλ), for each level; the
    sampler must match both (the noncentral χ² scaling) — checked against MC_SIGMAS standard
    errors on 20000 rows."""
    lam, sizes, kap = np.array([4.0, 1.0, 0.5]), np.array([2, 5, 1]), np.array([1.0, 4.0, 0.5])
    eta, S = 0.2, 20000
    E0 = np.array([3.0, 1.0, 0.7])
    # energies per level are not recorded, so use one level per run (as the D block, k = 1)
    for j in range(3):
        g = grouped_sgd(lam[j:j + 1], sizes[j:j + 1], 1, kap[j:j + 1], np.tile(E0[j:j + 1], (S, 1)),
                        eta, 1, seed=j)
        Ep = g.s_D[1] / lam[j] ** 2
        a2, v, n = (1 - eta * lam[j]) ** 2, eta**2 * kap[j], sizes[j]
        m, var = a2 * E0[j] + n * v, 2 * n * v**2 + 4 * v * a2 * E0[j]
        assert abs(Ep.mean() - m) < MC_SIGMAS * np.sqrt(var / S)
        dev = (Ep - m) ** 2
        assert abs(dev.mean() - var) < MC_SIGMAS * dev.std() / np.sqrt(S)


def test_group_levels_and_grouped_sgd_reproduce_the_full_engine_without_noise():
    """group_levels groups coordinates by (λ, κ², block): a λ shared across the D/B boundary and a
    κ² differing inside one λ give separate groups; dominant groups come first; sizes and energies
    add up. Without noise grouped_sgd on those groups equals simulate on the coordinates."""
    lam = np.array([2.0, 2.0, 2.0, 1.0, 1.0, 1.0])
    kap = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 3.0])
    k = 2
    x0 = np.array([[1.0, -2.0, 0.5, 3.0, -1.0, 2.0], [0.0, 1.0, 1.0, 1.0, 2.0, -1.0]])
    lv = group_levels(lam, k, kap, x0)
    assert lv.k_groups == 1 and lv.sizes.tolist() == [2, 1, 2, 1]
    assert lv.lam.tolist() == [2.0, 2.0, 1.0, 1.0] and sorted(lv.kappa2[2:].tolist()) == [1.0, 3.0]
    assert lv.sizes.sum() == 6
    np.testing.assert_allclose(lv.energy0.sum(1), (x0**2).sum(1), rtol=1e-15)
    np.testing.assert_allclose(lv.energy0[:, 0], (x0[:, :2] ** 2).sum(1), rtol=1e-15)
    g = grouped_sgd(lv.lam, lv.sizes, lv.k_groups, np.zeros(4), lv.energy0, 0.3, 9, seed=0)
    f = simulate(lam, k, np.zeros(6), x0, 0.3, 9, seed=0)
    for name in ("s_D", "s_B", "loss", "alignment"):
        np.testing.assert_allclose(getattr(g, name), getattr(f, name), rtol=1e-12)


def test_expected_trajectory_is_lemma26_in_exact_arithmetic():
    """E c_{i,t}² = (1 − ηλ_i)^{2t}(c_{i,0}² − β_i) + β_i, β_i = ηκ_i²/(2λ_i − ηλ_i²), evaluated in
    rationals (ηλ_1 = 1.2 > 1 included); E s^S = Σ_S λ²E c², E L = ½ Σ λ E c², alignment
    E s^D / (E s^D + E s^B); and t → ∞ gives θ_∞ of Theorem 16."""
    from fractions import Fraction as F

    lam = [F(4), F(3), F(1), F(1, 2)]
    kap = [F(1), F(1, 2), F(2), F(1)]
    c0sq = [F(4), F(1), F(1), F(9)]
    eta, k, ts = F(3, 10), 2, [0, 1, 2, 5, 13]
    ex = expected_trajectory(np.array(lam, float), k, np.array(kap, float), np.array(c0sq, float),
                             float(eta), np.array(ts))
    for j, t in enumerate(ts):
        beta = [eta * q / (2 * lm - eta * lm * lm) for lm, q in zip(lam, kap)]
        Ec2 = [(1 - eta * lm) ** (2 * t) * (c - b) + b for lm, c, b in zip(lam, c0sq, beta)]
        sD = sum(lm * lm * e for lm, e in zip(lam[:k], Ec2[:k]))
        sB = sum(lm * lm * e for lm, e in zip(lam[k:], Ec2[k:]))
        L = sum(lm * e for lm, e in zip(lam, Ec2)) / 2
        for key, want in (("E_s_D", sD), ("E_s_B", sB), ("E_loss", L), ("alignment", sD / (sD + sB))):
            assert ex[key][j] == pytest.approx(float(want), rel=1e-12), (key, t)
    late = expected_trajectory(np.array(lam, float), k, np.array(kap, float), np.array(c0sq, float),
                               float(eta), np.array([4000]))
    assert late["alignment"][0] == pytest.approx(theta_infinity(np.array(lam, float), k, np.array(kap, float),
                                                                float(eta))[0], rel=1e-12)


def test_theta_infinity_is_theorem16():
    """θ_∞ = Σ_D λ²β / Σ λ²β with β = ηκ²/(2λ − ηλ²) (Theorem 16, in rationals), and the small-η form
    Σ_D λκ² / Σ λκ² is its η → 0 limit (λ²β = ηλκ²/(2 − ηλ) → ηλκ²/2)."""
    from fractions import Fraction as F

    lam = [F(5), F(2), F(1), F(1, 4), F(1, 10)]
    kap = [F(1, 2), F(3), F(1), F(2), F(5)]
    k = 2
    for eta in (F(1, 10), F(3, 10)):
        w = [lm * lm * eta * q / (2 * lm - eta * lm * lm) for lm, q in zip(lam, kap)]
        got, small = theta_infinity(np.array(lam, float), k, np.array(kap, float), float(eta))
        assert got == pytest.approx(float(sum(w[:k]) / sum(w)), rel=1e-13)
        want_small = sum(lm * q for lm, q in zip(lam[:k], kap[:k])) / sum(lm * q for lm, q in zip(lam, kap))
        assert small == pytest.approx(float(want_small), rel=1e-13)
    tiny = theta_infinity(np.array(lam, float), k, np.array(kap, float), 1e-9)
    assert tiny[0] == pytest.approx(tiny[1], rel=1e-8)


# ---- two_phase: the horizon and the sweep's documented contract ----

def test_horizon_is_when_the_slowest_factor_falls_below_1e_12():
    """_horizon(λ, η) is the first t with max_i |1 − ηλ_i|^{2t} < 1e-12 (r^H ≤ 1e-12 < r^{H−1}), the
    slowest mode deciding — including a mode with ηλ > 1 (|1 − 1.9| = 0.9 is the slowest here);
    r = 0 exactly (ηλ = 1 for every mode: the factor is 0 from t = 1 on) is handled before any
    log(0) is taken and gives a short horizon."""
    import warnings

    from verify.simulation.two_phase import _horizon

    for lam, eta in ((np.array([1.0, 0.5, 0.1]), 0.5), (np.array([1.9, 1.0]), 1.0),
                     (np.array([2.5, 1.0]), 0.3)):
        r = np.max(np.abs(1 - eta * lam)) ** 2
        H = _horizon(lam, eta)
        assert H > 10 and r**H <= 1e-12 < r ** (H - 1), (lam, eta, H)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert 1 <= _horizon(np.array([2.0, 2.0]), 0.5) <= 10


def test_sweep_ranges_partition_the_grid_by_shape(monkeypatch):
    """sweep: every grid step size is classified by `analyze` and consecutive equal shapes are merged
    into ranges: the ranges cover the grid in order (eta_min/eta_max are the first/last grid
    point of each run, counts add up, neighbouring ranges differ), n_assumption14_met counts the
    runs' met flags, progress(done, total) follows each step size; the grid is a log grid reaching
    decades below 2/λ_1 with only the last point(s) above it (reported unstable)."""
    from verify.simulation import two_phase

    seen = []
    real = two_phase.analyze

    def spy(*a, **kw):
        rep = real(*a, **kw)
        seen.append(rep)
        return rep

    monkeypatch.setattr(two_phase, "analyze", spy)
    lam, k = np.array([4.0, 3.0, 1.0, 0.5]), 2
    kap, c0sq = np.array([1.0, 0.5, 2.0, 1.0]), np.array([4.0, 1, 1, 9])
    ticks = []
    ranges = two_phase.sweep(lam, k, kap, c0sq, 12, progress=lambda d, t: ticks.append((d, t)))
    total = len(seen)
    assert ticks == [(i, total) for i in range(1, total + 1)]
    etas = [r.eta for r in seen]
    top = 2 / lam[0]
    assert etas == sorted(etas) and etas[0] < top / 100 and etas[0] > 0
    above = [e for e in etas if e >= top]
    assert 1 <= len(above) < total / 4 and all(e >= top for e in etas[total - len(above):])
    assert all(not r.stable for r in seen if r.eta >= top) and all(r.stable for r in seen if r.eta < top)
    i = 0
    for j, rg in enumerate(ranges):
        run = seen[i:i + rg["n"]]
        assert run and {r.shape for r in run} == {rg["shape"]}
        assert (rg["eta_min"], rg["eta_max"]) == (run[0].eta, run[-1].eta)
        assert rg["n_assumption14_met"] == sum(r.assumption14["met"] for r in run)
        if j:
            assert ranges[j - 1]["shape"] != rg["shape"]
        i += rg["n"]
    assert i == total and ranges[-1]["shape"].startswith("unstable")


# ---- phase1: the window and the fits on curves with known answers ----

def test_phase1_window_and_fits_on_known_curves():
    """window: end = first t > 1 with a_t < min a + 0.1 (a_1 − min a), at least 5 (hand example);
    _r2 is 1 for a perfect fit and 0 for the mean, 1 for a constant; the exponential fit finds an
    exact c + A e^{−rt} (R² ≈ 1, r to the grid's 3 % spacing); the ridge cubic fits a cubic in t;
    order_diagnostic calls a geometric decay geometric and a logistic curve logistic."""
    from verify.simulation.phase1 import (
        _r2,
        analyse,
        fit_cubic_ridge,
        fit_exponential,
        order_diagnostic,
        window,
    )

    a = np.array([1.0, 0.9, 0.8, 0.6, 0.4, 0.3, 0.2, 0.195, 0.19, 0.3, 0.5])
    # min 0.19, threshold 0.19 + 0.1 (0.9 − 0.19) = 0.261: first below at t = 6
    assert window(a) == (1, 6)
    assert window(np.array([1.0, 0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])) == (1, 5)  # end 2, raised to 5
    assert window(np.array([1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])) == (1, 7)  # never below: last
    y = np.array([1.0, 3.0, 2.0, 5.0])
    assert _r2(y, y) == 1.0 and _r2(y, np.full(4, y.mean())) == pytest.approx(0.0, abs=1e-15)
    assert _r2(y, y + np.array([1.0, -1.0, 0.0, 0.0])) == pytest.approx(1 - 2 / 8.75)
    assert _r2(np.full(3, 2.0), np.zeros(3)) == 1.0
    t = np.arange(1.0, 40.0)
    r2, rate = fit_exponential(t, 2 + 3 * np.exp(-0.5 * t))
    assert r2 > 1 - 1e-4 and abs(rate / 0.5 - 1) < 0.03
    assert fit_cubic_ridge(t, 0.01 * (t - 5) ** 3 - t + 2) > 1 - 1e-6
    assert fit_cubic_ridge(t, np.sin(t)) < 0.5
    geo = 0.1 + 0.8 * 0.7 ** np.arange(60.0)
    d = order_diagnostic(geo, 1, 40)
    assert d["geometric"] > 1 - 1e-6 and d["power"] < d["geometric"] - 0.01
    logi = 1 / (1 + 0.2 * 1.3 ** np.arange(60.0))  # log(1/a − 1) = log 0.2 + t log 1.3
    assert order_diagnostic(logi, 1, 40)["logistic"] == pytest.approx(1.0, abs=1e-12)
    out = analyse(geo)
    assert out["window_end"] == window(geo)[1] and out["r2_exponential"] > 0.999
    assert abs(out["exp_rate"] / -np.log(0.7) - 1) < 0.03


def test_paper_spectrum_single_dominant_and_single_bulk():
    """verify/core/spectrum.py's edges: k = 1 is the single dominant eigenvalue 100 and one bulk
    coordinate is the largest bulk value 80/(m + 0.1); with more coordinates the ends are
    100 → 80 and 80/(m + 0.1) → 80/(7(m + 0.1))."""
    from fractions import Fraction as Fr

    from verify.core.spectrum import paper_spectrum

    for m in (Fr(5), Fr(1, 2)):
        top_bulk = 80 / (m + Fr(1, 10))
        assert paper_spectrum(m, 2, 1) == [Fr(100), top_bulk]
        lam = paper_spectrum(m, 7, 3)
        assert lam[:3] == [Fr(100), Fr(90), Fr(80)] and lam[3] == top_bulk
        assert lam[-1] == top_bulk / 7
