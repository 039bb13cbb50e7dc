"""Live scoring of a LiveStore stream: one detector per key, each new interval scored once.

``LiveScorer.poll()`` (call it on a timer) reads the rows that arrived since the last poll,
scores each with every key's detector (from the past only), learns them by the update
policy, and returns the anomalous intervals, each with the keys that contributed most. The
interval's score (the largest key score; on a probability scale, less ``log10`` of the number of
keys: ``detectors.base.keys_correction``) is kept as a series of its own (``scores()``) to be
plotted beneath the stream.

Update policies:

* ``"online"``: each detector learns every scored interval as it goes (running statistics;
  window models refit themselves every ``refit_every`` points);
* ``"refit"``: detectors are fixed between refits; every ``refit_every`` intervals they are
  refit on the last ``train_size`` intervals kept here.

Either way, intervals inside an excluded span (``exclude``: maintenance; ``mark_expected``: a
shaded span a user said was fine) are never learnt and are left out of every refit;
``last_training`` holds the times the last fit or refit learnt from, so a user (or a test) can
see what a refit was given.

A model may cover several streams of one store (``stream``: a list of streams): their keys
are its features, joined on the first stream's times (``features.joined_matrix``), each
labelled ``StreamKey(stream, key)``, so an anomaly names the stream and the key.

Memory is bounded: the rows kept for refits are the last ``train_size`` intervals, the score
series the last ``history``.

A ``calibrated`` model of ``BANK_KEYS`` keys or more (``detectors.calibrated.banked``) scores them all in one numpy step an interval
(``CalibratedBank``, the same scores): its keys' detectors are brought up to date from it when they are
read (``detectors``: to save, refit or look at them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from .detectors import Detector
from .detectors.base import FloatArray, keys_correction, reason_text
from .detectors.calibrated import CalibratedBank, CalibratedDetector, banked
from .features import Label, Matrix, MatrixStore, Stream, StreamKey, joined_matrix

if TYPE_CHECKING:
    from .registry import ModelMeta, ModelRegistry
    from .training import TrainingResult


class ScoredStore(MatrixStore, Protocol):
    """What a live scorer needs of a store (``store.live.LiveStore`` is one): its streams, its clock."""

    def clock(self, host: str | None = ...) -> float: ...


@dataclass
class Anomaly:
    start: float
    end: float
    score: float
    keys: list[tuple[Label, float]] = field(default_factory=list)  # [(key label, key score)], largest first
    #: What made each of ``keys`` unusual at the anomaly's peak ("dropped", "noisier than usual"), where its
    #: detector can say (``Detector.reason``)
    reasons: dict[Label, str] = field(default_factory=dict)


class LiveScorer:
    def __init__(
        self,
        store: ScoredStore,
        stream: Sequence[str] | Sequence[Sequence[str]],
        detector: Detector,
        keys: Iterable[Sequence[Any]] | None = None,
        view: str = "interval",
        threshold: float | None = None,
        policy: str = "online",
        refit_every: int = 500,
        train_size: int = 5000,
        top: int = 3,
        history: int = 100_000,
    ) -> None:
        if policy not in ("online", "refit"):
            raise ValueError(f"unknown policy {policy!r}")
        self.store = store
        #: The streams scored: one, or several joined on the first one's times (its features are StreamKeys).
        self.streams: list[Stream] = (
            [tuple(s) for s in stream] if _several(stream) else [cast(Stream, tuple(stream))]
        )
        self.template = detector
        self.only = None if keys is None else [_feature(k, len(self.streams) > 1) for k in keys]
        self.view = view
        self.threshold = detector.threshold if threshold is None else float(threshold)
        self.policy = policy
        self.refit_every = refit_every
        self.train_size = train_size
        self.top = top
        self._detectors: dict[Label, Detector] = {}
        #: Every key scored at once (a wide ``calibrated`` model): the keys' state while it is set.
        self._bank: CalibratedBank | None = None
        self._bank_labels: list[Label] = []
        self._bank_index: dict[Label, int] = {}
        self.excluded: list[tuple[float, float, str]] = []
        self.last_ts = -np.inf
        self.since_refit = 0
        #: Times of the intervals the last fit or refit learnt from (excluded spans already left out).
        self.last_training: FloatArray = np.zeros(0)
        #: Grows each time a poll scores something (readers redraw when it moved).
        self.version = 0
        # what was seen, for refits: time, and each key's value (NaN where a key had none)
        self._times: deque[float] = deque(maxlen=max(train_size, 1))
        self._rows: deque[dict[Label, float]] = deque(maxlen=max(train_size, 1))
        # the score series: time and score of every interval scored
        self._score_times: deque[float] = deque(maxlen=history)
        self._scores: deque[float] = deque(maxlen=history)
        self._open: Anomaly | None = None
        self._pending: list[Anomaly] = []  # found by ``seed_scores``, reported by the next poll
        #: Set by a poll that scored the store again from this time (a recording sought back or replayed):
        #: the score series was cut there, and whoever keeps this model's anomalies drops those from then on.
        self.rewound: float | None = None
        #: The stored model's metadata when loaded from a registry.
        self.meta: ModelMeta | None = None
        #: Keys whose next value is the first after a gap in what their detector saw (a model loaded from a
        #: registry, its detector one that ``resumes``): scored by ``Detector.resume``, not against where the
        #: key stood when it was saved.
        self.resuming: set[Label] = set()

    @property
    def detectors(self) -> dict[Label, Detector]:
        """Each key's detector, up to date (a bank's keys copied out: the next poll builds it again)."""
        if self._bank is not None:
            for i, lab in enumerate(self._bank_labels):
                self._detectors[lab] = self._bank.key(i)
            self._bank = None
        return self._detectors

    @detectors.setter
    def detectors(self, detectors: dict[Label, Detector]) -> None:
        self._detectors, self._bank = dict(detectors), None

    def keys(self) -> list[Label]:
        """The keys that have a detector (without copying a bank's state out)."""
        return list(self._detectors)

    @property
    def stream(self) -> Stream:
        """The primary stream (the only one of a one-stream model)."""
        return self.streams[0]

    @stream.setter
    def stream(self, stream: Iterable[str]) -> None:
        self.streams = [tuple(stream), *self.streams[1:]]

    def matrix(self, since: float | None = None, live: bool = False) -> Matrix:
        """(times, values, labels) of what the model scores: its stream, or its streams joined on time."""
        if len(self.streams) == 1:
            times, values, labels = self.store.matrix(self.stream, self.view, since=since)
            return times, values, labels
        return joined_matrix(self.store, self.streams, self.view, since=since, live=live)

    # -- spans ---------------------------------------------------------------------------------------------------------
    def exclude(self, start: float, end: float, reason: str = "maintenance") -> None:
        self.excluded.append((float(start), float(end), reason))

    def mark_expected(self, start: float, end: float) -> None:
        self.exclude(start, end, "expected")

    def forget_span(self, start: float, end: float) -> None:
        """Learn from a span again (a maintenance span removed, an "expected" mark undone)."""
        self.excluded = [s for s in self.excluded if (s[0], s[1]) != (float(start), float(end))]

    def is_excluded(self, t: float) -> bool:
        return any(a <= t <= b for a, b, _ in self.excluded)

    # -- training --------------------------------------------------------------------------------------------------------
    def _columns(self, labels: Iterable[Label]) -> list[tuple[int, Label]]:
        return [(i, lab) for i, lab in enumerate(labels) if self.only is None or lab in self.only]

    def fit(self, since: float | None = None, until: float | None = None) -> LiveScorer:
        """Train every key's detector on the stream's rows in [since, until] (excluded spans left out)."""
        times, values, labels = self.matrix(since)
        keep = np.ones(len(times), dtype=bool)
        if until is not None:
            keep &= times <= until
        for a, b, _ in self.excluded:
            keep &= ~((times >= a) & (times <= b))
        cols = self._columns(labels)
        self.detectors = {lab: self.template.clone() for _, lab in cols}
        self._fit_keys(values[keep][:, [col for col, _ in cols]], times[keep])
        self.last_training = times[keep]
        self._remember(times, values, cols)
        self.last_ts = (
            float(times[-1]) if len(times) and until is None else (until if until is not None else -np.inf)
        )
        self.since_refit = 0
        return self

    @classmethod
    def from_training(
        cls,
        store: ScoredStore,
        stream: Sequence[str] | Sequence[Sequence[str]],
        result: TrainingResult,
        template: Detector,
        **kw: Any,
    ) -> LiveScorer:
        """A scorer that goes on from a ``training.train`` result: its detectors, the window's rows
        kept for the first refits, scoring from the end of the window on."""
        scorer = cls(store, stream, template, keys=list(result.detectors), **kw)
        scorer.detectors = dict(result.detectors)
        scorer.last_training = np.asarray(result.trained_times)
        scorer.last_ts = float(result.window[1])
        return scorer

    def seed_scores(
        self,
        times: npt.ArrayLike,
        key_scores: dict[Label, FloatArray],
        key_why: dict[Label, npt.NDArray[np.int8]] | None = None,
    ) -> None:
        """Scores already worked out (the Learn dialog's held-out ones, each key's, up to where live scoring
        takes over) kept in the score series, their anomalies reported by the next poll (with each key's
        reason where ``key_why`` gives its codes, ``Detector.why``).

        Why: a model attached once its stream has stopped (a recording that ended, a paused one) has
        nothing new to score, and its strip beneath the plot stayed empty; these are the same scores
        live scoring would have given (from the past only, learnt by the same policy)."""
        t = np.asarray(times, dtype=np.float64)
        labels = [lab for lab in key_scores if self.only is None or lab in self.only]
        why = key_why or {}
        texts = self.template.reasons
        for r, ts in enumerate(t):
            if ts > self.last_ts:
                break
            contrib = [(lab, float(key_scores[lab][r])) for lab in labels]
            score = self._interval_score(contrib, len(labels))
            self._score_times.append(float(ts))
            self._scores.append(score)

            def reason(label: Label, r: int = r) -> str:
                return reason_text(texts, int(why[label][r]) if label in why else -1)

            closed = self._track(float(ts), score, contrib, self.is_excluded(float(ts)), reason)
            if closed is not None:
                self._pending.append(closed)
        if self._open is not None:
            self._pending.append(self._open)
        self.version += 1

    def _interval_score(self, contrib: list[tuple[Label, float]], keys: int) -> float:
        """The interval's score: its keys' largest, less ``keys_correction`` for ``keys`` keys (on a
        probability scale a threshold then means as rare an interval whatever the model's width)."""
        largest = max((s for _, s in contrib), default=0.0)
        return max(largest - keys_correction(self.template, keys), 0.0)

    def _track(
        self,
        t: float,
        score: float,
        contrib: list[tuple[Label, float]],
        excluded: bool,
        reason: Callable[[Label], str] = lambda label: "",
    ) -> Anomaly | None:
        """Grow or close the anomaly going on with the interval at ``t``; the one it closed, if any.
        ``reason(label)``: what made that key's value at ``t`` unusual."""
        if score >= self.threshold and not excluded:
            contrib.sort(key=lambda kv: -kv[1])
            keys = contrib[: self.top]
            peak = self._open is None or score > self._open.score
            reasons = {lab: why for lab, s in keys if s > 0.0 and (why := reason(lab))} if peak else {}
            if self._open is None:
                self._open = Anomaly(t, t, score, keys, reasons)
            else:
                self._open.end = t
                if score > self._open.score:
                    self._open.score, self._open.keys, self._open.reasons = score, keys, reasons
            return None
        closed, self._open = self._open, None
        return closed

    def seed(self, times: npt.ArrayLike, values: npt.ArrayLike, labels: Iterable[Label]) -> None:
        """Keep rows seen before scoring began (the training window) for the first refits."""
        self._remember(np.asarray(times), np.asarray(values), self._columns(list(labels)))

    def _remember(self, times: FloatArray, values: FloatArray, cols: list[tuple[int, Label]]) -> None:
        for r, t in enumerate(times):
            self._times.append(float(t))
            self._rows.append({lab: values[r, col] for col, lab in cols})

    def refit(self) -> None:
        """Refit every key's detector on the last ``train_size`` intervals seen, excluded spans left out."""
        if not self._times:
            return
        times = np.array(self._times)[-self.train_size :]
        rows = list(self._rows)[-self.train_size :]
        keep = np.array([not self.is_excluded(t) for t in times], dtype=bool)
        labels = list(self.detectors)
        x = np.array([[r.get(lab, np.nan) for lab in labels] for r in rows]).reshape(len(rows), len(labels))
        self._fit_keys(x[keep], times[keep])
        self.last_training = times[keep]
        self.since_refit = 0

    def _fit_keys(self, x: FloatArray, times: FloatArray) -> None:
        """Fit every key's detector afresh on its column of ``x`` (in ``detectors``' order; NaN where the key
        had no value, skipped); a wide ``calibrated`` model's keys all at once, to the same states."""
        self.resuming.clear()  # fitted on the rows up to now: no gap to cross
        labels = list(self.detectors)
        if banked(self.template, len(labels)):
            bank = CalibratedBank(len(labels), **self.template.get_params())
            for row, t in zip(x, times, strict=True):
                bank.step(row, float(t))
            self.detectors = {lab: bank.key(i) for i, lab in enumerate(labels)}
            return
        for j, det in enumerate(self.detectors.values()):
            det.fit(x[:, j], times)

    # -- scoring -----------------------------------------------------------------------------------------------------------
    def rewind(self) -> None:
        """The store was cleared and filled again (a recording sought or replayed, perhaps faster than the
        polls): the next poll scores what it holds from its start, and the score series is cut there."""
        self.last_ts = -np.inf
        self._open = None

    def poll(self) -> list[Anomaly]:
        """Score what arrived since the last poll; the anomalous intervals that ended (and one still open)."""
        since = None if self.last_ts == -np.inf else self.last_ts
        try:
            times, values, labels = self.matrix(since, live=True)
        except KeyError:  # the stream has not arrived (yet, or again after a store was cleared)
            return []
        if not len(times) and since is not None and self.store.clock(self.stream[0]) < since:
            # the store went back in time (a recording sought back, looped): score what it holds now
            self.rewind()
            return self.poll()
        new = times > self.last_ts
        times, values = times[new], values[new]
        if not len(times):
            found, self._pending = self._pending, []
            return found
        if since is None and self._score_times and self._score_times[-1] >= times[0]:
            self._cut_scores(float(times[0]))  # scored again from there: one score per interval, not two
        cols = self._columns(labels)
        for _, lab in cols:
            if lab not in self._detectors:
                self._detectors[lab] = self.template.clone()
        found, self._pending = self._pending, []
        learn = self.policy == "online"
        together = banked(self.template, len(cols))
        index = np.array([col for col, _ in cols], dtype=np.int64)
        for r, t in enumerate(times):
            t = float(t)
            excluded = self.is_excluded(t)
            row: dict[Label, float] = {lab: values[r, col] for col, lab in cols}
            if together:
                contrib = self._score_together(cols, values[r, index], t, learn and not excluded)
            else:
                contrib = [
                    (lab, self._score_one(lab, float(x), t, learn and not excluded)) for lab, x in row.items()
                ]
            score = self._interval_score(contrib, len(cols))
            self._times.append(t)
            self._rows.append(row)
            self._score_times.append(t)
            self._scores.append(score)
            closed = self._track(t, score, contrib, excluded, self._reason)
            if closed is not None:
                found.append(closed)
            self.since_refit += 1
            if self.policy == "refit" and self.since_refit >= self.refit_every:
                self.refit()
        self.last_ts = float(times[-1])
        self.version += 1
        if self._open is not None:
            found.append(self._open)  # still going on: reported now, extended by later polls
        return found

    def _score_one(self, label: Label, x: float, t: float, learn: bool) -> float:
        """``label``'s value ``x`` scored by its detector (resumed from, the first after a gap)."""
        det = self._detectors[label]
        if learn and label in self.resuming and x == x:
            self.resuming.discard(label)
            return float(det.resume(x, t))
        return float(det.score_one(x, t, learn=learn))

    def _score_together(
        self, cols: list[tuple[int, Label]], x: FloatArray, t: float, learn: bool
    ) -> list[tuple[Label, float]]:
        """One interval of every key scored by the bank (built from the keys' detectors when the keys
        changed or were read); the keys resuming after a gap resumed from."""
        labels = [lab for _, lab in cols]
        if self._bank is None or self._bank_labels != labels:
            detectors = self.detectors  # a bank of other keys: its state copied out first
            self._bank = CalibratedBank.of([cast(CalibratedDetector, detectors[lab]) for lab in labels])
            self._bank_labels = labels
            self._bank_index = {lab: i for i, lab in enumerate(labels)}
        first = np.zeros(len(labels), dtype=bool)
        if learn and self.resuming:
            first = np.array([lab in self.resuming for lab in labels]) & ~np.isnan(x)
            self.resuming -= {labels[i] for i in np.flatnonzero(first).tolist()}
        scores = self._bank.step(x, t, learn=learn, resume=first)
        return list(zip(labels, scores.tolist(), strict=True))

    def _reason(self, label: Label) -> str:
        """What made ``label``'s value in the interval just scored unusual (its detector's, or the bank's)."""
        if self._bank is not None and label in self._bank_index:
            return self._bank.reason(self._bank_index[label])
        det = self._detectors.get(label)
        return det.reason() if det is not None else ""

    def _cut_scores(self, t: float) -> None:
        """Forget the scores (and anomalies yet to be reported) from ``t`` on: they are about to be given again."""
        while self._score_times and self._score_times[-1] >= t:
            self._score_times.pop()
            self._scores.pop()
        self._pending = [a for a in self._pending if a.start < t]
        self.rewound = t if self.rewound is None else min(self.rewound, t)

    def scores(self) -> tuple[FloatArray, FloatArray]:
        """(times, score) of every interval scored: the series plotted beneath the stream."""
        return np.array(self._score_times), np.array(self._scores)

    # -- persistence -------------------------------------------------------------------------------------------------------
    def save(
        self,
        registry: ModelRegistry,
        name: str,
        features: str = "value per key",
        training_window: list[float] | None = None,
    ) -> ModelMeta:
        """Store every key's detector in a ``ModelRegistry`` with this scorer's metadata."""
        from .registry import ModelMeta

        keys = list(self.detectors)
        several = len(self.streams) > 1
        if training_window is None and len(self.last_training):
            training_window = [float(self.last_training[0]), float(self.last_training[-1])]
        meta = ModelMeta(
            name,
            self.template.kind,
            streams=[list(s) for s in self.streams],
            keys=[list(cast(StreamKey, k).key if several else k) for k in keys],
            key_streams=[self.streams.index(cast(StreamKey, k).stream) for k in keys] if several else [],
            features=features,
            training_window=training_window,
            excluded=[[a, b, why] for a, b, why in self.excluded],
            threshold=self.threshold,
            policy={
                "policy": self.policy,
                "refit_every": self.refit_every,
                "train_size": self.train_size,
                "view": self.view,
            },
        )
        return registry.save(meta, [self.detectors[k] for k in keys])

    @classmethod
    def load(
        cls,
        store: ScoredStore,
        registry: ModelRegistry,
        name: str,
        trusted: list[str] | None = None,
        **kw: Any,
    ) -> LiveScorer:
        """A scorer for the stored model's stream, its detectors as stored (nothing in the file is run)."""
        model = registry.load(name, trusted)
        if not model.detectors:
            raise ValueError(f"model {name!r} has no detectors")
        streams = [tuple(s) for s in model.meta.streams]
        keys = model_features(model.meta)
        stream = streams if len(streams) > 1 else streams[0]
        policy = model.meta.policy if isinstance(model.meta.policy, dict) else {}
        for name_, kind in (("policy", str), ("refit_every", int), ("train_size", int), ("view", str)):
            if name_ in policy and name_ not in kw:
                kw[name_] = kind(policy[name_])
        scorer = cls(
            store,
            stream,
            model.detectors[0].clone() if model.meta.detector != "estimator" else model.detectors[0],
            keys=keys,
            threshold=model.meta.threshold,
            **kw,
        )
        scorer.detectors = dict(zip(keys, model.detectors, strict=False))
        scorer.resuming = {key for key, det in scorer.detectors.items() if det.resumes}
        scorer.meta = model.meta
        for a, b, why in model.meta.excluded:
            scorer.exclude(a, b, why)
        return scorer


def model_features(meta: ModelMeta) -> list[Label]:
    """A stored model's features, in the order of its detectors: keys, or StreamKeys for several streams."""
    keys: list[Label] = [tuple(k) for k in meta.keys]
    if len(meta.streams) < 2:
        return keys
    index = list(meta.key_streams or [0] * len(keys))
    if len(index) != len(keys) or not all(isinstance(i, int) and 0 <= i < len(meta.streams) for i in index):
        raise ValueError(f"model {meta.name!r}: key_streams does not match its streams and keys")
    return [StreamKey(meta.streams[i], k) for i, k in zip(index, keys, strict=True)]


def _several(stream: Sequence[object]) -> bool:
    """A list of streams rather than one stream (a tuple of strings)."""
    return len(stream) > 0 and not isinstance(stream[0], str)


def _feature(key: Sequence[Any], several: bool) -> Label:
    if isinstance(key, StreamKey) or not several:
        return key if isinstance(key, StreamKey) else tuple(key)
    stream, k = key
    return StreamKey(stream, k)
