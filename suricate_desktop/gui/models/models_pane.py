"""The Models pane: every attached model, its stream, threshold, last score and anomalies.

Check a model to score it, uncheck to pause it; double-click its threshold to change it;
double-click elsewhere to plot its stream. Buttons: learn a new baseline, refit now, detach
(stop scoring, keep its files), delete (its files too), attach a saved model. Rows follow the
manager's ``changed`` signal, which comes at most once a poll (a second) per model.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QMessageBox,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .detector_params import detector_figures
from .overlay import describe_keys

COLUMNS = ["Model", "Stream", "Detector", "Threshold", "Last score", "Anomalies", "Update"]
THRESHOLD_COLUMN = 3
MODEL_ROLE = Qt.ItemDataRole.UserRole + 1


class ModelsPane(QWidget):
    learnRequested = Signal()
    attachRequested = Signal()
    plotRequested = Signal(object, tuple)  # (Source, stream)

    def __init__(self, manager, parent=None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for col, width in enumerate((150, 240, 80, 80, 90, 220)):
            self.tree.setColumnWidth(col, width)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemSelectionChanged.connect(self._sync_actions)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.learn_action = self._action(
            "Learn…", "Learn a baseline of a stream (Ctrl+Shift+L)", self.learnRequested.emit
        )
        self.refit_action = self._action(
            "Refit now",
            "Refit the selected model on its sliding window, maintenance and expected spans left out",
            self._refit,
        )
        self.detach_action = self._action(
            "Detach",
            "Stop scoring the selected model and take it off its stream "
            "(its files stay in the models folder)",
            self._detach,
        )
        self.delete_action = self._action(
            "Delete…", "Detach the selected model and delete its files", self._delete
        )
        self.attach_action = self._action(
            "Attach saved…", "Attach a model saved in the models folder", self.attachRequested.emit
        )
        for action in (self.refit_action, self.detach_action, self.delete_action):
            self.tree.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tree)
        self._items: dict[int, QTreeWidgetItem] = {}
        manager.attached.connect(self._attached)
        manager.detached.connect(self._detached)
        manager.changed.connect(self.update_row)
        for model in manager.models:
            self._attached(model)
        self._sync_actions()

    def _action(self, text: str, tip: str, slot) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def selected(self):
        items = self.tree.selectedItems()
        return items[0].data(0, MODEL_ROLE) if items else None

    def select(self, model) -> None:
        item = self._items.get(id(model))
        if item is not None:
            self.tree.setCurrentItem(item)

    def _sync_actions(self) -> None:
        on = self.selected() is not None
        for action in (self.refit_action, self.detach_action, self.delete_action):
            action.setEnabled(on)

    # -- rows ------------------------------------------------------------------------------------------------------------
    def _attached(self, model) -> None:
        self.tree.blockSignals(True)  # a new item's flags and check state are not the user's choice
        item = QTreeWidgetItem(self.tree)
        item.setData(0, MODEL_ROLE, model)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        # what its detector measured held out: fixed for the model's life, so set once, not on every score
        item.setToolTip(2, detector_figures(model.detector) or model.detector)
        self.tree.blockSignals(False)
        self._items[id(model)] = item
        self.update_row(model)
        self.tree.setCurrentItem(item)

    def _detached(self, model) -> None:
        item = self._items.pop(id(model), None)
        if item is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self._sync_actions()

    def row_text(self, model) -> list[str]:
        last = model.last_score
        newest = next(reversed(model.anomalies.values()), None)
        anomalies = f"{len(model.anomalies)}" + (
            f" · last: {describe_keys(newest.keys, newest.reasons, 1)}" if newest else ""
        )
        policy = model.scorer.policy
        update = "continuous" if policy == "online" else f"refit every {model.scorer.refit_every}"
        streams = " + ".join(".".join(s) for s in model.streams)
        return [
            model.name,
            f"{streams} · {model.source_name or 'waits for a source with its stream'}",
            model.description or model.detector,
            f"{model.threshold:g}",
            model.state if model.state != "scoring" or last is None else f"{last:.2f}",
            anomalies,
            update,
        ]

    def update_row(self, model) -> None:
        item = self._items.get(id(model))
        if item is None:
            return
        self.tree.blockSignals(True)
        for col, text in enumerate(self.row_text(model)):
            item.setText(col, text)
        item.setCheckState(0, Qt.CheckState.Checked if model.enabled else Qt.CheckState.Unchecked)
        over = model.last_score is not None and model.last_score >= model.threshold
        item.setForeground(4, Qt.GlobalColor.red if over else Qt.GlobalColor.black)
        item.setToolTip(
            0,
            f"{model.name}: {model.features}; trained on "
            f"{_window_text(model.training_window)}. Uncheck to pause scoring.",
        )
        item.setToolTip(4, model.error or "The newest interval's score (the largest of its keys')")
        self.tree.blockSignals(False)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        model = item.data(0, MODEL_ROLE)
        if model is None:
            return
        if column == 0:
            enabled = item.checkState(0) == Qt.CheckState.Checked
            if enabled != model.enabled:
                self.manager.set_enabled(model, enabled)

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        model = item.data(0, MODEL_ROLE)
        if model is None:
            return
        if column == THRESHOLD_COLUMN:
            value, ok = QInputDialog.getDouble(
                self, "Threshold", f"Alarm threshold of {model.name}:", model.threshold, 0.0, 1e9, 3
            )
            if ok:
                self.manager.set_threshold(model, value)
        elif model.source is not None:
            self.plotRequested.emit(model.source, model.stream)

    # -- actions ---------------------------------------------------------------------------------------------------------
    def _refit(self) -> None:
        model = self.selected()
        if model is not None:
            self.manager.refit(model)

    def _detach(self) -> None:
        model = self.selected()
        if model is not None:
            self.manager.detach(model)

    def _delete(self) -> None:
        model = self.selected()
        if model is None:
            return
        answer = QMessageBox.question(
            self, "Delete model", f"Delete {model.name} and its files from {self.manager.registry.root}?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.manager.delete(model)


def _window_text(window) -> str:
    if not window:
        return "an unknown window"
    from datetime import datetime

    a, b = (datetime.fromtimestamp(float(x)).strftime("%Y-%m-%d %H:%M:%S") for x in window[:2])
    return f"{a} → {b}"
