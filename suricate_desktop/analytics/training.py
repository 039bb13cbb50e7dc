"""Learning a baseline: one detector per key trained on a window, scored on held-out data.

What the "Learn baseline" dialog runs in a worker thread (``train``), and what a console user
can run the same way. The window's rows are split in time: the first part trains each key's
detector, the rest (``holdout``) is scored the way live scoring would score it, from the past
only, so the user sees what the model would have said about data it had not learnt. With the
``online`` policy the detectors keep learning through the held-out part, as they will live;
with ``refit`` they stay as trained. Rows inside excluded spans (maintenance, false alarms)
are neither learnt nor scored.

Progress is reported as a fraction through ``progress(fraction)``; ``cancelled()`` is checked
between chunks of work, and a cancelled run raises ``TrainingCancelled``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .detectors import Detector
from .detectors.base import FloatArray, keys_correction, reason_text
from .detectors.calibrated import CalibratedBank, banked
from .features import Label, MatrixStore, join_on_time, joined_matrix

#: Rows scored between two progress reports (and cancel checks).
CHUNK = 500


@dataclass
class _Job:
    """What ``train`` hands the loop over keys or the bank: the columns to train, the rows (excluded spans
    left out), where the held-out part starts, the policy, and the progress and cancel callbacks."""

    columns: list[tuple[int, Label]]
    times: FloatArray
    values: FloatArray
    split: int
    learn: bool
    report: Callable[[float], None]
    stop: Callable[[], bool]


class TrainingCancelled(Exception):
    """The user cancelled a training run."""


@dataclass
class TrainingData:
    """The rows a model is trained on: times, values[time, column], column labels (keys; for several
    streams joined on time, ``StreamKey``s)."""

    times: FloatArray
    values: FloatArray
    labels: list[Label]

    @classmethod
    def from_store(
        cls,
        store: MatrixStore,
        stream: Sequence[str] | Sequence[Sequence[str]],
        view: str = "interval",
        since: float | None = None,
        until: float | None = None,
    ) -> TrainingData:
        """One stream (a tuple of strings), or several (a list of them) joined on the first one's times."""
        if len(stream) and not isinstance(stream[0], str):
            times, values, labels = joined_matrix(store, [tuple(s) for s in stream], view, since=since)
            labels = list(labels)
        else:
            times, values, labels = store.matrix(tuple(stream), view, since=since)
            labels = [tuple(lab) for lab in labels]
        if until is not None:
            keep = times <= until
            times, values = times[keep], values[keep]
        return cls(times, values, labels)

    @classmethod
    def join(cls, streams: Sequence[Iterable[str]], parts: list[TrainingData]) -> TrainingData:
        """Rows of several streams read apart (a recording's, one stream at a time) joined on the first one's times."""
        times, values, labels = join_on_time(
            [(s, p.times, p.values, p.labels) for s, p in zip(streams, parts, strict=True)]
        )
        return cls(times, values, labels)

    def excluded_mask(self, spans: Iterable[Sequence[Any]]) -> npt.NDArray[np.bool_]:
        """True for the rows inside any of ``spans`` ([start, end, ...] each)."""
        mask = np.zeros(len(self.times), dtype=bool)
        for span in spans:
            a, b = float(span[0]), float(span[1])
            mask |= (self.times >= a) & (self.times <= b)
        return mask


@dataclass
class TrainingResult:
    detectors: dict[Label, Detector]  # key label -> trained Detector
    times: FloatArray  # the held-out rows' times
    scores: FloatArray  # each held-out row's score (the largest of its keys', less ``keys_correction``)
    key_scores: dict[Label, FloatArray]  # key label -> held-out scores of that key
    window: tuple[float, float]  # (first, last) time of the rows used
    trained_rows: int
    excluded_rows: int
    trained_times: FloatArray = field(default_factory=lambda: np.zeros(0))
    #: key label -> each held-out score's reason code (``Detector.why``), for a detector that gives reasons
    key_why: dict[Label, npt.NDArray[np.int8]] = field(default_factory=dict)
    #: what those codes mean (the detector's ``reasons``)
    reasons: tuple[str, ...] = ()

    def over(self, threshold: float) -> int:
        """How many held-out intervals the threshold would have flagged."""
        return int(np.sum(self.scores >= threshold))

    def highest(self) -> tuple[float, float, Label, str] | None:
        """(time, score, key, reason) of the held-out interval that scored highest: the key that scored
        highest there, and what made it unusual ("" where the detector cannot say); None with nothing held
        out. Why: the dialog says which key and why, beside how many intervals a threshold flags."""
        if not len(self.scores) or not self.key_scores:
            return None
        i = int(np.argmax(self.scores))
        key = max(self.key_scores, key=lambda k: float(np.nan_to_num(self.key_scores[k][i], nan=-np.inf)))
        reason = reason_text(self.reasons, int(self.key_why[key][i]) if key in self.key_why else -1)
        return float(self.times[i]), float(self.scores[i]), key, reason


def train(
    data: TrainingData,
    template: Detector,
    keys: Iterable[Sequence[Any]] | None = None,
    excluded: Iterable[Sequence[Any]] = (),
    holdout: float = 0.25,
    policy: str = "online",
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TrainingResult:
    """Train ``template``'s clones, one per key (``keys``: labels, None for every column) on ``data``."""
    if not 0.0 <= holdout < 1.0:
        raise ValueError("holdout is a fraction in [0, 1)")
    wanted = None if keys is None else {k if isinstance(k, tuple) else tuple(k) for k in keys}
    columns = [(i, lab) for i, lab in enumerate(data.labels) if wanted is None or lab in wanted]
    if not columns:
        raise ValueError("no keys to train on")
    skip = data.excluded_mask(excluded)
    times = data.times[~skip]
    values = data.values[~skip]
    if len(times) < 2:
        left_out = f", {int(skip.sum()):,} left out as excluded spans" if skip.any() else ""
        raise ValueError(
            f"only {len(times)} interval{'s' * (len(times) != 1)} in the training window{left_out}: "
            "choose a longer window"
        )
    split = len(times) - round(len(times) * holdout)
    learn = policy == "online"
    report = progress or (lambda fraction: None)
    stop = cancelled or (lambda: False)
    report(0.0)
    train_keys = _train_together if banked(template, len(columns)) else _train_each
    detectors, key_scores, key_why = train_keys(
        template, _Job(columns, times, values, split, learn, report, stop)
    )
    held = times[split:]
    combined = np.zeros(0)
    if len(held):
        largest = np.max(np.vstack(list(key_scores.values())), axis=0)
        combined = np.maximum(largest - keys_correction(template, len(key_scores)), 0.0)
    report(1.0)
    return TrainingResult(
        detectors,
        held,
        combined,
        key_scores,
        (float(times[0]), float(times[-1])),
        trained_rows=len(times),
        excluded_rows=int(skip.sum()),
        trained_times=times[:split],
        key_why=key_why,
        reasons=template.reasons,
    )


#: What a training gives back: each key's detector, held-out scores and (where it gives them) reason codes.
_Trained = tuple[dict[Label, Detector], dict[Label, FloatArray], dict[Label, npt.NDArray[np.int8]]]


def _train_each(template: Detector, job: _Job) -> _Trained:
    """One key after another: each key's detector fitted on the rows before ``split`` (its missing values
    left out), then the rows from ``split`` on scored (and learnt, with ``learn``), with their reasons
    where the detector gives them."""
    columns, times, values, split = job.columns, job.times, job.values, job.split
    learn, report, stop = job.learn, job.report, job.stop
    detectors: dict[Label, Detector] = {}
    key_scores: dict[Label, FloatArray] = {}
    key_why: dict[Label, npt.NDArray[np.int8]] = {}
    held = times[split:]
    work = len(columns) * len(times) or 1
    done = 0
    for col, lab in columns:
        if stop():
            raise TrainingCancelled()
        x = values[:, col]
        fit_x, fit_t = x[:split], times[:split]
        present = ~np.isnan(fit_x)
        det = template.clone().fit(fit_x[present], fit_t[present])
        done += split
        report(done / work)
        scores = np.zeros(len(held))
        why = np.full(len(held), -1, dtype=np.int8)
        for a in range(0, len(held), CHUNK):
            if stop():
                raise TrainingCancelled()
            b = min(a + CHUNK, len(held))
            if det.reasons:
                scores[a:b], why[a:b] = det.score_why(x[split + a : split + b], held[a:b], learn=learn)
            else:
                scores[a:b] = det.score(x[split + a : split + b], held[a:b], learn=learn)
            done += b - a
            report(done / work)
        detectors[lab] = det
        key_scores[lab] = scores
        if det.reasons:
            key_why[lab] = why
    return detectors, key_scores, key_why


def _train_together(template: Detector, job: _Job) -> _Trained:
    """``calibrated``'s keys trained and scored together: the detectors and held-out scores the loop over
    keys gives (a key's missing values are neither scored nor learnt, as there), at a fraction of its cost.

    Why: a wide aggregation has hundreds of keys, and one Python step per key and row made the Learn
    dialog's wait grow with them (bench/keys.py)."""
    columns, times, values, split = job.columns, job.times, job.values, job.split
    learn, report, stop = job.learn, job.report, job.stop
    x = values[:, [col for col, _ in columns]]
    bank = CalibratedBank(len(columns), **template.get_params())
    scores = np.zeros((len(times) - split, len(columns)))
    why = np.full(scores.shape, -1, dtype=np.int8)
    rows = max(1, min(CHUNK, 50_000 // len(columns)))  # a report (and a cancel check) every 0.1 s or so
    for a in range(0, len(times), rows):
        if stop():
            raise TrainingCancelled()
        b = min(a + rows, len(times))
        for r in range(a, b):
            s = bank.step(x[r], float(times[r]), learn=learn or r < split)
            if r >= split:
                scores[r - split], why[r - split] = s, bank.why
        report(b / max(len(times), 1))
    labels = [lab for _, lab in columns]
    return (
        {lab: bank.key(i) for i, lab in enumerate(labels)},
        {lab: scores[:, i] for i, lab in enumerate(labels)},
        {lab: why[:, i] for i, lab in enumerate(labels)},
    )
