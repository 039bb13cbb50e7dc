"""The rules engine: rules over a LiveStore, evaluated on the data's own clock.

``Engine`` is a sink: hand it batches of snapshots (the consumer does, a
backtest does from a recording). Each snapshot goes into the engine's
``LiveStore`` and, right after it, the rules that select that snapshot's
stream are evaluated at the stream's newest instant. Evaluation depends only
on the snapshots and their order, never on the wall clock or on how they were
batched, so a recording replayed through the engine fires exactly when the
live engine did on the same data.

Every (rule, series) pair has an ``Alert`` whose state moves through
ok → pending → firing → resolved (shown as acknowledged or silenced when the
user said so), each transition timestamped with data time. Transitions and
action results are events: kept in a bounded ``AlertHistory`` (optionally
appended to a JSON-lines file) and handed to listeners (the CLI's log lines,
the GUI's notifications).

Whoever can publish can invent stream names and keys, so what the engine holds
is capped: ``max_streams`` streams in its store (the least recently updated
evicted, with their plans), ``max_alerts`` alerts (the least recently updated
evicted; one still pending or firing is reported by an ``evicted`` event, its
actions not run), the history's ``maxlen`` events. Evictions are counted
(``stats()``).
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np

from ..schema import Snapshot
from ..store.live import LiveStore, StreamId
from .actions import ActionRunner, describe
from .alerts import FOREVER, Alert, AlertHistory, _alert_id, _num
from .evaluation import Bools, Floats, Measured, Plan, compare, compare_many, measure, rows_needed
from .messages import alert_message, transition_event
from .model import Rule, RuleSet
from .saved_state import STATE_VERSION, alert_doc, alert_from_doc
from .scoring import Scorer, rule_scorers

log = logging.getLogger(__name__)

#: Default caps (docs/rules.md, "Memory"): streams in the engine's store, alerts remembered.
MAX_STREAMS = 10_000
MAX_ALERTS = 10_000
#: The engine's store keeps ``capacity`` rows of few streams' columns; this bounds it whatever the keys.
MAX_STORE_BYTES = 512 << 20

Event = dict[str, Any]
Listener = Callable[[Event], None]


class Engine:
    """Evaluates rules over the snapshots it is handed; runs (or, ``dry_run``, only reports) their actions."""

    def __init__(
        self,
        rules: Iterable[Rule] | RuleSet = (),
        *,
        store: LiveStore | None = None,
        capacity: int = 600,
        runner: ActionRunner | None = None,
        dry_run: bool = False,
        history: AlertHistory | None = None,
        listeners: Iterable[Listener] = (),
        max_streams: int = MAX_STREAMS,
        max_alerts: int = MAX_ALERTS,
    ):
        self.store = (
            store
            if store is not None
            else LiveStore(capacity=capacity, max_streams=max_streams, max_bytes=MAX_STORE_BYTES)
        )
        self.store.evict_listeners.append(self._forget_stream)
        self.max_alerts = max(1, max_alerts)
        self.evicted_alerts = 0
        self.dry_run = dry_run
        self.runner = runner
        self.history = history if history is not None else AlertHistory()
        self.listeners: list[Listener] = list(listeners)
        #: Called on every firing and resolve (the GUI's desktop notification), whatever the actions.
        self.notify_hooks: list[Listener] = []
        self._lock = threading.RLock()
        self._rules: dict[str, Rule] = {}
        self._scorers: dict[str, Scorer] = {}
        self._factories: dict[
            str, object
        ] = {}  # rule -> what made its scorer (``set_rules`` keeps it while same)
        self._plans: dict[StreamId, Plan] = {}
        #: Least recently updated first (``_step`` moves an alert to the end), so eviction takes from the front.
        self._alerts: collections.OrderedDict[tuple[str, StreamId, str], Alert] = collections.OrderedDict()
        self._watched: dict[tuple[str, StreamId], set[str]] = {}  # (rule, stream) -> keys that have an alert
        self._watched_rules: dict[StreamId, set[str]] = {}  # stream -> rules with an alert on it
        self._action_times: dict[str, collections.deque[float]] = {}
        self._rule_silence: dict[str, float] = {}
        self._silence_rules: list[Rule] = []
        self._silence_clock = -math.inf
        self._known_streams: dict[StreamId, float] = {}
        self.evaluations = 0  # (rule, series) evaluations
        self.rule_evaluations = 0  # (rule, stream) evaluations, each vectorised over the rule's series
        self.snapshots = 0
        self.set_rules(rules)

    # -- rules -------------------------------------------------------------------------------------------------------
    def set_rules(self, rules: Iterable[Rule] | RuleSet) -> None:
        """Replace the rules; alerts of rules that are kept (same name) keep their state, and their scorers
        too where nothing about them changed (``rule_scorers``). The scorers are all made before anything
        changes: one that fails leaves the rules as they were."""
        with self._lock:
            new = {r.name: r for r in rules}
            scorers, factories = rule_scorers(new.values(), self._rules, self._scorers, self._factories)
            self._rules, self._scorers, self._factories = new, scorers, factories
            self._plans.clear()
            self._silence_rules = [r for r in self._rules.values() if r.type == "silence" and r.enabled]
            self._alerts = collections.OrderedDict(
                (k, a) for k, a in self._alerts.items() if k[0] in self._rules
            )
            self._watched = {}
            self._watched_rules = {}
            for name, stream, key in self._alerts:
                self._watched.setdefault((name, stream), set()).add(key)
                self._watched_rules.setdefault(stream, set()).add(name)

    @property
    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def set_enabled(self, name: str, enabled: bool) -> None:
        with self._lock:
            rules = [replace(r, enabled=enabled) if r.name == name else r for r in self._rules.values()]
            if name not in self._rules:
                raise KeyError(f"no rule {name!r}")
            self.set_rules(rules)

    # -- the sink ----------------------------------------------------------------------------------------------------
    def __call__(self, snapshots: Iterable[Snapshot]) -> None:
        self.ingest(snapshots)

    def ingest(self, snapshots: Iterable[Snapshot]) -> None:
        """Store each snapshot and evaluate the rules of its stream, one snapshot at a time."""
        store = self.store
        with self._lock:
            for snap in snapshots:
                store.ingest((snap,))
                stream = snap.stream
                self._known_streams[stream] = snap.interval
                self._evaluate_stream(stream)
                if self._silence_rules:
                    clock = store.clock()
                    if clock > self._silence_clock:
                        self._evaluate_silences(clock)
                self.snapshots += 1  # after its evaluation: a reader that sees the count sees its events

    def tick(self, now: float | None = None) -> None:
        """Evaluate silence rules at ``now`` (wall time by default): a feed gone wholly quiet sends no data to
        advance the data clock. The live daemon calls it once a second; a backtest never does."""
        now = time.time() if now is None else now
        with self._lock:
            if self._silence_rules:
                self._evaluate_silences(max(now, self.store.clock()))
            self._expire_silences(now)

    # -- evaluation --------------------------------------------------------------------------------------------------
    def _plan(self, stream: StreamId) -> Plan:
        plan = self._plans.get(stream)
        if plan is None:
            rules = [
                r
                for r in self._rules.values()
                if r.enabled and r.type != "silence" and r.matches_stream(stream)
            ]
            interval = self._known_streams.get(stream) or 1.0
            plan = self._plans[stream] = Plan(rules, rows_needed(rules, interval, self.store.capacity))
        return plan

    def _evaluate_stream(self, stream: StreamId) -> None:
        plan = self._plan(stream)
        if not plan.rules:
            return
        data = {view: self.store.matrix(stream, view, last=rows) for view, rows in plan.rows.items()}
        watched_here = self._watched_rules.get(stream)
        # Threshold and rate rules on the same series with the same op: one comparison for all of them.
        for group in plan.groups:
            times, values, labels = data[group.view]
            if not len(times):
                continue
            cols, keys = plan.select(group.key, labels)
            if not len(cols):
                continue
            now = float(times[-1])
            if group.type == "threshold":
                x = shown = values[-1, cols]
                scores = None
            else:
                x, shown, scores = self._measure(group.rules[0], times[-2:], values[-2:, cols], now)
            self.evaluations += len(cols) * len(group.rules)
            self.rule_evaluations += len(group.rules)
            breach, clear = compare_many(group.op, x, group.thresholds, group.clears)
            todo = np.flatnonzero(breach.any(axis=1)).tolist()
            if watched_here:
                extra = [group.index[n] for n in watched_here if n in group.index]
                if extra:
                    todo = sorted(set(todo).union(extra))
            if todo:
                lists = (x.tolist(), shown.tolist(), None if scores is None else scores.tolist())
                for r in todo:
                    self._apply(group.rules[r], stream, keys, now, lists, breach[r], clear[r])
        measured: dict[
            tuple[Any, ...], Measured
        ] = {}  # rules that score the same series the same way share the scores
        said: dict[tuple[Any, ...], Any] = {}  # and the reasons of the scorer that scored them
        for rule in plan.single:
            times, values, labels = data[rule.view]
            if not len(times):
                continue
            cols, keys = plan.select(rule.key, labels)
            if not len(cols):
                continue
            now = float(times[-1])
            same = (
                rule.type,
                rule.view,
                rule.key,
                rule.scorer,
                rule.scorer_options,
                rule.history,
                rule.window,
                rule.score_threshold,
            )
            if same in measured:
                x, shown, scores = measured[same]
            else:
                if rule.type == "score":
                    times, sub = times[-(rule.history + 1) :], values[-(rule.history + 1) :, cols]
                else:
                    sub = values[:, cols]
                x, shown, scores = measured[same] = self._measure(rule, times, sub, now, stream, keys)
                said[same] = getattr(self._scorers.get(rule.name), "reason_of", None)
            self.evaluations += len(cols)
            self.rule_evaluations += 1
            breach, clear = compare(rule, x)
            if breach.any() or (watched_here and rule.name in watched_here):
                lists = (x.tolist(), shown.tolist(), None if scores is None else scores.tolist())
                self._apply(rule, stream, keys, now, lists, breach, clear, said[same])

    def _apply(
        self,
        rule: Rule,
        stream: StreamId,
        keys: list[str],
        now: float,
        lists: tuple[list[float], list[float], list[float] | None],
        breach: Bools,
        clear: Bools,
        reason_of: Callable[[StreamId, str], str] | None = None,
    ) -> None:
        """The state machine, for the series of one rule that are in trouble now or have an alert already
        (``reason_of(stream, key)``: what the scorer says made the series' newest row unusual)."""
        todo = np.flatnonzero(breach).tolist()
        watched = self._watched.get((rule.name, stream))
        if watched:
            todo = sorted(set(todo).union(i for i, key in enumerate(keys) if key in watched))
        if not todo:
            return
        xs, shown, scores = lists
        breach_, clear_ = breach.tolist(), clear.tolist()
        for i in todo:
            self._step(
                rule,
                stream,
                keys[i],
                now,
                shown[i],
                None if scores is None else scores[i],
                breach_[i],
                clear_[i],
                xs[i],
                "" if reason_of is None else reason_of(stream, keys[i]),
            )

    def _measure(
        self,
        rule: Rule,
        times: Floats,
        values: Floats,
        now: float,
        stream: tuple[str, ...] = (),
        keys: list[str] | None = None,
    ) -> Measured:
        scorer = self._scorers[rule.name] if rule.type in ("score", "anomaly_rate") else None
        return measure(rule, scorer, times, values, now, stream, keys)

    def _evaluate_silences(self, now: float) -> None:
        self._silence_clock = now
        infos = {i.stream: i for i in self.store.streams()}
        for rule in self._silence_rules:
            for stream, info in infos.items():
                if not rule.matches_stream(stream) or not info.rows:
                    continue
                gap = now - info.last_ts
                self.evaluations += 1
                self.rule_evaluations += 1
                breach = gap > rule.threshold
                self._step(rule, stream, "", now, gap, None, breach, not breach, gap)

    # -- the state machine -------------------------------------------------------------------------------------------
    def _step(
        self,
        rule: Rule,
        stream: StreamId,
        key: str,
        now: float,
        value: float | None,
        score: float | None,
        breach: bool,
        clear: bool,
        measured: float | None,
        reason: str = "",
    ) -> None:
        ident = (rule.name, stream, key)
        alert = self._alerts.get(ident)
        if alert is None:
            if not breach:
                return  # nothing to remember about a series that was never in trouble
            alert = self._alerts[ident] = Alert(rule.name, stream, key)
            self._watched.setdefault((rule.name, stream), set()).add(key)
            self._watched_rules.setdefault(stream, set()).add(rule.name)
            self._evict_alerts(now)
        else:
            self._alerts.move_to_end(ident)
        alert.value = _num(value)
        alert.score = _num(score)
        alert.reason = reason
        alert.updated = now
        if measured is None or measured != measured:
            self._show(rule, alert, now)  # no data: every timer holds
            return
        phase = alert.phase
        if phase in ("ok", "resolved") and breach:
            alert.phase = phase = "pending"
            alert.since = now
            alert.clear_since = None
        if phase == "pending":
            if not breach:
                alert.phase = "ok" if alert.fired_at is None else "resolved"
                alert.since = None
            elif now - _since(alert) >= rule.for_ and (
                alert.last_fired is None or now - alert.last_fired >= rule.cooldown
            ):
                self._fire(rule, alert, now)
        elif phase == "firing":
            if clear:
                if alert.clear_since is None:
                    alert.clear_since = now
                if now - alert.clear_since >= rule.clear_for:
                    self._resolve(rule, alert, now)
            else:
                alert.clear_since = None
        self._show(rule, alert, now, measured)

    # -- caps ---------------------------------------------------------------------------------------------------------
    def _forget_stream(self, stream: StreamId) -> None:
        """The store evicted ``stream``: its plan and interval go too (its alerts are capped on their own)."""
        self._plans.pop(stream, None)
        self._known_streams.pop(stream, None)

    def _evict_alerts(self, now: float) -> None:
        """Forget the least recently updated alerts beyond ``max_alerts``. One still pending or firing is
        reported (an ``evicted`` event in the history and the log); its actions are not run, so a flood of
        new names cannot make the engine page anyone."""
        while len(self._alerts) > self.max_alerts:
            (name, stream, key), alert = self._alerts.popitem(last=False)
            self.evicted_alerts += 1
            keys = self._watched.get((name, stream))
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._watched[(name, stream)]
                    rules = self._watched_rules.get(stream)
                    if rules is not None:
                        rules.discard(name)
                        if not rules:
                            del self._watched_rules[stream]
            if alert.phase in ("pending", "firing"):
                self._emit(
                    {
                        "event": "evicted",
                        "alert": alert.id or None,
                        "rule": name,
                        "series": alert.series,
                        "stream": list(stream),
                        "key": key,
                        "state": alert.state,
                        "ts": now,
                        "evicted_alerts": self.evicted_alerts,
                    }
                )

    def stats(self) -> dict[str, Any]:
        """What the engine holds against its caps, and how much it evicted to stay there."""
        store = self.store.stats()
        with self._lock:
            return {
                "streams": store["streams"],
                "max_streams": self.store.max_streams,
                "evicted_streams": store["evicted_streams"],
                "store_bytes": store["bytes"],
                "alerts": len(self._alerts),
                "max_alerts": self.max_alerts,
                "evicted_alerts": self.evicted_alerts,
                "snapshots": self.snapshots,
            }

    def _fire(self, rule: Rule, alert: Alert, now: float) -> None:
        alert.phase = "firing"
        alert.fired_at = alert.last_fired = now
        alert.resolved_at = None
        alert.clear_since = None
        alert.acked = False
        alert.ack_comment = ""
        alert.actions = []
        alert.id = _alert_id(rule.name, alert.stream, alert.key, now)
        alert.firings.append(now)
        if rule.flap_count:
            recent = sum(1 for t in alert.firings if now - t <= rule.flap_window)
            alert.flapping = recent >= rule.flap_count
        self._pending_dispatch = ("firing", rule, alert)

    def _resolve(self, rule: Rule, alert: Alert, now: float) -> None:
        alert.phase = "resolved"
        alert.resolved_at = now
        alert.clear_since = None
        alert.since = None
        if alert.silenced_until == FOREVER:
            alert.silenced_until = 0.0  # "until it resolves"
        alert.acked = False
        self._pending_dispatch = ("resolved", rule, alert)

    def _visible(self, rule: Rule, alert: Alert, now: float) -> str:
        if alert.phase in ("pending", "firing") and self._silenced(rule, alert, now):
            return "silenced"
        if alert.phase == "firing" and alert.acked:
            return "acknowledged"
        return alert.phase

    def _silenced(self, rule: Rule, alert: Alert, now: float) -> bool:
        return now < alert.silenced_until or now < self._rule_silence.get(rule.name, 0.0)

    _pending_dispatch: tuple[str, Rule, Alert] | None = None

    def _show(self, rule: Rule, alert: Alert, now: float, measured: float | None = None) -> None:
        """Record a change of the visible state; run what a firing or resolve triggers."""
        dispatch, self._pending_dispatch = self._pending_dispatch, None
        state = self._visible(rule, alert, now)
        if state != alert.state or dispatch is not None:
            previous, alert.state = alert.state, state
            alert.transitions.append((state, now))
            event = transition_event(rule, alert, "transition", now, measured)
            event["from"] = previous
            event["phase"] = alert.phase
            if dispatch is not None:
                event["change"] = dispatch[0]
            if alert.flapping:
                event["flapping"] = True
            self._emit(event)
        if dispatch is not None:
            self._dispatch(dispatch[0], rule, alert, now)

    def _dispatch(self, on: str, rule: Rule, alert: Alert, now: float) -> None:
        payload = self.alert_message(alert, rule)
        for hook in self.notify_hooks:
            try:
                hook(payload)
            except Exception:
                log.exception("rules: notification hook failed")
        reason: str | None = None
        if self._silenced(rule, alert, now) or (on == "resolved" and alert.state == "silenced"):
            reason = "silenced"
        elif alert.flapping:
            reason = "flapping"
        for action in rule.actions:
            if on not in action.on:
                continue
            record = {
                "event": "action",
                "alert": alert.id,
                "rule": rule.name,
                "action": action.type,
                "on": on,
                "ts": now,
                **describe(action, payload),
            }
            if reason is None and not self._rate_ok(rule, now):
                reason_here: str | None = "rate_limited"
            else:
                reason_here = reason
            if reason_here is not None:
                record["status"] = reason_here
            elif self.dry_run or self.runner is None:
                record["status"] = "would_run" if self.dry_run else "no_runner"
            else:
                record["status"] = "submitted"
                self.runner.submit(action, payload)
            alert.actions.append(record)
            self._emit(record)

    def _rate_ok(self, rule: Rule, now: float) -> bool:
        if not rule.rate_limit:
            return True
        times = self._action_times.setdefault(rule.name, collections.deque())
        while times and now - times[0] >= 60.0:
            times.popleft()
        if len(times) >= rule.rate_limit:
            return False
        times.append(now)
        return True

    def action_result(self, report: dict[str, Any]) -> None:
        """Where the ActionRunner reports each attempt (pass ``engine.action_result`` as its ``on_result``)."""
        with self._lock:
            for alert in self._alerts.values():
                if alert.id and alert.id == report.get("alert"):
                    alert.actions.append(report)
                    break
        self._emit(report)

    # -- the user's side ---------------------------------------------------------------------------------------------
    def test_actions(self, name: str) -> list[dict[str, Any]]:
        """ "Test now": run the rule's firing actions once, for real, on a made-up alert (the rule's host, source,
        aggregation and key where they name one, else ``test``; its threshold as the value); silence,
        flapping and the rate limit do not apply. Returns what was submitted (results come as events)."""
        with self._lock:
            rule = self._rules[name]
            now = self.store.clock() or time.time()
            stream = next(
                (a.stream for a in self._alerts.values() if a.rule == name),
                (
                    rule.host.replace("*", "") or "test",
                    rule.source.replace("*", "") or "test",
                    rule.agg.replace("*", "") or "test",
                ),
            )
            key = (
                rule.key if not any(c in rule.key for c in "*?[") else "test"
            )  # the rule's own key when it names one
            alert = Alert(
                name,
                stream,
                key,
                phase="firing",
                state="firing",
                value=rule.threshold,
                fired_at=now,
                updated=now,
            )
            alert.id = "test-" + _alert_id(name, stream, key, time.time())[:11]
            payload = {**self.alert_message(alert, rule), "test": True}
            out = []
            for action in rule.actions:
                record = {
                    "event": "action",
                    "alert": alert.id,
                    "rule": name,
                    "action": action.type,
                    "on": "test",
                    "ts": now,
                    **describe(action, payload),
                }
                if self.runner is None:
                    record["status"] = "no_runner"
                else:
                    record["status"] = "submitted"
                    self.runner.submit(action, payload)
                out.append(record)
                self._emit(record)
            return out

    def acknowledge(
        self,
        rule: str,
        key: str | None = None,
        stream: tuple[str, ...] | None = None,
        comment: str = "",
        ts: float | None = None,
    ) -> int:
        """Acknowledge the firing alerts of ``rule`` (all its series, or those of ``stream``/``key``); held until
        they resolve. Returns how many were acknowledged."""
        with self._lock:
            r = self._rules[rule]
            n = 0
            for alert in self._select(rule, stream, key):
                if alert.phase == "firing" and not alert.acked:
                    alert.acked = True
                    alert.ack_comment = comment
                    now = alert.updated if ts is None else ts
                    self._show(r, alert, now)
                    self._emit(
                        {
                            "event": "ack",
                            "alert": alert.id,
                            "rule": rule,
                            "series": alert.series,
                            "comment": comment,
                            "ts": now,
                        }
                    )
                    n += 1
            return n

    def silence(
        self,
        rule: str,
        until: float | None = None,
        key: str | None = None,
        stream: tuple[str, ...] | None = None,
        ts: float | None = None,
    ) -> None:
        """Silence ``rule``: until data time ``until``, or (``until=None``) until each of its alerts resolves.
        With ``stream``/``key``: only those series' alerts (existing ones)."""
        with self._lock:
            r = self._rules[rule]
            if until is None:
                targets = self._select(rule, stream, key)
                for alert in targets:
                    alert.silenced_until = FOREVER
            elif stream is None and key is None:
                self._rule_silence[rule] = until
            else:
                for alert in self._select(rule, stream, key):
                    alert.silenced_until = until
            self._emit(
                {
                    "event": "silence",
                    "rule": rule,
                    "until": until,
                    "key": key,
                    "stream": ".".join(stream) if stream else None,
                    "ts": self.store.clock() if ts is None else ts,
                }
            )
            for alert in self._select(rule, None, None):
                self._show(r, alert, alert.updated if ts is None else ts)

    def unsilence(self, rule: str) -> None:
        with self._lock:
            self._rule_silence.pop(rule, None)
            r = self._rules[rule]
            for alert in self._select(rule, None, None):
                alert.silenced_until = 0.0
                self._show(r, alert, alert.updated)
            self._emit({"event": "unsilence", "rule": rule, "ts": self.store.clock()})

    def _expire_silences(self, now: float) -> None:
        for alert in list(self._alerts.values()):
            if alert.state == "silenced":
                rule = self._rules.get(alert.rule)
                if rule is not None:
                    self._show(rule, alert, max(now, alert.updated))

    def _select(self, rule: str, stream: tuple[str, ...] | None, key: str | None) -> list[Alert]:
        return [
            a
            for (name, s, k), a in self._alerts.items()
            if name == rule and (stream is None or s == tuple(stream)) and (key is None or k == key)
        ]

    # -- keeping state across restarts ------------------------------------------------------------------------------
    def export_state(self) -> dict[str, Any]:
        """The alerts and silences as plain JSON data, for ``restore_state`` after a restart: what the user said
        (acknowledged with a comment, silenced until a time or until resolved) and where each alert stood."""
        with self._lock:
            return {
                "v": STATE_VERSION,
                "alerts": [alert_doc(a) for a in self._alerts.values()],
                "rule_silences": {k: v for k, v in self._rule_silence.items() if k in self._rules},
            }

    def restore_state(self, doc: dict[str, Any]) -> int:
        """Take back what ``export_state`` gave (alerts of rules that no longer exist are left out); returns how
        many alerts were restored. A malformed entry is skipped, never half-restored."""
        if not isinstance(doc, dict) or doc.get("v") != STATE_VERSION:
            return 0
        n = 0
        with self._lock:
            for entry in doc.get("alerts", []):
                try:
                    if entry["rule"] not in self._rules:
                        continue
                    alert = alert_from_doc(entry)
                except (KeyError, TypeError, ValueError):
                    continue
                if alert is None:
                    continue
                stream = alert.stream
                self._alerts[(alert.rule, stream, alert.key)] = alert
                self._watched.setdefault((alert.rule, stream), set()).add(alert.key)
                self._watched_rules.setdefault(stream, set()).add(alert.rule)
                n += 1
            self._alerts = collections.OrderedDict(
                sorted(self._alerts.items(), key=lambda item: item[1].updated)
            )
            self._evict_alerts(self.store.clock())
            for rule, until in (doc.get("rule_silences") or {}).items():
                if rule in self._rules and isinstance(until, (int, float)):
                    self._rule_silence[rule] = float(until)
        return n

    # -- reading -----------------------------------------------------------------------------------------------------
    def alerts(self, rule: str | None = None) -> list[Alert]:
        with self._lock:
            return [a for a in self._alerts.values() if rule is None or a.rule == rule]

    def states(self) -> dict[str, dict[str, Any]]:
        """Per rule: its worst visible state, the number of series in each state, its last value (of the newest
        series in that state, ``last_series``) and firing."""
        order = {
            s: i for i, s in enumerate(("ok", "resolved", "pending", "silenced", "acknowledged", "firing"))
        }
        out: dict[str, dict[str, Any]] = {}
        with self._lock:
            for name, rule in self._rules.items():
                alerts = [a for a in self._alerts.values() if a.rule == name]
                state = max((a.state for a in alerts), key=order.__getitem__, default="ok")
                # The value shown is that of a series in the rule's state (the one firing), not of
                # whichever series was updated last.
                newest = max((a for a in alerts if a.state == state), key=lambda a: a.updated, default=None)
                fired = max((a.fired_at for a in alerts if a.fired_at is not None), default=None)
                counts = collections.Counter(a.state for a in alerts)
                out[name] = {
                    "state": state,
                    "enabled": rule.enabled,
                    "counts": dict(counts),
                    "last_value": newest.value if newest else None,
                    "last_series": newest.series if newest else None,
                    "last_fired": fired,
                }
        return out

    def alert_message(self, alert: Alert, rule: Rule | None = None) -> dict[str, Any]:
        """The alert as the documented JSON message (docs/rules.md)."""
        return alert_message(alert, rule or self._rules[alert.rule])

    def _emit(self, event: dict[str, Any]) -> None:
        self.history.append(event)
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:
                log.exception("rules: listener failed")

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()
        self.history.close()


def backtest(
    rules: Iterable[Rule] | RuleSet,
    snapshots: Iterable[Snapshot],
    capacity: int = 600,
    listeners: Iterable[Listener] = (),
) -> list[dict[str, Any]]:
    """Every event the rules would have produced on these snapshots (actions reported, not run)."""
    events: list[dict[str, Any]] = []
    engine = Engine(rules, capacity=capacity, dry_run=True, listeners=[events.append, *listeners])
    for snap in snapshots:
        engine.ingest((snap,))
    return events


def firings(events: Iterable[dict[str, Any]]) -> list[tuple[str, str, str, float]]:
    """(rule, series, "firing" | "resolved", ts) of each firing and resolve, from a list of events."""
    return [
        (e["rule"], e["series"], e["change"], e["ts"])
        for e in events
        if e.get("event") == "transition" and e.get("change")
    ]


def _since(alert: Alert) -> float:
    """When a pending alert became pending (set whenever its phase becomes pending)."""
    assert alert.since is not None, alert
    return alert.since
