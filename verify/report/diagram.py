"""Step-size phase diagram: the (θ, η) plane for a problem and a family of states.

The family is the given state with its bulk coordinates rescaled (θ varies, the dominant part
is fixed). Background: sign of Θ(η) − θ (ratio of expectations, exact formula in float64 for
drawing only). Curves: η*_t(θ), η^loss_D(θ), η^loss_B(θ); vertical lines g_gap, θ*_t and
θ^crit_t (θ* and θ^crit depend on the state through s_t and are drawn at each family member).
Overlay: simulated one-step outcomes (Monte Carlo mean of θ_{t+1} − θ_t at grid points).
"""

from __future__ import annotations

import io

import numpy as np

from verify.core import thresholds as T
from verify.core.atomic import write_atomic


def _family(lam, k, c, thetas):
    w = lam**2 * c**2
    sD, sB = w[:k].sum(), w[k:].sum()
    out = []
    for th in thetas:
        f = np.sqrt(sD * (1 - th) / (th * sB))
        cc = c.copy()
        cc[k:] *= f
        out.append(cc)
    return out


def _sums(lam, k, kap, c) -> dict:
    """The block sums of a state in float64 (drawing only; the exact ones: verify.core.theory)."""
    w = lam**2 * c**2
    return {"sD": w[:k].sum(), "sB": w[k:].sum(), "tauD": (lam * w)[:k].sum(),
            "tauB": (lam * w)[k:].sum(), "uD": (lam**2 * w)[:k].sum(), "uB": (lam**2 * w)[k:].sum(),
            "eD": (lam**2 * kap)[:k].sum(), "eB": (lam**2 * kap)[k:].sum(),
            "nD": (lam * kap)[:k].sum(), "nB": (lam * kap)[k:].sum()}


def _curves(lam, k, kap, c):
    """η*, η^loss_D, η^loss_B, θ^crit and θ* of a state: the one definition of each
    (verify.core.thresholds) evaluated in float64."""
    b = _sums(lam, k, kap, c)
    p, q = T.lemma22_pq(b["sD"], b["sB"], b["tauD"], b["tauB"], b["uD"], b["uB"], b["eD"], b["eB"])
    s = b["sD"] + b["sB"]
    alpha = T.alpha_crit(b["sD"], b["sB"], b["tauD"], b["tauB"])
    delta = T.one_minus_theta_crit(alpha, b["nB"], b["nD"], np.sqrt)
    star = T.theta_star_root(*T.theta_star_aux(kap.min(), kap.max(), (lam[:k] ** 2).sum(),
                                               (lam[k:] ** 2).sum(), s, lam[0], lam[-1]), np.sqrt)
    return {"eta_star": -q / p if p > 0 else np.nan,
            "eta_loss_D": T.eta_loss(b["sD"], b["tauD"], b["nD"]),
            "eta_loss_B": T.eta_loss(b["sB"], b["tauB"], b["nB"]),
            "theta_crit": 1 - delta, "theta_star": 1 - star[1] if star else 1.0}


def Theta(lam, k, kap, c, eta):
    """Θ(η; x) (verify.core.thresholds.theta_map) in float64."""
    b = _sums(lam, k, kap, c)
    return T.theta_map(b["sD"], b["sB"], b["tauD"], b["tauB"], b["uD"], b["uB"], b["eD"], b["eB"],
                       eta)


def setting_text(lam, k: int, kap) -> str:
    """One line naming the problem: d, k, the gap m = λ_k/λ_{k+1} and the noise (mathtext)."""
    d = len(lam)
    noise = (rf"$\sigma^2={kap[0]:.3g}$" if np.all(kap == kap[0])
             else rf"$\kappa^2\in[{kap.min():.3g}, {kap.max():.3g}]$")
    return rf"d = {d}, k = {k}, $m=\lambda_k/\lambda_{{k+1}}={lam[k - 1] / lam[k]:.4g}$, {noise}"


# the claims that bound η*_t at one state: claim id → its bound's quantity (salign eval names)
ETA_STAR_BOUNDS = {"thm8-main": "eta_star_upper_thm8_main", "thm8-app": "eta_star_upper_thm8_app",
                   "cor9": "eta_star_upper_cor9", "thm7": "eta_star_lower_thm7",
                   "thm7-remark": "eta_star_lower_thm7_remark"}


def case_bounds(case) -> list[dict]:
    """The paper's bounds on η*_t decided exactly at the case's own state (as `salign eval --claim`
    decides them): claim, reference, bound value, η*_t, verdict. States outside a claim's
    hypotheses are left out."""
    from verify.claims import CLAIMS_BY_ID
    from verify.claims.search import evaluate_claim

    out = []
    for cid, key in ETA_STAR_BOUNDS.items():
        v = evaluate_claim(cid, case)
        sides = v.get("sides") or {}
        if v["verdict"] == "outside hypotheses" or sides.get(key) is None or sides.get("eta_star") is None:
            continue
        out.append({"claim": cid, "reference": CLAIMS_BY_ID[cid].reference, "bound": float(sides[key]),
                    "eta_star": float(sides["eta_star"]), "verdict": v["verdict"],
                    "side": "upper" if "upper" in key else "lower"})
    return out


CAPTION = ("Background: sign of Θ(η) − θ, the one-step change of the ratio of expectations (red: the "
           "alignment rises, blue: it falls), over the family of states obtained by rescaling the bulk "
           "of the given state. Curves: η*_t, η^loss_D and η^loss_B of each family member; dotted "
           "verticals: where a member's θ equals its θ^crit_t or θ*_t. Triangles: the simulated mean "
           "of θ_{t+1} − θ_t. Star: the case's own state at its η*_t; red dash-dot lines: a bound of "
           "the paper on η*_t that this state violates.")


def build_phase_diagram(lam, k, kap, c, seed: int = 0, n_theta: int = 60, n_eta: int = 60,
                        mc: int = 200, eta: float | None = None, bounds: list[dict] | None = None):
    """(Figure, summary) of the phase diagram, not yet written. The step size η is the vertical
    axis and is named in the title; the legend sits right of the axes (never over the data).
    The case's own state (the family member with the given bulk) is marked at its η*_t, and at
    its step `eta` when given; each of `bounds` (case_bounds) that the state violates is drawn
    as a horizontal line naming the claim. A caption under the axes says what everything is."""
    import textwrap

    from matplotlib.figure import Figure

    lam, kap, c = (np.asarray(v, float) for v in (lam, kap, c))
    thetas = np.linspace(0.02, 0.98, n_theta)
    fam = _family(lam, k, c, thetas)
    curves = [_curves(lam, k, kap, cc) for cc in fam]
    top = min(max(cv["eta_loss_B"] for cv in curves) * 1.2, 20 / lam[0])
    etas = np.logspace(np.log10(2e-3 / lam[0]), np.log10(top), n_eta)
    drift = np.array([[Theta(lam, k, kap, cc, e) - th for th, cc in zip(thetas, fam)]
                      for e in etas])
    kap_min, kap_max = kap.min(), kap.max()
    g_gap = T.g_gap(kap_min, kap_max, lam[k - 1], lam[k], k, len(lam))
    g_gap = np.nan if g_gap is None else g_gap
    fig = Figure(figsize=(10, 6), layout="constrained")
    ax = fig.subplots()
    ax.pcolormesh(thetas, etas, np.sign(drift), cmap="RdBu_r", vmin=-1.5, vmax=1.5,
                  shading="auto")
    ax.axhline(2 / lam[0], color="gray", lw=0.8, label=r"$\eta=2/\lambda_1$")
    for name, style, label in (("eta_star", "k-", r"$\eta^*_t(\theta)$ (Lemma 22)"),
                               ("eta_loss_D", "g--", r"$\eta^{\rm loss}_D(\theta)$"),
                               ("eta_loss_B", "m--", r"$\eta^{\rm loss}_B(\theta)$")):
        ax.plot(thetas, [cv[name] for cv in curves], style, lw=1.6, label=label)
    # state-dependent thresholds: the family member whose own θ equals its threshold
    for name, color, label in (("theta_crit", "c", r"$\theta=\theta^{\rm crit}_t$"),
                               ("theta_star", "y", r"$\theta=\theta^*_t$")):
        gap = thetas - np.array([cv[name] for cv in curves])
        idx = np.nonzero(np.diff(np.sign(gap)))[0]
        for n_, i in enumerate(idx):
            ax.axvline(thetas[i], color=color, ls=":", lw=1.6, label=label if n_ == 0 else None)
    if np.isfinite(g_gap):
        ax.axvline(g_gap, color="orange", label=r"$g_{\rm gap}$")
    rng = np.random.default_rng(seed)
    pts = []
    up = down = False
    for i in range(0, n_eta, max(1, n_eta // 8)):
        for j in range(0, n_theta, max(1, n_theta // 8)):
            cc, e = fam[j], etas[i]
            z = rng.standard_normal((mc, len(lam))) * np.sqrt(kap)
            cn = (1 - e * lam) * cc - e * z
            en = lam**2 * cn**2
            d = (en[:, :k].sum(1) / en.sum(1)).mean() - thetas[j]
            pts.append((thetas[j], e, d))
            rises = d > 0
            lab = None
            if rises and not up:
                lab, up = r"simulated mean $\theta_{t+1}-\theta_t>0$", True
            elif not rises and not down:
                lab, down = r"simulated mean $\theta_{t+1}-\theta_t\leq 0$", True
            ax.plot(thetas[j], e, "^" if rises else "v", color="k", ms=5, zorder=5, label=lab)
    # the case's own state: θ of the given state, its η*_t (and its step, when the case has one)
    wc = lam**2 * c**2
    theta_c = float(wc[:k].sum() / wc.sum())
    own = _curves(lam, k, kap, c)
    marks = [etas[0], etas[-1]]
    if np.isfinite(own["eta_star"]) and own["eta_star"] > 0:
        ax.plot(theta_c, own["eta_star"], "*", color="gold", mec="k", ms=16, zorder=7,
                label=rf"the case's state: $\theta_t={theta_c:.4g}$, $\eta^*_t={own['eta_star']:.4g}$")
        marks.append(own["eta_star"])
    else:
        ax.axvline(theta_c, color="gold", lw=2, zorder=7,
                   label=rf"the case's state: $\theta_t={theta_c:.4g}$ (no positive $\eta^*_t$)")
    if eta is not None and eta > 0:
        ax.plot(theta_c, eta, "X", color="k", mfc="white", ms=11, zorder=7,
                label=rf"the case's step $\eta={eta:.4g}$")
        marks.append(eta)
    violated = [b for b in (bounds or []) if b["verdict"] == "violated"]
    for b in violated:
        rel = "above" if b["side"] == "upper" else "below"
        ax.axhline(b["bound"], color="red", ls="-.", lw=2, zorder=6,
                   label=f"{b['claim']}: bound {b['bound']:.4g} on " + r"$\eta^*_t$"
                         + f", VIOLATED here\n(η*_t {rel} it; {b['reference']})")
        marks.append(b["bound"])
    ax.set_yscale("log")
    lo, hi = min(marks), max(marks)  # the background's range, widened only for a mark beyond it
    ax.set_ylim(lo if lo >= etas[0] else lo / 1.3, hi if hi <= etas[-1] else hi * 1.3)
    if not thetas[0] <= theta_c <= thetas[-1]:
        ax.set_xlim(min(thetas[0], theta_c) - 0.01, max(thetas[-1], theta_c) + 0.01)
    ax.set_xlabel(r"alignment $\theta_t$ (bulk of the given state rescaled)")
    ax.set_ylabel(r"step size $\eta$")
    ax.set_title(r"Sign of $\Theta(\eta)-\theta$ over step size $\eta$ (red: rises, blue: falls)"
                 f"\n{setting_text(lam, k, kap)}")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.supxlabel("\n".join(textwrap.wrap(CAPTION, 150)), fontsize=7, x=0.01, ha="left")
    agree = sum(1 for th, e, d in pts
                if np.sign(d) == np.sign(Theta(lam, k, kap, fam[list(thetas).index(th)], e) - th))
    return fig, {"points": len(pts), "mc_sign_agrees_with_Theta": agree,
                 "case_state": {"theta": theta_c,
                                "eta_star": own["eta_star"] if np.isfinite(own["eta_star"]) else None,
                                "eta": eta},
                 "violated_bounds": [b["claim"] for b in violated]}


def phase_diagram(lam, k, kap, c, out_path, seed: int = 0, n_theta: int = 60, n_eta: int = 60,
                  mc: int = 200, eta: float | None = None, bounds: list[dict] | None = None) -> dict:
    """Write `build_phase_diagram` as a PNG (no timestamp metadata) and return its summary."""
    fig, summary = build_phase_diagram(lam, k, kap, c, seed, n_theta, n_eta, mc, eta, bounds)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    write_atomic(out_path, buf.getvalue())
    return summary
