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

RTOL = 1e-6  # singular values below RTOL * s_max count as zero (see jacobian_svd)
FRAMES = ("momentum", "gauss-newton")  # the estimates of proj_Z that Fig. 5 takes P_T at


def cosine(a, b):
    """cos of the angle between two vectors."""
    return float(xp.dot(a, b) / (xp.linalg.norm(a) * xp.linalg.norm(b)))


# ---------------------------------------------------------------- the Gram matrix J J^T
def gram(params, X, act="relu"):
    """J J^T (n m x n m) without forming J: for sigma(X W1) W2 its entry ((i,j), (i2,l)) is
    (X X^T)_{i i2} sum_h S_ih S_{i2 h} W2_hj W2_hl + (H H^T)_{i i2} delta_jl, with S = sigma'(X W1)."""
    n, m = X.shape[0], params[-1].shape[1]
    if len(params) == 1:
        return xp.kron(X @ X.T, xp.eye(m))
    W1, W2 = params
    sigma, dsigma = M.ACTIVATIONS[act]
    pre = X @ W1  # the pre-activations
    H, S = sigma(pre), dsigma(pre)
    SW = (S[:, None, :] * W2.T[None]).reshape(n * m, -1)  # SW[(i,j), h] = S_ih W2_hj
    return xp.kron(X @ X.T, xp.ones((m, m))) * (SW @ SW.T) + xp.kron(H @ H.T, xp.eye(m))


def jacobian_svd(J, G=None):
    """Left singular vectors U and singular values s (descending) of J, from the n m x n m
    eigenproblem J J^T = U diag(s^2) U^T (G = J J^T may be passed in, e.g. from `gram`).

    Far cheaper than an SVD of J; it resolves s only down to ~sqrt(eps) s_max ~ 1e-8 s_max,
    which is why RTOL is 1e-6.
    """
    w, U = xp.linalg.eigh(J @ J.T if G is None else G)
    return U[:, ::-1], xp.sqrt(xp.maximum(w[::-1], 0.0))


def smallest_singular_value(G):
    """s_min(J), the smallest singular value of J (n m x d, n m <= d), from its Gram matrix
    G = J J^T: 0 at the singular points of Def. 4.9."""
    return float(xp.sqrt(xp.maximum(xp.linalg.eigvalsh(G)[0], 0.0)))


# ---------------------------------------------------------------- tangent space and directions
def tangent_projector(params_Z, X, act="relu"):
    """P_T = I - J^+ J at a point of Z (the foot), as v -> P_T v: Fig. 5's projector onto T = null(J).

    With J of full row rank (Thm 4.10), J^+ = J^T (J J^T)^-1, so P_T v = v - J^T (J J^T)^-1 (J v):
    one product J v (`models.jvp`), one solve with the n m x n m Gram matrix, one backward pass
    J^T mu (`models.backward`); J (n m x d) is never formed. J is taken in the foot's own activation
    pattern (sigma'(0) = 0 for ReLU)."""
    G = gram(params_Z, X, act)

    def P(v):
        Jv = M.jvp(params_Z, X, M.unpack(v, params_Z), act)
        mu = xp.linalg.solve(G, Jv.ravel()).reshape(Jv.shape)
        return v - M.pack(M.backward(params_Z, X, mu, act))
    return P


def tangent_projector_svd(J, svd=None, rtol=RTOL):
    """P_T = I - J^+ J from a formed J that may be (nearly) rank-deficient, as v -> P_T v
    (Thm 4.14 on a net, where the same P_T serves many points; Fig. 5 uses `tangent_projector`).

    From J J^T = U diag(s^2) U^T (jacobian_svd), the SVD of J is U diag(s) V^T with
    V = J^T U diag(1/s), so J^+ = V diag(1/s) U^T = J^T U diag(s^-2) U^T and
        P_T v = v - J^T U diag(s^-2) U^T (J v)   (U_s = U diag(s^-2) below).
    Only the singular values above rtol * s_max enter (a truncated pseudo-inverse), so a
    (nearly) rank-deficient J is handled, not inverted. `v`: a vector (d,) or columns (d, c).
    """
    U, s = jacobian_svd(J) if svd is None else svd
    r = int(xp.sum(s > rtol * s[0]))
    U = U[:, :r]
    U_s = U / s[:r] ** 2  # U diag(s^-2), (n m, r)
    return lambda v: v - J.T @ (U_s @ (U.T @ (J @ v)))


def norm_min_direction(P, theta):
    """g = -P_T theta: steepest descent of ||theta||^2 within T (Sec. 2; not normalized)."""
    return -P(theta)


def random_normal_direction(J, rng):
    """A random unit vector of the normal space T^perp = range(J^T)."""
    v = J.T @ xp.asarray(rng.normal(size=J.shape[0]))
    return v / xp.linalg.norm(v)


# ---------------------------------------------------------------- projection onto Z
def min_norm_step(params, X, r, act="relu"):
    """J^+ r = J^T (J J^T)^-1 r, the shortest dtheta with J dtheta = r (a residual shaped like F),
    per matrix (through the n m x n m Gram matrix, never the d x d J^T J).

    A plain solve: J has full row rank away from the singular points, which Thm 4.10 says
    Z almost surely avoids (`smallest_singular_value` checks it)."""
    mu = xp.linalg.solve(gram(params, X, act), r.ravel()).reshape(r.shape)
    return M.backward(params, X, mu, act)  # J^T mu without forming J


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
            r = M.forward(params, X, act) - Y
            params = tuple(W - dW for W, dW in zip(params, min_norm_step(params, X, r, act)))
    return params, M.loss(params, X, Y, 0.0, act, mean)


def orthogonality_residual(P, theta, foot):
    """||P_T (theta - foot)|| / ||theta - foot||: 0 when theta - foot is normal to Z at the foot."""
    v = theta - foot
    return float(xp.linalg.norm(P(v)) / xp.linalg.norm(v))


def distance_to_Z(params, params_Z):
    """dist_Z(theta) ~ ||theta - proj_Z(theta)|| (exact to first order for the Gauss-Newton proj)."""
    return float(xp.linalg.norm(M.pack(params) - M.pack(params_Z)))


def update_alignment(before, params, X, Y, act="relu", lr=1.0):
    """Fig. 5 at theta_t: cos(u, -P_T theta_t) for the update u = theta_t - theta_before, P_T at each
    estimate of proj_Z(theta_t) in FRAMES (the paper's 100 momentum steps at learning rate lr, App. D;
    the Gauss-Newton foot, on Z), in its own activation pattern; each foot's loss, distance and
    orthogonality residual; s_min(J) at the Gauss-Newton foot."""
    theta = M.pack(params)
    u = theta - M.pack(before)
    out, feet = {}, {}
    for frame in FRAMES:
        feet[frame], loss = zero_loss_projection(params, X, Y, act, method=frame, lr=lr)
        P = tangent_projector(feet[frame], X, act)
        out.update({f"cos_{frame}": cosine(u, norm_min_direction(P, theta)),
                    f"loss_{frame}": loss, f"dist_{frame}": distance_to_Z(params, feet[frame]),
                    f"residual_{frame}": orthogonality_residual(P, theta, M.pack(feet[frame]))})
    out["s_min"] = smallest_singular_value(gram(feet["gauss-newton"], X, act))
    return out


# ---------------------------------------------------------------- Theorem 4.14
def gradient_tangent_cosine(params_Z, X, Y, P, nu, deltas, act="relu", mean=True):
    """Thm 4.14: at theta = theta* + delta nu (theta* on Z, nu a unit normal, so proj_Z(theta)
    = theta*), max over tangent v of |cos(v, grad L)| = ||P_T grad L|| / ||grad L||."""
    theta = M.pack(params_Z)
    out = []
    for delta in deltas:
        g = M.pack(M.loss_grad(M.unpack(theta + delta * nu, params_Z), X, Y, 0.0, act, mean))
        out.append(float(xp.linalg.norm(P(g)) / xp.linalg.norm(g)))
    return numpy.array(out)


def thm414_on_net(params, X, Y, rng, deltas, directions):
    """Thm 4.14 on a trained ReLU net: ||P_T grad L|| / ||grad L|| at theta* + delta nu for random
    unit normals nu (theta*: the Gauss-Newton foot, any point of Z will do, as theta* + delta nu
    has foot theta* to first order), and how many pre-activations X W1 changed sign on the way.
    Returns (ratios (directions, deltas), flips (same), s_min(J) at theta*, the loss there)."""
    on_Z, loss = zero_loss_projection(params, X, Y)
    J = M.jacobian(on_Z, X)
    P = tangent_projector_svd(J)
    theta, ratios, flips = M.pack(on_Z), [], []
    for _ in range(directions):
        nu = random_normal_direction(J, rng)
        ratios.append(gradient_tangent_cosine(on_Z, X, Y, P, nu, deltas))
        W1s = [M.unpack(theta + delta * nu, on_Z)[0] for delta in deltas]
        flips.append([int(xp.sum((X @ W1 > 0) != (X @ on_Z[0] > 0))) for W1 in W1s])
    return numpy.array(ratios), numpy.array(flips), smallest_singular_value(J @ J.T), loss


def loglog_slope(x, y):
    """Least-squares slope of log y against log x."""
    return float(numpy.polyfit(numpy.log(x), numpy.log(y), 1)[0])


def smooth_slopes(ratios, flips, deltas):
    """Thm 4.14 slope per direction, fitted on the distances before its first ReLU sign
    change (where F is smooth, as the theorem assumes); directions with < 3 such points skipped."""
    out = []
    for r, f in zip(ratios, flips):
        i = int(numpy.argmax(f > 0)) if (f > 0).any() else len(f)  # the first distance with a flip
        if i >= 3:
            out.append(loglog_slope(deltas[:i], r[:i]))
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
    """Fig. 4's point z0 = (x0, x0^2) of Z (P in the figure), its unit tangent and the unit normal
    pointing away from the centre of curvature (so every point z0 + delta nu projects back onto z0)."""
    z0 = xp.asarray([x0, x0 ** 2])
    tang = xp.asarray([1.0, 2.0 * x0]) / (1.0 + 4.0 * x0 ** 2) ** 0.5
    return z0, tang, xp.stack([tang[1], -tang[0]])  # stack, not asarray: tang[i] are device arrays


def tangent_cosines(z0, tang, nu, deltas):
    """Thm 4.14: |cos(the tangent tang of Z at z0, grad L)| at the points z0 + delta nu."""
    grads = parabola_loss_grad(z0 + deltas[:, None] * nu)
    return xp.abs(grads @ tang) / xp.linalg.norm(grads, axis=1)
