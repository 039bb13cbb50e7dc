"""Alerts as JSON data and back: the format of ``Engine.export_state``/``restore_state``.

A restart of the workbench or of ``suricate rules run`` keeps what the user said (acknowledged with a
comment, silenced until a time or until the alert resolves) and where each alert stood. This is a file
format with its own version, so it lives apart from the engine's state machine (engine.py).
"""

from __future__ import annotations

from typing import Any

from .alerts import FOREVER, STATES, Alert

STATE_VERSION = 1  # export_state's format


def alert_doc(a: Alert) -> dict[str, Any]:
    """``a`` as plain JSON data (its newest 20 action results only)."""
    return {
        "rule": a.rule,
        "stream": list(a.stream),
        "key": a.key,
        "phase": a.phase,
        "state": a.state,
        "id": a.id,
        "value": a.value,
        "score": a.score,
        "reason": a.reason,
        "since": a.since,
        "fired_at": a.fired_at,
        "resolved_at": a.resolved_at,
        "clear_since": a.clear_since,
        "last_fired": a.last_fired,
        "acked": a.acked,
        "ack_comment": a.ack_comment,
        "silenced_until": "resolve" if a.silenced_until == FOREVER else a.silenced_until,
        "flapping": a.flapping,
        "firings": list(a.firings),
        "transitions": [list(t) for t in a.transitions],
        "actions": a.actions[-20:],
        "updated": a.updated,
    }


def alert_from_doc(entry: dict[str, Any]) -> Alert | None:
    """The alert ``alert_doc`` gave; None for one this version does not restore (not three stream parts, an
    unknown phase). A malformed entry raises KeyError, TypeError or ValueError."""
    stream = tuple(str(p) for p in entry["stream"])
    if len(stream) != 3 or entry["phase"] not in ("ok", "pending", "firing", "resolved"):
        return None
    until = entry.get("silenced_until") or 0.0
    alert = Alert(
        entry["rule"],
        (stream[0], stream[1], stream[2]),
        str(entry["key"]),
        phase=entry["phase"],
        state=entry["state"] if entry["state"] in STATES else entry["phase"],
        id=str(entry.get("id") or ""),
        value=entry.get("value"),
        score=entry.get("score"),
        reason=str(entry.get("reason") or ""),
        since=entry.get("since"),
        fired_at=entry.get("fired_at"),
        resolved_at=entry.get("resolved_at"),
        clear_since=entry.get("clear_since"),
        last_fired=entry.get("last_fired"),
        acked=bool(entry.get("acked")),
        ack_comment=str(entry.get("ack_comment") or ""),
        silenced_until=FOREVER if until == "resolve" else float(until),
        flapping=bool(entry.get("flapping")),
        actions=list(entry.get("actions") or []),
        updated=float(entry.get("updated") or 0.0),
    )
    alert.firings.extend(float(t) for t in entry.get("firings") or [])
    alert.transitions.extend((str(st), float(t)) for st, t in entry.get("transitions") or [])
    return alert
