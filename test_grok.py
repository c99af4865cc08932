"""Sanity checks: `python test_grok.py` (NumPy only) or `pytest test_grok.py`.

Every hand-written derivative is compared with central finite differences in
float64; relative errors must be below 1e-6.
"""
import sys
import traceback

import numpy as np

import models as M

ACTS = list(M.ACTIVATIONS)


def rel_err(a, b):
    a, b = np.ravel(a), np.ravel(b)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


def fd_grad(f, theta, h=1e-6):
    """Central finite differences of a scalar function f(theta) at theta."""
    g = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        g[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g


def fd_jacobian(F, theta, h=1e-6):
    """Central finite differences of a vector function F(theta): (len F, len theta)."""
    cols = []
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        cols.append((F(theta + e) - F(theta - e)) / (2 * h))
    return np.stack(cols, axis=1)


def small_net(seed=0, n=5, d_in=3, d_h=4, m=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d_in))
    Y = rng.normal(size=(n, m))
    params = (rng.normal(size=(d_in, d_h)), rng.normal(size=(d_h, m)))
    return X, Y, params


def away_from_kinks(X, params, margin=1e-3):
    return len(params) == 1 or np.min(np.abs(X @ params[0])) > margin


# ---------------------------------------------------------------- foundation
def test_activation_derivatives():
    z = np.linspace(-2, 2, 41) + 0.0123  # no point at the kink z = 0
    for name, (s, ds) in M.ACTIVATIONS.items():
        fd = np.array([(s(zi + 1e-6) - s(zi - 1e-6)) / 2e-6 for zi in z])
        assert rel_err(ds(z), fd) < 1e-6, f"{name}' is wrong: rel err {rel_err(ds(z), fd):.2e}"


def test_leaky_relu_is_the_papers():
    assert np.allclose(M.leaky_relu(np.array([-3.0, 0.0, 2.0])), [-0.3, 0.0, 2.0])


def test_linear_model_gradient_both_losses():
    rng = np.random.default_rng(1)
    X, Y, W = rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    for mean in (False, True):
        g = M.loss_grad((W,), X, Y, lam=0.3, mean=mean)[0]
        fd = fd_grad(lambda th: M.loss((th.reshape(3, 2),), X, Y, 0.3, mean=mean), W.ravel())
        assert rel_err(g, fd) < 1e-6, f"linear model, mean={mean}: rel err {rel_err(g, fd):.2e}"


def test_two_layer_gradient_every_activation_both_losses():
    for act in ACTS:
        for mean in (False, True):
            X, Y, params = small_net(seed=2)
            assert away_from_kinks(X, params)
            g = M.pack(M.loss_grad(params, X, Y, lam=0.05, act=act, mean=mean))
            fd = fd_grad(lambda th: M.loss(M.unpack(th, params), X, Y, 0.05, act, mean),
                         M.pack(params))
            assert rel_err(g, fd) < 1e-6, f"{act}, mean={mean}: rel err {rel_err(g, fd):.2e}"


def test_jacobian_matches_finite_differences():
    for act in ACTS:
        X, Y, params = small_net(seed=3)
        J = M.jacobian(params, X, act)
        fd = fd_jacobian(lambda th: M.forward(M.unpack(th, params), X, act).ravel(), M.pack(params))
        assert J.shape == (X.shape[0] * 2, M.pack(params).size)
        assert rel_err(J, fd) < 1e-6, f"{act}: Jacobian rel err {rel_err(J, fd):.2e}"
    rng = np.random.default_rng(4)
    X, W = rng.normal(size=(3, 2)), rng.normal(size=(2, 2))
    fd = fd_jacobian(lambda th: M.forward((th.reshape(2, 2),), X).ravel(), W.ravel())
    assert rel_err(M.jacobian((W,), X), fd) < 1e-6


def test_mean_loss_is_sum_over_entries():
    X, Y, params = small_net(seed=9)
    s, m = M.loss(params, X, Y, 0.0, "relu"), M.loss(params, X, Y, 0.0, "relu", mean=True)
    assert np.isclose(m, s / Y.size)


def test_weight_decay_gradient_is_2_lambda_theta():
    X, Y, params = small_net(seed=10)
    g0 = M.pack(M.loss_grad(params, X, Y, 0.0, "relu"))
    g1 = M.pack(M.loss_grad(params, X, Y, 0.25, "relu"))
    assert np.allclose(g1 - g0, 2 * 0.25 * M.pack(params))


def test_backward_is_transpose_of_jacobian():
    X, Y, params = small_net(seed=5)
    dF = np.random.default_rng(5).normal(size=Y.shape)
    vjp = M.pack(M.backward(params, X, dF, "tanh"))
    assert rel_err(vjp, M.jacobian(params, X, "tanh").T @ dF.ravel()) < 1e-12


def test_pack_unpack_roundtrip():
    X, Y, params = small_net(seed=6)
    back = M.unpack(M.pack(params), params)
    assert all(np.array_equal(a, b) for a, b in zip(back, params))


def zero_loss_net(seed=7):
    """A smooth (tanh) net with a target it fits exactly: Y := F(theta), so theta is on Z."""
    X, _, params = small_net(seed=seed, n=3, d_in=2, d_h=3, m=2)  # d = 12 > k m = 6
    return X, M.forward(params, X, "tanh"), params


def test_lemma_c1_hessian_is_2_JtJ_on_Z():
    X, Y, params = zero_loss_net()
    theta = M.pack(params)
    grad = lambda th: M.pack(M.loss_grad(M.unpack(th, params), X, Y, 0.0, "tanh"))
    Hess = fd_jacobian(grad, theta, h=1e-5)
    J = M.jacobian(params, X, "tanh")
    assert rel_err(Hess, 2 * J.T @ J) < 1e-6, f"Hessian vs 2 J^T J: {rel_err(Hess, 2 * J.T @ J):.2e}"


def test_lemma_c1_hessian_null_space_is_null_J():
    X, Y, params = zero_loss_net()
    theta = M.pack(params)
    grad = lambda th: M.pack(M.loss_grad(M.unpack(th, params), X, Y, 0.0, "tanh"))
    Hess = fd_jacobian(grad, theta, h=1e-5)
    Hess = (Hess + Hess.T) / 2
    J = M.jacobian(params, X, "tanh")
    w, V = np.linalg.eigh(Hess)
    null_H = V[:, np.abs(w) < 1e-6 * w.max()]
    null_J = np.linalg.svd(J)[2][np.linalg.matrix_rank(J):].T
    assert null_H.shape[1] == null_J.shape[1] == theta.size - J.shape[0]
    # equal subspaces <=> their orthogonal projectors agree
    assert np.allclose(null_H @ null_H.T, null_J @ null_J.T, atol=1e-6)


def test_gradient_descent_momentum_and_records():
    X, Y, params = small_net(seed=8)
    lr, lam = 1e-3, 0.01
    manual = params
    for _ in range(3):
        manual = tuple(P - lr * g for P, g in zip(manual, M.loss_grad(manual, X, Y, lam, "tanh")))
    out, rec = M.gradient_descent(params, X, Y, 3, lr, lam, "tanh", every=1,
                                  record=lambda t, p: t)
    assert rec == [0, 1, 2, 3]
    assert all(np.allclose(a, b) for a, b in zip(out, manual))
    out_m, _ = M.gradient_descent(params, X, Y, 200, 1e-3, 0.0, "tanh", momentum=0.9)
    out_p, _ = M.gradient_descent(params, X, Y, 200, 1e-3, 0.0, "tanh")
    assert M.loss(out_m, X, Y, 0, "tanh") < M.loss(out_p, X, Y, 0, "tanh")


# ---------------------------------------------------------------- Figures 1-4 (toy models)

# ---------------------------------------------------------------- zero-loss manifold, Figs. 5/7

# ---------------------------------------------------------------- modular addition, Fig. 6

# ---------------------------------------------------------------- real vs closed-form, Fig. 8

# ---------------------------------------------------------------- command line, robustness

# ---------------------------------------------------------------- animations


def main():
    tests = [(name, f) for name, f in globals().items() if name.startswith("test_") and callable(f)]
    failed = 0
    for name, f in tests:
        try:
            f()
            print(f"ok    {name}", flush=True)
        except Exception as e:  # report every failure, then keep going
            failed += 1
            print(f"FAIL  {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc(limit=3)
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
