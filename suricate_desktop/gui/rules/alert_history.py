"""The alert history: one row per firing, newest first, with what caused it and what was done about it.

Each firing (an alert id) is a row: when it fired, the rule, the series, its state now, the value and score
that fired it, and its actions' outcome; its children are the events in order: transitions with their values,
every action attempt with its result (exit code, output, HTTP status, the drill-down recording), the
acknowledgement and its comment, silences. The user acknowledges (with a comment, held until the alert
resolves), silences (for a period or until it resolves) and lifts silences from here; the widget only says
so (signals), the panel hands it to the engine's thread.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .style import STATE_COLOURS, fmt_number, severity_colour, when

MAX_ALERTS = 500  # rows kept; the oldest go first (the history file keeps everything)
MAX_EVENTS_PER_ALERT = 200
SILENCES = (
    ("For 15 minutes", 900.0),
    ("For 1 hour", 3600.0),
    ("For 4 hours", 14400.0),
    ("Until it resolves", None),
)
COLUMNS = ("Fired", "Rule", "Series", "State", "Value", "Score", "Actions")


@dataclass
class AlertEntry:
    """One firing as the history shows it."""

    id: str
    rule: str = ""
    severity: str = ""
    series: str = ""
    stream: tuple = ()
    key: str = ""
    fired: float | None = None
    resolved: float | None = None
    state: str = "firing"
    value: float | None = None
    score: float | None = None
    reason: str = ""  # what the model scorer said made the row unusual ("stopped")
    comment: str = ""
    test: bool = False
    events: list = field(default_factory=list)

    def action_summary(self) -> str:
        last: dict[str, str] = {}
        for e in self.events:
            if e.get("event") == "action":
                last[e.get("action", "?")] = e.get("status", "?")
        return " · ".join(f"{a} {s}" for a, s in last.items())

    def captures(self) -> list[str]:
        """Recordings that drill-down actions made for this alert."""
        return [
            e["result"]["recording"]
            for e in self.events
            if e.get("event") == "action"
            and isinstance(e.get("result"), dict)
            and e["result"].get("recording")
        ]


class AlertTimeline(QWidget):
    acknowledgeRequested = Signal(object, str)  # AlertEntry, comment
    silenceRequested = Signal(object, object)  # AlertEntry, seconds or None (until it resolves)
    unsilenceRequested = Signal(object)  # AlertEntry
    openCaptureRequested = Signal(str)  # a drill-down recording's folder
    changed = Signal()  # entries were added or changed (the plot marks follow)

    def __init__(self, parent=None, read_only: bool = False):
        super().__init__(parent)
        self.entries: dict[str, AlertEntry] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemSelectionChanged.connect(self._sync_buttons)
        self.tree.header().setStretchLastSection(True)  # the others fit their contents as rows come
        self.tree.itemExpanded.connect(lambda _item: self._fit_columns())  # its events, in sight now
        self.ack_button = _tool_button(
            "Acknowledge…", "Acknowledge the selected alert with a comment (held until it resolves)"
        )
        self.ack_button.clicked.connect(self._ask_acknowledge)
        self.silence_button = _tool_button("Silence", "Hold the selected alert's notifications and actions")
        self.silence_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.silence_button)
        for text, seconds in SILENCES:
            menu.addAction(text, functools.partial(self._silence_selected, seconds))
        self.silence_button.setMenu(menu)
        self.unsilence_button = _tool_button("Unsilence", "Lift the silences of the selected alert's rule")
        self.unsilence_button.clicked.connect(lambda: self._with_selected(self.unsilenceRequested.emit))
        self.capture_button = _tool_button(
            "Open capture", "Open the recording a drill-down trace made for this alert"
        )
        self.capture_button.clicked.connect(self._open_capture)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #57606a")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for button in (self.ack_button, self.silence_button, self.unsilence_button, self.capture_button):
            bar.addWidget(button)
            button.setVisible(not read_only)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        self._sync_buttons()
        self._update_summary()

    # -- feeding -----------------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.entries.clear()
        self._items.clear()
        self.tree.clear()
        self._sync_buttons()
        self._update_summary()

    def add_events(self, events: list[dict]) -> None:
        touched: set[str] = set()
        for event in events:
            touched.update(self._take(event))
        for ident in touched:
            if ident in self.entries:
                self._show(self.entries[ident])
        while len(self.entries) > MAX_ALERTS:
            oldest = min(self.entries.values(), key=lambda e: e.fired or 0.0)
            self.entries.pop(oldest.id)
            item = self._items.pop(oldest.id)
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        if touched:
            self._sync_buttons()
            self._update_summary()
            self._fit_columns()
            self.changed.emit()

    def _fit_columns(self) -> None:
        """Each column but the last (Actions) as wide as its header and its widest row: no state is cut."""
        for col in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(col)

    def _take(self, event: dict) -> list[str]:
        kind = event.get("event")
        if kind == "silence" or kind == "unsilence":
            out = []
            for entry in self.entries.values():
                if entry.rule == event.get("rule") and entry.resolved is None and not entry.test:
                    if kind == "silence" and event.get("key") not in (None, entry.key):
                        continue
                    self._append(entry, event)
                    out.append(entry.id)
            return out
        ident = event.get("alert")
        if not ident or kind not in ("transition", "action", "ack"):
            return []
        if kind == "transition" and not event.get("change") and event.get("phase") != "firing":
            return []  # a series becoming pending again after a resolve is not part of that firing
        found = self.entries.get(ident)
        if found is None:
            entry = self.entries[ident] = AlertEntry(ident, test=event.get("on") == "test")
        else:
            entry = found
        for name in ("rule", "severity", "series"):
            if event.get(name):
                setattr(entry, name, event[name])
        if event.get("stream"):
            entry.stream, entry.key = tuple(event["stream"]), event.get("key", "")
        ts = event.get("ts", event.get("started"))
        if kind == "transition":
            entry.state = event.get("state", entry.state)
            if event.get("change") == "firing":
                entry.fired, entry.value, entry.score, entry.resolved = (
                    ts,
                    event.get("value"),
                    event.get("score"),
                    None,
                )
                entry.reason = str(event.get("reason") or "")
            elif event.get("change") == "resolved":
                entry.resolved = ts
        elif kind == "ack":
            entry.comment = event.get("comment", "")
        elif entry.fired is None and entry.test:
            entry.fired, entry.state = ts, "test"
        self._append(entry, event)
        return [ident]

    def _append(self, entry: AlertEntry, event: dict) -> None:
        if len(entry.events) < MAX_EVENTS_PER_ALERT:
            entry.events.append(event)

    # -- showing -----------------------------------------------------------------------------------------------------
    def _show(self, entry: AlertEntry) -> None:
        item = self._items.get(entry.id)
        if item is None:
            item = self._items[entry.id] = QTreeWidgetItem()
            item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
            # newest first: a new firing goes above the first row that fired before it
            at = 0
            while at < self.tree.topLevelItemCount():
                top = self.tree.topLevelItem(at)
                other = self.entries.get(top.data(0, Qt.ItemDataRole.UserRole)) if top is not None else None
                if other is None or (other.fired or 0.0) <= (entry.fired or 0.0):
                    break
                at += 1
            self.tree.insertTopLevelItem(at, item)
        rule = entry.rule + (" (test now)" if entry.test else "")
        texts = (
            when(entry.fired),
            rule,
            entry.series,
            entry.state,
            fmt_number(entry.value) if entry.value is not None else "–",
            (fmt_number(entry.score) + (f" {entry.reason}" if entry.reason else ""))
            if entry.score is not None
            else "–",
            entry.action_summary(),
        )
        for col, text in enumerate(texts):
            item.setText(col, text)
        item.setForeground(1, QBrush(QColor(severity_colour(entry.severity))))
        item.setForeground(3, QBrush(QColor(STATE_COLOURS.get(entry.state, "#57606a"))))
        bold = QFont(item.font(3))
        bold.setBold(entry.state in ("firing", "acknowledged") and entry.resolved is None)
        item.setFont(3, bold)
        tip = (
            entry.series
            + (f"\nwhy: {entry.reason}" if entry.reason else "")
            + (f"\nacknowledged: {entry.comment}" if entry.comment else "")
        )
        for col in range(len(COLUMNS)):
            item.setToolTip(col, tip)
        while item.childCount() > len(entry.events):
            item.takeChild(item.childCount() - 1)
        for i, event in enumerate(entry.events):
            child = item.child(i) if i < item.childCount() else None
            if child is None:
                child = QTreeWidgetItem(item)
            when_text, what, detail = describe_event(event)
            child.setText(0, when_text)
            child.setText(1, what)
            child.setText(2, detail)
            child.setToolTip(2, detail)

    def _update_summary(self) -> None:
        firing = sum(
            1
            for e in self.entries.values()
            if e.resolved is None and not e.test and e.state in ("firing", "acknowledged", "silenced")
        )
        self.summary.setText(f"{firing} open · {len(self.entries)} in the history")

    # -- the user's side ---------------------------------------------------------------------------------------------
    def selected(self) -> AlertEntry | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return self.entries.get(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def select(self, ident: str) -> None:
        item = self._items.get(ident)
        if item is not None:
            self.tree.setCurrentItem(item)

    def acknowledge(self, entry: AlertEntry, comment: str) -> None:
        self.acknowledgeRequested.emit(entry, comment)

    def _ask_acknowledge(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        comment, ok = QInputDialog.getText(
            self,
            "Acknowledge alert",
            f"{entry.rule} on {entry.series}\nComment (who is on it, why):",
            text=entry.comment,
        )
        if ok:
            self.acknowledge(entry, comment.strip())

    def _silence_selected(self, seconds: float | None) -> None:
        self._with_selected(lambda entry: self.silenceRequested.emit(entry, seconds))

    def _with_selected(self, fn) -> None:
        entry = self.selected()
        if entry is not None:
            fn(entry)

    def _open_capture(self) -> None:
        entry = self.selected()
        if entry is not None and entry.captures():
            self.openCaptureRequested.emit(entry.captures()[-1])

    def _sync_buttons(self) -> None:
        entry = self.selected()
        open_ = entry is not None and entry.resolved is None and not entry.test
        self.ack_button.setEnabled(entry is not None and open_ and entry.state in ("firing", "silenced"))
        self.silence_button.setEnabled(open_)
        self.unsilence_button.setEnabled(entry is not None and not entry.test)
        self.capture_button.setEnabled(entry is not None and bool(entry.captures()))


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button


def describe_event(event: dict) -> tuple[str, str, str]:
    """(time, what, detail) of one event, as a child row of its firing."""
    kind = event.get("event")
    ts = event.get("ts", event.get("started"))
    if kind == "transition":
        parts = []
        for name in ("value", "score", "measured"):
            if event.get(name) is not None:
                parts.append(f"{name} {fmt_number(event[name])}")
        if event.get("flapping"):
            parts.append("flapping: actions held")
        return when(ts), event.get("state", ""), " · ".join(parts)
    if kind == "action":
        status = event.get("status", "")
        detail = []
        given = event.get("result")
        result: dict[str, Any] = given if isinstance(given, dict) else {}
        if "exit" in result:
            detail.append(f"exit {result['exit']}")
        if event.get("action") == "webhook" and "status" in result:
            detail.append(f"HTTP {result['status']}")
        if event.get("error"):
            detail.append(str(event["error"]))
        if event.get("retry_in") is not None:
            detail.append(f"again in {fmt_number(event['retry_in'])} s")
        if result.get("recording"):
            detail.append(f"recording {result['recording']}")
        for name in ("stdout", "stderr"):
            text = (result.get(name) or "").strip()
            if text:
                detail.append(f"{name}: {text.splitlines()[-1][:200]}")
        if not detail:
            if event.get("args"):
                detail.append(" ".join(event["args"]))
            elif event.get("url"):
                detail.append(event["url"])
            elif event.get("routing_key"):
                detail.append(f"{event.get('exchange')} {event['routing_key']}")
        return when(ts), f"{event.get('action')} {status}", " · ".join(detail)
    if kind == "ack":
        return when(ts), "acknowledged", event.get("comment") or "(no comment)"
    if kind == "silence":
        until = event.get("until")
        return when(ts), "silenced", "until it resolves" if until is None else f"until {when(until)}"
    if kind == "unsilence":
        return when(ts), "unsilenced", ""
    return when(ts), str(kind), ""
