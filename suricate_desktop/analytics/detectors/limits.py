"""Where each detector's parameters may lie, checked when a detector is made (``Detector.__init__``).

Why a table: a parameter out of its range did not fail where it was given. ``kmeans`` with
``refit_every=0`` looped for ever in training, ``iforest`` with ``lags=1`` or ``calibrated`` with
``slots=-1`` failed deep inside with an ``IndexError``, ``sequence`` with ``record_bonus=-1`` scored below
zero, and ``ewma`` with ``halflife=-1`` scored on in silence. Every command and dialog that makes a
detector (``suricate detect --param``, the Learn dialog, a saved model loaded, the console) now meets
one ``ValueError`` that names the parameter and its range. The upper bounds on sizes (slots, levels,
windows) are far past any use, and keep an arena of 10^10 bins from being allocated at all.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limit:
    """``lo <= value <= hi`` (``lo < value`` when ``above``); None: no bound on that side. A list value (a
    detector's warm-ups) is checked item by item."""

    lo: float | None = None
    hi: float | None = None
    above: bool = False

    def holds(self, value: Any) -> bool:
        if isinstance(value, (list, tuple)):
            return bool(value) and all(self.holds(v) for v in value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True  # a switch or a kind of its own: its type is the caller's to check
        if not math.isfinite(value):
            return False
        if self.lo is not None and (value <= self.lo if self.above else value < self.lo):
            return False
        return self.hi is None or value <= self.hi

    def text(self) -> str:
        lo = None if self.lo is None else f"{'above' if self.above else 'at least'} {_number(self.lo)}"
        hi = None if self.hi is None else f"at most {_number(self.hi)}"
        return " and ".join(part for part in (lo, hi) if part) or "a finite number"


def _number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


POSITIVE = Limit(0, above=True)
COUNT = Limit(0)  # points, or a weight that may be 0
AT_LEAST_1 = Limit(1)
SHARE = Limit(0, 1, above=True)  # a smoothing factor, a quantile
SLOTS = Limit(1, 100_000)
SIZE = Limit(1, 10_000_000)  # points kept or trained on

_SEASON = {"period": POSITIVE, "slots": SLOTS, "min_seen": COUNT, "step": POSITIVE}
_WINDOW = {"train_size": SIZE, "refit_every": Limit(1, 10_000_000), "min_train": SIZE}
_SEED = {"seed": Limit(0, 2**32 - 1)}  # what scikit-learn takes as a random state
_ENSEMBLE = {
    "halflife": POSITIVE,
    "hold": COUNT,
    **_SEASON,
    "alpha": SHARE,
    "min_periods": COUNT,
    "warmup": COUNT,
    "change_weight": POSITIVE,
    "top_weight": COUNT,
    "top_warmup": COUNT,
}
_CONTEXTS = {
    "bits": Limit(1, 16),
    "max_left": AT_LEAST_1,
    "max_active": AT_LEAST_1,
    "max_contexts": Limit(1, 100_000_000),
    "margin": COUNT,
    "replay": Limit(0, 10_000_000),
    "rest": COUNT,
    "rest_level": COUNT,
}

#: kind -> parameter -> where it may lie; every number a detector takes has one (tests/test_detect.py)
LIMITS: dict[str, dict[str, Limit]] = {
    "zscore": {"window": Limit(2, 10_000_000), "min_periods": COUNT},
    "ewma": {"halflife": POSITIVE, "min_periods": COUNT},
    "seasonal": {**_SEASON, "alpha": SHARE},
    "iforest": {"lags": Limit(2, 1000), **_WINDOW, **_SEED, "n_estimators": Limit(1, 10_000)},
    "kmeans": {
        "lags": Limit(1, 1000),
        "smooth": Limit(1, 1000),
        "diff": Limit(0, 1000),
        "k": Limit(1, 1000),
        **_WINDOW,
        **_SEED,
    },
    "estimator": {"lags": Limit(1, 1000), **_WINDOW},
    "suricate": {
        "halflife": POSITIVE,
        "hold": COUNT,
        **_SEASON,
        "alpha": SHARE,
        "min_periods": COUNT,
    },
    "ensemble": _ENSEMBLE,
    "calibrated": {
        "level_halflife": POSITIVE,
        "slow_halflife": POSITIVE,
        "scale_halflife": POSITIVE,
        "spread_halflife": POSITIVE,
        "clip": POSITIVE,
        "persist": AT_LEAST_1,
        "period": POSITIVE,
        "slots": SLOTS,
        "step": POSITIVE,
        "season_alpha": SHARE,
        "memory": Limit(1, above=True),
        "tail_index": Limit(0, 50, above=True),  # a record counts at most 1e6 ** 50 rarer: no underflow
        "top_halflife": POSITIVE,
        "warmup": COUNT,
        "calibration": COUNT,
        "hold": COUNT,
        "quiet_level": COUNT,
    },
    "resonance": {
        "warmups": Limit(1, 10_000_000),
        "window": Limit(2, 256),
        "levels": Limit(2, 10_000),
        "chomp": Limit(0, 1, above=True),
        "initial_rho": SHARE,
        "margin": COUNT,
        "lo": Limit(),
        "hi": Limit(),
    },
    "contexts": _CONTEXTS,
    "sequence": {
        **_CONTEXTS,
        **_ENSEMBLE,
        "weight": POSITIVE,
        "quiet": COUNT,
        "quiet_level": COUNT,
        "level_window": SIZE,
        "level_quantile": SHARE,
        "level_weight": COUNT,
        "record_bonus": COUNT,
        "record_margin": COUNT,
        "record_warmup": COUNT,
        "shape_bonus": COUNT,
        "shape_window": AT_LEAST_1,
    },
}


def check(kind: str, params: dict[str, Any], defaults: dict[str, Any] | None = None) -> None:
    """``ValueError`` naming the first parameter of ``params`` not of its default's kind (in ``defaults``)
    or out of its range, and the range; and the rules that tie two parameters together."""
    for name, default in (defaults or {}).items():
        if name in params and not _of_kind(params[name], default):
            raise ValueError(f"{kind}: {name} must be {kind_text(default)} (not {params[name]!r})")
    for name, limit in LIMITS.get(kind, {}).items():
        value = params.get(name)
        if value is not None and not limit.holds(value):
            raise ValueError(f"{kind}: {name} must be {limit.text()} (not {value!r})")
    if kind == "resonance":
        _check_resonance(params)
    if kind == "zscore" and params["min_periods"] > params["window"]:
        raise ValueError(
            f"zscore: min_periods must be at most window ({params['window']!r}; not {params['min_periods']!r})"
        )
    if "train_size" in params and params["train_size"] < params["min_train"]:
        raise ValueError(
            f"{kind}: train_size must be at least min_train ({params['min_train']!r}; not {params['train_size']!r})"
        )
    if kind == "kmeans" and params["k"] > params["min_train"]:  # it first fits on min_train windows
        raise ValueError(
            f"kmeans: k must be at most min_train ({params['min_train']!r}; not {params['k']!r})"
        )


def _of_kind(value: Any, default: Any) -> bool:
    """Whether ``value`` can stand where ``default`` does: a switch for a switch, a whole number for one, any
    number for a real one (or for none: a value the detector otherwise learns), whole numbers for a list.
    A model file once carried ``period: "abc"``: it loaded, then failed at every score."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple)) and all(_whole(v) for v in value)
    if isinstance(default, int):
        return _whole(value)
    if isinstance(default, float) or default is None:
        return (value is None and default is None) or (
            isinstance(value, numbers.Real) and not isinstance(value, bool)
        )
    return isinstance(value, type(default))


def _whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def kind_text(default: Any, typed: bool = False) -> str:
    """What may stand where ``default`` does, in words: as a value (a model file's), or as ``typed`` text
    (``parse_text``'s)."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, (list, tuple)):
        return "whole numbers above 0 separated by commas" if typed else "a list of whole numbers"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    return "a number, or empty" if typed else "a number, or none"


_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")


def parse_text(default: Any, text: str) -> Any:
    """A parameter typed as text read as ``default``'s kind (``kind_text``): ``suricate detect --param``,
    a Learn dialog field, and the dialog's remembered parameters (``True``, ``150, 300``) all read it here.
    ``ValueError`` when the text is not of that kind; its range is checked with every other value's, when
    the detector is made (``check``)."""
    text = str(text).strip()
    if isinstance(default, bool):
        if text.lower() not in _TRUE + _FALSE:
            raise ValueError(text)
        return text.lower() in _TRUE
    if isinstance(default, (list, tuple)):
        values = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        if not values or min(values) <= 0:
            raise ValueError(text)
        return values
    if isinstance(default, int):
        return int(text)
    if default is None and not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _check_resonance(params: dict[str, Any]) -> None:
    """Its shapes go through a Haar transform (a window of a power of two points), and a warm-up must hold
    two windows of downsampled steps; a known range is a range."""
    window = int(params["window"])
    if window & (window - 1):
        raise ValueError(f"resonance: window must be a power of two: 2, 4, 8 ... 256 (not {window!r})")
    short = [w for w in params["warmups"] if w < 2 * window]
    if short:
        raise ValueError(
            f"resonance: warmups must each be at least twice the window ({2 * window}; not {short[0]!r})"
        )
    lo, hi = params.get("lo"), params.get("hi")
    if lo is not None and hi is not None and not lo < hi:
        raise ValueError(f"resonance: lo must be below hi (not {lo!r} and {hi!r})")
