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
ACTIVATION_SLOPES = {"relu": (1.0, 0.0), "leaky_relu": (1.0, 0.1)}  # sigma' for z > 0, z < 0
FRAMES = ("orthogonal", "momentum", "gauss-newton")  # the feet update_on_Z takes P_T at
FOOT_INFO = ("loss", "residual", "residual_pattern", "dist", "kinks", "pins", "release",
             "unpinned_crossings", "converged")  # what orthogonal_projection reports


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


def nearest_point(theta, residual, jac, steps=30, r_tol=1e-10, rtol=1e-8, x0=None):
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
    nearer of the two feasible points is returned, with info["fallback"] True. x0: the start
    (default theta)."""
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

    x = theta.copy() if x0 is None else x0
    r = residual(x)
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


def pinned_piece(params, X, Y, S, pins):
    """One smooth piece of Z for a piecewise-linear sigma: the slopes S = sigma'(X W1) (n x d_h)
    frozen and the pre-activations `pins` (n x d_h, bool) held at 0, so F = (S * (X W1)) W2 is
    bilinear and the pins are linear: W1's column h lies in null(X_{I_h}), I_h = pins[:, h].
    Returns (residual, jac, P_S) for nearest_point on the cylinder {x : F(P_S x) = Y}, P_S the
    orthogonal projector onto that subspace. Its Gram matrix is the piece's minus the pinned
    directions' part, so the solve stays n m x n m however many pins there are."""
    d_in, d_h = params[0].shape
    n, m = Y.shape
    R = xp.zeros((d_h, d_in, d_in))  # R_h = Q_h Q_h^T, the projector onto row(X_{I_h})
    for h in numpy.nonzero(M.to_numpy(pins.any(axis=0)))[0]:
        U, sv, _ = xp.linalg.svd(X[pins[:, h]].T, full_matrices=False)
        U = U[:, sv > RTOL * sv[0]]
        R[h] = U @ U.T
    B = xp.einsum("ia,hab,kb->hik", X, R, X, optimize=True)  # X R_h X^T, (d_h, n, n)

    def P_S(t):
        W1, W2 = M.unpack(t, params)
        return M.pack((W1 - xp.einsum("hab,bh->ah", R, W1), W2))

    def residual(t):
        W1, W2 = M.unpack(P_S(t), params)
        return ((S * (X @ W1)) @ W2 - Y).ravel()

    def jac(t):
        W1, W2 = M.unpack(P_S(t), params)
        H = S * (X @ W1)  # (n, d_h)
        A = (S[:, None, :] * W2.T[None]).reshape(n * m, -1)  # A[(i,j), h] = S_ih W2_hj
        G = xp.kron(X @ X.T, xp.ones((m, m))) * (A @ A.T) + xp.kron(H @ H.T, xp.eye(m))
        # minus sum_h (S_h S_h^T * X R_h X^T) kron (W2_h W2_h^T), the pinned directions
        Bs = (B * S.T[:, :, None] * S.T[:, None, :]).reshape(d_h, n * n)
        ww = (W2[:, :, None] * W2[:, None, :]).reshape(d_h, m * m)
        G = G - (Bs.T @ ww).reshape(n, n, m, m).transpose(0, 2, 1, 3).reshape(n * m, n * m)

        def Jv(v):
            D1, D2 = M.unpack(P_S(v), params)
            return ((S * (X @ D1)) @ W2 + H @ D2).ravel()

        def JTu(u):
            U = u.reshape(Y.shape)
            return P_S(M.pack((X.T @ ((U @ W2.T) * S), H.T @ U)))
        return Jv, JTu, G
    return residual, jac, P_S


def orthogonal_projection(params, X, Y, act="relu", mean=True, steps=30, tol=1e-20, rtol=1e-8,
                          kink=1e-6, rounds=4):
    """proj_Z(theta), the nearest point theta* of Z = {F = Y} (nearest_point); returns
    (params on Z, info) with info["loss"] the loss L left there (mean or sum, as `mean`),
    "residual" ||P_T(theta - theta*)|| / ||theta - theta*|| with P_T at theta* (0 for the true
    foot), "dist" ||theta - theta*||, "iters", "converged" (L <= tol and residual <= rtol), and
    "P_T": v -> P_T v (d,), the tangent projector of the frame that "residual" uses.

    A piecewise-linear sigma (relu, leaky_relu) makes Z smooth only within an activation
    pattern, and Newton-type steps across patterns do not settle. There the nearest point is
    sought piece by piece (active set): start on the smooth extension of theta's pattern; the
    pre-activations X W1 that cross 0 on the way are pinned at 0 (pinned_piece) and the nearest
    point is sought again, for up to `rounds` rounds. The foot is then stationary on its
    stratum: theta - theta* lies in range(J^T) + span(grad of the pinned z), and "residual" is
    measured in that frame (T = null(J) ∩ {pinned z stay 0}, which does not depend on
    sigma'(0)); "residual_pattern" in the frame of theta's activation pattern at theta*
    (null(J) with theta's slopes, pins included), "P_pattern" its projector; "kinks":
    pre-activations at theta* with |z| <= kink (the pins among them);
    "crossed": those whose sign differs from theta's; "unpinned_crossings": pre-activations
    still across after the last round; "release": pins whose multiplier says that letting them
    go to one side would shorten the distance (0: a local minimum across the kinks to first order)."""
    theta = M.pack(params)
    c = 1.0 / Y.size if mean else 1.0
    r_tol = (tol / c) ** 0.5
    if len(params) != 2 or act not in ("relu", "leaky_relu"):
        def residual(t):
            return (M.forward(M.unpack(t, params), X, act) - Y).ravel()

        def jac(t):
            p = M.unpack(t, params)
            return (lambda v: M.jvp(p, X, M.unpack(v, p), act).ravel(),
                    lambda u: M.pack(M.backward(p, X, u.reshape(Y.shape), act)), gram(p, X, act))
        x, info = nearest_point(theta, residual, jac, steps, r_tol, rtol)
        on_Z = M.unpack(x, params)
        return on_Z, {**info, "loss": M.loss(on_Z, X, Y, 0.0, act, mean),
                      "dist": float(xp.linalg.norm(theta - x)), "P_T": foot_projector(on_Z, X, act)}
    return piecewise_projection(params, X, Y, act, mean, steps, r_tol, rtol, kink, rounds)


def piecewise_projection(params, X, Y, act, mean, steps, r_tol, rtol, kink, rounds):
    """orthogonal_projection for a piecewise-linear sigma (see there): the active-set rounds,
    then the foot's residual in the stratum and pattern frames and the pins' multipliers."""
    theta = M.pack(params)
    dsigma = M.ACTIVATIONS[act][1]
    Z0 = X @ params[0]
    S = dsigma(Z0)  # the slopes of theta's piece, kept for pinned units too
    pins, x, iters = xp.zeros(Z0.shape, dtype=bool), theta, 0
    for rnd in range(rounds):
        residual, jac, P_S = pinned_piece(params, X, Y, S, pins)
        x, info = nearest_point(theta, residual, jac, steps, r_tol, rtol,
                                x0=P_S(x) if rnd else None)
        iters += info["iters"]
        Zx = X @ M.unpack(P_S(x), params)[0]
        across = ~pins & (dsigma(Zx) != S)
        if not across.any():
            break
        pins = pins | across
    foot = P_S(x)
    on_Z, v = M.unpack(foot, params), theta - foot
    nv = float(xp.linalg.norm(v))
    Jv, JTu, G = jac(foot)
    mu = xp.linalg.solve(G, Jv(v))  # P_S v = P_S J^T mu on the stratum
    orth = float(xp.linalg.norm(P_S(v) - JTu(mu))) / nv
    Jv0, JTu0, G0 = pinned_piece(params, X, Y, S, xp.zeros_like(pins))[1](foot)
    orth_pattern = float(xp.linalg.norm(v - JTu0(xp.linalg.solve(G0, Jv0(v))))) / nv
    W2, U = on_Z[1], mu.reshape(Y.shape)
    K = M.unpack(v, params)[0] - X.T @ ((U @ W2.T) * S)  # = X^T nu on the pins, (d_in, d_h)
    hi, lo = ACTIVATION_SLOPES[act]
    release = 0
    for h in numpy.nonzero(M.to_numpy(pins.any(axis=0)))[0]:
        I = xp.nonzero(pins[:, h])[0]
        nu = xp.linalg.lstsq(X[I].T, K[:, h], rcond=None)[0]  # min-norm if X_I is rank deficient
        pull = U[I] @ W2[h]  # how nu changes with the pinned unit's slope
        nu_hi, nu_lo = nu - (hi - S[I, h]) * pull, nu - (lo - S[I, h]) * pull
        release += int(xp.sum((nu_hi > 1e-9 * nv) | (nu_lo < -1e-9 * nv)))
    Zx = X @ on_Z[0]
    P_T = lambda u: P_S(u) - JTu(xp.linalg.solve(G, Jv(u)))  # noqa: E731  (the stratum frame)
    P_pattern = lambda u: u - JTu0(xp.linalg.solve(G0, Jv0(u)))  # noqa: E731  (theta's pattern)
    return on_Z, {"P_T": P_T, "P_pattern": P_pattern, "residual": orth,
                  "residual_pattern": orth_pattern, "dist": nv,
                  "loss": M.loss(on_Z, X, Y, 0.0, act, mean), "iters": iters, "rounds": rnd + 1,
                  "converged": bool(info["converged"] and not across.any()),
                  "kinks": int(xp.sum(xp.abs(Zx) <= kink)), "kink": kink,
                  "pins": int(pins.sum()), "crossed": int(xp.sum(dsigma(Zx) != S)),
                  "unpinned_crossings": int(across.sum()), "release": release}


def foot_projector(params_Z, X, act="relu"):
    """v -> P_T v = v - J^T (J J^T)^-1 J v at a point of Z (the frame of its own activation
    pattern, sigma'(0) = 0 for ReLU), by one solve with J J^T: cheaper than tangent_projector's
    eigendecomposition, and without its rank truncation (J must have full row rank)."""
    G = gram(params_Z, X, act)

    def P(v):
        JV = M.jvp(params_Z, X, M.unpack(v, params_Z), act)
        return v - M.pack(M.backward(params_Z, X, xp.linalg.solve(G, JV.ravel()).reshape(JV.shape), act))
    return P


def orthogonality_residual(P, theta, foot):
    """||P_T (theta - foot)|| / ||theta - foot||: 0 when theta - foot is normal to Z at the foot."""
    v = theta - foot
    return float(xp.linalg.norm(P(v)) / xp.linalg.norm(v))


def gd_window(params, X, Y, steps, lr, lam, act="relu", mean=True):
    """gd_update_split over `steps` (>= 2) steps, keeping the last two one-step updates and the
    pre-activations X W1 of the last three iterates (kink_counts): (params, u_L, u_lam, last, Zs)."""
    params, u_L, u_lam = gd_update_split(params, X, Y, steps - 2, lr, lam, act, mean)
    Zs, last = [X @ params[0]], []
    for _ in range(2):
        params, a, b = gd_update_split(params, X, Y, 1, lr, lam, act, mean)
        u_L, u_lam = u_L + a, u_lam + b
        last.append(a + b)
        Zs.append(X @ params[0])
    return params, u_L, u_lam, last, Zs


def gd_windows(params, X, Y, lr, lam, steps, windows, act="relu", mean=True):
    """`steps` GD steps from params; returns (final params, {w: (u_L, u_lam) over the last w
    steps} for each window w) (gd_update_split, bit for bit models.gradient_descent)."""
    cuts = sorted({0, *(steps - w for w in windows)})
    pieces = []
    for a, b in zip(cuts, cuts[1:] + [steps]):
        params, u_L, u_lam = gd_update_split(params, X, Y, b - a, lr, lam, act, mean)
        pieces.append((a, u_L, u_lam))
    return params, {w: (sum(p[1] for p in pieces if p[0] >= steps - w),
                        sum(p[2] for p in pieces if p[0] >= steps - w)) for w in windows}


def kink_counts(Zs):
    """From the pre-activations of three consecutive GD iterates z0, z1, z2 (n x d_h each):
    how many change sign in the last step, how many of those flip back (z1 crossed from z0's
    side and z2 returned to it), and how many lie closer to 0 than one step moves them."""
    z0, z1, z2 = Zs
    changed = (z2 > 0) != (z1 > 0)
    back = changed & ((z1 > 0) != (z0 > 0))
    return {"flips": int(changed.sum()), "flips_back": int(back.sum()),
            "within_one_step": int(xp.sum(xp.abs(z2) < xp.abs(z2 - z1)))}


def update_split(P, theta, u_L, u_lam, last_two):
    """Fig. 9 at one point, in the frame P (P_T at a foot): the tangential update P_T (u_L + u_lam)
    split into its loss and weight-decay terms, and the step-to-step cosine of the normal part
    of the last two one-step updates (about -1: it bounces across the normal direction)."""
    PL, Pd = P(u_L), P(u_lam)
    Pu = PL + Pd
    nL, nd = float(xp.linalg.norm(PL)), float(xp.linalg.norm(Pd))
    normals = [v - P(v) for v in last_two]
    return {"loss_fraction": nL / (nL + nd),  # 0 if the loss gradient has no tangential part
            "loss_along": float(PL @ Pu / (Pu @ Pu)),  # the loss term's share along P_T u itself
            "loss_to_decay": nL / nd, "normal_flip_cos": cosine(*normals)}


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
def first_order_distance(params, X, Y, act="relu"):
    """||J^+ (F - Y)||: the length of one Gauss-Newton step, the distance to Z to first order
    (one n m x n m solve; cheap enough to watch a run settle)."""
    R = M.forward(params, X, act) - Y
    return float(xp.linalg.norm(M.pack(min_norm_step(params, X, R, act))))


def normal_relaxation_steps(s_min, nm, lr, mean=True):
    """Steps GD needs to shrink the slowest normal mode by e: 1 / (2 lr c sigma_min(J)^2), since the
    smallest curvature of L across Z is 2c sigma_min(J)^2 (Lemma C.1's Hessian 2c J^T J; c = 1/(n m))."""
    return 1.0 / (2.0 * lr * (1.0 / nm if mean else 1.0) * s_min ** 2)


def kink_flips(W1s, X):
    """Pre-activations X W1 that change sign from each W1 of a sequence to the next, per step (k-1,)."""
    signs = [X @ W1 > 0 for W1 in W1s]
    return numpy.array([int(xp.sum(a != b)) for a, b in zip(signs, signs[1:])])


def update_along_Z(P, u_L, u_lam, theta):
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
    """The trivial baseline of update_along_Z's yardsticks: a Gaussian random u (tangent fraction
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
    end (orthogonal_projection, proj_steps iterations, in its frame P_T): update_along_Z, a random
    update's scores (random_update_baseline), the distance, the projection's residual and loss,
    the loss-to-decay ratio at the closed-form equilibrium decay_equilibrium (eq_*), and at theta*
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
    P, theta = info["P_T"], M.pack(params)  # for ReLU the stratum frame of the foot
    base = random_update_baseline(P, theta, rng or numpy.random.default_rng(0))
    eq = decay_equilibrium(on_Z, X, lam, act)  # the exact realization: Thm 4.14's ratio there
    g_eq = M.pack(M.loss_grad(eq, X, Y, 0.0, act, True))
    s_min = float(xp.sqrt(max(float(xp.linalg.eigvalsh(gram(on_Z, X, act))[0]), 0.0)))
    return {**update_along_Z(P, u_L, u_lam, theta), **{f"random_{k}": v for k, v in base.items()},
            "eq_dist": distance_to_Z(eq, on_Z),
            "eq_loss_to_decay": float(xp.linalg.norm(P(g_eq)) / xp.linalg.norm(P(2 * lam * M.pack(eq)))),
            "dist": info["dist"], "proj_residual": info["residual"], "proj_loss": info["loss"],
            "proj_iters": info["iters"], "kinks_at_foot": info.get("kinks"), "pins": info.get("pins"),
            "flips_per_step": float(kink_flips(W1s, X).mean()),
            "radius": smooth_radius(on_Z, params, X) if act == "relu" else None,
            "relax_steps": normal_relaxation_steps(s_min, Y.size, lr), "sigma_min_J": s_min}


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


def update_on_Z(before, params, X, Y, act="relu", window=None, lr=1.0, lam=0.0):
    """Fig. 5 at theta_t: cos(u, -P_T theta_t) for u = theta_t - theta_before, its tangential
    cosine and tangent fraction (tangent_alignment), P_T at the orthogonal foot (stratum frame
    for ReLU; "_pattern": the same foot in theta's pattern frame); cos in the frames of the
    paper's momentum estimate (lr, App. D) and of the Gauss-Newton foot (their own patterns);
    every foot's loss, distance and orthogonality residual; FOOT_INFO; sigma_min(J) and
    lr x sharpness (Lemma C.1, weight decay lam) at the orthogonal foot. window: gd_window's
    (u_L, u_lam, last two updates, pre-activations) adds update_split, kink_counts and the
    smooth radius. Returns (numbers, the orthogonal foot)."""
    theta = M.pack(params)
    u = theta - M.pack(before)
    on_Z, info = orthogonal_projection(params, X, Y, act)
    P = info["P_T"]
    out = dict(zip(("cos", "cos_tangent", "tangent_fraction"), tangent_alignment(P, u, theta)))
    if "P_pattern" in info:
        out.update(zip(("cos_pattern", "cos_tangent_pattern", "tangent_fraction_pattern"),
                       tangent_alignment(info["P_pattern"], u, theta)))
    out.update({k: float(info[k]) for k in FOOT_INFO if k in info})
    for frame in FRAMES[1:]:
        foot, loss = zero_loss_projection(params, X, Y, act, method=frame, lr=lr)
        Pf = foot_projector(foot, X, act)
        out.update({f"cos_{frame}": cosine(u, norm_min_direction(Pf, theta)),
                    f"loss_{frame}": loss, f"dist_{frame}": distance_to_Z(params, foot),
                    f"residual_{frame}": orthogonality_residual(Pf, theta, M.pack(foot))})
    out["sigma_min"] = float(xp.sqrt(max(float(xp.linalg.eigvalsh(gram(on_Z, X, act))[0]), 0.0)))
    out["sharpness_lr"] = lr * sharpness(on_Z, X, lam, act=act, mean=True)
    if window is not None:
        u_L, u_lam, last, Zs = window
        out.update(update_split(P, theta, u_L, u_lam, last), **kink_counts(Zs),
                   radius=smooth_radius(on_Z, params, X))
    return out, on_Z


def thm414_on_net(params, X, Y, rng, deltas, directions):
    """Thm 4.14 on a trained ReLU net: ||P_T grad L|| / ||grad L|| at theta* + delta n for random
    unit normals n (theta*: the Gauss-Newton foot, any point of Z will do, as theta* + delta n
    has foot theta* to first order), and how many pre-activations X W1 changed sign on the way.
    Returns (ratios (directions, deltas), flips (same), sigma_min(J) at theta*, the loss there)."""
    on_Z, loss = zero_loss_projection(params, X, Y)
    J = M.jacobian(on_Z, X)
    P = tangent_projector(J)
    theta, ratios, flips = M.pack(on_Z), [], []
    for _ in range(directions):
        n = random_normal_direction(J, rng)
        ratios.append(gradient_tangent_cosine(on_Z, X, Y, P, n, deltas))
        W1s = [M.unpack(theta + d * n, on_Z)[0] for d in deltas]
        flips.append([int(xp.sum((X @ W1 > 0) != (X @ on_Z[0] > 0))) for W1 in W1s])
    return numpy.array(ratios), numpy.array(flips), sigma_min(J), loss


def loglog_slope(x, y):
    """Least-squares slope of log y against log x."""
    return float(numpy.polyfit(numpy.log(x), numpy.log(y), 1)[0])


def smooth_slopes(ratios, flips, deltas):
    """Thm 4.14 slope per direction, fitted on the distances before its first ReLU sign
    change (where F is smooth, as the theorem assumes); directions with < 3 such points skipped."""
    out = []
    for r, f in zip(ratios, flips):
        k = int(numpy.argmax(f > 0)) if (f > 0).any() else len(f)
        if k >= 3:
            out.append(loglog_slope(deltas[:k], r[:k]))
    return numpy.array(out)


# ---------------------------------------------------------------- the toy zero-loss sets of Figs. 1-4
def dist_to_plane(ws, x, y):
    """Distance of each row of ws to the zero-loss set {w : x . w = y}."""
    return xp.abs(ws @ x - y) / xp.linalg.norm(x)


def norm_min_directions_of_plane(J, W):
    """Sec. 2: g = -P_T w / ||P_T w|| for each row w of W; P_T = I - J^+ J, J fixed (linear model)."""
    PW = W - xp.linalg.lstsq(J, J @ W.T, rcond=None)[0].T  # J^+ (J w): a min-norm solve
    return -PW / xp.linalg.norm(PW, axis=1, keepdims=True)


def row_cosines(A, B):
    """cos of the angle between matching rows of A and B."""
    return (A * B).sum(axis=1) / (xp.linalg.norm(A, axis=1) * xp.linalg.norm(B, axis=1))


def parabola_loss(th):
    """Fig. 4 landscape: L(x, y) = (y - x^2)^2, zero on the parabola Z = {y = x^2}."""
    return (th[..., 1] - th[..., 0] ** 2) ** 2


def parabola_loss_grad(th):
    """Gradient of the Fig. 4 landscape: 2 (y - x^2) (-2x, 1)."""
    r = th[..., 1] - th[..., 0] ** 2
    return xp.stack([-4.0 * th[..., 0] * r, 2.0 * r], axis=-1)


def parabola_frame(x0):
    """The point P = (x0, x0^2) of Z, its unit tangent and the unit normal pointing away from
    the centre of curvature (so every point P + d n projects back onto P)."""
    P = xp.asarray([x0, x0 ** 2])
    t = xp.asarray([1.0, 2.0 * x0]) / (1.0 + 4.0 * x0 ** 2) ** 0.5
    return P, t, xp.stack([t[1], -t[0]])  # stack, not asarray: t[i] are device arrays


def tangent_cosines(P, t, n, d):
    """Thm 4.14: |cos(tangent of Z at P, grad L)| at the points P + d n."""
    G = parabola_loss_grad(P + d[:, None] * n)
    return xp.abs(G @ t) / xp.linalg.norm(G, axis=1)
