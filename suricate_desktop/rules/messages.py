"""What an alert says to the outside world, as JSON-ready dicts.

``alert_message`` is the documented alert message (docs/rules.md): what actions send (AMQP alerts,
webhooks) and fill their ``{placeholders}`` from. ``transition_event`` is the event listeners and the
history get when an alert's visible state changes. Both are formats other programs read, kept apart from
the engine that decides when to send them (engine.py).
"""

from __future__ import annotations

from typing import Any

from .alerts import Alert, _iso, _num
from .model import Rule

ALERT_VERSION = 1


def alert_message(alert: Alert, rule: Rule) -> dict[str, Any]:
    """The alert as the documented JSON message (docs/rules.md)."""
    host, source, agg = alert.stream
    ts = alert.updated
    return {
        "v": ALERT_VERSION,
        "type": "suricate.alert",
        "id": alert.id,
        "rule": rule.name,
        "severity": rule.severity,
        "state": alert.state,
        "phase": alert.phase,
        "condition": rule.type,
        "host": host,
        "source": source,
        "agg": agg,
        "key": alert.key,
        "series": alert.series,
        "value": alert.value,
        "score": alert.score,
        "reason": alert.reason,
        "threshold": rule.threshold,
        "op": rule.op,
        "ts": ts,
        "time": _iso(ts),
        "fired_at": alert.fired_at,
        "resolved_at": alert.resolved_at,
        "flapping": alert.flapping,
        "acknowledged": alert.acked,
        "description": rule.description,
        "labels": dict(rule.labels),
        "transitions": [list(t) for t in alert.transitions],
    }


def transition_event(
    rule: Rule, alert: Alert, kind: str, now: float, measured: float | None = None
) -> dict[str, Any]:
    """An event about ``alert`` at data time ``now`` (``measured``: what a rate, anomaly-rate or silence rule
    compared, reported beside the value)."""
    event: dict[str, Any] = {
        "event": kind,
        "alert": alert.id or None,
        "rule": rule.name,
        "severity": rule.severity,
        "series": alert.series,
        "stream": list(alert.stream),
        "key": alert.key,
        "state": alert.state,
        "ts": now,
        "value": alert.value,
    }
    if alert.score is not None:
        event["score"] = alert.score
    if alert.reason:
        event["reason"] = alert.reason
    if measured is not None and rule.type in ("rate", "anomaly_rate", "silence"):
        event["measured"] = _num(measured)
    return event
