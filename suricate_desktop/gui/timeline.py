"""The timeline bar: a recording's span as a slider, with play/pause, speed and steps.

``TimelineBar`` drives a :class:`~.sources.recording.RecordingSource` (or any
object with its ``start``/``end``/``position``/``state``/``speed``/``step``
attributes and ``play``/``pause``/``toggle``/``seek``/``set_speed``/``step_forward``/``step_back``)
and reflects it on a timer (10 times a second): the slider follows the play
position, the label shows it in local time with the offset from the start,
the button shows play or pause. Dragging the slider, clicking it or moving it
with the keyboard seeks; Space plays and pauses while the bar (or one of its
controls other than the speed box) has the focus.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from ..store.player import SPEEDS

#: Slider units per second of recording (milliseconds), coarser for spans that would overflow an int.
_FINE = 1000
_MAX_UNITS = 2_000_000_000


class Playable(Protocol):
    """What the bar drives: a RecordingSource, or anything that plays a span of time the same way.

    Optional, read with ``getattr``: ``step`` (seconds, the slider's single step), ``detail``
    (the state's tooltip), ``loop`` (start over at the end; set by the Loop box)."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def position(self) -> float: ...
    @property
    def state(self) -> str: ...
    @property
    def speed(self) -> float: ...
    def toggle(self) -> object: ...
    def seek(self, ts: float) -> object: ...
    def set_speed(self, speed: float) -> object: ...
    def step_forward(self) -> object: ...
    def step_back(self) -> object: ...


def speed_label(speed: float) -> str:
    return "max" if speed == 0 else f"{speed:g}x"


def format_time(ts: float, with_date: bool = False) -> str:
    """Local time of ``ts``: ``21:47:52.3`` (tenths), with the date in front when asked."""
    local = time.localtime(ts)
    tenths = int((ts - int(ts)) * 10) if ts >= 0 else 0
    text = time.strftime("%H:%M:%S", local) + f".{tenths}"
    return time.strftime("%Y-%m-%d ", local) + text if with_date else text


def format_offset(seconds: float) -> str:
    seconds = max(0.0, seconds)
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class TimelineBar(QWidget):
    """Slider, time labels, play/pause, step back/forward, speed and loop for one recording source."""

    #: Emitted when the user asks to move (the new position, epoch seconds).
    seekRequested = Signal(float)

    def __init__(
        self, source: Playable | None = None, parent: QWidget | None = None, refresh_ms: int = 100
    ) -> None:
        super().__init__(parent)
        self.source: Playable | None = None
        self._units: float = _FINE  # slider units per second
        self._span_shown = 0.0
        self._dragging = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        style = self.style()
        self.back_button = QToolButton(self)
        self.back_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward))
        self.back_button.setToolTip("Step back one interval")
        self.play_button = QToolButton(self)
        self.play_button.setToolTip("Play / pause (Space)")
        self.forward_button = QToolButton(self)
        self.forward_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        self.forward_button.setToolTip("Step forward one interval")
        self.start_label = QLabel(self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setPageStep(10 * _FINE)
        self.end_label = QLabel(self)
        self.time_label = QLabel(self)
        self.time_label.setToolTip("Play position (local time) and time since the recording's start")
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speed_combo = QComboBox(self)
        for speed in SPEEDS:
            self.speed_combo.addItem(speed_label(speed), speed)
        self.speed_combo.setToolTip("Playback speed (max: as fast as the recording can be read)")
        self.loop_box = QCheckBox("Loop", self)
        self.loop_box.setToolTip("Start over at the end")
        self.state_label = QLabel(self)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        before: tuple[QWidget, ...] = (
            self.back_button,
            self.play_button,
            self.forward_button,
            self.start_label,
        )
        for w in before:
            layout.addWidget(w)
        layout.addWidget(self.slider, 1)
        after: tuple[QWidget, ...] = (
            self.end_label,
            self.time_label,
            self.speed_combo,
            self.loop_box,
            self.state_label,
        )
        for w in after:
            layout.addWidget(w)

        self.play_button.clicked.connect(self._toggle)
        self.back_button.clicked.connect(lambda: self.source and self.source.step_back())
        self.forward_button.clicked.connect(lambda: self.source and self.source.step_forward())
        self.slider.sliderPressed.connect(self._drag_started)
        self.slider.sliderReleased.connect(self._drag_finished)
        self.slider.valueChanged.connect(self._slider_moved)
        self.speed_combo.currentIndexChanged.connect(self._speed_chosen)
        self.loop_box.toggled.connect(self._loop_toggled)
        keyed: tuple[QWidget, ...] = (
            self.slider,
            self.back_button,
            self.forward_button,
            self.loop_box,
            self.time_label,
        )
        for w in keyed:
            w.installEventFilter(self)

        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.set_source(source)

    # -- the source --------------------------------------------------------------------------------------------------
    def set_source(self, source: Playable | None) -> None:
        """Show and drive ``source`` (a RecordingSource), or nothing (None)."""
        self.source = source
        enabled = source is not None
        controls: tuple[QWidget, ...] = (
            self.back_button,
            self.play_button,
            self.forward_button,
            self.slider,
            self.speed_combo,
            self.loop_box,
        )
        for w in controls:
            w.setEnabled(enabled)
        if source is None:
            self.timer.stop()
            self.start_label.setText("")
            self.end_label.setText("")
            self.time_label.setText("no recording")
            self.state_label.setText("")
            self._show_playing(False)
            return
        self._set_range()
        self._show_speed(source.speed)
        self.loop_box.blockSignals(True)
        self.loop_box.setChecked(bool(getattr(source, "loop", False)))
        self.loop_box.blockSignals(False)
        self.refresh()
        self.timer.start()

    def _set_range(self) -> None:
        src = self.source
        if src is None:
            return
        span = max(src.end - src.start, 0.0)
        self._units = _FINE if span * _FINE < _MAX_UNITS else max(_MAX_UNITS / span, 1e-3)
        self._span_shown = span
        self.slider.blockSignals(True)
        self.slider.setRange(0, round(span * self._units))
        self.slider.setSingleStep(max(1, round(getattr(src, "step", 1.0) * self._units)))
        self.slider.setPageStep(max(1, round(10 * getattr(src, "step", 1.0) * self._units)))
        self.slider.blockSignals(False)
        days = time.localtime(src.start)[:3] != time.localtime(src.end)[:3]
        self.start_label.setText(format_time(src.start, with_date=True)[:-2])
        self.end_label.setText(format_time(src.end, with_date=days)[:-2])
        self.start_label.setToolTip("Start of the recording (local time)")
        self.end_label.setToolTip("End of the recording (local time)")

    # -- reflecting ----------------------------------------------------------------------------------------------------
    def _show_speed(self, speed: float) -> None:
        self.speed_combo.blockSignals(True)
        index = self.speed_combo.findData(float(speed))
        if index < 0:
            self.speed_combo.addItem(speed_label(speed), float(speed))
            index = self.speed_combo.count() - 1
        self.speed_combo.setCurrentIndex(index)
        self.speed_combo.blockSignals(False)

    def refresh(self) -> None:
        """Bring the controls in line with the source (the timer calls this)."""
        src = self.source
        if src is None:
            return
        if self.speed_combo.currentData() != float(src.speed):  # set elsewhere (a workspace, the API)
            self._show_speed(src.speed)
        if src.end - src.start != self._span_shown:  # a recording being written grew
            self._set_range()
        pos = src.position
        if not self._dragging:
            self.slider.blockSignals(True)
            self.slider.setValue(self._to_units(pos))
            self.slider.blockSignals(False)
        self.time_label.setText(
            f"{format_time(pos)}  (+{format_offset(pos - src.start)} / {format_offset(src.end - src.start)})"
        )
        state = src.state
        self._show_playing(state == "playing")
        detail = getattr(src, "detail", "")
        self.state_label.setText(state)
        self.state_label.setToolTip(detail)

    def _show_playing(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")

    def _to_units(self, ts: float) -> int:
        start = self.source.start if self.source is not None else 0.0
        return round((ts - start) * self._units)

    def _from_units(self, value: int) -> float:
        start = self.source.start if self.source is not None else 0.0
        return start + value / self._units

    # -- driving -------------------------------------------------------------------------------------------------------
    def _toggle(self) -> None:
        if self.source is not None:
            self.source.toggle()
            self.refresh()

    def _drag_started(self) -> None:
        self._dragging = True

    def _drag_finished(self) -> None:
        self._dragging = False
        self._seek(self.slider.value())

    def _slider_moved(self, value: int) -> None:
        # the user moved it (our own updates block signals): seek, also while dragging so the plots follow
        self._seek(value)

    def _seek(self, value: int) -> None:
        if self.source is None:
            return
        ts = self._from_units(value)
        self.source.seek(ts)
        self.seekRequested.emit(ts)
        pos = self.source.position
        self.time_label.setText(
            f"{format_time(pos)}  (+{format_offset(pos - self.source.start)} / "
            f"{format_offset(self.source.end - self.source.start)})"
        )

    def _speed_chosen(self, index: int) -> None:
        if self.source is not None and index >= 0:
            self.source.set_speed(float(self.speed_combo.itemData(index)))

    def _loop_toggled(self, on: bool) -> None:
        if self.source is not None:
            self.source.loop = on  # type: ignore[attr-defined]  # optional in Playable: set where it is read

    # -- keys ------------------------------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._key(event):
            return
        super().keyPressEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self._key(event):
            return True
        return super().eventFilter(obj, event)

    def _key(self, event: QKeyEvent) -> bool:
        if self.source is None or event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            return False
        key = event.key()
        if key == Qt.Key.Key_Space:
            self._toggle()
            return True
        if key == Qt.Key.Key_Home:
            self.source.seek(self.source.start)
            self.refresh()
            return True
        if key == Qt.Key.Key_End:
            self.source.seek(self.source.end)
            self.refresh()
            return True
        return False

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self.source is not None:
            self.timer.start()
        super().showEvent(event)
