"""SIGINT/SIGTERM handling for the long-running commands: stop cleanly, exit 0."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType


def on_terminate(stop: Callable[[], None]) -> None:
    """Call ``stop`` on SIGINT or SIGTERM (once; a second Ctrl-C still interrupts)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        signal.signal(signum, signal.SIG_DFL)
        stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
