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
