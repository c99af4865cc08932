"""Every figure of the project, and only figures: arrays in, a PNG (or GIF) out.

One function per figure; each takes plain NumPy arrays and the output path and
returns nothing. No experiment is run here.
"""
import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3,
                     "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8})


def save(fig, path):
    """Write the figure and free its memory."""
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# ============================================================ Figures 1-4: toy models

# ============================================================ Figures 5/7

# ============================================================ Figure 6

# ============================================================ Figure 8

# ============================================================ animations
