"""Modular addition and the closed-form two-layer dynamics of Section 6 (Eqs. 16-20, Fig. 6).

The first layer is an embedding E (p x d_h; the paper's W1): sample i = (a, b) has hidden
activity H_i = sigma(E_a + E_b) = sigma(X_i E). The second layer is never trained: it is always
the optimal (ridge / right pseudo-inverse) readout W = H^T (H H^T + lam I)^-1 Y, so with
d_h > n the training loss is exactly zero and only E moves, by Eq. 20.
Notation: n training samples (pairs), m = p classes, X (n x p), Y (n x p), H = sigma(X E)
(n x d_h), K = H H^T (n x n, the Gram matrix), A = K^-1; in the Fourier part k is a frequency
and n_freq = (p - 1) / 2 the number of frequencies.
"""
import warnings

import numpy as np

import manifold as MF
import models as M
from models import xp


# ---------------------------------------------------------------- data
def modular_addition(p):
    """Fig. 6 data: all pairs 0 <= a <= b < p, X_i = e_a + e_b, Y_i = e_((a+b) mod p)."""
    a, b = np.triu_indices(p)  # all p (p + 1) / 2 unordered pairs
    X = np.zeros((a.size, p))
    np.add.at(X, (np.arange(a.size), a), 1.0)
    np.add.at(X, (np.arange(a.size), b), 1.0)  # a == b gives 2 e_a
    Y = np.eye(p)[(a + b) % p]
    return xp.asarray(X), xp.asarray(Y), np.stack([a, b], axis=1)


def n_train(p, frac):
    """Number of training pairs n: round(frac n_pairs) of the n_pairs = p (p + 1) / 2 pairs."""
    return int(round(frac * p * (p + 1) / 2))


def problem_bytes(p, d_h, frac, runs=0, steps=0, every=10):
    """Peak memory of one modular-addition problem (Fig. 6 with runs/steps, or --bench), in bytes:
    the data and its split (4 n_pairs x p), H H^T and its eigensolver copy (2 n^2), five n x d_h
    and three p x d_h work arrays, the test activations, and per run 61 snapshots of E and the
    5 records every `every` steps (Python floats in lists: ~40 bytes each)."""
    n_pairs, n = p * (p + 1) / 2, n_train(p, frac)
    floats = 4 * n_pairs * p + 2 * n * n + 5 * n * d_h + (n_pairs - n) * d_h + 3 * p * d_h + runs * 61 * p * d_h
    return 8 * floats + 40 * 5 * runs * (steps // every + 1)


def train_test_split(n_pairs, frac, rng):
    """A random split of n_pairs sample indices: n = round(frac n_pairs) for training, the rest for test."""
    perm = rng.permutation(n_pairs)
    n = int(round(frac * n_pairs))
    return np.sort(perm[:n]), np.sort(perm[n:])


def init_embedding(rng, p, d_h, std=None):
    """Fig. 6 initialisation E ~ N(0, std^2), std = p^-1/2 by default (erratum 5: the paper's
    N(0, p^-1/2) does not say std or variance; we read p^-1/2 as the std)."""
    return xp.asarray(rng.normal(0.0, p ** -0.5 if std is None else std, size=(p, d_h)))


def split_problem(rng, p, frac, d_h):
    """A random split of the mod-p pairs and an initial E (Figs. 8, 10, 11): (X, Y, Xt, Yt, E0)."""
    X, Y, _ = modular_addition(p)
    tr, te = train_test_split(X.shape[0], frac, rng)
    return X[tr], Y[tr], X[te], Y[te], init_embedding(rng, p, d_h)


# ---------------------------------------------------------------- optimal readout and cost R
def optimal_readout(H, Y, lam=0.0):
    """Eq. 18 / erratum 1: W2* = H^T (H H^T + lam I)^-1 Y, the right pseudo-inverse at lam = 0."""
    K = H @ H.T  # (n, n): cheaper than H^T H (d_h, d_h), and invertible when d_h > n
    if lam:
        K[xp.diag_indices_from(K)] += lam
    return H.T @ xp.linalg.solve(K, Y)


def cost_R(E, X, Y, lam, act="relu", limit=False, norm="l2"):
    """Eq. 16 / 19: R(E) = min_W2 L_lam = lam ||E||^2 + lam Tr(Y^T (H H^T + lam I)^-1 Y).

    Exact for finite lam; limit=True drops lam inside the inverse (Eq. 19, lam -> 0).
    norm="l1" puts lam ||E||_1 in place of lam ||E||^2 (the Fig. 11 counterfactual objective).
    """
    H = M.ACTIVATIONS[act][0](X @ E)
    K = H @ H.T
    if not limit:
        K[xp.diag_indices_from(K)] += lam
    size = xp.sum(E * E) if norm == "l2" else xp.sum(xp.abs(E))
    return float(lam * size + lam * xp.sum(Y * xp.linalg.solve(K, Y)))


# ---------------------------------------------------------------- Eq. 20
def closed_form_update(E, X, Y, act="relu", lam=0.0):
    """Eq. 20: dE = X^T [(A Y Y^T A H) * sigma'(X E)] - E, A = (H H^T + lam I)^-1; = -grad R / 2 lam."""
    return closed_form_parts(E, X, Y, act, lam)[0]


def closed_form_parts(E, X, Y, act="relu", lam=0.0):
    """Eq. 20 and its by-products: (dE, H, K = H H^T + lam I, B = A Y), so that the readout
    W = H^T B and the training outputs H W = K B cost no second solve (lam = 0)."""
    sigma, dsigma = M.ACTIVATIONS[act]
    Z = X @ E
    H = sigma(Z)  # (n, d_h)
    K = H @ H.T  # (n, n)
    if lam:
        K[xp.diag_indices_from(K)] += lam
    B = xp.linalg.solve(K, Y)  # A Y, (n, p)
    return X.T @ ((B @ (B.T @ H)) * dsigma(Z)) - E, H, K, B  # A Y Y^T A H = B (B^T H): thin products


def workspace(n, p, d_h):
    """Preallocated buffers for `closed_form_step` (n samples, p classes, width d_h)."""
    return {"H": xp.empty((n, d_h)), "K": xp.empty((n, n)), "C": xp.empty((p, d_h)),
            "G": xp.empty((n, d_h)), "dE": xp.empty((p, d_h))}


def closed_form_step(E, X, Y, work):
    """Eq. 20 for ReLU (lam -> 0), written into `work`: the numbers of `closed_form_parts`.

    It reuses buffers because each fresh multi-megabyte temporary is handed back to the
    operating system when freed, and taking it again costs page faults (about 1,500 per step
    at the Fig. 6 size; reusing buffers took a step from ~9 to ~6.4 ms on our 2-core machine).
    """
    H, K, C, G, dE = (work[k] for k in ("H", "K", "C", "G", "dE"))
    xp.matmul(X, E, out=H)
    xp.maximum(H, 0.0, out=H)          # H = relu(X E); relu'(X E) = [H > 0]
    xp.matmul(H, H.T, out=K)           # NumPy computes only one triangle of H H^T
    B = xp.linalg.solve(K, Y)
    xp.matmul(B.T, H, out=C)
    xp.matmul(B, C, out=G)             # A Y Y^T A H
    xp.multiply(G, H > 0, out=G)
    xp.matmul(X.T, G, out=dE)
    dE -= E
    return dE, H, K, B


def closed_form_flow(E, X, Y, D, eta, lam=0.0, act="relu"):
    """E after rescaled time D of Eq. 20: round(D / eta) Euler steps E <- E + eta dE (lam > 0:
    the finite-lambda form, A = (H H^T + lam I)^-1)."""
    E = E.copy()
    for _ in range(max(1, int(round(D / eta)))):
        E += eta * closed_form_update(E, X, Y, act, lam)
    return E


def displacement_cosine(E0, E1, X, Y, D, eta, lam=0.0, act="relu"):
    """The fair yardstick for a stiff flow: cos(E1 - E0, S(E0, D) - E0), S = Eq. 20 simulated
    from E0 over rescaled time D. Compares displacements, not instantaneous directions."""
    u, v = (E1 - E0).ravel(), (closed_form_flow(E0, X, Y, D, eta, lam, act) - E0).ravel()
    return float(u @ v / (xp.linalg.norm(u) * xp.linalg.norm(v)))


def finite_lambda_accuracy(E, d, lam, eta, tau_max, every):
    """Eq. 20 at finite lambda (A = (H H^T + lam I)^-1), Euler step eta, with the ridge readout:
    test accuracy every `every` of rescaled time until it first reaches 0.95 (the exact-readout
    limit of real training, Fig. 10). d holds the split: X, Y (train), Xt, Yt (test)."""
    taus, acc = [], []
    for j in range(int(round(tau_max / every)) + 1):
        if j:
            E = closed_form_flow(E, d["X"], d["Y"], every, eta, lam)
        taus.append(j * every)
        W2 = optimal_readout(xp.maximum(d["X"] @ E, 0.0), d["Y"], lam)
        acc.append(accuracy(E, W2, d["Xt"], d["Yt"]))
        if acc[-1] >= 0.95:
            break
    return np.array(taus), np.array(acc)


# ---------------------------------------------------------------- other motions along Z (Fig. 11)
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
    Eq. 20 minus c sign(E), c = mu / 2 lam (None: 0.5, mu = lam); "l2": Eq. 20 with c times its -E
    term (the weight on ||E||^2); "readout-only": Eq. 20 without its -E term;
    "shrink": -E alone (plain weight decay, E <- (1 - eta) E).
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
    if name == "l2":
        return lambda E, dE: dE + (1.0 - c) * E
    if name == "readout-only":
        return lambda E, dE: dE + E
    if name == "shrink":
        return lambda E, dE: -E
    raise ValueError(f"unknown dynamics {name!r}")


def mean_displacement_cosine(snaps, d, direction, window, eta):
    """Fig. 11: mean over the starts `snaps` of the displacement cosine with Eq. 20 of the motion
    `direction` (see counterfactual) over `window` of tau; d = (X, Y, Xt, Yt)."""
    n = max(1, int(round(window / eta)))
    cos = []
    for E0 in snaps:
        E0 = xp.asarray(E0)
        E1 = simulate(E0, *d, eta, n, every=n, snapshots=1, direction=direction)["snaps"][-1]
        cos.append(displacement_cosine(E0, xp.asarray(E1), d[0], d[1], window, eta))
    return float(np.mean(cos))


# ---------------------------------------------------------------- real training (Figs. 8, 10)
def readout_lr(H, lam):
    """GD step size for the readout alone: 1 / (||H||_F^2 + lam) <= 2 / top eigenvalue 2 (sigma_max(H)^2 + lam)
    of its Hessian, so a readout step at fixed H never raises the loss (sigma_max^2 <= ||H||_F^2)."""
    return 1.0 / (float(xp.sum(H * H)) + lam)


def readout_steps(H, Y, W2, lam, steps, lr):
    """`steps` GD steps on ||H W2 - Y||^2 + lam ||W2||^2 over W2 alone, at fixed H (Eq. 13)."""
    for _ in range(steps):
        W2 = W2 - lr * (2.0 * (H.T @ (H @ W2 - Y)) + 2.0 * lam * W2)
    return W2


def two_layer_step(E, W2, X, Y, lam, lr, readout=1):
    """One step of real training (Eqs. 12-13, ReLU): GD with step lr on both layers, then
    readout - 1 more readout steps at the new E (readout = k), or W2 = W2*(E), the ridge
    readout (readout = "exact": the E step is then 2 lr lam times the finite-lambda Eq. 20)."""
    gE, gW = M.loss_grad((E, W2), X, Y, lam)
    E, W2 = E - lr * gE, W2 - lr * gW
    if readout == 1:
        return E, W2
    H = xp.maximum(X @ E, 0.0)
    if readout == "exact":
        return E, optimal_readout(H, Y, lam)
    return E, readout_steps(H, Y, W2, lam, readout - 1, readout_lr(H, lam))


def separation(readout, H, lam, lr):
    """How many times faster W2's slowest mode (outside H's row space: only weight decay moves it)
    relaxes than tau advances: 1 + (k - 1) readout_lr / lr (None: exact readout)."""
    return None if readout == "exact" else 1.0 + (readout - 1) * readout_lr(H, lam) / lr


def rescaled_time(lr, lam, steps):
    """Real GD moves W1 by -lr grad R = 2 lr lam dW1 (Eq. 20) per step: tau = 2 lr lam step."""
    return 2.0 * lr * lam * steps


def readout_name(readout):
    """The row label of a readout scheme: "gd k=1" is plain GD, "exact" the ridge readout."""
    return "exact" if readout == "exact" else f"gd k={readout}"


YARDSTICK = ("cos", "len_ratio", "cos_shrink", "len_ratio_shrink", "cos_random")
DISP_FORMS = {"lambda0": False, "finite_lambda": True}  # Eq. 20's form: A = (H H^T)^-1 / (H H^T + lam I)^-1


def displacement_yardstick(E0, E1, X, Y, D, eta, lam, rng):
    """Real displacement u = E1 - E0 against Eq. 20's v = S(E0, D) - E0 (Euler step eta): cos(u, v)
    and ||u|| / ||v||, and the same for two baselines from E0: plain shrinkage over D,
    -(1 - e^-D) E0, and a random direction (its length would be ||u||: same ratio by construction)."""
    u, v = (E1 - E0).ravel(), (closed_form_flow(E0, X, Y, D, eta, lam) - E0).ravel()
    nv = xp.linalg.norm(v)
    cos = lambda a: float(a @ v / (xp.linalg.norm(a) * nv))  # noqa: E731
    shrink = -(1.0 - np.exp(-D)) * E0.ravel()
    return {"cos": cos(u), "len_ratio": float(xp.linalg.norm(u) / nv), "cos_shrink": cos(shrink),
            "len_ratio_shrink": float(xp.linalg.norm(shrink) / nv),
            "cos_random": cos(xp.asarray(rng.normal(size=u.shape)))}


def real_record(rec, E, W2, E_before, d, lam, tau, check_Z):
    """One measurement of real training: test accuracy, W2's distance to its optimal readout, and the
    cosines of the last window's W1 update with Eq. 20 (and, if check_Z, with Sec. 4's -P_T theta)."""
    X, Y = d["X"], d["Y"]
    W_opt = optimal_readout(xp.maximum(X @ E, 0.0), Y, lam)  # argmin over W2 of L_lam at this E
    loss = float(xp.sum((xp.maximum(X @ E, 0.0) @ W2 - Y) ** 2))
    if not np.isfinite(loss):
        raise FloatingPointError(f"real training (lambda = {lam}): NaN/inf at tau = {tau:.3f}")
    rec["tau"].append(tau)
    rec["train_loss"].append(loss)
    rec["test_acc"].append(accuracy(E, W2, d["Xt"], d["Yt"]))
    rec["w2_gap"].append(float(xp.linalg.norm(W2 - W_opt) / xp.linalg.norm(W_opt)))
    U = None if E_before is None else E - E_before
    rec["cos"].append(np.nan if U is None else MF.cosine(U.ravel(), closed_form_update(E, X, Y).ravel()))
    if check_Z and U is not None:
        rec["tau_Z"].append(tau)
        rec["cos_Z"].append(MF.cosine(U.ravel(), MF.norm_min_on_Z(E, W2, X).ravel()))


def real_training(E, W2, d, lam, lr, tau_max, readout=1, eta=1e-3, every=0.05, window=0.01, z_checks=7,
                  disp_windows=(0.01, 0.05, 0.2), disp_every=0.5, stop_after=None, rng=None, log=None):
    """Figs. 8, 10: real training (two_layer_step with `readout`: k or "exact") in rescaled time,
    measured every `every` of tau (the update over the last `window`); displacement_yardstick over
    disp_windows from points disp_every of tau apart (None: none), both forms of Eq. 20. stop_after:
    stop that much tau after the test accuracy first reaches 0.95 (None: run to tau_max)."""
    dtau = rescaled_time(lr, lam, 1)
    steps = int(np.ceil(tau_max / dtau))
    every_t, window_t = max(1, round(every / dtau)), max(1, round(window / dtau))
    z_every = max(1, round(tau_max / z_checks / every)) if z_checks else 0  # in measurements
    wins = [max(1, round(D / dtau)) for D in disp_windows]  # in steps
    n_disp = int((tau_max - disp_windows[-1]) / disp_every) + 1 if disp_every else 0  # last window fits
    starts = [round(j * disp_every / dtau) for j in range(n_disp)]
    keep = {s + w for s in starts for w in (0, *wins)}
    rec = {k: [] for k in ("tau", "train_loss", "test_acc", "w2_gap", "cos", "tau_Z", "cos_Z")}
    kept, E_before = {}, None
    for t in range(steps + 1):
        if t in keep:
            kept[t] = E  # two_layer_step returns new arrays, so no copy is needed
        if t % every_t == 0:
            k, tau = t // every_t, rescaled_time(lr, lam, t)
            real_record(rec, E, W2, E_before, d, lam, tau, z_every and k % z_every == 0)
            if log is not None and k % round(1.0 / every) == 0:
                log(f"real training ({readout_name(readout)}), lambda = {lam}: tau {tau:.1f}/{tau_max}, "
                    f"test accuracy {rec['test_acc'][-1]:.3f}")
            g = grok_step(rec["tau"], rec["test_acc"])
            if stop_after is not None and g is not None and tau >= g + stop_after:
                break
        if (t + window_t) % every_t == 0:
            E_before = E  # the instantaneous update window ends at the next measurement
        if t < steps:
            E, W2 = two_layer_step(E, W2, d["X"], d["Y"], lam, lr, readout)
    done = [s for s in starts if s + wins[-1] in kept]
    rng = np.random.default_rng(0) if rng is None else rng
    disp = {}
    for form, finite in DISP_FORMS.items():
        m = [[displacement_yardstick(kept[s], kept[s + w], d["X"], d["Y"], D, eta, lam * finite, rng)
              for s in done] for D, w in zip(disp_windows, wins)]
        disp[form] = {q: {f"{D:g}": np.array([x[q] for x in mD]) for D, mD in zip(disp_windows, m)}
                      for q in YARDSTICK}
    return {"steps": t, "tau_disp": np.array([rescaled_time(lr, lam, s) for s in done]), "disp": disp,
            **{k: np.array(v) for k, v in rec.items()}}


def real_summary(lam, lr, sharp, r, grok_sim):
    """The Fig. 8 / 10 numbers of one real run; means over 0 < tau <= its grokking time (all tau if
    it did not grok): displacement yardstick per form, quantity and window, cosines, W2 gap."""
    g = grok_step(r["tau"], r["test_acc"])
    upto, upto_Z, upto_disp = (r[k] <= (g if g is not None else np.inf) for k in ("tau", "tau_Z", "tau_disp"))
    mean = lambda c, sel: float(c[sel].mean()) if sel.any() else None  # noqa: E731
    disp = {form: {q: {D: mean(c, upto_disp) for D, c in byD.items()} for q, byD in f.items()}
            for form, f in r["disp"].items()}
    return {"lambda": lam, "lr": lr, "sharpness": sharp, "steps": r["steps"],
            "grok_tau_real": g, "grok_tau_sim": grok_sim, "disp": disp,
            "cos_mean": float(np.nanmean(r["cos"][upto])), "cos_Z_mean": mean(r["cos_Z"], upto_Z),
            "w2_gap_mean": float(r["w2_gap"][upto][1:].mean()),
            "train_loss_max_after_start": float(r["train_loss"][1:].max())}


# ---------------------------------------------------------------- accuracy, grokking times, statistics over runs
def accuracy(E, W, X, Y, act="relu"):
    """Fraction of samples whose argmax of sigma(X E) W is the true class argmax Y."""
    F = M.ACTIVATIONS[act][0](X @ E) @ W
    return float(xp.mean(xp.argmax(F, axis=1) == xp.argmax(Y, axis=1)))


def test_accuracy(E, X_train, Y_train, X_test, Y_test, act="relu"):
    """Test accuracy of the embedding E with its optimal readout fitted on the training set."""
    W = optimal_readout(M.ACTIVATIONS[act][0](X_train @ E), Y_train)
    return accuracy(E, W, X_test, Y_test, act)


def grok_step(steps, acc, level=0.95):
    """First recorded step (or rescaled time) with accuracy >= level (None if never reached)."""
    hit = np.flatnonzero(np.asarray(acc) >= level)
    return np.asarray(steps)[hit[0]].item() if hit.size else None


def grok_cells(grok, ran):
    """Fig. 11 (e): per width x fraction, the median grokking step over seeds (never = infinitely late,
    so None if at least half never got there) and the share of runs that never did (None if skipped)."""
    never = grok == None  # noqa: E711 (elementwise on an object array)
    med = np.median(np.where(never, np.inf, grok).astype(float), axis=2)
    share = never.mean(axis=2)
    return ([[m.item() if np.isfinite(m) else None for m in row] for row in med],
            [[v.item() if ok else None for v, ok in zip(row, oks)]
             for row, oks in zip(share, ran.all(axis=2))])


def ratio_stats(real, fin):
    """Fig. 10 (d), per row of `real` (seeds): tau_real / tau_finite per seed (None: one of them did not
    reach 95%), their median (not reached = infinitely late), min and max over the seeds that did."""
    ratio = [[None if a is None or b is None else a / b for a, b in zip(row, fin)] for row in real]
    ok = [[x for x in row if x is not None] for row in ratio]
    med = [float(np.median([np.inf if x is None else x for x in row])) for row in ratio]
    return {"ratio": ratio, "ratio_median": [m if np.isfinite(m) else None for m in med],
            "ratio_min": [min(o) if o else None for o in ok], "ratio_max": [max(o) if o else None for o in ok]}


def spearman(x, y):
    """Fig. 11 (f): Spearman rank correlation, the Pearson correlation of the ranks (ties get their mean rank)."""
    def ranks(v):
        v = np.asarray(v, dtype=float)
        r = np.empty(v.size)
        r[np.argsort(v, kind="stable")] = np.arange(v.size)
        _, inv, count = np.unique(v, return_inverse=True, return_counts=True)
        return (np.bincount(inv, weights=r) / count)[inv]
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


PHASES = ("memorized", "grokking", "generalized")
ALIGNED_PHASES = ("settling", "before_rise", "rising", "after")


def phase(train_acc, test_acc):
    """memorized: train 100%, test < 50%; grokking: train 100%, test in [50%, 100%);
    generalized: both 100%; "" before memorization."""
    ph = np.where(test_acc < 0.5, "memorized", np.where(test_acc < 1, "grokking", "generalized"))
    return np.where(train_acc == 1, ph, "")


def aligned_phase(curve, rec, steps):
    """Phases aligned to one run's first rise of test accuracy: (labels at `steps`, rise step,
    settle step). rise: the first step after memorization with test accuracy above its value at
    memorization; settling: train loss still above twice its value at the rise (the end of the
    memorization transient); rising: up to the first 100% test accuracy; after: from there on."""
    tr, te, loss = (np.asarray(rec[k]) for k in ("train_acc", "test_acc", "train_loss"))
    if not (tr == 1).any():
        return np.full(len(steps), ""), None, None
    mem = int(np.argmax(tr == 1))
    up = np.nonzero((np.arange(len(curve)) > mem) & (te > te[mem]))[0]
    rise = int(curve[up[0]]) if up.size else None
    full = grok_step(curve, te, level=1.0)
    ok = (np.arange(len(curve)) >= mem) & (loss <= 2 * loss[up[0] if up.size else -1])
    settle = int(curve[np.argmax(ok)])
    lab = np.select([steps < settle, steps < (rise or np.inf), steps < (full or np.inf)],
                    ALIGNED_PHASES[:3], ALIGNED_PHASES[3])
    return np.where(steps < curve[mem], "", lab), rise, settle


# ---------------------------------------------------------------- the Fig. 6 simulation
def condition_number(K):
    """cond(K) of the symmetric matrix K = H H^T from its eigenvalues (inf if singular)."""
    w = xp.linalg.eigvalsh(K)
    return float(w[-1] / w[0]) if w[0] > 0 else float("inf")


def simulate(E, X_train, Y_train, X_test, Y_test, lr, steps, every=10, snapshots=60,
             label="closed-form dynamics", log=None, direction=None, until=None, act="relu", cond_every=6):
    """Fig. 6: iterate E <- E + lr dE (Eq. 20 with activation `act`), recording every `every` steps.

    ReLU takes the buffered `closed_form_step`, other activations `closed_form_parts`.
    Keeps E at `snapshots + 1` evenly spaced steps (first and last included) for the
    Fourier analysis and animations. Raises FloatingPointError naming `label` and the
    step if the run blows up; warns once if cond(H H^T) exceeds 1e12 at one of the snapshots
    where it is measured (every `cond_every`-th and the last: its eigenvalues cost a step).
    Fig. 11: direction(E, dE) replaces the step direction dE (see `counterfactual`); `until`
    ends the run at the first record with test accuracy >= until (its E is the last snapshot).
    """
    if E.shape[1] <= X_train.shape[0]:
        raise ValueError(f"{label}: the zero-loss readout needs d_h > n, got d_h = {E.shape[1]}, "
                         f"n = {X_train.shape[0]} training pairs")
    E = E.copy()
    work = workspace(X_train.shape[0], *E.shape)
    parts = (lambda E: closed_form_step(E, X_train, Y_train, work)) if act == "relu" else \
        (lambda E: closed_form_parts(E, X_train, Y_train, act))
    snap_at = set(np.linspace(0, steps, snapshots + 1).round().astype(int).tolist())
    rec = {k: [] for k in ("step", "test_acc", "train_acc", "train_loss", "norm")}
    snaps, snap_steps, cond = [], [], []
    for t in range(steps + 1):
        try:
            dE, H, K, B = parts(E)
        except np.linalg.LinAlgError:
            raise FloatingPointError(f"{label}: H H^T became singular at step {t}") from None
        if not np.isfinite(float(xp.sum(dE))):  # one cheap pass: NaN/inf anywhere shows up here
            raise FloatingPointError(f"{label}: NaN/inf at step {t} (step size {lr} too large?)")
        if t % every == 0 or t == steps:
            simulate_record(rec, t, E, K, B, H.T @ B, Y_train, X_test, Y_test, act)
        done = until is not None and t % every == 0 and rec["test_acc"][-1] >= until
        if t in snap_at or done:
            snaps.append(M.to_numpy(E).copy())
            snap_steps.append(t)
        if (t in snap_at and len(snaps) % cond_every == 1) or done or t == steps:
            cond.append(condition_number(K))
            if cond[-1] > 1e12:  # a fixed text, so Python shows it once per process
                warnings.warn("cond(H H^T) > 1e12 in the closed-form dynamics: the zero-loss "
                              "readout is ill-conditioned and results may be inaccurate", RuntimeWarning)
        if log is not None and t and t % 1000 == 0:
            log(f"{label}: step {t}/{steps}, test accuracy {rec['test_acc'][-1]:.3f}")
        if done:
            break
        if t < steps:
            if direction is not None:
                dE = direction(E, dE)
            dE *= lr
            E += dE
    out = {k: np.array(v) for k, v in rec.items()}
    out.update(snap_steps=np.array(snap_steps), snaps=np.stack(snaps), cond=np.array(cond))
    return out


def simulate_record(rec, t, E, K, B, W, Y_train, X_test, Y_test, act):
    """One record of `simulate`: training loss and accuracy from F = H W = K B (no second
    solve), test accuracy with the readout W = H^T B, and ||E||_F."""
    F_train = K @ B
    rec["step"].append(t)
    rec["train_loss"].append(float(xp.sum((F_train - Y_train) ** 2)))
    rec["train_acc"].append(float(xp.mean(xp.argmax(F_train, 1) == xp.argmax(Y_train, 1))))
    rec["test_acc"].append(accuracy(E, W, X_test, Y_test, act))
    rec["norm"].append(float(xp.sqrt(xp.sum(E * E))))


# ---------------------------------------------------------------- Fourier picture
def fourier_features(E):
    """F_k = (1/p) sum_j exp(-2 pi i j k / p) E_j for k = 1..n_freq = (p-1)/2: (n_freq, d_h) complex."""
    p = E.shape[0]
    k, j = xp.arange(1, (p - 1) // 2 + 1), xp.arange(p)
    return xp.exp(-2j * xp.pi * xp.outer(k, j) / p) @ E / p


def fourier_diagnostics(E):
    """Fig. 6 (a)-(c) per frequency k: power ||F_k||^2 (and the share of the 4 strongest),
    min/max of ||Re F_k||, ||Im F_k||, |cos(Re F_k, Im F_k)|, and the cosine-similarity matrix
    of |Re F_1|, |Im F_1|, |Re F_2|, ... with within / across = mean similarity of the Re-Im
    pair of one frequency over the mean similarity between vectors of different frequencies."""
    F = fourier_features(E)
    R, I = F.real, F.imag
    nr, ni = xp.linalg.norm(R, axis=1), xp.linalg.norm(I, axis=1)
    V = xp.abs(xp.stack([R, I], axis=1).reshape(2 * F.shape[0], -1))  # rows Re F_1, Im F_1, ...
    V /= xp.linalg.norm(V, axis=1, keepdims=True)
    S = M.to_numpy(V @ V.T)
    freq = np.arange(S.shape[0]) // 2
    same = freq[:, None] == freq[None, :]
    within = S[same & ~np.eye(S.shape[0], dtype=bool)].mean()
    across = S[~same]  # empty for p = 3, whose only frequency is k = 1: the ratio is then NaN
    power = M.to_numpy(nr ** 2 + ni ** 2)
    return {"k": np.arange(1, F.shape[0] + 1),
            "power": power, "power_top4_fraction": float(np.sort(power)[-4:].sum() / power.sum()),
            "norm_ratio": M.to_numpy(xp.minimum(nr, ni) / xp.maximum(nr, ni)),
            "cos_re_im": M.to_numpy(xp.abs(xp.sum(R * I, axis=1)) / (nr * ni)),
            "similarity": S,
            "within_vs_across": float(within / across.mean()) if across.size else float("nan")}


def strongest_frequencies(E, count=4):
    """The `count` frequencies k with the largest Fourier power ||F_k||^2, strongest first."""
    power = M.to_numpy(xp.sum(xp.abs(fourier_features(E)) ** 2, axis=1))
    return np.argsort(power)[::-1][:count] + 1


def circle_coords(E, k, basis=None):
    """Centred E_j projected onto the plane (Re F_k, Im F_k) of `basis` (default E): (p, 2).

    The plane's axes are Re F_k and the part of Im F_k orthogonal to it (Gram-Schmidt), so
    the coordinates are a true orthogonal projection (at p = 3, Re and Im are far from
    orthogonal, and projecting on both unorthogonalized counted the spread twice)."""
    F = fourier_features(E if basis is None else basis)[k - 1]
    u = F.real / xp.linalg.norm(F.real)
    v = F.imag - xp.sum(F.imag * u) * u
    U = xp.stack([u, v / xp.linalg.norm(v)], axis=1)
    return M.to_numpy((E - E.mean(axis=0)) @ U)


def fourier_means(runs):
    """Fig. 6: means over runs of the three Fourier diagnostics (and power concentration) of the
    first and last snapshot of E, keys `<diagnostic>_init` and `<diagnostic>_final`."""
    out = {}
    for when, i in (("init", 0), ("final", -1)):
        d = [fourier_diagnostics(xp.asarray(res["snaps"][i])) for res in runs]
        for key in ("norm_ratio", "cos_re_im", "within_vs_across", "power_top4_fraction"):
            out[f"{key}_{when}"] = np.mean([np.mean(x[key]) for x in d])
    return out


def circle_rows(E0, E1, ks):
    """Fig. 6's circles, rows (title, [(p, 2) circle_coords per k], ||E - mean_j E||^2): E0 on its own
    planes, E0 on E1's planes, E1 on its own."""
    var = lambda E: float(((E - E.mean(axis=0)) ** 2).sum())  # noqa: E731
    return [("initial E, own plane", [circle_coords(E0, k) for k in ks], var(E0)),
            ("initial E, final E's plane", [circle_coords(E0, k, E1) for k in ks], var(E0)),
            ("final E, own plane", [circle_coords(E1, k) for k in ks], var(E1))]


# ---------------------------------------------------------------- delay laws (Fig. 13)
# E -> cE scales H by c, A = (H H^T)^-1 by c^-2, so Eq. 20's readout term G(E) = dE + E by c^-3
# (sigma' is unchanged) and the readout norm f(E) = ||W||^2 = Tr(Y^T A Y) by c^-2; Euler: <E, G> = f.
# Hence d||E||^2/dtau = 2 (||W||^2 - ||E||^2), and the direction u = E/||E|| obeys
# u' = P_u G(u) / ||E||^4: on the clock dsigma = ||W||^2/||E||^2 dtau it follows one path whatever ||E||.
def delay_run(E, d, eta, tau_max, radius=None, level=0.95):
    """Fig. 13: Eq. 20 (ReLU, lam -> 0) from E until test accuracy >= level or tau >= tau_max.

    Euler steps eta_t = eta min(1, ||E||^2 / ||W||^2): the direction of E turns on the clock sigma,
    ||W||^2 / ||E||^2 times faster than tau, so steps shrink where it runs fast (small or clamped E).
    radius: E is put back on the sphere ||E|| = radius after every step (the clamp). Records, at
    every step, tau, test accuracy, ||E|| and ||W||^2, and the last E. d: X, Y (train), Xt, Yt (test)."""
    X, Y = d["X"], d["Y"]
    E = E * (1.0 if radius is None else radius / float(xp.linalg.norm(E)))
    work = workspace(X.shape[0], *E.shape)
    rec = {k: [] for k in ("tau", "test_acc", "norm", "readout")}
    tau = 0.0
    while True:
        try:
            dE, H, K, B = closed_form_step(E, X, Y, work)
        except np.linalg.LinAlgError:
            raise FloatingPointError(f"Figure 13: H H^T became singular at tau = {tau:.3f}") from None
        e2, w2 = float(xp.sum(E * E)), float(xp.sum(B * Y))  # ||W||^2 = Tr(B^T K B) = Tr(B^T Y)
        if not np.isfinite(e2 + w2 + float(xp.sum(dE))):
            raise FloatingPointError(f"Figure 13: NaN/inf at tau = {tau:.3f} (step size {eta} too large?)")
        for k, v in zip(rec, (tau, accuracy(E, H.T @ B, d["Xt"], d["Yt"]), e2 ** 0.5, w2)):
            rec[k].append(v)
        if rec["test_acc"][-1] >= level or tau >= tau_max:
            return {"E": E, **{k: np.array(v) for k, v in rec.items()}}
        h = eta * min(1.0, e2 / w2)
        E = E + h * dE
        if radius is not None:
            E *= radius / float(xp.linalg.norm(E))
        tau += h


def clamp_prediction(rec, radius):
    """Fig. 13: tau at which the run clamped at ||E|| = radius reaches what the free run `rec` (a
    delay_run ending there) reached: radius^4 int dtau / ||E||^4, as u' = P_u G(u) / ||E||^4."""
    return float(radius ** 4 * np.sum(np.diff(rec["tau"]) / rec["norm"][:-1] ** 4))


def free_prediction(rec, r0):
    """Fig. 13: the same for a free run started at norm r0 along rec's initial direction. On the
    clock sigma, v = ||E||^-4 obeys v' = 4 / phi - 4 v, phi = ||E||^2 ||W||^2 = f(u), and
    dtau = dsigma / (phi v): integrated exactly over each step of rec with its phi held fixed."""
    dt, e2, w2 = np.diff(rec["tau"]), rec["norm"][:-1] ** 2, rec["readout"][:-1]
    v, tau = float(r0) ** -4, 0.0
    for q, phi in zip(np.exp(4.0 * dt * w2 / e2), e2 * w2):
        a = phi * v - 1.0  # > -1
        tau += 0.25 * np.log((q + a) / (1.0 + a))
        v = v / q + (1.0 - 1.0 / q) / phi
    return tau


def gd_delay_run(params, d, lr, lam, tau_max, every, level=0.95):
    """Fig. 13: full-batch GD on both layers (mean-squared loss + lam ||theta||^2, as Fig. 5) until
    test accuracy >= level or tau = 2 lr lam step >= tau_max; every `every` steps it records tau,
    train and test accuracy and ||theta||."""
    rec = {k: [] for k in ("tau", "train_acc", "test_acc", "norm")}
    step = 0
    while True:
        norm = float(xp.sqrt(sum(xp.sum(P * P) for P in params)))
        if not np.isfinite(norm):
            raise FloatingPointError(f"Figure 13 real training: NaN/inf at step {step} (lr {lr:.3g})")
        for k, v in zip(rec, (2.0 * lr * lam * step, accuracy(*params, d["X"], d["Y"]),
                              accuracy(*params, d["Xt"], d["Yt"]), norm)):
            rec[k].append(v)
        if rec["test_acc"][-1] >= level or rec["tau"][-1] >= tau_max:
            return {k: np.array(v) for k, v in rec.items()}
        params = M.gradient_descent(params, d["X"], d["Y"], every, lr, lam, mean=True)[0]
        step += every


def grok_point(rec, level=0.95):
    """Fig. 13: tau and norm at the end of a delay_run / gd_delay_run (its first record with test accuracy
    >= level; grok_tau None if it never got there); for real GD also at its first record with train
    accuracy 1 (memorization; grokking comes after it) and the delay between the two."""
    out = {"grok_tau": float(rec["tau"][-1]) if rec["test_acc"][-1] >= level else None,
           "norm_grok": float(rec["norm"][-1])}
    if "train_acc" in rec:
        hit = np.flatnonzero(rec["train_acc"] == 1)
        out.update(tau_mem=float(rec["tau"][hit[0]]) if hit.size else None,
                   norm_mem=float(rec["norm"][hit[0]]) if hit.size else None,
                   delay_tau=out["grok_tau"] - float(rec["tau"][hit[0]]) if out["grok_tau"] is not None else None)
    return out


def fit_line(x, y, groups=None):
    """Fig. 13: least squares y = a_g + b x, one slope b, an intercept a_g per group (seed or net; None: one
    group): {slope, intercept (through the overall means), r2 (of y - a_g)}; None with < 2 distinct x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    g = np.zeros(x.size, int) if groups is None else np.unique(groups, return_inverse=True)[1].ravel()
    dx, dy = (v - (np.bincount(g, v) / np.bincount(g))[g] for v in (x, y))  # within-group deviations
    if x.size < 2 or not dx.any():
        return None
    b = float(dx @ dy / (dx @ dx))
    r2 = 1.0 - np.sum((dy - b * dx) ** 2) / np.sum(dy ** 2)
    return {"slope": b, "intercept": float(y.mean() - b * x.mean()), "r2": float(r2)}


def delay_fits(free, clamp, real, eta):
    """Fig. 13's laws, fitted (fit_line: one slope, an intercept per seed or net) to the runs reaching 95%:
    free Eq. 20 at step eta (tau vs ln s, s >= 1), clamped (power and exponential in rho), real GD."""
    F, C, R = ([x for x in rows if x["grok_tau"] is not None] for rows in (free, clamp, real))
    big = [f for f in F if f["lr"] == eta and f["scale"] >= 1]
    up = np.array([(2 * np.log(f["norm0"] / f["norm_grok"]), f["grok_tau"], f["seed"]) for f in F
                   if f["lr"] == eta and f["norm0"] > f["norm_grok"]]).reshape(-1, 3)
    col = lambda rows, k, fn=float: [fn(x[k]) for x in rows]  # noqa: E731
    cv = lambda v: float(np.std(v) / np.mean(v)) if len(v) else None  # noqa: E731
    return {"free_vs_ln_s": fit_line(col(big, "scale", np.log), col(big, "grok_tau"), col(big, "seed")),
            "free_vs_log_norm2_ratio": fit_line(up[:, 0], up[:, 1], up[:, 2]),
            "norm_grok_mean": float(np.mean(col(F, "norm_grok"))), "norm_grok_cv": cv(col(F, "norm_grok")),
            "clamp_power": fit_line(col(C, "rho", np.log), col(C, "grok_tau", np.log), col(C, "seed")),
            "clamp_exp": fit_line(col(C, "rho"), col(C, "grok_tau", np.log), col(C, "seed")),
            "pred_error_max": {k: max([abs(x["grok_tau"] / x["pred_tau"] - 1) for x in v if x["pred_tau"]], default=None)
                               for k, v in (("free", F), ("clamp", C))}, "real_norm_grok_cv": cv(col(R, "norm_grok")),
            "real_delay_vs_ln_s": fit_line(col(R, "scale", np.log), col(R, "delay_tau"), col(R, "net"))}


def first_step_norms(E, X, Y, eta, substeps):
    """Fig. 6(b)'s early rise: ||E0||, ||W0||, the continuous-time bound max(||E0||, sqrt(||E0|| ||W0||)) on ||E||
    (d||E||^2/dtau = 2 (||W||^2 - ||E||^2) and f(u) never grows), and ||E|| after tau = eta in n Euler
    steps of eta / n for each n in substeps (n = 1: the figure's own first step)."""
    H = xp.maximum(X @ E, 0.0)
    n0, w0 = float(xp.linalg.norm(E)), float(xp.sum(Y * xp.linalg.solve(H @ H.T, Y))) ** 0.5
    return {"norm0": n0, "readout_norm0": w0, "bound": max(n0, (n0 * w0) ** 0.5), "substeps": list(substeps),
            "norm_after_step": [float(xp.linalg.norm(closed_form_flow(E, X, Y, eta, eta / n))) for n in substeps]}
