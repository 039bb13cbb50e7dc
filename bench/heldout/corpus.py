"""The held-out evaluation's two parts: TUNE (where every parameter and threshold is chosen) and HELD-OUT
(where figures are reported and nothing was chosen).

The split differs in seeds *and* in what the series are:

* TUNE: synthetic ``requests``, ``cpu`` and ``gauge`` series, seeds 100-111; the recorded traces of
  run ``r1`` (bench/heldout/traces, recorded by ``record_traces.py``) of the workloads in
  ``TRACE_TUNE`` (the batch job, the web server, the writer);
* HELD-OUT: synthetic ``latency``, ``queue`` and ``sessions`` series (families never seen in
  TUNE) and ``requests`` and ``cpu`` series of other seeds (500-507); every trace of run ``r2``
  (other random seeds, another schedule of changes) and of any later run, and run ``r1``'s traces
  of the workloads TUNE never saw (the pool's workers, the web client).

Labels follow NAB's convention (``synthetic.windows``): width 10 % of the file over its number
of anomalies, centred on each anomaly point.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's package

from bench.heldout import synthetic
from suricate_desktop.analytics.nab import FileLayout

TRACES = Path(__file__).resolve().parent / "traces"
TUNE_SYNTHETIC = [(f, s) for f in ("requests", "cpu", "gauge") for s in range(100, 112)]
HELDOUT_SYNTHETIC = [(f, s) for f in ("latency", "queue", "sessions") for s in range(500, 508)] + [
    (f, s) for f in ("requests", "cpu") for s in range(500, 507)
]
#: the recorded traces tuned on: run r1's, of these workloads (a trace is ``<run>_<tool>_<workload>_<what>``)
TRACE_TUNE_RUN = "r1"
TRACE_TUNE = ("batch", "web_server", "writer")


def is_tune_trace(name: str) -> bool:
    """Whether the trace ``name`` (``trace_<run>_<tool>_<workload>_<what>``) is in TUNE."""
    run = name.removeprefix("trace_").split("_", 1)[0]
    return run == TRACE_TUNE_RUN and any(f"_{w}_" in name for w in TRACE_TUNE)


@dataclass
class Entry:
    name: str
    times: np.ndarray  # epoch seconds
    values: np.ndarray
    anomalies: list[int]  # row of each anomaly point
    layout: FileLayout
    kinds: list[str]

    @property
    def timestamps(self) -> np.ndarray:
        return self.times.astype("datetime64[s]")


def _entry(name: str, times: np.ndarray, values: np.ndarray, anomalies: list[int], kinds: list[str]) -> Entry:
    return Entry(
        name,
        times,
        values,
        anomalies,
        FileLayout.build(len(values), synthetic.windows(len(values), anomalies)),
        kinds,
    )


def _synthetic(pairs: list[tuple[str, int]]) -> list[Entry]:
    out = []
    for family, seed in pairs:
        s = synthetic.series(family, seed)
        out.append(_entry(s.name, s.times, s.values, s.anomalies, s.kinds))
    return out


def traces(root: Path = TRACES) -> list[Entry]:
    """The recorded traces with their injected changes (none until they are recorded)."""
    changes_file = root / "changes.json"
    if not changes_file.exists():
        return []
    import pandas as pd

    changes = json.loads(changes_file.read_text())
    out = []
    for name in sorted(changes):
        path = root / f"{name}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path)
        ts = pd.to_datetime(df["timestamp"]).to_numpy().astype("datetime64[ns]")
        values = df["value"].to_numpy(dtype=np.float64)
        times = ts.astype("int64") / 1e9
        rows = sorted(
            {int(np.searchsorted(ts, np.datetime64(str(c).replace(" ", "T"), "ns"))) for c in changes[name]}
        )
        rows = [r for r in rows if r < len(values)]
        out.append(_entry(f"trace_{name}", times, values, rows, ["injected"] * len(rows)))
    return out


def tune() -> list[Entry]:
    return _synthetic(TUNE_SYNTHETIC) + [e for e in traces() if is_tune_trace(e.name)]


def heldout() -> list[Entry]:
    return _synthetic(HELDOUT_SYNTHETIC) + [e for e in traces() if not is_tune_trace(e.name)]
