"""The open sources, in one place, with signals the panes listen to.

Panes never hold a source the registry has dropped: removing one stops it,
emits ``removed``, and its store goes with it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from .base import Source


class SourceRegistry(QObject):
    added = Signal(object)
    removed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sources: list[Source] = []

    def __iter__(self):
        return iter(list(self._sources))

    def __len__(self) -> int:
        return len(self._sources)

    def add(self, source: Source) -> Source:
        names = {s.name for s in self._sources}
        base, n = source.name, 2
        while source.name in names:  # names identify sources in workspaces: keep them unique
            source.name = f"{base} ({n})"
            n += 1
        self._sources.append(source)
        self.added.emit(source)
        return source

    def remove(self, source: Source) -> None:
        if source in self._sources:
            self._sources.remove(source)
            source.stop()
            self.removed.emit(source)

    def by_name(self, name: str) -> Source | None:
        return next((s for s in self._sources if s.name == name), None)

    def stop_all(self) -> None:
        for source in list(self._sources):
            source.stop()


def source_from_config(config: dict) -> Source:
    """Open a source again from what ``Source.to_config`` kept (workspace files, QSettings)."""
    kind = config.get("kind")
    if kind == "embedded":
        from .embedded import EmbeddedSource

        return EmbeddedSource(config.get("name", "this machine (sampler)"), config.get("interval", 1.0))
    if kind == "broker":
        from .broker import BrokerSource

        return BrokerSource(
            config["url"],
            config.get("bindings"),
            config.get("legacy_queues"),
            config.get("exchange", "suricate"),
            config.get("tls_ca"),
            config.get("name"),
            status_exchange=config.get("status_exchange"),
            job_queue=config.get("job_queue") or "suricate.jobs",
            workers=bool(config.get("workers", True)),
        )
    if kind == "recording":
        from .recording import RecordingSource

        return RecordingSource.from_config(config)
    raise ValueError(f"cannot reopen a source of kind {kind!r}")
