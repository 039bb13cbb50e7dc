"""A recording (or another tool's imported file) played into a store on a timeline.

This is the workbench's recording player without the workbench: it needs no
Qt, so the console, a script or a test can drive it as the timeline does
(``gui/sources/recording.py`` makes it a source of the sources pane).

``RecordingPlayer`` fills its LiveStore with the recording's snapshots up to a
*play position* (a time of the recording, epoch seconds), so the plots show
what a live desk showed at that moment: snapshots keep their original times,
and plots window on the newest data they hold.

* **Position.** Paused, it stays put; playing, it advances at ``speed`` times
  real time (1x ... 100x), or, at ``speed = 0`` ("max"), as fast as the
  snapshots can be read, jumping from one snapshot's time to the next. At the
  end the state is ``"ended"`` (or, with ``loop``, play starts over). A
  recording still being written is followed: at its end, new segments are
  looked for before ending.
* **Seek.** Forward: the snapshots up to the new position are ingested.
  Backward (or forward by more than ``lookback``): the store is cleared and
  refilled from ``lookback`` seconds before the position (what the store can
  hold at the recording's usual interval, at most 15 minutes by default), so
  after a seek the store's newest time is that of the last snapshot at or
  before the position, and the plots scroll to it as the refill goes. ``resets`` counts the clears
  (a plot can use it to drop what it cached). Cumulative views after a
  refill count from where the refill started.
* **Threads.** A worker thread (``recording-player``) reads and ingests; the
  caller's thread (the GUI's) only sets the position, speed and play state
  under a lock, and reads ``position``/``state``. Opening reads only footers
  on the caller's thread (the first and last times, and the usual interval
  from the first segment's statistics when it holds one interval). Measured on the bundled
  recording (8 streams, up to 600 columns): ingesting one recorded second
  takes 0.25 ms (median) but up to 85 ms when streams first grow their
  columns, and decoding one 10 s segment (Parquet read and snapshot rebuild)
  34 ms on average, 150 ms at most; a QTimer on the GUI thread would stall
  the window that long, so a thread does it. Ingesting is done in batches of
  at most 256 snapshots, so the store's lock is never held long.
* **Memory.** A recording folder is read one segment at a time; where a
  position falls is found by bisecting the segments' Parquet statistics
  (first and last time), so opening or seeking a week-long recording reads
  a few segment footers, not the recording. Another tool's file (dtrace(1)
  text, a bpftrace JSON log, CSV) is imported into memory when opened, by the
  ``importer`` the caller gives (use ``suricate import`` first for very large
  files).
"""

from __future__ import annotations

import bisect
import logging
import math
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, cast

from ..schema import Snapshot
from .live import LiveStore

# The Parquet side (.importers, .recording: pyarrow) loads with the first recording opened, not with
# the workbench's window (gui/sources/recording.py imports this module at start-up).

log = logging.getLogger(__name__)

#: Speeds the timeline offers; 0 is "as fast as possible".
SPEEDS = (1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 0.0)
_BATCH = 256
_FRAME = 1 / 60  # the worker wakes at most this often when playing at a pace
_IDLE_POLL = 1.0  # a recording being written is checked for new segments this often at its end

#: Reads a file that is not a recording (another tool's output) as snapshots.
Importer = Callable[[Path], list[Snapshot]]


# --------------------------------------------------------------------------- where snapshots come from


class _Chunks(Protocol):
    """A recording cut into chunks in time order (a folder's segments, or imported snapshots)."""

    def __len__(self) -> int: ...

    def span(self, i: int) -> tuple[float, float] | None: ...

    def load(self, i: int) -> list[Snapshot]: ...

    def intervals(self, i: int) -> list[float]: ...

    def refresh(self) -> bool: ...


class _SegmentChunks:
    """A recording folder's segments, their time spans read lazily from Parquet statistics."""

    def __init__(self, folder: Path):
        from .recording import segments

        self.folder = folder
        self.files = segments(folder)
        self._spans: list[tuple[float, float] | bool | None] = [False] * len(
            self.files
        )  # False: not read yet

    def __len__(self) -> int:
        return len(self.files)

    def span(self, i: int) -> tuple[float, float] | None:
        got = self._spans[i]
        if got is False:
            from .importers import segment_span

            got = self._spans[i] = segment_span(self.files[i])
        return cast("tuple[float, float] | None", got)

    def load(self, i: int) -> list[Snapshot]:
        from .importers import read_segment

        return read_segment(self.files[i])

    def intervals(self, i: int) -> list[float]:
        import pyarrow.parquet as pq

        # A segment of one interval says so in its footer's statistics: no rows read (a millisecond
        # where reading them took tens, on the GUI thread that opens the recording).
        meta = pq.ParquetFile(self.files[i]).metadata
        if "interval" in meta.schema.names:
            column = meta.schema.names.index("interval")
            stats = [meta.row_group(g).column(column).statistics for g in range(meta.num_row_groups)]
            if stats and all(st is not None and st.has_min_max for st in stats):
                values = {float(v) for st in stats for v in (st.min, st.max)}
                if len(values) == 1:
                    return [values.pop()]
        return cast(
            "list[float]",
            pq.read_table(self.files[i], columns=["interval", "snapshot"])
            .group_by("snapshot")
            .aggregate([("interval", "max")])
            .column("interval_max")
            .to_pylist(),
        )

    def refresh(self) -> bool:
        """Pick up segments written since; True when there are new ones."""
        from .recording import segments

        files = segments(self.folder)
        if len(files) <= len(self.files):
            return False
        self._spans += [False] * (len(files) - len(self.files))
        self.files = files
        return True


class _MemoryChunks:
    """Imported snapshots held in memory, cut into chunks of ``seconds`` of recorded time."""

    def __init__(self, snaps: list[Snapshot], seconds: float = 10.0):
        snaps = sorted(snaps, key=lambda s: s.ts)
        self.chunks: list[list[Snapshot]] = []
        for s in snaps:
            if not self.chunks or s.ts - self.chunks[-1][0].ts >= seconds:
                self.chunks.append([])
            self.chunks[-1].append(s)

    def __len__(self) -> int:
        return len(self.chunks)

    def span(self, i: int) -> tuple[float, float] | None:
        c = self.chunks[i]
        return (c[0].ts, c[-1].ts) if c else None

    def load(self, i: int) -> list[Snapshot]:
        return self.chunks[i]

    def intervals(self, i: int) -> list[float]:
        return [s.interval for s in self.chunks[i]]

    def refresh(self) -> bool:
        return False


class _EndOfSpan:
    """Bisect key over chunks: each chunk's last time (an empty chunk takes its predecessor's)."""

    def __init__(self, chunks: _Chunks):
        self.chunks = chunks

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, i: int) -> float:
        while i >= 0:
            span = self.chunks.span(i)
            if span is not None:
                return span[1]
            i -= 1
        return -math.inf


# --------------------------------------------------------------------------- the player


class RecordingPlayer:
    """A recording folder (or an imported file) played into a LiveStore.

    ``speed``: 1.0 is real time, 0.0 as fast as possible; ``loop``: start over
    at the end; ``position``: where to start (default: the recording's start);
    ``autoplay``: start playing at once; ``store``: the store to fill (a new one
    by default); ``lookback``: seconds a refill after a seek reaches back (see
    the module docstring). ``importer`` reads ``path`` when it is a file rather
    than a folder (or one of its segments). Raises FileNotFoundError when the
    path does not exist and ValueError when it holds nothing to play.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        speed: float = 1.0,
        loop: bool = False,
        position: float | None = None,
        autoplay: bool = True,
        store: LiveStore | None = None,
        lookback: float | None = None,
        importer: Importer | None = None,
    ):
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"no recording at {self.path}")
        self.store = store if store is not None else LiveStore()
        self._chunks: _Chunks
        if self.path.is_dir():
            self._chunks = _SegmentChunks(self.path)
            if not len(self._chunks):
                raise ValueError(f"{self.path} holds no recording segments (segment-*.parquet)")
        elif self.path.suffix == ".parquet":
            self.path = self.path.parent
            self._chunks = _SegmentChunks(self.path)
        else:
            if importer is None:
                raise ValueError(f"{self.path} is not a recording folder (import it with 'suricate import')")
            snaps = importer(self.path)
            if not snaps:
                raise ValueError(f"found no snapshots in {self.path}")
            self._chunks = _MemoryChunks(snaps)
        first = next((s for s in map(self._chunks.span, range(len(self._chunks))) if s is not None), None)
        if first is None:
            raise ValueError(f"{self.path} holds no snapshots")
        self.start = first[0]
        self.end = self._last_end()
        #: The recording's usual interval between snapshots (the step of step_forward/back).
        self.step = self._usual_interval()
        #: How far back a refill reaches: what the store holds at the usual interval, at most 15 minutes
        #: (a refill reads every segment in it: 900 one-second segments take a few seconds).
        self.lookback = (
            float(lookback) if lookback is not None else min(self.store.capacity * self.step, 900.0)
        )
        #: Times the store was cleared to refill it (seeking back, looping).
        self.resets = 0
        if speed < 0:
            raise ValueError("speed must be >= 0 (0 = as fast as possible)")
        self.loop = loop
        self._cond = threading.Condition()
        self._speed = float(speed)
        self._playing = False
        self._ended = False
        self._anchor_pos = self._clamp(self.start if position is None else position)
        self._anchor_mono = time.monotonic()
        self._gen = 1  # bumped by every seek; the worker compares
        self._closing = False
        self._error: BaseException | None = None
        self._caught_up = False
        # worker-only state
        self._seen_gen = 0
        self._ci = 0
        self._batch: list[Snapshot] = []
        self._si = 0
        self._ingested_ts = -math.inf
        self._thread = threading.Thread(target=self._run, name="recording-player", daemon=True)
        self._thread.start()
        if autoplay:
            self.play()

    # -- what the GUI reads ------------------------------------------------------------------------------------------
    @property
    def span(self) -> float:
        return self.end - self.start

    @property
    def position(self) -> float:
        """The play position: a time of the recording, epoch seconds."""
        with self._cond:
            return self._now()

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        self.set_speed(value)

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def state(self) -> str:
        if self._error is not None:
            return "error"
        if self._playing:
            return "playing"
        return "ended" if self._ended else "paused"

    @property
    def detail(self) -> str:
        return str(self._error) if self._error is not None else ""

    @property
    def caught_up(self) -> bool:
        """True when the store holds every snapshot up to the position (and the last seek was handled)."""
        with self._cond:
            return self._caught_up and self._seen_gen == self._gen

    def counters(self) -> dict[str, int]:
        return {"received": self.store.snapshots, "rejected": 0}

    def chunks(self) -> tuple[int, Callable[[int], list[Snapshot]]]:
        """(how many chunks, a loader of chunk i): the whole recording in recorded order, a segment at a time,
        for a reader in another thread (a rules backtest) that must not disturb playback."""
        return len(self._chunks), self._chunks.load

    def snapshots(self) -> Iterator[Snapshot]:
        """Every recorded snapshot, played or not, one chunk at a time (the console's ``ws.recording``)."""
        for i in range(len(self._chunks)):
            yield from self._chunks.load(i)

    def read_span(
        self, stream: Sequence[str], start: float | None = None, end: float | None = None
    ) -> LiveStore:
        """One stream's snapshots between ``start`` and ``end`` (the whole recording by default), in a
        store of their own: what a model learns from, read from the files, whatever is playing."""
        lo = self.start if start is None else float(start)
        hi = self.end if end is None else float(end)
        wanted = tuple(stream)
        picked: list[Snapshot] = []
        for i in range(len(self._chunks)):
            span = self._chunks.span(i)
            if span is None or span[1] < lo or span[0] > hi:
                continue
            picked += [s for s in self._chunks.load(i) if s.stream == wanted and lo <= s.ts <= hi]
        store = LiveStore(capacity=max(len(picked), 1), max_columns=self.store.max_columns)
        store.ingest(picked)
        return store

    # -- what a viewer does ------------------------------------------------------------------------------------------
    def play(self) -> None:
        with self._cond:
            if self._ended or self._now() >= self.end:
                self._seek_locked(self.start)
            self._anchor_pos = self._now()
            self._anchor_mono = time.monotonic()
            self._playing = True
            self._ended = False
            self._caught_up = False
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._anchor_pos = self._now()
            self._anchor_mono = time.monotonic()
            self._playing = False
            self._caught_up = False
            self._cond.notify_all()

    def toggle(self) -> None:
        """Play if paused or ended, pause if playing."""
        if self._playing:
            self.pause()
        else:
            self.play()

    def seek(self, ts: float) -> None:
        """Move the position to ``ts`` (clamped to the recording); playing goes on from there."""
        with self._cond:
            self._seek_locked(ts)
            self._cond.notify_all()

    def seek_relative(self, seconds: float) -> None:
        with self._cond:
            self._seek_locked(self._now() + seconds)
            self._cond.notify_all()

    def step_forward(self, steps: int = 1) -> None:
        """Pause and move ``steps`` usual intervals forward."""
        self.pause()
        self.seek_relative(steps * self.step)

    def step_back(self, steps: int = 1) -> None:
        """Pause and move ``steps`` usual intervals back."""
        self.pause()
        self.seek_relative(-steps * self.step)

    def set_speed(self, speed: float) -> None:
        """1.0 = real time, 10.0 = ten times faster, 0.0 = as fast as possible."""
        if speed < 0 or not math.isfinite(speed):
            raise ValueError("speed must be a finite number >= 0 (0 = as fast as possible)")
        with self._cond:
            self._anchor_pos = self._now()
            self._anchor_mono = time.monotonic()
            self._speed = float(speed)
            self._caught_up = False
            self._cond.notify_all()

    def stop(self) -> None:
        """Stop the worker (idempotent); the store keeps what it holds."""
        with self._cond:
            self._closing = True
            self._playing = False
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    # -- internals (callers hold self._cond) -------------------------------------------------------------------------
    def _now(self) -> float:
        if self._playing and self._speed > 0:
            pos = self._anchor_pos + (time.monotonic() - self._anchor_mono) * self._speed
            return min(pos, self.end)
        return self._anchor_pos

    def _seek_locked(self, ts: float) -> None:
        self._anchor_pos = self._clamp(ts)
        self._anchor_mono = time.monotonic()
        self._ended = False
        self._gen += 1
        self._caught_up = False

    def _clamp(self, ts: float) -> float:
        return min(max(float(ts), self.start), self.end)

    def _last_end(self) -> float:
        for i in range(len(self._chunks) - 1, -1, -1):
            span = self._chunks.span(i)
            if span is not None:
                return span[1]
        return self.start

    def _usual_interval(self) -> float:
        try:
            sample = [v for v in self._chunks.intervals(0) if v and v > 0]
        except (OSError, ValueError, KeyError):  # the worker reports read errors; the step has a default
            sample = []
        return float(statistics.median(sample)) if sample else 1.0

    # -- the worker --------------------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # keep it for state/detail; the GUI shows it
            log.exception("recording %s: playback failed", self.path)
            with self._cond:
                self._error = exc
                self._playing = False

    def _work(self) -> None:
        while True:
            with self._cond:
                if self._closing:
                    return
                gen = self._gen
                playing, speed = self._playing, self._speed
                target = self._now()
            if gen != self._seen_gen:
                self._seen_gen = gen
                if target < self._ingested_ts or target - self._ingested_ts > self.lookback:
                    self._reset(target)
            if playing and speed == 0:
                done = self._ingest(math.inf, limit=_BATCH)
                with self._cond:
                    if self._gen == gen and self._ingested_ts > -math.inf:
                        self._anchor_pos = max(self._anchor_pos, min(self._ingested_ts, self.end))
                        self._anchor_mono = time.monotonic()
                if not done:
                    time.sleep(0.001)  # let the GUI thread have the interpreter between batches
                    continue
            elif not self._ingest(target):
                continue  # a seek came in: start over with it
            exhausted = self._next_ts() is None
            if playing and exhausted and (speed == 0 or target >= self.end):
                if self._follow():
                    continue
                with self._cond:
                    if self._gen != gen or not self._playing:
                        continue
                    if self.loop:
                        self._seek_locked(self.start)
                        continue
                    self._playing = False
                    self._ended = True
                    self._anchor_pos = self.end
            with self._cond:
                if self._closing or self._gen != gen:
                    continue
                nxt = self._next_ts()
                self._caught_up = nxt is None or nxt > self._now()
                if not self._playing:
                    # paused after this pass read its target: go round again up to the paused position
                    # (waiting here left the store short of it until the next play or seek)
                    if self._caught_up:
                        self._cond.wait()
                    continue
                if self._speed == 0:
                    continue
                wait = _IDLE_POLL if nxt is None else (nxt - self._now()) / self._speed
                if nxt is None and self.end > self._now():
                    wait = (self.end - self._now()) / self._speed
                self._cond.wait(min(max(wait, _FRAME), 0.25))

    def _follow(self) -> bool:
        """At the end of a folder being written: pick up new segments."""
        try:
            grew = self._chunks.refresh()
        except OSError:
            return False
        if grew:
            end = self._last_end()
            with self._cond:
                self.end = max(self.end, end)
        return grew

    def _reset(self, target: float) -> None:
        """Clear the store and put the cursor where a refill up to ``target`` must start."""
        if self._ingested_ts > -math.inf:
            self.resets += 1
        self.store.clear()
        self._ingested_ts = -math.inf
        since = target - self.lookback
        ends = _EndOfSpan(self._chunks)
        self._ci = min(bisect.bisect_left(ends, since), len(self._chunks) - 1)
        self._batch = self._chunks.load(self._ci)
        self._si = bisect.bisect_left([s.ts for s in self._batch], since)

    def _next_ts(self) -> float | None:
        """Time of the next snapshot to ingest (loading the next chunks as needed), None at the end."""
        while self._si >= len(self._batch):
            if self._ci + 1 >= len(self._chunks):
                return None
            self._ci += 1
            self._batch = self._chunks.load(self._ci)
            self._si = 0
        return self._batch[self._si].ts

    def _ingest(self, target: float, limit: int | None = None) -> bool:
        """Ingest the snapshots up to ``target`` in batches; False if a seek interrupted it.

        With ``limit``, ingest at most that many and return whether the
        recording is exhausted.
        """
        gen = self._seen_gen
        while True:
            batch: list[Snapshot] = []
            while len(batch) < _BATCH:
                nxt = self._next_ts()
                if nxt is None or nxt > target:
                    break
                batch.append(self._batch[self._si])
                self._si += 1
            if batch:
                self.store.ingest(batch)
                self._ingested_ts = max(self._ingested_ts, batch[-1].ts)
            if limit is not None:
                return self._next_ts() is None
            if len(batch) < _BATCH:
                return True
            with self._cond:
                if self._gen != gen or self._closing:
                    return False
