"""The console's plot pane: figures drawn by ``ws.plot``, one tab each.

A figure is a static pyqtgraph plot of what user code computed (a Series, a DataFrame's
columns): it is drawn once, when ``ws.plot`` is called, and never polls anything. Bounded:
at most ``MAX_FIGURES`` tabs (the oldest closes), ``MAX_CURVES`` curves per figure.
Times are drawn on the workbench's time axis (UTC epoch seconds shown as wall-clock
times, x relative to an origin near the data; see plots/charts.TimeAxis).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ..plots.charts import PALETTE, time_axis

MAX_FIGURES = 12
MAX_CURVES = 20
ORIGIN_STEP = 3600.0


class Figure(pg.PlotWidget):
    """One ``ws.plot`` figure: a curve per column, a legend, a time axis when x is time."""

    def __init__(self, title: str, x: np.ndarray, columns: dict[str, np.ndarray], timed: bool):
        finite = x[np.isfinite(x)]
        self.origin = math.floor(finite[0] / ORIGIN_STEP) * ORIGIN_STEP if timed and len(finite) else 0.0
        super().__init__(background="w", axisItems={"bottom": time_axis(self.origin)} if timed else None)
        self.title = title
        self.timed = timed
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.addLegend(offset=(8, 4), labelTextColor="#222222", brush=pg.mkBrush(255, 255, 255, 210))
        for side in ("left", "bottom"):
            item.getAxis(side).setPen("#888888")
            item.getAxis(side).setTextPen("#444444")
        self.curves: dict[str, pg.PlotDataItem] = {}
        for i, (name, y) in enumerate(columns.items()):
            pen = pg.mkPen(PALETTE[i % len(PALETTE)], width=1.5)
            self.curves[name] = item.plot(x - self.origin, y, pen=pen, name=name, connect="finite")
        item.autoRange()


class FigurePane(QWidget):
    """Tabs of ``Figure``s; hidden by its owner until the first one is drawn."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tabs = QTabWidget(tabsClosable=True, movable=True, documentMode=True)
        self.tabs.tabCloseRequested.connect(self.close_figure)
        self._hint = QLabel(
            'ws.plot(series) draws here;\nws.plot(series, on="stream") over the live plots.',
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self._hint.setStyleSheet("color: #57606a")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addWidget(self._hint)
        self.tabs.hide()
        self._made = 0

    def figures(self) -> list[Figure]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def figure(self, title: str) -> Figure | None:
        return next((f for f in self.figures() if f.title == title), None)

    def show_figure(
        self, title: str | None, x: np.ndarray, columns: dict[str, np.ndarray], timed: bool
    ) -> str:
        """Draw a figure (replacing the one with that title); returns its title."""
        self._made += 1
        title = title or f"Figure {self._made}"
        figure = Figure(title, x, columns, timed)
        old = self.figure(title)
        if old is not None:
            index = self.tabs.indexOf(old)
            self.tabs.removeTab(index)
            old.deleteLater()
            self.tabs.insertTab(index, figure, title)
        else:
            while self.tabs.count() >= MAX_FIGURES:
                self.close_figure(0)
            self.tabs.addTab(figure, title)
        self.tabs.setCurrentWidget(figure)
        self.tabs.show()
        self._hint.hide()
        self.show()
        return title

    def close_figure(self, index: int) -> None:
        figure = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if figure is not None:
            figure.deleteLater()
        if not self.tabs.count():
            self.tabs.hide()
            self._hint.show()
