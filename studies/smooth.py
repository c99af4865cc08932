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
each common step; fig12/proximity/<act>: at the common steps past memorization, Thm 4.14's ratio
||P_T u_L|| / ||P_T u_lambda|| (the window's update split by source, feet.gd_update_split, seen from the
orthogonal foot: feet.update_along_Z's loss_to_decay) beside ReLU's, and the mean distances over ReLU's at the
orthogonal foot and in the paper's frame; fig12/baseline: a random update's scores (tangential cosine ~ 0,
so full ~ 0); fig12/equilibrium_sweep: lambda swept at one fixed foot (below).

Answer: once near Z the smooth nets follow -P_T theta more closely than ReLU at the same steps,
by a wide margin in the paper's (momentum) frame (fig12/gap_at_matched_steps/*/cos_momentum) and
little at ReLU's orthogonal foot in the stratum frame, the frame most favourable to ReLU
(fig12/gap_at_matched_steps/*/cos: within ~0.08 to 12,390 steps); the gap grows with the step
because ReLU's cosine falls. Early on, tanh and softplus2 memorize late and are still descending
to Z (distance 3-10 against ReLU's 0.2-0.4) and score lower. Euclidean distances to Z are not
comparable across activations (Z and the scale of its curvature differ): tanh's is 3-5x ReLU's at
the orthogonal foot and 2-2.6x in the paper's frame from 5,810 steps on, yet in Thm 4.14's own
measure, the loss's pull along Z over weight decay's, tanh is at or below ReLU at every such step
(fig12/proximity/tanh): in the theorem's sense tanh is not farther, and these data do not separate
proximity from the activation. That ratio r bounds the tangential cosine from below (>= sqrt(1 - r^2),
as P_T u_lambda lies along -P_T theta), so it is not independent evidence. softplus2 memorizes late and
groks while still far from Z: its tangential cosine is high but most of its update is normal to Z
(tangent fraction), so its full cosine is low (fig12/matched_phases/softplus2/grokking). A random
update scores full and tangential cosine ~ 0 (fig12/baseline). lambda -> 0: one settledness rule
for every branch (relative change of the distance over the last chunk below FIG12_SETTLED), counts
in fig12/lambda_branches; slopes of log(||P_T u_L|| / ||P_T u_lambda||) against log(distance) for
distances <= FIT_MAX, pooled and per phase, with their point counts (fig12/slopes): over settled
branches only (gd_settled) and over all alike (gd_all); no branch settles within FIT_MAX of Z. At
the closed-form lambda-equilibrium (feet.decay_equilibrium) next to one fixed foot (tanh net 1, the
middle of its memorized phase), swept over lambda = 5e-5 ... 5e-10, the same ratio against ||delta||
has slope 1 where ||delta|| <= SWEEP_FIT_MAX and ~1.9 at the training lambda, where ||delta|| is ~0.85
(fig12/equilibrium_sweep): slope 1 follows from a Taylor expansion (an O(delta^2) pull over an O(delta)
offset), so this is a check of the code, not of training. Extends Sec. 4.

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
SWEEP_FIT_MAX = 0.01  # the equilibrium sweep's fit: ||delta|| <= this, where the Taylor expansion's next term is small


# ---------------------------------------------------------------- Fig. 12: the experiment
# Fig. 5's data, init, lr, lambda and window (seeds (seed, 5, r)), one change at a time.
# (1) Activation: "acts" maps each smooth activation to how many steps of Fig. 5's shared grid it is
# trained through (tanh grokks at ~30k-50k steps, softplus2 and softplus8 by ~9k); ReLU: Fig. 5's nets.
# (2) lambda -> 0: from the middle point of each phase of ReLU net 1 (Fig. 5's) and tanh net 1, GD at
# lambda until the distance settles (settle_near_Z) or the step cap, then a window of equal rescaled
# time FIG12_TAU measured at the orthogonal foot, normal to Z's stratum (proj_steps iterations of orthogonal_projection).
FIG12 = {"nets": 3, "acts": {"tanh": 7, "softplus2": 5, "softplus8": 5}, "lambdas": (5e-5, 5e-6, 5e-7),
         "settle": (1000, 4000), "proj_steps": 20, "sweep": (5e-5, 5e-10, 12)}
FIG12_QUICK = {"nets": 1, "acts": {"tanh": 2, "softplus8": 3}, "lambdas": (5e-5, 5e-6), "settle": (50, 100),
               "proj_steps": 4, "sweep": (5e-5, 5e-10, 6)}
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


def fig12_slope(rows):
    """{slope, n}: log-log slope of the GD branches' loss-to-decay ratio against the distance (<= FIT_MAX);
    slope None with fewer than 2 points."""
    rs = [q for q in rows if q["dist"] <= FIT_MAX]
    xy = [[q[k] for q in rs] for k in ("dist", "loss_to_decay")]
    return {"slope": MF.loglog_slope(*xy) if len(rs) > 1 else None, "n": len(rs)}


def fig12_slopes(rows, acts=("relu", "tanh")):
    """GD branches' slopes pooled and per phase for each activation, all and settled only (one rule for
    every branch)."""
    sets = {"gd_all": lambda q: True, "gd_settled": lambda q: q["settled"]}
    return {name: {a: {"pooled": fig12_slope([q for q in rows if q["act"] == a and keep(q)]),
                       **{ph: fig12_slope([q for q in rows if (q["act"], q["phase"]) == (a, ph) and keep(q)])
                          for ph in MA.PHASES}} for a in acts} for name, keep in sets.items()}


def fig12_proximity(steps, acts, keys=("loss_to_decay", "dist", "dist_momentum")):
    """Fig. 12: at each step where both have Thm 4.14's ratio ||P_T u_L|| / ||P_T u_lam|| (the orthogonal
    foot, past memorization), each activation's mean beside ReLU's, and its mean distances over ReLU's."""
    out = {}
    for a in acts[1:]:
        common = [t for t in steps[a] if t in steps["relu"] and all(k in steps[a][t] and k in steps["relu"][t] for k in keys)]
        if common:
            m = {k: [(steps[a][t][k]["mean"], steps["relu"][t][k]["mean"]) for t in common] for k in keys}
            out[a] = {"steps": common, "loss_to_decay": [x for x, _ in m["loss_to_decay"]],
                      "loss_to_decay_relu": [y for _, y in m["loss_to_decay"]],
                      **{f"{k}_ratio": [x / y for x, y in m[k]] for k in keys[1:]}}
    return out


def equilibrium_point(on_Z, P, X, Y, lam, act):
    """(||delta||, ||P_T grad L|| / ||P_T 2 lam theta||) at the closed-form lambda-equilibrium theta* + delta
    next to the foot on_Z (feet.decay_equilibrium; P: the tangent projector at on_Z), as feet.measure_window."""
    eq = feet.decay_equilibrium(on_Z, X, lam, act)
    g = M.pack(M.loss_grad(eq, X, Y, 0.0, act, True))
    return MF.distance_to_Z(eq, on_Z), float(M.xp.linalg.norm(P(g)) / M.xp.linalg.norm(P(2 * lam * M.pack(eq))))


def equilibrium_sweep(point, lams, lam_train, fit_max=SWEEP_FIT_MAX):
    """Fig. 12 (f), a check of the code: point(lam) -> (||delta||, ratio) over lams; the log-log slopes of
    ||delta|| against lam (1: delta is linear in lam) and of the ratio against ||delta|| over ||delta|| <=
    fit_max (Taylor: 1 as delta -> 0), and the ratio's local slope at lam_train (central, lam x 10^(+-0.05))."""
    d, r = np.array([point(lam) for lam in lams]).T
    fit = d <= fit_max
    (d0, r0), (d1, r1) = point(lam_train * 10 ** -0.05), point(lam_train * 10 ** 0.05)
    return {"lambdas": list(map(float, lams)), "dist": d.tolist(), "loss_to_decay": r.tolist(), "fit_max": fit_max,
            "dist_vs_lambda_slope": MF.loglog_slope(lams, d), "n_fit": int(fit.sum()),
            "slope": MF.loglog_slope(d[fit], r[fit]) if fit.sum() > 1 else None,
            "local_slope_at_training_lambda": float(np.log(r1 / r0) / np.log(d1 / d0)), "training_lambda": lam_train}


def fig12_sweep(theta, X, Y, act, s):
    """Fig. 12 (f): equilibrium_sweep at the orthogonal foot of theta (one fixed foot), lambda over s["sweep"]."""
    on_Z, info = feet.orthogonal_projection(theta, X, Y, act=act, steps=s["proj_steps"])
    lams = np.geomspace(*s["sweep"])  # log-spaced, the ends exact
    return {"act": act, "foot_dist": info["dist"], "foot_residual": info["residual"],
            "foot_norm": float(M.xp.linalg.norm(M.pack(on_Z))),
            **equilibrium_sweep(lambda lam: equilibrium_point(on_Z, info["P_T"], X, Y, lam, act), lams, MA.FIG5_LAM)}


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
                i = ([i for _, i in feet.branch_points(phase[None], 1, 1)] or [len(measured) - 1])[0]
                sweep = {"net": r, "step": int(measured[i]), "phase": str(phase[i]),
                         **fig12_sweep(states[int(measured[i])][1], X, Y, act, s)}
    acts = ["relu", *s["acts"]]
    steps, phases = fig12_matched(runs, acts)
    found = [(r["act"], p) for r in runs if r["act"] != "relu" for p in r["points"] if "proj_loss" in p] + [
        (q["act"], q) for q in rows]  # every orthogonal foot Fig. 12 itself measured
    out = {"settings": {**s, "lr": MA.FIG5_LR, "lam": MA.FIG5_LAM, "window": MA.FIG5_WINDOW, "tau_window": FIG12_TAU,
                        "settled": FIG12_SETTLED, "fit_max_distance": FIT_MAX, "grid": grid,
                        "relu_frames": sorted({k for p in runs[0]["points"] for k in p if k.startswith("cos")})},
           "runs": runs, "matched_steps": steps, "matched_phases": phases,
           "gap_at_matched_steps": fig12_gap(steps, acts), "proximity": fig12_proximity(steps, acts),
           "equilibrium_sweep": sweep,
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


def fig12_lambda_panel(a, out):
    """Fig. 12 (f): lambda -> 0, the GD branches' loss-to-decay ratio against the distance, and the
    closed-form equilibrium swept over lambda at one fixed foot (a check of the code)."""
    rows, sw = out["lambda_rows"], out["equilibrium_sweep"]
    for act in ("relu", "tanh"):
        rs = [q for q in rows if q["act"] == act]
        g = out["slopes"]["gd_all"][act]["pooled"]
        a.loglog([q["dist"] for q in rs], [q["loss_to_decay"] for q in rs], "o", color=ACT_COLORS[act],
                 label=f"{act}, GD branches: slope {plots.nums([g['slope']], '.2f', '-')} ({g['n']} pts ≤ {FIT_MAX})")
        unsettled = [q for q in rs if not q["settled"]]
        a.loglog([q["dist"] for q in unsettled], [q["loss_to_decay"] for q in unsettled], ".", color="w", ms=3)
    a.loglog(sw["dist"], sw["loss_to_decay"], "x-", color=ACT_COLORS[sw["act"]], lw=0.8, mfc="none",
             label=f"{sw['act']} closed-form λ-equilibrium at one fixed foot (step {sw['step']:,}), λ = "
                   f"{sw['lambdas'][0]:.0e} … {sw['lambdas'][-1]:.0e}\n(a check of the code): slope "
                   f"{plots.nums([sw['slope']], '.3f', '-')} for ‖δ‖ ≤ {sw['fit_max']:g} ({sw['n_fit']} pts), "
                   f"{sw['local_slope_at_training_lambda']:.2f} at λ = {sw['training_lambda']:g}")
    ys = [q["loss_to_decay"] for q in rows] + sw["loss_to_decay"]
    a.set_ylim(min(ys) / 2, max(ys) * 300)  # room above the points for the legend
    a.axvline(FIT_MAX, color="0.5", ls=":", lw=1, label=f"GD fit range: distance ≤ {FIT_MAX}")
    a.xaxis.set_minor_formatter(plt.NullFormatter())
    a.set(xlabel="distance to Z", ylabel="‖P_T u_L‖ / ‖P_T u_λ‖ (Thm 4.14, smooth net: slope 1)",
          title="(f) λ → 0: loss-to-decay ratio along Z against the distance\n(white dot: branch not settled; "
                "GD slopes pooled over phases)")
    a.legend(fontsize=6.5, loc="upper left")


def fig12_proximity_text(prox):
    """The caption's proximity sentence: tanh's ratio beside ReLU's and its distance over ReLU's, if measured."""
    v = prox.get("tanh")
    return "tanh: none in common with ReLU" if v is None else (
        f"tanh at {plots.nums(v['steps'], ',')}: {plots.nums(v['loss_to_decay'], '.2f')} against ReLU's "
        f"{plots.nums(v['loss_to_decay_relu'], '.2f')}, its distance over ReLU's {plots.nums(v['dist_momentum_ratio'], '.2f')} "
        "in the paper's frame (not comparable across activations)")


def fig12_sweep_text(sw):
    """Fig. 12 (f)'s sweep in words: its slopes over ||delta|| <= fit_max and at the training lambda."""
    return (f"slope {plots.nums([sw['slope']], '.3f', '-')} for ||delta|| <= {sw['fit_max']:g} ({sw['n_fit']} of "
            f"{len(sw['lambdas'])} lambdas), {sw['local_slope_at_training_lambda']:.2f} at lambda = {sw['training_lambda']:g}")


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
    fig12_step_panel(ax[1, 0], steps, "loss_to_decay", ls="--", label=False)
    ax[1, 0].set(yscale="log", ylabel="solid: ‖θ − proj_Z θ‖; dashed: ‖P_T u_L‖ / ‖P_T u_λ‖",
                 title="(d) matched steps: distance to Z (solid; not comparable across activations)\n"
                       "and Thm 4.14's own measure, loss over decay along Z (dashed)")
    for a in (ax[0, 1], ax[0, 2], ax[1, 0]):
        a.legend(fontsize=7)
    fig12_phase_bars(ax[1, 1], out["matched_phases"])
    fig12_lambda_panel(ax[1, 2], out)
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
        ". Thm 4.14's ratio ||P_T u_L|| / ||P_T u_lambda|| at matched steps, " + fig12_proximity_text(s["proximity"]) +
        ". lambda -> 0: log-log slope of that ratio against the distance to Z (<= 0.1), GD "
        "branches, ReLU / tanh: " + plots.nums([s["slopes"]["gd_all"][a]["pooled"]["slope"] for a in ("relu", "tanh")],
                                               ".2f", "-") + " (Thm 4.14, smooth net near Z: 1); at the closed-form "
        "lambda-equilibrium of one fixed foot, lambda swept, a check of the code: " + fig12_sweep_text(s["equilibrium_sweep"])
        + "."))
}
