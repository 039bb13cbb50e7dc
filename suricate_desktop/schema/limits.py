"""What the desk accepts from the network: every limit on a body, and the error that names a breach.

Anyone who can publish to the broker can send anything, so each limit here
bounds what one body can cost a consumer (time, memory, stack) or make it
store. The numbers are documented in docs/message-schema.md ("Limits"); the
JSON codec enforces them (``codec.py``, mostly inside msgspec's parser), the
legacy parser too (``legacy.py``), and the control channel reuses the depth
check. Integers are bounded by what the recording's columns hold
(``store/recording.py``: int64 for ``seq``, bucket bounds and key parts,
float64 for values), times by what its microsecond timestamps hold.
"""

from __future__ import annotations

import re

from .snapshot import INT64_MAX, INT64_MIN

#: Largest body the desk accepts; larger ones are rejected before parsing.
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Deepest nesting of arrays and objects in a body, checked before parsing. A valid
#: snapshot nests 6 deep (a bucket's bounds); the rest is room for unknown fields.
MAX_DEPTH = 32
#: ``ts``: seconds since the epoch, from 1970 to 2200-01-01T00:00:00Z.
MAX_TS = 7_258_118_400.0
#: ``interval``: at most 366 days.
MAX_INTERVAL = 366 * 86_400.0
#: ``host``, ``source``, ``agg``, ``kind`` and the names of stats fields, in characters.
MAX_NAME = 255
#: ``run``, in characters.
MAX_RUN = 128
#: One string part of a key (a stack trace can be a long one), in characters.
MAX_KEY_PART = 65_536
#: Parts of one key.
MAX_KEY_PARTS = 64
#: Entries of one snapshot.
MAX_ENTRIES = 100_000
#: Buckets of one histogram entry.
MAX_BUCKETS = 100_000
#: Fields of one stats value (``count``, ``average``, ``total`` and a few to spare).
MAX_STATS_FIELDS = 16
#: Integer values (counts, sums) up to this size are exact in the float64 columns every store
#: keeps; larger ones, up to int64, are accepted and kept as the nearest float.
EXACT_INT = 2**53

__all__ = [
    "EXACT_INT",
    "INT64_MAX",
    "INT64_MIN",
    "MAX_BODY_BYTES",
    "MAX_BUCKETS",
    "MAX_DEPTH",
    "MAX_ENTRIES",
    "MAX_INTERVAL",
    "MAX_KEY_PART",
    "MAX_KEY_PARTS",
    "MAX_NAME",
    "MAX_RUN",
    "MAX_STATS_FIELDS",
    "MAX_TS",
    "SchemaError",
    "check_depth",
]


class SchemaError(ValueError):
    """A message that does not follow docs/message-schema.md.

    ``field`` is a path into the message (``entries[3][1]``) and ``reason`` says
    what was wrong there; ``str()`` gives both.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


# Brackets become < and >, quotes stay, everything else goes: a body of 8 MiB shrinks in one C pass.
_MARKS = bytes.maketrans(b"[{]}", b"<<>>")
_NOT_MARKS = bytes(b for b in range(256) if b not in b'[]{}"')
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
#: Marks beyond this many bytes are counted with numpy, a chunk at a time, rather than with replaces.
LARGE_MARKS = 64 * 1024
_CHUNK = 1 << 20


def check_depth(body: bytes, limit: int = MAX_DEPTH) -> None:
    """Raise SchemaError if the JSON in ``body`` nests arrays and objects deeper than ``limit``.

    Run before any parser sees the body, so a parser's recursion never meets
    a deep body. Without a loop in Python over the bytes: escapes are dropped
    (so every remaining quote opens or closes a string) and the body is
    reduced to its brackets and quotes in one C pass. A small body's strings
    are then dropped and each pass removes every innermost ``<>`` pair (a
    body of depth d is empty after d passes); a large one's depth is a
    running sum computed with numpy, a megabyte at a time. A typical 100-entry
    body costs a few microseconds, 8 MiB some tens of milliseconds
    (bench/hostile.py). Unbalanced brackets and unclosed strings are refused
    here too: no parser would accept them.
    """
    if len(body) < 256 and body.count(b"[") + body.count(b"{") <= limit:
        return  # too few brackets to be deep: the common small body, cheaply
    if b"\\" in body:
        body = _ESCAPE.sub(b"", body)
    marks = body.translate(_MARKS, _NOT_MARKS)
    if len(marks) <= limit:
        return
    if len(marks) > LARGE_MARKS:
        return _check_large(marks, limit)
    # Strings reduced to "" (no bracket inside) vanish in one replace; the first one that held
    # a bracket would leave its opening quote behind, and then the regex does it properly.
    outside = marks.replace(b'""', b"")
    if b'"' in outside:
        outside = _STRING.sub(b"", marks)
        if b'"' in outside:
            raise SchemaError("", "not JSON: a string is not closed")
    if b"<" * (limit + 1) in outside:  # the plain attack, found by one search
        raise SchemaError("", _too_deep(limit))
    for _ in range(limit):
        shorter = outside.replace(b"<>", b"")
        if not shorter:
            return
        if len(shorter) == len(outside):
            raise SchemaError("", "not JSON: brackets do not balance")
        outside = shorter
    raise SchemaError("", _too_deep(limit))


def _check_large(marks: bytes, limit: int) -> None:
    """``check_depth`` for large bodies: the running depth outside strings, in chunks of bounded memory."""
    import numpy as np  # only here: small bodies never need it

    depth = 0
    in_string = 0
    for start in range(0, len(marks), _CHUNK):
        a = np.frombuffer(marks, np.uint8, min(_CHUNK, len(marks) - start), start)
        quotes = a == 34
        # 1 from an opening quote up to its closing quote (exclusive), carried over from the last chunk
        inside = (np.cumsum(quotes, dtype=np.int64) + in_string) & 1
        steps = (a == 60).astype(np.int32) - (a == 62)
        steps[inside.astype(bool)] = 0
        running = np.cumsum(steps) + depth
        if running.max() > limit:
            raise SchemaError("", _too_deep(limit))
        if running.min() < 0:
            raise SchemaError("", "not JSON: brackets do not balance")
        depth = int(running[-1])
        in_string = int(inside[-1])
    if in_string:
        raise SchemaError("", "not JSON: a string is not closed")
    if depth:
        raise SchemaError("", "not JSON: brackets do not balance")


def _too_deep(limit: int) -> str:
    return f"nested deeper than {limit} levels of arrays and objects"
