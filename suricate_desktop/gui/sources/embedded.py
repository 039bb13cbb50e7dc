"""The embedded default: the unprivileged sampler in-process, live data with no broker and no root."""

from __future__ import annotations

from ...agent.embedded import EmbeddedAgent
from .base import Source


class EmbeddedSource(Source):
    kind = "embedded"

    def __init__(self, name: str = "this machine (sampler)", interval: float = 1.0):
        super().__init__(name)
        self.interval = interval
        self.agent = EmbeddedAgent(self.store, interval=interval).start()

    @property
    def state(self) -> str:
        if self.agent.error is not None:
            return "error"
        return "running" if self.agent.running else "stopped"

    @property
    def detail(self) -> str:
        return str(self.agent.error or "")

    def stop(self) -> None:
        self.agent.stop()

    def to_config(self) -> dict:
        return {**super().to_config(), "interval": self.interval}
