"""PairPlot: the two series of a picked edge overlaid on one time axis, each on its own y axis.

Linked series rarely share a unit or a scale (system calls against bytes read), so the first
series reads on the left axis and the second on the right, each in its colour; a lagged link
says by how much the second follows. A picked node alone is drawn on the left axis.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...analytics.depgraph import DependencyGraph
from ..plots.charts import time_axis

COLOURS = ("#0072B2", "#D55E00")


class PairPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel("Pick an edge (or a row of the table) to see its two series here.")
        self.title.setWordWrap(True)
        self.axis = time_axis(0.0)
        self.plot = pg.PlotWidget(background="w", axisItems={"bottom": self.axis})
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setMenuEnabled(False)
        self.right = pg.ViewBox()
        item.showAxis("right")
        item.scene().addItem(self.right)
        item.getAxis("right").linkToView(self.right)
        self.right.setXLink(item)
        item.vb.sigResized.connect(self._sync_views)
        self.legend = item.addLegend(
            offset=(8, 4), brush=pg.mkBrush(255, 255, 255, 210), labelTextColor="#333333"
        )
        self.curves = (
            pg.PlotCurveItem(pen=pg.mkPen(COLOURS[0], width=1.5)),
            pg.PlotCurveItem(pen=pg.mkPen(COLOURS[1], width=1.5)),
        )
        item.addItem(self.curves[0])
        self.right.addItem(self.curves[1])
        self.names: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)

    def _sync_views(self) -> None:
        vb = self.plot.getPlotItem().vb
        self.right.setGeometry(vb.sceneBoundingRect())
        self.right.linkedViewChanged(vb, self.right.XAxis)

    def show_nodes(self, graph: DependencyGraph, nodes: tuple[int, ...], title: str) -> None:
        """Draw one or two nodes' series (the first on the left axis, the second on the right)."""
        times = graph.matrix.times
        origin = float(np.floor(times[0] / 3600) * 3600) if len(times) else 0.0
        self.axis.origin = origin
        x = times - origin
        self.legend.clear()
        item = self.plot.getPlotItem()
        names = []
        for side, curve in enumerate(self.curves):
            if side < len(nodes):
                node = graph.nodes[nodes[side]]
                curve.setData(x, graph.matrix.values[:, nodes[side]])
                self.legend.addItem(curve, node.name)
                names.append(node.name)
            else:
                curve.setData([], [])
        item.getAxis("left").setLabel(names[0] if names else "", color=COLOURS[0])
        item.getAxis("right").setLabel(names[1] if len(names) > 1 else "", color=COLOURS[1])
        item.showAxis("right", len(names) > 1)
        self.names = tuple(names)
        self.title.setText(title)
        item.enableAutoRange()
        self.right.enableAutoRange()
        self._sync_views()

    def clear(self) -> None:
        for curve in self.curves:
            curve.setData([], [])
        self.legend.clear()
        self.names = ()
        self.title.setText("Pick an edge (or a row of the table) to see its two series here.")

    def series(self, side: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) drawn on the left (0) or right (1) axis; x is time − the axis origin."""
        x, y = self.curves[side].getData()
        return (np.zeros(0), np.zeros(0)) if x is None else (x, y)
