"""Recordings: snapshots on disk as Parquet segments, one long table.

A recording is a folder of ``segment-NNNNNN.parquet`` files plus
``recording.json`` (when it started, what it bound, which queue it reads). The
writer keeps the snapshots it is handed in memory and, about once a second (or
sooner when it holds many), writes them as one segment: first to a hidden
``.tmp`` file, fsync'd, then renamed into place, so a segment is either whole or
absent. It tells its consumer what is on disk, and the consumer acks only that:
a crash loses nothing the broker holds (what was not written was not acked, and
comes again).

Every segment has the same columns (``SCHEMA``), one row per entry, one row
per bucket for histograms and one per field for bpftrace stats, so the whole
folder opens as one table in pandas (``read_frame``) and DuckDB (``connect``:
``SELECT ... FROM recording``), and ``iter_snapshots`` rebuilds the exact
snapshots for replay. A snapshot with no entries (an interval in which nothing
happened) is kept as one row whose ``key_json`` is null: replay gives it back,
and the tables for analysis (``read_table``, ``connect``) leave it out, so they
stay one row per entry.

Several recorders can share one recording (``suricate record --shared-queue``,
competing consumers of one quorum queue): each writes its segments into
``instances/<instance>/`` (``SharedRecordingWriter``), so no two write the same
file name, and ``segments`` lists those too, so every reader sees the union.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..schema import BUCKET_KINDS, SCHEMA_VERSION, STATS_KINDS, Snapshot

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

log = logging.getLogger(__name__)

SEGMENT_GLOB = "segment-*.parquet"
#: A shared recording's writers each keep their segments in a folder of their own under this one.
INSTANCES_DIR = "instances"
META_FILE = "recording.json"
#: A writer writes a segment early when it holds this many snapshots, or this many entries.
DEFAULT_MAX_PENDING = 10_000
DEFAULT_MAX_PENDING_ENTRIES = 200_000
#: How many recent snapshots' ids a consumer starting on an existing recording remembers.
RECENT_IDS = 100_000
STATS_FIELDS = ("count", "average", "total")

SCHEMA = pa.schema(
    [
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("host", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("agg", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("delta", pa.bool_(), nullable=False),
        pa.field("interval", pa.float64(), nullable=False),
        pa.field("run", pa.string(), nullable=False),
        pa.field("seq", pa.int64(), nullable=False),
        pa.field("snapshot", pa.int64(), nullable=False),
        # key, key_json and value are null on the one row that keeps a snapshot with no entries
        pa.field("key", pa.string()),
        pa.field("key_json", pa.string()),
        pa.field("field", pa.string()),
        pa.field("lo", pa.int64()),
        pa.field("hi", pa.int64()),
        pa.field("value", pa.float64()),
    ],
    metadata={"suricate.schema_version": str(SCHEMA_VERSION)},
)


class RecordingWriter:
    """A sink that writes what it is handed to Parquet segments, one a second, and says what is on disk.

    Call it with batches of snapshots from any thread; its own thread does the
    flattening and the writing, so the consumer never waits on the disk. It is a
    *durable sink* (``transport.consumer.DurableSink``): each call returns a
    ticket (how many snapshots it has been handed so far), ``stored()`` says how
    many of them are in segments on disk, so a consumer acks a message only once
    it is written. It writes a segment early when it holds ``max_pending``
    snapshots or ``max_pending_entries`` entries, which bounds its memory and
    keeps the consumer's unacked messages below the broker's prefetch.

    If a segment cannot be written (disk full, a value Parquet cannot hold), the
    thread stops writing and keeps the reason in ``error`` and ``failure`` (one
    line, naming the snapshot when a value is at fault); ``stored()`` stays
    where it was, so nothing more is acked, and ``close()`` raises the error.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        rotate_seconds: float = 1.0,
        meta: dict[str, Any] | None = None,
        max_pending: int = DEFAULT_MAX_PENDING,
        max_pending_entries: int = DEFAULT_MAX_PENDING_ENTRIES,
    ):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.rotate_seconds = rotate_seconds
        self.max_pending = max_pending
        self.max_pending_entries = max_pending_entries
        self._pending: list[Snapshot] = []
        self._pending_entries = 0
        self._handed = 0
        self._stored = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        existing = segments(self.folder)
        self._segment = _segment_number(existing[-1]) if existing else 0
        self._snapshot = self._last_snapshot_number(existing[-1]) + 1 if existing else 0
        self.segments_written = 0
        self.rows_written = 0
        self.snapshots_written = 0
        self.error: BaseException | None = None
        #: One line: which segment could not be written and why ("" while all is well).
        self.failure = ""
        self._write_meta(meta or {})
        self._thread = threading.Thread(target=self._run, name="recording-writer", daemon=True)
        self._thread.start()

    def __call__(self, snapshots: Iterable[Snapshot]) -> int:
        """Take a batch to write; its ticket: how many snapshots were handed so far, these included."""
        snapshots = list(snapshots)
        entries = sum(len(s.entries) for s in snapshots)
        with self._lock:
            if self.error is None:  # a failed writer stores nothing more: hold nothing more
                self._pending.extend(snapshots)
                self._pending_entries += entries
            self._handed += len(snapshots)
            ticket = self._handed
            full = len(self._pending) >= self.max_pending or self._pending_entries >= self.max_pending_entries
        if full:
            self._wake.set()
        return ticket

    def stored(self) -> int:
        """How many of the snapshots handed so far are in segments on disk (they are written in order)."""
        return self._stored

    def write_now(self) -> None:
        """Write what is held without waiting for the rotation (a consumer about to stop asks for it)."""
        self._wake.set()

    def stored_ids(self, limit: int = RECENT_IDS) -> list[tuple[str, str, str, str, int]]:
        """(host, source, aggregation, run, seq) of the newest ``limit`` or so snapshots on disk, oldest first.

        A consumer that starts on an existing recording remembers them, so a message the
        broker redelivers after a crash (written, not yet acked) is not written twice.
        """
        return recent_ids(self.folder, limit)

    def close(self) -> None:
        """Write what is pending and stop the writer thread."""
        self._closing = True
        self._wake.set()
        self._thread.join()
        if self.error:
            raise self.error

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.rotate_seconds)
            self._wake.clear()
            closing = self._closing
            with self._lock:
                batch, self._pending = self._pending, []
                self._pending_entries = 0
                through = self._handed
            if batch:
                try:
                    self._write_segment(batch)
                except (
                    BaseException
                ) as exc:  # kept for stored(), failure and close(): nothing more is written
                    where = self.folder / _segment_name(self._segment + 1)
                    self.failure = f"cannot write {where}: {_describe(exc)}"
                    log.info("recording: %s", self.failure)  # the owner (record, the GUI) says it
                    with self._lock:
                        self.error = exc
                        self._pending = []
                    return
            self._stored = through
            if closing:
                return

    def _write_segment(self, batch: list[Snapshot]) -> None:
        try:
            table = flatten(batch, first_snapshot=self._snapshot)
        except (OverflowError, TypeError, ValueError, pa.ArrowException) as exc:
            raise SegmentValueError(f"{_culprit(batch)}: {type(exc).__name__}: {exc}") from exc
        self._segment += 1
        final = self.folder / _segment_name(self._segment)
        tmp = self.folder / f".{final.name}.tmp"
        try:
            with open(tmp, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            self._segment -= 1
            tmp.unlink(missing_ok=True)
            raise
        self._snapshot += len(batch)
        self.segments_written += 1
        self.rows_written += table.num_rows
        self.snapshots_written += len(batch)

    def _write_meta(self, meta: dict[str, Any]) -> None:
        if (self.folder / META_FILE).exists():
            return
        _replace_meta(self.folder, {"schema_version": SCHEMA_VERSION, "started": time.time(), **meta})

    @staticmethod
    def _last_snapshot_number(segment: Path) -> int:
        column = pq.read_table(segment, columns=["snapshot"]).column("snapshot")
        return int(pa.compute.max(column).as_py())


class SegmentValueError(ValueError):
    """A snapshot holds a value the segment's columns cannot (an integer past int64, say)."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, (SegmentValueError, OSError)):
        return str(
            exc
        )  # "web01.syscalls.num run r1 seq 5: OverflowError: ...", "[Errno 28] No space left on device"
    return f"{type(exc).__name__}: {exc}"


def _culprit(batch: list[Snapshot]) -> str:
    """Name the first snapshot of a batch that cannot be flattened (only looked for once a batch failed)."""
    for snap in batch:
        try:
            flatten([snap])
        except Exception:
            return f"snapshot {snap.routing_key} run {snap.run or '-'} seq {snap.seq}"
    return f"a batch of {len(batch)} snapshots"


def _segment_name(number: int) -> str:
    return f"segment-{number:06d}.parquet"


def _segment_number(path: Path) -> int:
    return int(path.stem.split("-")[1])


def _is_segment(path: Path) -> bool:
    return path.stem.split("-")[1].isdigit()


# -- the recording's meta ------------------------------------------------------------------------------------------------
def read_meta(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The recording's ``recording.json`` ({} when there is none or it cannot be read)."""
    try:
        doc = json.loads((Path(folder) / META_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def update_meta(folder: str | os.PathLike[str], fields: dict[str, Any]) -> None:
    """Set ``fields`` in the recording's meta (written atomically; the other fields kept)."""
    _replace_meta(Path(folder), {**read_meta(folder), **fields})


def _replace_meta(folder: Path, doc: dict[str, Any]) -> None:
    tmp = folder / f".{META_FILE}.tmp"
    tmp.write_text(json.dumps(doc, indent=2))
    os.replace(tmp, folder / META_FILE)


def recent_ids(
    folder: str | os.PathLike[str], limit: int = RECENT_IDS
) -> list[tuple[str, str, str, str, int]]:
    """(host, source, aggregation, run, seq) of the snapshots of the newest segments, at least ``limit``
    of them when the recording holds that many (whole segments are read), oldest first."""
    chunks: list[list[tuple[str, str, str, str, int]]] = []
    count = 0
    for part in reversed(segments(folder)):
        if count >= limit:
            break
        table = pq.read_table(part, columns=["host", "source", "agg", "run", "seq", "snapshot"])
        if table.num_rows == 0:
            continue
        numbers = table.column("snapshot").to_numpy()
        first_rows = np.flatnonzero(np.concatenate(([True], numbers[1:] != numbers[:-1])))
        table = table.take(pa.array(first_rows))
        ids = list(
            zip(
                *(table.column(name).to_pylist() for name in ("host", "source", "agg", "run", "seq")),
                strict=True,
            )
        )
        chunks.append(ids)
        count += len(ids)
    return [i for chunk in reversed(chunks) for i in chunk]


def flatten(batch: list[Snapshot], first_snapshot: int = 0) -> pa.Table:
    """One row per entry (per bucket, per stats field) of each snapshot."""
    counts: list[int] = []
    keys: list[list[str | int] | None] = []
    fields: list[str | None] = []
    los: list[int | None] = []
    his: list[int | None] = []
    values: list[float | None] = []
    for snap in batch:
        kind = snap.kind
        before = len(values)
        if kind in BUCKET_KINDS:
            for key, buckets in snap.entries:
                for (lo, hi), count in buckets:
                    keys.append(key)
                    los.append(lo)
                    his.append(hi)
                    values.append(count)
            n = len(values) - before
            fields.extend([None] * n)
        elif kind in STATS_KINDS:
            for key, stats in snap.entries:
                for name in STATS_FIELDS:
                    keys.append(key)
                    fields.append(name)
                    values.append(stats[name])
            n = len(values) - before
            los.extend([None] * n)
            his.extend([None] * n)
        else:
            for key, value in snap.entries:
                keys.append(key)
                values.append(value)
            n = len(values) - before
            fields.extend([None] * n)
            los.extend([None] * n)
            his.extend([None] * n)
        if n == 0:  # nothing happened in this interval: one row says so, or replay would lose the interval
            keys.append(None)
            values.append(None)
            fields.append(None)
            los.append(None)
            his.append(None)
            n = 1
        counts.append(n)
    take = pa.array(np.repeat(np.arange(len(batch)), counts))

    def per_snapshot(values_: list[Any], type_: pa.DataType) -> pa.Array:
        return pa.array(values_, type=type_).take(take)

    columns = {
        "ts": per_snapshot([int(s.ts * 1_000_000) for s in batch], pa.int64()).cast(
            pa.timestamp("us", tz="UTC")
        ),
        "host": per_snapshot([s.host for s in batch], pa.string()),
        "source": per_snapshot([s.source for s in batch], pa.string()),
        "agg": per_snapshot([s.agg for s in batch], pa.string()),
        "kind": per_snapshot([s.kind for s in batch], pa.string()),
        "delta": per_snapshot([s.delta for s in batch], pa.bool_()),
        "interval": per_snapshot([s.interval for s in batch], pa.float64()),
        "run": per_snapshot([s.run for s in batch], pa.string()),
        "seq": per_snapshot([s.seq for s in batch], pa.int64()),
        "snapshot": per_snapshot(list(range(first_snapshot, first_snapshot + len(batch))), pa.int64()),
        "key": pa.array([None if k is None else ",".join(map(str, k)) for k in keys], pa.string()),
        "key_json": pa.array([None if k is None else orjson.dumps(k).decode() for k in keys], pa.string()),
        "field": pa.array(fields, pa.string()),
        "lo": pa.array(los, pa.int64()),
        "hi": pa.array(his, pa.int64()),
        "value": pa.array(values, pa.float64()),
    }
    return pa.table(columns, schema=SCHEMA)


# -- reading -------------------------------------------------------------------------------------------------------------
def segments(folder: str | os.PathLike[str]) -> list[Path]:
    """The complete segments of a recording, oldest first (half-written ``.tmp`` files are not segments).

    A shared recording's instances' segments (``instances/*/``) come after the folder's own,
    merged in the order they were written (their modification times)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no recording at {folder}")
    # By number: past segment 999,999 the names grow a digit.
    own = sorted(filter(_is_segment, folder.glob(SEGMENT_GLOB)), key=_segment_number)
    shared = folder / INSTANCES_DIR
    if not shared.is_dir():
        return own
    parts = [p for d in shared.iterdir() if d.is_dir() for p in d.glob(SEGMENT_GLOB) if _is_segment(p)]
    return own + sorted(parts, key=lambda p: (p.stat().st_mtime_ns, p.parent.name, _segment_number(p)))


def read_table(folder: str | os.PathLike[str], columns: list[str] | None = None) -> pa.Table:
    """The whole recording as one Arrow table."""
    parts = segments(folder)
    if not parts:
        return SCHEMA.empty_table() if columns is None else SCHEMA.empty_table().select(columns)
    entries = pc.field("key_json").is_valid()  # not the rows that only keep an empty snapshot
    return pa.concat_tables(pq.read_table(p, columns=columns, schema=SCHEMA, filters=entries) for p in parts)


def read_frame(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """The whole recording as one pandas DataFrame, one row per entry."""
    return read_table(folder).to_pandas()


def connect(folder: str | os.PathLike[str], database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection where the recording is the view ``recording``."""
    import duckdb

    con = duckdb.connect(database)
    parts = [str(p) for p in segments(folder)]
    if parts:
        con.execute(
            f"CREATE VIEW recording AS SELECT * FROM read_parquet({parts!r}) WHERE key_json IS NOT NULL"
        )
    else:
        con.register(
            "recording", SCHEMA.empty_table()
        )  # the same columns, no rows: queries run, find nothing
    return con


def iter_snapshots(
    folder: str | os.PathLike[str], stream: tuple[str, str, str] | None = None
) -> Iterator[Snapshot]:
    """The recorded snapshots, rebuilt exactly (keys with their types), in recorded order.

    ``stream`` (host, source, aggregation): only that stream's snapshots; the filter is
    applied as each segment is read, so the other streams' rows are never rebuilt.
    """
    filters = None
    if stream is not None:
        host, source, agg = stream
        filters = [("host", "=", host), ("source", "=", source), ("agg", "=", agg)]
    for part in segments(folder):
        table = pq.read_table(part, schema=SCHEMA, filters=filters)
        cols = {name: table.column(name).to_pylist() for name in SCHEMA.names if name not in ("ts",)}
        ts = (table.column("ts").cast(pa.int64()).to_numpy() / 1_000_000).tolist()
        snap_ids = cols["snapshot"]
        start = 0
        n = len(snap_ids)
        while start < n:
            end = start
            while end < n and snap_ids[end] == snap_ids[start]:
                end += 1
            yield _rebuild(cols, ts, start, end)
            start = end


def _rebuild(cols: dict[str, list[Any]], ts: list[float], start: int, end: int) -> Snapshot:
    kind = cols["kind"][start]
    keys = [orjson.loads(k) for k in cols["key_json"][start:end] if k is not None]
    values = cols["value"][start:end]
    entries: list[list[Any]] = []
    if not keys:
        pass  # a snapshot with no entries
    elif kind in BUCKET_KINDS:
        by_key: dict[tuple[str | int, ...], list[list[Any]]] = {}
        for key, lo, hi, value in zip(
            keys, cols["lo"][start:end], cols["hi"][start:end], values, strict=False
        ):
            by_key.setdefault(tuple(key), []).append([[lo, hi], int(value)])
        entries = [[list(k), b] for k, b in by_key.items()]
    elif kind in STATS_KINDS:
        stats: dict[tuple[str | int, ...], dict[str, int | float]] = {}
        for key, name, value in zip(keys, cols["field"][start:end], values, strict=False):
            stats.setdefault(tuple(key), {})[name] = _number(value)
        entries = [[list(k), s] for k, s in stats.items()]
    else:
        entries = [[key, _number(value)] for key, value in zip(keys, values, strict=False)]
    return Snapshot(
        cols["host"][start],
        cols["source"][start],
        cols["agg"][start],
        kind,
        ts[start],
        cols["interval"][start],
        cols["delta"][start],
        entries,
        cols["seq"][start],
        cols["run"][start],
    )


def _number(value: float) -> int | float:
    """Integral values go back on the wire as integers, as they came."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
