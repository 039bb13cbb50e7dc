"""Interpreter settings for the processes that ingest streams (the workbench, ``suricate record``).

Decoded batches are many short-lived containers. With Python's default
collector thresholds they set off full collections of up to ~90 ms that hold
the GIL (bench/gui.py) and cost a consumer a third of its throughput
(bench/ingest.py). A larger first generation, and freezing what was built at
start-up out of the collector's sight, keep collections short; a 1 ms switch
interval hands the GIL back to a GUI thread promptly.
"""

from __future__ import annotations

import gc
import sys


def tune_for_ingest() -> None:
    """Call once, after start-up objects are built."""
    gc.set_threshold(100_000, 20, 100)
    gc.freeze()
    sys.setswitchinterval(0.001)
