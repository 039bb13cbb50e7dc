"""Check our NAB scorer (suricate_desktop/analytics/nab.py) against NAB's own published figures.

    python bench/nab_check.py [CORPUS]

A scorer bug would make every figure of bench/nab.py meaningless, so this compares it with
what NAB itself published, on the real corpus:

1. the null detector scores 0 and the perfect one (an alarm at each window's first scored
   row) 100 on all three profiles;
2. per file, against NAB's published results of its windowed Gaussian detector at threshold
   1.0 (bench/data/nab_windowedGaussian_standard.csv): we rebuild that detector (a Gaussian
   over the last 6,400 values, moved in steps of 100; score = 1 - the two-sided tail) and,
   on every file where our alarm rows are NAB's (same counts in and out of windows), the
   raw score must be NAB's to 1e-6: windows, probation, the sigmoid, first detection only
   and the FP weighting all enter it. Files where the detectors' alarms differ (floating
   point at the saturation 1.0, NAB's results are from an older version of that detector)
   are listed, not compared;
3. normalisation: NAB's published raw scores of ARTime (config/thresholds.json: 57.66 standard,
   35.16 low-FP, 47.66 low-FN) must give its scoreboard figures 74.9 / 65.1 / 80.4 with our
   null and perfect scores;
4. the random detector as NAB runs it (Python's ``random`` seeded with 42 for each file), with
   our exact threshold sweep (as NAB's sweeper) and with NAB 1.0's hill-climbing optimiser
   ("twiddle"), for comparison with the scoreboard's Random (11.0 / 1.2 / 19.5);
5. the whole pipeline on NAB's leader: our ``resonance`` detector (ARTime's method), given what
   NAB's harness gave ARTime (each file's minimum and maximum, and its probationary period as
   the warm-up), must reproduce ARTime's published raw scores on all three profiles to 1e-6:
   every threshold, window and weight of the scorer, and every step of the method, enter it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suricate_desktop.analytics import nab
from suricate_desktop.analytics.resonance import ResonanceDetector

#: NAB v1.1 in the project's shared material beside the checkout (../shared/nab); NAB_CORPUS or the
#: argument names another.
DEFAULT_CORPUS = os.environ.get(
    "NAB_CORPUS", str(Path(__file__).resolve().parents[1].parent / "shared" / "nab")
)
PUBLISHED = Path(__file__).with_name("data") / "nab_windowedGaussian_standard.csv"
ARTIME_RAW = {
    "standard": 57.66075157860638,
    "reward_low_FP_rate": 35.1572804170157,
    "reward_low_FN_rate": 47.66075157860638,
}
ARTIME_PUBLISHED = {"standard": 74.9, "reward_low_FP_rate": 65.1, "reward_low_FN_rate": 80.4}


def windowed_gaussian(values: np.ndarray, size: int = 6400, step: int = 100) -> np.ndarray:
    """NAB's windowed Gaussian: 1 - the two-sided Gaussian tail of each value given the window before it."""
    out = np.zeros(len(values))
    window: list[float] = []
    pending: list[float] = []
    mean, std = 0.0, 1.0
    for i, x in enumerate(values.tolist()):
        if window:
            z = abs(x - mean) / std
            out[i] = 1.0 - 0.5 * math.erfc(z / math.sqrt(2.0))
        if len(window) < size:
            window.append(x)
            mean, std = float(np.mean(window)), float(np.std(window)) or 1e-6
        else:
            pending.append(x)
            if len(pending) == step:
                window = window[step:] + pending
                pending = []
                mean, std = float(np.mean(window)), float(np.std(window)) or 1e-6
    return out


def nab_random(n: int, seed: int = 42) -> np.ndarray:
    rng = random.Random(seed)
    return np.array([rng.uniform(0, 1) for _ in range(n)])


def twiddle(objective, x=0.5, tolerance=1e-7):
    """NAB 1.0's threshold optimiser: hill climbing from 0.5, thresholds kept in [0, 1]."""
    seen = {x: objective(x)}
    best, delta = seen[x], 0.1
    while delta > tolerance:
        x += delta
        seen.setdefault(x, objective(x))
        if seen[x] > best:
            best, delta = seen[x], delta * 2
            continue
        x -= 2 * delta
        seen.setdefault(x, objective(x))
        if seen[x] > best:
            best, delta = seen[x], delta * 2
        else:
            x += delta
            delta *= 0.5
    return max(seen, key=seen.get)


def read_published(path=PUBLISHED) -> dict[str, tuple[float, int, int]]:
    import pandas as pd

    df = pd.read_csv(path, comment="#")
    return {r.File: (float(r.Score), int(r.TP), int(r.FP)) for r in df.itertuples()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    corpus = nab.load_corpus(args.corpus)
    layouts = [layout for *_, layout in corpus]
    failures = 0

    # 1. null and perfect
    perfect = []
    for layout in layouts:
        s = np.zeros(layout.n)
        for b, _e in layout.windows:
            s[max(b, layout.probation)] = 1.0
        perfect.append(s)
    null_res = nab.score_corpus(layouts, [np.zeros(layout.n) for layout in layouts])
    perfect_res = nab.score_corpus(layouts, perfect)
    print(
        "1. null / perfect:",
        {p: (round(null_res[p]["score"], 6), round(perfect_res[p]["score"], 6)) for p in nab.PROFILES},
    )
    failures += any(
        abs(null_res[p]["score"]) > 1e-9 or abs(perfect_res[p]["score"] - 100) > 1e-9 for p in nab.PROFILES
    )

    # 2. per file against NAB's published windowed Gaussian results
    published = read_published()
    same, differ, worst = 0, [], 0.0
    for name, _ts, values, layout in corpus:
        s = windowed_gaussian(values)
        alarm = s >= 1.0
        alarm[: layout.probation] = False
        tp = int((alarm & (layout.in_window >= 0)).sum())
        fp = int((alarm & (layout.in_window < 0)).sum())
        raw = float(nab.raw_scores(layout, s, np.array([1.0]), "standard")[0])
        score, p_tp, p_fp = published[name]
        if (tp, fp) == (p_tp, p_fp):
            same += 1
            worst = max(worst, abs(raw - score))
        else:
            differ.append(f"{name} (ours {tp} in / {fp} out, NAB {p_tp} / {p_fp})")
    print(
        f"2. windowed Gaussian at 1.0: {same} files with NAB's alarm rows, raw score within {worst:.1e} of NAB's; "
        f"{len(differ)} files where the detectors' alarms differ (not compared)"
    )
    for line in differ:
        print("     ", line)
    failures += worst > 1e-6 or same < 30

    # 3. normalisation
    ok = True
    for p in nab.PROFILES:
        null, perf = null_res[p]["null"], null_res[p]["perfect"]
        ours = 100 * (ARTIME_RAW[p] - null) / (perf - null)
        ok &= abs(ours - ARTIME_PUBLISHED[p]) < 0.06
        print(
            f"3. ARTime {p}: raw {ARTIME_RAW[p]:.2f}, null {null:.0f}, perfect {perf:.0f} -> {ours:.2f} "
            f"(published {ARTIME_PUBLISHED[p]})"
        )
    failures += not ok

    # 4. random
    scores = [nab_random(layout.n) for layout in layouts]
    sweep = nab.score_corpus(layouts, scores)
    line = []
    for p in nab.PROFILES:
        null, perf = sweep[p]["null"], sweep[p]["perfect"]

        def objective(t, p=p):
            if not 0 <= t <= 1:
                return -np.inf
            return sum(
                float(nab.raw_scores(lay, s, np.array([t]), p)[0])
                for lay, s in zip(layouts, scores, strict=False)
            )

        t = twiddle(objective)
        line.append(
            f"{p} {sweep[p]['score']:.1f} (twiddle {100 * (objective(t) - null) / (perf - null):.1f})"
        )
    print("4. random (seed 42 per file), exact sweep:", "; ".join(line), "-- scoreboard 11.0 / 1.2 / 19.5")
    # 5. ARTime itself, given what NAB's harness gives it
    scores = [
        ResonanceDetector(warmups=[layout.probation], lo=float(values.min()), hi=float(values.max())).score(
            values
        )
        for (_n, _t, values, layout) in corpus
    ]
    art = nab.score_corpus(layouts, scores)
    worst = max(abs(art[p]["raw"] - ARTIME_RAW[p]) for p in nab.PROFILES)
    print(
        "5. resonance given each file's range and probation, as NAB ran ARTime:",
        "; ".join(f"{p} raw {art[p]['raw']:.6f} -> {art[p]['score']:.2f}" for p in nab.PROFILES),
        f"-- ARTime's published raw scores within {worst:.1e}",
    )
    failures += worst > 1e-6

    print("scorer checks:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
