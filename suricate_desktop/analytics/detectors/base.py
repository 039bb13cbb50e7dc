"""The streaming detector API (``Detector``) and the registry of detector kinds (``DETECTORS``).

Every detector family subclasses ``Detector`` and registers its kind with ``@register``; the
model registry, the CLI and NAB scoring look kinds up in ``DETECTORS``. Every point is scored
from the past only, then learnt.

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

import math
from collections.abc import Sequence
from typing import Any, ClassVar, Self, TypeVar, cast

import numpy as np
import numpy.typing as npt

from .limits import check

#: a detector's scores, and the values it is given once converted
FloatArray = npt.NDArray[np.float64]
#: the times of the values (seconds), where the detector uses them
Times = Sequence[float] | npt.NDArray[Any] | None
#: ``get_state``'s JSON part and its arrays (whose dtypes vary: counts are integers)
StateMeta = dict[str, Any]
StateArrays = dict[str, npt.NDArray[Any]]

DETECTORS: dict[str, type[Detector]] = {}

_D = TypeVar("_D", bound="type[Detector]")


def register(cls: _D) -> _D:
    """Class decorator: make ``cls`` known by its ``kind`` in ``DETECTORS``."""
    DETECTORS[cls.kind] = cls
    return cls


class Detector:
    kind = "base"
    threshold = 1.0
    defaults: ClassVar[dict[str, Any]] = {}
    #: True where a score is made of a run of points (``resonance``): a frozen model then scores a run
    #: (``score(values, learn=False)``) and reports at most every ``step_points`` points
    scores_runs = False
    #: True for a z-score detector: its scores past ``Z_KNEE`` are softened (``soften``), as read by a user
    softened = False
    #: True where a score is ``-log10`` of a tail probability (``calibrated``): see ``keys_correction``
    probability_scale = False
    #: What a ``why`` code means, for a detector that can say what made a point unusual (``reason``)
    reasons: ClassVar[tuple[str, ...]] = ()
    #: The last scored point's reason, an index into ``reasons``; -1: none to give
    why = -1
    #: Whether loading a saved state checks that it learns a point (``registry._probe``, on a copy of it):
    #: False where a copy costs a refit and learning a point only keeps it for the next (``WindowModel``)
    probe_learning = True
    #: True where the state follows where the key stood (a level, a last value), so that a saved model going
    #: on after a gap scores its first value by ``resume`` (a model loaded with a workspace)
    resumes = False

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown parameters {sorted(unknown)}")
        self.params: dict[str, Any] = {**self.defaults, **params}
        check(self.kind, self.params, self.defaults)  # ValueError: of another kind, or out of its range
        self.reset()

    def ordinary_value(self) -> float:
        """A value the state takes as ordinary, for the check that a loaded state learns (0 unless a detector
        knows better: learning a value past a contexts model's range relearns its last 2,000 points)."""
        return 0.0

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    def clone(self) -> Self:
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    # -- to implement ------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        self.n = 0

    def _score(self, x: float, t: float | None) -> float:
        raise NotImplementedError

    def _learn(self, x: float, t: float | None) -> None:
        self.n += 1

    # -- common ------------------------------------------------------------------------------------------------------
    def fit(self, values: npt.ArrayLike, times: Times = None) -> Self:
        self.reset()
        return self.partial_fit(values, times)

    def partial_fit(self, values: npt.ArrayLike, times: Times = None) -> Self:
        """Learn ``values`` in order; a missing value (NaN: a key absent from an interval) is skipped, as
        ``score_one`` skips it: learnt, one NaN poisoned a running mean for good, or crashed a model."""
        v = measurable(values)
        for i in np.flatnonzero(~np.isnan(v)).tolist():
            self._learn(float(v[i]), None if times is None else float(times[i]))
        return self

    def catch_up(self, values: npt.ArrayLike, times: Times = None) -> Self:
        """Learn rows the model missed (a saved model brought up to a rule's history), as ``partial_fit``, and
        remember no alarm raised on the way (``forget_alarms``). A detector whose calibration would count the
        jump across the gap as one of the key's ordinary deviations overrides this."""
        self.partial_fit(values, times)
        self.forget_alarms()
        return self

    def resume(self, x: float, t: float | None = None) -> float:
        """Score the first value after a gap in what the model saw (a saved model going on from a rule's first
        row), then go on from it as ``catch_up`` does; its score.

        Here the value is scored as any other, without learning. A detector whose state follows where its key
        stood (a level, a last value) overrides this: judged against where the key stood at the save, a key
        with a rhythm scored a rule's first row past 3 on two starts in three."""
        s = self.score_one(x, t, learn=False)
        self.catch_up([x], None if t is None else [t])
        return s

    def forget_alarms(self) -> None:
        """Forget the alarms raised so far and keep what was learnt.

        Why: a saved model continued over rows it missed (a rule's history, after the gap since the model
        was saved) may alarm at the jump across that gap; a detector that stays quiet after an alarm must
        not then stay quiet through the key's next real one. A detector with such a memory overrides this."""

    def update(self, x: float, t: float | None = None) -> None:
        x = float(x)
        if not math.isnan(x):
            self._learn(min(max(x, -LARGEST), LARGEST), t)

    def _step(self, x: float, t: float | None) -> float:
        """Score ``x`` from the past, then learn it. A detector whose scoring and learning are one pass (a
        sequence model's step) overrides this, and has its ``_learn`` call it."""
        s = self._score(x, t)
        self._learn(x, t)
        return s

    def reason(self) -> str:
        """What made the last scored point unusual, in a few words ("dropped", "noisier than usual"); "" when
        the detector cannot say. Why: a score alone asks a user to trust it; the reason lets them check it
        against the plot, and tells a stop from a burst in an alert."""
        return reason_text(self.reasons, self.why)

    def score_one(self, x: float, t: float | None = None, learn: bool = True) -> float:
        x = float(x)
        if math.isnan(x):
            self.why = -1
            return 0.0  # a missing value is not scored nor learnt
        x = min(max(x, -LARGEST), LARGEST)
        s = self._step(x, t) if learn else self._score(x, t)
        return soften(s) if self.softened else s

    def score(self, values: npt.ArrayLike, times: Times = None, learn: bool = True) -> FloatArray:
        v = measurable(values)
        if not learn:
            return np.array(
                [
                    self.score_one(float(x), None if times is None else float(times[i]), learn=False)
                    for i, x in enumerate(v)
                ]
            )
        return np.array([self.score_one(x, None if times is None else times[i]) for i, x in enumerate(v)])

    def score_why(
        self, values: npt.ArrayLike, times: Times = None, learn: bool = True
    ) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """``score``, and each point's ``why`` code (-1 where there is none): a scored series' reasons
        (``suricate detect --why``, the Learn dialog's held-out anomalies)."""
        v = measurable(values)
        scores, codes = np.zeros(len(v)), np.full(len(v), -1, dtype=np.int8)
        for i, x in enumerate(v.tolist()):
            scores[i] = self.score_one(x, None if times is None else float(times[i]), learn=learn)
            codes[i] = self.why
        return scores, codes

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        return {"n": self.n}, {}

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.n = int(meta["n"])


def reason_text(reasons: Sequence[str], code: int) -> str:
    """What a ``why`` code says, in ``reasons`` (a detector's); "" for -1 (nothing to say) or a code past
    them. The one lookup behind a detector's ``reason``, a bank's, a training's and ``detect --why``."""
    return reasons[code] if 0 <= code < len(reasons) else ""


#: Up to this a z-score reads as it is (standard deviations); past it, it grows with its logarithm.
Z_KNEE = 100.0

#: The largest magnitude a detector takes a value at; a larger one, or an infinite one, is taken as this.
#: Why: a snapshot may carry any float up to 1.8e308 and a rate of it overflows to infinity; learnt as it
#: was, one such value crashed most detectors (an integer of infinity) or left them scoring NaN, and a live
#: model then failed at every poll. No measurement comes near 1e100, and its squares and sums stay finite.
LARGEST = 1e100


def measurable(values: npt.ArrayLike) -> FloatArray:
    """``values`` as detectors take them: each clamped to ``LARGEST`` in magnitude (infinities too); NaN, a
    missing value, stays NaN."""
    return np.clip(np.asarray(values, dtype=np.float64), -LARGEST, LARGEST)


def soften(z: float) -> float:
    """``z`` up to ``Z_KNEE``, then ``Z_KNEE * (1 + log10(z / Z_KNEE))``: strictly increasing, so every alarm
    and every ranking (NAB's thresholds) is the same, but finite and readable.

    Why: after a constant history (a process absent from a key's whole training window: a level of 0 and
    no spread) the scale is the floor, and a first value of 33,366 scored 33,366 / 1e-9 = 3.3e13 against
    a threshold of 6 (issue 14); softened it scores about 1,250. Past a z of 100 the size says only
    "further from anything seen", which the logarithm still orders.
    """
    return z if z <= Z_KNEE else Z_KNEE * (1.0 + math.log10(z / Z_KNEE))


def soften_all(z: FloatArray) -> FloatArray:
    """``soften`` of every score of ``z``."""
    return cast(
        FloatArray, np.where(z > Z_KNEE, Z_KNEE * (1.0 + np.log10(np.maximum(z, Z_KNEE) / Z_KNEE)), z)
    )


def keys_correction(detector: Detector, keys: int) -> float:
    """What a model's interval score (the largest of its ``keys`` keys' scores) is lowered by.

    Why: on a probability scale a key scores 2 or more once in 100 ordinary intervals, so a model of
    100 keys had a key at 2 in most intervals, and at its threshold flagged half of them. The chance
    that one of ``keys`` ordinary keys is that rare is at most ``keys`` times one key's (Bonferroni):
    less ``log10(keys)``, a threshold means as rare an interval on a model of 100 keys as on a model
    of one. Other scales (z-scores, distances) are not probabilities: 0.
    """
    return math.log10(keys) if detector.probability_scale and keys > 1 else 0.0


def scale_floor(level: float) -> float:
    """The smallest scale a z-score divides by at ``level``: a constant stream does not score infinite."""
    return 1e-3 * abs(level) + 1e-9
