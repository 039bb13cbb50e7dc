"""Layer 0: the message schema shared by every producer and consumer."""

from .codec import decode, encode
from .legacy import decode_legacy
from .limits import MAX_BODY_BYTES, MAX_DEPTH, SchemaError, check_depth
from .snapshot import (
    ADDITIVE_KINDS,
    AGENT_SOURCE,
    BUCKET_KINDS,
    DROPS_AGGREGATION,
    INT64_MAX,
    INT64_MIN,
    KINDS,
    SCALAR_KINDS,
    SCHEMA_VERSION,
    STATS_KINDS,
    Snapshot,
    bucket_label,
    routing_key,
)

__all__ = [
    "ADDITIVE_KINDS",
    "AGENT_SOURCE",
    "BUCKET_KINDS",
    "DROPS_AGGREGATION",
    "INT64_MAX",
    "INT64_MIN",
    "KINDS",
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "SCALAR_KINDS",
    "SCHEMA_VERSION",
    "STATS_KINDS",
    "SchemaError",
    "Snapshot",
    "bucket_label",
    "check_depth",
    "decode",
    "decode_legacy",
    "encode",
    "routing_key",
]
