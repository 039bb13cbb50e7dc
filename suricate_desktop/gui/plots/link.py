"""TimeLink: one time range for every panel given it; zoom or pan one and all follow."""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject, Signal

try:
    from shiboken6 import isValid as _alive
except ImportError:  # pragma: no cover

    def _alive(arg__1: object) -> bool:  # shiboken6's signature
        return True


class TimeLink(QObject):
    """Links the x (time) range of the plots attached to it.

    Two modes:

    * **follow** (the default): each panel shows its own time window ending at
      its newest data, and slides along as data arrives;
    * **fixed**: the user zoomed or panned one plot (wheel, drag, right-drag);
      every attached plot takes that same range and stays there, paused in time
      but still filling in, until follow is resumed with a double-click on a
      plot, the End key, or ``set_follow(True)``.

    Signals
    -------
    followChanged(bool)
        Follow mode turned on or off.
    rangeChanged(float, float)
        The fixed range the plots now share (epoch seconds).
    """

    followChanged = Signal(bool)
    rangeChanged = Signal(float, float)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._boxes: list[weakref.ref] = []
        self._follow = True
        self._range: tuple[float, float] | None = None
        self._syncing = False

    # -- public API ----------------------------------------------------------------------------------------------------
    @property
    def follow(self) -> bool:
        return self._follow

    def set_follow(self, on: bool = True) -> None:
        if on == self._follow:
            return
        self._follow = on
        if on:
            self._range = None
        self.followChanged.emit(on)

    def x_range(self) -> tuple[float, float] | None:
        """The shared range while not following, else None."""
        return self._range

    def set_range(self, lo: float, hi: float, source=None) -> None:
        """Show [lo, hi] on every attached plot and stop following."""
        if hi <= lo:
            return
        self._range = (float(lo), float(hi))
        was_following = self._follow
        self._follow = False
        self._syncing = True
        try:
            for vb in self.boxes():
                if vb is not source:
                    off = _offset(vb)
                    vb.setXRange(lo - off, hi - off, padding=0)
        finally:
            self._syncing = False
        if was_following:
            self.followChanged.emit(False)
        self.rangeChanged.emit(float(lo), float(hi))

    def attach(self, viewbox) -> None:
        """Link a pyqtgraph ViewBox whose x axis is time: epoch seconds minus ``viewbox.time_offset`` (0 if unset)."""
        if viewbox in self.boxes():
            return
        self._boxes.append(weakref.ref(viewbox))
        viewbox.sigRangeChangedManually.connect(self._manual)
        if not self._follow and self._range is not None:
            off = _offset(viewbox)
            viewbox.setXRange(self._range[0] - off, self._range[1] - off, padding=0)

    def detach(self, viewbox) -> None:
        try:
            viewbox.sigRangeChangedManually.disconnect(self._manual)
        except (RuntimeError, TypeError):
            pass
        self._boxes = [r for r in self._boxes if r() is not None and r() is not viewbox]

    def boxes(self) -> list:
        alive = [r() for r in self._boxes]
        alive = [vb for vb in alive if vb is not None and _alive(vb)]
        return alive

    # -- private -------------------------------------------------------------------------------------------------------
    def _manual(self, mask=None) -> None:
        if self._syncing:
            return
        vb: Any = self.sender()  # the ViewBox whose range moved
        if vb is None or (mask is not None and not mask[0]):
            return
        lo, hi = vb.viewRange()[0]
        off = _offset(vb)
        self.set_range(lo + off, hi + off, source=vb)


def _offset(vb) -> float:
    """Epoch seconds at x = 0 of a view (plots draw time − origin; see charts.TimeAxis)."""
    return float(getattr(vb, "time_offset", 0.0))
