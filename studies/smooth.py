"""Does the Fig. 5 claim hold where Theorem 4.14's assumptions do? (Fig. 12, beyond the paper.)

Question: Theorem 4.14 assumes a smooth network close to Z; the paper's Fig. 5 nets are ReLU nets
trained at a finite lambda. Changing one thing at a time in Fig. 5's setting (a smooth activation:
tanh, or softplus at three sharpnesses; lambda -> 0 over windows of equal rescaled time), does the
update's tangential part follow -P_T theta more closely, and does the loss's share along Z shrink
in proportion to the distance to Z?

Answer: with tanh the tangential cosine while grokking is higher than with ReLU (fig12/by_activation/
*/cos_tangent_by_phase), but the smooth nets sit farther from Z, so proximity is not what lifts it.
As lambda -> 0 ReLU comes much closer to Z, yet its loss-to-decay ratio falls far slower than the
distance (fig12/slopes/gd/relu against Thm 4.14's 1); at the closed-form lambda-equilibrium the tanh
slope is near 1, which follows from a Taylor expansion (a check of the code). Extends Sec. 4.

Run: python grok.py --figs 12 (add --quick for a small version).
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
# Fig. 5's data, init, lr, lambda and window (its nets, seeds (seed, 5, r)), one change at a time.
# (1) Activation: tanh on nets 1-3, the softplus_beta dial on net 1 for dial_steps, ReLU net 1 (=
# Fig. 5's) as reference; measured at the middles of per_phase parts of each phase. (2) lambda -> 0:
# from the middle of each phase of ReLU and tanh net 1, GD at lambda until the distance settles
# (settle_near_Z), then a window of equal rescaled time FIG12_TAU measured at the nearest point of
# Z (proj_steps iterations of orthogonal_projection; its residual and loss are reported).
FIG12 = {"steps": MA.FIG5_STEPS, "tanh_nets": 3, "dial": tuple(f"softplus{b}" for b in M.SOFTPLUS_BETAS),
         "dial_steps": 30_000, "per_phase": 2, "lambdas": (5e-5, 5e-6, 5e-7, 5e-8),
         "settle": (1000, 4000), "proj_steps": 20}
FIG12_QUICK = {"steps": 2500, "tanh_nets": 1, "dial": ("softplus8",), "dial_steps": 1200, "per_phase": 1,
               "lambdas": (5e-5, 5e-6), "settle": (50, 100), "proj_steps": 4}
FIG12_TAU = 2 * MA.FIG5_LR * MA.FIG5_LAM * MA.FIG5_WINDOW  # window of rescaled time: 10 steps at lambda 5e-5
FIG12_SETTLED = 0.05  # relative change of the distance over a chunk below which it has settled
FIG12_CANDIDATES = 24  # log-spaced candidate points per run (Fig. 5's grid from step 600), per_phase measured


def fig12_run(rng, act, steps):
    """A Fig. 5 net with activation act: (train, test) accuracy on Fig. 5's curve grid and
    (theta_{t-10}, theta_t) at its measurement grid (no measurement yet: Fig. 12 picks points)."""
    X, Y, Xte, Yte = MA.fig5_data(rng)
    params = MA.fig5_init(rng)
    gd = lambda P, n: M.gradient_descent(P, X, Y, n, MA.FIG5_LR, MA.FIG5_LAM, act, True)[0]  # noqa: E731
    measured, curve = MA.fig5_grid(steps, FIG12_CANDIDATES, MA.FIG5_CURVE)
    acc, states, done = [], [], 0
    for t in curve:
        if t:
            before = gd(params, t - MA.FIG5_WINDOW - done)
            params, done = gd(before, MA.FIG5_WINDOW), t
        acc.append((MA.accuracy(*params, X, Y, act), MA.accuracy(*params, Xte, Yte, act)))
        if t in measured:
            states.append((before, params))
    return curve, measured, np.array(acc), states, (X, Y)


def fig12_branch(params, X, Y, act, lam, s, rng):
    """lambda -> 0: GD at lam until the distance to Z settles, then FIG12_TAU of rescaled time."""
    params, done, change = feet.settle_near_Z(params, X, Y, MA.FIG5_LR, lam, act, *s["settle"], FIG12_SETTLED)
    window = int(round(FIG12_TAU / (2 * MA.FIG5_LR * lam)))
    return {"act": act, "lam": lam, "settle_steps": done, "window": window, "settled_change": change,
            **feet.measure_window(params, X, Y, MA.FIG5_LR, lam, window, act, s["proj_steps"], rng=rng)}


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
                                         else None for ph in MA.PHASES} for k in FIG12_KEYS}}
    return out


def fig12(args, cache, log):
    """Fig. 12: the Fig. 5 claim where Thm 4.14's assumptions hold: a smooth activation, lambda -> 0."""
    s = FIG12_QUICK if args.quick else FIG12
    nets = ([("relu", 0, s["steps"])] + [("tanh", r, s["steps"]) for r in range(s["tanh_nets"])]
            + [(a, 0, s["dial_steps"]) for a in s["dial"]])
    runs, rows, curves = [], [], []
    rng = np.random.default_rng([args.seed, 12])  # the random-update baselines; nets: Fig. 5's seeds
    for act, r, steps in nets:
        curve, measured, acc, states, (X, Y) = fig12_run(np.random.default_rng([args.seed, 5, r]), act, steps)
        phase = MA.phase(*acc[np.searchsorted(curve, measured)].T)
        picks = [i for _, i in feet.branch_points(phase[None], 1, s["per_phase"])]
        mem = np.flatnonzero(acc[:, 0] == 1)
        runs.append({"act": act, "net": r, "steps": steps, "memorize_step": int(curve[mem[0]]) if mem.size else None,
                     "grok_step": MA.grok_step(curve, acc[:, 1], level=1.0),
                     "points": [{"step": int(measured[i]), "phase": str(phase[i]),
                                 **feet.measure_window(states[i][0], X, Y, MA.FIG5_LR, MA.FIG5_LAM, MA.FIG5_WINDOW, act,
                                                     s["proj_steps"], rng=rng)} for i in picks]})
        curves.append((act, r, curve, acc[:, 1]))
        if r == 0 and act in ("relu", "tanh"):
            for i in [i for _, i in feet.branch_points(phase[None], 1, 1)]:
                rows += [{"phase": str(phase[i]), "from_step": int(measured[i]),
                          **fig12_branch(states[i][1], X, Y, act, lam, s, rng)} for lam in s["lambdas"]]
        log(f"Figure 12 {act} net {r + 1}: grokked at step {runs[-1]['grok_step']}, {len(picks)} points")
    fit = lambda rs, e: MF.loglog_slope(*([q[e + k] for q in rs] for k in ("dist", "loss_to_decay"))) if len(rs) > 1 else None  # noqa: E731
    slopes = {w: {a: {ph: fit([q for q in rows if (q["act"], q["phase"]) == (a, ph) and q[e + "dist"]
                               <= FIT_MAX], e) for ph in MA.PHASES} for a in ("relu", "tanh")}
              for w, e in (("gd", ""), ("exact", "eq_"))}  # per branch family, distances <= 0.1 as Fig. 4
    found = [(r["act"], p) for r in runs for p in r["points"]] + [(q["act"], q) for q in rows]
    out = {"settings": {**s, "lr": MA.FIG5_LR, "lam": MA.FIG5_LAM, "window": MA.FIG5_WINDOW, "tau_window": FIG12_TAU,
                        "settled": FIG12_SETTLED, "fit_max_distance": FIT_MAX},
           "runs": runs, "by_activation": fig12_by_activation(runs, list(dict.fromkeys(a for a, _, _ in nets))),
           "lambda_rows": rows, "slopes_by_phase": slopes,
           "slopes": {e: {a: float(np.mean(v)) if (v := [x for x in d.values() if x is not None]) else None
                          for a, d in by.items()} for e, by in slopes.items()},
           "projection_residual_max": {a: max((p["proj_residual"] for b, p in found if b == a), default=None)
                                       for a, _, _ in nets},
           "projection_loss_max": max(p["proj_loss"] for _, p in found),
           "cos_decay_only_min_by_construction": min(p["cos_decay_only"] for _, p in found)}
    plot_fig12(curves, out, os.path.join(args.out, "fig12_smooth_and_close.png"))
    return {"fig12": out}


# ---------------------------------------------------------------- Fig. 12: the plot
ACT_COLORS = {"relu": "k", "tanh": "tab:red", "softplus2": "tab:blue", "softplus8": "tab:cyan", "softplus32": "tab:gray"}


def fig12_phase_bars(ax, by_act, key, title, baseline):
    """Grouped bars: one group per phase, one bar per activation (mean over its points)."""
    for j, (act, v) in enumerate(by_act.items()):
        y = [np.nan if v[f"{key}_by_phase"][ph] is None else v[f"{key}_by_phase"][ph] for ph in MA.PHASES]
        ax.bar(np.arange(3) + (j - (len(by_act) - 1) / 2) * 0.8 / len(by_act), y, 0.75 / len(by_act),
               color=ACT_COLORS.get(act, "tab:olive"), label=f"{act} ({v['nets']} net{'s' * (v['nets'] > 1)})")
    ax.axhline(baseline[0], color="tab:green", ls="--", lw=1, label=baseline[1])
    ax.set_xticks(range(3), [f"{ph} phase" for ph in MA.PHASES])
    ax.set(ylabel=title.split(": ")[-1], title=title, ylim=(min(0, ax.get_ylim()[0]), 1.25))
    ax.legend(fontsize=7, ncol=2, loc="upper left")


def plot_fig12(curves, out, path):
    """Fig. 12: Fig. 5's claim with a smooth activation (a, b, c) and as lambda -> 0 (d, e, f)."""
    fig, ax = plt.subplots(2, 3, figsize=(17, 9.5))
    for act, r, step, acc in curves:
        ax[0, 0].plot(np.maximum(step, 1), acc, color=ACT_COLORS.get(act, "tab:olive"), lw=1.4 if r == 0 else 0.8,
                      ls="-" if r == 0 else ":", label=f"{act}, net {r + 1}")
    ax[0, 0].set(xscale="log", xlabel="training step", ylabel="test accuracy (7 held-out pairs)",
                 title="(a) does each net memorize and grok? (Fig. 5's data, init, lr, λ)")
    ax[0, 0].legend(fontsize=7, ncol=2)
    by, rnd = out["by_activation"], [np.mean([p[f"random_{k}"] for r in out["runs"] for p in r["points"]])
                                     for k in ("cos_tangent", "tangent_fraction")]
    fig12_phase_bars(ax[0, 1], by, "cos_tangent", "(b) mean tangential cosine: cos(P_T u, −P_T θ)",
                     (rnd[0], f"random update: {rnd[0]:.2f} (weight decay alone: 1 by construction)"))
    fig12_phase_bars(ax[0, 2], by, "tangent_fraction", "(c) mean tangent fraction: ‖P_T u‖ / ‖u‖",
                     (rnd[1], f"random update: {rnd[1]:.2f}"))
    rows, lams = out["lambda_rows"], sorted({q["lam"] for q in out["lambda_rows"]})
    for j, (key, label) in enumerate((("dist", "distance to Z at the window's end"),
                                      ("cos_tangent", "tangential cosine over the window"))):
        for act in ("relu", "tanh"):
            for ph, mk in zip(MA.PHASES, "os^"):
                rs = [q for q in rows if (q["act"], q["phase"]) == (act, ph)]
                if not rs:
                    continue
                ax[1, j].plot([q["lam"] for q in rs], [q[key] for q in rs], mk + "-", color=ACT_COLORS[act],
                              label=f"{act}, from a {ph} point")
        ax[1, j].set(xscale="log", yscale="log" if key == "dist" else "linear", ylabel=label,
                     ylim=None if key == "dist" else (-0.3, 1.05),
                     xlabel="λ of the branch (window: equal rescaled time, 10 steps at 5e-5)",
                     title=f"({'de'[j]}) λ → 0: {label}")
        ax[1, j].minorticks_off()
        ax[1, j].set_xticks(lams, [f"{x:g}" for x in lams])
        ax[1, j].legend(fontsize=7)
    a = ax[1, 2]
    for act in ("relu", "tanh"):
        rs = [q for q in rows if q["act"] == act]
        for e, mk, what in (("", "o", "GD branches"), ("eq_", "x", "closed-form equilibrium")):
            s = out["slopes"]["exact" if e else "gd"][act]
            a.loglog([q[e + "dist"] for q in rs], [q[e + "loss_to_decay"] for q in rs], mk, color=ACT_COLORS[act],
                     label=f"{act}, {what}: slope {'-' if s is None else format(s, '.2f')}")
    a.set(xlabel="distance to Z", ylabel="‖P_T u_L‖ / ‖P_T u_λ‖ (Thm 4.14, smooth net: slope 1)",
          title="(f) loss-to-decay ratio along Z against the distance\n(slope: mean over phases, distances <= 0.1)")
    a.legend(fontsize=7)
    fig.suptitle("Fig. 12 — the Fig. 5 claim where Thm 4.14's assumptions hold: a smooth activation, "
                 "and λ → 0 (u = u_L + u_λ, measured at the nearest point of Z)\n"
                 + plots.FIG5_SETTING.replace("ReLU", "activation as marked"), fontsize=10)
    plots.save(fig, path)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig12": (["fig12_smooth_and_close.png"], lambda s: (
        "Fig. 5's nets, one change at a time, measured at the nearest point of Z: tangential cosine "
        f"{' / '.join(MA.PHASES)} by activation: " + "; ".join(
            f"{a}: {plots.nums([v['cos_tangent_by_phase'][ph] for ph in MA.PHASES], '.2f', '-')} (100% test at "
            f"step {plots.nums(v['grok_step'], 'd')})" for a, v in s["by_activation"].items()) +
        f". lambda -> 0 over windows of equal rescaled time: log-log slope of ||P_T u_L|| / ||P_T u_lambda|| "
        f"against the distance to Z (<= 0.1) {plots.nums([s['slopes']['gd'][a] for a in ('relu', 'tanh')], '.2f', '-')} "
        f"(ReLU / tanh; at the closed-form equilibrium {plots.nums([s['slopes']['exact'][a] for a in ('relu', 'tanh')], '.2f', '-')}"
        f"; Thm 4.14, smooth net near Z: 1); largest projection residual ReLU "
        f"{plots.nums([s['projection_residual_max']['relu']], '.1e', '-')}, tanh "
        f"{plots.nums([s['projection_residual_max']['tanh']], '.1e', '-')}."))
}
