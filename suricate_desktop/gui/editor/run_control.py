"""Running and stopping the editor pane's scripts: Run, Stop, and what a run reports back.

A run is a ``RunSource`` (this machine: bpftrace, DTrace or the sampler) or a ``RemoteRunSource``
(a remote host's agent, reached through the broker), made from the document's run options. Its
output goes to the Output tab, its compile errors onto the script's lines, its streams to the
main window as chart requests (the pane's ``chartRequested``), its start and end to the pane's
``runStarted`` and ``runStopped``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ...lang.diagnostics import Diagnostic
from ..sources.run import RemoteRunSource, RunSource
from .run_options import chart_for
from .script_document import LANG_NAMES, ScriptDocument

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["RunControl"]

AnyRunSource = RunSource | RemoteRunSource


class RunControl:
    """Starts and stops the pane's runs and passes on what they report."""

    def __init__(
        self,
        pane: EditorPane,
        broker_url: str | None = None,
        client_factory: Callable[[str], object] | None = None,
    ) -> None:
        self._pane = pane
        self._broker_url = broker_url
        self._client_factory = client_factory
        self._exchange: str | None = None
        self._tls_ca: str | None = None

    def set_remote(
        self,
        broker_url: str | None = None,
        client_factory: Callable[[str], object] | None = None,
        exchange: str | None = None,
        tls_ca: str | None = None,
    ) -> None:
        """How remote runs reach their agents (None: keep what was set; the CA goes with the broker)."""
        if broker_url is not None:
            self._broker_url = broker_url
            self._tls_ca = tls_ca
        if client_factory is not None:
            self._client_factory = client_factory
        if exchange is not None:
            self._exchange = exchange

    def run(self, doc: ScriptDocument) -> AnyRunSource | None:
        """Run ``doc`` with its run options; its source (the running one if it runs already)."""
        pane = self._pane
        if doc.running:
            pane.status.emit(f"{doc.name} is running already")
            return doc.source
        cfg = doc.run_config
        text = doc.text()
        for origin in {m.origin for m in doc.editor.markers()} - {"lint"}:
            doc.editor.clear_diagnostics(origin)
        source: AnyRunSource
        if cfg.target == "remote" and cfg.host:
            source = RemoteRunSource(
                text,
                doc.lang,
                cfg.host,
                interval=cfg.interval,
                duration=cfg.duration,
                name=f"run: {doc.name} on {cfg.host}",
                file=doc.name,
                broker_url=self._broker_url,
                exchange=self._exchange,
                client_factory=self._client_factory,
                tls_ca=self._tls_ca,
            )
        else:
            source = RunSource(
                text,
                doc.lang,
                cfg.backend,
                interval=cfg.interval,
                duration=cfg.duration,
                name=f"run: {doc.name}",
                file=doc.name,
            )
        signals = source.signals
        signals.output.connect(pane.output.append_text)
        signals.stateChanged.connect(partial(self._on_run_state, doc, source))
        signals.diagnostics.connect(partial(self._on_compile_diagnostics, doc, source))
        signals.streamAdded.connect(partial(self._on_stream_added, doc, source))
        signals.finished.connect(partial(self._on_run_finished, doc, source))
        doc.source = source
        pane.output.append_status(f"▶ {doc.name}: {LANG_NAMES[doc.lang]} on {cfg.describe()}")
        pane.bottom.setCurrentWidget(pane.output)
        source.start()
        pane.update_tab(doc)
        pane.update_actions()
        pane.runStarted.emit(source)
        pane.status.emit(f"Running {doc.name}")
        return source

    def stop(self, doc: ScriptDocument) -> None:
        """Stop ``doc``'s run; returns at once, the pane's ``runStopped`` says when it ended."""
        if doc.source is None or not doc.running:
            return
        doc.source.stop()
        self._pane.output.append_status(f"■ {doc.name}: stopping…")
        self._pane.stop_action.setEnabled(False)

    def stop_all(self, docs: list[ScriptDocument], timeout: float = 5.0) -> None:
        """Stop the runs of ``docs`` and wait up to ``timeout`` seconds in all for them to end."""
        running = [d.source for d in docs if d.source is not None and d.running]
        for source in running:
            source.stop()
        deadline = time.monotonic() + timeout
        for source in running:
            source.wait(max(0.0, deadline - time.monotonic()))

    # -- what a run reports ---------------------------------------------------------------------------------
    def _on_run_state(self, doc: ScriptDocument, source: AnyRunSource, state: str, detail: str) -> None:
        pane = self._pane
        if state == "running":
            pane.output.append_status(f"{doc.name}: running ({detail})", "ok")
        elif state == "compiling":
            pane.output.append_status(f"{doc.name}: {detail}")
        pane.update_tab(doc)
        pane.status.emit(f"{doc.name}: {state}" + (f" ({detail})" if detail else ""))

    def _on_compile_diagnostics(
        self, doc: ScriptDocument, source: AnyRunSource, diagnostics: list[Diagnostic], origin: str
    ) -> None:
        pane = self._pane
        if doc.closed or doc.source is not source:
            return
        doc.editor.set_diagnostics(diagnostics, origin, drop_on_edit=True)
        if doc is not pane.current_document():
            pane.set_current_document(doc)
        pane.refresh_problems()
        pane.bottom.setCurrentWidget(pane.problems)

    def _on_stream_added(
        self, doc: ScriptDocument, source: AnyRunSource, stream: tuple[str, ...], kind: str, keyed: bool
    ) -> None:
        self._pane.chartRequested.emit(
            source.store, tuple(stream), chart_for(doc.run_config.chart, doc.chart_hint)
        )

    def _on_run_finished(self, doc: ScriptDocument, source: AnyRunSource) -> None:
        pane = self._pane
        kind = "error" if source.state == "error" else "info"
        pane.output.append_status(
            f"■ {doc.name}: {source.state}" + (f" ({source.detail})" if source.detail else ""), kind
        )
        if not doc.closed:
            pane.update_tab(doc)
        pane.update_actions()
        pane.runStopped.emit(source)
        pane.status.emit(f"{doc.name}: {source.state}" + (f" ({source.detail})" if source.detail else ""))
