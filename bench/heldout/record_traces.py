"""Record the held-out traces: real series from this machine, with behaviour changes at known times.

    python3 bench/heldout/record_traces.py --run r1|r2|r3 [--duration 1080] [--interval 0.5] [--out DIR]

What it does, the way a user would get the same data:

1. ``suricate record --bind 'heldout.#'`` records to a Parquet folder (a work
   folder outside the repository; ``--work`` to choose it) from the local
   RabbitMQ (``$SURICATE_BROKER``, default 127.0.0.1 guest/guest).
2. Two agents publish there every ``--interval`` seconds as host ``heldout``:
   ``suricate agent bench/heldout/hx.bt`` (the bpftrace backend; needs root)
   and ``suricate agent --backend sampler`` (the unprivileged sampler).
3. Four workloads run side by side (``workload.py``): ``web`` (a TCP server
   and its client), ``writer`` (a file writer), ``batch`` (periodic CPU jobs)
   and ``pool`` (a parent feeding worker processes). :data:`SCHEDULES` (``--run``) changes
   their behaviour at fixed offsets from the start; each change is logged with
   the wall-clock time at which the driver injected it (the control file
   written, or SIGSTOP sent).
4. At the end, ``suricate query --csv`` reads the recording back, and every
   series of :data:`SERIES` is written as ``<name>.csv`` (``timestamp,value``,
   UTC), with ``changes.json`` (per series, only the changes that affect it)
   and ``schedule.json`` (every change: what, when, which series).

Counts and sums are turned into rates (divided by the snapshot's measured
interval); the sampler's ``rss`` is a level and kept in bytes. An interval in
which a key did nothing has no entry for it in the snapshot: it is a 0.
``--scale`` shrinks every offset and the duration (``--scale 0.1`` for a
two-minute try of the whole path).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
HOST = "heldout"


@dataclass(frozen=True)
class Series:
    """One exported series: a key of one aggregation of one source."""

    tool: str  # "bpftrace" or "sampler"
    agg: str
    key: str
    workload: str
    what: str

    @property
    def source(self) -> str:
        return "hx" if self.tool == "bpftrace" else "sampler"

    @property
    def level(self) -> bool:
        return self.agg == "rss"


SERIES: dict[str, Series] = {
    "bpf_web_server_syscalls": Series(
        "bpftrace", "calls", "hx-server", "web", "system calls/s of the server"
    ),
    "bpf_web_client_syscalls": Series(
        "bpftrace", "calls", "hx-client", "web", "system calls/s of the client"
    ),
    "bpf_web_server_cswitch": Series(
        "bpftrace", "cswitch", "hx-server", "web", "context switches/s (off CPU)"
    ),
    "smp_web_server_ctxsw": Series(
        "sampler", "ctx_switches", "hx-server", "web", "server context switches/s"
    ),
    "smp_web_client_ctxsw": Series(
        "sampler", "ctx_switches", "hx-client", "web", "client context switches/s"
    ),
    "bpf_writer_write_bytes": Series(
        "bpftrace", "wbytes", "hx-writer", "writer", "bytes/s returned by write(2)"
    ),
    "bpf_writer_syscalls": Series("bpftrace", "calls", "hx-writer", "writer", "system calls/s of the writer"),
    "smp_writer_write_bytes": Series(
        "sampler", "io_write_bytes", "hx-writer", "writer", "bytes/s written (wchar)"
    ),
    "bpf_batch_oncpu": Series("bpftrace", "oncpu", "hx-batch", "batch", "99 Hz on-CPU samples/s"),
    "smp_batch_cpu": Series("sampler", "cpu_time", "hx-batch", "batch", "batch CPU ms/s"),
    "smp_batch_rss": Series("sampler", "rss", "hx-batch", "batch", "batch resident memory, bytes"),
    "bpf_pool_worker_syscalls": Series(
        "bpftrace", "calls", "hx-poolw", "pool", "system calls/s of the workers"
    ),
    "smp_pool_worker_cpu": Series("sampler", "cpu_time", "hx-poolw", "pool", "workers' CPU ms/s"),
    "smp_pool_worker_ctxsw": Series(
        "sampler", "ctx_switches", "hx-poolw", "pool", "workers' context switches/s"
    ),
}


@dataclass(frozen=True)
class Change:
    """A behaviour change at ``at`` seconds: new parameters (for ``lasts`` s, or for good) or a stop."""

    at: float
    role: str
    what: str
    set: dict[str, Any] = field(default_factory=dict)
    stop: bool = False
    lasts: float = 0.0
    only: tuple[str, ...] = ()  # the series it affects; () = every series of the role's workload


WORKLOAD_OF = {"server": "web", "client": "web", "writer": "writer", "batch": "batch", "pool": "pool"}

SCHEDULE_R1: list[Change] = [
    # web: client rate 120 req/s, a 60 s sine of +-25 %, noise spread 0.08
    Change(150, "client", "level shift: request rate 120 -> 190 /s", {"rate": 190.0}),
    Change(330, "client", "burst: request rate x3 for 8 s", {"rate": 570.0}, lasts=8),
    Change(510, "server", "outage: server stopped (SIGSTOP) for 20 s", stop=True, lasts=20),
    Change(700, "client", "variance change: noise spread 0.08 -> 0.4 (same mean)", {"sigma": 0.4}),
    Change(880, "client", "new periodicity: a 20 s square wave of +-35 %", {"period": 20.0, "amp": 0.35}),
    # writer: 1.5 MB/s, a 120 s sawtooth of +-30 %, a 1 MiB flush every 30 s
    Change(
        200,
        "writer",
        "new syscall mix: fsync + pread after each write",
        {"mix": "sync"},
        only=("bpf_writer_syscalls",),
    ),
    Change(420, "writer", "stall: writer stopped (SIGSTOP) for 30 s", stop=True, lasts=30),
    Change(620, "writer", "level shift: byte rate x0.8", {"rate": 1.2e6}),
    Change(800, "writer", "burst: byte rate x5 for 6 s", {"rate": 6.0e6}, lasts=6),
    Change(960, "writer", "new periodicity: flush every 12 s instead of 30 s", {"flush_every": 12.0}),
    # batch: a 150 ms job every 10 s, a 5 ms heartbeat every 0.5 s
    Change(
        180,
        "batch",
        "new periodicity: a job every 6 s instead of 10 s",
        {"period": 6.0},
        only=("bpf_batch_oncpu", "smp_batch_cpu"),
    ),
    Change(
        380,
        "batch",
        "level shift: jobs of 270 ms instead of 150 ms",
        {"job_ms": 270.0},
        only=("bpf_batch_oncpu", "smp_batch_cpu"),
    ),
    Change(560, "batch", "leak: 100 KiB/s of memory kept for good", {"leak": 100.0}, only=("smp_batch_rss",)),
    Change(760, "batch", "stall: batch stopped (SIGSTOP) for 25 s", stop=True, lasts=25),
    Change(
        940,
        "batch",
        "ramp: each job 120 ms/min longer than the last",
        {"ramp": 120.0},
        only=("bpf_batch_oncpu", "smp_batch_cpu"),
    ),
    # pool: 20 tasks/s of 2.5 ms, a 240 s triangle between x0.6 and x1.4, 3 workers
    Change(
        240,
        "pool",
        "new syscall mix: tasks also read and stat files",
        {"kind": "io"},
        only=("bpf_pool_worker_syscalls",),  # its CPU is under the sampler's resolution (README)
    ),
    Change(480, "pool", "burst: task rate x4 for 10 s", {"rate": 80.0}, lasts=10),
    Change(700, "pool", "level shift: task rate x0.6", {"rate": 12.0}),
    Change(920, "pool", "stall: parent stopped (SIGSTOP) for 20 s", stop=True, lasts=20),
]

SCHEDULE_R2: list[Change] = [
    # the same workloads and baselines (another seed), other changes in another order
    Change(170, "client", "variance change: noise spread 0.08 -> 0.4 (same mean)", {"sigma": 0.4}),
    Change(360, "client", "new periodicity: a 30 s square wave of +-30 %", {"period": 30.0, "amp": 0.3}),
    Change(560, "client", "level shift: request rate 120 -> 80 /s", {"rate": 80.0}),
    Change(760, "server", "outage: server stopped (SIGSTOP) for 15 s", stop=True, lasts=15),
    Change(930, "client", "burst: request rate x3 for 6 s", {"rate": 240.0}, lasts=6),
    Change(160, "writer", "burst: byte rate x4 for 8 s", {"rate": 6.0e6}, lasts=8),
    Change(350, "writer", "level shift: byte rate x1.4", {"rate": 2.1e6}),
    Change(560, "writer", "new periodicity: flush every 10 s instead of 30 s", {"flush_every": 10.0}),
    Change(
        760,
        "writer",
        "new syscall mix: fsync + pread after each write",
        {"mix": "sync"},
        only=("bpf_writer_syscalls",),
    ),
    Change(950, "writer", "stall: writer stopped (SIGSTOP) for 20 s", stop=True, lasts=20),
    Change(200, "batch", "leak: 60 KiB/s of memory kept for good", {"leak": 60.0}, only=("smp_batch_rss",)),
    Change(420, "batch", "stall: batch stopped (SIGSTOP) for 20 s", stop=True, lasts=20),
    Change(
        620,
        "batch",
        "new periodicity: a job every 14 s instead of 10 s",
        {"period": 14.0},
        only=("bpf_batch_oncpu", "smp_batch_cpu"),
    ),
    Change(
        840,
        "batch",
        "level shift: jobs of 90 ms instead of 150 ms",
        {"job_ms": 90.0},
        only=("bpf_batch_oncpu", "smp_batch_cpu"),
    ),
    Change(190, "pool", "level shift: task rate x1.5", {"rate": 30.0}),
    Change(400, "pool", "stall: parent stopped (SIGSTOP) for 15 s", stop=True, lasts=15),
    Change(
        610,
        "pool",
        "new syscall mix: tasks also read and stat files",
        {"kind": "io"},
        only=("bpf_pool_worker_syscalls",),  # its CPU is under the sampler's resolution (README)
    ),
    Change(820, "pool", "burst: task rate x3 for 12 s", {"rate": 90.0}, lasts=12),
]

#: Recordings of the same workloads with different changes: one to tune on, one to report on.
#: r3 repeats r1's schedule: r1 was recorded before a burst's end reached the workloads (README).
SCHEDULES = {"r1": SCHEDULE_R1, "r2": SCHEDULE_R2, "r3": SCHEDULE_R1}


def stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def affected(change: Change) -> list[str]:
    if change.only:
        return list(change.only)
    return [n for n, s in SERIES.items() if s.workload == WORKLOAD_OF[change.role]]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "suricate_desktop", *args]


class Session:
    """The recorder, the agents and the workloads of one recording, and the log of changes."""

    def __init__(self, work: Path, interval: float) -> None:
        self.work = work
        self.interval = interval
        self.env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.params: dict[str, dict[str, Any]] = {}
        self.log: list[dict[str, Any]] = []
        self.saved: dict[int, dict[str, Any]] = {}  # what a change that lasts replaced, by id(change)

    def spawn(self, name: str, argv: list[str]) -> None:
        out = open(self.work / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
        self.procs[name] = subprocess.Popen(
            argv, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT
        )

    def start_tools(self) -> None:
        rec = str(self.work / "rec")
        self.spawn("record", cli("record", "--bind", f"{HOST}.#", "--out", rec, "--queue-expires", "1"))
        time.sleep(2)
        iv = str(self.interval)
        self.spawn("bpftrace", cli("agent", str(HERE / "hx.bt"), "-i", iv, "--host", HOST, "--source", "hx"))
        self.spawn("sampler", cli("agent", "--backend", "sampler", "-i", iv, "--host", HOST))
        time.sleep(4)  # bpftrace reports its probes attached a little before they are live
        for name in ("record", "bpftrace", "sampler"):
            if self.procs[name].poll() is not None:
                raise SystemExit(f"{name} exited: {(self.work / f'{name}.log').read_text()[-2000:]}")

    def control(self, role: str) -> Path:
        return self.work / f"{role}.json"

    def write_control(self, role: str) -> None:
        tmp = self.control(role).with_suffix(".tmp")
        tmp.write_text(json.dumps(self.params[role]))
        os.replace(tmp, self.control(role))

    def start_workloads(self, seed: int) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = str(s.getsockname()[1])
        wl = str(HERE / "workload.py")
        (self.work / "files").mkdir(exist_ok=True)
        extra = {
            "server": [port],
            "client": [port],
            "writer": [str(self.work / "files")],
            "batch": [],
            "pool": [],
        }
        for i, role in enumerate(("server", "client", "writer", "batch", "pool")):
            self.params[role] = {}
            self.write_control(role)
            argv = [sys.executable, wl, role, *extra[role], "--control", str(self.control(role))]
            self.spawn(role, [*argv, "--seed", str(seed + i)])
            if role == "server":
                time.sleep(0.5)

    def apply(self, change: Change, end: bool = False) -> None:
        """Inject a change (or undo it: ``end``); log the moment of injection, not of its undoing."""
        when = time.time()
        if change.stop:
            self.procs[change.role].send_signal(signal.SIGCONT if end else signal.SIGSTOP)
        elif end:  # back to the values from before the change (r2 and r3 went back to the defaults)
            for k, v in self.saved.pop(id(change)).items():
                if v is None:
                    self.params[change.role].pop(k, None)
                else:
                    self.params[change.role][k] = v
            self.write_control(change.role)
        else:
            self.saved[id(change)] = {k: self.params[change.role].get(k) for k in change.set}
            self.params[change.role].update(change.set)
            self.write_control(change.role)
        if not end:
            self.log.append(
                {
                    "at": stamp(when),
                    "offset": change.at,
                    "workload": WORKLOAD_OF[change.role],
                    "role": change.role,
                    "change": change.what,
                    "lasts": change.lasts or None,
                    "series": affected(change),
                }
            )
            print(f"{stamp(when)}  {change.role:7} {change.what}", flush=True)
        else:
            self.log[self._index(change)]["ended"] = stamp(when)

    def _index(self, change: Change) -> int:
        return max(i for i, e in enumerate(self.log) if e["offset"] == change.at and e["role"] == change.role)

    def stop_all(self) -> None:
        for role in ("client", "server", "writer", "batch", "pool"):
            p = self.procs.get(role)
            if p and p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.terminate()
        for name in ("bpftrace", "sampler"):
            p = self.procs.get(name)
            if p and p.poll() is None:
                p.send_signal(signal.SIGINT)
        time.sleep(4)  # the agents' last snapshots reach the recording
        rec = self.procs.get("record")
        if rec and rec.poll() is None:
            rec.send_signal(signal.SIGINT)
        for p in self.procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def run_schedule(
    session: Session, schedule: list[Change], scale: float, duration: float
) -> tuple[float, float]:
    events = []
    for c in schedule:
        events.append((c.at * scale, 0, c, False))
        if c.lasts:
            events.append(((c.at + c.lasts) * scale, 1, c, True))
    events.sort(key=lambda e: (e[0], e[1]))
    t0 = time.time()
    for offset, _, change, end in events:
        time.sleep(max(0.0, t0 + offset - time.time()))
        session.apply(change, end)
    time.sleep(max(0.0, t0 + duration * scale - time.time()))
    return t0, time.time()


def query(rec: Path, sql: str, env: dict[str, str]) -> list[dict[str, str]]:
    out = subprocess.run(
        cli("query", "--csv", str(rec), sql), cwd=REPO, env=env, capture_output=True, check=True
    )
    return list(csv.DictReader(io.StringIO(out.stdout.decode())))


def export(session: Session, first: float, last: float, out: Path, run: str) -> dict[str, int]:
    """Write one CSV per series over [first, last], on its source's grid of snapshot times."""
    rec = session.work / "rec"
    grid_rows = query(rec, "SELECT DISTINCT source, epoch_us(ts) AS us, interval FROM recording", session.env)
    rows = query(
        rec,
        "SELECT source, agg, key, epoch_us(ts) AS us, interval, value FROM recording WHERE key LIKE 'hx-%'",
        session.env,
    )
    grid: dict[str, dict[int, float]] = {}
    for r in grid_rows:
        grid.setdefault(r["source"], {})[int(r["us"])] = float(r["interval"])
    values: dict[tuple[str, str, str], dict[int, float]] = {}
    for r in rows:
        values.setdefault((r["source"], r["agg"], r["key"]), {})[int(r["us"])] = float(r["value"])
    out.mkdir(parents=True, exist_ok=True)
    lengths = {}
    for name, s in SERIES.items():
        got = values.get((s.source, s.agg, s.key), {})
        lines = ["timestamp,value"]
        for us in sorted(grid.get(s.source, {})):
            if not first * 1e6 <= us <= last * 1e6:
                continue
            v = got.get(us, 0.0)
            if not s.level:
                v /= grid[s.source][us]
            lines.append(f"{stamp(us / 1e6)},{v:.6g}")
        (out / f"{run}_{name}.csv").write_text("\n".join(lines) + "\n")
        lengths[name] = len(lines) - 1
    return lengths


def parse_stamp(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC).timestamp()


def relabel(log: list[dict[str, Any]], run: str) -> None:
    """Set each logged change's series from the schedule (by offset and role), named for the run."""
    for entry in log:
        change = next(c for c in SCHEDULES[run] if c.at == entry["offset"] and c.role == entry["role"])
        entry["series"] = [f"{run}_{n}" for n in affected(change)]


def write_outputs(session: Session, run: str, t0: float, t1: float, out: Path) -> None:
    """The run's CSVs, its schedule_<run>.json, and its series' entries in changes.json (others kept)."""
    relabel(session.log, run)
    lengths = export(session, t0, t1, out, run)
    path = out / "changes.json"
    changes = json.loads(path.read_text()) if path.exists() else {}
    changes = {k: v for k, v in changes.items() if not k.startswith(f"{run}_")}
    for name in SERIES:
        changes[f"{run}_{name}"] = [e["at"] for e in session.log if f"{run}_{name}" in e["series"]]
    path.write_text(json.dumps(dict(sorted(changes.items())), indent=1) + "\n")
    meta = {
        "run": run,
        "host": HOST,
        "interval": session.interval,
        "start": stamp(t0),
        "end": stamp(t1),
        "kernel": os.uname().release,
        "series": {f"{run}_{n}": {**vars(s), "points": lengths[n]} for n, s in SERIES.items()},
        "changes": session.log,
    }
    (out / f"schedule_{run}.json").write_text(json.dumps(meta, indent=1) + "\n")
    for name, n in lengths.items():
        print(f"{run}_{name:28} {n:5} points", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", choices=sorted(SCHEDULES), default="r1", help="which schedule of changes (r1)")
    ap.add_argument("--duration", type=float, default=1080.0, help="seconds from the workloads' start (1080)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between snapshots (0.5)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every offset and the duration")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--work", help="folder for the recording and logs (default: a new temporary one)")
    ap.add_argument("--out", default=str(HERE / "traces"), help="where the CSVs and JSON files go")
    ap.add_argument(
        "--reexport",
        metavar="SCHEDULE_JSON",
        help="record nothing: export --work's recording again, with the changes logged in this file",
    )
    args = ap.parse_args()
    out = Path(args.out)
    if args.reexport:
        meta = json.loads(Path(args.reexport).read_text())
        session = Session(Path(args.work).resolve(), float(meta["interval"]))
        session.log = meta["changes"]
        write_outputs(session, args.run, parse_stamp(meta["start"]), parse_stamp(meta["end"]), out)
        return 0
    work = Path(args.work or tempfile.mkdtemp(prefix="suricate-heldout-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}", flush=True)
    session = Session(work, args.interval)
    seed = args.seed + 100 * sorted(SCHEDULES).index(args.run)
    try:
        session.start_tools()
        session.start_workloads(seed)
        time.sleep(5)  # the sampler's first pass of the new processes only sets baselines
        t0, t1 = run_schedule(session, SCHEDULES[args.run], args.scale, args.duration)
    finally:
        session.stop_all()
    write_outputs(session, args.run, t0, t1, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
