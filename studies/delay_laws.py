"""How long is the delay, and what sets it? (Fig. 13, beyond the paper.)

Question: Eq. 20 is homogeneous: E -> cE scales its readout term by c^-3, so ||E||^2 relaxes as
d||E||^2/dtau = 2 (||W||^2 - ||E||^2) while E's direction turns on a clock ||E||^-4 times as fast
(the derivation stands above modadd.simulate_flow). What does that predict for the grokking time when
E0 is scaled by s, or when ||E|| is clamped at rho W_c, and does real GD follow it? And how much of
Fig. 6's delay is its first Euler step, which inflates ||E||?

Answer: free Eq. 20 from s E0 groks later by about ln s once ||E0|| is well above the norm at which
it groks (fig13/fits/free_vs_ln_s), and the delay predicted from one reference run is compared with
every run (fig13/fits/pred_error_max). Clamped runs follow tau ~ rho^4 (fig13/fits/clamp_power): a
consequence of the homogeneity, so a check of the code and the integrator. Real GD in the Fig. 5
setting is set beside it (fig13/real); at s = 0.5 and 1 its norm at memorization lies below the
norm at which it groks, outside the domain of the law. Fig. 6's runs (euler_vs_flow, called by
grok.fig6): the flow groks 0.5-0.8 tau sooner than the paper's Euler map from the same E0, the law
fed with the first step's norm predicts that gap to its size, not run by run (fig6/flow). Extends Sec. 6.

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
# dsigma = ||W||^2/||E||^2 dtau, along one path whatever ||E||.

def clamp_prediction(rec, radius):
    """Fig. 13: tau at which the run clamped at ||E|| = radius reaches what the free run `rec` (a
    simulate_flow run ending there) reached: radius^4 int dtau / ||E||^4, as u' = P_u G(u) / ||E||^4."""
    return float(radius ** 4 * np.sum(np.diff(rec["tau"]) / rec["norm"][:-1] ** 4))


def free_prediction(rec, r0):
    """Fig. 13: the same for a free run started at norm r0 along rec's initial direction. On the
    clock sigma, v = ||E||^-4 obeys v' = 4 / phi - 4 v, phi = ||E||^2 ||W||^2 = f(u), and
    dtau = dsigma / (phi v): integrated exactly over each step of rec with its phi held fixed."""
    dt, e2, w2 = np.diff(rec["tau"]), rec["norm"][:-1] ** 2, rec["readout"][:-1]
    v, tau = float(r0) ** -4, 0.0
    for q, phi in zip(np.exp(4.0 * dt * w2 / e2), e2 * w2):
        a = phi * v - 1.0  # > -1
        tau += 0.25 * np.log((q + a) / (1.0 + a))
        v = v / q + (1.0 - 1.0 / q) / phi
    return tau


def gd_delay_run(params, d, lr, lam, tau_max, every, level=0.95):
    """Fig. 13: full-batch GD on both layers (mean-squared loss + lam ||theta||^2, as Fig. 5) until
    test accuracy >= level or tau = 2 lr lam step >= tau_max; every `every` steps it records tau,
    train and test accuracy and ||theta||."""
    rec = {k: [] for k in ("tau", "train_acc", "test_acc", "norm")}
    step = 0
    while True:
        norm = float(xp.sqrt(sum(xp.sum(P * P) for P in params)))
        if not np.isfinite(norm):
            raise FloatingPointError(f"Figure 13 real training: NaN/inf at step {step} (lr {lr:.3g})")
        for k, v in zip(rec, (2.0 * lr * lam * step, MA.accuracy(*params, d["X"], d["Y"]),
                              MA.accuracy(*params, d["Xt"], d["Yt"]), norm)):
            rec[k].append(v)
        if rec["test_acc"][-1] >= level or rec["tau"][-1] >= tau_max:
            return {k: np.array(v) for k, v in rec.items()}
        params = M.gradient_descent(params, d["X"], d["Y"], every, lr, lam, mean=True)[0]
        step += every


def grok_point(rec, level=0.95):
    """Fig. 13: tau and norm at the end of a simulate_flow / gd_delay_run (its first record with test accuracy
    >= level; grok_tau None if it never got there); for real GD also at its first record with train
    accuracy 1 (memorization; grokking comes after it) and the delay between the two."""
    out = {"grok_tau": float(rec["tau"][-1]) if rec["test_acc"][-1] >= level else None,
           "norm_grok": float(rec["norm"][-1])}
    if "train_acc" in rec:
        hit = np.flatnonzero(rec["train_acc"] == 1)
        out.update(tau_mem=float(rec["tau"][hit[0]]) if hit.size else None,
                   norm_mem=float(rec["norm"][hit[0]]) if hit.size else None,
                   delay_tau=out["grok_tau"] - float(rec["tau"][hit[0]]) if out["grok_tau"] is not None else None)
    return out


def fit_line(x, y, groups=None):
    """Fig. 13: least squares y = a_g + b x, one slope b, an intercept a_g per group (seed or net; None: one
    group): {slope, intercept (through the overall means), r2 (of y - a_g)}; None with < 2 distinct x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    g = np.zeros(x.size, int) if groups is None else np.unique(groups, return_inverse=True)[1].ravel()
    dx, dy = (v - (np.bincount(g, v) / np.bincount(g))[g] for v in (x, y))  # within-group deviations
    if x.size < 2 or not dx.any():
        return None
    b = float(dx @ dy / (dx @ dx))
    r2 = 1.0 - np.sum((dy - b * dx) ** 2) / np.sum(dy ** 2)
    return {"slope": b, "intercept": float(y.mean() - b * x.mean()), "r2": float(r2)}


def delay_fits(free, clamp, real, eta):
    """Fig. 13's laws, fitted (fit_line: one slope, an intercept per seed or net) to the runs reaching 95%:
    free Eq. 20 at step eta (tau vs ln s, s >= 1), clamped (power and exponential in rho), real GD."""
    F, C, R = ([x for x in rows if x["grok_tau"] is not None] for rows in (free, clamp, real))
    big = [f for f in F if f["lr"] == eta and f["scale"] >= 1]
    up = np.array([(2 * np.log(f["norm0"] / f["norm_grok"]), f["grok_tau"], f["seed"]) for f in F
                   if f["lr"] == eta and f["norm0"] > f["norm_grok"]]).reshape(-1, 3)
    col = lambda rows, k, fn=float: [fn(x[k]) for x in rows]  # noqa: E731
    cv = lambda v: float(np.std(v) / np.mean(v)) if len(v) else None  # noqa: E731
    return {"free_vs_ln_s": fit_line(col(big, "scale", np.log), col(big, "grok_tau"), col(big, "seed")),
            "free_vs_log_norm2_ratio": fit_line(up[:, 0], up[:, 1], up[:, 2]),
            "norm_grok_mean": float(np.mean(col(F, "norm_grok"))), "norm_grok_cv": cv(col(F, "norm_grok")),
            "clamp_power": fit_line(col(C, "rho", np.log), col(C, "grok_tau", np.log), col(C, "seed")),
            "clamp_exp": fit_line(col(C, "rho"), col(C, "grok_tau", np.log), col(C, "seed")),
            "pred_error_max": {k: max([abs(x["grok_tau"] / x["pred_tau"] - 1) for x in v if x["pred_tau"]], default=None)
                               for k, v in (("free", F), ("clamp", C))}, "real_norm_grok_cv": cv(col(R, "norm_grok")),
            "real_delay_vs_ln_s": fit_line(col(R, "scale", np.log), col(R, "delay_tau"), col(R, "net"))}


def first_step_norms(E, X, Y, eta, substeps):
    """Fig. 6(b)'s early rise: ||E0||, ||W0||, the continuous-time bound max(||E0||, sqrt(||E0|| ||W0||)) on ||E||
    (d||E||^2/dtau = 2 (||W||^2 - ||E||^2) and f(u) never grows), and ||E|| after tau = eta in n Euler
    steps of eta / n for each n in substeps (n = 1: the figure's own first step)."""
    H = xp.maximum(X @ E, 0.0)
    n0, w0 = float(xp.linalg.norm(E)), float(xp.sum(Y * xp.linalg.solve(H @ H.T, Y))) ** 0.5
    return {"norm0": n0, "readout_norm0": w0, "bound": max(n0, (n0 * w0) ** 0.5), "substeps": list(substeps),
            "norm_after_step": [float(xp.linalg.norm(MA.closed_form_flow(E, X, Y, eta, eta / n))) for n in substeps]}


# ---------------------------------------------------------------- Fig. 6 checked: its Euler map against the flow
# Eq. 20 from each Fig. 6 E0 with step control at the figure's own step eta (its first few dozen steps are
# shorter, then eta: "a few small first steps, then eta"), halved `halvings` times on the first `halving_runs`
# runs; a run stops at 95% test accuracy or tau_max. Test accuracy is also reported at the taus in at_tau.
FIG6_FLOW = {"halving_runs": 2, "halvings": 1, "tau_max": 4.0, "at_tau": (0.25, 0.5, 1.0)}


def euler_vs_flow(problem, euler, lr, run, s=FIG6_FLOW):
    """Fig. 6 (beyond the paper): its run `euler` (modadd.simulate, fixed step lr) against Eq. 20 as a flow
    (modadd.simulate_flow from the same problem (X, Y, Xt, Yt, E0) at lr, then lr/2, ... if run < halving_runs):
    tau at 95% of each, the last halving's relative change, norm peaks, test accuracy at s["at_tau"], and the
    extra delay of the Euler map, measured and predicted by free_prediction fed with ||E|| after the first
    Euler step. Also the finest flow run."""
    d, E0 = dict(zip(("X", "Y", "Xt", "Yt"), problem[:4])), problem[4]
    halvings = s["halvings"] if run < s["halving_runs"] else 0
    flows = [MA.simulate_flow(E0, d, lr / 2 ** i, s["tau_max"]) for i in range(1 + halvings)]
    taus = [float(f["tau"][-1]) if f["test_acc"][-1] >= 0.95 else None for f in flows]
    f, tau_e = flows[-1], euler["step"] * lr
    tau_euler = MA.grok_step(tau_e, euler["test_acc"])
    r1 = float(xp.linalg.norm(E0 + lr * MA.closed_form_update(E0, d["X"], d["Y"])))
    pred = lr + free_prediction(f, r1) if taus[-1] is not None else None
    at = lambda tau, acc: [float(acc[np.argmax(tau >= t)]) if tau[-1] >= t else None for t in s["at_tau"]]  # noqa: E731
    diff = lambda a, b: None if None in (a, b) else a - b  # noqa: E731
    change = abs(taus[-1] / taus[-2] - 1) if len(taus) > 1 and None not in taus[-2:] else None
    return {"tau95_euler": tau_euler, "flow_etas": [lr / 2 ** i for i in range(len(flows))], "tau95_flow": taus,
            "halving_change": change, "converged": change is not None and change < 0.02,
            "controlled_steps": int(np.sum(np.diff(flows[0]["tau"]) < lr * (1 - 1e-12))),
            "norm_peak_euler": float(euler["norm"].max()), "norm_peak_flow": float(f["norm"].max()),
            "norm0": float(f["norm"][0]), "norm_after_first_euler_step": r1,
            "test_acc_at_tau": {"euler": at(tau_e, euler["test_acc"]), "flow": at(f["tau"], f["test_acc"])},
            "extra_delay_measured": diff(tau_euler, taus[-1]), "extra_delay_predicted": diff(pred, taus[-1])}, f


# ---------------------------------------------------------------- Fig. 13: the experiment
# Fig. 11's size and base step: Eq. 20 from s E0 (free) or at ||E|| = rho W_c (clamp; W_c: the seed's free norm at
# 95% from E0); real GD, Fig. 5 setting, from s theta(0), lr = min(1, 1 / sharpness); "rise": Fig. 6(b)'s 1st step.
FIG13 = {"p": 19, "hidden": 192, "train_frac": 0.7, "lr": 1e-2, "lrs": (5e-3, 2e-2), "seeds": 3,
         "scales": (0.5, 1, 2, 4, 8), "rhos": (0.6, 0.8, 1.0, 1.2, 1.4, 1.7, 2.0), "tau": 60.0,
         "real_scales": (0.5, 1, 2), "real_nets": 3, "real_every": 100, "real_tau": 12.0,
         "rise": ((37, 512, 1e-3, 5), (17, 110, 1e-2, 3)), "substeps": (1, 4, 16)}  # (p, d_h, eta, runs)
FIG13_QUICK = dict(FIG13, p=11, hidden=96, train_frac=0.9, lr=2e-2, lrs=(1e-2,), seeds=2, scales=(1, 2, 4), tau=20.0,
                   rhos=(0.8, 1.0, 1.4), real_scales=(1, 2), real_nets=1, real_tau=0.3, rise=((17, 110, 1e-2, 1),))
FIG13_FULL = {"real_scales": (0.5, 1, 2, 4), "real_nets": 5}  # --fig13-full, on top of FIG13


def fig13_eq20(args, s, log):
    """Free and clamped runs per seed, seed 0's norm curves; the s = 1 base-step run is the reference."""
    free, clamp, curves = [], [], []
    for r in range(s["seeds"]):
        *split, E0 = MA.split_problem(np.random.default_rng([args.seed, 13, r]), s["p"], s["train_frac"], s["hidden"])
        d, n0 = dict(zip(("X", "Y", "Xt", "Yt"), split)), float(xp.linalg.norm(E0))
        ref = MA.simulate_flow(E0, d, s["lr"], s["tau"])
        for eta, c in [(eta, c) for eta in (s["lr"], *s["lrs"]) for c in s["scales"]]:
            rec = ref if (eta, c) == (s["lr"], 1) else MA.simulate_flow(c * E0, d, eta, s["tau"])
            free.append({"seed": r, "lr": eta, "scale": c, "norm0": c * n0, **grok_point(rec),
                         "pred_tau": free_prediction(ref, c * n0) if eta == s["lr"] else None})
            curves += [{"scale": c, "tau": rec["tau"], "norm": rec["norm"]}] if r == 0 and eta == s["lr"] else []
        for rho, R in [(rho, rho * ref["norm"][-1]) for rho in s["rhos"]]:
            rec = MA.simulate_flow(E0, d, s["lr"], s["tau"], radius=R)
            clamp.append({"seed": r, "rho": rho, "W_c": ref["norm"][-1], "pred_tau": clamp_prediction(ref, R),
                          "sphere_error": np.abs(rec["norm"] / R - 1).max(), **grok_point(rec)})
        log(f"Figure 13 seed {r}: clamped, 95% at tau {plots.nums([c['grok_tau'] for c in clamp[-len(s['rhos']):]])}")
    return free, clamp, curves


def fig13_real(args, s, log):
    """Real GD (Fig. 5 setting) from s theta(0) per net and scale: tau and ||theta|| at 95% and at memorization."""
    rows = []
    for net in range(s["real_nets"]):
        rng = np.random.default_rng([args.seed, 13, 5, net])
        d = dict(zip(("X", "Y", "Xt", "Yt"), MA.fig5_data(rng)))
        P0 = MA.fig5_init(rng)
        for P, c in [(tuple(c * W for W in P0), c) for c in s["real_scales"]]:
            lr = min(MA.FIG5_LR, 1.0 / feet.sharpness(P, d["X"], MA.FIG5_LAM, mean=True))
            rec = gd_delay_run(P, d, lr, MA.FIG5_LAM, s["real_tau"], s["real_every"])
            rows.append({"net": net, "scale": c, "lr": lr, **grok_point(rec)})
            log(f"Figure 13 real GD net {net}, s = {c}: tau at 95% {plots.nums([rows[-1]['grok_tau']])}")
    return rows


def fig13(args, cache, log):
    """Beyond the paper: the grokking delay vs the initial and a clamped norm (Eq. 20, real GD); Fig. 6(b)'s rise."""
    s = dict(FIG13_QUICK if args.quick else FIG13, **(FIG13_FULL if getattr(args, "fig13_full", False) else {}))
    free, clamp, curves = fig13_eq20(args, s, log)
    out = {"settings": s, "free": free, "clamp": clamp, "real": fig13_real(args, s, log), "rise": []}
    for p, h, eta, n in s["rise"]:  # Fig. 6's runs: its seeds; its recipe is MA.split_problem
        starts = [MA.split_problem(np.random.default_rng([args.seed, 6, r]), p, 0.7, h) for r in range(n)]
        out["rise"].append({"p": p, "hidden": h, "lr": eta, "runs": [
            first_step_norms(E0, X, Y, eta, s["substeps"]) for X, Y, _, _, E0 in starts]})
    out["fits"] = delay_fits(free, clamp, out["real"], s["lr"])
    plot_fig13(curves, out, os.path.join(args.out, "fig13_delay_laws.png"))
    return {"fig13": out}


# ---------------------------------------------------------------- Fig. 13: the plot
def plot_fig13(curves, out, path):
    """Fig. 13 (beyond the paper): grokking delay laws. curves: seed 0's free norm curves; out: the summary."""
    s, F, C, R, fit = out["settings"], out["free"], out["clamp"], out["real"], out["fits"]
    ok = lambda rows, **k: [x for x in rows if x["grok_tau"] is not None and all(x[a] == v for a, v in k.items())]
    xy = lambda rows, fx, fy: ([fx(x) for x in rows], [fy(x) for x in rows])
    law = lambda f, name: f"{name}: too few runs" if f is None else f"{name}: slope {f['slope']:.2f}, R^2 {f['r2']:.3f}"
    lns, tau, pred = (lambda x: np.log(x["scale"])), (lambda x: x["grok_tau"]), (lambda x: x["pred_tau"])
    fig, ax = plt.subplots(2, 3, figsize=(18, 10.5))
    a = ax[0, 0]
    for c, col in zip(curves, plt.cm.viridis(np.linspace(0, 0.9, len(curves)))):
        a.plot(c["tau"], c["norm"], color=col, label=f"s = {c['scale']:g}: 95% at tau {c['tau'][-1]:.2f} (dot)")
        a.plot(c["tau"][-1], c["norm"][-1], "o", color=col)
    a.plot(curves[-1]["tau"], curves[-1]["norm"][0] * np.exp(-curves[-1]["tau"]), "k:", label="||E0|| exp(-tau)")
    a.axhline(fit["norm_grok_mean"], color="gray", ls="--", label=f"mean ||E|| at 95%: {fit['norm_grok_mean']:.2f}")
    a.set(yscale="log", ylim=(0.6 * fit["norm_grok_mean"], None), xlabel="tau = eta x step", ylabel="||E||_F",
          title="(a) free Eq. 20 from s E0, seed 0: ||E|| settles near W_c, then groks")
    a = ax[0, 1]
    for r, m in zip(range(s["seeds"]), "osD^v"):
        a.plot(*xy(ok(F, seed=r, lr=s["lr"]), lns, tau), m + "-", color=f"C{r}", label=f"seed {r}, eta = {s['lr']:g}")
        a.plot(*xy(ok(F, seed=r, lr=s["lr"]), lns, pred), "x", color=f"C{r}", ms=10)
        for eta in s["lrs"]:
            a.plot(*xy(ok(F, seed=r, lr=eta), lns, tau), m, color=f"C{r}", mfc="none", ms=5)
    a.plot([], [], "ko", mfc="none", label=f"eta = {' and '.join(map(str, s['lrs']))}")
    a.set(xlabel="ln s (E0 scaled by s)", ylabel="tau at 95% test accuracy", title="(b) delay vs initial norm "
          f"(Eq. 20: slope -> 1 once ||E0|| >> W_c)\n{law(fit['free_vs_ln_s'], 'tau vs ln s, s >= 1')}; "
          + law(fit["free_vs_log_norm2_ratio"], "vs ln(||E0||^2/||E_95||^2)"))
    a = ax[0, 2]
    for j, eta in enumerate((s["lr"], *s["lrs"])):
        a.plot(*xy(ok(F, lr=eta), lambda x: lns(x) + 0.03 * (j - 1), lambda x: x["norm_grok"]), "os^"[j % 3],
               label=f"eta = {eta:g}")
    a.set(xlabel="ln s (E0 scaled by s)", ylabel="||E|| at 95% test accuracy", title=f"(c) the norm at grokking W_c: "
          f"CV {100 * fit['norm_grok_cv']:.1f}% over {len(ok(F))} runs\n(scales x seeds x steps; 2606.13753: CV 1-2%)")
    a = ax[1, 0]
    rho, p, e = np.geomspace(min(s["rhos"]), max(s["rhos"]), 50), fit["clamp_power"], fit["clamp_exp"]
    for r, m in zip(range(s["seeds"]), "osD^v"):
        a.plot(*xy(ok(C, seed=r), lambda x: x["rho"], tau), m, color=f"C{r}", label=f"seed {r}")
        a.plot(*xy(ok(C, seed=r), lambda x: x["rho"], pred), "x", color=f"C{r}", ms=10)
    if p and e:
        a.plot(rho, np.exp(p["intercept"]) * rho ** p["slope"], "k-", label=law(p, "power law: ln tau vs ln rho"))
        a.plot(rho, np.exp(e["intercept"] + e["slope"] * rho), "k--", label=law(e, "exponential: ln tau vs rho"))
        a.plot(rho, np.exp(p["intercept"] + 7.5 * (rho - 1)), "r:", label="exp(7.5 rho) (2606.13753, cross-entropy)")
    a.set(xscale="log", yscale="log", xticks=s["rhos"], xticklabels=[f"{r:g}" for r in s["rhos"]],
          xlabel="rho (||E|| put back to rho W_c after every step)",
          ylabel="tau at 95% test accuracy", title="(d) clamped norm (log-log: a power law is straight); "
          "x = (rho W_c)^4\ntimes the integral of dtau / ||E||^4 along the free run")
    a = ax[1, 1]
    for n in range(s["real_nets"]):
        a.plot(*xy(ok(R, net=n), lns, lambda x: x["delay_tau"]), "o-", label=f"net {n}: ||theta|| at 95% = "
               + ", ".join(f"{x['norm_grok']:.2f}" for x in ok(R, net=n)))
    cv = fit["real_norm_grok_cv"]
    a.set(xlabel="ln s (theta(0) scaled by s)", ylabel="tau_95 - tau_memorized (tau = 2 lr lambda step)",
          title="(e) real GD on both layers, Fig. 5 setting\n" + law(fit["real_delay_vs_ln_s"], "delay vs ln s")
          + ("" if cv is None else f"; CV of ||theta|| at 95%: {100 * cv:.1f}%"))
    a = ax[1, 2]
    for case, m in zip(out["rise"], "os"):
        for r, run in enumerate(case["runs"]):
            a.plot(run["substeps"], np.array(run["norm_after_step"]) / run["bound"], m + "-", color=f"C{r}",
                   label=f"p = {case['p']}, d_h = {case['hidden']}, eta = {case['lr']:g}, Fig. 6 run {r}")
    a.axhline(1.0, color="k", lw=1, label="the bound max(||E0||, sqrt(||E0|| ||W0||)) on the flow")
    a.set(xscale="log", yscale="log", xlabel="Euler steps taken for tau = eta (1: Fig. 6's own first step)",
          ylabel="||E|| after tau = eta / the bound", title="(f) Fig. 6(b)'s early rise is its first Euler step: "
          "smaller steps\nover the same tau stay under the flow's bound (d||E||^2/dtau = 2 ||W||^2 - 2 ||E||^2)")
    for a in ax.flat:
        a.minorticks_off()
        a.legend(fontsize=7)
    fig.suptitle(f"Fig. 13 (beyond the paper): delay laws of grokking. (a)-(d) Eq. 20 (ReLU, lambda -> 0), mod "
                 f"{s['p']}, d_h = {s['hidden']}, {s['train_frac']:.0%} training pairs, steps eta min(1, ||E||^2 / "
                 "||W||^2), x = predicted from the seed's s = 1 run.\n(e) real GD: mod 11, width 128, 7 test pairs, "
                 "mean-squared loss + 5e-5 ||theta||^2, lr = min(1, 1 / sharpness). Grokking: test accuracy >= 95%")
    plots.save(fig, path)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig13": (["fig13_delay_laws.png"], lambda s: (
        f"Delay laws, Eq. 20 at p = {s['settings']['p']}, d_h = {s['settings']['hidden']}: tau at 95% vs ln s (E0 scaled "
        f"by s >= 1) slope {plots.nums([(s['fits']['free_vs_ln_s'] or {}).get('slope')], '.2f', '-')}; norm at 95% "
        f"{s['fits']['norm_grok_mean']:.2f}, CV {100 * s['fits']['norm_grok_cv']:.1f}%; clamped at rho W_c: "
        f"tau ~ rho^{plots.nums([(s['fits']['clamp_power'] or {}).get('slope')], '.2f', '-')} (Eq. 20: rho^4); real GD "
        f"(Fig. 5 setting): delay vs ln s slope {plots.nums([(s['fits']['real_delay_vs_ln_s'] or {}).get('slope')], '.2f', '-')}, "
        f"norm CV {plots.nums([s['fits']['real_norm_grok_cv']], '.1%', '-')}."))
}
