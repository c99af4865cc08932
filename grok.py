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
from plots import nums  # noqa: E402
from studies import delay_laws, real_vs_sim, simulator, smooth, time_or_phase, why_not_one  # noqa: E402
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
    runs, curves = {"lambdas": FIG1_LAMBDAS, "lr": FIG1_LR, "steps": FIG1_STEPS, "init": w0}, []
    for lam in FIG1_LAMBDAS:
        ws = M.linear_run(X, Y, w0, lam, FIG1_LR, FIG1_STEPS)
        train = ((ws @ X.T - Y.T) ** 2).mean(axis=1)  # one sample: sum = mean
        test = ((ws @ Xt.T - Yt.T) ** 2).mean(axis=1)
        dist = MF.dist_to_plane(ws, X[0], Y[0, 0])
        t_mem, t_gen = M.steps_to_memorize(train), M.steps_to_generalize(test)
        for k, v in (("final_w", ws[-1]), ("w_star", M.ridge_minimizer(X, Y, lam)[:, 0]), ("steps_to_memorize", t_mem),
                     ("steps_to_generalize", t_gen), ("max_dist_after_memorization", float(dist[t_mem:].max())),
                     ("final_train_loss", float(train[-1])), ("final_test_loss", float(test[-1]))):
            runs.setdefault(k, []).append(v)
        curves.append({k: M.to_numpy(v) for k, v in
                       dict(w=ws, train=train, test=test, dist=dist, norm=xp.linalg.norm(ws, axis=1)).items()})
    TRAJECTORIES["fig1"] = {"lambdas": FIG1_LAMBDAS, "curves": curves}
    plots.fig1(curves, jsonable(runs), os.path.join(args.out, "fig1.png"))
    return {"fig1": runs}


@figure("2")
def fig2(args):
    """Fig. 2: y = w . x fitted to (1,1,1) -> 3 from four starts: hit the plane, then go to (1,1,1)."""
    X, Y = xp.asarray([[1.0, 1.0, 1.0]]), xp.asarray([[3.0]])
    J = M.jacobian((xp.zeros((3, 1)),), X)  # (1, 3), the same everywhere for a linear model
    inits = xp.asarray(np.random.default_rng(args.seed).normal(0.0, 1.5, size=(4, 3)))
    out = {"lam": FIG2_LAM, "lr": FIG2_LR, "steps": FIG2_STEPS, "inits": inits, "final_w": [], "steps_to_memorize": [],
           "w_star": M.ridge_minimizer(X, Y, FIG2_LAM)[:, 0], "post_memorization_alignment_per_run": []}
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
    z0, tang, nu = MF.parabola_frame(FIG4_X0)
    d_abc = xp.asarray([0.6, 0.06, 0.006])  # A, B, C; each view zooms 10x onto P
    ABC = z0 + d_abc[:, None] * nu
    deltas = xp.logspace(-5, 0, 11 if args.quick else 41)
    cos = M.to_numpy(MF.tangent_cosines(z0, tang, nu, deltas))
    near = M.to_numpy(deltas) <= FIG4_FIT_MAX
    slope = float(np.polyfit(np.log10(M.to_numpy(deltas)[near]), np.log10(cos[near]), 1)[0])
    out = {"x0": FIG4_X0, "P": z0, "tangent": tang, "normal": nu, "distances_ABC": d_abc,
           "points_ABC": ABC, "cos_at_ABC": MF.tangent_cosines(z0, tang, nu, d_abc),
           "thm414_slope": slope, "fit_max_distance": FIG4_FIT_MAX, "sweep_distances": deltas, "sweep_cos": cos}
    views = []
    for half in (1.0, 0.1, 0.01):  # view k is centred on P and contains point k
        gx, gy = plane_grid(z0 - half, z0 + half, 121 if args.quick else 401)
        views.append([M.to_numpy(a) for a in (gx, gy, MF.parabola_loss(xp.stack([gx, gy], axis=-1)))])
    plots.fig4(views, -M.to_numpy(MF.parabola_loss_grad(ABC)),
               {k: M.to_numpy(v) if hasattr(v, "shape") else v for k, v in out.items()},
               os.path.join(args.out, "fig4.png"))
    return {"fig4": out}


# ============================================================ Figures 5/7: real training vs norm-min direction
# The setting is modadd's FIG5_* (the paper's, App. D). Our choices: 8 measurements per net log-spaced from step 600
# (the same steps for every net) and 5 at its own rise of test accuracy x FIG5_RISE and in its grokking phase;
# Thm. 4.14 distances off Z and random normal directions per net.
FIG5_POINTS, FIG5_DELTAS, FIG5_DIRECTIONS = 8, np.logspace(-6, -1, 21), 3
FIG5_RISE, FIG5_GROKKING = (0.8, 1.0, 1.25), (1 / 3, 2 / 3)
# --quick: one net, long enough to generalize (seed 0: 100% near step 60,000), so every phase has a point.
FIG5_QUICK = {"steps": 80_000, "points": 5, "curve": 30, "runs": 1}


def fig5_extra_steps(curve, rec, shared):
    """A net's own measurement steps: the free curve steps nearest (in log step) to its first rise x FIG5_RISE and
    FIG5_GROKKING of the way through its grokking phase (test 50-99%; the last step stands in for one never reached)."""
    te, last = np.asarray(rec["test_acc"]), curve[-1]
    a, b = (curve[np.argmax(te >= q)] if (te >= q).any() else last for q in (0.5, 1.0))
    targets = [(MA.aligned_phase(curve, rec, shared)[1] or last) * f for f in FIG5_RISE] + \
        [a * (b / a) ** f for f in FIG5_GROKKING]
    free, out = list(np.setdiff1d(curve[curve >= MA.FIG5_WINDOW], shared)), []
    for t in targets[:len(free)]:
        out.append(free.pop(int(np.argmin(np.abs(np.log(np.array(free) / t))))))
    return np.sort(np.array(out, int))


def fig5_run(rng, shared, curve, label, act="relu"):
    """One net: full-batch GD on the mean-squared loss, losses/accuracies at the `curve` steps,
    MF.update_alignment of the last FIG5_WINDOW steps at the `shared` steps and at fig5_extra_steps;
    returns (record, final params, data, (its measured steps, theta_{t-10} and theta_t at each))."""
    X, Y, Xte, Yte = MA.fig5_data(rng)
    params, curve, shared = MA.fig5_init(rng), np.asarray(curve), np.array(sorted(shared), int)
    gd = lambda P, n: M.gradient_descent(P, X, Y, n, MA.FIG5_LR, MA.FIG5_LAM, act, mean=True)[0]  # noqa: E731
    rec = {k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc")}
    done, states = 0, {}
    for t in curve:
        if t:  # GD keeps no state, so stopping at t - 10 changes nothing
            before = gd(params, t - MA.FIG5_WINDOW - done)
            params, done = gd(before, MA.FIG5_WINDOW), t
            states[t] = (before, params)
        for name, (Xs, Ys) in (("train", (X, Y)), ("test", (Xte, Yte))):
            rec[f"{name}_loss"].append(M.loss(params, Xs, Ys, act=act, mean=True))
            rec[f"{name}_acc"].append(MA.accuracy(*params, Xs, Ys, act=act))
    steps = np.concatenate([shared, fig5_extra_steps(curve, rec, shared)])
    progress(f"fig 5 {label}: trained for {curve[-1]} steps; measuring {len(steps)} points")
    points = [None] * len(steps)
    for i in np.argsort(steps, kind="stable"):  # measured (and logged) in step order, stored shared steps first
        t = steps[i]
        points[i] = MF.update_alignment(*states[t], X, Y, act, MA.FIG5_LR)
        progress(f"fig 5 {label}: step {t}, test acc {rec['test_acc'][np.searchsorted(curve, t)]:.2f}, cos "
                 f"{points[i]['cos_momentum']:+.2f} (paper's foot), {points[i]['cos_gauss-newton']:+.2f} (on Z)")
    rec.update({k: [p[k] for p in points] for k in (points[0] if points else {})}, step=steps)
    return ({k: np.array(v) for k, v in rec.items()}, params, (X, Y),
            ([states[t][0] for t in steps], [states[t][1] for t in steps]))


@figure("5", "7")
def fig5(args):
    """Figs. 5/7: does real training follow the norm-minimizing direction on Z? Plus
    Thm. 4.14 and s_min(J) on the same nets (--quick: FIG5_QUICK)."""
    steps, points, curve, runs = (tuple(FIG5_QUICK.values()) if args.quick else
                                  (MA.FIG5_STEPS, FIG5_POINTS, MA.FIG5_CURVE, MA.FIG5_RUNS))
    shared, curve = MA.fig5_grid(steps, points, curve)
    recs, thm, nets = [], [], []
    for r in range(runs):
        rng = np.random.default_rng([args.seed, 5, r])
        rec, params, (X, Y), (befores, thetas) = fig5_run(rng, shared, curve, f"net {r + 1}/{runs}")
        recs.append(rec)
        nets.append({"X": X, "Y": Y, "befores": befores, "thetas": thetas})
        thm.append(MF.thm414_on_net(params, X, Y, rng, FIG5_DELTAS, FIG5_DIRECTIONS))
    R = {"curve_step": curve, **{k: np.stack([rec[k] for rec in recs]) for k in recs[0]}}  # (runs, points or curve)
    at = np.searchsorted(curve, R["step"])  # the curve points where cos was measured
    phase = MA.phase(*(np.take_along_axis(R[f"{s}_acc"], at, 1) for s in ("train", "test")))
    aligned = [MA.aligned_phase(curve, rec, rec["step"]) for rec in recs]
    al = np.array([a[0] for a in aligned])
    rise = np.array([a[1] or np.nan for a in aligned], float)
    ratios = np.concatenate([t[0] for t in thm])  # (runs * directions, deltas)
    flips = np.concatenate([t[1] for t in thm])
    slopes = MF.smooth_slopes(ratios, flips, FIG5_DELTAS)
    grok = [MA.grok_step(curve, a, level=1.0) for a in R["test_acc"]]
    cos_keys = [f"cos_{f}" for f in MF.FRAMES]
    out = {
        "steps": steps, "runs": runs, "lr": MA.FIG5_LR, "lam": MA.FIG5_LAM, "grok_step": grok,
        "measured_steps": shared, "rise_step": [a[1] for a in aligned],
        "settle_step": [a[2] for a in aligned],
        "nets": {"step": R["step"], "phase": phase, "aligned_phase": al, **{k: R[k] for k in cos_keys}},
        "points_near_rise": (np.abs(np.log(R["step"] / rise[:, None])) <= np.log(1.5)).sum(axis=1),
        "by_phase": MA.phase_stats(R, phase, cos_keys),
        "spread_by_phase": MA.phase_stats(R, phase, cos_keys, fn=lambda v: np.percentile(v, [0, 25, 50, 75, 100])),
        "points_by_phase": {ph: int((phase == ph).sum()) for ph in MA.PHASES},
        "feet": {f: {f"{k}_{s}": float(fn(R[f"{k}_{f}"])) for k in ("loss", "residual", "dist")
                     for s, fn in (("median", np.median), ("max", np.max))} for f in MF.FRAMES},
        "thm414_deltas": FIG5_DELTAS,
        "thm414_ratio_geomean": np.exp(np.log(ratios).mean(axis=0)),
        "thm414_first_flip_delta": [float(FIG5_DELTAS[np.argmax(f > 0)]) if (f > 0).any()
                                    else None for f in flips],
        "thm414_slopes_smooth": slopes,
        "thm414_slope_real": float(slopes.mean()) if slopes.size else None,
        "thm414_slope_all_deltas": MF.loglog_slope(np.tile(FIG5_DELTAS, len(ratios)), ratios.ravel()),
        "thm414_sigma_min_J": [t[2] for t in thm],
        "thm414_start_loss_max": max(t[3] for t in thm),
        "sigma_min_J_gauss_newton_min": float(R["s_min"].min()),
    }
    TRAJECTORIES["fig5"] = {"seed": args.seed, "quick": args.quick, "nets": nets, "step": R["step"], "R": R,
                            "phase": phase, "aligned": al, "grok_step": grok, "shared": np.arange(at.shape[1]) < len(shared)}
    plots.fig5(R, phase, ratios, flips, FIG5_DELTAS, out, os.path.join(args.out, "fig5.png"))
    plots.fig7(R, phase, out, os.path.join(args.out, "fig7.png"))
    return {"fig5": out}


# ============================================================ Figure 6: closed-form dynamics

FIG6_CHECKPOINTS = (0, 500, 1000, 2000, 5000)  # steps at which the mean test accuracy is reported
FIG6_INIT_SCALE, FIG6_EVERY = 1.0, 10  # E ~ N(0, std = scale p^-1/2) (the std reading); record interval
# --quick caps p, d_h, steps and runs and takes 5x larger Euler steps: at p = 23, d_h = 256 (> 193 pairs) the
# test accuracy stays within 2x chance for over a third of the 450 steps, then passes 95% (p = 17 rises at once)
FIG6_QUICK, FIG6_QUICK_LR = {"p": 23, "hidden": 256, "steps": 450, "runs": 3}, 5e-3


def fig6_settings(args):
    """Paper settings of Fig. 6 (or the command-line overrides), capped by --quick; every value
    the runs use (the titles and summary.json read them from here)."""
    s = {k: getattr(args, k, v) for k, v in (("p", 37), ("hidden", 512), ("train_frac", 0.7),
                                             ("lr", 1e-3), ("steps", 5000), ("runs", 5), ("act", "relu"))}
    if args.quick:
        s.update({k: min(s[k], v) for k, v in FIG6_QUICK.items()}, lr=max(s["lr"], FIG6_QUICK_LR))
    return {**s, "n_train": MA.n_train(s["p"], s["train_frac"]), "record_every": FIG6_EVERY,
            "init_std": FIG6_INIT_SCALE * s["p"] ** -0.5}


def fig6_problem(args, s, r):
    """Run r of Fig. 6: its own split and initial E from (seed, 6, r): (X, Y, Xt, Yt, E0)."""
    return MA.split_problem(np.random.default_rng([args.seed, 6, r]), s["p"], s["train_frac"], s["hidden"], s["init_std"])


def fig6_run(args, s, r):
    """One Fig. 6 run: Eq. 20 in s["steps"] Euler steps of s["lr"] from run r's problem."""
    X, Y, Xt, Yt, E0 = fig6_problem(args, s, r)
    return MA.simulate(E0, X, Y, Xt, Yt, s["lr"], s["steps"], s["record_every"], label=f"Figure 6 (run {r})",
                       log=progress, act=s["act"])


def fourier_means(runs, randoms, Xs):
    """Fig. 6: run means of the paper's Fourier diagnostics of the first, last and a random E (`<key>_init/_final/
    _random`); per run modadd.unit_frequencies of each ({init, final, random: {statistic: list}}), run 0's shares."""
    out, units, shares = {}, {}, {}
    for when, Es in zip(("init", "final", "random"), [[r["snaps"][i] for r in runs] for i in (0, -1)] + [randoms]):
        d = [MA.fourier_diagnostics(xp.asarray(E)) for E in Es]
        for key in ("norm_ratio", "cos_re_im", "within_vs_across", "power_top4_fraction"):
            out[f"{key}_{when}"] = np.mean([np.mean(x[key]) for x in d])
        u = [MA.unit_frequencies(xp.asarray(E), X) for E, X in zip(Es, Xs)]
        units[when] = {"share_mean": [np.nanmean(x["share"]) for x in u], "dead_units": [x["dead"] for x in u],
                       "single_frequency_units": [np.mean(x["share"] > 0.5) for x in u],  # share > 1/2 (NaN: no)
                       "frequencies_used": [int(np.sum(x["units_per_k"] > 0)) for x in u],
                       **{f"units_per_k_{m}": [int(getattr(x["units_per_k"], m)()) for x in u] for m in ("min", "max")}}
        shares[when] = u[0]["share"]
    return out, units, shares


def circle_rows(E0, E1, ks):
    """Fig. 6's circles: rows (title, [circle_coords per k], ||E - mean_j E||^2) of E0, E0 on E1's planes, E1."""
    var = lambda E: float(((E - E.mean(axis=0)) ** 2).sum())  # noqa: E731
    return [("initial E, own plane", [MA.circle_coords(E0, k) for k in ks], var(E0)),
            ("initial E, final E's plane", [MA.circle_coords(E0, k, E1) for k in ks], var(E0)),
            ("final E, own plane", [MA.circle_coords(E1, k) for k in ks], var(E1))]


@figure("6")
def fig6(args):
    """Fig. 6: closed-form dynamics (Eq. 20) on modular addition, and its Fourier circles; beside it (beyond
    the paper) Eq. 20 as a flow (studies/delay_laws.euler_vs_flow) and per-unit Fourier concentration."""
    s = fig6_settings(args)
    runs = [fig6_run(args, s, r) for r in range(s["runs"])]
    step, acc, norm = runs[0]["step"], np.stack([res["test_acc"] for res in runs]), [res["norm"] for res in runs]
    problems = [fig6_problem(args, s, r) for r in range(s["runs"])]
    paper_only = getattr(args, "paper", False) or s["act"] != "relu"  # the flows are beyond the paper, and ReLU's
    flow, flows = (None, {}) if paper_only else delay_laws.fig6_flows(problems, runs, s)
    for reading, rows in (("std", (flow or {}).get("runs", [])), ("variance", (flow or {}).get("variance", {}).get("runs", []))):
        for r, x in enumerate(rows):
            progress(f"Figure 6 (run {r}, E0 {reading} reading): 95% test accuracy at tau {nums([x['tau95_euler']], '.2f', '-')} "
                     f"(Euler map), {nums(x['tau95_flow'], '.2f', '-')} (Eq. 20 as a flow at steps {nums(x['flow_etas'], 'g')})")
    randoms = [MA.init_embedding(np.random.default_rng([args.seed, 6, r, 1]), s["p"], s["hidden"], s["init_std"])
               for r in range(s["runs"])]  # the random baseline: a second draw of E0's distribution
    fourier, units, shares = fourier_means(runs, randoms, [P[0] for P in problems])
    E0, E1 = xp.asarray(runs[0]["snaps"][0]), xp.asarray(runs[0]["snaps"][-1])
    top = MA.strongest_frequencies(E1)
    TRAJECTORIES["fig6"] = runs[0]
    plots.fig6(step, acc, norm, MA.fourier_diagnostics(E0), MA.fourier_diagnostics(E1), s,
               os.path.join(args.out, "fig6.png"), flows,
               {w: {**u, "share_run0": shares[w]} for w, u in units.items()})
    plots.fig6_circles(circle_rows(E0, E1, top), top, s["p"], os.path.join(args.out, "fig6_circles.png"))
    return {"fig6": {
        "settings": s, "runs": s["runs"], "test_acc_final": acc[:, -1],
        "test_acc_mean_at": {str(c): acc[:, list(step).index(c)].mean() for c in FIG6_CHECKPOINTS if c in set(step)},
        "grok_step": [MA.grok_step(step, a) for a in acc],
        "train_loss_max": max(res["train_loss"].max() for res in runs),
        "train_acc_min": min(res["train_acc"].min() for res in runs),
        "norm_init_mean": np.mean([n[0] for n in norm]), "norm_max_mean": np.mean([n.max() for n in norm]),
        "norm_final_mean": np.mean([n[-1] for n in norm]), "cond_HHt_max": max(res["cond"].max() for res in runs),
        "top_frequencies_run0": top, "fourier": fourier,
        "chance_fraction": float(np.mean(acc.mean(axis=0) <= 2 / s["p"])),  # recorded steps within 2x chance
        "flow": flow,
        "unit_frequencies": units}}


# ============================================================ Figures 8-14: the studies beyond the paper
# studies/*.py: figN(args, cache = TRAJECTORIES, log) -> {summary key: numbers}; NEEDS: what must run first.
STUDIES = {"8": real_vs_sim.fig8, "9": why_not_one.fig9, "10": real_vs_sim.fig10, "11": simulator.fig11,
           "12": smooth.fig12, "13": delay_laws.fig13, "14": time_or_phase.fig14}
NEEDS = {"9": "5", "12": "9", "14": "9"}  # Figs. 12 and 14 reuse Fig. 5's nets as Figs. 5 and 9 measured them


def study(name):
    """FIGURES' experiment for study figure `name`: what it needs first (fresh if Fig. 5's seed/quick match), then the study."""
    def run(args):
        out, need, f5 = {}, TRAJECTORIES.get(f"fig{NEEDS.get(name)}"), TRAJECTORIES.get("fig5", {})
        if name in NEEDS and (need is None or (f5.get("seed"), f5.get("quick")) != (args.seed, args.quick)):
            out = FIGURES[NEEDS[name]](args)
        return {**out, **STUDIES[name](args, TRAJECTORIES, progress)}
    return run


FIGURES.update({name: study(name) for name in STUDIES})


# ============================================================ animations
def anim_lambda(lambdas):
    """The Fig. 1 run that is animated: the smallest positive lambda, the longest creep along Z
    (lambda = 0 never moves along Z, so there is nothing to animate)."""
    return min((lam for lam in lambdas if lam > 0), default=None)


@figure("anim")
def anim(args):
    """Animations: the Fig. 1 weights sliding along Z, and the Fig. 6 circles forming (run 0)."""
    if "fig1" not in TRAJECTORIES:  # `--figs anim` alone: the toy run takes a second
        fig1(args)
    toy, lam = TRAJECTORIES["fig1"], anim_lambda(TRAJECTORIES["fig1"]["lambdas"])
    if lam is None:
        progress(f"animations skipped: FIG1_LAMBDAS = {toy['lambdas']} has no lambda > 0, so nothing moves along Z")
        return {}
    if "fig6" not in TRAJECTORIES:
        TRAJECTORIES["fig6"] = fig6_run(args, fig6_settings(args), 0)
    run = TRAJECTORIES["fig6"]
    c = toy["curves"][toy["lambdas"].index(lam)]
    t = plots.log_frames(len(c["w"]) - 1, 40 if args.quick else 150)
    plots.anim_toy(os.path.join(args.out, "anim_toy.gif"), t, c["w"][t], c["train"][t], c["test"][t], lam)
    every, E1 = (3 if args.quick else 1), xp.asarray(run["snaps"][-1])
    ks = MA.strongest_frequencies(E1)
    coords = np.array([[MA.circle_coords(xp.asarray(E), k, E1) for k in ks] for E in run["snaps"][::every]])
    plots.anim_modadd(os.path.join(args.out, "anim_modadd.gif"), run["snap_steps"][::every], coords, ks,
                      run["step"], run["test_acc"], run["norm"])
    names = ("anim_toy.gif", "anim_modadd.gif")
    return {"anim": {"frames": dict(zip(names, (len(t), len(coords)))), "toy_lambda": lam,
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
# summary key -> (image files, caption from summary[key]); a key without one: key.png, key_*.png/gif, generic caption
INDEX = {
    "fig1": (["fig1.png"], lambda s: (
        f"y = w1 x1 + w2 x2 trained on the one sample 1+1=2, lambda = {nums(s['lambdas'])}: memorized after "
        f"{nums(s['steps_to_memorize'])} steps, generalized after "
        f"{nums(s['steps_to_generalize'], none='not within %d' % s['steps'])}; largest "
        f"distance to Z after memorization {nums(s['max_dist_after_memorization'])} (Thm 4.8: of order lambda).")),
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
        f"Real mod-11 training, {s['runs']} nets x {s['steps']} steps (lr {s['lr']}, lambda {s['lam']}): mean cos(update, "
        f"-P_T theta) {' / '.join(MA.PHASES)} = {nums([s['by_phase']['cos_momentum'][ph] for ph in MA.PHASES], '.2f', '-')} "
        f"with P_T at the paper's foot ({nums([s['points_by_phase'][ph] for ph in MA.PHASES], 'd')} points); first rise of "
        f"test accuracy at step {nums(s['rise_step'], 'd', 'not within %d' % s['steps'])}, 100% at "
        f"{nums(s['grok_step'], 'd', 'not within %d' % s['steps'])}; Thm 4.14 slope before the first ReLU kink "
        f"{nums([s['thm414_slope_real']], '.3f', '-')}; smallest s_min(J) {s['sigma_min_J_gauss_newton_min']:.2f}.")),
    "fig6": (["fig6.png", "fig6_circles.png"], lambda s: (
        "Closed-form dynamics (Eq. 20) on a + b mod {p}, sigma = {act}, d_h = {hidden}, {n_train} training pairs, step "
        "eta = {lr}, {steps} steps, {runs} runs: ".format(**s["settings"]) + f"final test accuracy {nums(s['test_acc_final'])}, "
        f"95% at step {nums(s['grok_step'], 'd', 'not within %d' % s['settings']['steps'])}; training loss <= "
        f"{s['train_loss_max']:.1e}; mean ||E|| {s['norm_init_mean']:.1f} -> peak {s['norm_max_mean']:.1f} -> "
        f"{s['norm_final_mean']:.1f}; within/across-frequency similarity (initial / final E) "
        f"{nums([s['fourier'][f'within_vs_across_{w}'] for w in ('init', 'final')], none='-')}; largest cond(H H^T) "
        f"{s['cond_HHt_max']:.2g}. " + ("" if not s["flow"] else "Eq. 20 as a flow (step control) "
        f"passes 95% at tau {nums([r['tau95_flow'][-1] for r in s['flow']['runs']], '.2f')}, the paper's Euler map at tau "
        f"{nums([r['tau95_euler'] for r in s['flow']['runs']], '.2f')}; ") + "mean share of a unit's Fourier power in its "
        f"strongest frequency (initial / random / final E) "
        f"{nums([np.mean(s['unit_frequencies'][w]['share_mean']) for w in ('init', 'random', 'final')], '.2f')}.")),
    **{k: v for st in (real_vs_sim, why_not_one, simulator, smooth, delay_laws, time_or_phase) for k, v in
       st.CAPTIONS.items()},
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
        if meta.get("quick") and name in STUDIES:
            text = (f"Smoke size (--quick): this run only shows that the study's code runs, so '-' or 'not by the "
                    f"end' is expected; the full run's numbers are in docs/results.md. {text}")
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
  python grok.py                                         every figure at paper settings (~20 min)
  python grok.py --paper                                 the paper's figures 1-7 and the animations (~5 min)
  python grok.py --quick --out /tmp/q                    every figure, small and fast (~70 s)
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
                   help="smoke run in ~70 s: every figure at a small size (docs/results.md says which, per figure)")
    p.add_argument("--paper", action="store_true", help="the paper's figures only: 1-7 and the animations "
                   "(~5 min); the studies beyond the paper (Figures 8-14, studies/) are left out")
    p.add_argument("--bench", action="store_true", help="time the floor step (the unavoidable core of one Eq. 20 "
                   "step: H H^T, the solve, two products; the unit of every cost in docs/results.md) and the "
                   "Fig. 6 step (median ms) at --p/--hidden/--train-frac and exit; writes no files")
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


def problem_bytes(p, d_h, frac, runs=0, steps=0, every=10):
    """Peak bytes of a modular-addition problem (Fig. 6 with runs/steps, or --bench): data and split, H H^T twice,
    8 work arrays, test activations, per run 61 snapshots of E and 5 records every `every` steps (~40 B each)."""
    n_pairs, n = p * (p + 1) / 2, MA.n_train(p, frac)
    floats = 4 * n_pairs * p + 2 * n * n + 5 * n * d_h + (n_pairs - n) * d_h + 3 * p * d_h + runs * 61 * p * d_h
    return 8 * floats + 40 * 5 * runs * (steps // every + 1)


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
    need = problem_bytes(p, d_h, frac, runs, steps)
    if need > have:
        fail(f"{where} with d_h = {d_h}{f', {runs} runs of {steps} steps' if runs else ''} needs "
             f"~{need / 2 ** 30:.3g} GiB of memory; this machine has {have / 2 ** 30:.3g} GiB")


def validate(args):
    """Check every flag before any work starts; one clear line per mistake."""
    known = sorted(FIGURES, key=figure_order)
    names = known if args.figs == "all" else [n.strip() for n in args.figs.split(",")]
    if args.paper:
        names = [n for n in names if n not in STUDIES]
    unknown = [n for n in names if n not in FIGURES]  # (--figs "" gives [""], unknown too)
    for bad, msg in (
            (unknown, f"unknown figure(s) {','.join(unknown) or repr(args.figs)}; choose from {','.join(known)}"),
            (args.paper and args.figs != "all", "--paper chooses the figures (1-7 and anim): drop --figs"),
            (args.bench and (args.figs != "all" or args.out != "figures" or args.paper),
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
    s8, s6 = real_vs_sim.FIG8_QUICK if args.quick else real_vs_sim.FIG8, fig6_settings(args)
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


FLOOR_REPS = 50  # alternated repetitions per timing of the floor step (about a second each time)


def floor_timer(seed):
    """(closed-form step ms, floor step ms) at the Fig. 6 size, timed now: the unit of a full run's cost."""
    return lambda: step_and_floor_ms(37, 512, 0.7, seed, FLOOR_REPS)[:2]


def run_figures(args, names, timer=None):
    """Run each named experiment, merging its numbers into summary.json; the wall seconds of each, and,
    given a timer, the (step, floor) ms it read before the first figure and after each."""
    seconds, timed = {}, [timer()] if timer else []
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
        timed += [timer()] if timer else []
        progress(f"figure {name} done in {seconds[name]:.1f}s")
    return seconds, timed


def floor_cost(seconds, timed):
    """A full run's cost in floor steps: each figure's seconds over the mean of the floor step timed just before
    and just after it (the machine's speed drifts within a run: one floor for the whole run misreads it)."""
    floor = [f for _, f in timed]
    by_fig = {k: 2e3 * v / (floor[i] + floor[i + 1]) for i, (k, v) in enumerate(seconds.items())}
    return {"floor_ms": floor, "floor_ms_range": [min(floor), max(floor)], "floor_steps": sum(by_fig.values()), "floor_steps_by_fig": by_fig,
            "step_over_floor": [st / f for st, f in timed],
            "floor_timing": f"median of {FLOOR_REPS} floor steps (alternated with the closed-form step) before the first "
                            "figure and after each; a figure's floor steps = its seconds / the mean of the two around it"}


def main(argv=None):
    warnings.formatwarning = lambda msg, *_, **__: f"grok.py: warning: {msg}\n"
    args = parse_args(argv)
    use_backend(args.backend)
    names = validate(args)
    if args.bench:
        return bench(args)
    full = args.figs == "all" and not args.quick  # the default or --paper run: its cost in floor steps
    try:
        seconds, timed = run_figures(args, names, floor_timer(args.seed) if full else None)
    except KeyboardInterrupt:
        fail("interrupted; the figures and summary.json entries written so far are complete", 130)
    earlier = read_summary(args.out).get("meta", {}).get("wall_seconds", {})
    meta = {"seed": args.seed, "quick": args.quick, "paper": args.paper, "numpy": np.__version__, "backend": M.BACKEND,
            "matplotlib": plots.matplotlib.__version__, "wall_seconds": {**earlier, **seconds},
            "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}", **(floor_cost(seconds, timed) if full else {})}
    write_summary(args.out, "meta", meta)
    write_index(args.out)
    progress(f"wrote {os.path.join(args.out, 'summary.json')} and index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
