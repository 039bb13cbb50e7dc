"""Run the built-in detectors streaming over a NAB-layout corpus and score them as NAB does.

    python bench/nab.py [CORPUS] [--jobs N] [--detectors a,b] [--windows labels/combined_windows.json]

Each file is scored from an empty detector, point by point from the past only (the
detectors' ``score`` is the streaming loop, vectorised where it gives the same results).
Prints the standard / reward_low_FP_rate / reward_low_FN_rate scores, each with its own
corpus-wide optimised threshold, and the cost per point.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's package, whatever is installed

from suricate_desktop.analytics import nab
from suricate_desktop.analytics.detectors import DETECTORS

#: NAB v1.1 in the project's shared material beside the checkout (../shared/nab); NAB_CORPUS or the
#: argument names another.
DEFAULT_CORPUS = os.environ.get(
    "NAB_CORPUS", str(Path(__file__).resolve().parents[1].parent / "shared" / "nab")
)
BUILTIN = [
    "calibrated",
    "zscore",
    "ewma",
    "seasonal",
    "iforest",
    "kmeans",
    "suricate",
    "ensemble",
    "contexts",
    "sequence",
    "resonance",
]


def _run_one(args):
    kind, name, ts, values = args
    times = ts.astype("datetime64[s]").astype(np.float64)
    t0 = time.perf_counter()
    scores = nab.score_series(kind, values, times)
    return kind, name, scores, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--detectors", default=",".join(BUILTIN))
    ap.add_argument("--windows", default="labels/combined_windows.json")
    ap.add_argument(
        "--live-cost",
        action="store_true",
        help="also time score_one (the live path: one key, one interval at a time)",
    )
    args = ap.parse_args(argv)
    corpus = nab.load_corpus(args.corpus, args.windows)
    kinds = [k for k in args.detectors.split(",") if k]
    tasks = [(k, name, ts, values) for k in kinds for name, ts, values, _ in corpus]
    results: dict[str, dict[str, tuple]] = {k: {} for k in kinds}
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            done = list(pool.map(_run_one, tasks, chunksize=1))
    else:
        done = map(_run_one, tasks)
    for kind, name, scores, secs in done:
        results[kind][name] = (scores, secs)
    points = sum(len(v) for _, _, v, _ in corpus)
    print(
        f"corpus {args.corpus}: {len(corpus)} files, {points} points, "
        f"{sum(len(labels.windows) for *_, labels in corpus)} windows"
    )
    print(f"{'detector':<12} {'standard':>9} {'low_FP':>9} {'low_FN':>9}  {'us/point':>9}")
    layouts = [labels for *_, labels in corpus]
    for kind in kinds:
        scores = [results[kind][name][0] for name, *_ in corpus]
        secs = sum(results[kind][name][1] for name, *_ in corpus)
        res = nab.score_corpus(layouts, scores)
        print(
            f"{kind:<12} {res['standard']['score']:9.1f} {res['reward_low_FP_rate']['score']:9.1f} "
            f"{res['reward_low_FN_rate']['score']:9.1f}  {1e6 * secs / points:9.1f}"
        )
        sys.stdout.flush()
    if args.live_cost:
        print("\nlive path, one key one interval at a time (score_one after fit on 2000 points):")
        for kind, us in live_cost(kinds).items():
            print(f"{kind:<12} {us:9.1f} us per key per interval")


def live_cost(kinds, n_fit=2000, n=3000, seed=0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    x = 10 + np.sin(np.arange(n_fit + n) / 50) + rng.normal(0, 0.2, n_fit + n)
    t = np.arange(n_fit + n) * 60.0
    out = {}
    for kind in kinds:
        det = DETECTORS[kind]()
        det.score(x[:n_fit], t[:n_fit])
        score_one = det.score_one
        t0 = time.perf_counter()
        for v, ts in zip(x[n_fit:].tolist(), t[n_fit:].tolist(), strict=False):
            score_one(v, ts)
        out[kind] = 1e6 * (time.perf_counter() - t0) / n
    return out


if __name__ == "__main__":
    main()
