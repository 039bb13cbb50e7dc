"""What an agent does for the desk's control requests: compile, run, stop, status.

``AgentControlHandler`` is the ``handler(op, args, emit)`` that the transport's
``ControlServer`` calls once a request has passed its signature, freshness and
replay checks (this module knows nothing of AMQP or signatures; the CLI wires
the two together). Runs go through the same ``make_backend`` and
``AgentRunner`` as ``suricate agent``, each in a thread of its own, publishing
into the sink ``make_sink()`` returns (the agent's ``Publisher`` to the data
exchange). A run's printf output is batched (every 0.2 s, at most 64 KiB a
message, at most 1 MiB waiting; beyond that it is dropped and the drop is
said in the output) and sent as ``{"event": "output", "run": id, "text": ...}``
events; when a run ends an ``{"event": "end", ...}`` event says how.

A remote script that reaches beyond tracing (bpftrace's ``system``, ``cat``,
``signal``, ``override``, ``skboutput``; D's destructive actions and
``freopen``; an ``#include`` of a file; lang/safety.py) is refused, compile and
run alike, with an error at its line, unless the agent itself was started with
``allow_unsafe`` (``--allow-unsafe-actions``): the desk cannot grant it. Scripts
the agent's own command line gives (``start_run`` called directly) are the
operator's and are not checked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from ..lang.diagnostics import Diagnostic, ScriptError
from ..lang.safety import unsafe_calls
from .backends import BACKENDS, detect_lang, make_backend
from .runner import AgentRunner, Sink

log = logging.getLogger(__name__)
#: Runs started and ended on request: part of the agent's audit trail, shown by ``suricate agent``.
audit = logging.getLogger("suricate.control")

Emit = Callable[[dict[str, Any]], None]

#: Runs kept in ``status``'s ``ended`` list.
_ENDED_KEPT = 16
_OUTPUT_CHUNK = 64 * 1024
_OUTPUT_MAX_PENDING = 1 << 20
_OUTPUT_PERIOD = 0.2


class _OutputForwarder:
    """Batches a run's output text into events; bounded."""

    def __init__(self, run_id: str, emit: Emit | None, local: Callable[[str], None] | None = None):
        self.run_id = run_id
        self.emit = emit
        self.local = local
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0
        self.lock = threading.Lock()

    def __call__(self, text: str) -> None:
        if self.local is not None:
            self.local(text)
        if self.emit is None:
            return
        with self.lock:
            if self.size + len(text) > _OUTPUT_MAX_PENDING:
                self.dropped += len(text)
                return
            self.parts.append(text if text.endswith("\n") else text + "\n")
            self.size += len(self.parts[-1])
            full = self.size >= _OUTPUT_CHUNK
        if full:
            self.flush()

    def flush(self) -> None:
        if self.emit is None:
            return
        with self.lock:
            text, self.parts, self.size = "".join(self.parts), [], 0
            dropped, self.dropped = self.dropped, 0
        if dropped:
            text += f"[suricate: {dropped} characters of output dropped; the desk could not keep up]\n"
        for start in range(0, len(text), _OUTPUT_CHUNK):
            try:
                self.emit(
                    {"event": "output", "run": self.run_id, "text": text[start : start + _OUTPUT_CHUNK]}
                )
            except Exception:
                log.exception("control: could not forward output of run %s", self.run_id)
                return


@dataclass
class _Run:
    runner: AgentRunner
    source: str
    backend: str
    lang: str | None
    interval: float
    duration: float
    started: float
    output: _OutputForwarder
    emit: Emit | None
    thread: threading.Thread | None = None
    ended: float | None = None
    error: str | None = None
    diagnostics: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        info = {
            "run": self.runner.run_id,
            "source": self.source,
            "backend": self.backend,
            "lang": self.lang,
            "interval": self.interval,
            "duration": self.duration,
            "started": self.started,
            "snapshots": self.runner.snapshots,
            "intervals": self.runner.intervals,
        }
        if self.ended is not None:
            info["ended"] = self.ended
            info["error"] = self.error
        return info


class AgentControlHandler:
    """Carries out verified control requests on this host; at most ``max_runs`` runs at once."""

    def __init__(
        self,
        make_sink: Callable[[], Sink],
        host: str,
        default_backend: str = "auto",
        max_runs: int = 8,
        stop_timeout: float = 15.0,
        allow_unsafe: bool = False,
    ):
        self.make_sink = make_sink
        self.allow_unsafe = allow_unsafe
        self.host = host
        self.default_backend = default_backend
        self.max_runs = max_runs
        self.stop_timeout = stop_timeout
        self._runs: dict[str, _Run] = {}
        self._ended: list[_Run] = []
        self._lock = threading.Lock()
        self._closing = False
        self._flusher = threading.Thread(target=self._flush_outputs, name="control-output", daemon=True)
        self._flusher_stop = threading.Event()
        self._flusher.start()

    # -- the handler -------------------------------------------------------------------------------------------------
    def __call__(self, op: str, args: dict[str, Any], emit: Emit | None = None) -> dict[str, Any]:
        """A verified remote request: its scripts are checked for calls beyond tracing first."""
        if op == "compile":
            args = _pick(args, ("script", "lang", "backend"))
            refused = self.refusals(args.get("script", ""), args.get("lang"))
            if refused:
                return {
                    "diagnostics": [_diag(d) for d in refused],
                    "backend": self._backend_name(args.get("backend")),
                }
            return self.compile(**args)
        if op == "run":
            args = _pick(args, ("script", "lang", "backend", "interval", "duration", "source"))
            refused = self.refusals(args.get("script", ""), args.get("lang"))
            if refused:
                audit.warning("control: run refused: %s", "; ".join(d.format() for d in refused))
                raise ScriptError(refused)
            run_id = self.start_run(**args, emit=emit)
            return {"run": run_id}
        if op == "stop":
            return self.stop_run(_text(args.get("run"), "run"))
        if op == "status":
            return self.status()
        raise ValueError(f"unknown op {op!r}")

    def refusals(self, script: str, lang: str | None = None) -> list[Any]:
        """Errors for the calls of a remote ``script`` beyond tracing (none when ``allow_unsafe``)."""
        script = _text(script, "script")
        lang = _lang(lang)
        if self.allow_unsafe or not script.strip():
            return []
        return unsafe_calls(script, lang or detect_lang(script))

    def compile(
        self, script: str = "", lang: str | None = None, backend: str | None = None
    ) -> dict[str, Any]:
        """Check the script with the backend that would run it: ``{"diagnostics": [...], "backend": name}``."""
        script = _text(script, "script")
        lang = _lang(lang)
        name = self._backend_name(backend)
        try:
            chosen = make_backend(name, script, lang=lang, host=self.host)
            chosen.check()
        except ScriptError as exc:
            return {"diagnostics": [_diag(d) for d in exc.diagnostics], "backend": name}
        warnings = [_diag(d) for d in getattr(chosen, "warnings", None) or []]
        return {"diagnostics": [], "warnings": warnings, "backend": chosen.name}

    def start_run(
        self,
        script: str = "",
        lang: str | None = None,
        backend: str | None = None,
        interval: float = 1.0,
        duration: float = 0.0,
        source: str | None = None,
        *,
        path: str | None = None,
        emit: Emit | None = None,
        output: Callable[[str], None] | None = None,
    ) -> str:
        """Check the script, then run it in a thread into a new sink; the run id.

        Raises ScriptError for a script that does not compile, ValueError for
        bad arguments, RuntimeError when ``max_runs`` runs are going already.
        """
        script = _text(script, "script")
        lang = _lang(lang)
        name = self._backend_name(backend)
        interval = _number(interval, "interval", positive=True)
        duration = _number(duration, "duration")
        source = _text(source, "source") if source else ("sampler" if not script.strip() else "script")
        with self._lock:
            if self._closing:
                raise RuntimeError("the agent is stopping")
            if len(self._runs) >= self.max_runs:
                raise RuntimeError(
                    f"{len(self._runs)} runs are going on {self.host} already (at most "
                    f"{self.max_runs}); stop one first"
                )
        chosen = make_backend(
            name, script, lang=lang, path=path, interval=interval, host=self.host, source=source
        )
        chosen.check()
        # Checked: the runner would compile it again before starting, which takes bpftrace a while.
        chosen.check = lambda: None  # type: ignore[method-assign]
        sink = self.make_sink()
        dropped = getattr(sink, "dropped", None)
        sink_drops = None
        if isinstance(dropped, int):
            base = dropped
            sink_drops = lambda: getattr(sink, "dropped", base) - base  # noqa: E731 -- the publisher's drops in this run
        runner = AgentRunner(chosen, sink, duration=duration, sink_drops=sink_drops)
        forwarder = _OutputForwarder(runner.run_id, emit, output)
        runner.output = forwarder
        run = _Run(runner, source, chosen.name, lang, interval, duration, time.time(), forwarder, emit)
        run.thread = threading.Thread(
            target=self._run, args=(run,), name=f"agent-run-{runner.run_id}", daemon=True
        )
        with self._lock:
            if self._closing or len(self._runs) >= self.max_runs:
                raise RuntimeError(
                    f"{len(self._runs)} runs are going on {self.host} already (at most "
                    f"{self.max_runs}); stop one first"
                )
            self._runs[runner.run_id] = run
        run.thread.start()
        audit.info(
            "control: run %s started: %s backend, source %s, every %gs%s",
            runner.run_id,
            chosen.name,
            source,
            interval,
            f", for {duration:g}s" if duration else "",
        )
        return runner.run_id

    def stop_run(self, run_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Stop a run and wait (up to ``timeout``) for its last interval: ``{"run", "stopped", "snapshots"}``."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:
                for old in self._ended:
                    if old.runner.run_id == run_id:
                        return {
                            "run": run_id,
                            "stopped": True,
                            "snapshots": old.runner.snapshots,
                            "already_ended": True,
                        }
                raise KeyError(f"no run {run_id!r} on {self.host}")
        run.runner.stop()
        if run.thread is not None:
            run.thread.join(self.stop_timeout if timeout is None else timeout)
        stopped = run.thread is None or not run.thread.is_alive()
        return {"run": run_id, "stopped": stopped, "snapshots": run.runner.snapshots}

    def status(self) -> dict[str, Any]:
        with self._lock:
            runs = [r.describe() for r in self._runs.values()]
            ended = [r.describe() for r in self._ended]
        return {
            "host": self.host,
            "runs": runs,
            "ended": ended,
            "max_runs": self.max_runs,
            "backends": ["auto", *BACKENDS],
        }

    def run_ids(self) -> list[str]:
        with self._lock:
            return list(self._runs)

    def wait(self, run_id: str, timeout: float | None = None) -> bool:
        """Wait for a run to end; True if it has."""
        with self._lock:
            run = self._runs.get(run_id)
        if run is None or run.thread is None:
            return True
        run.thread.join(timeout)
        return not run.thread.is_alive()

    def stop_all(self, timeout: float | None = None) -> None:
        """Refuse new runs, stop every run, wait for their last intervals."""
        with self._lock:
            self._closing = True
            runs = list(self._runs.values())
        for run in runs:
            run.runner.stop()
        deadline = time.monotonic() + (self.stop_timeout if timeout is None else timeout)
        for run in runs:
            if run.thread is not None:
                run.thread.join(max(0.0, deadline - time.monotonic()))
        self._flusher_stop.set()

    # -- internals ---------------------------------------------------------------------------------------------------
    def _backend_name(self, backend: str | None) -> str:
        name = _text(backend, "backend") if backend else self.default_backend
        if name != "auto" and name not in BACKENDS:
            raise ValueError(f"unknown backend {name!r}; expected one of auto, {', '.join(BACKENDS)}")
        return name

    def _run(self, run: _Run) -> None:
        run_id = run.runner.run_id
        try:
            run.runner.run()
        except ScriptError as exc:
            run.error = str(exc)
            run.diagnostics = [_diag(d) for d in exc.diagnostics]
        except Exception as exc:  # the tracer failed; say so to the desk, keep the agent going
            run.error = str(exc) or type(exc).__name__
            log.warning("control: run %s failed: %s", run_id, run.error)
        finally:
            run.ended = time.time()
            run.output.flush()
            with self._lock:
                self._runs.pop(run_id, None)
                self._ended.append(run)
                del self._ended[:-_ENDED_KEPT]
            audit.info(
                "control: run %s ended after %d snapshots%s",
                run_id,
                run.runner.snapshots,
                f" ({run.error})" if run.error else "",
            )
            if run.emit is not None:
                event = {"event": "end", "run": run_id, "snapshots": run.runner.snapshots, "error": run.error}
                if run.diagnostics:
                    event["diagnostics"] = run.diagnostics
                try:
                    run.emit(event)
                except Exception:
                    log.exception("control: could not send the end of run %s", run_id)

    def _flush_outputs(self) -> None:
        while not self._flusher_stop.wait(_OUTPUT_PERIOD):
            with self._lock:
                forwarders = [r.output for r in self._runs.values()]
            for f in forwarders:
                if f.parts:
                    f.flush()


def _pick(args: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(args, dict):
        raise ValueError("args must be an object")
    unknown = sorted(set(args) - set(names))
    if unknown:
        raise ValueError(f"unknown argument {unknown[0]!r}; expected {', '.join(names)}")
    return {k: v for k, v in args.items() if v is not None}


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value


def _lang(value: Any) -> str | None:
    if value is None or value in ("d", "bpftrace"):
        return cast("str | None", value)
    raise ValueError(f"lang must be 'd' or 'bpftrace', got {value!r}")


def _number(value: Any, name: str, positive: bool = False) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value < 0
        or (positive and value <= 0)
        or value == float("inf")
    ):
        raise ValueError(
            f"{name} must be a {'positive' if positive else 'non-negative'} number, got {value!r}"
        )
    return float(value)


def _diag(d: Diagnostic) -> dict[str, Any]:
    return {
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "message": d.message,
        "end_column": d.end_column,
        "file": d.file,
    }
