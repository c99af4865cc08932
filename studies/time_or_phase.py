"""Is Fig. 5's cosine highest during grokking, or does it fall with training time? (Fig. 14, beyond the paper.)

Question: the paper reads Fig. 7 as "the cosine is highest exactly during grokking". Fig. 5's nets rise
and grok at different steps, and in every frame the cosine changes with the step. Holding the step
fixed, does a net's phase change its cosine?

Answer: a fall in time. In every frame the step alone explains nearly all of the cosine's variance
(fig14/<frame>/phase_effect/r2_time); at matched steps the phase terms are a few hundredths, none both
clearly away from 0 and stable across the time model's degree (fig14/<frame>/phase_effect/<phase>,
its c_by_degree), and at the shared steps the grokking nets sit as close to the others as the
memorized ones (fig14/<frame>/matched_steps). The paper's "highest exactly during grokking" is seen in
no frame. The "rise" is the first of the 7 held-out pairs turning correct (Fig. 5's test set, the
paper's setting, resolves 1/7), so a phase boundary is known only to one pair in accuracy and to the
curve grid's 3% in step. Extends Sec. 5 / Fig. 7.

Method. Fig. 5's points (5 nets x 13: the 8 shared steps and 5 near each net's own rise and in its
grokking phase), in four frames: P_T at the paper's momentum foot and at the Gauss-Newton foot (Fig. 5),
the full and the tangential cosine at the orthogonal foot (Fig. 9). Points still in the memorization
transient (aligned phase "settling") are left out: there the cosine climbs from about 0, a time effect
of another kind. Two comparisons per frame:
- phase_fit: cos = a_net + (a polynomial in x = log10(step)) + c_phase, least squares, the polynomial's
  degree the lowest from which higher degrees stop moving the phase terms (a quadratic leaves a
  sigmoid's bend to the phase terms); c for grokking and generalized against memorized (and for
  rising / after against before_rise), with a 95% t interval (points treated as independent: a net's points are correlated, so these
  intervals are if anything too narrow) and the range of c over the fits that leave one net out.
- matched_steps: at each of the 8 shared steps, each net's cosine minus the mean over the nets measured
  there; these deviations by phase (no model of time at all).

Run: python grok.py --figs 14 (it runs Figs. 5 and 9 first).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import modadd as MA
import plots
from studies.feet import t_quantile

FRAMES = {"paper": "P_T at the paper's foot (momentum)", "gauss-newton": "P_T at the Gauss-Newton foot",
          "orthogonal": "orthogonal foot (Fig. 9), full cosine", "tangential": "orthogonal foot, tangential cosine"}
FRAME_COLORS = ("tab:purple", "tab:orange", "tab:brown", "tab:gray")  # not the phases' blue / red / green
DEGREES = (1, 2, 3, 4, 5)  # degrees of the time polynomial in log step that phase_fit tries
LABELINGS = {"phase": MA.PHASES, "aligned": MA.ALIGNED_PHASES[1:]}  # reference first


def frames(cache):
    """Fig. 5's points in the four frames: {frame: cos (nets, points)}."""
    R5, R9 = cache["fig5"]["R"], cache["fig9"]["R"]
    return {"paper": R5["cos_momentum"], "gauss-newton": R5["cos_gauss-newton"],
            "orthogonal": R9["cos"], "tangential": R9["cos_tangent"]}


def design(x, net, labels, phases, degree):
    """Columns of phase_fit: one intercept per net, x .. x^degree, and [label == ph] for phases[1:] that occur."""
    nets = np.unique(net, return_inverse=True)[1].ravel()
    present = [ph for ph in phases[1:] if (labels == ph).any()]
    cols = [nets == k for k in range(nets.max() + 1)] + [x ** d for d in range(1, degree + 1)]
    return np.column_stack(cols + [labels == ph for ph in present]).astype(float), present


def least_squares(A, y):
    """(coefficients, residual variance, degrees of freedom, R^2 about the mean) of y ~ A."""
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    r, dof = y - A @ coef, len(y) - A.shape[1]
    return coef, (r @ r / dof if dof > 0 else np.nan), dof, 1.0 - (r @ r) / np.sum((y - y.mean()) ** 2)


def fit_at(y, x, net, labels, phases, degree):
    """The phase terms {phase: c} of the fit with a time polynomial of this degree, their standard
    errors (s^2 (A^T A)^-1 by a solve), dof, R^2 and R^2 of the time terms alone."""
    A, present = design(x, net, labels, phases, degree)
    coef, s2, dof, r2 = least_squares(A, y)
    p, k = A.shape[1], len(present)
    se = np.sqrt(np.diag(s2 * np.linalg.solve(A.T @ A, np.eye(p)[:, p - k:])[p - k:])) if k else []
    return dict(zip(present, coef[p - k:])), dict(zip(present, se)), dof, r2, least_squares(A[:, :p - k], y)[3]


def phase_fit(y, x, net, labels, phases):
    """Fig. 14: the phase terms c of cos = a_net + poly(x) + c_phase (phases[0] the reference). The time
    polynomial's degree is the lowest from which no higher degree tried moves a phase term by more than
    half its standard error (the refinement stopped moving the number; else the highest); at that
    degree c with a 95% t interval,
    R^2 with and without the phase terms, c over the fits leaving one net out; c at every degree tried;
    None for a phase without points."""
    x = x - x.mean()  # centred: the powers of x are then far from collinear
    fits = [fit_at(y, x, net, labels, phases, d) for d in DEGREES]
    i = next(i for i in range(len(fits)) if all(abs(f[0][ph] - fits[i][0][ph]) <= fits[i][1][ph] / 2
                                                for f in fits[i + 1:] for ph in fits[i][0]))
    c, se, dof, r2, r2_time = fits[i]
    q = t_quantile(0.975, dof) if dof > 0 else np.nan
    nets = np.unique(net)
    loo = [fit_at(y[net != n], x[net != n], net[net != n], labels[net != n], phases, DEGREES[i])[0]
           for n in nets] if len(nets) > 1 else []
    out = {"n": int(len(y)), "dof": int(dof), "degree": DEGREES[i], "r2": float(r2), "r2_time": float(r2_time)}
    for ph in phases[1:]:
        others = [v[ph] for v in loo if ph in v]
        out[ph] = None if ph not in c else {
            "c": float(c[ph]), "ci95": [float(c[ph] - q * se[ph]), float(c[ph] + q * se[ph])],
            "leave_one_net_out": [float(min(others)), float(max(others))] if others else None,
            "points": int((labels == ph).sum()), "c_by_degree": [float(f[0][ph]) for f in fits]}
    return out


def matched_steps(Y, labels, shared):
    """At each shared step (column), each net's value minus the mean over the nets with a label there;
    by label: mean, min, max and count of these deviations."""
    dev, lab = [], []
    for j in np.flatnonzero(shared):
        ok = labels[:, j] != ""
        if ok.sum() >= 2:
            dev += list(Y[ok, j] - Y[ok, j].mean())
            lab += list(labels[ok, j])
    dev, lab = np.array(dev, float), np.array(lab, str)  # (typed: no step may have two labelled nets)
    return {ph: {"mean": float(dev[lab == ph].mean()), "min": float(dev[lab == ph].min()),
                 "max": float(dev[lab == ph].max()), "n": int((lab == ph).sum())} if (lab == ph).any() else None
            for ph in MA.PHASES}


def fig14(args, cache, log):
    """Fig. 14: the phase effect at matched steps, frame by frame (cache: Figs. 5 and 9 of this run)."""
    f5 = cache["fig5"]
    step, phase, al = (np.asarray(f5[k]) for k in ("step", "phase", "aligned"))
    use = (phase != "") & (al != "settling")
    net = np.broadcast_to(np.arange(step.shape[0])[:, None], step.shape)
    x = np.log10(step[use].astype(float))
    out = {"points": int(use.sum()), "points_total": int(step.size), "settling_left_out": int((al == "settling").sum()), "frames": FRAMES}
    for name, Y in frames(cache).items():
        out[name] = {"phase_effect": phase_fit(Y[use], x, net[use], phase[use], LABELINGS["phase"]),
                     "aligned_effect": phase_fit(Y[use], x, net[use], al[use], LABELINGS["aligned"]),
                     "matched_steps": matched_steps(Y, np.where(use, phase, ""), f5["shared"]),
                     "by_phase": {ph: float(Y[use & (phase == ph)].mean()) if (use & (phase == ph)).any()
                                  else None for ph in MA.PHASES}}
        log(f"Figure 14 {name}: grokking - memorized at matched steps "
            f"{(out[name]['phase_effect']['grokking'] or {}).get('c', float('nan')):+.3f}")
    plot_fig14(step, phase, use, frames(cache), out, f5["grok_step"], os.path.join(args.out, "fig14_time_or_phase.png"))
    return {"fig14": out}


def plot_fig14(step, phase, use, Ys, out, grok_steps, path):
    """Fig. 14: each frame's cosine against the step, points coloured by phase; the phase terms."""
    fig, ax = plt.subplots(1, len(Ys) + 1, figsize=(21, 4.8))
    for a, (name, Y) in zip(ax, Ys.items()):
        for s, c in zip(step, Y):
            o = np.argsort(s)
            a.plot(s[o], c[o], color="0.7", lw=0.8)
        for ph, color in zip(MA.PHASES, plots.PHASE_COLORS):
            m = use & (phase == ph)
            a.plot(step[m], Y[m], "o", color=color, ms=4, label=f"{ph} ({m.sum()})")
        a.plot(step[~use], Y[~use], "x", color="0.5", ms=4, label="memorization transient (left out)")
        plots.fig5_grok_lines(a, grok_steps)
        a.axhline(0, color="k", lw=0.6)
        a.set(xscale="log", xlabel="training step", ylabel="cos", ylim=(-0.6, 1.1), title=FRAMES[name])
        a.legend(fontsize=6, loc="lower left")
    a = ax[-1]
    terms = [("phase_effect", "grokking"), ("phase_effect", "generalized"), ("aligned_effect", "rising"),
             ("aligned_effect", "after")]
    for i, name in enumerate(Ys):
        for j, (fit, ph) in enumerate(terms):
            v = out[name][fit][ph]
            if v is not None:
                y0 = j + (i - 1.5) * 0.18
                a.errorbar(v["c"], y0, xerr=[[v["c"] - v["ci95"][0]], [v["ci95"][1] - v["c"]]], fmt="os^D"[i],
                           color=FRAME_COLORS[i], ms=4, capsize=2, label=name if j == 0 else None)
    a.axvline(0, color="k", lw=0.6)
    a.set_yticks(range(len(terms)), ["grokking\nvs memorized", "generalized\nvs memorized",
                                     "rising vs\nbefore rise", "after 100%\nvs before rise"], fontsize=7)
    a.set(xlabel="phase term c at matched steps (95% interval)", title="Phase effect with time held fixed\n"
          "(fit: a_net + polynomial in log t + c_phase)")
    a.legend(fontsize=6)
    fig.suptitle("Fig. 14 — Fig. 5's cosine: time or phase? Each net's points (grey line) coloured by phase "
                 "(train 100%; test < 50% / 50-99% / 100%); dotted: each net reaches 100% test\n" + plots.FIG5_SETTING,
                 fontsize=10)
    plots.save(fig, path)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig14": (["fig14_time_or_phase.png"], lambda s: (
        "Fig. 5's cosine at matched steps: the phase term c (grokking minus memorized, 95% interval) by frame: "
        + "; ".join(f"{f}: " + ("-" if s[f]["phase_effect"]["grokking"] is None else
                                f"{s[f]['phase_effect']['grokking']['c']:+.3f} "
                                f"[{s[f]['phase_effect']['grokking']['ci95'][0]:+.3f}, "
                                f"{s[f]['phase_effect']['grokking']['ci95'][1]:+.3f}]") for f in FRAMES)
        + f"; R^2 of time alone (paper's frame) {s['paper']['phase_effect']['r2_time']:.2f}, with the phase "
        f"{s['paper']['phase_effect']['r2']:.2f} ({s['points']} points)."))
}
