"""Each detector's held-out figures where a user picks one: the Learn dialog and ``detect --list-detectors``.

The figures are data written by ``bench/heldout/evaluate.py --figures``; these tests keep them in step
with the detectors (a threshold changed without measuring again is caught here) and check that what the
user reads is what was measured.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

from suricate_desktop.analytics.detector_figures import FORMAT, Measured, measured
from suricate_desktop.analytics.detectors import DETECTORS, EstimatorAdapter
from suricate_desktop.analytics.registry import DEFAULT_DETECTOR

OFFERED = [k for k, c in DETECTORS.items() if not issubclass(c, EstimatorAdapter)]


def stored() -> dict:
    doc = json.loads(
        resources.files("suricate_desktop.analytics").joinpath("detector_figures.json").read_text()
    )
    assert doc["format"] == FORMAT
    return doc


def test_every_offered_detector_has_its_figures_at_the_threshold_it_ships_with():
    """A detector whose threshold changed, or a new one, needs ``evaluate.py --figures`` run again."""
    rows = stored()["detectors"]
    for kind in OFFERED:
        assert kind in rows, f"{kind}: not measured (bench/heldout/evaluate.py --figures)"
        assert rows[kind]["threshold"] == DETECTORS[kind].threshold, f"{kind}: measured at another threshold"
        found = measured(kind)
        assert (
            found is not None and 0 <= found.recall <= 1 and found.fa_per_1000 >= 0 and found.us_per_point > 0
        )
        assert found.standard <= 100


def test_the_default_is_the_best_of_them_on_held_out_data():
    """The issue's claim for the default, read from the measured figures: the best NAB standard score on
    HELD-OUT at the shipped thresholds."""
    scores = {kind: measured(kind).standard for kind in OFFERED}
    assert max(scores, key=scores.__getitem__) == DEFAULT_DETECTOR, scores


def test_a_figure_measured_at_another_threshold_is_not_shown(monkeypatch):
    monkeypatch.setattr(DETECTORS["ewma"], "threshold", 4.5)
    assert measured("ewma") is None and measured("calibrated") is not None
    assert measured("nosuch") is None


@pytest.mark.parametrize("text", ["", "{", '{"format": "other/9"}', json.dumps({"format": FORMAT}), "[1]"])
def test_a_file_that_cannot_be_read_shows_no_figures_and_breaks_nothing(monkeypatch, tmp_path, caplog, text):
    """A broken install (the file missing, cut short, of another format) loses the figures, with a warning,
    and nothing else: the Learn dialog and ``--list-detectors`` go on without them."""
    from suricate_desktop.analytics import detector_figures

    if text:
        (tmp_path / "detector_figures.json").write_text(text)
    monkeypatch.setattr(detector_figures.resources, "files", lambda _package: tmp_path)
    detector_figures._table.cache_clear()
    try:
        assert measured("calibrated") is None
        assert "held-out figures cannot be read" in caplog.text
    finally:
        monkeypatch.undo()
        detector_figures._table.cache_clear()
    assert measured("calibrated") is not None  # the package's own file again


def test_the_sentence_says_the_figures_and_their_threshold():
    text = Measured(threshold=2.0, standard=45.31, recall=0.6, fa_per_1000=1.94, us_per_point=23.2).text()
    assert text == (
        "On held-out data (no parameter chosen on it), at threshold 2: NAB score 45.3 (100 perfect, 0 never "
        "alarming), 60 % of changes found, 1.9 false alarms per 1,000 points, 23 µs a point."
    )


def test_list_detectors_gives_each_its_figures():
    from tests.test_detect import detect

    out = detect("--list-detectors").stdout.splitlines()
    for kind in OFFERED:
        at = next(i for i, line in enumerate(out) if line.split(":")[0].replace(" (default)", "") == kind)
        assert out[at + 2] == "    " + measured(kind).brief()


def test_the_learn_dialog_and_the_models_pane_show_a_detectors_figures(qtbot, make_window):
    from PySide6.QtCore import Qt

    from tests.test_learn_path import SAMPLE_STREAM, sample_played, trained

    w = make_window(restore_sources=False)
    dialog = w.models.learn_baseline((sample_played(qtbot, w), SAMPLE_STREAM))
    assert dialog.detectorHelp.text().endswith(measured(DEFAULT_DETECTOR).text())
    for i in range(dialog.detector.count()):
        kind = dialog.detector.itemData(i)
        assert dialog.detector.itemData(i, Qt.ItemDataRole.ToolTipRole) == measured(kind).text()
    dialog.detector.setCurrentIndex(dialog.detector.findData("iforest"))
    assert measured("iforest").text() in dialog.detectorHelp.text()
    assert f"at threshold {DETECTORS['iforest'].threshold:g}" in dialog.detectorHelp.text()
    # the model made with it: its row in the Models pane says the same of its detector
    trained(qtbot, dialog)
    dialog.save()
    row = w.models.pane.tree.topLevelItem(0)
    assert row.text(2) == "iforest" and row.toolTip(2) == measured("iforest").text()
