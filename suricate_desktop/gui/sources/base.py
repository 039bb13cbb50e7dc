"""What the workbench knows of a data source: a name, a state, counters, and its own store.

Every source (the embedded sampler, a broker's consumer, a legacy queue, a
local or remote run, an open recording) fills a LiveStore of its own in its own
thread; plots read a (store, stream) pair on the frame timer. Keeping one store
per source keeps a recording's streams apart from the live ones with the same
names, and closing a source frees its memory.
"""

from __future__ import annotations

from typing import ClassVar

from ...store.live import LiveStore


class Source:
    """Base of every source shown in the sources pane."""

    #: "embedded", "broker", "recording", "run", ...; also the workspace file's "kind".
    kind: ClassVar[str] = "source"

    def __init__(self, name: str, store: LiveStore | None = None):
        self.name = name
        self.store = store if store is not None else LiveStore()

    @property
    def state(self) -> str:
        """One word the user reads: running, connected, reconnecting, paused, stopped, error, failed."""
        return "running"

    @property
    def detail(self) -> str:
        """Why the state is what it is (an error's reason), or ""."""
        return ""

    def counters(self) -> dict[str, int]:
        """Monotonic counters for rates: ``received`` snapshots and ``rejected`` messages."""
        return {"received": self.store.snapshots, "rejected": 0}

    def stop(self) -> None:
        """Stop feeding the store (idempotent)."""

    def to_config(self) -> dict:
        """What the workspace file keeps to open this source again."""
        return {"kind": self.kind, "name": self.name}
