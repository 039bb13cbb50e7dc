"""Rules evaluated per second: 1,000 rules over 10,000 series, through the same Engine the daemon runs.

10,000 series = ``--streams`` streams (hosts h000...) × ``--keys`` keys each, one
snapshot per stream per second of data time. Each instant every stream takes
one snapshot and the engine evaluates every rule that selects it. Scenarios:

* ``host``: each rule selects one host's streams and a key glob (``k1*``: 11 of
  the 100 keys): what a real rules file looks like;
* ``all``: each rule selects every stream and every key (1,000 rules × 10,000
  series at each instant): the worst case;
* a mix of condition types (70 % threshold, 20 % rate, 10 % score, each score
  rule with its own scorer options so none shares another's scores) or only thresholds.

Threshold and rate rules with the same selector and op are compared in one numpy
operation per stream; score rules are scored one by one.

Printed: instants per second, snapshots per second, rule evaluations per second
(a rule on one stream at one instant, vectorised over its series), and
rule × series evaluations per second. No assertion: figures only.

Usage: python bench/rules.py [--rules 1000] [--streams 100] [--keys 100] [--instants 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suricate_desktop.rules import Engine, parse_rule
from suricate_desktop.schema import Snapshot


def make_rules(n: int, streams: int, scenario: str, mix: bool) -> list:
    rules = []
    for i in range(n):
        doc = {"name": f"r{i:04d}", "threshold": 1e9, "for": 5}
        if scenario == "host":
            doc.update(host=f"h{i % streams:03d}", key=f"k{i % 10}*")
        if mix and i % 10 == 9:
            # distinct scorer options, so no two score rules on a stream share their scores (the engine
            # shares the scores of rules that score the same series the same way)
            doc.update(
                type="score",
                threshold=50.0,
                history=30,
                scorer_options={"window": 30, "min_scale": 1e-9 * (1 + i)},
            )
        elif mix and i % 10 >= 7:
            doc.update(type="rate")
        rules.append(parse_rule(doc))
    return rules


def feed(streams: int, keys: int, instants: int, t0: float = 1_764_280_800.0):
    rng = np.random.default_rng(0)
    names = [[f"k{k}"] for k in range(keys)]
    for t in range(instants):
        values = rng.poisson(100, size=(streams, keys)).tolist()
        yield [
            Snapshot(
                f"h{s:03d}",
                "syscalls",
                "num",
                "count",
                t0 + t,
                1.0,
                True,
                [[names[k], values[s][k]] for k in range(keys)],
                t + 1,
                "bench",
            )
            for s in range(streams)
        ]


def run(args, scenario: str, mix: bool) -> None:
    rules = make_rules(args.rules, args.streams, scenario, mix)
    engine = Engine(rules, capacity=120, dry_run=True)
    batches = list(feed(args.streams, args.keys, args.instants + args.warmup))
    for batch in batches[: args.warmup]:  # fills the history score rules need, builds the plans
        engine.ingest(batch)
    evals0, rule_evals0 = engine.evaluations, _rule_evals(engine)
    start = time.perf_counter()
    for batch in batches[args.warmup :]:
        engine.ingest(batch)
    seconds = time.perf_counter() - start
    series_evals = engine.evaluations - evals0
    rule_evals = _rule_evals(engine) - rule_evals0
    snapshots = args.instants * args.streams
    print(
        f"{scenario:4s} {'mixed' if mix else 'threshold':9s}  {args.rules} rules, {args.streams * args.keys} series: "
        f"{args.instants / seconds:8.2f} instants/s  {snapshots / seconds:9.0f} snapshots/s  "
        f"{rule_evals / seconds:11.0f} rule evaluations/s  {series_evals / seconds:13.0f} rule×series/s  "
        f"({seconds / args.instants * 1000:.1f} ms per instant)"
    )


def _rule_evals(engine: Engine) -> int:
    return engine.rule_evaluations


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rules", type=int, default=1000)
    p.add_argument("--streams", type=int, default=100)
    p.add_argument("--keys", type=int, default=100)
    p.add_argument("--instants", type=int, default=30)
    p.add_argument(
        "--warmup", type=int, default=31, help="instants before timing, for mixed rules (default 31)"
    )
    p.add_argument(
        "--all-instants", type=int, default=3, help="instants timed in the 'all' scenario (default 3)"
    )
    p.add_argument("--scenario", choices=("host", "all", "both"), default="both")
    args = p.parse_args()
    scenarios = ("host", "all") if args.scenario == "both" else (args.scenario,)
    for scenario in scenarios:
        for mix in (False, True):
            # score rules need history before they cost what they cost: warm up past it; thresholds need none
            warmup = args.warmup if mix else 2
            instants = args.instants if scenario == "host" else args.all_instants
            run(argparse.Namespace(**{**vars(args), "instants": instants, "warmup": warmup}), scenario, mix)


if __name__ == "__main__":
    main()
