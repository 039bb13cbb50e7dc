"""Light workloads whose behaviour the trace recorder changes at known times.

Run as ``python3 bench/heldout/workload.py ROLE --control FILE [--seed N] ...``
with ROLE one of:

``server PORT``   a TCP server on 127.0.0.1 answering fixed-size requests (comm ``hx-server``)
``client PORT``   hits the server at a varying rate over one connection (comm ``hx-client``)
``writer DIR``    writes to a file in DIR at a varying byte rate (comm ``hx-writer``)
``batch``         a CPU-bound job every few seconds, idle between (comm ``hx-batch``)
``pool``          a parent handing small tasks to worker processes (comms ``hx-pool``, ``hx-poolw``)

Why it is built this way:

* Each role renames itself (``prctl(PR_SET_NAME)``), so bpftrace's ``comm``
  and the sampler's process name tell the workloads apart and from the rest of
  the machine: every workload is its own key in the same streams.
* Every role has a baseline with a rhythm of its own (a slow sine or sawtooth
  in rate, periodic flushes or jobs, random noise), because a detector must
  tell a behaviour change from the normal movement of a series.
* Behaviour changes come from the recorder (``record_traces.py``), which
  rewrites the JSON control FILE (a dict of parameters) at the moment it logs
  the change; each role re-reads the file when its mtime changes, at most a
  tenth of a second later. Stalls are not parameters: the recorder stops the
  process with SIGSTOP and resumes it with SIGCONT.
* The rates are modest (a few percent of one core in all), because the
  machine is shared: the point is the shape of the series, not load.
* Randomness comes from a seeded generator, so a re-recording has the same
  baseline noise pattern (the machine adds its own).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import math
import multiprocessing as mp
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import numpy as np

PR_SET_NAME = 15
PR_SET_PDEATHSIG = 1
REQUEST = 64
REPLY = 512


def set_comm(name: str) -> None:
    """Rename the calling process (the kernel's comm, 15 bytes), which bpftrace and psutil see."""
    ctypes.CDLL(None).prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


class Control:
    """The recorder's parameters for this role, re-read whenever the control file changes."""

    def __init__(self, path: str, defaults: dict[str, Any]) -> None:
        self.path = path
        self.defaults = dict(defaults)
        self.params = dict(defaults)
        self._mtime = 0.0
        self.refresh()

    def refresh(self) -> None:
        try:
            mtime = os.stat(self.path).st_mtime
        except FileNotFoundError:
            return
        if mtime != self._mtime:
            self._mtime = mtime
            try:  # a key the recorder removed goes back to its default (the end of a burst)
                self.params = {**self.defaults, **json.loads(Path(self.path).read_text())}
            except ValueError:
                self._mtime = 0.0  # caught mid-write: read it again next time

    def __getitem__(self, name: str) -> Any:
        return self.params[name]


def noise_factor(rng: np.random.Generator, sigma: float) -> float:
    """A mean-one lognormal factor: sigma changes the spread, never the mean rate."""
    return float(math.exp(rng.normal(-sigma * sigma / 2, sigma))) if sigma > 0 else 1.0


def square(t: float, period: float) -> float:
    """+1 in the first half of each period, -1 in the second; 0 when period is 0 (off)."""
    if period <= 0:
        return 0.0
    return 1.0 if (t % period) < period / 2 else -1.0


# -- request serving -----------------------------------------------------------------------


def server(port: int, ctl: Control) -> None:
    """Answers each 64-byte request with 512 bytes after a little work; one client at a time."""
    set_comm("hx-server")
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(4)
    reply = b"r" * REPLY
    while True:
        conn, _ = lsock.accept()
        with conn:
            while True:
                data = conn.recv(REQUEST)
                if not data:
                    break
                sum(data)  # the "work": trivial on purpose
                conn.sendall(reply)


def client(port: int, ctl: Control, seed: int) -> None:
    """Sends requests at rate(t) = rate x (1 + 0.25 sin(2 pi t / 60)) x noise x (1 + amp x square(t)).

    ``rate`` moves for a level shift or a burst, ``sigma`` (the noise spread,
    redrawn each second) for a variance change, ``period``/``amp`` add a new
    square-wave periodicity. Requests of one 50 ms tick go back to back; a tick
    that falls behind (the server stopped) is not made up afterwards.
    """
    set_comm("hx-client")
    rng = np.random.default_rng(seed)
    sock = None
    for _ in range(100):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=120)
            break
        except OSError:
            time.sleep(0.1)
    assert sock is not None, "server never came up"
    request = b"q" * REQUEST
    start = time.monotonic()
    tick = 0.05
    factor, factor_at = 1.0, -1
    while True:
        ctl.refresh()
        now = time.monotonic() - start
        if int(now) != factor_at:
            factor, factor_at = noise_factor(rng, ctl["sigma"]), int(now)
        rate = ctl["rate"] * (1 + 0.25 * math.sin(2 * math.pi * now / 60)) * factor
        rate *= 1 + ctl["amp"] * square(now, ctl["period"])
        for _ in range(rng.poisson(max(rate, 0.0) * tick)):
            sock.sendall(request)
            got = 0
            while got < REPLY:
                chunk = sock.recv(REPLY - got)
                if not chunk:
                    return
                got += len(chunk)
        time.sleep(max(0.0, tick - (time.monotonic() - start - now)))


# -- disk writer ---------------------------------------------------------------------------


def writer(folder: str, ctl: Control, seed: int) -> None:
    """Writes 32 KiB chunks at rate(t): a 120 s sawtooth around ``rate`` plus a flush every ``flush_every`` s.

    The flush writes ``flush_bytes`` at once (a periodic burst). ``mix``
    "plain" writes only; "sync" adds an fsync and a 4 KiB pread after each
    chunk, which changes the system-call mix and not the bytes written. The
    file is cut back to nothing past 32 MiB, so the disk use stays bounded.
    """
    set_comm("hx-writer")
    rng = np.random.default_rng(seed)
    chunk = b"w" * 32768
    fd = os.open(os.path.join(folder, "hx-writer.dat"), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.monotonic()
    tick = 0.1
    owed = 0.0
    next_flush = ctl["flush_every"]
    while True:
        ctl.refresh()
        now = time.monotonic() - start
        saw = (now % 120) / 120 - 0.5
        owed += ctl["rate"] * (1 + 0.6 * saw) * noise_factor(rng, 0.15) * tick
        if now >= next_flush:
            owed += ctl["flush_bytes"]
            next_flush = now + ctl["flush_every"]
        owed = min(owed, 8 * ctl["flush_bytes"] + ctl["rate"])  # no catch-up after a stall
        while owed >= len(chunk):
            os.write(fd, chunk)
            owed -= len(chunk)
            if ctl["mix"] == "sync":
                os.fsync(fd)
                os.pread(fd, 4096, 0)
        if os.lseek(fd, 0, os.SEEK_CUR) > 32 << 20:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
        time.sleep(max(0.0, tick - (time.monotonic() - start - now)))


# -- CPU batch -----------------------------------------------------------------------------


def burn(ms: float) -> None:
    """Spin on the CPU for about ``ms`` milliseconds of wall time."""
    end = time.perf_counter() + ms / 1000
    x = 0
    while time.perf_counter() < end:
        for i in range(2000):
            x += i * i


def batch(ctl: Control, seed: int) -> None:
    """A job of ``job_ms`` (+-20 %) every ``period`` s (+-10 %), a 5 ms heartbeat every 0.5 s between.

    ``ramp`` (ms per minute) makes each job longer than the last, from the
    moment it is set; ``leak`` (KiB/s) keeps allocated memory it never frees,
    touched so it is resident: a leak-like ramp in memory.
    """
    set_comm("hx-batch")
    rng = np.random.default_rng(seed)
    start = time.monotonic()
    next_job = ctl["period"]
    next_beat = 0.0
    kept: list[bytearray] = []
    leaked_at = None
    ramp_from = None
    while True:
        ctl.refresh()
        now = time.monotonic() - start
        if ctl["leak"] > 0:
            if leaked_at is not None and now > leaked_at:
                kept.append(bytearray(b"L" * int(ctl["leak"] * 1024 * (now - leaked_at))))
            leaked_at = now
        else:
            leaked_at = None
        if ctl["ramp"] > 0 and ramp_from is None:
            ramp_from = now
        if now >= next_job:
            extra = 0.0 if ramp_from is None else ctl["ramp"] * (now - ramp_from) / 60
            burn((ctl["job_ms"] + extra) * float(rng.uniform(0.8, 1.2)))
            next_job = now + ctl["period"] * float(rng.uniform(0.9, 1.1))
        if now >= next_beat:
            burn(5)
            next_beat = now + 0.5
        time.sleep(0.1)


# -- process pool --------------------------------------------------------------------------


def pool_worker(tasks: Any) -> None:
    """Runs tasks until a None: ``("cpu", ms)`` burns, ``("io", ms)`` also stats and reads /proc files."""
    set_comm("hx-poolw")
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # no orphans when the parent is killed
    while True:
        task = tasks.get()
        if task is None:
            return
        kind, ms = task
        burn(ms)
        if kind == "io":
            for name in ("stat", "status", "statm"):
                with open(f"/proc/self/{name}", "rb") as fh:
                    fh.read()
            for path in ("/etc/hostname", "/etc/passwd", "/tmp", "/proc/uptime"):
                try:
                    os.stat(path)
                except OSError:
                    pass


def pool(ctl: Control, seed: int) -> None:
    """Puts Poisson(rate(t)) tasks a second on a queue that ``workers`` processes read.

    rate(t) follows a 240 s triangle between 0.6 and 1.4 times ``rate`` (a slow
    ramp up and down); ``kind`` "io" adds file reads and stats to every task
    (a new system-call mix).
    """
    set_comm("hx-pool")
    rng = np.random.default_rng(seed)
    ctx = mp.get_context("fork")
    tasks = ctx.Queue()
    workers = [ctx.Process(target=pool_worker, args=(tasks,), daemon=True) for _ in range(ctl["workers"])]
    for w in workers:
        w.start()
    start = time.monotonic()
    tick = 0.1
    while True:
        ctl.refresh()
        now = time.monotonic() - start
        tri = 1 - abs((now % 240) / 120 - 1)  # 0 -> 1 -> 0 over 240 s
        rate = ctl["rate"] * (0.6 + 0.8 * tri)
        for _ in range(rng.poisson(rate * tick)):
            tasks.put((ctl["kind"], ctl["task_ms"]))
        time.sleep(max(0.0, tick - (time.monotonic() - start - now)))


DEFAULTS: dict[str, dict[str, Any]] = {
    "server": {},
    "client": {"rate": 120.0, "sigma": 0.08, "period": 0.0, "amp": 0.0},
    "writer": {"rate": 1.5e6, "flush_every": 30.0, "flush_bytes": 1 << 20, "mix": "plain"},
    "batch": {"period": 10.0, "job_ms": 150.0, "ramp": 0.0, "leak": 0.0},
    "pool": {"rate": 20.0, "workers": 3, "kind": "cpu", "task_ms": 2.5},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("role", choices=sorted(DEFAULTS))
    parser.add_argument("arg", nargs="?", help="server/client: the port; writer: the folder")
    parser.add_argument("--control", required=True, help="JSON file of parameters, re-read when it changes")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    ctl = Control(args.control, DEFAULTS[args.role])
    if args.role == "server":
        server(int(args.arg), ctl)
    elif args.role == "client":
        client(int(args.arg), ctl, args.seed)
    elif args.role == "writer":
        writer(args.arg, ctl, args.seed)
    elif args.role == "batch":
        batch(ctl, args.seed)
    else:
        pool(ctl, args.seed)


if __name__ == "__main__":
    main()
