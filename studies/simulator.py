"""Is Eq. 20 a grokking simulator, and which of its parts make it grok? (Fig. 11, beyond the paper.)

Question: Eq. 20 moves E along Z by the norm-minimizing direction. Is that direction needed, or would
any motion along Z (tilted away from it, an L1 pull, plain shrinkage) generalize as well? And how
does the grokking time depend on the training fraction and the width?

Answer: Eq. 20 groks, and so does an L1 pull in place of its -E, on all 4 splits and starts (part 1's
and part 1b's 3), within 0.9-1.5x of Eq. 20's time: later on every split matched by norm, either way matched by
radial part. Eq. 20's -E is purely radial; matched by norm at every step (radial part ~0.8 of ||E|| at the
start, ~0.53 by tau = 20: fig11/l1_matched/by_dynamics/l1-matched/radial_share_*) L1 groks 1.2-1.5x
later (fig11/l1_matched/all_splits/l1-matched/ratio_to_eq20, ratio_span), matched by radial part
(c = ||E||^2 / ||E||_1) 0.89-1.12x, earlier on 2 splits and later on 2
(fig11/l1_matched/all_splits/l1-radial); matched only at the start it groks 1.0-1.3x later, pulling ~1.5x
harder by then (fig11/l1_matched/all_splits/l1, by_dynamics/l1/pull_ratio_at_grok). The readout term alone and
the shrinkage alone do not grok by tau = 80 (fig11/counterfactual; the readout term alone is still rising there). Tilting Eq. 20's direction by a fresh random
angle each step only slows it (the noise averages out: a check of that argument); a fixed tilt, which
turns E's direction and with it every prediction of a bias-free ReLU net, is tolerated only at small
angles: a sensitivity probe, not a test of the theory. Grokking comes later as the training
fraction falls, and below about 60% of the pairs not within the budget (fig11/grok_tau_median);
across runs a lower final norm does not go with a higher test accuracy, a confounded comparison
(fig11/norm_vs_acc_spearman). Extends Sec. 6.

Run: python grok.py --figs 11 (add --quick for a small version).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import modadd as MA
import plots
from models import xp
from studies import feet


# ---------------------------------------------------------------- other motions along Z
def tilted(g, r, c):
    """Fig. 11: g turned to cosine c with itself, towards the part of r perpendicular to g,
    keeping its length: ||g|| (c u + sqrt(1 - c^2) w), u = g / ||g||, w = unit (r - (r.u) u)."""
    size = xp.linalg.norm(g)
    u = g / size
    w = r - xp.sum(r * u) * u
    return size * (c * u + (1.0 - c * c) ** 0.5 * w / xp.linalg.norm(w))


def counterfactual(name, c=None, rng=None, shape=None):
    """Fig. 11: the direction map D(E, dE) that `simulate` follows instead of Eq. 20's dE.

    "eq20": dE itself (None); "tilt-noise" / "tilt-fixed": dE tilted to cosine c towards a fresh
    Gaussian direction each step / one fixed Gaussian direction (shape, drawn once from rng);
    "l1": -grad R_1 / 2 lam for R_1 = mu ||E||_1 + lam Tr(Y^T (H H^T)^-1 Y), i.e. the readout part of
    Eq. 20 minus c sign(E), c = mu / 2 lam (None: 0.5, mu = lam); "l1-matched" and "l1-radial": the same
    with c set at every step (mu then follows E: not the gradient of one fixed objective) by one of two
    matchings to Eq. 20's -E pull, which is purely radial (along -E / ||E||, length ||E||):
    "l1-matched", by norm: ||c sign(E)|| = ||E||, c = ||E|| / ||sign E||; its radial part
    <c sign(E), E / ||E||> = c ||E||_1 / ||E|| is then s ||E||, s = ||E||_1 / (||sign E|| ||E||) <= 1
    (Cauchy-Schwarz; ~ sqrt(2/pi) ~ 0.80 for Gaussian entries); "l1-radial", by radial part:
    c ||E||_1 / ||E|| = ||E||, c = ||E||^2 / ||E||_1; its norm is then ||E|| / s >= ||E||.
    "l2": Eq. 20 with c times its -E term (the weight on ||E||^2); "readout-only": Eq. 20 without its
    -E term; "shrink": -E alone (plain weight decay, E <- (1 - eta) E).
    """
    if name == "eq20":
        return None
    if name == "tilt-noise":
        return lambda E, dE: tilted(dE, xp.asarray(rng.normal(size=dE.shape)), c)
    if name == "tilt-fixed":
        R = xp.asarray(rng.normal(size=shape))
        return lambda E, dE: tilted(dE, R, c)
    if name == "l1":
        return lambda E, dE: dE + E - (0.5 if c is None else c) * xp.sign(E)
    if name == "l1-matched":
        return lambda E, dE: dE + E - xp.linalg.norm(E) / xp.linalg.norm(xp.sign(E)) * xp.sign(E)
    if name == "l1-radial":
        return lambda E, dE: dE + E - xp.sum(E * E) / xp.sum(xp.abs(E)) * xp.sign(E)
    if name == "l2":
        return lambda E, dE: dE + (1.0 - c) * E
    if name == "readout-only":
        return lambda E, dE: dE + E
    if name == "shrink":
        return lambda E, dE: -E
    raise ValueError(f"unknown dynamics {name!r}")


def radial_share(E):
    """Fig. 11: s = ||E||_1 / (||sign E|| ||E||), the radial part of the norm-matched L1 pull over ||E||
    (and ||E|| over the radial-matched pull's norm): see counterfactual."""
    return float(xp.sum(xp.abs(E)) / (xp.linalg.norm(xp.sign(E)) * xp.linalg.norm(E)))


def displacement_cosine(E0, E1, X, Y, D, eta, lam=0.0, act="relu"):
    """The fair yardstick for a stiff flow: cos(E1 - E0, S(E0, D) - E0), S = Eq. 20 simulated
    from E0 over rescaled time D. Compares displacements, not instantaneous directions."""
    u, v = (E1 - E0).ravel(), (feet.closed_form_flow(E0, X, Y, D, eta, lam, act) - E0).ravel()
    return float(u @ v / (xp.linalg.norm(u) * xp.linalg.norm(v)))


def mean_displacement_cosine(snaps, d, direction, window, eta):
    """Fig. 11: mean over the starts `snaps` of the displacement cosine with Eq. 20 of the motion
    `direction` (see counterfactual) over `window` of tau; d = (X, Y, Xt, Yt)."""
    n = max(1, int(round(window / eta)))
    cos = []
    for E0 in snaps:
        E0 = xp.asarray(E0)
        E1 = MA.simulate(E0, *d, eta, n, every=n, snapshots=1, direction=direction)["snaps"][-1]
        cos.append(displacement_cosine(E0, xp.asarray(E1), d[0], d[1], window, eta))
    return float(np.mean(cos))


def grok_cells(grok, ran):
    """Fig. 11 (e): per width x fraction, the median grokking step over seeds (never = infinitely late,
    so None if at least half never got there) and the share of runs that never did (None if skipped)."""
    never = grok == None  # noqa: E711 (elementwise on an object array)
    med = np.median(np.where(never, np.inf, grok).astype(float), axis=2)
    share = never.mean(axis=2)
    return ([[m.item() if np.isfinite(m) else None for m in row] for row in med],
            [[v.item() if ok else None for v, ok in zip(row, oks)]
             for row, oks in zip(share, ran.all(axis=2))])


def spearman(x, y):
    """Fig. 11 (f): Spearman rank correlation, the Pearson correlation of the ranks (ties get their mean rank)."""
    def ranks(v):
        v = np.asarray(v, dtype=float)
        r = np.empty(v.size)
        r[np.argsort(v, kind="stable")] = np.arange(v.size)
        _, inv, count = np.unique(v, return_inverse=True, return_counts=True)
        return (np.bincount(inv, weights=r) / count)[inv]
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


# ---------------------------------------------------------------- Fig. 11: the experiment
# On the Fig. 8 size: Eq. 20 with 10x the Fig. 6 step, tau = eta step. Part 1 moves E along Z in other
# ways (those short of 0.95 by tau continue to long_tau, but c = 0 and shrinkage, whose predictions
# never change); part 2 sweeps data and width. Widths >= 256: with d_h near n (192 vs 171 pairs at
# 90%) eta = 1e-2 delays grokking by ~60% (test_fig11_step_size_barely_moves_the_grokking_time).
FIG11 = {"p": 19, "hidden": 192, "train_frac": 0.7, "lr": 1e-2, "tau": 20.0, "every": 2, "long_tau": 80.0,
         "cosines": (0.7, 0.4, 0.2, 0.0), "window": 0.05, "cos_starts": 20,
         "l1_splits": 3, "widths": (256, 512), "fractions": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), "seeds": 3}


# --quick: p = 11 (66 pairs); width 48 is below the 59 training pairs at fraction 0.9: skipped
FIG11_QUICK = {"p": 11, "hidden": 96, "train_frac": 0.9, "lr": 2e-2, "tau": 3.0, "every": 5, "long_tau": 4.0,
               "cosines": (0.5, 0.0), "window": 0.1, "cos_starts": 3, "l1_splits": 3,
               "widths": (48, 96), "fractions": (0.5, 0.9), "seeds": 2}
FIG11_LEVEL = 0.95  # "generalized": first record with test accuracy >= this


def fig11_plan(E0, s):
    """Part 1's runs: (dynamics, parameter). l1 at 0.5 = lam ||E||_1 in place of lam ||E||^2 (the same
    lam); at c = rms(E0) its pull c sign(E) is as long as Eq. 20's -E at the start only (it then stays
    while -E shrinks with ||E||); l1-matched / l1-radial match it to -E at every step by norm / by radial part."""
    rms = float(xp.sqrt(xp.mean(E0 * E0)))
    return ([("eq20", None)] + [(k, c) for k in ("tilt-noise", "tilt-fixed") for c in s["cosines"]]
            + [("l1", 0.5), ("l1", rms), ("l2", 2.0), ("readout-only", None), ("shrink", None), ("l1-matched", None),
               ("l1-radial", None)])


def fig11_counterfactuals(args, s, log):
    """Part 1: from one split and E0, Eq. 20 and the other motions along Z for s["tau"] (some longer)."""
    *d, E0 = MA.split_problem(np.random.default_rng([args.seed, 11, 0]), s["p"], s["train_frac"], s["hidden"])
    steps = int(round(s["tau"] / s["lr"]))
    rows, curves = [], []
    for i, (name, c) in enumerate(fig11_plan(E0, s)):
        direction = counterfactual(name, c, np.random.default_rng([args.seed, 11, 1, i]), E0.shape)
        res = MA.simulate(E0, *d, s["lr"], steps, every=s["every"], snapshots=s["cos_starts"],
                          label=f"Figure 11 ({name})", direction=direction)
        g = MA.grok_step(res["step"], res["test_acc"], FIG11_LEVEL)
        row = {"dynamics": name, "cos": c if name.startswith("tilt") else None, "param": c, "grok_step": g,
               "cos_disp": mean_displacement_cosine(res["snaps"][:-1], d, direction, s["window"], s["lr"]),
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
        longer = row.get("long") and f"; continued to tau {row['long']['tau']:g}: 0.95 at tau " + \
            plots.nums([row["long"]["grok_tau"]], ".2f", "not reached")
        log(f"Figure 11 {name}{'' if c is None else f' {c:.2f}'}: 0.95 at tau "
            f"{plots.nums([row['grok_tau']], '.2f', 'not reached')}{longer or ''}")
    return rows, curves


L1_RUNS = ("eq20", "l1", "l1-matched", "l1-radial")  # part 1b's dynamics on each split, Eq. 20 first


def fig11_l1_matched(args, s, log):
    """Part 1b: Eq. 20 and L1 matched at the start (c = rms(E0)), by norm and by radial part at every
    step, each to s["tau"] on s["l1_splits"] own splits and E0. pull_ratio: the pull's norm over Eq. 20's
    ||E||, for the start-matched pull c ||sign E|| / ||E|| read off the norm curve (E has no zero entry);
    radial_share_init / _final: radial_share of E0 / of E at tau (the norm-matched pull's radial part over ||E||)."""
    steps, rows = int(round(s["tau"] / s["lr"])), []
    for r in range(s["l1_splits"]):
        *d, E0 = MA.split_problem(np.random.default_rng([args.seed, 11, 3, r]), s["p"], s["train_frac"], s["hidden"])
        rms = float(xp.sqrt(xp.mean(E0 * E0)))
        for name in L1_RUNS:
            c = rms if name == "l1" else None
            res = MA.simulate(E0, *d, s["lr"], steps, every=s["every"], snapshots=1, label=f"Figure 11 ({name}, split {r})",
                              direction=counterfactual(name, c))
            g, share = MA.grok_step(res["step"], res["test_acc"], FIG11_LEVEL), radial_share(xp.asarray(res["snaps"][-1]))
            ratio = c * E0.size ** 0.5 / res["norm"] if name == "l1" else np.ones(len(res["norm"]))
            rows.append({"split": r, "dynamics": name, "param": c, "grok_tau": None if g is None else g * s["lr"],
                         "pull_ratio_at_grok": None if g is None or name == "l1-radial" else float(
                             ratio[list(res["step"]).index(g)]),
                         "pull_ratio_final": 1 / share if name == "l1-radial" else float(ratio[-1]),
                         "radial_share_init": radial_share(E0), "radial_share_final": share,
                         "final_norm": float(res["norm"][-1]),
                         "circles_final": MA.fourier_diagnostics(xp.asarray(res["snaps"][-1]))["within_vs_across"]})
        log(f"Figure 11 L1 matched, split {r}: 0.95 at tau {plots.nums([x['grok_tau'] for x in rows[-4:]], '.2f', '-')}")
    eq20 = {x["split"]: x["grok_tau"] for x in rows if x["dynamics"] == "eq20"}
    for x in rows:  # grokking time over Eq. 20's on the same split
        x["ratio_to_eq20"] = None if x["grok_tau"] is None or eq20[x["split"]] is None else x["grok_tau"] / eq20[x["split"]]
    by = {name: {k: span([x[k] for x in rows if x["dynamics"] == name])
                 for k in ("grok_tau", "ratio_to_eq20", "circles_final", "pull_ratio_at_grok", "pull_ratio_final",
                           "radial_share_init", "radial_share_final")} for name in L1_RUNS}
    return {"runs": rows, "by_dynamics": by, "splits": s["l1_splits"]}


def span(v):
    """{mean, min, max} of the numbers v, None if any is None (a run short of the level)."""
    return None if None in v else {"mean": float(np.mean(v)), "min": float(min(v)), "max": float(max(v))}


def l1_all_splits(rows, l1):
    """Fig. 11: every split's tau at 0.95 and its ratio to Eq. 20's on that split, part 1's split first
    (its counterfactual rows), then part 1b's; per dynamics of L1_RUNS but Eq. 20, with the ratios' span."""
    part1 = {r["dynamics"]: r["grok_tau"] for r in rows if r["dynamics"] in L1_RUNS and (
        r["dynamics"] != "l1" or r["param"] != 0.5)}  # l1 at 0.5 is the unmatched pull
    taus = {n: [part1[n]] + [x["grok_tau"] for x in l1["runs"] if x["dynamics"] == n] for n in L1_RUNS}
    out = {"splits": len(taus["eq20"]), "eq20_grok_tau": taus["eq20"]}
    for n in L1_RUNS[1:]:
        ratio = [None if a is None or b is None else a / b for a, b in zip(taus[n], taus["eq20"])]
        out[n] = {"grok_tau": taus[n], "ratio_to_eq20": ratio, "ratio_span": span(ratio)}
    return out


def fig11_run(seed, s, f, w, r):
    """Part 2, one run: fraction index f, width w, seed r; Eq. 20 until test accuracy reaches
    FIG11_LEVEL or s["tau"] runs out. Returns (grok step or None, final ||E||, final test acc)."""
    *d, E0 = MA.split_problem(np.random.default_rng([seed, 11, 2, f, r]), s["p"], s["fractions"][f], w)
    res = MA.simulate(E0, *d, s["lr"], int(round(s["tau"] / s["lr"])), every=s["every"],
                      snapshots=1, label=f"Figure 11 (width {w}, fraction {s['fractions'][f]})",
                      until=FIG11_LEVEL)
    return MA.grok_step(res["step"], res["test_acc"], FIG11_LEVEL), res["norm"][-1], res["test_acc"][-1]


def fig11_sweep(args, s, log):
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
            log(f"Figure 11 width {w}, fraction {frac}: 0.95 at steps {plots.nums(list(grok[i, f]), 'd', '-')}")
    return grok, norm, acc, skipped


def fig11(args, cache, log):
    """Beyond the paper: Eq. 20 as a grokking simulator. Is the norm-minimizing direction
    needed (part 1)? How does grokking time depend on data and width (part 2)?"""
    s = dict(FIG11_QUICK if args.quick else FIG11)
    rows, curves = fig11_counterfactuals(args, s, log)
    l1 = fig11_l1_matched(args, s, log)
    l1["all_splits"] = l1_all_splits(rows, l1)
    grok, norm, acc, skipped = fig11_sweep(args, s, log)
    ran = ~np.isnan(norm)
    median, never = grok_cells(grok, ran)
    s.update(n_train=MA.n_train(s["p"], s["train_frac"]), level=FIG11_LEVEL,
             budget_steps=int(round(s["tau"] / s["lr"])))
    never_acc = [[float(acc[i, f, r]) for i in range(len(s["widths"])) for r in range(s["seeds"])
                  if ran[i, f, r] and grok[i, f, r] is None] for f in range(len(s["fractions"]))]
    out = {"counterfactual": rows, "l1_matched": l1, "p": s["p"], "lr": s["lr"], "budget_steps": s["budget_steps"],
           "seeds": s["seeds"], "widths": s["widths"], "fractions": s["fractions"], "tau": s["tau"],
           "grok_step": grok.tolist(), "grok_step_median": median, "never_fraction": never,
           "grok_tau_median": [[None if m is None else m * s["lr"] for m in row] for row in median],
           "never_test_acc_range": [[min(a), max(a)] if a else None for a in never_acc],
           "final_norm": norm, "final_test_acc": acc, "skipped": skipped,
           "norm_vs_acc_spearman": spearman(norm[ran], acc[ran]), "settings": s}
    plot_fig11(curves, rows, l1, grok, norm, acc, median, s, out["norm_vs_acc_spearman"],
                os.path.join(args.out, "fig11_simulator.png"))
    return {"fig11": out}


# ---------------------------------------------------------------- Fig. 11: the plot
def fig11_name(r):
    """The legend name of a Fig. 11 part-1 run."""
    p, name = r["param"], r["dynamics"]
    if name in ("l1", "l2"):
        return f"L1 norm, pull {p:.2g} sign(E)" if name == "l1" else f"Eq. 20 with {p:g} x its -E"
    return {"eq20": "Eq. 20", "readout-only": "readout norm alone", "shrink": "plain shrinkage -E",
            "l1-matched": "L1 matched by norm, pull (||E|| / ||sign E||) sign(E) every step",
            "l1-radial": "L1 matched by radial part, pull (||E||^2 / ||E||_1) sign(E) every step"}.get(
        name, f"{name}, c = {p}")


def fig11_alignment_panel(a, rows, s):
    """Fig. 11 (d): tau at 95% against the prescribed cosine c of a tilted Eq. 20 direction."""
    eq20, level, T = rows[0]["grok_tau"], s["level"], s["tau"]
    for j, (name, m) in enumerate((("tilt-noise", "o-"), ("tilt-fixed", "s--"))):
        rs = [r for r in rows if r["dynamics"] == name]
        g = np.array([T * (1.02 - 0.05 * j) if r["grok_tau"] is None else r["grok_tau"] for r in rs])
        a.plot([r["cos"] for r in rs], g, m, color=f"C{j}", label=f"{name} (numbers: its displacement cosine with Eq. 20)")
        for r, gi in zip(rs, g):
            a.annotate(f"{r['cos_disp']:.2f}", (r["cos"], gi), xytext=(5, 3 - 12 * j), textcoords="offset points",
                       fontsize=7, color=f"C{j}")
            if r["grok_tau"] is None:
                a.plot(r["cos"], gi, "x", color=f"C{j}", ms=9, mew=2)
    if eq20 is not None:
        cs = np.linspace(0.15, 1, 50)
        a.plot(1.0, eq20, "k*", ms=12, label="Eq. 20 itself (c = 1)")
        a.plot(cs, eq20 / cs, "k:", lw=1, label="Eq. 20 time / c (the pace of the aligned part alone)")
    a.axhline(T, color="gray", ls="--", lw=0.8, label=f"tau = {T:g} (x: not by then)")
    a.set(xlabel="prescribed cosine c with the Eq. 20 direction (same step length)", ylim=(0, 1.1 * T),
          ylabel=f"tau at first test accuracy >= {level}", title=f"(d) how aligned must the motion along Z be? (displacement cosine: window tau = "
                f"{s['window']:g},\nmean over {s['cos_starts']} starts along the run)")
    a.legend(fontsize=7)


def fig11_phase_panels(ax, grok, norm, acc, median, s, rho):
    """Fig. 11 (e), (f): the time to generalize over training fraction and width, and final norm vs accuracy."""
    a, fr, marks = ax[0], np.array(s["fractions"]), ("o", "s", "^", "D")
    lr, level, T = s["lr"], s["level"], s["tau"]
    for i, w in enumerate(s["widths"]):
        jit = fr + (i - (len(s["widths"]) - 1) / 2) * 0.008
        for f, r in zip(*np.nonzero(~np.isnan(norm[i]))):
            g = grok[i, f, r]
            a.plot(jit[f], T * 1.04 if g is None else g * lr, "x" if g is None else marks[i], color=f"C{i}", ms=5, alpha=0.7)
        a.plot(jit, [np.nan if v is None else v * lr for v in median[i]], "-", marker=marks[i], color=f"C{i}", lw=2,
               label=f"d_h = {w}: median over {grok.shape[2]} seeds")
    a.axhline(T, color="gray", ls="--", lw=0.8, label=f"tau = {T:g}; x above it: not by then")
    a.set(xlabel="training fraction (of the p(p+1)/2 unordered pairs)", ylabel=f"tau at first test accuracy >= {level}",
          yscale="log", title="(e) phase diagram: time to generalize vs data and width (dots: single runs)")
    a.legend(fontsize=7)
    a, ok = ax[1], ~np.isnan(norm)
    for i, w in enumerate(s["widths"]):
        for f in range(len(fr)):
            a.scatter(norm[i, f][ok[i, f]], acc[i, f][ok[i, f]], marker=marks[i], s=28, alpha=0.8,
                      color=plt.cm.plasma(0.9 * f / max(1, len(fr) - 1)), edgecolors="k", linewidths=0.3)
        a.plot([], [], marks[i], color="0.5", label=f"d_h = {w}")
    for f, frac in enumerate(fr):
        a.plot([], [], "o", color=plt.cm.plasma(0.9 * f / max(1, len(fr) - 1)), label=f"fraction {frac:g}")
    a.set(xlabel=f"final $\\|E\\|_F$ (at first test accuracy >= {level}, else at tau = {T:g})", ylabel="final test accuracy",
          title=f"(f) final norm vs final test accuracy over all {int(ok.sum())} runs of (e): Spearman {rho:+.2f}"
                f"\n(runs that generalize stop early, the others shrink ||E|| until tau = {T:g})")
    a.legend(fontsize=6.5, ncol=2)


def fig11_l1_text(l1, fmt, level, T):
    """Fig. 11 (c)'s box: part 1b's tau at the level and circles, and every split's tau over Eq. 20's."""
    al = l1["all_splits"]
    return (f"{l1['splits']} other splits and E0, tau at {level} (mean [min, max]) and circles at tau = {T:g}:\n"
            + "\n".join(f"{lab}: {fmt(l1['by_dynamics'][n]['grok_tau'])}, circles "
                        f"{fmt(l1['by_dynamics'][n]['circles_final'], '.1f')}" for n, lab in (
                            ("eq20", "Eq. 20"), ("l1", "L1 matched at the start (rms(E0) sign(E))"),
                            ("l1-matched", "L1 matched by norm every step"), ("l1-radial", "L1 matched by radial part"))) +
            f"\ntau over Eq. 20's on each of all {al['splits']} splits (this panel's first):\n" + "\n".join(
                f"{lab}: {plots.nums(al[n]['ratio_to_eq20'], '.2f', 'not by tau')}" for n, lab in (
                    ("l1", "at the start"), ("l1-matched", "by norm"), ("l1-radial", "by radial part"))))


def plot_fig11(curves, rows, l1, grok, norm, acc, median, s, rho, path):
    """Fig. 11: Eq. 20 against other motions along Z (curves/rows: one per run; l1: fig11_l1_matched), and its phase diagram
    (grok, norm, acc: (widths, fractions, seeds) step at 0.95 or None, final ||E|| and test accuracy,
    NaN = skipped cell; median: per cell)."""
    fig, ax = plt.subplots(2, 3, figsize=(19, 14), gridspec_kw={"height_ratios": (1.35, 1)})
    lr, level, T = s["lr"], s["level"], s["tau"]
    when = lambda g: f"not by tau = {T:g}" if g is None else f"tau {g:.2f}"  # noqa: E731
    fmt = lambda v, f=".2f": "not all by tau = %g" % T if v is None else (  # noqa: E731
        f"{v['mean']:{f}} [{v['min']:{f}}, {v['max']:{f}}]")
    groups = [(ax[0, 0], ("tilt-noise",), "(a) tilted to cosine c, fresh random perpendicular part each step\n"
               "(it averages out as eta -> 0: grokking at ~ Eq. 20's time / c is expected by construction)"),
              (ax[0, 1], ("tilt-fixed",), "(b) sensitivity probe: tilted to cosine c, one fixed random perpendicular\n"
               "part (it turns E's direction, which alone sets a bias-free ReLU net's predictions)"),
              (ax[0, 2], ("l1", "l2", "readout-only", "shrink", "l1-matched", "l1-radial"), "(c) other objectives (L1 at "
               "Eq. 20's lambda, matched to Eq. 20's -E pull at the start,\nor at every step by norm or by radial part), "
               "readout only, shrinkage")]
    for a, names, title in groups:
        for j, (c, r) in enumerate((c, r) for c, r in zip(curves, rows) if r["dynamics"] in ("eq20", *names)):
            lg = r.get("long") or {}
            extra = lg and (f"; then {'not' if lg['grok_tau'] is None else 'at tau %.2f' % lg['grok_tau']} by tau = "
                            f"{lg['tau']:g} (acc {lg['final_test_acc']:.2f}, ||E|| {lg['final_norm']:.1f})")
            a.plot(c["tau"], c["test_acc"], color=f"C{j}" if j else "k", lw=1.3 + 0.9 * (not j),
                   label=f"{fig11_name(r)}: {when(r['grok_tau'])}, ||E|| {r['norm_init']:.1f} -> {r['final_norm']:.1f}, "
                   f"circles {r['within_vs_across_final']:.1f}, cos_disp {r['cos_disp']:.2f}{extra or ''}")
        a.axhline(level, color="gray", lw=0.8)
        a.axvline(T, color="gray", ls="--", lw=0.8)
        if "l1-matched" in names:
            a.text(0.02, 0.97, fig11_l1_text(l1, fmt, level, T), transform=a.transAxes, va="top", fontsize=6.5,
                   bbox={"fc": "w", "ec": "0.7"})
        a.set(xlabel="rescaled time tau = eta x step" + (" (log scale)" if a is not ax[0, 0] else ""),
              xscale="linear" if a is ax[0, 0] else "log", ylabel="test accuracy",
              ylim=(-0.02, 1.5 if "l1-matched" in names else 1.05), yticks=np.linspace(0, 1, 6))  # (c): room for its box
        a.set_title(title, fontsize=9)
        a.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    fig11_alignment_panel(ax[1, 0], rows, s)
    fig11_phase_panels(ax[1, 1:], grok, norm, acc, median, s, rho)
    fig.suptitle(
        f"Fig. 11 (beyond the paper): the closed form (Eq. 20) as a grokking simulator; ReLU, a + b mod {s['p']}, "
        f"step eta = {lr:g} (tau = eta x step), E ~ N(0, std p^-1/2)\n(a)-(d): one split ({s['n_train']} training "
        f"pairs, {s['train_frac']:.0%}) and one E0, d_h = {s['hidden']}, to tau = {T:g} (runs still short of {level} "
        f"continued to tau = {s['long_tau']:g}); 'circles' = within/across-frequency similarity of E at tau = {T:g} "
        f"(1 = none, Fig. 6 ~4.6).\n(e)-(f): each run until test accuracy >= {level} or tau = {T:g}; widths "
        f"{', '.join(map(str, s['widths']))}, {s['seeds']} seeds per cell (own split and E0)", fontsize=10)
    plots.save(fig, path)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig11": (["fig11_simulator.png"], lambda s: (
        f"Eq. 20 as a grokking simulator (p = {s['p']}, step {s['lr']}): tau at 95% test accuracy for " + "; ".join(
            f"{r['dynamics']}{'' if r['param'] is None else ' %.3g' % r['param']}: "
            f"{plots.nums([r['grok_tau']], '.2f', 'not by tau = %g' % s['tau'])}"
            + (f" (longer: {plots.nums([r['long']['grok_tau']], '.2f', 'not by tau = %g' % r['long']['tau'])})"
               if r.get("long") else "")
            for r in s["counterfactual"]) + f". On {s['l1_matched']['splits']} more splits, mean tau to 95% (Eq. 20 / L1 "
        "matched at the start / by norm at every step / by radial part at every step): " + plots.nums(
            [(s["l1_matched"]["by_dynamics"][n]["grok_tau"] or {}).get("mean") for n in L1_RUNS], ".2f", "-") +
        "; L1 over Eq. 20 on all " + f"{s['l1_matched']['all_splits']['splits']} splits, min-max, by norm / by radial part: " +
        " / ".join("not all by tau" if (v := s["l1_matched"]["all_splits"][n]["ratio_span"]) is None else
                   f"{v['min']:.2f}-{v['max']:.2f}" for n in ("l1-matched", "l1-radial")) +
        f". Median tau to 95% by training fraction {plots.nums(s['fractions'], 'g')}: " + "; ".join(
            f"d_h = {w}: {plots.nums(m, '.2f', 'not by tau = %g' % s['tau'])}"
            for w, m in zip(s["widths"], s["grok_tau_median"])) +
        f"; Spearman(final norm, final test accuracy) = {s['norm_vs_acc_spearman']:.2f}."))
}
