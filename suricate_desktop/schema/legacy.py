"""The 2012 sender's bodies: ``str({key: value})``, one record per message.

The blog's ``send.py`` published the Python repr of a one-entry dict to the
default exchange with routing key ``dtrace``, each value the delta since the
last walk (``{'bash': 12}``; under Python 3 the key is bytes: ``{b'bash': 12}``).
A queue marked legacy is parsed here by the ``ast`` module's literal parser
(the one reviewed call below), which accepts Python literals only and never
evaluates code, and every record becomes a Snapshot like any other.
"""

from __future__ import annotations

import ast
import math
import time

from .limits import EXACT_INT, INT64_MAX, INT64_MIN, MAX_ENTRIES, MAX_KEY_PART, MAX_KEY_PARTS, SchemaError
from .snapshot import Snapshot

#: Legacy bodies are tiny; anything larger is refused before parsing.
MAX_LEGACY_BYTES = 64 * 1024


def decode_legacy(
    body: bytes, host: str = "legacy", source: str = "dtrace", agg: str = "legacy", ts: float | None = None
) -> Snapshot:
    """Parse one legacy body into a count snapshot of deltas; SchemaError, and nothing else, if it is not one.

    The same ranges as a JSON body's: key parts int64 or strings of bounded
    length, values finite and within int64 (beyond 2**53 kept as the nearest
    float), entries bounded. Python's parser refuses more than 200 nested
    brackets and over-complex expressions itself (SyntaxError, MemoryError,
    RecursionError), which end here as SchemaError like anything else.
    """
    if len(body) > MAX_LEGACY_BYTES:
        raise SchemaError(
            "", f"legacy message of {len(body)} bytes exceeds the {MAX_LEGACY_BYTES}-byte limit"
        )
    try:
        text = body.decode("utf-8")
        record = ast.literal_eval(text)  # safe: literals only, no names or calls; size capped
    except Exception as exc:  # SyntaxError, ValueError, MemoryError, RecursionError, UnicodeDecodeError...
        raise SchemaError("", f"not a Python literal: {type(exc).__name__}: {str(exc)[:200]}") from None
    if type(record) is not dict or not record:
        raise SchemaError("", f"expected a {{key: value}} dict, got {type(record).__name__}")
    if len(record) > MAX_ENTRIES:
        raise SchemaError("", f"{len(record)} entries, more than {MAX_ENTRIES}")
    entries = []
    for key, value in record.items():
        entries.append([_key(key), _value(key, value)])
    return Snapshot(host, source, agg, "count", time.time() if ts is None else ts, 1.0, True, entries)


def _value(key: object, value: object) -> int | float:
    if type(value) is int:
        if not INT64_MIN <= value <= INT64_MAX:
            raise SchemaError(f"[{_show(key)}]", "value beyond int64")
        return value if -EXACT_INT <= value <= EXACT_INT else float(value)
    if type(value) is float:
        if not math.isfinite(value):
            raise SchemaError(f"[{_show(key)}]", f"expected a finite number, got {value}")
        return value
    raise SchemaError(f"[{_show(key)}]", f"expected a number, got {type(value).__name__}")


def _key(key: object) -> list[str | int]:
    parts = key if type(key) is tuple else (key,)
    if len(parts) > MAX_KEY_PARTS:
        raise SchemaError("key", f"{len(parts)} key parts, more than {MAX_KEY_PARTS}")
    out: list[str | int] = []
    for part in parts:
        if type(part) is bytes:
            part = part.decode("utf-8", "replace")
        if type(part) is str:
            if len(part) > MAX_KEY_PART:
                raise SchemaError("key", f"key part of {len(part)} characters, more than {MAX_KEY_PART}")
            # A lone surrogate ('\ud800' in the literal) could not be written anywhere as UTF-8.
            out.append(part.encode("utf-8", "replace").decode("utf-8"))
        elif type(part) is int:
            if not INT64_MIN <= part <= INT64_MAX:
                raise SchemaError("key", "key part beyond int64")
            out.append(part)
        else:
            raise SchemaError("key", f"key part must be bytes, str or int, got {type(part).__name__}")
    return out


def _show(key: object) -> str:
    return repr(key)[:80]
