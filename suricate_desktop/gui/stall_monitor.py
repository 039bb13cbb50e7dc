"""How long the GUI thread stops answering: the longest gap between turns of its event loop.

A user feels a freeze as the window not repainting or not taking a click; both wait for the
GUI thread to get back to its event loop. ``StallMonitor`` measures that directly: a
``QTimer`` every ``interval_ms`` (10 ms) on the GUI thread notes the time of each tick, and a
gap between two ticks longer than the interval is time the loop was busy elsewhere. The
longest gap since ``reset()`` is the action's worst stall (``longest_ms``); each gap over
``threshold_ms`` is kept with the label of the action that was being measured, and with the
GUI thread's own CPU time in it (``time.thread_time``): on a loaded machine a gap is also time
spent waiting for a core, which says nothing about the code; the CPU time does.

It is a measuring tool for ``bench/gui_stalls.py`` (and anyone who wants to look): the
figures depend on the machine and its load, so the tests assert where work runs (threads,
progress, cancel), not these milliseconds.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer

INTERVAL_MS = 10
THRESHOLD_MS = 100.0


@dataclass
class Stall:
    label: str
    ms: float
    at: float  # perf_counter() at the end of the gap
    cpu_ms: float  # of it, the GUI thread's own CPU time (the rest: waiting for the GIL, a lock, the CPU)
    #: Where the GUI thread was while it did not answer (with ``stacks=True``): the innermost frames.
    where: list[str] = field(default_factory=list)


class StallMonitor(QObject):
    """Notes the gaps between ticks of a fast timer on the thread it lives in (make it on the GUI thread)."""

    def __init__(
        self,
        interval_ms: int = INTERVAL_MS,
        threshold_ms: float = THRESHOLD_MS,
        parent: QObject | None = None,
        stacks: bool = False,
    ):
        super().__init__(parent)
        self._gui_thread = threading.get_ident()
        self._stacks = stacks
        self._where: list[str] = []
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()
        self.interval_ms = interval_ms
        self.threshold_ms = threshold_ms
        self.label = ""
        self.stalls: list[Stall] = []
        self.longest_ms = 0.0
        #: The GUI thread's CPU time during that longest gap: what it did itself, apart from waiting.
        self.longest_cpu_ms = 0.0
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()
        if self._stacks and self._watcher is None:
            self._stop.clear()
            self._watcher = threading.Thread(target=self._watch, name="stall-watch", daemon=True)
            self._watcher.start()

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        self._watcher = None

    def _watch(self) -> None:
        """With ``stacks``: note where the GUI thread is once it is late by half the threshold."""
        late_s = self.threshold_ms / 2e3
        noted = 0.0
        while not self._stop.wait(0.005):
            last = self._last
            if time.perf_counter() - last > late_s and noted != last:
                noted = last
                frame = sys._current_frames().get(self._gui_thread)
                if frame is not None:
                    self._where = [
                        f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}"
                        for f in traceback.extract_stack(frame)[-12:]
                    ]

    def reset(self, label: str = "") -> None:
        """Start measuring an action: the longest gap counts from now."""
        self.label = label
        self.longest_ms = self.longest_cpu_ms = 0.0
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap_ms, cpu_ms = (now - self._last) * 1e3, (cpu - self._last_cpu) * 1e3
        self._last, self._last_cpu = now, cpu
        if gap_ms > self.longest_ms:
            self.longest_ms, self.longest_cpu_ms = gap_ms, cpu_ms
        if gap_ms > self.threshold_ms:
            self.stalls.append(Stall(self.label, gap_ms, now, cpu_ms, self._where))
        self._where = []
