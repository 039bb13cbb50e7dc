"""Computing a dependency graph away from the GUI thread: read the data, correlate, cluster, lay out.

A ``GraphRequest`` says what to read (a recording folder, another tool's file, or a live
store's window) and how to build the graph; ``GraphWorker.start`` runs it in a thread of its
own and reports back by queued Qt signals (``progress``, ``finished``, ``failed``), so the
window only ever touches widgets on the GUI thread. Reading a recording with DuckDB and
laying out a few hundred nodes take up to a second or two; the plots keep running meanwhile.
The analytics are numpy only; DuckDB and pyarrow are usually in already (the warm-up thread,
gui/warmup.py), else this thread imports them, never the GUI's. The result it hands over is
small (the top ``max_nodes`` series), so drawing it on the GUI thread is quick too.

When a request carries the previous graph (only the threshold, the top count, the layout or
the unlinked nodes changed), no data is read and no correlation recomputed.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from ...analytics.activity import ActivityMatrix, from_recording, from_store, from_table
from ...analytics.depgraph import Cancelled, DependencyGraph, build_graph
from ...analytics.graph_layout import circle_layout, spring_layout
from ...store.live import LiveStore

log = logging.getLogger(__name__)

LAYOUTS = ("spring", "circle")
#: The graph opens on this many series (the busiest), adjustable in the window ("Top").
TOP_SERIES = 30
#: How many of the busiest series are correlated: what "Top" can grow to without reading again.
POOL_SERIES = 300


@dataclass
class GraphRequest:
    """What to compute. Exactly one of ``recording`` (a folder), ``file`` (an importable file) or ``store``."""

    recording: Path | None = None
    file: Path | None = None
    file_options: dict = field(default_factory=dict)
    store: LiveStore | None = None
    since: float | None = None  # the live window's start (epoch seconds)
    patterns: list[str] = field(default_factory=list)
    threshold: float = 0.6
    max_lag: int = 1
    transform: str = "rate"
    max_series: int = POOL_SERIES  # the busiest correlated: the pool the top ones are drawn from
    max_nodes: int = TOP_SERIES  # the graph: the busiest this many
    layout: str = "spring"
    show_unlinked: bool = False
    previous: DependencyGraph | None = None  # reuse its correlations: only threshold/layout changed


@dataclass
class GraphResult:
    graph: DependencyGraph
    shown: np.ndarray  # node indices drawn
    positions: np.ndarray  # (len(shown), 2)
    request: GraphRequest


def compute(request: GraphRequest, progress, cancel: threading.Event) -> GraphResult:
    """The whole job (any thread): data → graph → layout. Raises ``Cancelled`` when ``cancel`` is set."""

    def report(fraction: float, what: str) -> None:
        if cancel.is_set():
            raise Cancelled()
        progress(fraction, what)

    if request.previous is not None:
        report(0.1, "applying the threshold")
        graph = request.previous.with_threshold(request.threshold, request.max_nodes)
    else:
        report(0.0, "reading the data")
        matrix = read_matrix(request)
        if not matrix.series:
            raise ValueError("no series matches " + ", ".join(request.patterns))
        graph = build_graph(
            matrix,
            threshold=request.threshold,
            max_lag=request.max_lag,
            transform=request.transform,
            max_series=max(request.max_series, request.max_nodes),
            max_nodes=request.max_nodes,
            progress=lambda f, what: report(0.2 + 0.6 * f, what),
        )
    report(0.85, "laying out")
    shown, positions = lay_out(graph, request.layout, request.show_unlinked)
    report(1.0, "done")
    return GraphResult(graph, shown, positions, request)


def read_matrix(request: GraphRequest) -> ActivityMatrix:
    if request.recording is not None:
        return from_recording(request.recording, patterns=request.patterns)
    if request.file is not None:
        from ...store.recording import flatten
        from ..sources.recording import import_file

        return from_table(
            flatten(import_file(request.file, **request.file_options)), patterns=request.patterns
        )
    if request.store is not None:
        return from_store(request.store, since=request.since, patterns=request.patterns)
    raise ValueError("nothing to read: choose a recording or a live source")


def lay_out(graph: DependencyGraph, layout: str, show_unlinked: bool) -> tuple[np.ndarray, np.ndarray]:
    """(node indices to draw, their positions): linked nodes (all with ``show_unlinked``), by cluster."""
    shown = np.arange(len(graph.nodes)) if show_unlinked else np.array(graph.linked(), dtype=np.intp)
    where = {int(n): i for i, n in enumerate(shown)}
    pairs = np.array([(where[e.a], where[e.b]) for e in graph.edges], dtype=np.intp).reshape(-1, 2)
    weights = np.array([e.strength for e in graph.edges])
    if layout == "circle":
        # round the circle cluster by cluster, the unclustered last
        clusters = np.array([graph.nodes[i].cluster for i in shown])
        order = np.lexsort((shown, np.where(clusters == 0, np.iinfo(np.int64).max, clusters)))
        rank = np.empty(len(shown), dtype=np.intp)
        rank[order] = np.arange(len(shown))
        return shown, circle_layout(len(shown), rank)
    return shown, spring_layout(len(shown), pairs, weights)


class GraphWorker(QObject):
    """Runs one ``compute`` at a time in a thread; a new start cancels the one before (its result is dropped)."""

    progress = Signal(float, str)
    finished = Signal(object)  # GraphResult
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._current = 0
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._cancel.is_set()

    def start(self, request: GraphRequest) -> None:
        self.cancel()
        job = self._current = next(self._ids)
        cancel = self._cancel = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(job, request, cancel), name="depgraph", daemon=True
        )
        self._thread.start()
        self.running_changed.emit(True)

    def cancel(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._cancel.set()
            self.running_changed.emit(False)

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, job: int, request: GraphRequest, cancel: threading.Event) -> None:
        def progress(fraction: float, what: str) -> None:
            if job == self._current:
                self._emit(self.progress, fraction, what)

        try:
            result = compute(request, progress, cancel)
        except Cancelled:
            return
        except (ValueError, KeyError, OSError) as exc:
            self._finish(job, cancel, self.failed, str(exc).strip("'\""))
            return
        except Exception as exc:
            log.exception("dependency graph failed")
            self._finish(job, cancel, self.failed, f"{type(exc).__name__}: {exc}")
            return
        self._finish(job, cancel, self.finished, result)

    def _finish(self, job: int, cancel: threading.Event, signal, payload) -> None:
        if job != self._current or cancel.is_set():
            return  # a newer job or a cancel made this one moot
        self._emit(self.running_changed, False)
        self._emit(signal, payload)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window is gone
            pass
