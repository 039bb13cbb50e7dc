"""The rules panel reads the models behind ``model:NAME`` scorers in a thread of its own, offscreen.

Before, it read every model of the Models dock's folder in the GUI thread, at start and at every save or
delete in the dock: a 20-key ``iforest`` model (it refits its forests as it loads) froze the window for
2-3 s each time. Here a model's reading is held at a gate, so the window's life during the read is seen
without any timing: the rule is listed and valid and scores nothing, then scores with the model once read.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings
from test_rules import MODEL_RULES, snaps, trained_model

from suricate_desktop.analytics import ModelRegistry
from suricate_desktop.gui.main_window import MainWindow

pytestmark = [pytest.mark.timeout(120)]


class GatedReads:
    """``ModelRegistry.load`` held at a gate until ``open()``, counting reads by model and thread."""

    def __init__(self, monkeypatch):
        self.gate = threading.Event()
        self.reads: list[tuple[str, str]] = []  # (model, thread name)
        real = ModelRegistry.load

        def load(registry, name, trusted=None):
            self.reads.append((name, threading.current_thread().name))
            assert self.gate.wait(30), "the test never opened the gate"
            return real(registry, name, trusted)

        monkeypatch.setattr(ModelRegistry, "load", load)

    def open(self):
        self.gate.set()

    def of(self, name):
        return [thread for model, thread in self.reads if model == name]


@pytest.fixture
def desk(qtbot, tmp_path):
    """A window whose settings, rules file (``MODEL_RULES``) and models folder live in tmp_path."""
    (tmp_path / "rules.toml").write_text(MODEL_RULES)
    windows = []

    def open_window():
        w = MainWindow(
            settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat), restore_sources=False
        )
        qtbot.addWidget(w)
        windows.append(w)
        return w

    yield open_window
    for w in windows:
        w.close()


def state(panel, name):
    panel.take_events()
    panel.slow_refresh()
    for r in range(panel.table.rowCount()):
        if panel.table.item(r, 1).text() == name:
            return panel.table.item(r, 4).text()
    raise KeyError(name)


def read(qtbot, panel):
    qtbot.waitUntil(lambda: (panel.take_events(), not panel.models.pending)[1], timeout=20_000)


def test_the_window_comes_up_while_a_model_is_read_and_the_rule_scores_with_it_once_read(
    qtbot, desk, tmp_path, monkeypatch
):
    trained_model(tmp_path)  # tmp_path/models: the Models dock's folder before a workspace has one
    reads = GatedReads(monkeypatch)
    w = desk()  # on the old code, the window's constructor itself waited at the gate, in the GUI thread
    panel = w.rules_panel
    qtbot.waitUntil(lambda: reads.of("bash-baseline") == ["rule-models"], timeout=10_000)  # held at the gate
    # while the model is being read: the rule is listed, valid, and its spike does not fire on nothing
    assert panel.models.pending and panel.problems.count() == 0
    panel.feed.put(snaps([20] * 30 + [400] * 5))
    panel.feed.wait_idle()
    assert state(panel, "bash-unusual") != "firing"

    reads.open()
    read(qtbot, panel)
    panel.feed.put(snaps([20] * 30 + [400] * 5, t0=2000.0))
    panel.feed.wait_idle()
    qtbot.waitUntil(lambda: state(panel, "bash-unusual") == "firing", timeout=10_000)
    [alert] = panel.feed.engine.alerts("bash-unusual")
    assert alert.key == "bash" and alert.score > 8


def test_a_save_rereads_only_the_model_saved_and_a_delete_is_seen_at_once(qtbot, desk, tmp_path, monkeypatch):
    registry = trained_model(tmp_path)
    registry.save(*_copy(registry, "bash-baseline", "other"))
    reads = GatedReads(monkeypatch)
    reads.open()
    w = desk()
    panel = w.rules_panel
    read(qtbot, panel)
    assert sorted(m for m, _ in reads.reads) == ["bash-baseline", "other"]

    panel.models_changed()  # nothing changed on disk: nothing is read again
    read(qtbot, panel)
    assert len(reads.reads) == 2 and panel.problems.count() == 0

    trained_model(tmp_path)  # bash-baseline saved again (version 2)
    panel.models_changed()
    read(qtbot, panel)
    assert reads.of("bash-baseline") == ["rule-models", "rule-models"] and len(reads.of("other")) == 1

    registry.delete("bash-baseline")
    panel.models_changed()  # before any read ends, the rule says its model is gone
    assert panel.problems.count() == 1 and "model:bash-baseline" in panel.problems.item(0).text()


def test_a_model_that_cannot_be_read_is_said_and_its_rule_left_out_at_its_line(qtbot, desk, tmp_path):
    registry = trained_model(tmp_path)
    path = registry.root / "bash-baseline.model.json"
    path.write_text(path.read_text().replace('"detectors"', '"detectors_"', 1))
    w = desk()
    said = []
    panel = w.rules_panel
    panel.message.connect(said.append)
    read(qtbot, panel)
    assert any(s.startswith("Model bash-baseline left out of the rules:") for s in said)
    assert panel.problems.count() == 1 and "model:bash-baseline" in panel.problems.item(0).text()


def _copy(registry, name, new_name):
    model = registry.load(name)
    model.meta.name = new_name
    return model.meta, model.detectors
