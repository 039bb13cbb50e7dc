"""The console pane, offscreen with pytest-qt and a real in-process Jupyter kernel, in the real main window."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PySide6.QtCore import QSettings

from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.sources.base import Source
from suricate_desktop.schema import Snapshot

T0 = 1_700_000_000.0
STREAM = ("web1", "app", "reqs")


def counts(rows, start=T0):
    return [
        Snapshot(*STREAM, "count", start + i, 1.0, True, [[[k], v] for k, v in row.items()], i, "r")
        for i, row in enumerate(rows)
    ]


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(settings=settings, restore_sources=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.console.shutdown()
    w.registry.stop_all()


@pytest.fixture
def source(window):
    """A source whose store holds ten known intervals: GET = 1..10, POST = 10..100."""
    src = window.registry.add(Source("test feed"))
    src.store.ingest(counts([{"GET": i, "POST": 10 * i} for i in range(1, 11)]))
    return src


@pytest.fixture
def console(qtbot, window, source):
    window.console.show()
    qtbot.waitUntil(lambda: window.console.ready, timeout=60_000)
    pane = window.console.pane
    qtbot.waitUntil(lambda: "In [1]" in text(pane), timeout=10_000)
    return pane


def text(pane) -> str:
    return pane.console._control.toPlainText()


def run(qtbot, pane, code: str) -> None:
    """Type ``code`` at the prompt and wait for the console to show the next prompt."""
    count = pane.kernel.shell.execution_count
    pane.execute(code)
    qtbot.waitUntil(lambda: f"In [{count + 1}]" in text(pane), timeout=10_000)


def test_the_kernel_is_made_only_when_the_console_is_first_shown(qtbot, window):
    assert window.console.pane is None and window.console.kernel is None
    window.console.toggle_action.trigger()  # View > Console (Ctrl+Shift+I)
    qtbot.waitUntil(lambda: window.console.ready, timeout=60_000)
    shell = window.console.kernel.shell
    assert {"ws", "pd", "np", "sklearn"} <= set(shell.user_ns)
    assert window.console.dock.isVisible()
    pane = window.console.pane
    qtbot.waitUntil(lambda: "In [1]" in text(pane), timeout=10_000)
    run(qtbot, pane, "help(ws)")  # the API documents itself
    for entry in ("ws.frame(name", "ws.plot(data", "ws.models", "ws.background(fn"):
        assert entry in text(pane)


def test_a_window_that_never_shows_the_console_never_imports_qtconsole_or_a_kernel():
    code = (
        "import sys, tempfile\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from PySide6.QtCore import QSettings\n"
        "app = QApplication([])\n"
        "from suricate_desktop.gui.main_window import MainWindow\n"
        "w = MainWindow(settings=QSettings(tempfile.mkdtemp() + '/s.ini', QSettings.IniFormat),"
        " restore_sources=False)\n"
        "w.show(); app.processEvents()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('qtconsole', 'ipykernel', 'IPython')))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_code_reads_a_live_streams_frame_and_gets_the_right_values(qtbot, console, source):
    run(qtbot, console, 'f = ws.frame("web1.app.reqs"); print(f.GET.sum(), f.POST.iloc[-1])')
    assert "55.0 100.0" in text(console)
    ns = console.namespace
    assert ns["f"]["GET"].tolist() == list(range(1, 11))
    # the frame is a copy: the store goes on, the frame stays what it was
    source.store.ingest(counts([{"GET": 11, "POST": 110}], start=T0 + 10))
    run(qtbot, console, 'g = ws.frame("reqs", view="cumulative", last=2)')
    assert len(ns["f"]) == 10
    assert ns["g"]["GET"].tolist() == [55, 66]


def test_an_error_in_user_code_leaves_the_kernel_usable(qtbot, window, console):
    run(qtbot, console, "1/0")
    assert "ZeroDivisionError" in text(console)
    run(qtbot, console, 'ws.frame("no-such-stream")')
    assert "no stream 'no-such-stream'" in text(console)
    run(qtbot, console, 'total = ws.frame("reqs").POST.sum()')
    assert console.namespace["total"] == 550
    assert window.isVisible() and window.frame_timer.isActive()


def test_restarting_gives_a_fresh_namespace_where_ws_still_works(qtbot, console):
    run(qtbot, console, "secret = 42")
    old_ws = console.namespace["ws"]
    console.restart_action.trigger()
    qtbot.waitUntil(lambda: "Kernel restarted" in text(console), timeout=10_000)
    assert "secret" not in console.namespace
    assert console.namespace["ws"] is not old_ws
    run(qtbot, console, 'after = ws.frame("reqs").GET.tolist()')
    assert console.namespace["after"] == list(range(1, 11))


def test_ws_plot_draws_a_figure_and_an_overlay_on_the_live_plot(qtbot, window, console):
    run(qtbot, console, 'f = ws.frame("reqs"); m = f.GET.rolling(3).mean(); ws.plot(f, title="requests")')
    figure = console.figures.figure("requests")
    assert figure is not None and figure.isVisible() and set(figure.curves) == {"GET", "POST"}
    x, y = figure.curves["POST"].getData()
    assert np.allclose(x + figure.origin, T0 + np.arange(10)) and y.tolist() == [
        10.0 * i for i in range(1, 11)
    ]

    run(qtbot, console, 'ws.plot(m, on="web1.app.reqs", label="mean of 3")')
    cards = [c for page in window.dashboard.pages() for c in page.cards]
    assert [c.stream for c in cards] == [STREAM]  # opened, since no plot showed the stream
    panel = cards[0].panel
    qtbot.waitUntil(lambda: "mean of 3" in panel.overlays._curves, timeout=5_000)
    curve = panel.overlays._curves["mean of 3"]
    x, y = curve.getData()
    assert np.allclose(x + panel.chart.t0, T0 + np.arange(10))
    assert np.isnan(y[:2]).all() and y[2:].tolist() == [2.0 + i for i in range(8)]
    assert curve.isVisible()
    console.clear_overlays_action.trigger()
    qtbot.waitUntil(lambda: not panel.overlays._curves, timeout=5_000)


def test_a_background_fit_finishes_while_the_console_and_plots_go_on(qtbot, window, console, source):
    run(
        qtbot,
        console,
        "\n".join(
            [
                "import threading",
                "from sklearn.ensemble import IsolationForest",
                "gate = threading.Event()",
                "def fit(X):",
                "    model = IsolationForest(n_estimators=100, random_state=0).fit(X)",
                "    ws.progress(0.5, 'fitted, waiting for the gate')",
                "    gate.wait(60)",
                "    return model",
                "X = np.random.default_rng(0).normal(size=(5000, 4))",
                "job = ws.background(fit, X, name='model')",
            ]
        ),
    )
    ns = console.namespace
    job = ns["job"]
    qtbot.waitUntil(lambda: console.job_bar.value() == 50 and console.job_bar.isVisible(), timeout=30_000)
    assert job.state == "running" and "fitted, waiting" in console.job_label.text()
    assert "job 1" in window.console.status_label.text() and window.console.status_bar.isVisible()
    # while it runs: the console answers, and a live plot takes in new data
    run(qtbot, console, "answer = 6 * 7")
    assert ns["answer"] == 42 and job.state == "running"
    card = window.dashboard.add_plot(source, STREAM, "timeseries")
    source.store.ingest(counts([{"GET": 500, "POST": 0}], start=T0 + 10))
    qtbot.waitUntil(
        lambda: card.panel.chart is not None and 500 in card.panel.chart.curves[("GET",)].getData()[1],
        timeout=5_000,
    )
    assert job.state == "running"
    ns["gate"].set()
    qtbot.waitUntil(lambda: "model" in ns, timeout=30_000)
    assert hasattr(ns["model"], "estimators_") and job.state == "done"
    qtbot.waitUntil(lambda: "done in" in text(console) and "→ model" in text(console), timeout=5_000)
    qtbot.waitUntil(
        lambda: not console.job_bar.isVisible() and not window.console.status_bar.isVisible(), timeout=5_000
    )  # the tool bar lays itself out at the next event


def test_a_failed_background_job_says_why_in_the_console(qtbot, console):
    run(qtbot, console, "job = ws.background(lambda: 1 / 0, title='divide')")
    qtbot.waitUntil(lambda: "divide failed" in text(console), timeout=10_000)
    assert "ZeroDivisionError" in text(console)
    run(qtbot, console, "ok = 1")
    assert console.namespace["ok"] == 1


def test_the_session_exports_as_a_valid_notebook_with_inputs_and_outputs(qtbot, console, tmp_path):
    run(qtbot, console, 'print("hello from the console")')
    run(qtbot, console, 'ws.frame("reqs").GET.sum()')
    run(qtbot, console, "undefined_name")
    path = console.export_notebook(tmp_path / "session.ipynb")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [
        'print("hello from the console")',
        'ws.frame("reqs").GET.sum()',
        "undefined_name",
    ]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert (
        code[0].outputs[0].output_type == "stream" and code[0].outputs[0].text == "hello from the console\n"
    )
    assert (
        code[1].outputs[0].output_type == "execute_result" and "55" in code[1].outputs[0].data["text/plain"]
    )
    assert code[2].outputs[0].output_type == "error" and code[2].outputs[0].ename == "NameError"


def test_export_notebook_asks_where_and_remembers_the_folder(qtbot, console, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    run(qtbot, console, "x = 1 + 1")
    asked = []

    def save_dialog(parent, caption, start, filters):
        asked.append(start)
        return str(tmp_path / "out" / "first"), filters

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    console.export_action.trigger()
    nbformat.validate(nbformat.read(tmp_path / "out" / "first.ipynb", as_version=4))  # the suffix is added
    qtbot.waitUntil(lambda: "Exported" in text(console), timeout=5_000)
    console.export_action.trigger()
    assert Path(asked[1]).parent == tmp_path / "out"


def test_overlays_on_a_plot_are_bounded_and_the_newest_stay(qtbot, window, console, source):
    card = window.dashboard.add_plot(source, STREAM, "timeseries")
    times = T0 + np.arange(10)
    for i in range(10):
        card.panel.set_overlay(f"o{i}", times, np.full(10, float(i)))
    assert list(card.panel.overlays.items) == [f"o{i}" for i in range(2, 10)]
    qtbot.waitUntil(
        lambda: set(card.panel.overlays._curves) == {f"o{i}" for i in range(2, 10)}, timeout=5_000
    )


def test_typing_exit_closes_the_console_not_the_workbench(qtbot, window, console):
    run(qtbot, console, "exit")
    qtbot.waitUntil(lambda: not window.console.dock.isVisible(), timeout=5_000)
    assert window.isVisible()
    window.console.show()
    run(qtbot, console, "still = 'here'")
    assert console.namespace["still"] == "here"
