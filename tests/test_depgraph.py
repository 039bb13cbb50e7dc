"""The dependency graph: two processes made to move together are linked and clustered, a third is not.

On a recording written by the store's own writer (tests/depgraph_recording.py), on the same
snapshots in a LiveStore window, through ``suricate graph``, and on a real capture: the
sampler watching three real processes, two of which write in lockstep.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
import time
from pathlib import Path

import depgraph_recording
import numpy as np
import pytest

from suricate_desktop.agent.backends.sampler import SamplerBackend
from suricate_desktop.analytics.activity import from_recording, from_store, from_table
from suricate_desktop.analytics.depgraph import CSV_FIELDS, Cancelled, build_graph
from suricate_desktop.analytics.graph_layout import spring_layout
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore
from suricate_desktop.store.recording import RecordingWriter, flatten

WEB, DB, CRON = ("syscalls-by-process.calls:" + p for p in ("web", "db", "cron"))
DB_READS = "read-sizes.read_bytes:db"


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    return depgraph_recording.write(tmp_path_factory.mktemp("rec") / "together")


def assert_two_linked_third_alone(graph, a: str, b: str, third: str) -> None:
    edge = graph.edge_between(a, b)
    assert edge is not None and edge.strength >= 0.8, graph.edges_csv()
    assert graph.edge_between(a, third) is None and graph.edge_between(b, third) is None
    ca, cb, cc = (graph.nodes[graph.index(n)].cluster for n in (a, b, third))
    assert ca == cb >= 1
    assert cc != ca


def test_the_two_that_move_together_are_linked_and_clustered_the_third_is_not(recording):
    matrix = from_recording(recording)
    assert sorted(matrix.names) == sorted([WEB, DB, CRON, DB_READS])
    graph = build_graph(matrix, threshold=0.6)
    assert_two_linked_third_alone(graph, WEB, DB, CRON)
    assert CRON not in {graph.nodes[i].name for i in graph.linked()}
    # db's reads (a histogram: its buckets summed) are db's calls exactly
    assert graph.edge_between(DB, DB_READS).strength == pytest.approx(1.0)


def test_lag_tolerance_finds_who_follows_whom(recording):
    matrix = from_recording(recording)
    lagged = build_graph(matrix, threshold=0.6, max_lag=2)
    edge = lagged.edge_between(WEB, DB)
    # db follows web by one second: web leads
    assert (lagged.nodes[edge.a].name, lagged.nodes[edge.b].name, edge.lag) == (WEB, DB, 1.0)
    same_time = build_graph(matrix, threshold=0.6, max_lag=0).edge_between(WEB, DB)
    assert same_time.lag == 0.0 and same_time.strength < edge.strength - 0.1


def test_histogram_series_are_its_events_per_bin(recording):
    matrix = from_recording(recording)
    calls = depgraph_recording.activity()
    reads = matrix.values[:, matrix.names.index(DB_READS)]
    np.testing.assert_array_equal(reads, calls["db"])
    np.testing.assert_array_equal(matrix.values[:, matrix.names.index(WEB)], calls["web"])


def test_the_live_window_gives_the_same_graph_as_the_recording(recording):
    store = LiveStore()
    store.ingest(depgraph_recording.snapshots())
    live = from_store(store)
    rec = from_recording(recording)
    assert live.names == rec.names
    np.testing.assert_array_equal(live.values, rec.values)
    # a window: only the last minute
    since = depgraph_recording.T0 + depgraph_recording.SECONDS - 60 + 1
    window = from_store(store, since=since)
    assert len(window.times) == 60
    assert_two_linked_third_alone(build_graph(window, threshold=0.6), WEB, DB, CRON)


def test_an_imported_files_snapshots_give_the_same_matrix(recording):
    table = flatten(depgraph_recording.snapshots())
    np.testing.assert_array_equal(from_table(table).values, from_recording(recording).values)


def test_running_totals_and_levels_become_activity(tmp_path):
    """delta=False counters are differenced; a level (max) is carried over the bins it was not sent."""
    snaps = []
    totals = np.cumsum([5, 0, 7, 3, 0, 0, 9, 1, 2, 4])
    for i, total in enumerate(totals):
        snaps.append(
            Snapshot("h", "counters", "reads", "count", 100.0 + i, 1.0, False, [[["app"], int(total)]])
        )
        if i % 3 == 0:
            snaps.append(Snapshot("h", "mem", "rss", "max", 100.0 + i, 1.0, True, [[["app"], 10 * i]]))
    with RecordingWriter(tmp_path / "r", rotate_seconds=0.05) as writer:
        writer(snaps)
    matrix = from_recording(tmp_path / "r")
    reads = matrix.values[:, matrix.names.index("counters.reads:app")]
    np.testing.assert_array_equal(reads, [0, 0, 7, 3, 0, 0, 9, 1, 2, 4])  # the first total has no before
    rss = matrix.values[:, matrix.names.index("mem.rss:app")]
    np.testing.assert_array_equal(rss, [0, 0, 0, 30, 30, 30, 60, 60, 60, 90])


def test_patterns_select_series_and_a_short_span_is_refused(recording):
    only_calls = from_recording(recording, patterns=["syscalls-by-process.*"])
    assert sorted(only_calls.names) == sorted([WEB, DB, CRON])
    short = from_recording(recording, until=depgraph_recording.T0 + 5)
    with pytest.raises(ValueError, match="too few"):
        build_graph(short)
    with pytest.raises(ValueError, match="threshold"):
        build_graph(only_calls, threshold=1.5)


def test_progress_is_reported_and_can_cancel(recording):
    seen = []
    build_graph(from_recording(recording), max_lag=3, progress=lambda f, what: seen.append((f, what)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert {"correlating", "clustering"} <= {w for _, w in seen}

    def stop(fraction, what):
        if what == "correlating":
            raise Cancelled()

    with pytest.raises(Cancelled):
        build_graph(from_recording(recording), progress=stop)


def test_idle_series_are_left_out_and_max_series_keeps_the_most_active():
    rng = np.random.default_rng(1)
    t = np.arange(100.0)
    from suricate_desktop.analytics.activity import ActivityMatrix, SeriesSpec

    values = np.column_stack(
        [rng.poisson(5, 100), np.zeros(100), np.full(100, 3.0), rng.poisson(5, 100) * (t < 50)]
    )
    specs = [SeriesSpec("h", "s", "a", "count", k) for k in ("busy", "idle", "flat", "half")]
    graph = build_graph(ActivityMatrix(t, values.astype(float), specs, 1.0), max_series=1)
    assert [n.series.key for n in graph.nodes] == ["busy"] and graph.left_out == 3
    with pytest.raises(ValueError, match="nothing moves enough"):
        build_graph(ActivityMatrix(t, values[:, 1:3].astype(float), specs[1:3], 1.0))


def test_another_threshold_reuses_the_correlations(recording):
    matrix = from_recording(recording)
    strict = build_graph(matrix, threshold=0.6).with_threshold(0.99)
    assert strict.edges_csv() == build_graph(matrix, threshold=0.99).edges_csv()
    assert [(strict.nodes[e.a].name, strict.nodes[e.b].name) for e in strict.edges] == [(DB_READS, DB)]
    assert strict.nodes[strict.index(WEB)].cluster == 0  # alone


def test_edges_csv_has_the_edges_strongest_first(recording, tmp_path):
    graph = build_graph(from_recording(recording), threshold=0.6)
    out = tmp_path / "edges.csv"
    graph.write_csv(out)
    rows = list(csv.DictReader(out.open()))
    assert tuple(rows[0]) == CSV_FIELDS
    pairs = {frozenset((r["series_a"], r["series_b"])) for r in rows}
    assert pairs == {frozenset((WEB, DB)), frozenset((DB, DB_READS)), frozenset((WEB, DB_READS))}
    strengths = [float(r["strength"]) for r in rows]
    assert strengths == sorted(strengths, reverse=True)


def test_spring_layout_puts_linked_nodes_closer_than_unlinked():
    # two triangles joined by nothing, and a loner
    edges = np.array([[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5]])
    pos = spring_layout(7, edges)
    assert pos.shape == (7, 2) and np.abs(pos).max() == pytest.approx(1.0)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    within = max(d[0, 1], d[1, 2], d[0, 2], d[3, 4], d[4, 5], d[3, 5])
    between = min(d[i, j] for i in range(3) for j in range(3, 6))
    assert within < between
    np.testing.assert_array_equal(pos, spring_layout(7, edges))  # seeded: the same drawing twice


# -- the command line --------------------------------------------------------------------------------------------
def suricate(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "suricate_desktop", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_prints_the_edges_and_writes_them_as_csv(recording, tmp_path):
    out = tmp_path / "edges.csv"
    result = suricate("graph", recording, "--csv", out, "--threshold", "0.6")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "3 edges with strength >= 0.6" in lines[0]
    table = [line for line in lines if line.startswith(("syscalls", "read-sizes"))]
    assert len(table) == 3 and not any("cron" in line for line in table)
    assert any(
        line.startswith("cluster 1: ") and WEB in line and DB in line and CRON not in line for line in lines
    )
    rows = list(csv.DictReader(out.open()))
    assert {frozenset((r["series_a"], r["series_b"])) for r in rows} >= {frozenset((WEB, DB))}


def test_cli_csv_to_stdout_a_higher_threshold_and_errors(recording, tmp_path):
    result = suricate("graph", recording, "--csv", "-", "--threshold", "0.99")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [frozenset((r["series_a"], r["series_b"])) for r in rows] == [frozenset((DB, DB_READS))]
    missing = suricate("graph", tmp_path / "nothing-here")
    assert missing.returncode == 1 and "no recording at" in missing.stderr
    nomatch = suricate("graph", recording, "--match", "nginx*")
    assert nomatch.returncode == 1 and "no series matches nginx*" in nomatch.stderr


# -- a real capture: the sampler watching three real processes ----------------------------------------------------
LOCKSTEP = r"""
import ctypes, os, sys, time
name, start, slot, schedule = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME: what psutil reports
chunk = b"x" * 65536
with open(os.devnull, "wb", buffering=0) as sink:
    for i, level in enumerate(schedule):
        end = start + (i + 1) * slot
        for _ in range(int(level) * 48):  # 3 MiB for each step of the level
            sink.write(chunk)
        time.sleep(max(0.0, end - time.time()))
"""


def test_a_real_capture_links_two_processes_in_lockstep_and_not_a_third(tmp_path):
    """Three real processes write to /dev/null; the sampler records their bytes written (write_chars).

    ``dg_web`` and ``dg_db`` follow one schedule of levels per 0.4 s slot, ``dg_cron`` a
    schedule of its own; the recording is the sampler's, written by the store's writer.
    """
    rng = np.random.default_rng(3)
    slots, slot = 30, 0.4
    together = "".join(str(v) for v in rng.integers(0, 4, slots))
    alone = "".join(str(v) for v in rng.integers(0, 4, slots))
    start = time.time() + 1.5
    folder = tmp_path / "capture"
    writer = RecordingWriter(folder, rotate_seconds=0.5)
    stop = threading.Event()
    sampler = threading.Thread(
        target=SamplerBackend("", interval=0.2, host="h").run,
        args=(writer, stop, lambda text: None),
        daemon=True,
    )
    sampler.start()
    procs = [
        subprocess.Popen([sys.executable, "-c", LOCKSTEP, name, str(start), str(slot), schedule])
        for name, schedule in (("dg_web", together), ("dg_db", together), ("dg_cron", alone))
    ]
    try:
        for p in procs:
            assert p.wait(timeout=60) == 0
    finally:
        time.sleep(0.5)
        stop.set()
        sampler.join(10)
        writer.close()
    matrix = from_recording(
        folder,
        resolution=slot,
        since=start,
        until=start + slots * slot,
        patterns=["sampler.io_write_bytes:dg_*"],
    )
    names = ["sampler.io_write_bytes:" + p for p in ("dg_web", "dg_db", "dg_cron")]
    assert sorted(matrix.names) == sorted(names)
    graph = build_graph(matrix, threshold=0.6)
    assert_two_linked_third_alone(graph, *names)


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_huge_and_infinite_values_do_not_cost_a_series_its_edges(method):
    """A snapshot may carry any float up to 1.8e308: a series holding such values (or an infinite rate) is
    linked to its partner as at its ordinary size, without overflow warnings."""
    import warnings

    from suricate_desktop.analytics.activity import ActivityMatrix, SeriesSpec

    rng = np.random.default_rng(3)
    t = np.arange(300.0)
    base = rng.poisson(20, 300).astype(float)
    values = np.column_stack([base, base * 2 + rng.normal(0, 1, 300), rng.poisson(20, 300).astype(float)])
    specs = [SeriesSpec("h", "s", "a", "count", k) for k in ("a", "b", "c")]
    plain = build_graph(ActivityMatrix(t, values, specs, 1.0), method=method, threshold=0.5)
    for huge in (1e300, 1.7e308):
        scaled = values.copy()
        scaled[:, 0] *= huge / 100.0
        scaled[17, 0] = np.inf if huge > 1e300 else scaled[17, 0]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            graph = build_graph(ActivityMatrix(t, scaled, specs, 1.0), method=method, threshold=0.5)
        edges = {(e[0], e[1]) for e in graph.edge_rows()}
        assert edges == {(e[0], e[1]) for e in plain.edge_rows()} and len(edges) == 1, (huge, edges)
