"""Run options, as in the seed web IDE (a script and a run time) and more.

* **target**: this machine through a local agent, "auto" (bpftrace when it is
  installed and we are root, else the unprivileged sampler; DTrace where it
  exists), bpftrace or the sampler explicitly; or a remote host's agent (the
  hosts come from the main window, the runs go through
  ``suricate_desktop.transport.control.ControlClient``);
* **interval** between snapshots, in seconds;
* **duration** in seconds, 0 = until stopped (the seed IDE only had a fixed
  run time);
* **chart**: ``auto`` (a template's own chart, else from each aggregation's kind, see :func:`chart_for`) or
  one of ``timeseries``, ``bars``, ``pie``, ``histogram``, ``heatmap``.

The form is ``ui/run_options.ui`` (Qt Designer), loaded at run time by
``gui/forms.py``; where the ``ui`` folder is not shipped the same form is built in
code (:func:`_build_form`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from dataclasses import asdict, dataclass, fields

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSpinBox,
    QWidget,
)

from ...lang.templates import CHARTS
from ..forms import child, load_form_or_build

__all__ = ["CHART_CHOICES", "RunConfig", "RunOptions", "chart_for", "local_backend_problem"]

CHART_CHOICES = ("auto", *CHARTS)
CONTROL_MODULE = "suricate_desktop.transport.control"


@dataclass(frozen=True)
class RunConfig:
    """What to run a script with."""

    target: str = "local"  # "local" or "remote"
    backend: str = "auto"  # local: auto, bpftrace, sampler, dtrace; remote: the remote agent's choice
    host: str | None = None  # the remote host
    interval: float = 1.0
    duration: float = 0.0  # seconds; 0 = until stopped
    chart: str = "auto"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> RunConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    @property
    def target_key(self) -> str:
        return f"remote:{self.host}" if self.target == "remote" else f"local:{self.backend}"

    def describe(self) -> str:
        where = f"{self.host} (remote agent)" if self.target == "remote" else f"this machine ({self.backend})"
        until = f"{self.duration:g} s" if self.duration > 0 else "until stopped"
        return f"{where}, every {self.interval:g} s, {until}"


def chart_for(choice: str, hint: str | None = None) -> str:
    """The chart to ask for: the run options' ``choice``; for ``auto``, a template's ``hint`` if any, else ``auto``.

    ``auto`` is resolved by the plot panel from each aggregation's kind (scalar
    kinds: time series; buckets: heatmap), the one rule of the application.
    """
    if choice in CHARTS:
        return choice
    if hint in CHARTS:
        return hint
    return "auto"


def native_lang() -> str:
    """The language this machine's tracer runs: bpftrace on Linux, D elsewhere (DTrace on illumos, FreeBSD, macOS).

    Asked of ``sys.platform`` when called, the same test as the local targets below and the agent's auto backend.
    """
    return "bpftrace" if sys.platform.startswith("linux") else "d"


def local_backend_problem(backend: str) -> str | None:
    """Why ``backend`` cannot run on this machine, or None when it can."""
    if backend == "bpftrace":
        if not sys.platform.startswith("linux"):
            return "bpftrace runs on Linux only"
        if not shutil.which("bpftrace"):
            return "bpftrace is not installed"
        if hasattr(os, "geteuid") and os.geteuid() != 0:
            return "bpftrace needs root"
        return None
    if backend == "dtrace":
        if importlib.util.find_spec("dtrace") is None and not shutil.which("dtrace"):
            return "DTrace is not installed (neither python-dtrace nor dtrace(1))"
        return None
    return None


def control_available() -> bool:
    """Whether the remote control client (``transport/control.py``) is there."""
    try:
        return importlib.util.find_spec(CONTROL_MODULE) is not None
    except (ImportError, ValueError):
        return False


class RunOptions(QWidget):
    """The run options bar (language, target, interval, duration, chart).

    Signals
    -------
    changed()
        Any run option changed (not the language).
    langChanged(str)
        The user chose another language for the script ("d" or "bpftrace").
    """

    changed = Signal()
    langChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("run-options")
        form = load_form_or_build("run_options", _build_form, self, required=_FIELDS)
        self.combo_lang = child(form, QComboBox, "combo_lang")
        self.combo_target = child(form, QComboBox, "combo_target")
        self.spin_interval = child(form, QDoubleSpinBox, "spin_interval")
        self.spin_duration = child(form, QSpinBox, "spin_duration")
        self.combo_chart = child(form, QComboBox, "combo_chart")
        self.combo_lang.setItemData(0, "d")
        self.combo_lang.setItemData(1, "bpftrace")
        self.set_lang(native_lang())  # before a script is open, the language new scripts get
        self.combo_chart.clear()
        for chart in CHART_CHOICES:
            self.combo_chart.addItem(chart, chart)
        self._hosts: list[str] = []
        self._fill_targets()
        self.combo_target.currentIndexChanged.connect(self._emit_changed)
        self.spin_interval.valueChanged.connect(self._emit_changed)
        self.spin_duration.valueChanged.connect(self._emit_changed)
        self.combo_chart.currentIndexChanged.connect(self._emit_changed)
        self.combo_lang.currentIndexChanged.connect(lambda _i: self.langChanged.emit(self.lang()))
        self._quiet = False
        self._flow(form)

    def _flow(self, form: QWidget) -> None:
        """Lay the form's label/field pairs out in a flow that wraps onto a second line when narrow.

        The form (from the .ui) is one row; a docked editor may be narrower than that. Each label
        stays with its field; the form's spacers are dropped.
        """
        flow = _FlowLayout(self)
        layout = form.layout()
        if layout is None:  # both forms (the .ui and _build_form) are one row
            raise ValueError("the run options form has no layout")
        # The form's widgets in layout order, asked of the widgets (indexOf), not of the layout's
        # items: touching a spacer item (itemAt) leaves a Python wrapper that outlives its C++ object,
        # and PySide then hands that stale QSpacerItem wrapper back for a new object at its address.
        children = [
            w
            for w in form.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if layout.indexOf(w) >= 0
        ]
        widgets = sorted(children, key=layout.indexOf)
        i = 0
        while i < len(widgets):
            pair = QWidget(self)
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            row.addWidget(widgets[i])
            if isinstance(widgets[i], QLabel) and i + 1 < len(widgets):
                row.addWidget(widgets[i + 1])
                i += 1
            flow.addWidget(pair)
            i += 1
        form.hide()
        form.deleteLater()

    # -- public API ------------------------------------------------------------------------------
    def config(self) -> RunConfig:
        key = self.combo_target.currentData() or "local:auto"
        kind, _, rest = key.partition(":")
        return RunConfig(
            target="remote" if kind == "remote" else "local",
            backend="auto" if kind == "remote" else rest,
            host=rest if kind == "remote" else None,
            interval=round(self.spin_interval.value(), 3),
            duration=float(self.spin_duration.value()),
            chart=self.combo_chart.currentData() or "auto",
        )

    def set_config(self, config: RunConfig | dict) -> None:
        """Show ``config`` (an unknown remote host falls back to this machine, auto); no ``changed``."""
        if isinstance(config, dict):
            config = RunConfig.from_dict(config)
        self._quiet = True
        try:
            index = self.combo_target.findData(config.target_key)
            if index < 0 or not self._enabled(index):
                index = self.combo_target.findData("local:auto")
            self.combo_target.setCurrentIndex(index)
            self.spin_interval.setValue(config.interval)
            self.spin_duration.setValue(round(config.duration))
            chart = self.combo_chart.findData(config.chart)
            self.combo_chart.setCurrentIndex(max(0, chart))
        finally:
            self._quiet = False

    def lang(self) -> str:
        return self.combo_lang.currentData() or "d"

    def set_lang(self, lang: str) -> None:
        """Show ``lang`` without emitting ``langChanged``."""
        index = self.combo_lang.findData("bpftrace" if lang in ("bpftrace", "bt") else "d")
        self.combo_lang.blockSignals(True)
        self.combo_lang.setCurrentIndex(index)
        self.combo_lang.blockSignals(False)

    def set_remote_hosts(self, hosts: list[str]) -> None:
        """The remote hosts offered as targets (from the main window)."""
        current = self.combo_target.currentData()
        self._hosts = list(dict.fromkeys(h for h in hosts if h))
        self._quiet = True
        try:
            self._fill_targets()
            index = self.combo_target.findData(current)
            self.combo_target.setCurrentIndex(index if index >= 0 and self._enabled(index) else 0)
        finally:
            self._quiet = False
        if self.combo_target.currentData() != current:
            self.changed.emit()

    def remote_hosts(self) -> list[str]:
        return list(self._hosts)

    def target_keys(self) -> list[str]:
        """Every target's key (``local:auto``, ``local:bpftrace``, ``remote:HOST``...), enabled or not."""
        return [
            self.combo_target.itemData(i)
            for i in range(self.combo_target.count())
            if self.combo_target.itemData(i)
        ]

    # -- private -------------------------------------------------------------------------------------
    def _emit_changed(self, *_args: object) -> None:
        if not self._quiet:
            self.changed.emit()

    def _enabled(self, index: int) -> bool:
        item = self._target_item(index)
        return item is None or item.isEnabled()

    def _target_item(self, index: int) -> QStandardItem | None:
        """The target combo's item at ``index`` (its model is the default QStandardItemModel)."""
        model = self.combo_target.model()
        return model.item(index) if isinstance(model, QStandardItemModel) else None

    def _fill_targets(self) -> None:
        combo = self.combo_target
        combo.blockSignals(True)
        combo.clear()
        bpftrace_problem = local_backend_problem("bpftrace")
        resolved = "bpftrace" if bpftrace_problem is None else "the sampler"
        if not sys.platform.startswith("linux") and local_backend_problem("dtrace") is None:
            resolved = "DTrace"
        self._add_target(
            "This machine (auto)",
            "local:auto",
            f"Runs here with the best tracer available: {resolved} "
            "(bpftrace when installed and root, DTrace where it exists, else the sampler)",
        )
        self._add_target(
            "This machine: bpftrace",
            "local:bpftrace",
            "bpftrace here (a D script is translated first)",
            bpftrace_problem,
        )
        if not sys.platform.startswith("linux"):
            self._add_target(
                "This machine: DTrace",
                "local:dtrace",
                "DTrace here (D scripts)",
                local_backend_problem("dtrace"),
            )
        self._add_target(
            "This machine: sampler",
            "local:sampler",
            "The unprivileged psutil sampler (no root; it runs no script: it samples every "
            "process's CPU time, I/O, context switches and memory)",
        )
        if self._hosts:
            combo.insertSeparator(combo.count())
            problem = (
                None
                if control_available()
                else "remote runs need suricate_desktop.transport.control, which is not installed"
            )
            for host in self._hosts:
                self._add_target(
                    f"{host} (remote agent)",
                    f"remote:{host}",
                    f"Run on {host}'s agent; its snapshots come back through the broker",
                    problem,
                )
        combo.setCurrentIndex(0)
        combo.blockSignals(False)

    def _add_target(self, text: str, key: str, tip: str, problem: str | None = None) -> None:
        combo = self.combo_target
        combo.addItem(text + (f"  ({problem})" if problem else ""), key)
        index = combo.count() - 1
        combo.setItemData(index, problem or tip, Qt.ItemDataRole.ToolTipRole)
        item = self._target_item(index) if problem else None
        if item is not None:
            item.setEnabled(False)


#: The form's fields, by objectName (a loaded form missing one is built in code instead).
_FIELDS = ("combo_lang", "combo_target", "spin_interval", "spin_duration", "combo_chart")


def _build_form(parent: QWidget | None) -> QWidget:
    """The same form as ui/run_options.ui, built in code (when the ui folder is not shipped)."""
    form = QWidget(parent)
    form.setObjectName("RunOptions")
    row = QHBoxLayout(form)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)

    def add(label: str, widget: QWidget, name: str) -> None:
        widget.setObjectName(name)
        lab = QLabel(label)
        lab.setBuddy(widget)
        row.addWidget(lab)
        row.addWidget(widget)

    lang = QComboBox()
    lang.addItems(["D", "bpftrace"])
    add("&Language", lang, "combo_lang")
    row.addSpacing(10)
    target = QComboBox()
    target.setMinimumContentsLength(22)
    target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    add("&Target", target, "combo_target")
    interval = QDoubleSpinBox()
    interval.setSuffix(" s")
    interval.setDecimals(1)
    interval.setRange(0.1, 3600.0)
    interval.setSingleStep(0.5)
    interval.setValue(1.0)
    add("&Interval", interval, "spin_interval")
    duration = QSpinBox()
    duration.setRange(0, 604800)
    duration.setSingleStep(5)
    duration.setSuffix(" s")
    duration.setSpecialValueText("until stopped")
    add("&Duration", duration, "spin_duration")
    add("&Chart", QComboBox(), "combo_chart")
    row.addStretch(1)
    return form


class _FlowLayout(QLayout):
    """Items left to right, wrapping onto the next line when the width runs out (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, hspacing: int = 12, vspacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._hspacing = hspacing
        self._vspacing = vspacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """One line of everything."""
        hints = [it.sizeHint() for it in self._items]
        if not hints:
            return QSize(0, 0)
        return QSize(
            sum(h.width() for h in hints) + self._hspacing * (len(hints) - 1), max(h.height() for h in hints)
        )

    def minimumSize(self) -> QSize:
        size = QSize(0, 0)
        for it in self._items:
            size = size.expandedTo(it.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for it in self._items:
            w = it.widget()
            parent = w.parentWidget() if w is not None else None
            if w is not None and parent is not None and not w.isVisibleTo(parent):
                continue
            hint = it.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x = rect.x()
                y += line_height + self._vspacing
                line_height = 0
            if move:
                it.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._hspacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()
