"""JSON wire form of a Snapshot: encode on the agent, decode and validate at the edge.

Validation is the only thing that stands between the network and the store, so
it is strict and precise (each error names the field and what was wrong) and
cheap, because it runs for every message the desk receives: after the size,
msgspec parses the JSON straight into typed fields and checks the message's
structure and every range (int64 integers, string lengths, entry counts, the
time) in C as it parses, and only the checks that depend on ``kind`` run in
Python. The nesting depth needs no pass of its own for a body of known fields
(the types stop the parser 6 levels down); any other body has its depth and
encoding checked (``limits.py``) before a decoder that skips unknown values
reads it. Whatever the body, ``decode`` raises ``SchemaError`` and nothing
else. Nothing received is ever eval'd or unpickled.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Annotated, Any, Union

import msgspec
import orjson

from .limits import (
    EXACT_INT,
    INT64_MAX,
    INT64_MIN,
    MAX_BODY_BYTES,
    MAX_BUCKETS,
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_INTERVAL,
    MAX_KEY_PART,
    MAX_KEY_PARTS,
    MAX_NAME,
    MAX_RUN,
    MAX_STATS_FIELDS,
    MAX_TS,
    SchemaError,
    check_depth,
)
from .snapshot import BUCKET_KINDS, KINDS, SCALAR_KINDS, SCHEMA_VERSION, Snapshot

_Int64 = Annotated[int, msgspec.Meta(ge=INT64_MIN, le=INT64_MAX)]
#: Integers a float64 column holds exactly; a larger value takes the slow path (``_widen``).
_ExactInt = Annotated[int, msgspec.Meta(ge=-EXACT_INT, le=EXACT_INT)]
_Name = Annotated[str, msgspec.Meta(max_length=MAX_NAME)]
_KeyPart = Annotated[str, msgspec.Meta(max_length=MAX_KEY_PART)] | _Int64
_Key = Annotated[list[_KeyPart], msgspec.Meta(max_length=MAX_KEY_PARTS)]


def _wire_type(value_int: Any, strict: bool) -> type:
    """The body's structure, as msgspec checks it while parsing.

    ``value_int`` bounds integer values; ``strict`` refuses unknown fields (at
    their name, before their value is read).
    """
    # Union[], not |: these are types built at run time from a parameter, which mypy cannot read as aliases.
    number = Union[value_int, float]  # noqa: UP007
    buckets = Annotated[list[tuple[tuple[_Int64, _Int64], value_int]], msgspec.Meta(max_length=MAX_BUCKETS)]
    stats = Annotated[
        dict[Annotated[str, msgspec.Meta(max_length=MAX_NAME)], number],
        msgspec.Meta(max_length=MAX_STATS_FIELDS),
    ]
    value = Union[value_int, float, buckets, stats]  # noqa: UP007

    return msgspec.defstruct(
        "_Wire",
        [
            ("v", int),
            ("host", _Name),
            ("source", _Name),
            ("agg", _Name),
            ("kind", Annotated[str, msgspec.Meta(max_length=MAX_NAME)]),
            ("ts", Annotated[float, msgspec.Meta(ge=0.0, le=MAX_TS)]),
            ("interval", Annotated[float, msgspec.Meta(ge=0.0, le=MAX_INTERVAL)]),
            ("delta", bool),
            ("entries", Annotated[list[tuple[_Key, value]], msgspec.Meta(max_length=MAX_ENTRIES)]),
            ("seq", _Int64, 0),
            ("run", Annotated[str, msgspec.Meta(max_length=MAX_RUN)], ""),
        ],
        forbid_unknown_fields=strict,
    )


# The strict decoder reads every body first. Every value it reads has a type at most 6 levels deep and
# it stops at the first token that does not fit, so it never descends further whatever the body: a
# body without unknown fields needs no depth check of its own. Any other body takes the slow path,
# where the depth is checked before a lenient decoder (which skips unknown values, recursively) runs.
# JSON has no NaN or infinity, and msgspec refuses a float beyond float64's range ("Number out of
# range"), so every float that comes out of these decoders is finite.
# The wire struct is built at run time (``_wire_type``), so what these decoders return is typed Any.
_strict_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_wire_type(_ExactInt, strict=True))
_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_wire_type(_ExactInt, strict=False))
_wide_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_wire_type(_Int64, strict=False))
_version_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
    msgspec.defstruct("_Version", [("v", Any, None)])
)
_second = itemgetter(1)
_NUMBERS = {int, float}
#: How msgspec says a value was beyond 2**53 (the fast decoder's bound on integer values).
_BEYOND_EXACT = (f"` <= {EXACT_INT} - at", f"` >= {-EXACT_INT} - at")


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

    Whatever the body (any size, depth, encoding, number or type), SchemaError is
    the only exception: anything else a parser or a check might raise on hostile
    input (RecursionError, MemoryError, OverflowError...) is turned into one, so a
    caller never meets a body that kills it. Entries come back as ``(key, value)``
    tuples and buckets as ``((low, high), count)``: the same shape as lists for
    every reader.
    """
    try:
        return _decode(body, max_bytes)
    except SchemaError:
        raise
    except (
        Exception
    ) as exc:  # a parser's or a check's failure on a body nobody foresaw: still just a bad body
        raise SchemaError("", f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})") from None


def _decode(body: bytes, max_bytes: int) -> Snapshot:
    if len(body) > max_bytes:
        raise SchemaError("", f"message of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    try:
        wire = _strict_decoder.decode(body)
    except msgspec.ValidationError as exc:
        wire = _decode_slowly(body, exc)
    except msgspec.DecodeError as exc:
        raise SchemaError("", f"not JSON: {exc}") from None
    if wire.v != SCHEMA_VERSION:
        raise _version_error(wire.v)
    snap = Snapshot(
        wire.host,
        wire.source,
        wire.agg,
        wire.kind,
        wire.ts,
        wire.interval,
        wire.delta,
        wire.entries,
        wire.seq,
        wire.run,
    )
    _check_semantics(snap)
    return snap


def _decode_slowly(body: bytes, exc: msgspec.ValidationError) -> Any:
    """Bodies the strict decoder refused: unknown fields, integer values beyond 2**53, or errors.

    The depth and the encoding of the whole body are checked first, before any
    decoder that skips values (the lenient one, the version's) reads it.
    """
    check_depth(body, MAX_DEPTH)
    if not body.isascii():  # msgspec checks the strings it keeps, not those of fields it skips
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SchemaError("", f"not UTF-8: {error}") from None
    text = str(exc)
    if text.startswith("Object contains unknown field"):
        try:
            return _decoder.decode(body)
        except msgspec.ValidationError as error:
            exc, text = error, str(error)
    if _BEYOND_EXACT[0] in text or _BEYOND_EXACT[1] in text:
        return _widen(body)
    raise _explain(body, exc)


def _widen(body: bytes) -> Any:
    """The slow path for integer values beyond 2**53 (within int64): kept as the nearest float.

    Every store keeps values as float64 (the recording's ``value`` column, the
    live store's rings), and an integer a float64 cannot hold exactly would
    not go into a column; the fast decoder refuses such values, this one
    takes them and turns them into floats.
    """
    try:
        wire = _wide_decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise _explain(body, exc) from None
    entries = wire.entries
    for i, (key, value) in enumerate(entries):
        if type(value) is int:
            entries[i] = (key, _exact(value))
        elif type(value) is list:
            value[:] = [(bounds, _exact(count)) for bounds, count in value]
        elif type(value) is dict:
            for name, number in value.items():
                value[name] = _exact(number)
    return wire


def _exact(number: int | float) -> int | float:
    return float(number) if type(number) is int and not -EXACT_INT <= number <= EXACT_INT else number


_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_MISSING = re.compile(r"Object missing required field `(?P<name>[^`]+)`")


def _explain(body: bytes, exc: msgspec.ValidationError) -> SchemaError:
    """Turn msgspec's message into ours; the version is judged before anything else."""
    try:  # only the version is built; msgspec skips the rest without making objects of it
        version = _version_decoder.decode(body).v
    except (msgspec.ValidationError, msgspec.DecodeError):
        version = None
    if version is not None and (version != SCHEMA_VERSION or type(version) is not int):
        return _version_error(version)
    text = str(exc)
    missing = _MISSING.match(text)
    if missing:
        return SchemaError(missing["name"], "missing field")
    match = _PATH.search(text)
    field = match["path"].lstrip(".") if match else ""
    reason = text[: match.start()] if match else text
    reason = _EXPECTED.sub(lambda m: f"expected {_words(m['want'])}, got {_words(m['got'])}", reason)
    bound = _BOUND.sub(
        lambda m: f"expected {_words(m['want'])} {_BOUND_WORDS.get(m['rest'], m['rest'])}", reason
    )
    return SchemaError(field, bound)


_EXPECTED = re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`")
_BOUND = re.compile(r"^Expected `(?P<want>[^`]+)` (?P<rest>.+)$")
_TYPE_WORDS = {
    "int | float | object | array": "a number, [[low, high], count] buckets or {count, average, total}",
    "int | str": "a key part (a string or integer)",
    "float": "a number",
    "int": "an integer",
    "str": "a string",
    "bool": "true or false",
    "array": "a list",
    "object": "a JSON object",
    "null": "null",
}
_BOUND_WORDS = {
    f"<= {INT64_MAX}": f"<= {INT64_MAX} (int64)",
    f">= {INT64_MIN}": f">= {INT64_MIN} (int64)",
    f"<= {MAX_TS}": f"<= {MAX_TS:.0f} (2200-01-01 in seconds since the epoch)",
}


def _words(name: str) -> str:
    return _TYPE_WORDS.get(name, name)


def _version_error(version: Any) -> SchemaError:
    return SchemaError(
        "v", f"unsupported schema version {repr(version)[:40]} (this desk reads {SCHEMA_VERSION})"
    )


def _check_semantics(snap: Snapshot) -> None:
    """What the structure alone cannot say: names, the kind, and values that fit the kind."""
    for name in ("host", "source", "agg"):
        if not getattr(snap, name):
            raise SchemaError(name, "expected a non-empty string")
    kind = snap.kind
    if kind not in KINDS:
        raise SchemaError("kind", f"unknown kind {kind[:40]!r}; expected one of {', '.join(sorted(KINDS))}")
    # ts and interval were range-checked by the parser (finite: JSON has no NaN or infinity).
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
                raise SchemaError(
                    f"entries[{i}][1]",
                    f"a {kind} value must be [[[low, high], count], ...], got {_tname(buckets)}",
                )
            for j, ((low, high), _count) in enumerate(buckets):
                if low > high:
                    raise SchemaError(f"entries[{i}][1][{j}]", f"bucket low {low} is above high {high}")
    else:
        for i, (_, stats) in enumerate(entries):
            if type(stats) is not dict:
                raise SchemaError(
                    f"entries[{i}][1]",
                    f"a stats value must be {{count, average, total}}, got {_tname(stats)}",
                )
            for name in ("count", "average", "total"):
                if type(stats.get(name)) not in _NUMBERS:
                    raise SchemaError(
                        f"entries[{i}][1].{name}", f"expected a number, got {_tname(stats.get(name))}"
                    )


def _tname(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "object",
        list: "list",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
    }.get(type(value), type(value).__name__)
