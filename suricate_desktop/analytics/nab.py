"""NAB scoring, implemented from the Numenta Anomaly Benchmark's published procedure.

A corpus is laid out as NAB's: ``data/<category>/<file>.csv`` (``timestamp,value``) and
``labels/combined_windows.json`` (file -> list of [start, end] timestamps). A detector's
continuous scores are thresholded (one threshold per detector and profile for the whole
corpus, chosen to maximise the raw score); the raw score is normalised between the null
detector (no alarm: every window missed) and the perfect one (one alarm at the start of
every window): ``100 (raw - raw_null) / (raw_perfect - raw_null)``.

Per file, with ``p = min(floor(0.15 N), 750)`` probation rows (never scored):

* inside a window ``[b, e]`` of width ``W = e - b + 1`` rows, a detection at row ``i`` is
  worth ``A_TP s(y) / s(-1)`` with ``y = -(e - i + 1) / W`` and
  ``s(y) = 2 / (1 + exp(5 y)) - 1``; only the first detection of a window counts;
* a window with no detection costs ``-A_FN``;
* an alarm outside every window costs ``A_FP s(y)`` with ``y`` its distance in rows past the
  previous window's end over (that window's width - 1) (``s = -1`` past ``y > 3``), or
  ``-A_FP`` before any window.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .detectors.base import FloatArray

PROFILES = {
    "standard": (1.0, 0.11, 1.0),
    "reward_low_FP_rate": (1.0, 0.22, 1.0),
    "reward_low_FN_rate": (1.0, 0.11, 2.0),
}


def sigmoid(y: npt.ArrayLike) -> FloatArray:
    """NAB's scaled sigmoid: 2 / (1 + e^(5y)) - 1, and -1 for y > 3."""
    v = np.asarray(y, dtype=np.float64)
    out = 2.0 / (1.0 + np.exp(5.0 * np.minimum(v, 50.0))) - 1.0
    return np.where(v > 3.0, -1.0, out)


def probation(n: int, percent: float = 0.15, cap: int = 750) -> int:
    return min(math.floor(percent * n), cap)


@dataclass
class FileLayout:
    """What the scorer needs of one file: row weights and window limits (row indices, inclusive)."""

    n: int
    probation: int
    windows: list[tuple[int, int]]
    in_window: npt.NDArray[np.int64]  # window id per row, -1 outside
    tp_weight: FloatArray  # s(y)/s(-1) for rows inside a window
    fp_weight: FloatArray  # s(y) (<= 0, up to -1) for rows outside windows

    @classmethod
    def build(cls, n: int, windows: list[tuple[int, int]], probation_rows: int | None = None) -> FileLayout:
        p = probation(n) if probation_rows is None else probation_rows
        in_window = np.full(n, -1, dtype=np.int64)
        tp = np.zeros(n)
        fp = np.full(n, -1.0)
        s1 = float(sigmoid(-1.0))
        windows = sorted((int(b), int(e)) for b, e in windows)
        for k, (b, e) in enumerate(windows):
            width = e - b + 1
            idx = np.arange(b, e + 1)
            in_window[b : e + 1] = k
            tp[b : e + 1] = sigmoid(-(e - idx + 1) / width) / s1
            # rows after this window, up to the next window's start
            end = windows[k + 1][0] if k + 1 < len(windows) else n
            after = np.arange(e + 1, end)
            if len(after):
                fp[e + 1 : end] = sigmoid((after - e) / max(width - 1, 1))
        return cls(n, p, windows, in_window, tp, fp)


def windows_to_rows(
    timestamps: npt.NDArray[np.datetime64], windows: list[list[str]]
) -> list[tuple[int, int]]:
    """[start, end] timestamps (inclusive) -> (first row, last row) indices."""
    ts = np.asarray(timestamps, dtype="datetime64[ns]")
    out = []
    for start, end in windows:
        b = int(np.searchsorted(ts, np.datetime64(_iso(start), "ns"), side="left"))
        e = int(np.searchsorted(ts, np.datetime64(_iso(end), "ns"), side="right")) - 1
        if e >= b:
            out.append((b, e))
    return out


def _iso(text: str) -> str:
    return str(text).replace(" ", "T")


def raw_scores(layout: FileLayout, scores: FloatArray, thresholds: FloatArray, profile: str) -> FloatArray:
    """Raw NAB score of one file at every threshold (alarm where score >= threshold), vectorised."""
    a_tp, a_fp, a_fn = PROFILES[profile]
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=-np.inf)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    p = layout.probation
    total = np.zeros(len(thresholds))
    # false positives: every alarm row outside windows (after probation)
    out = np.flatnonzero(layout.in_window[p:] < 0) + p
    if len(out):
        s = scores[out]
        order = np.argsort(-s, kind="stable")
        s_sorted = s[order]
        cost = np.concatenate([[0.0], np.cumsum(a_fp * layout.fp_weight[out][order])])
        # number of rows with score >= t
        count = np.searchsorted(-s_sorted, -thresholds, side="right")
        total += cost[count]
    for b, e in layout.windows:
        b0 = max(b, p)
        if b0 > e:
            continue
        pm = np.maximum.accumulate(scores[b0 : e + 1])
        first = np.searchsorted(pm, thresholds, side="left")  # first row whose prefix max >= t
        hit = first < len(pm)
        value = np.where(hit, a_tp * layout.tp_weight[b0 + np.minimum(first, len(pm) - 1)], -a_fn)
        total += value
    return total


def null_perfect(layout: FileLayout, profile: str) -> tuple[float, float]:
    a_tp, _a_fp, a_fn = PROFILES[profile]
    k = len([w for w in layout.windows if max(w[0], layout.probation) <= w[1]])
    return -a_fn * k, a_tp * k


def candidate_thresholds(all_scores: list[FloatArray], limit: int | None = None) -> FloatArray:
    """Every distinct score (and +inf: no alarm at all), as NAB's sweep tries every one.

    The raw score only changes where the threshold passes a score, so this sweep finds the exact
    optimum. ``limit`` (for quick looks only) keeps the top ``limit // 2`` values whole and
    samples the rest.
    """
    values = np.concatenate([np.asarray(s, dtype=np.float64).ravel() for s in all_scores])
    values = values[np.isfinite(values)]
    uniq = np.unique(values)
    if limit is not None and len(uniq) > limit:
        top = uniq[-limit // 2 :]
        rest = np.quantile(uniq[: -limit // 2], np.linspace(0, 1, limit // 2))
        uniq = np.unique(np.concatenate([rest, top]))
    return np.concatenate([uniq, [np.inf]])


def score_corpus(
    layouts: list[FileLayout],
    scores: list[FloatArray],
    profiles: tuple[str, ...] = tuple(PROFILES),
    thresholds: FloatArray | None = None,
) -> dict[str, dict[str, float]]:
    """Normalised NAB score per profile, each with its own optimised threshold."""
    if thresholds is None:
        thresholds = candidate_thresholds(
            [s[layout.probation :] for layout, s in zip(layouts, scores, strict=True)]
        )
    out: dict[str, dict[str, float]] = {}
    for profile in profiles:
        raw = np.zeros(len(thresholds))
        null = perfect = 0.0
        for layout, s in zip(layouts, scores, strict=True):
            raw += raw_scores(layout, s, thresholds, profile)
            n0, p0 = null_perfect(layout, profile)
            null += n0
            perfect += p0
        best = int(np.argmax(raw))
        out[profile] = {
            "score": 100.0 * (raw[best] - null) / (perfect - null),
            "threshold": float(thresholds[best]),
            "raw": float(raw[best]),
            "null": null,
            "perfect": perfect,
        }
    return out


def score_series(
    kind: str, values: npt.ArrayLike, times: npt.ArrayLike, params: dict[str, Any] | None = None
) -> FloatArray:
    """One series scored by a fresh ``kind`` detector, point by point from the past only, as live.

    ``times`` are epoch seconds. What bench/nab.py runs on every file, and ``suricate detect``
    on what it reads, so that the two give the same numbers.
    """
    from .detectors import DETECTORS

    detector = DETECTORS[kind](**(params or {}))
    return detector.score(np.asarray(values, dtype=np.float64), np.asarray(times, dtype=np.float64))


def load_corpus(
    root: str | Path, windows_file: str = "labels/combined_windows.json"
) -> list[tuple[str, npt.NDArray[np.datetime64], FloatArray, FileLayout]]:
    """[(name, timestamps (datetime64), values, FileLayout)] for every labelled file of a NAB-layout corpus."""
    import pandas as pd

    root = Path(root)
    labels = json.loads((root / windows_file).read_text())
    out = []
    for name in sorted(labels):
        df = pd.read_csv(root / "data" / name)
        ts = pd.to_datetime(df["timestamp"]).to_numpy()
        values = df["value"].to_numpy(dtype=np.float64)
        layout = FileLayout.build(len(values), windows_to_rows(ts, labels[name]))
        out.append((name, ts, values, layout))
    return out
