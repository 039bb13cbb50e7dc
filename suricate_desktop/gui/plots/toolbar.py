"""PlotToolbar: the row of controls above a plot (chart, view, key, field, window, top N, log, pause, follow, export).

Apart from the panel because it is only the panel's settings made visible: each control
calls one of the panel's ``set_*`` methods, and ``sync()`` shows the panel's settings
again after they changed (by code, a restored workspace, the stream's kind).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QResizeEvent, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QSizePolicy, QSpinBox, QToolBar, QToolButton, QWidget

from ...schema import BUCKET_KINDS, STATS_KINDS
from ._data import WINDOWS, key_text
from .charts import kinds_charts

if TYPE_CHECKING:
    from .panel import PlotPanel

CHARTS = ("auto", "timeseries", "bars", "pie", "histogram", "heatmap")
CHART_TITLES = {
    "auto": "Auto",
    "timeseries": "Time series",
    "bars": "Bars",
    "pie": "Pie",
    "histogram": "Histogram",
    "heatmap": "Heatmap",
}
VIEW_TITLES = {"interval": "interval", "cumulative": "cumulative"}
STATS_FIELDS = ("average", "count", "total")


class PlotToolbar(QToolBar):
    """The controls of one ``PlotPanel``; see the module docstring."""

    def __init__(self, panel: PlotPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self._keys_seen = -1
        self.setIconSize(self.iconSize() * 0.75)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setStyleSheet("QToolBar { spacing: 2px; padding: 1px; }")
        self.title = _ElidedLabel(" · ".join(panel.stream))
        self.title.setStyleSheet("font-weight: 600; padding: 0 4px;")
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(60)
        self.addWidget(self.title)

        self.chart_box = QComboBox()
        self.chart_box.setToolTip("Chart type")
        for name in CHARTS:
            self.chart_box.addItem(CHART_TITLES[name], name)
        self.chart_box.activated.connect(lambda i: panel.set_chart(self.chart_box.itemData(i)))
        self.addWidget(self.chart_box)

        self.view_box = QComboBox()
        self.view_box.setToolTip(
            "Per interval (what happened in each interval) or cumulative (running total)"
        )
        for name, title in VIEW_TITLES.items():
            self.view_box.addItem(title, name)
        self.view_box.activated.connect(lambda i: panel.set_view(self.view_box.itemData(i)))
        self.addWidget(self.view_box)

        self.key_box = QComboBox()
        self.key_box.setToolTip("Heatmap and histogram: one key, or all keys summed")
        self.key_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.key_box.addItem("all keys (sum)", None)
        self.key_box.activated.connect(lambda i: panel.set_key(self.key_box.itemData(i)))
        self.key_action = self.addWidget(self.key_box)

        self.field_box = QComboBox()
        self.field_box.setToolTip("stats: which field to plot")
        for name in STATS_FIELDS:
            self.field_box.addItem(name, name)
        self.field_box.activated.connect(lambda i: panel.set_field(self.field_box.itemData(i)))
        self.field_action = self.addWidget(self.field_box)

        self.window_box = QComboBox()
        self.window_box.setToolTip("Time window, ending at the stream's newest data")
        self.window_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for title, seconds in WINDOWS:
            self.window_box.addItem(title, seconds)
        self.window_box.activated.connect(lambda i: panel.set_window(self.window_box.itemData(i)))
        self.addWidget(self.window_box)

        self.top_box = QSpinBox()
        self.top_box.setRange(1, 64)
        self.top_box.setPrefix("top ")
        self.top_box.setToolTip("How many keys (the busiest in the window)")
        self.top_box.setMaximumWidth(62)
        self.top_box.valueChanged.connect(panel.set_top)
        self.top_action = self.addWidget(self.top_box)

        self.log_action = QAction("log", self, checkable=True)
        self.log_action.setToolTip("Log scale (colour scale for heatmaps)")
        self.log_action.toggled.connect(panel.set_log)
        self.addAction(self.log_action)

        self.pause_action = QAction("pause", self, checkable=True)
        self.pause_action.setToolTip("Stop redrawing this plot (data keeps arriving)")
        self.pause_action.toggled.connect(panel.set_paused)
        self.addAction(self.pause_action)

        self.follow_action = QAction("follow", self, checkable=True)
        self.follow_action.setToolTip(
            "Follow the newest data (End or double-click); zooming or panning stops it"
        )
        self.follow_action.setChecked(panel.link.follow)
        self.follow_action.toggled.connect(lambda on: panel.link.set_follow(on))
        self.addAction(self.follow_action)

        export = QToolButton()
        export.setText("export")
        export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(export)
        menu.addAction("PNG image…", lambda: panel.export_dialog("png"))
        menu.addAction("SVG image…", lambda: panel.export_dialog("svg"))
        menu.addAction("CSV data…", lambda: panel.export_dialog("csv"))
        export.setMenu(menu)
        self.addWidget(export)

    @staticmethod
    def set_checked_quietly(action: QAction, on: bool) -> None:
        """Show ``on`` without the action telling the panel (which already knows)."""
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)

    def sync(self) -> None:
        """Show the panel's settings; offer only the charts that fit the stream's kind."""
        panel = self._panel
        kind = panel.kind
        fits = kinds_charts(kind) if kind else CHARTS[1:]
        model = self.chart_box.model()
        assert isinstance(model, QStandardItemModel)  # a QComboBox's own model
        for i in range(self.chart_box.count()):
            name = self.chart_box.itemData(i)
            model.item(i).setEnabled(name == "auto" or name in fits)
        self.chart_box.setCurrentIndex(CHARTS.index(panel.chart_choice))
        self.view_box.setCurrentIndex(list(VIEW_TITLES).index(panel.view))
        box = self.window_box
        index = box.findData(panel.window)
        if index < 0:  # a window restored from a file or set by code that the list does not offer
            box.addItem(window_title(panel.window), panel.window)
            index = box.count() - 1
        box.setCurrentIndex(index)
        name = panel.chart_name
        self.key_action.setVisible(kind in BUCKET_KINDS and name in ("heatmap", "histogram"))
        self.field_action.setVisible(kind in STATS_KINDS)
        self.field_box.setCurrentIndex(STATS_FIELDS.index(panel.field))
        self.top_action.setVisible(name in ("timeseries", "bars", "pie"))
        self.follow_action.setVisible(name in ("timeseries", "heatmap"))
        self.top_box.blockSignals(True)
        self.top_box.setValue(panel.top)
        self.top_box.blockSignals(False)
        self.log_action.blockSignals(True)
        self.log_action.setChecked(panel.log)
        self.log_action.setEnabled(name != "pie")
        self.log_action.blockSignals(False)
        kind_text = f" ({kind})" if kind else ""
        self.title.setText(" · ".join(panel.stream))
        self.title.setToolTip(" · ".join(panel.stream) + kind_text)
        self.select_key()

    def update_keys(self) -> None:
        """Offer the stream's keys in the key box, read again only when their number changed."""
        panel = self._panel
        if not self.key_action.isVisible() and panel.kind not in BUCKET_KINDS:
            return
        try:
            n = len(panel.store.labels(panel.stream))
        except KeyError:
            return
        if n == self._keys_seen:
            return
        self._keys_seen = n
        keys = panel.store.keys(panel.stream)
        box = self.key_box
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for key in keys:
            box.addItem(key_text(key), key)
        box.blockSignals(False)
        self.select_key()

    def select_key(self) -> None:
        """Show the panel's key in the key box (added to it if the stream has not sent it yet)."""
        key = self._panel.key
        box = self.key_box
        for i in range(box.count()):
            if box.itemData(i) == key:
                box.setCurrentIndex(i)
                return
        if key is not None:
            box.addItem(key_text(key), key)
            box.setCurrentIndex(box.count() - 1)


def window_title(seconds: float | None) -> str:
    if not seconds:
        return "all"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"


class _ElidedLabel(QLabel):
    """A label that shortens its text with "…" rather than pushing the toolbar's buttons out of sight."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        hint.setWidth(min(self.fontMetrics().horizontalAdvance(self._full) + 12, 320))
        return hint

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        hint.setWidth(60)
        return hint

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideMiddle, max(self.width() - 10, 20)
        )
        QLabel.setText(self, shown)
