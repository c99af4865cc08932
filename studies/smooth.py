"""Does the Fig. 5 claim hold where Theorem 4.14's assumptions do? (Fig. 12, beyond the paper.)

Question: Theorem 4.14 assumes a smooth network close to Z; the paper's Fig. 5 nets are ReLU nets
trained at a finite lambda. Changing one thing at a time in Fig. 5's setting (a smooth activation:
tanh, softplus2, softplus8; lambda -> 0 over windows of equal rescaled time), does the update
follow -P_T theta more closely, and does the loss's share along Z shrink like the distance to Z?

Compared like with like: FIG12["nets"] nets per activation (ReLU: Fig. 5's nets as Fig. 9 measured
them), each measured at the steps of Fig. 5's shared log grid it reaches (matched steps) and, where a
phase has no grid point, at the middle of that phase (matched phases: Fig. 5's MA.phase); in the
paper's metric, the full cosine cos(u, -P_T theta), in the paper's momentum frame, the Gauss-Newton
frame and at the orthogonal foot, beside the tangential cosine cos(P_T u, -P_T theta) and the
distance to Z. Summary keys: fig12/matched_steps/<act>/<step> and fig12/matched_phases/<act>/<phase>,
each {n, nets, phases (steps only), <key>: {mean, min, max, n}} for the keys of FIG12_CELL_KEYS
(over the points that have the key: the orthogonal foot is measured only after memorization;
ReLU has no relax_steps); fig12/gap_at_matched_steps/<act>/<key>: the smooth mean minus ReLU's at
each common step; fig12/baseline: a random update's scores (tangential cosine ~ 0, so full ~ 0).

Answer: once near Z the smooth nets follow -P_T theta more closely than ReLU at the same steps,
by a wide margin in the paper's (momentum) frame (fig12/gap_at_matched_steps/*/cos_momentum) and
little at ReLU's orthogonal foot in the stratum frame, the frame most favourable to ReLU
(fig12/gap_at_matched_steps/*/cos: within ~0.08 to 12,390 steps); the gap grows with the step
because ReLU's cosine falls. Early on, tanh and softplus2 memorize late and are still descending
to Z (distance 3-10 against ReLU's 0.2-0.4) and score lower. tanh sits 3-5x farther from Z than
ReLU, so proximity (Thm 4.14) is not what lifts it. softplus2 memorizes late and
groks while still far from Z: its tangential cosine is high but most of its update is normal to Z
(tangent fraction), so its full cosine is low (fig12/matched_phases/softplus2/grokking). A random
update scores full and tangential cosine ~ 0 (fig12/baseline). lambda -> 0: one settledness rule
for every branch (relative change of the distance over the last chunk below FIG12_SETTLED), counts
in fig12/lambda_branches; slopes of log(||P_T u_L|| / ||P_T u_lambda||) against log(distance) for
distances <= FIT_MAX, pooled and per phase, with their point counts (fig12/slopes): over settled
branches only (gd_settled) and over all alike (gd_all). At the closed-form lambda-equilibrium
(feet.decay_equilibrium) a slope of 1 follows from a Taylor expansion (an O(delta^2) pull over an
O(delta) offset): fig12/slopes/equilibrium is a check of the code, not of training. Extends Sec. 4.

Run: python grok.py --figs 12 (runs Figs. 5 and 9 first; add --quick for a small version).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import manifold as MF
import modadd as MA
import models as M
import plots
from studies import feet

FIT_MAX = 0.1  # fit Thm 4.14's slope for distances <= this, as Fig. 4 does


# ---------------------------------------------------------------- Fig. 12: the experiment
# Fig. 5's data, init, lr, lambda and window (seeds (seed, 5, r)), one change at a time.
# (1) Activation: "acts" maps each smooth activation to how many steps of Fig. 5's shared grid it is
# trained through (tanh grokks at ~30k-50k steps, softplus2 and softplus8 by ~9k); ReLU: Fig. 5's nets.
# (2) lambda -> 0: from the middle point of each phase of ReLU net 1 (Fig. 5's) and tanh net 1, GD at
# lambda until the distance settles (settle_near_Z) or the step cap, then a window of equal rescaled
# time FIG12_TAU measured at the nearest point of Z (proj_steps iterations of orthogonal_projection).
FIG12 = {"nets": 3, "acts": {"tanh": 7, "softplus2": 5, "softplus8": 5}, "lambdas": (5e-5, 5e-6, 5e-7),
         "settle": (1000, 4000), "proj_steps": 20}
FIG12_QUICK = {"nets": 1, "acts": {"tanh": 2, "softplus8": 3}, "lambdas": (5e-5, 5e-6), "settle": (50, 100),
               "proj_steps": 4}
FIG12_TAU = 2 * MA.FIG5_LR * MA.FIG5_LAM * MA.FIG5_WINDOW  # window of rescaled time: 10 steps at lambda 5e-5
FIG12_SETTLED = 0.05  # relative change of the distance over a chunk below which a branch has settled
FIG12_CANDIDATES = 24  # log-spaced candidate points per run, for the middles of phases the grid misses
FIG12_CELL_KEYS = ("cos", "cos_tangent", "tangent_fraction", "dist", "cos_momentum", "cos_gauss-newton",
                   "dist_momentum", "dist_gauss-newton", "loss_to_decay", "relax_steps")


def fig12_gd(params, X, Y, steps, act):
    """Fig. 5's GD (mean loss, FIG5_LR, FIG5_LAM), bit for bit models.gradient_descent, with sigma(X W1)
    computed once per step (and tanh' as 1 - tanh^2 from it): tanh and softplus cost most here."""
    sigma, dsigma = M.ACTIVATIONS[act]
    (W1, W2), c, lr, lam = params, 1.0 / Y.size, MA.FIG5_LR, MA.FIG5_LAM
    for _ in range(steps):
        pre = X @ W1
        H = sigma(pre)
        dF = 2.0 * c * (H @ W2 - Y)
        dpre = (dF @ W2.T) * (1.0 - H ** 2 if act == "tanh" else dsigma(pre))
        g1, g2 = X.T @ dpre, H.T @ dF
        W1, W2 = W1 - lr * (g1 + 2.0 * lam * W1), W2 - lr * (g2 + 2.0 * lam * W2)
    return W1, W2


def fig12_run(rng, act, grid):
    """A Fig. 5 net with activation act, trained to grid[-1]: its curve steps, (train, test) accuracy
    there, candidate steps (grid and FIG12_CANDIDATES log-spaced) and (theta_{t-10}, theta_t) at each."""
    X, Y, Xte, Yte = MA.fig5_data(rng)
    params = MA.fig5_init(rng)
    measured, curve = MA.fig5_grid(int(grid[-1]), FIG12_CANDIDATES, MA.FIG5_CURVE)
    measured = np.union1d(measured, grid)
    curve = np.union1d(curve, grid)
    acc, states, done = [], {}, 0
    for t in curve:
        if t:
            before = fig12_gd(params, X, Y, t - MA.FIG5_WINDOW - done, act)
            params, done = fig12_gd(before, X, Y, MA.FIG5_WINDOW, act), t
        acc.append((MA.accuracy(*params, X, Y, act), MA.accuracy(*params, Xte, Yte, act)))
        if t in measured:
            states[int(t)] = (before, params)
    return curve, measured, np.array(acc), states, (X, Y)


def fig12_picks(measured, phase, grid):
    """Indices of `measured` to measure: the grid's steps, and the middle of each phase without one."""
    picks = set(np.flatnonzero(np.isin(measured, grid)).tolist())
    for ph in MA.PHASES:
        idx = np.flatnonzero(phase == ph)
        if idx.size and not np.isin(measured[idx], grid).any():
            picks.add(int(idx[idx.size // 2]))
    return sorted(picks)


def fig12_point(before, theta, X, Y, act, s, rng, foot=True):
    """One smooth-net point: MF.update_alignment's momentum (the paper's) and Gauss-Newton frames and,
    if foot, feet.measure_window at the orthogonal foot (its last window redone, bit for bit)."""
    frames = MF.update_alignment(before, theta, X, Y, act, MA.FIG5_LR)
    out = {f"{k}_{f}": frames[f"{k}_{f}"] for f in MF.FRAMES for k in ("cos", "dist")}
    if foot:
        out.update(feet.measure_window(before, X, Y, MA.FIG5_LR, MA.FIG5_LAM, MA.FIG5_WINDOW, act, s["proj_steps"],
                                       rng=rng))
    return out


def fig12_smooth(act, r, grid, s, args, rng, log):
    """One smooth net's run and its measured points; also returns its states, data and phases."""
    curve, measured, acc, states, (X, Y) = fig12_run(np.random.default_rng([args.seed, 5, r]), act, grid)
    phase = MA.phase(*acc[np.searchsorted(curve, measured)].T)
    points = []
    for i in fig12_picks(measured, phase, grid):
        t = int(measured[i])
        points.append({"step": t, "phase": str(phase[i]), "shared": bool(t in grid),  # no foot before memorization
                       **fig12_point(*states[t], X, Y, act, s, rng, foot=bool(phase[i]))})
    mem = np.flatnonzero(acc[:, 0] == 1)
    run = {"act": act, "net": r, "steps": int(grid[-1]), "memorize_step": int(curve[mem[0]]) if mem.size else None,
           "grok_step": MA.grok_step(curve, acc[:, 1], level=1.0), "points": points}
    log(f"Figure 12 {act} net {r + 1}: 100% test accuracy at step {plots.nums([run['grok_step']], ',', 'not reached')}, "
        f"{len(points)} points")
    return run, (curve, acc[:, 1]), (states, measured, phase, X, Y)


def fig12_frames(f5, nets):
    """Fig. 5's momentum and Gauss-Newton frames at its points (MF.update_alignment, as Fig. 5 measures
    them), for the first `nets` nets: arrays (nets, points) of cos_* and dist_*."""
    pts = [MF.update_alignment(b, t, net["X"], net["Y"], "relu", MA.FIG5_LR) for net in f5["nets"][:nets]
           for b, t in zip(net["befores"], net["thetas"])]
    return {f"{k}_{f}": np.array([p[f"{k}_{f}"] for p in pts]).reshape(min(nets, len(f5["nets"])), -1)
            for f in MF.FRAMES for k in ("cos", "dist")}


def fig12_relu(cache, nets):
    """Fig. 5's first `nets` ReLU nets as runs: Fig. 9's orthogonal-foot numbers at Fig. 5's points,
    and the momentum and Gauss-Newton frames from Fig. 5's per-point arrays "R" (measured again if
    its cache does not keep them)."""
    f5, R9 = cache["fig5"], cache["fig9"]["R"]
    phase = np.asarray(f5["phase"])
    step = np.broadcast_to(np.asarray(f5["step"]), phase.shape)
    R5 = f5["R"] if "R" in f5 else fig12_frames(f5, nets)
    shared = np.asarray(f5.get("shared", R5.get("shared", np.ones(phase.shape[1], bool))), bool)
    keys = [k for k in FIG12_CELL_KEYS if k in R9] + [k for k in FIG12_CELL_KEYS if k not in R9 and k in R5]
    runs = []
    for r in range(min(nets, phase.shape[0])):
        pts = [{"step": int(step[r, j]), "phase": str(phase[r, j]), "shared": bool(shared[j]),
                **{k: float((R9 if k in R9 else R5)[k][r, j]) for k in keys}} for j in range(phase.shape[1])]
        runs.append({"act": "relu", "net": r, "steps": int(step.max()), "memorize_step": None,
                     "grok_step": f5["grok_step"][r], "points": pts})
    return runs, np.unique(step[:, shared])


def fig12_branch(params, X, Y, act, lam, s, rng):
    """lambda -> 0: GD at lam until the distance to Z settles, then FIG12_TAU of rescaled time."""
    params, done, change = feet.settle_near_Z(params, X, Y, MA.FIG5_LR, lam, act, *s["settle"], FIG12_SETTLED)
    window = int(round(FIG12_TAU / (2 * MA.FIG5_LR * lam)))
    return {"act": act, "lam": lam, "settle_steps": done, "window": window, "settled_change": change,
            "settled": bool(abs(change) < FIG12_SETTLED),
            **feet.measure_window(params, X, Y, MA.FIG5_LR, lam, window, act, s["proj_steps"], rng=rng)}


def fig12_branches(act, thetas, phase, steps, X, Y, s, rng):
    """The lambda -> 0 branches of one net from the middle point of each of its phases."""
    return [{"phase": str(phase[i]), "from_step": int(steps[i]), **fig12_branch(thetas[i], X, Y, act, lam, s, rng)}
            for _, i in feet.branch_points(phase[None], 1, 1) for lam in s["lambdas"]]


def fig12_stats(pts, keys):
    """{n, nets, <key>: {mean, min, max, n}} over the points pts (for each key, those that have it)."""
    out = {"n": len(pts), "nets": len({p["net"] for p in pts})}
    for k in keys:
        if v := [p[k] for p in pts if k in p]:
            out[k] = {"mean": float(np.mean(v)), "min": float(np.min(v)), "max": float(np.max(v)), "n": len(v)}
    return out


def fig12_matched(runs, acts):
    """Cells per activation: matched steps (the shared grid's points, with their phases counted)
    and matched phases (all points of the phase)."""
    pts = {a: [{**p, "net": r["net"]} for r in runs if r["act"] == a for p in r["points"]] for a in acts}
    steps = {a: {int(t): {**fig12_stats(q := [p for p in pts[a] if p["shared"] and p["step"] == t], FIG12_CELL_KEYS),
                          "phases": {ph or "before_memorization": n for ph in dict.fromkeys(p["phase"] for p in q)
                                     if (n := sum(p["phase"] == ph for p in q))}}
                 for t in sorted({p["step"] for p in pts[a] if p["shared"]})} for a in acts}
    phases = {a: {ph: fig12_stats(q, FIG12_CELL_KEYS) for ph in MA.PHASES
                  if (q := [p for p in pts[a] if p["phase"] == ph])} for a in acts}
    return steps, phases


def fig12_gap(steps, acts, keys=("cos", "cos_tangent", "cos_momentum", "dist")):
    """Smooth minus ReLU, mean against mean, at each shared step both reach (where both have the key),
    and the mean over the steps at which every net of both has memorized."""
    out = {}
    for a in acts[1:]:
        out[a] = {}
        for k in keys:
            common = [t for t in steps[a] if t in steps["relu"] and k in steps[a][t] and k in steps["relu"][t]]
            if common:
                d = [steps[a][t][k]["mean"] - steps["relu"][t][k]["mean"] for t in common]
                late = [x for t, x in zip(common, d) if "before_memorization" not in {
                    *steps[a][t]["phases"], *steps["relu"][t]["phases"]}]
                out[a][k] = {"steps": common, "diff": d, "mean_after_memorization": float(np.mean(late)) if late else None,
                             "steps_after_memorization": len(late)}
    return out


def fig12_slope(rows, e):
    """{slope, n}: log-log slope of the loss-to-decay ratio against the distance (<= FIT_MAX), e: "" (the
    branch) or "eq_" (its closed-form equilibrium); slope None with fewer than 2 points."""
    rs = [q for q in rows if q[e + "dist"] <= FIT_MAX]
    xy = [[q[e + k] for q in rs] for k in ("dist", "loss_to_decay")]
    return {"slope": MF.loglog_slope(*xy) if len(rs) > 1 else None, "n": len(rs)}


def fig12_slopes(rows, acts=("relu", "tanh")):
    """Slopes pooled and per phase for each activation: GD branches, all and settled only (one rule
    for every branch), and the closed-form equilibrium of all branches (a check of the code)."""
    sets = {"gd_all": ("", lambda q: True), "gd_settled": ("", lambda q: q["settled"]),
            "equilibrium": ("eq_", lambda q: True)}
    return {name: {a: {"pooled": fig12_slope([q for q in rows if q["act"] == a and keep(q)], e),
                       **{ph: fig12_slope([q for q in rows if (q["act"], q["phase"]) == (a, ph) and keep(q)], e)
                          for ph in MA.PHASES}} for a in acts} for name, (e, keep) in sets.items()}


def fig12(args, cache, log):
    """Fig. 12: the Fig. 5 claim where Thm 4.14's assumptions hold: a smooth activation, lambda -> 0."""
    s = FIG12_QUICK if args.quick else FIG12
    runs, grid = fig12_relu(cache, s["nets"])
    rng = np.random.default_rng([args.seed, 12])  # the random-update baselines; nets: Fig. 5's seeds
    net1 = cache["fig5"]["nets"][0]
    phase0 = np.asarray(cache["fig5"]["phase"])[0]
    rows = fig12_branches("relu", net1["thetas"], phase0, [p["step"] for p in runs[0]["points"]], net1["X"], net1["Y"],
                          s, rng)
    curves = [("relu", r["net"], None, None) for r in runs]
    for act, k in s["acts"].items():
        for r in range(s["nets"]):
            run, curve, (states, measured, phase, X, Y) = fig12_smooth(act, r, grid[:k], s, args, rng, log)
            runs.append(run)
            curves.append((act, r, *curve))
            if r == 0 and act == "tanh":
                rows += fig12_branches(act, [states[int(t)][1] for t in measured], phase, measured, X, Y, s, rng)
    acts = ["relu", *s["acts"]]
    steps, phases = fig12_matched(runs, acts)
    found = [(r["act"], p) for r in runs if r["act"] != "relu" for p in r["points"] if "proj_loss" in p] + [
        (q["act"], q) for q in rows]  # every orthogonal foot Fig. 12 itself measured
    out = {"settings": {**s, "lr": MA.FIG5_LR, "lam": MA.FIG5_LAM, "window": MA.FIG5_WINDOW, "tau_window": FIG12_TAU,
                        "settled": FIG12_SETTLED, "fit_max_distance": FIT_MAX, "grid": grid,
                        "relu_frames": sorted({k for p in runs[0]["points"] for k in p if k.startswith("cos")})},
           "runs": runs, "matched_steps": steps, "matched_phases": phases,
           "gap_at_matched_steps": fig12_gap(steps, acts),
           "baseline": {f"random_{k}": fig12_stats([{**p, "net": 0} for a, p in found if a != "relu"],
                                                   [f"random_{k}"])[f"random_{k}"] for k in ("cos_tangent", "tangent_fraction")},
           "lambda_rows": rows, "slopes": fig12_slopes(rows),
           "lambda_branches": {a: {"branches": len(q := [r for r in rows if r["act"] == a]),
                                   "settled": sum(r["settled"] for r in q),
                                   "within_fit_max": sum(r["dist"] <= FIT_MAX for r in q),
                                   "settled_within_fit_max": sum(r["settled"] and r["dist"] <= FIT_MAX for r in q)}
                               for a in ("relu", "tanh")},
           "projection_residual_max": {a: max((p["proj_residual"] for b, p in found if b == a), default=None)
                                       for a in acts},
           "projection_loss_max": max(p["proj_loss"] for _, p in found),
           "cos_decay_only_min_by_construction": min(p["cos_decay_only"] for _, p in found)}
    plot_fig12(curves, out, os.path.join(args.out, "fig12_smooth_and_close.png"))
    return {"fig12": out}


# ---------------------------------------------------------------- Fig. 12: the plot
ACT_COLORS = {"relu": "k", "tanh": "tab:red", "softplus2": "tab:blue", "softplus8": "tab:cyan", "softplus32": "tab:gray"}


def fig12_step_panel(ax, steps, key, ls="-", label=True):
    """Mean over nets at each matched step, min-max as error bars, one line per activation."""
    for j, (act, cells) in enumerate(steps.items()):
        ts = sorted(t for t, c in cells.items() if key in c)
        if not ts:
            continue
        m, lo, hi = (np.array([cells[t][key][q] for t in ts]) for q in ("mean", "min", "max"))
        x = np.array(ts) * 1.03 ** (j - 1.5)  # small offsets so the bars do not hide each other
        ax.errorbar(x, m, [m - lo, hi - m], color=ACT_COLORS.get(act, "tab:olive"), ls=ls, marker="o", ms=3,
                    capsize=2, lw=1.3, label=f"{act} ({max(c['nets'] for c in cells.values())} nets)" if label else None)
    ax.set(xscale="log", xlabel="training step (Fig. 5's shared grid)")


def fig12_phase_bars(ax, phases):
    """Matched phases: the full cosine at the orthogonal foot (bars, min-max) and the tangential one (x)."""
    acts = list(phases)
    w = 0.8 / len(acts)
    for j, act in enumerate(acts):
        x = np.arange(3) + (j - (len(acts) - 1) / 2) * w
        c = [phases[act].get(ph) for ph in MA.PHASES]
        get = lambda k, q: np.array([np.nan if d is None else d[k][q] for d in c])  # noqa: E731
        m = get("cos", "mean")
        ax.bar(x, m, w * 0.9, yerr=[m - get("cos", "min"), get("cos", "max") - m], capsize=2,
               color=ACT_COLORS.get(act, "tab:olive"), alpha=0.75, label=act)
        ax.plot(x, get("cos_tangent", "mean"), "x", color="k", ms=6, label="tangential cosine (mean)" if j == 0 else None)
        ax.plot(x, get("cos_momentum", "mean"), "o", color="k", mfc="none", ms=5,
                label="full cosine, paper's momentum foot (mean)" if j == 0 else None)
        for xi, d in zip(x, c):
            if d is not None:
                ax.text(xi, -0.12, f"{d['n']}", ha="center", fontsize=6)
    ax.axhline(0, color="0.5", lw=0.6)
    ax.set_xticks(range(3), [f"{ph} phase" for ph in MA.PHASES])
    ax.set(ylim=(-0.2, 1.25), ylabel="cos(u, −P_T θ) at the orthogonal foot",
           title="(e) matched phases (Fig. 5's definition): full cosine at the orthogonal foot, bars min-max\n"
                 "(numbers: points)")
    ax.legend(fontsize=7, ncol=3, loc="upper left")


def plot_fig12(curves, out, path):
    """Fig. 12: Fig. 5's claim with a smooth activation at matched steps and phases (a-e), and as lambda -> 0 (f)."""
    fig, ax = plt.subplots(2, 3, figsize=(18, 10))
    a = ax[0, 0]
    for act, r, step, acc in curves:
        if step is not None:
            a.plot(np.maximum(step, 1), acc, color=ACT_COLORS.get(act, "tab:olive"), lw=1, label=f"{act}, net {r + 1}")
    for i, run in enumerate(r for r in out["runs"] if r["act"] == "relu" and r["grok_step"]):
        a.axvline(run["grok_step"], color="k", ls=":", lw=1, label="ReLU (Fig. 5's nets): 100% test" if i == 0 else None)
    a.set(xscale="log", xlabel="training step", ylabel="test accuracy (7 held-out pairs)",
          title="(a) smooth nets: test accuracy (Fig. 5's data, init, lr, λ)")
    a.legend(fontsize=6, ncol=2, loc="center left")
    steps, base = out["matched_steps"], out["baseline"]
    fig12_step_panel(ax[0, 1], steps, "cos")
    fig12_step_panel(ax[0, 1], steps, "cos_momentum", ls="--", label=False)
    ax[0, 1].set(ylabel="full cosine cos(u, −P_T θ)", ylim=(-0.3, 1.05),
                 title="(b) matched steps, the paper's metric: full cosine, mean over nets, bars min-max\n"
                       "solid: at the orthogonal foot; dashed: at the paper's momentum foot")
    fig12_step_panel(ax[0, 2], steps, "cos_tangent")
    rc = base["random_cos_tangent"]
    ax[0, 2].axhspan(rc["min"], rc["max"], color="tab:green", alpha=0.2, label="random update: min-max")
    ax[0, 2].set(ylabel="cos(P_T u, −P_T θ)", ylim=(-0.3, 1.05),
                 title="(c) matched steps: tangential cosine at the orthogonal foot")
    fig12_step_panel(ax[1, 0], steps, "dist")
    ax[1, 0].set(yscale="log", ylabel="‖θ − proj_Z θ‖ (orthogonal foot)", title="(d) matched steps: distance to Z")
    for a in (ax[0, 1], ax[0, 2], ax[1, 0]):
        a.legend(fontsize=7)
    fig12_phase_bars(ax[1, 1], out["matched_phases"])
    a, rows = ax[1, 2], out["lambda_rows"]
    for act in ("relu", "tanh"):
        for e, mk, what in (("", "o", "GD branches"), ("eq_", "x", "equilibrium (check of the code)")):
            rs = [q for q in rows if q["act"] == act]
            s = out["slopes"]["equilibrium" if e else "gd_all"][act]["pooled"]
            a.loglog([q[e + "dist"] for q in rs], [q[e + "loss_to_decay"] for q in rs], mk, color=ACT_COLORS[act],
                     mfc="none" if e else None, label=f"{act}, {what}: slope {plots.nums([s['slope']], '.2f', '-')} ({s['n']} pts)")
        unsettled = [q for q in rows if q["act"] == act and not q["settled"]]
        a.loglog([q["dist"] for q in unsettled], [q["loss_to_decay"] for q in unsettled], ".", color="w", ms=3)
    a.axvline(FIT_MAX, color="0.5", ls=":", lw=1, label=f"fit range: distance ≤ {FIT_MAX}")
    a.xaxis.set_minor_formatter(plt.NullFormatter())
    a.set(xlabel="distance to Z", ylabel="‖P_T u_L‖ / ‖P_T u_λ‖ (Thm 4.14, smooth net: slope 1)",
          title="(f) λ → 0: loss-to-decay ratio along Z against the distance\n(white dot: branch not settled; slopes pooled over phases)")
    a.legend(fontsize=7)
    fig.suptitle("Fig. 12 — the Fig. 5 claim where Thm 4.14's assumptions hold: a smooth activation at matched steps "
                 "and phases, and λ → 0 (u = θ_t − θ_{t−10})\n" + plots.FIG5_SETTING.replace("ReLU", "activation as marked"),
                 fontsize=10)
    plots.save(fig, path)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig12": (["fig12_smooth_and_close.png"], lambda s: (
        "Fig. 5's nets, one change at a time: full cosine at the orthogonal foot, mean over nets by phase "
        f"({' / '.join(MA.PHASES)}): " + "; ".join(
            f"{a}: {plots.nums([v[ph]['cos']['mean'] if ph in v else None for ph in MA.PHASES], '.2f', '-')}"
            for a, v in s["matched_phases"].items()) + ". At matched steps, smooth minus ReLU full cosine (mean over "
        "common steps after memorization): " + "; ".join(
            f"{a}: {plots.nums([v['cos']['mean_after_memorization']], '+.2f', '-')}"
            for a, v in s["gap_at_matched_steps"].items() if "cos" in v) +
        ". lambda -> 0: log-log slope of ||P_T u_L|| / ||P_T u_lambda|| against the distance to Z (<= 0.1), GD "
        "branches, ReLU / tanh: " + plots.nums([s["slopes"]["gd_all"][a]["pooled"]["slope"] for a in ("relu", "tanh")],
                                               ".2f", "-") + " (Thm 4.14, smooth net near Z: 1)."))
}
