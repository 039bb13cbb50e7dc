"""Analytics: streaming detectors, the model registry, live scoring, NAB scoring."""

import json
import pickle

import numpy as np
import pytest

from suricate_desktop.analytics import (
    DETECTORS,
    EstimatorAdapter,
    LiveScorer,
    ModelMeta,
    ModelRegistry,
    UntrustedModelError,
    nab,
)
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.live import LiveStore

BUILTIN = [
    "zscore",
    "ewma",
    "seasonal",
    "iforest",
    "kmeans",
    "suricate",
    "ensemble",
    "contexts",
    "sequence",
    "resonance",
]
BOUNDED = (
    "contexts",
    "sequence",
    "resonance",
)  # scores in [0, 1] with a fixed alarm level: judged by their threshold
#: rows a detector may report after the event: ``resonance`` scores at the end of its downsampled step (5 rows)
LATE = {"resonance": 4}
SPIKE, SHIFT = 1500, 1700


def signal(n=2000, seed=0, spike=True, shift=False):
    rng = np.random.default_rng(seed)
    t = np.arange(n) * 60.0
    x = 10 + 2 * np.sin(2 * np.pi * t / 86400 * 8) + rng.normal(0, 0.3, n)
    if spike and n > SPIKE:
        x[SPIKE] += 8
    if shift:
        x[SHIFT:] += 6
    return t, x


def make(kind):
    # the synthetic signal's cycle is 3 hours: the seasonal detectors' period follows it
    seasonal = ("seasonal", "suricate", "ensemble", "sequence")
    return DETECTORS[kind](period=10800.0, slots=36) if kind in seasonal else DETECTORS[kind]()


@pytest.mark.parametrize("kind", BUILTIN)
def test_detector_flags_an_injected_spike_and_not_the_normal_part(kind):
    t, x = signal()
    det = make(kind)
    s = det.score(x, t)
    normal = np.r_[s[400:SPIKE], s[SPIKE + 12 :]]
    if kind in BOUNDED:
        hit = np.max(s[SPIKE : SPIKE + 1 + LATE.get(kind, 0)])
        assert hit >= det.threshold and np.mean(normal >= det.threshold) < 0.005, (hit, np.max(normal))
        return
    margin = 1.0 if kind == "iforest" else 1.5  # isolation scores live in [0, 1]
    assert s[SPIKE] > margin * np.max(normal), (s[SPIKE], np.max(normal))


@pytest.mark.parametrize(
    "kind",
    ["zscore", "ewma", "seasonal", "kmeans", "suricate", "ensemble", "contexts", "sequence", "resonance"],
)
def test_detector_flags_a_level_shift(kind):
    t, x = signal(spike=False, shift=True)
    det = make(kind)
    s = det.score(x, t)
    if kind in BOUNDED:
        assert (
            np.max(s[SHIFT : SHIFT + 3 + LATE.get(kind, 0)]) >= det.threshold
            and np.mean(s[400:SHIFT] >= det.threshold) < 0.005
        )
        return
    assert np.max(s[SHIFT : SHIFT + 3]) > 1.5 * np.max(s[400:SHIFT])


def test_isolation_forest_flags_a_level_shift():
    t, x = signal(spike=False, shift=True)
    s = make("iforest").score(x, t)
    assert np.max(s[SHIFT : SHIFT + 6]) > np.max(s[400:SHIFT])


@pytest.mark.parametrize("kind", ["ewma", "suricate", "seasonal"])
def test_a_new_key_of_plain_noise_does_not_alarm_as_it_starts(kind):
    """A new process in an aggregation is a new key: its first scored points must be judged on its
    real spread. (Exponential weights started from a variance of 0 held a fifth of it after 20
    points, and a time-of-day slot scored from its third point: 31, 50 and 23 of these 50 keys
    alarmed in their first 100 points.)"""
    rng = np.random.default_rng(11)
    t = 1.7e9 + 60.0 * np.arange(100)
    alarmed = 0
    for _ in range(50):
        det = DETECTORS[kind]()  # as a user gets it
        alarmed += bool(np.any(det.score(100 + 5 * rng.standard_normal(100), t) >= det.threshold))
    assert alarmed <= 2


@pytest.mark.parametrize("kind", BUILTIN)
def test_streaming_equals_batch_and_has_no_look_ahead(kind):
    t, x = signal(n=1200)
    batch = make(kind).score(x, t)
    one = make(kind)
    stream = np.array([one.score_one(v, ts) for v, ts in zip(x, t, strict=False)])
    np.testing.assert_allclose(batch, stream, rtol=1e-9, atol=1e-12)
    # appending the future does not change the past's scores
    t2, x2 = signal(n=1500, seed=0)
    longer = make(kind).score(np.r_[x, x2[1200:] + 50], np.r_[t, t2[1200:]])
    np.testing.assert_allclose(longer[:1200], batch, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kind", BUILTIN)
def test_fit_then_score_continues_like_one_stream(kind):
    t, x = signal(n=1200)
    whole = make(kind).score(x, t)
    det = make(kind)
    det.partial_fit(x[:700], t[:700]) if kind not in ("iforest", "kmeans") else det.score(x[:700], t[:700])
    np.testing.assert_allclose(det.score(x[700:], t[700:]), whole[700:], rtol=1e-9, atol=1e-12)


def quiet_then(spikes, n=3000, seed=1):
    """Three hours of a noisy daily-free signal, then spikes at the given rows (row -> height)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * 60.0
    x = 50 + rng.normal(0, 1.0, n)
    for row, height in spikes.items():
        x[row] += height
    return t, x


def test_ensemble_flags_a_spike_after_a_quiet_period_above_its_default_threshold():
    t, x = quiet_then({2000: 12})
    det = DETECTORS["ensemble"]()
    s = det.score(x, t)
    normal = np.r_[s[300:2000], s[2001:]]
    assert s[2000] >= det.threshold
    # its surprise is its rank among the key's own past deviations (the largest of ~2000: ~log10(2000)),
    # plus how far past the largest so far it is: clear of the normal part's own records
    assert s[2000] > np.max(normal) + 0.5
    assert np.mean(normal > 0) < 0.05  # suppression: almost every normal point reports nothing


def test_ensemble_reports_an_incident_once_and_a_later_one_again():
    # a second, smaller spike 100 rows later is inside the hold: not reported; 600 rows later it is
    t, x = quiet_then({1500: 12, 1600: 9, 2300: 9})
    s = DETECTORS["ensemble"](hold=400).score(x, t)
    assert s[1500] > 0 and s[1600] == 0.0 and s[1601] == 0.0
    assert s[2300] > 0
    # the points that follow a reported spike (its own aftermath) are held down too
    assert np.all(s[1501:1900] == 0.0)


def test_ensemble_spiky_and_smooth_keys_share_one_scale():
    # the same relative rarity scores alike on a key whose noise is 100 times larger
    t, x = quiet_then({2000: 12})
    small = DETECTORS["ensemble"]().score(x, t)
    big = DETECTORS["ensemble"]().score(1000 + 100 * x, t)
    np.testing.assert_allclose(small, big, atol=1e-6)


def shape_change(n=3000, change=2000, seed=2):
    """A square wave of period 40 rows with noise; from ``change`` on, a triangle wave of the
    same period and the same range: every value stays inside the range seen before."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    square = np.where((i // 20) % 2 == 0, 10.0, 0.0)
    phase = (i % 40) / 40.0
    triangle = 20.0 * np.minimum(phase, 1.0 - phase)
    x = np.where(i < change, square, triangle) + rng.uniform(-0.3, 0.3, n)
    x[:2] = [-0.3, 10.3]  # the range's ends, from the start
    return i * 60.0, x


@pytest.mark.parametrize("kind", ["contexts", "sequence", "resonance"])
def test_sequence_detectors_flag_a_change_of_shape_inside_the_usual_range(kind):
    t, x = shape_change()
    det = DETECTORS[kind]()
    s = det.score(x, t)
    assert np.max(s[2000:2040]) >= det.threshold
    assert np.max(s[1000:2000]) < det.threshold  # the learnt square wave raises nothing
    # a point-wise detector misses it: no value is out of the ordinary
    e = DETECTORS["ensemble"]().score(x, t)
    assert np.max(e[2000:2040]) < np.max(e[1000:2000])


@pytest.mark.parametrize("kind", ["contexts", "sequence", "resonance"])
def test_sequence_detectors_flag_a_spike_after_a_quiet_period(kind):
    t, x = quiet_then({2000: 12})
    det = DETECTORS[kind]()
    s = det.score(x, t)
    assert np.max(s[2000 : 2001 + LATE.get(kind, 0)]) >= det.threshold
    assert np.mean(s[1000:2000] >= det.threshold) < 0.01


def test_contexts_keep_quiet_for_their_rest_period_after_an_alarm():
    t, x = shape_change()
    det = DETECTORS["contexts"](rest=30, rest_level=0.75)  # every alarm starts a rest
    s = det.score(x, t)
    first = 2000 + int(np.argmax(s[2000:2040] >= det.threshold))
    assert s[first] >= det.threshold
    assert np.all(s[first + 1 : first + 30] == 0.0)
    # after the rest a new surprise can be reported again
    assert np.max(s[first + 30 :]) > 0.0


def test_sequence_detector_reports_one_alarm_per_incident():
    t, x = quiet_then({1500: 12, 1530: 9, 2300: 12})
    s = DETECTORS["sequence"]().score(x, t)
    assert s[1500] >= 0.75 and s[2300] >= 0.75
    assert np.sum(s[1501:1600] >= 0.75) == 0  # a second, smaller spike 30 rows later is the same incident


def bursty_counts(n=6000, seed=3):
    """Tweet-volume-like counts every 5 minutes: Poisson noise and 25 bursts of 1 to 5 rows."""
    rng = np.random.default_rng(seed)
    x = rng.poisson(20, n).astype(float)
    for row in rng.choice(np.arange(500, n), 25, replace=False):
        x[row : row + rng.integers(1, 6)] += rng.uniform(30, 150)
    return np.arange(n) * 300.0, x


def test_sequence_raises_fewer_alarms_on_a_bursty_key_and_still_flags_a_level_shift():
    # before the recent level was subtracted (level_weight 0) sequence alarmed at 0.75
    det = DETECTORS["sequence"]()
    for seed in (3, 4):
        t, x = bursty_counts(seed=seed)
        now = DETECTORS["sequence"]().score(x, t)
        before = DETECTORS["sequence"](level_weight=0.0).score(x, t)
        assert np.sum(now[750:] >= det.threshold) < np.sum(before[750:] >= 0.75)
    # a calm key that shifts by 12 sigma is still flagged at once, and its calm part stays quiet
    t, x = quiet_then({}, n=6000)
    x[5000:] += 12
    s = DETECTORS["sequence"]().score(x, t)
    assert s[5000] >= det.threshold
    assert np.mean(s[750:5000] >= det.threshold) < 0.005


def test_sequence_recent_level_survives_save_and_load():
    t, x = bursty_counts(n=3000)
    a = DETECTORS["sequence"]()
    a.score(x[:2500], t[:2500])
    meta, arrays = a.get_state()
    b = DETECTORS["sequence"]()
    b.set_state(json.loads(json.dumps(meta)), arrays)
    assert b.level.level() == a.level.level() > 0.5
    np.testing.assert_array_equal(a.score(x[2500:], t[2500:]), b.score(x[2500:], t[2500:]))


def test_sequence_adds_its_record_bonus_only_to_a_value_past_every_one_seen():
    # two spikes of the same height: the first is past every value seen, the second is not
    t, x = quiet_then({1500: 12, 2500: 12})
    x[2000] = 80.0  # a larger one in between sets the record
    plain = DETECTORS["sequence"](record_bonus=0.0).score(x, t)
    det = DETECTORS["sequence"]()
    with_bonus = det.score(x, t)
    assert plain[1500] > 0 and with_bonus[1500] == pytest.approx(plain[1500] + 0.15)
    assert plain[2500] > 0 and with_bonus[2500] == pytest.approx(plain[2500])
    assert det.hi == 80.0 and det.lo < 50.0


def test_sequence_adds_its_shape_bonus_where_resonance_meets_a_new_shape():
    t, x = quiet_then({2000: 12})
    s = DETECTORS["sequence"]().score(x, t)
    plain = DETECTORS["sequence"](shape_bonus=0.0).score(x, t)
    shapes = DETECTORS["resonance"]().score(x, t)
    new = np.flatnonzero(shapes >= DETECTORS["resonance"].threshold)
    near = [i for i in np.flatnonzero(plain > 0) if any(0 <= i - j < 5 for j in new)]
    assert near, "a reported point follows a new shape"
    for i in np.flatnonzero(plain > 0):
        assert s[i] == pytest.approx(plain[i] + (0.2 if i in near else 0.0))
    assert np.all(s[plain == 0] == 0)  # a bonus never makes an alarm of a quiet point


def test_ensemble_top_weight_lowers_a_spike_below_the_keys_largest():
    # a key whose largest spike (row 1000) dwarfs the later, routine one (row 2500)
    t, x = quiet_then({1000: 40, 2500: 10})
    plain = DETECTORS["ensemble"]().score(x, t)
    det = DETECTORS["ensemble"](top_weight=0.5)
    lowered = det.score(x, t)
    assert lowered[1000] == pytest.approx(plain[1000])  # the largest yet is not lowered
    assert 0 < lowered[2500] < plain[2500] - 0.1
    assert det.top[0] > 20


def test_sequence_models_saved_before_the_bonuses_still_load():
    t, x = quiet_then({}, n=2500)
    a = DETECTORS["sequence"]()
    a.score(x[:2000], t[:2000])
    meta, arrays = a.get_state()
    old_meta = {k: v for k, v in meta.items() if k not in ("shapes", "lo", "hi", "last_shape")}
    old_arrays = {k: v for k, v in arrays.items() if not k.startswith("shapes_")}
    b = DETECTORS["sequence"]()
    b.set_state(json.loads(json.dumps(old_meta)), old_arrays)
    assert b.lo is None and b.shapes.n == 0  # learnt afresh from here
    s = b.score(x[2000:], t[2000:])
    assert s.shape == (500,) and np.all(np.isfinite(s))


def test_contexts_look_ahead_score_changes_nothing():
    t, x = shape_change(n=1500, change=1000)
    a, b = DETECTORS["sequence"](), DETECTORS["sequence"]()
    a.score(x[:1100], t[:1100])
    b.score(x[:1100], t[:1100])
    peek = a.score(x[1100:1110], t[1100:1110], learn=False)
    assert peek.shape == (10,)
    np.testing.assert_array_equal(a.score(x[1100:], t[1100:]), b.score(x[1100:], t[1100:]))


def test_context_memory_stays_bounded():
    t, x = quiet_then({}, n=3000)
    det = DETECTORS["contexts"](max_contexts=500)
    det.score(x, t)
    assert len(det.model.memory) <= 500


def test_estimator_adapter_attaches_a_user_estimator():
    from sklearn.neighbors import LocalOutlierFactor

    t, x = signal()
    det = EstimatorAdapter(LocalOutlierFactor(novelty=True, n_neighbors=20), lags=3, refit_every=200)
    s = det.score(x, t)
    assert np.argmax(s) in range(SPIKE, SPIKE + 3)
    with pytest.raises(TypeError):
        EstimatorAdapter(object())


# -- registry -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", BUILTIN)
def test_registry_round_trip_continues_scoring_identically(tmp_path, kind):
    t, x = signal(n=1500)
    det = make(kind)
    det.score(x[:1000], t[:1000])
    reg = ModelRegistry(tmp_path)
    meta = reg.save(
        ModelMeta(
            "m1",
            kind,
            streams=[["h", "s", "a"]],
            keys=[["bash"]],
            features="value",
            training_window=[0.0, float(t[999])],
            threshold=det.threshold,
        ),
        [det],
    )
    assert meta.version == 1 and meta.created
    model = reg.load("m1")
    assert model.meta.streams == [["h", "s", "a"]] and model.meta.threshold == det.threshold
    assert model.meta.training_window == [0.0, float(t[999])]
    np.testing.assert_allclose(model.detectors[0].score(x[1000:], t[1000:]), det.score(x[1000:], t[1000:]))
    assert reg.save(meta, [det]).version == 2
    assert reg.names() == ["m1"]


def test_registry_stores_a_user_estimator_with_skops_and_checks_its_types(tmp_path):
    from sklearn.ensemble import IsolationForest

    _t, x = signal()
    det = EstimatorAdapter(IsolationForest(n_estimators=20, random_state=0), lags=2)
    det.fit(x[:1000])
    reg = ModelRegistry(tmp_path)
    reg.save(ModelMeta("user", "estimator"), [det])
    with pytest.raises(UntrustedModelError):  # a tree is not among skops' default trusted types
        reg.load("user")
    model = reg.load("user", trusted=["sklearn.tree._tree.Tree"])
    np.testing.assert_allclose(
        model.detectors[0].score(x[1000:1100], learn=False), det.score(x[1000:1100], learn=False)
    )


class Boom:
    def __reduce__(self):
        return (exec, ("open('PWNED', 'w').write('x')",))


def test_a_malicious_pickle_file_is_refused_and_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reg = ModelRegistry(tmp_path)
    _t, x = signal(n=300)
    reg.save(ModelMeta("evil", "ewma"), [DETECTORS["ewma"]().fit(x)])
    arrays = tmp_path / "evil.model.1.npz"  # the file the description names
    # the arrays file replaced by a pickle that runs code when unpickled
    arrays.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(UntrustedModelError):
        reg.load("evil")
    # an npz whose member is a pickled object array
    with open(arrays, "wb") as f:
        np.savez(f, **{"0/x": np.array([Boom()], dtype=object)})
    with pytest.raises(UntrustedModelError):
        reg.load("evil")
    # a skops file with a type nobody trusted, named by the description
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    np.savez(arrays)
    sio.dump({"0": FunctionTransformer(func=print)}, tmp_path / "evil.model.1.skops")
    doc = json.loads((tmp_path / "evil.model.json").read_text())
    doc["files"]["estimators"] = "evil.model.1.skops"
    (tmp_path / "evil.model.json").write_text(json.dumps(doc))
    with pytest.raises(UntrustedModelError):
        reg.load("evil")
    del doc["files"]["estimators"]
    # a description naming a class that is not a built-in detector, or smuggling objects in parameters
    doc["detectors"][0]["kind"] = "os.system"
    (tmp_path / "evil.model.json").write_text(json.dumps(doc))
    with pytest.raises(UntrustedModelError):
        reg.load("evil")
    doc["detectors"][0]["kind"] = "ewma"
    doc["detectors"][0]["params"] = {"halflife": {"__reduce__": "exec"}}
    (tmp_path / "evil.model.json").write_text(json.dumps(doc))
    with pytest.raises(UntrustedModelError):
        reg.load("evil")
    (tmp_path / "evil.model.json").write_bytes(pickle.dumps(Boom()))
    with pytest.raises(UntrustedModelError):
        reg.load("evil")
    assert not (tmp_path / "PWNED").exists()


# -- live scoring ---------------------------------------------------------------------------------------------------------

S = ("h", "s", "a")


def snaps(t0, rows):
    return [
        Snapshot("h", "s", "a", "count", t0 + i, 1.0, True, [[[k], v] for k, v in row.items()])
        for i, row in enumerate(rows)
    ]


def test_live_scorer_reports_the_anomalous_interval_and_the_key_behind_it():
    rng = np.random.default_rng(1)
    store = LiveStore(capacity=5000)
    rows = [
        {"bash": 100 + rng.normal(0, 3), "sshd": 20 + rng.normal(0, 1), "cron": 5 + rng.normal(0, 0.5)}
        for _ in range(600)
    ]
    store(snaps(1000, rows))
    scorer = LiveScorer(store, S, DETECTORS["ewma"](), threshold=6.0).fit()
    assert scorer.poll() == []
    normal = [
        {"bash": 100 + rng.normal(0, 3), "sshd": 20 + rng.normal(0, 1), "cron": 5 + rng.normal(0, 0.5)}
        for _ in range(50)
    ]
    normal[30]["sshd"] = 60
    store(snaps(1600, normal))
    found = scorer.poll()
    assert len(found) == 1
    assert found[0].start == 1630 and found[0].keys[0][0] == ("sshd",)
    times, scores = scorer.scores()
    assert len(times) == 50 and times[30] == 1630 and scores[30] >= 6.0
    # nothing new: nothing scored twice
    assert scorer.poll() == [] and len(scorer.scores()[0]) == 50


@pytest.mark.parametrize("kind", BUILTIN)
def test_a_missing_value_among_scored_values_is_skipped_as_one_at_a_time(kind):
    """A series with holes (a key absent from some intervals) scores in one call as it does point by point:
    a hole scores 0 and is not learnt. (``zscore``'s batched path counted the holes in its window of 240,
    so every score after the first hole was judged on fewer values than the window says.)"""
    t, x = signal(n=1200)
    holes = np.random.default_rng(4).choice(1200, 24, replace=False)
    x[holes] = np.nan
    one = make(kind)
    stream = np.array([one.score_one(v, ts) for v, ts in zip(x, t, strict=True)])
    batch = make(kind).score(x, t)
    np.testing.assert_allclose(batch, stream, rtol=1e-9, atol=1e-12)
    assert (batch[holes] == 0).all()


@pytest.mark.parametrize("kind", sorted(k for k in DETECTORS if k != "estimator"))
def test_a_missing_value_in_a_training_window_is_skipped_not_learnt(kind):
    """A key absent from an interval has NaN there. Learnt, one NaN left ``ewma`` and ``seasonal``
    scoring NaN for good, muted ``calibrated`` and ``suricate`` (a 30-sigma spike scored 0.5 and 0),
    and crashed ``sequence`` and ``resonance``. Skipped, as a scored NaN is, the model is the one
    trained without it."""
    rng = np.random.default_rng(0)
    x, t = 50 + rng.normal(0, 1, 600), np.arange(600.0)
    holed_x, holed_t = np.insert(x, [100, 350], np.nan), np.insert(t, [100, 350], [99.5, 349.5])
    after = np.r_[50 + rng.normal(0, 1, 300), 80.0]
    after_t = 600 + np.arange(301.0)
    clean = DETECTORS[kind]().fit(x[:299], t[:299]).partial_fit(x[299:], t[299:]).score(after, after_t)
    holed = DETECTORS[kind]()  # the same 600 values in the same two calls, with three NaNs among them
    holed.fit(holed_x[:300], holed_t[:300])
    holed.partial_fit(holed_x[300:], holed_t[300:])
    holed.update(np.nan, 600.0)
    np.testing.assert_array_equal(holed.score(after, after_t), clean)


HOSTILE = [
    np.inf,
    -np.inf,
    np.nan,
    1.7976931348623157e308,
    -1e308,
    1e300,
    1e100,
    -1e100,
    5e-324,
    -0.0,
    1e-300,
]


TINY = [5e-324, 1e-300, 1e-200, -1e-250, 1e-120]


@pytest.mark.parametrize("kind", sorted(k for k in DETECTORS if k != "estimator"))
def test_hostile_values_neither_crash_nor_poison_a_detector(kind):
    """A snapshot may carry any float up to 1.8e308, and a rate of one overflows to infinity. Learnt as it
    was, one such value crashed most detectors (an integer of infinity) or left them scoring NaN for good.
    Generated series (noise with hostile values at random rows, in training and after): no error, and
    every score finite and readable, learning or frozen."""
    import warnings

    for seed in range(4):
        rng = np.random.default_rng(seed)
        x, t = 100 + rng.normal(0, 3, 900), np.arange(900) * 60.0
        x[rng.choice(900, 12, replace=False)] = rng.choice(HOSTILE, 12)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow on the way either
            det = DETECTORS[kind]().fit(x[:400], t[:400])
            frozen = det.score(x[400:650], t[400:650], learn=False)
            learning = det.score(x[400:], t[400:])
            finite = np.clip(np.nan_to_num(x), -1e308, 1e308)  # no hole: window models score in batches
            _, codes = DETECTORS[kind]().fit(x[:400], t[:400]).score_why(finite[400:], t[400:])
        assert np.isfinite(frozen).all() and np.isfinite(learning).all(), (seed, frozen, learning)
        assert ((codes >= -1) & (codes < len(det.reasons))).all()  # each a reason, or none
        assert max(frozen.max(), learning.max()) < 20_000  # readable: a value of 1e100 scored 1e99 (kmeans)
    # a flat key (an idle process's zeros) meeting values too small for any scale: `calibrated` overflowed
    # on the first (1e-200 after 300 zeros) and stopped, as "cannot run with its defaults"
    for seed in range(4):
        rng = np.random.default_rng(seed)
        x, t = np.zeros(600), np.arange(600) * 60.0
        x[rng.choice(np.arange(150, 600), 10, replace=False)] = rng.choice(TINY, 10)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scores = DETECTORS[kind]().score(x, t)
        assert np.isfinite(scores).all() and (scores >= 0).all(), seed


def test_a_live_model_goes_on_past_a_value_that_overflows():
    """One snapshot with a count of 1e308 made every poll of a live model fail at that interval, for good.
    It is now scored as the extreme it is, and the model goes on, one key or a bank of many."""
    rng = np.random.default_rng(0)
    for keys in (1, 20):
        names = [f"k{i}" for i in range(keys)]
        store = LiveStore(capacity=5000)
        store(snaps(0, [{k: 100 + rng.normal(0, 3) for k in names} for _ in range(300)]))
        scorer = LiveScorer(store, S, DETECTORS["calibrated"]()).fit()
        rows = [{k: 100 + rng.normal(0, 3) for k in names} for _ in range(60)]
        rows[10]["k0"] = 1e308
        store(snaps(300, rows))
        found = scorer.poll()
        assert scorer.last_ts == 359 and [(a.start, a.keys[0][0]) for a in found] == [(310, ("k0",))]
        assert found[0].reasons[("k0",)] in ("far above its level", "jumped up")  # and why, sanely
        assert np.isfinite(scorer.scores()[1]).all()


def test_a_key_that_appears_late_in_the_training_window_is_modelled():
    """The console's ``ws.models.attach`` trains on the store's rows; in a ``max`` aggregation a process
    that started late has no value (NaN) before it did: its model must flag its spike like any other
    key's (it scored NaN for good)."""

    def maxima(t0, rows):
        return [
            Snapshot("h", "s", "a", "max", t0 + i, 1.0, True, [[[k], v] for k, v in row.items()])
            for i, row in enumerate(rows)
        ]

    rng = np.random.default_rng(3)
    rows = [{"bash": 100 + rng.normal(0, 3)} for _ in range(300)]
    for i in range(120, 300):
        rows[i]["late"] = 20 + rng.normal(0, 1)
    store = LiveStore(capacity=5000)
    store(maxima(0, rows))
    scorer = LiveScorer(store, S, DETECTORS["ewma"](), threshold=6.0).fit()
    after = [{"bash": 100 + rng.normal(0, 3), "late": 20 + rng.normal(0, 1)} for _ in range(50)]
    after[30]["late"] = 60.0
    store(maxima(300, after))
    found = scorer.poll()
    assert [(a.start, a.keys[0][0]) for a in found] == [(330, ("late",))]


def test_excluded_spans_are_left_out_of_learning_and_refits():
    store = LiveStore(capacity=5000)
    store(snaps(0, [{"disk": 10.0 + (i % 3)} for i in range(300)]))
    scorer = LiveScorer(store, S, DETECTORS["ewma"](), policy="refit", refit_every=100, threshold=6.0)
    scorer.exclude(300, 349)  # maintenance: a huge level
    scorer.fit()
    store(snaps(300, [{"disk": 1000.0} for _ in range(50)] + [{"disk": 10.0 + (i % 3)} for i in range(150)]))
    found = scorer.poll()
    assert all(a.start >= 350 or a.end < 300 for a in found)  # nothing reported inside the span
    det = scorer.detectors[("disk",)]
    assert det.mean < 20  # the refit at 400 left the maintenance level out
    # marking a span expected: the next refit leaves it out too
    store(snaps(500, [{"disk": 500.0} for _ in range(20)] + [{"disk": 11.0} for _ in range(80)]))
    found = scorer.poll()
    assert found and found[0].start == 500
    scorer.mark_expected(500, 519)
    scorer.refit()
    assert scorer.detectors[("disk",)].mean < 20


def test_live_scorer_with_a_fitted_window_model():
    rng = np.random.default_rng(2)
    store = LiveStore(capacity=5000)
    store(snaps(0, [{"k": 50 + rng.normal()} for _ in range(800)]))
    scorer = LiveScorer(store, S, DETECTORS["kmeans"](), threshold=3.0).fit()
    rows = [{"k": 50 + rng.normal()} for _ in range(100)]
    rows[40]["k"] = 90
    store(snaps(800, rows))
    found = scorer.poll()
    assert found and found[0].start == 840


# -- NAB scoring ------------------------------------------------------------------------------------------------------------


def s(y):
    return 2 / (1 + np.exp(5 * y)) - 1


def tiny_corpus(tmp_path):
    import pandas as pd

    (tmp_path / "data" / "cat").mkdir(parents=True)
    (tmp_path / "labels").mkdir()
    ts = pd.date_range("2020-01-01", periods=100, freq="5min")
    pd.DataFrame({"timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"), "value": np.arange(100.0)}).to_csv(
        tmp_path / "data" / "cat" / "a.csv", index=False
    )
    windows = {"cat/a.csv": [[str(ts[40]), str(ts[49])], [str(ts[70]), str(ts[79])]]}
    (tmp_path / "labels" / "combined_windows.json").write_text(json.dumps(windows))
    return nab.load_corpus(tmp_path)


def test_nab_scorer_gives_the_hand_computed_score(tmp_path):
    corpus = tiny_corpus(tmp_path)
    ((_, _, _, layout),) = corpus
    assert layout.probation == 15 and layout.windows == [(40, 49), (70, 79)]
    scores = np.zeros(100)
    scores[10] = 0.9  # in probation: ignored
    scores[20] = 0.9  # FP before any window: -A_FP
    scores[44] = 0.9  # first detection in window 1: y = -(49 - 44 + 1) / 10
    scores[46] = 0.9  # second detection in the same window: nothing
    scores[55] = 0.9  # FP 6 rows past window 1: s(6 / 9)
    # window 2 missed: -A_FN
    th = np.array([0.5])
    for profile, (a_tp, a_fp, a_fn) in nab.PROFILES.items():
        expected = -a_fp + a_tp * s(-6 / 10) / s(-1) + a_fp * s(6 / 9) - a_fn
        assert nab.raw_scores(layout, scores, th, profile)[0] == pytest.approx(expected)
        res = nab.score_corpus([layout], [scores], profiles=[profile])[profile]
        assert res["null"] == -2 * a_fn and res["perfect"] == 2 * a_tp
        assert res["score"] == pytest.approx(100 * (expected + 2 * a_fn) / (2 * a_tp + 2 * a_fn))
    # the null and the perfect detector score 0 and 100
    perfect = np.zeros(100)
    perfect[[40, 70]] = 1
    assert nab.score_corpus([layout], [perfect])["standard"]["score"] == pytest.approx(100)
    assert nab.score_corpus([layout], [np.zeros(100)])["standard"]["score"] == pytest.approx(0)
    # far past a window (y > 3) an FP costs the full -A_FP
    far = np.zeros(100)
    far[40] = 1
    far[90] = 1  # 11 rows past window 2 of width 10: y = 11/9 -> s(y); window 1 + window 2 missed
    raw = nab.raw_scores(layout, far, th, "standard")[0]
    assert raw == pytest.approx(1 + 0.11 * s(11 / 9) - 1)


def test_nab_threshold_optimisation_picks_the_best_threshold(tmp_path):
    ((_, _, _, layout),) = tiny_corpus(tmp_path)
    scores = np.zeros(100)
    scores[41] = 0.8  # true detection
    scores[20:30] = 0.6  # ten FPs before any window: -1.1 at thresholds <= 0.6
    res = nab.score_corpus([layout], [scores])["standard"]
    assert 0.6 < res["threshold"] <= 0.8
    assert res["raw"] == pytest.approx(s(-9 / 10) / s(-1) - 1)


def test_nab_bench_runs_on_a_tiny_corpus(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    tiny_corpus(tmp_path)
    spec = importlib.util.spec_from_file_location("nab_bench", Path(__file__).parents[1] / "bench" / "nab.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main([str(tmp_path), "--jobs", "1", "--detectors", "ewma,suricate"])
    out = capsys.readouterr().out
    assert "suricate" in out and "standard" in out


def test_a_live_scorer_saved_and_loaded_goes_on_scoring_the_same(tmp_path):
    rng = np.random.default_rng(3)
    store = LiveStore(capacity=5000)
    store(snaps(0, [{"a": 10 + rng.normal(), "b": 50 + rng.normal(0, 5)} for _ in range(400)]))
    scorer = LiveScorer(store, S, DETECTORS["suricate"](), threshold=5.0).fit()
    scorer.exclude(100, 120)
    store(snaps(400, [{"a": 10 + rng.normal(), "b": 50 + rng.normal(0, 5)} for _ in range(100)]))
    scorer.poll()
    reg = ModelRegistry(tmp_path)
    meta = scorer.save(reg, "proc")
    assert meta.streams == [list(S)] and meta.keys == [["a"], ["b"]] and meta.threshold == 5.0
    again = LiveScorer.load(store, reg, "proc")
    assert again.stream == S and again.excluded == [(100.0, 120.0, "maintenance")]
    again.last_ts = scorer.last_ts
    rows = [{"a": 10 + rng.normal(), "b": 50 + rng.normal(0, 5)} for _ in range(50)]
    rows[20]["a"] = 30
    store(snaps(500, rows))
    found = scorer.poll()
    assert [(a.start, a.keys[0][0]) for a in found] == [(a.start, a.keys[0][0]) for a in again.poll()]
    assert found and found[0].start == 520 and found[0].keys[0][0] == ("a",)
    np.testing.assert_allclose(scorer.scores()[1][-50:], again.scores()[1])


def test_live_scorer_runs_the_ensemble_and_names_the_key():
    rng = np.random.default_rng(5)
    store = LiveStore(capacity=5000)
    store(snaps(0, [{"a": 10 + rng.normal(), "b": 50 + rng.normal(0, 5)} for _ in range(600)]))
    scorer = LiveScorer(store, S, DETECTORS["ensemble"]()).fit()
    rows = [{"a": 10 + rng.normal(), "b": 50 + rng.normal(0, 5)} for _ in range(100)]
    rows[30]["b"] = 120
    store(snaps(600, rows))
    found = scorer.poll()
    assert [a.start for a in found] == [630] and found[0].keys[0][0] == ("b",)


# -- learning a baseline ------------------------------------------------------------------------------------------------------


def test_training_splits_in_time_scores_held_out_data_and_leaves_maintenance_out():
    from suricate_desktop.analytics import TrainingData, train

    rng = np.random.default_rng(4)
    store = LiveStore(capacity=5000)
    rows = [{"a": 10 + rng.normal(), "b": 100 + rng.normal(0, 4)} for _ in range(800)]
    for i in range(200, 260):
        rows[i]["a"] = 500.0  # maintenance: a level the model must not learn
    rows[700]["b"] = 200.0  # in the held-out part: flagged
    store(snaps(0, rows))
    seen = []
    result = train(
        TrainingData.from_store(store, S),
        DETECTORS["ewma"](),
        excluded=[(200, 259)],
        holdout=0.25,
        progress=seen.append,
    )
    assert result.excluded_rows == 60 and result.trained_rows == 740
    assert not np.any((result.trained_times >= 200) & (result.trained_times <= 259))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert len(result.times) == 185 and result.times[0] > result.trained_times[-1]
    peak = int(np.argmax(result.scores))
    assert (
        result.times[peak] == 700 and np.argmax([result.key_scores[k][peak] for k in [("a",), ("b",)]]) == 1
    )
    assert result.detectors[("a",)].mean < 20


def test_a_wide_calibrated_model_flags_as_few_intervals_as_a_one_key_model():
    """On the probability scale a key scores 2 once in 100 ordinary intervals: a model of 60 keys of plain
    noise had one in most intervals. Its interval score is the largest less log10(keys), so the threshold
    flags about as rare an interval as on a one-key model, live and in training; the keys named keep
    their own scores."""
    from suricate_desktop.analytics import TrainingData, train

    rng = np.random.default_rng(5)
    keys = [f"p{i}" for i in range(60)]
    store = LiveStore(capacity=5000)
    store(snaps(0, [{k: 100 + rng.normal(0, 5) for k in keys} for _ in range(1600)]))
    det = DETECTORS["calibrated"]()
    result = train(TrainingData.from_store(store, S), det, holdout=0.5)
    largest = np.max(np.vstack(list(result.key_scores.values())), axis=0)
    assert np.mean(largest >= det.threshold) > 0.2  # one of 60 keys is at 2 in many intervals
    np.testing.assert_allclose(result.scores, np.maximum(largest - np.log10(60), 0.0))
    assert np.mean(result.scores >= det.threshold) < 0.06
    one = train(TrainingData.from_store(store, S), det, keys=[("p0",)], holdout=0.5)
    np.testing.assert_array_equal(one.scores, one.key_scores[("p0",)])

    scorer = LiveScorer(store, S, det).fit()
    store(snaps(1600, [{k: 100 + rng.normal(0, 5) for k in keys} for _ in range(400)]))
    found = scorer.poll()
    _times, scores = scorer.scores()
    assert len(scores) == 400 and np.mean(scores >= det.threshold) < 0.06
    assert all(a.keys[0][1] >= a.score + np.log10(60) - 1e-9 for a in found)  # each key's own score
    # an ewma model's interval score stays its largest key's z-score (not a probability)
    z = LiveScorer(store, S, DETECTORS["ewma"]())._interval_score([(("p0",), 3.0), (("p1",), 5.0)], 60)
    assert z == 5.0


def test_a_window_too_short_to_train_on_says_so_and_counts_the_excluded_only_when_there_are():
    from suricate_desktop.analytics import TrainingData, train

    store = LiveStore(capacity=100)
    store(snaps(0, [{"a": 1.0} for _ in range(10)]))
    data = TrainingData.from_store(store, S)
    short = TrainingData(data.times[:1], data.values[:1], data.labels)
    with pytest.raises(ValueError, match=r"^only 1 interval in the training window: choose a longer window$"):
        train(short, DETECTORS["ewma"]())
    with pytest.raises(
        ValueError, match=r"only 1 interval in the training window, 9 left out as excluded spans"
    ):
        train(data, DETECTORS["ewma"](), excluded=[(data.times[1], data.times[-1])])


def test_training_can_be_cancelled():
    from suricate_desktop.analytics import TrainingCancelled, TrainingData, train

    store = LiveStore(capacity=5000)
    store(snaps(0, [{"a": float(i % 7)} for i in range(3000)]))
    calls = []
    with pytest.raises(TrainingCancelled):
        train(
            TrainingData.from_store(store, S),
            DETECTORS["zscore"](),
            progress=calls.append,
            cancelled=lambda: len(calls) > 2,
        )


@pytest.mark.parametrize("policy", ["online", "refit"])
def test_a_wide_calibrated_model_trains_its_keys_together_as_one_by_one(policy):
    """From ``BANK_KEYS`` keys on, ``calibrated`` trains every key in one numpy step a row: the Learn
    dialog's wait no longer grows by a Python step per key and row. Its held-out scores and the
    detectors it hands on (their next scores) are the ones the loop over keys gives, with keys that
    skip rows, an excluded span, and a spike in the held-out part; cancelling stops it."""
    from suricate_desktop.analytics import TrainingCancelled, TrainingData, train
    from suricate_desktop.analytics.detectors import calibrated

    rng = np.random.default_rng(8)
    keys = [f"p{i}" for i in range(calibrated.BANK_KEYS + 4)]
    rows = [{k: 50 + 3 * j + rng.standard_t(4) * (1 + j) for j, k in enumerate(keys)} for _ in range(900)]
    for i in range(0, 900, 7):
        del rows[i]["p3"]  # a key missing from some intervals
    rows[800]["p5"] = 500.0
    store = LiveStore(capacity=5000)
    store(snaps(0, rows))
    data = TrainingData.from_store(store, S)
    args = {"excluded": [(300, 340)], "holdout": 0.3, "policy": policy}
    seen: list[float] = []
    together = train(data, DETECTORS["calibrated"](), progress=seen.append, **args)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 3
    one_by_one = {
        k: train(data, DETECTORS["calibrated"](), keys=[k], **args) for k in list(together.detectors)[:6]
    }
    assert len(together.detectors) == len(keys) >= calibrated.BANK_KEYS
    for k, alone in one_by_one.items():
        np.testing.assert_allclose(together.key_scores[k], alone.key_scores[k], rtol=1e-9, atol=1e-9)
        after = 50 + rng.normal(0, 2, 200)
        t = 1000.0 + np.arange(200)
        np.testing.assert_allclose(
            together.detectors[k].score(after, t), alone.detectors[k].score(after, t), rtol=1e-9, atol=1e-9
        )
    spike = int(np.searchsorted(together.times, 800))
    assert together.key_scores[("p5",)][spike] >= DETECTORS["calibrated"].threshold
    with pytest.raises(TrainingCancelled):
        train(data, DETECTORS["calibrated"](), cancelled=lambda: len(seen) > 0 and seen.clear() is None)


@pytest.mark.parametrize("policy", ["online", "refit"])
def test_a_wide_calibrated_live_model_scores_its_keys_together_as_one_by_one(policy, monkeypatch, tmp_path):
    """A live ``calibrated`` model of many keys steps them all at once (``CalibratedBank``). What a user
    sees is the same as one detector per key: the interval scores, the anomalies, the keys they
    name and what those keys did, through a key that appears mid-way, an excluded span, refits, its
    detectors read between polls, and a save and load."""
    from suricate_desktop.analytics.detectors import calibrated

    rng = np.random.default_rng(11)
    keys = [f"p{i}" for i in range(calibrated.BANK_KEYS + 4)]
    rows = [
        {k: 40 + 5 * j + rng.standard_t(5) * (1 + j % 4) for j, k in enumerate(keys)} for _ in range(1400)
    ]
    for i in range(700, 1400):
        rows[i]["newcomer"] = 9 + rng.normal(0, 0.5)
    rows[900]["p2"] = 400.0
    rows[1200]["newcomer"] = 30.0

    def run(bank_keys):
        monkeypatch.setattr(calibrated, "BANK_KEYS", bank_keys)
        store = LiveStore(capacity=5000)
        store(snaps(0, rows[:400]))
        scorer = LiveScorer(store, S, DETECTORS["calibrated"](), policy=policy, refit_every=300).fit()
        scorer.exclude(1000, 1050)
        found = []
        for a in range(400, 1400, 100):
            store(snaps(a, rows[a : a + 100]))
            found += [
                (x.start, x.end, round(x.score, 9), [k for k, _ in x.keys], x.reasons) for x in scorer.poll()
            ]
            if a == 800:
                assert len(scorer.detectors) == len(keys) + 1 and len(scorer.keys()) == len(keys) + 1
        scorer.save(ModelRegistry(tmp_path / str(bank_keys)), "m")
        return found, scorer.scores()[1], ModelRegistry(tmp_path / str(bank_keys)).load("m").detectors

    together, scores, saved = run(calibrated.BANK_KEYS)
    one_by_one, scores_1, saved_1 = run(10**9)
    np.testing.assert_allclose(scores, scores_1, rtol=1e-9, atol=1e-9)
    assert together == one_by_one
    assert any(s == 900 and k[0] == ("p2",) and why[("p2",)] for s, _, _, k, why in together)
    assert any(s == 1200 and k[0] == ("newcomer",) for s, _, _, k, _ in together)
    after, t = 50 + rng.normal(0, 1, 50), 1400.0 + np.arange(50)
    for a, b in zip(saved, saved_1, strict=True):
        np.testing.assert_allclose(a.score(after, t), b.score(after, t), rtol=1e-9, atol=1e-9)


def test_a_refit_learns_from_the_training_window_and_not_from_marked_spans():
    from suricate_desktop.analytics import TrainingData, train

    store = LiveStore(capacity=5000)
    store(snaps(0, [{"disk": 10.0 + (i % 3)} for i in range(300)]))
    data = TrainingData.from_store(store, S)
    result = train(data, DETECTORS["ewma"](), holdout=0.2, policy="refit")
    scorer = LiveScorer.from_training(
        store,
        S,
        result,
        DETECTORS["ewma"](),
        policy="refit",
        refit_every=1000,
        train_size=1000,
        threshold=6.0,
    )
    scorer.seed(data.times, data.values, data.labels)
    store(snaps(300, [{"disk": 900.0} for _ in range(10)] + [{"disk": 11.0} for _ in range(40)]))
    found = scorer.poll()
    assert found and found[0].start == 300 and found[0].end == 309
    scorer.mark_expected(300, 309)
    scorer.refit()
    trained = scorer.last_training
    assert len(trained) == 340 and trained[0] == 0 and trained[-1] == 349
    assert not np.any((trained >= 300) & (trained <= 309))
    assert scorer.detectors[("disk",)].mean < 20
    scorer.forget_span(300, 309)
    scorer.refit()
    assert len(scorer.last_training) == 350


def test_a_new_range_relearns_the_remembered_points_as_if_it_had_been_known():
    from suricate_desktop.analytics.contexts import ContextModel

    rng = np.random.default_rng(4)
    x = 10 + 4 * np.sin(np.arange(1500) / 9.0) + rng.normal(0, 0.3, 1500)
    a = ContextModel(margin=0.35, forget_on_expand=True, replay=500)
    for v in x:
        a.step(v)
    assert a.step(40.0) == 1.0  # past every value seen: the range is re-made, the step scores 1
    b = ContextModel(margin=0.35, forget_on_expand=True, replay=500)  # the new range known from the start
    b.lo, b.hi, b.seen_lo, b.seen_hi = a.lo, a.hi, a.seen_lo, a.seen_hi
    for v in [*x[-500:], 40.0]:
        b.step(v)
    (ma, sa), (mb, sb) = a.get_state(), b.get_state()
    assert ma == mb and sa.keys() == sb.keys() and len(sa["history"]) == 500
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k])
    # without replay the memory starts empty instead
    c = ContextModel(margin=0.35, forget_on_expand=True)
    for v in [*x, 40.0]:
        c.step(v)
    assert c.memory.arrays()["contexts"].shape[1] == 0 < sa["contexts"].shape[1]
