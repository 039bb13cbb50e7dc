"""Python's cyclic garbage collection, in the GUI thread only, while a main window is open.

Why: any thread that allocates can trigger Python's cyclic collector, which then destroys the
Qt objects held by unreachable cycles of Python wrappers *in that thread*. A QObject destroyed
outside the GUI thread takes Qt's connection locks and then waits for the GIL, while the GUI
thread holds the GIL and waits for those locks: the application freezes for good. (Seen in the
test suite: a collection set off by the recording player's JSON decoding deleted a menu's
actions in the player's thread.) The known cure is pyqtgraph's ``GarbageCollector``: automatic
collection off, each generation collected on a GUI-thread timer once its threshold is passed.
It is process-wide, so it is held while any main window lives and undone when the last one
shuts down.

While gui/warmup.py imports in its thread (``importing`` set), the checks collect nothing: a
collection then would scan every object the imports have made so far, just before the warm-up
freezes them (``gc.freeze``), and held the GUI thread 50-130 ms right after start-up.
"""

from __future__ import annotations

import gc
import threading

from pyqtgraph.util.garbage_collector import GarbageCollector

INTERVAL = 0.5  # seconds between the GUI thread's checks of the collection thresholds
#: Set while modules are imported ahead of use (gui/warmup.py): collections wait until it is clear.
importing = threading.Event()


class _Collector(GarbageCollector):
    def check(self):
        if importing.is_set():
            return
        self.threshold = gc.get_threshold()  # as set now: runtime.tune_for_ingest raises them after start-up
        super().check()


_holders = 0
_collector: _Collector | None = None


def hold() -> None:
    """Collect in the GUI thread from now on (call from the GUI thread)."""
    global _holders, _collector
    _holders += 1
    if _collector is None:
        _collector = _Collector(interval=INTERVAL)


def release() -> None:
    """One holder fewer; with none left, automatic collection (in any thread) comes back."""
    global _holders, _collector
    _holders = max(0, _holders - 1)
    if _holders == 0 and _collector is not None:
        _collector.timer.stop()
        _collector = None
        gc.enable()
        gc.collect()  # what piled up since the last check, here in the GUI thread
