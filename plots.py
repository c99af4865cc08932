"""The paper's figures and the GIFs, and only figures: plain NumPy arrays and a path in, a PNG (or GIF)
out, one function per figure; no experiment runs here (the studies draw their own figures)."""
import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402  (Pillow ships with matplotlib)

plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3,
                     "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8})


def nums(xs, spec=".3g", none="never"):
    """'a / b / c' for a list of numbers (None: `none`), for titles and captions."""
    return " / ".join(none if x is None else format(x, spec) for x in xs)


def save(fig, path, tight=True):
    """Lay the figure out (tight=False: it has its own layout), write it and free its memory."""
    if tight:
        fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# ============================================================ Figures 1-4: toy models
def colors(n):
    """n line colors, one per run or lambda: matplotlib's ten, cycled (any number of runs plots)."""
    return [f"C{i % 10}" for i in range(n)]


def fig1(curves, runs, path):
    """Fig. 1: 2-D linear model, trajectories, losses, norm and distance to Z for each lambda."""
    fig, ax = plt.subplots(2, 2, figsize=(11, 8.5))
    a = ax[0, 0]
    a.plot([-1.5, 3.5], [3.5, -1.5], "k-", lw=1, label="zero-loss set Z: w1 + w2 = 2")
    a.add_patch(plt.Circle((0, 0), np.sqrt(2), fill=False, ls=":", color="gray", label="circle ||w|| = sqrt(2)"))
    for c, lam, col, ws in zip(curves, runs["lambdas"], colors(len(curves)), runs["w_star"]):
        a.plot(c["w"][:, 0], c["w"][:, 1], ".-", color=col, ms=2, lw=1, label=f"GD, lambda = {lam}")
        a.plot(*ws, "x", color=col, ms=8)
    a.plot(*runs["init"], "ko", ms=6)
    for text, xy, off in (("start (-1, 1)", runs["init"], (8, -12)), ("memorized ~(0, 2)", (0, 2), (10, 10)),
                          ("minimum norm (1, 1)\nx = exact minimizer w*", (1, 1), (15, -30))):
        a.annotate(text, xy, xytext=off, textcoords="offset points")
    a.set(xlim=(-1.5, 2.5), ylim=(-0.5, 2.7), aspect="equal", xlabel="w1", ylabel="w2",
          title="(a) weights: fast to Z, then slowly along Z to the minimum norm")
    a.legend(loc="lower left")
    for c, lam, col, tm, tg, dmax in zip(curves, runs["lambdas"], colors(len(curves)), runs["steps_to_memorize"],
                                         runs["steps_to_generalize"], runs["max_dist_after_memorization"]):
        t = np.arange(1, len(c["train"]) + 1)  # step + 1, for the log axis
        ax[0, 1].loglog(t, c["train"], "-", color=col, label=f"lambda = {lam}")
        ax[0, 1].loglog(t, c["test"], "--", color=col)
        for k, L in ((tm, c["train"]), (tg, c["test"])):
            if k is not None:  # None: never memorized / generalized (e.g. lambda = 0 never generalizes)
                ax[0, 1].plot(k + 1, L[k], "o", color=col, mfc="none")
        ax[1, 0].semilogx(t, c["norm"], color=col, label=f"lambda = {lam}")
        ax[1, 1].loglog(t, c["dist"], color=col, label=f"lambda = {lam}: max after memorization {dmax:.3f}")
        if tm is not None:
            ax[1, 1].plot(tm + 1, c["dist"][tm], "o", color=col, mfc="none")
    ax[1, 0].axhline(np.sqrt(2), color="gray", ls=":", label="minimum norm on Z, sqrt(2)")
    for a, ylabel, title in ((ax[0, 1], "loss (squared error)", "(b) train (solid) and test (dashed) loss"),
                             (ax[1, 0], "||w||", "(c) weight norm"),
                             (ax[1, 1], "distance of w to Z", "(d) distance to Z (Thm 4.8: stays ~lambda-small)")):
        a.set(xlabel="step + 1 (log scale)", ylabel=ylabel, title=title)
        a.set_ylim(bottom=max(a.get_ylim()[0], 1e-8))  # lambda = 0 fits exactly (~1e-32): cut below 1e-8
        a.legend(title="o: memorized (train loss drops < 1% per step),\ngeneralized (test < 1% of initial)"
                 if a is ax[0, 1] else None, title_fontsize=8)
    fig.suptitle("Fig. 1  y = w1 x1 + w2 x2 trained on one sample x = (1, 1), y = 2 "
                 f"(full-batch GD, step size {runs['lr']}, loss (y - w.x)^2 + lambda ||w||^2);\n"
                 "test set: 100 samples x ~ N(0, I), y = x1 + x2 (mean squared error)")
    save(fig, path)


def fig2(trajs, cos_curves, out, path):
    """Fig. 2: 3-D linear model, four starts; trajectories over the zero-loss plane shaded by norm."""
    fig = plt.figure(figsize=(13, 5.8))
    a = fig.add_subplot(1, 2, 1, projection="3d")
    r, phi = np.meshgrid(np.linspace(0, 3, 16), np.linspace(0, 2 * np.pi, 49))
    e1, e2 = np.array([1, -1, 0]) / np.sqrt(2), np.array([1, 1, -2]) / np.sqrt(6)
    # a disc of the plane w1 + w2 + w3 = 3 around (1, 1, 1), where ||w||^2 = 3 + r^2
    W = 1 + r[..., None] * (np.cos(phi)[..., None] * e1 + np.sin(phi)[..., None] * e2)
    a.plot_surface(*np.moveaxis(W, -1, 0), facecolors=plt.cm.Greys(0.1 + 0.6 * r / r.max()),
                   alpha=0.4, linewidth=0, shade=False)
    for rr in (1, 2, 3):  # circles of equal norm on the plane make its flatness visible
        a.plot(*(1 + rr * (np.cos(phi[:, :1]) * e1 + np.sin(phi[:, :1]) * e2)).T, color="0.45", lw=0.6)
    for k, (ws, col) in enumerate(zip(trajs, colors(len(trajs)))):
        a.plot(*ws.T, ".-", color=col, ms=2, lw=1, label=f"start {k + 1}")
        a.scatter(*ws[0], color=col, s=25)
    a.scatter(1, 1, 1, color="k", marker="*", s=120, label="(1, 1, 1): minimum norm on Z")
    a.set(xlabel="w1", ylabel="w2", zlabel="w3",
          title="weights; plane = zero-loss set w1+w2+w3 = 3,\nshaded by ||w|| (lighter = smaller)")
    a.legend(loc="upper left")
    a.view_init(elev=30, azim=20)
    b = fig.add_subplot(1, 2, 2)
    for k, (cos, tm, col) in enumerate(zip(cos_curves, out["steps_to_memorize"], colors(len(cos_curves)))):
        t = np.arange(1, len(cos) + 1)
        b.semilogx(t, cos, color=col, label=f"start {k + 1}: memorized at step {tm}, "
                   f"mean cos after = {out['post_memorization_alignment_per_run'][k]:.4f}")
        b.axvline(tm + 1, color=col, ls=":", lw=1)
    b.set(xlabel="step + 1 (log scale)", ylim=(-0.05, 1.05),
          ylabel="cos(update w_{t+1} - w_t, norm-min direction -P_T w_t)",
          title="each GD update vs the norm-minimizing direction within Z\n"
                "(dotted: memorization, train loss drops < 1% per step)")
    b.legend(loc="lower right")
    fig.suptitle(f"Fig. 2  y = w1 x1 + w2 x2 + w3 x3 trained on x = (1, 1, 1), y = 3 from four random "
                 f"starts (N(0, 1.5^2)); full-batch GD, step size {out['lr']}, lambda = {out['lam']}, "
                 f"{out['steps']} steps")
    save(fig, path)


def fig3(panels, out, path):
    """Fig. 3: three toy models in the (w1, w2) plane: loss level sets, Z, norm circle, GD path."""
    fig, ax = plt.subplots(1, 3, figsize=(17, 6.6), layout="constrained")
    for k, (a, p) in enumerate(zip(ax, panels)):
        o = out[p["name"]]
        loss = p["residual"] ** 2
        cs = a.contourf(p["A"], p["B"], np.log10(loss + 1e-12), levels=np.linspace(-4, 2, 13),
                        cmap="Blues_r", extend="both")
        a.contour(p["A"], p["B"], p["residual"], levels=[0], colors="k", linewidths=1.5)
        r = np.linalg.norm(o["min_norm_point"])
        if r > 0:
            a.add_patch(plt.Circle((0, 0), r, fill=False, ls=":", color="gray"))
        a.plot(*p["w"].T, ".-", color="tab:red", ms=2, lw=1, label="GD path")
        a.plot(*p["w"][0], "o", color="tab:red", label=f"start {tuple(o['init'])}")
        a.plot(*o["min_norm_point"], "k*", ms=12, label="minimum-norm point of Z")
        fp = o["final_point"]
        a.plot([], [], "k-", label="zero-loss set Z")
        model, zset = o["model"].split(": ", 1)
        a.set(aspect="equal", xlabel="w1", ylabel="w2",
              xlim=(p["A"].min(), p["A"].max()), ylim=(p["B"].min(), p["B"].max()),
              title=f"({'abc'[k]}) {model}\n{zset}\n"
                    f"final ({fp[0]:.3f}, {fp[1]:.3f}), train loss {o['loss']:.1e}\n"
                    f"reached the min-norm point (distance < {out['reached_within']:g}): {o['reached_min_norm']}")
        a.legend(loc="upper right")
    fig.colorbar(cs, ax=ax, shrink=0.8, label="log10 training loss (squared error, no lambda term)")
    fig.suptitle(f"Fig. 3  curved, singular and kinked zero-loss sets (dotted circle: ||w|| of the "
                 f"minimum-norm point); full-batch GD, step size {out['lr']}, lambda = {out['lam']}, "
                 f"{out['steps']} steps")
    save(fig, path, tight=False)


def fig4(views, neg_grads, out, path):
    """Fig. 4: L = (y - x^2)^2 in three zooms onto P with A, B, C, plus the Thm 4.14 slope panel."""
    fig, ax = plt.subplots(1, 4, figsize=(18, 4.8))
    P, t = out["P"], out["tangent"]
    for k, (a, (X, Y, L)) in enumerate(zip(ax, views)):
        half = X[0, -1] - P[0]
        logL = np.log10(L + 1e-300)
        levels = np.percentile(logL, np.linspace(3, 97, 13))  # spread over this view's range
        cs = a.contourf(X, Y, logL, levels=levels, cmap="Blues_r", alpha=0.6)
        a.contour(X, Y, logL, levels=levels, colors="steelblue", linewidths=0.6, linestyles="solid")
        fig.colorbar(cs, ax=a, shrink=0.7, format="%.1f", label="log10 L (level sets)")
        xs = X[0]
        a.plot(xs, xs ** 2, "k-", lw=1.5, label="Z: y = x^2")
        a.plot(*(P[:, None] + np.outer(t, [-2 * half, 2 * half])), "k:", lw=1, label="tangent of Z at P")
        a.plot(*P, "ko")
        a.annotate("P", P, xytext=(-12, 4), textcoords="offset points")
        pt, g = out["points_ABC"][k], neg_grads[k]  # view k shows point k
        g = 0.35 * half * g / np.linalg.norm(g)
        a.plot(*pt, "ro")
        a.annotate("", pt + g, pt, arrowprops=dict(arrowstyle="->", color="r", lw=1.5))
        a.annotate(f"{'ABC'[k]}: |cos| = {out['cos_at_ABC'][k]:.3g}", pt,
                   xytext=(-8, -16), textcoords="offset points", color="r", ha="right")
        if k < 2:
            h = half / 10
            a.add_patch(plt.Rectangle(P - h, 2 * h, 2 * h, fill=False, ec="k", ls="--"))
        a.set(xlim=(P[0] - half, P[0] + half), ylim=(P[1] - half, P[1] + half), aspect="equal",
              xlabel="x", ylabel="y", title=f"({'abc'[k]}) view {2 * half:g} wide around P"
                                            + ("; dashed: next view" if k < 2 else ""))
        a.legend(loc="upper left", fontsize=7)
    a = ax[3]
    d, c = out["sweep_distances"], out["sweep_cos"]
    a.loglog(d, c, "o-", ms=3, label="measured along the normal at P")
    near = d <= out["fit_max_distance"]  # the fitted line: the summary's slope through the first point
    a.loglog(d[near], c[0] * (d[near] / d[0]) ** out["thm414_slope"], "k--",
             label=f"fit for distance <= {out['fit_max_distance']}: slope {out['thm414_slope']:.3f}")
    a.loglog(out["distances_ABC"], out["cos_at_ABC"], "rs", mfc="none", label="A, B, C")
    a.set(xlabel="distance to Z", ylabel="|cos(gradient, tangent of Z)|",
          title="(d) Thm 4.14: |cos| shrinks linearly with distance")
    a.legend(loc="lower right")
    fig.suptitle(f"Fig. 4  L(x, y) = (y - x^2)^2, zero on Z = {{y = x^2}}; A, B, C lie on the normal at "
                 f"P = ({P[0]:g}, {P[1]:g}) at distances {', '.join(f'{v:g}' for v in out['distances_ABC'])}, "
                 "red arrows: negative gradient direction (unit length)")
    save(fig, path)


# ============================================================ Figures 5/7
FIG5_COLORS = {"cos_momentum": "tab:orange", "cos_gauss-newton": "tab:green"}
FIG5_LABELS = {"cos_momentum": "P_T at the paper's estimate of proj_Z (100 GD steps, momentum 0.9)",
               "cos_gauss-newton": "P_T at the Gauss-Newton foot (on Z; slanted, not orthogonal)"}
PHASES = ("memorized", "grokking", "generalized")  # as modadd.PHASES
PHASE_COLORS = ("tab:blue", "tab:red", "tab:green")
FIG5_SETTING = ("mod-11 addition, 59 train / 7 test pairs, width 128, ReLU, no biases, mean-squared "
                "loss, full-batch GD with step eta = 1, PyTorch weight decay 1e-4 (= 5e-5 ||θ||²)")


def fig5_runs_mean(ax, x, Y, color, label, geometric=False):
    """One thin line per run (x: shared (T,) or per run (runs, T)) and, in bold, their (arithmetic or
    geometric) mean at the x that all runs share."""
    X = np.broadcast_to(x, Y.shape)
    for xs, y in zip(X, Y):
        ax.plot(np.sort(xs), y[np.argsort(xs)], color=color, lw=0.7, alpha=0.3)
    same = (X == X[0]).all(axis=0)
    mean = np.exp(np.log(Y[:, same]).mean(axis=0)) if geometric else Y[:, same].mean(axis=0)
    ax.plot(np.sort(X[0, same]), mean[np.argsort(X[0, same])], color=color, lw=2, label=label)


def fig5_grok_lines(ax, grok_steps):
    """Dotted vertical line at each net's first step with 100% test accuracy."""
    for i, g in enumerate(s for s in grok_steps if s is not None):
        ax.axvline(g, color="0.4", ls=":", lw=1, label="test acc. reaches 100% (each net)" if i == 0 else None)


def fig5_cos_panel(ax, R, out, phase):
    """cos(update over 10 steps, -P_T theta) along training, P_T at two feet; the paper's by phase."""
    for key, color in FIG5_COLORS.items():
        fig5_runs_mean(ax, R["step"], R[key], color, FIG5_LABELS[key])
    for ph, color in zip(PHASES, PHASE_COLORS):  # each point of the paper's frame by its net's phase there
        ax.plot(R["step"][phase == ph], R["cos_momentum"][phase == ph], "o", color=color, ms=3, label=ph)
    rise = [t for t in out["rise_step"] if t is not None]
    ax.plot(rise, np.full(len(rise), -0.15), "^", color="k", label="each net's first rise of test accuracy")
    fig5_grok_lines(ax, out["grok_step"])
    ax.axhline(0, color="k", lw=0.6)
    ax.text(0.02, 0.03, "median loss left / orthogonality residual at the foot:\n" + "; ".join(
        f"{f} {d['loss_median']:.0e} / {d['residual_median']:.0e}" for f, d in out["feet"].items()),
        transform=ax.transAxes, fontsize=7)
    ax.set(xscale="log", xlabel="training step", ylim=(-0.6, 1.45),  # room above 1 and below 0 for the legends
           ylabel=r"cos($\theta_t-\theta_{t-10}$, $-P_T\theta_t$)",
           title="Does the update follow the norm-minimizing direction on Z?")
    h, labels = ax.get_legend_handles_labels()  # the two frames; the phases and the per-net marks
    ax.add_artist(ax.legend(h[:2], labels[:2], loc="upper left", fontsize=7))
    ax.legend(h[2:], labels[2:], loc="lower right", fontsize=6)


def fig5(R, phase, ratios, flips, deltas, out, path):
    """Fig. 5: losses and cos(update, norm-min direction); Thm 4.14 and s_min(J) on real nets."""
    fig, ax = plt.subplots(2, 2, figsize=(12, 8.5))
    a = ax[0, 0]
    for name, color in (("train", "tab:blue"), ("test", "tab:red")):
        fig5_runs_mean(a, R["curve_step"][1:], R[f"{name}_loss"][:, 1:], color,
                       f"{name} loss (geometric mean of {len(R['cos_momentum'])} nets)", True)
    fig5_grok_lines(a, out["grok_step"])
    a.set(xscale="log", yscale="log", xlabel="training step", ylabel="mean-squared error",
          title="Loss without the weight-decay term (thin: each net)")
    a.legend(fontsize=7)
    fig5_cos_panel(ax[0, 1], R, out, phase)
    a = ax[1, 0]
    for r, f in zip(ratios, flips):
        a.plot(deltas, r, color="tab:purple", lw=0.7, alpha=0.35)
        if (f > 0).any():
            k = np.argmax(f > 0)
            a.plot(deltas[k], r[k], "x", color="k", ms=5)
    gm = out["thm414_ratio_geomean"]
    a.plot(deltas, gm, color="tab:purple", lw=2, label="geometric mean over nets and directions")
    a.plot(deltas, gm[0] * deltas / deltas[0], "k--", lw=1, label="slope 1 (Thm 4.14)")
    a.plot([], [], "x", color="k", label="first ReLU sign change along that direction")
    a.text(0.97, 0.05, f"slope before the first sign change: {out['thm414_slope_real']:.3f}\n"
           f"(mean of {len(out['thm414_slopes_smooth'])} directions); "
           f"over all distances: {out['thm414_slope_all_deltas']:.2f}",
           transform=a.transAxes, ha="right", fontsize=7)
    a.set(xscale="log", yscale="log", xlabel=r"distance $\delta$ from Z (random normal direction)",
          ylabel=r"max$_{v \in T}$ |cos(v, $\nabla L$)| = $\|P_T\nabla L\| / \|\nabla L\|$",
          title="Thm 4.14 on the trained nets: the gradient turns normal to Z linearly")
    a.legend(loc="upper left", fontsize=7)
    a = ax[1, 1]
    fig5_runs_mean(a, R["step"], R["s_min"], "tab:brown", "mean over nets")
    fig5_grok_lines(a, out["grok_step"])
    a.set(ylim=(0, 1.1 * R["s_min"].max()), xscale="log", xlabel="training step",
          ylabel=r"$s_{min}(J)$ (0 = singular point)",
          title=f"Smallest singular value of J at the Gauss-Newton foot: min {out['sigma_min_J_gauss_newton_min']:.2f}")
    a.legend(fontsize=7)
    fig.suptitle("Fig. 5 — real training vs the norm-minimizing direction\n" + FIG5_SETTING, fontsize=10)
    save(fig, path)


def fig7(R, phase, out, path):
    """Fig. 7: accuracies and cos(update, norm-min direction), and the cosine by phase."""
    fig, ax = plt.subplots(1, 3, figsize=(16, 4.6), gridspec_kw={"width_ratios": [1, 1.2, 0.8]})
    a = ax[0]
    for name, color in (("train", "tab:blue"), ("test", "tab:red")):
        fig5_runs_mean(a, R["curve_step"][1:], R[f"{name}_acc"][:, 1:], color, f"{name} accuracy")
    fig5_grok_lines(a, out["grok_step"])
    a.set(xscale="log", xlabel="training step", ylabel="accuracy", ylim=(-0.03, 1.03),
          title="Accuracy (thin: each net, bold: mean)")
    a.legend(fontsize=7)
    fig5_cos_panel(ax[1], R, out, phase)
    a = ax[2]
    x = np.arange(len(PHASES))
    for i, (key, color) in enumerate(FIG5_COLORS.items()):
        by_phase = out["by_phase"][key]  # None for a phase without points
        mean = [np.nan if by_phase[ph] is None else by_phase[ph] for ph in PHASES]
        a.bar(x + (i - 0.5) * 0.36, mean, 0.34, color=color, alpha=0.7, label=FIG5_LABELS[key].split(" (")[0])
        for j, ph in enumerate(PHASES):  # one dot per net: its mean over the phase
            per = [c[p == ph].mean() for c, p in zip(R[key], phase) if (p == ph).any()]
            a.plot(np.full(len(per), x[j] + (i - 0.5) * 0.36), per, ".", color="k", ms=4)
    n = out["points_by_phase"]
    a.set_xticks(x, [f"{ph}\n({n[ph]} points)" for ph in PHASES])
    a.set(ylabel="mean cos (bar: all points, dot: each net)",
          title="Cosine by phase (train acc. 100%;\ntest < 50% / 50-99% / 100%)")
    a.axhline(0, color="k", lw=0.6)
    a.legend(loc="upper right", fontsize=6)
    fig.suptitle("Fig. 7 — as Fig. 5 with accuracy; " + FIG5_SETTING, fontsize=10)
    save(fig, path)


# ============================================================ Figure 6
def fig6(step, acc, norms, d0, d1, s, path, flows, units):
    """Fig. 6: test accuracy acc (runs, T) at steps step (T,), ||E||_F per run (norms), the Fourier diagnostics d0, d1
    (modadd.fourier_diagnostics) of run 0's first and last E, s: grok.fig6_settings; beyond the paper, flows ({reading:
    [modadd.simulate_flow's record per run]}, drawn at tau / eta; {} for none) and units (grok.fourier_means' per-unit statistics)."""
    fig = plt.figure(figsize=(18, 8.8))
    gs = fig.add_gridspec(2, 4, hspace=0.5, wspace=0.32)
    ax, bx = fig.add_subplot(gs[0, :2]), fig.add_subplot(gs[0, 2])
    ax.plot(step, acc.T, lw=0.8, alpha=0.45)[0].set_label(f"the paper's Euler map, step {s['lr']:g}: single runs")
    ax.plot(step, acc.mean(axis=0), color="k", lw=2, label=f"Euler map: mean of {len(acc)} runs")
    bx.plot(step, np.transpose(norms), lw=1, alpha=0.7)
    for reading, ls, text in (("std", "--", "E0 std p^-1/2 (the figure's)"), ("variance", "-.", "E0 std p^-1/4 (variance p^-1/2)")):
        for i, f in enumerate(flows.get(reading, [])):  # in its run's colour
            ax.plot(f["tau"] / s["lr"], f["test_acc"], color=f"C{i}", ls=ls, lw=1.2,
                    label=None if i else f"Eq. 20 as a flow (step control) to 95%, {text}")
            bx.plot(f["tau"] / s["lr"], f["norm"], color=f"C{i}", ls=ls, lw=1)
    ax.axhline(1, color="tab:blue", ls=":", lw=1, label="train accuracy (100% at every step)")
    ax.axhline(1 / s["p"], color="0.5", ls=":", lw=1, label=f"chance 1/{s['p']}")
    ax.set(xlabel=f"closed-form step of {s['lr']:g} (Eq. 20); flows at tau / {s['lr']:g}", ylabel="test accuracy",
           ylim=(-0.02, 1.05),
           title="(a) test accuracy with the optimal readout $W = H^T(HH^T)^{-1}Y$ (training loss exactly 0)")
    ax.legend(loc="center right", fontsize=7)
    start, peak, end = (np.mean([f(n) for n in norms]) for f in (lambda n: n[0], np.max, lambda n: n[-1]))
    fpeak = [f["norm"].max() / f["norm"][0] for f in flows.get("std", [])]
    bx.set(xlabel="step (flows at tau / eta: --  std, -. variance)", ylabel="$\\|E\\|_F$",
           title=f"(b) $\\|E\\|$, Euler map (means): start {start:.1f},\npeak {peak:.1f}, end {end:.1f}"
           + (f"\nflow (dashed): peak <= {max(fpeak):.2f} x start" if fpeak else ""))
    bx.legend([f"run {i}" for i in range(len(norms))], fontsize=7)
    k = d0["k"]
    fig6_units(fig.add_subplot(gs[0, 3]), units)
    for col, key, label, title in (
            (0, "norm_ratio", "min / max of the two norms", "(d) paper's diagnostic (a), run 0:\n$\\|Re\\,\\hat E_k\\|$ vs "
             "$\\|Im\\,\\hat E_k\\|$ (1 = round;\nthe random initial E nearly passes)"),
            (1, "cos_re_im", "|cosine|", "(e) paper's diagnostic (b), run 0:\n$|\\cos(Re\\,\\hat E_k, Im\\,\\hat E_k)|$ "
             "(0 = orthogonal;\nthe random initial E nearly passes)")):
        ex = fig.add_subplot(gs[1, col])
        for d, name, c, dx in ((d0, "initial", "0.6", -0.2), (d1, "final", "tab:red", 0.2)):
            ex.bar(k + dx, d[key], 0.4, color=c, label=f"{name} (mean {d[key].mean():.3f})")
        ex.set(xlabel="frequency k", ylabel=label, title=title)
        ex.legend(fontsize=7, loc="lower right" if key == "norm_ratio" else "upper right")
    for col, d, name, letter in ((2, d0, "initial", "f"), (3, d1, "final", "g")):
        sx = fig.add_subplot(gs[1, col])
        im = sx.imshow(d["similarity"], vmin=0, vmax=1, cmap="viridis")
        ticks = np.arange(0, len(k), 4)
        sx.grid(False)
        sx.set(xticks=2 * ticks + 0.5, xticklabels=k[ticks], yticks=2 * ticks + 0.5, yticklabels=k[ticks],
               xlabel="frequency k (Re, Im pairs)", ylabel="frequency k",
               title=f"({letter}) paper's diagnostic (c), {name} E: cos-similarity\nof $|Re\\,\\hat E_k|$, $|Im\\,\\hat E_k|$, "
                     f"within / across = {d['within_vs_across']:.2f}")
        fig.colorbar(im, ax=sx, fraction=0.046, pad=0.03)
    fig.suptitle(f"Figure 6 - closed-form dynamics on a + b mod {s['p']}: sigma = {s['act']}, d_h = {s['hidden']}, "
                 f"{s['n_train']} training pairs ({s['train_frac']:.0%}), step size {s['lr']:g}, "
                 f"E ~ N(0, std {s['init_std']:.3g}), {s['runs']} runs (own split and init)", fontsize=11)
    save(fig, path, tight=False)


def fig6_units(cx, units):
    """Fig. 6(c), beyond the paper: histograms of each unit's share of Fourier power in its strongest frequency
    (run 0) for the initial, a random and the final E, with grok.fourier_means' statistics in the legend."""
    for when, c in (("init", "0.5"), ("random", "tab:green"), ("final", "tab:red")):
        u = units[when]
        cx.hist(u["share_run0"], np.linspace(0, 1, 41), histtype="step", color=c, lw=1.5,
                label=f"{when} E: mean {np.mean(u['share_mean']):.2f}, > 1/2: {np.mean(u['single_frequency_units']):.0%}"
                f", dead {np.mean(u['dead_units']):.0f},\n{np.mean(u['frequencies_used']):.0f} freqs used, "
                f"{np.mean(u['units_per_k_min']):.0f}-{np.mean(u['units_per_k_max']):.0f} units each (means of runs)")
    cx.set(xlabel="share of a unit's Fourier power in its strongest frequency", ylabel="hidden units (run 0)",
           xlim=(0, 1), title="(c) beyond the paper: concentration of each\nunit's Fourier power (1: one frequency;\n"
           "iid noise: (1 + 1/2 + ... + 1/n_f) / n_f on average, n_f frequencies)")
    cx.legend(fontsize=6.5, loc="upper left")


def fig6_circles(rows, ks, p, path):
    """Fig. 6 circles: centred E_j projected on the (Re Ehat_k, Im Ehat_k) plane of each frequency k in ks;
    rows (modadd.circle_rows): (name, [(p, 2) coords, one per k], total variance ||E - mean_j E||^2)."""
    # squeeze=False: p = 3 has a single frequency, hence one column
    fig, axes = plt.subplots(len(rows), len(ks), figsize=(3.5 * max(len(ks), 4), 3.7 * len(rows)), squeeze=False)
    for axrow, (name, coords, var) in zip(axes, rows):
        r = 1.15 * max(np.abs(c).max() for c in coords)  # one scale per row
        for ax, c, k in zip(axrow, coords, ks):
            ax.scatter(c[:, 0], c[:, 1], c=plt.cm.hsv(np.arange(p) / p), s=22, edgecolors="k", linewidths=0.3)
            for j, (x, y) in enumerate(c):
                ax.annotate(str(j), (x, y), fontsize=6, xytext=(3, 2), textcoords="offset points")
            ax.set(xlim=(-r, r), ylim=(-r, r), aspect="equal",
                   title=f"{name}, k = {k}\nplane holds {(c ** 2).sum() / var:.0%} of the spread of E",
                   xlabel=f"$E_j$ along Re $\\hat E_{{{k}}}$", ylabel=f"$E_j$ along Im $\\hat E_{{{k}}}$ (orthogonalized)")
    fig.suptitle(f"Run 0: embeddings $E_j$ (j = 0..{p - 1}; label and colour = j; centred over j) on the (Re $\\hat E_k$, "
                 f"Im $\\hat E_k$) planes of the {len(ks)} strongest frequencies k of the final E.\nTop: the random initial "
                 "E on its own planes is already a noisy ring (with d_h >> p random embeddings are nearly orthogonal). "
                 "Middle: on the final E's planes it is a cloud.\nBottom: after the closed-form dynamics, clean "
                 "circles with $E_j$ at angle -2$\\pi$jk/p (successive j are k/p of a turn apart).", fontsize=10)
    save(fig, path)


# ============================================================ animations
GIF_DPI = 80  # small frames keep each GIF a few MB and quick to encode


def log_frames(n_steps, n_frames):
    """Log-spaced steps 0..n_steps, so the fast memorization and the slow creep both get frames."""
    return np.unique(np.r_[0, np.geomspace(1, n_steps, n_frames).round().astype(int)])


def write_gif(fig, animated, update, n_frames, path, fps):
    """Render update(i) for i < n_frames into a looping GIF, redrawing only the `animated` artists: the
    static part (axes, ticks, labels) is drawn once and restored for each frame (blitting), ~10x faster
    than redrawing the whole figure."""
    for a in animated:
        a.set_animated(True)
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    frames = []
    for i in range(n_frames):
        update(i)
        canvas.restore_region(background)
        for a in animated:
            a.axes.draw_artist(a) if a.axes else fig.draw_artist(a)
        frames.append(Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB"))
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=round(1000 / fps), loop=0)
    plt.close(fig)


def anim_toy(path, steps, W, train_loss, test_loss, lam, fps=10):
    """Animated Fig. 1: (w1, w2) races to the zero-loss line w1 + w2 = 2, then creeps to (1, 1).
    steps (T,), W (T, 2), train_loss/test_loss (T,): one frame per entry, so the caller chooses
    which steps to show (log-spaced shows both phases)."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.4), dpi=GIF_DPI, gridspec_kw={"width_ratios": [1, 1.3]})
    g = np.linspace(-1.6, 2.6, 200)
    G1, G2 = np.meshgrid(g, g)
    ax.contour(G1, G2, np.hypot(G1, G2), levels=12, colors="0.8", linewidths=0.7)
    ax.plot(g, 2 - g, color="tab:red", lw=2, label="zero-loss line $w_1+w_2=2$")
    ax.plot(1, 1, "*", color="gold", mec="k", ms=14, label="minimum-norm point (1, 1)")
    path_line, = ax.plot([], [], color="tab:blue", lw=1.5)
    dot, = ax.plot([], [], "o", color="tab:blue", ms=8, label="weights $(w_1, w_2)$")
    ax.set(xlim=(-1.6, 2.6), ylim=(-1.6, 2.6), xlabel="$w_1$", ylabel="$w_2$", aspect="equal",
           title="weights (grey circles: equal norm)")
    ax.legend(loc="lower left", fontsize=7)
    tr, = bx.plot([], [], color="tab:blue", label="train loss (the one sample 1+1=2)")
    te, = bx.plot([], [], color="tab:orange", label="test loss (100 random x, y = x1+x2)")
    lo = max(min(train_loss.min(), test_loss.min()), 1e-12)
    bx.set(xscale="log", yscale="log", xlim=(1, steps[-1]), ylim=(lo / 2, 2 * max(train_loss.max(), test_loss.max())),
           xlabel="gradient-descent step (log scale)", ylabel="squared error (log scale)")
    bx.legend(loc="lower left", fontsize=7)
    title = fig.suptitle("")

    def update(i):
        path_line.set_data(W[:i + 1, 0], W[:i + 1, 1])
        dot.set_data([W[i, 0]], [W[i, 1]])
        shown = steps[:i + 1] >= 1  # step 0 has no place on a log axis
        tr.set_data(steps[:i + 1][shown], train_loss[:i + 1][shown])
        te.set_data(steps[:i + 1][shown], test_loss[:i + 1][shown])
        phase = "memorizing" if train_loss[i] > 1e-2 * train_loss[0] else "sliding along Z"
        title.set_text(f"Linear model, weight decay $\\lambda$={lam:g}: step {steps[i]:,}  ({phase})")

    write_gif(fig, [path_line, dot, tr, te, title], update, len(steps), path, fps)


def anim_modadd(path, steps, coords, freqs, curve_steps, test_acc, norms, fps=5):
    """Animated Fig. 6: embeddings E_j on the (Re Ehat_k, Im Ehat_k) planes turn from a cloud into circles.
    steps (T,) snapshot steps; coords (T, n_freq, p, 2): E_j projected on the planes of the n_freq
    strongest frequencies `freqs` of the final E; curve_steps/test_acc/norms: the test accuracy and
    ||E|| curves, drawn up to the current snapshot."""
    T, n_freq, p, _ = coords.shape
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.8), dpi=GIF_DPI)
    circles = list(axes.flat[:n_freq])
    colors = plt.cm.hsv(np.arange(p) / p)
    dots = []
    for ax, k, c in zip(circles, freqs, coords.transpose(1, 0, 2, 3)):
        r = 1.1 * np.abs(c[-1]).max()  # fixed axes: the final circle's size
        dots.append(ax.scatter(c[0, :, 0], c[0, :, 1], c=colors, s=18, edgecolors="none"))
        ax.set(xlim=(-r, r), ylim=(-r, r), aspect="equal", title=f"frequency k = {k}",
               xlabel=f"E$_j$ · Re $\\hat E_{{{k}}}$", ylabel=f"E$_j$ · Im $\\hat E_{{{k}}}$")
    acc_ax, norm_ax = axes.flat[n_freq], axes.flat[n_freq + 1]
    acc_line, = acc_ax.plot([], [], color="tab:green", label="test")
    acc_ax.axhline(1, color="tab:blue", ls="--", lw=1, label="train (100% throughout)")
    acc_ax.axhline(1 / p, color="0.5", ls=":", lw=1, label=f"chance (1/{p})")
    acc_ax.set(xlim=(0, curve_steps[-1]), ylim=(0, 1.05), xlabel="step", ylabel="accuracy",
               title="accuracy (training loss is exactly 0)")
    acc_ax.legend(loc="center right", fontsize=7)
    norm_line, = norm_ax.plot([], [], color="tab:purple")
    norm_ax.set(xlim=(0, curve_steps[-1]), ylim=(0, 1.05 * norms.max()), xlabel="step",
                ylabel="$\\|E\\|_F$", title="embedding norm (being minimized)")
    title = fig.suptitle("")
    fig.tight_layout(rect=(0, 0, 1, 0.95))

    def update(i):
        for d, c in zip(dots, coords[i]):
            d.set_offsets(c)
        shown = curve_steps <= steps[i]
        acc_line.set_data(curve_steps[shown], test_acc[shown])
        norm_line.set_data(curve_steps[shown], norms[shown])
        title.set_text(f"Closed-form dynamics (Eq. 20), p = {p}: step {steps[i]:,}   "
                       f"(colour = residue j, cyclic)")

    write_gif(fig, dots + [acc_line, norm_line, title], update, T, path, fps)
