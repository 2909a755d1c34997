"""The plain reference for the rating benchmark: the public arena's Bradley-Terry code path.

Fits the same aggregated counts the Rust benchmark wrote (`*_counts.json`, arena-core's
`BattleCounts`) the way the public arena's `fit_bt` / `compute_bootstrap_bt` do: one row per
unique (model_a, model_b, outcome) with its count as weight, scipy L-BFGS-B (gtol 1e-6,
100 iterations at most), multinomial bootstrap of those weights with numpy, rounds spread over
a process pool of all cores. Times the fit and the bootstrap apart, checks that both engines
agree on the ratings, and prints the Rust/reference time ratios.

usage: python3 bench/reference_bt.py OUT_DIR [ROUNDS]
  OUT_DIR holds rating_bench's JSON files and its printed output as rust.txt.
"""

import json
import math
import multiprocessing as mp
import os
import sys
import time
from functools import partial

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

OUTCOME = {"a": 1.0, "b": 0.0, "tie": 0.5, "both_bad": 0.5}


def load_counts(path):
    rows = json.load(open(path))["rows"]
    models = sorted({r["model_a"] for r in rows} | {r["model_b"] for r in rows})
    index = {m: i for i, m in enumerate(models)}
    cells = {}
    for r in rows:
        if r["model_a"] == r["model_b"]:
            continue
        key = (index[r["model_a"]], index[r["model_b"]], OUTCOME[r["choice"]])
        cells[key] = cells.get(key, 0) + r["count"]
    keys = sorted(cells)
    matchups = np.array([[a, b] for a, b, _ in keys], dtype=np.int64)
    outcomes = np.array([o for _, _, o in keys], dtype=np.float64)
    weights = np.array([cells[k] for k in keys], dtype=np.float64)
    return models, matchups, outcomes, weights


def bt_loss_and_grad(ratings, matchups, outcomes, weights, alpha):
    logits = alpha * (ratings[matchups[:, 0]] - ratings[matchups[:, 1]])
    probs = expit(logits)
    loss = -(
        (np.log(probs) * outcomes + np.log(1.0 - probs) * (1.0 - outcomes)) * weights
    ).sum()
    g = -alpha * (outcomes - probs) * weights
    grad = np.zeros_like(ratings)
    np.add.at(grad, matchups[:, 0], g)
    np.add.at(grad, matchups[:, 1], -g)
    return loss, grad


def fit_bt(matchups, outcomes, weights, n_models, alpha=math.log(10.0), tol=1e-6):
    result = minimize(
        fun=bt_loss_and_grad,
        x0=np.zeros(n_models),
        args=(matchups, outcomes, weights, alpha),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 100, "gtol": tol},
    )
    return result["x"]


def centred(ratings):
    scaled = 400.0 * ratings
    return scaled - scaled.mean() + 1000.0


def run(name, out_dir, rounds, pool):
    """Fits and bootstraps one data set; returns {stage: seconds}."""
    counts = os.path.join(out_dir, f"{name}_counts.json")
    if not os.path.exists(counts):
        print(f"{name}: skipped (no {counts})")
        return {}
    models, matchups, outcomes, weights = load_counts(counts)
    n = weights.sum()

    started = time.perf_counter()
    point = fit_bt(matchups, outcomes, weights / n, len(models))
    fit_s = time.perf_counter() - started

    started = time.perf_counter()
    rng = np.random.default_rng(seed=0)
    boot = rng.multinomial(n=int(n), pvals=weights / n, size=rounds) / n
    fn = partial(fit_bt, matchups, outcomes, n_models=len(models))
    samples = np.array(pool.map(fn, boot))
    boot_s = time.perf_counter() - started

    table = json.load(open(os.path.join(out_dir, f"{name}_table.json")))["models"]
    ours = {m["id"]: m["rating"] for m in table}
    our_width = float(np.mean([m["ci_high"] - m["ci_low"] for m in table]))
    theirs = centred(point)
    mean_ours = np.mean([ours[m] for m in models])
    gap = max(abs(ours[m] - mean_ours + 1000.0 - t) for m, t in zip(models, theirs))
    low, high = np.percentile(np.apply_along_axis(centred, 1, samples), [2.5, 97.5], axis=0)
    width = float(np.mean(high - low))

    print(f"{name}: {len(models)} models, {len(weights)} weighted rows, {int(n)} battles, {rounds} rounds")
    print(f"REFERENCE {name}.fit {fit_s:.4f}")
    print(f"REFERENCE {name}.bootstrap {boot_s:.4f}")
    print(f"REFERENCE {name}.fit_plus_bootstrap {fit_s + boot_s:.4f}")
    print(f"{name}: largest rating difference Rust vs reference {gap:.3f} points; "
          f"mean 95% interval width {our_width:.2f} (Rust) vs {width:.2f} (reference) points")
    return {"fit": fit_s, "bootstrap": boot_s, "fit_plus_bootstrap": fit_s + boot_s}


def read_rust(out_dir):
    times = {}
    for line in open(os.path.join(out_dir, "rust.txt")):
        parts = line.split()
        if len(parts) == 3 and parts[0] == "BENCH":
            times[parts[1]] = float(parts[2])
    return times


def main():
    out_dir = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    print(f"reference: numpy {np.__version__}, scipy L-BFGS-B, {os.cpu_count()} processes")
    rust = read_rust(out_dir)
    with mp.Pool(os.cpu_count()) as pool:
        for name in ("synthetic", "ko_arena_hard"):
            for stage, seconds in run(name, out_dir, rounds, pool).items():
                ours = rust.get(f"{name}.{stage}")
                if ours:
                    print(f"RATIO {name}.{stage} reference {seconds:.3f} s / Rust {ours:.3f} s "
                          f"= {seconds / ours:.1f}x")


if __name__ == "__main__":
    main()
