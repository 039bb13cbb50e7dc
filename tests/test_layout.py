"""The workbench's layout on a laptop's screen, offscreen with pytest-qt: what a user of a 1366x768 screen sees.

The screen is ``screen_fit``'s answer (``available_geometry`` patched, as in test_screen_fit.py): the
offscreen platform has one 800x800 screen whatever the test wants.
"""

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QToolButton

from suricate_desktop.gui import screen_fit
from suricate_desktop.gui.sources.broker import BrokerSource
from suricate_desktop.gui.sources.run import RunSource

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "recordings" / "bpftrace-demo"
LAPTOP = QRect(0, 0, 1366, 768)
FULL_HD = QRect(0, 0, 1920, 1080)
pytestmark = [pytest.mark.timeout(120)]


@pytest.fixture
def laptop(make_window, monkeypatch):
    monkeypatch.setattr(screen_fit, "available_geometry", lambda _window: QRect(LAPTOP))
    return lambda **kw: make_window(restore_sources=False, **kw)


def test_console_and_timeline_both_stay_usable_on_a_laptop_with_a_recording_open(qtbot, laptop):
    """Issue 15: the console shared the bottom row with the timeline and was crushed to 60-220 px, the
    timeline's slider unusable."""
    w = laptop()
    w.open_recording(str(SAMPLE))
    w.console.show()
    qtbot.waitUntil(lambda: w.timeline_dock.isVisible() and w.console.dock.isVisible(), timeout=10_000)
    qtbot.wait(200)  # the docks' layout settles
    # not in one row: the timeline across the top, the console at the bottom
    assert w.dockWidgetArea(w.timeline_dock) == Qt.DockWidgetArea.TopDockWidgetArea
    assert w.dockWidgetArea(w.console.dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    timeline = w.timeline
    assert timeline.height() >= timeline.sizeHint().height()  # every control at its full height
    assert timeline.slider.width() >= 400, timeline.slider.width()  # room to drag and aim
    assert w.console.dock.height() >= 250, w.console.dock.height()
    assert w.dashboard.height() >= 150, w.dashboard.height()  # and the plots are still there
    assert QRect(0, 0, 1366, 768).contains(w.frameGeometry())


def test_the_bottom_panes_are_tabs_on_a_laptop_and_rules_beside_alerts_on_a_wide_screen(
    qtbot, make_window, monkeypatch
):
    for screen, beside in ((LAPTOP, False), (FULL_HD, True)):
        monkeypatch.setattr(screen_fit, "available_geometry", lambda _window, s=screen: QRect(s))
        w = make_window(restore_sources=False)
        for dock in (w.rules_dock, w.alerts_dock, w.models.dock):
            dock.show()
        qtbot.wait(100)
        tabbed = w.tabifiedDockWidgets(w.rules_dock)
        assert w.models.dock in tabbed
        assert (w.alerts_dock not in tabbed) is beside
        # side by side both in sight, or tabs: one in sight at a time, with the whole row
        in_sight = [not d.visibleRegion().isEmpty() for d in (w.rules_dock, w.alerts_dock)]
        assert sum(in_sight) == (2 if beside else 1), in_sight
        assert w.dockWidgetArea(w.console.dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        w.shutdown()


def test_the_editors_stop_button_is_in_sight_at_the_default_dock_width(qtbot, laptop):
    """Issue 15: Stop hid behind the toolbar's ">>" at the editor dock's default width."""
    w = laptop()
    w.editor.new_document("bpftrace", "profile:hz:99 { @[comm] = count(); }\n")
    qtbot.wait(100)
    toolbar = w.editor.toolbar
    stop = toolbar.widgetForAction(w.editor.stop_action)
    assert stop is not None and stop.isVisible()
    assert toolbar.rect().contains(stop.geometry())
    assert stop.mapTo(w, stop.rect().bottomRight()).x() <= w.width()
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    # the less-used actions are in the toolbar's menu
    more = [a.text() for a in w.editor.findChild(QToolButton, "editor-more-button").menu().actions()]
    assert "Clear &Output" in more


def test_the_workers_tree_shows_only_once_a_broker_source_is_open(qtbot, laptop, broker_url, exchange):
    w = laptop()
    w.add_embedded()
    w.slow_refresh()
    assert w.workers_view.isHidden()  # the embedded default: nothing it could list
    broker = w.registry.add(BrokerSource(broker_url, ["nobody.#"], exchange=exchange))
    assert not w.workers_view.isHidden()
    w.registry.remove(broker)
    w.slow_refresh()
    assert w.workers_view.isHidden()


def test_ended_runs_leave_the_status_bar(qtbot, laptop):
    """Issue 15: every run ever started stayed in the status bar, named, "stopped"."""
    w = laptop()
    w.add_embedded()
    runs = [RunSource("", "d", "sampler", interval=0.2, duration=0.5, file=f"run{i}.d") for i in range(3)]
    for run in runs:
        w.registry.add(run)
        run.start()
    qtbot.waitUntil(lambda: all(r.ended_at is not None for r in runs), timeout=20_000)
    w.slow_refresh()
    text = w.sources_label.text()
    assert "this machine" in text and "running" in text
    assert not any(r.name in text for r in runs), text
    assert "3 runs ended" in text
    # still listed, with why they ended, in the Sources pane
    assert w.sources_pane.table.rowCount() == 4


def test_the_dependency_graph_window_opens_inside_a_laptops_screen(qtbot, laptop):
    """It asks for 1320x800; a 1366x768 screen has 768 rows."""
    w = laptop()
    w.depgraph_action.trigger()
    graph = w.depgraph_window
    assert graph is not None and graph.isVisible()
    assert LAPTOP.contains(graph.frameGeometry()), graph.frameGeometry()
    graph.close()
