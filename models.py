"""The networks of the paper, with hand-written forward passes, gradients and Jacobians.

A model is a tuple of weight matrices `params`:
  (W,)       the linear model        F = X W             (Figs. 1-2)
  (W1, W2)   the bias-free two-layer  F = sigma(X W1) W2  (Figs. 3, 5, 6, 8)
X is (n, d_in), one sample per row; F and Y are (n, m); theta (d,) all weights as one vector
(`pack`), J = dF/dtheta (n m x d); sigma is the activation, and only that. The paper's step eta is
`lr` (or `eta`) in the code: GD's learning rate here, Eq. 20's Euler step in modadd.py, `--lr`.
"""
import functools
import os

import numpy

# The array module, chosen once for the whole project: NumPy, or CuPy when GROK_BACKEND=cupy.
BACKEND = os.environ.get("GROK_BACKEND", "numpy")
if BACKEND == "cupy":
    try:
        import cupy as xp
    except ImportError as e:
        raise ImportError("GROK_BACKEND=cupy needs CuPy (e.g. pip install cupy-cuda12x)") from e
elif BACKEND == "numpy":
    xp = numpy
else:
    raise ValueError(f"GROK_BACKEND must be 'numpy' or 'cupy', not {BACKEND!r}")


def to_numpy(a):
    """Bring an array (NumPy or CuPy) back to host NumPy, e.g. for plotting or JSON."""
    return a.get() if hasattr(a, "get") else numpy.asarray(a)


# ---------------------------------------------------------------- activations
def relu(z):
    return xp.maximum(z, 0.0)


def relu_grad(z):
    return (z > 0).astype(z.dtype)


def leaky_relu(z):
    """The paper's leaky ReLU (Fig. 3): z if z > 0 else z/10."""
    return xp.where(z > 0, z, 0.1 * z)


def leaky_relu_grad(z):
    return xp.where(z > 0, 1.0, 0.1)


def identity(z):
    return z


def identity_grad(z):
    return xp.ones_like(z)


def quadratic(z):
    return z * z


def quadratic_grad(z):
    return 2.0 * z


def tanh(z):
    return xp.tanh(z)


def tanh_grad(z):
    return 1.0 - xp.tanh(z) ** 2


def softplus(z, beta=1.0):
    """softplus_beta(z) = log(1 + exp(beta z)) / beta, a smooth ReLU (-> relu as beta -> inf),
    as max(z, 0) + log1p(exp(-beta |z|)) / beta so that exp never overflows."""
    return xp.maximum(z, 0.0) + xp.log1p(xp.exp(-beta * xp.abs(z))) / beta


def softplus_grad(z, beta=1.0):
    """softplus_beta'(z) = sigmoid(beta z), as (1 + tanh(beta z / 2)) / 2 (stable for any beta z)."""
    return 0.5 * (1.0 + xp.tanh(0.5 * beta * z))


# The dial from smooth to ReLU (Fig. 12): softplus_beta is smooth on the scale 1 / beta of z.
SOFTPLUS_BETAS = (2, 8, 32)

ACTIVATIONS = {  # name -> (sigma, sigma')
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "identity": (identity, identity_grad),
    "quadratic": (quadratic, quadratic_grad),
    "tanh": (tanh, tanh_grad),
    "sin": (lambda z: xp.sin(z), lambda z: xp.cos(z)),  # Eq. 20 holds; it does not generalize (README)
    **{f"softplus{b}": (functools.partial(softplus, beta=b), functools.partial(softplus_grad, beta=b))
       for b in SOFTPLUS_BETAS},
}


# ---------------------------------------------------------------- forward / backward
def forward(params, X, act="relu"):
    """F(theta): X W for params = (W,), sigma(X W1) W2 for params = (W1, W2)."""
    return forward_with_pre(params, X, act)[0]


def forward_with_pre(params, X, act="relu"):
    """F(theta) and the pre-activations pre = X W1 that the backward pass reuses (None if linear)."""
    if len(params) == 1:
        return X @ params[0], None
    W1, W2 = params
    pre = X @ W1
    return ACTIVATIONS[act][0](pre) @ W2, pre


def backward(params, X, dF, act="relu", pre=None):
    """Vector-Jacobian product: the gradient of <dF, F(theta)> for each weight matrix."""
    if len(params) == 1:
        return (X.T @ dF,)
    W1, W2 = params
    sigma, dsigma = ACTIVATIONS[act]
    pre = X @ W1 if pre is None else pre
    dpre = (dF @ W2.T) * dsigma(pre)  # back through W2, then through sigma
    return (X.T @ dpre, sigma(pre).T @ dF)


def jvp(params, X, dparams, act="relu"):
    """Jacobian-vector product J dtheta (n x m, like F) without forming J, dtheta given per matrix."""
    if len(params) == 1:
        return X @ dparams[0]
    (W1, W2), (D1, D2) = params, dparams
    sigma, dsigma = ACTIVATIONS[act]
    pre = X @ W1
    return (dsigma(pre) * (X @ D1)) @ W2 + sigma(pre) @ D2


def loss(params, X, Y, lam=0.0, act="relu", mean=False):
    """Eq. 1: sum (or mean, as PyTorch's MSELoss) of squared errors + lam * ||theta||^2."""
    r = forward(params, X, act) - Y  # the residual F - Y
    c = 1.0 / r.size if mean else 1.0
    return float(c * xp.sum(r * r) + lam * sum(xp.sum(W * W) for W in params))


def loss_grad(params, X, Y, lam=0.0, act="relu", mean=False):
    """Gradient of `loss` for each weight matrix: 2c J^T (F - Y) + 2 lam theta."""
    F, pre = forward_with_pre(params, X, act)
    c = 1.0 / F.size if mean else 1.0
    grads = backward(params, X, 2.0 * c * (F - Y), act, pre)
    return tuple(g + 2.0 * lam * W for g, W in zip(grads, params))


# ---------------------------------------------------------------- theta as one vector
def pack(params):
    """Concatenate the weight matrices into one parameter vector theta (d,)."""
    return xp.concatenate([W.ravel() for W in params])


def unpack(theta, like):
    """Split theta back into matrices shaped like the tuple `like`."""
    out, i = [], 0
    for W in like:
        out.append(theta[i:i + W.size].reshape(W.shape))
        i += W.size
    return tuple(out)


def jacobian(params, X, act="relu"):
    """J = dF/dtheta (n m x d): row i*m + j is output j of sample i; columns follow `pack`."""
    n = X.shape[0]
    if len(params) == 1:
        m = params[0].shape[1]
        # dF[i,j]/dW[a,b] = X[i,a] delta_jb
        J = xp.einsum("ia,jb->ijab", X, xp.eye(m, dtype=X.dtype))
        return J.reshape(n * m, -1)
    W1, W2 = params
    sigma, dsigma = ACTIVATIONS[act]
    pre = X @ W1
    H, S = sigma(pre), dsigma(pre)  # (n, d_h)
    m = W2.shape[1]
    # dF[i,j]/dW1[a,h] = X[i,a] sigma'(pre[i,h]) W2[h,j];  dF[i,j]/dW2[h,b] = H[i,h] delta_jb
    J1 = xp.einsum("ia,ih,hj->ijah", X, S, W2, optimize=True).reshape(n * m, -1)
    J2 = xp.einsum("ih,jb->ijhb", H, xp.eye(m, dtype=X.dtype)).reshape(n * m, -1)
    return xp.concatenate([J1, J2], axis=1)


# ---------------------------------------------------------------- training
def gradient_descent(params, X, Y, steps, lr, lam=0.0, act="relu", mean=False,
                     momentum=0.0, every=0, record=None):
    """Full-batch GD (heavy-ball momentum optional) on `loss`.

    Every `every` steps (and at step 0 and the last step) `record(step, params)` is
    called and its return value kept; returns (final params, list of records).
    """
    params = tuple(W.copy() for W in params)
    velocity = tuple(xp.zeros_like(W) for W in params)
    records = []
    for t in range(steps + 1):
        if record is not None and every and (t % every == 0 or t == steps):
            records.append(record(t, params))
        if t == steps:
            break
        grads = loss_grad(params, X, Y, lam, act, mean)
        if momentum:
            velocity = tuple(momentum * v + g for v, g in zip(velocity, grads))
            grads = velocity
        params = tuple(W - lr * g for W, g in zip(params, grads))
    return params, records


def init_uniform(rng, fan_in, fan_out):
    """PyTorch's default nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    b = 1.0 / numpy.sqrt(fan_in)
    return xp.asarray(rng.uniform(-b, b, size=(fan_in, fan_out)))


# ---------------------------------------------------------------- the toy models of Figs. 1-3
def ridge_minimizer(X, Y, lam):
    """Exact minimizer of ||X w - Y||^2 + lam ||w||^2 in the dual form X^T (X X^T + lam I)^-1 Y,
    which at lam = 0 is the minimum-norm fit (the primal (X^T X + lam I) is singular there)."""
    return X.T @ xp.linalg.solve(X @ X.T + lam * xp.eye(X.shape[0]), Y)


def steps_to_memorize(train_loss, fit=1e-6):
    """First step after which the training loss stops falling (drops < 1% in one step), or
    at which it is below `fit` times its initial value.

    With weight decay the training loss settles on a lam-dependent floor within a few steps,
    which is what "memorized" means here; without it the loss falls geometrically to rounding
    (~1e-32), so "fitted to 1e-6 of the start" marks the same moment.
    """
    L = to_numpy(train_loss)
    done = numpy.nonzero((L[1:] >= 0.99 * L[:-1]) | (L[:-1] <= fit * L[0]))[0]
    return int(done[0]) if done.size else None


def steps_to_generalize(test_loss):
    """First step at which the test loss is below 1% of its value at initialisation."""
    L = to_numpy(test_loss)
    below = numpy.nonzero(L < 0.01 * L[0])[0]
    return int(below[0]) if below.size else None


def linear_run(X, Y, w0, lam, lr, steps):
    """Full-batch GD on Eq. 1 for y = x . w; returns the weights at every step (steps+1, d)."""
    _, ws = gradient_descent((w0[:, None],), X, Y, steps, lr, lam, every=1,
                            record=lambda t, p: p[0][:, 0])
    return xp.stack(ws)


def leaky_params(w):
    """Fig. 3 right, y = lrelu(w1 x1) + lrelu(w2 x2): the two-layer net, W1 = diag(w), W2 = 1."""
    return (xp.diag(w), xp.ones((w.size, 1)))


def leaky_loss_grad(w, X, Y, lam):
    """Gradient of Eq. 1 for the Fig. 3 leaky-ReLU model: the diagonal of dL/dW1 (W2 is fixed)."""
    return xp.diag(loss_grad(leaky_params(w), X, Y, lam, "leaky_relu")[0])


def leaky_run(w0, X, Y, lam, lr, steps):
    """Full-batch GD on the Fig. 3 leaky-ReLU model; the weights at every step (steps+1, 2)."""
    ws = [w0]
    for _ in range(steps):
        ws.append(ws[-1] - lr * leaky_loss_grad(ws[-1], X, Y, lam))
    return xp.stack(ws)


def scalar_net_run(w0, X, Y, lam, lr, steps):
    """Full-batch GD on y = w2 w1 x (models.py's two-layer linear net, width 1): (steps+1, 2)."""
    _, ws = gradient_descent((w0[:1, None], w0[1:, None]), X, Y, steps, lr, lam,
                            act="identity", every=1, record=lambda t, p: pack(p))
    return xp.stack(ws)
