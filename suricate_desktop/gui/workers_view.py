"""The processing workers seen on each broker source, their scripts' last runs, and "Run now…" from the desk.

Why: ``suricate worker`` runs scripts headless; the desk should show which workers are alive, what
they run and how each script's last run went, and let the user run a script now without a
terminal. Each ``BrokerSource`` has a ``WorkerListener`` (its own thread, ``amqp-workers``) that keeps
the newest status per worker (at most 1,000); this view copies ``workers()`` from the window's slow
timer, so the GUI thread never touches the network. A run from the desk is a signed job
(``transport.job_client.submit_job``, the secret of Sources > Remote agents…) submitted and waited for
in a ``job-submit`` thread; its answer comes back by a queued signal and is shown on the script's row
and in the status bar. The results arrive through the broker source as any stream
(``<host>.script-<name>.<output>``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..schema.worker_status import ScriptState
from .forms import child, load_form
from .sources.broker import BrokerSource, mask_password
from .sources.registry import SourceRegistry

if TYPE_CHECKING:  # pika comes with the transport: loaded on the first job, not with the window
    from ..transport.job_client import JobAnswer
    from ..transport.worker_status import SeenWorker

COLUMNS = ("Worker / script", "Host / schedule", "Last run", "Status", "Duration", "Runs")
NAME, HOST, LAST, STATUS, DURATION, RUNS = range(6)
STATUS_COLOURS = {
    "ok": "#1b7f3b",
    "running": "#1b7f3b",
    "running…": "#0550ae",
    "stopped": "#57606a",
    "silent": "#57606a",
}
FAILED = "#c62828"
GREY = "#8c959f"
#: Column widths are fitted to the rows at each refresh while there are fewer than this many.
FIT_ROWS = 300
#: How long the desk waits for a job's answer.
JOB_WAIT = 180.0
#: The secret's provider: (the secret, "") or (None, why there is none).
SecretProvider = Callable[[], tuple[bytes | None, str]]


@dataclass(frozen=True)
class ScriptKey:
    """A script row: which broker source, which worker, which script."""

    source: int
    worker: str
    script: str


@dataclass
class _Pending:
    job_over: float | None
    started: float


class _Answers(QObject):
    """Carries a job's answer from its ``job-submit`` thread to the GUI thread (a queued signal)."""

    answered = Signal(object, object)  # ScriptKey, JobAnswer


class RunJobDialog:
    """Ask for a run's window (``over``), params and host (ui/run_job.ui)."""

    def __init__(self, parent: QWidget | None, script: str, over: float) -> None:
        self.dialog = load_form("run_job", parent, kind=QDialog)
        d = self.dialog
        d.setWindowTitle(f"Run {script} now")
        self.over = child(d, QDoubleSpinBox, "over")
        self.over.setSpecialValueText(f"the script's OVER ({over:g} s)" if over else "the script's OVER")
        self.params = child(d, QPlainTextEdit, "params")
        self.host = child(d, QLineEdit, "host")
        buttons = child(d, QDialogButtonBox, "buttons")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(d.reject)
        self.result: tuple[float | None, dict, str] | None = None

    def _accept(self) -> None:
        lines = [line for line in self.params.toPlainText().splitlines() if line.strip()]
        from ..transport.job_client import parse_params

        try:
            params = parse_params(lines)
        except ValueError as exc:
            QMessageBox.warning(self.dialog, "Params", str(exc))
            return
        over = self.over.value() or None
        self.result = (over, params, self.host.text().strip())
        self.dialog.accept()

    def exec(self) -> tuple[float | None, dict, str] | None:  # safe: runs the modal dialog
        accepted = self.dialog.exec() == QDialog.DialogCode.Accepted  # safe: QDialog.exec, a modal dialog
        return self.result if accepted else None


class WorkersView(QWidget):
    """A tree: broker source > worker > script, refreshed from the listeners; runs scripts by jobs.

    Shown only while a broker source (with its workers' listener) is open."""

    #: A line for the window's status bar.
    message = Signal(str)

    def __init__(self, registry: SourceRegistry, secret: SecretProvider, parent: QWidget | None = None):
        super().__init__(parent)
        self.registry = registry
        self.secret = secret
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        # Interactive widths fitted as rows come (ResizeToContents would measure every row at each change).
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemSelectionChanged.connect(self._update_actions)
        self.run_action = QAction("Run", self)
        self.run_action.setToolTip("Run the selected script now, over its own window, as a job")
        self.run_action.triggered.connect(lambda: self.run_selected(ask=False))
        self.run_with_action = QAction("Run now…", self)
        self.run_with_action.setToolTip("Run the selected script now: choose its window (over) and params")
        self.run_with_action.triggered.connect(lambda: self.run_selected(ask=True))
        toolbar = QToolBar()
        toolbar.addWidget(QLabel(" Workers "))
        toolbar.addAction(self.run_action)
        toolbar.addAction(self.run_with_action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.tree)
        self._sources: dict[int, QTreeWidgetItem] = {}
        self._workers: dict[tuple[int, str], QTreeWidgetItem] = {}
        self._scripts: dict[ScriptKey, QTreeWidgetItem] = {}
        self._script_over: dict[ScriptKey, float] = {}
        self._pending: dict[ScriptKey, _Pending] = {}
        self._answers: dict[ScriptKey, tuple[JobAnswer, float]] = {}
        self._signals = _Answers(self)
        self._signals.answered.connect(self._on_answer)
        self._update_actions()
        registry.removed.connect(lambda _source: self.refresh())
        # Hidden while no broker source lists workers: on the embedded default it would only take room.
        registry.added.connect(lambda _source: self._follow_brokers())
        self._follow_brokers()

    def _follow_brokers(self) -> None:
        self.setHidden(not self.broker_sources())

    # -- the tree ------------------------------------------------------------------------------------------------------
    def broker_sources(self) -> list[BrokerSource]:
        return [s for s in self.registry if isinstance(s, BrokerSource) and s.listener is not None]

    def refresh(self, now: float | None = None) -> None:
        """Copy every listener's workers into the tree (the slow timer calls this once a second)."""
        now = time.time() if now is None else now
        live_sources: set[int] = set()
        live_workers: set[tuple[int, str]] = set()
        live_scripts: set[ScriptKey] = set()
        for source in self.broker_sources():
            listener = source.listener
            assert listener is not None
            sid = id(source)
            live_sources.add(sid)
            top = self._sources.get(sid)
            if top is None:
                top = self._sources[sid] = QTreeWidgetItem(self.tree)
                top.setExpanded(True)
                top.setFirstColumnSpanned(True)
            seen = listener.workers()
            top.setText(NAME, f"{mask_password(source.name)}: {_count(len(seen), 'worker')}")
            top.setToolTip(
                NAME,
                f"status exchange {source.status_exchange}, jobs to {source.job_queue}"
                + (f"; {listener.refused:,} status messages refused" if listener.refused else ""),
            )
            for worker in seen:
                live_workers.add((sid, worker.status.worker))
                live_scripts |= self._show_worker(top, sid, worker, now)
        for key in [k for k in self._scripts if k not in live_scripts]:
            item = self._scripts.pop(key)
            _detach(item)
            self._script_over.pop(key, None)
        for wkey in [k for k in self._workers if k not in live_workers]:
            _detach(self._workers.pop(wkey))
        for sid in [k for k in self._sources if k not in live_sources]:
            _detach(self._sources.pop(sid))
        if len(self._scripts) + len(self._workers) < FIT_ROWS:
            for col in range(len(COLUMNS) - 1):
                self.tree.resizeColumnToContents(col)
        self._update_actions()
        self._follow_brokers()

    def _show_worker(self, top: QTreeWidgetItem, sid: int, seen: SeenWorker, now: float) -> set[ScriptKey]:
        status = seen.status
        item = self._workers.get((sid, status.worker))
        if item is None:
            item = self._workers[(sid, status.worker)] = QTreeWidgetItem(top)
            item.setExpanded(True)
        silent = seen.silent(now)
        stopped = status.state != "running"
        if silent:
            state = "silent"
            when = f"silent since {_clock(seen.received)}"
        elif stopped:
            state = status.state
            when = f"{status.state} at {_clock(status.ts)}"
        else:
            state = "running"
            when = f"heard {max(0.0, seen.age(now)):.0f} s ago"
        values = (status.worker, status.host, when, state, "", f"{status.jobs_done:,} jobs")
        gone = silent or stopped
        for col, text in enumerate(values):
            item.setText(col, text)
            item.setForeground(col, QBrush(QColor(GREY if gone else "#24292f")))
        item.setForeground(STATUS, QBrush(QColor(STATUS_COLOURS.get(state, GREY))))
        tip = (
            f"worker {status.worker} on {status.host}, pid {status.pid}, started {_clock(status.started)}; "
            f"status every {status.interval:g} s; {status.jobs_done:,} jobs done, "
            f"{status.jobs_refused:,} refused"
        )
        if silent:
            tip += f"; no status for {seen.age(now):.0f} s: stopped, killed or cut off"
        for col in range(len(COLUMNS)):
            item.setToolTip(col, tip)
        keys = set()
        for script in status.scripts:
            key = ScriptKey(sid, status.worker, script.name)
            keys.add(key)
            self._show_script(item, key, script, gone, now)
        return keys

    def _show_script(
        self, parent: QTreeWidgetItem, key: ScriptKey, script: ScriptState, gone: bool, now: float
    ) -> None:
        item = self._scripts.get(key)
        if item is None:
            item = self._scripts[key] = QTreeWidgetItem(parent)
            item.setData(NAME, Qt.ItemDataRole.UserRole, key)
        self._script_over[key] = script.over
        schedule = f"every {script.every:g} s over {script.over:g} s" if script.every else "on jobs"
        last = script.last
        when, status, duration, error = "never", "", "", ""
        if last is not None:
            when, status, duration, error = (
                _clock(last.time),
                last.status,
                f"{last.duration:.2f} s",
                last.error,
            )
        answer = self._answers.get(key)
        if answer is not None and (last is None or (last.run != answer[0].job and last.time < answer[1])):
            a, received = answer
            when, status, duration, error = _clock(received), a.status, f"{a.duration:.2f} s", a.error
        pending = self._pending.get(key)
        if pending is not None:
            status = "running…"
            duration = f"{now - pending.started:.0f} s"
            error = "a job from the desk is waiting for its answer"
        runs = f"{script.runs:,}" + (f" ({script.failures:,} failed)" if script.failures else "")
        values = (script.name, schedule, when, status, duration, runs)
        for col, text in enumerate(values):
            item.setText(col, text)
            item.setForeground(col, QBrush(QColor(GREY if gone else "#24292f")))
        colour = STATUS_COLOURS.get(status, FAILED if status else GREY)
        item.setForeground(STATUS, QBrush(QColor(GREY if gone and pending is None else colour)))
        for col in range(len(COLUMNS)):
            item.setToolTip(
                col, error or f"{script.name}: {schedule}; results as streams script-{script.name}"
            )

    # -- running a script ----------------------------------------------------------------------------------------------
    def selected_script(self) -> ScriptKey | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        key = items[0].data(NAME, Qt.ItemDataRole.UserRole)
        return key if isinstance(key, ScriptKey) else None

    def _update_actions(self) -> None:
        key = self.selected_script()
        enabled = key is not None and key not in self._pending
        self.run_action.setEnabled(enabled)
        self.run_with_action.setEnabled(enabled)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None or not isinstance(item.data(NAME, Qt.ItemDataRole.UserRole), ScriptKey):
            return
        self.tree.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(self.run_action)
        menu.addAction(self.run_with_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))  # safe: QMenu.exec, a popup

    def run_selected(self, ask: bool = False) -> bool:
        key = self.selected_script()
        if key is None:
            return False
        over: float | None = None
        params: dict = {}
        host = ""
        if ask:
            chosen = RunJobDialog(self, key.script, self._script_over.get(key, 0.0)).exec()  # safe: modal
            if chosen is None:
                return False
            over, params, host = chosen
        return self.run(key, over=over, params=params, host=host)

    def run(
        self, key: ScriptKey, *, over: float | None = None, params: dict | None = None, host: str = ""
    ) -> bool:
        """Submit a job for ``key``'s script; False (and a message) when it cannot be sent."""
        source = next((s for s in self.broker_sources() if id(s) == key.source), None)
        if source is None or key in self._pending:
            return False
        secret, why = self.secret()
        if secret is None:
            text = (
                f"Cannot run {key.script}: {why}. Jobs are signed with the control secret the workers were "
                "started with: set its file in Sources > Remote agents… (or $SURICATE_CONTROL_SECRET)."
            )
            self.message.emit(text)
            QMessageBox.warning(self, "Run script", text)
            return False
        self._pending[key] = _Pending(over, time.time())
        self._answers.pop(key, None)
        signals = self._signals
        url, queue, tls_ca = source.url, source.job_queue, source.tls_ca

        def submit() -> None:
            from ..transport.job_client import submit_job

            answer = submit_job(
                url,
                secret,
                key.script,
                over=over,
                params=params or {},
                host=host,
                queue=queue,
                wait=JOB_WAIT,
                tls_ca=tls_ca,
            )
            try:
                signals.answered.emit(key, answer)
            except RuntimeError:  # the window closed meanwhile
                pass

        threading.Thread(target=submit, name="job-submit", daemon=True).start()
        self.message.emit(f"{key.script}: job submitted to {queue}, running…")
        self._update_actions()
        self.refresh()
        return True

    def _on_answer(self, key: ScriptKey, answer: JobAnswer) -> None:
        self._pending.pop(key, None)
        self._answers[key] = (answer, time.time())
        self.message.emit(describe(answer))
        self._update_actions()
        self.refresh()

    def answer(self, key: ScriptKey) -> JobAnswer | None:
        """The last answer to a job the desk ran for ``key`` (None while it runs, or before)."""
        got = self._answers.get(key)
        return got[0] if got else None

    def script_item(self, worker: str, script: str) -> QTreeWidgetItem | None:
        return next((i for k, i in self._scripts.items() if k.worker == worker and k.script == script), None)

    def worker_item(self, worker: str) -> QTreeWidgetItem | None:
        return next((i for k, i in self._workers.items() if k[1] == worker), None)


def describe(answer: JobAnswer) -> str:
    """The status bar's line for a job's answer."""
    where = f" on {answer.worker}" if answer.worker else ""
    if answer.ok:
        outputs = ", ".join(answer.outputs) or "no outputs"
        return (
            f"{answer.script}: ok{where} in {answer.duration:.2f} s, {_count(answer.snapshots, 'snapshot')} "
            f"({outputs}) as streams script-{answer.script}"
        )
    if answer.status == "unknown-script":
        return (
            f"{answer.script}: the worker{where} does not have this script (unknown-script); every worker on a "
            "job queue should hold the same scripts"
        )
    error = answer.error.strip().splitlines()[-1] if answer.error.strip() else ""
    return f"{answer.script}: {answer.status}{where}" + (f": {error}" if error else "")


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _clock(ts: float) -> str:
    """A time of day, with the date when it is not today."""
    then = time.localtime(ts)
    today = time.localtime()
    if then[:3] == today[:3]:
        return time.strftime("%H:%M:%S", then)
    return time.strftime("%Y-%m-%d %H:%M:%S", then)


def _detach(item: QTreeWidgetItem) -> None:
    parent = item.parent()
    if parent is not None:
        parent.removeChild(item)
    else:
        tree = item.treeWidget()
        if tree is not None:
            tree.takeTopLevelItem(tree.indexOfTopLevelItem(item))
