"""PlotToolbar: the row of controls above a plot (chart, key, field, window, pause, follow; the rest in a menu).

Apart from the panel because it is only the panel's settings made visible: each control
calls one of the panel's ``set_*`` methods, and ``sync()`` shows the panel's settings
again after they changed (by code, a restored workspace, the stream's kind).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QResizeEvent, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

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


#: Top N choices offered in the toolbar's menu (a restored or set value outside them is added).
TOP_CHOICES = (3, 5, 8, 12, 16, 24, 32)


class PlotToolbar(QToolBar):
    """The controls of one ``PlotPanel``; see the module docstring.

    One row that fits a plot half a laptop screen wide: the title (elided, full text in
    its tooltip), the chart, the key or field when the stream has them, the window, pause
    and follow; the less used settings (per interval or cumulative, log, top N, legend)
    and the exports in the "⋯" menu. A container (the dashboard's card) may add a widget
    at the end (``add_trailing``: its close button) and set the title (``set_title``),
    so the stream's name is shown once.
    """

    def __init__(self, panel: PlotPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self._keys_seen = -1
        self._title_text: str | None = None
        self._title_tip = ""
        self.setIconSize(self.iconSize() * 0.75)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setStyleSheet("QToolBar { spacing: 2px; padding: 1px; }")
        self.setMovable(False)  # a plot's own row: no grip
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

        self.key_box = QComboBox()
        self.key_box.setToolTip("Heatmap and histogram: one key, or all keys summed")
        self.key_box.view().setMinimumWidth(160)  # the list shows keys in full
        self.key_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.key_box.setMinimumContentsLength(6)
        self.key_box.setMaximumWidth(96)
        self.key_box.addItem("all keys", None)
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

        # -- the "⋯" menu: what is set once, not watched -------------------------------------------------------------
        self.menu = QMenu(self)
        views = QActionGroup(self)
        self.view_actions: dict[str, QAction] = {}
        for name, title in (("interval", "Per interval"), ("cumulative", "Cumulative (running total)")):
            action = self.menu.addAction(title)
            action.setCheckable(True)
            views.addAction(action)
            action.triggered.connect(lambda _on=False, name=name: panel.set_view(name))
            self.view_actions[name] = action
        self.menu.addSeparator()
        self.log_action = QAction("Log scale", self, checkable=True)
        self.log_action.setToolTip("Log scale (colour scale for heatmaps)")
        self.log_action.toggled.connect(panel.set_log)
        self.menu.addAction(self.log_action)
        self.legend_action = QAction("Legend", self, checkable=True)
        self.legend_action.setToolTip(
            "Show the keys' legend beside the plot (when the plot is wide enough to keep room for the data)"
        )
        self.legend_action.toggled.connect(panel.set_legend)
        self.menu.addAction(self.legend_action)
        self.top_menu = self.menu.addMenu("Top keys")
        self.top_menu.setToolTip("How many keys (the busiest in the window)")
        self._tops = QActionGroup(self)
        self.top_actions: dict[int, QAction] = {}
        for n in TOP_CHOICES:
            self._add_top(n)
        self.menu.addSeparator()
        self.menu.addAction("Export PNG image…", lambda: panel.export_dialog("png"))
        self.menu.addAction("Export SVG image…", lambda: panel.export_dialog("svg"))
        self.menu.addAction("Export CSV data…", lambda: panel.export_dialog("csv"))
        self.more = QToolButton()
        self.more.setText("⋯")
        self.more.setToolTip("More: per interval or cumulative, log scale, top keys, legend, export")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more.setMenu(self.menu)
        self.more_action = self.addWidget(self.more)

    def _add_top(self, n: int) -> QAction:
        action = QAction(f"Top {n}", self, checkable=True)
        action.triggered.connect(lambda _on=False, n=n: self._panel.set_top(n))
        self._tops.addAction(action)
        later = [a for m, a in sorted(self.top_actions.items()) if m > n]
        self.top_menu.insertAction(later[0] if later else None, action)  # type: ignore[arg-type]
        self.top_actions[n] = action
        return action

    def add_trailing(self, widget: QWidget) -> QAction:
        """Add ``widget`` at the end of the row (after the "⋯" menu), e.g. a container's close button."""
        return self.addWidget(widget)

    def set_title(self, text: str, tooltip: str = "") -> None:
        """Show ``text`` as the title (elided to fit; ``tooltip`` in full) instead of the stream's name."""
        self._title_text, self._title_tip = text, tooltip
        self.sync()

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
        self.set_checked_quietly(self.view_actions[panel.view], True)
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
        self.top_menu.menuAction().setVisible(name in ("timeseries", "bars", "pie"))
        top = self.top_actions.get(panel.top) or self._add_top(panel.top)
        self.set_checked_quietly(top, True)
        self.follow_action.setVisible(name in ("timeseries", "heatmap"))
        self.legend_action.setVisible(name == "timeseries")
        self.set_checked_quietly(self.legend_action, panel.legend)
        self.log_action.blockSignals(True)
        self.log_action.setChecked(panel.log)
        self.log_action.setEnabled(name != "pie")
        self.log_action.blockSignals(False)
        kind_text = f" ({kind})" if kind else ""
        stream = panel.stream
        shorter = (".".join(stream[1:]), stream[-1]) if len(stream) == 3 else ()
        if self._title_text is not None:
            tip = (self._title_tip or self._title_text) + kind_text
            self.title.setText(self._title_text, tip, shorter)
        else:
            self.title.setText(" · ".join(stream), " · ".join(stream) + kind_text, shorter)
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
    """A label that shortens its text rather than pushing the toolbar's buttons out of sight.

    Given shorter forms (the stream without its host, then the aggregation alone), it shows
    the longest that fits, and only then elides with "…": "latency_ns" says more than
    "dem…_ns". The full text is in the tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self._shorter: tuple[str, ...] = ()
        self.setText(text)

    def setText(self, text: str, tooltip: str | None = None, shorter: tuple[str, ...] = ()) -> None:
        self._full = text
        self._shorter = tuple(t for t in shorter if t and t != text)
        self.setToolTip(tooltip if tooltip is not None else text)
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
        room = max(self.width() - 10, 20)
        metrics = self.fontMetrics()
        for text in (self._full, *self._shorter):
            if metrics.horizontalAdvance(text) <= room:
                QLabel.setText(self, text)
                return
        last = self._shorter[-1] if self._shorter else self._full
        QLabel.setText(self, metrics.elidedText(last, Qt.TextElideMode.ElideMiddle, room))
