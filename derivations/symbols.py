"""Shared SymPy symbols (block sums are positive reals, η > 0)."""

import sympy as sp

eta = sp.Symbol("eta", positive=True)
lam, c, kappa2, zeta = sp.symbols("lambda c kappa2 zeta", real=True)
sD, sB, tD, tB, uD, uB = sp.symbols("s_D s_B tau_D tau_B u_D u_B", positive=True)
eD, eB, nD, nB, psiD, psiB = sp.symbols("e_D e_B n_D n_B psi_D psi_B", positive=True)
smin, smax = sp.symbols("s_min s_max", positive=True)
theta = sp.Symbol("theta", positive=True)
s = sp.Symbol("s", positive=True)
lam1, lamk, lamk1, lamd = sp.symbols("lambda_1 lambda_k lambda_k1 lambda_d", positive=True)
rho, m = sp.symbols("rho m", positive=True)
# non-negative slack variables used by certificates
a_, b_, g_, L_ = sp.symbols("a b g L", nonnegative=True)
w_i, w_j = sp.symbols("w_i w_j", nonnegative=True)
eps1, eps2, eps3, eps4 = sp.symbols("epsilon_1:5", nonnegative=True)
# auxiliary ratios, defined by the `where` clause of the step that uses them
nu = sp.Symbol("nu", positive=True)
r_ = sp.Symbol("r", positive=True)
# index symbols: λ_j, c_{j,t} for j ∈ D (λ, c above are λ_i, c_{i,t})
lam_j = sp.Symbol("lambda_j", positive=True)
c_j = sp.Symbol("c_j", real=True)
# other named quantities of single derivations
normx = sp.Symbol("X", positive=True)  # ‖x_t‖²
alpha = sp.Symbol("alpha", positive=True)  # α_t of §5
delta = sp.Symbol("delta", positive=True)  # δ = 1 − θ^crit (Theorem 13)
beta5 = sp.Symbol("beta", positive=True)  # Theorem 5's constant β
c0sq = sp.Symbol("c0sq", nonnegative=True)  # c_{i,0}²
t_int = sp.Symbol("t", integer=True, nonnegative=True)  # iteration counter
varrho, sum_beta = sp.symbols("varrho Sigma_beta", positive=True)  # Theorem 15
# explicit blocks of the product-of-sums identities (up to 3 coordinates per block)
LAM_D = sp.symbols("l1:4", positive=True)
LAM_B = sp.symbols("m1:4", positive=True)
C_D = sp.symbols("c1:4", real=True)
C_B = sp.symbols("d1:4", real=True)


def lemma22_p():
    return sB * (uD + eD) - sD * (uB + eB)


def lemma22_q():
    return 2 * (sD * tB - sB * tD)


def expected_next(sS, tS, uS, eS):
    """Lemma 21 block form: E[s^S_{t+1}|x] = s^S − 2η τ^S + η²(u^S + e_S)."""
    return sS - 2 * eta * tS + eta**2 * (uS + eS)
