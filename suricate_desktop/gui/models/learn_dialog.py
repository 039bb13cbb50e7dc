"""The "Learn baseline" dialog (Analytics > Learn baseline…): train a model of a stream's normal behaviour.

The user picks a stream and its keys (and, under "With", other streams of the same source whose
keys the model learns too, joined on the first stream's times: one model over several streams,
whose anomalies name the stream and the key), a training window (the last N minutes of what the
stream's store holds, or a span of a recording, read from its files and chosen by dragging it
on an overview of the whole recording), a detector and its parameters, a threshold and an
update policy. Training (``analytics.training.train``) runs in a worker thread with a progress
bar and a cancel button; the held-out scores are plotted with the threshold, which can be
dragged. Save writes the model to the registry (the workspace's models folder) and attaches it
to the stream, where it is scored live (its strip starting with the held-out scores, so a stream
that has stopped still shows them). Maintenance spans marked on the stream's plots are left
out of training. The detector offered first, and its threshold, are the model registry's
default (``DEFAULT_DETECTOR``). The layout is ``ui/learn_baseline.ui``: the form scrolls in a
column of its own beside the scores, so the dialog fits a 1366x768 screen; its size is
remembered. The plots and the detector's parameters are built here.
"""

from __future__ import annotations

import html
import re
import threading
import time
from datetime import datetime
from typing import Any, cast

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDateTime, QObject, QSettings, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...analytics import DETECTORS, LiveScorer, TrainingCancelled, TrainingData, train
from ...analytics.detectors.limits import LIMITS, parse_text
from ...analytics.features import StreamKey, feature_text
from ...analytics.registry import valid_model_name
from ...schema import AGENT_SOURCE, BUCKET_KINDS
from .. import screen_fit
from ..forms import load_form
from ..plots._data import key_text
from ..plots.charts import TimeAxis
from .detector_params import (
    detector_class,
    detector_figures,
    detector_help,
    offered_detectors,
    repr_params,
)
from .param_form import fill_form, form_height, read_form
from .training_time import expected, left

POLICIES = {"online": "Learn continuously (partial_fit)", "refit": "Refit periodically on a sliding window"}
SETTINGS_GROUP = "learn-baseline"
PARAMS_HEIGHT = 200  # pixels of detector parameters shown before they scroll
MAINTENANCE_BRUSH = (31, 119, 180, 45)
#: The widgets of ui/learn_baseline.ui the dialog uses, looked up by name (attributes of the same names).
WIDGETS = (
    "name stream moreStreams keys lastRadio minutes spanRadio spanFrom spanTo overviewHolder excludedLabel "
    "detector detectorHelp threshold holdout policy refitEvery trainSize refitLabel trainSizeLabel "
    "scoresHolder summary progress train cancel buttons detectorParams paramsScroll columns"
)


class LearnBaselineDialog(QObject):
    """See the module docstring. ``saved(AttachedModel)`` once a model is saved and attached."""

    saved = Signal(object)
    _progress = Signal(float)
    _finished = Signal(object)
    _failed = Signal(str)
    _read = Signal(object, object)  # (key, TrainingData) of a recording read in a worker

    # The widgets of ui/learn_baseline.ui, looked up by name in __init__.
    name: QLineEdit
    stream: QComboBox
    moreStreams: QListWidget
    keys: QListWidget
    lastRadio: QRadioButton
    minutes: QSpinBox
    spanRadio: QRadioButton
    spanFrom: QDateTimeEdit
    spanTo: QDateTimeEdit
    overviewHolder: QWidget
    excludedLabel: QLabel
    detector: QComboBox
    detectorHelp: QLabel
    threshold: QDoubleSpinBox
    holdout: QSpinBox
    policy: QComboBox
    refitEvery: QSpinBox
    trainSize: QSpinBox
    refitLabel: QLabel
    trainSizeLabel: QLabel
    scoresHolder: QWidget
    summary: QLabel
    progress: QProgressBar
    train: QPushButton
    cancel: QPushButton
    buttons: QDialogButtonBox
    detectorParams: QFormLayout
    paramsScroll: QScrollArea
    columns: QSplitter

    def __init__(
        self,
        parent: QWidget | None,
        sources,
        manager,
        settings: QSettings | None = None,
        preselect: tuple | None = None,
    ):
        self.dialog = cast(QDialog, load_form("learn_baseline", parent))
        super().__init__(self.dialog)
        self.manager = manager
        self.settings = settings
        f = self.dialog.findChild
        for name in WIDGETS.split():
            setattr(self, name, f(QObject, name))
        self.columns.setStretchFactor(1, 1)  # the scores plot takes the width the form does not need
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.rejected.connect(self.dialog.reject)
        self.save_button.clicked.connect(self.save)
        self.train.clicked.connect(self.start_training)
        self.cancel.clicked.connect(self.cancel_training)
        self.dialog.finished.connect(lambda _: self.cancel_training())
        self.dialog.finished.connect(lambda _: self._remember_size())

        self.choices: list[tuple] = []  # (source, stream) per stream combo entry
        for source in sources:
            for info in sorted(source.store.streams(), key=lambda i: i.stream):
                if info.kind in BUCKET_KINDS or info.stream[1] == AGENT_SOURCE:
                    continue
                self.choices.append((source, info.stream))
                self.stream.addItem(f"{'.'.join(info.stream)} · {source.name}")
        for (
            kind,
            title,
        ) in offered_detectors().items():  # the registry's default first: chosen unless remembered
            self.detector.addItem(title, kind)
            # what it measured, while the list is open: a choice made knowing what each finds
            self.detector.setItemData(
                self.detector.count() - 1, detector_figures(kind), Qt.ItemDataRole.ToolTipRole
            )
        for policy, title in POLICIES.items():
            self.policy.addItem(title, policy)
        self.param_widgets: dict[str, QWidget] = {}

        self.overview = pg.PlotWidget(background="w", axisItems={"bottom": TimeAxis(0.0)})
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.hideButtons()
        self.overview.getPlotItem().setMenuEnabled(False)
        self.overview_curve = pg.PlotCurveItem(pen=pg.mkPen("#0072B2"))
        self.overview.addItem(self.overview_curve)
        self.window_region = pg.LinearRegionItem(brush=pg.mkBrush(0, 114, 178, 40))
        self.window_region.setZValue(10)
        self.window_region.sigRegionChangeFinished.connect(self._region_moved)
        self.overview.addItem(self.window_region)
        self.maintenance_regions: list = []
        _fill(self.overviewHolder, self.overview)

        self.scores_plot = pg.PlotWidget(background="w", axisItems={"bottom": TimeAxis(0.0)})
        self.scores_plot.hideButtons()
        self.scores_plot.setLabel("left", "score")
        self.scores_curve = pg.PlotCurveItem(pen=pg.mkPen("#444444"))
        self.scores_over = pg.PlotCurveItem(pen=pg.mkPen("#D62728", width=2), connect="finite")
        self.threshold_line = pg.InfiniteLine(
            angle=0,
            movable=True,
            pen=pg.mkPen("#D62728", width=2, style=Qt.PenStyle.DashLine),
            label="threshold {value:.3g}",
            labelOpts={"position": 0.05, "color": "#D62728", "anchors": [(0, 1), (0, 1)]},
        )
        self.threshold_line.sigPositionChanged.connect(lambda line: self.threshold.setValue(line.value()))
        for item in (self.scores_curve, self.scores_over, self.threshold_line):
            self.scores_plot.addItem(item)
        _fill(self.scoresHolder, self.scores_plot)

        self._auto_name = ""  # the name given by default, replaced when the streams change
        self.stream.currentIndexChanged.connect(self._stream_changed)
        self.moreStreams.itemChanged.connect(self._streams_changed)
        self.key_labels: list = []  # the keys list's labels, by row (a key, or a StreamKey for several streams)
        self.detector.currentIndexChanged.connect(self._detector_changed)
        self.policy.currentIndexChanged.connect(self._policy_changed)
        self.threshold.valueChanged.connect(self._threshold_changed)
        self.minutes.valueChanged.connect(self._window_changed)
        self.lastRadio.toggled.connect(self._window_changed)
        self.spanFrom.dateTimeChanged.connect(self._span_edited)
        self.spanTo.dateTimeChanged.connect(self._span_edited)
        self._progress.connect(self._progressed)
        self._finished.connect(self._trained)
        self._failed.connect(self._training_failed)
        self._read.connect(self._recording_read)

        self.result = None
        #: ((source, stream), streams) the result was trained on: what Save attaches it to, whatever the
        #: stream list shows by then
        self.trained_on: tuple[tuple, list[tuple]] = ((None, ()), [])
        self.data: TrainingData | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._training_text, self._started = "", 0.0  # what a run is doing, and since when (its progress)
        self._recorded: dict[tuple, TrainingData] = {}
        self._recorded_keys: dict[tuple, list] = {}  # (source name, stream) -> its keys in the recording
        self._reading: set[tuple] = set()  # (source name, stream) being read
        self._restore_choices()
        if preselect is not None:
            for i, (source, stream) in enumerate(self.choices):
                if (source, tuple(stream)) == (preselect[0], tuple(preselect[1])):
                    self.stream.setCurrentIndex(i)
        self._stream_changed()
        self._detector_changed()
        self._policy_changed()
        if not self.choices:
            self.summary.setText(
                "No stream to learn from yet: open a source (a recording, a broker, the sampler) "
                "and wait for its streams."
            )
            self.train.setEnabled(False)

    # -- showing ---------------------------------------------------------------------------------------------------------
    def open(self) -> None:
        """Show the dialog (window-modal, without blocking: plots keep drawing), at its remembered size
        or its preferred one, inside the screen's available geometry either way (a 1366x768 laptop too)."""
        size = self.settings.value(f"{SETTINGS_GROUP}/size") if self.settings is not None else None
        if isinstance(size, QSize) and size.isValid():
            self.dialog.resize(size)
        else:
            available = screen_fit.available_geometry(self.dialog)
            hint = self.dialog.sizeHint()
            # as tall as the form, where the screen has room
            form = cast(QWidget, self.dialog.findChild(QWidget, "leftPanel"))
            tall = hint.height() - self.columns.sizeHint().height() + form.sizeHint().height()
            self.dialog.resize(
                min(max(hint.width(), 1000), int(available.width() * 0.95)),
                min(max(tall, 600), int(available.height() * 0.9)),
            )
        splitter = self.settings.value(f"{SETTINGS_GROUP}/splitter") if self.settings is not None else None
        if splitter is not None:
            self.columns.restoreState(splitter)
        self.dialog.open()
        screen_fit.clamp_into_screen(self.dialog)

    def _remember_size(self) -> None:
        """The dialog's size and its columns' split, for the next time (however it was closed)."""
        if self.settings is not None:
            self.settings.setValue(f"{SETTINGS_GROUP}/size", self.dialog.size())
            self.settings.setValue(f"{SETTINGS_GROUP}/splitter", self.columns.saveState())

    # -- the stream and its window -----------------------------------------------------------------------------------------
    @property
    def current(self) -> tuple | None:
        i = self.stream.currentIndex()
        return self.choices[i] if 0 <= i < len(self.choices) else None

    def streams(self) -> list[tuple]:
        """The model's streams: the chosen one first, then those checked under "With"."""
        choice = self.current
        if choice is None:
            return []
        more = [
            self.moreStreams.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.moreStreams.count())
            if self.moreStreams.item(i).checkState() == Qt.CheckState.Checked
        ]
        return [tuple(choice[1])] + [tuple(s) for s in more]

    def _stream_changed(self, *_) -> None:
        choice = self.current
        self.moreStreams.blockSignals(True)
        self.moreStreams.clear()
        if choice is not None:
            for source, stream in self.choices:
                if source is choice[0] and stream != choice[1]:
                    item = QListWidgetItem(".".join(stream))
                    item.setData(Qt.ItemDataRole.UserRole, list(stream))
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                    self.moreStreams.addItem(item)
        self.moreStreams.blockSignals(False)
        if choice is not None:
            source = choice[0]
            recording = hasattr(source, "read_span")
            self.spanRadio.setEnabled(recording)
            self.spanFrom.setEnabled(recording)
            self.spanTo.setEnabled(recording)
            if recording:
                self._set_span_edits(source.start, source.end)
                self.spanRadio.setChecked(True)
            else:
                self.lastRadio.setChecked(True)
        self._streams_changed()

    def _streams_changed(self, *_) -> None:
        """The keys of every chosen stream (checked, except those unchecked before), the name, the window. A
        model trained on other streams is set aside: Save would have attached it where its keys are not."""
        choice = self.current
        if self.result is not None and (choice, self.streams()) != self.trained_on:
            self.result = None
            self.save_button.setEnabled(False)
            self.scores_curve.setData([], [])
            self.scores_over.setData([], [])
            self.summary.setText("The streams changed since training: Train again to save a model of them.")
        unchecked = {
            lab
            for row, lab in enumerate(self.key_labels)
            if self.keys.item(row) is not None and self.keys.item(row).checkState() != Qt.CheckState.Checked
        }
        self.keys.clear()
        self.key_labels = []
        if choice is None:
            return
        source = choice[0]
        streams = self.streams()
        for sid in streams:
            keys = list(source.store.keys(sid))  # and a recording's keys not played yet
            keys += [k for k in self._recorded_keys.get((source.name, sid), []) if k not in keys]
            for key in keys:
                label = StreamKey(sid, key) if len(streams) > 1 else tuple(key)
                item = QListWidgetItem(feature_text(label) if len(streams) > 1 else key_text(key))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked if label in unchecked else Qt.CheckState.Checked)
                self.keys.addItem(item)
                self.key_labels.append(label)
        if self.name.text() in ("", self._auto_name):  # a name typed or set is kept
            self._auto_name = _default_name(streams)
            self.name.setText(self._auto_name)
        if hasattr(source, "read_span"):
            for sid in streams:
                if (source.name, sid) not in self._recorded and (source.name, sid) not in self._reading:
                    self._read_recording(source, sid)
        self._window_changed()

    def _read_recording(self, source, stream) -> None:
        self._reading.add((source.name, tuple(stream)))
        self.progress.setRange(0, 0)  # busy
        self.summary.setText(f"Reading {'.'.join(stream)} from {source.name}…")
        self.train.setEnabled(False)

        def read():
            try:
                store = source.read_span(stream)
                data = TrainingData.from_store(store, stream)
                self._recorded_keys[(source.name, tuple(stream))] = store.keys(tuple(stream))
            except Exception as exc:
                data = f"cannot read the recording: {exc}"
            self._read.emit((source.name, tuple(stream)), data)

        threading.Thread(target=read, name="read-recording", daemon=True).start()

    def _recording_read(self, key, data) -> None:
        self._reading.discard(key)
        if self._reading:  # another stream of the model is still being read
            if isinstance(data, str):
                self.summary.setText(data)
            else:
                self._recorded[key] = data
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.train.setEnabled(True)
        if isinstance(data, str):
            self.summary.setText(data)
            return
        self._recorded[key] = data
        self.summary.setText(
            f"{len(data.times):,} intervals recorded. Choose the span, a detector, then Train."
        )
        self._streams_changed()  # the keys the recording has and the store has not played yet

    def _set_span_edits(self, start: float, end: float) -> None:
        for edit, ts in ((self.spanFrom, start), (self.spanTo, end)):
            edit.blockSignals(True)
            edit.setDateTime(QDateTime.fromMSecsSinceEpoch(int(ts * 1000)))
            edit.blockSignals(False)

    def _span_edited(self, *_) -> None:
        self.spanRadio.setChecked(True)
        self._window_changed()

    def _region_moved(self) -> None:
        if not self.spanRadio.isChecked():
            return
        lo, hi = self.window_region.getRegion()
        self._set_span_edits(lo + self._t0, hi + self._t0)
        self._describe_window()

    def window(self) -> tuple[float, float]:
        """The training window (epoch seconds) the form describes."""
        choice = self.current
        assert choice is not None  # asked only once a stream is chosen
        source, stream = choice
        if self.spanRadio.isChecked():
            return (
                self.spanFrom.dateTime().toMSecsSinceEpoch() / 1000,
                self.spanTo.dateTime().toMSecsSinceEpoch() / 1000,
            )
        end = source.store.clock(stream[0])
        return end - self.minutes.value() * 60, end

    def _all_rows(self) -> TrainingData | None:
        """The rows of the chosen stream(s) (several joined on time); None while a recording is being read."""
        choice = self.current
        if choice is None:
            return None
        source, streams = choice[0], self.streams()
        if self.spanRadio.isChecked():
            parts = [self._recorded.get((source.name, sid)) for sid in streams]
            got = [p for p in parts if p is not None]
            if len(got) < len(parts):
                return None
            return got[0] if len(got) == 1 else TrainingData.join(streams, got)
        return TrainingData.from_store(source.store, streams if len(streams) > 1 else streams[0])

    def _window_changed(self, *_) -> None:
        data = self._all_rows()
        self._t0 = float(data.times[0]) if data is not None and len(data.times) else 0.0
        self.overview.getPlotItem().getAxis("bottom").origin = self._t0
        if data is None or not len(data.times):
            self.overview_curve.setData([], [])
        else:
            total = np.nansum(data.values, axis=1) if data.values.shape[1] else np.zeros(len(data.times))
            self.overview_curve.setData(data.times - self._t0, total)
            self.overview.setXRange(0, float(data.times[-1] - self._t0) or 1.0, padding=0.02)
        if self.current is not None:
            lo, hi = self.window()
            if not self.spanRadio.isChecked():
                self._set_span_edits(lo, hi)  # shown (greyed) for a live stream: what "the last N min" is
            self.window_region.blockSignals(True)
            self.window_region.setRegion((lo - self._t0, hi - self._t0))
            self.window_region.blockSignals(False)
            self.window_region.setMovable(self.spanRadio.isChecked())
        self._draw_maintenance()
        self._describe_window()

    def excluded(self) -> list[tuple[float, float]]:
        """The maintenance spans of every chosen stream: left out of training."""
        choice = self.current
        assert choice is not None  # asked only once a stream is chosen
        source = choice[0]
        spans = [span for sid in self.streams() for span in self.manager.maintenance_spans(source.name, sid)]
        return sorted(set(spans))

    def _draw_maintenance(self) -> None:
        for region in self.maintenance_regions:
            self.overview.removeItem(region)
        self.maintenance_regions = []
        if self.current is None:
            return
        for a, b in self.excluded():
            region = pg.LinearRegionItem(
                (a - self._t0, b - self._t0),
                movable=False,
                brush=pg.mkBrush(214, 39, 40, 60),
                pen=pg.mkPen(None),
            )
            region.setToolTip("Maintenance: left out of training")
            self.overview.addItem(region)
            self.maintenance_regions.append(region)

    def _describe_window(self) -> None:
        if self.current is None:
            return
        lo, hi = self.window()
        spans = [(a, b) for a, b in self.excluded() if b >= lo and a <= hi]
        text = f"From {_clock(lo)} to {_clock(hi)}."
        if spans:
            text += (
                f" {len(spans)} maintenance span{'s' if len(spans) > 1 else ''} left out "
                f"({sum(min(b, hi) - max(a, lo) for a, b in spans):.0f} s)."
            )
        else:
            text += " No maintenance span in it (Shift+drag on a plot marks one)."
        self.excludedLabel.setText(text)

    # -- the detector ------------------------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.detector.currentData()

    def _detector_changed(self, *_) -> None:
        cls = detector_class(self.kind)
        figures = detector_figures(self.kind)
        self.detectorHelp.setText(detector_help(self.kind) + (f"\n\n{figures}" if figures else ""))
        # in a scroll area: a detector with twenty parameters keeps the dialog on screen
        self.param_widgets = fill_form(
            self.detectorParams, cls.defaults, self._remembered_params(self.kind), LIMITS.get(self.kind)
        )
        # as tall as the parameters, up to the ui's cap (then it scrolls): a short list leaves room to the overview
        self.paramsScroll.setFixedHeight(
            min(PARAMS_HEIGHT, form_height(self.detectorParams, self.param_widgets))
        )
        self.threshold.setValue(cls.threshold)

    def params(self) -> dict[str, Any]:
        """The detector's parameters as set; ``ValueError`` naming the field whose text cannot be read."""
        return read_form(self.param_widgets, detector_class(self.kind).defaults)

    def _policy_changed(self, *_) -> None:
        periodic = self.policy.currentData() == "refit"
        for widget in (self.refitEvery, self.trainSize, self.refitLabel, self.trainSizeLabel):
            widget.setVisible(periodic)

    def _threshold_changed(self, value: float) -> None:
        if abs(self.threshold_line.value() - value) > 5e-4:  # the line sets the box too: no ping-pong
            self.threshold_line.setValue(value)
        self._draw_scores()

    # -- training --------------------------------------------------------------------------------------------------------
    def checked_keys(self) -> list[tuple]:
        return [
            self.key_labels[i]
            for i in range(self.keys.count())
            if self.keys.item(i).checkState() == Qt.CheckState.Checked
        ]

    def start_training(self) -> None:
        if self.current is None or (self._thread is not None and self._thread.is_alive()):
            return
        keys = self.checked_keys()
        if not keys:
            QMessageBox.warning(self.dialog, "Learn baseline", "Check at least one key to learn.")
            return
        try:
            template = DETECTORS[self.kind](**self.params())  # a value out of its range: ``detectors.limits``
        except ValueError as exc:
            QMessageBox.warning(self.dialog, "Learn baseline", f"Check the detector's parameters:\n{exc}")
            return
        rows = self._all_rows()
        if rows is None:
            QMessageBox.information(self.dialog, "Learn baseline", "The recording is still being read.")
            return
        lo, hi = self.window()
        keep = (rows.times >= lo) & (rows.times <= hi)
        data = TrainingData(rows.times[keep], rows.values[keep], rows.labels)
        excluded, holdout, policy = self.excluded(), self.holdout.value() / 100, self.policy.currentData()
        self._cancel.clear()
        self.result = None
        trained_on = (self.current, self.streams())
        self.save_button.setEnabled(False)
        self.train.setEnabled(False)
        self._lock_streams(True)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)
        self._training_text = (
            f"Training on {len(data.times):,} intervals of {len(keys):,} key{'s' * (len(keys) > 1)}"
            + expected(self.kind, len(data.times), len(keys))
        )
        self._started = time.monotonic()
        self.summary.setText(self._training_text + "…")

        def say(signal, value) -> None:
            try:
                signal.emit(value)
            except RuntimeError:  # the dialog was closed, and deleted, while training ran: nobody to tell
                self._cancel.set()

        def work():
            try:
                result = train(
                    data,
                    template,
                    keys,
                    excluded,
                    holdout,
                    policy,
                    progress=lambda fraction: say(self._progress, fraction),
                    cancelled=self._cancel.is_set,
                )
            except TrainingCancelled:
                say(self._failed, "Training cancelled.")
            except (ValueError, TypeError) as exc:
                say(self._failed, f"Cannot train: {exc}")
            except Exception as exc:
                say(self._failed, f"Training failed: {type(exc).__name__}: {exc}")
            else:
                say(self._finished, (result, data, template, trained_on))

        self._thread = threading.Thread(target=work, name="learn-baseline", daemon=True)
        self._thread.start()

    def _progressed(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))
        if self.result is None and self._thread is not None and self._thread.is_alive():
            self.summary.setText(self._training_text + "…" + left(time.monotonic() - self._started, fraction))

    def cancel_training(self) -> None:
        self._cancel.set()

    def _lock_streams(self, locked: bool) -> None:
        """While training runs, the streams and keys it reads stay as they were when it started."""
        for widget in (self.stream, self.moreStreams, self.keys):
            widget.setEnabled(not locked)

    def _training_failed(self, text: str) -> None:
        self._lock_streams(False)
        self.train.setEnabled(True)
        self.cancel.setEnabled(False)
        self.progress.setValue(0)
        self.summary.setText(text)

    def _trained(self, payload) -> None:
        self.result, self.data, self.template, self.trained_on = payload
        self._lock_streams(False)
        self.train.setEnabled(True)
        self.cancel.setEnabled(False)
        self.save_button.setEnabled(True)
        self.progress.setValue(100)
        self._draw_scores(autorange=True)

    def _draw_scores(self, autorange: bool = False) -> None:
        r = self.result
        if r is None:
            return
        threshold = self.threshold.value()
        t0 = float(r.times[0]) if len(r.times) else 0.0
        self.scores_plot.getPlotItem().getAxis("bottom").origin = t0
        self.scores_curve.setData(r.times - t0, r.scores)
        self.scores_over.setData(r.times - t0, np.where(r.scores >= threshold, r.scores, np.nan))
        if autorange and len(r.scores):
            self.scores_plot.setYRange(0, max(float(r.scores.max()), threshold) * 1.1 or 1.0)
            self.scores_plot.setXRange(0, float(r.times[-1] - t0) or 1.0)
        held = len(r.scores)
        over = r.over(threshold)
        quantile = float(np.percentile(r.scores, 99)) if held else 0.0
        left_out = f", {r.excluded_rows:,} left out as maintenance" if r.excluded_rows else ""
        peak = r.highest()
        highest = ""
        if peak is not None and peak[1] >= threshold:
            when, _score, key, reason = peak
            said = f", {reason}" if reason else ""
            at = datetime.fromtimestamp(when).astimezone().strftime("%H:%M:%S")
            highest = f" The highest: {html.escape(feature_text(key))}{said} at {at}."
        self.summary.setText(
            f"Trained {len(r.detectors)} key{'s' if len(r.detectors) > 1 else ''} on "
            f"{r.trained_rows - held:,} intervals{left_out}; held out {held:,}: 99th percentile {quantile:.3g}, "
            f"max {float(r.scores.max()) if held else 0:.3g}; <b>{over}</b> interval{'s' if over != 1 else ''} at or "
            f"above the threshold {threshold:g}.{highest}"
        )
        # a wrapped label's height does not follow its text in this layout: its third line (the highest
        # interval) was cut off at a laptop's width
        self.summary.setMinimumHeight(self.summary.heightForWidth(max(self.summary.width(), 1)))

    # -- saving ----------------------------------------------------------------------------------------------------------
    def save(self):
        """Attach the trained model to its stream and write it to the registry; returns the AttachedModel."""
        if self.result is None:
            return None
        name = self.name.text().strip()
        if not valid_model_name(name):
            QMessageBox.warning(
                self.dialog,
                "Learn baseline",
                "A model's name is letters, digits, '.', '_' and '-', not starting with a '.' (it names its "
                "files), at most 128 of them.",
            )
            return None
        if self.manager.get(name) is not None:
            QMessageBox.warning(self.dialog, "Learn baseline", f"A model named {name!r} is attached already.")
            return None
        if name in self.manager.registry.names():  # saved, not attached: replacing it loses it
            answer = QMessageBox.question(
                self.dialog,
                "Learn baseline",
                f"A model named {name!r} is saved already (not attached). Replace it with this one?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        (source, stream), streams = self.trained_on
        r = self.result
        scorer = LiveScorer.from_training(
            source.store,
            streams if len(streams) > 1 else stream,
            r,
            self.template,
            threshold=self.threshold.value(),
            policy=self.policy.currentData(),
            refit_every=self.refitEvery.value(),
            train_size=self.trainSize.value(),
        )
        scorer.seed(self.data.times, self.data.values, self.data.labels)
        scorer.last_ts = min(float(r.window[1]), source.store.clock(stream[0]) or float(r.window[1]))
        for a, b in self.excluded():
            scorer.exclude(a, b, "maintenance")
        # the held-out scores up to there: a stream that has stopped (a recording that ended) still shows them
        scorer.seed_scores(r.times, r.key_scores, r.key_why)
        features = "value per key, " + (
            "windows of the last values" if self.kind in ("iforest", "kmeans") else "one value at a time"
        )
        if len(streams) > 1:
            features += f"; {len(streams)} streams joined on the times of {'.'.join(stream)}"
        model = self.manager.attach(
            name, source, scorer, features=features, training_window=[float(r.window[0]), float(r.window[1])]
        )
        try:
            self.manager.save(model)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.dialog, "Learn baseline", f"Attached, but not saved: {exc}")
        self._remember_choices()
        self.saved.emit(model)
        self.dialog.accept()
        return model

    # -- remembered choices ------------------------------------------------------------------------------------------------
    def _remember_choices(self) -> None:
        if self.settings is None:
            return
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        s.setValue("detector", self.kind)
        s.setValue("minutes", self.minutes.value())
        s.setValue("holdout", self.holdout.value())
        s.setValue("policy", self.policy.currentData())
        s.setValue("refit-every", self.refitEvery.value())
        s.setValue("train-size", self.trainSize.value())
        s.setValue(f"params/{self.template.kind}", repr_params(self.template.params))  # what was trained
        s.endGroup()

    def _restore_choices(self) -> None:
        if self.settings is None:
            return
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        index = self.detector.findData(s.value("detector"))
        if index >= 0:
            self.detector.setCurrentIndex(index)
        for widget, key in (
            (self.minutes, "minutes"),
            (self.holdout, "holdout"),
            (self.refitEvery, "refit-every"),
            (self.trainSize, "train-size"),
        ):
            value = s.value(key)
            if value is not None:
                widget.setValue(int(value))
        policy = s.value("policy")
        if policy in POLICIES:
            self.policy.setCurrentIndex(list(POLICIES).index(policy))
        s.endGroup()

    def _remembered_params(self, kind: str) -> dict:
        if self.settings is None:
            return {}
        text = self.settings.value(f"{SETTINGS_GROUP}/params/{kind}") or ""
        defaults = detector_class(kind).defaults
        out = {}
        for part in str(text).split(";"):
            name, _, value = part.partition("=")
            if name in defaults:
                try:
                    out[name] = parse_text(defaults[name], value)
                except ValueError:
                    pass
        return out


def _fill(holder: QWidget, widget: QWidget) -> None:
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)


def _default_name(streams: list[tuple]) -> str:
    """``procs-cpu`` for one stream, ``procs-cpu-and-io`` for several (the others' aggregations added)."""
    text = "-".join(streams[0][1:]) + "".join(f"-and-{s[2]}" for s in streams[1:])
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:100].lstrip(".") or "model"  # a leading dot hides a file


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")
