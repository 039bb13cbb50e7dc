"""Store additions for the live plots: slicing by time, the store's clock, silences, fast bucket sums."""

import numpy as np
import pytest

from suricate_desktop.schema import INT64_MAX, Snapshot
from suricate_desktop.store.live import LiveStore, find_gaps

S = ("h", "s", "a")


def snap(ts, entries, delta=True, kind="count", host="h", agg="a", interval=1.0):
    return Snapshot(host, "s", agg, kind, ts, interval, delta, entries)


def _filled(delta: bool, kind: str = "count", capacity: int = 50, n: int = 120) -> LiveStore:
    rng = np.random.default_rng(7)
    store = LiveStore(capacity=capacity)
    totals: dict[str, float] = {}
    for i in range(n):
        entries = []
        for key in ("a", "b", "c"):
            if rng.random() < 0.7:
                value = float(rng.integers(0, 100))
                totals[key] = totals.get(key, 0.0) + value
                entries.append([[key], value if delta else totals[key]])
        store([snap(1000.0 + i, entries, delta=delta, kind=kind)])
    return store


@pytest.mark.parametrize("delta", [True, False])
@pytest.mark.parametrize("kind", ["count", "max"])
@pytest.mark.parametrize("view", ["interval", "cumulative"])
@pytest.mark.parametrize("capacity", [50, 500])
def test_since_and_last_equal_a_slice_of_the_whole_view(delta, kind, view, capacity):
    store = _filled(delta, kind, capacity)
    t_all, v_all, _ = store.matrix(S, view)
    for since in (t_all[0] - 5, t_all[0], t_all[-10] + 0.5, t_all[-1], t_all[-1] + 1):
        t, v, _ = store.matrix(S, view, since=since)
        keep = t_all >= since
        assert t.tolist() == t_all[keep].tolist()
        np.testing.assert_allclose(v, v_all[keep], rtol=0, atol=1e-9)
    for last in (1, 7, capacity, capacity + 3):
        t, v, _ = store.matrix(S, view, last=last)
        assert t.tolist() == t_all[-last:].tolist()
        np.testing.assert_allclose(v, v_all[-last:], rtol=0, atol=1e-9)
    # last=0 keeps meaning "all", as it always did
    assert len(store.matrix(S, view, last=0)[0]) == len(t_all)


def test_series_and_frame_take_since_too():
    store = _filled(True)
    t, v = store.series(S, ("a",), "cumulative", since=1100)
    assert t[0] == 1100 and len(t) == 20
    assert store.series(S, ("a",), "cumulative")[1][-1] == v[-1]
    assert len(store.frame(S, since=1115)) == 5


def test_buckets_since_and_per_key_sums_stay_right_as_buckets_appear():
    store = LiveStore()
    store([snap(1, [[["bash"], [[[1, 1], 4]]], [["sshd"], [[[2, 3], 7]]]], kind="quantize")])
    t, edges, counts = store.buckets(S)
    assert edges == [(1, 1), (2, 3)] and counts.tolist() == [[4, 7]]
    # A new bucket below the others, and an open top end, appear later: the cached mapping follows.
    store([snap(2, [[["bash"], [[[0, 0], 1], [[1, 1], 2], [[1024, INT64_MAX], 3]]]], kind="quantize")])
    t, edges, counts = store.buckets(S, since=2)
    assert t.tolist() == [2] and edges == [(0, 0), (1, 1), (2, 3), (1024, INT64_MAX)]
    assert counts.tolist() == [[1, 2, 0, 3]]
    _, edges, counts = store.buckets(S, key=("sshd",), view="cumulative")
    assert edges == [(2, 3)] and counts.tolist() == [[7], [7]]
    _, edges, counts = store.buckets(S, key=("nobody",))
    assert edges == [] and counts.shape == (2, 0)
    _, _, counts = store.buckets(S, since=3)
    assert counts.shape == (0, 4)


def test_clock_is_the_newest_data_of_a_host_or_of_everything():
    store = LiveStore()
    assert store.clock() == 0.0
    store([snap(10, [[["k"], 1]]), snap(12, [[["k"], 1]], agg="b"), snap(30, [[["k"], 1]], host="other")])
    assert store.clock("h") == 12 and store.clock() == 30 and store.clock("nobody") == 0.0


def test_gaps_are_silences_longer_than_two_and_a_half_intervals():
    store = LiveStore()
    for ts in (0, 1, 2, 3, 7, 8, 9.5, 12.1):
        store([snap(ts, [[["k"], 1]])])
    # 3 -> 7 is 4 intervals (a gap); 9.5 -> 12.1 is 2.6 (a gap); 8 -> 9.5 is 1.5 (not)
    assert store.gaps(S) == [(3.0, 7.0), (9.5, 12.1)]
    assert store.gaps(S, since=7) == [(9.5, 12.1)]
    # Still silent at the host's clock: the trailing silence counts too.
    assert store.gaps(S, until=20.0)[-1] == (12.1, 20.0)
    assert store.gaps(S, until=13.0) == [(3.0, 7.0), (9.5, 12.1)]


def test_find_gaps_without_an_interval_uses_the_median_spacing():
    assert find_gaps(np.array([0, 2, 4, 6, 20]), 0.0) == [(6.0, 20.0)]
    assert find_gaps(np.array([5.0]), 0.0) == []
    assert find_gaps(np.array([]), 1.0, until=10) == []


def test_a_waiting_reader_gets_the_lock_before_a_big_batch_is_done():
    import threading

    store = LiveStore()
    store([snap(0, [[["k0"], 1]])])
    started, finished = threading.Event(), threading.Event()

    def batch():
        for i in range(1, 400):
            if i == 2:
                started.set()
            yield snap(i, [[[f"k{j}"], j] for j in range(200)])  # 80,000 records in all
        finished.set()

    writer = threading.Thread(target=store.ingest, args=(batch(),))
    writer.start()
    assert started.wait(5)
    _times, _, _ = store.matrix(S, last=1)
    read_during_batch = not finished.is_set()
    writer.join()
    assert read_during_batch  # handed over mid-batch, not after all 80,000 records
    assert store.snapshots == 400 and store.info(S).rows == 400


def test_version_and_clock_need_no_lock():
    store = LiveStore()
    store([snap(5, [[["k"], 1]])])
    with store._lock:  # a writer holding the lock does not block the frame timer's polling
        assert store.version(S) == 1 and store.clock("h") == 5
