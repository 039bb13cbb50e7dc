"""Other tools' tracer output as snapshots: dtrace(1) text and bpftrace ``-f json`` logs.

Reading what a tracer printed is the agent layer's knowledge, so the importers
live here and parse with the backends' own code (:func:`.backends.bpftrace.convert_entries`
and :func:`~.backends.bpftrace.delta_entries`, :func:`.backends.dtrace_cli.parse_default_block`
and :class:`~.backends.dtrace_cli.CliOutputParser`). Each importer returns a
list of :class:`Snapshot`, oldest first: one snapshot per aggregation per
printed dump, ``source`` the file's stem, ``host`` what the caller says
(``"imported"`` by default). ``store.importers`` writes them into a recording
(``suricate import``); the GUI plays them directly.

Time, for both formats (in this order):

1. timestamps printed in the file: bpftrace ``time()`` records (``%H:%M:%S``,
   the default, or a date and time); dtrace ``printf("%Y\\n", walltimestamp)``
   lines (``2026 Nov 27 21:47:52``), ISO 8601 lines (``2026-11-27 21:47:52``) or
   a bare ``walltimestamp`` in nanoseconds (``printf("%d\\n", walltimestamp)``).
   They open a new tick and give it its time, read as **local time** (as
   dtrace and bpftrace print them). A ``time()`` without a date takes its date
   from the file's modification time (the last tick falls on or before it).
   A tick without its own time (bpftrace's exit dump) comes ``interval`` after
   the one before;
2. the agent's own tick markers, when the log is the output of the program a
   Suricate backend runs (``__suricate_tick_<hex>__ <nsecs>`` printf records in
   a bpftrace log; ``<marker> tick <walltimestamp>`` lines in dtrace(1)
   output): exact spacing, anchored like case 3;
3. nothing: ticks are ``interval`` seconds apart (default 1 s), the first at
   ``start`` when given, else the last at the file's modification time (the
   moment tracing ended), else (text, not a file) the first at 0.

A snapshot's ``interval`` is the time since the previous tick (the first
one's is ``interval``).

bpftrace ``-f json`` (one JSON object a line): every ``map``/``hist``/``stats``
record is one print of a map; a tick is what is printed between two ``time()``
records or tick markers, and a map printed again starts the next tick. The two
blank lines bpftrace writes before its exit dump are skipped; a map printed
only in that dump, in a log where other maps were printed while running, is
the script's own state (``@start[tid] = nsecs``) and is left out, as the live
backend leaves it out. ``lost_events`` become the agent's drops stream. Kinds
and key arity come from the script when one is given (``script=``, by
:func:`~.backends.bpftrace.find_aggregations`); otherwise they are read from
the JSON: ``hist`` records are ``hist``, or ``lhist`` when their buckets are not
powers of two; ``stats`` records holding a number are ``avg``, holding
``{count, average, total}`` ``stats``; ``map`` records ``count`` (bpftrace's
JSON does not tell count, sum, min and max apart: pass ``kinds={"@x": "sum"}``
or the script); a map whose keys all hold the same number ``n`` of commas has
``n + 1`` key parts. A map printed without ``clear()`` (its running totals
never go down between prints: every key stays and no count drops, over at
least two prints; with a script: a map the script never clears, zeroes or
deletes from) is turned into per-interval deltas exactly as the backend does
(:func:`~.backends.bpftrace.delta_entries`); ``cumulative=True/False``
overrides the guess.

dtrace(1) text (``dtrace -q -s script.d > out.txt`` with ``printa(@a)`` in a
tick clause, the documented default layout; explicit printa formats other than
the backend's are not read): the output is cut into *dumps*, one per printa:
single-line rows (a key's columns, then the value) separated from the next dump
by the empty line printa starts with; histograms (key line, the ``value ---
Distribution --- count`` header, bucket rows) and ``stack()`` keys (frames,
then the value), where one empty line separates keys of one dump and two
separate dumps; a key printed twice starts a new dump. Each dump becomes one
snapshot: with timestamps, the dumps after one belong to its tick, named from
``aggs`` (the aggregation names in the order the script prints them, or those
found in ``script``: its ``printa(@x)`` calls, with kinds and key types from
the script) or ``@`` for a single one and ``agg1``, ``agg2``... otherwise;
without timestamps the dumps cycle through the names (with neither names nor
a script, the number of aggregations per tick is guessed from the repeating
pattern of histogram and scalar dumps). Key types are guessed from the
columns when no script says them (a string is ``"  %-50s"``, an integer right
aligned); scalar kinds default to ``count`` (``kinds=`` overrides),
histograms are ``quantize`` when every label is 0 or a power of two, else
``lquantize``. Values are taken as per-interval deltas (``printa(@a);
trunc(@a);``); pass ``delta=False`` for running totals.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import orjson

from ..schema import BUCKET_KINDS, Snapshot
from .backends.bpftrace_maps import Aggregation, convert_entries, delta_entries, find_aggregations

# the backend's own patterns of dtrace's layout, so a dump is cut where its parser will read it
from .backends.dtrace_cli import (
    _HEADER,
    _NEXT_COLUMN,
    _ROW,
    _TOKEN_AT,
    _VALUE_END,
    CliAggregation,
    CliOutputParser,
    parse_default_block,
    plan_aggregations,
)
from .drops import drops_snapshot

#: Host of imported snapshots unless the caller names one: the file does not say which host it traced.
DEFAULT_HOST = "imported"
FORMATS = ("dtrace", "bpftrace-json", "csv")

__all__ = ["DEFAULT_HOST", "FORMATS", "import_bpftrace_json", "import_dtrace_text", "sniff_format"]


# --------------------------------------------------------------------------- common


def sniff_format(path: str | os.PathLike[str]) -> str:
    """``"bpftrace-json"``, ``"csv"`` or ``"dtrace"``: what a file most likely holds.

    ``.csv``/``.tsv`` files are CSV; a file whose first non-blank line is a JSON
    object with a ``type`` is a bpftrace log; a first line with a comma and no
    leading blank, followed by lines with as many fields, is CSV; anything else
    is taken for dtrace(1) text.
    """
    p = Path(path)
    if p.suffix.lower() in (".csv", ".tsv"):
        return "csv"
    with open(p, "rb") as fh:
        head = fh.read(64 * 1024).decode("utf-8", "replace")
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if not lines:
        return "dtrace"
    first = lines[0].strip()
    if first.startswith("{"):
        try:
            rec = orjson.loads(first)
        except orjson.JSONDecodeError:
            rec = None
        if type(rec) is dict and "type" in rec:
            return "bpftrace-json"
    rows = list(csv.reader(lines[:20]))
    width = len(rows[0])
    if width > 1 and not lines[0][:1].isspace() and all(len(r) == width for r in rows[1:]):
        return "csv"
    return "dtrace"


def _read_text(data: str | os.PathLike[str]) -> tuple[str, str | None, float | None]:
    """(text, file stem or None, mtime or None) of a path or of text given directly."""
    if isinstance(data, os.PathLike) or (isinstance(data, str) and "\n" not in data and os.path.isfile(data)):
        p = Path(data)
        return p.read_text(encoding="utf-8", errors="replace"), p.stem, p.stat().st_mtime
    return str(data), None, None


@dataclass
class _Tick:
    ts: float | None = None  # wall-clock time printed in the file
    mono: float | None = None  # the agent's monotonic tick time
    dumps: list[Any] = field(default_factory=list)


def _place(ticks: list[_Tick], interval: float, start: float | None, end: float | None) -> list[float]:
    """Each tick's wall-clock time, from printed times, else monotonic markers, else ``interval`` spacing."""
    n = len(ticks)
    known: list[float | None]
    if any(t.ts is not None for t in ticks):
        known = [t.ts for t in ticks]
    elif any(t.mono is not None for t in ticks):
        monos = [t.mono for t in ticks]
        idx = [i for i, m in enumerate(monos) if m is not None]
        first_mono, last_mono = cast(float, monos[idx[0]]), cast(float, monos[idx[-1]])
        if start is not None:
            shift = start - first_mono
        elif end is not None:
            last = idx[-1]
            shift = end - (last_mono + (n - 1 - last) * interval)
        else:
            shift = -first_mono
        known = [m + shift if m is not None else None for m in monos]
    else:
        if start is None:
            start = end - (n - 1) * interval if end is not None else 0.0
        return [start + i * interval for i in range(n)]
    # fill the gaps: after a known time, + interval each; before the first known one, - interval each
    first = next(i for i, v in enumerate(known) if v is not None)
    out = [0.0] * n
    out[first] = cast(float, known[first])
    for i in range(first - 1, -1, -1):
        out[i] = out[i + 1] - interval
    for i in range(first + 1, n):
        value = known[i]
        out[i] = out[i - 1] + interval if value is None else value
    return out


def _intervals(times: list[float], interval: float) -> list[float]:
    return [interval if i == 0 else max(round(times[i] - times[i - 1], 6), 0.0) for i in range(len(times))]


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    )
}
#: dtrace's ``%Y``: ``2026 Nov 27 21:47:52`` (ctime reordered, local time).
_Y_TIME = re.compile(r"\b(\d{4}) (" + "|".join(_MONTHS) + r") +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\b")
_ISO_TIME = re.compile(r"\b(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)(?!\d)")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*$")


def _iso(text: str) -> float:
    stamp = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp.timestamp()  # naive: local time


# --------------------------------------------------------------------------- bpftrace -f json

_MARKER = re.compile(r"^__suricate_tick_[0-9a-f]+__ (\d+)\s*$")


def import_bpftrace_json(
    data: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    source: str | None = None,
    interval: float = 1.0,
    start: float | None = None,
    script: str | None = None,
    kinds: dict[str, str] | None = None,
    cumulative: bool | None = None,
) -> list[Snapshot]:
    """The snapshots of a bpftrace ``-f json`` log (a path, or the log's text). See the module docstring."""
    text, stem, mtime = _read_text(data)
    source = source or stem or "bpftrace"
    known = {a.map: a for a in find_aggregations(script)} if script is not None else None
    ticks: list[_Tick] = [_Tick()]
    clocks: list[tuple[int, tuple[Any, ...]]] = []  # (tick index, (h, m, s, frac)) for time-of-day records
    exit_only: dict[str, bool] = {}  # map -> printed only in the exit dump so far
    record_types: dict[str, tuple[str, list[Any]]] = {}  # map -> (JSON type, values) for guessing
    exiting = False

    def new_tick() -> _Tick:
        ticks.append(_Tick())
        return ticks[-1]

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            exiting = exiting or any(t.dumps for t in ticks)
            continue
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if type(rec) is not dict:
            continue
        kind, payload = rec.get("type"), rec.get("data")
        tick = ticks[-1]
        if kind in ("map", "hist", "stats") and type(payload) is dict:
            for name, value in payload.items():
                if any(name == d[0] for d in tick.dumps):
                    tick = new_tick()
                tick.dumps.append((name, kind, value, exiting))
                exit_only[name] = exit_only.get(name, True) and exiting
                record_types.setdefault(name, (kind, []))[1].append(value)
        elif kind == "time" and type(payload) is str:
            if tick.dumps or tick.ts is not None or tick.mono is not None:
                tick = new_tick()
            stamp = payload.strip()
            clock = _CLOCK.match(stamp)
            if clock:
                clocks.append((len(ticks) - 1, clock.groups()))
            else:
                tick.ts = _parse_time_record(stamp)
        elif kind == "printf" and type(payload) is str and (m := _MARKER.match(payload)):
            tick.mono = int(m.group(1)) / 1e9
            new_tick()
        elif kind == "lost_events":
            n = payload.get("events", 0) if type(payload) is dict else 0
            n = n or rec.get("count", 0)
            if n:
                tick.dumps.append(("lost_events", kind, int(n), exiting))
    if clocks:
        _date_clocks(ticks, clocks, mtime)
    ticks = [t for t in ticks if t.dumps or t.ts is not None or t.mono is not None]
    if not ticks:
        return []
    times = _place(ticks, interval, start, mtime)
    intervals = _intervals(times, interval)

    running = any(not only for only in exit_only.values())
    aggs: dict[str, Aggregation] = {}
    for name, (rtype, values) in record_types.items():
        if known is not None:
            if name in known:
                aggs[name] = known[name]
            continue
        if running and exit_only.get(name):
            continue  # the script's own state, printed by bpftrace at exit
        aggs[name] = _guess_aggregation(name, rtype, values, (kinds or {}).get(name))
    if cumulative is None and known is not None:
        # the script says it: a map it never clears, zeroes or deletes from holds running totals
        totals_only = {name for name, a in aggs.items() if a.cumulative}
    elif cumulative is None:
        totals_only = {
            name
            for name in aggs
            if _looks_cumulative(aggs[name], [v for t in ticks for (n, _, v, _) in t.dumps if n == name])
        }
    else:
        totals_only = set(aggs) if cumulative else set()

    out: list[Snapshot] = []
    state: dict[str, dict[str, Any]] = {}
    for tick, ts, iv in zip(ticks, times, intervals, strict=True):
        for name, rtype, value, _ in tick.dumps:
            if rtype == "lost_events":
                out.append(drops_snapshot(host, {"bpftrace_lost_events": value}, iv, ts))
                continue
            agg = aggs.get(name)
            if agg is None:
                continue
            if name in totals_only and agg.kind in ("count", "sum", "hist", "lhist", "stats"):
                entries, state[name] = delta_entries(value, agg, state.get(name, {}))
            else:
                entries = convert_entries(value, agg)
            out.append(Snapshot(host, source, agg.agg, agg.kind, ts, iv, True, entries))
    return out


def _parse_time_record(stamp: str) -> float | None:
    """A ``time("FORMAT")`` record with a date: ISO, dtrace-like ``%Y``, ctime, or epoch seconds."""
    m = _ISO_TIME.search(stamp)
    if m:
        return _iso(m.group(1))
    m = _Y_TIME.search(stamp)
    if m:
        return _y_time(m)
    for fmt in ("%a %b %d %H:%M:%S %Y", "%d/%m/%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        try:
            return _dt.datetime.strptime(stamp, fmt).timestamp()
        except ValueError:
            pass
    try:
        value = float(stamp)
    except ValueError:
        return None
    return value if value > 1e8 else None


def _date_clocks(ticks: list[_Tick], clocks: list[tuple[int, tuple[Any, ...]]], mtime: float | None) -> None:
    """Give ``HH:MM:SS`` ticks a date: consecutive, rolling over midnight, the last on or before ``mtime``."""
    seconds = []
    day = 0
    prev = None
    for _, (h, m, s, frac) in clocks:
        value = int(h) * 3600 + int(m) * 60 + int(s) + (float("0." + frac) if frac else 0.0)
        if prev is not None and value < prev - 12 * 3600:
            day += 1
        prev = value
        seconds.append(day * 86400 + value)
    ref = _dt.datetime.fromtimestamp(mtime if mtime is not None else _dt.datetime.now().timestamp())
    last_day = _dt.datetime.combine(ref.date(), _dt.time())
    last = last_day + _dt.timedelta(seconds=seconds[-1] % 86400)
    if mtime is not None and last.timestamp() > mtime + 60:
        last -= _dt.timedelta(days=1)
    base = last.timestamp() - seconds[-1]
    for (index, _), sec in zip(clocks, seconds, strict=True):
        ticks[index].ts = base + sec


def _guess_aggregation(name: str, rtype: str, values: list[Any], kind: str | None) -> Aggregation:
    agg = name[1:] if name.startswith("@") and len(name) > 1 else name
    keyed = [
        v
        for v in values
        if type(v) is dict and not (rtype == "stats" and "count" in v and type(v["count"]) is not dict)
    ]
    if kind is None:
        if rtype == "hist":
            kind = "hist" if all(_log2_buckets(b) for v in values for b in _bucket_lists(v)) else "lhist"
        elif rtype == "stats":
            sample = next((v for v in values if v not in ({}, None)), 0)
            if type(sample) is dict:
                inner = (
                    sample
                    if "count" in sample and type(sample["count"]) is not dict
                    else next(iter(sample.values()), 0)
                )
                kind = "stats" if type(inner) is dict else "avg"
            else:
                kind = "avg"
        else:
            kind = "count"
    arity = 0
    if keyed:
        commas = {k.count(",") for v in keyed for k in v}
        arity = commas.pop() + 1 if len(commas) == 1 else 1  # no keys seen, or mixed: one part
    return Aggregation(name, agg, kind, arity, False)


def _bucket_lists(value: Any) -> list[list[Any]]:
    if type(value) is list:
        return [value]
    if type(value) is dict:
        return [v for v in value.values() if type(v) is list]
    return []


def _log2_buckets(buckets: list[Any]) -> bool:
    """bpftrace ``hist`` buckets: [0, 0], [1, 1], then [2^k, 2^(k+1) - 1]."""
    for b in buckets:
        lo, hi = b.get("min"), b.get("max")
        if lo is None or hi is None:
            continue
        if lo < 0 or hi < 0:
            continue
        if lo == hi and lo in (0, 1):
            continue
        if lo & (lo - 1) or hi != 2 * lo - 1:
            return False
    return True


def _totals(value: Any, kind: str) -> dict[Any, Any] | None:
    """Per key (and bucket), the numbers that only grow in a map printed without clear()."""
    if kind in ("count", "sum"):
        return value if type(value) is dict else {"": value}
    if kind in ("hist", "lhist"):
        out: dict[Any, Any] = {}
        items = value.items() if type(value) is dict else [("", value)]
        for k, buckets in items:
            for b in buckets:
                out[(k, b.get("min"), b.get("max"))] = b["count"]
        return out
    if kind == "stats":
        if type(value) is dict and "count" in value and type(value["count"]) is not dict:
            return {"": value["count"]}
        return {k: v.get("count", 0) for k, v in value.items()} if type(value) is dict else None
    return None


def _looks_cumulative(agg: Aggregation, prints: list[Any]) -> bool:
    """Running totals: at least two prints, and no key ever disappears or goes down."""
    if agg.kind not in ("count", "sum", "hist", "lhist", "stats") or len(prints) < 2:
        return False
    prev = None
    grew = False
    for value in prints:
        cur = _totals(value, agg.kind)
        if cur is None:
            return False
        if prev is not None:
            for k, v in prev.items():
                if k not in cur or cur[k] < v:
                    return False
            grew = grew or any(cur[k] > v for k, v in prev.items()) or len(cur) > len(prev)
        prev = cur
    return grew


# --------------------------------------------------------------------------- dtrace(1) text

_MARK_TICK = re.compile(r"^(\S+) (?:tick|final) (\d+)\s*$")
_WALL_NS = re.compile(r"^\s*(\d{19})\s*$")
_PRINTA = re.compile(r"\bprinta\s*\(\s*(?:\"(?:[^\"\\\n]|\\.)*\"\s*,\s*)?(@\w*)")


def import_dtrace_text(
    data: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    source: str | None = None,
    interval: float = 1.0,
    start: float | None = None,
    script: str | None = None,
    aggs: list[str] | None = None,
    kinds: dict[str, str] | None = None,
    delta: bool = True,
) -> list[Snapshot]:
    """The snapshots of dtrace(1)'s text output (a path, or the text). See the module docstring."""
    text, stem, mtime = _read_text(data)
    source = source or stem or "dtrace"
    lines = text.splitlines()
    planned = {a.agg: a for a in plan_aggregations(script, formats=False)} if script is not None else {}
    marker = _find_marker(lines)
    if marker is not None:
        return _import_marked(lines, marker, planned, host, source, interval, start, mtime, delta)
    if aggs is None and script is not None:
        order = list(dict.fromkeys(m.group(1) for m in _PRINTA.finditer(script)))
        names = [o[1:] or "@" for o in order] or list(planned)
    else:
        names = [a[1:] if a.startswith("@") and len(a) > 1 else a for a in aggs] if aggs else []
    ticks = _dtrace_dumps(lines)
    ticks = [t for t in ticks if t.dumps or t.ts is not None]
    if not ticks:
        return []
    timed = any(t.ts is not None for t in ticks)
    if not timed:
        dumps = [d for t in ticks for d in t.dumps]
        per_tick = len(names) or _period([d.cls for d in dumps])
        ticks = [_Tick(dumps=dumps[i : i + per_tick]) for i in range(0, len(dumps), per_tick)]
    if not names:
        width = max(len(t.dumps) for t in ticks)
        names = ["@"] if width <= 1 else [f"agg{i + 1}" for i in range(width)]
    times = _place(ticks, interval, start, mtime)
    intervals = _intervals(times, interval)
    out: list[Snapshot] = []
    for tick, ts, iv in zip(ticks, times, intervals, strict=True):
        for i, dump in enumerate(tick.dumps):
            name = names[i] if i < len(names) else f"agg{i + 1}"
            plan = planned.get(name)
            kind = (kinds or {}).get(name) or (plan.kind if plan else None) or dump.guess_kind()
            if (kind in BUCKET_KINDS) != (dump.cls == "hist"):
                kind = dump.guess_kind()  # the script's kind does not fit what was printed
            types = plan.key_types if plan else dump.guess_types()
            entries = parse_default_block(dump.lines, kind, types)
            out.append(Snapshot(host, source, name, kind, ts, iv, delta, entries))
    return out


@dataclass
class _Dump:
    """The lines of one format-less ``printa``."""

    cls: str  # "hist" or "scalar"
    lines: list[str] = field(default_factory=list)
    keys: set[Any] = field(default_factory=set)
    first_key: str = ""
    labels: list[str] = field(default_factory=list)
    stack: bool = False

    def guess_kind(self) -> str:
        if self.cls != "hist":
            return "count"
        values = []
        for label in self.labels:
            lab = label.replace(" ", "")
            if lab.startswith(("<", ">=")):
                return "lquantize"
            values.append(int(lab))
        if all(v == 0 or (abs(v) & (abs(v) - 1)) == 0 for v in values):
            return "quantize"
        return "lquantize"

    def guess_types(self) -> tuple[str, ...]:
        if self.stack:
            return ("stack",)
        return _column_types(self.first_key)


def _column_types(text: str) -> tuple[str, ...]:
    """Key column types of one printed key, by dtrace's layout: a string is ``"  %-50s"``, an integer right aligned."""
    types: list[str] = []
    pos, n = 0, len(text.rstrip())
    while pos < n:
        m = _TOKEN_AT.match(text, pos)
        if m is None:
            break
        spaces, token = m.group(1), m.group(2)
        if re.fullmatch(r"-?\d+", token) and len(spaces) != 2:
            types.append("int")
            pos = m.end()
            continue
        types.append("str")
        start = pos + min(len(spaces), 2)
        end = start + 50
        if end < n and text[end] != " ":  # longer than 50: up to the next column
            nxt = _NEXT_COLUMN.search(text, end)
            end = nxt.start() if nxt else n
        pos = end
    return tuple(types)


def _find_marker(lines: list[str]) -> str | None:
    """The block marker of the dtrace-cli backend's program (``<M> tick <ns>`` then ``<M> agg ...``), if used."""
    tried = 0
    for line in lines[:2000]:
        m = _MARK_TICK.match(line)
        if m:
            word = m.group(1) + " "
            if any(ln.startswith(word + "agg ") or ln.startswith(word + "end") for ln in lines):
                return m.group(1)
            tried += 1
            if tried >= 3:
                break
    return None


def _import_marked(
    lines: list[str],
    marker: str,
    planned: dict[str, CliAggregation],
    host: str,
    source: str,
    interval: float,
    start: float | None,
    mtime: float | None,
    delta: bool,
) -> list[Snapshot]:
    """Output of the dtrace-cli backend's own program: parsed by its own parser, at its own tick times.

    The parser needs each aggregation's key types and whether it was printed
    with the backend's explicit format (``<M> r`` records) or the default
    layout: the script says them when given, else the first block of each
    aggregation is looked at.
    """
    prefix = marker + " "
    kinds: dict[str, str] = {}
    first_record: dict[str, list[str]] = {}
    first_block: dict[str, list[str]] = {}
    current: str | None = None
    collecting: list[str] | None = None
    for line in lines:
        if line.startswith(prefix):
            word, _, arg = line[len(prefix) :].partition(" ")
            collecting = None
            if word == "r":
                if current is not None and current not in first_record and current not in first_block:
                    collecting = first_record[current] = [arg]
                continue
            current = None
            if word == "agg":
                current, _, kind = arg.partition(" ")
                kinds.setdefault(current, kind.strip() or "count")
        elif current is not None:
            if collecting is not None:
                collecting.append(line)
            elif current not in first_record:
                first_block.setdefault(current, []).append(line)
    aggs = []
    for name, kind in kinds.items():
        plan = planned.get(name)
        if name in first_record:
            types = plan.key_types if plan else _record_types("\n".join(first_record[name]))
            aggs.append(CliAggregation("@" + name, name, kind, tuple(types), True, 0))
        else:
            sample = next((d for t in _dtrace_dumps(first_block.get(name, [])) for d in t.dumps), None)
            types = plan.key_types if plan else (sample.guess_types() if sample else ())
            aggs.append(CliAggregation("@" + name, name, kind, tuple(types), False, 0))
    snaps: list[Snapshot] = []
    parser = CliOutputParser(
        aggs,
        marker,
        host=host,
        source=source,
        interval=interval,
        emit=snaps.extend,
        output=lambda _text: None,
    )
    for line in lines:
        parser.line(line)
    parser.close()
    for s in snaps:
        s.delta = s.delta and delta
    if start is not None and snaps:
        shift = start - snaps[0].ts
        for s in snaps:
            s.ts += shift
    return snaps


def _record_types(text: str) -> list[str]:
    """Key types of one explicit-format record (``key\\tkey\\tvalue``): multi-line parts are stacks."""
    parts = text.split("\t")[:-1]
    return ["stack" if "\n" in p else "int" if re.fullmatch(r"\s*-?\d+\s*", p) else "str" for p in parts]


def _dtrace_dumps(lines: Iterable[str]) -> list[_Tick]:
    """Cut dtrace(1)'s default-layout output into ticks (at printed timestamps) of dumps (one per printa)."""
    lines = list(lines)
    n = len(lines)
    ticks = [_Tick()]
    dump: _Dump | None = None
    blanks = 0  # empty lines since the last entry
    pending: list[str] = []  # non-blank lines that are not rows: stack frames, or the script's other text
    in_hist = False

    def close() -> None:
        nonlocal dump
        if dump is not None and dump.lines:
            ticks[-1].dumps.append(dump)
        dump = None

    def entry(cls: str, key: str, raw_key: str, entry_lines: list[str], multi: bool) -> _Dump:
        """Add one key's lines; a new dump starts where the blank lines, the shape or a repeated key say so."""
        nonlocal dump
        if dump is not None and (
            dump.cls != cls or key in dump.keys or blanks >= 2 or (blanks >= 1 and not multi)
        ):
            close()
        if dump is None:
            dump = _Dump(cls, first_key=raw_key)
        elif blanks:
            dump.lines.append("")
        dump.keys.add(key)
        dump.lines.extend(entry_lines)
        return dump

    for i, line in enumerate(lines):
        if not line.strip():
            in_hist = False
            blanks += 1
            pending = []
            continue
        stamp = _line_time(line)
        if stamp is not None:
            in_hist = False
            close()
            if ticks[-1].dumps or ticks[-1].ts is not None:
                ticks.append(_Tick())
            ticks[-1].ts = stamp
            blanks, pending = 0, []
            continue
        if in_hist:
            m = _ROW.match(line)
            if m and dump is not None:
                dump.lines.append(line)
                dump.labels.append(m.group("label"))
                continue
            in_hist = False
        if i + 1 < n and _HEADER.match(lines[i + 1]):
            pending = [line]  # a histogram's key line: the header follows it directly
            continue
        if _HEADER.match(line):
            raw = pending[-1] if pending else ""
            entry("hist", raw.strip(), raw, ([raw] if pending else []) + [line], True)
            in_hist = True
            blanks, pending = 0, []
            continue
        m = _VALUE_END.match(line)
        if m:
            frames = pending if pending and all(p[:1].isspace() for p in pending) else []
            key_text = m.group("keys") or ""
            if frames:
                key = "\n".join(f.strip() for f in frames) + "\n" + key_text.strip()
                entry("scalar", key, key_text, [*frames, line], True).stack = True
            else:
                entry("scalar", key_text.strip(), key_text, [line], False)
            blanks, pending = 0, []
            continue
        pending.append(line)
    close()
    return ticks


def _line_time(line: str) -> float | None:
    """A printed timestamp: ``%Y``, ISO 8601, or a walltimestamp in nanoseconds alone on its line."""
    m = _Y_TIME.search(line)
    if m:
        return _y_time(m)
    m = _ISO_TIME.search(line)
    if m:
        return _iso(m.group(1))
    m = _WALL_NS.match(line)
    if m:
        ns = int(m.group(1))
        if 10**18 <= ns < 4 * 10**18:
            return ns / 1e9
    return None


def _y_time(m: re.Match[str]) -> float:
    year, month, day, hh, mm, ss = m.groups()
    return _dt.datetime(int(year), _MONTHS[month], int(day), int(hh), int(mm), int(ss)).timestamp()


def _period(classes: list[str]) -> int:
    """The smallest number of dumps per tick that makes the hist/scalar pattern repeat (1 when nothing repeats)."""
    n = len(classes)
    for p in range(1, 5):
        repeats = n >= 2 * p and all(classes[i] == classes[i % p] for i in range(n))
        if repeats and (p == 1 or len(set(classes[:p])) > 1):
            return p
    return 1
