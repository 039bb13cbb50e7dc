"""Recordings: atomic Parquet segments, one table in pandas and DuckDB, exact snapshots back, crash-safe."""

import signal
import subprocess
import sys
import textwrap
import time

import pyarrow.parquet as pq
import pytest

from suricate_desktop.schema import INT64_MAX, INT64_MIN, Snapshot
from suricate_desktop.store.recording import RecordingWriter, connect, iter_snapshots, read_frame, segments
from suricate_desktop.store.replay import paced


def sample_snapshots():
    return [
        Snapshot(
            "web01",
            "syscalls",
            "num",
            "count",
            1000.0,
            1.0,
            True,
            [[["bash"], 12], [["sshd", 42], 3]],
            1,
            "r1",
        ),
        Snapshot(
            "web01",
            "reads",
            "dist",
            "lquantize",
            1000.0,
            1.0,
            True,
            [[["bash"], [[[INT64_MIN, -1], 0], [[0, 1], 5], [[12, INT64_MAX], 2]]]],
            2,
            "r1",
        ),
        Snapshot(
            "web01",
            "bt",
            "st",
            "stats",
            1001.0,
            1.0,
            True,
            [[["bash"], {"count": 2, "average": 15.5, "total": 31}]],
            3,
            "r1",
        ),
        Snapshot("db01", "syscalls", "num", "count", 1001.0, 1.0, False, [[[4096], 7]], 4, "r2"),
        Snapshot("db01", "syscalls", "empty", "count", 1002.0, 1.0, True, [], 5, "r2"),
    ]


def test_snapshots_come_back_exactly(tmp_path):
    snaps = sample_snapshots()
    with RecordingWriter(tmp_path, rotate_seconds=0.05) as writer:
        writer(snaps[:2])
        time.sleep(0.3)
        writer(snaps[2:])
    assert len(segments(tmp_path)) == 2
    back = list(iter_snapshots(tmp_path))
    # An interval with no entries comes back too (as nothing happened, not as nothing recorded).
    assert back == snaps and back[4].entries == []
    assert type(back[3].entries[0][0][0]) is int  # key types survive


def test_one_table_in_pandas_and_duckdb(tmp_path):
    with RecordingWriter(tmp_path) as writer:
        writer(sample_snapshots())
    frame = read_frame(tmp_path)
    assert len(frame) == 2 + 3 + 3 + 1
    assert set(frame.columns) >= {"ts", "host", "source", "agg", "kind", "key", "lo", "hi", "value"}
    con = connect(tmp_path)
    rows = con.execute(
        "SELECT key, value FROM recording WHERE agg = 'num' AND host = 'web01' ORDER BY key"
    ).fetchall()
    assert rows == [("bash", 12.0), ("sshd,42", 3.0)]
    (p50,) = con.execute("SELECT value FROM recording WHERE agg='dist' AND lo = 0").fetchone()
    assert p50 == 5
    # The row that keeps the empty snapshot is not an entry: the tables for analysis leave it out.
    assert con.execute("SELECT count(*) FROM recording WHERE agg = 'empty'").fetchone() == (0,)
    assert frame["key_json"].notna().all() and frame["value"].notna().all()


def test_appending_to_a_recording_continues_numbering(tmp_path):
    snaps = sample_snapshots()
    with RecordingWriter(tmp_path) as writer:
        writer(snaps[:1])
    with RecordingWriter(tmp_path) as writer:
        writer(snaps[1:2])
    assert [p.name for p in segments(tmp_path)] == ["segment-000001.parquet", "segment-000002.parquet"]
    assert list(iter_snapshots(tmp_path)) == snaps[:2]


def test_a_killed_recorder_loses_at_most_the_open_second(tmp_path):
    child = textwrap.dedent(f"""
        import sys, time
        from suricate_desktop.schema import Snapshot
        from suricate_desktop.store.recording import RecordingWriter
        writer = RecordingWriter({str(tmp_path)!r}, rotate_seconds=1.0)
        seq = 0
        while True:
            seq += 1
            writer([Snapshot("h", "s", "a", "count", time.time(), 0.01, True, [[["k"], 1]], seq, "run")])
            print(seq, time.time(), flush=True)
            time.sleep(0.01)
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    handed = {}
    deadline = time.time() + 3.5
    while time.time() < deadline:
        seq, at = proc.stdout.readline().split()
        handed[int(seq)] = float(at)
    proc.send_signal(signal.SIGKILL)
    killed_at = time.time()
    proc.wait()
    for part in segments(tmp_path):
        pq.read_table(part)  # every segment on disk is whole
    recorded = [s.seq for s in iter_snapshots(tmp_path)]
    assert recorded == list(range(1, len(recorded) + 1))  # nothing missing before the last segment
    assert handed[recorded[-1]] >= killed_at - 1.6  # and that segment is at most about a second old


def test_paced_replay_keeps_spacing_scaled():
    snaps = [Snapshot("h", "s", "a", "count", 100.0 + i * 2, entries=[[["k"], i]]) for i in range(4)]
    now = [0.0]
    slept = []

    def sleep(dt):
        slept.append(round(dt, 6))
        now[0] += dt

    out = list(paced(snaps, speed=4, retime=True, clock=lambda: now[0], sleep=sleep, wall=lambda: 5000.0))
    assert slept == [0.5, 0.5, 0.5]
    assert [s.ts for s in out] == [5000.0, 5000.5, 5001.0, 5001.5]
    with pytest.raises(ValueError):
        list(paced(snaps, speed=-1))


def test_query_on_an_empty_recording_says_so_in_one_line(tmp_path, capsys):
    from suricate_desktop.cli.main import main

    (tmp_path / "none").mkdir()
    assert main(["query", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds no segments" in err[0]
    # Segments, but only intervals in which nothing happened: no entries to query.
    with RecordingWriter(tmp_path / "quiet") as writer:
        writer([Snapshot("h", "s", "a", "count", 1000.0 + i, 1.0, True, [], i + 1, "r") for i in range(3)])
    assert (
        main(["query", str(tmp_path / "quiet"), "SELECT host, sum(value) FROM recording GROUP BY host"]) == 1
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds no entries" in err[0]
    # The Python side opens an empty recording as an empty table with every column, not an error.
    assert connect(tmp_path / "none").execute("SELECT host, key, value FROM recording").fetchall() == []
    # And a recording with entries answers as before.
    with RecordingWriter(tmp_path / "busy") as writer:
        writer(sample_snapshots())
    assert main(["query", str(tmp_path / "busy"), "SELECT count(*) AS n FROM recording", "--csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "9"]
