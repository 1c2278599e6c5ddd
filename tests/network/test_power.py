"""How discriminating the network evidence is (verify/network/power.py): competing predictors and
negative controls scored on the same measurements as the model, for every family; the reports say
in one line how discriminating the evidence is."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

# jax-free: the power is computed from stored measurements (the report renders it without the extra)
from verify.network.power import evidence_power, power_rows

SNAPSHOT = Path(__file__).resolve().parents[2] / "notes" / "audit" / "report.json"


@pytest.fixture(scope="module")
def net():
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))["network"]


def _state(ci, eta_star=0.4, eta_loss_d=0.5, eta_loss_b=2.0, lam1=0.9, obs_signs=None,
           pred_signs=None):
    """A minimal analysed state: every crossing observed at `ci`; the sign families on a 6-point
    η grid (5 points with ηλ_1 ≤ 2)."""
    etas = [0.1, 0.3, 0.45, 0.7, 1.5, 3.0]
    q = {"eta_star": eta_star, "eta_loss_D": eta_loss_d, "eta_loss_B": eta_loss_b,
         "eta_loss_D_lambda4": eta_loss_d * 1.3, "eta_loss_B_lambda4": eta_loss_b * 1.3}
    obs = obs_signs or [-1, -1, 1, 1, 1, 1]
    pred = pred_signs or [-1, -1, 1, 1, 1, 1]
    sign = {"observed_signs": obs, "predicted_signs": pred}
    cross = {key: {"observed": sum(c) / 2, "ci": list(c)} for key, c in ci.items()}
    return {"label": "s", "etas": etas, "eigenvalues_top": [lam1], "eta_train": 1.0,
            "by_k": {"2": {"quantities_psd": q, **cross, "sign_ratio": sign,
                           "sign_ratio_stable": {"observed_signs": obs[:5], "predicted_signs": pred[:5]},
                           "sign_Etheta": sign}}}


def _result(state):
    return {"settings": {"k": 2}, "states": [state], "predictions": [], "control": {}}


def test_tight_intervals_that_only_the_model_meets_are_discriminating():
    tight = {"cross_ratio": (0.39, 0.41), "cross_Etheta": (0.39, 0.41), "cross_loss_D": (0.49, 0.51),
             "cross_loss_B": (1.95, 2.05)}
    p = evidence_power(_result(_state(tight)))
    fams = p["states"][0]["families"]
    for f in fams:
        if f["kind"] == "crossing":
            assert f["model_agrees"] and f["competitors_agreeing"] == []
            assert f["width_over_gap"] < 1
            assert f["negative_controls_rejected"] == len(f["negative_controls"])
            assert {"1/λ_1", "2/λ_1", "1/(2λ_1)", "η_train"} <= set(f["competitors"])
    assert not p["summary"]["weak"], p["summary"]["line"]
    assert "discriminating" in p["summary"]["line"]


def test_wide_intervals_and_a_constant_sign_that_does_as_well_are_weak():
    """The same model, but intervals containing other thresholds and 1/λ_1, and observed signs a
    constant −1 matches better than the model: reported as weak, with the competitors named."""
    wide = {"cross_ratio": (0.2, 2.5), "cross_Etheta": (0.2, 2.5), "cross_loss_D": (0.2, 2.5),
            "cross_loss_B": (0.2, 2.5)}
    st = _state(wide, obs_signs=[-1, -1, -1, -1, 1, -1])
    p = evidence_power(_result(st))
    fams = {f["family"]: f for f in p["states"][0]["families"]}
    f = fams["eta_star (Θ ratio of expectations)"]
    assert "η^loss_D swapped in" in f["competitors_agreeing"] and "1/λ_1" in f["competitors_agreeing"]
    assert f["width_over_gap"] > 1 and f["negative_controls_rejected"] < len(f["negative_controls"])
    g = fams["sign of Θ(η) − θ over the η grid"]
    assert g["model"] == [3, 6] and g["competitors"]["constant −1"] == [5, 6]
    assert g["best_competitor"] == "constant −1" and g["competitor_at_least_as_good"]
    s = p["summary"]
    assert s["weak"] and s["line"].startswith("How discriminating the network evidence is: WEAK")
    assert "constant −1) 5/6" in s["line"]


def test_the_network_snapshot_is_weak_and_the_control_is_not(net):
    """On the audit snapshot: every family has competitors beside the model; the quadratic control
    (same code path) rejects every competitor's crossing and every negative control, so the method
    can discriminate; the network's summary says its evidence is weak."""
    p = evidence_power(net)
    s = p["summary"]
    assert s["weak"]
    for st in p["states"]:
        kinds = [f["kind"] for f in st["families"]]
        assert kinds.count("crossing") == 4 and kinds.count("sign") == 3
    ctrl = s["control"]
    assert ctrl["matched_by_competitor"] == 0
    assert ctrl["negative_controls_rejected"] == ctrl["negative_controls"]
    assert ctrl["width_over_gap"][1] < 1 <= s["network"]["width_over_gap"][1]
    # the paper's narrative predicts every yes/no outcome the model predicts
    assert s["network"]["binary"] >= 3
    assert s["network"]["binary_same_as_narrative"] == s["network"]["binary"]
    rows = power_rows(p)
    assert len(rows) == sum(len(x["families"]) for x in p["states"]) + 7 + len(p["binary"])


def test_reports_say_how_discriminating_in_one_line(net):
    from verify.network.report import render_markdown
    from verify.report.audit import _network_section
    from verify.report.document import Document, to_markdown

    line = evidence_power(net)["summary"]["line"]
    assert "\n" not in line
    md = render_markdown(net)
    assert line in md and "### How discriminating the evidence is" in md
    doc = Document("t")
    _network_section(doc, copy.deepcopy(net), [])
    text = to_markdown(doc)
    assert "**How discriminating the network evidence is:** WEAK" in text
    assert "competitors doing as well" in text
