"""Two-phase analysis, projected-SGD one-step loss changes, schedules, switches, diagram."""

import json
from fractions import Fraction

import numpy as np
import pytest

from verify.cli import main
from verify.core.cases import make_case
from verify.core.theory import blocks, eta_quantities
from verify.core.tolerances import MC_SIGMAS
from verify.simulation.engines import simulate
from verify.simulation.two_phase import analyze, classify, sweep


def test_classify_shapes():
    assert classify(np.array([3.0, 2, 1, 2, 3]))[0] == "decreasing then increasing"
    assert classify(np.array([3.0, 2, 1]))[0] == "monotone decreasing"
    assert classify(np.array([1.0, 2, 1, 2]))[0].startswith("non-monotone")
    # negative control: a decreasing-then-increasing series is not called monotone
    assert classify(np.array([1.0, 0.5, 0.7]))[1] == 1


def test_classify_edges():
    """Flat and sub-tolerance sequences are constant; a single nonzero increment decides a
    monotone shape; a turn right after the first step is read from the first increment."""
    assert classify(np.array([1.0, 1.0, 1.0])) == ("constant", None)
    assert classify(np.array([1.0, 1.0 + 1e-15, 1.0])) == ("constant", None)
    assert classify(np.array([1.0, 1.0, 2.0])) == ("monotone increasing", None)
    assert classify(np.array([2.0, 2.0, 1.0])) == ("monotone decreasing", None)
    assert classify(np.array([3.0, 2.0, 3.0, 4.0])) == ("decreasing then increasing", 1)
    assert classify(np.array([1.0, 2.0, 1.0, 0.0])) == ("increasing then decreasing", 1)


def test_assumption14_report_t_star_margin_and_eta_lambda1():
    """The reported t* is the last integer t with ϱ·|1 − ηλ_1|^{2t} ≥ δ − Σβ (its definition in
    Theorem 15: the time the transient ϱ r^{2t} needs to fall to the excess), checked on the
    paper spectrum at two steps; the margin is ϱ − (δ − Σβ) from the exact decision, positive
    exactly when the ϱ condition holds; 'ηλ_1 ≥ 1' is exact at η = 1/λ_1."""
    from verify.core.assumption14 import decide
    from verify.core.families import paper_spectrum
    from verify.simulation.two_phase import assumption14

    lam = [Fraction(x) for x in paper_spectrum(50)]
    kap, c0 = [Fraction(1, 4)] * 500, [Fraction(1)] * 500
    small = [Fraction(1), Fraction(1, 10), Fraction(1, 20)]  # Σβ/δ ≈ 0.2 %: t* 109, not 108
    settings = [(lam, 50, kap, c0, Fraction(e, 10000)) for e in (10, 1, 30)]
    settings.append((small, 1, [Fraction(1, 10)] * 3, [Fraction(2)] * 3, Fraction(1, 100)))
    for spec, k, kp, c, eta in settings:
        rep, a = assumption14(spec, k, kp, c, eta), decide(spec, k, kp, c, eta)
        margin = a.varrho - (a.delta - a.sum_beta)
        assert rep["varrho_margin"] == float(margin) and (margin > 0) == a.rho_ok
        if not rep["met"]:
            assert rep["t_star"] is None and eta == Fraction(3, 1000)
            continue
        t, r2, excess = rep["t_star"], (1 - eta * spec[0]) ** 2, a.delta - a.sum_beta
        assert t >= 1 and a.varrho * r2**t >= excess > a.varrho * r2 ** (t + 1), (eta, t)
    one = Fraction(1) / lam[0]
    assert assumption14(lam, 50, kap, c0, one)["eta_lambda1_ge_1"] is True
    assert assumption14(lam, 50, kap, c0, one * (1 - Fraction(1, 10**12)))["eta_lambda1_ge_1"] is False


def test_paper_regime_two_phase_and_theta_inf():
    from verify.core.families import paper_spectrum

    lam = np.array([float(x) for x in paper_spectrum(50)])
    r = analyze(lam, 50, np.full(500, 0.25), np.ones(500), 0.003)
    assert r.shape == "decreasing then increasing" and 0 < r.turning_time < 100
    assert abs(r.theta_end - r.theta_inf) < 1e-9
    ranges = sweep(lam, 50, np.full(500, 0.25), np.ones(500), 12)
    assert ranges[-1]["shape"].startswith("unstable")


def test_analyze_report_fields_stable_and_at_the_stability_edge():
    """The report's numbers are those of the expected trajectory it classifies: θ_0 is the exact
    start Σ_D λ²c²/Σ λ²c², the minimum and θ_end are the trajectory's minimum and its value at
    the horizon H, and H is the first t with max|1 − ηλ|^{2t} ≤ 10⁻¹²; at η = 2/λ_1 exactly the
    run is unstable (200 steps), and t* is Assumption 14's."""
    from verify.core.families import paper_spectrum
    from verify.simulation.engines import expected_trajectory

    lam = np.array([float(x) for x in paper_spectrum(50, 60, 6)])  # the paper's shape, d = 60
    kap, c0 = np.full(60, 0.25), np.ones(60)
    start = (lam[:6] ** 2).sum() / (lam**2).sum()
    r = analyze(lam, 6, kap, c0, 0.003)
    rho = np.max(np.abs(1 - 0.003 * lam)) ** 2
    assert rho ** r.horizon <= 1e-12 < rho ** (r.horizon - 1)
    a = expected_trajectory(lam, 6, kap, c0, 0.003, np.arange(0, r.horizon + 1))["alignment"]
    assert r.theta_0 == pytest.approx(start, rel=1e-12) and r.theta_end == a[-1]
    assert r.turning_time is not None and r.minimum == a.min() == a[r.turning_time]
    assert r.t_star == r.assumption14["t_star"]
    edge = analyze(lam, 6, kap, c0, 2 / lam[0])
    assert not edge.stable and edge.horizon == 200 and edge.minimum is None
    b = expected_trajectory(lam, 6, kap, c0, 2 / lam[0], np.arange(0, 200))["alignment"]
    # β_1 = ηκ/(2λ_1 − ηλ_1²) is infinite at the edge: the engine's values are not finite there
    # (θ_0 included) and the report says None rather than a number
    assert edge.theta_0 is None and edge.theta_end is None and not np.isfinite(b).any()
    over = analyze(lam, 6, kap, c0, 2.01 / lam[0])  # beyond the edge: diverging, still finite
    b = expected_trajectory(lam, 6, kap, c0, 2.01 / lam[0], np.arange(0, 200))["alignment"]
    assert np.isfinite(b).all()
    assert not over.stable and over.horizon == 200 and over.minimum is None
    assert over.theta_0 == pytest.approx(start, rel=1e-12) and over.theta_end == b[-1]
    assert over.shape.startswith("unstable") and classify(b)[0] in over.shape


@pytest.mark.parametrize("method,key", [("dsgd", "expected_loss_change_dsgd"),
                                        ("bsgd", "expected_loss_change_bsgd"),
                                        ("sgd", "expected_loss_change_sgd")])
def test_one_step_loss_change_matches_theorem10(method, key):
    case = make_case([4, 3, 1, Fraction(1, 2)], 2, [2, -1, 1, 3], kappa2=[1, Fraction(1, 2), 2, 1])
    eta = Fraction(1, 5)
    exact = float(eta_quantities(case, blocks(case), eta)[key])
    S = 200000
    tr = simulate(np.array([4, 3, 1, 0.5]), 2, np.array([1, 0.5, 2, 1]),
                  np.tile([2.0, -1, 1, 3], (S, 1)), 0.2, 1, seed=11, method=method)
    dl = tr.loss[1] - tr.loss[0]
    assert abs(dl.mean() - exact) < MC_SIGMAS * dl.std() / np.sqrt(S)
    # negative control: a value off by 0.05 is rejected by the same test
    assert abs(dl.mean() - (exact + 0.05)) > MC_SIGMAS * dl.std() / np.sqrt(S)


def test_tracked_loss_thresholds_equal_theory():
    case = make_case([4, 3, 1, Fraction(1, 2)], 2, [2, -1, 1, 3], kappa2=[1, Fraction(1, 2), 2, 1])
    tr = simulate(np.array([4, 3, 1, 0.5]), 2, np.array([1, 0.5, 2, 1]),
                  np.array([[2.0, -1, 1, 3]]), 0.1, 0, seed=0, track_loss_thresholds=True)
    b = blocks(case)
    assert np.isclose(tr.eta_loss_D[0, 0], float(2 * b.sD / (b.tauD + b.nD)), rtol=1e-12)
    assert np.isclose(tr.eta_loss_B[0, 0], float(2 * b.sB / (b.tauB + b.nB)), rtol=1e-12)


def test_simulate_schedule_switch_grouped_and_diagram(tmp_path):
    out = tmp_path / "s.json"
    base = ["simulate", "--paper-spectrum", "--m", "5", "--d", "20", "--k", "2", "--seeds", "3"]
    assert main(base + ["--steps", "50", "--schedule", "cosine", "--switch-at", "10",
                        "--switch-method", "bsgd", "--track-loss-thresholds",
                        "--out", str(out), "--plot", str(tmp_path / "s.png")]) == 0
    d = json.loads(out.read_text())
    assert d["switched_at"] == 10 and "eta_loss_B" in d and (tmp_path / "s.png").exists()
    assert main(base + ["--steps", "8000", "--seeds", "20", "--switch-at", "settled",
                        "--switch-method", "dsgd",
                        "--out", str(out)]) == 0
    assert json.loads(out.read_text())["switched_at"] is not None
    case = tmp_path / "g.json"
    case.write_text(json.dumps({"eigenvalues": ["4"] * 3 + ["1"] * 4, "k": 3,
                                "noise": {"sigma": "1"}, "state": ["1"] * 7}))
    assert main(["simulate", "--case", str(case), "--grouped", "--steps", "20",
                 "--eta", "0.1", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["sampler"] == "grouped"
    assert main(["simulate", "--case", str(case), "--grouped", "--method", "dsgd",
                 "--out", str(out)]) == 2
    assert main(["diagram", "--case", str(case), "--out", str(tmp_path / "pd.png")]) == 0
    assert main(["phases", "--case", str(case), "--eta", "0.1", "--json"]) == 0
    assert main(["simulate", "--out", str(out)]) == 2  # neither --case nor --paper-spectrum


def test_paper_spectrum_is_the_experiment_settings():
    """Independent oracle of the §7 spectrum (docs/experiments.md), from its defining properties:
    500 eigenvalues; the dominant 50 evenly spaced from 100 down to 80; the bulk evenly spaced
    from 80/(m + 0.1) down to a seventh of that; so λ_k/λ_{k+1} = m + 0.1. (A mutant with the
    bulk's spacing off by two steps survived the widened mutation run before this test.)"""
    from verify.core.spectrum import paper_spectrum

    for m in (Fraction(1), Fraction(5), Fraction(50)):
        lam = paper_spectrum(m)
        dom, bulk = lam[:50], lam[50:]
        assert len(lam) == 500 and len(bulk) == 450
        top = Fraction(80) / (m + Fraction(1, 10))
        assert (dom[0], dom[-1], bulk[0], bulk[-1]) == (100, 80, top, top / 7)
        assert len({a - b for a, b in zip(dom, dom[1:])}) == 1
        assert len({a - b for a, b in zip(bulk, bulk[1:])}) == 1
        assert dom[-1] / bulk[0] == m + Fraction(1, 10)
