"""The command line and its outputs beyond a learner's sanity check: the smallest modulus, a second
run merging into summary.json, an interrupt, a genuine bug's traceback, --help, the memory estimate,
index.html without a caption entry, the CuPy stand-in's own strictness, the animation writer.

`python .ci/test_cli.py [WORD ...]` (test_grok.py's runner: a test runs if its name contains a WORD,
case-insensitive; ends with "N passed, M failed")."""
import os
import sys
import tempfile
from argparse import Namespace

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import grok  # noqa: E402
import plots  # noqa: E402
from test_grok import CUPY_STANDIN, HERE, index_page, read_summary, run, run_main  # noqa: E402


def test_cli_second_run_merges_into_summary():
    with tempfile.TemporaryDirectory() as d:
        assert run_main("--figs", "1", "--out", d)[0] == 0
        assert run_main("--figs", "4", "--quick", "--out", d)[0] == 0
        s = read_summary(d)
        assert {"fig1", "fig4", "meta"} <= set(s), set(s)
        assert {"1", "4"} <= set(s["meta"]["wall_seconds"]), s["meta"]


def test_cli_interrupt_keeps_written_outputs():
    import signal
    import subprocess
    import time
    with tempfile.TemporaryDirectory() as d:
        # SIG_DFL in the child: a suite started with SIGINT ignored (nohup, `cmd &` in a script)
        # would hand SIG_IGN down, and Python then never raises KeyboardInterrupt
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "grok.py"), "--figs", "1,5",
                                 "--out", d], cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            deadline = time.time() + 120
            while not os.path.exists(os.path.join(d, "fig1.png")) or \
                    not os.path.exists(os.path.join(d, "summary.json")):
                assert time.time() < deadline and proc.poll() is None, "figure 1 never appeared"
                time.sleep(0.2)
            time.sleep(1.0)  # now inside the (long) Figure 5 experiment
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
        finally:  # never leave a 120,000-step Figure 5 running behind a failed check
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == 130, f"status {proc.returncode}: {err.decode()}"
        assert "Traceback" not in err.decode(), err.decode()
        assert "fig1" in read_summary(d) and not os.path.exists(os.path.join(d, "summary.json.tmp"))
        assert os.path.getsize(os.path.join(d, "fig1.png")) > 10000


def test_cli_a_genuine_bug_still_shows_its_traceback():
    fig1 = grok.FIGURES["1"]
    grok.FIGURES["1"] = lambda args: {"fig1": 1 / 0}  # a learner's edit gone wrong
    try:
        with tempfile.TemporaryDirectory() as d:
            run_main("--figs", "1", "--out", d)
    except ZeroDivisionError:
        pass
    else:
        raise AssertionError("a bug in a figure was turned into an error line")
    finally:
        grok.FIGURES["1"] = fig1


def test_memory_estimate_counts_every_big_array():
    # p = 3: k = 6 pairs, n = 3 at frac 0.5; d_h = 10; 1 run of 10 steps (2 records)
    floats = 4 * 6 * 3 + 2 * 3 * 3 + 5 * 3 * 10 + (6 - 3) * 10 + 3 * 3 * 10 + 61 * 3 * 10
    assert grok.problem_bytes(3, 10, 0.5, runs=1, steps=10) == 8 * floats + 40 * 5 * 2
    assert grok.problem_bytes(3, 10, 0.5) == 8 * (floats - 61 * 3 * 10)  # --bench: no runs


def test_cli_help_one_example_per_line_figures_in_numeric_order():
    code, out, _ = run_main("--help")
    assert code == 0
    examples = out[out.index("examples:"):].splitlines()[1:]
    assert sum(line.strip().startswith("python grok.py") for line in examples) >= 4, examples
    assert all(line.count("python grok.py") <= 1 for line in out.splitlines()), "examples run together"
    listed = " ".join(out.split())  # undo the line wrapping
    listed = listed[listed.index("figures, from ") + 14:].split()[0].split(",")
    assert listed == sorted(grok.FIGURES, key=grok.figure_order), listed
    assert sorted(["anim", "10", "9", "1", "8", "11"], key=grok.figure_order) == ["1", "8", "9", "10", "11", "anim"]


def test_index_html_shows_a_figure_without_caption_entry():
    with tempfile.TemporaryDirectory() as d:
        for f in ("fig20.png", "fig20_detail.png", "fig15.png", "fig150.png", "fig1.png"):
            open(os.path.join(d, f), "wb").close()
        grok.write_summary(d, "fig20", {"x": 1})
        grok.write_summary(d, "fig15", {"y": 2})  # (figs 1-14 have caption entries)
        grok.write_summary(d, "meta", {"seed": 5, "wall_seconds": {"20": 1.25}})
        grok.write_index(d)
        imgs, paras = index_page(d)
    # numeric order; fig1 and fig150 are in no summary key
    assert imgs == ["fig15.png", "fig20.png", "fig20_detail.png"], imgs
    assert "fig20" in paras[-1] and "wall time 1.2 s" in paras[-1], paras


def test_cupy_standin_is_strict():
    """Its arrays compute like NumPy's but refuse implicit conversion, as CuPy does."""
    import importlib.util
    import matplotlib.pyplot as plt
    spec = importlib.util.spec_from_file_location("cupy_standin", os.path.join(CUPY_STANDIN, "cupy", "__init__.py"))
    cp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cp)
    a = cp.asarray([[2.0, 1.0], [1.0, 3.0]])
    assert isinstance(np.sum(a), cp.ndarray) and isinstance(np.exp(a) + 1, cp.ndarray)
    assert float(np.sum(a)) == 7.0 and np.array_equal(cp.linalg.solve(a, a).get(), np.eye(2))
    assert isinstance(a.get(), np.ndarray) and isinstance(cp.asnumpy(a[0]), np.ndarray)
    assert not hasattr(a, "__array_interface__") and not hasattr(a, "__array_struct__")
    fig, ax = plt.subplots()
    refused = {"numpy.asarray": lambda: np.asarray(a), "numpy.array": lambda: np.array(a),
               "buffer": lambda: memoryview(a), "mixing with NumPy": lambda: a + np.ones(2),
               "list of device scalars": lambda: cp.asarray([a[0, 0], a[1, 1]]),
               "matplotlib plot": lambda: ax.plot(a[0]), "matplotlib imshow": lambda: ax.imshow(a)}
    for what, f in refused.items():
        try:
            f()
        except TypeError:
            continue
        raise AssertionError(f"the CuPy stand-in accepted {what}")
    plt.close(fig)


def test_animation_writer_frame_counts():
    from PIL import Image  # Pillow is matplotlib's own dependency
    steps = np.array([0, 1, 3, 10, 30, 100])
    W = np.stack([np.linspace(-1, 1, 6), np.linspace(1, 1, 6)], axis=1)
    loss = np.geomspace(1, 1e-3, 6)
    p, K = 5, 4
    coords = np.random.default_rng(0).normal(size=(3, K, p, 2))
    with tempfile.TemporaryDirectory() as d:
        plots.anim_toy(f"{d}/toy.gif", steps, W, loss, loss, lam=0.1)
        plots.anim_modadd(f"{d}/mod.gif", np.array([0, 5, 10]), coords, [1, 2, 3, 4],
                          np.arange(11), np.linspace(0.2, 1, 11), np.linspace(3, 2, 11))
        for name, n in (("toy", 6), ("mod", 3)):
            with Image.open(f"{d}/{name}.gif") as im:
                assert im.format == "GIF" and im.n_frames == n, f"{name}: {im.n_frames} frames, wanted {n}"


def test_animation_frames_are_log_spaced():
    t = plots.log_frames(4000, 40)
    assert t[0] == 0 and t[-1] == 4000 and np.all(np.diff(t) > 0) and len(t) <= 41
    assert t[1] == 1 and abs(t[-1] / t[-2] - 4000 ** (1 / 39)) < 0.01, "40 log-spaced frames from step 1"


def test_cli_smallest_modulus_runs_and_plots():
    with tempfile.TemporaryDirectory() as d:
        # p = 3: a single Fourier frequency k = 1, 6 pairs, 4 for training
        code, _, err = run_main("--figs", "6", "--p", "3", "--steps", "20", "--runs", "2", "--out", d)
        assert code == 0, err
        s = read_summary(d)["fig6"]
        assert s["top_frequencies_run0"] == [1] and s["settings"]["n_train"] == 4, s
        assert s["fourier"]["within_vs_across_final"] is None, "across-frequency similarity needs 2 frequencies"
        assert all(os.path.getsize(os.path.join(d, f)) > 10000 for f in ("fig6.png", "fig6_circles.png"))


def test_floor_cost_divides_each_figure_by_the_floor_around_it():
    """Designed case: the floor step reads 1, 3 and 1 ms at the three boundaries of two figures; each figure's
    cost is its seconds over the mean of the floors on its two sides (exact in binary: 2e3 x 2 / 4, 2e3 x 4 / 4)."""
    order = []
    seconds, timed = grok.run_figures(Namespace(out=tempfile.mkdtemp()), [], lambda: order.append(1) or (2.0, 1.0))
    assert seconds == {} and timed == [(2.0, 1.0)] and order == [1], "one timing before the first figure"
    c = grok.floor_cost({"5": 2.0, "6": 4.0}, [(2.0, 1.0), (6.0, 3.0), (1.0, 1.0)])
    assert c["floor_steps_by_fig"] == {"5": 1000.0, "6": 2000.0} and c["floor_steps"] == 3000.0, c
    assert c["floor_ms"] == [1.0, 3.0, 1.0] and c["floor_ms_range"] == [1.0, 3.0] and c["step_over_floor"] == [2.0, 2.0, 1.0], c


def test_paper_run_draws_fig6_without_the_flows_beyond_the_paper():
    """--paper: Fig. 6 as the paper draws it; Eq. 20 as a flow and the second reading of E0 run in the default run only."""
    with tempfile.TemporaryDirectory() as d:
        args = grok.parse_args(["--quick", "--paper", "--out", d])
        out = grok.FIGURES["6"](args)["fig6"]
        assert out["flow"] is None and out["runs"] == 3, out["flow"]
        assert os.path.getsize(os.path.join(d, "fig6.png")) > 10000


if __name__ == "__main__":
    sys.exit(run(globals(), sys.argv[1:], ".ci/test_cli.py"))
