"""The window keeps answering: slow work runs off the GUI thread, shows progress, and can be cancelled.

What a user notices is the window freezing. How long a freeze lasts depends on the machine and
its load, so those milliseconds are measured by bench/gui_stalls.py (docs/PERFORMANCE.md);
these tests check the reasons a freeze cannot happen: the first window comes before the heavy
modules, the console is made in steps between which the event loop runs, the dependency
graph is computed in its own thread (with progress and Cancel), and opens small enough to draw
at once: the top 30 series, links above the cut, the legend beside the graph.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer

from suricate_desktop.gui.app import FIRST_PAINT_ENV, HEAVY
from suricate_desktop.gui.console.dock import STEPS
from suricate_desktop.gui.depgraph import open_window
from suricate_desktop.gui.depgraph.job import TOP_SERIES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


def test_the_first_window_paints_before_any_heavy_module_is_imported(tmp_path):
    """A launch as a user makes it (first run: the embedded sampler on), stopped at the first paint."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        FIRST_PAINT_ENV: "quit",
        "XDG_CONFIG_HOME": str(tmp_path),  # a first run: no remembered sources
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    code = "import sys; from suricate_desktop.gui.app import main; sys.exit(main([]))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(ln for ln in out.stderr.splitlines() if ln.startswith("first-paint "))
    report = json.loads(line.split(" ", 1)[1])
    assert {"pandas", "sklearn", "duckdb", "qtconsole", "pyarrow", "scipy"} <= set(HEAVY)
    assert report["heavy"] == []  # none of them had been imported when the window painted


def test_the_console_is_made_in_steps_while_the_window_goes_on(qtbot, make_window):
    window = make_window(restore_sources=False)
    turns = [0]  # turns of the event loop, counted by a zero-interval timer
    timer = QTimer(window, interval=0)
    timer.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    timer.start()
    seen: list[tuple[int, int]] = []
    window.console.step_bar.valueChanged.connect(lambda step: seen.append((step, turns[0])))
    assert window.console.show() is None  # nothing heavy done inside the click
    assert window.console.kernel is None or window.console.kernel.client is None
    assert window.console.dock.widget() is window.console.placeholder  # it says what it is doing
    qtbot.waitUntil(lambda: window.console.ready, timeout=60_000)
    timer.stop()
    # the placeholder showed each step in order, and the event loop went round between them:
    # loading the modules (in the warm-up thread), making the widgets, starting the kernel
    assert [step for step, _ in seen] == [0, 1, 2, 3] and window.console.step_label.text() == STEPS[-1]
    at = dict(seen)
    # (a step posted to the next turn runs before a zero-interval timer's tick in that turn, so the counts
    # of two steps may be equal; the kernel's start, the long step, always has turns of its own around it)
    assert at[0] <= at[1] <= at[2] < at[3]
    assert window.console.dock.widget() is window.console.pane
    assert {"ws", "pd", "np", "sklearn"} <= set(window.console.kernel.shell.user_ns)


@pytest.fixture
def sample_graph(qtbot, make_window):
    """The dependency graph window on the bundled sample recording, computed with its defaults."""
    window = make_window(restore_sources=False)
    source = window.open_sample_recording()
    graph_window = open_window(window)
    graph_window.choose(source)
    return graph_window


def test_the_graph_is_computed_in_its_thread_with_progress(qtbot, sample_graph):
    threads: list[str] = []
    progress: list[float] = []

    def note(fraction: float, _what: str) -> None:  # runs in the thread that emits
        threads.append(threading.current_thread().name)
        progress.append(fraction)

    sample_graph.worker.progress.connect(note, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(sample_graph.worker.running_changed, timeout=5_000) as started:
        sample_graph.compute()
    assert (
        started.args == [True]
        and sample_graph.progress.isVisible()
        and sample_graph.cancel_button.isVisible()
    )
    with qtbot.waitSignal(sample_graph.worker.finished, timeout=60_000):
        pass
    assert set(threads) == {"depgraph"} and progress == sorted(progress) and progress[-1] == 1.0
    qtbot.waitUntil(lambda: not sample_graph.progress.isVisible(), timeout=5_000)


def test_cancel_stops_the_graph_and_nothing_arrives(qtbot, sample_graph):
    sample_graph.compute()
    assert sample_graph.worker.running
    with qtbot.assertNotEmitted(sample_graph.worker.finished, wait=3_000):
        sample_graph.cancel_action.trigger()  # Graph > Cancel (Esc)
    assert not sample_graph.worker.running and sample_graph.result is None
    assert not sample_graph.cancel_button.isVisible()
    assert sample_graph.compute_button.isEnabled()


def test_the_graph_opens_on_the_top_series_and_strong_links_both_adjustable(qtbot, sample_graph):
    assert sample_graph.max_series.value() == TOP_SERIES == 30
    with qtbot.waitSignal(sample_graph.displayed, timeout=60_000):
        sample_graph.compute()
    graph = sample_graph.result.graph
    cut = sample_graph.threshold.value()
    assert len(graph.nodes) == 30 and graph.left_out > 500  # of the sample's 646 series
    assert graph.edges and all(e.strength >= cut for e in graph.edges)
    assert sample_graph.table.rowCount() == len(graph.edges)
    assert len(sample_graph.canvas.shown) <= 30

    with qtbot.waitSignal(sample_graph.worker.finished, timeout=60_000):
        sample_graph.max_series.setValue(10)
    fewer = sample_graph.result.graph
    assert len(fewer.nodes) == 10 and len(sample_graph.canvas.shown) <= 10
    assert {n.name for n in fewer.nodes} <= {n.name for n in graph.nodes}  # the busiest of the 30

    with qtbot.waitSignal(sample_graph.worker.finished, timeout=60_000):
        sample_graph.max_series.setValue(30)
        sample_graph.threshold.setValue(0.8)
    strong = sample_graph.result.graph
    assert all(e.strength >= 0.8 for e in strong.edges) and len(strong.edges) < len(graph.edges)
    assert {n.name for n in strong.nodes} == {n.name for n in graph.nodes}


def test_the_legend_sits_beside_the_graph_not_over_it(qtbot, sample_graph):
    with qtbot.waitSignal(sample_graph.worker.finished, timeout=60_000):
        sample_graph.compute()
    canvas = sample_graph.canvas
    vb = canvas.getPlotItem().vb

    def beside() -> bool:  # the plot's layout places the legend once it has its size (a turn or two)
        legend, view = canvas.legend.sceneBoundingRect(), vb.sceneBoundingRect()
        # to the right of the graph, their outlines' half pixels touching at most
        return (
            legend.width() > 0 and legend.left() >= view.right() - 1 and legend.intersected(view).width() < 1
        )

    qtbot.waitUntil(lambda: canvas.legend.isVisible() and beside(), timeout=5_000)
    legend = canvas.legend.sceneBoundingRect()
    assert canvas.viewport().rect().contains(canvas.mapFromScene(legend.center()))  # and in sight


def test_the_sample_opens_from_the_menu_without_reading_on_the_gui_thread(qtbot, make_window):
    from PySide6.QtGui import QAction

    from suricate_desktop.gui.sources.recording import RecordingSource

    window = make_window(restore_sources=False)
    action = next(a for a in window.findChildren(QAction) if a.text() == "Open &sample recording")

    def recordings() -> list:
        return [s for s in window.registry if isinstance(s, RecordingSource)]

    action.trigger()  # File > Open sample recording
    # the click returned before any file was read: the source comes from the open-recording thread
    assert recordings() == [] and "Opening bpftrace-demo" in window.message_label.text()
    qtbot.waitUntil(lambda: len(recordings()) == 1, timeout=30_000)
    source = recordings()[0]
    assert source.step == 1.0 and source.end > source.start
    qtbot.waitUntil(lambda: bool(source.store.streams()), timeout=30_000)  # and it plays


def test_a_window_closed_while_its_modules_load_does_not_starve_the_next(qtbot, monkeypatch):
    """A console opened in a window that closed before its modules arrived (its dock deleted) must not
    keep a second window's console from starting: each caller waiting on a group is called on its own."""
    from suricate_desktop.gui import warmup as W

    monkeypatch.setitem(W.GROUPS, "test-group", ("json",))
    loader = W._Warmup()
    called: list[str] = []

    def gone() -> None:
        raise RuntimeError("Internal C++ object (PySide6.QtWidgets.QDockWidget) already deleted.")

    loader.ask("test-group", gone)
    loader.ask("test-group", lambda: called.append("second window"))
    qtbot.waitUntil(lambda: called == ["second window"], timeout=10_000)


def test_the_idle_warm_up_pauses_between_modules_and_a_users_ask_does_not(qtbot, monkeypatch, tmp_path):
    """warm_all's groups give the GUI thread room after each import (compiled imports hold the GIL); a
    group a feature waits for goes at full speed, even if warm_all asks for it again afterwards."""
    from suricate_desktop.gui import warmup as W

    tag = uuid.uuid4().hex[:8]
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"warm_{tag}_{name}.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(W.GROUPS, "idle-group", (f"warm_{tag}_a", f"warm_{tag}_b"))
    monkeypatch.setitem(W.GROUPS, "user-group", (f"warm_{tag}_c", f"warm_{tag}_d"))
    pauses: list[float] = []
    monkeypatch.setattr(W.time, "sleep", pauses.append)
    loader = W._Warmup()
    done: list[str] = []
    loader.ask("user-group", lambda: done.append("user-group"))
    loader.ask("user-group", idle=True)
    qtbot.waitUntil(lambda: done == ["user-group"], timeout=10_000)
    assert pauses == []
    loader.ask("idle-group", idle=True)
    loader.ask("idle-group", idle=True)
    qtbot.waitUntil(lambda: "idle-group" in loader.done, timeout=10_000)
    assert pauses == [W.IDLE_PAUSE_S, W.IDLE_PAUSE_S]  # one after each module


def test_the_gui_threads_collections_wait_while_modules_are_imported_ahead(qtbot):
    """A collection during the warm-up's imports scans all they made so far, on the GUI thread: the
    collector's checks skip while ``importing`` is set, and collect once it is clear."""
    import gc
    import weakref

    from suricate_desktop.gui import gc_guard

    class Node:
        pass

    gc_guard.hold()
    try:
        collector = gc_guard._collector
        assert collector is not None
        node = Node()
        node.self = node  # a cycle: only the collector frees it
        alive = weakref.ref(node)
        del node
        # past generation 0's threshold (kept: the count is allocations less deallocations)
        young = [[] for _ in range(gc.get_threshold()[0] * 2)]
        gc_guard.importing.set()
        try:
            collector.check()
            assert alive() is not None
        finally:
            gc_guard.importing.clear()
        collector.check()
        assert alive() is None and len(young) > 0
    finally:
        gc_guard.release()
