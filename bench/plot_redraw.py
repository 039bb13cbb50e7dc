"""What one plot redraw costs the GUI thread in CPU time: a time series of 8 keys and a heatmap, alone.

bench/gui.py measures the whole screen under ingestion, in wall-clock time: on a machine whose
other processes take the cores (a shared CI box, six sessions on two cores), its figures stretch
with the waiting. This measures the plots' own work the way the frame timer asks for it: one
``PlotPanel`` at the size of one of bench/gui.py's 35 plots (270 × 210 px), the same streams (the
top 8 of 160 keys, 0.1 s apart; a 16-bucket quantize of 100 keys), a 60 s window, a new snapshot
before each redraw, then ``refresh()`` (the Python work) and the event loop's paint, each timed with
``time.thread_time()`` (CPU of the GUI thread only). Medians of ``--redraws`` redraws.

Run it on two trees to compare them (the older code needs no change):

    python bench/plot_redraw.py                       # this tree
    PYTHONPATH=OTHER_TREE python OTHER_TREE/../bench/plot_redraw.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gui as screen  # bench/gui.py: the same streams
import numpy as np
from PySide6.QtWidgets import QApplication

from suricate_desktop.gui.plots import PlotPanel, RedrawBudget, TimeLink
from suricate_desktop.schema import decode
from suricate_desktop.store.live import LiveStore

SIZE = (270, 210)


def measure(app: QApplication, chart: str, redraws: int) -> tuple[float, float]:
    """(median ms of refresh(), median ms of the paint that follows), GUI-thread CPU."""
    args = argparse.Namespace(keys=160, heat_keys=100, interval=0.1)
    stream = screen.scalar_stream(0) if chart == "timeseries" else screen.heat_stream(0)
    pool = {stream: screen.body_pool(args)[stream]}
    store = LiveStore(capacity=800, max_columns=2048)
    t_end = 1.8e9
    screen.prefill(store, pool, args.interval, 600, t_end)
    budget = RedrawBudget()
    budget.enabled = False  # every refresh with something new redraws
    panel = PlotPanel(store, stream, chart, TimeLink(), budget=budget)
    panel.set_window(60)
    panel.set_top(8)
    panel.resize(*SIZE)
    panel.show()
    for _ in range(10):
        panel.refresh()
        app.processEvents()
    draw, paint = [], []
    for i in range(redraws):
        snap = decode(pool[stream][i % len(pool[stream])])
        snap.ts = t_end + i * args.interval
        store.ingest([snap])
        t0 = time.thread_time()
        panel.refresh()
        t1 = time.thread_time()
        app.processEvents()
        t2 = time.thread_time()
        draw.append(t1 - t0)
        paint.append(t2 - t1)
    panel.close()
    return 1000 * float(np.median(draw)), 1000 * float(np.median(paint))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redraws", type=int, default=300)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(
        f"one plot {SIZE[0]}×{SIZE[1]} px, {args.redraws} redraws, GUI-thread CPU (median), load {os.getloadavg()[0]:.2f}"
    )
    total = {}
    for chart in ("timeseries", "heatmap"):
        draw, paint = measure(app, chart, args.redraws)
        total[chart] = draw + paint
        print(f"{chart:<11} refresh {draw:5.2f} ms + paint {paint:5.2f} ms = {draw + paint:5.2f} ms")
    # bench/gui.py's screen: 25 time series and 10 heatmaps, each at 10 redraws a second
    need = 10 * (25 * total["timeseries"] + 10 * total["heatmap"]) / 1000
    print(f"35 plots (25 time series, 10 heatmaps) at 10 redraws/s: {need * 100:.0f}% of a core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
