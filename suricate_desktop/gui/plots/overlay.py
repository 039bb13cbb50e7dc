"""Overlays: series computed elsewhere (the console's ``ws.plot(..., on=stream)``) drawn over a live time series.

An overlay is a (times, values) pair in epoch seconds, kept by the panel and drawn as a
dashed curve on its time-series chart at every redraw, on the chart's own y scale (it
does not move the y range: an overlay of a rolling mean or a forecast sits among the
curves it was computed from). Bounded: at most ``MAX_OVERLAYS`` per panel (the oldest is
dropped) and ``MAX_POINTS`` points each (the newest are kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

MAX_OVERLAYS = 8
MAX_POINTS = 100_000
COLOURS = ("#000000", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#FF7F0E")
WIDTH = 2


@dataclass
class Overlay:
    label: str
    times: np.ndarray
    values: np.ndarray
    colour: str


class Overlays:
    """A panel's overlays and the curves that draw them on its current chart."""

    def __init__(self):
        self.items: dict[str, Overlay] = {}
        self._chart = None
        self._curves: dict[str, pg.PlotCurveItem] = {}
        self._used = 0

    def set(self, label: str, times, values, colour: str | None = None) -> Overlay:
        """Add (or replace) the overlay called ``label``."""
        times = np.asarray(times, dtype=np.float64)[-MAX_POINTS:]
        values = np.asarray(values, dtype=np.float64)[-MAX_POINTS:]
        if times.shape != values.shape or times.ndim != 1:
            raise ValueError(f"overlay {label!r}: times and values must be 1-D and the same length")
        if label in self.items:
            colour = colour or self.items[label].colour
            del self.items[label]  # re-added last: the newest overlay survives the bound longest
        elif len(self.items) >= MAX_OVERLAYS:
            self.remove(next(iter(self.items)))
        if colour is None:
            colour = COLOURS[self._used % len(COLOURS)]
            self._used += 1
        overlay = self.items[label] = Overlay(label, times, values, colour)
        return overlay

    def remove(self, label: str) -> None:
        self.items.pop(label, None)
        self._drop_curve(label)

    def clear(self) -> None:
        for label in list(self.items):
            self.remove(label)

    def draw(self, chart) -> None:
        """Draw every overlay on ``chart`` (a time series; other charts have no y of the stream's values)."""
        if chart is not self._chart:  # a rebuilt chart took its items with it
            self._chart, self._curves = chart, {}
        if getattr(chart, "name", "") != "timeseries":
            return
        for label in [k for k in self._curves if k not in self.items]:
            self._drop_curve(label)
        for label, overlay in self.items.items():
            curve = self._curves.get(label)
            if curve is None:
                pen = pg.mkPen(overlay.colour, width=WIDTH, style=Qt.PenStyle.DashLine)
                curve = self._curves[label] = pg.PlotCurveItem(pen=pen, name=label)
                curve.setZValue(40)
                chart.plot.addItem(curve, ignoreBounds=True)
                chart.legend.addItem(curve, f"⋯ {label}")
                chart.fit_legend()  # the legend grew: its column too
            y = overlay.values
            if chart.log:
                with np.errstate(divide="ignore", invalid="ignore"):
                    y = np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), np.nan)
            curve.setData(overlay.times - chart.t0, y, connect="finite")

    def _drop_curve(self, label: str) -> None:
        curve = self._curves.pop(label, None)
        if curve is not None and self._chart is not None:
            self._chart.legend.removeItem(curve)
            self._chart.plot.removeItem(curve)
