"""What every tracing backend provides to the agent.

A backend owns one tracer (bpftrace, libdtrace through python-dtrace, the
dtrace(1) command, or the psutil sampler) running one script, and turns each
interval's aggregations into Snapshots. The agent runner around it assigns
sequence numbers, enforces the duration and hands the snapshots to a sink (the
AMQP publisher, or an in-process store for the embedded default).
"""

from __future__ import annotations

import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

from ..schema import Snapshot

#: Receives each interval's snapshots, in the backend's thread.
Emit = Callable[[list[Snapshot]], None]
#: Receives the script's printf/trace output, a chunk of text at a time.
Output = Callable[[str], None]


class Backend(ABC):
    """One tracer running one script."""

    #: The name used on the command line (``--backend NAME``).
    name: ClassVar[str]

    def __init__(
        self, script: str, *, interval: float = 1.0, host: str | None = None, source: str = "script"
    ) -> None:
        self.script = script
        self.interval = interval
        self.host = host or socket.gethostname().split(".")[0]
        self.source = source

    def check(self) -> None:  # noqa: B027 -- optional: the sampler has nothing to compile
        """Compile the script without running it; raise lang.ScriptError at its line.

        Called before anything starts so a bad script fails fast and clearly.
        """

    @abstractmethod
    def run(self, emit: Emit, stop: threading.Event, output: Output) -> None:
        """Trace until ``stop`` is set or the tracer ends; call ``emit`` once per interval.

        Returns after emitting what the tracer had when it stopped. Raises
        lang.ScriptError if the tracer rejects the script, RuntimeError for
        other tracer failures (with the tracer's own message).
        """
