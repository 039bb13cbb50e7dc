"""A recording plays: RecordingPlayer fills its store up to a play position, no Qt needed.

The workbench's side of it (RecordingSource, the timeline bar) is in test_player_source.py.
"""

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from playing import expected_newest, in_time_order, newest, opener
from waiting import wait_until

from suricate_desktop.schema import Snapshot
from suricate_desktop.store import player as player_module
from suricate_desktop.store.importers import write_recording
from suricate_desktop.store.player import RecordingPlayer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "recordings" / "bpftrace-demo"

STREAMS = {
    ("demo", "syscalls-by-process", "calls"),
    ("demo", "cpu-profile-by-process", "samples"),
    ("demo", "process-exec", "execs"),
    ("demo", "bytes-read-written-by-process", "bytes"),
    ("demo", "read-sizes", "read_bytes"),
    ("demo", "read-sizes", "read_stats"),
    ("demo", "disk-io-sizes", "bytes"),
    ("demo", "disk-io-latency", "latency_ns"),
}


@pytest.fixture(scope="module")
def recorded():
    """Every snapshot of the bundled recording, in time order."""
    return in_time_order(DEMO)


@pytest.fixture
def player():
    with opener(RecordingPlayer) as open_:
        yield open_


def rows(store, stream) -> int:
    return store.info(stream).rows


def count_until(recorded, stream, position) -> int:
    return len({s.ts for s in recorded if s.stream == stream and s.ts <= position})


def test_the_bundled_recording_opens_paused_at_its_start(player, recorded):
    src = player(DEMO)
    assert (src.start, src.end) == (recorded[0].ts, recorded[-1].ts)
    assert 120 < src.span < 300 and src.step == pytest.approx(1.0, abs=0.05)
    assert src.state == "paused" and src.position == src.start
    assert wait_until(lambda: src.caught_up, 5)
    assert newest(src.store) == src.start  # only the first instant


class FakeClock:
    """The player's monotonic clock, moved by the test: pacing is checked against it, not the wall."""

    def __init__(self):
        self.now = time.monotonic()

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(player_module, "time", SimpleNamespace(monotonic=fake.monotonic, sleep=time.sleep))
    return fake


def test_the_recording_plays_at_the_chosen_speed(clock, player, recorded):
    src = player(DEMO, speed=20.0)
    src.play()
    assert src.state == "playing"
    calls = ("demo", "syscalls-by-process", "calls")
    ahead = []

    def caught_up_to(pos):
        """The store holds every snapshot up to ``pos`` (with their recorded times) and none after it."""
        have = newest(src.store)
        if have > pos:
            ahead.append((have, pos))
        return have == expected_newest(recorded, pos)

    # the clock stands still: so does the position, and the store holds only the first instant
    assert wait_until(lambda: src.caught_up, 5)
    time.sleep(0.3)  # the worker wakes several times (at most every 0.25 s) meanwhile
    assert src.position == src.start and newest(src.store) == src.start

    # each second of the clock moves the position 20 s of the recording; the store follows, never ahead
    for step in range(1, 9):
        clock.advance(0.75)
        pos = src.position
        assert pos == pytest.approx(src.start + 20.0 * 0.75 * step, abs=1e-6)
        assert wait_until(lambda pos=pos: caught_up_to(pos), 5)
    assert {i.stream for i in src.store.streams()} == STREAMS
    times, _values, _labels = src.store.matrix(calls)
    assert list(times) == sorted({s.ts for s in recorded if s.stream == calls and s.ts <= pos})

    # faster from here on, from where it was
    src.set_speed(100.0)
    assert src.position == pytest.approx(pos, abs=1e-6)
    clock.advance(0.5)
    pos = src.position
    assert pos == pytest.approx(src.start + 20.0 * 6 + 100.0 * 0.5, abs=1e-6)
    assert wait_until(lambda pos=pos: caught_up_to(pos), 5)
    assert not ahead, f"the store was ahead of the position: {ahead[:3]}"

    # to the end: the position stops there and play ends
    clock.advance(src.span)
    assert wait_until(lambda: src.state == "ended", 10)
    assert src.position == src.end and newest(src.store) == recorded[-1].ts


def test_pause_holds_and_seeking_back_refills_to_the_position(player, recorded):
    src = player(DEMO, speed=50.0)
    src.play()
    assert wait_until(lambda: src.position > src.start + 60, 10)
    src.pause()
    assert src.state == "paused"
    held = src.position
    assert wait_until(lambda: src.caught_up, 5)
    got = src.store.snapshots
    time.sleep(0.4)
    assert src.position == held and src.store.snapshots == got
    assert newest(src.store) == expected_newest(recorded, held)

    # back: the store is cleared and refilled up to the new position
    resets = src.resets
    target = src.start + 30.5
    src.seek(target)
    assert src.position == target
    assert wait_until(lambda: src.caught_up, 5)
    assert src.resets == resets + 1
    assert newest(src.store) == expected_newest(recorded, target)
    calls = ("demo", "syscalls-by-process", "calls")
    assert rows(src.store, calls) == count_until(recorded, calls, target)

    # forward: what lies between is ingested, nothing is cleared
    target = src.start + 100.25
    src.seek(target)
    assert wait_until(lambda: src.caught_up, 5)
    assert src.resets == resets + 1
    assert newest(src.store) == expected_newest(recorded, target)
    assert rows(src.store, calls) == count_until(recorded, calls, target)
    times, _values, _labels = src.store.matrix(calls)
    assert list(times) == sorted({s.ts for s in recorded if s.stream == calls and s.ts <= target})


def test_as_fast_as_possible_to_the_end_then_play_starts_over(player, recorded):
    src = player(DEMO, speed=0.0)
    src.play()
    assert wait_until(lambda: src.state == "ended", 20)
    assert src.position == src.end
    for stream in STREAMS:
        assert rows(src.store, stream) == count_until(recorded, stream, src.end)
    assert src.store.snapshots == len(recorded)
    src.set_speed(1.0)
    src.play()  # from the start again
    assert src.state == "playing" and src.position < src.start + 1
    assert wait_until(lambda: src.caught_up, 5)
    assert newest(src.store) < src.start + 2


def test_loop_starts_over_at_the_end(player):
    src = player(DEMO, speed=0.0, loop=True)
    src.play()
    assert wait_until(lambda: src.resets >= 2, 30)
    assert src.state == "playing"


def test_steps_move_by_the_usual_interval_and_pause(player):
    src = player(DEMO, speed=10.0, position=None)
    src.seek(src.start + 10)
    src.play()
    src.step_forward()
    assert src.state == "paused"
    p = src.position
    src.step_back(3)
    assert src.position == pytest.approx(p - 3 * src.step)
    src.seek(src.start - 100)
    assert src.position == src.start  # clamped


def test_a_recording_being_written_is_followed(player, tmp_path):
    def snaps(t0, n):
        return [Snapshot("h", "s", "a", "count", t0 + i, 1.0, True, [[["k"], i + 1]]) for i in range(n)]

    write_recording(snaps(1000.0, 5), tmp_path)
    src = player(tmp_path, speed=0.0, autoplay=True)
    assert wait_until(lambda: src.state == "ended", 5)
    assert src.end == 1004.0
    write_recording(snaps(1005.0, 5), tmp_path)
    src.play()
    assert wait_until(lambda: src.state == "ended" and src.end == 1009.0, 5)
    # play() after the end starts over, and at the old end the new segments were picked up
    assert rows(src.store, ("h", "s", "a")) == 10 and src.resets == 1


def test_what_cannot_be_opened(tmp_path):
    with pytest.raises(FileNotFoundError):
        RecordingPlayer(tmp_path / "nothing")
    with pytest.raises(ValueError, match="no recording segments"):
        RecordingPlayer(tmp_path)
    text = tmp_path / "some.txt"
    text.write_text("nothing to see\n")
    with pytest.raises(ValueError, match="not a recording folder"):
        RecordingPlayer(text)
    with pytest.raises(ValueError, match="no snapshots"):
        RecordingPlayer(text, importer=lambda path: [])


def test_imported_snapshots_play_from_memory(player):
    snaps = [Snapshot("h", "s", "a", "count", 1000.0 + i, 1.0, True, [[["k"], i + 1]]) for i in range(25)]
    src = player(Path(__file__), autoplay=True, speed=0.0, importer=lambda path: list(reversed(snaps)))
    assert wait_until(lambda: src.state == "ended", 10)
    assert (src.start, src.end, src.step) == (1000.0, 1024.0, 1.0)
    assert rows(src.store, ("h", "s", "a")) == 25
    assert [s.ts for s in src.snapshots()] == [s.ts for s in snaps]
    assert rows(src.read_span(("h", "s", "a"), 1010.0, 1014.0), ("h", "s", "a")) == 5
