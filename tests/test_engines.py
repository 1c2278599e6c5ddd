"""Engines: Monte Carlo against exact expectations; grouped sampler against the full engine;
the eigenbasis engine against the published dense code path; determinism."""

import json

import numpy as np

from verify.cli import main
from verify.core.families import paper_spectrum
from verify.core.tolerances import MC_SIGMAS
from verify.simulation.engines import expected_trajectory, grouped_sgd, simulate, simulate_dense_published


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


def test_simulate_cli_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    args = ["simulate", "--paper-spectrum", "--m", "5", "--d", "20", "--k", "2", "--steps", "50",
            "--seeds", "2", "--seed", "9"]
    assert main(args + ["--out", str(a)]) == 0 and main(args + ["--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert main(args + ["--expected", "--out", str(a)]) == 0
    assert json.loads(a.read_text())["kind"] == "expected"
    assert main(["simulate", "--paper-spectrum", "--k", "0", "--out", str(a)]) == 2
