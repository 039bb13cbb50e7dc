"""The workbench window on the embedded default, offscreen, with pytest-qt."""

import pytest
from PySide6.QtCore import QObject, QSettings, Signal

from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.sources import EmbeddedSource
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


def test_thousands_of_signal_emits_do_not_crash_the_interpreter(qtbot):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to True per emit and aborts after ~1000."""

    class Emitter(QObject):
        fired = Signal(bool)

    emitter = Emitter()
    seen = []
    emitter.fired.connect(seen.append)
    for _ in range(5000):
        emitter.fired.emit(True)
    assert len(seen) == 5000


def test_the_embedded_sampler_fills_the_window_with_live_streams(qtbot, settings):
    store = LiveStore()
    source = EmbeddedSource(store, interval=0.2)
    window = MainWindow(store, [source], settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.plot.stream == (window.plot.stream or ("",))[:1] + ("sampler", "cpu_time"),
                    timeout=10_000)
    qtbot.waitUntil(lambda: len(window.plot._curves) > 0, timeout=10_000)
    assert "running" in window.source_label.text()
    names = {window.streams.topLevelItem(0).child(0).child(i).text(0)
             for i in range(window.streams.topLevelItem(0).child(0).childCount())}
    assert {"cpu_time", "rss", "io_write_bytes"} <= names
    window.close()
    assert not source.agent.running


def test_the_chosen_stream_and_geometry_are_remembered(qtbot, settings):
    store = LiveStore()
    for host in ("a", "b"):
        store([Snapshot(host, "s", "num", "count", 1.0, entries=[[["k"], 1]])])
    window = MainWindow(store, [], settings)
    qtbot.addWidget(window)
    window.show()
    window.frame()
    first = window.streams.selectedItems()
    assert not first  # nothing remembered yet, and no sampler stream here
    window._items[("b", "s", "num")].setSelected(True)
    window.resize(700, 450)
    window.close()
    again = MainWindow(store, [], settings)
    qtbot.addWidget(again)
    again.show()
    again.frame()
    assert again.plot.stream == ("b", "s", "num")
    assert (again.width(), again.height()) == (700, 450)
