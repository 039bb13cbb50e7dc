"""What ``suricate detect`` scores: a ``timestamp,value`` CSV, or one key of a recording's stream.

Both give a ``Series``: the timestamps as text (written back as read), epoch seconds for the
detectors, and the values. Bad input raises ``InputError`` with a one-line message naming the
line or the choices, which the command prints.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, TextIO, cast

from ..store.live import label_text


class InputError(ValueError):
    """Input that cannot be scored; the message is what the user reads."""


@dataclass
class Series:
    stamps: list[str]  # as read (a CSV) or written (a recording: UTC, ``YYYY-MM-DD HH:MM:SS[.ffffff]``)
    times: list[float]  # epoch seconds
    values: list[float]


#: Epoch numbers by size: seconds below 1e11 (the year 5138), then milliseconds, microseconds and
#: nanoseconds (what loggers and databases write). Read as seconds, a file of milliseconds was scored
#: as if in the year 47,000, where every time-of-day view saw nonsense and said nothing.
EPOCH_UNITS = ((1e11, 1.0), (1e14, 1e-3), (1e17, 1e-6), (1e20, 1e-9))


def parse_time(text: str) -> float:
    """Epoch seconds of ``2015-09-08 11:39:00`` (ISO 8601: ``T`` or a space, fractions, an offset or ``Z``;
    UTC when none) or of an epoch number (``1441712340``, ``1441712340.5``; ``1441712340000`` milliseconds,
    and micro- and nanoseconds, told apart by size: ``EPOCH_UNITS``)."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        for below, unit in EPOCH_UNITS:
            if abs(value) < below:  # False for NaN
                return value * unit
        raise ValueError(text)
    stamp = datetime.fromisoformat(text)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def read_csv(stream: TextIO, name: str) -> Series:
    """A ``timestamp,value`` CSV with a header row (NAB's files), its rows in time order; other columns are
    ignored. ``stream`` is text (``open_text``); a CSV that breaks its own rules (a field past the csv
    module's limit, a line end inside an unquoted field) is an ``InputError`` naming the line."""
    reader = csv.reader(stream)
    try:
        return _read_rows(reader, name)
    except csv.Error as exc:
        raise InputError(f"{name}, line {max(1, reader.line_num)}: not CSV this can read: {exc}") from None


#: Byte-order marks of the encodings a spreadsheet writes besides UTF-8 ("Unicode text" is UTF-16), the
#: four-byte ones first: UTF-32's little-endian mark begins with UTF-16's
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def open_text(binary: BinaryIO) -> TextIO:
    """A file or stdin as the CSV reader takes it, the same for both: UTF-8 (a byte-order mark skipped),
    line ends as they are (the csv module reads ``\r``, ``\n`` and ``\r\n``), and a byte that is not
    UTF-8 read as U+FFFD, so that it is an error only in a field that is read (its line named) and not
    in a column that is ignored. UTF-16 and UTF-32 are told by their byte-order mark, and UTF-16 without
    one by a NUL byte among its first two (no CSV of text has one): read as UTF-8, such a file was refused
    with a header of NULs between its letters."""
    buffered = binary if hasattr(binary, "peek") else io.BufferedReader(cast(Any, binary))
    head = buffered.peek(4)[:4]
    encoding = next((name for mark, name in _MARKS if head.startswith(mark)), "utf-8-sig")
    if encoding == "utf-8-sig" and len(head) >= 2 and b"\0" in head[:2]:
        encoding = "utf-16-le" if head[1:2] == b"\0" else "utf-16-be"
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def _read_rows(reader: Any, name: str) -> Series:
    header = next(reader, None)
    if header is None:
        raise InputError(f"{name} is empty (expected a header row: timestamp,value)")
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ("timestamp", "value") if c not in columns]
    if missing:
        found = ",".join(header)
        raise InputError(
            f"{name}: the header has no {' and no '.join(missing)} column "
            f"(found: {(found[:120] + ' …' if len(found) > 120 else found) or 'nothing'})"
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
                f"{name}, line {line}: timestamp {stamp!r} is neither YYYY-MM-DD HH:MM:SS nor an epoch number"
            ) from None
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"{name}, line {line}: value {text!r} is not a number") from None
        if not math.isfinite(value):
            raise InputError(f"{name}, line {line}: value {text!r} is not a finite number")
        if series.times and t < series.times[-1]:
            raise InputError(
                f"{name}, line {line}: timestamp {stamp!r} is before the row above it ({series.stamps[-1]!r}): "
                "a detector scores rows in time order"
            )
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
    try:
        snaps = list(iter_snapshots(folder, stream))
        streams = [] if snaps else read_table(folder, ["host", "source", "agg"]).to_pylist()
    # pyarrow's ArrowInvalid is a ValueError: a segment cut short, or not Parquet
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: {_unreadable(folder) or 'a segment'} cannot be read ({exc})") from None
    if not snaps:
        names = sorted({".".join(r.values()) for r in streams})
        raise InputError(
            f"{folder} has no stream {'.'.join(stream)}; its streams: {', '.join(names) or 'none'}"
        )
    store = LiveStore(capacity=len(snaps))
    store.ingest(snaps)
    data = TrainingData.from_store(store, stream, view)
    # a key as the list below shows it: an aggregation's unnamed key is " count" in the store's labels
    keys = [key_text(label).strip() for label in data.labels]
    if key is None:
        if len(keys) != 1:
            raise InputError(
                f"{'.'.join(stream)} has {len(keys)} keys; name one as {series}:KEY, one of: {_listed(keys)}"
            )
        column = 0
    elif key.strip() in keys:
        column = keys.index(key.strip())
    else:
        raise InputError(f"{'.'.join(stream)} has no key {key!r}; its keys: {_listed(keys)}")
    values = data.values[:, column]
    keep = ~np.isnan(values)
    times = data.times[keep]
    return Series([stamp_text(t) for t in times.tolist()], times.tolist(), values[keep].tolist())


def _listed(keys: list[str]) -> str:
    """The first 50 keys, one told from the next: a key holding a comma (``sh,write``) quoted."""
    return ", ".join(repr(k) if "," in k else k for k in keys[:50]) + (" …" if len(keys) > 50 else "")


def _unreadable(folder: str) -> str | None:
    """The first segment of ``folder`` whose Parquet footer cannot be read, by name."""
    import pyarrow.parquet as pq

    from ..store.recording import segments

    for part in segments(folder):
        try:
            pq.read_metadata(part)
        except (OSError, ValueError):
            return part.name
    return None


def key_text(label: tuple[Any, ...]) -> str:
    """A column as the store names it (``bash``, ``bash,42``, ``bash [4..7]``, ``sshd count``)."""
    return label_text(label)


def stamp_text(t: float) -> str:
    """UTC, NAB's ``YYYY-MM-DD HH:MM:SS``, with microseconds only when there are some."""
    stamp = datetime.fromtimestamp(round(t, 6), tz=UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S.%f" if stamp.microsecond else "%Y-%m-%d %H:%M:%S")
