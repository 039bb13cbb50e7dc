"""Runs started from the script editor: a source of their own, filled by a worker thread.

``RunSource`` runs a script on this machine: ``make_backend`` + ``AgentRunner``
in a thread of its own (``run-<name>``), into the source's own LiveStore.
``RemoteRunSource`` asks a remote host's agent to run it through
``suricate_desktop.transport.control.ControlClient`` and consumes that run's
snapshots from the data exchange (bindings ``<host>.<source>.*``) with a
``transport.consumer.Consumer`` into its store.

Threads: the worker (and, for remote runs, the control client's and the
consumer's threads) never touch a widget. Everything the GUI hears goes
through :class:`RunSignals`, a QObject created in the GUI thread: the worker
posts ``(signal name, args)`` on a private signal, which Qt queues to the GUI
thread, where the public signal is emitted. Output text is gathered in a
bounded buffer under a lock (1 MiB; beyond that the oldest text is dropped
and the drop is said) and announced with at most one pending post at a time,
so a script that prints a million lines a second cannot flood the GUI's event
queue.

Order of a local run: the backend is built (a D script for bpftrace is
translated first, and the translator's refusals come back as diagnostics at
their D lines), ``backend.check()`` compiles the script (bpftrace ``-d`` /
``--dry-run``, python-dtrace ``compile``): a ``ScriptError`` comes back as
``diagnostics(list, origin)`` with lines and columns, for the editor to
underline like the linter's; then the runner traces until Stop, the duration,
or the script's own ``exit()``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from ...lang.diagnostics import Diagnostic, ScriptError
from ...schema import AGENT_SOURCE, Snapshot, routing_key
from ...store.live import LiveStore
from .base import Source

if TYPE_CHECKING:
    from ...agent.runner import AgentRunner

log = logging.getLogger(__name__)

__all__ = ["RemoteRunSource", "RunSignals", "RunSource", "source_word"]

#: Output waiting for the GUI beyond this many characters is dropped, oldest first.
MAX_PENDING_OUTPUT = 1 << 20


def source_word(name: str) -> str:
    """A stream source name made from a script's name: ``syscalls-by-process.bt`` -> ``syscalls-by-process``."""
    stem = re.sub(r"\.(d|bt|bpftrace)$", "", name.strip())
    word = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")
    return word or "script"


class RunSignals(QObject):
    """A run's signals, always emitted in the GUI thread.

    Signals
    -------
    output(str)
        Text the script printed (printf, trace, print of other maps), in order.
    stateChanged(str state, str detail)
    diagnostics(object diagnostics, str origin)
        The compiler (or the translator) refused the script: a list of Diagnostic.
    streamAdded(tuple stream, str kind, bool keyed)
        The first snapshot of an aggregation arrived (the agent's own health stream excepted).
    finished()
        The worker is done: the run ended, was stopped, or failed.
    """

    output = Signal(str)
    stateChanged = Signal(str, str)
    diagnostics = Signal(object, str)
    streamAdded = Signal(tuple, str, bool)
    finished = Signal()
    _post = Signal(object)

    def __init__(self, owner: _RunBase) -> None:
        super().__init__()
        self._owner = owner
        self._post.connect(self._dispatch)

    @Slot(object)
    def _dispatch(self, item) -> None:
        name, args = item
        if name == "output":
            text = self._owner._take_output()
            if text:
                self.output.emit(text)
            return
        getattr(self, name).emit(*args)


class _RunBase(Source):
    """What local and remote runs share: state, stop, bounded output, stream discovery."""

    kind = "run"

    def __init__(
        self,
        script: str,
        lang: str,
        *,
        name: str,
        source: str | None,
        interval: float,
        duration: float,
        file: str | None,
        store: LiveStore | None,
    ) -> None:
        super().__init__(name, store)
        self.script = script
        self.lang = lang
        self.interval = float(interval)
        self.duration = float(duration)
        self.file = file or name
        self.source = source or source_word(self.file)
        self.signals = RunSignals(self)
        #: The compile errors of the last attempt (empty when it compiled).
        self.diagnostics: list[Diagnostic] = []
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self._state = "starting"
        self._detail = ""
        self._stop = threading.Event()
        #: True once stop() was called (the duration ending a run also sets the stop event).
        self.stop_requested = False
        self._thread: threading.Thread | None = None
        self._seen: set[tuple] = set()
        self._out_lock = threading.Lock()
        self._out: list[str] = []
        self._out_size = 0
        self._out_dropped = 0
        self._out_posted = False

    # -- Source -----------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def detail(self) -> str:
        return self._detail

    @property
    def running(self) -> bool:
        """True while the worker is at work (compiling, tracing, or stopping). False from the moment it
        has ended its work, before its thread has quite exited: whoever hears "finished" sees it ended."""
        return self._thread is not None and self.ended_at is None and self._thread.is_alive()

    def start(self) -> _RunBase:
        """Start the worker (connect to :attr:`signals` first)."""
        if self._thread is None:
            self.started_at = time.time()
            self._thread = threading.Thread(target=self._main, name=f"run-{self.source}", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Ask the run to stop (idempotent); wait up to ``timeout`` seconds for it when given."""
        self.stop_requested = True
        self._stop.set()
        self._on_stop_requested()
        if timeout is not None and self._thread is not None:
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker to end; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def to_config(self) -> dict:
        return {
            **super().to_config(),
            "script": self.script,
            "lang": self.lang,
            "interval": self.interval,
            "duration": self.duration,
            "source": self.source,
            "file": self.file,
        }

    # -- the worker's side --------------------------------------------------------------------------
    def _main(self) -> None:
        try:
            self._work()
            if self._state not in ("error",):
                self._set_state("stopped", self._end_detail())
        except ScriptError as exc:
            self._report_script_error(exc, getattr(exc, "origin", None) or self._compile_origin())
        except Exception as exc:
            log.info("run %s failed: %s", self.name, exc, exc_info=True)
            self._set_state("error", str(exc) or exc.__class__.__name__)
            self._emit_output(f"error: {exc}\n")
        finally:
            self.ended_at = time.time()
            self._flush_output_now()
            self._post("finished")

    def _work(self) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _on_stop_requested(self) -> None:
        """Called in the caller's thread by stop()."""

    def _compile_origin(self) -> str:
        return "compiler"

    def _end_detail(self) -> str:
        return "stopped" if self.stop_requested else "finished"

    def _post(self, name: str, *args) -> None:
        try:
            self.signals._post.emit((name, args))
        except RuntimeError:  # the signals object is gone (the application is closing)
            pass

    def _set_state(self, state: str, detail: str = "") -> None:
        self._state, self._detail = state, detail
        self._post("stateChanged", state, detail)

    def _sink(self, snapshots: list[Snapshot]) -> None:
        """Where the runner (or the consumer) hands snapshots: the store, then news of new streams."""
        self.store.ingest(snapshots)
        for snap in snapshots:
            stream = snap.stream
            if stream not in self._seen:
                self._seen.add(stream)
                if snap.source != AGENT_SOURCE:
                    keyed = any(len(entry[0]) for entry in snap.entries) if snap.entries else True
                    self._post("streamAdded", tuple(stream), snap.kind, keyed)

    def _emit_output(self, text: str) -> None:
        """Queue output text for the GUI (any thread); bounded."""
        if not text:
            return
        with self._out_lock:
            self._out.append(text)
            self._out_size += len(text)
            while self._out_size > MAX_PENDING_OUTPUT and len(self._out) > 1:
                dropped = self._out.pop(0)
                self._out_size -= len(dropped)
                self._out_dropped += len(dropped)
            if self._out_posted:
                return
            self._out_posted = True
        self._post("output")

    def _take_output(self) -> str:
        """The output gathered since the last call (GUI thread)."""
        with self._out_lock:
            parts, self._out, self._out_size = self._out, [], 0
            dropped, self._out_dropped = self._out_dropped, 0
            self._out_posted = False
        text = "".join(parts)
        if dropped:
            text = (
                f"[... {dropped} characters of output dropped: the script prints faster than they can be shown]\n"
                + text
            )
        return text

    def _flush_output_now(self) -> None:
        with self._out_lock:
            pending = bool(self._out) or bool(self._out_dropped)
            self._out_posted = pending
        if pending:
            self._post("output")

    def _report_script_error(self, exc: ScriptError, origin: str) -> None:
        diags = [dataclasses.replace(d, file=self.file) for d in exc.diagnostics]
        lines = self.script.count("\n") + 1
        # bpftrace may blame the clause the backend appended after the script: show it at the script's end.
        diags = [
            dataclasses.replace(d, line=lines, column=0, end_column=None) if d.line > lines else d
            for d in diags
        ]
        self.diagnostics = diags
        errors = [d for d in diags if d.severity == "error"]
        first = errors[0] if errors else (diags[0] if diags else None)
        detail = f"{origin}: {first.message}" if first else f"{origin}: the script does not compile"
        self._set_state("error", detail)
        self._emit_output("".join(d.format() + "\n" for d in diags) or f"error: {exc}\n")
        self._post("diagnostics", diags, origin)


class RunSource(_RunBase):
    """A script run on this machine: ``make_backend(backend, ...)`` + ``AgentRunner`` in a worker thread.

    ``backend`` is ``auto`` (``agent.backends.auto_backend``: bpftrace when it is
    installed and we are root, else the sampler; DTrace where it exists),
    ``bpftrace``, ``sampler``, ``dtrace`` (python-dtrace, else dtrace(1)) or
    any name of ``agent.backends.BACKENDS``. ``duration`` 0 runs until
    :meth:`stop`. ``host`` names the snapshots' host (this machine's name by
    default). Call :meth:`start` after connecting to :attr:`signals`.
    """

    def __init__(
        self,
        script: str,
        lang: str | None = None,
        backend: str = "auto",
        *,
        interval: float = 1.0,
        duration: float = 0.0,
        name: str | None = None,
        source: str | None = None,
        file: str | None = None,
        host: str | None = None,
        store: LiveStore | None = None,
    ) -> None:
        if lang is None:
            from ...agent.backends import detect_lang

            lang = detect_lang(script, file)
        lang = "bpftrace" if lang in ("bt", "bpftrace") else "d"
        super().__init__(
            script,
            lang,
            name=name or f"run: {file or 'script'}",
            source=source,
            interval=interval,
            duration=duration,
            file=file,
            store=store,
        )
        self.backend = backend
        self.host = host
        #: The backend actually used (auto resolved), once the worker has chosen it.
        self.backend_name: str | None = None
        #: For a D script run by bpftrace: the bpftrace text it was translated into.
        self.translated: str | None = None
        self._runner: AgentRunner | None = None

    def _resolve_backend(self) -> str:
        from ...agent.backends import auto_backend

        name = self.backend
        if name == "auto":
            name = "sampler" if not self.script.strip() else auto_backend(self.lang)
        if name == "dtrace":
            import importlib.util

            name = "dtrace" if importlib.util.find_spec("dtrace") is not None else "dtrace-cli"
        return name

    def _compile_origin(self) -> str:
        return self.backend_name or self.backend

    def _work(self) -> None:
        from ...agent.backends import make_backend
        from ...agent.runner import AgentRunner

        self._set_state("compiling", f"checking the script ({self.backend})")
        name = self._resolve_backend()
        self.backend_name = name
        script, lang = self.script, self.lang
        if name == "bpftrace" and lang == "d":
            from ...lang.translate import translate_program

            try:
                translation = translate_program(script, file=self.file)
            except ScriptError as exc:
                exc.origin = "translate"  # type: ignore[attr-defined]
                raise
            for w in translation.warnings:
                self._emit_output(dataclasses.replace(w, file=self.file).format() + "\n")
            script, lang = translation.text, "bpftrace"
            self.translated = script
        options: dict[str, Any] = {"interval": self.interval, "source": self.source}
        if self.translated is not None:  # bpftrace's errors then land on the D script's own lines
            options.update(translation=translation, script_file=self.file)
        if self.host:
            options["host"] = self.host
        backend = make_backend(name, script, lang=lang, **options)
        if name == "sampler" and self.script.strip():
            self._emit_output(
                "note: the sampler runs no script; it samples every process's CPU time, I/O, "
                "context switches and memory (no root needed)\n"
            )
        if self._stop.is_set():
            return
        backend.check()
        for w in getattr(backend, "warnings", None) or ():
            self._emit_output(dataclasses.replace(w, file=self.file).format() + "\n")
        # checked just now: the runner need not compile it again
        backend.check = lambda: None  # type: ignore[method-assign]
        runner = AgentRunner(backend, self._sink, duration=self.duration, output=self._emit_output)
        runner.stop_event = self._stop  # stop() before or during run() both end it
        self._runner = runner
        if self._stop.is_set():
            return
        until = f" for {self.duration:g} s" if self.duration > 0 else ""
        self._set_state("running", f"{backend.name} on this machine, every {self.interval:g} s{until}")
        runner.run()

    def _end_detail(self) -> str:
        runner = self._runner
        n = runner.snapshots if runner is not None else 0
        how = "stopped" if self.stop_requested else "finished"
        return f"{how} after {n} snapshot{'s' if n != 1 else ''}"

    def to_config(self) -> dict:
        return {**super().to_config(), "target": "local", "backend": self.backend}


class RemoteRunSource(_RunBase):
    """A script run by a remote host's agent (``suricate agent --control``), its data from the broker.

    ``client`` is a ``ControlClient`` for ``host`` (left open: its owner closes
    it), or None to make one here with ``ControlClient(broker_url, host,
    load_secret(secret_file))`` (the secret from ``$SURICATE_CONTROL_SECRET``
    or ``secret_file``), closed when the run ends. The run's snapshots are
    consumed from ``exchange`` with the bindings ``<host>.<source>.*`` into
    this source's store; the consumer starts before the run, so nothing is
    missed.
    """

    def __init__(
        self,
        script: str,
        lang: str | None,
        host: str,
        *,
        backend: str = "auto",
        interval: float = 1.0,
        duration: float = 0.0,
        name: str | None = None,
        source: str | None = None,
        file: str | None = None,
        broker_url: str | None = None,
        exchange: str | None = None,
        client=None,
        client_factory: Callable[[str], object] | None = None,
        secret_file: str | None = None,
        store: LiveStore | None = None,
        consumer_factory: Callable[..., object] | None = None,
        tls_ca: str | None = None,
    ) -> None:
        lang = "bpftrace" if lang in ("bt", "bpftrace") else ("d" if lang else None)
        super().__init__(
            script,
            lang or "",
            name=name or f"run: {file or 'script'} on {host}",
            source=source,
            interval=interval,
            duration=duration,
            file=file,
            store=store,
        )
        from ...transport.publisher import DEFAULT_EXCHANGE, DEFAULT_URL

        self.host = host
        self.backend = backend
        self.broker_url = broker_url or DEFAULT_URL
        self.exchange = exchange or DEFAULT_EXCHANGE
        self.secret_file = secret_file
        #: The private CA an amqps:// broker is verified against (None: the system's CAs).
        self.tls_ca = tls_ca or None
        self.run_id: str | None = None
        self.end_info: dict | None = None
        self.consumer = None
        self._client = client
        self._client_factory = client_factory
        self._consumer_factory = consumer_factory
        self._ended = threading.Event()
        self._wake = threading.Event()

    @property
    def binding(self) -> str:
        """The data-exchange pattern of this run's streams: ``<host>.<source>.*``."""
        return routing_key(self.host, self.source, "x")[: -len(".x")] + ".*"

    def counters(self) -> dict[str, int]:
        consumer = self.consumer
        if consumer is None:
            return super().counters()
        return {"received": consumer.received, "rejected": consumer.rejected}

    def _compile_origin(self) -> str:
        return f"{self.host} ({self.backend})"

    def _on_stop_requested(self) -> None:
        self._wake.set()

    def _make_client(self):
        if self._client is not None:
            return self._client, False
        if self._client_factory is not None:
            return self._client_factory(self.host), False
        try:
            from ...transport.control import ControlClient, load_secret
        except ImportError as exc:
            raise RuntimeError(f"remote runs need suricate_desktop.transport.control ({exc})") from None
        client = ControlClient(self.broker_url, self.host, load_secret(self.secret_file), tls_ca=self.tls_ca)
        return client, True

    def _make_consumer(self):
        if self._consumer_factory is not None:
            return self._consumer_factory(self._sink, [self.binding])
        from ...transport.consumer import Consumer

        return Consumer(
            self._sink, self.broker_url, self.exchange, [self.binding], batch_seconds=0.05, tls_ca=self.tls_ca
        )

    def _work(self) -> None:
        self._set_state("compiling", f"asking {self.host}'s agent to check and run the script")
        client, own_client = self._make_client()
        try:
            self.consumer = consumer = self._make_consumer()
            consumer.start()
            try:
                if not consumer.wait_ready(15.0):
                    raise RuntimeError(
                        f"the broker is not answering: {consumer.last_error or 'no connection'}"
                    )
                if self._stop.is_set():
                    return
                # The agent checks the script before it starts: a bad one raises ScriptError here.
                self.run_id = client.run(
                    self.script,
                    self.lang or None,
                    self.backend,
                    self.interval,
                    self.duration,
                    self.source,
                    on_output=self._emit_output,
                    on_end=self._on_end,
                    timeout=90.0,
                )
                until = f" for {self.duration:g} s" if self.duration > 0 else ""
                self._set_state(
                    "running", f"on {self.host} (run {self.run_id}), every {self.interval:g} s{until}"
                )
                while not self._wake.wait(0.5):
                    pass
                if not self._ended.is_set():
                    try:
                        client.stop(self.run_id, timeout=30.0)
                    except Exception as exc:
                        self._emit_output(f"stop: {exc}\n")
                    self._ended.wait(2 * self.interval + 2.0)
                # The last partial interval is published as the run ends: give it time to arrive.
                time.sleep(min(2.0, max(0.3, self.interval)))
                info = self.end_info or {}
                if info.get("error"):
                    self._set_state("error", str(info["error"]))
            finally:
                consumer.stop()
        finally:
            if own_client:
                try:
                    client.close()
                except Exception:
                    pass

    def _on_end(self, info: dict) -> None:
        """The agent's end event (the control client's thread)."""
        self.end_info = dict(info)
        self._ended.set()
        self._wake.set()
        reason = info.get("error") or info.get("reason") or "ended"
        self._emit_output(f"[{self.host}: run {info.get('run', self.run_id)} {reason}]\n")

    def _end_detail(self) -> str:
        info = self.end_info or {}
        how = "stopped" if self.stop_requested else "finished"
        n = info.get("snapshots")
        return f"{how} on {self.host}" + (f" after {n} snapshots" if n is not None else "")

    def to_config(self) -> dict:
        return {
            **super().to_config(),
            "target": "remote",
            "host": self.host,
            "backend": self.backend,
            "broker_url": self.broker_url,
            "exchange": self.exchange,
            "tls_ca": self.tls_ca,
        }
