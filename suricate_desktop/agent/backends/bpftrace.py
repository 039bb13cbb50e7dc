"""bpftrace backend: the user's script, plus a clause that prints and clears its maps every interval.

How it works, and why:

* bpftrace (0.17 and later) runs as ``bpftrace -f json -e PROGRAM``: the JSON
  output is one object per line, so one ``orjson.loads`` per line is the whole
  parser, with no text scraping of bpftrace's human format.
* PROGRAM is the user's script with one clause appended after it (so the line
  numbers of the user's script, and therefore its error messages, are
  unchanged)::

      interval:ms:<interval*1000> {
          print(@a); clear(@a); print(@b); clear(@b); ...
          printf("<marker> %llu\\n", nsecs);
      }

  It covers every map the script *aggregates into* (``@name[keys] = count()``
  and sum/avg/min/max/hist/lhist/stats, found by :func:`find_aggregations`).
  Other maps (``@start[tid] = nsecs``) are left alone: clearing them would
  break the script's own logic. ``print`` then ``clear`` turns bpftrace's
  running aggregations into per-interval deltas, so every snapshot has
  ``delta=True``. Each map is printed and cleared before the next one is
  printed, which keeps the window between a map's read and its clear (both
  run in bpftrace's user space, in order) as short as bpftrace allows; an
  event that lands exactly inside that window is lost. bpftrace has no atomic
  read-and-clear, so this is the floor.
* The ``printf`` of a random marker closes the interval: everything read since
  the previous marker belongs to this interval, and ``nsecs`` (CLOCK_MONOTONIC,
  the clock ``time.monotonic()`` reads) gives the tick's exact time, converted
  to wall-clock time for ``Snapshot.ts``. Maps that printed nothing (bpftrace
  prints nothing for a map with no keys, or after ``clear``) give an empty
  snapshot: nothing happened in that interval, which is data too.
* On stop the backend sends SIGINT; bpftrace then prints two blank lines and
  the final contents of every map (the exit dump). For our maps that is what
  accumulated since the last tick, emitted as one last, partial interval.
  Maps we do not aggregate are dropped from the exit dump (they are the
  script's internal state, not results).

Keys: bpftrace joins a multi-key map's keys with ``","`` into one JSON string.
The backend splits it back into a list, but only for maps whose key has more
than one part (a one-part key is kept whole, commas and all); a string part
that itself holds a comma cannot be told apart from two parts, which is a
limit of bpftrace's JSON. A part made of ASCII digits (optionally with a
leading ``-``) becomes an int, unless it has a leading zero (``"007"`` stays a
string, as converting it would lose information); so a ``comm`` that is all
digits also becomes an int. A map without keys gets the key ``[]``.

Aggregation names: ``@name`` becomes ``name``; the anonymous map ``@`` keeps
the name ``"@"`` (non-empty, as the schema requires, and recognisably the same
map the user wrote; ``routing_key`` keeps it as is).

Values: count/sum/avg/min/max are numbers; hist/lhist become
``[[[low, high], count], ...]`` with ``INT64_MIN``/``INT64_MAX`` for the open
ends (bpftrace's underflow bucket has only ``max``, its overflow bucket only
``min``); stats stay ``{"count", "average", "total"}`` as bpftrace prints them.

Other output: ``printf`` text goes to ``output``; so do ``time``, ``cat``,
``join`` and ``print(value)`` records, and ``print()`` of a map the backend
does not aggregate (as ``@name: <json>``). ``lost_events`` (events bpftrace's
perf buffer dropped) is reported on the agent's health stream as
``bpftrace_lost_events`` (a drops snapshot, only in intervals that lost any).
"""

from __future__ import annotations

import functools
import logging
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

import orjson

from ...lang.diagnostics import Diagnostic, ScriptError
from ...schema import INT64_MAX, INT64_MIN, Snapshot
from ..backend import Backend, Emit, Output
from ..drops import drops_snapshot

log = logging.getLogger(__name__)

#: Aggregating functions of bpftrace and the snapshot kind each gives.
AGG_FUNCTIONS = ("count", "sum", "avg", "min", "max", "hist", "lhist", "stats")
_SCALAR = frozenset({"count", "sum", "avg", "min", "max"})
_BUCKETS = frozenset({"hist", "lhist"})

#: Above this size the program goes through a temporary file instead of
#: ``-e`` (Linux caps one argument at 128 KiB).
_MAX_ARG = 100_000

#: Stderr lines that bpftrace prints on success too and that are not errors.
_HARMLESS = ("RLIMIT_MEMLOCK",)

_MESSAGE = re.compile(
    r"""^(?:(?P<file>.+?):(?P<line>\d+)(?:-(?P<line2>\d+)|:(?P<col>\d+)(?:-(?P<col2>\d+))?)?:\s*)?
        (?P<sev>ERROR|WARNING):\s*(?P<msg>.*?)\s*$""",
    re.VERBOSE,
)
_QUOTED = re.compile(r"'([^'\n]+)'")


# --------------------------------------------------------------------------- diagnostics


def parse_bpftrace_errors(stderr: str | bytes, file: str = "<script>", script: str | None = None) -> list[Diagnostic]:
    """bpftrace's stderr messages as Diagnostics, errors first, then warnings.

    bpftrace (0.17+) writes ``stdin:1:24-27: ERROR: msg`` (``FILE:LINE:COL1-COL2``,
    columns 1-based, COL2 one past the last character as bison counts), or
    ``FILE:L1-L2: ERROR: msg`` for a span of lines, followed by the source
    line and a ``~~~`` marker (skipped here), or a bare ``ERROR: msg``
    without a place (attach failures). ``file`` names the script in the
    Diagnostics, whatever bpftrace called it (``stdin`` for ``-e``, a
    temporary path...). When ``script`` is given, a message without a place
    that quotes a piece of the script (``Error attaching probe:
    'kprobe:foo'``) is placed at that piece's first occurrence. The
    RLIMIT_MEMLOCK complaint bpftrace prints even when all is well is not a
    diagnostic and is dropped.
    """
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    seen: set[tuple] = set()
    for raw in stderr.splitlines():
        m = _MESSAGE.match(raw)
        if m is None or any(h in raw for h in _HARMLESS):
            continue
        severity = "error" if m["sev"] == "ERROR" else "warning"
        message = m["msg"]
        end_column = None
        if m["line"] is not None:
            line = int(m["line"])
            column = int(m["col"]) if m["col"] is not None else 1
            if m["col2"] is not None:
                end_column = int(m["col2"])
        else:
            line, column = 0, 0
            if script is not None:
                line, column, end_column = _locate_quoted(script, message)
        key = (line, column, severity, message)
        if key in seen:  # bpftrace repeats some messages
            continue
        seen.add(key)
        (errors if severity == "error" else warnings).append(
            Diagnostic(line, column, severity, message, file, end_column)
        )
    return errors + warnings


def _locate_quoted(script: str, message: str) -> tuple[int, int, int | None]:
    """Line and columns of the first quoted piece of ``message`` found in ``script``, else (0, 0, None)."""
    for quoted in _QUOTED.findall(message):
        at = script.find(quoted)
        if at >= 0:
            line = script.count("\n", 0, at) + 1
            column = at - (script.rfind("\n", 0, at) + 1) + 1
            return line, column, column + len(quoted)
    return 0, 0, None


# --------------------------------------------------------------------------- script analysis


@dataclass(frozen=True, slots=True)
class Aggregation:
    """One map the script aggregates into."""

    map: str  # as written: "@name" or "@"
    agg: str  # snapshot name: "name", or "@" for the anonymous map
    kind: str  # count sum avg min max hist lhist stats
    arity: int  # number of key parts, 0 for a map without keys


def strip_comments_and_strings(script: str) -> str:
    """The script with comments and string-literal contents blanked (same length and lines).

    So that ``printf("@x = count()")`` or ``// @y = sum(1)`` is not taken for
    an aggregation.
    """
    out = list(script)
    i, n = 0, len(script)
    while i < n:
        c = script[i]
        if c == '"':
            j = i + 1
            while j < n and script[j] != '"':
                if script[j] == "\\":
                    j += 1
                j += 1
            for k in range(i + 1, min(j, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j + 1
        elif script.startswith("//", i):
            j = script.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif script.startswith("/*", i):
            j = script.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


_MAP_NAME = re.compile(r"@(\w*)")
_ASSIGN_FN = re.compile(r"\s*=(?!=)\s*(" + "|".join(AGG_FUNCTIONS) + r")\s*\(")


def find_aggregations(script: str) -> list[Aggregation]:
    """Every map the script assigns an aggregating function to, in order of first appearance.

    A regex finds ``@name``; the key in brackets is skipped by matching
    brackets (keys may hold ``[`` and ``(``), then ``= count(`` (or another
    aggregating function) must follow. The key's top-level commas give its
    arity, which tells how to split bpftrace's joined keys.
    """
    text = strip_comments_and_strings(script)
    found: dict[str, Aggregation] = {}
    for m in _MAP_NAME.finditer(text):
        name = m.group(1)
        pos = m.end()
        arity = 0
        # skip blanks between the name and '['
        p = pos
        while p < len(text) and text[p] in " \t":
            p += 1
        if p < len(text) and text[p] == "[":
            end, arity = _scan_key(text, p)
            if end < 0:
                continue
            pos = end
        fn = _ASSIGN_FN.match(text, pos)
        if fn is None:
            continue
        mapname = "@" + name
        if mapname not in found:
            found[mapname] = Aggregation(mapname, name or "@", fn.group(1), arity)
    return list(found.values())


def _scan_key(text: str, start: int) -> tuple[int, int]:
    """From the ``[`` at ``start``: (index after the matching ``]``, number of key parts), or (-1, 0)."""
    depth = 0
    commas = 0
    nonblank = False
    for i in range(start, len(text)):
        c = text[i]
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
            if depth == 0:
                return i + 1, (commas + 1 if nonblank else 0)
        elif c == "," and depth == 1:
            commas += 1
        elif depth >= 1 and not c.isspace():
            nonblank = True
    return -1, 0


# --------------------------------------------------------------------------- value conversion


def _part(s: str) -> int | str:
    """A key part: all-ASCII-digit strings (no leading zero) become ints."""
    if s.isdigit():
        if s.isascii() and (s[0] != "0" or len(s) == 1):
            return int(s)
    elif s[:1] == "-" and len(s) > 1 and s[1:].isdigit() and s.isascii() and s[1] != "0":
        return int(s)
    return s


def _key(joined: str, arity: int) -> list:
    if arity <= 1:
        return [_part(joined)]
    return [_part(p) for p in joined.split(",")]


def _buckets(records: list) -> list:
    return [[[b.get("min", INT64_MIN), b.get("max", INT64_MAX)], b["count"]] for b in records]


def convert_entries(value: Any, agg: Aggregation) -> list[list]:
    """One map's JSON value, as bpftrace printed it, to snapshot entries."""
    kind, arity = agg.kind, agg.arity
    if kind in _SCALAR:
        if type(value) is dict:
            return [[_key(k, arity), v] for k, v in value.items()]
        return [[[], value]]
    if kind in _BUCKETS:
        if type(value) is dict:
            return [[_key(k, arity), _buckets(v)] for k, v in value.items()]
        return [[[], _buckets(value)]]
    # stats: {"count", "average", "total"}, or a dict of them by key
    if arity == 0 and "count" in value and type(value["count"]) is not dict:
        return [[[], value]]
    return [[_key(k, arity), v] for k, v in value.items()]


# --------------------------------------------------------------------------- the tracer


@functools.lru_cache(maxsize=8)
def bpftrace_version(executable: str) -> tuple[int, int]:
    """(major, minor) from ``bpftrace --version`` (``bpftrace v0.17.0``); (0, 0) if unreadable."""
    try:
        out = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return (0, 0)
    m = re.search(r"v?(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


class BpftraceBackend(Backend):
    """Runs one bpftrace script and emits its aggregations as per-interval deltas.

    ``script`` is bpftrace source (what one would pass to ``bpftrace -e``).
    Extra arguments: ``bpftrace`` (the executable, found on PATH by default),
    ``args`` (extra bpftrace options, e.g. ``["--unsafe"]``), ``check_timeout``
    (seconds ``check()`` lets bpftrace compile) and ``stop_timeout`` (seconds
    bpftrace gets to exit after SIGINT before it is killed).

    Needs root: bpftrace 0.17 refuses to run, or even to check a script,
    otherwise.
    """

    name = "bpftrace"

    def __init__(
        self,
        script: str,
        *,
        interval: float = 1.0,
        host: str | None = None,
        source: str = "script",
        bpftrace: str | None = None,
        args: list[str] | tuple[str, ...] = (),
        check_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        super().__init__(script, interval=interval, host=host, source=source)
        if interval <= 0:
            raise ValueError(f"interval must be > 0, got {interval}")
        self.executable = bpftrace
        self.args = list(args)
        self.check_timeout = check_timeout
        self.stop_timeout = stop_timeout
        self.aggregations = find_aggregations(script)
        self._by_map = {a.map: a for a in self.aggregations}
        self.marker = f"__suricate_tick_{secrets.token_hex(8)}__"
        #: Set once bpftrace reports its probes attached (they go live a moment later).
        self.attached = threading.Event()
        #: Events bpftrace reported lost, in total, since run() started.
        self.lost_events = 0
        #: Warnings bpftrace printed during the last check().
        self.warnings: list[Diagnostic] = []
        #: Process id of the running bpftrace, None when not running.
        self.pid: int | None = None

    # -- program ---------------------------------------------------------------------

    @property
    def interval_ms(self) -> int:
        return max(1, round(self.interval * 1000))

    def program(self) -> str:
        """The user's script plus the per-interval print/clear clause."""
        body = " ".join(f"print({a.map}); clear({a.map});" for a in self.aggregations)
        clause = f'interval:ms:{self.interval_ms} {{ {body} printf("{self.marker} %llu\\n", nsecs); }}'
        return f"{self.script.rstrip()}\n{clause}\n"

    def _resolve(self) -> str:
        """The bpftrace executable; RuntimeError when it is missing or we are not root."""
        exe = self.executable or shutil.which("bpftrace")
        if not exe or not os.path.exists(exe):
            raise RuntimeError(
                "bpftrace is not installed (not found on PATH); install it (apt-get install bpftrace) "
                "or use the sampler backend"
            )
        if os.geteuid() != 0:
            raise RuntimeError("bpftrace needs root (euid 0); run the agent as root or use the sampler backend")
        return exe

    def _program_args(self) -> tuple[list[str], str | None]:
        """(arguments giving bpftrace the program, temporary file to delete or None)."""
        program = self.program()
        if len(program.encode()) <= _MAX_ARG:
            return ["-e", program], None
        fd, path = tempfile.mkstemp(prefix="suricate-", suffix=".bt")
        with os.fdopen(fd, "w") as f:
            f.write(program)
        return [path], path

    def _script_error(self, stderr: str, returncode: int | None) -> ScriptError:
        diags = [d for d in parse_bpftrace_errors(stderr, "<script>", self.script)]
        if not any(d.severity == "error" for d in diags):
            lines = [ln for ln in stderr.splitlines() if ln.strip() and not any(h in ln for h in _HARMLESS)]
            detail = lines[-1].strip() if lines else f"bpftrace exited with status {returncode}"
            diags.insert(0, Diagnostic(0, 0, "error", detail))
        return ScriptError(diags)

    # -- check -----------------------------------------------------------------------

    def check(self) -> None:
        """Compile the program (script + clause) without running it.

        ``bpftrace -d`` on 0.17-0.21 (parse, semantic analysis and codegen,
        nothing loaded; its AST/IR dump on stdout is discarded), ``--dry-run``
        on 0.22+ (where ``-d`` would run the script). Raises ScriptError with
        bpftrace's own messages at their lines; warnings of a script that
        compiles are kept in ``self.warnings``.
        """
        exe = self._resolve()
        flag = "--dry-run" if bpftrace_version(exe) >= (0, 22) else "-d"
        prog_args, tmp = self._program_args()
        try:
            proc = subprocess.run(
                [exe, flag, *self.args, *prog_args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=self.check_timeout,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"bpftrace {flag} did not finish within {self.check_timeout:g} s") from None
        finally:
            if tmp:
                os.unlink(tmp)
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0:
            if proc.returncode < 0:
                raise RuntimeError(f"bpftrace {flag} died of signal {-proc.returncode}: {stderr.strip()[-500:]}")
            raise self._script_error(stderr, proc.returncode)
        self.warnings = [d for d in parse_bpftrace_errors(stderr, "<script>", self.script) if d.severity == "warning"]

    # -- run -------------------------------------------------------------------------

    def run(self, emit: Emit, stop: threading.Event, output: Output) -> None:
        """Trace until ``stop`` is set or bpftrace exits; emit once per interval, then the rest.

        Reads bpftrace's stdout and stderr in this thread (a selector, no
        helper threads), so the only cost between ticks is parsing what the
        script prints. ``emit`` gets, per tick, one snapshot per aggregation
        (possibly with no entries) plus a drops snapshot when events were
        lost; it is called once per tick even for a script without
        aggregations (with an empty list). After the process ends the exit
        dump is emitted as a last, shorter interval.
        """
        exe = self._resolve()
        prog_args, tmp = self._program_args()
        self.attached.clear()
        self.lost_events = 0
        try:
            proc = subprocess.Popen(
                [exe, "-f", "json", *self.args, *prog_args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
                # Own session: a Ctrl-C meant for the agent must not reach
                # bpftrace directly; the agent stops it through ``stop``.
                start_new_session=True,
            )
        except OSError as exc:
            if tmp:
                os.unlink(tmp)
            raise RuntimeError(f"cannot start bpftrace: {exc}") from exc
        self.pid = proc.pid
        try:
            self._pump(proc, emit, stop, output)
        finally:
            self.pid = None
            if proc.poll() is None:  # emit raised, or something else went wrong
                _terminate(proc, 2.0)
            proc.stdout.close()
            proc.stderr.close()
            if tmp:
                os.unlink(tmp)

    def _pump(self, proc: subprocess.Popen, emit: Emit, stop: threading.Event, output: Output) -> None:
        out_fd = proc.stdout.fileno()
        err_fd = proc.stderr.fileno()
        sel = selectors.DefaultSelector()
        sel.register(out_fd, selectors.EVENT_READ)
        sel.register(err_fd, selectors.EVENT_READ)
        open_fds = 2
        stderr = bytearray()
        tail = b""
        state = _State(self, emit, output)
        sigint_at: float | None = None
        killed = False
        exited_at: float | None = None
        loads = orjson.loads
        try:
            while open_fds:
                if stop.is_set() and sigint_at is None:
                    sigint_at = time.monotonic()
                    _signal(proc, signal.SIGINT)
                if sigint_at is not None and not killed and time.monotonic() - sigint_at > self.stop_timeout:
                    log.warning("bpftrace did not exit %.1f s after SIGINT; killing it", self.stop_timeout)
                    _signal(proc, signal.SIGKILL)
                    killed = True
                if exited_at is None and proc.poll() is not None:
                    exited_at = time.monotonic()
                elif exited_at is not None and time.monotonic() - exited_at > 2.0:
                    # bpftrace is gone but a child of it (system()) still holds the pipes
                    break
                for key, _ in sel.select(0.1):
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fd)
                        open_fds -= 1
                        continue
                    if key.fd == err_fd:
                        if len(stderr) < 1 << 20:
                            stderr += chunk
                        continue
                    lines = (tail + chunk).split(b"\n")
                    tail = lines.pop()
                    for line in lines:
                        if not line or line.isspace():
                            # bpftrace writes two blank lines before its exit dump
                            state.exiting = True
                            continue
                        try:
                            record = loads(line)
                        except orjson.JSONDecodeError:
                            output(line.decode("utf-8", "replace") + "\n")
                            continue
                        state.record(record)
        finally:
            sel.close()
        if tail.strip():
            try:
                state.record(orjson.loads(tail))
            except orjson.JSONDecodeError:
                pass
        try:
            returncode = proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            returncode = proc.wait()
        err_text = stderr.decode("utf-8", "replace")
        for line in err_text.splitlines():
            if line.strip() and not any(h in line for h in _HARMLESS):
                log.info("bpftrace: %s", line)
        if not self.attached.is_set():
            if sigint_at is not None and returncode in (0, -signal.SIGINT, -signal.SIGKILL):
                return  # stopped before it attached: nothing ran, nothing to emit
            if returncode == 0:
                # Exited before attaching, without error (e.g. no probes left).
                return
            if returncode < 0:
                raise RuntimeError(f"bpftrace died of signal {-returncode}: {err_text.strip()[-500:]}")
            raise self._script_error(err_text, returncode)
        state.finish()
        if sigint_at is None and returncode != 0:
            raise RuntimeError(f"bpftrace exited with status {returncode}: {err_text.strip()[-500:]}")


class _State:
    """What one run has read so far: the current interval's map values, lost events, exit phase."""

    __slots__ = ("backend", "emit", "output", "pending", "lost", "exiting", "last_tick", "marker", "by_map")

    def __init__(self, backend: BpftraceBackend, emit: Emit, output: Output) -> None:
        self.backend = backend
        self.emit = emit
        self.output = output
        self.pending: dict[str, Any] = {}
        self.lost = 0
        self.exiting = False
        self.last_tick: float | None = None  # wall-clock time of the last tick
        self.marker = backend.marker
        self.by_map = backend._by_map

    def record(self, rec: Any) -> None:
        kind = rec.get("type") if type(rec) is dict else None
        data = rec.get("data") if kind else None
        if kind == "printf":
            if data.startswith(self.marker):
                self.tick(data)
            else:
                self.output(data)
        elif kind in ("map", "hist", "stats"):
            for name, value in data.items():
                if name in self.by_map:
                    self.pending[name] = value
                elif not self.exiting:
                    self.output(f"{name}: {orjson.dumps(value).decode()}\n")
        elif kind == "attached_probes":
            self.backend.attached.set()
            self.last_tick = time.time()
        elif kind == "lost_events":
            n = data.get("events", 0) if type(data) is dict else 0
            n = n or rec.get("count", 0)
            self.lost += int(n)
            self.backend.lost_events += int(n)
        elif kind in ("helper_error", "runtime_error", "errorf", "warnf"):
            text = data if type(data) is str else orjson.dumps(data).decode()
            self.output(f"bpftrace {kind}: {text}\n")
        elif kind is not None:
            # time, cat, join, syscall, value...: the script's own output
            text = data if type(data) is str else orjson.dumps(data).decode()
            if kind in ("value", "join") and not text.endswith("\n"):
                text += "\n"
            self.output(text)

    def tick(self, text: str) -> None:
        try:
            mono = int(text[len(self.marker) :].strip()) / 1e9
            ts = mono + (time.time() - time.monotonic())
        except ValueError:
            ts = time.time()
        self.flush(ts, self.backend.interval)

    def flush(self, ts: float, interval: float) -> None:
        b = self.backend
        snaps = []
        pending = self.pending
        for agg in b.aggregations:
            value = pending.get(agg.map)
            entries = convert_entries(value, agg) if value is not None else []
            snaps.append(Snapshot(b.host, b.source, agg.agg, agg.kind, ts, interval, True, entries))
        if self.lost:
            snaps.append(drops_snapshot(b.host, {"bpftrace_lost_events": self.lost}, interval, ts))
        self.pending = {}
        self.lost = 0
        self.last_tick = ts
        self.emit(snaps)

    def finish(self) -> None:
        """Emit what arrived after the last tick (the exit dump) as a partial interval."""
        ts = time.time()
        start = self.last_tick if self.last_tick is not None else ts
        interval = max(0.0, min(ts - start, self.backend.interval))
        self.flush(ts, round(interval, 6))


def _signal(proc: subprocess.Popen, sig: int) -> None:
    try:
        proc.send_signal(sig)
    except ProcessLookupError:
        pass


def _terminate(proc: subprocess.Popen, timeout: float) -> None:
    _signal(proc, signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal(proc, signal.SIGKILL)
        proc.wait()
