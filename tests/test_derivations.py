"""Every derivation step is confirmed by SymPy; the step checker refutes wrong steps."""

import pytest
import sympy as sp

from derivations.core import Step, check_step
from derivations.registry import derivation_ids, get_derivations


@pytest.mark.parametrize("der_id", derivation_ids())
def test_every_step_checked(der_id):
    (der,) = get_derivations([der_id])  # built at test time (mutation testing rebuilds them)
    assert der.id == der_id
    for step in der.steps:
        assert check_step(step), f"{der.id}: {step.description}"


def test_negative_controls_of_step_checker():
    x, y = sp.symbols("x y", positive=True)
    a = sp.Symbol("a", nonnegative=True)
    assert not check_step(Step("wrong identity", (x + y) ** 2, x**2 + y**2))
    assert not check_step(Step("wrong substitution", x**2 - 2, kind="substitution"))
    assert not check_step(Step("not non-negative", a - 1, kind="nonneg", nonneg=(a,)))
    assert not check_step(Step("not a difference", x, x, kind="differs"))


def test_notes_derivations_in_sync():
    """Golden record: any change to what a derivation states (a closed form, either side of a
    step, a step's SymPy outcome) shows up here and must be reviewed, then regenerated with
    `python -m verify.report.notes`. (A detector of *changes*: the selftest report counts the mutants
    only this test kills separately from those the semantic checks kill.)"""
    from pathlib import Path

    from verify.report.notes import derivations_json

    path = Path(__file__).resolve().parent.parent / "notes" / "derivations.json"
    assert path.read_text(encoding="utf-8") == derivations_json(), \
        "notes/derivations.json drifted: review, then run `python -m verify.report.notes`"


def test_thm10_and_thm12_steps_are_decided_when_checked(monkeypatch):
    """thm10's root step and thm12's limit step state something SymPy decides in check_step, not
    a relation already evaluated to 0 = 0 when the step is built (lhs − rhs is not literally 0);
    with a wrong η^loss_S, or a bound that does not tend to 0 (λ_{k+1} replaced by λ_{k+1}/m),
    the step fails."""
    from derivations import projected

    root_step = projected.thm10().steps[1]
    (limit_step,) = projected.thm12().steps
    for step in (root_step, limit_step):
        assert sp.sympify(step.lhs - step.rhs) != 0, step.description
        assert check_step(step), step.description
    monkeypatch.setattr(projected, "eta_loss_D", 2 * projected.sD / projected.tD)
    assert not check_step(projected.thm10().steps[1])
    monkeypatch.setattr(projected, "lamk1", projected.lamk1 / projected.m)
    assert not check_step(projected.thm12().steps[0])


# Steps whose sides SymPy used to evaluate to the same expression when the step was built (they
# printed x = x and could not fail); each now holds its computation unevaluated (derivations.core.
# held) or leaves a limit unevaluated, and check_step decides it. (derivation, step number) →
# (module, name, planted wrong value): a wrong closed form or formula the step must reject.
def _planted():
    from derivations import csgd, one_step, projected
    from derivations.symbols import (
        alpha,
        c0sq,
        eta,
        kappa2,
        lam,
        lam1,
        lamd,
        lamk,
        lamk1,
        nB,
        nD,
        psiB,
        psiD,
        rho,
        sB,
        sD,
        smax,
        smin,
        sum_beta,
        tB,
        tD,
        theta,
        varrho,
    )
    from derivations.symbols import t_int as t

    def roots_flipped():  # the sign under θ^crit's square root flipped: β² − 4α n^loss_D
        beta = -alpha + nB + nD
        disc = beta**2 - 4 * alpha * nD
        return (-beta + sp.sqrt(disc)) / (2 * alpha), (-beta - sp.sqrt(disc)) / (2 * alpha)

    return {
        ("lem22", 6): (one_step, "q", 2 * (sB * tD - sD * tB)),  # q with its sign flipped
        ("thm3", 5): (one_step, "g_noise_form", lambda: 1 / (1 + smax * psiD / (smin * psiB))),
        ("thm3", 6): (one_step, "g_gap_form", lambda: 1 / (1 + smax / smin / rho * (lamk / lamk1) ** 2)),
        ("lem23", 1): (projected, "h", alpha * theta**2 + (-alpha + nB + nD) * theta + nD),
        ("lem23", 2): (projected, "h", alpha * theta**2 + (-alpha + nB - nD) * theta - nD),
        ("lem24", 2): (projected, "crit_roots", roots_flipped),
        ("lem26", 2): (csgd, "Ec2", (1 - eta * lam) ** (2 * t + 1) * (c0sq - csgd.beta_i) + csgd.beta_i),
        ("thm15", 1): (csgd, "thm15_delta", lambda: smax * psiD / (
            lamd**2 * lamk**2 * (2 * (lamk - lamk1) / eta - (lam1**2 - lamd**2)))),  # λ_1² lost
        ("thm15", 2): (csgd, "t_star", lambda d, r: sp.log(varrho / (d - sum_beta)) / (-sp.log(r))),
        ("thm16", 2): (csgd, "beta_i", eta * kappa2 / (lam - eta * lam**2)),
    }


HELD_STEPS = sorted(_planted())


@pytest.mark.parametrize("der_id", derivation_ids())
def test_no_step_is_decided_when_built(der_id):
    """No step's two sides are already the same expression when the step is built (lhs − rhs
    literally 0, printed x = x): every step states something check_step decides."""
    (der,) = get_derivations([der_id])
    for i, step in enumerate(der.steps, 1):
        assert step.lhs != step.rhs and sp.sympify(step.lhs - step.rhs) != 0, (der_id, i, step.description)


@pytest.mark.parametrize("der_id,number", HELD_STEPS)
def test_held_step_fails_with_a_planted_error(monkeypatch, der_id, number):
    """Each formerly vacuous step holds as built and fails when the closed form or formula it
    checks is planted wrong (q's sign, g_noise's ψ_B/ψ_D inverted, g_gap's (λ_k/λ_{k+1})², h's γ
    or β, θ^crit's root with the sign under the square root flipped, Lemma 26's exponent 2t + 1,
    Theorem 15's δ without λ_1² and t* with −log r, β_i with λ in place of 2λ)."""
    from derivations.registry import get_derivations as build

    (der,) = build([der_id])
    step = der.steps[number - 1]
    assert check_step(step), step.description
    module, name, wrong = _planted()[(der_id, number)]
    monkeypatch.setattr(module, name, wrong)
    (der,) = build([der_id])
    bad = der.steps[number - 1]
    assert bad.description == step.description
    assert not check_step(bad), (der_id, number, step.description)
