"""The charts a PlotPanel can show: time series, bars, pie, histogram (the heatmap is in heatmap.py).

A chart owns its pyqtgraph items inside the panel's canvas and a cache of the
stream's rows; the panel decides when to ``pull`` (the store's version moved)
and ``draw`` (once per frame at most). Charts never listen to the store.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem

from ...schema import BUCKET_KINDS
from ._data import (
    GAP_FACTOR,
    KeyProjection,
    RowCache,
    bucket_ladder,
    decimate,
    edge_text,
    fmt_edge,
    fmt_number,
    fmt_time,
    iso_utc,
    key_text,
    rank_keys,
    spread,
    top_columns,
)
from .axes import FastAxis, TimeAxis, ValueAxis
from .curves import MultiCurve, Series
from .palette import PALETTE as _PALETTE

#: The series colours (palette.py): colour-blind-safe, neighbours kept apart.
PALETTE = _PALETTE

OTHER_COLOUR = "#BBBBBB"
GRID_ALPHA = 0.25
LEFT_AXIS_WIDTH = 60
#: The legend goes beside a time series only if the data keeps at least this many pixels.
MIN_DATA_WIDTH = 320
#: Pixels per legend row.
LEGEND_ROW = 17
#: Legend entries longer than this are elided (the crosshair's readout names the key in full).
LEGEND_CHARS = 22
#: The y range is kept while the data fills more than this share of it (the axis does not jitter).
Y_KEEP = 0.6
#: Seconds a ranking of the keys is kept (while the keys and the settings stay the same).
RANK_EVERY = 1.0
PEN_WIDTH = 1  # cosmetic 1-px lines: half the paint time of 1.5 px on the raster engine


def settle(vb: pg.ViewBox) -> None:
    """Apply a new view range now rather than at paint time.

    ViewBox defers its transform to the paint; the items' bounds then change during
    that paint and schedule a second one. Settling it right after setRange keeps one
    redraw to one paint (measured: half the paint time per redraw).
    """
    vb.updateMatrix()


def set_range(vb: pg.ViewBox, x: tuple[float, float], y: tuple[float, float] | None = None) -> None:
    """Show ``x`` (and ``y``) exactly, as ``setRange(padding=0)`` does, for a chart that sets its own range.

    Without pyqtgraph's "turn automatic ranging off" on the way, when it is off already: that
    step alone is three nested calls and three state signals, at every redraw of a following plot."""
    auto = vb.state["autoRange"]
    vb.setRange(xRange=x, yRange=y, padding=0, disableAutoRange=auto[0] is not False or auto[1] is not False)


def time_axis(origin: float) -> TimeAxis:
    return TimeAxis(origin)


class Chart:
    """Base: one PlotItem in the panel's canvas. Subclasses fill in pull/draw/csv."""

    #: The toolbar's name of the chart.
    name = ""
    #: True when x is time (linked by TimeLink, gaps and drops marked).
    timed = False
    #: True when draw() sets the x range itself (with the y range, in one go).
    sets_x_range = False
    #: The stream's rows read so far (every chart but the histogram keeps them).
    cache: RowCache

    def __init__(self, panel, axis_items: dict | None = None):
        self.panel = panel
        #: x of a timed chart is time − t0 (see TimeAxis); 0 for the others.
        self.t0 = float(panel.time_origin) if self.timed else 0.0
        # no context menu: built and thrown away it was a fifth of a chart's making (the panel has its ⋯ menu)
        self.plot: pg.PlotItem = panel.canvas.addPlot(
            row=0, col=0, axisItems=axis_items or {}, enableMenu=False
        )
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen("#999999")
            axis.setTextPen("#333333")  # after setPen, which would give the label the pen's colour
            # Below the view (z -100), so the grid lines the axes draw run behind the data, not over it
            # (and, over the white background, draw opaque: see axes.FastAxis).
            axis.setZValue(-200)
        self.plot.titleLabel.setAttr("color", "#444444")
        for side in ("top", "right"):
            # Hidden, but linked to the view: with their automatic SI prefix on, each range change
            # (every redraw of a following plot) rewrote their titles' HTML.
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        if self.timed:
            # A fixed width: tick labels that change width as the data moves would re-lay the plot out,
            # and every redraw would paint twice; it also keeps linked plots' time axes aligned.
            self.plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.vb: pg.ViewBox = self.plot.getViewBox()
        self.vb.time_offset = self.t0  # what TimeLink adds to this view's x to get epoch seconds
        self.vb.setMouseEnabled(x=self.timed, y=False)
        self.times = np.zeros(0)  # the times the chart shows (for gaps and the crosshair)

    # -- the panel calls these ------------------------------------------------------------------------------------------
    def pull(self, start: float, force: bool) -> None:
        """Bring the chart's cache up to date with the store (rows at or after ``start``)."""

    def draw(self, lo: float, hi: float) -> None:
        """Update the items from the cache; [lo, hi] is the time range the panel will show."""

    def set_log(self, on: bool) -> None:
        """Log scale on the value axis (the colour scale for a heatmap)."""

    def csv(self) -> tuple[list[str], list[list]]:
        """(header, rows) of the data shown."""
        return [], []

    def hover(self, x: float, y: float) -> str | None:
        """Status-bar text for the mouse at view coordinates (x, y)."""
        return None

    def leave(self) -> None:
        """The mouse left the plot."""

    def click(self, x: float, y: float) -> dict | None:
        """A left click at view coordinates; a dict to emit as cellClicked, or None."""
        return None

    def dispose(self) -> None:
        self.panel.canvas.removeItem(self.plot)


# -- time series -------------------------------------------------------------------------------------------------------
class KeyedChart(Chart):
    """Charts of one value per key (time series, bars, pie): the stream's columns projected to keys."""

    def __init__(self, panel, axis_items=None):
        super().__init__(panel, axis_items)
        self.cache = RowCache(panel.store.capacity)
        self.projection = KeyProjection(panel.kind, panel.field)
        self.shown: list[tuple] = []  # keys shown, rank order
        # (when, settings, keys, columns) of the last ranking (see _top)
        self._ranked: tuple[float, tuple, list[tuple], list[int]] | None = None

    def pull(self, start, force):
        p = self.panel
        if force or self.projection.field != p.field:
            self.cache.reset()
            self.projection = KeyProjection(p.kind, p.field)
        projection = self.projection

        def fetch(since):
            times, values, labels = p.store.matrix(p.stream, p.view, since=since)
            projection.prepare(labels)
            return times, projection(values), len(labels), list(projection.keys)

        if force:
            self._ranked = None
        self.cache.update(fetch, start)

    def _top(self) -> tuple[np.ndarray, np.ndarray, list[tuple], list[int]]:
        """The rows, the keys and the columns of the top keys, best first.

        The ranking is kept for ``RANK_EVERY`` seconds while the keys and the settings
        stay the same: scoring every key over the whole window cost a quarter of a
        time series' redraw (bench/gui.py), and which keys lead does not change ten
        times a second (``top_columns`` keeps them from swapping anyway)."""
        times, values = self.cache.times, self.cache.values
        keys: list[tuple] = self.cache.extra or []
        p = self.panel
        settings = (p.top, p.kind, p.view, len(keys))
        now = time.monotonic()
        ranked = self._ranked
        fresh = ranked is not None and ranked[1] == settings and now - ranked[0] < RANK_EVERY
        if ranked is not None and fresh and ranked[2] == keys:
            return times, values, keys, ranked[3]
        index = {key: i for i, key in enumerate(keys)} if self.shown else {}
        current = [index[k] for k in self.shown if k in index]
        cols = top_columns(rank_keys(values, p.kind, p.view), p.top, current)
        self._ranked = (now, settings, list(keys), cols)
        return times, values, keys, cols


class TimeSeriesChart(KeyedChart):
    """The top-N keys over time, one curve each, with a legend (click a key to hide it) and a crosshair.

    Every curve is drawn by one ``MultiCurve`` item (curves.py), fed what the plot can
    show: the rows inside the view, peak-decimated to two points per pixel for every
    curve in one numpy call (``_data.decimate``), and the y range computed from those
    same points. One item rather than a PlotCurveItem per key: a redraw is one
    ``set_data`` and one paint, not eight of each with pyqtgraph's per-item Python
    around them. ``curves`` maps each key to its ``Series`` (pen, visibility, data),
    which the legend shows and toggles.
    """

    name = "timeseries"
    timed = True
    sets_x_range = True

    def __init__(self, panel):
        super().__init__(panel, {"bottom": time_axis(panel.time_origin), "left": ValueAxis("left")})
        self.multi = MultiCurve()
        self.plot.addItem(self.multi)
        self.curves: dict[tuple, Series] = {}
        # Beside the data, never over it: parented to the plot and anchored in a column the plot keeps
        # free on its right (fit_legend), so it is part of the plot's exports too.
        self.legend = pg.LegendItem(
            offset=None,
            brush=pg.mkBrush(255, 255, 255, 0),
            pen=pg.mkPen(None),
            labelTextSize="8pt",
            labelTextColor="#222222",
            verSpacing=0,
        )
        self.legend.setParentItem(self.plot)
        self._legend_width = -1
        self._y_range: tuple[float, float] | None = None
        self.legend.sigSampleClicked.connect(self._legend_clicked)
        self.plot.enableAutoRange(x=False, y=False)
        self.crosshair = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine)
        )
        self.crosshair.setZValue(50)
        self.crosshair.hide()
        self.readout = pg.TextItem(
            anchor=(0, 0), color="#222222", fill=pg.mkBrush(255, 255, 255, 220), border=pg.mkPen("#AAAAAA")
        )
        self.readout.setZValue(60)
        self.readout.hide()
        self.plot.addItem(self.crosshair, ignoreBounds=True)
        self.plot.addItem(self.readout, ignoreBounds=True)
        self.plot.setLabel("left", panel.value_label())
        self.points_per_row = 1  # rows per drawn point after decimation (1: none)
        self.log = False

    def draw(self, lo, hi):
        times, values, keys, cols = self._top()
        p = self.panel
        self.times = times.copy()
        wanted = [keys[c] for c in cols]
        if set(wanted) != set(self.shown):
            # Only what changed: rebuilding a legend costs more than a frame.
            for key in [k for k in self.curves if k not in wanted]:
                curve = self.curves.pop(key)
                self.legend.removeItem(curve)
                self.multi.remove(curve)
            for key in wanted:
                if key not in self.curves:
                    colour = p.colour(key, [k for k in wanted if k in self.curves])
                    curve = self.multi.add(pg.mkPen(colour, width=PEN_WIDTH), key_text(key))
                    self.curves[key] = curve
                    self.legend.addItem(curve, _elide(key_text(key), LEGEND_CHARS))
                    sample, label = self.legend.items[-1]
                    sample.setFixedHeight(LEGEND_ROW)  # rows as tall as their text: 8 keys fit a short plot
                    label.setMaximumHeight(LEGEND_ROW)
            self.shown = wanted
            self.fit_legend()
        self.shown = wanted
        if not len(self.times) or not cols:
            return
        if not math.isfinite(lo):
            lo = float(self.times[0])
        width = int(self.vb.width()) if self.vb.width() > 50 else 800
        x, y, k = decimate(self.times, values.take(cols, axis=1), lo, hi, width)
        x = x - self.t0
        self.points_per_row = k
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), np.nan)
        # A silence longer than the gap limit breaks the lines (a NaN between the points on either side).
        if len(x) > 1:
            breaks = np.flatnonzero(np.diff(x) > GAP_FACTOR * p.interval * k) + 1
            if len(breaks):
                x = np.insert(x, breaks, x[breaks - 1] + p.interval / 2)
                y = np.insert(y, breaks, np.nan, axis=0)
        shown = [j for j, key in enumerate(wanted) if key not in p.hidden]
        for key in wanted:
            self.curves[key].setVisible(key not in p.hidden)
        bounds = None
        if shown and len(y):
            # fmin/fmax skip NaN (all NaN gives NaN: no bounds) without nanmin's copy and warnings
            visible = y if len(shown) == y.shape[1] else y[:, shown]
            y_lo, y_hi = float(np.fmin.reduce(visible, axis=None)), float(np.fmax.reduce(visible, axis=None))
            if math.isfinite(y_lo) and math.isfinite(y_hi):
                bounds = (float(x[0]), float(x[-1]), y_lo, y_hi)
        self.multi.set_data(x, y, [self.curves[key] for key in wanted], bounds)
        y_range = self._steady(_span(bounds[2], bounds[3], self.log)) if bounds is not None else None
        if y_range is not None:
            set_range(self.vb, (lo - self.t0, hi - self.t0), y_range)
        else:
            set_range(self.vb, (lo - self.t0, hi - self.t0))
        settle(self.vb)

    def _steady(self, wanted: tuple[float, float] | None) -> tuple[float, float] | None:
        """The y range to show for data spanning ``wanted``: the one shown while the data still fills it.

        Rounded out to the axis' own step and kept until the data outgrows it or fills less
        than ``Y_KEEP`` of it: the axis does not jitter at every redraw (which a reader
        cannot follow), and its labels are not laid out again."""
        if wanted is None:
            return None
        old = self._y_range
        lo, hi = wanted
        if old is not None and old[0] <= lo and hi <= old[1] and (hi - lo) >= Y_KEEP * (old[1] - old[0]):
            return old
        step = _nice_step((hi - lo) / 8) if hi > lo else 0.0
        if step > 0:
            lo = math.floor(lo / step) * step if lo != 0 else 0.0
            hi = math.ceil(hi / step) * step
        self._y_range = (lo, hi)
        return self._y_range

    def fit_legend(self) -> None:
        """Show the legend beside the data if the panel asks for it and leaves the data room; else hide it."""
        legend = self.legend
        legend.updateSize()
        canvas = self.panel.canvas
        show = (
            bool(self.panel.legend)
            and bool(self.curves)
            and canvas.width() - legend.width() - LEFT_AXIS_WIDTH >= MIN_DATA_WIDTH
            and legend.height() <= canvas.height() - 30  # every entry, or none: a cut legend misleads
        )
        width = int(legend.width()) + 6 if show else 0
        if width != self._legend_width:
            self._legend_width = width
            self.plot.layout.setColumnFixedWidth(2, width)  # the right axis' column, the axis hidden
        legend.setVisible(show)
        if show:
            legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(0, 2))

    def dispose(self) -> None:
        self.legend.setParentItem(None)
        super().dispose()

    def _legend_clicked(self, item):
        for key, curve in self.curves.items():
            if curve is item:
                if curve.isVisible():
                    self.panel.hidden.discard(key)
                else:
                    self.panel.hidden.add(key)
                self.panel.keys_changed()
                return

    def set_hidden(self, hidden: set) -> None:
        for key, curve in self.curves.items():
            curve.setVisible(key not in hidden)
        self.legend.update()
        for sample, _label in self.legend.items:
            sample.update()

    def set_log(self, on):
        self.log = bool(on)
        self._y_range = None  # another scale: the range is worked out afresh
        self.plot.getAxis("left").setLogMode(self.log)

    def csv(self):
        keys = [k for k in self.shown if k not in self.panel.hidden]
        header = ["time", "epoch"] + [key_text(k) for k in keys]
        data = [self._raw(k) for k in keys]
        rows = []
        for i, t in enumerate(self.times):
            rows.append([iso_utc(t), repr(float(t))] + [_num(d[i]) for d in data])
        return header, rows

    def _raw(self, key):
        keys = self.cache.extra or []
        return self.cache.values[:, keys.index(key)]

    def hover(self, x, y):
        if not len(self.times):
            return None
        x += self.t0
        i = int(np.clip(np.searchsorted(self.times, x), 0, len(self.times) - 1))
        if i > 0 and abs(self.times[i - 1] - x) < abs(self.times[i] - x):
            i -= 1
        t = float(self.times[i])
        keys = self.cache.extra or []
        values = []
        for key in self.shown:
            if key in self.panel.hidden or key not in keys:
                continue
            values.append((self.cache.values[i, keys.index(key)], key))
        values.sort(key=lambda vk: -np.nan_to_num(vk[0], nan=-np.inf))
        lines = [fmt_time(t, precise=True)] + [f"{key_text(k)}: {fmt_number(v)}" for v, k in values]
        self.crosshair.setPos(t - self.t0)
        self.crosshair.show()
        (x0, x1), (_y0, y1) = self.vb.viewRange()
        self.readout.setText("\n".join(lines))
        self.readout.setPos(t - self.t0, y1)
        self.readout.setAnchor((1, 0) if t - self.t0 > (x0 + x1) / 2 else (0, 0))
        self.readout.show()
        return "  ".join([lines[0], *lines[1:9]])

    def leave(self):
        self.crosshair.hide()
        self.readout.hide()


def _span(lo: float, hi: float, log: bool = False) -> tuple[float, float]:
    """A y range that holds values from ``lo`` to ``hi`` (finite) with a little room."""
    if lo >= 0 and hi > 0 and not log:  # counts and sums: the axis starts at 0, not below it
        return 0.0, float(hi * 1.06)
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        return float(lo - pad), float(hi + pad)
    pad = (hi - lo) * 0.06
    return float(lo - pad), float(hi + pad)


def _nice_step(raw: float) -> float:
    """The 1, 2, 2.5 or 5 × 10^k at or above ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 0.0
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * power >= raw:
            return m * power
    return 10.0 * power


def _elide(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(v) -> str:
    v = float(v)
    if math.isnan(v):
        return ""
    return repr(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)


# -- bars and pie of the latest values ---------------------------------------------------------------------------------
class BarsChart(KeyedChart):
    """The latest value of the top-N keys, as horizontal bars, largest on top."""

    name = "bars"

    def __init__(self, panel):
        super().__init__(panel)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.plot.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        self.values: list[tuple[tuple, float]] = []
        self.latest = math.nan
        self.plot.showGrid(x=False, y=False)
        self.plot.setLabel("bottom", panel.value_label())

    def draw(self, lo, hi):
        times, values, keys, cols = self._top()
        p = self.panel
        if not len(times):
            return
        self.latest = float(times[-1])
        self.shown = [keys[c] for c in cols]
        last = np.nan_to_num(values[-1])
        pairs = sorted(
            ((keys[c], float(last[c])) for c in cols if keys[c] not in p.hidden), key=lambda kv: -kv[1]
        )
        self.values = pairs
        n = len(pairs)
        widths = np.array([v for _, v in pairs])
        x0 = 0.0
        if p.log and n:
            positive = widths[widths > 0]
            x0 = math.floor(math.log10(positive.min())) if len(positive) else 0.0
            widths = np.where(widths > 0, np.log10(np.where(widths > 0, widths, 1)) - x0, 0)
        y = np.arange(n)[::-1].astype(float)
        brushes = [pg.mkBrush(p.colour(k)) for k, _ in pairs]
        self.bars.setOpts(x0=x0, y=y, height=0.7, width=widths, brushes=brushes, pens=[pg.mkPen(None)] * n)
        self.plot.getAxis("left").setTicks(
            [[(float(yy), key_text(k)) for yy, (k, _) in zip(y, pairs, strict=True)]]
        )
        while len(self.labels) < n:
            item = pg.TextItem(anchor=(0, 0.5), color="#333333")
            self.plot.addItem(item, ignoreBounds=True)
            self.labels.append(item)
        for i, item in enumerate(self.labels):
            if i < n:
                item.setText(fmt_number(pairs[i][1]))
                item.setPos(x0 + max(float(widths[i]), 0.0), y[i])
                item.show()
            else:
                item.hide()
        span = (float(widths.max()) if n else 1.0) or 1.0
        self.vb.setRange(xRange=(x0, x0 + span * 1.15), yRange=(-0.6, max(n, 1) - 0.4), padding=0)
        self.plot.setTitle(f"latest · {fmt_time(self.latest)}", size="8pt")

    def set_log(self, on):
        self.plot.getAxis("bottom").setLogMode(on)

    def csv(self):
        return ["key", "value", "time"], [
            [key_text(k), _num(v), iso_utc(self.latest)] for k, v in self.values
        ]


class PieChart(KeyedChart):
    """The latest values of the top-N keys as shares of the whole (the rest as "other"), as in the seed IDE."""

    name = "pie"

    def __init__(self, panel):
        super().__init__(panel)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.showGrid(x=False, y=False)
        self.vb.setAspectLocked(True)
        self.vb.setRange(xRange=(-1.9, 1.9), yRange=(-1.25, 1.25), padding=0)
        self.slices: list[QGraphicsEllipseItem] = []
        self.labels: list[pg.TextItem] = []
        self.values: list[tuple[str, float, str]] = []  # (name, value, colour)
        self.latest = math.nan

    def draw(self, lo, hi):
        times, values, keys, cols = self._top()
        p = self.panel
        if not len(times):
            return
        self.latest = float(times[-1])
        self.shown = [keys[c] for c in cols]
        last = np.nan_to_num(values[-1])
        chosen = set(cols)
        parts = [
            (key_text(keys[c]), float(last[c]), p.colour(keys[c]))
            for c in cols
            if keys[c] not in p.hidden and last[c] > 0
        ]
        parts.sort(key=lambda part: -part[1])
        rest = float(sum(v for i, v in enumerate(last) if i not in chosen and v > 0))
        if rest > 0:
            parts.append(("other", rest, OTHER_COLOUR))
        self.values = parts
        total = sum(v for _, v, _ in parts)
        for item in self.slices:
            self.vb.removeItem(item)
        self.slices = []
        done = 0.0  # degrees already used, clockwise from 12 o'clock
        for i, (name, value, colour) in enumerate(parts):
            span = 360.0 * value / total if total else 0.0
            item = QGraphicsEllipseItem(-1.0, -1.0, 2.0, 2.0)
            # The view's y axis points up, which mirrors Qt's counter-clockwise angles into clockwise ones:
            # Qt's angle a shows at -a, so a slice from `done` clockwise starts at Qt angle done - 90.
            item.setStartAngle(round((done - 90.0) * 16))
            item.setSpanAngle(round(span * 16))
            item.setBrush(QBrush(QColor(colour)))
            pen = QPen(QColor("white"))
            pen.setCosmetic(True)
            pen.setWidthF(1.5)
            item.setPen(pen)
            item.setToolTip(f"{name}: {fmt_number(value)} ({100 * value / total:.1f}%)")
            self.vb.addItem(item)
            self.slices.append(item)
            mid = math.radians(90.0 - done - span / 2)
            if i >= len(self.labels):
                label = pg.TextItem(color="#333333")
                self.vb.addItem(label)
                self.labels.append(label)
            label = self.labels[i]
            share = value / total if total else 0
            label.setText(f"{name} {100 * share:.0f}%" if share >= 0.02 else "")
            x, y = 1.12 * math.cos(mid), 1.12 * math.sin(mid)
            label.setAnchor((0 if x >= 0 else 1, 0.5))
            label.setPos(x, y)
            label.show()
            done += span
        for label in self.labels[len(parts) :]:
            label.hide()
        self.plot.setTitle(f"latest · {fmt_time(self.latest)} · total {fmt_number(total)}", size="8pt")

    def csv(self):
        total = sum(v for _, v, _ in self.values) or 1.0
        return ["key", "value", "share", "time"], [
            [n, _num(v), f"{v / total:.6f}", iso_utc(self.latest)] for n, v, _ in self.values
        ]


# -- histogram of the latest buckets -----------------------------------------------------------------------------------
class BucketAxis(FastAxis):
    """An axis over ladder rows: row i spans [i, i+1); boundaries are labelled with bucket edges."""

    def __init__(self, orientation: str, boundaries: bool = True):
        super().__init__(orientation)
        self.rows: list[tuple[int, int]] = []
        self.boundaries = boundaries
        self.enableAutoSIPrefix(False)

    def set_rows(self, rows: list[tuple[int, int]]) -> None:
        if rows != self.rows:
            self.rows = list(rows)
            self.picture = None
            self.update()

    def tickValues(self, minVal, maxVal, size):
        n = len(self.rows)
        if not n:
            return []
        font_px = 20 if self.orientation in ("left", "right") else 60
        most = max(2, int(size // font_px))
        positions = list(range(0, n + 1)) if self.boundaries else [i + 0.5 for i in range(n)]
        lo, hi = math.floor(minVal), math.ceil(maxVal)
        positions = [v for v in positions if lo <= v <= hi]
        step = max(1, math.ceil(len(positions) / most))
        return [(1.0, positions[::step])]

    def tickStrings(self, values, scale, spacing):
        out = []
        n = len(self.rows)
        for v in values:
            if self.boundaries:
                i = round(v)
                if i < n:
                    edge = self.rows[i][0]
                elif n:
                    edge = self.rows[-1][1] + 1 if self.rows[-1][1] != (2**63 - 1) else self.rows[-1][1]
                else:
                    edge = 0
                out.append(fmt_edge(edge))
            else:
                i = math.floor(v)
                out.append(_short_bucket(self.rows[i]) if 0 <= i < n else "")
        return out


def _short_bucket(edge: tuple[int, int]) -> str:
    lo, hi = edge
    if lo == hi:
        return fmt_edge(lo)
    text = edge_text(edge)
    if "<" in text or ">" in text:
        return text
    return fmt_edge(lo)


class HistogramChart(Chart):
    """The latest interval's buckets (or the running distribution, in the cumulative view), one bar each."""

    name = "histogram"

    def __init__(self, panel):
        super().__init__(panel, {"bottom": BucketAxis("bottom", boundaries=False)})
        self.bars = pg.BarGraphItem(
            x=[], height=[], width=0.85, brush=pg.mkBrush("#D55E00"), pen=pg.mkPen(None)
        )
        self.plot.addItem(self.bars)
        self.plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
        self.plot.setLabel("left", "count")
        self.rows: list[tuple[int, int]] = []
        self.counts = np.zeros(0)
        self.latest = math.nan
        self.scale = "buckets"

    def pull(self, start, force):
        p = self.panel
        times, edges, counts = p.store.buckets(p.stream, p.key, p.view, last=1)
        if not len(times):
            return
        self.rows, index, self.scale = bucket_ladder(p.kind, edges)
        self.counts = spread(counts, index, len(self.rows))[0] if edges else np.zeros(0)
        self.latest = float(times[-1])

    def draw(self, lo, hi):
        p = self.panel
        n = len(self.rows)
        heights = self.counts.copy()
        if p.log:
            heights = np.where(heights >= 1, np.log10(np.maximum(heights, 1)), 0.0)
        self.bars.setOpts(x=np.arange(n) + 0.5, height=heights, width=0.85)
        axis = self.plot.getAxis("bottom")
        axis.set_rows(self.rows)
        top = float(heights.max()) if n else 1.0
        self.vb.setRange(xRange=(0, max(n, 1)), yRange=(0, (top or 1.0) * 1.08), padding=0)
        what = key_text(p.key) if p.key is not None else "all keys"
        self.plot.setTitle(
            f"{what} · {'running total' if p.view == 'cumulative' else 'latest'} · "
            f"{fmt_time(self.latest)} · {fmt_number(float(self.counts.sum()))} in all",
            size="8pt",
        )
        self.plot.setLabel("bottom", f"bucket ({self.scale} scale)" if self.scale != "buckets" else "bucket")

    def set_log(self, on):
        self.plot.getAxis("left").setLogMode(on)

    def hover(self, x, y):
        i = math.floor(x)
        if 0 <= i < len(self.rows):
            return f"{edge_text(self.rows[i])}: {fmt_number(float(self.counts[i]))}"
        return None

    def csv(self):
        return ["low", "high", "bucket", "count"], [
            [str(lo), str(hi), edge_text((lo, hi)), _num(c)]
            for (lo, hi), c in zip(self.rows, self.counts, strict=True)
        ]


def kinds_charts(kind: str) -> list[str]:
    """The charts that fit a kind, the automatic choice first."""
    if kind in BUCKET_KINDS:
        return ["heatmap", "histogram", "timeseries", "bars", "pie"]
    return ["timeseries", "bars", "pie"]


__all__ = [
    "MIN_DATA_WIDTH",
    "PALETTE",
    "BarsChart",
    "BucketAxis",
    "Chart",
    "HistogramChart",
    "PieChart",
    "TimeAxis",
    "TimeSeriesChart",
    "kinds_charts",
]
