"""Modular addition and the closed-form two-layer dynamics of Section 6 (Eqs. 16-20, Fig. 6).

The first layer is an embedding E (p x d_h): the W1 of the paper and of models.py, whose net
sigma(X W1) W2 is this one with params = (E, W2). Sample i = (a, b) has hidden activity
H_i = sigma(E_a + E_b) = sigma(X_i E). The second layer is never trained: it is always the
optimal (ridge / right pseudo-inverse) readout W2 = H^T (H H^T + lam I)^-1 Y, so with d_h > n
and lam -> 0 the training loss is exactly zero and only E moves, by Eq. 20.
Notation: n training samples (pairs), m = p classes, X (n x p), Y (n x p), H = sigma(X E)
(n x d_h), K = H H^T (n x n), A = K^-1; in the Fourier part k is a frequency
and n_freq = (p - 1) / 2 the number of frequencies.
"""
import warnings

import numpy as np

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


def train_test_split(n_pairs, frac, rng):
    """A random split of n_pairs sample indices: n = round(frac n_pairs) for training, the rest for test."""
    perm = rng.permutation(n_pairs)
    n = int(round(frac * n_pairs))
    return np.sort(perm[:n]), np.sort(perm[n:])


def init_embedding(rng, p, d_h, std=None):
    """Fig. 6 initialisation E ~ N(0, std^2), std = p^-1/2 by default (the paper's N(0, p^-1/2)
    does not say std or variance; we read p^-1/2 as the std; README: "read two ways")."""
    return xp.asarray(rng.normal(0.0, p ** -0.5 if std is None else std, size=(p, d_h)))


def split_problem(rng, p, frac, d_h, std=None):
    """Fig. 6's recipe: a random split of the mod-p pairs, then an initial E: (X, Y, Xt, Yt, E0)."""
    X, Y, _ = modular_addition(p)
    tr, te = train_test_split(X.shape[0], frac, rng)
    return X[tr], Y[tr], X[te], Y[te], init_embedding(rng, p, d_h, std)


# ---------------------------------------------------------------- the Fig. 5 setting (Sec. 5, App. D)
# Modulus 11, width 128, 7 held-out pairs, lr 1, five nets. "Weight decay 1e-4" read as PyTorch's
# SGD(weight_decay=1e-4), which adds 1e-4 theta to the gradient of the mean-squared loss: that is
# lam ||theta||^2 with lam = 5e-5. The update is estimated as theta_t - theta_{t-10} (FIG5_WINDOW).
FIG5_P, FIG5_HIDDEN, FIG5_HELD_OUT, FIG5_LR, FIG5_RUNS = 11, 128, 7, 1.0, 5
FIG5_LAM, FIG5_WINDOW = 0.5e-4, 10
# Our choices: training length, measurements log-spaced from step 600 (after memorization at ~200
# steps) to the end, loss points per run.
FIG5_STEPS, FIG5_START, FIG5_CURVE = 120_000, 600, 300


def fig5_data(rng):
    """Erratum 4: the 66 unordered pairs mod 11, 7 held out at random, 59 for training."""
    X, Y, _ = modular_addition(FIG5_P)
    perm = rng.permutation(X.shape[0])
    test, train = np.sort(perm[:FIG5_HELD_OUT]), np.sort(perm[FIG5_HELD_OUT:])
    test, train = xp.asarray(test), xp.asarray(train)
    return X[train], Y[train], X[test], Y[test]


def fig5_init(rng):
    """The two weight matrices of a Fig. 5 net, PyTorch's default initialisation."""
    return (M.init_uniform(rng, FIG5_P, FIG5_HIDDEN), M.init_uniform(rng, FIG5_HIDDEN, FIG5_P))


def fig5_grid(steps, points, curve, start=FIG5_START):
    """Log-spaced measurement steps from `start` and loss-curve steps (with 0), multiples of FIG5_WINDOW."""
    def grid(n, first):
        return np.unique(np.round(np.geomspace(first, steps, n) / FIG5_WINDOW) * FIG5_WINDOW)
    measured = grid(points, min(start, steps // 2)).astype(int)
    return measured, np.union1d(np.union1d(measured, grid(curve, FIG5_WINDOW)), [0]).astype(int)


# ---------------------------------------------------------------- optimal readout and cost R
def optimal_readout(H, Y, lam=0.0):
    """Eq. 18 / erratum 1: W2* = H^T (H H^T + lam I)^-1 Y, the right pseudo-inverse at lam = 0."""
    K = H @ H.T  # (n, n): cheaper than H^T H (d_h, d_h), and invertible when d_h > n
    if lam:
        K[xp.diag_indices_from(K)] += lam
    return H.T @ xp.linalg.solve(K, Y)


def cost_R(E, X, Y, lam, act="relu", limit=False):
    """Eq. 16 / 19: R(E) = min_W2 L_lam = lam ||E||^2 + lam Tr(Y^T (H H^T + lam I)^-1 Y).

    Exact for finite lam; limit=True drops lam inside the inverse (Eq. 19, lam -> 0).
    """
    H = M.ACTIVATIONS[act][0](X @ E)
    K = H @ H.T
    if not limit:
        K[xp.diag_indices_from(K)] += lam
    return float(lam * xp.sum(E * E) + lam * xp.sum(Y * xp.linalg.solve(K, Y)))


# ---------------------------------------------------------------- Eq. 20
def closed_form_update(E, X, Y, act="relu", lam=0.0):
    """Eq. 20: dE = X^T [(A Y Y^T A H) * sigma'(X E)] - E, A = (H H^T + lam I)^-1; = -grad R / 2 lam.

    Computed as B = A Y (one solve, no inverse) and A Y Y^T A H = B (B^T H), two thin products
    (`closed_form_parts`); `closed_form_step` runs the same products in preallocated buffers."""
    return closed_form_parts(E, X, Y, act, lam)[0]


def closed_form_parts(E, X, Y, act="relu", lam=0.0):
    """Eq. 20 and its by-products: (dE, H, K = H H^T + lam I, B = A Y), so that the readout
    W2 = H^T B and the training outputs H W2 = K B cost no second solve (lam = 0)."""
    sigma, dsigma = M.ACTIVATIONS[act]
    pre = X @ E  # the pre-activations
    H = sigma(pre)  # (n, d_h)
    K = H @ H.T  # (n, n)
    if lam:
        K[xp.diag_indices_from(K)] += lam
    B = xp.linalg.solve(K, Y)  # A Y, (n, p)
    return X.T @ ((B @ (B.T @ H)) * dsigma(pre)) - E, H, K, B  # A Y Y^T A H = B (B^T H): thin products


def workspace(n, p, d_h):
    """Preallocated buffers for `closed_form_step` (n samples, p classes, width d_h)."""
    return {"H": xp.empty((n, d_h)), "K": xp.empty((n, n)), "C": xp.empty((p, d_h)),
            "BC": xp.empty((n, d_h)), "dE": xp.empty((p, d_h))}


def closed_form_step(E, X, Y, work):
    """Eq. 20 for ReLU (lam -> 0), written into `work`: the numbers of `closed_form_parts`.

    It reuses buffers because each fresh multi-megabyte temporary is handed back to the
    operating system when freed, and taking it again costs page faults (about 1,500 per step
    at the Fig. 6 size, a large part of a step's time on a 2-core machine).
    """
    H, K, C, BC, dE = (work[key] for key in ("H", "K", "C", "BC", "dE"))
    xp.matmul(X, E, out=H)
    xp.maximum(H, 0.0, out=H)          # H = relu(X E); relu'(X E) = [H > 0]
    xp.matmul(H, H.T, out=K)           # NumPy computes only one triangle of H H^T
    B = xp.linalg.solve(K, Y)
    xp.matmul(B.T, H, out=C)
    xp.matmul(B, C, out=BC)            # A Y Y^T A H = B (B^T H)
    xp.multiply(BC, H > 0, out=BC)
    xp.matmul(X.T, BC, out=dE)
    dE -= E
    return dE, H, K, B


# E -> cE scales H by c, A = (H H^T)^-1 by c^-2, so Eq. 20's readout term dE + E by c^-3 (sigma'
# unchanged) and ||W2||^2 = Tr(Y^T A Y) by c^-2; Euler's theorem: <E, dE + E> = ||W2||^2. Hence d||E||^2/dtau
# = 2 (||W2||^2 - ||E||^2), and the direction u = E/||E|| obeys u' = P_u (readout term at u) / ||E||^4: it
# turns on its own clock tau~ (tau-tilde), dtau~ = ||W2||^2/||E||^2 dtau, ~16x faster than tau at Fig. 6's start.
def simulate_flow(E, data, eta, tau_max, level=0.95, radius=None):
    """Eq. 20 as a flow (ReLU, lam -> 0) from E until test accuracy >= level or tau >= tau_max: Euler
    steps eta_t = eta min(1, ||E||^2 / ||W2||^2), so that no step turns E by more than eta on the clock
    tau~. radius: E is put back on the sphere ||E|| = radius after every step (Fig. 13's clamp).
    data: X, Y (train), Xt, Yt (test). Records at every step tau, test accuracy, ||E||, ||W2||^2; keeps the last E."""
    X, Y = data["X"], data["Y"]
    E = E * (1.0 if radius is None else radius / float(xp.linalg.norm(E)))
    work, rec, tau = workspace(X.shape[0], *E.shape), {key: [] for key in ("tau", "test_acc", "norm", "readout")}, 0.0
    while True:
        try:
            dE, H, K, B = closed_form_step(E, X, Y, work)
        except np.linalg.LinAlgError:
            raise FloatingPointError(f"Eq. 20 flow: H H^T became singular at tau = {tau:.3f}") from None
        e2, w2 = float(xp.sum(E * E)), float(xp.sum(B * Y))  # ||W2||^2 = Tr(B^T K B) = Tr(B^T Y)
        if not np.isfinite(e2 + w2 + float(xp.sum(dE))):
            raise FloatingPointError(f"Eq. 20 flow: NaN/inf at tau = {tau:.3f} (step size {eta} too large?)")
        for key, v in zip(rec, (tau, accuracy(E, H.T @ B, data["Xt"], data["Yt"]), e2 ** 0.5, w2)):
            rec[key].append(v)
        if rec["test_acc"][-1] >= level or tau >= tau_max:
            return {"E": E, **{key: np.array(v) for key, v in rec.items()}}
        h = eta * min(1.0, e2 / w2)
        E = E + h * dE
        if radius is not None:
            E *= radius / float(xp.linalg.norm(E))
        tau += h


# ---------------------------------------------------------------- accuracy, grokking times, statistics over runs
def accuracy(E, W2, X, Y, act="relu"):
    """Fraction of samples whose argmax of sigma(X E) W2 is the true class argmax Y."""
    F = M.ACTIVATIONS[act][0](X @ E) @ W2
    return float(xp.mean(xp.argmax(F, axis=1) == xp.argmax(Y, axis=1)))


def test_accuracy(E, X_train, Y_train, X_test, Y_test, act="relu"):
    """Test accuracy of the embedding E with its optimal readout fitted on the training set."""
    W2 = optimal_readout(M.ACTIVATIONS[act][0](X_train @ E), Y_train)
    return accuracy(E, W2, X_test, Y_test, act)


def grok_step(steps, acc, level=0.95):
    """First recorded step (or rescaled time) with accuracy >= level (None if never reached)."""
    hit = np.flatnonzero(np.asarray(acc) >= level)
    return np.asarray(steps)[hit[0]].item() if hit.size else None


PHASES = ("memorized", "grokking", "generalized")
ALIGNED_PHASES = ("settling", "before_rise", "rising", "after")


def phase(train_acc, test_acc):
    """memorized: train 100%, test < 50%; grokking: train 100%, test in [50%, 100%);
    generalized: both 100%; "" before memorization."""
    ph = np.where(test_acc < 0.5, "memorized", np.where(test_acc < 1, "grokking", "generalized"))
    return np.where(train_acc == 1, ph, "")


def phase_stats(rec, phase, keys, fn=np.mean, phases=PHASES):
    """fn of rec[key] over the points of each phase, for each key (None where a phase has no point)."""
    return {key: {ph: fn(rec[key][phase == ph]) if (phase == ph).any() else None for ph in phases}
            for key in keys}


def aligned_phase(curve, rec, steps):
    """Phases aligned to one run's first rise of test accuracy: (labels at `steps`, rise step,
    settle step). rise: the first step after memorization with test accuracy above its value at
    memorization; settling: train loss still above twice its value at the rise (the end of the
    memorization transient); rising: up to the first 100% test accuracy; after: from there on."""
    tr, te, loss = (np.asarray(rec[key]) for key in ("train_acc", "test_acc", "train_loss"))
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
    """Fig. 6: E <- E + lr dE (Eq. 20 with activation `act`; lr is the Euler step eta) for `steps` steps,
    recorded every `every`.

    Beside the loop: `eq20_step` (buffered for ReLU; a blow-up raises FloatingPointError naming
    `label`) and `simulate_keep` (snapshots of E, cond(H H^T)). Fig. 11: direction(E, dE) replaces
    dE; `until` ends the run at the first record with test accuracy >= until."""
    if E.shape[1] <= X_train.shape[0]:
        raise ValueError(f"{label}: the zero-loss readout needs d_h > n, got d_h = {E.shape[1]}, "
                         f"n = {X_train.shape[0]} training pairs")
    E, step = E.copy(), eq20_step(X_train, Y_train, E.shape, act, label, lr)
    rec = {key: [] for key in ("step", "test_acc", "train_acc", "train_loss", "norm")}
    kept = {"at": set(np.linspace(0, steps, snapshots + 1).round().astype(int).tolist()),
            "snaps": [], "snap_steps": [], "cond": []}
    for t in range(steps + 1):
        dE, H, K, B = step(E, t)  # Eq. 20, and the readout W2 = H^T B at E
        if t % every == 0 or t == steps:
            simulate_record(rec, t, E, K, B, H.T @ B, Y_train, X_test, Y_test, act)
        done = until is not None and t % every == 0 and rec["test_acc"][-1] >= until
        simulate_keep(kept, t, E, K, done or t == steps, cond_every)
        if log is not None and t and t % max(every, min(1000, steps // 5)) == 0:  # ~5 lines or one per 1,000 steps
            log(f"{label}: step {t}/{steps}, test accuracy {rec['test_acc'][-1]:.3f}")
        if done or t == steps:
            break
        E += lr * (dE if direction is None else direction(E, dE))
    return {**{key: np.array(v) for key, v in rec.items()}, "snap_steps": np.array(kept["snap_steps"]),
            "snaps": np.stack(kept["snaps"]), "cond": np.array(kept["cond"])}


def eq20_step(X, Y, shape, act, label, lr):
    """simulate's step (E, t) -> (dE, H, K, B): `closed_form_step` for ReLU, `closed_form_parts` otherwise."""
    work = workspace(X.shape[0], *shape)

    def step(E, t):
        try:
            out = closed_form_step(E, X, Y, work) if act == "relu" else closed_form_parts(E, X, Y, act)
        except np.linalg.LinAlgError:
            raise FloatingPointError(f"{label}: H H^T became singular at step {t}") from None
        if not np.isfinite(float(xp.sum(out[0]))):  # one cheap pass: NaN/inf anywhere shows up here
            raise FloatingPointError(f"{label}: NaN/inf at step {t} (step size {lr} too large?)")
        return out
    return step


def simulate_keep(kept, t, E, K, last, cond_every):
    """simulate's snapshots: E at the steps kept["at"] and the last (Fourier analysis, GIF); cond(H H^T) at
    every cond_every-th and the last (its eigenvalues cost a step), warning once if above 1e12."""
    if t in kept["at"] or last:
        kept["snaps"].append(M.to_numpy(E).copy())
        kept["snap_steps"].append(t)
    if (t in kept["at"] and len(kept["snaps"]) % cond_every == 1) or last:
        kept["cond"].append(condition_number(K))
        if kept["cond"][-1] > 1e12:  # a fixed text, so Python shows it once per process
            warnings.warn("cond(H H^T) > 1e12 in the closed-form dynamics: the zero-loss "
                          "readout is ill-conditioned and results may be inaccurate", RuntimeWarning)


def simulate_record(rec, t, E, K, B, W2, Y_train, X_test, Y_test, act):
    """One record of `simulate`: training loss and accuracy from F = H W2 = K B (no second
    solve), test accuracy with the readout W2 = H^T B, and ||E||_F."""
    F_train = K @ B
    rec["step"].append(t)
    rec["train_loss"].append(float(xp.sum((F_train - Y_train) ** 2)))
    rec["train_acc"].append(float(xp.mean(xp.argmax(F_train, 1) == xp.argmax(Y_train, 1))))
    rec["test_acc"].append(accuracy(E, W2, X_test, Y_test, act))
    rec["norm"].append(float(xp.sqrt(xp.sum(E * E))))


# ---------------------------------------------------------------- Fourier picture
def fourier_features(E):
    """The Fourier features Ehat_k = (1/p) sum_j exp(-2 pi i j k / p) E_j for k = 1..n_freq = (p-1)/2:
    (n_freq, d_h) complex (the paper's F_k; here F is always the network's outputs)."""
    p = E.shape[0]
    k, j = xp.arange(1, (p - 1) // 2 + 1), xp.arange(p)
    return xp.exp(-2j * xp.pi * xp.outer(k, j) / p) @ E / p


def fourier_diagnostics(E):
    """Fig. 6 (a)-(c) per frequency k: power ||Ehat_k||^2 (and the share of the 4 strongest),
    min/max of ||Re Ehat_k||, ||Im Ehat_k||, |cos(Re Ehat_k, Im Ehat_k)|, and the cosine-similarity matrix
    of |Re Ehat_1|, |Im Ehat_1|, |Re Ehat_2|, ... with within / across = mean similarity of the Re-Im
    pair of one frequency over the mean similarity between vectors of different frequencies."""
    Ehat = fourier_features(E)  # (n_freq, d_h)
    Re, Im = Ehat.real, Ehat.imag
    nr, ni = xp.linalg.norm(Re, axis=1), xp.linalg.norm(Im, axis=1)
    V = xp.abs(xp.stack([Re, Im], axis=1).reshape(2 * Ehat.shape[0], -1))  # rows Re Ehat_1, Im Ehat_1, ...
    V /= xp.linalg.norm(V, axis=1, keepdims=True)
    sim = M.to_numpy(V @ V.T)
    freq = np.arange(sim.shape[0]) // 2
    same = freq[:, None] == freq[None, :]
    within = sim[same & ~np.eye(sim.shape[0], dtype=bool)].mean()
    across = sim[~same]  # empty for p = 3, whose only frequency is k = 1: the ratio is then NaN
    power = M.to_numpy(nr ** 2 + ni ** 2)
    return {"k": np.arange(1, Ehat.shape[0] + 1),
            "power": power, "power_top4_fraction": float(np.sort(power)[-4:].sum() / power.sum()),
            "norm_ratio": M.to_numpy(xp.minimum(nr, ni) / xp.maximum(nr, ni)),
            "cos_re_im": M.to_numpy(xp.abs(xp.sum(Re * Im, axis=1)) / (nr * ni)),
            "similarity": sim,
            "within_vs_across": float(within / across.mean()) if across.size else float("nan")}


def unit_frequencies(E, X):
    """Per hidden unit u (beyond the paper): the share of its Fourier power sum_k |Ehat_k[u]|^2 in its strongest
    frequency (1: one frequency, as in min-norm / max-margin solutions, arXiv:2311.07568; iid noise: on average
    (1 + 1/2 + ... + 1/n_freq) / n_freq), that frequency, the units whose strongest it is per k, and the dead units (relu(X E)
    zero on every row of X, the training set). Constant units (no Fourier power) get share NaN, frequency 0."""
    P = M.to_numpy(xp.abs(fourier_features(E)) ** 2)  # (n_freq, d_h)
    total = P.sum(axis=0)
    live = total > (E.shape[0] * np.finfo(float).eps) ** 2 * M.to_numpy(xp.sum(E * E, axis=0))  # beyond DFT rounding
    share = np.where(live, P.max(axis=0) / np.where(live, total, 1.0), np.nan)
    k = np.where(live, np.argmax(P, axis=0) + 1, 0)
    return {"share": share, "k": k, "units_per_k": np.bincount(k[live], minlength=P.shape[0] + 1)[1:],
            "dead": int(np.sum(M.to_numpy(xp.max(X @ E, axis=0)) <= 0))}


def strongest_frequencies(E, count=4):
    """The `count` frequencies k with the largest Fourier power ||Ehat_k||^2, strongest first."""
    power = M.to_numpy(xp.sum(xp.abs(fourier_features(E)) ** 2, axis=1))
    return np.argsort(power)[::-1][:count] + 1


def circle_coords(E, k, basis=None):
    """Centred E_j projected onto the plane (Re Ehat_k, Im Ehat_k) of `basis` (default E): (p, 2).
    The axes are Re Ehat_k and the part of Im Ehat_k orthogonal to it (Gram-Schmidt): at p = 3 Re and
    Im are far from orthogonal, and projecting on both as they are would count the spread twice."""
    Ehat = fourier_features(E if basis is None else basis)[k - 1]  # (d_h,)
    u = Ehat.real / xp.linalg.norm(Ehat.real)
    v = Ehat.imag - xp.sum(Ehat.imag * u) * u
    U = xp.stack([u, v / xp.linalg.norm(v)], axis=1)
    return M.to_numpy((E - E.mean(axis=0)) @ U)
