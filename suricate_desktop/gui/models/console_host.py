"""The console's ``ws.models`` on the Models dock's ``ModelManager``: one set of attached models per workspace.

A model attached with ``ws.models.attach`` becomes an ``AttachedModel`` of the manager: the
Models dock lists it, the ``model-scoring`` worker scores it, its score strip and shaded
anomalies are drawn on the plots, and the workspace saves it. What ``ws`` reads back
(``scores()``, ``anomalies()``) is what the dock shows.

User code runs on the GUI thread (in-process kernel), or in a ``ws.background`` job: a call
from another thread is carried over to the GUI thread and waited for, so the manager (a
QObject whose lists the GUI reads) is only ever changed there. Scores are read in the
scoring worker, where every use of a scorer happens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from ...analytics.model_host import ModelHost
from .manager import ModelManager

#: Seconds a call from a background job waits for the GUI thread.
WAIT = 60.0


class _GuiCall(QObject):
    call = Signal(object, object)  # (fn, Future)

    def __init__(self):
        super().__init__()
        self.call.connect(self._run)

    @staticmethod
    def _run(fn, future: Future) -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:
            future.set_exception(exc)


class ManagerHost(ModelHost):
    """``ModelHost`` over a ``ModelManager`` (made on the GUI thread)."""

    def __init__(self, manager: ModelManager):
        self.manager = manager
        self._gui = _GuiCall()
        self._gui_thread = threading.get_ident()

    def _on_gui(self, fn: Callable[[], Any]) -> Any:
        if threading.get_ident() == self._gui_thread:
            return fn()
        future: Future[Any] = Future()
        self._gui.call.emit(fn, future)
        return future.result(WAIT)

    def _model(self, name: str):
        model = self.manager.get(name)
        if model is None:
            raise KeyError(f"no attached model {name!r}")
        return model

    @property
    def registry(self):
        return self.manager.registry

    def add(self, name: str, source_name: str, scorer, description: str) -> None:
        def add():
            source = self.manager._find_source(source_name)
            self.manager.attach(
                name,
                source if source is not None else source_name,
                scorer,
                features="value per key",
                description=description,
            )

        self._on_gui(add)

    def remove(self, name: str) -> None:
        self._on_gui(lambda: self.manager.detach(self._model(name)) if self.manager.get(name) else None)

    def names(self) -> list[str]:
        return self._on_gui(lambda: [m.name for m in self.manager.models])

    def describe(self, name: str) -> dict | None:
        def describe():
            model = self.manager.get(name)
            if model is None:
                return None
            return {
                "source": model.source_name,
                "streams": list(model.streams),
                "threshold": model.threshold,
                "detectors": len(model.scorer.keys()),
                "description": model.description or model.detector,
                "state": model.state,
                "error": model.error,
            }

        return self._on_gui(describe)

    def scores(self, name: str):
        scorer = self._on_gui(lambda: self._model(name).scorer)
        return self.manager.run(scorer.scores).result(WAIT)

    def anomalies(self, name: str):
        return self._on_gui(lambda: list(self._model(name).anomalies.values()))

    def save(self, name: str, as_name: str):
        return self._on_gui(lambda: self.manager.save(self._model(name), as_name))
