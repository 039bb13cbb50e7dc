"""What one processing-script run costs: the sandbox child's start, the JSON round trip, the script.

Runs a trivial script (``frame.mean()`` of every stream) through ``sandbox.run_script`` over windows
of growing size and prints the median wall time of each, so the fixed cost of a run (a fresh
interpreter importing pandas) and the per-value cost of passing data as JSON can be read apart.

Usage: python bench/processing.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

SCRIPT = (
    "def process(frames, params):\n    return {n.replace('.', '_'): f.mean() for n, f in frames.items()}\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import numpy as np
    import pandas as pd

    from suricate_desktop.analytics.processing.sandbox import run_script

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "mean.py"
        script.write_text(SCRIPT)
        print(f"{'streams':>8} {'rows':>8} {'keys':>6} {'values':>10} {'median s':>9} {'status':>7}")
        for streams, rows, keys in ((0, 0, 0), (1, 60, 10), (10, 600, 10), (10, 3600, 50), (50, 3600, 50)):
            index = pd.to_datetime(time.time() - np.arange(rows)[::-1], unit="s", utc=True)
            frames = {
                f"h{i}.src.agg": pd.DataFrame(
                    np.random.rand(rows, keys), index=index, columns=[f"k{j}" for j in range(keys)]
                )
                for i in range(streams)
            }
            times, status = [], ""
            for _ in range(args.repeat):
                result = run_script(script, frames, timeout=120, memory=4 << 30)
                times.append(result.duration)
                status = result.status
            values = streams * rows * keys
            print(
                f"{streams:>8} {rows:>8} {keys:>6} {values:>10} {statistics.median(times):>9.2f} {status:>7}"
            )


if __name__ == "__main__":
    main()
