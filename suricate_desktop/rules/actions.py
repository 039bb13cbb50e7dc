"""Running a rule's actions away from the engine: a scheduler thread, a small pool, retries with backoff.

The engine hands ``submit(action, alert)`` and goes on; a worker runs the
action (publish to AMQP, run a command, POST a webhook, run a tracing script
on the alerting host's agent) and reports every attempt through
``on_result``. A failing attempt is tried again after ``backoff × 2^n``
seconds, up to ``retries`` more times. Nothing here blocks the engine.
"""

from __future__ import annotations

import concurrent.futures
import heapq
import itertools
import json
import logging
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schema import routing_key
from .model import Action

log = logging.getLogger(__name__)

MAX_OUTPUT = 4096
MAX_BACKOFF = 300.0
#: Actions waiting or running at most; beyond, a new one is dropped and reported (``status: dropped``). With
#: ``rate_limit = 0`` nothing else stops a publisher's flood of firings from queueing actions without end.
MAX_QUEUED = 10_000
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
#: Where an alert's host is reached: (broker URL, exchange, private CA or None), or None when not known.
Route = Callable[[dict[str, Any]], "tuple[str, str, str | None] | None"]


class ActionFailed(Exception):
    """An attempt that failed; ``retry`` False when trying again cannot help (a 4xx, a bad script)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None, retry: bool = True):
        super().__init__(message)
        self.result = result or {}
        self.retry = retry


def fill(template: str, alert: dict[str, Any]) -> str:
    """``template`` with each ``{field}`` replaced by the alert's field as text (nothing else is interpreted)."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in alert:
            return m.group(0)
        value = alert[name]
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.6g}"
        return str(value)

    return _PLACEHOLDER.sub(one, template)


def describe(action: Action, alert: dict[str, Any]) -> dict[str, Any]:
    """What the action would do for this alert (the backtest's report, and part of each result)."""
    if action.type == "command":
        return {"args": [fill(a, alert) for a in action.args], "timeout": action.timeout}
    if action.type == "webhook":
        return {"url": action.url}
    if action.type == "amqp":
        return {"exchange": action.exchange, "routing_key": alert_routing_key(alert)}
    if action.type == "trace":
        return {"host": alert.get("host"), "duration": action.duration, "backend": action.backend}
    return {}


def alert_routing_key(alert: dict[str, Any]) -> str:
    """``<severity>.<host>.<rule>``: bind ``critical.#`` or ``*.web01.*``."""
    return routing_key(str(alert.get("severity", "")), str(alert.get("host", "")), str(alert.get("rule", "")))


@dataclass(order=True)
class _Job:
    due: float
    order: int
    action: Action = field(compare=False)
    alert: dict[str, Any] = field(compare=False)
    attempt: int = field(default=0, compare=False)


class ActionRunner:
    """Runs actions in worker threads, retries failures with backoff, reports each attempt.

    ``broker``/``exchange`` are where the data streams are (for trace captures and
    the default broker of AMQP actions); ``captures`` is the folder a trace action's
    recording goes to; ``secret_file`` the control secret (else $SURICATE_CONTROL_SECRET);
    ``tls_ca`` the private CA ``broker``'s certificate is checked against (the source's, so an action
    reaches the broker its streams come from; not used for an action's own other broker).

    ``route``, where the data come from more than one broker (a desk attached to several hosts), says
    through which broker, exchange and CA an alert's host is reached: a trace action must ask the
    agent on the broker that host publishes to, not on the first one. It is called from the action's
    worker thread; ``None`` (no route, or a host it does not know) means ``broker``.
    """

    def __init__(
        self,
        on_result: Callable[[dict[str, Any]], None] | None = None,
        *,
        broker: str | None = None,
        exchange: str = "suricate",
        captures: str | Path | None = None,
        secret_file: str | None = None,
        tls_ca: str | None = None,
        route: Route | None = None,
        workers: int = 4,
        max_queued: int = MAX_QUEUED,
    ):
        self.on_result = on_result
        self.max_queued = max_queued
        self.dropped = 0
        self.broker = broker
        self.exchange = exchange
        self.captures = Path(captures) if captures else None
        self.secret_file = secret_file
        self.tls_ca = tls_ca
        self.route = route
        self._heap: list[_Job] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._closing = False
        self._active = 0
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="rules-action")
        self._publishers: dict[tuple[str, str], Any] = {}
        self._publishers_lock = threading.Lock()
        self.submitted = 0
        self.succeeded = 0
        self.failed = 0
        self._thread = threading.Thread(target=self._schedule, name="rules-actions", daemon=True)
        self._thread.start()

    def submit(self, action: Action, alert: dict[str, Any]) -> None:
        with self._cond:
            if self._closing:
                return
            full = len(self._heap) + self._active >= self.max_queued
            if full:
                self.dropped += 1
            else:
                self.submitted += 1
                heapq.heappush(self._heap, _Job(time.monotonic(), next(self._order), action, dict(alert)))
                self._cond.notify()
        if full and self.on_result:
            self.on_result(
                {
                    "event": "action",
                    "alert": alert.get("id"),
                    "rule": alert.get("rule"),
                    "action": action.type,
                    "on": alert.get("state"),
                    "status": "dropped",
                    "error": f"{self.max_queued:,} actions waiting already; this one was dropped",
                    "started": time.time(),
                    **describe(action, alert),
                }
            )

    def idle(self) -> bool:
        with self._cond:
            return not self._heap and self._active == 0

    def wait_idle(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.02)
        return self.idle()

    def close(self, timeout: float = 10.0) -> None:
        """Stop scheduling (retries still waiting are dropped), let running actions finish."""
        with self._cond:
            self._closing = True
            self._heap.clear()
            self._cond.notify()
        self._thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)
        for publisher in self._publishers.values():
            publisher.close(timeout=5)

    # -- scheduling --------------------------------------------------------------------------------------------------
    def _schedule(self) -> None:
        while True:
            with self._cond:
                while not self._closing and (not self._heap or self._heap[0].due > time.monotonic()):
                    wait = (self._heap[0].due - time.monotonic()) if self._heap else None
                    self._cond.wait(wait)
                if self._closing:
                    return
                job = heapq.heappop(self._heap)
                self._active += 1
            try:
                self._pool.submit(self._attempt, job)
            except RuntimeError:
                return

    def _attempt(self, job: _Job) -> None:
        action, alert = job.action, job.alert
        started = time.time()
        report = {
            "event": "action",
            "alert": alert.get("id"),
            "rule": alert.get("rule"),
            "action": action.type,
            "on": alert.get("state"),
            "attempt": job.attempt + 1,
            "started": started,
            **describe(action, alert),
        }
        try:
            result = self._run(action, alert)
            report.update(status="ok", result=result)
            self.succeeded += 1
        except Exception as exc:
            failed = exc if isinstance(exc, ActionFailed) else ActionFailed(f"{type(exc).__name__}: {exc}")
            again = failed.retry and job.attempt < action.retries
            report.update(status="retrying" if again else "failed", error=str(failed), result=failed.result)
            if again:
                delay = min(action.backoff * (2**job.attempt), MAX_BACKOFF)
                report["retry_in"] = delay
                with self._cond:
                    if not self._closing:
                        heapq.heappush(
                            self._heap,
                            _Job(time.monotonic() + delay, next(self._order), action, alert, job.attempt + 1),
                        )
                        self._cond.notify()
            else:
                self.failed += 1
        report["seconds"] = round(time.time() - started, 3)
        try:
            if self.on_result:
                self.on_result(report)
        except Exception:
            log.exception("rules: action result callback failed")
        finally:
            with self._cond:
                self._active -= 1

    # -- the actions -------------------------------------------------------------------------------------------------
    def _run(self, action: Action, alert: dict[str, Any]) -> dict[str, Any]:
        run: Callable[[Action, dict[str, Any]], dict[str, Any]] = getattr(self, f"_run_{action.type}")
        return run(action, alert)

    def _run_command(self, action: Action, alert: dict[str, Any]) -> dict[str, Any]:
        args = [fill(a, alert) for a in action.args]
        try:
            proc = subprocess.run(
                args, capture_output=True, timeout=action.timeout, stdin=subprocess.DEVNULL, shell=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ActionFailed(
                f"timed out after {action.timeout:g}s",
                {"args": args, "stdout": _text(exc.stdout), "stderr": _text(exc.stderr)},
            ) from None
        except OSError as exc:
            raise ActionFailed(
                f"cannot run {args[0]!r}: {exc.strerror or exc}", {"args": args}, retry=False
            ) from None
        result = {
            "args": args,
            "exit": proc.returncode,
            "stdout": _text(proc.stdout),
            "stderr": _text(proc.stderr),
        }
        if proc.returncode != 0:
            raise ActionFailed(f"exit status {proc.returncode}", result)
        return result

    def _run_webhook(self, action: Action, alert: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(alert, default=str).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "suricate-rules", **dict(action.headers)}
        request = urllib.request.Request(action.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=action.timeout) as response:
                return {"status": response.status, "body": _text(response.read(1000))}
        except urllib.error.HTTPError as exc:
            result = {"status": exc.code, "body": _text(exc.read(1000))}
            raise ActionFailed(
                f"HTTP {exc.code}", result, retry=exc.code >= 500 or exc.code in (408, 429)
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ActionFailed(f"cannot reach {action.url}: {reason}") from None

    def _home(self, alert: dict[str, Any]) -> tuple[str, str, str | None]:
        """(broker URL, exchange, CA) through which the alert's host is reached: the route's answer, else
        the runner's own broker."""
        from ..transport.publisher import DEFAULT_URL

        found = self.route(alert) if self.route is not None else None
        return found if found is not None else (self.broker or DEFAULT_URL, self.exchange, self.tls_ca)

    def _ca(self, url: str, home: tuple[str, str, str | None]) -> str | None:
        """The private CA for ``url``: the host's broker's (or the runner's) when it is that broker."""
        if url == home[0]:
            return home[2]
        return self.tls_ca if url == self.broker else None

    def _run_amqp(self, action: Action, alert: dict[str, Any]) -> dict[str, Any]:
        from ..transport.publisher import Publisher

        home = self._home(alert)
        url = action.broker or home[0]
        with self._publishers_lock:
            publisher = self._publishers.get((url, action.exchange))
            if publisher is None:
                publisher = Publisher(
                    url, action.exchange, max_buffer=10_000, tls_ca=self._ca(url, home)
                ).start()
                self._publishers[(url, action.exchange)] = publisher
        key = alert_routing_key(alert)
        publisher.publish_bodies([(key, json.dumps(alert, default=str).encode())])
        if not publisher.flush(action.timeout):
            # It stays in the publisher's buffer and goes out when the broker is back: not sent twice.
            raise ActionFailed(
                f"not confirmed within {action.timeout:g}s (kept in the buffer: "
                f"{publisher.last_error or publisher.state})",
                {"routing_key": key},
                retry=False,
            )
        return {"exchange": action.exchange, "routing_key": key}

    def _run_trace(self, action: Action, alert: dict[str, Any]) -> dict[str, Any]:
        """Run the action's script on the alerting host's agent for ``duration`` s; record what it sends."""
        from ..transport.control import ControlClient, load_secret

        host = str(alert.get("host") or "")
        if not host:
            raise ActionFailed("the alert has no host to trace", retry=False)
        home = self._home(alert)
        url = action.broker or home[0]
        exchange = home[1]
        ca = self._ca(url, home)
        secret = load_secret(action.secret_file or self.secret_file)
        script = action.script
        if action.script_file:
            script = Path(action.script_file).read_text()
        source = f"drill-{str(alert.get('id', ''))[:12]}"
        bind = routing_key(host, source, "x").rsplit(".", 1)[0] + ".#"
        result: dict[str, Any] = {
            "host": host,
            "source": source,
            "bind": bind,
            "duration": action.duration,
            "exchange": exchange,
        }
        consumer = writer = None
        if action.record and self.captures is not None:
            from ..store.recording import RecordingWriter
            from ..transport.consumer import Consumer

            folder = self.captures / source
            writer = RecordingWriter(
                folder,
                meta={
                    "alert": alert.get("id"),
                    "rule": alert.get("rule"),
                    "bindings": [bind],
                    "exchange": exchange,
                },
            )
            # The writer is a durable sink (it says when a batch is on disk), which Consumer's ``Sink``
            # annotation does not name; Consumer tells the two apart at run time.
            consumer = Consumer(writer, url, exchange, [bind], tls_ca=ca).start()
            consumer.wait_ready(10)
            result["recording"] = str(folder)
        ended = threading.Event()
        end_info: dict[str, Any] = {}

        def on_end(info: dict[str, Any]) -> None:
            end_info.update(info)
            ended.set()

        client = ControlClient(url, host, secret, timeout=max(30.0, action.timeout), tls_ca=ca)
        try:
            run_id = client.run(
                script,
                lang=action.lang,
                backend=action.backend,
                interval=action.interval,
                duration=action.duration,
                source=source,
                on_end=on_end,
            )
            result["run"] = run_id
            if not ended.wait(action.duration + 30):
                client.stop(run_id)
            result["end"] = {k: end_info[k] for k in ("error", "snapshots") if k in end_info}
        except Exception as exc:
            retry = type(exc).__name__ not in ("ScriptError", "ControlRefused")
            raise ActionFailed(f"{type(exc).__name__}: {exc}", result, retry=retry) from None
        finally:
            client.close()
            if consumer is not None and writer is not None:
                # What is still in flight: wait for as many snapshots as the agent said it sent.
                expected = end_info.get("snapshots")
                deadline = time.monotonic() + (5.0 if expected is not None else min(2.0, action.interval * 2))
                while time.monotonic() < deadline and (expected is None or consumer.received < expected):
                    time.sleep(0.05)
                consumer.stop()
                writer.close()
                result["snapshots"] = writer.snapshots_written
        return result


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return data[-MAX_OUTPUT:]
