"""The held-out evaluation's generator and labels, and the default detector ``calibrated``: its scale is a
tail probability, it flags injected changes, it scores many keys at once as it does one, it is saved and
loaded as any model."""

from __future__ import annotations

import numpy as np
import pytest

from bench.heldout import corpus, synthetic
from suricate_desktop.analytics.detectors import DETECTORS
from suricate_desktop.analytics.detectors.calibrated import VIEWS, CalibratedBank, CalibratedDetector
from suricate_desktop.analytics.registry import DEFAULT_DETECTOR, ModelMeta, ModelRegistry
from suricate_desktop.cli.cmd_detect import DEFAULT_DETECTOR as CLI_DEFAULT


def test_generator_is_deterministic_and_seeds_differ():
    a, b = synthetic.series("queue", 7), synthetic.series("queue", 7)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.times, b.times)
    assert a.anomalies == b.anomalies and a.kinds == b.kinds
    c = synthetic.series("queue", 8)
    assert len(c.values) != len(a.values) or not np.array_equal(c.values, a.values)
    assert 1900 <= len(a.values) <= 6000  # 2,000 to 6,000 rows less the gaps


@pytest.mark.parametrize("family", synthetic.FAMILIES)
def test_labels_sit_on_the_anomalies(family):
    """Each anomaly point lies inside a window centred on it, NAB's width (10 % of the file over the count)."""
    for seed in range(3):
        s = synthetic.series(family, seed)
        n = len(s.values)
        wins = synthetic.windows(n, s.anomalies)
        width = int(0.1 * n / len(s.anomalies))
        for a in s.anomalies:
            (b, e) = next(w for w in wins if w[0] <= a <= w[1])
            assert a - b >= min(width // 2, a) - 1 or b == 0
            assert e - b + 1 >= width - 1
        assert all(a > 0.15 * n for a in s.anomalies)  # past NAB's probation


def test_spike_is_where_its_label_says():
    """A spike changes the series at its point: compared with the same seed's neighbours it stands out there."""
    found = 0
    for seed in range(40):
        s = synthetic.series("cpu", seed)
        if len(s.anomalies) > 1:  # another change (more noise) may drown it
            continue
        for a, kind in zip(s.anomalies, s.kinds, strict=True):
            if kind in ("spike", "outage"):
                around = np.r_[s.values[a - 40 : a - 5], s.values[a + 70 : a + 100]]
                jump = abs(s.values[a] - np.median(around))
                assert jump > 3 * np.median(np.abs(np.diff(around))), (s.name, a, kind)
                found += 1
    assert found >= 3


def test_split_keeps_families_and_seeds_apart():
    tune = {(f, s) for f, s in corpus.TUNE_SYNTHETIC}
    held = set(corpus.HELDOUT_SYNTHETIC)
    assert not tune & held
    assert {f for f, _ in held} - {f for f, _ in tune}  # some families only held out
    assert not {s for _, s in tune} & {s for _, s in held}
    # recorded traces: TUNE has run r1's of some workloads; HELD-OUT has every other run and workload
    tune_traces = [e.name for e in corpus.tune() if e.name.startswith("trace_")]
    held_traces = [e.name for e in corpus.heldout() if e.name.startswith("trace_")]
    assert not set(tune_traces) & set(held_traces)
    assert all(n.startswith("trace_r1_") for n in tune_traces)
    assert all(
        not any(f"_{w}_" in n for w in corpus.TRACE_TUNE) for n in held_traces if n.startswith("trace_r1_")
    )
    for e in corpus.tune() + corpus.heldout():  # every labelled change sits inside its series, past nothing
        assert all(0 <= a < len(e.values) for a in e.anomalies), e.name


@pytest.mark.parametrize(
    "noise",
    [
        lambda r, n: r.normal(0, 1, n),
        lambda r, n: 1e4 + 300 * r.standard_t(3, n),
        lambda r, n: r.exponential(0.01, n),
        lambda r, n: r.poisson(4, n).astype(float),
    ],
)
def test_scores_are_tail_probabilities_on_any_noise(noise):
    """On pure noise, whatever its scale and shape, the share of points scoring >= t is about 10^-t."""
    rng = np.random.default_rng(3)
    x = noise(rng, 20000)
    det = CalibratedDetector(hold=0, warmup=50)
    s = det.score(x, np.arange(len(x)) * 60.0)[2000:]
    for t in (1.0, 2.0):
        share = float(np.mean(s >= t))
        assert 10**-t / 3 <= share <= 10**-t * 2.0, (t, share)


def test_constant_then_step_scores_finite_and_large():
    x = np.r_[np.full(1000, 5.0), np.full(50, 6.0)]
    s = CalibratedDetector().score(x, np.arange(len(x)) * 60.0)
    assert np.all(np.isfinite(s))
    assert s[1000] >= CalibratedDetector.threshold + 1 and s[1000] < 20
    assert np.all(s[100:1000] < CalibratedDetector.threshold)


def test_a_new_key_claims_no_rarity_its_short_past_cannot_support():
    """A key that has just appeared (a new process in a D aggregation) is scored only once its tails have
    ``calibration`` points; until then a score of 6 ("one point in a million") on its 51st, ordinary
    point came from two points of history, and its alarm muted the key's real ones for ``hold`` points."""
    rng = np.random.default_rng(1)
    p = CalibratedDetector.defaults
    first = p["warmup"] + p["calibration"]
    worst = []
    for _ in range(100):
        x = rng.normal(100.0, 5.0, 400)
        s = CalibratedDetector().score(x, np.arange(len(x)) * 0.5)
        assert np.all(s[:first] == 0.0)
        worst.append(float(s[:300].max()))
    assert max(worst) < 4.0  # nothing beyond 1 in 10,000 from fewer than 250 points of ordinary noise
    banked = CalibratedBank(1)
    x = rng.normal(100.0, 5.0, first + 1)
    assert [float(banked.step([v], 0.5 * i)[0]) for i, v in enumerate(x)][:first] == [0.0] * first


def test_default_flags_injected_changes_of_a_small_series():
    rng = np.random.default_rng(1)
    t = np.arange(3000) * 300.0
    x = 100 + 20 * np.sin(t / 86400 * 2 * np.pi) + rng.normal(0, 2, len(t))
    x[1500] += 40  # a spike
    x[2200:] += 25  # a level shift
    det = DETECTORS[DEFAULT_DETECTOR]()
    s = det.score(x, t)
    alarms = np.flatnonzero(s >= det.threshold)
    assert any(1500 <= a <= 1505 for a in alarms)
    assert any(2200 <= a <= 2210 for a in alarms)
    assert len([a for a in alarms if a > 450 and not (1500 <= a <= 1520 or 2200 <= a <= 2300)]) <= 10


def test_the_default_is_calibrated_everywhere():
    assert DEFAULT_DETECTOR == CLI_DEFAULT == "calibrated"
    assert DETECTORS[DEFAULT_DETECTOR] is CalibratedDetector


def test_bank_scores_as_one_detector_per_key():
    keys = [synthetic.series("queue", 2), synthetic.series("cpu", 1), synthetic.series("requests", 3)]
    n = min(len(k.values) for k in keys)
    x = np.array([k.values[:n] for k in keys])
    x[1, 400:420] = np.nan
    times = keys[0].times[:n]
    bank = CalibratedBank(len(keys))
    banked = np.array([bank.step(x[:, i], times[i]) for i in range(n)]).T
    for k in range(len(keys)):
        one = CalibratedDetector().score(x[k], times)
        np.testing.assert_allclose(banked[k], one, rtol=1e-9, atol=1e-9)


def test_a_bank_goes_on_from_detectors_and_hands_them_back():
    """A wide model is trained and scored as a bank and saved key by key: a bank built from detectors
    half-way through their series scores the rest as they would (some intervals scored without being
    learnt, as in an excluded span), and hands back detectors in the same state."""
    keys = [synthetic.series("queue", 4), synthetic.series("latency", 2), synthetic.series("cpu", 5)]
    n = min(len(k.values) for k in keys)
    x = np.array([k.values[:n] for k in keys])
    times = keys[0].times[:n]
    half = n // 2
    alone = [CalibratedDetector(hold=100) for _ in keys]
    for det, v in zip(alone, x, strict=True):
        det.score(v[:half], times[:half])
    bank = CalibratedBank.of([CalibratedDetector(hold=100).fit(v[:half], times[:half]) for v in x])
    learn = np.arange(half, n) % 5 != 0
    banked = np.array([bank.step(x[:, i], times[i], learn=learn[i - half]) for i in range(half, n)]).T
    for k, det in enumerate(alone):
        one = [det.score_one(x[k, i], times[i], learn=learn[i - half]) for i in range(half, n)]
        np.testing.assert_allclose(banked[k], one, rtol=1e-9, atol=1e-9)
        back = bank.key(k)
        assert back.get_params() == det.get_params()
        more = x[k, -300:]
        np.testing.assert_allclose(back.score(more, times[-300:] + 1e6), det.score(more, times[-300:] + 1e6))
    with pytest.raises(ValueError, match="parameters differ"):
        CalibratedBank.of([CalibratedDetector(), CalibratedDetector(hold=5)])


def test_a_busy_key_that_stops_is_flagged_after_an_earlier_incident():
    """The traces' miss (docs/PERFORMANCE.md): a busy, bursty key whose rate once doubled for 40 points
    then stops. Its residual scale, grown on its bursts, and its tails, holding the doubling, called the
    stop ordinary (found in 1 of 20 such keys); the ``floor`` view (how far below its level, as a share
    of it) calls it what it is, with no more false alarms on the ordinary points."""
    found, false_alarms = 0, []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x = 1000 + rng.standard_t(3, 1600) * 40
        bursts = rng.choice(np.arange(200, 1600), 40, replace=False)
        x[bursts] *= rng.uniform(1.5, 3.0, 40)  # routine bursts
        x[600:640] *= 2.0  # an earlier incident
        x[1200:1230] = 0.0  # the service stops
        s = CalibratedDetector().score(x, np.arange(1600) * 0.5)
        found += bool(s[1200:1215].max() >= CalibratedDetector.threshold)
        false_alarms.append(int(np.sum(s[300:1195] >= CalibratedDetector.threshold)))
    assert found >= 17 and np.median(false_alarms) <= 3


def test_a_saved_model_catches_up_across_a_gap_without_muting_or_learning_the_jump():
    """A rule brings a saved model up to the key's rows since the save (``catch_up``). The jump across the
    gap raised an alarm that kept the next 200 points quiet (a spike of 40 scales just after scored 0)
    and went into the tails as an ordinary deviation; caught up on, neither: the spike scores as it
    would have without the gap, and the tails are those of the save."""
    rng = np.random.default_rng(2)
    x, t = 100 + rng.normal(0, 2, 1100), np.arange(1100) * 60.0
    saved = CalibratedDetector().fit(x[:1000], t[:1000])
    gap = x[1000:1060].copy()
    gap[:15] += 40
    spike, at = x[1060] + 80, t[1060]
    learnt = CalibratedDetector()
    learnt.set_state(*saved.get_state())
    learnt.partial_fit(gap, t[1000:1060])
    assert learnt.score_one(spike, at) == 0.0  # muted by the gap's alarm
    caught_up = CalibratedDetector()
    caught_up.set_state(*saved.get_state())
    caught_up.catch_up(gap, t[1000:1060])
    assert [tail.counts for tail in caught_up.tails] == [tail.counts for tail in saved.tails]
    assert caught_up.n == 1060 and abs(caught_up.level - 100) < 3
    assert caught_up.score_one(spike, at) >= 5.0


def test_a_model_saved_before_the_floor_view_still_loads_and_learns_it():
    """Models saved with five views (before ``floor``) load: the new view's tail starts empty (it claims no
    rarity until it has learnt) and fills as the model goes on."""
    s = synthetic.series("requests", 2)
    det = CalibratedDetector().fit(s.values[:1500], s.times[:1500])
    meta, arrays = det.get_state()
    floor = VIEWS.index("floor")
    old_meta = {**meta, "totals": meta["totals"][:floor] + meta["totals"][floor + 1 :]}
    old_meta["tops"] = meta["tops"][:floor] + meta["tops"][floor + 1 :]
    old_arrays = {**arrays, "counts": np.delete(arrays["counts"], floor, axis=0)}
    loaded = CalibratedDetector()
    loaded.set_state(old_meta, old_arrays)
    assert loaded.tails[floor].total == 0.0 and loaded.tails[0].total == det.tails[0].total
    rest = loaded.score(s.values[1500:], s.times[1500:])
    assert np.isfinite(rest).all() and loaded.tails[floor].total > 0.0


def test_saved_model_round_trips(tmp_path):
    s = synthetic.series("latency", 3)
    det = CalibratedDetector(hold=50)
    half = len(s.values) // 2
    det.score(s.values[:half], s.times[:half])
    reg = ModelRegistry(tmp_path)
    reg.save(ModelMeta(name="m", detector="calibrated", threshold=det.threshold), [det])
    loaded = reg.load("m").detectors[0]
    assert loaded.get_params() == det.get_params()
    rest, rest_t = s.values[half:], s.times[half:]
    np.testing.assert_allclose(loaded.score(rest, rest_t), det.score(rest, rest_t), rtol=1e-12, atol=1e-12)


def test_losses_split_the_missing_score_into_its_causes():
    """The development figures of ``evaluate.py --tune-only``: what is missing from 100 is missed
    windows, late detections and false alarms, and they add up to the NAB score."""
    from bench.heldout import evaluate

    n = 2000
    entry = corpus._entry("x", np.arange(n) * 300.0, np.zeros(n), [1000, 1600], ["shift", "spike"])
    (b1, _e1), _second = entry.layout.windows
    scores = np.zeros(n)
    scores[b1] = 5.0  # the first window found at its start, the second missed
    scores[500] = 5.0  # one false alarm, before any window
    missed, late, false = evaluate.losses([entry], [scores], 2.0)
    assert missed == pytest.approx(
        50.0
    )  # one window of two, worth 2 of the 4 points between null and perfect
    assert late == pytest.approx(0.0, abs=1e-9)
    assert false == pytest.approx(100 * 0.11 / 4)
    nab_score = evaluate.figures([entry], [scores], dict.fromkeys(evaluate.PROFILES, 2.0))["standard"]
    assert nab_score == pytest.approx(100 - missed - late - false)
    kinds = evaluate.recall_by_kind([entry], [scores], 2.0)
    assert kinds == {"shift": (1, 1), "spike": (0, 1)}


def test_the_ceiling_counts_only_changes_that_show_in_their_window():
    """``ceiling.py``: a shift of five noise scales shows, a change that leaves the series as it was
    does not; the oracle that alarms at the first alone scores half of what it would with both."""
    from bench.heldout import ceiling

    n = 2000
    rng = np.random.default_rng(3)
    values = rng.normal(100, 1, n)
    values[1000:] += 5.0  # a shift at 1000; nothing happens at 1600
    entry = corpus._entry("x", np.arange(n) * 300.0, values, [1000, 1600], ["shift", "period"])
    (b1, e1), (b2, e2) = entry.layout.windows
    assert ceiling.shows(entry, 1000, b1, e1)
    assert not ceiling.shows(entry, 1600, b2, e2)
    found = ceiling.changes([entry])
    score = ceiling.oracle([entry], found)
    every = ceiling.oracle([entry], found, every=True)
    assert [seen for _, _, seen in found[0]] == [True, False]
    assert score == pytest.approx(every / 2, abs=1.0)


def test_the_tune_bootstrap_tells_a_real_difference_from_luck():
    """``evaluate.py --tune-only`` resamples TUNE's series: a detector that finds every window beats
    one that finds half of them in every draw, and two equal detectors differ in none."""
    from bench.heldout import evaluate

    n = 2000
    entries = [
        corpus._entry(f"x{i}", np.arange(n) * 300.0, np.zeros(n), [1000, 1600], ["shift", "spike"])
        for i in range(6)
    ]
    every, half = [], []
    for i, e in enumerate(entries):
        (b1, _), (b2, _) = e.layout.windows
        s = np.zeros(n)
        s[[b1, b2]] = 5.0
        every.append(s)
        h = np.zeros(n)
        h[b1 if i % 2 else b2] = 5.0
        half.append(h)
    boot = evaluate.bootstrap(entries, {"every": every, "half": half, "same": list(half)}, draws=200)
    assert np.all(boot["every"] > boot["half"])
    assert np.allclose(boot["every"], 100.0)
    assert np.array_equal(boot["same"], boot["half"])
