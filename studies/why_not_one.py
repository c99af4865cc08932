"""Why is Fig. 5's cosine not 1? (Fig. 9, beyond the paper.)

Question: the paper's claim is that after memorization GD moves along Z by -P_T theta, so the Fig. 5
cosine cos(u, -P_T theta) should be near 1. Measured at the orthogonal foot (feet.orthogonal_projection:
a point theta* of Z on the boundary of theta's activation cell where theta - theta* is normal to Z's
stratum) instead of the paper's momentum estimate, how much of the update is along Z, how well does
its tangential part follow -P_T theta, where does the rest come from, and do the lr, lambda and the
window change it?

Answer: the cosine is the tangential cosine times the tangent fraction (an identity). On the
memorized plateau (train 100%, test < 50%), most of the update is along Z and follows -P_T theta
closely; later the loss gradient's tangential part grows to the size of weight decay's
(fig9/median_by_phase/loss_to_decay; Section 4 says ~0), while GD chatters across ReLU kinks:
hundreds of pre-activations change sign every step and most flip back (fig9/median_by_phase/flips,
flips_back), while the smooth curvature is below GD's stability limit. The foot sits on kinks (smooth
radius ~0), so Theorem 4.14's smooth regime never applies. Branches at a 10x smaller lr change
little; at a 10x smaller lambda training comes closer to Z (fig9/lambda_ablation). The foot is a
stationary point of the distance on its stratum, not the nearest point of Z, not even within
theta's cell: no foot passes its pins' KKT test (fig9/orthogonal_foot/converged); about half the
asks for release are certain (fig9/frame_by_step/*/release_certain: a full-rank unit or a negative
pull), the rest one choice of multipliers among many; some ask back into theta's own cell, with
small first-order gains (fig9/orthogonal_foot/release_back_median, back_gain_max). The window's
sign flips do not single out the stratum: as many pre-activations of smallest |z| at theta_t catch
more of them than the pins (fig9/median_by_phase/flips_smallest_share against flips_pinned_share;
most pins are among them, pins_smallest_share): GD chatters across the kinks nearest theta_t. dim T
shrinks as pins grow (fig9/frame_by_step). Extends Sec. 4 and App. D.

Run: python grok.py --figs 9 (it runs Fig. 5 first when it has not run in the same call).
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

# ---------------------------------------------------------------- Fig. 9: the experiment
# Fig. 9 measures the Fig. 5 points at their orthogonal feet (orthogonal_points) and
# branches a few (the middles of per_phase parts of each phase in the first `nets` nets) into
# GD in a changed setting, measured over its last window at the orthogonal foot of its end.
# Rows (name, lr, lam, steps, windows): "window" is Fig. 5's setting and, with window 10, the
# control of "lr" (lr 0.1 for 10x the steps and window: the same rescaled duration lr * steps);
# the two "lambda" rows run lam and lam / 10 for the same tau = 2 lr lam steps, with windows of
# equal tau (10 and 100 steps) and, at lam / 10, also of equal steps (10).
FIG9_WINDOWS = (1, 10, 100)
FIG9_LR, FIG9_LAM = 0.1, MA.FIG5_LAM / 10
FIG9 = {"nets": 1, "per_phase": 2, "lam_steps": 1000}
FIG9_QUICK = {"nets": 1, "per_phase": 1, "lam_steps": 200}
FIG9_KEYS = ("cos", "cos_tangent", "tangent_fraction")
FIG9_MEDIANS = ("loss_to_decay", "sharpness_lr", "normal_flip_cos", "dist", "radius", "flips",
                "flips_back", "within_one_step", "kinks", "pins", "release", "release_certain",
                "release_back", "back_gain", "residual_pattern", "frame_dim", "window_flips",
                "flips_pinned_share", "flips_smallest_share", "flips_random_share", "pins_smallest_share")

ORTHOGONAL_KEYS = ("cos", "cos_tangent", "tangent_fraction", "cos_pattern", "cos_tangent_pattern",
                   "tangent_fraction_pattern")  # the Fig. 5 cosine and its parts, in two frames


def update_on_Z(before, params, X, Y, act="relu", window=None, lr=1.0, lam=0.0):
    """Fig. 5's cosine at the orthogonal foot: cos(u, -P_T theta_t) for u = theta_t - theta_before,
    its tangential cosine and tangent fraction (tangent_alignment), P_T in the stratum frame for
    ReLU ("_pattern": the same foot in theta's pattern frame); feet.FOOT_INFO; s_min(J) and lr x
    sharpness (Lemma C.1, weight decay lam) at the foot. window: gd_window's (u_L, u_lam, last two
    updates, pre-activations of every iterate) adds update_split, kink_counts, the smooth radius
    and pinned_flips (ReLU). Returns (numbers, the orthogonal foot)."""
    theta = M.pack(params)
    u = theta - M.pack(before)
    on_Z, info = feet.orthogonal_projection(params, X, Y, act)
    P = info["P_T"]
    out = dict(zip(("cos", "cos_tangent", "tangent_fraction"), feet.tangent_alignment(P, u, theta)))
    if "P_pattern" in info:
        out.update(zip(("cos_pattern", "cos_tangent_pattern", "tangent_fraction_pattern"),
                       feet.tangent_alignment(info["P_pattern"], u, theta)))
    out.update({k: float(info[k]) for k in feet.FOOT_INFO if k in info})
    out["s_min"] = MF.smallest_singular_value(MF.gram(on_Z, X, act))
    out["sharpness_lr"] = lr * feet.sharpness(on_Z, X, lam, act=act, mean=True)
    if window is not None:
        u_L, u_lam, last, Zs = window
        out.update(update_split(P, theta, u_L, u_lam, last), **kink_counts(Zs[-3:]),
                   radius=feet.smooth_radius(on_Z, params, X))
        if "pin_mask" in info:
            out.update(pinned_flips(Zs, info["pin_mask"]))
    return out, on_Z


def pinned_flips(Zs, pins):
    """Fig. 9 (h): how many pre-activations changed sign in some step of a window (Zs: X W1 at
    each iterate), the shares of them caught by the K pins at the foot, by the matched baseline
    (the K pre-activations of smallest |z| at theta_t, the window's end) and by a random set of K
    (K / all: the weaker baseline), and the pins' share of that smallest-|z| set."""
    flipped = xp.zeros(Zs[0].shape, dtype=bool)
    for a, b in zip(Zs, Zs[1:]):
        flipped |= (a > 0) != (b > 0)
    K, n = int(pins.sum()), int(flipped.sum())
    near = xp.zeros(pins.size, dtype=bool)
    near[xp.argsort(xp.abs(Zs[-1]).ravel(), kind="stable")[:K]] = True
    near = near.reshape(pins.shape)
    share = (lambda s: int(xp.sum(flipped & s)) / n) if n else (lambda s: float("nan"))
    return {"window_flips": n, "flips_pinned": int(xp.sum(flipped & pins)), "flips_pinned_share": share(pins),
            "flips_smallest_share": share(near), "flips_random_share": K / pins.size,
            "pins_smallest_share": int(xp.sum(pins & near)) / K if K else float("nan")}


def gd_window(params, X, Y, steps, lr, lam, act="relu", mean=True):
    """gd_update_split over `steps` (>= 2) steps one by one (bit for bit the same), keeping the
    last two one-step updates and the pre-activations X W1 of every iterate (steps + 1; the last
    three for kink_counts): (params, u_L, u_lam, last, Zs)."""
    u_L, u_lam, Zs, last = 0.0, 0.0, [X @ params[0]], []
    for _ in range(steps):
        params, a, b = feet.gd_update_split(params, X, Y, 1, lr, lam, act, mean)
        u_L, u_lam = u_L + a, u_lam + b
        last = (last + [a + b])[-2:]
        Zs.append(X @ params[0])
    return params, u_L, u_lam, last, Zs


def kink_counts(Zs):
    """From the pre-activations of three consecutive GD iterates z0, z1, z2 (n x d_h each):
    how many change sign in the last step, how many of those flip back (z1 crossed from z0's
    side and z2 returned to it), and how many lie closer to 0 than one step moves them."""
    z0, z1, z2 = Zs
    changed = (z2 > 0) != (z1 > 0)
    back = changed & ((z1 > 0) != (z0 > 0))
    return {"flips": int(changed.sum()), "flips_back": int(back.sum()),
            "within_one_step": int(xp.sum(xp.abs(z2) < xp.abs(z2 - z1)))}


def update_split(P, theta, u_L, u_lam, last_two):
    """Fig. 9 at one point, in the frame P (P_T at a foot): the tangential update P_T (u_L + u_lam)
    split into its loss and weight-decay terms, and the step-to-step cosine of the normal part
    of the last two one-step updates (about -1: it bounces across the normal direction)."""
    PL, Pd = P(u_L), P(u_lam)
    Pu = PL + Pd
    nL, nd = float(xp.linalg.norm(PL)), float(xp.linalg.norm(Pd))
    normals = [v - P(v) for v in last_two]
    return {"loss_fraction": nL / (nL + nd),  # 0 if the loss gradient has no tangential part
            "loss_along": float(PL @ Pu / (Pu @ Pu)),  # the loss term's share along P_T u itself
            "loss_to_decay": nL / nd, "normal_flip_cos": MF.cosine(*normals)}


def orthogonal_points(f5, log):
    """Each Fig. 5 point measured at its orthogonal foot (update_on_Z), with its last window
    redone split by source (bit for bit Fig. 5's GD): arrays (nets, points) per quantity."""
    pts = []
    for r, net in enumerate(f5["nets"]):
        X, Y = net["X"], net["Y"]
        for before, theta in zip(net["befores"], net["thetas"]):
            params, *window = gd_window(before, X, Y, MA.FIG5_WINDOW, MA.FIG5_LR, MA.FIG5_LAM)
            pts.append(update_on_Z(before, params, X, Y, "relu", window, MA.FIG5_LR, MA.FIG5_LAM)[0])
            log(f"Figure 9 net {r + 1}: point {len(pts)}, cos {pts[-1]['cos']:+.2f} at the orthogonal foot, "
                f"residual {pts[-1]['residual']:.0e}")
    shape = (len(f5["nets"]), -1)
    return {k: np.array([p[k] for p in pts]).reshape(shape) for k in pts[0]}


def foot_summary(R, phase, al):
    """The orthogonal feet of the Fig. 5 points: the cosine by phase in both frames, how far the
    feet are and how well they converged (the active set's caps, its pins' asks for release: all,
    certain, back into theta's cell), s_min(J) there."""
    return {"by_phase": MA.phase_stats(R, phase, ORTHOGONAL_KEYS),
            "by_aligned_phase": MA.phase_stats(R, al, ORTHOGONAL_KEYS, phases=MA.ALIGNED_PHASES),
            "foot": {f"{k}_{s}": float(fn(R[k])) for k in ("loss", "residual", "dist")
                     for s, fn in (("median", np.median), ("max", np.max))},
            "orthogonal_foot": {**{f"{k}_median": float(np.median(R[k])) for k in feet.FOOT_INFO[2:-1]},
                                **{f"{k}_max": float(np.max(R[k])) for k in ("release", "release_certain",
                                                                            "release_back", "back_gain", "rounds", "unpinned_crossings")},
                                "converged": int(R["converged"].sum()), "cap_hits": int(R["cap"].sum()),
                                "points": int(R["cos"].size)},
            "sigma_min_J_min": float(R["s_min"].min())}


BY_STEP = ("pins", "release", "release_certain", "release_back", "flips_pinned_share", "flips_smallest_share")


def frame_by_step(R, step):
    """The stratum frame's dimension, the pins, their asks and the flip shares (BY_STEP) at each
    measured step, medians over the nets measured there: the frame shrinks as pins grow."""
    rows = []
    for t in np.unique(step):
        at = step == t
        rows.append({"step": int(t), "points": int(at.sum()), "frame_dim": float(np.median(R["frame_dim"][at])),
                     **{k: float(np.median(R[k][at])) for k in BY_STEP}})
    return rows


def fig9_ablations(f5, points, lam_steps, log):
    """Rows of (setting, tau, points, the three Fig. 5 numbers by phase, the feet's median
    distance to Z and largest orthogonality residual and loss)."""
    settings = [("window", MA.FIG5_LR, MA.FIG5_LAM, 100, FIG9_WINDOWS),
                ("lr", FIG9_LR, MA.FIG5_LAM, 1000, (100,)),
                ("lambda", MA.FIG5_LR, MA.FIG5_LAM, lam_steps, (MA.FIG5_WINDOW,)),
                ("lambda", MA.FIG5_LR, FIG9_LAM, 10 * lam_steps, (MA.FIG5_WINDOW, 10 * MA.FIG5_WINDOW))]
    ph, rows = np.array([f5["phase"][r, i] for r, i in points]), []
    for name, lr, lam, steps, windows in settings:
        vals, ends = {w: [] for w in windows}, []
        for r, i in points:
            X, Y = f5["nets"][r]["X"], f5["nets"][r]["Y"]
            end, split = feet.gd_windows(f5["nets"][r]["thetas"][i], X, Y, lr, lam, steps, windows)
            _, info = feet.orthogonal_projection(end, X, Y)
            for w in windows:
                vals[w].append(feet.tangent_alignment(info["P_T"], sum(split[w]), M.pack(end)))
            ends.append((info["dist"], info["residual"], info["loss"]))
        F = np.array(ends).reshape(-1, 3)
        for w in windows:
            V = np.array(vals[w]).reshape(-1, len(FIG9_KEYS))
            rows.append({"ablation": name, "lr": lr, "lam": lam, "steps": steps, "window": w,
                         "tau": 2 * lr * lam * steps, "tau_window": 2 * lr * lam * w,
                         "points": len(points), "dist_median": float(np.median(F[:, 0])),
                         "residual_max": float(F[:, 1].max()), "loss_max": float(F[:, 2].max()),
                         **{f"{k}_by_phase": {p: v[p] for p in MA.PHASES} for k, v in
                            MA.phase_stats({k: V[:, j] for j, k in enumerate(FIG9_KEYS)}, ph,
                                       FIG9_KEYS).items()}})
        log(f"Figure 9 ablation {name} (lambda {lam:g}) done ({len(points)} points)")
    return rows


def fig9(args, cache, log):
    """Fig. 9: why the Fig. 5 cosine is low. Each update's tangent/normal split and its tangent
    part's loss and weight-decay terms (at the orthogonal foot), the kinks GD crosses, the
    curvature there, and ablations branched off the Fig. 5 nets (cache["fig5"]: Fig. 5's run)."""
    f5 = cache["fig5"]
    s = FIG9_QUICK if args.quick else FIG9
    R, phase, al = orthogonal_points(f5, log), f5["phase"], f5["aligned"]
    R["step"] = np.broadcast_to(np.asarray(f5["step"]), phase.shape)  # (points,) or per net (nets, points)
    cache["fig9"] = {"R": R, "seed": args.seed, "quick": args.quick}
    points = feet.branch_points(phase, s["nets"], s["per_phase"])
    rows = fig9_ablations(f5, points, s["lam_steps"], log)
    live = phase != ""
    numbers = {
        "runs": len(f5["nets"]), "lr": MA.FIG5_LR, "lam": MA.FIG5_LAM, "window": MA.FIG5_WINDOW,
        "frame": "orthogonal foot (normal to its stratum); ReLU: stratum frame (pinned pre-activations held at 0)",
        "preactivations": int(f5["nets"][0]["X"].shape[0] * MA.FIG5_HIDDEN),
        "parameters": int(M.pack(f5["nets"][0]["thetas"][0]).size),
        "points_by_phase": {ph: int((phase == ph).sum()) for ph in MA.PHASES}, **foot_summary(R, phase, al),
        "mean_by_phase": MA.phase_stats(R, phase, FIG9_KEYS + ("loss_fraction", "loss_along")),
        "median_by_phase": MA.phase_stats(R, phase, FIG9_MEDIANS, np.median),
        "median_by_aligned_phase": MA.phase_stats(R, al, FIG9_MEDIANS, np.median, MA.ALIGNED_PHASES),
        "range_after_memorization": {k: [float(R[k][live].min()), float(R[k][live].max())]
                                     for k in FIG9_MEDIANS} if live.any() else None,
        "frame_by_step": frame_by_step(R, R["step"]),
        "flips_smallest_wins": int(np.sum(R["flips_smallest_share"] > R["flips_pinned_share"])),  # points
        "frame_dim": R["frame_dim"], "pins": R["pins"], "converged": R["converged"],
        "ablation_points": points,
        "window_ablation": [row for row in rows if row["ablation"] == "window"],
        "lr_ablation": [row for row in rows if (row["ablation"], row["window"]) == ("window", MA.FIG5_WINDOW)
                        or row["ablation"] == "lr"],
        "lambda_ablation": [row for row in rows if row["ablation"] == "lambda"],
        "step": R["step"], **{k: R[k][0] for k in FIG9_KEYS},
    }
    plot_fig9(R, phase, f5["grok_step"], rows, numbers, os.path.join(args.out, "fig9_fig5_explained.png"))
    return {"fig9": numbers}


# ---------------------------------------------------------------- Fig. 9: the plot
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
                   for ph in MA.PHASES] for r in rows])  # (rows, phases)
    x = np.arange(len(rows))
    for j, (ph, color) in enumerate(zip(MA.PHASES, ("tab:blue", "tab:orange", "tab:green"))):
        ax.bar(x + (j - 1) * 0.27, V[:, j], 0.25, color=color, alpha=0.8, label=ph)
    ax.set_xticks(x, [fig9_row_label(r) for r in rows], fontsize=7)
    ax.axhline(0, color="k", lw=0.6)
    ax.set(ylim=(min(0.0, np.nanmin(np.r_[V.ravel(), 0.0])) - 0.05, 1.3), ylabel=ylabel, title=title,
           xlabel="setting of the branch (d: median distance to its end's foot)")
    ax.legend(loc="upper center", ncol=3, fontsize=7, title="phase at the branch point", title_fontsize=7)


def runs_mean(ax, step, Y, color, label, geometric=False):
    """One thin line per net against its own steps; bold: the (arithmetic or geometric) mean over
    the nets at the steps they all share."""
    for x, y in zip(step, Y):
        ax.plot(x, y, color=color, lw=0.7, alpha=0.3)
    shared = np.all(step == step[0], axis=0)
    mean = np.exp(np.log(Y[:, shared]).mean(axis=0)) if geometric else Y[:, shared].mean(axis=0)
    ax.plot(step[0][shared], mean, color=color, lw=2, label=label)


def frame_panels(ax, R, grok_steps, out):
    """(g) the stratum frame's dimension, the pins and their asks for release against the step;
    (h) the shares of the window's sign-flipping pre-activations caught by the pins and by the
    matched baseline, as many pre-activations of smallest |z| at theta_t."""
    x = R["step"]
    a = ax[0]
    runs_mean(a, x, R["frame_dim"], "tab:blue", "dim T (stratum frame) at the foot")
    runs_mean(a, x, R["pins"], "tab:red", "pre-activations pinned at 0 at the foot")
    runs_mean(a, x, R["release"], "tab:orange", "pins asking for release (min-norm multipliers)")
    runs_mean(a, x, R["release_certain"], "tab:brown", "... certain (unique multipliers or a negative pull)")
    plots.fig5_grok_lines(a, grok_steps)
    a.set(xscale="log", xlabel="training step", ylabel="count", ylim=(0, None),
          title=f"(g) the stratum frame's dimension, the pins and their asks\n(d = {out['parameters']} parameters)")
    a.legend(loc="center left", fontsize=7)
    a = ax[1]
    runs_mean(a, x, R["flips_pinned_share"], "tab:green", "the K pins at the foot")
    runs_mean(a, x, R["flips_smallest_share"], "tab:gray", "the K pre-activations of smallest |z| at θ_t")
    runs_mean(a, x, R["pins_smallest_share"], "tab:purple", "overlap: pins among those K (share of K)")
    plots.fig5_grok_lines(a, grok_steps)
    a.set(xscale="log", xlabel="training step", ylabel="share", ylim=(0, 1.05),
          title="(h) of the pre-activations flipping sign in the last 10 GD steps,\n"
                "the share caught by a set of K = the number of pins")
    a.legend(loc="lower left", fontsize=7)


def plot_fig9(R, phase, grok_steps, rows, out, path):
    """Fig. 9: the Fig. 5 cosine = tangential cosine x tangent fraction; where the tangential
    part comes from; GD's stability; distance to Z vs the smooth radius; ablations."""
    fig, ax = plt.subplots(2, 4, figsize=(22, 9.5))
    x = R["step"]
    a = ax[0, 0]
    for key, color, label in (("cos", "tab:green", "Fig. 5: cos(u, −P_T θ)"),
                              ("cos_tangent", "tab:purple", "tangential: cos(P_T u, −P_T θ)"),
                              ("tangent_fraction", "tab:gray", "tangent fraction ‖P_T u‖ / ‖u‖")):
        runs_mean(a, x, R[key], color, label)
    plots.fig5_grok_lines(a, grok_steps)
    a.axhline(0, color="k", lw=0.6)
    a.set(xscale="log", ylim=(-1.0, 1.05), xlabel="training step",
          title="(a) Fig. 5's cosine = tangential cosine x tangent fraction\n"
                "(an identity), at the orthogonal foot")
    a.legend(loc="lower right", fontsize=7)
    a = ax[0, 1]
    runs_mean(a, x, R["loss_to_decay"], "tab:red", "‖P_T u_L‖ / ‖P_T u_λ‖ (0 in theory)")
    runs_mean(a, x, R["loss_along"], "tab:blue", "loss term's share along P_T u: ⟨P_T u_L, P_T u⟩ / ‖P_T u‖²")
    plots.fig5_grok_lines(a, grok_steps)
    a.axhline(0, color="k", lw=0.6)
    a.set(xscale="log", xlabel="training step", ylim=(-0.5, 3),
          title="(b) tangential update P_T u = P_T u_L (loss gradient) + P_T u_λ (weight decay)")
    a.legend(loc="upper right", fontsize=7)
    a = ax[0, 2]
    runs_mean(a, x, R["sharpness_lr"], "tab:brown", "sharpness x lr at the foot (top eig. 2c J^T J + 2λ)")
    runs_mean(a, x, R["normal_flip_cos"], "tab:cyan", "cos of consecutive one-step normal parts")
    N = out["preactivations"]
    for key, color, label in (("flips", "tab:red", "pre-activations changing sign in one step"),
                              ("flips_back", "tab:pink", "... and flipping back the next step"),
                              ("within_one_step", "tab:olive", "closer to 0 than one step moves them")):
        runs_mean(a, x, 10 * R[key] / N, color, f"10 x fraction {label}")
    a.axhline(2, color="k", ls="--", lw=1, label="stability limit 2 (smooth curvature)")
    a.axhline(0, color="k", lw=0.6)
    plots.fig5_grok_lines(a, grok_steps)
    a.set(xscale="log", xlabel="training step", ylim=(-1.05, 3.4), title="(c) curvature x lr against 2, "
          f"the normal part's sign,\nand ReLU kinks crossed (of {N} pre-activations)")
    a.legend(loc="upper right", fontsize=6)
    a = ax[1, 0]
    runs_mean(a, x, R["dist"], "tab:green", "distance to the foot, ‖θ_t − θ*‖", True)
    runs_mean(a, x, np.clip(R["radius"], 1e-18, 1e3), "tab:red", "smooth radius (Thm 4.14's regime): from "
                   "the foot\ntoward θ_t to the first ReLU sign change (0: foot on kinks)", True)
    plots.fig5_grok_lines(a, grok_steps)
    a.set(xscale="log", yscale="log", xlabel="training step", ylabel="distance (bold: geometric mean)",
          ylim=(None, 1e3), title="(d) where training sits vs where Thm 4.14 applies")
    a.legend(loc="upper right", fontsize=7)
    frame_panels(ax[:, 3], R, grok_steps, out)
    fig9_bars(ax[1, 1], rows, "cos_tangent", "mean cos(P_T u, −P_T θ)",
              "(e) ablations (branched off the Fig. 5 nets): tangential cosine")
    fig9_bars(ax[1, 2], rows, "tangent_fraction", "mean ‖P_T u‖ / ‖u‖", "(f) ablations: tangent fraction")
    n = out["points_by_phase"]
    fig.suptitle("Fig. 9 — why the Fig. 5 cosine is low: update u = θ_t − θ_{t−10} = u_L + u_λ split at "
                 "the orthogonal foot θ* (normal to its stratum; ReLU: stratum frame) (thin: each net, bold: mean; "
                 f"{n['memorized']}/{n['grokking']}/{n['generalized']} points memorized/grokking/generalized)\n"
                 + plots.FIG5_SETTING, fontsize=10)
    plots.save(fig, path)


CAPTIONS = {  # summary key -> (image files, caption from summary[key]), for grok.py's index page
    "fig9": (["fig9_fig5_explained.png"], lambda s: (
        f"Why the Fig. 5 cosine is low ({' / '.join(MA.PHASES)}, at a foot normal to its stratum on the "
        f"boundary of theta's activation cell, not the nearest point of Z): tangent fraction "
        f"{plots.nums([s['mean_by_phase']['tangent_fraction'][ph] for ph in MA.PHASES], '.2f', '-')}, "
        f"tangential cosine {plots.nums([s['mean_by_phase']['cos_tangent'][ph] for ph in MA.PHASES], '.2f', '-')}; "
        f"loss / weight-decay size along Z "
        f"{plots.nums([s['median_by_phase']['loss_to_decay'][ph] for ph in MA.PHASES], '.2f', '-')} (theory: 0); "
        f"pre-activations changing sign per step (of {s['preactivations']}) "
        f"{plots.nums([s['median_by_phase']['flips'][ph] for ph in MA.PHASES], '.0f', '-')}, caught by the pins "
        f"{plots.nums([s['median_by_phase']['flips_pinned_share'][ph] for ph in MA.PHASES], '.2f', '-')} and by as "
        f"many of smallest |z| {plots.nums([s['median_by_phase']['flips_smallest_share'][ph] for ph in MA.PHASES], '.2f', '-')}; "
        f"distance to the foot {plots.nums([s['median_by_phase']['dist'][ph] for ph in MA.PHASES], '.2g', '-')} "
        f"against a smooth radius {plots.nums([s['median_by_phase']['radius'][ph] for ph in MA.PHASES], '.1g', '-')}."))
}
