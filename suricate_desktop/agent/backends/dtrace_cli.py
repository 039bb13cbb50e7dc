"""dtrace(1) backend, for hosts with DTrace but no python-dtrace: the script plus a printa clause, parsed as text.

How it works, and why:

* ``check()`` runs ``dtrace -e -s FILE`` (compile and match probes, enable
  nothing) on the program below and turns libdtrace's ``dtrace: failed to
  compile script FILE: line N: MSG`` into a ScriptError at the user's line
  (:func:`~.pydtrace.parse_libdtrace_error`, shared with the python-dtrace
  backend and the linter).
* ``run()`` runs ``dtrace -q -s FILE`` where FILE is the user's script
  unchanged (so its line numbers, hence its error messages, stay right)
  followed by::

      tick-<interval>
      {
          printf("<M> tick %d\\n", walltimestamp);
          printf("<M> agg calls count\\n");
          printa("<M> r %s\\t%@d\\n", @calls);      /* scalar, key types known */
          trunc(@calls);
          printf("<M> agg lat quantize\\n");
          printa(@lat);                              /* default layout */
          trunc(@lat);
          printf("<M> end\\n");
      }
      dtrace:::END { the same, with "<M> final %d" }

  ``<M>`` is a random marker, so the script's own output cannot be mistaken
  for ours. The clause covers every aggregation the script assigns
  (``@name[keys] = func(...)``, found by :func:`~.pydtrace.scan_aggregations`;
  the kind is the function's name).

* **printa formats.** A format-less printa pads string keys to 50 columns and
  puts the value last, so a string key holding spaces next to another key
  cannot be split reliably. So a scalar aggregation (count, sum, avg, min,
  max, stddev) whose key types can all be told from the key expressions
  (strings such as ``execname``/``copyinstr()``, integers such as
  ``pid``/``arg0``, ``stack()``) gets an explicit format: key conversions
  ``%s``/``%d``/``%k`` separated by tabs, then ``%@d`` (``%@u`` for stddev), as
  the fact sheet recommends. An explicit format needs the right conversion per
  key (libdtrace refuses ``%s`` for an integer), which is why it is only used
  when the types are known. Everything else uses dtrace(1)'s default layout,
  parsed by its documented columns: string keys ``"  %-50s"``, integer keys
  right-aligned, the value last; quantize/lquantize/llquantize as the ASCII
  histogram (``value  --- Distribution --- count`` header, rows ``label |bar
  count``). If libdtrace still rejects one of our formats (a wrong guess),
  the program is rebuilt with default layouts only and tried again.
* **trunc, not clear.** ``clear()`` zeroes values but keeps keys, so every key
  ever seen would be printed (as 0) every interval forever; ``trunc()``
  removes them, which matches python-dtrace's walk (``DTRACE_AGGWALK_REMOVE``):
  each interval holds only what happened in it (``delta=True``). printa and
  trunc act on libdtrace's user-space copy one after the other, so nothing is
  lost between them; an aggregation's data can lag by up to ``aggrate``
  (1 s by default; for intervals under 1 s ``-x aggrate`` and ``-x
  switchrate`` are raised to match).
* **No ``-x aggsortkey``.** Rows are parsed into keyed entries, so dtrace's
  order (by value) does not matter, and the option would only cost sorting.
* The END clause prints what accumulated after the last tick when tracing
  stops (SIGINT from ``stop``, or the script's ``exit()``): a last, shorter
  interval. dtrace(1)'s own exit dump skips aggregations already printed.

Snapshots: one per aggregation per interval (empty when nothing happened),
named ``name`` for ``@name`` and ``"@"`` for the anonymous one, like the other
backends. Keys are lists of str/int; ``stack()`` frames are one key part,
``module`symbol`` per frame joined by ``"\\n"``, with dtrace's ``+0x..``
offset dropped as python-dtrace gives no offsets (entries whose keys become
equal are merged). Histogram buckets are ``[[lo, hi], count]`` for the rows
with a non-zero count (dtrace prints only the buckets around the data
anyway), with ``INT64_MIN``/``INT64_MAX`` for ``< lo`` and ``>= hi``; a
bucket's upper bound is the next row's label minus one (quantize: its power
of two). Text outside our blocks (the script's printf/trace) goes to
``output``; ``dtrace: N ... drops`` lines on stderr become the agent's
``dtrace_drops`` health count, other stderr lines go to ``output`` too.
"""

from __future__ import annotations

import codecs
import logging
import math
import os
import re
import secrets
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

from ...lang.diagnostics import ScriptError
from ...schema import BUCKET_KINDS, INT64_MAX, INT64_MIN, SCALAR_KINDS, Snapshot
from ..backend import Backend, Emit, Output
from ..drops import drops_snapshot
from .d_aggregations import D_AGG_FUNCTIONS, scan_aggregations
from .dtrace_errors import parse_libdtrace_error
from .processes import send_signal
from .pydtrace import frame_text, merge_value

log = logging.getLogger(__name__)

#: Key types that have a printa conversion.
_CONVERSIONS = {"str": "%s", "int": "%d", "stack": "%k"}
_STACKS = frozenset({"stack", "ustack"})

# --------------------------------------------------------------------------- the program


@dataclass(frozen=True, slots=True)
class CliAggregation:
    """One aggregation as the dtrace(1) backend prints and parses it."""

    var: str  # "@name" or "@"
    agg: str  # snapshot name
    kind: str
    key_types: tuple[str, ...]
    formatted: bool  # explicit printa format (else dtrace's default layout)
    line: int

    def printa(self, marker: str) -> str:
        if not self.formatted:
            return f"printa({self.var});"
        value = "%@u" if self.kind == "stddev" else "%@d"
        fields = "\\t".join([_CONVERSIONS[t] for t in self.key_types] + [value])
        return f'printa("{marker} r {fields}\\n", {self.var});'


def plan_aggregations(script: str, *, formats: bool = True) -> list[CliAggregation]:
    """The aggregations the script assigns, with how each is printed."""
    out = []
    for a in scan_aggregations(script):
        if a.func not in D_AGG_FUNCTIONS:
            continue
        types = a.key_types
        formatted = formats and a.func in SCALAR_KINDS and all(t in _CONVERSIONS for t in types)
        out.append(CliAggregation(a.var, a.agg, a.func, types, formatted, a.line))
    return out


def tick_probe(interval: float) -> str:
    """``tick-Ns`` / ``tick-Nms`` / ``tick-Nus`` for the interval."""
    us = round(interval * 1_000_000)
    if us <= 0:
        raise ValueError(f"interval must be > 0, got {interval}")
    if us % 1_000_000 == 0:
        return f"tick-{us // 1_000_000}s"
    if us % 1000 == 0:
        return f"tick-{us // 1000}ms"
    return f"tick-{us}us"


def cli_program(script: str, aggs: list[CliAggregation], interval: float, marker: str) -> str:
    """The user's script, unchanged, followed by the per-interval and END clauses."""

    def body(word: str) -> str:
        lines = [f'\tprintf("{marker} {word} %d\\n", walltimestamp);']
        for a in aggs:
            lines.append(f'\tprintf("{marker} agg {a.agg} {a.kind}\\n");')
            lines.append(f"\t{a.printa(marker)}")
            lines.append(f"\ttrunc({a.var});")
        lines.append(f'\tprintf("{marker} end\\n");')
        return "\n".join(lines)

    user = script if script.endswith("\n") else script + "\n"
    return (
        f"{user}\n{tick_probe(interval)}\n{{\n{body('tick')}\n}}\n\ndtrace:::END\n{{\n{body('final')}\n}}\n"
    )


# --------------------------------------------------------------------------- parsing dtrace's layout

_HEADER = re.compile(r"^\s*value\s+-+ Distribution -+\s+count\s*$")
_ROW = re.compile(r"^\s*(?P<label>(?:<|>=)\s*-?\d+|-?\d+) (?P<bar>.*?\|.*?) (?P<count>-?\d+)\s*$")
_VALUE_END = re.compile(r"^(?P<keys>.*\s)?(?P<value>-?\d+)\s*$")
_INT_AT = re.compile(r"\s*(-?\d+)")
_TOKEN_AT = re.compile(r"( *)(\S+)")
_NEXT_COLUMN = re.compile(r" {2,}| (?=-?\d+(?:\s|$))")
_DROPS = re.compile(r"^dtrace: (\d+) (?:[\w-]+ )*drops?\b")


def quantize_range(label: int) -> tuple[int, int]:
    """The bucket a quantize row labelled ``label`` stands for (as python-dtrace's ranges)."""
    if label == 0:
        return 0, 0
    if label > 0:
        return label, (INT64_MAX if label >= 1 << 62 else 2 * label - 1)
    return (INT64_MIN if label <= -(1 << 62) else 2 * label + 1), label


def _label_value(label: str) -> int:
    return int(label.replace(" ", "").lstrip("<>="))


def histogram_buckets(rows: list[tuple[str, int]], kind: str) -> list[list[Any]]:
    """Rows ``(label, count)`` of one histogram as ``[[lo, hi], count]`` buckets (non-zero only)."""
    out = []
    values = [_label_value(label) for label, _ in rows]
    for i, (label, count) in enumerate(rows):
        if count == 0:
            continue
        lab = label.replace(" ", "")
        if lab.startswith("<"):
            lo, hi = INT64_MIN, values[i] - 1
        elif lab.startswith(">="):
            lo, hi = values[i], INT64_MAX
        elif kind == "quantize":
            lo, hi = quantize_range(values[i])
        else:
            lo = values[i]
            if i + 1 < len(rows):
                hi = values[i + 1] - 1
            elif i > 0 and not rows[i - 1][0].lstrip().startswith("<"):
                hi = lo + (lo - values[i - 1]) - 1
            else:
                hi = lo
        out.append([[lo, hi], count])
    return out


def split_columns(text: str, types: tuple[str, ...] | list[str]) -> list[Any]:
    """Key columns of dtrace's default layout (string ``"  %-50s"``, integers right-aligned)."""
    out: list[Any] = []
    pos, n = 0, len(text)
    for idx, t in enumerate(types):
        last = idx == len(types) - 1
        if t == "unknown":
            m = _TOKEN_AT.match(text, pos)
            t = "int" if m and re.fullmatch(r"-?\d+", m.group(2)) and len(m.group(1)) != 2 else "str"
        if t == "int":
            m = _INT_AT.match(text, pos)
            if m:
                out.append(int(m.group(1)))
                pos = m.end()
                continue
        start = pos
        for _ in range(2):
            if start < n and text[start] == " ":
                start += 1
        if last:
            out.append(text[start:].rstrip())
            pos = n
            continue
        end = start + 50
        if end < n and text[end] != " ":  # longer than 50: up to the next column
            m = _NEXT_COLUMN.search(text, end)
            end = m.start() if m else n
        out.append(text[start:end].rstrip())
        pos = min(end, n)
    return out


def keys_from_lines(lines: list[str], types: tuple[str, ...]) -> list[Any]:
    """A key from its printed lines: columns on one line, a stack one frame per line."""
    lines = [ln for ln in lines if ln.strip()]
    if not types:
        return []
    stacks = [i for i, t in enumerate(types) if t in _STACKS]
    if not stacks:
        return split_columns(lines[0] if lines else "", types)
    s = stacks[0]
    before, after = types[:s], types[s + 1 :]
    out: list[Any] = []
    i, j = 0, len(lines)
    if before:
        out += split_columns(lines[0] if lines else "", before)
        i = 1
    tail: list[Any] = []
    if after and j > i:
        tail = split_columns(lines[-1], after)
        j -= 1
    out.append("\n".join(frame_text(f) for f in lines[i:j]))
    return out + tail


def parse_default_block(lines: list[str], kind: str, types: tuple[str, ...]) -> list[list[Any]]:
    """Entries of one format-less ``printa(@a)``'s output (the lines between our markers)."""
    entries: list[list[Any]] = []
    if kind in BUCKET_KINDS:
        key_lines: list[str] = []
        rows: list[tuple[str, int]] | None = None
        key: list[Any] = []
        for line in lines:
            if _HEADER.match(line):
                if rows is not None:
                    entries.append([key, histogram_buckets(rows, kind)])
                key = keys_from_lines(key_lines, types)
                key_lines = []
                rows = []
                continue
            if rows is not None:
                m = _ROW.match(line)
                if m:
                    rows.append((m.group("label"), int(m.group("count"))))
                    continue
                entries.append([key, histogram_buckets(rows, kind)])
                rows = None
            if line.strip():
                key_lines.append(line)
        if rows is not None:
            entries.append([key, histogram_buckets(rows, kind)])
        return entries
    stacky = any(t in _STACKS for t in types)
    first_stack = next((i for i, t in enumerate(types) if t in _STACKS), 0)
    # a stack key needs its frames (and the line of the keys before it) before a value can end the entry
    need = ((1 if first_stack > 0 else 0) + 1) if stacky else 0
    pending: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        m = _VALUE_END.match(line)
        if m and len(pending) >= need:
            key_text = m.group("keys") or ""
            key_lines = pending + ([key_text] if key_text.strip() else [])
            key = keys_from_lines(key_lines, types) if stacky else split_columns(key_text, types)
            entries.append([key, int(m.group("value"))])
            pending = []
        else:
            pending.append(line)
    return entries


def parse_formatted_record(text: str, types: tuple[str, ...]) -> list[Any] | None:
    """One ``printa("<M> r %s\\t%d\\t%@d\\n")`` record (text after ``<M> r ``, continuation lines joined)."""
    parts = text.split("\t")
    value = parts[-1].strip()
    if not re.fullmatch(r"-?\d+", value):
        return None
    fields = parts[:-1]
    n = len(types)
    if n == 0:
        return [[], int(value)]
    if len(fields) > n:  # a tab inside a string key
        fields = [*fields[: n - 1], "\t".join(fields[n - 1 :])]
    if len(fields) != n:
        return None
    key: list[Any] = []
    for t, f in zip(types, fields, strict=True):
        if t == "int":
            try:
                key.append(int(f.strip()))
            except ValueError:
                return None
        elif t in _STACKS:
            key.append("\n".join(frame_text(ln) for ln in f.splitlines() if ln.strip()))
        else:
            key.append(f)
    return [key, int(value)]


class CliOutputParser:
    """dtrace(1)'s stdout, a line at a time: our blocks become snapshots, the rest is the script's output."""

    def __init__(
        self,
        aggs: list[CliAggregation],
        marker: str,
        *,
        host: str,
        source: str,
        interval: float,
        emit: Emit,
        output: Output,
    ) -> None:
        self.aggs = aggs
        self.by_name = {a.agg: a for a in aggs}
        self.marker = marker + " "
        self.host, self.source, self.interval = host, source, interval
        self.emit, self.output = emit, output
        self.exiting = False  # after SIGINT or the final block, blank lines are dtrace's, not the script's
        self.started = False  # a tick block was seen
        self.intervals = 0
        self._drops = 0
        self._drops_lock = threading.Lock()
        self._block: dict[str, dict[tuple[Any, ...], list[Any]]] | None = None
        self._ts = 0.0
        self._final = False
        self._last_ts: float | None = None
        self._agg: CliAggregation | None = None
        self._lines: list[str] = []
        self._record: list[str] | None = None
        self._tail = ""

    # -- input ----------------------------------------------------------------------

    def feed(self, text: str) -> None:
        """A chunk of stdout (any size; a partial last line is kept for the next chunk)."""
        lines = (self._tail + text).split("\n")
        self._tail = lines.pop()
        for line in lines:
            self.line(line)

    def add_drops(self, n: int) -> None:
        with self._drops_lock:
            self._drops += n

    def line(self, line: str) -> None:
        at = line.find(self.marker)
        if at < 0:
            if self._block is not None:
                self._content(line)
            elif line.strip() or not self.exiting:
                self.output(line + "\n")
            return
        if at > 0 and self._block is None:
            self.output(line[:at])  # the script's partial line, ours starts after it
        self._command(line[at + len(self.marker) :])

    def close(self) -> None:
        """End of output: a block cut short is emitted as it is."""
        if self._tail:
            tail, self._tail = self._tail, ""
            self.line(tail)
        if self._block is not None:
            self._end()

    # -- blocks ---------------------------------------------------------------------

    def _command(self, rest: str) -> None:
        word, _, arg = rest.partition(" ")
        if word in ("tick", "final"):
            if self._block is not None:
                self._end()
            self._block = {}
            self._final = word == "final"
            self.started = True
            try:
                self._ts = int(arg.split()[0]) / 1e9
            except (ValueError, IndexError):
                self._ts = time.time()
        elif self._block is None:
            return  # a stray marker line outside a block
        elif word == "agg":
            self._finish_agg()
            name, _, kind = arg.partition(" ")
            agg = self.by_name.get(name)
            if agg is None:
                agg = CliAggregation("@" + name, name, kind.strip() or "count", (), False, 0)
                self.aggs.append(agg)
                self.by_name[name] = agg
            self._agg = agg
        elif word == "r":
            self._finish_record()
            self._record = [arg]
        elif word == "end":
            self._end()

    def _content(self, line: str) -> None:
        if self._record is not None:
            self._record.append(line)
        elif self._agg is not None and not self._agg.formatted:
            self._lines.append(line)

    def _finish_record(self) -> None:
        if self._record is None or self._agg is None:
            self._record = None
            return
        text = "\n".join(self._record).rstrip("\n")
        self._record = None
        entry = parse_formatted_record(text, self._agg.key_types)
        if entry is None:
            log.debug("dtrace-cli: unreadable record for %s: %r", self._agg.var, text)
            return
        self._add(self._agg, [entry])

    def _finish_agg(self) -> None:
        self._finish_record()
        agg = self._agg
        if agg is not None and not agg.formatted:
            self._add(agg, parse_default_block(self._lines, agg.kind, agg.key_types))
        elif agg is not None and self._block is not None:
            self._block.setdefault(agg.agg, {})
        self._agg = None
        self._lines = []

    def _add(self, agg: CliAggregation, entries: list[list[Any]]) -> None:
        assert self._block is not None  # records are added only inside a printed block
        slot = self._block.setdefault(agg.agg, {})
        for key, value in entries:
            h = tuple(key)
            if h in slot:
                slot[h][1] = merge_value(agg.kind, slot[h][1], value)
            else:
                slot[h] = [key, value]

    def _end(self) -> None:
        self._finish_agg()
        block, self._block = self._block or {}, None
        ts = self._ts
        if self._final:
            self.exiting = True
            elapsed = ts - self._last_ts if self._last_ts is not None else self.interval
            interval = round(max(0.0, min(elapsed, self.interval)), 6)
        else:
            interval = self.interval
        self._last_ts = ts
        snaps = [
            Snapshot(
                self.host, self.source, a.agg, a.kind, ts, interval, True, list(block.get(a.agg, {}).values())
            )
            for a in self.aggs
        ]
        with self._drops_lock:
            drops, self._drops = self._drops, 0
        if drops:
            snaps.append(drops_snapshot(self.host, {"dtrace_drops": drops}, interval, ts))
        self.intervals += 1
        self.emit(snaps)


# --------------------------------------------------------------------------- the backend


class _CompileFailed(Exception):
    def __init__(self, stderr: str, returncode: int) -> None:
        super().__init__(stderr)
        self.stderr = stderr
        self.returncode = returncode


class DTraceCliBackend(Backend):
    """Runs one D script with dtrace(1) and parses its printa output into per-interval deltas.

    Extra arguments: ``dtrace`` (the executable; ``dtrace`` on PATH by
    default), ``args`` (extra dtrace options such as ``["-Z"]``),
    ``script_file`` (the name diagnostics give the script), ``marker`` (the
    block marker; random by default), ``check_timeout`` and ``stop_timeout``
    (seconds dtrace gets to exit after SIGINT before it is killed).
    """

    name = "dtrace-cli"

    def __init__(
        self,
        script: str,
        *,
        interval: float = 1.0,
        host: str | None = None,
        source: str = "script",
        dtrace: str | None = None,
        args: list[str] | tuple[str, ...] = (),
        script_file: str = "<script>",
        marker: str | None = None,
        check_timeout: float = 60.0,
        stop_timeout: float = 10.0,
    ) -> None:
        super().__init__(script, interval=interval, host=host, source=source)
        tick_probe(interval)  # ValueError for a bad interval
        self.executable = dtrace
        self.args = list(args)
        self.script_file = script_file
        self.marker = marker or f"__suricate_{secrets.token_hex(6)}__"
        if not re.fullmatch(r"[\w~.:-]+", self.marker):
            raise ValueError(f"marker must be word characters (and ~.:-), got {self.marker!r}")
        self.check_timeout = check_timeout
        self.stop_timeout = stop_timeout
        self.formats = True
        self.aggregations = plan_aggregations(script)
        #: Process id of the running dtrace, None when not running.
        self.pid: int | None = None

    # -- program ---------------------------------------------------------------------

    def program(self) -> str:
        return cli_program(self.script, self.aggregations, self.interval, self.marker)

    @property
    def user_lines(self) -> int:
        return self.script.count("\n") + (0 if self.script.endswith("\n") else 1)

    def _resolve(self) -> str:
        exe = self.executable or shutil.which("dtrace")
        if not exe or not os.path.exists(exe):
            raise RuntimeError(
                "dtrace(1) is not installed (not found on PATH); it exists on illumos/SmartOS, FreeBSD and macOS"
            )
        return exe

    def _options(self) -> list[str]:
        opts = list(self.args)
        if self.interval < 1:
            hz = math.ceil(1 / self.interval)
            opts += ["-x", f"aggrate={hz}hz", "-x", f"switchrate={hz}hz"]
        return opts

    def _write(self, text: str) -> str:
        fd, path = tempfile.mkstemp(prefix="suricate-", suffix=".d")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path

    def _failure(self, stderr: str, returncode: int) -> Exception:
        """ScriptError for a compile failure, RuntimeError for anything else."""
        if "failed to compile script" in stderr or "invalid probe specifier" in stderr:
            return ScriptError(parse_libdtrace_error(stderr, self.script_file, source=self.script))
        detail = stderr.strip()[-500:] or f"exit status {returncode}"
        return RuntimeError(f"dtrace failed: {detail}")

    def _ours(self, stderr: str) -> bool:
        """Whether a compile failure lies in the clauses we added (a wrong guess of ours)."""
        if not any(a.formatted for a in self.aggregations):
            return False
        diags = parse_libdtrace_error(stderr, self.script_file)
        return bool(diags) and all(d.line > self.user_lines for d in diags)

    def _fall_back(self) -> None:
        log.info("dtrace-cli: libdtrace refused our printa formats; using dtrace's default layout")
        self.formats = False
        self.aggregations = plan_aggregations(self.script, formats=False)

    # -- check -----------------------------------------------------------------------

    def check(self) -> None:
        """``dtrace -e -s FILE`` on the program; a failure in the user's lines is a ScriptError there."""
        exe = self._resolve()
        for _ in range(2):
            path = self._write(self.program())
            try:
                proc = subprocess.run(
                    [exe, "-e", *self._options(), "-s", path],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    timeout=self.check_timeout,
                    env=_c_locale(),
                )
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"dtrace -e did not finish within {self.check_timeout:g} s") from None
            except OSError as exc:
                raise RuntimeError(f"cannot run dtrace: {exc}") from exc
            finally:
                os.unlink(path)
            stderr = proc.stderr.decode("utf-8", "replace")
            if proc.returncode == 0:
                return
            if self.formats and self._ours(stderr):
                self._fall_back()
                continue
            raise self._failure(stderr, proc.returncode)

    # -- run -------------------------------------------------------------------------

    def run(self, emit: Emit, stop: threading.Event, output: Output) -> None:
        """Trace until ``stop`` is set or dtrace exits; emit once per tick, then the END block.

        stdout and stderr are read in this thread (a selector), so ``emit``
        and ``output`` are called here. Raises ScriptError if libdtrace
        refuses the script, RuntimeError if dtrace fails otherwise.
        """
        exe = self._resolve()
        for _ in range(2):
            try:
                self._run_once(exe, emit, stop, output)
                return
            except _CompileFailed as failed:
                if self.formats and self._ours(failed.stderr):
                    self._fall_back()
                    continue
                raise self._failure(failed.stderr, failed.returncode) from None

    def _run_once(self, exe: str, emit: Emit, stop: threading.Event, output: Output) -> None:
        path = self._write(self.program())
        try:
            proc = subprocess.Popen(
                [exe, "-q", *self._options(), "-s", path],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
                env=_c_locale(),
                # own session: a Ctrl-C meant for the agent reaches dtrace only through ``stop``
                start_new_session=True,
            )
        except OSError as exc:
            os.unlink(path)
            raise RuntimeError(f"cannot start dtrace: {exc}") from exc
        self.pid = proc.pid
        try:
            self._pump(proc, emit, stop, output)
        finally:
            self.pid = None
            if proc.poll() is None:
                send_signal(proc, signal.SIGKILL)
                proc.wait()
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
            os.unlink(path)

    def _pump(self, proc: subprocess.Popen[bytes], emit: Emit, stop: threading.Event, output: Output) -> None:
        parser = CliOutputParser(
            list(self.aggregations),
            self.marker,
            host=self.host,
            source=self.source,
            interval=self.interval,
            emit=emit,
            output=output,
        )
        assert proc.stdout is not None and proc.stderr is not None  # started with both piped
        out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
        sel = selectors.DefaultSelector()
        sel.register(out_fd, selectors.EVENT_READ)
        sel.register(err_fd, selectors.EVENT_READ)
        open_fds = 2
        out_dec = codecs.getincrementaldecoder("utf-8")("replace")
        err_dec = codecs.getincrementaldecoder("utf-8")("replace")
        err_tail = ""
        stderr_text: list[str] = []
        held: list[str] = []
        sigint_at: float | None = None
        killed = False
        try:
            while open_fds:
                if stop.is_set() and sigint_at is None:
                    sigint_at = time.monotonic()
                    parser.exiting = True
                    send_signal(proc, signal.SIGINT)
                if sigint_at is not None and not killed and time.monotonic() - sigint_at > self.stop_timeout:
                    log.warning("dtrace did not exit %.1f s after SIGINT; killing it", self.stop_timeout)
                    send_signal(proc, signal.SIGKILL)
                    killed = True
                for key, _ in sel.select(0.1):
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fd)
                        open_fds -= 1
                        continue
                    if key.fd == out_fd:
                        parser.feed(out_dec.decode(chunk))
                        continue
                    lines = (err_tail + err_dec.decode(chunk)).split("\n")
                    err_tail = lines.pop()
                    for line in lines:
                        self._stderr_line(line, parser, output, stderr_text, held)
        finally:
            sel.close()
        parser.feed(out_dec.decode(b"", final=True))
        if err_tail:
            self._stderr_line(err_tail, parser, output, stderr_text, held)
        try:
            returncode = proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            send_signal(proc, signal.SIGKILL)
            returncode = proc.wait()
        err = "\n".join(stderr_text)
        if not parser.started and returncode != 0 and sigint_at is None:
            if "failed to compile script" in err or "invalid probe specifier" in err:
                raise _CompileFailed(err, returncode)
            raise self._failure(err, returncode)
        for text in held:  # messages of a run that ended before its first tick
            output(text)
        parser.close()
        if sigint_at is None and returncode != 0:
            raise RuntimeError(f"dtrace exited with status {returncode}: {err.strip()[-500:]}")

    def _stderr_line(
        self, line: str, parser: CliOutputParser, output: Output, keep: list[str], held: list[str]
    ) -> None:
        """Drops are counted; other messages go to ``output`` once the first tick is seen (before
        that they are held, so a failing start is reported once, by the exception)."""
        if not line.strip():
            return
        if len(keep) < 1000:
            keep.append(line)
        m = _DROPS.match(line)
        if m:
            parser.add_drops(int(m.group(1)))
            return
        if "failed to compile script" in line or "invalid probe specifier" in line:
            return
        if not parser.started:
            held.append(line + "\n")
            return
        for text in held:
            output(text)
        held.clear()
        output(line + "\n")


def _c_locale() -> dict[str, str]:
    """dtrace's environment with the C locale, so histograms are drawn in ASCII."""
    return dict(os.environ, LC_ALL="C", LANG="C")


__all__ = [
    "CliAggregation",
    "CliOutputParser",
    "DTraceCliBackend",
    "cli_program",
    "histogram_buckets",
    "keys_from_lines",
    "parse_default_block",
    "parse_formatted_record",
    "plan_aggregations",
    "quantize_range",
    "split_columns",
    "tick_probe",
]
