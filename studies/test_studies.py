"""Checks of the studies beyond the paper (studies/, Figs. 8-14): `python studies/test_studies.py
[NAME ...]` from the repository root, `python -m studies.test_studies`, or pytest. As in
test_grok.py, a test runs if its name contains any NAME (case-insensitive); the paper's own checks,
and the helpers and runner these import, are in test_grok.py.
"""
import atexit
import json
import os
import shutil
import sys
import tempfile
from argparse import Namespace

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root

import grok  # noqa: E402
import manifold as MF  # noqa: E402
import modadd as MA  # noqa: E402
import models as M  # noqa: E402
import plots  # noqa: E402
from studies import delay_laws, feet, real_vs_sim, simulator, smooth, time_or_phase, why_not_one  # noqa: E402
from test_grok import (EPS, close, cond, cupy_standin_env, fd_grad, fd_jacobian, fd_tol,  # noqa: E402
                       fig5_recorded_run, fig5_tiny_net, index_page, modadd_problem, quick_figure, read_summary, rel_err,
                       run, run_cli, run_main, small_net, tol, tol_gram, zero_loss_net)


# ---------------------------------------------------------------- the core's code for the studies (Figs. 13, 14; Fig. 6's extras)
def test_fig6_quick_unit_frequencies_and_eq20_as_a_flow():
    """The --quick Fig. 6's numbers beyond the paper (test_grok.py checks the rest, on the same run)."""
    s, drawn = quick_figure("6")
    runs, st = drawn["runs"], s["settings"]
    problems = [grok.fig6_problem(Namespace(seed=0), st, r) for r in range(3)]
    randoms = [MA.init_embedding(np.random.default_rng([0, 6, r, 1]), 23, 256, st["init_std"]) for r in range(3)]
    assert s["unit_frequencies"] == grok.jsonable(grok.fourier_means(runs, randoms, [P[0] for P in problems])[1])
    u = s["unit_frequencies"]  # one frequency per unit emerges; a random E scores as the initial one
    assert min(u["final"]["share_mean"]) > 1.5 * max(u["random"]["share_mean"] + u["init"]["share_mean"]), u
    flow, steps = s["flow"]["runs"], delay_laws.FIG6_FLOW["steps"]  # Eq. 20 as a flow beside the Euler map, same E0
    for r, (P, fl) in enumerate(zip(problems, flow)):
        d = dict(zip(("X", "Y", "Xt", "Yt"), P[:4]))
        assert fl["flow_etas"] == [5e-3 * m for m in (steps["std"] if r == 0 else (1,))], "run 0 alone is halved"
        rec = MA.simulate_flow(P[4], d, fl["flow_etas"][-1], 4.0)
        assert fl["tau95_flow"][-1] == rec["tau"][-1] and fl["norm_peak_flow"] == rec["norm"].max()
        assert fl["tau95_euler"] == 5e-3 * s["grok_step"][r] and fl["extra_delay_measured"] == fl["tau95_euler"] - rec["tau"][-1]
        pred = 5e-3 + delay_laws.free_prediction(rec, fl["norm_after_first_euler_step"]) - rec["tau"][-1]
        assert fl["extra_delay_predicted"] == pred and fl["converged"] == ((fl["halving_change"] or 1) < 0.02)
        assert fl["readout_norm0"] == rec["readout"][0] ** 0.5 and not fl["euler_is_flow_at_lr"]
    var = s["flow"]["variance"]  # the second reading of E0 ~ N(0, p^-1/2), on the first FIG6_FLOW runs, as the std reading
    assert var["init_std"] == 23 ** -0.25 and len(var["runs"]) == len(flow) == delay_laws.FIG6_FLOW["runs"]
    for r, fl in enumerate(var["runs"]):
        P = delay_laws.variance_reading(problems[r], 23)
        rec = MA.simulate_flow(P[4], dict(zip(("X", "Y", "Xt", "Yt"), P[:4])), 5e-3, 4.0)
        assert fl["tau95_flow"][fl["flow_etas"].index(5e-3)] == rec["tau"][-1] and fl["norm0"] == np.linalg.norm(P[4])
        assert fl["euler_is_flow_at_lr"] == (fl["controlled_steps"] == 0), "no step shortened: the flow run is the Euler map"


def test_fig6_variance_reading_scales_E0_to_std_p_to_the_minus_quarter():
    """A check of the code: the variance reading's E0 is the std reading's draw times p^1/4, entries of std p^-1/4."""
    s = grok.fig6_settings(Namespace(quick=False))
    P = grok.fig6_problem(Namespace(seed=0), s, 0)
    V = delay_laws.variance_reading(P, s["p"])
    assert all(a is b for a, b in zip(P[:4], V[:4])), "the same split"
    assert rel_err(V[4], P[4] * 37 ** 0.25) == 0 and abs(s["init_std"] - 37 ** -0.5) < 1e-15
    # the sample std of N = 37 x 512 normal entries: relative standard error 1 / sqrt(2N) = 0.5%; 5 of them
    n = V[4].size
    assert abs(V[4].std() / 37 ** -0.25 - 1) < 5 / np.sqrt(2 * n), V[4].std()
    assert abs(P[4].std() / 37 ** -0.5 - 1) < 5 / np.sqrt(2 * n), P[4].std()


def test_fig6_flow_with_no_shortened_step_is_the_euler_map_bit_for_bit():
    """Fig. 6's variance reading: a flow run that shortened no step is the Euler map E + lr dE, bit for bit; the
    Euler map stopped at a level (simulate's until) is the uncut run up to its stop, bit for bit; with shortened
    steps euler_vs_flow runs the Euler map itself (here the quick Fig. 6's run 0, whose flow shortens its first steps)."""
    X, Y, Xt, Yt, E = modadd_problem()
    d, lr = {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}, 1e-2
    big = 30 * E  # ||E|| far above ||W||: no step is shortened
    flow = MA.simulate_flow(big, d, lr, 0.6, level=2.0)  # level 2: runs to tau_max
    assert (flow["norm"] ** 2 > 1.01 * flow["readout"]).all(), "||E|| > ||W|| all along: every step is lr exactly"
    euler = MA.simulate(big, X, Y, Xt, Yt, lr, len(flow["tau"]) - 1, every=1)
    assert np.array_equal(euler["snaps"][-1], flow["E"]) and np.array_equal(euler["norm"], flow["norm"])
    assert np.array_equal(euler["test_acc"], flow["test_acc"])
    s = grok.fig6_settings(Namespace(quick=True))
    P = grok.fig6_problem(Namespace(seed=0), s, 0)
    uncut = MA.simulate(*P[4:], *P[:4], s["lr"], s["steps"])
    stop = int(uncut["step"][np.argmax(uncut["test_acc"] >= 0.5)])
    cut = MA.simulate(*P[4:], *P[:4], s["lr"], s["steps"], until=0.5)
    assert 0 < stop < s["steps"] and cut["step"][-1] == stop
    for k in ("test_acc", "train_loss", "norm", "step"):
        assert np.array_equal(cut[k], uncut[k][:len(cut[k])]), k
    assert np.array_equal(cut["snaps"][-1], MA.simulate(*P[4:], *P[:4], s["lr"], stop)["snaps"][-1]), "E at the stop"
    num, _ = delay_laws.euler_vs_flow(P, None, s["lr"], 1, steps=s["steps"])
    assert num["controlled_steps"] > 0 and not num["euler_is_flow_at_lr"]
    assert num["tau95_euler"] == MA.grok_step(uncut["step"] * s["lr"], uncut["test_acc"]) is not None


def test_fig5_aligned_phases_on_a_designed_curve():
    curve = np.array([0, 100, 200, 400, 800, 1600, 3200])
    rec = {"train_acc": [0.5, 1, 1, 1, 1, 1, 1], "test_acc": [0, 0, 0, 0, 1 / 7, 3 / 7, 1],
           "train_loss": [1, 0.1, 0.01, 0.004, 0.003, 0.003, 0.003]}
    lab, rise, settle = MA.aligned_phase(curve, rec, np.array([50, 150, 300, 500, 2000, 3200]))
    assert (rise, settle) == (800, 400)  # loss <= 2 x its value at the rise (0.003) from step 400
    assert list(lab) == ["", "settling", "settling", "before_rise", "rising", "after"]


def test_fig5_extra_steps_sit_at_each_nets_rise_and_in_its_grokking_phase():
    """grok.fig5_extra_steps on a designed curve: rise near 800 (the first step above memorization's 0),
    test accuracy 4/7 from 1600 and 100% from 6400 (each: the first curve step from there): targets the
    rise x 0.8 / 1 / 1.25 and a third and two thirds of the way (in log step) from 4/7 to 100%."""
    curve = np.round(np.geomspace(10, 12800, 80) / 10).astype(int) * 10
    curve = np.unique(np.r_[0, curve])
    test = np.select([curve >= 6400, curve >= 1600, curve >= 800], [1.0, 4 / 7, 1 / 7], 0.0)
    rec = {"train_acc": np.where(curve >= 100, 1.0, 0.5), "test_acc": test, "train_loss": np.ones(len(curve))}
    shared = np.array([curve[np.argmin(np.abs(curve - 800))]])  # the rise itself is taken: its neighbour is chosen
    got = grok.fig5_extra_steps(curve, rec, shared)
    near = lambda t, skip=(): min((c for c in curve[1:] if c not in skip), key=lambda c: abs(np.log(c / t)))  # noqa: E731
    rise, a, b = (curve[np.argmax(test >= q)] for q in (1 / 7, 4 / 7, 1.0))
    want = [near(rise * 0.8), near(rise, (*shared, near(rise * 0.8))), near(rise * 1.25)]
    want += [near(a * (b / a) ** (1 / 3)), near(a * (b / a) ** (2 / 3))]
    assert list(got) == sorted(want) and not set(got) & set(shared) and len(set(got)) == 5, (got, want)
    assert sum(abs(np.log(t / rise)) <= np.log(1.5) for t in np.r_[got, shared]) >= 3


def test_unit_frequencies_known_answers():
    """One frequency per unit gives share 1 and that frequency; iid noise gives the mean share H_n / n
    (|F_k|^2 are then iid exponentials, and the largest of n uniform spacings has mean H_n / n); a unit
    negative on every pair is dead, and a constant unit has no Fourier power (share NaN, frequency 0)."""
    p, rng = 11, np.random.default_rng(5)
    X = MA.modular_addition(p)[0]
    j, ks = np.arange(p)[:, None], np.array([1, 1, 2, 5, 3, 5])
    E = np.hstack([3 + np.cos(2 * np.pi * j * ks / p + rng.uniform(0, 6, ks.size)), np.full((p, 1), -1.0),
                   -2 + 0.5 * np.cos(2 * np.pi * j * 4 / p)])
    u = MA.unit_frequencies(E, X)
    # eps x size x (offset / amplitude): the other frequencies' power is DFT rounding of the offsets 3 and 2
    assert close(u["share"][[0, 1, 2, 3, 4, 5, 7]], 1, 4 * p) and np.isnan(u["share"][6]), u["share"]
    assert list(u["k"]) == [1, 1, 2, 5, 3, 5, 0, 4] and list(u["units_per_k"]) == [2, 1, 1, 1, 2]
    assert u["dead"] == 2, "the constant -1 unit and the negative k = 4 unit never fire"
    n_freq, units = 18, 20000
    share = MA.unit_frequencies(rng.normal(size=(37, units)), MA.modular_addition(37)[0])["share"]
    want = np.sum(1 / np.arange(1, n_freq + 1)) / n_freq  # H_18 / 18 = 0.194
    assert abs(share.mean() - want) < 5 * share.std() / units ** 0.5, (share.mean(), want)  # 5 standard errors


def test_simulate_flow_is_first_order_on_a_known_ode():
    """One training pair (a, a) and E zero but for a positive row a of norm r: Eq. 20 keeps E's direction and
    d r / dtau = 1 / (4 r^3) - r, so r^4 = 1/4 + (r0^4 - 1/4) exp(-4 tau); ||W||^2 = 1 / (4 r^2), so from
    r0 = 0.2 the step control takes steps eta 4 r^4 <= eta throughout. Euler's error at fixed tau is first
    order: halving eta halves it (ratio 2 + O(eta)), and the fixed-step map would overshoot r at once."""
    p, a = 5, 2
    X, Y = 2 * np.eye(p)[[a]], np.eye(p)[[(2 * a) % p]]
    E = np.zeros((p, 6))
    E[a] = np.random.default_rng(3).uniform(0.5, 1, 6)
    E *= 0.2 / np.linalg.norm(E)
    d = {"X": X, "Y": Y, "Xt": X, "Yt": Y}
    exact = lambda tau: (0.25 + (0.2 ** 4 - 0.25) * np.exp(-4 * tau)) ** 0.25  # noqa: E731
    err = []
    for eta in (2e-2, 1e-2, 5e-3, 2.5e-3):
        rec = MA.simulate_flow(E, d, eta, 1.0, level=2.0)  # level 2: never stops early
        assert np.allclose(np.diff(rec["tau"]), eta * np.minimum(1, rec["norm"][:-1] ** 2 / rec["readout"][:-1]),
                           rtol=1e-12, atol=0) and rec["tau"][-1] >= 1.0 > rec["tau"][-2]
        assert close(rec["readout"], 0.25 / rec["norm"] ** 2, 4 * p)  # eps x size: a 1 x 1 solve
        err.append(abs(rec["norm"][-1] - exact(rec["tau"][-1])))
    ratio = np.array(err[:-1]) / np.array(err[1:])
    assert np.all(np.abs(ratio - 2) < 0.15) and abs(ratio[-1] - 2) < abs(ratio[0] - 2), ratio  # -> 2 as eta -> 0
    one = E + 2e-2 * MA.closed_form_update(E, X, Y)  # the fixed step from r0 = 0.2: r' = 31 there
    assert np.linalg.norm(one) > exact(1e6), "the fixed Euler step overshoots the flow's fixed point"


# ---------------------------------------------------------------- studies/feet.py: the orthogonal foot across kinks, GD split near Z
def test_relu_foot_is_stationary_on_its_stratum():
    """The ReLU foot (active set): feasible, and theta - theta* lies in range(J^T) + span(grad z)
    of the pre-activations pinned at 0, checked densely (numpy lstsq on [J; K]); the pinned
    z are at 0 to rounding. Tolerance: rtol of the iteration plus eps cond([J; K])^2 d."""
    rng = np.random.default_rng(42)
    X = 0.5 * rng.normal(size=(4, 3))
    params = (0.7 * rng.normal(size=(3, 16)), 0.7 * rng.normal(size=(16, 2)))
    Y = M.forward(params, X) + 0.5 * rng.normal(size=(4, 2))  # far enough that kinks are crossed
    on_Z, info = feet.orthogonal_projection(params, X, Y, mean=False, rtol=1e-10, steps=100, rounds=10)
    assert info["loss"] < 1e-20 and info["unpinned_crossings"] == 0, info  # the stopping rule (tol=1e-20)
    W1 = on_Z[0]
    Z = X @ W1
    pinned = np.abs(Z) <= 1e-12 * np.abs(Z).max()  # a classifier: pinned z are ~eps, the others >= kink=1e-6
    # a unit pinned at d_in = 3 samples has W1's column 0, so its 4th pre-activation is 0 too
    assert pinned.sum() == info["kinks"] >= info["pins"] > 0, "the example must cross kinks"
    S = ((X @ params[0]) > 0).astype(float)  # theta's pattern
    J1 = np.einsum("ia,ih,hj->ijah", X, S, on_Z[1]).reshape(Y.size, -1)
    J2 = np.einsum("ih,jb->ijhb", S * Z, np.eye(Y.shape[1])).reshape(Y.size, -1)
    K = np.array([np.concatenate([np.outer(X[i], np.eye(W1.shape[1])[h]).ravel(), np.zeros(on_Z[1].size)])
                  for i, h in zip(*np.nonzero(pinned))])
    A = np.vstack([np.hstack([J1, J2]), K])
    v = M.pack(params) - M.pack(on_Z)
    orth = np.linalg.norm(v - A.T @ np.linalg.lstsq(A.T, v, rcond=None)[0]) / np.linalg.norm(v)
    s = np.linalg.svd(A, compute_uv=False)
    s = s[s > 1e-10 * s[0]]  # A's rank: drop the zero singular values of its repeated rows
    tol = 1e-10 + np.finfo(float).eps * (s[0] / s[-1]) ** 2 * A.shape[1]
    assert orth <= tol and info["residual"] <= tol, (orth, info["residual"], tol)
    assert info["residual_pattern"] > 10 * tol, "the pattern frame alone should not see the foot as orthogonal"


def relu_release_problem(seed=51):
    """A small ReLU net whose foot on the boundary of theta's cell has pins asking for release (seed 51; 42 too)."""
    rng = np.random.default_rng(seed)
    X = 0.5 * rng.normal(size=(4, 3))
    params = (0.7 * rng.normal(size=(3, 16)), 0.7 * rng.normal(size=(16, 2)))
    return X, M.forward(params, X) + 0.5 * rng.normal(size=(4, 2)), params


def distance_after_moving(theta, foot, X, Y, d, eps):
    """||theta - x'|| - ||theta - foot|| for x' = foot + eps d taken back to Z by Gauss-Newton steps
    with the true ReLU net's Jacobian at x' (min-norm, numpy lstsq): a point of Z next to the
    foot, in whichever neighbouring cell the move entered."""
    x = M.pack(foot) + eps * d
    for _ in range(8):
        p = M.unpack(x, foot)
        x = x - np.linalg.lstsq(M.jacobian(p, X), (M.forward(p, X) - Y).ravel(), rcond=None)[0]
    return np.linalg.norm(theta - x) - np.linalg.norm(theta - M.pack(foot))


def first_order_decreases(theta, foot, pins, X, Y, rng):
    """Moves off the foot along Z that shorten the distance to first order: for each pin (i, h),
    z_ih pushed up and down (W1's column h along X_i), and 20 random directions; a decrease
    Delta(eps) < 0 is first order if it shrinks less than 10^1.5 times (the midpoint of the
    exponents 1 and 2) from eps = 1e-3 to 1e-4 (second order: 100 times)."""
    dirs = []
    for i, h in zip(*np.nonzero(pins)):
        D = np.zeros_like(foot[0])
        D[:, h] = X[i] / np.linalg.norm(X[i])
        dirs += [s * M.pack((D, np.zeros_like(foot[1]))) for s in (1, -1)]
    dirs += [u / np.linalg.norm(u) for u in rng.normal(size=(20, theta.size))]
    out = []
    for d in dirs:
        a, b = (distance_after_moving(theta, foot, X, Y, d, e) for e in (1e-3, 1e-4))
        if a < 0 and b < 0 and a / b < 10 ** 1.5:
            out.append(a)
    return out


def test_relu_foot_with_asks_is_not_a_local_nearest_point():
    """The foot of a release problem (pins hold the kinks crossed on the way) has pins asking
    for release, certain ones and ones back into theta's cell among them, and is not converged;
    checked independently by moving off it along Z (Gauss-Newton back to Z with the true net): some
    move shortens the distance to first order. Each back ask's cosine (feet.back_cosines) is
    cos(v, dx) for the min-norm dx with [J_S; K] dx = (0, +-e_p) (numpy lstsq of the dense stack).
    Seed 42: a foot with asks back into theta's cell."""
    X, Y, params = relu_release_problem(42)
    foot, a = feet.orthogonal_projection(params, X, Y, mean=False, rtol=1e-10, steps=100)
    assert a["release"] >= a["release_certain"] >= a["release_back"] > 0, a
    assert not a["converged"] and a["loss"] < 1e-20 and a["residual"] <= 1e-10, a  # the stopping rule, rtol
    rng = np.random.default_rng(0)
    assert first_order_decreases(M.pack(params), foot, a["pin_mask"], X, Y, rng), "no nearer neighbour seen"
    pins, S = a["pin_mask"], (X @ params[0] > 0).astype(float)
    _, (_, up, _, back, cosines), _ = feet.pin_release(params, X, Y, S, pins, M.pack(foot), "relu")
    J1 = np.einsum("ia,ih,hj->ijah", X, S, foot[1]).reshape(Y.size, -1)
    J2 = np.einsum("ih,jb->ijhb", S * (X @ foot[0]), np.eye(Y.shape[1])).reshape(Y.size, -1)
    rows = list(zip(*np.nonzero(pins)))
    K = np.array([np.concatenate([np.outer(X[i], np.eye(16)[h]).ravel(), np.zeros(foot[1].size)]) for i, h in rows])
    A, v = np.vstack([np.hstack([J1, J2]), K]), M.pack(params) - M.pack(foot)
    for r, (i, h) in enumerate(rows):
        e = np.zeros(A.shape[0])
        e[Y.size + r] = 1.0 if up[i, h] else -1.0
        dx = np.linalg.lstsq(A, e, rcond=None)[0]
        want = v @ dx / np.linalg.norm(v) / np.linalg.norm(dx) if back[i, h] else 0.0
        # eps x cond^2 x size: back_cosines solves with G = (J P_S)(J P_S)^T, squaring cond(A)
        assert abs(cosines[i, h] - want) <= tol_gram(A, A.shape[1]), (i, h, cosines[i, h], want)
        assert want >= 0, "a back ask shortens the distance"
    assert a["back_gain"] == cosines.max() > 0


def test_pin_multipliers_certain_asks_on_designed_units():
    """feet.pin_multipliers on two designed ReLU units (d_in = 3, n = 4): unit 0 pins rows 0, 1
    (independent: full rank, nu unique), unit 1 pins rows 0, 3 with X_3 = X_0 (rank 1: nu is one
    of the line nu_min + t (1, -1)). K = X_I^T nu and pull are set so that, with c_p = nu_p + S pull:
    (0,0) asks up (nu(1) = 2), (1,0) does not (0 <= c <= pull), (0,1) asks up with pull > 0 (not
    certain: t = -1 makes it stop asking), (3,1) asks up with pull < 0 (certain: every t asks)."""
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    pins = np.zeros((4, 2), dtype=bool)
    pins[[0, 1], 0] = pins[[0, 3], 1] = True
    S = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])  # theta's slopes: unit 0 up, unit 1 down
    pull = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.0, -1.0]])
    K = np.zeros((3, 2))
    K[:, 0] = X[[0, 1]].T @ np.array([2.0, -0.5])  # nu at slope S: (0,0) 2, (1,0) -0.5
    K[:, 1] = X[[0, 3]].T @ np.array([1.5, 1.5])  # min-norm nu (1.5, 1.5)
    want, up, full, certain, gain = feet.pin_multipliers(X, K, pull, S, pins, "relu", 1e-9)
    assert full.tolist() == [[True, False], [True, False], [False, False], [False, False]], full
    assert want.tolist() == [[True, True], [False, False], [False, False], [False, True]], want
    assert certain.tolist() == [[True, False], [False, False], [False, False], [False, True]], certain
    assert up[want].all() and not gain[~pins].any()
    # gains max(nu(1), -nu(0)), nu(s) = c - s pull: (0,0) 2, (0,1) 0.5, (3,1) 2.5; eps x size: 2-term lstsq
    assert close(gain[[0, 0, 3], [0, 1, 1]], [2.0, 0.5, 2.5], 4, cond(X[[0, 1]]))
    for t in (-1.0, 0.0, 3.0):  # unit 1's other multipliers nu_min + t (1, -1), by hand
        c = np.array([1.5 + t, 1.5 - t])  # S = 0: c = nu
        asks = (c - pull[[0, 3], 1] > 0) | (c < 0)
        assert asks[1], "a negative pull asks for every choice"
        assert asks[0] == (t != -1.0), "a positive pull's ask depends on the choice"


def test_relu_frame_dimension_is_d_minus_the_rank_of_J_and_the_pins():
    """frame_dim = dim(null(J) ∩ {pinned z stay 0}) = d - rank [J; K] (numpy's SVD of the dense
    stack, numpy's matrix_rank tolerance max(shape) eps s_max), at the feet of the two ReLU problems."""
    for X, Y, params in (relu_release_problem(), relu_release_problem(42)):
        foot, info = feet.orthogonal_projection(params, X, Y, mean=False, rtol=1e-10, steps=100)
        pins, Z = info["pin_mask"], X @ foot[0]
        S = (Z > 0).astype(float)  # the pins' slopes do not matter: their rows are in K's span
        J1 = np.einsum("ia,ih,hj->ijah", X, S, foot[1]).reshape(Y.size, -1)
        J2 = np.einsum("ih,jb->ijhb", S * Z, np.eye(Y.shape[1])).reshape(Y.size, -1)
        K = np.array([np.concatenate([np.outer(X[i], np.eye(16)[h]).ravel(), np.zeros(foot[1].size)])
                      for i, h in zip(*np.nonzero(pins))])
        A = np.vstack([np.hstack([J1, J2]), K])
        assert info["frame_dim"] == A.shape[1] - np.linalg.matrix_rank(A), (info["pins"], info["frame_dim"])


def test_orthogonal_projection_finds_the_known_foot_on_the_hyperbola():
    """Fig. 3's Z = {w1 w2 = 1} (F = w1 w2, identity net): from points on the origin's side of
    the convex set {w1 w2 >= 1, w1 > 0}, the nearest point is unique: the foot we started from."""
    X = Y = np.ones((1, 1))
    rtol, tol = 1e-12, 1e-28
    for t in (0.5, 1.0, 2.0):
        foot, normal = np.array([t, 1 / t]), np.array([1 / t, t]) / np.hypot(t, 1 / t)
        for delta in (0.05, 0.2, 0.4):
            theta = foot - delta * normal
            on_Z, info = feet.orthogonal_projection((theta[:1, None], theta[1:, None]), X, Y,
                                                  "identity", mean=False, tol=tol, rtol=rtol)
            x = M.pack(on_Z)
            assert info["converged"] and info["loss"] <= tol and info["residual"] <= rtol
            # foot error: tangential <= 2 rtol delta while delta <= R / 2 (R >= sqrt 2 here),
            # normal <= ||r|| / ||J|| = sqrt(tol) / |foot|
            err = np.linalg.norm(x - foot)
            assert err <= 2 * rtol * delta + tol ** 0.5, f"t {t}, delta {delta}: foot off by {err:.1e}"
            n_x = np.array([x[1], x[0]]) / np.linalg.norm(x)  # the normal of Z at x, by hand
            w = (theta - x) / np.linalg.norm(theta - x)
            sin = abs(n_x[0] * w[1] - n_x[1] * w[0])  # the 2-D cross product
            assert sin <= 2 * rtol, f"theta - theta* not normal to Z: sin {sin:.1e}"
            assert abs(info["dist"] - delta) <= 2 * rtol * delta + tol ** 0.5


def test_nearest_point_on_a_circle_is_the_radial_foot():
    """{x : ||x||^2 = 4} in R^5, from inside and outside (up to 3 radii away): theta* = 2 theta / ||theta||."""
    rng = np.random.default_rng(40)
    rtol, r_tol = 1e-12, 1e-14
    res = lambda x: np.array([x @ x - 4.0])  # noqa: E731
    jac = lambda x: (lambda v: np.array([2 * x @ v]), lambda u: 2 * x * u[0],  # noqa: E731
                     np.array([[4 * x @ x]]))
    for scale in (0.1, 0.9, 1.5, 4.0):
        u = rng.normal(size=5)
        theta = 2 * scale * u / np.linalg.norm(u)
        x, info = feet.nearest_point(theta, res, jac, r_tol=r_tol, rtol=rtol)
        foot = 2 * u / np.linalg.norm(u)
        assert info["converged"] and not info["fallback"]
        # tangential error <= rtol |theta - x|, normal <= ||r|| / ||J|| = r_tol / 4
        err = np.linalg.norm(x - foot)
        assert err <= rtol * np.linalg.norm(theta - foot) + r_tol, f"scale {scale}: off by {err:.1e}"
        # the iteration's rtol (to second order in the cosine) plus eps x size: a cosine of 5-vectors
        assert abs(MF.cosine(theta - x, x)) >= 1 - 2 * rtol ** 2 - tol(5), "theta - theta* not radial"


def test_orthogonal_projection_of_a_smooth_net_is_orthogonal_and_no_farther_than_gauss_newton():
    """tanh net off Z (d = 40 > n m = 10): the foot is feasible, theta - theta* lies in range(J^T)
    up to the requested rtol plus the rounding of a solve with J J^T (eps cond(J J^T) d), checked
    with an independent P_T (numpy's pinv), and it is no farther than the Gauss-Newton foot."""
    X, _, params = small_net(seed=41, n=5, d_in=3, d_h=8, m=2)
    Y = M.forward(params, X, "tanh") + 0.1 * np.random.default_rng(41).normal(size=(5, 2))
    rtol = 1e-10
    on_Z, info = feet.orthogonal_projection(params, X, Y, "tanh", mean=False, rtol=rtol, steps=300)
    assert info["converged"], info
    # eps x size: the loss at the foot, the same sum of n m squares; then the stopping rule (tol=1e-20)
    assert close(info["loss"], M.loss(on_Z, X, Y, act="tanh"), Y.size) and info["loss"] <= 1e-20
    J = M.jacobian(on_Z, X, "tanh")
    v = M.pack(params) - M.pack(on_Z)
    orth = np.linalg.norm(v - np.linalg.pinv(J) @ (J @ v)) / np.linalg.norm(v)
    s = np.linalg.svd(J, compute_uv=False)
    tol = rtol + np.finfo(float).eps * (s[0] / s[-1]) ** 2 * J.shape[1]
    assert orth <= tol and info["residual"] <= tol, f"residual {orth:.1e} > {tol:.1e}"
    gn, _ = MF.zero_loss_projection(params, X, Y, "tanh", mean=False)
    # eps x size (tol() is shadowed here): two norms of d-vectors (the distance is stationary at the foot)
    assert info["dist"] <= MF.distance_to_Z(params, gn) * (1 + EPS * J.shape[1]), "a nearer point of Z exists"


def test_pinned_flips_and_the_smallest_z_baseline_on_designed_preactivations():
    """why_not_one.pinned_flips on a designed window (n x d_h = 2 x 3, 3 iterates): flips at (0,0)
    (and back), (0,2) and (1,1); |z| at theta_t smallest at (0,0), (1,1), (1,2); K = 3 pins at
    (0,0), (0,1), (1,2): the pins catch 1 of 3 flips, the 3 smallest |z| catch 2, a random set of 3
    catches 3/6 in expectation, and 2 of the pins are among the smallest."""
    Zs = [np.array([[1.0, 5.0, 2.0], [4.0, 1.0, 0.3]]), np.array([[-1.0, 5.0, -2.0], [4.0, -1.0, 0.2]]),
          np.array([[0.1, 6.0, -3.0], [4.0, -0.2, 0.3]])]
    pins = np.array([[True, True, False], [False, False, True]])
    out = why_not_one.pinned_flips(Zs, pins)
    assert out == {"window_flips": 3, "flips_pinned": 1, "flips_pinned_share": 1 / 3, "flips_smallest_share": 2 / 3,
                   "flips_random_share": 0.5, "pins_smallest_share": 2 / 3}, out


def test_kink_counts_on_designed_preactivations():
    z0 = np.array([[1.0, -1.0, 0.5, 2.0]])
    z1 = np.array([[-0.1, 1.0, 0.4, 1.9]])  # units 0, 1 cross
    z2 = np.array([[0.2, 2.0, -0.05, 1.8]])  # unit 0 crosses back, unit 2 crosses; 0 and 2 are near 0
    assert why_not_one.kink_counts([z0, z1, z2]) == {"flips": 2, "flips_back": 1, "within_one_step": 2}


def dense_tangent_projector(J):
    """P_T = I - J^T (J J^T)^-1 J as a function, independent of manifold.tangent_projector and tangent_projector_svd."""
    return lambda v: v - J.T @ np.linalg.solve(J @ J.T, J @ v)


def test_tangent_split_is_orthogonal_and_sums_to_u():
    X, Y, params = zero_loss_net()
    J = M.jacobian(params, X, "tanh")
    P = MF.tangent_projector_svd(J)
    rng = np.random.default_rng(30)
    u, theta = rng.normal(size=J.shape[1]), M.pack(params)
    T, N = feet.tangent_split(P, u)
    # eps x size: N = u - T, so T + N = u up to the two roundings of u - T + T
    assert np.allclose(T + N, u, rtol=0, atol=tol(2) * np.abs(u).max())
    # P_T and the dense reference both go through J J^T (cond(J) ~ 400): eps x cond^2 x d each
    bound = tol_gram(J, J.shape[1])
    assert abs(T @ N) < bound * (u @ u)
    assert np.linalg.norm(J @ T) < bound * np.linalg.norm(J) * np.linalg.norm(u), "tangent part not in null(J)"
    Pd = dense_tangent_projector(J)
    assert np.linalg.norm(Pd(N)) < bound * np.linalg.norm(u), "normal part not in range(J^T)"
    cos, cos_T, frac = feet.tangent_alignment(P, u, theta)
    g = -Pd(theta)
    assert abs(cos_T - Pd(u) @ g / np.linalg.norm(Pd(u)) / np.linalg.norm(g)) < bound / frac  # P_T u is frac ||u||
    assert abs(frac - np.linalg.norm(Pd(u)) / np.linalg.norm(u)) < bound and 0 < frac < 1
    assert abs(cos - u @ g / np.linalg.norm(u) / np.linalg.norm(g)) < bound
    assert abs(cos - cos_T * frac) < bound, "cos(u, g) != cos(P_T u, g) ||P_T u|| / ||u||"


def test_gd_update_split_is_gradient_descent_split_by_source():
    X, Y, params = small_net(seed=31, n=5, d_h=6)
    lr, lam = 0.01, 0.05
    end, u_L, u_lam = feet.gd_update_split(params, X, Y, 7, lr, lam)
    ref = M.gradient_descent(params, X, Y, 7, lr, lam, mean=True)[0]
    assert all(np.array_equal(a, b) for a, b in zip(end, ref)), "not bit for bit models.gradient_descent"
    # eps x size: 7 steps' roundings of theta (|theta| ~ 1), each entry's update summed twice
    assert np.allclose(u_L + u_lam, M.pack(end) - M.pack(params), rtol=0, atol=tol(2 * 7) * np.abs(M.pack(params)).max())
    p, sum_g, sum_th = params, 0.0, 0.0
    for _ in range(7):
        sum_g, sum_th = sum_g + M.pack(M.loss_grad(p, X, Y, 0.0, mean=True)), sum_th + M.pack(p)
        p = M.gradient_descent(p, X, Y, 1, lr, lam, mean=True)[0]
    # eps x size: the same 7-term sums of the same gradients, in another order
    assert rel_err(u_L, -lr * sum_g) < tol(7) and rel_err(u_lam, -2 * lr * lam * sum_th) < tol(7)


def test_linear_model_gd_update_on_flat_Z_is_tangentially_norm_minimizing():
    rng = np.random.default_rng(32)
    X, Y = rng.normal(size=(2, 5)), rng.normal(size=(2, 1))
    J = M.jacobian((np.zeros((5, 1)),), X)  # the same at every point: Z is flat
    W = np.linalg.lstsq(X, Y, rcond=None)[0] + dense_tangent_projector(J)(rng.normal(size=(5, 1)))
    # eps x cond^2 x size: a least-squares fit and P_T through X X^T; the residual is squared
    bound = tol_gram(X, W.size)
    assert M.loss((W,), X, Y) < (bound * np.abs(Y).max()) ** 2, "start is not on Z"
    P = MF.tangent_projector_svd(J)
    for steps in (1, 10):
        end, u_L, u_lam = feet.gd_update_split((W,), X, Y, steps, 0.1, 0.01)
        cos, cos_T, frac = feet.tangent_alignment(P, u_L + u_lam, M.pack(end))
        assert abs(cos_T - 1) < bound, f"{steps} steps: tangential cosine {cos_T}"  # bound: P_T through X X^T
        # bound: P_T through X X^T, relative to u_L; u_L = -lr X^T (...) lies in range(X^T) to rounding
        assert np.linalg.norm(P(u_L)) < bound * np.linalg.norm(u_L), "loss gradient not normal"
        n = why_not_one.update_split(P, M.pack(end), u_L, u_lam, [u_L, u_lam])
        rel = bound * np.linalg.norm(u_L) / np.linalg.norm(P(u_lam))  # the same, relative to the tangential update
        assert n["loss_fraction"] < rel and abs(n["loss_along"]) < rel


def test_sharpness_mean_loss_matches_dense_hessian():
    X, Y, params = zero_loss_net()
    theta, lam = M.pack(params), 0.03
    for mean in (True, False):
        grad = lambda th: M.pack(M.loss_grad(M.unpack(th, params), X, Y, lam, "tanh", mean))  # noqa: E731
        top = np.linalg.eigvalsh(fd_jacobian(grad, theta, h=1e-5))[-1]
        for svd in (None, MF.jacobian_svd(M.jacobian(params, X, "tanh"))):
            got = feet.sharpness(params, X, lam, iters=500, act="tanh", mean=mean, svd=svd)
            # FD Hessian, n x d terms per entry (the top eigenvalue is perfectly conditioned)
            assert rel_err(got, top) < fd_tol(1e-5, X.shape[0] * theta.size), f"mean={mean}: sharpness {got} vs dense Hessian {top}"


def test_smooth_radius_is_first_relu_sign_change_along_the_ray():
    X = np.eye(2)
    W2 = np.ones((3, 1))
    W1_Z = np.array([[1.0, 2.0, -1.0], [-1.0, 4.0, 0.5]])
    W1 = np.array([[-1.0, 3.0, -1.5], [-1.0, -1.0, 0.25]])  # signs change at s = 1/2, 4/5, 2
    d = np.linalg.norm(W1 - W1_Z)
    assert abs(feet.smooth_radius((W1_Z, W2), (W1, W2), X) - 0.5 * d) < tol(6) * d  # eps x size: a 6-entry norm
    W1[0, 0] = 0.8  # now the first crossing is at s = 4/5
    d = np.linalg.norm(W1 - W1_Z)
    assert abs(feet.smooth_radius((W1_Z, W2), (W1, W2), X) - 0.8 * d) < tol(6) * d
    W1[1, 1] = 6.0  # one crossing left, beyond theta on the ray (s = 2)
    d = np.linalg.norm(W1 - W1_Z)
    assert abs(feet.smooth_radius((W1_Z, W2), (W1, W2), X) - 2 * d) < tol(6) * d
    assert feet.smooth_radius((W1_Z, W2), (W1_Z + 0.1 * np.abs(W1_Z) * np.sign(W1_Z), W2), X) == np.inf


def test_fig9_branch_points_are_the_middles_of_each_phase():
    ph = np.array([["", "memorized", "memorized", "memorized", "memorized", "grokking", "generalized"],
                   ["", "", "memorized", "memorized", "memorized", "memorized", "memorized"]])
    assert feet.branch_points(ph, 2, 2) == [(0, 2), (0, 4), (0, 5), (0, 6), (1, 3), (1, 5)]
    assert feet.branch_points(ph, 1, 1) == [(0, 3), (0, 5), (0, 6)]


def test_update_on_Z_measures_at_the_orthogonal_foot():
    X, Y, params = fig5_tiny_net()
    theta = M.pack(params)
    before = M.unpack(theta - 0.01 * np.random.default_rng(22).normal(size=theta.size), params)
    out, foot = why_not_one.update_on_Z(before, params, X, Y, lr=MA.FIG5_LR, lam=MA.FIG5_LAM)
    u = theta - M.pack(before)
    on_Z, info = feet.orthogonal_projection(params, X, Y)  # the orthogonal foot: the wiring
    assert rel_err(M.pack(foot), M.pack(on_Z)) < tol(theta.size)  # eps x size: the same call (equal here bit for bit)
    assert np.allclose([out[k] for k in ("cos", "cos_tangent", "tangent_fraction")],  # eps x size: the same call
                       feet.tangent_alignment(info["P_T"], u, theta), rtol=0, atol=tol(theta.size))
    assert all(out[k] == float(info[k]) for k in feet.FOOT_INFO)
    # eps x cond^2 x size: s_min from eigvalsh(J J^T) (ours) vs numpy's SVD of J
    assert abs(out["s_min"] / np.linalg.svd(M.jacobian(on_Z, X), compute_uv=False)[-1] - 1) < tol_gram(M.jacobian(on_Z, X), theta.size)
    # lr x sharpness at the foot (Lemma C.1), mean loss: 2 lambda_max(J J^T) / (n m) + 2 lam, eigh vs Lanczos
    top = 2 * np.linalg.eigvalsh(MF.gram(on_Z, X))[-1] / Y.size + 2 * MA.FIG5_LAM
    assert abs(out["sharpness_lr"] / (MA.FIG5_LR * top) - 1) < tol_gram(M.jacobian(on_Z, X), theta.size)


def test_first_order_distance_is_the_distance_to_first_order():
    X, Y, params = zero_loss_net()
    J = M.jacobian(params, X, "tanh")
    n = MF.random_normal_direction(J, np.random.default_rng(40))
    for delta in (1e-2, 1e-3, 1e-4):
        d = feet.first_order_distance(M.unpack(M.pack(params) + delta * n, params), X, Y, "tanh")
        # the foot of theta* + delta n is theta* up to O(delta^2); ||J^+ r|| = delta + O(delta^2):
        # 30 delta^2 covers curvature x cond(J) of this net (observed ~1 delta^2)
        assert abs(d - delta) < 30 * delta ** 2, (delta, d)


def test_normal_relaxation_steps_is_gds_slowest_normal_decay():
    rng = np.random.default_rng(41)
    X, Y = rng.normal(size=(3, 6)), rng.normal(size=(3, 2))
    W0 = np.linalg.lstsq(X, Y, rcond=None)[0]  # on the flat Z of the linear model
    J = M.jacobian((W0,), X)
    U, s = MF.jacobian_svd(J)
    lr = 0.02
    T = feet.normal_relaxation_steps(float(s[-1]), Y.size, lr, mean=True)
    v = J.T @ U[:, -1] / s[-1]  # the unit normal of the smallest singular value
    end, _ = M.gradient_descent((W0 + 0.1 * v.reshape(W0.shape),), X, Y, 200, lr, 0.0, mean=True)
    shrink = np.linalg.norm(M.pack(end) - M.pack((W0,))) / 0.1
    # GD multiplies that mode by exactly 1 - 1/T per step (rounding only: eps x cond x size over 200 steps)
    assert abs(shrink - (1 - 1 / T) ** 200) < tol(200 * X.size, np.linalg.cond(J)) and T > 10, (shrink, T)


def test_decay_equilibrium_is_the_ridge_solution_to_first_order():
    rng = np.random.default_rng(45)
    X, Y = rng.normal(size=(3, 7)), rng.normal(size=(3, 2))
    W0 = np.linalg.pinv(X) @ Y  # the minimum-norm point of Z (P_T theta* = 0), so ridge stays next to it
    for lam in (1e-3, 1e-4):
        eq = feet.decay_equilibrium((W0,), X, lam)
        ridge = X.T @ np.linalg.solve(X @ X.T + lam * Y.size * np.eye(3), Y)  # argmin of the mean loss + lam
        # the difference is the next term of the Neumann series of (X X^T + lam n m)^-1,
        # (lam n m)^2 X^T (X X^T)^-3 Y, + O(lam^3): tight by nature, so 2x that term
        second = (lam * Y.size) ** 2 * np.linalg.norm(X.T @ np.linalg.solve(X @ X.T, np.linalg.solve(
            X @ X.T, np.linalg.solve(X @ X.T, Y))))
        assert np.linalg.norm(eq[0] - ridge) < 2 * second, lam
        assert np.linalg.norm(eq[0] - W0) > 100 * np.linalg.norm(eq[0] - ridge), "offset not resolved"


def test_kink_flips_counts_sign_changes_per_step():
    X = np.eye(2)
    W1s = [np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([[-1.0, -1.0], [1.0, -1.0]]),
           np.array([[-1.0, 1.0], [-1.0, -1.0]])]
    assert list(feet.kink_flips(W1s, X)) == [2, 2]


def test_update_along_Z_on_flat_Z_and_the_random_baseline():
    rng = np.random.default_rng(42)
    X, Y = rng.normal(size=(2, 40)), rng.normal(size=(2, 1))
    J = M.jacobian((np.zeros((40, 1)),), X)
    W = np.linalg.lstsq(X, Y, rcond=None)[0] + rng.normal(size=(40, 1))
    W = (W - (J.T @ np.linalg.solve(J @ J.T, J @ W.ravel() - Y.ravel())).reshape(W.shape),)
    P = MF.tangent_projector_svd(J)
    end, u_L, u_lam = feet.gd_update_split(W, X, Y, 1, 0.1, 0.01)
    n = feet.update_along_Z(P, u_L, u_lam, M.pack(W))
    # flat Z: the loss gradient is exactly normal; one step of decay is exactly -2 lr lam P_T theta
    bound = tol_gram(J, X.size)  # eps x cond^2 x size: P_T through J J^T
    assert n["loss_to_decay"] < bound and abs(n["cos_decay_only"] - 1) < bound
    assert abs(n["cos"] - n["cos_tangent"] * n["tangent_fraction"]) < tol(4)  # eps x 4: a product of two ratios
    base = [feet.random_update_baseline(P, M.pack(W), np.random.default_rng([7, s])) for s in range(200)]
    frac, cos = (np.array([b[k] for b in base]) for k in ("tangent_fraction", "cos_tangent"))
    # dim T = 38 of d = 40: fraction ~ sqrt(38/40), cos ~ N(0, 1/38); 200 draws: 4 standard errors
    assert abs(frac.mean() - np.sqrt(38 / 40)) < 0.01 and abs(cos.mean()) < 4 / np.sqrt(38 * 200)
    assert abs(cos.std() - 1 / np.sqrt(38)) < 0.03


def test_measure_window_is_plain_gd_seen_from_the_nearest_point():
    X, Y, params = zero_loss_net()
    start = M.unpack(M.pack(params) + 0.01 * np.random.default_rng(43).normal(size=12), params)
    w = feet.measure_window(start, X, Y, 0.5, 1e-3, 12, "tanh", proj_steps=30, flip_steps=3)
    end, _ = M.gradient_descent(start, X, Y, 12, 0.5, 1e-3, "tanh", True)
    on_Z, info = feet.orthogonal_projection(end, X, Y, act="tanh", steps=30)
    P = dense_tangent_projector(M.jacobian(on_Z, X, "tanh"))
    u = M.pack(end) - M.pack(start)
    assert abs(w["cos"] - MF.cosine(u, -P(M.pack(end)))) < 1e-9
    assert abs(w["tangent_fraction"] - np.linalg.norm(P(u)) / np.linalg.norm(u)) < 1e-9
    assert abs(w["dist"] - info["dist"]) < 1e-12 and w["proj_residual"] < 1e-6 and w["proj_loss"] < 1e-20
    assert w["radius"] is None and w["flips_per_step"] >= 0


def test_settle_near_Z_doubles_until_settled_or_capped():
    X, Y, params = zero_loss_net()
    start = M.unpack(M.pack(params) + 0.05 * np.random.default_rng(44).normal(size=12), params)
    _, done, change = feet.settle_near_Z(start, X, Y, 0.5, 0.0, "tanh", first=10, most=80, tol=1e-30)
    assert done == 80 and change < 0, "never settled to 1e-30: stops at the cap 10 + 10 + 20 + 40"
    end, done, change = feet.settle_near_Z(start, X, Y, 0.5, 0.0, "tanh", first=10, most=10 ** 6, tol=0.5)
    assert abs(change) < 0.5 and done in (10, 20, 40, 80, 160, 320, 640, 1280)


# ---------------------------------------------------------------- studies/why_not_one.py: Fig. 9, the Fig. 5 cosine explained
def test_fig9_redoes_each_fig5_window_bit_for_bit():
    """orthogonal_points' wiring: the window why_not_one.gd_window redoes from Fig. 5's theta_{t-10} ends at
    its theta_t bit for bit, and holds u_L + u_lam = theta_t - theta_{t-10}, every iterate's
    pre-activations and the last two one-step updates."""
    (_, _, (X, Y), (befores, thetas)), _ = fig5_recorded_run()
    gd = lambda P, n: M.gradient_descent(P, X, Y, n, 1.0, 0.5e-4, mean=True)[0]  # noqa: E731
    for before, theta in zip(befores, thetas):
        after, u_L, u_lam, last, Zs = why_not_one.gd_window(before, X, Y, MA.FIG5_WINDOW, MA.FIG5_LR, MA.FIG5_LAM)
        assert all(np.array_equal(a, b) for a, b in zip(after, theta)), "not Fig. 5's theta_t bit for bit"
        # eps x size: 2 x 10 rounded terms (as for gd_update_split); tight (margin ~0.1): no cond, just
        # 10 roundings of theta's largest entry, half an ulp each at worst (a quarter of this bound)
        assert np.allclose(u_L + u_lam, M.pack(after) - M.pack(before), rtol=0, atol=tol(2 * 10) * np.abs(M.pack(before)).max())
        its = [before]
        for _ in range(10):
            its.append(gd(its[-1], 1))
        # eps x size: d_in-term products, relative to sum |x| |w|; then one rounding of theta + v, half
        # an ulp of |theta| at worst (a quarter of tol(2): tight, margin ~0.2, nothing else rounds)
        assert len(Zs) == 11 and all(np.allclose(z, X @ p[0], rtol=0, atol=tol(X.shape[1]) * (np.abs(X) @ np.abs(p[0])).max())
                                     for z, p in zip(Zs, its))
        assert all(np.allclose(v, M.pack(b) - M.pack(a), rtol=0, atol=tol(2) * np.abs(M.pack(b)).max())
                   for v, a, b in zip(last, its[-3:-1], its[-2:]))


def test_fig9_foot_summary_on_designed_points():
    """why_not_one.foot_summary on designed points: 2 nets x 4 points at Fig. 5's --quick grid, net 1
    memorized / grokking / generalized / generalized (rising at its 2nd point), net 2 memorized."""
    phase = np.array([["memorized", "grokking", "generalized", "generalized"], ["memorized"] * 4])
    al = np.array([["before_rise", "rising", "after", "after"], ["before_rise"] * 4])
    cos = np.array([[0.1, 0.2, 0.3, 0.4], [-0.1] * 4])
    R = {k: np.full((2, 4), 2.0) for k in feet.FOOT_INFO[:-1]}
    R.update({k: cos for k in why_not_one.ORTHOGONAL_KEYS}, residual=np.arange(1.0, 9.0).reshape(2, 4),
             dist=np.ones((2, 4)), loss=np.full((2, 4), 1e-30), s_min=np.full((2, 4), 0.3),
             converged=np.tile([1.0, 0.0, 1.0, 0.0], (2, 1)))
    out = why_not_one.foot_summary(R, phase, al)
    want = {"memorized": (0.1 - 0.4) / 5, "grokking": 0.2, "generalized": 0.35}
    for k in why_not_one.ORTHOGONAL_KEYS:
        assert all(close(out["by_phase"][k][ph], want[ph], 5) for ph in want), (k, out["by_phase"][k])  # eps x size: means of <= 5
    assert close(out["by_aligned_phase"]["cos"]["after"], 0.35, 2)  # eps x size: a mean of 2
    assert out["by_aligned_phase"]["cos"]["settling"] is None
    f = out["foot"]
    assert close(f["residual_median"], 4.5, 2) and f["residual_max"] == 8 and f["dist_median"] == 1  # medians: a mean of 2
    assert out["orthogonal_foot"]["converged"] == 4 and out["orthogonal_foot"]["points"] == 8
    assert out["orthogonal_foot"]["pins_median"] == 2.0 and out["sigma_min_J_min"] == 0.3


def fig9_rerun(before, X, Y, lr, lam, steps):
    """Plain GD (models.py) with every iterate kept, for the independent checks of Fig. 9."""
    out = [before]
    for _ in range(steps):
        out.append(M.gradient_descent(out[-1], X, Y, 1, lr, lam, mean=True)[0])
    return out


FIG9 = {}


def fig9_quick():
    """The --quick Fig. 9 (seed 0), run once per suite: (its numbers, Fig. 5's cache, Fig. 9's records)."""
    if not FIG9:
        with tempfile.TemporaryDirectory() as out:
            res = grok.FIGURES["9"](Namespace(out=out, seed=0, quick=True))["fig9"]
            assert os.path.getsize(os.path.join(out, "fig9_fig5_explained.png")) > 10000
        FIG9.update(res=res, f5=grok.TRAJECTORIES["fig5"], R=grok.TRAJECTORIES["fig9"]["R"])
    return FIG9["res"], FIG9["f5"], FIG9["R"]


def test_fig9_quick_numbers():
    res, f5, R = fig9_quick()
    phase = f5["phase"]
    assert (f5["seed"], f5["quick"]) == (0, True)
    assert np.array_equal(res["cos"], R["cos"][0]), "not the Fig. 5 cosine of net 1"
    # every foot reports its loss and orthogonality residual; the orthogonal one is, in the median,
    # orthogonal in its stratum frame (1e-6: the default rtol 1e-8 with margin for the rounds) and
    # feasible. Not every foot: one whose last round crosses kinks again can stay slanted (seen:
    # residual 0.02 with numpy 1.24, 0.03 with one BLAS thread), and the summary reports that max.
    f = res["foot"]
    assert f["loss_median"] < 1e-20 and f["residual_median"] < 1e-6, f  # the stopping rule; rtol, as said above
    assert f["residual_median"] <= f["residual_max"] <= 1, f  # a residual is a ratio of norms of a projection
    assert R["cos"].shape == f5["step"].shape and res["orthogonal_foot"]["points"] == f5["step"].size
    for k in why_not_one.ORTHOGONAL_KEYS:
        c = R[k]
        assert np.all(np.abs(c) <= 1 + tol(2 * MA.FIG5_P * MA.FIG5_HIDDEN))  # eps x size: cosines of d-vectors
        for ph in MA.PHASES:
            want = c[phase == ph].mean() if (phase == ph).any() else None
            assert res["by_phase"][k][ph] == want, (k, ph, res["by_phase"][k][ph], want)
    # by construction; eps x size: the dot products and norms over d terms of each side
    assert np.allclose(R["cos"], R["cos_tangent"] * R["tangent_fraction"], rtol=0, atol=tol(2 * MA.FIG5_P * MA.FIG5_HIDDEN))
    assert res["sigma_min_J_min"] == R["s_min"].min() > 0
    for key, fn in (("mean_by_phase", np.mean), ("median_by_phase", np.median)):  # the reductions
        for k, v in res[key].items():
            for ph, x in v.items():
                assert x == (float(fn(R[k][phase == ph])) if (phase == ph).any() else None), (k, ph)
    lam, c = MA.FIG5_LAM, 1.0 / (59 * 11)
    rng = np.random.default_rng([0, 5, 0])  # net 1 again, by hand: plain GD with every iterate
    X, Y, _, _ = MA.fig5_data(rng)
    p = (M.init_uniform(rng, 11, 128), M.init_uniform(rng, 128, 11))
    done = 0
    for i in np.argsort(f5["step"][0]):  # net 1's points in step order (its own steps come after the shared ones)
        t = int(f5["step"][0, i])
        run = [M.gradient_descent(p, X, Y, t - 10 - done, 1.0, lam, mean=True)[0]]
        for _ in range(10):
            run.append(M.gradient_descent(run[-1], X, Y, 1, 1.0, lam, mean=True)[0])
        p, done = run[-1], t
        if phase[0, i] == "":
            continue
        th = [M.pack(q) for q in run]
        on_Z, info = feet.orthogonal_projection(run[-1], X, Y)
        P = info["P_T"]
        u_lam = -2 * lam * sum(th[:-1])
        PL, Pd = P(th[-1] - th[0] - u_lam), P(u_lam)
        want = {"loss_fraction": np.linalg.norm(PL) / (np.linalg.norm(PL) + np.linalg.norm(Pd)),
                "loss_to_decay": np.linalg.norm(PL) / np.linalg.norm(Pd),
                "normal_flip_cos": MF.cosine(*((v - P(v)) for v in (th[-2] - th[-3], th[-1] - th[-2]))),
                "dist": np.linalg.norm(th[-1] - M.pack(on_Z)), "radius": feet.smooth_radius(on_Z, run[-1], X),
                "sharpness_lr": 2 * c * np.linalg.eigvalsh(MF.gram(on_Z, X))[-1] + 2 * lam}
        # eps x cond x size: the same 10 steps' sums in another order (2 x 10 terms), cond = the
        # cancellation |theta| / |the smallest vector formed| (P_T parts, normal parts, theta - theta*)
        small = [PL, Pd, th[-1] - M.pack(on_Z)] + [v - P(v) for v in (th[-2] - th[-3], th[-1] - th[-2])]
        bound = tol(2 * 10, np.linalg.norm(th[-1]) / min(np.linalg.norm(v) for v in small))
        for k, v in want.items():
            assert abs(R[k][0, i] - v) <= bound * abs(v), (k, R[k][0, i], v)
        z = [X @ q[0] for q in run[-3:]]
        ch = (z[2] > 0) != (z[1] > 0)
        assert R["flips"][0, i] == ch.sum() and R["within_one_step"][0, i] == np.sum(np.abs(z[2]) < np.abs(z[2] - z[1]))
        assert R["flips_back"][0, i] == np.sum(ch & ((z[1] > 0) != (z[0] > 0)))
        z = [X @ q[0] for q in run]  # a sign change in any of the 10 steps; pinned at the foot
        fl = np.any([(a > 0) != (b > 0) for a, b in zip(z, z[1:])], axis=0)
        assert R["window_flips"][0, i] == fl.sum() and R["flips_pinned"][0, i] == np.sum(fl & info["pin_mask"])
        assert R["flips_random_share"][0, i] == info["pins"] / fl.size and R["frame_dim"][0, i] == info["frame_dim"]
        near = np.abs(z[-1]).ravel() <= np.sort(np.abs(z[-1]).ravel())[info["pins"] - 1]  # the pins' number of smallest |z|
        assert near.sum() == info["pins"], "ties in |z|: the test's set is not the code's"
        assert R["flips_smallest_share"][0, i] == np.sum(fl.ravel() & near) / fl.sum()
        assert R["release_back"][0, i] <= R["release_certain"][0, i] <= R["release"][0, i] <= R["pins"][0, i]
    assert res["flips_smallest_wins"] == np.sum(R["flips_smallest_share"] > R["flips_pinned_share"])


def test_fig9_quick_frames_asks_bookkeeping_and_ablations():
    res, f5, R = fig9_quick()
    lam = MA.FIG5_LAM
    for row in res["frame_by_step"]:  # medians over the nets at each step
        at = R["step"] == row["step"]
        assert row["points"] == at.sum() and row["frame_dim"] == np.median(R["frame_dim"][at])
        assert row["release"] == np.median(R["release"][at]) and row["release_certain"] <= row["release"]
    # the asks' own bookkeeping: certain asks are asks, back asks certain ones
    assert np.all((R["release_back"] <= R["release_certain"]) & (R["release_certain"] <= R["release"]))
    # the ablations: settings compare like with like
    assert [r["window"] for r in res["window_ablation"]] == [1, 10, 100]
    assert [(r["lr"], r["window"], r["steps"]) for r in res["lr_ablation"]] == [(1.0, 10, 100), (0.1, 100, 1000)]
    lr_rows = res["lr_ablation"]
    assert lr_rows[0]["lr"] * lr_rows[0]["steps"] == lr_rows[1]["lr"] * lr_rows[1]["steps"], "lr x steps differ"
    rows = res["lambda_ablation"]
    assert [(r["lam"], r["window"], r["steps"]) for r in rows] == [(lam, 10, 200), (lam / 10, 10, 2000),
                                                                   (lam / 10, 100, 2000)]
    assert close(rows[0]["tau"], rows[1]["tau"], 3) and close(rows[0]["tau_window"], rows[2]["tau_window"], 3)  # eps x size: lr x lam x steps
    def branch(r, i, row, w):  # the row's branch from point i of net r, by hand: (phase, tangent_alignment, info, u)
        X, Y = f5["nets"][r]["X"], f5["nets"][r]["Y"]
        run = M.gradient_descent(f5["nets"][r]["thetas"][i], X, Y, row["steps"] - w, row["lr"], row["lam"], mean=True)[0]
        end = M.gradient_descent(run, X, Y, w, row["lr"], row["lam"], mean=True)[0]
        on_Z, info = feet.orthogonal_projection(end, X, Y)
        u = M.pack(end) - M.pack(run)
        return f5["phase"][r, i], feet.tangent_alignment(info["P_T"], u, M.pack(end)), info, u, end

    points = res["ablation_points"]  # --quick: one per phase of the one net
    assert [f5["phase"][r, i] for r, i in points] == list(MA.PHASES), points
    row0, seen = res["window_ablation"][0], []
    for row, w, pts in ((row0, 1, points), (res["lr_ablation"][1], 100, points[:1]), (rows[2], 100, points[:1])):
        for r, i in pts:
            ph, want, info, u, end = branch(r, i, row, w)
            # eps x cond x size: the window's update summed in another order (2 x w terms), cond = |theta| / |u|
            bound = tol(2 * w, np.linalg.norm(M.pack(end)) / np.linalg.norm(u))
            assert abs(row["cos_tangent_by_phase"][ph] - want[1]) < bound, row
            assert abs(row["tangent_fraction_by_phase"][ph] - want[2]) < bound
            if row is row0:
                seen.append((info["dist"], info["loss"], np.linalg.norm(M.pack(end))))
    dist, loss, size = np.array(seen).T
    # eps x size: norms of d-vectors, relative to |theta|
    assert abs(row0["dist_median"] - np.median(dist)) < tol(u.size) * size.max() and row0["loss_max"] == loss.max()


# ---------------------------------------------------------------- studies/smooth.py: Fig. 12, where Thm 4.14's assumptions hold
def test_fig12_gd_is_models_gradient_descent_bit_for_bit():
    rng = np.random.default_rng([0, 5, 1])
    X, Y, _, _ = MA.fig5_data(rng)
    params = MA.fig5_init(rng)
    for act in ("tanh", "softplus2", "relu"):
        want = M.gradient_descent(params, X, Y, 40, MA.FIG5_LR, MA.FIG5_LAM, act, mean=True)[0]
        got = smooth.fig12_gd(params, X, Y, 40, act)
        assert all(np.array_equal(g, w) for g, w in zip(got, want)), act


def test_fig12_picks_the_grid_and_the_middle_of_each_phase_it_misses():
    measured = np.array([10, 20, 30, 40, 50, 60, 70])
    phase = np.array(["", "memorized", "memorized", "grokking", "grokking", "grokking", "generalized"])
    # grid hits 20 (memorized) and 70 (generalized); grokking (40, 50, 60) has no grid point: its middle, 50
    assert smooth.fig12_picks(measured, phase, np.array([20, 70])) == [1, 4, 6]
    assert smooth.fig12_picks(measured, phase, np.array([10, 50])) == [0, 2, 4, 6]


def test_fig12_loss_to_decay_is_the_ratio_of_the_tangent_parts():
    """Thm 4.14's measure ||P_T u_L|| / ||P_T u_lam|| (feet.update_along_Z) with P_T the projector onto the
    first 3 of 5 coordinates: tangent parts (3, 4, 0) and (0, 0, 10), so 5 / 10; the normal parts do not count."""
    P = lambda u: u * np.array([1.0, 1.0, 1.0, 0.0, 0.0])  # noqa: E731
    u_L, u_lam = np.array([3.0, 4.0, 0.0, 7.0, -1.0]), np.array([0.0, 0.0, 10.0, 2.0, 3.0])
    n = feet.update_along_Z(P, u_L, u_lam, np.array([0.0, 0.0, -5.0, 1.0, 1.0]))
    assert abs(n["loss_to_decay"] - 0.5) < tol(3)  # eps x 3: two 3-term norms and a quotient
    assert abs(n["cos_decay_only"] - 1) < tol(3)  # P_T u_lam = (0, 0, 10) along -P_T theta = (0, 0, 5)


def test_fig12_proximity_sets_each_activation_beside_relu_at_common_steps():
    cell = lambda r, d, dm: {"loss_to_decay": {"mean": r}, "dist": {"mean": d}, "dist_momentum": {"mean": dm}}  # noqa: E731
    steps = {"relu": {10: cell(0.2, 0.5, 0.25), 20: cell(0.4, 0.2, 0.1), 30: cell(0.8, 0.2, 0.1)},
             "tanh": {10: cell(0.1, 2.0, 0.5), 20: {"dist": {"mean": 1.0}}, 30: cell(0.6, 0.8, 0.3)}}
    got = smooth.fig12_proximity(steps, ["relu", "tanh"])["tanh"]  # step 20: tanh has no foot there
    assert got["steps"] == [10, 30] and got["loss_to_decay"] == [0.1, 0.6] and got["loss_to_decay_relu"] == [0.2, 0.8]
    assert np.allclose(got["dist_ratio"], [4.0, 4.0], rtol=tol(1), atol=0)  # eps: one quotient
    assert np.allclose(got["dist_momentum_ratio"], [2.0, 3.0], rtol=tol(1), atol=0)
    text = smooth.fig12_proximity_text({"tanh": got})
    assert "tanh at 10 / 30: 0.10 / 0.60 against ReLU's 0.20 / 0.80, its distance over ReLU's 2.00 / 3.00" in text, text
    assert smooth.fig12_proximity_text({}) == "tanh: none in common with ReLU"
    sw = {"slope": 1.0002, "fit_max": 0.01, "n_fit": 7, "lambdas": [0] * 12, "local_slope_at_training_lambda": 1.906,
          "training_lambda": 5e-5}
    assert smooth.fig12_sweep_text(sw) == "slope 1.000 for ||delta|| <= 0.01 (7 of 12 lambdas), 1.91 at lambda = 5e-05"


def test_fig12_equilibrium_sweep_slopes_on_known_power_laws():
    lams = np.logspace(-5, -10, 12)
    sw = smooth.equilibrium_sweep(lambda lam: (3 * lam, 2 * lam), lams, 1e-6, fit_max=1e-3)
    # a linear response: every slope 1, up to the rounding of logs of numbers ~1e-10 (eps x 30: log, polyfit)
    assert sw["n_fit"] == 12 and all(abs(sw[k] - 1) < tol(30) for k in (
        "slope", "dist_vs_lambda_slope", "local_slope_at_training_lambda"))
    sw = smooth.equilibrium_sweep(lambda lam: (3 * lam, 5 * lam ** 2 * (1 + 1e3 * lam)), lams, 1e-5, fit_max=3e-8)
    # ratio ~ dist^2 (1 + 1e3 lam): only lam <= 1e-8 fitted (5 points), where the slope is 2 up to 1e3 lam ~ 1e-5
    assert sw["n_fit"] == 5 and abs(sw["slope"] - 2) < 2e-5 and abs(sw["dist_vs_lambda_slope"] - 1) < tol(30)
    # local slope at 1e-5: 2 + 1e3 lam / (1 + 1e3 lam) = 2 + 0.01 / 1.01, up to the central difference's
    # truncation (h = 0.05 decades: relative (h ln 10)^2 / 6 of the curvature term, < 1e-4 here)
    assert abs(sw["local_slope_at_training_lambda"] - (2 + 0.01 / 1.01)) < 1e-4


def test_fig12_equilibrium_point_on_the_hyperbola_is_known_in_closed_form():
    """F = w1 w2 (identity net), Y = 1, mean loss: Z = {w1 w2 = 1}, foot (a, 1/a), g = ||J||^2 = a^2 + 1/a^2.
    decay_equilibrium: delta = -2 lam / g^2 (1/a, a), ||delta|| = 2 lam / g^1.5, F - 1 = -2 lam / g + 4 lam^2 / g^4,
    and ||P_T grad L|| / ||P_T 2 lam theta|| = 2 |F - 1| / g^2 = 4 lam / g^3 - 8 lam^2 / g^6 (by hand): slope 1 as lam -> 0."""
    a, X = 2.0, np.ones((1, 1))
    on_Z, g = (np.array([[a]]), np.array([[1 / a]])), a * a + 1 / a ** 2
    P = MF.tangent_projector(on_Z, X, "identity")
    lams = np.logspace(np.log10(5e-5), np.log10(5e-10), 12)
    sw = smooth.equilibrium_sweep(lambda lam: smooth.equilibrium_point(on_Z, P, X, X, lam, "identity"), lams, 5e-5)
    d, r = 2 * lams / g ** 1.5, 4 * lams / g ** 3 - 8 * lams ** 2 / g ** 6
    # ||delta|| is read off (theta* + delta) - theta*: error eps ||theta*|| / ||delta|| relative (x 4: the few sums);
    # F - 1 ~ 2 lam / g is computed from F ~ 1: relative error eps / (2 lam / g), ~1e-6 at lam = 5e-10 (x 8: the few ops)
    err_d, err_r = 4 * EPS * np.hypot(a, 1 / a) / d, 8 * EPS * g / (2 * lams)
    assert np.all(np.abs(np.array(sw["dist"]) / d - 1) < err_d) and np.all(np.abs(np.array(sw["loss_to_decay"]) / r - 1) < err_r)
    fit = d <= sw["fit_max"]
    want = np.polyfit(np.log(d[fit]), np.log(r[fit]), 1)[0]
    # log errors of at most err_d + err_r per point move a least-squares slope by at most twice that over ln(range) >= 1
    assert sw["n_fit"] == fit.sum() > 2 and abs(sw["slope"] - want) < 2 * (err_d + err_r).max() and abs(want - 1) < 0.01
    x = 2 * 5e-5 / g ** 1.5 / g ** 1.5  # ratio = 2 x' (1 - x'), x' = ||delta|| / g^1.5: local slope (1 - 2x) / (1 - x)
    # the central difference: rounding err_r / 0.1 decade ~ 2e-10, truncation (0.05 ln 10)^2 / 6 x x ~ 3e-9
    assert abs(sw["local_slope_at_training_lambda"] - (1 - 2 * x) / (1 - x)) < 1e-8


def test_fig12_quick_numbers():
    with tempfile.TemporaryDirectory() as out:
        res = grok.FIGURES["12"](Namespace(out=out, seed=0, quick=True))["fig12"]
        assert os.path.getsize(os.path.join(out, "fig12_smooth_and_close.png")) > 10000
    s, f5, R9 = smooth.FIG12_QUICK, grok.TRAJECTORIES["fig5"], grok.TRAJECTORIES["fig9"]["R"]
    grid, runs = np.array(res["settings"]["grid"]), res["runs"]
    assert [r["act"] for r in runs] == ["relu"] * min(s["nets"], len(f5["nets"])) + [
        a for a in s["acts"] for _ in range(s["nets"])]
    for r in runs:
        shared = [p["step"] for p in r["points"] if p["shared"]]
        if r["act"] == "relu":  # Fig. 5's nets as Fig. 9 measured them, point for point
            assert [p["cos"] for p in r["points"]] == R9["cos"][r["net"]].tolist()
            assert [p["phase"] for p in r["points"]] == f5["phase"][r["net"]].tolist()
            net = f5["nets"][r["net"]]  # and Fig. 5's own frames (MF.update_alignment) at its last point
            want = MF.update_alignment(net["befores"][-1], net["thetas"][-1], net["X"], net["Y"], "relu", MA.FIG5_LR)
            assert r["points"][-1]["cos_momentum"] == want["cos_momentum"]
        else:  # every grid step up to the activation's length, and each point's Fig. 5 identity
            assert shared == grid[:s["acts"][r["act"]]].tolist()
            for p in (p for p in r["points"] if "cos" in p):
                assert abs(p["cos"] - p["cos_tangent"] * p["tangent_fraction"]) < 1e-12
    for a, cells in res["matched_steps"].items():  # cells: mean, min, max over the nets' points at that step
        for t, c in cells.items():
            q = [p for r in runs if r["act"] == a for p in r["points"] if p["shared"] and p["step"] == t]
            assert c["n"] == len(q) == sum(c["phases"].values())
            for k in ("cos", "cos_momentum"):
                v = [p[k] for p in q if k in p]
                assert (k in c) == bool(v) and (not v or (c[k]["n"] == len(v) and c[k]["max"] == max(v)
                                                           and abs(c[k]["mean"] - np.mean(v)) < 1e-12)), (a, t, k)
            # the orthogonal foot is measured exactly at the points past memorization (ReLU: Fig. 9 measured all)
            assert a == "relu" or all(("cos" in p) == bool(p["phase"]) for p in q)
    for a, g in res["gap_at_matched_steps"].items():
        for k, d in g.items():
            want = [res["matched_steps"][a][t][k]["mean"] - res["matched_steps"]["relu"][t][k]["mean"] for t in d["steps"]]
            assert np.allclose(d["diff"], want, rtol=0, atol=1e-15), (a, k)
    rows = res["lambda_rows"]
    assert {r["lam"] for r in rows} == set(s["lambdas"]) and rows
    for r in rows:  # equal rescaled time 2 lr lam window; one settledness rule
        assert abs(2 * MA.FIG5_LR * r["lam"] * r["window"] - smooth.FIG12_TAU) < 1e-15
        assert r["settled"] == (abs(r["settled_change"]) < smooth.FIG12_SETTLED)
    assert set(res["slopes"]) == {"gd_all", "gd_settled"}
    for name in res["slopes"]:
        for a in ("relu", "tanh"):
            for ph in ("pooled", *MA.PHASES):
                rs = [r for r in rows if r["act"] == a and ph in ("pooled", r["phase"]) and r["dist"] <= smooth.FIT_MAX
                      and (r["settled"] or name != "gd_settled")]
                want = (np.polyfit(np.log([r["dist"] for r in rs]), np.log([r["loss_to_decay"] for r in rs]), 1)[0]
                        if len(rs) > 1 else None)
                got = res["slopes"][name][a][ph]
                assert got["n"] == len(rs) and ((got["slope"] is None and want is None) or abs(got["slope"] - want) < 1e-12)
    b = res["lambda_branches"]
    assert sum(v["branches"] for v in b.values()) == len(rows) and b["relu"]["settled"] == sum(
        r["settled"] for r in rows if r["act"] == "relu")
    ms = res["matched_steps"]  # proximity: each activation's ratio beside ReLU's at every step both have it
    for a in s["acts"]:
        common = [t for t in ms[a] if t in ms["relu"] and all(k in ms[a][t] and k in ms["relu"][t] for k in (
            "loss_to_decay", "dist", "dist_momentum"))]
        prox = res["proximity"].get(a, {"steps": []})
        assert prox["steps"] == common, a
        assert prox.get("loss_to_decay", []) == [ms[a][t]["loss_to_decay"]["mean"] for t in common]
        assert prox.get("loss_to_decay_relu", []) == [ms["relu"][t]["loss_to_decay"]["mean"] for t in common]
    sw = res["equilibrium_sweep"]  # one fixed foot of tanh net 1, lambda swept: ||delta|| linear in lambda
    # ||delta|| = lam ||v|| read off (theta* + delta) - theta*: relative error eps ||theta*|| / ||delta|| (x 4: a few sums),
    # and a least-squares slope over >= 1 decade moves by at most twice the largest log error
    err = 4 * EPS * sw["foot_norm"] / min(sw["dist"])
    assert sw["act"] == "tanh" and len(sw["lambdas"]) == s["sweep"][2] and abs(sw["dist_vs_lambda_slope"] - 1) < 2 * err
    assert (sw["lambdas"][0], sw["lambdas"][-1]) == s["sweep"][:2] and sw["training_lambda"] == MA.FIG5_LAM
    # a random update's tangential cosine: 0 +- dim(T)^-1/2 (~0.02 here), so well inside 0.1 = 5 of those
    assert res["projection_loss_max"] < 1e-10 and abs(res["baseline"]["random_cos_tangent"]["mean"]) < 0.1


# ---------------------------------------------------------------- studies/real_vs_sim.py: Figs. 8 and 10, real training against Eq. 20
def fig8_tiny(seed=8, p=5, d_h=24):
    """All 15 pairs of modular addition mod 5 (d_h > n = 15) and a Fig. 6 initial embedding."""
    X, Y, _ = MA.modular_addition(p)
    return X, Y, MA.init_embedding(np.random.default_rng(seed), p, d_h)


def test_fig8_first_real_step_is_eq20_in_rescaled_time():
    X, Y, E = fig8_tiny()
    errs = []
    for lam in (1e-2, 1e-3, 1e-4):
        W2 = MA.optimal_readout(np.maximum(X @ E, 0), Y, lam)  # W2 at its optimum, as in Fig. 8
        lr = 1.0 / feet.sharpness((E, W2), X, lam)
        real = -lr * M.loss_grad((E, W2), X, Y, lam)[0]  # one GD step on the full network
        predicted = real_vs_sim.rescaled_time(lr, lam, 1) * MA.closed_form_update(E, X, Y)
        errs.append(rel_err(real, predicted))
    assert errs[-1] < 1e-2, f"first GD step != tau * Eq. 20 even as lambda -> 0: rel errs {errs}"  # truncation O(lambda)
    for big, small in zip(errs, errs[1:]):  # first order: error ~ lambda
        assert 5 < big / small < 20, f"error not O(lambda): {errs}"


def test_fig8_sharpness_is_top_hessian_eigenvalue_on_Z():
    X, Y, E = fig8_tiny()
    W2 = MA.optimal_readout(np.maximum(X @ E, 0), Y)  # on Z
    J = M.jacobian((E, W2), X)
    top = np.linalg.eigvalsh(2 * J.T @ J)[-1] + 2 * 0.1
    # eps x size: Lanczos has converged (more steps than J J^T's size) to a well-separated top eigenvalue
    assert rel_err(feet.sharpness((E, W2), X, 0.1), top) < tol(J.shape[1]), "sharpness (default iterations) is wrong"


def test_fig8_norm_min_on_Z_is_projected_norm_gradient():
    X, Y, E = fig8_tiny()
    W2 = MA.optimal_readout(np.maximum(X @ E, 0), Y) + 0.01  # near Z
    J, theta = M.jacobian((E, W2), X), M.pack((E, W2))
    g = -(theta - J.T @ np.linalg.lstsq(J.T, theta, rcond=None)[0])  # -P_T theta, dense
    gE = M.unpack(g, (E, W2))[0]
    # eps x cond^2 x size: J^+ J theta through J J^T, against LAPACK's least squares
    assert rel_err(real_vs_sim.norm_min_on_Z(E, W2, X), gE) < tol_gram(J, theta.size), "first-layer part of -P_T theta is wrong"


def disp_record(cos, fin):
    """A real_training "disp" entry with window 0.01 only: lambda -> 0 and finite-lambda cosines
    `cos`, `fin`; the other yardstick quantities copy them (their means follow the same rule)."""
    return {form: {q: {"0.01": np.array(c)} for q in real_vs_sim.YARDSTICK} for form, c in
            (("lambda0", cos), ("finite_lambda", fin))}


def test_fig8_summary_means_up_to_the_real_grokking_time():
    nan = np.nan
    r = {"steps": 40, "tau": np.array([0, 0.05, 0.1, 0.15, 0.2]), "test_acc": np.array([0, 0.5, 0.96, 0.9, 1]),
         "cos": np.array([nan, 0.2, 0.4, 0.9, 0.9]), "w2_gap": np.array([0, 0.1, 0.2, 0.5, 0.5]),
         "train_loss": np.array([1.0, 3, 2, 5, 4]), "tau_Z": np.array([0.05, 0.15]), "cos_Z": np.array([0.3, 0.7]),
         "tau_disp": np.array([0, 0.1, 0.15]), "disp": disp_record([0.2, 0.4, 0.9], [0.5, 0.7, 1.0])}
    s = real_vs_sim.real_summary(0.1, 0.02, 50.0, r, 0.3)
    for q in real_vs_sim.YARDSTICK:  # eps x size: means of <= 8 records and a literal
        assert close(s["disp"]["lambda0"][q]["0.01"], 0.3, 16) and close(s["disp"]["finite_lambda"][q]["0.01"], 0.6, 16)
    assert s["grok_tau_real"] == 0.1 and s["grok_tau_sim"] == 0.3 and s["steps"] == 40
    assert (s["lambda"], s["lr"], s["sharpness"]) == (0.1, 0.02, 50.0)
    assert close(s["cos_mean"], 0.3, 16) and close(s["cos_Z_mean"], 0.3, 16), s  # tau <= 0.1 only
    assert close(s["w2_gap_mean"], 0.15, 16) and s["train_loss_max_after_start"] == 5.0, s
    r["test_acc"] = np.zeros(5)  # does not grok: means over the whole run
    s = real_vs_sim.real_summary(0.1, 0.02, 50.0, r, None)
    assert s["grok_tau_real"] is None and close(s["cos_mean"], 0.6, 16) and close(s["cos_Z_mean"], 0.5, 16)
    assert close(s["disp"]["lambda0"]["cos"]["0.01"], 0.5, 16)
    assert close(s["disp"]["finite_lambda"]["len_ratio"]["0.01"], 2.2 / 3, 16)
    assert close(s["w2_gap_mean"], 0.325, 16)


def test_fig8_real_training_records_the_right_windows():
    """real_training's wiring against a hand-run GD: measurement steps, rescaled time, the
    update window, and each recorded number at its step."""
    X, Y, E0 = fig8_tiny()
    X, Y, Xt, Yt = X[:12], Y[:12], X[12:], Y[12:]
    lam, lr = 0.1, 0.01  # tau per step 2e-3: a measurement every 25 steps, windows of 5
    W0 = MA.optimal_readout(np.maximum(X @ E0, 0), Y, lam)
    r = real_vs_sim.real_training(E0, W0, {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}, lam, lr, 0.2)
    Es, Ws = [E0], [W0]
    for _ in range(100):
        gE, gW = M.loss_grad((Es[-1], Ws[-1]), X, Y, lam)
        Es.append(Es[-1] - lr * gE)
        Ws.append(Ws[-1] - lr * gW)
    assert r["steps"] == 100 and close(r["tau"], 2e-3 * np.arange(0, 101, 25), 4)
    cos = lambda a, b: a.ravel() @ b.ravel() / (np.linalg.norm(a) * np.linalg.norm(b))  # noqa: E731
    for k, t in enumerate(range(0, 101, 25)):
        E, W = Es[t], Ws[t]
        # eps x size (the loss: n x d_h terms per entry); eps x cond^2 x size for what solves with H H^T
        bound = tol_gram(np.maximum(X @ E, 0), E.size)
        assert np.isclose(r["train_loss"][k], np.sum((np.maximum(X @ E, 0) @ W - Y) ** 2), rtol=tol(X.shape[0] * E.shape[1]))
        assert r["test_acc"][k] == MA.accuracy(E, W, Xt, Yt)
        W_opt = MA.optimal_readout(np.maximum(X @ E, 0), Y, lam)
        assert np.isclose(r["w2_gap"][k], np.linalg.norm(W - W_opt) / np.linalg.norm(W_opt), rtol=0, atol=bound)
        if k:
            U = E - Es[t - 5]  # the last 0.01 of tau; the difference cancels |E| / |U|
            assert np.isclose(r["cos"][k], cos(U, MA.closed_form_update(E, X, Y)), rtol=0,
                              atol=bound * np.linalg.norm(E) / np.linalg.norm(U)), k
            assert np.isclose(r["cos_Z"][k - 1], cos(U, real_vs_sim.norm_min_on_Z(E, W, X)), rtol=0,
                              atol=tol_gram(M.jacobian((E, W), X), E.size + W.size) * np.linalg.norm(E) / np.linalg.norm(U)), k
    assert np.isnan(r["cos"][0]) and close(r["tau_Z"], r["tau"][1:])


def test_fig8_quick_numbers():
    seen, draw = {}, real_vs_sim.plot_fig8
    real_vs_sim.plot_fig8 = lambda *a: seen.update(args=a) or draw(*a)
    try:
        with tempfile.TemporaryDirectory() as out:
            s = grok.jsonable(grok.FIGURES["8"](Namespace(out=out, seed=0, quick=True))["fig8"])
            assert os.path.getsize(os.path.join(out, "fig8_real_vs_sim.png")) > 10000, "no figure"
    finally:
        real_vs_sim.plot_fig8 = draw
    sim_tau, sim_acc, curves = seen["args"][:3]
    assert close(sim_tau, np.arange(21) * 0.05, 21), "Eq. 20 recorded every 0.05 of tau, eta = 1e-2"
    for r, c in zip(s["runs"], curves):
        assert r["grok_tau_sim"] == MA.grok_step(sim_tau, sim_acc)
        assert r["grok_tau_real"] == MA.grok_step(c["tau"], c["test_acc"])
        assert c["w2_gap"][0] < tol(1), "W2 must start at its optimal (ridge) readout for this lambda"  # eps: the very same W2
        assert np.allclose(np.diff(c["tau"]), 0.05, rtol=0.05) and c["tau"][0] == 0  # recorded at whole steps: a grid, not rounding
    rng = np.random.default_rng([0, 8])  # the start, rebuilt: sharpness of L_lam at (E0, W2*(E0))
    X, Y, _ = MA.modular_addition(13)
    tr, _ = MA.train_test_split(len(X), 0.7, rng)
    E0, X, Y = MA.init_embedding(rng, 13, 96), X[tr], Y[tr]
    for r in s["runs"]:
        J = M.jacobian((E0, MA.optimal_readout(M.relu(X @ E0), Y, r["lambda"])), X)
        top = 2 * np.linalg.eigvalsh(J @ J.T)[-1] + 2 * r["lambda"]
        # eps x cond x size: Lanczos converged, eigh of J J^T; cond = lambda_1 / (lambda_1 - lambda_2) <= 50
        assert abs(r["sharpness"] / top - 1) < tol(J.shape[0], 50), (r["sharpness"], top)
    keys = {"lambda", "lr", "steps", "grok_tau_real", "grok_tau_sim", "cos_mean", "w2_gap_mean",
            "grok_tau_sim_finite_lambda", "disp"}
    assert [r["lambda"] for r in s["runs"]] == list(s["settings"]["lambdas"])
    for r in s["runs"]:
        assert keys <= set(r), f"missing {keys - set(r)}"
        assert abs(r["lr"] * r["sharpness"] - 1) < tol(2) and -1 <= r["cos_mean"] <= 1  # eps: lr = 1 / sharpness
        assert 0 < r["w2_gap_mean"] < 1 and r["steps"] > 100, r
        for form in ("lambda0", "finite_lambda"):
            y = r["disp"][form]
            assert set(y) == set(real_vs_sim.YARDSTICK) and all(set(y[q]) == {"0.01", "0.05", "0.2"} for q in y)
            assert all(0 < y["cos"][D] < 1 and y["len_ratio"][D] > 0 for D in y["cos"]), r
            assert all(abs(y["cos_random"][D]) < 0.1 for D in y["cos"]), "random: |cos| ~ 1 / sqrt(p d_h) = 0.03"
        assert r["steps"] == int(np.ceil(s["settings"]["tau"] / real_vs_sim.rescaled_time(r["lr"], r["lambda"], 1)))
    assert s["settings"]["n_train"] == round(0.7 * 91) and close(s["settings"]["init_std"], 13 ** -0.5, 2)


def test_exact_readout_step_is_2_lr_lambda_finite_lambda_eq20():
    X, Y, E = fig8_tiny()
    for lam in (0.3, 0.03):
        W2 = MA.optimal_readout(np.maximum(X @ E, 0), Y, lam)
        lr = 1.0 / feet.sharpness((E, W2), X, lam)
        E1, W21 = real_vs_sim.two_layer_step(E, W2, X, Y, lam, lr, "exact")
        eq20 = real_vs_sim.rescaled_time(lr, lam, 1) * MA.closed_form_update(E, X, Y, lam=lam)
        # eps x cond^2 x size (solves with H H^T + lam I), the step E1 - E cancelling |E| / |E1 - E|
        bound = tol_gram(np.maximum(X @ E, 0), E.size)
        assert rel_err(E1 - E, eq20) < bound * np.linalg.norm(E) / np.linalg.norm(E1 - E), f"lambda = {lam}: rel err {rel_err(E1 - E, eq20):.1e}"
        assert rel_err(W21, MA.optimal_readout(np.maximum(X @ E1, 0), Y, lam)) < bound, "W2 is not W2*(E1)"


def test_two_layer_step_k1_is_plain_gd_and_k_adds_readout_steps():
    X, Y, E = fig8_tiny()
    lam, lr = 0.1, 1e-3
    W2 = MA.optimal_readout(np.maximum(X @ E, 0), Y, lam) + 0.1
    gE, gW = M.loss_grad((E, W2), X, Y, lam)
    E1, W21 = real_vs_sim.two_layer_step(E, W2, X, Y, lam, lr, 1)
    assert np.array_equal(E1, E - lr * gE) and np.array_equal(W21, W2 - lr * gW), "k = 1 is not plain GD"
    H1 = np.maximum(X @ E1, 0)
    E3, W23 = real_vs_sim.two_layer_step(E, W2, X, Y, lam, lr, 3)
    extra = real_vs_sim.readout_steps(H1, Y, W2 - lr * gW, lam, 2, 1.0 / ((H1 * H1).sum() + lam))
    # eps x size: the same 2 readout steps, n x d_h terms each
    assert np.array_equal(E3, E1) and rel_err(W23, extra) < tol(2 * H1.size), "k = 3 is not GD + 2 readout steps"


def test_readout_steps_are_gd_on_W2_and_never_raise_the_loss():
    X, Y, E = fig8_tiny()
    rng = np.random.default_rng(5)
    for lam in (0.1, 1e-3):
        H = np.maximum(X @ E, 0)
        lr = real_vs_sim.readout_lr(H, lam)
        assert lr == 1.0 / ((H * H).sum() + lam) and lr <= 1.0 / (np.linalg.norm(H, 2) ** 2 + lam)
        W2 = rng.normal(size=(E.shape[1], Y.shape[1]))
        g = M.loss_grad((E, W2), X, Y, lam)[1]
        # eps x size: one GD step on W2, n x d_h terms per entry
        assert rel_err(real_vs_sim.readout_steps(H, Y, W2, lam, 1, lr), W2 - lr * g) < tol(H.size), "not a GD step on W2"
        losses = [M.loss((E, W2), X, Y, lam)]
        for _ in range(200):
            W2 = real_vs_sim.readout_steps(H, Y, W2, lam, 1, lr)
            losses.append(M.loss((E, W2), X, Y, lam))
        # a rise within the loss's own rounding (eps x size: n x d_h terms per residual) is no rise
        assert np.all(np.diff(losses) <= tol(H.size) * losses[0]), "a readout step raised the loss at fixed W1"
        assert losses[-1] < 0.1 * losses[0]
    assert close(M.loss((E, real_vs_sim.readout_steps(H, Y, W2, 0.1, 0, lr)), X, Y, lam), losses[-1]), "k = 0 moved"


def test_real_training_exact_readout_is_the_finite_lambda_flow():
    # eta = tau per step: the exact-readout run IS Euler on finite-lambda Eq. 20, so its displacement
    # cosines against that form are 1, its accuracies those of modadd.finite_lambda_accuracy.
    X, Y, E = fig8_tiny(seed=1, p=7, d_h=40)
    rng = np.random.default_rng(0)
    tr, _ = MA.train_test_split(X.shape[0], 0.7, rng)
    d = {"X": X[tr], "Y": Y[tr], "Xt": X, "Yt": Y}  # all pairs: the accuracy moves
    lam = 1.0  # large enough that the two forms of Eq. 20 reach different accuracies
    W2 = MA.optimal_readout(np.maximum(d["X"] @ E, 0), d["Y"], lam)
    lr = 1.0 / feet.sharpness((E, W2), d["X"], lam)
    dtau = real_vs_sim.rescaled_time(lr, lam, 1)
    r = real_vs_sim.real_training(E, W2, d, lam, lr, 0.75, "exact", eta=dtau, z_checks=0, disp_every=0.25)
    # eps x cond^2 x size: each step's readout solves with H H^T + lam I, over all the steps
    bound = tol_gram(np.maximum(d["X"] @ E, 0), r["steps"] * E.size)
    assert r["w2_gap"].max() < bound and r["steps"] == int(np.ceil(0.75 / dtau))
    assert np.allclose(r["tau_disp"], [0, 0.25, 0.5], atol=dtau)  # at whole steps: within one step of tau
    fin, lam0 = r["disp"]["finite_lambda"], r["disp"]["lambda0"]
    for D, c in fin["cos"].items():  # the same Euler steps, summed in another order: the bound above
        assert len(c) == 3 and np.all(np.abs(c - 1) < bound), f"window {D}: {c}"
        assert np.all(np.abs(fin["len_ratio"][D] - 1) < bound), f"window {D}: {fin['len_ratio'][D]}"
        assert np.all(lam0["cos"][D] < 1 - 1e-6), "the lambda -> 0 form is a different flow"
    taus, acc = real_vs_sim.finite_lambda_accuracy(E, d, lam, dtau, 0.75, 0.05)
    n = min(len(taus), len(r["tau"]))
    assert n >= 10 and np.allclose(taus[:n], r["tau"][:n], rtol=0.1)  # same steps, nominal labels
    assert np.array_equal(acc[:n], r["test_acc"][:n]) and len(set(acc[:n])) > 1, acc


def test_real_training_stops_after_grokking_and_summary_means_stop_at_grokking():
    X, Y, E = fig8_tiny()
    d = {"X": X, "Y": Y, "Xt": X, "Yt": Y}  # test = train: 95% almost at once
    W2 = MA.optimal_readout(np.maximum(X @ E, 0), Y, 0.1)
    lr = 1.0 / feet.sharpness((E, W2), X, 0.1)
    r = real_vs_sim.real_training(E, W2, d, 0.1, lr, 2.0, 3, z_checks=0, stop_after=0.3)
    g = MA.grok_step(r["tau"], r["test_acc"])
    assert g < 0.5 and r["tau"][-1] >= g + 0.3 > r["tau"][-2], (g, r["tau"])
    assert abs(real_vs_sim.rescaled_time(lr, 0.1, r["steps"]) - r["tau"][-1]) < tol(r["steps"]) * r["tau"][-1]  # eps x steps
    r = real_vs_sim.real_training(E, W2, d, 0.1, lr, 0.5, 3, z_checks=0, disp_every=None)
    assert r["tau_disp"].size == 0 and real_vs_sim.real_summary(0.1, lr, 1.0, r, None)["disp"]["lambda0"]["cos"]["0.2"] is None


def test_displacement_yardstick_scores_exact_realizations_and_baselines():
    X, Y, _, _, E = modadd_problem()
    E, rng = 0.4 * E, np.random.default_rng(3)
    for lam in (0.0, 0.3):
        S = feet.closed_form_flow(E, X, Y, 0.2, 1e-2, lam)
        y = real_vs_sim.displacement_yardstick(E, S, X, Y, 0.2, 1e-2, lam, rng)  # Eq. 20 itself: 1 and 1
        bound = tol_gram(M.relu(X @ E), E.size)  # eps x cond^2 x size: the same Euler steps, recomputed
        assert abs(y["cos"] - 1) < bound and abs(y["len_ratio"] - 1) < bound, y
        sh = real_vs_sim.displacement_yardstick(E, np.exp(-0.2) * E, X, Y, 0.2, 1e-2, lam, rng)  # the shrinkage flow
        # eps x size: the same two sums over E
        assert abs(sh["cos"] - sh["cos_shrink"]) < tol(E.size) and abs(sh["len_ratio"] - sh["len_ratio_shrink"]) < tol(E.size)
        assert sh["cos_shrink"] == y["cos_shrink"] and abs(y["cos_shrink"]) < 1 - 1e-3, "not along Eq. 20"
        # a random direction in N = E.size dimensions: cos ~ N(0, 1 / N); 5 sigma
        assert abs(y["cos_random"]) < 5 / E.size ** 0.5 and y["cos_random"] != sh["cos_random"]


def test_fig10_ratio_stats_median_counts_not_grokked_as_infinitely_late():
    st = real_vs_sim.ratio_stats([[3.0, 4.0, 6.0], [2.0, None, 3.0], [None, None, 9.0]], [2.0, 2.0, None])
    assert st["ratio"] == [[1.5, 2.0, None], [1.0, None, None], [None, None, None]]
    assert st["ratio_median"] == [2.0, None, None] and st["ratio_min"] == [1.5, 1.0, None]
    assert st["ratio_max"] == [2.0, 1.0, None]


def test_fig10_quick_numbers():
    with tempfile.TemporaryDirectory() as out:
        args = Namespace(out=out, seed=0, quick=True)
        if grok.TRAJECTORIES.get("fig8", {}).get("settings", {}).get("p") != real_vs_sim.FIG8_QUICK["p"]:
            grok.FIGURES["8"](args)  # as in `python grok.py`, Fig. 10 reuses Fig. 8's plain GD runs
        s = grok.jsonable(grok.FIGURES["10"](args)["fig10"])
        assert os.path.getsize(os.path.join(out, "fig10_timescales.png")) > 10000, "no figure"
    f8 = {"runs": [grok.jsonable(row) for row, _ in grok.TRAJECTORIES["fig8"]["runs"].values()]}
    c = real_vs_sim.FIG10_QUICK
    assert [r["readout"] for r in s["runs"]] == ["gd k=1", "gd k=3", "exact"]
    keys = {"readout", "lambda", "lr", "steps", "grok_tau_real", "grok_tau_sim", "disp", "w2_gap_mean",
            "grok_tau_sim_finite_lambda", "separation"}
    plain, k3, exact = s["runs"]
    for r in s["runs"]:
        assert keys <= set(r) and r["lambda"] == c["lam"] and set(r["disp"]["lambda0"]["cos"]) == {"0.01", "0.05", "0.2"}
    assert k3["lr"] == plain["lr"] and abs(plain["lr"] * plain["sharpness"] - 1) < tol(2)  # eps: lr = 1 / sharpness
    eta = c["exact_eta"]  # the exact readout steps W1 by 2 lr lam >= eta (raised here)
    assert exact["lr"] == max(plain["lr"], eta / (2 * c["lam"])) > plain["lr"] and s["settings"]["exact_eta"] == eta
    assert {k: v for k, v in plain.items() if k in f8["runs"][-1]} == f8["runs"][-1], "k = 1 is not Fig. 8's run"
    assert f8["runs"][-1]["lambda"] == c["lam"] and plain["separation"] == 1.0 and exact["separation"] is None
    assert 2.0 < k3["separation"] < 3.0, "two extra readout steps of about lr each"
    # an ordering: the exact readout at rounding (bound derived in test_real_training_exact_readout_is_the_finite_lambda_flow), the others O(lr)
    assert exact["w2_gap_mean"] < 1e-10 < k3["w2_gap_mean"] < plain["w2_gap_mean"] < 1
    fin = [r["disp"]["finite_lambda"] for r in s["runs"]]
    assert fin[2]["cos"]["0.2"] > 0.998 and abs(fin[2]["len_ratio"]["0.2"] - 1) < 0.02, "Euler 2e-3 vs 1e-2"
    for D in ("0.05", "0.2"):  # each faster readout follows finite-lambda Eq. 20 more closely
        assert fin[0]["cos"][D] < fin[1]["cos"][D] < fin[2]["cos"][D], D
    sw, q = c["sweep"], s["sweep"]
    assert np.array(q["grok_tau_real"], dtype=object).shape == (len(sw["lambdas"]), len(sw["ks"]), sw["seeds"])
    assert [st == real_vs_sim.ratio_stats(real, fin) for st, real, fin in
            zip(q["by_lambda"], q["grok_tau_real"], q["grok_tau_sim_finite_lambda"])] == [True] * len(sw["lambdas"])
    d, E0 = real_vs_sim.fig8_start(np.random.default_rng([0, 10, 0, 1]), sw)  # seed 1's finite-lambda time, rebuilt
    want = MA.grok_step(*real_vs_sim.finite_lambda_accuracy(E0, d, sw["lambdas"][0], sw["sim_lr"], sw["tau"], 0.05))
    assert q["grok_tau_sim_finite_lambda"][0][1] == want


# ---------------------------------------------------------------- studies/simulator.py: Fig. 11, Eq. 20 as a grokking simulator
def test_displacement_cosine_of_the_closed_form_against_itself_is_one():
    X, Y, Xt, Yt, E = modadd_problem()
    E = 0.4 * E
    res = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=20, every=5, snapshots=4)
    bound = tol_gram(M.relu(X @ E), 20 * E.size)  # eps x cond^2 x size: 20 steps, each a solve with H H^T
    assert abs(simulator.displacement_cosine(E, res["snaps"][-1], X, Y, 0.2, 1e-2) - 1) < bound
    assert rel_err(feet.closed_form_flow(E, X, Y, 0.2, 1e-2), res["snaps"][-1]) < bound
    other = feet.closed_form_flow(E, X, Y, 0.2, 1e-2, lam=0.5)  # the finite-lambda flow differs
    assert simulator.displacement_cosine(E, other, X, Y, 0.2, 1e-2) < 0.999
    assert abs(simulator.displacement_cosine(E, other, X, Y, 0.2, 1e-2, lam=0.5) - 1) < bound


# Figure 11 (beyond the paper): other motions along Z, the phase diagram
def fig11_small():
    """The first quick-mode sweep run of Fig. 11 at fraction 0.9, width 96 (it groks by step ~100)."""
    s = simulator.FIG11_QUICK
    return MA.split_problem(np.random.default_rng([0, 11, 2, 1, 0]), s["p"], 0.9, 96)


def test_fig11_tilted_direction_has_exactly_cosine_c_and_the_same_length():
    rng = np.random.default_rng(21)
    g, r = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))
    r_perp = r - (r * g).sum() / (g * g).sum() * g
    for c in (1.0, 0.7, 0.4, 0.2, 0.0, -0.5):
        D = simulator.tilted(g, r, c)
        # eps x size: norms and dot products of g.size terms
        assert abs(np.linalg.norm(D) - np.linalg.norm(g)) < tol(g.size) * np.linalg.norm(g), f"c = {c}: length"
        assert abs((D * g).sum() / np.linalg.norm(D) / np.linalg.norm(g) - c) < tol(g.size), f"c = {c}: cosine"
        rest = D - c * g  # must point along r's part perpendicular to g
        if c < 1:  # the same, with the cancellation |D| / |D - c g| = 1 / sqrt(1 - c^2) of rest
            assert abs((rest * r_perp).sum() / np.linalg.norm(rest) / np.linalg.norm(r_perp) - 1) < tol(g.size, 1 / (1 - c * c) ** 0.5)
    fixed = simulator.counterfactual("tilt-fixed", 0.3, np.random.default_rng(2), g.shape)
    noise = simulator.counterfactual("tilt-noise", 0.3, np.random.default_rng(2), g.shape)
    assert np.array_equal(fixed(None, g), fixed(None, g)), "the fixed perpendicular part must persist"
    assert rel_err(noise(None, g), noise(None, g)) > 0.1, "the noise must be fresh at every step"


def test_fig11_c1_and_eq20_reproduce_simulate():
    X, Y, Xt, Yt, E = modadd_problem()
    E = 0.4 * E
    ref = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=30, every=5, snapshots=3)
    assert simulator.counterfactual("eq20") is None
    for name in ("tilt-noise", "tilt-fixed"):
        D = simulator.counterfactual(name, 1.0, np.random.default_rng(0), E.shape)
        res = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=30, every=5, snapshots=3, direction=D)
        # eps x steps: at c = 1 the direction is Eq. 20's up to a few roundings per step, 30 steps
        assert rel_err(res["snaps"], ref["snaps"]) < tol(30), f"{name}, c = 1 is not Eq. 20"
        assert np.array_equal(res["test_acc"], ref["test_acc"])
    D = simulator.counterfactual("tilt-noise", 0.5, np.random.default_rng(0), E.shape)
    res = MA.simulate(E, X, Y, Xt, Yt, lr=1e-2, steps=30, every=5, snapshots=3, direction=D)
    assert rel_err(res["snaps"][1], ref["snaps"][1]) > 1e-3, "direction= is ignored"


def test_fig11_l1_and_readout_only_are_steepest_descents_of_their_objectives():
    X, Y, _, _, E = modadd_problem()
    lam = 0.5
    dE = MA.closed_form_update(E, X, Y)
    readout = lambda e: MA.cost_R(e.reshape(E.shape), X, Y, lam, limit=True) - lam * (e @ e)  # noqa: E731
    l1 = lambda e: readout(e) + lam * np.abs(e).sum()  # noqa: E731  (R_1 = lam ||E||_1 + the readout term)
    bound = fd_tol(1e-6, E.size) * cond(M.relu(X @ E)) ** 2  # FD of R, magnified by the solve (as for Eq. 20)
    for name, R in (("l1", l1), ("readout-only", readout)):
        want = -fd_grad(R, E.ravel()) / (2 * lam)  # E has no zero entry: |E| is smooth here
        got = simulator.counterfactual(name)(E, dE).ravel()
        assert rel_err(got, want) < bound, f"{name}: rel err {rel_err(got, want):.2e}"
    assert rel_err(simulator.counterfactual("shrink")(E, dE), -E) == 0


def test_fig11_shrinkage_never_changes_the_predictions_as_predicted():
    X, Y, Xt, Yt, E = modadd_problem(p=7, frac=0.5, d_h=24, seed=3)
    res = MA.simulate(E, X, Y, Xt, Yt, lr=0.05, steps=40, every=4, snapshots=2,
                      direction=simulator.counterfactual("shrink"))
    # eps x size: 40 scalings of E, then a norm of E.size terms
    assert rel_err(res["norm"], np.linalg.norm(E) * 0.95 ** res["step"]) < tol(40 + E.size), "E <- (1 - eta) E"
    F = lambda E1: M.relu(Xt @ E1) @ MA.optimal_readout(M.relu(X @ E1), Y)  # noqa: E731
    # eps x cond^2 x size: the readout solves with H H^T
    assert rel_err(F(res["snaps"][-1]), F(E)) < tol_gram(M.relu(X @ E), E.size), "the ReLU readout undoes any rescaling"
    assert np.all(res["test_acc"] == res["test_acc"][0]) and 0 < res["test_acc"][0] < 1


def test_fig11_until_stops_at_the_first_hit_and_never_is_null():
    X, Y, Xt, Yt, E = fig11_small()
    full = MA.simulate(E, X, Y, Xt, Yt, lr=0.02, steps=150, every=5, snapshots=150)
    g = MA.grok_step(full["step"], full["test_acc"])
    assert g is not None and 0 < g < 150, "pick a problem that groks inside the budget"
    cut = MA.simulate(E, X, Y, Xt, Yt, lr=0.02, steps=150, every=5, snapshots=1, until=0.95)
    assert cut["step"][-1] == g and list(cut["snap_steps"]) == [0, g]
    assert np.array_equal(cut["test_acc"], full["test_acc"][:len(cut["step"])])
    assert rel_err(cut["snaps"][-1], full["snaps"][list(full["snap_steps"]).index(g)]) < tol(g)  # eps x steps: the same steps
    s = dict(simulator.FIG11_QUICK, tau=0.5)  # 25 steps: too short to generalize
    out = simulator.fig11_run(0, s, 1, 96, 0)
    assert out[0] is None and grok.jsonable(list(out))[0] is None, "never must be null, not the budget"


def test_fig11_sweep_cell_equals_a_direct_simulate_run():
    s = simulator.FIG11_QUICK
    g, norm, acc = simulator.fig11_run(0, s, 1, 96, 0)
    X, Y, Xt, Yt, E = fig11_small()
    res = MA.simulate(E, X, Y, Xt, Yt, s["lr"], int(round(s["tau"] / s["lr"])), every=s["every"])
    want = MA.grok_step(res["step"], res["test_acc"])
    assert g == want and g is not None, (g, want)
    at = list(res["step"]).index(g)
    assert abs(norm - res["norm"][at]) < tol(at * s["every"] + E.size) * norm and acc == res["test_acc"][at]  # eps x steps + size


def test_fig11_step_size_barely_moves_the_grokking_time():
    s = simulator.FIG11  # the full run's step against half of it, in rescaled time tau = eta step
    half = dict(s, lr=s["lr"] / 2, every=2 * s["every"])
    # the counterfactual cell (d_h = 192, 70%) and the stiffest sweep cell (smallest width, 90%)
    for w, frac in ((s["hidden"], s["train_frac"]), (s["widths"][0], s["fractions"][-1])):
        f = s["fractions"].index(frac)
        big = np.mean([simulator.fig11_run(0, s, f, w, r)[0] * s["lr"] for r in range(3)])
        small = np.mean([simulator.fig11_run(0, half, f, w, r)[0] * half["lr"] for r in range(3)])
        assert abs(big - small) <= 0.05 * small, f"d_h {w}, {frac:.0%}: mean tau {big:.3f} vs {small:.3f}"


def test_fig11_spearman_and_cell_summaries():
    # eps x size: a correlation of n ranks, n-term sums plus a few roundings (means, sqrt, division)
    assert abs(simulator.spearman([1, 2, 3, 4], [10, 20, 30, 45]) - 1) < tol(4 + 4)
    assert abs(simulator.spearman([1, 2, 3, 4], [3, 2, 1, 0]) + 1) < tol(4 + 4)
    assert abs(simulator.spearman([1, 2, 2, 3], [1, 3, 2, 4]) - 3 / 10 ** 0.5) < tol(4 + 4), "ties get mean ranks"
    x, y = np.random.default_rng(5).normal(size=(2, 30))
    assert abs(simulator.spearman(x, y) - simulator.spearman(np.exp(3 * x), y ** 3)) < tol(30 + 4), "ranks only"
    grk = np.array([[[10, None, 30], [None, None, 5]], [[7, 9, 8], [None, None, None]]], dtype=object)
    ran = np.ones(grk.shape, bool)
    ran[1, 1] = False  # a skipped cell
    med, never = simulator.grok_cells(grk, ran)
    assert med == [[30.0, None], [8.0, None]], med
    assert never == [[1 / 3, 2 / 3], [0.0, None]], never
    s = dict(simulator.FIG11_QUICK, widths=(59,), fractions=(0.9,), seeds=1)  # d_h = n = 59: skipped
    g, norm, _, skipped = simulator.fig11_sweep(Namespace(seed=0), s, print)
    assert skipped == ["width 59, fraction 0.9: d_h = 59 <= 59 training pairs"] and g[0, 0, 0] is None
    assert np.isnan(norm).all()


def test_fig11_cos_disp_is_the_mean_over_windows_from_snapshots():
    X, Y, Xt, Yt, E = fig11_small()
    s = dict(simulator.FIG11_QUICK, window=0.06)
    D = simulator.counterfactual("tilt-fixed", 0.5, np.random.default_rng(1), E.shape)
    res = MA.simulate(E, X, Y, Xt, Yt, s["lr"], 20, every=5, snapshots=2, direction=D)
    want = []
    for E0 in res["snaps"][:-1]:
        E1 = E0.copy()
        for _ in range(3):  # window / lr Euler steps of the tilted motion
            E1 = E1 + s["lr"] * D(E1, MA.closed_form_update(E1, X, Y))
        want.append(simulator.displacement_cosine(E0, E1, X, Y, 0.06, s["lr"]))
    bound = tol_gram(M.relu(X @ E), 3 * E.size)  # eps x cond^2 x size: 3 Euler steps, each a solve with H H^T
    assert abs(simulator.mean_displacement_cosine(res["snaps"][:-1], (X, Y, Xt, Yt), D, 0.06, s["lr"]) - np.mean(want)) < bound
    assert abs(simulator.mean_displacement_cosine(res["snaps"][:-1], (X, Y, Xt, Yt), None, 0.06, s["lr"]) - 1) < bound


def test_fig11_quick_numbers():
    with tempfile.TemporaryDirectory() as d:
        out = grok.FIGURES["11"](Namespace(seed=0, quick=True, out=d))["fig11"]
        assert os.path.getsize(os.path.join(d, "fig11_simulator.png")) > 10000
    s = simulator.FIG11_QUICK
    rows = {(r["dynamics"], r["param"]): r for r in out["counterfactual"]}
    X, Y, Xt, Yt, E = MA.split_problem(np.random.default_rng([0, 11, 0]), s["p"], s["train_frac"], s["hidden"])
    rms = np.sqrt(np.mean(E * E))  # matched L1: ||rms sign(E0)||_F = ||E0||_F, the pull of Eq. 20's -E0
    assert list(rows) == [("eq20", None), ("tilt-noise", 0.5), ("tilt-noise", 0.0), ("tilt-fixed", 0.5),
                          ("tilt-fixed", 0.0), ("l1", 0.5), ("l1", rms), ("l2", 2.0), ("readout-only", None),
                          ("shrink", None), ("l1-matched", None), ("l1-radial", None)]
    assert abs(np.linalg.norm(rms * np.sign(E)) / np.linalg.norm(E) - 1) < tol(E.size)  # eps x size: norms over E
    steps = int(round(s["tau"] / s["lr"]))
    ref = MA.simulate(E, X, Y, Xt, Yt, s["lr"], steps, every=s["every"])
    eq = rows[("eq20", None)]
    assert eq["grok_tau"] == eq["grok_step"] * s["lr"] and eq["norm_init"] == ref["norm"][0]
    for r in out["counterfactual"]:  # continued: those not at 0.95 by tau, but c = 0 and shrinkage
        assert ("long" in r) == (r["grok_tau"] is None and r["param"] != 0.0 and r["dynamics"] != "shrink"), r
    assert "long" in rows[("readout-only", None)] and "long" not in rows[("tilt-noise", 0.0)]
    assert eq["grok_step"] == MA.grok_step(ref["step"], ref["test_acc"]) is not None
    # eps x steps + size for norms after `steps` updates; eps x cond^2 x size for the Eq. 20 cosine
    assert abs(eq["final_norm"] - ref["norm"][-1]) < tol(steps + E.size) * ref["norm"][-1]
    assert abs(eq["cos_disp"] - 1) < tol_gram(M.relu(X @ E), E.size)
    assert abs(eq["within_vs_across_final"]
               - MA.fourier_diagnostics(ref["snaps"][-1])["within_vs_across"]) < tol(E.size)  # the same snapshot
    sh = rows[("shrink", None)]
    assert abs(sh["final_norm"] - np.linalg.norm(E) * (1 - s["lr"]) ** steps) < tol(steps + E.size) * np.linalg.norm(E)
    assert sh["final_test_acc"] == ref["test_acc"][0] and sh["grok_step"] is None
    assert rows[("tilt-noise", 0.0)]["grok_step"] is None
    assert out["budget_steps"] == steps and out["lr"] == s["lr"] and out["p"] == s["p"]
    assert out["settings"]["level"] == simulator.FIG11_LEVEL == 0.95, "the issue defines generalized as 0.95"
    assert np.array(out["grok_step"], dtype=object).shape == (2, 2, 2)
    assert out["skipped"] == ["width 48, fraction 0.9: d_h = 48 <= 59 training pairs"]
    assert out["grok_step"][0][1] == [None, None] and out["never_fraction"][0][1] is None
    g = simulator.fig11_run(0, s, 1, 96, 1)
    assert out["grok_step"][1][1][1] == g[0] and out["final_norm"][1, 1, 1] == g[1]
    med, never = simulator.grok_cells(np.array(out["grok_step"], dtype=object), ~np.isnan(out["final_norm"]))
    assert (med, never) == (out["grok_step_median"], out["never_fraction"])
    ok = ~np.isnan(out["final_norm"])
    assert out["norm_vs_acc_spearman"] == simulator.spearman(out["final_norm"][ok], out["final_test_acc"][ok])
    l1 = out["l1_matched"]  # part 1b: four dynamics on each of 3 own splits, to tau
    assert [(r["split"], r["dynamics"]) for r in l1["runs"]] == [(k, n) for k in range(3) for n in simulator.L1_RUNS]
    X, Y, Xt, Yt, E = MA.split_problem(np.random.default_rng([0, 11, 3, 2]), s["p"], s["train_frac"], s["hidden"])
    run = MA.simulate(E, X, Y, Xt, Yt, s["lr"], steps, every=s["every"], direction=simulator.counterfactual("l1-matched"))
    got = l1["runs"][10]
    assert got["grok_tau"] == (lambda g: None if g is None else g * s["lr"])(MA.grok_step(run["step"], run["test_acc"]))
    assert got["final_norm"] == run["norm"][-1] and got["pull_ratio_final"] == 1.0
    assert got["radial_share_final"] == simulator.radial_share(run["snaps"][-1]) < 1  # Cauchy-Schwarz
    assert l1["runs"][11]["pull_ratio_final"] == 1 / l1["runs"][11]["radial_share_final"] > 1
    assert l1["all_splits"]["eq20_grok_tau"] == [eq["grok_tau"]] + [r["grok_tau"] for r in l1["runs"] if r["dynamics"] == "eq20"]
    start = l1["runs"][9]  # matched at the start: c ||sign E|| / ||E|| is 1 at tau = 0 and grows as ||E|| falls
    assert abs(start["param"] * E.size ** 0.5 / np.linalg.norm(E) - 1) < tol(E.size) and start["pull_ratio_final"] > 1
    vals = [r["grok_tau"] for r in l1["runs"] if r["dynamics"] == "eq20"]
    assert l1["by_dynamics"]["eq20"]["grok_tau"] == (None if None in vals else
                                                     {"mean": np.mean(vals), "min": min(vals), "max": max(vals)})


def test_counterfactual_l1_pull_and_l2_weight():
    X, Y, _, _, E = modadd_problem()
    dE = MA.closed_form_update(E, X, Y)
    assert np.array_equal(simulator.counterfactual("l2", 1.0)(E, dE), dE), "weight 1 is Eq. 20"
    assert rel_err(simulator.counterfactual("l2", 2.0)(E, dE), dE - E) < tol(2)  # eps x 2: one product, one sum per entry
    assert np.array_equal(simulator.counterfactual("l1")(E, dE), simulator.counterfactual("l1", 0.5)(E, dE))
    assert rel_err(simulator.counterfactual("l1", 0.2)(E, dE), dE + E - 0.2 * np.sign(E)) < tol(3)  # eps x 3: three sums per entry
    pull = simulator.counterfactual("l1-matched")(E, dE) - dE - E  # as long as Eq. 20's -E pull, along -sign(E)
    assert abs(np.linalg.norm(pull) / np.linalg.norm(E) - 1) < tol(E.size + 3)  # eps x size: norms of E.size terms
    assert rel_err(pull, -np.linalg.norm(E) / E.size ** 0.5 * np.sign(E)) < tol(E.size + 3)  # E has no zero entry


def test_fig11_l1_matched_by_radial_part_has_eq20s_radial_pull():
    """E with entries +-1, +-2: ||E||^2 = 10, ||E||_1 = 6. By radial part c = 10 / 6, and the pull's component along
    E / ||E||, c ||E||_1 / ||E|| = ||E|| = sqrt 10, is Eq. 20's -E's; its norm is ||E|| / s, s = radial_share =
    6 / (2 sqrt 10). By norm c = sqrt 10 / 2: its radial part is s ||E|| = 3."""
    E = np.array([[1.0, -2.0], [2.0, -1.0]])
    dE = np.random.default_rng(3).normal(size=E.shape)
    u = E / np.linalg.norm(E)
    radial = simulator.counterfactual("l1-radial")(E, dE) - dE - E
    assert rel_err(radial, -10 / 6 * np.sign(E)) < tol(4 + 3)  # eps x (size + 3): two 4-term sums, a quotient, 3 sums
    assert abs(np.sum(radial * u) + np.sqrt(10)) < tol(4 + 3) * np.sqrt(10)
    assert abs(simulator.radial_share(E) - 3 / np.sqrt(10)) < tol(4 + 3)
    assert abs(np.linalg.norm(radial) - np.sqrt(10) / simulator.radial_share(E)) < tol(4 + 3) * np.sqrt(10)
    by_norm = simulator.counterfactual("l1-matched")(E, dE) - dE - E
    assert abs(np.sum(by_norm * u) + 3) < tol(4 + 3) * 3 and abs(np.linalg.norm(by_norm) - np.sqrt(10)) < tol(4 + 3) * 3


def test_fig11_l1_all_splits_on_designed_rows():
    rows = [{"dynamics": n, "param": c, "grok_tau": t} for n, c, t in (
        ("eq20", None, 2.0), ("l1", 0.5, 1.0), ("l1", 0.2, 3.0), ("l1-matched", None, 2.5), ("l1-radial", None, 1.8))]
    l1 = {"runs": [{"split": 0, "dynamics": n, "grok_tau": t} for n, t in (
        ("eq20", 1.0), ("l1", 1.2), ("l1-matched", 1.5), ("l1-radial", None))]}
    got = simulator.l1_all_splits(rows, l1)  # part 1's split first; l1 at 0.5 is not a matched pull
    assert got["splits"] == 2 and got["eq20_grok_tau"] == [2.0, 1.0] and got["l1"]["grok_tau"] == [3.0, 1.2]
    assert np.allclose(got["l1-matched"]["ratio_to_eq20"], [1.25, 1.5], rtol=tol(1), atol=0)  # eps: one quotient
    assert got["l1-matched"]["ratio_span"] == {"mean": 1.375, "min": 1.25, "max": 1.5}
    assert got["l1-radial"]["ratio_to_eq20"] == [0.9, None] and got["l1-radial"]["ratio_span"] is None


def test_fig11_continued_run_equals_one_longer_run():
    X, Y, Xt, Yt, E = fig11_small()
    D = simulator.counterfactual("tilt-fixed", 0.4, np.random.default_rng(4), E.shape)
    one = MA.simulate(E, X, Y, Xt, Yt, 0.02, 30, every=5, snapshots=1, direction=D)
    part = MA.simulate(E, X, Y, Xt, Yt, 0.02, 20, every=5, snapshots=1, direction=D)
    rest = MA.simulate(part["snaps"][-1], X, Y, Xt, Yt, 0.02, 10, every=5, snapshots=1, direction=D)
    assert rel_err(rest["snaps"][-1], one["snaps"][-1]) < tol_gram(M.relu(X @ E), 30 * E.size)  # eps x cond^2 x size, 30 steps
    assert np.array_equal(np.r_[part["test_acc"], rest["test_acc"][1:]], one["test_acc"])


# ---------------------------------------------------------------- studies/delay_laws.py: Fig. 13, the delay laws
def readout_term(E, X, Y):
    """G(E) = dE + E, Eq. 20's readout term, and f(E) = ||W||^2 = Tr(Y^T (H H^T)^-1 Y), with cond(H H^T)."""
    H = M.relu(X @ E)
    return MA.closed_form_update(E, X, Y) + E, float(np.sum(Y * np.linalg.solve(H @ H.T, Y))), np.linalg.cond(H @ H.T)


def test_fig13_scaling_identities_of_eq20_hold_to_rounding():
    X, Y, Xt, Yt, E = modadd_problem()
    G, f, cond = readout_term(E, X, Y)
    eps, n = np.finfo(float).eps, X.shape[0]
    pred = lambda E1: M.relu(Xt @ E1) @ MA.optimal_readout(M.relu(X @ E1), Y)  # noqa: E731
    for c in (0.3, 0.5, 2.0, 3.7, 8.0):
        Gc, fc, _ = readout_term(c * E, X, Y)
        # the solve's error eps n cond(H H^T), plus cancellation in dE + cE: |cE| / |G(cE)| = c^4 |E| / |G|
        tol = eps * (n * cond + (1 + c ** 4) * np.linalg.norm(E) / np.linalg.norm(G))
        assert rel_err(Gc, c ** -3 * G) < 0.1 * tol, f"c = {c}: G(cE) = c^-3 G(E), err {rel_err(Gc, c ** -3 * G):.1e}"
        assert abs(fc - f / c ** 2) < 0.1 * eps * n * cond * f, f"c = {c}: ||W(cE)||^2 = ||W(E)||^2 / c^2"
        assert rel_err(pred(c * E), pred(E)) < 0.1 * eps * n * cond, f"c = {c}: the predictions depend on E / ||E|| only"
    # Euler's theorem for f (degree -2): <E, G(E)> = f(E), so d||E||^2/dtau = 2 <E, dE> = 2 (||W||^2 - ||E||^2)
    assert abs((E * G).sum() - f) < 0.1 * eps * n * cond * f
    dE = MA.closed_form_update(E, X, Y)
    assert abs(2 * (E * dE).sum() - 2 * (f - (E * E).sum())) < 0.1 * eps * n * cond * (f + (E * E).sum())
    rec = MA.simulate_flow(E, {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}, 1e-3, 0.0)
    assert abs(rec["readout"][0] - f) < 0.1 * eps * n * cond * f and rec["norm"][0] == np.linalg.norm(E)


def test_fig13_clamp_keeps_E_on_its_sphere_and_its_minus_E_term_is_void():
    X, Y, Xt, Yt, E = modadd_problem()
    d = {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}
    R, eps = 0.7 * np.linalg.norm(E), np.finfo(float).eps
    rec = MA.simulate_flow(E, d, 1e-2, 0.5, radius=R, level=2.0)  # level 2: never stops early
    assert len(rec["tau"]) > 40
    # rescaling by R / ||E|| leaves a relative error of a few eps; the norm of N entries adds <= N eps
    assert np.abs(rec["norm"] / R - 1).max() < 0.1 * E.size * eps, np.abs(rec["norm"] / R - 1).max()
    # one clamped step from cE (radius cR) is c R unit(E + k G(E)), k = c^-4 h / (1 - h): only the
    # readout term moves E on its sphere, c^4 times slower per unit tau on a c times larger sphere
    G, f, cond = readout_term(E * (R / np.linalg.norm(E)), X, Y)
    for c in (0.5, 1.0, 3.0):
        one = MA.simulate_flow(E, d, 1e-2, 1e-12, radius=c * R, level=2.0)
        h = one["tau"][1]
        E1 = E * (R / np.linalg.norm(E)) + c ** -4 * h / (1 - h) * G
        want = c * R * E1 / np.linalg.norm(E1)
        assert rel_err(one["E"], want) < 0.1 * eps * X.shape[0] * cond * (1 + c ** 4), f"c = {c}"


def test_fig13_predictions_known_answers():
    tau = np.linspace(0, 2.0, 201)
    on_Z = {"tau": tau, "norm": np.full(201, 3.0), "readout": np.full(201, 9.0)}  # ||W|| = ||E||: balanced
    assert abs(delay_laws.clamp_prediction(on_Z, 6.0) - 16 * 2.0) < 1e-12, "(R / r)^4 tau on a constant norm"
    assert abs(delay_laws.free_prediction(on_Z, 3.0) - 2.0) < 1e-12, "the same start reproduces the run"
    for r0 in (1.0, 6.0, 30.0):  # phi = 81 held fixed: tau = (1/4) ln(1 + (r0 / 3)^4 (e^(4 sigma) - 1)), sigma = 2
        want = 0.25 * np.log1p((r0 / 3.0) ** 4 * np.expm1(8.0))
        assert abs(delay_laws.free_prediction(on_Z, r0) - want) < 1e-12 * want, (r0, delay_laws.free_prediction(on_Z, r0), want)
    # a large start: tau -> sigma + ln(r0 / 3), slope 1 in ln s (off by (1/4) ln(1 - e^-8) = -8.4e-5 here)
    assert abs(delay_laws.free_prediction(on_Z, 300.0) - (2.0 + np.log(100.0)) + 8.4e-5) < 1e-6


def test_fig13_fits_recover_known_exponents():
    rho = np.tile([0.6, 0.8, 1.0, 1.4, 2.0], 3)
    seed = np.repeat([0, 1, 2], 5)
    amp = np.array([1.0, 1.7, 0.6])[seed]  # per-seed prefactors, as W_c^4 differs between seeds
    # exact data: the fits are exact to eps x the condition of the 2-column design (~10)
    p = delay_laws.fit_line(np.log(rho), np.log(amp * rho ** 4), seed)
    assert abs(p["slope"] - 4) < 1e-12 and abs(p["r2"] - 1) < 1e-12, p
    e = delay_laws.fit_line(rho, np.log(amp * np.exp(7.5 * rho)), seed)
    assert abs(e["slope"] - 7.5) < 1e-12 and abs(e["r2"] - 1) < 1e-12, e
    assert delay_laws.fit_line(rho, np.log(amp * rho ** 4), seed)["r2"] < 0.99, "an exponential must not fit a power law"
    one = delay_laws.fit_line([0, 1, 2], [1, 3, 5])
    assert abs(one["slope"] - 2) < 1e-12 and abs(one["intercept"] - 1) < 1e-12
    assert max(abs(v - 2) for v in one["slope_ci95"]) < 1e-6, "exact data: the interval collapses"
    for dof, t in ((1, 12.7062), (2, 4.3027), (5, 2.5706), (30, 2.0423)):  # the printed tables, 4 decimals
        assert abs(feet.t_quantile(0.975, dof) - t) < 1e-4, (dof, feet.t_quantile(0.975, dof))
    x, y = np.arange(8.0), np.array([0.1, 1.3, 1.9, 3.2, 3.8, 5.3, 5.9, 7.2])
    (b, _), cov = np.polyfit(x, y, 1, cov=True)  # numpy's own slope and its (scaled) variance
    f = delay_laws.fit_line(x, y)
    assert abs(f["slope"] - b) < 1e-12 and f["n"] == 8
    assert abs((f["slope_ci95"][1] - f["slope_ci95"][0]) / 2 - feet.t_quantile(0.975, 6) * cov[0, 0] ** 0.5) < 1e-9
    assert delay_laws.fit_line([0, 1, 5], [0, 1, 3], [0, 0, 1])["slope_ci95"] is None, "no residual dof"
    assert delay_laws.fit_line([1, 1], [2, 3]) is None and delay_laws.fit_line([1, 2], [2, 3], [0, 1]) is None


def test_fig13_net_level_interval_known_answer():
    """Three nets whose points lie exactly on lines of slopes 1, 2, 3: their mean 2, sd 1, interval 2 +- t(0.975, 2) / sqrt 3."""
    x = np.tile([0.0, 1.0, 3.0], 3)
    net = np.repeat([0, 1, 2], 3)
    y = np.array([5.0, -1.0, 2.0])[net] + np.array([1.0, 2.0, 3.0])[net] * x
    f = delay_laws.net_level(x, y, net)
    half = 4.302652729749464 / 3 ** 0.5  # t(0.975, 2 dof), to the printed digits' 1e-4 (checked above on feet.t_quantile)
    assert np.allclose(f["slopes"], [1, 2, 3], rtol=0, atol=1e-12) and abs(f["slope"] - 2) < 1e-12 and f["nets"] == 3
    assert max(abs(f["slope_ci95"][0] - (2 - half)), abs(f["slope_ci95"][1] - (2 + half))) < 1e-6, f
    pooled = delay_laws.fit_line(x, y, net)  # one common slope: here the mean of x-spread-weighted slopes, 2, but
    assert abs(pooled["slope"] - 2) < 1e-12 and pooled["slope_ci95"][1] - pooled["slope_ci95"][0] < 2 * half  # narrower
    assert delay_laws.net_level(x[:3], y[:3], net[:3]) is None, "one net: no interval between nets"


def test_fig13_asymptotic_fit_keeps_only_starts_far_above_the_norm_at_grokking():
    """Designed free rows: tau = a_seed + ln(r) exactly for r = ||E0|| / W_c >= 2, above the line at r = 1.5; r = 0.8 outside."""
    ratios, rows = (0.8, 1.5, 2.0, 4.0, 8.0), []
    for seed, a in ((0, 1.0), (1, 1.4)):
        for r in ratios:
            tau = a + np.log(r) + (0.3 if r < 2 else 0.0)  # above the line, as measured near s = 1
            rows.append({"seed": seed, "lr": 1e-2, "scale": r, "norm0": 8.0 * r, "norm_grok": 8.0, "grok_tau": tau, "pred_tau": None})
    fits = delay_laws.delay_fits(rows, [], [], 1e-2, (), 2.0)
    far, inside = fits["free_vs_log_norm2_ratio_asymptotic"], fits["free_vs_log_norm2_ratio"]
    assert far["n"] == 6 and abs(far["slope"] - 0.5) < 1e-12, far  # exact data: eps x the design's condition
    assert inside["n"] == 8 and inside["slope"] < 0.5 - 1e-3, "the r = 1.5 start bends the in-domain fit"
    assert fits["real_delay_net_level"] is None


def test_fig13_gd_delay_run_is_plain_gd_in_rescaled_time():
    X, Y, Xt, Yt, _ = modadd_problem()
    rng = np.random.default_rng(4)
    P = (M.init_uniform(rng, 5, 16), M.init_uniform(rng, 16, 5))
    d = {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}
    rec = delay_laws.gd_delay_run(tuple(3 * W for W in P), d, 1e-3, steps=60, every=10, refresh=20, level=2.0)
    assert list(rec["step"]) == list(range(0, 70, 10)), "records every 10 steps, up to the budget"
    Q = tuple(3 * W for W in P)
    for k in range(6):  # replay: plain GD, the step size set from the sharpness every 20 steps
        if k % 2 == 0:
            want = min(MA.FIG5_LR, 1 / feet.sharpness(Q, X, 1e-3, mean=True))
        assert rec["lr"][k] == want, (k, rec["lr"][k], want)
        Q = M.gradient_descent(Q, X, Y, 10, rec["lr"][k], 1e-3, mean=True)[0]
    assert rec["lr"][0] < MA.FIG5_LR, "pick a start sharp enough that the cap does not bind"
    # eps x steps: tau is a running sum of 6 terms
    assert np.allclose(rec["tau"], 2e-3 * 10 * np.r_[0, np.cumsum(rec["lr"][:-1])], rtol=tol(6), atol=0)
    assert rec["norm"][-1] == np.sqrt(sum((W * W).sum() for W in Q)) and rec["test_acc"][-1] == MA.accuracy(*Q, Xt, Yt)
    g = delay_laws.grok_point({"step": np.array([0, 10, 20, 30]), "tau": np.array([0, 1, 2, 3.0]),
                               "train_acc": np.array([0.5, 1, 1, 1]), "test_acc": np.array([0, 0.1, 0.5, 1]),
                               "norm": np.array([4, 5, 6, 7.0])})
    assert g == {"grok_tau": 3.0, "norm_grok": 7.0, "steps": 30, "tau_mem": 1.0, "step_mem": 10, "norm_mem": 5.0,
                 "delay_tau": 2.0}, g
    assert delay_laws.in_domain(dict(g, norm_mem=7.5)) and not delay_laws.in_domain(g)
    assert not delay_laws.in_domain(dict(g, grok_tau=None, norm_mem=9.0)), "a run that never grokked is outside"


def test_fig13_real_problem_at_modulus_11_is_figure_5s_net():
    d, P = delay_laws.real_problem(np.random.default_rng([0, 13, 5, 1]), MA.FIG5_P, MA.FIG5_HELD_OUT)
    rng = np.random.default_rng([0, 13, 5, 1])
    want = MA.fig5_data(rng), MA.fig5_init(rng)
    assert all(np.array_equal(a, b) for a, b in zip((d["X"], d["Y"], d["Xt"], d["Yt"]), want[0]))
    assert all(np.array_equal(a, b) for a, b in zip(P, want[1]))
    d, P = delay_laws.real_problem(np.random.default_rng(0), 13, 14)
    assert d["Xt"].shape == (14, 13) and d["X"].shape == (77, 13) and P[0].shape == (13, MA.FIG5_HIDDEN)


def test_fig13_quick_numbers():
    with tempfile.TemporaryDirectory() as d:
        out = grok.FIGURES["13"](Namespace(seed=0, quick=True, out=d))["fig13"]
        assert os.path.getsize(os.path.join(d, "fig13_delay_laws.png")) > 10000
    s = delay_laws.FIG13_QUICK
    assert len(out["free"]) == s["seeds"] * (1 + len(s["lrs"])) * len(s["scales"])
    assert len(out["clamp"]) == 2 * s["seeds"] * len(s["rhos"]) and len(out["real"]) == s["real_nets"] * len(s["real_scales"])
    X, Y, Xt, Yt, E0 = MA.split_problem(np.random.default_rng([0, 13, 1]), s["p"], s["train_frac"], s["hidden"])
    d = {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}
    ref, two = (MA.simulate_flow(c * E0, d, s["lr"], s["tau"]) for c in (1, 2))
    row = next(f for f in out["free"] if (f["seed"], f["lr"], f["scale"]) == (1, s["lr"], 2))
    assert row["grok_tau"] == two["tau"][-1] and row["norm_grok"] == two["norm"][-1]
    assert row["pred_tau"] == delay_laws.free_prediction(ref, 2 * np.linalg.norm(E0))
    assert row["readout_norm0"] == ref["readout"][0] ** 0.5 / 2, "||W|| of 2 E0 is ||W0|| / 2 (Eq. 20's homogeneity)"
    clamp = next(c for c in out["clamp"] if (c["seed"], c["rho"], c["lr"]) == (1, 1.4, s["lr"]))
    assert clamp["W_c"] == ref["norm"][-1] and clamp["pred_tau"] == delay_laws.clamp_prediction(ref, 1.4 * ref["norm"][-1])
    assert max(c["sphere_error"] for c in out["clamp"]) < 1e-13
    fits = out["fits"]
    # the laws the README derives, at the quick size: one norm at 95% whatever s, seed and step
    # (CV < 5%), the clamped delay a power law of exponent 4 (+-10%), predictions within 15%
    assert fits["norm_grok_cv"] < 0.05 and abs(fits["clamp_power"]["slope"] - 4) < 0.4, fits
    ratios = [x["grok_tau"] / x["pred_tau"] for x in out["free"] + out["clamp"] if x["grok_tau"] and x["pred_tau"]]
    assert len(ratios) == s["seeds"] * (len(s["scales"]) + 2 * len(s["rhos"])) and all(abs(r - 1) < 0.15 for r in ratios)
    for k, eta in (("clamp", s["lr"]), ("clamp_half_step", s["lr"] / 2)):
        assert fits["pred_error_max"][k] == max(abs(c["grok_tau"] / c["pred_tau"] - 1) for c in out["clamp"] if c["lr"] == eta)
    half = next(c for c in out["clamp"] if (c["seed"], c["rho"], c["lr"]) == (1, 1.4, s["lr"] / 2))
    assert half["pred_tau"] == delay_laws.clamp_prediction(MA.simulate_flow(E0, d, s["lr"] / 2, s["tau"]), 1.4 * ref["norm"][-1])
    inside = [[r["net"], r["scale"]] for r in out["real"] if r["grok_tau"] is not None and r["norm_mem"] > r["norm_grok"]]
    assert fits["real_in_domain"] == inside and len(inside) + len(fits["real_outside"]) == len(out["real"])
    assert all("norm_curve" in r for r in out["real"] if r["grok_tau"] is None), "a run that never grokked keeps its curve"
    for r in out["real"]:  # the mean step over the delay: delay_tau = 2 lam x the sum of lr over its steps
        assert ("lr_delay_mean" in r) == (r["delay_tau"] is not None and r["steps"] > r["step_mem"])
        assert "lr_delay_mean" not in r or 0 < r["lr_delay_mean"] <= MA.FIG5_LR * (1 + 1e-12), "lr <= FIG5_LR at every step"
    rise = out["rise"][0]["runs"][0]  # p = 17, d_h = 110: the first Euler step overshoots the flow's bound
    assert rise["norm_after_step"][0] > 10 * rise["bound"] and np.all(np.diff(rise["norm_after_step"]) < 0)
    assert grok.parse_args(["--fig13-full"]).fig13_full and "13" in grok.FIGURES


# ---------------------------------------------------------------- studies/time_or_phase.py: Fig. 14, time or phase
FIG14_RISE, FIG14_GROK = np.array([3000, 13000, 5000, 8000, 4000]), np.array([60000, 30000, 100000, 20000, 45000])


def fig14_world(clock, noise=0.0, seed=0, bump=0.0):
    """Designed Fig. 14 points: 5 nets at 11 shared steps 2,500-120,000 with their own first rise and 100%
    step (FIG14_*); cos = an exact cubic in the named clock (+ bump on the grokking points, + noise).
    (step, phase, clocks, cos), each (nets, points)."""
    step = np.broadcast_to(np.geomspace(2500, 120000, 11).round(), (5, 11))
    X = {"time": np.log10(step), "rise": np.log10(step / FIG14_RISE[:, None]), "grok": np.log10(step / FIG14_GROK[:, None])}
    phase = np.where(step < FIG14_RISE[:, None], "memorized", np.where(step < FIG14_GROK[:, None], "grokking", "generalized"))
    z = X[clock] - X[clock].mean()
    y = 0.5 - 0.4 * z + 0.1 * z ** 2 - 0.1 * z ** 3 + bump * (phase == "grokking")
    return step, phase, X, y + noise * np.random.default_rng(seed).normal(size=y.shape)


def test_fig14_one_curve_finds_the_clock_the_data_follow():
    """Data exactly a cubic in one clock: that clock's R^2 is 1 and its SD 0 to rounding (a consistent
    least-squares system: residual <= eps x cond(A) x size x |y|), every other clock's R^2 well below;
    R^2 at degrees 3-5 is 1 too, at degree 1 not (the cubic term is planted)."""
    for clock in time_or_phase.CLOCKS:
        step, phase, X, y = fig14_world(clock)
        out = time_or_phase.superposition(y.ravel(), {k: x.ravel() for k, x in X.items()})
        A = time_or_phase.basis(X[clock].ravel())
        res = tol(y.size, cond(A)) * np.linalg.norm(y)  # the residual norm's rounding bound
        assert 1 - out[clock]["r2"] <= res ** 2 / ((y - y.mean()) ** 2).sum() and out[clock]["sd"] <= res, (clock, out)
        assert all(out[k]["r2"] < 0.95 for k in X if k != clock), (clock, out)
        by = out[clock]["r2_by_degree"]
        assert by[time_or_phase.DEGREE - 1] == out[clock]["r2"] and min(by[2:]) > 1 - 1e-12 > by[0], by


def test_fig14_control_picks_each_world_its_bump_is_linear_and_draws_follow_the_seed():
    """On time-world data (cubic in log step + noise 0.02): each simulated world's own clock wins in
    >= 95% of 200 draws (the designed clocks differ by R^2 ~0.2 against noise ~0.005); the real data's
    R^2 lie in the time world's range; a bump h shifts every draw's h_hat by h (h_hat is linear in y;
    eps x cond x size), so detected_80 is found in 80% of draws (percentile interpolation: +-1 draw);
    a bump planted in exact data is found to rounding; the same seed gives the same draws."""
    step, phase, X, y = fig14_world("time", noise=0.02, seed=1)
    X, y, net = {k: x.ravel() for k, x in X.items()}, y.ravel(), np.repeat(np.arange(5), 11)
    g, m = phase.ravel() == "grokking", phase.ravel() == "memorized"
    out, raw = time_or_phase.control(y, X, net, g, m, np.random.default_rng(3))
    assert all(out[w]["picked_own"] >= 0.95 for w in time_or_phase.CLOCKS), out
    real = time_or_phase.superposition(y, X)
    assert all(out["time"][k]["min"] <= real[k]["r2"] <= out["time"][k]["max"] for k in X), (out["time"], real)
    B = time_or_phase.basis(X["time"], extra=[g.astype(float)])
    b = out["bump"]
    assert close(raw["alt"] - raw["null"], np.full(200, b["yardstick"]), y.size, cond(B)), "h_hat is linear in y"
    assert close(b["yardstick"], y[m].mean() - y[g].mean(), y.size) and b["power"] == np.mean(raw["alt"] > b["null_central95"][1])
    assert 0.795 <= np.mean(raw["null"] + b["detected_80"] > b["null_central95"][1]) <= 0.805, b
    assert len(b["grokking_residual_by_net"]) == 5
    again = time_or_phase.control(y, X, net, g, m, np.random.default_rng(3))
    assert again[0] == out and time_or_phase.control(y, X, net, g, m, np.random.default_rng(4))[0] != out
    y = fig14_world("time", bump=0.05)[3].ravel()
    h = time_or_phase.control(y, X, net, g, m, np.random.default_rng(3))[0]["bump"]["h_real"]
    assert close(h, 0.05, y.size, cond(B) * np.abs(y).max() / 0.05), h  # relative to the data's size


def test_fig14_on_a_designed_cache():
    """fig14's wiring: the first rises come from Fig. 5's curves (MA.aligned_phase), the settling points
    are left out, each frame is superposition's and control's on the rest; too few points give None."""
    step, phase, X, y = fig14_world("rise", noise=0.01)
    curve = np.arange(100, 150001, 100)
    te = np.where(curve < FIG14_RISE[:, None], 0.0, np.where(curve < FIG14_GROK[:, None], 0.5, 1.0))
    al = np.where(phase == "memorized", "before_rise", np.where(phase == "grokking", "rising", "after"))
    al[:, 0] = "settling"
    R = {"curve_step": curve, "train_acc": np.ones_like(te), "test_acc": te, "train_loss": np.ones_like(te),
         "cos_momentum": y, "cos_gauss-newton": y + 0.1}
    cache = {"fig5": {"step": step.astype(int), "phase": phase, "aligned": al, "grok_step": list(FIG14_GROK), "R": R},
             "fig9": {"R": {"cos": y - 0.1, "cos_tangent": y / 2}}}
    assert close(time_or_phase.clocks(cache["fig5"])["rise"], X["rise"], 2), "the designed first rises"
    with tempfile.TemporaryDirectory() as d:
        out = time_or_phase.fig14(Namespace(out=d, quick=True, seed=0), cache, lambda m: None)["fig14"]
        assert os.path.getsize(os.path.join(d, "fig14_time_or_phase.png")) > 10000
    use = al != "settling"
    Xu = {k: x[use] for k, x in time_or_phase.clocks(cache["fig5"]).items()}
    assert out["points"] == use.sum() == 50 and out["settling_left_out"] == 5 and out["nets_aligned"] == 5
    assert out["paper"]["clocks"] == time_or_phase.superposition(y[use], Xu)
    assert max(out["orthogonal"]["clocks"], key=lambda k: out["orthogonal"]["clocks"][k]["r2"]) == "rise"
    net = np.broadcast_to(np.arange(5)[:, None], use.shape)[use]
    assert out["paper"]["control"] == time_or_phase.control(y[use], Xu, net, phase[use] == "grokking",
                                                            phase[use] == "memorized", np.random.default_rng([0, 14, 0]))[0]
    text = grok.INDEX["fig14"][1](json.loads(json.dumps(grok.jsonable(out))))  # the caption of summary.json's numbers
    assert f"paper: {out['paper']['clocks']['time']['r2']:.3f} / " in text, text
    cache["fig5"]["aligned"] = np.where(np.arange(11) < 10, "settling", al)  # 5 points: too few for a cubic and its control
    with tempfile.TemporaryDirectory() as d:
        few = time_or_phase.fig14(Namespace(out=d, quick=True, seed=0), cache, lambda m: None)["fig14"]
    assert few["paper"] is None and "paper: -" in grok.INDEX["fig14"][1](json.loads(json.dumps(grok.jsonable(few))))


# ---------------------------------------------------------------- the index captions of the studies
def test_index_captions_of_figs_9_to_11_on_designed_summaries():
    ph = dict(zip(MA.PHASES, (0.1, 0.2, None)))
    f9 = {"mean_by_phase": {"tangent_fraction": ph, "cos_tangent": ph}, "preactivations": 7552,
          "median_by_phase": {k: ph for k in ("loss_to_decay", "flips", "dist", "radius", "flips_pinned_share",
                                               "flips_smallest_share")}}
    text = grok.INDEX["fig9"][1](f9)
    assert "tangent fraction 0.10 / 0.20 / -" in text and "(of 7552) 0 / 0 / -" in text, text
    assert "by the pins 0.10 / 0.20 / - and by as many of smallest |z| 0.10 / 0.20 / -" in text, text
    yard = {"cos": {"0.2": 0.5}, "len_ratio": {"0.2": 0.25}}
    row = {"readout": "exact", "lambda": 0.1, "grok_tau_real": 2.25, "grok_tau_sim_finite_lambda": 2.2,
           "disp": {"finite_lambda": yard}}
    st = {"ratio_median": [2.0, None], "ratio_min": [1.5, None], "ratio_max": [2.5, None]}
    f10 = {"runs": [row], "settings": {"lam": 0.1, "sweep": {"p": 15}},
           "sweep": {"seeds": 3, "ks": [1, 3], "lambdas": [0.1], "by_lambda": [st]}}
    text = grok.INDEX["fig10"][1](f10)
    assert "exact 2.25 (0.50 / 0.25)" in text and "finite-lambda Eq. 20: 2.20;" in text, text
    assert "lambda 0.1: r = 1 2.00 [1.50, 2.50], r = 3 - [-, -]." in text, text
    f11 = {"p": 19, "lr": 0.01, "tau": 20.0, "fractions": [0.5, 0.9], "widths": [256],
           "counterfactual": [{"dynamics": "eq20", "param": None, "grok_tau": 2.1},
                              {"dynamics": "tilt-fixed", "param": 0.4, "grok_tau": None,
                               "long": {"tau": 80.0, "grok_tau": 31.5}}],
           "grok_tau_median": [[None, 1.06]], "norm_vs_acc_spearman": 0.98,
           "l1_matched": {"splits": 3, "by_dynamics": {"eq20": {"grok_tau": {"mean": 2.35}}, "l1": {"grok_tau": None},
                                                       "l1-matched": {"grok_tau": {"mean": 3.333}},
                                                       "l1-radial": {"grok_tau": {"mean": 2.4}}},
                          "all_splits": {"splits": 4, "l1-matched": {"ratio_span": {"min": 1.2, "max": 1.54}},
                                         "l1-radial": {"ratio_span": None}}}}
    text = grok.INDEX["fig11"][1](f11)
    assert ("On 3 more splits, mean tau to 95% (Eq. 20 / L1 matched at the start / by norm at every step / by radial part "
            "at every step): 2.35 / - / 3.33 / 2.40; L1 over Eq. 20 on all 4 splits, min-max, by norm / by radial part: "
            "1.20-1.54 / not all by tau") in text, text
    assert "eq20: 2.10; tilt-fixed 0.4: not by tau = 20 (longer: 31.50)" in text, text
    assert "d_h = 256: not by tau = 20 / 1.06" in text and "steps" not in text, "times in tau, not steps"
    assert "Spearman(final norm, final test accuracy) = 0.98" in text, text


# ---------------------------------------------------------------- the command line: Figs. 8-14 and the animations end to end
# (test_grok.py runs Figs. 1-6 end to end; these run the rest of `python grok.py --quick`: the studies,
# after the Fig. 5 nets they reuse, and the animations)
STUDY_FIGS = "8,9,10,11,12,13,14,anim"
STUDY_RUNS = {}


def study_run(backend="numpy"):
    """One `python grok.py --quick --seed 3 --figs 8,...,14,anim --backend BACKEND` (cupy: the CuPy
    stand-in of test_grok.py) in a temp dir kept for the whole suite: (out dir, summary)."""
    if backend not in STUDY_RUNS:
        d = tempfile.mkdtemp(prefix="grok_studies_")
        atexit.register(shutil.rmtree, d, True)
        env = cupy_standin_env() if backend == "cupy" else None
        out = os.path.join(d, "out")
        code, _, err = run_cli("--quick", "--seed", "3", "--figs", STUDY_FIGS, "--backend", backend, "--out", out,
                               env=env)
        assert code == 0, f"--backend {backend} failed:\n{err[-3000:]}"
        STUDY_RUNS[backend] = out, read_summary(out)
    return STUDY_RUNS[backend]


def test_cli_quick_studies_are_reproducible_and_alike_on_the_cupy_standin():
    """The studies' --quick run in two fresh processes, NumPy and the CuPy stand-in: the same numbers
    for every figure; and the seeded Fig. 11, rerun alone, gives the numbers it gave within the set."""
    _, sa = study_run("numpy")
    assert set(sa) == {"fig5", "fig8", "fig9", "fig10", "fig11", "fig12", "fig13", "fig14", "anim", "meta"}, set(sa)
    _, sc = study_run("cupy")
    assert sc["meta"]["backend"] == "cupy"
    strip = lambda s: {k: v for k, v in s.items() if k != "meta"}  # noqa: E731
    assert strip(sc) == strip(sa), [k for k in sa if sc.get(k) != sa[k]]
    with tempfile.TemporaryDirectory() as b:
        code, _, err = run_cli("--quick", "--seed", "3", "--figs", "11", "--out", b)
        assert code == 0, err
        sb = read_summary(b)
        assert set(sb) == {"fig11", "meta"} and sb["fig11"] == sa["fig11"], "same seed, different numbers"


def test_index_html_shows_the_studies_with_their_numbers():
    d, s = study_run("numpy")
    imgs, paras = index_page(d)
    # (anim, run without Fig. 1, reruns it for its toy GIF: fig1.png is written, with no summary entry to show it)
    on_disk = sorted(f for f in os.listdir(d) if f.endswith((".png", ".gif")) and f != "fig1.png")
    assert sorted(imgs) == on_disk and len(imgs) == len(set(imgs)), (imgs, on_disk)
    assert imgs.index("fig5.png") < imgs.index("fig8_real_vs_sim.png") < imgs.index("anim_toy.gif")
    text = " ".join(paras)
    assert str(s["fig8"]["settings"]["p"]) in text, "Figure 8 caption"
    f9, f10, f11 = s["fig9"], s["fig10"], s["fig11"]
    assert "tangent fraction " + plots.nums([f9["mean_by_phase"]["tangent_fraction"][ph]
                                            for ph in MA.PHASES], ".2f", "-") in text, "Figure 9 caption"
    assert all(f"{real_vs_sim.readout_shown(r['readout'])} {plots.nums([r['grok_tau_real']], '.2f', 'not by the end')} (" in text
               for r in f10["runs"]), "Figure 10 caption"
    assert f"Spearman(final norm, final test accuracy) = {f11['norm_vs_acc_spearman']:.2f}" in text, "Figure 11"
    eq20 = plots.nums([f11["counterfactual"][0]["grok_tau"]], ".2f", f"not by tau = {f11['tau']:g}")
    assert f"for eq20: {eq20}" in text, "Figure 11 caption (tau)"
    wall = s["meta"]["wall_seconds"]
    for name in ("8", "11", "anim"):
        assert f"wall time {wall[name]:.1f} s" in text, name
    assert text.count(f"Seed {s['meta']['seed']}") >= len(s), "every caption states the seed"


def test_cli_fig8_runs_on_a_single_training_pair():
    with tempfile.TemporaryDirectory() as d:  # Figure 8 (--quick: p = 13, 91 pairs) with one training pair
        code, _, err = run_main("--quick", "--figs", "8", "--train-frac", "0.011", "--out", d)
        assert code == 0, err
        assert read_summary(d)["fig8"]["settings"]["n_train"] == 1


if __name__ == "__main__":
    sys.exit(run(globals(), sys.argv[1:], "studies/test_studies.py"))
