"""The models behind the rules' ``model:NAME`` scorers, read away from the GUI thread.

Reading a model can take seconds (an ``iforest`` over 20 keys refits its forests as it loads: 2-3 s), and
the panel reads the Models dock's folder again whenever a model is saved or deleted or the workspace
changes folder. Read in the GUI thread, that froze the window for as long. So a ``ModelsRead`` job reads
them in a ``rule-models`` thread and the panel takes its result on its events timer, as it takes a
backtest's. A model whose description file is the one already read (``ModelRegistry.stamp``: the same
path, inode, size and time; a save replaces that file last) is not read again, so saving one model
rereads that model only.

This module does not import Qt: the job is a thread and an event, polled.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...analytics.registry import Model, ModelRegistry

#: (stamp, model) per model name, as the last read left them
Cache = dict[str, tuple[Any, "Model"]]


class ModelsRead:
    """Reads ``names`` from ``registry`` in the ``rule-models`` thread, reusing ``cache``'s models whose
    stamps still hold. Once ``finished`` is set: ``models`` (name → model), ``problems`` (one line per model
    that could not be read, naming it and why) and ``cache`` (for the next read). ``cancel()`` stops it
    between two models; its result is then not to be used."""

    def __init__(self, registry: ModelRegistry | None, names: list[str], cache: Cache):
        self.registry = registry
        self.names = list(names)
        self.models: dict[str, Model] = {}
        self.problems: list[str] = []
        self.cache: Cache = {}
        self.finished = threading.Event()
        self._previous = dict(cache)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rule-models", daemon=True)

    def start(self) -> ModelsRead:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            for name in self.names:
                if self._stop.is_set() or self.registry is None:
                    return
                try:
                    stamp = self.registry.stamp(name)
                    known = self._previous.get(name)
                    if known is not None and stamp is not None and known[0] == stamp:
                        model = known[1]
                    else:
                        model = self.registry.load(name)
                except (OSError, ValueError) as exc:  # UntrustedModelError is a ValueError
                    self.problems.append(f"Model {name} left out of the rules: {exc}")
                    continue
                except Exception as exc:  # a fault of one model's reader must not leave the others out
                    self.problems.append(f"Model {name} left out of the rules: {type(exc).__name__}: {exc}")
                    continue
                self.models[name] = model
                self.cache[name] = (stamp, model)
        finally:
            self.finished.set()


class RuleModels:
    """The rules' ``model:NAME`` scorers of a registry: read in the background (``reload``), registered with
    the rules once read (``take``). Until then a rule naming a model being read is valid and scores nothing
    (``rules.ModelBeingRead``); a model that cannot be read is left out, and its rules say so at their line."""

    def __init__(self) -> None:
        self._job: ModelsRead | None = None
        self._cache: Cache = {}

    @property
    def pending(self) -> bool:
        """Whether a read is under way (or done and not taken yet)."""
        return self._job is not None

    def reload(self, registry: ModelRegistry | None) -> None:
        """Read ``registry``'s models again (None, or a folder that does not exist: no models); a read under
        way is cancelled. Listing the folder is the only disk access on the caller's thread."""
        from ...rules import expect_models

        if registry is not None and not registry.root.is_dir():
            registry = None
        names = registry.names() if registry is not None else []
        expect_models(names)
        self.cancel()
        self._job = ModelsRead(registry, names, self._cache).start()

    def take(self) -> list[str] | None:
        """When the read has finished: register its models as the rules' (replacing those before) and return
        its problems; None while it runs or when there is none."""
        from ...rules import register_models

        job = self._job
        if job is None or not job.finished.is_set():
            return None
        self._job = None
        self._cache = job.cache
        register_models(job.models, replace=True)
        return job.problems

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
