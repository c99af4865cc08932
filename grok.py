"""python grok.py -- redraw every figure of "The Geometry of Grokking" (Musat, 2025).

Each figure is one function below, registered with @figure("N"): it runs its
experiment, draws through plots.py, and returns the numbers behind the figure,
which main() merges into OUT/summary.json under the key "figN".
"""
import argparse
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

# ============================================================ Figures 5/7: real training vs norm-min direction

# ============================================================ Figure 6: closed-form dynamics

# ============================================================ Figure 8: real vs closed-form

# ============================================================ animations

# ============================================================ command line


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Reproduce the figures of 'The Geometry of Grokking' (Musat, 2025). "
                    "Figures go to OUT/figN.png, the numbers behind them to OUT/summary.json.")
    p.add_argument("--figs", default="all",
                   help="comma-separated figures to make, e.g. 1,4 (default: all)")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    p.add_argument("--seed", type=int, default=0, help="base random seed (default: 0)")
    p.add_argument("--quick", action="store_true",
                   help="smaller, faster settings for a smoke run")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    names = list(FIGURES) if args.figs == "all" else args.figs.split(",")
    os.makedirs(args.out, exist_ok=True)
    seconds = {}
    done = set()
    for name in names:
        fn = FIGURES[name]
        if fn in done:  # e.g. Figures 5 and 7 come from one experiment
            continue
        done.add(fn)
        t = time.time()
        progress(f"figure {name} ...")
        numbers = fn(args)
        for key, value in numbers.items():
            write_summary(args.out, key, value)
        seconds[name] = round(time.time() - t, 2)
        progress(f"figure {name} done in {seconds[name]:.1f}s")
    meta = {"seed": args.seed, "quick": args.quick, "numpy": np.__version__,
            "matplotlib": plots.matplotlib.__version__, "backend": M.BACKEND,
            "wall_seconds": seconds}
    write_summary(args.out, "meta", meta)
    progress(f"wrote {os.path.join(args.out, 'summary.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
