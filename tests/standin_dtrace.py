"""STAND-IN for python-dtrace's ``dtrace`` module (version 0.0.15) - NOT python-dtrace.

python-dtrace wraps libdtrace, which cannot exist on this Linux machine, so the
tests install this module as ``sys.modules["dtrace"]``. It follows the public
API of python-dtrace 0.0.15's Cython module (``dtrace_cython/consumer.pyx`` at
tmetsch/python-dtrace 1cc6897, setup.py version 0.0.15):

* ``DTraceConsumer(chew_func, chewrec_func, out_func, walk_func)`` with
  ``compile(script)`` and ``run(script, runtime=1)``;
* ``DTraceContinuousConsumer(script, chew_func, chewrec_func, out_func,
  walk_func)`` with ``go()``, ``sleep()`` and ``snapshot()``;
* ``DTraceConsumerThread(script, consume=True, chew_func, chewrec_func,
  out_func, walk_func, sleep=0)``, a ``threading.Thread`` with ``stop()``,
  ``stopped()`` and ``join()``, whose ``run()`` loops sleep-then-snapshot and
  holds its consumer in the ``consumer`` attribute;
* ``None`` for a callback installs a no-op (PR #21); the defaults print.

Nothing is traced. Instead the test *programs* what libdtrace would have
aggregated (:func:`program`, :func:`add_round`, the record helpers
:func:`count` ... :func:`lquantize`), and each ``snapshot()`` replays one
round: its output chunks go to ``out_func`` as stripped ``bytes`` (what
``dtbda_buffered.strip()`` gives), its records are added to a user-space
aggregate the way libdtrace adds a snap to its copy, and the value-sorted walk
delivers every record to ``walk_func(action, identifier, keys, value)`` and
removes it (``DTRACE_AGGWALK_REMOVE``), so each walk is an increment.

The shapes are those documented for the real module (docs/original-systems.md
section 1, from consumer.pyx, and illumos ``sys/dtrace.h`` for the bucket
layout):

* ``action``: ``DTRACEACT_AGGREGATION`` (0x700) + n, COUNT=1793 ... LLQUANTIZE=1801;
* ``identifier``: the aggregation's ``dtagd_varid`` (1 for the first one the
  compiler met);
* ``keys``: a list, one entry per key: ``bytes`` for strings (as a C
  ``char *`` converts: up to the first NUL), ``int`` for 4- and 8-byte
  integers, and for ``stack()`` several ``(module, symbol)`` tuples of bytes,
  flat in the list (see :class:`Stack`);
* values: count/sum/min/max as an ``int`` read through a C ``int`` (wrapping
  beyond 32 bits, as the real module's ``<int *>`` read does); avg as
  ``total // count``; quantize as 127 ``((lo, hi), count)`` tuples over powers
  of two with the zero bucket at index 63 and ``INT64_MIN``/``INT64_MAX`` at
  the open ends; lquantize as ``levels + 2`` tuples (underflow
  ``(INT64_MIN, base - 1)``, the levels, overflow ``(base + levels*step,
  INT64_MAX)``); stddev and llquantize raise
  ``Exception('Unsupported DTrace aggregation function!')``.
* errors are plain ``Exception(prefix, bytes_message)`` 2-tuples:
  ``'Unable to compile the script: '``, ``'Failed to walk aggregate: '``...

How an exception raised inside the C walk callback surfaces depends on the
Cython that built the real module, so it is programmable (``walk_errors``):
``"propagate"`` (Cython >= 3.0b1: the callback returns -1, libdtrace aborts the
walk and ``snapshot()`` raises ``Exception('Failed to walk aggregate: ',
...)``) or ``"unraisable"`` (older Cython: the exception is printed as
unraisable, the record is skipped and stays in the aggregate, the walk goes
on). The walk's order across aggregations approximates libdtrace's
``dtrace_aggregate_walk_valsorted`` (by action, then value).
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from threading import Thread
from typing import Any

# --------------------------------------------------------------------------- constants (sys/dtrace.h)

DTRACE_WORKSTATUS_ERROR = -1
DTRACE_WORKSTATUS_OKAY = 0
DTRACE_WORKSTATUS_DONE = 1

DTRACEACT_PRINTF = 3
DTRACEACT_AGGREGATION = 0x700
DTRACEAGG_COUNT = DTRACEACT_AGGREGATION + 1
DTRACEAGG_MIN = DTRACEACT_AGGREGATION + 2
DTRACEAGG_MAX = DTRACEACT_AGGREGATION + 3
DTRACEAGG_AVG = DTRACEACT_AGGREGATION + 4
DTRACEAGG_SUM = DTRACEACT_AGGREGATION + 5
DTRACEAGG_STDDEV = DTRACEACT_AGGREGATION + 6
DTRACEAGG_QUANTIZE = DTRACEACT_AGGREGATION + 7
DTRACEAGG_LQUANTIZE = DTRACEACT_AGGREGATION + 8
DTRACEAGG_LLQUANTIZE = DTRACEACT_AGGREGATION + 9

DTRACE_QUANTIZE_NBUCKETS = 127
DTRACE_QUANTIZE_ZEROBUCKET = 63
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

DTRACE_LQUANTIZE_STEPSHIFT = 48
DTRACE_LQUANTIZE_LEVELSHIFT = 32

STANDIN = True  #: lets a test assert it is not talking to the real module


def DTRACE_QUANTIZE_BUCKETVAL(buck: int) -> int:
    if buck < DTRACE_QUANTIZE_ZEROBUCKET:
        return -(1 << (DTRACE_QUANTIZE_ZEROBUCKET - 1 - buck))
    if buck == DTRACE_QUANTIZE_ZEROBUCKET:
        return 0
    return 1 << (buck - DTRACE_QUANTIZE_ZEROBUCKET - 1)


def _quantize_bucket(value: int) -> int:
    """Index of the quantize bucket holding ``value`` (libdtrace's dtrace_aggregate_quantize)."""
    if value == 0:
        return DTRACE_QUANTIZE_ZEROBUCKET
    if value > 0:
        for i in range(DTRACE_QUANTIZE_ZEROBUCKET + 1, DTRACE_QUANTIZE_NBUCKETS):
            if i == DTRACE_QUANTIZE_NBUCKETS - 1 or value < DTRACE_QUANTIZE_BUCKETVAL(i + 1):
                return i
    for i in range(DTRACE_QUANTIZE_ZEROBUCKET - 1, -1, -1):
        if i == 0 or value > DTRACE_QUANTIZE_BUCKETVAL(i - 1):
            return i
    raise AssertionError(value)


def _quantize_ranges() -> list[tuple[int, int]]:
    ranges = []
    for i in range(DTRACE_QUANTIZE_NBUCKETS):
        if i < DTRACE_QUANTIZE_ZEROBUCKET:
            lo = INT64_MIN if i == 0 else DTRACE_QUANTIZE_BUCKETVAL(i - 1) + 1
            hi = DTRACE_QUANTIZE_BUCKETVAL(i)
        elif i == DTRACE_QUANTIZE_ZEROBUCKET:
            lo = hi = 0
        else:
            lo = DTRACE_QUANTIZE_BUCKETVAL(i)
            hi = INT64_MAX if i == DTRACE_QUANTIZE_NBUCKETS - 1 else DTRACE_QUANTIZE_BUCKETVAL(i + 1) - 1
        ranges.append((lo, hi))
    return ranges


def lquantize_arg(base: int, limit: int, step: int = 1) -> int:
    """The encoded first word of an lquantize record (``DTRACE_LQUANTIZE_*`` layout)."""
    levels = (limit - base) // step
    return (
        (step << DTRACE_LQUANTIZE_STEPSHIFT) | (levels << DTRACE_LQUANTIZE_LEVELSHIFT) | (base & 0xFFFFFFFF)
    )


def _lquantize_decode(arg: int) -> tuple[int, int, int]:
    step = (arg >> DTRACE_LQUANTIZE_STEPSHIFT) & 0xFFFF
    levels = (arg >> DTRACE_LQUANTIZE_LEVELSHIFT) & 0xFFFF
    base = arg & 0xFFFFFFFF
    if base >= 1 << 31:
        base -= 1 << 32
    return base, step, levels


def _lquantize_ranges(arg: int) -> list[tuple[int, int]]:
    base, step, levels = _lquantize_decode(arg)
    ranges = []
    for i in range(levels + 2):
        lo = INT64_MIN if i == 0 else base + (i - 1) * step
        hi = INT64_MAX if i > levels else base + i * step - 1
        ranges.append((lo, hi))
    return ranges


def _c_int(value: int) -> int:
    """What reading a 64-bit aggregation word through a C ``int *`` gives (little-endian)."""
    return ((value + 2**31) % 2**32) - 2**31


# --------------------------------------------------------------------------- programmed data


class Stack(tuple):
    """A ``stack()`` key: frames as ``"module`symbol"`` text; the walk gives them as flat
    ``(b"module", b"symbol")`` tuples in the key list."""

    def __new__(cls, *frames: str) -> Stack:
        return super().__new__(cls, frames)


@dataclass
class AggRecord:
    """One aggregation record as libdtrace holds it: action, varid, keys and the raw data words."""

    action: int
    varid: int
    keys: tuple
    data: list[int]

    def merge(self, other: AggRecord) -> None:
        a = self.action
        if a in (DTRACEAGG_COUNT, DTRACEAGG_SUM):
            self.data[0] += other.data[0]
        elif a == DTRACEAGG_MIN:
            self.data[0] = min(self.data[0], other.data[0])
        elif a == DTRACEAGG_MAX:
            self.data[0] = max(self.data[0], other.data[0])
        elif a == DTRACEAGG_LQUANTIZE:
            self.data[1:] = [x + y for x, y in zip(self.data[1:], other.data[1:], strict=False)]
        else:  # avg [count, total], stddev [count, total, sumsq], quantize buckets, llquantize
            self.data = [x + y for x, y in zip(self.data, other.data, strict=False)]


def _key_tuple(keys: Iterable) -> tuple:
    return tuple(keys)


def count(varid: int, keys: Iterable, n: int = 1) -> AggRecord:
    return AggRecord(DTRACEAGG_COUNT, varid, _key_tuple(keys), [n])


def sum_(varid: int, keys: Iterable, total: int) -> AggRecord:
    return AggRecord(DTRACEAGG_SUM, varid, _key_tuple(keys), [total])


def min_(varid: int, keys: Iterable, value: int) -> AggRecord:
    return AggRecord(DTRACEAGG_MIN, varid, _key_tuple(keys), [value])


def max_(varid: int, keys: Iterable, value: int) -> AggRecord:
    return AggRecord(DTRACEAGG_MAX, varid, _key_tuple(keys), [value])


def avg(varid: int, keys: Iterable, values: Iterable[int]) -> AggRecord:
    values = list(values)
    return AggRecord(DTRACEAGG_AVG, varid, _key_tuple(keys), [len(values), sum(values)])


def stddev(varid: int, keys: Iterable, values: Iterable[int]) -> AggRecord:
    values = list(values)
    return AggRecord(
        DTRACEAGG_STDDEV, varid, _key_tuple(keys), [len(values), sum(values), sum(v * v for v in values)]
    )


def quantize(varid: int, keys: Iterable, values: Iterable[int] | dict[int, int]) -> AggRecord:
    """``@[keys] = quantize(v)`` for each value (a dict gives value -> number of times)."""
    pairs = values.items() if isinstance(values, dict) else ((v, 1) for v in values)
    data = [0] * DTRACE_QUANTIZE_NBUCKETS
    for v, n in pairs:
        data[_quantize_bucket(v)] += n
    return AggRecord(DTRACEAGG_QUANTIZE, varid, _key_tuple(keys), data)


def lquantize(
    varid: int, keys: Iterable, values: Iterable[int] | dict[int, int], base: int, limit: int, step: int = 1
) -> AggRecord:
    """``@[keys] = lquantize(v, base, limit, step)`` for each value."""
    levels = (limit - base) // step
    pairs = values.items() if isinstance(values, dict) else ((v, 1) for v in values)
    counts = [0] * (levels + 2)
    for v, n in pairs:
        if v < base:
            counts[0] += n
        elif v >= base + levels * step:
            counts[levels + 1] += n
        else:
            counts[(v - base) // step + 1] += n
    return AggRecord(
        DTRACEAGG_LQUANTIZE, varid, _key_tuple(keys), [lquantize_arg(base, limit, step), *counts]
    )


def llquantize(varid: int, keys: Iterable, values: Iterable[int]) -> AggRecord:
    """An llquantize record; the data is opaque here because the real walk cannot read it."""
    return AggRecord(DTRACEAGG_LLQUANTIZE, varid, _key_tuple(keys), [len(list(values))])


@dataclass
class Round:
    """What one ``dtrace_work`` + snap delivers: output chunks, then aggregation records."""

    records: list[AggRecord] = field(default_factory=list)
    output: list[bytes] = field(default_factory=list)


@dataclass
class Programme:
    """Everything a test programs; :func:`reset` restores the defaults."""

    compile_errors: list[tuple[str, bytes]] = field(default_factory=list)
    open_error: bytes | None = None
    rounds: list[Round] = field(default_factory=list)
    done_after: int | None = None
    walk_errors: str = "propagate"
    work_error: tuple[int, bytes] | None = None  # (round, message): dtrace_work fails there
    sleep_seconds: float = 0.01  # what DTraceContinuousConsumer.sleep() blocks for
    run_round_seconds: float = 0.0  # DTraceConsumer.run's time.sleep(1) per round
    compiled: list[str] = field(default_factory=list)
    consumers: list[Any] = field(default_factory=list)
    threads: list[Any] = field(default_factory=list)


PROGRAMME = Programme()


def reset() -> Programme:
    global PROGRAMME
    PROGRAMME = Programme()
    return PROGRAMME


def fail_compile(message: bytes, when: str = "") -> None:
    """Scripts containing ``when`` ("" = every script) fail to compile with libdtrace's ``message``."""
    PROGRAMME.compile_errors.append((when, message))


def add_round(records: Iterable[AggRecord] = (), output: Iterable[bytes | str] = ()) -> None:
    PROGRAMME.rounds.append(Round(list(records), [o.encode() if isinstance(o, str) else o for o in output]))


def program(
    rounds: Iterable[Iterable[AggRecord]] = (),
    *,
    done_after: int | None = None,
    walk_errors: str = "propagate",
) -> None:
    for records in rounds:
        add_round(records)
    PROGRAMME.done_after = done_after
    PROGRAMME.walk_errors = walk_errors


# --------------------------------------------------------------------------- default callbacks


def simple_chew(cpu):
    print("Running on CPU:", cpu)


def noop_chew(_cpu):
    pass


def simple_chewrec(action):
    print("Called action was:", action)


def noop_chewrec(_action):
    pass


def simple_out(value):
    print("Value is:", value)


def noop_out(_value):
    pass


def simple_walk(action, identifier, keys, value):
    print(action, identifier, keys, value)


def noop_walk(_action, _identifier, _keys, _value):
    pass


# --------------------------------------------------------------------------- the walk


def _render_keys(keys: tuple) -> list:
    out: list = []
    for k in keys:
        if isinstance(k, Stack):
            for frame in k:
                mod, _, sym = frame.partition("`")
                out.append((mod.encode(), sym.encode()))
        elif isinstance(k, str):
            out.append(k.encode().split(b"\0", 1)[0])
        elif isinstance(k, bytes):
            out.append(k.split(b"\0", 1)[0])
        else:
            out.append(int(k))
    return out


def _render_value(rec: AggRecord) -> Any:
    a = rec.action
    if a in (DTRACEAGG_SUM, DTRACEAGG_MAX, DTRACEAGG_MIN, DTRACEAGG_COUNT):
        return _c_int(rec.data[0])
    if a == DTRACEAGG_AVG:
        return rec.data[1] // rec.data[0]
    if a == DTRACEAGG_QUANTIZE:
        return [(r, rec.data[i]) for i, r in enumerate(_quantize_ranges())]
    if a == DTRACEAGG_LQUANTIZE:
        ranges = _lquantize_ranges(rec.data[0])
        levels = len(rec.data) - 1
        return [(ranges[i], rec.data[i + 1]) for i in range(levels)]
    raise Exception("Unsupported DTrace aggregation function!")


def _sort_value(rec: AggRecord) -> tuple:
    if rec.action in (DTRACEAGG_COUNT, DTRACEAGG_SUM, DTRACEAGG_MIN, DTRACEAGG_MAX):
        return (rec.action, rec.data[0])
    if rec.action == DTRACEAGG_AVG:
        return (rec.action, rec.data[1] / max(rec.data[0], 1))
    return (rec.action, sum(rec.data[1:] if rec.action == DTRACEAGG_LQUANTIZE else rec.data))


class _Handle:
    """What a dtrace_hdl_t holds here: the script, the user-space aggregate, the round cursor."""

    def __init__(self, chew_func, chewrec_func, out_func, walk_func) -> None:
        if PROGRAMME.open_error is not None:
            raise Exception(PROGRAMME.open_error)
        self.chew_func = noop_chew if chew_func is None else chew_func
        self.chewrec_func = noop_chewrec if chewrec_func is None else chewrec_func  # fixed in 0.0.15 (#27)
        self.out_func = noop_out if out_func is None else out_func
        self.walk_func = noop_walk if walk_func is None else walk_func
        self.aggregate: dict[tuple, AggRecord] = {}
        self.round = 0
        self.started = False
        PROGRAMME.consumers.append(self)

    def compile(self, script: str) -> None:
        if not isinstance(script, str):
            raise TypeError(
                f"Argument 'script' has incorrect type (expected str, got {type(script).__name__})"
            )
        PROGRAMME.compiled.append(script)
        for when, message in PROGRAMME.compile_errors:
            if when in script:
                raise Exception("Unable to compile the script: ", message)

    def work(self) -> int:
        """dtrace_work: buffered output to out_func, then the snap into the aggregate."""
        n = self.round
        self.round += 1
        if PROGRAMME.work_error is not None and PROGRAMME.work_error[0] == n:
            raise Exception("dtrace_work failed: ", PROGRAMME.work_error[1])
        rnd = PROGRAMME.rounds[n] if n < len(PROGRAMME.rounds) else Round()
        for chunk in rnd.output:
            self.chew_func(0)
            self.chewrec_func(DTRACEACT_PRINTF)
            self.out_func(chunk.strip())
        for rec in rnd.records:
            key = (rec.varid, rec.action, rec.keys)
            copy = AggRecord(rec.action, rec.varid, rec.keys, list(rec.data))
            if key in self.aggregate:
                self.aggregate[key].merge(copy)
            else:
                self.aggregate[key] = copy
        if PROGRAMME.done_after is not None and self.round >= PROGRAMME.done_after:
            return DTRACE_WORKSTATUS_DONE
        return DTRACE_WORKSTATUS_OKAY

    def walk(self, prefix: str) -> None:
        """dtrace_aggregate_walk_valsorted with python-dtrace's C walk (which returns REMOVE)."""
        for key, rec in sorted(self.aggregate.items(), key=lambda kv: _sort_value(kv[1])):
            try:
                keys = _render_keys(rec.keys)
                value = _render_value(rec)
                self.walk_func(rec.action, rec.varid, keys, value)
            except Exception:
                if PROGRAMME.walk_errors == "unraisable":
                    sys.stderr.write("Exception ignored in: 'dtrace_cython.consumer.walk'\n")
                    traceback.print_exc(file=sys.stderr)
                    continue  # returned 0 (DTRACE_AGGWALK_NEXT): the record stays
                # returned -1 (DTRACE_AGGWALK_ERROR): libdtrace aborts the walk
                raise Exception(prefix, b"Error 0") from None
            del self.aggregate[key]


class DTraceConsumer:
    """A DTrace consumer: compile a script, or run it for ``runtime`` rounds and walk at the end."""

    def __init__(
        self, chew_func=simple_chew, chewrec_func=simple_chewrec, out_func=simple_out, walk_func=simple_walk
    ):
        self._h = _Handle(chew_func, chewrec_func, out_func, walk_func)

    def compile(self, script):
        self._h.compile(script)

    def run(self, script, runtime=1):
        self._h.compile(script)
        self._h.started = True
        i = 0
        while i < runtime:
            status = self._h.work()
            if status == DTRACE_WORKSTATUS_DONE:
                break
            time.sleep(PROGRAMME.run_round_seconds)
            i += 1
        self._h.walk("Failed to walk the aggregate: ")


class DTraceContinuousConsumer:
    """A consumer driven from outside: go(), then sleep()/snapshot() in a loop."""

    def __init__(
        self,
        script,
        chew_func=simple_chew,
        chewrec_func=simple_chewrec,
        out_func=simple_out,
        walk_func=simple_walk,
    ):
        if not isinstance(script, str):
            raise TypeError("script must be a str")
        self.script = script
        self._h = _Handle(chew_func, chewrec_func, out_func, walk_func)

    def go(self):
        self._h.compile(self.script)
        self._h.started = True

    def sleep(self):
        time.sleep(PROGRAMME.sleep_seconds)

    def snapshot(self):
        status = self._h.work()
        self._h.walk("Failed to walk aggregate: ")
        return status


class DTraceConsumerThread(Thread):
    """Helper thread that continuously aggregates: sleep, then snapshot, until stopped."""

    def __init__(
        self,
        script,
        consume=True,
        chew_func=simple_chew,
        chewrec_func=simple_chewrec,
        out_func=simple_out,
        walk_func=simple_walk,
        sleep=0,
    ):
        Thread.__init__(self)
        self._stop_event = threading.Event()  # not "_stop": that clashes with Thread (PR #16)
        self.sleep_time = sleep
        self.consume = consume
        self.consumer = DTraceContinuousConsumer(script, chew_func, chewrec_func, out_func, walk_func)
        PROGRAMME.threads.append(self)

    def __del__(self):
        consumer = self.__dict__.get("consumer")
        if consumer is not None and not self.consume:
            consumer.snapshot()
        self.__dict__.pop("consumer", None)

    def run(self):
        Thread.run(self)
        self.consumer.go()
        while not self.stopped():
            if self.sleep_time == 0:
                self.consumer.sleep()
            else:
                time.sleep(self.sleep_time)
            if self.consume:
                status = self.consumer.snapshot()
                if status == 1:
                    self.stop()

    def stop(self):
        self._stop_event.set()

    def stopped(self):
        return self._stop_event.is_set()
