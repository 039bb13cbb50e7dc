"""How many keys a second the default detector scores on one core, against bare numpy.

    nice python bench/keys.py [--keys 10000] [--steps 300]

Runs ``CalibratedBank`` (the default detector, ``calibrated``, vectorised over keys) on
``--keys`` keys of synthetic noise for ``--steps`` intervals after a warm-up, and, in the
same run, a bare numpy loop doing the arithmetic of a plain EW mean / EW mean absolute
deviation z-score and six fixed-bin histogram ranks per key (as many tails as ``calibrated``
keeps: the arithmetic that dominates its cost). Reports keys x points per second, microseconds per point per key, and the ratio.
Also the single-key path (``CalibratedDetector.score_one``, what a ``LiveScorer`` with few
keys runs), in microseconds per point.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suricate_desktop.analytics.detectors.calibrated import BINS, CalibratedBank, CalibratedDetector


def bare(x: np.ndarray) -> float:
    """Seconds for the bare numpy baseline over ``x`` (steps x keys)."""
    steps, keys = x.shape
    mean = np.zeros(keys)
    dev = np.ones(keys)
    counts = np.zeros((keys, 6, BINS))
    bins = np.arange(BINS)
    rows = np.arange(keys)[:, None]
    tails = np.arange(6)[None, :]
    t0 = time.process_time()
    for i in range(steps):
        v = x[i]
        z = np.abs(v - mean) / np.maximum(dev, 1e-9)
        z6 = np.repeat(z[:, None], 6, axis=1)
        b = np.minimum(BINS - 1, (np.log10(np.maximum(z6, 1e-3)) * 10 + 30).astype(np.int64))
        above = np.where(bins > b[..., None], counts, 0.0).sum(axis=-1)
        _score = -np.log10((above.min(axis=1) + 1) / (i + 1))
        counts[rows, tails, b] += 1
        mean += 0.05 * (v - mean)
        dev += 0.05 * (np.abs(v - mean) - dev)
    return time.process_time() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=100)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    scales = rng.uniform(0.01, 100, args.keys)
    x = 50 + rng.standard_t(4, (args.warmup + args.steps, args.keys)) * scales
    bank = CalibratedBank(args.keys)
    for i in range(args.warmup):
        bank.step(x[i], 60.0 * i)
    t0 = time.process_time()
    for i in range(args.warmup, args.warmup + args.steps):
        bank.step(x[i], 60.0 * i)
    secs = time.process_time() - t0
    base = bare(x[args.warmup :])
    kp = args.keys * args.steps
    print(f"calibrated bank: {args.keys} keys x {args.steps} intervals on one core (CPU time)")
    print(
        f"  {kp / secs:12,.0f} keys*points/s   {1e6 * secs / kp:7.2f} us/point/key   {args.keys / (secs / args.steps):10,.0f} keys/s at one interval a second"
    )
    print(
        f"bare numpy (EW z-score + six histogram ranks): {kp / base:12,.0f} keys*points/s   {1e6 * base / kp:7.2f} us/point/key"
    )
    print(f"ratio calibrated / bare: {secs / base:.1f}")
    det = CalibratedDetector()
    v = x[:, 0]
    det.score(v[:1000], np.arange(1000) * 60.0)
    t0 = time.process_time()
    for i, xv in enumerate(v[1000:].tolist() if len(v) > 1000 else []):
        det.score_one(xv, 60.0 * (1000 + i))
    n1 = max(len(v) - 1000, 0)
    if n1:
        print(f"single key, score_one: {1e6 * (time.process_time() - t0) / n1:7.1f} us/point")
    else:
        v = 50 + rng.standard_t(4, 3000)
        det.score(v[:1000], np.arange(1000) * 60.0)
        t0 = time.process_time()
        for i, xv in enumerate(v[1000:].tolist()):
            det.score_one(xv, 60.0 * (1000 + i))
        print(f"single key, score_one: {1e6 * (time.process_time() - t0) / 2000:7.1f} us/point")


if __name__ == "__main__":
    main()
