"""Anomaly scorers: the protocol the rules use, and the built-in robust rolling z-score.

A ``Scorer`` turns a series into one score per point: ``score(times, values)``
returns an array shaped like ``values`` (1-D: one series; 2-D: rows are
instants, columns are series, each column scored on its own). A score is
"how unusual", larger = more unusual, NaN where the scorer cannot say yet.
A trained model of the analytics registry becomes ``scorer = "model:NAME"``
through ``register_models`` (``ModelScorer``); anything else can
``register_scorer`` its own.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..store.live import label_text


@runtime_checkable
class Scorer(Protocol):
    """``score(times, values) -> scores`` (same shape as ``values``).

    Optional: ``score_last(times, values)``, the last row's scores only (the
    engine uses it for ``score`` rules when a scorer has it); ``vectorized =
    False`` when ``score`` takes one series (1-D) at a time.
    """

    def score(self, times: np.ndarray, values: np.ndarray) -> np.ndarray: ...


class RollingZScore:
    """Robust rolling z-score: ``(x - median) / (1.4826 × MAD)`` of the ``window`` points before each point.

    The point itself is not part of its own reference window, so a spike does
    not hide itself. A flat reference (MAD 0) uses ``min_scale`` (absolute) or
    ``rel_scale`` × |median|, whichever is larger, so a step away from a
    constant series scores high without dividing by zero.
    """

    def __init__(
        self,
        window: int = 30,
        min_points: int = 5,
        min_scale: float = 1e-9,
        rel_scale: float = 0.01,
        absolute: bool = True,
    ):
        if window < 2:
            raise ValueError("window must be at least 2")
        self.window = int(window)
        self.min_points = int(min_points)
        self.min_scale = float(min_scale)
        self.rel_scale = float(rel_scale)
        self.absolute = absolute

    def score(self, times: np.ndarray, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        one = values.ndim == 1
        v = values[:, None] if one else values
        n = v.shape[0]
        out = np.full(v.shape, np.nan)
        if n > 1:
            w = self.window
            # ref[i] = the (up to) w rows before row i, as a (n, w, cols) array padded with NaN
            padded = np.vstack([np.full((w, v.shape[1]), np.nan), v])
            idx = np.arange(n)[:, None] + np.arange(w)[None, :]
            ref = padded[idx]  # (n, w, cols)
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                count = np.sum(~np.isnan(ref), axis=1)
                med = np.nanmedian(ref, axis=1)
                mad = np.nanmedian(np.abs(ref - med[:, None, :]), axis=1) * 1.4826
                scale = np.maximum(mad, np.maximum(self.min_scale, self.rel_scale * np.abs(med)))
                z = (v - med) / scale
            z[count < self.min_points] = np.nan
            out = np.abs(z) if self.absolute else z
        return out[:, 0] if one else out

    def score_last(self, times: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The score of the last row only (what a ``score`` rule needs at each instant): same as
        ``score(times, values)[-1]``, without scoring the history."""
        values = np.asarray(values, dtype=np.float64)
        one = values.ndim == 1
        v = values[:, None] if one else values
        out = np.full(v.shape[1], np.nan)
        if v.shape[0] > 1:
            ref = v[-self.window - 1 : -1]
            nan = np.isnan(ref)
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                if nan.any():
                    count = np.sum(~nan, axis=0)
                    med = np.nanmedian(ref, axis=0)
                    mad = np.nanmedian(np.abs(ref - med), axis=0) * 1.4826
                else:
                    count = np.full(v.shape[1], ref.shape[0])
                    med = np.median(ref, axis=0)
                    mad = np.median(np.abs(ref - med), axis=0) * 1.4826
                scale = np.maximum(mad, np.maximum(self.min_scale, self.rel_scale * np.abs(med)))
                z = (v[-1] - med) / scale
            z[count < self.min_points] = np.nan
            out = np.abs(z) if self.absolute else z
        return out[0] if one else out


#: Series a ``ModelScorer`` keeps a running copy of its detector for; the least recently scored go first.
RUNNING_CAP = 4096
#: A running copy's first rows are learnt as caught up on (see ``ModelScorer``).
CATCH_UP = 60


class _Run:
    """A series' copy of a saved model's detector, going on over the rows a rule sees (``ModelScorer``)."""

    def __init__(self, detector: Any) -> None:
        self.detector = detector
        self.last = -np.inf  # the time of the last row it scored
        self.rows = 0  # the rows it has gone through
        self.scored: deque[tuple[float, float]] = deque()  # (time, score) of the rows the rule still sees
        self.reason = ""  # what made the newest row unusual, as its detector says (``Detector.reason``)


class ModelScorer:
    """A trained model (the analytics registry's) as a rule's scorer: each series is scored by the detector the
    model learnt for that key, going on from what it learnt over the rows the rule sees, on a copy: the saved
    model learns nothing, so the live engine and a backtest that see the same rows score them the same way.

    Why a copy that goes on rather than the saved model frozen: the default detector's state follows the key
    (its level, its last value, its time-of-day slot), and frozen at the save it judged every later value
    against where the key stood then: on a key with a daily rhythm nine intervals in ten scored past its
    threshold. Each series' copy starts at its first evaluation from the rows the rule sees (its
    ``history``, or an ``anomaly_rate`` rule's ``window``), then scores each new row once, in order, as
    the Models pane's live copy does; rows that go back in time (a replay) start it again. Its first
    ``CATCH_UP`` rows are learnt by the detector's ``catch_up``: they may hold the jump across the gap since
    the save, which must neither leave an alarm that keeps the key's next real one quiet nor, for the
    default detector, count as one of the key's ordinary deviations (learnt so, it halved the score of
    the next spike). A model saved with the ``refit``
    policy learns nothing between refits, and is scored frozen, as is a call without times.

    ``model`` is anything with ``meta.streams`` ([[host, source, agg], ...]), ``meta.keys`` (one key per
    detector, as key parts), ``meta.key_streams`` (for a model over several streams: each key's stream, an
    index into ``meta.streams``; empty otherwise), ``meta.policy`` and ``detectors`` (each with
    ``score(values, times, learn)``, ``score_one`` and ``forget_alarms``): an ``analytics.registry.Model``,
    passed in by the CLI or the GUI (this layer does not import analytics). A series of another stream, or a
    key the model has no detector for, scores NaN (the rule's timers hold); ``any_stream = true`` applies the
    model's keys to every stream the rule selects (a model of one web host, for all of them). A model over
    several streams scores each stream's series with the detectors of that stream's keys.
    """

    keyed = True  # the engine passes ``stream`` and ``keys`` (the series' key text) with the values

    def __init__(self, model: Any, any_stream: bool = False):
        self.name = getattr(model.meta, "name", "")
        self.any_stream = bool(any_stream)
        streams = [tuple(str(p) for p in s) for s in model.meta.streams]
        self.streams = set(streams)
        index = list(getattr(model.meta, "key_streams", None) or [0] * len(model.meta.keys))
        #: (stream, key text) -> the detector that key learnt
        self.detectors = {
            (streams[i] if streams else (), label_text(_label(k))): det
            for k, i, det in zip(model.meta.keys, index, model.detectors, strict=True)
        }
        self._by_key: dict[str, Any] = {}
        for (_, key), det in self.detectors.items():
            self._by_key.setdefault(key, det)
        policy = getattr(model.meta, "policy", None)
        #: Whether the copies learn the rows they score (the model's update policy is ``online``).
        self.learns = not (isinstance(policy, dict) and policy.get("policy") == "refit")
        #: (stream, key text) -> that series' running copy
        self._running: OrderedDict[tuple[tuple[str, ...], str], _Run] = OrderedDict()
        #: (stream, key text) -> what made the series' newest scored row unusual (``reason_of``)
        self._reasons: OrderedDict[tuple[tuple[str, ...], str], str] = OrderedDict()

    def reason_of(self, stream: Iterable[str], key: str) -> str:
        """What made the series' newest scored row unusual, in its detector's words ("stopped", "jumped up");
        "" when the detector cannot say. Why: an alert that says "sshd: stopped" can be acted on before
        anyone opens a plot."""
        return self._reasons.get((tuple(stream), key), "")

    def _say(self, ident: tuple[tuple[str, ...], str], reason: str) -> None:
        self._reasons[ident] = reason
        self._reasons.move_to_end(ident)
        while len(self._reasons) > RUNNING_CAP:
            self._reasons.popitem(last=False)

    def _applies(self, stream: Iterable[str]) -> bool:
        return self.any_stream or tuple(stream) in self.streams

    def _detector(self, stream: Iterable[str], key: str) -> Any:
        det = self.detectors.get((tuple(stream), key))
        return det if det is not None or not self.any_stream else self._by_key.get(key)

    def _go_on(
        self, ident: tuple[tuple[str, ...], str], det: Any, times: np.ndarray, column: np.ndarray
    ) -> _Run:
        """The series' running copy, brought up to the newest of ``times`` (each row scored once, in order;
        the scores of the rows from ``times[0]`` on kept)."""
        run = self._running.get(ident)
        if run is None or times[-1] < run.last:  # new, or back in time: a replay starts again
            run = self._running[ident] = _Run(deepcopy(det))
        self._running.move_to_end(ident)
        while len(self._running) > RUNNING_CAP:
            self._running.popitem(last=False)
        copy = run.detector
        for r in np.flatnonzero(times > run.last).tolist():
            x, t = float(column[r]), float(times[r])
            if x != x:
                continue
            if run.rows < CATCH_UP:  # across the gap since the save: scored, then learnt as caught up on
                s = float(copy.score_one(x, t, learn=False))
                run.reason = copy.reason()
                copy.catch_up([x], [t])
            else:
                s = float(copy.score_one(x, t))
                run.reason = copy.reason()
            run.scored.append((t, s))
            run.last = t
            run.rows += 1
        while run.scored and run.scored[0][0] < times[0]:
            run.scored.popleft()
        return run

    def score_last(
        self, times: np.ndarray, values: np.ndarray, stream: Iterable[str] = (), keys: Iterable[str] = ()
    ) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        out = np.full(values.shape[1], np.nan)
        if not len(values) or not self._applies(stream):
            return out
        for i, key in enumerate(keys):
            det, x = self._detector(stream, key), values[-1, i]
            if det is None or x != x:
                continue
            if getattr(det, "scores_runs", False):
                # a detector of shapes scores the rule's history as a run; its newest step ends in the last
                # ``step_points`` rows
                run = values[:, i][~np.isnan(values[:, i])]
                out[i] = float(np.max(det.score(run, learn=False)[-det.step_points :]))
            elif times is None or not self.learns:
                out[i] = float(
                    det.score(np.array([x]), None if times is None else times[-1:], learn=False)[0]
                )
                self._say((tuple(stream), key), det.reason())
            else:
                run = self._go_on(
                    (tuple(stream), key), det, np.asarray(times, dtype=np.float64), values[:, i]
                )
                if run.scored and run.scored[-1][0] == times[-1]:
                    out[i] = run.scored[-1][1]
                    self._say((tuple(stream), key), run.reason)
        return out

    def score(
        self, times: np.ndarray, values: np.ndarray, stream: Iterable[str] = (), keys: Iterable[str] = ()
    ) -> np.ndarray:
        """Every row's scores, each series' from its running copy (frozen, for a ``refit`` model or without
        times)."""
        values = np.asarray(values, dtype=np.float64)
        out = np.full(values.shape, np.nan)
        if not self._applies(stream):
            return out
        for i, key in enumerate(keys):
            det = self._detector(stream, key)
            if det is None:
                continue
            column = values[:, i]
            known = ~np.isnan(column)
            if not known.any():
                continue
            if times is None or not self.learns or getattr(det, "scores_runs", False):
                t = None if times is None else np.asarray(times)[known]
                out[known, i] = np.asarray(det.score(column[known], t, learn=False), dtype=np.float64)
                self._say((tuple(stream), key), det.reason())
            else:
                t = np.asarray(times, dtype=np.float64)
                run = self._go_on((tuple(stream), key), det, t[known], column[known])
                scored = dict(run.scored)
                out[known, i] = [scored.get(float(ti), np.nan) for ti in t[known]]
                self._say((tuple(stream), key), run.reason)
        return out


def _label(key: Any) -> tuple[Any, ...]:
    """A key as stored in a model's JSON (lists) back to the store's label (tuples)."""
    if isinstance(key, (list, tuple)):
        return tuple(_label(p) if isinstance(p, (list, tuple)) else p for p in key)
    return (key,)


MODEL_PREFIX = "model:"


def register_models(models: dict[str, Any], replace: bool = False) -> list[str]:
    """Make each model available to rules as ``scorer = "model:NAME"`` (options: ``any_stream``); returns the
    scorer names. ``models`` maps names to loaded models (``ModelRegistry.load``). ``replace``: forget the
    models registered before (the workbench's registry changed: another workspace, a model deleted)."""
    if replace:
        for name in [n for n in _SCORERS if n.startswith(MODEL_PREFIX)]:
            del _SCORERS[name]
    names = []
    for name, model in models.items():
        register_scorer(MODEL_PREFIX + name, lambda _model=model, **options: ModelScorer(_model, **options))
        names.append(MODEL_PREFIX + name)
    return names


_SCORERS: dict[str, Callable[..., Scorer]] = {"zscore": RollingZScore}


def register_scorer(name: str, factory: Callable[..., Scorer]) -> None:
    """Make a scorer available to rules as ``scorer = name``; ``factory(**scorer_options)`` builds one."""
    _SCORERS[name] = factory


def scorer_names() -> list[str]:
    return sorted(_SCORERS)


def make_scorer(name: str, options: dict[str, Any] | None = None) -> Scorer:
    try:
        factory = _SCORERS[name]
    except KeyError:
        raise KeyError(f"unknown scorer {name!r}; known: {', '.join(scorer_names())}") from None
    return factory(**(options or {}))


def score_columns(scorer: Scorer, times: np.ndarray, values: np.ndarray, **where: Any) -> np.ndarray:
    """Scores of every column of ``values``: in one call when the scorer takes a matrix, else column by column."""
    if where:
        return np.asarray(scorer.score(times, values, **where), dtype=np.float64)
    try:
        out = np.asarray(scorer.score(times, values), dtype=np.float64)
        if out.shape == values.shape:
            return out
    except Exception:
        if not getattr(scorer, "vectorized", True):
            raise
    # A scorer of one series at a time
    return (
        np.column_stack(
            [np.asarray(scorer.score(times, values[:, i]), dtype=np.float64) for i in range(values.shape[1])]
        )
        if values.shape[1]
        else np.zeros(values.shape)
    )
