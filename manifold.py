"""The zero-loss set Z = {theta : F(theta) = Y} of a model from models.py (Sections 2 and 4).

From a point theta of training: project onto Z, the tangent space T = null(J) there, the
norm-minimizing direction within Z, the distance to Z, and how close J is to singular.
J = dF/dtheta is (km x d) with km < d (over-parametrized), so everything goes through the
small Gram matrix J J^T (km x km): J^+ = J^T (J J^T)^+, never (J^T J)^-1 J^T (erratum 3).
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
    """J J^T (km x km) without forming J: for sigma(X W1) W2 its entry ((i,j), (k,l)) is
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
    """Left singular vectors U and singular values s (descending) of J, from the km x km
    eigenproblem J J^T = U diag(s^2) U^T (G = J J^T may be passed in, e.g. from `gram`).

    Far cheaper than an SVD of J; it resolves s only down to ~sqrt(eps) sigma_max ~ 1e-8
    sigma_max, which is why RTOL is 1e-6.
    """
    w, U = xp.linalg.eigh(J @ J.T if G is None else G)
    return U[:, ::-1], xp.sqrt(xp.maximum(w[::-1], 0.0))


def sigma_min(J):
    """Smallest singular value of J (km x d, km <= d): 0 at the singular points of Def. 4.9."""
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
    B = U / s[:r] ** 2  # (km, r)
    return lambda v: v - J.T @ (B @ (U.T @ (J @ v)))


def norm_min_direction(P, theta):
    """g = -P_T theta: steepest descent of ||theta||^2 within T (Sec. 2; not normalized)."""
    return -P(theta)


def norm_min_on_Z(E, W2, X):
    """First-layer part of -P_T theta for the ReLU net relu(X E) W2 (Sec. 4, both layers free):
    -theta + J^+ J theta, with J theta = 2 F because the bias-free ReLU net is 2-homogeneous."""
    dE, _ = min_norm_step((E, W2), X, 2.0 * M.forward((E, W2), X))
    return dE - E


def sharpness(params, X, lam, iters=100, act="relu"):
    """Lemma C.1: top eigenvalue of the Hessian 2 J^T J + 2 lam I of L_lam on Z (Lanczos on
    J J^T, which has the same nonzero eigenvalues); GD is stable for lr < 2 / it.

    Lanczos rather than power iteration: at Fig. 8's start the two largest eigenvalues of
    J J^T lie within 2% of each other, and 100 power steps miss the top one by ~1%."""
    G = gram(params, X, act)
    k = min(iters, G.shape[0])
    Q = xp.zeros((k, G.shape[0]))
    q = xp.ones(G.shape[0]) / G.shape[0] ** 0.5
    a, b = [], []  # the tridiagonal T = Q G Q^T whose top eigenvalue converges to G's
    for j in range(k):
        Q[j] = q
        w = G @ q
        a.append(float(q @ w))
        for _ in range(2):  # full reorthogonalization (twice is enough) keeps Q orthonormal
            w -= Q[:j + 1].T @ (Q[:j + 1] @ w)
        if j == k - 1 or float(xp.linalg.norm(w)) < 1e-12 * a[0]:  # done, or an invariant subspace
            break
        b.append(float(xp.linalg.norm(w)))
        q = w / b[-1]
    T = numpy.diag(a) + numpy.diag(b, 1) + numpy.diag(b, -1)
    return float(2.0 * numpy.linalg.eigvalsh(T)[-1] + 2.0 * lam)


def random_normal_direction(J, rng):
    """A random unit vector of the normal space T^perp = range(J^T)."""
    v = J.T @ xp.asarray(rng.normal(size=J.shape[0]))
    return v / xp.linalg.norm(v)


# ---------------------------------------------------------------- projection onto Z
def min_norm_step(params, X, R, act="relu"):
    """J^+ R = J^T (J J^T)^-1 R, the shortest dtheta with J dtheta = R (erratum 3), per matrix.

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


def distance_to_Z(params, params_Z):
    """dist_Z(theta) ~ ||theta - proj_Z(theta)|| (exact to first order for the Gauss-Newton proj)."""
    return float(xp.linalg.norm(M.pack(params) - M.pack(params_Z)))


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
