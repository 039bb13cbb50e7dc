"""CSV files as snapshots, imported snapshots as a recording, and a recording read a segment at a time.

Tracer output (dtrace(1) text, bpftrace JSON logs) is read by
``agent.importers``; this module holds what is the store's business:

* :func:`import_csv`: a CSV file in one of two shapes, told apart by the header:

  - **long**: one row per entry, columns ``ts`` (or ``timestamp``/``time``),
    ``agg``, ``value`` and optionally ``host``, ``source``, ``key``, ``kind``
    (default ``count``), ``delta`` (default true), ``interval``, ``lo``/``hi``
    (bucket kinds: one row per bucket), ``field`` (``stats``: one row per
    field) and ``key_json`` (the exact key list, as recordings keep it). Rows
    with the same ``ts``, host, source and aggregation are one snapshot.
    ``key`` is split at ``,`` into parts and all-digit parts become integers,
    as the recording's ``key`` column joins them; an empty key is ``[]``.
    A recording exported with pandas (``read_frame(rec).to_csv(...)``) reads
    back this way.
  - **wide**: ``timestamp,col1,col2,...`` (the time column is the one named
    ts/timestamp/time/date/datetime, else the first), like a NAB data file
    (``timestamp,value``): one stream, one key per column, one snapshot per
    row; empty cells are left out.

  Times are epoch seconds (milli-, micro- and nanoseconds are recognised by
  their size) or ISO 8601 dates; a date without a zone is local time. Host
  defaults to ``"imported"``, source to the file's stem, a wide file's
  aggregation to ``"values"``. A snapshot's ``interval`` is the ``interval``
  column, else the time since the stream's previous row (its first row: the
  next gap, or 1 s). Snapshots come back sorted by time.
* :func:`write_recording`: snapshots (from any importer) into a recording
  folder through :class:`~.recording.RecordingWriter`, one segment per
  ``segment_seconds`` of recorded time, so a long import is a few files that a
  player reads one at a time.
* :func:`read_segment` and :func:`segment_span`: one segment's snapshots (sorted
  by time), and its first and last times from the Parquet statistics alone, so
  a player can find its place in a long recording without reading it all.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import BUCKET_KINDS, KINDS, STATS_KINDS, Snapshot
from .recording import SCHEMA, RecordingWriter, _rebuild

DEFAULT_HOST = "imported"
_TIME_COLUMNS = ("ts", "timestamp", "time", "date", "datetime")

__all__ = ["import_csv", "read_segment", "segment_span", "write_recording"]


# --------------------------------------------------------------------------- CSV


def import_csv(
    path: str | os.PathLike[str],
    *,
    host: str | None = None,
    source: str | None = None,
    agg: str = "values",
    kind: str = "count",
    delta: bool = True,
) -> list[Snapshot]:
    """The snapshots of a CSV file, long or wide shape (see the module docstring)."""
    path = Path(path)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(16 * 1024)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        header = next(reader, None)
        if not header:
            return []
        names = [h.strip().lower() for h in header]
        stem = source or path.stem
        if "agg" in names and "value" in names and any(c in names for c in _TIME_COLUMNS):
            snaps = _long(reader, names, host or DEFAULT_HOST, stem, kind, delta, path)
        else:
            snaps = _wide(
                reader, [h.strip() for h in header], host or DEFAULT_HOST, stem, agg, kind, delta, path
            )
    snaps.sort(key=lambda s: s.ts)
    return snaps


def _long(
    reader: Iterator[list[str]], names: list[str], host: str, source: str, kind: str, delta: bool, path: Path
) -> list[Snapshot]:
    col = {name: i for i, name in enumerate(names)}
    t_col = next(col[c] for c in _TIME_COLUMNS if c in col)

    def cell(row: list[str], name: str, default: str | None = None) -> str | None:
        i = col.get(name)
        if i is None or i >= len(row):
            return default
        text = row[i].strip()
        return text if text != "" else default

    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        try:
            ts = parse_time(row[t_col])
            value = _number(cell(row, "value"))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path}:{line}: {exc}") from None
        if value is None:
            continue
        stream = (cell(row, "host", host), cell(row, "source", source), cell(row, "agg"))
        if stream[2] is None:
            raise ValueError(f"{path}:{line}: no aggregation name")
        k = cell(row, "kind", kind)
        if k not in KINDS:
            raise ValueError(f"{path}:{line}: unknown kind {k!r}")
        key_json = cell(row, "key_json")
        key = orjson.loads(key_json) if key_json else _key(cell(row, "key", ""))
        snap = groups.get((ts, *stream))
        if snap is None:
            interval = cell(row, "interval")
            d = cell(row, "delta")
            snap = groups[(ts, *stream)] = {
                "kind": k,
                "interval": float(interval) if interval else None,
                "delta": delta if d is None else d.lower() in ("1", "true", "t", "yes"),
                "entries": {},
            }
        entries = snap["entries"]
        hkey = tuple(key)
        if k in BUCKET_KINDS:
            lo, hi = cell(row, "lo"), cell(row, "hi")
            if lo is None or hi is None:
                raise ValueError(f"{path}:{line}: a {k} row needs lo and hi")
            entries.setdefault(hkey, [key, []])[1].append([[int(float(lo)), int(float(hi))], int(value)])
        elif k in STATS_KINDS:
            name = cell(row, "field")
            if name not in ("count", "average", "total"):
                raise ValueError(f"{path}:{line}: a stats row needs field count, average or total")
            entries.setdefault(hkey, [key, {}])[1][name] = value
        else:
            entries[hkey] = [key, value]
    out: list[Snapshot] = []
    last: dict[tuple[str, str, str], float] = {}
    for (ts, host_, source_, agg), g in sorted(groups.items(), key=lambda item: item[0][0]):
        sid = (host_, source_, agg)
        interval = g["interval"]
        if interval is None:
            interval = ts - last[sid] if sid in last else None
        last[sid] = ts
        out.append(
            Snapshot(
                *sid,
                g["kind"],
                ts,
                interval if interval is not None else -1.0,
                g["delta"],
                list(g["entries"].values()),
            )
        )
    _first_intervals(out)
    return out


def _wide(
    reader: Iterator[list[str]],
    header: list[str],
    host: str,
    source: str,
    agg: str,
    kind: str,
    delta: bool,
    path: Path,
) -> list[Snapshot]:
    lowered = [h.lower() for h in header]
    t_col = next((lowered.index(c) for c in _TIME_COLUMNS if c in lowered), 0)
    columns = [(i, name) for i, name in enumerate(header) if i != t_col]
    out: list[Snapshot] = []
    prev: float | None = None
    for line, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        try:
            ts = parse_time(row[t_col])
        except (ValueError, IndexError) as exc:
            raise ValueError(f"{path}:{line}: {exc}") from None
        entries: list[list[Any]] = []
        for i, name in columns:
            if i < len(row):
                try:
                    value = _number(row[i])
                except ValueError:
                    continue
                if value is not None:
                    entries.append([[name], value])
        out.append(
            Snapshot(host, source, agg, kind, ts, ts - prev if prev is not None else -1.0, delta, entries)
        )
        prev = ts
    _first_intervals(out)
    return out


def _first_intervals(snaps: list[Snapshot]) -> None:
    """A stream's first snapshot has no predecessor: its interval is the next gap, else 1 s."""
    first: dict[tuple[str, str, str], Snapshot] = {}
    for s in snaps:
        if s.interval < 0:
            first[s.stream] = s
            s.interval = 1.0
        elif s.stream in first:
            first.pop(s.stream).interval = max(s.interval, 0.0) or 1.0
        s.interval = max(s.interval, 0.0)


def parse_time(text: str) -> float:
    """Epoch seconds from a number (s, ms, us or ns by size) or an ISO 8601 date (no zone: local time)."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(value):
            raise ValueError(f"bad time {text!r}")
        for scale in (1e9, 1e6, 1e3):
            if abs(value) >= scale * 1e8:  # 1e11 s is the year 5138: such a number counts a finer unit
                return value / scale
        return value
    try:
        stamp = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"cannot read the time {text!r} (epoch seconds or ISO 8601 expected)") from None
    return stamp.timestamp()


def _number(text: str | None) -> int | float | None:
    if text is None:
        return None
    text = text.strip()
    if not text or text.lower() in ("nan", "na", "null", "none"):
        return None
    try:
        return int(text)
    except ValueError:
        value = float(text)
        return value if math.isfinite(value) else None


def _key(text: str | None) -> list[str | int]:
    if not text:
        return []
    return [_part(p) for p in text.split(",")]


def _part(p: str) -> int | str:
    s = p.strip()
    body = s[1:] if s[:1] == "-" else s
    if body.isdigit() and body.isascii() and (body[0] != "0" or len(body) == 1):
        return int(s)
    return p


# --------------------------------------------------------------------------- writing and reading


def write_recording(
    snapshots: Iterable[Snapshot],
    folder: str | os.PathLike[str],
    *,
    meta: dict[str, Any] | None = None,
    segment_seconds: float = 10.0,
) -> dict[str, Any]:
    """Write snapshots into a recording folder, sorted by time, one segment per ``segment_seconds``.

    Appends when the folder already holds a recording. Returns
    ``{"snapshots", "segments", "first_ts", "last_ts"}``.
    """
    snaps = sorted(snapshots, key=lambda s: s.ts)
    stats: dict[str, Any] = {"snapshots": 0, "segments": 0, "first_ts": None, "last_ts": None}
    if not snaps:
        RecordingWriter(folder, meta=meta).close()
        return stats
    chunk: list[Snapshot] = []
    chunk_start = snaps[0].ts
    for snap in snaps:
        if chunk and snap.ts - chunk_start >= segment_seconds:
            stats["segments"] += _write_chunk(folder, chunk, meta)
            chunk, chunk_start = [], snap.ts
        chunk.append(snap)
    stats["segments"] += _write_chunk(folder, chunk, meta)
    stats.update(snapshots=len(snaps), first_ts=snaps[0].ts, last_ts=snaps[-1].ts)
    return stats


def _write_chunk(folder: str | os.PathLike[str], chunk: list[Snapshot], meta: dict[str, Any] | None) -> int:
    # One writer per chunk: its close() writes everything it was handed as one segment.
    writer = RecordingWriter(folder, rotate_seconds=3600.0, meta=meta)
    writer(chunk)
    writer.close()
    return writer.segments_written


def read_segment(path: str | os.PathLike[str]) -> list[Snapshot]:
    """The snapshots of one segment file, rebuilt exactly, sorted by time (stable)."""
    # ParquetFile.read: half the cost of pq.read_table's dataset machinery for one small file
    table = pq.ParquetFile(path).read(columns=SCHEMA.names)
    cols = {name: table.column(name).to_pylist() for name in SCHEMA.names if name != "ts"}
    ts = (table.column("ts").cast(pa.int64()).to_numpy() / 1_000_000).tolist()
    ids = cols["snapshot"]
    out: list[Snapshot] = []
    start, n = 0, len(ids)
    while start < n:
        end = start + 1
        while end < n and ids[end] == ids[start]:
            end += 1
        out.append(_rebuild(cols, ts, start, end))
        start = end
    out.sort(key=lambda s: s.ts)
    return out


def segment_span(path: str | os.PathLike[str]) -> tuple[float, float] | None:
    """(first ts, last ts) of a segment from its Parquet statistics (the ts column if they are missing); None if empty."""
    meta = pq.ParquetFile(path).metadata
    lo: float | None = None
    hi: float | None = None
    try:
        index = meta.schema.names.index("ts")
        for g in range(meta.num_row_groups):
            st = meta.row_group(g).column(index).statistics
            if st is None or not st.has_min_max:
                raise LookupError
            a, b = _epoch(st.min), _epoch(st.max)
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
    except (LookupError, ValueError, TypeError):
        column = pq.read_table(path, columns=["ts"]).column("ts").cast(pa.int64()).to_numpy()
        if len(column) == 0:
            return None
        return float(column.min()) / 1e6, float(column.max()) / 1e6
    if lo is None or hi is None:
        return None
    return lo, hi


def _epoch(value: _dt.datetime | int) -> float:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return value.timestamp()
    return int(value) / 1e6
