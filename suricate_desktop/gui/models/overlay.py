"""What models add to a stream's plot: a score strip beneath it, shaded anomalies, maintenance spans.

``StreamMarks`` is given to every plot card of the dashboard. On each frame (the card's frame
hook) it compares a cheap stamp (the chart, the models' versions, the stream's spans) and only
when that moved redraws:

* a ``ScoreStrip`` per attached model, beneath the plot: the model's score series and its
  threshold, x-linked to the plot's time axis;
* anomalous spans shaded on the plot (at most ``MAX_SHADES``, the newest), each labelled with
  the keys that contributed most, the full list in its tooltip; right-click one for
  "Mark expected" (it leaves the next refit) or to undo that. Anomalies that overlap or touch
  (of one model or several) are one span with one label (``merge_spans``), and labels that would
  cover one another are stacked in up to ``LABEL_ROWS`` rows, the highest scores first, the rest
  left to the tooltip (``_place_labels``, again whenever the view is zoomed, scrolled or resized);
* maintenance spans: Shift+drag across a plot marks one (or right-click > "Mark maintenance
  span"); drag its edges to adjust it, right-click it to remove it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu

from ...analytics.features import feature_text
from ..plots._data import fmt_time
from ..plots.charts import LEFT_AXIS_WIDTH

#: Anomalous spans shaded per plot (the newest); older ones stay in the model's list.
MAX_SHADES = 30
ANOMALY_BRUSH = (214, 39, 40, 55)
EXPECTED_BRUSH = (44, 160, 44, 40)
MAINTENANCE_BRUSH = (31, 119, 180, 45)
ANOMALY_TEXT = "#B31B1B"
STRIP_HEIGHT = 78
STRIP_RIGHT_MARGIN = 6  # the least room right of a strip's data (more where the plot above has a legend)
#: Rows of span labels along the top of a plot before a crowded label is left to its tooltip.
LABEL_ROWS = 3
LABEL_TOP = 0.93  # the first row's place along the line (0 bottom, 1 top)
#: Spans of one kind at most this many intervals apart are one (2: with one quiet interval between, as a
#: detector that reports an incident where it starts and again where it grows leaves them).
MERGE_GAP = 2.01


class SpanGroup:
    """Anomalies (or "expected" spans) that overlap or touch, shown as one span: ``members`` are
    (model, Anomaly or None) pairs, ``keys`` the contributing keys, each at its largest score."""

    def __init__(self, start: float, end: float, kind: str) -> None:
        self.start, self.end, self.kind = start, end, kind
        self.members: list[tuple] = []
        self.score = 0.0

    @property
    def keys(self) -> list:
        best: dict = {}
        for _, anomaly in self.members:
            for k, v in anomaly.keys if anomaly is not None else ():
                best[k] = max(best.get(k, v), v)
        return sorted(best.items(), key=lambda kv: -kv[1])

    @property
    def reasons(self) -> dict:
        """What made each key unusual ("stopped", "noisier than usual"), as said by the member anomaly in
        which it scored its largest; keys whose detector could not say are left out."""
        best: dict = {}
        out: dict = {}
        for _, anomaly in self.members:
            if anomaly is None:
                continue
            why = anomaly.reasons
            for k, v in anomaly.keys:
                if k not in best or v > best[k]:
                    best[k], out[k] = v, why.get(k, "")
        return {k: w for k, w in out.items() if w}

    @property
    def models(self) -> list:
        seen: list = []
        for model, _ in self.members:
            if model not in seen:
                seen.append(model)
        return seen

    def extent_of(self, model) -> tuple[float, float]:
        """The part of the span that ``model``'s own members cover."""
        mine = [
            (a.start, a.end) if a is not None else (self.start, self.end)
            for m, a in self.members
            if m is model
        ]
        return min(a for a, _ in mine), max(b for _, b in mine)


def merge_spans(marks, gap: float) -> list[SpanGroup]:
    """``marks`` ((start, end, kind, model, anomaly or None) each) as spans: those of one kind whose
    start is at most ``gap`` (``MERGE_GAP`` intervals) after the end of the span so far are merged.

    Why: a deviation that lasts is reported as a run of short anomalies (one alarm per incident
    where it starts, again when it grows), and a replay finds them again; drawn one by one they were
    some thirty overlapping red spans whose labels covered the plot."""
    groups: list[SpanGroup] = []
    open_by_kind: dict[str, SpanGroup] = {}
    for a, b, kind, model, anomaly in sorted(marks, key=lambda m: (m[0], m[1])):
        group = open_by_kind.get(kind)
        if group is None or a > group.end + gap:
            group = SpanGroup(a, b, kind)
            groups.append(group)
            open_by_kind[kind] = group
        group.end = max(group.end, b)
        group.members.append((model, anomaly))
        if anomaly is not None:
            group.score = max(group.score, anomaly.score)
    return groups


def describe_keys(keys, reasons=None, top: int = 2) -> str:
    """``sshd ×8.1 stopped, bash ×2.0``: the keys that contributed most, with their scores, and what made
    the first unusual where the detector said (the others' reasons are in the tooltip: a label along the
    top of a plot has room for one); ``web01.procs.io · sshd ×8.1`` for a model over several streams."""
    why = reasons or {}
    shown = [kv for kv in keys if kv[1] > 0][:top]
    return ", ".join(
        f"{feature_text(k)} ×{s:.1f}{' ' + why[k] if i == 0 and k in why else ''}"
        for i, (k, s) in enumerate(shown)
    )


class ScoreStrip(pg.PlotWidget):
    """A model's score over time, beneath the stream's plot, sharing its time axis."""

    def __init__(self, model, parent=None):
        super().__init__(parent, background="w")
        self.model = model
        self.setMinimumHeight(STRIP_HEIGHT)
        self.setMaximumHeight(STRIP_HEIGHT)
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        # the plot above chooses the time range; a strip fitting its own x to its scores moved the linked
        # plot to the scores' span, so a plot following its window lost its newest seconds under a strip
        item.enableAutoRange(x=False, y=False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.getAxis("bottom").setStyle(showValues=False)
        item.getAxis("bottom").setHeight(6)
        left = item.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH)
        left.setPen("#999999")
        left.setTextPen("#333333")
        left.setLabel("score")
        item.layout.setContentsMargins(2, 0, STRIP_RIGHT_MARGIN, 2)
        self.curve = pg.PlotCurveItem(pen=pg.mkPen("#444444", width=1))
        self.over = pg.PlotCurveItem(pen=pg.mkPen("#D62728", width=2), connect="finite")
        self.line = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen("#D62728", style=Qt.PenStyle.DashLine)
        )
        self.title = pg.TextItem(anchor=(0, 0), color="#333333")
        self.title.setParentItem(item.getViewBox())
        self.title.setPos(4, 0)
        for it in (self.curve, self.over, self.line):
            item.addItem(it)
        self.linked_to = None
        self.t0 = 0.0
        item.getViewBox().sigResized.connect(self.align)

    def link(self, vb, t0: float) -> None:
        """Follow ``vb``'s x range (the stream plot's; x is time − ``t0`` there and here)."""
        if vb is not self.linked_to:
            self.unlink()
            vb.sigXRangeChanged.connect(self._follow)
            self.linked_to = vb
        self.t0 = t0
        self.align()
        self._follow()

    def unlink(self) -> None:
        if self.linked_to is not None:
            try:
                self.linked_to.sigXRangeChanged.disconnect(self._follow)
            except (RuntimeError, TypeError):  # the plot is gone already
                pass
            self.linked_to = None

    def _follow(self, *_) -> None:
        """The plot's time range, exactly: ``align`` put the strip's data area under the plot's.

        Not pyqtgraph's ``setXLink``: it lines two views up by where it thinks they are on the screen,
        which is off by each view's place in its parent (3 px here), so a spike above and its score below
        were drawn apart."""
        if self.linked_to is not None:
            self.getPlotItem().getViewBox().setXRange(*self.linked_to.viewRange()[0], padding=0)

    def align(self, *_) -> None:
        """Put the strip's data area under the plot's: from the plot's left axis to where its data ends
        (a strip running on under the plot's legend showed seconds the plot did not)."""
        vb = self.linked_to
        view = None if vb is None else vb.getViewWidget()
        if view is None:
            return
        above = vb.sceneBoundingRect()
        plot_left = view.mapToGlobal(view.mapFromScene(above.topLeft())).x()
        plot_right = view.mapToGlobal(view.mapFromScene(above.topRight())).x()
        own = self.getPlotItem().getViewBox().sceneBoundingRect()
        strip_left = self.mapToGlobal(self.mapFromScene(own.topLeft())).x()
        strip_right = self.mapToGlobal(self.mapFromScene(own.topRight())).x()
        layout = self.getPlotItem().layout
        left, top, right, bottom = layout.getContentsMargins()
        new_left = max(0.0, left + plot_left - strip_left)
        new_right = max(0.0, right + strip_right - plot_right)
        if abs(new_left - left) >= 1 or abs(new_right - right) >= 1:
            layout.setContentsMargins(new_left, top, new_right, bottom)

    def draw(self) -> None:
        m = self.model
        threshold = m.threshold
        self.line.setPos(threshold)
        last = m.last_score
        state = "" if m.state == "scoring" else f" · {m.state}"
        self.title.setText(
            f"{m.name} ({m.detector})  score {'-' if last is None else f'{last:.2f}'}"
            f"  threshold {threshold:g}{state}"
        )
        if not len(m.score_times):
            self.curve.setData([], [])
            self.over.setData([], [])
            self.getPlotItem().getViewBox().setYRange(0, threshold * 1.2 or 1.0, padding=0)
            return
        x = m.score_times - self.t0
        y = np.asarray(m.scores, dtype=np.float64)
        self.curve.setData(x, y)
        self.over.setData(x, np.where(y >= threshold, y, np.nan))
        top = max(float(np.nanmax(y)) if len(y) else 0.0, threshold) * 1.15
        self.getPlotItem().getViewBox().setYRange(0, top or 1.0, padding=0)


class SpanRegion(pg.LinearRegionItem):
    """A shaded span on a plot: an anomaly, an "expected" span or a maintenance span."""

    def __init__(self, brush, movable: bool = False):
        super().__init__(movable=movable, brush=pg.mkBrush(*brush), pen=pg.mkPen(None))
        self.kind = ""
        self.times = (0.0, 0.0)  # (start, end) epoch seconds; LinearRegionItem has a .span of its own
        self.model = None
        self.group: SpanGroup | None = None  # the merged anomalies (or expected spans) it shows
        self.texts: list[str] = []  # its label's text, then shorter ones (``set_label``)
        self.setZValue(20)
        # on the start line, near the top; pyqtgraph puts it on the side of the line facing the view's
        # centre, so a span at the right edge (where live anomalies appear) is labelled on its left
        self.label = pg.InfLineLabel(
            self.lines[0], "", position=0.93, anchors=[(-0.05, 0), (1.05, 0)], color=ANOMALY_TEXT
        )
        self.label.setZValue(60)
        for line in self.lines:
            line.setPen(pg.mkPen((*brush[:3], 170), width=1))

    def set_label(self, text: str, colour: str, shorter: tuple[str, ...] = ()) -> None:
        """The label's text (kept when the span moves: InfLineLabel re-formats its text then), and shorter
        ones for a plot with no room for it (``StreamMarks._place_labels``)."""
        self.texts = [text, *(t for t in shorter if t and t != text)]
        self.show_text(text)
        self.label.setColor(colour)

    def show_text(self, text: str) -> None:
        self.label.setFormat(text.replace("{", "{{").replace("}", "}}"))
        self.label.setText(text)


class StreamMarks(QObject):
    """Models' marks on one plot card (see the module docstring)."""

    def __init__(self, card, manager) -> None:
        super().__init__(card)
        self.card = card
        self.panel = card.panel
        self.manager = manager
        self.source_name = card.source.name
        self.stream = tuple(card.stream)
        self.strips: dict[str, ScoreStrip] = {}
        self.shades: list[SpanRegion] = []
        self.maint: list[SpanRegion] = []
        self._chart = None
        self._stamp: tuple | None = None  # what was drawn: redrawn only when it changes
        self._drag: SpanRegion | None = None
        self._drag_from = 0.0
        self.labels_shown = 0  # span labels laid out without covering one another, the last time
        self._label_timer = QTimer(self, singleShot=True, interval=120)
        self._label_timer.timeout.connect(self._place_labels)
        self.panel.canvas.scene().sigMouseClicked.connect(self._clicked)
        self.panel.canvas.viewport().installEventFilter(self)
        card.on_frame(self.refresh)
        manager.spansChanged.connect(self._spans_changed)

    # -- what is shown -------------------------------------------------------------------------------------------------
    def models(self):
        return self.manager.models_for(self.source_name, self.stream)

    def _spans_changed(self, source_name: str, stream: tuple) -> None:
        if source_name == self.source_name and tuple(stream) == self.stream:
            self._stamp = None

    def refresh(self) -> None:
        """The frame hook: cheap unless the chart, a model or a span moved."""
        chart = self.panel.chart
        models = self.models()
        stamp = (
            id(chart),
            getattr(chart, "t0", 0.0),
            tuple((m.name, m.version) for m in models),
            tuple(self.manager.maintenance_spans(self.source_name, self.stream)),
        )
        if stamp == self._stamp:
            return
        self._stamp = stamp
        if chart is not self._chart:  # a new chart (type changed, rebased): its plot has none of our items
            self._chart = chart
            self.shades, self.maint = [], []
            if chart is not None and chart.timed:
                chart.vb.sigRangeChanged.connect(self._labels_moved)
                chart.vb.sigResized.connect(self._labels_moved)
                chart.vb.sigResized.connect(self._align_strips)
        self._sync_strips(models)
        if chart is None or not chart.timed:
            for strip in self.strips.values():
                strip.hide()
            return
        for strip in self.strips.values():
            strip.show()
            strip.link(chart.vb, chart.t0)
            strip.draw()
        self._draw_shades(models)
        self._draw_maintenance()

    def _sync_strips(self, models) -> None:
        names = {m.name: m for m in models}
        for name in [n for n in self.strips if n not in names]:
            strip = self.strips.pop(name)
            strip.unlink()
            strip.setParent(None)
            strip.deleteLater()
        for name, model in names.items():
            if name not in self.strips:
                strip = ScoreStrip(model)
                self.strips[name] = strip
                self.card.add_below(strip)
            else:
                self.strips[name].model = model

    def _region(self, pool: list, brush, movable: bool = False) -> SpanRegion:
        region = SpanRegion(brush, movable)
        self.panel.chart.plot.addItem(region, ignoreBounds=True)
        pool.append(region)
        return region

    def _draw_shades(self, models) -> None:
        marks = []  # (start, end, kind, model, anomaly)
        for model in models:
            for a in model.anomalies.values():
                marks.append((a.start, a.end, "anomaly", model, a))
            for a, b in model.expected:
                marks.append((a, b, "expected", model, None))
        interval = self.panel.interval
        groups = merge_spans(marks, interval * MERGE_GAP)[-MAX_SHADES:]
        t0 = self.panel.chart.t0
        for i, group in enumerate(groups):
            if i < len(self.shades):
                region = self.shades[i]
            else:
                region = self._region(self.shades, ANOMALY_BRUSH)
            a, b = group.start, group.end
            half = interval / 2  # an interval is drawn at its end time: cover it
            region.setRegion((a - half - t0, b + half - t0))
            region.kind, region.times, region.group = group.kind, (a, b), group
            region.model = group.models[0]
            names = ", ".join(m.name for m in group.models)
            if group.kind == "anomaly":
                region.setBrush(pg.mkBrush(*ANOMALY_BRUSH))
                for line in region.lines:
                    line.setPen(pg.mkPen((*ANOMALY_BRUSH[:3], 170), width=1))
                keys, why = group.keys, group.reasons
                shorter = (describe_keys(keys, why, top=1), describe_keys(keys, top=1))
                region.set_label(describe_keys(keys, why), ANOMALY_TEXT, shorter)
                keys = [kv for kv in keys if kv[1] > 0]  # a key that scored 0 did not contribute
                listed = "\n".join(
                    f"  {feature_text(k)}: {s:.2f}{', ' + why[k] if k in why else ''}" for k, s in keys[:10]
                )
                more = f"\n  … and {len(keys) - 10} more" if len(keys) > 10 else ""
                merged = f" · {len(group.members)} anomalies merged" if len(group.members) > 1 else ""
                thresholds = ", ".join(f"{m.threshold:g}" for m in group.models)
                region.setToolTip(
                    f"Anomaly {fmt_time(a)} → {fmt_time(b)} · score {group.score:.2f} "
                    f"(threshold {thresholds}) · model {names}{merged}\n"
                    f"Keys that contributed most:\n{listed}{more}\nRight-click: mark expected"
                )
            else:
                region.setBrush(pg.mkBrush(*EXPECTED_BRUSH))
                for line in region.lines:
                    line.setPen(pg.mkPen((*EXPECTED_BRUSH[:3], 170), width=1))
                region.set_label("expected", "#2C7A2C")
                region.setToolTip(f"Marked expected ({names}): left out of refits. Right-click to undo")
            region.show()
        for region in self.shades[len(groups) :]:
            region.hide()
        self._place_labels()

    def _align_strips(self, *_) -> None:
        """The plot was resized or its legend shown or hidden: its strips end where its data ends."""
        for strip in self.strips.values():
            strip.align()

    def _labels_moved(self, *_) -> None:
        """The view was zoomed, scrolled or resized: lay the labels out again (once the moving stops)."""
        self._label_timer.start()

    def _place_labels(self) -> None:
        """Each shown span's label in the highest row where it lies within the plot and covers no other
        label (nor, if a row allows, the plot's legend), highest scores first: on the side of its line
        that pyqtgraph chose, else on the other, else shorter (``SpanRegion.texts``: the first key alone,
        then without its reason); a label with no room in ``LABEL_ROWS`` rows is hidden (its span's
        tooltip has it all). Why the plot's edges: a label running past one was cut short."""
        chart = self.panel.chart
        if chart is None or not chart.timed:
            return
        plot = chart.vb.sceneBoundingRect()
        height = max(plot.height(), 1.0)
        shown = [r for r in self.shades if r.isVisible()]
        shown.sort(key=lambda r: -(r.group.score if r.group is not None else 0.0))
        placed: list[QRectF] = []
        legend = getattr(chart, "legend", None)  # a label under the legend box is hard to read
        boxed = [legend.sceneBoundingRect()] if legend is not None and legend.isVisible() else []
        for region in shown:
            rect = self._fit(region, plot, height, placed, boxed)
            if rect is None:
                region.label.hide()
            else:
                placed.append(rect)
        self.labels_shown = sum(r.label.isVisible() for r in shown)

    @staticmethod
    def _fit(
        region: SpanRegion, plot: QRectF, height: float, placed: list[QRectF], boxed: list[QRectF]
    ) -> QRectF | None:
        """Where ``region``'s label goes (its rect), the label left there; None: nowhere. Each text on each
        side is measured once, in the first row: the rows below are that rect moved down a row."""
        label = region.label
        if not plot.left() <= region.lines[0].scenePos().x() <= plot.right():
            return None  # its span starts outside the view: no label to cut short (the tooltip has it)
        label.show()
        # a hidden TextItem skips its transform's updates: brought up to date, or the rects read below are
        # those of the view it was last drawn in, and labels placed by them overlapped
        label.updateTransform(force=True)
        label.setPosition(LABEL_TOP)  # pyqtgraph picks the side facing the view's centre: tried first
        chosen = tuple(label.anchor)
        anchors = [chosen, *(tuple(a) for a in label.anchors if tuple(a) != chosen)]
        for text in region.texts or [label.toPlainText()]:
            region.show_text(text)
            size = label.boundingRect()  # in pixels: a TextItem is drawn unscaled
            if size.width() > plot.width():
                continue
            gap = size.height() + 2
            for anchor in anchors:
                label.setPosition(LABEL_TOP)  # (which sets pyqtgraph's side again)
                label.setAnchor(anchor)
                first = label.sceneBoundingRect().adjusted(-3, 0, 3, 0)
                if first.left() + 3 < plot.left() or first.right() - 3 > plot.right():
                    continue
                for avoid in (placed + boxed, placed):
                    for row in range(LABEL_ROWS):
                        if not any(first.translated(0, row * gap).intersects(other) for other in avoid):
                            label.setPosition(LABEL_TOP - row * gap / height)
                            label.setAnchor(anchor)
                            return label.sceneBoundingRect().adjusted(-3, 0, 3, 0)
        return None

    def _draw_maintenance(self) -> None:
        spans = self.manager.maintenance_spans(self.source_name, self.stream)
        t0 = self.panel.chart.t0
        for i, (a, b) in enumerate(spans):
            if i < len(self.maint):
                region = self.maint[i]
            else:
                region = self._region(self.maint, MAINTENANCE_BRUSH, movable=True)
                region.kind = "maintenance"
                region.set_label("maintenance", "#1F5F99")
                region.setToolTip(
                    "Maintenance: models neither learn from this span nor flag it.\n"
                    "Drag its edges to adjust it; right-click to remove it"
                )
                region.sigRegionChangeFinished.connect(self._maintenance_moved)
            region.blockSignals(True)
            region.setRegion((a - t0, b - t0))
            region.blockSignals(False)
            region.times = (a, b)
            region.show()
        for region in self.maint[len(spans) :]:
            region.hide()

    def _maintenance_moved(self, region: SpanRegion) -> None:
        lo, hi = region.getRegion()
        t0 = self.panel.chart.t0
        region.times = self.manager.move_maintenance(
            self.source_name, self.stream, region.times, (lo + t0, hi + t0)
        )

    # -- right-click ---------------------------------------------------------------------------------------------------
    def span_at(self, t: float):
        """The shaded span (anomaly or expected, then maintenance) at time ``t``, or None."""
        half = self.panel.interval / 2
        for region in reversed(self.shades):
            if region.isVisible() and region.times[0] - half <= t <= region.times[1] + half:
                return region
        for region in self.maint:
            if region.isVisible() and region.times[0] <= t <= region.times[1]:
                return region
        return None

    def context_menu(self, t: float) -> QMenu:
        """What a right-click at time ``t`` offers."""
        menu = QMenu(self.panel)
        region = self.span_at(t)
        if region is not None and region.kind == "anomaly":
            menu.addAction(
                "Mark expected (leave it out of the next refit)", lambda: self._mark_expected(region)
            )
        elif region is not None and region.kind == "expected":
            menu.addAction(
                "Not expected after all (learn from it again)", lambda: self._unmark_expected(region)
            )
        elif region is not None and region.kind == "maintenance":
            span = region.times
            menu.addAction(
                "Remove maintenance span",
                lambda: self.manager.remove_maintenance(self.source_name, self.stream, span),
            )
        if region is None or region.kind != "maintenance":
            menu.addAction("Mark maintenance span here (or Shift+drag)", lambda: self._maintenance_here(t))
        return menu

    def _mark_expected(self, region: SpanRegion) -> None:
        """Every model of a merged span: the part of it that model flagged is expected."""
        group = region.group
        if group is None:
            return
        for model in group.models:
            self.manager.mark_expected(model, *group.extent_of(model))

    def _unmark_expected(self, region: SpanRegion) -> None:
        """Every "expected" span merged into ``region``, of every model, is learnt from again."""
        lo, hi = region.times
        group = region.group
        for model in group.models if group is not None else ():
            for a, b in [(a, b) for a, b in model.expected if lo <= a and b <= hi]:
                self.manager.unmark_expected(model, a, b)

    def _maintenance_here(self, t: float) -> None:
        lo, hi = self.panel.chart.vb.viewRange()[0]
        width = (hi - lo) / 10
        self.manager.add_maintenance(self.source_name, self.stream, t - width / 2, t + width / 2)

    def _clicked(self, ev) -> None:
        chart = self.panel.chart
        if (
            ev.button() != Qt.MouseButton.RightButton
            or chart is None
            or not chart.timed
            or not chart.vb.sceneBoundingRect().contains(ev.scenePos())
        ):
            return
        t = chart.vb.mapSceneToView(ev.scenePos()).x() + chart.t0
        ev.accept()
        self.context_menu(t).popup(QCursor.pos())

    # -- Shift+drag: a maintenance span --------------------------------------------------------------------------------
    def _view_x(self, pos: QPoint) -> float | None:
        chart = self.panel.chart
        if chart is None or not chart.timed:
            return None
        scene = self.panel.canvas.mapToScene(pos)
        if not chart.vb.sceneBoundingRect().contains(scene):
            return None
        return chart.vb.mapSceneToView(scene).x()

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if (
            kind == QEvent.Type.MouseButtonPress
            and event.button() == Qt.MouseButton.LeftButton
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            x = self._view_x(event.position().toPoint())
            if x is None:
                return False
            self._drag_from = x
            self._drag = SpanRegion(MAINTENANCE_BRUSH)
            self._drag.setRegion((x, x))
            self.panel.chart.plot.addItem(self._drag, ignoreBounds=True)
            return True
        if self._drag is not None and kind == QEvent.Type.MouseMove:
            x = self._view_x(event.position().toPoint())
            if x is not None:
                self._drag.setRegion(sorted((self._drag_from, x)))
            return True
        if self._drag is not None and kind == QEvent.Type.MouseButtonRelease:
            lo, hi = self._drag.getRegion()
            self.panel.chart.plot.removeItem(self._drag)
            self._drag = None
            if hi > lo and self.panel.chart is not None:
                t0 = self.panel.chart.t0
                self.manager.add_maintenance(self.source_name, self.stream, lo + t0, hi + t0)
            return True
        return False


class ModelOverlays(QObject):
    """Gives every plot card of a dashboard its ``StreamMarks``."""

    def __init__(self, dashboard, manager, parent=None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.marks: list = []
        dashboard.cardAdded.connect(self.add_card)
        for page in dashboard.pages():
            for card in page.cards:
                self.add_card(card)

    def add_card(self, card) -> StreamMarks:
        marks = StreamMarks(card, self.manager)
        card.destroyed.connect(lambda *_: self.marks.remove(marks) if marks in self.marks else None)
        self.marks.append(marks)
        return marks

    def for_card(self, card) -> StreamMarks | None:
        return next((m for m in self.marks if m.card is card), None)
