"""Alert firings marked on the plots: each plot of a stream a rule fired on shows where it fired and how long.

Live alerts mark the plots of the live sources the engine watches; a backtest's firings mark the plots of the
recording it ran on. Marks are pushed to the plot panels when the alerts change and once a second (a plot
opened later gets them too); each panel keeps the newest ``MAX_ALERT_MARKS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .alert_history import AlertEntry
from .style import severity_colour, when

if TYPE_CHECKING:
    from ..dashboard import Dashboard

Mark = tuple[float, "float | None", str, str]


def marks_of(entries: Iterable[AlertEntry]) -> dict[tuple, list[Mark]]:
    """Stream → marks (fired, resolved, text, colour) of the firings on it."""
    out: dict[tuple, list[Mark]] = {}
    for e in entries:
        if e.fired is None or not e.stream or e.test:
            continue
        text = f"{e.rule} ({e.severity}) on {e.series}\nfired {when(e.fired)}" + (
            f", resolved {when(e.resolved)}" if e.resolved is not None else f", {e.state}"
        )
        out.setdefault(tuple(e.stream), []).append(
            (float(e.fired), e.resolved, text, severity_colour(e.severity))
        )
    return out


class PlotMarks:
    """Keeps the marks of live alerts and of each backtested recording, and hands them to the plot panels."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.live: dict[tuple, list[Mark]] = {}
        self.recorded: dict[int, dict[tuple, list[Mark]]] = {}  # id(source) -> stream -> marks

    def set_live(self, entries: Iterable[AlertEntry]) -> None:
        self.live = marks_of(entries)
        self.apply()

    def set_backtest(self, source, entries: Iterable[AlertEntry]) -> None:
        self.recorded[id(source)] = marks_of(entries)
        self.apply()

    def forget(self, source) -> None:
        self.recorded.pop(id(source), None)

    def apply(self) -> None:
        for page in self.dashboard.pages():
            for card in page.cards:
                if card.source.kind == "recording":
                    marks = self.recorded.get(id(card.source), {}).get(tuple(card.stream), [])
                else:
                    marks = self.live.get(tuple(card.stream), [])
                card.panel.set_alert_marks(marks)
