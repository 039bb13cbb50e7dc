"""The longest freeze of the GUI thread per user action, and the time to the first window.

    python bench/gui_stalls.py [--launches 5] [--runs 1] [--actions console,sample,...]

**First window.** The workbench is launched ``--launches`` times as a user launches it
(``gui.app.main`` in a new interpreter, a fresh settings file: the first run, embedded
sampler on), with ``SURICATE_DESKTOP_FIRST_PAINT=quit``: ``gui/app.py`` then writes the time
of the main window's first paint and the heavy modules already imported to stderr, and quits.
The wall time counts from just before the process is spawned; median and worst are printed,
and the median CPU time the process had used by then (on a loaded machine the wall time is
mostly waiting for a core; the CPU time is what the start-up costs).

**Actions.** In one workbench (fresh settings in a temporary folder, the embedded sampler
running, offscreen), a ``StallMonitor`` (gui/stall_monitor.py: a 10 ms timer on the GUI
thread noting the gaps between its ticks) is reset before each action, and the action runs
until it is done (the console's kernel answers, the sample's streams arrive, the graph is
drawn...), then the event loop goes on for ``SETTLE_S``; the first action, "warmup", is what
gui/app.py starts once the window has painted (gui/warmup.py imports the heavy modules in a
thread), and its row is the stall that import causes; the longest gap is that action's worst
stall (the goal: under 100 ms), "its GUI CPU" the GUI thread's own CPU time in that gap (on a
loaded machine the rest is waiting for a core), and "done" how long the user waited for the result.

Timings depend on the machine and on what else runs on it: compare runs made together.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_MS = 100.0
FIRST_WINDOW_GOAL_S = 2.0
SETTLE_S = 0.5
TIMEOUT_S = 120.0
#: ``--stacks``: print where the GUI thread was during each stall over 100 ms (to stderr).
STACKS = "--stacks" in sys.argv
ACTIONS = ("warmup", "console", "sample", "depgraph", "compute", "learn", "rule")
TITLES = {
    "warmup": "idle import of the rest (warm-up)",
    "console": "open the console (first time)",
    "sample": "open the bundled sample",
    "depgraph": "open the dependency graph",
    "compute": "compute the graph (sample)",
    "learn": "open Learn baseline",
    "rule": "open a new rule's dialog",
}
CHILD = "from suricate_desktop.gui.app import main; import sys; sys.exit(main([]))"


def first_window(runs: int) -> list[tuple[float, float, list[str]]]:
    """(seconds from spawn to the first paint, CPU seconds by then, heavy modules loaded by then) per launch."""
    out = []
    with tempfile.TemporaryDirectory() as home:
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            SURICATE_DESKTOP_FIRST_PAINT="quit",
            XDG_CONFIG_HOME=home,  # QSettings: a first run
        )
        for i in range(runs + 1):  # the first run warms the page and bytecode caches
            start = time.time()
            proc = subprocess.run(
                [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            line = next((ln for ln in proc.stderr.splitlines() if ln.startswith("first-paint ")), None)
            if line is None:
                raise RuntimeError(f"no first paint reported:\n{proc.stderr[-2000:]}")
            report = json.loads(line.split(" ", 1)[1])
            if i:
                out.append((report["time"] - start, report.get("cpu", 0.0), report["heavy"]))
    return out


def run_actions(names: list[str]) -> list[tuple[str, float, float, float]]:
    """(action, longest stall ms, seconds until done, GUI CPU ms in that stall) per action, in one workbench."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication

    from suricate_desktop.gui.app import make_app
    from suricate_desktop.gui.main_window import MainWindow
    from suricate_desktop.gui.stall_monitor import StallMonitor

    app = make_app()
    tmp = tempfile.TemporaryDirectory()
    settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.show()
    from suricate_desktop.runtime import tune_for_ingest

    tune_for_ingest()  # as gui/app.py does once the window shows
    monitor = StallMonitor(stacks=STACKS)
    monitor.start()
    wait(app, lambda: False, 2.0)  # the window settles, the sampler starts

    steps: dict[str, tuple[Callable[[], None], Callable[[], bool]]] = {}
    try:
        from suricate_desktop.gui import warmup

        # what gui/app.py does once the window has painted
        steps["warmup"] = (warmup.warm_all, lambda: all(warmup.is_warm(g) for g in warmup.GROUPS))
    except ImportError:  # a checkout from before the warm-up (to compare): nothing to do
        steps["warmup"] = (lambda: None, lambda: True)

    def console() -> None:
        window.console.show()

    steps["console"] = (console, lambda: window.console.ready)

    def sample() -> None:  # File > Open sample recording
        next(a for a in window.findChildren(QAction) if a.text() == "Open &sample recording").trigger()

    def sample_playing() -> bool:
        rec = recording_source(window)
        return rec is not None and bool(rec.store.streams())

    steps["sample"] = (sample, sample_playing)

    def depgraph() -> None:
        window.depgraph_action.trigger()

    steps["depgraph"] = (depgraph, lambda: window.depgraph_window is not None)

    def compute() -> None:
        graph = window.depgraph_window
        rec = recording_source(window)
        if graph is None or rec is None:
            raise RuntimeError("compute needs the depgraph and sample actions first")
        graph.choose(rec)
        graph.compute()

    def computed() -> bool:
        graph = window.depgraph_window
        return graph is not None and graph.result is not None and not graph.worker.running

    steps["compute"] = (compute, computed)

    def learn() -> None:
        window.models.learn_baseline()

    steps["learn"] = (learn, lambda: window.models.dialog.dialog.isVisible())

    def rule() -> None:
        window.rules_panel.new_rule()

    steps["rule"] = (rule, lambda: window.rules_panel.edit_dialog.isVisible())

    results = []
    for name in names:
        action, done = steps[name]
        monitor.reset(name)
        start = time.perf_counter()
        action()
        wait(app, done, TIMEOUT_S)
        took = time.perf_counter() - start
        wait(app, lambda: False, SETTLE_S)
        results.append((name, monitor.longest_ms, took, monitor.longest_cpu_ms))
        learn = getattr(window.models, "dialog", None)
        for dialog in (learn and learn.dialog, getattr(window.rules_panel, "edit_dialog", None)):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
    monitor.stop()
    if STACKS:
        for stall in monitor.stalls:
            print(
                f"{stall.label}: {stall.ms:.0f} ms ({stall.cpu_ms:.0f} ms CPU)",
                *stall.where,
                sep="\n    ",
                file=sys.stderr,
            )
    window.close()
    QApplication.processEvents()
    tmp.cleanup()
    return results


def recording_source(window):
    from suricate_desktop.gui.sources.recording import RecordingSource

    return next((s for s in window.registry if isinstance(s, RecordingSource)), None)


def wait(app, done: Callable[[], bool], timeout: float) -> None:
    from PySide6.QtCore import QEventLoop

    end = time.perf_counter() + timeout
    while not done() and time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.002)
    if not done() and timeout >= TIMEOUT_S:
        raise TimeoutError("the action did not finish in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--launches", type=int, default=5, help="launches timed to the first window (0: none)"
    )
    parser.add_argument("--runs", type=int, default=1, help="runs of the actions (each in a new process)")
    parser.add_argument("--actions", default=",".join(ACTIONS), help="comma-separated, in order")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stacks", action="store_true", help="where the GUI thread was in each stall")
    args = parser.parse_args()
    names = [n for n in args.actions.split(",") if n]
    if args.child:
        print(json.dumps(run_actions(names)))
        return 0
    if args.launches:
        launches = first_window(args.launches)
        times = [t for t, _, _ in launches]
        cpu = [c for _, c, _ in launches]
        print(
            f"first window: median {statistics.median(times):.2f} s, worst {max(times):.2f} s "
            f"over {len(times)} launches (goal < {FIRST_WINDOW_GOAL_S:g} s), CPU by then {statistics.median(cpu):.2f} s; "
            f"heavy modules loaded by then: {', '.join(sorted(set().union(*(h for _, _, h in launches)))) or 'none'}"
        )
    if not names:
        return 0
    runs: list[list[tuple[str, float, float, float]]] = []
    for _ in range(args.runs):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--actions", ",".join(names), *(["--stacks"] * STACKS)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        if STACKS:
            print(
                "\n".join(ln for ln in proc.stderr.splitlines() if "plugin does not" not in ln),
                file=sys.stderr,
            )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{'action':<34} {'longest stall':>14} {'its GUI CPU':>12} {'worst run':>10} {'done after':>11}")
    for i, name in enumerate(names):
        stalls = [run[i][1] for run in runs]
        cpu = [run[i][3] for run in runs]
        done = [run[i][2] for run in runs]
        flag = "" if max(stalls) < GOAL_MS else "  over 100 ms"
        print(
            f"{TITLES.get(name, name):<34} {statistics.median(stalls):>11.0f} ms {statistics.median(cpu):>9.0f} ms"
            f" {max(stalls):>7.0f} ms {statistics.median(done):>9.2f} s{flag}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
