"""How much of NAB's score do the held-out labels allow at all?

    python bench/heldout/ceiling.py

A labelled window whose change does not show in its series cannot be found by any detector. A
change is counted as showing (generously, with hindsight: this is a ceiling, not a detector) when
the part of its window from the change on differs from the 300 points before the window in
location, spread or distribution (Mann-Whitney on the values, on their distance from the earlier
median, Kolmogorov-Smirnov; p < 0.01), or has a value past the earlier range by more than one
robust standard deviation. An oracle that alarms at each such change's own row (or ``lag`` rows
later) and nowhere else scores the ceiling; alarming at every labelled change scores what NAB
gives a perfect causal detector (windows are centred on the change, so half of each is before it).

Nothing here reads a detector's scores: it describes the data and the labels, so it chooses
nothing and may be run on HELD-OUT.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's package

from bench.heldout import corpus
from suricate_desktop.analytics import nab

BEFORE = 300  # points before the window that the change is compared with
ALPHA = 0.01


def shows(entry: corpus.Entry, row: int, start: int, end: int) -> bool:
    """Whether the change at ``row`` (window ``start``..``end``) shows in the window, in hindsight."""
    before = entry.values[max(0, start - BEFORE) : start]
    after = entry.values[row : end + 1]
    if len(after) < 3 or len(before) < 20:
        return False
    med = np.median(before)
    p = min(
        stats.mannwhitneyu(before, after).pvalue,
        stats.mannwhitneyu(np.abs(before - med), np.abs(after - med)).pvalue,
        stats.ks_2samp(before, after).pvalue,
    )
    q1, q3 = np.percentile(before, [25, 75])
    sigma = max((q3 - q1) / 1.349, 1e-9)
    beyond = after.max() > before.max() + sigma or after.min() < before.min() - sigma
    return bool(p < ALPHA or beyond)


def changes(entries: list[corpus.Entry]) -> list[list[tuple[int, int, bool]]]:
    """Per entry, each scored change as (row, its window's last row, whether it shows)."""
    out = []
    for e in entries:
        found = []
        for row in e.anomalies:
            start, end = next((b, en) for b, en in e.layout.windows if b <= row <= en)
            if max(start, e.layout.probation) <= end:  # else inside the probation: not scored
                found.append((row, end, shows(e, row, start, end)))
        out.append(found)
    return out


def oracle(
    entries: list[corpus.Entry], found: list[list[tuple[int, int, bool]]], lag: int = 0, every: bool = False
) -> float:
    """NAB standard score of an oracle alarming ``lag`` rows after each change that shows (each change: ``every``)."""
    scores = []
    for e, marks in zip(entries, found, strict=True):
        s = np.zeros(len(e.values))
        for row, end, seen in marks:
            if seen or every:
                s[min(row + lag, end)] = 1.0
        scores.append(s)
    res = nab.score_corpus(
        [e.layout for e in entries], scores, profiles=("standard",), thresholds=np.array([0.5])
    )
    return float(res["standard"]["score"])


def main() -> None:
    for part, entries in (("TUNE", corpus.tune()), ("HELD-OUT", corpus.heldout())):
        found = changes(entries)
        synthetic = [i for i, e in enumerate(entries) if not e.name.startswith("trace_")]
        groups = {
            "synthetic": synthetic,
            "traces": [i for i in range(len(entries)) if i not in synthetic],
            "all": list(range(len(entries))),
        }
        for name, idx in groups.items():
            es, fs = [entries[i] for i in idx], [found[i] for i in idx]
            marks = [m for f in fs for m in f]
            line = [f"{part:<8} {name:<9}"]
            line += [f"lag {lag}: {oracle(es, fs, lag):5.1f}" for lag in (0, 5)]
            line.append(
                f"changes that show {sum(m[2] for m in marks)}/{len(marks)}; "
                f"every change at its row: {oracle(es, fs, every=True):5.1f}"
            )
            print("  ".join(line))


if __name__ == "__main__":
    main()
