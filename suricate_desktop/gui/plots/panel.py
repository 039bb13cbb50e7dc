"""PlotPanel: one stream's chart, its toolbar, gap and drop marks, exports; pulled from the store on the frame timer."""

from __future__ import annotations

import contextlib
import csv
import importlib
import math
import time
import weakref
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMenu,
    QSizePolicy,
    QSpinBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...schema import BUCKET_KINDS, STATS_KINDS
from ...store.live import LiveStore, StreamId, find_gaps
from ._data import DEFAULT_WINDOW, GAP_FACTOR, WINDOWS, fmt_number, fmt_time, key_text
from .charts import BarsChart, Chart, HistogramChart, PieChart, TimeSeriesChart, colour_of, kinds_charts
from .heatmap import HeatmapChart
from .link import TimeLink
from .overlay import Overlays

CHARTS = ("auto", "timeseries", "bars", "pie", "histogram", "heatmap")
CHART_TITLES = {
    "auto": "Auto",
    "timeseries": "Time series",
    "bars": "Bars",
    "pie": "Pie",
    "histogram": "Histogram",
    "heatmap": "Heatmap",
}
CHART_CLASSES: dict[str, type[Chart]] = {
    "timeseries": TimeSeriesChart,
    "bars": BarsChart,
    "pie": PieChart,
    "histogram": HistogramChart,
    "heatmap": HeatmapChart,
}
VIEW_TITLES = {"interval": "interval", "cumulative": "cumulative"}
STATS_FIELDS = ("average", "count", "total")
DEFAULT_TOP = 8

GAP_BRUSH = (128, 128, 128, 60)
#: Timed charts plot time − origin, the origin a whole hour near the data, moved after half a day.
ORIGIN_STEP = 3600.0
REBASE_AFTER = 43200.0
#: Seconds a following time axis shows at least, however young its stream.
MIN_SPAN = 30.0
DROP_COLOUR = "#D62728"
#: Alert firings marked on a plot, newest kept (a flapping rule must not fill a plot with lines).
MAX_ALERT_MARKS = 30


class PlotPanel(QWidget):
    """A live plot of one stream, with its own toolbar. See the package docstring for the contract.

    Signals
    -------
    message(str)
        Text for the status bar: the crosshair's values, a heatmap cell, an export.
    cellClicked(dict)
        A heatmap cell was clicked: ``{"time", "low", "high", "count", "per_key": {key: count}}``
        (plus ``end``, ``start``, ``width``, ``bucket``, ``stream``, ``key``).
    """

    message = Signal(str)
    cellClicked = Signal(dict)

    def __init__(
        self,
        store: LiveStore,
        stream: tuple[str, str, str],
        chart: str = "auto",
        link: TimeLink | None = None,
        drops: tuple[LiveStore, tuple] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}; expected one of {CHARTS}")
        self.store = store
        self.stream: StreamId = tuple(stream)
        self.drops = (drops[0], tuple(drops[1])) if drops else None
        self.link = link if link is not None else TimeLink(self)
        # settings (state())
        self.chart_choice = chart
        self.view = "interval"
        self.paused = False
        self._log: bool | None = None  # None: the chart's default (log colours for heatmaps)
        self.window: float | None = DEFAULT_WINDOW
        self.hidden: set[tuple] = set()
        self.key: tuple | None = None
        self.field = "average"
        self.top = DEFAULT_TOP
        # what is known of the stream
        self.kind: str | None = None
        self.interval = 1.0
        self.chart: Chart | None = None
        self.time_origin = 0.0
        self._stamp = None
        self._force = True  # redraw at the next refresh even if nothing moved
        self._refetch = True  # and read the window again rather than only what is new
        self._version = -1
        self._keys_seen = -1
        self._gap_items: list[pg.LinearRegionItem] = []
        self.gaps: list[tuple[float, float]] = []
        self.drop_marks: list[tuple[float, str]] = []
        self._drop_scatter: pg.ScatterPlotItem | None = None
        #: (fired, resolved or None, text, colour) of the alerts on this stream, set by the rules panel
        self.alert_marks: list[tuple[float, float | None, str, str]] = []
        self._alert_items: list[tuple[pg.InfiniteLine, pg.LinearRegionItem]] = []
        #: Series drawn over the time series (the console's ``ws.plot(..., on=stream)``), see overlay.py.
        self.overlays = Overlays()
        self._build_ui()
        self.link.followChanged.connect(self._follow_changed)
        self.refresh()

    # == public API =====================================================================================================
    @property
    def log(self) -> bool:
        if self._log is None:
            return self.chart_name == "heatmap"
        return self._log

    @property
    def chart_name(self) -> str:
        """The chart shown ("auto" resolved by the stream's kind)."""
        if self.chart_choice != "auto":
            return self.chart_choice
        if self.kind is None:
            return "timeseries"
        return "heatmap" if self.kind in BUCKET_KINDS else "timeseries"

    def refresh(self) -> None:
        """Called by the frame timer: redraw if the stream, its host's clock or the settings moved; cheap if not.

        A panel that is hidden (another tab) or paused does nothing. Under load, redraws
        share a time budget (see ``RedrawBudget``): the frame timer keeps its rate and
        the event loop stays responsive, and each panel redraws less often instead.
        """
        if self.paused or not self.isVisible():
            BUDGET.forget(self)
            return
        self._refresh()

    def _refresh(self, budgeted: bool = True) -> None:
        store = self.store
        try:
            version = store.version(self.stream)
        except KeyError:
            self._waiting()
            return
        clock = store.clock(self.stream[0])
        drops_version = self._drops_version()
        follow = self.link.follow
        stamp = (version, clock, drops_version, follow, self.link.x_range() if not follow else None)
        if stamp == self._stamp and not self._force:
            BUDGET.forget(self)
            return
        now = time.perf_counter()
        if budgeted and not self._force and not BUDGET.allow(self, now):
            return  # stays pending: the next frame asks again
        if self.chart is None or version < self._version or self.kind is None:
            self._learn_stream()
            self._refetch = True
        self._version = version
        self._stamp = stamp
        routine = not (
            self._force or self._refetch
        )  # a chart built or a setting changed is no measure of a redraw
        self._draw(clock, refetch=self._refetch)
        self._force = self._refetch = False
        BUDGET.drawn(self, now, time.perf_counter() - now, routine)

    def time_range(self) -> tuple[float, float] | None:
        """The time range shown (epoch seconds), for charts with a time axis; None for the others."""
        if self.chart is None or not self.chart.timed:
            return None
        lo, hi = self.chart.vb.viewRange()[0]
        return lo + self.chart.t0, hi + self.chart.t0

    def state(self) -> dict:
        """Everything the workspace file keeps to show this panel again."""
        return {
            "stream": list(self.stream),
            "chart": self.chart_choice,
            "view": self.view,
            "paused": self.paused,
            "log": self.log,
            "window": self.window,
            "hidden": sorted([list(k) for k in self.hidden], key=str),
            "key": list(self.key) if self.key is not None else None,
            "field": self.field,
            "top": self.top,
        }

    def restore(self, state: dict) -> None:
        """Apply what ``state()`` returned (unknown or missing fields are left as they are)."""
        if state.get("chart") in CHARTS:
            self.chart_choice = state["chart"]
        if state.get("view") in VIEW_TITLES:
            self.view = state["view"]
        if "log" in state and state["log"] is not None:
            self._log = bool(state["log"])
        if "window" in state:
            w = state["window"]
            self.window = float(w) if w else None
        if "hidden" in state:
            self.hidden = {tuple(k) for k in state["hidden"] or []}
        if "key" in state:
            self.key = tuple(state["key"]) if state["key"] is not None else None
        if state.get("field") in STATS_FIELDS:
            self.field = state["field"]
        if "top" in state:
            self.top = max(1, int(state["top"]))
        self._rebuild_chart()
        self._sync_toolbar()
        # Draw once with the restored settings, then pause if the panel was paused.
        self.paused = False
        self._invalidate(data=True)
        self.set_paused(bool(state.get("paused", False)))

    def set_alert_marks(self, marks: list[tuple[float, float | None, str, str]]) -> None:
        """Mark alert firings on the time axis: a line where each fired, its span shaded until it resolved (or
        until now); ``marks`` are (fired, resolved or None, tooltip text, colour), the newest
        ``MAX_ALERT_MARKS`` kept."""
        marks = sorted(marks)[-MAX_ALERT_MARKS:]
        if marks != self.alert_marks:
            self.alert_marks = marks
            self._invalidate()

    def set_chart(self, chart: str) -> None:
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}; expected one of {CHARTS}")
        if chart != self.chart_choice:
            self.chart_choice = chart
            if self._log is not None and chart != "auto":
                self._log = None if chart == "heatmap" else self._log
            self._rebuild_chart()
            self._sync_toolbar()
            self._invalidate(data=True)

    def set_view(self, view: str) -> None:
        if view not in VIEW_TITLES:
            raise ValueError(f"unknown view {view!r}; expected interval or cumulative")
        if view != self.view:
            self.view = view
            self._sync_toolbar()
            self._invalidate(data=True)

    def set_paused(self, paused: bool) -> None:
        self.paused = bool(paused)
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(self.paused)
        self.pause_action.blockSignals(False)
        if not self.paused:
            self._invalidate()

    def set_log(self, on: bool) -> None:
        self._log = bool(on)
        self.log_action.blockSignals(True)
        self.log_action.setChecked(self._log)
        self.log_action.blockSignals(False)
        if self.chart is not None:
            self.chart.set_log(self._log)
        self._invalidate()

    def set_window(self, seconds: float | None) -> None:
        """Show the last ``seconds`` of the stream (None: all the store holds), and follow the newest data."""
        self.window = float(seconds) if seconds else None
        self._sync_toolbar()
        self.link.set_follow(True)
        self._invalidate()

    def set_key(self, key: tuple | None) -> None:
        """The key a heatmap or histogram shows; None sums over every key."""
        self.key = tuple(key) if key is not None else None
        self._sync_toolbar()
        self._invalidate(data=True)

    def set_field(self, field: str) -> None:
        if field not in STATS_FIELDS:
            raise ValueError(f"unknown stats field {field!r}")
        self.field = field
        self._sync_toolbar()
        self._invalidate(data=True)

    def set_top(self, n: int) -> None:
        self.top = max(1, int(n))
        self._sync_toolbar()
        self._invalidate()

    def set_hidden(self, keys) -> None:
        self.hidden = {tuple(k) for k in keys}
        if isinstance(self.chart, TimeSeriesChart):
            self.chart.set_hidden(self.hidden)
        self._invalidate()

    def toggle_key(self, key: tuple) -> None:
        """Show or hide one key (what a click on its legend entry does)."""
        key = tuple(key)
        self.set_hidden(self.hidden ^ {key})

    def set_overlay(self, label: str, times, values, colour: str | None = None) -> None:
        """Draw ``values`` at ``times`` (epoch seconds) over the time series as a dashed curve called ``label``."""
        self.overlays.set(label, times, values, colour)
        self._invalidate()

    def clear_overlays(self) -> None:
        self.overlays.clear()
        self._invalidate()

    def export_png(self, path) -> None:
        self._refresh(budgeted=False)
        exporter = pg.exporters.ImageExporter(self.canvas.ci)
        exporter.parameters()["width"] = max(int(self.canvas.ci.boundingRect().width()), 400)
        exporter.parameters()["background"] = pg.mkColor("w")
        exporter.export(str(path))
        self.message.emit(f"saved {path}")

    def export_svg(self, path) -> None:
        self._refresh(budgeted=False)
        exporter = pg.exporters.SVGExporter(self.canvas.ci)
        exporter.parameters()["background"] = pg.mkColor("w")
        with _svg_paths_without_z():
            exporter.export(str(path))
        self.message.emit(f"saved {path}")

    def export_csv(self, path) -> None:
        self._refresh(budgeted=False)
        header, rows = self.chart.csv() if self.chart is not None else ([], [])
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        self.message.emit(f"saved {len(rows)} rows to {path}")

    def value_label(self) -> str:
        """Y axis text: the aggregation, its kind and the view."""
        kind = self.kind or ""
        if self.kind in STATS_KINDS:
            kind = f"stats {self.field}"
        elif self.kind in BUCKET_KINDS and self.chart_name not in ("heatmap", "histogram"):
            kind = f"{kind} count"
        return f"{self.stream[2]} ({kind}, {'per interval' if self.view == 'interval' else 'cumulative'})"

    def colour(self, key: tuple) -> str:
        """The colour of a key: the same in every panel for the session, so a key never changes colour."""
        return colour_of(key)

    def keys_changed(self) -> None:
        """A chart changed the hidden keys (legend click)."""
        self._invalidate()

    # == building =======================================================================================================
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.toolbar = QToolBar(self)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.75)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setStyleSheet("QToolBar { spacing: 2px; padding: 1px; }")
        self.title = _ElidedLabel(" · ".join(self.stream))
        self.title.setStyleSheet("font-weight: 600; padding: 0 4px;")
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(60)
        self.toolbar.addWidget(self.title)

        self.chart_box = QComboBox()
        self.chart_box.setToolTip("Chart type")
        for name in CHARTS:
            self.chart_box.addItem(CHART_TITLES[name], name)
        self.chart_box.activated.connect(lambda i: self.set_chart(self.chart_box.itemData(i)))
        self.toolbar.addWidget(self.chart_box)

        self.view_box = QComboBox()
        self.view_box.setToolTip(
            "Per interval (what happened in each interval) or cumulative (running total)"
        )
        for name, title in VIEW_TITLES.items():
            self.view_box.addItem(title, name)
        self.view_box.activated.connect(lambda i: self.set_view(self.view_box.itemData(i)))
        self.toolbar.addWidget(self.view_box)

        self.key_box = QComboBox()
        self.key_box.setToolTip("Heatmap and histogram: one key, or all keys summed")
        self.key_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.key_box.addItem("all keys (sum)", None)
        self.key_box.activated.connect(lambda i: self.set_key(self.key_box.itemData(i)))
        self.key_action = self.toolbar.addWidget(self.key_box)

        self.field_box = QComboBox()
        self.field_box.setToolTip("stats: which field to plot")
        for name in STATS_FIELDS:
            self.field_box.addItem(name, name)
        self.field_box.activated.connect(lambda i: self.set_field(self.field_box.itemData(i)))
        self.field_action = self.toolbar.addWidget(self.field_box)

        self.window_box = QComboBox()
        self.window_box.setToolTip("Time window, ending at the stream's newest data")
        self.window_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for title, seconds in WINDOWS:
            self.window_box.addItem(title, seconds)
        self.window_box.activated.connect(lambda i: self.set_window(self.window_box.itemData(i)))
        self.toolbar.addWidget(self.window_box)

        self.top_box = QSpinBox()
        self.top_box.setRange(1, 64)
        self.top_box.setPrefix("top ")
        self.top_box.setToolTip("How many keys (the busiest in the window)")
        self.top_box.setMaximumWidth(62)
        self.top_box.valueChanged.connect(self.set_top)
        self.top_action = self.toolbar.addWidget(self.top_box)

        self.log_action = QAction("log", self, checkable=True)
        self.log_action.setToolTip("Log scale (colour scale for heatmaps)")
        self.log_action.toggled.connect(self.set_log)
        self.toolbar.addAction(self.log_action)

        self.pause_action = QAction("pause", self, checkable=True)
        self.pause_action.setToolTip("Stop redrawing this plot (data keeps arriving)")
        self.pause_action.toggled.connect(self.set_paused)
        self.toolbar.addAction(self.pause_action)

        self.follow_action = QAction("follow", self, checkable=True)
        self.follow_action.setToolTip(
            "Follow the newest data (End or double-click); zooming or panning stops it"
        )
        self.follow_action.setChecked(self.link.follow)
        self.follow_action.toggled.connect(lambda on: self.link.set_follow(on))
        self.toolbar.addAction(self.follow_action)

        export = QToolButton()
        export.setText("export")
        export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(export)
        menu.addAction("PNG image…", lambda: self._export_dialog("png"))
        menu.addAction("SVG image…", lambda: self._export_dialog("svg"))
        menu.addAction("CSV data…", lambda: self._export_dialog("csv"))
        export.setMenu(menu)
        self.toolbar.addWidget(export)
        layout.addWidget(self.toolbar)

        self.canvas = _Canvas(self)
        self.canvas.setBackground("w")
        self.canvas.ci.setContentsMargins(2, 2, 6, 2)
        self.canvas.ci.setSpacing(0)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.canvas.installEventFilter(self)
        layout.addWidget(self.canvas, 1)
        scene = self.canvas.scene()
        self._mouse_proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=30, slot=self._mouse_moved)
        scene.sigMouseClicked.connect(self._mouse_clicked)
        end = QShortcut(
            QKeySequence(Qt.Key.Key_End), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        end.activated.connect(lambda: self.link.set_follow(True))
        self._placeholder = pg.TextItem("waiting for data…", color="#888888", anchor=(0.5, 0.5))
        self._sync_toolbar()

    def _learn_stream(self) -> None:
        try:
            info = self.store.info(self.stream)
        except StopIteration:
            return
        changed = info.kind != self.kind
        self.kind = info.kind
        self.interval = info.interval if info.interval > 0 else 1.0
        if changed or self.chart is None:
            self._rebuild_chart()
            self._sync_toolbar()

    def _rebuild_chart(self) -> None:
        if self.kind is None:
            return
        if self.chart is not None:
            if self.chart.timed:
                self.link.detach(self.chart.vb)
            self.chart.dispose()
            self.chart = None
        self._drop_scatter = None
        self._drop_lines = None
        self._gap_items = []
        self._alert_items = []
        name = self.chart_name
        if name not in kinds_charts(self.kind):
            name = kinds_charts(self.kind)[0]
        clock = self.store.clock(self.stream[0])
        self.time_origin = math.floor(clock / ORIGIN_STEP) * ORIGIN_STEP if clock else 0.0
        self.chart = CHART_CLASSES[name](self)
        self.chart.set_log(self.log)
        self._refetch = True
        if self.chart.timed:
            self.link.attach(self.chart.vb)
            if self.drops is not None:
                self._build_drop_marks()
        self._force = True

    def _build_drop_marks(self) -> None:
        """Red triangles along the bottom of the plot at intervals with drops; hover one for its causes.

        Inside the plot rather than in a strip of their own: a second PlotItem in the layout
        throws pyqtgraph's SVG export off (the plot's y comes out squeezed).
        """
        scatter = pg.ScatterPlotItem(
            size=12,
            symbol="t1",
            pen=pg.mkPen("#FFFFFF"),
            brush=pg.mkBrush(DROP_COLOUR),
            hoverable=True,
            tip=lambda x, y, data: data,
            hoverBrush=pg.mkBrush("#FF7F0E"),
        )
        scatter.setZValue(45)
        # and a thin red line through the plot at each, so a drop shows even among dense curves
        lines = pg.PlotCurveItem(pen=pg.mkPen(DROP_COLOUR + "99", width=1, style=Qt.PenStyle.DashLine))
        lines.setZValue(44)
        self.chart.plot.addItem(lines, ignoreBounds=True)
        self.chart.plot.addItem(scatter, ignoreBounds=True)
        self._drop_scatter = scatter
        self._drop_lines = lines

    # == drawing ========================================================================================================
    def _draw(self, clock: float, refetch: bool) -> None:
        chart = self.chart
        if chart is None:
            return
        if chart.timed and abs(clock - chart.t0) > REBASE_AFTER:
            self._rebuild_chart()  # a new time origin near the data (see charts.TimeAxis)
            chart = self.chart
        if self._placeholder.scene() is not None:
            self._placeholder.scene().removeItem(self._placeholder)
        follow = self.link.follow
        window = self.window
        hi = clock
        lo = clock - window if window else -math.inf
        if not follow and self.link.x_range() is not None:
            lo_view, hi_view = self.link.x_range()
            start = min(lo, lo_view) if window else -math.inf
            lo, hi = lo_view, hi_view
        else:
            start = lo
        chart.pull(start, refetch)
        if follow and chart.timed and math.isfinite(lo) and len(chart.cache.times):
            # A young stream fills the plot, not a sliver at the right edge of its window.
            first = float(chart.cache.times[0]) - self.interval
            lo = max(lo, hi - max(hi - first, MIN_SPAN))
        if not math.isfinite(lo) and chart.timed:
            lo = (
                (float(chart.cache.times[0]) - self.interval)
                if len(chart.cache.times)
                else clock - self.interval
            )
        chart.draw(lo, hi)
        self._update_key_box()
        if chart.timed:
            self._mark_gaps(start, clock)
            self._mark_alerts(clock)
            if self.drops is not None:
                self._mark_drops(start)
            self.overlays.draw(chart)
            if follow and not chart.sets_x_range:
                chart.vb.setXRange(lo - chart.t0, hi - chart.t0, padding=0)

    def _mark_gaps(self, start: float, clock: float) -> None:
        # From the rows the chart holds (the window, and whatever the user panned back to), plus a
        # silence still going on at the host's clock.
        gaps = find_gaps(self.chart.cache.times, self.interval, GAP_FACTOR, until=clock)
        self.gaps = gaps
        plot = self.chart.plot
        while len(self._gap_items) < len(gaps):
            region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*GAP_BRUSH), pen=pg.mkPen(None))
            region.setZValue(30)
            plot.addItem(region, ignoreBounds=True)
            self._gap_items.append(region)
        for i, region in enumerate(self._gap_items):
            if i < len(gaps):
                a, b = gaps[i]
                region.setRegion((a - self.chart.t0, b - self.chart.t0))
                region.setToolTip(f"no data for {b - a:.3g} s ({fmt_time(a)} → {fmt_time(b)})")
                region.show()
            else:
                region.hide()

    def _mark_alerts(self, clock: float) -> None:
        plot, t0 = self.chart.plot, self.chart.t0
        while len(self._alert_items) < len(self.alert_marks):
            line = pg.InfiniteLine(angle=90, movable=False)
            line.setZValue(46)
            region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
            region.setZValue(31)
            plot.addItem(region, ignoreBounds=True)
            plot.addItem(line, ignoreBounds=True)
            self._alert_items.append((line, region))
        for i, (line, region) in enumerate(self._alert_items):
            if i >= len(self.alert_marks):
                line.hide()
                region.hide()
                continue
            fired, resolved, text, colour = self.alert_marks[i]
            line.setPen(pg.mkPen(colour, width=2))
            line.setPos(fired - t0)
            line.setToolTip(text)
            brush = pg.mkColor(colour)
            brush.setAlpha(40)
            region.setBrush(pg.mkBrush(brush))
            region.setRegion((fired - t0, (resolved if resolved is not None else max(clock, fired)) - t0))
            region.setToolTip(text)
            line.show()
            region.show()

    def _mark_drops(self, start: float) -> None:
        store, stream = self.drops
        marks: list[tuple[float, str]] = []
        try:
            times, values, labels = store.matrix(
                stream, "interval", since=start if math.isfinite(start) else None
            )
        except KeyError:
            times, values, labels = np.zeros(0), np.zeros((0, 0)), []
        for i in np.flatnonzero(np.nansum(values, axis=1) > 0) if len(times) else []:
            causes = ", ".join(
                f"{key_text(labels[c])}: {fmt_number(values[i, c])}" for c in np.flatnonzero(values[i] > 0)
            )
            marks.append((float(times[i]), f"drops at {fmt_time(float(times[i]))} · {causes}"))
        self.drop_marks = marks
        if self._drop_scatter is not None:
            t0 = self.chart.t0
            y0, y1 = self.chart.vb.viewRange()[1]
            y = y0 + 0.03 * (y1 - y0)  # just above the time axis
            xs = np.array([t - t0 for t, _ in marks])
            self._drop_scatter.setData(x=xs, y=np.full(len(xs), y), data=[m for _, m in marks])
            self._drop_lines.setData(np.repeat(xs, 2), np.tile([y, y1], len(xs)), connect="pairs")

    def _drops_version(self) -> int:
        if self.drops is None:
            return -1
        try:
            return self.drops[0].version(self.drops[1])
        except KeyError:
            return -1

    def _waiting(self) -> None:
        if self.chart is None and self._placeholder.scene() is None:
            self.canvas.scene().addItem(self._placeholder)
            self._placeholder.setPos(self.canvas.width() / 2, self.canvas.height() / 2)

    def _invalidate(self, data: bool = False) -> None:
        self._force = True
        self._refetch = self._refetch or data
        if not self.paused:
            self.refresh()

    def _follow_changed(self, on: bool) -> None:
        self.follow_action.blockSignals(True)
        self.follow_action.setChecked(on)
        self.follow_action.blockSignals(False)
        self._force = True
        if on and not self.paused:
            self.refresh()

    # == toolbar ========================================================================================================
    def _sync_toolbar(self) -> None:
        kind = self.kind
        fits = kinds_charts(kind) if kind else list(CHART_CLASSES)
        model = self.chart_box.model()
        for i in range(self.chart_box.count()):
            name = self.chart_box.itemData(i)
            model.item(i).setEnabled(name == "auto" or name in fits)
        self.chart_box.setCurrentIndex(CHARTS.index(self.chart_choice))
        self.view_box.setCurrentIndex(list(VIEW_TITLES).index(self.view))
        box = self.window_box
        index = box.findData(self.window)
        if index < 0:  # a window restored from a file or set by code that the list does not offer
            box.addItem(_window_title(self.window), self.window)
            index = box.count() - 1
        box.setCurrentIndex(index)
        name = self.chart_name
        self.key_action.setVisible(kind in BUCKET_KINDS and name in ("heatmap", "histogram"))
        self.field_action.setVisible(kind in STATS_KINDS)
        self.field_box.setCurrentIndex(STATS_FIELDS.index(self.field))
        self.top_action.setVisible(name in ("timeseries", "bars", "pie"))
        self.follow_action.setVisible(name in ("timeseries", "heatmap"))
        self.top_box.blockSignals(True)
        self.top_box.setValue(self.top)
        self.top_box.blockSignals(False)
        self.log_action.blockSignals(True)
        self.log_action.setChecked(self.log)
        self.log_action.setEnabled(name != "pie")
        self.log_action.blockSignals(False)
        kind_text = f" ({kind})" if kind else ""
        self.title.setText(" · ".join(self.stream))
        self.title.setToolTip(" · ".join(self.stream) + kind_text)
        self._select_key_item()

    def _update_key_box(self) -> None:
        if not self.key_action.isVisible() and self.kind not in BUCKET_KINDS:
            return
        try:
            n = len(self.store.labels(self.stream))
        except KeyError:
            return
        if n == self._keys_seen:
            return
        self._keys_seen = n
        keys = self.store.keys(self.stream)
        box = self.key_box
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for key in keys:
            box.addItem(key_text(key), key)
        box.blockSignals(False)
        self._select_key_item()

    def _select_key_item(self) -> None:
        box = self.key_box
        for i in range(box.count()):
            if box.itemData(i) == self.key:
                box.setCurrentIndex(i)
                return
        if self.key is not None:
            box.addItem(key_text(self.key), self.key)
            box.setCurrentIndex(box.count() - 1)

    def _export_dialog(self, what: str) -> None:
        name = "_".join(self.stream).replace("/", "_")
        filters = {"png": "PNG image (*.png)", "svg": "SVG image (*.svg)", "csv": "CSV data (*.csv)"}
        path, _ = QFileDialog.getSaveFileName(self, f"Export {what.upper()}", f"{name}.{what}", filters[what])
        if path:
            {"png": self.export_png, "svg": self.export_svg, "csv": self.export_csv}[what](Path(path))

    # == mouse and keys =================================================================================================
    def _mouse_moved(self, args) -> None:
        chart = self.chart
        if chart is None:
            return
        pos = args[0]
        if not chart.vb.sceneBoundingRect().contains(pos):
            chart.leave()
            return
        p = chart.vb.mapSceneToView(pos)
        text = chart.hover(p.x(), p.y())
        if text:
            self.message.emit(text)

    def _mouse_clicked(self, ev) -> None:
        chart = self.chart
        if chart is None:
            return
        if ev.double():
            self.link.set_follow(True)
            ev.accept()
            return
        if ev.button() != Qt.MouseButton.LeftButton or not chart.vb.sceneBoundingRect().contains(
            ev.scenePos()
        ):
            return
        p = chart.vb.mapSceneToView(ev.scenePos())
        info = chart.click(p.x(), p.y())
        if info is not None:
            self.cellClicked.emit(info)
            describe = getattr(chart, "describe", None)
            self.message.emit(describe(info) if describe else str(info))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.canvas and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_End:
            self.link.set_follow(True)
            return True
        return super().eventFilter(obj, event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._force = True

    def closeEvent(self, event) -> None:
        BUDGET.forget(self)
        if self.chart is not None and self.chart.timed:
            self.link.detach(self.chart.vb)
        super().closeEvent(event)


def _window_title(seconds: float | None) -> str:
    if not seconds:
        return "all"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"


@contextlib.contextmanager
def _svg_paths_without_z():
    """pyqtgraph 0.14's SVG exporter cannot read the "Z" (close path) that Qt 6.10+ writes in path data
    (pyqtgraph/pyqtgraph#3485: ValueError in correctCoordinates). For the length of one export, its
    path data is given an explicit line back to the subpath's start instead, which draws the same.

    Qt's own QSvgGenerator is no way round: it writes the plot's data coordinates (epoch seconds,
    ~1.8e9) into transforms that SVG renderers apply in single precision, and the curves vanish;
    pyqtgraph's exporter maps everything to pixels first, which is why it is worth keeping.
    """
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def correct(node, defs, item, options):
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d").strip()
            if "Z" in d or "z" in d:
                path.setAttribute("d", _close_explicitly(d))
        return original(node, defs, item, options)

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original


def _close_explicitly(d: str) -> str:
    out, start = [], None
    for token in d.split():
        if token in ("Z", "z"):
            if start is not None:
                out.append(f"L{start}")
            continue
        closing = token.endswith(("Z", "z"))
        token = token.rstrip("Zz")
        if token[:1] in ("M", "m"):
            start = token[1:]
        out.append(token)
        if closing and start is not None:
            out.append(f"L{start}")
    return " ".join(out)


class RedrawBudget:
    """How much of the GUI thread the plots may use, shared by every panel of the process.

    The frame timer calls every panel's ``refresh()`` thirty times a second; a panel
    whose stream moved redraws (Python work in ``refresh``, then its paint in the
    event loop). With many panels on fast streams, or a consumer thread busy
    ingesting, that work can exceed what the GUI thread has: frames would stretch
    and the event loop stall. So:

    * redraws draw on a token bucket filled at ``share`` of wall time, at most
      ``burst`` seconds ahead: one frame never carries a pile of redraws;
    * when the bucket is empty, panels queue, and the one that has waited longest
      goes first, so the frame timer's fixed order favours nobody;
    * each panel waits at least (busy panels × its own redraw cost ÷ share)
      between redraws, so a cheap panel on a fast stream does not take every turn.

    The frame timer keeps its rate, the event loop stays responsive, and under load
    each panel simply redraws less often (the newest data is never skipped, only
    shown later). Settings changes (chart, window, key, ...) redraw at once.
    """

    def __init__(self, share: float = 0.5, burst: float = 0.025, max_interval: float = 5.0):
        self.share, self.burst, self.max_interval = share, burst, max_interval
        self.enabled = True
        self.tokens = burst
        self.last = time.perf_counter()
        self.draw_cost: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # panel -> seconds (EWMA)
        self.paint_cost: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.drawn_at: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.waiting: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # panel -> (since, last asked)
        self.redraws = 0
        self._busy, self._busy_at = 1, -1e9
        self._paint_due: weakref.WeakKeyDictionary = (
            weakref.WeakKeyDictionary()
        )  # panel -> (estimate, routine)
        self._oldest: float | None = None

    def cost(self, panel) -> float:
        """Seconds of GUI thread one redraw of ``panel`` takes: its Python work plus its paint."""
        return self.draw_cost.get(panel, 0.0) + self.paint_cost.get(panel, 0.0)

    def interval(self, panel, now: float) -> float:
        """The least time between two redraws of ``panel`` now."""
        if now - self._busy_at > 0.1 or now < self._busy_at:  # counted ten times a second, not per call
            self._busy = sum(1 for t in list(self.drawn_at.values()) if now - t < 2 * self.max_interval) or 1
            self._busy_at = now
        return min(self.max_interval, max(1.0 / 30, self._busy * self.cost(panel) / self.share))

    def allow(self, panel, now: float) -> bool:
        """May ``panel`` redraw now? If not, it is queued and asks again next frame."""
        if not self.enabled:
            return True
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.last) * self.share)
        self.last = now
        since = self.waiting.get(panel, (now, now))[0]
        self.waiting[panel] = (since, now)
        self._oldest = None if self._oldest is None else min(self._oldest, since)
        if now - self.drawn_at.get(panel, -1e9) < self.interval(panel, now):
            return False
        if self.tokens < min(self.cost(panel), self.burst) or self.tokens <= 0:
            return False  # one frame carries at most about `burst` of redrawing
        if self._oldest is None:  # recounted after each redraw, not per call
            # Only panels still asking count: one nobody refreshes any more (closed, replaced) must not
            # hold the queue.
            for other, (t, asked) in list(self.waiting.items()):
                if now - asked > 1.0:
                    del self.waiting[other]
            self._oldest = min((t for t, _ in self.waiting.values()), default=since)
        return since <= self._oldest  # nobody has waited longer

    def forget(self, panel) -> None:
        """``panel`` has nothing to draw (or is hidden, paused): it leaves the queue."""
        if self.waiting.pop(panel, None) is not None:
            self._oldest = None

    def drawn(self, panel, now: float, seconds: float, routine: bool = True) -> None:
        """``panel`` redrew, in ``seconds``; ``routine``: an ordinary redraw (its time is the panel's cost)."""
        self.waiting.pop(panel, None)
        self._oldest = None
        if panel not in self.drawn_at:
            self._busy_at = -1e9  # a newcomer: count again
        self.drawn_at[panel] = now
        self.redraws += 1
        # The paint that follows is charged now, on its estimate (corrected when it happens): otherwise
        # one frame could let many panels draw and leave all their paints to the next event-loop pass.
        expected = self.paint_cost.get(panel, seconds)
        self.tokens -= seconds + expected
        self._paint_due[panel] = (expected, routine)
        if routine:
            self.draw_cost[panel] = _ewma(self.draw_cost.get(panel), seconds)

    def note_paint(self, panel, seconds: float) -> None:
        expected, routine = self._paint_due.pop(panel, (0.0, False))
        self.tokens -= seconds - expected
        if routine:
            self.paint_cost[panel] = _ewma(self.paint_cost.get(panel), seconds)


def _ewma(old: float | None, new: float, alpha: float = 0.3) -> float:
    return new if old is None else old + alpha * (new - old)


BUDGET = RedrawBudget()


class _Canvas(pg.GraphicsLayoutWidget):
    """The panel's graphics view; times its paints for the redraw budget."""

    def __init__(self, panel):
        super().__init__()
        self._panel = weakref.ref(panel)

    def paintEvent(self, event) -> None:
        t = time.perf_counter()
        super().paintEvent(event)
        panel = self._panel()
        if panel is not None:
            BUDGET.note_paint(panel, time.perf_counter() - t)


class _ElidedLabel(QLabel):
    """A label that shortens its text with "…" rather than pushing the toolbar's buttons out of sight."""

    def __init__(self, text: str = ""):
        super().__init__()
        self._full = text
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setWidth(min(self.fontMetrics().horizontalAdvance(self._full) + 12, 320))
        return hint

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(60)
        return hint

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideMiddle, max(self.width() - 10, 20)
        )
        QLabel.setText(self, shown)
