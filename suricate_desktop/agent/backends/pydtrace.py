"""python-dtrace backend: libdtrace in-process, through python-dtrace 0.0.15's Cython module.

It also holds what the dtrace(1) backend and the linter share about D and
libdtrace: the compiler-message parser (:func:`parse_libdtrace_error`) and a
light scan of a D script's aggregations (:func:`scan_aggregations`).

How a run works, and why:

* ``check()`` compiles the script with ``DTraceConsumer(None, None, None,
  None).compile(script)`` (``None`` callbacks are no-ops since PR #21), so a bad
  script fails before anything starts. libdtrace's message becomes a
  ``ScriptError`` at its line. Scripts that use ``stddev()`` or
  ``llquantize()`` are refused as well: python-dtrace 0.0.15's walk raises
  ``Exception('Unsupported DTrace aggregation function!')`` for them, so they
  cannot be read through this backend (the ``dtrace-cli`` backend reads them).
* ``run()`` starts ``dtrace.DTraceConsumerThread(script, consume=True,
  chew_func=None, chewrec_func=None, out_func=..., walk_func=..., sleep=interval)``.
  With ``sleep=N`` the thread loops ``time.sleep(N)`` then
  ``consumer.snapshot()`` (``dtrace_work``, ``dtrace_aggregate_snap``, the
  value-sorted walk). The walk returns ``DTRACE_AGGWALK_REMOVE``, so each
  snapshot's walk delivers what was aggregated since the previous one: every
  Snapshot is a delta (``delta=True``).
* **Interval boundaries.** The thread has no "walk finished" callback, so the
  backend wraps the thread's ``consumer`` attribute (a plain attribute of the
  Python ``Thread`` subclass) in a thin proxy whose ``snapshot()`` calls the
  real one and then hands over the records the walk delivered. One thread
  snapshot is therefore exactly one interval, with no timer racing the walk.
  The proxy also catches the exceptions python-dtrace raises inside the worker
  thread (a failed ``go()``, a failed ``dtrace_work`` or walk), stops the
  thread cleanly and lets ``run()`` re-raise them in the caller's thread. Only
  if a python-dtrace version had no ``consumer`` attribute does the backend
  fall back to a timer that swaps the collected records every ``interval``
  (a walk that straddles the swap is then split over two intervals).
* **Aggregation names.** The walk gives only ``dtagd_varid``. libdtrace numbers
  aggregation variables from 1 in the order the compiler first meets them, so
  varid ``n`` is the ``n``-th distinct ``@name`` in the script's text
  (comments and strings skipped). ``@name`` becomes ``name``; the anonymous
  ``@`` is ``"@"`` (as in the bpftrace backend). A varid beyond the names found
  is called ``agg<varid>``.
* **Kinds** come from the walk's action id (COUNT=1793 ... LLQUANTIZE=1801).
  Every interval emits one Snapshot per aggregation whose kind is known (from
  the walk, or else from the script's ``@a = func(``), with no entries when
  nothing happened: an idle interval is data too.
* **Keys**: bytes are decoded as UTF-8 up to the first NUL; ints stay ints;
  ``stack()`` frames, which python-dtrace gives as ``(module, symbol)`` tuples
  (flat in the key list, or nested in one list: both are read), become one key
  part ``"module`symbol"`` per frame joined by ``"\\n"``. Two records whose
  keys decode to the same list in one interval are merged (added; min/max
  kept; averages averaged).
* **Values**: count/sum/min/max/avg are ints as python-dtrace gives them (it
  reads count/sum/min/max through a C ``int``, so totals beyond 32 bits wrap
  there already; avg is ``sum // count``). quantize's 127 and lquantize's
  ``levels + 2`` ``((lo, hi), count)`` pairs become ``[[lo, hi], count]``
  buckets **with zero-count buckets dropped**: each bucket carries its own
  bounds, so nothing is lost, and a quantize key shrinks from 127 buckets to
  the few that were hit. Open ends keep python-dtrace's ``INT64_MIN`` /
  ``INT64_MAX`` sentinels.
* ``out_func`` receives each chunk of printf/trace output as stripped
  ``bytes``; it is decoded and passed to ``output`` with a newline.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from ...lang.diagnostics import Diagnostic, ScriptError
from ...schema import BUCKET_KINDS, Snapshot
from ..backend import Backend, Emit, Output
from .d_aggregations import (
    ACTION_KINDS,
    D_AGG_FUNCTIONS,
    PYDTRACE_UNSUPPORTED,
    scan_aggregations,
    unsupported_aggregations,
)
from .dtrace_errors import COMPILE_PREFIX, locate_token, message_text, parse_libdtrace_error

log = logging.getLogger(__name__)

NOT_INSTALLED = "python-dtrace is not installed (pip install suricate-desktop[dtrace]; it builds only where libdtrace exists)"

# --------------------------------------------------------------------------- walk values


def frame_text(frame: Any) -> str:
    """One stack frame, ``(module, symbol)`` or text, as ``module`symbol`` (dtrace(1)'s ``+0x..``
    offset dropped, so both DTrace backends name a frame the same way)."""
    if isinstance(frame, (tuple, list)) and len(frame) == 2:
        mod, sym = (_text(p) for p in frame)
        return f"{mod}`{sym}" if sym else mod
    text = _text(frame).strip()
    return re.sub(r"\+0x[0-9a-fA-F]+$", "", text)


def _text(part: Any) -> str:
    if isinstance(part, bytes):
        return part.split(b"\0", 1)[0].decode("utf-8", "replace")
    return str(part).split("\0", 1)[0]


def _is_frame(part: Any) -> bool:
    return isinstance(part, tuple) and len(part) == 2 and all(isinstance(p, (bytes, str)) for p in part)


def decode_keys(keys: Any) -> list[Any]:
    """python-dtrace's key list as a snapshot key: str and int parts, stacks as one ``"\\n"``-joined part."""
    out: list[Any] = []
    frames: list[str] = []
    for part in keys or ():
        if _is_frame(part):
            frames.append(frame_text(part))
            continue
        if frames:
            out.append("\n".join(frames))
            frames = []
        if isinstance(part, (bytes, str)):
            out.append(_text(part))
        elif isinstance(part, bool):
            out.append(int(part))
        elif isinstance(part, int):
            out.append(part)
        elif isinstance(part, (list, tuple)) and all(_is_frame(f) for f in part):
            out.append("\n".join(frame_text(f) for f in part))
        else:
            out.append(str(part))
    if frames:
        out.append("\n".join(frames))
    return out


def walk_value(kind: str, value: Any) -> Any:
    """python-dtrace's value as a snapshot value: a number, or non-zero ``[[lo, hi], count]`` buckets."""
    if kind in BUCKET_KINDS:
        return [[[int(lo), int(hi)], int(count)] for (lo, hi), count in value if count]
    return value


def merge_value(kind: str, old: Any, new: Any) -> Any:
    """Two values of one key in one interval, as one."""
    if kind in BUCKET_KINDS:
        acc: dict[tuple[int, int], int] = {}
        for (lo, hi), count in list(old) + list(new):
            acc[(lo, hi)] = acc.get((lo, hi), 0) + count
        return [[[lo, hi], c] for (lo, hi), c in sorted(acc.items()) if c]
    if kind == "min":
        return min(old, new)
    if kind == "max":
        return max(old, new)
    if kind in ("avg", "stddev"):
        return (old + new) / 2
    return old + new


class _Collector:
    """Records of the current interval, by aggregation name and key."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.lock = threading.Lock()
        self.current: dict[str, tuple[str, dict[tuple[Any, ...], list[Any]]]] = {}

    def name_of(self, varid: int) -> str:
        if isinstance(varid, int) and 1 <= varid <= len(self.names):
            return self.names[varid - 1]
        return f"agg{varid}"

    def add(self, action: int, identifier: int, keys: Any, value: Any) -> None:
        kind = ACTION_KINDS.get(action)
        if kind is None:
            log.debug("python-dtrace walk: unknown action %r ignored", action)
            return
        name = self.name_of(identifier)
        key = decode_keys(keys)
        val = walk_value(kind, value)
        hkey = tuple(key)
        with self.lock:
            slot = self.current.get(name)
            if slot is None or slot[0] != kind:
                slot = (kind, {})
                self.current[name] = slot
            entries = slot[1]
            entry = entries.get(hkey)
            if entry is None:
                entries[hkey] = [key, val]
            else:
                entry[1] = merge_value(kind, entry[1], val)

    def take(self) -> dict[str, tuple[str, dict[tuple[Any, ...], list[Any]]]]:
        with self.lock:
            taken, self.current = self.current, {}
        return taken


class _ConsumerHook:
    """Stands in front of the thread's DTraceContinuousConsumer to see each snapshot end.

    ``snapshot()`` calls the real one, then reports the interval; exceptions
    from the worker thread are recorded and turned into a clean stop (``go``
    failing stops the thread; ``snapshot`` failing returns
    ``DTRACE_WORKSTATUS_DONE``), so ``run()`` can raise them in its own thread.
    """

    def __init__(self, inner: Any, backend_state: _RunState, stop_thread: Callable[[], None]) -> None:
        self._inner = inner
        self._state = backend_state
        self._stop_thread = stop_thread

    def go(self) -> Any:
        try:
            return self._inner.go()
        except Exception as exc:
            self._state.errors.append(exc)
            self._stop_thread()
            return None

    def sleep(self) -> Any:
        return self._inner.sleep()

    def snapshot(self) -> Any:
        try:
            status = self._inner.snapshot()
        except Exception as exc:
            self._state.errors.append(exc)
            self._state.interval_done()
            return 1  # DTRACE_WORKSTATUS_DONE: the thread stops itself
        self._state.interval_done()
        return status

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _RunState:
    def __init__(self, collector: _Collector) -> None:
        self.collector = collector
        self.events: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.errors: list[BaseException] = []

    def interval_done(self) -> None:
        self.events.put(("interval", time.time(), self.collector.take()))

    def out(self, value: Any) -> None:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        self.events.put(("output", text + "\n"))


# --------------------------------------------------------------------------- the backend


def _import_dtrace() -> Any:
    try:
        import dtrace
    except ImportError as exc:
        raise RuntimeError(NOT_INSTALLED) from exc
    return dtrace


def _describe(exc: BaseException) -> str:
    args: tuple[Any, ...] = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[0], str):
        return f"{args[0]}{message_text(exc)}"
    return message_text(exc)


class PyDTraceBackend(Backend):
    """Runs one D script in-process through python-dtrace 0.0.15; emits per-interval deltas.

    Extra arguments: ``script_file`` (the name diagnostics give the script,
    ``"<script>"`` by default) and ``stop_timeout`` (seconds ``run()`` waits for
    the consumer thread after a stop; the thread finishes its current
    ``sleep(interval)`` and one last snapshot first).
    """

    name = "dtrace"

    def __init__(
        self,
        script: str,
        *,
        interval: float = 1.0,
        host: str | None = None,
        source: str = "script",
        script_file: str = "<script>",
        stop_timeout: float | None = None,
    ) -> None:
        super().__init__(script, interval=interval, host=host, source=source)
        if interval <= 0:
            raise ValueError(f"interval must be > 0, got {interval}")
        self.script_file = script_file
        self.stop_timeout = stop_timeout if stop_timeout is not None else interval + 10.0
        self.aggregations = scan_aggregations(script)
        #: Aggregation names by varid - 1.
        self.names = [a.agg for a in self.aggregations]

    # -- check -----------------------------------------------------------------------

    def check(self) -> None:
        """Compile with libdtrace (nothing is enabled); refuse stddev/llquantize, which 0.0.15 cannot read."""
        dtrace = _import_dtrace()
        try:
            consumer = dtrace.DTraceConsumer(None, None, None, None)
        except Exception as exc:
            raise RuntimeError(f"python-dtrace could not open DTrace: {_describe(exc)}") from exc
        try:
            consumer.compile(self.script)
        except Exception as exc:
            raise ScriptError(parse_libdtrace_error(exc, self.script_file, source=self.script)) from exc
        finally:
            del consumer
        bad = unsupported_aggregations(self.script)
        if bad:
            diags = []
            for a in bad:
                _, column, end = locate_token(self.script, f"{a.func}(", a.line) or (a.line, 1, None)
                message = (
                    f"{a.var} = {a.func}(): python-dtrace 0.0.15 cannot read {a.func}() aggregations "
                    "(its walk raises 'Unsupported DTrace aggregation function!'); use the dtrace-cli backend"
                )
                diags.append(Diagnostic(a.line, column, "error", message, self.script_file, end))
            raise ScriptError(diags)

    # -- run -------------------------------------------------------------------------

    def run(self, emit: Emit, stop: threading.Event, output: Output) -> None:
        """Trace until ``stop`` is set or the script exits; emit once per thread snapshot.

        ``emit`` and ``output`` are called in this thread (the consumer
        thread only queues). Raises ScriptError when libdtrace refuses the
        script, RuntimeError for other python-dtrace failures (after emitting
        what had been collected).
        """
        dtrace = _import_dtrace()
        collector = _Collector(self.names)
        state = _RunState(collector)
        try:
            thread = dtrace.DTraceConsumerThread(
                self.script,
                consume=True,
                chew_func=None,
                chewrec_func=None,
                out_func=state.out,
                walk_func=collector.add,
                sleep=self.interval,
            )
        except Exception as exc:
            raise RuntimeError(f"python-dtrace could not open DTrace: {_describe(exc)}") from exc
        inner = getattr(thread, "consumer", None)
        hooked = inner is not None
        if hooked:
            thread.consumer = _ConsumerHook(inner, state, thread.stop)
        else:  # pragma: no cover - a python-dtrace without the attribute
            log.warning("python-dtrace thread has no 'consumer' attribute; intervals are cut by a timer")
        thread.daemon = True
        known = {
            a.agg: a.func
            for a in self.aggregations
            if a.func in D_AGG_FUNCTIONS and a.func not in PYDTRACE_UNSUPPORTED
        }
        thread.start()
        stopping = False
        final_cut = False
        next_cut = time.monotonic() + self.interval
        try:
            while True:
                if stop.is_set() and not stopping:
                    thread.stop()
                    stopping = True
                try:
                    event = state.events.get(timeout=0.05)
                except queue.Empty:
                    if not hooked and time.monotonic() >= next_cut:  # pragma: no cover
                        next_cut += self.interval
                        state.interval_done()
                        continue
                    if not thread.is_alive():
                        if not hooked and not final_cut:  # pragma: no cover
                            final_cut = True
                            state.interval_done()
                        elif state.events.empty():
                            break
                    continue
                if event[0] == "output":
                    output(event[1])
                    continue
                _, ts, taken = event
                emit(self._snapshots(ts, taken, known))
        finally:
            thread.stop()
            thread.join(self.stop_timeout)
            if thread.is_alive():
                log.warning("python-dtrace thread did not end within %.1f s", self.stop_timeout)
        if state.errors:
            self._raise(state.errors[0])

    def _snapshots(self, ts: float, taken: dict[str, Any], known: dict[str, str]) -> list[Snapshot]:
        """One snapshot per aggregation of known kind (the walk's kind wins over the script's)."""
        for name, (kind, _) in taken.items():
            known[name] = kind
        order = [n for n in self.names if n in known] + [n for n in known if n not in self.names]
        interval = self.interval
        snaps = []
        for name in order:
            kind = known[name]
            slot = taken.get(name)
            entries = list(slot[1].values()) if slot else []
            snaps.append(Snapshot(self.host, self.source, name, kind, ts, interval, True, entries))
        return snaps

    def _raise(self, exc: BaseException) -> None:
        args = getattr(exc, "args", ())
        prefix = args[0] if args and isinstance(args[0], str) else ""
        if prefix.startswith(COMPILE_PREFIX.strip()):
            raise ScriptError(parse_libdtrace_error(exc, self.script_file, source=self.script)) from exc
        hint = ""
        if "walk" in prefix and unsupported_aggregations(self.script):
            hint = " (the script uses stddev() or llquantize(), which python-dtrace 0.0.15 cannot read)"
        raise RuntimeError(f"python-dtrace failed: {_describe(exc)}{hint}") from exc
