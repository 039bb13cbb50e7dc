"""Other tools' files as snapshots: dtrace(1) text, bpftrace -f json logs, CSV; and `suricate import`.

Fixtures (tests/data/import/README.md): the bpftrace logs were captured with bpftrace 0.17 on this
project's CI machine; the dtrace(1) texts are written by make_dtrace_fixtures.py from the documented
default layout (DTrace does not run on Linux); the dtrace-cli backend's own fixtures are reused for
the output of its program.
"""

import argparse
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from suricate_desktop.agent.importers import import_bpftrace_json, import_dtrace_text, sniff_format
from suricate_desktop.cli import cmd_import
from suricate_desktop.schema import AGENT_SOURCE, INT64_MAX, INT64_MIN, Snapshot
from suricate_desktop.store.importers import import_csv, read_segment, segment_span, write_recording
from suricate_desktop.store.recording import iter_snapshots, read_frame, segments

DATA = Path(__file__).parent / "data"
IMPORT = DATA / "import"
CLI = DATA / "dtrace_cli"


def local(*args) -> float:
    """Epoch seconds of a local date and time (dtrace's %Y and bpftrace's time() print local time)."""
    return dt.datetime(*args).timestamp()


def copy_with_mtime(tmp_path, name, mtime):
    path = tmp_path / name
    shutil.copy(IMPORT / name, path)
    os.utime(path, (mtime, mtime))
    return path


def by_agg(snaps):
    out = {}
    for s in snaps:
        out.setdefault(s.agg, []).append(s)
    return out


# --------------------------------------------------------------------------- format sniffing


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("import/bpftrace-clear.json", "bpftrace-json"),
        ("import/bpftrace-totals.json", "bpftrace-json"),
        ("import/dtrace-timestamped.txt", "dtrace"),
        ("import/dtrace-plain.txt", "dtrace"),
        ("import/long.csv", "csv"),
        ("import/nab_like.csv", "csv"),
        ("dtrace_cli/quantize.out", "dtrace"),
    ],
)
def test_the_format_is_told_from_the_content(name, fmt, tmp_path):
    assert sniff_format(DATA / name) == fmt
    # without the extension's help too
    bare = tmp_path / "file"
    shutil.copy(DATA / name, bare)
    assert sniff_format(bare) == fmt


# --------------------------------------------------------------------------- bpftrace -f json


def test_a_bpftrace_log_with_clear_gives_one_snapshot_per_map_per_tick():
    snaps = import_bpftrace_json(IMPORT / "bpftrace-clear.json", host="lab")
    aggs = by_agg(snaps)
    # @start[tid] = nsecs is printed only in the exit dump: the script's state, not a result
    assert list(aggs) == ["reads", "size", "lin", "st", "mean", "bytes"]
    assert {(s.agg, s.kind) for s in snaps} == {
        ("reads", "count"),
        ("size", "hist"),
        ("lin", "lhist"),
        ("st", "stats"),
        ("mean", "avg"),
        ("bytes", "count"),
    }
    assert all(len(v) == 4 for v in aggs.values())
    assert all(s.host == "lab" and s.source == "bpftrace-clear" and s.delta for s in snaps)
    # times from the time("%Y-%m-%d %H:%M:%S") records, local time
    assert [s.ts for s in aggs["reads"]] == [local(2026, 11, 27, 21, 54, 32 + i) for i in range(4)]
    assert [s.interval for s in aggs["reads"]] == [1.0] * 4
    assert [s.entries for s in aggs["reads"]] == [
        [[["dd"], 30]],
        [[["dd"], 82]],
        [[["dd"], 69]],
        [[["dd"], 17]],
    ]
    assert aggs["size"][0].entries == [[[], [[[512, 1023], 4], [[1024, 2047], 9], [[2048, 4095], 17]]]]
    assert aggs["lin"][0].entries == [[[], [[[0, 1023], 4], [[1024, 2047], 9], [[2048, 3071], 17]]]]
    assert aggs["st"][0].entries == [[["dd"], {"count": 30, "average": 1909, "total": 57296}]]
    assert aggs["mean"][0].entries == [[[], 1909]]
    # "dd,10167": two key parts, the pid an integer
    assert aggs["bytes"][0].entries[0] == [["dd", 10167], 7924]


def test_the_script_names_kinds_the_json_cannot_tell():
    script = (IMPORT / "bpftrace-clear.bt").read_text()
    snaps = import_bpftrace_json(IMPORT / "bpftrace-clear.json", script=script)
    kinds = {s.agg: s.kind for s in snaps}
    assert kinds["bytes"] == "sum" and "start" not in kinds
    assert import_bpftrace_json(IMPORT / "bpftrace-clear.json", kinds={"@bytes": "sum"})[5].kind == "sum"


def test_running_totals_become_deltas_like_the_live_backend(tmp_path):
    """print() without clear(): totals 13, 86, 142, then the exit dump's 142 again."""
    path = copy_with_mtime(tmp_path, "bpftrace-totals.json", local(2026, 11, 27, 21, 55, 0))
    aggs = by_agg(import_bpftrace_json(path))
    assert [s.entries for s in aggs["reads"]] == [[[["dd"], 13]], [[["dd"], 73]], [[["dd"], 56]], []]
    assert aggs["size"][1].entries == [[[], [[[512, 1023], 23], [[1024, 2047], 19], [[2048, 4095], 31]]]]
    # time() prints %H:%M:%S: the date is the file's; the exit dump comes one interval after the last tick
    assert [s.ts for s in aggs["reads"]] == [local(2026, 11, 27, 21, 54, 40 + i) for i in range(4)]
    # the script says so too (it never clears @reads)
    script = (IMPORT / "bpftrace-totals.bt").read_text()
    assert by_agg(import_bpftrace_json(path, script=script))["reads"][1].entries == [[["dd"], 73]]
    # told, not guessed
    assert by_agg(import_bpftrace_json(path, cumulative=False))["reads"][1].entries == [[["dd"], 86]]


def test_time_of_day_records_take_the_date_before_the_files_time_across_midnight(tmp_path):
    log = tmp_path / "night.json"
    log.write_text(
        '{"type": "time", "data": "23:59:59\\n"}\n{"type": "map", "data": {"@c": {"a": 1}}}\n'
        '{"type": "time", "data": "00:00:00\\n"}\n{"type": "map", "data": {"@c": {"b": 2}}}\n'
        '{"type": "time", "data": "00:00:01\\n"}\n'
    )
    mtime = local(2026, 11, 28, 0, 0, 3)
    os.utime(log, (mtime, mtime))
    snaps = import_bpftrace_json(log)
    assert [s.ts for s in snaps] == [local(2026, 11, 27, 23, 59, 59), local(2026, 11, 28, 0, 0, 0)]
    assert [s.entries for s in snaps] == [[[["a"], 1]], [[["b"], 2]]]


def test_a_log_without_times_is_spaced_by_the_interval_ending_at_the_files_time(tmp_path):
    log = tmp_path / "quiet.json"
    log.write_text(
        "".join(
            f'{{"type": "map", "data": {{"@c": {{"bash": {n}}}}}}}\n'
            f'{{"type": "hist", "data": {{"@h": [{{"min": 4, "max": 7, "count": {n}}}]}}}}\n'
            for n in (3, 1, 2)
        )
        + '{"type": "lost_events", "data": {"events": 5}}\n'
    )
    os.utime(log, (5000.0, 5000.0))
    snaps = import_bpftrace_json(log, interval=2.0)
    aggs = by_agg(snaps)
    assert [s.ts for s in aggs["c"]] == [4996.0, 4998.0, 5000.0]
    assert [s.interval for s in aggs["c"]] == [2.0, 2.0, 2.0]
    assert aggs["h"][2].entries == [[[], [[[4, 7], 2]]]]
    (drops,) = [s for s in snaps if s.source == AGENT_SOURCE]
    assert drops.entries == [[["bpftrace_lost_events"], 5]] and drops.ts == 5000.0
    assert [s.ts for s in by_agg(import_bpftrace_json(log, start=100.0))["c"]] == [100.0, 101.0, 102.0]


def test_the_agents_own_tick_markers_space_the_ticks():
    text = "".join(
        f'{{"type": "map", "data": {{"@c": {{"x": {n}}}}}}}\n'
        f'{{"type": "printf", "data": "__suricate_tick_0123456789abcdef__ {ns}\\n"}}\n'
        for n, ns in ((1, 10_000_000_000), (2, 10_500_000_000), (3, 12_000_000_000))
    )
    snaps = import_bpftrace_json(text, start=1000.0)
    assert [s.ts for s in snaps] == [1000.0, 1000.5, 1002.0]
    assert [s.interval for s in snaps] == [1.0, 0.5, 1.5]


# --------------------------------------------------------------------------- dtrace(1) text


def test_dtrace_output_with_Y_timestamps_and_two_aggregations():
    snaps = import_dtrace_text(IMPORT / "dtrace-timestamped.txt", aggs=["calls", "lat"], host="sol1")
    assert [(s.agg, s.kind) for s in snaps] == [("calls", "count"), ("lat", "quantize")] * 3
    assert all(s.host == "sol1" and s.source == "dtrace-timestamped" and s.delta for s in snaps)
    assert [s.ts for s in snaps[::2]] == [local(2026, 11, 27, 21, 47, 52 + i) for i in range(3)]
    assert snaps[0].entries == [[["sshd"], 3], [["bash"], 12], [["Web Content"], 40]]
    assert snaps[1].entries == [[[], [[[1024, 2047], 3], [[2048, 4095], 5], [[8192, 16383], 1]]]]
    assert snaps[3].entries == [[[], [[[512, 1023], 2], [[1024, 2047], 9]]]]
    assert snaps[4].entries == [[["sshd"], 1]]


def test_the_d_script_names_the_aggregations_in_printa_order():
    script = """
    syscall:::entry { @calls[execname] = count(); }
    io:::done { @lat = quantize(timestamp - self->ts); }
    tick-1s { printf("%Y\\n", walltimestamp); printa(@calls); printa(@lat); trunc(@calls); trunc(@lat); }
    """
    snaps = import_dtrace_text(IMPORT / "dtrace-timestamped.txt", script=script)
    assert [s.agg for s in snaps] == ["calls", "lat"] * 3
    # without names: numbered
    assert [s.agg for s in import_dtrace_text(IMPORT / "dtrace-timestamped.txt")][:2] == ["agg1", "agg2"]


def test_dtrace_output_without_timestamps_is_one_dump_per_interval(tmp_path):
    path = copy_with_mtime(tmp_path, "dtrace-plain.txt", 2000.0)
    snaps = import_dtrace_text(path)
    assert [s.agg for s in snaps] == ["@"] * 4
    assert [s.ts for s in snaps] == [1997.0, 1998.0, 1999.0, 2000.0]
    assert [s.entries for s in snaps] == [
        [[["sshd"], 2], [["bash"], 5]],
        [[["bash"], 9]],
        [[["bash"], 1], [["cron"], 4], [["sshd"], 6]],
        [[["sshd"], 3]],
    ]
    assert [s.ts for s in import_dtrace_text(path, start=0.0, interval=0.5)] == [0.0, 0.5, 1.0, 1.5]
    assert all(not s.delta for s in import_dtrace_text(path, delta=False))


def test_keyed_histograms_one_blank_line_between_keys_two_between_dumps():
    snaps = import_dtrace_text(IMPORT / "dtrace-keyed-quantize.txt", start=0.0)
    assert [(s.agg, s.kind, s.ts) for s in snaps] == [("@", "quantize", 0.0), ("@", "quantize", 1.0)]
    assert snaps[0].entries == [
        [["bash", 4242], [[[4, 7], 2], [[8, 15], 1]]],
        [["sshd", 101], [[[512, 1023], 7]]],
    ]
    assert snaps[1].entries == [
        [["bash", 4242], [[[8, 15], 5]]],
        [["cron", 7], [[[64, 127], 1], [[128, 255], 2]]],
    ]


def test_stack_keys_as_dtrace_prints_them():
    """dtrace prints an empty line before each stack: one between keys, two (with printa's) between dumps."""
    frame = " " * 14

    def dump(entries):
        return "\n" + "".join(
            f"\n{frame}" + f"\n{frame}".join(frames) + f"\n{n:17d}\n" for frames, n in entries
        )

    text = (
        "2026 Nov 27 21:47:52\n"
        + dump([(["unix`mutex_enter+0x10", "genunix`read+0x2a7"], 5), (["unix`i86_mwait+0xd"], 90)])
        + "2026 Nov 27 21:47:53\n"
        + dump([(["unix`i86_mwait+0xd"], 70)])
    )
    snaps = import_dtrace_text(text)
    assert [s.ts for s in snaps] == [local(2026, 11, 27, 21, 47, 52), local(2026, 11, 27, 21, 47, 53)]
    assert snaps[0].entries == [[["unix`mutex_enter\ngenunix`read"], 5], [["unix`i86_mwait"], 90]]
    assert snaps[1].entries == [[["unix`i86_mwait"], 70]]


def test_walltimestamp_in_nanoseconds_and_iso_lines_open_ticks():
    text = "1795816232000000000\n\n  bash   3\n2026-11-27T21:50:33\n\n  bash   4\n"
    snaps = import_dtrace_text(text)
    assert [s.ts for s in snaps] == [1795816232.0, local(2026, 11, 27, 21, 50, 33)]
    assert [s.entries for s in snaps] == [[[["bash"], 3]], [[["bash"], 4]]]


def test_the_dtrace_cli_backends_own_output_is_read_by_its_parser():
    """tests/data/dtrace_cli: what dtrace(1) prints for the backend's program (marker lines, tick times)."""
    lat = by_agg(import_dtrace_text(CLI / "quantize.out"))["lat"][0]
    assert lat.kind == "quantize" and lat.ts == 1700000001.0 and lat.source == "quantize"
    assert lat.entries == [
        [["sshd"], [[[-7, -4], 1], [[-1, -1], 2], [[0, 0], 1], [[2, 3], 4]]],
        [["bash"], [[[1, 1], 2], [[2, 3], 5], [[8, 15], 1], [[4096, 8191], 2]]],
    ]
    formatted = by_agg(import_dtrace_text(CLI / "formatted.out"))
    assert formatted["bytes"][0].entries == [[[4242, "bash"], -512], [[1, "init"], 8192]]
    assert formatted["k"][0].entries[1] == [["unix`i86_mwait"], 90]
    lq = by_agg(import_dtrace_text(CLI / "lquantize.out"))["lq"][0]
    assert lq.entries[0] == [[4242], [[[INT64_MIN, -1], 2], [[0, 9], 1], [[10, 19], 7]]]
    assert lq.entries[1] == [[101], [[[50, 59], 3], [[100, INT64_MAX], 1]]]
    script = (
        "syscall:::entry { @fds[self->path] = count(); @perproc[pid, this->name] = sum(arg0); "
        "@total = count(); @where[arg0, stack()] = count(); }"
    )
    scalars = by_agg(import_dtrace_text(CLI / "scalar_default.out", script=script))
    assert scalars["where"][0].entries == [
        [[12, "genunix`fop_read\ngenunix`read"], 4],
        [[3, "unix`i86_mwait"], 11],
    ]
    assert scalars["perproc"][0].kind == "sum"
    assert scalars["perproc"][0].entries[2] == [
        [4242, "a-process-name-that-is-longer-than-fifty-characters-x"],
        5,
    ]


# --------------------------------------------------------------------------- CSV


def test_long_csv_rows_group_into_snapshots():
    snaps = import_csv(IMPORT / "long.csv")
    assert [(s.host, s.source, s.agg, s.kind, s.ts) for s in snaps] == [
        ("web01", "syscalls", "calls", "count", 1795816072.0),
        ("web01", "syscalls", "peak", "max", 1795816072.0),
        ("web01", "syscalls", "calls", "count", 1795816073.0),
        ("web01", "syscalls", "peak", "max", 1795816073.0),
        ("db01", "syscalls", "calls", "count", 1795816075.0),
    ]
    assert snaps[0].entries == [[["bash"], 12], [["sshd"], 3], [["Web Content", 42], 40]]
    assert snaps[1].entries == [[[], 900]]
    assert all(s.delta and s.interval == 1.0 for s in snaps)


def test_wide_csv_is_one_stream_with_a_key_per_column():
    snaps = import_csv(IMPORT / "wide.csv", host="box")
    assert [(s.host, s.source, s.agg, s.kind, s.ts) for s in snaps] == [
        ("box", "wide", "values", "count", 1795816232.0 + i) for i in range(3)
    ]
    assert snaps[0].entries == [[["cpu"], 12.5], [["mem"], 2048], [["disk"], 0]]
    assert snaps[1].entries == [[["cpu"], 80], [["mem"], 2050]]  # an empty cell is left out


def test_a_nab_data_file_timestamp_value():
    snaps = import_csv(IMPORT / "nab_like.csv", kind="avg", agg="cpu")
    assert len(snaps) == 5 and {s.stream for s in snaps} == {("imported", "nab_like", "cpu")}
    assert snaps[0].ts == local(2014, 2, 14, 14, 27) and snaps[0].entries == [[["value"], 51.846]]
    assert [s.interval for s in snaps] == [300.0] * 5
    assert snaps[0].kind == "avg"


def test_a_recording_exported_to_csv_reads_back(tmp_path):
    original = [
        Snapshot("h", "s", "calls", "count", 1000.0, 1.0, True, [[["bash", 7], 3], [["sshd"], 1]]),
        Snapshot(
            "h", "s", "lat", "hist", 1000.0, 1.0, True, [[["bash"], [[[INT64_MIN, -1], 1], [[4, 7], 2]]]]
        ),
        Snapshot(
            "h", "s", "st", "stats", 1001.0, 1.0, True, [[[], {"count": 2, "average": 15, "total": 30}]]
        ),
    ]
    write_recording(original, tmp_path / "rec")
    frame = read_frame(tmp_path / "rec")
    frame["ts"] = frame["ts"].map(lambda t: t.isoformat())
    frame.to_csv(tmp_path / "export.csv", index=False)
    assert import_csv(tmp_path / "export.csv") == original


# --------------------------------------------------------------------------- recordings and the command


def test_write_recording_cuts_segments_by_recorded_time(tmp_path):
    snaps = [Snapshot("h", "s", "a", "count", 100.0 + i, 1.0, True, [[["k"], i]]) for i in range(25)]
    stats = write_recording(reversed(snaps), tmp_path, segment_seconds=10)
    assert stats == {"snapshots": 25, "segments": 3, "first_ts": 100.0, "last_ts": 124.0}
    parts = segments(tmp_path)
    assert [segment_span(p) for p in parts] == [(100.0, 109.0), (110.0, 119.0), (120.0, 124.0)]
    assert read_segment(parts[1]) == snaps[10:20]
    assert list(iter_snapshots(tmp_path)) == snaps


def run_import(argv):
    parser = argparse.ArgumentParser()
    cmd_import.register(parser.add_subparsers())
    args = parser.parse_args(["import", *argv])
    return args.func(args)


def test_suricate_import_writes_a_recording_of_every_file(tmp_path):
    out = tmp_path / "rec"
    files = [IMPORT / "bpftrace-clear.json", IMPORT / "dtrace-timestamped.txt", IMPORT / "long.csv"]
    assert (
        run_import(
            [
                *map(str, files),
                "--out",
                str(out),
                "--host",
                "lab",
                "--aggs",
                "calls,lat",
                "--kind",
                "bytes=sum",
            ]
        )
        == 0
    )
    back = list(iter_snapshots(out))
    expected = sorted(
        import_bpftrace_json(files[0], host="lab", kinds={"@bytes": "sum"})
        + import_dtrace_text(files[1], host="lab", aggs=["calls", "lat"])
        + import_csv(files[2], host="lab"),
        key=lambda s: s.ts,
    )
    # snapshots without entries have no rows in a recording
    assert back == [s for s in expected if s.entries]
    streams = {s.stream for s in back}
    assert ("lab", "bpftrace-clear", "bytes") in streams and ("lab", "dtrace-timestamped", "lat") in streams
    assert ("web01", "syscalls", "calls") in streams  # the CSV's own host column wins
    assert {s.kind for s in back if s.agg == "bytes"} == {"sum"}


def test_suricate_import_reports_what_it_cannot_read(tmp_path, capsys):
    assert run_import([str(tmp_path / "missing.json"), "--out", str(tmp_path / "r")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("ts,agg,value\nyesterday,a,1\n")
    assert run_import([str(bad), "--out", str(tmp_path / "r")]) == 1
    assert "bad.csv:2: cannot read the time 'yesterday'" in capsys.readouterr().err


def test_a_bpftrace_script_explains_the_bpftrace_log_only(tmp_path):
    out = tmp_path / "rec"
    assert (
        run_import(
            [
                str(IMPORT / "bpftrace-clear.json"),
                str(IMPORT / "dtrace-plain.txt"),
                "--out",
                str(out),
                "--script",
                str(IMPORT / "bpftrace-clear.bt"),
                "--start",
                "100",
            ]
        )
        == 0
    )
    kinds = {(s.source, s.agg): s.kind for s in iter_snapshots(out)}
    assert kinds[("bpftrace-clear", "bytes")] == "sum"
    assert {agg for source, agg in kinds if source == "dtrace-plain"} == {"@"}
