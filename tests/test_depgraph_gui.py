"""The Dependency graph window, on real Qt (offscreen): compute in the background, pick an edge, export.

The recording is tests/depgraph_recording.py's: web and db move together, cron does not.
"""

from __future__ import annotations

import csv

import depgraph_recording
import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from suricate_desktop.gui.depgraph import open_window
from suricate_desktop.gui.depgraph.window import DependencyGraphWindow
from suricate_desktop.gui.main_window import MainWindow
from suricate_desktop.gui.sources.base import Source
from suricate_desktop.gui.sources.registry import SourceRegistry

WEB, DB, CRON = ("syscalls-by-process.calls:" + p for p in ("web", "db", "cron"))
DB_READS = "read-sizes.read_bytes:db"


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return depgraph_recording.write(tmp_path_factory.mktemp("rec") / "together")


@pytest.fixture
def graph_window(qtbot, settings, recording):
    registry = SourceRegistry()
    window = DependencyGraphWindow(registry, settings)
    qtbot.addWidget(window)
    window.show()
    window.choose(recording)
    window.filter_edit.setText("")
    window.threshold.setValue(0.6)
    yield window
    window.worker.cancel()
    window.worker.wait(5)


def computed(qtbot, window):
    with qtbot.waitSignal(window.displayed, timeout=30_000):  # the graph, its table and first link
        window.compute()
    return window.result.graph


def test_compute_draws_the_two_linked_and_leaves_the_third_out(qtbot, graph_window):
    graph = computed(qtbot, graph_window)
    drawn = {graph.nodes[i].name for i in graph_window.canvas.shown}
    assert {WEB, DB, DB_READS} == drawn  # cron has no link: not drawn
    assert graph_window.table.rowCount() == len(graph.edges) == 3
    web, db = graph.index(WEB), graph.index(DB)
    assert graph.nodes[web].cluster == graph.nodes[db].cluster >= 1
    assert "3 links" in graph_window.summary.text()
    # the unlinked can be drawn too, and cron then shows, grey (no cluster)
    with qtbot.waitSignal(graph_window.displayed, timeout=30_000):
        graph_window.show_unlinked.setChecked(True)
    shown = {graph_window.result.graph.nodes[i].name for i in graph_window.canvas.shown}
    assert CRON in shown


def test_clicking_an_edge_overlays_its_two_series(qtbot, graph_window):
    graph = computed(qtbot, graph_window)
    canvas = graph_window.canvas
    edge = next(
        i for i, e in enumerate(graph.edges) if {graph.nodes[e.a].name, graph.nodes[e.b].name} == {WEB, DB}
    )
    # a real click on the middle of the edge, through the scene
    scene_point = canvas.getPlotItem().vb.mapViewToScene(canvas.edge_position(edge))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(scene_point))
    qtbot.waitUntil(lambda: canvas.selected_edge == edge, timeout=5_000)
    e = graph.edges[edge]
    assert set(graph_window.pair_plot.names) == {WEB, DB}
    for side, node in enumerate((e.a, e.b)):
        _, y = graph_window.pair_plot.series(side)
        np.testing.assert_array_equal(y, graph.matrix.values[:, node])
    rows = graph_window.table.selectionModel().selectedRows()
    assert len(rows) == 1
    row = rows[0].row()
    assert {graph_window.table.item(row, 0).text(), graph_window.table.item(row, 1).text()} == {WEB, DB}
    assert "web" in graph_window.pair_plot.title.text() and "db" in graph_window.pair_plot.title.text()


def test_picking_a_table_row_selects_that_edge(qtbot, graph_window):
    graph = computed(qtbot, graph_window)
    table = graph_window.table
    row = next(
        r
        for r in range(table.rowCount())
        if DB_READS in (table.item(r, 0).text(), table.item(r, 1).text())
        and WEB in (table.item(r, 0).text(), table.item(r, 1).text())
    )
    table.selectRow(row)
    edge = table.item(row, 0).data(Qt.ItemDataRole.UserRole)
    assert graph_window.canvas.selected_edge == edge
    assert set(graph_window.pair_plot.names) == {WEB, DB_READS}
    assert {graph.nodes[graph.edges[edge].a].name, graph.nodes[graph.edges[edge].b].name} == {WEB, DB_READS}


def test_export_writes_a_png_an_svg_and_the_edges_csv(qtbot, graph_window, tmp_path):
    computed(qtbot, graph_window)
    png, svg, out = tmp_path / "graph.png", tmp_path / "graph.svg", tmp_path / "edges.csv"
    graph_window.save_image(str(png))
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1000
    # something is drawn: more than one colour
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10
    graph_window.save_image(str(svg))
    text = svg.read_text()
    assert text.startswith("<?xml") and "web" in text and "db" in text
    graph_window.export_csv(str(out))
    rows = list(csv.DictReader(out.open()))
    assert {frozenset((r["series_a"], r["series_b"])) for r in rows} == {
        frozenset((WEB, DB)),
        frozenset((WEB, DB_READS)),
        frozenset((DB, DB_READS)),
    }


def test_a_higher_threshold_redraws_without_reading_again(qtbot, graph_window):
    computed(qtbot, graph_window)
    with qtbot.waitSignal(graph_window.displayed, timeout=30_000):
        graph_window.threshold.setValue(0.99)
    graph = graph_window.result.graph
    assert [(graph.nodes[e.a].name, graph.nodes[e.b].name) for e in graph.edges] == [(DB_READS, DB)]
    assert graph_window.result.request.previous is not None
    assert graph_window.table.rowCount() == 1


def test_a_live_window_of_a_source_is_correlated(qtbot, settings):
    registry = SourceRegistry()
    source = registry.add(Source("live-app"))
    source.store.ingest(depgraph_recording.snapshots())
    window = DependencyGraphWindow(registry, settings)
    qtbot.addWidget(window)
    window.choose(source)
    assert window.minutes.isEnabled()
    window.minutes.setValue(2)
    window.threshold.setValue(0.6)
    graph = computed(qtbot, window)
    assert len(graph.matrix.times) == 120
    assert graph.edge_between(WEB, DB) is not None
    assert CRON not in {graph.nodes[i].name for i in graph.linked()}


def test_errors_are_told_and_the_choices_are_remembered(qtbot, graph_window, settings, monkeypatch):
    told = []
    monkeypatch.setattr(
        "suricate_desktop.gui.depgraph.window.QMessageBox.warning",
        lambda parent, title, text: told.append(text),
    )
    graph_window.filter_edit.setText("nginx*")
    graph_window.max_lag.setValue(3)
    with qtbot.waitSignal(graph_window.worker.failed, timeout=30_000):
        graph_window.compute()
    assert told == ["no series matches nginx*"]
    assert "nginx" in graph_window.summary.text()
    again = DependencyGraphWindow(SourceRegistry(), settings)
    qtbot.addWidget(again)
    assert (
        again.filter_edit.text() == "nginx*" and again.max_lag.value() == 3 and again.threshold.value() == 0.6
    )


def test_the_menu_opens_the_window_on_the_open_recording(qtbot, settings, recording):
    main = MainWindow(settings=settings, restore_sources=False)
    qtbot.addWidget(main)
    menu = next(a.menu() for a in main.menuBar().actions() if a.text() == "&Analytics")
    assert main.depgraph_action in menu.actions()
    titles = [a.text() for a in main.menuBar().actions()]
    assert titles.index("&Analytics") == titles.index("&Help") - 1
    source = main.open_recording(str(recording))
    window = open_window(main)
    assert window.isVisible() and window.source_combo.currentData() is source
    assert not window.minutes.isEnabled()  # a recording is read whole
    graph = computed(qtbot, window)
    assert graph.edge_between(WEB, DB) is not None
    source.stop()
