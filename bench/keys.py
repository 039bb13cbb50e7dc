"""How many keys a second the default detector scores on one core, against bare numpy.

    nice python bench/keys.py [--keys 10000] [--steps 300]

Runs ``CalibratedBank`` (the default detector, ``calibrated``, vectorised over keys) on
``--keys`` keys of synthetic noise for ``--steps`` intervals after a warm-up, and, in the
same run, a bare numpy loop doing the arithmetic of a plain EW mean / EW mean absolute
deviation z-score and seven fixed-bin histogram ranks per key (as many tails as ``calibrated``
keeps: the arithmetic that dominates its cost). Reports keys x points per second, microseconds per point per key, and the ratio.
Also the single-key path (``CalibratedDetector.score_one``, what a ``LiveScorer`` with few
keys runs), in microseconds per point; and the product's own paths for ``--wide`` keys (a D
aggregation's processes), each against the loop over keys it replaces: a live model's poll
(``LiveScorer``), the Learn dialog's training (``training.train``) and a rule over the saved model
(``ModelScorer``, a ``score`` rule's evaluation), all scoring the keys together from ``BANK_KEYS`` keys on.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suricate_desktop.analytics import training
from suricate_desktop.analytics.detectors import calibrated
from suricate_desktop.analytics.detectors.calibrated import BINS, VIEWS, CalibratedBank, CalibratedDetector
from suricate_desktop.analytics.live import LiveScorer
from suricate_desktop.rules.scoring import CATCH_UP, ModelScorer
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore

TAILS = len(VIEWS) + 1  # the views' tails and the final one


def bare(x: np.ndarray) -> float:
    """Seconds for the bare numpy baseline over ``x`` (steps x keys)."""
    steps, keys = x.shape
    mean = np.zeros(keys)
    dev = np.ones(keys)
    counts = np.zeros((keys, TAILS, BINS))
    bins = np.arange(BINS)
    rows = np.arange(keys)[:, None]
    tails = np.arange(TAILS)[None, :]
    t0 = time.process_time()
    for i in range(steps):
        v = x[i]
        z = np.abs(v - mean) / np.maximum(dev, 1e-9)
        zt = np.repeat(z[:, None], TAILS, axis=1)
        b = np.minimum(BINS - 1, (np.log10(np.maximum(zt, 1e-3)) * 10 + 30).astype(np.int64))
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
    ap.add_argument("--wide", type=int, default=1000, help="keys of the live and training paths")
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
        f"bare numpy (EW z-score + {TAILS} histogram ranks): {kp / base:12,.0f} keys*points/s   {1e6 * base / kp:7.2f} us/point/key"
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

    product_paths(args.wide)


def product_paths(keys: int, rows: int = 600, polls: int = 60) -> None:
    """CPU seconds of a live poll (one interval) and of training, keys together and one by one."""
    rng = np.random.default_rng(1)
    x = 50 + rng.standard_t(4, (rows + polls, keys)) * rng.uniform(0.1, 10, keys)
    names = [f"k{i}" for i in range(keys)]

    def snaps(a: int, b: int) -> list[Snapshot]:
        return [
            Snapshot(
                "h",
                "s",
                "a",
                "count",
                float(i),
                1.0,
                True,
                [[[k], float(v)] for k, v in zip(names, x[i], strict=True)],
            )
            for i in range(a, b)
        ]

    def timed(bank_keys: int) -> tuple[float, float]:
        calibrated.BANK_KEYS = bank_keys
        data = training.TrainingData(np.arange(rows, dtype=float), x[:rows], [(k,) for k in names])
        t0 = time.process_time()
        training.train(data, CalibratedDetector())
        train_s = time.process_time() - t0
        store = LiveStore(capacity=rows + polls + 10)
        store(snaps(0, rows))
        scorer = LiveScorer(store, ("h", "s", "a"), CalibratedDetector()).fit()
        model = SimpleNamespace(
            meta=SimpleNamespace(
                streams=[["h", "s", "a"]], keys=[[k] for k in names], key_streams=[], policy=None
            ),
            detectors=[scorer.detectors[(k,)] for k in names],
        )
        poll_s = 0.0
        for i in range(rows, rows + polls):
            store(snaps(i, i + 1))
            t0 = time.process_time()
            scorer.poll()
            poll_s += time.process_time() - t0
        # a rule over the saved model (``ModelScorer``): each interval its newest row, 30 rows of history; timed
        # after the copies' catch-up
        rule = ModelScorer(model)
        times, rule_s = np.arange(rows + polls, dtype=float), 0.0
        for i in range(rows - CATCH_UP - 10, rows + polls):
            t0 = time.process_time()
            rule.score_last(times[i - 30 : i + 1], x[i - 30 : i + 1], stream=("h", "s", "a"), keys=names)
            rule_s += (time.process_time() - t0) if i >= rows else 0.0
        return train_s, poll_s / polls, rule_s / polls

    shipped = calibrated.BANK_KEYS
    (train_t, poll_t, rule_t), (train_1, poll_1, rule_1) = timed(shipped), timed(10**9)
    calibrated.BANK_KEYS = shipped
    print(f"{keys} keys, the product's paths (keys together / one by one):")
    print(
        f"  live poll, one interval: {1e3 * poll_t:7.1f} ms / {1e3 * poll_1:7.1f} ms   ratio {poll_1 / poll_t:.1f}"
    )
    print(
        f"  training on {rows} intervals: {train_t:7.2f} s / {train_1:7.2f} s   ratio {train_1 / train_t:.1f}"
    )
    print(
        f"  a rule over the model, one interval: {1e3 * rule_t:7.1f} ms / {1e3 * rule_1:7.1f} ms   "
        f"ratio {rule_1 / rule_t:.1f}"
    )


if __name__ == "__main__":
    main()
