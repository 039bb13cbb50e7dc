"""Detectors that combine several views of a point and report one alarm per incident.

``suricate`` (the first live detector: EWMA and seasonal z-scores) and ``ensemble`` (the same views,
each turned into a ``TailSurprise`` against its own past, so keys share one scale).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, ClassVar

import numpy as np

from .base import LARGEST, Detector, StateArrays, StateMeta, register
from .statistical import LEVEL_REASONS, SEASON_REASONS, EWMAZScore, SeasonalProfile


@register
class SuricateDetector(Detector):
    """The larger of an EWMA and a time-of-day z-score, one alarm per incident (the first live default).

    Two views of each point, from the past only: an EWMA z-score (``halflife`` points) against
    the recent level, and a seasonal z-score against the same time of day (``slots`` per
    ``period``, EW ``alpha``); the point's deviation is the larger of the two. A point is reported
    only when that deviation is a new high over the last ``hold`` points (0 otherwise): a
    sustained deviation is reported once, where it starts, and again only if it grows, one
    alarm per incident rather than one per interval.
    """

    kind = "suricate"
    threshold = 6.0
    softened = True
    reasons = (*LEVEL_REASONS, *SEASON_REASONS)
    defaults: ClassVar[dict[str, Any]] = {
        "halflife": 400.0,
        "hold": 400,
        "seasonal": True,
        "period": 86400.0,
        "slots": 48,
        "alpha": 0.05,
        "min_periods": 20,
        "min_seen": 10,
        "step": 60.0,
    }

    def reset(self) -> None:
        super().reset()
        p = self.params
        self.level = EWMAZScore(halflife=p["halflife"], min_periods=p["min_periods"])
        self.season = SeasonalProfile(
            period=p["period"], slots=p["slots"], alpha=p["alpha"], step=p["step"], min_seen=p["min_seen"]
        )
        self.recent: deque[tuple[int, float]] = (
            deque()
        )  # (index, z), z decreasing: the running max over the last ``hold``

    def deviation(self, x: float, t: float | None) -> float:
        """The point's deviation before suppression."""
        z = self.level._score(x, t)
        self.why = self.level.why
        if self.params["seasonal"]:
            zs = self.season._score(x, t)
            if zs > z:
                z, self.why = zs, len(LEVEL_REASONS) + self.season.why
        if not z > 0.0:
            self.why = -1
        return z

    def forget_alarms(self) -> None:
        self.recent.clear()

    def _expire(self) -> None:
        recent, i = self.recent, self.n
        while recent and recent[0][0] <= i - self.params["hold"]:
            recent.popleft()

    def _score(self, x: float, t: float | None) -> float:
        z = self.deviation(x, t)
        self._expire()
        return z if (not self.recent or z > self.recent[0][1]) else 0.0

    def _learn(self, x: float, t: float | None) -> None:
        z = self.deviation(x, t)
        self._expire()
        recent = self.recent
        while recent and recent[-1][1] <= z:
            recent.pop()
        recent.append((self.n, z))
        self.level._learn(x, t)
        if self.params["seasonal"]:
            self.season._learn(x, t)
        self.n += 1

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        lm, _ = self.level.get_state()
        sm, sa = self.season.get_state()
        r = np.array(self.recent, dtype=np.float64).reshape(-1, 2)
        return (
            {"n": self.n, "level": lm, "season": sm},
            {"recent": r, **{f"season_{k}": v for k, v in sa.items()}},
        )

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.n = int(meta["n"])
        self.level.set_state(meta["level"], {})
        self.season.set_state(
            meta["season"], {k[7:]: v for k, v in arrays.items() if k.startswith("season_")}
        )
        self.recent = deque((int(i), float(z)) for i, z in arrays["recent"])


class TailSurprise:
    """How rare a deviation is in its own history: ``-log10`` of the share of past deviations at
    least as large (``(count + 1) / (n + 1)``, so the largest yet after ``n`` points scores about
    ``log10(n)``, plus ``log10`` of how many times the largest so far a new record is).

    Why: a z-score of 6 is routine on a spiky key and extraordinary on a smooth one; one alarm
    threshold across keys only works on a scale that every key shares, and the rank of a
    deviation among the key's own past ones is such a scale. The past is kept as counts in
    ``bins`` log-spaced bins over ``[lo, hi]`` (O(1) memory; a deviation shares its bin with
    half the weight), so a key's surprise costs the same on day 1 and day 30.
    """

    def __init__(self, bins: int = 1200, lo: float = 1e-3, hi: float = 1e6):
        self.bins, self.lo, self.hi = int(bins), float(lo), float(hi)
        self._per_decade = self.bins / math.log10(self.hi / self.lo)
        self.counts = np.zeros(self.bins + 1, dtype=np.int64)  # bin 0: below lo (and 0)
        self.n = 0
        self.top = 0.0  # the largest deviation yet

    def _bin(self, z: float) -> int:
        if not z > self.lo:
            return 0
        return min(self.bins, 1 + int(math.log10(z / self.lo) * self._per_decade))

    def surprise(self, z: float) -> float:
        if self.n == 0:
            return 0.0
        b = self._bin(z)
        above = float(self.counts[b + 1 :].sum()) + 0.5 * float(self.counts[b])
        s = -math.log10((above + 1.0) / (self.n + 1.0))
        if z > self.top > 0.0:
            s += math.log10(z / self.top)  # past every one seen: how far past counts too
        return s

    def add(self, z: float) -> None:
        self.counts[self._bin(z)] += 1
        self.n += 1
        if z > self.top:
            self.top = z


@register
class EnsembleDetector(Detector):
    """Cheap views of each point, each turned into a surprise, the largest one kept, suppressed.

    The views, from the past only: the seasonal z-score (the point against the same time of
    day, ``slots`` per ``period``, EW ``alpha``: level, daily pattern, and a pattern that stops)
    and the EWMA z-score of the point's change from the previous one (``halflife`` points:
    spikes, jumps and a noise that changes character). Each view's deviation becomes a
    ``TailSurprise`` against that view's own past deviations (``warmup`` points before any
    score), so spiky and smooth keys share one scale; the point's surprise is the larger of the
    two (the change's divided by ``change_weight``, 1 here: ``sequence`` leans less on it, its
    contexts see changes too). With ``top_weight`` (0 here; ``sequence`` uses 0.5) a view's surprise
    is lowered by ``top_weight * log10(top / z)`` when its deviation ``z`` is below ``top``, the
    largest that view has seen after its first ``top_warmup`` points: on a key whose spikes are
    routine (tweet volumes) a spike half the size of the key's largest is, for an operator, less
    news than its rank among all points says. As ``suricate`` does, a point is reported only when
    its surprise is a new high over the last ``hold`` points (0 otherwise): one alarm per incident,
    where it starts.

    On the NAB corpus: 56.4 standard / 43.2 low-FP / 62.6 low-FN (docs/PERFORMANCE.md).
    """

    kind = "ensemble"
    threshold = 2.5
    reasons = (*SEASON_REASONS, "jumped up", "dropped")
    resumes = True
    defaults: ClassVar[dict[str, Any]] = {
        "halflife": 400.0,
        "hold": 400,
        "period": 86400.0,
        "slots": 48,
        "alpha": 0.05,
        "min_periods": 20,
        "min_seen": 3,
        "warmup": 50,
        "step": 60.0,
        "change_weight": 1.0,
        "top_weight": 0.0,
        "top_warmup": 200,
    }

    def reset(self) -> None:
        super().reset()
        p = self.params
        # a slot's deviation ranked from its third point on: a rank, not a z-score, is the alarm here, so
        # a new key has no early alarms to cure (waiting for 10 points, as ``seasonal`` does, scored 3.3
        # lower on TUNE and 0.4 on NAB)
        self.season = SeasonalProfile(
            period=p["period"], slots=p["slots"], alpha=p["alpha"], step=p["step"], min_seen=p["min_seen"]
        )
        # EW weights from the first point (``warm`` off): the change scale grows from 0, so a key's first
        # changes fill the top of their tails and later ones must beat them. The surprise is a rank, so a
        # new key does not alarm for it; with plain averages here NAB fell from 56.4 to 49.6 (TUNE: 41.6
        # and 41.3), docs/PERFORMANCE.md
        self.change = EWMAZScore(halflife=p["halflife"], min_periods=p["min_periods"], warm=False)
        self.season_tail = TailSurprise()
        self.change_tail = TailSurprise()
        self.prev = math.nan
        self.top = [0.0, 0.0]  # the largest seasonal and change deviations after ``top_warmup`` points
        self.recent: deque[tuple[int, float]] = (
            deque()
        )  # (index, surprise), surprise decreasing: the running max over ``hold``
        # (x, t, z_season, z_change, surprise) of the point just scored
        self._last: tuple[float, float | None, float, float, float] | None = None

    def _views(self, x: float, t: float | None) -> tuple[float, float, float]:
        if self._last is not None and self._last[0] == x and self._last[1] == t:
            return self._last[2:]  # ``why`` as set when they were computed
        zs = self.season._score(x, t)
        zc = 0.0 if math.isnan(self.prev) else self.change._score(x - self.prev, t)
        s = 0.0
        if self.n >= self.params["warmup"]:
            ss, sc = self.season_tail.surprise(zs), self.change_tail.surprise(zc)
            a = self.params["top_weight"]
            if a:
                ss -= a * _below_top(zs, self.top[0])
                sc -= a * _below_top(zc, self.top[1])
            s = max(0.0, ss, sc / self.params["change_weight"])
        self.why = -1 if not s > 0.0 else self.season.why if ss >= s else 2 + int(x < self.prev)
        self._last = (x, t, zs, zc, s)
        return zs, zc, s

    def forget_alarms(self) -> None:
        self.recent.clear()

    def resume(self, x: float, t: float | None = None) -> float:
        """The first value after a gap has no previous value to step from: its change view is off (the step
        from where the key stood at the save is not one; judged so, a rule started on an empty store
        alerted at once on a key with a rhythm on more than half the starts)."""
        self.prev = math.nan
        self._last = None
        season, k = self.season, self.season._slot(t)
        if season.seen[k] and x == x:
            season.mean[k] = min(max(float(x), -LARGEST), LARGEST)
        return super().resume(x, t)

    def _expire(self) -> None:
        recent, i = self.recent, self.n
        while recent and recent[0][0] <= i - self.params["hold"]:
            recent.popleft()

    def _score(self, x: float, t: float | None) -> float:
        s = self._views(x, t)[2]
        self._expire()
        return s if (not self.recent or s > self.recent[0][1]) else 0.0

    def _learn(self, x: float, t: float | None) -> None:
        zs, zc, s = self._views(x, t)
        self._last = None
        self._expire()
        recent = self.recent
        while recent and recent[-1][1] <= s:
            recent.pop()
        recent.append((self.n, s))
        self.season_tail.add(zs)
        if self.n >= self.params["top_warmup"]:
            self.top = [max(self.top[0], float(zs)), max(self.top[1], float(zc))]
        self.season._learn(x, t)
        if not math.isnan(self.prev):
            self.change_tail.add(zc)
            self.change._learn(x - self.prev, t)
        self.prev = x
        self.n += 1

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        sm, sa = self.season.get_state()
        cm, _ = self.change.get_state()
        return (
            {
                "n": self.n,
                "prev": None if math.isnan(self.prev) else self.prev,
                "season": sm,
                "change": cm,
                "season_tail_n": self.season_tail.n,
                "change_tail_n": self.change_tail.n,
                "season_tail_top": self.season_tail.top,
                "change_tail_top": self.change_tail.top,
                "top": self.top,
            },
            {
                "recent": np.array(self.recent, dtype=np.float64).reshape(-1, 2),
                "season_tail": self.season_tail.counts,
                "change_tail": self.change_tail.counts,
                **{f"season_{k}": v for k, v in sa.items()},
            },
        )

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.reset()
        self.n = int(meta["n"])
        self.prev = math.nan if meta.get("prev") is None else float(meta["prev"])
        self.season.set_state(
            meta["season"],
            {k[7:]: v for k, v in arrays.items() if k.startswith("season_") and k != "season_tail"},
        )
        self.change.set_state(meta["change"], {})
        for name in ("season_tail", "change_tail"):
            tail = getattr(self, name)
            counts = np.asarray(arrays[name], dtype=np.int64)
            if counts.shape != tail.counts.shape:
                raise ValueError(f"{name}: {counts.shape[0]} bins, expected {tail.counts.shape[0]}")
            tail.counts = counts.copy()
            tail.n = int(meta[f"{name}_n"])
            tail.top = float(meta[f"{name}_top"])
        self.top = [float(z) for z in meta.get("top", (0.0, 0.0))]  # models saved before it: learnt afresh
        self.recent = deque((int(i), float(z)) for i, z in arrays["recent"])


def _below_top(z: float, top: float) -> float:
    """log10 of how many times ``z`` goes into ``top`` (0 at or above it, or before any top)."""
    if top <= 0.0 or z >= top:
        return 0.0
    return math.log10(top / max(z, 1e-9))
