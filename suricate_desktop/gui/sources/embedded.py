"""Where the window's data comes from, each with a name and a state for the status bar."""

from __future__ import annotations

from ..agent.embedded import EmbeddedAgent
from ..store.live import LiveStore


class EmbeddedSource:
    """The unprivileged sampler, in-process: live data with no broker and no root."""

    name = "sampler (embedded)"

    def __init__(self, store: LiveStore, interval: float = 1.0):
        self.agent = EmbeddedAgent(store, interval=interval).start()

    @property
    def state(self) -> str:
        if self.agent.error is not None:
            return f"error: {self.agent.error}"
        return "running" if self.agent.running else "stopped"

    def stop(self) -> None:
        self.agent.stop()
