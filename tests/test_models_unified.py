"""One set of learned models per workspace, offscreen with pytest-qt in the real main window: a model attached from
the console (real in-process kernel) is the Models dock's, the rules' model:NAME scorers are the workspace's
registry's models, and one model learns several streams joined on time."""

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from suricate_desktop.analytics import ModelRegistry
from suricate_desktop.analytics.features import StreamKey
from suricate_desktop.gui import workspace
from suricate_desktop.gui.sources.base import Source
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore

CPU = ("web01", "procs", "cpu")
IO = ("web01", "procs", "io")


def snaps(stream, t0, rows):
    return [
        Snapshot(*stream, "sum", t0 + i, 1.0, True, [[[k], float(v)] for k, v in row.items()])
        for i, row in enumerate(rows)
    ]


def cpu_rows(n, rng):
    return [{"postgres": 50 + rng.normal(0, 2), "sshd": 5 + rng.normal(0, 0.3)} for _ in range(n)]


def io_rows(n, rng):
    return [{"postgres": 300 + rng.normal(0, 10), "sshd": 2 + rng.normal(0, 0.2)} for _ in range(n)]


@pytest.fixture
def window(make_window):
    return lambda: make_window(restore_sources=False)


def live_source(w, name="web01 live", n=600, seed=1, streams=(CPU,)):
    """A live source holding ``n`` normal intervals of each stream, ending now."""
    rng = np.random.default_rng(seed)
    source = w.registry.add(Source(name, LiveStore(capacity=3600)))
    t0 = time.time() - n
    for stream in streams:
        source.store(snaps(stream, t0, cpu_rows(n, rng) if stream == CPU else io_rows(n, rng)))
    return source, t0 + n, rng


def console_text(pane) -> str:
    return pane.console._control.toPlainText()


def run(qtbot, pane, code: str) -> None:
    count = pane.kernel.shell.execution_count
    pane.execute(code)
    qtbot.waitUntil(lambda: f"In [{count + 1}]" in console_text(pane), timeout=10_000)


def cards(w, source, stream):
    return [c for p in w.dashboard.pages() for c in p.cards if c.source is source and c.stream == stream]


def test_a_model_attached_in_the_console_is_the_models_docks_scored_shaded_saved_and_reloaded(
    qtbot, window, tmp_path
):
    w = window()
    source, t, rng = live_source(w)
    w.console.show()
    qtbot.waitUntil(lambda: w.console.ready, timeout=60_000)
    pane = w.console.pane
    qtbot.waitUntil(lambda: "In [1]" in console_text(pane), timeout=10_000)
    run(qtbot, pane, 'm = ws.models.attach("ewma", "web01.procs.cpu", name="cpu-ewma", threshold=8)')
    assert "Error" not in console_text(pane)

    # the Models dock has it, a plot of its stream was opened, and it is scored by the dock's worker
    model = w.models.manager.get("cpu-ewma")
    assert model is not None and model.source is source and model.stream == CPU
    assert w.models.dock.isVisible()
    assert w.models.pane.tree.topLevelItem(0).text(0) == "cpu-ewma"
    [card] = cards(w, source, CPU)
    rows = cpu_rows(30, rng)
    rows[20]["sshd"] = 40.0
    source.store(snaps(CPU, t, rows))
    spike = t + 20
    qtbot.waitUntil(lambda: spike in model.anomalies, timeout=10_000)
    assert model.anomalies[spike].keys[0][0] == ("sshd",)
    marks = w.models.overlays.for_card(card)
    qtbot.waitUntil(lambda: any(r.isVisible() and r.kind == "anomaly" for r in marks.shades), timeout=5_000)
    assert "sshd" in next(r for r in marks.shades if r.isVisible()).label.toPlainText()
    assert "cpu-ewma" in marks.strips

    # what ws returns is what the dock shows: the same scores, the same anomaly
    qtbot.waitUntil(lambda: len(model.score_times) == 30, timeout=10_000)
    run(qtbot, pane, "s = m.scores(); a = m.anomalies(); names = [x.name for x in ws.models.attached]")
    ns = pane.namespace
    np.testing.assert_allclose(ns["s"].to_numpy(), model.scores)
    assert ns["s"].idxmax().timestamp() == pytest.approx(spike, abs=1e-3)
    assert ns["a"]["keys"].iloc[0].startswith("sshd") and ns["names"] == ["cpu-ewma"]
    threshold_before = model.threshold

    # saved with the workspace, in its models folder
    path = tmp_path / f"session{workspace.SUFFIX}"
    w.registry.remove(source)  # the live source goes away; the model waits for it
    w.workspace_path = path
    assert w.save_workspace()
    stored = ModelRegistry(workspace.models_folder(path)).load("cpu-ewma")
    assert stored.meta.streams == [list(CPU)] and stored.meta.threshold == threshold_before
    assert workspace.load(path)["models"]["attached"][0]["name"] == "cpu-ewma"

    # reopened in another window: attached again, and scoring once its source is back
    again = window()
    assert again.open_workspace(path)
    qtbot.waitUntil(lambda: again.models.manager.get("cpu-ewma") is not None, timeout=10_000)
    back = again.models.manager.get("cpu-ewma")
    assert back.state == "no source" and back.threshold == threshold_before
    source2, t2, rng2 = live_source(again, n=5)
    assert back.source is source2
    source2.store(snaps(CPU, t2, cpu_rows(5, rng2)))
    qtbot.waitUntil(lambda: len(back.score_times) > 0, timeout=10_000)
    again.console.show()
    qtbot.waitUntil(lambda: again.console.ready, timeout=60_000)
    pane2 = again.console.pane
    qtbot.waitUntil(lambda: "In [1]" in console_text(pane2), timeout=10_000)
    run(qtbot, pane2, "names = [x.name for x in ws.models.attached]; saved = ws.models.names()")
    assert pane2.namespace["names"] == ["cpu-ewma"] and pane2.namespace["saved"] == ["cpu-ewma"]


RULE = """
[[rule]]
name = "sshd-unusual"
type = "score"
scorer = "model:cpu-ewma"
host = "web01"
source = "procs"
key = "sshd"
threshold = 8
"""


def test_a_rules_model_scorer_resolves_against_the_workspaces_model_registry(qtbot, window, tmp_path):
    w = window()
    source, t, rng = live_source(w)
    w.models.learn_baseline((source, CPU))  # the Learn baseline dialog, as a user would
    dialog = w.models.dialog
    dialog.detector.setCurrentIndex(dialog.detector.findData("ewma"))
    dialog.name.setText("cpu-ewma")
    dialog.threshold.setValue(8.0)
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    dialog.save_button.click()
    # the workspace gets a file of its own: its models move to NAME.models, beside it, not beside the rules file
    path = tmp_path / "desk" / f"session{workspace.SUFFIX}"
    path.parent.mkdir()
    w.workspace_path = path
    assert w.save_workspace()
    assert (workspace.models_folder(path) / "cpu-ewma.model.json").exists()
    panel = w.rules_panel
    # before the workspace had a file the dock saved to models/ beside the settings, which is also beside the
    # rules file: empty it, so that only the workspace's folder holds the model
    assert panel.path.parent == tmp_path
    for stale in (tmp_path / "models").glob("*"):
        stale.unlink()

    assert panel.apply_text(panel.text + RULE, "added")
    assert panel.problems.count() == 0
    row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 1).text() == "sshd-unusual")
    assert panel.table.item(row, 3).text() == "score(model:cpu-ewma) > 8"

    # the rule scores the live stream with the saved model, once the panel has read it (in its own thread):
    # quiet, then a spike in sshd (the newest interval)
    qtbot.waitUntil(lambda: (panel.take_events(), not panel.models.pending)[1], timeout=10_000)
    rows = cpu_rows(10, rng)
    rows[9]["sshd"] = 40.0
    source.store(snaps(CPU, t, rows))
    panel.feed.wait_idle()

    def state():
        panel.take_events()
        panel.slow_refresh()
        return panel.table.item(row, 4).text()

    qtbot.waitUntil(lambda: state() == "firing", timeout=10_000)
    [alert] = panel.feed.engine.alerts("sshd-unusual")
    assert alert.key == "sshd" and alert.score >= 8 and alert.fired_at == pytest.approx(t + 9)

    # the model deleted from the Models dock: the rule says so at its line, the others keep running
    w.models.manager.delete(w.models.manager.get("cpu-ewma"))
    assert panel.problems.count() == 1 and "model:cpu-ewma" in panel.problems.item(0).text()


def test_a_model_of_two_streams_trains_in_the_dialog_and_flags_a_spike_in_the_second_naming_it(qtbot, window):
    w = window()
    source, t, rng = live_source(w, streams=(CPU, IO))
    dialog = w.models.learn_baseline((source, CPU))
    others = [dialog.moreStreams.item(i) for i in range(dialog.moreStreams.count())]
    assert [i.text() for i in others] == [".".join(IO)]
    others[0].setCheckState(Qt.Checked)  # "With: web01.procs.io"
    assert dialog.streams() == [CPU, IO]
    assert [dialog.keys.item(i).text() for i in range(dialog.keys.count())] == [
        "web01.procs.cpu · postgres",
        "web01.procs.cpu · sshd",
        "web01.procs.io · postgres",
        "web01.procs.io · sshd",
    ]
    assert dialog.name.text() == "procs-cpu-and-io"
    dialog.detector.setCurrentIndex(dialog.detector.findData("ewma"))
    dialog.minutes.setValue(60)
    dialog.threshold.setValue(8.0)
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert dialog.result.trained_rows == 600
    assert set(dialog.result.detectors) == {
        StreamKey(s, (k,)) for s in (CPU, IO) for k in ("postgres", "sshd")
    }
    dialog.save_button.click()

    model = w.models.manager.get("procs-cpu-and-io")
    assert model.streams == [CPU, IO]
    stored = w.models.manager.registry.load("procs-cpu-and-io")
    assert stored.meta.streams == [list(CPU), list(IO)] and stored.meta.key_streams == [0, 0, 1, 1]
    assert stored.meta.keys == [["postgres"], ["sshd"], ["postgres"], ["sshd"]]
    # a plot of each stream, each with the model's score strip
    [cpu_card], [io_card] = cards(w, source, CPU), cards(w, source, IO)

    cpu, io = cpu_rows(30, rng), io_rows(30, rng)
    io[20]["sshd"] = 30.0  # the second stream's sshd spikes; the first stream stays quiet
    source.store(snaps(CPU, t, cpu))
    source.store(snaps(IO, t, io))
    spike = t + 20
    qtbot.waitUntil(lambda: spike in model.anomalies, timeout=10_000)
    assert model.anomalies[spike].keys[0][0] == StreamKey(IO, ("sshd",))
    assert len(model.anomalies) == 1
    for card in (cpu_card, io_card):
        marks = w.models.overlays.for_card(card)
        assert "procs-cpu-and-io" in marks.strips
        qtbot.waitUntil(
            lambda: any(r.isVisible() and r.kind == "anomaly" for r in marks.shades), timeout=5_000
        )
        region = next(r for r in marks.shades if r.isVisible() and r.kind == "anomaly")
        assert region.label.toPlainText().startswith("web01.procs.io · sshd")
    assert "web01.procs.io · sshd" in w.models.pane.tree.topLevelItem(0).text(5)
