"""A model's features: the keys of one stream, or keys of several streams joined on time.

A model over one stream has one feature per key, labelled by the key as the store labels it
(``("sshd",)``). A model over several streams (of one source) labels each feature by its stream
and key, a ``StreamKey``, so an anomaly names the stream that contributed as well as the key.

Joining: the rows of the first stream (the model's primary stream) are the model's intervals;
each other stream contributes, at each of those times, its row nearest in time within
``tolerance`` (half the primary stream's usual interval), NaN where it has none. Live, an
interval is scored only once every other stream has caught up with it, unless that stream
lags the primary by more than ``stale`` seconds (gone silent: its features are NaN, which
detectors neither score nor learn).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

#: A stream that lags the primary stream by more than this (seconds) is not waited for.
STALE = 10.0

#: a stream's id as a tuple of its parts (``("web01", "procs", "io")``)
Stream = tuple[str, ...]
#: a feature's label: the key as the store labels it (``("sshd",)``), or a ``StreamKey``
Label = tuple[Any, ...]
#: (times, values[time, column], labels): what a model scores, of one stream or several joined
Matrix = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[Label]]


class MatrixStore(Protocol):
    """What the features need of a store: a stream as arrays (``store.live.LiveStore`` is one)."""

    def matrix(
        self, stream: Any, view: str = ..., last: int | None = ..., since: float | None = ...
    ) -> Any: ...


class StreamKey(tuple[Stream, Label]):
    """(stream, key): a feature of a model over several streams."""

    def __new__(cls, stream: Iterable[object], key: Iterable[Any]) -> StreamKey:
        return super().__new__(cls, (tuple(str(p) for p in stream), tuple(key)))

    @property
    def stream(self) -> Stream:
        return self[0]

    @property
    def key(self) -> Label:
        return self[1]


def feature_text(label: object) -> str:
    """``sshd``; ``web01.procs.io · sshd`` for a feature of a model over several streams."""
    if isinstance(label, StreamKey):
        return f"{'.'.join(label.stream)} · {_key_text(label.key)}"
    if isinstance(label, tuple):
        return _key_text(label)
    return str(label)


def _key_text(key: tuple[Any, ...]) -> str:
    return ",".join(map(str, key)) if key else "(no key)"


def default_tolerance(times: npt.NDArray[np.float64]) -> float:
    """Half the primary stream's median interval (0.5 s when it has fewer than two rows)."""
    if len(times) < 2:
        return 0.5
    step = float(np.median(np.diff(times)))
    return step / 2 if step > 0 else 0.5


def join_on_time(
    parts: Sequence[tuple[Iterable[object], npt.ArrayLike, npt.ArrayLike, Sequence[Any]]],
    tolerance: float | None = None,
) -> Matrix:
    """``parts``: [(stream, times, values[time, column], labels)], the first one primary.

    Returns (times, values, labels): the primary's times, every part's columns side by side,
    labelled ``StreamKey(stream, key)``."""
    stream0, times, values0, labels0 = parts[0]
    times = np.asarray(times, dtype=np.float64)
    tol = default_tolerance(times) if tolerance is None else float(tolerance)
    blocks = [np.asarray(values0, dtype=np.float64)]
    labels: list[Label] = [StreamKey(stream0, k) for k in labels0]
    for stream, t, v, labs in parts[1:]:
        t = np.asarray(t, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        block = np.full((len(times), len(labs)), np.nan)
        if len(t) and len(times) and len(labs):
            right = np.clip(np.searchsorted(t, times), 0, len(t) - 1)
            left = np.clip(right - 1, 0, len(t) - 1)
            nearest = np.where(np.abs(t[left] - times) <= np.abs(t[right] - times), left, right)
            close = np.abs(t[nearest] - times) <= tol
            block[close] = v[nearest[close]]
        blocks.append(block)
        labels += [StreamKey(stream, k) for k in labs]
    values = np.hstack(blocks) if blocks else np.zeros((len(times), 0))
    return times, values, labels


def stream_matrix(store: MatrixStore, stream: Iterable[str], view: str, since: float | None = None) -> Matrix:
    """One stream's (times, values, labels); empty when the store does not hold it (yet)."""
    try:
        times, values, labels = store.matrix(tuple(stream), view, since=since)
    except KeyError:
        return np.zeros(0), np.zeros((0, 0)), []
    return times, values, labels


def joined_matrix(
    store: MatrixStore,
    streams: Sequence[Iterable[str]],
    view: str = "interval",
    since: float | None = None,
    live: bool = False,
    stale: float = STALE,
) -> Matrix:
    """Several streams of one store joined on the first one's times (see the module docstring).

    ``live``: leave out the newest primary rows that a stream which is not stale has not caught up with."""
    primary = stream_matrix(store, streams[0], view, since)
    tol = default_tolerance(primary[0])
    lookback = None if since is None else since - tol
    parts = [(streams[0], *primary)] + [(s, *stream_matrix(store, s, view, lookback)) for s in streams[1:]]
    times, values, labels = join_on_time(parts, tol)
    if live and len(times):
        newest = float(times[-1])
        ends = [_last_time(store, s, view) for s in streams[1:]]
        waiting = [end for end in ends if end is not None and end >= newest - stale]
        if waiting:
            keep = times <= min(waiting) + tol
            times, values = times[keep], values[keep]
    return times, values, labels


def _last_time(store: MatrixStore, stream: Iterable[str], view: str) -> float | None:
    """The newest row's time of a stream; None when the store does not hold it."""
    try:
        times = store.matrix(tuple(stream), view, last=1)[0]
    except KeyError:
        return None
    return float(times[-1]) if len(times) else None
