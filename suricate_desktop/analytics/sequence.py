"""Detectors that see sequences, not only points: CAD-style contexts, alone and with ``ensemble``.

``contexts``: the contextual anomaly detector of ``contexts.py`` (CAD OSE's method) with its
published rest period: after a raw score of ``rest_level`` or more it stays quiet for ``rest``
points.

``sequence``: the workbench's strongest NAB detector: the larger of the ``contexts`` score and
the ``ensemble`` surprise divided by ``weight`` (the ensemble's own new-high hold applies to
its part). The two see different things: the ensemble a value or a change far out of the key's
habits (spikes, jumps, a value wrong for the time of day); the contexts a run of steps the key
never made in that order (a spike density that rises, a cycle that changes shape).
"""

from __future__ import annotations

import math

import numpy as np

from .contexts import ContextModel, RestPeriod
from .detectors import Detector, EnsembleDetector, register


def _nested(prefix: str, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}


@register
class ContextDetector(Detector):
    """CAD OSE's method (contextual anomaly detector): learns which groups of binned values follow
    which, scores the share of the current step its active contexts did not foresee; quiet for
    ``rest`` points after an alarm. The value range is learnt online."""

    kind = "contexts"
    threshold = 0.75
    defaults = {"bits": 3, "max_left": 7, "max_active": 15, "max_contexts": 200_000, "margin": 0.35,
                "forget_on_expand": True, "rest": 30, "rest_level": 0.75}

    def reset(self):
        super().reset()
        p = self.params
        self.model = ContextModel(bits=p["bits"], max_left=p["max_left"], max_active=p["max_active"],
                                  max_contexts=p["max_contexts"], margin=p["margin"],
                                  forget_on_expand=p["forget_on_expand"])
        self.rest = RestPeriod(p["rest"], p["rest_level"])

    def _score(self, x, t):
        return self.rest.peek(self.model.step(x, learn=False))

    def _learn(self, x, t):
        self.rest.gate(self.model.step(x))
        self.n += 1

    def score_one(self, x, t=None, learn=True):
        x = float(x)
        if math.isnan(x):
            return 0.0
        if not learn:
            return self._score(x, t)
        self.n += 1
        return self.rest.gate(self.model.step(x))

    def get_state(self):
        meta, arrays = self.model.get_state()
        return ({"n": self.n, "model": meta},
                {**{f"model_{k}": v for k, v in arrays.items()}, "rest": self.rest.array()})

    def set_state(self, meta, arrays):
        self.reset()
        self.n = int(meta["n"])
        self.model.set_state(meta["model"], _nested("model_", arrays))
        self.rest.load(arrays["rest"])


@register
class SequenceDetector(Detector):
    """The largest of two views: CAD-style contexts (a run of steps never seen in that order) and
    the ``ensemble`` surprise over ``weight`` (a value or change far out of the key's habits),
    each with its own suppression after an alarm."""

    kind = "sequence"
    threshold = 0.75
    defaults = {**ContextDetector.defaults, **EnsembleDetector.defaults, "change_weight": 4.0 / 3.0,
                "weight": 3.0, "quiet": 50, "quiet_level": 0.9}

    def reset(self):
        super().reset()
        p = self.params
        self.contexts = ContextDetector(**{k: p[k] for k in ContextDetector.defaults})
        self.ensemble = EnsembleDetector(**{k: p[k] for k in EnsembleDetector.defaults})
        self.quiet = RestPeriod(p["quiet"], p["quiet_level"])

    def _score(self, x, t):
        return self.quiet.peek(max(self.contexts._score(x, t), self.ensemble._score(x, t) / self.params["weight"]))

    def _learn(self, x, t):
        self.score_one(x, t)

    def score_one(self, x, t=None, learn=True):
        x = float(x)
        if math.isnan(x):
            return 0.0
        if not learn:
            return self._score(x, t)
        c = self.contexts.score_one(x, t)
        e = self.ensemble.score_one(x, t)
        self.n += 1
        return self.quiet.gate(max(c, e / self.params["weight"]))

    def get_state(self):
        cm, ca = self.contexts.get_state()
        em, ea = self.ensemble.get_state()
        return ({"n": self.n, "contexts": cm, "ensemble": em},
                {**{f"contexts_{k}": v for k, v in ca.items()}, **{f"ensemble_{k}": v for k, v in ea.items()},
                 "quiet": self.quiet.array()})

    def set_state(self, meta, arrays):
        self.reset()
        self.n = int(meta["n"])
        self.contexts.set_state(meta["contexts"], _nested("contexts_", arrays))
        self.ensemble.set_state(meta["ensemble"], _nested("ensemble_", arrays))
        self.quiet.load(arrays["quiet"])
