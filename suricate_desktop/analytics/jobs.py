"""Background jobs: long work started from the console runs in a worker thread, with progress.

The console's kernel runs user code on the GUI thread (it is an in-process kernel), so a
fit typed there holds the plots still for as long as it takes. ``Jobs.submit(fn, *args)``
runs ``fn`` in a worker thread instead and returns a ``Job`` at once. The job's function
may say how far it got by calling ``Jobs.report(fraction, text)`` (``ws.progress`` in the
console) from its own thread; the GUI polls ``active()`` and ``take_finished()`` on a timer
to draw the progress and hand each result back. Nothing here blocks the caller, and the
list of jobs kept is bounded (``keep``).

Threads: at most ``workers`` jobs run at once (more wait their turn, ``state == "queued"``).
A job cannot be killed from outside (Python threads cannot be); ``cancel()`` stops a queued
job from starting and sets a flag a running job's function can read with ``Jobs.cancelled()``.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import types
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError
from typing import Any

WORKERS = 2
KEEP = 100

#: what a worker takes from the queue: a job and its call, or None to stop
_Work = tuple["Job", Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None


class Job:
    """One piece of work in a worker thread: its state, progress and (once done) result or error."""

    def __init__(self, number: int, title: str):
        self.number = number
        self.title = title
        self._lock = threading.Lock()
        self._ended = threading.Event()
        self._value: Any = None
        self.state = "queued"  # queued, running, done, failed, cancelled
        #: 0..1 as the job reports it; None while it has said nothing (the GUI shows a busy bar).
        self.progress: float | None = None
        self.text = ""
        self.submitted = time.time()
        self.started: float | None = None
        self.ended: float | None = None
        self.error: BaseException | None = None
        self.traceback = ""
        self.cancel_requested = False
        #: Where the console binds the result when the job is done (``ws.background(..., name=...)``).
        self.name: str | None = None

    def done(self) -> bool:
        """True once the job has finished, failed or been cancelled."""
        return self.state in ("done", "failed", "cancelled")

    @property
    def seconds(self) -> float:
        """How long it ran (so far)."""
        if self.started is None:
            return 0.0
        return (self.ended or time.time()) - self.started

    @property
    def result(self) -> Any:
        """The function's return value; raises its error if it failed, RuntimeError if not done yet."""
        if not self.done():
            raise RuntimeError(f"job {self.number} ({self.title}) is still {self.state}")
        if self.state == "cancelled":
            raise CancelledError(f"job {self.number} ({self.title}) was cancelled")
        if self.error is not None:
            raise self.error
        return self._value

    def wait(self, timeout: float | None = None) -> Any:
        """Block until done and return the result. Not from the console: it would hold the GUI still."""
        if not self._ended.wait(timeout):
            raise TimeoutError(f"job {self.number} ({self.title}) is still {self.state}")
        return self.result

    def cancel(self) -> bool:
        """Keep a queued job from starting (True); ask a running one to stop (it must check ``Jobs.cancelled()``)."""
        with self._lock:
            self.cancel_requested = True
            if self.state != "queued":
                return False
            self.state = "cancelled"
            self.ended = time.time()
        self._ended.set()
        return True

    def __repr__(self) -> str:
        pct = f" {self.progress:.0%}" if self.progress is not None and not self.done() else ""
        took = f" in {self.seconds:.1f} s" if self.done() and self.started else ""
        return f"<job {self.number} {self.title!r}: {self.state}{pct}{took}>"


class Jobs:
    """A few worker threads running ``Job``s, and what the GUI needs to show them."""

    def __init__(self, workers: int = WORKERS, keep: int = KEEP) -> None:
        self._workers = workers
        self._threads: list[threading.Thread] = []
        self._queue: queue.SimpleQueue[_Work] = queue.SimpleQueue()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._jobs: deque[Job] = deque(maxlen=keep)
        self._finished: deque[Job] = deque(maxlen=keep)
        self._count = 0
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any, title: str | None = None, **kwargs: Any) -> Job:
        """Run ``fn(*args, **kwargs)`` in a worker thread; returns its ``Job`` at once."""
        if not callable(fn):
            raise TypeError(f"{fn!r} is not callable")
        if self._closed:
            raise RuntimeError("the background workers are shut down")
        with self._lock:
            self._count += 1
            job = Job(self._count, title or _describe(fn))
            self._jobs.append(job)
            self._queue.put((job, fn, args, kwargs))
            if len(self._threads) < self._workers:  # workers are started as jobs first need them
                thread = threading.Thread(
                    target=self._work, name=f"console-job-{len(self._threads) + 1}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        return job

    def _work(self) -> None:
        """A worker thread: daemon, so a job still running does not keep the application from quitting."""
        while True:
            item = self._queue.get()
            if item is None:
                return
            self._run(*item)

    def _run(self, job: Job, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        with job._lock:
            if job.state == "cancelled":
                self._finish(job)
                return
            job.started = time.time()
            job.state = "running"
        self._local.job = job
        try:
            job._value = fn(*args, **kwargs)
        except BaseException as exc:
            job.error = exc
            job.traceback = "".join(traceback.format_exception(exc))
            job.state = "failed"
        else:
            job.state = "cancelled" if job.cancel_requested else "done"
            if job.state == "done":
                job.progress = 1.0
        finally:
            job.ended = time.time()
            self._local.job = None
            self._finish(job)
            job._ended.set()

    def _finish(self, job: Job) -> None:
        with self._lock:
            self._finished.append(job)

    # -- from inside a job -------------------------------------------------------------------------------------------
    def current(self) -> Job | None:
        """The job running in this thread, or None outside a job."""
        return getattr(self._local, "job", None)

    def report(self, fraction: float | None = None, text: str | None = None) -> None:
        """Say how far the job running in this thread got (0..1) and what it is doing; a no-op outside a job."""
        job = self.current()
        if job is None:
            return
        if fraction is not None:
            job.progress = min(1.0, max(0.0, float(fraction)))
        if text is not None:
            job.text = str(text)

    def cancelled(self) -> bool:
        """Whether the job running in this thread was asked to stop (False outside a job)."""
        job = self.current()
        return job is not None and job.cancel_requested

    # -- for the GUI ---------------------------------------------------------------------------------------------------
    @property
    def jobs(self) -> list[Job]:
        """Every job kept, oldest first."""
        with self._lock:
            return list(self._jobs)

    def active(self) -> list[Job]:
        """Jobs queued or running."""
        return [j for j in self.jobs if not j.done()]

    def take_finished(self) -> list[Job]:
        """Jobs that finished since the last call (each handed out once)."""
        with self._lock:
            done, self._finished = list(self._finished), deque(maxlen=self._finished.maxlen)
        return done

    def shutdown(self) -> None:
        """Cancel what has not started; running jobs finish in their daemon threads, unwaited."""
        self._closed = True
        for job in self.active():
            job.cancel()
        for _ in self._threads:
            self._queue.put(None)


def _describe(fn: Callable[..., Any]) -> str:
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__name__", None) or type(fn).__name__
    if owner is not None and not isinstance(owner, (type, types.ModuleType)):
        return f"{type(owner).__name__}.{name}"
    return name
