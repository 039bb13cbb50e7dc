"""Where ``ws.models`` keeps the models it attaches: a ``ModelHost``.

In the workbench the host is the Models dock's manager (gui/models/console_host.py): a model
attached from the console is one of the workspace's models, scored by the ``model-scoring``
worker, shown in the Models dock and on the plots, saved with the workspace. ``LocalModels``
is the host for ``Workspace`` used without the workbench (a script, a test): it keeps the
scorers in memory and scores them when asked (``ws.models.poll()``), in the caller's thread.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol, TypedDict

from .detectors.base import FloatArray
from .live import Anomaly, LiveScorer
from .registry import ModelMeta, ModelRegistry, check_model_name

#: Anomalies kept per model by ``LocalModels``.
MAX_ANOMALIES = 1000


class _Attached(TypedDict):
    """A model ``LocalModels`` scores."""

    source: str
    scorer: LiveScorer
    description: str
    anomalies: list[Anomaly]


class ModelHost(Protocol):
    """The attached models ``ws.models`` sees, by name. Methods may be called from any thread."""

    @property
    def registry(self) -> ModelRegistry: ...

    def add(self, name: str, source_name: str, scorer: LiveScorer, description: str) -> None:
        """Attach ``scorer`` (its store is the source's) under ``name``; ValueError if the name is taken."""

    def remove(self, name: str) -> None: ...

    def names(self) -> list[str]:
        """The attached models' names, in the order they were attached."""

    def describe(self, name: str) -> dict[str, Any] | None:
        """{source, streams, threshold, detectors, description, state, error}; None once detached."""

    def scores(self, name: str) -> tuple[FloatArray, FloatArray]: ...

    def anomalies(self, name: str) -> list[Anomaly]: ...

    def save(self, name: str, as_name: str) -> ModelMeta: ...


class LocalModels:
    """A ``ModelHost`` without threads: ``poll()`` scores every attached model once."""

    def __init__(self, registry: ModelRegistry | None) -> None:
        self._registry = registry
        self._lock = threading.Lock()
        self._models: dict[str, _Attached] = {}  # name -> {source, scorer, description, anomalies}
        self._gone: dict[
            str, dict[str, Any]
        ] = {}  # name -> last description of a model detached (a failure's reason)

    @property
    def registry(self) -> ModelRegistry:
        if self._registry is None:
            raise RuntimeError("no model registry is open")
        return self._registry

    def add(self, name: str, source_name: str, scorer: LiveScorer, description: str) -> None:
        check_model_name(name)
        with self._lock:
            if name in self._models:
                raise ValueError(f"a model named {name!r} is attached already")
            self._models[name] = {
                "source": source_name,
                "scorer": scorer,
                "description": description,
                "anomalies": [],
            }
            self._gone.pop(name, None)

    def remove(self, name: str) -> None:
        with self._lock:
            entry = self._models.pop(name, None)
            if entry is not None:
                self._gone[name] = {**self._describe(entry), "state": "detached"}

    def names(self) -> list[str]:
        with self._lock:
            return list(self._models)

    def _entry(self, name: str) -> _Attached:
        """An attached model's entry (under the lock); a model detached (by hand, or by its failure) says so."""
        entry = self._models.get(name)
        if entry is None:
            gone = self._gone.get(name)
            why = f" ({gone['state']}{': ' + gone['error'] if gone.get('error') else ''})" if gone else ""
            raise KeyError(f"no attached model {name!r}{why}; attached: {list(self._models)}")
        return entry

    def describe(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._models.get(name)
            return self._describe(entry) if entry is not None else self._gone.get(name)

    @staticmethod
    def _describe(entry: _Attached) -> dict[str, Any]:
        scorer = entry["scorer"]
        return {
            "source": entry["source"],
            "streams": list(scorer.streams),
            "threshold": scorer.threshold,
            "detectors": len(scorer.keys()),
            "description": entry["description"],
            "state": "scoring",
            "error": "",
        }

    def scores(self, name: str) -> tuple[FloatArray, FloatArray]:
        with self._lock:
            return self._entry(name)["scorer"].scores()

    def anomalies(self, name: str) -> list[Anomaly]:
        with self._lock:
            return list(self._entry(name)["anomalies"])

    def save(self, name: str, as_name: str) -> ModelMeta:
        with self._lock:
            return self._entry(name)["scorer"].save(self.registry, as_name)

    def poll(self) -> list[tuple[str, Anomaly]]:
        """Score what arrived for every model; (name, anomaly) pairs. A failing model is detached with its reason."""
        found: list[tuple[str, Anomaly]] = []
        with self._lock:
            for name, entry in list(self._models.items()):
                try:
                    new = entry["scorer"].poll()
                except Exception as exc:
                    self._gone[name] = {
                        **self._describe(entry),
                        "state": "failed",
                        "error": f"{type(exc).__name__}: {exc}",
                    }
                    del self._models[name]
                    continue
                kept = entry["anomalies"]
                for anomaly in new:
                    # an anomaly still going on is reported again, longer, by later polls: keep one entry
                    if kept and kept[-1].start == anomaly.start:
                        kept[-1] = anomaly
                    else:
                        kept.append(anomaly)
                del kept[:-MAX_ANOMALIES]
                found += [(name, a) for a in new]
        return found
