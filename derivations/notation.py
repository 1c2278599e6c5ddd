"""The paper's notation: one table from each SymPy symbol of the derivations to its LaTeX, text and
MathML names, and the printers every output format uses (text, LaTeX, MathML, JSON).

A symbol is either the paper's own (`paper=True`: printed under the paper's name, e.g. s^D_t,
τ^B_t, n^{loss}_D, λ_{k+1}) or one the paper does not name (`paper=False`, e.g. u^D_t, the block
sums of λ⁴c², and the certificate slacks a, b, g, L, ε_i). A quantity the paper does not name is
defined in every output the first time it appears: a global quantity by its `meaning`, an
auxiliary variable of one step by the step's `where` clause (derivations/core.py).

Printing never decides a relation: relations come from `derivations.core.Relation`, built by the
derivation itself (`Step.relations`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.str import StrPrinter

from derivations import symbols as S


@dataclass(frozen=True)
class Name:
    """How one symbol is written. `latex` is a LaTeX math-mode fragment; `text` the plain-Unicode
    name; `mathml` presentation MathML (without the <math> wrapper); `meaning` its definition in
    words and formulas (printed where the symbol first appears when `paper` is False)."""

    latex: str
    text: str
    mathml: str
    meaning: str
    paper: bool = True


def _mi(x: str) -> str:
    return f"<mi>{x}</mi>"


def _mn(x: str) -> str:
    return f"<mn>{x}</mn>"


def _sub(base: str, sub: str) -> str:
    return f"<msub>{base}{sub}</msub>"


def _sup(base: str, sup: str) -> str:
    return f"<msup>{base}{sup}</msup>"


def _subsup(base: str, sub: str, sup: str) -> str:
    return f"<msubsup>{base}{sub}{sup}</msubsup>"


def _row(*parts: str) -> str:
    return "<mrow>" + "".join(parts) + "</mrow>"


_T = _mi("t")
_K1 = _row(_mi("k"), "<mo>+</mo>", _mn("1"))


def _block(sym_latex: str, sym_text: str, sym_ml: str, block: str, meaning: str,
           paper: bool = True) -> Name:
    """X^S_t for a block S ∈ {D, B}."""
    return Name(f"{sym_latex}^{{{block}}}_{{t}}", f"{sym_text}^{block}_t",
                _subsup(sym_ml, _T, _mi(block)), meaning, paper)


TABLE: dict[sp.Symbol, Name] = {
    # --- the paper's quantities -------------------------------------------------------------
    S.eta: Name(r"\eta", "η", _mi("η"), "step size η_t > 0"),
    S.lam: Name(r"\lambda_{i}", "λ_i", _sub(_mi("λ"), _mi("i")),
                "eigenvalue of A for coordinate i (λ_1 ≥ … ≥ λ_d > 0)"),
    S.lam_j: Name(r"\lambda_{j}", "λ_j", _sub(_mi("λ"), _mi("j")), "eigenvalue λ_j for j ∈ D"),
    S.c: Name(r"c_{i,t}", "c_{i,t}", _sub(_mi("c"), _row(_mi("i"), "<mo>,</mo>", _T)),
              "coordinate i of x_t in A's eigenbasis"),
    S.c_j: Name(r"c_{j,t}", "c_{j,t}", _sub(_mi("c"), _row(_mi("j"), "<mo>,</mo>", _T)),
                "coordinate j ∈ D of x_t in A's eigenbasis"),
    S.kappa2: Name(r"\kappa_{i}^{2}", "κ_i²", _subsup(_mi("κ"), _mi("i"), _mn("2")),
                   "κ_i² = u_iᵀΣu_i, the noise variance along eigenvector u_i"),
    S.zeta: Name(r"\zeta_{i}", "ζ_i", _sub(_mi("ζ"), _mi("i")),
                 "ζ_i = ⟨ξ_t, u_i⟩ ~ N(0, κ_i²), the noise along eigenvector u_i", paper=False),
    S.sD: _block("s", "s", _mi("s"), "D", "s^D_t = Σ_{i∈D} λ_i² c_{i,t}²"),
    S.sB: _block("s", "s", _mi("s"), "B", "s^B_t = Σ_{i∈B} λ_i² c_{i,t}²"),
    S.tD: _block(r"\tau", "τ", _mi("τ"), "D", "τ^D_t = Σ_{i∈D} λ_i³ c_{i,t}²"),
    S.tB: _block(r"\tau", "τ", _mi("τ"), "B", "τ^B_t = Σ_{i∈B} λ_i³ c_{i,t}²"),
    S.uD: _block("u", "u", _mi("u"), "D", "u^D_t = Σ_{i∈D} λ_i⁴ c_{i,t}² (App. A.5)", paper=False),
    S.uB: _block("u", "u", _mi("u"), "B", "u^B_t = Σ_{i∈B} λ_i⁴ c_{i,t}² (App. A.5)", paper=False),
    S.eD: Name("e_{D}", "e_D", _sub(_mi("e"), _mi("D")), "e_D = Σ_{i∈D} λ_i² κ_i²"),
    S.eB: Name("e_{B}", "e_B", _sub(_mi("e"), _mi("B")), "e_B = Σ_{i∈B} λ_i² κ_i²"),
    S.nD: Name(r"n^{\mathrm{loss}}_{D}", "n^loss_D", _subsup(_mi("n"), _mi("D"), _mi("loss")),
               "n^loss_D = Σ_{i∈D} λ_i κ_i²"),
    S.nB: Name(r"n^{\mathrm{loss}}_{B}", "n^loss_B", _subsup(_mi("n"), _mi("B"), _mi("loss")),
               "n^loss_B = Σ_{i∈B} λ_i κ_i²"),
    S.psiD: Name(r"\psi_{D}", "ψ_D", _sub(_mi("ψ"), _mi("D")), "ψ_D = Σ_{i∈D} λ_i²"),
    S.psiB: Name(r"\psi_{B}", "ψ_B", _sub(_mi("ψ"), _mi("B")), "ψ_B = Σ_{i∈B} λ_i²"),
    S.smin: Name(r"s_{\min}", "s_min", _sub(_mi("s"), _mi("min")), "smallest eigenvalue of Σ"),
    S.smax: Name(r"s_{\max}", "s_max", _sub(_mi("s"), _mi("max")), "largest eigenvalue of Σ"),
    S.theta: Name(r"\theta_{t}", "θ_t", _sub(_mi("θ"), _T), "alignment θ_t = s^D_t/s_t"),
    S.s: Name("s_{t}", "s_t", _sub(_mi("s"), _T), "s_t = s^D_t + s^B_t = ‖A x_t‖²"),
    S.lam1: Name(r"\lambda_{1}", "λ_1", _sub(_mi("λ"), _mn("1")), "largest eigenvalue of A"),
    S.lamk: Name(r"\lambda_{k}", "λ_k", _sub(_mi("λ"), _mi("k")), "smallest eigenvalue in D"),
    S.lamk1: Name(r"\lambda_{k+1}", "λ_{k+1}", _sub(_mi("λ"), _K1), "largest eigenvalue in B"),
    S.lamd: Name(r"\lambda_{d}", "λ_d", _sub(_mi("λ"), _mi("d")), "smallest eigenvalue of A"),
    S.rho: Name(r"\rho", "ρ", _mi("ρ"), "ρ = k/(d − k), the block-size ratio", paper=False),
    S.m: Name("m", "m", _mi("m"), "spectral gap m = λ_k/λ_{k+1}"),
    S.normx: Name(r"\|x_{t}\|^{2}", "‖x_t‖²",
                  _sup(_row("<mo>‖</mo>", _sub(_mi("x"), _T), "<mo>‖</mo>"), _mn("2")),
                  "squared norm of the iterate x_t"),
    S.alpha: Name(r"\alpha_{t}", "α_t", _sub(_mi("α"), _T),
                  "α_t = s_t(μ^D_t − μ^B_t), μ^S_t = τ^S_t/s^S_t (§5)"),
    S.delta: Name(r"\delta", "δ", _mi("δ"), "δ = 1 − θ^crit_t (Theorem 13's unknown)"),
    S.beta5: Name(r"\beta", "β", _mi("β"), "Theorem 5's state-independent constant"),
    S.c0sq: Name(r"c_{i,0}^{2}", "c_{i,0}²", _subsup(_mi("c"), _row(_mi("i"), "<mo>,</mo>", _mn("0")),
                                                      _mn("2")), "c_{i,0}², the initial coordinate squared"),
    S.t_int: Name("t", "t", _T, "iteration counter t = 0, 1, 2, …"),
    S.varrho: Name(r"\varrho_{D}", "ϱ_D", _sub(_mi("ϱ"), _mi("D")),
                   "ϱ_D = Σ_{i∈D} λ_i² c_{i,0}² (Theorem 15)"),
    S.sum_beta: Name(r"\Sigma_{\beta}", "Σ_β", _sub(_mi("Σ"), _mi("β")),
                     "Σ_β = Σ_{i∈D} λ_i² β_i, β_i = ηκ_i²/(2λ_i − ηλ_i²) (Theorem 15)",
                     paper=False),
    # --- auxiliary variables: each is defined by the `where` clause of the step using it -----
    S.a_: Name("a", "a", _mi("a"), "auxiliary (non-negative slack)", paper=False),
    S.b_: Name("b", "b", _mi("b"), "auxiliary (non-negative slack)", paper=False),
    S.g_: Name("g", "g", _mi("g"), "auxiliary (non-negative slack)", paper=False),
    S.L_: Name("L", "L", _mi("L"), "auxiliary (non-negative slack)", paper=False),
    S.w_i: Name("w_{i}", "w_i", _sub(_mi("w"), _mi("i")), "auxiliary weight", paper=False),
    S.w_j: Name("w_{j}", "w_j", _sub(_mi("w"), _mi("j")), "auxiliary weight", paper=False),
    S.eps1: Name(r"\varepsilon_{1}", "ε_1", _sub(_mi("ε"), _mn("1")), "auxiliary slack", paper=False),
    S.eps2: Name(r"\varepsilon_{2}", "ε_2", _sub(_mi("ε"), _mn("2")), "auxiliary slack", paper=False),
    S.eps3: Name(r"\varepsilon_{3}", "ε_3", _sub(_mi("ε"), _mn("3")), "auxiliary slack", paper=False),
    S.eps4: Name(r"\varepsilon_{4}", "ε_4", _sub(_mi("ε"), _mn("4")), "auxiliary slack", paper=False),
    S.nu: Name(r"\nu", "ν", _mi("ν"), "auxiliary ratio", paper=False),
    S.r_: Name("r", "r", _mi("r"), "auxiliary ratio", paper=False),
}
# the block coordinates of the product-of-sums identities (one explicit block size at a time)
for _j, (_l, _c) in enumerate(zip(S.LAM_D, S.C_D), 1):
    TABLE[_l] = Name(f"\\lambda^{{D}}_{{{_j}}}", f"λ^D_{_j}", _subsup(_mi("λ"), _mn(str(_j)), _mi("D")),
                     f"eigenvalue number {_j} of the block D in the identity", paper=False)
    TABLE[_c] = Name(f"c^{{D}}_{{{_j}}}", f"c^D_{_j}", _subsup(_mi("c"), _mn(str(_j)), _mi("D")),
                     f"the coordinate of x_t for λ^D_{_j}", paper=False)
for _j, (_l, _c) in enumerate(zip(S.LAM_B, S.C_B), 1):
    TABLE[_l] = Name(f"\\lambda^{{B}}_{{{_j}}}", f"λ^B_{_j}", _subsup(_mi("λ"), _mn(str(_j)), _mi("B")),
                     f"eigenvalue number {_j} of the block B in the identity", paper=False)
    TABLE[_c] = Name(f"c^{{B}}_{{{_j}}}", f"c^B_{_j}", _subsup(_mi("c"), _mn(str(_j)), _mi("B")),
                     f"the coordinate of x_t for λ^B_{_j}", paper=False)

# closed-form names: derivation key → (LaTeX, text). A closed form is printed as a definition
# "name = expression"; a bound is a named quantity (the words say which inequality it bounds),
# never printed as the inequality itself, so no output asserts a bound the toolkit refutes.
LABELS: dict[str, tuple[str, str]] = {
    "Theta": (r"\Theta_{t}(\eta)", "Θ_t(η)"),
    "E[lambda^2c'^2]": (r"\mathbb{E}[\lambda_{i}^{2} c_{i,t+1}^{2} \mid x_{t}]",
                        "E[λ_i² c_{i,t+1}² | x_t]"),
    "E[s^S']": (r"\mathbb{E}[s^{D}_{t+1} \mid x_{t}]", "E[s^D_{t+1} | x_t]"),
    "p": ("p_{t}", "p_t"), "q": ("q_{t}", "q_t"), "eta_star": (r"\eta^{*}_{t}", "η*_t"),
    "E_f": (r"\mathbb{E}[f_{t}(\eta) \mid x_{t}]", "E[f_t(η) | x_t]"),
    "g_gap": (r"g_{\mathrm{gap}}", "g_gap"), "g_noise": (r"g_{\mathrm{noise}}", "g_noise"),
    "r0": ("r_{0}", "r_0"), "theta_star": (r"\theta^{*}_{t}", "θ*_t"),
    "one_minus_theta_star_lower": (r"b^{\mathrm{low}}_{1-\theta^{*}}",
                                   "b_low(1 − θ*) (a lower bound on 1 − θ*_t)"),
    "one_minus_theta_star_upper": (r"b^{\mathrm{up}}_{1-\theta^{*}}",
                                   "b_up(1 − θ*) (an upper bound on 1 − θ*_t)"),
    "r_noise": (r"r_{\mathrm{noise}}", "r_noise"),
    "eta_star_lower": (r"b^{\mathrm{Thm\,7}}_{\eta^{*}}", "b_Thm7(η*) (Theorem 7's lower bound on η*_t)"),
    "main_text_bound": (r"b^{\mathrm{main}}_{\eta^{*}}",
                        "b_main(η*) (the main text's upper bound on η*_t, as printed)"),
    "appendix_bound": (r"b^{\mathrm{app}}_{\eta^{*}}",
                       "b_app(η*) (App. A.6's upper bound on η*_t, as printed)"),
    "sharp_bound": (r"b^{\mathrm{sharp}}_{\eta^{*}}", "b_sharp(η*) (the sharp upper bound on η*_t)"),
    "claimed_bound": (r"b^{\mathrm{Cor\,9}}_{\eta^{*}}",
                      "b_Cor9(η*) (Corollary 9's upper bound on η*_t, as printed)"),
    "E_dL_S": (r"\mathbb{E}[\Delta L^{D}_{t} \mid x_{t}]", "E[ΔL^D_t | x_t] (S = D shown; B alike)"),
    "eta_loss_S": (r"\eta^{\mathrm{loss}}_{D}", "η^loss_D (S = D shown; B alike)"),
    "eta_loss_box": (r"\eta^{\mathrm{box}}_{D}", "η^box_D (η^loss_D as printed in the introduction)"),
    "h": (r"h_{t}(\theta)", "h_t(θ)"),
    "theta_crit": (r"\theta^{\mathrm{crit}}_{t}", "θ^crit_t"),
    "alpha": (r"\alpha_{t}", "α_t"), "beta": (r"\beta_{t}", "β_t"), "gamma": (r"\gamma_{t}", "γ_t"),
    "E_dL_D": (r"\mathbb{E}[\Delta L^{D}_{t} \mid x_{t}]", "E[ΔL^D_t | x_t]"),
    "upper_bound_one_minus": (r"b^{\mathrm{up}}_{1-\theta^{\mathrm{crit}}}",
                              "b_up(1 − θ^crit) (an upper bound on 1 − θ^crit_t)"),
    "delta_equation": (r"h_{t}(1 - \delta)", "h_t(1 − δ)"),
    "lower_valid": (r"b^{\mathrm{low}}_{1-\theta^{\mathrm{crit}}}",
                    "b_low(1 − θ^crit) (a valid lower bound on 1 − θ^crit_t)"),
    "upper_valid": (r"b^{\mathrm{up}}_{1-\theta^{\mathrm{crit}}}",
                    "b_up(1 − θ^crit) (a valid upper bound on 1 − θ^crit_t)"),
    "beta_i": (r"\beta_{i}", "β_i"),
    "E_c2_t": (r"\mathbb{E}[c_{i,t}^{2}]", "E[c_{i,t}²]"),
    "delta": (r"\delta_{\mathrm{Thm\,15}}", "δ (Theorem 15)"),
    "t_star_real": (r"t^{*}", "t*"),
    "weight_i": (r"\lambda_{i}^{2} \beta_{i}", "λ_i² β_i"),
}


def _lookup(sym: sp.Symbol) -> Name:
    try:
        return TABLE[sym]
    except KeyError:
        raise KeyError(f"symbol {sym!r} ({sym.assumptions0}) has no entry in derivations.notation.TABLE")\
            from None


class _Latex(LatexPrinter):
    def _print_Symbol(self, expr, style="plain"):  # noqa: ANN001
        return _lookup(expr).latex


class _MathML(MathMLPresentationPrinter):
    def _print_Symbol(self, sym, style="plain"):  # noqa: ANN001
        x = self.dom.createElement("mrow")
        frag = self.dom.createElement("mrow")
        # MathML fragments from the table (well-formed XML, parsed once per symbol)
        from xml.dom.minidom import parseString

        node = parseString(f"<m>{_lookup(sym).mathml}</m>").documentElement
        for child in list(node.childNodes):
            frag.appendChild(child)
        x.appendChild(frag)
        return x


class _Str(StrPrinter):
    def _print_Limit(self, expr):  # noqa: ANN001
        """lim_{m→∞} (f), not SymPy's Limit(f, m, oo, dir='-')."""
        e, z, z0, _ = expr.args
        point = {sp.oo: "∞", -sp.oo: "−∞"}.get(z0, self._print(z0))
        return f"lim_{{{self._print(z)}→{point}}} ({self._print(e)})"


def latex(expr: sp.Expr) -> str:
    """LaTeX of an expression in the paper's notation; products are written with \\cdot (explicit,
    so that the export parses back unambiguously: tests/test_latex_export.py)."""
    return _Latex({"mul_symbol": "dot"}).doprint(sp.sympify(expr))


def mathml(expr: sp.Expr) -> str:
    """Presentation MathML (inner content, no <math> wrapper) in the paper's notation."""
    return _MathML().doprint(sp.sympify(expr))


def text(expr: sp.Expr) -> str:
    """Plain-text (Unicode) form in the paper's notation: SymPy's str with the table's names and
    ^ for powers and · for products (* would read as emphasis in Markdown; the names, e.g. η*_t,
    keep their own stars)."""
    e = sp.sympify(expr)
    # bound symbols too (a limit's variable), not a limit's direction ('+-' is a Symbol)
    syms = sorted(e.free_symbols | {a for a in e.atoms(sp.Symbol) if a in TABLE},
                  key=lambda s: s.name)
    tokens = {s: f"Z{i:04d}Z" for i, s in enumerate(syms)}
    with sp.evaluate(False):  # keep a step's held (unevaluated) side as built
        e = e.xreplace({s: sp.Symbol(t) for s, t in tokens.items()})
    out = _Str().doprint(e)
    out = out.replace("**", "^").replace("*", "·")
    for s, t in tokens.items():
        out = out.replace(t, _lookup(s).text)
    return out


# relation symbols: derivations.core.Relation.rel → (LaTeX, text, MathML operator)
RELATIONS: dict[str, tuple[str, str, str]] = {
    "=": ("=", "=", "="), "≠": (r"\neq", "≠", "≠"), "≥": (r"\geq", "≥", "≥"), ">": (">", ">", "&gt;"),
    "≤": (r"\leq", "≤", "≤"), "<": ("<", "<", "&lt;"), "⇔": (r"\iff", "⇔", "⇔"),
}


def relation_latex(lhs: sp.Expr, rel: str, rhs: sp.Expr) -> str:
    return f"{latex(lhs)} {RELATIONS[rel][0]} {latex(rhs)}"


def relation_text(lhs: sp.Expr, rel: str, rhs: sp.Expr) -> str:
    return f"{text(lhs)} {RELATIONS[rel][1]} {text(rhs)}"


def relation_mathml(lhs: sp.Expr, rel: str, rhs: sp.Expr) -> str:
    return f"<mrow>{mathml(lhs)}<mo>{RELATIONS[rel][2]}</mo>{mathml(rhs)}</mrow>"


def label_latex(key: str) -> str:
    return LABELS[key][0]


def label_text(key: str) -> str:
    return LABELS[key][1]


def symbols_of(expr: sp.Expr) -> set[sp.Symbol]:
    return set(sp.sympify(expr).free_symbols)
