"""bpftrace backend: the user's script, plus a clause that prints its maps every interval.

How it works, and why:

* bpftrace (0.17 and later) runs as ``bpftrace -f json -e PROGRAM``: the JSON
  output is one object per line, so one ``orjson.loads`` per line is the whole
  parser, with no text scraping of bpftrace's human format.
* PROGRAM is the user's script with one clause appended after it (so the line
  numbers of the user's script, and therefore its error messages, are
  unchanged)::

      interval:ms:<interval*1000> {
          print(@counts); print(@hist);          // count sum hist lhist stats
          print(@lat); clear(@lat); ...          // avg min max
          printf("<marker> %llu\n", nsecs);
      }

  It covers every map the script *aggregates into* (``@name[keys] = count()``
  and sum/avg/min/max/hist/lhist/stats, found by :func:`find_aggregations`).
  Other maps (``@start[tid] = nsecs``) are left alone: clearing them would
  break the script's own logic. Every snapshot carries per-interval deltas
  (``delta=True``), obtained in one of two ways:

  - **count, sum, hist, lhist, stats: printed, never cleared; the backend
    subtracts the previous totals** (:func:`delta_entries`). ``clear()`` is
    not safe for them: bpftrace 0.17 updates a map value with a lookup, an
    add and an update, not atomically, so when ``clear()`` (run from user
    space) deletes a key that a probe on another CPU is updating, the probe
    writes the old total back, and the next interval reports the previous
    running total again. On a key updated a million times a second that
    happened in anything from none to most ticks; measured here: 10.3 M
    counted for 4.8 M calls over a 3 s run, 4.46 M for 4.09 M in another.
    Differencing running totals is exact whatever the rate (the tests check
    it to the call). Its price: keys
    stay in the map (bpftrace's limit, ``BPFTRACE_MAP_KEYS_MAX``, 4096 by
    default, then drops new keys silently: a warning is logged when a map
    reaches it), and every key is printed every interval.
  - **avg, min, max: printed and cleared** (their totals cannot be
    differenced), and so are count/sum/hist/lhist/stats maps that the script
    itself clears, zeroes or deletes from. For these the race above can fold
    a previous interval's value into the next under heavy load (for min/max
    and avg that bends a value but cannot multiply a count), and an event
    landing between the print and the clear is lost.

* The ``printf`` of a random marker closes the interval: everything read since
  the previous marker belongs to this interval, and ``nsecs`` (CLOCK_MONOTONIC,
  the clock ``time.monotonic()`` reads) gives the tick's exact time, converted
  to wall-clock time for ``Snapshot.ts``. ``Snapshot.interval`` is measured
  between ticks: under heavy tracing load the kernel now and then skips an
  ``interval`` probe firing (observed: 2 in 30 with one core making 1.3 M
  traced syscalls/s), and the next snapshot then covers two intervals and
  says so. Maps with nothing new give an empty
  snapshot (no entries): nothing happened in that interval, which is data
  too; likewise keys whose totals did not move are left out.
* On stop the backend sends SIGINT; bpftrace then prints two blank lines and
  the final contents of every map (the exit dump). For our maps that gives
  what happened since the last tick, emitted as one last, partial interval.
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
from typing import TYPE_CHECKING, Any

import orjson

from ...lang.diagnostics import Diagnostic, ScriptError
from ...schema import Snapshot
from ..backend import Backend, Emit, Output
from ..drops import drops_snapshot
from .bpftrace_errors import HARMLESS, parse_bpftrace_errors, stderr_summary
from .bpftrace_maps import convert_entries, delta_entries, find_aggregations
from .processes import exit_status, send_signal, terminate

if TYPE_CHECKING:
    from ...lang.translate import Translation

log = logging.getLogger(__name__)

#: Above this size the program goes through a temporary file instead of
#: ``-e`` (Linux caps one argument at 128 KiB).
_MAX_ARG = 100_000

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


def ensure_tracefs(path: str = "/sys/kernel/tracing") -> None:
    """Mount tracefs at ``path`` if no tracefs is mounted (root only; best effort).

    bpftrace reads tracepoint formats from tracefs; some minimal systems and
    containers leave it unmounted, and bpftrace's error then says nothing
    about why.
    """
    try:
        with open("/proc/mounts") as f:
            if any(line.split()[2:3] == ["tracefs"] for line in f):
                return
    except OSError:
        return
    if not os.path.isdir(path):
        return
    try:
        subprocess.run(["mount", "-t", "tracefs", "nodev", path], check=True, capture_output=True, timeout=10)
        log.info("mounted tracefs at %s", path)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tracefs is not mounted and mounting it at %s failed: %s", path, exc)


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
        translation: Translation | None = None,
        script_file: str = "<script>",
    ) -> None:
        super().__init__(script, interval=interval, host=host, source=source)
        #: The ``lang.translate.Translation`` when ``script`` was translated from D: bpftrace's
        #: errors are then reported on the D script's lines (``script_file``), not the translation's.
        self.translation = translation
        self.script_file = script_file
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
        #: bpftrace's per-map key limit (new keys beyond it are dropped silently).
        try:
            self.map_keys_max = int(os.environ.get("BPFTRACE_MAP_KEYS_MAX", "4096"))
        except ValueError:
            self.map_keys_max = 4096
        self._full_warned: set[str] = set()

    # -- program ---------------------------------------------------------------------

    @property
    def interval_ms(self) -> int:
        return max(1, round(self.interval * 1000))

    def program(self) -> str:
        """The user's script plus the per-interval clause (print, and clear where not cumulative)."""
        body = " ".join(
            f"print({a.map});" if a.cumulative else f"print({a.map}); clear({a.map});"
            for a in self.aggregations
        )
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
            raise RuntimeError(
                "bpftrace needs root (euid 0); run the agent as root or use the sampler backend"
            )
        ensure_tracefs()
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
        if self.translation is not None:
            diags = self.translation.on_d_lines(diags, self.script_file)
        if not any(d.severity == "error" for d in diags):
            lines = [ln for ln in stderr.splitlines() if ln.strip() and not any(h in ln for h in HARMLESS)]
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
                raise RuntimeError(
                    f"bpftrace {flag} {exit_status(proc.returncode)}: {stderr_summary(stderr)}"
                )
            raise self._script_error(stderr, proc.returncode)
        self.warnings = [
            d for d in parse_bpftrace_errors(stderr, "<script>", self.script) if d.severity == "warning"
        ]

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
                terminate(proc, 2.0)
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
            if tmp:
                os.unlink(tmp)

    def _pump(self, proc: subprocess.Popen[bytes], emit: Emit, stop: threading.Event, output: Output) -> None:
        assert proc.stdout is not None and proc.stderr is not None  # started with both piped
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
                    send_signal(proc, signal.SIGINT)
                if sigint_at is not None and not killed and time.monotonic() - sigint_at > self.stop_timeout:
                    log.warning("bpftrace did not exit %.1f s after SIGINT; killing it", self.stop_timeout)
                    send_signal(proc, signal.SIGKILL)
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
            send_signal(proc, signal.SIGKILL)
            returncode = proc.wait()
        err_text = stderr.decode("utf-8", "replace")
        for err_line in err_text.splitlines():
            if err_line.strip() and not any(h in err_line for h in HARMLESS):
                log.info("bpftrace: %s", err_line)
        if not self.attached.is_set():
            if sigint_at is not None and returncode in (0, -signal.SIGINT, -signal.SIGKILL):
                return  # stopped before it attached: nothing ran, nothing to emit
            if returncode == 0:
                # Exited before attaching, without error (e.g. no probes left).
                return
            if returncode < 0:
                raise RuntimeError(f"bpftrace {exit_status(returncode)}: {stderr_summary(err_text)}")
            raise self._script_error(err_text, returncode)
        state.finish()
        if sigint_at is None and returncode != 0:
            raise RuntimeError(f"bpftrace {exit_status(returncode)}: {stderr_summary(err_text)}")


class _State:
    """What one run has read so far: the current interval's map values, lost events, exit phase."""

    __slots__ = (
        "backend",
        "by_map",
        "emit",
        "exiting",
        "last_mono",
        "lost",
        "marker",
        "output",
        "pending",
        "ticked",
        "totals",
    )

    def __init__(self, backend: BpftraceBackend, emit: Emit, output: Output) -> None:
        self.backend = backend
        self.emit = emit
        self.output = output
        self.pending: dict[str, Any] = {}
        # map -> state of delta_entries() for cumulative maps
        self.totals: dict[str, dict[str, Any]] = {}
        self.lost = 0
        self.exiting = False
        # CLOCK_MONOTONIC seconds of the last tick (or of the attach, before the first tick)
        self.last_mono: float | None = None
        self.ticked = False
        self.marker = backend.marker
        self.by_map = backend._by_map

    def record(self, rec: Any) -> None:
        kind = rec.get("type") if type(rec) is dict else None
        data = rec.get("data") if kind else None
        if data is None:
            return
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
            self.last_mono = time.monotonic()
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
        """The marker: close the interval at the tick's own time (bpftrace's ``nsecs``).

        The interval is measured between ticks rather than assumed: under
        heavy tracing load the kernel skips an ``interval`` probe firing now
        and then (a BPF program does not run while another one is running on
        the same CPU), and the skipped interval then merges into the next,
        which says so (2.0 instead of 1.0). The first tick comes one nominal
        interval after the probes attached.
        """
        try:
            mono = int(text[len(self.marker) :].strip()) / 1e9
        except ValueError:
            mono = time.monotonic()
        ts = mono + (time.time() - time.monotonic())
        interval = (
            round(mono - self.last_mono, 3)
            if self.ticked and self.last_mono is not None
            else self.backend.interval
        )
        self.ticked = True
        self.last_mono = mono
        self.flush(ts, interval)

    def finish(self) -> None:
        """Emit what arrived after the last tick (the exit dump) as a partial interval."""
        now = time.monotonic()
        ts = time.time()
        interval = round(now - self.last_mono, 3) if self.last_mono is not None else 0.0
        self.flush(ts, max(interval, 0.001))

    def flush(self, ts: float, interval: float) -> None:
        b = self.backend
        snaps = []
        pending = self.pending
        totals = self.totals
        for agg in b.aggregations:
            value = pending.get(agg.map)
            entries: list[list[Any]]
            if value is None:
                entries = []
            elif agg.cumulative:
                entries, totals[agg.map] = delta_entries(value, agg, totals.get(agg.map, {}))
                if type(value) is dict and len(value) >= b.map_keys_max and agg.map not in b._full_warned:
                    b._full_warned.add(agg.map)
                    log.warning(
                        "bpftrace map %s has reached %d keys (BPFTRACE_MAP_KEYS_MAX): new keys are being dropped; "
                        "raise BPFTRACE_MAP_KEYS_MAX or use fewer distinct keys",
                        agg.map,
                        len(value),
                    )
            else:
                entries = convert_entries(value, agg)
            snaps.append(Snapshot(b.host, b.source, agg.agg, agg.kind, ts, interval, True, entries))
        if self.lost:
            snaps.append(drops_snapshot(b.host, {"bpftrace_lost_events": self.lost}, interval, ts))
        self.pending = {}
        self.lost = 0
        self.emit(snaps)
