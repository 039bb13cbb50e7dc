"""What an outside publisher can make a long-lived process hold is capped, and what is evicted is counted.

Anyone who can publish to the exchange can invent host, source and aggregation names and keys without
end; the desk's LiveStore and the rules engine must hold at most their caps of streams and alerts, evict
the least recently updated (never a stream that keeps updating) and say how many they evicted.
"""

import random
import string
import tracemalloc

import pytest

from suricate_desktop.rules import Engine, parse_rule
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore

HOT = ("hot", "syscalls", "num")


def hostile_names(n, seed=0):
    """``n`` distinct (host, source, agg) triples of random printable text, as a publisher could send."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "-_:/é✓ "
    seen = set()
    while len(seen) < n:
        seen.add(tuple("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3)))
    return sorted(seen)


def snap(stream, ts, value=1.0, keys=("k",)):
    host, source, agg = stream
    return Snapshot(host, source, agg, "count", ts, 1.0, True, [[[k], value] for k in keys])


def test_a_store_holds_at_most_max_streams_and_evicts_the_least_recently_updated():
    store = LiveStore(capacity=20, max_streams=100)
    names = hostile_names(1_000)
    evicted = []
    store.evict_listeners.append(evicted.append)
    for i, stream in enumerate(names):
        store([snap(stream, 1000.0 + i), snap(HOT, 1000.0 + i)])
        assert store.stats()["streams"] <= 100
    stats = store.stats()
    assert stats["streams"] == 100
    assert stats["evicted_streams"] == len(names) + 1 - 100 == len(evicted)
    held = {i.stream for i in store.streams()}
    assert HOT in held  # updated all along: never the one evicted
    assert store.info(HOT).rows == 20
    assert held - {HOT} == set(names[-99:])  # the newest, in order of their last update
    with pytest.raises(KeyError):  # what a plot of an evicted stream gets (and shows as gone)
        store.version(names[0])
    assert store.clock(names[0][0]) == 0.0  # an evicted host's clock goes with its last stream
    assert store.clock() == 1000.0 + len(names) - 1


def test_an_evicted_stream_that_comes_back_starts_again():
    store = LiveStore(capacity=10, max_streams=2)
    a, b, c = ("a", "s", "x"), ("b", "s", "x"), ("c", "s", "x")
    store([snap(a, 1, 5.0), snap(b, 2), snap(c, 3)])
    assert {i.stream for i in store.streams()} == {b, c}
    store([snap(a, 4, 7.0)])
    assert {i.stream for i in store.streams()} == {c, a}
    assert store.series(a, ("k",))[1].tolist() == [7.0]
    assert store.stats()["evicted_streams"] == 2


def test_a_store_holds_at_most_max_bytes_however_many_keys_each_stream_has():
    budget = 4 << 20
    store = LiveStore(capacity=200, max_columns=512, max_bytes=budget)
    keys = [f"key{i}" for i in range(512)]
    for i, stream in enumerate(hostile_names(60, seed=1)):
        store([snap(stream, 1000.0 + t, keys=keys) for t in range(100)])
        store([snap(HOT, 1000.0 + i, keys=keys[:8])])
        assert store.stats()["bytes"] <= budget
    stats = store.stats()
    assert stats["evicted_streams"] > 0 and stats["streams"] < 60
    assert HOT in {i.stream for i in store.streams()}


def _rules():
    return [parse_rule({"name": "busy", "key": "*", "threshold": 10, "for": 0})]


def test_the_engine_holds_at_most_its_caps_of_streams_and_alerts_and_counts_what_it_evicted():
    events = []
    engine = Engine(_rules(), dry_run=True, max_streams=50, max_alerts=40, listeners=[events.append])
    names = hostile_names(500, seed=2)
    for i, stream in enumerate(names):
        # every new stream breaches on two keys: two alerts each; the hot stream breaches all along
        engine.ingest([snap(stream, 1000.0 + i, 50.0, keys=("a", "b")), snap(HOT, 1000.0 + i, 50.0)])
        stats = engine.stats()
        assert stats["streams"] <= 50 and stats["alerts"] <= 40
    stats = engine.stats()
    assert stats["streams"] == 50 and stats["alerts"] == 40
    assert stats["evicted_streams"] == 500 + 1 - 50
    assert stats["evicted_alerts"] == 2 * 500 + 1 - 40
    hot = [a for a in engine.alerts() if a.stream == HOT]
    assert len(hot) == 1 and hot[0].phase == "firing"  # still firing: the alert that keeps updating stays
    assert engine.store.info(HOT).rows > 1
    # Alerts evicted while firing are reported, once each, without running their actions.
    evicted = [e for e in events if e["event"] == "evicted"]
    assert len(evicted) == stats["evicted_alerts"] and all(e["state"] == "firing" for e in evicted)
    assert HOT not in {tuple(e["stream"]) for e in evicted}
    assert engine.states()["busy"]["counts"] == {"firing": 40}


def test_an_evicted_alert_fires_again_when_its_series_breaches_again():
    engine = Engine(_rules(), dry_run=True, max_streams=5, max_alerts=3)
    a = ("a", "s", "x")
    engine.ingest([snap(a, 1, 50.0)])
    for i, stream in enumerate(hostile_names(10, seed=3)):
        engine.ingest([snap(stream, 2 + i, 50.0)])
    assert a not in {x.stream for x in engine.alerts()}
    engine.ingest([snap(a, 20, 50.0)])
    alert = next(x for x in engine.alerts() if x.stream == a)
    assert alert.phase == "firing" and alert.fired_at == 20


def test_the_engines_memory_stops_growing_at_its_caps():
    """Tens of thousands of new names cost no more than the first few thousand (the daemon grew ~11 KB each)."""
    from suricate_desktop.rules import AlertHistory

    # the history's events are capped on their own (10,000 by default); a small one keeps them out of the figure
    engine = Engine(
        _rules(), dry_run=True, max_streams=1_000, max_alerts=1_000, history=AlertHistory(maxlen=100)
    )
    names = hostile_names(24_000, seed=4)

    def feed(part, t0):
        for i in range(0, len(part), 500):
            engine.ingest(
                [snap(s, t0 + i + j, 50.0 if j % 3 else 1.0) for j, s in enumerate(part[i : i + 500])]
            )

    tracemalloc.start()
    try:
        feed(names[:4_000], 0.0)
        at_cap = tracemalloc.get_traced_memory()[0]
        feed(names[4_000:], 10_000.0)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert engine.stats()["evicted_streams"] == 23_000
    # 20,000 more streams would be ~220 MB at 11 KB each; at the caps they cost nothing lasting.
    assert after - at_cap < 2_000_000, (at_cap, after)


def test_the_sources_pane_says_when_a_sources_store_evicted_streams(qtbot, make_window):
    from suricate_desktop.gui.sources_pane import DETAIL

    w = make_window()
    [source] = list(w.registry)
    source.store.max_streams = 5
    source.store([snap(s, 1000.0 + i) for i, s in enumerate(hostile_names(40, seed=5))])
    assert source.store.stats()["streams"] == 5
    w.sources_pane.refresh()
    text = w.sources_pane.table.item(0, DETAIL).text()
    assert "least recently updated streams evicted (at most 5 kept)" in text
    assert int(text.split(" least")[0].replace(",", "").split()[-1]) >= 35


def test_the_history_file_is_rotated_and_read_back_from_its_end(tmp_path):
    from suricate_desktop.rules import AlertHistory

    path = tmp_path / "alerts.jsonl"
    history = AlertHistory(path, maxlen=50, max_file_bytes=20_000)
    for i in range(2_000):
        history.append({"event": "transition", "i": i, "series": "ħ" * (i % 7)})
    history.close()
    assert history.rotations > 0
    assert path.stat().st_size <= 20_000 and (tmp_path / "alerts.jsonl.1").stat().st_size <= 20_000
    again = AlertHistory(path, maxlen=50)
    assert [e["i"] for e in again.events()] == list(range(1_950, 2_000))
    again.close()
    # fewer lines in the new file than maxlen: the rest come from the previous one, in order
    fresh = AlertHistory(path, maxlen=50, max_file_bytes=20_000)
    fresh.append({"event": "x", "i": 2_000})
    fresh.close()
    path.replace(tmp_path / "alerts.jsonl.1")
    path.write_text('{"event": "x", "i": 2001}\n')
    assert [e["i"] for e in AlertHistory(path, maxlen=3).events()] == [1_999, 2_000, 2_001]


def test_actions_beyond_the_queue_cap_are_dropped_and_reported(tmp_path):
    import sys
    import threading

    from suricate_desktop.rules import ActionRunner, parse_rule

    release = tmp_path / "go"
    rule = parse_rule(
        {
            "name": "busy",
            "key": "*",
            "threshold": 10,
            "for": 0,
            "rate_limit": 0,
            "action": [
                {
                    "type": "command",
                    "timeout": "30s",
                    "args": [
                        sys.executable,
                        "-c",
                        f"import os,time\nwhile not os.path.exists({str(release)!r}): time.sleep(0.05)",
                    ],
                }
            ],
        }
    )
    reports, lock = [], threading.Lock()

    def on_result(report):
        with lock:
            reports.append(report)

    engine = Engine([rule], listeners=[])
    engine.runner = ActionRunner(on_result, workers=2, max_queued=20)
    try:
        for i, stream in enumerate(hostile_names(100, seed=6)):  # 100 firings, each one action
            engine.ingest([snap(stream, 1000.0 + i, 50.0)])
        with lock:
            dropped = [r for r in reports if r["status"] == "dropped"]
        assert len(dropped) == 80 and engine.runner.dropped == 80 and engine.runner.submitted == 20
        assert "20 actions waiting already" in dropped[0]["error"]
        release.write_text("")
        assert engine.runner.wait_idle(60)
        with lock:
            assert sum(r["status"] == "ok" for r in reports) == 20
    finally:
        release.write_text("")
        engine.close()
