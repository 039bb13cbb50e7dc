"""The models behind the rules' ``model:NAME`` scorers in the workbench, read away from the GUI thread.

Read in the GUI thread, a large model froze the window for seconds at every save in the Models dock. So
the panel starts a ``ModelsRead`` (``analytics.model_reads``: only the models whose files changed) in its
``rule-models`` thread and takes its result on its events timer, as it takes a backtest's. This module
does not import Qt: the job is a thread and an event, polled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...analytics.model_reads import Cache, ModelsRead

if TYPE_CHECKING:
    from ...analytics.registry import ModelRegistry


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
