"""Backtest the rules on an open recording, from the panel: a worker thread replays the whole recording through a
dry-run engine (the same one ``suricate rules backtest`` runs), with progress and a Cancel; the firings show in
an alert history of their own and are marked on the recording's plots. No action runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout

from ...rules import Engine, Rule, firings
from .alert_history import AlertTimeline

POLL_MS = 100


class BacktestJob:
    """Replays ``count`` chunks (``load(i)`` → snapshots) through a dry-run engine in the ``rules-backtest`` thread.

    Read ``done``/``total`` for progress and ``events`` once ``finished`` is set; ``cancel()`` stops it
    between two chunks."""

    def __init__(self, rules: list[Rule], count: int, load: Callable[[int], list], capacity: int = 600):
        self.rules = list(rules)
        self.total = count
        self.done = 0
        self.snapshots = 0
        self.events: list[dict] = []
        self.error = ""
        self.cancelled = False
        self.finished = threading.Event()
        self._load = load
        self._capacity = capacity
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rules-backtest", daemon=True)

    def start(self) -> BacktestJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        engine = Engine(self.rules, capacity=self._capacity, dry_run=True, listeners=[self.events.append])
        try:
            for i in range(self.total):
                if self._stop.is_set():
                    self.cancelled = True
                    break
                snaps = self._load(i)
                engine.ingest(snaps)  # evaluated one snapshot at a time inside: batching changes nothing
                self.snapshots += len(snaps)
                self.done = i + 1
        except Exception as exc:  # a segment that cannot be read ends the backtest with the reason
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.finished.set()

    def firings(self) -> list[tuple]:
        return firings(self.events)


class BacktestDialog(QDialog):
    """Progress while the job runs, then what would have fired (and the actions it would have run)."""

    finished_with = Signal(object)  # the job, once it ended (not cancelled)

    def __init__(self, job: BacktestJob, title: str, parent=None):
        super().__init__(parent)
        self.job = job
        self.setWindowTitle(f"Backtest: {title}")
        self.resize(900, 520)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(job.total, 1))
        self.status = QLabel(f"Replaying {title} through {len(job.rules)} rules (no action is run)…")
        self.timeline = AlertTimeline(read_only=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel_or_close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        job = self.job
        self.progress.setValue(job.done)
        if not job.finished.is_set():
            return
        self._timer.stop()
        self.timeline.add_events(job.events)
        fired = [f for f in job.firings() if f[2] == "firing"]
        resolved = [f for f in job.firings() if f[2] == "resolved"]
        would = sum(1 for e in job.events if e.get("event") == "action" and e.get("status") == "would_run")
        if job.error:
            self.status.setText(f"Stopped: {job.error}")
            self.status.setStyleSheet("color: #cf222e")
        else:
            verb = "Cancelled after" if job.cancelled else "Replayed"
            self.status.setText(
                f"{verb} {job.snapshots:,} snapshots: {len(fired)} firings, {len(resolved)} resolves,"
                f" {would} actions would have run."
            )
        self.buttons.clear()
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        if not job.cancelled and not job.error:
            self.finished_with.emit(job)

    def _cancel_or_close(self) -> None:
        if self.job.finished.is_set():
            self.reject()
        else:
            self.job.cancel()
            self.status.setText("Cancelling…")

    def reject(self) -> None:
        if not self.job.finished.is_set():
            self.job.cancel()
        super().reject()
