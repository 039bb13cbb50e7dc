"""Run one processing script in a child process with a time and a memory limit; never fatal to the caller.

The worker is a long-lived service and a script is user code: it may raise, loop, print, allocate
without end or crash the interpreter. So it runs in ``child.py``, a fresh interpreter in a session
of its own, which lowers its own ``RLIMIT_AS`` (memory) and ``RLIMIT_CPU`` before it loads anything
of the script; this process kills the whole session at the wall-clock limit. Data goes in on stdin (a JSON
line, then the frames as Arrow IPC streams) and comes back as one JSON document on stdout (never a pickle: the answer is parsed and
validated here as any message from outside). Whatever happens, ``run_script`` returns a ``RunResult``
with a status (``ok``, ``error``, ``timeout``, ``memory``, ``crashed``, ``bad-output``), the error text
and the duration.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

#: Default limits of one run.
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY = 1 << 30
#: An answer larger than this is refused (the child is killed once it has written that much).
MAX_ANSWER_BYTES = 64 << 20
STATUSES = ("ok", "error", "timeout", "memory", "crashed", "bad-output")

#: One output row: (time or None for the run's time, [(key parts, value)]).
Row = tuple[float | None, list[tuple[list[str], float]]]


@dataclass
class RunResult:
    status: str
    duration: float
    error: str = ""
    outputs: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def frames_to_arrow(frames: Mapping[str, Any]) -> tuple[list[str], bytes]:
    """pandas DataFrames (time index, one column per key) as the child reads them: names, and for each
    an 8-byte little-endian length and an Arrow IPC stream (time as epoch seconds, then the keys)."""
    import numpy as np
    import pyarrow as pa

    names, chunks = [], []
    for name, frame in frames.items():
        index = frame.index
        times = (
            index.asi8 / 1e9
            if getattr(index, "unit", "ns") == "ns"
            else np.array([t.timestamp() for t in index])
        )
        values = frame.to_numpy(dtype="float64")
        arrays = [pa.array(np.asarray(times, dtype="float64"))]
        arrays += [pa.array(values[:, j]) for j in range(values.shape[1])]
        table = pa.Table.from_arrays(arrays, names=["time", *(str(c) for c in frame.columns)])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        data = sink.getvalue().to_pybytes()
        names.append(str(name))
        chunks += [len(data).to_bytes(8, "little"), data]
    return names, b"".join(chunks)


def run_script(
    script: str | os.PathLike[str],
    frames: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
) -> RunResult:
    """Run ``process(frames, params)`` of ``script`` in a sandbox child; the outcome, never an exception."""
    start = time.monotonic()
    try:
        names, data = frames_to_arrow(frames)
        header = orjson.dumps(
            {
                "script": str(Path(script).resolve()),
                "params": dict(params or {}),
                "frames": names,
                "memory": int(memory),
                "cpu": float(timeout),
            }
        )
        request = header + b"\n" + data
    except (TypeError, ValueError) as exc:
        return RunResult("error", time.monotonic() - start, f"cannot send the data to the script: {exc}")
    env = dict(os.environ)
    env["SURICATE_SANDBOX_PARENT"] = str(os.getpid())
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"  # jemalloc and mimalloc reserve address space up front
    # One thread per BLAS pool: each pool reserves address space, which RLIMIT_AS counts.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_MAX_THREADS"):
        env[name] = "1"
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "suricate_desktop.analytics.processing.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
        )
    except OSError as exc:
        return RunResult("crashed", time.monotonic() - start, f"cannot start the sandbox: {exc}")
    try:
        out, err = child.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(child)
        child.communicate()
        return RunResult("timeout", time.monotonic() - start, f"killed after {timeout:g} s")
    duration = time.monotonic() - start
    stderr = err.decode("utf-8", "replace")[-2000:]
    if child.returncode != 0 or not out:
        return _crashed(child.returncode, stderr, duration, memory)
    if len(out) > MAX_ANSWER_BYTES:
        return RunResult("bad-output", duration, f"answer of {len(out)} bytes over {MAX_ANSWER_BYTES}")
    return _parse(out, duration)


def _kill(child: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        child.kill()


def _crashed(code: int | None, stderr: str, duration: float, memory: int) -> RunResult:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        if -code == signal.SIGXCPU:
            return RunResult("timeout", duration, "over its CPU-time limit (SIGXCPU)")
        text = f"killed by {name}"
    else:
        text = f"exited with status {code}"
    if "MemoryError" in stderr or "Cannot allocate memory" in stderr or "std::bad_alloc" in stderr:
        return RunResult("memory", duration, f"over its memory limit of {memory} bytes ({text})")
    return RunResult("crashed", duration, f"{text}: {stderr.strip()[-1000:]}".strip())


def _parse(out: bytes, duration: float) -> RunResult:
    try:
        answer = orjson.loads(out)
    except orjson.JSONDecodeError as exc:
        return RunResult("bad-output", duration, f"answer is not JSON: {exc}")
    if not isinstance(answer, dict) or answer.get("status") not in STATUSES:
        return RunResult("bad-output", duration, "answer without a known status")
    if answer["status"] != "ok":
        return RunResult(answer["status"], duration, str(answer.get("error", ""))[:4000])
    outputs: dict[str, list[Row]] = {}
    try:
        for name, rows in dict(answer.get("outputs") or {}).items():
            outputs[str(name)] = [
                (
                    None if ts is None else float(ts),
                    [([str(k) for k in key], float(v)) for key, v in entries],
                )
                for ts, entries in rows
            ]
    except (TypeError, ValueError) as exc:
        return RunResult("bad-output", duration, f"malformed outputs: {exc}")
    return RunResult("ok", duration, outputs=outputs)
