"""Shared by the studies: a foot of theta on Z across ReLU kinks, and GD measured near Z.

Question: where exactly is the foot of theta on Z, and what does one GD window do near it? The paper
estimates proj_Z(theta) by 100 momentum steps (manifold.zero_loss_projection), which is not on Z and
not the nearest point. Here a foot is sought by an active set across the kinks of a ReLU net
(`orthogonal_projection`): a point theta* of Z on the boundary of theta's activation cell where
theta - theta* is normal to Z's stratum there (a stationary point of the distance on the stratum,
not the nearest point of Z in the cell), its pins tested by their KKT multipliers (`pin_release`);
and a GD window is split by source (loss / weight decay), into tangent and normal parts, with the
kinks it crosses and the curvature (Lemma C.1) there. Figs. 9 and 12 use it, Figs. 8/10 and 13 its
sharpness, Figs. 13 and 14 its t quantile, Figs. 8/10, 11 and 13 Eq. 20 as a finite-lambda flow over
a window (`closed_form_flow`); the core never does.
"""
from math import lgamma

import numpy

import manifold as MF
import modadd as MA
import models as M
from models import xp

ACTIVATION_SLOPES = {"relu": (1.0, 0.0), "leaky_relu": (1.0, 0.1)}  # sigma' for z > 0, z < 0


FOOT_INFO = ("loss", "residual", "residual_pattern", "dist", "kinks", "pins", "release", "release_certain",
             "release_back", "back_gain", "unpinned_crossings", "rounds", "frame_dim", "cap",
             "converged")  # what orthogonal_projection reports (converged last: foot_summary counts it)
FOOT_ROUNDS = 8  # the active set's cap: projections of theta onto a piece, each pinning the kinks crossed
EPS = numpy.finfo(float).eps


def tangent_split(P, u):
    """u = P_T u + (u - P_T u): the part of an update along Z and the part normal to it (Sec. 4)."""
    Pu = P(u)
    return Pu, u - Pu


def tangent_alignment(P, u, theta):
    """(cos(u, g), cos(P_T u, g), ||P_T u|| / ||u||) for g = -P_T theta (Sec. 4). Since g is
    tangent, the first is the product of the other two: the Fig. 5 cosine = tangential cosine
    x tangent fraction."""
    g = MF.norm_min_direction(P, theta)
    Pu, _ = tangent_split(P, u)
    return MF.cosine(u, g), MF.cosine(Pu, g), float(xp.linalg.norm(Pu) / xp.linalg.norm(u))


def nearest_point(theta, residual, jac, steps=30, r_tol=1e-10, rtol=1e-8, x0=None):
    """The orthogonal projection of theta onto {x : r(x) = 0}: a stationary point of the distance, found by
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
    # the tube is set by theta's residual, so that a start x0 on Z can still move along T
    tube, best, it = 1e-3 * float(xp.linalg.norm(residual(theta))), (theta, numpy.inf), 0
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
    Returns (residual, jac, P_S, rank) for nearest_point on the cylinder {x : F(P_S x) = Y}, P_S
    the orthogonal projector onto that subspace, of rank d - `rank` (rank = sum_h rank X_{I_h}).
    Its Gram matrix is the piece's minus the pinned directions' part, so the solve stays
    n m x n m however many pins there are."""
    d_in, d_h = params[0].shape
    n, m = Y.shape
    R, rank = xp.zeros((d_h, d_in, d_in)), 0  # R_h = Q_h Q_h^T, the projector onto row(X_{I_h})
    for h in numpy.nonzero(M.to_numpy(pins.any(axis=0)))[0]:
        U, sv, _ = xp.linalg.svd(X[pins[:, h]].T, full_matrices=False)
        U = U[:, sv > MF.RTOL * sv[0]]
        R[h], rank = U @ U.T, rank + U.shape[1]
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
    return residual, jac, P_S, rank


def orthogonal_projection(params, X, Y, act="relu", mean=True, steps=30, tol=1e-20, rtol=1e-8,
                          kink=1e-6, rounds=FOOT_ROUNDS):
    """A foot theta* of theta on Z = {F = Y} where theta - theta* is normal to Z (nearest_point);
    returns (params on Z, info) with info["loss"] the loss L left there (mean or sum, as `mean`),
    "residual" ||P_T(theta - theta*)|| / ||theta - theta*|| with P_T at theta* (0 for a normal
    foot), "dist" ||theta - theta*||, "iters", "converged" (L <= tol and residual <= rtol), and
    "P_T": v -> P_T v (d,), the tangent projector of the frame that "residual" uses. For a
    piecewise-linear sigma (relu, leaky_relu) see piecewise_projection: an active set across the
    kinks, `rounds` projections at most, whose foot is normal to its stratum, not the nearest point."""
    theta = M.pack(params)
    c = 1.0 / Y.size if mean else 1.0
    r_tol = (tol / c) ** 0.5
    if len(params) != 2 or act not in ("relu", "leaky_relu"):
        def residual(t):
            return (M.forward(M.unpack(t, params), X, act) - Y).ravel()

        def jac(t):
            p = M.unpack(t, params)
            return (lambda v: M.jvp(p, X, M.unpack(v, p), act).ravel(),
                    lambda u: M.pack(M.backward(p, X, u.reshape(Y.shape), act)), MF.gram(p, X, act))
        x, info = nearest_point(theta, residual, jac, steps, r_tol, rtol)
        on_Z = M.unpack(x, params)
        return on_Z, {**info, "loss": M.loss(on_Z, X, Y, 0.0, act, mean),
                      "dist": float(xp.linalg.norm(theta - x)), "P_T": MF.tangent_projector(on_Z, X, act)}
    return piecewise_projection(params, X, Y, act, mean, steps, r_tol, rtol, kink, rounds)


def pin_multipliers(X, K, pull, S, pins, act, floor):
    """The pins' KKT multipliers (piecewise_projection's derivation) from K = X^T nu on each unit's
    pins (d_in, d_h) and pull = mu_i . W2_h (n, d_h): returns (want, up, full, certain, gain),
    (n, d_h): pins whose neighbouring cell is nearer to first order by a gain -d||v||^2 / 2 per
    unit of |z| above `floor`, whether that cell is z > 0, pins of units whose pinned rows X_{I_h}
    have full row rank (nu unique, and so the ask, its side and gain), and the asks that do not
    depend on a choice of multipliers: those, and those with (hi - lo) pull < -2 floor, where every
    c_p asks (nu_p(lo) < -floor or nu_p(hi) > floor; its side may depend on the choice). In a
    rank-deficient unit nu is the min-norm one of many, and so is its ask."""
    hi, lo = ACTIVATION_SLOPES[act]
    nu_hi, nu_lo, full = xp.zeros(S.shape), xp.zeros(S.shape), xp.zeros(S.shape, dtype=bool)
    for h in numpy.nonzero(M.to_numpy(pins.any(axis=0)))[0]:
        I = xp.nonzero(pins[:, h])[0]
        nu, _, rank, _ = xp.linalg.lstsq(X[I].T, K[:, h], rcond=MF.RTOL)  # min-norm if X_I is rank deficient
        full[I, h] = int(rank) == I.size  # rank to RTOL, as pinned_piece's projector counts it
        # c_p = nu + s pull does not depend on the slope s taken at the pin
        nu_hi[I, h], nu_lo[I, h] = nu - (hi - S[I, h]) * pull[I, h], nu - (lo - S[I, h]) * pull[I, h]
    gain_hi, gain_lo = xp.maximum(nu_hi, 0.0), xp.maximum(-nu_lo, 0.0)
    gain = xp.maximum(gain_hi, gain_lo)
    want = pins & (gain > floor)
    return want, gain_hi >= gain_lo, full, want & (full | ((hi - lo) * pull < -2 * floor)), gain


def back_cosines(params, X, S, pins, back, up, v, P_S, JTu, G):
    """For each pin p = (i, h) in `back` (a full-rank unit's ask into theta's cell, slope S there):
    the shortest move dx that keeps F = Y and the other pins to first order and moves z_p by one
    unit to that side, and cos(v, dx) (v = theta - foot): the distance falls by cos |dx| to first
    order. dx = dx0 + y: dx0 = X_I^+ e_p in W1's column h (the pins' rows, orthogonal to range
    P_S), y = -(J P_S)^+ J_S dx0 in range P_S (J_S: slopes S, the entered cell's at p). (n, d_h)."""
    W1, W2 = params
    cols, where = [], []
    for h in numpy.nonzero(M.to_numpy(back.any(axis=0)))[0]:
        I = xp.nonzero(pins[:, h])[0]
        Xp = xp.linalg.pinv(X[I])  # (d_in, |I|): X_I has full row rank in a back ask's unit
        for k in numpy.nonzero(M.to_numpy(back[I, h]))[0]:
            D = xp.zeros_like(W1)
            D[:, h] = Xp[:, k] if bool(up[I[k], h]) else -Xp[:, k]
            cols.append(M.pack((D, xp.zeros_like(W2))))
            where.append((int(I[k]), int(h)))
    out = xp.zeros(back.shape)
    if not cols:
        return out
    JS = xp.stack([((S * (X @ M.unpack(c, params)[0])) @ W2).ravel() for c in cols], axis=1)
    A = xp.linalg.solve(G, JS)  # one factorization for every move
    for k, (i, h) in enumerate(where):
        dx = cols[k] - JTu(A[:, k])
        out[i, h] = float(v @ dx) / float(xp.linalg.norm(v) * xp.linalg.norm(dx))
    return out


def pin_release(params, X, Y, S, pins, foot, act):
    """The pins' first-order test at a foot on a stratum: returns (residual ||P_T v|| / ||v||,
    (want, up, certain): pin_multipliers' asks, back: the asks of full-rank units into theta's own
    cell (the slope S it had at theta) and their first-order gains (back_cosines), the piece's
    (P_S, pinned rank, J v, J^T u, G))."""
    _, jac, P_S, rank = pinned_piece(params, X, Y, S, pins)
    v = M.pack(params) - foot
    nv = float(xp.linalg.norm(v))
    Jv, JTu, G = jac(foot)
    mu = xp.linalg.solve(G, Jv(v))  # P_S v = P_S J^T mu + (the pins' part, removed by P_S)
    orth = float(xp.linalg.norm(P_S(v) - JTu(mu))) / nv
    W2, U = M.unpack(foot, params)[1], mu.reshape(Y.shape)
    K = M.unpack(v, params)[0] - X.T @ ((U @ W2.T) * S)  # = X^T nu on the pins, (d_in, d_h)
    # floor 1e-9 ||v||: above the solves' rounding
    want, up, full, certain, gain = pin_multipliers(X, K, U @ W2.T, S, pins, act, 1e-9 * nv)
    back = want & full & (up == (S == ACTIVATION_SLOPES[act][0]))
    back_gain = back_cosines(M.unpack(foot, params), X, S, pins, back, up, v, P_S, JTu, G)
    return orth, (want, up, certain, back, back_gain), (P_S, rank, Jv, JTu, G)


def foot_frames(params, X, Y, S, pins, x, act):
    """The frames at the foot x of piecewise_projection: (orthogonality residual, pin_release's
    asks, the stratum frame P_T (T = null(J) and the pins held at 0), theta's pattern frame, dim T)."""
    orth, asks, (P_S, rank, Jv, JTu, G) = pin_release(params, X, Y, S, pins, x, act)
    dsigma = M.ACTIVATIONS[act][1]
    Jv0, JTu0, G0 = pinned_piece(params, X, Y, dsigma(X @ params[0]), xp.zeros_like(pins))[1](x)
    lam = xp.linalg.eigvalsh(G)  # G = (J P_S)(J P_S)^T: dim T = rank P_S - rank(J P_S)
    frame_dim = M.pack(params).size - rank - int(xp.sum(lam > G.shape[0] * EPS * lam[-1]))  # eps x size x ||G||
    return (orth, asks, lambda u: P_S(u) - JTu(xp.linalg.solve(G, Jv(u))),
            lambda u: u - JTu0(xp.linalg.solve(G0, Jv0(u))), frame_dim)


def piecewise_projection(params, X, Y, act, mean, steps, r_tol, rtol, kink, rounds):
    """orthogonal_projection for a piecewise-linear sigma: an active set across the kinks of X W1.
    Z is smooth only within an activation pattern; start on the smooth extension of theta's
    pattern S (slopes sigma'(X W1)) and repeat: find the nearest point of the current piece
    (pinned_piece: slopes S, the pins held at z = 0); pin the pre-activations that crossed 0 on
    the way; stop when none crosses or after `rounds` projections (the cap). The foot is a point
    of Z on the boundary of theta's cell (the closure of its pattern) where theta - theta* is
    normal to the stratum (the pins at 0): stationary for the distance on the stratum, not the
    nearest point of Z in the cell (pins may ask to move back into it, below).

    Its pins' KKT test (min ||theta - x|| s.t. F(x) = Y, z_q = 0 for the pins q): at the foot x*,
    v = theta - x* = J_s^T mu + sum_q nu_q grad z_q, where J_s is F's Jacobian with slope s at
    pin p = (i, h). Only J's rows (i, .) in W1's column h depend on s, by s (mu_i . W2_h) X_i,
    so c_p = nu_p(s) + s (mu_i . W2_h) is fixed and nu_p(s) = c_p - s (mu_i . W2_h). A move dx
    into the cell of slope s that keeps F = Y and the other pins (J_s dx = 0, grad z_q dx = 0)
    and changes z_p by dz changes ||theta - x||^2 by -2 v . dx + O(|dx|^2) = -2 nu_p(s) dz. So
    the cell z_p > 0 is nearer iff nu_p(sigma'_+) > 0, the cell z_p < 0 iff nu_p(sigma'_-) < 0:
    the pin asks for release. With no ask, x* is a KKT point of the distance over the union of
    the cells around it (first order; second order is not checked). The nu are unique only where
    a unit's pinned rows are independent (pin_multipliers' "certain" asks).

    Returns (params on Z, info): "P_T" (the stratum frame, T = null(J) ∩ {pinned z stay 0},
    which does not depend on sigma'(0)), "P_pattern" (theta's pattern frame at the foot),
    "pin_mask", and FOOT_INFO: "residual" (in the stratum frame), "residual_pattern", "kinks"
    (|z| <= kink), "pins", "release" (pins whose min-norm multiplier asks for release),
    "release_certain" (pin_multipliers' certain asks), "release_back" (asks of full-rank units into
    theta's own cell), "back_gain" (the largest of their first-order gains, back_cosines), "unpinned_crossings"
    (left), "rounds" (projections done), "frame_dim" (dim T = d - sum_h rank X_{I_h} - rank(J P_S),
    the latter from the eigenvalues of G = (J P_S)(J P_S)^T above n m eps lambda_max, G's
    rounding), "cap" (rounds ran out with crossings left), "converged" (settled, no crossing, no
    pin asking for release)."""
    theta = M.pack(params)
    dsigma = M.ACTIVATIONS[act][1]
    Z0 = X @ params[0]
    S = dsigma(Z0)  # the slopes of theta's pattern, kept for pinned units too
    pins, x, iters, states = xp.zeros(Z0.shape, dtype=bool), theta, 0, []
    for rnd in range(rounds):
        residual, jac, P_S, _ = pinned_piece(params, X, Y, S, pins)
        try:
            x, info = nearest_point(theta, residual, jac, steps, r_tol, rtol, x0=P_S(x) if rnd else None)
        except xp.linalg.LinAlgError:  # a degenerate piece (J P_S loses rank): keep the last foot
            if not states:
                raise
            break
        x, iters = P_S(x), iters + info["iters"]
        across = ~pins & (dsigma(X @ M.unpack(x, params)[0]) != S)
        states.append((x, pins, across, (info["converged"], not across.any())))
        if not across.any():
            break
        pins = pins | across
    # the foot: the last round that settled (rtol) without crossing a kink (on Z, in its stratum),
    # else the last that settled (its crossings reported), else the last round
    x, pins, across, ok = max(states[::-1], key=lambda s: s[-1])
    orth, (want, _, certain, back, gain), P_T, P_pattern, frame_dim = foot_frames(params, X, Y, S, pins, x, act)
    on_Z, v = M.unpack(x, params), theta - x
    nv = float(xp.linalg.norm(v))
    Zx = X @ on_Z[0]
    return on_Z, {"P_T": P_T, "P_pattern": P_pattern,
                  "residual": orth, "dist": nv, "iters": iters, "rounds": len(states),
                  "residual_pattern": float(xp.linalg.norm(P_pattern(v))) / nv,
                  "loss": M.loss(on_Z, X, Y, 0.0, act, mean), "kink": kink, "pin_mask": pins,
                  "converged": bool(ok[0] and not across.any() and not want.any()),
                  "kinks": int(xp.sum(xp.abs(Zx) <= kink)), "pins": int(pins.sum()),
                  "crossed": int(xp.sum(dsigma(Zx) != dsigma(Z0))), "unpinned_crossings": int(across.sum()),
                  "release": int(want.sum()), "release_certain": int(certain.sum()),
                  "release_back": int(back.sum()), "back_gain": float(xp.max(xp.where(back, gain, 0.0))),
                  "frame_dim": frame_dim, "cap": bool(len(states) == rounds and not all(states[-1][-1]))}


def closed_form_flow(E, X, Y, D, eta, lam=0.0, act="relu"):
    """E after rescaled time D of Eq. 20: round(D / eta) Euler steps E <- E + eta dE (lam > 0:
    the finite-lambda form, A = (H H^T + lam I)^-1). Figs. 8/10, 11 and 13 compare with it."""
    E = E.copy()
    for _ in range(max(1, int(round(D / eta)))):
        E += eta * MA.closed_form_update(E, X, Y, act, lam)
    return E


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


def kink_flips(W1s, X):
    """Pre-activations X W1 that change sign from each W1 of a sequence to the next, per step (k-1,)."""
    signs = [X @ W1 > 0 for W1 in W1s]
    return numpy.array([int(xp.sum(a != b)) for a, b in zip(signs, signs[1:])])


def smooth_radius(params_Z, params, X):
    """How far from theta* = proj_Z(theta), along the ray toward theta, the ReLU net stays smooth
    (Thm 4.14's regime): the distance at which the first pre-activation X W1 changes sign (inf
    if none does). X W1 is linear along the ray, z(s) = z* + s (z - z*), so this is exact."""
    Z0, Z1 = X @ params_Z[0], X @ params[0]
    D = Z1 - Z0
    s = xp.where(Z0 * D < 0, -Z0 / xp.where(D == 0, 1.0, D), xp.inf)  # crossings at s > 0
    return float(xp.min(s)) * MF.distance_to_Z(params, params_Z)


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
        G = MF.gram(params, X, act)
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


def first_order_distance(params, X, Y, act="relu"):
    """||J^+ (F - Y)||: the length of one Gauss-Newton step, the distance to Z to first order
    (one n m x n m solve; cheap enough to watch a run settle)."""
    R = M.forward(params, X, act) - Y
    return float(xp.linalg.norm(M.pack(MF.min_norm_step(params, X, R, act))))


def normal_relaxation_steps(s_min, nm, lr, mean=True):
    """Steps GD needs to shrink the slowest normal mode by e: 1 / (2 lr c s_min(J)^2), since the
    smallest curvature of L across Z is 2c s_min(J)^2 (Lemma C.1's Hessian 2c J^T J; c = 1/(n m))."""
    return 1.0 / (2.0 * lr * (1.0 / nm if mean else 1.0) * s_min ** 2)


def update_along_Z(P, u_L, u_lam, theta):
    """The update u = u_L + u_lam of a window (gd_update_split) seen from Z: cos(u, -P_T theta),
    cos(P_T u, -P_T theta), ||P_T u|| / ||u||, ||P_T u_L|| / ||P_T u_lam|| (Thm 4.14: -> 0 near
    Z), and cos(P_T u_lam, -P_T theta), which is 1 up to the drift of theta in the window (by
    construction: u_lam = -2 lr lam sum_s theta_s)."""
    cos, cos_t, frac = tangent_alignment(P, u_L + u_lam, theta)
    PL, Pd = P(u_L), P(u_lam)
    return {"cos": cos, "cos_tangent": cos_t, "tangent_fraction": frac,
            "loss_to_decay": float(xp.linalg.norm(PL) / xp.linalg.norm(Pd)),
            "cos_decay_only": MF.cosine(Pd, MF.norm_min_direction(P, theta))}


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
    G = MF.gram(params_Z, X, act)
    c = 1.0 / G.shape[0] if mean else 1.0
    Jt = M.jvp(params_Z, X, params_Z, act)  # J theta*, shaped like F
    a = -(lam / c) * xp.linalg.solve(G, xp.linalg.solve(G, Jt.ravel()))
    delta = M.backward(params_Z, X, a.reshape(Jt.shape), act)  # J^T a
    return tuple(P + D for P, D in zip(params_Z, delta))


def measure_window(start, X, Y, lr, lam, window, act="relu", proj_steps=12, flip_steps=10, rng=None):
    """Figs. 9/12: `window` GD steps from start, split by source (gd_update_split), the last
    flip_steps one by one to count kink flips, seen from the orthogonal foot theta* (normal to its
    stratum) of their end (orthogonal_projection, proj_steps iterations, in its frame P_T): update_along_Z, a random
    update's scores (random_update_baseline), the distance, the projection's residual and loss,
    the loss-to-decay ratio at the closed-form equilibrium decay_equilibrium (eq_*), and at theta*
    the smooth radius (ReLU), the pre-activations on a kink, s_min(J) and GD's slowest
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
    s_min = MF.smallest_singular_value(MF.gram(on_Z, X, act))
    return {**update_along_Z(P, u_L, u_lam, theta), **{f"random_{k}": v for k, v in base.items()},
            "eq_dist": MF.distance_to_Z(eq, on_Z),
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


def branch_points(phase, nets, per_phase):
    """(net, point) pairs for the ablations: in each of the first `nets` nets, the middle
    measured points of per_phase equal parts of each phase (not its edges, the transitions)."""
    out = []
    for r in range(min(nets, len(phase))):
        for ph in MA.PHASES:
            idx = numpy.nonzero(phase[r] == ph)[0]
            if idx.size:
                out += [(r, int(i)) for i in numpy.unique(idx[((numpy.arange(per_phase) + 0.5)
                                                            * idx.size / per_phase).astype(int)])]
    return out


TRAPEZOID = getattr(numpy, "trapezoid", None) or numpy.trapz  # the trapezoid rule: NumPy >= 2.0 renamed trapz


def t_quantile(q, dof):
    """Student's t quantile (q > 1/2) by bisection on its CDF, 1/2 + the integral of the density from 0
    (trapezoids on 4001 points: error ~1e-7 against the tables), for the slope intervals of Figs. 13 and 14."""
    c = numpy.exp(lgamma((dof + 1) / 2) - lgamma(dof / 2)) / numpy.sqrt(dof * numpy.pi)
    def cdf(x):
        t = numpy.linspace(0.0, x, 4001)
        return 0.5 + TRAPEZOID(c * (1 + t * t / dof) ** (-(dof + 1) / 2), t)
    lo, hi = 0.0, 1e3
    for _ in range(60):
        lo, hi = (lo, (lo + hi) / 2) if cdf((lo + hi) / 2) > q else ((lo + hi) / 2, hi)
    return (lo + hi) / 2
