"""The live store: bounded buffers, right interval and cumulative views, heatmap buckets."""

import numpy as np
import pytest

from suricate_desktop.schema import INT64_MIN, Snapshot
from suricate_desktop.store.live import LiveStore

S = ("h", "s", "a")


def count(ts, entries, delta=True, kind="count"):
    return Snapshot("h", "s", "a", kind, ts, 1.0, delta, entries)


def test_deltas_give_both_views_and_missing_keys_count_zero():
    store = LiveStore()
    store([count(1, [[["bash"], 3], [["sshd"], 1]]), count(2, [[["bash"], 2]]), count(3, [[["sshd"], 5]])])
    t, v = store.series(S, ("bash",), "interval")
    assert t.tolist() == [1, 2, 3] and v.tolist() == [3, 2, 0]
    assert store.series(S, ("bash",), "cumulative")[1].tolist() == [3, 5, 5]
    assert store.series(S, ("sshd",), "cumulative")[1].tolist() == [1, 1, 6]


def test_running_totals_give_the_same_views():
    store = LiveStore()
    store(
        [
            count(1, [[["bash"], 3]], delta=False),
            count(2, [[["bash"], 5]], delta=False),
            count(3, [[["sshd"], 2]], delta=False),
            count(4, [[["bash"], 9]], delta=False),
        ]
    )
    assert store.series(S, ("bash",), "cumulative")[1].tolist()[::3] == [3, 9]
    # A key missing from a row of running totals keeps its total: no dip, no spike.
    assert store.series(S, ("bash",), "interval")[1].tolist() == [3, 2, 0, 4]


def test_memory_is_bounded_and_cumulative_survives_eviction():
    store = LiveStore(capacity=10, max_columns=4)
    for i in range(1000):
        store([count(i, [[[f"k{i % 6}"], 1]])])
    info = store.info(S)
    assert info.rows == 10 and info.columns == 4
    assert store.stats()["dropped_columns"] > 0
    t, v = store.series(S, ("k0",), "cumulative")
    assert t[-1] == 999 and len(t) == 10
    assert v[-1] == pytest.approx(167)  # k0 came at i = 0, 6, ..., 996


def test_chunks_of_one_instant_merge_into_one_row():
    store = LiveStore()
    store([count(5, [[["a"], 1]]), count(5, [[["b"], 2]])])
    times, values, labels = store.matrix(S)
    assert times.tolist() == [5] and values.tolist() == [[1, 2]] and labels == [("a",), ("b",)]


def test_buckets_for_heatmaps_per_key_and_summed():
    store = LiveStore()
    store(
        [
            count(
                1,
                [
                    [["bash"], [[[INT64_MIN, -1], 0], [[0, 0], 1], [[1, 1], 4]]],
                    [["sshd"], [[[1, 1], 2], [[2, 3], 7]]],
                ],
                kind="quantize",
            ),
            count(2, [[["bash"], [[[2, 3], 1]]]], kind="quantize"),
        ]
    )
    _times, edges, counts = store.buckets(("h", "s", "a"))
    assert edges == [(INT64_MIN, -1), (0, 0), (1, 1), (2, 3)]
    assert counts.tolist() == [[0, 1, 6, 7], [0, 0, 0, 1]]
    _, edges, counts = store.buckets(("h", "s", "a"), key=("sshd",), view="cumulative")
    assert edges == [(1, 1), (2, 3)] and counts.tolist() == [[2, 7], [2, 7]]
    assert store.keys(S) == [("bash",), ("sshd",)]


def test_frame_is_a_copy_with_a_time_index():
    store = LiveStore()
    store([count(1700000000, [[["bash", 42], 3]]), count(1700000001, [[["bash", 42], 4]])])
    frame = store.frame(S)
    assert list(frame.columns) == ["bash,42"]
    assert str(frame.index[0]) == "2023-11-14 22:13:20+00:00"
    frame.iloc[0, 0] = -1
    assert store.series(S, ("bash", 42))[1][0] == 3


def test_non_additive_kinds_are_not_summed():
    store = LiveStore()
    store([count(1, [[["x"], 7]], kind="max"), count(2, [[["y"], 1]], kind="max")])
    v = store.series(S, ("x",), "cumulative")[1]
    assert v[0] == 7 and np.isnan(v[1])


def test_unknown_stream_and_key_errors_are_clear():
    store = LiveStore()
    with pytest.raises(KeyError, match=r"no stream h\.s\.a"):
        store.frame(S)
    store([count(1, [[["x"], 1]])])
    with pytest.raises(KeyError, match="has no key"):
        store.series(S, ("nope",))
    with pytest.raises(ValueError, match="not a histogram"):
        store.buckets(S)


def test_rows_grow_with_the_stream_then_wrap_at_capacity():
    store = LiveStore(capacity=200)
    for i in range(70):
        store([count(i, [[["k"], 1]])])
    buf = store._streams[S]
    assert len(buf.times) == 128  # grown from 64 as the stream grew, not a full ring at once
    for i in range(70, 500):
        store([count(i, [[["k"], 1]])])
    assert len(buf.times) == 200
    t, v = store.series(S, ("k",), "cumulative")
    assert t.tolist() == list(range(300, 500)) and v[-1] == 500 and v[0] == 301
