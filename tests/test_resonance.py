"""``resonance``: ARTime's method, streaming (analytics/resonance.py)."""

import math

import numpy as np
import pytest

from suricate_desktop.analytics import DETECTORS, ModelMeta, ModelRegistry
from suricate_desktop.analytics.resonance import DualVigilanceART, ResonanceModel, haar


def noisy_cycle(n, seed=0, period=60, level=10.0):
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    return level + 3.0 * np.sin(2 * np.pi * i / period) + rng.normal(0, 0.2, n)


def test_haar_is_the_orthonormal_full_decomposition():
    np.testing.assert_allclose(haar(np.ones(8)), [math.sqrt(8)] + [0.0] * 7)
    np.testing.assert_allclose(haar([0.0, 1.0]), [1 / math.sqrt(2), 1 / math.sqrt(2)])
    x = np.random.default_rng(0).normal(size=8)
    assert np.linalg.norm(haar(x)) == pytest.approx(np.linalg.norm(x))  # orthonormal: energy kept


def test_art_refines_a_resonant_category_and_reports_a_novel_sample():
    art = DualVigilanceART(4)
    art.lb, art.ub = 0.5, 0.9
    a = np.array([0.2, 0.2, 0.3, 0.5])
    assert art.train(a)[0] == 1  # the first sample only starts the network
    first, _, _ = art.train(a)  # a new cluster: the uncommitted node matches it weakly
    assert first == -1
    again, match, _ = art.train(a)
    assert again == 2 and match == pytest.approx(1.0)  # the same sample resonates with its own category
    far, match, _ = art.train(np.array([1.0, 0.9, 0.0, 0.0]))
    assert far == -1 and match < art.lb


def test_art_memory_stops_growing_at_its_cap_and_still_reports_novel_samples():
    art = DualVigilanceART(4, max_categories=5)
    art.lb, art.ub = 0.9, 0.95
    rng = np.random.default_rng(0)
    novel = [art.train(rng.uniform(size=4))[0] == -1 for _ in range(50)]
    assert art.W.shape[0] == len(art.labels) == 5
    assert sum(novel[10:]) > 20  # full, it goes on judging: far samples are still novel
    again, match, _ = art.train(art.W[2, :4].copy())  # a kept category still resonates
    assert again == art.labels[2] and match == pytest.approx(1.0)


def test_a_widened_range_maps_every_box_onto_the_new_levels():
    x = noisy_cycle(3000)
    model = ResonanceModel(warm=600, margin=0.0)
    for v in x:
        model.step(float(v))
    lo, hi, W = model.lo, model.hi, model.art.W.copy()
    model._widen(40.0)  # a step whose spike is far past the range
    assert model.hi == 40.0 and model.lo == lo
    a = (hi - lo) / (model.hi - model.lo)
    d = 2 * model.window  # features: the shape, then the levels; each complement-coded after them
    levels = slice(model.window, d)
    committed = np.arange(len(W)) > 0  # all but the uncommitted first node
    np.testing.assert_allclose(model.art.W[committed, levels], a * W[committed, levels])  # each box's low end
    np.testing.assert_allclose(
        1 - model.art.W[committed, d + model.window :], a * (1 - W[committed, d + model.window :])
    )
    np.testing.assert_allclose(
        model.art.W[:, : model.window], W[:, : model.window]
    )  # the shape is scale-free
    np.testing.assert_array_equal(model.art.W[~committed], W[~committed])
    assert model.fwin.max() <= a + 1e-12  # the feature window too


def test_a_known_range_is_kept():
    det = DETECTORS["resonance"](lo=0.0, hi=100.0)
    det.score(noisy_cycle(1000))
    assert [(m.lo, m.hi) for m in det.models] == [(0.0, 100.0)]


def test_a_new_key_is_watched_after_150_points_and_settles_on_the_600_point_model():
    x = noisy_cycle(1000)
    x[250] += 15
    det = DETECTORS["resonance"]()
    s = det.score(x)
    assert np.all(s[:150] == 0.0)
    assert np.max(s[250:252]) >= det.threshold  # the 150-point model (downsampled by 1) sees it
    assert det.warmups == [600] and len(det.models) == 1  # the younger models are dropped


def test_looking_ahead_learns_nothing():
    x = noisy_cycle(1200)
    x[1100] += 15
    a, b = DETECTORS["resonance"](), DETECTORS["resonance"]()
    a.score(x[:900])
    b.score(x[:900])
    peeks = a.score(x[900:1000], learn=False)
    assert peeks.shape == (100,)
    np.testing.assert_array_equal(a.score(x[900:]), b.score(x[900:]))


def test_a_model_saved_during_its_warm_up_continues_identically(tmp_path):
    x = noisy_cycle(2000)
    x[1500] += 15
    det = DETECTORS["resonance"]()
    det.score(x[:400])  # the 150 model reports, the 300 model has just warmed up, the 600 one is learning
    assert det.warmups == [300, 600]
    reg = ModelRegistry(tmp_path)
    reg.save(ModelMeta("r", "resonance", threshold=det.threshold), [det])
    loaded = reg.load("r").detectors[0]
    rest = loaded.score(x[400:])
    np.testing.assert_array_equal(rest, det.score(x[400:]))
    assert np.max(rest[1100:1105]) >= det.threshold  # and the spike is still flagged
