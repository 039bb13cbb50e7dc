"""Detectors that see sequences, not only points: CAD-style contexts, alone and with ``ensemble``.

``contexts``: the contextual anomaly detector of ``contexts.py`` (CAD OSE's method) with its
published rest period: after a raw score of ``rest_level`` or more it stays quiet for ``rest``
points.

``sequence``: the workbench's strongest NAB detector: the larger of the ``contexts`` score and
the ``ensemble`` surprise divided by ``weight`` (the ensemble's own new-high hold applies to
its part), less a share of the key's own recent top level of that combined score
(``RecentLevel``), plus a bonus where what is seen has never been seen: a value past every one
since the key's first ``record_warmup`` points, a shape ``resonance`` has just met for the first
time. The two views see different things: the ensemble a value or a change far out of the key's
habits (spikes, jumps, a value wrong for the time of day); the contexts a run of steps the key
never made in that order (a spike density that rises, a cycle that changes shape).
"""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from .contexts import ContextModel, RestPeriod
from .detectors import Detector, EnsembleDetector, register
from .detectors.base import StateArrays, StateMeta
from .resonance import ResonanceDetector


def _nested(prefix: str, arrays: StateArrays) -> StateArrays:
    return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}


class RecentLevel:
    """The ``quantile`` of a key's last ``window`` scores in [0, 1], kept as counts in ``bins`` bins.

    Why: some keys (tweet volumes, bursty request counts) make a near-alarm score every few
    hundred points as a matter of course; on such a key a score of 0.8 is routine, on a calmer one
    it is news. Subtracting a share of the key's own recent top level (its 99.9th percentile over
    the last few thousand points) raises the effective threshold most on the keys whose recent top
    is highest. The differences are modest (on the NAB corpus most keys' level lies between 0.7
    and 1.0; +1.2 points there, docs/PERFORMANCE.md), a level shift still clears the threshold.
    """

    def __init__(self, window: int, quantile: float, bins: int = 200):
        self.window, self.quantile, self.bins = int(window), float(quantile), int(bins)
        self.counts = np.zeros(self.bins + 1, dtype=np.int64)
        self.recent: deque[int] = deque()  # the bins of the last ``window`` scores, oldest first

    def level(self) -> float:
        """The quantile of the scores seen so far in the window (0 before any)."""
        n = len(self.recent)
        if n == 0:
            return 0.0
        return int(np.searchsorted(np.cumsum(self.counts), self.quantile * n)) / self.bins

    def add(self, score: float) -> None:
        b = min(self.bins, max(0, int(score * self.bins)))
        self.recent.append(b)
        self.counts[b] += 1
        if len(self.recent) > self.window:
            self.counts[self.recent.popleft()] -= 1

    def array(self) -> npt.NDArray[np.int64]:
        return np.fromiter(self.recent, np.int64, len(self.recent))

    def load(self, recent: npt.ArrayLike) -> None:
        self.recent.clear()
        self.recent.extend(int(b) for b in np.asarray(recent, dtype=np.int64))
        self.counts = np.bincount(np.asarray(recent, dtype=np.int64), minlength=self.bins + 1).astype(
            np.int64
        )


#: What made a point unusual for a model of contexts: a value past the range it has learnt (its memory
#: starts again on the wider one), or a run of values it never saw in that order.
CONTEXT_REASONS = ("above every value seen", "below every value seen", "an order of values not seen before")


@register
class ContextDetector(Detector):
    """CAD OSE's method (contextual anomaly detector): learns which groups of binned values follow
    which, scores the share of the current step its active contexts did not foresee; quiet for
    ``rest`` points after an alarm. The value range is learnt online."""

    kind = "contexts"
    threshold = 0.75
    reasons = CONTEXT_REASONS
    defaults: ClassVar[dict[str, Any]] = {
        "bits": 3,
        "max_left": 7,
        "max_active": 15,
        "max_contexts": 200_000,
        "margin": 0.35,
        "forget_on_expand": True,
        "replay": 2000,
        "rest": 30,
        "rest_level": 0.75,
    }

    def ordinary_value(self) -> float:
        lo, hi = self.model.seen_lo, self.model.seen_hi
        return float((lo + hi) / 2) if np.isfinite(lo) and np.isfinite(hi) else 0.0

    def reset(self) -> None:
        super().reset()
        p = self.params
        self.model = ContextModel(
            bits=p["bits"],
            max_left=p["max_left"],
            max_active=p["max_active"],
            max_contexts=p["max_contexts"],
            margin=p["margin"],
            forget_on_expand=p["forget_on_expand"],
            replay=p["replay"],
        )
        self.rest = RestPeriod(p["rest"], p["rest_level"])

    def forget_alarms(self) -> None:
        self.rest.forget()

    def _score(self, x: float, t: float | None) -> float:
        return self._said(x, self.rest.peek(self.model.step(x, learn=False)), self.model.lo, self.model.hi)

    def _learn(self, x: float, t: float | None) -> None:
        self._step(x, t)

    def _step(self, x: float, t: float | None) -> float:
        self.n += 1
        lo, hi = self.model.lo, self.model.hi
        return self._said(x, self.rest.gate(self.model.step(x)), lo, hi)

    def _said(self, x: float, score: float, lo: float, hi: float) -> float:
        """``score``, with ``why`` set for it from the range ``[lo, hi]`` the model had before ``x``: a full
        score for a value past it is the range's (the memory starts again), any other the order's."""
        outside = score >= 1.0 and self.model.forget_on_expand and np.isfinite(lo) and not lo <= x <= hi
        self.why = -1 if not score > 0.0 else int(x < lo) if outside else 2
        return score

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        meta, arrays = self.model.get_state()
        return (
            {"n": self.n, "model": meta},
            {**{f"model_{k}": v for k, v in arrays.items()}, "rest": self.rest.array()},
        )

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.reset()
        self.n = int(meta["n"])
        self.model.set_state(meta["model"], _nested("model_", arrays))
        self.rest.load(arrays["rest"])


@register
class SequenceDetector(Detector):
    """The largest of two views: CAD-style contexts (a run of steps never seen in that order) and
    the ``ensemble`` surprise over ``weight`` (a value or change far out of the key's habits;
    its surprises lowered by ``top_weight`` below the view's largest deviation), each with its
    own suppression after an alarm; quiet for ``quiet`` points after a combined score of
    ``quiet_level``; what is reported is the combined score less ``level_weight`` times its
    ``level_quantile`` over the key's last ``level_window`` points (its recent level), and, where
    that is above 0, plus ``record_bonus`` when the value is past every one seen since point
    ``record_warmup`` by more than ``record_margin`` of their span, plus ``shape_bonus`` when a
    ``resonance`` model (its defaults) met a new shape within the last ``shape_window`` points.

    Why the bonuses: a value past all seen and a shape never met are what an operator reading the
    plot calls new, and on the NAB corpus they are the most precise of the alarms (a record:
    51 windows found for 22 false alarms, against 58 for 241 without); +3.2 points there together
    (docs/PERFORMANCE.md)."""

    kind = "sequence"
    threshold = 0.63
    reasons = (*CONTEXT_REASONS, *EnsembleDetector.reasons)
    defaults: ClassVar[dict[str, Any]] = {
        **ContextDetector.defaults,
        **EnsembleDetector.defaults,
        "change_weight": 4.0 / 3.0,
        "top_weight": 0.5,
        "weight": 3.0,
        "quiet": 50,
        "quiet_level": 0.9,
        "level_window": 4000,
        "level_quantile": 0.999,
        "level_weight": 0.2,
        "record_bonus": 0.15,
        "record_margin": 0.02,
        "record_warmup": 150,
        "shape_bonus": 0.2,
        "shape_window": 5,
    }

    def reset(self) -> None:
        super().reset()
        p = self.params
        self.contexts = ContextDetector(**{k: p[k] for k in ContextDetector.defaults})
        self.ensemble = EnsembleDetector(**{k: p[k] for k in EnsembleDetector.defaults})
        self.shapes = ResonanceDetector()
        self.quiet = RestPeriod(p["quiet"], p["quiet_level"])
        self.level = RecentLevel(p["level_window"], p["level_quantile"])
        # the extremes of the values since point ``record_warmup``
        self.lo: float | None = None
        self.hi: float | None = None
        self.last_shape: int | None = None  # the point at which ``shapes`` last met a new shape

    def ordinary_value(self) -> float:
        return self.contexts.ordinary_value()

    def forget_alarms(self) -> None:
        for part in (self.contexts, self.ensemble, self.shapes):
            part.forget_alarms()
        self.quiet.forget()

    def _record(self, x: float) -> bool:
        """Whether ``x`` is past every value since point ``record_warmup``, by ``record_margin`` of their span."""
        lo, hi = self.lo, self.hi
        if lo is None or hi is None:
            return False
        margin = float(self.params["record_margin"]) * (hi - lo)
        return x > hi + margin or x < lo - margin

    def _new_shape(self, shape_score: float) -> bool:
        if shape_score >= ResonanceDetector.threshold:
            return True
        return self.last_shape is not None and bool(self.n - self.last_shape < self.params["shape_window"])

    def _report(self, combined: float, record: bool, new_shape: bool) -> float:
        p = self.params
        out = combined - p["level_weight"] * self.level.level() if combined > 0.0 else 0.0
        if out <= 0.0:
            return 0.0
        return float(out + p["record_bonus"] * record + p["shape_bonus"] * new_shape)

    def _said(self, x: float, out: float, c: float, e: float, record: bool) -> float:
        """``out``, with ``why`` set for it: a record's side, else the reason of the larger view."""
        if not out > 0.0:
            self.why = -1
        elif record:
            self.why = int(self.hi is not None and x < self.hi)
        elif c >= e / self.params["weight"]:
            self.why = self.contexts.why
        else:
            self.why = -1 if self.ensemble.why < 0 else len(CONTEXT_REASONS) + self.ensemble.why
        return out

    def _score(self, x: float, t: float | None) -> float:
        c, e = self.contexts._score(x, t), self.ensemble._score(x, t)
        combined, record = max(c, e / self.params["weight"]), self._record(x)
        out = self._report(self.quiet.peek(combined), record, self._new_shape(self.shapes._score(x, t)))
        return self._said(x, out, c, e, record)

    def _learn(self, x: float, t: float | None) -> None:
        self._step(x, t)

    def _step(self, x: float, t: float | None) -> float:
        c = self.contexts._step(x, t)
        e = self.ensemble._step(x, t)
        shape = self.shapes._step(x, t)
        combined, record = max(c, e / self.params["weight"]), self._record(x)
        out = self._said(
            x, self._report(self.quiet.gate(combined), record, self._new_shape(shape)), c, e, record
        )
        if shape >= ResonanceDetector.threshold:
            self.last_shape = self.n
        if self.n >= self.params["record_warmup"]:
            self.lo = x if self.lo is None else min(self.lo, x)
            self.hi = x if self.hi is None else max(self.hi, x)
        self.level.add(combined)
        self.n += 1
        return out

    def get_state(self) -> tuple[StateMeta, StateArrays]:
        cm, ca = self.contexts.get_state()
        em, ea = self.ensemble.get_state()
        sm, sa = self.shapes.get_state()
        return (
            {
                "n": self.n,
                "contexts": cm,
                "ensemble": em,
                "shapes": sm,
                "lo": self.lo,
                "hi": self.hi,
                "last_shape": self.last_shape,
            },
            {
                **{f"contexts_{k}": v for k, v in ca.items()},
                **{f"ensemble_{k}": v for k, v in ea.items()},
                **{f"shapes_{k}": v for k, v in sa.items()},
                "quiet": self.quiet.array(),
                "level": self.level.array(),
            },
        )

    def set_state(self, meta: StateMeta, arrays: StateArrays) -> None:
        self.reset()
        self.n = int(meta["n"])
        self.contexts.set_state(meta["contexts"], _nested("contexts_", arrays))
        self.ensemble.set_state(meta["ensemble"], _nested("ensemble_", arrays))
        self.quiet.load(arrays["quiet"])
        self.level.load(arrays.get("level", np.zeros(0, np.int64)))  # models saved before the level existed
        if "shapes" in meta:  # models saved before the bonuses start them afresh
            self.shapes.set_state(meta["shapes"], _nested("shapes_", arrays))
            self.lo, self.hi, self.last_shape = meta["lo"], meta["hi"], meta["last_shape"]
