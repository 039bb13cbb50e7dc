"""``suricate worker``'s engine: consume streams, run processing scripts on a schedule and on jobs, publish results.

Parts and threads (docs/ARCHITECTURE.md, "Workers"): a ``Consumer`` fills a bounded ``LiveStore``
with the streams the scripts want; the ``worker-schedule`` thread runs the scheduled scripts when they
are due, one at a time, each over the last ``over`` seconds of the store; a ``JobConsumer`` takes jobs
off the quorum queue one at a time and runs them in its ``job-runner`` thread; each run happens in a
sandbox child (``sandbox.run_script``). Results go out through a ``Publisher`` with confirms, and a job
is acked only once its results are confirmed. The ``worker-status`` thread publishes a
``WorkerStatus`` every few seconds. No run, whatever it does, stops the worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...schema import Snapshot
from ...schema.worker_status import STATUS_VERSION, ScriptRun, ScriptState, WorkerStatus, encode_status
from ...store.live import LiveStore
from ...transport.consumer import Consumer
from ...transport.control_messages import NonceCache
from ...transport.jobs import DEFAULT_MAX_AGE, Job, JobConsumer
from ...transport.nonce_journal import NonceJournal
from ...transport.publisher import Publisher
from ...transport.worker_status import STATUS_EXCHANGE
from ..workspace_api import stream_name
from .results import OutputError, to_snapshots
from .sandbox import DEFAULT_MEMORY, DEFAULT_TIMEOUT, RunResult, run_script
from .scripts import ScriptError, ScriptInfo, ScriptRegistry

log = logging.getLogger("suricate.worker")

#: How long a job's results may take to be confirmed before the job is requeued instead of acked.
CONFIRM_TIMEOUT = 30.0


def topic_match(pattern: str, key: str) -> bool:
    """AMQP topic matching: ``*`` one word, ``#`` zero or more."""
    return _match(pattern.split("."), key.split("."))


def _match(pat: Sequence[str], words: Sequence[str]) -> bool:
    if not pat:
        return not words
    head = pat[0]
    if head == "#":
        return any(_match(pat[1:], words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(pat[1:], words[1:])


@dataclass
class Schedule:
    script: ScriptInfo
    every: float
    over: float
    due: float = 0.0


@dataclass
class _ScriptRecord:
    runs: int = 0
    failures: int = 0
    last: ScriptRun | None = None


@dataclass
class WorkerConfig:
    url: str
    #: The private CA an amqps:// broker is verified against (None: the system's CAs).
    tls_ca: str | None = None
    exchange: str = "suricate"
    registry: ScriptRegistry = field(default_factory=ScriptRegistry)
    #: Scripts to run on a schedule, with (every, over) overrides (None: the script's defaults).
    scheduled: Sequence[str] = ()
    every: float | None = None
    over: float | None = None
    #: Extra routing-key patterns to consume (the scripts' STREAMS are bound anyway).
    bindings: Sequence[str] = ()
    #: Take jobs from the queue (needs the secret).
    secret: bytes | None = None
    job_queue: str = "suricate.jobs"
    max_job_age: float = DEFAULT_MAX_AGE
    nonce_file: str | None = None
    worker_id: str = ""
    host: str = ""
    timeout: float = DEFAULT_TIMEOUT
    memory: int = DEFAULT_MEMORY
    capacity: int = 3600
    status_every: float = 5.0
    status_exchange: str = STATUS_EXCHANGE


class Worker:
    """Consume, schedule, take jobs, run scripts in the sandbox, publish results and status."""

    def __init__(self, config: WorkerConfig, on_run: Callable[[dict[str, Any]], None] | None = None):
        self.config = config
        self.host = config.host or socket.gethostname().split(".")[0]
        self.id = config.worker_id or f"{self.host}-{os.getpid()}"
        self.started = time.time()
        self.on_run = on_run
        registry = config.registry
        self.scripts: dict[str, ScriptInfo] = {}
        for name in registry.names():
            try:
                self.scripts[name] = registry.info(name)
            except ScriptError as exc:
                log.warning("worker: script %s left out: %s", name, exc)
        self.schedules: list[Schedule] = []
        for name in config.scheduled:
            info = self.scripts.get(name) or registry.info(name)  # ScriptError for the caller to print
            self.scripts[name] = info
            every = config.every or info.every
            self.schedules.append(Schedule(info, every, config.over or info.over, time.time()))
        patterns = set(config.bindings)
        for info in self.scripts.values():
            patterns.update(info.streams)
        self.bindings = sorted(patterns) or ["#"]
        self.store = LiveStore(capacity=config.capacity, max_streams=2000, max_bytes=256 << 20)
        ca = config.tls_ca
        self.consumer = Consumer(
            self.store, url=config.url, exchange=config.exchange, bindings=self.bindings, tls_ca=ca
        )
        self.publisher = Publisher(url=config.url, exchange=config.exchange, tls_ca=ca)
        self.status_publisher = Publisher(
            url=config.url, exchange=config.status_exchange, max_buffer=10, tls_ca=ca
        )
        self.jobs: JobConsumer | None = None
        if config.secret is not None:
            journal = NonceJournal(config.nonce_file) if config.nonce_file else None
            nonces = NonceCache(ttl=config.max_job_age + 30.0, journal=journal)
            self.jobs = JobConsumer(
                self.run_job,
                config.secret,
                self.id,
                config.url,
                queue_name=config.job_queue,
                nonces=nonces,
                max_age=config.max_job_age,
                tls_ca=ca,
            )
        self._records: dict[str, _ScriptRecord] = {name: _ScriptRecord() for name in self.scripts}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.jobs_done = 0

    # -- life --------------------------------------------------------------------------------------------------------
    def start(self) -> Worker:
        self.publisher.start()
        self.status_publisher.start()
        self.consumer.start()
        if self.jobs is not None:
            self.jobs.start()
        for target, name in ((self._schedule_loop, "worker-schedule"), (self._status_loop, "worker-status")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def wait_ready(self, timeout: float = 10.0) -> bool:
        ok = self.consumer.wait_ready(timeout)
        return ok and (self.jobs is None or self.jobs.wait_ready(timeout))

    def stop(self) -> None:
        self._stop.set()
        if self.jobs is not None:
            self.jobs.stop()
        for thread in self._threads:
            thread.join(5)
        self._publish_status("stopped")
        self.consumer.stop()
        self.publisher.close(5)
        self.status_publisher.close(2)

    def failed(self) -> str:
        """Why the worker cannot go on (a broker that refused it for good), else ""."""
        for part in (self.consumer, self.publisher, self.jobs):
            if part is not None and part.failed.is_set():
                return part.last_error or "broker connection failed"
        return ""

    # -- runs --------------------------------------------------------------------------------------------------------
    def frames(self, info: ScriptInfo, over: float, now: float) -> dict[str, Any]:
        """The script's streams over the last ``over`` seconds, as pandas DataFrames by stream name."""
        own = info.source
        frames = {}
        for stream in self.store.streams():
            sid = stream.stream
            if sid[1] == own or not any(topic_match(p, ".".join(sid)) for p in info.streams):
                continue
            try:
                frames[stream_name(sid)] = self.store.frame(sid, "interval", since=now - over)
            except KeyError:  # evicted meanwhile
                continue
        return frames

    def run_once(
        self, info: ScriptInfo, over: float, params: dict[str, Any], run: str, host: str, interval: float
    ) -> tuple[RunResult, list[Snapshot]]:
        now = time.time()
        result = run_script(
            info.path,
            self.frames(info, over, now),
            {**info.params, **params},
            timeout=self.config.timeout,
            memory=self.config.memory,
        )
        snaps: list[Snapshot] = []
        if result.ok:
            try:
                snaps = to_snapshots(
                    result.outputs, host=host, script=info.name, run=run, ts=now, interval=interval
                )
            except OutputError as exc:
                result = RunResult("bad-output", result.duration, str(exc))
        self._record(info.name, result, run, len(snaps))
        return result, snaps

    def _record(self, name: str, result: RunResult, run: str, count: int) -> None:
        last = ScriptRun(
            time=time.time(),
            status=result.status,
            duration=round(result.duration, 4),
            run=run[:128],
            error=result.error[:2000],
            snapshots=count,
        )
        with self._lock:
            record = self._records.setdefault(name, _ScriptRecord())
            record.runs += 1
            record.failures += 0 if result.ok else 1
            record.last = last
        line = {
            "script": name,
            "run": run,
            "status": result.status,
            "duration": round(result.duration, 3),
            "snapshots": count,
            "error": result.error[:500],
        }
        if result.ok:
            log.info("worker: %s %s ok in %.2f s, %d snapshots", name, run, result.duration, count)
        else:
            log.warning(
                "worker: %s %s %s after %.2f s: %s",
                name,
                run,
                result.status,
                result.duration,
                result.error.strip().splitlines()[-1:] or "",
            )
        if self.on_run is not None:
            self.on_run(line)

    def run_job(self, job: Job) -> dict[str, Any] | None:
        """The job thread's handler: run, publish, wait for the confirms; the reply's fields (None: requeue)."""
        try:
            info = self.scripts.get(job.script) or self.config.registry.info(job.script)
        except ScriptError as exc:
            self._record(job.script, RunResult("unknown-script", 0.0, str(exc)), job.id, 0)
            return {"status": "unknown-script", "error": str(exc)[:2000], "duration": 0.0, "snapshots": 0}
        over = job.over or info.over
        result, snaps = self.run_once(info, over, job.params, job.id, job.host or self.host, over)
        if snaps:
            self.publisher(snaps)
            if not self.publisher.flush(CONFIRM_TIMEOUT):
                log.warning("worker: job %s results not confirmed in %g s; requeued", job.id, CONFIRM_TIMEOUT)
                return None
        with self._lock:
            self.jobs_done += 1
        return {
            "status": result.status,
            "error": result.error[:2000],
            "duration": round(result.duration, 4),
            "snapshots": len(snaps),
            "outputs": sorted({s.agg for s in snaps})[:100],
        }

    def _schedule_loop(self) -> None:
        while not self._stop.is_set():
            now = time.time()
            due = [s for s in self.schedules if s.due <= now]
            for schedule in due:
                if self._stop.is_set():
                    return
                tick = int(schedule.due // schedule.every)
                _, snaps = self.run_once(
                    schedule.script, schedule.over, {}, f"{self.id}-{tick}", self.host, schedule.every
                )
                if snaps:
                    self.publisher(snaps)
                # The next tick after now: a run longer than ``every`` skips ticks rather than piling them up.
                schedule.due = (int(time.time() // schedule.every) + 1) * schedule.every
            nearest = min((s.due for s in self.schedules), default=now + 1.0)
            self._stop.wait(max(0.05, min(1.0, nearest - time.time())))

    # -- status ------------------------------------------------------------------------------------------------------
    def status(self, state: str = "running") -> WorkerStatus:
        every = {s.script.name: s for s in self.schedules}
        with self._lock:
            scripts = [
                ScriptState(
                    name=name[:64],
                    every=every[name].every if name in every else 0.0,
                    over=every[name].over
                    if name in every
                    else (self.scripts[name].over if name in self.scripts else 0.0),
                    runs=record.runs,
                    failures=record.failures,
                    last=record.last,
                )
                for name, record in list(self._records.items())[:200]
            ]
            done = self.jobs_done
        return WorkerStatus(
            v=STATUS_VERSION,
            worker=self.id[:255],
            host=self.host[:255],
            pid=os.getpid(),
            ts=time.time(),
            started=self.started,
            state=state,
            scripts=scripts,
            jobs_done=done,
            jobs_refused=self.jobs.stats.refused if self.jobs else 0,
            interval=self.config.status_every,
        )

    def _publish_status(self, state: str = "running") -> None:
        self.status_publisher.publish_bodies([(_word(self.id), encode_status(self.status(state)))])

    def _status_loop(self) -> None:
        while not self._stop.is_set():
            self._publish_status()
            self._stop.wait(self.config.status_every)


def _word(text: str) -> str:
    return text.replace(".", "_").replace("#", "_").replace("*", "_") or "_"


def scheduled_names(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
