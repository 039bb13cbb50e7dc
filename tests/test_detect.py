"""``suricate detect``: scores a timestamp,value CSV or a recording's series from the command line.

Each test runs the real command in a new interpreter (``python -m suricate_desktop detect``) and
reads its CSV, as a user or the evaluation would.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suricate_desktop.analytics.detectors import DETECTORS, EstimatorAdapter
from suricate_desktop.cli.cmd_detect import DEFAULT_DETECTOR
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import RecordingWriter

ROOT = Path(__file__).resolve().parents[1]
#: A small real file of the NAB corpus, copied into tests/data (its README says from where).
NAB_FILE = ROOT / "tests" / "data" / "nab" / "speed_7578.csv"
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
SHIFT = 3600  # the row where the level shifts: past two days, once the daily profile is learnt
ROWS = 4320


def detect(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    """The command in a new interpreter; text in and out, or bytes when ``stdin`` is bytes (a CSV as some
    other tool wrote it)."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    return subprocess.run(
        [sys.executable, "-m", "suricate_desktop", "detect", *args],
        input=stdin,
        capture_output=True,
        text=not isinstance(stdin, bytes),
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def read_output(text: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(text), dtype={"timestamp": str})
    assert list(frame.columns) == ["timestamp", "value", "anomaly_score"]
    return frame


def shifted_series(seed: int = 3) -> pd.DataFrame:
    """A noisy daily rhythm at one point a minute whose level jumps by 12 noise widths at ``SHIFT``."""
    rng = np.random.default_rng(seed)
    i = np.arange(ROWS)
    values = 50 + 5 * np.sin(2 * np.pi * i / 1440) + rng.normal(0, 1, ROWS)
    values[SHIFT:] += 12
    stamps = [(START + timedelta(minutes=int(k))).strftime("%Y-%m-%d %H:%M:%S") for k in i]
    return pd.DataFrame({"timestamp": stamps, "value": np.round(values, 4)})


def bench_nab():
    """bench/nab.py as a module: the library path the NAB figures come from."""
    spec = importlib.util.spec_from_file_location("bench_nab", ROOT / "bench" / "nab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("detector", [None, "zscore"])
def test_a_level_shift_scores_above_what_came_before(tmp_path, detector):
    series = shifted_series()
    path = tmp_path / "shift.csv"
    series.to_csv(path, index=False)
    result = detect(str(path), *(["--detector", detector] if detector else []))
    assert result.returncode == 0, result.stderr
    out = read_output(result.stdout)
    assert len(out) == len(series)
    assert out["timestamp"].tolist() == series["timestamp"].tolist()
    assert np.array_equal(out["value"].to_numpy(), series["value"].to_numpy())
    scores = out["anomaly_score"].to_numpy()
    assert (scores >= 0).all()
    before = scores[1500:SHIFT].max()  # past the first day, while the daily profile is new
    after = scores[SHIFT : SHIFT + 30].max()
    threshold = DETECTORS[detector or DEFAULT_DETECTOR].threshold
    if detector is None:  # the default's scores are -log10 tail probabilities: the shift is 10 times rarer
        assert after >= max(threshold, before + 1), (before, after)
        # and its alarms before the shift are as rare as its threshold promises (1 in 10^threshold points)
        assert np.mean(scores[1500:SHIFT] >= threshold) <= 10**-threshold
        return
    assert after > 1.5 * before, (before, after)
    assert after >= threshold > before  # an alarm at the shift, none before it at the shipped threshold


def test_why_names_what_made_each_flagged_point_unusual(tmp_path):
    """``--why`` adds a reason to the rows at or past the threshold, with the scores unchanged; a
    detector that cannot say why is refused with the ones that can."""
    series = shifted_series()
    values = series["value"].to_numpy().copy()
    values[3900:3920] = 0.0  # the process stops for 20 minutes after the shift
    series["value"] = values
    path = tmp_path / "stop.csv"
    series.to_csv(path, index=False)
    plain = read_output(detect(str(path)).stdout)
    result = detect(str(path), "--why")
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(io.StringIO(result.stdout), dtype={"timestamp": str}, keep_default_na=False)
    assert list(out.columns) == ["timestamp", "value", "anomaly_score", "reason"]
    assert np.array_equal(out["anomaly_score"].to_numpy(), plain["anomaly_score"].to_numpy())
    flagged = out["anomaly_score"] >= DETECTORS[DEFAULT_DETECTOR].threshold
    assert (out["reason"][flagged] != "").all() and (out["reason"][~flagged] == "").all()
    assert out["reason"][3900] == "stopped"
    assert (
        out["reason"][SHIFT : SHIFT + 30][flagged[SHIFT : SHIFT + 30]]
        .str.contains("above|up|high|climbing")
        .all()
    )
    other = detect(str(path), "--why", "--detector", "zscore")
    assert other.returncode == 0, other.stderr
    out = pd.read_csv(io.StringIO(other.stdout), dtype={"timestamp": str}, keep_default_na=False)
    assert out["reason"][3900] == "far below its recent values"
    flagged = out["anomaly_score"] >= DETECTORS["zscore"].threshold
    assert (out["reason"][flagged] != "").all() and (out["reason"][~flagged] == "").all()


@pytest.mark.parametrize("detector", ["suricate", "zscore", "ensemble"])
def test_the_command_gives_the_numbers_of_the_benchmark_path(tmp_path, detector):
    series = shifted_series(seed=11)
    path = tmp_path / "series.csv"
    series.to_csv(path, index=False)
    result = detect(str(path), "--detector", detector, "-o", str(tmp_path / "scores.csv"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    out = read_output((tmp_path / "scores.csv").read_text())
    frame = pd.read_csv(path)  # as nab.load_corpus reads a file
    ts = pd.to_datetime(frame["timestamp"]).to_numpy()
    _kind, _name, expected, _secs = bench_nab()._run_one(
        (detector, "series.csv", ts, frame["value"].to_numpy(dtype=np.float64))
    )
    assert np.array_equal(out["anomaly_score"].to_numpy(), expected)


def test_epoch_seconds_and_stdin_score_as_their_dates_do(tmp_path):
    series = shifted_series()
    dated = detect("-", "--detector", "seasonal", stdin=series.to_csv(index=False))
    epoch = series.assign(
        timestamp=[
            str(int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp())) for s in series["timestamp"]
        ]
    )
    by_epoch = detect("-", "--detector", "seasonal", stdin=epoch.to_csv(index=False))
    assert dated.returncode == by_epoch.returncode == 0, dated.stderr + by_epoch.stderr
    a, b = read_output(dated.stdout), read_output(by_epoch.stdout)
    assert b["timestamp"].tolist() == epoch["timestamp"].tolist()  # written as read
    assert np.array_equal(a["anomaly_score"].to_numpy(), b["anomaly_score"].to_numpy())
    assert a["anomaly_score"].to_numpy()[SHIFT:].max() > 0


def test_one_series_in_any_form_a_tool_writes_scores_the_same_from_a_file_or_stdin(tmp_path):
    """A byte-order mark, CR or CRLF line ends, a byte that is not UTF-8 in a column not read, epoch
    milliseconds, microseconds or nanoseconds, UTF-16 or UTF-32: each form of one series, generated, from a
    file and from stdin, scores as the plain file does. Before, stdin refused a BOM (a header with an
    invisible character) and CR line ends (a traceback), a file refused a Latin-1 byte in any column,
    milliseconds were read as seconds (the year 47,000: the time-of-day views saw nothing), and UTF-16 was
    refused with a header of NULs between its letters."""
    rng = np.random.default_rng(23)
    series = shifted_series().head(1500)
    plain = series.to_csv(index=False)
    expected = read_output(detect("-", "--detector", "seasonal", stdin=plain).stdout)["anomaly_score"]
    seconds = [int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp()) for s in series["timestamp"]]
    forms = {}
    for unit, scale in (("ms", 10**3), ("us", 10**6), ("ns", 10**9)):
        forms[unit] = series.assign(timestamp=[str(t * scale) for t in seconds]).to_csv(index=False).encode()
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):  # a spreadsheet's "Unicode text"
        forms[encoding] = plain.replace("\n", "\r\n").encode(encoding)
    for _ in range(6):
        text = plain
        if rng.random() < 0.6:  # a column the command does not read, with a byte that is not UTF-8 in it
            lines = text.splitlines()
            text = "\n".join(
                [lines[0] + ",host"] + [f"{line},h\udce9{i}" for i, line in enumerate(lines[1:])]
            )
        ending = str(rng.choice(["\n", "\r\n", "\r"]))
        data = text.replace("\n", ending).encode("utf-8", "surrogateescape")
        if rng.random() < 0.5:
            data = b"\xef\xbb\xbf" + data
        forms[f"form {len(forms)} ({ending!r})"] = data
    for name, data in forms.items():
        path = tmp_path / "in.csv"
        path.write_bytes(data)
        for result in (
            detect(str(path), "--detector", "seasonal", stdin=b""),  # bytes out, as from stdin
            detect("-", "--detector", "seasonal", stdin=data),
        ):
            assert result.returncode == 0, (name, result.stderr)
            scores = pd.read_csv(io.BytesIO(result.stdout))["anomaly_score"]
            assert np.array_equal(scores.to_numpy(), expected.to_numpy()), name


def test_a_csv_that_breaks_its_rules_is_refused_by_line_and_nothing_is_written(tmp_path):
    rows = shifted_series().head(50)
    plain = rows.to_csv(index=False)
    lines = plain.splitlines()
    cases = {
        "a field past the csv module's limit": (
            "\n".join([*lines[:5], lines[5] + "0" * 200_000, *lines[6:]]),
            "in.csv, line 6: not CSV this can read: field larger than field limit",
        ),
        "a row before the one above it": (
            "\n".join([*lines[:10], lines[12], lines[11], *lines[13:]]),
            f"in.csv, line 12: timestamp '{rows['timestamp'][10]}' is before the row above it",
        ),
        "an epoch past nanoseconds": ("timestamp,value\n1e21,1\n", "line 2: timestamp '1e21' is neither"),
        "a header of 100,000 columns": (
            ",".join(f"c{i}" for i in range(100_000)) + "\n1,2\n",
            "the header has no timestamp and no value column (found: c0,c1,c2,",
        ),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / "in.csv"
        path.write_text(text)
        result = detect(str(path))
        assert result.returncode == 1 and result.stdout == "", (name, result.stderr)
        assert message in result.stderr and len(result.stderr.splitlines()) == 1, (name, result.stderr[:300])
        assert "Traceback" not in result.stderr and len(result.stderr) < 500


def test_where_the_scores_cannot_go_is_said_in_a_line(tmp_path):
    path = tmp_path / "in.csv"
    shifted_series().head(50).to_csv(path, index=False)
    shut = subprocess.run(  # started with stdout closed: ``suricate detect in.csv >&-``
        f"{sys.executable} -m suricate_desktop detect {path} >&-",
        shell=True,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=False,
    )
    assert (
        shut.returncode == 1
        and shut.stderr.strip() == "suricate detect: cannot write to stdout: stdout is closed"
    )
    empty_name = detect(str(path), "-o", "")
    assert empty_name.returncode == 2 and "-o/--output needs a file name" in empty_name.stderr


def test_a_parameter_changes_the_scores_and_unknown_ones_are_refused(tmp_path):
    path = tmp_path / "s.csv"
    shifted_series().to_csv(path, index=False)
    default = read_output(detect(str(path), "--detector", "ewma").stdout)["anomaly_score"].to_numpy()
    tuned = detect(str(path), "--detector", "ewma", "--param", "halflife=5")
    assert tuned.returncode == 0, tuned.stderr
    assert not np.array_equal(read_output(tuned.stdout)["anomaly_score"].to_numpy(), default)
    unknown = detect(str(path), "--detector", "ewma", "--param", "nosuch=1")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert (
        "detector 'ewma' has no parameter 'nosuch'; its parameters: halflife, min_periods" in unknown.stderr
    )
    bad = detect(str(path), "--detector", "ewma", "--param", "min_periods=many")
    assert bad.returncode == 2 and "min_periods=many: not a whole number" in bad.stderr
    for detector, param in (
        ("zscore", "window=0"),
        ("zscore", "window=-5"),
        ("seasonal", "slots=0"),
        ("ewma", "halflife=0"),
    ):
        out_of_range = detect(str(path), "--detector", detector, "--param", param)
        assert out_of_range.returncode == 2 and out_of_range.stdout == "", (param, out_of_range.stderr)
        name = param.split("=")[0]
        assert out_of_range.stderr.startswith(f"suricate detect: {detector}: {name} must be "), (
            out_of_range.stderr
        )
        assert len(out_of_range.stderr.splitlines()) == 1
    no_equals = detect(str(path), "--param", "halflife")
    assert no_equals.returncode == 2 and "expected NAME=VALUE" in no_equals.stderr


def write_recording(folder: Path) -> list[Snapshot]:
    """A host whose per-process syscall counts come every 10 s; bash jumps from ~20 to ~90 a while in."""
    rng = np.random.default_rng(5)
    snaps = []
    for i in range(400):
        bash = int(rng.poisson(90 if i >= 300 else 20))
        entries = [[["bash"], bash], [["sshd"], int(rng.poisson(5))]]
        if i % 7 == 0:  # sshd is quiet in some intervals: that key is absent there
            entries = entries[:1]
        snaps.append(
            Snapshot(
                "web01.example.com",
                "procs",
                "calls",
                "count",
                1_770_000_000.0 + 10 * i,
                10.0,
                True,
                entries,
                seq=i,
                run="r1",
            )
        )
    with RecordingWriter(folder) as writer:
        writer(snaps)
    return snaps


def test_a_recordings_series_is_scored_by_key(tmp_path):
    snaps = write_recording(tmp_path / "rec")
    result = detect(
        "--recording",
        str(tmp_path / "rec"),
        "--series",
        "web01.example.com.procs.calls:bash",
        "--detector",
        "zscore",
    )
    assert result.returncode == 0, result.stderr
    out = read_output(result.stdout)
    assert len(out) == len(snaps)
    expected_stamps = [datetime.fromtimestamp(s.ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S") for s in snaps]
    assert out["timestamp"].tolist() == expected_stamps
    assert out["value"].tolist() == [s.entries[0][1] for s in snaps]
    scores = out["anomaly_score"].to_numpy()
    assert scores[300:305].max() > 2 * scores[50:300].max()
    sshd = read_output(
        detect("--recording", str(tmp_path / "rec"), "--series", "web01.example.com.procs.calls:sshd").stdout
    )
    assert len(sshd) == len(snaps)  # a count: an interval without sshd counted 0 calls
    assert (sshd["value"].to_numpy()[::7] == 0).all()


def test_a_gauges_intervals_without_the_key_are_left_out(tmp_path):
    snaps = [
        Snapshot(
            "h",
            "lat",
            "avg_us",
            "avg",
            1_770_000_000.0 + i,
            1.0,
            False,
            [[["a"], 100.0 + i]] + ([[["b"], 7.5]] if i % 3 else []),
            seq=i,
        )
        for i in range(90)
    ]
    with RecordingWriter(tmp_path / "rec") as writer:
        writer(snaps)
    result = detect("--recording", str(tmp_path / "rec"), "--series", "h.lat.avg_us:b", "--detector", "ewma")
    assert result.returncode == 0, result.stderr
    out = read_output(result.stdout)
    kept = [s for s in snaps if len(s.entries) == 2]
    assert len(out) == len(kept) == 60
    assert out["timestamp"].tolist() == [
        datetime.fromtimestamp(s.ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S") for s in kept
    ]
    assert (out["value"] == 7.5).all()


def test_a_recording_names_the_keys_and_streams_it_has(tmp_path):
    write_recording(tmp_path / "rec")
    rec = str(tmp_path / "rec")
    no_key = detect("--recording", rec, "--series", "web01.example.com.procs.calls")
    assert no_key.returncode == 1
    assert (
        "web01.example.com.procs.calls has 2 keys; name one as web01.example.com.procs.calls:KEY, one of: "
        "bash, sshd" in no_key.stderr
    )
    wrong_key = detect("--recording", rec, "--series", "web01.example.com.procs.calls:zsh")
    assert wrong_key.returncode == 1 and "has no key 'zsh'; its keys: bash, sshd" in wrong_key.stderr
    wrong_stream = detect("--recording", rec, "--series", "web02.procs.calls:bash")
    assert wrong_stream.returncode == 1
    assert (
        "has no stream web02.procs.calls; its streams: web01.example.com.procs.calls" in wrong_stream.stderr
    )
    bad_name = detect("--recording", rec, "--series", "calls")  # a command line's fault, as --detector's is
    assert bad_name.returncode == 2 and "expected HOST.SOURCE.AGG" in bad_name.stderr
    missing = detect("--recording", str(tmp_path / "nothing"), "--series", "a.b.c")
    assert missing.returncode == 1 and "no recording at" in missing.stderr
    assert detect("--recording", rec).returncode == 2
    assert (
        detect(str(ROOT / "README.md"), "--series", "a.b.c").returncode == 2
    )  # --series without --recording


def test_a_recordings_keys_are_named_as_listed_and_a_broken_segment_is_named(tmp_path):
    """The bundled sample's ``read_stats`` has unnamed keys, which the store labels " count": listed as
    ``count``, they could be named only with the space. A segment cut short was a pyarrow traceback."""
    sample = ROOT / "resources" / "recordings" / "bpftrace-demo"
    listed = detect("--recording", str(sample), "--series", "demo.read-sizes.read_stats")
    assert listed.returncode == 1 and "one of: count, average, total" in listed.stderr, listed.stderr
    for key in ("count", " count"):
        named = detect("--recording", str(sample), "--series", f"demo.read-sizes.read_stats:{key}")
        assert named.returncode == 0 and len(read_output(named.stdout)) > 100, named.stderr
    broken = tmp_path / "rec"
    shutil.copytree(sample, broken)
    segment = sorted(broken.glob("segment-*.parquet"))[1]
    segment.write_bytes(segment.read_bytes()[:5000])
    cut = detect("--recording", str(broken), "--series", "demo.syscalls-by-process.calls:bash")
    assert cut.returncode == 1 and "Traceback" not in cut.stderr, cut.stderr
    assert f"{segment.name} cannot be read" in cut.stderr and len(cut.stderr.splitlines()) == 1


def test_bad_input_is_refused_with_its_line(tmp_path):
    rng = np.random.default_rng(17)
    series = shifted_series().head(300)
    alphabet = [*list("abcxyzE0123456789.,;:+-_ \"'\n\té∞"), "nan", "inf", "1e999", "0x1G"]
    generated = set()
    while len(generated) < 8:  # random text that is not a finite number
        text = "".join(rng.choice(alphabet, size=int(rng.integers(0, 8))))
        try:
            if np.isfinite(float(text)):
                continue
        except ValueError:
            pass
        generated.add(text)
    for text in sorted(generated):
        rows = series.copy()
        at = int(rng.integers(0, len(rows)))
        rows["value"] = rows["value"].astype(object)
        rows.loc[at, "value"] = text
        result = detect("-", stdin=rows.to_csv(index=False))
        assert result.returncode == 1, (text, result.stderr)
        assert result.stdout == ""
        assert f"stdin, line {at + 2}: value " in result.stderr  # line 1 is the header
        assert len(result.stderr.strip().splitlines()) == 1
    stamps = series.copy()
    stamps.loc[7, "timestamp"] = "yesterday"
    bad_time = detect("-", stdin=stamps.to_csv(index=False))
    assert bad_time.returncode == 1
    assert (
        "line 9: timestamp 'yesterday' is neither YYYY-MM-DD HH:MM:SS nor an epoch number" in bad_time.stderr
    )
    cases = {
        "": "stdin is empty",
        "timestamp,value\n": "stdin has a header but no rows to score",
        "time,value\n2020-01-01 00:00:00,1\n": "the header has no timestamp column (found: time,value)",
        "timestamp\n2020-01-01 00:00:00\n": "the header has no value column",
        "timestamp,value\n2020-01-01 00:00:00\n": "stdin, line 2: 1 fields, expected 2",
    }
    for text, message in cases.items():
        result = detect("-", stdin=text)
        assert result.returncode == 1 and message in result.stderr, (text, result.stderr)
    unwritable = detect(
        "-", "-o", str(tmp_path / "no" / "such" / "dir.csv"), stdin=series.to_csv(index=False)
    )
    assert (
        unwritable.returncode == 1 and "cannot write" in unwritable.stderr and "dir.csv" in unwritable.stderr
    )
    absent = detect(str(tmp_path / "absent.csv"))
    assert absent.returncode == 1 and "absent.csv" in absent.stderr
    unknown = detect("-", "--detector", "nosuch", stdin=series.to_csv(index=False))
    assert unknown.returncode == 2 and "unknown detector 'nosuch'; one of: " in unknown.stderr
    assert detect().returncode == 2


def test_list_detectors_names_each_with_a_line_and_marks_the_default():
    result = detect("--list-detectors")
    assert result.returncode == 0, result.stderr
    names = [line.split(":")[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    offered = [k for k, c in DETECTORS.items() if not issubclass(c, EstimatorAdapter)]
    assert [n.replace(" (default)", "") for n in names] == offered
    assert f"{DEFAULT_DETECTOR} (default)" in names
    assert "sequence" in offered and "estimator" not in names  # the adapter needs an estimator object
    for line in result.stdout.splitlines():
        assert line.startswith("    parameters: ") or len(line) < 160


def test_a_real_nab_file_is_scored_row_for_row():
    with NAB_FILE.open() as f:
        rows = list(csv.DictReader(f))
    result = detect(str(NAB_FILE))
    assert result.returncode == 0, result.stderr
    out = read_output(result.stdout)
    assert len(out) == len(rows) == 1127
    assert out["timestamp"].tolist() == [r["timestamp"] for r in rows]
    assert np.array_equal(out["value"].to_numpy(), np.array([float(r["value"]) for r in rows]))
    assert np.isfinite(out["anomaly_score"].to_numpy()).all()


def test_the_default_detector_is_a_registered_one():
    assert DEFAULT_DETECTOR in DETECTORS
    assert detect("--help").stdout.count(f"default: {DEFAULT_DETECTOR}") == 1
