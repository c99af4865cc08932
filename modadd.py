"""Modular addition and the closed-form two-layer dynamics of Section 6 (Eqs. 16-20, Fig. 6).

The first layer is an embedding E (p, d_h): sample (a, b) has hidden activity
H_i = sigma(E_a + E_b) = sigma(X_i E). The second layer is never trained: it is always
the optimal (ridge / right pseudo-inverse) readout W = H^T (H H^T + lam I)^-1 Y, so with
d_h > n the training loss is exactly zero and only E moves, by Eq. 20.
"""
import warnings

import numpy as np

import models as M
from models import xp


# ---------------------------------------------------------------- data
def modular_addition(p):
    """Fig. 6 data: all pairs 0 <= a <= b < p, X_i = e_a + e_b, Y_i = e_((a+b) mod p)."""
    a, b = np.triu_indices(p)  # k = p (p + 1) / 2 unordered pairs
    X = np.zeros((a.size, p))
    np.add.at(X, (np.arange(a.size), a), 1.0)
    np.add.at(X, (np.arange(a.size), b), 1.0)  # a == b gives 2 e_a
    Y = np.eye(p)[(a + b) % p]
    return xp.asarray(X), xp.asarray(Y), np.stack([a, b], axis=1)


def n_train(p, frac):
    """Number of training pairs: round(frac k) of the k = p (p + 1) / 2 pairs."""
    return int(round(frac * p * (p + 1) / 2))


def train_test_split(k, frac, rng):
    """A random split of k sample indices: round(frac k) for training, the rest for test."""
    perm = rng.permutation(k)
    n = int(round(frac * k))
    return np.sort(perm[:n]), np.sort(perm[n:])


def init_embedding(rng, p, d_h):
    """Fig. 6 initialisation E ~ N(0, std p^-1/2) (erratum 5: we read p^-1/2 as the std)."""
    return xp.asarray(rng.normal(0.0, p ** -0.5, size=(p, d_h)))


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
    sigma, dsigma = M.ACTIVATIONS[act]
    Z = X @ E
    H = sigma(Z)
    K = H @ H.T
    if lam:
        K[xp.diag_indices_from(K)] += lam
    B = xp.linalg.solve(K, Y)  # A Y, (n, p)
    return X.T @ ((B @ (B.T @ H)) * dsigma(Z)) - E  # A Y Y^T A H = B (B^T H): thin products only


def workspace(n, p, d_h):
    """Preallocated buffers for `closed_form_step` (n samples, p classes, width d_h)."""
    return {"H": xp.empty((n, d_h)), "K": xp.empty((n, n)), "C": xp.empty((p, d_h)),
            "G": xp.empty((n, d_h)), "dE": xp.empty((p, d_h))}


def closed_form_step(E, X, Y, work):
    """Eq. 20 for ReLU (lam -> 0), written into `work`; returns (dE, H, K = H H^T, B = K^-1 Y).

    Same numbers as `closed_form_update`; it reuses buffers because fresh multi-megabyte
    temporaries cost page faults every step (shared/PERF.md), and it hands back H, K and B
    so that the readout W = H^T B can be evaluated without a second solve.
    """
    H, K, C, G, dE = (work[k] for k in ("H", "K", "C", "G", "dE"))
    xp.matmul(X, E, out=H)
    xp.maximum(H, 0.0, out=H)          # H = relu(X E); relu'(X E) = [H > 0]
    xp.matmul(H, H.T, out=K)           # NumPy computes only one triangle of A A^T
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
    n = xp.linalg.norm(g)
    u = g / n
    w = r - xp.sum(r * u) * u
    return n * (c * u + (1.0 - c * c) ** 0.5 * w / xp.linalg.norm(w))


def counterfactual(name, c=None, rng=None, shape=None):
    """Fig. 11: the direction map D(E, dE) that `simulate` follows instead of Eq. 20's dE.

    "eq20": dE itself (None); "tilt-noise" / "tilt-fixed": dE tilted to cosine c towards a fresh
    Gaussian direction each step / one fixed Gaussian direction (shape, drawn once from rng);
    "l1": -grad R_1 / 2 lam for R_1 = lam ||E||_1 + lam Tr(Y^T (H H^T)^-1 Y), i.e. the readout
    part of Eq. 20 minus sign(E) / 2; "readout-only": Eq. 20 without its -E term;
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
        return lambda E, dE: dE + E - 0.5 * xp.sign(E)
    if name == "readout-only":
        return lambda E, dE: dE + E
    if name == "shrink":
        return lambda E, dE: -E
    raise ValueError(f"unknown dynamics {name!r}")


# ---------------------------------------------------------------- real training (Figs. 8, 10)
def readout_lr(H, lam):
    """GD step size for the readout alone: 1 / (||H||_F^2 + lam) <= 2 / top eigenvalue 2 (sigma_max(H)^2 + lam)
    of its Hessian, so a readout step at fixed H never raises the loss (sigma_max^2 <= ||H||_F^2)."""
    return 1.0 / (float(xp.sum(H * H)) + lam)


def readout_steps(H, Y, W2, lam, k, lr):
    """k GD steps on ||H W2 - Y||^2 + lam ||W2||^2 over W2 alone, at fixed H (Eq. 13)."""
    for _ in range(k):
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


# ---------------------------------------------------------------- accuracy
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
             label="closed-form dynamics", log=None, direction=None, until=None):
    """Fig. 6: iterate E <- E + lr dE (Eq. 20, ReLU), recording the readout every `every` steps.

    Keeps E at `snapshots + 1` evenly spaced steps (first and last included) for the
    Fourier analysis and animations. Raises FloatingPointError naming `label` and the
    step if the run blows up; warns once if cond(H H^T) at a snapshot exceeds 1e12.
    Fig. 11: direction(E, dE) replaces the step direction dE (see `counterfactual`); `until`
    ends the run at the first record with test accuracy >= until (its E is the last snapshot).
    """
    if E.shape[1] <= X_train.shape[0]:
        raise ValueError(f"{label}: the zero-loss readout needs d_h > n, got d_h = {E.shape[1]}, "
                         f"n = {X_train.shape[0]} training pairs")
    E = E.copy()
    work = workspace(X_train.shape[0], *E.shape)
    snap_at = set(np.linspace(0, steps, snapshots + 1).round().astype(int).tolist())
    rec = {k: [] for k in ("step", "test_acc", "train_acc", "train_loss", "norm")}
    snaps, snap_steps, cond = [], [], []
    for t in range(steps + 1):
        try:
            dE, H, K, B = closed_form_step(E, X_train, Y_train, work)
        except np.linalg.LinAlgError:
            raise FloatingPointError(f"{label}: H H^T became singular at step {t}") from None
        if not np.isfinite(float(xp.sum(dE))):  # one cheap pass: NaN/inf anywhere shows up here
            raise FloatingPointError(f"{label}: NaN/inf at step {t} (step size {lr} too large?)")
        if t % every == 0 or t == steps:
            F_train = K @ B  # = H W with W = H^T B, the readout at this E
            loss = float(xp.sum((F_train - Y_train) ** 2))
            rec["step"].append(t)
            rec["train_loss"].append(loss)
            rec["train_acc"].append(float(xp.mean(xp.argmax(F_train, 1) == xp.argmax(Y_train, 1))))
            rec["test_acc"].append(accuracy(E, H.T @ B, X_test, Y_test))
            rec["norm"].append(float(xp.sqrt(xp.sum(E * E))))
        done = until is not None and t % every == 0 and rec["test_acc"][-1] >= until
        if t in snap_at or done:
            snaps.append(M.to_numpy(E).copy())
            snap_steps.append(t)
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


# ---------------------------------------------------------------- Fourier picture
def fourier_features(E):
    """F_k = (1/p) sum_j exp(-2 pi i j k / p) E_j for k = 1..(p-1)/2: (K, d_h) complex."""
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


def strongest_frequencies(E, n=4):
    """The n frequencies k with the largest Fourier power ||F_k||^2, strongest first."""
    power = M.to_numpy(xp.sum(xp.abs(fourier_features(E)) ** 2, axis=1))
    return np.argsort(power)[::-1][:n] + 1


def circle_coords(E, k, basis=None):
    """Centred E_j projected onto the plane (Re F_k, Im F_k) of `basis` (default E): (p, 2)."""
    F = fourier_features(E if basis is None else basis)[k - 1]
    U = xp.stack([F.real / xp.linalg.norm(F.real), F.imag / xp.linalg.norm(F.imag)], axis=1)
    return M.to_numpy((E - E.mean(axis=0)) @ U)
