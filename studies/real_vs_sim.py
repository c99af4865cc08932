"""Does real training follow Eq. 20? (Figs. 8 and 10, beyond the paper.)

Question: Eq. 20 assumes the second layer is always at its optimal readout (Sec. 5: theta2 fast,
theta1 slow). Does full-batch GD on both layers of the two-layer ReLU net move its first layer as
Eq. 20 says, and how much faster must the readout be for it to?

Answer: plain GD (r = 1) groks later than finite-lambda Eq. 20 from the same start, by a time ratio
of about 2 (fig10/sweep/by_lambda/*/ratio_median, r = 1); with r - 1 extra readout steps per
first-layer step the ratio falls towards 1 (about 1.03 at r = 30). Over windows of rescaled time
the real W1 displacement follows finite-lambda Eq. 20's (fig8/runs/*/disp, cosine and length
ratio against plain shrinkage and a random direction). The exact readout is finite-lambda Eq. 20 by
construction (the envelope theorem): a check of the code, not evidence. Extends Secs. 5-6.

Run: python grok.py --figs 8,10 (add --quick for a small version).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import manifold as MF
import modadd as MA
import models as M
import plots
from models import xp
from studies import feet


# ---------------------------------------------------------------- real training, measured against Eq. 20
YARDSTICK = ("cos", "len_ratio", "cos_shrink", "len_ratio_shrink", "cos_random")
DISP_FORMS = {"lambda0": False, "finite_lambda": True}  # Eq. 20's form: A = (H H^T)^-1 / (H H^T + lam I)^-1


def readout_lr(H, lam):
    """GD step size for the readout alone: 1 / (||H||_F^2 + lam) <= 2 / top eigenvalue 2 (s_max(H)^2 + lam)
    of its Hessian, so a readout step at fixed H never raises the loss (s_max^2 <= ||H||_F^2; s_max: the largest singular value)."""
    return 1.0 / (float(xp.sum(H * H)) + lam)


def readout_steps(H, Y, W2, lam, steps, lr):
    """`steps` GD steps on ||H W2 - Y||^2 + lam ||W2||^2 over W2 alone, at fixed H (Eq. 13)."""
    for _ in range(steps):
        W2 = W2 - lr * (2.0 * (H.T @ (H @ W2 - Y)) + 2.0 * lam * W2)
    return W2


def two_layer_step(E, W2, X, Y, lam, lr, readout=1):
    """One step of real training (Eqs. 12-13, ReLU): GD with step lr on both layers, then
    readout - 1 more readout steps at the new E (readout = r), or W2 = W2*(E), the ridge
    readout (readout = "exact": the E step is then 2 lr lam times the finite-lambda Eq. 20)."""
    gE, gW = M.loss_grad((E, W2), X, Y, lam)
    E, W2 = E - lr * gE, W2 - lr * gW
    if readout == 1:
        return E, W2
    H = xp.maximum(X @ E, 0.0)
    if readout == "exact":
        return E, MA.optimal_readout(H, Y, lam)
    return E, readout_steps(H, Y, W2, lam, readout - 1, readout_lr(H, lam))


def separation(readout, H, lam, lr):
    """How many times faster W2's slowest mode (outside H's row space: only weight decay moves it)
    relaxes than tau advances: 1 + (r - 1) readout_lr / lr (None: exact readout)."""
    return None if readout == "exact" else 1.0 + (readout - 1) * readout_lr(H, lam) / lr


def rescaled_time(lr, lam, steps):
    """Real GD moves W1 by -lr grad R = 2 lr lam dW1 (Eq. 20) per step: tau = 2 lr lam step."""
    return 2.0 * lr * lam * steps


def readout_name(readout):
    """The row label of a readout scheme (r readout steps per first-layer step; the label's "k=" is the
    summary's spelling): "gd k=1" is plain GD, "exact" the ridge readout."""
    return "exact" if readout == "exact" else f"gd k={readout}"


def readout_shown(name):
    """A readout_name as logs, legends and captions write it: "gd k=3" -> "r = 3"."""
    return name.replace("gd k=", "r = ")


def displacement_yardstick(E0, E1, X, Y, D, eta, lam, rng):
    """Real displacement u = E1 - E0 against Eq. 20's v = S(E0, D) - E0 (Euler step eta): cos(u, v)
    and ||u|| / ||v||, and the same for two baselines from E0: plain shrinkage over D,
    -(1 - e^-D) E0, and a random direction (its length would be ||u||: same ratio by construction)."""
    u, v = (E1 - E0).ravel(), (feet.closed_form_flow(E0, X, Y, D, eta, lam) - E0).ravel()
    nv = xp.linalg.norm(v)
    cos = lambda a: float(a @ v / (xp.linalg.norm(a) * nv))  # noqa: E731
    shrink = -(1.0 - np.exp(-D)) * E0.ravel()
    return {"cos": cos(u), "len_ratio": float(xp.linalg.norm(u) / nv), "cos_shrink": cos(shrink),
            "len_ratio_shrink": float(xp.linalg.norm(shrink) / nv),
            "cos_random": cos(xp.asarray(rng.normal(size=u.shape)))}


def finite_lambda_accuracy(E, d, lam, eta, tau_max, every):
    """Eq. 20 at finite lambda (A = (H H^T + lam I)^-1), Euler step eta, with the ridge readout:
    test accuracy every `every` of rescaled time until it first reaches 0.95 (the exact-readout
    limit of real training, Fig. 10). d holds the split: X, Y (train), Xt, Yt (test)."""
    taus, acc = [], []
    for j in range(int(round(tau_max / every)) + 1):
        if j:
            E = feet.closed_form_flow(E, d["X"], d["Y"], every, eta, lam)
        taus.append(j * every)
        W2 = MA.optimal_readout(xp.maximum(d["X"] @ E, 0.0), d["Y"], lam)
        acc.append(MA.accuracy(E, W2, d["Xt"], d["Yt"]))
        if acc[-1] >= 0.95:
            break
    return np.array(taus), np.array(acc)


def real_record(rec, E, W2, E_before, d, lam, tau, check_Z):
    """One measurement of real training: test accuracy, W2's distance to its optimal readout, and the
    cosines of the last window's W1 update with Eq. 20 (and, if check_Z, with Sec. 4's -P_T theta)."""
    X, Y = d["X"], d["Y"]
    W_opt = MA.optimal_readout(xp.maximum(X @ E, 0.0), Y, lam)  # argmin over W2 of L_lam at this E
    loss = float(xp.sum((xp.maximum(X @ E, 0.0) @ W2 - Y) ** 2))
    if not np.isfinite(loss):
        raise FloatingPointError(f"real training (lambda = {lam}): NaN/inf at tau = {tau:.3f}")
    rec["tau"].append(tau)
    rec["train_loss"].append(loss)
    rec["test_acc"].append(MA.accuracy(E, W2, d["Xt"], d["Yt"]))
    rec["w2_gap"].append(float(xp.linalg.norm(W2 - W_opt) / xp.linalg.norm(W_opt)))
    U = None if E_before is None else E - E_before
    rec["cos"].append(np.nan if U is None else MF.cosine(U.ravel(), MA.closed_form_update(E, X, Y).ravel()))
    if check_Z and U is not None:
        rec["tau_Z"].append(tau)
        rec["cos_Z"].append(MF.cosine(U.ravel(), norm_min_on_Z(E, W2, X).ravel()))


def real_training(E, W2, d, lam, lr, tau_max, readout=1, eta=1e-3, every=0.05, window=0.01, z_checks=7,
                  disp_windows=(0.01, 0.05, 0.2), disp_every=0.5, stop_after=None, rng=None, log=None):
    """Figs. 8, 10: real training (two_layer_step with `readout`: r or "exact") in rescaled time,
    measured every `every` of tau (the update over the last `window`); displacement_yardstick over
    disp_windows from points disp_every of tau apart (None: none), both forms of Eq. 20. stop_after:
    stop that much tau after the test accuracy first reaches 0.95 (None: run to tau_max)."""
    dtau = rescaled_time(lr, lam, 1)
    steps = int(np.ceil(tau_max / dtau))
    every_t, window_t = max(1, round(every / dtau)), max(1, round(window / dtau))
    z_every = max(1, round(tau_max / z_checks / every)) if z_checks else 0  # in measurements
    wins = [max(1, round(D / dtau)) for D in disp_windows]  # in steps
    n_disp = int((tau_max - disp_windows[-1]) / disp_every) + 1 if disp_every else 0  # last window fits
    starts = [round(j * disp_every / dtau) for j in range(n_disp)]
    keep = {s + w for s in starts for w in (0, *wins)}
    rec = {k: [] for k in ("tau", "train_loss", "test_acc", "w2_gap", "cos", "tau_Z", "cos_Z")}
    kept, E_before = {}, None
    for t in range(steps + 1):
        if t in keep:
            kept[t] = E  # two_layer_step returns new arrays, so no copy is needed
        if t % every_t == 0:
            i, tau = t // every_t, rescaled_time(lr, lam, t)
            real_record(rec, E, W2, E_before, d, lam, tau, z_every and i % z_every == 0)
            if log is not None and i % round(1.0 / every) == 0:
                log(f"real training ({'exact readout' if readout == 'exact' else f'r = {readout}'}), lambda = {lam}: "
                    f"tau {tau:.1f}/{tau_max}, "
                    f"test accuracy {rec['test_acc'][-1]:.3f}")
            g = MA.grok_step(rec["tau"], rec["test_acc"])
            if stop_after is not None and g is not None and tau >= g + stop_after:
                break
        if (t + window_t) % every_t == 0:
            E_before = E  # the instantaneous update window ends at the next measurement
        if t < steps:
            E, W2 = two_layer_step(E, W2, d["X"], d["Y"], lam, lr, readout)
    done = [s for s in starts if s + wins[-1] in kept]
    rng = np.random.default_rng(0) if rng is None else rng
    disp = {}
    for form, finite in DISP_FORMS.items():
        m = [[displacement_yardstick(kept[s], kept[s + w], d["X"], d["Y"], D, eta, lam * finite, rng)
              for s in done] for D, w in zip(disp_windows, wins)]
        disp[form] = {q: {f"{D:g}": np.array([x[q] for x in mD]) for D, mD in zip(disp_windows, m)}
                      for q in YARDSTICK}
    return {"steps": t, "tau_disp": np.array([rescaled_time(lr, lam, s) for s in done]), "disp": disp,
            **{k: np.array(v) for k, v in rec.items()}}


def real_summary(lam, lr, sharp, r, grok_sim):
    """The Fig. 8 / 10 numbers of one real run; means over 0 < tau <= its grokking time (all tau if
    it did not grok): displacement yardstick per form, quantity and window, cosines, W2 gap."""
    g = MA.grok_step(r["tau"], r["test_acc"])
    upto, upto_Z, upto_disp = (r[k] <= (g if g is not None else np.inf) for k in ("tau", "tau_Z", "tau_disp"))
    mean = lambda c, sel: float(c[sel].mean()) if sel.any() else None  # noqa: E731
    disp = {form: {q: {D: mean(c, upto_disp) for D, c in byD.items()} for q, byD in f.items()}
            for form, f in r["disp"].items()}
    return {"lambda": lam, "lr": lr, "sharpness": sharp, "steps": r["steps"],
            "grok_tau_real": g, "grok_tau_sim": grok_sim, "disp": disp,
            "cos_mean": float(np.nanmean(r["cos"][upto])), "cos_Z_mean": mean(r["cos_Z"], upto_Z),
            "w2_gap_mean": float(r["w2_gap"][upto][1:].mean()),
            "train_loss_max_after_start": float(r["train_loss"][1:].max())}


def ratio_stats(real, fin):
    """Fig. 10 (d), per row of `real` (seeds): tau_real / tau_finite per seed (None: one of them did not
    reach 95%), their median (not reached = infinitely late), min and max over the seeds that did."""
    ratio = [[None if a is None or b is None else a / b for a, b in zip(row, fin)] for row in real]
    ok = [[x for x in row if x is not None] for row in ratio]
    med = [float(np.median([np.inf if x is None else x for x in row])) for row in ratio]
    return {"ratio": ratio, "ratio_median": [m if np.isfinite(m) else None for m in med],
            "ratio_min": [min(o) if o else None for o in ok], "ratio_max": [max(o) if o else None for o in ok]}


def norm_min_on_Z(E, W2, X):
    """First-layer part of -P_T theta for the ReLU net relu(X E) W2 (Sec. 4, both layers free):
    -theta + J^+ J theta, with J theta = 2 F because the bias-free ReLU net is 2-homogeneous."""
    dE, _ = MF.min_norm_step((E, W2), X, 2.0 * M.forward((E, W2), X))
    return dE - E


# ---------------------------------------------------------------- Figs. 8 and 10: the experiments
# Smaller than Fig. 6 so that real GD, ~10^5 steps per lambda, fits in about a minute (--p etc. set
# Fig. 6 only). tau = 2 lr lam step for real GD, eta step for Eq. 20 (one run, seed (seed, 8)).
# Real runs stop stop_after of tau after grokking, at tau = 7 at the latest.
FIG8 = {"p": 19, "hidden": 192, "lambdas": (0.03, 0.1, 0.3), "tau": 7.0, "sim_lr": 1e-3, "stop_after": 1.0}
FIG8_QUICK = {"p": 13, "hidden": 96, "lambdas": (0.1, 0.3), "tau": 1.0, "sim_lr": 1e-2, "stop_after": 1.0}
FIG8_EVERY, FIG8_WINDOW = 0.05, 0.01  # measure every / instantaneous update window, in tau
FIG8_Z_CHECKS = 7  # Sec. 4 direction (one J J^T solve, ~0.5 s) this many times per run
# The yardstick (displacement_yardstick) over these windows of tau, from points
# FIG8_DISP_EVERY of tau apart: each point simulates Eq. 20 for 2 x 0.26 tau (~0.2 s).
FIG8_DISP_WINDOWS, FIG8_DISP_EVERY = (0.01, 0.05, 0.2), 0.5


def fig8_start(rng, s):
    """A split of the mod-p pairs (s["train_frac"]) and W1(0) = E0: (data dict, E0)."""
    X, Y, Xt, Yt, E0 = MA.split_problem(rng, s["p"], s["train_frac"], s["hidden"])
    return {"X": X, "Y": Y, "Xt": Xt, "Yt": Yt}, E0


def fig8_problem(args, s, fig, log=None):
    """The Fig. 8 setting s: data split, W1(0) and the lambda -> 0 simulation (seed (seed, fig))."""
    d, E0 = fig8_start(np.random.default_rng([args.seed, fig]), s)
    sim = MA.simulate(E0, d["X"], d["Y"], d["Xt"], d["Yt"], s["sim_lr"], int(round(s["tau"] / s["sim_lr"])),
                      every=max(1, round(FIG8_EVERY / s["sim_lr"])), label=f"Figure {fig} (Eq. 20)",
                      log=log)
    sim_tau = sim["step"] * s["sim_lr"]
    return d, E0, sim_tau, sim["test_acc"], MA.grok_step(sim_tau, sim["test_acc"])


def fig8_run(d, E0, lam, s, grok_sim, readout=1, exact_eta=None, log=None, **kw):
    """Real training from W1(0) = E0, W2(0) = the ridge readout (W2's slow manifold) with
    lr = 1 / sharpness, half the GD stability limit; returns (summary row, record). With the
    exact readout W2 no longer limits lr, only Eq. 20's own Euler step 2 lr lam does: exact_eta
    raises lr to exact_eta / (2 lam) where that is larger."""
    W2 = MA.optimal_readout(xp.maximum(d["X"] @ E0, 0.0), d["Y"], lam)
    sharp = feet.sharpness((E0, W2), d["X"], lam)
    lr = max(1.0 / sharp, exact_eta / (2 * lam)) if readout == "exact" and exact_eta else 1.0 / sharp
    kw = {"z_checks": FIG8_Z_CHECKS, "disp_every": FIG8_DISP_EVERY, **kw}
    r = real_training(E0, W2, d, lam, lr, s["tau"], readout, s["sim_lr"], FIG8_EVERY, FIG8_WINDOW,
                         disp_windows=FIG8_DISP_WINDOWS, log=log, **kw)
    return {"readout": readout_name(readout), **real_summary(lam, lr, sharp, r, grok_sim)}, r


def fig8_lambda(args, problem, lam, s, log):
    """Fig. 8's plain-GD run at lam (Fig. 10 repeats it exactly), with finite-lambda Eq. 20's time."""
    d, E0, _, _, grok_sim = problem
    fin = MA.grok_step(*finite_lambda_accuracy(E0, d, lam, s["sim_lr"], s["tau"], FIG8_EVERY))
    row, r = fig8_run(d, E0, lam, s, grok_sim, stop_after=s["stop_after"],
                      rng=np.random.default_rng([args.seed, 8, round(lam * 1e6)]), log=log)
    log(f"Figure 8 lambda = {lam}: tau at 95%, real {plots.nums([row['grok_tau_real']], '.2f', '-')}, Eq. 20 "
        f"{plots.nums([grok_sim], '.2f', '-')}, finite-lambda Eq. 20 {plots.nums([fin], '.2f', '-')}")
    return {**row, "grok_tau_sim_finite_lambda": fin}, r


def fig8(args, cache, log):
    """Beyond the paper: real GD on the full two-layer net vs the closed-form dynamics (Eq. 20)."""
    s = dict(FIG8_QUICK if args.quick else FIG8, train_frac=getattr(args, "train_frac", 0.7))
    problem = fig8_problem(args, s, 8, log)
    runs, curves = zip(*[fig8_lambda(args, problem, lam, s, log) for lam in s["lambdas"]])
    cache["fig8"] = {"settings": dict(s), "problem": problem,
                     "runs": dict(zip(s["lambdas"], zip(runs, curves)))}
    s.update(n_train=problem[0]["X"].shape[0], init_std=s["p"] ** -0.5, lr_rule="1 / sharpness at the start",
             record_every_tau=FIG8_EVERY, window_tau=FIG8_WINDOW, checks_Z=FIG8_Z_CHECKS,
             disp_windows_tau=FIG8_DISP_WINDOWS, disp_every_tau=FIG8_DISP_EVERY)
    plot_fig8(problem[2], problem[3], curves, runs, s, os.path.join(args.out, "fig8_real_vs_sim.png"))
    return {"fig8": {"settings": s, "runs": list(runs)}}


# Real training from the Fig. 8 start with a faster second layer: r - 1 extra readout steps per W1 step
# (readout_lr), and the exact readout, with which each W1 step is an Euler step 2 lr lam
# (raised to exact_eta) of finite-lambda Eq. 20 (envelope theorem): a check of the code, not evidence.
# The evidence is the sweep: r in ks at two lambdas, own split and E0 per seed (seed (seed, 10, 0, r)), until
# 95% or tau, smaller (r = 30 at Fig. 8's size: ~50 s a run), p = 15 (at p = 13 some splits never get to 95%).
FIG10 = {"lam": 0.1, "readouts": (3, "exact"), "stop_after": 0.2, "disp_every": 0.25, "exact_eta": 2.5e-4,
         "sweep": {"p": 15, "hidden": 128, "train_frac": 0.8, "lambdas": (0.1, 0.3), "ks": (1, 3, 10, 30),
                   "seeds": 3, "tau": 6.0, "sim_lr": 1e-3}}
FIG10_QUICK = {"lam": 0.3, "readouts": (3, "exact"), "stop_after": 0.2, "disp_every": 0.25, "exact_eta": 2e-3,
               "sweep": {"p": 11, "hidden": 72, "train_frac": 0.9, "lambdas": (0.3,), "ks": (1, 3),
                         "seeds": 2, "tau": 3.0, "sim_lr": 1e-2}}


def fig10_sweep(args, sw, log):
    """The seed sweep: time to 95% test accuracy of real training with r readout steps, over that of
    finite-lambda Eq. 20 from the same split and E0, per lambda, r and seed."""
    real = np.full((len(sw["lambdas"]), len(sw["ks"]), sw["seeds"]), None)
    fin = np.full((len(sw["lambdas"]), sw["seeds"]), None)
    for r in range(sw["seeds"]):
        d, E0 = fig8_start(np.random.default_rng([args.seed, 10, 0, r]), sw)
        for i, lam in enumerate(sw["lambdas"]):
            fin[i, r] = MA.grok_step(*finite_lambda_accuracy(E0, d, lam, sw["sim_lr"], sw["tau"], FIG8_EVERY))
            for j, k in enumerate(sw["ks"]):
                real[i, j, r] = fig8_run(d, E0, lam, sw, None, k, z_checks=0, disp_every=None,
                                         stop_after=0.0)[0]["grok_tau_real"]
            log(f"Figure 10 sweep seed {r}, lambda = {lam}: tau at 95%, real {plots.nums(list(real[i, :, r]), '.2f', '-')}"
                f", finite-lambda Eq. 20 {plots.nums([fin[i, r]], '.2f', '-')}")
    return {"lambdas": sw["lambdas"], "ks": sw["ks"], "seeds": sw["seeds"], "grok_tau_real": real.tolist(),
            "grok_tau_sim_finite_lambda": fin.tolist(),
            "by_lambda": [ratio_stats(real[i], fin[i]) for i in range(len(sw["lambdas"]))]}


def fig10(args, cache, log):
    """Beyond the paper: how much time-scale separation between the layers Eq. 20 needs."""
    c = FIG10_QUICK if args.quick else FIG10
    s = dict(FIG8_QUICK if args.quick else FIG8, train_frac=getattr(args, "train_frac", 0.7))
    lam, cached = c["lam"], cache.get("fig8", {})
    reuse = cached.get("settings") == s and lam in cached["runs"]  # Fig. 8 ran in this process: reuse it
    problem = cached["problem"] if reuse else fig8_problem(args, s, 8, log)
    row, r = cached["runs"][lam] if reuse else fig8_lambda(args, problem, lam, s, log)
    d, E0, sim_tau, sim_acc, grok_sim = problem
    runs, curves = [row], [r]
    for i, readout in enumerate(c["readouts"]):
        row_k, r_k = fig8_run(d, E0, lam, s, grok_sim, readout, c["exact_eta"], z_checks=0,
                              disp_every=c["disp_every"], stop_after=c["stop_after"],
                              rng=np.random.default_rng([args.seed, 10, 1, i]), log=log)
        runs.append({**row_k, "grok_tau_sim_finite_lambda": row["grok_tau_sim_finite_lambda"]})
        curves.append(r_k)
        log(f"Figure 10 {readout_shown(row_k['readout'])}: tau at 95%, real {plots.nums([row_k['grok_tau_real']], '.2f', '-')}")
    H0 = xp.maximum(d["X"] @ E0, 0.0)
    runs = [{**x, "separation": separation(rd, H0, lam, x["lr"])} for x, rd in zip(runs, (1, *c["readouts"]))]
    sweep = fig10_sweep(args, c["sweep"], log)
    sw = {**c["sweep"], "n_train": MA.n_train(c["sweep"]["p"], c["sweep"]["train_frac"])}
    settings = {**{k: c[k] for k in ("lam", "readouts", "exact_eta")}, "stop_after_tau": c["stop_after"],
                "disp_every_tau": c["disp_every"], "p": s["p"], "hidden": s["hidden"], "n_train": d["X"].shape[0],
                "tau": s["tau"], "sim_lr": s["sim_lr"], "disp_windows_tau": FIG8_DISP_WINDOWS, "sweep": sw,
                "readout_lr_rule": "1 / (||H||_F^2 + lambda)"}
    plot_fig10(sim_tau, sim_acc, curves, runs, sweep, settings, os.path.join(args.out, "fig10_timescales.png"))
    return {"fig10": {"settings": settings, "runs": runs, "sweep": sweep}}


# ---------------------------------------------------------------- Figs. 8 and 10: the plots
def yardstick_panels(axc, axl, curves, runs, names, colors, D="0.2", form="finite_lambda"):
    """Figs. 8, 10 (b), (c): displacement cosine (axc) and length ratio (axl) of real W1 with Eq. 20 over
    windows D of tau against tau, one solid line per run; baselines dotted (plain shrinkage -E,
    same color) and gray x (a random direction). Legends: the means up to grokking."""
    for c, r, name, col in zip(curves, runs, names, colors):
        y, m = c["disp"][form], r["disp"][form]
        axc.plot(c["tau_disp"], y["cos"][D], "-o", color=col, ms=3,
                 label=f"{name}: mean {m['cos'][D]:.2f} (shrinkage {m['cos_shrink'][D]:.2f}, random "
                       f"{m['cos_random'][D]:+.3f})")
        axc.plot(c["tau_disp"], y["cos_shrink"][D], ":", color=col, lw=1.2)
        axc.plot(c["tau_disp"], y["cos_random"][D], "x", color="0.55", ms=4)
        axl.plot(c["tau_disp"], y["len_ratio"][D], "-o", color=col, ms=3,
                 label=f"{name}: mean {m['len_ratio'][D]:.2f} (shrinkage {m['len_ratio_shrink'][D]:.2f})")
        axl.plot(c["tau_disp"], y["len_ratio_shrink"][D], ":", color=col, lw=1.2)
    axc.plot([], [], "k:", label="baseline: plain shrinkage -E over the same D")
    axc.plot([], [], "x", color="0.55", label="baseline: a random direction")
    axl.plot([], [], "k:", label="baseline: plain shrinkage -E over the same D")
    axc.axhline(0, color="gray", lw=0.8)
    axl.axhline(1, color="gray", lw=0.8)
    lam = "finite lambda, A = (H H^T + lambda I)^-1" if form == "finite_lambda" else "lambda -> 0"
    axc.set(ylabel="displacement cosine", ylim=(-0.2, 1.02),
            title=f"(b) cosine of real W1(tau + D) - W1(tau) with Eq. 20 ({lam}) simulated\nfrom the same "
                  f"W1(tau) over the same D = {D} tau (a run of Eq. 20 itself scores 1)")
    axl.set(ylabel="||real displacement|| / ||Eq. 20 displacement||", ylim=(0, None),
            title="(c) length ratio over the same windows (1: W1 moves as far as Eq. 20 does)")
    for a, loc in ((axc, "lower left"), (axl, "upper left")):
        a.set_xlabel("rescaled time tau")
        a.legend(fontsize=7, loc=loc)


def plot_fig8(sim_tau, sim_acc, curves, runs, s, path):
    """Fig. 8: real GD on both layers vs the closed-form dynamics, against rescaled time tau."""
    fig, ax = plt.subplots(2, 2, figsize=(15, 11))
    ax = ax.ravel()
    tau95 = lambda g: "not by the end" if g is None else f"{g:.2f}"  # noqa: E731
    ax[0].plot(sim_tau, sim_acc, "k-", lw=2.5, label=f"Eq. 20, lambda -> 0 (eta = {s['sim_lr']:g}): "
               f"0.95 at tau = {tau95(runs[0]['grok_tau_sim'])}")
    for c, r, col in zip(curves, runs, plots.colors(len(runs))):
        ax[0].plot(c["tau"], c["test_acc"], color=col, label=(
            f"real GD, lambda = {r['lambda']:g}: 0.95 at tau = {tau95(r['grok_tau_real'])}; finite-lambda Eq. 20: "
            f"{tau95(r['grok_tau_sim_finite_lambda'])} (lr {r['lr']:.1e}, {r['steps']:,} steps)"))
        ax[3].plot(c["tau"][1:], c["w2_gap"][1:], color=col, label=f"lambda = {r['lambda']:g}")
        for a in ax:
            if r["grok_tau_real"] is not None:
                a.axvline(r["grok_tau_real"], color=col, ls=":", lw=1)
    ax[0].axhline(0.95, color="gray", lw=0.8)
    ax[0].set(xlabel="rescaled time tau  (real: 2 eta lambda step;  Eq. 20: eta step)", ylabel="test accuracy",
              ylim=(-0.02, 1.02), title="(a) test accuracy (dotted lines: first time >= 0.95)")
    ax[0].legend(fontsize=7, loc="lower right")
    yardstick_panels(ax[1], ax[2], curves, runs, [f"lambda = {r['lambda']:g}" for r in runs], plots.colors(len(runs)))
    ax[3].set(xlabel="rescaled time tau", ylabel="||W2 - W2*(W1)|| / ||W2*(W1)||", ylim=(0, None),
              title="(d) distance of the real W2 from its optimal (ridge) readout W2*(W1) for the current W1")
    ax[3].legend(fontsize=7)
    fig.suptitle(
        f"Fig. 8 (beyond the paper): full-batch GD on both layers vs the closed-form first-layer dynamics; "
        f"a + b mod {s['p']}, d_h = {s['hidden']}, ReLU, {s['n_train']} training pairs\n"
        f"loss ||relu(X W1) W2 - Y||^2 + lambda (||W1||^2 + ||W2||^2); same W1(0) ~ N(0, std p^-1/2) for all runs, "
        f"W2(0) = ridge readout; step eta = 1 / (top Hessian eigenvalue at the start); one seed")
    plots.save(fig, path)


READOUT_COLORS = {"gd k=1": "tab:blue", "gd k=3": "tab:orange", "gd k=10": "tab:green", "exact": "tab:red"}


def readout_label(r):
    """Legend text of a Fig. 10 run: its readout scheme and time-scale separation."""
    if r["readout"] == "exact":
        return "exact readout W2*(W1) (= finite-lambda Eq. 20 by construction)"
    n = r["readout"].split("=")[1]
    return f"{'plain GD, ' if n == '1' else 'GD, '}r = {n} (separation {r['separation']:.1f})"


def plot_fig10(sim_tau, sim_acc, curves, runs, sweep, s, path):
    """Fig. 10: real training with a faster readout against Eq. 20, and the seed sweep over k."""
    fig, ax = plt.subplots(2, 2, figsize=(15, 11))
    ax = ax.ravel()
    cols = [READOUT_COLORS.get(r["readout"], "tab:purple") for r in runs]
    fin = runs[0]["grok_tau_sim_finite_lambda"]
    ax[0].plot(sim_tau, sim_acc, "k-", lw=2.5, label=f"Eq. 20, lambda -> 0: 0.95 at tau = {runs[0]['grok_tau_sim'] or '-'}")
    if fin is not None:
        ax[0].axvline(fin, color="k", ls="--", lw=1, label=f"Eq. 20 at finite lambda: 0.95 at tau = {fin:.2f}")
    for c, r, col in zip(curves, runs, cols):
        g = "not by the end" if r["grok_tau_real"] is None else f"{r['grok_tau_real']:.2f}"
        ax[0].plot(c["tau"], c["test_acc"], color=col, label=f"{readout_label(r)}: {g} "
                   f"({r['steps']:,} steps; mean ||W2 - W2*|| / ||W2*|| {r['w2_gap_mean']:.2g})")
    ax[0].axhline(0.95, color="gray", lw=0.8)
    ax[0].set(xlabel="rescaled time tau = 2 eta lambda step", ylabel="test accuracy", ylim=(-0.02, 1.02),
              title=f"(a) lambda = {s['lam']:g}, one seed: test accuracy, readout ever faster (legend: tau at 0.95)")
    ax[0].legend(loc="lower right", fontsize=7)
    yardstick_panels(ax[1], ax[2], curves, runs, [readout_shown(r["readout"]) for r in runs], cols)
    a, ks = ax[3], np.array(sweep["ks"])
    for i, (lam, st) in enumerate(zip(sweep["lambdas"], sweep["by_lambda"])):
        jit = ks * (1 + 0.06 * (i - 0.5))
        for j, row in enumerate(st["ratio"]):
            a.plot([jit[j]] * len(row), [np.nan if x is None else x for x in row], "o", color=f"C{i}", alpha=0.5, ms=5)
        a.plot(jit, [np.nan if m is None else m for m in st["ratio_median"]], "-", color=f"C{i}", lw=2,
               label=f"lambda = {lam:g}: median over {sweep['seeds']} seeds (dots: single seeds)")
    a.axhline(1.0, color="k", ls="--", lw=1, label="exact readout: 1 by construction (finite-lambda Eq. 20)")
    ss = s["sweep"]
    a.set(xscale="log", xlim=(ks[0] / 1.5, ks[-1] * 1.5), xticks=ks, xticklabels=[str(k) for k in ks], ylim=(0, None),
          xlabel="r = readout GD steps per first-layer step (r = 1: plain GD)",
          ylabel="tau_real / tau(finite-lambda Eq. 20) at 95% test accuracy",
          title=f"(d) the evidence: time ratio over {sweep['seeds']} seeds (own split and W1(0)), p = {ss['p']}, "
                f"d_h = {ss['hidden']}, {ss['n_train']} training pairs")
    a.minorticks_off()
    a.legend(fontsize=7)
    fig.suptitle(
        f"Fig. 10 (beyond the paper): how fast must the second layer be for Eq. 20 to hold? (a)-(c): real training "
        f"from the Fig. 8 start (p = {s['p']}, d_h = {s['hidden']}, {s['n_train']} pairs, W2(0) = ridge readout, "
        f"eta = 1 / sharpness);\nafter each GD step on both layers, r - 1 more readout steps of size 1 / (||H||_F^2 + "
        f"lambda), or the exact readout (its eta raised to make 2 eta lambda = {s['exact_eta']:g}), a check of the "
        f"code: by the envelope theorem\nit is Euler on finite-lambda Eq. 20. Separation = how many times faster W2's "
        f"slowest mode relaxes than tau advances (plain GD: 1). Runs stop {s['stop_after_tau']:g} tau after grokking.")
    plots.save(fig, path)


def disp_means(runs, q, form="finite_lambda", D="0.2"):
    """Figs. 8, 10 captions: each run's mean displacement yardstick q (window D of tau, Eq. 20's form)."""
    return [r["disp"][form][q][D] for r in runs]


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig8": (["fig8_real_vs_sim.png"], lambda s: (
        f"Real GD on both layers vs Eq. 20, p = {s['settings']['p']}, d_h = {s['settings']['hidden']}, one seed, "
        f"lambda = {plots.nums([r['lambda'] for r in s['runs']])}: tau at 95% test accuracy, real "
        f"{plots.nums([r['grok_tau_real'] for r in s['runs']], '.2f', 'not by the end')} vs Eq. 20 "
        f"{plots.nums([s['runs'][0]['grok_tau_sim']], '.2f', 'not by the end')} (lambda -> 0), "
        f"{plots.nums([r['grok_tau_sim_finite_lambda'] for r in s['runs']], '.2f', '-')} (finite lambda); over windows of "
        f"0.2 tau, cosine of the real W1 displacement with finite-lambda Eq. 20's "
        f"{plots.nums(disp_means(s['runs'], 'cos'), '.2f', '-')} and length ratio "
        f"{plots.nums(disp_means(s['runs'], 'len_ratio'), '.2f', '-')} (baselines: plain shrinkage "
        f"{plots.nums(disp_means(s['runs'], 'cos_shrink'), '.2f', '-')}, a random direction "
        f"{plots.nums(disp_means(s['runs'], 'cos_random'), '+.3f', '-')})"
        f"; instantaneous cosine {plots.nums([r['cos_mean'] for r in s['runs']], '.2f')}.")),
    "fig10": (["fig10_timescales.png"], lambda s: (
        f"Real training with a faster second layer, lambda = {s['settings']['lam']:g}, Fig. 8 start, tau at 95% test "
        "accuracy (displacement cosine / length ratio with finite-lambda Eq. 20 over 0.2 tau): " + "; ".join(
            f"{readout_shown(r['readout'])} {plots.nums([r['grok_tau_real']], '.2f', 'not by the end')} ({c:.2f} / {l:.2f})"
            for r, c, l in zip(s["runs"], disp_means(s["runs"], "cos"), disp_means(s["runs"], "len_ratio"))) +
        f" (finite-lambda Eq. 20: {plots.nums([s['runs'][0]['grok_tau_sim_finite_lambda']], '.2f', '-')}; the exact readout "
        "is finite-lambda Eq. 20 by construction, a check of the code). The evidence, tau_real / tau_finite-lambda "
        f"median [min, max] over {s['sweep']['seeds']} seeds at p = {s['settings']['sweep']['p']}: " + "; ".join(
            f"lambda {lam:g}: " + ", ".join(
                f"r = {k} {plots.nums([m], '.2f', '-')} [{plots.nums([lo], '.2f', '-')}, {plots.nums([hi], '.2f', '-')}]"
                for k, m, lo, hi in zip(s["sweep"]["ks"], st["ratio_median"], st["ratio_min"], st["ratio_max"]))
            for lam, st in zip(s["sweep"]["lambdas"], s["sweep"]["by_lambda"])) + "."))
}
