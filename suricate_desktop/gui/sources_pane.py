"""The sources pane: every source with its state, rate and rejected count; add, open, remove.

It reads the sources' counters once a second (``refresh``, called by the main
window's slow timer): the consumers run in their own threads and nothing here
waits on the network.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .sources.base import Source
from .sources.broker import mask_password
from .sources.registry import SourceRegistry

COLUMNS = ("Source", "State", "Rate/s", "Rejected", "Kind", "Detail")
STATE, RATE, KIND, DETAIL = 1, 2, 4, 5
#: Below this width (a laptop's side pane) Kind and Detail are left out: the detail is the State cell's tooltip.
NARROW = 480
STATE_COLOURS = {
    "running": "#1b7f3b",
    "connected": "#1b7f3b",
    "playing": "#1b7f3b",
    "connecting": "#9a6700",
    "reconnecting": "#b35900",
    "paused": "#57606a",
    "ended": "#57606a",
    "stopped": "#57606a",
    "error": "#c62828",
    "failed": "#c62828",
}


class SourcesPane(QWidget):
    addBrokerRequested = Signal()
    openRecordingRequested = Signal()
    selected = Signal(object)  # the Source, or None

    def __init__(self, registry: SourceRegistry, parent=None):
        super().__init__(parent)
        self.registry = registry
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Every column as wide as its contents but the source's name, which takes what is left (elided in
        # the middle, whole in its tooltip): in a narrow pane the state, rate and rejected count stay in sight.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)  # one line a source, its name elided (a wrapped one was cut in half)
        rate_header = QTableWidgetItem(COLUMNS[RATE])
        rate_header.setToolTip("Snapshots a second")
        self.table.setHorizontalHeaderItem(RATE, rate_header)
        self.table.itemSelectionChanged.connect(lambda: self.selected.emit(self.current()))
        toolbar = QToolBar()
        self.add_broker_action = QAction("Add broker…", self)
        self.add_broker_action.triggered.connect(self.addBrokerRequested.emit)
        self.open_recording_action = QAction("Open recording…", self)
        self.open_recording_action.triggered.connect(self.openRecordingRequested.emit)
        self.remove_action = QAction("Remove", self)
        self.remove_action.triggered.connect(self._remove)
        self.remove_action.setToolTip("Stop the selected source and close its streams")
        for action in (self.add_broker_action, self.open_recording_action, self.remove_action):
            toolbar.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.table)
        self._rows: list[Source] = []
        self._last: dict[int, tuple[float, int]] = {}
        registry.added.connect(self._on_added)
        registry.removed.connect(self._on_removed)
        for source in registry:
            self._on_added(source)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        narrow = self.width() < NARROW
        for col in (KIND, DETAIL):
            self.table.setColumnHidden(col, narrow)

    def current(self) -> Source | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def select(self, source: Source) -> None:
        if source in self._rows:
            self.table.selectRow(self._rows.index(source))

    def _on_added(self, source: Source) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._rows.append(source)
        for col in range(len(COLUMNS)):
            self.table.setItem(row, col, QTableWidgetItem(""))
        self.refresh()

    def _on_removed(self, source: Source) -> None:
        if source in self._rows:
            row = self._rows.index(source)
            self._rows.pop(row)
            self.table.removeRow(row)
            self._last.pop(id(source), None)

    def _remove(self) -> None:
        source = self.current()
        if source is not None:
            self.registry.remove(source)

    def refresh(self) -> None:
        now = time.monotonic()
        for row, source in enumerate(self._rows):
            counters = source.counters()
            received = counters.get("received", 0)
            then, before = self._last.get(id(source), (now, received))
            rate = (received - before) / (now - then) if now - then >= 0.5 else None
            if rate is not None or id(source) not in self._last:
                self._last[id(source)] = (now, received)
            state = source.state
            detail = source.detail
            store = getattr(source, "store", None)
            evicted = getattr(store, "evicted_streams", 0)
            if evicted and store is not None:
                # a publisher sent more streams than the store keeps: say so where the source is listed
                note = (
                    f"{evicted:,} least recently updated streams evicted (at most {store.max_streams:,} kept)"
                )
                detail = f"{detail}; {note}" if detail else note
            name = mask_password(source.name)
            values = (
                name,
                state,
                "" if rate is None else f"{rate:,.0f}",
                f"{counters.get('rejected', 0):,}",
                source.kind,
                detail,
            )
            for col, value in enumerate(values):
                item = self._item(row, col)
                if rate is None and col == RATE:
                    continue
                item.setText(value)
                if col == STATE:
                    item.setForeground(QBrush(QColor(STATE_COLOURS.get(state, "#24292f"))))
                    item.setToolTip(detail)
                if col == DETAIL:
                    item.setToolTip(detail)
            url = getattr(source, "url", "")
            self._item(row, 0).setToolTip("\n".join(t for t in (name, url and mask_password(url)) if t))

    def _item(self, row: int, col: int) -> QTableWidgetItem:
        item = self.table.item(row, col)
        assert item is not None  # every cell of a source's row is made with the row
        return item

    def summary(self) -> tuple[str, float, int]:
        """(each source's state, total snapshots/s, total rejected) for the status bar.

        A run that has ended leaves the list (it stays in this pane, with why it ended): a session of
        many short runs would otherwise fill the status bar; they are counted at its end instead."""
        states = []
        rate = 0.0
        rejected = 0
        ended = 0
        for row, source in enumerate(self._rows):
            text = self._item(row, RATE).text().replace(",", "")
            rate += float(text) if text else 0.0
            rejected += source.counters().get("rejected", 0)
            if ended_run(source):
                ended += 1
                continue
            reason = (
                f" ({source.detail})"
                if source.state in ("error", "reconnecting", "failed") and source.detail
                else ""
            )
            states.append(f"{mask_password(source.name)}: {source.state}{reason}")
        if ended:
            states.append(f"{ended} run{'s' if ended != 1 else ''} ended")
        return "   ".join(states), rate, rejected


def ended_run(source: Source) -> bool:
    """A script's run (local or remote) that has stopped, finished or failed."""
    return source.kind == "run" and getattr(source, "ended_at", None) is not None
