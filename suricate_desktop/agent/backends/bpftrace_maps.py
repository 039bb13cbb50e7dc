"""The maps a bpftrace script aggregates into, and their printed values as snapshot entries.

Kept apart from the backend (``bpftrace.py``, which runs the tracer) because the recording importers
(``agent/importers.py``) read bpftrace's saved JSON output with the same rules: which maps are results,
how a joined key splits back into parts, how running totals become per-interval deltas. The why of
each rule (cumulative versus cleared maps, key splitting) is in ``bpftrace.py``'s module docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...lang.lexer import mask_comments_and_strings
from ...schema import INT64_MAX, INT64_MIN

#: Aggregating functions of bpftrace and the snapshot kind each gives.
AGG_FUNCTIONS = ("count", "sum", "avg", "min", "max", "hist", "lhist", "stats")
_SCALAR = frozenset({"count", "sum", "avg", "min", "max"})
_BUCKETS = frozenset({"hist", "lhist"})


@dataclass(frozen=True, slots=True)
class Aggregation:
    """One map the script aggregates into."""

    map: str  # as written: "@name" or "@"
    agg: str  # snapshot name: "name", or "@" for the anonymous map
    kind: str  # count sum avg min max hist lhist stats
    arity: int  # number of key parts, 0 for a map without keys
    #: True: printed as running totals and differenced here (never cleared);
    #: False: printed and cleared every interval. See the module docstring.
    cumulative: bool = False


_MAP_NAME = re.compile(r"@(\w*)")
#: Kinds whose running totals only grow, so the interval's delta is a subtraction.
_CUMULATIVE_KINDS = frozenset({"count", "sum", "hist", "lhist", "stats"})
_RESETS = re.compile(r"\b(?:clear|zero|delete)\s*\(\s*(@\w*)")
_ASSIGN_FN = re.compile(r"\s*=(?!=)\s*(" + "|".join(AGG_FUNCTIONS) + r")\s*\(")


def find_aggregations(script: str) -> list[Aggregation]:
    """Every map the script assigns an aggregating function to, in order of first appearance.

    A regex finds ``@name``; the key in brackets is skipped by matching
    brackets (keys may hold ``[`` and ``(``), then ``= count(`` (or another
    aggregating function) must follow. The key's top-level commas give its
    arity, which tells how to split bpftrace's joined keys.

    count/sum/hist/lhist/stats maps are ``cumulative`` unless the script
    itself clears, zeroes or deletes from them (then their running totals
    would go back, and they are printed and cleared like the others).
    """
    text = mask_comments_and_strings(script, "bpftrace")
    reset_by_script = set(_RESETS.findall(text))
    found: dict[str, Aggregation] = {}
    for m in _MAP_NAME.finditer(text):
        name = m.group(1)
        pos = m.end()
        arity = 0
        # skip blanks between the name and '['
        p = pos
        while p < len(text) and text[p] in " \t":
            p += 1
        if p < len(text) and text[p] == "[":
            end, arity = _scan_key(text, p)
            if end < 0:
                continue
            pos = end
        fn = _ASSIGN_FN.match(text, pos)
        if fn is None:
            continue
        mapname = "@" + name
        if mapname not in found:
            kind = fn.group(1)
            cumulative = kind in _CUMULATIVE_KINDS and mapname not in reset_by_script
            found[mapname] = Aggregation(mapname, name or "@", kind, arity, cumulative)
    return list(found.values())


def _scan_key(text: str, start: int) -> tuple[int, int]:
    """From the ``[`` at ``start``: (index after the matching ``]``, number of key parts), or (-1, 0)."""
    depth = 0
    commas = 0
    nonblank = False
    for i in range(start, len(text)):
        c = text[i]
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
            if depth == 0:
                return i + 1, (commas + 1 if nonblank else 0)
        elif c == "," and depth == 1:
            commas += 1
        elif depth >= 1 and not c.isspace():
            nonblank = True
    return -1, 0


# --------------------------------------------------------------------------- value conversion


def _part(s: str) -> int | str:
    """A key part: all-ASCII-digit strings (no leading zero) become ints."""
    if s.isdigit():
        if s.isascii() and (s[0] != "0" or len(s) == 1):
            return int(s)
    elif s[:1] == "-" and len(s) > 1 and s[1:].isdigit() and s.isascii() and s[1] != "0":
        return int(s)
    return s


def _key(joined: str, arity: int) -> list[Any]:
    if arity <= 1:
        return [_part(joined)]
    return [_part(p) for p in joined.split(",")]


def _buckets(records: list[Any]) -> list[Any]:
    return [[[b.get("min", INT64_MIN), b.get("max", INT64_MAX)], b["count"]] for b in records]


def convert_entries(value: Any, agg: Aggregation) -> list[list[Any]]:
    """One map's JSON value, as bpftrace printed it, to snapshot entries."""
    kind, arity = agg.kind, agg.arity
    if kind in _SCALAR:
        if type(value) is dict:
            return [[_key(k, arity), v] for k, v in value.items()]
        return [[[], value]]
    if kind in _BUCKETS:
        if type(value) is dict:
            return [[_key(k, arity), _buckets(v)] for k, v in value.items()]
        return [[[], _buckets(value)]]
    # stats: {"count", "average", "total"}, or a dict of them by key
    if arity == 0 and "count" in value and type(value["count"]) is not dict:
        return [[[], value]]
    return [[_key(k, arity), v] for k, v in value.items()]


def delta_entries(
    value: Any, agg: Aggregation, prev: dict[str, Any]
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Entries of what changed in a cumulative map since ``prev``, and the new ``prev``.

    ``value`` is the map's running totals as bpftrace printed them; ``prev``
    the state this function returned last time (``{}`` at first: everything
    counts). Keys whose totals did not move are left out, as a cleared map
    would leave them out. A count, a bucket or a stats count that went down
    means the map was reset under us (it was full and the user restarted
    it...): the new total is then the delta. A ``sum`` may legitimately go
    down (sums of negative values), so it is always a plain difference.
    stats: ``count`` and ``total`` are differenced and ``average`` recomputed
    (integer, truncated toward zero, as bpftrace prints it).
    """
    kind, arity = agg.kind, agg.arity
    if arity == 0:
        items: dict[str, Any] = {"": value}
    elif type(value) is dict:
        items = value
    else:  # cannot happen with a consistent script; be lenient
        items = {"": value}
    out: list[list[Any]] = []
    new: dict[str, Any] = {}
    if kind in _SCALAR:  # count, sum
        reset_on_drop = kind == "count"
        for k, v in items.items():
            d = v - prev.get(k, 0)
            if d < 0 and reset_on_drop:
                d = v
            if d:
                out.append([_key(k, arity) if arity else [], d])
        return out, items
    if kind in _BUCKETS:
        for k, buckets in items.items():
            cur = {(b.get("min", INT64_MIN), b.get("max", INT64_MAX)): b["count"] for b in buckets}
            new[k] = cur
            old = prev.get(k)
            if old is None:
                diff = [[[lo, hi], c] for (lo, hi), c in cur.items()]
            else:
                diff = [[[lo, hi], c - old.get((lo, hi), 0)] for (lo, hi), c in cur.items()]
                if any(c < 0 for _, c in diff):
                    diff = [[[lo, hi], c] for (lo, hi), c in cur.items()]
            # trim empty buckets at both ends, as bpftrace prints its own
            lo_i, hi_i = 0, len(diff)
            while lo_i < hi_i and diff[lo_i][1] == 0:
                lo_i += 1
            while hi_i > lo_i and diff[hi_i - 1][1] == 0:
                hi_i -= 1
            if lo_i < hi_i:
                out.append([_key(k, arity) if arity else [], diff[lo_i:hi_i]])
        return out, new
    # stats
    for k, v in items.items():
        old = prev.get(k)
        dc, dt = v["count"], v["total"]
        if old is not None:
            dc -= old["count"]
            dt -= old["total"]
            if dc < 0:
                dc, dt = v["count"], v["total"]
        if dc:
            q = abs(dt) // dc
            out.append(
                [_key(k, arity) if arity else [], {"count": dc, "average": q if dt >= 0 else -q, "total": dt}]
            )
    return out, items
