"""A saved model's files edited by hand, cut short or written for another model: generated variants of real
models' files either load into a model that scores, or are refused with ``UntrustedModelError`` (a
``ValueError``: what the Models pane, the rules and the console catch) naming the file.

Before, a value of another kind in the description (``meta: "x"``, ``period: "abc"``), a missing or
reshaped array, or a JSON file nested 100,000 deep raised ``AttributeError``, ``KeyError``,
``IndexError``, ``OverflowError`` or ``RecursionError`` from deep inside, which the rules' loader let
through as a traceback; or the model loaded and then failed at every score."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from suricate_desktop.analytics import DETECTORS, ModelRegistry
from suricate_desktop.analytics.registry import ModelMeta, UntrustedModelError

KINDS = ("calibrated", "ensemble", "resonance", "kmeans", "zscore")
HOSTILE = ["abc", None, [], {}, -1, 1e308, True, [[1, 2], [3]], 0]


def saved(folder: Path, kind: str) -> ModelRegistry:
    """A model of two keys of ``kind`` trained on noise with a daily rhythm, saved as ``m``."""
    rng = np.random.default_rng(3)
    t = np.arange(1200) * 60.0
    dets = []
    for k in range(2):
        x = 100 + 10 * np.sin(2 * np.pi * t / 86400) + rng.normal(0, 2, len(t)) + k
        dets.append(DETECTORS[kind]().fit(x, t))
    reg = ModelRegistry(folder)
    meta = ModelMeta("m", kind, streams=[["h", "s", "a"]], keys=[["a"], ["b"]], threshold=dets[0].threshold)
    reg.save(meta, dets)
    return reg


def paths(doc, here=()):
    """Every place in a JSON document, as a path of keys and indexes."""
    yield here
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths(v, (*here, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:3]):  # a long array's first items stand for the rest
            yield from paths(v, (*here, i))


def replaced(doc, path, value):
    if not path:
        return value
    out = json.loads(json.dumps(doc))
    at = out
    for step in path[:-1]:
        at = at[step]
    at[path[-1]] = value
    return out


def loads_and_scores_or_is_refused(reg: ModelRegistry, why: str) -> str:
    try:
        model = reg.load("m")
    except UntrustedModelError as exc:
        assert "m.model." in str(exc), (why, exc)
        return "refused"
    for det in model.detectors:
        scores = det.score(np.array([100.0, 101.0, 500.0, 99.0]), np.arange(4) * 60.0 + 1200 * 60.0)
        assert np.isfinite(scores).all() and (scores >= 0).all(), (why, scores)
    return "loaded"


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_of_a_description_replaced_loads_a_model_that_scores_or_is_refused(tmp_path, kind):
    reg = saved(tmp_path, kind)
    jpath = tmp_path / "m.model.json"
    original = json.loads(jpath.read_text())
    rng = np.random.default_rng(len(kind))
    seen = {"refused": 0, "loaded": 0}
    for path in list(paths(original)):
        for value in rng.choice(np.array(HOSTILE, dtype=object), 3, replace=False):
            jpath.write_text(json.dumps(replaced(original, path, value)))
            seen[loads_and_scores_or_is_refused(reg, f"{path} = {value!r}")] += 1
    assert seen["refused"] > 20 and seen["loaded"] > 0, seen


@pytest.mark.parametrize("kind", KINDS)
def test_every_array_missing_emptied_reshaped_or_poisoned_loads_a_model_that_scores_or_is_refused(
    tmp_path, kind
):
    reg = saved(tmp_path, kind)
    npath = tmp_path / "m.model.1.npz"  # the arrays of version 1, which the description names
    with np.load(npath) as npz:
        original = {k: npz[k] for k in npz.files}
    for name, array in original.items():
        for variant, changed in (
            ("missing", None),
            ("empty", array[:0]),
            ("one short", array.reshape(-1)[:-1] if array.size else array),
            ("2-D", np.stack([array, array]) if array.ndim == 1 else array.reshape(-1)),
            ("NaN", np.full(array.shape, np.nan) if array.dtype.kind == "f" else array),
            ("negative", -np.abs(array) - 1),
            ("bool", array.astype(bool)),
        ):
            arrays = {k: v for k, v in original.items() if k != name}
            if changed is not None:
                arrays[name] = changed
            np.savez(npath, **arrays)
            loads_and_scores_or_is_refused(reg, f"{name} {variant}")


def test_a_description_nested_past_reason_or_a_name_of_dots_is_refused(tmp_path):
    reg = saved(tmp_path, "zscore")
    (tmp_path / "m.model.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(UntrustedModelError, match="not a model description"):
        reg.load("m")
    inner = ModelRegistry(tmp_path / "inner")
    (tmp_path / "inner").mkdir()
    for name in (".", "..", ".hidden"):  # "." named the folder itself: its parent's "..model.json" was read
        with pytest.raises(ValueError, match="bad model name"):
            inner.load(name)
    (tmp_path / "inner" / "..model.json").write_text("{}")
    assert inner.names() == []


def test_a_parameter_of_another_kind_is_refused_at_load_not_at_every_score(tmp_path):
    reg = saved(tmp_path, "calibrated")
    jpath = tmp_path / "m.model.json"
    doc = json.loads(jpath.read_text())
    for name, value, said in (
        ("period", "abc", "calibrated: period must be a number (not 'abc')"),
        ("hold", 2.5, "calibrated: hold must be a whole number (not 2.5)"),
        ("slots", -1, "calibrated: slots must be at least 1"),
    ):
        bad = json.loads(json.dumps(doc))
        bad["detectors"][0]["params"][name] = value
        jpath.write_text(json.dumps(bad))
        with pytest.raises(UntrustedModelError) as caught:
            reg.load("m")
        assert said in str(caught.value) and "detector 0" in str(caught.value)
    jpath.write_text(json.dumps(doc))
    assert math.isfinite(reg.load("m").detectors[0].score_one(100.0, 0.0))


def trained(kind: str, level: float, keys: int = 2) -> list:
    """Detectors of ``kind`` trained on noise around ``level``, one a key."""
    rng = np.random.default_rng(int(level))
    return [DETECTORS[kind]().fit(level + rng.normal(0, 2, 600), np.arange(600) * 60.0) for _ in range(keys)]


def scores_of(detectors) -> list[float]:
    return [d.score_one(v, 700 * 60.0, learn=False) for d in detectors for v in (100.0, 130.0, 300.0)]


def meta(kind: str) -> ModelMeta:
    return ModelMeta("m", kind, streams=[["h", "s", "a"]], keys=[["a"], ["b"]])


@pytest.mark.parametrize("fails_at", ["arrays", "description", "the swap"])
def test_a_save_that_fails_partway_leaves_the_saved_model_whole(tmp_path, monkeypatch, fails_at):
    """Before, the arrays were written over the old ones before the new description took the old one's place:
    a save that failed between the two left version 1's description over version 2's arrays, which loaded
    as a model nobody trained (its scores neither version's)."""
    reg = ModelRegistry(tmp_path)
    first = trained("calibrated", 100.0)
    reg.save(meta("calibrated"), first)
    before = sorted(p.name for p in tmp_path.iterdir())

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if fails_at == "arrays":
        monkeypatch.setattr(np, "savez", full_disk)
    elif fails_at == "description":
        monkeypatch.setattr(json, "dumps", full_disk)
    else:
        monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        reg.save(meta("calibrated"), trained("calibrated", 160.0))
    monkeypatch.undo()
    model = reg.load("m")
    assert model.meta.version == 1 and scores_of(model.detectors) == pytest.approx(scores_of(first))

    second = trained("calibrated", 160.0)
    reg.save(meta("calibrated"), second)
    model = reg.load("m")
    assert model.meta.version == 2 and scores_of(model.detectors) == pytest.approx(scores_of(second))
    # the old version's arrays, and what the failed save left, are gone: one description, one arrays file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.model.2.npz", "m.model.json"], before


def test_a_model_saved_before_descriptions_named_their_files_loads_and_is_saved_anew(tmp_path):
    reg = ModelRegistry(tmp_path)
    first = trained("zscore", 100.0)
    reg.save(meta("zscore"), first)
    jpath = tmp_path / "m.model.json"
    doc = json.loads(jpath.read_text())
    del doc["files"]  # the older form: NAME.model.npz beside NAME.model.json
    jpath.write_text(json.dumps(doc))
    (tmp_path / "m.model.1.npz").rename(tmp_path / "m.model.npz")
    assert scores_of(reg.load("m").detectors) == pytest.approx(scores_of(first))
    reg.save(meta("zscore"), first)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.model.2.npz", "m.model.json"]
    reg.delete("m")
    assert list(tmp_path.iterdir()) == [] and reg.names() == []


@pytest.mark.parametrize(
    "files",
    [
        {"arrays": "../m.model.1.npz"},
        {"arrays": "other.model.1.npz"},
        {"arrays": "m.model.npz"},
        {"arrays": "m.model.1.npz", "estimators": "/etc/passwd"},
        {"arrays": "m.model.1.npz", "code": "x"},
        {"arrays": 1},
        ["m.model.1.npz"],
    ],
)
def test_a_description_may_name_only_its_own_models_files(tmp_path, files):
    reg = ModelRegistry(tmp_path / "models")
    reg.save(meta("zscore"), trained("zscore", 100.0))
    (tmp_path / "m.model.1.npz").write_bytes((tmp_path / "models" / "m.model.1.npz").read_bytes())
    jpath = tmp_path / "models" / "m.model.json"
    doc = json.loads(jpath.read_text())
    doc["files"] = files
    jpath.write_text(json.dumps(doc))
    with pytest.raises(UntrustedModelError, match=r"m\.model\.json: files"):
        reg.load("m")


def test_a_save_killed_at_any_moment_leaves_a_model_that_loads(tmp_path):
    """A process saving a model again and again, killed (SIGKILL) at 12 moments spread over its saves: the
    model left always loads, whole, as one of the versions saved."""
    import signal
    import subprocess
    import sys
    import time

    script = f"""
import sys, numpy as np
sys.path[:0] = {sys.path!r}
from suricate_desktop.analytics import DETECTORS, ModelRegistry
from suricate_desktop.analytics.registry import ModelMeta
reg = ModelRegistry({str(tmp_path)!r})
rng = np.random.default_rng(0)
dets = [DETECTORS["calibrated"]().fit(100 + rng.normal(0, 2, 3000), np.arange(3000) * 60.0) for _ in range(8)]
print("ready", flush=True)
while True:
    reg.save(ModelMeta("m", "calibrated", streams=[["h", "s", "a"]], keys=[[str(i)] for i in range(8)]), dets)
"""
    reg = ModelRegistry(tmp_path)
    rng = np.random.default_rng(7)
    versions = []
    for _ in range(12):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(float(rng.uniform(0.05, 0.6)))
        child.send_signal(signal.SIGKILL)
        child.wait()
        model = reg.load("m")
        assert len(model.detectors) == 8 and all(np.isfinite(scores_of(model.detectors[:1])))
        versions.append(model.meta.version)
    assert versions == sorted(versions) and versions[-1] > 12, versions


def test_a_save_that_lands_while_a_model_is_read_gives_the_new_version(tmp_path, monkeypatch):
    """The rules panel reads models in a thread while the Models dock may save one: the description read
    named arrays that the save then removed. The reader reads the new version instead of failing."""
    reg = ModelRegistry(tmp_path)
    reg.save(meta("zscore"), trained("zscore", 100.0))
    second = trained("zscore", 160.0)
    real = np.load
    saves = []

    def load_during_a_save(*args, **kwargs):
        if not saves:  # the first read of the arrays comes just after another writer's save
            saves.append(reg.save(meta("zscore"), second))
        return real(*args, **kwargs)

    monkeypatch.setattr(np, "load", load_during_a_save)
    model = reg.load("m")
    assert (
        saves and model.meta.version == 2 and scores_of(model.detectors) == pytest.approx(scores_of(second))
    )
