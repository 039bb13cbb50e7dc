"""Soak: does memory stay flat while a publisher keeps inventing streams?

Feeds a rules ``Engine`` (the one ``suricate rules run`` runs, with its default
caps) and a desk ``LiveStore`` (default caps) with snapshots of ``--streams``
distinct streams (host ``hN``, 7 sources, 3 aggregations), round after round,
for ``--duration`` seconds. Every stream has ``--keys`` keys; about one value in
ten breaches the threshold rule, so alerts keep firing and resolving on many
streams. ``--hot`` streams get a snapshot in every batch and always breach: they
must never be evicted, and their alerts must stay firing.

Every ``--sample`` seconds the resident set size (RSS, from /proc/self/statm) is
sampled. Reported: peak RSS, and after ``--warmup`` seconds the mean RSS of the
first and of the last half of the samples and the least-squares slope (MB per
hour). Flat means the last half's mean is within 5 % (or 10 MB) of the first's.
Also printed: streams and alerts held, evictions, snapshots per second.

Usage: python bench/soak.py [--duration 3600] [--streams 100000] [--keys 4] [--sample 5] [--warmup 120]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suricate_desktop.rules import Engine, parse_rule
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore

PAGE = os.sysconf("SC_PAGE_SIZE")
SOURCES = [f"src{i}" for i in range(7)]
AGGS = ("calls", "bytes", "latency")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 1e6


def stream_of(i: int) -> tuple[str, str, str]:
    return f"h{i}", SOURCES[i % len(SOURCES)], AGGS[i % len(AGGS)]


def batches(streams: int, keys: int, hot: int, batch: int, seed: int = 0):
    """Endless batches: ``batch`` snapshots of the next streams in turn, plus one of each hot stream."""
    rng = np.random.default_rng(seed)
    names = [[f"k{k}"] for k in range(keys)]
    t0 = 1_764_280_800.0
    i = 0
    seq = 0
    rounds = 0
    while True:
        ts = t0 + rounds + i / streams  # data time moves on through each round
        values = rng.integers(0, 100, size=(batch, keys)).tolist()
        out = []
        for j in range(batch):
            host, source, agg = stream_of((i + j) % streams)
            seq += 1
            out.append(
                Snapshot(
                    host,
                    source,
                    agg,
                    "count",
                    ts,
                    1.0,
                    True,
                    [[names[k], values[j][k]] for k in range(keys)],
                    seq,
                    "soak",
                )
            )
        for h in range(hot):
            seq += 1
            out.append(
                Snapshot(f"hot{h}", "src0", "calls", "count", ts, 1.0, True, [[["k0"], 100]], seq, "soak")
            )
        i += batch
        if i >= streams:
            i -= streams
            rounds += 1
        yield out


def summarise(samples: list[tuple[float, float]], warmup: float) -> dict:
    after = [(t, r) for t, r in samples if t >= warmup] or samples
    half = len(after) // 2
    first = float(np.mean([r for _, r in after[:half]])) if half else after[0][1]
    last = float(np.mean([r for _, r in after[half:]]))
    if len(after) >= 2:
        t = np.array([s[0] for s in after])
        r = np.array([s[1] for s in after])
        slope = float(np.polyfit(t, r, 1)[0]) * 3600.0
    else:
        slope = 0.0
    return {
        "peak_mb": round(max(r for _, r in samples), 1),
        "first_half_mb": round(first, 1),
        "last_half_mb": round(last, 1),
        "slope_mb_per_hour": round(slope, 1),
        "flat": last <= max(first * 1.05, first + 10.0),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=3600.0, help="seconds to run (default: an hour)")
    p.add_argument(
        "--streams", type=int, default=100_000, help="distinct streams fed in turn (default: 100,000)"
    )
    p.add_argument("--keys", type=int, default=4, help="keys per snapshot (default: 4)")
    p.add_argument("--hot", type=int, default=50, help="streams fed in every batch (default: 50)")
    p.add_argument("--batch", type=int, default=500, help="snapshots per batch, as the consumer hands them")
    p.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples (default: 5)")
    p.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="seconds left out of the flatness figures (default: a tenth of the duration, at most 300)",
    )
    p.add_argument("--no-store", action="store_true", help="feed the rules engine only, not a desk LiveStore")
    args = p.parse_args()
    warmup = min(300.0, args.duration / 10) if args.warmup is None else args.warmup

    rules = [
        parse_rule({"name": "busy", "key": "*", "threshold": 90, "for": 0}),
        parse_rule({"name": "climbing", "type": "rate", "key": "k0", "threshold": 80, "for": 0}),
    ]
    engine = Engine(rules, dry_run=True)
    store = None if args.no_store else LiveStore()
    print(
        f"soak: {args.streams:,} streams x {args.keys} keys + {args.hot} hot, {args.duration:g} s, "
        f"rss {rss_mb():.1f} MB at start",
        flush=True,
    )

    samples: list[tuple[float, float]] = []
    start = time.monotonic()
    next_sample = start
    snapshots = 0
    for batch in batches(args.streams, args.keys, args.hot, args.batch):
        engine.ingest(batch)
        if store is not None:
            store.ingest(batch)
        snapshots += len(batch)
        now = time.monotonic()
        if now >= next_sample:
            elapsed = now - start
            samples.append((elapsed, rss_mb()))
            stats = engine.stats()
            line = {
                "t": round(elapsed, 1),
                "rss_mb": round(samples[-1][1], 1),
                "snapshots": snapshots,
                "engine_streams": stats["streams"],
                "evicted_streams": stats["evicted_streams"],
                "alerts": stats["alerts"],
                "evicted_alerts": stats["evicted_alerts"],
                "history": len(engine.history.events()),
            }
            if store is not None:
                s = store.stats()
                line.update(
                    store_streams=s["streams"],
                    store_evicted=s["evicted_streams"],
                    store_mb=round(s["bytes"] / 1e6, 1),
                )
            print(json.dumps(line), flush=True)
            next_sample += args.sample
            if elapsed >= args.duration:
                break

    seconds = time.monotonic() - start
    hot = [(f"hot{h}", "src0", "calls") for h in range(args.hot)]
    kept = {i.stream for i in engine.store.streams()}
    firing = {a.stream for a in engine.alerts("busy") if a.phase == "firing"}
    summary = {
        "summary": True,
        "seconds": round(seconds),
        "snapshots": snapshots,
        "snapshots_per_s": round(snapshots / seconds),
        **summarise(samples, warmup),
        "hot_streams_kept": sum(s in kept for s in hot),
        "hot_alerts_firing": sum(s in firing for s in hot),
        "engine": engine.stats(),
        "store": store.stats() if store is not None else None,
    }
    print(json.dumps(summary), flush=True)
    return 0 if summary["flat"] and summary["hot_streams_kept"] == args.hot else 1


if __name__ == "__main__":
    sys.exit(main())
