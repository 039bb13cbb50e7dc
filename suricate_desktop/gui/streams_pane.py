"""The streams pane: what each source has delivered, by host, source and aggregation.

Double-click (or Enter) on an aggregation opens a plot of it; the tree grows
as streams appear (``refresh`` on the main window's slow timer).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ..schema import AGENT_SOURCE
from .sources.base import Source
from .sources.registry import SourceRegistry

STREAM_ROLE = Qt.ItemDataRole.UserRole + 1


class StreamsPane(QWidget):
    plotRequested = Signal(object, tuple)  # (Source, stream)

    def __init__(self, registry: SourceRegistry, parent=None):
        super().__init__(parent)
        self.registry = registry
        self.filter = QLineEdit(placeholderText="Filter streams (host, source or aggregation)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Stream", "Kind", "Keys"])
        self.tree.setColumnWidth(0, 220)
        self.tree.itemActivated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._items: dict[tuple, QTreeWidgetItem] = {}
        registry.removed.connect(self._on_removed)

    def refresh(self) -> None:
        for source in self.registry:
            for info in sorted(source.store.streams(), key=lambda i: i.stream):
                key = (id(source), *info.stream)
                item = self._items.get(key)
                if item is None:
                    host, src, agg = info.stream
                    parent = self._group((id(source),), self.tree, source.name)
                    parent = self._group((id(source), host), parent, host)
                    parent = self._group((id(source), host, src), parent, src)
                    item = QTreeWidgetItem(parent, [agg, info.kind, ""])
                    item.setData(0, STREAM_ROLE, (source, info.stream))
                    item.setToolTip(0, "Double-click to plot " + ".".join(info.stream))
                    if src == AGENT_SOURCE:
                        item.setToolTip(0, "What the agent and its tracer lost (drops by cause)")
                    self._items[key] = item
                    self._apply_filter(self.filter.text(), item)
                item.setText(2, str(info.columns))

    def _group(self, key: tuple, parent, text: str) -> QTreeWidgetItem:
        item = self._items.get(key)
        if item is None:
            item = QTreeWidgetItem(parent, [text])
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            item.setExpanded(True)
            self._items[key] = item
        return item

    def _on_activated(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, STREAM_ROLE)
        if data:
            self.plotRequested.emit(data[0], tuple(data[1]))

    def _on_removed(self, source: Source) -> None:
        top = self._items.pop((id(source),), None)
        for key in [k for k in self._items if k[0] == id(source)]:
            del self._items[key]
        if top is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(top))

    def _apply_filter(self, text: str, only: QTreeWidgetItem | None = None) -> None:
        needle = text.strip().lower()
        items = [only] if only else [i for i in self._items.values() if i.data(0, STREAM_ROLE)]
        for item in items:
            _, stream = item.data(0, STREAM_ROLE)
            item.setHidden(bool(needle) and needle not in ".".join(stream).lower())

    def first_stream(self, source: Source, source_name: str, agg: str) -> tuple | None:
        for info in sorted(source.store.streams(), key=lambda i: i.stream):
            if info.stream[1] == source_name and info.stream[2] == agg:
                return info.stream
        return None
