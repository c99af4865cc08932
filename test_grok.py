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
import os  # noqa: E402
import tempfile  # noqa: E402
from argparse import Namespace  # noqa: E402

import grok  # noqa: E402


def run_toy_figure(fn):
    """Run one figure function in --quick mode into a temp dir; its numbers and PNG size."""
    with tempfile.TemporaryDirectory() as out:
        numbers = fn(Namespace(out=out, seed=0, quick=True))
        name = next(iter(numbers))
        png = os.path.join(out, name + ".png")
        size = os.path.getsize(png) if os.path.exists(png) else 0
    return grok.jsonable(numbers[name]), size


def test_toy_criteria_on_known_curves():
    train = np.array([4.0, 1.0, 0.3, 0.1, 0.0995, 0.0994])  # stops falling at step 3
    test = np.array([4.0, 3.9, 1.0, 0.05, 0.039, 0.01])  # below 1% of 4.0 at step 4
    assert grok.steps_to_memorize(train) == 3, grok.steps_to_memorize(train)
    assert grok.steps_to_generalize(test) == 4, grok.steps_to_generalize(test)
    assert grok.steps_to_generalize(np.array([1.0, 0.5])) is None


def test_fig3_leaky_model_and_gradient():
    rng = np.random.default_rng(11)
    X, Y = np.array([[1.0, 1.0]]), np.array([[2.0]])
    for w in (np.array([-0.7, 1.3]), np.array([0.4, 2.2]), rng.normal(size=2)):
        F = M.forward(grok.leaky_params(w), X, "leaky_relu")[0, 0]
        assert np.isclose(F, M.leaky_relu(w).sum()), "the leaky model is not lrelu(w1) + lrelu(w2)"
        f = lambda v: M.loss(grok.leaky_params(v), X, Y, 0.03, "leaky_relu")
        g, fd = grok.leaky_loss_grad(w, X, Y, 0.03), fd_grad(f, w)
        assert rel_err(g, fd) < 1e-6, f"leaky model gradient at {w}: rel err {rel_err(g, fd):.2e}"


def test_fig4_parabola_gradient_and_projection():
    rng = np.random.default_rng(12)
    for th in rng.normal(size=(4, 2)):
        fd = fd_grad(lambda v: float(grok.parabola_loss(v)), th)
        assert rel_err(grok.parabola_loss_grad(th), fd) < 1e-6, "grad of (y - x^2)^2 is wrong"
    P, t, n = grok.parabola_frame(0.5)
    for d in (0.6, 0.06, 0.006):
        a, b = P + d * n
        # closest point (x, x^2) of Z: d/dx [(x-a)^2 + (x^2-b)^2] = 0  <=>  2x^3 + (1-2b)x - a = 0
        xs = np.roots([2.0, 0.0, 1.0 - 2.0 * b, -a])
        xs = xs[np.abs(xs.imag) < 1e-9].real
        x = xs[np.argmin((xs - a) ** 2 + (xs ** 2 - b) ** 2)]
        assert abs(x - 0.5) < 1e-9, f"point at distance {d} projects to x={x}, not P"
        assert np.isclose(np.hypot(a - x, b - x * x), d), "distance to Z is not d"


def test_fig1_quick_numbers():
    s, png = run_toy_figure(grok.fig1)
    assert png > 10000, "fig1.png missing or empty"
    lams = np.array(s["lambdas"])
    exact = 2 / (2 + lams)  # argmin (w1 + w2 - 2)^2 + lam ||w||^2 = 2/(2+lam) (1, 1)
    assert np.allclose(s["w_star"], exact[:, None] * [1, 1], atol=1e-12), s["w_star"]
    err = np.abs(np.array(s["final_w"]) - exact[:, None]).max()
    assert err < 1e-2, f"final weights miss the regularized minimizer by {err:.3g}"
    mem, gen = np.array(s["steps_to_memorize"]), np.array(s["steps_to_generalize"])
    assert np.all(mem <= 30), f"memorization should take ~10 steps, took {mem}"
    assert np.all(gen > 3 * mem), f"no delay between memorization {mem} and generalization {gen}"
    assert np.all(np.diff(gen) < 0), f"smaller lambda must generalize later: {gen}"
    assert np.all(np.diff(s["final_train_loss"]) > 0), "smaller lambda must end at lower loss"
    dmax = np.array(s["max_dist_after_memorization"])
    floor = np.sqrt(2) * lams / (2 + lams)  # where the normal component settles
    assert np.all(np.diff(dmax) > 0), f"Thm 4.8: distance to Z must shrink with lambda: {dmax}"
    assert np.all((dmax >= floor * (1 - 1e-9)) & (dmax < 1.1 * floor)), (dmax, floor)


def test_fig2_quick_numbers():
    s, png = run_toy_figure(grok.fig2)
    assert png > 10000, "fig2.png missing or empty"
    exact = 3 / (3 + s["lam"])
    assert np.allclose(s["w_star"], exact, atol=1e-12), s["w_star"]
    err = np.abs(np.array(s["final_w"]) - exact).max()
    assert len(s["final_w"]) == 4 and err < 1e-2, f"final weights off by {err:.3g}"
    assert max(s["steps_to_memorize"]) <= 30, s["steps_to_memorize"]
    assert s["post_memorization_alignment"] > 0.99, \
        f"updates after memorization should follow -P_T w: mean cos {s['post_memorization_alignment']}"


def test_fig3_quick_numbers():
    s, png = run_toy_figure(grok.fig3)
    assert png > 10000, "fig3.png missing or empty"
    lam = s["lam"]
    expected = {"curved": np.sqrt(1 - lam) * np.ones(2),  # argmin (ab-1)^2 + lam(a^2+b^2), a = b
                "singular": np.zeros(2), "leaky_relu": 2 / (2 + lam) * np.ones(2)}
    for name, w in expected.items():
        p = s[name]
        assert p["reached_min_norm"], f"{name}: did not reach the min-norm point: {p['final_point']}"
        err = np.abs(np.array(p["final_point"]) - w).max()
        assert err < 1e-2, f"{name}: final point {p['final_point']} is not the minimizer {w}"
        assert p["loss"] < 1e-3, f"{name}: final training loss {p['loss']}"


def test_fig4_quick_numbers():
    s, png = run_toy_figure(grok.fig4)
    assert png > 10000, "fig4.png missing or empty"
    c = np.array(s["cos_at_ABC"])
    assert np.all(np.diff(s["distances_ABC"]) < 0) and np.all(np.diff(c) < 0), c
    ratio = c[:-1] / c[1:]  # distances shrink 10x, so Thm 4.14 wants ~10x smaller cosines
    assert np.all((ratio > 5) & (ratio < 15)), f"|cos| ratios {ratio}"
    assert abs(s["thm414_slope"] - 1) < 0.1, f"Thm 4.14 slope {s['thm414_slope']}"


# ---------------------------------------------------------------- zero-loss manifold, Figs. 5/7

# ---------------------------------------------------------------- modular addition, Fig. 6

# ---------------------------------------------------------------- real vs closed-form, Fig. 8

# ---------------------------------------------------------------- command line, robustness

# ---------------------------------------------------------------- animations
def test_animation_writer_frame_counts():
    import tempfile
    from PIL import Image  # Pillow is matplotlib's own dependency
    import plots
    steps = np.array([0, 1, 3, 10, 30, 100])
    W = np.stack([np.linspace(-1, 1, 6), np.linspace(1, 1, 6)], axis=1)
    loss = np.geomspace(1, 1e-3, 6)
    p, K = 5, 4
    coords = np.random.default_rng(0).normal(size=(3, K, p, 2))
    with tempfile.TemporaryDirectory() as d:
        plots.anim_toy(f"{d}/toy.gif", steps, W, loss, loss, lam=0.1)
        plots.anim_modadd(f"{d}/mod.gif", np.array([0, 5, 10]), coords, [1, 2, 3, 4],
                          np.arange(11), np.linspace(0.2, 1, 11), np.linspace(3, 2, 11))
        for name, n in (("toy", 6), ("mod", 3)):
            with Image.open(f"{d}/{name}.gif") as im:
                assert im.format == "GIF" and im.n_frames == n, f"{name}: {im.n_frames} frames, wanted {n}"


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
