"""``ws.models.attach`` refuses, in one line that names the cause and before any training, what used to
give a model that silently scored nothing, or flagged everything. Found by a review (2026-12) that
attached models from the console the ways a user would:

- keys given as text (``keys=["GET"]``) became ``("G", "E", "T")``: a model of 0 keys, scoring 0;
- a saved model moved to a stream with none of its keys scored nothing and said it was scoring;
- an estimator on a young stream (too few rows to fit) got the threshold 0: every interval flagged;
- a detector's name misspelt was read as a saved model's: a traceback deep in pathlib;
- ``threshold=nan`` never alarmed; ``name=".hidden"`` failed only at the first save; an estimator's class
  for an estimator failed deep in scikit-learn; ``last=-5`` gave an empty frame and ``train=-5`` trained
  on everything, without a word;
- a detached model's handle raised a bare ``KeyError: 'm'``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest
from test_workspace_api import T0, counts, steady

from suricate_desktop.analytics.registry import ModelRegistry
from suricate_desktop.analytics.workspace_api import StoreRef, Workspace
from suricate_desktop.store.live import LiveStore


@pytest.fixture
def desk(tmp_path):
    """A workspace over one store: ``web1.app.reqs`` (keys GET and POST, 300 rows) and ``db1.app.latency``
    (keys read and write, 300 rows)."""
    rng = np.random.default_rng(0)
    store = LiveStore()
    store.ingest(
        counts(
            "web1", "reqs", [{"GET": 100 + rng.normal(0, 5), "POST": 10 + rng.normal()} for _ in range(300)]
        )
    )
    store.ingest(steady(rng, 300, T0))
    ws = Workspace(lambda: [StoreRef("live", store)], ModelRegistry(tmp_path / "models"))
    yield ws
    ws.close()


def test_keys_given_as_text_are_keys_and_keys_not_on_the_stream_are_refused_by_name(desk):
    ws = desk
    model = ws.models.attach("ewma", "reqs", keys=["GET"])
    assert repr(model).endswith(", 1 key>"), repr(model)  # before: 0 keys (("G", "E", "T") matched none)
    with pytest.raises(ValueError, match=r"none of the keys \[\('PUT',\)\] is on reqs; its keys: GET, POST"):
        ws.models.attach("ewma", "reqs", keys=["PUT"], name="other")


def test_a_saved_model_moved_to_a_stream_with_none_of_its_keys_is_refused(desk):
    ws = desk
    ws.models.attach("calibrated", "reqs", name="m").save()
    ws.models.detach_all()
    with pytest.raises(
        ValueError, match=r"model 'm' knows the keys GET, POST; db1.app.latency has read, write"
    ):
        ws.models.attach("m", "latency")
    assert ws.models.attach("m", "reqs").state == "scoring"


def test_an_estimator_with_too_few_rows_to_fit_says_so_instead_of_flagging_every_interval(tmp_path):
    store = LiveStore()
    store.ingest(steady(np.random.default_rng(2), 20, T0))
    ws = Workspace(lambda: [StoreRef("db", store)], ModelRegistry(tmp_path / "models"))
    with pytest.raises(ValueError, match=r"too few rows to fit IsolationForest: it needs \d+ intervals"):
        ws.models.attach(IsolationForest(random_state=0), "latency")
    assert ws.models.attached == []
    ws.close()


@pytest.mark.parametrize(
    ("model", "options", "error", "said"),
    [
        ("zscoree", {}, KeyError, "no detector or saved model named 'zscoree'; detectors: zscore, ewma"),
        ("ewma", {"threshold": float("nan")}, ValueError, "threshold must be a finite number"),
        ("ewma", {"threshold": float("inf")}, ValueError, "threshold must be a finite number"),
        ("ewma", {"name": ".hidden"}, ValueError, "'.hidden' cannot name a model"),
        ("ewma", {"name": "a/b"}, ValueError, "'a/b' cannot name a model"),
        ("ewma", {"name": "x" * 200}, ValueError, "cannot name a model"),
        (IsolationForest, {}, TypeError, "attach takes an estimator, not its class: IsolationForest()"),
        ("ewma", {"train": -5}, ValueError, "a count of rows is 0 (all of them) or more, not -5"),
        ("ewma", {"train": "-5min"}, ValueError, "a span of time is positive"),
    ],
)
def test_what_attach_cannot_use_is_refused_before_any_training(desk, model, options, error, said):
    ws = desk
    with pytest.raises(error, match=None) as caught:
        ws.models.attach(model, "reqs", **options)
    assert said in str(caught.value)
    assert ws.models.attached == []


def test_a_detached_models_handle_says_it_is_detached(desk):
    ws = desk
    model = ws.models.attach("ewma", "reqs", name="m")
    model.detach()
    for use in (model.scores, model.anomalies, model.save):
        with pytest.raises(KeyError, match=r"no attached model 'm' \(detached\); attached: \[\]"):
            use()
    with pytest.raises(FileNotFoundError, match=r"no saved model 'missing' in .* \(saved: none\)"):
        ws.models.load("missing")


def test_a_frame_of_a_negative_count_or_span_is_refused_not_empty(desk):
    ws = desk
    assert len(ws.frame("reqs", last=0)) == 300  # 0: every row, as documented
    for last in (-5, "-10min"):
        with pytest.raises(ValueError, match=r"0 \(all of them\) or more|a span of time is positive"):
            ws.frame("reqs", last=last)
