"""The workbench window: streams on the left, a live plot of the chosen one, status below.

Data reaches the window only through the LiveStore: the sources (the embedded
agent, or a broker consumer) fill it in their own threads, and one QTimer at a
fixed frame rate pulls what changed. Window geometry and the chosen stream are
remembered between runs (QSettings).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QLabel, QMainWindow, QSplitter, QToolBar, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..store.live import LiveStore
from .live_plot import LivePlot

FRAME_MS = 100  # 10 frames a second: smooth enough for 1 s intervals, cheap for the CPU


class MainWindow(QMainWindow):
    def __init__(self, store: LiveStore, sources: list, settings: QSettings | None = None):
        super().__init__()
        self.store = store
        self.sources = sources
        self.settings = settings or QSettings("Suricate", "Suricate Desktop")
        self.setWindowTitle("Suricate Desktop")
        self.resize(1200, 720)

        self.streams = QTreeWidget()
        self.streams.setHeaderLabels(["stream", "kind", "keys"])
        self.streams.setRootIsDecorated(True)
        self.streams.itemSelectionChanged.connect(self._on_select)
        self.plot = LivePlot(store)
        self.view = QComboBox()
        self.view.addItems(["interval", "cumulative"])
        self.view.currentTextChanged.connect(lambda v: self.plot.show_stream(self.plot.stream, v))

        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.streams)
        splitter.addWidget(right)
        splitter.setSizes([340, 860])
        self.setCentralWidget(splitter)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        self.addToolBar(toolbar)
        self.pause_action = QAction("Pause", self, checkable=True, shortcut=QKeySequence("Space"))
        self.pause_action.setToolTip("Pause the plots (data keeps arriving)")
        toolbar.addAction(self.pause_action)
        toolbar.addWidget(QLabel(" view: "))
        toolbar.addWidget(self.view)
        quit_action = QAction("Quit", self, shortcut=QKeySequence.Quit, triggered=self.close)
        self.addAction(quit_action)

        self.source_label = QLabel()
        self.rate_label = QLabel()
        self.statusBar().addWidget(self.source_label, 1)
        self.statusBar().addPermanentWidget(self.rate_label)
        self._last = (time.monotonic(), 0)
        self._items: dict[tuple, QTreeWidgetItem] = {}

        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.frame)
        self.timer.start()
        self._restore()

    # -- the frame timer: the only place the window reads the store ----------------------------------------------------
    def frame(self) -> None:
        self._update_streams()
        if not self.pause_action.isChecked():
            self.plot.refresh()
        self._update_status()

    def _update_streams(self) -> None:
        infos = sorted(self.store.streams(), key=lambda i: i.stream)
        exact = any(info.stream == self._wanted for info in infos)
        for info in infos:
            item = self._items.get(info.stream)
            if item is None:
                host, source, agg = info.stream
                parent = self._group_item((host,), self.streams, host)
                parent = self._group_item((host, source), parent, source)
                item = QTreeWidgetItem(parent, [agg, info.kind, ""])
                item.setData(0, Qt.UserRole, info.stream)
                self._items[info.stream] = item
                if not self.streams.selectedItems() and self._matches_wanted(info.stream, exact):
                    item.setSelected(True)
            item.setText(2, str(info.columns))

    def _group_item(self, path: tuple, parent, text: str) -> QTreeWidgetItem:
        item = self._items.get(path)
        if item is None:
            item = QTreeWidgetItem(parent, [text, "", ""])
            item.setFlags(item.flags() & ~Qt.ItemIsSelectable)
            item.setExpanded(True)
            self._items[path] = item
        return item

    def _matches_wanted(self, stream: tuple, exact: bool) -> bool:
        """The stream shown last time, or else the same source and aggregation on another host."""
        return stream == self._wanted if exact else stream[1:] == self._wanted[1:]

    def _update_status(self) -> None:
        parts = []
        for source in self.sources:
            parts.append(f"{source.name}: {source.state}")
        self.source_label.setText("   ".join(parts))
        now, snapshots = time.monotonic(), self.store.snapshots
        then, before = self._last
        if now - then >= 1.0:
            self.rate_label.setText(f"{(snapshots - before) / (now - then):.0f} snapshots/s   "
                                    f"{self.store.stats()['streams']} streams")
            self._last = (now, snapshots)

    def _on_select(self) -> None:
        items = self.streams.selectedItems()
        stream = items[0].data(0, Qt.UserRole) if items else None
        if stream:
            self._wanted = tuple(stream)
            self.plot.show_stream(tuple(stream), self.view.currentText())

    # -- remembered state ------------------------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        wanted = self.settings.value("plot/stream")
        self._wanted = tuple(wanted.split("\x1f")) if wanted else ("", "sampler", "cpu_time")
        self.streams.setColumnWidth(0, 200)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.plot.stream:
            self.settings.setValue("plot/stream", "\x1f".join(self.plot.stream))
        self.timer.stop()
        for source in self.sources:
            source.stop()
        super().closeEvent(event)
