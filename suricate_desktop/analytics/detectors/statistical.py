"""Detectors on running statistics of one key: rolling robust z-score, EWMA z-score, seasonal profile.

They learn in O(1) or O(log window) per point and are the building blocks of the composite
detectors (``composite``).
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from .base import (
    Detector,
    FloatArray,
    StateArrays,
    StateMeta,
    Times,
    measurable,
    register,
    scale_floor,
    soften_all,
)

#: What made a point unusual for a detector of the level (``ewma``) and of the time of day (``seasonal``), by
#: the side it fell on; the composite detectors (``suricate``, ``ensemble``) name theirs from these.
LEVEL_REASONS = ("far above its level", "far below its level")
SEASON_REASONS = ("high for the time of day", "low for the time of day")
#: ... and of the recent window (``zscore``), which has a median rather than a level
RECENT_REASONS = ("far above its recent values", "far below its recent values")


@register
class RollingZScore(Detector):
    """Robust z-score against the last ``window`` points: |x - median| / scale, the scale being the
    larger of IQR / 1.349 and (P95 - P5) / 3.29 (both the normal sigma; the second keeps a stream
    that is mostly constant, IQR 0, from scoring every small move as infinite)."""

    kind = "zscore"
    threshold = 4.0
    softened = True
    reasons = RECENT_REASONS
    defaults: ClassVar[dict[str, Any]] = {"window": 240, "min_periods": 20}

    def reset(self) -> None:
        super().reset()
        self.buf: deque[float] = deque(maxlen=int(self.params["window"]))
        self.sorted: list[float] = []  # the window's values in order, for quantiles without a sort per point

    @staticmethod
    def _quantile(v: list[float], q: float) -> float:
        pos = q * (len(v) - 1)  # linear interpolation, as numpy and pandas do
        lo = int(pos)
        hi = min(lo + 1, len(v) - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - lo)

    def _score(self, x: float, t: float | None) -> float:
        v = self.sorted
        if len(v) < self.params["min_periods"]:
            self.why = -1
            return 0.0
        q = self._quantile
        med = q(v, 0.5)
        scale = max((q(v, 0.75) - q(v, 0.25)) / 1.349, (q(v, 0.95) - q(v, 0.05)) / 3.29, scale_floor(med))
        self.why = -1 if x == med else int(x < med)
        return abs(x - med) / scale

    def _learn(self, x: float, t: float | None) -> None:
        self.n += 1
        if len(self.buf) == self.buf.maxlen:
            del self.sorted[bisect.bisect_left(self.sorted, self.buf[0])]
        self.buf.append(x)
        bisect.insort(self.sorted, x)

    def score(self, values: npt.ArrayLike, times: Times = None, learn: bool = True) -> FloatArray:
        if not learn:
            return super().score(values, times, learn)
        import pandas as pd

        given = measurable(values)
        present = ~np.isnan(given)
        v = given[present]  # a missing value is neither scored nor learnt: the window holds the last values
        hist = np.fromiter(self.buf, float, len(self.buf))
        full = pd.Series(np.concatenate([hist, v]))
        w, mp = int(self.params["window"]), int(self.params["min_periods"])
        past = full.shift(1).rolling(w, min_periods=mp)
        med = past.median().to_numpy()
        iqr = (past.quantile(0.75) - past.quantile(0.25)).to_numpy()
        wide = (past.quantile(0.95) - past.quantile(0.05)).to_numpy()
        scale = np.maximum(np.maximum(iqr / 1.349, wide / 3.29), 1e-3 * np.abs(med) + 1e-9)
        z = np.abs(full.to_numpy() - med) / scale
        z = np.where(np.isnan(z), 0.0, z)[len(hist) :]
        for x in v.tolist():
            self._learn(x, None)
        out = np.zeros(len(given))
        out[present] = soften_all(z)
        return out

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        return {"n": self.n}, {"buf": np.fromiter(self.buf, float, len(self.buf))}

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.n = int(meta["n"])
        self.buf = deque(arrays["buf"].tolist(), maxlen=int(self.params["window"]))
        self.sorted = sorted(self.buf)


@register
class EWMAZScore(Detector):
    """|x - mean| / std with exponentially weighted mean and variance (half-life in points).

    ``warm``: a new key starts from the plain mean and variance of its first points (the default).
    Off, the variance grows from 0 with the EW weights alone, and a key's first deviations come out
    large for several half-lives: only for a view whose deviations are ranked among their own past
    (``ensemble``'s change view), never for a z-score that is itself the alarm."""

    kind = "ewma"
    threshold = 4.0
    softened = True
    reasons = LEVEL_REASONS
    defaults: ClassVar[dict[str, Any]] = {"halflife": 60.0, "min_periods": 20, "warm": True}

    def reset(self) -> None:
        super().reset()
        self.mean = 0.0
        self.var = 0.0

    @property
    def alpha(self) -> float:
        return float(1.0 - 0.5 ** (1.0 / self.params["halflife"]))

    def _score(self, x: float, t: float | None) -> float:
        if self.n < self.params["min_periods"]:
            self.why = -1
            return 0.0
        scale = max(math.sqrt(self.var), scale_floor(self.mean))
        self.why = int(x < self.mean)
        return abs(x - self.mean) / scale

    def _learn(self, x: float, t: float | None) -> None:
        # While fewer than about 1.4 half-lives of points are in, the weights are 1 / (n + 1): the
        # plain mean and variance of the points so far. Plain EW weights from a variance of 0 would
        # hold only n * alpha of the spread after n points (a fifth of the deviation after 20
        # points at a half-life of 400), and every new key would start with a burst of alarms.
        a = max(self.alpha, 1.0 / (self.n + 1)) if self.params["warm"] else (self.alpha if self.n else 1.0)
        d = x - self.mean
        self.mean += a * d
        self.var = (1 - a) * (self.var + a * d * d)
        self.n += 1

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        return {"n": self.n, "mean": self.mean, "var": self.var}, {}

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.n, self.mean, self.var = int(meta["n"]), float(meta["mean"]), float(meta["var"])


@register
class SeasonalProfile(Detector):
    """Per time-of-day (and optionally day-of-week) slot: EW mean and mean absolute deviation.

    ``period``: seconds of the cycle (86400 daily, 604800 weekly); ``slots`` per cycle.
    Without timestamps points are taken ``step`` seconds apart. A slot scores once it has seen
    ``min_seen`` points: a deviation averaged over two or three of them is as often too small as
    not, and its z-scores then pass any threshold on plain noise (with 3, 6 to 12 of 50 new keys
    of noise alarmed in their first 100 points; with 10, none; NAB and TUNE within half a point).
    """

    kind = "seasonal"
    threshold = 5.0
    softened = True
    reasons = SEASON_REASONS
    defaults: ClassVar[dict[str, Any]] = {
        "period": 86400.0,
        "slots": 48,
        "alpha": 0.1,
        "min_seen": 10,
        "step": 1.0,
    }

    def reset(self) -> None:
        super().reset()
        k = int(self.params["slots"])
        self.mean = np.zeros(k)
        self.dev = np.zeros(k)
        self.seen = np.zeros(k, dtype=np.int64)

    def _slot(self, t: float | None) -> int:
        if t is None:
            t = self.n * self.params["step"]
        return int((t % self.params["period"]) / self.params["period"] * self.params["slots"]) % int(
            self.params["slots"]
        )

    def _score(self, x: float, t: float | None) -> float:
        k = self._slot(t)
        if self.seen[k] < self.params["min_seen"]:
            self.why = -1
            return 0.0
        scale = max(1.2533 * self.dev[k], scale_floor(self.mean[k]))
        self.why = int(x < self.mean[k])
        return float(abs(x - self.mean[k]) / scale)

    def _learn(self, x: float, t: float | None) -> None:
        k = self._slot(t)
        if self.seen[k] == 0:
            self.mean[k], self.dev[k] = x, 0.0
        else:
            # plain averages until the EW weight is the larger: the mean has seen ``seen`` points,
            # the deviation one fewer (it starts at the second)
            alpha, seen = self.params["alpha"], self.seen[k]
            self.dev[k] += max(alpha, 1.0 / seen) * (abs(x - self.mean[k]) - self.dev[k])
            self.mean[k] += max(alpha, 1.0 / (seen + 1)) * (x - self.mean[k])
        self.seen[k] += 1
        self.n += 1

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        return {"n": self.n}, {"mean": self.mean, "dev": self.dev, "seen": self.seen}

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.n = int(meta["n"])
        self.mean, self.dev, self.seen = (np.array(arrays[k]) for k in ("mean", "dev", "seen"))
