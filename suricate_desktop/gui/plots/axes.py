"""Axes that are cheap to repaint and easy to read: a time axis with enough human ticks, a value axis.

Their own module because the axes were the largest part of a redraw: pyqtgraph's
``AxisItem`` records its ticks and labels into a ``QPicture`` whenever the range
moves (every redraw of a following plot) and replays it at every paint; the text in
it is laid out again at each replay, and each label is measured again at each
range change (measured in bench/gui.py: about two thirds of a time series'
paint). ``FastAxis`` keeps what was measured (per label text) and what was laid out
(a ``QStaticText`` per label), and draws the lines and labels straight onto the
painter; the ticks themselves are still pyqtgraph's (``generateDrawSpecs``).
"""

from __future__ import annotations

import functools
import math
import time
from datetime import datetime
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QStaticText
from PySide6.QtWidgets import QGraphicsItem

from ._data import fmt_number

#: Labels kept per axis (laid-out text and sizes); cleared when exceeded.
TEXT_CACHE = 512
#: Pixels of free space wanted between two time labels.
LABEL_GAP = 10.0
#: Steps of a time axis, seconds, smallest first: each a round step a reader counts in.
TIME_STEPS = (
    1, 2, 5, 10, 15, 20, 30,
    60, 120, 300, 600, 900, 1200, 1800,
    3600, 7200, 10800, 21600, 43200,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400,
)  # fmt: skip
#: The minor step under each major one (grid lines without labels).
MINOR = {1: 0.5, 2: 1, 5: 1, 10: 5, 15: 5, 20: 10, 30: 10, 60: 30, 120: 60, 300: 60, 600: 300}


class _Measure:
    """What ``AxisItem.generateDrawSpecs`` asks of its painter (a font, text sizes), answered from a cache."""

    def __init__(self, axis: FastAxis) -> None:
        self._axis = axis

    def setFont(self, font: QFont) -> None:
        if font != self._axis._font:
            self._axis._font = QFont(font)
            self._axis._sizes.clear()
            self._axis._static.clear()

    def boundingRect(self, rect: QRectF, flags: Any, text: str) -> QRectF:
        return QRectF(self._axis.text_size(text))


class FastAxis(pg.AxisItem):
    """An ``AxisItem`` whose paint is lines and cached, pre-laid-out labels: no QPicture, no re-measuring."""

    #: pyqtgraph's QPicture of the axis, set to None when the ticks must be worked out again; here only
    #: that mark (True: the specs are current)
    picture: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._font = QFont()
        self._sizes: dict[str, QRectF] = {}
        self._static: dict[str, QStaticText] = {}
        self._specs: tuple[Any, Any, Any] | None = None
        self._levels: list[tuple[QPen, list[QLineF]]] = []
        self._pens: dict[tuple[int, float, int], QPen] = {}
        self._clip = QRect()
        self._text_pen = QPen()
        super().__init__(*args, **kwargs)
        #: how many times the ticks were worked out again (the range or the size moved); for tests
        self.layouts = 0

    def text_size(self, text: str) -> QRectF:
        size = self._sizes.get(text)
        if size is None:
            if len(self._sizes) > TEXT_CACHE:
                self._sizes.clear()
                self._static.clear()
            metrics = QFontMetricsF(self._font)
            r = metrics.boundingRect(QRectF(0, 0, 100, 100), int(Qt.AlignmentFlag.AlignCenter), text)
            size = self._sizes[text] = QRectF(0, 0, r.width(), r.height())
        return size

    def _opaque(self, pen: QPen) -> QPen:
        """``pen`` with its translucent colour blended over the white background beforehand.

        pyqtgraph fades grid lines with alpha; the raster engine blends every pixel of a translucent
        line, which made the grid the dearest part of a paint. The plots' background is white and the
        charts put their axes (and so the grid) below the data, so the same colour, opaque, looks the
        same and draws on the fast path."""
        colour = pen.color()
        alpha = colour.alphaF()
        if alpha >= 1.0:
            return pen
        key = (colour.rgba(), pen.widthF(), int(pen.style().value))
        opaque = self._pens.get(key)
        if opaque is None:
            mixed = QColor(
                round(255 - alpha * (255 - colour.red())),
                round(255 - alpha * (255 - colour.green())),
                round(255 - alpha * (255 - colour.blue())),
            )
            opaque = QPen(pen)
            opaque.setColor(mixed)
            self._pens[key] = opaque
        return opaque

    def _tick_levels(self, tick_specs: list[Any]) -> list[tuple[QPen, list[QLineF]]]:
        """The tick and grid lines as (opaque pen, lines) per level, worked out once per layout, not per paint
        (an axis beside a following plot's data is painted again at every redraw of the data)."""
        levels = []
        i, n = 0, len(tick_specs)
        while i < n:  # the specs come a level at a time, one pen each
            pen = tick_specs[i][0]
            j = i
            while j < n and tick_specs[j][0] is pen:
                j += 1
            levels.append((self._opaque(pen), [QLineF(a, b) for _pen, a, b in tick_specs[i:j]]))
            i = j
        return levels

    def _static_text(self, text: str) -> QStaticText:
        st = self._static.get(text)
        if st is None:
            st = self._static[text] = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=self._font)
        return st

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        if self.picture is None:  # pyqtgraph sets it to None whenever the ticks must be worked out again
            if self.style["tickFont"] is not None:
                self._font = QFont(self.style["tickFont"])
            self._specs = self.generateDrawSpecs(_Measure(self))
            self.picture = True  # not a QPicture: a mark that the specs are current
            self.layouts += 1
            self._levels = self._tick_levels(self._specs[1]) if self._specs is not None else []
            # and what each paint would otherwise ask pyqtgraph again (its boundingRect is Python)
            self._clip = self.boundingRect().toAlignedRect()
            self._text_pen = self.textPen()
        if self._specs is None:
            return
        axis_spec, _tick_specs, text_specs = self._specs
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        pen, p1, p2 = axis_spec
        p.setPen(pen)
        p.drawLine(p1, p2)
        for pen, lines in self._levels:  # one drawLines call per level of ticks and grid lines
            p.setPen(pen)
            p.drawLines(lines)
        p.setFont(self._font)
        p.setPen(self._text_pen)
        p.setClipRect(self._clip)
        left = self.orientation in ("left", "right")
        for rect, _flags, text in text_specs:
            st = self._static_text(text)
            size = st.size()
            if left:
                # right-aligned (left axis) or left-aligned (right axis), centred vertically on the tick
                x = rect.right() - size.width() if self.orientation == "left" else rect.left()
                y = rect.center().y() - size.height() / 2
            else:
                x = rect.center().x() - size.width() / 2
                y = rect.top() if self.orientation == "bottom" else rect.bottom() - size.height()
            p.drawStaticText(QPointF(x, y), st)


class ValueAxis(FastAxis):
    """The value (y) axis of a time series: pyqtgraph's ticks, labelled short (12.5k, 1.05M, 3.2G).

    Without pyqtgraph's automatic SI prefix: it rewrites the axis title (an HTML text
    item, laid out again) at every range change, which a plot that follows its data has
    at every redraw, and "(x1e+06)" in a title is harder to read than "3M" on a tick.
    """

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        # Painted into a pixmap Qt keeps and replays until the axis changes: a value axis keeps its range
        # over most redraws of its data (charts.TimeSeriesChart._steady), yet was painted again at each
        # one, its labels and grid a quarter of a time series' paint (bench/gui.py).
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode:
            return super().tickStrings(values, scale, spacing)
        if spacing and spacing < 1:
            digits = max(0, -math.floor(math.log10(spacing)))
            return [f"{v * scale:.{digits}f}" for v in values]
        return [fmt_number(v * scale) for v in values]


class TimeAxis(FastAxis):
    """A wall-clock time axis over x = time − ``origin``, with as many round ticks as the labels leave room for.

    Timed charts plot seconds since an origin near their data rather than epoch
    seconds (~1.8e9): exported SVG keeps about six significant digits per
    coordinate and SVG renderers work in single precision, so epoch x values
    collapse every curve to a line (pyqtgraph/pyqtgraph#2661). The axis adds the
    origin back for its ticks and labels, so the user sees local wall-clock times.

    The step is the smallest round one (1, 2, 5, 10, 15, 30 s, 1, 2, 5 ... min, hours,
    days) whose labels fit with ``LABEL_GAP`` pixels between them: a one-minute window
    on a narrow plot gets a label every 10 or 15 s rather than two in all. Labels say
    ``HH:MM:SS`` below a minute's step, ``HH:MM`` above, and the date at midnight or
    when the step is a day or more.
    """

    def __init__(self, origin: float = 0.0) -> None:
        super().__init__(orientation="bottom")
        self.origin = float(origin)
        self.enableAutoSIPrefix(False)
        self.setStyle(maxTextLevel=0)  # labels on the round steps only; the minor ticks are grid lines

    def step_for(self, span: float, pixels: float) -> float:
        """The label step for ``span`` seconds over ``pixels``: the smallest round one whose labels fit."""
        if span <= 0 or pixels <= 0:
            return float(TIME_STEPS[0])
        for step in TIME_STEPS:
            width = self.text_size(_time_label(0.0, step)).width() + LABEL_GAP
            if pixels * step / span >= width:
                return float(step)
        return float(TIME_STEPS[-1])

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        lo, hi = minVal + self.origin, maxVal + self.origin
        step = self.step_for(hi - lo, size)
        offset = _utc_offset(lo)
        major = _ticks(lo, hi, step, offset)
        levels = [(step, [v - self.origin for v in major])]
        minor = MINOR.get(int(step))
        if minor:
            levels.append((minor, [v - self.origin for v in _ticks(lo, hi, minor, offset)]))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [_time_label(v + self.origin, spacing) for v in values]

    def generateDrawSpecs(self, p: Any) -> tuple[Any, Any, Any] | None:
        """pyqtgraph's specs for a bottom time axis, worked out in a few lines instead of its general code.

        A following plot's time axis moves at every redraw, so this runs at every redraw:
        what pyqtgraph does for any orientation, level and crowding rule cost more than
        drawing the whole plot. Labels only on the major step (chosen so they fit), grid
        lines on both levels."""
        view = self.linkedView()
        if self.orientation != "bottom" or view is None or self.grid is False:
            return super().generateDrawSpecs(p)
        bounds = self.mapRectFromParent(self.geometry())
        ticks = view.mapRectToItem(self, view.boundingRect())
        lo, hi = self.range
        width = bounds.width()
        if hi <= lo or width <= 0:
            return None
        scale = width / (hi - lo)
        axis_spec = (
            self.pen(),
            QPointF(bounds.left() - 1, bounds.top() + 1),
            QPointF(bounds.right() + 1, bounds.top() + 1),
        )
        tick_specs = []
        text_specs = []
        top, stop = ticks.top(), bounds.top()
        text_top = stop + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        height = 0.0
        for level, (spacing, values) in enumerate(self.tickValues(lo, hi, width)):
            pen = QPen(self.tickPen())
            colour = QColor(pen.color())
            colour.setAlpha(int(self.grid / (level + 1)))
            pen.setColor(colour)
            xs = [(v - lo) * scale + bounds.left() for v in values]
            tick_specs += [
                (pen, QPointF(x, top), QPointF(x, stop)) for x in xs if bounds.left() <= x <= bounds.right()
            ]
            if level:
                continue
            for x, text in zip(xs, self.tickStrings(values, 1.0, spacing), strict=True):
                size = self.text_size(text)
                rect = QRectF(x - size.width() / 2, text_top, size.width(), size.height() * 0.8)
                if rect.left() >= bounds.left() and rect.right() <= bounds.right():
                    text_specs.append((rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text))
                    height = max(height, rect.height())
        self._updateMaxTextSize(int(height))
        return axis_spec, tick_specs, text_specs


def _utc_offset(t: float) -> float:
    """Seconds local time is ahead of UTC at ``t`` (ticks fall on local round times)."""
    if not math.isfinite(t):
        return 0.0
    # offsets change on quarter hours: one look-up per quarter hour, not per redraw
    return _utc_offset_at(math.floor(t / 900) * 900)


@functools.lru_cache(maxsize=256)
def _utc_offset_at(t: float) -> float:
    try:
        offset = datetime.fromtimestamp(t).astimezone().utcoffset()
    except (OverflowError, OSError, ValueError):
        return 0.0
    return offset.total_seconds() if offset is not None else 0.0


def _ticks(lo: float, hi: float, step: float, offset: float) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or (hi - lo) / step > 1000:
        return []
    first = math.ceil((lo + offset) / step) * step - offset
    return [first + i * step for i in range(int((hi - first) // step) + 1)]


@functools.lru_cache(maxsize=4096)  # a following axis labels the same round times at every redraw
def _time_label(t: float, step: float) -> str:
    if not math.isfinite(t):
        return ""
    try:
        tm = time.localtime(t)
    except (OverflowError, OSError, ValueError):
        return ""
    if step >= 86400:
        return time.strftime("%b %d", tm)
    if tm.tm_hour == 0 and tm.tm_min == 0 and tm.tm_sec == 0 and step >= 60:
        return time.strftime("%b %d", tm)  # midnight: the day, not 00:00
    return time.strftime("%H:%M" if step >= 60 else "%H:%M:%S", tm)


__all__ = ["FastAxis", "TimeAxis", "ValueAxis"]
