"""Problems for the network study: a load_digits MLP and a quadratic control (JAX, CPU, float64).

A problem is a per-example loss ℓ(w; datum) on a flat parameter vector w ∈ R^P and a data set
(arrays indexed on axis 0). Everything downstream — full loss L(w) = mean_j ℓ(w; datum_j), its
gradient, exact Hessian, per-example gradients, minibatch gradients (b indices drawn uniformly
with replacement, so Cov[g_b] = Cov_pop(per-example gradients)/b exactly) — is derived generically,
so the quadratic control runs through exactly the same code as the network.

MLP: 64 → h → 10, tanh (smooth, so the Hessian exists everywhere), cross-entropy or MSE on one-hot
targets, inputs scaled to [0, 1]. Quadratic control: ℓ_j(w) = ½ wᵀAw + z_jᵀw with a centred pool
z_j (mean exactly 0, Gaussian draws), so L(w) = ½ wᵀAw exactly and per-example gradient noise z_j.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


@dataclass
class Problem:
    """A per-example loss on a flat parameter vector, with its data set."""

    name: str
    example_loss: Callable[..., Any]  # (w, *datum) -> scalar
    data: tuple[Any, ...]
    w0: np.ndarray
    meta: dict[str, Any]

    def __post_init__(self) -> None:
        self.n = int(self.data[0].shape[0])
        self.P = int(self.w0.size)
        el = self.example_loss

        def batch_loss(w, *data):
            return jnp.mean(jax.vmap(lambda *d: el(w, *d))(*data))

        self._batch_loss = batch_loss
        self.loss = jax.jit(lambda w: batch_loss(w, *self.data))
        self.grad = jax.jit(jax.grad(lambda w: batch_loss(w, *self.data)))
        self.value_and_grad = jax.jit(jax.value_and_grad(lambda w: batch_loss(w, *self.data)))
        self.per_example_grads = jax.jit(jax.vmap(jax.grad(el), in_axes=(None,) + (0,) * len(self.data)))
        g = jax.grad(lambda w: batch_loss(w, *self.data))
        self.hvp = jax.jit(lambda w, v: jax.jvp(g, (w,), (v,))[1])
        self.hvp_block = jax.jit(jax.vmap(lambda w, v: jax.jvp(g, (w,), (v,))[1], in_axes=(None, 0)))

        def mb_grad(w, idx):
            return jax.grad(lambda u: batch_loss(u, *(a[idx] for a in self.data)))(w)

        self.minibatch_grad = jax.jit(mb_grad)
        self.minibatch_grads = jax.jit(jax.vmap(mb_grad, in_axes=(None, 0)))
        self.losses = jax.jit(jax.vmap(lambda w: batch_loss(w, *self.data)))
        self.grads = jax.jit(jax.vmap(jax.grad(lambda w: batch_loss(w, *self.data))))

    def hessian(self, w) -> np.ndarray:
        """Exact Hessian ∇²L(w): forward-over-reverse products with every basis vector (the columns
        of jax.hessian, computed in chunks to bound memory), symmetrised ½(H + Hᵀ) — the asymmetry
        before symmetrising is rounding only (tests/network checks ‖H − Hᵀ‖ and jax.hessian)."""
        w = jnp.asarray(w)
        P = self.P
        chunk = max(1, min(P, 256))
        cols = []
        for s in range(0, P, chunk):
            E = jnp.eye(P, dtype=jnp.float64)[s:s + chunk]
            cols.append(np.asarray(self.hvp_block(w, E)))
        H = np.concatenate(cols, axis=0)  # row j = H e_j = column j (H symmetric)
        return 0.5 * (H + H.T)

    def hessian_asymmetry(self, w) -> float:
        w = jnp.asarray(w)
        E = jnp.eye(self.P, dtype=jnp.float64)
        H = np.concatenate([np.asarray(self.hvp_block(w, E[s:s + 256])) for s in range(0, self.P, 256)])
        return float(np.max(np.abs(H - H.T)) / max(np.max(np.abs(H)), 1e-300))


def mlp_sizes(hidden: int) -> list[tuple[int, int]]:
    return [(64, hidden), (hidden, 10)]


def mlp_unflatten(w, hidden: int):
    i = 0
    out = []
    for fan_in, fan_out in mlp_sizes(hidden):
        W = w[i:i + fan_in * fan_out].reshape(fan_in, fan_out)
        i += fan_in * fan_out
        b = w[i:i + fan_out]
        i += fan_out
        out.append((W, b))
    return out


def digits_mlp(hidden: int = 32, loss: str = "ce", seed: int = 0) -> Problem:
    """load_digits (1797 × 64, pixel values / 16), MLP 64→hidden→10 with tanh; Glorot-normal init."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = np.asarray(X, dtype=np.float64) / 16.0
    Y = np.eye(10)[y]
    rng = np.random.default_rng(seed)
    parts = []
    for fan_in, fan_out in mlp_sizes(hidden):
        parts.append(rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=fan_in * fan_out))
        parts.append(np.zeros(fan_out))
    w0 = np.concatenate(parts)

    def forward(w, x):
        (W1, b1), (W2, b2) = mlp_unflatten(w, hidden)
        return jnp.tanh(x @ W1 + b1) @ W2 + b2

    if loss == "ce":
        def el(w, x, t):
            return -jnp.sum(t * jax.nn.log_softmax(forward(w, x)))
    elif loss == "mse":
        def el(w, x, t):
            return 0.5 * jnp.sum((forward(w, x) - t) ** 2)
    else:
        raise ValueError(f"unknown loss {loss!r}")
    return Problem(f"digits-mlp-64-{hidden}-10-{loss}", el, (jnp.asarray(X), jnp.asarray(Y)), w0,
                   {"hidden": hidden, "loss": loss, "n": int(X.shape[0]), "init_seed": seed,
                    "data": "sklearn.datasets.load_digits, pixels/16"})


def quadratic_control(d: int = 60, k: int = 6, n: int = 1000, seed: int = 0) -> Problem:
    """ℓ_j(w) = ½ wᵀAw + z_jᵀw, A = U diag(λ) Uᵀ (random orthogonal U), λ_D ∈ [4, 8],
    λ_B ∈ [0.05, 0.8]; z_j Gaussian with covariance U diag(κ²) Uᵀ, κ² ∈ [0.5, 2], centred exactly
    (Σ_j z_j = 0 up to rounding) so that L(w) = ½ wᵀAw. w0 = U c with c_i ~ N(0, 1)."""
    rng = np.random.default_rng(seed)
    lam = np.concatenate([np.sort(rng.uniform(4.0, 8.0, k))[::-1],
                          np.sort(rng.uniform(0.05, 0.8, d - k))[::-1]])
    U, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = (U * lam) @ U.T
    A = 0.5 * (A + A.T)
    kap = rng.uniform(0.5, 2.0, d)
    Z = (rng.normal(size=(n, d)) * np.sqrt(kap)) @ U.T
    Z -= Z.mean(axis=0)
    w0 = U @ rng.normal(size=d)
    Aj = jnp.asarray(A)

    def el(w, z):
        return 0.5 * w @ (Aj @ w) + z @ w

    return Problem(f"quadratic-control-d{d}", el, (jnp.asarray(Z),), w0,
                   {"d": d, "k": k, "n": n, "seed": seed, "eigenvalues": lam.tolist()})
