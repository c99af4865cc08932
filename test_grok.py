"""Sanity checks of the paper's core: `python test_grok.py` (or pytest). `python test_grok.py WORD ...`
runs the tests whose names contain a WORD, case-insensitive (`gradient`: every finite-difference
check, which come first); a run ends with "N passed, M failed". Every tolerance says where it comes
from. The studies (Figs. 8-14) are checked in studies/test_studies.py, the rest of the command line
in .ci/test_cli.py."""
import atexit
import linecache
import os
import shutil
import sys
import tempfile
import textwrap
import traceback
from argparse import Namespace

import numpy as np

import grok
import manifold as MF
import modadd as MA
import models as M
import plots

ACTS = list(M.ACTIVATIONS)


def rel_err(a, b):
    a, b = np.ravel(a), np.ravel(b)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


# ---- tolerances, derived from the computation each check makes (see the comment at each use)
EPS = np.finfo(float).eps  # 2.2e-16: float64's machine epsilon


def cond(A):
    """2-norm condition number of A over its nonzero singular values (a rank-deficient A allowed)."""
    s = np.linalg.svd(np.atleast_2d(A), compute_uv=False)
    return s[0] / s[s > EPS * max(np.shape(A)) * s[0]][-1]


def tol(size, kappa=1.0):
    """eps x cond x size: the rounding error, relative to the data, of a backward-stable
    computation whose entries each sum `size` terms (products, norms, a QR/SVD/solve of that size)."""
    return EPS * kappa * size


def tol_gram(A, size):
    """eps x cond(A)^2 x size: the same through the Gram matrix A A^T (solve(J J^T), eigh(J J^T)):
    that route squares A's condition number."""
    return tol(size, cond(A) ** 2)


def close(a, b, size=1, kappa=1.0):
    """a == b to eps x cond x size, relative to their largest entry: for numbers equal in exact
    arithmetic (np.isclose's defaults, 1e-5 relative, would let real bugs through)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return bool(np.all(np.abs(a - b) <= tol(size, kappa) * max(np.abs(a).max(), np.abs(b).max())))


def tol_gram_net(params, X, act="relu"):
    """tol_gram(J, n m) for a net's Jacobian J at params, from the eigenvalues of its Gram matrix
    J J^T (n m x n m; cheaper than an SVD of J when d >> n m)."""
    w = np.linalg.eigvalsh(MF.gram(params, X, act))
    return tol(len(w), w[-1] / w[0])


def fd_tol(h, size):
    """Central differences with step h, relative to the derivative: rounding eps / h plus
    truncation h^2 (f and f''' taken of the order of f', O(1) data), times the `size` terms rounded in f."""
    return size * (EPS / h + h ** 2)


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


def zero_loss_net(seed=7):
    """A smooth (tanh) net with a target it fits exactly: Y := F(theta), so theta is on Z."""
    X, _, params = small_net(seed=seed, n=3, d_in=2, d_h=3, m=2)  # d = 12 > n m = 6
    return X, M.forward(params, X, "tanh"), params


def modadd_problem(p=5, frac=0.6, d_h=16, seed=11):
    """A tiny Fig. 6 problem (n = 9 < d_h = 16) with no pre-activation near the ReLU kink."""
    rng = np.random.default_rng(seed)
    X, Y, _ = MA.modular_addition(p)
    tr, te = MA.train_test_split(X.shape[0], frac, rng)
    E = rng.normal(size=(p, d_h))
    assert np.abs(X[tr] @ E).min() > 1e-3, "pick another seed: a pre-activation sits on the kink"
    return X[tr], Y[tr], X[te], Y[te], E


# ---------------------------------------------------------------- finite differences: every hand-written derivative (`python test_grok.py gradient`)
def assert_fd_per_weight(got, fd, params, bound, what):
    """got (one array per weight matrix, or packed) against the finite differences fd (packed, or
    (rows, d) for a Jacobian), one weight matrix at a time, so that a failure names it: W1, W2, or w
    for the linear model; e.g. "relu, mean=False, W2: rel err 4.65e-01"."""
    names = ["w"] if len(params) == 1 else [f"W{i + 1}" for i in range(len(params))]
    got = M.pack(got) if isinstance(got, tuple) else got
    start = 0
    for name, W in zip(names, params):
        g, f = got[..., start:start + W.size], fd[..., start:start + W.size]
        start += W.size
        assert rel_err(g, f) < bound, f"{what}, {name}: rel err {rel_err(g, f):.2e}"


def test_gradient_of_every_activation_matches_finite_differences():
    z = np.linspace(-2, 2, 41) + 0.0123  # no point at the kink z = 0
    for name, (s, ds) in M.ACTIVATIONS.items():
        fd = np.array([(s(zi + 1e-6) - s(zi - 1e-6)) / 2e-6 for zi in z])
        # FD: two values of s and two shifted arguments rounded, a few ulps each (tanh, exp)
        assert rel_err(ds(z), fd) < fd_tol(1e-6, 8), f"{name}' is wrong: rel err {rel_err(ds(z), fd):.2e}"


def test_gradient_of_softplus_beta_matches_finite_differences_is_stable_and_tends_to_relu():
    z = np.array([-800.0, -30.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 30.0, 800.0])
    for b in M.SOFTPLUS_BETAS:
        s, ds = M.ACTIVATIONS[f"softplus{b}"]
        with np.errstate(over="raise", invalid="raise"):  # beta z = +-25,600: exp must not overflow
            v, g = s(z), ds(z)
        small = np.abs(b * z) < 30  # where log(1 + exp(beta z)) / beta is itself representable
        # the stable form is the definition rewritten exactly: rounding only, a few eps
        assert rel_err(v[small], np.log1p(np.exp(b * z[small])) / b) < tol(8)  # eps x 8: exp, log1p, a division
        assert rel_err(g[small], 1 / (1 + np.exp(-b * z[small]))) < tol(8)
        assert np.all(np.abs(v - np.maximum(z, 0)) <= np.log(2) / b + 1e-15), "|softplus - relu| <= log2 / beta"
        # sigmoid' = beta s (1 - s) by central FD: truncation ~ h^2 beta^2 / 6 <= 2e-10 relative (beta 32),
        # rounding ~ eps / h ~ 1e-10: far below 1e-6
        zz = np.linspace(-2, 2, 401) + 0.0123
        fd = (ds(zz + 1e-6) - ds(zz - 1e-6)) / 2e-6
        assert rel_err(b * ds(zz) * (1 - ds(zz)), fd) < 1e-6


def test_gradient_of_the_linear_model_both_losses():
    rng = np.random.default_rng(1)
    X, Y, W = rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    for mean in (False, True):
        g = M.loss_grad((W,), X, Y, lam=0.3, mean=mean)
        fd = fd_grad(lambda th: M.loss((th.reshape(3, 2),), X, Y, 0.3, mean=mean), W.ravel())
        bound = fd_tol(1e-6, X.shape[0] * W.size)  # FD: each of the n residuals sums d parameter terms
        assert_fd_per_weight(g, fd, (W,), bound, f"linear model, mean={mean}")


def test_gradient_of_the_two_layer_net_every_activation_both_losses():
    for act in ACTS:
        for mean in (False, True):
            X, Y, params = small_net(seed=2)
            assert away_from_kinks(X, params)
            g = M.loss_grad(params, X, Y, lam=0.05, act=act, mean=mean)
            fd = fd_grad(lambda th: M.loss(M.unpack(th, params), X, Y, 0.05, act, mean),
                         M.pack(params))
            bound = fd_tol(1e-6, X.shape[0] * fd.size)  # FD: each of the n residuals sums d parameter terms
            assert_fd_per_weight(g, fd, params, bound, f"{act}, mean={mean}")


def test_gradient_jacobian_matches_finite_differences():
    for act in ACTS:
        X, Y, params = small_net(seed=3)
        J = M.jacobian(params, X, act)
        fd = fd_jacobian(lambda th: M.forward(M.unpack(th, params), X, act).ravel(), M.pack(params))
        assert J.shape == (X.shape[0] * 2, M.pack(params).size)
        bound = fd_tol(1e-6, X.shape[0] * J.shape[1])  # FD: each output of the n samples sums d terms
        assert_fd_per_weight(J, fd, params, bound, f"{act}, Jacobian")
    rng = np.random.default_rng(4)
    X, W = rng.normal(size=(3, 2)), rng.normal(size=(2, 2))
    fd = fd_jacobian(lambda th: M.forward((th.reshape(2, 2),), X).ravel(), W.ravel())
    assert_fd_per_weight(M.jacobian((W,), X), fd, (W,), fd_tol(1e-6, X.shape[0] * W.size),  # FD: n x d terms, as above
                         "linear model, Jacobian")


def test_gradient_lemma_c1_hessian_is_2_JtJ_on_Z_and_its_null_space_is_null_J():
    X, Y, params = zero_loss_net()
    theta = M.pack(params)
    grad = lambda th: M.pack(M.loss_grad(M.unpack(th, params), X, Y, 0.0, "tanh"))  # noqa: E731
    Hess = fd_jacobian(grad, theta, h=1e-5)
    J = M.jacobian(params, X, "tanh")
    bound = fd_tol(1e-5, X.shape[0] * theta.size)  # FD of the gradient: each entry sums n x d terms
    assert rel_err(Hess, 2 * J.T @ J) < bound, f"Hessian vs 2 J^T J: {rel_err(Hess, 2 * J.T @ J):.2e}"
    w, V = np.linalg.eigh((Hess + Hess.T) / 2)
    null_H = V[:, np.abs(w) < 1e-6 * w.max()]  # a rank cut between FD noise and w.max / cond(J)^2; counted below
    null_J = np.linalg.svd(J)[2][np.linalg.matrix_rank(J):].T
    assert null_H.shape[1] == null_J.shape[1] == theta.size - J.shape[0]
    # equal subspaces <=> their orthogonal projectors agree; Davis-Kahan: the Hessian's FD error
    # (relative) over its smallest nonzero eigenvalue (relative: 1 / cond(J)^2)
    assert np.allclose(null_H @ null_H.T, null_J @ null_J.T, atol=bound * cond(J) ** 2)


def test_gradient_of_fig3s_leaky_model():
    rng = np.random.default_rng(11)
    X, Y = np.array([[1.0, 1.0]]), np.array([[2.0]])
    for w in (np.array([-0.7, 1.3]), np.array([0.4, 2.2]), rng.normal(size=2)):
        F = M.forward(M.leaky_params(w), X, "leaky_relu")[0, 0]
        assert close(F, M.leaky_relu(w).sum(), 2), "the leaky model is not lrelu(w1) + lrelu(w2)"
        f = lambda v: M.loss(M.leaky_params(v), X, Y, 0.03, "leaky_relu")
        g, fd = M.leaky_loss_grad(w, X, Y, 0.03), fd_grad(f, w)
        # FD: a few roundings in the loss and in the two shifted arguments
        assert rel_err(g, fd) < fd_tol(1e-6, 8), f"leaky model gradient at {w}: rel err {rel_err(g, fd):.2e}"


def test_gradient_of_fig4s_parabola_loss_and_its_projection():
    rng = np.random.default_rng(12)
    for th in rng.normal(size=(4, 2)):
        fd = fd_grad(lambda v: float(MF.parabola_loss(v)), th)
        # FD: a few roundings in (y - x^2)^2 and in the two shifted arguments
        assert rel_err(MF.parabola_loss_grad(th), fd) < fd_tol(1e-6, 8), "grad of (y - x^2)^2 is wrong"
    P, t, n = MF.parabola_frame(0.5)
    for d in (3.0, 0.6, 0.06, 0.006):  # 3 > the radius of curvature 1.41: n must point outwards
        a, b = P + d * n
        # closest point (x, x^2) of Z: d/dx [(x-a)^2 + (x^2-b)^2] = 0  <=>  2x^3 + (1-2b)x - a = 0
        xs = np.roots([2.0, 0.0, 1.0 - 2.0 * b, -a])
        xs = xs[np.abs(xs.imag) < 1e-9].real  # the real roots: a filter (complex ones have |imag| ~ 1)
        x = xs[np.argmin((xs - a) ** 2 + (xs ** 2 - b) ** 2)]
        # eps x size: a simple root from the 3 x 3 companion matrix's eigenvalues (~3^3 flops each)
        assert abs(x - 0.5) < tol(27), f"point at distance {d} projects to x={x}, not P"
        assert close(np.hypot(a - x, b - x * x), d, 8, (abs(a) + abs(b)) / d), "distance to Z is not d"  # a - x cancels


def test_gradient_norm_min_direction_is_tangent_and_steepest_norm_descent():
    X, Y, params = zero_loss_net()
    J = M.jacobian(params, X, "tanh")
    P = MF.tangent_projector_svd(J)
    theta = M.pack(params)
    g = MF.norm_min_direction(P, theta)
    bound = tol_gram(J, theta.size)  # eps x cond^2 x size: P_T through J J^T
    assert np.linalg.norm(J @ g) < bound * np.linalg.norm(J) * np.linalg.norm(theta), "g not tangent"
    h, sq = 1e-6, lambda th: float(th @ th)
    fd = (sq(theta + h * g) - sq(theta - h * g)) / (2 * h)
    # FD of a d-term sum, relative to |f'| = 2 |P theta|^2, f = |theta|^2 (f''' = 0: rounding only)
    bound_fd = fd_tol(h, theta.size) * sq(theta) / sq(P(theta))
    assert fd < 0 and rel_err(fd, -2 * sq(P(theta))) < bound_fd, "d||theta||^2 along g != -2||P theta||^2"
    ghat = g / np.linalg.norm(g)
    for u in P(np.random.default_rng(17).normal(size=(theta.size, 20))).T:
        assert theta @ (u / np.linalg.norm(u)) >= theta @ ghat - bound * np.linalg.norm(theta), "a steeper tangent direction"


def test_gradient_tangent_moves_change_F_to_second_order_only():
    X, Y, params = zero_loss_net()
    J = M.jacobian(params, X, "tanh")
    rng = np.random.default_rng(18)
    theta = M.pack(params)
    v = MF.tangent_projector_svd(J)(rng.normal(size=theta.size))
    n = MF.random_normal_direction(J, rng)
    F = lambda th: M.forward(M.unpack(th, params), X, "tanh").ravel()  # noqa: E731
    L = lambda th: M.loss(M.unpack(th, params), X, Y, act="tanh")  # noqa: E731
    for u in (v / np.linalg.norm(v), n):
        h = 1e-5  # central differences: dF/dh along u is J u, zero for a tangent u
        fd = (F(theta + h * u) - F(theta - h * u)) / (2 * h)
        # FD: each output of the n samples sums d terms (relative to ||J||, as J u may be 0)
        assert np.linalg.norm(fd - J @ u) < fd_tol(h, X.shape[0] * theta.size) * np.linalg.norm(J)
    # eps x cond^2 x size: P_T through J J^T
    assert np.linalg.norm(J @ v) < tol_gram(J, theta.size) * np.linalg.norm(J) * np.linalg.norm(v)
    order = lambda u: np.log10(L(theta + 1e-2 * u) / L(theta + 1e-3 * u))  # noqa: E731
    assert abs(order(n) - 2) < 0.1, f"L grows like h^{order(n):.2f} along a normal"
    assert order(v / np.linalg.norm(v)) > 3.8, "L along a tangent is not O(h^4) (F not O(h^2))"


def test_gradient_eq20_is_minus_grad_R_over_2lambda():
    """Eq. 20 = -grad R / 2 lam for every activation in models.ACTIVATIONS (added ones included)."""
    X, Y, _, _, E = modadd_problem()
    lam = 0.5
    for act in M.ACTIVATIONS:
        H = M.ACTIVATIONS[act][0](X @ E)
        # a linear sigma has rank(H) <= p < n here, so H H^T is singular at lam -> 0: use n = 4 rows
        Xa, Ya = (X, Y) if np.linalg.matrix_rank(H) == X.shape[0] else (X[:4], Y[:4])
        Ha = M.ACTIVATIONS[act][0](Xa @ E)
        assert np.linalg.matrix_rank(Ha) == Xa.shape[0], act
        for limit, lam_inside in ((True, 0.0), (False, lam)):  # Eq. 19 (lam -> 0) and the exact R
            g = fd_grad(lambda e: MA.cost_R(e.reshape(E.shape), Xa, Ya, lam, act, limit=limit), E.ravel())
            dE = MA.closed_form_update(E, Xa, Ya, act, lam=lam_inside)
            err = rel_err(dE.ravel(), -g / (2 * lam))
            # FD of R over E.size terms, R's rounding magnified by the solve with H H^T (cond(H)^2)
            bound = fd_tol(1e-6, E.size) * cond(Ha) ** 2
            assert err < bound, f"{act}, limit={limit}: Eq. 20 vs -grad R/2lam rel err {err:.2e}"


def test_gradient_envelope_theorem_grad_R_is_dL_dE_at_optimal_W2():
    X, Y, _, _, E = modadd_problem()
    lam = 0.05
    W = MA.optimal_readout(M.relu(X @ E), Y, lam)
    gE, gW = M.loss_grad((E, W), X, Y, lam)
    g = fd_grad(lambda e: MA.cost_R(e.reshape(E.shape), X, Y, lam), E.ravel())
    # eps x cond^2 x size: W2* from the solve with H H^T + lam I is stationary to its rounding
    assert np.abs(gW).max() < tol_gram(M.relu(X @ E), E.size) * np.abs(gE).max(), "W2* is not a stationary point of L_lam"
    bound = fd_tol(1e-6, E.size) * cond(M.relu(X @ E)) ** 2  # FD of R, as in the test above
    assert rel_err(gE.ravel(), g) < bound, f"Thm 5.1: rel err {rel_err(gE.ravel(), g):.2e}"


# ---------------------------------------------------------------- foundation
def test_leaky_relu_is_the_papers():
    assert close(M.leaky_relu(np.array([-3.0, 0.0, 2.0])), [-0.3, 0.0, 2.0], 2)  # eps x size: one product, one literal


def test_mean_loss_is_sum_over_entries():
    X, Y, params = small_net(seed=9)
    s, m = M.loss(params, X, Y, 0.0, "relu"), M.loss(params, X, Y, 0.0, "relu", mean=True)
    assert close(m, s / Y.size, Y.size)  # eps x size: the Y.size-term sums


def test_weight_decay_adds_2_lambda_theta():
    X, Y, params = small_net(seed=10)
    g0 = M.pack(M.loss_grad(params, X, Y, 0.0, "relu"))
    g1 = M.pack(M.loss_grad(params, X, Y, 0.25, "relu"))
    # eps x cond x size: g1 - g0 cancels the loss gradient, cond = |g0| / |2 lam theta|
    assert close(g1 - g0, 2 * 0.25 * M.pack(params), g0.size, np.abs(g0).max() / np.abs(0.5 * M.pack(params)).max())


def test_backward_is_transpose_of_jacobian():
    X, Y, params = small_net(seed=5)
    dF = np.random.default_rng(5).normal(size=Y.shape)
    vjp = M.pack(M.backward(params, X, dF, "tanh"))
    # eps x size: two orders of the same n m-term sums of products (cond 1)
    assert rel_err(vjp, M.jacobian(params, X, "tanh").T @ dF.ravel()) < tol(dF.size)


def test_pack_unpack_roundtrip():
    X, Y, params = small_net(seed=6)
    back = M.unpack(M.pack(params), params)
    assert all(np.array_equal(a, b) for a, b in zip(back, params))


def test_gd_with_momentum_and_its_records():
    X, Y, params = small_net(seed=8)
    lr, lam = 1e-3, 0.01
    manual = params
    for _ in range(3):
        manual = tuple(P - lr * g for P, g in zip(manual, M.loss_grad(manual, X, Y, lam, "tanh")))
    out, rec = M.gradient_descent(params, X, Y, 3, lr, lam, "tanh", every=1,
                                  record=lambda t, p: t)
    assert rec == [0, 1, 2, 3]
    assert all(close(a, b, 3 * a.size) for a, b in zip(out, manual))  # eps x steps x size: the same 3 GD steps
    out_m, _ = M.gradient_descent(params, X, Y, 200, 1e-3, 0.0, "tanh", momentum=0.9)
    out_p, _ = M.gradient_descent(params, X, Y, 200, 1e-3, 0.0, "tanh")
    assert M.loss(out_m, X, Y, 0, "tanh") < M.loss(out_p, X, Y, 0, "tanh")
    _, rec = M.gradient_descent(params, X, Y, 5, lr, every=2, record=lambda t, p: t)
    assert rec == [0, 2, 4, 5], f"records at steps {rec}: every 2nd step and the last"
    manual, v = M.pack(params), 0.0
    for _ in range(3):  # heavy ball: v <- m v + grad, theta <- theta - lr v
        v = 0.9 * v + M.pack(M.loss_grad(M.unpack(manual, params), X, Y, lam, "tanh"))
        manual = manual - lr * v
    out_m, _ = M.gradient_descent(params, X, Y, 3, lr, lam, "tanh", momentum=0.9)
    # eps x size: the same 3 updates of d entries, summed in a possibly different order
    assert rel_err(M.pack(out_m), manual) < tol(3 * manual.size), "momentum is not heavy ball"


def test_init_uniform_is_pytorchs_linear_default():
    for fan_in, fan_out in ((11, 128), (128, 11)):
        W = M.init_uniform(np.random.default_rng(0), fan_in, fan_out)
        b = fan_in ** -0.5  # U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        assert W.shape == (fan_in, fan_out) and np.abs(W).max() <= b, (W.shape, np.abs(W).max(), b)
        assert np.abs(W).max() > 0.95 * b and abs(W.mean()) < 0.05 * b, "not uniform on [-b, b]"


def test_jsonable_turns_non_finite_into_null():
    x = {"a": np.float64(np.nan), "b": np.array([1.5, np.inf]), "c": (np.int64(3), np.bool_(True)),
         1: [np.float32(0.25), None, "s"]}
    assert grok.jsonable(x) == {"a": None, "b": [1.5, None], "c": [3, True], "1": [0.25, None, "s"]}
    assert type(grok.jsonable(x)["c"][0]) is int and type(grok.jsonable(x)["c"][1]) is bool


# ---------------------------------------------------------------- running grok.py: in a subprocess, in this process, once per suite
HERE = os.path.dirname(os.path.abspath(__file__))


def run_cli(*flags, timeout=300, env=None):
    """python grok.py FLAGS in a subprocess; returns (exit status, stdout, stderr)."""
    import subprocess
    p = subprocess.run([sys.executable, os.path.join(HERE, "grok.py"), *flags], cwd=HERE,
                       capture_output=True, text=True, timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def run_main(*flags, keep=None):
    """grok.main(FLAGS) in this process: the command line without Python's start-up (~1 s per
    call saved). Returns (exit status, stdout, stderr); an exception other than SystemExit
    (a traceback on the command line) propagates and fails the test. grok.TRAJECTORIES is emptied
    after, as a new process would start (copied first into keep["trajectories"] if keep is given)."""
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = grok.main(list(flags))
        except SystemExit as e:
            code = e.code
    if keep is not None:
        keep["trajectories"] = dict(grok.TRAJECTORIES)
    grok.TRAJECTORIES.clear()
    return code, out.getvalue(), err.getvalue()


def read_summary(out):
    import json
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


QUICK = {"out": None}  # figure name -> what its --quick run drew and ran; "out": the shared output dir


def quick_figure(name):
    """`python grok.py --quick --figs NAME` (seed 0), run once per suite in this process, into one temp
    dir shared by the figures' tests, index.html's and the CuPy stand-in's: (its summary.json entry,
    what it handed to the plots and grok.TRAJECTORIES, recorded on the way)."""
    if QUICK["out"] is None:
        QUICK["out"] = tempfile.mkdtemp(prefix="grok_quick_")
        atexit.register(shutil.rmtree, QUICK["out"], True)
    if name not in QUICK:
        seen = {"runs": []}
        saved = plots.fig5, plots.fig6, plots.fig6_circles, grok.fig6_run
        record = lambda key, draw: lambda *a: seen.update({key: a}) or draw(*a)  # noqa: E731
        plots.fig5, plots.fig6, plots.fig6_circles = (record(k, f) for k, f in zip(("fig5", "fig6", "circles"), saved))
        grok.fig6_run = lambda *a: seen["runs"].append(saved[3](*a)) or seen["runs"][-1]
        try:
            code, _, err = run_main("--quick", "--figs", name, "--out", QUICK["out"], keep=seen)
        finally:
            plots.fig5, plots.fig6, plots.fig6_circles, grok.fig6_run = saved
        assert code == 0, err
        QUICK[name] = seen
    return read_summary(QUICK["out"])[f"fig{name}"], QUICK[name]


# ---------------------------------------------------------------- Figures 1-4 (toy models)
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
    assert M.steps_to_memorize(train) == 3, M.steps_to_memorize(train)
    assert M.steps_to_generalize(test) == 4, M.steps_to_generalize(test)
    assert M.steps_to_generalize(np.array([1.0, 0.5])) is None
    slow = np.array([1.0, 0.5, 0.475, 0.474, 0.4739])  # a 5% drop still counts as falling
    assert M.steps_to_memorize(slow) == 2, M.steps_to_memorize(slow)
    assert M.steps_to_generalize(np.array([1.0, 0.011, 0.0101, 0.0099])) == 3


def test_fig1_quick_numbers():
    s, _ = quick_figure("1")
    assert os.path.getsize(os.path.join(QUICK["out"], "fig1.png")) > 10000, "fig1.png missing or empty"
    lams = np.array(s["lambdas"])
    exact = 2 / (2 + lams)  # argmin (w1 + w2 - 2)^2 + lam ||w||^2 = 2/(2+lam) (1, 1)
    # eps x cond x size: a 1-sample ridge solve of condition (2 + lam) / lam
    assert np.allclose(s["w_star"], exact[:, None] * [1, 1], atol=tol(2, (2 + lams.min()) / lams.min())), s["w_star"]
    err = np.abs(np.array(s["final_w"]) - exact[:, None]).max()
    assert err < 1e-2, f"final weights miss the regularized minimizer by {err:.3g}"  # GD convergence, not rounding
    mem, gen = np.array(s["steps_to_memorize"]), np.array(s["steps_to_generalize"])
    assert np.all(mem <= 30), f"memorization should take ~10 steps, took {mem}"
    assert np.all(gen > 3 * mem), f"no delay between memorization {mem} and generalization {gen}"
    assert np.all(np.diff(gen) < 0), f"smaller lambda must generalize later: {gen}"
    assert np.all(np.diff(s["final_train_loss"]) > 0), "smaller lambda must end at lower loss"
    dmax = np.array(s["max_dist_after_memorization"])
    floor = np.sqrt(2) * lams / (2 + lams)  # where the normal component settles
    assert np.all(np.diff(dmax) > 0), f"Thm 4.8: the distance to Z is of order lambda, so it must grow with lambda: {dmax}"
    # eps x steps: the rounding GD accumulates, the floor being reached only in the limit
    assert np.all((dmax >= floor * (1 - tol(s["steps"]))) & (dmax < 1.1 * floor)), (dmax, floor)
    for lam, t_mem, dm in zip(lams, mem, dmax):  # the whole run by hand: GD on (x.w - 2)^2 + lam |w|^2
        W = [np.array([-1.0, 1.0])]
        for _ in range(s["steps"]):
            W.append(W[-1] - 0.1 * (2 * (W[-1].sum() - 2) * np.ones(2) + 2 * lam * W[-1]))
        r = np.array(W).sum(axis=1) - 2  # the residual x.w - y; the distance to Z is |r| / sqrt(2)
        assert t_mem == np.flatnonzero(r[1:] ** 2 > 0.99 * r[:-1] ** 2)[0], (lam, t_mem)
        # eps x steps: the same GD, rounded in a possibly different order
        assert np.isclose(dm, np.abs(r[t_mem:]).max() / 2 ** 0.5, rtol=tol(s["steps"])), (lam, dm)
    w = np.array(s["final_w"])  # the reported losses are those of the final weights
    kappa = 2 / np.abs(w - 1).min()  # the cancellation in x.w - y, y = x.(1, 1), relative to x.(w - 1)
    # eps x cond x size, cond = the cancellation in the residual, size = the terms of the mean
    assert np.allclose(s["final_train_loss"], (w.sum(axis=1) - 2) ** 2, rtol=tol(3, kappa), atol=0)
    Xt = np.random.default_rng(0).normal(size=(100, 2))  # fig1's test set at seed 0: y = x1 + x2
    test = ((Xt @ w.T - Xt.sum(axis=1, keepdims=True)) ** 2).mean(axis=0)
    assert np.allclose(s["final_test_loss"], test, rtol=tol(Xt.size, kappa), atol=0), (s["final_test_loss"], test)


def test_fig2_quick_numbers():
    s, _ = quick_figure("2")
    assert os.path.getsize(os.path.join(QUICK["out"], "fig2.png")) > 10000, "fig2.png missing or empty"
    exact = 3 / (3 + s["lam"])
    assert np.allclose(s["w_star"], exact, atol=tol(3, (3 + s["lam"]) / s["lam"])), s["w_star"]  # as in Fig. 1
    err = np.abs(np.array(s["final_w"]) - exact).max()
    # GD has converged to ~1e-5 here; 1e-3 (tighter than the 1e-2) also catches a
    # wrong factor in the lam or data term, which moves the minimizer by only ~5e-3
    assert len(s["final_w"]) == 4 and err < 1e-3, f"final weights off by {err:.3g}"
    assert max(s["steps_to_memorize"]) <= 30, s["steps_to_memorize"]
    assert s["post_memorization_alignment"] > 0.99, \
        f"updates after memorization should follow -P_T w: mean cos {s['post_memorization_alignment']}"
    assert close(s["post_memorization_alignment"], np.mean(s["post_memorization_alignment_per_run"]), 4)  # a mean of 4
    x, lam = np.ones(3), s["lam"]
    for w, t_mem, align in zip(s["inits"], s["steps_to_memorize"], s["post_memorization_alignment_per_run"]):
        W = [np.array(w)]  # the run by hand: GD on (x.w - 3)^2 + lam |w|^2, lr 0.1
        for _ in range(s["steps"]):
            W.append(W[-1] - 0.1 * (2 * (x @ W[-1] - 3) * x + 2 * lam * W[-1]))
        W = np.array(W)
        r2 = (W @ x - 3) ** 2
        assert t_mem == np.flatnonzero(r2[1:] > 0.99 * r2[:-1])[0]
        g = -(W[:-1] - np.outer(W[:-1] @ x, x) / 3)  # -P_T w, P_T = I - x x^T / |x|^2
        U = W[1:] - W[:-1]
        cos = (U * g).sum(1) / (np.linalg.norm(U, axis=1) * np.linalg.norm(g, axis=1))
        kappa = (np.linalg.norm(W[:-1], axis=1) / np.linalg.norm(U, axis=1))[t_mem:].max()
        # eps x cond x size: U = W[1:] - W[:-1] cancels |W| / |U|, then a mean over the steps
        assert np.isclose(align, cos[t_mem:].mean(), rtol=tol(s["steps"], kappa)), (align, cos[t_mem:].mean())
    assert close(s["inits"], np.random.default_rng(0).normal(0.0, 1.5, size=(4, 3))), \
        "Fig. 2 starts: four draws of N(0, 1.5^2 I) from the seed"


def test_fig3_quick_numbers():
    s, _ = quick_figure("3")
    assert os.path.getsize(os.path.join(QUICK["out"], "fig3.png")) > 10000, "fig3.png missing or empty"
    lam = s["lam"]
    expected = {"curved": np.sqrt(1 - lam) * np.ones(2),  # argmin (ab-1)^2 + lam(a^2+b^2), a = b
                "singular": np.zeros(2), "leaky_relu": 2 / (2 + lam) * np.ones(2)}
    for name, w in expected.items():
        p = s[name]
        assert p["reached_min_norm"], f"{name}: did not reach the min-norm point: {p['final_point']}"
        err = np.abs(np.array(p["final_point"]) - w).max()
        assert err < 1e-2, f"{name}: final point {p['final_point']} is not the minimizer {w}"  # GD convergence
        assert p["loss"] < 1e-3, f"{name}: final training loss {p['loss']}"  # GD convergence, not rounding
        dist = np.linalg.norm(np.subtract(p["final_point"], p["min_norm_point"]))
        assert close(p["dist_to_min_norm_point"], dist, 2)  # a 2-vector norm
        assert p["reached_min_norm"] == (p["dist_to_min_norm_point"] < 0.05) and s["reached_within"] == 0.05


def test_fig4_quick_numbers():
    s, _ = quick_figure("4")
    assert os.path.getsize(os.path.join(QUICK["out"], "fig4.png")) > 10000, "fig4.png missing or empty"
    c = np.array(s["cos_at_ABC"])
    assert np.all(np.diff(s["distances_ABC"]) < 0) and np.all(np.diff(c) < 0), c
    ratio = c[:-1] / c[1:]  # distances shrink 10x, so Thm 4.14 wants ~10x smaller cosines
    assert np.all((ratio > 5) & (ratio < 15)), f"|cos| ratios {ratio}"
    # fitted on distances <= 0.1 only, where the theorem's slope 1 holds to < 1% (0.995 here;
    # over all distances up to 1 the curvature pulls it to 0.97)
    assert abs(s["thm414_slope"] - 1) < 0.01, f"Thm 4.14 slope {s['thm414_slope']}"
    for dk, ck in (("sweep_distances", "sweep_cos"), ("distances_ABC", "cos_at_ABC")):
        d = np.array(s[dk])
        a, b = np.array(s["P"])[:, None] + d * np.array(s["normal"])[:, None]
        grad_r = np.stack([-2 * a, np.ones_like(a)], axis=1)  # grad L = 2 (y - x^2) grad_r, r = y - x^2
        exact = np.abs(grad_r @ np.array(s["tangent"])) / np.linalg.norm(grad_r, axis=1)
        # eps x cond: grad_r . t cancels near P down to |cos|, so cond = 1 / |cos|
        assert rel_err(s[ck], exact) < tol(2, 1 / exact.min()), f"{ck}: |cos(grad L, tangent)| along the normal is wrong"
    assert close(s["points_ABC"], np.array(s["P"]) + np.outer(s["distances_ABC"], s["normal"]), 2)  # P + d n
    d = np.array(s["sweep_distances"])
    # truncation, not rounding: |cos| = d / sqrt(2) + O(d^2) at the smallest sweep distance
    assert abs(s["sweep_cos"][0] / d[0] - 0.5 ** 0.5) < 1e-4, "|cos| ~ d / sqrt(2) at P = (0.5, 0.25)"


def test_fig1_without_weight_decay_memorizes_and_never_generalizes():
    lambdas = grok.FIG1_LAMBDAS
    grok.FIG1_LAMBDAS = (0.0, 0.1)  # the first thing a learner tries
    try:
        s, png = run_toy_figure(grok.fig1)
    finally:
        grok.FIG1_LAMBDAS = lambdas
    assert png > 10000
    assert close(s["w_star"][0], [1, 1], 2), "at lambda = 0 the exact minimizer is the min-norm fit"
    assert close(s["final_w"][0], [0, 2], s["steps"]), "without weight decay GD stops where it meets Z"
    assert s["final_train_loss"][0] < (2 * tol(s["steps"])) ** 2 and s["steps_to_memorize"][0] is not None, s  # (eps x steps x |y|)^2
    assert s["steps_to_generalize"][0] is None and s["steps_to_generalize"][1] is not None, s
    assert M.steps_to_memorize(np.array([4.0, 1.0, 0.0, 0.0])) == 2, "a loss at exactly 0 has fitted"
    # lambda = 0: the residual shrinks by 1 - 2 lr |x|^2 = 0.6 a step, the loss by 0.36, so it is
    # below 1e-6 of its start from step ceil(ln 1e-6 / ln 0.36) = 14 (the README says so)
    assert s["steps_to_memorize"][0] == int(np.ceil(np.log(1e-6) / np.log(0.36))) == 14, s["steps_to_memorize"]


def test_the_animation_follows_fig1_lambdas_and_the_run_still_writes_index_html():
    """A learner's first edit: the smallest lambda > 0 is animated (or none, said in one line); index.html follows."""
    assert grok.anim_lambda((0.0, 0.1, 0.2)) == 0.1 and grok.anim_lambda(grok.FIG1_LAMBDAS) == 0.01
    lambdas, grok.FIG1_LAMBDAS = grok.FIG1_LAMBDAS, (0.0,)
    try:
        with tempfile.TemporaryDirectory() as d:
            code, out, err = run_main("--figs", "1,anim", "--quick", "--out", d)
            assert code == 0 and os.path.exists(os.path.join(d, "index.html")), err
            assert "anim" not in read_summary(d) and "animations skipped" in out, out
    finally:
        grok.FIG1_LAMBDAS = lambdas


# ---------------------------------------------------------------- zero-loss manifold, Figs. 5/7
def test_gram_is_J_Jt_for_every_model():
    for act in ACTS:
        X, Y, params = small_net(seed=11)
        J = M.jacobian(params, X, act)
        # eps x size: the same d-term sums of products, in another order (cond 1)
        assert rel_err(MF.gram(params, X, act), J @ J.T) < tol(J.shape[1]), f"gram wrong for {act}"
    X, W = np.random.default_rng(11).normal(size=(4, 3)), np.random.default_rng(12).normal(size=(3, 2))
    J = M.jacobian((W,), X)
    assert rel_err(MF.gram((W,), X), J @ J.T) < tol(J.shape[1]), "gram wrong for the linear model"  # as above


def test_jacobian_svd_and_s_min_match_numpy_svd():
    X, Y, params = small_net(seed=12, n=6, d_h=6)
    J = M.jacobian(params, X, "tanh")
    s_ref = np.linalg.svd(J, compute_uv=False)
    U, s = MF.jacobian_svd(J)
    # eps x cond^2 x size: eigh of J J^T (absolute error eps ||J||^2, so s_min to eps cond^2)
    assert rel_err(s, s_ref) < tol_gram(J, J.shape[1]), f"singular values: rel err {rel_err(s, s_ref):.1e}"
    # eps x size, relative to ||J||^2: U diagonalizes J J^T to its backward error
    assert np.allclose(U.T @ J @ J.T @ U, np.diag(s ** 2), atol=tol(J.size) * s[0] ** 2)
    # as the singular values: s_min^2 to eps ||J||^2 d, so s_min to that over 2 s_min
    assert abs(MF.smallest_singular_value(J @ J.T) - s_ref[-1]) < tol(J.shape[1]) * s_ref[0] ** 2 / s_ref[-1]


def test_tangent_projector_idempotent_symmetric_annihilated_by_J():
    X, Y, params = small_net(seed=13, n=5, d_h=6)
    J = M.jacobian(params, X, "tanh")  # (10, 30)
    d = J.shape[1]
    P = MF.tangent_projector_svd(J)(np.eye(d))
    bound = tol_gram(J, d)  # eps x cond^2 x size: P_T is built from eigh(J J^T), entries of ~d terms
    assert np.abs(P @ P - P).max() < bound, "P_T is not idempotent"
    assert np.abs(P - P.T).max() < bound, "P_T is not symmetric"
    assert np.abs(J @ P).max() < bound * np.abs(J).max(), "J P_T != 0"
    assert close(np.trace(P), d - J.shape[0], d, cond(J) ** 2), "rank of P_T is not d - km"  # d entries, each to bound
    V = np.linalg.svd(J)[2][J.shape[0]:]  # reference basis of null(J)
    assert np.abs(P - V.T @ V).max() < bound  # the same bound: the SVD's V is backward stable
    # the rank tolerance: repeated rows make J J^T singular but leave null(J) unchanged
    P2 = MF.tangent_projector_svd(np.vstack([J, J[:3], 2 * J[3:4]]))(np.eye(d))
    # eps x cond^2 x size of the stacked J (same nonzero cond): the zero eigenvalues of its Gram
    # matrix come out at ~eps ||J||^2, below RTOL^2, and are dropped, not inverted
    bound = tol_gram(np.vstack([J, J[:3], 2 * J[3:4]]), d)
    assert np.abs(P2 - P).max() < bound, "rank-deficient J: projector changed"
    for c in (1e-7, 1e7):  # the tolerance is relative to sigma_max: P_T does not depend on J's scale
        P3 = MF.tangent_projector_svd(c * np.vstack([J, J[:3], 2 * J[3:4]]))(np.eye(d))
        assert np.abs(P3 - P).max() < bound, f"J scaled by {c}: projector changed"


def test_tangent_projector_is_the_textbook_I_minus_pinv_J_J():
    """P_T against np.eye(d) - pinv(J) J (numpy's SVD) on small Jacobians, full rank and rank deficient."""
    rng = np.random.default_rng(23)
    for n, d in ((3, 8), (6, 20)):
        J = rng.normal(size=(n, d))
        for JJ in (J, np.vstack([J, J[:2], 3 * J[-1:]])):  # repeated rows: rank n, not n + 3
            ref = np.eye(d) - np.linalg.pinv(JJ, 1e-10) @ JJ  # the cut 1e-10 drops the zero singular values
            # eps x cond^2 x size: ours goes through eigh(J J^T), which squares cond(J)
            assert np.abs(MF.tangent_projector_svd(JJ)(np.eye(d)) - ref).max() < tol_gram(JJ, d), (n, d, JJ.shape)


def test_tangent_projector_at_a_foot_is_the_svd_form():
    """Fig. 5's P_T (one solve with J J^T, J never formed) equals the SVD form on the formed J."""
    for act in ("tanh", "relu"):
        X, Y, params = small_net(seed=29, n=5, d_h=6)
        J = M.jacobian(params, X, act)
        d = J.shape[1]
        P = MF.tangent_projector(params, X, act)
        got = np.stack([P(e) for e in np.eye(d)], axis=1)
        # eps x cond^2 x size: both go through the Gram matrix J J^T
        assert np.abs(got - MF.tangent_projector_svd(J)(np.eye(d))).max() < tol_gram(J, d), act


def test_min_norm_step_is_the_least_squares_minimum_norm_solution():
    X, Y, params = small_net(seed=14, n=5, d_h=6)
    R = np.random.default_rng(14).normal(size=Y.shape)
    step = M.pack(MF.min_norm_step(params, X, R, "relu"))
    ref = np.linalg.lstsq(M.jacobian(params, X, "relu"), R.ravel(), rcond=None)[0]
    # eps x cond^2 x size: J^+ R through eigh(J J^T), against LAPACK's least squares
    assert rel_err(step, ref) < tol_gram(M.jacobian(params, X, "relu"), ref.size), f"J^+ R: rel err {rel_err(step, ref):.1e} (erratum 3)"


def test_gauss_newton_reaches_zero_loss_and_both_projections_report_it():
    X, _, params = small_net(seed=15, n=5, d_h=8)
    Y = M.forward(params, X) + 0.1 * np.random.default_rng(15).normal(size=(5, 2))
    start = M.loss(params, X, Y, mean=True)
    on_Z, res = MF.zero_loss_projection(params, X, Y, "relu", method="gauss-newton")
    assert res < 1e-20, f"Gauss-Newton stopped at loss {res:.1e}"  # zero_loss_projection's stopping rule (tol=1e-20)
    assert res == M.loss(on_Z, X, Y, mean=True)
    on_Z, res = MF.zero_loss_projection(params, X, Y, "relu", method="momentum", lr=0.05)
    assert res == M.loss(on_Z, X, Y, mean=True) and res < start


def fig5_tiny_net(seed=21):
    """A small ReLU net off its zero-loss set, scaled so that lr 1 with momentum 0.9 (Fig. 5) is stable."""
    rng = np.random.default_rng(seed)
    X = 0.5 * rng.normal(size=(4, 3))
    params = (0.7 * rng.normal(size=(3, 6)), 0.7 * rng.normal(size=(6, 2)))
    return X, M.forward(params, X) + 0.3 * rng.normal(size=(4, 2)), params


def heavy_ball_projection(params, X, Y, lr, steps=100, momentum=0.9):
    """App. D by hand: GD on the mean-squared loss (no weight decay) with heavy-ball momentum."""
    theta, v = M.pack(params), 0.0
    for _ in range(steps):
        v = momentum * v + M.pack(M.loss_grad(M.unpack(theta, params), X, Y, 0.0, mean=True))
        theta = theta - lr * v
    return M.unpack(theta, params)


def test_momentum_projection_is_the_papers_100_steps_of_momentum_0p9():
    X, Y, params = fig5_tiny_net()
    on_Z, res = MF.zero_loss_projection(params, X, Y, method="momentum", lr=0.5)  # default steps, momentum
    ref = heavy_ball_projection(params, X, Y, 0.5)
    # eps x steps x size: the same 100 heavy-ball steps over n x d terms, in a possibly different order
    bound = tol(100 * X.shape[0] * M.pack(ref).size)
    assert rel_err(M.pack(on_Z), M.pack(ref)) < bound, "not 100 steps of lr 0.5, momentum 0.9, mean loss"
    assert abs(res / M.loss(ref, X, Y, mean=True) - 1) < bound, "residual is not the loss reached"


def test_update_alignment_on_a_net_with_known_answers():
    X, Y, params = fig5_tiny_net()
    theta = M.pack(params)
    P_T = lambda on_Z: np.eye(theta.size) - np.linalg.pinv(M.jacobian(on_Z, X)) @ M.jacobian(on_Z, X)  # noqa: E731
    gn = params
    for _ in range(30):  # Gauss-Newton by hand: the least-squares minimum-norm step each time
        R = (M.forward(gn, X) - Y).ravel()
        gn = M.unpack(M.pack(gn) - np.linalg.lstsq(M.jacobian(gn, X), R, rcond=None)[0], gn)
    mom = heavy_ball_projection(params, X, Y, MA.FIG5_LR)
    g_gn = -P_T(gn) @ theta  # -P_T theta_t with P_T taken at the Gauss-Newton foot
    before = M.unpack(theta - 0.1 * g_gn, params)  # an update exactly along the GN direction
    out = MF.update_alignment(before, params, X, Y, lr=MA.FIG5_LR)
    u = theta - M.pack(before)
    for frame, on_Z in (("gauss-newton", gn), ("momentum", mom)):
        g, v = -P_T(on_Z) @ theta, theta - M.pack(on_Z)
        # eps x cond^2 x size: P_T through J J^T (ours) vs pinv's SVD, magnified by |theta| / |g| or / |v|
        bound = tol_gram(M.jacobian(on_Z, X), theta.size) * np.linalg.norm(theta) / min(np.linalg.norm(g), np.linalg.norm(v))
        assert abs(out[f"cos_{frame}"] - MF.cosine(u, g)) < bound, frame
        # eps x cond x size, cond = the cancellation |theta| / |theta - theta*|: the same foot (same steps)
        assert abs(out[f"dist_{frame}"] / np.linalg.norm(v) - 1) < tol(theta.size, np.linalg.norm(theta) / np.linalg.norm(v)), frame
        assert abs(out[f"residual_{frame}"] - np.linalg.norm(P_T(on_Z) @ v) / np.linalg.norm(v)) < bound  # as cos
    # as cos, at the Gauss-Newton foot; then GN's stopping rule
    assert abs(out["cos_gauss-newton"] - 1) < tol_gram(M.jacobian(gn, X), theta.size) * np.linalg.norm(theta) / np.linalg.norm(g_gn) \
        and out["loss_gauss-newton"] < 1e-20
    # eps x steps x size, as in the test above: the same 100 heavy-ball steps
    assert abs(out["loss_momentum"] / M.loss(mom, X, Y, mean=True) - 1) < tol(100 * X.shape[0] * theta.size)
    foot, _ = MF.zero_loss_projection(params, X, Y)  # s_min at the Gauss-Newton foot
    # eps x cond^2 x size: s_min from eigvalsh(J J^T) (ours) vs numpy's SVD of J
    assert abs(out["s_min"] / np.linalg.svd(M.jacobian(foot, X), compute_uv=False)[-1] - 1) < tol_gram(M.jacobian(foot, X), theta.size)


def test_gauss_newton_projection_is_orthogonal_so_it_measures_distance():
    X, Y, params = zero_loss_net()
    J = M.jacobian(params, X, "tanh")
    rng = np.random.default_rng(16)
    theta, delta = M.pack(params), 1e-3
    n = MF.random_normal_direction(J, rng)
    v = MF.tangent_projector_svd(J)(rng.normal(size=theta.size))
    v /= np.linalg.norm(v)
    off = M.unpack(theta + delta * n, params)
    on_Z, res = MF.zero_loss_projection(off, X, Y, "tanh", mean=False)
    assert res < 1e-20  # zero_loss_projection's stopping rule (tol=1e-20); rounding floor ~1e-30
    # truncation: the Gauss-Newton step undoes a normal step up to O(delta^2) (curvature < 10 here)
    assert np.linalg.norm(M.pack(on_Z) - theta) < 10 * delta ** 2, "a normal step is not undone"
    assert abs(MF.distance_to_Z(off, on_Z) / delta - 1) < 10 * delta  # the same, relative to delta
    along = M.unpack(theta + delta * v, params)  # a tangent step stays within O(delta^2) of Z
    on_Z, _ = MF.zero_loss_projection(along, X, Y, "tanh", mean=False)
    assert MF.distance_to_Z(along, on_Z) < 10 * delta ** 2  # truncation, as above


def test_thm414_cosine_falls_linearly_with_distance_on_a_smooth_net():
    X, Y, params = zero_loss_net()
    J = M.jacobian(params, X, "tanh")
    n = MF.random_normal_direction(J, np.random.default_rng(19))
    deltas = np.logspace(-6, -2, 9)
    r = MF.gradient_tangent_cosine(params, X, Y, MF.tangent_projector_svd(J), n, deltas, "tanh")
    slope = np.polyfit(np.log(deltas), np.log(r), 1)[0]
    assert abs(slope - 1) < 0.05, f"Thm 4.14 slope {slope:.3f}, expected 1"


def test_fig5_data_is_erratum_4_and_weight_decay_is_pytorchs():
    X, Y, Xte, Yte = MA.fig5_data(np.random.default_rng(20))
    assert X.shape == (59, 11) and Xte.shape == (7, 11), "66 pairs: 59 train, 7 test"
    assert len({tuple(x) for x in np.vstack([X, Xte])}) == 66, "pairs repeated"
    _, _, params = small_net(seed=20)
    theta = M.pack(params)
    g0 = M.pack(M.loss_grad(params, X[:5, :3], Y[:5, :2], 0.0, mean=True))
    g1 = M.pack(M.loss_grad(params, X[:5, :3], Y[:5, :2], MA.FIG5_LAM, mean=True))
    # eps x cond x size: g1 - g0 cancels the loss gradient, cond = |g0| / |1e-4 theta|
    assert close(g1 - g0, 1e-4 * theta, g0.size, np.abs(g0).max() / np.abs(1e-4 * theta).max()), "not PyTorch's SGD(weight_decay=1e-4)"


def test_fig5_phases():
    train = np.array([0.9, 1, 1, 1, 1])
    test = np.array([0.0, 3 / 7, 4 / 7, 6 / 7, 1])
    assert list(MA.phase(train, test)) == ["", "memorized", "grokking", "grokking",
                                                  "generalized"]


def test_fig5_window_and_measurement_grid():
    assert MA.FIG5_WINDOW == 10, "App. D: the update is theta_t - theta_{t-10}"
    assert (MA.FIG5_P, MA.FIG5_HIDDEN, MA.FIG5_HELD_OUT, MA.FIG5_LR, MA.FIG5_RUNS) == (11, 128, 7, 1.0, 5)
    measured, curve = MA.fig5_grid(3000, 4, 30)
    assert np.all(curve % 10 == 0) and np.all(measured % 10 == 0), "steps must be multiples of the window"
    assert curve[0] == 0 and curve[-1] == measured[-1] == 3000 and measured[0] == MA.FIG5_START
    assert set(measured) <= set(curve) and len(measured) == 4 and np.all(np.diff(curve) > 0)


def fig5_recorded_run(seed=3, measured=(20, 50), curve=(0, 20, 30, 50)):
    """grok.fig5_run with MF.update_alignment replaced by a recorder: (run's outputs, recorded calls)."""
    calls, measure, extra = [], MF.update_alignment, (grok.FIG5_RISE, grok.FIG5_GROKKING)
    MF.update_alignment = lambda before, params, X, Y, act="relu", lr=1.0: \
        calls.append((before, params)) or {"cos_momentum": float(len(calls)), "cos_gauss-newton": 0.5}
    grok.FIG5_RISE = grok.FIG5_GROKKING = ()  # the shared steps only
    try:
        return grok.fig5_run(np.random.default_rng(seed), set(measured), list(curve), "test"), calls
    finally:
        MF.update_alignment, (grok.FIG5_RISE, grok.FIG5_GROKKING) = measure, extra


def test_fig5_run_measures_the_last_window_of_plain_gd():
    """fig5_run's wiring: theta_t is t full-batch GD steps from PyTorch's init, and the measured
    update is its last 10 steps (update_alignment replaced by a recorder)."""
    (rec, params, (X, Y), (befores, thetas)), calls = fig5_recorded_run()
    rng = np.random.default_rng(3)
    X0, Y0, Xte, Yte = MA.fig5_data(rng)
    theta = (M.init_uniform(rng, 11, 128), M.init_uniform(rng, 128, 11))
    gd = lambda P, n: M.gradient_descent(P, X0, Y0, n, 1.0, 0.5e-4, mean=True)[0]  # noqa: E731
    assert np.array_equal(X, X0) and np.array_equal(Y, Y0), "trained on the wrong split"
    at = {0: theta}
    for t in (20, 30, 50):
        at[t] = gd(at[max(k for k in at if k < t)], t - max(k for k in at if k < t))
    assert all(np.array_equal(a, b) for a, b in zip(params, at[50])), "not 50 GD steps from the init"
    assert len(calls) == 2 and list(rec["cos_momentum"]) == [1, 2] and list(rec["cos_gauss-newton"]) == [0.5, 0.5]
    for (before, after), t, b, th in zip(calls, (20, 50), befores, thetas):
        assert all(np.array_equal(a, b) for a, b in zip(after, at[t])), f"measured at the wrong step, not {t}"
        assert th is after and b is before, "Fig. 9 redoes the window from theta_{t-10} to theta_t"
        assert all(np.array_equal(a, b) for a, b in zip(gd(before, 10), after)), "window is not 10 steps"
    for i, t in enumerate((0, 20, 30, 50)):
        assert rec["train_loss"][i] == M.loss(at[t], X0, Y0, mean=True)
        assert rec["test_loss"][i] == M.loss(at[t], Xte, Yte, mean=True)
        assert rec["test_acc"][i] == MA.accuracy(*at[t], Xte, Yte)
        assert rec["train_acc"][i] == MA.accuracy(*at[t], X0, Y0)


def test_fig5_smooth_slopes_stop_at_the_first_relu_flip():
    deltas = np.logspace(-6, -1, 6)
    ratios = np.stack([3 * deltas, 0.5 * deltas ** 2, deltas ** 3])
    ratios[0, 4:] = 1.0  # after a sign change the ratio jumps; it must not enter the fit
    flips = np.array([[0, 0, 0, 0, 2, 5], [0] * 6, [0, 0, 1, 1, 1, 1]])  # the third has < 3 smooth points
    slopes = MF.smooth_slopes(ratios, flips, deltas)
    assert close(slopes, [1.0, 2.0], 8 * len(deltas)), slopes  # eps x size: log-log fits, as in the summary test
    assert abs(MF.loglog_slope(deltas, 7 * deltas ** 1.5) - 1.5) < tol(8 * len(deltas))  # the same


def test_fig5_summary_on_designed_records():
    """fig5() with fig5_run / thm414_on_net / plots replaced by designed records: the summary
    numbers against hand-computed values. Measured steps 600, 1030, 1750, 3000 (--quick grid)."""
    measured, curve = MA.fig5_grid(3000, 4, 30)
    def record(train_from, test_steps, cos, cos_m, resid, dist):
        train = np.where(curve >= train_from, 1.0, 0.9)
        test = np.zeros(len(curve))
        for t, a in test_steps:
            test[list(curve).index(t):] = a
        n = len(cos)
        rec = {"train_loss": np.ones(len(curve)), "test_loss": np.ones(len(curve)), "train_acc": train,
               "test_acc": test, "cos_momentum": np.array(cos_m), "cos_gauss-newton": np.array(cos),
               "s_min": np.full(n, 0.3), "step": measured}
        for f in MF.FRAMES:
            rec.update({f"loss_{f}": np.full(n, 1e-8), f"residual_{f}": 0.5 * np.array(resid),
                        f"dist_{f}": 2 * np.array(dist)})
        return rec
    recs = [record(600, [(1030, 4 / 7), (1750, 1.0)], [0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8],
                   [1, 2, 3, 4], [1, 1, 1, 1]),  # memorized, grokking, generalized, generalized
            record(0, [], [-0.1] * 4, [0.0] * 4, [5, 6, 7, 8], [3, 3, 3, 3])]  # all memorized
    deltas = grok.FIG5_DELTAS
    ratios = np.stack([deltas, 2 * deltas, 4 * deltas ** 2])
    flips = np.zeros((3, len(deltas)), int)
    flips[0, 5:] = 1  # first flip at deltas[5]; the smooth fits give slopes 1, 1, 2
    thm = iter([(ratios[:2], flips[:2], 0.25, 1e-22), (ratios[2:], flips[2:], 0.75, 3e-22)])
    saved = grok.fig5_run, MF.thm414_on_net, plots.fig5, plots.fig7, grok.FIG5_QUICK
    grok.fig5_run = lambda rng, m, c, label: (recs.pop(0), None, (None, None), ([], []))
    MF.thm414_on_net = lambda *a: next(thm)
    plots.fig5 = plots.fig7 = lambda *a: None
    grok.FIG5_QUICK = {"steps": 3000, "points": 4, "curve": 30, "runs": 2}  # the designed grid, two nets
    kept = grok.TRAJECTORIES.pop("fig5", None)  # a designed run must not be reused by Fig. 9
    try:
        out = grok.fig5(Namespace(out="", seed=0, quick=True))["fig5"]
    finally:
        grok.fig5_run, MF.thm414_on_net, plots.fig5, plots.fig7, grok.FIG5_QUICK = saved
        grok.TRAJECTORIES.pop("fig5", None)
        if kept is not None:
            grok.TRAJECTORIES["fig5"] = kept
    assert out["points_by_phase"] == {"memorized": 5, "grokking": 1, "generalized": 2}
    want = {"cos_gauss-newton": {"memorized": (0.1 - 0.4) / 5, "grokking": 0.2, "generalized": 0.35},
            "cos_momentum": {"memorized": 0.5 / 5, "grokking": 0.6, "generalized": 0.75}}
    for k in want:
        for ph in want[k]:
            assert close(out["by_phase"][k][ph], want[k][ph], 5), (k, ph, out["by_phase"][k])  # eps x size: means of <= 5
    assert out["rise_step"] == [1030, None] and out["grok_step"] == [1750, None]
    assert np.array_equal(out["nets"]["step"], [measured, measured]) and list(out["points_near_rise"]) == [1, 0]
    assert list(out["nets"]["aligned_phase"][0]) == ["before_rise", "rising", "after", "after"]
    assert list(out["spread_by_phase"]["cos_momentum"]["generalized"]) == [0.7, 0.725, 0.75, 0.775, 0.8]
    assert list(out["spread_by_phase"]["cos_momentum"]["memorized"]) == [0.0, 0.0, 0.0, 0.0, 0.5]
    f = out["feet"]
    assert close(f["momentum"]["residual_median"], 2.25, 2) and f["gauss-newton"]["dist_median"] == 4.0  # medians: a mean of 2
    assert f["gauss-newton"]["residual_max"] == 4 and set(f) == set(MF.FRAMES)
    assert out["sigma_min_J_gauss_newton_min"] == 0.3
    # (d * 2d * 4d^2)^(1/3); eps x cond x size, cond = max |log ratio|: an exp of a mean of 3 logs on
    # the left, a power of delta on the right, each rounding an error of eps |log| in the exponent (3 + 3)
    assert np.allclose(out["thm414_ratio_geomean"], 2 * deltas ** (4 / 3), rtol=tol(3 + 3, np.abs(np.log(ratios)).max()), atol=0)
    assert out["thm414_first_flip_delta"] == [deltas[5], None, None]
    assert close(out["thm414_slopes_smooth"], [1, 1, 2], 8 * len(deltas)) and close(out["thm414_slope_real"], 4 / 3, 8 * len(deltas))  # log-log fits
    assert out["thm414_sigma_min_J"] == [0.25, 0.75] and out["thm414_start_loss_max"] == 3e-22
    assert close(out["thm414_slope_all_deltas"], 4 / 3, 8 * len(deltas))


def test_fig5_quick_run_writes_both_figures():
    res, seen = quick_figure("5")
    assert all(os.path.getsize(os.path.join(QUICK["out"], f)) > 0 for f in ("fig5.png", "fig7.png"))
    assert abs(res["thm414_slope_real"] - 1) < 0.2, res["thm414_slope_real"]
    assert res["feet"]["gauss-newton"]["loss_max"] < 1e-20 and res["feet"]["gauss-newton"]["residual_median"] > 0.1  # stopping rule; GN is not orthogonal
    R, _, ratios, flips = seen["fig5"][:4]  # what plots.fig5 was handed
    q = grok.FIG5_QUICK
    extra = len(grok.FIG5_RISE) + len(grok.FIG5_GROKKING)
    assert np.array_equal(R["step"][:, :q["points"]], [MA.fig5_grid(q["steps"], q["points"], q["curve"])[0]])
    assert R["cos_momentum"].shape == R["step"].shape == (q["runs"], q["points"] + extra)
    assert all(res["points_by_phase"][ph] > 0 for ph in MA.PHASES), "--quick: every phase has a point"
    assert res["grok_step"][0] is not None, "--quick: the net generalizes within its steps"
    assert all(n >= 3 for n in res["points_near_rise"]), "at least 3 points within a factor 1.5 of the rise"
    at = np.searchsorted(R["curve_step"], R["step"])
    tr, te = np.take_along_axis(R["train_acc"], at, 1), np.take_along_axis(R["test_acc"], at, 1)
    phase = np.where(tr < 1, "", np.where(te < 0.5, "memorized", np.where(te < 1, "grokking", "generalized")))
    assert res["points_by_phase"] == {ph: int((phase == ph).sum()) for ph in MA.PHASES}
    for k in ("cos_momentum", "cos_gauss-newton"):
        c = R[k]
        assert np.all(np.abs(c) <= 1 + tol(2 * MA.FIG5_P * MA.FIG5_HIDDEN))  # eps x size: cosines of d-vectors
        for ph in MA.PHASES:
            want = c[phase == ph].mean() if (phase == ph).any() else None
            assert res["by_phase"][k][ph] == want, (k, ph, res["by_phase"][k][ph], want)
    assert res["sigma_min_J_gauss_newton_min"] == R["s_min"].min() > 0
    assert res["grok_step"] == [next((int(t) for t, a in zip(R["curve_step"], acc) if a == 1), None)
                                for acc in R["test_acc"]]
    assert ratios.shape == (q["runs"] * grok.FIG5_DIRECTIONS, len(grok.FIG5_DELTAS)) and np.all(ratios > 0)
    # eps x cond x size: exp of a mean of logs over the directions; cond = max |log ratio|
    assert np.allclose(res["thm414_ratio_geomean"], np.exp(np.log(ratios).mean(axis=0)),
                       rtol=tol(len(ratios), np.abs(np.log(ratios)).max()))
    assert res["thm414_first_flip_delta"] == [grok.FIG5_DELTAS[list(f > 0).index(True)] if (f > 0).any()
                                              else None for f in flips]
    assert close(res["thm414_slope_all_deltas"],
                      np.polyfit(np.log(np.tile(grok.FIG5_DELTAS, len(ratios))), np.log(ratios.ravel()), 1)[0], ratios.size)
    assert close(res["thm414_slope_real"], np.mean(res["thm414_slopes_smooth"]), len(res["thm414_slopes_smooth"]))  # a mean
    assert res["thm414_start_loss_max"] < 1e-20 and min(res["thm414_sigma_min_J"]) > 0  # GN's stopping rule


# ---------------------------------------------------------------- modular addition, Fig. 6
def test_modadd_dataset_and_split():
    p = 7
    X, Y, ab = MA.modular_addition(p)
    assert X.shape == (p * (p + 1) // 2, p) and Y.shape == X.shape
    assert np.all(X.sum(axis=1) == 2) and np.all(Y.sum(axis=1) == 1)
    assert np.all(ab[:, 0] <= ab[:, 1]) and len({tuple(r) for r in ab}) == len(ab)
    for (a, b), x, y in zip(ab, X, Y):
        assert x[a] >= 1 and x[b] >= 1 and np.argmax(y) == (a + b) % p
    tr, te = MA.train_test_split(len(X), 0.7, np.random.default_rng(0))
    assert len(tr) == round(0.7 * len(X)) and len(set(tr) | set(te)) == len(X)
    assert not set(tr) & set(te)


def test_modadd_sizes_and_init_scale():
    X, _, _ = MA.modular_addition(17)
    tr, te = MA.train_test_split(X.shape[0], 0.7, np.random.default_rng(1))
    assert MA.n_train(17, 0.7) == len(tr) == 107 and len(te) == 153 - 107, "0.7 of the 153 pairs"
    E = MA.init_embedding(np.random.default_rng(2), 17, 4000)
    assert E.shape == (17, 4000) and abs(E.std() * 17 ** 0.5 - 1) < 0.02, "std must be p^-1/2"
    assert abs(E.mean()) < 0.01


def test_accuracy_known_answers():
    Y = np.eye(4)[[0, 1, 2, 3, 1]]  # 5 samples; identity net on X = I: outputs F = E W = E
    I5, I4 = np.eye(5), np.eye(4)
    assert MA.accuracy(Y, I4, I5, Y, "identity") == 1.0, "outputs = targets must score 1"
    assert MA.accuracy(1 - Y, I4, I5, Y, "identity") == 0.0, "the true class scored lowest must score 0"
    mix = np.vstack([Y[:3], np.roll(Y[3:], 1, axis=1)])  # the last two point at the wrong class
    assert MA.accuracy(mix, I4, I5, Y, "identity") == 0.6


def test_test_accuracy_fits_the_readout_on_the_training_set_only():
    X, Y, Xt, Yt, E = modadd_problem()
    W = np.linalg.pinv(M.relu(X @ E)) @ Y  # minimum-norm zero-loss readout of the training pairs
    want = np.mean(np.argmax(M.relu(Xt @ E) @ W, 1) == np.argmax(Yt, 1))
    assert MA.test_accuracy(E, X, Y, Xt, Yt) == want
    assert MA.test_accuracy(E, X, Y, X, Y) == 1.0, "the training pairs are fitted exactly"


def test_condition_number():
    assert MA.condition_number(np.diag([2.0, 8.0, 4.0])) == 4.0
    assert MA.condition_number(np.diag([0.0, 1.0])) == float("inf")


def test_cost_R_is_the_loss_at_the_optimal_readout():
    X, Y, _, _, E = modadd_problem()
    for lam in (0.3, 1e-3):
        W = MA.optimal_readout(M.relu(X @ E), Y, lam)
        L = M.loss((E, W), X, Y, lam)
        # eps x cond^2 x size: both through the ridge solve with H H^T + lam I, cond <= cond(H)^2
        assert abs(MA.cost_R(E, X, Y, lam) - L) < tol_gram(M.relu(X @ E), E.size) * L, "R(E) != L_lam(E, W2*): finite-lambda R wrong"


def test_primal_and_dual_ridge_agree():
    X, Y, _, _, E = modadd_problem()
    H, lam = M.relu(X @ E), 0.2
    primal = np.linalg.solve(H.T @ H + lam * np.eye(H.shape[1]), H.T @ Y)  # (H^T H + lam I)^-1 H^T Y
    # eps x cond x size: the primal solve's H^T H + lam I has cond (||H||^2 + lam) / lam (the dual's less)
    assert rel_err(MA.optimal_readout(H, Y, lam), primal) < tol(H.size, (np.linalg.norm(H, 2) ** 2 + lam) / lam)


def test_readout_fits_exactly_and_HtH_is_singular_erratum1():
    X, Y, _, _, E = modadd_problem()
    H = M.relu(X @ E)  # (9, 16): d_h > n
    W = MA.optimal_readout(H, Y)
    bound = tol_gram(H, H.size)  # eps x cond^2 x size: W = H^T (H H^T)^-1 Y, a solve with H H^T
    assert np.abs(H @ W - Y).max() < bound * np.abs(Y).max(), "right pseudo-inverse readout must give zero training loss"
    assert np.linalg.matrix_rank(H.T @ H) == H.shape[0] < H.shape[1], "H^T H should be rank n < d_h"
    assert np.linalg.cond(H.T @ H) > 1e12, "erratum 1: (H^T H)^-1 does not exist when d_h > n"
    assert rel_err(W, np.linalg.pinv(H) @ Y) < bound


def test_closed_form_step_matches_closed_form_update():
    X, Y, _, _, E = modadd_problem()
    dE, H, K, B = MA.closed_form_step(E, X, Y, MA.workspace(X.shape[0], *E.shape))
    bound = tol_gram(H, H.size)  # eps x cond^2 x size: both solve with K = H H^T
    assert rel_err(dE, MA.closed_form_update(E, X, Y)) < bound
    assert rel_err(H.T @ B, MA.optimal_readout(M.relu(X @ E), Y)) < bound


def test_simulate_is_euler_on_eq20_and_keeps_zero_loss():
    X, Y, Xt, Yt, E = modadd_problem()
    E = 0.4 * E
    res = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=20, every=5, snapshots=4)
    manual = E.copy()
    for _ in range(20):
        manual = manual + 1e-2 * MA.closed_form_update(manual, X, Y)
    bound = tol_gram(M.relu(X @ E), 20 * E.size)  # eps x cond^2 x size: 20 steps, each a solve with H H^T
    assert rel_err(res["snaps"][-1], manual) < bound, "simulate is not E <- E + lr * dE"
    assert list(res["step"]) == [0, 5, 10, 15, 20] and list(res["snap_steps"]) == [0, 5, 10, 15, 20]
    assert np.array_equal(res["snaps"][0], E)
    # zero loss up to the readout's rounding, squared and summed over the Y.size residuals
    assert res["train_loss"].max() < Y.size * bound ** 2 and res["train_acc"].min() == 1.0
    # accuracies count test pairs: the same count if they agree to within half a pair
    assert abs(res["test_acc"][-1] - MA.test_accuracy(manual, X, Y, Xt, Yt)) < 0.5 / len(Xt)
    res = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=7, every=5, snapshots=2)
    assert list(res["step"]) == [0, 5, 7] and list(res["snap_steps"]) == [0, 4, 7], "the last step is recorded"


def test_simulate_follows_eq20_for_every_activation():
    X, Y, Xt, Yt, E = modadd_problem()
    E = 0.4 * E
    for act in ("tanh", "quadratic", "leaky_relu"):  # identity: H H^T singular at this n > p
        res = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=10, every=5, snapshots=2, act=act)
        manual = E.copy()
        for _ in range(10):
            manual = manual + 1e-2 * MA.closed_form_update(manual, X, Y, act)
        bound = tol_gram(M.ACTIVATIONS[act][0](X @ E), 10 * E.size)  # eps x cond^2 x size: 10 steps, each a solve with H H^T
        assert rel_err(res["snaps"][-1], manual) < bound, f"{act}: simulate is not Euler on its Eq. 20"
        assert res["test_acc"][-1] == MA.test_accuracy(res["snaps"][-1], X, Y, Xt, Yt, act)
        # zero in exact arithmetic (the optimal readout interpolates): n m squared residuals of eps x cond^2 x size
        assert res["train_loss"].max() < Y.size * (bound * np.abs(Y).max()) ** 2 and res["train_acc"].min() == 1.0, act


def test_simulate_stops_on_nan_naming_figure_and_step():
    X, Y, Xt, Yt, E = modadd_problem()
    E[0, 0] = np.nan
    try:
        MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=20, label="Figure 6 (run 3)")
    except FloatingPointError as e:
        assert "Figure 6 (run 3)" in str(e) and "step 0" in str(e), f"unhelpful message: {e}"
    else:
        raise AssertionError("a NaN embedding did not stop the simulation")


def test_simulate_warns_on_ill_conditioned_HHt_and_rejects_narrow_width():
    import warnings
    X, Y, Xt, Yt, E = modadd_problem()
    for eps, cond in ((1e-5, 1.4e13), (1e-4, 1.4e11)):  # a near-duplicate sample: H H^T nearly singular
        X2 = np.vstack([X, X[:1] + eps * X[1:2]])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = MA.simulate(E, X2, np.vstack([Y, Y[:1]]), Xt, Yt, lr=1e-3, steps=2)
        assert abs(res["cond"][0] / cond - 1) < 0.1, res["cond"]
        warned = any("cond(H H^T) > 1e12" in str(w.message) for w in caught)
        assert warned == (cond > 1e12), f"cond {cond:.1e}: warned {warned}; the threshold is 1e12"
    try:
        MA.simulate(E[:, :X.shape[0]], X, Y, Xt, Yt, lr=1e-3, steps=2)
    except ValueError as e:
        assert "d_h > n" in str(e)
    else:
        raise AssertionError("d_h = n must be rejected: H H^T is then generically singular")


def test_grok_step():
    assert MA.grok_step([0, 10, 20, 30], [0.1, 0.96, 0.9, 1.0]) == 10
    assert MA.grok_step([0, 10], [0.1, 0.94]) is None
    assert MA.grok_step([0, 10, 20], [0.5, 0.99, 1.0], level=1.0) == 20, "Fig. 5: first step at 100%"
    assert MA.grok_step([0, 10, 20], [0.5, 0.95, 1.0]) == 10, "0.95 itself counts"


def circle_embedding(p=13, units=8, noise=1e-3, seed=14):
    """Ideal Fourier embedding: frequency k owns `units` hidden units, E_j[h] = a_k cos(2 pi jk/p + phi_h)."""
    K = (p - 1) // 2
    theta = 2 * np.pi * np.outer(np.arange(p), np.arange(1, K + 1)) / p  # (p, K)
    phi = 2 * np.pi * (np.arange(units) + 0.5) / units  # phases spread evenly over each group
    E = (1 + np.arange(1, K + 1) / K)[:, None] * np.cos(theta[:, :, None] + phi)  # (p, K, units)
    return E.reshape(p, -1) + noise * np.random.default_rng(seed).normal(size=(p, K * units))


def test_fourier_features_match_fft():
    E = np.random.default_rng(12).normal(size=(11, 7))
    F = MA.fourier_features(E)
    # eps x size: 11-term DFT sums, relative to ||F|| ~ ||E|| / sqrt(11) (Parseval)
    assert F.shape == (5, 7) and rel_err(F, np.fft.fft(E, axis=0)[1:6] / 11) < tol(11 * 11 ** 0.5)


def test_fourier_diagnostics_on_perfect_circles():
    p = 13
    E = circle_embedding(p)
    d = MA.fourier_diagnostics(E)
    # not rounding: the embedding's noise 1e-3 moves these by ~1e-3, so 1e-2 (10x) for the noise
    assert np.allclose(d["norm_ratio"], 1, atol=1e-2), "ideal circles are round"
    assert np.allclose(d["cos_re_im"], 0, atol=1e-2), "ideal circles are planar"
    assert np.argmax(d["power"]) == len(d["power"]) - 1, "the largest amplitude is at k = (p-1)/2"
    rnd = MA.fourier_diagnostics(np.random.default_rng(13).normal(size=(p, 400)))
    assert d["within_vs_across"] > 5 * rnd["within_vs_across"], "own-units circles must stand out"
    assert 0.8 < rnd["within_vs_across"] < 1.25, "random E: no frequency has its own units"
    xy = MA.circle_coords(E, 3)
    r, angle = np.hypot(*xy.T), np.arctan2(xy[:, 1], xy[:, 0])
    assert np.allclose(r, r[0], rtol=1e-2), "a perfect circle projects to equal radii"  # the 1e-3 noise, as above
    assert np.allclose(np.exp(1j * angle), np.exp(-2j * np.pi * 3 * np.arange(p) / p), atol=1e-2), \
        "E_j must sit at angle -2 pi j k / p (Im F_k carries the minus sign of the transform)"


def designed_embedding(p=11, offset=5.0):
    """E_j = c + sum_k a_k cos(2 pi j k / p) + b_k sin(2 pi j k / p), so that F_k = (a_k - i b_k) / 2:
    known Fourier features (a_k, b_k >= 0, the hand-computed numbers below)."""
    e = np.eye(4)
    a = [2 * e[0], e[0] + e[1], 3 * e[2], e[2], e[3]]
    b = [e[1], e[0] + e[1], 4 * e[3], e[2], 0.5 * e[2]]
    w = 2 * np.pi * np.outer(np.arange(p), np.arange(1, 6)) / p  # (p, K = 5)
    return offset + np.cos(w) @ np.array(a) + np.sin(w) @ np.array(b), np.array(a), np.array(b)


def test_fourier_diagnostics_known_answers():
    E, a, b = designed_embedding()
    # eps x cond x size: 11-term DFT sums in which the offset cancels, cond = ||E|| / ||F||
    bound = tol(11, np.linalg.norm(E) / np.linalg.norm((a - 1j * b) / 2))
    assert rel_err(MA.fourier_features(E), (a - 1j * b) / 2) < bound, "F_k = (1/p) sum_j exp(-2 pi i jk/p) E_j"
    d = MA.fourier_diagnostics(E)
    power = np.array([1.25, 1.0, 6.25, 0.5, 0.3125])  # (|a_k|^2 + |b_k|^2) / 4; the offset is k = 0
    bound_k = bound * np.sqrt(power.sum() / power)  # the weaker F_k, the larger its relative error
    assert np.allclose(d["power"], power, rtol=0, atol=2 * bound_k.max() * power.max()) and list(d["k"]) == [1, 2, 3, 4, 5]
    assert close(d["norm_ratio"], [0.5, 1, 0.75, 1, 0.5], kappa=2 * bound_k.max() / EPS) and close(d["cos_re_im"], [0, 1, 0, 1, 0], kappa=2 * bound_k.max() / EPS)
    # |Re F_k|, |Im F_k| directions: e1, e2 | u, u | e3, e4 | e3, e3 | e4, e3 with u = (e1 + e2)/sqrt(2):
    # within = mean over the 10 off-diagonal same-frequency entries = 4/10; across = (4 sqrt2 + 12)/80
    # directions of Re F_k, Im F_k, each to bound_k (the weakest F_k's is the largest)
    assert abs(d["within_vs_across"] - 0.4 / ((4 * 2 ** 0.5 + 12) / 80)) < bound_k.max(), d["within_vs_across"]
    assert list(MA.strongest_frequencies(E)) == [3, 1, 2, 4] and close(d["power_top4_fraction"], 9 / 9.3125, kappa=2 * bound_k.max() / EPS)
    rnd = [np.random.default_rng(i).normal(size=(11, 4)) for i in (1, 2)]
    X11 = MA.modular_addition(11)[0]
    f, units, shares = grok.fourier_means([{"snaps": [rnd[0], E]}, {"snaps": [rnd[1], E]}], rnd[::-1], [X11, X11])
    assert all(f[f"{k}_random"] == f[f"{k}_init"] for k in ("norm_ratio", "cos_re_im", "within_vs_across"))  # same Es
    assert units["final"]["dead_units"] == [0, 0] and np.array_equal(shares["random"], MA.unit_frequencies(rnd[1], X11)["share"])
    assert close(f["power_top4_fraction_final"], 9 / 9.3125, kappa=2 * bound_k.max() / EPS) and close(f["norm_ratio_final"], 0.75, kappa=2 * bound_k.max() / EPS)
    assert close(f["cos_re_im_final"], 0.4, kappa=2 * bound_k.max() / EPS) and close(f["within_vs_across_final"], d["within_vs_across"])
    r = [MA.fourier_diagnostics(x) for x in rnd]  # init: the mean over both runs
    assert close(f["within_vs_across_init"], np.mean([x["within_vs_across"] for x in r]), 2)  # means of 2
    assert close(f["norm_ratio_init"], np.mean([x["norm_ratio"].mean() for x in r]), 10)
    assert close(f["cos_re_im_init"], np.mean([x["cos_re_im"].mean() for x in r]), 10)
    assert close(f["power_top4_fraction_init"],
                      np.mean([np.sort(x["power"])[1:].sum() / x["power"].sum() for x in r]))


def test_fig6_circle_rows_known_answers():
    """Two circles in orthogonal planes: E0 = radius 1 at k = 2 on units 1-2, 0.5 at k = 3 on
    units 3-4; E1 = radius 0.5 at k = 2 on units 3-4, 2 at k = 3 on units 1-2. The share of
    E's spread in a plane, drawn in each panel, is then known."""
    w = 2 * np.pi * np.arange(11) / 11
    def circle(k, r, i):  # radius r at frequency k on hidden units i, i + 1
        return r * (np.outer(np.cos(k * w), np.eye(4)[i]) + np.outer(np.sin(k * w), np.eye(4)[i + 1]))
    E0, E1 = 3 + circle(2, 1, 0) + circle(3, 0.5, 2), circle(2, 0.5, 2) + circle(3, 2, 0)
    rows = grok.circle_rows(E0, E1, [2, 3])
    share = [[(c ** 2).sum() / var for c in coords] for _, coords, var in rows]
    assert close([var for *_, var in rows], [11 * 1.25, 11 * 1.25, 11 * 4.25], 3 * E0.size)  # eps x size: sums of E.size squares (3 + offset)
    assert close(share, [[0.8, 0.2], [0.2, 0.8], [0.25 / 4.25, 4 / 4.25]], 3 * E0.size), share


def test_fig6_defaults_are_the_papers():
    s = grok.fig6_settings(grok.parse_args([]))
    assert s == {"p": 37, "hidden": 512, "train_frac": 0.7, "lr": 1e-3, "steps": 5000, "runs": 5,
                 "act": "relu", "n_train": 492, "record_every": 10, "init_std": 37 ** -0.5}, s
    assert grok.fig6_settings(Namespace(quick=False)) == s, "fig6_settings' own defaults differ"


def test_fig6_quick_numbers():
    """The --quick Fig. 6 (3 runs, p = 23, 450 steps of 5e-3) shows grokking: the mean test accuracy
    stays within 2x chance for at least a third of the recorded steps, then every run passes 95%;
    the Fourier picture moves as in the full run; the summary reduces the runs as documented. (Its
    numbers beyond the paper, per-unit frequencies and Eq. 20 as a flow: studies/test_studies.py.)"""
    s, drawn = quick_figure("6")
    runs = drawn["runs"]
    st = s["settings"]
    assert (st["p"], st["hidden"], st["steps"], st["lr"], s["runs"]) == (23, 256, 450, 5e-3, 3)
    assert st["n_train"] == 193 and close(st["init_std"], 23 ** -0.5, 2) and st["record_every"] == 10
    for r, res in enumerate(runs):  # each run: its own split and initial E from (seed, 6, r)
        rng = np.random.default_rng([0, 6, r])
        MA.train_test_split(276, 0.7, rng)
        assert np.array_equal(res["snaps"][0], MA.init_embedding(rng, 23, 256)), f"run {r}: wrong init"
        assert list(res["step"]) == list(range(0, 451, 10)) and len(res["cond"]) == 11  # snapshots 0, 6, .., 60
    acc = np.stack([res["test_acc"] for res in runs])
    norms = np.stack([res["norm"] for res in runs])
    # the plateau, then the rise (issue: --quick must show grokking), from the summary
    assert s["chance_fraction"] == np.mean(acc.mean(axis=0) <= 2 / 23) >= 1 / 3, s["chance_fraction"]
    assert min(s["test_acc_final"]) >= 0.95 and None not in s["grok_step"], f"quick runs must grok: {s['test_acc_final']}"
    plateau_end = 10 * (np.argmax(acc.mean(axis=0) > 2 / 23))
    assert s["grok_step"] == [int(res["step"][np.argmax(a >= 0.95)]) for res, a in zip(runs, acc)]
    assert min(s["grok_step"]) > plateau_end >= 450 / 3, (plateau_end, s["grok_step"])  # chance for a third, then 95%
    assert s["test_acc_mean_at"] == {"0": acc[:, 0].mean()} and acc[:, 0].mean() < 2 / 23
    # memorized: a criterion, not a rounding bound (zero in exact arithmetic; the rounding level
    # n m (eps cond(H H^T))^2 is ~5e-20 at these runs' cond ~2e4, and 1e-24 is seen)
    assert s["train_loss_max"] == max(res["train_loss"].max() for res in runs) < 1e-16
    assert s["train_acc_min"] == 1.0 and all(res["train_acc"].min() == 1 for res in runs)
    # ||E0||_F of N(0, 1/p) entries is sqrt(d_h) to ~1%
    assert abs(s["norm_init_mean"] / 256 ** 0.5 - 1) < 0.03, s["norm_init_mean"]
    assert np.allclose([s["norm_init_mean"], s["norm_max_mean"], s["norm_final_mean"]],
                       [norms[:, 0].mean(), norms.max(axis=1).mean(), norms[:, -1].mean()], rtol=tol(len(runs)))  # means of the runs
    assert s["cond_HHt_max"] == max(res["cond"].max() for res in runs) < 1e12
    E0, E1 = runs[0]["snaps"][0], runs[0]["snaps"][-1]
    assert s["top_frequencies_run0"] == list(MA.strongest_frequencies(E1))
    step, acc_drawn, _, d0, d1 = drawn["fig6"][:5]  # panels (c)-(f): run 0's first and last E
    assert np.array_equal(acc_drawn, acc) and np.array_equal(step, runs[0]["step"])
    for d, E in ((d0, E0), (d1, E1)):
        assert d["within_vs_across"] == MA.fourier_diagnostics(E)["within_vs_across"]
    rows, ks = drawn["circles"][:2]
    assert list(ks) == s["top_frequencies_run0"] and np.array_equal(rows[2][1][0], MA.circle_coords(E1, ks[0]))
    assert drawn["trajectories"]["fig6"]["snaps"] is runs[0]["snaps"], "the animation must get run 0"
    f = s["fourier"]
    problems = [grok.fig6_problem(Namespace(seed=0), st, r) for r in range(3)]
    randoms = [MA.init_embedding(np.random.default_rng([0, 6, r, 1]), 23, 256, st["init_std"]) for r in range(3)]
    fm = grok.fourier_means(runs, randoms, [P[0] for P in problems])
    assert f == grok.jsonable(fm[0])
    # as in the full run (README): rounder, flatter circles on their own units
    assert f["norm_ratio_final"] > f["norm_ratio_init"] and f["cos_re_im_final"] < f["cos_re_im_init"]
    assert f["within_vs_across_final"] > 1.5 * f["within_vs_across_init"], f


def test_fig6_act_flag_runs_that_activation_and_says_so():
    """--act tanh: the runs follow tanh's Eq. 20, and the settings the title and summary read say so,
    with the initial std the runs used (FIG6_INIT_SCALE changed, as "Things to try" does)."""
    args = grok.parse_args(["--act", "tanh", "--p", "7", "--hidden", "40", "--steps", "20", "--runs", "1"])
    drawn, saved = {}, (plots.fig6, plots.fig6_circles, grok.FIG6_INIT_SCALE)
    plots.fig6 = lambda *a: drawn.update(fig6=a)
    plots.fig6_circles = lambda *a: None
    grok.FIG6_INIT_SCALE = 3.0
    try:
        s = grok.jsonable(grok.fig6(args)["fig6"])
    finally:
        plots.fig6, plots.fig6_circles, grok.FIG6_INIT_SCALE = saved
    assert s["settings"]["act"] == "tanh" and drawn["fig6"][5]["act"] == "tanh"
    assert close(s["settings"]["init_std"], 3 * 7 ** -0.5, 2), s["settings"]  # eps x size: a power and a product
    rng = np.random.default_rng([0, 6, 0])
    X, Y, _ = MA.modular_addition(7)
    tr, te = MA.train_test_split(X.shape[0], 0.7, rng)
    E = MA.init_embedding(rng, 7, 40, 3 * 7 ** -0.5)
    assert np.isclose(np.linalg.norm(E), s["norm_init_mean"], rtol=tol(E.size), atol=0), "the run did not use that std"  # eps x size: a norm
    for _ in range(20):
        E = E + 1e-3 * MA.closed_form_update(E, X[tr], Y[tr], "tanh")
    # eps x cond^2 x size: 20 steps, each a solve with H H^T (H at the last E)
    assert rel_err(E, grok.TRAJECTORIES["fig6"]["snaps"][-1]) < tol_gram(np.tanh(X[tr] @ E), 20 * E.size), "Figure 6 did not run tanh's Eq. 20"
    code, _, err = run_main("--figs", "6", "--act", "softmax")
    assert code == 2 and err.count("\n") == 1 and "--act" in err, err


def test_circle_plane_is_orthogonal_so_it_never_holds_more_than_the_spread():
    for p in (3, 5, 13):  # at p = 3, Re F_1 and Im F_1 of a random E are far from orthogonal
        E = np.random.default_rng(p).normal(size=(p, 64))
        xy = MA.circle_coords(E, 1)
        spread = ((E - E.mean(axis=0)) ** 2).sum()
        # eps x size: sums of squares over E's p x 64 entries (and p-term Fourier sums)
        assert (xy ** 2).sum() <= spread * (1 + tol(E.size)), f"p = {p}: the plane holds more than the spread"
        if p == 3:  # three centred points span a plane, and Re F_1, Im F_1 span the same plane
            assert abs((xy ** 2).sum() / spread - 1) < tol(E.size), (xy ** 2).sum() / spread


# ---------------------------------------------------------------- command line, robustness, reproducibility
def test_cli_rejects_bad_input_with_one_line_and_status_2():
    import importlib.util
    with tempfile.NamedTemporaryFile() as not_a_dir:
        cases = [["--figs", "1,99"], ["--figs", ""], ["--p", "2"], ["--p", "36"],
                 ["--train-frac", "0"], ["--train-frac", "1.5"], ["--hidden", "400"],
                 ["--steps", "0"], ["--lr=-1e-3"], ["--runs", "0"], ["--seed", "x"],
                 ["--out", os.path.join(not_a_dir.name, "sub")]]
        if importlib.util.find_spec("cupy") is None:
            cases.append(["--backend", "cupy"])
        for i, flags in enumerate(cases):  # two through a real `python grok.py`, the rest through grok.main
            code, out, err = run_cli(*flags) if i < 2 else run_main(*flags)
            lines = err.strip().splitlines()
            assert code == 2, f"{flags}: exit status {code}, wanted 2"
            assert "Traceback" not in err and len(lines) == 1 and lines[0].startswith("grok.py: error:"), \
                f"{flags}: wanted one error line, got {err!r}"


def test_cli_blow_up_names_figure_and_step():
    with tempfile.TemporaryDirectory() as d:
        code, _, err = run_main("--quick", "--figs", "6", "--lr", "1e5", "--out", d)
    assert code == 1 and "Traceback" not in err, f"status {code}: {err}"
    assert "figure 6" in err and "NaN/inf at step" in err, f"unhelpful message: {err!r}"


def test_cli_quick_is_reproducible_and_seeded():
    """Same seed, same numbers in a fresh process (Figs. 1 and 2 here; the CuPy stand-in test reruns the
    --quick Fig. 6 in one), and --seed changes the seeded figures: 1 (its test set), 2 (its starts), 6."""
    with tempfile.TemporaryDirectory() as b:
        code, _, err = run_cli("--quick", "--figs", "1,2", "--out", b)
        assert code == 0, err
        sb = read_summary(b)
        assert set(sb) == {"fig1", "fig2", "meta"} and sb["meta"]["seed"] == 0, set(sb)
        assert all(sb[f"fig{n}"] == quick_figure(n)[0] for n in "12"), "same seed, different numbers"
        code, _, err = run_main("--quick", "--seed", "4", "--figs", "1,2", "--out", b)
        assert code == 0, err
        assert all(read_summary(b)[f"fig{n}"] != sb[f"fig{n}"] for n in "12"), "--seed does not change Figs. 1, 2"
        tiny = ("--figs", "6", "--p", "7", "--hidden", "40", "--steps", "20", "--runs", "1", "--out", b)
        fig6 = []
        for seed in ("0", "4", "0"):
            code, _, err = run_main(*tiny, "--seed", seed)
            assert code == 0, err
            fig6.append(read_summary(b)["fig6"])
        assert fig6[0] == fig6[2] != fig6[1], "--seed does not change Figure 6, or the same seed not alike"


def test_cli_every_flag_value_is_answered_in_one_line():
    """Out-of-range, non-finite, degenerate and too-large values: status 2 and one line naming the
    flag, before any work starts (through grok.main, as on the command line)."""
    with tempfile.TemporaryDirectory() as d:
        cases = {("--seed", "-1"): "--seed", ("--lr", "nan"): "--lr", ("--lr", "inf"): "--lr",
                 ("--train-frac", "nan"): "--train-frac", ("--train-frac", "inf"): "--train-frac",
                 ("--train-frac", "0.001"): "no training pairs", ("--train-frac", "0.999"): "no test pairs",
                 ("--quick", "--train-frac", "0.995"): "no test pairs in Figure 8 (p = 13",
                 ("--figs", "6", "--quick", "--p", "3", "--train-frac", "0.05"): "no training pairs in Figure 6",
                 ("--p", "1" + "0" * 20 + "1"): "too large", ("--hidden", str(10 ** 10)): "GiB",
                 ("--figs", "6", "--p", "100001", "--train-frac", "1e-9"): "GiB",
                 ("--steps", str(10 ** 13)): "GiB", ("--runs", str(10 ** 11)): "GiB",
                 ("--bench", "--figs", "6"): "--bench", ("--bench", "--p", "101", "--hidden", "200"): "--bench",
                 ("--figs", "1, 99"): "99"}
        for flags, words in cases.items():
            code, _, err = run_main(*flags, "--out", d) if "--bench" not in flags else run_main(*flags)
            lines = err.strip().splitlines()
            assert code == 2 and len(lines) == 1 and lines[0].startswith("grok.py: error:"), (flags, code, err)
            assert words in lines[0], f"{flags}: the message should say {words!r}: {lines[0]}"
        assert os.listdir(d) == [], "a rejected run wrote files"
    code, _, err = run_cli("--figs", "1", env=dict(os.environ, GROK_BACKEND="tpu"))
    assert code == 2 and err.strip().splitlines() == [
        "grok.py: error: GROK_BACKEND must be 'numpy' or 'cupy', not 'tpu'"], (code, err)


# ---------------------------------------------------------------- one page of results: index.html
def index_page(d):
    """(image sources, paragraph texts) of d/index.html, read with the standard HTML parser."""
    from html.parser import HTMLParser

    class Page(HTMLParser):
        imgs, paras, in_p = [], [], False

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.imgs.append(dict(attrs)["src"])
            self.in_p = self.in_p or tag == "p"
            if tag == "p":
                self.paras.append("")

        def handle_endtag(self, tag):
            self.in_p = self.in_p and tag != "p"

        def handle_data(self, data):
            if self.in_p:
                self.paras[-1] += data

    page = Page()
    with open(os.path.join(d, "index.html")) as f:
        page.feed(f.read())
    return page.imgs, page.paras


def test_index_html_shows_every_image_with_its_numbers():
    """index.html of the --quick Figs. 1-6 (the studies' captions: studies/test_studies.py)."""
    s = {f"fig{n}": quick_figure(n)[0] for n in "123456"}
    d = QUICK["out"]
    s["meta"] = read_summary(d)["meta"]
    imgs, paras = index_page(d)
    on_disk = sorted(f for f in os.listdir(d) if f.endswith((".png", ".gif")))
    assert sorted(imgs) == on_disk and len(imgs) == len(set(imgs)), (imgs, on_disk)
    assert imgs.index("fig1.png") < imgs.index("fig5.png") < imgs.index("fig7.png") < imgs.index("fig6.png")
    text = " ".join(paras)
    assert f"generalized after {plots.nums(s['fig1']['steps_to_generalize'])};" in text
    for key, numbers in (("fig1", s["fig1"]["steps_to_generalize"]), ("fig5", s["fig5"]["grok_step"]),
                         ("fig6", [s["fig6"]["settings"]["n_train"]])):
        none = {"fig1": f"not within {s['fig1']['steps']}", "fig5": f"not within {s['fig5']['steps']}"}.get(key, "never")
        assert all(str(n if n is not None else none) in text for n in numbers), (key, numbers)
    cos = s["fig5"]["by_phase"]["cos_momentum"]
    phases = plots.nums([cos[ph] for ph in MA.PHASES], ".2f", "-")
    assert f"{' / '.join(MA.PHASES)} = {phases} with P_T at the paper's" in text, "Figure 5 caption: phases mixed up"
    wall = s["meta"]["wall_seconds"]
    for name in ("1", "5", "6"):
        assert f"wall time {wall[name]:.1f} s" in text, name
    assert text.count(f"Seed {s['meta']['seed']}") >= len(s), "every caption states the seed"


# ---------------------------------------------------------------- the CuPy path, without a GPU
# .ci/cupy_standin/cupy/__init__.py: a strict CPU stand-in for the `cupy` module. Its arrays wrap NumPy
# arrays, NumPy functions and ufuncs called on them run on the wrapped data and return stand-in arrays,
# and, as in CuPy, they refuse every implicit conversion to NumPy (__array__ raises; no
# __array_interface__, __array_struct__ or buffer) and every mix with NumPy arrays in arithmetic.
CUPY_STANDIN = os.path.join(HERE, ".ci", "cupy_standin")


def cupy_standin_env():
    """The environment in which Python imports the stand-in as `cupy`."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [CUPY_STANDIN, os.environ.get("PYTHONPATH")])))


def test_cli_cupy_standin_runs_fig6_and_bench_like_numpy():
    """--backend cupy on the stand-in: the --quick Fig. 6, in a fresh process, gives NumPy's numbers
    (those of this process's run); --bench runs. (The studies' tests run Figs. 8-14 on it.)"""
    numpy_fig6, _ = quick_figure("6")
    with tempfile.TemporaryDirectory() as d:
        env = cupy_standin_env()
        code, _, err = run_cli("--quick", "--figs", "6", "--backend", "cupy", "--out", os.path.join(d, "out"), env=env)
        assert code == 0, f"--backend cupy failed on the stand-in:\n{err[-3000:]}"
        s = read_summary(os.path.join(d, "out"))
        code, out, err = run_cli("--bench", "--quick", "--backend", "cupy", env=env)
        assert code == 0 and "cupy" in out, f"--bench on the stand-in failed:\n{err[-3000:]}"
    assert s["meta"]["backend"] == "cupy" and set(s) == {"fig6", "meta"}, set(s)
    assert s["fig6"] == numpy_fig6, [k for k in numpy_fig6 if s["fig6"].get(k) != numpy_fig6[k]]


# ---------------------------------------------------------------- the runner (also studies/test_studies.py's and .ci/test_layout.py's)
USAGE = """usage: python {prog} [WORD ...]
Runs every test_* function, or only those whose names contain one of the WORDs: a case-insensitive
substring (`python test_grok.py gradient`: the finite-difference checks). Ends with "N passed, M failed"."""


def failure_message(e):
    """The exception's message; for one without (a bare `assert x`), the source of the statement that raised."""
    if str(e).strip():
        return str(e)
    where = traceback.extract_tb(e.__traceback__)[-1]
    last = getattr(where, "end_lineno", None) or where.lineno
    src = "\n".join(linecache.getline(where.filename, n).rstrip() for n in range(where.lineno, last + 1))
    return f"{os.path.basename(where.filename)}:{where.lineno}: {textwrap.dedent(src).strip() or where.line}"


def run(namespace, argv=(), prog="test_grok.py"):
    """Run the test_* functions of namespace (a module's globals()), or those whose names contain a
    word of argv (case-insensitive), each failure with its message and traceback, and end with
    "N passed, M failed". Returns the exit status: 0, 1 if a test failed, 2 for a word no name holds."""
    if any(a in ("-h", "--help") for a in argv):
        print(USAGE.format(prog=prog))
        return 0
    tests = [(name, f) for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    unmatched = [a for a in argv if not any(a.lower() in name.lower() for name, _ in tests)]
    if unmatched:
        print(f"{prog}: no test name contains {', '.join(map(repr, unmatched))}\n{USAGE.format(prog=prog)}",
              file=sys.stderr)
        return 2
    tests = [(name, f) for name, f in tests if not argv or any(a.lower() in name.lower() for a in argv)]
    failed = 0
    for name, f in tests:
        try:
            f()
            print(f"ok    {name}", flush=True)
        except Exception as e:  # report every failure, then keep going
            failed += 1
            print(f"FAIL  {name}: {type(e).__name__}: {failure_message(e)}", flush=True)
            traceback.print_exc(limit=3, file=sys.stdout)
    print(f"{len(tests) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(globals(), sys.argv[1:]))
