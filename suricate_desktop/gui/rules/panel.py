"""The rules panel: the rules of the workspace's rules file, their state, and what the user does with them.

It lists each rule with its state (the worst of its series), last value and last firing; switches rules on
and off; edits one in a dialog that validates as you type; deletes; undoes the last change; runs a rule's
actions once for real ("Test now"); backtests the rules on an open recording; and follows the file when it
changes on disk. Every change is a text edit of the TOML file in place (``rules.edit``), so the file stays
the user's: readable, diffable, comments kept. A rule that does not validate is listed with its line and
the others keep running.

The engine runs in its own thread (``feed.RulesFeed``), fed by the stores of the live sources (embedded
sampler, brokers, runs); an open recording is not fed live (its time jumps with every seek) but can be
backtested. This widget only reads what the engine thread publishes, on timers.

Rules of type ``score`` and ``anomaly_rate`` may use ``scorer = "model:NAME"``: NAME is a model of
the workspace's model registry, the Models dock's folder (``use_model_registry``); the panel reloads
those models whenever the Models dock saves or deletes one or the workspace changes folder, so a rule
scores with the model as last saved. They are read in a thread of their own (``rule_models``), as a large
one takes seconds, and only those whose files changed.

Next to the rules file: ``<name>.history.jsonl`` (every alert event) and ``<name>.alerts.json`` (alert
states: acknowledged with a comment, silenced, firing), so a restart loses neither.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...rules import ActionRunner, AlertHistory, Engine, Rule, RuleSet, loads
from ...rules import edit as rules_edit
from ...rules.feed import RulesFeed
from ...store.live import LiveStore
from ..sources.base import Source
from ..sources.broker import BrokerSource
from ..sources.recording import RecordingSource
from .alert_history import AlertTimeline
from .backtest import BacktestDialog, BacktestJob
from .dialog import NEW_RULE, RuleEditDialog
from .marks import PlotMarks
from .notify import TrayNotifier
from .rule_models import RuleModels
from .style import STATE_COLOURS, fmt_number, severity_colour, when

if TYPE_CHECKING:
    from ...analytics.registry import ModelRegistry

EVENTS_MS = 200
SLOW_MS = 1000
MAX_UNDO = 50
COLUMNS = ("On", "Rule", "Severity", "Condition", "State", "Last value", "Last firing", "Series")
SETTINGS_KEY = "rules/file"


def default_rules_file(settings: QSettings) -> Path:
    """Beside the settings file: the user's own rules when no workspace names a file."""
    return Path(settings.fileName()).parent / "rules.toml"


def companion(path: Path, suffix: str) -> Path:
    """``rules.toml`` → ``rules.history.jsonl`` / ``rules.alerts.json``."""
    return path.with_name(path.stem + suffix)


def condition_text(rule: Rule) -> str:
    if rule.type == "silence":
        what = f"silent > {fmt_number(rule.threshold)} s"
    elif rule.type == "score":
        what = f"score({rule.scorer}) {rule.op} {fmt_number(rule.threshold)}"
    elif rule.type == "anomaly_rate":
        what = (
            f"anomaly rate({rule.scorer} > {fmt_number(rule.score_threshold)}) {rule.op} {rule.threshold:.0%}"
        )
    elif rule.type == "rate":
        what = f"rate {rule.op} {fmt_number(rule.threshold)}/s"
    else:
        what = f"{rule.op} {fmt_number(rule.threshold)}"
    if rule.for_:
        what += f" for {fmt_number(rule.for_)} s"
    return what


class RulesPanel(QWidget):
    message = Signal(str)
    openRecordingRequested = Signal(str)
    showHistoryRequested = Signal()

    def __init__(self, registry, dashboard, settings: QSettings, parent=None):
        super().__init__(parent)
        self.registry = registry
        self.dashboard = dashboard
        self.settings = settings
        self.path: Path = Path(settings.value(SETTINGS_KEY) or default_rules_file(settings))
        self.text = ""
        self.ruleset = RuleSet()
        self._feed: RulesFeed | None = None  # load_file (below) starts one
        self._mtime = 0.0
        self._undo: list[str] = []
        self._stores: dict[int, LiveStore] = {}  # id(source) -> the store the feed is subscribed to
        #: The broker sources, oldest first; replaced whole (never changed in place) on the GUI thread, so
        #: the action threads that ``_route`` runs on read a list that does not move under them.
        self._brokers: tuple[BrokerSource, ...] = ()
        #: () -> the workspace's ModelRegistry, once the Models dock hands it over
        self._model_registry: Callable[[], ModelRegistry | None] | None = None
        self.models = RuleModels()  # the rules' model:NAME scorers, read in their own thread
        self._shown_states: dict = {}
        self.backtest_dialog: BacktestDialog | None = None
        self.timeline = AlertTimeline()
        self.timeline.acknowledgeRequested.connect(self.acknowledge)
        self.timeline.silenceRequested.connect(self.silence)
        self.timeline.unsilenceRequested.connect(lambda entry: self.unsilence(entry.rule))
        self.timeline.openCaptureRequested.connect(self.openRecordingRequested)
        self.marks = PlotMarks(dashboard)
        self.timeline.changed.connect(lambda: self.marks.set_live(self.timeline.entries.values()))
        self.notifier = TrayNotifier(self)
        self.notifier.message.connect(self.message)
        self.notifier.activated.connect(self.showHistoryRequested)
        self._build_ui()
        self.load_file(self.path)
        registry.added.connect(self._on_source_added)
        registry.removed.connect(self._on_source_removed)
        for source in registry:
            self._on_source_added(source)
        self._events_timer = QTimer(self)
        self._events_timer.setInterval(EVENTS_MS)
        self._events_timer.timeout.connect(self.take_events)
        self._slow_timer = QTimer(self)
        self._slow_timer.setInterval(SLOW_MS)
        self._slow_timer.timeout.connect(self.slow_refresh)
        self._events_timer.start()
        self._slow_timer.start()

    # -- layout ------------------------------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.new_action = self._action(
            "&New rule…", self.new_rule, "Ctrl+Alt+R", "Add a rule to the rules file"
        )
        self.edit_action = self._action(
            "&Edit rule…", self.edit_selected, "F2", "Edit the selected rule's TOML", panel_only=True
        )
        self.delete_action = self._action(
            "&Delete rule",
            self.delete_selected,
            QKeySequence.StandardKey.Delete,
            "Remove the selected rule from the file",
            panel_only=True,
        )
        self.test_action = self._action(
            "&Test now",
            self.test_selected,
            "Ctrl+Alt+T",
            "Run the selected rule's actions once, for real, on a test alert",
        )
        self.backtest_action = self._action(
            "&Backtest on recording…",
            self.backtest,
            "Ctrl+Alt+B",
            "Replay an open recording through the rules: when would they have fired?",
        )
        self.undo_action = self._action(
            "&Undo last change",
            self.undo,
            QKeySequence.StandardKey.Undo,
            "Put the rules file back as it was before the last change",
            panel_only=True,
        )
        self.open_action = self._action(
            "&Choose rules file…", self.choose_file, None, "Open another rules file, or name a new one"
        )
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.edit_action, self.delete_action, self.test_action):
            toolbar.addAction(action)
        # The less-used ones in a menu, so that the bar fits a half-width dock without a ">>".
        more = QToolButton()
        more.setObjectName("rules-more-button")
        more.setText("More")
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more_menu = QMenu(more)
        for action in (self.backtest_action, self.undo_action, self.open_action):
            more_menu.addAction(action)
        more.setMenu(more_menu)
        toolbar.addWidget(more)
        self.file_label = QLabel()
        self.file_label.setStyleSheet("color: #57606a")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_hint = QLabel()
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #57606a; padding: 8px")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # Interactive, fitted to the contents whenever they change (``_fit_columns``): no state or value cut.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._sync_actions)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.edit_action, self.test_action, self.delete_action):
            self.table.addAction(action)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(90)
        self.problems.itemActivated.connect(self._edit_problem)
        self.problems.itemDoubleClicked.connect(self._edit_problem)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.problems)
        split.setStretchFactor(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.file_label)
        layout.addWidget(self.empty_hint)
        layout.addWidget(split, 1)

    def _action(self, text: str, slot, shortcut, tip: str, panel_only: bool = False) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if panel_only:  # Delete, F2 and Ctrl+Z mean something else in the editor: here only while focused
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def menu(self, parent=None) -> QMenu:
        """The window's Rules menu."""
        menu = QMenu("&Rules", parent)
        for action in (
            self.new_action,
            self.edit_action,
            self.delete_action,
            self.test_action,
            None,
            self.backtest_action,
            None,
            self.undo_action,
            self.open_action,
        ):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    @property
    def feed(self) -> RulesFeed:
        """The engine's thread for the file loaded (``__init__`` loads one)."""
        assert self._feed is not None, "no rules file loaded yet"
        return self._feed

    # -- the file ----------------------------------------------------------------------------------------------------
    def load_file(self, path: str | Path) -> None:
        """Watch ``path`` (it may not exist yet): a fresh engine with its history and alert states."""
        path = Path(path)
        if self._feed is not None:
            old = self._feed
            for store in self._stores.values():
                store.unsubscribe(old.put)
            old.close()
        self.path = path
        self.settings.setValue(SETTINGS_KEY, str(path))
        self.text = self._read()
        self._mtime = _mtime(path)
        self._undo.clear()
        self._register_models()
        self.ruleset = loads(self.text, str(path))
        engine = Engine(self.ruleset, history=AlertHistory(companion(path, ".history.jsonl")))
        broker = next((s for s in self.registry if s.kind == "broker"), None)
        engine.runner = ActionRunner(
            engine.action_result,
            broker=getattr(broker, "url", None),
            exchange=getattr(broker, "exchange", "suricate"),
            tls_ca=getattr(broker, "tls_ca", None),
            route=self._route,
            captures=path.parent / "captures",
        )
        feed = self._feed = RulesFeed(engine, companion(path, ".alerts.json"))
        for store in self._stores.values():
            store.subscribe(feed.put)
        self.timeline.clear()
        self.timeline.add_events(engine.history.events())
        if feed.state_error:
            self.message.emit(feed.state_error)
        self._shown_states = {}
        self._fill_table()

    def use_model_registry(self, registry_of) -> None:
        """Resolve ``model:NAME`` scorers against ``registry_of()`` (the workspace's model registry), now and
        whenever ``models_changed`` is called."""
        self._model_registry = registry_of
        self.models_changed()

    def models_changed(self) -> None:
        """The registry's models changed (saved, deleted, another folder): reload them and re-check the rules,
        so a rule scores with the model as saved, and a rule whose model is gone says so at its line."""
        self._register_models()
        if self._feed is not None:
            self._take_rules(self.text)

    def _register_models(self) -> None:
        """Read the registry's models as scorers ``model:NAME`` (as ``suricate rules run --models`` does with a
        folder), in the ``rule-models`` thread; ``take_events`` takes them in (``rule_models``)."""
        self.models.reload(self._model_registry() if self._model_registry is not None else None)

    def _take_models(self) -> None:
        """The rules' models, once read: registered, what could not be read said, and the rules checked again."""
        problems = self.models.take()
        if problems is None:
            return
        for problem in problems:
            self.message.emit(problem)
        if self._feed is not None:
            self._take_rules(self.text)

    def _read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""
        except OSError as exc:
            self.message.emit(f"Cannot read {self.path}: {exc.strerror or exc}")
            return ""

    def apply_text(self, text: str, what: str) -> bool:
        """Write the file (atomically), keep the old text for Undo, and hand the rules to the engine."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            QMessageBox.warning(self, "Rules", f"Cannot write {self.path}:\n{exc.strerror or exc}")
            return False
        self._undo = [*self._undo, self.text][-MAX_UNDO:]
        self._mtime = _mtime(self.path)
        self._take_rules(text)
        self.message.emit(what)
        return True

    def _take_rules(self, text: str) -> None:
        self.text = text
        ruleset = self.ruleset = loads(text, str(self.path))
        self.feed.call(lambda engine: engine.set_rules(ruleset))
        self._fill_table()

    def undo(self) -> None:
        if self._undo:
            previous = self._undo.pop()
            undo = self._undo
            if self.apply_text(previous, f"Undid the last change to {self.path.name}"):
                self._undo = undo  # undoing is not itself undone
            self._sync_actions()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Rules file (an existing one, or a new name)",
            str(self.path),
            "Rules (*.toml)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.load_file(path)

    # -- editing -----------------------------------------------------------------------------------------------------
    def selected_rule(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 1) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_rule(self, name: str | None) -> None:
        for row in range(self.table.rowCount()):
            if self._cell(row, 1).data(Qt.ItemDataRole.UserRole) == name:
                self.table.selectRow(row)
                return

    def new_rule(self) -> None:
        names = {s.name for s in rules_edit.spans(self.text)}
        n = 1
        while f"rule-{n}" in names:
            n += 1
        self._edit(NEW_RULE.format(name=f"rule-{n}"), None)

    def edit_selected(self) -> None:
        name = self.selected_rule()
        if name:
            self.edit_rule(name)

    def edit_rule(self, name: str, line: int | None = None) -> RuleEditDialog | None:
        try:
            chunk = rules_edit.rule_text(self.text, name)
        except KeyError:
            return None
        return self._edit(chunk, name, line)

    def _edit(self, chunk: str, replacing: str | None, line: int | None = None) -> RuleEditDialog:
        dialog = RuleEditDialog(self.text, chunk, replacing, str(self.path), self, line)
        dialog.accepted.connect(lambda: self._edited(dialog))
        dialog.open()
        self.edit_dialog = dialog
        return dialog

    def _edited(self, dialog: RuleEditDialog) -> None:
        verb = "Saved" if dialog.replacing else "Added"
        if self.apply_text(dialog.new_file_text, f"{verb} rule {dialog.rule_name} in {self.path}"):
            self.select_rule(dialog.rule_name)

    def delete_selected(self) -> None:
        name = self.selected_rule()
        if (
            name
            and QMessageBox.question(
                self, "Delete rule", f"Remove rule {name} from {self.path.name}?\n(Undo puts it back.)"
            )
            == QMessageBox.StandardButton.Yes
        ):
            self.delete_rule(name)

    def delete_rule(self, name: str) -> None:
        self.apply_text(rules_edit.remove_rule(self.text, name), f"Removed rule {name}")

    def set_enabled(self, name: str, enabled: bool) -> None:
        self.apply_text(
            rules_edit.set_enabled(self.text, name, enabled),
            f"Rule {name} {'enabled' if enabled else 'disabled'}",
        )

    def _edit_problem(self, item: QListWidgetItem) -> None:
        name, line = item.data(Qt.ItemDataRole.UserRole)
        if name and self.edit_rule(name, line=line) is not None:
            return
        self.message.emit(f"Fix it in {self.path} at line {line} (it has no name the panel can find)")

    # -- the user's side of alerts -----------------------------------------------------------------------------------
    def test_selected(self) -> None:
        name = self.selected_rule()
        if not name:
            return
        rule = next((r for r in self.ruleset if r.name == name), None)
        if rule is None:
            return
        if not rule.actions:
            QMessageBox.information(self, "Test now", f"Rule {name} has no actions to run.")
            return
        kinds = ", ".join(a.type for a in rule.actions)
        if (
            QMessageBox.question(
                self, "Test now", f"Run the actions of {name} ({kinds}) once, for real, on a test alert?"
            )
            == QMessageBox.StandardButton.Yes
        ):
            self.test_now(name)

    def test_now(self, name: str) -> None:
        self.feed.call(lambda engine: engine.test_actions(name))
        self.message.emit(f"Testing {name}: its actions run once; results in the alert history")
        self.showHistoryRequested.emit()

    def acknowledge(self, entry, comment: str) -> None:
        self.feed.call(
            lambda engine: engine.acknowledge(
                entry.rule, key=entry.key, stream=entry.stream or None, comment=comment
            )
        )

    def silence(self, entry, seconds: float | None) -> None:
        def run(engine: Engine) -> None:
            until = None if seconds is None else (engine.store.clock() or time.time()) + seconds
            engine.silence(entry.rule, until=until, key=entry.key, stream=entry.stream or None)

        self.feed.call(run)

    def unsilence(self, rule: str) -> None:
        self.feed.call(lambda engine: engine.unsilence(rule))

    # -- backtest ----------------------------------------------------------------------------------------------------
    def recordings(self) -> list[RecordingSource]:
        return [s for s in self.registry if isinstance(s, RecordingSource)]

    def backtest(self, source: RecordingSource | None = None) -> BacktestDialog | None:
        if source is None:
            recordings = self.recordings()
            if not recordings:
                QMessageBox.information(
                    self,
                    "Backtest",
                    "Open a recording first (File > Open recording); the rules are replayed over all of it.",
                )
                return None
            source = recordings[0]
            if len(recordings) > 1:
                names = [s.name for s in recordings]
                name, ok = QInputDialog.getItem(self, "Backtest", "Recording:", names, 0, False)
                if not ok:
                    return None
                source = recordings[names.index(name)]
        if not self.ruleset.rules:
            QMessageBox.information(self, "Backtest", "There are no rules to backtest yet.")
            return None
        job = BacktestJob(self.ruleset.rules, *source.chunks()).start()
        dialog = BacktestDialog(job, source.name, self)
        dialog.finished_with.connect(
            lambda _job: self.marks.set_backtest(source, dialog.timeline.entries.values())
        )
        dialog.show()
        self.backtest_dialog = dialog
        return dialog

    # -- sources -----------------------------------------------------------------------------------------------------
    def _on_source_added(self, source: Source) -> None:
        if source.kind == "recording":
            return  # backtested on demand, not fed live: its clock jumps with every seek
        self._stores[id(source)] = source.store
        source.store.subscribe(self.feed.put)
        runner = self.feed.engine.runner
        if isinstance(source, BrokerSource):
            self._brokers = (*self._brokers, source)
            if runner is not None and runner.broker is None:
                runner.broker, runner.exchange, runner.tls_ca = source.url, source.exchange, source.tls_ca

    def _route(self, alert: dict) -> tuple[str, str, str | None] | None:
        """The broker source whose streams come from the alert's host (the first such), as (URL, exchange,
        CA); None when no broker source has seen that host. Runs on an action's thread: the sources'
        stores are read under their own locks."""
        host = alert.get("host")
        for source in self._brokers:
            if any(info.stream[0] == host for info in source.store.streams()):
                return source.url, source.exchange, source.tls_ca
        return None

    def _on_source_removed(self, source: Source) -> None:
        self._brokers = tuple(b for b in self._brokers if b is not source)
        store = self._stores.pop(id(source), None)
        if store is not None:
            store.unsubscribe(self.feed.put)
        self.marks.forget(source)

    # -- timers ------------------------------------------------------------------------------------------------------
    def take_events(self) -> None:
        self._take_models()
        events = self.feed.take_events()
        if not events:
            return
        shown, notices = [], []
        for event in events:
            kind = event.get("event")
            if kind == "notify":
                notices.append(event["alert"])
            elif kind == "error":
                self.message.emit(f"Rules: {event['error']}")
            else:
                shown.append(event)
        self.timeline.add_events(shown)
        if notices:
            self.notifier.notify_all(notices)

    def slow_refresh(self) -> None:
        if _mtime(self.path) != self._mtime:
            self._mtime = _mtime(self.path)
            text = self._read()
            if text != self.text:
                self._undo = [*self._undo, self.text][-MAX_UNDO:]
                self._take_rules(text)
                self.message.emit(f"{self.path.name} changed on disk: rules reloaded")
        self._update_states()
        self.marks.apply()
        firing = len([s for s in self.feed.states.values() if s["state"] in ("firing", "acknowledged")])
        self.notifier.set_firing(firing)

    # -- the table ---------------------------------------------------------------------------------------------------
    def _fill_table(self) -> None:
        rules = list(self.ruleset)
        self.table.blockSignals(True)
        try:
            current = self.selected_rule()
            self.table.setRowCount(len(rules))
            for row, rule in enumerate(rules):
                on = QTableWidgetItem()
                on.setFlags(
                    Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                )
                on.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
                on.setToolTip("Evaluate this rule (unchecked: kept in the file, not evaluated)")
                self.table.setItem(row, 0, on)
                name = QTableWidgetItem(rule.name)
                name.setData(Qt.ItemDataRole.UserRole, rule.name)
                name.setToolTip(rule.description or rule.name)
                self.table.setItem(row, 1, name)
                severity = QTableWidgetItem(rule.severity)
                severity.setForeground(QBrush(QColor(severity_colour(rule.severity))))
                self.table.setItem(row, 2, severity)
                where = ".".join((rule.host, rule.source, rule.agg)) + (
                    f"[{rule.key}]" if rule.key != "*" else ""
                )
                condition = QTableWidgetItem(condition_text(rule))
                condition.setToolTip(f"{where}: {condition_text(rule)}")
                self.table.setItem(row, 3, condition)
                for col in range(4, len(COLUMNS)):
                    self.table.setItem(row, col, QTableWidgetItem(""))
            if current:
                self.select_rule(current)
        finally:
            self.table.blockSignals(False)
        self._shown_states = {}
        self._update_states()
        self._fill_problems()
        n = len(rules)
        self.file_label.setText(
            f" {self.path}  ·  {n} rule{'s' if n != 1 else ''}"
            + (f"  ·  {len(self.ruleset.problems)} left out" if self.ruleset.problems else "")
        )
        self.empty_hint.setVisible(not rules)
        self.empty_hint.setText(
            "No rules yet. <b>New rule…</b> (Ctrl+Alt+R) adds one to this file; so does "
            "editing it in any text editor (docs/rules.md)."
        )
        self._sync_actions()

    def _fill_problems(self) -> None:
        self.problems.clear()
        spans = rules_edit.spans(self.text)
        for p in self.ruleset.problems:
            owner = next((s for s in spans if s.start < p.line <= s.end), None)
            item = QListWidgetItem(
                f"line {p.line}: {p.message}"
                + (f"  (rule {owner.name}, not running)" if owner and owner.name else "")
            )
            item.setForeground(QColor("#cf222e"))
            item.setToolTip(f"{p}\nDouble-click to fix it")
            item.setData(
                Qt.ItemDataRole.UserRole,
                (owner.name if owner else None, p.line - owner.start if owner else p.line),
            )
            self.problems.addItem(item)
        self.problems.setVisible(bool(self.ruleset.problems))

    def _update_states(self) -> None:
        states = self.feed.states
        changed = False
        self.table.blockSignals(True)
        try:
            for row in range(self.table.rowCount()):
                name = self._cell(row, 1).data(Qt.ItemDataRole.UserRole)
                rule = next((r for r in self.ruleset.rules if r.name == name), None)
                info = states.get(name)
                shown = (
                    rule.enabled if rule else None,
                    None
                    if info is None
                    else (
                        info["state"],
                        info["last_value"],
                        info.get("last_series"),
                        info["last_fired"],
                        tuple(sorted(info["counts"].items())),
                    ),
                )
                if self._shown_states.get(name) == shown:
                    continue
                self._shown_states[name] = shown
                changed = True
                state = (
                    "disabled" if rule is not None and not rule.enabled else (info or {}).get("state", "ok")
                )
                item = self._cell(row, 4)
                item.setText(state)
                item.setForeground(QBrush(QColor(STATE_COLOURS.get(state, "#57606a"))))
                font = item.font()
                font.setBold(state in ("firing", "pending"))
                item.setFont(font)
                value = (info or {}).get("last_value")
                self._cell(row, 5).setText(fmt_number(value) if value is not None else "–")
                self._cell(row, 5).setToolTip((info or {}).get("last_series") or "")
                self._cell(row, 6).setText(when((info or {}).get("last_fired")))
                counts = (info or {}).get("counts", {})
                self._cell(row, 7).setText(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "–")
        finally:
            self.table.blockSignals(False)
        if changed:
            self._fit_columns()
        dropped = self.feed.dropped
        stats = self.feed.stats
        tips = []
        if dropped:
            tips.append(
                f"{dropped:,} snapshots came faster than the rules could take them and were not evaluated"
            )
        if stats.get("evicted_streams") or stats.get("evicted_alerts"):
            tips.append(
                f"{stats['streams']:,} of at most {stats['max_streams']:,} streams and {stats['alerts']:,} "
                f"of at most {stats['max_alerts']:,} alerts held; the least recently updated were "
                f"forgotten: {stats['evicted_streams']:,} streams, {stats['evicted_alerts']:,} alerts"
            )
        if tips:
            self.file_label.setToolTip("\n".join(tips))

    def _fit_columns(self) -> None:
        """Every column but the last as wide as its header and its widest cell (the last takes the rest)."""
        for col in range(len(COLUMNS) - 1):
            self.table.resizeColumnToContents(col)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        name = self._cell(item.row(), 1).data(Qt.ItemDataRole.UserRole)
        enabled = item.checkState() == Qt.CheckState.Checked
        rule = next((r for r in self.ruleset.rules if r.name == name), None)
        if rule is not None and rule.enabled != enabled:
            QTimer.singleShot(
                0, lambda: self.set_enabled(name, enabled)
            )  # not while the table is in its handler

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        """A cell of the table (``_fill_table`` fills every one)."""
        item = self.table.item(row, column)
        assert item is not None, (row, column)
        return item

    def _sync_actions(self) -> None:
        has = self.selected_rule() is not None
        for action in (self.edit_action, self.delete_action, self.test_action):
            action.setEnabled(has)
        self.undo_action.setEnabled(bool(self._undo))

    # -- workspace ---------------------------------------------------------------------------------------------------
    def state(self) -> dict:
        return {"file": str(self.path)}

    def restore(self, state: dict | None) -> None:
        path = (state or {}).get("file")
        if path and Path(path) != self.path:
            self.load_file(path)

    def shutdown(self) -> None:
        """Stop the engine thread, save alert states, stop listening to the sources."""
        self._events_timer.stop()
        self._slow_timer.stop()
        self.models.cancel()
        if self._feed is not None:
            for store in self._stores.values():
                store.unsubscribe(self._feed.put)
            self._feed.close()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
