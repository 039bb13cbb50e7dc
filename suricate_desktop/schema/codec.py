"""JSON wire form of a Snapshot: encode on the agent, decode and validate at the edge.

Validation is the only thing that stands between the network and the store, so
it is strict and precise (each error names the field and what was wrong) and
cheap (one type check per field, no copies), because it runs for every message
the desk receives. Nothing received is ever eval'd or unpickled.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from .snapshot import BUCKET_KINDS, KINDS, SCALAR_KINDS, SCHEMA_VERSION, STATS_KINDS, Snapshot

#: Largest body the desk accepts; larger ones are rejected before parsing.
MAX_BODY_BYTES = 8 * 1024 * 1024

_REQUIRED = ("v", "host", "source", "agg", "kind", "ts", "interval", "delta", "entries")


class SchemaError(ValueError):
    """A message that does not follow docs/message-schema.md.

    ``field`` is a path into the message (``entries[3][1]``) and ``reason`` says
    what was wrong there; ``str()`` gives both.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


def encode(snap: Snapshot) -> bytes:
    """The JSON body for one snapshot."""
    return orjson.dumps(
        {
            "v": SCHEMA_VERSION,
            "host": snap.host,
            "source": snap.source,
            "agg": snap.agg,
            "kind": snap.kind,
            "ts": snap.ts,
            "interval": snap.interval,
            "delta": snap.delta,
            "seq": snap.seq,
            "run": snap.run,
            "entries": snap.entries,
        }
    )


def decode(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> Snapshot:
    """Parse and validate one body; raise SchemaError saying exactly what is wrong."""
    if len(body) > max_bytes:
        raise SchemaError("", f"message of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    try:
        msg = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise SchemaError("", f"not JSON: {exc}") from None
    return from_dict(msg, finite=True)


def from_dict(msg: Any, finite: bool = False) -> Snapshot:
    """Validate a decoded message and build the Snapshot (no copy of entries).

    ``finite=True`` skips the NaN/infinity check of values, for input from
    orjson, which refuses them while parsing.
    """
    if type(msg) is not dict:
        raise SchemaError("", f"expected a JSON object, got {_tname(msg)}")
    # The version first: a message of another version may well lack our fields.
    version = msg.get("v")
    if version is None:
        raise SchemaError("v", "missing field")
    if version != SCHEMA_VERSION or type(version) is not int:
        raise SchemaError("v", f"unsupported schema version {version!r} (this desk reads {SCHEMA_VERSION})")
    for name in _REQUIRED:
        if name not in msg:
            raise SchemaError(name, "missing field")
    host = _text(msg, "host")
    source = _text(msg, "source")
    agg = _text(msg, "agg")
    kind = msg["kind"]
    if kind not in KINDS or type(kind) is not str:
        raise SchemaError("kind", f"unknown kind {kind!r}; expected one of {', '.join(sorted(KINDS))}")
    ts = _number(msg, "ts")
    interval = _number(msg, "interval")
    if interval < 0:
        raise SchemaError("interval", f"must be >= 0, got {interval}")
    delta = msg["delta"]
    if type(delta) is not bool:
        raise SchemaError("delta", f"expected true or false, got {_tname(delta)}")
    seq = msg.get("seq", 0)
    if type(seq) is not int:
        raise SchemaError("seq", f"expected an integer, got {_tname(seq)}")
    run = msg.get("run", "")
    if type(run) is not str:
        raise SchemaError("run", f"expected a string, got {_tname(run)}")
    entries = msg["entries"]
    if type(entries) is not list:
        raise SchemaError("entries", f"expected a list, got {_tname(entries)}")
    if kind in SCALAR_KINDS:
        _check_scalar_entries(entries, finite)
    elif kind in BUCKET_KINDS:
        _check_bucket_entries(entries)
    else:
        assert kind in STATS_KINDS
        _check_stats_entries(entries)
    return Snapshot(host, source, agg, kind, float(ts), float(interval), delta, entries, seq, run)


def _check_key(i: int, entry: Any) -> Any:
    if type(entry) is not list or len(entry) != 2:
        raise SchemaError(f"entries[{i}]", "expected a [key, value] pair")
    key = entry[0]
    if type(key) is not list:
        raise SchemaError(f"entries[{i}][0]", f"key must be a list, got {_tname(key)}")
    for j, part in enumerate(key):
        tp = type(part)
        if tp is not str and tp is not int:
            raise SchemaError(f"entries[{i}][0][{j}]", f"key part must be a string or integer, got {_tname(part)}")
    return entry[1]


def _check_scalar_entries(entries: list, finite: bool) -> None:
    """The hot loop: one pass, type checks only; the slow path finds what was wrong."""
    for entry in entries:
        if type(entry) is not list or len(entry) != 2:
            break
        key, value = entry
        if type(key) is not list:
            break
        for part in key:
            if type(part) is not str and type(part) is not int:
                break
        else:
            tv = type(value)
            if tv is int or (tv is float and (finite or math.isfinite(value))):
                continue
        break
    else:
        return
    for i, entry in enumerate(entries):
        value = _check_key(i, entry)
        tv = type(value)
        if tv is not int and tv is not float:
            raise SchemaError(f"entries[{i}][1]", f"expected a number, got {_tname(value)}")
        if not math.isfinite(value):
            raise SchemaError(f"entries[{i}][1]", f"expected a finite number, got {value}")


def _check_bucket_entries(entries: list) -> None:
    for i, entry in enumerate(entries):
        buckets = _check_key(i, entry)
        if type(buckets) is not list:
            raise SchemaError(f"entries[{i}][1]", f"expected a list of [[low, high], count] buckets, got {_tname(buckets)}")
        for j, bucket in enumerate(buckets):
            if (
                type(bucket) is not list
                or len(bucket) != 2
                or type(bucket[0]) is not list
                or len(bucket[0]) != 2
                or type(bucket[0][0]) is not int
                or type(bucket[0][1]) is not int
                or type(bucket[1]) is not int
            ):
                raise SchemaError(f"entries[{i}][1][{j}]", f"expected [[low, high], count] of integers, got {bucket!r:.80}")
            if bucket[0][0] > bucket[0][1]:
                raise SchemaError(f"entries[{i}][1][{j}]", f"bucket low {bucket[0][0]} is above high {bucket[0][1]}")


def _check_stats_entries(entries: list) -> None:
    for i, entry in enumerate(entries):
        value = _check_key(i, entry)
        if type(value) is not dict:
            raise SchemaError(f"entries[{i}][1]", f"expected {{count, average, total}}, got {_tname(value)}")
        for name in ("count", "average", "total"):
            part = value.get(name)
            if type(part) is not int and type(part) is not float:
                raise SchemaError(f"entries[{i}][1].{name}", f"expected a number, got {_tname(part)}")


def _text(msg: dict, name: str) -> str:
    value = msg[name]
    if type(value) is not str or not value:
        raise SchemaError(name, f"expected a non-empty string, got {_tname(value)}")
    return value


def _number(msg: dict, name: str) -> float:
    value = msg[name]
    tv = type(value)
    if (tv is not int and tv is not float) or not math.isfinite(value):
        raise SchemaError(name, f"expected a finite number, got {_tname(value)}")
    return value


def _tname(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "integer", float: "number"}.get(
        type(value), type(value).__name__
    )
