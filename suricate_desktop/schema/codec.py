"""JSON wire form of a Snapshot: encode on the agent, decode and validate at the edge.

Validation is the only thing that stands between the network and the store, so
it is strict and precise (each error names the field and what was wrong) and
cheap, because it runs for every message the desk receives: msgspec parses the
JSON straight into typed fields and checks the message's structure in C as it
parses (no slower than parsing alone), and only the checks that depend on
``kind`` run in Python. Nothing received is ever eval'd or unpickled.
"""

from __future__ import annotations

import math
import re
from operator import itemgetter
from typing import Any, Union

import msgspec
import orjson

from .snapshot import BUCKET_KINDS, KINDS, SCALAR_KINDS, SCHEMA_VERSION, Snapshot

#: Largest body the desk accepts; larger ones are rejected before parsing.
MAX_BODY_BYTES = 8 * 1024 * 1024


_Number = Union[int, float]
_Value = Union[int, float, list[tuple[tuple[int, int], int]], dict[str, _Number]]


class _Wire(msgspec.Struct, forbid_unknown_fields=False):
    """The body's structure, as msgspec checks it while parsing."""

    v: int
    host: str
    source: str
    agg: str
    kind: str
    ts: float
    interval: float
    delta: bool
    entries: list[tuple[list[Union[str, int]], _Value]]
    seq: int = 0
    run: str = ""


_decoder = msgspec.json.Decoder(_Wire)
_second = itemgetter(1)
_NUMBERS = {int, float}


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
    """Parse and validate one body; raise SchemaError saying exactly what is wrong.

    Entries come back as ``(key, value)`` tuples and buckets as
    ``((low, high), count)``: the same shape as lists for every reader.
    """
    if len(body) > max_bytes:
        raise SchemaError("", f"message of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    try:
        wire = _decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise _explain(body, exc) from None
    except msgspec.DecodeError as exc:
        raise SchemaError("", f"not JSON: {exc}") from None
    if wire.v != SCHEMA_VERSION:
        raise _version_error(wire.v)
    snap = Snapshot(wire.host, wire.source, wire.agg, wire.kind, wire.ts, wire.interval, wire.delta, wire.entries,
                    wire.seq, wire.run)
    _check_semantics(snap)
    return snap


_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_MISSING = re.compile(r"Object missing required field `(?P<name>[^`]+)`")


def _explain(body: bytes, exc: msgspec.ValidationError) -> SchemaError:
    """Turn msgspec's message into ours; the version is judged before anything else."""
    try:
        msg = orjson.loads(body)
    except orjson.JSONDecodeError:
        msg = None
    if type(msg) is dict:
        version = msg.get("v")
        if version is not None and (version != SCHEMA_VERSION or type(version) is not int):
            return _version_error(version)
    text = str(exc)
    missing = _MISSING.match(text)
    if missing:
        return SchemaError(missing["name"], "missing field")
    match = _PATH.search(text)
    field = match["path"].lstrip(".") if match else ""
    reason = text[: match.start()] if match else text
    return SchemaError(field, _EXPECTED.sub(lambda m: f"expected {_words(m['want'])}, got {_words(m['got'])}", reason))


_EXPECTED = re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`")
_TYPE_WORDS = {
    "int | float | object | array": "a number, [[low, high], count] buckets or {count, average, total}",
    "int | str": "a key part (a string or integer)",
    "float": "a number", "int": "an integer", "str": "a string", "bool": "true or false", "array": "a list",
    "object": "a JSON object", "null": "null",
}


def _words(name: str) -> str:
    return _TYPE_WORDS.get(name, name)


def _version_error(version: Any) -> SchemaError:
    return SchemaError("v", f"unsupported schema version {version!r} (this desk reads {SCHEMA_VERSION})")


def _check_semantics(snap: Snapshot) -> None:
    """What the structure alone cannot say: names, the kind, and values that fit the kind."""
    for name in ("host", "source", "agg"):
        if not getattr(snap, name):
            raise SchemaError(name, "expected a non-empty string")
    kind = snap.kind
    if kind not in KINDS:
        raise SchemaError("kind", f"unknown kind {kind!r}; expected one of {', '.join(sorted(KINDS))}")
    if not math.isfinite(snap.ts):
        raise SchemaError("ts", "expected a finite number")
    if snap.interval < 0 or not math.isfinite(snap.interval):
        raise SchemaError("interval", f"must be a finite number >= 0, got {snap.interval}")
    entries = snap.entries
    if not entries:
        return
    if kind in SCALAR_KINDS:
        # One C-level pass over the values' types; the loop below only runs to name the culprit.
        if set(map(type, map(_second, entries))) <= _NUMBERS:
            return
        for i, (_, value) in enumerate(entries):
            if type(value) not in _NUMBERS:
                raise SchemaError(f"entries[{i}][1]", f"a {kind} value must be a number, got {_tname(value)}")
    elif kind in BUCKET_KINDS:
        for i, (_, buckets) in enumerate(entries):
            if type(buckets) is not list:
                raise SchemaError(f"entries[{i}][1]", f"a {kind} value must be [[[low, high], count], ...], "
                                  f"got {_tname(buckets)}")
            for j, ((low, high), _count) in enumerate(buckets):
                if low > high:
                    raise SchemaError(f"entries[{i}][1][{j}]", f"bucket low {low} is above high {high}")
    else:
        for i, (_, stats) in enumerate(entries):
            if type(stats) is not dict:
                raise SchemaError(f"entries[{i}][1]", f"a stats value must be {{count, average, total}}, "
                                  f"got {_tname(stats)}")
            for name in ("count", "average", "total"):
                if type(stats.get(name)) not in _NUMBERS:
                    raise SchemaError(f"entries[{i}][1].{name}", f"expected a number, got {_tname(stats.get(name))}")


def _tname(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "integer", float: "number"}.get(
        type(value), type(value).__name__
    )
