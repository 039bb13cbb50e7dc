"""How long the GUI thread stops answering: the longest gap between turns of its event loop.

A user feels a freeze as the window not repainting or not taking a click; both wait for the
GUI thread to get back to its event loop. ``StallMonitor`` measures that directly: a
``QTimer`` every ``interval_ms`` (10 ms) on the GUI thread notes the time of each tick, and a
gap between two ticks longer than the interval is time the loop was busy elsewhere. The
longest gap since ``reset()`` is the action's worst stall (``longest_ms``); each gap over
``threshold_ms`` is kept with the label of the action that was being measured.

It is a measuring tool for ``bench/gui_stalls.py`` (and anyone who wants to look): the
figures depend on the machine and its load, so the tests assert where work runs (threads,
progress, cancel), not these milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer

INTERVAL_MS = 10
THRESHOLD_MS = 100.0


@dataclass
class Stall:
    label: str
    ms: float
    at: float  # perf_counter() at the end of the gap


class StallMonitor(QObject):
    """Notes the gaps between ticks of a fast timer on the thread it lives in (make it on the GUI thread)."""

    def __init__(
        self,
        interval_ms: int = INTERVAL_MS,
        threshold_ms: float = THRESHOLD_MS,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.threshold_ms = threshold_ms
        self.label = ""
        self.stalls: list[Stall] = []
        self.longest_ms = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self, label: str = "") -> None:
        """Start measuring an action: the longest gap counts from now."""
        self.label = label
        self.longest_ms = 0.0
        self._last = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap_ms = (now - self._last) * 1e3
        self._last = now
        self.longest_ms = max(self.longest_ms, gap_ms)
        if gap_ms > self.threshold_ms:
            self.stalls.append(Stall(self.label, gap_ms, now))
