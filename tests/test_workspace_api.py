"""``ws`` without Qt: frames from live stores and recordings, background jobs, models attached to streams."""

import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import IsolationForest

from suricate_desktop.analytics.jobs import Jobs
from suricate_desktop.analytics.registry import ModelRegistry
from suricate_desktop.analytics.workspace_api import StoreRef, Workspace
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore
from suricate_desktop.store.recording import RecordingWriter, iter_snapshots

T0 = 1_700_000_000.0


def counts(host, agg, rows, start=T0, delta=True):
    """One count snapshot per row ({key: value}), a second apart."""
    return [
        Snapshot(host, "app", agg, "count", start + i, 1.0, delta, [[[k], v] for k, v in row.items()], i, "r")
        for i, row in enumerate(rows)
    ]


@pytest.fixture
def live():
    store = LiveStore()
    store.ingest(counts("web1", "reqs", [{"GET": i, "POST": 10 * i} for i in range(1, 11)]))
    store.ingest(counts("web1", "errors", [{"500": i % 2} for i in range(10)]))
    return store


@pytest.fixture
def ws(live, tmp_path):
    refs = [StoreRef("live", live)]
    w = Workspace(lambda: refs, ModelRegistry(tmp_path / "models"))
    w._refs = refs
    yield w
    w.close()


def test_a_frame_is_the_stream_by_time_and_key_in_either_view(ws):
    f = ws.frame("web1.app.reqs")
    assert list(f.columns) == ["GET", "POST"]
    assert f["GET"].tolist() == list(range(1, 11)) and f["POST"].tolist() == [10 * i for i in range(1, 11)]
    assert f.index[0] == pd.Timestamp(T0, unit="s", tz="UTC") and f.index.name == "time"
    cumulative = ws.frame("reqs", view="cumulative")  # the tail of a name is enough while unambiguous
    assert cumulative["GET"].tolist() == np.cumsum(range(1, 11)).tolist()


def test_last_takes_a_count_or_a_span_and_since_a_time(ws):
    assert ws.frame("reqs", last=3)["GET"].tolist() == [8, 9, 10]
    assert ws.frame("reqs", last="4s")["GET"].tolist() == [6, 7, 8, 9, 10]
    assert ws.frame("reqs", since=pd.Timestamp(T0 + 7, unit="s", tz="UTC"))["GET"].tolist() == [8, 9, 10]
    assert ws.frame("reqs", since=T0 + 8)["GET"].tolist() == [9, 10]


def test_a_frame_is_a_copy_that_does_not_follow_the_store(ws, live):
    f = ws.frame("reqs")
    f.loc[:, "GET"] = -1
    assert ws.frame("reqs")["GET"].tolist() == list(range(1, 11))
    live.ingest(counts("web1", "reqs", [{"GET": 99, "POST": 0}], start=T0 + 10))
    assert len(f) == 10 and ws.frame("reqs")["GET"].iloc[-1] == 99


def test_a_pattern_gives_one_frame_with_a_column_per_stream_and_key(ws):
    f = ws.frame("web1.app.*")
    assert set(f.columns) == {("web1.app.reqs", "GET"), ("web1.app.reqs", "POST"), ("web1.app.errors", "500")}
    assert f[("web1.app.errors", "500")].tolist() == [i % 2 for i in range(10)]


def test_streams_lists_every_stream_and_bad_names_say_what_there_is(ws):
    table = ws.streams
    assert table["stream"].tolist() == ["web1.app.errors", "web1.app.reqs"]
    assert table["rows"].tolist() == [10, 10] and set(table["source"]) == {"live"}
    with pytest.raises(KeyError, match="no stream 'nope'"):
        ws.frame("nope")
    other = LiveStore()
    other.ingest(counts("web1", "reqs", [{"GET": 1}]))
    ws._refs.append(StoreRef("replay", other))
    with pytest.raises(KeyError, match="ambiguous"):
        ws.frame("reqs")
    assert ws.frame("reqs", source="replay")["GET"].tolist() == [1]


def test_a_recording_gives_its_whole_stream_not_only_what_was_played(tmp_path):
    folder = tmp_path / "rec"
    rows = [{"GET": i} for i in range(50)]
    with RecordingWriter(folder) as writer:
        writer(counts("web1", "reqs", rows))
        writer(counts("web1", "other", [{"x": 1}] * 50))
    played = LiveStore()
    played.ingest(counts("web1", "reqs", rows[:5]))  # the timeline is at the fifth second
    ws = Workspace(lambda: [StoreRef("rec", played, lambda s: iter_snapshots(folder, s))])
    assert len(ws.frame("reqs")) == 5
    whole = ws.recording("reqs")
    assert whole["GET"].tolist() == list(range(50)) and whole.index[-1] == pd.Timestamp(
        T0 + 49, unit="s", tz="UTC"
    )
    assert ws.recording("reqs", view="cumulative")["GET"].iloc[-1] == sum(range(50))
    live_only = Workspace(lambda: [StoreRef("live", played)])
    with pytest.raises(ValueError, match="not a stream of an open recording"):
        live_only.recording("reqs")


def test_a_background_job_reports_progress_and_hands_back_its_result():
    jobs = Jobs()
    gate = threading.Event()

    def work(n):
        jobs.report(0.25, "a quarter")
        gate.wait(10)
        return n * 2

    job = jobs.submit(work, 21)
    assert job.title == "work"
    for _ in range(500):
        if job.progress == 0.25:
            break
        threading.Event().wait(0.01)
    assert job.state == "running" and job.text == "a quarter" and jobs.active() == [job]
    gate.set()
    assert job.wait(10) == 42 and job.state == "done" and job.progress == 1.0
    assert jobs.take_finished() == [job] and jobs.take_finished() == []
    jobs.shutdown()


def test_a_failing_job_keeps_its_traceback_and_a_queued_one_can_be_cancelled():
    jobs = Jobs(workers=1)
    gate = threading.Event()
    first = jobs.submit(lambda: gate.wait(10) and 1 / 0, title="divide")
    queued = jobs.submit(sum, [1, 2])
    assert queued.cancel() and queued.state == "cancelled"
    gate.set()
    with pytest.raises(ZeroDivisionError):
        first.wait(10)
    assert first.state == "failed" and "ZeroDivisionError" in first.traceback
    assert jobs.submit(sum, [1, 2]).wait(10) == 3  # the worker goes on after a failure
    jobs.shutdown()


def steady(rng, n, start):
    return counts(
        "db1",
        "latency",
        [{"read": 10 + rng.normal(0, 0.5), "write": 20 + rng.normal(0, 0.5)} for _ in range(n)],
        start=start,
    )


def test_any_estimator_attached_to_a_stream_scores_each_new_interval_and_names_the_key(tmp_path):
    rng = np.random.default_rng(0)
    store = LiveStore()
    store.ingest(steady(rng, 400, T0))
    ws = Workspace(lambda: [StoreRef("db", store)], ModelRegistry(tmp_path / "models"))
    attached = ws.models.attach(IsolationForest(n_estimators=50, random_state=0), "db1.app.latency")
    # calibrated on the training rows: a high quantile of the estimator's own scores
    assert 0.5 < attached.threshold < 1.0 and "IsolationForest" in repr(attached)  # score: -score_samples
    fresh = steady(rng, 30, T0 + 400)
    fresh[20].entries[1][1] = 45.0  # a write latency far outside what was learnt
    store.ingest(fresh)
    found = ws.models.poll()
    assert [a.start for _, a in found] == [T0 + 420]
    assert found[0][1].keys[0][0] == ("write",)
    scores = attached.scores()
    assert len(scores) == 30 and scores.idxmax() == pd.Timestamp(T0 + 420, unit="s", tz="UTC")
    table = attached.anomalies()
    assert table["keys"].iloc[0].startswith("write") and table["start"].iloc[0] == scores.idxmax()
    attached.save("latency-iforest")
    assert ws.models.names() == ["latency-iforest"]
    attached.detach()
    assert ws.models.attached == []
    ws.close()


def test_a_saved_model_attaches_by_name_and_a_failing_estimator_is_detached_with_its_reason(tmp_path):
    rng = np.random.default_rng(1)
    store = LiveStore()
    store.ingest(steady(rng, 300, T0))
    ws = Workspace(lambda: [StoreRef("db", store)], ModelRegistry(tmp_path / "models"))
    ws.models.attach("ewma", "latency").save("latency-ewma")
    ws.models.detach_all()
    again = ws.models.attach("latency-ewma")
    assert again.stream == ("db1", "app", "latency") and again.description == "model 'latency-ewma'"
    store.ingest(steady(rng, 5, T0 + 300))
    ws.models.poll()
    assert len(again.scores()) == 5  # only what arrived after attaching

    class Breaks:
        def fit(self, X):
            return self

        def score_samples(self, X):
            raise RuntimeError("broken estimator")

    broken = ws.models.attach(Breaks(), "latency", threshold=1.0)
    store.ingest(steady(rng, 5, T0 + 305))
    ws.models.poll()
    assert broken.state == "failed" and "broken estimator" in broken.error
    assert ws.models.attached == [again]  # the others go on
    ws.close()
