"""MultiCurve: every curve of a time-series panel in one graphics item, painted in one ``paint()``.

A panel of the top 8 keys drew 8 PlotCurveItems: each redraw was 8 ``setData`` calls
(each updating its bounds, emitting signals, telling the view its bounds changed) and
each paint 8 items' worth of pyqtgraph's per-item Python (path building, bounds,
pen checks) before Qt drew a line. With 25 such panels at 10 redraws a second, that
per-item overhead was most of the GUI thread's time. Here one item holds every
curve: the chart gives it all the columns at once (``set_data``), and its paint is a
``drawPolyline`` per visible curve of a ``QPolygonF`` filled from numpy through a
shared buffer (no Python loop over points), or, where a curve has gaps (NaN), a
path built by pyqtgraph's ``arrayToQPath`` with ``connect="finite"``.

What the legend, the tests and the rest of the panel hold per key is a ``Series``:
not a graphics item, just the curve's pen, name, visibility and data, with the few
methods pyqtgraph's legend (``ItemSample``) calls (``opts``, ``isVisible``,
``setVisible``); hiding one repaints the MultiCurve.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF


class Series:
    """One key's curve in a ``MultiCurve``: its pen, name, visibility and last data (what the legend shows)."""

    def __init__(self, owner: MultiCurve, pen: QPen, name: str) -> None:
        self._owner = owner
        #: what pyqtgraph's LegendItem sample reads to draw its line
        self.opts: dict[str, Any] = {"pen": pen, "name": name, "antialias": False, "symbol": None}
        self._visible = True
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self._finite = True
        self._shape: QPolygonF | QPainterPath | None = None
        # The screen's polyline, kept from one redraw to the next and filled in place through a numpy
        # view of its points (pyqtgraph's arrayToQPolygonF makes a new one and a view of it each time).
        self._polygon = QPolygonF()
        self._points: np.ndarray | None = None

    def name(self) -> str:
        return str(self.opts["name"])

    def isVisible(self) -> bool:  # the QGraphicsItem name the legend calls
        return self._visible

    def setVisible(self, visible: bool) -> None:
        visible = bool(visible)
        if visible != self._visible:
            self._visible = visible
            self._owner.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # as PlotCurveItem's
        """(x, y) as drawn: x is time − the chart's origin, y on the axis' scale (log10 on a log axis)."""
        return self.x, self.y

    def set(self, x: np.ndarray, y: np.ndarray, finite: bool) -> None:
        self.x, self.y = x, y
        self._finite = finite
        self._shape = None

    def shape(self, screen: bool) -> QPolygonF | QPainterPath | None:
        """What to draw: a polyline for the screen when every point is finite, else a path (NaN breaks the
        line; exports get paths, which pyqtgraph's SVG exporter maps to pixels)."""
        if len(self.x) < 2:
            return None
        if screen and self._finite:
            if self._shape is not self._polygon:
                n = len(self.x)
                if self._points is None or len(self._points) != n:
                    self._polygon.resize(n)
                    self._points = pg.functions.ndarray_from_qpolygonf(self._polygon)
                self._points[:, 0] = self.x
                self._points[:, 1] = self.y
                self._shape = self._polygon
            return self._shape
        if not isinstance(self._shape, QPainterPath):
            self._shape = pg.arrayToQPath(self.x, self.y, connect="all" if self._finite else "finite")
        return self._shape


class MultiCurve(pg.GraphicsObject):
    """The curves of one time-series chart, one ``Series`` per key, painted together."""

    def __init__(self) -> None:
        super().__init__()
        self.series: list[Series] = []
        self._bounds = (0.0, 0.0, 0.0, 0.0)  # x min, x max, y min, y max of the visible curves' data
        self._rect: QRectF | None = None

    def add(self, pen: QPen, name: str) -> Series:
        pen = QPen(pen)
        pen.setCosmetic(True)  # a pixel wide whatever the view's scale
        series = Series(self, pen, name)
        self.series.append(series)
        return series

    def remove(self, series: Series) -> None:
        if series in self.series:
            self.series.remove(series)
            self.update()

    def set_data(
        self,
        x: np.ndarray,
        y: np.ndarray,
        series: list[Series],
        bounds: tuple[float, float, float, float] | None,
    ) -> None:
        """Give ``series[j]`` the points (x, y[:, j]) — one x for all, as the chart's rows are — and repaint.

        ``bounds``: (x min, x max, y min, y max) of the finite points of the visible curves, or None."""
        # a column's sum is finite only if every point is (or, at worst, a huge finite column takes the
        # path, which draws it as well): one pass over y, not isfinite's array and then all()
        finite = np.isfinite(np.add.reduce(y, axis=0))
        for j, s in enumerate(series):
            s.set(x, y[:, j], bool(finite[j]))
        bounds = bounds or (0.0, 0.0, 0.0, 0.0)
        if bounds != self._bounds:
            self._bounds = bounds
            self._rect = None
            self.prepareGeometryChange()
            self.informViewBoundsChanged()
        self.update()

    # -- QGraphicsItem ---------------------------------------------------------------------------------------------------
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[float, float]:
        b = self._bounds
        return (b[0], b[1]) if ax == 0 else (b[2], b[3])

    def pixelPadding(self) -> float:
        return 0.0

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            x0, x1, y0, y1 = self._bounds
            # a pixel's room around the data for the 1-px pen, in data units (the view's scale)
            px, py = self.pixelWidth() or 0.0, self.pixelHeight() or 0.0
            self._rect = QRectF(x0 - px, y0 - py, (x1 - x0) + 2 * px, (y1 - y0) + 2 * py)
        return self._rect

    def viewTransformChanged(self) -> None:
        self._rect = None  # the pixel of room is another size in data units
        self.prepareGeometryChange()

    def paint(self, p: QPainter, *args: Any) -> None:
        widget = args[1] if len(args) > 1 else None
        screen = widget is not None  # an export paints with no widget: paths, which it maps to pixels
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for s in self.series:
            if not s._visible:
                continue
            shape = s.shape(screen)
            if shape is None:
                continue
            p.setPen(s.opts["pen"])
            if isinstance(shape, QPolygonF):
                p.drawPolyline(shape)
            else:
                p.drawPath(shape)
