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


def lemma22_p():
    return sB * (uD + eD) - sD * (uB + eB)


def lemma22_q():
    return 2 * (sD * tB - sB * tD)


def expected_next(sS, tS, uS, eS):
    """Lemma 21 block form: E[s^S_{t+1}|x] = s^S − 2η τ^S + η²(u^S + e_S)."""
    return sS - 2 * eta * tS + eta**2 * (uS + eS)
