"""Every figure of the project, and only figures: arrays in, a PNG (or GIF) out.

One function per figure; each takes plain NumPy arrays and the output path and returns nothing.
No experiment is run here."""
import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402  (Pillow ships with matplotlib)

plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3,
                     "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8})


def save(fig, path, tight=True):
    """Lay the figure out (tight=False: it has its own layout), write it and free its memory."""
    if tight:
        fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# ============================================================ Figures 1-4: toy models
LAMBDA_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red")


def fig1(curves, runs, path):
    """Fig. 1: 2-D linear model, trajectories, losses, norm and distance to Z for each lambda."""
    fig, ax = plt.subplots(2, 2, figsize=(11, 8.5))
    a = ax[0, 0]
    a.plot([-1.5, 3.5], [3.5, -1.5], "k-", lw=1, label="zero-loss set Z: w1 + w2 = 2")
    a.add_patch(plt.Circle((0, 0), np.sqrt(2), fill=False, ls=":", color="gray", label="circle ||w|| = sqrt(2)"))
    for c, lam, col, ws in zip(curves, runs["lambdas"], LAMBDA_COLORS, runs["w_star"]):
        a.plot(c["w"][:, 0], c["w"][:, 1], ".-", color=col, ms=2, lw=1, label=f"GD, lambda = {lam}")
        a.plot(*ws, "x", color=col, ms=8)
    a.plot(*runs["init"], "ko", ms=6)
    for text, xy, off in (("start (-1, 1)", runs["init"], (8, -12)), ("memorized ~(0, 2)", (0, 2), (10, 10)),
                          ("minimum norm (1, 1)\nx = exact minimizer w*", (1, 1), (15, -30))):
        a.annotate(text, xy, xytext=off, textcoords="offset points")
    a.set(xlim=(-1.5, 2.5), ylim=(-0.5, 2.7), aspect="equal", xlabel="w1", ylabel="w2",
          title="(a) weights: fast to Z, then slowly along Z to the minimum norm")
    a.legend(loc="lower left")
    for c, lam, col, tm, tg, dmax in zip(curves, runs["lambdas"], LAMBDA_COLORS, runs["steps_to_memorize"],
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
    for k, (ws, col) in enumerate(zip(trajs, LAMBDA_COLORS)):
        a.plot(*ws.T, ".-", color=col, ms=2, lw=1, label=f"start {k + 1}")
        a.scatter(*ws[0], color=col, s=25)
    a.scatter(1, 1, 1, color="k", marker="*", s=120, label="(1, 1, 1): minimum norm on Z")
    a.set(xlabel="w1", ylabel="w2", zlabel="w3",
          title="weights; plane = zero-loss set w1+w2+w3 = 3,\nshaded by ||w|| (lighter = smaller)")
    a.legend(loc="upper left")
    a.view_init(elev=30, azim=20)
    b = fig.add_subplot(1, 2, 2)
    for k, (cos, tm, col) in enumerate(zip(cos_curves, out["steps_to_memorize"], LAMBDA_COLORS)):
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
FIG5_COLORS = {"cos": "tab:blue", "cos_momentum": "tab:orange", "cos_gauss-newton": "tab:green"}
FIG5_LABELS = {"cos": "P_T at the orthogonal foot (nearest in θ's cell; ReLU: stratum frame)",
               "cos_momentum": "at the paper's estimate (100 GD steps, momentum 0.9)",
               "cos_gauss-newton": "at the Gauss-Newton foot (slanted, not orthogonal)"}
PHASES = ("memorized", "grokking", "generalized")  # as modadd.PHASES
FIG5_SETTING = ("mod-11 addition, 59 train / 7 test pairs, width 128, ReLU, no biases, mean-squared "
                "loss, full-batch GD lr 1, PyTorch weight decay 1e-4 (= 5e-5 ||θ||²)")


def fig5_runs_mean(ax, x, Y, color, label, geometric=False):
    """One thin line per run and their (arithmetic or geometric) mean in bold."""
    for y in Y:
        ax.plot(x, y, color=color, lw=0.7, alpha=0.3)
    mean = np.exp(np.log(Y).mean(axis=0)) if geometric else Y.mean(axis=0)
    ax.plot(x, mean, color=color, lw=2, label=label)


def fig5_grok_lines(ax, grok_steps):
    """Dotted vertical line at each net's first step with 100% test accuracy."""
    for i, g in enumerate(s for s in grok_steps if s is not None):
        ax.axvline(g, color="0.4", ls=":", lw=1, label="test acc. reaches 100% (each net)" if i == 0 else None)


def fig5_cos_panel(ax, R, out):
    """cos(update over 10 steps, -P_T theta) along training, P_T at three feet."""
    for key, color in FIG5_COLORS.items():
        fig5_runs_mean(ax, R["step"], R[key], color, FIG5_LABELS[key])
    fig5_grok_lines(ax, out["grok_step"])
    ax.axhline(0, color="k", lw=0.6)
    ax.text(0.02, 0.03, "median loss left / orthogonality residual at the foot:\n" + "; ".join(
        f"{f} {d['loss_median']:.0e} / {d['residual_median']:.0e}" for f, d in out["feet"].items()),
        transform=ax.transAxes, fontsize=7)
    ax.set(xscale="log", xlabel="training step", ylim=(-0.4, 1.45),  # room above 1 for the legend
           ylabel=r"cos($\theta_t-\theta_{t-10}$, $-P_T\theta_t$)",
           title="Does the update follow the norm-minimizing direction on Z?")
    ax.legend(loc="upper left", fontsize=7)


def fig5(R, ratios, flips, deltas, out, path):
    """Fig. 5: losses and cos(update, norm-min direction); Thm 4.14 and sigma_min(J) on real nets."""
    fig, ax = plt.subplots(2, 2, figsize=(12, 8.5))
    a = ax[0, 0]
    for name, color in (("train", "tab:blue"), ("test", "tab:red")):
        fig5_runs_mean(a, R["curve_step"][1:], R[f"{name}_loss"][:, 1:], color,
                       f"{name} loss (geometric mean of {len(R['cos'])} nets)", True)
    fig5_grok_lines(a, out["grok_step"])
    a.set(xscale="log", yscale="log", xlabel="training step", ylabel="mean-squared error",
          title="Loss without the weight-decay term (thin: each net)")
    a.legend(fontsize=7)
    fig5_cos_panel(ax[0, 1], R, out)
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
    fig5_runs_mean(a, R["step"], R["sigma_min"], "tab:brown", "mean over nets")
    fig5_grok_lines(a, out["grok_step"])
    a.set(ylim=(0, 1.1 * R["sigma_min"].max()), xscale="log", xlabel="training step",
          ylabel=r"$\sigma_{min}(J)$ (0 = singular point)",
          title=f"Smallest singular value of J at the orthogonal foot: min {out['sigma_min_J_min']:.2f}")
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
    fig5_cos_panel(ax[1], R, out)
    a = ax[2]
    x = np.arange(len(PHASES))
    for i, (key, color) in enumerate(FIG5_COLORS.items()):
        by_phase = out["by_phase"][key]  # None for a phase without points
        mean = [np.nan if by_phase[ph] is None else by_phase[ph] for ph in PHASES]
        a.bar(x + (i - 1) * 0.27, mean, 0.25, color=color, alpha=0.7, label=FIG5_LABELS[key].split(" (")[0])
        for j, ph in enumerate(PHASES):  # one dot per net: its mean over the phase
            per = [c[p == ph].mean() for c, p in zip(R[key], phase) if (p == ph).any()]
            a.plot(np.full(len(per), x[j] + (i - 1) * 0.27), per, ".", color="k", ms=4)
    n = out["points_by_phase"]
    a.set_xticks(x, [f"{ph}\n({n[ph]} points)" for ph in PHASES])
    a.set(ylabel="mean cos (bar: all points, dot: each net)",
          title="Cosine by phase (train acc. 100%;\ntest < 50% / 50-99% / 100%)")
    a.axhline(0, color="k", lw=0.6)
    a.legend(loc="upper right", fontsize=6)
    fig.suptitle("Fig. 7 — as Fig. 5 with accuracy; " + FIG5_SETTING, fontsize=10)
    save(fig, path)


# ============================================================ Figure 6
def fig6(step, acc, norms, d0, d1, s, path):
    """Fig. 6: test accuracy acc (runs, T) at steps step (T,), ||E||_F per run (norms), and the Fourier
    diagnostics d0, d1 (modadd.fourier_diagnostics) of run 0's initial and final E; s: grok.fig6_settings."""
    fig = plt.figure(figsize=(17, 8))
    gs = fig.add_gridspec(2, 4, hspace=0.38, wspace=0.3)
    ax = fig.add_subplot(gs[0, :2])
    ax.plot(step, acc.T, lw=0.8, alpha=0.45)[0].set_label("single runs")
    ax.plot(step, acc.mean(axis=0), color="k", lw=2, label=f"mean of {len(acc)} runs")
    ax.axhline(1, color="tab:blue", ls="--", lw=1, label="train accuracy (100% at every step)")
    ax.axhline(1 / s["p"], color="0.5", ls=":", lw=1, label=f"chance 1/{s['p']}")
    ax.set(xlabel="closed-form step (Eq. 20)", ylabel="test accuracy", ylim=(-0.02, 1.05),
           title="(a) test accuracy with the optimal readout $W = H^T(HH^T)^{-1}Y$ (training loss exactly 0)")
    ax.legend(loc="center right")
    bx = fig.add_subplot(gs[0, 2])
    bx.plot(step, np.transpose(norms), lw=1, alpha=0.7)
    start, peak, end = (np.mean([f(n) for n in norms]) for f in (lambda n: n[0], np.max, lambda n: n[-1]))
    bx.set(xlabel="closed-form step", ylabel="$\\|E\\|_F$", title=f"(b) embedding norm, mean of runs: start "
           f"{start:.1f}, peak {peak:.1f}, end {end:.1f}\n(the early jump is the first Euler step overshooting: Fig. 13)")
    bx.legend([f"run {i}" for i in range(len(norms))], fontsize=7)
    k = d0["k"]
    cx = fig.add_subplot(gs[0, 3])
    for d, name, c in ((d0, "initial", "0.6"), (d1, "final", "tab:red")):
        cx.plot(k, d["power"] / d["power"].sum(), "o-", ms=3, color=c,
                label=f"{name} E (top 4 hold {d['power_top4_fraction']:.0%})")
    cx.set(xlabel="frequency k", ylabel="share of Fourier power $\\|F_k\\|^2$", ylim=(0, None),
           title="(c) run 0: Fourier power per frequency")
    cx.legend()
    for col, key, label, title in (
            (0, "norm_ratio", "min / max of the two norms", "(d) run 0: $\\|Re F_k\\|$ vs $\\|Im F_k\\|$ (1 = round)"),
            (1, "cos_re_im", "|cosine|", "(e) run 0: $|\\cos(Re F_k, Im F_k)|$ (0 = orthogonal)")):
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
               title=f"({letter}) {name} E: cos-similarity of $|Re F_k|$, $|Im F_k|$\n"
                     f"within / across frequencies = {d['within_vs_across']:.2f}")
        fig.colorbar(im, ax=sx, fraction=0.046, pad=0.03)
    fig.suptitle(f"Figure 6 - closed-form dynamics on a + b mod {s['p']}: sigma = {s['act']}, d_h = {s['hidden']}, "
                 f"{s['n_train']} training pairs ({s['train_frac']:.0%}), step size {s['lr']:g}, "
                 f"E ~ N(0, std {s['init_std']:.3g}), {s['runs']} runs (own split and init)", fontsize=11)
    save(fig, path, tight=False)


def fig6_circles(rows, ks, p, path):
    """Fig. 6 circles: centred E_j projected on the (Re F_k, Im F_k) plane of each frequency k in ks;
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
                   xlabel=f"$E_j$ along Re $F_{{{k}}}$", ylabel=f"$E_j$ along Im $F_{{{k}}}$ (orthogonalized)")
    fig.suptitle(f"Run 0: embeddings $E_j$ (j = 0..{p - 1}; label and colour = j; centred over j) on the (Re $F_k$, "
                 f"Im $F_k$) planes of the {len(ks)} strongest frequencies k of the final E.\nTop: the random initial "
                 "E on its own planes is already a noisy ring (with d_h >> p random embeddings are nearly orthogonal). "
                 "Middle: on the final E's planes it is a cloud.\nBottom: after the closed-form dynamics, clean "
                 "circles with $E_j$ at angle -2$\\pi$jk/p (successive j are k/p of a turn apart).", fontsize=10)
    save(fig, path)


# ============================================================ Figures 8 and 10
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
            title=f"(c) length ratio over the same windows (1: W1 moves as far as Eq. 20 does)")
    for a, loc in ((axc, "lower left"), (axl, "upper left")):
        a.set_xlabel("rescaled time tau")
        a.legend(fontsize=7, loc=loc)


def fig8(sim_tau, sim_acc, curves, runs, s, path):
    """Fig. 8: real GD on both layers vs the closed-form dynamics, against rescaled time tau."""
    fig, ax = plt.subplots(2, 2, figsize=(15, 11))
    ax = ax.ravel()
    tau95 = lambda g: "not by the end" if g is None else f"{g:.2f}"  # noqa: E731
    ax[0].plot(sim_tau, sim_acc, "k-", lw=2.5, label=f"Eq. 20, lambda -> 0 (eta = {s['sim_lr']:g}): "
               f"0.95 at tau = {tau95(runs[0]['grok_tau_sim'])}")
    for c, r, col in zip(curves, runs, LAMBDA_COLORS):
        ax[0].plot(c["tau"], c["test_acc"], color=col, label=(
            f"real GD, lambda = {r['lambda']:g}: 0.95 at tau = {tau95(r['grok_tau_real'])}; finite-lambda Eq. 20: "
            f"{tau95(r['grok_tau_sim_finite_lambda'])} (lr {r['lr']:.1e}, {r['steps']:,} steps)"))
        ax[3].plot(c["tau"][1:], c["w2_gap"][1:], color=col, label=f"lambda = {r['lambda']:g}")
        for a in ax:
            if r["grok_tau_real"] is not None:
                a.axvline(r["grok_tau_real"], color=col, ls=":", lw=1)
    ax[0].axhline(0.95, color="gray", lw=0.8)
    ax[0].set(xlabel="rescaled time tau  (real: 2 lr lambda step;  Eq. 20: eta step)", ylabel="test accuracy",
              ylim=(-0.02, 1.02), title="(a) test accuracy (dotted lines: first time >= 0.95)")
    ax[0].legend(fontsize=7, loc="lower right")
    yardstick_panels(ax[1], ax[2], curves, runs, [f"lambda = {r['lambda']:g}" for r in runs], LAMBDA_COLORS)
    ax[3].set(xlabel="rescaled time tau", ylabel="||W2 - W2*(W1)|| / ||W2*(W1)||", ylim=(0, None),
              title="(d) distance of the real W2 from its optimal (ridge) readout W2*(W1) for the current W1")
    ax[3].legend(fontsize=7)
    fig.suptitle(
        f"Fig. 8 (beyond the paper): full-batch GD on both layers vs the closed-form first-layer dynamics; "
        f"a + b mod {s['p']}, d_h = {s['hidden']}, ReLU, {s['n_train']} training pairs\n"
        f"loss ||relu(X W1) W2 - Y||^2 + lambda (||W1||^2 + ||W2||^2); same W1(0) ~ N(0, std p^-1/2) for all runs, "
        f"W2(0) = ridge readout; lr = 1 / (top Hessian eigenvalue at the start); one seed")
    save(fig, path)


READOUT_COLORS = {"gd k=1": "tab:blue", "gd k=3": "tab:orange", "gd k=10": "tab:green", "exact": "tab:red"}


def readout_label(r):
    """Legend text of a Fig. 10 run: its readout scheme and time-scale separation."""
    if r["readout"] == "exact":
        return "exact readout W2*(W1) (= finite-lambda Eq. 20 by construction)"
    k = r["readout"].split("=")[1]
    return f"{'plain GD, ' if k == '1' else 'GD, '}k = {k} (separation {r['separation']:.1f})"


def fig10(sim_tau, sim_acc, curves, runs, sweep, s, path):
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
    ax[0].set(xlabel="rescaled time tau = 2 lr lambda step", ylabel="test accuracy", ylim=(-0.02, 1.02),
              title=f"(a) lambda = {s['lam']:g}, one seed: test accuracy, readout ever faster (legend: tau at 0.95)")
    ax[0].legend(loc="lower right", fontsize=7)
    yardstick_panels(ax[1], ax[2], curves, runs, [r["readout"] for r in runs], cols)
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
          xlabel="k = readout GD steps per first-layer step (k = 1: plain GD)",
          ylabel="tau_real / tau(finite-lambda Eq. 20) at 95% test accuracy",
          title=f"(d) the evidence: time ratio over {sweep['seeds']} seeds (own split and W1(0)), p = {ss['p']}, "
                f"d_h = {ss['hidden']}, {ss['n_train']} training pairs")
    a.minorticks_off()
    a.legend(fontsize=7)
    fig.suptitle(
        f"Fig. 10 (beyond the paper): how fast must the second layer be for Eq. 20 to hold? (a)-(c): real training "
        f"from the Fig. 8 start (p = {s['p']}, d_h = {s['hidden']}, {s['n_train']} pairs, W2(0) = ridge readout, "
        f"lr = 1 / sharpness);\nafter each GD step on both layers, k - 1 more readout steps of size 1 / (||H||_F^2 + "
        f"lambda), or the exact readout (its lr raised to make 2 lr lambda = {s['exact_eta']:g}), a check of the "
        f"code: by the envelope theorem\nit is Euler on finite-lambda Eq. 20. Separation = how many times faster W2's "
        f"slowest mode relaxes than tau advances (plain GD: 1). Runs stop {s['stop_after_tau']:g} tau after grokking.")
    save(fig, path)


# ============================================================ Figure 9
def fig9_row_label(row):
    """Short label of an ablation row, e.g. 'lr 0.1, window 100'."""
    name = {"window": f"window {row['window']}", "lr": f"lr {row['lr']:g},\nwindow {row['window']}",
            "lambda": f"λ {row['lam']:.0e}\nτ {row['tau']:g}\nwindow {row['window']}"}[row["ablation"]]
    base = "\n(Fig. 5)" if row["ablation"] == "window" and row["window"] == 10 else ""
    dist = "" if row["dist_median"] is None else f"\nd = {row['dist_median']:.3f}"
    return name + base + dist


def fig9_bars(ax, rows, key, ylabel, title):
    """Grouped bars: one group per ablation row, one bar per phase (mean over branch points)."""
    V = np.array([[np.nan if r[f"{key}_by_phase"][ph] is None else r[f"{key}_by_phase"][ph]
                   for ph in PHASES] for r in rows])  # (rows, phases)
    x = np.arange(len(rows))
    for j, (ph, color) in enumerate(zip(PHASES, ("tab:blue", "tab:orange", "tab:green"))):
        ax.bar(x + (j - 1) * 0.27, V[:, j], 0.25, color=color, alpha=0.8, label=ph)
    ax.set_xticks(x, [fig9_row_label(r) for r in rows], fontsize=7)
    ax.axhline(0, color="k", lw=0.6)
    ax.set(ylim=(min(0.0, np.nanmin(np.r_[V.ravel(), 0.0])) - 0.05, 1.3), ylabel=ylabel, title=title,
           xlabel="setting of the branch (d: median distance to Z at its end)")
    ax.legend(loc="upper center", ncol=3, fontsize=7, title="phase at the branch point", title_fontsize=7)


def fig9(R, phase, grok_steps, rows, out, path):
    """Fig. 9: the Fig. 5 cosine = tangential cosine x tangent fraction; where the tangential
    part comes from; GD's stability; distance to Z vs the smooth radius; ablations."""
    fig, ax = plt.subplots(2, 3, figsize=(17, 9.5))
    x = R["step"]
    a = ax[0, 0]
    for key, color, label in (("cos", "tab:green", "Fig. 5: cos(u, −P_T θ)"),
                              ("cos_tangent", "tab:purple", "tangential: cos(P_T u, −P_T θ)"),
                              ("tangent_fraction", "tab:gray", "tangent fraction ‖P_T u‖ / ‖u‖")):
        fig5_runs_mean(a, x, R[key], color, label)
    fig5_grok_lines(a, grok_steps)
    a.axhline(0, color="k", lw=0.6)
    a.set(xscale="log", ylim=(-1.0, 1.05), xlabel="training step",
          title="(a) Fig. 5's cosine = tangential cosine x tangent fraction\n"
                "(an identity), at the orthogonal foot")
    a.legend(loc="lower right", fontsize=7)
    a = ax[0, 1]
    fig5_runs_mean(a, x, R["loss_to_decay"], "tab:red", "‖P_T u_L‖ / ‖P_T u_λ‖ (0 in theory)")
    fig5_runs_mean(a, x, R["loss_along"], "tab:blue", "loss term's share along P_T u: ⟨P_T u_L, P_T u⟩ / ‖P_T u‖²")
    fig5_grok_lines(a, grok_steps)
    a.axhline(0, color="k", lw=0.6)
    a.set(xscale="log", xlabel="training step", ylim=(-0.5, 3),
          title="(b) tangential update P_T u = P_T u_L (loss gradient) + P_T u_λ (weight decay)")
    a.legend(loc="upper right", fontsize=7)
    a = ax[0, 2]
    fig5_runs_mean(a, x, R["sharpness_lr"], "tab:brown", "sharpness x lr at the foot (top eig. 2c J^T J + 2λ)")
    fig5_runs_mean(a, x, R["normal_flip_cos"], "tab:cyan", "cos of consecutive one-step normal parts")
    N = out["preactivations"]
    for key, color, label in (("flips", "tab:red", "pre-activations changing sign in one step"),
                              ("flips_back", "tab:pink", "... and flipping back the next step"),
                              ("within_one_step", "tab:olive", "closer to 0 than one step moves them")):
        fig5_runs_mean(a, x, 10 * R[key] / N, color, f"10 x fraction {label}")
    a.axhline(2, color="k", ls="--", lw=1, label="stability limit 2 (smooth curvature)")
    a.axhline(0, color="k", lw=0.6)
    fig5_grok_lines(a, grok_steps)
    a.set(xscale="log", xlabel="training step", ylim=(-1.05, 3.4), title="(c) curvature x lr against 2, "
          f"the normal part's sign,\nand ReLU kinks crossed (of {N} pre-activations)")
    a.legend(loc="upper right", fontsize=6)
    a = ax[1, 0]
    fig5_runs_mean(a, x, R["dist"], "tab:green", "distance to Z, ‖θ_t − proj_Z(θ_t)‖", True)
    fig5_runs_mean(a, x, np.clip(R["radius"], 1e-18, 1e3), "tab:red", "smooth radius (Thm 4.14's regime): from "
                   "the foot\ntoward θ_t to the first ReLU sign change (0: foot on kinks)", True)
    fig5_grok_lines(a, grok_steps)
    a.set(xscale="log", yscale="log", xlabel="training step", ylabel="distance (bold: geometric mean)",
          ylim=(None, 1e3), title="(d) where training sits vs where Thm 4.14 applies")
    a.legend(loc="upper right", fontsize=7)
    fig9_bars(ax[1, 1], rows, "cos_tangent", "mean cos(P_T u, −P_T θ)",
              "(e) ablations (branched off the Fig. 5 nets): tangential cosine")
    fig9_bars(ax[1, 2], rows, "tangent_fraction", "mean ‖P_T u‖ / ‖u‖", "(f) ablations: tangent fraction")
    n = out["points_by_phase"]
    fig.suptitle("Fig. 9 — why the Fig. 5 cosine is low: update u = θ_t − θ_{t−10} = u_L + u_λ split at "
                 "the orthogonal foot (ReLU: stratum frame) (thin: each net, bold: mean; "
                 f"{n['memorized']}/{n['grokking']}/{n['generalized']} points memorized/grokking/generalized)\n"
                 + FIG5_SETTING, fontsize=10)
    save(fig, path)


# ============================================================ Figure 11
def fig11_name(r):
    """The legend name of a Fig. 11 part-1 run."""
    p, name = r["param"], r["dynamics"]
    if name in ("l1", "l2"):
        return f"L1 norm, pull {p:.2g} sign(E)" if name == "l1" else f"Eq. 20 with {p:g} x its -E"
    return {"eq20": "Eq. 20", "readout-only": "readout norm alone", "shrink": "plain shrinkage -E"}.get(
        name, f"{name}, c = {p}")


def fig11(curves, rows, grok, norm, acc, median, s, rho, path):
    """Fig. 11: Eq. 20 against other motions along Z (curves/rows: one per run), and its phase diagram
    (grok, norm, acc: (widths, fractions, seeds) step at 0.95 or None, final ||E|| and test accuracy,
    NaN = skipped cell; median: per cell)."""
    fig, ax = plt.subplots(2, 3, figsize=(19, 14), gridspec_kw={"height_ratios": (1.35, 1)})
    lr, level, T = s["lr"], s["level"], s["tau"]
    when = lambda g: f"not by tau = {T:g}" if g is None else f"tau {g:.2f}"  # noqa: E731
    groups = [(ax[0, 0], ("tilt-noise",), "(a) tilted to cosine c, fresh random perpendicular part each step\n"
               "(it averages out as eta -> 0: grokking at ~ Eq. 20's time / c is expected by construction)"),
              (ax[0, 1], ("tilt-fixed",), "(b) tilted to cosine c, one fixed random perpendicular part\n"
               "(a bias that does not average out)"),
              (ax[0, 2], ("l1", "l2", "readout-only", "shrink"), "(c) other objectives (L1 at Eq. 20's lambda "
               "and at matched strength:\nits pull as long as Eq. 20's -E at the start), readout only, shrinkage")]
    for a, names, title in groups:
        for j, (c, r) in enumerate((c, r) for c, r in zip(curves, rows) if r["dynamics"] in ("eq20", *names)):
            lg = r.get("long") or {}
            extra = lg and (f"; then {'not' if lg['grok_tau'] is None else 'at tau %.2f' % lg['grok_tau']} by tau = "
                            f"{lg['tau']:g} (acc {lg['final_test_acc']:.2f}, ||E|| {lg['final_norm']:.1f})")
            a.plot(c["tau"], c["test_acc"], color=f"C{j}" if j else "k", lw=1.3 + 0.9 * (not j),
                   label=f"{fig11_name(r)}: {when(r['grok_tau'])}, ||E|| {r['norm_init']:.1f} -> {r['final_norm']:.1f}, "
                   f"circles {r['within_vs_across_final']:.2f}, cos_disp {r['cos_disp']:.2f}{extra or ''}")
        a.axhline(level, color="gray", lw=0.8)
        a.axvline(T, color="gray", ls="--", lw=0.8)
        a.set(xlabel="rescaled time tau = eta x step" + (" (log scale)" if a is not ax[0, 0] else ""),
              xscale="linear" if a is ax[0, 0] else "log", ylabel="test accuracy", ylim=(-0.02, 1.05))
        a.set_title(title, fontsize=9)
        a.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    a = ax[1, 0]
    eq20 = rows[0]["grok_tau"]
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
    a, fr, marks = ax[1, 1], np.array(s["fractions"]), ("o", "s", "^", "D")
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
    a, ok = ax[1, 2], ~np.isnan(norm)
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
    fig.suptitle(
        f"Fig. 11 (beyond the paper): the closed form (Eq. 20) as a grokking simulator; ReLU, a + b mod {s['p']}, "
        f"step eta = {lr:g} (tau = eta x step), E ~ N(0, std p^-1/2)\n(a)-(d): one split ({s['n_train']} training "
        f"pairs, {s['train_frac']:.0%}) and one E0, d_h = {s['hidden']}, to tau = {T:g} (runs still short of {level} "
        f"continued to tau = {s['long_tau']:g}); 'circles' = within/across-frequency similarity of E at tau = {T:g} "
        f"(1 = none, Fig. 6 ~4.6).\n(e)-(f): each run until test accuracy >= {level} or tau = {T:g}; widths "
        f"{', '.join(map(str, s['widths']))}, {s['seeds']} seeds per cell (own split and E0)", fontsize=10)
    save(fig, path)


# ============================================================ Figure 12: where Thm 4.14's assumptions hold
ACT_COLORS = {"relu": "k", "tanh": "tab:red", "softplus2": "tab:blue", "softplus8": "tab:cyan", "softplus32": "tab:gray"}


def fig12_phase_bars(ax, by_act, key, title, baseline):
    """Grouped bars: one group per phase, one bar per activation (mean over its points)."""
    for j, (act, v) in enumerate(by_act.items()):
        y = [np.nan if v[f"{key}_by_phase"][ph] is None else v[f"{key}_by_phase"][ph] for ph in PHASES]
        ax.bar(np.arange(3) + (j - (len(by_act) - 1) / 2) * 0.8 / len(by_act), y, 0.75 / len(by_act),
               color=ACT_COLORS.get(act, "tab:olive"), label=f"{act} ({v['nets']} net{'s' * (v['nets'] > 1)})")
    ax.axhline(baseline[0], color="tab:green", ls="--", lw=1, label=baseline[1])
    ax.set_xticks(range(3), [f"{ph} phase" for ph in PHASES])
    ax.set(ylabel=title.split(": ")[-1], title=title, ylim=(min(0, ax.get_ylim()[0]), 1.25))
    ax.legend(fontsize=7, ncol=2, loc="upper left")


def fig12(curves, out, path):
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
            for ph, mk in zip(PHASES, "os^"):
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
                 + FIG5_SETTING.replace("ReLU", "activation as marked"), fontsize=10)
    save(fig, path)


# ============================================================ Figure 13
def fig13(curves, out, path):
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
    save(fig, path)


# ============================================================ animations
GIF_DPI = 80  # small frames keep each GIF a few MB and quick to encode


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
    """Animated Fig. 6: embeddings E_j on the (Re F_k, Im F_k) planes turn from a cloud into circles.
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
               xlabel=f"E$_j$ · Re F$_{{{k}}}$", ylabel=f"E$_j$ · Im F$_{{{k}}}$")
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
