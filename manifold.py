"""The zero-loss set Z = {theta : F(theta) = Y} of a model from models.py (Sections 2 and 4).

From a point theta of training: project onto Z, the tangent space T = null(J) there, the
norm-minimizing direction within Z, the distance to Z, and how close J is to singular.
Notation: n samples, m outputs, d parameters; F(theta) in R^{n m} stacked outputs and
J = dF/dtheta (n m x d) with n m < d (over-parametrized), so everything goes through the small
Gram matrix J J^T (n m x n m): J^+ = J^T (J J^T)^+, never (J^T J)^-1 J^T, which would invert
a d x d matrix of rank at most n m.
"""
import numpy

import models as M
from models import xp

RTOL = 1e-6  # singular values below RTOL * sigma_max count as zero (see jacobian_svd)


def cosine(a, b):
    """cos of the angle between two vectors."""
    return float(xp.dot(a, b) / (xp.linalg.norm(a) * xp.linalg.norm(b)))


# ---------------------------------------------------------------- the Gram matrix J J^T
def gram(params, X, act="relu"):
    """J J^T (n m x n m) without forming J: for sigma(X W1) W2 its entry ((i,j), (k,l)) is
    (X X^T)_ik sum_h S_ih S_kh W2_hj W2_hl + (H H^T)_ik delta_jl, with S = sigma'(X W1)."""
    n, m = X.shape[0], params[-1].shape[1]
    if len(params) == 1:
        return xp.kron(X @ X.T, xp.eye(m))
    W1, W2 = params
    sigma, dsigma = M.ACTIVATIONS[act]
    Z = X @ W1
    H, S = sigma(Z), dsigma(Z)
    A = (S[:, None, :] * W2.T[None]).reshape(n * m, -1)  # A[(i,j), h] = S_ih W2_hj
    return xp.kron(X @ X.T, xp.ones((m, m))) * (A @ A.T) + xp.kron(H @ H.T, xp.eye(m))


def jacobian_svd(J, G=None):
    """Left singular vectors U and singular values s (descending) of J, from the n m x n m
    eigenproblem J J^T = U diag(s^2) U^T (G = J J^T may be passed in, e.g. from `gram`).

    Far cheaper than an SVD of J; it resolves s only down to ~sqrt(eps) sigma_max ~ 1e-8
    sigma_max, which is why RTOL is 1e-6.
    """
    w, U = xp.linalg.eigh(J @ J.T if G is None else G)
    return U[:, ::-1], xp.sqrt(xp.maximum(w[::-1], 0.0))


def sigma_min(J):
    """Smallest singular value of J (n m x d, n m <= d): 0 at the singular points of Def. 4.9."""
    return float(xp.sqrt(xp.maximum(xp.linalg.eigvalsh(J @ J.T)[0], 0.0)))


# ---------------------------------------------------------------- tangent space and directions
def tangent_projector(J, svd=None, rtol=RTOL):
    """P_T = I - J^+ J, the orthogonal projector onto T = null(J), as a function v -> P_T v.

    J^+ J = J^T U_r diag(s_r^-2) U_r^T J over the singular values above rtol * s_max: a
    truncated pseudo-inverse, so a (nearly) rank-deficient J is handled, not inverted.
    `v` may be a vector (d,) or a matrix of column vectors (d, k).
    """
    U, s = jacobian_svd(J) if svd is None else svd
    r = int(xp.sum(s > rtol * s[0]))
    U = U[:, :r]
    B = U / s[:r] ** 2  # (n m, r)
    return lambda v: v - J.T @ (B @ (U.T @ (J @ v)))


def norm_min_direction(P, theta):
    """g = -P_T theta: steepest descent of ||theta||^2 within T (Sec. 2; not normalized)."""
    return -P(theta)


def norm_min_on_Z(E, W2, X):
    """First-layer part of -P_T theta for the ReLU net relu(X E) W2 (Sec. 4, both layers free):
    -theta + J^+ J theta, with J theta = 2 F because the bias-free ReLU net is 2-homogeneous."""
    dE, _ = min_norm_step((E, W2), X, 2.0 * M.forward((E, W2), X))
    return dE - E


def sharpness(params, X, lam, iters=100, act="relu", mean=False, svd=None):
    """Lemma C.1: top eigenvalue of the Hessian 2c J^T J + 2 lam I of L_lam on Z; GD is stable for
    lr < 2 / it. c = 1 for the sum of squares (Eq. 1), 1/(n m) for the mean (PyTorch's MSELoss,
    which the paper's code uses, so its stability bound is n m times larger). Exact from `svd` =
    jacobian_svd(J) if given, else Lanczos on J J^T (same nonzero eigenvalues): at Fig. 8's
    start the two largest lie within 2% of each other, where 100 power steps miss the top one
    by ~1%."""
    if svd is not None:
        top, nm = float(svd[1][0]) ** 2, svd[0].shape[0]
    else:
        G = gram(params, X, act)
        top, nm = lanczos_top(G, iters), G.shape[0]
    return 2.0 * (1.0 / nm if mean else 1.0) * top + 2.0 * lam


def lanczos_top(G, iters=100):
    """Largest eigenvalue of the symmetric matrix G by `iters` Lanczos steps (full reorthogonalization)."""
    k = min(iters, G.shape[0])
    Q = xp.zeros((k, G.shape[0]))
    q = xp.ones(G.shape[0]) / G.shape[0] ** 0.5
    a, b = [], []  # the tridiagonal T = Q G Q^T whose top eigenvalue converges to G's
    for j in range(k):
        Q[j] = q
        w = G @ q
        a.append(float(q @ w))
        for _ in range(2):  # reorthogonalizing twice is enough to keep Q orthonormal
            w -= Q[:j + 1].T @ (Q[:j + 1] @ w)
        if j == k - 1 or float(xp.linalg.norm(w)) < 1e-12 * a[0]:  # done, or an invariant subspace
            break
        b.append(float(xp.linalg.norm(w)))
        q = w / b[-1]
    T = numpy.diag(a) + numpy.diag(b, 1) + numpy.diag(b, -1)
    return float(numpy.linalg.eigvalsh(T)[-1])


def tangent_split(P, u):
    """u = P_T u + (u - P_T u): the part of an update along Z and the part normal to it (Sec. 4)."""
    Pu = P(u)
    return Pu, u - Pu


def tangent_alignment(P, u, theta):
    """(cos(u, g), cos(P_T u, g), ||P_T u|| / ||u||) for g = -P_T theta (Sec. 4). Since g is
    tangent, the first is the product of the other two: the Fig. 5 cosine = tangential cosine
    x tangent fraction."""
    g = norm_min_direction(P, theta)
    Pu, _ = tangent_split(P, u)
    return cosine(u, g), cosine(Pu, g), float(xp.linalg.norm(Pu) / xp.linalg.norm(u))


def smooth_radius(params_Z, params, X):
    """How far from theta* = proj_Z(theta), along the ray toward theta, the ReLU net stays smooth
    (Thm 4.14's regime): the distance at which the first pre-activation X W1 changes sign (inf
    if none does). X W1 is linear along the ray, z(s) = z* + s (z - z*), so this is exact."""
    Z0, Z1 = X @ params_Z[0], X @ params[0]
    D = Z1 - Z0
    s = xp.where(Z0 * D < 0, -Z0 / xp.where(D == 0, 1.0, D), xp.inf)  # crossings at s > 0
    return float(xp.min(s)) * distance_to_Z(params, params_Z)


def random_normal_direction(J, rng):
    """A random unit vector of the normal space T^perp = range(J^T)."""
    v = J.T @ xp.asarray(rng.normal(size=J.shape[0]))
    return v / xp.linalg.norm(v)


# ---------------------------------------------------------------- projection onto Z
def min_norm_step(params, X, R, act="relu"):
    """J^+ R = J^T (J J^T)^-1 R, the shortest dtheta with J dtheta = R, per matrix
    (through the n m x n m Gram matrix, never the d x d J^T J).

    A plain solve: J has full row rank away from the singular points, which Thm 4.10 says
    Z almost surely avoids (sigma_min checks it)."""
    U = xp.linalg.solve(gram(params, X, act), R.ravel()).reshape(R.shape)
    return M.backward(params, X, U, act)  # J^T U without forming J


def zero_loss_projection(params, X, Y, act="relu", mean=True, method="gauss-newton",
                         lr=1.0, steps=None, tol=1e-20):
    """proj_Z(theta), estimated two ways; returns (params on Z, the loss L reached there).

    "momentum" (the paper's estimate, App. D): `steps` (default 100) steps of gradient
    descent on L with lam = 0, learning rate lr, momentum 0.9.
    "gauss-newton": theta <- theta - J^+ (F(theta) - Y) until L < tol, at most `steps`
    (default 20) times. Each step is the shortest move that zeroes the linearized
    residual, so the limit is the nearest point of Z up to O(dist_Z^2).
    """
    if method == "momentum":
        params, _ = M.gradient_descent(params, X, Y, steps or 100, lr, 0.0, act, mean,
                                       momentum=0.9)
    else:
        for _ in range(steps or 20):
            if M.loss(params, X, Y, 0.0, act, mean) < tol:
                break
            R = M.forward(params, X, act) - Y
            params = tuple(P - D for P, D in zip(params, min_norm_step(params, X, R, act)))
    return params, M.loss(params, X, Y, 0.0, act, mean)


def nearest_point(theta, residual, jac, steps=30, r_tol=1e-10, rtol=1e-8):
    """The orthogonal projection of theta onto {x : r(x) = 0}: the nearest x, found by
    linearizing the constraint about the iterate x_j but measuring the step from theta,
    x_{j+1} = theta - J_j^+ (r(x_j) - J_j (x_j - theta)), whose fixed points are the feasible x
    with theta - x in range(J^T) (the normal space there): the first-order conditions of
    min ||x - theta|| s.t. r(x) = 0. The step x_{j+1} - x_j = -P_T v - J^+ r (v = x_j - theta)
    is the Gauss-Newton correction plus a move along T toward theta; it is halved (up to 8
    times) until ||r|| falls by alpha / 2 or stays below 1e-3 ||r(theta)||, so that curvature
    cannot throw the iterate off Z. residual(x): r (n m,); jac(x): (v -> J v, u -> J^T u,
    J J^T) at x. Returns (x, info): info["residual"] = ||P_T (theta - x)|| / ||theta - x||
    (P_T at x; 0 at the true foot), "r" = ||r(x)||, "iters", "converged" (||r|| <= r_tol and
    residual <= rtol reached). If it does not converge within `steps`, the iterate of smallest
    ||r|| and theta itself are each taken to {r = 0} by Gauss-Newton steps (restore), and the
    nearer of the two feasible points is returned, with info["fallback"] True."""
    def measure(x, r):  # (||r||, ||P_T v|| / ||v||, v -> P_T v's pieces) at x
        Jv, JTu, G = jac(x)
        v = x - theta
        W = xp.linalg.solve(G, xp.stack([Jv(v), r], axis=1))  # (J J^T)^-1 [J v, r], (n m, 2)
        Pv = v - JTu(W[:, 0])  # P_T v
        nv = float(xp.linalg.norm(v))
        return float(xp.linalg.norm(r)), float(xp.linalg.norm(Pv)) / nv if nv > 0 else 0.0, \
            Pv, JTu(W[:, 1])

    def restore(x):  # Gauss-Newton x <- x - J^+ r onto {r = 0}
        for _ in range(20):
            r = residual(x)
            nr, orth, _, step = measure(x, r)
            if nr <= r_tol:
                break
            x = x - step
        return x, nr, orth

    x, r = theta.copy(), residual(theta)
    tube, best, it = 1e-3 * float(xp.linalg.norm(r)), (theta, numpy.inf), 0
    beta, last = 1.0, numpy.inf
    for it in range(steps + 1):
        nr, orth, Pv, step = measure(x, r)
        if nr <= r_tol and orth <= rtol:
            return x, {"residual": orth, "r": nr, "iters": it, "converged": True,
                       "fallback": False}
        best = (x, nr) if nr < best[1] else best
        if orth > last and it > 1:  # the move along T overshoots (curvature): shorten it
            beta = max(beta / 2, 1 / 64)
        last = orth
        s = -beta * Pv - step
        for alpha in 0.5 ** numpy.arange(9):
            c = x + alpha * s
            rc = residual(c)
            if float(xp.linalg.norm(rc)) <= max((1 - alpha / 2) * nr, tube):
                break
        x, r = c, rc
    feet = [restore(best[0]), restore(theta)]
    x, nr, orth = min(feet, key=lambda f: (f[1] > r_tol, float(xp.linalg.norm(f[0] - theta))))
    return x, {"residual": orth, "r": nr, "iters": it, "converged": False, "fallback": True}


def orthogonal_projection(params, X, Y, act="relu", mean=True, steps=30, tol=1e-20, rtol=1e-8,
                          kink=1e-6):
    """proj_Z(theta), the nearest point theta* of Z = {F = Y} (nearest_point); returns
    (params on Z, info) with info["loss"] the loss L left there (mean or sum, as `mean`),
    "residual" ||P_T(theta - theta*)|| / ||theta - theta*|| with P_T at theta* (0 for the true
    foot), "dist" ||theta - theta*||, "iters", "converged" (L <= tol and residual <= rtol).
    For ReLU Z is smooth only within one activation pattern: P_T is then the one of theta*'s
    pattern (sigma'(0) = 0), and info["kinks"] counts the pre-activations X W1 at theta* with
    |z| <= kink (the foot sits on a kink there), info["crossed"] those whose sign differs
    between theta and theta*."""
    theta = M.pack(params)
    c = 1.0 / Y.size if mean else 1.0

    def residual(t):
        return (M.forward(M.unpack(t, params), X, act) - Y).ravel()

    def jac(t):
        p = M.unpack(t, params)
        return (lambda v: M.jvp(p, X, M.unpack(v, p), act).ravel(),
                lambda u: M.pack(M.backward(p, X, u.reshape(Y.shape), act)), gram(p, X, act))

    x, info = nearest_point(theta, residual, jac, steps, (tol / c) ** 0.5, rtol)
    on_Z = M.unpack(x, params)
    info = {**info, "loss": c * info.pop("r") ** 2, "dist": float(xp.linalg.norm(theta - x))}
    if len(params) == 2 and act in ("relu", "leaky_relu"):
        Z0, Z1 = X @ params[0], X @ on_Z[0]
        info.update(kinks=int(xp.sum(xp.abs(Z1) <= kink)), kink=kink,
                    crossed=int(xp.sum((Z0 > 0) != (Z1 > 0))))
    return on_Z, info


def distance_to_Z(params, params_Z):
    """dist_Z(theta) ~ ||theta - proj_Z(theta)|| (exact to first order for the Gauss-Newton proj)."""
    return float(xp.linalg.norm(M.pack(params) - M.pack(params_Z)))


def gd_update_split(params, X, Y, steps, lr, lam, act="relu", mean=True):
    """`steps` steps of full-batch GD on Eq. 1 from params, with the update split by its source:
    returns (final params, u_L, u_lam), theta_end - theta_start = u_L + u_lam, where
    u_L = -lr sum_s grad L(theta_s) (the loss) and u_lam = -2 lr lam sum_s theta_s (weight decay).
    Bit for bit the same steps as models.gradient_descent."""
    u_L, u_lam = 0.0, 0.0
    for _ in range(steps):
        g = M.loss_grad(params, X, Y, 0.0, act, mean)
        decay = tuple(2.0 * lam * P for P in params)
        u_L, u_lam = u_L - lr * M.pack(g), u_lam - lr * M.pack(decay)
        params = tuple(P - lr * (gP + dP) for P, gP, dP in zip(params, g, decay))
    return params, u_L, u_lam


# ---------------------------------------------------------------- Fig. 12: measurements near Z
def tangent_frame(params_Z, X, act="relu"):
    """P_T at a point of Z (tangent_projector) and the singular values of J there (jacobian_svd)."""
    J = M.jacobian(params_Z, X, act)
    svd = jacobian_svd(J, gram(params_Z, X, act))
    return tangent_projector(J, svd), svd


def first_order_distance(params, X, Y, act="relu"):
    """||J^+ (F - Y)||: the length of one Gauss-Newton step, the distance to Z to first order
    (one n m x n m solve; cheap enough to watch a run settle)."""
    R = M.forward(params, X, act) - Y
    return float(xp.linalg.norm(M.pack(min_norm_step(params, X, R, act))))


def normal_relaxation_steps(svd, lr, mean=True):
    """Steps GD needs to shrink the slowest normal mode by e: 1 / (2 lr c sigma_min(J)^2), since the
    smallest curvature of L across Z is 2c sigma_min(J)^2 (Lemma C.1's Hessian 2c J^T J)."""
    U, s = svd
    return 1.0 / (2.0 * lr * (1.0 / U.shape[0] if mean else 1.0) * float(s[-1]) ** 2)


def kink_flips(W1s, X):
    """Pre-activations X W1 that change sign from each W1 of a sequence to the next, per step (k-1,)."""
    signs = [X @ W1 > 0 for W1 in W1s]
    return numpy.array([int(xp.sum(a != b)) for a, b in zip(signs, signs[1:])])


def update_on_Z(P, u_L, u_lam, theta):
    """The update u = u_L + u_lam of a window (gd_update_split) seen from Z: cos(u, -P_T theta),
    cos(P_T u, -P_T theta), ||P_T u|| / ||u||, ||P_T u_L|| / ||P_T u_lam|| (Thm 4.14: -> 0 near
    Z), and cos(P_T u_lam, -P_T theta), which is 1 up to the drift of theta in the window (by
    construction: u_lam = -2 lr lam sum_s theta_s)."""
    cos, cos_t, frac = tangent_alignment(P, u_L + u_lam, theta)
    PL, Pd = P(u_L), P(u_lam)
    return {"cos": cos, "cos_tangent": cos_t, "tangent_fraction": frac,
            "loss_to_decay": float(xp.linalg.norm(PL) / xp.linalg.norm(Pd)),
            "cos_decay_only": cosine(Pd, norm_min_direction(P, theta))}


def random_update_baseline(P, theta, rng):
    """The trivial baseline of update_on_Z's yardsticks: a Gaussian random u (tangent fraction
    ~ sqrt(dim T / d), tangential cosine ~ 0 +- dim T^-1/2)."""
    _, cos_t, frac = tangent_alignment(P, xp.asarray(rng.normal(size=theta.size)), theta)
    return {"cos_tangent": cos_t, "tangent_fraction": frac}


def decay_equilibrium(params_Z, X, lam, act="relu", mean=True):
    """Where GD on L + lam ||theta||^2 settles across Z next to theta* on Z, to first order (the
    closed form that a settled lambda -> 0 branch tends to): the normal offset delta = J^T a with
    c J^T J delta = -lam (I - P_T) theta*, i.e. a = -(lam / c) (J J^T)^-2 J theta*, so that
    ||delta|| ~ lam (Thm 4.8). Returns the params at theta* + delta."""
    G = gram(params_Z, X, act)
    c = 1.0 / G.shape[0] if mean else 1.0
    Jt = M.jvp(params_Z, X, params_Z, act)  # J theta*, shaped like F
    a = -(lam / c) * xp.linalg.solve(G, xp.linalg.solve(G, Jt.ravel()))
    delta = M.backward(params_Z, X, a.reshape(Jt.shape), act)  # J^T a
    return tuple(P + D for P, D in zip(params_Z, delta))


def measure_window(start, X, Y, lr, lam, window, act="relu", proj_steps=12, flip_steps=10, rng=None):
    """Figs. 9/12: `window` GD steps from start, split by source (gd_update_split), the last
    flip_steps one by one to count kink flips, seen from the nearest point theta* of Z to their
    end (orthogonal_projection, proj_steps iterations): update_on_Z, a random update's scores
    (random_update_baseline), the distance, the projection's residual and loss, the same ratio at
    the closed-form equilibrium decay_equilibrium (eq_*), and at theta*
    the smooth radius (ReLU), the pre-activations on a kink, sigma_min(J) and GD's slowest
    normal relaxation (normal_relaxation_steps)."""
    flip = min(window, flip_steps)
    params, u_L, u_lam = gd_update_split(start, X, Y, window - flip, lr, lam, act)
    W1s = [params[0]]
    for _ in range(flip):
        params, a, b = gd_update_split(params, X, Y, 1, lr, lam, act)
        u_L, u_lam = u_L + a, u_lam + b
        W1s.append(params[0])
    on_Z, info = orthogonal_projection(params, X, Y, act=act, steps=proj_steps)
    P, svd = tangent_frame(on_Z, X, act)
    theta = M.pack(params)
    base = random_update_baseline(P, theta, rng or numpy.random.default_rng(0))
    eq = decay_equilibrium(on_Z, X, lam, act)  # the exact realization: Thm 4.14's ratio there
    g_eq = M.pack(M.loss_grad(eq, X, Y, 0.0, act, True))
    return {**update_on_Z(P, u_L, u_lam, theta), **{f"random_{k}": v for k, v in base.items()},
            "eq_dist": distance_to_Z(eq, on_Z),
            "eq_loss_to_decay": float(xp.linalg.norm(P(g_eq)) / xp.linalg.norm(P(2 * lam * M.pack(eq)))),
            "dist": info["dist"], "proj_residual": info["residual"], "proj_loss": info["loss"],
            "proj_iters": info["iters"], "kinks_at_foot": info.get("kinks"),
            "flips_per_step": float(kink_flips(W1s, X).mean()),
            "radius": smooth_radius(on_Z, params, X) if act == "relu" else None,
            "relax_steps": normal_relaxation_steps(svd, lr), "sigma_min_J": float(svd[1][-1])}


def settle_near_Z(params, X, Y, lr, lam, act="relu", first=1000, most=8000, tol=0.05):
    """GD on L + lam ||theta||^2 in chunks (first, then doubling the steps done) until the
    first-order distance to Z changes by less than tol over a chunk or the next chunk would pass
    `most` steps; returns (params, steps done, relative change over the last chunk)."""
    chunk, done, d = first, 0, first_order_distance(params, X, Y, act)
    while True:
        params, _ = M.gradient_descent(params, X, Y, chunk, lr, lam, act, True)
        done, d_before = done + chunk, d
        d = first_order_distance(params, X, Y, act)
        if abs(d / d_before - 1) < tol or 2 * done > most:
            return params, done, d / d_before - 1
        chunk = done


# ---------------------------------------------------------------- Theorem 4.14
def gradient_tangent_cosine(params_Z, X, Y, P, n, deltas, act="relu", mean=True):
    """Thm 4.14: at theta = theta* + delta n (theta* on Z, n a unit normal, so proj_Z(theta)
    = theta*), max over tangent v of |cos(v, grad L)| = ||P_T grad L|| / ||grad L||."""
    theta = M.pack(params_Z)
    out = []
    for delta in deltas:
        g = M.pack(M.loss_grad(M.unpack(theta + delta * n, params_Z), X, Y, 0.0, act, mean))
        out.append(float(xp.linalg.norm(P(g)) / xp.linalg.norm(g)))
    return numpy.array(out)
