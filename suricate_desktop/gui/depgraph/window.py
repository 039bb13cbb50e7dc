"""The Dependency graph window (Analytics > Dependency graph…).

Pick the data (an open recording, read whole from disk, or a live source's last minutes),
a series filter and the link threshold; Compute (F5) builds the graph in a worker thread,
with progress and Cancel (Esc). It opens on the strongest links only: the top 30 series
(the busiest; "Top") and links of at least 0.6 ("Link at least"), both adjustable. The graph
on the left, its cluster legend beside it (never over it); then the two series of the
picked edge overlaid, and the table of edges (strongest first; a row picks its edge).
Changing the threshold, the top count, the layout or "Show unlinked" redraws from the
computed correlations at once. File: save the graph as PNG or SVG, the edges as CSV. The
choices are remembered (QSettings, group ``depgraph``).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QWidget,
)

from ...analytics.depgraph import TRANSFORMS
from ..sources.recording import RecordingSource
from .canvas import GraphCanvas, describe_edge
from .job import LAYOUTS, TOP_SERIES, GraphRequest, GraphResult, GraphWorker
from .pair_plot import PairPlot

TRANSFORM_TITLES = {"rate": "activity per interval", "diff": "change between intervals"}
LAYOUT_TITLES = {"spring": "Spring", "circle": "Circle by cluster"}
EDGE_COLUMNS = ("Series A", "Series B", "Strength", "r", "Lag (s)")
REDRAW_MS = 250


class NumberItem(QTableWidgetItem):
    """A table cell that shows a number formatted and sorts by its value."""

    def __init__(self, value: float, fmt: str):
        super().__init__(fmt.format(value))
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other) -> bool:
        return self.value < other.value if isinstance(other, NumberItem) else super().__lt__(other)


class DependencyGraphWindow(QMainWindow):
    """One window per workbench; ``registry`` gives the sources to choose from."""

    #: Emitted once a result is wholly shown: the graph, the table of links and the first link's plot.
    displayed = Signal(object)

    def __init__(self, registry, settings: QSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Dependency graph")
        self.setObjectName("dependency-graph")
        self.registry = registry
        self.settings = settings or QSettings("Suricate", "Suricate Desktop")
        self.result: GraphResult | None = None
        self._extra_recordings: list[Path] = []
        self.worker = GraphWorker(self)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.running_changed.connect(self._on_running)

        self.canvas = GraphCanvas()
        self.canvas.edgePicked.connect(self.select_edge)
        self.canvas.nodePicked.connect(self._on_node_picked)
        self.canvas.hovered.connect(lambda text: self.statusBar().showMessage(text, 6000) if text else None)
        # The pair plot (a second pyqtgraph plot, ~40 ms to make) comes at the next turn of the event
        # loop: the window shows first (``pair_plot`` makes it at once if asked before).
        self._pair_plot: PairPlot | None = None
        self._pair_placeholder = QLabel("Pick an edge (or a row of the table) to see its two series here.")
        QTimer.singleShot(0, self, lambda: self.pair_plot)
        self.table = QTableWidget(0, len(EDGE_COLUMNS))
        self.table.setHorizontalHeaderLabels(EDGE_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideLeft)  # names end in their key: keep that in sight
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in range(2, len(EDGE_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_table_selection)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.addWidget(self._pair_placeholder)
        self.side.addWidget(self.table)
        self.side.setSizes([360, 300])
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.canvas)
        self.split.addWidget(self.side)
        self.split.setSizes([760, 520])
        self.setCentralWidget(self.split)

        self._build_controls()
        self._build_status_bar()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self._redraw)
        self.resize(1320, 800)
        self._restore()
        self.refresh_sources()
        registry.added.connect(lambda _source: self.refresh_sources())
        registry.removed.connect(lambda _source: self.refresh_sources())

    @property
    def pair_plot(self) -> PairPlot:
        """The picked edge's two series overlaid (made on first use, in place of its placeholder)."""
        if self._pair_plot is None:
            self._pair_plot = PairPlot()
            self.side.replaceWidget(0, self._pair_plot)
            self._pair_placeholder.deleteLater()
        return self._pair_plot

    # -- controls --------------------------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        data = QToolBar("Data", self)
        data.setObjectName("depgraph-data")
        self.addToolBar(data)
        data.addWidget(QLabel(" Data: "))
        self.source_combo = QComboBox()
        self.source_combo.setMinimumContentsLength(28)
        self.source_combo.setToolTip(
            "An open recording (read whole from disk) or a live source (its last minutes)"
        )
        self.source_combo.currentIndexChanged.connect(self._on_source_changed)
        data.addWidget(self.source_combo)
        self.browse_action = QAction("Recording folder…", self)
        self.browse_action.setToolTip("Correlate a recording folder without opening it in the workbench")
        self.browse_action.triggered.connect(self.browse_recording)
        data.addAction(self.browse_action)
        self.minutes = QSpinBox(minimum=1, maximum=24 * 60, value=15, suffix=" min")
        self.minutes.setPrefix("last ")
        self.minutes.setToolTip("The live window: how far back from the source's newest data")
        data.addWidget(self.minutes)
        data.addSeparator()
        data.addWidget(QLabel(" Series: "))
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("all — or patterns, e.g. syscalls-by-process.* disk-*")
        self.filter_edit.setToolTip(
            "Shell patterns on 'source.agg:key', separated by spaces; empty: every series"
        )
        self.filter_edit.setMinimumWidth(260)
        self.filter_edit.returnPressed.connect(self.compute)
        data.addWidget(self.filter_edit)
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("Read the data and build the graph (F5)")
        self.compute_button.clicked.connect(self.compute)
        data.addWidget(self.compute_button)

        self.addToolBarBreak()
        graph = QToolBar("Graph", self)
        graph.setObjectName("depgraph-graph")
        self.addToolBar(graph)
        graph.addWidget(QLabel(" Link at least: "))
        self.threshold = QDoubleSpinBox(minimum=0.05, maximum=1.0, singleStep=0.05, decimals=2, value=0.6)
        self.threshold.setToolTip("Least strength |correlation| of an edge; also where clusters are cut")
        self.threshold.valueChanged.connect(self._schedule_redraw)
        graph.addWidget(self.threshold)
        graph.addWidget(QLabel("  Lag up to: "))
        self.max_lag = QSpinBox(minimum=0, maximum=30, value=1, suffix=" interval(s)")
        self.max_lag.setToolTip(
            "A link may lag by up to this many intervals (one series following the other)"
        )
        graph.addWidget(self.max_lag)
        graph.addWidget(QLabel("  Correlate: "))
        self.transform = QComboBox()
        for name in TRANSFORMS:
            self.transform.addItem(TRANSFORM_TITLES[name], name)
        graph.addWidget(self.transform)
        graph.addWidget(QLabel("  Top: "))
        self.max_series = QSpinBox(minimum=2, maximum=1000, value=TOP_SERIES, suffix=" series")
        self.max_series.setToolTip(
            "The graph shows this many series, the busiest (most intervals with activity, then the "
            "largest total); the links among them of at least the threshold"
        )
        self.max_series.valueChanged.connect(self._schedule_redraw)
        graph.addWidget(self.max_series)
        graph.addSeparator()
        self.layout_combo = QComboBox()
        for name in LAYOUTS:
            self.layout_combo.addItem(LAYOUT_TITLES[name], name)
        self.layout_combo.currentIndexChanged.connect(self._schedule_redraw)
        graph.addWidget(self.layout_combo)
        self.show_unlinked = QCheckBox("Show unlinked")
        self.show_unlinked.setToolTip("Also draw the series with no link as strong as the threshold")
        self.show_unlinked.toggled.connect(self._schedule_redraw)
        graph.addWidget(self.show_unlinked)

        file_menu = self.menuBar().addMenu("&File")
        self.save_image_action = self._action(
            "Save graph as &image…", self.save_image_dialog, QKeySequence.StandardKey.Save
        )
        self.export_csv_action = self._action("Export &edges as CSV…", self.export_csv_dialog, "Ctrl+E")
        file_menu.addAction(self.save_image_action)
        file_menu.addAction(self.export_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Close", self.close, QKeySequence.StandardKey.Close))
        graph_menu = self.menuBar().addMenu("&Graph")
        graph_menu.addAction(self._action("&Compute", self.compute, "F5"))
        self.cancel_action = self._action("C&ancel", self.cancel, "Esc")
        graph_menu.addAction(self.cancel_action)
        graph_menu.addAction(
            self._action("&Fit to window", lambda: self.canvas.autoRange(padding=0.12), "Ctrl+0")
        )
        graph.addSeparator()
        graph.addAction(self.save_image_action)
        graph.addAction(self.export_csv_action)
        self._set_exports_enabled(False)

    def _action(self, text: str, slot, shortcut) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        self.summary = QLabel("Choose the data and press Compute (F5).")
        self.progress = QProgressBar(maximum=1000, textVisible=True)
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.statusBar().addPermanentWidget(self.summary, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

    # -- sources ---------------------------------------------------------------------------------------------------
    def refresh_sources(self) -> None:
        """The data choices: every source of the workbench, and recording folders picked here."""
        current = self.source_combo.currentData()
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        for source in self.registry:
            if isinstance(source, RecordingSource):
                self.source_combo.addItem(f"{source.name} (whole recording)", source)
            else:
                self.source_combo.addItem(f"{source.name} (live window)", source)
        for path in self._extra_recordings:
            self.source_combo.addItem(f"{path.name} (recording folder)", path)
        index = self.source_combo.findData(current) if current is not None else -1
        self.source_combo.setCurrentIndex(max(index, 0))
        self.source_combo.blockSignals(False)
        self._on_source_changed()

    def choose(self, source) -> None:
        """Make ``source`` (a Source, or a recording folder's path) the data to correlate."""
        if isinstance(source, (str, Path)):
            path = Path(source)
            if path not in self._extra_recordings:
                self._extra_recordings.append(path)
                self.refresh_sources()
            source = path
        index = self.source_combo.findData(source)
        if index >= 0:
            self.source_combo.setCurrentIndex(index)

    def browse_recording(self) -> None:
        start = self._setting(
            "depgraph/recording-dir", self.settings.value("recent/recording-dir", str(Path.home()))
        )
        path = QFileDialog.getExistingDirectory(
            self, "Correlate a recording (a folder of Parquet segments)", start
        )
        if path:
            self.settings.setValue("depgraph/recording-dir", str(Path(path).parent))
            self.choose(path)

    def _on_source_changed(self, *_args) -> None:
        data = self.source_combo.currentData()
        self.minutes.setEnabled(data is not None and not isinstance(data, (RecordingSource, Path)))

    def request(self) -> GraphRequest:
        """What the controls ask for (raises ValueError when there is nothing to read)."""
        data = self.source_combo.currentData()
        req = GraphRequest(
            patterns=self.filter_edit.text().replace(",", " ").split(),
            threshold=self.threshold.value(),
            max_lag=self.max_lag.value(),
            transform=self.transform.currentData(),
            max_nodes=self.max_series.value(),
            layout=self.layout_combo.currentData(),
            show_unlinked=self.show_unlinked.isChecked(),
        )
        if data is None:
            raise ValueError("There is nothing to correlate yet: open a recording or start a source.")
        if isinstance(data, Path):
            req.recording = data
        elif isinstance(data, RecordingSource):
            if data.path.is_dir():
                req.recording = data.path
            else:
                req.file, req.file_options = data.path, dict(data.import_options)
        else:
            req.store = data.store
            newest = data.store.clock() or time.time()
            # (newest - N min, newest]: a snapshot's time is the end of its interval
            req.since = math.nextafter(newest - 60 * self.minutes.value(), math.inf)
        return req

    # -- computing -------------------------------------------------------------------------------------------------
    def compute(self) -> None:
        try:
            request = self.request()
        except ValueError as exc:
            QMessageBox.information(self, "Dependency graph", str(exc))
            return
        self._save()
        self.worker.start(request)

    def cancel(self) -> None:
        if self.worker.running:
            self.worker.cancel()
            self.statusBar().showMessage("Cancelled.", 8000)

    def _schedule_redraw(self, *_args) -> None:
        if self.result is not None:
            self._redraw_timer.start()

    def _redraw(self) -> None:
        """Another threshold, top count, layout or unlinked choice: from the computed correlations, no new read."""
        if self.result is None:
            return
        request = self.result.request
        if self.max_series.value() > request.max_series:  # beyond the series correlated: read again
            self.compute()
            return
        request = GraphRequest(
            **{
                **request.__dict__,
                "threshold": self.threshold.value(),
                "max_nodes": self.max_series.value(),
                "layout": self.layout_combo.currentData(),
                "show_unlinked": self.show_unlinked.isChecked(),
                "previous": self.result.graph,
            }
        )
        self.worker.start(request)

    def _on_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.compute_button.setEnabled(not running)
        if running:
            self.progress.setValue(0)
            self.progress.setFormat("starting")

    def _on_progress(self, fraction: float, what: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{what} %p%")

    def _on_failed(self, message: str) -> None:
        self.summary.setText(f"Could not build the graph: {message}")
        QMessageBox.warning(self, "Dependency graph", message)

    def _on_finished(self, result: GraphResult) -> None:
        """Show ``result`` in three turns of the event loop (the graph; the table; the first link's plot), each
        painted before the next: together, with their first paints, they froze the window over 100 ms
        (bench/gui_stalls.py, "compute the graph")."""
        self.result = result
        graph = result.graph
        self.canvas.show_graph(graph, result.shown, result.positions)
        self.pair_plot.clear()
        p = graph.params
        hidden = len(graph.nodes) - len(result.shown)
        self.summary.setText(
            f"top {len(graph.nodes)} series over {p['bins']} intervals of {p['resolution']:g} s"
            f" ({graph.left_out} idle or less busy left out); {len(graph.edges)} links ≥ {graph.threshold:g}, "
            f"{len(graph.clusters)} clusters" + (f"; {hidden} unlinked not drawn" if hidden else "")
        )
        self._set_exports_enabled(True)
        QTimer.singleShot(0, self, lambda: self._show_links(result))

    def _show_links(self, result: GraphResult) -> None:
        if self.result is not result:  # a newer result came meanwhile: it shows its own
            return
        self._fill_table()
        QTimer.singleShot(0, self, lambda: self._show_first_link(result))

    def _show_first_link(self, result: GraphResult) -> None:
        if self.result is not result:
            return
        if result.graph.edges:
            self.select_edge(0)
        self.displayed.emit(result)

    def _set_exports_enabled(self, enabled: bool) -> None:
        self.save_image_action.setEnabled(enabled)
        self.export_csv_action.setEnabled(enabled)

    def _shown(self) -> GraphResult:
        """The result shown: the table, the picks and the exports exist only once there is one."""
        assert self.result is not None
        return self.result

    def _fill_table(self) -> None:
        graph = self._shown().graph
        self.table.blockSignals(True)
        self.table.setSortingEnabled(False)
        # sized to their contents once filled, not after each cell (that was most of the fill's time)
        header = self.table.horizontalHeader()
        for col in range(2, len(EDGE_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(graph.edges))
        for row, e in enumerate(graph.edges):
            items: list[QTableWidgetItem] = []
            for name in (graph.nodes[e.a].name, graph.nodes[e.b].name):
                item = QTableWidgetItem(name)
                item.setToolTip(name)
                items.append(item)
            items += [
                NumberItem(e.strength, "{:.3f}"),
                NumberItem(e.correlation, "{:.3f}"),
                NumberItem(e.lag, "{:g}"),
            ]
            for col, item in enumerate(items):
                item.setData(Qt.ItemDataRole.UserRole, row)
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(2, Qt.SortOrder.DescendingOrder)  # strongest first, as the graph lists them
        for col in range(2, len(EDGE_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setUpdatesEnabled(True)
        self.table.blockSignals(False)

    # -- picking ---------------------------------------------------------------------------------------------------
    def select_edge(self, edge: int) -> None:
        """Pick an edge: halo on the graph, its row in the table, its two series overlaid."""
        graph = self._shown().graph
        e = graph.edges[edge]
        self.canvas.select_edge(edge)
        self.pair_plot.show_nodes(graph, (e.a, e.b), describe_edge(graph, edge))
        self._select_row(edge)

    def _select_row(self, edge: int) -> None:
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == edge:
                self.table.selectRow(row)
                self.table.scrollToItem(item)
                break
        self.table.blockSignals(False)

    def _on_node_picked(self, node: int) -> None:
        graph = self._shown().graph
        n = graph.nodes[node]
        links = [i for i, e in enumerate(graph.edges) if node in (e.a, e.b)]
        cluster = f"cluster {n.cluster}" if n.cluster else "no cluster"
        self.pair_plot.show_nodes(graph, (node,), f"{n.name}: {len(links)} links, {cluster}")
        self.table.clearSelection()
        if links:
            self._select_row(links[0])  # its strongest link, to pick from the table

    def _on_table_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows and self.result is not None else None
        if item is not None:
            self.select_edge(item.data(Qt.ItemDataRole.UserRole))

    # -- export ----------------------------------------------------------------------------------------------------
    def save_image(self, path: str) -> None:
        self.canvas.save_image(path)
        self.statusBar().showMessage(f"Saved {path}", 8000)

    def export_csv(self, path: str) -> None:
        graph = self._shown().graph
        graph.write_csv(path)
        self.statusBar().showMessage(f"Saved {len(graph.edges)} edges to {path}", 8000)

    def save_image_dialog(self) -> None:
        folder = self._setting("depgraph/export-dir", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the graph as an image",
            str(Path(folder) / "graph.png"),
            "PNG image (*.png);;SVG drawing (*.svg)",
        )
        if path:
            self._export(self.save_image, path)

    def export_csv_dialog(self) -> None:
        folder = self._setting("depgraph/export-dir", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the edges as CSV", str(Path(folder) / "edges.csv"), "CSV (*.csv)"
        )
        if path:
            self._export(self.export_csv, path)

    def _export(self, save, path: str) -> None:
        try:
            save(path)
        except OSError as exc:
            QMessageBox.warning(self, "Dependency graph", f"Cannot write {path}:\n{exc.strerror or exc}")
            return
        self.settings.setValue("depgraph/export-dir", str(Path(path).parent))

    # -- remembered state ------------------------------------------------------------------------------------------
    def _setting(self, key: str, default: object = None) -> Any:
        """A remembered value, as the platform's settings store gives it back (often a str)."""
        return self.settings.value(key, default)

    def _restore(self) -> None:
        s = self.settings
        self.threshold.setValue(float(self._setting("depgraph/threshold", 0.6)))
        self.max_lag.setValue(int(self._setting("depgraph/max-lag", 1)))
        self.max_series.setValue(int(self._setting("depgraph/top-series", TOP_SERIES)))
        self.minutes.setValue(int(self._setting("depgraph/minutes", 15)))
        self.filter_edit.setText(str(s.value("depgraph/filter", "")))
        self.transform.setCurrentIndex(max(0, self.transform.findData(s.value("depgraph/transform", "rate"))))
        self.layout_combo.setCurrentIndex(
            max(0, self.layout_combo.findData(s.value("depgraph/layout", "spring")))
        )
        self.show_unlinked.setChecked(s.value("depgraph/show-unlinked", False) in (True, "true"))
        geometry = s.value("depgraph/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        split = s.value("depgraph/split")
        if split is not None:
            self.split.restoreState(split)

    def _save(self) -> None:
        s = self.settings
        s.setValue("depgraph/threshold", self.threshold.value())
        s.setValue("depgraph/max-lag", self.max_lag.value())
        s.setValue("depgraph/top-series", self.max_series.value())
        s.setValue("depgraph/minutes", self.minutes.value())
        s.setValue("depgraph/filter", self.filter_edit.text())
        s.setValue("depgraph/transform", self.transform.currentData())
        s.setValue("depgraph/layout", self.layout_combo.currentData())
        s.setValue("depgraph/show-unlinked", self.show_unlinked.isChecked())
        s.setValue("depgraph/geometry", self.saveGeometry())
        s.setValue("depgraph/split", self.split.saveState())

    def closeEvent(self, event) -> None:
        self.worker.cancel()
        self._save()
        super().closeEvent(event)
