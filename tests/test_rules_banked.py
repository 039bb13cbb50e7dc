"""A rule over a wide model of the default detector steps all of a stream's series in one bank.

The bank (``CalibratedBank``) must give each series the scores and reasons its own running copy gives
(``ModelScorer._go_on``, one series at a time): through the catch-up rows, gaps, a series that appears
later, a replay that goes back in time, and both a ``score`` rule's newest row and an ``anomaly_rate``
rule's whole window.
"""

from __future__ import annotations

import types
import warnings

import numpy as np
import pytest

from suricate_desktop.analytics.detectors.calibrated import BANK_KEYS, CalibratedDetector
from suricate_desktop.rules import ModelScorer

STREAM = ("web01", "syscalls", "num")
KEYS = 24


def wide_model(seed: int = 0) -> tuple[types.SimpleNamespace, np.ndarray, np.ndarray]:
    """A model of ``KEYS`` keys (levels 0.5 to 5,000, some with a rhythm) learnt from 400 rows, and the
    600 rows that follow it, with incidents: a spike, a stop, a lasting shift, gaps, a key that appears
    only at row 150 of them, extreme values."""
    rng = np.random.default_rng(seed)
    n = 1000
    t = 10_000.0 + np.arange(n, dtype=np.float64)
    levels = np.geomspace(0.5, 5000.0, KEYS)
    wave = np.sin(2 * np.pi * np.arange(n) / 150.0)
    v = levels * (1.0 + 0.05 * rng.standard_t(3, size=(n, KEYS)))
    v[:, ::3] += 0.3 * levels[::3] * wave[:, None]
    v[420, 2] *= 30.0  # a spike just after the save: during a copy's catch-up
    v[700, 4] *= 40.0  # a spike later
    v[800:, 6] = 0.0  # a stop
    v[650:, 8] *= 3.0  # a lasting shift
    v[500:520, 10] = np.nan  # a gap
    v[rng.random((n, KEYS)) < 0.02] = np.nan  # values missing here and there
    v[:550, 12] = np.nan  # a series that appears later
    v[900, 14] = 1e308  # extreme values
    v[901, 14] = -1e308
    dets = []
    for k in range(KEYS):
        det = CalibratedDetector()
        det.fit(v[:400, k], t[:400])
        dets.append(det)
    meta = types.SimpleNamespace(
        name="wide",
        streams=[list(STREAM)],
        keys=[[f"k{k}"] for k in range(KEYS)],
        key_streams=[],
        policy=None,
    )
    return types.SimpleNamespace(meta=meta, detectors=dets), t[400:], v[400:]


def one_by_one(model, t, v, keys, method):
    """Each series scored by a scorer of its own, one key per call: the copies ``_go_on`` keeps."""
    ref = ModelScorer(model)
    cols = [getattr(ref, method)(t, v[:, [i]], stream=STREAM, keys=[k]) for i, k in enumerate(keys)]
    out = np.column_stack(cols) if method == "score" else np.array([c[0] for c in cols])
    return out, [ref.reason_of(STREAM, k) for k in keys]


def test_the_bank_scores_each_series_as_its_own_copy_does_row_after_row():
    model, t, v = wide_model()
    keys = [f"k{k}" for k in range(KEYS)]
    banked, alone = ModelScorer(model), ModelScorer(model)
    history = 30
    fired = 0
    for r in range(len(t)):
        lo = max(0, r + 1 - history)
        # the stream's keys as a store shows them: a key that has not appeared yet is not a column
        cols = [i for i in range(KEYS) if not np.all(np.isnan(v[: r + 1, i]))]
        tt, vv, kk = t[lo : r + 1], v[lo : r + 1][:, cols], [keys[i] for i in cols]
        got = banked.score_last(tt, vv, stream=STREAM, keys=kk)
        want = np.array(
            [alone.score_last(tt, vv[:, [j]], stream=STREAM, keys=[k])[0] for j, k in enumerate(kk)]
        )
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"row {r}")
        assert [banked.reason_of(STREAM, k) for k in kk] == [alone.reason_of(STREAM, k) for k in kk], r
        fired += int(np.nansum(got >= 3.0))
        if r == 400:  # k6 stops here
            assert got[kk.index("k6")] >= 2.0 and banked.reason_of(STREAM, "k6") == "stopped"
    assert STREAM in banked._banks  # the rows went through the bank, not one copy a series
    assert fired >= 4  # the incidents scored: the comparison covered alarms, not only quiet rows


def test_an_engine_started_on_an_empty_store_and_a_replay_agree_with_one_copy_a_series():
    model, t, v = wide_model(1)
    keys = [f"k{k}" for k in range(KEYS)]
    banked, alone = ModelScorer(model), ModelScorer(model)
    # the first evaluation has one row (an engine just started on a live broker), then the store grows
    for r in [*range(0, 80), *range(20, 60)]:  # then a replay: back in time, every copy starts again
        tt, vv = t[: r + 1][-10:], v[: r + 1][-10:]
        got = banked.score_last(tt, vv, stream=STREAM, keys=keys)
        want = np.array(
            [alone.score_last(tt, vv[:, [j]], stream=STREAM, keys=[k])[0] for j, k in enumerate(keys)]
        )
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"row {r}")


def test_an_anomaly_rate_rule_over_the_bank_sees_each_row_scored_once_as_alone():
    model, t, v = wide_model(2)
    keys = [f"k{k}" for k in range(KEYS)]
    banked = ModelScorer(model)
    window = 120
    for end in range(60, len(t), 37):
        tt, vv = t[max(0, end - window) : end], v[max(0, end - window) : end]
        got = banked.score(tt, vv, stream=STREAM, keys=keys)
        want = one_by_one_scores(model, t, v, keys, end, window)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"end {end}")
    assert STREAM in banked._banks


def one_by_one_scores(model, t, v, keys, end, window):
    """What one copy a series gives for the window ending at ``end``, having had the same calls before."""
    ref = ModelScorer(model)
    out = None
    for e in range(60, end + 1, 37):
        tt, vv = t[max(0, e - window) : e], v[max(0, e - window) : e]
        cols = [ref.score(tt, vv[:, [i]], stream=STREAM, keys=[k]) for i, k in enumerate(keys)]
        out = np.column_stack(cols)
    return out


@pytest.mark.parametrize("keys", [BANK_KEYS - 1, BANK_KEYS])
def test_a_narrow_model_goes_one_series_at_a_time_and_a_wide_one_in_a_bank(keys):
    model, t, v = wide_model(3)
    names = [f"k{k}" for k in range(keys)]
    scorer = ModelScorer(model)
    s = scorer.score_last(t[:5], v[:5, :keys], stream=STREAM, keys=names)
    assert (STREAM in scorer._banks) == (keys >= BANK_KEYS)
    want, _ = one_by_one(model, t[:5], v[:5, :keys], names, "score_last")
    np.testing.assert_allclose(s, want, rtol=1e-9, equal_nan=True)


def test_copies_stay_bounded_and_a_stream_wider_than_the_bound_is_kept_whole(monkeypatch):
    """At most ``RUNNING_CAP`` copies: a banked stream is dropped whole when another needs the room, and
    starts again from the saved model; a stream that alone has more series than the bound keeps them all
    (dropping some at every evaluation would start them again at every row) and scores as if unbounded."""
    from suricate_desktop.rules import scoring

    model, t, v = wide_model(4)
    keys = [f"k{k}" for k in range(KEYS)]
    other = ("db01", "syscalls", "num")
    model.meta.streams.append(list(other))
    unbounded = ModelScorer(model, any_stream=True)
    monkeypatch.setattr(scoring, "RUNNING_CAP", KEYS // 2)
    bounded = ModelScorer(model, any_stream=True)
    for r in range(200):
        tt, vv = t[max(0, r - 29) : r + 1], v[max(0, r - 29) : r + 1]
        got = bounded.score_last(tt, vv, stream=STREAM, keys=keys)
        want = unbounded.score_last(tt, vv, stream=STREAM, keys=keys)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"row {r}")
        assert len(bounded._running) == KEYS
    # another stream takes the room: the first is dropped whole, and starts again when scored again
    bounded.score_last(t[:5], v[:5], stream=other, keys=keys)
    assert set(bounded._banks) == {other} and {s for s, _ in bounded._running} == {other}
    again = bounded.score_last(t[200:230], v[200:230], stream=STREAM, keys=keys)
    fresh = ModelScorer(model, any_stream=True).score_last(t[200:230], v[200:230], stream=STREAM, keys=keys)
    np.testing.assert_allclose(again, fresh, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_the_bank_resumes_each_key_as_its_detector_does():
    """A rule's first row after a gap (``resume``): judged by its time of day where the model saw that time
    on three days, the level views starting again from it; the bank gives each key what its detector does,
    score, reason and the state it goes on from."""
    from suricate_desktop.analytics.detectors.calibrated import CalibratedBank

    rng = np.random.default_rng(6)
    t = 300.0 * np.arange(4 * 288)
    levels = np.geomspace(1.0, 1000.0, 20)
    daily = levels * (
        1.0 + 0.4 * np.sin(2 * np.pi * t / 86400)[:, None] + 0.03 * rng.normal(size=(len(t), 20))
    )
    dets = [CalibratedDetector().fit(daily[:, k], t) for k in range(20)]
    bank = CalibratedBank.of(dets)
    x = daily[100] * np.linspace(0.0, 2.0, 20)  # the next day at 08:20: from down to twice the usual
    x[3] = np.nan
    at = 5 * 86400.0 + 100 * 300.0
    got = bank.resume(x, at)
    want = np.array([np.nan if k == 3 else dets[k].resume(x[k], at) for k in range(20)])
    np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True)
    assert [bank.reason(k) for k in range(20)] == [d.reason() if k != 3 else "" for k, d in enumerate(dets)]
    assert got[0] >= 3 and bank.reason(0) == "low for the time of day"
    after = daily[101] * 1.0
    np.testing.assert_allclose(
        bank.step(after, at + 300.0),
        [d.score_one(v, at + 300.0) for d, v in zip(dets, after, strict=True)],
        rtol=1e-9,
    )


def test_resuming_on_hostile_values_is_finite_and_the_same_in_the_bank():
    """NaN, infinities, the largest and smallest floats, signed zeros as a key's first row after a gap, then
    as the next rows: no warning, finite scores (NaN where there is no value), bank and detector equal."""
    from suricate_desktop.analytics.detectors.calibrated import CalibratedBank

    rng = np.random.default_rng(11)
    t = 300.0 * np.arange(4 * 288)
    daily = 100 + 30 * np.sin(2 * np.pi * t / 86400)[:, None] + rng.normal(0, 3, (len(t), 20))
    dets = [CalibratedDetector().fit(daily[:, k], t) for k in range(20)]
    bank = CalibratedBank.of(dets)
    hostile = [np.nan, np.inf, -np.inf, 1e308, -1e308, 5e-324, 0.0, -0.0, 1e-300, 1e100, 1e101, 42.0]
    at = 5 * 86400.0 + 3000.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow, a division by zero or an invalid value fails the test
        x = np.array((hostile * 2)[:20])
        got = bank.resume(x, at)
        want = [dets[k].resume(x[k], at) if x[k] == x[k] else np.nan for k in range(20)]
        np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True)
        assert np.isfinite(got[~np.isnan(x)]).all() and np.isnan(got[np.isnan(x)]).all()
        for r in range(1, 6):
            y = np.array((hostile[::-1] * 2)[:20])
            s = bank.step(y, at + 300.0 * r)
            np.testing.assert_allclose(
                s, [d.score_one(v, at + 300.0 * r) for d, v in zip(dets, y, strict=True)], rtol=1e-9
            )
            assert np.isfinite(s).all()
