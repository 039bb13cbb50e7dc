"""Detectors that fit a model over sliding-window features: IsolationForest, k-means, any estimator.

``WindowModel`` holds the refit policy (every ``refit_every`` points on the last ``train_size``)
and the batched scoring between refits; each subclass gives its features and its model.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, ClassVar, Self, cast

import numpy as np
import numpy.typing as npt

from .base import Detector, FloatArray, StateArrays, StateMeta, Times, measurable, register, soften_all

#: one tree of a fitted IsolationForest as lists (left child, right child, feature, threshold, leaf depth)
_Tree = tuple[list[int], list[int], list[int], list[float], list[float]]


class WindowModel(Detector):
    """A model over sliding-window features, refit every ``refit_every`` points on the last ``train_size``.

    Between refits the model is fixed, so a run of points is scored in one batch with the
    same results as one at a time. The state is the recent raw values; the model is refit
    from them on load (deterministic), so nothing but arrays is ever stored.
    """

    defaults: ClassVar[dict[str, Any]] = {"lags": 8, "train_size": 1000, "refit_every": 250, "min_train": 100}
    #: a copy of a loaded state would refit (most of a load's time), and a point learnt is only kept
    probe_learning = False

    def reset(self) -> None:
        super().reset()
        keep = int(self.params["train_size"]) + self.span()
        self.hist: deque[float] = deque(maxlen=keep)
        # None before the first fit; then True, or the fitted estimator (scikit-learn's are untyped)
        self.model: Any = None
        self.since_fit = 0

    def span(self) -> int:
        """How many raw values one feature row needs."""
        return int(self.params["lags"])

    def features(self, values: FloatArray) -> FloatArray:
        """Feature rows for every position of ``values`` with a full span (row j ends at values[span-1+j])."""
        w = self.span()
        if len(values) < w:
            return np.zeros((0, w))
        return np.lib.stride_tricks.sliding_window_view(values, w)

    def fit_model(self, X: FloatArray) -> None:
        raise NotImplementedError

    def score_model(self, X: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _refit(self) -> None:
        values = np.fromiter(self.hist, float, len(self.hist))
        X = self.features(values)
        if len(X) >= self.params["min_train"]:
            self.fit_model(X)
            self.model = True if self.model is None else self.model
        self.since_fit = 0

    def _learn(self, x: float, t: float | None) -> None:
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

    def partial_fit(self, values: npt.ArrayLike, times: Times = None) -> Self:
        super().partial_fit(values, times)
        return self

    def fit(self, values: npt.ArrayLike, times: Times = None) -> Self:
        self.reset()
        v = measurable(values)
        v = v[~np.isnan(v)]
        self.hist.extend(v.tolist())
        self.n = len(v)
        self._refit()
        return self

    def score_rows(self, X: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """``score_model``'s scores of the feature rows ``X``, and each row's reason code (``reasons``; -1
        where the model cannot say)."""
        return self.score_model(X), np.full(len(X), -1, dtype=np.int8)

    def _score(self, x: float, t: float | None) -> float:
        if self.model is None or len(self.hist) < self.span() - 1:
            self.why = -1
            return 0.0
        tail = list(self.hist)[len(self.hist) - (self.span() - 1) :] if self.span() > 1 else []
        X = self.features(np.array([*tail, x]))
        scores, codes = self.score_rows(X[-1:])
        self.why = int(codes[0])
        return float(scores[0])

    def score(self, values: npt.ArrayLike, times: Times = None, learn: bool = True) -> FloatArray:
        v = measurable(values)
        if not learn or np.isnan(v).any():
            return super().score(v, times, learn)
        return self._batched(v, None)

    def score_why(
        self, values: npt.ArrayLike, times: Times = None, learn: bool = True
    ) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """As ``score``: in batches between refits where it can (the Learn dialog scores held-out rows so)."""
        v = measurable(values)
        if not learn or np.isnan(v).any():
            return super().score_why(v, times, learn)
        codes = np.full(len(v), -1, dtype=np.int8)
        return self._batched(v, codes), codes

    def _batched(self, v: FloatArray, codes: npt.NDArray[np.int8] | None) -> FloatArray:
        """``v`` (no missing value) scored and learnt, a run between two refits at once; each point's reason
        code into ``codes`` where given."""
        out = np.zeros(len(v))
        i = 0
        w = self.span()
        while i < len(v):
            if self.model is None:
                out[i] = self._score(v[i], None)
                if codes is not None:
                    codes[i] = self.why
                self._learn(v[i], None)
                i += 1
                continue
            j = min(len(v), i + int(self.params["refit_every"]) - self.since_fit)
            tail = (
                np.fromiter(self.hist, float, len(self.hist))[len(self.hist) - (w - 1) :]
                if w > 1
                else np.zeros(0)
            )
            X = self.features(np.concatenate([tail, v[i:j]]))[-(j - i) :]
            if codes is None:
                out[i:j] = self.score_model(X)
            else:
                out[i:j], codes[i:j] = self.score_rows(X)
            # learn the chunk: the last point triggers the refit, exactly as one at a time
            self.hist.extend(v[i : j - 1].tolist())
            self.n += j - 1 - i
            self.since_fit += j - 1 - i
            self._learn(v[j - 1], None)
            i = j
        return soften_all(out) if self.softened else out

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        return (
            {"n": self.n, "since_fit": self.since_fit, "fitted": self.model is not None},
            {"hist": np.fromiter(self.hist, float, len(self.hist))},
        )

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
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


#: A value or step this many robust scales out is named before the window's spread (``iforest``'s ``why``).
OWN_FAR = 3.0
#: Past this magnitude a scaled feature is clipped before the trees see it (float32 tops out at 3.4e38).
FLOAT32_SAFE = 1e38


@register
class IsolationForestDetector(WindowModel):
    """IsolationForest over sliding-window features of the last ``lags`` values: the value, its
    distance from the window's median, its change, the window's spread (each robustly scaled by
    the training set). Score: ``-score_samples`` in [0, 1]
    (0.5 and above is isolated quickly)."""

    kind = "iforest"
    #: TUNE's choice (0.796; docs/PERFORMANCE.md): at 0.6, 11 % of a key's points alarmed
    threshold = 0.8
    reasons = (
        "far above its usual values",
        "far below its usual values",
        "jumped up",
        "dropped",
        "noisier than usual",
        "steadier than usual",
    )
    defaults: ClassVar[dict[str, Any]] = {
        "lags": 6,
        "train_size": 2000,
        "refit_every": 1000,
        "min_train": 100,
        "n_estimators": 50,
        "seed": 0,
    }

    def features(self, values: FloatArray) -> FloatArray:
        W = super().features(values)
        if not len(W):
            return np.zeros((0, 4))
        last = W[:, -1]
        return np.column_stack([last, last - np.median(W[:, :-1], axis=1), last - W[:, -2], W.std(axis=1)])

    #: the fitted trees as lists and the path-length normaliser, for ``_score``; None: sklearn scores
    _fast: tuple[list[_Tree], float] | None = None

    def fit_model(self, X: FloatArray) -> None:
        from sklearn.ensemble import IsolationForest

        self.center = np.median(X, axis=0)
        q75, q25 = np.percentile(X, [75, 25], axis=0)
        self.scale = np.maximum((q75 - q25) / 1.349, 1e-3 * np.abs(self.center) + 1e-9)
        self.model = IsolationForest(
            n_estimators=int(self.params["n_estimators"]),
            max_samples=min(256, len(X)),
            random_state=int(self.params["seed"]),
        ).fit(self._standard(X))

        self._fast = _forest_tables(self.model)

    def _standard(self, X: FloatArray) -> FloatArray:
        """The features robustly scaled, within float32's range (the trees' type): a split sends every value
        past its threshold the same way, so clipping a huge one changes no path, and none overflows."""
        return cast(FloatArray, np.clip((X - self.center) / self.scale, -FLOAT32_SAFE, FLOAT32_SAFE))

    def score_model(self, X: FloatArray) -> FloatArray:
        return cast(FloatArray, -self.model.score_samples(self._standard(X)))

    def score_rows(self, X: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        return self.score_model(X), self._why(self._standard(X))

    @staticmethod
    def _why(Z: FloatArray) -> npt.NDArray[np.int8]:
        """Each row's feature farthest from the training set's, in its robust scale, and its side: the value
        (far above or below its usual values), its step from the window (jumped up, dropped) or, when
        neither the value nor its step is past ``OWN_FAR`` scales, the window's spread. Why: a forest
        isolates a point soonest along the feature where it stands farthest out, so that is the one a user
        can check on the plot; and a window holding one far value is wide because of it (on 30 generated
        spikes the spread was the farthest feature 21 times), so the value is what to name."""
        own = Z[:, :3]
        named = np.nan_to_num(np.abs(own), nan=0.0).max(axis=1) >= OWN_FAR
        return np.where(named, _farthest(own, (0, 2, 2)), _farthest(Z, (0, 2, 2, 4))).astype(np.int8)

    def _score(self, x: float, t: float | None) -> float:
        """One window: the trees walked in Python (no per-call overhead of sklearn), same score."""
        if self.model is None or self._fast is None or len(self.hist) < self.span() - 1:
            return super()._score(x, t)
        tail = list(self.hist)[len(self.hist) - (self.span() - 1) :] if self.span() > 1 else []
        features = self._standard(self.features(np.array([*tail, x]))[-1])
        z = features.tolist()
        own = z[:3]
        # ``_why`` for one row, in Python: numpy's calls on four numbers cost more than the forest's walk
        self.why = (
            _farthest_one(own, (0, 2, 2))
            if max((abs(v) for v in own if v == v), default=0.0) >= OWN_FAR  # NaN left out, as ``_why`` does
            else _farthest_one(z, (0, 2, 2, 4))
        )
        row = features.astype(np.float32).tolist()
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
    99th percentile of the training distances (1.0 = that percentile), softened past 100 as the z-scores
    are (a value of 1e100 scored 1e99)."""

    kind = "kmeans"
    #: TUNE's choice (2.07; docs/PERFORMANCE.md): at 1, its training's 99th percentile, 3 % of a key's points
    #: alarmed on HELD-OUT
    threshold = 2.0
    softened = True
    reasons = ("rising faster than usual", "falling faster than usual")
    defaults: ClassVar[dict[str, Any]] = {
        "lags": 5,
        "smooth": 3,
        "diff": 1,
        "k": 2,
        "train_size": 1000,
        "refit_every": 250,
        "min_train": 100,
        "seed": 0,
    }

    def span(self) -> int:
        return int(self.params["lags"]) + int(self.params["smooth"]) - 1 + int(self.params["diff"])

    def features(self, values: FloatArray) -> FloatArray:
        d = int(self.params["diff"])
        s = int(self.params["smooth"])
        lags = int(self.params["lags"])
        if len(values) < self.span():
            return np.zeros((0, lags))
        x = values[d:] - values[:-d] if d else values
        c = np.cumsum(np.concatenate([[0.0], x]))
        sm = (c[s:] - c[:-s]) / s
        return np.lib.stride_tricks.sliding_window_view(sm, lags)

    def fit_model(self, X: FloatArray) -> None:
        self.centers = _kmeans(X, int(self.params["k"]), int(self.params["seed"]))
        self.model = True
        d = self._distance(X)
        self.ref = max(float(np.percentile(d, 99)), 1e-9 + 1e-6 * float(np.abs(X).mean()))

    def _distance(self, X: FloatArray) -> FloatArray:
        C = self.centers
        return cast(FloatArray, np.sqrt(((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)).min(axis=1))

    def score_model(self, X: FloatArray) -> FloatArray:
        return self._distance(X) / self.ref

    def _score(self, x: float, t: float | None) -> float:
        """One window: ``score_rows`` for one row, its reason found in Python."""
        if self.model is None or len(self.hist) < self.span() - 1:
            self.why = -1
            return 0.0
        tail = list(self.hist)[len(self.hist) - (self.span() - 1) :]
        off = self.features(np.array([*tail, x]))[-1][None, :] - self.centers
        far = (off**2).sum(axis=1)
        j = int(far.argmin())
        self.why = _farthest_one(off[j].tolist(), (0,) * off.shape[1])
        return float(np.sqrt(far[j]) / self.ref)

    def score_rows(self, X: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """The scores, and each row's reason: the side of the step (a smoothed difference) farthest from its
        nearest centre's, as the window rises or falls faster than any usual shape does."""
        off = X[:, None, :] - self.centers[None, :, :]
        far = (off**2).sum(axis=2)
        nearest = far.argmin(axis=1)
        rows = np.arange(len(X))
        return np.sqrt(far[rows, nearest]) / self.ref, _farthest(off[rows, nearest], (0,) * X.shape[1])


@register
class EstimatorAdapter(WindowModel):
    """Any estimator with ``fit`` and ``score_samples`` or ``decision_function`` attached to a stream.

    Features: windows of ``lags`` raw values. Score: ``-score_samples`` (or ``-decision_function``).
    The estimator is refit (a clone of it, with ``partial_fit`` when ``use_partial_fit`` and it has one)
    by the same policy as the built-in window models.
    """

    kind = "estimator"
    threshold = 0.0
    defaults: ClassVar[dict[str, Any]] = {
        "lags": 1,
        "train_size": 1000,
        "refit_every": 250,
        "min_train": 50,
        "use_partial_fit": False,
    }

    def __init__(self, estimator: Any = None, **params: Any) -> None:
        if estimator is None:
            raise TypeError("EstimatorAdapter needs an estimator")
        if not hasattr(estimator, "fit") or not (
            hasattr(estimator, "score_samples") or hasattr(estimator, "decision_function")
        ):
            raise TypeError("the estimator needs fit and score_samples or decision_function")
        self.estimator = estimator
        super().__init__(**params)

    def clone(self) -> Self:
        from sklearn.base import clone

        # safe=False: an estimator that is not scikit-learn's (no get_params) is deep-copied
        return type(self)(clone(self.estimator, safe=False), **self.get_params())

    def fit_model(self, X: FloatArray) -> None:
        if (
            self.params["use_partial_fit"]
            and hasattr(self.estimator, "partial_fit")
            and self.model is not None
        ):
            self.estimator.partial_fit(X)
        else:
            self.estimator.fit(X)
        self.model = self.estimator

    def score_model(self, X: FloatArray) -> FloatArray:
        est = self.estimator
        if hasattr(est, "score_samples"):
            return -np.asarray(est.score_samples(X), dtype=np.float64)
        return -np.asarray(est.decision_function(X), dtype=np.float64)


def _farthest(deviations: FloatArray, codes: tuple[int, ...]) -> npt.NDArray[np.int8]:
    """For each row, ``codes[j]``, plus 1 when below 0, of its deviation ``j`` largest in size; -1 where all
    are 0 or NaN."""
    size = np.nan_to_num(np.abs(deviations), nan=0.0)
    j = size.argmax(axis=1)
    rows = np.arange(len(deviations))
    out = np.asarray(codes, dtype=np.int8)[j] + (deviations[rows, j] < 0)
    return np.where(size[rows, j] > 0, out, -1).astype(np.int8)


def _farthest_one(deviations: list[float], codes: tuple[int, ...]) -> int:
    """``_farthest`` of one row, in Python (a point scored alone: numpy's calls would cost more)."""
    best, size = -1, 0.0
    for j, v in enumerate(deviations):
        if abs(v) > size:  # False for NaN
            best, size = j, abs(v)
    return -1 if best < 0 else codes[best] + int(deviations[best] < 0)


def _kmeans(X: FloatArray, k: int, seed: int, iterations: int = 30) -> FloatArray:
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


def _forest_tables(forest: Any) -> tuple[list[_Tree], float] | None:
    """Per tree (left, right, feature, threshold, leaf depth) lists for scoring one row in Python,
    from the fitted IsolationForest's own path lengths; None if this sklearn lays them out otherwise."""
    try:
        if forest._max_features != forest.n_features_in_:
            return None
        trees: list[_Tree] = []
        for est, dpl, apl in zip(
            forest.estimators_,
            forest._decision_path_lengths,
            forest._average_path_length_per_tree,
            strict=True,
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
