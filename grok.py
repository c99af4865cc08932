"""python grok.py -- redraw every figure of "The Geometry of Grokking" (Musat, 2025).

Each figure is one function below, registered with @figure("N"): it runs its
experiment, draws through plots.py, and returns the numbers behind the figure,
which main() merges into OUT/summary.json under the key "figN".
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np

import models as M
import plots

FIGURES = {}  # name -> function(args) -> dict of numbers for summary.json


def figure(*names):
    """Register an experiment under one or more figure names (e.g. "5" and "7")."""
    def register(fn):
        for name in names:
            FIGURES[name] = fn
        return fn
    return register


T0 = time.time()


def progress(msg):
    """One progress line with seconds since start."""
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


def jsonable(x):
    """Turn arrays and NumPy scalars (nested in lists/dicts) into plain JSON values."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "shape"):
        return jsonable(M.to_numpy(x).tolist())
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def write_summary(out, key, numbers):
    """Merge numbers into out/summary.json under key, atomically (temp file + rename)."""
    path = os.path.join(out, "summary.json")
    data = {}
    if os.path.exists(path):
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
    data[key] = jsonable(numbers)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


# ============================================================ Figures 1-4: toy models

from models import xp  # noqa: E402  (array math; NumPy or CuPy)

# Settings the paper leaves open (stated in each figure and in the README).
FIG1_LAMBDAS, FIG1_LR, FIG1_STEPS = (0.01, 0.1, 0.2), 0.1, 4000
FIG2_LAM, FIG2_LR, FIG2_STEPS = 0.02, 0.1, 3000
FIG3_LAM, FIG3_LR, FIG3_STEPS = 0.02, 0.05, 5000
FIG4_X0 = 0.5  # the point P = (x0, x0^2) of Z that A, B, C project onto


def ridge_minimizer(X, Y, lam):
    """Exact minimizer of ||X w - Y||^2 + lam ||w||^2: (X^T X + lam I) w = X^T Y."""
    return xp.linalg.solve(X.T @ X + lam * xp.eye(X.shape[1]), X.T @ Y)


def steps_to_memorize(train_loss):
    """First step after which the training loss stops falling (drops < 1% in one step).

    With weight decay the training loss never reaches 0; it settles on a lam-dependent
    floor within a few steps, which is what "memorized" means here.
    """
    L = M.to_numpy(train_loss)
    flat = np.nonzero(L[1:] > 0.99 * L[:-1])[0]
    return int(flat[0]) if flat.size else None


def steps_to_generalize(test_loss):
    """First step at which the test loss is below 1% of its value at initialisation."""
    L = M.to_numpy(test_loss)
    below = np.nonzero(L < 0.01 * L[0])[0]
    return int(below[0]) if below.size else None


def linear_run(X, Y, w0, lam, lr, steps):
    """Full-batch GD on Eq. 1 for y = x . w; returns the weights at every step (steps+1, d)."""
    _, ws = M.gradient_descent((w0[:, None],), X, Y, steps, lr, lam, every=1,
                               record=lambda t, p: p[0][:, 0])
    return xp.stack(ws)


def dist_to_plane(ws, x, y):
    """Distance of each row of ws to the zero-loss set {w : x . w = y}."""
    return xp.abs(ws @ x - y) / xp.linalg.norm(x)


def norm_min_directions_of_plane(J, W):
    """Sec. 2: g = -P_T w / ||P_T w|| for each row w of W; P_T = I - J^+ J, J fixed (linear model)."""
    PW = W - xp.linalg.lstsq(J, J @ W.T, rcond=None)[0].T  # J^+ (J w): a min-norm solve
    return -PW / xp.linalg.norm(PW, axis=1, keepdims=True)


def row_cosines(A, B):
    """cos of the angle between matching rows of A and B."""
    return (A * B).sum(axis=1) / (xp.linalg.norm(A, axis=1) * xp.linalg.norm(B, axis=1))


@figure("1")
def fig1(args):
    """Fig. 1: y = w1 x1 + w2 x2 fitted to (1,1) -> 2 memorizes fast, generalizes late."""
    X, Y = xp.asarray([[1.0, 1.0]]), xp.asarray([[2.0]])
    rng = np.random.default_rng(args.seed)
    Xt = xp.asarray(rng.normal(size=(100, 2)))  # test set: y = x1 + x2
    Yt = Xt.sum(axis=1, keepdims=True)
    w0 = xp.asarray([-1.0, 1.0])
    runs = {"lambdas": FIG1_LAMBDAS, "lr": FIG1_LR, "steps": FIG1_STEPS, "init": w0,
            "final_w": [], "w_star": [], "steps_to_memorize": [], "steps_to_generalize": [],
            "max_dist_after_memorization": [], "final_train_loss": [], "final_test_loss": []}
    curves = []
    for lam in FIG1_LAMBDAS:
        ws = linear_run(X, Y, w0, lam, FIG1_LR, FIG1_STEPS)
        train = ((ws @ X.T - Y.T) ** 2).mean(axis=1)  # one sample: sum = mean
        test = ((ws @ Xt.T - Yt.T) ** 2).mean(axis=1)
        dist = dist_to_plane(ws, X[0], Y[0, 0])
        t_mem, t_gen = steps_to_memorize(train), steps_to_generalize(test)
        runs["final_w"].append(ws[-1])
        runs["w_star"].append(ridge_minimizer(X, Y, lam)[:, 0])
        runs["steps_to_memorize"].append(t_mem)
        runs["steps_to_generalize"].append(t_gen)
        runs["max_dist_after_memorization"].append(float(dist[t_mem:].max()))
        runs["final_train_loss"].append(float(train[-1]))
        runs["final_test_loss"].append(float(test[-1]))
        curves.append({k: M.to_numpy(v) for k, v in
                       dict(w=ws, train=train, test=test, dist=dist,
                            norm=xp.linalg.norm(ws, axis=1)).items()})
    plots.fig1(curves, runs, os.path.join(args.out, "fig1.png"))
    return {"fig1": runs}


@figure("2")
def fig2(args):
    """Fig. 2: y = w . x fitted to (1,1,1) -> 3 from four starts: hit the plane, then go to (1,1,1)."""
    X, Y = xp.asarray([[1.0, 1.0, 1.0]]), xp.asarray([[3.0]])
    J = M.jacobian((xp.zeros((3, 1)),), X)  # (1, 3), the same everywhere for a linear model
    inits = xp.asarray(np.random.default_rng(args.seed).normal(0.0, 1.5, size=(4, 3)))
    out = {"lam": FIG2_LAM, "lr": FIG2_LR, "steps": FIG2_STEPS, "inits": inits,
           "w_star": ridge_minimizer(X, Y, FIG2_LAM)[:, 0], "final_w": [],
           "steps_to_memorize": [], "post_memorization_alignment_per_run": []}
    trajs, cos_curves = [], []
    for w0 in inits:
        ws = linear_run(X, Y, w0, FIG2_LAM, FIG2_LR, FIG2_STEPS)
        t_mem = steps_to_memorize(((ws @ X.T - Y.T) ** 2)[:, 0])
        # cos(update of step t, norm-min direction at w_t) for every step t
        cos = M.to_numpy(row_cosines(ws[1:] - ws[:-1], norm_min_directions_of_plane(J, ws[:-1])))
        out["final_w"].append(ws[-1])
        out["steps_to_memorize"].append(t_mem)
        out["post_memorization_alignment_per_run"].append(float(cos[t_mem:].mean()))
        trajs.append(M.to_numpy(ws))
        cos_curves.append(cos)
    out["post_memorization_alignment"] = float(np.mean(out["post_memorization_alignment_per_run"]))
    plots.fig2(trajs, cos_curves, out, os.path.join(args.out, "fig2.png"))
    return {"fig2": out}


def leaky_params(w):
    """Fig. 3 right, y = lrelu(w1 x1) + lrelu(w2 x2): models.py's two-layer net, W1 = diag(w), W2 = 1."""
    return (xp.diag(w), xp.ones((w.size, 1)))


def leaky_loss_grad(w, X, Y, lam):
    """Gradient of Eq. 1 for the Fig. 3 leaky-ReLU model: the diagonal of dL/dW1 (W2 is fixed)."""
    return xp.diag(M.loss_grad(leaky_params(w), X, Y, lam, "leaky_relu")[0])


def leaky_run(w0, X, Y, lam, lr, steps):
    """Full-batch GD on the Fig. 3 leaky-ReLU model; the weights at every step (steps+1, 2)."""
    ws = [w0]
    for _ in range(steps):
        ws.append(ws[-1] - lr * leaky_loss_grad(ws[-1], X, Y, lam))
    return xp.stack(ws)


def scalar_net_run(w0, X, Y, lam, lr, steps):
    """Full-batch GD on y = w2 w1 x (models.py's two-layer linear net, width 1): (steps+1, 2)."""
    _, ws = M.gradient_descent((w0[:1, None], w0[1:, None]), X, Y, steps, lr, lam,
                               act="identity", every=1, record=lambda t, p: M.pack(p))
    return xp.stack(ws)


def plane_grid(lo, hi, n):
    """An n x n grid over the square [lo, hi]^2 of the (w1, w2) or (x, y) plane."""
    lo, hi = [float(v) for v in lo], [float(v) for v in hi]
    return xp.meshgrid(xp.linspace(lo[0], hi[0], n), xp.linspace(lo[1], hi[1], n))


def fig3_cases():
    """The three Fig. 3 models (our choice; the paper does not give them)."""
    one, zero = xp.asarray([[1.0]]), xp.asarray([[0.0]])
    X2, Y2 = xp.asarray([[1.0, 1.0]]), xp.asarray([[2.0]])
    return {
        "curved": dict(model="y = w2 w1 x on (x=1, y=1): Z = {w1 w2 = 1}, a hyperbola "
                             "(min norm at (1,1) on this branch)",
                       F=lambda a, b: a * b, y=1.0, run=lambda w, *s: scalar_net_run(w, one, one, *s),
                       init=(0.2, 3.0), min_norm_point=(1.0, 1.0), lo=(-2.0, -2.0), hi=(3.5, 3.5)),
        "singular": dict(model="y = w2 w1 x on (x=1, y=0): Z = the two axes, singular at (0, 0)",
                         F=lambda a, b: a * b, y=0.0, run=lambda w, *s: scalar_net_run(w, one, zero, *s),
                         init=(2.5, 0.8), min_norm_point=(0.0, 0.0), lo=(-1.0, -1.0), hi=(3.0, 3.0)),
        "leaky_relu": dict(model="y = lrelu(w1 x1) + lrelu(w2 x2) on x=(1,1), y=2: Z has kinks at (0,2), (2,0)",
                           F=lambda a, b: M.leaky_relu(a) + M.leaky_relu(b), y=2.0,
                           run=lambda w, *s: leaky_run(w, X2, Y2, *s),
                           init=(-1.5, 0.5), min_norm_point=(1.0, 1.0), lo=(-2.5, -1.0), hi=(3.0, 3.5)),
    }


@figure("3")
def fig3(args):
    """Fig. 3: the same memorize-then-minimize-the-norm path on a curved, a singular and a kinked Z."""
    out = {"lam": FIG3_LAM, "lr": FIG3_LR, "steps": FIG3_STEPS}
    panels = []
    for name, c in fig3_cases().items():
        ws = c["run"](xp.asarray(c["init"]), FIG3_LAM, FIG3_LR, FIG3_STEPS)
        loss = (c["F"](ws[:, 0], ws[:, 1]) - c["y"]) ** 2  # training loss, without the lam term
        dist = float(xp.linalg.norm(ws[-1] - xp.asarray(c["min_norm_point"])))
        out[name] = {"model": c["model"], "init": c["init"], "final_point": ws[-1],
                     "loss": float(loss[-1]), "min_norm_point": c["min_norm_point"],
                     "dist_to_min_norm_point": dist, "reached_min_norm": dist < 0.05}
        A, B = plane_grid(c["lo"], c["hi"], 81 if args.quick else 301)
        panels.append({"name": name, "w": ws, "loss": loss, "A": A, "B": B,
                       "residual": c["F"](A, B) - c["y"]})
    panels = [{k: M.to_numpy(v) if k != "name" else v for k, v in p.items()} for p in panels]
    plots.fig3(panels, out, os.path.join(args.out, "fig3.png"))
    return {"fig3": out}
def parabola_loss(th):
    """Fig. 4 landscape: L(x, y) = (y - x^2)^2, zero on the parabola Z = {y = x^2}."""
    return (th[..., 1] - th[..., 0] ** 2) ** 2


def parabola_loss_grad(th):
    """Gradient of the Fig. 4 landscape: 2 (y - x^2) (-2x, 1)."""
    r = th[..., 1] - th[..., 0] ** 2
    return xp.stack([-4.0 * th[..., 0] * r, 2.0 * r], axis=-1)


def parabola_frame(x0):
    """The point P = (x0, x0^2) of Z, its unit tangent and the unit normal pointing away from
    the centre of curvature (so every point P + d n projects back onto P)."""
    P = xp.asarray([x0, x0 ** 2])
    t = xp.asarray([1.0, 2.0 * x0]) / (1.0 + 4.0 * x0 ** 2) ** 0.5
    return P, t, xp.asarray([t[1], -t[0]])


def tangent_cosines(P, t, n, d):
    """Thm 4.14: |cos(tangent of Z at P, grad L)| at the points P + d n."""
    G = parabola_loss_grad(P + d[:, None] * n)
    return xp.abs(G @ t) / xp.linalg.norm(G, axis=1)


@figure("4")
def fig4(args):
    """Fig. 4: near Z the loss gradient is orthogonal to Z; |cos| with Z's tangent ~ distance (Thm 4.14)."""
    P, t, n = parabola_frame(FIG4_X0)
    d_abc = xp.asarray([0.6, 0.06, 0.006])  # A, B, C; each view zooms 10x onto P
    ABC = P + d_abc[:, None] * n
    d = xp.logspace(-5, 0, 11 if args.quick else 41)
    cos = M.to_numpy(tangent_cosines(P, t, n, d))
    near = M.to_numpy(d) <= 0.1  # the theorem is about the limit d -> 0
    slope = float(np.polyfit(np.log10(M.to_numpy(d)[near]), np.log10(cos[near]), 1)[0])
    out = {"x0": FIG4_X0, "P": P, "tangent": t, "normal": n, "distances_ABC": d_abc,
           "points_ABC": ABC, "cos_at_ABC": tangent_cosines(P, t, n, d_abc),
           "thm414_slope": slope, "fit_max_distance": 0.1, "sweep_distances": d, "sweep_cos": cos}
    views = []
    for half in (1.0, 0.1, 0.01):  # view k is centred on P and contains point k
        X, Y = plane_grid(P - half, P + half, 121 if args.quick else 401)
        views.append([M.to_numpy(a) for a in (X, Y, parabola_loss(xp.stack([X, Y], axis=-1)))])
    plots.fig4(views, -M.to_numpy(parabola_loss_grad(ABC)),
               {k: M.to_numpy(v) if hasattr(v, "shape") else v for k, v in out.items()},
               os.path.join(args.out, "fig4.png"))
    return {"fig4": out}


# ============================================================ Figures 5/7: real training vs norm-min direction

# ============================================================ Figure 6: closed-form dynamics

# ============================================================ Figure 8: real vs closed-form

# ============================================================ animations

# ============================================================ command line


def fail(msg, status=2):
    """Stop with a one-line message (no traceback): status 2 for bad input, as argparse does."""
    print(f"grok.py: error: {msg}", file=sys.stderr)
    sys.exit(status)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Reproduce the figures of 'The Geometry of Grokking' (Musat, 2025). "
                    "Figures go to OUT/figN.png, the numbers behind them to OUT/summary.json. "
                    "The modular-addition flags default to the paper's Figure 6 values.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.error = fail  # argparse's own errors become one line too
    p.add_argument("--figs", default="all",
                   help=f"comma-separated figures to make, from: {', '.join(FIGURES)}")
    p.add_argument("--out", default="figures", help="output directory")
    p.add_argument("--seed", type=int, default=0, help="base random seed; same seed, same numbers")
    p.add_argument("--quick", action="store_true",
                   help="smaller, faster settings for a smoke run (each figure says what it shrinks)")
    p.add_argument("--bench", action="store_true",
                   help="time the expensive steps (Figs. 5, 6, 8) and exit")
    p.add_argument("--backend", choices=["numpy", "cupy"], default=M.BACKEND,
                   help="array library; cupy runs the numerics on a GPU (same as GROK_BACKEND=cupy)")
    mod = p.add_argument_group("modular addition (Figures 6 and 8)")
    mod.add_argument("--p", type=int, default=37, help="modulus (odd, >= 3)")
    mod.add_argument("--hidden", type=int, default=512, help="hidden width d_h (> training pairs)")
    mod.add_argument("--train-frac", type=float, default=0.7, help="fraction of pairs for training")
    mod.add_argument("--steps", type=int, default=5000, help="closed-form steps (Fig. 6)")
    mod.add_argument("--lr", type=float, default=1e-3, help="closed-form step size eta (Fig. 6)")
    mod.add_argument("--runs", type=int, default=5, help="runs from different seeds")
    return p.parse_args(argv)


def validate(args):
    """Check every flag before any work starts; one clear line per mistake."""
    names = list(FIGURES) if args.figs == "all" else args.figs.split(",")
    unknown = [n for n in names if n not in FIGURES]
    if unknown or not names:
        fail(f"unknown figure(s) {','.join(unknown) or repr(args.figs)}; choose from {','.join(FIGURES)}")
    if args.p < 3 or args.p % 2 == 0:
        fail(f"--p must be odd and >= 3 (the Fourier analysis pairs frequencies k and p-k), got {args.p}")
    if not 0 < args.train_frac < 1:
        fail(f"--train-frac must lie strictly between 0 and 1, got {args.train_frac}")
    for flag in ("steps", "runs", "hidden"):
        if getattr(args, flag) <= 0:
            fail(f"--{flag} must be positive, got {getattr(args, flag)}")
    if not args.lr > 0:
        fail(f"--lr must be positive, got {args.lr}")
    try:
        os.makedirs(args.out, exist_ok=True)
        probe = os.path.join(args.out, ".write_test")
        open(probe, "w").close()
        os.remove(probe)
    except OSError as e:
        fail(f"cannot write to output directory {args.out!r}: {e.strerror}")
    return list(dict.fromkeys(names))


def use_backend(name):
    """models.py reads the backend once at import, so switching means restarting Python."""
    if name == M.BACKEND:
        return
    if name == "cupy" and importlib.util.find_spec("cupy") is None:
        fail("--backend cupy needs CuPy, which is not installed (e.g. pip install cupy-cuda12x)")
    os.environ["GROK_BACKEND"] = name
    os.execv(sys.executable, [sys.executable] + sys.argv)


def run_figures(args, names):
    seconds = {}
    done = set()
    for name in names:
        fn = FIGURES[name]
        if fn in done:  # e.g. Figures 5 and 7 come from one experiment
            continue
        done.add(fn)
        t = time.time()
        progress(f"figure {name} ...")
        for key, value in fn(args).items():
            write_summary(args.out, key, value)
        seconds[name] = round(time.time() - t, 2)
        progress(f"figure {name} done in {seconds[name]:.1f}s")
    return seconds


def main(argv=None):
    args = parse_args(argv)
    use_backend(args.backend)
    names = validate(args)
    if args.bench:
        return bench(args)
    try:
        seconds = run_figures(args, names)
    except KeyboardInterrupt:
        fail("interrupted; the figures and summary.json entries written so far are complete", 130)
    except FloatingPointError as e:
        fail(str(e), 1)
    path = os.path.join(args.out, "summary.json")
    old = {}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f).get("meta", {}).get("wall_seconds", {})
    meta = {"seed": args.seed, "quick": args.quick, "numpy": np.__version__,
            "matplotlib": plots.matplotlib.__version__, "backend": M.BACKEND,
            "wall_seconds": {**old, **seconds}}
    write_summary(args.out, "meta", meta)
    progress(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
