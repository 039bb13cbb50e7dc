"""Anomaly scorers: the protocol the rules use, and the built-in robust rolling z-score.

A ``Scorer`` turns a series into one score per point: ``score(times, values)``
returns an array shaped like ``values`` (1-D: one series; 2-D: rows are
instants, columns are series, each column scored on its own). A score is
"how unusual", larger = more unusual, NaN where the scorer cannot say yet.
The analytics models (a later issue) register their own scorers with
``register_scorer``; a rule names one with ``scorer = "..."``.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Scorer(Protocol):
    """``score(times, values) -> scores`` (same shape as ``values``).

    Optional: ``score_last(times, values)``, the last row's scores only (the
    engine uses it for ``score`` rules when a scorer has it); ``vectorized =
    False`` when ``score`` takes one series (1-D) at a time.
    """

    def score(self, times: np.ndarray, values: np.ndarray) -> np.ndarray: ...


class RollingZScore:
    """Robust rolling z-score: ``(x - median) / (1.4826 × MAD)`` of the ``window`` points before each point.

    The point itself is not part of its own reference window, so a spike does
    not hide itself. A flat reference (MAD 0) uses ``min_scale`` (absolute) or
    ``rel_scale`` × |median|, whichever is larger, so a step away from a
    constant series scores high without dividing by zero.
    """

    def __init__(self, window: int = 30, min_points: int = 5, min_scale: float = 1e-9, rel_scale: float = 0.01,
                 absolute: bool = True):
        if window < 2:
            raise ValueError("window must be at least 2")
        self.window = int(window)
        self.min_points = int(min_points)
        self.min_scale = float(min_scale)
        self.rel_scale = float(rel_scale)
        self.absolute = absolute

    def score(self, times: np.ndarray, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        one = values.ndim == 1
        v = values[:, None] if one else values
        n = v.shape[0]
        out = np.full(v.shape, np.nan)
        if n > 1:
            w = self.window
            # ref[i] = the (up to) w rows before row i, as a (n, w, cols) array padded with NaN
            padded = np.vstack([np.full((w, v.shape[1]), np.nan), v])
            idx = np.arange(n)[:, None] + np.arange(w)[None, :]
            ref = padded[idx]  # (n, w, cols)
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                count = np.sum(~np.isnan(ref), axis=1)
                med = np.nanmedian(ref, axis=1)
                mad = np.nanmedian(np.abs(ref - med[:, None, :]), axis=1) * 1.4826
                scale = np.maximum(mad, np.maximum(self.min_scale, self.rel_scale * np.abs(med)))
                z = (v - med) / scale
            z[count < self.min_points] = np.nan
            out = np.abs(z) if self.absolute else z
        return out[:, 0] if one else out

    def score_last(self, times: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The score of the last row only (what a ``score`` rule needs at each instant): same as
        ``score(times, values)[-1]``, without scoring the history."""
        values = np.asarray(values, dtype=np.float64)
        one = values.ndim == 1
        v = values[:, None] if one else values
        out = np.full(v.shape[1], np.nan)
        if v.shape[0] > 1:
            ref = v[-self.window - 1:-1]
            nan = np.isnan(ref)
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                if nan.any():
                    count = np.sum(~nan, axis=0)
                    med = np.nanmedian(ref, axis=0)
                    mad = np.nanmedian(np.abs(ref - med), axis=0) * 1.4826
                else:
                    count = np.full(v.shape[1], ref.shape[0])
                    med = np.median(ref, axis=0)
                    mad = np.median(np.abs(ref - med), axis=0) * 1.4826
                scale = np.maximum(mad, np.maximum(self.min_scale, self.rel_scale * np.abs(med)))
                z = (v[-1] - med) / scale
            z[count < self.min_points] = np.nan
            out = np.abs(z) if self.absolute else z
        return out[0] if one else out


_SCORERS: dict[str, Callable[..., Scorer]] = {"zscore": RollingZScore}


def register_scorer(name: str, factory: Callable[..., Scorer]) -> None:
    """Make a scorer available to rules as ``scorer = name``; ``factory(**scorer_options)`` builds one."""
    _SCORERS[name] = factory


def scorer_names() -> list[str]:
    return sorted(_SCORERS)


def make_scorer(name: str, options: dict[str, Any] | None = None) -> Scorer:
    try:
        factory = _SCORERS[name]
    except KeyError:
        raise KeyError(f"unknown scorer {name!r}; known: {', '.join(scorer_names())}") from None
    return factory(**(options or {}))
