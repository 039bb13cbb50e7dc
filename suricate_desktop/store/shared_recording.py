"""One recording written by several recorders at once (``suricate record --shared-queue``).

Why it exists: one recorder is one process, and a fleet can outgrow it. Several
recorders consume one durable quorum queue as competing consumers, so each message
goes to one of them; each writes its own segments, in ``instances/<instance>/`` of the
recording folder (``RecordingWriter`` unchanged, in a folder of its own: no two
recorders ever write the same file name), and every reader of the folder
(``recording.segments``: DuckDB, pandas, replay) sees the union.

Each row is in the union once: a recorder acks only what is on disk, as alone; what a
recorder that crashed had written but not acked is redelivered to another, which then
looks at what the other instances wrote (``stored_elsewhere``, asked by the consumer on
a redelivered message) and drops those copies. A recorder cut from the broker while it
lives drops what it holds and has not begun to write (``discard_pending``, asked by the
consumer when its connection is lost): the broker gives those messages to whichever
recorder comes first, and that one writes them. docs/sharding.md says where this stops (a
segment being written at the very moment of the cut).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..schema import Snapshot
from .recording import (
    INSTANCES_DIR,
    RECENT_IDS,
    SEGMENT_GLOB,
    RecordingWriter,
    _is_segment,
    _segment_number,
    recent_ids,
)

SnapshotId = tuple[str, str, str, str, int]


class SharedRecordingWriter(RecordingWriter):
    """A ``RecordingWriter`` for one of several recorders of a recording: its segments in
    ``<folder>/instances/<instance>/``; the other instances' ids on request."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        instance: str,
        rotate_seconds: float = 1.0,
        meta: dict[str, Any] | None = None,
        **kw: Any,
    ):
        if not instance or instance in (".", "..") or "/" in instance or os.sep in instance:
            raise ValueError(f"instance name {instance!r}: a plain folder name")
        self.root = Path(folder)
        self.instance = instance
        #: Of each other instance, its newest segment the last time its ids were read.
        self._looked: dict[str, Path | None] = {}
        super().__init__(self.root / INSTANCES_DIR / instance, rotate_seconds, meta, **kw)

    def stored_ids(self, limit: int = RECENT_IDS) -> list[SnapshotId]:
        """The newest ids of the whole recording (every instance's), for a consumer that starts."""
        for name, folder in self._others():
            self._looked[name] = _newest(folder)
        return recent_ids(self.root, limit)

    def stored_elsewhere(self, limit: int = RECENT_IDS) -> list[SnapshotId]:
        """The newest ids of every other instance that wrote a segment since the last call.

        A recorder that dies leaves unacked at most its prefetch (30,000 deliveries), all
        among the newest it wrote; the broker redelivers them only once it is gone, so by then
        its segments are final and the newest ``limit`` ids cover every copy."""
        ids: list[SnapshotId] = []
        for name, folder in self._others():
            newest = _newest(folder)
            if newest is None or newest == self._looked.get(name):
                continue
            self._looked[name] = newest
            ids.extend(recent_ids(folder, limit))
        return ids

    def discard_pending(self) -> list[Snapshot]:
        """Drop what is held and not yet being written; what was dropped.

        The consumer's connection is gone: the broker redelivers those messages, perhaps to
        another recorder, which writes them; written here too they would be doubled."""
        with self._lock:
            dropped, self._pending = self._pending, []
            self._pending_entries = 0
        return dropped

    def _others(self) -> list[tuple[str, Path]]:
        shared = self.root / INSTANCES_DIR
        return [(d.name, d) for d in sorted(shared.iterdir()) if d.is_dir() and d.name != self.instance]


def _newest(folder: Path) -> Path | None:
    parts = [p for p in folder.glob(SEGMENT_GLOB) if _is_segment(p)]
    return max(parts, key=_segment_number) if parts else None
