"""Reading a registry's models again, and only those whose files changed: for the rules' ``model:NAME``
scorers, which follow a models folder while it changes (the workbench's rules panel, ``suricate rules
run --models``).

Why a job of its own: reading a model can take seconds (an ``iforest`` over 20 keys refits its forests as
it loads: 2-3 s), and the folder is read again whenever a model is saved or deleted. A model whose
description file is the one already read (``ModelRegistry.stamp``: the same path, inode, size and time;
a save replaces that file last) is not read again, so a save rereads the model saved only. A model that
was read before and can no longer be (a file edited by hand) keeps its last good version, said once;
one never read is left out, said too. The job runs in the caller's thread (``read``) or in a
``rule-models`` thread of its own (``start``, then wait for ``finished``).
"""

from __future__ import annotations

import threading
from typing import Any

from .registry import Model, ModelRegistry

#: (stamp, model) per model name, as the last read left them
Cache = dict[str, tuple[Any, Model]]


def stamps(registry: ModelRegistry) -> dict[str, Any]:
    """Each model's stamp: what tells, without reading them, that the folder's models changed."""
    return {name: registry.stamp(name) for name in registry.names()}


class ModelsRead:
    """Reads ``names`` from ``registry``, reusing ``cache``'s models whose stamps still hold. Once
    ``finished`` is set: ``models`` (name → model), ``problems`` (one line per model that could not be
    read, naming it and why) and ``cache`` (for the next read). ``cancel()`` stops it between two models;
    its result is then not to be used."""

    def __init__(self, registry: ModelRegistry | None, names: list[str], cache: Cache):
        self.registry = registry
        self.names = list(names)
        self.models: dict[str, Model] = {}
        self.problems: list[str] = []
        self.cache: Cache = {}
        self.finished = threading.Event()
        self._previous = dict(cache)
        self._stop = threading.Event()

    def start(self) -> ModelsRead:
        threading.Thread(target=self.read, name="rule-models", daemon=True).start()
        return self

    def cancel(self) -> None:
        self._stop.set()

    def read(self) -> ModelsRead:
        try:
            for name in self.names:
                if self._stop.is_set() or self.registry is None:
                    break
                known = self._previous.get(name)
                try:
                    stamp = self.registry.stamp(name)
                    if known is not None and stamp is not None and known[0] == stamp:
                        model = known[1]
                    else:
                        model = self.registry.load(name)
                except Exception as exc:  # one model's fault must not leave the others out
                    why = (
                        str(exc) if isinstance(exc, (OSError, ValueError)) else f"{type(exc).__name__}: {exc}"
                    )
                    if known is None:
                        self.problems.append(f"Model {name} left out of the rules: {why}")
                        continue
                    self.problems.append(f"Model {name} cannot be read again, its last version kept: {why}")
                    stamp, model = known
                self.models[name] = model
                self.cache[name] = (stamp, model)
        finally:
            self.finished.set()
        return self
