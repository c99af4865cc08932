"""python grok.py -- redraw every figure of "The Geometry of Grokking" (Musat, 2025).

One experiment per figure, in figure order, each registered with @figure("N"): it runs, draws through
plots.py and returns its numbers, which main() merges into OUT/summary.json under the key "figN"."""
import argparse
import html
import importlib.util
import json
import os
import platform
import re
import sys
import time
import urllib.parse
import warnings

import numpy as np

try:  # models.py reads GROK_BACKEND when imported: a wrong value is bad input, not a bug
    import models as M
except (ImportError, ValueError) as e:
    if "GROK_BACKEND" not in str(e):
        raise
    print(f"grok.py: error: {e}", file=sys.stderr)
    sys.exit(2)
import manifold as MF  # noqa: E402
import modadd as MA  # noqa: E402
import plots  # noqa: E402
from models import xp  # noqa: E402  (the array module: NumPy, or CuPy)

FIGURES = {}  # name -> function(args) -> dict of numbers for summary.json
TRAJECTORIES = {}  # figure -> a run's trajectory, kept so the animations need not train again


def figure(*names):
    """Register an experiment under one or more figure names (e.g. "5" and "7")."""
    def register(fn):
        FIGURES.update(dict.fromkeys(names, fn))
        return fn
    return register


def figure_order(name):
    """Sort key of figure names: numbers in numeric order (8, 9, 10), then the rest (anim)."""
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


def progress(msg, T0=time.time()):
    """One progress line with seconds since start (T0: when grok.py was imported)."""
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


def jsonable(x):
    """Turn arrays and NumPy scalars (nested in lists/dicts) into plain JSON values; NaN/inf -> null."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "shape"):  # arrays and NumPy scalars: .tolist() gives Python numbers
        return jsonable(M.to_numpy(x).tolist())
    return None if isinstance(x, float) and not np.isfinite(x) else x


def read_summary(out):
    """The numbers written so far to out/summary.json ({} if none or unreadable)."""
    try:
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_summary(out, key, numbers):
    """Merge numbers into out/summary.json under key, atomically (temp file + rename): never half-written."""
    data = {**read_summary(out), key: jsonable(numbers)}
    path = os.path.join(out, "summary.json")
    with open(path + ".tmp", "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


# ============================================================ Figures 1-4: toy models
# Settings the paper leaves open (stated in each figure and in the README).
FIG1_LAMBDAS, FIG1_LR, FIG1_STEPS = (0.01, 0.1, 0.2), 0.1, 4000
FIG2_LAM, FIG2_LR, FIG2_STEPS = 0.02, 0.1, 3000
FIG3_LAM, FIG3_LR, FIG3_STEPS = 0.02, 0.05, 5000
FIG3_REACHED = 0.05  # "reached the minimum-norm point" = ended within this distance of it
FIG4_X0 = 0.5  # the point P = (x0, x0^2) of Z that A, B, C project onto
FIG4_FIT_MAX = 0.1  # fit the Thm 4.14 slope for distances <= this (the theorem is about d -> 0)


@figure("1")
def fig1(args):
    """Fig. 1: y = w1 x1 + w2 x2 fitted to (1,1) -> 2 memorizes fast, generalizes late."""
    X, Y = xp.asarray([[1.0, 1.0]]), xp.asarray([[2.0]])
    rng = np.random.default_rng(args.seed)
    Xt = xp.asarray(rng.normal(size=(100, 2)))  # test set: y = x1 + x2
    Yt = Xt.sum(axis=1, keepdims=True)
    w0 = xp.asarray([-1.0, 1.0])
    runs = {"lambdas": FIG1_LAMBDAS, "lr": FIG1_LR, "steps": FIG1_STEPS, "init": w0,
            "final_w": [], "w_star": [], "steps_to_memorize": [], "steps_to_generalize": [],
            "max_dist_after_memorization": [], "final_train_loss": [], "final_test_loss": []}
    curves = []
    for lam in FIG1_LAMBDAS:
        ws = M.linear_run(X, Y, w0, lam, FIG1_LR, FIG1_STEPS)
        train = ((ws @ X.T - Y.T) ** 2).mean(axis=1)  # one sample: sum = mean
        test = ((ws @ Xt.T - Yt.T) ** 2).mean(axis=1)
        dist = MF.dist_to_plane(ws, X[0], Y[0, 0])
        t_mem, t_gen = M.steps_to_memorize(train), M.steps_to_generalize(test)
        runs["final_w"].append(ws[-1])
        runs["w_star"].append(M.ridge_minimizer(X, Y, lam)[:, 0])
        runs["steps_to_memorize"].append(t_mem)
        runs["steps_to_generalize"].append(t_gen)
        runs["max_dist_after_memorization"].append(float(dist[t_mem:].max()))
        runs["final_train_loss"].append(float(train[-1]))
        runs["final_test_loss"].append(float(test[-1]))
        curves.append({k: M.to_numpy(v) for k, v in
                       dict(w=ws, train=train, test=test, dist=dist,
                            norm=xp.linalg.norm(ws, axis=1)).items()})
    TRAJECTORIES["fig1"] = {"lambdas": FIG1_LAMBDAS, "curves": curves}
    plots.fig1(curves, jsonable(runs), os.path.join(args.out, "fig1.png"))
    return {"fig1": runs}


@figure("2")
def fig2(args):
    """Fig. 2: y = w . x fitted to (1,1,1) -> 3 from four starts: hit the plane, then go to (1,1,1)."""
    X, Y = xp.asarray([[1.0, 1.0, 1.0]]), xp.asarray([[3.0]])
    J = M.jacobian((xp.zeros((3, 1)),), X)  # (1, 3), the same everywhere for a linear model
    inits = xp.asarray(np.random.default_rng(args.seed).normal(0.0, 1.5, size=(4, 3)))
    out = {"lam": FIG2_LAM, "lr": FIG2_LR, "steps": FIG2_STEPS, "inits": inits,
           "w_star": M.ridge_minimizer(X, Y, FIG2_LAM)[:, 0], "final_w": [],
           "steps_to_memorize": [], "post_memorization_alignment_per_run": []}
    trajs, cos_curves = [], []
    for w0 in inits:
        ws = M.linear_run(X, Y, w0, FIG2_LAM, FIG2_LR, FIG2_STEPS)
        t_mem = M.steps_to_memorize(((ws @ X.T - Y.T) ** 2)[:, 0])
        # cos(update of step t, norm-min direction at w_t) for every step t
        cos = M.to_numpy(MF.row_cosines(ws[1:] - ws[:-1], MF.norm_min_directions_of_plane(J, ws[:-1])))
        out["final_w"].append(ws[-1])
        out["steps_to_memorize"].append(t_mem)
        out["post_memorization_alignment_per_run"].append(float(cos[t_mem:].mean()))
        trajs.append(M.to_numpy(ws))
        cos_curves.append(cos)
    out["post_memorization_alignment"] = float(np.mean(out["post_memorization_alignment_per_run"]))
    plots.fig2(trajs, cos_curves, jsonable(out), os.path.join(args.out, "fig2.png"))
    return {"fig2": out}


def plane_grid(lo, hi, n):
    """An n x n grid over the square [lo, hi]^2 of the (w1, w2) or (x, y) plane."""
    lo, hi = [float(v) for v in lo], [float(v) for v in hi]
    return xp.meshgrid(xp.linspace(lo[0], hi[0], n), xp.linspace(lo[1], hi[1], n))


def fig3_cases():
    """The three Fig. 3 models (our choice; the paper does not give them)."""
    one, zero = xp.asarray([[1.0]]), xp.asarray([[0.0]])
    X2, Y2 = xp.asarray([[1.0, 1.0]]), xp.asarray([[2.0]])
    return {
        "curved": dict(model="y = w2 w1 x on (x=1, y=1): Z = {w1 w2 = 1}, a hyperbola "
                             "(min norm at (1,1) on this branch)",
                       F=lambda a, b: a * b, y=1.0, run=lambda w, *s: M.scalar_net_run(w, one, one, *s),
                       init=(0.2, 3.0), min_norm_point=(1.0, 1.0), lo=(-2.0, -2.0), hi=(3.5, 3.5)),
        "singular": dict(model="y = w2 w1 x on (x=1, y=0): Z = the two axes, singular at (0, 0)",
                         F=lambda a, b: a * b, y=0.0, run=lambda w, *s: M.scalar_net_run(w, one, zero, *s),
                         init=(2.5, 0.8), min_norm_point=(0.0, 0.0), lo=(-1.0, -1.0), hi=(3.0, 3.0)),
        "leaky_relu": dict(model="y = lrelu(w1 x1) + lrelu(w2 x2) on x=(1,1), y=2: Z has kinks at (0,2), (2,0)",
                           F=lambda a, b: M.leaky_relu(a) + M.leaky_relu(b), y=2.0,
                           run=lambda w, *s: M.leaky_run(w, X2, Y2, *s),
                           init=(-1.5, 0.5), min_norm_point=(1.0, 1.0), lo=(-2.5, -1.0), hi=(3.0, 3.5)),
    }


@figure("3")
def fig3(args):
    """Fig. 3: the same memorize-then-minimize-the-norm path on a curved, a singular and a kinked Z."""
    out = {"lam": FIG3_LAM, "lr": FIG3_LR, "steps": FIG3_STEPS, "reached_within": FIG3_REACHED}
    panels = []
    for name, c in fig3_cases().items():
        ws = c["run"](xp.asarray(c["init"]), FIG3_LAM, FIG3_LR, FIG3_STEPS)
        loss = (c["F"](ws[:, 0], ws[:, 1]) - c["y"]) ** 2  # training loss, without the lam term
        dist = float(xp.linalg.norm(ws[-1] - xp.asarray(c["min_norm_point"])))
        out[name] = {"model": c["model"], "init": c["init"], "final_point": ws[-1],
                     "loss": float(loss[-1]), "min_norm_point": c["min_norm_point"],
                     "dist_to_min_norm_point": dist, "reached_min_norm": dist < FIG3_REACHED}
        A, B = plane_grid(c["lo"], c["hi"], 81 if args.quick else 301)
        panels.append({"name": name, "w": ws, "A": A, "B": B,
                       "residual": c["F"](A, B) - c["y"]})
    panels = [{k: M.to_numpy(v) if k != "name" else v for k, v in p.items()} for p in panels]
    plots.fig3(panels, jsonable(out), os.path.join(args.out, "fig3.png"))
    return {"fig3": out}


@figure("4")
def fig4(args):
    """Fig. 4: near Z the loss gradient is orthogonal to Z; |cos| with Z's tangent ~ distance (Thm 4.14)."""
    P, t, n = MF.parabola_frame(FIG4_X0)
    d_abc = xp.asarray([0.6, 0.06, 0.006])  # A, B, C; each view zooms 10x onto P
    ABC = P + d_abc[:, None] * n
    d = xp.logspace(-5, 0, 11 if args.quick else 41)
    cos = M.to_numpy(MF.tangent_cosines(P, t, n, d))
    near = M.to_numpy(d) <= FIG4_FIT_MAX
    slope = float(np.polyfit(np.log10(M.to_numpy(d)[near]), np.log10(cos[near]), 1)[0])
    out = {"x0": FIG4_X0, "P": P, "tangent": t, "normal": n, "distances_ABC": d_abc,
           "points_ABC": ABC, "cos_at_ABC": MF.tangent_cosines(P, t, n, d_abc),
           "thm414_slope": slope, "fit_max_distance": FIG4_FIT_MAX, "sweep_distances": d, "sweep_cos": cos}
    views = []
    for half in (1.0, 0.1, 0.01):  # view k is centred on P and contains point k
        X, Y = plane_grid(P - half, P + half, 121 if args.quick else 401)
        views.append([M.to_numpy(a) for a in (X, Y, MF.parabola_loss(xp.stack([X, Y], axis=-1)))])
    plots.fig4(views, -M.to_numpy(MF.parabola_loss_grad(ABC)),
               {k: M.to_numpy(v) if hasattr(v, "shape") else v for k, v in out.items()},
               os.path.join(args.out, "fig4.png"))
    return {"fig4": out}


# ============================================================ Figures 5/7: real training vs norm-min direction

# The paper's setting (Sec. 5, App. D): modulus 11, width 128, 7 held-out pairs, lr 1, five nets.
FIG5_P, FIG5_HIDDEN, FIG5_HELD_OUT, FIG5_LR, FIG5_RUNS = 11, 128, 7, 1.0, 5
# "Weight decay 1e-4" read as PyTorch's SGD(weight_decay=1e-4), which adds 1e-4 theta to
# the gradient of the mean-squared loss: that is lam ||theta||^2 with lam = 5e-5.
FIG5_LAM = 0.5e-4
FIG5_WINDOW = 10  # update estimate theta_t - theta_{t-10}
# Our choices: training length; 8 measurements per run, log-spaced from step 600 (after
# memorization at ~200 steps) to the end (the orthogonal projection of a ReLU net costs 1-3 s);
# loss points per run; Thm. 4.14 distances off Z and random normal directions per net.
FIG5_STEPS, FIG5_POINTS, FIG5_START, FIG5_CURVE = 120_000, 8, 600, 300
FIG5_DELTAS, FIG5_DIRECTIONS = np.logspace(-6, -1, 21), 3
FIG5_FRAMES = MF.FRAMES  # the feet whose P_T is used
FIG5_PHASES, FIG5_ALIGNED = MA.PHASES, MA.ALIGNED_PHASES
FIG5_INFO = MF.FOOT_INFO  # what orthogonal_projection reports, kept per point


def fig5_data(rng):
    """Erratum 4: the 66 unordered pairs mod 11, 7 held out at random, 59 for training."""
    X, Y, _ = MA.modular_addition(FIG5_P)
    perm = rng.permutation(X.shape[0])
    test, train = np.sort(perm[:FIG5_HELD_OUT]), np.sort(perm[FIG5_HELD_OUT:])
    test, train = xp.asarray(test), xp.asarray(train)
    return X[train], Y[train], X[test], Y[test]


def fig5_grid(steps, points, curve, start=FIG5_START):
    """Log-spaced measurement steps from `start` and loss-curve steps (with 0), multiples of FIG5_WINDOW."""
    def grid(n, first):
        return np.unique(np.round(np.geomspace(first, steps, n) / FIG5_WINDOW) * FIG5_WINDOW)
    measured = grid(points, min(start, steps // 2)).astype(int)
    return measured, np.union1d(np.union1d(measured, grid(curve, FIG5_WINDOW)), [0]).astype(int)


def fig5_measure(before, params, X, Y, act="relu", window=None):
    """Fig. 5 at theta_t (MF.update_on_Z in Fig. 5's setting); returns (numbers, orthogonal foot)."""
    return MF.update_on_Z(before, params, X, Y, act, window, FIG5_LR, FIG5_LAM)


def fig5_run(rng, measured, curve, label, act="relu"):
    """One net: full-batch GD on the mean-squared loss, losses/accuracies at the `curve` steps,
    fig5_measure (with its window) at the `measured` ones; returns (record, final params, data,
    theta_t at each measured step t)."""
    X, Y, Xte, Yte = fig5_data(rng)
    params = (M.init_uniform(rng, FIG5_P, FIG5_HIDDEN), M.init_uniform(rng, FIG5_HIDDEN, FIG5_P))
    gd = lambda P, n: M.gradient_descent(P, X, Y, n, FIG5_LR, FIG5_LAM, act, mean=True)[0]  # noqa: E731
    rec = {k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc")}
    done, thetas, points = 0, [], []
    for t in curve:
        if t in measured:
            before = gd(params, t - FIG5_WINDOW - done)
            params, *window = MF.gd_window(before, X, Y, FIG5_WINDOW, FIG5_LR, FIG5_LAM, act)
        elif t:
            params = gd(params, t - done)
        done = t
        for name, (Xs, Ys) in (("train", (X, Y)), ("test", (Xte, Yte))):
            rec[f"{name}_loss"].append(M.loss(params, Xs, Ys, act=act, mean=True))
            rec[f"{name}_acc"].append(MA.accuracy(*params, Xs, Ys, act=act))
        if t in measured:
            points.append(fig5_measure(before, params, X, Y, act, window)[0])
            thetas.append(params)
            progress(f"fig 5 {label}: step {t}, test acc {rec['test_acc'][-1]:.2f}, cos "
                     f"{points[-1]['cos']:+.2f}, foot residual {points[-1]['residual']:.0e}")
    rec.update({k: [p[k] for p in points] for k in (points[0] if points else {})})
    return {k: np.array(v) for k, v in rec.items()}, params, (X, Y), thetas


def fig5_stats(R, phase, keys, fn=np.mean, phases=FIG5_PHASES):
    """fn of R[k] over the points of each phase, for each key (None where a phase has no point)."""
    return {k: {ph: float(fn(R[k][phase == ph])) if (phase == ph).any() else None for ph in phases}
            for k in keys}


@figure("5", "7")
def fig5(args):
    """Figs. 5/7: does real training follow the norm-minimizing direction on Z? Plus
    Thm. 4.14 and sigma_min(J) on the same nets. --quick: 2 nets, 3000 steps, 4 measurements."""
    steps, points, curve, runs = ((3000, 4, 30, 2) if args.quick else
                                  (FIG5_STEPS, FIG5_POINTS, FIG5_CURVE, FIG5_RUNS))
    measured, curve = fig5_grid(steps, points, curve)
    recs, thm, nets = [], [], []
    for r in range(runs):
        rng = np.random.default_rng([args.seed, 5, r])
        rec, params, (X, Y), thetas = fig5_run(rng, set(measured.tolist()), curve, f"net {r + 1}/{runs}")
        recs.append(rec)
        nets.append({"X": X, "Y": Y, "thetas": thetas})
        thm.append(MF.thm414_on_net(params, X, Y, rng, FIG5_DELTAS, FIG5_DIRECTIONS))
    R = {k: np.stack([rec[k] for rec in recs]) for k in recs[0]}  # (runs, points)
    R["curve_step"], R["step"] = curve, measured
    at = np.searchsorted(curve, measured)  # the curve points where cos was measured
    phase = MA.phase(R["train_acc"][:, at], R["test_acc"][:, at])
    aligned = [MA.aligned_phase(curve, rec, measured) for rec in recs]
    al = np.array([a[0] for a in aligned])
    ratios = np.concatenate([t[0] for t in thm])  # (runs * directions, deltas)
    flips = np.concatenate([t[1] for t in thm])
    slopes = MF.smooth_slopes(ratios, flips, FIG5_DELTAS)
    grok = [MA.grok_step(curve, a, level=1.0) for a in R["test_acc"]]
    cos_keys = [k for k in R if k.startswith(("cos", "tangent_fraction"))]
    foot = {f: {k: R[f"{k}_{f}" if f != "orthogonal" else k] for k in ("loss", "residual", "dist")}
            for f in FIG5_FRAMES}
    out = {
        "steps": steps, "runs": runs, "lr": FIG5_LR, "lam": FIG5_LAM, "grok_step": grok,
        "measured_steps": measured, "rise_step": [a[1] for a in aligned],
        "settle_step": [a[2] for a in aligned],
        "by_phase": fig5_stats(R, phase, cos_keys),
        "points_by_phase": {ph: int((phase == ph).sum()) for ph in FIG5_PHASES},
        "by_aligned_phase": fig5_stats(R, al, cos_keys, phases=FIG5_ALIGNED),
        "points_by_aligned_phase": {ph: int((al == ph).sum()) for ph in FIG5_ALIGNED},
        "feet": {f: {f"{k}_{s}": float(fn(v)) for k, v in d.items()
                     for s, fn in (("median", np.median), ("max", np.max))} for f, d in foot.items()},
        "orthogonal_foot": {**{f"{k}_median": float(np.median(R[k])) for k in FIG5_INFO[2:-1]},
                            "converged": int(R["converged"].sum()), "points": int(R["cos"].size)},
        "thm414_deltas": FIG5_DELTAS,
        "thm414_ratio_geomean": np.exp(np.log(ratios).mean(axis=0)),
        "thm414_first_flip_delta": [float(FIG5_DELTAS[np.argmax(f > 0)]) if (f > 0).any()
                                    else None for f in flips],
        "thm414_slopes_smooth": slopes,
        "thm414_slope_real": float(slopes.mean()) if slopes.size else None,
        "thm414_slope_all_deltas": MF.loglog_slope(np.tile(FIG5_DELTAS, len(ratios)), ratios.ravel()),
        "thm414_sigma_min_J": [t[2] for t in thm],
        "thm414_start_loss_max": max(t[3] for t in thm),
        "sigma_min_J_min": float(R["sigma_min"].min()),
    }
    TRAJECTORIES["fig5"] = {"seed": args.seed, "quick": args.quick, "nets": nets, "step": measured,
                            "phase": phase, "aligned": al, "R": R, "grok_step": grok}
    plots.fig5(R, ratios, flips, FIG5_DELTAS, out, os.path.join(args.out, "fig5.png"))
    plots.fig7(R, phase, out, os.path.join(args.out, "fig7.png"))
    return {"fig5": out}


# ============================================================ Figure 6: closed-form dynamics

FIG6_CHECKPOINTS = (0, 500, 1000, 2000, 5000)  # steps at which the mean test accuracy is reported
FIG6_INIT_SCALE, FIG6_EVERY = 1.0, 10  # E ~ N(0, std = scale p^-1/2) (erratum 5); record interval
# --quick caps p, d_h, steps and runs (d_h = 160 exceeds the 153 pairs of p = 17 at any split)
# and takes 10x larger Euler steps
FIG6_QUICK, FIG6_QUICK_LR = {"p": 17, "hidden": 160, "steps": 500, "runs": 3}, 1e-2


def fig6_settings(args):
    """Paper settings of Fig. 6 (or the command-line overrides), capped by --quick; every value
    the runs use (the titles and summary.json read them from here)."""
    s = {k: getattr(args, k, v) for k, v in (("p", 37), ("hidden", 512), ("train_frac", 0.7),
                                             ("lr", 1e-3), ("steps", 5000), ("runs", 5), ("act", "relu"))}
    if args.quick:
        s.update({k: min(s[k], v) for k, v in FIG6_QUICK.items()}, lr=max(s["lr"], FIG6_QUICK_LR))
    return {**s, "n_train": MA.n_train(s["p"], s["train_frac"]), "record_every": FIG6_EVERY,
            "init_std": FIG6_INIT_SCALE * s["p"] ** -0.5}


def fig6_run(args, s, r):
    """One Fig. 6 run: its own split and initial E from (seed, 6, r), then Eq. 20 for s["steps"]."""
    rng = np.random.default_rng([args.seed, 6, r])
    X, Y, _ = MA.modular_addition(s["p"])
    tr, te = MA.train_test_split(X.shape[0], s["train_frac"], rng)
    E0 = MA.init_embedding(rng, s["p"], s["hidden"], s["init_std"])
    return MA.simulate(E0, X[tr], Y[tr], X[te], Y[te], s["lr"], s["steps"], s["record_every"],
                       label=f"Figure 6 (run {r})", log=progress, act=s["act"])


@figure("6")
def fig6(args):
    """Fig. 6: closed-form dynamics (Eq. 20) on modular addition, and its Fourier circles."""
    s = fig6_settings(args)
    runs = [fig6_run(args, s, r) for r in range(s["runs"])]
    step, acc, norm = runs[0]["step"], np.stack([res["test_acc"] for res in runs]), [res["norm"] for res in runs]
    E0, E1 = xp.asarray(runs[0]["snaps"][0]), xp.asarray(runs[0]["snaps"][-1])
    top = MA.strongest_frequencies(E1)
    TRAJECTORIES["fig6"] = runs[0]
    plots.fig6(step, acc, norm, MA.fourier_diagnostics(E0), MA.fourier_diagnostics(E1), s,
               os.path.join(args.out, "fig6.png"))
    plots.fig6_circles(MA.circle_rows(E0, E1, top), top, s["p"], os.path.join(args.out, "fig6_circles.png"))
    return {"fig6": {
        "settings": s, "runs": s["runs"], "test_acc_final": acc[:, -1],
        "test_acc_mean_at": {str(c): acc[:, list(step).index(c)].mean() for c in FIG6_CHECKPOINTS if c in set(step)},
        "grok_step": [MA.grok_step(step, a) for a in acc],
        "train_loss_max": max(res["train_loss"].max() for res in runs),
        "train_acc_min": min(res["train_acc"].min() for res in runs),
        "norm_init_mean": np.mean([n[0] for n in norm]), "norm_max_mean": np.mean([n.max() for n in norm]),
        "norm_final_mean": np.mean([n[-1] for n in norm]),
        "cond_HHt_max": max(res["cond"].max() for res in runs),
        "top_frequencies_run0": top, "fourier": MA.fourier_means(runs)}}


# ============================================================ Figure 8: real vs closed-form

# Smaller than Fig. 6 so that real GD, ~10^5 steps per lambda, fits in about a minute (--p etc. set
# Fig. 6 only). tau = 2 lr lam step for real GD, eta step for Eq. 20 (one run, seed (seed, 8)).
# Real runs stop stop_after of tau after grokking, at tau = 7 at the latest.
FIG8 = {"p": 19, "hidden": 192, "lambdas": (0.03, 0.1, 0.3), "tau": 7.0, "sim_lr": 1e-3, "stop_after": 1.0}
FIG8_QUICK = {"p": 13, "hidden": 96, "lambdas": (0.1, 0.3), "tau": 1.0, "sim_lr": 1e-2, "stop_after": 1.0}
FIG8_EVERY, FIG8_WINDOW = 0.05, 0.01  # measure every / instantaneous update window, in tau
FIG8_Z_CHECKS = 7  # Sec. 4 direction (one J J^T solve, ~0.5 s) this many times per run
# The yardstick (modadd.displacement_yardstick) over these windows of tau, from points
# FIG8_DISP_EVERY of tau apart: each point simulates Eq. 20 for 2 x 0.26 tau (~0.2 s).
FIG8_DISP_WINDOWS, FIG8_DISP_EVERY = (0.01, 0.05, 0.2), 0.5


def fig8_start(rng, s):
    """A split of the mod-p pairs (s["train_frac"]) and W1(0) = E0: (data dict, E0)."""
    X, Y, Xt, Yt, E0 = MA.split_problem(rng, s["p"], s["train_frac"], s["hidden"])
    return {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}, E0


def fig8_problem(args, s, fig):
    """The Fig. 8 setting s: data split, W1(0) and the lambda -> 0 simulation (seed (seed, fig))."""
    d, E0 = fig8_start(np.random.default_rng([args.seed, fig]), s)
    sim = MA.simulate(E0, d["X"], d["Y"], d["Xt"], d["Yt"], s["sim_lr"], int(round(s["tau"] / s["sim_lr"])),
                      every=max(1, round(FIG8_EVERY / s["sim_lr"])), label=f"Figure {fig} (Eq. 20)",
                      log=progress)
    sim_tau = sim["step"] * s["sim_lr"]
    return d, E0, sim_tau, sim["test_acc"], MA.grok_step(sim_tau, sim["test_acc"])


def fig8_run(d, E0, lam, s, grok_sim, readout=1, exact_eta=None, **kw):
    """Real training from W1(0) = E0, W2(0) = the ridge readout (W2's slow manifold) with
    lr = 1 / sharpness, half the GD stability limit; returns (summary row, record). With the
    exact readout W2 no longer limits lr, only Eq. 20's own Euler step 2 lr lam does: exact_eta
    raises lr to exact_eta / (2 lam) where that is larger."""
    W2 = MA.optimal_readout(xp.maximum(d["X"] @ E0, 0.0), d["Y"], lam)
    sharp = MF.sharpness((E0, W2), d["X"], lam)
    lr = max(1.0 / sharp, exact_eta / (2 * lam)) if readout == "exact" and exact_eta else 1.0 / sharp
    kw = {"z_checks": FIG8_Z_CHECKS, "disp_every": FIG8_DISP_EVERY, **kw}
    r = MA.real_training(E0, W2, d, lam, lr, s["tau"], readout, s["sim_lr"], FIG8_EVERY, FIG8_WINDOW,
                         disp_windows=FIG8_DISP_WINDOWS, log=progress, **kw)
    return {"readout": MA.readout_name(readout), **MA.real_summary(lam, lr, sharp, r, grok_sim)}, r


def fig8_lambda(args, problem, lam, s):
    """Fig. 8's plain-GD run at lam (Fig. 10 repeats it exactly), with finite-lambda Eq. 20's time."""
    d, E0, _, _, grok_sim = problem
    fin = MA.grok_step(*MA.finite_lambda_accuracy(E0, d, lam, s["sim_lr"], s["tau"], FIG8_EVERY))
    row, r = fig8_run(d, E0, lam, s, grok_sim, stop_after=s["stop_after"],
                      rng=np.random.default_rng([args.seed, 8, round(lam * 1e6)]))
    progress(f"Figure 8 lambda = {lam}: grok tau real {row['grok_tau_real']}, sim {grok_sim}, finite {fin}")
    return {**row, "grok_tau_sim_finite_lambda": fin}, r


@figure("8")
def fig8(args):
    """Beyond the paper: real GD on the full two-layer net vs the closed-form dynamics (Eq. 20)."""
    s = dict(FIG8_QUICK if args.quick else FIG8, train_frac=getattr(args, "train_frac", 0.7))
    problem = fig8_problem(args, s, 8)
    runs, curves = zip(*[fig8_lambda(args, problem, lam, s) for lam in s["lambdas"]])
    TRAJECTORIES["fig8"] = {"settings": dict(s), "problem": problem,
                            "runs": dict(zip(s["lambdas"], zip(runs, curves)))}
    s.update(n_train=problem[0]["X"].shape[0], init_std=s["p"] ** -0.5, lr_rule="1 / sharpness at the start",
             record_every_tau=FIG8_EVERY, window_tau=FIG8_WINDOW, checks_Z=FIG8_Z_CHECKS,
             disp_windows_tau=FIG8_DISP_WINDOWS, disp_every_tau=FIG8_DISP_EVERY)
    plots.fig8(problem[2], problem[3], curves, runs, s, os.path.join(args.out, "fig8_real_vs_sim.png"))
    return {"fig8": {"settings": s, "runs": list(runs)}}


# ============================================================ Figure 9: why Fig. 5's cosine is low

# Fig. 9 reads the Fig. 5 points (fig5_measure split each update at its orthogonal foot) and
# branches a few (the middles of per_phase parts of each phase in the first `nets` nets) into
# GD in a changed setting, measured over its last window at the orthogonal foot of its end.
# Rows (name, lr, lam, steps, windows): "window" is Fig. 5's setting and, with window 10, the
# control of "lr" (lr 0.1 for 10x the steps and window: the same rescaled duration lr * steps);
# the two "lambda" rows run lam and lam / 10 for the same tau = 2 lr lam steps, with windows of
# equal tau (10 and 100 steps) and, at lam / 10, also of equal steps (10).
FIG9_WINDOWS = (1, 10, 100)
FIG9_LR, FIG9_LAM = 0.1, FIG5_LAM / 10
FIG9 = {"nets": 1, "per_phase": 2, "lam_steps": 1000}
FIG9_QUICK = {"nets": 1, "per_phase": 1, "lam_steps": 200}
FIG9_KEYS = ("cos", "cos_tangent", "tangent_fraction")
FIG9_MEDIANS = ("loss_to_decay", "sharpness_lr", "normal_flip_cos", "dist", "radius", "flips",
                "flips_back", "within_one_step", "kinks", "pins", "release", "residual_pattern")


def fig9_branch_points(phase, nets, per_phase):
    """(net, point) pairs for the ablations: in each of the first `nets` nets, the middle
    measured points of per_phase equal parts of each phase (not its edges, the transitions)."""
    out = []
    for r in range(min(nets, len(phase))):
        for ph in FIG5_PHASES:
            idx = np.nonzero(phase[r] == ph)[0]
            if idx.size:
                out += [(r, int(i)) for i in np.unique(idx[((np.arange(per_phase) + 0.5)
                                                            * idx.size / per_phase).astype(int)])]
    return out


def fig9_ablations(f5, points, lam_steps):
    """Rows of (setting, tau, points, the three Fig. 5 numbers by phase, the feet's median
    distance to Z and largest orthogonality residual and loss)."""
    settings = [("window", FIG5_LR, FIG5_LAM, 100, FIG9_WINDOWS),
                ("lr", FIG9_LR, FIG5_LAM, 1000, (100,)),
                ("lambda", FIG5_LR, FIG5_LAM, lam_steps, (FIG5_WINDOW,)),
                ("lambda", FIG5_LR, FIG9_LAM, 10 * lam_steps, (FIG5_WINDOW, 10 * FIG5_WINDOW))]
    ph, rows = np.array([f5["phase"][r, i] for r, i in points]), []
    for name, lr, lam, steps, windows in settings:
        vals, feet = {w: [] for w in windows}, []
        for r, i in points:
            X, Y = f5["nets"][r]["X"], f5["nets"][r]["Y"]
            end, split = MF.gd_windows(f5["nets"][r]["thetas"][i], X, Y, lr, lam, steps, windows)
            _, info = MF.orthogonal_projection(end, X, Y)
            for w in windows:
                vals[w].append(MF.tangent_alignment(info["P_T"], sum(split[w]), M.pack(end)))
            feet.append((info["dist"], info["residual"], info["loss"]))
        F = np.array(feet).reshape(-1, 3)
        for w in windows:
            V = np.array(vals[w]).reshape(-1, len(FIG9_KEYS))
            rows.append({"ablation": name, "lr": lr, "lam": lam, "steps": steps, "window": w,
                         "tau": 2 * lr * lam * steps, "tau_window": 2 * lr * lam * w,
                         "points": len(points), "dist_median": float(np.median(F[:, 0])),
                         "residual_max": float(F[:, 1].max()), "loss_max": float(F[:, 2].max()),
                         **{f"{k}_by_phase": {p: v[p] for p in FIG5_PHASES} for k, v in
                            fig5_stats({k: V[:, j] for j, k in enumerate(FIG9_KEYS)}, ph,
                                       FIG9_KEYS).items()}})
        progress(f"Figure 9 ablation {name} (lambda {lam:g}) done ({len(points)} points)")
    return rows


@figure("9")
def fig9(args):
    """Fig. 9: why the Fig. 5 cosine is low. Each update's tangent/normal split and its tangent
    part's loss and weight-decay terms (at the orthogonal foot), the kinks GD crosses, the
    curvature there, and ablations branched off the Fig. 5 nets."""
    out = {}
    f5 = TRAJECTORIES.get("fig5")
    if f5 is None or (f5["seed"], f5["quick"]) != (args.seed, args.quick):  # `--figs 9` alone
        out = fig5(args)
        f5 = TRAJECTORIES["fig5"]
    s = FIG9_QUICK if args.quick else FIG9
    R, phase, al = f5["R"], f5["phase"], f5["aligned"]
    points = fig9_branch_points(phase, s["nets"], s["per_phase"])
    rows = fig9_ablations(f5, points, s["lam_steps"])
    live = phase != ""
    numbers = {
        "runs": len(f5["nets"]), "lr": FIG5_LR, "lam": FIG5_LAM, "window": FIG5_WINDOW,
        "frame": "orthogonal foot; ReLU: stratum frame (pinned pre-activations held at 0)",
        "preactivations": int(f5["nets"][0]["X"].shape[0] * FIG5_HIDDEN),
        "points_by_phase": {ph: int((phase == ph).sum()) for ph in FIG5_PHASES},
        "mean_by_phase": fig5_stats(R, phase, FIG9_KEYS + ("loss_fraction", "loss_along")),
        "median_by_phase": fig5_stats(R, phase, FIG9_MEDIANS, np.median),
        "median_by_aligned_phase": fig5_stats(R, al, FIG9_MEDIANS, np.median, FIG5_ALIGNED),
        "range_after_memorization": {k: [float(R[k][live].min()), float(R[k][live].max())]
                                     for k in FIG9_MEDIANS} if live.any() else None,
        "ablation_points": points,
        "window_ablation": [row for row in rows if row["ablation"] == "window"],
        "lr_ablation": [row for row in rows if (row["ablation"], row["window"]) == ("window", FIG5_WINDOW)
                        or row["ablation"] == "lr"],
        "lambda_ablation": [row for row in rows if row["ablation"] == "lambda"],
        "step": f5["step"], **{k: R[k][0] for k in FIG9_KEYS},
    }
    plots.fig9(R, phase, f5["grok_step"], rows, numbers, os.path.join(args.out, "fig9_fig5_explained.png"))
    return {**out, "fig9": numbers}


# ============================================================ Figure 10: time-scale separation

# Real training from the Fig. 8 start with a faster second layer: k - 1 extra readout steps per W1 step
# (modadd.readout_lr), and the exact readout, with which each W1 step is an Euler step 2 lr lam
# (raised to exact_eta) of finite-lambda Eq. 20 (envelope theorem): a check of the code, not evidence.
# The evidence is the sweep: k in ks at two lambdas, own split and E0 per seed (seed (seed, 10, 0, r)), until
# 95% or tau, smaller (k = 30 at Fig. 8's size: ~50 s a run), p = 15 (at p = 13 some splits never get to 95%).
FIG10 = {"lam": 0.1, "readouts": (3, "exact"), "stop_after": 0.2, "disp_every": 0.25, "exact_eta": 2.5e-4,
         "sweep": {"p": 15, "hidden": 128, "train_frac": 0.8, "lambdas": (0.1, 0.3), "ks": (1, 3, 10, 30),
                   "seeds": 3, "tau": 6.0, "sim_lr": 1e-3}}
FIG10_QUICK = {"lam": 0.3, "readouts": (3, "exact"), "stop_after": 0.2, "disp_every": 0.25, "exact_eta": 2e-3,
               "sweep": {"p": 11, "hidden": 72, "train_frac": 0.9, "lambdas": (0.3,), "ks": (1, 3),
                         "seeds": 2, "tau": 3.0, "sim_lr": 1e-2}}


def fig10_sweep(args, sw):
    """The seed sweep: time to 95% test accuracy of real training with k readout steps, over that of
    finite-lambda Eq. 20 from the same split and E0, per lambda, k and seed."""
    real = np.full((len(sw["lambdas"]), len(sw["ks"]), sw["seeds"]), None)
    fin = np.full((len(sw["lambdas"]), sw["seeds"]), None)
    for r in range(sw["seeds"]):
        d, E0 = fig8_start(np.random.default_rng([args.seed, 10, 0, r]), sw)
        for i, lam in enumerate(sw["lambdas"]):
            fin[i, r] = MA.grok_step(*MA.finite_lambda_accuracy(E0, d, lam, sw["sim_lr"], sw["tau"], FIG8_EVERY))
            for j, k in enumerate(sw["ks"]):
                real[i, j, r] = fig8_run(d, E0, lam, sw, None, k, z_checks=0, disp_every=None,
                                         stop_after=0.0)[0]["grok_tau_real"]
            progress(f"Figure 10 sweep seed {r}, lambda = {lam}: tau real {list(real[i, :, r])}, finite {fin[i, r]}")
    return {"lambdas": sw["lambdas"], "ks": sw["ks"], "seeds": sw["seeds"], "grok_tau_real": real.tolist(),
            "grok_tau_sim_finite_lambda": fin.tolist(),
            "by_lambda": [MA.ratio_stats(real[i], fin[i]) for i in range(len(sw["lambdas"]))]}


@figure("10")
def fig10(args):
    """Beyond the paper: how much time-scale separation between the layers Eq. 20 needs."""
    c = FIG10_QUICK if args.quick else FIG10
    s = dict(FIG8_QUICK if args.quick else FIG8, train_frac=getattr(args, "train_frac", 0.7))
    lam, cached = c["lam"], TRAJECTORIES.get("fig8", {})
    reuse = cached.get("settings") == s and lam in cached["runs"]  # Fig. 8 ran in this process: reuse it
    problem = cached["problem"] if reuse else fig8_problem(args, s, 8)
    row, r = cached["runs"][lam] if reuse else fig8_lambda(args, problem, lam, s)
    d, E0, sim_tau, sim_acc, grok_sim = problem
    runs, curves = [row], [r]
    for i, readout in enumerate(c["readouts"]):
        row_k, r_k = fig8_run(d, E0, lam, s, grok_sim, readout, c["exact_eta"], z_checks=0,
                              disp_every=c["disp_every"], stop_after=c["stop_after"],
                              rng=np.random.default_rng([args.seed, 10, 1, i]))
        runs.append({**row_k, "grok_tau_sim_finite_lambda": row["grok_tau_sim_finite_lambda"]})
        curves.append(r_k)
        progress(f"Figure 10 {row_k['readout']}: grok tau real {row_k['grok_tau_real']}")
    H0 = xp.maximum(d["X"] @ E0, 0.0)
    runs = [{**x, "separation": MA.separation(rd, H0, lam, x["lr"])} for x, rd in zip(runs, (1, *c["readouts"]))]
    sweep = fig10_sweep(args, c["sweep"])
    sw = {**c["sweep"], "n_train": MA.n_train(c["sweep"]["p"], c["sweep"]["train_frac"])}
    settings = {**{k: c[k] for k in ("lam", "readouts", "exact_eta")}, "stop_after_tau": c["stop_after"],
                "disp_every_tau": c["disp_every"], "p": s["p"], "hidden": s["hidden"], "n_train": d["X"].shape[0],
                "tau": s["tau"], "sim_lr": s["sim_lr"], "disp_windows_tau": FIG8_DISP_WINDOWS, "sweep": sw,
                "readout_lr_rule": "1 / (||H||_F^2 + lambda)"}
    plots.fig10(sim_tau, sim_acc, curves, runs, sweep, settings, os.path.join(args.out, "fig10_timescales.png"))
    return {"fig10": {"settings": settings, "runs": runs, "sweep": sweep}}


# ============================================================ Figure 11: the closed form as a simulator

# On the Fig. 8 size: Eq. 20 with 10x the Fig. 6 step, tau = eta step. Part 1 moves E along Z in other
# ways (those short of 0.95 by tau continue to long_tau, but c = 0 and shrinkage, whose predictions
# never change); part 2 sweeps data and width. Widths >= 256: with d_h near n (192 vs 171 pairs at
# 90%) eta = 1e-2 delays grokking by ~60% (test_fig11_step_size_barely_moves_the_grokking_time).
FIG11 = {"p": 19, "hidden": 192, "train_frac": 0.7, "lr": 1e-2, "tau": 20.0, "every": 2, "long_tau": 80.0,
         "cosines": (0.7, 0.4, 0.2, 0.0), "window": 0.05, "cos_starts": 20,
         "widths": (256, 512), "fractions": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), "seeds": 3}
# --quick: p = 11 (66 pairs); width 48 is below the 59 training pairs at fraction 0.9: skipped
FIG11_QUICK = {"p": 11, "hidden": 96, "train_frac": 0.9, "lr": 2e-2, "tau": 3.0, "every": 5, "long_tau": 4.0,
               "cosines": (0.5, 0.0), "window": 0.1, "cos_starts": 3,
               "widths": (48, 96), "fractions": (0.5, 0.9), "seeds": 2}
FIG11_LEVEL = 0.95  # "generalized": first record with test accuracy >= this


def fig11_plan(E0, s):
    """Part 1's runs: (dynamics, parameter). l1 at 0.5 = lam ||E||_1 in place of lam ||E||^2 (the same
    lam), and at matched strength: the pull c sign(E0) as long as Eq. 20's -E0, c = rms(E0)."""
    rms = float(xp.sqrt(xp.mean(E0 * E0)))
    return ([("eq20", None)] + [(k, c) for k in ("tilt-noise", "tilt-fixed") for c in s["cosines"]]
            + [("l1", 0.5), ("l1", rms), ("l2", 2.0), ("readout-only", None), ("shrink", None)])


def fig11_counterfactuals(args, s):
    """Part 1: from one split and E0, Eq. 20 and the other motions along Z for s["tau"] (some longer)."""
    *d, E0 = MA.split_problem(np.random.default_rng([args.seed, 11, 0]), s["p"], s["train_frac"], s["hidden"])
    steps = int(round(s["tau"] / s["lr"]))
    rows, curves = [], []
    for i, (name, c) in enumerate(fig11_plan(E0, s)):
        direction = MA.counterfactual(name, c, np.random.default_rng([args.seed, 11, 1, i]), E0.shape)
        res = MA.simulate(E0, *d, s["lr"], steps, every=s["every"], snapshots=s["cos_starts"],
                          label=f"Figure 11 ({name})", direction=direction)
        g = MA.grok_step(res["step"], res["test_acc"], FIG11_LEVEL)
        row = {"dynamics": name, "cos": c if name.startswith("tilt") else None, "param": c, "grok_step": g,
               "cos_disp": MA.mean_displacement_cosine(res["snaps"][:-1], d, direction, s["window"], s["lr"]),
               "grok_tau": None if g is None else g * s["lr"], "norm_init": res["norm"][0],
               "norm_min": res["norm"].min(), "final_norm": res["norm"][-1], "final_test_acc": res["test_acc"][-1],
               "within_vs_across_final": MA.fourier_diagnostics(xp.asarray(res["snaps"][-1]))["within_vs_across"]}
        tau, acc = res["step"] * s["lr"], res["test_acc"]
        if g is None and c != 0.0 and name != "shrink":
            more = MA.simulate(xp.asarray(res["snaps"][-1]), *d, s["lr"], int(round(s["long_tau"] / s["lr"])) - steps,
                               every=s["every"], snapshots=1, direction=direction, until=FIG11_LEVEL)
            g2 = MA.grok_step(more["step"], more["test_acc"], FIG11_LEVEL)
            row["long"] = {"tau": s["long_tau"], "grok_tau": None if g2 is None else s["tau"] + g2 * s["lr"],
                           "final_test_acc": float(more["test_acc"][-1]), "final_norm": float(more["norm"][-1])}
            tau, acc = np.r_[tau, s["tau"] + more["step"][1:] * s["lr"]], np.r_[acc, more["test_acc"][1:]]
        rows.append(row)
        curves.append({"tau": tau, "test_acc": acc})
        progress(f"Figure 11 {name} {c}: 0.95 at tau {row['grok_tau']}, longer: {row.get('long')}")
    return rows, curves


def fig11_run(seed, s, f, w, r):
    """Part 2, one run: fraction index f, width w, seed r; Eq. 20 until test accuracy reaches
    FIG11_LEVEL or s["tau"] runs out. Returns (grok step or None, final ||E||, final test acc)."""
    *d, E0 = MA.split_problem(np.random.default_rng([seed, 11, 2, f, r]), s["p"], s["fractions"][f], w)
    res = MA.simulate(E0, *d, s["lr"], int(round(s["tau"] / s["lr"])), every=s["every"],
                      snapshots=1, label=f"Figure 11 (width {w}, fraction {s['fractions'][f]})",
                      until=FIG11_LEVEL)
    return MA.grok_step(res["step"], res["test_acc"], FIG11_LEVEL), res["norm"][-1], res["test_acc"][-1]


def fig11_sweep(args, s):
    """Part 2: grokking step, final ||E|| and test accuracy for every width x fraction x seed
    (None for cells where the width does not exceed the training pairs; the reason in `skipped`)."""
    shape = (len(s["widths"]), len(s["fractions"]), s["seeds"])
    grok, norm, acc = np.full(shape, None), np.full(shape, np.nan), np.full(shape, np.nan)
    skipped = []
    for i, w in enumerate(s["widths"]):
        for f, frac in enumerate(s["fractions"]):
            n = MA.n_train(s["p"], frac)
            if w <= n:
                skipped.append(f"width {w}, fraction {frac}: d_h = {w} <= {n} training pairs")
                continue
            for r in range(s["seeds"]):
                grok[i, f, r], norm[i, f, r], acc[i, f, r] = fig11_run(args.seed, s, f, w, r)
            progress(f"Figure 11 width {w}, fraction {frac}: 0.95 at steps {list(grok[i, f])}")
    return grok, norm, acc, skipped


@figure("11")
def fig11(args):
    """Beyond the paper: Eq. 20 as a grokking simulator. Is the norm-minimizing direction
    needed (part 1)? How does grokking time depend on data and width (part 2)?"""
    s = dict(FIG11_QUICK if args.quick else FIG11)
    rows, curves = fig11_counterfactuals(args, s)
    grok, norm, acc, skipped = fig11_sweep(args, s)
    ran = ~np.isnan(norm)
    median, never = MA.grok_cells(grok, ran)
    s.update(n_train=MA.n_train(s["p"], s["train_frac"]), level=FIG11_LEVEL,
             budget_steps=int(round(s["tau"] / s["lr"])))
    never_acc = [[float(acc[i, f, r]) for i in range(len(s["widths"])) for r in range(s["seeds"])
                  if ran[i, f, r] and grok[i, f, r] is None] for f in range(len(s["fractions"]))]
    out = {"counterfactual": rows, "p": s["p"], "lr": s["lr"], "budget_steps": s["budget_steps"],
           "seeds": s["seeds"], "widths": s["widths"], "fractions": s["fractions"], "tau": s["tau"],
           "grok_step": grok.tolist(), "grok_step_median": median, "never_fraction": never,
           "grok_tau_median": [[None if m is None else m * s["lr"] for m in row] for row in median],
           "never_test_acc_range": [[min(a), max(a)] if a else None for a in never_acc],
           "final_norm": norm, "final_test_acc": acc, "skipped": skipped,
           "norm_vs_acc_spearman": MA.spearman(norm[ran], acc[ran]), "settings": s}
    plots.fig11(curves, rows, grok, norm, acc, median, s, out["norm_vs_acc_spearman"],
                os.path.join(args.out, "fig11_simulator.png"))
    return {"fig11": out}


# ============================================================ Figure 12: where Thm 4.14's assumptions hold

# Fig. 5's data, init, lr, lambda and window (its nets, seeds (seed, 5, r)), one change at a time.
# (1) Activation: tanh on nets 1-3, the softplus_beta dial on net 1 for dial_steps, ReLU net 1 (=
# Fig. 5's) as reference; measured at the middles of per_phase parts of each phase. (2) lambda -> 0:
# from the middle of each phase of ReLU and tanh net 1, GD at lambda until the distance settles
# (settle_near_Z), then a window of equal rescaled time FIG12_TAU measured at the nearest point of
# Z (proj_steps iterations of orthogonal_projection; its residual and loss are reported).
FIG12 = {"steps": FIG5_STEPS, "tanh_nets": 3, "dial": tuple(f"softplus{b}" for b in M.SOFTPLUS_BETAS),
         "dial_steps": 30_000, "per_phase": 2, "lambdas": (5e-5, 5e-6, 5e-7, 5e-8),
         "settle": (1000, 4000), "proj_steps": 20}
FIG12_QUICK = {"steps": 2500, "tanh_nets": 1, "dial": ("softplus8",), "dial_steps": 1200, "per_phase": 1,
               "lambdas": (5e-5, 5e-6), "settle": (50, 100), "proj_steps": 4}
FIG12_TAU = 2 * FIG5_LR * FIG5_LAM * FIG5_WINDOW  # window of rescaled time: 10 steps at lambda 5e-5
FIG12_SETTLED = 0.05  # relative change of the distance over a chunk below which it has settled
FIG12_CANDIDATES = 24  # log-spaced candidate points per run (Fig. 5's grid from step 600), per_phase measured


def fig12_run(rng, act, steps):
    """A Fig. 5 net with activation act: (train, test) accuracy on Fig. 5's curve grid and
    (theta_{t-10}, theta_t) at its measurement grid (no measurement yet: Fig. 12 picks points)."""
    X, Y, Xte, Yte = fig5_data(rng)
    params = (M.init_uniform(rng, FIG5_P, FIG5_HIDDEN), M.init_uniform(rng, FIG5_HIDDEN, FIG5_P))
    gd = lambda P, n: M.gradient_descent(P, X, Y, n, FIG5_LR, FIG5_LAM, act, True)[0]  # noqa: E731
    measured, curve = fig5_grid(steps, FIG12_CANDIDATES, FIG5_CURVE)
    acc, states, done = [], [], 0
    for t in curve:
        if t:
            before = gd(params, t - FIG5_WINDOW - done)
            params, done = gd(before, FIG5_WINDOW), t
        acc.append((MA.accuracy(*params, X, Y, act), MA.accuracy(*params, Xte, Yte, act)))
        if t in measured:
            states.append((before, params))
    return curve, measured, np.array(acc), states, (X, Y)


def fig12_branch(params, X, Y, act, lam, s, rng):
    """lambda -> 0: GD at lam until the distance to Z settles, then FIG12_TAU of rescaled time."""
    params, done, change = MF.settle_near_Z(params, X, Y, FIG5_LR, lam, act, *s["settle"], FIG12_SETTLED)
    window = int(round(FIG12_TAU / (2 * FIG5_LR * lam)))
    return {"act": act, "lam": lam, "settle_steps": done, "window": window, "settled_change": change,
            **MF.measure_window(params, X, Y, FIG5_LR, lam, window, act, s["proj_steps"], rng=rng)}


FIG12_KEYS = ("cos", "cos_tangent", "tangent_fraction", "loss_to_decay", "dist", "random_tangent_fraction",
              "random_cos_tangent", "proj_residual")


def fig12_by_activation(runs, acts):
    """Per activation: memorization and grokking steps per net, and the point means by phase."""
    out = {}
    for act in acts:
        rs = [r for r in runs if r["act"] == act]
        pts = [p for r in rs for p in r["points"]]
        out[act] = {"nets": len(rs), "memorize_step": [r["memorize_step"] for r in rs],
                    "grok_step": [r["grok_step"] for r in rs],
                    **{f"{k}_by_phase": {ph: float(np.mean(v)) if (v := [p[k] for p in pts if p["phase"] == ph])
                                         else None for ph in FIG5_PHASES} for k in FIG12_KEYS}}
    return out


@figure("12")
def fig12(args):
    """Fig. 12: the Fig. 5 claim where Thm 4.14's assumptions hold: a smooth activation, lambda -> 0."""
    s = FIG12_QUICK if args.quick else FIG12
    nets = ([("relu", 0, s["steps"])] + [("tanh", r, s["steps"]) for r in range(s["tanh_nets"])]
            + [(a, 0, s["dial_steps"]) for a in s["dial"]])
    runs, rows, curves = [], [], []
    rng = np.random.default_rng([args.seed, 12])  # the random-update baselines; nets: Fig. 5's seeds
    for act, r, steps in nets:
        curve, measured, acc, states, (X, Y) = fig12_run(np.random.default_rng([args.seed, 5, r]), act, steps)
        phase = MA.phase(*acc[np.searchsorted(curve, measured)].T)
        picks = [i for _, i in fig9_branch_points(phase[None], 1, s["per_phase"])]
        mem = np.flatnonzero(acc[:, 0] == 1)
        runs.append({"act": act, "net": r, "steps": steps, "memorize_step": int(curve[mem[0]]) if mem.size else None,
                     "grok_step": MA.grok_step(curve, acc[:, 1], level=1.0),
                     "points": [{"step": int(measured[i]), "phase": str(phase[i]),
                                 **MF.measure_window(states[i][0], X, Y, FIG5_LR, FIG5_LAM, FIG5_WINDOW, act,
                                                     s["proj_steps"], rng=rng)} for i in picks]})
        curves.append((act, r, curve, acc[:, 1]))
        if r == 0 and act in ("relu", "tanh"):
            for i in [i for _, i in fig9_branch_points(phase[None], 1, 1)]:
                rows += [{"phase": str(phase[i]), "from_step": int(measured[i]),
                          **fig12_branch(states[i][1], X, Y, act, lam, s, rng)} for lam in s["lambdas"]]
        progress(f"Figure 12 {act} net {r + 1}: grokked at step {runs[-1]['grok_step']}, {len(picks)} points")
    fit = lambda rs, e: MF.loglog_slope(*([q[e + k] for q in rs] for k in ("dist", "loss_to_decay"))) if len(rs) > 1 else None  # noqa: E731
    slopes = {w: {a: {ph: fit([q for q in rows if (q["act"], q["phase"]) == (a, ph) and q[e + "dist"]
                               <= FIG4_FIT_MAX], e) for ph in FIG5_PHASES} for a in ("relu", "tanh")}
              for w, e in (("gd", ""), ("exact", "eq_"))}  # per branch family, distances <= 0.1 as Fig. 4
    found = [(r["act"], p) for r in runs for p in r["points"]] + [(q["act"], q) for q in rows]
    out = {"settings": {**s, "lr": FIG5_LR, "lam": FIG5_LAM, "window": FIG5_WINDOW, "tau_window": FIG12_TAU,
                        "settled": FIG12_SETTLED, "fit_max_distance": FIG4_FIT_MAX},
           "runs": runs, "by_activation": fig12_by_activation(runs, list(dict.fromkeys(a for a, _, _ in nets))),
           "lambda_rows": rows, "slopes_by_phase": slopes,
           "slopes": {e: {a: float(np.mean(v)) if (v := [x for x in d.values() if x is not None]) else None
                          for a, d in by.items()} for e, by in slopes.items()},
           "projection_residual_max": {a: max((p["proj_residual"] for b, p in found if b == a), default=None)
                                       for a, _, _ in nets},
           "projection_loss_max": max(p["proj_loss"] for _, p in found),
           "cos_decay_only_min_by_construction": min(p["cos_decay_only"] for _, p in found)}
    plots.fig12(curves, out, os.path.join(args.out, "fig12_smooth_and_close.png"))
    return {"fig12": out}


# ============================================================ Figure 13: delay laws

# Fig. 11's size and base step: Eq. 20 from s E0 (free) or at ||E|| = rho W_c (clamp; W_c: the seed's free norm at
# 95% from E0); real GD, Fig. 5 setting, from s theta(0), lr = min(1, 1 / sharpness); "rise": Fig. 6(b)'s 1st step.
FIG13 = {"p": 19, "hidden": 192, "train_frac": 0.7, "lr": 1e-2, "lrs": (5e-3, 2e-2), "seeds": 3,
         "scales": (0.5, 1, 2, 4, 8), "rhos": (0.6, 0.8, 1.0, 1.2, 1.4, 1.7, 2.0), "tau": 60.0,
         "real_scales": (0.5, 1, 2), "real_nets": 3, "real_every": 100, "real_tau": 12.0,
         "rise": ((37, 512, 1e-3, 5), (17, 110, 1e-2, 3)), "substeps": (1, 4, 16)}  # (p, d_h, eta, runs)
FIG13_QUICK = dict(FIG13, p=11, hidden=96, train_frac=0.9, lr=2e-2, lrs=(1e-2,), seeds=2, scales=(1, 2, 4), tau=20.0,
                   rhos=(0.8, 1.0, 1.4), real_scales=(1, 2), real_nets=1, real_tau=0.3, rise=((17, 110, 1e-2, 1),))
FIG13_FULL = {"real_scales": (0.5, 1, 2, 4), "real_nets": 5}  # --fig13-full, on top of FIG13


def fig13_eq20(args, s):
    """Free and clamped runs per seed, seed 0's norm curves; the s = 1 base-step run is the reference."""
    free, clamp, curves = [], [], []
    for r in range(s["seeds"]):
        *split, E0 = MA.split_problem(np.random.default_rng([args.seed, 13, r]), s["p"], s["train_frac"], s["hidden"])
        d, n0 = dict(zip(("X", "Y", "Xt", "Yt"), split)), float(xp.linalg.norm(E0))
        ref = MA.delay_run(E0, d, s["lr"], s["tau"])
        for eta, c in [(eta, c) for eta in (s["lr"], *s["lrs"]) for c in s["scales"]]:
            rec = ref if (eta, c) == (s["lr"], 1) else MA.delay_run(c * E0, d, eta, s["tau"])
            free.append({"seed": r, "lr": eta, "scale": c, "norm0": c * n0, **MA.grok_point(rec, FIG11_LEVEL),
                         "pred_tau": MA.free_prediction(ref, c * n0) if eta == s["lr"] else None})
            curves += [{"scale": c, "tau": rec["tau"], "norm": rec["norm"]}] if r == 0 and eta == s["lr"] else []
        for rho, R in [(rho, rho * ref["norm"][-1]) for rho in s["rhos"]]:
            rec = MA.delay_run(E0, d, s["lr"], s["tau"], radius=R)
            clamp.append({"seed": r, "rho": rho, "W_c": ref["norm"][-1], "pred_tau": MA.clamp_prediction(ref, R),
                          "sphere_error": np.abs(rec["norm"] / R - 1).max(), **MA.grok_point(rec, FIG11_LEVEL)})
        progress(f"Figure 13 seed {r}: clamped, 95% at tau {nums([c['grok_tau'] for c in clamp[-len(s['rhos']):]])}")
    return free, clamp, curves


def fig13_real(args, s):
    """Real GD (Fig. 5 setting) from s theta(0) per net and scale: tau and ||theta|| at 95% and at memorization."""
    rows = []
    for net in range(s["real_nets"]):
        rng = np.random.default_rng([args.seed, 13, 5, net])
        d = dict(zip(("X", "Y", "Xt", "Yt"), fig5_data(rng)))
        P0 = (M.init_uniform(rng, FIG5_P, FIG5_HIDDEN), M.init_uniform(rng, FIG5_HIDDEN, FIG5_P))
        for P, c in [(tuple(c * W for W in P0), c) for c in s["real_scales"]]:
            lr = min(FIG5_LR, 1.0 / MF.sharpness(P, d["X"], FIG5_LAM, mean=True))
            rec = MA.gd_delay_run(P, d, lr, FIG5_LAM, s["real_tau"], s["real_every"])
            rows.append({"net": net, "scale": c, "lr": lr, **MA.grok_point(rec, FIG11_LEVEL)})
            progress(f"Figure 13 real GD net {net}, s = {c}: tau at 95% {nums([rows[-1]['grok_tau']])}")
    return rows


@figure("13")
def fig13(args):
    """Beyond the paper: the grokking delay vs the initial and a clamped norm (Eq. 20, real GD); Fig. 6(b)'s rise."""
    s = dict(FIG13_QUICK if args.quick else FIG13, **(FIG13_FULL if getattr(args, "fig13_full", False) else {}))
    free, clamp, curves = fig13_eq20(args, s)
    out = {"settings": s, "free": free, "clamp": clamp, "real": fig13_real(args, s), "rise": []}
    for p, h, eta, n in s["rise"]:  # Fig. 6's runs: its seeds; its recipe is MA.split_problem
        starts = [MA.split_problem(np.random.default_rng([args.seed, 6, r]), p, 0.7, h) for r in range(n)]
        out["rise"].append({"p": p, "hidden": h, "lr": eta, "runs": [
            MA.first_step_norms(E0, X, Y, eta, s["substeps"]) for X, Y, _, _, E0 in starts]})
    out["fits"] = MA.delay_fits(free, clamp, out["real"], s["lr"])
    plots.fig13(curves, out, os.path.join(args.out, "fig13_delay_laws.png"))
    return {"fig13": out}


# ============================================================ animations
ANIM_LAMBDA = 0.01  # the Fig. 1 run that is animated: the longest creep along Z


def anim_frames(n_steps, n_frames):
    """Log-spaced steps 0..n_steps, so the fast memorization and the slow creep both get frames."""
    return np.unique(np.r_[0, np.geomspace(1, n_steps, n_frames).round().astype(int)])


@figure("anim")
def anim(args):
    """Animations: the Fig. 1 weights sliding along Z, and the Fig. 6 circles forming (run 0)."""
    if "fig1" not in TRAJECTORIES:  # `--figs anim` alone: the toy run takes a second
        fig1(args)
    if "fig6" not in TRAJECTORIES:
        TRAJECTORIES["fig6"] = fig6_run(args, fig6_settings(args), 0)
    toy, run = TRAJECTORIES["fig1"], TRAJECTORIES["fig6"]
    c = toy["curves"][toy["lambdas"].index(ANIM_LAMBDA)]
    t = anim_frames(len(c["w"]) - 1, 40 if args.quick else 150)
    plots.anim_toy(os.path.join(args.out, "anim_toy.gif"), t, c["w"][t], c["train"][t], c["test"][t], ANIM_LAMBDA)
    every, E1 = (3 if args.quick else 1), xp.asarray(run["snaps"][-1])
    ks = MA.strongest_frequencies(E1)
    coords = np.array([[MA.circle_coords(xp.asarray(E), k, E1) for k in ks] for E in run["snaps"][::every]])
    plots.anim_modadd(os.path.join(args.out, "anim_modadd.gif"), run["snap_steps"][::every], coords, ks,
                      run["step"], run["test_acc"], run["norm"])
    names = ("anim_toy.gif", "anim_modadd.gif")
    return {"anim": {"frames": dict(zip(names, (len(t), len(coords)))), "toy_lambda": ANIM_LAMBDA,
                     "modadd_frequencies": ks, "bytes": {f: os.path.getsize(os.path.join(args.out, f)) for f in names}}}


# ============================================================ benchmark (--bench)
def median_ms(fns, reps):
    """Median milliseconds of each function, timed alternately so machine noise hits all alike."""
    times = np.zeros((reps, len(fns)))
    for r in range(reps):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            if M.BACKEND == "cupy":
                xp.cuda.Stream.null.synchronize()  # GPU calls return before the work is done
            times[r, i] = time.perf_counter() - start
    return 1e3 * np.median(times, axis=0)


def step_and_floor_ms(p, d_h, frac, seed, reps):
    """Median ms of modadd.closed_form_step and of the floor step, Eq. 20's unavoidable core (H H^T,
    the solve, two products with H), at size (p, d_h, frac), timed alternately; and n."""
    rng = np.random.default_rng(seed)
    X, Y, _ = MA.modular_addition(p)
    tr, _ = MA.train_test_split(X.shape[0], frac, rng)
    X, Y, E = X[tr], Y[tr], MA.init_embedding(rng, p, d_h)
    work, H = MA.workspace(X.shape[0], p, d_h), xp.maximum(X @ E, 0.0)

    def core():
        B = xp.linalg.solve(H @ H.T, Y)
        return B @ (B.T @ H)

    return (*median_ms([lambda: MA.closed_form_step(E, X, Y, work), core], reps), X.shape[0])


def bench(args):
    """Time Eq. 20 at the Fig. 6 size (--p/--hidden/--train-frac) against the floor step: the unit
    in which docs/results.md states every cost."""
    reps = 20 if args.quick else 200
    step, floor, n = step_and_floor_ms(args.p, args.hidden, args.train_frac, args.seed, reps)
    print(f"Figure 6 size: p = {args.p}, d_h = {args.hidden}, n = {n}, {M.BACKEND}, median of {reps} "
          f"alternated repetitions\n  floor step: the unavoidable core (H H^T, solve, 2 products)  {floor:8.2f} ms\n"
          f"  closed-form step (modadd.closed_form_step)  {step:8.2f} ms = {step / floor:.2f} floor steps; "
          f"{args.runs} runs x {args.steps} steps ~ {args.runs * args.steps * step / 1e3:.0f} s of stepping")
    return 0


# ============================================================ one page of results: OUT/index.html
def nums(xs, spec=".3g", none="never"):
    """'a / b / c' for a list of numbers (None: `none`)."""
    return " / ".join(none if x is None else format(x, spec) for x in xs)


def disp_means(runs, q, form="finite_lambda", D="0.2"):
    """Figs. 8, 10 captions: each run's mean displacement yardstick q (window D of tau, Eq. 20's form)."""
    return [r["disp"][form][q][D] for r in runs]


# summary key -> (image files, caption from summary[key]); a key without one: key.png, key_*.png/gif, generic caption
INDEX = {
    "fig1": (["fig1.png"], lambda s: (
        f"y = w1 x1 + w2 x2 trained on the one sample 1+1=2, lambda = {nums(s['lambdas'])}: memorized after "
        f"{nums(s['steps_to_memorize'])} steps, generalized after {nums(s['steps_to_generalize'])}; largest "
        f"distance to Z after memorization {nums(s['max_dist_after_memorization'])} (Thm 4.8: shrinks with lambda).")),
    "fig2": (["fig2.png"], lambda s: (
        f"The same in 3-D from four starts (lambda {s['lam']}): all end within "
        f"{max(abs(a - b) for w in s['final_w'] for a, b in zip(w, s['w_star'])):.1e} of the minimizer 3/(3+lambda)"
        f"(1,1,1); after memorization the steps follow -P_T w, mean cosine {s['post_memorization_alignment']:.8f}.")),
    "fig3": (["fig3.png"], lambda s: (
        "Curved, singular and kinked zero-loss sets: distance of the end point to the minimum-norm point of Z "
        + nums([s[k]["dist_to_min_norm_point"] for k in ("curved", "singular", "leaky_relu")]) + ".")),
    "fig4": (["fig4.png"], lambda s: (
        f"L = (y - x^2)^2 near P = {tuple(s['P'])}: |cos(grad L, tangent of Z)| = {nums(s['cos_at_ABC'])} at "
        f"distances {nums(s['distances_ABC'])}; Thm 4.14 log-log slope {s['thm414_slope']:.3f} (fit: d <= "
        f"{s['fit_max_distance']}).")),
    "fig5": (["fig5.png", "fig7.png"], lambda s: (
        f"Real mod-11 training, {s['runs']} nets x {s['steps']} steps (lr {s['lr']}, lambda {s['lam']}): "
        f"mean cos(update, -P_T theta) {' / '.join(FIG5_PHASES)} = "
        f"{nums([s['by_phase']['cos'][ph] for ph in FIG5_PHASES], '.2f', '-')} (P_T at the orthogonal "
        f"foot; {nums([s['points_by_phase'][ph] for ph in FIG5_PHASES], 'd')} points; median "
        f"orthogonality residual {s['feet']['orthogonal']['residual_median']:.0e}); first rise of test "
        f"accuracy at step {nums(s['rise_step'], 'd', '-')}, 100% at {nums(s['grok_step'], 'd', '-')}; "
        f"Thm 4.14 slope before the first ReLU kink {nums([s['thm414_slope_real']], '.3f', '-')}; "
        f"smallest sigma_min(J) {s['sigma_min_J_min']:.2f}.")),
    "fig6": (["fig6.png", "fig6_circles.png"], lambda s: (
        "Closed-form dynamics (Eq. 20) on a + b mod {p}, sigma = {act}, d_h = {hidden}, {n_train} training pairs, "
        "step {lr}, {steps} steps, {runs} runs: ".format(**s["settings"]) + f"final test accuracy "
        f"{nums(s['test_acc_final'])}, 95% at step {nums(s['grok_step'], 'd')}; training loss <= "
        f"{s['train_loss_max']:.1e}; mean ||E|| {s['norm_init_mean']:.1f} -> peak {s['norm_max_mean']:.1f} -> "
        f"{s['norm_final_mean']:.1f}; within/across-frequency similarity (initial / final E) "
        f"{nums([s['fourier'][f'within_vs_across_{w}'] for w in ('init', 'final')], none='-')}; largest cond(H H^T) "
        f"{s['cond_HHt_max']:.2g}.")),
    "fig8": (["fig8_real_vs_sim.png"], lambda s: (
        f"Real GD on both layers vs Eq. 20, p = {s['settings']['p']}, d_h = {s['settings']['hidden']}, one seed, "
        f"lambda = {nums([r['lambda'] for r in s['runs']])}: tau at 95% test accuracy, real "
        f"{nums([r['grok_tau_real'] for r in s['runs']], '.2f', 'not by the end')} vs Eq. 20 "
        f"{nums([s['runs'][0]['grok_tau_sim']], '.2f', 'not by the end')} (lambda -> 0), "
        f"{nums([r['grok_tau_sim_finite_lambda'] for r in s['runs']], '.2f', '-')} (finite lambda); over windows of "
        f"0.2 tau, cosine of the real W1 displacement with finite-lambda Eq. 20's "
        f"{nums(disp_means(s['runs'], 'cos'), '.2f', '-')} and length ratio "
        f"{nums(disp_means(s['runs'], 'len_ratio'), '.2f', '-')} (baselines: plain shrinkage "
        f"{nums(disp_means(s['runs'], 'cos_shrink'), '.2f', '-')}, a random direction "
        f"{nums(disp_means(s['runs'], 'cos_random'), '+.3f', '-')})"
        f"; instantaneous cosine {nums([r['cos_mean'] for r in s['runs']], '.2f')}.")),
    "fig9": (["fig9_fig5_explained.png"], lambda s: (
        f"Why the Fig. 5 cosine is low ({' / '.join(FIG5_PHASES)}, orthogonal foot): tangent fraction "
        f"{nums([s['mean_by_phase']['tangent_fraction'][ph] for ph in FIG5_PHASES], '.2f', '-')}, "
        f"tangential cosine {nums([s['mean_by_phase']['cos_tangent'][ph] for ph in FIG5_PHASES], '.2f', '-')}; "
        f"loss / weight-decay size along Z "
        f"{nums([s['median_by_phase']['loss_to_decay'][ph] for ph in FIG5_PHASES], '.2f', '-')} (theory: 0); "
        f"pre-activations changing sign per step (of {s['preactivations']}) "
        f"{nums([s['median_by_phase']['flips'][ph] for ph in FIG5_PHASES], '.0f', '-')}; distance to Z "
        f"{nums([s['median_by_phase']['dist'][ph] for ph in FIG5_PHASES], '.2g', '-')} against a smooth radius "
        f"{nums([s['median_by_phase']['radius'][ph] for ph in FIG5_PHASES], '.1g', '-')}.")),
    "fig10": (["fig10_timescales.png"], lambda s: (
        f"Real training with a faster second layer, lambda = {s['settings']['lam']:g}, Fig. 8 start, tau at 95% test "
        "accuracy (displacement cosine / length ratio with finite-lambda Eq. 20 over 0.2 tau): " + "; ".join(
            f"{r['readout']} {nums([r['grok_tau_real']], '.2f', 'not by the end')} ({c:.2f} / {l:.2f})"
            for r, c, l in zip(s["runs"], disp_means(s["runs"], "cos"), disp_means(s["runs"], "len_ratio"))) +
        f" (finite-lambda Eq. 20: {nums([s['runs'][0]['grok_tau_sim_finite_lambda']], '.2f', '-')}; the exact readout "
        "is finite-lambda Eq. 20 by construction, a check of the code). The evidence, tau_real / tau_finite-lambda "
        f"median [min, max] over {s['sweep']['seeds']} seeds at p = {s['settings']['sweep']['p']}: " + "; ".join(
            f"lambda {lam:g}: " + ", ".join(
                f"k = {k} {nums([m], '.2f', '-')} [{nums([lo], '.2f', '-')}, {nums([hi], '.2f', '-')}]"
                for k, m, lo, hi in zip(s["sweep"]["ks"], st["ratio_median"], st["ratio_min"], st["ratio_max"]))
            for lam, st in zip(s["sweep"]["lambdas"], s["sweep"]["by_lambda"])) + ".")),
    "fig11": (["fig11_simulator.png"], lambda s: (
        f"Eq. 20 as a grokking simulator (p = {s['p']}, step {s['lr']}): tau at 95% test accuracy for " + "; ".join(
            f"{r['dynamics']}{'' if r['param'] is None else ' %.3g' % r['param']}: "
            f"{nums([r['grok_tau']], '.2f', 'not by tau = %g' % s['tau'])}"
            + (f" (longer: {nums([r['long']['grok_tau']], '.2f', 'not by tau = %g' % r['long']['tau'])})"
               if r.get("long") else "")
            for r in s["counterfactual"]) +
        f". Median tau to 95% by training fraction {nums(s['fractions'], 'g')}: " + "; ".join(
            f"d_h = {w}: {nums(m, '.2f', 'not by tau = %g' % s['tau'])}"
            for w, m in zip(s["widths"], s["grok_tau_median"])) +
        f"; Spearman(final norm, final test accuracy) = {s['norm_vs_acc_spearman']:.2f}.")),
    "fig12": (["fig12_smooth_and_close.png"], lambda s: (
        "Fig. 5's nets, one change at a time, measured at the nearest point of Z: tangential cosine "
        f"{' / '.join(FIG5_PHASES)} by activation: " + "; ".join(
            f"{a}: {nums([v['cos_tangent_by_phase'][ph] for ph in FIG5_PHASES], '.2f', '-')} (100% test at "
            f"step {nums(v['grok_step'], 'd')})" for a, v in s["by_activation"].items()) +
        f". lambda -> 0 over windows of equal rescaled time: log-log slope of ||P_T u_L|| / ||P_T u_lambda|| "
        f"against the distance to Z (<= 0.1) {nums([s['slopes']['gd'][a] for a in ('relu', 'tanh')], '.2f', '-')} "
        f"(ReLU / tanh; at the closed-form equilibrium {nums([s['slopes']['exact'][a] for a in ('relu', 'tanh')], '.2f', '-')}"
        f"; Thm 4.14, smooth net near Z: 1); largest projection residual ReLU "
        f"{nums([s['projection_residual_max']['relu']], '.1e', '-')}, tanh "
        f"{nums([s['projection_residual_max']['tanh']], '.1e', '-')}.")),
    "fig13": (["fig13_delay_laws.png"], lambda s: (
        f"Delay laws, Eq. 20 at p = {s['settings']['p']}, d_h = {s['settings']['hidden']}: tau at 95% vs ln s (E0 scaled "
        f"by s >= 1) slope {nums([(s['fits']['free_vs_ln_s'] or {}).get('slope')], '.2f', '-')}; norm at 95% "
        f"{s['fits']['norm_grok_mean']:.2f}, CV {100 * s['fits']['norm_grok_cv']:.1f}%; clamped at rho W_c: "
        f"tau ~ rho^{nums([(s['fits']['clamp_power'] or {}).get('slope')], '.2f', '-')} (Eq. 20: rho^4); real GD "
        f"(Fig. 5 setting): delay vs ln s slope {nums([(s['fits']['real_delay_vs_ln_s'] or {}).get('slope')], '.2f', '-')}, "
        f"norm CV {nums([s['fits']['real_norm_grok_cv']], '.1%', '-')}.")),
    "anim": (["anim_toy.gif", "anim_modadd.gif"], lambda s: (
        f"Animations: the Fig. 1 weights (lambda = {s['toy_lambda']}) sliding along Z, {s['frames']['anim_toy.gif']} "
        f"frames; the Fig. 6 embeddings (run 0) forming circles at frequencies {nums(s['modadd_frequencies'], 'd')}, "
        f"{s['frames']['anim_modadd.gif']} frames.")),
}


def write_index(out):
    """OUT/index.html: every figure and animation named in summary.json, captioned with its numbers,
    the seed and the wall time (standard library only; opens from disk in any browser)."""
    s = read_summary(out)
    meta = s.pop("meta", {})
    seed = f"Seed {meta.get('seed')}"
    body = [f"<h1>The Geometry of Grokking: the figures in {html.escape(os.path.abspath(out))}</h1>",
            f"<p>{seed}{', --quick' if meta.get('quick') else ''}, backend {meta.get('backend')}, NumPy "
            f"{meta.get('numpy')}, matplotlib {meta.get('matplotlib')}. All numbers: "
            "<a href='summary.json'>summary.json</a>.</p>"]
    for key in sorted(s, key=lambda k: figure_order(k[3:] if k.startswith("fig") else k)):
        name = key[3:] if key.startswith("fig") else key  # "fig10" -> "10"
        files, caption = INDEX.get(key, (sorted(f for f in os.listdir(out)
                                                if re.fullmatch(rf"{re.escape(key)}(_.+)?\.(png|gif)", f)), None))
        text = caption(s[key]) if caption else f"(no caption yet: its numbers are under '{key}' in summary.json)"
        wall = meta.get("wall_seconds", {}).get(name)
        title = f"Figure {name}" if name.isdigit() else "Animations" if key == "anim" else key
        body.append(f"<h2>{html.escape(title)}</h2>")
        body += [f"<img src='{urllib.parse.quote(f)}' alt='{html.escape(f)}'>" for f in files
                 if os.path.exists(os.path.join(out, f))]
        when = "wall time not recorded" if wall is None else f"wall time {wall:.1f} s"
        body.append(f"<p>{html.escape(text)} <i>{seed}; {when}.</i></p>")
    style = "body{font-family:sans-serif;max-width:1200px;margin:auto} img{max-width:100%;display:block}"
    with open(os.path.join(out, "index.html"), "w") as f:
        f.write(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>grok.py results</title>"
                f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


# ============================================================ command line
def fail(msg, status=2):
    """Stop with a one-line message (no traceback): status 2 for bad input, as argparse does."""
    print(f"grok.py: error: {msg}", file=sys.stderr)
    sys.exit(status)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults after each option, and the examples kept one per line."""


EXAMPLES = """examples:
  python grok.py                                         every figure at paper settings (~13 min)
  python grok.py --quick --out /tmp/q                    every figure, small and fast (~45 s)
  python grok.py --figs 6 --quick --act tanh             Figure 6 with another activation
  python grok.py --bench                                 time the expensive steps
then open OUT/index.html (every figure of the run with its numbers) in a browser."""


def integer(text):
    """A size or count flag: an int, refused at once beyond 1e15 (nothing that large can run)."""
    if abs(int(text)) > 10 ** 15:
        raise argparse.ArgumentTypeError(f"{text} is too large")
    return int(text)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Reproduce the figures of 'The Geometry of Grokking' (Musat, 2025): "
                                "OUT/figN.png, OUT/anim_*.gif,\nthe numbers behind them in OUT/summary.json, "
                                "and OUT/index.html showing them all.", epilog=EXAMPLES, formatter_class=HelpFormatter)
    p.error = fail  # argparse's own errors become one line too
    p.add_argument("--figs", default="all", help="comma-separated figures, from " + ",".join(sorted(
        FIGURES, key=figure_order)) + " (5 and 7 come from one experiment; anim writes the two GIFs)")
    p.add_argument("--out", default="figures", help="output directory")
    p.add_argument("--seed", type=int, default=0, help="base random seed (>= 0); same seed, same summary.json")
    p.add_argument("--quick", action="store_true",
                   help="smoke run in ~45 s: every figure at a small size (docs/results.md says which, per figure)")
    p.add_argument("--bench", action="store_true", help="time the floor step and the Fig. 6 step (median ms) at "
                   "--p/--hidden/--train-frac and exit; writes no files")
    p.add_argument("--fig13-full", action="store_true",
                   help="Figure 13's larger sweep: real GD also from 4 theta(0) (lr 0.18-0.19, ~270k steps), 5 nets")
    p.add_argument("--backend", choices=["numpy", "cupy"], default=M.BACKEND,
                   help="array library; cupy runs the numerics on a GPU (same as GROK_BACKEND=cupy)")
    mod = p.add_argument_group("modular addition (Figure 6 and --bench; Figures 8 and 10 have their own "
                               "smaller sizes and read only --train-frac; Figures 9 and 11 read none)")
    for flag, kind, default, text in (
            ("--p", integer, 37, "modulus (odd, >= 3)"),
            ("--hidden", integer, 512, "hidden width d_h; must exceed the number of training pairs"),
            ("--train-frac", float, 0.7, "fraction of the p(p+1)/2 pairs for training; both sets must be non-empty"),
            ("--steps", integer, 5000, "closed-form steps"), ("--lr", float, 1e-3, "closed-form step size eta"),
            ("--runs", integer, 5, "runs from different seeds")):
        mod.add_argument(flag, type=kind, default=default, help=text)
    mod.add_argument("--act", choices=sorted(M.ACTIVATIONS), default="relu", help="activation sigma (paper: relu)")
    return p.parse_args(argv)


def check_modadd(label, p, d_h, frac, runs=0, steps=0, capped=""):
    """Fail unless this modular-addition problem has train and test pairs, d_h > n, and fits in memory."""
    n_pairs, n = p * (p + 1) // 2, MA.n_train(p, frac)
    where = f"{label} (p = {p}{capped}: {n_pairs} pairs)"
    if n < 1 or n >= n_pairs:
        fail(f"--train-frac {frac} leaves {'no training' if n < 1 else 'no test'} pairs in {where}")
    if d_h <= n:
        fail(f"--hidden must exceed the {n} training pairs of {where}: the zero-loss readout "
             f"H^T (H H^T)^-1 Y needs d_h > n, got {d_h}")
    have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else float("inf")
    need = MA.problem_bytes(p, d_h, frac, runs, steps)
    if need > have:
        fail(f"{where} with d_h = {d_h}{f', {runs} runs of {steps} steps' if runs else ''} needs "
             f"~{need / 2 ** 30:.3g} GiB of memory; this machine has {have / 2 ** 30:.3g} GiB")


def validate(args):
    """Check every flag before any work starts; one clear line per mistake."""
    known = sorted(FIGURES, key=figure_order)
    names = known if args.figs == "all" else [n.strip() for n in args.figs.split(",")]
    unknown = [n for n in names if n not in FIGURES]  # (--figs "" gives [""], unknown too)
    for bad, msg in (
            (unknown, f"unknown figure(s) {','.join(unknown) or repr(args.figs)}; choose from {','.join(known)}"),
            (args.bench and (args.figs != "all" or args.out != "figures"),
             "--bench only times the expensive steps and writes no files: drop --figs and --out"),
            (args.seed < 0, f"--seed must be >= 0 (NumPy seeds are non-negative), got {args.seed}"),
            (args.p < 3 or args.p % 2 == 0, f"--p must be odd and >= 3 (frequencies pair k, p-k), got {args.p}"),
            (not 0 < args.train_frac < 1, f"--train-frac must lie strictly between 0 and 1, got {args.train_frac}"),
            *[(vars(args)[k] <= 0, f"--{k} must be > 0, got {vars(args)[k]}") for k in ("steps", "runs", "hidden")],
            (not 0 < args.lr < np.inf, f"--lr must be positive and finite, got {args.lr}")):  # not: also rejects nan
        if bad:
            fail(msg)
    if M.BACKEND == "cupy":
        try:
            xp.cuda.runtime.getDeviceCount()
        except Exception as e:  # CuPy installed, but no GPU or driver: say which, in one line
            fail(f"--backend cupy: no usable GPU ({type(e).__name__}: {e})")
    s8, s6 = FIG8_QUICK if args.quick else FIG8, fig6_settings(args)
    if args.bench:
        check_modadd("--bench", args.p, args.hidden, args.train_frac)
        return []
    if "8" in names:
        check_modadd("Figure 8", s8["p"], s8["hidden"], args.train_frac)
    if "6" in names or "anim" in names:
        check_modadd("Figure 6", s6["p"], s6["hidden"], s6["train_frac"], s6["runs"], s6["steps"],
                     ", as capped by --quick" if args.quick else "")
    try:
        os.makedirs(args.out, exist_ok=True)
        open(os.path.join(args.out, ".write_test"), "w").close()
        os.remove(os.path.join(args.out, ".write_test"))
    except OSError as e:
        fail(f"cannot write to output directory {args.out!r}: {e.strerror}")
    return [n for i, n in enumerate(names) if FIGURES[n] not in [FIGURES[m] for m in names[:i]]]  # 5, 7: one


def use_backend(name):
    """models.py reads the backend once at import, so switching means restarting Python."""
    if name != M.BACKEND:
        if name == "cupy" and importlib.util.find_spec("cupy") is None:
            fail("--backend cupy needs CuPy, which is not installed (e.g. pip install cupy-cuda12x)")
        os.environ["GROK_BACKEND"] = name
        os.execv(sys.executable, [sys.executable] + sys.argv)


def run_figures(args, names):
    """Run each named experiment, merging its numbers into summary.json; the wall seconds of each."""
    seconds = {}
    for name in names:
        t = time.time()
        progress(f"figure {name} ...")
        try:
            numbers = FIGURES[name](args)
        except (FloatingPointError, np.linalg.LinAlgError) as e:  # a numerical blow-up, not a bug
            fail(f"figure {name}: {e}", 1)
        for key, value in numbers.items():
            write_summary(args.out, key, value)
        seconds[name] = round(time.time() - t, 2)
        progress(f"figure {name} done in {seconds[name]:.1f}s")
    return seconds


def main(argv=None):
    warnings.formatwarning = lambda msg, *_, **__: f"grok.py: warning: {msg}\n"
    args = parse_args(argv)
    use_backend(args.backend)
    names = validate(args)
    if args.bench:
        return bench(args)
    full = args.figs == "all" and not args.quick  # the default run: its cost in floor steps, timed around it
    floor = [step_and_floor_ms(37, 512, 0.7, args.seed, 100)[1]] if full else []
    try:
        seconds = run_figures(args, names)
    except KeyboardInterrupt:
        fail("interrupted; the figures and summary.json entries written so far are complete", 130)
    earlier = read_summary(args.out).get("meta", {}).get("wall_seconds", {})
    meta = {"seed": args.seed, "quick": args.quick, "numpy": np.__version__, "backend": M.BACKEND,
            "matplotlib": plots.matplotlib.__version__, "wall_seconds": {**earlier, **seconds},
            "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"}
    if full:  # the machine's speed drifts during a run: the floor step before and after, and their mean
        floor.append(step_and_floor_ms(37, 512, 0.7, args.seed, 100)[1])
        meta.update(floor_ms=floor, floor_steps=2e3 * sum(seconds.values()) / sum(floor))
    write_summary(args.out, "meta", meta)
    write_index(args.out)
    progress(f"wrote {os.path.join(args.out, 'summary.json')} and index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
