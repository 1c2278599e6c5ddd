"""Every figure says what it shows: the network figures carry titles, the crossings plot names the
prediction behind each point, the phase diagram marks the case's own state and the bound of the
paper it violates, and every figure of the reports has a caption. Checked on the matplotlib artists
(titles, legend labels), not on pixels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from test_figures import clipped_texts, legend_covered_points

from verify.report.diagram import build_phase_diagram, case_bounds

SNAPSHOT = Path(__file__).resolve().parents[1] / "notes" / "audit" / "report.json"


def _labels(ax) -> list[str]:
    leg = ax.get_legend()
    return [t.get_text() for t in leg.get_texts()] if leg else []


def test_phase_diagram_marks_the_case_state_and_the_refuted_bound(tmp_path):
    """The tour's diagram (the thm8-main witness): a star at the state's own θ and η*_t, a line at
    Theorem 8's bound labelled as violated there, and a caption saying what every mark is."""
    from verify.core.cases import load_case

    p = tmp_path / "thm8-main.json"
    p.write_text(json.dumps({"eigenvalues": ["2", "1"], "k": 1, "noise": {"sigma": "1"},
                             "schema_version": 1, "state": ["1", "1"]}))
    case = load_case(str(p))
    bounds = case_bounds(case)
    assert {b["claim"]: b["verdict"] for b in bounds}["thm8-main"] == "violated"
    fig, summary = build_phase_diagram(np.array([2.0, 1.0]), 1, np.array([1.0, 1.0]),
                                       np.array([1.0, 1.0]), n_theta=12, n_eta=12, mc=20,
                                       bounds=bounds)
    ax = fig.axes[0]
    labels = _labels(ax)
    state = [x for x in labels if x.startswith("the case's state")]
    assert state and r"\theta_t=0.8" in state[0] and r"\eta^*_t=0.6667" in state[0]
    refuted = [x for x in labels if "VIOLATED" in x]
    assert len(refuted) == 1 and refuted[0].startswith("thm8-main: bound 0.3333")
    assert summary["violated_bounds"] == ["thm8-main"]
    assert summary["case_state"]["theta"] == 0.8
    star = [ln for ln in ax.get_lines() if ln.get_label() == state[0]][0]
    assert tuple(star.get_xydata()[0]) == (0.8, summary["case_state"]["eta_star"])
    line = [ln for ln in ax.get_lines() if ln.get_label() == refuted[0]][0]
    assert line.get_ydata()[0] == [b["bound"] for b in bounds if b["claim"] == "thm8-main"][0]
    assert "Star: the case's own state" in fig._supxlabel.get_text()
    assert clipped_texts(fig) == [] and legend_covered_points(fig) == 0


def test_phase_diagram_without_a_violated_bound_draws_none():
    lam = np.array([5.0, 4.0, 1.0, 0.8, 0.5, 0.3])
    c = np.array([1.0, -0.5, 0.7, 1.2, -0.4, 0.9])
    fig, summary = build_phase_diagram(lam, 2, np.full(6, 0.25), c, n_theta=12, n_eta=12, mc=20,
                                       eta=0.05)
    labels = _labels(fig.axes[0])
    assert not any("VIOLATED" in x for x in labels) and summary["violated_bounds"] == []
    assert any(x.startswith("the case's step") for x in labels)


def test_network_figures_have_titles_and_name_each_crossing():
    from verify.network.report import build_figures, captions, crossing_points

    net = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["network"]
    figs = build_figures(net)
    assert set(figs) == set(captions(net)) == {"alignment.png", "crossings.png", "switch.png"}
    for name, fig in figs.items():
        title = fig.axes[0].get_title()
        assert net["settings"]["problem"] in title and "η_train" in title, name
        assert clipped_texts(fig) == [], (name, clipped_texts(fig))
        assert legend_covered_points(fig) == 0, name
    ax = figs["crossings.png"].axes[0]
    pts = crossing_points(net)
    assert len(ax.containers) == len(pts) >= 4
    for cont, p in zip(ax.containers, pts):
        assert cont.get_label() == p["label"]
    labels = [c.get_label() for c in ax.containers]
    for what in ("η* vs crossing of Θ(η) − θ", "η^loss_D", "η^loss_B"):
        assert any(what in x and x.startswith("network") for x in labels), what
        assert any(what in x and x.startswith("control") for x in labels), what


def test_every_report_figure_has_a_caption():
    """The audit's Markdown and HTML print a caption under every figure (reproduction and network)."""
    from verify.report.audit import build_document
    from verify.report.document import to_html, to_markdown

    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    names = ["fig_loss_alignment.png", "fig_alignment_vs_m.png", "fig_phase1.png",
             "network-alignment.png", "network-crossings.png", "network-switch.png"]
    doc = build_document(data, names)
    figs = [b for b in doc.blocks if b.kind == "figure"]
    assert [b.name for b in figs] == names and all(len(b.text) > 40 for b in figs)
    md = to_markdown(doc)
    html = to_html(doc, {n: b"png" for n in names})
    for b in figs:
        assert f"**Figure {b.name}.**" in md
        assert html.count("<figcaption>") == len(names)
