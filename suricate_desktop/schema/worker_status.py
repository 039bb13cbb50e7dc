"""A worker's status message: who it is, which scripts it runs, and how each one's last run went.

``suricate worker`` publishes one every few seconds on the ``suricate.workers`` exchange; the desk and
any monitor keep the newest per worker (``transport.worker_status.WorkerListener``). Like a snapshot, it
comes from the network and is validated at the edge: size and depth before parsing, then msgspec
parses it straight into these typed, bounded fields (docs/message-schema.md, "Worker status").
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from .limits import MAX_DEPTH, MAX_NAME, MAX_RUN, MAX_TS, SchemaError, check_depth

STATUS_VERSION = 1
#: Bodies larger than this are refused before parsing.
MAX_STATUS_BYTES = 256 * 1024
MAX_SCRIPTS = 200
MAX_ERROR = 2000

_Name = Annotated[str, msgspec.Meta(max_length=MAX_NAME)]
_Time = Annotated[float, msgspec.Meta(ge=0.0, le=MAX_TS)]
_Seconds = Annotated[float, msgspec.Meta(ge=0.0, le=366 * 86400.0)]
_Count = Annotated[int, msgspec.Meta(ge=0, le=2**53)]


class ScriptRun(msgspec.Struct, forbid_unknown_fields=True):
    """One run of a script: when it ended, its status, how long it took, what went wrong."""

    time: _Time
    status: Annotated[str, msgspec.Meta(max_length=32)]
    duration: _Seconds
    run: Annotated[str, msgspec.Meta(max_length=MAX_RUN)] = ""
    error: Annotated[str, msgspec.Meta(max_length=MAX_ERROR)] = ""
    snapshots: _Count = 0


class ScriptState(msgspec.Struct, forbid_unknown_fields=True):
    """A script the worker knows: its schedule (``every`` 0 when it runs only on jobs) and last run."""

    name: Annotated[str, msgspec.Meta(max_length=64)]
    every: _Seconds = 0.0
    over: _Seconds = 0.0
    runs: _Count = 0
    failures: _Count = 0
    last: ScriptRun | None = None


class WorkerStatus(msgspec.Struct, forbid_unknown_fields=True):
    v: int
    worker: _Name
    host: _Name
    pid: Annotated[int, msgspec.Meta(ge=0, le=2**31)]
    ts: _Time
    started: _Time
    state: Annotated[str, msgspec.Meta(max_length=32)] = "running"
    scripts: Annotated[list[ScriptState], msgspec.Meta(max_length=MAX_SCRIPTS)] = []
    jobs_done: _Count = 0
    jobs_refused: _Count = 0
    interval: _Seconds = 5.0


_DECODER = msgspec.json.Decoder(WorkerStatus)
_ENCODER = msgspec.json.Encoder()


def encode_status(status: WorkerStatus) -> bytes:
    return _ENCODER.encode(status)


def decode_status(body: bytes) -> WorkerStatus:
    """A validated status; ``SchemaError`` (and nothing else) for any body that is not one."""
    if len(body) > MAX_STATUS_BYTES:
        raise SchemaError("", f"status of {len(body)} bytes exceeds the {MAX_STATUS_BYTES}-byte limit")
    try:
        check_depth(body, MAX_DEPTH)
        status = _DECODER.decode(body)
    except SchemaError:
        raise
    except msgspec.ValidationError as exc:
        raise SchemaError("", f"invalid status: {exc}") from None
    except Exception as exc:  # DecodeError, UnicodeError, RecursionError...: not a status
        raise SchemaError("", f"malformed status: {type(exc).__name__}: {str(exc)[:100]}") from None
    if status.v != STATUS_VERSION:
        raise SchemaError("v", f"status version {status.v}; this reader knows {STATUS_VERSION}")
    return status
