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


class _Bank:
    """A stream's series going on together: their detectors' states in one bank (the default detector's
    ``CalibratedBank``, reached through ``bank_for``), one numpy step a row for all of them; their ``_Run``s
    keep the bookkeeping (the rows gone through, the scores the rule still sees), their detectors stale
    until ``flush``."""

    def __init__(self, bank: Any, idents: list[tuple[tuple[str, ...], str]], runs: list[_Run], last: float):
        self.bank, self.idents, self.runs, self.last = bank, idents, runs, last
        self.members = set(idents)
        self.rows = np.array([r.rows for r in runs], dtype=np.int64)  # the runs' ``rows``, as one array

    def step(self, t: float, x: np.ndarray) -> None:
        """Score row ``x`` (one value per series, NaN where a series has none) at ``t``, as ``_go_on`` does
        series by series: a series' first row resumed from (``resume``), its next ones up to ``CATCH_UP`` scored
        without learning, then caught up on."""
        ok = ~np.isnan(x)
        catch = ok & (self.rows > 0) & (self.rows < CATCH_UP)
        scores = self.bank.step(x, t, learn=~catch, resume=self.rows == 0)
        if catch.any():
            self.bank.catch_up(np.where(catch, x, np.nan), t)
        for i in np.flatnonzero(ok).tolist():
            run = self.runs[i]
            run.scored.append((t, float(scores[i])))
            run.last = t
            run.rows += 1
            run.reason = self.bank.reason(i)
        self.rows += ok
        self.last = t

    def flush(self) -> None:
        """Each series' detector brought up to date from the bank (to go on one at a time, or a new bank)."""
        for i, run in enumerate(self.runs):
            run.detector = self.bank.key(i)


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
    policy learns nothing between refits, and is scored frozen, as is a call without times. A stream's series
    whose detectors can go on together (the default detector's, 16 series or more: ``bank_for``) go on in one
    bank (``_go_on_many``): the same scores, one numpy step a row instead of one detector step a series.

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
        self.any_stream = _switch("any_stream", any_stream)
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
        #: stream -> its series going on together (``_go_on_many``)
        self._banks: dict[tuple[str, ...], _Bank] = {}
        #: whether the model's detectors are all of one kind and parameters (a bank needs that)
        dets = list(model.detectors)
        params: list[dict[str, Any]] = [getattr(d, "get_params", dict)() for d in dets]
        self._alike = all(
            type(d) is type(dets[0]) and p == params[0] for d, p in zip(dets, params, strict=True)
        )

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
        self,
        ident: tuple[tuple[str, ...], str],
        det: Any,
        times: np.ndarray,
        column: np.ndarray,
        keep: tuple[str, ...] | None = None,
    ) -> _Run:
        """The series' running copy, brought up to the newest of ``times`` (each row scored once, in order;
        the scores of the rows from ``times[0]`` on kept); ``keep``: a stream whose copies stay (``_evict``)."""
        bank = self._banks.get(ident[0])
        if bank is not None and ident in bank.members:  # the series goes on alone from here
            self._unbank(ident[0])
        run = self._running.get(ident)
        if run is None or times[-1] < run.last:  # new, or back in time: a replay starts again
            run = self._running[ident] = _Run(deepcopy(det))
        self._running.move_to_end(ident)
        self._evict(keep)
        copy = run.detector
        for r in np.flatnonzero(times > run.last).tolist():
            x, t = float(column[r]), float(times[r])
            if x != x:
                continue
            if run.rows == 0:  # the first row across the gap since the save
                s = float(copy.resume(x, t))
                run.reason = copy.reason()
            elif run.rows < CATCH_UP:  # the next ones: scored, then learnt as caught up on
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

    def _evict(self, keep: tuple[str, ...] | None = None) -> None:
        """At most ``RUNNING_CAP`` series' copies: the least recently scored go first (a stream's banked series
        all together), but never ``keep``'s, the banked stream being scored (which may alone have more)."""
        while len(self._running) > RUNNING_CAP:
            ident = next((i for i in self._running if i[0] != keep), None)  # ``keep``'s were scored last
            if ident is None:
                return
            self._unbank(ident[0], keep_runs=False)
            self._running.pop(ident, None)

    def _unbank(self, stream: tuple[str, ...], keep_runs: bool = True) -> None:
        """``stream``'s series go on one at a time from here (``keep_runs``), or start again."""
        bank = self._banks.pop(stream, None)
        if bank is None:
            return
        if keep_runs:
            bank.flush()
        else:
            for ident in bank.idents:
                self._running.pop(ident, None)

    def _go_on_many(
        self, stream: tuple[str, ...], keys: list[str], times: np.ndarray, values: np.ndarray
    ) -> list[_Run | None] | None:
        """Every series of ``stream`` brought up to the newest of ``times`` together, in one bank (``_Bank``),
        when their detectors can be banked (``bank_for``: wide models of the default detector); the same rows
        and scores as ``_go_on`` series by series (tested). None when they cannot."""
        dets = [self._detector(stream, k) for k in keys]
        cols = [i for i, d in enumerate(dets) if d is not None]
        first = dets[cols[0]] if cols else None
        banks, make = getattr(first, "banks", None), getattr(first, "bank_for", None)
        if not self._alike or banks is None or make is None or not banks(len(cols)):
            self._unbank(stream)
            return None
        idents = [(stream, keys[i]) for i in cols]
        bank = self._banks.get(stream)
        if bank is not None and (
            bank.idents != idents
            or times[-1] < bank.last
            or any(self._running.get(ident) is not run for ident, run in zip(idents, bank.runs, strict=True))
        ):
            self._unbank(stream, keep_runs=times[-1] >= bank.last)
            if times[-1] < bank.last:  # back in time: a replay starts every series again
                for ident in idents:
                    self._running.pop(ident, None)
            bank = None
        if bank is None:
            # each series brought alone up to where the newest of them stands, then all of them together
            last = max(
                (one.last for one in map(self._running.get, idents) if one is not None), default=-np.inf
            )
            upto = int(np.searchsorted(times, last, side="right"))
            runs = []
            for i, ident in zip(cols, idents, strict=True):
                run = self._running.get(ident)
                if upto and (run is None or run.last <= times[upto - 1]):
                    run = self._go_on(ident, dets[i], times[:upto], values[:upto, i], keep=stream)
                elif run is None:
                    run = self._running[ident] = _Run(deepcopy(dets[i]))
                runs.append(run)
            made = make([r.detector for r in runs])
            if made is None:
                return None
            bank = self._banks[stream] = _Bank(made, idents, runs, last)
            for run in runs:
                run.detector = None  # the bank holds the state (``flush`` gives it back)
        for ident in idents:
            self._running.move_to_end(ident)
        self._evict(keep=stream)
        x = values[:, cols]
        for row in np.flatnonzero(times > bank.last).tolist():
            bank.step(float(times[row]), x[row])
        out: list[_Run | None] = [None] * len(keys)
        for i, run in zip(cols, bank.runs, strict=True):
            while run.scored and run.scored[0][0] < times[0]:
                run.scored.popleft()
            out[i] = run
        return out

    def score_last(
        self, times: np.ndarray, values: np.ndarray, stream: Iterable[str] = (), keys: Iterable[str] = ()
    ) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        out = np.full(values.shape[1], np.nan)
        if not len(values) or not self._applies(stream):
            return out
        keys = list(keys)
        together = None
        if times is not None and self.learns:
            together = self._go_on_many(tuple(stream), keys, np.asarray(times, dtype=np.float64), values)
        for i, key in enumerate(keys):
            if together is not None:
                run = together[i]
                if run is not None and run.scored and run.scored[-1][0] == times[-1]:
                    out[i] = run.scored[-1][1]
                    self._say((tuple(stream), key), run.reason)
                continue
            det, x = self._detector(stream, key), values[-1, i]
            if det is None or x != x:
                continue
            if getattr(det, "scores_runs", False):
                # a detector of shapes scores the rule's history as a run; its newest step ends in the last
                # ``step_points`` rows
                run = values[:, i][~np.isnan(values[:, i])]
                scores, codes = det.score_why(run, learn=False)
                start = max(0, len(scores) - det.step_points)
                newest = start + int(np.argmax(scores[start:]))
                out[i] = float(scores[newest])
                self._say((tuple(stream), key), det.reasons[codes[newest]] if codes[newest] >= 0 else "")
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
        keys = list(keys)
        together = None
        if times is not None and self.learns and len(values):
            together = self._go_on_many(tuple(stream), keys, np.asarray(times, dtype=np.float64), values)
        for i, key in enumerate(keys):
            if together is not None:
                run = together[i]
                if run is not None:
                    scored = dict(run.scored)
                    out[:, i] = [scored.get(float(ti), np.nan) for ti in times]
                    self._say((tuple(stream), key), run.reason)
                continue
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


def _switch(name: str, value: Any) -> bool:
    """A switch given in a rules file: true or false, not a text or a number that Python calls true."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be true or false (not {value!r})")
    return value


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
    kept = {n: f for n, f in _SCORERS.items() if isinstance(f, _ModelFactory)}
    if replace:  # every model scorer: those of the models read, and those of models still being read
        for name in [n for n in _SCORERS if n.startswith(MODEL_PREFIX)]:
            del _SCORERS[name]
    names = []
    for name, model in models.items():
        factory = kept.get(MODEL_PREFIX + name)
        # the same model as before keeps its factory: an engine then keeps its rules' running copies
        register_scorer(
            MODEL_PREFIX + name,
            factory if factory is not None and factory.model is model else _ModelFactory(model),
        )
        names.append(MODEL_PREFIX + name)
    return names


class _ModelFactory:
    """Makes a ``ModelScorer`` of one loaded model (``register_models``), and says which."""

    def __init__(self, model: Any):
        self.model = model

    def __call__(self, **options: Any) -> ModelScorer:
        return ModelScorer(self.model, **options)


def rule_scorers(
    rules: Iterable[Any],
    old_rules: dict[str, Any],
    old_scorers: dict[str, Scorer],
    old_factories: dict[str, Any],
) -> tuple[dict[str, Scorer], dict[str, Any]]:
    """The scorers of the ``score`` and ``anomaly_rate`` rules among ``rules``, and what made each: a rule's
    scorer before (``old_*``, by rule name) is kept where its scorer, its options and what makes it (the
    same loaded model) are unchanged. Why: a reload of the rules file, a rule switched off and on, or the
    models read again from unchanged files then go on from where the scorers stood; a model's running copies
    started again from one row, and on a steady key that start alerted (``Detector.resume``)."""
    scorers: dict[str, Scorer] = {}
    factories: dict[str, Any] = {}
    for rule in rules:
        if rule.type not in ("score", "anomaly_rate"):
            continue
        factory = factories[rule.name] = _SCORERS.get(rule.scorer)
        old = old_rules.get(rule.name)
        same = old is not None and (old.scorer, old.scorer_options) == (rule.scorer, rule.scorer_options)
        if same and rule.name in old_scorers and old_factories.get(rule.name) is factory:
            scorers[rule.name] = old_scorers[rule.name]
        else:
            scorers[rule.name] = make_scorer(rule.scorer, dict(rule.scorer_options))
    return scorers, factories


class ModelBeingRead:
    """The scorer of a ``model:NAME`` rule while its model is still being read (the workbench reads models
    away from its GUI thread, and a large one takes seconds): every series scores NaN, so the rule is valid
    and its timers hold, neither firing nor clearing, until ``register_models`` puts the model in."""

    keyed = True

    def __init__(self, any_stream: bool = False):
        self.any_stream = _switch("any_stream", any_stream)

    def score(
        self, times: np.ndarray, values: np.ndarray, stream: Iterable[str] = (), keys: Iterable[str] = ()
    ) -> np.ndarray:
        return np.full(np.shape(values), np.nan)

    def score_last(
        self, times: np.ndarray, values: np.ndarray, stream: Iterable[str] = (), keys: Iterable[str] = ()
    ) -> np.ndarray:
        return np.full(np.shape(values)[1:], np.nan)


def expect_models(names: Iterable[str]) -> None:
    """The models of ``register_models`` are about to be ``names`` (being read): forget the model scorers of
    other names now, so a rule naming a deleted model says so at once, and make each new name a known scorer
    that scores nothing (``ModelBeingRead``) until ``register_models`` puts its model in."""
    wanted = {MODEL_PREFIX + n for n in names}
    for name in [n for n in _SCORERS if n.startswith(MODEL_PREFIX) and n not in wanted]:
        del _SCORERS[name]
    for name in wanted - set(_SCORERS):
        register_scorer(name, ModelBeingRead)


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
