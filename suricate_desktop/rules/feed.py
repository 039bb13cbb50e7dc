"""The workbench's rules engine, in a thread of its own, fed by the stores the window's sources already fill.

Qt-free (the GUI reads ``states`` and drains the events on its own timers), so it lives here, beside the
engine, not in ``gui/rules``.

Threads: every live source's ``LiveStore`` hands each stored batch to ``RulesFeed.put`` (in that source's
thread: the consumer, the sampler, a run); ``put`` only queues it. The ``rules-engine`` thread owns the
``Engine``: it ingests the queued batches, runs the user's commands (acknowledge, silence, test now, new
rules) between them, ticks silence rules once a second, and publishes what the GUI shows, ``states`` and the
events, without a lock the GUI thread could wait on. Actions run in the ``ActionRunner``'s own threads. So
evaluating rules never costs the GUI thread anything but reading a dict and draining a list on a timer.

Memory: at most ``MAX_QUEUED`` snapshots wait (the oldest batches are dropped and counted if the engine
falls that far behind), at most ``MAX_EVENTS`` events wait for the GUI; the engine's own store keeps
``capacity`` rows per stream.

State across restarts: alert states (acknowledged with a comment, silenced, where each alert stood) are
written to ``state_path`` (JSON, atomically) a moment after they change and on close; the history of events
is the engine's ``AlertHistory`` file (JSON lines).
"""

from __future__ import annotations

import collections
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from ..schema import Snapshot
from .alerts import to_json
from .engine import Engine

log = logging.getLogger(__name__)

MAX_QUEUED = 50_000
MAX_EVENTS = 20_000
PUBLISH_EVERY = 0.25  # seconds between two updates of ``states``
SAVE_AFTER = 1.0  # seconds a changed state waits before it is written (a burst is written once)

#: What waits for the engine's thread: a stored batch, or a command.
_Item = tuple[Literal["data"], list[Snapshot]] | tuple[Literal["call"], Callable[[Engine], object]]


class RulesFeed:
    """Runs ``engine`` in the ``rules-engine`` thread; ``put`` batches from any thread, ``call`` commands."""

    def __init__(self, engine: Engine, state_path: str | Path | None = None):
        self.engine = engine
        self.state_path = Path(state_path) if state_path else None
        self._items: collections.deque[_Item] = collections.deque()
        self._queued = 0
        self._cond = threading.Condition()
        self._closing = False
        self._events: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_EVENTS)
        self.dropped = 0  # snapshots the engine fell too far behind to see
        self.states: dict[str, dict[str, Any]] = engine.states()  # replaced whole, never changed in place
        self.stats: dict[str, Any] = engine.stats()  # what the engine holds against its caps; replaced whole
        self.state_error = ""
        self._dirty_since: float | None = None
        if self.state_path is not None and self.state_path.exists():
            try:
                engine.restore_state(json.loads(self.state_path.read_text(encoding="utf-8")))
                self.states = engine.states()
            except (OSError, ValueError) as exc:
                self.state_error = f"cannot read {self.state_path}: {exc}"
                log.warning("rules: %s", self.state_error)
        engine.listeners.append(self._on_event)
        engine.notify_hooks.append(self._on_notify)
        self._thread = threading.Thread(target=self._run, name="rules-engine", daemon=True)
        self._thread.start()

    # -- any thread ----------------------------------------------------------------------------------------------------
    def put(self, snapshots: list[Snapshot]) -> None:
        """A store's subscriber: queue a stored batch for the engine (never waits for the engine)."""
        if not snapshots:
            return
        with self._cond:
            if self._closing:
                return
            self._items.append(("data", snapshots))
            self._queued += len(snapshots)
            while self._queued > MAX_QUEUED:
                for i, item in enumerate(self._items):
                    if item[0] == "data":
                        del self._items[i]
                        self._queued -= len(item[1])
                        self.dropped += len(item[1])
                        break
                else:
                    break
            self._cond.notify()

    def call(self, fn: Callable[[Engine], object]) -> None:
        """Run ``fn(engine)`` in the engine's thread, after what is already queued; an exception becomes an
        ``error`` event."""
        with self._cond:
            if not self._closing:
                self._items.append(("call", fn))
                self._cond.notify()

    def take_events(self) -> list[dict[str, Any]]:
        """Every event since the last call (the GUI's timer drains them)."""
        out = []
        events = self._events
        while events:
            out.append(events.popleft())
        return out

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once everything queued so far has been handled (tests, and closing)."""
        done = threading.Event()
        self.call(lambda _engine: done.set())
        return done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._cond.notify()
        self._thread.join(timeout)
        self.save_state()
        self.engine.close()

    # -- the engine's thread -----------------------------------------------------------------------------------------
    def _run(self) -> None:
        engine = self.engine
        last_tick = last_publish = 0.0
        while True:
            with self._cond:
                while not self._items and not self._closing:
                    due = last_tick + 1.0
                    if self._dirty_since is not None:
                        due = min(due, self._dirty_since + SAVE_AFTER)
                    wait = due - time.monotonic()
                    if wait <= 0:
                        break
                    self._cond.wait(wait)
                if self._closing and not self._items:
                    return
                item = self._items.popleft() if self._items else None
                if item is not None and item[0] == "data":
                    self._queued -= len(item[1])
            if item is not None:
                try:
                    if item[0] == "data":
                        engine.ingest(item[1])
                    else:
                        item[1](engine)
                except Exception as exc:  # a command that failed is reported, the engine goes on
                    log.exception("rules engine")
                    self._events.append(
                        {"event": "error", "error": f"{type(exc).__name__}: {exc}", "ts": time.time()}
                    )
            now = time.monotonic()
            if now - last_tick >= 1.0:
                last_tick = now
                try:
                    engine.tick()
                except Exception:
                    log.exception("rules engine: tick")
            if now - last_publish >= PUBLISH_EVERY or not self._items:
                last_publish = now
                self.states = engine.states()
                self.stats = engine.stats()
            if self._dirty_since is not None and now - self._dirty_since >= SAVE_AFTER:
                self.save_state()

    def _on_event(self, event: dict[str, Any]) -> None:
        # The engine's thread for transitions, an action worker's for action results.
        self._events.append(event)
        changed = event.get("change") or event.get("event") in ("ack", "silence", "unsilence")
        if changed and self._dirty_since is None:
            self._dirty_since = time.monotonic()

    def _on_notify(self, alert: dict[str, Any]) -> None:
        self._events.append({"event": "notify", "alert": alert})

    def save_state(self) -> None:
        """Write the engine's alert states beside the rules file (atomically; a crash leaves the old file)."""
        self._dirty_since = None
        if self.state_path is None:
            return
        tmp = self.state_path.with_name(f".{self.state_path.name}.tmp")
        try:
            tmp.write_text(to_json(self.engine.export_state(), indent=1), encoding="utf-8")
            os.replace(tmp, self.state_path)
        except OSError as exc:
            self.state_error = f"cannot write {self.state_path}: {exc.strerror or exc}"
            log.warning("rules: %s", self.state_error)
