"""Streaming anomaly detectors: every point is scored from the past only, then learnt.

Each detector is univariate (one key of a stream); ``LiveScorer`` keeps one per key.
The common API:

* ``fit(values, times=None)``: forget everything, learn from a history;
* ``score_one(x, t=None, learn=True)``: the score of ``x`` given the past, then (by default)
  learn ``x`` (the update policy: running statistics update, windowed models refit every
  ``refit_every`` points on the last ``train_size``);
* ``partial_fit(values, times=None)`` / ``update(x, t)``: learn without scoring (e.g. a span
  marked "expected");
* ``score(values, times=None, learn=True)``: ``[score_one(v) for v in values]``, vectorised
  where the detector can do it with the same results;
* ``get_state()`` / ``set_state(params, arrays)``: plain JSON and numpy arrays, for the
  registry (no pickle).

Scores are non-negative; larger is more anomalous; ``threshold`` is the detector's default alarm
level on its own scale.
"""

from __future__ import annotations

import bisect
import math
from collections import deque

import numpy as np

DETECTORS: dict[str, type] = {}


def register(cls):
    DETECTORS[cls.kind] = cls
    return cls


class Detector:
    kind = "base"
    threshold = 1.0
    defaults: dict = {}
    #: True where a score is made of a run of points (``resonance``): a frozen model then scores a run
    #: (``score(values, learn=False)``) and reports at most every ``step_points`` points
    scores_runs = False

    def __init__(self, **params):
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown parameters {sorted(unknown)}")
        self.params = {**self.defaults, **params}
        self.reset()

    def get_params(self) -> dict:
        return dict(self.params)

    def clone(self) -> Detector:
        return type(self)(**self.get_params())

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    # -- to implement ------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        self.n = 0

    def _score(self, x: float, t: float | None) -> float:
        raise NotImplementedError

    def _learn(self, x: float, t: float | None) -> None:
        self.n += 1

    # -- common ------------------------------------------------------------------------------------------------------
    def fit(self, values, times=None) -> Detector:
        self.reset()
        return self.partial_fit(values, times)

    def partial_fit(self, values, times=None) -> Detector:
        values = np.asarray(values, dtype=np.float64)
        for i, x in enumerate(values):
            self._learn(float(x), None if times is None else float(times[i]))
        return self

    def update(self, x: float, t: float | None = None) -> None:
        self._learn(float(x), t)

    def _step(self, x: float, t: float | None) -> float:
        """Score ``x`` from the past, then learn it. A detector whose scoring and learning are one pass (a
        sequence model's step) overrides this, and has its ``_learn`` call it."""
        s = self._score(x, t)
        self._learn(x, t)
        return s

    def score_one(self, x: float, t: float | None = None, learn: bool = True) -> float:
        x = float(x)
        if math.isnan(x):
            return 0.0  # a missing value is not scored nor learnt
        return self._step(x, t) if learn else self._score(x, t)

    def score(self, values, times=None, learn: bool = True) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        if not learn:
            return np.array(
                [
                    self._score(float(x), None if times is None else float(times[i]))
                    if not math.isnan(x)
                    else 0.0
                    for i, x in enumerate(values)
                ]
            )
        return np.array(
            [self.score_one(x, None if times is None else times[i]) for i, x in enumerate(values)]
        )

    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return {"n": self.n}, {}

    def set_state(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        self.n = int(meta["n"])


def _scale_floor(level: float) -> float:
    return 1e-3 * abs(level) + 1e-9


@register
class RollingZScore(Detector):
    """Robust z-score against the last ``window`` points: |x - median| / scale, the scale being the
    larger of IQR / 1.349 and (P95 - P5) / 3.29 (both the normal sigma; the second keeps a stream
    that is mostly constant, IQR 0, from scoring every small move as infinite)."""

    kind = "zscore"
    threshold = 4.0
    defaults = {"window": 240, "min_periods": 20}

    def reset(self):
        super().reset()
        self.buf = deque(maxlen=int(self.params["window"]))
        self.sorted: list[float] = []  # the window's values in order, for quantiles without a sort per point

    @staticmethod
    def _quantile(v: list, q: float) -> float:
        pos = q * (len(v) - 1)  # linear interpolation, as numpy and pandas do
        lo = int(pos)
        hi = min(lo + 1, len(v) - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - lo)

    def _score(self, x, t):
        v = self.sorted
        if len(v) < self.params["min_periods"]:
            return 0.0
        q = self._quantile
        med = q(v, 0.5)
        scale = max((q(v, 0.75) - q(v, 0.25)) / 1.349, (q(v, 0.95) - q(v, 0.05)) / 3.29, _scale_floor(med))
        return abs(x - med) / scale

    def _learn(self, x, t):
        self.n += 1
        if len(self.buf) == self.buf.maxlen:
            del self.sorted[bisect.bisect_left(self.sorted, self.buf[0])]
        self.buf.append(x)
        bisect.insort(self.sorted, x)

    def score(self, values, times=None, learn=True):
        if not learn:
            return super().score(values, times, learn)
        import pandas as pd

        values = np.asarray(values, dtype=np.float64)
        hist = np.fromiter(self.buf, float, len(self.buf))
        full = pd.Series(np.concatenate([hist, values]))
        w, mp = int(self.params["window"]), int(self.params["min_periods"])
        past = full.shift(1).rolling(w, min_periods=mp)
        med = past.median().to_numpy()
        iqr = (past.quantile(0.75) - past.quantile(0.25)).to_numpy()
        wide = (past.quantile(0.95) - past.quantile(0.05)).to_numpy()
        scale = np.maximum(np.maximum(iqr / 1.349, wide / 3.29), 1e-3 * np.abs(med) + 1e-9)
        z = np.abs(full.to_numpy() - med) / scale
        z = np.where(np.isnan(z), 0.0, z)[len(hist) :]
        for x in values:
            if not math.isnan(x):
                self._learn(float(x), None)
        return z

    def get_state(self):
        return {"n": self.n}, {"buf": np.fromiter(self.buf, float, len(self.buf))}

    def set_state(self, meta, arrays):
        self.n = int(meta["n"])
        self.buf = deque(arrays["buf"].tolist(), maxlen=int(self.params["window"]))
        self.sorted = sorted(self.buf)


@register
class EWMAZScore(Detector):
    """|x - mean| / std with exponentially weighted mean and variance (half-life in points)."""

    kind = "ewma"
    threshold = 4.0
    defaults = {"halflife": 60.0, "min_periods": 20}

    def reset(self):
        super().reset()
        self.mean = 0.0
        self.var = 0.0

    @property
    def alpha(self):
        return 1.0 - 0.5 ** (1.0 / self.params["halflife"])

    def _score(self, x, t):
        if self.n < self.params["min_periods"]:
            return 0.0
        scale = max(math.sqrt(self.var), _scale_floor(self.mean))
        return abs(x - self.mean) / scale

    def _learn(self, x, t):
        if self.n == 0:
            self.mean, self.var = x, 0.0
        else:
            a = self.alpha
            d = x - self.mean
            self.mean += a * d
            self.var = (1 - a) * (self.var + a * d * d)
        self.n += 1

    def get_state(self):
        return {"n": self.n, "mean": self.mean, "var": self.var}, {}

    def set_state(self, meta, arrays):
        self.n, self.mean, self.var = int(meta["n"]), float(meta["mean"]), float(meta["var"])


@register
class SeasonalProfile(Detector):
    """Per time-of-day (and optionally day-of-week) slot: EW mean and mean absolute deviation.

    ``period``: seconds of the cycle (86400 daily, 604800 weekly); ``slots`` per cycle.
    Without timestamps points are taken ``step`` seconds apart.
    """

    kind = "seasonal"
    threshold = 5.0
    defaults = {"period": 86400.0, "slots": 48, "alpha": 0.1, "min_seen": 3, "step": 1.0}

    def reset(self):
        super().reset()
        k = int(self.params["slots"])
        self.mean = np.zeros(k)
        self.dev = np.zeros(k)
        self.seen = np.zeros(k, dtype=np.int64)

    def _slot(self, t):
        if t is None:
            t = self.n * self.params["step"]
        return int((t % self.params["period"]) / self.params["period"] * self.params["slots"]) % int(
            self.params["slots"]
        )

    def _score(self, x, t):
        k = self._slot(t)
        if self.seen[k] < self.params["min_seen"]:
            return 0.0
        scale = max(1.2533 * self.dev[k], _scale_floor(self.mean[k]))
        return abs(x - self.mean[k]) / scale

    def _learn(self, x, t):
        k = self._slot(t)
        if self.seen[k] == 0:
            self.mean[k], self.dev[k] = x, 0.0
        else:
            a = max(self.params["alpha"], 1.0 / (self.seen[k] + 1))
            self.dev[k] += a * (abs(x - self.mean[k]) - self.dev[k])
            self.mean[k] += a * (x - self.mean[k])
        self.seen[k] += 1
        self.n += 1

    def get_state(self):
        return {"n": self.n}, {"mean": self.mean, "dev": self.dev, "seen": self.seen}

    def set_state(self, meta, arrays):
        self.n = int(meta["n"])
        self.mean, self.dev, self.seen = (np.array(arrays[k]) for k in ("mean", "dev", "seen"))


class WindowModel(Detector):
    """A model over sliding-window features, refit every ``refit_every`` points on the last ``train_size``.

    Between refits the model is fixed, so a run of points is scored in one batch with the
    same results as one at a time. The state is the recent raw values; the model is refit
    from them on load (deterministic), so nothing but arrays is ever stored.
    """

    defaults = {"lags": 8, "train_size": 1000, "refit_every": 250, "min_train": 100}

    def reset(self):
        super().reset()
        keep = int(self.params["train_size"]) + self.span()
        self.hist = deque(maxlen=keep)
        self.model = None
        self.since_fit = 0

    def span(self) -> int:
        """How many raw values one feature row needs."""
        return int(self.params["lags"])

    def features(self, values: np.ndarray) -> np.ndarray:
        """Feature rows for every position of ``values`` with a full span (row j ends at values[span-1+j])."""
        w = self.span()
        if len(values) < w:
            return np.zeros((0, w))
        return np.lib.stride_tricks.sliding_window_view(values, w)

    def fit_model(self, X: np.ndarray):
        raise NotImplementedError

    def score_model(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _refit(self):
        values = np.fromiter(self.hist, float, len(self.hist))
        X = self.features(values)
        if len(X) >= self.params["min_train"]:
            self.fit_model(X)
            self.model = True if self.model is None else self.model
        self.since_fit = 0

    def _learn(self, x, t):
        self.hist.append(x)
        self.n += 1
        self.since_fit += 1
        if self.since_fit >= self.params["refit_every"] or (
            self.model is None
            and self.n >= self.params["min_train"] + self.span()
            and self.since_fit >= 1
            and self.n % 10 == 0
        ):
            self._refit()

    def partial_fit(self, values, times=None):
        super().partial_fit(values, times)
        return self

    def fit(self, values, times=None):
        self.reset()
        values = np.asarray(values, dtype=np.float64)
        values = values[~np.isnan(values)]
        self.hist.extend(values.tolist())
        self.n = len(values)
        self._refit()
        return self

    def _score(self, x, t):
        if self.model is None or len(self.hist) < self.span() - 1:
            return 0.0
        tail = list(self.hist)[len(self.hist) - (self.span() - 1) :] if self.span() > 1 else []
        X = self.features(np.array(tail + [x]))
        return float(self.score_model(X[-1:])[0])

    def score(self, values, times=None, learn=True):
        values = np.asarray(values, dtype=np.float64)
        if not learn or np.isnan(values).any():
            return super().score(values, times, learn)
        out = np.zeros(len(values))
        i = 0
        w = self.span()
        while i < len(values):
            if self.model is None:
                out[i] = self._score(values[i], None)
                self._learn(values[i], None)
                i += 1
                continue
            j = min(len(values), i + int(self.params["refit_every"]) - self.since_fit)
            tail = (
                np.fromiter(self.hist, float, len(self.hist))[len(self.hist) - (w - 1) :]
                if w > 1
                else np.zeros(0)
            )
            X = self.features(np.concatenate([tail, values[i:j]]))
            out[i:j] = self.score_model(X[-(j - i) :])
            # learn the chunk: the last point triggers the refit, exactly as one at a time
            self.hist.extend(values[i : j - 1].tolist())
            self.n += j - 1 - i
            self.since_fit += j - 1 - i
            self._learn(values[j - 1], None)
            i = j
        return out

    def get_state(self):
        return (
            {"n": self.n, "since_fit": self.since_fit, "fitted": self.model is not None},
            {"hist": np.fromiter(self.hist, float, len(self.hist))},
        )

    def set_state(self, meta, arrays):
        self.reset()
        self.hist.extend(arrays["hist"].tolist())
        if meta.get("fitted"):
            # refit on what the model was trained on: the values before the last refit
            since = int(meta["since_fit"])
            recent = list(self.hist)[len(self.hist) - since :] if since else []
            for _ in range(since):
                self.hist.pop()
            self._refit()
            self.hist.extend(recent)
        self.n = int(meta["n"])
        self.since_fit = int(meta["since_fit"])


@register
class IsolationForestDetector(WindowModel):
    """IsolationForest over sliding-window features of the last ``lags`` values: the value, its
    distance from the window's median, its change, the window's spread (each robustly scaled by
    the training set). Score: ``-score_samples`` in [0, 1]
    (0.5 and above is isolated quickly)."""

    kind = "iforest"
    threshold = 0.6
    defaults = {
        "lags": 6,
        "train_size": 2000,
        "refit_every": 1000,
        "min_train": 100,
        "n_estimators": 50,
        "seed": 0,
    }

    def features(self, values):
        W = super().features(values)
        if not len(W):
            return np.zeros((0, 4))
        last = W[:, -1]
        return np.column_stack([last, last - np.median(W[:, :-1], axis=1), last - W[:, -2], W.std(axis=1)])

    _fast = None

    def fit_model(self, X):
        from sklearn.ensemble import IsolationForest

        self.center = np.median(X, axis=0)
        q75, q25 = np.percentile(X, [75, 25], axis=0)
        self.scale = np.maximum((q75 - q25) / 1.349, 1e-3 * np.abs(self.center) + 1e-9)
        self.model = IsolationForest(
            n_estimators=int(self.params["n_estimators"]),
            max_samples=min(256, len(X)),
            random_state=int(self.params["seed"]),
        ).fit((X - self.center) / self.scale)

        self._fast = _forest_tables(self.model)

    def score_model(self, X):
        return -self.model.score_samples((X - self.center) / self.scale)

    def _score(self, x, t):
        """One window: the trees walked in Python (no per-call overhead of sklearn), same score."""
        if self.model is None or self._fast is None or len(self.hist) < self.span() - 1:
            return super()._score(x, t)
        tail = list(self.hist)[len(self.hist) - (self.span() - 1) :] if self.span() > 1 else []
        row = (
            ((self.features(np.array(tail + [x]))[-1] - self.center) / self.scale).astype(np.float32).tolist()
        )
        trees, denominator = self._fast
        depth = 0.0
        for left, right, feat, thr, leaf in trees:
            node = 0
            while left[node] != -1:
                node = left[node] if row[feat[node]] <= thr[node] else right[node]
            depth += leaf[node]
        return 2.0 ** (-depth / denominator) if denominator else 1.0


@register
class KMeansDetector(WindowModel):
    """Netdata's detector: differenced values, smoothed over ``smooth`` points, ``lags`` of them
    per row; k-means with ``k`` clusters; score = distance to the nearest centre over the
    99th percentile of the training distances (1.0 = that percentile)."""

    kind = "kmeans"
    threshold = 1.0
    defaults = {
        "lags": 5,
        "smooth": 3,
        "diff": 1,
        "k": 2,
        "train_size": 1000,
        "refit_every": 250,
        "min_train": 100,
        "seed": 0,
    }

    def span(self):
        return int(self.params["lags"]) + int(self.params["smooth"]) - 1 + int(self.params["diff"])

    def features(self, values):
        d = int(self.params["diff"])
        s = int(self.params["smooth"])
        lags = int(self.params["lags"])
        if len(values) < self.span():
            return np.zeros((0, lags))
        x = values[d:] - values[:-d] if d else values
        c = np.cumsum(np.concatenate([[0.0], x]))
        sm = (c[s:] - c[:-s]) / s
        return np.lib.stride_tricks.sliding_window_view(sm, lags)

    def fit_model(self, X):
        self.centers = _kmeans(X, int(self.params["k"]), int(self.params["seed"]))
        self.model = True
        d = self._distance(X)
        self.ref = max(float(np.percentile(d, 99)), 1e-9 + 1e-6 * float(np.abs(X).mean()))

    def _distance(self, X):
        C = self.centers
        return np.sqrt(((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)).min(axis=1)

    def score_model(self, X):
        return self._distance(X) / self.ref


@register
class EstimatorAdapter(WindowModel):
    """Any estimator with ``fit`` and ``score_samples`` or ``decision_function`` attached to a stream.

    Features: windows of ``lags`` raw values. Score: ``-score_samples`` (or ``-decision_function``).
    The estimator is refit (a clone of it, with ``partial_fit`` when ``use_partial_fit`` and it has one)
    by the same policy as the built-in window models.
    """

    kind = "estimator"
    threshold = 0.0
    defaults = {"lags": 1, "train_size": 1000, "refit_every": 250, "min_train": 50, "use_partial_fit": False}

    def __init__(self, estimator=None, **params):
        if estimator is None:
            raise TypeError("EstimatorAdapter needs an estimator")
        if not hasattr(estimator, "fit") or not (
            hasattr(estimator, "score_samples") or hasattr(estimator, "decision_function")
        ):
            raise TypeError("the estimator needs fit and score_samples or decision_function")
        self.estimator = estimator
        super().__init__(**params)

    def clone(self):
        from sklearn.base import clone

        # safe=False: an estimator that is not scikit-learn's (no get_params) is deep-copied
        return type(self)(clone(self.estimator, safe=False), **self.get_params())

    def fit_model(self, X):
        if (
            self.params["use_partial_fit"]
            and hasattr(self.estimator, "partial_fit")
            and self.model is not None
        ):
            self.estimator.partial_fit(X)
        else:
            self.estimator.fit(X)
        self.model = self.estimator

    def score_model(self, X):
        est = self.estimator
        if hasattr(est, "score_samples"):
            return -np.asarray(est.score_samples(X), dtype=np.float64)
        return -np.asarray(est.decision_function(X), dtype=np.float64)


@register
class SuricateDetector(Detector):
    """The workbench's default live detector.

    Two views of each point, from the past only: an EWMA z-score (``halflife`` points) against
    the recent level, and a seasonal z-score against the same time of day (``slots`` per
    ``period``, EW ``alpha``); the point's deviation is the larger of the two. A point is reported
    only when that deviation is a new high over the last ``hold`` points (0 otherwise): a
    sustained deviation is reported once, where it starts, and again only if it grows, one
    alarm per incident rather than one per interval.
    """

    kind = "suricate"
    threshold = 6.0
    defaults = {
        "halflife": 400.0,
        "hold": 400,
        "seasonal": True,
        "period": 86400.0,
        "slots": 48,
        "alpha": 0.05,
        "min_periods": 20,
        "step": 60.0,
    }

    def reset(self):
        super().reset()
        p = self.params
        self.level = EWMAZScore(halflife=p["halflife"], min_periods=p["min_periods"])
        self.season = SeasonalProfile(period=p["period"], slots=p["slots"], alpha=p["alpha"], step=p["step"])
        self.recent: deque = deque()  # (index, z), z decreasing: the running max over the last ``hold``

    def deviation(self, x, t) -> float:
        """The point's deviation before suppression."""
        z = self.level._score(x, t)
        if self.params["seasonal"]:
            z = max(z, self.season._score(x, t))
        return z

    def _expire(self):
        recent, i = self.recent, self.n
        while recent and recent[0][0] <= i - self.params["hold"]:
            recent.popleft()

    def _score(self, x, t):
        z = self.deviation(x, t)
        self._expire()
        return z if (not self.recent or z > self.recent[0][1]) else 0.0

    def _learn(self, x, t):
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

    def get_state(self):
        lm, _ = self.level.get_state()
        sm, sa = self.season.get_state()
        r = np.array(self.recent, dtype=np.float64).reshape(-1, 2)
        return (
            {"n": self.n, "level": lm, "season": sm},
            {"recent": r, **{f"season_{k}": v for k, v in sa.items()}},
        )

    def set_state(self, meta, arrays):
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

    On the NAB corpus: 55.0 standard / 42.6 low-FP / 61.6 low-FN (docs/PERFORMANCE.md).
    """

    kind = "ensemble"
    threshold = 2.5
    defaults = {
        "halflife": 400.0,
        "hold": 400,
        "period": 86400.0,
        "slots": 48,
        "alpha": 0.05,
        "min_periods": 20,
        "warmup": 50,
        "step": 60.0,
        "change_weight": 1.0,
        "top_weight": 0.0,
        "top_warmup": 200,
    }

    def reset(self):
        super().reset()
        p = self.params
        self.season = SeasonalProfile(period=p["period"], slots=p["slots"], alpha=p["alpha"], step=p["step"])
        self.change = EWMAZScore(halflife=p["halflife"], min_periods=p["min_periods"])
        self.season_tail = TailSurprise()
        self.change_tail = TailSurprise()
        self.prev = math.nan
        self.top = [0.0, 0.0]  # the largest seasonal and change deviations after ``top_warmup`` points
        self.recent: deque = deque()  # (index, surprise), surprise decreasing: the running max over ``hold``
        self._last = None  # (x, t, z_season, z_change, surprise) of the point just scored

    def _views(self, x, t):
        if self._last is not None and self._last[0] == x and self._last[1] == t:
            return self._last[2:]
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
        self._last = (x, t, zs, zc, s)
        return zs, zc, s

    def _expire(self):
        recent, i = self.recent, self.n
        while recent and recent[0][0] <= i - self.params["hold"]:
            recent.popleft()

    def _score(self, x, t):
        s = self._views(x, t)[2]
        self._expire()
        return s if (not self.recent or s > self.recent[0][1]) else 0.0

    def _learn(self, x, t):
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

    def get_state(self):
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

    def set_state(self, meta, arrays):
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


def _kmeans(X: np.ndarray, k: int, seed: int, iterations: int = 30) -> np.ndarray:
    """Lloyd's k-means with k-means++ seeding (deterministic for a seed); fast for the small k used here."""
    rng = np.random.default_rng(seed)
    centers = [X[rng.integers(len(X))]]
    for _ in range(1, k):
        d = np.min(((X[:, None, :] - np.array(centers)[None]) ** 2).sum(axis=2), axis=1)
        total = d.sum()
        centers.append(X[rng.choice(len(X), p=d / total)] if total > 0 else X[rng.integers(len(X))])
    C = np.array(centers, dtype=np.float64)
    for _ in range(iterations):
        labels = ((X[:, None, :] - C[None]) ** 2).sum(axis=2).argmin(axis=1)
        new = np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else C[j] for j in range(k)])
        if np.allclose(new, C):
            break
        C = new
    return C


def _forest_tables(forest):
    """Per tree (left, right, feature, threshold, leaf depth) lists for scoring one row in Python,
    from the fitted IsolationForest's own path lengths; None if this sklearn lays them out otherwise."""
    try:
        if forest._max_features != forest.n_features_in_:
            return None
        trees = []
        for est, dpl, apl in zip(
            forest.estimators_, forest._decision_path_lengths, forest._average_path_length_per_tree
        ):
            tr = est.tree_
            trees.append(
                (
                    tr.children_left.tolist(),
                    tr.children_right.tolist(),
                    tr.feature.tolist(),
                    tr.threshold.tolist(),
                    (np.asarray(dpl) + np.asarray(apl) - 1.0).tolist(),
                )
            )
        n = forest._max_samples
        c = (
            0.0
            if n <= 1
            else 1.0
            if n == 2
            else 2.0 * (math.log(n - 1.0) + np.euler_gamma) - 2.0 * (n - 1.0) / n
        )
        return trees, len(trees) * c
    except AttributeError:
        return None
