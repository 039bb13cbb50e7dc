"""The sandbox child: runs one processing script on frames read as JSON, writes its outputs as JSON.

Started by ``sandbox.run_script`` as ``python -m suricate_desktop.analytics.processing.child``, in a
process of its own so that a script that crashes, loops or eats memory takes only this process down.
It reads the data, lowers its own address-space limit (``RLIMIT_AS``) and CPU-time limit, and only
then loads the script; it reads its request on stdin (a JSON line, then
the frames as Arrow IPC streams; never a pickle), runs ``process(frames, params)`` and writes one JSON
answer on the file descriptor that was stdout (the script's own prints go to stderr). The shapes of
request and answer are in docs/processing-scripts.md, "Sandbox".
"""

from __future__ import annotations

import os
import resource
import sys
import traceback
from typing import Any

#: Output shapes sent back: a list of rows ``[ts or null, [[key parts], value], ...]`` per output.
MAX_ROWS = 10_000


def _limit(memory: int, cpu: float) -> None:
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu > 0:
        seconds = int(cpu) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _die_with_parent() -> None:
    """Linux: be killed when the worker dies (even by SIGKILL), not left running as an orphan."""
    parent = int(os.environ.get("SURICATE_SANDBOX_PARENT", "0"))
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def _frames(names: list[str], data: bytes) -> dict[str, Any]:
    """The frames from their Arrow IPC streams: each a length (8 bytes, little-endian) and a stream
    whose first column is the time (epoch seconds) and the others the keys, in order."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    frames = {}
    view = memoryview(data)
    at = 0
    for name in names:
        size = int.from_bytes(view[at : at + 8], "little")
        at += 8
        table = pa.ipc.open_stream(pa.py_buffer(view[at : at + size])).read_all()
        at += size
        times = table.column(0).to_numpy()
        index = pd.to_datetime(times, unit="s", utc=True).round("us")
        index.name = "time"
        columns = table.column_names[1:]
        values = (
            np.column_stack([table.column(i).to_numpy() for i in range(1, table.num_columns)])
            if columns
            else np.empty((len(times), 0))
        )
        frame = pd.DataFrame(values, index=index, columns=columns)
        frame.columns.name = name
        frames[name] = frame
    return frames


def _rows(value: Any) -> list[list[Any]]:
    """An output as rows ``[ts or None, [[key, value], ...]]``; TypeError for what is not one."""
    import numbers

    import pandas as pd

    if isinstance(value, bool) or value is None:
        raise TypeError(f"an output must be a number, a Series or a DataFrame, not {type(value).__name__}")
    if isinstance(value, numbers.Real):
        return [[None, [[["value"], float(value)]]]]
    if isinstance(value, pd.Series):
        value = value.to_frame(name="value" if value.name is None else str(value.name))
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"an output must be a number, a Series or a DataFrame, not {type(value).__name__}")
    value = value.apply(pd.to_numeric, errors="coerce").astype("float64")
    columns = [str(c) for c in value.columns]
    rows: list[list[Any]] = []
    if isinstance(value.index, pd.DatetimeIndex):
        index = value.index if value.index.tz is not None else value.index.tz_localize("UTC")
        times = (index.asi8 / 1e9).tolist() if index.unit == "ns" else [t.timestamp() for t in index]
        for ts, row in zip(times, value.to_numpy().tolist(), strict=True):
            rows.append([ts, [[[c], v] for c, v in zip(columns, row, strict=True) if v == v]])
    else:  # one row at the run's time: the index labels (and the columns, past one) are keys
        entries = []
        for label, row in zip(value.index.tolist(), value.to_numpy().tolist(), strict=True):
            for c, v in zip(columns, row, strict=True):
                if v == v:
                    parts = [str(p) for p in label] if isinstance(label, tuple) else [str(label)]
                    entries.append([parts if len(columns) == 1 else [*parts, c], v])
        rows.append([None, entries])
    if len(rows) > MAX_ROWS:
        raise TypeError(f"an output has {len(rows)} rows; at most {MAX_ROWS}")
    return rows


def main() -> int:
    _die_with_parent()
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the script's prints go to stderr, not into the answer
    sys.stdout = sys.stderr
    import orjson

    stdin = sys.stdin.buffer
    request = orjson.loads(stdin.readline())
    answer: dict[str, Any]
    try:
        frames = _frames(list(request["frames"]), stdin.read())
        # The limits cover what runs from here: the interpreter, pandas and the data are in already.
        _limit(int(request.get("memory", 0)), float(request.get("cpu", 0)))
        import importlib.util

        spec = importlib.util.spec_from_file_location("suricate_script", request["script"])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        result = module.process(frames, dict(request.get("params", {})))
        outputs = result if isinstance(result, dict) else {"result": result}
        answer = {"status": "ok", "outputs": {str(k): _rows(v) for k, v in outputs.items()}}
    except MemoryError:
        answer = {"status": "memory", "error": "MemoryError: the script went over its memory limit"}
    except BaseException as exc:  # the script's failure, whatever it is, is the answer
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        answer = {"status": "error", "error": "".join(lines[-6:])[-4000:]}
    try:
        out.write(orjson.dumps(answer, option=orjson.OPT_SERIALIZE_NUMPY))
    except MemoryError:
        out.write(b'{"status":"memory","error":"MemoryError while writing the answer"}')
    except TypeError as exc:
        out.write(orjson.dumps({"status": "error", "error": f"unserialisable output: {exc}"}))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
