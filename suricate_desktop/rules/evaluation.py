"""The engine's arithmetic: what a stream needs evaluated, what each rule measures, how it compares.

A ``Plan`` is what the rules of one stream need (their rows of each view, threshold and rate rules on the
same series grouped so one comparison serves them all, the columns each key pattern selects); ``measure``
is what a rule compares with its threshold (the value, a rate, a score, a share of anomalous points);
``compare``/``compare_many`` are the comparisons, vectorised over the series. None of it holds alert state:
that is the engine's (engine.py), which calls these for every snapshot.
"""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ..store.live import label_text
from .model import Rule
from .scoring import Scorer, score_columns

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Columns = npt.NDArray[np.intp]
#: What ``measure`` gives, one per column: what is compared with the threshold, the series value shown,
#: scores (None for threshold rules).
Measured = tuple[Floats, Floats, Floats | None]


class Group:
    """Threshold or rate rules of one stream that look at the same series the same way."""

    __slots__ = ("clears", "index", "key", "op", "rules", "thresholds", "type", "view")

    def __init__(self, view: str, type_: str, key: str, op: str, rules: list[Rule]):
        self.view, self.type, self.key, self.op, self.rules = view, type_, key, op, rules
        self.thresholds = np.array([r.threshold for r in rules], dtype=np.float64)[:, None]
        self.clears = np.array([r.clear_level for r in rules], dtype=np.float64)[:, None]
        self.index = {r.name: i for i, r in enumerate(rules)}


class Plan:
    """What a stream needs: its rules (grouped where they can be), how many rows of each view, columns per key
    pattern."""

    __slots__ = ("columns", "groups", "rows", "rules", "single")

    def __init__(self, rules: list[Rule], rows: dict[str, int]):
        self.rules = rules
        self.rows = rows
        #: key pattern -> (the number of labels it was computed for, the columns, their key texts)
        self.columns: dict[str, tuple[int, Columns, list[str]]] = {}
        groups: dict[tuple[str, str, str, str], list[Rule]] = {}
        self.single: list[Rule] = []
        for rule in rules:
            if rule.type in ("threshold", "rate"):
                groups.setdefault((rule.view, rule.type, rule.key, rule.op), []).append(rule)
            else:
                self.single.append(rule)
        self.groups = [Group(*k, v) for k, v in groups.items()]

    def select(self, pattern: str, labels: list[tuple[Any, ...]]) -> tuple[Columns, list[str]]:
        """The columns whose key text matches ``pattern``, and those texts (cached while the labels only grow)."""
        cached = self.columns.get(pattern)
        if cached is not None and cached[0] == len(labels):
            return cached[1], cached[2]
        found, keys = [], []
        for col, label in enumerate(labels):
            text = label_text(label)
            if pattern == "*" or fnmatchcase(text, pattern):
                found.append(col)
                keys.append(text)
        cols = np.array(found, dtype=np.intp)
        self.columns[pattern] = (len(labels), cols, keys)
        return cols, keys


def rows_needed(rules: list[Rule], interval: float, capacity: int) -> dict[str, int]:
    """Rows of each view the rules look at (``interval``: the stream's, for ``anomaly_rate`` windows)."""
    rows: dict[str, int] = {}
    for r in rules:
        if r.type == "threshold":
            need = 1
        elif r.type == "rate":
            need = 2
        elif r.type == "score":
            need = r.history + 1
        else:
            need = r.history + math.ceil(r.window / max(interval, 1e-3)) + 1
        rows[r.view] = min(max(rows.get(r.view, 0), need), capacity)
    return rows


def measure(
    rule: Rule,
    scorer: Scorer | None,
    times: Floats,
    values: Floats,
    now: float,
    stream: tuple[str, ...] = (),
    keys: list[str] | None = None,
) -> Measured:
    """(what is compared with the threshold, the series value shown, scores or None), one per column."""
    last = values[-1]
    if rule.type == "threshold":
        return last, last, None
    if rule.type == "rate":
        if len(times) < 2 or times[-1] <= times[-2]:
            nan = np.full(values.shape[1], np.nan)
            return nan, last, nan
        rate = (values[-1] - values[-2]) / (times[-1] - times[-2])
        return rate, last, rate
    if scorer is None:
        raise KeyError(rule.name)
    # A keyed scorer (a trained model) scores each series with what it learnt of that stream and key.
    where: dict[str, Any] = (
        {"stream": tuple(stream), "keys": list(keys or ())} if getattr(scorer, "keyed", False) else {}
    )
    if rule.type == "score":
        t, v = times[-(rule.history + 1) :], values[-(rule.history + 1) :]
        last_only = getattr(scorer, "score_last", None)
        if last_only is not None:
            s: Floats = np.asarray(last_only(t, v, **where), dtype=np.float64)
        else:
            s = score_columns(scorer, t, v, **where)[-1]
        return s, last, s
    # anomaly_rate: the share of the scored points of the last ``window`` seconds that pass score_threshold
    s = score_columns(scorer, times, values, **where)
    recent = times > now - rule.window
    s = s[recent]
    with np.errstate(invalid="ignore"):
        scored = np.sum(~np.isnan(s), axis=0)
        hits = np.sum(np.nan_to_num(s, nan=-np.inf) > rule.score_threshold, axis=0)
        rate = cast(Floats, np.where(scored > 0, hits / np.maximum(scored, 1), np.nan))
    return rate, last, (s[-1] if len(s) else np.full(values.shape[1], np.nan))


def compare(rule: Rule, x: Floats) -> tuple[Bools, Bools]:
    """(breach, clear) per column; NaN is neither."""
    x = np.asarray(x, dtype=np.float64)
    t, c = rule.threshold, rule.clear_level
    # comparisons with NaN are False (no warning): NaN is neither
    if rule.op == ">":
        return x > t, x <= c
    if rule.op == ">=":
        return x >= t, x < c
    if rule.op == "<":
        return x < t, x >= c
    return x <= t, x > c


def compare_many(op: str, x: Floats, thresholds: Floats, clears: Floats) -> tuple[Bools, Bools]:
    """(breach, clear), one row per rule (thresholds and clears are columns), one column per series."""
    x = np.asarray(x, dtype=np.float64)[None, :]
    if op == ">":
        return x > thresholds, x <= clears
    if op == ">=":
        return x >= thresholds, x < clears
    if op == "<":
        return x < thresholds, x >= clears
    return x <= thresholds, x > clears
