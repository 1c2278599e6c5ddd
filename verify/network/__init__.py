"""Does the quadratic theory predict a real network? (`salign network`)

The paper's step-size conditions (η*, g_gap, θ*, η^loss_D, η^loss_B, θ^crit) are measured on a
small MLP trained on scikit-learn's `load_digits` and scored against what the network does in one
step and over a training run; a pure quadratic "network" run through the same code path is the
control. JAX (CPU, float64) is imported only inside this package's submodules `problems`,
`experiment` and below — never by this `__init__` — so the rest of the toolkit works without the
optional `network` extra; `quantities` needs only numpy.
"""
