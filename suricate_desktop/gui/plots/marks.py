"""Marks drawn over a timed chart: gap bands, alert firings and the agent's drops.

Apart from the panel because they are a layer of their own on top of any timed chart
(time series or heatmap): the panel's refresh says when to draw them, this module what.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...store.live import LiveStore, StreamId, find_gaps
from ._data import GAP_FACTOR, fmt_number, fmt_time, key_text
from .charts import Chart

GAP_BRUSH = (128, 128, 128, 60)
DROP_COLOUR = "#D62728"
#: Alert firings marked on a plot, newest kept (a flapping rule must not fill a plot with lines).
MAX_ALERT_MARKS = 30

#: (fired, resolved or None, tooltip text, colour)
AlertMark = tuple[float, float | None, str, str]


class TimeMarks:
    """The marks of one panel: what they show (``gaps``, ``alert_marks``, ``drop_marks``) and their items.

    ``attach(chart)`` after each chart is built (the items live in its plot); ``draw(...)``
    after each redraw of a timed chart.
    """

    def __init__(self, drops: tuple[LiveStore, StreamId] | None = None) -> None:
        #: the agent's drops stream of the same host, its intervals with drops marked
        self.drops = drops
        self.gaps: list[tuple[float, float]] = []
        self.drop_marks: list[tuple[float, str]] = []
        #: the alerts on this stream, set by the rules panel
        self.alert_marks: list[AlertMark] = []
        self.gap_items: list[pg.LinearRegionItem] = []
        self.alert_items: list[tuple[pg.InfiniteLine, pg.LinearRegionItem]] = []
        self.drop_scatter: pg.ScatterPlotItem | None = None
        self.drop_lines: pg.PlotCurveItem | None = None
        #: (start, end) of a silence between rows -> whether the host was silent too
        self._silent: dict[tuple[float, float], bool] = {}

    def set_alerts(self, marks: list[AlertMark]) -> bool:
        """Keep the newest ``MAX_ALERT_MARKS`` of ``marks``; True if that changed anything."""
        marks = sorted(marks)[-MAX_ALERT_MARKS:]
        if marks == self.alert_marks:
            return False
        self.alert_marks = marks
        return True

    def attach(self, chart: Chart | None) -> None:
        """Forget the items of the previous chart; give a timed ``chart`` its drop marks."""
        self.drop_scatter = None
        self.drop_lines = None
        self.gap_items = []
        self.alert_items = []
        if chart is not None and chart.timed and self.drops is not None:
            self._build_drop_marks(chart)

    def drops_version(self) -> int:
        """The drops stream's version (-1: none, or not there yet), part of what a redraw waits for."""
        if self.drops is None:
            return -1
        try:
            return self.drops[0].version(self.drops[1])
        except KeyError:
            return -1

    def draw(self, chart: Chart, start: float, clock: float, interval: float) -> None:
        """Mark a timed chart's gaps, alerts and drops from ``start`` to the host's ``clock``."""
        self._mark_gaps(chart, clock, interval)
        self._mark_alerts(chart, clock)
        if self.drops is not None:
            self._mark_drops(chart, start)

    def _build_drop_marks(self, chart: Chart) -> None:
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
        chart.plot.addItem(lines, ignoreBounds=True)
        chart.plot.addItem(scatter, ignoreBounds=True)
        self.drop_scatter = scatter
        self.drop_lines = lines

    def _mark_gaps(self, chart: Chart, clock: float, interval: float) -> None:
        # From the rows the chart holds (the window, and whatever the user panned back to), plus a
        # silence still going on at the host's clock.
        gaps = find_gaps(chart.cache.times, interval, GAP_FACTOR, until=clock)
        store, stream = chart.panel.store, chart.panel.stream
        last = float(chart.cache.times[-1]) if len(chart.cache.times) else None
        # A silence between two rows while the host went on sending its other streams is an empty
        # aggregation, not missing data: bpftrace and DTrace print nothing for an empty map, so a
        # stream of events (execs, errors) has such silences all the time. Shading them drew grey
        # bands across plots that had every interval. Only the host's own silences are shaded, and a
        # silence still going on at the end (the stream stopped while its host goes on).
        gaps = [g for g in gaps if g[0] == last or self._host_silent(store, stream, g)]
        self.gaps = gaps
        plot = chart.plot
        while len(self.gap_items) < len(gaps):
            region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*GAP_BRUSH), pen=pg.mkPen(None))
            region.setZValue(30)
            plot.addItem(region, ignoreBounds=True)
            self.gap_items.append(region)
        for i, region in enumerate(self.gap_items):
            if i < len(gaps):
                a, b = gaps[i]
                region.setRegion((a - chart.t0, b - chart.t0))
                region.setToolTip(f"no data for {b - a:.3g} s ({fmt_time(a)} → {fmt_time(b)})")
                region.show()
            else:
                region.hide()

    def _host_silent(self, store: LiveStore, stream: StreamId, gap: tuple[float, float]) -> bool:
        """Did no other stream of ``stream``'s host send anything strictly inside ``gap``? (Remembered.)"""
        known = self._silent.get(gap)
        if known is None:
            a, b = gap
            known = True
            for info in store.streams():
                other = info.stream
                if other[0] != stream[0] or other == stream or info.last_ts <= a:
                    continue
                try:
                    times = store.matrix(other, "interval", since=a)[0]
                except KeyError:
                    continue
                if np.any((times > a) & (times < b)):
                    known = False
                    break
            if len(self._silent) > 4096:
                self._silent.clear()
            self._silent[gap] = known
        return known

    def _mark_alerts(self, chart: Chart, clock: float) -> None:
        plot, t0 = chart.plot, chart.t0
        while len(self.alert_items) < len(self.alert_marks):
            line = pg.InfiniteLine(angle=90, movable=False)
            line.setZValue(46)
            region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
            region.setZValue(31)
            plot.addItem(region, ignoreBounds=True)
            plot.addItem(line, ignoreBounds=True)
            self.alert_items.append((line, region))
        for i, (line, region) in enumerate(self.alert_items):
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

    def _mark_drops(self, chart: Chart, start: float) -> None:
        if self.drops is None:
            return
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
        if self.drop_scatter is not None and self.drop_lines is not None:
            t0 = chart.t0
            y0, y1 = chart.vb.viewRange()[1]
            y = y0 + 0.03 * (y1 - y0)  # just above the time axis
            xs = np.array([t - t0 for t, _ in marks])
            self.drop_scatter.setData(x=xs, y=np.full(len(xs), y), data=[m for _, m in marks])
            self.drop_lines.setData(np.repeat(xs, 2), np.tile([y, y1], len(xs)), connect="pairs")
