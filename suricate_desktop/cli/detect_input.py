"""What ``suricate detect`` scores: a ``timestamp,value`` CSV, or one key of a recording's stream.

Both give a ``Series``: the timestamps as text (written back as read), epoch seconds for the
detectors, and the values. Bad input raises ``InputError`` with a one-line message naming the
line or the choices, which the command prints.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from ..store.live import label_text


class InputError(ValueError):
    """Input that cannot be scored; the message is what the user reads."""


@dataclass
class Series:
    stamps: list[str]  # as read (a CSV) or written (a recording: UTC, ``YYYY-MM-DD HH:MM:SS[.ffffff]``)
    times: list[float]  # epoch seconds
    values: list[float]


def parse_time(text: str) -> float:
    """Epoch seconds of ``2015-09-08 11:39:00`` (ISO 8601: ``T`` or a space, fractions, an offset or ``Z``;
    UTC when none) or of a number of epoch seconds (``1441712340``, ``1441712340.5``)."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        if math.isfinite(value):
            return value
        raise ValueError(text)
    stamp = datetime.fromisoformat(text)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def read_csv(stream: TextIO, name: str) -> Series:
    """A ``timestamp,value`` CSV with a header row (NAB's files); other columns are ignored."""
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        raise InputError(f"{name} is empty (expected a header row: timestamp,value)")
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ("timestamp", "value") if c not in columns]
    if missing:
        raise InputError(
            f"{name}: the header has no {' and no '.join(missing)} column "
            f"(found: {','.join(header) or 'nothing'})"
        )
    it, iv = columns.index("timestamp"), columns.index("value")
    series = Series([], [], [])
    ended = reader.line_num  # the line the previous record ended on: a quoted field may span lines
    for row in reader:
        line, ended = ended + 1, reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) <= max(it, iv):
            raise InputError(f"{name}, line {line}: {len(row)} fields, expected {len(columns)}")
        stamp, text = row[it].strip(), row[iv].strip()
        try:
            t = parse_time(stamp)
        except ValueError:
            raise InputError(
                f"{name}, line {line}: timestamp {stamp!r} is neither YYYY-MM-DD HH:MM:SS nor epoch seconds"
            ) from None
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"{name}, line {line}: value {text!r} is not a number") from None
        if not math.isfinite(value):
            raise InputError(f"{name}, line {line}: value {text!r} is not a finite number")
        series.stamps.append(stamp)
        series.times.append(t)
        series.values.append(value)
    if not series.values:
        raise InputError(f"{name} has a header but no rows to score")
    return series


def split_series(text: str) -> tuple[tuple[str, str, str], str | None]:
    """``HOST.SOURCE.AGG[:KEY]`` -> ((host, source, agg), key); the host may hold dots, the key anything."""
    name, sep, key = text.partition(":")
    parts = name.rsplit(".", 2)
    if len(parts) != 3 or not all(parts):
        raise InputError(f"--series {text!r}: expected HOST.SOURCE.AGG or HOST.SOURCE.AGG:KEY")
    return (parts[0], parts[1], parts[2]), (key if sep else None)


def read_recording(folder: str, series: str, view: str = "interval") -> Series:
    """One key of a recorded stream, as the Learn baseline dialog reads it (the stream's snapshots in a
    store of their own, the ``interval`` view). Rows where the key has no value (NaN: a key of a
    non-additive stream that an interval did not report) are left out, as a detector neither scores
    nor learns them; a count's absent key counted 0 and is kept."""
    import numpy as np

    from ..analytics.training import TrainingData
    from ..store.live import LiveStore
    from ..store.recording import iter_snapshots, read_table, segments

    stream, key = split_series(series)
    try:
        if not segments(folder):
            raise InputError(f"{folder} holds no segments (nothing recorded)")
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None
    snaps = list(iter_snapshots(folder, stream))
    if not snaps:
        table = read_table(folder, ["host", "source", "agg"])
        names = sorted({".".join(r.values()) for r in table.to_pylist()})
        raise InputError(
            f"{folder} has no stream {'.'.join(stream)}; its streams: {', '.join(names) or 'none'}"
        )
    store = LiveStore(capacity=len(snaps))
    store.ingest(snaps)
    data = TrainingData.from_store(store, stream, view)
    keys = [key_text(label) for label in data.labels]
    if key is None:
        if len(keys) != 1:
            raise InputError(
                f"{'.'.join(stream)} has {len(keys)} keys; name one as {series}:KEY, one of: "
                + ", ".join(keys[:50])
                + (" …" if len(keys) > 50 else "")
            )
        column = 0
    elif key in keys:
        column = keys.index(key)
    else:
        raise InputError(
            f"{'.'.join(stream)} has no key {key!r}; its keys: "
            + ", ".join(keys[:50])
            + (" …" if len(keys) > 50 else "")
        )
    values = data.values[:, column]
    keep = ~np.isnan(values)
    times = data.times[keep]
    return Series([stamp_text(t) for t in times.tolist()], times.tolist(), values[keep].tolist())


def key_text(label: tuple[Any, ...]) -> str:
    """A column as the store names it (``bash``, ``bash,42``, ``bash [4..7]``, ``sshd count``)."""
    return label_text(label)


def stamp_text(t: float) -> str:
    """UTC, NAB's ``YYYY-MM-DD HH:MM:SS``, with microseconds only when there are some."""
    stamp = datetime.fromtimestamp(round(t, 6), tz=UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S.%f" if stamp.microsecond else "%Y-%m-%d %H:%M:%S")
