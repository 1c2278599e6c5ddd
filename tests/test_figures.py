"""Figures a reviewer can read: labels and titles set (η and the setting named), no text clipped
at the figure edge, legends off the data, finite-d markers drawn above the error bars; the same
inputs give the same PNG bytes. The checkers are shown to reject deliberately bad figures."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from verify.report.diagram import build_phase_diagram
from verify.simulation.reproduce import SweepResult, build_figures, figures


def _sweep() -> SweepResult:
    """A small synthetic sweep (no simulation): 3 gaps, 2 seeds, 80 steps."""
    rng = np.random.default_rng(0)
    ms, steps, S = (5, 50, 500), 80, 2
    t = np.arange(steps + 1)[:, None, None]
    level = np.array([0.55, 0.9, 0.99])[None, :, None]
    align = np.clip(level * (1 - np.exp(-t / 20)) + 0.01 * rng.standard_normal((steps + 1, 3, S)),
                    1e-4, 1)
    loss = 100 * np.exp(-t / 30) + 0.1 + 0 * align
    rows = [{"m": m, "steady_mean": f"{lv:.6f}", "steady_std": "0.030000",
             "ci95": ["0", "1"], "theta_inf": f"{lv + 0.01:.6f}",
             "theta_inf_small_eta": f"{lv:.6f}", "finite_d_expected": f"{lv - 0.002:.6f}"}
            for m, lv in zip(ms, (0.55, 0.9, 0.99))]
    exact = align[:61, :, :].mean(axis=2).T
    setting = {"eta": 0.003, "sigma": 0.5, "d": 500, "k": 50, "seeds": [1, 2], "steps": steps,
               "window": 20}
    return SweepResult(ms, steps, align, loss, rows, [], exact, setting)


def _draw(fig: Figure):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _texts(fig: Figure):
    out = [t for t in fig.texts if t.get_text()]
    if fig._suptitle is not None:
        out.append(fig._suptitle)
    for ax in fig.axes:
        out += [ax.title, ax.xaxis.label, ax.yaxis.label]
    for leg in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        out += list(leg.get_texts())
    return [t for t in out if t.get_text()]


def clipped_texts(fig: Figure) -> list[str]:
    """Texts whose rendered box leaves the figure canvas (what a reader sees cut off)."""
    r = _draw(fig)
    box = fig.bbox

    def out(e) -> bool:
        return e.x0 < box.x0 - 1 or e.y0 < box.y0 - 1 or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1

    bad = [t.get_text() for t in _texts(fig) if out(t.get_window_extent(r))]
    # tick labels: everything an axes draws (only the ticks inside its view)
    bad += [f"axes {i} (tick labels)" for i, ax in enumerate(fig.axes) if out(ax.get_tightbbox(r))]
    return bad


def legend_covered_points(fig: Figure) -> int:
    """Data points (line vertices, in display coordinates) under any legend box."""
    r = _draw(fig)
    legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    boxes = [leg.get_window_extent(r) for leg in legends]
    n = 0
    for ax in fig.axes:
        for line in ax.get_lines():
            xy = line.get_xydata()
            if not len(xy):
                continue
            disp = ax.transData.transform(xy[np.all(np.isfinite(xy), axis=1)])
            for b in boxes:
                n += int(np.sum((disp[:, 0] > b.x0) & (disp[:, 0] < b.x1) &
                                (disp[:, 1] > b.y0) & (disp[:, 1] < b.y1)))
    return n


def _all_titles(fig: Figure) -> str:
    parts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    return " ".join(parts + [ax.get_title() for ax in fig.axes])


def test_reproduce_figures_are_labelled_and_readable():
    figs = build_figures(_sweep())
    assert set(figs) == {"fig_loss_alignment.png", "fig_alignment_vs_m.png", "fig_phase1.png"}
    for name, fig in figs.items():
        title = _all_titles(fig)
        assert r"\eta=0.003" in title and "d = 500" in title and r"\sigma=0.5" in title, name
        for ax in fig.axes:
            assert ax.get_ylabel(), name
        assert fig.axes[-1].get_xlabel(), name
        assert clipped_texts(fig) == [], (name, clipped_texts(fig))
        assert legend_covered_points(fig) == 0, name
    ax = figs["fig_alignment_vs_m.png"].axes[0]
    assert ax.get_xlabel() == r"$m=\lambda_k/\lambda_{k+1}$"
    marks = [ln for ln in ax.get_lines() if "finite-$d$" in str(ln.get_label())]
    assert len(marks) == 1 and marks[0].get_markersize() >= 8
    assert marks[0].get_zorder() > max(c.get_zorder() for c in ax.containers[0].get_children())


def test_phase_diagram_is_labelled_and_readable():
    lam = np.array([5.0, 4.0, 1.0, 0.8, 0.5, 0.3])
    c = np.array([1.0, -0.5, 0.7, 1.2, -0.4, 0.9])
    fig, summary = build_phase_diagram(lam, 2, np.full(6, 0.25), c, seed=0, n_theta=12, n_eta=12,
                                       mc=20)
    assert summary["points"] > 0
    ax = fig.axes[0]
    assert r"\eta" in ax.get_title() and "d = 6, k = 2" in ax.get_title()
    assert r"\eta" in ax.get_ylabel() and r"\theta_t" in ax.get_xlabel()
    assert clipped_texts(fig) == []
    assert legend_covered_points(fig) == 0


def test_figure_bytes_are_deterministic(tmp_path):
    res = _sweep()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pa = figures(res, tmp_path / "a")
    pb = figures(res, tmp_path / "b")
    assert [p.read_bytes() for p in pa] == [p.read_bytes() for p in pb]


def test_checkers_reject_bad_figures():
    """Negative controls: a legend placed over the data, and a label running off the canvas
    (the old clipped 'm = λ k/λ {k+1}' failure), are both detected."""
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    x = np.linspace(0, 1, 200)
    ax.add_line(Line2D(x, 0.5 + 0 * x, label="flat"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    assert legend_covered_points(fig) > 0
    fig2 = Figure(figsize=(3, 2))
    ax2 = fig2.subplots()
    ax2.set_xlabel("a label long enough to run past both edges of a small figure, clipped")
    assert clipped_texts(fig2) != []
    buf = io.BytesIO()
    fig2.savefig(buf, format="png")  # still renders; only the checker objects
