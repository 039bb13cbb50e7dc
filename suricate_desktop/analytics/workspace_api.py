"""``ws``, the console's handle on the workbench: streams and recordings as DataFrames, models, background work.

This is the Qt-free part (layer 2: it reads ``store/`` and uses ``analytics/``); the GUI adds
``plot`` (gui/console/api.py). The workbench hands it a function returning the open sources
as ``StoreRef``s, so it sees sources come and go without holding any of them.

Frames are copies: a DataFrame from ``ws.frame`` shares no memory with the live rings, so
user code can change it freely while the consumer thread goes on ingesting. User docs:
docs/console.md.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..schema import Snapshot
from ..store.live import LiveStore, StreamId
from .detectors import DETECTORS, Detector, EstimatorAdapter, WindowModel
from .detectors.base import FloatArray
from .features import Stream, feature_text
from .jobs import Job, Jobs
from .live import Anomaly, LiveScorer
from .model_host import LocalModels, ModelHost
from .registry import Model, ModelMeta, ModelRegistry, check_model_name

#: Estimator thresholds are calibrated at this quantile of their scores on the training rows.
CALIBRATION_QUANTILE = 0.995


@dataclass(frozen=True)
class StoreRef:
    """An open source as the console sees it: its name, its store, and (for a recording) all it recorded.

    ``recorded(stream)`` yields every recorded snapshot of that stream, played or not; None
    for live sources, whose past is what their store holds.
    """

    name: str
    store: LiveStore
    recorded: Callable[[StreamId], Iterable[Snapshot]] | None = None


def stream_name(stream: Iterable[str]) -> str:
    """``host.source.aggregation``: how streams are named in the console."""
    return ".".join(stream)


class Workspace:
    """The workbench's streams, recordings and models, for code typed in the console.

    Streams are named ``host.source.aggregation``; a name can be shortened to its tail
    (``"cpu_time"``, ``"sampler.cpu_time"``) while it is unambiguous, or be a glob pattern
    (``"*.syscalls"``). Where two sources have a stream of the same name, say which with
    ``source=`` (a name from ``ws.sources``).

    Data
        ``ws.sources``            names of the open sources
        ``ws.streams``            a DataFrame: one row per stream (source, stream, kind, rows, keys, last)
        ``ws.frame(name, view="interval", last=None, since=None, source=None)``
                                  a stream as a DataFrame (copy): time index (UTC), one column per key
        ``ws.recording(name, source=None, view="interval")``
                                  the whole recorded stream of a recording, played or not
    Models
        ``ws.models``             the workspace's model registry, and the models attached to live
                                  streams (the Models dock's: ``ws.models.attached``, ``ws.models["name"]``)
    Long work
        ``ws.background(fn, *args, name=None, **kwargs)``
                                  run ``fn`` in a worker thread; its result is bound to ``name``
        ``ws.progress(fraction, text)``  inside a background function: report progress
        ``ws.jobs``               the background jobs, newest last

    ``pd``, ``np`` and ``sklearn`` are imported in the console's namespace.
    """

    def __init__(
        self,
        sources: Callable[[], Iterable[StoreRef]],
        models: ModelHost | ModelRegistry | None = None,
        jobs: Jobs | None = None,
    ):
        """``models``: where attached models live (the workbench's Models dock), or a registry for
        models kept here and scored on ``ws.models.poll()``."""
        self._sources = sources
        self._jobs = jobs if jobs is not None else Jobs()
        host = models if models is not None and not isinstance(models, ModelRegistry) else LocalModels(models)
        self.models = Models(self, host)

    # -- streams -----------------------------------------------------------------------------------------------------
    @property
    def sources(self) -> list[str]:
        """Names of the open sources (what ``source=`` takes)."""
        return [ref.name for ref in self._sources()]

    @property
    def streams(self) -> pd.DataFrame:
        """Every stream of every open source: source, stream (its name), kind, rows, keys, last (time)."""
        rows = []
        for ref in self._sources():
            for info in ref.store.streams():
                rows.append(
                    {
                        "source": ref.name,
                        "stream": stream_name(info.stream),
                        "kind": info.kind,
                        "rows": info.rows,
                        "keys": info.columns,
                        "last": pd.to_datetime(info.last_ts, unit="s", utc=True) if info.rows else pd.NaT,
                    }
                )
        frame = pd.DataFrame(rows, columns=["source", "stream", "kind", "rows", "keys", "last"])
        return frame.sort_values(["source", "stream"], ignore_index=True)

    def frame(
        self,
        stream: str | Stream,
        view: str = "interval",
        last: int | str | pd.Timedelta | None = None,
        since: Any = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """A stream as a pandas DataFrame, a copy: time index (UTC), one column per key.

        ``view``: ``"interval"`` (what happened in each interval) or ``"cumulative"`` (running
        totals). ``last``: the newest rows, as a count (``last=60``) or a span of time
        (``last="10min"``, a ``pd.Timedelta``). ``since``: rows at or after a time (epoch
        seconds, a ``pd.Timestamp``, or a string pandas reads as one). A pattern that matches
        several streams gives one frame with two column levels: (stream, key).
        """
        matches = self._resolve(stream, source)
        frames = {}
        for ref, sid in matches:
            rows, start = _window(ref.store, sid, last, since)
            frame = ref.store.frame(sid, view, last=rows, since=start)
            frame.index = _microseconds(frame.index)
            frame.columns.name = stream_name(sid)
            frames[_qualified(ref, sid, matches)] = frame
        if len(frames) == 1:
            return next(iter(frames.values()))
        combined = pd.concat(frames, axis=1, names=["stream", "key"])
        combined.index.name = "time"
        return combined

    def recording(
        self, stream: str | Stream, source: str | None = None, view: str = "interval"
    ) -> pd.DataFrame:
        """The whole of a recorded stream as a DataFrame (time index, one column per key), played or not.

        Read from the recording's files (only that stream's rows), not from what the
        timeline has played so far.
        """
        refs = [(ref, sid) for ref, sid in self._resolve(stream, source) if ref.recorded is not None]
        if not refs:
            raise ValueError(f"{stream!r} is not a stream of an open recording (sources: {self.sources})")
        if len(refs) > 1:
            raise ValueError(
                f"{stream!r} matches {len(refs)} recorded streams; name one: "
                f"{[_qualified(r, s, refs) for r, s in refs]}"
            )
        ref, sid = refs[0]
        recorded = ref.recorded
        assert recorded is not None  # refs holds recordings only
        return frame_from_snapshots(recorded(sid), view, name=stream_name(sid))

    def _resolve(self, stream: str | Stream, source: str | None = None) -> list[tuple[StoreRef, StreamId]]:
        refs = [r for r in self._sources() if source is None or r.name == source]
        if source is not None and not refs:
            raise KeyError(f"no source named {source!r}; open sources: {self.sources}")
        every = [(ref, info.stream) for ref in refs for info in ref.store.streams()]
        if isinstance(stream, tuple):
            found = [(r, s) for r, s in every if s == tuple(stream)]
            pattern = stream_name(stream)
        else:
            pattern = str(stream)
            if any(c in pattern for c in "*?["):
                found = [(r, s) for r, s in every if fnmatch.fnmatchcase(stream_name(s), pattern)]
                if not found:
                    raise KeyError(f"no stream matches {pattern!r}; see ws.streams")
                return found
            found = [(r, s) for r, s in every if stream_name(s) == pattern]
            if not found:
                found = [(r, s) for r, s in every if stream_name(s).endswith("." + pattern)]
        if not found:
            raise KeyError(
                f"no stream {pattern!r}" + (f" in {source!r}" if source else "") + "; see ws.streams"
            )
        if len(found) > 1:
            names = ", ".join(f"{stream_name(s)} ({r.name})" for r, s in found)
            raise KeyError(f"{pattern!r} is ambiguous: {names}; give the full name or source=")
        return found

    def _store(self, stream: str | Stream, source: str | None) -> tuple[StoreRef, StreamId]:
        matches = self._resolve(stream, source)
        if len(matches) > 1:
            raise KeyError(f"{stream!r} matches {len(matches)} streams; name one")
        return matches[0]

    # -- background work ---------------------------------------------------------------------------------------------
    def background(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str | None = None,
        title: str | None = None,
        **kwargs: Any,
    ) -> Job:
        """Run ``fn(*args, **kwargs)`` in a worker thread, so the plots keep moving; returns a ``Job``.

        The console shows its progress and, when it is done, binds the result to ``name``
        in the console's namespace (and says so), or shows the error. ``fn`` may call
        ``ws.progress(fraction, text)`` to fill the progress bar, and ``ws.cancelled()`` to
        notice a cancel. E.g. ``ws.background(model.fit, X, name="model")``. (To pass
        ``fn`` a keyword argument called ``name`` or ``title``, use ``functools.partial``.)
        """
        job = self._jobs.submit(fn, *args, title=title, **kwargs)
        job.name = name
        return job

    def progress(self, fraction: float | None = None, text: str | None = None) -> None:
        """Inside a background function: how far it got (0..1) and what it is doing. Ignored elsewhere."""
        self._jobs.report(fraction, text)

    def cancelled(self) -> bool:
        """Inside a background function: whether the user asked it to stop."""
        return self._jobs.cancelled()

    @property
    def jobs(self) -> list[Job]:
        """The background jobs (the last hundred), oldest first."""
        return self._jobs.jobs

    def close(self) -> None:
        """Stop the background workers (the console calls this when its kernel restarts or closes). Attached
        models are the workspace's: they go on scoring."""
        self._jobs.shutdown()

    def __repr__(self) -> str:
        refs = list(self._sources())
        streams = sum(len(r.store.streams()) for r in refs)
        return (
            f"<ws: {len(refs)} sources, {streams} streams, {len(self.models.attached)} attached models; "
            f"help(ws) for the API>"
        )


class Attachment:
    """A model attached to a live stream (``ws.models.attach`` returns one; ``ws.models.attached`` lists them).

    ``scores()``: the score of every interval scored since (a Series); ``anomalies()``: the
    anomalous intervals with the keys that contributed most; ``save(name=None)``: into the
    registry (under its own name by default; the workspace saves it anyway); ``detach()``:
    stop scoring. In the workbench it is the model the Models dock shows under ``name``.
    """

    def __init__(self, models: Models, name: str) -> None:
        self.name = name
        self._models = models
        self._last: dict[str, Any] = {}

    def _info(self) -> dict[str, Any]:
        info = self._models.host.describe(self.name)
        if info is not None:
            self._last = info
            return info
        return {
            **self._last,
            "state": self._last.get("state") if self._last.get("state") == "failed" else "detached",
        }

    @property
    def source(self) -> str:
        return str(self._info().get("source", ""))

    @property
    def streams(self) -> list[Stream]:
        return [tuple(s) for s in self._info().get("streams", [])]

    @property
    def stream(self) -> Stream:
        """The (first) stream it scores."""
        streams = self.streams
        return streams[0] if streams else ()

    @property
    def threshold(self) -> float:
        return float(self._info().get("threshold", float("nan")))

    @property
    def description(self) -> str:
        return str(self._info().get("description", ""))

    @property
    def state(self) -> str:
        """scoring, disabled, no source, error, failed (detached by an error), detached."""
        return str(self._info().get("state", "detached"))

    @property
    def error(self) -> str:
        return str(self._info().get("error", ""))

    def scores(self) -> pd.Series:
        """The score of every interval scored so far (a copy), time-indexed; larger is more anomalous."""
        times, scores = self._models.host.scores(self.name)
        index = pd.to_datetime(np.asarray(times), unit="s", utc=True)
        index.name = "time"
        return pd.Series(np.asarray(scores), index=index, name=f"score {self.name}")

    def anomalies(self) -> pd.DataFrame:
        """Anomalous spans: start, end (UTC), score, the keys that contributed most (stream · key for a
        model over several streams) and, where the detector says, what made each unusual (``reasons``:
        "sshd: stopped; bash: jumped up")."""
        found = self._models.host.anomalies(self.name)
        return pd.DataFrame(
            {
                "start": pd.to_datetime([a.start for a in found], unit="s", utc=True),
                "end": pd.to_datetime([a.end for a in found], unit="s", utc=True),
                "score": [a.score for a in found],
                "keys": [", ".join(feature_text(k) for k, _ in a.keys) for a in found],
                "reasons": [
                    "; ".join(f"{feature_text(k)}: {a.reasons[k]}" for k, _ in a.keys if k in a.reasons)
                    for a in found
                ],
            }
        )

    def save(self, name: str | None = None) -> ModelMeta:
        """Store this model (every key's detector and the metadata) in the registry; returns its metadata."""
        return self._models.host.save(self.name, name or self.name)

    def detach(self) -> None:
        """Stop scoring (its saved files stay in the registry)."""
        self._info()
        self._models.host.remove(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Attachment) and other._models is self._models and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        info = self._info()
        state = info.get("state", "detached") if not info.get("error") else f"error: {info['error']}"
        streams = ", ".join(stream_name(tuple(s)) for s in info.get("streams", []))
        keys = info.get("detectors", 0)
        return (
            f"<{self.name}: {info.get('description', '')} on {streams} ({info.get('source', '')}): {state}, "
            f"threshold {float(info.get('threshold', float('nan'))):.3g}, {keys} key{'s' * (keys != 1)}>"
        )


class Models:
    """``ws.models``: the workspace's model registry, and the models attached to live streams.

    ``names()``, ``load(name)``, ``delete(name)``: the registry's models (saved as JSON and
    arrays; loading never runs code from the file). ``attach(model, stream, ...)``: score a
    live stream with a built-in detector, a saved model, or any estimator you build with
    ``fit`` and ``score_samples`` or ``decision_function`` (scikit-learn's IsolationForest,
    OneClassSVM, LocalOutlierFactor(novelty=True), ...). ``attached``: what is scoring now.

    In the workbench these are the Models dock's models: one registry (the workspace's
    models folder), scored by its ``model-scoring`` worker, never on the GUI thread; what you
    attach here shows there and on the plots, and is saved with the workspace.
    """

    def __init__(self, workspace: Workspace, host: ModelHost) -> None:
        self._ws = workspace
        self.host = host

    @property
    def registry(self) -> ModelRegistry:
        """The workspace's ``ModelRegistry`` (its models folder)."""
        return self.host.registry

    def names(self) -> list[str]:
        """Names of the saved models."""
        return self.registry.names()

    def load(self, name: str, trusted: list[str] | None = None) -> Model:
        """A saved ``Model`` (metadata and detectors); ``trusted``: extra types a user estimator needs."""
        return self.registry.load(name, trusted)

    def delete(self, name: str) -> None:
        """Delete a saved model's files (detaching it first if it is attached)."""
        if name in self.host.names():
            self.host.remove(name)
        self.registry.delete(name)

    @property
    def attached(self) -> list[Attachment]:
        return [Attachment(self, name) for name in self.host.names()]

    def __getitem__(self, name: str) -> Attachment:
        if name not in self.host.names():
            raise KeyError(f"no attached model {name!r}; attached: {self.host.names()}")
        return Attachment(self, name)

    def attach(
        self,
        model: object,
        stream: str | Stream | list[str | Stream] | None = None,
        keys: list[Any] | None = None,
        source: str | None = None,
        view: str = "interval",
        lags: int = 1,
        threshold: float | None = None,
        policy: str = "online",
        train: int | str | None = None,
        name: str | None = None,
    ) -> Attachment:
        """Score a live stream with ``model``, every new interval, from now on; returns an ``Attachment``.

        ``model``: an estimator with ``fit`` and ``score_samples`` or ``decision_function``
        (fitted on windows of ``lags`` values of each key; score = minus its score), a
        built-in ``Detector`` or its kind (``"zscore"``, ``"ewma"``, ``"seasonal"``,
        ``"iforest"``, ``"kmeans"``, ``"suricate"``), or the name of a saved model (which
        scores the streams it was trained on unless ``stream`` says otherwise).
        ``stream``: a stream's name, or a list of names of one source (their keys joined on
        the first one's times). ``keys``: only these keys (tuples, e.g. ``[("bash",)]``;
        for several streams, ``(stream name, key)`` pairs). ``train``: train on the newest
        rows only (a count or a span such as ``"30min"``; default: all the store holds).
        ``threshold``: alarm level; for an estimator the default is the 99.5th percentile of
        its scores on the training rows. ``policy``: ``"online"`` (learn as it goes) or
        ``"refit"`` (refit on a sliding window). ``name``: what the Models dock and the
        registry call it (default: made from the stream and the detector).
        Training runs in the calling thread: for a slow estimator,
        ``ws.background(ws.models.attach, ...)``.
        """
        _check_attach(name, threshold, model, self.names)
        if isinstance(model, str) and model not in DETECTORS:  # a saved model
            scorer = LiveScorer.load(LiveStore(), self.registry, model, policy=policy)
            wanted = scorer.streams if stream is None else stream
            ref, sids = self._streams(wanted, source)
            _shares_keys(model, scorer.keys(), ref.store, sids)
            scorer.store, scorer.streams = ref.store, [tuple(s) for s in sids]
            scorer.last_ts = ref.store.clock(sids[0][0]) if ref.store.streams() else -np.inf
            if threshold is not None:
                scorer.threshold = float(threshold)
            description = f"model {model!r}"
            name = name or model
        else:
            if stream is None:
                raise TypeError("attach needs the stream to score")
            detector = _detector(model, lags)
            ref, sids = self._streams(stream, source)
            if keys is not None and len(sids) > 1:
                keys = [(self._streams(s, ref.name)[1][0], _key(k)) for s, k in keys]
            elif keys is not None:  # "bash" is the key ("bash",), not ("b", "a", "s", "h")
                keys = [_key(k) for k in keys]
            scorer = LiveScorer(
                ref.store,
                sids if len(sids) > 1 else sids[0],
                detector,
                keys=keys,
                view=view,
                threshold=threshold,
                policy=policy,
            )
            rows, since = _window(ref.store, sids[0], train, None)
            if rows is not None:
                times, _, _ = ref.store.matrix(sids[0], view, last=rows)
                since = float(times[0]) if len(times) else None
            scorer.fit(since=since)
            if keys and not scorer.keys():
                have = ", ".join(feature_text(k) for k in ref.store.keys(sids[0])[:20]) or "none yet"
                raise ValueError(f"none of the keys {keys} is on {stream}; its keys: {have}")
            if threshold is None and isinstance(detector, EstimatorAdapter):
                scorer.threshold = _calibrate(scorer, since, type(detector.estimator).__name__)
            description = (
                type(detector.estimator).__name__
                if isinstance(detector, EstimatorAdapter)
                else type(detector).__name__
            )
            name = name or self._free_name(sids[0], detector)
        self.host.add(name, ref.name, scorer, description)
        return Attachment(self, name)

    def _streams(
        self, stream: str | Stream | list[str] | list[Stream] | list[str | Stream], source: str | None
    ) -> tuple[StoreRef, list[StreamId]]:
        """The store and stream ids of one stream or a list of them (all of one source)."""
        names: list[str | Stream] = list(stream) if isinstance(stream, list) else [stream]
        found = [self._ws._store(s, source) for s in names]
        if not found:
            raise ValueError("no stream given")
        refs = {ref.name for ref, _ in found}
        if len(refs) > 1:
            raise ValueError(f"the streams of one model come from one source; these come from {sorted(refs)}")
        return found[0][0], [sid for _, sid in found]

    def _free_name(self, sid: StreamId, detector: Detector) -> str:
        kind = (
            detector.estimator.__class__.__name__.lower()
            if isinstance(detector, EstimatorAdapter)
            else detector.kind
        )
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{sid[-1]}-{kind}")[:100]
        taken = set(self.host.names())
        try:
            taken |= set(self.names())
        except RuntimeError:
            pass
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        return name

    def detach_all(self) -> None:
        for attachment in self.attached:
            attachment.detach()

    def poll(self) -> list[tuple[Attachment, Anomaly]]:
        """Without the workbench: score every attached model once; (attachment, anomaly) pairs found.
        (In the workbench the Models dock's worker scores them once a second.)"""
        poll = getattr(self.host, "poll", None)
        if poll is None:
            raise RuntimeError("the workbench scores attached models itself, once a second")
        return [(Attachment(self, name), anomaly) for name, anomaly in poll()]

    def __repr__(self) -> str:
        try:
            saved = self.names()
            where = str(self.registry.root)
        except RuntimeError as exc:
            saved, where = [], str(exc)
        lines = [f"<models in {where}: {len(saved)} saved {saved[:10]}{'…' if len(saved) > 10 else ''}>"]
        lines += [f"  attached: {a!r}" for a in self.attached]
        return "\n".join(lines)


def frame_from_snapshots(
    snapshots: Iterable[Snapshot], view: str = "interval", name: str = ""
) -> pd.DataFrame:
    """One stream's snapshots as a DataFrame (time index, one column per key), as ``LiveStore.frame`` makes it.

    The snapshots go through a store of their own sized to hold them all, so buckets, stats
    fields and both views come out exactly as they do for a live stream.
    """
    snaps = list(snapshots)
    if not snaps:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="time"))
    store = LiveStore(capacity=len(snaps))
    store.ingest(snaps)
    sid = snaps[0].stream
    frame = store.frame(sid, view)
    frame.index = _microseconds(frame.index)
    frame.columns.name = name or stream_name(sid)
    return frame


def _microseconds(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Times as recorded (to the microsecond), without the float's last digits of noise in nanoseconds."""
    index = index.round("us")
    index.name = "time"
    return index


def _window(
    store: LiveStore, sid: StreamId, last: int | str | pd.Timedelta | None, since: object
) -> tuple[int | None, float | None]:
    """``last`` and ``since`` as the store takes them: a row count and an epoch time."""
    start = None if since is None else _epoch(since)
    if last is None or isinstance(last, (int, np.integer)):
        if last is not None and last < 0:  # read as "none", silently: an empty frame, or all rows trained on
            raise ValueError(f"a count of rows is 0 (all of them) or more, not {last}")
        return (None if last is None else int(last)), start
    span = pd.Timedelta(last).total_seconds()
    if span < 0:
        raise ValueError(f"a span of time is positive, not {last!r}")
    newest = store.info(sid).last_ts
    begin = newest - span
    return None, begin if start is None else max(begin, start)


def _epoch(t: object) -> float:
    if isinstance(t, (int, float, np.integer, np.floating)):
        return float(t)
    stamp = pd.Timestamp(t)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return float(stamp.timestamp())


def _qualified(ref: StoreRef, sid: StreamId, matches: Iterable[tuple[StoreRef, StreamId]]) -> str:
    """A stream's name, with its source where two matches share the name."""
    name = stream_name(sid)
    if sum(1 for _, s in matches if s == sid) > 1:
        return f"{ref.name}:{name}"
    return name


def _detector(model: object, lags: int) -> Detector:
    if isinstance(model, Detector):
        return model.clone()
    if isinstance(model, str):
        return DETECTORS[model]()
    if isinstance(model, type):  # IsolationForest for IsolationForest(): it failed deep in scikit-learn
        raise TypeError(f"attach takes an estimator, not its class: {model.__name__}(), not {model.__name__}")
    return EstimatorAdapter(model, lags=lags)


def _check_attach(
    name: str | None, threshold: float | None, model: object, saved: Callable[[], list[str]]
) -> None:
    """What ``attach`` is given, checked before any training: a name the registry takes, a threshold that
    is a number, a detector or a saved model that exists (a name misspelt was read as a saved model's and
    failed deep in pathlib)."""
    if name is not None:
        check_model_name(name)
    if threshold is not None and not math.isfinite(float(threshold)):
        raise ValueError(f"threshold must be a finite number (not {threshold!r})")
    if isinstance(model, str) and model not in DETECTORS and model not in saved():
        raise KeyError(
            f"no detector or saved model named {model!r}; detectors: {', '.join(DETECTORS)}; "
            f"saved: {', '.join(saved()) or 'none'}"
        )


def _key(key: Any) -> tuple[Any, ...]:
    return (key,) if isinstance(key, str) or not isinstance(key, (list, tuple)) else tuple(key)


def _shares_keys(model: str, keys: list[Any], store: LiveStore, sids: list[StreamId]) -> None:
    """A saved model moved to other streams scores the keys it knows there: none in common is a mistake
    (it scored nothing, and said it was scoring). A stream with no key yet is given the benefit of the doubt."""
    theirs = {tuple(k) for sid in sids for k in store.keys(sid)}
    known = {k.key if hasattr(k, "key") else tuple(k) for k in keys}
    if theirs and keys and not known & theirs:
        raise ValueError(
            f"model {model!r} knows the keys {', '.join(sorted(map(feature_text, known))[:10])}; "
            f"{', '.join(stream_name(s) for s in sids)} has {', '.join(sorted(map(feature_text, theirs))[:10])}: "
            "none in common"
        )


def _calibrate(scorer: LiveScorer, since: float | None, estimator: str) -> float:
    """The estimator's alarm level: a high quantile of its scores over the rows it was trained on. None
    fitted (too few rows) is an error: its scores would have been read against 0, every interval flagged."""
    _, values, labels = scorer.matrix(since)
    scores: list[FloatArray] = []
    for col, label in enumerate(labels):
        det = scorer.detectors.get(label)
        if not isinstance(det, WindowModel) or det.model is None:
            continue
        column = values[:, col]
        X = det.features(column[~np.isnan(column)])
        if len(X):
            scores.append(det.score_model(X))
    if not scores:
        needs = scorer.template.params.get("min_train", "more")
        raise ValueError(
            f"too few rows to fit {estimator}: it needs {needs} intervals of a key and the training window "
            f"holds {len(values)}; attach it once the stream holds more, or give a threshold"
        )
    return float(np.quantile(np.concatenate(scores), CALIBRATION_QUANTILE))
