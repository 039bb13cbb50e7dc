"""The latency heatmap: x time, y bucket, colour count, after Brendan Gregg's and Joyent Cloud Analytics' heatmaps.

Each column is one interval (or several, when the window holds more intervals
than the plot has pixels), each row one bucket of the full ladder (powers of
two for quantize and hist, so y is log2; linear steps for lquantize and lhist),
and the colour the count, log-scaled by default so a few slow outliers still
show next to the bulk. Empty cells are left blank. The image is one ImageItem
updated with ``setImage(autoLevels=False)`` and a fixed colour map; a colour bar
beside it says what the colours count (ticks in counts, on the log scale too). Its
top is a round number kept while the busiest cell fills at least ``LEVEL_KEEP`` of it,
so colours mean the same from one redraw to the next.

A click on a cell reports its bucket, its time and the count of each key in
it (``cellClicked``), so the summed heatmap of an lquantize keyed by execname
answers "who was that?" without a 3D chart.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from ._data import (
    RowCache,
    bin_rows,
    bucket_ladder,
    edge_text,
    fmt_number,
    fmt_time,
    iso_utc,
    key_text,
    spread,
    time_bins,
)
from .charts import BucketAxis, Chart, _num, set_range, settle, time_axis

#: Light yellow for the fewest, through orange and red, to dark red for the most (ColorBrewer YlOrRd).
HEAT_COLOURS = ["#FFEDA0", "#FED976", "#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C", "#BD0026", "#800026"]
HEAT_MAP = pg.ColorMap(np.linspace(0.0, 1.0, len(HEAT_COLOURS)), HEAT_COLOURS)
HEAT_LUT = HEAT_MAP.getLookupTable(0.0, 1.0, 256)

#: Default width in columns before the panel has been laid out.
DEFAULT_COLUMNS = 600
#: The colour scale's top is kept while the busiest cell is at least this share of it.
LEVEL_KEEP = 0.5


class HeatImage(pg.ImageItem):
    """An ``ImageItem`` that turns a heatmap's counts into colours in a few numpy calls, opaque or blank.

    pyqtgraph's general path for a float image with NaN (the empty cells) checks the image
    for NaN, rescales it through ``nditer``, applies an RGB table made RGBA at every render and
    hands Qt an RGBA8888 image, which the raster engine converts at every paint: two fifths
    of a heatmap's paint (bench/plot_redraw.py). Here: the same scale and the same colours
    (``(count - low) × 256 / (high - low)``, clipped to 0..255, truncated, looked up), each
    cell an opaque colour or, for NaN, nothing, as premultiplied ARGB32, Qt's own format.
    Anything else (another table, levels per channel, downsampling) goes to pyqtgraph's path."""

    _table: tuple[object, np.ndarray] | None = None

    def render(self) -> None:
        image, lut, levels = self.image, self.lut, self.levels
        if (
            image is None
            or image.ndim != 2
            or image.size == 0
            or image.dtype != np.float32
            or self.autoDownsample
            or not isinstance(lut, np.ndarray)
            or lut.shape not in ((256, 3), (256, 4))
            or levels is None
            or np.ndim(levels) != 1
            or (lut.shape[1] == 4 and lut[:, 3].min() < 255)
        ):
            super().render()
            return
        table = self._argb_table(lut)
        low, high = float(levels[0]), float(levels[1])
        span = high - low
        scaled = image - low  # float32, as pyqtgraph's rescale works
        scaled *= 256.0 / (span if span != 0 else 1.0)
        np.clip(scaled, 0, 255, out=scaled)
        blank = np.isnan(image)
        scaled[blank] = 0
        argb = table[scaled.astype(np.uint8)]
        argb[blank] = 0  # premultiplied transparent
        argb = np.ascontiguousarray(argb.T if self.axisOrder == "col-major" else argb)
        self._argb = argb  # the QImage reads this memory
        height, width = argb.shape
        self.qimage = QImage(
            argb.data, width, height, argb.strides[0], QImage.Format.Format_ARGB32_Premultiplied
        )
        self._renderRequired = False
        self._unrenderable = False

    def _argb_table(self, lut: np.ndarray) -> np.ndarray:
        """The colour table as opaque ARGB32 words, worked out again only when the table changes."""
        kept = self._table
        if kept is not None and kept[0] is lut:
            return kept[1]
        rgb = lut[:, :3].astype(np.uint32)
        table = (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)
        self._table = (lut, table)
        return table


class HeatmapChart(Chart):
    """Time × bucket × count for one key or summed over every key."""

    name = "heatmap"
    timed = True
    sets_x_range = True

    def __init__(self, panel):
        self.axis = BucketAxis("left", boundaries=True)
        # Painted into a pixmap Qt replays until the ladder changes: the image's edge touches the axis,
        # so each redraw repainted its labels (a tenth of a heatmap's paint, bench/plot_redraw.py).
        self.axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        super().__init__(panel, {"bottom": time_axis(panel.time_origin), "left": self.axis})
        self.image = HeatImage(axisOrder="col-major")
        self.image.setLookupTable(HEAT_LUT)
        self.plot.addItem(self.image)
        self.bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=HEAT_MAP, interactive=False, width=10)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.bar.axis.setPen("#999999")
        self.bar.axis.setTextPen("#333333")
        self.bar.axis.enableAutoSIPrefix(False)
        self.top = 0.0  # the count at the top of the colour scale
        self._levels: tuple[float, bool] | None = None
        self.cache = RowCache(panel.store.capacity)
        self.rows: list[tuple[int, int]] = []
        self.scale = "buckets"
        self._ladder_for = None
        self._index = np.zeros(0, np.intp)
        self.counts = np.zeros((0, 0))  # [column, row], what the image shows, before the log
        self.filled = np.zeros(0, bool)
        self.cols = np.zeros(0, np.intp)
        self.bin0 = 0.0
        self.width = 1.0
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self._title = ""
        self._title_at = -1e9
        self.plot.enableAutoRange(x=False, y=False)
        self._cursor = QGraphicsRectItem()
        self._cursor.setPen(pg.mkPen("#1f77b4", width=2))
        self._cursor.setZValue(40)
        self._cursor.hide()
        self.plot.addItem(self._cursor, ignoreBounds=True)

    # -- data ----------------------------------------------------------------------------------------------------------
    def pull(self, start, force):
        p = self.panel
        if force:
            self.cache.reset()

        def fetch(since):
            times, edges, counts = p.store.buckets(p.stream, p.key, p.view, since=since)
            return times, counts, tuple(edges), edges

        self.cache.update(fetch, start)

    def draw(self, lo, hi):
        p = self.panel
        cache = self.cache
        edges = cache.extra or []
        if cache.signature != self._ladder_for:
            self.rows, self._index, self.scale = bucket_ladder(p.kind, edges)
            self._ladder_for = cache.signature
            self.axis.set_rows(self.rows)
            self.plot.setLabel(
                "left", {"log2": "bucket (log2)", "linear": "bucket"}.get(self.scale, "bucket")
            )
        self.times = cache.times.copy()
        nrows = len(self.rows)
        if not len(self.times) or not nrows:
            self.image.clear()
            self.counts = np.zeros((0, nrows))
            return
        view_lo = lo if math.isfinite(lo) else float(self.times[0]) - p.interval
        # The image starts where the data does (a young stream does not drag a window of blanks along).
        lo = (
            max(lo, float(self.times[0]) - p.interval)
            if math.isfinite(lo)
            else float(self.times[0]) - p.interval
        )
        full = spread(cache.values, self._index, nrows)
        width_px = int(self.vb.width()) if self.vb.width() > 50 else DEFAULT_COLUMNS
        self.bin0, self.width, ncols, self.cols = time_bins(self.times, p.interval, lo, hi, width_px)
        self.counts, self.filled = bin_rows(full, self.cols, ncols)
        self._show()
        set_range(self.vb, (view_lo - self.t0, hi - self.t0), (0, nrows))
        settle(self.vb)

    def _show(self):
        counts = self.counts
        if not counts.size:
            self.image.clear()
            return
        log = bool(self.panel.log)
        most = float(counts.max())
        if not (self.top and LEVEL_KEEP * self.top <= most <= self.top):
            self.top = _round_up(most)
        shown = np.log1p(counts) if log else counts.copy()
        shown[counts <= 0] = np.nan  # empty cells stay blank
        levels = (0.0, float(np.log1p(self.top)) if log else self.top)
        self.image.setImage(shown.astype(np.float32), autoLevels=False, levels=levels)
        if self._levels != (self.top, log):
            self._levels = (self.top, log)
            self.bar.setLevels(levels)
            self._bar_ticks(log)
        what = key_text(self.panel.key) if self.panel.key is not None else "all keys"
        per = (
            f"{fmt_number(self.width)} s"
            if self.width != int(self.width) or self.width > 1
            else "one interval"
        )
        head = f"{what} · a cell is {per} · colour {'log ' if log else ''}count"
        title = f"{head}, busiest {fmt_number(most)}"
        now = time.monotonic()
        # A new title is laid out again (HTML) and can move the plot: when only the busiest count moved, at
        # most once a second, not at every redraw (a tenth of a heatmap's redraw in bench/gui.py).
        if title != self._title and (not self._title.startswith(head + ",") or now - self._title_at >= 1.0):
            self._title, self._title_at = title, now
            self.plot.setTitle(title, size="8pt")
        self.image.setRect(
            QRectF(self.bin0 - self.t0, 0.0, counts.shape[0] * self.width, float(counts.shape[1]))
        )

    def _bar_ticks(self, log: bool) -> None:
        """The colour bar's ticks in counts: 0, 1, 10, 100, ... on the log scale; round steps otherwise."""
        top = self.top
        if log:
            values = [0.0] + [10.0**k for k in range(int(math.log10(max(top, 1.0))) + 1)]
            ticks = [(float(np.log1p(v)), fmt_number(v)) for v in values if v <= top]
            if top >= 3 * max(values):  # the top, unless it would crowd the decade below it
                ticks.append((float(np.log1p(top)), fmt_number(top)))
        else:
            step = _round_up(top / 4, (1, 2, 5, 10))
            ticks = [(float(v), fmt_number(v)) for v in np.arange(0.0, top + step / 2, step)]
        self.bar.axis.setTicks([ticks])
        self.bar.axis.setLabel("count per cell" + (" (log scale)" if log else ""))

    def set_log(self, on):
        if self.counts.size:
            self._show()

    # -- interaction ---------------------------------------------------------------------------------------------------
    def cell(self, x: float, y: float) -> tuple[int, int] | None:
        """(column, row) of the image under view coordinates (x = time − t0), or None outside it."""
        if not self.counts.size:
            return None
        col = math.floor((x + self.t0 - self.bin0) / self.width)
        row = math.floor(y)
        if 0 <= col < self.counts.shape[0] and 0 <= row < self.counts.shape[1]:
            return col, row
        return None

    def cell_info(self, col: int, row: int) -> dict:
        """What a click on (column, row) reports: time, bucket, count and the count of every key in the cell."""
        p = self.panel
        low, high = self.rows[row]
        mask = self.cols == col
        times = self.times[mask]
        start = self.bin0 + col * self.width
        info = {
            "time": float(times[0]) if len(times) else start + self.width,
            "end": float(times[-1]) if len(times) else start + self.width,
            "start": start,
            "width": self.width,
            "low": int(low),
            "high": int(high),
            "bucket": edge_text((low, high)),
            "count": _whole(self.counts[col, row]),
            "per_key": {},
            "stream": p.stream,
            "key": p.key,
        }
        if len(times):
            t, values, labels = p.store.matrix(p.stream, p.view, since=float(times[0]))
            in_cell = (t >= times[0]) & (t <= times[-1])
            per_key: dict[tuple, float] = {}
            for c, label in enumerate(labels):
                key, lo, hi = label
                if (lo, hi) == (low, high):
                    n = _whole(np.nansum(values[in_cell, c]))
                    if n:
                        per_key[key] = per_key.get(key, 0) + n
            info["per_key"] = dict(sorted(per_key.items(), key=lambda kv: -kv[1]))
        return info

    def describe(self, info: dict) -> str:
        when = fmt_time(info["time"], precise=True)
        if info["end"] != info["time"]:
            when += f"–{fmt_time(info['end'], precise=True)}"
        keys = ", ".join(f"{key_text(k)} {fmt_number(v)}" for k, v in list(info["per_key"].items())[:8])
        more = len(info["per_key"]) - 8
        if more > 0:
            keys += f", +{more} more"
        text = f"{when} · bucket {info['bucket']} · count {fmt_number(info['count'])}"
        return text + (f" ({keys})" if keys else "")

    def hover(self, x, y):
        cell = self.cell(x, y)
        if cell is None:
            self._cursor.hide()
            return None
        col, row = cell
        low, high = self.rows[row]
        times = self.times[self.cols == col]
        when = (
            fmt_time(float(times[-1]), precise=True)
            if len(times)
            else fmt_time(self.bin0 + (col + 1) * self.width, precise=True)
        )
        self._cursor.setRect(QRectF(self.bin0 + col * self.width - self.t0, row, self.width, 1))
        self._cursor.show()
        return f"{when} · bucket {edge_text((low, high))} · count {fmt_number(float(self.counts[col, row]))}"

    def leave(self):
        self._cursor.hide()

    def click(self, x, y):
        cell = self.cell(x, y)
        if cell is None:
            return None
        return self.cell_info(*cell)

    def csv(self):
        """One line per snapshot in the window (not decimated), one column per bucket of the ladder."""
        full = spread(self.cache.values, self._index, len(self.rows)) if len(self.rows) else self.cache.values
        header = ["time", "epoch"] + [edge_text(r) for r in self.rows]
        rows = [
            [iso_utc(t), repr(float(t))] + [_num(v) for v in full[i]] for i, t in enumerate(self.cache.times)
        ]
        return header, rows


def _round_up(value: float, steps: tuple[float, ...] = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)) -> float:
    """The first round number (``steps`` × 10^k) at or above ``value`` (1 for nothing)."""
    if value <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for m in steps:
        if m * power >= value:
            return float(m * power)
    return 10.0 * power


def _whole(value) -> int | float:
    """Counts as ints when they are whole (they are, for histograms), for the status bar and JSON."""
    value = float(value)
    return int(value) if value.is_integer() else value
