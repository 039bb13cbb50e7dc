"""The embedded default: an agent running inside the desk, with no broker.

The GUI opens on this, so that a newcomer without a broker or root sees live
plots at once: the unprivileged sampler's snapshots go straight into the
in-process store, in a thread of their own.
"""

from __future__ import annotations

import threading

from .backend import Backend
from .runner import AgentRunner, Sink


class EmbeddedAgent:
    """A backend feeding a sink (the live store) from a daemon thread."""

    def __init__(self, sink: Sink, backend: Backend | None = None, interval: float = 1.0):
        if backend is None:
            from .backends.sampler import SamplerBackend

            backend = SamplerBackend("", interval=interval, source="sampler")
        self.runner = AgentRunner(backend, sink)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"embedded-{backend.name}", daemon=True)

    def start(self) -> EmbeddedAgent:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.runner.stop()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            self.runner.run()
        except BaseException as exc:  # surfaced by the GUI's sources pane
            self.error = exc
