"""The central plot area: dashboards (tabs), each a grid of plot panels with linked time axes.

Only the visible dashboard is refreshed on the frame timer; hidden tabs cost
nothing. A plot names its source and stream, so a workspace can reopen it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QInputDialog,
    QLabel,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..schema import AGENT_SOURCE, DROPS_AGGREGATION
from .plots import PlotPanel, RedrawBudget, TimeLink
from .sources.base import Source


class PlotCard(QFrame):
    """A plot panel with a title and a close button; other parts may add widgets beneath the panel
    (``add_below``) and work to do on each frame (``on_frame``), e.g. a model's score strip."""

    closeRequested = Signal(object)

    def __init__(
        self, source: Source, stream: tuple[str, ...], panel: PlotPanel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.source, self.stream, self.panel = source, tuple(stream), panel
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # One title, in the panel's own toolbar (elided to fit, in full in its tooltip), and the close
        # button at the end of that row: a heading of its own above the toolbar said the stream's name twice.
        panel.set_title(".".join(stream), f"{'.'.join(stream)} · {source.name}")
        close = _tool_button("✕", "Close this plot")
        close.clicked.connect(lambda: self.closeRequested.emit(self))
        panel.toolbar.add_trailing(close)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(0)
        self._layout.addWidget(panel, 1)
        self.setMinimumHeight(280)
        self.frame_hooks: list[Callable[[], object]] = []

    def add_below(self, widget: QWidget) -> None:
        self._layout.addWidget(widget)
        below = (self._layout.itemAt(i) for i in range(1, self._layout.count()))
        widgets = [w for w in (item.widget() if item is not None else None for item in below) if w]
        self.setMinimumHeight(280 + sum(w.minimumHeight() for w in widgets))

    def on_frame(self, hook: Callable[[], object]) -> None:
        """Call ``hook()`` after the panel's refresh on each frame this card is visible."""
        self.frame_hooks.append(hook)

    def refresh(self) -> None:
        self.panel.refresh()
        for hook in self.frame_hooks:
            hook()


class DashboardPage(QScrollArea):
    """A grid of plot cards sharing one time link.

    Two columns where the page is wide enough for two readable plots, else one: on a laptop with the side
    panes open, two columns would overflow the page and cut every right-hand plot."""

    COLUMNS = 2
    #: The narrowest a card's column gets before the grid drops to fewer columns.
    MIN_CARD_WIDTH = 420

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.link = TimeLink()
        self.cards: list[PlotCard] = []
        self.setWidgetResizable(True)
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self.setWidget(self._inner)
        self._hint = QLabel(
            "Double-click a stream in the Streams pane to plot it here.\n"
            "Plots on one dashboard share their time axis.",
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        self._hint.setStyleSheet("color: #57606a; font-size: 14px")
        self._grid.addWidget(self._hint, 0, 0)

    def add(self, card: PlotCard) -> None:
        self.cards.append(card)
        card.closeRequested.connect(self.remove)
        self._relayout()

    def remove(self, card: PlotCard) -> None:
        if card in self.cards:
            self.cards.remove(card)
            self._grid.removeWidget(card)
            card.deleteLater()
            self._relayout()

    def _relayout(self) -> None:
        self._hint.setVisible(not self.cards)
        for card in self.cards:
            self._grid.removeWidget(card)
        columns = self._columns()
        self._laid_out = columns
        for i, card in enumerate(self.cards):
            self._grid.addWidget(card, i // columns, i % columns)

    def _columns(self) -> int:
        room = max(1, self.viewport().width() // self.MIN_CARD_WIDTH)
        return max(1, min(len(self.cards), self.COLUMNS, room))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.cards and self._columns() != getattr(self, "_laid_out", 0):
            self._relayout()


class Dashboard(QTabWidget):
    """The dashboards' tabs. Owns the ``RedrawBudget`` its plot panels share: the frame timer's redraws of
    one window take their turns in it, and another window (or a test) has its own."""

    message = Signal(str)
    cardAdded = Signal(object)  # PlotCard

    def __init__(self, parent: QWidget | None = None, budget: RedrawBudget | None = None) -> None:
        super().__init__(parent)
        self.budget = budget if budget is not None else RedrawBudget()
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.tabCloseRequested.connect(self._close_tab)
        self.tabBarDoubleClicked.connect(self._rename)
        new = _tool_button("+", "New dashboard")
        new.clicked.connect(lambda: self.new_page())
        self.setCornerWidget(new, Qt.Corner.TopRightCorner)

    def pages(self) -> list[DashboardPage]:
        return [cast(DashboardPage, self.widget(i)) for i in range(self.count())]

    def new_page(self, title: str | None = None) -> DashboardPage:
        page = DashboardPage(title or f"Dashboard {self.count() + 1}")
        self.addTab(page, page.title)
        self.setCurrentWidget(page)
        return page

    def current_page(self) -> DashboardPage:
        page = self.currentWidget()
        return page if isinstance(page, DashboardPage) else self.new_page()

    def add_plot(
        self,
        source: Source,
        stream: tuple,
        chart: str = "auto",
        state: dict | None = None,
        page: DashboardPage | None = None,
    ) -> PlotCard:
        page = page or self.current_page()
        drops_stream = (stream[0], AGENT_SOURCE, DROPS_AGGREGATION)
        panel = PlotPanel(
            source.store,
            tuple(stream),
            chart=chart,
            link=page.link,
            drops=(source.store, drops_stream),
            budget=self.budget,
        )
        if state:
            panel.restore(state)
        panel.message.connect(self.message)
        card = PlotCard(source, stream, panel)
        page.add(card)
        self.cardAdded.emit(card)
        return card

    def refresh(self) -> None:
        """The frame: redraw what is visible (the current tab's cards; those scrolled out of view wait)."""
        page = self.currentWidget()
        if isinstance(page, DashboardPage):
            for card in page.cards:
                card.refresh()

    def drop_source(self, source: Source) -> None:
        for page in self.pages():
            for card in [c for c in page.cards if c.source is source]:
                page.remove(card)

    def state(self) -> list[dict]:
        return [
            {
                "title": self.tabText(i),
                "plots": [
                    {"source": card.source.name, "stream": list(card.stream), "state": card.panel.state()}
                    for card in page.cards
                ],
            }
            for i, page in enumerate(self.pages())
        ]

    def restore(self, tabs: list[dict], find_source) -> list[str]:
        """Reopen dashboards; returns what could not be reopened (a source no longer there)."""
        missing = []
        while self.count():
            self._close_tab(0)
        for tab in tabs:
            page = self.new_page(tab.get("title"))
            for plot in tab.get("plots", []):
                source = find_source(plot["source"])
                if source is None:
                    missing.append(f"{plot['source']}: {'.'.join(plot['stream'])}")
                    continue
                self.add_plot(
                    source,
                    tuple(plot["stream"]),
                    plot.get("state", {}).get("chart", "auto"),
                    plot.get("state"),
                    page,
                )
        return missing

    def _close_tab(self, index: int) -> None:
        page = self.widget(index)
        self.removeTab(index)
        if page is not None:
            page.deleteLater()

    def _rename(self, index: int) -> None:
        if index < 0:
            return
        title, ok = QInputDialog.getText(self, "Rename dashboard", "Name:", text=self.tabText(index))
        if ok and title.strip():
            self.setTabText(index, title.strip())
            cast(DashboardPage, self.widget(index)).title = title.strip()


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setAutoRaise(True)
    button.setToolTip(tip)
    return button
