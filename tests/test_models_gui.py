"""Learned models in the workbench (offscreen, pytest-qt): learn a baseline, score live, shade, refit."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from suricate_desktop.analytics import ModelRegistry
from suricate_desktop.gui import workspace
from suricate_desktop.gui.models import default_folder
from suricate_desktop.gui.sources.base import Source
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore
from suricate_desktop.store.recording import RecordingWriter

STREAM = ("web01", "procs", "cpu")


def rows_to_snaps(t0, rows):
    return [
        Snapshot(*STREAM, "sum", t0 + i, 1.0, True, [[[k], float(v)] for k, v in row.items()])
        for i, row in enumerate(rows)
    ]


def normal_rows(n, rng):
    return [
        {"postgres": 50 + rng.normal(0, 2), "sshd": 5 + rng.normal(0, 0.3), "nginx": 20 + rng.normal(0, 1)}
        for _ in range(n)
    ]


@pytest.fixture
def window(make_window):
    return lambda: make_window(restore_sources=False)


def cards(w, source=None):
    return [c for p in w.dashboard.pages() for c in p.cards if source is None or c.source is source]


def train_in_dialog(qtbot, dialog, detector="ewma", policy="online", threshold=None):
    dialog.detector.setCurrentIndex(dialog.detector.findData(detector))
    dialog.policy.setCurrentIndex(dialog.policy.findData(policy))
    if threshold is not None:
        dialog.threshold.setValue(threshold)
    seen = []
    dialog.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert dialog.progress.value() == 100 and seen and seen == sorted(seen)
    return dialog.result


def test_learn_a_baseline_of_a_recording_span_save_it_and_reload_it_with_the_workspace(
    qtbot, window, tmp_path
):
    rng = np.random.default_rng(0)
    t0 = 1_700_000_000.0
    folder = tmp_path / "rec"
    with RecordingWriter(folder) as writer:
        writer(rows_to_snaps(t0, normal_rows(900, rng)))
    w = window()
    source = w.open_recording(str(folder))
    qtbot.waitUntil(lambda: any(i.stream == STREAM for i in source.store.streams()), timeout=10_000)
    source.pause()
    dialog = w.models.learn_baseline((source, STREAM))
    assert dialog.spanRadio.isChecked()
    qtbot.waitUntil(lambda: (source.name, STREAM) in dialog._recorded, timeout=10_000)
    # train on the second half of the recording
    dialog._set_span_edits(t0 + 300, t0 + 899)
    dialog._window_changed()
    dialog.name.setText("cpu-baseline")
    result = train_in_dialog(qtbot, dialog, "zscore", threshold=5.0)
    assert result.window == (t0 + 300, t0 + 899)
    assert set(result.detectors) == {("postgres",), ("sshd",), ("nginx",)}
    assert len(dialog.scores_curve.getData()[0]) == len(result.times) > 100  # held-out scores plotted
    dialog.save_button.click()
    model = w.models.manager.get("cpu-baseline")
    assert model is not None and model.source is source and model.stream == STREAM
    stored = ModelRegistry(default_folder(w.settings)).load("cpu-baseline")
    assert stored.meta.streams == [list(STREAM)] and stored.meta.threshold == 5.0
    assert (
        stored.meta.training_window == [t0 + 300, t0 + 899]
        and stored.meta.version == 1
        and stored.meta.created
    )
    assert stored.meta.detector == "zscore" and stored.meta.features
    # the plot of the stream got its score strip
    qtbot.waitUntil(lambda: any(m.strips for m in w.models.overlays.marks), timeout=5_000)

    path = tmp_path / f"session{workspace.SUFFIX}"
    w.workspace_path = path
    assert w.save_workspace()
    assert (workspace.models_folder(path) / "cpu-baseline.model.json").exists()
    doc = workspace.load(path)
    assert doc["models"]["folder"] == "session.models"
    assert doc["models"]["attached"][0]["name"] == "cpu-baseline"

    again = window()
    assert again.open_workspace(path)
    qtbot.waitUntil(lambda: again.models.manager.get("cpu-baseline") is not None, timeout=10_000)
    back = again.models.manager.get("cpu-baseline")
    assert back.source is again.registry.by_name(source.name) and back.stream == STREAM
    assert back.enabled and back.threshold == 5.0 and back.training_window == [t0 + 300, t0 + 899]
    assert back.scorer.template.kind == "zscore"
    np.testing.assert_allclose(
        back.scorer.detectors[("sshd",)].get_state()[1]["buf"],
        model.scorer.detectors[("sshd",)].get_state()[1]["buf"],
    )
    # and it scores the recording as it plays
    again.registry.by_name(source.name).play()
    qtbot.waitUntil(lambda: len(back.score_times) > 0, timeout=10_000)


def live_source(w, n=600, seed=1):
    rng = np.random.default_rng(seed)
    source = w.registry.add(Source("web01 live", LiveStore(capacity=3600)))
    now = time.time() - n
    source.store(rows_to_snaps(now, normal_rows(n, rng)))
    return source, now + n, rng


def test_a_spike_in_a_live_stream_is_shaded_with_its_key_named_and_marking_it_expected_leaves_it_out_of_the_refit(
    qtbot, window
):
    w = window()
    source, t, rng = live_source(w)
    dialog = w.models.learn_baseline((source, STREAM))
    assert dialog.lastRadio.isChecked() and not dialog.spanRadio.isEnabled()
    dialog.minutes.setValue(60)
    dialog.name.setText("live")
    dialog.refitEvery.setValue(100_000)
    dialog.trainSize.setValue(5000)
    result = train_in_dialog(qtbot, dialog, "ewma", policy="refit", threshold=8.0)
    assert result.trained_rows == 600
    dialog.save_button.click()
    model = w.models.manager.get("live")
    assert w.models.dock.isVisible() and w.models.pane.tree.topLevelItemCount() == 1
    card = next(c for c in cards(w, source) if c.stream == STREAM)
    marks = w.models.overlays.for_card(card)

    rows = normal_rows(40, rng)
    rows[20]["sshd"] = 40.0  # sshd spikes for one interval
    source.store(rows_to_snaps(t, rows))
    spike = t + 20
    qtbot.waitUntil(lambda: spike in model.anomalies, timeout=10_000)
    anomaly = model.anomalies[spike]
    assert anomaly.keys[0][0] == ("sshd",) and anomaly.score >= 8.0
    assert len(model.anomalies) == 1
    # shaded on the stream's plot, its key named; the score plotted beneath
    qtbot.waitUntil(lambda: any(r.isVisible() and r.kind == "anomaly" for r in marks.shades), timeout=5_000)
    region = next(r for r in marks.shades if r.isVisible())
    assert "sshd" in region.label.toPlainText() and "sshd" in region.toolTip()
    lo, hi = region.getRegion()
    assert lo + card.panel.chart.t0 <= spike <= hi + card.panel.chart.t0
    strip = marks.strips["live"]
    xs, ys = strip.curve.getData()
    assert len(xs) == len(result.times) + 40 and ys.max() >= 8.0  # the held-out scores, then the live ones
    assert "live" in w.models.pane.tree.topLevelItem(0).text(0)
    assert "sshd" in w.models.pane.tree.topLevelItem(0).text(5)

    # right-click > Mark expected: the next refit does not learn from it
    menu = marks.context_menu(spike)
    action = next(a for a in menu.actions() if a.text().startswith("Mark expected"))
    action.trigger()
    assert spike not in model.anomalies and (spike, spike) in model.expected
    w.models.manager.refit(model).result()
    trained = model.scorer.last_training
    assert spike not in trained and spike - 1 in trained and spike + 1 in trained
    assert len(trained) == 600 + 40 - 1
    qtbot.waitUntil(lambda: any(r.isVisible() and r.kind == "expected" for r in marks.shades), timeout=5_000)


def test_a_maintenance_span_dragged_on_a_plot_is_left_out_of_training(qtbot, window):
    w = window()
    source, t, _ = live_source(w, n=600, seed=2)
    w.plot_stream(source, STREAM, "timeseries")
    card = cards(w, source)[0]
    card.panel.set_window(None)
    qtbot.waitUntil(
        lambda: card.panel.chart is not None and len(card.panel.chart.times) == 600, timeout=5_000
    )
    marks = w.models.overlays.for_card(card)
    chart = card.panel.chart
    view = card.panel.canvas

    def at(ts):
        scene = chart.vb.mapViewToScene(chart.vb.mapToView(chart.vb.rect().center()))
        scene.setX(chart.vb.mapViewToScene(pg_point(ts - chart.t0, 0)).x())
        return view.mapFromScene(scene)

    a, b = at(t - 400), at(t - 300)
    qtbot.mousePress(view.viewport(), Qt.LeftButton, Qt.ShiftModifier, a)
    qtbot.mouseMove(view.viewport(), QPoint((a.x() + b.x()) // 2, a.y()))
    qtbot.mouseMove(view.viewport(), b)
    qtbot.mouseRelease(view.viewport(), Qt.LeftButton, Qt.ShiftModifier, b)
    spans = w.models.manager.maintenance_spans(source.name, STREAM)
    assert len(spans) == 1
    start, end = spans[0]
    assert abs(start - (t - 400)) < 5 and abs(end - (t - 300)) < 5
    qtbot.waitUntil(lambda: any(r.isVisible() for r in marks.maint), timeout=5_000)

    dialog = w.models.learn_baseline((source, STREAM))
    assert "1 maintenance span left out" in dialog.excludedLabel.text()
    result = train_in_dialog(qtbot, dialog, "zscore")
    inside = np.sum((np.arange(t - 600, t) >= start) & (np.arange(t - 600, t) <= end))
    assert result.excluded_rows == inside > 90
    assert not np.any((result.trained_times >= start) & (result.trained_times <= end))
    assert not np.any((result.times >= start) & (result.times <= end))
    # right-click on it: remove
    menu = marks.context_menu((start + end) / 2)
    next(a for a in menu.actions() if a.text() == "Remove maintenance span").trigger()
    assert w.models.manager.maintenance_spans(source.name, STREAM) == []


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def test_cancel_stops_training(qtbot, window):
    w = window()
    source, _, _ = live_source(w, n=3000, seed=3)
    dialog = w.models.learn_baseline((source, STREAM))
    dialog.minutes.setValue(100)
    dialog.detector.setCurrentIndex(dialog.detector.findData("iforest"))
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    assert dialog.cancel.isEnabled()
    qtbot.mouseClick(dialog.cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.train.isEnabled(), timeout=20_000)
    assert dialog.result is None and "cancelled" in dialog.summary.text()
    assert not dialog.buttons.button(QDialogButtonBox.Save).isEnabled()


def test_an_estimator_attached_from_code_is_saved_and_reloaded_once_its_types_are_trusted(
    qtbot, window, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox
    from sklearn.neighbors import LocalOutlierFactor

    import suricate_desktop.gui.models as models_ui
    from suricate_desktop.analytics import EstimatorAdapter, LiveScorer

    rng = np.random.default_rng(4)
    rows = normal_rows(400, rng)
    rows[350]["nginx"] = 200.0
    with RecordingWriter(tmp_path / "rec") as writer:
        writer(rows_to_snaps(1_700_000_000.0, rows))
    w = window()
    source = w.open_recording(str(tmp_path / "rec"))
    source.set_speed(0)
    qtbot.waitUntil(lambda: source.state == "ended", timeout=10_000)
    det = EstimatorAdapter(LocalOutlierFactor(novelty=True), lags=3)
    scorer = LiveScorer(source.store, STREAM, det, threshold=3.0, policy="refit", refit_every=10_000)
    scorer.fit(until=1_700_000_000.0 + 299)
    model = w.models.manager.attach("lof", source, scorer)  # what a console user does
    spike = 1_700_000_000.0 + 350
    qtbot.waitUntil(lambda: len(model.score_times) == 100, timeout=10_000)
    hit = next(a for a in model.anomalies.values() if a.start <= spike <= a.end)
    assert hit.keys[0][0] == ("nginx",) and len(model.anomalies) == 1

    path = tmp_path / f"est{workspace.SUFFIX}"
    w.workspace_path = path
    assert w.save_workspace()
    assert (workspace.models_folder(path) / "lof.model.1.skops").exists()  # its estimator, beside its arrays

    asked = []

    def answer(parent, title, text, *rest):  # the user, asked whether to trust the estimator's types
        asked.append(text)
        return QMessageBox.Yes

    monkeypatch.setattr(models_ui.QMessageBox, "question", answer)
    again = window()
    assert again.open_workspace(path)
    qtbot.waitUntil(lambda: again.models.manager.get("lof") is not None, timeout=10_000)
    assert asked and "KDTree" in asked[0]
    back = again.models.manager.get("lof")
    assert back.scorer.template.kind == "estimator" and back.source is again.registry.by_name(source.name)


def test_the_sequence_detector_is_offered_trained_saved_and_flags_a_live_spike(qtbot, window):
    w = window()
    source, t, rng = live_source(w, n=900, seed=5)
    dialog = w.models.learn_baseline((source, STREAM))
    assert dialog.detector.findData("sequence") >= 0 and dialog.detector.findData("contexts") >= 0
    dialog.minutes.setValue(60)
    dialog.name.setText("seq")
    result = train_in_dialog(qtbot, dialog, "sequence", threshold=0.75)
    assert "margin" in dialog.param_widgets and "weight" in dialog.param_widgets
    assert result.trained_rows == 900
    dialog.save_button.click()
    model = w.models.manager.get("seq")
    stored = ModelRegistry(default_folder(w.settings)).load("seq")
    assert stored.meta.detector == "sequence" and stored.detectors[0].kind == "sequence"
    rows = normal_rows(40, rng)
    rows[20]["sshd"] = 40.0
    source.store(rows_to_snaps(t, rows))
    spike = t + 20
    qtbot.waitUntil(lambda: spike in model.anomalies, timeout=10_000)
    assert model.anomalies[spike].keys[0][0] == ("sshd",)


def test_resonance_takes_its_list_and_optional_range_parameters_as_text(qtbot, window, monkeypatch):
    import suricate_desktop.gui.models.learn_dialog as learn_ui

    w = window()
    source, _t, _rng = live_source(w, n=900, seed=6)
    dialog = w.models.learn_baseline((source, STREAM))
    # two parameters take their own height; twenty (sequence) scroll instead of pushing the buttons off the screen
    dialog.detector.setCurrentIndex(dialog.detector.findData("ewma"))
    assert dialog.paramsScroll.height() < learn_ui.PARAMS_HEIGHT / 2
    dialog.detector.setCurrentIndex(dialog.detector.findData("sequence"))
    assert len(dialog.param_widgets) > 15 and dialog.paramsScroll.height() == learn_ui.PARAMS_HEIGHT
    dialog.dialog.resize(1400, 860)  # a laptop's screen
    dialog.dialog.show()
    qtbot.waitExposed(dialog.dialog)
    for widget in dialog.param_widgets.values():  # not squashed to slivers
        assert widget.height() >= widget.minimumSizeHint().height()
    for button in (dialog.train, dialog.save_button):
        corner = button.mapTo(dialog.dialog, button.rect().bottomRight())
        assert dialog.dialog.rect().contains(corner), (button.text(), corner, dialog.dialog.size())
    dialog.detector.setCurrentIndex(dialog.detector.findData("resonance"))
    warmups, lo, hi = (dialog.param_widgets[k] for k in ("warmups", "lo", "hi"))
    assert warmups.text() == "150, 300, 600"
    assert lo.text() == "" and lo.placeholderText() == "learnt"  # empty: the detector learns the range
    warned = []
    monkeypatch.setattr(learn_ui.QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    warmups.setText("150, many")
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    assert warned and "warmups: '150, many' is not whole numbers above 0 separated by commas" in warned[0]
    assert dialog.result is None
    # a number's field holds only its range (named in its tooltip); a value the range allows but another
    # parameter does not (a window that is no power of two) is refused before training, by name
    warmups.setText("150, 600")
    levels, window = dialog.param_widgets["levels"], dialog.param_widgets["window"]
    assert (levels.minimum(), levels.maximum()) == (
        2,
        10_000,
    ) and "at least 2 and at most 10,000" in levels.toolTip()
    window.setValue(6)
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    assert "resonance: window must be a power of two" in warned[-1] and dialog.result is None
    assert dialog.train.isEnabled()
    window.setValue(8)
    lo.setText("100")
    hi.setText("0")
    qtbot.mouseClick(dialog.train, Qt.LeftButton)
    assert "resonance: lo must be below hi" in warned[-1] and dialog.result is None
    warmups.setText("150, 600")
    lo.setText("0")
    hi.setText("100")
    dialog.minutes.setValue(60)
    dialog.name.setText("shapes")
    result = train_in_dialog(qtbot, dialog, "resonance")
    assert result.trained_rows == 900
    assert dialog.template.params["warmups"] == [150, 600] and (
        dialog.template.params["lo"],
        dialog.template.params["hi"],
    ) == (0.0, 100.0)
    dialog.save_button.click()
    stored = ModelRegistry(default_folder(w.settings)).load("shapes")
    assert stored.detectors[0].params["warmups"] == [150, 600] and stored.detectors[0].params["hi"] == 100.0
    # the next dialog remembers what was typed
    again = w.models.learn_baseline((source, STREAM))
    again.detector.setCurrentIndex(again.detector.findData("resonance"))
    assert again.param_widgets["warmups"].text() == "150, 600" and again.param_widgets["lo"].text() == "0.0"
