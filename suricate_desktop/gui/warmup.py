"""Heavy modules imported in a background thread, so no click waits for an import on the GUI thread.

The window shows with Qt, pyqtgraph and numpy only. What the other features need (pandas,
scikit-learn and qtconsole's kernel for the console, SciPy and scikit-learn for the dependency
graph, pyarrow and DuckDB for recordings, pika for brokers) costs 2-10 s to import on a
loaded laptop; imported on the GUI thread at the first use, it froze the window that long.

``warmup(group)`` imports a group's modules in a ``warmup`` daemon thread, one group at a
time in the order asked, and calls back on the GUI thread (a queued signal) once they are in
``sys.modules``. ``gui/app.py`` asks for every group once the window has painted (at idle);
a feature asks for its own group when the user opens it, so whichever comes first pays the
import, and never on the GUI thread. Importing in a thread is safe for these modules: they
define classes and functions, and create no Qt object at import time. While the thread runs
Python bytecode it hands the GIL back every switch interval (1 ms, ``runtime.tune_for_ingest``),
so the window keeps painting. Compiled code holds the GIL longer, so the idle warm-up pauses
after each module (``IDLE_PAUSE_S``), and the GUI thread's garbage collections wait until the
imports are frozen (``gc_guard.importing``).
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from . import gc_guard

log = logging.getLogger(__name__)

GROUPS: dict[str, tuple[str, ...]] = {
    # recordings and brokers: the Sources pane's File > Open recording, Add broker
    "sources": ("pyarrow", "pyarrow.parquet", "pyarrow.compute", "pika", "duckdb"),
    # the console: its namespace and the in-process kernel (ipykernel's debugger pulls in debugpy)
    "console": (
        "pandas",
        "sklearn",
        "IPython",
        "ipykernel.ipkernel",
        "ipykernel.debugger",
        "ipykernel.inprocess.ipkernel",
        "ipykernel.inprocess.manager",
        "ipykernel.inprocess.client",
        "qtconsole.inprocess",
        "qtconsole.rich_jupyter_widget",
        "nbformat",
        "suricate_desktop.gui.console.pane",
        "suricate_desktop.gui.models.console_host",
    ),
    # the dependency graph: a recording read by DuckDB (into pandas), its window
    "depgraph": (
        "duckdb",
        "pandas",
        "pyarrow",
        "suricate_desktop.analytics.depgraph",
        "suricate_desktop.analytics.activity",
        "suricate_desktop.gui.depgraph.window",
    ),
}
#: The order ``warm_all`` imports the groups in: what a user opens first, first.
ORDER = ("sources", "depgraph", "console")
#: The pause after each module of a group nobody waits for (``warm_all``'s). Some imports hold the GIL
#: for tens of ms in compiled code (pyarrow.compute's function table, ssl's certificate paths); back to
#: back, they left the GUI thread waiting 90-150 ms in some runs of bench/gui_stalls.py's warm-up
#: (8 runs: 25-129 ms); with this pause, 15-47 ms, and the warm-up ends about a second later.
IDLE_PAUSE_S = 0.06


class _Warmup(QObject):
    loaded = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.done: set[str] = set()
        self._queue: list[str] = []
        self._waiting: dict[str, list[Callable[[], None]]] = {}
        self._idle: set[str] = set()  # groups only warm_all asked for: imported with pauses
        self._urgent: set[str] = set()  # groups a feature asked for: at full speed
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)

    def ask(self, group: str, then: Callable[[], None] | None = None, idle: bool = False) -> bool:
        """Import ``group`` in the thread; ``then()`` on the GUI thread once it is in. True when already in.

        ``idle``: nobody waits for it (``warm_all``), so it goes gently (``IDLE_PAUSE_S``); a later
        ask that is not idle makes it go at full speed."""
        if group not in GROUPS:
            raise KeyError(group)
        if not idle:
            self._urgent.add(group)
            self._idle.discard(group)
        elif group not in self._urgent:
            self._idle.add(group)
        if group in self.done:
            if then is not None:
                then()
            return True
        if then is not None:
            self._waiting.setdefault(group, []).append(then)
        with self._lock:
            if group in self._queue:
                self._queue.remove(group)
            self._queue.insert(0, group)  # asked for by a user: next
            if self._thread is None or not self._thread.is_alive():
                gc_guard.importing.set()  # the GUI thread's collections wait for the freezes in _run
                self._thread = threading.Thread(target=self._run, name="warmup", daemon=True)
                self._thread.start()
        return False

    def wait(self, timeout: float | None = None) -> None:
        """Block until the thread is idle (tests; never on a user's path)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        # debugpy (an ipykernel dependency) warns about frozen modules on import otherwise
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    gc_guard.importing.clear()  # under the lock: an ``ask`` now starts a thread and sets it
                    return
                group = self._queue.pop(0)
            for name in GROUPS[group]:
                if name in sys.modules:
                    continue
                try:
                    importlib.import_module(name)
                except Exception:  # the feature imports it again where it is used, and says why there
                    log.warning("could not import %s ahead of use", name, exc_info=True)
                # Modules live as long as the process: out of the collector's sight, or each full
                # collection (on the GUI thread, gui/gc_guard.py) scans them all again.
                gc.freeze()
                if group in self._idle:
                    time.sleep(IDLE_PAUSE_S)
            _warm_lexers(group)
            try:
                self.loaded.emit(group)
            except RuntimeError:  # the application is gone
                gc_guard.importing.clear()
                return

    def _on_loaded(self, group: str) -> None:
        self.done.add(group)
        for then in self._waiting.pop(group, []):
            try:
                then()
            except Exception:  # one caller's failure (a window closed meanwhile) must not starve the others
                log.exception("a caller waiting for the %s modules failed", group)


def _warm_lexers(group: str) -> None:
    """The console's syntax highlighting compiles its lexer's regular expressions on first use (~100 ms)."""
    if group != "console":
        return
    try:
        from IPython.lib.lexers import IPython3Lexer
        from pygments.lexers import PythonLexer

        for lexer in (PythonLexer(), IPython3Lexer()):
            list(lexer.get_tokens("x = 1\n"))
    except Exception:
        log.debug("no lexer to warm", exc_info=True)


_instance: _Warmup | None = None


def _warmup() -> _Warmup:
    global _instance
    if _instance is None:
        _instance = _Warmup()
    return _instance


def warmup(group: str, then: Callable[[], None] | None = None) -> bool:
    """Import ``group``'s modules off the GUI thread; ``then()`` on the GUI thread once done.

    Returns True (and calls ``then`` at once) when the group is already in.
    """
    return _warmup().ask(group, then)


def warm_all() -> None:
    """Every group, in ``ORDER`` (gui/app.py calls it once the window has painted)."""
    w = _warmup()
    for group in reversed(ORDER):  # each ask goes to the front: the first of ORDER ends up first
        if group not in w.done:
            w.ask(group, idle=True)


def is_warm(group: str) -> bool:
    return group in _warmup().done


def wait_idle(timeout: float | None = None) -> None:
    """Block until the warm-up thread has nothing left (tests)."""
    _warmup().wait(timeout)
