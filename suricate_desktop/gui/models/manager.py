"""The learned models attached to streams, scored live off the GUI thread.

``ModelManager`` owns every attached model of the workspace, whoever attached it (the Learn
baseline dialog, "Attach saved model", the console's ``ws.models.attach``, a workspace opened) (``AttachedModel``: a name, its source, a
``LiveScorer``, what was last scored) and one worker thread. The window's slow timer calls
``tick()`` once a second: each enabled model whose previous poll has finished is polled in the
worker (``LiveScorer.poll``: the intervals that arrived since, scored from the past only, learnt
by the model's update policy, a periodic refit included). Results come back to the GUI thread
by a queued signal; plots read the copies kept here on their frame timer.

Every use of a scorer (poll, refit, marking spans, saving, loading) runs in that one worker,
so a scorer is never touched by two threads and needs no lock; a long refit delays scoring,
never the plots.

Spans: maintenance spans belong to a stream (every model of the stream leaves them out, and
so does training in the Learn baseline dialog); "expected" spans belong to a model (a shaded
anomaly the user said was fine). Both are left out of every later refit. A model over several
streams leaves out the maintenance spans of each of them.

The registry (``registry``: the workspace's models folder) is the workspace's one model
registry: the console's ``ws.models`` and the rules panel's ``model:NAME`` scorers use it too;
``registryChanged`` says when what it holds (or where it is) changed.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from ...analytics import Anomaly, LiveScorer, ModelRegistry, UntrustedModelError
from ...analytics.registry import check_model_name

if TYPE_CHECKING:
    from ..sources.base import Source

log = logging.getLogger(__name__)

#: Anomalies remembered per model (the oldest are forgotten first).
MAX_ANOMALIES = 200
#: Points of the score series a plot is given.
SCORE_POINTS = 20_000


class AttachedModel:
    """One model attached to one stream of one source, as the GUI sees it."""

    def __init__(
        self,
        name: str,
        source_name: str,
        scorer: LiveScorer,
        source=None,
        features: str = "value per key",
        training_window=None,
        enabled: bool = True,
        description: str = "",
    ):
        self.name = name
        self.source_name = source_name
        self.streams = list(scorer.streams)  # the first one is the model's primary stream
        self.stream = self.streams[0]
        self.scorer = scorer
        self.description = (
            description  # who made it, when not the Learn baseline dialog: "IsolationForest", ...
        )
        self.source = source  # None while its source is not open
        self.features = features
        self.training_window = training_window
        self.enabled = enabled
        self.anomalies: OrderedDict[float, Anomaly] = OrderedDict()  # by start time
        self.expected: list[tuple[float, float]] = []
        self.score_times = np.zeros(0)
        self.scores = np.zeros(0)
        self.version = 0  # grows when what is shown changed
        self.busy = False
        self.error = ""
        self.refits = 0
        #: the source's store clears (a recording's seeks and replays) seen: one more means score it afresh
        self.resets_seen = getattr(source, "resets", 0)

    def covers(self, source_name: str, stream: tuple) -> bool:
        """Whether this model scores ``stream`` of that source (its only stream or one of several)."""
        return source_name == self.source_name and tuple(stream) in self.streams

    @property
    def threshold(self) -> float:
        return self.scorer.threshold

    @property
    def detector(self) -> str:
        return self.scorer.template.kind

    @property
    def last_score(self) -> float | None:
        return float(self.scores[-1]) if len(self.scores) else None

    @property
    def state(self) -> str:
        if self.error:
            return "error"
        if self.source is None:
            return "no source"
        return "scoring" if self.enabled else "disabled"


class ModelManager(QObject):
    attached = Signal(object)  # AttachedModel
    detached = Signal(object)
    changed = Signal(object)  # AttachedModel: scores, anomalies, state
    spansChanged = Signal(str, tuple)  # source name, stream: maintenance spans moved
    message = Signal(str)
    _polled = Signal(object, object)  # (AttachedModel, result) from the worker
    _loaded = Signal(object, object)  # (entry, LiveScorer or error text) from the worker
    untrusted = Signal(str, str, list)  # (model name, source name, estimator types it needs): ask the user
    registryChanged = Signal()  # a model saved or deleted, or another folder (a workspace opened or saved)

    def __init__(self, folder: str | Path, parent=None):
        super().__init__(parent)
        self.registry = ModelRegistry(folder)
        self.models: list[AttachedModel] = []
        self.maintenance: dict[tuple, list[tuple[float, float]]] = {}  # (source name, stream) -> spans
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-scoring")
        self._polled.connect(self._on_polled)
        self._loaded.connect(self._on_loaded)
        self._find_source: Callable[[str], Source | None] = lambda name: None
        self._all_sources: Callable[[], list[Source]] = lambda: []

    # -- the worker ------------------------------------------------------------------------------------------------------
    def run(self, fn, *args) -> Future:
        """Run ``fn(*args)`` in the scoring worker (after what is queued); the one place scorers are used."""
        return self._worker.submit(fn, *args)

    def shutdown(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    # -- attaching -------------------------------------------------------------------------------------------------------
    def attach(
        self,
        name: str,
        source,
        scorer: LiveScorer,
        features: str = "value per key",
        training_window=None,
        enabled: bool = True,
        description: str = "",
    ) -> AttachedModel:
        """Attach a scorer to a source's stream(s) (a model trained in the dialog, loaded, or made in the console)."""
        check_model_name(name)
        if self.get(name) is not None:
            raise ValueError(f"a model named {name!r} is already attached")
        source_name = source if isinstance(source, str) else source.name
        model = AttachedModel(
            name,
            source_name,
            scorer,
            None if isinstance(source, str) else source,
            features,
            training_window,
            enabled,
            description,
        )
        if model.source is not None:
            scorer.store = model.source.store
        for stream in model.streams:
            for a, b in self.maintenance.get((source_name, stream), []):
                if not any((s[0], s[1]) == (a, b) for s in scorer.excluded):
                    scorer.exclude(a, b, "maintenance")
        model.expected = [(a, b) for a, b, why in scorer.excluded if why == "expected"]
        self.models.append(model)
        self.attached.emit(model)
        return model

    def get(self, name: str) -> AttachedModel | None:
        return next((m for m in self.models if m.name == name), None)

    def models_for(self, source_name: str, stream: tuple) -> list[AttachedModel]:
        return [m for m in self.models if m.covers(source_name, stream)]

    def detach(self, model: AttachedModel) -> None:
        """Stop scoring a model and take it off its stream (its files stay in the registry)."""
        if model in self.models:
            self.models.remove(model)
            self.detached.emit(model)

    def delete(self, model: AttachedModel) -> None:
        """Detach a model and delete its files from the registry."""
        self.detach(model)
        self.run(self.registry.delete, model.name).result()
        self.registryChanged.emit()

    def set_enabled(self, model: AttachedModel, on: bool) -> None:
        model.enabled = bool(on)
        model.version += 1
        self.changed.emit(model)

    def set_threshold(self, model: AttachedModel, threshold: float) -> None:
        def apply():
            model.scorer.threshold = float(threshold)

        self.run(apply).result()
        model.version += 1
        self.changed.emit(model)

    # -- sources come and go ---------------------------------------------------------------------------------------------
    def bind_sources(
        self,
        find_source: Callable[[str], Source | None],
        all_sources: Callable[[], list[Source]] = lambda: [],
    ) -> None:
        """How to find an open source by name (models wait for theirs), and how to list them."""
        self._find_source = find_source
        self._all_sources = all_sources

    def attach_saved(self, name: str, source_name: str = "", trusted: list[str] | None = None) -> None:
        """Load a model from the registry folder (in the worker) and attach it: to ``source_name``, or
        to the first open source that has its stream. ``trusted``: estimator types the user accepted."""
        self.run(
            self._load,
            self.registry,
            {"name": name, "source": source_name, "enabled": True, "trusted": list(trusted or [])},
        )

    def source_added(self, source) -> None:
        for model in self.models:
            if model.source is None and model.source_name == source.name:
                self._bind(model, source)
        self._adopt_waiting()

    def _adopt_waiting(self) -> None:
        """A model attached by hand before any open source had its stream (no source named): bound to the
        first source that has it, when one does. A broker's streams come with its first snapshots, so this
        is asked again on every tick, not only when a source opens."""
        for model in self.models:
            if model.source is None and not model.source_name:
                source = next(
                    (
                        s
                        for s in self._all_sources()
                        if any(i.stream == model.stream for i in s.store.streams())
                    ),
                    None,
                )
                if source is not None:
                    model.source_name = source.name
                    self._bind(model, source)

    def source_removed(self, source) -> None:
        for model in self.models:
            if model.source is source:
                model.source = None
                model.version += 1
                self.changed.emit(model)

    def _bind(self, model: AttachedModel, source) -> None:
        def rebind():
            model.scorer.store = source.store
            model.scorer.last_ts = -np.inf  # a new store: score what it holds

        self.run(rebind)
        model.source = source
        model.resets_seen = getattr(source, "resets", 0)
        model.version += 1
        self.changed.emit(model)

    # -- live scoring ----------------------------------------------------------------------------------------------------
    def tick(self) -> None:
        """Poll every enabled model whose last poll is done (the window's slow timer)."""
        self._adopt_waiting()
        for model in self.models:
            if model.enabled and model.source is not None and not model.busy:
                model.busy = True
                resets = getattr(model.source, "resets", 0)
                rewind, model.resets_seen = resets != model.resets_seen, resets
                self.run(self._poll, model, rewind)

    def _poll(self, model: AttachedModel, rewind: bool = False) -> None:
        scorer = model.scorer
        try:
            if rewind:  # replayed (or sought) since the last poll, however fast: scored again from its start
                scorer.rewind()
            found = scorer.poll()
            rewound, scorer.rewound = scorer.rewound, None
            refits = scorer.last_training
            t, s = scorer.scores()
            result = {
                "found": found,
                "rewound": rewound,
                "times": t[-SCORE_POINTS:],
                "scores": s[-SCORE_POINTS:],
                "trained": len(refits),
                "error": "",
            }
        except Exception as exc:
            log.exception("scoring %s", model.name)
            result = {"found": [], "error": f"{type(exc).__name__}: {exc}"}
        self._polled.emit(model, result)

    def _on_polled(self, model: AttachedModel, result: dict) -> None:
        model.busy = False
        if model not in self.models:
            return
        before = model.version
        if result["error"] != model.error:
            model.error = result["error"]
            model.version += 1
        rewound = result.get("rewound")
        if (
            rewound is not None
        ):  # scored again from there (a replay): its anomalies are found again, not twice
            for start in [s for s in model.anomalies if s >= rewound]:
                del model.anomalies[start]
            model.version += 1
        times = result.get("times")
        if times is not None and (
            len(times) != len(model.score_times) or (len(times) and times[-1] != model.score_times[-1])
        ):
            model.score_times, model.scores = times, result["scores"]
            model.version += 1
        for anomaly in result["found"]:
            if any(a <= anomaly.start <= b for a, b in model.expected):
                continue
            model.anomalies[anomaly.start] = Anomaly(
                anomaly.start, anomaly.end, anomaly.score, list(anomaly.keys), dict(anomaly.reasons)
            )
            model.anomalies.move_to_end(anomaly.start)
            model.version += 1
        while len(model.anomalies) > MAX_ANOMALIES:
            model.anomalies.popitem(last=False)
        if model.version != before:
            self.changed.emit(model)

    def refit(self, model: AttachedModel) -> Future:
        """Refit a model now on its sliding window (excluded spans left out)."""

        def refit():
            model.scorer.refit()
            return len(model.scorer.last_training)

        future = self.run(refit)
        future.add_done_callback(
            lambda f: self.message.emit(
                f"Refit {model.name} on {f.result()} intervals"
                if not f.exception()
                else f"Refit {model.name} failed: {f.exception()}"
            )
        )
        return future

    # -- spans -----------------------------------------------------------------------------------------------------------
    def mark_expected(self, model: AttachedModel, start: float, end: float) -> None:
        """The user says an anomaly was fine: no longer shaded as one, left out of the next refit."""
        self.run(model.scorer.mark_expected, start, end).result()
        model.expected.append((float(start), float(end)))
        for key in [k for k, a in model.anomalies.items() if start <= a.start <= end]:
            del model.anomalies[key]
        model.version += 1
        self.changed.emit(model)
        self.message.emit(f"{model.name}: marked expected; the next refit leaves it out")

    def unmark_expected(self, model: AttachedModel, start: float, end: float) -> None:
        self.run(model.scorer.forget_span, start, end).result()
        model.expected = [s for s in model.expected if s != (float(start), float(end))]
        model.version += 1
        self.changed.emit(model)

    def maintenance_spans(self, source_name: str, stream: tuple) -> list[tuple[float, float]]:
        return list(self.maintenance.get((source_name, tuple(stream)), []))

    def add_maintenance(
        self, source_name: str, stream: tuple, start: float, end: float
    ) -> tuple[float, float]:
        """Mark a span of a stream as maintenance: no model of it learns from it, nor flags it."""
        span = (float(min(start, end)), float(max(start, end)))
        key = (source_name, tuple(stream))
        self.maintenance.setdefault(key, []).append(span)
        for model in self.models_for(*key):
            self.run(model.scorer.exclude, span[0], span[1], "maintenance")
        self.spansChanged.emit(source_name, tuple(stream))
        return span

    def remove_maintenance(self, source_name: str, stream: tuple, span: tuple[float, float]) -> None:
        key = (source_name, tuple(stream))
        spans = self.maintenance.get(key, [])
        if span in spans:
            spans.remove(span)
            for model in self.models_for(*key):
                self.run(model.scorer.forget_span, span[0], span[1])
            self.spansChanged.emit(source_name, tuple(stream))

    def move_maintenance(
        self, source_name: str, stream: tuple, old: tuple, new: tuple
    ) -> tuple[float, float]:
        self.remove_maintenance(source_name, stream, old)
        return self.add_maintenance(source_name, stream, *new)

    # -- persistence -----------------------------------------------------------------------------------------------------
    def set_folder(self, folder: str | Path) -> None:
        if self.registry.root != Path(folder):
            self.registry = ModelRegistry(folder)
            self.registryChanged.emit()

    def save(self, model: AttachedModel, name: str | None = None):
        """Write a model (its detectors' state, metadata, spans) to the registry folder, under its own name or
        ``name`` (a copy); returns the stored metadata."""
        meta = self._write(model, name)
        self.registryChanged.emit()
        return meta

    def _write(self, model: AttachedModel, name: str | None = None):
        registry = self.registry

        def save():
            return model.scorer.save(registry, name or model.name, model.features, model.training_window)

        return self.run(save).result()

    def state(self, folder: str | Path | None = None, relative_to: Path | None = None) -> dict:
        """Save every model to ``folder`` (the current one by default) and describe what is attached:
        plain JSON for a workspace file or the settings; the models themselves are the registry's files."""
        if folder is not None:
            self.set_folder(folder)
        for model in self.models:
            try:
                self._write(model)
            except (OSError, ValueError) as exc:  # the others are saved, and so is what is attached
                self.message.emit(f"Cannot save model {model.name}: {exc}")
        if self.models:
            self.registryChanged.emit()
        root = self.registry.root
        if relative_to is not None:
            try:
                root = root.relative_to(relative_to)
            except ValueError:
                pass
        return {
            "folder": str(root),
            "attached": [
                {
                    "name": m.name,
                    "source": m.source_name,
                    "streams": [list(s) for s in m.streams],
                    "enabled": m.enabled,
                }
                for m in self.models
            ],
            "maintenance": [
                {"source": s, "stream": list(st), "spans": [list(x) for x in spans]}
                for (s, st), spans in self.maintenance.items()
                if spans
            ],
        }

    def restore(self, doc: dict | None, base: Path | None = None) -> list[str]:
        """Detach everything, then load what ``state()`` described (in the worker) and attach it to its
        source when that is open. Returns problems found before loading (loading errors come as messages)."""
        for model in list(self.models):
            self.detach(model)
        self.maintenance = {}
        if not doc:
            return []
        problems = []
        folder = Path(doc.get("folder") or self.registry.root)
        if not folder.is_absolute() and base is not None:
            folder = base / folder
        self.set_folder(folder)
        for item in doc.get("maintenance", []):
            try:
                key = (str(item["source"]), tuple(str(p) for p in item["stream"]))
                self.maintenance[key] = [(float(a), float(b)) for a, b in item["spans"]]
            except (KeyError, TypeError, ValueError):
                problems.append(f"maintenance spans: unreadable entry {item!r}")
        for source_name, stream in self.maintenance:
            self.spansChanged.emit(source_name, stream)
        registry = self.registry
        for entry in doc.get("attached", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                problems.append(f"model entry {entry!r} is unreadable")
                continue
            self.run(self._load, registry, entry)
        return problems

    def _load(self, registry: ModelRegistry, entry: dict) -> None:
        from ...store.live import LiveStore

        try:
            scorer = LiveScorer.load(
                LiveStore(capacity=1), registry, entry["name"], entry.get("trusted") or None
            )
        except UntrustedModelError as exc:
            if exc.types:  # a user estimator whose types nobody trusted yet: the user is asked
                self._loaded.emit(entry, exc)
                return
            self._loaded.emit(entry, f"model {entry['name']}: {exc}")
            return
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            self._loaded.emit(entry, f"model {entry['name']}: {exc}")
            return
        self._loaded.emit(entry, scorer)

    def _on_loaded(self, entry: dict, scorer) -> None:
        if isinstance(scorer, str):
            self.message.emit(f"Cannot load {scorer}")
            return
        if isinstance(scorer, UntrustedModelError):
            self.untrusted.emit(entry["name"], str(entry.get("source", "")), scorer.types)
            return
        name = entry["name"]
        if self.get(name) is not None:
            return
        source_name = str(entry.get("source", ""))
        if not source_name:  # attached by hand: the first open source with the model's stream
            source_name = next(
                (
                    s.name
                    for s in self._all_sources()
                    if any(i.stream == scorer.stream for i in s.store.streams())
                ),
                "",
            )
            if not source_name:
                self.message.emit(f"No open source has {'.'.join(scorer.stream)}: {name} waits for one")
        source = self._find_source(source_name)
        meta = scorer.meta
        model = self.attach(
            name,
            source or source_name,
            scorer,
            features=meta.features or "value per key",
            training_window=meta.training_window,
            enabled=bool(entry.get("enabled", True)),
        )
        if source is not None:
            self._bind(model, source)
