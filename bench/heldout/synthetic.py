"""Deterministic synthetic monitoring series with anomalies known by construction.

Why: NAB is one corpus, and a detector tuned on it learns NAB. These series are shaped like
what a monitoring workbench watches (request rates with a daily rhythm, CPU percentages,
latencies with heavy tails, queue depths that fill and drain, memory gauges with a sawtooth)
and carry the changes an operator wants to hear about, at known points:

* ``spike``: one to three points far out;
* ``shift``: the level moves and stays;
* ``variance``: the noise grows several times and stays;
* ``outage``: the value drops to 0 for a while (a dead exporter, a stopped service);
* ``ramp``: a steady climb that stays (a leak, a backlog);
* ``period``: the rhythm changes (a batch job's period, the daily cycle gone or shifted);
* ``stuck``: the value freezes (a stuck collector).

Nuisances that are *not* anomalies are there too: gaps (rows missing, a collector restart),
heavy-tailed noise, integer quantisation, slow trends, weekly dips.

``series(family, seed)`` gives one series: 2,000 to 6,000 points 5 minutes apart (NAB-like
lengths), its anomaly points (row indices), and each one's kind. The same (family, seed)
always gives the same series (numpy's PCG64 seeded with both).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

STEP = 300.0  # seconds between points
DAY = 86400.0
START = np.datetime64("2026-01-05T00:00:00", "s")
FAMILIES = ("requests", "cpu", "gauge", "latency", "queue", "sessions")
KINDS = ("spike", "shift", "variance", "outage", "ramp", "period", "stuck")


@dataclass
class Series:
    name: str
    family: str
    seed: int
    times: np.ndarray  # epoch seconds (float64)
    values: np.ndarray
    anomalies: list[int] = field(default_factory=list)  # row indices, increasing
    kinds: list[str] = field(default_factory=list)

    @property
    def timestamps(self) -> np.ndarray:
        return (START + (self.times - self.times[0]).astype("timedelta64[s]")).astype("datetime64[s]")


def _rng(family: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([zlib.crc32(family.encode()), int(seed)])


def _daily(t: np.ndarray, rng: np.random.Generator, amp: float) -> np.ndarray:
    """A daily rhythm in [-1, 1]-ish: a peak in the working day, a second harmonic, a weekend dip."""
    phase = rng.uniform(0, 2 * np.pi)
    d = t / DAY * 2 * np.pi
    shape = np.sin(d + phase) + 0.35 * np.sin(2 * d + rng.uniform(0, 2 * np.pi))
    weekend = ((t // DAY) % 7 >= 5) * rng.uniform(0.0, 0.4)
    return amp * shape / 1.35 - weekend


def _batch(t: np.ndarray, period: float, duty: float) -> np.ndarray:
    """A periodic job: a sawtooth that builds for ``duty`` of each ``period`` seconds, then drains."""
    ph = (t % period) / period
    return np.where(ph < duty, ph / duty, np.maximum(0.0, 1 - (ph - duty) / (1 - duty) * 4))


def _noise(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    if kind == "gauss":
        return rng.normal(0, 1, n)
    if kind == "student":
        return rng.standard_t(3, n) / np.sqrt(3.0)
    if kind == "ar1":
        e = rng.normal(0, 1, n)
        out = np.empty(n)
        acc = 0.0
        for i in range(n):
            acc = 0.8 * acc + e[i]
            out[i] = acc
        return out / np.sqrt(1 / (1 - 0.64))
    if kind == "laplace":
        return rng.laplace(0, 1 / np.sqrt(2), n)
    raise ValueError(kind)


def _base(
    family: str, t: np.ndarray, rng: np.random.Generator, period: np.ndarray
) -> tuple[np.ndarray, float]:
    """(the clean signal, the noise's scale), for ``family``; ``period`` is the batch period per row."""
    n = len(t)
    if family == "requests":
        level = float(np.exp(rng.uniform(np.log(50), np.log(5000))))
        mean = level * (1 + _daily(t, rng, rng.uniform(0.3, 0.8)))
        return np.maximum(mean, 1.0), 0.0  # Poisson noise, added by the caller
    if family == "sessions":
        level = float(rng.uniform(20, 400))
        trend = np.linspace(0, rng.uniform(-0.2, 0.3), n)
        return np.maximum(level * (1 + trend + _daily(t, rng, rng.uniform(0.2, 0.6))), 1.0), 0.0
    if family == "cpu":
        base = rng.uniform(10, 50)
        return base + base * 0.5 * _daily(t, rng, rng.uniform(0.2, 0.8)), rng.uniform(1.0, 4.0)
    if family == "gauge":  # memory: a slow drift and a GC sawtooth
        level = rng.uniform(500, 4000)
        saw = _phased_batch(t, period, 0.95)
        return level * (1 + 0.05 * saw + np.linspace(0, rng.uniform(0, 0.05), n)), level * rng.uniform(
            0.002, 0.01
        )
    if family == "latency":  # ms: a median with a daily load effect
        med = rng.uniform(5, 200)
        return med * (1 + 0.3 * np.maximum(_daily(t, rng, 0.8), -0.5)), med * rng.uniform(0.05, 0.15)
    if family == "queue":  # depth: a batch job fills it, workers drain it
        peak = rng.uniform(20, 500)
        return peak * _phased_batch(t, period, rng.uniform(0.2, 0.5)), peak * rng.uniform(0.02, 0.06)
    raise ValueError(family)


def _phased_batch(t: np.ndarray, period: np.ndarray, duty: float) -> np.ndarray:
    """``_batch`` whose period may change along the series (the phase is accumulated, so no jump)."""
    phase = np.concatenate([[0.0], np.cumsum(np.diff(t) / period[1:])])
    ph = phase % 1.0
    return np.where(ph < duty, ph / duty, np.maximum(0.0, 1 - (ph - duty) / (1 - duty) * 4))


def series(family: str, seed: int) -> Series:
    """One series of ``family``, the same for the same ``seed``."""
    rng = _rng(family, seed)
    n = int(rng.integers(2000, 6001))
    t = np.arange(n) * STEP + float(rng.integers(0, 288)) * STEP
    k = int(rng.integers(1, 5))
    kinds_ok = [
        x for x in KINDS if not (x == "period" and family not in ("queue", "gauge", "requests", "sessions"))
    ]
    kinds = [str(x) for x in rng.choice(kinds_ok, size=k, replace=True)]
    # anomaly points after the probation (15 %) and at least a tenth of the file apart
    lo, hi = int(0.2 * n), int(0.95 * n)
    slots = np.linspace(lo, hi, k + 1)
    points = [
        int(rng.integers(int(slots[i]), max(int(slots[i]) + 1, int(slots[i + 1] - 0.1 * n))))
        for i in range(k)
    ]
    period = np.full(n, rng.uniform(1.5, 6.0) * 3600.0)
    daily_gone = np.zeros(n, dtype=bool)
    for p, kind in zip(points, kinds, strict=True):
        if kind == "period":
            if family in ("queue", "gauge"):
                period[p:] *= rng.choice([0.4, 0.5, 2.0, 2.5])
            else:
                daily_gone[p:] = True
    clean, sigma = _base(family, t, rng, period)
    if daily_gone.any():  # the daily rhythm stops: the level stays at its mean
        clean = np.where(daily_gone, np.mean(clean[: points[0]]), clean)
    noise_kind = str(rng.choice(["gauss", "student", "ar1", "laplace"]))
    noise = _noise(rng, n, noise_kind)
    poisson = sigma == 0.0
    if poisson:
        sigma = float(np.sqrt(np.mean(clean)))
    nscale = np.ones(n)
    shift = np.zeros(n)
    for p, kind in zip(points, kinds, strict=True):
        size = float(rng.uniform(4, 10)) * sigma * float(rng.choice([-1, 1]) if family != "queue" else 1)
        if kind == "shift":
            shift[p:] += size
        elif kind == "ramp":
            length = int(rng.integers(50, 300))
            shift[p:] += size * np.minimum(1.0, (np.arange(n - p) + 1) / length)
        elif kind == "variance":
            nscale[p:] *= rng.uniform(3, 6)
    if poisson:
        lam = np.maximum(clean + shift, 0.5)
        values = rng.poisson(lam).astype(float)
        values += (nscale - 1) * np.sqrt(lam) * noise
    else:
        values = clean + shift + sigma * nscale * noise
    for p, kind in zip(points, kinds, strict=True):
        if kind == "spike":
            w = int(rng.integers(1, 4))
            values[p : p + w] += (
                float(rng.uniform(8, 20)) * sigma * float(rng.choice([-1, 1]) if family != "latency" else 1)
            )
        elif kind == "outage":
            values[p : p + int(rng.integers(6, 60))] = 0.0
        elif kind == "stuck":
            values[p : p + int(rng.integers(60, 300))] = values[p]
    if family in ("cpu",):
        values = np.clip(values, 0, 100)
    elif family in ("latency", "queue", "gauge"):
        values = np.maximum(values, 0.0)
    if family in ("requests", "sessions", "queue"):
        values = np.round(values)
    # gaps: a few stretches of missing rows (a collector restart), never at an anomaly point
    keep = np.ones(n, dtype=bool)
    for _ in range(int(rng.integers(0, 4))):
        g = int(rng.integers(int(0.16 * n), n - 40))
        if all(abs(g - p) > 60 for p in points):
            keep[g : g + int(rng.integers(3, 30))] = False
    index = np.cumsum(keep) - 1
    rows = [int(index[p]) for p in points]
    return Series(
        name=f"{family}_{seed}",
        family=family,
        seed=seed,
        times=t[keep],
        values=values[keep],
        anomalies=rows,
        kinds=kinds,
    )


def windows(n: int, points: list[int]) -> list[tuple[int, int]]:
    """NAB's label windows: width 10 % of the file over the number of anomalies, centred on each
    point (NAB's labeler), clipped to the file, overlapping ones merged."""
    if not points:
        return []
    width = int(0.1 * n / len(points))
    out: list[tuple[int, int]] = []
    for p in sorted(points):
        b, e = max(0, p - width // 2), min(n - 1, p + width // 2)
        if out and b <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((b, e))
    return out
