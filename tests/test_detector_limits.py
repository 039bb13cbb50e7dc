"""Every detector parameter has a range (``analytics.detectors.limits``): a value past it is refused when the
detector is made, by name and range; any value within it runs.

Before, ``kmeans`` with ``refit_every=0`` trained for ever, ``iforest`` with ``lags=1`` and ``calibrated``
with ``slots=-1`` failed deep inside with an ``IndexError``, ``contexts`` with ``margin=-0.5`` recursed
until it died, and ``sequence`` with ``record_bonus=-1`` scored below zero. The values here are generated
from each range, not picked."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from suricate_desktop.analytics.detectors import DETECTORS
from suricate_desktop.analytics.detectors.limits import LIMITS, Limit, check, parse_text

KINDS = sorted(DETECTORS)
#: The rules that tie two parameters together, which a value changed alone may break within its own range
TIED = (
    "must be at least min_train",
    "k must be at most min_train",
    "min_periods must be at most window",
    "lo must be below hi",
    "window must be a power of two",
    "warmups must each be at least twice the window",
)


def numeric(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(numeric(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def noise_with_a_spike(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    x = 50 + rng.normal(0, 2, n)
    x[n - 30] += 40
    return x, np.arange(n) * 60.0


def inside(limit: Limit, default, rng) -> list:
    """Values within ``limit``, of ``default``'s kind: its low edge, two drawn log-uniformly from the edge to a
    thousand times the default (or its high edge), and one near the default (half to twice it)."""
    lo = limit.lo if limit.lo is not None else -1000.0
    top = limit.hi if limit.hi is not None else max(abs(float(default)) * 1000, 10.0)
    top = min(top, max(abs(float(default)) * 1000, lo + 10.0))  # not a size that takes minutes to fill
    start = lo + (1e-3 if limit.above else 0.0) if lo >= 0 else lo
    drawn = [start]
    for _ in range(2):
        if lo >= 0:  # sizes, weights, half-lives: each order of magnitude alike
            low = max(start, 1.0 if isinstance(default, int) else 1e-3)
            drawn.append(math.exp(rng.uniform(math.log(low), math.log(max(top, low)))))
        else:
            drawn.append(rng.uniform(start, top))
    near = float(default) * rng.uniform(0.5, 2.0)
    drawn.append(near if limit.holds(near) else float(default))
    if isinstance(default, int):
        drawn = [max(math.ceil(lo + (1 if limit.above else 0)), min(round(v), int(top))) for v in drawn]
    return drawn


def outside(limit: Limit, default) -> list:
    """Values past ``limit``: under its low edge (at it, for a bound it must be above), over its high edge,
    and numbers that are no value at all."""
    out: list = [math.nan, math.inf, -math.inf]
    if limit.lo is not None:
        out.append(limit.lo if limit.above else limit.lo - (1 if isinstance(default, int) else 1e-6))
        out.append(limit.lo - 1000)
    if limit.hi is not None:
        out.append(limit.hi + 1)
    if isinstance(default, int):
        out = [v if not math.isfinite(v) else int(v) for v in out]
    return out


def test_every_number_a_detector_takes_has_a_range():
    for kind in KINDS:
        names = {k for k, v in DETECTORS[kind].defaults.items() if numeric(v) or v is None}
        assert names <= set(LIMITS.get(kind, {})), (kind, names - set(LIMITS.get(kind, {})))
        assert set(LIMITS.get(kind, {})) <= set(DETECTORS[kind].defaults), kind  # no range of a name it lacks
        check(kind, dict(DETECTORS[kind].defaults))  # and its defaults lie within them


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "estimator"])
def test_a_value_past_its_range_is_refused_by_name_and_range(kind):
    for name, limit in LIMITS[kind].items():
        default = DETECTORS[kind].defaults[name]
        if default is None:
            default = 0.0
        listed = isinstance(default, (list, tuple))
        one = default[0] if listed else default
        for value in outside(limit, one):
            given = [value] if listed else value
            with pytest.raises(ValueError) as caught:
                DETECTORS[kind](**{name: given})
            # a number of its kind past the range is told the range; a NaN where a whole number goes, its kind
            whole = isinstance(one, int) and not isinstance(value, int)
            said = ("a list of whole numbers" if listed else "a whole number") if whole else limit.text()
            assert str(caught.value).startswith(f"{kind}: {name} must be {said} (not "), str(caught.value)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "estimator"])
def test_any_value_within_its_range_runs_and_scores_on_the_detectors_scale(kind):
    """Each parameter changed alone to values drawn from its range: the detector is made, scores a short
    series with warnings as errors, and every score is a finite number of at least 0."""
    rng = np.random.default_rng(sum(map(ord, kind)))
    x, t = noise_with_a_spike()
    for name, limit in LIMITS[kind].items():
        default = DETECTORS[kind].defaults[name]
        if default is None:  # ``resonance``'s lo and hi: a range known in advance, given together
            continue
        one = default[0] if isinstance(default, (list, tuple)) else default
        ran = 0
        for value in inside(limit, one, rng):
            given = [value] if isinstance(default, (list, tuple)) else value
            try:
                det = DETECTORS[kind](**{name: given})
            except ValueError as exc:
                assert any(rule in str(exc) for rule in TIED), (name, given, exc)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                scores = det.score(x, t)
            assert np.isfinite(scores).all() and (scores >= 0).all(), (name, given, scores.min())
            ran += 1
        assert ran, name  # not every value of a parameter refused by a rule that ties it to another


def test_resonance_takes_a_known_range_only_low_below_high():
    x, t = noise_with_a_spike()
    assert np.isfinite(DETECTORS["resonance"](lo=0.0, hi=100.0).score(x, t)).all()
    for lo, hi in ((10.0, 0.0), (5.0, 5.0)):
        with pytest.raises(ValueError, match="resonance: lo must be below hi"):
            DETECTORS["resonance"](lo=lo, hi=hi)
    with pytest.raises(ValueError, match="resonance: hi must be a finite number"):
        DETECTORS["resonance"](hi=math.inf)


def test_typed_text_reads_as_its_parameters_kind_or_is_refused_with_a_value_error():
    """One reader of typed parameters (``limits.parse_text``) for ``suricate detect --param``, the Learn
    dialog's fields and the parameters it remembers. Before there were two that disagreed: ``warm=yes`` was
    true on the command line and false in the dialog's memory; ``warmups=150;300`` read in the dialog and
    was refused on the command line. Generated text either reads as a value of the parameter's kind or is
    refused with a ``ValueError`` (what every caller catches), never another error."""
    from suricate_desktop.gui.models.detector_params import param_text

    rng = np.random.default_rng(5)
    alphabet = [*"0123456789 .,;-+eE_xnaifINFtrueyso\t", "١", "∞", "½"]
    read = refused = 0
    for kind in KINDS:
        for name, default in DETECTORS[kind].defaults.items():
            back = parse_text(default, param_text(default))  # what the dialog remembers, read back
            assert back == (list(default) if isinstance(default, tuple) else default), (kind, name)
            for _ in range(60):
                text = "".join(rng.choice(alphabet, rng.integers(0, 9)))
                try:
                    value = parse_text(default, text)
                except ValueError:
                    refused += 1
                    continue
                read += 1
                if isinstance(default, bool):
                    assert isinstance(value, bool), (kind, name, text)
                elif isinstance(default, (list, tuple)):
                    assert value and all(isinstance(v, int) and v > 0 for v in value), (kind, name, text)
                elif isinstance(default, int):
                    assert isinstance(value, int) and not isinstance(value, bool), (kind, name, text)
                else:
                    assert value is None or math.isfinite(value), (kind, name, text)
    assert read > 50 and refused > 50, (read, refused)
    for text, value in (("yes", True), ("False", False), ("1", True)):
        assert parse_text(False, text) is value
    assert parse_text((150, 300), "150;300") == parse_text((150, 300), " 150, 300 ") == [150, 300]
