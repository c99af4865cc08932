"""Is Fig. 5's cosine highest during grokking, or does it fall with training time? (Fig. 14, beyond the paper.)

Question: the paper reads Fig. 7 as "the cosine is highest exactly during grokking". Fig. 5's nets rise
and grok at different steps (first rise 3,140-13,310, 100% test accuracy 20,020-105,830), so the step and
the phase can be told apart: does the cosine follow the training step or the net's own phase?

Answer: the step, in every frame. One curve in log step through all nets' points explains R^2 0.98-0.99
(fig14/<frame>/clocks/time/r2); the same curve in the step over each net's own first rise, or over its own
100% step, explains 0.70-0.84 (clocks/rise, clocks/grok). On simulated worlds with the real design
(fig14/<frame>/control) the test picks the world's own clock in every draw, and the real data's rise and 100%-step R^2
lie in the range of the world where time is everything (control/time; its log-step R^2 matches there by
construction). The paper's claim needs the
grokking points lifted to the memorized mean, a bump of 0.17-0.39 (control/bump/yardstick), found in every
draw; the test finds a bump of 0.025-0.043 in 80% of draws (control/bump/detected_80). The real bump is
-0.000 to +0.029 (control/bump/h_real; in the paper's frame just above the time world's central 95%, a range that assumes
independent noise: not a detection), and
no shared lift: the nets' own grokking points sit on both sides of the curve (grokking_residual_by_net).
"Highest exactly during grokking" is seen in no frame: what Fig. 7 shows by phase is a fall in time. The
rise is the first of the 7 held-out pairs turning correct (Fig. 5's test set resolves 1/7), known in step
to the curve grid's 3%. Extends Sec. 5 / Fig. 7.

Method. Fig. 5's points (5 nets x 13: the 8 shared steps and 5 near each net's own rise and in its
grokking phase), in four frames: P_T at the paper's momentum foot and at the Gauss-Newton foot (Fig. 5),
the full and the tangential cosine at the orthogonal foot (Fig. 9). Points still in the memorization
transient (aligned phase "settling") are left out: there the cosine climbs from about 0, a time effect
of another kind. Per frame:
- superposition: ONE cubic (no per-net terms, so nothing absorbs a net's shift) through all points against
  each of three clocks: log10 step; log10(step / the net's first rise, MA.aligned_phase); log10(step /
  the net's 100% step). Least squares; R^2 and residual SD. A cubic holds a plateau, a fall and a floor;
  at degrees 1-5 (r2_by_degree) the clocks rank the same. The clock with the higher R^2 is the one the
  cosine follows; equal degrees give equal parameter counts.
- control: the real data's cubic in one clock, at the real points, plus Gaussian noise of the best
  clock's residual SD, DRAWS draws per world (seeded by (seed, 14, frame)); each clock's R^2 there and
  the fraction of draws whose best clock is the world's own. The paper's size of effect: the time world
  plus a bump h on the grokking points, h = memorized mean - grokking mean (the least lift that makes
  grokking as high as memorized); the bump h_hat of cos = cubic(log step) + h [grokking] (no per-net
  terms), its central 95% in the time world (the noise is independent there; were a net's real residuals
  correlated, this range would be too narrow), the fraction of bump-world draws above it, and
  the bump found in 80% of draws.

Run: python grok.py --figs 14 (it runs Figs. 5 and 9 first).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import modadd as MA
import plots

FRAMES = {"paper": "P_T at the paper's foot (momentum)", "gauss-newton": "P_T at the Gauss-Newton foot",
          "orthogonal": "orthogonal foot (Fig. 9), full cosine", "tangential": "orthogonal foot, tangential cosine"}
CLOCKS = {"time": "log10 step", "rise": "log10(step / net's first rise)", "grok": "log10(step / net's 100% step)"}
DEGREE = 3  # one cubic: a plateau, a fall and a floor with 4 coefficients (r2_by_degree: the verdict at 1-5)
DEGREES = (1, 2, 3, 4, 5)
DRAWS = 200  # simulated draws per world and frame: a fraction's sd <= 0.035
WORLD_COLORS = {"time": "tab:purple", "rise": "tab:orange", "grok": "tab:cyan", "bump": "tab:red"}
WORLDS = {"time": "log step", "rise": "step / first rise", "grok": "step / 100% step"}  # the clock each world follows


def frames(cache):
    """Fig. 5's points in the four frames: {frame: cos (nets, points)}."""
    R5, R9 = cache["fig5"]["R"], cache["fig9"]["R"]
    return {"paper": R5["cos_momentum"], "gauss-newton": R5["cos_gauss-newton"],
            "orthogonal": R9["cos"], "tangential": R9["cos_tangent"]}


def clocks(f5):
    """Fig. 14's clocks of each point (nets, points): log10 step, and log10 of the step over the net's own
    first rise (MA.aligned_phase, Fig. 5's curves) and over its own 100% step (NaN where a net has none)."""
    R, step = f5["R"], np.asarray(f5["step"], float)
    rise = [MA.aligned_phase(R["curve_step"], {k: R[k][i] for k in ("train_acc", "test_acc", "train_loss")},
                             step[i])[1] for i in range(len(step))]
    x = np.log10(step)
    return {"time": x, "rise": x - np.log10(np.array(rise, float))[:, None],
            "grok": x - np.log10(np.array(f5["grok_step"], float))[:, None]}


def basis(x, degree=DEGREE, extra=(), span=None):
    """Columns 1, u .. u^degree of u = x scaled from span (x's range) to [-1, 1] (the powers then far
    from collinear), then extra."""
    lo, hi = span or (x.min(), x.max())
    u = 2 * (x - lo) / ((hi - lo) or 1.0) - 1
    return np.column_stack([u ** d for d in range(degree + 1)] + list(extra))


def one_curve(A, Y):
    """Fig. 14's superposition fit of every column of Y (points, draws) on A: no net intercepts.
    (coefficients, R^2, residual SD) per column."""
    coef = np.linalg.lstsq(A, Y, rcond=None)[0]
    r = Y - A @ coef
    ss = (r * r).sum(axis=0)
    return coef, 1 - ss / ((Y - Y.mean(axis=0)) ** 2).sum(axis=0), np.sqrt(ss / (len(Y) - A.shape[1]))


def superposition(y, X):
    """Fig. 14: one cubic through all nets' points against each clock: R^2, residual SD, R^2 at DEGREES."""
    out = {}
    for k, x in X.items():
        _, r2, sd = one_curve(basis(x), y[:, None])
        out[k] = {"r2": float(r2[0]), "sd": float(sd[0]),
                  "r2_by_degree": [float(one_curve(basis(x, d), y[:, None])[1][0]) for d in DEGREES]}
    return out


def spread(v):
    """Median and range of simulated values."""
    return {"median": float(np.median(v)), "min": float(np.min(v)), "max": float(np.max(v))}


def control(y, X, net, grokking, memorized, rng, draws=DRAWS):
    """Fig. 14's control on the real design: worlds where the cosine is the real data's cubic in ONE clock
    plus Gaussian noise of the best clock's residual SD; each clock's R^2 there, and how often the test
    picks the world's own clock. Then the paper's size of effect: the time world plus a bump h during
    grokking, h the gap of the phase means (memorized - grokking; the least that makes grokking as high as
    memorized); the bump h_hat of cos = cubic(log step) + h [grokking] on the real data, its central 95%
    in the time world, the fraction of bump-world draws above that, the bump found in 80% of draws, and
    each net's mean residual from the time cubic over its grokking points."""
    A = {k: basis(x) for k, x in X.items()}
    fits = {k: one_curve(A[k], y[:, None]) for k in X}
    sd = min(f[2][0] for f in fits.values())
    out, sims, raw = {"noise_sd": float(sd)}, {}, {}
    for w in X:
        sims[w] = (A[w] @ fits[w][0])[:, 0:1] + sd * rng.normal(size=(len(y), draws))
        r2 = np.stack([one_curve(A[k], sims[w])[1] for k in X])  # (clocks, draws)
        raw[w] = r2[0] - r2[1:].max(axis=0)  # time's R^2 over the better aligned clock's
        out[w] = {**{k: spread(v) for k, v in zip(X, r2)}, "picked_own": float(np.mean(r2.argmax(axis=0) == list(X).index(w)))}
    if not (grokking.any() and memorized.any()):
        return {**out, "bump": None}, {**raw, "null": [], "alt": []}
    h = float(y[memorized].mean() - y[grokking].mean())
    B = basis(X["time"], extra=[grokking.astype(float)])
    null = one_curve(B, sims["time"])[0][-1]
    alt = one_curve(B, sims["time"] + h * grokking[:, None])[0][-1]
    lo, hi, p20 = np.percentile(null, [2.5, 97.5, 20])
    r = y - A["time"] @ fits["time"][0][:, 0]
    out["bump"] = {"h_real": float(one_curve(B, y[:, None])[0][-1, 0]), "yardstick": h,
                   "null_central95": [float(lo), float(hi)], "power": float(np.mean(alt > hi)),
                   "detected_80": float(hi - p20),  # h_hat is linear in y: a bump h shifts every draw's h_hat by h
                   "grokking_residual_by_net": [float(r[grokking & (net == n)].mean()) if (grokking & (net == n)).any()
                                                else None for n in np.unique(net)],
                   "memorized_mean": float(y[memorized].mean()), "grokking_mean": float(y[grokking].mean())}
    return out, {**raw, "null": null, "alt": alt}


def fig14(args, cache, log):
    """Fig. 14: which clock Fig. 5's cosine follows, frame by frame, with its control (cache: Figs. 5 and 9)."""
    f5 = cache["fig5"]
    phase, al = np.asarray(f5["phase"]), np.asarray(f5["aligned"])
    X = clocks(f5)
    net = np.broadcast_to(np.arange(phase.shape[0])[:, None], phase.shape)
    use = (phase != "") & (al != "settling") & np.isfinite(X["rise"]) & np.isfinite(X["grok"])
    out = {"points": int(use.sum()), "points_total": int(phase.size), "settling_left_out": int((al == "settling").sum()),
           "nets_aligned": int(np.all(np.isfinite(X["rise"]) & np.isfinite(X["grok"]), axis=1).sum()),
           "degree": DEGREE, "draws": DRAWS, "frames": FRAMES, "clocks": CLOCKS}
    raw = {}
    for i, (name, Y) in enumerate(frames(cache).items()):
        if use.sum() < 2 * (DEGREE + 2) or out["nets_aligned"] < 2:  # too few for a cubic; one net's clocks are shifts
            out[name] = None
            continue
        y, Xu = Y[use], {k: x[use] for k, x in X.items()}
        rng = np.random.default_rng([args.seed, 14, i])
        control_out, raw[name] = control(y, Xu, net[use], phase[use] == "grokking", phase[use] == "memorized", rng)
        out[name] = {"clocks": superposition(y, Xu), "control": control_out}
        log(f"Figure 14 {name}: R^2 of one cubic in " + ", ".join(f"{k} {v['r2']:.3f}" for k, v in out[name]["clocks"].items()))
    plot_fig14(X, use, phase, frames(cache), out, raw, os.path.join(args.out, "fig14_time_or_phase.png"))
    return {"fig14": out}


def plot_fig14(X, use, phase, Ys, out, raw, path):
    """Fig. 14: the cosine against each clock with its one cubic (paper's and orthogonal frames); the
    control's draws in every frame."""
    names = [n for n in ("paper", "orthogonal") if out[n] is not None] or ["paper"]
    fig, ax = plt.subplots(2, len(X) + 1, figsize=(22, 9.5))
    for row, name in zip(ax, names):
        for a, (k, x) in zip(row, X.items()):
            for ph, color in zip(MA.PHASES, plots.PHASE_COLORS):
                m = use & (phase == ph)
                a.plot(x[m], Ys[name][m], "o", color=color, ms=3.5, label=f"{ph} ({m.sum()})")
            if out[name] is not None:
                c = out[name]["clocks"][k]
                xs = np.linspace(x[use].min(), x[use].max(), 200)
                coef = one_curve(basis(x[use]), Ys[name][use][:, None])[0][:, 0]
                a.plot(xs, basis(xs, span=(xs[0], xs[-1])) @ coef, "k-", lw=1.2,
                       label=f"one cubic, all nets: R² {c['r2']:.3f}, SD {c['sd']:.3f}")
            if k != "time":  # the net's own rise / 100% step
                a.axvline(0, color="0.6", lw=0.6, ls=":")
            a.set(xlabel=CLOCKS[k], ylabel="cos", ylim=(-0.1, 1.1))
            a.set_title(f"{FRAMES[name]}\nagainst {CLOCKS[k]}", fontsize=9)
            a.legend(fontsize=7, loc="lower left")
    shown = [n for n in FRAMES if out[n] is not None]
    if shown:
        plot_control(ax[0, -1], ax[1, -1], shown, out, raw)
    else:
        ax[0, -1].text(0.5, 0.5, f"{use.sum()} points: too few for the test", ha="center", transform=ax[0, -1].transAxes)
    fig.suptitle("Fig. 14 — Fig. 5's cosine: time or phase? One cubic (no per-net terms) through all nets' points "
                 "against each clock: the clock with the higher R² is the one the cosine follows. Right: the same "
                 "test on simulated worlds with the real design, every frame\n" + plots.FIG5_SETTING, fontsize=10)
    plots.save(fig, path)


def plot_control(a, b, shown, out, raw):
    """Fig. 14's control, frame by frame: R^2(log step) - R^2(better aligned clock) by world; the grokking bump."""
    jitter = np.random.default_rng(0).uniform(-0.08, 0.08, len(raw[shown[0]]["time"]))  # spreads the dots only
    for i, name in enumerate(shown):
        o = out[name]
        for j, w in enumerate(CLOCKS):
            own = min(out[n]["control"][w]["picked_own"] for n in shown)
            a.plot(i + 0.25 * (j - 1) + jitter, raw[name][w], ".", ms=3, color=WORLD_COLORS[w], alpha=0.5,
                   label=f"world: cos follows {WORLDS[w]} (test picks it in {own:.0%} of draws, lowest frame)" if i == 0 else None)
        c = o["clocks"]
        a.plot(i, c["time"]["r2"] - max(c["rise"]["r2"], c["grok"]["r2"]), "kD", ms=6, label="real data" if i == 0 else None)
        bump = o["control"]["bump"]
        if bump is None:
            continue
        b.plot(i - 0.15 + jitter, raw[name]["null"], ".", ms=3, color=WORLD_COLORS["time"], alpha=0.5,
               label="world: cos follows log step, no bump" if i == 0 else None)
        b.plot(i + 0.15 + jitter, raw[name]["alt"], ".", ms=3, color=WORLD_COLORS["bump"], alpha=0.5,
               label="same + a bump while grokking of the memorized - grokking mean" if i == 0 else None)
        b.plot(i, bump["h_real"], "kD", ms=6, label="real data" if i == 0 else None)
    for p, ylabel, title, loc in ((a, "R²(log step) − R²(better aligned clock)", "control: which clock wins, by world",
                                   "center"), (b, "bump h in cos = cubic(log step) + h [grokking]",
                                               "the paper's size of effect: grokking lifted to the memorized mean",
                                               "center left")):
        p.axhline(0, color="k", lw=0.6)
        p.set_xticks(range(len(shown)), shown)
        p.set(xlabel="frame", ylabel=ylabel)
        p.set_title(title, fontsize=9)
        p.legend(fontsize=7, loc=loc)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig14": (["fig14_time_or_phase.png"], lambda s: (
        f"Fig. 5's cosine against three clocks, one cubic through all nets' {s['points']} points (no per-net terms), "
        "R^2 of log step / step over the net's first rise / step over its 100% step: "
        + "; ".join(f"{f}: " + ("-" if s[f] is None else " / ".join(f"{s[f]['clocks'][k]['r2']:.3f}" for k in CLOCKS))
                    for f in FRAMES) + ("." if s["paper"] is None else caption_control(s))))
}


def caption_control(s):
    """Fig. 14's caption, the control in the paper's frame."""
    c = s["paper"]["control"]
    text = (f". Control on the same design ({s['draws']} draws a world), paper's frame: the test picks the world's "
            "own clock in " + " / ".join(f"{100 * c[w]['picked_own']:.0f}%" for w in CLOCKS) + " of draws")
    b = c["bump"]
    return text + ("." if b is None else
                   f"; a bump of {b['yardstick']:.2f} while grokking (grokking as high as memorized) is detected in "
                   f"{100 * b['power']:.0f}% of draws, one of {b['detected_80']:.3f} in 80%; the real data's bump "
                   f"{b['h_real']:+.3f}.")
