"""``ws`` as the console sees it: the Qt-free ``Workspace`` plus drawing (``ws.plot``) into the workbench.

``plot`` touches widgets, so it runs on the GUI thread; called from a background job it is
handed to the GUI thread by a queued signal and drawn there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Signal

from ...analytics.jobs import Jobs
from ...analytics.workspace_api import StoreRef, Workspace, stream_name
from ...store.recording import iter_snapshots
from ..sources.recording import RecordingSource
from .figures import MAX_CURVES, FigurePane

#: Points of one series ``ws.plot`` draws at most (the newest are kept).
MAX_POINTS = 200_000
EPOCH = pd.Timestamp(0, tz="UTC")


def store_refs(registry) -> Callable[[], list[StoreRef]]:
    """The open sources of a ``SourceRegistry`` as the console's ``StoreRef``s (a recording with its whole past)."""

    def refs() -> list[StoreRef]:
        out = []
        for source in registry:
            recorded = None
            if isinstance(source, RecordingSource):
                recorded = _recorded(source)
            out.append(StoreRef(source.name, source.store, recorded))
        return out

    return refs


def _recorded(source: RecordingSource):
    if source.path.is_dir():
        return lambda stream: iter_snapshots(source.path, stream)
    return lambda stream: (s for s in source.snapshots() if s.stream == stream)


class Drawn(str):
    """What ``ws.plot`` drew, shown as plain text at the console's ``Out[n]`` (not as a quoted string)."""

    def __repr__(self) -> str:
        return str(self)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class _ToGuiThread(QObject):
    """Carries a ``plot`` call made in a worker thread over to the GUI thread; ``failed`` says why one did not draw."""

    call = Signal(object)
    failed = Signal(str)

    def __init__(self):
        super().__init__()
        self.call.connect(self._run)

    def _run(self, fn) -> None:
        try:
            fn()
        except Exception as exc:
            self.failed.emit(f"ws.plot from a background job: {type(exc).__name__}: {exc}")


class ConsoleWorkspace(Workspace):
    __doc__ = (
        (Workspace.__doc__ or "")
        + """
    Drawing
        ``ws.plot(data, on=None, title=None, label=None, source=None)``
                                  a Series or DataFrame into the console's plot pane, or
                                  (``on=stream``) over that stream's live plots
        ``ws.clear_overlays(on=None)``  take ``ws.plot`` overlays off the live plots
    """
    )

    def __init__(self, window, figures: FigurePane, models=None, jobs: Jobs | None = None):
        super().__init__(store_refs(window.registry), models, jobs)
        self._window = window
        self._figures = figures
        self._bridge = _ToGuiThread()
        self._gui_thread = threading.get_ident()

    def plot(
        self,
        data,
        on: str | tuple | None = None,
        title: str | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> Drawn:
        """Draw a Series or DataFrame (one curve per numeric column); returns what was drawn.

        ``on=None``: into the console's plot pane, as the figure ``title`` (plotting again
        with the same title replaces it; no title makes a new figure). A time index
        (``DatetimeIndex``; naive times are taken as UTC) gives a time axis.

        ``on="stream"``: over every live plot of that stream (a plot of it is opened on the
        current dashboard if none shows it), as dashed curves named ``label`` (default: the
        Series' name or the columns), on the plot's own y scale. The index must be times.
        Plotting the same label again replaces that overlay; at most 8 per plot.
        """
        if threading.get_ident() != self._gui_thread:
            self._bridge.call.emit(lambda: self.plot(data, on, title, label, source))
            return Drawn("queued: drawn when the GUI thread takes it")
        x, columns, timed = _columns(data, title)
        if on is None:
            figure = self._figures.show_figure(title, x, columns, timed)
            return Drawn(f"figure {figure!r}: {_plural(len(columns), 'curve')}")
        if not timed:
            raise ValueError("an overlay needs a time index (a DatetimeIndex, e.g. from ws.frame)")
        panels = self._panels(on, source, create=True)
        for panel in panels:
            for name, values in columns.items():
                panel.set_overlay(_overlay_label(label, name, len(columns)), x, values)
        streams = sorted({stream_name(p.stream) for p in panels})
        return Drawn(
            f"{_plural(len(columns), 'overlay')} on {_plural(len(panels), 'plot')} of {', '.join(streams)}"
        )

    def clear_overlays(self, on: str | tuple | None = None, source: str | None = None) -> int:
        """Take the overlays off the live plots of ``on`` (every plot when None); returns how many plots."""
        panels = self._all_panels() if on is None else self._panels(on, source, create=False)
        for panel in panels:
            panel.clear_overlays()
        return len(panels)

    def _all_panels(self) -> list:
        return [card.panel for page in self._window.dashboard.pages() for card in page.cards]

    def _panels(self, on, source, create: bool) -> list:
        ref, sid = self._store(on, source)
        cards = [
            card
            for page in self._window.dashboard.pages()
            for card in page.cards
            if card.stream == sid and card.source.name == ref.name
        ]
        if not cards and create:
            src = self._window.registry.by_name(ref.name)
            cards = [self._window.dashboard.add_plot(src, sid, "timeseries")]
        return [card.panel for card in cards]


def _columns(data, title: str | None = None) -> tuple[np.ndarray, dict[str, np.ndarray], bool]:
    """(x, {name: y}, timed) from a Series, a DataFrame, or anything numpy makes an array of.

    A Series without a name is named after the figure's title (or "value").
    """
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else (title or "value"))
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        array = np.asarray(data, dtype=np.float64)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise ValueError(f"cannot plot an array of shape {array.shape}")
        frame = pd.DataFrame(array)
    frame = frame.select_dtypes(include=["number", "bool"]).iloc[-MAX_POINTS:]
    if frame.shape[1] == 0:
        raise ValueError("nothing numeric to plot")
    if frame.shape[1] > MAX_CURVES:
        frame = frame.iloc[:, :MAX_CURVES]
    index = frame.index
    timed = isinstance(index, pd.DatetimeIndex)
    if timed:
        utc = index.tz_convert("UTC") if index.tz is not None else index.tz_localize("UTC")
        x = np.asarray((utc - EPOCH).total_seconds(), dtype=np.float64)
    else:
        x = np.asarray(index, dtype=np.float64)
    columns = {_column_name(c): frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in frame.columns}
    return x, columns, timed


def _overlay_label(label: str | None, column: str, columns: int) -> str:
    if label is None:
        return column
    return str(label) if columns == 1 else f"{label} {column}"


def _column_name(column) -> str:
    if isinstance(column, tuple):
        return " · ".join(str(c) for c in column)
    return str(column)
