"""What the player's tests (store/player.py) and the GUI source's (gui/sources/recording.py) share.

Both open the bundled recording, with several players per test, and compare what a store holds with
the recording's snapshots up to a play position.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from suricate_desktop.store.recording import iter_snapshots


def in_time_order(folder: Path) -> list[Any]:
    """Every snapshot of a recording, in time order."""
    return sorted(iter_snapshots(folder), key=lambda s: s.ts)


@contextlib.contextmanager
def opener(cls: type) -> Iterator[Callable[..., Any]]:
    """A function that opens players of ``cls`` (not playing until asked); all stopped at the end."""
    sources = []

    def open_(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("autoplay", False)
        src = cls(*args, **kwargs)
        sources.append(src)
        return src

    try:
        yield open_
    finally:
        for src in sources:
            src.stop()


def newest(store: Any) -> float:
    return max(info.last_ts for info in store.streams())


def expected_newest(recorded: list[Any], position: float) -> float:
    return max(s.ts for s in recorded if s.ts <= position)
