"""Axes that are cheap to repaint and easy to read: a time axis with enough human ticks, a value axis.

Their own module because the axes were the largest part of a redraw: pyqtgraph's
``AxisItem`` records its ticks and labels into a ``QPicture`` whenever the range
moves (every redraw of a following plot) and replays it at every paint; the text in
it is laid out again at each replay, and each label is measured again at each
range change (measured in bench/gui.py: about two thirds of a time series'
paint). ``FastAxis`` keeps what was measured (per label text) and what was laid out
(a ``QStaticText`` per label), and draws the lines and labels straight onto the
painter; its ticks are pyqtgraph's (``generateDrawSpecs``). ``TimeAxis``, whose range
moves at every redraw of a following plot, works its ticks out once per scale instead
(``_Layout``: lines and labels over more than the window) and shifts them at each paint.
"""

from __future__ import annotations

import bisect
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
        self._bounds_key: tuple[Any, ...] | None = None
        self._bounds = QRectF()
        super().__init__(*args, **kwargs)
        #: how many times the ticks were worked out again (the range or the size moved); for tests
        self.layouts = 0

    def boundingRect(self) -> QRectF:
        """pyqtgraph's bounds (the axis, and the view when it draws the grid), kept while the geometry stays.

        Qt asks for them several times per paint and per ``update()`` (about eight times a redraw),
        and pyqtgraph works them out in Python each time, mapping two rectangles."""
        view = self.linkedView()
        key = (
            self.geometry(),
            view.geometry() if view is not None else None,
            self.grid,
            self.style["tickLength"],
            self.style["hideOverlappingLabels"],
        )
        if key != self._bounds_key:
            self._bounds_key = key
            self._bounds = super().boundingRect()
        return QRectF(self._bounds)

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
        #: on a log axis, how many pixels a decade has (``tickValues`` knows it, ``tickStrings`` needs it)
        self._pixels_per_decade = 0.0
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        # Painted into a pixmap Qt keeps and replays until the axis changes: a value axis keeps its range
        # over most redraws of its data (charts.TimeSeriesChart._steady), yet was painted again at each
        # one, its labels and grid a quarter of a time series' paint (bench/gui.py).
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        if self.logMode:
            self._pixels_per_decade = size / max(maxVal - minVal, 1e-12)
        ticks: list[tuple[float, list[float]]] = super().tickValues(minVal, maxVal, size)
        return ticks

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode:
            return log_labels(values, self._pixels_per_decade)
        if spacing and spacing < 1:
            digits = max(0, -math.floor(math.log10(spacing)))
            return [f"{v * scale:.{digits}f}" for v in values]
        return [fmt_number(v * scale) for v in values]


#: Pixels a decade needs on a log axis before its 2 and 5 are labelled, and before all of 2-9 are
#: (the gaps between 9 and 10, or 1 and 2, are 4.6 % and 30 % of a decade; a label is about 15 px high).
LOG_LABEL_25, LOG_LABEL_ALL = 70.0, 420.0


def log_labels(values: list[float], pixels_per_decade: float) -> list[str]:
    """Labels of a log axis's ticks (``values`` are log10s): each decade always, as a linear axis writes
    numbers (1k, 10M); 2 and 5 when a decade is tall enough, every mantissa when it is taller still; the
    other minor ticks keep their grid line and no label, so labels never pile up (9·10⁷ over 8·10⁷)."""
    keep = (
        set(range(1, 10))
        if pixels_per_decade >= LOG_LABEL_ALL
        else {1, 2, 5}
        if pixels_per_decade >= LOG_LABEL_25
        else {1}
    )
    out = []
    for v in values:
        if not -300.0 < v < 300.0:  # a range still in linear units as the axis turns to log: no label yet
            out.append("")
            continue
        x = 10.0**v
        mantissa = x / 10.0 ** math.floor(v + 1e-9)
        whole = round(mantissa)
        out.append(fmt_number(x) if abs(mantissa - whole) < 1e-6 and whole in keep else "")
    return out


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
        self._layout: _Layout | None = None
        self._lean = False  # painting from the layout (a bottom axis with its grid over a view)
        self._base_specs: tuple[Any, Any, Any] | None = None
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

    @property
    def _specs(self) -> tuple[Any, Any, Any] | None:
        """(axis line, tick lines, labels) as pyqtgraph's ``generateDrawSpecs`` gives them, for what is shown now.

        The lean path paints from a layout (``_Layout``) and needs no specs; the tests and the
        other orientations read them."""
        layout = self._layout
        if layout is None or not self._lean:
            return self._base_specs
        return layout.specs(self.range[0])

    @_specs.setter
    def _specs(self, value: tuple[Any, Any, Any] | None) -> None:
        self._base_specs = value

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        """Lines and labels from a layout kept while the scale stays: a scrolling axis is only shifted.

        A following plot's time axis moves at every redraw; its ticks and labels were worked
        out again each time (pyqtgraph's ``generateDrawSpecs``, then a ``QLineF`` per grid line:
        a third of a time series' paint). At the same seconds per pixel the same round times
        fall at the same spacing: the layout covers the window and two more of it ahead
        (``AHEAD`` spans), and a paint translates its lines by the scroll and picks the
        labels that fit, until the scale, the size, the pens or the font change, or the
        window runs off the layout."""
        view = self.linkedView()
        self._lean = self.orientation == "bottom" and view is not None and self.grid is not False
        if not self._lean:
            super().paint(p, opt, widget)
            return
        lo, hi = self.range
        layout = self._layout
        if self.picture is None or layout is None:  # something moved: is the layout still good?
            self.picture = True
            layout = self._current_layout(view, lo, hi)
        elif not layout.covers(lo, hi):
            layout = self._current_layout(view, lo, hi)
        if layout is None:
            return
        layout.paint(p, lo, self._clip)

    def _current_layout(self, view: Any, lo: float, hi: float) -> _Layout | None:
        if self.style["tickFont"] is not None and self.style["tickFont"] != self._font:
            self._font = QFont(self.style["tickFont"])
            self._sizes.clear()
            self._static.clear()
        key = (
            self.geometry(),
            view.geometry(),
            self._pen,
            self._tickPen,
            self._textPen,
            self.grid,
            self.style["tickLength"],
            self.style["tickTextOffset"][1],
            self.origin,
        )
        layout = self._layout
        if layout is not None and layout.key == key and layout.fits(lo, hi):
            return layout
        self._layout = layout = self._lay_out(view, lo, hi, key)
        return layout

    def _lay_out(self, view: Any, lo: float, hi: float, key: tuple[Any, ...]) -> _Layout | None:
        """The ticks, grid lines and labels from ``lo`` − ``BEHIND`` spans to ``hi`` + ``AHEAD`` spans."""
        self.layouts += 1
        bounds = self.mapRectFromParent(self.geometry())
        ticks = view.mapRectToItem(self, view.boundingRect())
        self._clip = self.boundingRect().toAlignedRect()
        width = bounds.width()
        if hi <= lo or width <= 0:
            return None
        span = hi - lo
        scale = width / span
        left = bounds.left()
        layout = _Layout(key, lo, hi, scale, left, bounds.right())
        layout.axis = (
            self.pen(),
            QPointF(left - 1, bounds.top() + 1),
            QPointF(bounds.right() + 1, bounds.top() + 1),
        )
        layout.text_pen = self.textPen()
        layout.font = self._font
        top, stop = ticks.top(), bounds.top()
        text_top = stop + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        first, last = lo - BEHIND * span, hi + AHEAD * span
        # the step for what shows (the same at every scroll), the ticks over the whole layout
        step = self.step_for(span, width)
        height = 0.0
        for level, (spacing, values) in enumerate(self._levels_for(first, last, step)):
            pen = QPen(self.tickPen())
            colour = QColor(pen.color())
            colour.setAlpha(int(self.grid / (level + 1)))
            pen.setColor(colour)
            xs = [(v - lo) * scale + left for v in values]
            layout.levels.append((self._opaque(pen), xs, [QLineF(x, top, x, stop) for x in xs]))
            if level:
                continue
            for x, text in zip(xs, self.tickStrings(values, 1.0, spacing), strict=True):
                size = self.text_size(text)
                rect = QRectF(x - size.width() / 2, text_top, size.width(), size.height() * 0.8)
                st = self._static_text(text)
                layout.labels.append((rect, text, st, x - st.size().width() / 2, rect.top()))
                height = max(height, rect.height())
        self._updateMaxTextSize(int(height))
        return layout

    def _levels_for(self, lo: float, hi: float, step: float) -> list[tuple[float, list[float]]]:
        """``tickValues`` with the step given (the layout spans more than is shown)."""
        lo, hi = lo + self.origin, hi + self.origin
        offset = _utc_offset(lo)
        levels = [(step, [v - self.origin for v in _ticks(lo, hi, step, offset)])]
        minor = MINOR.get(int(step))
        if minor:
            levels.append((minor, [v - self.origin for v in _ticks(lo, hi, minor, offset)]))
        return levels


#: Spans of the window a time axis' layout reaches behind and ahead of what it shows (a following plot
#: scrolls forward: one layout lasts two windows' worth of scrolling).
BEHIND = 0.25
AHEAD = 2.0
#: Pixels of rounding a shifted line or label may be past the axis' edge and still count as inside.
EDGE = 1e-6


class _Layout:
    """A time axis' lines and labels at one scale, in pixels for the range starting at ``lo``."""

    def __init__(self, key: tuple[Any, ...], lo: float, hi: float, scale: float, left: float, right: float):
        self.key = key
        self.lo, self.span, self.scale, self.left, self.right = lo, hi - lo, scale, left, right
        self.axis: tuple[QPen, QPointF, QPointF] | None = None
        self.text_pen = QPen()
        self.font = QFont()
        #: (opaque pen, x of each line, the lines) per level, x ascending
        self.levels: list[tuple[QPen, list[float], list[QLineF]]] = []
        #: (rect at lo, text, laid-out text, its x, its y at lo) per label, x ascending
        self.labels: list[tuple[QRectF, str, QStaticText, float, float]] = []

    def fits(self, lo: float, hi: float) -> bool:
        """Same seconds per pixel (to a millionth) and inside the layout."""
        span = hi - lo
        return abs(span - self.span) <= 1e-6 * self.span and self.covers(lo, hi)

    def covers(self, lo: float, hi: float) -> bool:
        return self.lo - BEHIND * self.span <= lo and hi <= self.lo + (1 + AHEAD) * self.span

    def specs(self, lo: float) -> tuple[Any, Any, Any]:
        """pyqtgraph's (axis line, [(pen, p1, p2)], [(rect, flags, text)]) for the range starting at ``lo``."""
        dx = (self.lo - lo) * self.scale
        ticks = [
            (pen, line.p1() + QPointF(dx, 0), line.p2() + QPointF(dx, 0))
            for pen, xs, lines in self.levels
            for x, line in zip(xs, lines, strict=True)
            if self.left - EDGE <= x + dx <= self.right + EDGE
        ]
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        texts = [
            (rect.translated(dx, 0), flags, text)
            for rect, text, _st, _x, _y in self.labels
            if rect.left() + dx >= self.left - EDGE and rect.right() + dx <= self.right + EDGE
        ]
        return self.axis, ticks, texts

    def paint(self, p: QPainter, lo: float, clip: QRect) -> None:
        dx = (self.lo - lo) * self.scale
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if self.axis is not None:
            pen, p1, p2 = self.axis
            p.setPen(pen)
            p.drawLine(p1, p2)
        # (a line on the edge counts as inside, whichever way the shift rounded)
        lo_x, hi_x = self.left - dx - EDGE, self.right - dx + EDGE
        p.translate(dx, 0.0)
        for pen, xs, lines in self.levels:  # the lines inside the axis, shifted by the scroll
            i0, i1 = bisect.bisect_left(xs, lo_x), bisect.bisect_right(xs, hi_x)
            if i1 > i0:
                p.setPen(pen)
                p.drawLines(lines[i0:i1])
        p.translate(-dx, 0.0)
        p.setFont(self.font)
        p.setPen(self.text_pen)
        p.setClipRect(clip)
        for rect, _text, st, x, y in self.labels:
            if rect.left() + dx >= self.left - EDGE and rect.right() + dx <= self.right + EDGE:
                p.drawStaticText(QPointF(x + dx, y), st)


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
