"""How long is the delay, and what sets it? (Fig. 13, beyond the paper.)

Question: Eq. 20 is homogeneous: E -> cE scales its readout term by c^-3, so ||E||^2 relaxes as
d||E||^2/dtau = 2 (||W||^2 - ||E||^2) (W = H^T (H H^T)^-1 Y, the optimal readout at E) while E's
direction turns at a rate proportional to ||E||^-4, on a clock tau~ of its own (the derivation stands
above modadd.simulate_flow). What does that predict for the grokking time when E0 is scaled by s, or
when ||E|| is clamped at rho W_c (W_c: ||E|| at 95% test accuracy), and does real GD follow it? And how much of
Fig. 6's delay is its first Euler step, which inflates ||E||, under each reading of the paper's E0 ~ N(0, p^-1/2)?

Answer: homogeneity implies that rescaling one starting direction, E0 -> s E0, leaves one path of
directions and so one norm at grokking; across seeds and step sizes that norm is measured to be nearly
the same too (fig13/fits/norm_grok_cv), an empirical finding. Free Eq. 20 from s E0 groks later by
about ln s once ||E|| >> ||W|| at the start (then ||E|| decays like e^-tau; fig13/fits/free_vs_ln_s). Against
ln(norm0^2 / norm_95^2) the slope is 1/2 where the law is asymptotic, starts at >= 2 W_c
(fig13/fits/free_vs_log_norm2_ratio_asymptotic, interval holding 1/2); with s = 1 included
(free_vs_log_norm2_ratio) it is lower and its interval excludes 1/2: at s = 1 ||W0|| exceeds ||E0||, so the norm
first grows and the start groks later than the asymptotic line. The delay predicted from one reference run is
within fig13/fits/pred_error_max/free of every run. Clamped runs follow tau ~ rho^4 (fig13/fits/clamp_power):
a consequence of the homogeneity, so a check of the code and the integrator, not evidence; halving the Euler
step leaves the clamped prediction's error about as large (fig13/fits/pred_error_max), and an exponential's
rate depends on the rho window (fig13/fits/clamp_exp_by_window). Real GD (Fig. 5's architecture, width 128
and mean-squared loss, on a + b mod 13 with 14 test pairs) is fitted on the starts inside the law's domain
only, norm at memorization above the norm at grokking (s = 2, 4, 8; s = 1 is outside): against
ln(||theta_mem||^2 / ||theta_95||^2) each net's slope is positive (net 2's delay flat from s = 4 to
8), but they differ widely and the interval between nets (fig13/fits/real_delay_net_level: nets are the independent units) holds 0 as well as 1/2: three
nets do not decide the slope (the pooled fit, real_delay_vs_log_norm2_ratio, treats the 9 points as
independent and is too narrow). The start scale is confounded with the step: lr = min(1, 1 / sharpness), so
s = 2 runs at lr 1 while s = 4 and 8 start at ~0.26 and ~0.065 (fig13/real/*/lr0) and average less than 1 over
the delay (fig13/real/*/lr_delay_mean); tau = 2 lam sum(lr) absorbs the step only as far as GD follows its
flow. The norm at grokking varies little (fig13/fits/real_norm_grok_cv). Fig. 6's runs (euler_vs_flow, called by
grok.fig6) under the two readings of E0 ~ N(0, p^-1/2): with E0's std p^-1/2 the first Euler step inflates ||E|| and the flow
groks 0.5-0.8 tau sooner than the paper's Euler map; the law fed with the first step's norm predicts that gap to
its size, not run by run (fig6/flow/runs). With variance p^-1/2 ||E0|| > ||W0||, no flow step is shortened, the
Euler map is the flow's integrator at step eta and groks with it (fig6/flow/variance). Extends Sec. 6.

Run: python grok.py --figs 13 (add --quick for a small version, --fig13-full for more real GD runs).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import modadd as MA
import models as M
import plots
from models import xp
from studies import feet


# ---------------------------------------------------------------- delay laws of Eq. 20
# The runs are modadd.simulate_flow (Eq. 20 with Fig. 13's step control); above it, the derivation of the
# clock: ||E||^2 relaxes as d||E||^2/dtau = 2 (||W||^2 - ||E||^2) while the direction u = E/||E|| turns on
# dtau~ = ||W||^2/||E||^2 dtau (the clock tau~, read tau-tilde), along one path whatever ||E||.

def clamp_prediction(rec, radius):
    """Fig. 13: tau at which the run clamped at ||E|| = radius reaches what the free run `rec` (a
    simulate_flow run ending there) reached: radius^4 int dtau / ||E||^4, as u' = P_u G(u) / ||E||^4."""
    return float(radius ** 4 * np.sum(np.diff(rec["tau"]) / rec["norm"][:-1] ** 4))


def free_prediction(rec, r0):
    """Fig. 13: the same for a free run started at norm r0 along rec's initial direction. On the
    clock tau~, v = ||E||^-4 obeys v' = 4 / phi - 4 v, phi = ||E||^2 ||W||^2 = f(u), and
    dtau = dtau~ / (phi v): integrated exactly over each step of rec with its phi held fixed."""
    dt, e2, w2 = np.diff(rec["tau"]), rec["norm"][:-1] ** 2, rec["readout"][:-1]
    v, tau = float(r0) ** -4, 0.0
    for q, phi in zip(np.exp(4.0 * dt * w2 / e2), e2 * w2):
        a = phi * v - 1.0  # > -1
        tau += 0.25 * np.log((q + a) / (1.0 + a))
        v = v / q + (1.0 - 1.0 / q) / phi
    return tau


def gd_delay_run(params, d, lam, steps, every, refresh, level=0.95):
    """Fig. 13: full-batch GD on both layers (mean-squared loss + lam ||theta||^2, as Fig. 5) until test
    accuracy >= level or `steps` steps, at lr = min(FIG5_LR, 1 / sharpness) set anew every `refresh` steps
    (a multiple of `every`; the sharpness falls with ||theta||^2, so a large start would otherwise crawl at its
    first lr); tau = 2 lam x the sum of lr over the steps. So the start scale is confounded with the lr history:
    a larger start runs at a smaller lr until its norm falls (Fig. 13 reports each run's first and mean lr).
    Every `every` steps it records step, tau, lr, train and test accuracy and ||theta||."""
    rec = {k: [] for k in ("step", "tau", "lr", "train_acc", "test_acc", "norm")}
    step, tau, lr = 0, 0.0, None
    while True:
        norm = float(xp.sqrt(sum(xp.sum(P * P) for P in params)))
        if not np.isfinite(norm):
            raise FloatingPointError(f"Figure 13 real training: NaN/inf at step {step} (lr {lr:.3g})")
        if step % refresh == 0:
            lr = min(MA.FIG5_LR, 1.0 / feet.sharpness(params, d["X"], lam, mean=True))
        for k, v in zip(rec, (step, tau, lr, MA.accuracy(*params, d["X"], d["Y"]),
                              MA.accuracy(*params, d["Xt"], d["Yt"]), norm)):
            rec[k].append(v)
        if rec["test_acc"][-1] >= level or step >= steps:
            return {k: np.array(v) for k, v in rec.items()}
        params = M.gradient_descent(params, d["X"], d["Y"], every, lr, lam, mean=True)[0]
        step, tau = step + every, tau + 2.0 * lam * lr * every


def grok_point(rec, level=0.95):
    """Fig. 13: tau and norm at the end of a modadd.simulate_flow / gd_delay_run (its first record with test accuracy
    >= level; grok_tau None if it never got there); for real GD also the step, tau and norm at its first
    record with train accuracy 1 (memorization; grokking comes after it) and the delay between the two."""
    out = {"grok_tau": float(rec["tau"][-1]) if rec["test_acc"][-1] >= level else None,
           "norm_grok": float(rec["norm"][-1])}
    if "train_acc" in rec:
        hit = np.flatnonzero(rec["train_acc"] == 1)
        out.update(steps=int(rec["step"][-1]), tau_mem=float(rec["tau"][hit[0]]) if hit.size else None,
                   step_mem=int(rec["step"][hit[0]]) if hit.size else None,
                   norm_mem=float(rec["norm"][hit[0]]) if hit.size else None,
                   delay_tau=out["grok_tau"] - float(rec["tau"][hit[0]]) if out["grok_tau"] is not None and hit.size else None)
    return out


def fit_line(x, y, groups=None):
    """Fig. 13: least squares y = a_g + b x, one slope b, an intercept a_g per group (seed or net; None: one
    group): {slope, slope_ci95 (t interval; None without residual degrees of freedom), intercept (through
    the overall means), r2 (of y - a_g), n}; None with < 2 distinct x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    g = np.zeros(x.size, int) if groups is None else np.unique(groups, return_inverse=True)[1].ravel()
    dx, dy = (v - (np.bincount(g, v) / np.bincount(g))[g] for v in (x, y))  # within-group deviations
    if x.size < 2 or not dx.any():
        return None
    b = float(dx @ dy / (dx @ dx))
    ssr, dof = float(np.sum((dy - b * dx) ** 2)), x.size - g.max() - 2  # one intercept per group, one slope
    half = feet.t_quantile(0.975, dof) * (ssr / dof / (dx @ dx)) ** 0.5 if dof > 0 else None
    return {"slope": b, "slope_ci95": None if half is None else [b - half, b + half],
            "intercept": float(y.mean() - b * x.mean()), "r2": float(1.0 - ssr / np.sum(dy ** 2)), "n": int(x.size)}


def net_level(x, y, groups):
    """Fig. 13: a slope at the level of nets, the independent units: each group's own fit_line slope, their mean and
    its t interval with (groups - 1) degrees of freedom; None with fewer than 2 groups that have a slope."""
    x, y, g = np.asarray(x, float), np.asarray(y, float), np.asarray(groups)
    b = np.array([f["slope"] for f in (fit_line(x[g == k], y[g == k]) for k in np.unique(g)) if f])
    if b.size < 2:
        return None
    m, half = float(b.mean()), feet.t_quantile(0.975, b.size - 1) * float(b.std(ddof=1)) / b.size ** 0.5
    return {"slopes": b.tolist(), "slope": m, "slope_ci95": [m - half, m + half], "nets": int(b.size)}


def in_domain(row):
    """Fig. 13: a start inside the delay law's domain: its norm at the start (Eq. 20) or at memorization
    (real GD) above its norm at grokking, so that the norm only has to fall; False if it never grokked."""
    start = row["norm_mem"] if "norm_mem" in row else row["norm0"]
    return row["grok_tau"] is not None and start is not None and start > row["norm_grok"]


def delay_fits(free, clamp, real, eta, windows, ratio):
    """Fig. 13's laws, fitted (fit_line: one slope, an intercept per seed or net) to the runs reaching 95%:
    free Eq. 20 at step eta (tau vs ln s, s >= 1; vs ln(norm0^2 / norm_95^2) on in-domain starts, and on the
    asymptotic ones, norm0 >= ratio x norm_95), clamped at step eta (power, and exponential on each rho window; power
    again at eta / 2), real GD on in-domain starts only (real_in_domain: their [net, scale]; real_outside: the
    others, those that never grokked included), pooled and at the level of nets (net_level)."""
    F, C, R = ([x for x in rows if x["grok_tau"] is not None] for rows in (free, clamp, real))
    big = [f for f in F if f["lr"] == eta and f["scale"] >= 1]
    up, C0, Ch = ([f for f in F if f["lr"] == eta and in_domain(f)], *([c for c in C if c["lr"] == h] for h in (eta, eta / 2)))
    far = [f for f in up if f["norm0"] >= ratio * f["norm_grok"]]
    Rin = [r for r in R if in_domain(r)]
    col = lambda rows, k, fn=float: [fn(x[k]) for x in rows]  # noqa: E731
    cv = lambda v: float(np.std(v) / np.mean(v)) if len(v) else None  # noqa: E731
    l2 = lambda rows, k: [2 * np.log(x[k] / x["norm_grok"]) for x in rows]  # noqa: E731
    err = lambda rows: max([abs(x["grok_tau"] / x["pred_tau"] - 1) for x in rows if x["pred_tau"]], default=None)  # noqa: E731
    win = lambda lo, hi: [c for c in C0 if lo <= c["rho"] <= hi]  # noqa: E731
    return {"free_vs_ln_s": fit_line(col(big, "scale", np.log), col(big, "grok_tau"), col(big, "seed")),
            "free_vs_log_norm2_ratio": fit_line(l2(up, "norm0"), col(up, "grok_tau"), col(up, "seed")),
            "free_vs_log_norm2_ratio_asymptotic": fit_line(l2(far, "norm0"), col(far, "grok_tau"), col(far, "seed")),
            "norm_grok_mean": float(np.mean(col(F, "norm_grok"))), "norm_grok_cv": cv(col(F, "norm_grok")),
            "clamp_power": fit_line(col(C0, "rho", np.log), col(C0, "grok_tau", np.log), col(C0, "seed")),
            "clamp_exp": fit_line(col(C0, "rho"), col(C0, "grok_tau", np.log), col(C0, "seed")),
            "clamp_power_half_step": fit_line(col(Ch, "rho", np.log), col(Ch, "grok_tau", np.log), col(Ch, "seed")),
            "clamp_exp_by_window": [{"rhos": [lo, hi], **(fit_line(col(win(lo, hi), "rho"), col(win(lo, hi), "grok_tau", np.log),
                                                                  col(win(lo, hi), "seed")) or {})} for lo, hi in windows],
            "pred_error_max": {"free": err(F), "clamp": err(C0), "clamp_half_step": err(Ch)},
            "pred_error_max_by_seed": {k: [err([c for c in rows if c["seed"] == r]) for r in sorted({c["seed"] for c in C})]
                                       for k, rows in (("clamp", C0), ("clamp_half_step", Ch))},
            "real_norm_grok_cv": cv(col(R, "norm_grok")),
            "real_in_domain": [[r["net"], r["scale"]] for r in Rin],
            "real_outside": [[r["net"], r["scale"]] for r in real if r not in Rin],
            "real_delay_vs_log_norm2_ratio": fit_line(l2(Rin, "norm_mem"), col(Rin, "delay_tau"), col(Rin, "net")),
            "real_delay_net_level": net_level(l2(Rin, "norm_mem"), col(Rin, "delay_tau"), col(Rin, "net")),
            "real_delay_vs_ln_s": fit_line(col(Rin, "scale", np.log), col(Rin, "delay_tau"), col(Rin, "net"))}


def first_step_norms(E, X, Y, eta, substeps):
    """Fig. 6(b)'s early rise: ||E0||, ||W0||, the continuous-time bound max(||E0||, sqrt(||E0|| ||W0||)) on ||E||
    (d||E||^2/dtau = 2 (||W||^2 - ||E||^2) and f(u) never grows), and ||E|| after tau = eta in n Euler
    steps of eta / n for each n in substeps (n = 1: the figure's own first step)."""
    H = xp.maximum(X @ E, 0.0)
    n0, w0 = float(xp.linalg.norm(E)), float(xp.sum(Y * xp.linalg.solve(H @ H.T, Y))) ** 0.5
    return {"norm0": n0, "readout_norm0": w0, "bound": max(n0, (n0 * w0) ** 0.5), "substeps": list(substeps),
            "norm_after_step": [float(xp.linalg.norm(feet.closed_form_flow(E, X, Y, eta, eta / n))) for n in substeps]}


# ---------------------------------------------------------------- Fig. 6 checked: its Euler map against the flow
# Eq. 20 from each Fig. 6 E0 with step control at the figure's own step eta (its first few dozen steps are
# shorter, then eta: "a few small first steps, then eta"); a run stops at 95% test accuracy or tau_max. Two readings
# of the paper's E0 ~ N(0, p^-1/2), std p^-1/2 (the figure's) and variance p^-1/2 (std p^-1/4: the same draw times
# p^1/4), each on the first `runs` runs (default run only). Run 0 of each reading also runs at the step multiples
# in `steps` (std: eta then eta/2; variance: 2 eta then eta): that halving is the evidence for the step; the other
# runs take eta alone. Test accuracy is also reported at the taus in at_tau.
FIG6_FLOW = {"steps": {"std": (1, 0.5), "variance": (2, 1)}, "runs": 2, "tau_max": 4.0, "at_tau": (0.25, 0.5, 1.0)}


def variance_reading(problem, p):
    """Fig. 6, E0 ~ N(0, p^-1/2) read as variance p^-1/2: the run's problem with E0 (std p^-1/2) times p^1/4, so std p^-1/4."""
    return (*problem[:4], problem[4] * p ** 0.25)


def euler_vs_flow(problem, euler, lr, run, reading="std", s=FIG6_FLOW, steps=None):
    """Fig. 6 (beyond the paper): its Euler map `euler` (modadd.simulate, fixed step lr) against Eq. 20 as a flow
    (modadd.simulate_flow from the same problem (X, Y, Xt, Yt, E0) at lr, and on run 0 at the step multiples
    s["steps"][reading]): tau at 95% of each, the halving's relative change, ||E0||, ||W0||, norm peaks, test
    accuracy at s["at_tau"], and the Euler map's extra delay, measured and predicted by free_prediction fed with
    ||E|| after the first Euler step. euler None: the flow run at lr if it shortened no step (then it is the
    Euler map, step for step), else modadd.simulate to 95% or `steps` steps. Also the finest flow run."""
    d, E0 = dict(zip(("X", "Y", "Xt", "Yt"), problem[:4])), problem[4]
    etas = [lr * m for m in (s["steps"][reading] if run == 0 else (1,))]
    flows = [MA.simulate_flow(E0, d, eta, s["tau_max"]) for eta in etas]
    taus = [float(f["tau"][-1]) if f["test_acc"][-1] >= 0.95 else None for f in flows]
    f, base = flows[-1], flows[etas.index(lr)]
    controlled = int(np.sum(np.diff(base["tau"]) < lr * (1 - 1e-12)))
    same = euler is None and controlled == 0  # E + lr dE at every step: the Euler map itself, recorded at every step
    if same:
        euler = {"step": np.round(base["tau"] / lr), "test_acc": base["test_acc"], "norm": base["norm"]}
    elif euler is None:
        euler = MA.simulate(E0, *problem[:4], lr, steps, until=0.95)
    tau_e = euler["step"] * lr
    tau_euler = MA.grok_step(tau_e, euler["test_acc"])
    r1 = float(xp.linalg.norm(E0 + lr * MA.closed_form_update(E0, d["X"], d["Y"])))
    pred = lr + free_prediction(f, r1) if taus[-1] is not None else None
    at = lambda tau, acc: [float(acc[np.argmax(tau >= t)]) if tau[-1] >= t else None for t in s["at_tau"]]  # noqa: E731
    diff = lambda a, b: None if None in (a, b) else a - b  # noqa: E731
    change = abs(taus[-1] / taus[-2] - 1) if len(taus) > 1 and None not in taus[-2:] else None
    return {"tau95_euler": tau_euler, "euler_is_flow_at_lr": same, "flow_etas": etas,
            "tau95_flow": taus, "halving_change": change, "converged": change is not None and change < 0.02,
            "controlled_steps": controlled, "norm_peak_euler": float(euler["norm"].max()), "norm_peak_flow": float(f["norm"].max()),
            "norm0": float(f["norm"][0]), "readout_norm0": float(f["readout"][0]) ** 0.5, "norm_after_first_euler_step": r1,
            "test_acc_at_tau": {"euler": at(tau_e, euler["test_acc"]), "flow": at(f["tau"], f["test_acc"])},
            "extra_delay_measured": diff(tau_euler, taus[-1]), "extra_delay_predicted": diff(pred, taus[-1])}, f


def fig6_flows(problems, runs, s6):
    """Fig. 6's flow table (grok.fig6, default run only): euler_vs_flow on the first FIG6_FLOW["runs"] runs under each
    reading, the variance reading's flow tau at 95% Fig. 13's law also predicts from the std
    flow (free_prediction at the larger ||E0||: the same direction). Returns (summary, {reading: finest flow runs})."""
    n = min(FIG6_FLOW["runs"], len(problems))
    std = [euler_vs_flow(problems[r], runs[r], s6["lr"], r) for r in range(n)]
    var = [euler_vs_flow(variance_reading(problems[r], s6["p"]), None, s6["lr"], r, "variance", steps=s6["steps"])
           for r in range(n)]
    for r, (v, _) in enumerate(var):
        v["tau95_flow_predicted_from_std"] = free_prediction(std[r][1], v["norm0"]) if std[r][0]["tau95_flow"][-1] else None
    return ({"settings": FIG6_FLOW, "runs": [x[0] for x in std],
             "variance": {"init_std": s6["p"] ** -0.25, "runs": [x[0] for x in var]}},
            {"std": [x[1] for x in std], "variance": [x[1] for x in var]})


# ---------------------------------------------------------------- Fig. 13: the experiment
# Fig. 11's size and base step: Eq. 20 from s E0 (free) or at ||E|| = rho W_c (clamp; W_c: the seed's free norm at
# 95% from E0; again at half the step); real GD: Fig. 5's net and loss on a + b mod real_p with real_held_out test
# pairs (mod 11 has 66 pairs: 7 resolve a grokking time to 1 pair in 7; in one-net trials 11 or 20 held out crawled or
# never grokked), from s theta(0), up to real_steps steps; "rise": Fig. 6(b)'s first step. asymptotic_ratio: the free
# starts fitted as asymptotic have norm0 >= 2 W_c, where the direction turns (at a speed ~ ||E||^-4) at most 1/16 as
# fast as at grokking, so it is still frozen while the norm decays.
FIG13 = {"p": 19, "hidden": 192, "train_frac": 0.7, "lr": 1e-2, "lrs": (5e-3, 2e-2), "seeds": 3,
         "scales": (0.5, 1, 2, 4, 8), "rhos": (0.6, 0.8, 1.0, 1.2, 1.4, 1.7, 2.0), "windows": ((0.6, 1.2), (1.2, 2.0)),
         "tau": 60.0, "real_p": 13, "real_held_out": 14, "real_scales": (1, 2, 4, 8), "real_nets": 3, "real_every": 100,
         "real_refresh": 5000, "real_steps": 300_000, "asymptotic_ratio": 2.0,
         "rise": ((37, 512, 1e-3, 5), (17, 110, 1e-2, 3)), "substeps": (1, 4, 16)}  # (p, d_h, eta, runs)
FIG13_QUICK = dict(FIG13, p=11, hidden=96, train_frac=0.9, lr=2e-2, lrs=(1e-2,), seeds=2, scales=(1, 2, 4), tau=20.0,
                   rhos=(0.8, 1.0, 1.4), windows=((0.8, 1.0), (1.0, 1.4)), real_p=MA.FIG5_P, real_held_out=MA.FIG5_HELD_OUT,
                   real_scales=(1, 2), real_nets=1, real_steps=3000, rise=((17, 110, 1e-2, 1),))
FIG13_FULL = {"real_scales": (1, 2, 4, 8, 16), "real_nets": 5, "real_steps": 1_000_000}  # --fig13-full, on top of FIG13


def fig13_eq20(args, s, log):
    """Free and clamped runs per seed, seed 0's norm curves; the s = 1 base-step run is the reference. The
    clamped runs are repeated at half the step (their reference too): is the prediction's error the integrator's?"""
    free, clamp, curves = [], [], []
    for r in range(s["seeds"]):
        *split, E0 = MA.split_problem(np.random.default_rng([args.seed, 13, r]), s["p"], s["train_frac"], s["hidden"])
        d, n0 = dict(zip(("X", "Y", "Xt", "Yt"), split)), float(xp.linalg.norm(E0))
        ref = MA.simulate_flow(E0, d, s["lr"], s["tau"])
        for eta, c in [(eta, c) for eta in (s["lr"], *s["lrs"]) for c in s["scales"]]:
            rec = ref if (eta, c) == (s["lr"], 1) else MA.simulate_flow(c * E0, d, eta, s["tau"])
            free.append({"seed": r, "lr": eta, "scale": c, "norm0": c * n0, "readout_norm0": float(ref["readout"][0]) ** 0.5 / c,
                         **grok_point(rec),
                         "pred_tau": free_prediction(ref, c * n0) if eta == s["lr"] else None})
            curves += [{"scale": c, "tau": rec["tau"], "norm": rec["norm"]}] if r == 0 and eta == s["lr"] else []
        for eta in (s["lr"], s["lr"] / 2):
            base = ref if eta == s["lr"] else MA.simulate_flow(E0, d, eta, s["tau"])
            for rho, R in [(rho, rho * ref["norm"][-1]) for rho in s["rhos"]]:
                rec = MA.simulate_flow(E0, d, eta, s["tau"], radius=R)
                clamp.append({"seed": r, "lr": eta, "rho": rho, "W_c": ref["norm"][-1], "pred_tau": clamp_prediction(base, R),
                              "sphere_error": np.abs(rec["norm"] / R - 1).max(), **grok_point(rec)})
        log(f"Figure 13 seed {r}: clamped, 95% at tau {plots.nums([c['grok_tau'] for c in clamp[-2 * len(s['rhos']):]])}")
    return free, clamp, curves


def real_problem(rng, p, held_out):
    """Fig. 13 real GD: Fig. 5's recipe (erratum 4) at modulus p: held_out pairs drawn at random for test, then
    the two layers' PyTorch initialisation (width FIG5_HIDDEN); at p = 11, 7 held out it is Fig. 5's net."""
    X, Y, _ = MA.modular_addition(p)
    perm = rng.permutation(X.shape[0])
    te, tr = np.sort(perm[:held_out]), np.sort(perm[held_out:])
    P0 = (M.init_uniform(rng, p, MA.FIG5_HIDDEN), M.init_uniform(rng, MA.FIG5_HIDDEN, p))
    return {"X": X[tr], "Y": Y[tr], "Xt": X[te], "Yt": Y[te]}, P0


def fig13_real(args, s, log):
    """Real GD from s theta(0) per net and scale: step, tau and ||theta|| at 95% and at memorization; a run
    that never got there keeps its norm curve (40 points); every run's curve goes to the plot."""
    rows, curves = [], []
    for net in range(s["real_nets"]):
        d, P0 = real_problem(np.random.default_rng([args.seed, 13, 5, net]), s["real_p"], s["real_held_out"])
        for c in s["real_scales"]:
            rec = gd_delay_run(tuple(c * W for W in P0), d, MA.FIG5_LAM, s["real_steps"], s["real_every"], s["real_refresh"])
            rows.append({"net": net, "scale": c, "lr0": float(rec["lr"][0]), **grok_point(rec)})
            if rows[-1]["delay_tau"] is not None and rows[-1]["steps"] > rows[-1]["step_mem"]:  # the mean step over the delay
                rows[-1]["lr_delay_mean"] = rows[-1]["delay_tau"] / (2 * MA.FIG5_LAM * (rows[-1]["steps"] - rows[-1]["step_mem"]))
            if rows[-1]["grok_tau"] is None:
                at = np.unique(np.linspace(0, len(rec["step"]) - 1, 40).round().astype(int))
                rows[-1]["norm_curve"] = [[int(rec["step"][i]), float(rec["norm"][i])] for i in at]
            curves.append({"net": net, "scale": c, "grok": rows[-1]["grok_tau"] is not None,
                           **{k: rec[k] for k in ("tau", "norm", "step")}})
            log(f"Figure 13 real GD net {net}, s = {c}: {'95% at' if curves[-1]['grok'] else 'not 95% by'} step "
                f"{rows[-1]['steps']}, norm {rows[-1]['norm_mem'] or 0:.3f} at memorization, {rows[-1]['norm_grok']:.3f} then")
    return rows, curves


def fig13(args, cache, log):
    """Beyond the paper: the grokking delay vs the initial and a clamped norm (Eq. 20, real GD); Fig. 6(b)'s rise."""
    s = dict(FIG13_QUICK if args.quick else FIG13, **(FIG13_FULL if getattr(args, "fig13_full", False) else {}))
    free, clamp, curves = fig13_eq20(args, s, log)
    real, real_curves = fig13_real(args, s, log)
    out = {"settings": s, "free": free, "clamp": clamp, "real": real, "rise": []}
    for p, h, eta, n in s["rise"]:  # Fig. 6's runs: its seeds; its recipe is MA.split_problem
        starts = [MA.split_problem(np.random.default_rng([args.seed, 6, r]), p, 0.7, h) for r in range(n)]
        out["rise"].append({"p": p, "hidden": h, "lr": eta, "runs": [
            first_step_norms(E0, X, Y, eta, s["substeps"]) for X, Y, _, _, E0 in starts]})
    out["fits"] = delay_fits(free, clamp, real, s["lr"], s["windows"], s["asymptotic_ratio"])
    plot_fig13(curves, real_curves, out, os.path.join(args.out, "fig13_delay_laws.png"))
    return {"fig13": out}


# ---------------------------------------------------------------- Fig. 13: the plot
CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig13": (["fig13_delay_laws.png"], lambda s: (
        f"Delay laws, Eq. 20 at p = {s['settings']['p']}, d_h = {s['settings']['hidden']}: tau at 95% vs ln s (E0 scaled "
        f"by s >= 1) slope {plots.nums([(s['fits']['free_vs_ln_s'] or {}).get('slope')], '.2f', '-')}, vs "
        f"ln(||E0||^2/||E_95||^2) from ||E0|| >= {s['settings']['asymptotic_ratio']:g} W_c "
        f"{plots.nums([(s['fits']['free_vs_log_norm2_ratio_asymptotic'] or {}).get('slope')], '.3f', '-')} (Eq. 20: 1/2); norm at 95% "
        f"{s['fits']['norm_grok_mean']:.2f}, CV {100 * s['fits']['norm_grok_cv']:.1f}%; clamped at rho W_c: "
        f"tau ~ rho^{plots.nums([(s['fits']['clamp_power'] or {}).get('slope')], '.2f', '-')} (Eq. 20's homogeneity: rho^4, "
        f"a check of the code); real GD (mod {s['settings']['real_p']}) on {len(s['fits']['real_in_domain'])} in-domain "
        f"starts: delay vs ln(||theta_mem||^2/||theta_95||^2) slope "
        f"{plots.nums([(s['fits']['real_delay_net_level'] or {}).get('slope')], '.2f', '-')}, the mean of the nets' own slopes "
        f"({plots.nums((s['fits']['real_delay_net_level'] or {}).get('slopes') or [None], '.2f', '-')}; 95% interval between nets ["
        + plots.nums((s['fits']['real_delay_net_level'] or {}).get('slope_ci95') or [None], '.2f', '-').replace(" / ", ", ")
        + "]; larger s starts at a smaller step), "
        f"norm CV {plots.nums([s['fits']['real_norm_grok_cv']], '.1%', '-')}."))
}


def _ok(rows, **k):
    """Fig. 13's rows that grokked and match every k = v."""
    return [x for x in rows if x["grok_tau"] is not None and all(x[a] == v for a, v in k.items())]


def _xy(rows, fx, fy):
    """The points (fx(row), fy(row)) of rows, as two lists."""
    return [fx(x) for x in rows], [fy(x) for x in rows]


def _law(f, name):
    """A fitted law's legend text: slope, its 95% interval where there is one, R^2."""
    ci = "" if not f or f.get("slope_ci95") is None else " [%.2f, %.2f]" % tuple(f["slope_ci95"])
    return f"{name}: too few runs" if not f else f"{name}: slope {f['slope']:.2f}{ci}, R^2 {f['r2']:.3f}"


def _net_law(f):
    """The net-level slope's legend text: each net's slope, their mean and its 95% interval between nets."""
    return "by net: too few nets" if not f else ("by net: slopes %s, mean %.2f [%.2f, %.2f] (t, %d dof)" % (
        plots.nums(f["slopes"], ".2f"), f["slope"], *f["slope_ci95"], f["nets"] - 1))


def _lns(x):
    return np.log(x["scale"])


def _tau(x):
    return x["grok_tau"]


def _pred(x):
    return x["pred_tau"]


def fig13_free_panels(ax, curves, s, F, fit):
    """Fig. 13 (a)-(c): free Eq. 20 from scaled starts: norm curves, delay vs ln s, the norm at grokking."""
    a = ax[0]
    for c, col in zip(curves, plt.cm.viridis(np.linspace(0, 0.9, len(curves)))):
        a.plot(c["tau"], c["norm"], color=col, label=f"s = {c['scale']:g}: 95% at tau {c['tau'][-1]:.2f} (dot)")
        a.plot(c["tau"][-1], c["norm"][-1], "o", color=col)
    a.plot(curves[-1]["tau"], curves[-1]["norm"][0] * np.exp(-curves[-1]["tau"]), "k:", label="||E0|| exp(-tau)")
    a.axhline(fit["norm_grok_mean"], color="gray", ls="--", label=f"mean ||E|| at 95%: {fit['norm_grok_mean']:.2f}")
    a.set(yscale="log", ylim=(0.6 * fit["norm_grok_mean"], None), xlabel="tau = eta x step", ylabel="||E||_F",
          title="(a) free Eq. 20 from s E0, seed 0: ||E|| settles near W_c, then groks")
    a = ax[1]
    for r, m in zip(range(s["seeds"]), "osD^v"):
        a.plot(*_xy(_ok(F, seed=r, lr=s["lr"]), _lns, _tau), m + "-", color=f"C{r}", label=f"seed {r}, eta = {s['lr']:g}")
        a.plot(*_xy(_ok(F, seed=r, lr=s["lr"]), _lns, _pred), "x", color=f"C{r}", ms=10)
        for eta in s["lrs"]:
            a.plot(*_xy(_ok(F, seed=r, lr=eta), _lns, _tau), m, color=f"C{r}", mfc="none", ms=5)
    a.plot([], [], "ko", mfc="none", label=f"eta = {' and '.join(map(str, s['lrs']))}")
    a.set(xlabel="ln s (E0 scaled by s)", ylabel="tau at 95% test accuracy", title="(b) delay vs initial norm "
          f"(Eq. 20: slope -> 1 once ||E|| >> ||W||)\n{_law(fit['free_vs_ln_s'], 'tau vs ln s, s >= 1')};\n"
          + _law(fit["free_vs_log_norm2_ratio"], "vs ln(||E0||^2/||E_95||^2), ||E0|| > ||E_95||") + ";\n"
          + _law(fit["free_vs_log_norm2_ratio_asymptotic"], f"the same, ||E0|| >= {s['asymptotic_ratio']:g} ||E_95|| (Eq. 20: 1/2)"))
    a = ax[2]
    for j, eta in enumerate((s["lr"], *s["lrs"])):
        a.plot(*_xy(_ok(F, lr=eta), lambda x: _lns(x) + 0.03 * (j - 1), lambda x: x["norm_grok"]), "os^"[j % 3],
               label=f"eta = {eta:g}")
    a.set(xlabel="ln s (E0 scaled by s)", ylabel="||E|| at 95% test accuracy", title=f"(c) the norm at grokking W_c "
          f"(measured across seeds): CV {100 * fit['norm_grok_cv']:.1f}% over {len(_ok(F))} runs\n(scales x seeds x steps; "
          "2606.13753: CV 1-2%)")


def fig13_real_panels(ax, real_curves, R, s, fit):
    """Fig. 13 (g), (e): real GD from scaled starts: norm curves, and the delay inside the law's domain."""
    a = ax[0]
    for n in range(s["real_nets"]):
        for c, m, ls in zip([c for c in real_curves if c["net"] == n], "ov^sD", ("-", "--", "-.", ":", "-")):
            a.plot(c["tau"], c["norm"], ls, color=f"C{n}", lw=1, label=f"net {n}, s = {c['scale']:g}")
            a.plot(c["tau"][-1], c["norm"][-1], m if c["grok"] else "x", color=f"C{n}", ms=7)
    a.set(yscale="log", xlabel="tau = 2 lambda x (sum of eta over the steps)", ylabel="||theta||_F",
          title=f"(g) real GD from s theta(0): ||theta|| until 95% (marker) or step {s['real_steps']:,} (x)")
    a = ax[1]
    Rin = [x for x in R if in_domain(x)]
    for n in range(s["real_nets"]):
        rows = [x for x in Rin if x["net"] == n]
        a.plot([], []) if not rows else a.plot(*_xy(rows, lambda x: 2 * np.log(x["norm_mem"] / x["norm_grok"]), lambda x: x["delay_tau"]), "o-",
               color=f"C{n}", label=f"net {n}, s = " + ", ".join(f"{x['scale']:g}" for x in rows))
    f = fit["real_delay_vs_log_norm2_ratio"]
    for n in range(s["real_nets"]) if f else ():  # the fit: one slope, each net's line through its own means
        x, y = map(np.array, _xy([r for r in Rin if r["net"] == n], lambda r: 2 * np.log(r["norm_mem"] / r["norm_grok"]),
                                lambda r: r["delay_tau"]))
        if x.size:
            a.plot(x, y.mean() + f["slope"] * (x - x.mean()), "--", color=f"C{n}", lw=0.8)
    gone = [f"net {x['net']} s = {x['scale']:g}" for x in R if x["grok_tau"] is None]
    out_ = [f"net {x['net']} s = {x['scale']:g}" for x in R if x["grok_tau"] is not None and not in_domain(x)]
    lr0 = ", ".join(f"s = {c:g}: {np.mean([x['lr0'] for x in R if x['scale'] == c]):.2g}" for c in s["real_scales"])
    a.set(xlabel=f"ln(||theta_mem||^2 / ||theta_95||^2); first step eta by s (mean of nets): {lr0}",
          ylabel="tau_95 - tau_memorized (dashed: the pooled fit, per net)",
          title="(e) real GD inside the law's domain (||theta_mem|| > ||theta_95||; Eq. 20: slope 1/2)\n"
          + _law(f, "pooled, points as independent") + "\n" + _net_law(fit["real_delay_net_level"])
          + f"\noutside: {', '.join(out_) or 'none'}; "
          f"not by step {s['real_steps']:,}: {', '.join(gone) or 'none'}")


def fig13_clamp_panels(ax, C, s, fit):
    """Fig. 13 (d), (h): Eq. 20 at a clamped norm rho W_c: tau against rho, and the prediction's error."""
    a = ax[0]
    C0 = [c for c in C if c["lr"] == s["lr"]]
    rho, p, e = np.geomspace(min(s["rhos"]), max(s["rhos"]), 50), fit["clamp_power"], fit["clamp_exp"]
    for r, m in zip(range(s["seeds"]), "osD^v"):
        a.plot(*_xy(_ok(C0, seed=r), lambda x: x["rho"], _tau), m, color=f"C{r}", label=f"seed {r}")
        a.plot(*_xy(_ok(C0, seed=r), lambda x: x["rho"], _pred), "x", color=f"C{r}", ms=10)
    if p and e:
        a.plot(rho, np.exp(p["intercept"]) * rho ** p["slope"], "k-", label=_law(p, "power law: ln tau vs ln rho"))
        a.plot(rho, np.exp(e["intercept"] + e["slope"] * rho), "k--", label=_law(e, "exponential: ln tau vs rho") + "\nits rate by window: "
               + ", ".join(f"{w['rhos'][0]:g}-{w['rhos'][1]:g}: {w['slope']:.2f}" for w in fit["clamp_exp_by_window"] if "slope" in w))
        a.plot(rho, np.exp(p["intercept"] + 7.5 * (rho - 1)), "r:", label="exp(7.5 rho): 2606.13753's fit in another setting\n"
               "(cross-entropy, readout trained, whole net clamped)")
    a.set(xscale="log", yscale="log", xticks=s["rhos"], xticklabels=[f"{r:g}" for r in s["rhos"]],
          xlabel="rho (||E|| put back to rho W_c after every step)", ylabel="tau at 95% test accuracy",
          title="(d) clamped norm: tau ~ rho^4 by Eq. 20's homogeneity (a check of the code\nand the integrator); "
          "x = (rho W_c)^4 x the integral of dtau / ||E||^4 along the free run")
    a = ax[1]
    for r, m in zip(range(s["seeds"]), "osD^v"):
        for eta, fill in ((s["lr"], None), (s["lr"] / 2, "none")):
            a.plot(*_xy(_ok(C, seed=r, lr=eta), lambda x: x["rho"], lambda x: abs(x["grok_tau"] / x["pred_tau"] - 1)),
                   m + "-", color=f"C{r}", mfc=fill, label=f"seed {r}, eta = {eta:g}")
    a.set(xlabel="rho", ylabel="|measured / predicted tau_95 - 1|", yscale="log", title="(h) clamped runs: the "
          "prediction's error at Euler step eta (filled) and eta / 2 (open)\nmax over runs %s at eta, %s at eta / 2" % tuple(
              plots.nums([fit["pred_error_max"][k]], ".1%", "-") for k in ("clamp", "clamp_half_step")))


def fig13_rise_panel(a, rise):
    """Fig. 13 (f): Fig. 6's early rise of ||E|| is its first Euler step."""
    for case, m in zip(rise, "os"):
        for r, run in enumerate(case["runs"]):
            a.plot(run["substeps"], np.array(run["norm_after_step"]) / run["bound"], m + "-", color=f"C{r}",
                   label=f"p = {case['p']}, d_h = {case['hidden']}, eta = {case['lr']:g}, Fig. 6 run {r}")
    a.axhline(1.0, color="k", lw=1, label="the bound max(||E0||, sqrt(||E0|| ||W0||)) on the flow")
    a.set(xscale="log", yscale="log", xlabel="Euler steps taken for tau = eta (1: Fig. 6's own first step)",
          ylabel="||E|| after tau = eta / the bound", title="(f) Fig. 6(b)'s early rise is its first Euler step: "
          "smaller steps\nover the same tau stay under the flow's bound (d||E||^2/dtau = 2 ||W||^2 - 2 ||E||^2)")


def plot_fig13(curves, real_curves, out, path):
    """Fig. 13 (beyond the paper): grokking delay laws. curves: seed 0's free norm curves; real_curves: every
    real GD run's (tau, norm); out: the summary."""
    s, fit = out["settings"], out["fits"]
    fig, ax = plt.subplots(2, 4, figsize=(24, 10.5))
    fig13_free_panels(ax[0, :3], curves, s, out["free"], fit)
    fig13_real_panels((ax[0, 3], ax[1, 1]), real_curves, out["real"], s, fit)
    fig13_clamp_panels((ax[1, 0], ax[1, 3]), out["clamp"], s, fit)
    fig13_rise_panel(ax[1, 2], out["rise"])
    for a in ax.flat:
        a.minorticks_off()
        if a.get_legend_handles_labels()[0]:  # (e) has none when no start is inside the domain (--quick)
            a.legend(fontsize=7, loc="upper left" if a is ax[1, 0] else "best")
    fig.suptitle(f"Fig. 13 (beyond the paper): delay laws of grokking. (a)-(d), (h) Eq. 20 (ReLU, lambda -> 0), mod "
                 f"{s['p']}, d_h = {s['hidden']}, {s['train_frac']:.0%} training pairs, steps eta min(1, ||E||^2 / "
                 "||W||^2), x = predicted from the seed's s = 1 run.\n(e), (g) real GD on both layers: Fig. 5's net "
                 f"(width 128, mean-squared loss + 5e-5 ||theta||^2) on a + b mod {s['real_p']}, {s['real_held_out']} "
                 f"test pairs, step eta = min(1, 1 / sharpness) set every {s['real_refresh']:,} steps. Grokking: test accuracy >= 95%")
    plots.save(fig, path)
