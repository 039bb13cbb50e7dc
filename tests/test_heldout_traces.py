"""The held-out traces (bench/heldout/traces): what the evaluation reads must be whole and labelled right.

The evaluation scores detectors on these series against ``changes.json``; a file that
does not parse, a timestamp going backwards, or a change outside its series (a time
zone slip, a change logged on the wrong series) would make its figures wrong without
any error. The stall check ties the labels to the data: while a process was stopped
with SIGSTOP, its own activity series must be near zero at the logged time.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest

TRACES = Path(__file__).resolve().parents[1] / "bench" / "heldout" / "traces"
FORMAT = "%Y-%m-%d %H:%M:%S.%f"
#: The comm each workload role runs as (bench/heldout/workload.py).
COMM = {
    "server": "hx-server",
    "client": "hx-client",
    "writer": "hx-writer",
    "batch": "hx-batch",
    "pool": "hx-pool",
}


def read_series(path: Path) -> tuple[list[datetime], list[float]]:
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["timestamp", "value"], path.name
    times = [datetime.strptime(r[0], FORMAT) for r in rows[1:]]
    values = [float(r[1]) for r in rows[1:]]
    return times, values


def names() -> list[str]:
    return sorted(p.stem for p in TRACES.glob("*.csv"))


@pytest.fixture(scope="module")
def changes() -> dict[str, list[str]]:
    return json.loads((TRACES / "changes.json").read_text())


@pytest.fixture(scope="module")
def schedule() -> dict:
    """Every run's log (schedule_<run>.json) in one: its series and its changes."""
    merged: dict = {"series": {}, "changes": []}
    for path in sorted(TRACES.glob("schedule_*.json")):
        run = json.loads(path.read_text())
        merged["series"].update(run["series"])
        merged["changes"].extend(run["changes"])
    return merged


def test_there_are_series_from_both_tools(changes, schedule):
    got = names()
    assert len(got) >= 10
    assert sorted(changes) == got  # every series labelled, no label without a series
    assert sorted(schedule["series"]) == got
    assert any("_bpf_" in n for n in got) and any("_smp_" in n for n in got)


@pytest.mark.parametrize("name", names())
def test_series_parse_and_increase(name):
    times, values = read_series(TRACES / f"{name}.csv")
    assert len(times) >= 1500
    assert all(a < b for a, b in itertools.pairwise(times)), "timestamps must strictly increase"
    assert all(math.isfinite(v) and v >= 0 for v in values)
    # a key never seen would be all zeros; CPU time comes in 10 ms ticks, so few distinct values is fine
    assert len(set(values)) >= 5 and sum(v > 0 for v in values) > len(values) / 4


@pytest.mark.parametrize("name", names())
def test_changes_lie_inside_their_series(name, changes, schedule):
    times, _ = read_series(TRACES / f"{name}.csv")
    at = [datetime.strptime(c, FORMAT) for c in changes[name]]
    assert at, "a series with no change has no window to score"
    assert at == sorted(at)
    assert all(times[0] < t < times[-1] for t in at)
    logged = {e["at"] for e in schedule["changes"] if name in e["series"]}
    assert set(changes[name]) == logged


def test_each_change_is_scored_in_a_window_of_its_own(changes):
    """NAB's labeler merges windows that overlap, and the scorer counts one detection a window: two
    changes in one window would count as one, and the second could never be found or missed."""
    from bench.heldout import corpus

    entries = corpus.traces(TRACES)
    assert len(entries) == len(names())
    for entry in entries:
        name = entry.name.removeprefix("trace_")
        assert len(entry.anomalies) == len(changes[name]), name  # no change lost to rounding
        assert len(entry.layout.windows) == len(entry.anomalies), entry.name


def test_stopped_processes_go_quiet_at_the_logged_time(schedule):
    """Each SIGSTOP stall: the stopped process's own rate series drops to near nothing during it."""
    checked = 0
    for change in schedule["changes"]:
        if "ended" not in change or "stopped" not in change["change"]:
            continue
        start = datetime.strptime(change["at"], FORMAT)
        end = datetime.strptime(change["ended"], FORMAT)
        for name, series in schedule["series"].items():
            # the stopped process's own series (a stopped pool parent idles its workers too)
            mine = name in change["series"] and series["key"].startswith(COMM[change["role"]])
            if not mine or series["agg"] == "rss":
                continue
            times, values = read_series(TRACES / f"{name}.csv")
            before = [
                v for t, v in zip(times, values, strict=True) if start - timedelta(seconds=60) <= t < start
            ]
            during = [
                v for t, v in zip(times, values, strict=True) if start + timedelta(seconds=1.5) <= t <= end
            ]
            assert during and sum(before) > 0, name
            assert sum(during) / len(during) <= 0.05 * sum(before) / len(before), (name, change["change"])
            checked += 1
    assert checked >= 4
