"""Score the detectors on the held-out evaluation (and NAB), each at the threshold chosen on TUNE.

    nice python bench/heldout/evaluate.py [--detectors a,b] [--jobs 2] [--nab [CORPUS]] [--nab-files N]
    nice python bench/heldout/evaluate.py --tune-only [--param calibrated.persist=15]

``--tune-only`` scores TUNE alone (HELD-OUT is not even loaded): the figures to develop a
detector on, with where its score is lost (missed windows, late detections, false alarms) and
its recall per kind of anomaly, so that trying a change never means looking at HELD-OUT; and,
from 1,000 resamplings of TUNE's series, the range of each figure and of each detector's
difference from the first one named (``--detectors shipped,variant``): whether a change is
larger than the luck of the series and of the threshold.

For every detector: its scores on every TUNE and HELD-OUT series (and NAB file), each file
streamed from an empty detector, point by point from the past only; per NAB profile, the
threshold that maximises the TUNE part's NAB score; then, at that threshold, fixed:

* the HELD-OUT part's NAB score (standard, reward_low_FP_rate, reward_low_FN_rate),
* its recall (windows with an alarm), false alarms per day (alarm rows outside every window,
  over the scored days), and detection delay (median, from the anomaly point to the window's
  first alarm, in points and seconds), at the standard profile's threshold,
* the same on NAB (parameters and thresholds from TUNE, none from NAB), beside NAB's usual
  figure (its threshold optimised on NAB itself: in-sample, for comparison only).

Scores are cached per (detector, parameters, the source of its module and of the detectors'
package it builds on, file) in the temporary directory, so a second run only scores what changed.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import inspect
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.heldout import corpus as heldout_corpus
from suricate_desktop.analytics import detectors as detectors_package
from suricate_desktop.analytics import nab
from suricate_desktop.analytics.detectors import DETECTORS

CACHE = Path(tempfile.gettempdir()) / "suricate-heldout-cache"
#: where the product reads each detector's figures (``analytics.detector_figures``)
FIGURES = Path(__file__).resolve().parents[2] / "suricate_desktop" / "analytics" / "detector_figures.json"
BUILTIN = [
    "calibrated",
    "ensemble",
    "suricate",
    "sequence",
    "contexts",
    "resonance",
    "ewma",
    "seasonal",
    "zscore",
    "kmeans",
    "iforest",
]
PROFILES = tuple(nab.PROFILES)


@functools.cache
def _sources() -> str:
    """Every detector's module and the detectors' package: a detector may build on another's parts
    (``sequence`` holds an ``ensemble``, a ``contexts`` model and a ``resonance`` one; ``ensemble`` an
    EWMA), and a change to any of them must not leave stale scores in the cache."""
    files = {Path(inspect.getfile(sys.modules[c.__module__])) for c in DETECTORS.values()}
    files |= set(Path(inspect.getfile(detectors_package)).parent.glob("*.py"))
    return "".join(f.read_text() for f in sorted(files))


def _key(kind: str, params: dict, name: str, n: int) -> str:
    src = _sources()
    h = hashlib.sha1(f"{kind}|{json.dumps(params, sort_keys=True)}|{src}|{name}|{n}".encode()).hexdigest()[
        :20
    ]
    return f"{kind}-{h}.npy"


def _run(task):
    kind, params, name, times, values, use_cache = task
    path = CACHE / _key(kind, params, name, len(values))
    if use_cache and path.exists():
        data = np.load(path)
        return kind, name, data[:-1], float(data[-1])
    t0 = time.process_time()
    scores = nab.score_series(kind, values, times, params)
    secs = time.process_time() - t0
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, np.concatenate([scores, [secs]]))
    return kind, name, scores, secs


def score_all(kinds, entries, params=None, jobs=2, use_cache=True):
    """{kind: [scores per entry]}, {kind: cpu seconds}."""
    params = params or {}
    tasks = [(k, params.get(k, {}), e.name, e.times, e.values, use_cache) for k in kinds for e in entries]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            done = list(pool.map(_run, tasks, chunksize=1))
    else:
        done = [_run(t) for t in tasks]
    by = {(k, n): (s, c) for k, n, s, c in done}
    scores = {k: [by[(k, e.name)][0] for e in entries] for k in kinds}
    secs = {k: sum(by[(k, e.name)][1] for e in entries) for k in kinds}
    return scores, secs


def events(entry, scores, threshold):
    """(windows found, windows, false alarm rows, scored days, delays in points, delays in seconds)."""
    lay = entry.layout
    p = lay.probation
    alarm = np.asarray(scores) >= threshold
    alarm[:p] = False
    found, delays, delays_s = 0, [], []
    windows = [(b, e) for b, e in lay.windows if max(b, p) <= e]
    for b, e in windows:
        hits = np.flatnonzero(alarm[b : e + 1])
        if len(hits):
            found += 1
            first = b + int(hits[0])
            inside = [a for a in entry.anomalies if b <= a <= e]
            if inside:
                delays.append(first - inside[0])
                delays_s.append(float(entry.times[first] - entry.times[inside[0]]))
    fa = int(np.sum(alarm & (lay.in_window < 0)))
    days = float(entry.times[-1] - entry.times[min(p, len(entry.times) - 1)]) / 86400.0
    return found, len(windows), fa, days, delays, delays_s, len(scores) - p


def figures(entries, scores, thresholds):
    """The NAB scores at fixed thresholds per profile, and recall / FA per day / delay at the standard one."""
    layouts = [e.layout for e in entries]
    out = {}
    for prof in PROFILES:
        res = nab.score_corpus(layouts, scores, profiles=(prof,), thresholds=np.array([thresholds[prof]]))
        out[prof] = res[prof]["score"]
    found = total = fa = points = 0
    days = 0.0
    d_pts: list[int] = []
    d_s: list[float] = []
    for e, s in zip(entries, scores, strict=True):
        f, w, a, dy, dp, ds, n = events(e, s, thresholds["standard"])
        found, total, fa, days, points = found + f, total + w, fa + a, days + dy, points + n
        d_pts += dp
        d_s += ds
    out["recall"] = found / max(total, 1)
    out["windows"] = total
    out["found"] = found
    out["fa_per_day"] = fa / max(days, 1e-9)
    out["fa_per_1000"] = 1000.0 * fa / max(points, 1)
    out["delay_points"] = float(np.median(d_pts)) if d_pts else float("nan")
    out["delay_seconds"] = float(np.median(d_s)) if d_s else float("nan")
    return out


def tune_thresholds(entries, scores):
    res = nab.score_corpus([e.layout for e in entries], scores)
    return {prof: res[prof]["threshold"] for prof in PROFILES}, {
        prof: res[prof]["score"] for prof in PROFILES
    }


def losses(entries, scores, threshold):
    """Points of the normalised standard score lost to missed windows, to late detections and to
    false alarms, at ``threshold``: (missed, late, false alarms); 100 minus their sum is the score
    (an alarm just after a window costs less than one far from it, as NAB weighs it)."""
    a_tp, a_fp, a_fn = nab.PROFILES["standard"]
    tp = fn = fp = 0.0
    k = 0
    for e, s in zip(entries, scores, strict=True):
        lay = e.layout
        p = lay.probation
        s = np.nan_to_num(np.asarray(s, dtype=np.float64), nan=-np.inf)
        out = np.flatnonzero(lay.in_window[p:] < 0) + p
        fp -= float(np.sum(a_fp * lay.fp_weight[out][s[out] >= threshold]))  # fp_weight <= 0 far out
        for b, en in lay.windows:
            b0 = max(b, p)
            if b0 > en:
                continue
            k += 1
            hits = np.flatnonzero(s[b0 : en + 1] >= threshold)
            if len(hits):
                tp += a_tp * lay.tp_weight[b0 + hits[0]]
            else:
                fn += 1
    norm = 100.0 / ((a_tp + a_fn) * max(k, 1))
    return norm * (a_tp + a_fn) * fn, norm * (a_tp * (k - fn) - tp), norm * fp


def recall_by_kind(entries, scores, threshold):
    """{kind: (windows with an alarm, windows)} at ``threshold`` (a trace's changes are ``injected``)."""
    out: dict[str, list[int]] = {}
    for e, s in zip(entries, scores, strict=True):
        alarm = np.asarray(s) >= threshold
        alarm[: e.layout.probation] = False
        for a, kind in zip(e.anomalies, e.kinds, strict=True):
            for b, en in e.layout.windows:
                if b <= a <= en:
                    row = out.setdefault(kind, [0, 0])
                    row[0] += int(alarm[b : en + 1].any())
                    row[1] += 1
                    break
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def bootstrap(entries, scores_by_kind, draws=1000, seed=0):
    """{kind: NAB standard scores of ``draws`` resamplings of the series (with replacement)}, each at
    that resampling's own optimal threshold, as TUNE's figures are: how much of a TUNE figure is the
    luck of which series and which threshold. The same resamplings for every kind, so differences
    between kinds are paired."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(entries), size=(draws, len(entries)))
    counts = np.stack([np.bincount(row, minlength=len(entries)) for row in picks])  # draws x files
    np_ = np.array([nab.null_perfect(e.layout, "standard") for e in entries])
    null, perfect = counts @ np_[:, 0], counts @ np_[:, 1]
    out = {}
    for kind, scores in scores_by_kind.items():
        thr = nab.candidate_thresholds(
            [s[e.layout.probation :] for e, s in zip(entries, scores, strict=True)], 600
        )
        raw = np.array(
            [nab.raw_scores(e.layout, s, thr, "standard") for e, s in zip(entries, scores, strict=True)]
        )
        best = (counts @ raw).max(axis=1)
        out[kind] = 100.0 * (best - null) / (perfect - null)
    return out


def tune_only(kinds, params, jobs, use_cache):
    """TUNE's figures only, at each detector's TUNE-optimal threshold."""
    tune = heldout_corpus.tune()
    scores, secs = score_all(kinds, tune, params, jobs, use_cache)
    npts = sum(len(e.values) for e in tune)
    print(f"TUNE only: {len(tune)} series, {sum(len(e.layout.windows) for e in tune)} windows")
    for k in kinds:
        thr, tune_score = tune_thresholds(tune, scores[k])
        print(
            f"\n{k} {params.get(k, {})}: standard {tune_score['standard']:.1f} at threshold "
            f"{thr['standard']:.3g} (low_FP {tune_score['reward_low_FP_rate']:.1f}, low_FN "
            f"{tune_score['reward_low_FN_rate']:.1f}); {1e6 * secs[k] / npts:.1f} us/pt"
        )
        parts = {
            "all": list(range(len(tune))),
            "synthetic": [i for i, e in enumerate(tune) if not e.name.startswith("trace_")],
            "traces": [i for i, e in enumerate(tune) if e.name.startswith("trace_")],
        }
        for name, idx in parts.items():
            es, ss = [tune[i] for i in idx], [scores[k][i] for i in idx]
            fig = figures(es, ss, thr)
            missed, late, false = losses(es, ss, thr["standard"])
            print(
                f"  {name:<9} standard {fig['standard']:5.1f}, recall {100 * fig['recall']:3.0f} %, "
                f"FA/1k {fig['fa_per_1000']:.2f}; lost: missed {missed:.1f}, late {late:.1f}, "
                f"false alarms {false:.1f}"
            )
        by_kind = recall_by_kind(tune, scores[k], thr["standard"])
        print("  recall by kind: " + ", ".join(f"{kind} {f}/{n}" for kind, (f, n) in by_kind.items()))
    boot = bootstrap(tune, scores)
    first = kinds[0]
    print(
        "\nTUNE resampled (1,000 draws of its series, each at its own best threshold): 90 % of draws within"
    )
    for k in kinds:
        lo, hi = np.percentile(boot[k], [5, 95])
        line = f"  {k:<22} {lo:5.1f} .. {hi:5.1f}"
        if k != first:
            d = boot[k] - boot[first]
            dlo, dhi = np.percentile(d, [5, 95])
            line += f"; minus {first}: {dlo:+5.1f} .. {dhi:+5.1f}, above it in {100 * np.mean(d > 0):3.0f} % of draws"
        print(line)


def nab_entries(root, every=1):
    out = []
    for i, (name, ts, values, layout) in enumerate(nab.load_corpus(root)):
        if i % every:
            continue
        times = ts.astype("datetime64[s]").astype(np.float64)
        anomalies = [int((b + e) // 2) for b, e in layout.windows]
        out.append(heldout_corpus.Entry(name, times, values, anomalies, layout, ["nab"] * len(anomalies)))
    return out


def _row(kind, fig, extra=""):
    return (
        f"{kind:<11} {fig['standard']:8.1f} {fig['reward_low_FP_rate']:7.1f} {fig['reward_low_FN_rate']:7.1f} "
        f"{100 * fig['recall']:6.0f}% {fig['fa_per_day']:7.2f} {fig['delay_points']:7.0f} "
        f"{fig['delay_seconds'] / 60:8.1f} {fig['fa_per_1000']:6.2f}{extra}"
    )


HEADER = f"{'detector':<11} {'standard':>8} {'low_FP':>7} {'low_FN':>7} {'recall':>7} {'FA/day':>7} {'delay':>7} {'delay_min':>8} {'FA/1k':>6}"


def write_figures(path: Path, held, report: dict) -> None:
    """Each detector's HELD-OUT figures at its shipped threshold, into ``path`` (the package's
    detector_figures.json: the Learn dialog and ``detect --list-detectors`` show them), merged with the detectors
    already there that this run did not score."""
    doc = json.loads(path.read_text()) if path.exists() else {}
    rows = dict(doc.get("detectors", {}))
    for kind, r in report.items():
        fig = r["heldout_shipped"]
        rows[kind] = {
            "threshold": DETECTORS[kind].threshold,
            "standard": round(fig["standard"], 1),
            "recall": round(fig["recall"], 3),
            "fa_per_1000": round(fig["fa_per_1000"], 2),
            "us_per_point": round(r["us_per_point"], 1),
        }
    windows = sum(len(e.layout.windows) for e in held)
    doc = {
        "format": "suricate-detector-figures/1",
        "corpus": f"HELD-OUT of bench/heldout ({len(held)} series, {windows} windows)",
        "measured": time.strftime("%Y-%m-%d"),
        "detectors": dict(sorted(rows.items())),
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"\nfigures for the product: {path}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detectors", default=",".join(BUILTIN))
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument(
        "--nab",
        nargs="?",
        const=os.environ.get("NAB_CORPUS", str(Path(__file__).resolve().parents[3] / "shared" / "nab")),
    )
    ap.add_argument("--nab-every", type=int, default=1, help="score every Nth NAB file only (quick looks)")
    ap.add_argument("--param", action="append", default=[], help="kind.name=value, a detector parameter")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--json", help="write the figures here too")
    ap.add_argument(
        "--figures",
        nargs="?",
        const=str(FIGURES),
        help="write each detector's HELD-OUT figures at its shipped threshold where the product shows them "
        "(default: the package's detector_figures.json)",
    )
    ap.add_argument("--tune-only", action="store_true", help="score and report TUNE alone")
    args = ap.parse_args(argv)
    kinds = [k for k in args.detectors.split(",") if k]
    params: dict[str, dict] = {}
    for text in args.param:
        left, value = text.split("=", 1)
        kind, name = left.split(".", 1)
        default = DETECTORS[kind].defaults[name]
        params.setdefault(kind, {})[name] = (
            type(default)(float(value)) if not isinstance(default, bool) else value == "True"
        )
    use_cache = not args.no_cache
    if args.tune_only:
        tune_only(kinds, params, args.jobs, use_cache)
        return
    tune, held = heldout_corpus.tune(), heldout_corpus.heldout()
    t_scores, t_secs = score_all(kinds, tune, params, args.jobs, use_cache)
    h_scores, h_secs = score_all(kinds, held, params, args.jobs, use_cache)
    npts = sum(len(e.values) for e in held) + sum(len(e.values) for e in tune)
    print(
        f"TUNE: {len(tune)} series, {sum(len(e.layout.windows) for e in tune)} windows; "
        f"HELD-OUT: {len(held)} series, {sum(len(e.layout.windows) for e in held)} windows"
    )
    report: dict = {}
    print("\nHELD-OUT, each detector at the thresholds chosen on TUNE (delay: median points / minutes):")
    print(HEADER + f" {'us/pt':>7} {'thr(std)':>9} {'TUNE std':>8}")
    chosen = {}
    for k in kinds:
        thr, tune_score = tune_thresholds(tune, t_scores[k])
        chosen[k] = thr
        fig = figures(held, h_scores[k], thr)
        us = 1e6 * (t_secs[k] + h_secs[k]) / npts
        report[k] = {"heldout": fig, "thresholds": thr, "tune": tune_score, "us_per_point": us}
        print(_row(k, fig, f" {us:7.1f} {thr['standard']:9.3g} {tune_score['standard']:8.1f}"))
        sys.stdout.flush()
    groups = {
        "synthetic": [i for i, e in enumerate(held) if not e.name.startswith("trace_")],
        "traces": [i for i, e in enumerate(held) if e.name.startswith("trace_")],
    }
    for group, idx in groups.items():
        if not idx or len(idx) == len(held):
            continue
        print(f"\nHELD-OUT, {group} only ({len(idx)} series), at the same thresholds:")
        print(HEADER)
        for k in kinds:
            fig = figures([held[i] for i in idx], [h_scores[k][i] for i in idx], chosen[k])
            report[k][f"heldout_{group}"] = fig
            print(_row(k, fig))
    print("\nHELD-OUT at each detector's shipped default threshold (all profiles at it):")
    print(HEADER)
    for k in kinds:
        t0 = DETECTORS[k].threshold
        fig = figures(held, h_scores[k], dict.fromkeys(PROFILES, t0))
        report[k]["heldout_shipped"] = fig
        print(_row(k, fig, f"  (threshold {t0:g})"))
    if args.figures:
        write_figures(Path(args.figures), held, report)
    if args.nab:
        entries = nab_entries(args.nab, args.nab_every)
        n_scores, n_secs = score_all(kinds, entries, params, args.jobs, use_cache)
        print(f"\nNAB ({len(entries)} files), thresholds chosen on TUNE; then NAB's own (optimised on NAB):")
        print(HEADER + f" {'us/pt':>7} | {'NAB-opt std':>11} {'low_FP':>7} {'low_FN':>7}")
        npts = sum(len(e.values) for e in entries)
        for k in kinds:
            fig = figures(entries, n_scores[k], chosen[k])
            opt = nab.score_corpus([e.layout for e in entries], n_scores[k])
            report[k]["nab"] = fig
            report[k]["nab_optimised"] = {p: opt[p]["score"] for p in PROFILES}
            print(
                _row(
                    k,
                    fig,
                    f" {1e6 * n_secs[k] / npts:7.1f} | {opt['standard']['score']:11.1f} "
                    f"{opt['reward_low_FP_rate']['score']:7.1f} {opt['reward_low_FN_rate']['score']:7.1f}",
                )
            )
            sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=float))


if __name__ == "__main__":
    main()
