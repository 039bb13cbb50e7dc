"""PanelRefresh: a panel's work on each frame — has anything moved, which chart, what to read and show.

Apart from the panel because it is the one part that runs thirty times a second: the panel
(panel.py) holds the settings and answers the toolbar and the API; this decides, from a
stamp of what was last drawn, whether a frame has anything to do, asks the redraw budget
for a turn, builds the chart the stream's kind calls for, reads only the rows that are new
from the store, and works out the time range to show.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg

from .charts import BarsChart, Chart, HistogramChart, PieChart, TimeSeriesChart, kinds_charts
from .heatmap import HeatmapChart

if TYPE_CHECKING:
    from .panel import PlotPanel

CHART_CLASSES: dict[str, type[Chart]] = {
    "timeseries": TimeSeriesChart,
    "bars": BarsChart,
    "pie": PieChart,
    "histogram": HistogramChart,
    "heatmap": HeatmapChart,
}
#: Timed charts plot time − origin, the origin a whole hour near the data, moved after half a day.
ORIGIN_STEP = 3600.0
REBASE_AFTER = 43200.0
#: Seconds a following time axis shows at least, however young its stream.
MIN_SPAN = 30.0


class PanelRefresh:
    """The frame-by-frame state of one ``PlotPanel``; it sets the panel's ``kind``, ``interval``,
    ``time_origin`` and ``chart``."""

    def __init__(self, panel: PlotPanel) -> None:
        self._panel = panel
        self.stamp: tuple[Any, ...] | None = None
        self.force = True  # redraw at the next refresh even if nothing moved
        self.refetch = True  # and read the window again rather than only what is new
        self.version = -1
        self._placeholder = pg.TextItem("waiting for data…", color="#888888", anchor=(0.5, 0.5))

    def invalidate(self, data: bool = False) -> None:
        """Redraw at the next refresh; ``data``: read the window again (a setting changed what is read)."""
        self.force = True
        self.refetch = self.refetch or data

    def run(self, budgeted: bool = True) -> None:
        """Redraw if the stream, its host's clock, the drops or the view moved (or a redraw was asked for)."""
        p = self._panel
        store = p.store
        try:
            version = store.version(p.stream)
        except KeyError:
            self._waiting()
            return
        clock = store.clock(p.stream[0])
        drops_version = p.time_marks.drops_version()
        follow = p.link.follow
        stamp = (version, clock, drops_version, follow, p.link.x_range() if not follow else None)
        if stamp == self.stamp and not self.force:
            p.budget.forget(p)
            return
        now = p.budget.clock()
        if budgeted and not self.force and not p.budget.allow(p, now, every=p.interval):
            return  # stays pending: the next frame asks again
        if p.chart is None or version < self.version or p.kind is None:
            self.learn_stream()
            self.refetch = True
        self.version = version
        self.stamp = stamp
        routine = not (
            self.force or self.refetch
        )  # a chart built or a setting changed is no measure of a redraw
        started = time.perf_counter()
        self._draw(clock, refetch=self.refetch)
        self.force = self.refetch = False
        p.budget.drawn(p, now, time.perf_counter() - started, routine)

    def learn_stream(self) -> None:
        """Read the stream's kind and interval; a new kind gets a new chart."""
        p = self._panel
        try:
            info = p.store.info(p.stream)
        except StopIteration:
            return
        changed = info.kind != p.kind
        p.kind = info.kind
        p.interval = info.interval if info.interval > 0 else 1.0
        if changed or p.chart is None:
            self.rebuild_chart()
            p.toolbar.sync()

    def rebuild_chart(self) -> None:
        """Build the chart the settings and the stream's kind call for, in place of the one shown."""
        p = self._panel
        if p.kind is None:
            return
        if p.chart is not None:
            if p.chart.timed:
                p.link.detach(p.chart.vb)
            p.chart.dispose()
            p.chart = None
        p.time_marks.attach(None)
        name = p.chart_name
        if name not in kinds_charts(p.kind):
            name = kinds_charts(p.kind)[0]
        clock = p.store.clock(p.stream[0])
        p.time_origin = math.floor(clock / ORIGIN_STEP) * ORIGIN_STEP if clock else 0.0
        chart = p.chart = CHART_CLASSES[name](p)
        chart.set_log(p.log)
        self.refetch = True
        if chart.timed:
            p.link.attach(chart.vb)
            p.time_marks.attach(chart)
        self.force = True

    def _draw(self, clock: float, refetch: bool) -> None:
        p = self._panel
        chart = p.chart
        if chart is None:
            return
        if chart.timed and abs(clock - chart.t0) > REBASE_AFTER:
            self.rebuild_chart()  # a new time origin near the data (see charts.TimeAxis)
            chart = p.chart
            assert chart is not None  # the kind is known: a chart was built
        if self._placeholder.scene() is not None:
            self._placeholder.scene().removeItem(self._placeholder)
        follow = p.link.follow
        window = p.window
        hi = clock
        lo = clock - window if window else -math.inf
        x_range = p.link.x_range()
        if not follow and x_range is not None:
            lo_view, hi_view = x_range
            start = min(lo, lo_view) if window else -math.inf
            lo, hi = lo_view, hi_view
        else:
            start = lo
        chart.pull(start, refetch)
        times = chart.cache.times if chart.timed else np.zeros(0)  # a histogram keeps no rows
        if follow and chart.timed and math.isfinite(lo) and len(times):
            # A young stream fills the plot, not a sliver at the right edge of its window.
            first = float(times[0]) - p.interval
            lo = max(lo, hi - max(hi - first, MIN_SPAN))
        if not math.isfinite(lo) and chart.timed:
            lo = (float(times[0]) - p.interval) if len(times) else clock - p.interval
        chart.draw(lo, hi)
        p.toolbar.update_keys()
        if chart.timed:
            p.time_marks.draw(chart, start, clock, p.interval)
            p.overlays.draw(chart)
            if follow and not chart.sets_x_range:
                chart.vb.setXRange(lo - chart.t0, hi - chart.t0, padding=0)

    def _waiting(self) -> None:
        p = self._panel
        if p.chart is None and self._placeholder.scene() is None:
            p.canvas.scene().addItem(self._placeholder)
            self._placeholder.setPos(p.canvas.width() / 2, p.canvas.height() / 2)
