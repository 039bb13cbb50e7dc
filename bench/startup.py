"""Benchmark how long each ``suricate`` command takes to start, in fresh interpreters.

    python bench/startup.py [--runs 11] [--command "lint resources/templates/process-exec/script.bt"] [--gui 5]

Runs each command ``--runs`` times as ``python -m suricate_desktop ARGS`` in a new interpreter
(``subprocess``, output discarded) and prints the median and the worst wall time per command; in the
same run it times the bare interpreter (``python -c pass``) as the baseline every command pays, and
prints each median's ratio to it. The goal (issue 18) is every command under 0.3 s: a command that
only parses its arguments or lints a file must not load pika, pyarrow, duckdb or numpy at start.

``--gui N`` also launches the workbench N times and times it to its main window's first paint
(bench/gui_stalls.py's measure; the goal there is 2 s).

The commands run from the repository's root with it first on ``PYTHONPATH``, so the checkout is what
is measured, not an installed copy. ``lint`` of the template's bpftrace script is timed twice: as is
(where bpftrace is installed and the user is root, the real compiler has the last word, which is
the compiler's time, not ours) and with ``--no-compiler``. Timings on a shared machine vary from
run to run; compare medians of one run, and the ratio across machines.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shlex
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOAL_S = 0.3
BT_SCRIPT = "resources/templates/process-exec/script.bt"
D_SCRIPT = "resources/templates/process-exec/script.d"
SUBCOMMANDS = (
    "agent",
    "record",
    "replay",
    "query",
    "graph",
    "import",
    "lint",
    "translate",
    "templates",
    "rules",
)
DEFAULT_COMMANDS = [
    "--help",
    f"lint {BT_SCRIPT}",
    f"lint --no-compiler {BT_SCRIPT}",
    "templates",
    f"translate {D_SCRIPT}",
    *(f"{name} --help" for name in SUBCOMMANDS),
]


def time_run(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of ``argv`` in a new process, in seconds; its output is discarded."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def measure(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    time_run(argv, env)  # one warm-up: the first run pays for cold page and bytecode caches
    return [time_run(argv, env) for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per command (default: %(default)s)")
    parser.add_argument(
        "--command",
        action="append",
        metavar="ARGS",
        help="arguments of one command to time (repeatable; default: --help, lint, templates, translate, "
        "and each sub-command's --help)",
    )
    parser.add_argument(
        "--gui",
        type=int,
        default=0,
        metavar="N",
        help="also launch the workbench N times, timed to its first window (bench/gui_stalls.py)",
    )
    args = parser.parse_args()
    commands = args.command or DEFAULT_COMMANDS
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )

    baseline = measure([sys.executable, "-c", "pass"], args.runs, env)
    base_median = statistics.median(baseline)
    print(f"{sys.executable} ({sys.version.split()[0]}), {args.runs} runs each, goal < {GOAL_S:g} s")
    print(f"{'command':<58} {'median':>8} {'max':>8} {'x bare':>7}")
    print(f"{'python -c pass (baseline)':<58} {base_median:8.3f} {max(baseline):8.3f} {1.0:7.1f}")
    slow = []
    for command in commands:
        times = measure([sys.executable, "-m", "suricate_desktop", *shlex.split(command)], args.runs, env)
        median = statistics.median(times)
        if median >= GOAL_S:
            slow.append(command)
        label = f"suricate {command}"
        label = label if len(label) <= 58 else label[:55] + "..."
        print(f"{label:<58} {median:8.3f} {max(times):8.3f} {median / base_median:7.1f}")
    if slow:
        print(f"over {GOAL_S:g} s (median): " + "; ".join(slow))
    if args.gui:
        # the workbench: spawn to the main window's first paint (bench/gui_stalls.py, which also times actions)
        sys.path.insert(0, str(ROOT / "bench"))
        from gui_stalls import FIRST_WINDOW_GOAL_S, first_window

        launches = first_window(args.gui)
        times = sorted(t for t, _, _ in launches)
        print(
            f"{'suricate-desktop (first window)':<58} {statistics.median(times):8.3f} {times[-1]:8.3f} "
            f"{statistics.median(times) / base_median:7.1f}   goal < {FIRST_WINDOW_GOAL_S:g} s"
        )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
