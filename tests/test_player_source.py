"""An open recording as the workbench's source: its name and config, imported files; TimelineBar drives it.

The playing itself is tested without Qt in test_player.py.
"""

import time
from pathlib import Path

import pytest
from playing import expected_newest, in_time_order, newest, opener
from PySide6.QtCore import Qt

from suricate_desktop.gui.sources.recording import RecordingSource
from suricate_desktop.gui.timeline import TimelineBar

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "recordings" / "bpftrace-demo"
IMPORT = Path(__file__).parent / "data" / "import"


@pytest.fixture(scope="module")
def recorded():
    """Every snapshot of the bundled recording, in time order."""
    return in_time_order(DEMO)


@pytest.fixture
def player():
    with opener(RecordingSource) as open_:
        yield open_


def test_a_recording_source_is_named_after_its_folder(player, qtbot):
    src = player(DEMO)
    assert src.kind == "recording" and src.name == "bpftrace-demo"
    assert src.state == "paused" and src.position == src.start
    assert player(DEMO, "mine").name == "mine"


def test_another_tools_file_plays_too(player, qtbot):
    src = player(IMPORT / "bpftrace-clear.json", autoplay=True, speed=0.0)
    qtbot.waitUntil(lambda: src.state == "ended", timeout=10_000)
    assert {i.stream[2] for i in src.store.streams()} == {"reads", "size", "lin", "st", "mean", "bytes"}
    assert src.end - src.start == 3.0
    assert src.to_config()["kind"] == "recording"


def test_what_cannot_be_opened(tmp_path):
    with pytest.raises(FileNotFoundError):
        RecordingSource(tmp_path / "nothing")
    with pytest.raises(ValueError, match="no recording segments"):
        RecordingSource(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing to see\n")
    with pytest.raises(ValueError, match="no snapshots"):
        RecordingSource(empty)


def test_the_workspace_reopens_it_where_it_was(player, qtbot):
    src = player(DEMO, speed=5.0, loop=True)
    src.seek(src.start + 42.0)
    config = src.to_config()
    assert config == {
        "kind": "recording",
        "name": "bpftrace-demo",
        "path": str(DEMO),
        "speed": 5.0,
        "loop": True,
        "position": src.start + 42.0,
        "playing": False,
    }
    again = RecordingSource.from_config(config)
    try:
        assert (again.position, again.speed, again.loop, again.state) == (
            src.start + 42.0,
            5.0,
            True,
            "paused",
        )
    finally:
        again.stop()


# --------------------------------------------------------------------------- the timeline bar


def test_the_timeline_bar_reflects_and_drives_the_source(player, recorded, qtbot):
    src = player(DEMO)
    bar = TimelineBar(src)
    qtbot.addWidget(bar)
    bar.show()
    assert bar.slider.minimum() == 0 and bar.slider.maximum() == round(src.span * 1000)
    assert bar.start_label.text().startswith(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(src.start)))
    assert "+0:00" in bar.time_label.text() and bar.state_label.text() == "paused"

    # play / pause button
    qtbot.mouseClick(bar.play_button, Qt.LeftButton)
    assert src.state == "playing"
    qtbot.waitUntil(
        lambda: bar.state_label.text() == "playing" and bar.play_button.text() == "Pause", timeout=2000
    )
    qtbot.mouseClick(bar.play_button, Qt.LeftButton)
    assert src.state == "paused"

    # the speed box
    bar.speed_combo.setCurrentIndex(bar.speed_combo.findText("50x"))
    assert src.speed == 50.0
    bar.speed_combo.setCurrentIndex(bar.speed_combo.findText("max"))
    assert src.speed == 0.0

    # the slider seeks (as a user moving it would), the source follows and refills
    bar.slider.setValue(60_000)
    assert src.position == pytest.approx(src.start + 60.0)
    qtbot.waitUntil(lambda: src.caught_up, timeout=5000)
    assert newest(src.store) == expected_newest(recorded, src.start + 60.0)

    # steps
    qtbot.mouseClick(bar.forward_button, Qt.LeftButton)
    assert src.position == pytest.approx(src.start + 60.0 + src.step)
    qtbot.mouseClick(bar.back_button, Qt.LeftButton)
    qtbot.mouseClick(bar.back_button, Qt.LeftButton)
    assert src.position == pytest.approx(src.start + 60.0 - src.step)

    # the bar follows the source's position on its timer
    src.seek(src.start + 120.0)
    qtbot.waitUntil(lambda: bar.slider.value() == 120_000, timeout=2000)
    assert "+2:00" in bar.time_label.text()

    # Space plays and pauses when the bar or its slider has the focus
    bar.set_source(src)
    qtbot.keyClick(bar.slider, Qt.Key_Space)
    assert src.state == "playing"
    qtbot.keyClick(bar, Qt.Key_Space)
    assert src.state == "paused"

    bar.loop_box.setChecked(True)
    assert src.loop is True
    bar.set_source(None)
    assert not bar.play_button.isEnabled() and bar.time_label.text() == "no recording"
