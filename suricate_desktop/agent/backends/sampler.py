"""The unprivileged sampler: per-process-name activity from psutil, no tracer, no root.

It is the app's embedded default, the backend that works on any workstation
where bpftrace or DTrace is missing or the user is not root. It traces
nothing: every ``interval`` it reads each process's counters (one
``psutil.process_iter`` pass, ``attrs=`` so each process is read inside one
``oneshot()``, i.e. one read of /proc/PID/stat, status, statm and io on Linux)
and reports what changed since the previous pass. ``script`` is ignored (pass
``""``); the set of aggregations is fixed.

Each interval emits five snapshots (source ``"sampler"`` by default), keyed by
``[process name]`` and summed over every process with that name:

===================  =====  =============================================================
agg                  kind   value
===================  =====  =============================================================
``cpu_time``         sum    user + system CPU time used during the interval, milliseconds
``io_read_bytes``    sum    bytes read during the interval (see below)
``io_write_bytes``   sum    bytes written during the interval (see below)
``ctx_switches``     sum    voluntary + involuntary context switches during the interval
``rss``              max    resident memory in bytes at the sample that ends the interval
===================  =====  =============================================================

Why these choices:

* Deltas are computed per process (pid plus create time, so a reused pid is a
  new process) between consecutive passes, then summed by name. A process
  seen for the first time only sets its baseline: it is counted from the
  first time it is seen, not from its start (its earlier history happened
  before the sampler was looking, and a process born long ago would otherwise
  dump its whole life into one interval). So a process that lives less than
  one interval is not seen at all. A process that is gone at a pass loses
  only its last partial interval (what it did since the previous pass).
* ``sum`` entries that are zero are left out (a zero delta and an absent key
  mean the same for an additive kind, and most processes are idle): the
  snapshots stay small.
* I/O counts ``read_chars``/``write_chars`` (Linux /proc/PID/io ``rchar`` and
  ``wchar``): the bytes the process passed through read/write-like system
  calls, whatever the target (file, page cache, pipe, socket, terminal),
  counted exactly when the call happens. ``read_bytes``/``write_bytes``
  measure the storage layer instead: a read served from the page cache
  counts 0, a write to tmpfs counts 0, and writes are charged when pages are
  dirtied and partly refunded (``cancelled_write_bytes``) when a file is
  truncated, so they neither add up to what a program does nor exist for
  sockets. On platforms without the ``*_chars`` fields (Windows, BSD) the
  ``*_bytes`` fields are used.
* ``rss`` is a level, not an increment: the snapshot still says
  ``delta=True`` like the others (it describes this interval), and its kind
  is ``max`` because levels do not add up over time: a cumulative view of it
  is its latest value. It is the sum over the name's processes at the end of
  the interval, and every name is present (no zero filtering).
* A process whose counters cannot be read (another user's /proc/PID/io
  without root, a zombie) is skipped quietly for the counters it denies and
  counted in ``skipped``; the others still count. Nothing here needs
  privilege: as an unprivileged user the I/O of other users' processes is
  simply missing.

The first emit comes one interval after ``run`` starts (the first pass only
sets baselines); on stop, one last partial interval is emitted.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psutil

from ...schema import Snapshot
from ..backend import Backend, Emit, Output

_HAS_IO = hasattr(psutil.Process, "io_counters")
_ATTRS = ["name", "create_time", "cpu_times", "num_ctx_switches", "memory_info"] + (
    ["io_counters"] if _HAS_IO else []
)

#: Aggregations the sampler emits, with their kinds, in emit order.
AGGREGATIONS = (
    ("cpu_time", "sum"),
    ("io_read_bytes", "sum"),
    ("io_write_bytes", "sum"),
    ("ctx_switches", "sum"),
    ("rss", "max"),
)


def _io(io: Any) -> tuple[int | None, int | None]:
    if io is None:
        return None, None
    read = getattr(io, "read_chars", None)
    write = getattr(io, "write_chars", None)
    if read is None:
        read = io.read_bytes
    if write is None:
        write = io.write_bytes
    return read, write


class SamplerBackend(Backend):
    """Samples every process with psutil each interval; see the module docstring for what it emits."""

    name = "sampler"

    def __init__(
        self, script: str = "", *, interval: float = 1.0, host: str | None = None, source: str = "sampler"
    ) -> None:
        super().__init__(script, interval=interval, host=host, source=source)
        if interval <= 0:
            raise ValueError(f"interval must be > 0, got {interval}")
        # pid -> (create_time, cpu seconds, read, write, ctx switches), from the previous pass
        self._prev: dict[int, tuple[Any, ...]] = {}
        #: Processes the last pass could not fully read (access denied, zombie).
        self.skipped = 0
        #: Processes the last pass saw.
        self.processes = 0

    def check(self) -> None:
        """Nothing to compile; the sampler has no script."""

    def sample(self, ts: float | None = None, interval: float | None = None) -> list[Snapshot]:
        """One pass: the snapshots of what changed since the previous pass.

        The first call only records baselines, so its sum snapshots are empty.
        """
        prev = self._prev
        cur: dict[int, tuple[Any, ...]] = {}
        cpu: dict[str, int | float] = {}
        rd: dict[str, int] = {}
        wr: dict[str, int] = {}
        ctx: dict[str, int] = {}
        rss: dict[str, int] = {}
        skipped = 0
        seen = 0
        for proc in psutil.process_iter(_ATTRS, ad_value=None):
            info = proc.info
            seen += 1
            name = info["name"]
            if name is None:
                skipped += 1
                continue
            ct = info["cpu_times"]
            cs = info["num_ctx_switches"]
            mem = info["memory_info"]
            read, write = _io(info.get("io_counters"))
            if ct is None or cs is None or mem is None or (_HAS_IO and read is None):
                skipped += 1
            c = ct.user + ct.system if ct is not None else None
            x = cs.voluntary + cs.involuntary if cs is not None else None
            pid = proc.pid
            created = info["create_time"]
            cur[pid] = (created, c, read, write, x)
            if mem is not None:
                rss[name] = rss.get(name, 0) + mem.rss
            old = prev.get(pid)
            if old is None or old[0] != created:
                continue  # first time seen: baseline only
            if c is not None and old[1] is not None and c > old[1]:
                cpu[name] = cpu.get(name, 0) + (c - old[1])
            if read is not None and old[2] is not None and read > old[2]:
                rd[name] = rd.get(name, 0) + (read - old[2])
            if write is not None and old[3] is not None and write > old[3]:
                wr[name] = wr.get(name, 0) + (write - old[3])
            if x is not None and old[4] is not None and x > old[4]:
                ctx[name] = ctx.get(name, 0) + (x - old[4])
        self._prev = cur
        self.skipped = skipped
        self.processes = seen
        ts = time.time() if ts is None else ts
        interval = self.interval if interval is None else interval
        values = (
            {k: round(v * 1000) for k, v in cpu.items() if round(v * 1000)},
            rd,
            wr,
            ctx,
            rss,
        )
        return [
            Snapshot(self.host, self.source, agg, kind, ts, interval, True, [[[k], v] for k, v in d.items()])
            for (agg, kind), d in zip(AGGREGATIONS, values, strict=True)
        ]

    def run(self, emit: Emit, stop: threading.Event, output: Output) -> None:
        """Sample every ``interval`` seconds until ``stop``; emit each interval, then the partial last one.

        Ticks are scheduled from the start time (no drift); if a pass takes
        longer than an interval the missed ticks are skipped, not bunched.
        """
        self._prev = {}
        self.sample()
        last = start = time.monotonic()
        k = 1
        while not stop.wait(max(0.0, start + k * self.interval - time.monotonic())):
            emit(self.sample(interval=self.interval))
            last = time.monotonic()
            k = max(k + 1, int((last - start) / self.interval) + 1)
        elapsed = time.monotonic() - last
        if elapsed >= 0.01:
            emit(self.sample(interval=round(elapsed, 6)))
