"""JAX derivatives of the network against finite differences; Hessian; per-example gradients."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("sklearn")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

from verify.network.problems import digits_mlp, quadratic_control  # noqa: E402


@pytest.fixture(scope="module")
def small():
    pr = digits_mlp(hidden=4, loss="ce", seed=3)
    w = np.asarray(pr.w0) + 0.05 * np.random.default_rng(0).normal(size=pr.P)
    return pr, w


def test_gradient_matches_finite_differences(small):
    pr, w = small
    g = np.asarray(pr.grad(jnp.asarray(w)))
    rng = np.random.default_rng(1)
    for _ in range(3):
        v = rng.normal(size=pr.P)
        v /= np.linalg.norm(v)
        h = 1e-5
        fd = (float(pr.loss(jnp.asarray(w + h * v))) - float(pr.loss(jnp.asarray(w - h * v)))) / (2 * h)
        assert fd == pytest.approx(g @ v, rel=1e-6, abs=1e-9)


def test_hvp_matches_finite_differences_of_gradient(small):
    pr, w = small
    rng = np.random.default_rng(2)
    v = rng.normal(size=pr.P)
    v /= np.linalg.norm(v)
    h = 1e-5
    fd = (np.asarray(pr.grad(jnp.asarray(w + h * v))) - np.asarray(pr.grad(jnp.asarray(w - h * v)))) / (2 * h)
    hv = np.asarray(pr.hvp(jnp.asarray(w), jnp.asarray(v)))
    assert np.max(np.abs(fd - hv)) <= 1e-6 * max(1.0, np.max(np.abs(hv)))


def test_hessian_symmetric_and_equal_to_jax_hessian(small):
    pr, w = small
    assert pr.hessian_asymmetry(w) < 1e-12
    H = pr.hessian(w)
    Hj = np.asarray(jax.hessian(lambda u: pr._batch_loss(u, *pr.data))(jnp.asarray(w)))
    assert np.max(np.abs(H - Hj)) <= 1e-12 * np.max(np.abs(Hj))


def test_per_example_gradient_mean_is_full_gradient(small):
    pr, w = small
    G = np.asarray(pr.per_example_grads(jnp.asarray(w), *pr.data))
    g = np.asarray(pr.grad(jnp.asarray(w)))
    assert G.shape == (pr.n, pr.P)
    assert np.max(np.abs(G.mean(axis=0) - g)) <= 1e-13 * max(1.0, np.max(np.abs(g)))


def test_mse_option_and_control_loss():
    pr = digits_mlp(hidden=3, loss="mse", seed=0)
    assert np.isfinite(float(pr.loss(jnp.asarray(pr.w0))))
    q = quadratic_control(d=8, k=2, n=50, seed=0)
    w = np.asarray(q.w0)
    A = np.asarray(q.hessian(w))
    assert float(q.loss(jnp.asarray(w))) == pytest.approx(0.5 * w @ A @ w, rel=1e-12)
    lam = np.linalg.eigvalsh(A)[::-1]
    assert lam == pytest.approx(np.array(q.meta["eigenvalues"]), rel=1e-10)
