"""The one message: a snapshot of one aggregation, from one host, at one instant.

Every producer (agent backends, replay, the legacy importer) builds ``Snapshot``
objects and every consumer (store, recorder, GUI) reads them. The wire form is
documented in docs/message-schema.md; ``codec.py`` turns one into the other.

Entries are kept as ``[key, value]`` pairs, ``key`` a list of str/int (the
aggregation's key tuple) and ``value`` one of:

* a number (count, sum, avg, min, max, stddev);
* buckets ``[[[low, high], count], ...]`` (quantize, lquantize, llquantize,
  bpftrace hist and lhist), python-dtrace's own shape; open ends use
  ``INT64_MIN``/``INT64_MAX`` as python-dtrace does; buckets whose count is
  0 may be left out;
* ``{"count": n, "average": a, "total": t}`` for bpftrace ``stats``.

Producers build lists; a decoded snapshot holds ``(key, value)`` and
``((low, high), count)`` tuples, as the validating parser gives them, and is
used as decoded, with no per-entry copy. Readers unpack pairs and never care
which of the two sequence types they got.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

#: Open ends of a histogram, the sentinels python-dtrace uses.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: Kinds whose value is a single number.
SCALAR_KINDS = frozenset({"count", "sum", "avg", "min", "max", "stddev"})
#: Kinds whose value is a list of ``[[low, high], count]`` buckets.
BUCKET_KINDS = frozenset({"quantize", "lquantize", "llquantize", "hist", "lhist"})
#: Kinds whose value is ``{"count", "average", "total"}`` (bpftrace ``stats``).
STATS_KINDS = frozenset({"stats"})
KINDS = SCALAR_KINDS | BUCKET_KINDS | STATS_KINDS

#: Kinds whose per-interval deltas add up to the running total. ``min``,
#: ``max``, ``avg`` and ``stddev`` do not add: for those a "cumulative" view is
#: the last value, not a sum.
ADDITIVE_KINDS = frozenset({"count", "sum"}) | BUCKET_KINDS

#: Stream of the agent's own health (its drops and the tracer's).
AGENT_SOURCE = "suricate-agent"
DROPS_AGGREGATION = "drops"


@dataclass(slots=True)
class Snapshot:
    """One aggregation's entries at one instant.

    ``delta`` is True when values are what happened during the last
    ``interval`` seconds (python-dtrace and bpftrace with clear), False when
    they are running totals since the script started.
    """

    host: str
    source: str
    agg: str
    kind: str
    ts: float
    interval: float = 1.0
    delta: bool = True
    entries: list[list[Any]] = field(default_factory=list)
    seq: int = 0
    run: str = ""

    @property
    def stream(self) -> tuple[str, str, str]:
        """The (host, source, aggregation) triple that names a stream."""
        return (self.host, self.source, self.agg)

    @property
    def routing_key(self) -> str:
        """AMQP routing key ``<host>.<source>.<aggregation>``."""
        return routing_key(self.host, self.source, self.agg)


def routing_key(host: str, source: str, agg: str) -> str:
    """Routing key of a stream; dots inside a part become ``_`` so a pattern
    like ``web01.#`` always splits the same way."""
    return ".".join(_word(p) for p in (host, source, agg))


def _word(part: str) -> str:
    word = part.replace(".", "_").replace("#", "_").replace("*", "_")
    return word or "_"


def bucket_label(low: int, high: int) -> str:
    """Human label of a bucket, as a histogram axis would show it."""
    if low == INT64_MIN:
        return f"< {high + 1}"
    if high == INT64_MAX:
        return f">= {low}"
    if low == high:
        return str(low)
    return f"{low}..{high}"
