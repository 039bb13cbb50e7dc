"""PlotPanel: one stream's chart under its toolbar, pulled from the store on the frame timer.

The panel holds the settings (``state()``) and the public API of the package docstring;
its parts live in modules of their own: what each frame does (whether anything moved,
which chart, what to read and show) in ``refresh.py``, the controls in ``toolbar.py``,
the gap, alert and drop marks in ``marks.py``, saving images and data in ``export.py``,
and the share of the GUI thread its redraws may take in ``budget.py``.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...schema import BUCKET_KINDS, STATS_KINDS
from ...store.live import LiveStore, StreamId
from ._data import DEFAULT_WINDOW
from .budget import RedrawBudget
from .charts import Chart, KeyedChart, TimeSeriesChart
from .export import ask_path, save_csv, save_png, save_svg
from .link import TimeLink
from .marks import AlertMark, TimeMarks
from .overlay import Overlays
from .palette import Colours
from .refresh import PanelRefresh
from .toolbar import CHARTS, STATS_FIELDS, VIEW_TITLES, PlotToolbar

DEFAULT_TOP = 8


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
        drops: tuple[LiveStore, tuple[str, str, str]] | None = None,
        parent: QWidget | None = None,
        budget: RedrawBudget | None = None,
    ) -> None:
        super().__init__(parent)
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}; expected one of {CHARTS}")
        self.store = store
        self.stream = cast(StreamId, tuple(stream))
        self.drops = (drops[0], cast(StreamId, tuple(drops[1]))) if drops else None
        self.link = link if link is not None else TimeLink(self)
        #: The share of the GUI thread this panel's redraws take their turn in: the dashboard's, shared
        #: by its panels; a panel made alone (a test, the demo, the editor) gets one of its own.
        self.budget = budget if budget is not None else RedrawBudget()
        # settings (state())
        self.chart_choice = chart
        self.view = "interval"
        self.paused = False
        self._log: bool | None = None  # None: the chart's default (log colours for heatmaps)
        # seconds shown (None: all); the name, part of the panel's API, hides QWidget.window()
        self.window: float | None = DEFAULT_WINDOW  # type: ignore[assignment]
        self.hidden: set[tuple[Any, ...]] = set()
        self.key: tuple[Any, ...] | None = None
        self.field = "average"
        self.top = DEFAULT_TOP
        #: the time series' legend beside the plot (shown when the panel leaves the data room for it)
        self.legend = True
        self._colours = Colours()
        # what is known of the stream
        self.kind: str | None = None
        self.interval = 1.0
        self.chart: Chart | None = None
        self.time_origin = 0.0
        #: What each frame does: whether anything moved, the chart's life, what to read and show.
        self._refresher = PanelRefresh(self)
        #: Gap bands, alert firings and drops over a timed chart (marks.py).
        self.time_marks = TimeMarks(self.drops)
        #: Series drawn over the time series (the console's ``ws.plot(..., on=stream)``), see overlay.py.
        self.overlays = Overlays()
        self._build_ui()
        self.link.followChanged.connect(self._follow_changed)
        self.refresh()

    # == public API =====================================================================================================
    @property
    def gaps(self) -> list[tuple[float, float]]:
        """The gaps (start, end) marked on the plot at its last redraw."""
        return self.time_marks.gaps

    @property
    def drop_marks(self) -> list[tuple[float, str]]:
        """The drops (time, tooltip) marked on the plot at its last redraw."""
        return self.time_marks.drop_marks

    @property
    def alert_marks(self) -> list[AlertMark]:
        """(fired, resolved or None, text, colour) of the alerts on this stream, set by the rules panel."""
        return self.time_marks.alert_marks

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

        A panel that is hidden (another tab), scrolled out of view or paused does nothing. Under load, redraws
        share a time budget (see ``RedrawBudget``): the frame timer keeps its rate and
        the event loop stays responsive, and each panel redraws less often instead.
        """
        if self.paused or not self.isVisible() or self.visibleRegion().isEmpty():
            # another tab, a closed dock, or scrolled out of the dashboard's view: nobody would see it
            self.budget.forget(self)
            return
        self._refresh()

    def _refresh(self, budgeted: bool = True) -> None:
        self._refresher.run(budgeted)

    def time_range(self) -> tuple[float, float] | None:
        """The time range shown (epoch seconds), for charts with a time axis; None for the others."""
        if self.chart is None or not self.chart.timed:
            return None
        lo, hi = self.chart.vb.viewRange()[0]
        return lo + self.chart.t0, hi + self.chart.t0

    def state(self) -> dict[str, Any]:
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
            "legend": self.legend,
        }

    def restore(self, state: dict[str, Any]) -> None:
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
        if "legend" in state:
            self.legend = bool(state["legend"])
        self._refresher.rebuild_chart()
        self.toolbar.sync()
        # Draw once with the restored settings, then pause if the panel was paused.
        self.paused = False
        self._invalidate(data=True)
        self.set_paused(bool(state.get("paused", False)))

    def set_alert_marks(self, marks: list[AlertMark]) -> None:
        """Mark alert firings on the time axis: a line where each fired, its span shaded until it resolved (or
        until now); ``marks`` are (fired, resolved or None, tooltip text, colour), the newest
        ``MAX_ALERT_MARKS`` kept (marks.py)."""
        if self.time_marks.set_alerts(marks):
            self._invalidate()

    def set_chart(self, chart: str) -> None:
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}; expected one of {CHARTS}")
        if chart != self.chart_choice:
            self.chart_choice = chart
            if self._log is not None and chart != "auto":
                self._log = None if chart == "heatmap" else self._log
            self._refresher.rebuild_chart()
            self.toolbar.sync()
            self._invalidate(data=True)

    def set_view(self, view: str) -> None:
        if view not in VIEW_TITLES:
            raise ValueError(f"unknown view {view!r}; expected interval or cumulative")
        if view != self.view:
            self.view = view
            self.toolbar.sync()
            self._invalidate(data=True)

    def set_paused(self, paused: bool) -> None:
        self.paused = bool(paused)
        PlotToolbar.set_checked_quietly(self.pause_action, self.paused)
        if not self.paused:
            self._invalidate()

    def set_log(self, on: bool) -> None:
        self._log = bool(on)
        PlotToolbar.set_checked_quietly(self.log_action, self._log)
        if self.chart is not None:
            self.chart.set_log(self._log)
        self._invalidate()

    def set_window(self, seconds: float | None) -> None:
        """Show the last ``seconds`` of the stream (None: all the store holds), and follow the newest data."""
        self.window = float(seconds) if seconds else None
        self.toolbar.sync()
        self.link.set_follow(True)
        self._invalidate()

    def set_key(self, key: Iterable[Any] | None) -> None:
        """The key a heatmap or histogram shows; None sums over every key."""
        self.key = tuple(key) if key is not None else None
        self.toolbar.sync()
        self._invalidate(data=True)

    def set_field(self, field: str) -> None:
        if field not in STATS_FIELDS:
            raise ValueError(f"unknown stats field {field!r}")
        self.field = field
        self.toolbar.sync()
        self._invalidate(data=True)

    def set_top(self, n: int) -> None:
        self.top = max(1, int(n))
        self.toolbar.sync()
        self._invalidate()

    def set_legend(self, on: bool) -> None:
        """Show the time series' legend beside the plot (when wide enough), or not at all."""
        self.legend = bool(on)
        PlotToolbar.set_checked_quietly(self.toolbar.legend_action, self.legend)
        if isinstance(self.chart, TimeSeriesChart):
            self.chart.fit_legend()

    def set_title(self, text: str, tooltip: str = "") -> None:
        """Title the panel ``text`` (elided to fit, ``tooltip`` in full) rather than by its stream's name."""
        self.toolbar.set_title(text, tooltip)

    def set_hidden(self, keys: Iterable[Iterable[Any]]) -> None:
        self.hidden = {tuple(k) for k in keys}
        if isinstance(self.chart, TimeSeriesChart):
            self.chart.set_hidden(self.hidden)
        self._invalidate()

    def toggle_key(self, key: Iterable[Any]) -> None:
        """Show or hide one key (what a click on its legend entry does)."""
        key = tuple(key)
        self.set_hidden(self.hidden ^ {key})

    def set_overlay(self, label: str, times: Any, values: Any, colour: str | None = None) -> None:
        """Draw ``values`` at ``times`` (epoch seconds) over the time series as a dashed curve called ``label``."""
        self.overlays.set(label, times, values, colour)
        self._invalidate()

    def clear_overlays(self) -> None:
        """Remove every overlay."""
        self.overlays.clear()
        self._invalidate()

    def export_png(self, path: str | Path) -> None:
        self._refresh(budgeted=False)
        save_png(self.canvas, path)
        self.message.emit(f"saved {path}")

    def export_svg(self, path: str | Path) -> None:
        self._refresh(budgeted=False)
        save_svg(self.canvas, path)
        self.message.emit(f"saved {path}")

    def export_csv(self, path: str | Path) -> None:
        self._refresh(budgeted=False)
        header, rows = self.chart.csv() if self.chart is not None else ([], [])
        save_csv(header, rows, path)
        self.message.emit(f"saved {len(rows)} rows to {path}")

    def export_dialog(self, what: str) -> None:
        """Ask where to save a ``what`` ("png", "svg", "csv") export, then save it (the toolbar's export menu)."""
        path = ask_path(self, self.stream, what)
        if path is not None:
            {"png": self.export_png, "svg": self.export_svg, "csv": self.export_csv}[what](path)

    def value_label(self) -> str:
        """Y axis text: the aggregation, its kind and the view."""
        kind = self.kind or ""
        if self.kind in STATS_KINDS:
            kind = f"stats {self.field}"
        elif self.kind in BUCKET_KINDS and self.chart_name not in ("heatmap", "histogram"):
            kind = f"{kind} count"
        return f"{self.stream[2]} ({kind}, {'per interval' if self.view == 'interval' else 'cumulative'})"

    def colour(self, key: tuple[Any, ...], shown: Iterable[tuple[Any, ...]] | None = None) -> str:
        """The colour of a key: kept for the panel's life, and apart from the colours of the keys ``shown``
        with it (default: the keys the chart shows) in normal vision and with deuteranopia (palette.py)."""
        if shown is None:
            shown = self.chart.shown if isinstance(self.chart, KeyedChart) else ()
        return self._colours.colour(key, shown)

    def keys_changed(self) -> None:
        """A chart changed the hidden keys (legend click)."""
        self._invalidate()

    # == building =======================================================================================================
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.toolbar = PlotToolbar(self)
        # the controls tests and other panes reach on the panel itself
        self.key_box = self.toolbar.key_box
        self.window_box = self.toolbar.window_box
        self.log_action = self.toolbar.log_action
        self.pause_action = self.toolbar.pause_action
        self.follow_action = self.toolbar.follow_action
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
        self.toolbar.sync()

    def _invalidate(self, data: bool = False) -> None:
        self._refresher.invalidate(data)
        if not self.paused:
            self.refresh()

    def _follow_changed(self, on: bool) -> None:
        PlotToolbar.set_checked_quietly(self.follow_action, on)
        self._refresher.force = True
        if on and not self.paused:
            self.refresh()

    # == mouse and keys =================================================================================================
    def _mouse_moved(self, args: tuple[Any, ...]) -> None:
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

    def _mouse_clicked(self, ev: Any) -> None:  # a pyqtgraph MouseClickEvent
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
        if (
            obj is self.canvas
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_End
        ):
            self.link.set_follow(True)
            return True
        return super().eventFilter(obj, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresher.force = True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.budget.forget(self)
        if self.chart is not None and self.chart.timed:
            self.link.detach(self.chart.vb)
        super().closeEvent(event)


class _Canvas(pg.GraphicsLayoutWidget):
    """The panel's graphics view; times its paints for the panel's redraw budget."""

    def __init__(self, panel: PlotPanel) -> None:
        super().__init__()
        self._panel = weakref.ref(panel)

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        panel = self._panel() if hasattr(self, "_panel") else None  # pyqtgraph resizes during __init__
        if panel is not None and isinstance(panel.chart, TimeSeriesChart):
            panel.chart.fit_legend()

    def paintEvent(self, event: QPaintEvent) -> None:
        t = time.perf_counter()
        super().paintEvent(event)
        panel = self._panel()
        if panel is not None:
            panel.budget.note_paint(panel, time.perf_counter() - t)
