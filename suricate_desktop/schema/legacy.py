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
import time

from .codec import SchemaError
from .snapshot import Snapshot

#: Legacy bodies are tiny; anything larger is refused before parsing.
MAX_LEGACY_BYTES = 64 * 1024


def decode_legacy(
    body: bytes, host: str = "legacy", source: str = "dtrace", agg: str = "legacy", ts: float | None = None
) -> Snapshot:
    """Parse one legacy body into a count snapshot of deltas."""
    if len(body) > MAX_LEGACY_BYTES:
        raise SchemaError("", f"legacy message of {len(body)} bytes exceeds the {MAX_LEGACY_BYTES}-byte limit")
    try:
        text = body.decode("utf-8")
        record = ast.literal_eval(text)  # safe: literals only (no names, calls or attributes), size-capped above
    except (UnicodeDecodeError, ValueError, SyntaxError, MemoryError, RecursionError, TypeError) as exc:
        raise SchemaError("", f"not a Python literal: {exc}") from None
    if type(record) is not dict or not record:
        raise SchemaError("", f"expected a {{key: value}} dict, got {type(record).__name__}")
    entries = []
    for key, value in record.items():
        if type(value) is not int and type(value) is not float:
            raise SchemaError(f"[{key!r}]", f"expected a number, got {type(value).__name__}")
        entries.append([_key(key), value])
    return Snapshot(host, source, agg, "count", time.time() if ts is None else ts, 1.0, True, entries)


def _key(key: object) -> list:
    parts = key if isinstance(key, tuple) else (key,)
    out: list = []
    for part in parts:
        if isinstance(part, bytes):
            out.append(part.decode("utf-8", "replace"))
        elif isinstance(part, (str, int)) and not isinstance(part, bool):
            out.append(part)
        else:
            raise SchemaError("key", f"key part must be bytes, str or int, got {type(part).__name__}")
    return out
