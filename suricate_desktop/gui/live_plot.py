"""A live time-series plot of one stream's top keys, pulled from the store on a timer.

The plot never listens to messages: the main window's frame timer calls
``refresh()``, which reads a copy of the stream from the LiveStore only when
its version changed, and calls ``setData`` once per curve. Curves use
clipToView and autoDownsample so long windows stay smooth.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..store.live import LiveStore, StreamId

#: Distinct, colour-blind-friendly pens (Okabe-Ito), then pyqtgraph's hues.
_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


class LivePlot(pg.PlotWidget):
    """Top-N keys of one scalar stream over time (interval or cumulative view)."""

    def __init__(self, store: LiveStore, top: int = 8, parent=None):
        super().__init__(parent=parent, axisItems={"bottom": pg.DateAxisItem()})
        self.store = store
        self.top = top
        self.stream: StreamId | None = None
        self.view_name = "interval"
        self._version = -1
        self._curves: dict[str, pg.PlotDataItem] = {}
        self.setBackground("w")
        self.showGrid(x=True, y=True, alpha=0.3)
        self.legend = self.addLegend(offset=(10, 10))
        self.setLabel("bottom", "time")

    def show_stream(self, stream: StreamId | None, view: str = "interval") -> None:
        self.stream = stream
        self.view_name = view
        self._version = -1
        self.clear()
        self.legend.clear()
        self._curves.clear()
        self.setTitle(".".join(stream) if stream else "")
        self.refresh()

    def refresh(self) -> None:
        """Redraw if the stream has new data since the last frame."""
        if self.stream is None:
            return
        try:
            version = self.store.version(self.stream)
        except KeyError:
            return
        if version == self._version:
            return
        self._version = version
        times, values, labels = self.store.matrix(self.stream, self.view_name)
        if not len(times) or not labels:
            return
        totals = np.nansum(np.abs(values), axis=0)
        order = np.argsort(totals)[::-1][: self.top]
        shown = set()
        for rank, col in enumerate(order):
            name = _label(labels[col])
            shown.add(name)
            curve = self._curves.get(name)
            if curve is None:
                pen = pg.mkPen(_COLOURS[rank % len(_COLOURS)], width=2)
                curve = self.plot(name=name, pen=pen)
                curve.setClipToView(True)
                curve.setDownsampling(auto=True, method="peak")
                self._curves[name] = curve
            curve.setData(times, values[:, col], connect="finite")
        for name in [n for n in self._curves if n not in shown]:
            # Keys that left the top N leave the plot and its legend.
            self.removeItem(self._curves.pop(name))
            self.legend.removeItem(name)


def _label(label: tuple) -> str:
    if label and isinstance(label[0], tuple):
        return " ".join([",".join(map(str, label[0])), *map(str, label[1:])])
    return ",".join(map(str, label)) or "(no key)"
