"""The agent: one backend, one sink, a duration, and its own health stream.

The runner checks the script first (a bad script fails before anything
starts), runs the backend in the calling thread until it ends, ``stop`` is set
or ``duration`` seconds pass (0 = until stopped, as in the seed IDE), numbers
every snapshot (``run`` id and ``seq``, so a desk can drop a redelivered copy),
and reports the drops stream whenever the sink or the tracer lost something
(running totals, after each interval and once more when the run ends, so the
last report counts the last interval's drops too).

The sink is any callable taking a list of snapshots: the AMQP publisher on a
traced host, or the live store in-process for the embedded default. A sink
with a ``report`` method (the publisher) gets the drops reports there, apart
from the data, so the overflow they report cannot drop them; any other sink
gets them with the data.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable

from ..schema import Snapshot
from .backend import Backend, Output
from .drops import drops_snapshot

log = logging.getLogger(__name__)

Sink = Callable[[list[Snapshot]], None]


class AgentRunner:
    """Run a backend into a sink."""

    def __init__(
        self,
        backend: Backend,
        sink: Sink,
        duration: float = 0.0,
        output: Output | None = None,
        sink_drops: Callable[[], int] | None = None,
    ):
        self.backend = backend
        self.sink = sink
        self.duration = duration
        self.output = output or (lambda text: None)
        #: Reads how many messages the sink has dropped so far (the publisher's buffer).
        self.sink_drops = sink_drops
        #: Where drops reports go: the sink's own report slot if it has one, else the sink.
        self.report: Callable[[Snapshot], None] = getattr(sink, "report", None) or (lambda snap: sink([snap]))
        self.run_id = uuid.uuid4().hex[:12]
        self.stop_event = threading.Event()
        self.seq = 0
        self.snapshots = 0
        self.intervals = 0
        self._reported_sink_drops = 0

    def stop(self) -> None:
        self.stop_event.set()

    def run(self) -> None:
        """Check, then trace until done. Raises lang.ScriptError for a bad script."""
        self.backend.check()
        timer = None
        if self.duration > 0:
            timer = threading.Timer(self.duration, self.stop_event.set)
            timer.daemon = True
            timer.start()
        try:
            self.backend.run(self._emit, self.stop_event, self.output)
        finally:
            if timer:
                timer.cancel()
            self._report_drops()

    def _emit(self, snapshots: list[Snapshot]) -> None:
        run = self.run_id
        seq = self.seq
        for snap in snapshots:
            seq += 1
            snap.seq = seq
            snap.run = run
        self.seq = seq
        self.intervals += 1
        self.snapshots += len(snapshots)
        self.sink(snapshots)
        self._report_drops()

    def _report_drops(self) -> None:
        """Report the sink's drops so far (a running total) if they grew since the last report."""
        if self.sink_drops is None:
            return
        dropped = self.sink_drops()
        if dropped <= self._reported_sink_drops:
            return
        self._reported_sink_drops = dropped
        drops = drops_snapshot(
            self.backend.host, {"publish_buffer": dropped}, self.backend.interval, time.time()
        )
        self.seq += 1
        drops.seq, drops.run = self.seq, self.run_id
        self.report(drops)
